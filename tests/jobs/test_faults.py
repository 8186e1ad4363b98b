"""Jobs under faults (issue #6), with real Celery worker processes.

- a worker SIGKILLed mid-archive, ten times at random points;
- the Redis broker restarted while a job runs and another waits in the queue;
- the job's PostgreSQL connection terminated mid-archive;
- the same job message delivered to two workers (and once more after the job ended).

Each test prints what it measured (the kill table, recovery times); docs/reliability.md quotes
those numbers.  ``ZFLAR_FAULT_SEED`` replays a run of the kill test.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlparse, urlunparse

import pytest

from tests.support.processes import REPO, REQUIRE_SERVICES, WorkerProcess, wait_for, worker_env

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

HEARTBEAT = 1
STALE_AFTER = 3
# The worker's reaper gives up on a heartbeat this old; small so that recovery takes seconds.
FAST_RECOVERY = {"ZFLAR_HEARTBEAT_SECONDS": str(HEARTBEAT), "ZFLAR_STALE_AFTER_SECONDS": str(STALE_AFTER)}
# Zones of the seed host with no blocking finding, so an undisturbed archive job succeeds.
ZONES = ["z-net-same", "z-ready", "z-running"]
# Bulk data in one zone so flarcreate writes long enough (about 0.5-1 s) to be hit mid-write.
PAYLOAD_MB = 128
PAYLOAD_FILES = 512
TERMINAL = ("succeeded", "partial", "failed", "cancelled")


# --- the source host and its plan ------------------------------------------------------------------


@dataclass
class Source:
    team: Any
    root: Path
    archives: Path
    plans: list[Any] = field(default_factory=list)

    def plan(self, index: int = 0) -> Any:
        return self.plans[index]


def _make_source(team: Any, tmp_path: Path, *, plans: int = 1) -> Source:
    from jobs import storage
    from jobs.executors.local_tree import build_host_tree
    from planner import fleet
    from planner import services as planner_services
    from planner.inputs import load_path

    bundles = tmp_path / "bundles"
    source = load_path(str(fleet.write_bundle(bundles, fleet.seed_rows_host())))
    destination = load_path(str(fleet.write_bundle(bundles, fleet.identical_destination())))
    source_host = planner_services.host_import(team=team, loaded=source).host
    destination_host = planner_services.host_import(team=team, loaded=destination).host
    root = storage.host_root(team.pk, source_host.pk)  # where jobs find the source's tree
    build_host_tree(root, source.inventory)
    bulk = root / "zones/z-ready/root/opt/bulk"
    bulk.mkdir(parents=True)
    block = random.Random(1).randbytes(1 << 20)
    size = PAYLOAD_MB * (1 << 20) // PAYLOAD_FILES
    for number in range(PAYLOAD_FILES):
        start = number % len(block)
        (bulk / f"data-{number:04d}.bin").write_bytes((block[start:] + block)[:size])
    archives = storage.team_archive_root(team.pk)
    archives.mkdir(parents=True)
    made = Source(team=team, root=root, archives=archives)
    for number in range(plans):
        made.plans.append(
            planner_services.plan_create(
                team=team, source=source_host, destination=destination_host, name=f"faults {number}"
            )
        )
    return made


def _archive_job(source: Source, tag: str, plan: int = 0) -> Any:
    from jobs import lifecycle

    return lifecycle.job_create(
        team=source.team,
        kind="archive",
        plan=source.plan(plan),
        params={"output_path": f"{tag}.flar"},  # relative to the team's folder of the archive store
        zone_names=ZONES,
    )


def _output(job: Any) -> Path:
    """The file an archive job writes: its output_path in its team's folder."""
    from jobs import storage

    return storage.team_archive_root(job.team_id) / job.params["output_path"]


def _job(job_id: int) -> Any:
    from jobs.models import Job

    return Job.objects.get(pk=job_id)


