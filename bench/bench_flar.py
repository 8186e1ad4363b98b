"""Flar create and extract against GNU cpio, on a small-file tree and a big-file tree, in one run.

Two trees (``$BENCH_DIR/flar``, reused while their parameters match):

* **small**: 30,000 files, about 150 MB, in 600 directories shaped like a Solaris root
  (median file about 4 KiB, a symlink per 100 files, a hard link per 150);
* **big**: three files of 120 MB (half incompressible, half text-like).

On each tree, in the same run (page cache warmed first, for everyone):

* ``cat``            — read every file once (``find -type f | xargs cat > /dev/null``): the floor;
* ``gnu_create``     — ``find . | cpio -o -H newc | tee OUT | md5sum`` in ``bash -c`` (the
  synchronous form of ``tee >(md5sum) > OUT``: bash does not wait for a process substitution);
* ``cli_create``     — ``python -m jobs.flar create -n bench -R ROOT OUT``, process start
  included (MD5 archive_id, fsync and atomic rename included);
* ``engine_create``  — ``jobs.flar.create`` in this process (the engine alone);
* ``gnu_extract``    — ``cpio -idm`` of GNU's archive into an empty directory;
* ``cli_extract``    — ``python -m jobs.flar extract OUT DEST`` (safe extraction, archive_id
  check, the size/free-space limits, no devices/FIFOs/set-id bits);
* ``engine_extract`` — ``jobs.flar.extract`` in this process.

On the small tree also ``gnu_compress`` (``find . | cpio -o -H newc | compress > OUT``) and
``cli_create_c`` (``python -m jobs.flar create -c``, which pipes through the same compress(1)
binary when it is installed).  Then, outside the alternation: the pure-Python LZW fallback's
throughput against ``compress`` on the same 8 MiB of the small tree's payload, and the latency
of ``python -m jobs.flar --help`` against ``python -c pass`` (20 alternated runs each).

Each step runs ``BENCH_REPEAT`` times (default 3), round-robin across the steps (rotated each
round, so GNU and zflar take turns going first), each run after an untimed ``sync`` and into a
fresh output name (nothing is deleted until the end, so no step
pays for another's writeback or block discards).  The best run of each step is the headline and
the median is reported too, wall and CPU (user+system, children included).

The CLI runs are child processes with this interpreter; their bytecode is cached in a private
``PYTHONPYCACHEPREFIX`` (written by an untimed warm-up), as an installed package's is.  The
``--help`` latency is also reported without any bytecode cache (``PYTHONDONTWRITEBYTECODE``, a
fresh prefix), which is what a first run from a source checkout costs.

``BENCH_QUICK=1`` shrinks the trees to 3,000 files / 15 MB and 3 x 12 MB.  ``run()`` returns a
dict (for ``bench/run.py``); run as a script it prints a table on stderr and the JSON on stdout.
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
from jobs.flar.lzw import LzwCompressor  # noqa: E402

FULL = {"small_files": 30_000, "small_bytes": 150 << 20, "big_files": 3, "big_bytes": 120 << 20}
QUICK = {"small_files": 3_000, "small_bytes": 15 << 20, "big_files": 3, "big_bytes": 12 << 20}
TOP_DIRS = ("usr/bin", "usr/lib", "usr/sbin", "usr/share/man", "etc", "kernel/drv", "opt/app", "var/sadm/pkg")
TREE_VERSION = 2  # bump when the generator changes, so old trees are rebuilt

TARGET_CREATE = 1.0  # x GNU find | cpio -o | tee | md5sum
TARGET_EXTRACT = 1.0  # x GNU cpio -idm
TARGET_COMPRESSED = 1.5  # x GNU find | cpio -o | compress
TARGET_HELP_S = 0.3
LZW_SAMPLE = 8 << 20
HELP_RUNS = 20

CAT = "find . -type f -print0 | xargs -0 cat > /dev/null"
GNU_CREATE = 'find . | cpio -o -H newc --quiet | tee "$1" | md5sum > "$1.md5"'
# ncompress exits 2 when the output is not smaller; the stream is complete all the same.
GNU_COMPRESS = 'set -o pipefail; find . | cpio -o -H newc --quiet | { compress -c > "$1" || [ $? -eq 2 ]; }'


def _params() -> dict[str, int]:
    return dict(QUICK if os.environ.get("BENCH_QUICK") == "1" else FULL)


def _bench_dir() -> Path:
    base = Path(os.environ.get("BENCH_DIR") or Path(os.environ.get("ZFLAR_VAR_DIR", REPO / "var")) / "bench")
    return base / "flar"


def _pool() -> bytes:
    """Half incompressible, half text-like: roughly what a Solaris root compresses to."""
    return random.Random(7).randbytes(4 << 20) + (b"SUNW,package-info line of text\n" * 140_000)


def _content(rng: random.Random, size: int, pool: bytes) -> bytes:
    start = rng.randrange(0, len(pool) - size) if size < len(pool) else 0
    data = pool[start : start + size]
    if len(data) < size:
        data = (data * (size // max(len(data), 1) + 1))[:size]
    return data


def make_small_tree(root: Path, files: int, total: int) -> None:
    """Many small files in a few hundred directories; symlinks and hard links among them."""
    rng = random.Random(10)
    pool = _pool()
    raw = [min(rng.lognormvariate(8.3, 1.4), 512 << 10) for _ in range(files)]  # median ~4 KiB
    scale = total / sum(raw)
    dirs = [f"{top}/d{i:03d}" for top in TOP_DIRS for i in range(max(1, files // 400))]
    for index, size in enumerate(int(s * scale) for s in raw):
        directory = root / rng.choice(dirs)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"f{index:06d}"
        path.write_bytes(_content(rng, size, pool))
        if index % 100 == 0:
            (directory / f"l{index:06d}").symlink_to(path.name)
        if index % 150 == 0:
            os.link(path, directory / f"h{index:06d}")


def make_big_tree(root: Path, files: int, size: int) -> None:
    rng = random.Random(11)
    pool = _pool()
    root.mkdir(parents=True, exist_ok=True)
    for index in range(files):
        with open(root / f"blob{index}", "wb") as handle:
            left = size
            while left:
                chunk = _content(rng, min(left, 1 << 20), pool)
                handle.write(chunk)
                left -= len(chunk)


def ensure_trees(params: dict[str, int]) -> dict[str, Path]:
    base = _bench_dir()
    base.mkdir(parents=True, exist_ok=True)
    trees = {
        "small": (f"small-{params['small_files']}-{params['small_bytes']}", make_small_tree, "small"),
        "big": (f"big-{params['big_files']}-{params['big_bytes']}", make_big_tree, "big"),
    }
    out: dict[str, Path] = {}
    for kind, (name, maker, prefix) in trees.items():
        root = base / f"tree-{name}"
        marker = root.with_suffix(".ok")
        wanted = json.dumps({"version": TREE_VERSION, **params})
        if not marker.exists() or marker.read_text() != wanted:
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            maker(root, params[f"{prefix}_files"], params[f"{prefix}_bytes"])
            marker.write_text(wanted)
        out[kind] = root
    return out


# --- timing --------------------------------------------------------------------------------------


def _cpu_seconds() -> float:
    """User + system CPU of this process (all threads) and of finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run_once(func: Callable[[int], object], index: int) -> tuple[float, float]:
    """(wall, cpu) seconds of one run, after an untimed sync (no step pays another's writeback)."""
    os.sync()
    cpu = _cpu_seconds()
    start = time.perf_counter()
    func(index)
    return time.perf_counter() - start, _cpu_seconds() - cpu


