"""Solaris 11 destinations: dladm show-phys and pkg list brand-solaris10 (samples/README.md)."""

from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import Nic
from planner.solaris.solaris11 import PackageState, parse_dladm_show_phys, parse_pkg_list_brand
from tests.support.samples import sample


def test_show_phys_links_sit_on_devices() -> None:
    nics = parse_dladm_show_phys(sample("s11/dladm-show-phys"), source="dladm-show-phys")
    assert nics[0] == Nic("net0", "ixgbe", 0, "up", 10000, "full", device="ixgbe0", media="Ethernet")
    assert [(n.name, n.device, n.link_state, n.speed_mbps) for n in nics[2:]] == [
        ("net2", "ixgbe2", "unknown", 0),
        ("net3", "ixgbe3", "down", 0),
        ("net4", "usbecm0", "up", 10),
    ]


def test_show_phys_question_mark_state_is_unknown() -> None:
    (nic,) = parse_dladm_show_phys(sample("s11/dladm-show-phys-vbox"), source="dladm-show-phys")
    assert (nic.name, nic.driver, nic.link_state, nic.speed_mbps) == ("e1000g0", "e1000g", "unknown", 1000)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", None, "the file is empty"),
        ("bge0  link: up  speed: 1000  Mbps  duplex: full\n", 1, "expected the header"),
        ("LINK MEDIA STATE SPEED DUPLEX DEVICE\nnet0 Ethernet up 1000 full\n", 2, "expected 6 columns"),
        ("LINK MEDIA STATE SPEED DUPLEX DEVICE\nnet0 Ethernet sideways 1000 full e1000g0\n", 2, "STATE"),
        ("LINK MEDIA STATE SPEED DUPLEX DEVICE\nnet0 Ethernet up fast full e1000g0\n", 2, "SPEED"),
        ("LINK MEDIA STATE SPEED DUPLEX DEVICE\nnet0 Ethernet up 1000 full ../x\n", 2, "not a device name"),
    ],
)
def test_show_phys_errors(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_dladm_show_phys(text, source="dladm-show-phys")
    assert (caught.value.source, caught.value.line) == ("dladm-show-phys", line)
    assert fragment in caught.value.message


def test_brand_package_installed_or_not() -> None:
    installed = parse_pkg_list_brand(sample("s11/pkg-list-brand-installed"), source="pkg")
    assert installed == PackageState(installed=True, version="11.4-11.4.0.0.1.15.0")
    assert parse_pkg_list_brand(sample("s11/pkg-list-brand-missing"), source="pkg") == PackageState(False)


def test_brand_package_known_but_not_installed_and_the_old_state_column() -> None:
    known = (
        "NAME (PUBLISHER)  VERSION  IFO\n"
        "system/zones/brand/brand-solaris10 (solaris)  0.5.11-0.175.3.1.0.5.0  ---\n"
    )
    assert parse_pkg_list_brand(known, source="pkg") == PackageState(False)
    express = (
        "NAME (PUBLISHER)  VERSION  STATE  UFOXI\n"
        "system/zones/brand/brand-solaris10  0.5.11-0.151.0.1  installed  -----\n"
    )
    assert parse_pkg_list_brand(express, source="pkg") == PackageState(True, "0.5.11-0.151.0.1")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", None, "the file is empty"),
        ("system/zones/brand/brand-solaris10 0.5.11 i--\n", 1, "expected the 'NAME (PUBLISHER)"),
        ("NAME (PUBLISHER) VERSION IFO\nbrand-solaris10\n", 2, "expected 'NAME VERSION IFO'"),
    ],
)
def test_pkg_list_errors(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_pkg_list_brand(text, source="pkg-list-brand-solaris10")
    assert (caught.value.source, caught.value.line) == ("pkg-list-brand-solaris10", line)
    assert fragment in caught.value.message
