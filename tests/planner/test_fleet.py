"""planner.fleet: deterministic bundles in the exact Solaris 10 formats, readable by read_bundle."""

from __future__ import annotations

import io
import re
import tarfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from planner import fleet
from planner.fleet import SEED_ROW_KINDS, HostSpec, ZoneSpec
from planner.solaris.bundle import read_bundle, read_bundle_files
from planner.solaris.bundle_archive import unpack_bundle
from planner.solaris.inventory import HostInventory, VfstabEntry

SEED_FILES = {
    "README", "hostname", "uname-a", "prtdiag", "zoneadm-list-cvp",
    "etc/vfstab", "etc/zones/index", "metastat-p",
    "dladm-show-dev", "dladm-show-link", "ifconfig-a", "iostat-En", "df-k",
    "etc/release", "var/sadm/system/admin/CLUSTER", "zpool-list", "zfs-list", "large-files",
    *(f"prtvtoc/{d}" for d in ("c1t0d0", "c1t1d0", "c1t2d0", "c1t3d0", "c2t0d0")),
    *(f"zones/z-{k}.{ext}" for k in SEED_ROW_KINDS for ext in ("cfg", "vfstab")),
    *(f"etc/zones/z-{k}.xml" for k in SEED_ROW_KINDS),
}  # fmt: skip


@pytest.fixture(scope="module")
def seed() -> HostSpec:
    return fleet.seed_rows_host()


@pytest.fixture(scope="module")
def seed_files(seed: HostSpec) -> dict[str, str]:
    return fleet.render_bundle(seed)


# --- determinism and layout ------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes() -> None:
    first = [fleet.render_bundle(h) for h in fleet.fleet(6, 7, seed=11)]
    second = [fleet.render_bundle(h) for h in fleet.fleet(6, 7, seed=11)]
    assert first == second
    assert fleet.render_bundle(fleet.seed_rows_host()) == fleet.render_bundle(fleet.seed_rows_host())
    other = [fleet.render_bundle(h) for h in fleet.fleet(6, 7, seed=12)]
    assert first != other