def _interleaved(
    groups: list[dict[str, Callable[[int], object]]], repeat: int
) -> dict[str, list[tuple[float, float]]]:
    """Round-robin over the steps, so a machine that slows down over time hurts every step alike.

    Each group's steps run in a rotated order in each round (GNU first, then second, ...), so
    no step always follows the same predecessor and inherits its after-effects (the kernel's
    work for 30,000 new inodes outlives the ``sync``).  Groups keep their order: an extraction
    needs the same round's archive.
    """
    results: dict[str, list[tuple[float, float]]] = {name: [] for group in groups for name in group}
    for index in range(repeat):
        for group in groups:
            names = list(group)
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                results[name].append(_run_once(group[name], index))
    return results


def _sh(script: str, cwd: Path, *args: str) -> None:
    subprocess.run(["bash", "-c", script, "bash", *args], cwd=cwd, check=True)


def _cli_env(pycache: Path, *, bytecode: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _flar(env: dict[str, str], *args: str) -> None:
    """``python -m jobs.flar ARGS`` as a user runs it; its output is not part of the figure."""
    result = subprocess.run(
        [sys.executable, "-m", "jobs.flar", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flar {' '.join(args)} exited {result.returncode}: {result.stderr[-2000:]!r}")


def _summary(results: dict[str, list[tuple[float, float]]]) -> dict[str, Any]:
    return {
        "seconds": {name: round(min(w for w, _ in runs), 4) for name, runs in results.items()},
        "median_seconds": {
            name: round(statistics.median(w for w, _ in runs), 4) for name, runs in results.items()
        },
        "cpu_seconds": {name: round(min(c for _, c in runs), 4) for name, runs in results.items()},
        "runs": {name: [round(w, 4) for w, _ in runs] for name, runs in results.items()},
    }


RATIOS = {
    "cli_create": "gnu_create",
    "engine_create": "gnu_create",
    "cli_extract": "gnu_extract",
    "engine_extract": "gnu_extract",
    "cli_create_c": "gnu_compress",
}


def _ratios(summary: dict[str, Any]) -> dict[str, dict[str, float]]:
    best, median, cpu = summary["seconds"], summary["median_seconds"], summary["cpu_seconds"]
    out: dict[str, dict[str, float]] = {}
    for name, reference in RATIOS.items():
        if name in best and reference in best:
            out[name] = {
                "best": round(best[name] / best[reference], 3),
                "median": round(median[name] / median[reference], 3),
                "cpu": round(cpu[name] / cpu[reference], 3),
                "vs_cat": round(best[name] / best["cat"], 2),
            }
    for name in ("gnu_create", "gnu_extract"):
        out[name] = {"vs_cat": round(best[name] / best["cat"], 2)}
    return out


def _measure_tree(kind: str, root: Path, work: Path, env: dict[str, str], repeat: int) -> dict[str, Any]:
    _sh(CAT, root)  # warm the page cache for everyone
    _sh(CAT, root)
    outputs: dict[str, list[Path]] = {"gnu": [], "cli": [], "engine": []}

    def gnu_create(index: int) -> None:
        out = work / f"{kind}-gnu-{index}.cpio"
        _sh(GNU_CREATE, root, str(out))
        outputs["gnu"].append(out)

    def cli_create(index: int) -> None:
        out = work / f"{kind}-cli-{index}.flar"
        _flar(env, "create", "-n", "bench", "-R", str(root), str(out))
        outputs["cli"].append(out)

    def engine_create(index: int) -> None:
        out = work / f"{kind}-engine-{index}.flar"
        result = create(out, CreateOptions(name="bench", root=str(root)))
        if not result.archive_id or result.warnings:
            raise RuntimeError(f"engine create: {result.archive_id=}, warnings {result.warnings[:3]}")
        outputs["engine"].append(out)

    def gnu_extract(index: int) -> None:
        dest = work / f"{kind}-gnu-x{index}"
        dest.mkdir()
        _sh('cpio -idm --quiet < "$1"', dest, str(outputs["gnu"][index]))

    def cli_extract(index: int) -> None:
        _flar(env, "extract", str(outputs["cli"][index]), str(work / f"{kind}-cli-x{index}"))

    def engine_extract(index: int) -> None:
        report = extract(outputs["engine"][index], work / f"{kind}-engine-x{index}")
        if not report.ok or report.hash_status != "match" or report.not_created:
            raise RuntimeError(f"engine extract: {report.hash_status}, refused {report.refused[:3]}")

    groups: list[dict[str, Callable[[int], object]]] = [
        {"cat": lambda _index: _sh(CAT, root)},
        {"gnu_create": gnu_create, "cli_create": cli_create, "engine_create": engine_create},
        {"gnu_extract": gnu_extract, "cli_extract": cli_extract, "engine_extract": engine_extract},
    ]
    if kind == "small":

        def gnu_compress(index: int) -> None:
            _sh(GNU_COMPRESS, root, str(work / f"{kind}-gnu-{index}.cpio.Z"))

        def cli_create_c(index: int) -> None:
            _flar(env, "create", "-c", "-n", "bench", "-R", str(root), str(work / f"{kind}-c-{index}.flar"))

        groups.append({"gnu_compress": gnu_compress, "cli_create_c": cli_create_c})
    results = _interleaved(groups, repeat)
    _check_same_tree(work / f"{kind}-gnu-x0", work / f"{kind}-cli-x0")
    _check_same_tree(work / f"{kind}-gnu-x0", work / f"{kind}-engine-x0")
    summary = _summary(results)
    return {
        **summary,
        "payload_bytes": outputs["gnu"][0].stat().st_size,
        "files": sum(1 for _ in root.rglob("*")),
        "ratios": _ratios(summary),
    }


def _check_same_tree(gnu: Path, ours: Path) -> None:
    """Both extractions hold the same names, sizes and modes (what was timed did the same work)."""

    def listing(base: Path) -> list[tuple[str, int, int]]:
        return sorted(
            (str(path.relative_to(base)), path.lstat().st_size if path.is_file() else 0, path.lstat().st_mode)
            for path in base.rglob("*")
        )

    if listing(gnu) != listing(ours):
        raise RuntimeError(f"{gnu} and {ours} differ")


def _lzw_throughput(sample: bytes) -> dict[str, float]:
    """The pure-Python LZW fallback against compress(1) on the same bytes (MB/s), alternated."""
    python_s: list[float] = []
    system_s: list[float] = []
    for _ in range(2):
        start = time.perf_counter()
        encoder = LzwCompressor()
        ours = encoder.compress(sample) + encoder.flush()
        python_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        theirs = subprocess.run(["compress", "-c"], input=sample, capture_output=True, check=False).stdout
        system_s.append(time.perf_counter() - start)
    check = subprocess.run(["compress", "-d", "-c"], input=ours, capture_output=True, check=True).stdout
    if check != sample:
        raise RuntimeError("compress -d does not give back what the Python LZW encoder compressed")
    return {
        "sample_bytes": len(sample),
        "python_s": round(min(python_s), 3),
        "system_s": round(min(system_s), 3),
        "python_mb_s": round(len(sample) / min(python_s) / 1e6, 2),
        "system_mb_s": round(len(sample) / min(system_s) / 1e6, 2),
        "ratio": round(min(python_s) / min(system_s), 1),
        "python_bytes": len(ours),
        "system_bytes": len(theirs),
    }


def _help_latency(env: dict[str, str], cold_env: dict[str, str], runs: int) -> dict[str, Any]:
    """``python -m jobs.flar --help`` against ``python -c pass``, alternated, ``runs`` each."""

    def once(args: list[str], environ: dict[str, str]) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=REPO, env=environ, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start

    help_args = ["-m", "jobs.flar", "--help"]
    once(help_args, env)  # writes the bytecode cache (untimed)
    samples: dict[str, list[float]] = {"help": [], "python": [], "help_no_bytecode": []}
    for _ in range(runs):
        samples["python"].append(once(["-c", "pass"], env))
        samples["help"].append(once(help_args, env))
        samples["help_no_bytecode"].append(once(help_args, cold_env))
    out: dict[str, Any] = {"runs": runs}
    for name, values in samples.items():
        out[f"{name}_median_s"] = round(statistics.median(values), 4)
        out[f"{name}_max_s"] = round(max(values), 4)
    out["ratio_vs_python"] = round(out["help_median_s"] / out["python_median_s"], 1)
    return out


def run(repeat: int | None = None) -> dict[str, Any]:
    repeat = repeat or int(os.environ.get("BENCH_REPEAT", "3"))
    params = _params()
    trees = ensure_trees(params)
    work = Path(tempfile.mkdtemp(prefix="flar-bench-", dir=_bench_dir()))
    try:
        env = _cli_env(work / "pycache")
        cold_env = _cli_env(work / "pycache-none", bytecode=False)
        result: dict[str, Any] = {"params": params, "repeat": repeat}
        result["help"] = _help_latency(env, cold_env, HELP_RUNS)
        for kind, root in trees.items():
            result[kind] = _measure_tree(kind, root, work, env, repeat)
        sample = (work / "small-gnu-0.cpio").read_bytes()[:LZW_SAMPLE]
        result["lzw"] = _lzw_throughput(sample)
        result["targets"] = {
            "create": TARGET_CREATE,
            "extract": TARGET_EXTRACT,
            "compressed": TARGET_COMPRESSED,
            "help_s": TARGET_HELP_S,
        }
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def format_table(result: dict[str, Any]) -> str:
    rows = [f"{'tree':<6}{'step':<16}{'best s':>9}{'median s':>10}{'cpu s':>8}{'ratio':>8}{'median':>8}"]
    for kind in ("small", "big"):
        tree = result[kind]
        for name, best in tree["seconds"].items():
            ratio = tree["ratios"].get(name, {})
            rows.append(
                f"{kind:<6}{name:<16}{best:>9.3f}{tree['median_seconds'][name]:>10.3f}"
                f"{tree['cpu_seconds'][name]:>8.3f}"
                f"{ratio.get('best', float('nan')):>8.2f}{ratio.get('median', float('nan')):>8.2f}"
            )
    h = result["help"]
    rows.append(
        f"--help median {h['help_median_s']:.3f} s (max {h['help_max_s']:.3f}); python -c pass "
        f"{h['python_median_s']:.3f} s; no bytecode cache {h['help_no_bytecode_median_s']:.3f} s"
    )
    lzw = result["lzw"]
    rows.append(
        f"LZW on {lzw['sample_bytes'] >> 20} MiB: Python {lzw['python_mb_s']} MB/s, "
        f"compress(1) {lzw['system_mb_s']} MB/s ({lzw['ratio']}x slower)"
    )
    params = result["params"]
    rows.append(
        f"trees: small {params['small_files']:,} files / {params['small_bytes'] >> 20} MiB, "
        f"big {params['big_files']} x {params['big_bytes'] >> 20} MiB; repeat {result['repeat']}"
    )
    return "\n".join(rows)


def main() -> int:
    result = run()
    print(format_table(result), file=sys.stderr)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
