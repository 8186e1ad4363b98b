"""Safe extraction: hostile archives are refused entry by entry and nothing lands outside dest."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from jobs.flar import CreateOptions, FlarCancelled, FlarError, HashStatus, create, extract
from tests.support.archives import build_sample_tree, entry, payload, snapshot, write_flar

DIR = stat.S_IFDIR | 0o755
LINK = stat.S_IFLNK | 0o777


class Sandbox:
    """work/dest is the target; work/sibling and the outside marker must stay untouched."""

    def __init__(self, base: Path) -> None:
        self.work = base / "work"
        self.dest = self.work / "dest"
        self.sibling = self.work / "sibling"
        self.outside = base / "outside"
        self.sibling.mkdir(parents=True)

    def assert_nothing_outside(self) -> None:
        assert sorted(p.name for p in self.work.iterdir()) == ["dest", "sibling"]
        assert list(self.sibling.iterdir()) == []
        assert not self.outside.exists()
        assert not Path("/tmp/outside-zflar-test").exists()


@pytest.fixture
def box(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path)


def _extract(box: Sandbox, *entries: bytes, **kwargs: object):  # type: ignore[no-untyped-def]
    archive = write_flar(box.work.parent / "x.flar", payload(*entries))
    return extract(archive, box.dest, **kwargs)  # type: ignore[arg-type]


def test_dot_dot_is_refused(box: Sandbox) -> None:
    report = _extract(box, entry("../sibling/x", b"evil"), entry("a/../../x", b"evil"), entry("ok", b"fine"))
    assert [(r.name, r.reason) for r in report.refused] == [
        ("../sibling/x", "'..' path component"),
        ("a/../../x", "'..' path component"),
    ]
    assert (box.dest / "ok").read_bytes() == b"fine"
    box.assert_nothing_outside()


def test_absolute_names_are_refused_not_stripped(box: Sandbox) -> None:
    target = box.sibling / "abs"
    report = _extract(box, entry(str(target), b"evil"), entry("/etc/zflar-test", b"evil"))
    assert {r.reason for r in report.refused} == {"absolute path"}
    assert not (box.dest / str(target).lstrip("/")).exists()
    assert not Path("/etc/zflar-test").exists()
    box.assert_nothing_outside()


def test_nothing_is_written_through_an_archive_symlink(box: Sandbox) -> None:
    report = _extract(
        box,
        entry("lnk", b"/tmp/outside-zflar-test", mode=LINK),
        entry("lnk/x", b"evil"),
        entry("up", b"..", mode=LINK, ino=2),
        entry("up/sibling/y", b"evil"),
        entry("sib", os.fsencode(box.sibling), mode=LINK, ino=3),
        entry("sib", b"overwrite the link target?"),
        entry("sib/z", mode=DIR, ino=4),
    )
    assert os.readlink(box.dest / "lnk") == "/tmp/outside-zflar-test"
    assert os.readlink(box.dest / "up") == ".."
    reasons = {r.name: r.reason for r in report.refused}
    assert "is a symlink" in reasons["lnk/x"]
    assert "is a symlink" in reasons["up/sibling/y"]
    assert "already exists" in reasons["sib"]
    assert "is a symlink" in reasons["sib/z"]
    box.assert_nothing_outside()


def test_preexisting_symlink_in_dest_is_not_followed(box: Sandbox) -> None:
    box.dest.mkdir()
    (box.dest / "var").symlink_to(box.sibling)
    report = _extract(box, entry("var/log/x", b"evil"), entry("var", mode=DIR))
    assert len(report.refused) == 2
    box.assert_nothing_outside()


def test_hard_links_must_target_files_from_this_run(box: Sandbox) -> None:
    box.dest.mkdir()
    (box.dest / "preexisting").write_text("not ours")
    report = _extract(
        box,
        # newc group whose data name escapes: both names are refused.
        entry("innocent", ino=7, nlink=2),
        entry("../../etc/passwd", b"evil", ino=7, nlink=2),
        # a later zero-size name of that group is refused as well
        entry("late", ino=7, nlink=2),
        # a group that tries to replace a file the archive did not create
        entry("preexisting", ino=8, nlink=2),
        entry("good", b"data", ino=8, nlink=2),
    )
    reasons = {r.name: r.reason for r in report.refused}
    assert reasons["../../etc/passwd"] == "'..' path component"
    assert reasons["innocent"] == reasons["late"] == "hard link to an entry that was refused"
    assert "already exists" in reasons["preexisting"]
    assert (box.dest / "preexisting").read_text() == "not ours"
    assert (box.dest / "good").read_bytes() == b"data"
    assert not (box.dest / "innocent").exists()
    box.assert_nothing_outside()


def test_hard_link_group_without_data_becomes_empty_file_like_gnu(box: Sandbox) -> None:
    report = _extract(box, entry("a", ino=9, nlink=2), entry("b", ino=9, nlink=2))
    assert (box.dest / "a").read_bytes() == b"" and os.path.samefile(box.dest / "a", box.dest / "b")
    assert report.ok and report.counts == {"file": 1, "hardlink": 1}


def test_odc_style_link_order_links_to_earlier_data(box: Sandbox) -> None:
    _extract(box, entry("a", b"data", ino=5, nlink=2), entry("b", ino=5, nlink=2))
    assert os.path.samefile(box.dest / "a", box.dest / "b")


def test_duplicates_replace_only_our_own_regular_files(box: Sandbox) -> None:
    report = _extract(
        box, entry("f", b"first"), entry("f", b"second"), entry("d", mode=DIR), entry("d", b"x")
    )
    assert (box.dest / "f").read_bytes() == b"second"
    assert [r.name for r in report.refused] == ["d"]


def test_names_with_nul_and_empty_names_are_refused(box: Sandbox) -> None:
    raw = entry("a\0b", b"x")
    report = _extract(box, raw, entry("", b"y"), entry("good", b"z"))
    assert [r.reason for r in report.refused] == ["name contains a NUL byte", "empty name"]
    assert sorted(os.listdir(box.dest)) == ["good"]


def test_devices_and_fifos_when_not_root(box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    report = _extract(
        box,
        entry("dev/null", mode=stat.S_IFCHR | 0o666, rdev=(1, 3)),
        entry("dev/sda", mode=stat.S_IFBLK | 0o660, rdev=(8, 0), ino=2),
        entry("fifo", mode=stat.S_IFIFO | 0o644, ino=3),
        entry("suid", b"#!", mode=stat.S_IFREG | 0o4755, ino=4),
        trusted=True,  # cpio's own rules; untrusted archives: tests/security/test_extract_device_nodes...
    )
    assert [(r.name, r.reason) for r in report.not_created] == [
        ("dev/null", "not created (not root)"),
        ("dev/sda", "not created (not root)"),
        ("fifo", "not created (not root)"),
    ]
    assert stat.S_IMODE((box.dest / "suid").stat().st_mode) == 0o755  # set-uid stripped
    assert not (box.dest / "dev/null").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="creating device nodes needs root")
def test_devices_as_root(box: Sandbox, tmp_path: Path) -> None:
    entries = (
        entry("dev/null", mode=stat.S_IFCHR | 0o666, rdev=(1, 3), uid=0, gid=0),
        entry("fifo", mode=stat.S_IFIFO | 0o640, ino=3, uid=5, gid=6),
        entry("suid", b"#!", mode=stat.S_IFREG | 0o4755, ino=4, uid=7, gid=8),
    )
    report = _extract(box, *entries, trusted=True)
    st = (box.dest / "dev/null").lstat()
    assert stat.S_ISCHR(st.st_mode) and os.major(st.st_rdev) == 1 and os.minor(st.st_rdev) == 3
    assert stat.S_IMODE(st.st_mode) == 0o666
    fifo = (box.dest / "fifo").lstat()
    assert stat.S_ISFIFO(fifo.st_mode) and (fifo.st_uid, fifo.st_gid) == (5, 6)
    suid = (box.dest / "suid").lstat()
    assert stat.S_IMODE(suid.st_mode) == 0o4755 and (suid.st_uid, suid.st_gid) == (7, 8)
    assert report.counts == {"device": 1, "fifo": 1, "file": 1}

    denied = Sandbox(tmp_path / "second")
    report = _extract(denied, *entries, allow_devices=False, trusted=True)
    assert [r.reason for r in report.not_created] == ["not created (devices not allowed)"] * 2
    assert not (denied.dest / "dev/null").exists()


def test_mismatched_archive_id_is_reported_and_can_fail_the_job(box: Sandbox) -> None:
    archive = write_flar(box.work.parent / "x.flar", payload(entry("f", b"x")), archive_id="f" * 32)
    report = extract(archive, box.dest)
    assert report.hash_status is HashStatus.MISMATCH and not report.hash_ok and not report.ok
    assert (box.dest / "f").exists()  # Solaris extracts with a warning...
    assert any("mismatch" in w for w in report.warnings)
    with pytest.raises(FlarError, match="archive_id mismatch"):
        report.raise_for_hash()  # ...and a job can treat it as the failure it is


@pytest.mark.parametrize("cut", [50, 200, 300])
def test_truncated_payload_raises_without_escaping(box: Sandbox, cut: int) -> None:
    cpio = payload(entry("a", b"A" * 150), entry("b", b"B" * 150))
    archive = write_flar(box.work.parent / "x.flar", cpio[:cut])
    with pytest.raises(FlarError, match="truncated"):
        extract(archive, box.dest)
    box.assert_nothing_outside()


def test_huge_sizes_are_errors_not_allocations(box: Sandbox) -> None:
    archive = write_flar(box.work.parent / "x.flar", entry("f", b"x", filesize=0xFFFFFFF0) + payload())
    with pytest.raises(FlarError, match="declares"):
        extract(archive, box.dest)
    assert not (box.dest / "f").exists()  # refused before the file was created


def _remove_chain(top: Path) -> None:
    """Delete a 2,000-level d/d/d/... chain: shutil.rmtree (3.11) recurses once per level."""
    step = 0
    while top.is_dir() and (top / "d").exists():
        flat = top.parent / f"flat{step}"
        os.rename(top / "d", flat)  # lift the rest of the chain up one level...
        shutil.rmtree(top)  # ...so what remains here is shallow
        top, step = flat, step + 1
    if top.is_dir():
        shutil.rmtree(top)
    else:
        top.unlink()


def test_long_and_deep_names(box: Sandbox) -> None:
    deep = "/".join(["d"] * 2000)  # 3,999 bytes: fits a name, too deep for recursion
    try:
        report = _extract(box, entry(deep, b"x"), entry("n" * 300, b"y"))
        assert report.counts.get("file", 0) == 1  # the 2,000-level one
        assert [r.name for r in report.refused] == ["n" * 300]  # ENAMETOOLONG: a refusal, not a crash
        box.assert_nothing_outside()
    finally:
        if (box.dest / "d").exists():
            _remove_chain(box.dest / "d")


def test_round_trip_of_our_own_archive(tmp_path: Path) -> None:
    tree = build_sample_tree(tmp_path / "root")
    archive = tmp_path / "a.flar"
    create(archive, CreateOptions(name="x", root=str(tree)))
    before = len(os.listdir("/proc/self/fd"))
    report = extract(archive, tmp_path / "out", trusted=True)  # cpio -idm as root: a like-for-like copy
    assert len(os.listdir("/proc/self/fd")) == before
    assert report.ok and report.hash_status is HashStatus.MATCH
    assert snapshot(tmp_path / "out") == snapshot(tree)


def test_directory_modes_are_applied_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # as a normal user would
    box = Sandbox(tmp_path)
    report = _extract(
        box,
        entry("ro", mode=stat.S_IFDIR | 0o555, mtime=1000),
        entry("ro/inner", mode=stat.S_IFDIR | 0o500, mtime=2000, ino=2),
        entry("ro/inner/f", b"x", ino=3, mtime=3000),
    )
    assert report.ok
    assert stat.S_IMODE((box.dest / "ro").stat().st_mode) == 0o555
    assert int((box.dest / "ro").stat().st_mtime) == 1000
    assert int((box.dest / "ro/inner").stat().st_mtime) == 2000


def test_progress_and_cancel(tmp_path: Path) -> None:
    tree = build_sample_tree(tmp_path / "root")
    archive = tmp_path / "a.flar"
    create(archive, CreateOptions(name="x", root=str(tree)))
    calls: list[tuple[int, int | None, str]] = []
    report = extract(archive, tmp_path / "out", on_progress=lambda *args: calls.append(args))
    assert calls[-1][0] == report.bytes_written and calls[-1][1] == report.bytes_written
    with pytest.raises(FlarCancelled):
        extract(archive, tmp_path / "out2", cancel=lambda: True)
