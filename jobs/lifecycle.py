"""A job's life: create, cancel, retry, and the re-queueing of jobs whose worker died.

Everything here may put a job (back) on the queue.  The message is sent by the task's name
(``jobs.tasks.run_job_task``), so this module never imports :mod:`jobs.tasks`: the task imports
this module and :mod:`jobs.progress`, and the runners write through :mod:`jobs.progress` only.
Like :mod:`jobs.progress`, every write the job page's live block shows increments ``Job.version``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from planner.models import Plan, Team

from .models import Job, JobEvent, ZoneResult, next_version
from .progress import job_log, job_mark_cancelled, zones_skip_unfinished

RUN_JOB_TASK = "jobs.tasks.run_job_task"


class JobError(ValueError):
    """A job request the service refuses, with a message for the user."""


def send_run_job(job_id: int) -> None:
    """Publish the message that runs job ``job_id`` (the task is named: tasks.py imports this module)."""
    current_app.send_task(RUN_JOB_TASK, args=[job_id])


def _enqueue_on_commit(job: Job) -> None:
    transaction.on_commit(lambda: send_run_job(job.pk))


@transaction.atomic
def job_create(
    *,
    team: Team,
    kind: str,
    plan: Plan | None = None,
    executor: str = Job.Executor.LOCAL,
    params: dict[str, Any] | None = None,
    zone_names: Iterable[str] = (),
    user: User | None = None,
    retry_of: Job | None = None,
) -> Job:
    """Create a queued job and enqueue it once the transaction commits.

    One plan runs one job at a time: the plan row is locked while we look for an active job.
    """
    if kind not in Job.Kind.values:
        raise JobError(f"unknown job kind {kind!r}")
    if executor not in Job.Executor.values:
        raise JobError(f"unknown executor {executor!r}")
    if plan is not None:
        if plan.team_id != team.pk:
            raise JobError("the plan belongs to another team")
        Plan.objects.select_for_update().get(pk=plan.pk)
        active = plan.jobs.filter(state__in=Job.ACTIVE_STATES).first()
        if active is not None:
            raise JobError(f"{active} is still {active.state}; one job per plan runs at a time")
    job = Job.objects.create(
        team=team,
        plan=plan,
        plan_name=plan.name[:200] if plan is not None else "",
        kind=kind,
        executor=executor,
        params=params or {},
        zone_names=sorted(set(zone_names)),
        created_by=user,
        retry_of=retry_of,
        max_attempts=settings.ZFLAR_MAX_ATTEMPTS,
    )
    where = (
        "as a rehearsal on the worker (touches no Solaris host)"
        if executor == Job.Executor.LOCAL and kind != Job.Kind.INSPECT
        else f"on the {executor} executor"
    )
    job_log(job, f"{job.get_kind_display()} job queued {where}")
    _enqueue_on_commit(job)
    return job


def plan_delete_refusal(plan: Plan) -> str:
    """Why the plan may not be deleted now: a job of it is queued or running (its rows are in use)."""
    active = Job.objects.filter(plan=plan, state__in=Job.ACTIVE_STATES).order_by("pk").first()
    if active is None:
        return ""
    return f"{active} is {active.state}; cancel it or wait for it to end"


def plan_delete_keep_jobs(plan: Plan) -> None:
    """Before a plan goes: its jobs stay as records and keep its name (their ``plan`` becomes null)."""
    Job.objects.filter(plan=plan).update(plan_name=plan.name[:200], version=next_version())
    for job in Job.objects.filter(plan=plan).only("pk"):
        job_log(job, f"plan “{plan.name}” was deleted; this job stays as a record", level=JobEvent.Level.INFO)


def job_cancel(*, job: Job) -> Job:
    """Ask a job to stop. A queued job ends at once; a running one stops at its next heartbeat."""
    if job.is_terminal:
        raise JobError(f"{job} already ended ({job.state})")
    Job.objects.filter(pk=job.pk).update(cancel_requested=True, version=next_version())
    if Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).exists():
        return job_mark_cancelled(job, "cancelled before it started")
    job_log(job, "cancel requested; the job stops at its next checkpoint", level=JobEvent.Level.WARNING)
    job.refresh_from_db()
    return job


def job_retry_failed(*, job: Job, user: User | None = None) -> Job:
    """A new job over only the zones that failed (or were skipped) in ``job``."""
    if not job.is_terminal:
        raise JobError(f"{job} is still {job.state}")
    if job.kind != Job.Kind.INSPECT and job.plan_id is None:
        raise JobError(f"the plan of {job} was deleted; start a new job from another plan")
    zones = list(
        job.zone_results.filter(state__in=[ZoneResult.State.FAILED, ZoneResult.State.SKIPPED]).values_list(
            "zone", flat=True
        )
    )
    if not zones and job.state != Job.State.FAILED:
        raise JobError("no zone failed; nothing to retry")
    params = dict(job.params)
    if job.kind == Job.Kind.ARCHIVE and params.get("output_path"):
        # Never write over the archive the first run left: it is what the failed zones are judged by.
        first = Path(str(params["output_path"]))
        number = job.retries.count() + 1
        params["output_path"] = str(first.with_name(f"{first.stem}-retry{job.pk}.{number}{first.suffix}"))
    return job_create(
        team=job.team,
        kind=job.kind,
        plan=job.plan,
        executor=job.executor,
        params=params,
        zone_names=zones,
        user=user,
        retry_of=job,
    )


def jobs_reap_stale(*, stale_after: int | None = None) -> list[int]:
    """Re-queue (while attempts remain) or fail running jobs whose heartbeat went stale.

    Called at worker start and periodically by beat. Returns the ids it touched.
    """
    stale_after = settings.ZFLAR_STALE_AFTER_SECONDS if stale_after is None else stale_after
    cutoff = timezone.now() - timedelta(seconds=stale_after)
    touched: list[int] = []
    stale = Job.objects.filter(state=Job.State.RUNNING).filter(
        Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True)
    )
    for job in stale:
        last = f"{job.heartbeat:%H:%M:%S} UTC" if job.heartbeat else "never"
        reason = f"worker {job.worker or '?'} stopped sending heartbeats (last {last})"
        # The heartbeat in the guard: a job that beat again since we read it is alive after all.
        if _requeue_or_fail(job, reason, "the job's worker died", heartbeat=job.heartbeat):
            touched.append(job.pk)
    return touched


def jobs_seconds_until_stale(*, stale_after: int | None = None) -> float | None:
    """Seconds until the freshest-looking running job would go stale; None when nothing runs.

    A worker restarted right after a crash finds the dead worker's jobs still fresh: it asks
    for one more reap at this moment instead of leaving them "running" until beat comes round.
    """
    stale_after = settings.ZFLAR_STALE_AFTER_SECONDS if stale_after is None else stale_after
    freshest = (
        Job.objects.filter(state=Job.State.RUNNING, heartbeat__isnull=False)
        .order_by("-heartbeat")
        .values_list("heartbeat", flat=True)
        .first()
    )
    if freshest is None:
        return None
    return max(0.0, (freshest - timezone.now()).total_seconds() + stale_after)


def job_interrupted(job: Job, reason: str) -> bool:
    """The worker running ``job`` lost it (its database connection dropped): re-queue or fail it now.

    Guarded by the worker that holds the row, so it never touches an attempt that is not ours.
    """
    return _requeue_or_fail(job, reason, "the job's last attempt lost its database", worker=job.worker)


def jobs_resend_unclaimed(*, after: int | None = None) -> list[int]:
    """Send again the message of a job that has waited ``after`` seconds with no worker claiming it.

    A message can be lost before any worker claims it (a worker killed between fetching and
    claiming, or a Redis without persistence restarted). Sending again is harmless: the claim
    is atomic, so at most one delivery runs the job. A queued job's ``heartbeat`` records when
    its message was last sent, so a long queue is not flooded with copies.
    """
    after = settings.ZFLAR_RESEND_QUEUED_AFTER_SECONDS if after is None else after
    cutoff = timezone.now() - timedelta(seconds=after)
    waiting = Job.objects.filter(state=Job.State.QUEUED).filter(
        Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True, created__lt=cutoff)
    )
    sent: list[int] = []
    for job in waiting:
        if not Job.objects.filter(pk=job.pk, state=Job.State.QUEUED, heartbeat=job.heartbeat).update(
            heartbeat=timezone.now()
        ):
            continue
        job_log(job, f"no worker claimed the job within {after} s; its message was sent again")
        _enqueue_on_commit(job)
        sent.append(job.pk)
    return sent


def _requeue_or_fail(job: Job, reason: str, why_not_run: str, **guard: Any) -> bool:
    """Hand a running job whose attempt died to a new attempt, or fail it once attempts run out.

    Every write is guarded by the row still being running with ``guard``; returns whether it was.
    """
    rows = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, **guard)
    now = timezone.now()
    if job.cancel_requested:
        if not rows.update(
            state=Job.State.CANCELLED, finished=now, error="cancelled; " + reason, version=next_version()
        ):
            return False
        zones_skip_unfinished(job, "not run: the job was cancelled")
        job_log(job, f"job cancelled: {reason}", level=JobEvent.Level.WARNING)
        return True
    if job.attempt < job.max_attempts:
        # A queued job's heartbeat is when its message was last sent (see jobs_resend_unclaimed).
        if not rows.update(state=Job.State.QUEUED, worker="", heartbeat=now, version=next_version()):
            return False
        job_log(
            job,
            f"{reason}; re-queued (attempt {job.attempt + 1} of {job.max_attempts})",
            level=JobEvent.Level.WARNING,
        )
        _enqueue_on_commit(job)
        return True
    if not rows.update(
        state=Job.State.FAILED,
        finished=now,
        error=f"{reason}; gave up after {job.attempt} attempts",
        version=next_version(),
    ):
        return False
    zones_skip_unfinished(job, f"not run: {why_not_run}")
    job_log(job, f"{reason}; failed after {job.attempt} attempts", level=JobEvent.Level.ERROR)
    return True
