"""Micro benchmark: compute_plan for one host pair of 20 zones covering every seed row.

Prints one JSON object on stdout, e.g.
``{"bench": "planner.compute_plan", "zones": 20, "runs": 50, "median_ms": 6.1, ...}``.
The target is a median under 50 ms; the exit status is 1 when it is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.domain.plan import compute_plan
from planner.domain.samples import seed_destination, seed_source

TARGET_MS = 50.0


def _time_ms(fn: Callable[[], object], runs: int) -> list[float]:
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--zones", type=int, default=20)
    args = parser.parse_args(argv)

    # Three copies of the nine seed zones, cut to the size asked for: the first nine cover every row.
    source = seed_source(copies=-(-args.zones // 9))
    source.zones = source.zones[: args.zones]
    destination = seed_destination()

    result = compute_plan(source, destination)  # warm-up, and a sanity check of what is timed
    plan_ms = _time_ms(lambda: compute_plan(source, destination), args.runs)
    report_ms = _time_ms(lambda: result.to_report_dict(), args.runs)
    median = statistics.median(plan_ms)
    out = {
        "bench": "planner.compute_plan",
        "zones": len(result.zones),
        "findings": len(result.all_findings),
        "runbook_steps": len(result.steps),
        "runs": args.runs,
        "median_ms": round(median, 3),
        "p95_ms": round(sorted(plan_ms)[max(0, int(len(plan_ms) * 0.95) - 1)], 3),
        "min_ms": round(min(plan_ms), 3),
        "report_dict_median_ms": round(statistics.median(report_ms), 3),
        "target_ms": TARGET_MS,
        "ok": median < TARGET_MS,
    }
    print(json.dumps(out))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
