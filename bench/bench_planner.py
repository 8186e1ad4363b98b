"""Planner micro benchmark (issue #3): ``compute_plan`` for one host pair of 20 zones.

Two pairs, both pure Python (no database, no Django):

* ``fleet``: the first host of the benchmark fleet (``fleet.fleet(1, 20, 7,
  seed_rows_per_host=True)``: every seed row plus random kinds), parsed from its
  bundle text, against the fleet's first destination;
* ``samples``: ``planner.domain.samples`` (three copies of the nine seed zones,
  cut to 20) against ``seed_destination()``.

Reference, timed alternately in the same loop: ``json.loads`` of the two
inventories' stored JSON (what ``plan_recompute`` reads before it plans).
Prints one JSON object; the target is a median under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_MS = 50.0
ZONES = 20
SEED = 7


def _pairs() -> dict[str, tuple[Any, Any]]:
    try:
        from planner import fleet
    except ImportError:  # an older tree (bench/compare_rev.py): the generator was planner/fleetgen.py
        from planner import fleetgen as fleet  # type: ignore[no-redef]
    from planner.domain.samples import seed_destination, seed_source
    from planner.inputs import load_files

    try:
        source_spec = fleet.fleet(1, ZONES, SEED, seed_rows_per_host=True)[0]
    except TypeError:  # an older generator (bench/compare_rev.py); its first host is the same
        source_spec = fleet.fleet(1, ZONES, SEED)[0]
    destination_spec = fleet.fleet_destinations(1, SEED)[0]
    fleet_pair = tuple(
        load_files(fleet.render_bundle(h), upload_name=fleet.bundle_name(h)).inventory
        for h in (source_spec, destination_spec)
    )
    samples = seed_source(copies=-(-ZONES // 9))
    samples.zones = samples.zones[:ZONES]
    return {"fleet": (fleet_pair[0], fleet_pair[1]), "samples": (samples, seed_destination())}


def _measure(source: Any, destination: Any, runs: int) -> dict[str, Any]:
    from planner.domain.plan import compute_plan

    result = compute_plan(source, destination)  # warm-up, and what is timed
    stored = (json.dumps(source.to_dict()), json.dumps(destination.to_dict()))
    plan_ms: list[float] = []
    ref_ms: list[float] = []
    for _ in range(runs):  # alternate, so a machine that slows down hurts both alike
        start = time.perf_counter()
        compute_plan(source, destination)
        plan_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        json.loads(stored[0])
        json.loads(stored[1])
        ref_ms.append((time.perf_counter() - start) * 1000)
    report_ms = common.time_ms(result.to_report_dict, runs)
    median = common.median(plan_ms)
    return {
        "zones": len(result.zones),
        "findings": len(result.all_findings),
        "runbook_steps": len(result.steps),
        "median_ms": round(median, 3),
        "p95_ms": round(common.percentile(plan_ms, 95), 3),
        "min_ms": round(min(plan_ms), 3),
        "reference_median_ms": round(common.median(ref_ms), 3),
        "ratio_vs_reference": round(median / common.median(ref_ms), 1),
        "report_dict_median_ms": round(common.median(report_ms), 3),
        "ok": median < TARGET_MS,
    }


def run(runs: int | None = None) -> dict[str, Any]:
    runs = runs or (30 if common.quick() else 100)
    out: dict[str, Any] = {"runs": runs, "target_ms": TARGET_MS}
    for name, (source, destination) in _pairs().items():
        out[name] = _measure(source, destination, runs)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=0)
    args = parser.parse_args(argv)
    out = run(args.runs or None)
    print(json.dumps(out))
    return 0 if out["fleet"]["ok"] and out["samples"]["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
