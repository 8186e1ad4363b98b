"""The plan settings the users edit: one table of settings, their checks, layering and the hidden hash."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain.options import (
    SETTINGS,
    TEAM_SETTING_NAMES,
    PlanOptions,
    check_options,
    effective_options,
    public_options,
    setting_source,
    settings_problems,
)
from planner.domain.plan import compute_plan
from planner.solaris.errors import SolarisParseError
from tests.support.fuzz import property_settings
from tests.support.plans import ROOT_HASH, complete_options


def test_every_setting_is_an_option_with_help_and_a_kind() -> None:
    fields = {f.name for f in dataclasses.fields(PlanOptions)}
    for s in SETTINGS:
        assert s.name in fields, s.name
        assert s.kind in ("text", "int", "choice", "list", "secret"), s.name
        assert len(s.help) > 30, s.name
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    # What the issue lists: archive, JumpStart, image, sysidcfg values and the headrooms.
    for name in (
        "archive_location",
        "jumpstart_server",
        "jumpstart_dir",
        "install_image_dir",
        "ip_address",
        "netmask",
        "default_route",
        "timezone",
        "system_locale",
        "name_service",
        "root_password_hash",
        "terminal",
        "root_headroom_pct",
    ):
        assert name in names
    # An address is one host's: a team may not default it.
    assert "ip_address" not in TEAM_SETTING_NAMES and "netmask" in TEAM_SETTING_NAMES


def test_problems_are_collected_per_setting_with_the_check_options_messages() -> None:
    options = complete_options(
        ip_address="10.0.0.300",
        netmask="255.255.255",
        archive_location="ftp://srv/a.flar",
        timezone="Europe/London; reboot",
        root_headroom_pct=900,
    )
    problems = settings_problems(options, hostname="web01")
    assert set(problems) == {"ip_address", "netmask", "archive_location", "timezone", "root_headroom_pct"}
    assert "an IPv4 address in dotted form is needed" in problems["ip_address"]
    assert "ftp:// is not a retrieval the planner writes" in problems["archive_location"]
    assert "a whole number from 0 to 500" in problems["root_headroom_pct"]
    # check_options stops at the first of them, with the same rule.
    with pytest.raises(SolarisParseError, match="plan options: root_headroom_pct"):
        check_options(options, hostname="web01")
    assert settings_problems(complete_options(), hostname="web01") == {}


def test_dns_needs_a_domain_and_servers() -> None:
    problems = settings_problems(complete_options(name_service="DNS"))
    assert "DNS needs a domain name" in problems["dns_domain"]
    assert "at least one name server" in problems["dns_servers"]
    problems = settings_problems(
        complete_options(name_service="DNS", dns_domain="example.com", dns_servers=["10.0.0.1", "dns1"])
    )
    assert list(problems) == ["dns_servers"]
    assert settings_problems(complete_options(name_service="NIS"))["name_service"].startswith("name_service")


def test_a_bad_root_hash_is_refused_without_showing_it() -> None:
    shadow_line = "root:$1$abcdefgh$0123456789abcdef:14000::::::"
    problems = settings_problems(complete_options(root_password_hash=shadow_line))
    assert "root_password_hash cannot be used" in problems["root_password_hash"]
    message = problems["root_password_hash"]
    assert shadow_line not in message and "abcdefgh" not in message
    with pytest.raises(SolarisParseError) as caught:
        check_options(complete_options(root_password_hash=shadow_line))
    assert "abcdefgh" not in str(caught.value)


def test_a_plan_value_wins_over_the_team_default_over_the_planner_default() -> None:
    team = {"timezone": "Europe/London", "jumpstart_server": "js01", "ip_address": "10.1.1.1"}
    plan = {"jumpstart_server": "js02"}
    options = effective_options(team, plan)
    assert options.timezone == "Europe/London"
    assert (options.jumpstart_server, options.terminal) == ("js02", "vt100")
    # A team may not default the address: it is ignored there.
    assert options.ip_address == ""
    assert setting_source("jumpstart_server", team=team, plan=plan) == "plan"
    assert setting_source("timezone", team=team, plan=plan) == "team"
    assert setting_source("terminal", team=team, plan=plan) == "default"
    assert setting_source("ip_address", team=team, plan=plan) == "default"


def test_the_report_never_holds_the_root_hash() -> None:
    from tests.support.bundles import host

    source, destination = host("src", release="10/09"), host("dst")
    report = compute_plan(source, destination, complete_options()).to_report_dict()
    assert ROOT_HASH not in repr(report["options"])
    assert report["options"]["root_password_hash_set"] is True
    assert "root_password_hash" not in report["options"]
    assert public_options({"root_password_hash": ""}) == {"root_password_hash_set": False}
    # The sysidcfg, which the installer reads, carries it.
    assert f"root_password={ROOT_HASH}" in compute_plan(source, destination, complete_options()).sysidcfg


_TEXT_SETTINGS = [s.name for s in SETTINGS if s.kind in ("text", "choice", "secret")]


@property_settings()
@given(
    changes=st.dictionaries(
        st.sampled_from(_TEXT_SETTINGS),
        st.one_of(st.text(max_size=40), st.sampled_from(["10.0.0.1", "DNS", "/export/x", "js01", ROOT_HASH])),
        max_size=4,
    )
)
def test_problems_and_check_options_agree_and_usable_values_reach_sysidcfg(changes: dict[str, str]) -> None:
    """Whatever settings_problems passes, check_options and the sysidcfg writer take; what it
    refuses, check_options refuses too."""
    from tests.support.bundles import host

    options = complete_options(**changes)
    problems = settings_problems(options, hostname="src")
    if problems:
        with pytest.raises(SolarisParseError):
            check_options(options, hostname="src")
        return
    check_options(options, hostname="src")
    result = compute_plan(host("src", release="10/09"), host("dst"), options)
    assert f"timezone={options.timezone}" in result.sysidcfg.splitlines()
