"""The extractor's fast path for plain files gives exactly what the full path gives.

Plain single-link files skip building a Member, are created with their final mode when the
umask allows it, and skip fchown when the new file is already owned right.  Each test here
pins one of those shortcuts to the outcome ``cpio -idm`` promises.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobs.flar import extract
from jobs.flar.payload import CHUNK
from tests.support.archives import entry, payload, write_flar

REG = stat.S_IFREG


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _extract(tmp_path: Path, *entries: bytes, dest: str = "dest"):  # type: ignore[no-untyped-def]
    archive = write_flar(tmp_path / "x.flar", payload(*entries))
    return extract(archive, tmp_path / dest)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o000, 0o777])
def test_modes_are_exact_whatever_the_umask(tmp_path: Path, mask: int) -> None:
    modes = [0o644, 0o600, 0o755, 0o666, 0o777, 0o444, 0o000, 0o1755, 0o640]
    entries = [
        entry(f"d/f{mode:o}", b"data %o" % mode, mode=REG | mode, ino=i + 2) for i, mode in enumerate(modes)
    ]
    old = os.umask(mask)
    try:
        report = _extract(tmp_path, entry("d", mode=stat.S_IFDIR | 0o755), *entries)
    finally:
        os.umask(old)
    assert report.ok and report.counts == {"dir": 1, "file": len(modes)}
    for mode in modes:
        path = tmp_path / f"dest/d/f{mode:o}"
        assert stat.S_IMODE(path.lstat().st_mode) == mode, oct(mode)
        assert path.read_bytes() == b"data %o" % mode  # written even when the final mode is 0444 or 0


@pytest.mark.skipif(os.geteuid() != 0, reason="ownership is restored only as root (cpio -idm does the same)")
def test_owner_and_group_as_root_even_in_a_set_group_id_directory(tmp_path: Path, umask: None) -> None:
    dest = tmp_path / "dest"
    (dest / "sgid").mkdir(parents=True)
    os.chown(dest / "sgid", 0, 4321)
    os.chmod(dest / "sgid", 0o2775)  # noqa: S103 - a shared directory: new files get its group
    report = _extract(
        tmp_path,
        entry("sgid/root-owned", b"a", uid=0, gid=0, ino=2),
        entry("plain/root-owned", b"b", uid=0, gid=0, ino=3),
        entry("plain/user-owned", b"c", uid=1234, gid=5678, ino=4),
        entry("root-level", b"d", uid=7, gid=8, ino=5),
    )
    assert report.ok
    owners = {
        name: (st.st_uid, st.st_gid)
        for name in ("sgid/root-owned", "plain/root-owned", "plain/user-owned", "root-level")
        for st in [(dest / name).lstat()]
    }
    assert owners == {
        "sgid/root-owned": (0, 0),  # not the directory's 4321
        "plain/root-owned": (0, 0),
        "plain/user-owned": (1234, 5678),
        "root-level": (7, 8),
    }


def test_mtimes_and_data_across_payload_chunks(tmp_path: Path) -> None:
    big = os.urandom(CHUNK + 12345)  # crosses a chunk boundary: the streamed path
    entries = [entry(f"s{i}", os.urandom(i * 7), ino=i + 2, mtime=1_000_000_000 + i) for i in range(50)]
    report = _extract(tmp_path, *entries[:25], entry("big", big, ino=100, mtime=1_111_111_111), *entries[25:])
    assert report.ok and report.counts == {"file": 51}
    assert (tmp_path / "dest/big").read_bytes() == big
    assert (tmp_path / "dest/big").lstat().st_mtime == 1_111_111_111
    for i in range(50):
        path = tmp_path / f"dest/s{i}"
        assert path.lstat().st_size == i * 7 and path.lstat().st_mtime == 1_000_000_000 + i


def test_a_later_duplicate_replaces_our_file_and_a_foreign_file_is_kept(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "theirs").write_bytes(b"keep me")
    report = _extract(
        tmp_path,
        entry("mine", b"first", ino=2),
        entry("theirs", b"evil", ino=3),
        entry("mine", b"second", ino=4),
        entry("./mine", b"third", ino=5),
    )
    assert (dest / "mine").read_bytes() == b"third"
    assert (dest / "theirs").read_bytes() == b"keep me"
    assert [(r.name, r.reason) for r in report.refused] == [
        ("theirs", "already exists (not created by this extraction); not replaced")
    ]


def test_names_that_need_the_full_path(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    report = _extract(
        tmp_path,
        entry("a//b/./c", b"normalised", ino=2),
        entry("link", b"elsewhere", mode=stat.S_IFLNK | 0o777, ino=3),
        entry("link/f", b"through a symlink", ino=4),
        entry("x/..", b"dots", ino=5),
        entry("setuid", b"#!", mode=REG | 0o4755, ino=6),
    )
    assert (dest / "a/b/c").read_bytes() == b"normalised"
    assert {r.name: r.reason for r in report.refused} == {
        "link/f": "parent 'link' is a symlink; not extracting through it",
        "x/..": "'..' path component",
    }
    assert stat.S_IMODE((dest / "setuid").lstat().st_mode) == 0o755  # set-id bits cleared
    assert report.setid_cleared == ["setuid"]
    assert not (tmp_path / "elsewhere").exists()


def test_the_declared_size_limit_holds_on_the_fast_path(tmp_path: Path) -> None:
    from jobs.flar import FlarError
    from tests.support.archives import flar_bytes

    cpio = payload(*(entry(f"f{i}", b"x" * 1000, ino=i + 2) for i in range(3000)))
    (tmp_path / "x.flar").write_bytes(flar_bytes(cpio, extra_ident=("files_unarchived_size=1000",)))
    with pytest.raises(FlarError, match="declares files_unarchived_size=1000"):
        extract(tmp_path / "x.flar", tmp_path / "dest")
    written = sum(p.stat().st_size for p in (tmp_path / "dest").iterdir())
    assert written <= 1000 + (1 << 20)  # the declared size plus the slack, never more
