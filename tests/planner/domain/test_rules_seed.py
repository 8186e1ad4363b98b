"""One test per row of the seed's results table, computed end to end from dataclass inputs.

Seed: "Creating a Flash Archive of a Zoned System" (Jeff Victor, Sun, 2006).
"""

from __future__ import annotations

from planner.domain.catalog import catalog_destination
from planner.domain.plan import compute_plan
from planner.solaris.inventory import Metadevice, ZoneFs, ZoneNet
from tests.support.bundles import codes, df, host, mb_vtoc, one, ufs, vfs, zone


def _step_commands(result: object, phase: str) -> list[str]:
    return [s.command for p in result.runbook if p.key == phase for s in p.steps]  # type: ignore[attr-defined]


# "a few archives were created while one or more zones was running. In all cases an incomplete flar"
def test_running_zones_are_halted_before_flarcreate() -> None:
    src = host("src", zones=[zone("z1", state="running"), zone("z2", state="ready"), zone("z3")])
    result = compute_plan(src, host("dst"))
    for name, state in (("z1", "running"), ("z2", "ready")):
        finding = one(result, name, "ZONE_RUNNING")
        assert finding.severity.value == "step" and finding.resource == f"zone {name}"
        assert f"zoneadm -z {name} halt" in finding.remedy and state in finding.message
    assert "ZONE_RUNNING" not in codes(result, "z3")
    pre = _step_commands(result, "pre-archive")
    archive = _step_commands(result, "archive")
    assert "zoneadm -z z1 halt" in pre and "zoneadm -z z2 halt" in pre
    assert any(c.startswith("flarcreate") for c in archive)
    assert "halt_zone z1" in result.pre_archive_script


# "set autoboot=true: if ... any configuration modification after flar extraction, the first
#  autoboot will fail"
def test_autoboot_is_turned_off_only_when_a_change_follows_extraction() -> None:
    src = host(
        "src",
        zones=[
            zone("remap", autoboot=True, nets=[ZoneNet("ce0", "10.0.0.5")]),
            zone("plain", autoboot=True, nets=[ZoneNet("bge1", "10.0.0.6")]),
        ],
    )
    result = compute_plan(src, host("dst"))
    finding = one(result, "remap", "AUTOBOOT_FIRST_BOOT")
    assert finding.severity.value == "step"
    assert "zonecfg -z remap 'set autoboot=false'" in finding.remedy
    assert "zonecfg -z remap 'set autoboot=true'" in finding.remedy
    assert "NIC remap of ce0" in finding.message
    assert "AUTOBOOT_FIRST_BOOT" not in codes(result, "plain")
    assert result.zone("plain").verdict.value == "ready"  # type: ignore[union-attr]
    # Off on the source before the archive; on again on the destination before the zone boots.
    assert "zonecfg -z remap 'set autoboot=false'" in _step_commands(result, "pre-archive")
    post = _step_commands(result, "post-extraction")
    assert post.index("zonecfg -z remap 'set autoboot=true'") < post.index("zoneadm -z remap boot")
    assert "zonecfg -z plain 'set autoboot=false'" not in _step_commands(result, "pre-archive")


# "add net: If the same type of network port is available on both ... works correctly without manual
#  intervention. If the destination has a different port type ... modify that after flar extraction ...
#  with the zonecfg command."
def test_add_net_same_port_is_ready_and_another_port_is_a_zonecfg_step() -> None:
    src = host(
        "src",
        zones=[
            zone("same", nets=[ZoneNet("bge1", "10.0.0.5")]),
            zone("other", nets=[ZoneNet("bge1", "10.0.0.6")]),
        ],
    )
    same = compute_plan(src, host("dst"))
    assert same.zone("same").verdict.value == "ready"  # type: ignore[union-attr]
    moved = compute_plan(src, catalog_destination("T2000", "dst"))
    finding = one(moved, "other", "NET_PORT_REMAP")
    assert "zonecfg -z other 'select net physical=bge1; set physical=e1000g1; end'" in finding.remedy
    assert moved.zone("other").verdict.value == "ready_with_steps"  # type: ignore[union-attr]


# "NFS mount in non-global zone: Success. Specify the NFS mount point(s) in the non-global zone(s)
#  /etc/vfstab"
def test_nfs_mount_in_the_zone_vfstab_works() -> None:
    src = host("src", zones=[zone("z1", vfstab=[vfs("nfssrv:/export/home", "/home", "nfs", options="rw")])])
    result = compute_plan(src, host("dst"))
    finding = one(result, "z1", "FS_NFS")
    assert finding.severity.value == "info" and finding.resource == "fs /home"
    assert "grep nfs /zones/z1/root/etc/vfstab" in finding.remedy
    assert "grep nfs /zones/z1/root/etc/vfstab" in _step_commands(result, "pre-archive")
    assert result.zone("z1").verdict.value == "ready"  # type: ignore[union-attr]


