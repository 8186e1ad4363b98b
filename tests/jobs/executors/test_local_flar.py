"""jobs.executors.local: the flar library as the local executor consumes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.executors.local import check_for_executor, create_for_executor, extract_for_executor
from jobs.flar import FlarError, info
from tests.support.archives import entry, payload, write_flar, zoned_tree


def test_create_check_extract_records(tmp_path: Path) -> None:
    tree = zoned_tree(tmp_path / "root")
    out = tmp_path / "host.flar"
    outcome = create_for_executor(
        root=tree,
        output=out,
        name="web01",
        excludes=["/var/run"],
        description="nightly",
        creation_node="web01",
        grafts={"zones/z2/root/u01": tmp_path / "root/zones/z2/root/u01"},
    )
    assert outcome.path == str(out) and len(outcome.archive_id) == 32
    assert outcome.identification["creation_node"] == "web01"
    assert outcome.identification["files_archived_size"] == str(outcome.archived_bytes)  # no padding
    assert info(out).identification["creation_master"] == "web01"

    check = check_for_executor(out)
    assert check.hash_ok is True and check.zones == ["z1", "z2"]
    assert check.empty_zone_mounts == {"z1": ["/zones/z1/root/opt/local"]}
    assert check.members_by_zone == {"z1": 6, "z2": 2}
    assert check.member_count > 10

    extracted = extract_for_executor(out, tmp_path / "dest")
    assert extracted.hash_ok is True and extracted.refused == [] and extracted.bytes > 0
    assert (tmp_path / "dest/etc/zones/index").exists()


def test_records_for_archives_without_id_and_hostile_ones(tmp_path: Path) -> None:
    plain = write_flar(
        tmp_path / "p.flar", payload(entry("../x", b"evil"), entry("ok", b"y")), archive_id=None
    )
    check = check_for_executor(plain)
    assert check.hash_ok is None and "not checked" in check.message
    extracted = extract_for_executor(plain, tmp_path / "dest")
    assert extracted.hash_ok is None and extracted.refused == ["../x: '..' path component"]
    with pytest.raises(FlarError):
        check_for_executor(tmp_path / "missing.flar")


def test_reading_back_reports_progress_so_the_job_heartbeat_keeps_going(tmp_path: Path) -> None:
    tree = zoned_tree(tmp_path / "root")
    (tree / "big.bin").write_bytes(b"\x5a" * (3 << 20))
    out = tmp_path / "host.flar"
    create_for_executor(root=tree, output=out, name="web01")
    calls: list[tuple[int, int | None, str]] = []

    check_for_executor(out, on_progress=lambda done, total, name: calls.append((done, total, name)))

    assert calls, "no progress while reading the archive back"
    assert [done for done, _, _ in calls] == sorted(done for done, _, _ in calls)
    assert all(total is not None and total >= (3 << 20) for _, total, _ in calls)