def test_tars_are_byte_identical(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = fleet.write_bundle_tar(tmp_path / "a", fleet.seed_rows_host())
    two = fleet.write_bundle_tar(tmp_path / "b", fleet.seed_rows_host())
    assert one.name == two.name == "zflar-src-seed-01-20240115093000.tar"
    assert one.read_bytes() == two.read_bytes()


def test_seed_bundle_layout(tmp_path: Path, seed: HostSpec) -> None:
    top = fleet.write_bundle(tmp_path, seed)
    assert top == tmp_path / "zflar-src-seed-01"
    written = {p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file()}
    assert written == SEED_FILES


def test_tar_has_one_top_folder_and_passes_the_upload_checks(tmp_path: Path, seed: HostSpec) -> None:
    path = fleet.write_bundle_tar(tmp_path, seed)
    with tarfile.open(path) as archive:
        members = archive.getmembers()
    assert {m.name.split("/", 1)[0] for m in members} == {"zflar-src-seed-01"}
    assert all(m.isdir() or m.isfile() for m in members)
    unpacked = unpack_bundle(io.BytesIO(path.read_bytes()), source=path.name)
    assert unpacked.ignored == []
    assert set(unpacked.files) == SEED_FILES


# --- exact formats -----------------------------------------------------------------------------


def test_uname_and_prtdiag(seed_files: dict[str, str]) -> None:
    assert (
        seed_files["uname-a"] == "SunOS src-seed-01 5.10 Generic_147440-01 sun4u sparc SUNW,Sun-Fire-V240\n"
    )
    assert seed_files["prtdiag"].startswith(
        "System Configuration: Sun Microsystems  sun4u Sun Fire V240\nSystem clock frequency: 167 MHZ\n"
    )


@pytest.mark.parametrize("model", sorted(fleet.MODELS))
def test_prtdiag_is_the_first_40_lines_for_every_model(model: str) -> None:
    host = HostSpec(hostname="h1", model=model)
    host.nics = [fleet.NicSpec(name) for name in fleet.MODELS[model].nics]
    text = fleet.render_bundle(host)["prtdiag"]
    assert len(text.splitlines()) == 40
    assert text.startswith(f"System Configuration: {fleet.MODELS[model].configuration}\n")
    uname = fleet.render_bundle(host)["uname-a"].split()
    assert uname[4:] == [
        fleet.MODELS[model].machine,
        fleet.MODELS[model].processor,
        fleet.MODELS[model].platform,
    ]


def test_zoneadm_list(seed_files: dict[str, str], seed: HostSpec) -> None:
    lines = seed_files["zoneadm-list-cvp"].splitlines()
    assert lines[0] == "0:global:running:/::native:shared"
    uuid = seed.zone("z-running").uuid
    assert lines[1] == f"1:z-running:running:/zones/z-running:{uuid}:native:shared"
    assert re.fullmatch(r"-:z-ufs:installed:/zones/z-ufs:[0-9a-f-]{36}:native:shared", lines[8])
    assert len(lines) == 1 + len(SEED_ROW_KINDS)


def test_zonecfg_export_in_the_solaris_10_order(seed_files: dict[str, str]) -> None:
    export = seed_files["zones/z-ufs.cfg"]
    assert export.startswith(
        "create -b\nset zonepath=/zones/z-ufs\nset autoboot=false\nset ip-type=shared\n"
        "add inherit-pkg-dir\nset dir=/lib\nend\n"
    )
    assert "add fs\nset dir=/opt/local\nset special=/dev/dsk/c1t1d0s0\nset raw=/dev/rdsk/c1t1d0s0\n" in export
    assert "set type=ufs\nadd options logging\nend\n" in export
    order = [
        "inherit-pkg-dir",
        "fs",
        "net",
        "device",
        "rctl",
        "attr",
        "dataset",
        "dedicated-cpu",
        "capped-memory",
    ]
    for host in [fleet.seed_rows_host(), *fleet.fleet(10, 12, seed=4)]:
        for name, text in fleet.render_bundle(host).items():
            if name.endswith(".cfg"):
                resources = re.findall(r"^add (\S+)$", text, re.MULTILINE)
                ranks = [order.index(r) for r in resources]
                assert ranks == sorted(ranks), f"{host.hostname} {name}: {resources}"
    running = seed_files["zones/z-running.cfg"]
    assert "add net\nset address=10.20.1.21/24\nset physical=bge0\nend\n" in running
    assert "add rctl\nset name=zone.cpu-shares\nadd value (priv=privileged,limit=" in running
    assert 'set value="Clean zone: migrates as is"' in seed_files["zones/z-ready.cfg"]


def test_zone_xml(seed_files: dict[str, str]) -> None:
    xml = seed_files["etc/zones/z-lofs.xml"]
    assert xml.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE zone PUBLIC "-//Sun Microsystems Inc//DTD Zones//EN" '
        '"file:///usr/share/lib/xml/dtd/zonecfg.dtd.1">\n'
        "<!--\n    DO NOT EDIT THIS FILE.  Use zonecfg(1M) instead.\n-->\n"
        '<zone name="z-lofs" zonepath="/zones/z-lofs" autoboot="false">\n'
        '  <inherited-pkg-dir directory="/lib"/>\n'
    )
    assert (
        '  <filesystem special="/export/home/shared" directory="/export/shared" type="lofs">\n'
        '    <fsoption name="ro"/>\n    <fsoption name="nodevices"/>\n  </filesystem>\n'
    ) in xml


def test_index(seed_files: dict[str, str], seed: HostSpec) -> None:
    index = seed_files["etc/zones/index"]
    assert "\nglobal:installed:/\n" in index
    # A running zone is "installed" in the index: running is a kernel state.
    assert f"\nz-running:installed:/zones/z-running:{seed.zone('z-running').uuid}\n" in index