def test_nfs_in_zonecfg_is_moved_to_the_zone_vfstab() -> None:
    src = host("src", zones=[zone("z1", fs=[ZoneFs(dir="/data", special="srv:/data", type="nfs")])])
    finding = one(compute_plan(src, host("dst")), "z1", "FS_NFS")
    assert finding.severity.value == "step"
    assert "zonecfg -z z1 'remove fs dir=/data'" in finding.remedy
    assert "echo 'srv:/data - /data nfs - yes -' >> /zones/z1/root/etc/vfstab" in finding.remedy


# "Note that the zone cannot be installed into an NFS filesystem."
def test_zonepath_on_nfs_is_a_blocker_by_longest_mount_prefix() -> None:
    src = host(
        "src",
        zones=[
            zone("local", zonepath="/export/zones/local"),
            zone("remote", zonepath="/export/other/remote"),
            zone("dfonly", zonepath="/net/filer/z/dfonly"),
        ],
        vfstab=[vfs("filer:/vol/export", "/export", "nfs"), vfs("/dev/dsk/c1t0d0s7", "/export/zones", "ufs")],
        df=[df("/net/filer/z", 100, device="filer:/vol/z")],
    )
    result = compute_plan(src, host("dst"))
    assert "ZONEPATH_ON_NFS" not in codes(result, "local")
    for name, mount in (("remote", "/export"), ("dfonly", "/net/filer/z")):
        finding = one(result, name, "ZONEPATH_ON_NFS")
        assert finding.severity.value == "blocker"
        assert finding.resource.startswith("zonepath /")
        assert f"mounted on {mount}" in finding.message
        # A new local path, where the local zones live, that the layout plans: not the zone's own path.
        new_path = f"/export/zones/{name}"
        assert f"zoneadm -z {name} move {new_path}" in finding.remedy
        assert finding.details["new_zonepath"] == new_path
        assert result.layout.relocations[name] == new_path
    zonepaths = next(p for p in result.layout.planned if p.mount_point == "/export/zones")
    assert "moved off NFS to /export/zones/remote" in zonepaths.basis
    assert "moved off NFS to /export/zones/dfonly" in zonepaths.basis


# "add fs, type=lofs: Success"
def test_lofs_works() -> None:
    src = host("src", zones=[zone("z1", fs=[ZoneFs(dir="/shared", special="/export/shared", type="lofs")])])
    result = compute_plan(src, host("dst"))
    finding = one(result, "z1", "FS_LOFS")
    assert finding.severity.value == "info" and finding.resource == "fs /shared"
    assert result.zone("z1").verdict.value == "ready"  # type: ignore[union-attr]


# "add fs, type=ufs: ... Workaround: From the GZ, manually mount the disk slice into the correct place ...
#  Create the flar. When extracting the flar, configure the slice into the GZ. After first boot, remove that
#  entry from the GZ's /etc/vfstab. Unmount the zone-pvt fs and then boot the zone"
def test_ufs_zone_fs_gets_the_seed_workaround_in_order() -> None:
    src = host(
        "src",
        zones=[zone("z-ufs", autoboot=True, fs=[ufs("/opt/local", "/dev/dsk/c1t1d0s0")])],
        disks_mb={"c1t0d0": 70000, "c1t1d0": 70000},
        vtocs=[mb_vtoc("c1t1d0", 70000, {0: (0, 1000, "")})],
    )
    result = compute_plan(src, host("dst", disks_mb={"c0t0d0": 70000}))
    finding = one(result, "z-ufs", "FS_UFS_PRIVATE")
    assert finding.severity.value == "step" and finding.resource == "fs /opt/local"
    remedy = finding.remedy.splitlines()
    assert remedy[0].endswith("mount -F ufs /dev/dsk/c1t1d0s0 /zones/z-ufs/root/opt/local")
    assert remedy[1].endswith("umount /zones/z-ufs/root/opt/local")
    assert "filesys c0t0d0s3 1100 /zones/z-ufs/root/opt/local" in remedy[2]
    assert "set special=/dev/dsk/c0t0d0s3; set raw=/dev/rdsk/c0t0d0s3" in remedy[3]
    assert "umount /zones/z-ufs/root/opt/local, then zoneadm -z z-ufs boot" in remedy[4]

    steps = [s.command for s in result.steps]
    mount = steps.index("mount -F ufs /dev/dsk/c1t1d0s0 /zones/z-ufs/root/opt/local")
    flar = next(i for i, c in enumerate(steps) if c.startswith("flarcreate"))
    unmount_src = steps.index("umount /zones/z-ufs/root/opt/local")
    assert mount < flar < unmount_src
    post = _step_commands(result, "post-extraction")
    remove = next(i for i, c in enumerate(post) if "/etc/vfstab.zflar" in c)
    unmount = post.index("umount /zones/z-ufs/root/opt/local")
    assert remove < unmount < post.index("zoneadm -z z-ufs boot")
    assert "filesys          c0t0d0s3 1100 /zones/z-ufs/root/opt/local" in result.jumpstart_profile


