"""Disk layout: sizing from the source, first-fit placement, shortfalls in MB, the profile."""

from __future__ import annotations

from planner.domain.catalog import catalog_destination
from planner.domain.layout import TAG_BACKUP, TAG_ROOT, TAG_SWAP, TAG_VAR
from planner.domain.plan import DiskOverride, Overrides, PlanOptions, compute_plan
from planner.solaris.inventory import Disk, HostInventory
from tests.support.bundles import df, host, mb_vtoc, one, ufs, vfs, zone


def _source(zone_fs_mb: int = 4000) -> HostInventory:
    """/ uses 8192 MB, swap is a 2048 MB slice, /zones uses 4096 MB, z1 has a ufs slice."""
    return host(
        "src",
        zones=[zone("z1", fs=[ufs("/opt/local", "/dev/dsk/c1t1d0s0")])],
        disks_mb={"c1t0d0": 70000, "c1t1d0": 70000},
        vtocs=[
            mb_vtoc("c1t0d0", 70000, {0: (0, 12000, "/"), 1: (12000, 2048, ""), 7: (14048, 40000, "/zones")}),
            mb_vtoc("c1t1d0", 70000, {0: (0, zone_fs_mb, "")}),
        ],
        vfstab=[
            vfs("/dev/dsk/c1t0d0s1", "-", "swap", boot="no"),
            vfs("/dev/dsk/c1t0d0s0", "/", "ufs", fsck="1", boot="no"),
            vfs("/dev/dsk/c1t0d0s7", "/zones", "ufs", fsck="2"),
        ],
        df=[df("/", 8192), df("/zones", 4096)],
    )


def test_sizes_follow_the_source_plus_headroom() -> None:
    result = compute_plan(_source(), host("dst", disks_mb={"c0t0d0": 40000}))
    sizes = {p.key: p.size_mb for p in result.layout.planned}
    # 8192 MB + 20% = 9830.4 -> 9831; swap as the source slice; 4096 + 20% -> 4916; 4000 + 10% = 4400.
    assert sizes == {"root": 9831, "swap": 2048, "zonepaths": 4916, "zone:z1:/opt/local": 4400}


def test_a_layout_that_fits() -> None:
    result = compute_plan(_source(), host("dst", disks_mb={"c0t0d0": 40000}))
    assert result.layout.unplaced == []
    (disk,) = result.layout.disks
    got = [(s.index, s.mount_point, s.size_mb, s.start_cyl, s.tag) for s in disk.slices]
    assert got == [
        (0, "/", 9831, 0, TAG_ROOT),
        (1, "swap", 2048, 9831, TAG_SWAP),
        (2, "", 40000, 0, TAG_BACKUP),
        (3, "/zones", 4916, 11879, 0),
        (4, "/zones/z1/root/opt/local", 4400, 16795, 0),
    ]
    assert disk.free_mb == 40000 - 9831 - 2048 - 4916 - 4400
    assert result.verdict.value == "ready_with_steps"


def test_an_empty_dvd_drive_is_not_a_disk_to_lay_out() -> None:
    destination = host("dst", disks_mb={"c0t0d0": 40000})
    # iostat -En lists the DVD drive with "Size: 0.00GB"; it gets no vtoc and no slices.
    destination.disks.insert(0, Disk("c0t6d0", 0))
    result = compute_plan(_source(), destination)
    assert [d.name for d in result.layout.disks] == ["c0t0d0"]
    assert result.layout.disks[0].boot
    assert result.layout.unplaced == []


def test_the_jumpstart_profile_lines() -> None:
    result = compute_plan(_source(), host("dst", disks_mb={"c0t0d0": 40000}))
    lines = [line for line in result.jumpstart_profile.splitlines() if not line.startswith("#")]
    assert lines == [
        "install_type     flash_install",
        "archive_location nfs archive-server:/export/flar/src.flar",
        "partitioning     explicit",
        "filesys          c0t0d0s0 9831 /",
        "filesys          c0t0d0s1 2048 swap",
        "filesys          c0t0d0s3 4916 /zones",
        "filesys          c0t0d0s4 4400 /zones/z1/root/opt/local",
    ]


def test_a_zone_slice_that_misses_by_an_exact_number_of_mb() -> None:
    # 20000 - 9831 (/) - 2048 (swap) - 4916 (/zones) = 3205 MB left for a 4400 MB slice.
    result = compute_plan(_source(), host("dst", disks_mb={"c0t0d0": 20000}))
    (missing,) = result.layout.unplaced
    assert (missing.key, missing.size_mb, missing.largest_free_mb, missing.shortfall_mb) == (
        "zone:z1:/opt/local",
        4400,
        3205,
        1195,
    )
    finding = one(result, "z1", "FS_UFS_NO_SPACE")
    assert finding.severity.value == "blocker" and finding.resource == "fs /opt/local"
    assert finding.details["shortfall_mb"] == 1195 and finding.details["size_mb"] == 4400
    assert "1195 MB short" in finding.message and "3205 MB" in finding.message
    assert "# NOT PLACED: /zones/z1/root/opt/local (zone:z1:/opt/local) needs 4400 MB, 1195 MB short" in (
        result.jumpstart_profile
    )
    assert result.zone("z1").verdict.value == "blocked"  # type: ignore[union-attr]