def test_network_formats(seed_files: dict[str, str]) -> None:
    dev = seed_files["dladm-show-dev"].splitlines()
    assert dev[0] == "bge0            link: up        speed: 1000  Mbps       duplex: full"
    assert dev[3] == "bge3            link: down      speed: 0     Mbps       duplex: unknown"
    assert seed_files["dladm-show-link"].splitlines()[0] == (
        "bge0            type: non-vlan  mtu: 1500       device: bge0"
    )
    ifconfig = seed_files["ifconfig-a"]
    assert ifconfig.startswith(
        "lo0: flags=2001000849<UP,LOOPBACK,RUNNING,MULTICAST,IPv4,VIRTUAL> mtu 8232 index 1\n"
        "\tinet 127.0.0.1 netmask ff000000 \n"
    )
    assert (
        "bge0:1: flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 2\n"
        "\tzone z-running\n\tinet 10.20.1.21 netmask ffffff00 broadcast 10.20.1.255\n"
    ) in ifconfig


def test_legacy_drivers_and_vlans_in_show_link() -> None:
    host = next(h for h in fleet.fleet(40, 20, seed=2) if any(n.vlan_id for n in h.nics))
    links = fleet.render_bundle(host)["dladm-show-link"]
    vlan = next(n for n in host.nics if n.vlan_id)
    assert f"{vlan.name:<16}type: vlan {vlan.vlan_id:<5}mtu: 1500       device: {vlan.device}\n" in links
    assert vlan.name not in fleet.render_bundle(host)["dladm-show-dev"]
    v490 = HostSpec("h", "V490", nics=[fleet.NicSpec("ce0")])
    assert fleet.render_bundle(v490)["dladm-show-link"] == (
        "ce0             type: legacy    mtu: 1500       device: ce0\n"
    )


def test_disk_formats(seed_files: dict[str, str]) -> None:
    iostat = seed_files["iostat-En"]
    assert re.search(
        r"^c1t0d0           Soft Errors: 0 Hard Errors: 0 Transport Errors: 0 \n"
        r"Vendor: SEAGATE  Product: ST973401LSUN72G  Revision: 0556 Serial No: \w+ \n"
        r"Size: 73.40GB <73400057856 bytes>\n",
        iostat,
        re.MULTILINE,
    )
    assert "c0t0d0           Soft Errors" in iostat and "Size: 0.00GB <0 bytes>" in iostat
    vtoc = seed_files["prtvtoc/c1t0d0"].splitlines()
    assert vtoc[:4] == ["* /dev/rdsk/c1t0d0s2 partition map", "*", "* Dimensions:", "*     512 bytes/sector"]
    assert "*     424 sectors/track" in vtoc and "*      24 tracks/cylinder" in vtoc
    assert "* Partition  Tag  Flags    Sector     Count    Sector  Mount Directory" in vtoc
    assert "       0      2    00          0  62918208  62918207   /" in vtoc
    assert "       1      3    01   62918208  16780224  79698431" in vtoc
    assert any(re.fullmatch(r"       2      5    01          0 143339136 143339135", line) for line in vtoc)


def test_df_and_vfstabs(seed_files: dict[str, str]) -> None:
    df = seed_files["df-k"].splitlines()
    assert df[0] == "Filesystem            kbytes    used   avail capacity  Mounted on"
    assert re.fullmatch(r"/dev/md/dsk/d10 +\d+ +\d+ +\d+ +\d+%    /", df[1])
    assert df[2] == "/devices                   0       0       0     0%    /devices"
    # A name longer than 18 characters goes on a line of its own, as Solaris df prints it.
    wrapped = df.index("nas01:/export/zones")
    assert re.fullmatch(r" {18} +\d+ +\d+ +\d+ +\d+%    /nfszones", df[wrapped + 1])
    vfstab = seed_files["etc/vfstab"].splitlines()
    assert vfstab[0] == "#device\t\tdevice\t\tmount\t\tFS\tfsck\tmount\tmount"
    assert "/dev/md/dsk/d10\t/dev/md/rdsk/d10\t/\tufs\t1\tno\t-" in vfstab
    assert "nas01:/export/zones\t-\t/nfszones\tnfs\t-\tyes\trw,hard,intr,vers=3" in vfstab
    assert (
        "nas01:/export/data/z-nfs\t-\t/data\tnfs\t-\tyes\trw,bg,hard,intr" in seed_files["zones/z-nfs.vfstab"]
    )


