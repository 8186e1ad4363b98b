"""The local executor's zonecfg: command text is split by zonecfg's own lexer, as the real one does."""

from __future__ import annotations

import pytest

from planner.domain.quoting import zonecfg_token
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import ZoneConfig, ZoneDevice, ZoneFs, ZoneNet
from planner.solaris.zonecfg_edit import apply_zonecfg_commands, split_commands


def test_property_value_pairs_come_back_as_one_word() -> None:
    assert split_commands('select net physical=bge0; set physical="e1000g0"\nend') == [
        ["select", "net", "physical=bge0"],
        ["set", "physical=e1000g0"],
        ["end"],
    ]


def test_a_semicolon_inside_quotes_stays_in_the_value_and_outside_ends_the_command() -> None:
    assert split_commands('set bootargs="-m verbose;x"') == [["set", "bootargs=-m verbose;x"]]
    # What an unquoted ';' does in zonecfg: a second command.  Single quotes are not zonecfg quoting.
    assert split_commands("remove device match='/dev/rmt/0;delete -F'") == [
        ["remove", "device", "match='/dev/rmt/0"],
        ["delete", "-F'"],
    ]


def test_an_injected_subcommand_is_refused_not_run() -> None:
    cfg = ZoneConfig(name="web01", zonepath="/zones/web01", devices=[ZoneDevice(match="/dev/rmt/0")])
    with pytest.raises(SolarisParseError, match="unsupported zonecfg command 'delete'"):
        apply_zonecfg_commands(cfg, "remove device match=/dev/rmt/0;delete -F")


def test_values_quoted_by_the_quoting_helper_read_back_exactly() -> None:
    cfg = ZoneConfig(
        name="web01",
        zonepath="/zones/web01",
        nets=[ZoneNet(physical="bge0", address="10.0.0.5/24")],
        fs=[ZoneFs(dir="/opt/local", special="/dev/dsk/c1t0d0s0", raw="/dev/rdsk/c1t0d0s0", type="ufs")],
    )
    new_special = "/dev/dsk/c2t1d0s4"
    text = "; ".join(
        [
            f"select fs dir={zonecfg_token('/opt/local')}",
            f"set special={zonecfg_token(new_special)}",
            "end",
            f"select net physical={zonecfg_token('bge0')} address={zonecfg_token('10.0.0.5/24')}",
            f"set physical={zonecfg_token('e1000g0')}",
            "end",
        ]
    )
    changed = apply_zonecfg_commands(cfg, text)
    assert changed.fs[0].special == new_special
    assert changed.nets[0].physical == "e1000g0"
    assert cfg.nets[0].physical == "bge0"  # a copy: the input is untouched


def test_a_dangling_equals_sign_is_a_parse_error() -> None:
    with pytest.raises(SolarisParseError, match="expected property=value"):
        split_commands("set physical=")
