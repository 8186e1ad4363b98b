"""Plan settings (the plan's Settings tab) and team defaults (the Team settings page).

The values reach the generated files; the domain's rules give the inline errors; the root
password hash is write-only; viewers read, operators edit, another team sees nothing.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from planner import services
from planner.domain.quoting import sh_quote
from planner.models import Plan, TeamSettings
from tests.support.bundles import t5220
from tests.support.plans import ROOT_HASH, release_text
from tests.support.teams import import_bytes

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"REPLACE-ME-|jumpstart-server|archive-server")

# Every setting the files need, for the T5220 pair (the destination inventory has its own address,
# but a spec or catalog destination would not).
COMPLETE = {
    "archive_location": "nfs://flar01/export/flar/{hostname}.flar",
    "jumpstart_server": "js01",
    "jumpstart_dir": "/export/jumpstart",
    "install_image_dir": "/export/install/s10u8",
    "ip_address": "192.168.10.50",
    "netmask": "255.255.255.0",
    "default_route": "192.168.10.1",
    "timezone": "Europe/London",
    "system_locale": "en_GB.ISO8859-1",
    "terminal": "xterm",
    "name_service": "DNS",
    "dns_domain": "example.com",
    "dns_servers": "192.168.10.2, 192.168.10.3",
    "root_password_hash": ROOT_HASH,
    "root_headroom_pct": "30",
    "slice_headroom_pct": "10",
    "zonepath_headroom_pct": "25",
}


def _tab(client, plan):  # type: ignore[no-untyped-def]
    return client.get(reverse("planner:plan_detail", args=[plan.pk]), {"tab": "settings"})


def _save(client, plan, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("planner:plan_settings_save", args=[plan.pk]), data)


def _download(client, plan, what):  # type: ignore[no-untyped-def]
    response = client.get(reverse("planner:plan_download", args=[plan.pk, what]))
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def _codes(plan) -> set[str]:  # type: ignore[no-untyped-def]
    return {f["code"] for f in Plan.objects.get(pk=plan.pk).report["host_findings"]}


@pytest.fixture
def released_plan(team, operator):  # type: ignore[no-untyped-def]
    """The T5220 pair with the source's /etc/release (10/09): no placeholder but the settings."""
    files = t5220.files("relbox", zones=("web01", "db01"), ports=("bge0", "bge1"))
    files["etc/release"] = release_text("10/09")
    source = import_bytes(team, "relbox.tar.gz", t5220.make_tar(files, top="relbox-bundle"), operator).host
    destination = import_bytes(team, "newbox.tar.gz", t5220.destination_bundle(), operator).host
    return services.plan_create(team=team, source=source, destination=destination, user=operator)


def test_the_settings_tab_lists_every_setting_with_help_and_where_it_comes_from(operator_client, plan):
    page = _tab(operator_client, plan).content.decode()
    assert 'id="tab-settings" aria-current="page"' in page
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
        "terminal",
        "name_service",
        "dns_domain",
        "dns_servers",
        "root_password_hash",
        "root_headroom_pct",
    ):
        assert f'data-setting="{name}"' in page, name
    assert "archive_location keyword" in page and "add_install_client" in page
    assert "sysidcfg timezone=" in page
    assert 'data-setting="timezone" data-source="default"' in page
    assert 'id="settings-incomplete"' in page and "<code>jumpstart_server</code>" in page
    assert 'type="password" name="root_password_hash"' in page