def test_metastat(seed_files: dict[str, str]) -> None:
    assert seed_files["metastat-p"] == (
        "d10 -m d11 d12 1\nd11 1 1 c1t0d0s0\nd12 1 1 c1t3d0s0\nd100 -p c1t2d0s0 -o 1 -b 41943040 \n"
    )
    host = HostSpec("h", "V240")
    host.metadevices = [
        fleet.MetaSpec("d30", "stripe", ["c1t1d0s0", "c1t2d0s0"], interlace_blocks=32),
        fleet.MetaSpec("d40", "concat", ["c1t1d0s1", "c1t2d0s1"]),
    ]
    assert fleet.render_bundle(host)["metastat-p"] == (
        "d30 1 2 c1t1d0s0 c1t2d0s0 -i 32b\nd40 2 1 c1t1d0s1 \\\n\t1 c1t2d0s1\n"
    )


# --- the seed-row host and its destinations ------------------------------------------------------


def test_one_zone_per_seed_row(seed: HostSpec) -> None:
    assert [z.name for z in seed.zones] == [f"z-{kind}" for kind in SEED_ROW_KINDS]
    assert [z.purpose for z in seed.zones] == list(SEED_ROW_KINDS)
    z = seed.zone
    assert z("z-running").state == "running" and z("z-running").zoneid == 1
    assert all(zone.state == "installed" for zone in seed.zones if zone.name != "z-running")
    assert [zone.name for zone in seed.zones if zone.autoboot] == ["z-autoboot"]
    assert [n.physical for n in z("z-autoboot").nets] == ["bge2"]
    assert [n.physical for n in z("z-net-same").nets] == ["bge0"]
    assert [n.physical for n in z("z-net-remap").nets] == ["bge1"]
    assert [(e.device, e.fstype) for e in z("z-nfs").vfstab] == [("nas01:/export/data/z-nfs", "nfs")]
    assert z("z-nfs-zonepath").zonepath == "/nfszones/z-nfs-zonepath"
    assert any(m.device == "nas01:/export/zones" and m.mount_point == "/nfszones" for m in seed.mounts)
    assert [(f.type, f.dir) for f in z("z-lofs").fs] == [("lofs", "/export/shared")]
    ufs = z("z-ufs").fs[0]
    assert (ufs.type, ufs.special, ufs.raw, ufs.dir) == (
        "ufs", "/dev/dsk/c1t1d0s0", "/dev/rdsk/c1t1d0s0", "/opt/local",
    )  # fmt: skip
    svm = z("z-svm").fs[0]
    assert svm.special == "/dev/md/dsk/d100" and svm.raw == "/dev/md/rdsk/d100"
    assert {d.match for d in z("z-device").devices} >= {"/dev/rmt/0", "/dev/dsk/c2t0d0s*"}
    ready = z("z-ready")
    assert not (ready.fs or ready.nets or ready.devices or ready.vfstab or ready.autoboot)


def test_the_ufs_zone_slice_is_real_and_does_not_fit_the_different_destination(seed: HostSpec) -> None:
    disk = seed.disk("c1t1d0")
    assert disk is not None
    slice0 = disk.slice(0)
    assert slice0 is not None and slice0.sector_count * 512 >= 100 * 1024**3
    different = fleet.different_destination()
    assert max(d.size_bytes for d in different.disks) < slice0.sector_count * 512


