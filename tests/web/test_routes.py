"""The routes on the pages (issue #14): the matrix's Route column and picker, the runbook by route,
the routes export, the catalog's operating systems, and pins that survive a re-import."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from planner.models import Plan, RouteOverride
from tests.support.bundles import t5220 as bundles
from tests.support.teams import import_bytes

pytestmark = pytest.mark.django_db


def _pin(client, plan, zone, method, **extra):  # type: ignore[no-untyped-def]
    data = {"zone": zone, f"route-{zone}": method, **extra}
    return client.post(reverse("planner:plan_route_set", args=[plan.pk]), data, **extra.pop("headers", {}))


def _client_of(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_matrix_has_a_route_column_and_a_picker_for_operators(operator_client, viewer, plan):
    viewer_client = _client_of(viewer)
    page = operator_client.get(reverse("planner:plan_detail", args=[plan.pk])).content.decode()
    assert '<th scope="col" data-column="route">Route</th>' in page
    assert 'id="route-pin-form"' in page and "csrfmiddlewaretoken" in page
    for zone in ("web01", "db01"):
        z = next(z for z in plan.report["zones"] if z["name"] == zone)
        assert f'data-route="{z["route"]}" data-route-verdict="' in page
        assert f'<select name="route-{zone}" id="route-{zone}" form="route-pin-form">' in page
        assert f'<button type="submit" form="route-pin-form" name="zone" value="{zone}"' in page
    assert "with the routes taken:" in page
    # A viewer sees the routes and their verdicts, and no picker (the cached matrix is per role).
    seen = viewer_client.get(reverse("planner:plan_detail", args=[plan.pk])).content.decode()
    assert (
        'data-route="' in seen and 'form="route-pin-form"' not in seen and 'id="route-pin-form"' not in seen
    )


def test_pinning_a_route_without_javascript_then_unpinning(operator_client, plan):
    response = _pin(operator_client, plan, "web01", "s10_branded")
    assert response.status_code == 302 and response["Location"].endswith("?tab=matrix")
    assert RouteOverride.objects.get(plan=plan, zone="web01").method == "s10_branded"
    plan.refresh_from_db()
    web01 = next(z for z in plan.report["zones"] if z["name"] == "web01")
    assert web01["route"] == "s10_branded" and web01["route_pinned"] is True
    page = operator_client.get(response["Location"]).content.decode()
    assert 'data-route="s10_branded" data-route-verdict="' in page and "data-route-pinned" in page
    assert '<option value="s10_branded" selected>' in page
    runbook = operator_client.get(reverse("planner:plan_detail", args=[plan.pk]), {"tab": "runbook"})
    assert 'class="route-section" data-route="s10_branded"' in runbook.content.decode()
    _pin(operator_client, plan, "web01", "")
    assert not RouteOverride.objects.filter(plan=plan).exists()
    plan.refresh_from_db()
    assert next(z for z in plan.report["zones"] if z["name"] == "web01")["route_pinned"] is False


def test_pinning_through_htmx_swaps_the_tabs(operator_client, plan):
    response = operator_client.post(
        reverse("planner:plan_route_set", args=[plan.pk]),
        {"zone": "db01", "route-db01": "detach_attach"},
        headers={"HX-Request": "true", "HX-Target": "plan-tabs"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<div id="plan-tabs">') and "db01: pinned to Detach / attach." in body
    assert 'hx-swap-oob="true"' in body  # the header, with the routes' verdict


def test_bad_pins_are_inline_errors_and_viewers_cannot_pin(operator_client, viewer, plan):
    viewer_client = _client_of(viewer)
    response = _pin(operator_client, plan, "web01", "teleport")
    assert response.status_code == 400 and "teleport" in response.content.decode()
    response = _pin(operator_client, plan, "nosuchzone", "flar")
    assert response.status_code == 400 and "the plan has no zone" in response.content.decode()
    assert _pin(viewer_client, plan, "web01", "flar").status_code == 403
    assert not RouteOverride.objects.exists()


def test_the_runbook_tab_is_grouped_by_route(operator_client, plan):
    _pin(operator_client, plan, "db01", "detach_attach")  # the other zone stays on the flash archive
    page = operator_client.get(
        reverse("planner:plan_detail", args=[plan.pk]), {"tab": "runbook"}
    ).content.decode()
    sections = [part.split('"', 1)[0] for part in page.split('class="route-section" data-route="')[1:]]
    assert sections == ["detach_attach", "flar", "detach_attach"]
    assert "(part 1 of 2)" in page and "(part 2 of 2)" in page
    assert "zoneadm -z db01 detach" in page and "zonecfg -z db01" in page
    assert '<section class="phase" data-phase="pre-archive" data-route="flar">' in page


def test_routes_export_and_report(operator_client, plan):
    csv_response = operator_client.get(reverse("planner:plan_routes_export", args=[plan.pk, "csv"]))
    assert csv_response.status_code == 200 and csv_response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert list(rows[0]) == [
        "zone",
        "method",
        "verdict",
        "recommended",
        "taken",
        "pinned",
        "blockers",
        "steps",
    ]
    zones = {z["name"]: z for z in plan.report["zones"]}
    assert len(rows) == sum(len(z["routes"]) for z in zones.values())
    for row in rows:
        z = zones[row["zone"]]
        assert row["verdict"] == next(r["verdict"] for r in z["routes"] if r["method"] == row["method"])
        assert (row["taken"] == "yes") == (row["method"] == z["route"])
    data = json.loads(
        operator_client.get(reverse("planner:plan_routes_export", args=[plan.pk, "json"])).content
    )
    assert data["plan"]["recommended_verdict"] == plan.report["recommended_verdict"]
    assert data["routes"] == rows
    findings = json.loads(
        operator_client.get(reverse("planner:plan_findings_export", args=[plan.pk, "json"])).content
    )
    assert findings["routes"] == rows
    report = operator_client.get(reverse("planner:plan_report", args=[plan.pk])).content.decode()
    assert 'id="r-routes"' in report and 'id="routes-csv"' in report
    assert 'tr data-route-zone="web01" data-route="flar"' in report


def test_the_catalog_says_which_solaris_each_model_runs(operator_client):
    page = operator_client.get(reverse("planner:upload")).content.decode()
    assert "T7-1 — SPARC T7-1 (Solaris 11 only)" in page
    assert "V445 — Sun Fire V445 (Solaris 10 only)" in page
    assert "T5220 — Sun SPARC Enterprise T5220 (Solaris 10 and Solaris 11)" in page


def test_a_pin_survives_a_re_import(team, operator, operator_client, plan):
    _pin(operator_client, plan, "web01", "detach_attach")
    # A new collection of the source (another zone added): the plan is re-planned with the pin.
    import_bytes(team, "oldbox-2.tar.gz", bundles.source_bundle(zones=("web01", "db01", "app01")), operator)
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.source_snapshot.number == 2
    zones = {z["name"]: z for z in plan.report["zones"]}
    assert set(zones) == {"web01", "db01", "app01"}
    assert zones["web01"]["route"] == "detach_attach" and zones["web01"]["route_pinned"] is True


def test_every_route_code_has_its_place_on_the_findings_help_page(operator_client):  # type: ignore[no-untyped-def]
    from planner.domain.findings import Code

    page = operator_client.get(reverse("planner:help_findings")).content.decode()
    route_codes = [c.value for c in Code if c.value.startswith(("DA_", "S10B_", "GZ_", "ROUTE_"))]
    assert len(route_codes) > 25
    for code in route_codes:
        assert f'id="{code}"' in page, code
    assert "seed" not in page.lower()
