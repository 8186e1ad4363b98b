"""Dashboard under load: gunicorn (2 sync workers) on PostgreSQL, driven by wrk.

:func:`run` makes a scratch PostgreSQL database and runs this file as a child on
it.  The child migrates, loads a 50-zone source host (every seed row plus random
kinds) and a destination, plans them, and adds a running archive job with one
result row per zone and two events per zone, as a job's progress looks mid-run.
It then starts ``gunicorn zflar_site.wsgi`` with 2 workers (the ``scripts/serve``
defaults) and loads four pages, each with 16 connections over 2 wrk threads:

* ``trivial``: ``/login/``, a template page that needs no login (the reference);
* ``plan``: ``/plans/<pk>/``, the plan page (matrix tab) of the 50-zone plan;
* ``progress``: ``/jobs/<pk>/progress/``, the partial htmx polls while a job runs, asked
  unconditionally: every answer is a full render (200);
* ``progress_conditional``: the same partial asked as the job page polls it since issue #15: each
  request sends ``If-None-Match`` with the ETag of the last answer (the current one before the
  first), so while nothing changes every answer is a 304 without a body.  It polls a second job
  of the same shape that is queued: nothing it shows changes, not even its clock (a running
  job's elapsed time moves its tag every 5 s; then the browser gets one full render).  The
  answers are counted by status: the figures are of 304s.

The logged-in pages send the session cookie of a user logged in with
``Client.force_login``.  Two kinds of load, each page in turn:

* closed loop (wrk's default): every connection sends its next request as soon
  as the last one is answered, ``BENCH_WEB_ROUNDS`` rounds (default 2) of
  ``BENCH_WEB_SECONDS`` (8, quick: 3); the medians over the rounds;
* paced: 16 Python client threads, each sending a request about every second
  (0.5-1.5 s, random) on a new connection, as 16 browsers polling the progress
  partial do, for ``BENCH_WEB_PACED_SECONDS`` (12, quick: 5).

Closed-loop percentiles come from wrk's own histogram (``bench/wrk_report.lua``);
paced ones from the client threads' timings (connect to last byte).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

SEED = 11
ZONES = 50
CONNECTIONS = 16
THREADS = 2
WEB_WORKERS = 2
TARGET_PLAN_P95_MS = 150.0
TARGET_PROGRESS_P95_MS = 20.0
# The conditional partial (a 304) under closed-loop load: p95 at most twice the login page's.
TARGET_CONDITIONAL_P95_VS_TRIVIAL = 2.0
POLL_INTERVAL_MS = 1000  # htmx polls the progress partial every second


# The cases: the page (its path in the fixtures), whether it needs the session cookie, and whether
# it is asked conditionally (If-None-Match with the last answer's ETag).
CASES: dict[str, tuple[str, bool, bool]] = {
    "trivial": ("trivial", False, False),
    "plan": ("plan", True, False),
    "progress": ("progress", True, False),
    "progress_conditional": ("progress_unchanged", True, True),
}


def _fixtures() -> dict[str, Any]:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from jobs.models import Job, JobEvent, ZoneResult

    team, user = common.bench_user()
    plan = common.planned_pair(team, zones=ZONES, seed=SEED, user=user)
    now = timezone.now()
    job = Job.objects.create(
        team=team,
        plan=plan,
        kind=Job.Kind.ARCHIVE,
        state=Job.State.RUNNING,
        started=now,
        heartbeat=now,
        attempt=1,
        worker="bench:1",
        phase="archive: flarcreate",
        bytes_total=8 << 30,
        bytes_done=3 << 30,
        created_by=user,
    )
    zones = [zone["name"] for zone in plan.report["zones"]]
    states = [
        ZoneResult.State.OK,
        ZoneResult.State.WARNING,
        ZoneResult.State.RUNNING,
        ZoneResult.State.PENDING,
    ]
    # The same rows on a queued job: its block does not change while the benchmark polls it.
    unchanged = Job.objects.create(
        team=team, plan=plan, kind=Job.Kind.ARCHIVE, state=Job.State.QUEUED, created_by=user
    )
    for each in (job, unchanged):
        ZoneResult.objects.bulk_create(
            ZoneResult(job=each, zone=z, state=states[i % len(states)], message=f"{z}: pre-archive steps")
            for i, z in enumerate(zones)
        )
        JobEvent.objects.bulk_create(
            JobEvent(job=each, zone=zone, message=f"{zone}: step {step}: halted, autoboot set to false")
            for zone in zones
            for step in range(2)
        )
    client = Client()
    client.force_login(user)
    return {
        "cookie": f"sessionid={client.cookies['sessionid'].value}",
        "zones": len(zones),
        "paths": {
            "trivial": reverse("login"),
            "plan": reverse("planner:plan_detail", args=[plan.pk]),
            "progress": reverse("jobs:job_progress", args=[job.pk]),
            "progress_unchanged": reverse("jobs:job_progress", args=[unchanged.pk]),
        },
    }


def _get(url: str, cookie: str) -> int:
    return common.http_status(url, {"Cookie": cookie} if cookie else {})


def _etag(url: str, cookie: str) -> str:
    """The partial's current ETag, as the job page that embeds the block knows it."""
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=30)
    try:
        connection.request("GET", parsed.path, headers={"HX-Request": "true", "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        tag = response.getheader("ETag") or ""
    finally:
        connection.close()
    if response.status != 200 or not tag:
        raise RuntimeError(f"{parsed.path}: HTTP {response.status}, ETag {tag!r}")
    return tag


def _wrk(url: str, cookie: str, seconds: int, etag: str | None = None) -> dict[str, Any]:
    command = [
        common.require_tool("wrk"),
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(common.REPO / "bench" / "wrk_report.lua"),
        "-H",
        "HX-Request: true",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    script_args = [] if etag is None else ["--", "conditional", etag]
    proc = subprocess.run(
        [*command, url, *script_args], capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    line = next(line for line in proc.stdout.splitlines() if line.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    result = {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "requests": raw["requests"],
        "errors": raw["errors"],
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": round(raw["mean_us"] / 1000, 3),
    }
    if etag is not None:
        result |= {f"status_{k}": raw[f"status_{k}"] for k in ("304", "200", "other")}
        result["errors"] += raw["status_other"]
    return result


def _paced(url: str, cookie: str, seconds: int, etag: str | None = None) -> dict[str, Any]:
    """CONNECTIONS clients, each sending one request about every POLL_INTERVAL_MS (0.5-1.5x, random).

    Each request opens its connection when it is sent, as a browser does.  (wrk's ``delay``
    hook reconnects at once and then idles, which parks a sync worker on an empty connection.)
    With ``etag`` each client sends ``If-None-Match`` with the last ETag it got (``etag`` first).
    """
    parsed = urllib.parse.urlsplit(url)
    base_headers = {"HX-Request": "true", **({"Cookie": cookie} if cookie else {})}
    latencies: list[float] = []
    errors = [0]
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        tag = etag
        while True:
            time.sleep(POLL_INTERVAL_MS / 1000 * (0.5 + rng.random()))
            if time.monotonic() >= deadline:
                return
            headers = base_headers if tag is None else {**base_headers, "If-None-Match": tag}
            start = time.perf_counter()
            connection = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=30)
            status = 0
            try:
                connection.request("GET", parsed.path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if tag is not None:
                    tag = response.getheader("ETag") or tag
            except OSError:
                pass
            finally:
                connection.close()
            elapsed = (time.perf_counter() - start) * 1000
            ok = status == 200 or (etag is not None and status == 304)
            with lock:
                latencies.append(elapsed)
                errors[0] += 0 if ok else 1
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    counts = (
        {}
        if etag is None
        else {
            "status_304": statuses.get(304, 0),
            "status_200": statuses.get(200, 0),
            "status_other": sum(n for code, n in statuses.items() if code not in (200, 304)),
        }
    )
    return counts | {
        "rps": round(len(latencies) / duration, 1),
        "requests": len(latencies),
        "errors": errors[0],
        "p50_ms": round(common.percentile(latencies, 50), 2),
        "p90_ms": round(common.percentile(latencies, 90), 2),
        "p95_ms": round(common.percentile(latencies, 95), 2),
        "p99_ms": round(common.percentile(latencies, 99), 2),
        "mean_ms": round(sum(latencies) / max(len(latencies), 1), 3),
    }


def child() -> dict[str, Any]:
    common.setup_child()
    fixtures = _fixtures()
    from django.db import connections

    connections.close_all()
    server = common.GunicornProcess(
        dict(os.environ), common.bench_dir() / "gunicorn.log", port=common.free_port(), workers=WEB_WORKERS
    )
    try:
        server.start_and_wait(fixtures["paths"]["trivial"])
        return _measure(server.base_url, fixtures)
    finally:
        server.stop()


def _measure(base: str, fixtures: dict[str, Any]) -> dict[str, Any]:
    urls = {name: base + fixtures["paths"][path] for name, (path, _, _) in CASES.items()}
    cookies = {name: fixtures["cookie"] if logged_in else "" for name, (_, logged_in, _) in CASES.items()}
    for name, url in urls.items():
        for _ in range(20):  # warm both workers: imports, template caches, database connections
            status = _get(url, cookies[name])
            if status != 200:
                raise RuntimeError(f"{url}: HTTP {status}")
    # The conditional cases start from the block's current tag, as the job page embeds it.
    etags = {name: _etag(urls[name], cookies[name]) if cond else None for name, (_, _, cond) in CASES.items()}
    seconds = int(os.environ.get("BENCH_WEB_SECONDS", "3" if common.quick() else "8"))
    rounds = int(os.environ.get("BENCH_WEB_ROUNDS", "2"))
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in CASES}
    for _ in range(rounds):
        for name, url in urls.items():
            runs[name].append(_wrk(url, cookies[name], seconds, etags[name]))
    pages = _summary(runs)
    paced_seconds = int(os.environ.get("BENCH_WEB_PACED_SECONDS", "5" if common.quick() else "12"))
    paced_runs = {
        name: [_paced(url, cookies[name], paced_seconds, etags[name])] for name, url in urls.items()
    }
    trivial = pages["trivial"]
    return {
        "zones": fixtures["zones"],
        "paths": fixtures["paths"],
        "connections": CONNECTIONS,
        "threads": THREADS,
        "web_workers": WEB_WORKERS,
        "seconds": seconds,
        "rounds": rounds,
        "pages": pages,
        "runs": runs,
        "paced": {"interval_ms": POLL_INTERVAL_MS, "seconds": paced_seconds, "pages": _summary(paced_runs)},
        "ratios": {
            f"{name}_{figure}_vs_trivial": round(pages[name][key] / trivial[key], digits)
            for name in CASES
            if name != "trivial"
            for figure, key, digits in (("p95", "p95_ms", 2), ("rps", "rps", 3))
        },
    }


STATUS_KEYS = ("status_304", "status_200", "status_other")


def _summary(runs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    keys = ("rps", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "mean_ms")
    return {
        name: {key: round(common.median([run[key] for run in results]), 2) for key in keys}
        | {
            "errors": sum(run["errors"] for run in results),
            "requests": sum(run["requests"] for run in results),
        }
        | {key: sum(run[key] for run in results) for key in STATUS_KEYS if key in results[0]}
        for name, results in runs.items()
    }


def run() -> dict[str, Any]:
    common.require_tool("wrk")
    with common.scratch_database(common.DB_NAME) as url:
        return common.run_json(["bench/bench_web.py", "--child"], common.django_env(url))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help="(internal) run on DATABASE_URL")
    args = parser.parse_args(argv)
    print(json.dumps(child() if args.child else run()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