def test_destinations(seed: HostSpec) -> None:
    same = fleet.identical_destination()
    assert same.model == seed.model and same.zones == [] and same.metadevices == []
    assert [n.name for n in same.nics] == [n.name for n in seed.nics]
    assert sorted(d.name for d in same.disks) == sorted(d.name for d in seed.disks)
    different = fleet.different_destination()
    assert different.model == "T5220" and different.info.machine == "sun4v"
    assert {n.driver for n in different.nics} == {"e1000g"}
    assert not any(d.kind == "tape" for d in different.disks)
    files = fleet.render_bundle(different)
    assert files["zoneadm-list-cvp"] == "0:global:running:/::native:shared\n"
    assert "metastat-p" not in files


# --- fleets -------------------------------------------------------------------------------------


def test_benchmark_fleet_covers_every_seed_row() -> None:
    hosts = fleet.fleet(200, 20, seed=1)
    assert len(hosts) == 200 and all(len(h.zones) == 20 for h in hosts)
    assert len({h.hostname for h in hosts}) == 200
    kinds = Counter(z.purpose for h in hosts for z in h.zones)
    assert set(SEED_ROW_KINDS) <= set(kinds)
    assert min(kinds[k] for k in SEED_ROW_KINDS) > 50
    assert len({h.model for h in hosts}) >= 6
    assert set(fleet.fleet(1, len(SEED_ROW_KINDS), seed=9)[0].zones[i].purpose for i in range(11)) == set(
        SEED_ROW_KINDS
    )


def test_fleet_destinations() -> None:
    hosts = fleet.fleet_destinations(8, seed=1)
    assert len(hosts) == 8 and all(h.role == "destination" and not h.zones for h in hosts)
    assert hosts == fleet.fleet_destinations(8, seed=1)


def test_demo_fleet(tmp_path: Path) -> None:
    paths = fleet.demo_fleet(tmp_path / "demo")
    assert len(paths) == 6
    assert paths[0].name == "zflar-lon-erp-01-20240115093000.tar"
    assert all(p.exists() and p.suffix == ".tar" for p in paths)


def test_unknown_model_and_zone_defaults() -> None:
    with pytest.raises(ValueError, match="unknown model"):
        HostSpec("h", "E10K")
    assert ZoneSpec("web").zonepath == "/zones/web"


# --- what read_bundle makes of them -------------------------------------------------------------


def _all_hosts() -> list[HostSpec]:
    sources, destinations = fleet.demo_hosts()
    return [
        fleet.seed_rows_host(),
        fleet.identical_destination(),
        fleet.different_destination(),
        *sources,
        *destinations,
        *fleet.fleet(30, 20, seed=5),
        *fleet.fleet_destinations(6, seed=5),
    ]


def _vfstab_rows(entries: Sequence[VfstabEntry]) -> list[tuple[str, str, str, str]]:
    return [(e.device, e.mount_point, e.fstype, e.options) for e in entries]


