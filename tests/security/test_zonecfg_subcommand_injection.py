"""Issue #10, attack 5: zonecfg subcommand injection through a device match.

``/dev/rmt/0;delete -F`` became ``zonecfg -z web01 'remove device match=/dev/rmt/0;delete -F;...'``:
shell-safe, but zonecfg ends a subcommand at ``;`` and does not honour single quotes inside its
command text.  The match grammar now refuses ``;`` (readers and overrides), and every value
inside zonecfg command text is one zonecfg token: bare, ``"quoted"`` or refused.
"""

from __future__ import annotations

import json
import shlex

import pytest

from planner.domain import commands as cmd
from planner.domain.options import DeviceOverride, Overrides
from planner.domain.plan import compute_plan
from planner.domain.quoting import UnsafeValueError, zonecfg_token
from planner.domain.samples import seed_pair
from planner.solaris._zonecfg_lexer import tokenize
from planner.solaris.errors import SolarisParseError
from planner.solaris.spec import read_hardware_spec
from planner.solaris.zonecfg import parse_zonecfg
from planner.solaris.zonexml import parse_zone_xml

HOSTILE_MATCH = "/dev/rmt/0;delete -F"


def _zonecfg_argument(command: str) -> str:
    """What zonecfg receives as its command text: the last word sh passes it."""
    words = shlex.split(command)
    assert words[:2] == ["zonecfg", "-z"]
    return words[3]


def test_a_device_match_with_a_semicolon_is_refused_in_a_zonecfg_export() -> None:
    text = f'create -b\nset zonepath=/zones/web01\nadd device\nset match="{HOSTILE_MATCH}"\nend\n'
    with pytest.raises(SolarisParseError) as caught:
        parse_zonecfg(text, source="zones/web01.cfg", zonename="web01")
    assert (caught.value.source, caught.value.line) == ("zones/web01.cfg", 4)
    assert "device match" in caught.value.message


def test_a_device_match_with_a_semicolon_is_refused_in_zone_xml_and_specs() -> None:
    xml = (
        '<?xml version="1.0"?>\n<zone name="web01" zonepath="/zones/web01" autoboot="false">\n'
        f'  <device match="{HOSTILE_MATCH}"/>\n</zone>\n'
    )
    with pytest.raises(SolarisParseError, match="device match"):
        parse_zone_xml(xml, source="etc/zones/web01.xml")
    spec = json.dumps({"hostname": "n1", "devices": [HOSTILE_MATCH]})
    with pytest.raises(SolarisParseError, match=r"devices\[0\]"):
        read_hardware_spec(spec, source="n1.json")


def test_an_override_replacement_with_a_semicolon_is_refused() -> None:
    source, destination = seed_pair()
    overrides = Overrides(devices=[DeviceOverride("z-dev", "/dev/rmt/0*", "replace", HOSTILE_MATCH)])
    with pytest.raises(SolarisParseError, match="device match"):
        compute_plan(source, destination, overrides=overrides)


def test_behind_the_boundary_a_value_stays_one_zonecfg_token() -> None:
    command = cmd.device_remove("web01", HOSTILE_MATCH)
    commands = tokenize(_zonecfg_argument(command), source="zonecfg")
    assert len(commands) == 1  # no second subcommand: "delete -F" is inside the quoted token
    assert [(t.kind, t.text) for t in commands[0].tokens] == [
        ("word", "remove"),
        ("word", "device"),
        ("word", "match"),
        ("=", "="),
        ("string", HOSTILE_MATCH),
    ]
    remap = cmd.device_remap("web01", "/dev/rmt/0*", "/dev/rmt/1 ;delete")
    assert [c.tokens[0].text for c in tokenize(_zonecfg_argument(remap), source="zonecfg")] == [
        "select",
        "set",
        "end",
    ]


@pytest.mark.parametrize("value", ['/dev/rmt/0";delete -F;"', "/dev/rmt/0\ndelete -F", "a\\b"])
def test_values_zonecfg_cannot_quote_are_refused(value: str) -> None:
    with pytest.raises(UnsafeValueError):
        zonecfg_token(value)
    with pytest.raises(UnsafeValueError):
        cmd.device_remove("web01", value)


def test_the_seed_plan_s_zonecfg_commands_are_each_one_subcommand_per_step() -> None:
    plan = compute_plan(*seed_pair())
    for step in plan.steps:
        for line in step.command.split(" && "):
            if line.startswith("zonecfg -z"):
                for sub in tokenize(_zonecfg_argument(line), source="zonecfg"):
                    assert sub.tokens[0].text in {"select", "set", "end", "remove", "info"}
