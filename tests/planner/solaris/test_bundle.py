from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planner.solaris.bundle import read_bundle, read_bundle_files, read_hardware_spec, read_zonecfg_only
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import HostInventory
from tests.support.samples import SAMPLES, sample

BUNDLE = SAMPLES / "bundle-web01"
S11_BUNDLE = SAMPLES / "bundle-s11dest"


def bundle_files() -> dict[str, bytes | str]:
    return {p.relative_to(BUNDLE).as_posix(): p.read_bytes() for p in BUNDLE.rglob("*") if p.is_file()}


def issues(inventory: HostInventory) -> dict[str, tuple[str, str, int | None]]:
    return {i.file: (i.severity, i.message, i.line) for i in inventory.issues}


def test_full_bundle_folder() -> None:
    inventory = read_bundle(BUNDLE)
    assert inventory.hostname == "web01"
    assert inventory.origin == "bundle"
    assert inventory.uname.platform == "SUNW,Sun-Fire-V240"
    assert inventory.prtdiag.model == "Sun Fire V240"
    # the global zone is not a Zone
    assert [(z.name, z.state) for z in inventory.zones] == [
        ("web01", "running"),
        ("db01", "installed"),
        ("test01", "configured"),
    ]
    web01 = inventory.zone("web01")
    assert web01 is not None and web01.config is not None
    assert web01.config.is_sparse_root
    assert web01.listed is not None and web01.listed.zoneid == "3"
    assert web01.vfstab[-1].fstype == "nfs"
    db01 = inventory.zone("db01")
    assert db01 is not None and db01.config is not None  # from etc/zones/db01.xml
    assert db01.config.ip_type == "exclusive"
    assert len(inventory.metadevices) == 17
    assert inventory.nic("bge0") is not None and inventory.nic("aggr1") is not None
    assert inventory.disk("c0t0d0") is not None
    assert inventory.vtoc("c0t0d0") is not None
    assert len(inventory.df) == 14 and len(inventory.vfstab) == 12 and len(inventory.zone_index) == 4
    assert "zones/web01.cfg" in inventory.files
    # What the release-aware planner stands on (issue #12 Contract).
    assert inventory.os_family == "solaris10"
    assert inventory.release is not None
    assert (inventory.release.release, inventory.release.update, inventory.release.build) == (
        "10/09",
        8,
        "s10s_u8wos_08a",
    )
    assert inventory.uname.version == "Generic_147440-01"  # patched since: /etc/release stays at 10/09
    assert inventory.cluster == "SUNWCXall"
    assert [(p.name, p.alloc_bytes) for p in inventory.zpools] == [("zdata", 127 * 1024**3)]
    assert [d.name for d in inventory.zfs_datasets] == ["zdata", "zdata/backup", "zdata/web01-data"]
    assert [(f.path, f.size_bytes) for f in inventory.large_files] == [
        ("/u01/oradata/WEB/undo 01.dbf", 8589942784),
        ("/zones/web01/root/var/tmp/export.dmp", 5368709120),
    ]
    assert inventory.brand_solaris10_installed is None  # a Solaris 10 host: not collected, not expected
    cdrom = inventory.disk("c0t2d0")
    assert cdrom is not None and cdrom.optical
    found = issues(inventory)
    assert set(found) == {"zones/db01.vfstab", "zones/test01.cfg"}
    assert found["zones/test01.cfg"][0] == "warning"
    assert "neither zones/test01.cfg nor etc/zones/test01.xml" in found["zones/test01.cfg"][1]


def test_inventory_survives_json() -> None:
    for folder in (BUNDLE, S11_BUNDLE):
        inventory = read_bundle(folder)
        assert HostInventory.from_dict(json.loads(json.dumps(inventory.to_dict()))) == inventory