def _terminal(job_id: int, timeout: float = 60.0) -> Any:
    return wait_for(
        lambda: (job := _job(job_id)).state in TERMINAL and job,
        timeout=timeout,
        interval=0.1,
        what=f"job {job_id} to end",
    )


def _events(job_id: int) -> list[str]:
    from jobs.models import JobEvent

    return list(JobEvent.objects.filter(job_id=job_id).values_list("message", flat=True))


def _claims(job_id: int) -> list[str]:
    return [message for message in _events(job_id) if message.startswith("claimed by ")]


def _partials(output: Path) -> set[Path]:
    return set(output.parent.glob(f".{output.name}.partial-*"))


def _verifies(path: Path) -> bool:
    from jobs.executors.local import check_for_executor

    return check_for_executor(path).hash_ok is True


def _assert_archive_complete(job: Any) -> None:
    """A succeeded archive job points at a final (not temporary) file that verifies."""
    output = _output(job)
    assert job.archive_path == job.params["output_path"], job.archive_path
    assert job.result["archive_path"] == job.params["output_path"]
    assert ".partial-" not in job.archive_path
    assert _verifies(output), f"{output} does not verify"
    states = dict(job.zone_results.values_list("zone", "state"))
    assert states == dict.fromkeys(ZONES, "ok"), states


def _send(job_id: int, broker_url: str | None = None) -> None:
    """Publish run_job_task(job_id) as job_create's on-commit hook does, to any broker."""
    from celery import Celery

    from zflar_site.celery import app

    if broker_url is None:
        app.send_task("jobs.tasks.run_job_task", args=[job_id])
        return
    # CELERY_BROKER_URL in the environment (the services pass sets it) beats any broker= argument.
    with mock.patch.dict(os.environ, {"CELERY_BROKER_URL": broker_url}):
        sender = Celery("zflar-test-sender", broker=broker_url, set_as_current=False)
        sender.conf.update(task_default_queue="zflar", task_serializer="json")
        try:
            sender.send_task("jobs.tasks.run_job_task", args=[job_id])
        finally:
            sender.close()


