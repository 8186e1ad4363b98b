"""Device mapping: identical hardware keeps the device, anything else needs a zonecfg change."""

from __future__ import annotations

from planner.domain.devicemap import DeviceMapping, known_device_paths, resolve, same_platform
from planner.domain.plan import DeviceOverride, Overrides, compute_plan
from tests.support.bundles import codes, host, one, zone


def _row(result_rows: list[DeviceMapping], match: str) -> DeviceMapping:
    rows = [r for r in result_rows if r.match == match]
    assert len(rows) == 1, rows
    return rows[0]


def test_glob_resolves_against_slices_and_listed_devices() -> None:
    inv = host("h", disks_mb={"c1t1d0": 1000}, devices=["/dev/rmt/0"])
    paths = known_device_paths(inv)
    assert resolve("/dev/rdsk/c1t1d0s*", paths) == [f"/dev/rdsk/c1t1d0s{i}" for i in range(8)]
    assert resolve("/dev/rmt/0*", paths) == ["/dev/rmt/0"]
    assert resolve("/dev/rmt/9*", paths) == []


def test_identical_hardware_keeps_the_device() -> None:
    src = host("src", zones=[zone("z1", devices=["/dev/rmt/0*"])], devices=["/dev/rmt/0"])
    dst = host("dst", devices=["/dev/rmt/0"])
    result = compute_plan(src, dst)
    row = _row(result.device_mappings, "/dev/rmt/0*")
    assert (row.action, row.origin, row.needs_manual_check) == ("keep", "same-hardware", False)
    assert row.source_devices == row.destination_devices == ["/dev/rmt/0"]
    finding = one(result, "z1", "DEVICE_SAME_HARDWARE")
    assert finding.severity.value == "info" and finding.resource == "device /dev/rmt/0*"
    assert "DEVICE_REMAP" not in codes(result, "z1")


def test_same_platform_but_different_devices_is_not_identical() -> None:
    src = host("src", zones=[zone("z1", devices=["/dev/rmt/0*"])], devices=["/dev/rmt/0"])
    dst = host("dst", devices=["/dev/rmt/1"])
    result = compute_plan(src, dst)
    row = _row(result.device_mappings, "/dev/rmt/0*")
    assert (row.action, row.replacement, row.needs_manual_check) == ("replace", "/dev/rmt/1*", True)
    finding = one(result, "z1", "DEVICE_REMAP")
    assert "zonecfg -z z1 'select device match=/dev/rmt/0*; set match=/dev/rmt/1*; end'" in finding.remedy


def test_different_hardware_maps_a_slice_to_the_disk_at_the_same_position() -> None:
    src = host(
        "src",
        zones=[zone("z1", devices=["/dev/rdsk/c1t1d0s4"])],
        disks_mb={"c1t0d0": 70000, "c1t1d0": 70000},
    )
    dst = host(
        "dst",
        disks_mb={"c0t0d0": 140000, "c0t1d0": 140000},
        platform=("sun4v", "sparc", "SUNW,SPARC-Enterprise-T5220", "SPARC Enterprise T5220"),
    )
    result = compute_plan(src, dst)
    row = _row(result.device_mappings, "/dev/rdsk/c1t1d0s4")
    assert (row.action, row.replacement, row.origin, row.needs_manual_check) == (
        "replace",
        "/dev/rdsk/c0t1d0s4",
        "position",
        True,
    )
    assert row.resolved_replacement == ["/dev/rdsk/c0t1d0s4"]
    finding = one(result, "z1", "DEVICE_REMAP")
    assert finding.severity.value == "step"
    assert "Sun Fire V240 -> SPARC Enterprise T5220" in finding.message
    assert "zonecfg -z z1 'select device match=/dev/rdsk/c1t1d0s4; set match=/dev/rdsk/c0t1d0s4; end'" in (
        finding.remedy
    )


def test_even_matching_names_need_a_check_on_different_hardware() -> None:
    src = host("src", zones=[zone("z1", devices=["/dev/rmt/0*"])], devices=["/dev/rmt/0"])
    dst = host(
        "dst", devices=["/dev/rmt/0"], platform=("sun4u", "sparc", "SUNW,Sun-Fire-V445", "Sun Fire V445")
    )
    result = compute_plan(src, dst)
    row = _row(result.device_mappings, "/dev/rmt/0*")
    assert (row.action, row.origin, row.needs_manual_check) == ("keep", "same-name", True)
    assert (
        "check that /dev/rmt/0 on dst is the device the zone needs"
        in one(result, "z1", "DEVICE_REMAP").remedy
    )


