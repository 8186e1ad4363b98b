"""Issue #13's page fixes seen through the test client: deleting hosts and plans (item 9, and the API),
the neutral verdict and the dashboard's cards (item 10), the findings help page (item 11), the job
pages (items 2 and 7), catalog destinations in the New plan form and the size overrides (items 12, 13).
The same pages are driven in Chromium by tests/browser/test_first_hour.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jobs.models import Job
from planner import services
from planner.inputs import load_catalog, load_upload
from planner.models import Host, InventorySnapshot, Plan, SizeOverride
from tests.support.bundles import t5220
from tests.support.teams import make_job

pytestmark = pytest.mark.django_db


def _hosts(team: Any) -> tuple[Host, Host]:
    src = services.host_import(team=team, loaded=load_upload("s.tar.gz", t5220.source_bundle("oldbox"))).host
    dst = services.host_import(team=team, loaded=load_catalog("catalog:T5240:newbox")).host
    return src, dst


# --- item 9: deleting ------------------------------------------------------------------------------


def test_a_host_a_plan_uses_is_kept_and_the_page_says_which_plan(operator_client: Any, team: Any) -> None:
    src, dst = _hosts(team)
    plan = services.plan_create(team=team, source=src, destination=dst, name="move oldbox")
    page = operator_client.get(reverse("planner:host_delete", args=[src.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 plan uses it (“move oldbox”); delete it first" in text
    assert "confirm-delete-button" not in text  # nothing here can go
    refused = operator_client.post(reverse("planner:host_delete", args=[src.pk]), {"ids": [src.pk]})
    assert refused.status_code == 409
    assert Host.objects.filter(pk=src.pk).exists()
    # once the plan is gone, the host goes with its whole import history
    operator_client.post(reverse("planner:plan_delete", args=[plan.pk]), {"ids": [plan.pk]})
    done = operator_client.post(reverse("planner:host_delete", args=[src.pk]), {"ids": [src.pk]}, follow=True)
    assert "Deleted 1 host: oldbox." in done.content.decode()
    assert not Host.objects.filter(pk=src.pk).exists()
    assert not InventorySnapshot.objects.filter(host_id=src.pk).exists()


def test_a_plan_whose_job_runs_is_kept_and_a_deleted_plan_keeps_its_jobs(
    operator_client: Any, team: Any
) -> None:
    src, dst = _hosts(team)
    plan = services.plan_create(team=team, source=src, destination=dst, name="move oldbox")
    SizeOverride.objects.create(plan=plan, key="root", size_mb=9000)
    running = make_job(plan, state="running")
    page = operator_client.get(reverse("planner:plan_delete", args=[plan.pk])).content.decode()
    assert f"Archive job #{running.pk} is running; cancel it or wait for it to end" in page
    assert operator_client.post(reverse("planner:plan_delete", args=[plan.pk])).status_code == 409
    assert Plan.objects.filter(pk=plan.pk).exists()
    Job.objects.filter(pk=running.pk).update(state=Job.State.SUCCEEDED)
    response = operator_client.post(reverse("planner:plan_delete", args=[plan.pk]), follow=True)
    assert "Deleted 1 plan: move oldbox." in response.content.decode()
    assert not Plan.objects.filter(pk=plan.pk).exists() and not SizeOverride.objects.exists()
    job = Job.objects.get(pk=running.pk)
    assert job.plan_id is None and job.plan_name == "move oldbox"
    assert job.zone_results.count() == 2
    assert "was deleted; this job stays as a record" in job.events.last().message
    detail = operator_client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert 'move oldbox <span class="muted small">(plan deleted)</span>' in detail
    listing = operator_client.get(reverse("jobs:job_list")).content.decode()
    assert "(plan deleted)" in listing
    retry = operator_client.post(reverse("jobs:job_retry", args=[job.pk]), follow=True).content.decode()
    assert "was deleted; start a new job from another plan" in retry


def test_bulk_delete_from_the_lists_confirms_then_deletes_what_may_go(
    operator_client: Any, team: Any
) -> None:
    src, dst = _hosts(team)
    spare = services.host_import(team=team, loaded=load_catalog("catalog:V445:spare01")).host
    plan = services.plan_create(team=team, source=src, destination=dst)
    other = services.plan_create(team=team, source=src, destination=spare, name="second")
    listing = operator_client.get(reverse("planner:plan_list")).content.decode()
    assert f'name="ids" value="{plan.pk}"' in listing and "delete-selected-plans" in listing
    confirm = operator_client.get(reverse("planner:plans_delete"), {"ids": [plan.pk, other.pk]})
    assert "Delete 2 plans?" in confirm.content.decode()
    operator_client.post(reverse("planner:plans_delete"), {"ids": [plan.pk, other.pk]})
    assert not Plan.objects.exists()
    hosts = operator_client.get(reverse("planner:host_list")).content.decode()
    assert "delete-selected-hosts" in hosts
    response = operator_client.post(
        reverse("planner:hosts_delete"), {"ids": [src.pk, dst.pk, spare.pk]}, follow=True
    )
    assert "Deleted 3 hosts" in response.content.decode()
    assert not Host.objects.exists()


def test_viewers_and_other_teams_cannot_delete(client: Any, viewer: Any, outsider: Any, team: Any) -> None:
    src, dst = _hosts(team)
    plan = services.plan_create(team=team, source=src, destination=dst)
    client.force_login(viewer)
    assert client.get(reverse("planner:plan_delete", args=[plan.pk])).status_code == 403
    assert client.post(reverse("planner:hosts_delete"), {"ids": [dst.pk]}).status_code == 403
    assert "delete-selected-hosts" not in client.get(reverse("planner:host_list")).content.decode()
    client.force_login(outsider)
    assert client.post(reverse("planner:plan_delete", args=[plan.pk])).status_code == 404
    assert client.post(reverse("planner:hosts_delete"), {"ids": [dst.pk]}).status_code == 404
    assert Plan.objects.filter(pk=plan.pk).exists() and Host.objects.filter(pk=dst.pk).exists()


def test_the_api_deletes_with_the_same_rules(operator_api: Any, viewer_api: Any, team: Any) -> None:
    src, dst = _hosts(team)
    plan = services.plan_create(team=team, source=src, destination=dst)
    refused = operator_api.delete(f"/api/hosts/{src.pk}/")
    assert refused.status_code == 409 and "delete it first" in refused.json()["detail"]
    assert viewer_api.delete(f"/api/plans/{plan.pk}/").status_code == 403
    job = make_job(plan, state="queued")
    busy = operator_api.delete(f"/api/plans/{plan.pk}/")
    assert busy.status_code == 409 and "is queued" in busy.json()["detail"]
    Job.objects.filter(pk=job.pk).update(state=Job.State.CANCELLED)
    assert operator_api.delete(f"/api/plans/{plan.pk}/").status_code == 204
    assert operator_api.get(f"/api/jobs/{job.pk}/").json()["plan_name"] == plan.name
    assert operator_api.delete(f"/api/hosts/{src.pk}/").status_code == 204
    assert operator_api.delete(f"/api/hosts/{src.pk}/").status_code == 404


# --- item 10: nothing to migrate, the dashboard's cards -----------------------------------------------


def test_a_plan_with_no_zones_is_nothing_to_migrate_in_grey(operator_client: Any, team: Any) -> None:
    a = services.host_import(team=team, loaded=load_catalog("catalog:V240:emptya")).host
    b = services.host_import(team=team, loaded=load_catalog("catalog:T5220:emptyb")).host
    plan = services.plan_create(team=team, source=a, destination=b)
    assert plan.verdict == "nothing_to_migrate"
    page = operator_client.get(reverse("planner:plan_detail", args=[plan.pk])).content.decode()
    assert (
        '<span class="badge none" id="verdict" data-verdict="nothing_to_migrate">Nothing to migrate</span>'
        in page
    )
    assert "0 zones" in page
    dashboard = operator_client.get(reverse("planner:dashboard")).content.decode()
    assert "1</span> plan with nothing to migrate" in dashboard and "0</span> plans ready</a>" in dashboard
    assert (
        "0</span> plans blocked" in dashboard
        and "2</span> hosts" in dashboard
        and "1</span> plan</a>" in dashboard
    )
    listing = operator_client.get(reverse("planner:plan_list"), {"verdict": "nothing_to_migrate"})
    assert f'data-plan="{plan.pk}"' in listing.content.decode()
    assert (
        'data-plan="'
        not in operator_client.get(reverse("planner:plan_list"), {"verdict": "ready"}).content.decode()
    )


# --- item 11: the findings help page ------------------------------------------------------------------


def test_findings_link_to_a_help_page_that_names_the_source(operator_client: Any, team: Any) -> None:
    src, dst = _hosts(team)
    plan = services.plan_create(team=team, source=src, destination=dst)
    page = operator_client.get(reverse("planner:plan_detail", args=[plan.pk])).content.decode()
    assert f'href="{reverse("planner:help_findings")}#AUTOBOOT_FIRST_BOOT"' in page or "#NET_PORT" in page
    assert "seed" not in page.lower().replace("src-seed", "")
    help_page = operator_client.get(reverse("planner:help_findings")).content.decode()
    for code in ("ZONE_RUNNING", "SIZE_ASSUMED", "ZFS_DATASET", "FS_ZFS", "NET_DUPLICATE_ADDRESS"):
        assert f'id="{code}"' in help_page, code
    assert "Sun&#x27;s 2006 field test of flash archives with zones" in help_page
    assert "Jeff Victor" in help_page
    assert "seed" not in help_page.lower()
    assert "<script" not in help_page.split("<main", 1)[1]


# --- items 2 and 7: the job pages ------------------------------------------------------------------


def test_job_pages_call_the_local_executor_a_rehearsal_and_inspect_jobs_have_no_plan_zones(
    operator_client: Any, team: Any
) -> None:
    src, dst = _hosts(team)
    plan = services.plan_create(team=team, source=src, destination=dst, name="move oldbox")
    archive = make_job(plan, state="succeeded")
    inspect = make_job(None, team=team, kind="inspect", state="succeeded", zones=("web01",))
    detail = operator_client.get(reverse("jobs:job_detail", args=[archive.pk])).content.decode()
    assert "Rehearsal on the worker (touches no Solaris host)" in detail
    assert "all zones of the plan" in detail
    listing = operator_client.get(reverse("jobs:job_list")).content.decode()
    assert '<th scope="col">Plan</th>' in listing and ">move oldbox</a>" in listing
    assert "rehearsal" in listing
    page = operator_client.get(reverse("jobs:job_detail", args=[inspect.pk])).content.decode()
    assert "all zones of the plan" not in page and "the zones found in the archive" in page
    report = operator_client.get(reverse("planner:plan_report", args=[plan.pk])).content.decode()
    assert "Rehearsal on the worker (touches no Solaris host)" in report.split('id="r-results"', 1)[1]
    form = operator_client.get(
        reverse("planner:plan_detail", args=[plan.pk]), {"tab": "jobs"}
    ).content.decode()
    assert "Rehearsal on the worker (touches no Solaris host)" in form
    assert "used only when SSH is chosen" in form


# --- item 12: catalog destinations in the New plan form ---------------------------------------------


def test_the_new_plan_form_offers_catalog_destinations(operator_client: Any, team: Any) -> None:
    src = services.host_import(team=team, loaded=load_upload("s.tar.gz", t5220.source_bundle("oldbox"))).host
    page = operator_client.get(reverse("planner:plan_list")).content.decode()
    assert '<option value="T5240">' in page
    response = operator_client.post(
        reverse("planner:plan_list"),
        {"source": src.pk, "destination_catalog": "T5240", "destination_hostname": "racked01"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    plan = Plan.objects.get()
    assert plan.destination.hostname == "racked01" and plan.destination.origin == "catalog"
    # a name taken by a host of another kind: refused on the field, nothing replaced
    taken = operator_client.post(
        reverse("planner:plan_list"),
        {"source": src.pk, "destination_catalog": "T5240", "destination_hostname": "oldbox"},
    )
    assert taken.status_code == 400 and "a host named oldbox already exists" in taken.content.decode()
    assert Host.objects.get(hostname="oldbox").origin == "bundle"
    neither = operator_client.post(reverse("planner:plan_list"), {"source": src.pk})
    assert "Choose a destination host, or a model from the catalog." in neither.content.decode()


# --- item 13: sizes in the Disk layout tab --------------------------------------------------------------


def test_assumed_sizes_are_listed_and_corrected_in_the_disk_layout_tab(
    operator_client: Any, team: Any
) -> None:
    text = t5220.zonecfg_export("web01", autoboot=False, address="10.0.0.5/24", port="bge0")
    src = services.host_import(team=team, loaded=load_upload("web01.cfg", text.encode())).host
    dst = services.host_import(team=team, loaded=load_catalog("catalog:T5240:newbox")).host
    plan = services.plan_create(team=team, source=src, destination=dst)
    url = reverse("planner:plan_detail", args=[plan.pk])
    page = operator_client.get(url, {"tab": "layout"}).content.decode()
    assert (
        'data-size="swap" data-assumed="1"' in page and 'data-size="zoneroot:web01" data-assumed="1"' in page
    )
    response = operator_client.post(
        reverse("planner:plan_size_set", args=[plan.pk]), {"key": "swap", "size_mb": "8192"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    keys = {f["details"]["key"] for f in plan.report["host_findings"] if f["code"] == "SIZE_ASSUMED"}
    assert "swap" not in keys and "root" in keys
    # a re-import keeps the user's size
    services.host_import(team=team, loaded=load_upload("web01.cfg", (text + "set autoboot=true\n").encode()))
    plan.refresh_from_db()
    assert next(p for p in plan.report["layout"]["planned"] if p["key"] == "swap")["size_mb"] == 8192
    bad = operator_client.post(
        reverse("planner:plan_size_set", args=[plan.pk]), {"key": "nope", "size_mb": "5"}
    )
    assert bad.status_code == 400 and "has no file system or zone nope" in bad.content.decode()
    cleared = operator_client.post(
        reverse("planner:plan_size_set", args=[plan.pk]), {"key": "swap", "size_mb": ""}
    )
    assert cleared.status_code == 302 and not SizeOverride.objects.exists()
