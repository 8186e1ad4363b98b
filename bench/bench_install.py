"""Install: a fresh clone's ``make run`` to its first page, with a warm package cache.

Each round clones this repository's committed HEAD (``git clone``, so uncommitted changes are
not measured) into a scratch folder and runs ``make run PORT=<free port>`` there, in an
environment without this process's Django, database, broker and venv variables (so it runs on
the embedded default, as a newcomer's does).  The figure is the time from starting ``make`` to
the first 200 answer of ``GET /login/``.  ``make`` echoes each command before it runs it; the
time between those lines splits the figure into phases:

* ``uv bootstrap``: make's start and pip installing uv from the lock (``.uv/``);
* ``install``: ``uv venv`` and the runtime set from requirements.lock into ``.venv``;
* ``migrate``: ``manage.py migrate`` on a new SQLite database;
* ``demo``: ``manage.py zflar_demo`` (the demo team, login, fleet and plans);
* ``server``: ``scripts/run-dev`` until the login page answers (runserver and the worker start).

(``make run`` runs no ``collectstatic``: runserver serves the static files through the finders.)
The same clone then runs ``make run`` a second time (installed, migrated, demo loaded): that is
the second figure.

The reference, timed in the same round just before: ``python -m venv`` and
``pip install --no-index Django==<the locked version>`` from wheels downloaded once (untimed)
into the scratch folder: what plain pip costs to put a bare Django into a new venv, network
excluded, before a Django project could serve anything.  (Wheels on disk rather than pip's
cache: on this machine pip's HTTP cache keeps nothing, as the registry's answers come without
cache headers, so a "warm" pip would still download.)  The uv cache is warm when ``make bench``
runs this: ``make venv`` installed the same pins just before.

Rounds: 3 (``BENCH_QUICK=1``: 1); the worst round is held against the 30 s target, and the
ratio is the median over the rounds of the first page's time over the same round's reference.  With
``BENCH_INSTALL_COLD=1`` one more round runs with empty, separate pip and uv caches (everything
downloaded; the shared caches are not touched).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_S = 30.0
PY = os.environ.get("PY", "python3.11")
# Variables of this (benchmark or test) process that would steer the clone away from a newcomer's set-up.
_DROP_PREFIXES = ("ZFLAR_", "DJANGO_", "CELERY_", "BENCH_", "CI_", "DATABASE_URL", "CACHE_URL")
_DROP = {"VIRTUAL_ENV", "PYTHONPATH", "LOG_LEVEL", "SECRET_KEY", "DEBUG", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
# The command make echoes at the start of each phase (in order).
PHASES = (
    ("install", re.compile(r"uv venv |uv pip install ")),
    ("migrate", re.compile(r"manage\.py migrate")),
    ("demo", re.compile(r"manage\.py zflar_demo")),
    ("server", re.compile(r"scripts/run-dev")),
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _DROP and not key.startswith(_DROP_PREFIXES)
    }
    env.update(extra)
    return env


def locked_version(name: str) -> str:
    lock = (common.REPO / "requirements.lock").read_text()
    match = re.search(rf"^{re.escape(name)}==([^\s;]+)", lock, re.M)
    if match is None:
        raise RuntimeError(f"{name} is not in requirements.lock")
    return match.group(1)


def reference_wheels(scratch: Path, env: dict[str, str]) -> Path:
    """Django's locked version and what it needs, downloaded once (untimed) for the reference."""
    wheels = scratch / "reference-wheels"
    pip = [PY, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--only-binary", ":all:"]
    subprocess.run(
        [*pip, "--dest", str(wheels), f"django=={locked_version('django')}"],
        env=env,
        check=True,
        timeout=600,
        capture_output=True,
    )
    return wheels


def reference_s(scratch: Path, wheels: Path, env: dict[str, str]) -> float:
    """``python -m venv`` + ``pip install Django`` from wheels on disk (no network) into a new folder."""
    target = scratch / "reference-venv"
    shutil.rmtree(target, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([PY, "-m", "venv", str(target)], env=env, check=True, timeout=300)
    pip = [str(target / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "--no-index"]
    subprocess.run(
        [*pip, "--find-links", str(wheels), f"django=={locked_version('django')}"],
        env=env,
        check=True,
        timeout=600,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    shutil.rmtree(target, ignore_errors=True)
    return seconds


class MakeRun:
    """``make run`` in a clone, its echoed commands timestamped as they arrive."""

    def __init__(self, clone: Path, port: int, env: dict[str, str], log_path: Path) -> None:
        self.clone = clone
        self.port = port
        self.env = env
        self.log_path = log_path
        self.lines: list[tuple[float, str]] = []
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def start(self) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={self.port}", f"PY={PY}"],
            cwd=self.clone,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        with self.log_path.open("ab") as log_file:
            for raw in self.proc.stdout:
                self.lines.append((time.monotonic() - self.started, raw.decode(errors="replace").rstrip()))
                log_file.write(raw)
                log_file.flush()

    def first_page_s(self, timeout: float) -> float:
        url = f"http://127.0.0.1:{self.port}/login/"
        try:
            common.wait_http(url, self.proc, timeout=timeout, interval=0.05)
        except RuntimeError as exc:
            tail = "\n".join(line for _, line in self.lines[-40:])
            raise RuntimeError(f"make run in {self.clone}: {exc}\n{tail}") from exc
        return time.monotonic() - self.started

    def phases(self, total: float) -> dict[str, float]:
        """Seconds per phase: from make's start (or a phase's first echoed command) to the next."""
        marks = [("uv bootstrap", 0.0)]
        for name, pattern in PHASES:
            at = next((t for t, line in self.lines if pattern.search(line)), None)
            if at is not None and name not in (m for m, _ in marks):
                marks.append((name, at))
        ends = [at for _, at in marks[1:]] + [total]
        return {name: round(end - at, 2) for (name, at), end in zip(marks, ends, strict=True)}

    def stop(self) -> None:
        """SIGTERM make's whole group (runserver, the worker and its pool) and wait until all are gone."""
        if self.proc is None:
            return
        group = self.proc.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while _group_alive(group):
            self.proc.poll()  # reap make itself
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGKILL)
                deadline = time.monotonic() + 10
            time.sleep(0.1)
        self.proc.wait(10)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def one_round(scratch: Path, number: int, env: dict[str, str]) -> dict[str, Any]:
    clone = scratch / f"clone-{number}"
    shutil.rmtree(clone, ignore_errors=True)
    start = time.perf_counter()
    git = ["git", "clone", "--quiet", str(common.REPO), str(clone)]
    subprocess.run(git, env=env, check=True, timeout=120)
    clone_s = time.perf_counter() - start
    result: dict[str, Any] = {"clone_s": round(clone_s, 2)}
    for label in ("first", "second"):
        run = MakeRun(clone, common.free_port(), env, scratch / f"make-run-{number}.log")
        run.start()
        try:
            seconds = run.first_page_s(timeout=300)
        finally:
            run.stop()
        result[f"{label}_page_s"] = round(seconds, 2)
        result[f"{label}_phases"] = run.phases(seconds)
    venv_bytes = sum(path.stat().st_size for path in (clone / ".venv").rglob("*") if path.is_file())
    result["venv_mb"] = round(venv_bytes / 1e6)
    shutil.rmtree(clone, ignore_errors=True)
    return result


def run() -> dict[str, Any]:
    common.require_tool("git")
    common.require_tool("make")
    rounds = 1 if common.quick() else 3
    scratch = Path(tempfile.mkdtemp(prefix="install-", dir=common.bench_dir()))
    env = clean_env()
    try:
        wheels = reference_wheels(scratch, env)
        results = []
        for number in range(1, rounds + 1):
            common.log(f"install: round {number} of {rounds}")
            reference = reference_s(scratch, wheels, env)
            results.append({"reference_s": round(reference, 2), **one_round(scratch, number, env)})
        cold = None
        if os.environ.get("BENCH_INSTALL_COLD") == "1":
            common.log("install: cold round (empty pip and uv caches)")
            caches = scratch / "cold-caches"
            cold_env = clean_env(PIP_CACHE_DIR=str(caches / "pip"), UV_CACHE_DIR=str(caches / "uv"))
            cold = {"reference_s": round(reference_s(scratch, wheels, cold_env), 2)}
            cold.update(one_round(scratch, 0, cold_env))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    firsts = [r["first_page_s"] for r in results]
    ratios = [r["first_page_s"] / r["reference_s"] for r in results]
    references = [r["reference_s"] for r in results]
    worst = max(firsts)
    return {
        "rounds": rounds,
        "target_s": TARGET_S,
        "first_page_median_s": round(common.median(firsts), 2),
        "first_page_worst_s": worst,
        "second_page_median_s": round(common.median([r["second_page_s"] for r in results]), 2),
        "reference_median_s": round(common.median(references), 2),
        # Each round's first page against the reference timed in the same round; their median.
        "ratio_vs_reference": round(common.median(ratios), 2),
        "django_version": locked_version("django"),
        "runs": results,
        "cold": cold,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    print(json.dumps(run()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
