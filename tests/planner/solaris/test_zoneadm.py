from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import ZoneIndexEntry, ZoneListEntry
from planner.solaris.zoneadm import parse_zone_index, parse_zoneadm_list, split_escaped_colons
from tests.support.samples import sample


def test_zoneadm_list_cvp_of_a_solaris10_host() -> None:
    entries = parse_zoneadm_list(sample("zoneadm/zoneadm-list-cvp"), source="zoneadm-list-cvp")
    assert entries[0] == ZoneListEntry("0", "global", "running", "/", "", "native", "shared")
    assert entries[1].uuid == "8f3a1c2e-5b4d-6e7f-8091-a2b3c4d5e6f7"
    assert (entries[2].zoneid, entries[2].state, entries[2].ip_type) == ("-", "installed", "excl")
    assert (entries[3].name, entries[3].uuid) == ("test01", "")


def test_fixture_forms_escapes_and_solaris11_extra_fields() -> None:
    entries = parse_zoneadm_list(sample("zoneadm/zoneadm-list-odd"), source="list")
    by_line = {i: e for i, e in enumerate(entries)}
    assert by_line[1] == ZoneListEntry("-", "local", "configured", "/", "", "native", "shared")
    assert by_line[2].uuid == "ipkg"  # the puppet fixture puts text in the uuid field
    assert by_line[3].zonepath == "/zones/a:b"
    assert by_line[4].extra_fields == ["-", "", ""]
    assert by_line[5].brand == "solaris-kz"
    assert by_line[5].extra_fields == ["R", "solaris-kz", ""]
    assert by_line[6].extra_fields == ["17"]
    assert by_line[7] == ZoneListEntry("1", "legacy", "running", "/zones/legacy")  # S10 3/05: 4 fields
    assert by_line[8].state == "unavailable"


def test_verbose_table_form() -> None:
    entries = parse_zoneadm_list(sample("zoneadm/zoneadm-list-cv"), source="list")
    assert [(e.zoneid, e.name, e.state, e.zonepath, e.brand, e.ip_type) for e in entries] == [
        ("0", "global", "running", "/", "native", "shared"),
        ("3", "web01", "running", "/zones/web01", "native", "shared"),
        ("-", "db01", "installed", "/zones/db01", "native", "excl"),
    ]


def test_split_escaped_colons() -> None:
    assert split_escaped_colons(r"1:z:running:/a\:b\:c:u") == ["1", "z", "running", "/a:b:c", "u"]
    assert split_escaped_colons("a\\b:c") == ["a\\b", "c"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0:global:running\n", "found 3 field(s)"),
        ("x:web01:running:/z:::\n", "zone id must be a number"),
        ("-:web01:stopped:/z::native:shared\n", "unknown zone state 'stopped'"),
        ("-::installed:/z::native:shared\n", "zone name field is empty"),
    ],
)
def test_zoneadm_errors(text: str, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_zoneadm_list("0:global:running:/::native:shared\n" + text, source="zoneadm-list-cvp")
    assert (caught.value.source, caught.value.line) == ("zoneadm-list-cvp", 2)
    assert fragment in caught.value.message


def test_zone_index() -> None:
    entries = parse_zone_index(sample("zoneadm/index"), source="etc/zones/index")
    assert entries[0] == ZoneIndexEntry("global", "installed", "/", "")
    assert entries[1] == ZoneIndexEntry(
        "web01", "installed", "/zones/web01", "8f3a1c2e-5b4d-6e7f-8091-a2b3c4d5e6f7"
    )
    assert entries[3] == ZoneIndexEntry("test01", "configured", "/zones/test01", "")
    assert entries[4].zonepath == "/zones/a:b"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("web01\n", "expected name:state:path:uuid"),
        ("web01:running:/z:\n", "unknown zone state 'running'"),
        ('web01:installed:"/z:a\n', "no closing"),
        ('web01:installed:"/z:a"x\n', "expected ':' after the quoted zonepath"),
        ("web01:installed:/z:a:b\n", "too many ':'"),
    ],
)
def test_zone_index_errors(text: str, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_zone_index("# header\n" + text, source="etc/zones/index")
    assert (caught.value.source, caught.value.line) == ("etc/zones/index", 2)
    assert fragment in caught.value.message
