"""Every page renders for an operator with realistic data (hosts imported through the real loaders)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.teams import make_job

pytestmark = pytest.mark.django_db


def test_login_page_and_redirect(client):
    response = client.get(reverse("planner:dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in page.content
    assert b'for="id_username"' in page.content


def test_logout_is_a_post(operator_client):
    response = operator_client.post(reverse("logout"))
    assert response.status_code == 302
    assert operator_client.get(reverse("planner:dashboard")).status_code == 302


def test_empty_states(operator_client):
    dashboard = operator_client.get(reverse("planner:dashboard")).content.decode()
    assert "No plans yet" in dashboard
    assert "No jobs yet" in dashboard
    assert "No hosts yet" in operator_client.get(reverse("planner:host_list")).content.decode()
    assert "No plans yet" in operator_client.get(reverse("planner:plan_list")).content.decode()


def test_dashboard_shows_counts_fleet_and_jobs(operator_client, plan, running_job):
    page = operator_client.get(reverse("planner:dashboard")).content.decode()
    assert 'id="fleet"' in page
    assert f'data-plan="{plan.pk}"' in page
    assert f'href="/jobs/{running_job.pk}/"' in page
    assert 'role="progressbar"' in page
    assert "logout" in page and 'method="post"' in page


def test_host_pages(operator_client, source_host, destination_host):
    listing = operator_client.get(reverse("planner:host_list")).content.decode()
    assert "oldbox" in listing and "newbox" in listing
    page = operator_client.get(reverse("planner:host_detail", args=[source_host.pk])).content.decode()
    assert 'data-zone="web01"' in page
    assert "set zonepath=/zones/web01" in page  # the zonecfg text in a <pre>
    assert "lofs" in page  # the resource table
    assert "bge0" in page and "c1t0d0" in page
    assert "Import history" in page
    dest = operator_client.get(reverse("planner:host_detail", args=[destination_host.pk]))
    assert dest.status_code == 200
    assert b"e1000g1" in dest.content


@pytest.mark.parametrize("tab", ["matrix", "nics", "devices", "layout", "runbook", "jobs"])
def test_plan_tabs_render(operator_client, plan, partial_job, tab):
    response = operator_client.get(reverse("planner:plan_detail", args=[plan.pk]), {"tab": tab})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="verdict"' in page
    assert 'id="plan-tabs"' in page
    assert 'id="download-report"' in page


def test_plan_matrix_has_stable_hooks(operator_client, plan):
    page = operator_client.get(reverse("planner:plan_detail", args=[plan.pk])).content.decode()
    assert 'id="matrix"' in page
    assert 'tr data-zone="web01"' in page
    assert 'data-check="net"' in page
    for column in ("state", "autoboot", "net", "nfs", "lofs", "ufs", "svm", "devices"):
        assert f'data-column="{column}"' in page
    assert "<details" in page  # cells open their findings without JavaScript


def test_nic_tab_has_named_selects(operator_client, plan):
    page = operator_client.get(
        reverse("planner:plan_detail", args=[plan.pk]), {"tab": "nics"}
    ).content.decode()
    assert 'id="nic-mapping"' in page
    assert 'name="target-web01-bge0"' in page
    assert '<option value="e1000g1"' in page
    assert '<option value="drop"' in page


def test_layout_tab_draws_svg(operator_client, plan):
    page = operator_client.get(
        reverse("planner:plan_detail", args=[plan.pk]), {"tab": "layout"}
    ).content.decode()
    assert "<svg" in page
    assert 'data-disk="c1t0d0"' in page


def test_runbook_tab_and_downloads(operator_client, plan):
    page = operator_client.get(
        reverse("planner:plan_detail", args=[plan.pk]), {"tab": "runbook"}
    ).content.decode()
    assert "data-copy" in page
    for what, content_type in [
        ("runbook.md", "text/markdown"),
        ("scripts.tar.gz", "application/gzip"),
        ("profile", "text/plain"),
        ("sysidcfg", "text/plain"),
        ("finish", "text/x-shellscript"),
    ]:
        response = operator_client.get(reverse("planner:plan_download", args=[plan.pk, what]))
        assert response.status_code == 200, what
        assert response["Content-Type"].startswith(content_type)
        assert "attachment" in response["Content-Disposition"]
        assert response.content
    profile = operator_client.get(reverse("planner:plan_download", args=[plan.pk, "profile"])).content
    assert b"install_type" in profile
    assert operator_client.get(reverse("planner:plan_download", args=[plan.pk, "nope"])).status_code == 404


def test_plan_list_and_report(operator_client, plan, partial_job):
    assert operator_client.get(reverse("planner:plan_list")).status_code == 200
    response = operator_client.get(reverse("planner:plan_report", args=[plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="print-report"' in page
    assert "<svg" in page
    assert 'data-zone-result="web01" data-state="failed"' in page
    for section in ("r-verdicts", "r-findings", "r-nics", "r-devices", "r-layout", "r-runbook", "r-results"):
        assert f'id="{section}"' in page


def test_job_pages(operator_client, plan, archive_store):
    job = make_job(plan, state="succeeded")
    assert operator_client.get(reverse("jobs:job_list")).status_code == 200
    page = operator_client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert 'id="job-progress"' in page
    assert 'tr data-zone-result="web01" data-state="ok"' in page
    assert "archive: flarcreate" in page
    assert operator_client.get(reverse("jobs:archive_inspect")).status_code == 200


def test_inspect_job_page_shows_the_archive(operator_client, team, archive_store):
    from jobs.models import Job

    job = Job.objects.create(
        team=team,
        kind="inspect",
        state="succeeded",
        params={"archive_path": str(archive_store / "a.flar")},
        result={
            "identification": {"archive_id": "abc123", "content_name": "oldbox"},
            "hash_ok": True,
            "hash": "archive_id matches",
            "zones": ["web01"],
            "members": 42,
            "empty_zone_mounts": {"web01": ["/zones/web01/root/data"]},
        },
    )
    page = operator_client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert 'id="identification"' in page and "abc123" in page
    assert 'data-hash-ok="true"' in page
    assert 'data-archive-zone="web01"' in page
    assert "/zones/web01/root/data" in page


def test_admin_pages(admin_client, plan, running_job):
    from django.contrib import admin

    for model in admin.site._registry:
        if model._meta.app_label not in ("planner", "jobs"):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get(reverse("admin:planner_plan_change", args=[plan.pk])).status_code == 200
    assert admin_client.get(reverse("admin:jobs_job_change", args=[running_job.pk])).status_code == 200
    snapshot = plan.source_snapshot
    assert (
        admin_client.get(reverse("admin:planner_inventorysnapshot_change", args=[snapshot.pk])).status_code
        == 200
    )


def test_every_planner_and_jobs_model_is_in_the_admin():
    from django.apps import apps
    from django.contrib import admin

    for label in ("planner", "jobs"):
        for model in apps.get_app_config(label).get_models():
            assert admin.site.is_registered(model), model


def test_error_pages_render(operator_client):
    response = operator_client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Not found" in response.content
