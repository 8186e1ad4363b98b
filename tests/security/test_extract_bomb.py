"""Issue #10, attack 7: a 256 KB flar declaring files_unarchived_size=1024 wrote 4 GiB and exited 0.

Extraction now stops with FlarError once the file data passes the declared size plus a small
slack, writing no byte past that limit; a compressed archive without a declared size is held
by the compression-ratio cap, and every archive by the destination's free space.  The bombs
here are LZW (compress -c) payloads of zeros: a few KB that expand to 16 MiB, so the checks
are seen firing after about a megabyte without writing gigabytes.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from jobs.flar import FlarError, extract
from jobs.flar.extract import SLACK_MIN_BYTES, size_limit
from tests.support.hostile import cpio_entry, cpio_payload, flar_file

# The module (jobs.flar exports a function of the same name).
extract_module = importlib.import_module("jobs.flar.extract")
BOMB_BYTES = 16 << 20


def _bomb(path: Path, *ident: str) -> Path:
    cpio = cpio_payload(cpio_entry("zeros", b"\0" * BOMB_BYTES))
    return flar_file(path, cpio, compressed=True, extra_ident=ident)


def _written(dest: Path) -> int:
    return sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())


def test_a_lying_files_unarchived_size_stops_the_extraction(tmp_path: Path) -> None:
    archive = _bomb(tmp_path / "bomb.flar", "files_unarchived_size=1024")
    assert archive.stat().st_size < 64 << 10  # tiny on disk...
    with pytest.raises(FlarError, match="files_unarchived_size=1024") as caught:
        extract(archive, tmp_path / "out")
    assert "extraction stopped in 'zeros'" in caught.value.message
    limit = size_limit(1024)
    assert limit == 1024 + SLACK_MIN_BYTES
    assert _written(tmp_path / "out") == limit  # ...and not one byte past the limit


def test_an_honest_declared_size_extracts(tmp_path: Path) -> None:
    archive = _bomb(tmp_path / "ok.flar", f"files_unarchived_size={BOMB_BYTES}")
    report = extract(archive, tmp_path / "out")
    assert report.ok and report.bytes_written == BOMB_BYTES


def test_without_a_declared_size_the_compression_ratio_cap_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real floor is 64 MiB of output; a smaller one keeps the test small.
    monkeypatch.setattr(extract_module, "RATIO_FLOOR_BYTES", 1 << 20)
    archive = _bomb(tmp_path / "bomb.flar")
    with pytest.raises(FlarError, match="compression bomb"):
        extract(archive, tmp_path / "out")
    ratio_limit = max(extract_module.MAX_COMPRESSION_RATIO * (archive.stat().st_size), 1 << 20)
    assert _written(tmp_path / "out") <= ratio_limit + (1 << 20)


def test_the_free_space_of_the_destination_is_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract_module, "free_space_limit", lambda path: 2 << 20)
    declared = _bomb(tmp_path / "declared.flar", f"files_unarchived_size={BOMB_BYTES}")
    with pytest.raises(FlarError, match="nothing was extracted"):
        extract(declared, tmp_path / "out1")
    assert _written(tmp_path / "out1") == 0
    undeclared = _bomb(tmp_path / "undeclared.flar")
    with pytest.raises(FlarError, match="free"):
        extract(undeclared, tmp_path / "out2")
    assert _written(tmp_path / "out2") == 2 << 20