def test_complete_settings_reach_the_files_and_clear_the_finding(operator_client, released_plan):
    plan = released_plan
    assert "PLAN_SETTINGS_INCOMPLETE" in _codes(plan)
    assert PLACEHOLDER.search(_download(operator_client, plan, "sysidcfg"))
    assert PLACEHOLDER.search(_download(operator_client, plan, "runbook.md"))
    response = _save(operator_client, plan, **COMPLETE)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert response["Location"].endswith("?tab=settings")
    assert "PLAN_SETTINGS_INCOMPLETE" not in _codes(plan)
    stored = Plan.objects.get(pk=plan.pk).options
    assert stored["dns_servers"] == ["192.168.10.2", "192.168.10.3"] and stored["root_headroom_pct"] == 30

    sysidcfg = _download(operator_client, plan, "sysidcfg")
    profile = _download(operator_client, plan, "profile")
    runbook = _download(operator_client, plan, "runbook.md")
    for text in (sysidcfg, profile, runbook):
        # The placeholders: REPLACE-ME-<what> tokens and the example servers.
        assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)
    lines = sysidcfg.splitlines()
    assert "timezone=Europe/London" in lines and "system_locale=en_GB.ISO8859-1" in lines
    assert "terminal=xterm" in lines and f"root_password={ROOT_HASH}" in lines
    assert any("ip_address=192.168.10.50 netmask=255.255.255.0" in line for line in lines)
    assert any("default_route=192.168.10.1}" in line for line in lines)
    assert (
        "name_service=DNS {domain_name=example.com name_server=192.168.10.2,192.168.10.3 search=example.com}"
        in lines
    )
    assert "archive_location nfs flar01:/export/flar/relbox.flar" in profile
    # The runbook's commands take the values through the quoting helper.
    assert f"cd {sh_quote('/export/install/s10u8/Solaris_10/Tools')} && ./add_install_client" in runbook
    assert f"-c {sh_quote('js01:/export/jumpstart')}" in runbook
    assert f"share -F nfs -o ro,anon=0 {sh_quote('/export/jumpstart')}" in runbook

    page = _tab(operator_client, plan).content.decode()
    assert 'id="settings-complete"' in page
    assert 'data-setting="timezone" data-source="plan"' in page
    # Write-only: the page says "set", never the hash.
    assert ROOT_HASH not in page
    assert ">set</code>" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ip_address", "10.0.0.300", "an IPv4 address in dotted form is needed"),
        ("netmask", "255.255.0", "an IPv4 address in dotted form is needed"),
        ("archive_location", "ftp://flar01/export/a.flar", "ftp:// is not a retrieval the planner writes"),
        ("archive_location", "flar01/export/a.flar", "use nfs://server/path"),
        ("timezone", "Europe/London; reboot", "not a timezone sysidcfg can take"),
        ("jumpstart_server", "js 01", "hostname"),
        ("root_headroom_pct", "900", "a whole number from 0 to 500"),
        ("name_service", "NIS", "configure NIS, NIS+ or LDAP after the install"),
        ("default_route", "router", "an IPv4 address in dotted form is needed"),
    ],
)
def test_unusable_values_are_inline_errors_and_nothing_is_saved(operator_client, plan, field, value, message):
    before = Plan.objects.get(pk=plan.pk)
    response = _save(operator_client, plan, **{field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    # Under its own field.
    block = page.split(f'data-setting="{field}"', 1)[1].split('data-setting="', 1)[0]
    assert "has-error" in page.split(f'data-setting="{field}"', 1)[0][-80:]
    assert message in block
    after = Plan.objects.get(pk=plan.pk)
    assert after.options == before.options and after.computed == before.computed


def test_a_bad_root_hash_is_not_echoed(operator_client, plan):
    shadow_line = "root:$5$rounds=5000$abcdefghijk$0123456789:14000::"
    response = _save(operator_client, plan, root_password_hash=shadow_line)
    assert response.status_code == 400
    page = response.content.decode()
    assert "root_password_hash cannot be used" in page
    assert "abcdefghijk" not in page


def test_the_hash_is_kept_when_left_blank_and_forgotten_on_request(operator_client, plan):
    _save(operator_client, plan, root_password_hash=ROOT_HASH)
    assert Plan.objects.get(pk=plan.pk).options["root_password_hash"] == ROOT_HASH
    _save(operator_client, plan, timezone="Europe/Paris")  # the password box comes back empty
    options = Plan.objects.get(pk=plan.pk).options
    assert options["root_password_hash"] == ROOT_HASH and options["timezone"] == "Europe/Paris"
    _save(operator_client, plan, timezone="Europe/Paris", clear_root_password_hash="on")
    assert "root_password_hash" not in Plan.objects.get(pk=plan.pk).options


def test_htmx_save_swaps_the_tab(operator_client, plan):
    url = reverse("planner:plan_settings_save", args=[plan.pk])
    response = operator_client.post(
        url, {"jumpstart_server": "js01"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="plan-tabs"
    )
    page = response.content.decode()
    assert response.status_code == 200 and page.startswith('<div id="plan-tabs">')
    assert "Settings saved; re-planned" in page
    response = operator_client.post(
        url, {"jumpstart_server": "js 01"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="plan-tabs"
    )
    assert response.status_code == 200 and 'id="edit-error"' in response.content.decode()


def test_viewers_read_and_cannot_save(viewer_client, plan):
    page = _tab(viewer_client, plan).content.decode()
    assert 'id="settings-table"' in page and 'id="settings-form"' not in page
    assert _save(viewer_client, plan, jumpstart_server="js01").status_code == 403
    assert Plan.objects.get(pk=plan.pk).options == {}


def test_another_team_sees_nothing(client, outsider, plan):
    client.force_login(outsider)
    assert _tab(client, plan).status_code == 404
    assert _save(client, plan, jumpstart_server="js01").status_code == 404
    assert client.get(reverse("planner:team_settings", args=[plan.team_id])).status_code == 404
    assert client.post(reverse("planner:team_settings", args=[plan.team_id]), {}).status_code == 404


# --- team defaults ---------------------------------------------------------------------------------


def _team_save(client, team, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("planner:team_settings", args=[team.pk]), data)


def test_team_defaults_start_a_new_plan_and_follow_live(
    operator_client, team, operator, source_host, destination_host
):
    page = operator_client.get(reverse("planner:team_list")).content.decode()
    assert reverse("planner:team_settings", args=[team.pk]) in page
    response = _team_save(
        operator_client,
        team,
        archive_location="http://web01/flar/{hostname}.flar",
        jumpstart_server="js01",
        timezone="Europe/London",
        root_password_hash=ROOT_HASH,
    )
    assert response.status_code == 302
    assert TeamSettings.objects.get(team=team).values == {
        "archive_location": "http://web01/flar/{hostname}.flar",
        "jumpstart_server": "js01",
        "timezone": "Europe/London",
        "root_password_hash": ROOT_HASH,
    }
    plan = services.plan_create(team=team, source=source_host, destination=destination_host, user=operator)
    assert plan.options == {}  # inherited, not copied
    report = Plan.objects.get(pk=plan.pk).report
    assert report["options"]["timezone"] == "Europe/London"
    settings = [f for f in report["host_findings"] if f["code"] == "PLAN_SETTINGS_INCOMPLETE"]
    assert not settings or not {"archive_location", "jumpstart_server", "root_password_hash"} & set(
        settings[0]["details"]["settings"]
    )
    assert "timezone=Europe/London" in _download(operator_client, plan, "sysidcfg").splitlines()
    page = _tab(operator_client, plan).content.decode()
    assert 'data-setting="timezone" data-source="team"' in page and ">team default</span>" in page

    # The plan's own value wins; the team's next change re-plans only the plans that use it.
    _save(operator_client, plan, jumpstart_server="js02")
    other = services.plan_create(team=team, source=source_host, destination=destination_host, name="other")
    before = {p.pk: p.computed for p in Plan.objects.all()}
    response = _team_save(
        operator_client,
        team,
        jumpstart_server="js03",
        timezone="Europe/London",
        archive_location="http://web01/flar/{hostname}.flar",
    )
    assert response.status_code == 302
    after = {p.pk: p.computed for p in Plan.objects.all()}
    assert after[plan.pk] == before[plan.pk]  # sets jumpstart_server itself
    assert after[other.pk] > before[other.pk]
    assert Plan.objects.get(pk=other.pk).report["options"]["jumpstart_server"] == "js03"
    assert Plan.objects.get(pk=plan.pk).report["options"]["jumpstart_server"] == "js02"
    # Blank on the plan: back to the team's default.
    _save(operator_client, plan, jumpstart_server="")
    assert Plan.objects.get(pk=plan.pk).report["options"]["jumpstart_server"] == "js03"


def test_team_page_validates_with_the_domain_rules_and_hides_the_hash(operator_client, team):
    url = reverse("planner:team_settings", args=[team.pk])
    page = operator_client.get(url).content.decode()
    assert 'data-setting="ip_address"' not in page  # per plan only
    assert 'data-setting="archive_location" data-source="default"' in page
    response = _team_save(operator_client, team, netmask="255.255.0", archive_location="scp://x/y.flar")
    assert response.status_code == 400
    page = response.content.decode()
    assert "an IPv4 address in dotted form is needed" in page and "scp:// is not a retrieval" in page
    assert not TeamSettings.objects.filter(team=team).exists()
    _team_save(operator_client, team, root_password_hash=ROOT_HASH)
    page = operator_client.get(url).content.decode()
    assert ROOT_HASH not in page
    assert 'data-setting="root_password_hash" data-source="team"' in page


def test_team_page_for_viewers_is_read_only(viewer_client, team):
    url = reverse("planner:team_settings", args=[team.pk])
    page = viewer_client.get(url).content.decode()
    assert 'id="settings-table"' in page and 'id="settings-form"' not in page
    assert _team_save(viewer_client, team, timezone="UTC").status_code == 403
    assert not TeamSettings.objects.filter(team=team).exists()


def test_a_team_change_that_clashes_with_a_plan_is_reported(operator_client, team, plan):
    # The plan uses DNS with its own domain but no servers of its own: the team's servers fill in.
    _team_save(operator_client, team, dns_servers="192.168.10.2")
    assert _save(operator_client, plan, name_service="DNS", dns_domain="example.com").status_code == 302
    response = _team_save(operator_client, team, dns_servers="")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("was not re-planned" in m and "dns_servers" in m for m in messages), messages
    page = _tab(operator_client, plan).content.decode()
    assert "DNS needs at least one name server" in page
    assert 'id="settings-stale"' in page
