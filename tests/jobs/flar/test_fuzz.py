"""Property tests: readers raise only FlarError; extraction never writes outside dest.

ZFLAR_FUZZ_EXAMPLES is the budget for the reader (CI sets 10000; default 300): the four reader
tests below get a quarter each, and the LZW decoder a quarter on its own.
"""

from __future__ import annotations

import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobs.flar import FlarError, extract, info, list_members, lzw, verify
from tests.support.archives import entry, flar_bytes, payload
from tests.support.fuzz import FUZZ_EXAMPLES

pytestmark = pytest.mark.fuzz

EXAMPLES = FUZZ_EXAMPLES
FUZZ = settings(max_examples=-(-EXAMPLES // 4), deadline=None, suppress_health_check=[HealthCheck.too_slow])

HOSTILE_NAMES = [
    "a",
    "a/b",
    "./a/c",
    "..",
    "../x",
    "a/../../x",
    "/abs/x",
    "lnk",
    "lnk/x",
    "up",
    "up/y",
    "d",
    "d/e/f",
    "",
    ".",
    "a\0b",
]
TYPES = [stat.S_IFREG | 0o644, stat.S_IFDIR | 0o755, stat.S_IFLNK | 0o777, stat.S_IFIFO | 0o600]
LINK_TARGETS = [b"..", b"/", b"/tmp/outside-zflar-fuzz", b"a", b"../../..", b"lnk"]


def _base_archive() -> bytes:
    cpio = payload(
        entry("etc", mode=stat.S_IFDIR | 0o755, ino=1),
        entry("etc/passwd", b"root:x:0:0\n", ino=2),
        entry("etc/lnk", b"passwd", mode=stat.S_IFLNK | 0o777, ino=3),
        entry("etc/h1", ino=4, nlink=2),
        entry("etc/h2", b"linked data", ino=4, nlink=2),
        entry("usr/bin/big", bytes(range(256)) * 20, ino=5),
    )
    return flar_bytes(cpio)


BASE = _base_archive()


@contextmanager
def _sandbox() -> Iterator[tuple[Path, Path, Path]]:
    with tempfile.TemporaryDirectory(prefix="flar-fuzz-") as base:
        root = Path(base)
        work = root / "work"
        (work / "sibling").mkdir(parents=True)
        yield root / "x.flar", work / "dest", work


def _assert_contained(work: Path) -> None:
    assert sorted(p.name for p in work.iterdir()) in (["dest", "sibling"], ["sibling"])
    assert list((work / "sibling").iterdir()) == []
    assert not Path("/tmp/outside-zflar-fuzz").exists()


def _read_everything(path: Path, backend: str = "auto") -> None:
    for call in (
        lambda: info(path),
        lambda: list(list_members(path, backend=backend)),  # type: ignore[arg-type]
        lambda: verify(path, backend=backend),  # type: ignore[arg-type]
    ):
        with suppress(FlarError):
            call()


@FUZZ
@given(st.binary(max_size=2048), st.booleans())
def test_random_bytes_raise_only_flar_error(data: bytes, with_header: bool) -> None:
    raw = (BASE[: BASE.index(b"section_begin=archive\n") + 22] + data) if with_header else data
    with _sandbox() as (path, _dest, _work):
        path.write_bytes(raw)
        _read_everything(path)


@st.composite
def _mutations(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "set", "cut", "insert", "dup"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "set" and data:
            data[at] = draw(st.sampled_from(b"0123456789abcdefxz/.\0\n"))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 200))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        else:
            length = draw(st.integers(1, 300))
            data[at:at] = data[at : at + length]
    return bytes(data)


@FUZZ
@given(_mutations(BASE))
def test_mutated_archives_raise_only_flar_error_and_stay_contained(raw: bytes) -> None:
    with _sandbox() as (path, dest, work):
        path.write_bytes(raw)
        _read_everything(path)
        with suppress(FlarError):
            extract(path, dest, allow_devices=False)
        _assert_contained(work)


@st.composite
def _hostile_archive(draw: st.DrawFn) -> bytes:
    entries = []
    for ino in range(1, draw(st.integers(1, 12)) + 1):
        mode = draw(st.sampled_from(TYPES))
        name = draw(st.sampled_from(HOSTILE_NAMES) | st.text("ab./", max_size=12))
        data = b""
        if stat.S_ISLNK(mode):
            data = draw(st.sampled_from(LINK_TARGETS))
        elif stat.S_ISREG(mode):
            data = draw(st.binary(max_size=20))
        nlink = draw(st.sampled_from([1, 1, 2]))
        link_ino = draw(st.sampled_from([ino, 1, 2]))
        entries.append(entry(name, data, mode=mode, ino=link_ino, nlink=nlink))
    return flar_bytes(payload(*entries))


@FUZZ
@given(_hostile_archive(), st.booleans(), st.data())
def test_generated_hostile_archives_never_escape(raw: bytes, mutate: bool, data: st.DataObject) -> None:
    if mutate:
        raw = data.draw(_mutations(raw))
    with _sandbox() as (path, dest, work):
        path.write_bytes(raw)
        with suppress(FlarError):
            extract(path, dest, allow_devices=False)  # no real device nodes from random modes
        _assert_contained(work)


@FUZZ
@given(st.binary(max_size=600))
def test_lzw_decoder_raises_only_lzw_error(data: bytes) -> None:
    for stream in (data, b"\x1f\x9d\x90" + data, lzw.compress(data)[: len(data) // 2 + 3]):
        with suppress(lzw.LzwError):
            lzw.decompress(stream, max_output=1 << 22)


@FUZZ
@given(
    _mutations(
        flar_bytes(
            payload(entry("a", b"hello" * 300), entry("b", b"x")), compressed=True, compressor=lzw.compress
        )
    )
)
def test_mutated_compressed_archives_python_backend(raw: bytes) -> None:
    with _sandbox() as (path, dest, work):
        path.write_bytes(raw)
        _read_everything(path, backend="python")
        with suppress(FlarError):
            extract(path, dest, backend="python")
        _assert_contained(work)
