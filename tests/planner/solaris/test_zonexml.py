from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import SPARSE_INHERIT_PKG_DIRS, ZoneCappedMemory, ZoneDedicatedCpu, ZoneNet
from planner.solaris.zonecfg import parse_zonecfg_export
from planner.solaris.zonexml import parse_zone_xml
from tests.support.samples import sample

DOCTYPE = '<!DOCTYPE zone PUBLIC "-//Sun Microsystems Inc//DTD Zones//EN" "file:///usr/share/lib/xml/dtd/zonecfg.dtd.1">'


def test_zone_xml_equals_the_export_of_the_same_zone() -> None:
    from_xml = parse_zone_xml(sample("zonexml/web01.xml"), source="etc/zones/web01.xml")
    from_export = parse_zonecfg_export(
        sample("zonecfg/web01-s10.export"), source="web01.cfg", zonename="web01"
    )
    assert from_xml == from_export
    assert from_xml.create_mode == "sparse"


def test_exclusive_ip_zone_with_pools_and_detach_manifest_elements() -> None:
    cfg = parse_zone_xml(sample("zonexml/db01.xml"), source="etc/zones/db01.xml")
    assert cfg.name == "db01"
    assert cfg.ip_type == "exclusive"
    assert cfg.create_mode == "whole"  # native, no inherited-pkg-dir
    assert cfg.nets == [ZoneNet(physical="e1000g1", defrouter="10.0.0.1")]
    assert cfg.dedicated_cpu == ZoneDedicatedCpu("2-4", "2")
    assert cfg.capped_memory == ZoneCappedMemory(physical="4G", swap="8G")
    assert cfg.datasets == ["dbpool/data"]


def test_the_sunwdefault_template_is_sparse() -> None:
    cfg = parse_zone_xml(sample("zonexml/SUNWdefault.xml"), source="SUNWdefault.xml")
    assert cfg.inherit_pkg_dirs == list(SPARSE_INHERIT_PKG_DIRS)
    assert cfg.create_mode == "sparse"


def test_branded_zone_without_ipds_has_unknown_create_mode() -> None:
    cfg = parse_zone_xml(
        f'{DOCTYPE}\n<zone name="s8" zonepath="/z" autoboot="false" brand="solaris8"/>', source="s8"
    )
    assert (cfg.brand, cfg.create_mode) == ("solaris8", "unknown")


def test_single_cpu_pset_and_unknown_zone_attributes() -> None:
    zone = '<zone name="z" zonepath="/z" autoboot="true" future="x"><pset ncpu_min="2" ncpu_max="2"/></zone>'
    text = DOCTYPE + zone
    cfg = parse_zone_xml(text, source="z.xml")
    assert cfg.dedicated_cpu == ZoneDedicatedCpu("2")
    assert cfg.extra_properties == {"future": "x"}


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE zone [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<zone name="&lol3;" zonepath="/z" autoboot="false"/>
"""


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (BILLION_LAUGHS, "internal subset"),
        ('<!DOCTYPE zone SYSTEM "x" []><zone name="a" zonepath="/a" autoboot="false"/>', "internal subset"),
        ('<zone name="a" zonepath="/a" autoboot="false">', "not well-formed XML"),
        ('<zone name="&ext;" zonepath="/a" autoboot="false"/>', "not well-formed XML"),
        ('<zones name="a"/>', "expected <zone>"),
        ('<zone zonepath="/a" autoboot="false"/>', "<zone> has no name= attribute"),
        ('<zone name="a" zonepath="/a" autoboot="yes"/>', "must be true or false"),
        (
            '<zone name="a" zonepath="/a" autoboot="false"><anet linkname="net0"/></zone>',
            "unknown element <anet>",
        ),
        ('<zone name="a" zonepath="/a" autoboot="false"><network address="1.2.3.4"/></zone>', "no physical="),
        ('<zone name="a" zonepath="/a" autoboot="false"><mcap physcap="1G"/></zone>', "number of bytes"),
        ("", "not well-formed XML"),
    ],
)
def test_bad_xml_is_refused_with_a_parse_error(text: str, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_zone_xml(text, source="etc/zones/a.xml")
    assert caught.value.source == "etc/zones/a.xml"
    assert fragment in caught.value.message


def test_xml_error_carries_the_line() -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_zone_xml(BILLION_LAUGHS, source="a.xml")
    assert caught.value.line == 2