def test_an_inventory_stored_before_the_release_fields_still_loads() -> None:
    """Inventories stored as JSON before issue #12 have none of the new keys."""
    stored = read_bundle(BUNDLE).to_dict()
    for key in (
        "release", "cluster", "zpools", "zfs_datasets", "large_files", "os_family",
        "brand_solaris10_installed", "brand_solaris10_version",
    ):  # fmt: skip
        del stored[key]
    for disk in stored["disks"]:
        del disk["optical"]
    for nic in stored["nics"]:
        del nic["device"], nic["media"]
    old = HostInventory.from_dict(json.loads(json.dumps(stored)))
    assert old.release is None and old.cluster == "" and old.zpools == [] and old.large_files == []
    assert old.os_family == "" and old.brand_solaris10_installed is None
    assert old.disks and not any(d.optical for d in old.disks)
    assert old.zones == read_bundle(BUNDLE).zones


def test_a_solaris_11_bundle_reads_as_a_solaris_11_destination() -> None:
    inventory = read_bundle(S11_BUNDLE)
    assert inventory.os_family == "solaris11"
    assert inventory.release is not None
    assert (inventory.release.major, inventory.release.version, inventory.release.arch) == (
        11,
        "11.4",
        "sparc",
    )
    assert (inventory.uname.release, inventory.prtdiag.model) == ("5.11", "SPARC T7-1")
    assert [(n.name, n.device, n.speed_mbps) for n in inventory.nics][:2] == [
        ("net0", "ixgbe0", 10000),
        ("net1", "ixgbe1", 10000),
    ]
    assert inventory.brand_solaris10_installed is True
    assert inventory.brand_solaris10_version == "11.4-11.4.0.0.1.15.0"
    assert [p.dedup for p in inventory.zpools] == ["1.00x", "1.00x"]
    assert any(d.mountpoint == "/zones" for d in inventory.zfs_datasets)
    assert inventory.large_files == [] and "large-files" in inventory.files
    assert inventory.zones == []
    found = issues(inventory)
    # A Solaris 11 collector writes no dladm show-dev/show-link, metastat -p or CLUSTER: no warnings.
    assert not {"dladm-show-dev", "dladm-show-link", "metastat-p", "var/sadm/system/admin/CLUSTER"} & set(
        found
    )
    assert all(severity == "warning" for severity, _, _ in found.values()), found


def test_a_solaris_11_host_is_known_by_uname_alone() -> None:
    files = {
        p.relative_to(S11_BUNDLE).as_posix(): p.read_bytes() for p in S11_BUNDLE.rglob("*") if p.is_file()
    }
    del files["etc/release"]
    inventory = read_bundle_files(files)
    assert (inventory.os_family, inventory.release) == ("solaris11", None)
    assert inventory.nics and "etc/release" in issues(inventory)


def test_a_solaris_10_bundle_without_the_new_files_warns_about_them() -> None:
    files = bundle_files()
    for name in ("etc/release", "var/sadm/system/admin/CLUSTER", "zpool-list", "zfs-list", "large-files"):
        del files[name]
    found = issues(read_bundle_files(files))
    assert found["etc/release"][1] == (
        "no etc/release: the Solaris update is unknown; decisions that need it assume the worst"
    )
    assert {"var/sadm/system/admin/CLUSTER", "zpool-list", "zfs-list", "large-files"} <= set(found)
    assert not {"dladm-show-phys", "pkg-list-brand-solaris10"} & set(found)


def test_broken_release_files_are_error_issues() -> None:
    files = bundle_files()
    files["etc/release"] = b"Solaris 9 s9_58shwpl3 SPARC\n"
    files["zfs-list"] = b"zdata filesystem 1G 2G /zdata\n"
    inventory = read_bundle_files(files)
    found = issues(inventory)
    assert found["etc/release"][0] == "error" and found["etc/release"][2] == 1
    assert found["zfs-list"][0] == "error" and "tab-separated" in found["zfs-list"][1]
    assert inventory.release is None and inventory.zfs_datasets == []
    assert inventory.os_family == "solaris10"  # from uname -r


def test_read_bundle_is_a_thin_wrapper() -> None:
    assert read_bundle(BUNDLE) == read_bundle_files(bundle_files())


def test_upload_with_a_top_folder_and_str_content() -> None:
    files = {f"web01-bundle/{name}": content for name, content in bundle_files().items()}
    files["web01-bundle/hostname"] = "web01\n"
    assert read_bundle_files(files).hostname == "web01"


