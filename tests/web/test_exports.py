"""CSV and JSON downloads of the findings and of the last job's per-zone results, with the page filters."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from tests.support.teams import make_job

pytestmark = pytest.mark.django_db

FINDING_COLUMNS = ["zone", "code", "severity", "resource", "message", "remedy"]


def _csv(response):  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_findings_csv(operator_client, plan):
    response = operator_client.get(reverse("planner:plan_findings_export", args=[plan.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="oldbox-plan')
    header = response.content.decode().splitlines()[0]
    assert header.split(",") == FINDING_COLUMNS
    rows = _csv(response)
    expected = sum(len(z["findings"]) for z in plan.report["zones"]) + len(plan.report["host_findings"])
    assert len(rows) == expected > 0
    assert {r["zone"] for r in rows} >= {"web01", "db01"}
    assert all(r["severity"] in ("info", "step", "blocker") for r in rows)


def test_findings_json(operator_client, plan):
    response = operator_client.get(reverse("planner:plan_findings_export", args=[plan.pk, "json"]))
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["plan"]["id"] == plan.pk and data["plan"]["verdict"] == plan.verdict
    assert data["findings"] and all(list(f) == FINDING_COLUMNS for f in data["findings"])


def test_findings_filters_apply(operator_client, plan):
    url = reverse("planner:plan_findings_export", args=[plan.pk, "json"])
    data = json.loads(operator_client.get(url, {"zone": "db"}).content)
    assert data["findings"] and {f["zone"] for f in data["findings"]} == {"db01"}
    assert data["plan"]["filters"] == {"zone": "db"}
    verdict = plan.report["zones"][0]["verdict"]
    names = {z["name"] for z in plan.report["zones"] if z["verdict"] == verdict}
    rows = _csv(
        operator_client.get(
            reverse("planner:plan_findings_export", args=[plan.pk, "csv"]), {"verdict": verdict}
        )
    )
    assert {r["zone"] for r in rows if r["zone"]} <= names
    report = operator_client.get(
        reverse("planner:plan_report", args=[plan.pk]), {"zone": "db"}
    ).content.decode()
    assert 'tr data-zone="db01"' in report and 'tr data-zone="web01"' not in report
    assert "findings.csv?zone=db" in report


def test_results_exports(operator_client, plan):
    job = make_job(plan, state="partial")
    response = operator_client.get(reverse("planner:plan_results_export", args=[plan.pk, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert list(rows[0]) == ["job", "kind", "job_state", "zone", "state", "message"]
    assert {(r["zone"], r["state"]) for r in rows} == {("web01", "failed"), ("db01", "ok")}
    data = json.loads(
        operator_client.get(reverse("planner:plan_results_export", args=[plan.pk, "json"])).content
    )
    assert data["job"]["id"] == job.pk and data["job"]["state"] == "partial"
    assert len(data["results"]) == 2
    filtered = _csv(
        operator_client.get(reverse("planner:plan_results_export", args=[plan.pk, "csv"]), {"zone": "web"})
    )
    assert [r["zone"] for r in filtered] == ["web01"]


def test_results_exports_without_a_job(operator_client, plan):
    data = json.loads(
        operator_client.get(reverse("planner:plan_results_export", args=[plan.pk, "json"])).content
    )
    assert data["job"] is None and data["results"] == []


def test_unknown_export_format_is_404(operator_client, plan):
    assert (
        operator_client.get(reverse("planner:plan_findings_export", args=[plan.pk, "xlsx"])).status_code
        == 404
    )


def test_csv_cells_cannot_start_formulas():
    from planner.downloads import _csv_cell

    assert _csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _csv_cell("zonecfg -z web01") == "zonecfg -z web01"
