"""Flar create and extract against GNU cpio on a Solaris-root-shaped tree, in one run.

Runs, in one process and on the same tree (page cache warmed first, for everyone):

* ``cat``           — read every file once: the physical floor;
* ``gnu_create``    — ``find . | cpio -o -H newc | tee OUT | md5sum`` in ``bash -c``
  (the synchronous form of ``tee >(md5sum) > OUT``: bash does not wait for a
  process substitution, so that form would stop the clock early);
* ``zflar_create``  — ``jobs.executors.local.create_for_executor`` (what an archive job
  runs), with the MD5 archive_id;
* ``gnu_extract``   — ``cpio -idm`` of GNU's archive into an empty directory;
* ``zflar_extract`` — ``jobs.executors.local.extract_for_executor`` (safe extraction and
  the archive_id check).

Outputs go to the tree's filesystem.  Each step runs ``BENCH_REPEAT`` times
(default 3), round-robin across the steps, each run after an untimed ``sync``
and into a fresh output name (nothing is deleted until the end, so no step pays
for another's writeback or block discards); the best run of each step is the
headline, the median is reported too, wall and CPU (user+system, children
included).  ``BENCH_QUICK=1`` uses ~5,000 files / ~100 MB instead of ~50,000
files / ~1 GB.  The tree lives under ``$BENCH_DIR/flar`` and is reused when its
parameters match.

``run()`` returns a dict (for ``bench/run.py``); run as a script it prints a
table on stderr and the JSON on stdout.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from jobs.executors.local import create_for_executor, extract_for_executor  # noqa: E402

QUICK = {"files": 5_000, "bytes": 100 << 20, "large_files": 4}
FULL = {"files": 50_000, "bytes": 1 << 30, "large_files": 12}
TOP_DIRS = ("usr/bin", "usr/lib", "usr/sbin", "usr/share/man", "etc", "kernel/drv", "opt/app", "var/sadm/pkg")


def _tree_params() -> dict[str, int]:
    return dict(QUICK if os.environ.get("BENCH_QUICK") == "1" else FULL)


def _bench_dir() -> Path:
    base = Path(os.environ.get("BENCH_DIR") or Path(os.environ.get("ZFLAR_VAR_DIR", REPO / "var")) / "bench")
    return base / "flar"


def _content(rng: random.Random, size: int, pool: bytes) -> bytes:
    """Half incompressible, half text-like: roughly what a Solaris root compresses to."""
    if size == 0:
        return b""
    start = rng.randrange(0, len(pool) - size) if size < len(pool) else 0
    data = pool[start : start + size]
    if len(data) < size:
        data = (data * (size // max(len(data), 1) + 1))[:size]
    return data


def _small_sizes(rng: random.Random, count: int, total: int) -> list[int]:
    raw = [min(rng.lognormvariate(8.3, 1.4), 512 << 10) for _ in range(count)]  # median ~4 KiB
    scale = total / sum(raw)
    return [int(s * scale) for s in raw]


def make_tree(root: Path, params: dict[str, int]) -> None:
    """A deterministic tree: many small files in deep-ish dirs, a few large ones, links."""
    rng = random.Random(10)
    pool = os.urandom(4 << 20) + (b"SUNW,package-info line of text\n" * 140_000)
    large_total = params["bytes"] * 2 // 5
    sizes = _small_sizes(rng, params["files"] - params["large_files"], params["bytes"] - large_total)
    dirs = [f"{top}/d{i:03d}" for top in TOP_DIRS for i in range(max(1, params["files"] // 400))]
    for index, size in enumerate(sizes):
        directory = root / rng.choice(dirs)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"f{index:06d}"
        path.write_bytes(_content(rng, size, pool))
        if index % 100 == 0:
            (directory / f"l{index:06d}").symlink_to(path.name)
        if index % 150 == 0:
            os.link(path, directory / f"h{index:06d}")
    big = root / "export" / "big"
    big.mkdir(parents=True, exist_ok=True)
    for index in range(params["large_files"]):
        with open(big / f"blob{index}", "wb") as handle:
            left = large_total // params["large_files"]
            while left:
                chunk = _content(rng, min(left, 1 << 20), pool)
                handle.write(chunk)
                left -= len(chunk)


def ensure_tree(params: dict[str, int]) -> Path:
    base = _bench_dir()
    base.mkdir(parents=True, exist_ok=True)
    root = base / f"tree-{params['files']}-{params['bytes']}"
    marker = root.with_suffix(".ok")
    if not marker.exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        make_tree(root, params)
        marker.write_text(json.dumps(params))
    return root


def _cpu_seconds() -> float:
    """User + system CPU of this process (all threads) and of finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run_once(func: Callable[[int], object], index: int) -> tuple[float, float]:
    """(wall, cpu) seconds of one run.  CPU time is steadier than wall time on a shared machine."""
    # Flush earlier runs' dirty pages now, untimed, so no step pays for another's writeback.
    os.sync()
    cpu = _cpu_seconds()
    start = time.perf_counter()
    func(index)
    return time.perf_counter() - start, _cpu_seconds() - cpu


def _interleaved(
    steps: dict[str, Callable[[int], object]], repeat: int
) -> dict[str, list[tuple[float, float]]]:
    """Round-robin over the steps, so a machine that slows down over time hurts every step alike."""
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    for index in range(repeat):
        for name, func in steps.items():
            results[name].append(_run_once(func, index))
    return results


