"""Before/after: the planner benchmarks on another git revision and on this work tree, alternately.

    .venv/bin/python bench/compare_rev.py 90405c7 [--hosts 60] [--rounds 2]

Exports the revision (``git archive``) into a scratch folder, copies this tree's
``bench/`` into it (the benchmark code is the same for both sides; only the
application code differs), then runs, alternating the two trees each round:

* ``bench_planner`` (pure ``compute_plan``, fleet and sample pairs);
* the fleet child of ``bench_fleet`` on SQLite and on a scratch PostgreSQL
  database, over the first ``--hosts`` source/destination pairs of the fleet.

Wall and CPU seconds are printed per side as medians over the rounds.  The
older side gets the bundles this tree's ``planner.fleet`` wrote, so both parse the
same files.  Uses ``ZFLAR_VAR_DIR`` for scratch space, like the benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_fleet, common

KEYS = ("import_s", "import_cpu_s", "plan_s", "plan_cpu_s", "import_plan_s", "report_median_ms")


def _export(rev: str, into: Path) -> Path:
    tree = into / rev.replace("/", "_")
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=common.REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    shutil.rmtree(tree / "bench", ignore_errors=True)
    shutil.copytree(common.REPO / "bench", tree / "bench", ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def _run(tree: Path, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    env = dict(env, PYTHONPATH=str(tree))
    proc = subprocess.run(
        [common.PYTHON, *args], cwd=tree, env=env, capture_output=True, text=True, check=False, timeout=900
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{tree.name}: {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fleet(tree: Path, root: Path, backend: str, hosts: int) -> dict[str, Any]:
    extra = {"BENCH_FLEET_LIMIT": str(hosts)}
    args = ["bench/bench_fleet.py", "--child", str(root), "--backend", backend]
    if backend == "sqlite":
        db = common.bench_dir() / "compare.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return _run(tree, args, common.django_env(f"sqlite:///{db}", **extra))
    with common.scratch_database(f"{common.DB_NAME}_compare") as url:
        return _run(tree, args, common.django_env(url, **extra))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the 'before' git revision, e.g. 90405c7")
    parser.add_argument("--hosts", type=int, default=60, help="source/destination pairs to import and plan")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    os.environ.setdefault("ZFLAR_VAR_DIR", str(common.REPO / "var"))
    root = bench_fleet.prepare()
    scratch = Path(tempfile.mkdtemp(prefix="compare-", dir=common.bench_dir()))
    try:
        sides = {"before": _export(args.rev, scratch), "after": common.REPO}
        results: dict[str, dict[str, list[dict[str, Any]]]] = {side: {} for side in sides}
        for _ in range(args.rounds):
            for side, tree in sides.items():
                common.log(f"{side}: planner, SQLite, PostgreSQL")
                runs = results[side]
                runs.setdefault("planner", []).append(
                    _run(tree, ["bench/bench_planner.py"], dict(os.environ))
                )
                for backend in ("sqlite", "postgresql"):
                    runs.setdefault(backend, []).append(_fleet(tree, root, backend, args.hosts))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{'':<26}{'before':>12}{'after':>12}{'after/before':>14}")
    for pair in ("fleet", "samples"):
        values = [common.median([r[pair]["median_ms"] for r in results[s]["planner"]]) for s in sides]
        label = f"compute_plan {pair} ms"
        print(f"{label:<26}{values[0]:>12.2f}{values[1]:>12.2f}{values[1] / values[0]:>14.2f}")
    for backend in ("sqlite", "postgresql"):
        for key in KEYS:
            values = [common.median([r[key] for r in results[s][backend]]) for s in sides]
            label = f"{backend} {key}"
            print(f"{label:<26}{values[0]:>12.3f}{values[1]:>12.3f}{values[1] / values[0]:>14.2f}")
    print(f"({args.hosts} host pairs, {args.rounds} rounds, medians; revision {args.rev} vs this work tree)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
