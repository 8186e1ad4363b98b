"""GET/PATCH /api/plans/<id>/settings/ and /api/teams/<id>/settings/: the same rules as the pages."""

from __future__ import annotations

import pytest

from planner.models import Plan, TeamSettings
from tests.support.plans import ROOT_HASH

pytestmark = pytest.mark.django_db


def _plan_url(plan) -> str:  # type: ignore[no-untyped-def]
    return f"/api/plans/{plan.pk}/settings/"


def _team_url(team) -> str:  # type: ignore[no-untyped-def]
    return f"/api/teams/{team.pk}/settings/"


def test_get_shows_values_sources_and_placeholders(operator_api, world):
    body = operator_api.get(_plan_url(world.own.plan)).json()
    assert body["values"]["archive_location"] == "nfs://archive-server/export/flar/{hostname}.flar"
    assert body["values"]["root_headroom_pct"] == 20 and body["values"]["dns_servers"] == []
    assert body["values"]["root_password_hash_set"] is False
    assert "root_password_hash" not in body["values"] and "root_password_hash" not in body["own"]
    assert body["own"]["timezone"] is None
    assert body["sources"]["timezone"] == "default"
    assert {"archive_location", "jumpstart_server", "root_password_hash"} <= set(body["placeholders"])
    assert body["problems"] == {}


def test_patch_sets_and_clears_and_replans(operator_api, world):
    plan = world.own.plan
    before = Plan.objects.get(pk=plan.pk).computed
    body = {
        "archive_location": "http://web01:8080/flar/{hostname}.flar",
        "jumpstart_server": "192.168.10.5",
        "root_password_hash": ROOT_HASH,
        "dns_servers": ["192.168.10.2"],
        "root_headroom_pct": 35,
    }
    response = operator_api.patch(_plan_url(plan), body, format="json")
    assert response.status_code == 200, response.content
    out = response.json()
    assert ROOT_HASH not in response.content.decode()
    assert out["values"]["root_password_hash_set"] is True and out["own"]["root_password_hash_set"] is True
    assert out["own"]["jumpstart_server"] == "192.168.10.5" and out["sources"]["jumpstart_server"] == "plan"
    assert out["values"]["root_headroom_pct"] == 35
    assert not {"archive_location", "jumpstart_server", "root_password_hash"} & set(out["placeholders"])
    stored = Plan.objects.get(pk=plan.pk)
    assert stored.computed > before and stored.options["root_password_hash"] == ROOT_HASH
    assert stored.report["options"]["archive_location"] == "http://web01:8080/flar/{hostname}.flar"
    # The plan resource and its report show whether a hash is set, never the hash.
    for url in (f"/api/plans/{plan.pk}/", f"/api/plans/{plan.pk}/report/"):
        text = operator_api.get(url).content.decode()
        assert ROOT_HASH not in text and '"root_password_hash_set":true' in text.replace(" ", "")
    # null clears: back to the default; absent keys stay.
    response = operator_api.patch(_plan_url(plan), {"jumpstart_server": None}, format="json")
    out = response.json()
    assert out["own"]["jumpstart_server"] is None and out["sources"]["jumpstart_server"] == "default"
    assert out["own"]["root_password_hash_set"] is True


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"ip_address": "10.0.0.300"}, "ip_address", "an IPv4 address in dotted form is needed"),
        ({"netmask": "255.255.255.0.0"}, "netmask", "an IPv4 address in dotted form is needed"),
        ({"archive_location": "ftp://flar01/a.flar"}, "archive_location", "ftp:// is not a retrieval"),
        ({"timezone": "UTC;reboot"}, "timezone", "not a timezone sysidcfg can take"),
        ({"name_service": "DNS"}, "dns_domain", "DNS needs a domain name"),
        ({"root_headroom_pct": 501}, "root_headroom_pct", "a whole number from 0 to 500"),
        ({"root_headroom_pct": "many"}, "root_headroom_pct", "A valid integer is required"),
        ({"dns_servers": "192.168.1.1"}, "dns_servers", "Expected a list"),
        ({"no_such_setting": "x"}, "no_such_setting", "not a setting that can be set here"),
    ],
)
def test_patch_refuses_unusable_values_per_field(operator_api, world, body, field, message):
    plan = world.own.plan
    before = Plan.objects.get(pk=plan.pk)
    response = operator_api.patch(_plan_url(plan), body, format="json")
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field])
    after = Plan.objects.get(pk=plan.pk)
    assert after.options == before.options and after.computed == before.computed


def test_a_bad_hash_is_refused_without_echo(operator_api, world):
    shadow_line = "root:$1$saltsalt$hashhashhashhash:1:::"
    body = {"root_password_hash": shadow_line}
    response = operator_api.patch(_plan_url(world.own.plan), body, format="json")
    assert response.status_code == 400
    assert "saltsalt" not in response.content.decode()


def test_viewers_read_and_cannot_write(viewer_api, world):
    assert viewer_api.get(_plan_url(world.own.plan)).status_code == 200
    assert viewer_api.patch(_plan_url(world.own.plan), {"timezone": "UTC"}, format="json").status_code == 403
    assert viewer_api.get(_team_url(world.own.team)).status_code == 200
    assert viewer_api.patch(_team_url(world.own.team), {"timezone": "UTC"}, format="json").status_code == 403
    assert not TeamSettings.objects.exists()


def test_another_team_is_not_found(operator_api, world):
    for url in (_plan_url(world.other.plan), _team_url(world.other.team)):
        assert operator_api.get(url).status_code == 404
        assert operator_api.patch(url, {"timezone": "UTC"}, format="json").status_code == 404
    assert operator_api.get("/api/teams/not-a-number/settings/").status_code == 404


def test_team_defaults_apply_to_plans_that_set_none(operator_api, world):
    team, plan = world.own.team, world.own.plan
    operator_api.patch(_plan_url(plan), {"terminal": "sun"}, format="json")
    body = {"timezone": "Europe/Berlin", "terminal": "xterm", "root_password_hash": ROOT_HASH}
    response = operator_api.patch(_team_url(team), body, format="json")
    assert response.status_code == 200, response.content
    out = response.json()
    assert ROOT_HASH not in response.content.decode()
    assert out["team"] == team.pk and out["changed"] == ["root_password_hash", "terminal", "timezone"]
    assert out["replanned"] == [plan.pk] and out["not_replanned"] == []
    assert out["own"]["timezone"] == "Europe/Berlin" and out["own"]["root_password_hash_set"] is True
    assert out["sources"]["timezone"] == "team" and out["sources"]["archive_location"] == "default"
    assert "ip_address" not in out["values"]
    plan_body = operator_api.get(_plan_url(plan)).json()
    assert plan_body["values"]["timezone"] == "Europe/Berlin" and plan_body["sources"]["timezone"] == "team"
    assert plan_body["values"]["terminal"] == "sun" and plan_body["sources"]["terminal"] == "plan"
    assert plan_body["values"]["root_password_hash_set"] is True
    assert "root_password_hash" not in plan_body["placeholders"]
    # A team cannot default one host's address.
    response = operator_api.patch(_team_url(team), {"ip_address": "10.0.0.1"}, format="json")
    assert response.status_code == 400 and "ip_address" in response.json()
    response = operator_api.patch(_team_url(team), {"default_route": "gw"}, format="json")
    assert response.status_code == 400
    assert "an IPv4 address" in response.json()["default_route"][0]
