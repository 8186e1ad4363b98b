"""The plan editors: NIC, device and disk overrides re-plan at once; bad input is an inline error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from planner.models import DeviceOverride, DiskOverride, NicOverride, Plan

pytestmark = pytest.mark.django_db


def _nic_url(plan):  # type: ignore[no-untyped-def]
    return reverse("planner:plan_nic_set", args=[plan.pk])


def test_nic_drop_then_back_to_proposal(operator_client, plan):
    data = {"zone": "web01", "physical": "bge0", "address": "10.1.1.11/24", "target-web01-bge0": "drop"}
    response = operator_client.post(_nic_url(plan), data)
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=nics")
    override = NicOverride.objects.get(plan=plan, zone="web01")
    assert override.action == "drop"
    row = next(m for m in Plan.objects.get(pk=plan.pk).report["nic_mappings"] if m["zone"] == "web01")
    assert row["action"] == "drop"
    page = operator_client.get(response["Location"]).content.decode()
    assert '<option value="drop" selected>' in page
    data["target-web01-bge0"] = ""
    operator_client.post(_nic_url(plan), data)
    assert not NicOverride.objects.filter(plan=plan).exists()


def test_nic_map_to_port_updates_verdict(operator_client, plan):
    before = Plan.objects.get(pk=plan.pk).computed
    data = {"zone": "db01", "physical": "bge0", "address": "10.1.1.12/24", "target-db01-bge0": "e1000g1"}
    operator_client.post(_nic_url(plan), data)
    plan.refresh_from_db()
    assert plan.computed > before
    row = next(m for m in plan.report["nic_mappings"] if m["zone"] == "db01")
    assert row["chosen_target"] == "e1000g1"
    assert row["origin"] == "override"


def test_nic_unknown_port_is_an_inline_error(operator_client, plan):
    data = {"zone": "web01", "physical": "bge0", "address": "10.1.1.11/24", "target-web01-bge0": "qfe9"}
    response = operator_client.post(_nic_url(plan), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "qfe9 is not a port of the destination" in page
    assert 'class="has-error"' in page
    assert not NicOverride.objects.exists()


def test_nic_unknown_net_is_an_inline_planner_error(operator_client, plan):
    data = {"zone": "nosuchzone", "physical": "bge0", "target": "e1000g0"}
    response = operator_client.post(_nic_url(plan), data)
    assert response.status_code == 400
    assert "zone nosuchzone has no net" in response.content.decode()


def test_htmx_edit_returns_tabs_and_out_of_band_header(operator_client, plan):
    data = {"zone": "web01", "physical": "bge0", "address": "10.1.1.11/24", "target-web01-bge0": "drop"}
    response = operator_client.post(_nic_url(plan), data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="plan-tabs")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('<div id="plan-tabs">')
    assert 'id="plan-header" class="plan-header" hx-swap-oob="true"' in page
    assert 'id="verdict"' in page
    assert "<html" not in page


def test_htmx_error_is_swapped_with_status_200(operator_client, plan):
    data = {"zone": "web01", "physical": "bge0", "target-web01-bge0": "nonsense0"}
    response = operator_client.post(_nic_url(plan), data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="plan-tabs")
    assert response.status_code == 200
    assert 'id="edit-error"' in response.content.decode()


def test_htmx_tab_switch_returns_only_the_tabs(operator_client, plan):
    url = reverse("planner:plan_detail", args=[plan.pk])
    response = operator_client.get(url, {"tab": "layout"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="plan-tabs")
    page = response.content.decode()
    assert "<html" not in page and "<svg" in page


def test_default_nic_target(operator_client, plan):
    url = reverse("planner:plan_nic_default", args=[plan.pk])
    operator_client.post(url, {"default_target": "e1000g1"})
    plan.refresh_from_db()
    assert plan.default_nic_target == "e1000g1"
    response = operator_client.post(url, {"default_target": "bogus0"})
    assert response.status_code == 400
    assert "bogus0 is not a port" in response.content.decode()


def test_device_override(operator_client, plan):
    url = reverse("planner:plan_device_set", args=[plan.pk])
    response = operator_client.post(url, {"zone": "web01", "match": "/dev/rmt/0*", "action": "replace"})
    assert response.status_code == 400
    assert "Give the replacement device path" in response.content.decode()
    response = operator_client.post(
        url, {"zone": "web01", "match": "/dev/rmt/0*", "action": "replace", "replacement": "/dev/rmt/1*"}
    )
    assert response.status_code == 302
    override = DeviceOverride.objects.get(plan=plan)
    assert override.replacement == "/dev/rmt/1*"
    page = operator_client.get(
        reverse("planner:plan_detail", args=[plan.pk]), {"tab": "devices"}
    ).content.decode()
    assert 'value="/dev/rmt/1*"' in page
    operator_client.post(url, {"zone": "web01", "match": "/dev/rmt/0*", "action": ""})
    assert not DeviceOverride.objects.exists()


def test_disk_override(operator_client, plan):
    url = reverse("planner:plan_disk_set", args=[plan.pk])
    assert operator_client.post(url, {"key": "swap", "disk": "c1t1d0"}).status_code == 302
    assert DiskOverride.objects.get(plan=plan, key="swap").disk == "c1t1d0"
    plan.refresh_from_db()
    swap = [s for d in plan.report["layout"]["disks"] for s in d["slices"] if s["key"] == "swap"]
    assert swap and swap[0]["disk"] == "c1t1d0"
    response = operator_client.post(url, {"key": "swap", "disk": "c9t9d9"})
    assert response.status_code == 400
    assert "c9t9d9 is not a disk" in response.content.decode()


def test_replan(operator_client, plan):
    response = operator_client.post(reverse("planner:plan_replan", args=[plan.pk]), {"tab": "layout"})
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=layout")


def test_create_plan_form(operator_client, source_host, destination_host):
    url = reverse("planner:plan_list")
    response = operator_client.post(url, {"source": source_host.pk, "destination": source_host.pk})
    assert response.status_code == 400
    assert "must be different hosts" in response.content.decode()
    response = operator_client.post(url, {"source": source_host.pk, "destination": destination_host.pk})
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert response["Location"] == reverse("planner:plan_detail", args=[plan.pk])
    assert plan.verdict


def test_matrix_filters(operator_client, plan):
    url = reverse("planner:plan_detail", args=[plan.pk])
    page = operator_client.get(url, {"zone": "web"}).content.decode()
    assert 'tr data-zone="web01"' in page and 'tr data-zone="db01"' not in page
    verdict = plan.report["zones"][0]["verdict"]
    other = next(v for v in ("ready", "ready_with_steps", "blocked") if v != verdict)
    page = operator_client.get(url, {"verdict": other}).content.decode()
    if all(z["verdict"] != other for z in plan.report["zones"]):
        assert "No zone matches the filter" in page
    page = operator_client.get(url, {"verdict": "<bad>"}).content.decode()
    assert 'tr data-zone="web01"' in page  # an unknown verdict is ignored, not an error
