"""Issue #10, attack 1: a hostname that is a path (``../``, ``/abs``) or holds a newline or ``$(...)``.

The worker built paths from the hostname (``LOCAL_EXECUTOR_ROOT / hostname``), and the
scripts tarball named its members after it.  Now every reader refuses such a name with
the file and line, the domain refuses an inventory that skipped the readers, and the
tarball refuses to name a member after anything but a valid host name.
"""

from __future__ import annotations

import json

import pytest

from planner.domain.plan import compute_plan
from planner.domain.report import scripts_tarball
from planner.domain.samples import seed_pair
from planner.solaris.bundle import read_bundle_files, read_hardware_spec
from planner.solaris.errors import SolarisParseError
from planner.solaris.names import check_hostname, is_hostname
from planner.solaris.system import parse_hostname

HOSTILE = [
    "../../var",
    "/etc",
    "a/b",
    "..",
    "web01/../../static",
    "web\n01",
    "evil$(touch /tmp/x)",
    "web01 ",
    "-rf",
    "a..b",
    "web_01",
    "x" * 64,
]


@pytest.mark.parametrize("name", HOSTILE)
def test_names_that_are_not_host_names_are_refused(name: str) -> None:
    assert not is_hostname(name)
    with pytest.raises(SolarisParseError, match="is not valid"):
        check_hostname(name, source="hostname", line=1)


@pytest.mark.parametrize("name", ["../../var", "/etc", "a/b", "evil$(touch /tmp/x)"])
def test_the_bundle_hostname_file_is_refused_with_file_and_line(name: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_hostname(f"\n{name}\n", source="hostname")
    assert (caught.value.source, caught.value.line) == ("hostname", 2)
    with pytest.raises(SolarisParseError, match=r"^hostname:1: hostname"):
        zones = "0:global:running:/::native:shared\n"
        read_bundle_files({"hostname": name + "\n", "zoneadm-list-cvp": zones})


@pytest.mark.parametrize("name", ["../../var", "/abs/path", "a/../b", "x\ny"])
def test_the_spec_hostname_is_refused_naming_the_file(name: str) -> None:
    spec = json.dumps({"hostname": name, "disks": [{"name": "c0t0d0", "size_gb": 10}]})
    with pytest.raises(SolarisParseError) as caught:
        read_hardware_spec(spec, source="evil.json")
    assert caught.value.source == "evil.json"
    assert "hostname" in caught.value.message


def test_valid_names_still_pass() -> None:
    for name in ("web01", "db-01.example.com", "a", "1host", "x" * 63):
        assert check_hostname(name) == name


def test_the_domain_refuses_an_inventory_that_skipped_the_readers() -> None:
    source, destination = seed_pair()
    destination.hostname = "../../static"  # as a stored JSON row or a hand-made inventory could hold
    with pytest.raises(SolarisParseError, match=r"hostname '\.\./\.\./static' is not valid"):
        compute_plan(source, destination)


def test_the_tarball_never_names_a_member_after_a_hostile_name() -> None:
    plan = compute_plan(*seed_pair())
    plan.destination.hostname = "../../../etc/cron.d/x"
    with pytest.raises(SolarisParseError, match="scripts tarball"):
        scripts_tarball(plan)
