"""Benchmark zflar's flar create/extract against GNU cpio on a Solaris-root-shaped tree.

Runs, in one process and on the same tree (page cache warm for everyone):

* ``cat``           — read every file once: the physical floor;
* ``gnu_create``    — ``find . | cpio -o -H newc | tee OUT | md5sum`` (the
  synchronous form of ``tee >(md5sum) > OUT``: bash does not wait for a
  process substitution, so that form would stop the clock early);
* ``zflar_create``  — :func:`jobs.flar.create` with archive_id (MD5);
* ``gnu_extract``   — ``cpio -idm`` of GNU's payload into an empty directory;
* ``zflar_extract`` — :func:`jobs.flar.extract` (safe extraction + MD5 check).

Each is repeated ``BENCH_REPEAT`` times (default 3), round-robin across the
steps and after an untimed ``sync``, and the median is kept; wall and CPU
(user+system, children included) seconds are both reported.
``BENCH_QUICK=1`` uses ~5,000 files / ~100 MB instead of ~50,000 files / ~1 GB.
The tree lives under ``$BENCH_DIR`` (default ``var/bench``) and is reused
when its parameters match.

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

from jobs.flar import CreateOptions, create, extract  # noqa: E402

QUICK = {"files": 5_000, "bytes": 100 << 20, "large_files": 4}
FULL = {"files": 50_000, "bytes": 1 << 30, "large_files": 12}
TOP_DIRS = ("usr/bin", "usr/lib", "usr/sbin", "usr/share/man", "etc", "kernel/drv", "opt/app", "var/sadm/pkg")


def _tree_params() -> dict[str, int]:
    return dict(QUICK if os.environ.get("BENCH_QUICK") == "1" else FULL)


def _bench_dir() -> Path:
    return Path(os.environ.get("BENCH_DIR", REPO / "var" / "bench"))


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


def _run_once(func: Callable[[], object], setup: Callable[[], object] | None) -> tuple[float, float]:
    """(wall, cpu) seconds of one run.  CPU time is steadier than wall time on a shared machine."""
    if setup is not None:
        setup()
    # Flush the previous step's dirty pages now, untimed, so no step pays for another's writeback.
    os.sync()
    cpu = _cpu_seconds()
    start = time.perf_counter()
    func()
    return time.perf_counter() - start, _cpu_seconds() - cpu


def _interleaved(
    steps: dict[str, tuple[Callable[[], object], Callable[[], object] | None]], repeat: int
) -> dict[str, list[tuple[float, float]]]:
    """Round-robin over the steps, so a machine that slows down over time hurts every step alike."""
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    for _ in range(repeat):
        for name, (func, setup) in steps.items():
            results[name].append(_run_once(func, setup))
    return results


def _sh(script: str, cwd: Path, *args: str) -> None:
    subprocess.run(["bash", "-c", script, "bash", *args], cwd=cwd, check=True)


def _fresh(path: Path) -> Callable[[], None]:
    def reset() -> None:
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)

    return reset


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
    gnu_out, ours_out = work / "gnu.cpio", work / "ours.flar"
    gnu_dest, ours_dest = work / "gnu-x", work / "ours-x"
    options = CreateOptions(name="bench", root=str(root))
    cat = "find . -type f -print0 | xargs -0 cat > /dev/null"
    gnu = 'find . | cpio -o -H newc --quiet | tee "$1" | md5sum > "$1.md5"'
    _sh(cat, root)  # warm the page cache for everyone
    steps: dict[str, tuple[Callable[[], object], Callable[[], object] | None]] = {
        "cat": (lambda: _sh(cat, root), None),
        "gnu_create": (lambda: _sh(gnu, root, str(gnu_out)), None),
        "zflar_create": (lambda: create(ours_out, options), None),
        "gnu_extract": (lambda: _sh('cpio -idm --quiet < "$1"', gnu_dest, str(gnu_out)), _fresh(gnu_dest)),
        "zflar_extract": (lambda: extract(ours_out, ours_dest), _fresh(ours_dest)),
    }
    results = _interleaved(steps, repeat)
    medians = {name: statistics.median(wall for wall, _ in runs) for name, runs in results.items()}
    cpu = {name: statistics.median(used for _, used in runs) for name, runs in results.items()}
    return {
        "params": params,
        "repeat": repeat,
        "payload_bytes": gnu_out.stat().st_size,
        "seconds": {name: round(value, 4) for name, value in medians.items()},
        "cpu_seconds": {name: round(value, 4) for name, value in cpu.items()},
        "runs": {name: [round(wall, 4) for wall, _ in runs] for name, runs in results.items()},
        "ratios": {
            "create_vs_gnu": round(medians["zflar_create"] / medians["gnu_create"], 3),
            "extract_vs_gnu": round(medians["zflar_extract"] / medians["gnu_extract"], 3),
            "create_vs_cat": round(medians["zflar_create"] / medians["cat"], 3),
            "create_cpu_vs_gnu": round(cpu["zflar_create"] / cpu["gnu_create"], 3),
            "extract_cpu_vs_gnu": round(cpu["zflar_extract"] / cpu["gnu_extract"], 3),
        },
    }


def format_table(result: dict[str, Any]) -> str:
    seconds, cpu = result["seconds"], result["cpu_seconds"]
    rows = [f"{'step':<15}{'wall s':>9}{'vs GNU':>8}{'cpu s':>9}{'vs GNU':>8}"]
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
