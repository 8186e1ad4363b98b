"""The benchmark harness, shared with the test suite: paths, the machine, timing, PostgreSQL
scratch databases, the environment of a Django process, and launchers for a Celery worker and
a web server.

Everything here is plain Python (no Django at import time), so ``bench/run.py`` can import it
before it decides which database each benchmark process gets, and ``tests/conftest.py`` can
start its workers with the same :class:`WorkerProcess` the benchmarks use.  The product
(planner, jobs, zflar_site) never imports this module.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
# The scratch PostgreSQL database the benchmarks create and drop; set it apart for concurrent runs.
DB_NAME = os.environ.get("BENCH_DB_NAME", "zflar_bench")


def quick() -> bool:
    return os.environ.get("BENCH_QUICK") == "1"


def var_dir() -> Path:
    return Path(os.environ.get("ZFLAR_VAR_DIR", REPO / "var"))


def bench_dir() -> Path:
    """Scratch space for trees, bundles and logs; on the repository's filesystem."""
    path = Path(os.environ.get("BENCH_DIR", var_dir() / "bench"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, Any]:
    mem_kib = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count() or 0,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def time_ms(func: Callable[[], object], runs: int) -> list[float]:
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


# --- PostgreSQL scratch databases ----------------------------------------------------------------


def _admin_execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def pg_url(name: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped (with its connections) on the way out."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad database name {name!r}")
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url(name)
    finally:
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Django in a benchmark process ------------------------------------------------------------------


def process_env(*, settings: str, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a Django process the harness starts: a benchmark child, a server, a worker.

    This process's environment, with the settings module, the database and the repository on
    the import path; ``extra`` (broker, storage folders, ...) goes on top.
    """
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": settings, "DATABASE_URL": database_url, "PYTHONPATH": str(REPO)})
    env.update(extra)
    return env


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a benchmark process (or a server/worker it starts): the benchmark settings."""
    return process_env(
        settings="bench.settings_bench", database_url=database_url, **{"LOG_LEVEL": "WARNING", **extra}
    )


def django_setup() -> None:
    """Call in a benchmark process whose environment came from :func:`django_env`."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def setup_child() -> None:
    """The start of every benchmark child: Django set up on its DATABASE_URL, and migrated."""
    django_setup()
    migrate()


def bench_user() -> tuple[Any, Any]:
    """A team and an operator of it (who logs in with ``force_login``): ``(team, user)``."""
    from django.contrib.auth import get_user_model

    from planner.models import Membership, Team

    team = Team.objects.create(name="bench")
    user = get_user_model().objects.create_user(username="bench")
    Membership.objects.create(user=user, team=team, role=Membership.Role.OPERATOR)
    return team, user


def planned_pair(team: Any, *, zones: int, seed: int, user: Any = None, tree: bool = False) -> Any:
    """One generated source (every seed row, ``zones`` zones) and destination, imported and planned.

    With ``tree``, the source also gets its local-executor tree with empty zone roots, so archive
    jobs can run on it.  Returns the plan.
    """
    from jobs import storage
    from jobs.executors.local_tree import build_host_tree
    from planner import fleet, services
    from planner.inputs import load_files

    source = fleet.fleet(1, zones, seed, seed_rows_per_host=True)[0]
    destination = fleet.fleet_destinations(1, seed)[0]
    hosts = []
    for spec in (source, destination):
        loaded = load_files(fleet.render_bundle(spec), upload_name=fleet.bundle_name(spec))
        hosts.append(services.host_import(team=team, loaded=loaded, replan=False).host)
        if tree and spec is source:
            # Where the jobs look for the source's tree: <root>/team-<id>/host-<id> (jobs/storage.py).
            root = storage.host_root(team.pk, hosts[-1].pk)
            build_host_tree(root, loaded.inventory, payload_bytes_per_zone=0)
    return services.plan_create(team=team, source=hosts[0], destination=hosts[1], user=user)


def run_json(args: Sequence[str], env: dict[str, str], timeout: float = 900) -> dict[str, Any]:
    """Run a benchmark process; its last stdout line is a JSON object."""
    proc = subprocess.run(
        [PYTHON, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    sys.stderr.write(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed; `make bench` installs it (scripts/install-bench-deps)")
    return path


# --- processes: a Celery worker, a web server ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str, headers: Mapping[str, str] | None = None, timeout: float = 30) -> int:
    """GET ``url`` (loopback only) and read the body; the HTTP status, also for 4xx/5xx answers."""
    request = urllib.request.Request(url, headers=dict(headers or {}))  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def wait_http(
    url: str, proc: subprocess.Popen[bytes] | None = None, *, timeout: float = 60.0, interval: float = 0.05
) -> float:
    """Poll ``url`` until it answers 200; the seconds it took.  Fails if ``proc`` exits meanwhile."""
    start = time.monotonic()
    status = 0
    while time.monotonic() - start < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({proc.returncode}) before it answered")
        try:
            status = http_status(url, timeout=5)
        except OSError:
            status = 0
        if status == 200:
            return time.monotonic() - start
        time.sleep(interval)
    raise RuntimeError(f"{url} did not answer 200 in {timeout:.0f} s (last status {status or 'none'})")


class ManagedProcess:
    """A child in its own session (process group), its output in a log file; stopped group-wide."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], log_path: Path, cwd: Path = REPO) -> None:
        self.args = list(args)
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log_file:
            self.proc = subprocess.Popen(
                self.args,
                cwd=self.cwd,
                env=self.env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group (main process and its children), like a crash or the OOM killer."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM the whole group; SIGKILL it if it has not exited after ``timeout`` seconds."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class WorkerProcess(ManagedProcess):
    """A real Celery worker of zflar_site (prefork, concurrency 1, the ``zflar`` queue).

    The tests (``tests/conftest.py``) and the job benchmark start their workers with this;
    ``extra_args`` go to ``celery worker`` (the benchmark adds ``--without-heartbeat``).
    """

    def __init__(
        self, env: Mapping[str, str], log_path: Path, *, name: str = "worker", extra_args: Sequence[str] = ()
    ) -> None:
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "zflar_site",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "-Q",
            "zflar",
            "--without-gossip",
            "--without-mingle",
            *extra_args,
            "-n",
            f"{name}-{os.getpid()}-{time.time_ns()}@%h",
        ]
        super().__init__(args, env, log_path)

    def start(self, timeout: float = 60.0) -> None:
        """Start it and wait for its "ready." line."""
        super().start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b"ready." in self.log_path.read_bytes():
                return
            if not self.running():
                break
            time.sleep(0.1)
        raise RuntimeError(f"the Celery worker did not start:\n{self.log()[-4000:]}")


class GunicornProcess(ManagedProcess):
    """``gunicorn zflar_site.wsgi`` on 127.0.0.1:``port`` with ``workers`` sync workers (scripts/serve)."""

    def __init__(self, env: Mapping[str, str], log_path: Path, *, port: int, workers: int) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        args = [gunicorn, "zflar_site.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        args += ["--workers", str(workers), "--log-level", "warning"]
        super().__init__(args, env, log_path)
        self.base_url = f"http://127.0.0.1:{port}"

    def start_and_wait(self, path: str, timeout: float = 60.0) -> None:
        """Start it and wait until ``path`` answers 200."""
        self.start()
        try:
            wait_http(self.base_url + path, self.proc, timeout=timeout)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{self.log()[-3000:]}") from exc


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def profiled(name: str) -> Iterator[None]:
    """With BENCH_PROFILE=DIR, profile the block with pyinstrument into DIR/NAME.txt (and .html)."""
    target = os.environ.get("BENCH_PROFILE")
    if not target:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        out = Path(target)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
        (out / f"{name}.html").write_text(profiler.output_html())