def test_root_that_does_not_fit_is_a_host_blocker() -> None:
    result = compute_plan(_source(), host("dst", disks_mb={"c0t0d0": 5000}))
    by_resource = {f.resource: f for f in result.host_findings if f.code == "DISK_NO_SPACE"}
    # Root misses the whole 5000 MB disk; then swap fits and /zones misses what swap left.
    assert by_resource["root"].details["shortfall_mb"] == 9831 - 5000
    assert by_resource["zonepaths /zones"].details["shortfall_mb"] == 4916 - (5000 - 2048)
    assert "4831 MB short" in by_resource["root"].message
    assert result.verdict.value == "blocked"


def test_disk_override_chooses_the_disk() -> None:
    overrides = Overrides(disks=[DiskOverride("zone:z1:/opt/local", "c0t1d0")])
    result = compute_plan(
        _source(), host("dst", disks_mb={"c0t0d0": 40000, "c0t1d0": 10000}), overrides=overrides
    )
    placed = result.layout.slice_for("zone:z1:/opt/local")
    assert placed is not None and (placed.disk, placed.index, placed.start_cyl) == ("c0t1d0", 0, 0)
    assert (
        "mount -F ufs /dev/dsk/c1t1d0s0 /zones/z1/root/opt/local"
        in one(result, "z1", "FS_UFS_PRIVATE").remedy
    )
    assert "set special=/dev/dsk/c0t1d0s0; set raw=/dev/rdsk/c0t1d0s0" in result.finish_script


def test_override_to_a_missing_disk_is_unplaced() -> None:
    overrides = Overrides(disks=[DiskOverride("zonepaths", "c9t9d0")])
    result = compute_plan(_source(), host("dst", disks_mb={"c0t0d0": 40000}), overrides=overrides)
    (missing,) = result.layout.unplaced
    assert missing.key == "zonepaths" and "c9t9d0 does not exist" in missing.reason
    assert missing.shortfall_mb == 4916
    assert one(result, None, "DISK_NO_SPACE").resource == "zonepaths /zones"


def test_at_most_seven_slices_per_disk() -> None:
    fs = [ufs(f"/d{i}", f"/dev/dsk/c1t1d0s{i}") for i in (0, 1, 3, 4, 5, 6)]
    src = _source()
    src.zones = [zone("z1", fs=fs)]
    result = compute_plan(src, host("dst", disks_mb={"c0t0d0": 100000}))
    (disk,) = result.layout.disks
    assert sorted(s.index for s in disk.slices) == [0, 1, 2, 3, 4, 5, 6, 7]
    assert len(result.layout.unplaced) == 2
    assert all("7 slices" in u.reason for u in result.layout.unplaced)


def test_separate_global_file_systems_get_their_own_slice() -> None:
    src = _source()
    src.vfstab.append(vfs("/dev/dsk/c1t0d0s3", "/var", "ufs", fsck="1", boot="no"))
    src.df.append(df("/var", 2000))
    result = compute_plan(src, host("dst", disks_mb={"c0t0d0": 60000}))
    var = result.layout.slice_for("fs:/var")
    assert var is not None and var.size_mb == 2400 and var.tag == TAG_VAR


def test_estimates_when_the_source_has_no_df_or_swap_slice() -> None:
    src = host(
        "src",
        zones=[zone("z1"), zone("z2", sparse=False)],
        vfstab=[vfs("/dev/dsk/c1t0d0s7", "/zones", "ufs", fsck="2")],
    )
    dst = catalog_destination("T5220", "dst")
    result = compute_plan(src, dst)
    planned = {p.key: p for p in result.layout.planned}
    assert planned["root"].size_mb == 6144 and planned["root"].estimated
    assert planned["swap"].size_mb == 32768 and "memory size of dst" in planned["swap"].basis
    # sparse 512 MB + whole root 3072 MB = 3584 MB, + 20% = 4300.8 -> 4301.
    assert planned["zonepaths"].size_mb == 4301 and planned["zonepaths"].estimated


def test_zonepaths_on_root_need_no_slice() -> None:
    src = host("src", zones=[zone("z1")], vfstab=[vfs("/dev/dsk/c1t0d0s0", "/", "ufs")], df=[df("/", 5000)])
    result = compute_plan(src, host("dst", disks_mb={"c0t0d0": 40000}))
    assert [p.key for p in result.layout.planned] == ["root", "swap"]


def test_catalog_disks_use_the_assumed_geometry() -> None:
    result = compute_plan(_source(), catalog_destination("T5220", "dst"))
    disk = result.layout.disks[0]
    assert disk.name == "c1t0d0" and disk.cylinder_sectors == 255 * 63
    assert disk.cylinders == 146 * 1000**3 // (255 * 63 * 512) - 2
    assert any("assume 255 heads x 63 sectors" in n for n in result.layout.notes)


def test_x86_destination_gets_fdisk_lines_and_a_boot_cylinder() -> None:
    result = compute_plan(_source(), catalog_destination("X4200", "dst"), PlanOptions())
    assert "fdisk            c1t0d0 solaris all" in result.jumpstart_profile
    assert result.layout.disks[0].reserved_cylinders == 1
    root = result.layout.slice_for("root")
    assert root is not None and root.start_cyl == 1
