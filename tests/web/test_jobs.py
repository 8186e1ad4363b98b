"""Jobs from the web: start, live progress partial (polls only while active), cancel, retry, inspect."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Archive, Job
from tests.support.teams import make_job

pytestmark = pytest.mark.django_db


def test_start_archive_job(operator_client, plan):
    page = operator_client.get(
        reverse("planner:plan_detail", args=[plan.pk]), {"tab": "jobs"}
    ).content.decode()
    assert 'id="start-archive"' in page
    response = operator_client.post(
        reverse("planner:plan_job_start", args=[plan.pk]),
        {
            "kind": "archive",
            "archive-kind": "archive",
            "archive-executor": "local",
            "archive-halt_zones": "on",
        },
    )
    job = Job.objects.get(plan=plan)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.kind == "archive" and job.state == "queued" and job.executor == "local"
    assert job.params["halt_zones"] is True


def test_start_job_while_one_is_active_is_an_inline_error(operator_client, plan, running_job):
    response = operator_client.post(
        reverse("planner:plan_job_start", args=[plan.pk]),
        {"kind": "extract", "extract-kind": "extract", "extract-executor": "local"},
    )
    assert response.status_code == 400
    assert "one job per plan runs at a time" in response.content.decode()
    assert Job.objects.filter(plan=plan).count() == 1


def test_ssh_executor_needs_a_host(operator_client, plan):
    response = operator_client.post(
        reverse("planner:plan_job_start", args=[plan.pk]),
        {"kind": "extract", "extract-kind": "extract", "extract-executor": "ssh", "extract-ssh_host": ""},
    )
    assert response.status_code == 400
    assert "Give the host" in response.content.decode()
    response = operator_client.post(
        reverse("planner:plan_job_start", args=[plan.pk]),
        {
            "kind": "extract",
            "extract-kind": "extract",
            "extract-executor": "ssh",
            "extract-ssh_host": "newbox",
            "extract-ssh_user": "root",
            "extract-ssh_port": "2222",
        },
    )
    assert response.status_code == 302
    job = Job.objects.get(plan=plan)
    assert job.executor == "ssh"
    assert job.params["ssh"]["destination"] == {"host": "newbox", "user": "root", "port": 2222}


def test_unknown_job_kind_is_400(operator_client, plan):
    response = operator_client.post(reverse("planner:plan_job_start", args=[plan.pk]), {"kind": "inspect"})
    assert response.status_code == 400


def test_progress_partial_polls_while_running(operator_client, running_job):
    url = reverse("jobs:job_progress", args=[running_job.pk])
    response = operator_client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="job-progress"')
    assert 'hx-trigger="load delay:1s, every 1s"' in page
    assert f'hx-get="{url}"' in page
    assert 'hx-swap="outerHTML"' in page
    assert "ETA" in page
    assert 'data-zone-result="web01" data-state="running"' in page


@pytest.mark.parametrize("state", ["succeeded", "partial", "failed", "cancelled"])
def test_progress_partial_stops_polling_when_terminal(operator_client, plan, state):
    job = make_job(plan, state=state)
    response = operator_client.get(reverse("jobs:job_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    page = response.content.decode()
    assert 'id="job-progress"' in page
    assert "hx-trigger" not in page
    assert "hx-get" not in page


def test_job_page_polls_only_while_active(operator_client, plan, running_job):
    page = operator_client.get(reverse("jobs:job_detail", args=[running_job.pk])).content.decode()
    assert 'hx-trigger="load delay:1s, every 1s"' in page
    done = make_job(plan, state="succeeded")
    page = operator_client.get(reverse("jobs:job_detail", args=[done.pk])).content.decode()
    assert "hx-trigger" not in page


def test_progress_partial_is_cheap(operator_client, running_job, django_assert_max_num_queries):
    for i in range(300):
        running_job.events.create(message=f"event {i}")
    url = reverse("jobs:job_progress", args=[running_job.pk])
    operator_client.get(url)  # warm the session
    # The session, its user, the job's tag (jobs.live), the job, zone results, events, older events' count.
    with django_assert_max_num_queries(7):
        response = operator_client.get(url, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "event 299" in page and "event 275" in page
    assert "event 274" not in page  # only the newest 25 are re-rendered every second
    assert f"{running_job.events.count() - 25} earlier events not shown" in page

    log = operator_client.get(reverse("jobs:job_events_text", args=[running_job.pk]))
    assert log["Content-Type"].startswith("text/plain")
    lines = log.content.decode().splitlines()
    assert len(lines) == running_job.events.count() and lines[-1].endswith(" event 299")
    assert sum(line.endswith(" event 0") for line in lines) == 1


def test_cached_rows_never_hide_a_change(operator_client, running_job):
    from jobs.models import ZoneResult

    running_job.zone_results.create(zone="z-a", state="running", message="flarcreate")
    url = reverse("jobs:job_progress", args=[running_job.pk])
    assert 'data-state="running"' in operator_client.get(url).content.decode()
    # A bulk update leaves ZoneResult.updated alone, as the reaper's "skipped" marking does.
    ZoneResult.objects.filter(job=running_job).update(state="skipped", message="not run: cancelled")
    running_job.events.create(message="a brand new event")
    page = operator_client.get(url).content.decode()
    assert 'data-zone-result="z-a" data-state="skipped"' in page and "not run: cancelled" in page
    assert "a brand new event" in page


def test_the_empty_state_follows_the_job_not_a_cached_fragment(operator_client, running_job):
    running_job.zone_results.all().delete()
    url = reverse("jobs:job_progress", args=[running_job.pk])
    assert "Waiting for the job to list its zones" in operator_client.get(url).content.decode()
    Job.objects.filter(pk=running_job.pk).update(state="failed")
    page = operator_client.get(url).content.decode()
    assert "No zone results." in page and "Waiting for the job" not in page


def test_cancel_and_retry(operator_client, plan, running_job):
    response = operator_client.post(reverse("jobs:job_cancel", args=[running_job.pk]))
    assert response.status_code == 302
    running_job.refresh_from_db()
    assert running_job.cancel_requested
    # a running job stops at its next heartbeat; pretend the worker ended it with one failed zone
    Job.objects.filter(pk=running_job.pk).update(state="partial")
    running_job.zone_results.filter(zone="web01").update(state="failed")
    page = operator_client.get(reverse("jobs:job_detail", args=[running_job.pk])).content.decode()
    assert 'id="retry-failed"' in page and 'id="cancel-job"' not in page
    response = operator_client.post(reverse("jobs:job_retry", args=[running_job.pk]))
    retry = Job.objects.exclude(pk=running_job.pk).get()
    assert response["Location"] == reverse("jobs:job_detail", args=[retry.pk])
    assert retry.zone_names == ["web01"] and retry.retry_of_id == running_job.pk


def test_cancel_of_a_finished_job_is_a_message_not_an_error(operator_client, plan):
    job = make_job(plan, state="succeeded")
    response = operator_client.post(reverse("jobs:job_cancel", args=[job.pk]), follow=True)
    assert response.status_code == 200
    assert "already ended" in response.content.decode()


def test_inspect_from_the_store(operator_client, archive_store, destination_host, team):
    folder = archive_store / f"team-{team.pk}"
    folder.mkdir()
    (folder / "oldbox.flar").write_bytes(b"FlAsH-aRcHiVe-2.0\n")
    (folder / "notes.txt").write_text("not an archive")
    (archive_store / "stray.flar").write_bytes(b"FlAsH-aRcHiVe-2.0\n")  # outside every team's folder
    page = operator_client.get(reverse("jobs:archive_inspect")).content.decode()
    assert "oldbox.flar" in page and "notes.txt" not in page and "stray.flar" not in page
    archive = Archive.objects.get(team=team, path="oldbox.flar")
    response = operator_client.post(
        reverse("jobs:archive_inspect"), {"archive": archive.pk, "destination": destination_host.pk}
    )
    job = Job.objects.get(kind="inspect")
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.params["archive_path"] == "oldbox.flar"  # relative to the team's folder
    assert sorted(job.params["destination_ports"]) == ["e1000g0", "e1000g1"]


@pytest.mark.parametrize(
    "name", ["../secret.flar", "/etc/passwd", "uploads/../../x.flar", "missing.flar", "999"]
)
def test_inspect_refuses_names_outside_the_listing(operator_client, archive_store, name, team):
    (archive_store / f"team-{team.pk}").mkdir()
    (archive_store / f"team-{team.pk}" / "oldbox.flar").write_bytes(b"FlAsH-aRcHiVe-2.0\n")
    response = operator_client.post(reverse("jobs:archive_inspect"), {"archive": name})
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_inspect_upload_is_saved_with_a_generated_name(operator_client, archive_store, team):
    upload = SimpleUploadedFile("../../evil name.flar", b"FlAsH-aRcHiVe-2.0\nsection_begin=identification\n")
    response = operator_client.post(reverse("jobs:archive_inspect"), {"upload": upload})
    assert response.status_code == 302
    job = Job.objects.get(kind="inspect")
    saved = archive_store / f"team-{team.pk}" / "uploads"
    files = list(saved.iterdir())
    assert len(files) == 1 and files[0].name.startswith("inspect-") and files[0].suffix == ".flar"
    assert job.params["archive_path"] == f"uploads/{files[0].name}"
    archive = Archive.objects.get(team=team)
    assert archive.origin == "upload" and archive.name == "evil name.flar"


def test_inspect_upload_size_cap(operator_client, archive_store, monkeypatch, team):
    import jobs.views

    monkeypatch.setattr(jobs.views, "INSPECT_UPLOAD_MAX_BYTES", 10)
    upload = SimpleUploadedFile("big.flar", b"x" * 100)
    response = operator_client.post(reverse("jobs:archive_inspect"), {"upload": upload})
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert not (archive_store / f"team-{team.pk}" / "uploads").exists()


def test_inspect_needs_exactly_one_source(operator_client, archive_store):
    response = operator_client.post(reverse("jobs:archive_inspect"), {})
    assert response.status_code == 400
    assert "Choose an archive of your team or upload one" in response.content.decode()
