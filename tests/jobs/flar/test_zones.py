"""zones_in_archive: find zones and the empty zone-private ufs mount points (the 2006 pitfall)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.flar import CreateOptions, FlarError, HashStatus, create, list_members, zones_in_archive
from jobs.flar.zones import inspect_archive
from tests.support.archives import zoned_tree


def test_empty_ufs_mount_point_is_reported(tmp_path: Path) -> None:
    tree = zoned_tree(tmp_path / "root")
    archive = tmp_path / "host.flar"
    create(archive, CreateOptions(name="host", root=str(tree)))
    zones = {zone.name: zone for zone in zones_in_archive(archive)}
    assert sorted(zones) == ["z1", "z2", "z3"]

    z1 = zones["z1"]
    assert (z1.state, z1.zonepath, z1.root_path, z1.root_state) == (
        "installed",
        "/zones/z1",
        "zones/z1/root",
        "populated",
    )
    assert z1.config is not None and z1.config.autoboot is True
    checks = {check.dir: check for check in z1.fs_checks}
    assert set(checks) == {"/opt/local", "/data"}  # lofs is not zone-private storage
    assert checks["/opt/local"].state == "empty"
    assert checks["/opt/local"].archive_path == "zones/z1/root/opt/local"
    assert checks["/opt/local"].special == "/dev/dsk/c1t0d0s0"
    assert checks["/data"].state == "populated"
    assert [c.dir for c in z1.empty_private_fs] == ["/opt/local"]

    z2 = zones["z2"]
    assert [(c.dir, c.state) for c in z2.fs_checks] == [("/u01", "populated")]
    assert z2.empty_private_fs == []

    z3 = zones["z3"]
    assert z3.root_state == "missing" and z3.config is None
    assert z3.problems == ("etc/zones/z3.xml is not in the archive",)


def test_missing_mount_point_and_excluded_zone(tmp_path: Path) -> None:
    tree = zoned_tree(tmp_path / "root")
    archive = tmp_path / "host.flar"
    create(archive, CreateOptions(name="host", root=str(tree), exclude=("/zones/z1/root/opt",)))
    z1 = next(zone for zone in zones_in_archive(archive) if zone.name == "z1")
    assert {c.dir: c.state for c in z1.fs_checks}["/opt/local"] == "missing"


def test_archive_without_zones(tmp_path: Path) -> None:
    (tmp_path / "root/etc").mkdir(parents=True)
    archive = tmp_path / "plain.flar"
    create(archive, CreateOptions(name="plain", root=str(tmp_path / "root")))
    assert zones_in_archive(archive) == []


def test_unreadable_index_is_a_flar_error(tmp_path: Path) -> None:
    tree = zoned_tree(tmp_path / "root")
    (tree / "etc/zones/index").write_text("this is not an index\n")
    archive = tmp_path / "host.flar"
    create(archive, CreateOptions(name="host", root=str(tree)))
    with pytest.raises(FlarError, match="etc/zones/index"):
        zones_in_archive(archive)


def test_bad_zone_xml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    tree = zoned_tree(tmp_path / "root")
    (tree / "etc/zones/z2.xml").write_text("<zone")
    archive = tmp_path / "host.flar"
    create(archive, CreateOptions(name="host", root=str(tree)))
    z2 = next(zone for zone in zones_in_archive(archive) if zone.name == "z2")
    assert z2.config is None and z2.problems and z2.fs_checks == ()


def test_mounted_slice_via_graft_fills_the_mount_point(tmp_path: Path) -> None:
    tree = zoned_tree(tmp_path / "root")
    slice_dir = tmp_path / "c1t0d0s0"
    (slice_dir / "bin").mkdir(parents=True)
    (slice_dir / "bin/tool").write_bytes(b"tool")
    slice_dir.chmod(0o750)
    archive = tmp_path / "host.flar"
    create(
        archive,
        CreateOptions(name="host", root=str(tree), grafts={"/zones/z1/root/opt/local": str(slice_dir)}),
    )
    members = {m.name: m for m in list_members(archive)}
    assert members["zones/z1/root/opt/local/bin/tool"].size == 4
    assert members["zones/z1/root/opt/local"].permissions == 0o750  # the mounted root's attributes
    z1 = next(zone for zone in zones_in_archive(archive) if zone.name == "z1")
    assert z1.empty_private_fs == []


def test_inspect_archive_is_verify_plus_zones_in_one_pass(tmp_path: Path) -> None:
    tree = zoned_tree(tmp_path / "root")
    archive = tmp_path / "host.flar"
    result = create(archive, CreateOptions(name="host", root=str(tree)))
    inspection = inspect_archive(archive)
    assert inspection.verify.status is HashStatus.MATCH and inspection.verify.actual == result.archive_id
    assert inspection.verify.members == result.entries
    zones = {zone.name: zone for zone in inspection.zones}
    assert zones["z1"].config_in_archive and not zones["z3"].config_in_archive
    # zones/z1/root/{opt,opt/local,data,data/db.dat,etc,etc/passwd}
    assert zones["z1"].member_count == 6
    assert zones["z2"].member_count == 2
