from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import Nic
from planner.solaris.network import merge_nics, parse_dladm_show_dev, parse_dladm_show_link, parse_ifconfig
from tests.support.samples import sample


def test_show_dev_solaris10_columns() -> None:
    nics = parse_dladm_show_dev(sample("net/dladm-show-dev"), source="dladm-show-dev")
    assert nics[0] == Nic("bge0", "bge", 0, "up", 1000, "full")
    assert nics[1] == Nic("bge1", "bge", 1, "up", 100, "half")
    assert (nics[2].link_state, nics[2].speed_mbps, nics[2].duplex) == ("unknown", 0, "unknown")
    assert (nics[3].driver, nics[3].instance, nics[3].link_state) == ("e1000g", 1, "down")
    assert (nics[4].driver, nics[4].instance, nics[4].speed_mbps) == ("nxge", 12, 10000)


def test_show_dev_parsable_form() -> None:
    nics = parse_dladm_show_dev(sample("net/dladm-show-dev-p"), source="dladm-show-dev")
    assert nics == [
        Nic("bge0", "bge", 0, "up", 1000, "full"),
        Nic("e1000g0", "e1000g", 0, "unknown", 0, "unknown"),
    ]


def test_show_link_types() -> None:
    links = {
        n.name: n for n in parse_dladm_show_link(sample("net/dladm-show-link"), source="dladm-show-link")
    }
    assert (links["bge0"].link_type, links["bge0"].mtu, links["bge0"].over) == ("legacy", 1500, "")
    assert (links["nxge12"].link_type, links["nxge12"].mtu) == ("non-vlan", 9000)
    assert (links["aggr1"].link_type, links["aggr1"].over, links["aggr1"].driver) == ("aggr", "key 1", "aggr")
    assert (links["bge1001"].link_type, links["bge1001"].vlan_id, links["bge1001"].over) == (
        "vlan",
        1,
        "bge1",
    )
    parsable = parse_dladm_show_link("bge0 type=legacy mtu=1500 device=bge0\n", source="l")
    assert (parsable[0].link_type, parsable[0].mtu) == ("legacy", 1500)


def test_merge_keeps_dev_data_and_adds_virtual_links() -> None:
    devices = parse_dladm_show_dev(sample("net/dladm-show-dev"), source="d")
    links = parse_dladm_show_link(sample("net/dladm-show-link"), source="l")
    merged = {n.name: n for n in merge_nics(devices, links)}
    assert (merged["bge0"].speed_mbps, merged["bge0"].link_type, merged["bge0"].mtu) == (1000, "legacy", 1500)
    assert merged["aggr1"].link_type == "aggr"
    assert len(merged) == 7


def test_ifconfig_a() -> None:
    interfaces = parse_ifconfig(sample("net/ifconfig-a"), source="ifconfig-a")
    names = [(i.name, i.family) for i in interfaces]
    assert names == [
        ("lo0", "inet"),
        ("lo0:1", "inet"),
        ("bge0", "inet"),
        ("bge0:1", "inet"),
        ("bge1", "inet"),
        ("lo0", "inet6"),
        ("bge0", "inet6"),
    ]
    bge0 = interfaces[2]
    assert (bge0.address, bge0.netmask, bge0.broadcast) == (
        "192.168.10.20",
        "255.255.255.0",
        "192.168.10.255",
    )
    assert (bge0.mtu, bge0.index, bge0.ether, bge0.zone) == (1500, 2, "0:3:ba:5e:12:34", "")
    assert "BROADCAST" in bge0.flags
    web = interfaces[3]
    assert (web.zone, web.physical, web.address) == ("web01", "bge0", "192.168.10.21")
    assert interfaces[1].zone == "web01"
    assert interfaces[4].netmask == "0"  # as printed; not 8 hex digits
    v6 = interfaces[6]
    assert (v6.address, v6.netmask, v6.ether) == ("fe80::203:baff:fe5e:1234", "10", "0:3:ba:5e:12:34")


@pytest.mark.parametrize(
    ("parser", "text", "fragment"),
    [
        (parse_dladm_show_dev, "bge0 up 1000 full\n", "expected link:, speed:, duplex:"),
        (parse_dladm_show_dev, "bge0 link: up speed: fast duplex: full\n", "number of Mbps"),
        (parse_dladm_show_dev, "-- link: up\n", "not a data-link name"),
        (parse_dladm_show_link, "bge0 type: legacy mtu: big device: bge0\n", "mtu should be a number"),
        (parse_ifconfig, "        inet 1.2.3.4\n", "before any 'NAME: flags=...' line"),
        (parse_ifconfig, "bge0 is up\n", "expected 'NAME: flags=HEX<FLAGS>"),
    ],
)
def test_network_errors(parser, text: str, fragment: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SolarisParseError) as caught:
        parser("\n" + text, source="net-file")
    assert (caught.value.source, caught.value.line) == ("net-file", 2)
    assert fragment in caught.value.message
