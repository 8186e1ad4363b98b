"""Issue #10, attack 8: with the worker as root, an uploaded archive created brw-rw-rw- block
devices, crw-rw-rw- character devices and -rwsr-xr-x root files.

Archives are untrusted: extraction never creates device nodes or FIFOs and always clears
set-uid/set-gid bits, and lists each so the job can record it.  (``trusted=True`` exists for
the tests of cpio's own behaviour only; no job passes it.)
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from jobs.executors.local import extract_for_executor
from jobs.flar import extract
from tests.support.hostile import cpio_entry, cpio_payload, flar_file

ENTRIES = (
    cpio_entry("dev/sda", mode=stat.S_IFBLK | 0o666, rdev=(8, 0), ino=1),
    cpio_entry("dev/mem", mode=stat.S_IFCHR | 0o666, rdev=(1, 1), ino=2),
    cpio_entry("pipe", mode=stat.S_IFIFO | 0o666, ino=3),
    cpio_entry("usr/bin/rootshell", b"#!/bin/sh\n", mode=stat.S_IFREG | 0o4755, ino=4),
    cpio_entry("usr/bin/groupshell", b"#!/bin/sh\n", mode=stat.S_IFREG | 0o2755, ino=5),
    cpio_entry("var/shared", mode=stat.S_IFDIR | 0o2775, ino=6),
)


def _archive(tmp_path: Path) -> Path:
    return flar_file(tmp_path / "hostile.flar", cpio_payload(*ENTRIES))


def _special_files(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*"):
        mode = path.lstat().st_mode
        if stat.S_ISBLK(mode) or stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            found.append(str(path.relative_to(root)))
        if mode & (stat.S_ISUID | stat.S_ISGID):
            found.append(f"{path.relative_to(root)} (set-id)")
    return found


def test_no_device_node_fifo_or_set_id_bit_from_an_untrusted_archive(tmp_path: Path) -> None:
    print(f"running as uid {os.geteuid()} (the attack needs root; the refusal holds either way)")
    report = extract(_archive(tmp_path), tmp_path / "out")
    assert _special_files(tmp_path / "out") == []
    assert [(e.name, e.reason) for e in report.not_created] == [
        ("dev/sda", "blockdev not created (untrusted archive)"),
        ("dev/mem", "chardev not created (untrusted archive)"),
        ("pipe", "fifo not created (untrusted archive)"),
    ]
    assert sorted(report.setid_cleared) == ["usr/bin/groupshell", "usr/bin/rootshell", "var/shared"]
    assert stat.S_IMODE((tmp_path / "out/usr/bin/rootshell").stat().st_mode) == 0o755
    assert any("set-uid/set-gid bits cleared on 3 entries" in w for w in report.warnings)


def test_the_job_entry_point_records_what_was_skipped(tmp_path: Path) -> None:
    outcome = extract_for_executor(_archive(tmp_path), tmp_path / "out")
    assert _special_files(tmp_path / "out") == []
    assert "dev/sda: blockdev not created (untrusted archive)" in outcome.devices_skipped
    assert "usr/bin/rootshell: set-uid/set-gid bits cleared (untrusted archive)" in outcome.devices_skipped
