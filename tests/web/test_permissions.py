"""Team scoping (another team's objects are 404) and roles (a viewer's write is 403, no write buttons)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.support.bundles import t5220 as bundles
from tests.support.teams import make_job

pytestmark = pytest.mark.django_db


def _their_urls(other_plan, job):  # type: ignore[no-untyped-def]
    pk = other_plan.pk
    return [
        reverse("planner:host_detail", args=[other_plan.source_id]),
        reverse("planner:host_detail", args=[other_plan.destination_id]),
        reverse("planner:plan_detail", args=[pk]),
        reverse("planner:plan_detail", args=[pk]) + "?tab=nics",
        reverse("planner:plan_report", args=[pk]),
        reverse("planner:plan_findings_export", args=[pk, "csv"]),
        reverse("planner:plan_findings_export", args=[pk, "json"]),
        reverse("planner:plan_results_export", args=[pk, "csv"]),
        reverse("planner:plan_download", args=[pk, "runbook.md"]),
        reverse("jobs:job_detail", args=[job.pk]),
        reverse("jobs:job_progress", args=[job.pk]),
    ]


def test_other_teams_objects_are_404(operator_client, other_plan):
    job = make_job(other_plan, state="running")
    for url in _their_urls(other_plan, job):
        assert operator_client.get(url).status_code == 404, url


def test_other_teams_objects_reject_writes_with_404(operator_client, other_plan):
    job = make_job(other_plan, state="running")
    pk = other_plan.pk
    for url, data in [
        (reverse("planner:plan_replan", args=[pk]), {}),
        (reverse("planner:plan_nic_set", args=[pk]), {"zone": "web01", "physical": "bge0", "target": "drop"}),
        (
            reverse("planner:plan_device_set", args=[pk]),
            {"zone": "web01", "match": "/dev/rmt/0*", "action": "keep"},
        ),
        (reverse("planner:plan_disk_set", args=[pk]), {"key": "root", "disk": ""}),
        (reverse("planner:plan_job_start", args=[pk]), {"kind": "archive", "archive-kind": "archive"}),
        (reverse("jobs:job_cancel", args=[job.pk]), {}),
        (reverse("jobs:job_retry", args=[job.pk]), {}),
    ]:
        assert operator_client.post(url, data).status_code == 404, url


def test_other_teams_objects_are_not_listed(operator_client, other_plan, plan):
    for url in (reverse("planner:dashboard"), reverse("planner:plan_list"), reverse("planner:host_list")):
        page = operator_client.get(url).content.decode()
        assert "theirsrc" not in page, url
    page = operator_client.get(reverse("planner:plan_list")).content.decode()
    assert f'<option value="{other_plan.source_id}"' not in page


def test_viewer_reads_but_cannot_write(viewer_client, plan, partial_job):
    assert viewer_client.get(reverse("planner:plan_detail", args=[plan.pk])).status_code == 200
    jobs_tab = viewer_client.get(
        reverse("planner:plan_detail", args=[plan.pk]), {"tab": "jobs"}
    ).content.decode()
    assert 'id="start-archive"' not in jobs_tab
    assert 'id="start-extract"' not in jobs_tab
    nics = viewer_client.get(reverse("planner:plan_detail", args=[plan.pk]), {"tab": "nics"}).content.decode()
    assert 'name="target-web01-bge0"' not in nics
    assert 'id="replan"' not in nics
    job_page = viewer_client.get(reverse("jobs:job_detail", args=[partial_job.pk])).content.decode()
    assert 'id="retry-failed"' not in job_page
    assert "Upload bundles" not in viewer_client.get(reverse("planner:host_list")).content.decode()


def test_viewer_writes_are_403(viewer_client, plan, running_job, partial_job):
    pk = plan.pk
    upload = SimpleUploadedFile("x.tar.gz", bundles.destination_bundle("sneaky"))
    for url, data in [
        (reverse("planner:upload"), {"files": upload}),
        (reverse("planner:destination_catalog"), {"model": "T5220", "hostname": "x"}),
        (reverse("planner:destination_spec"), {"hostname": "x", "ports": "e1000g0", "disks": "c1t0d0:10"}),
        (reverse("planner:plan_list"), {"source": plan.source_id, "destination": plan.destination_id}),
        (reverse("planner:plan_replan", args=[pk]), {}),
        (reverse("planner:plan_nic_set", args=[pk]), {"zone": "web01", "physical": "bge0", "target": "drop"}),
        (reverse("planner:plan_nic_default", args=[pk]), {"default_target": "e1000g0"}),
        (
            reverse("planner:plan_device_set", args=[pk]),
            {"zone": "web01", "match": "/dev/rmt/0*", "action": "keep"},
        ),
        (reverse("planner:plan_disk_set", args=[pk]), {"key": "root", "disk": ""}),
        (reverse("planner:plan_job_start", args=[pk]), {"kind": "archive", "archive-kind": "archive"}),
        (reverse("jobs:job_cancel", args=[running_job.pk]), {}),
        (reverse("jobs:job_retry", args=[partial_job.pk]), {}),
        (reverse("jobs:archive_inspect"), {"archive": "x.flar"}),
    ]:
        response = viewer_client.post(url, data)
        assert response.status_code == 403, url
    from planner.models import Host, NicOverride

    assert not Host.objects.filter(hostname="sneaky").exists()
    assert not NicOverride.objects.exists()


def test_get_on_write_urls_is_405(operator_client, plan):
    assert operator_client.get(reverse("planner:plan_replan", args=[plan.pk])).status_code == 405


def test_forms_carry_csrf_tokens(operator_client, plan):
    from django.test import Client

    for tab in ("nics", "devices", "layout", "jobs"):
        page = operator_client.get(
            reverse("planner:plan_detail", args=[plan.pk]), {"tab": tab}
        ).content.decode()
        assert page.count('method="post"') <= page.count("csrfmiddlewaretoken"), tab
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(plan.created_by)
    response = strict.post(reverse("planner:plan_replan", args=[plan.pk]))
    assert response.status_code == 403


def test_operator_elsewhere_is_still_a_viewer_here(client, other_plan, team, other_team):
    """An operator of one team who is only a viewer of another cannot write to the other's plan."""
    from django.contrib.auth import get_user_model

    from planner.models import Membership

    user = get_user_model().objects.create_user(username="mixed", password="pw-mixed")
    Membership.objects.create(user=user, team=team, role="operator")
    Membership.objects.create(user=user, team=other_team, role="viewer")
    client.force_login(user)
    assert client.get(reverse("planner:plan_detail", args=[other_plan.pk])).status_code == 200
    response = client.post(reverse("planner:plan_replan", args=[other_plan.pk]))
    assert response.status_code == 403
    page = client.get(reverse("planner:plan_detail", args=[other_plan.pk]), {"tab": "jobs"}).content.decode()
    assert 'id="start-archive"' not in page


def test_anonymous_is_sent_to_login(client, plan):
    for url in (
        reverse("planner:plan_detail", args=[plan.pk]),
        reverse("planner:upload"),
        reverse("jobs:archive_inspect"),
        reverse("planner:plan_findings_export", args=[plan.pk, "csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    response = client.post(reverse("planner:plan_replan", args=[plan.pk]))
    assert response.status_code == 302
