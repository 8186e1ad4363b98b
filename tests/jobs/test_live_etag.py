"""The progress partial's ETag: 304 while nothing the live block shows changed, a new tag on every change.

Issue #15 (live polling).  The tag comes from ``Job.version`` (every writer increments it), the
job's plan and creator, the viewer (role, time zone, CSRF secret), the step of the run's clock and
the release (jobs/live.py).  The clock is frozen here: a running job's tag moves every 5 s.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs import lifecycle, live, progress
from jobs.models import Job, JobEvent, ZoneResult
from planner.models import Plan
from tests.support.bundles import t5220 as bundles
from tests.support.teams import import_bytes, make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """``timezone.now()`` for everything (views, writers, sessions): ``clock[0]``, moved by the test."""
    frozen = [timezone.now().replace(microsecond=0)]
    monkeypatch.setattr(timezone, "now", lambda: frozen[0])
    return frozen


@pytest.fixture
def plan(team: Any, operator: Any) -> Any:
    from planner import services

    source = import_bytes(team, "oldbox.tar.gz", bundles.source_bundle(), operator).host
    destination = import_bytes(team, "newbox.tar.gz", bundles.destination_bundle(), operator).host
    return services.plan_create(team=team, source=source, destination=destination, user=operator)


@pytest.fixture
def job(plan: Any, operator: Any, clock: list[datetime]) -> Job:
    """A running job, 40 s in, with two zone results and a few events."""
    job = make_job(plan, state="running", created_by=operator)
    Job.objects.filter(pk=job.pk).update(started=clock[0] - timedelta(seconds=40))
    job.refresh_from_db()
    return job


def _url(job: Job) -> str:
    return reverse("jobs:job_progress", args=[job.pk])


def _poll(client: Any, job: Job, tag: str | None = None) -> Any:
    headers = {"HTTP_HX_REQUEST": "true"}
    if tag is not None:
        headers["HTTP_IF_NONE_MATCH"] = tag
    return client.get(_url(job), **headers)


def _tag(client: Any, job: Job) -> str:
    """The block's current tag, as a browser that has loaded the job page knows it.

    The page (like every page with a form) sets the CSRF cookie the forms' tokens are made from,
    and that secret is part of the tag: the first visit sets it, as the login page did in a browser.
    """
    client.get(reverse("jobs:job_detail", args=[job.pk]))
    response = _poll(client, job)
    assert response.status_code in (200, 286)
    return str(response["ETag"])


# --- the tag and the 304 ----------------------------------------------------------------------------


def test_the_partial_carries_a_weak_etag_and_may_be_stored_but_revalidated(operator_client, job):
    response = _poll(operator_client, job)
    assert response.status_code == 200
    tag = response["ETag"]
    assert tag.startswith('W/"') and tag.endswith('"') and len(tag) == 4 + 32
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"no-cache", "private"}
    # The block carries its own tag: htmx sends it back as If-None-Match (static/zflar.js).
    assert f'data-etag="{tag.replace(chr(34), "&quot;")}"' in response.content.decode()


def test_an_unchanged_block_is_304_with_no_body_after_one_query(
    operator_client, job, django_assert_max_num_queries
):
    tag = _tag(operator_client, job)
    # The session and its user (every logged-in request), then the one query that reads the job.
    with django_assert_max_num_queries(3) as captured:
        response = _poll(operator_client, job, tag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == tag
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"no-cache", "private"}
    own = [q["sql"] for q in captured.captured_queries if "django_session" not in q["sql"]]
    own = [sql for sql in own if not sql.lstrip().startswith('SELECT "auth_user"')]
    assert len(own) == 1 and "jobs_job" in own[0], own


def test_the_job_page_embeds_the_tag_the_first_poll_sends(operator_client, job):
    tag = _tag(operator_client, job)
    page = operator_client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert f'data-etag="{tag.replace(chr(34), "&quot;")}"' in page
    assert _poll(operator_client, job, tag).status_code == 304


@pytest.mark.parametrize(
    "header",
    [
        "*",
        "{tag}",
        '"nope", {tag}',
        'W/"nope",{tag} , "other"',
        "{strong}",  # If-None-Match compares weakly: the same opaque tag without W/ matches too
    ],
)
def test_if_none_match_star_lists_and_weak_comparison(operator_client, job, header):
    tag = _tag(operator_client, job)
    value = header.format(tag=tag, strong=tag.removeprefix("W/"))
    response = _poll(operator_client, job, value)
    assert response.status_code == 304, value
    assert response["ETag"] == tag


@pytest.mark.parametrize("header", ['"nope"', 'W/"nope", W/"other"', "garbage", ""])
def test_other_tags_get_the_block(operator_client, job, header):
    tag = _tag(operator_client, job)
    response = _poll(operator_client, job, header)
    assert response.status_code == 200
    assert response["ETag"] == tag and b'id="job-progress"' in response.content


def test_another_teams_user_gets_404_whatever_the_tag(client, job, outsider, operator_client):
    tag = _tag(operator_client, job)
    client.force_login(outsider)
    for header in (tag, "*", None):
        assert _poll(client, job, header).status_code == 404, header


def test_logged_out_polls_are_sent_to_the_login_page(client, job):
    response = _poll(client, job, "*")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_finished_job_always_gets_its_block_with_286(operator_client, plan, clock):
    done = make_job(plan, state="succeeded")
    response = _poll(operator_client, done)
    assert response.status_code == 286
    # A 304 could not tell htmx to stop polling: a finished job is never a 304.
    again = _poll(operator_client, done, response["ETag"])
    assert again.status_code == 286 and again["ETag"] == response["ETag"]
    assert b"hx-trigger" not in again.content and b"data-etag" not in again.content


# --- every change gives a new tag -------------------------------------------------------------------


def _stale(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(hours=2))
    job.refresh_from_db()


def _admin_save(job: Job) -> None:
    Job.objects.get(pk=job.pk).save()


CHANGES: dict[str, Callable[[Job], Any]] = {
    "zone result set": lambda job: progress.zone_result_set(job, "web01", "ok"),
    "zone result set with a message": lambda job: progress.zone_result_set(job, "web01", "ok", "done"),
    "zone results skipped (a queryset update)": lambda job: progress.zones_skip_unfinished(job, "skip"),
    "zone results started afresh": lambda job: progress.zone_results_init(job, ["web01"], afresh=True),
    "zone result saved through the ORM": lambda job: ZoneResult.objects.filter(job=job)[0].save(),
    "event appended": lambda job: progress.job_log(job, "a new event"),
    "event appended through the ORM": lambda job: JobEvent.objects.create(job=job, message="x"),
    "event deleted": lambda job: JobEvent.objects.filter(job=job)[0].delete(),
    "phase": lambda job: progress.job_set_phase(job, "archive: flarcreate"),
    "bytes written": lambda job: progress.ProgressRecorder(job).beat(bytes_done=500 << 20, force=True),
    "archive path": lambda job: progress.job_set_archive_path(job, "oldbox.flar"),
    "cancel requested": lambda job: lifecycle.job_cancel(job=job),
    "finished": lambda job: progress.job_finish(job),
    "failed": lambda job: progress.job_finish(job, error="boom"),
    "cancelled at a checkpoint": lambda job: progress.job_mark_cancelled(job, "cancelled by the user"),
    "re-queued by the reaper": lambda job: (_stale(job), lifecycle.jobs_reap_stale()),
    "failed by the reaper": lambda job: (
        Job.objects.filter(pk=job.pk).update(attempt=3),
        _stale(job),
        lifecycle.jobs_reap_stale(),
    ),
    "lost its database": lambda job: lifecycle.job_interrupted(job, "the database went away"),
    "saved in the admin": _admin_save,
    "plan renamed": lambda job: Plan.objects.filter(pk=job.plan_id).update(name="renamed plan"),
    "plan deleted": lambda job: (lifecycle.plan_delete_keep_jobs(job.plan), job.plan.delete()),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_gives_a_new_tag_and_the_block(operator_client, job, change):
    tag = _tag(operator_client, job)
    assert _poll(operator_client, job, tag).status_code == 304
    CHANGES[change](Job.objects.get(pk=job.pk))
    response = _poll(operator_client, job, tag)
    assert response.status_code in (200, 286), change
    assert response["ETag"] != tag and b'id="job-progress"' in response.content
    # And the new tag holds until the next change.
    if response.status_code == 200:
        assert _poll(operator_client, job, response["ETag"]).status_code == 304


def test_a_heartbeat_alone_changes_nothing_shown(operator_client, job):
    tag = _tag(operator_client, job)
    progress.ProgressRecorder(job).beat(force=True)
    assert _poll(operator_client, job, tag).status_code == 304


def test_a_claim_changes_a_queued_jobs_tag(operator_client, plan, operator):
    queued = lifecycle.job_create(team=plan.team, kind="archive", plan=plan, user=operator)
    tag = _tag(operator_client, queued)
    assert _poll(operator_client, queued, tag).status_code == 304
    assert progress.job_claim(job_id=queued.pk) is not None
    response = _poll(operator_client, queued, tag)
    assert response.status_code == 200 and response["ETag"] != tag
    assert b'data-state="running"' in response.content


def test_the_version_only_grows_even_when_a_stale_copy_is_saved(job):
    stale = Job.objects.get(pk=job.pk)
    for _ in range(3):
        progress.job_log(job, "tick")
    before = Job.objects.get(pk=job.pk).version
    stale.save()
    assert stale.version == before + 1 == Job.objects.get(pk=job.pk).version
    stale.save(update_fields=["max_attempts"])
    assert Job.objects.get(pk=job.pk).version == before + 2


# --- the viewer, the clock and the release ----------------------------------------------------------


def test_the_viewers_role_is_in_the_tag(operator_client, job, viewer):
    tag = _tag(operator_client, job)
    viewer_client = Client()
    viewer_client.force_login(viewer)
    response = _poll(viewer_client, job, tag)
    assert response.status_code == 200 and response["ETag"] != tag
    assert b'id="cancel-job"' not in response.content
    assert _poll(viewer_client, job, response["ETag"]).status_code == 304


def test_the_viewers_time_zone_is_in_the_tag(operator_client, job):
    tag = _tag(operator_client, job)
    operator_client.cookies["zflar_tz"] = "Europe/Berlin"
    response = _poll(operator_client, job, tag)
    assert response.status_code == 200 and response["ETag"] != tag


def test_a_new_csrf_secret_gets_forms_with_fresh_tokens(operator_client, job):
    tag = _tag(operator_client, job)
    assert _poll(operator_client, job, tag).status_code == 304
    operator_client.cookies["csrftoken"] = "A" * 32  # as after a log-in elsewhere rotated it
    response = _poll(operator_client, job, tag)
    assert response.status_code == 200 and response["ETag"] != tag
    assert _poll(operator_client, job, response["ETag"]).status_code == 304


def test_a_client_without_a_csrf_cookie_gets_304s_too(client, operator, job):
    """wrk, scripts: they keep no cookie but the session's, so every answer's new CSRF secret is lost."""
    client.force_login(operator)
    session = client.cookies["sessionid"].value
    first = _poll(client, job)
    assert first.status_code == 200 and "csrftoken" in first.cookies  # the render made a secret
    client.cookies.clear()
    client.cookies["sessionid"] = session
    assert _poll(client, job, first["ETag"]).status_code == 304


def test_the_clock_moves_a_running_jobs_tag_once_per_step(operator_client, job, clock):
    operator_client.get(reverse("jobs:job_detail", args=[job.pk]))  # the page sets the CSRF cookie
    first = _poll(operator_client, job)
    assert "elapsed 40s" in first.content.decode()
    tag = first["ETag"]
    clock[0] += timedelta(seconds=4)  # 44 s in: still the step that began at 40 s
    assert _poll(operator_client, job, tag).status_code == 304
    clock[0] += timedelta(seconds=1)  # 45 s in: the next step
    response = _poll(operator_client, job, tag)
    assert response.status_code == 200 and response["ETag"] != tag
    assert "elapsed 45s" in response.content.decode()
    # Past an hour elapsed times show minutes, and the step is a minute.
    clock[0] = job.started + timedelta(hours=1, minutes=2, seconds=10)
    late = _poll(operator_client, job)
    assert "elapsed 1h 02m" in late.content.decode()
    clock[0] += timedelta(seconds=45)
    assert _poll(operator_client, job, late["ETag"]).status_code == 304
    clock[0] += timedelta(seconds=10)
    assert _poll(operator_client, job, late["ETag"]).status_code == 200


def test_a_queued_job_that_never_started_has_no_clock_in_its_tag(operator_client, plan, clock):
    queued = lifecycle.job_create(team=plan.team, kind="archive", plan=plan)
    tag = _tag(operator_client, queued)
    clock[0] += timedelta(minutes=10)
    assert _poll(operator_client, queued, tag).status_code == 304


def test_a_new_release_changes_every_tag(operator_client, job, monkeypatch):
    tag = _tag(operator_client, job)
    monkeypatch.setattr(live, "release", lambda: "another release")
    response = _poll(operator_client, job, tag)
    assert response.status_code == 200 and response["ETag"] != tag


def test_the_release_digest_follows_the_templates_and_code(settings, tmp_path):
    (tmp_path / "templates" / "jobs").mkdir(parents=True)
    (tmp_path / "jobs").mkdir()
    template = tmp_path / "templates" / "jobs" / "live.html"
    template.write_text("<section>")
    (tmp_path / "jobs" / "views.py").write_text("x = 1\n")
    settings.BASE_DIR = tmp_path
    digest = live.release.__wrapped__
    first = digest()
    assert digest() == first
    template.write_text("<section class=new>")
    assert digest() != first
    template.write_text("<section>")
    (tmp_path / "jobs" / "views.py").write_text("x = 2\n")
    assert digest() != first
    assert live.release() == live.release()  # cached once per process


def test_the_304_path_reads_no_zone_results_or_events(operator_client, job):
    tag = _tag(operator_client, job)
    with CaptureQueriesContext(connection) as captured:
        assert _poll(operator_client, job, tag).status_code == 304
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "jobs_zoneresult" not in sql and "jobs_jobevent" not in sql


# --- the one query the 304 answers from ---------------------------------------------------------------


def test_the_written_out_query_scopes_and_answers_as_the_orm(
    job, plan, operator, viewer, outsider, other_team, django_user_model
):
    """jobs.selectors.LIVE_STATE_SQL against TeamScopedQuerySet and the ORM's rows, for every pair."""
    from django.http import Http404

    from jobs import selectors
    from planner.models import Membership
    from planner.permissions import is_operator

    theirs = make_job(None, team=other_team, state="queued")
    orphan = make_job(plan, state="succeeded")
    Job.objects.filter(pk=orphan.pk).update(plan=None, created_by=None, finished=None)
    stranger = django_user_model.objects.create_user(username="nobody", password="pw")  # in no team
    both = django_user_model.objects.create_user(username="both", password="pw")
    Membership.objects.create(user=both, team=plan.team, role="viewer")
    Membership.objects.create(user=both, team=other_team, role="operator")
    for user in (operator, viewer, outsider, stranger, both):
        for each in (job, theirs, orphan):
            visible = Job.objects.for_user(user).filter(pk=each.pk).exists()
            if not visible:
                with pytest.raises(Http404):
                    selectors.job_live_state(user, each.pk)
                continue
            row = selectors.job_for_polling(user, each.pk)
            expected = selectors.LiveState.of(row, can_write=is_operator(user, row.team_id))
            assert selectors.job_live_state(user, each.pk) == expected, (user, each)
    with pytest.raises(Http404):
        selectors.job_live_state(operator, 10**9)
    state = selectors.job_live_state(operator, job.pk)
    assert state.started == job.started and timezone.is_aware(state.started)