@pytest.fixture
def no_enqueue(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jobs are created without a message; the test publishes the messages itself."""
    from jobs import lifecycle

    monkeypatch.setattr(lifecycle, "_enqueue_on_commit", lambda job: None)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[WorkerProcess]]:
    """Worker processes a test starts; all of them are stopped (or killed) at the end."""
    started: list[WorkerProcess] = []
    yield started
    for worker in started:  # ask them all first: a warm shutdown takes a few seconds each
        if worker.proc is not None and worker.proc.poll() is None:
            os.killpg(worker.proc.pid, signal.SIGTERM)
    for worker in started:
        worker.stop()


START_TIMES: list[float] = []


def _start_worker(workers: list[WorkerProcess], log_dir: Path, extra: dict[str, str]) -> WorkerProcess:
    worker = WorkerProcess(worker_env(extra), log_dir / f"worker-{len(workers) + 1}.log")
    workers.append(worker)
    began = time.monotonic()
    worker.start()
    START_TIMES.append(time.monotonic() - began)
    return worker


# --- 1. worker SIGKILLed mid-archive -------------------------------------------------------------------


@dataclass
class Kill:
    number: int
    job_id: int
    attempt: int
    target: float
    written: float
    phase: str
    killed_at: float  # wall clock, to compare with the job's own timestamps
    outcome: str = ""
    after_end: bool = False
    handed_on: float | None = None  # kill -> the next attempt claimed (or the job failed)
    to_end: float | None = None  # kill -> the job ended (for its last kill)


RENAMED = 9.99  # "written" once the temporary file was renamed to the final name


def _tree_bytes(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _kill_at_fraction(
    worker: WorkerProcess,
    job_id: int,
    attempt: int,
    output: Path,
    fraction: float,
    total: int,
    seen: set[Path],
) -> tuple[float, str, str]:
    """SIGKILL ``worker`` once attempt ``attempt`` of the job has written ``fraction`` of its archive.

    The fraction is measured on the temporary file flarcreate writes: its size over the bytes of
    the source tree.  Once that file has been renamed into place (always, for a fraction over 1)
    the kill lands wherever the attempt then is: verifying, or even just after the job ended.
    Returns the fraction written (RENAMED once renamed), the phase and the job's state after the kill.
    """
    deadline = time.monotonic() + 60
    written = 0.0
    polls = 0
    while True:
        assert time.monotonic() < deadline, f"attempt {attempt} of job {job_id} never got going"
        fresh = _partials(output) - seen
        for partial in fresh:
            with contextlib.suppress(FileNotFoundError):  # renamed into place meanwhile
                written = max(written, partial.stat().st_size / total)
        if written >= fraction:
            break
        if written > 0 and not fresh:  # renamed into place
            written = RENAMED
            break
        polls += 1
        if polls % 10 == 0:
            job = _job(job_id)
            if job.attempt >= attempt and (
                job.state in TERMINAL or job.phase.startswith(("verify", "post-archive"))
            ):
                break
        time.sleep(0.005)
    worker.kill()
    seen |= _partials(output)
    job = _job(job_id)
    return written, job.phase.split(":")[0] or "?", job.state


def test_worker_sigkilled_mid_archive_ten_times(team, tmp_path, workers, settings):
    """Ten SIGKILLs of the whole worker at random fractions of the archive written.

    After each kill a new worker starts; its start-up reaper (or the reap it schedules for the
    moment the dead worker's heartbeat goes stale) re-queues the job, or fails it once its
    attempts are used up.  Sometimes the re-run is killed too (seeded choice).
    """
    seed = int(os.environ.get("ZFLAR_FAULT_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\nkill test seed: {seed} (replay with ZFLAR_FAULT_SEED={seed})")
    rng = random.Random(seed)
    settings.ZFLAR_MAX_ATTEMPTS = 2  # a job killed twice fails with a reason; read at job_create
    source = _make_source(team, tmp_path)
    total = _tree_bytes(source.root)
    logs = tmp_path / "logs"
    logs.mkdir()
    began = time.monotonic()
    START_TIMES.clear()
    worker = _start_worker(workers, logs, FAST_RECOVERY)
    kills: list[Kill] = []
    jobs: list[int] = []
    seen_partials: set[Path] = set()
    job_id: int | None = None
    attempt = 1
    while len(kills) < 10:
        if job_id is None:
            job_id = _archive_job(source, f"kill-{len(jobs) + 1}").pk
            jobs.append(job_id)
            attempt = 1
        output = _output(_job(job_id))
        # Past 1.0 the kill waits for the rename: the archive is complete and being read back.
        fraction = rng.uniform(0.0, 1.2)
        written, phase, state = _kill_at_fraction(
            worker, job_id, attempt, output, fraction, total, seen_partials
        )
        kill = Kill(len(kills) + 1, job_id, attempt, fraction, written, phase, time.time())
        kills.append(kill)
        worker = _start_worker(workers, logs, FAST_RECOVERY)
        if state in TERMINAL:  # the kill came just after the job ended: nothing to recover
            kill.outcome, kill.after_end = state, True
            job_id = None
            continue
        max_attempts = _job(job_id).max_attempts
        if attempt < max_attempts and len(kills) < 10 and rng.random() < 0.35:
            attempt += 1  # kill the re-run as well
            continue
        kill.outcome = _terminal(job_id, timeout=45).state
        job_id = None

    # Every job ended; none is left running or queued.
    states = {pk: _terminal(pk, timeout=45).state for pk in jobs}
    elapsed = time.monotonic() - began
    _measure_recovery(kills)
    _print_kill_table(kills, states, elapsed)

    assert len(kills) == 10
    for pk in jobs:
        job = _job(pk)
        killed = sum(1 for kill in kills if kill.job_id == pk and not kill.after_end)
        claims = _claims(pk)
        assert len(claims) == job.attempt, claims
        output = _output(job)
        if job.state == "succeeded":
            assert job.attempt == killed + 1, (job.attempt, killed)
            _assert_archive_complete(job)
        else:
            assert job.state == "failed", (pk, job.state, job.error)
            assert job.attempt == job.max_attempts == killed
            assert "stopped sending heartbeats" in job.error, job.error
            assert f"gave up after {job.max_attempts} attempts" in job.error, job.error
            assert job.archive_path == "" and "archive_path" not in job.result
            # The last attempt may have renamed its archive into place just before the kill:
            # then it is complete. Anything at the final path must verify.
            if output.exists():
                assert _verifies(output), f"{output} is at the final path but does not verify"
    # Temporary files from killed attempts are never at a final path and never recorded as archives.
    for partial in source.archives.glob(".*.partial-*"):
        assert not any(_job(pk).archive_path == str(partial) for pk in jobs)
    assert {p.name for p in source.archives.glob("*.flar")} <= {f"kill-{n}.flar" for n in range(1, 11)}


def _measure_recovery(kills: list[Kill]) -> None:
    """From the jobs' own timestamps: when each killed attempt was handed on, and when its job ended."""
    from jobs.models import JobEvent

    for kill in kills:
        job = _job(kill.job_id)
        if kill.after_end:
            continue
        claimed = JobEvent.objects.filter(
            job_id=kill.job_id,
            message__startswith="claimed by",
            message__contains=f"(attempt {kill.attempt + 1} of",
        ).first()
        if claimed is not None:
            kill.handed_on = claimed.created.timestamp() - kill.killed_at
        elif job.state == "failed":
            kill.handed_on = job.finished.timestamp() - kill.killed_at
        if not any(k.job_id == kill.job_id and k.number > kill.number for k in kills):
            kill.to_end = job.finished.timestamp() - kill.killed_at
        else:
            kill.outcome = "killed again"


def _print_kill_table(kills: list[Kill], states: dict[int, str], elapsed: float) -> None:
    def seconds(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f} s"

    print(
        f"{'kill':>4} {'job':>4} {'try':>3} {'target':>6} {'written':>7} {'phase':<8} "
        f"{'outcome':<13} {'handed on':>9} {'job end':>8}"
    )
    for kill in kills:
        outcome = kill.outcome + (" (kill came after the end)" if kill.after_end else "")
        written = "renamed" if kill.written == RENAMED else f"{kill.written:.2f}"
        print(
            f"{kill.number:>4} {kill.job_id:>4} {kill.attempt:>3} {kill.target:>6.2f} {written:>7} "
            f"{kill.phase:<8} {outcome:<13} {seconds(kill.handed_on):>9} {seconds(kill.to_end):>8}"
        )
    outcomes = sorted(states.values())
    handed = [k.handed_on for k in kills if k.handed_on is not None]
    ends = [k.to_end for k in kills if k.to_end is not None]
    print(
        f"jobs: {len(states)} ({', '.join(f'{outcomes.count(s)} {s}' for s in sorted(set(outcomes)))}); "
        f"kill to hand-on: min {min(handed):.1f} s, mean {sum(handed) / len(handed):.1f} s, "
        f"max {max(handed):.1f} s; kill to job end: mean {sum(ends) / len(ends):.1f} s, "
        f"max {max(ends):.1f} s; worker start: mean {sum(START_TIMES) / len(START_TIMES):.1f} s "
        f"({len(START_TIMES)} starts); whole test {elapsed:.0f} s"
    )


# --- 2. Redis restarted mid-job ---------------------------------------------------------------------


def _redis_server() -> str:
    path = shutil.which("redis-server") or (
        "/usr/sbin/redis-server" if Path("/usr/sbin/redis-server").exists() else None
    )
    if path is None:
        message = "redis-server is not installed (Debian package redis-server)"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message}; CI requires it")
        pytest.skip(f"{message}; this test runs in CI (CI=true), where it is required")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A redis-server of our own on a free port, persisting every write (appendonly, fsync always)."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with (self.directory / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    self.binary,
                    "--port", str(self.port),
                    "--bind", "127.0.0.1",
                    "--dir", str(self.directory),
                    "--appendonly", "yes",
                    "--appendfsync", "always",
                    "--save", "",
                    "--daemonize", "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

        def answers() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(answers, timeout=15, what=f"redis-server on port {self.port}")

    def crash(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def test_redis_restarted_mid_job(team, tmp_path, workers, no_enqueue):
    """Redis is killed (SIGKILL) and started again while job A archives and job B waits in the queue.

    A keeps running through the outage and succeeds on its first attempt; B's message was
    persisted (appendonly) and B runs after the restart.
    """
    redis = PrivateRedis(_redis_server(), tmp_path / "redis")
    redis.start()
    try:
        source = _make_source(team, tmp_path, plans=2)
        logs = tmp_path / "logs"
        logs.mkdir()
        worker = _start_worker(workers, logs, {**FAST_RECOVERY, "CELERY_BROKER_URL": redis.url})
        first, second = _archive_job(source, "redis-a", plan=0), _archive_job(source, "redis-b", plan=1)
        _send(first.pk, redis.url)
        _send(second.pk, redis.url)
        output = _output(first)
        wait_for(
            lambda: any(p.stat().st_size > 4 << 20 for p in _partials(output) if p.exists()),
            timeout=60,
            interval=0.01,
            what="job A to be writing its archive",
        )
        assert _job(second.pk).state == "queued"
        restart = time.monotonic()
        redis.crash()
        time.sleep(1.0)
        redis.start()
        down = time.monotonic() - restart
        first_job = _terminal(first.pk, timeout=60)
        second_job = _terminal(second.pk, timeout=60)
        done = time.monotonic() - restart
        print(
            f"\nredis down {down:.1f} s while job A was mid-archive; A {first_job.state} "
            f"(attempt {first_job.attempt}), B {second_job.state} (attempt {second_job.attempt}); "
            f"both ended {done:.1f} s after the crash"
        )
        log = worker.log()
        assert re.search(r"[Cc]onnection to broker lost|Error while reading from|Connection refused", log), (
            log[-3000:]
        )
        for job in (first_job, second_job):
            assert job.state == "succeeded", (job.state, job.error)
            assert job.attempt == 1 and len(_claims(job.pk)) == 1, _events(job.pk)
            _assert_archive_complete(job)
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()


# --- 3. the database connection dropped mid-job ---------------------------------------------------------


def _postgres_url(base: str, name: str) -> str:
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


def test_database_connection_dropped_mid_job(team, tmp_path, workers, services_urls):
    """pg_terminate_backend on the worker's connections while it writes the archive.

    The task sees the dropped connection, reconnects and re-queues the job (attempt 2), which
    then succeeds; the job never stays "running".  On the SQLite pass this test re-runs itself
    in a child pytest against a PostgreSQL database from ``services_urls`` (SQLite has no
    server connection to drop).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        _run_on_postgresql(tmp_path, services_urls["database"])
        return
    source = _make_source(team, tmp_path)
    logs = tmp_path / "logs"
    logs.mkdir()
    _start_worker(workers, logs, FAST_RECOVERY)
    job = _archive_job(source, "db-drop")
    output = _output(job)
    wait_for(
        lambda: any(p.stat().st_size > 8 << 20 for p in _partials(output) if p.exists()),
        timeout=60,
        interval=0.01,
        what="the job to be writing its archive",
    )
    dropped_at = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        terminated = sum(1 for (ok,) in cursor.fetchall() if ok)
    assert terminated >= 1, "the worker had no database connection to terminate"
    ended = _terminal(job.pk, timeout=60)
    print(
        f"\nterminated {terminated} worker connection(s) mid-archive; job {ended.state} on attempt "
        f"{ended.attempt}, {time.monotonic() - dropped_at:.1f} s after the drop"
    )
    events = _events(job.pk)
    assert ended.state == "succeeded", (ended.state, ended.error, events)
    assert ended.attempt == 2 and len(_claims(job.pk)) == 2, events
    assert any("database connection was lost" in e and "re-queued (attempt 2 of" in e for e in events), events
    _assert_archive_complete(ended)


def _run_on_postgresql(tmp_path: Path, database_url: str) -> None:
    """Run this test in a child pytest whose database is PostgreSQL (the broker stays the default)."""
    if os.environ.get("ZFLAR_FAULTS_CHILD"):
        pytest.fail("the child run is on SQLite too; DATABASE_URL did not take")
    env = dict(os.environ)
    env.pop("CELERY_BROKER_URL", None)
    env.update(
        ZFLAR_FAULTS_CHILD="1",
        DATABASE_URL=_postgres_url(database_url, f"zflar_faults_{os.getpid()}"),
        ZFLAR_VAR_DIR=str(tmp_path / "child-var"),
    )
    node = f"{Path(__file__).resolve()}::test_database_connection_dropped_mid_job"
    started = time.monotonic()
    child = subprocess.run(
        [sys.executable, "-m", "pytest", node, "-p", "no:cacheprovider", "-s", "-q", "--create-db"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    print(f"\n--- child run on PostgreSQL ({time.monotonic() - started:.0f} s) ---\n{child.stdout[-3000:]}")
    assert child.returncode == 0, child.stdout[-6000:] + child.stderr[-3000:]
    assert "1 passed" in child.stdout


# --- 4. the same job delivered twice ---------------------------------------------------------------------


def test_same_job_delivered_to_two_workers(team, tmp_path, workers, no_enqueue):
    """Two workers each receive a copy of the job's message: one claims and runs it, the other does nothing.

    A third copy delivered after the job ended does nothing either.
    """
    source = _make_source(team, tmp_path)
    logs = tmp_path / "logs"
    logs.mkdir()
    pair = [_start_worker(workers, logs, FAST_RECOVERY) for _ in range(2)]
    job = _archive_job(source, "twice")
    _send(job.pk)
    _send(job.pk)
    ended = _terminal(job.pk, timeout=60)
    received = [len(re.findall(r"Task jobs\.tasks\.run_job_task\[[^\]]+\] received", w.log())) for w in pair]
    refused = [w.log().count("not claimed") for w in pair]
    print(f"\nreceived per worker {received}, not claimed per worker {refused}, job {ended.state}")
    assert received == [1, 1], received
    assert sorted(refused) == [0, 1], refused
    assert ended.state == "succeeded" and ended.attempt == 1, (ended.state, ended.error)
    assert len(_claims(job.pk)) == 1, _events(job.pk)
    assert ended.zone_results.count() == len(ZONES)
    _assert_archive_complete(ended)

    _send(job.pk)  # a late redelivery (say, after a broker's visibility timeout)
    wait_for(lambda: sum(w.log().count("not claimed") for w in pair) == 2, timeout=30, what="the late copy")
    again = _job(job.pk)
    assert (again.state, again.attempt, again.finished) == ("succeeded", 1, ended.finished)
    assert len(_claims(job.pk)) == 1


# --- 5. the services behind the recovery, without a worker -------------------------------------------


def _claimed_job(team: Any, max_attempts: int = 3) -> Any:
    from jobs import lifecycle, progress
    from jobs.models import Job

    job = lifecycle.job_create(team=team, kind="inspect", params={"archive_path": "x.flar"})
    Job.objects.filter(pk=job.pk).update(max_attempts=max_attempts)
    claimed = progress.job_claim(job_id=job.pk)
    assert claimed is not None
    return claimed


def test_a_late_finish_from_a_handed_on_attempt_is_ignored(team, no_enqueue):
    """The reaper re-queued attempt 1 (stale heartbeat) and attempt 2 runs elsewhere: attempt 1 ending
    late (finish or cancel) must not overwrite the row."""
    from datetime import timedelta

    from django.utils import timezone

    from jobs import lifecycle, progress
    from jobs.models import Job

    first = _claimed_job(team)
    Job.objects.filter(pk=first.pk).update(heartbeat=timezone.now() - timedelta(hours=1))
    assert lifecycle.jobs_reap_stale(stale_after=60) == [first.pk]
    second = progress.job_claim(job_id=first.pk)
    assert second is not None and second.attempt == 2
    Job.objects.filter(pk=first.pk).update(worker="other-host:4242")  # attempt 2 runs on another worker

    progress.job_finish(first, error="")
    progress.job_mark_cancelled(first, "the job is no longer ours")
    row = _job(first.pk)
    assert (row.state, row.attempt, row.worker, row.finished) == ("running", 2, "other-host:4242", None)
    events = _events(first.pk)
    assert any("(attempt 1) finished late and was ignored" in e for e in events), events
    assert any("(attempt 1) stopped: the job is no longer ours" in e for e in events), events
    assert not any(e.startswith(("job succeeded", "job cancelled")) for e in events), events


def test_an_interrupted_job_is_requeued_then_failed_at_the_cap(team, monkeypatch):
    from jobs import lifecycle, progress

    sent: list[int] = []
    monkeypatch.setattr(lifecycle, "_enqueue_on_commit", lambda job: sent.append(job.pk))
    first = _claimed_job(team, max_attempts=2)
    assert lifecycle.job_interrupted(first, "the database connection was lost")
    row = _job(first.pk)
    # A queued job's heartbeat is when its message was last sent (jobs_resend_unclaimed).
    assert (row.state, row.worker) == ("queued", "") and row.heartbeat is not None
    assert sent == [first.pk, first.pk]  # job_create's message, then the re-queue's
    assert not lifecycle.job_interrupted(first, "again")  # a copy that no longer holds the row

    second = progress.job_claim(job_id=first.pk)
    assert second is not None
    assert lifecycle.job_interrupted(second, "the database connection was lost")
    row = _job(first.pk)
    assert row.state == "failed" and row.finished is not None
    assert row.error == "the database connection was lost; gave up after 2 attempts"
    assert len(_claims(first.pk)) == 2


def test_a_restarted_worker_asks_for_a_reap_when_the_dead_workers_jobs_go_stale(
    team, settings, monkeypatch, no_enqueue
):
    """Jobs of a worker that died a moment ago still look alive when its replacement starts."""
    from datetime import timedelta

    from django.utils import timezone

    from jobs import tasks
    from jobs.models import Job

    settings.ZFLAR_STALE_AFTER_SECONDS = 10
    asked: list[float] = []
    monkeypatch.setattr(tasks.reap_stale_jobs_task, "apply_async", lambda countdown: asked.append(countdown))
    tasks.reap_at_worker_start()
    assert asked == []  # nothing runs: no reap to schedule

    job = _claimed_job(team)
    Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(seconds=4))
    tasks.reap_at_worker_start()
    assert _job(job.pk).state == "running"  # not stale yet
    assert len(asked) == 1 and 6.0 <= asked[0] <= 7.5, asked  # 10 - 4 s, plus a second's margin

    Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(seconds=30))
    tasks.reap_at_worker_start()
    assert _job(job.pk).state == "queued" and len(asked) == 1


def test_a_message_that_meets_an_unreachable_database_is_retried(monkeypatch):
    from django.db import OperationalError

    from jobs import progress, tasks

    calls: list[int] = []

    def claim(*, job_id: int, task_id: str = "") -> None:
        calls.append(job_id)
        if len(calls) == 1:
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(progress, "job_claim", claim)
    result = tasks.run_job_task.apply(args=[7])  # eager: the retry runs at once, in process
    assert result.successful(), result.traceback
    assert calls == [7, 7]