def test_nothing_to_map_to_proposes_removal() -> None:
    src = host("src", zones=[zone("z1", devices=["/dev/rmt/0*"])], devices=["/dev/rmt/0"])
    dst = host("dst", platform=("sun4v", "sparc", "SUNW,T5240", "T5240"))
    result = compute_plan(src, dst)
    row = _row(result.device_mappings, "/dev/rmt/0*")
    assert (row.action, row.needs_manual_check) == ("remove", True)
    assert "zonecfg -z z1 'remove device match=/dev/rmt/0*'" in one(result, "z1", "DEVICE_REMAP").remedy
    assert "zonecfg -z z1 'remove device match=/dev/rmt/0*'" in result.finish_script


def test_device_override_is_recorded_and_still_checked() -> None:
    src = host("src", zones=[zone("z1", devices=["/dev/rmt/0*"])], devices=["/dev/rmt/0"])
    dst = host("dst", devices=["/dev/rmt/2"], platform=("sun4v", "sparc", "SUNW,T5240", "T5240"))
    overrides = Overrides(devices=[DeviceOverride("z1", "/dev/rmt/0*", "replace", "/dev/rmt/5*")])
    result = compute_plan(src, dst, overrides=overrides)
    row = _row(result.device_mappings, "/dev/rmt/0*")
    assert (row.action, row.replacement, row.origin, row.needs_manual_check) == (
        "replace",
        "/dev/rmt/5*",
        "override",
        True,
    )
    assert "matches nothing" in row.reason
    assert "DEVICE_REMAP" in codes(result, "z1")


def test_a_metadevice_in_a_zone_is_an_svm_blocker() -> None:
    from planner.solaris.inventory import Metadevice

    src = host(
        "src",
        zones=[zone("z1", devices=["/dev/md/rdsk/d60"])],
        metadevices=[Metadevice("d60", "softpart", ["c1t1d0s7"])],
    )
    result = compute_plan(src, host("dst"))
    row = _row(result.device_mappings, "/dev/md/rdsk/d60")
    assert row.metadevice and row.origin == "svm"
    finding = one(result, "z1", "SVM_IN_USE")
    assert finding.resource == "device /dev/md/rdsk/d60"
    assert "d60 (softpart of c1t1d0s7)" in finding.message
    assert "DEVICE_REMAP" not in codes(result, "z1")


# --- issue #12 item 10: model names compare by model_key ------------------------------------------

X2250_UPPER = ("i86pc", "i386", "i86pc", "SUN FIRE X2250")  # what prtdiag_model makes of sample4
X2250_MIXED = ("i86pc", "i386", "i86pc", "Sun Fire X2250")


def test_an_upper_case_model_is_the_same_hardware() -> None:
    src = host(
        "src", zones=[zone("z1", devices=["/dev/rmt/0*"])], devices=["/dev/rmt/0"], platform=X2250_UPPER
    )
    for dst in (
        host("dst", devices=["/dev/rmt/0"], platform=X2250_UPPER),
        host("dst", devices=["/dev/rmt/0"], platform=X2250_MIXED),
    ):
        result = compute_plan(src, dst)
        assert same_platform(src, dst)
        row = _row(result.device_mappings, "/dev/rmt/0*")
        assert (row.action, row.origin, row.needs_manual_check) == ("keep", "same-hardware", False)
        assert "DEVICE_REMAP" not in codes(result, "z1")


def test_a_real_m4000_prtdiag_matches_the_catalog_m4000() -> None:
    from planner.domain.catalog import catalog_destination

    src = host(
        "src",
        zones=[zone("z1", devices=["/dev/rdsk/c0t1d0s4"])],
        disks_mb={"c0t0d0": 140000, "c0t1d0": 140000},
        platform=("sun4u", "sparc", "SUNW,SPARC-Enterprise", "Sun SPARC Enterprise M4000 Server"),
    )
    dst = catalog_destination("M4000", "dst")
    result = compute_plan(src, dst)
    assert same_platform(src, dst)
    row = _row(result.device_mappings, "/dev/rdsk/c0t1d0s4")
    assert (row.action, row.origin, row.needs_manual_check) == ("keep", "same-hardware", False)


def test_devices_that_differ_on_the_same_model_never_say_x_to_x() -> None:
    src = host(
        "src", zones=[zone("z1", devices=["/dev/rmt/0*"])], devices=["/dev/rmt/0"], platform=X2250_UPPER
    )
    dst = host("dst", devices=["/dev/rmt/1"], platform=X2250_MIXED)
    finding = one(compute_plan(src, dst), "z1", "DEVICE_REMAP")
    assert "Hardware differs" not in finding.message
    assert finding.message.startswith(
        "Same model (Sun Fire X2250) but the devices differ for zone z1's device"
    )