def test_minimal_bundle_warns_about_each_missing_file() -> None:
    inventory = read_bundle_files(
        {"hostname": b"lonely\n", "zoneadm-list-cvp": b"0:global:running:/::native:shared\n"}
    )
    assert inventory.zones == []
    found = issues(inventory)
    assert found["metastat-p"] == ("warning", "no metastat-p: SVM use cannot be checked", None)
    assert {"uname-a", "prtdiag", "etc/vfstab", "dladm-show-dev", "iostat-En", "df-k", "prtvtoc/"} <= set(
        found
    )
    assert {"etc/release", "zpool-list", "zfs-list", "large-files"} <= set(found)
    assert not {"dladm-show-phys", "pkg-list-brand-solaris10"} & set(found)
    assert all(severity == "warning" for severity, _, _ in found.values())


@pytest.mark.parametrize("missing", ["hostname", "zoneadm-list-cvp"])
def test_missing_required_file_is_an_error_naming_it(missing: str) -> None:
    files = bundle_files()
    del files[missing]
    with pytest.raises(SolarisParseError) as caught:
        read_bundle_files(files)
    assert caught.value.source == missing
    assert missing in caught.value.message


def test_broken_required_file_raises() -> None:
    files = bundle_files()
    files["zoneadm-list-cvp"] = b"0:global:running:/::native:shared\nnot a zone line\n"
    with pytest.raises(SolarisParseError) as caught:
        read_bundle_files(files)
    assert (caught.value.source, caught.value.line) == ("zoneadm-list-cvp", 2)


def test_broken_optional_files_become_error_issues_and_are_skipped() -> None:
    files = bundle_files()
    files["metastat-p"] = b"d10 -m d11 d12 1\nd11 1 x c0t0d0s0\n"
    files["zones/web01.cfg"] = b"create -b\nset physical=bge0\n"
    files["df-k"] = b"\x00\x01binary"
    inventory = read_bundle_files(files)
    found = issues(inventory)
    assert found["metastat-p"][0] == "error" and found["metastat-p"][2] == 2
    assert inventory.metadevices == []
    assert found["zones/web01.cfg"] == (
        "error",
        "'set physical' outside a resource; expected 'add net' or 'add capped-memory' first",
        2,
    )
    web01 = inventory.zone("web01")
    assert web01 is not None and web01.config is None and web01.state == "running"
    assert found["df-k"][0] == "error" and "binary" in found["df-k"][1]


def test_cfg_that_fails_falls_back_to_the_zone_xml() -> None:
    files = bundle_files()
    files["zones/web01.cfg"] = b"create -b\nend\n"
    files["etc/zones/web01.xml"] = sample("zonexml/web01.xml").encode()
    inventory = read_bundle_files(files)
    web01 = inventory.zone("web01")
    assert web01 is not None and web01.config is not None and web01.config.zonepath == "/zones/web01"
    assert issues(inventory)["zones/web01.cfg"][0] == "error"


def test_latin1_files_are_read_with_a_warning() -> None:
    files = bundle_files()
    files["zones/web01.cfg"] = (
        sample("zonecfg/web01-s10.export").replace("Apache web tier", "Caf\xe9 tier").encode("latin-1")
    )
    inventory = read_bundle_files(files)
    web01 = inventory.zone("web01")
    assert web01 is not None and web01.config is not None
    assert web01.config.attrs[0].value == "Caf\xe9 tier"
    assert issues(inventory)["zones/web01.cfg"] == (
        "warning",
        "not UTF-8; read as ISO-8859-1 (Latin-1)",
        None,
    )


def test_stray_files_and_unlisted_zone_configs_are_reported() -> None:
    files = bundle_files()
    files["zones/ghost.cfg"] = b"create -b\n"
    files["notes.txt"] = b"hi"
    files["collect.log"] = b"ran fine"
    found = issues(read_bundle_files(files))
    assert "zoneadm does not list a zone named ghost" in found["zones/ghost.cfg"][1]
    assert found["notes.txt"][1] == "not a file the collector writes; it was ignored"
    assert "collect.log" not in found
    assert "etc/zones/SUNWdefault.xml" not in found