def assert_inventory_matches(inventory: HostInventory, host: HostSpec) -> None:
    errors = [i for i in inventory.issues if i.severity == "error"]
    assert errors == [], f"{host.hostname}: {errors}"
    assert inventory.hostname == host.hostname
    assert inventory.uname.platform == host.info.platform
    assert [z.name for z in inventory.zones] == [z.name for z in fleet.listed_zones(host)]
    for spec in host.zones:
        zone = inventory.zone(spec.name)
        assert zone is not None and zone.config is not None and zone.listed is not None
        config = zone.config
        assert (zone.state, zone.listed.uuid) == (spec.state, spec.uuid)
        assert (config.zonepath, config.autoboot, config.ip_type) == (
            spec.zonepath,
            spec.autoboot,
            spec.ip_type,
        )
        assert config.inherit_pkg_dirs == spec.inherit_pkg_dirs
        assert config.create_mode == ("sparse" if spec.sparse else "whole")
        assert config.fs == spec.fs
        assert config.nets == spec.nets
        assert config.devices == spec.devices
        assert config.rctls == spec.rctls
        assert config.attrs == spec.attrs
        assert config.dedicated_cpu == spec.dedicated_cpu
        assert config.capped_memory == spec.capped_memory
        if spec.has_root:
            assert _vfstab_rows(zone.vfstab)[5:] == _vfstab_rows(spec.vfstab)
    nics = {n.name: n for n in inventory.nics}
    assert list(nics) == [n.name for n in host.nics]
    for nic in host.physical_nics:
        assert (nics[nic.name].link_state, nics[nic.name].mtu) == (nic.link, nic.mtu)
        assert nics[nic.name].speed_mbps == (nic.speed_mbps if nic.link == "up" else 0)
    assert {d.name: d.size_bytes for d in inventory.disks} == {d.name: d.size_bytes for d in host.disks}
    vtocs = {v.disk: v for v in inventory.vtocs}
    assert set(vtocs) == {d.name for d in host.disks if d.has_vtoc}
    for disk in host.disks:
        if disk.has_vtoc:
            got = [
                (s.index, s.tag, s.first_sector, s.sector_count, s.mount_point)
                for s in vtocs[disk.name].slices
            ]
            want = [(s.index, s.tag, s.first_sector, s.sector_count, s.mount_point) for s in disk.slices]
            assert got == sorted(want)
    assert [(m.name, m.components) for m in inventory.metadevices] == [
        (m.name, m.components) for m in host.metadevices
    ]
    assert [m.kind for m in inventory.metadevices] == [m.kind for m in host.metadevices]
    zoned = {(i.name, i.zone) for i in inventory.interfaces if i.zone}
    expected_zoned = {z.name for z in host.zones if z.is_up and z.ip_type == "shared"}
    assert {zone for _name, zone in zoned} == expected_zoned
    mounts = {(e.filesystem, e.mounted_on) for e in inventory.df}
    assert {(m.device, m.mount_point) for m in host.mounts if m.fstype != "swap"} <= mounts


def test_every_generated_bundle_reads_back_as_specified(tmp_path: Path) -> None:
    for host in _all_hosts():
        assert_inventory_matches(read_bundle(fleet.write_bundle(tmp_path, host)), host)


def test_tars_read_back_through_the_upload_path(tmp_path: Path) -> None:
    for host in fleet.demo_hosts()[0]:
        path = fleet.write_bundle_tar(tmp_path, host)
        unpacked = unpack_bundle(io.BytesIO(path.read_bytes()), source=path.name)
        assert_inventory_matches(read_bundle_files(unpacked.files), host)


def test_the_tape_iostat_lists_is_kept_on_identical_hardware() -> None:
    from planner.domain.plan import compute_plan

    source = read_bundle_files(fleet.render_bundle(fleet.seed_rows_host()))
    same = read_bundle_files(fleet.render_bundle(fleet.identical_destination()))
    tape_rows = [d for d in compute_plan(source, same).device_mappings if d.match == "/dev/rmt/0"]
    assert [(d.zone, d.action) for d in tape_rows] == [("z-device", "keep")]
    assert "lists no tape" not in tape_rows[0].reason


def test_release_files(seed_files: dict[str, str]) -> None:
    """The update whose kernel the host runs (Generic_147440-01 is 8/11), SUNWCXall, no ZFS, no big files."""
    assert seed_files["etc/release"].splitlines()[0].strip() == "Oracle Solaris 10 8/11 s10s_u10wos_17b SPARC"
    assert seed_files["var/sadm/system/admin/CLUSTER"] == "CLUSTER=SUNWCXall\n"
    assert (seed_files["zpool-list"], seed_files["zfs-list"], seed_files["large-files"]) == (
        "no pools available\n",
        "",
        "",
    )
    inventory = read_bundle_files(seed_files)
    assert inventory.release is not None and inventory.release.update == 10
    assert (inventory.cluster, inventory.zpools, inventory.zfs_datasets, inventory.large_files) == (
        "SUNWCXall",
        [],
        [],
        [],
    )


def test_an_older_release_can_be_chosen() -> None:
    host = fleet.seed_rows_host()
    host.release = "10/09"
    text = fleet.render_bundle(host)["etc/release"]
    assert text.splitlines()[0].strip() == "Solaris 10 10/09 s10s_u8wos_08a SPARC"
    assert "Sun Microsystems" in text and "Assembled 16 September 2009" in text