def test_ufs_zone_fs_without_room_is_a_blocker() -> None:
    src = host(
        "src",
        zones=[zone("z1", fs=[ufs("/big", "/dev/dsk/c2t0d0s0")])],
        vtocs=[mb_vtoc("c2t0d0", 200000, {0: (0, 100000, "")})],
    )
    result = compute_plan(src, host("dst", disks_mb={"c0t0d0": 50000}))
    finding = one(result, "z1", "FS_UFS_NO_SPACE")
    # 100000 MB + 10% = 110000 MB.  Free: 50000 - (6144 root estimate + 512 for the sparse zone on /)
    # - 4096 (swap = memory size) = 39248 MB.
    assert finding.details["shortfall_mb"] == 110000 - 39248


# "SVM: Failure (mostly). Because the Solaris installer is not aware of SVM ..."
def test_svm_under_a_zone_and_under_the_global_zone() -> None:
    metadevices = [
        Metadevice("d10", "mirror", ["d11", "d12"]),
        Metadevice("d11", "concat", ["c1t0d0s0"]),
        Metadevice("d12", "concat", ["c1t1d0s0"]),
        Metadevice("d50", "softpart", ["c1t1d0s7"]),
    ]
    # Before 10/08 even a plain root mirror cannot be left to JumpStart to rebuild [FL1008].
    src = host(
        "src",
        zones=[zone("z1", fs=[ufs("/data", "/dev/md/dsk/d50")])],
        vfstab=[vfs("/dev/md/dsk/d10", "/", "ufs", fsck="1", boot="no")],
        metadevices=metadevices,
        release="5/08",
    )
    result = compute_plan(src, host("dst"))
    zone_svm = one(result, "z1", "SVM_IN_USE")
    assert zone_svm.severity.value == "blocker" and zone_svm.resource == "fs /data"
    assert "d50 (softpart of c1t1d0s7)" in zone_svm.message
    assert zone_svm.details["components"] == ["c1t1d0s7"]
    assert "ufsdump 0f - /dev/md/rdsk/d50" in zone_svm.remedy
    host_svm = one(result, None, "SVM_IN_USE")
    assert host_svm.zone is None and host_svm.resource == "fs /"
    assert "d10 (mirror of d11, d12)" in host_svm.message and "c1t0d0s0, c1t1d0s0" in host_svm.message
    assert "metadetach d10 d12" in host_svm.remedy and "metaroot /dev/dsk/c1t0d0s0" in host_svm.remedy
    assert "5/08 is older than 10/08" in host_svm.message
    assert result.verdict.value == "blocked"


# "Devices: Partial success. If the two systems have identical hardware, this will work correctly. Otherwise,
#  manual changes to the zone configurations ... must be performed prior to the first bootup of each zone."
def test_devices_identical_hardware_versus_different() -> None:
    src = host("src", zones=[zone("z1", devices=["/dev/rmt/0*"])], devices=["/dev/rmt/0"])
    same = compute_plan(src, host("dst", devices=["/dev/rmt/0"]))
    assert codes(same, "z1") == ["DEVICE_SAME_HARDWARE"]
    other = compute_plan(src, catalog_destination("M4000", "dst"))
    finding = one(other, "z1", "DEVICE_REMAP")
    assert finding.severity.value == "step"
    assert "prior to" not in finding.message  # our words, not the seed's
    assert "before the zone first boots" in finding.message


def test_instruction_set_and_kernel_architecture() -> None:
    src = host("src")
    x86 = compute_plan(src, catalog_destination("X4100", "dst"))
    assert one(x86, None, "ISA_MISMATCH").severity.value == "blocker"
    sun4v = compute_plan(src, catalog_destination("T5240", "dst"))
    finding = one(sun4v, None, "KERNEL_ARCH_DIFFERS")
    assert finding.severity.value == "step"
    assert "flar info -k content_architectures" in finding.remedy
    assert "ISA_MISMATCH" not in codes(sun4v)
