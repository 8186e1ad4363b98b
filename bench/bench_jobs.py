"""Job overhead: a 20-zone archive job on the local executor, through a real worker on Redis.

:func:`run` makes a scratch PostgreSQL database and runs this file as a child on
it, with Redis database 13 as the broker (and, for the reference only, as the
result backend).  The child migrates, imports a 20-zone source (every seed row;
``fleet.fleet(1, 20, 5, seed_rows_per_host=True)``) and a destination, plans
them, and builds the source's local-executor tree with empty zone roots
(``build_host_tree(..., payload_bytes_per_zone=0)``).  It starts one Celery
worker (prefork, concurrency 1, the ``zflar`` queue, as ``tests/conftest.py``
does) and then alternates:

* the reference: ``bench.ping`` (a no-op task) sent and its result awaited,
  ``PINGS_PER_ROUND`` times per round;
* one archive job: ``job_create`` (what the "Start" button calls) to the last
  per-zone result recorded, from the job's own timestamps (``Job.created`` and the
  newest final ``ZoneResult.updated``), and to the job's end.

Rounds: 5 (``BENCH_QUICK=1``: 3).  Medians are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

SEED = 5
ZONES = 20
PINGS_PER_ROUND = 5
TARGET_S = 2.0


def _fixtures() -> tuple[Any, Any]:
    from django.conf import settings

    Path(settings.ARCHIVE_STORE).mkdir(parents=True, exist_ok=True)
    team, _ = common.bench_user()
    return team, common.planned_pair(team, zones=ZONES, seed=SEED, tree=True)


def _ping_ms() -> float:
    from bench.celery_ping import ping

    start = time.perf_counter()
    if ping.apply_async().get(timeout=30) != "pong":
        raise RuntimeError("bench.ping answered something else")
    return (time.perf_counter() - start) * 1000


def _job_once(team: Any, plan: Any) -> dict[str, Any]:
    from jobs.lifecycle import job_create
    from jobs.models import Job, ZoneResult

    start = time.perf_counter()
    job = job_create(team=team, kind=Job.Kind.ARCHIVE, plan=plan, executor=Job.Executor.LOCAL)
    deadline = time.monotonic() + 120
    while True:
        job.refresh_from_db(fields=["state", "started", "finished", "error"])
        if job.is_terminal:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"job {job.pk} still {job.state} after 120 s")
        time.sleep(0.01)
    observed = time.perf_counter() - start
    results = list(job.zone_results.values_list("state", "updated"))
    final = [updated for state, updated in results if state in ZoneResult.FINAL_STATES]
    if len(final) != ZONES:
        raise RuntimeError(f"job {job.pk} ({job.state}): {len(final)} of {ZONES} zones have a result")
    last = max(final)
    return {
        "job": job.pk,
        "state": job.state,
        "error": job.error[:300],
        "zone_states": sorted({state for state, _ in results}),
        "queued_to_last_result_s": (last - job.created).total_seconds(),
        "claimed_to_last_result_s": (last - job.started).total_seconds(),
        "queued_to_claimed_s": (job.started - job.created).total_seconds(),
        "queued_to_finished_s": (job.finished - job.created).total_seconds(),
        "observed_s": observed,
    }


def child() -> dict[str, Any]:
    common.setup_child()
    from zflar_site.celery import app

    app.control.purge()
    team, plan = _fixtures()
    from django.db import connections

    connections.close_all()
    rounds = 3 if common.quick() else 5
    worker = common.WorkerProcess(
        dict(os.environ), common.bench_dir() / "worker.log", name="bench", extra_args=["--without-heartbeat"]
    )
    worker.start()
    try:
        for _ in range(3):
            _ping_ms()  # warm the connections on both sides
        pings: list[float] = []
        jobs: list[dict[str, Any]] = []
        for _ in range(rounds):
            pings += [_ping_ms() for _ in range(PINGS_PER_ROUND)]
            jobs.append(_job_once(team, plan))
    finally:
        worker.stop()

    def med(key: str) -> float:
        return round(common.median([job[key] for job in jobs]), 3)

    ping_ms = common.median(pings)
    job_s = med("queued_to_last_result_s")
    return {
        "zones": ZONES,
        "rounds": rounds,
        "ping_median_ms": round(ping_ms, 2),
        "ping_p95_ms": round(common.percentile(pings, 95), 2),
        "queued_to_last_result_s": job_s,
        "claimed_to_last_result_s": med("claimed_to_last_result_s"),
        "queued_to_claimed_s": med("queued_to_claimed_s"),
        "queued_to_finished_s": med("queued_to_finished_s"),
        "observed_s": med("observed_s"),
        "max_queued_to_last_result_s": round(max(job["queued_to_last_result_s"] for job in jobs), 3),
        "ratio_vs_ping": round(job_s * 1000 / ping_ms, 1),
        "job_states": sorted({job["state"] for job in jobs}),
        "jobs": jobs,
    }


def run() -> dict[str, Any]:
    base = common.bench_dir() / "jobs"
    with common.scratch_database(common.DB_NAME) as url:
        env = common.django_env(
            url,
            CELERY_BROKER_URL=common.REDIS_URL,
            BENCH_RESULT_BACKEND=common.REDIS_URL,
            ZFLAR_LOCAL_ROOT=str(base / "hosts"),
            ZFLAR_ARCHIVE_STORE=str(base / "archives"),
        )
        try:
            return common.run_json(["bench/bench_jobs.py", "--child"], env)
        finally:
            import shutil

            shutil.rmtree(base, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help="(internal) run on DATABASE_URL")
    args = parser.parse_args(argv)
    print(json.dumps(child() if args.child else run()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