def test_read_bundle_refuses_a_file_and_skips_symlinks(tmp_path: Path) -> None:
    with pytest.raises(SolarisParseError, match="not a folder"):
        read_bundle(BUNDLE / "hostname")
    copy = tmp_path / "bundle"
    shutil.copytree(BUNDLE, copy)
    (tmp_path / "secret").write_text("x")
    (copy / "README").symlink_to(tmp_path / "secret")
    assert "README" not in read_bundle(copy).files


def test_read_zonecfg_only() -> None:
    inventory = read_zonecfg_only(
        sample("zonecfg/web01-s10.export"), source="web01.cfg", zonename="web01", hostname="oldhost"
    )
    assert (inventory.origin, inventory.hostname) == ("zonecfg", "oldhost")
    assert [(z.name, z.state) for z in inventory.zones] == [("web01", "configured")]
    with pytest.raises(SolarisParseError):
        read_zonecfg_only("end\n", source="x.cfg", zonename="x")


SPEC = """{
  "hostname": "newhost",
  "model": "SPARC Enterprise T5220",
  "platform": "sun4v",
  "memory_mb": 32768,
  "nics": [{"name": "e1000g0", "speed_mbps": 1000, "link": "up"}, {"name": "nxge12"}],
  "disks": [{"name": "c1t0d0", "size_gb": 146}, {"name": "c1t1d0", "size_bytes": 73400057856}],
  "devices": ["/dev/rmt/0"]
}
"""


def test_hardware_spec() -> None:
    inventory = read_hardware_spec(SPEC, source="newhost.json")
    assert (inventory.origin, inventory.hostname) == ("spec", "newhost")
    assert (inventory.prtdiag.model, inventory.prtdiag.memory_mb, inventory.uname.machine) == (
        "SPARC Enterprise T5220",
        32768,
        "sun4v",
    )
    e1000g0 = inventory.nic("e1000g0")
    assert e1000g0 is not None
    assert (e1000g0.driver, e1000g0.instance, e1000g0.speed_mbps, e1000g0.link_state) == (
        "e1000g",
        0,
        1000,
        "up",
    )
    nxge = inventory.nic("nxge12")
    assert nxge is not None and (nxge.instance, nxge.link_state) == (12, "unknown")
    assert [d.size_bytes for d in inventory.disks] == [146_000_000_000, 73400057856]
    assert inventory.devices == ["/dev/rmt/0"]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('{\n  "hostname": "x",\n  "nics": [\n}', 4, "not valid JSON"),
        ("[]", None, "the spec must be a JSON object"),
        ('{"model": "x"}', None, "'hostname' is required"),
        ('{"hostname": "x", "nic": []}', None, "unknown key 'nic'"),
        ('{"hostname": "x", "nics": [{"speed_mbps": 1}]}', None, "nics[0]: 'name' is required"),
        ('{"hostname": "x", "nics": [{"name": "e1000g0", "link": "sideways"}]}', None, "nics[0].link"),
        (
            '{"hostname": "x", "nics": [{"name": "e1000g0", "speed_mbps": "fast"}]}',
            None,
            "nics[0].speed_mbps",
        ),
        ('{"hostname": "x", "disks": [{"name": "c1t0d0"}]}', None, "give 'size_gb' or 'size_bytes'"),
        ('{"hostname": "x", "disks": [{"name": "c1t0d0", "size_gb": -1}]}', None, "must be a number >= 0"),
        ('{"hostname": "x", "disks": [{"name": "c1t0d0", "size_gb": 1e308}]}', None, "too large"),
        ('{"hostname": "x", "memory_mb": NaN}', None, "must be a number >= 0"),
        ('{"hostname": "x", "devices": ["rmt0"]}', None, "devices[0]"),
        ('{"hostname": "x", "nics": {}}', None, "'nics' must be a JSON list"),
    ],
)
def test_hardware_spec_errors(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        read_hardware_spec(text, source="spec.json")
    assert (caught.value.source, caught.value.line) == ("spec.json", line)
    assert fragment in caught.value.message