def _sh(script: str, cwd: Path, *args: str) -> None:
    subprocess.run(["bash", "-c", script, "bash", *args], cwd=cwd, check=True)


def run(repeat: int | None = None) -> dict[str, Any]:
    repeat = repeat or int(os.environ.get("BENCH_REPEAT", "3"))
    params = _tree_params()
    root = ensure_tree(params)
    work = Path(tempfile.mkdtemp(prefix="flar-bench-", dir=_bench_dir()))
    try:
        return _measure(root, work, params, repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _measure(root: Path, work: Path, params: dict[str, int], repeat: int) -> dict[str, Any]:
    cat = "find . -type f -print0 | xargs -0 cat > /dev/null"
    gnu = 'find . | cpio -o -H newc --quiet | tee "$1" | md5sum > "$1.md5"'
    _sh(cat, root)  # warm the page cache for everyone
    _sh(cat, root)
    outputs: dict[str, list[Path]] = {"gnu": [], "zflar": []}

    def gnu_create(index: int) -> None:
        out = work / f"gnu-{index}.cpio"
        _sh(gnu, root, str(out))
        outputs["gnu"].append(out)

    def zflar_create(index: int) -> None:
        out = work / f"zflar-{index}.flar"
        outcome = create_for_executor(root=root, output=out, name="bench")
        if not outcome.archive_id:
            raise RuntimeError("zflar wrote no archive_id")
        outputs["zflar"].append(out)

    def gnu_extract(index: int) -> None:
        dest = work / f"gnu-x{index}"
        dest.mkdir()
        _sh('cpio -idm --quiet < "$1"', dest, str(outputs["gnu"][index]))

    def zflar_extract(index: int) -> None:
        outcome = extract_for_executor(outputs["zflar"][index], work / f"zflar-x{index}")
        if outcome.hash_ok is not True or outcome.refused:
            raise RuntimeError(f"zflar extract: hash_ok={outcome.hash_ok}, refused={outcome.refused[:3]}")

    steps: dict[str, Callable[[int], object]] = {
        "cat": lambda _index: _sh(cat, root),
        "gnu_create": gnu_create,
        "zflar_create": zflar_create,
        "gnu_extract": gnu_extract,
        "zflar_extract": zflar_extract,
    }
    results = _interleaved(steps, repeat)
    _check_same_tree(work / "gnu-x0", work / "zflar-x0")
    best = {name: min(wall for wall, _ in runs) for name, runs in results.items()}
    medians = {name: statistics.median(wall for wall, _ in runs) for name, runs in results.items()}
    cpu = {name: min(used for _, used in runs) for name, runs in results.items()}
    return {
        "params": params,
        "repeat": repeat,
        "payload_bytes": outputs["gnu"][0].stat().st_size,
        "seconds": {name: round(value, 4) for name, value in best.items()},
        "median_seconds": {name: round(value, 4) for name, value in medians.items()},
        "cpu_seconds": {name: round(value, 4) for name, value in cpu.items()},
        "runs": {name: [round(wall, 4) for wall, _ in runs] for name, runs in results.items()},
        "ratios": {
            "create_vs_gnu": round(best["zflar_create"] / best["gnu_create"], 3),
            "extract_vs_gnu": round(best["zflar_extract"] / best["gnu_extract"], 3),
            "create_vs_cat": round(best["zflar_create"] / best["cat"], 3),
            "gnu_create_vs_cat": round(best["gnu_create"] / best["cat"], 3),
            "create_median_vs_gnu": round(medians["zflar_create"] / medians["gnu_create"], 3),
            "extract_median_vs_gnu": round(medians["zflar_extract"] / medians["gnu_extract"], 3),
            "create_cpu_vs_gnu": round(cpu["zflar_create"] / cpu["gnu_create"], 3),
            "extract_cpu_vs_gnu": round(cpu["zflar_extract"] / cpu["gnu_extract"], 3),
        },
    }


def _check_same_tree(gnu: Path, ours: Path) -> None:
    """Both extractions hold the same names and sizes (what was timed did the same work)."""

    def listing(base: Path) -> list[tuple[str, int]]:
        return sorted(
            (str(path.relative_to(base)), path.lstat().st_size if path.is_file() else 0)
            for path in base.rglob("*")
        )

    if listing(gnu) != listing(ours):
        raise RuntimeError(f"{gnu} and {ours} differ")


def format_table(result: dict[str, Any]) -> str:
    seconds, cpu = result["seconds"], result["cpu_seconds"]
    rows = [f"{'step (best of runs)':<15}{'wall s':>9}{'vs GNU':>8}{'cpu s':>9}{'vs GNU':>8}"]
    baseline = {"zflar_create": "gnu_create", "zflar_extract": "gnu_extract"}
    for name, value in seconds.items():
        wall_ratio = f"{value / seconds[baseline[name]]:.2f}" if name in baseline else ""
        cpu_ratio = f"{cpu[name] / cpu[baseline[name]]:.2f}" if name in baseline else ""
        rows.append(f"{name:<15}{value:>9.3f}{wall_ratio:>8}{cpu[name]:>9.3f}{cpu_ratio:>8}")
    params = result["params"]
    rows.append(f"tree: {params['files']} files, {params['bytes'] >> 20} MiB; repeat {result['repeat']}")
    return "\n".join(rows)


def main() -> int:
    result = run()
    print(format_table(result), file=sys.stderr)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
