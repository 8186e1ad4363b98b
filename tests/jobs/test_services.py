"""Job services: the atomic claim, one active job per plan, the reaper, cancel and retry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.support.seed import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(team: Any, tmp_path: Path) -> Any:
    return make_world(team, tmp_path).plan


def new_job(team: Any, plan: Any = None, kind: str = "archive", zones: tuple[str, ...] = ()) -> Any:
    from jobs import lifecycle

    return lifecycle.job_create(team=team, kind=kind, plan=plan, zone_names=zones)


def claim(job: Any, task_id: str = "task-1") -> Any:
    from jobs import progress

    return progress.job_claim(job_id=job.pk, task_id=task_id)


def go_stale(job: Any, seconds: int = 3600) -> None:
    from jobs.models import Job

    Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(seconds=seconds))


# --- claim ------------------------------------------------------------------------------------


def test_a_second_claim_of_the_same_job_does_nothing(team: Any) -> None:
    job = new_job(team, kind="inspect")

    first = claim(job, "task-1")
    second = claim(job, "task-2")

    assert first is not None and first.state == "running" and first.attempt == 1 and first.worker
    assert second is None
    job.refresh_from_db()
    assert (job.state, job.attempt, job.celery_task_id) == ("running", 1, "task-1")


def test_a_claim_after_a_cancel_request_ends_the_queued_job(team: Any) -> None:
    from jobs.models import Job

    job = new_job(team, kind="inspect")
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # the cancel raced the delivery

    assert claim(job) is None
    job.refresh_from_db()
    assert (job.state, job.error, job.attempt) == ("cancelled", "cancelled before it started", 0)


def test_the_task_runs_a_job_once_for_duplicate_deliveries(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobs import runners
    from jobs.tasks import run_job_task

    ran: list[int] = []
    monkeypatch.setattr(runners, "run_job", lambda job: ran.append(job.pk))
    job = new_job(team, kind="inspect")

    run_job_task.apply(args=(job.pk,))
    run_job_task.apply(args=(job.pk,))

    assert ran == [job.pk]
    job.refresh_from_db()
    assert job.state == "running" and job.attempt == 1


# --- one active job per plan ------------------------------------------------------------------


def test_one_active_job_per_plan(team: Any, other_team: Any, plan: Any, tmp_path: Path) -> None:
    from jobs import lifecycle, progress

    first = new_job(team, plan)
    with pytest.raises(lifecycle.JobError, match=r"is still queued; one job per plan runs at a time"):
        new_job(team, plan, kind="extract")
    running = claim(first)
    with pytest.raises(lifecycle.JobError, match=r"is still running; one job per plan runs at a time"):
        new_job(team, plan, kind="extract")
    # Jobs without a plan, and other plans, are not held up.
    assert new_job(team, kind="inspect").state == "queued"
    with pytest.raises(lifecycle.JobError, match="the plan belongs to another team"):
        new_job(other_team, plan)

    progress.job_finish(running, result={})
    assert new_job(team, plan, kind="extract").state == "queued"


# --- the reaper -------------------------------------------------------------------------------


def test_the_reaper_requeues_a_stale_job_until_its_attempts_run_out(
    team: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jobs import lifecycle, progress
    from jobs.models import Job

    job = new_job(team, kind="inspect")
    progress.zone_results_init(job, ["z1", "z2"])
    assert job.max_attempts == 3
    for attempt in (1, 2):
        running = claim(job, f"task-{attempt}")
        assert running is not None and running.attempt == attempt
        go_stale(job)
        with django_capture_on_commit_callbacks() as enqueued:
            assert lifecycle.jobs_reap_stale(stale_after=60) == [job.pk]
        assert len(enqueued) == 1, "a re-queued job goes to the broker again"
        job.refresh_from_db()
        assert (job.state, job.worker, job.attempt) == ("queued", "", attempt)
        # Now the time its message was sent again, so the resender leaves it alone for a while.
        assert job.heartbeat is not None and timezone.now() - job.heartbeat < timedelta(seconds=5)
        assert job.events.filter(message__contains=f"re-queued (attempt {attempt + 1} of 3)").exists()

    claim(job, "task-3")
    go_stale(job)
    with django_capture_on_commit_callbacks() as enqueued:
        assert lifecycle.jobs_reap_stale(stale_after=60) == [job.pk]
    assert enqueued == [], "the last attempt is not re-queued"

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "stopped sending heartbeats" in job.error and "gave up after 3 attempts" in job.error
    assert {(r.state, r.message) for r in job.zone_results.all()} == {
        ("skipped", "not run: the job's worker died")
    }
    assert lifecycle.jobs_reap_stale(stale_after=60) == []


def test_the_reaper_leaves_live_jobs_alone(team: Any) -> None:
    from jobs import lifecycle

    job = new_job(team, kind="inspect")
    claim(job)
    go_stale(job, seconds=5)
    assert lifecycle.jobs_reap_stale(stale_after=60) == []
    job.refresh_from_db()
    assert job.state == "running"


def test_the_reaper_requeues_a_running_job_that_never_beat(team: Any) -> None:
    from jobs import lifecycle
    from jobs.models import Job

    job = new_job(team, kind="inspect")
    claim(job)
    Job.objects.filter(pk=job.pk).update(heartbeat=None)
    assert lifecycle.jobs_reap_stale(stale_after=60) == [job.pk]
    job.refresh_from_db()
    assert job.state == "queued"
    assert job.events.filter(message__contains="(last never)").exists()


def test_the_reaper_ends_a_stale_job_that_was_asked_to_cancel(team: Any) -> None:
    from jobs import lifecycle

    job = new_job(team, kind="inspect")
    claim(job)
    lifecycle.job_cancel(job=job)
    go_stale(job)
    assert lifecycle.jobs_reap_stale(stale_after=60) == [job.pk]
    job.refresh_from_db()
    assert job.state == "cancelled" and job.error.startswith("cancelled; worker ")


# --- cancel -----------------------------------------------------------------------------------


def test_cancel_of_a_queued_job_ends_it_at_once(team: Any) -> None:
    from jobs import lifecycle, progress

    job = new_job(team, kind="inspect")
    progress.zone_results_init(job, ["z1"])
    job = lifecycle.job_cancel(job=job)
    assert (job.state, job.error) == ("cancelled", "cancelled before it started")
    assert job.zone_results.get().message == "not run: cancelled before it started"
    assert claim(job) is None


def test_cancel_of_a_running_job_lands_at_its_next_heartbeat(team: Any) -> None:
    from jobs import lifecycle, progress

    job = claim(new_job(team, kind="inspect"))
    recorder = progress.ProgressRecorder(job)
    recorder.beat(force=True)  # no cancel yet

    job = lifecycle.job_cancel(job=job)

    assert job.state == "running" and job.cancel_requested
    with pytest.raises(progress.JobCancelled, match="cancelled by the user"):
        recorder.beat(force=True)
    job = progress.job_mark_cancelled(job, "cancelled by the user")
    assert job.state == "cancelled"
    with pytest.raises(lifecycle.JobError, match="already ended"):
        lifecycle.job_cancel(job=job)


def test_a_heartbeat_from_a_worker_that_lost_the_job_stops_it(team: Any) -> None:
    from jobs import progress
    from jobs.models import Job

    job = claim(new_job(team, kind="inspect"))
    Job.objects.filter(pk=job.pk).update(worker="another-host:42")  # re-queued and claimed elsewhere
    with pytest.raises(progress.JobCancelled, match="no longer ours"):
        progress.ProgressRecorder(job).beat(force=True)


# --- finish and retry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("states", "error", "expected"),
    [
        (("ok", "warning"), "", "succeeded"),
        (("ok", "failed"), "", "partial"),
        (("failed", "failed"), "", "failed"),
        (("ok", "pending"), "the host went away", "failed"),
    ],
)
def test_the_finished_state_follows_the_zone_results(
    team: Any, states: tuple[str, ...], error: str, expected: str
) -> None:
    from jobs import progress

    job = claim(new_job(team, kind="inspect"))
    for index, state in enumerate(states):
        progress.zone_result_set(job, f"z{index}", state, f"{state} because")
    job = progress.job_finish(job, error=error)
    assert job.state == expected
    if error:
        assert job.zone_results.get(zone="z1").state == "skipped"
        assert job.zone_results.get(zone="z1").message == f"not run: the job failed ({error})"


def test_retry_lists_only_the_failed_and_skipped_zones(team: Any, plan: Any) -> None:
    from jobs import lifecycle, progress

    job = lifecycle.job_create(team=team, kind="extract", plan=plan, params={"archive_path": "/x.flar"})
    with pytest.raises(lifecycle.JobError, match="is still queued"):
        lifecycle.job_retry_failed(job=job)
    job = claim(job)
    for zone, state in (
        ("z-a", "ok"),
        ("z-b", "failed"),
        ("z-c", "warning"),
        ("z-d", "skipped"),
        ("z-e", "failed"),
    ):
        progress.zone_result_set(job, zone, state, "because")
    job = progress.job_finish(job, result={})
    assert job.state == "partial"

    retry = lifecycle.job_retry_failed(job=job)

    assert retry.zone_names == ["z-b", "z-d", "z-e"]
    assert (retry.kind, retry.plan_id, retry.params, retry.retry_of_id) == (
        "extract",
        plan.pk,
        job.params,
        job.pk,
    )
    assert retry.state == "queued"


def test_an_archive_retry_never_writes_over_the_first_archive(team: Any, plan: Any) -> None:
    from jobs import lifecycle, progress

    job = lifecycle.job_create(team=team, kind="archive", plan=plan, params={"output_path": "/s/web01.flar"})
    job = claim(job)
    progress.zone_result_set(job, "z-a", "failed", "because")
    job = progress.job_finish(job, result={})

    first_retry = lifecycle.job_retry_failed(job=job)
    lifecycle.job_cancel(job=first_retry)
    second_retry = lifecycle.job_retry_failed(job=job)

    assert first_retry.params["output_path"] == f"/s/web01-retry{job.pk}.1.flar"
    assert second_retry.params["output_path"] == f"/s/web01-retry{job.pk}.2.flar"
    assert job.params["output_path"] == "/s/web01.flar"


def test_retry_of_a_job_without_failures_is_refused(team: Any) -> None:
    from jobs import lifecycle, progress

    job = claim(new_job(team, kind="inspect"))
    progress.zone_result_set(job, "z1", "ok", "fine")
    job = progress.job_finish(job, result={})
    with pytest.raises(lifecycle.JobError, match="no zone failed; nothing to retry"):
        lifecycle.job_retry_failed(job=job)


def test_a_queued_job_nobody_claims_is_sent_again_once_per_interval(
    team: Any, plan: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from jobs import lifecycle, progress
    from jobs.models import Job

    sent: list[int] = []
    monkeypatch.setattr("jobs.lifecycle.send_run_job", lambda job_id: sent.append(job_id))
    with django_capture_on_commit_callbacks(execute=True):
        job = lifecycle.job_create(team=team, kind="archive", plan=plan)
    assert sent == [job.pk]

    assert lifecycle.jobs_resend_unclaimed(after=600) == []  # young: still waiting its turn
    Job.objects.filter(pk=job.pk).update(created=timezone.now() - timedelta(seconds=601))
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.jobs_resend_unclaimed(after=600) == [job.pk]
    assert sent == [job.pk, job.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.jobs_resend_unclaimed(after=600) == []  # just sent: wait another interval
    assert "sent again" in job.events.last().message

    claimed = progress.job_claim(job_id=job.pk)
    assert claimed is not None
    Job.objects.filter(pk=job.pk).update(created=timezone.now() - timedelta(days=1))
    assert lifecycle.jobs_resend_unclaimed(after=0) == []  # running jobs belong to the reaper
