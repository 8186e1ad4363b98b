"""Writes for jobs: enqueue, claim, heartbeat, progress, per-zone results, finish, cancel, retry.

Every state change is a targeted UPDATE guarded by the state it expects, so a
duplicate delivery, a late heartbeat from a dead worker or a cancel racing a
finish cannot move a job backwards.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from planner.models import Plan, Team

from . import storage
from .models import Archive, Job, JobEvent, ZoneResult


class JobError(ValueError):
    """A job request the service refuses, with a message for the user."""


class JobCancelled(Exception):
    """Raised inside a running job when the user asked to cancel it."""


def _enqueue_on_commit(job: Job) -> None:
    from .tasks import run_job_task

    transaction.on_commit(lambda: run_job_task.delay(job.pk))


@transaction.atomic
def job_create(
    *,
    team: Team,
    kind: str,
    plan: Plan | None = None,
    executor: str = Job.Executor.LOCAL,
    params: dict[str, Any] | None = None,
    zone_names: Iterable[str] = (),
    user: AbstractBaseUser | None = None,
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
        kind=kind,
        executor=executor,
        params=params or {},
        zone_names=sorted(set(zone_names)),
        created_by=user,
        retry_of=retry_of,
        max_attempts=settings.ZFLAR_MAX_ATTEMPTS,
    )
    job_log(job, f"{job.get_kind_display()} job queued on the {executor} executor")
    _enqueue_on_commit(job)
    return job


def job_claim(*, job_id: int, task_id: str = "") -> Job | None:
    """Atomically move a queued job to running; None when someone else has it (or it ended)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED, cancel_requested=False).update(
        state=Job.State.RUNNING,
        started=now,
        heartbeat=now,
        attempt=F("attempt") + 1,
        worker=f"{socket.gethostname()}:{_pid()}",
        celery_task_id=task_id,
    )
    if not claimed:
        Job.objects.filter(pk=job_id, state=Job.State.QUEUED, cancel_requested=True).update(
            state=Job.State.CANCELLED, finished=now, error="cancelled before it started"
        )
        return None
    job = Job.objects.get(pk=job_id)
    # Exactly one of these per attempt: the trace of who ran the job, and when.
    job_log(job, f"claimed by {job.worker} (attempt {job.attempt} of {job.max_attempts})")
    return job


def _pid() -> int:
    import os

    return os.getpid()


class ProgressRecorder:
    """Throttled progress and heartbeat writes from inside a running job.

    Checks for a cancel request on every write, so a cancel lands within one heartbeat.
    """

    def __init__(self, job: Job, *, interval: float | None = None) -> None:
        self.job = job
        self.interval = settings.ZFLAR_HEARTBEAT_SECONDS if interval is None else interval
        self._last = 0.0

    def beat(
        self, *, bytes_done: int | None = None, bytes_total: int | None = None, force: bool = False
    ) -> None:
        now = time.monotonic()
        if not force and now - self._last < min(self.interval, 1.0):
            return
        self._last = now
        fields: dict[str, Any] = {"heartbeat": timezone.now()}
        if bytes_done is not None:
            fields["bytes_done"] = bytes_done
        if bytes_total is not None:
            fields["bytes_total"] = bytes_total
        updated = Job.objects.filter(pk=self.job.pk, state=Job.State.RUNNING, worker=self.job.worker).update(
            **fields
        )
        if not updated:
            raise JobCancelled("the job is no longer ours (ended by the reaper or cancelled)")
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise JobCancelled("cancelled by the user")

    def __call__(self, bytes_done: int, bytes_total: int | None, current: str = "") -> None:
        self.beat(bytes_done=bytes_done, bytes_total=bytes_total)

    def check_cancel(self) -> bool:
        self.beat()
        return False


def job_set_phase(job: Job, phase: str) -> None:
    Job.objects.filter(pk=job.pk).update(phase=phase[:64], heartbeat=timezone.now())
    job.phase = phase
    job_log(job, phase)


def job_log(job: Job, message: str, *, level: str = JobEvent.Level.INFO, zone: str = "") -> JobEvent:
    return JobEvent.objects.create(job=job, message=message, level=level, zone=zone)


def zone_results_init(job: Job, zones: Iterable[str]) -> None:
    ZoneResult.objects.bulk_create(
        [ZoneResult(job=job, zone=z) for z in zones],
        ignore_conflicts=True,
    )


def zone_result_set(
    job: Job, zone: str, state: str, message: str = "", details: dict[str, Any] | None = None
) -> None:
    ZoneResult.objects.update_or_create(
        job=job, zone=zone, defaults={"state": state, "message": message, "details": details or {}}
    )
    level = {
        ZoneResult.State.FAILED: JobEvent.Level.ERROR,
        ZoneResult.State.WARNING: JobEvent.Level.WARNING,
    }.get(state, JobEvent.Level.INFO)
    if message:
        job_log(job, f"{zone}: {state}: {message}", level=level, zone=zone)


def job_finish(job: Job, *, error: str = "", result: dict[str, Any] | None = None) -> Job:
    """End a running job; its final state follows from the per-zone results and the error."""
    results = list(job.zone_results.values_list("state", flat=True))
    if error:
        state = Job.State.FAILED
    elif any(s == ZoneResult.State.FAILED for s in results):
        state = Job.State.PARTIAL if any(s != ZoneResult.State.FAILED for s in results) else Job.State.FAILED
    else:
        state = Job.State.SUCCEEDED
    now = timezone.now()
    fields: dict[str, Any] = {"state": state, "finished": now, "heartbeat": now, "error": error[:4000]}
    if result is not None:
        fields["result"] = result
    # Only the attempt that holds the row may end it: after the reaper handed the job to another
    # worker, a late finish from the old one must not overwrite the new attempt.
    if not _owned(job).update(**fields):
        return _late(job, "finished late and was ignored: the job had been handed on or had ended")
    # Zones never reached stay visible as skipped rather than "pending" for ever.
    job.zone_results.filter(state__in=[ZoneResult.State.PENDING, ZoneResult.State.RUNNING]).update(
        state=ZoneResult.State.SKIPPED,
        message=(error and f"not run: the job failed ({error})") or "not run",
    )
    job.refresh_from_db()
    job_log(
        job,
        f"job {job.state}" + (f": {error}" if error else ""),
        level=JobEvent.Level.ERROR if error else JobEvent.Level.INFO,
    )
    return job


def _owned(job: Job) -> QuerySet[Job]:
    """The job's row while ``job`` (the caller's copy) still holds it.

    A running copy holds the row while the row is running under the same worker; a queued copy
    (never claimed, or re-queued by the reaper) while the row is queued or running.
    """
    rows = Job.objects.filter(pk=job.pk)
    if job.state == Job.State.RUNNING and job.worker:
        return rows.filter(state=Job.State.RUNNING, worker=job.worker)
    return rows.filter(state__in=Job.ACTIVE_STATES)


def _late(job: Job, what: str) -> Job:
    """Log that an attempt which no longer holds the row tried to end it; return the row as it is.

    The caller's copy is left alone, so it keeps speaking for its own (dead) attempt.
    """
    current = Job.objects.get(pk=job.pk)
    who = f"{job.worker or 'a worker'} (attempt {job.attempt})"
    job_log(current, f"{who} {what}", level=JobEvent.Level.WARNING)
    return current


def job_mark_cancelled(job: Job, reason: str) -> Job:
    now = timezone.now()
    if not _owned(job).update(state=Job.State.CANCELLED, finished=now, error=reason):
        return _late(job, f"stopped: {reason}")
    job.zone_results.filter(state__in=[ZoneResult.State.PENDING, ZoneResult.State.RUNNING]).update(
        state=ZoneResult.State.SKIPPED, message=f"not run: {reason}"
    )
    job.refresh_from_db()
    job_log(job, f"job cancelled: {reason}", level=JobEvent.Level.WARNING)
    return job


def job_cancel(*, job: Job) -> Job:
    """Ask a job to stop. A queued job ends at once; a running one stops at its next heartbeat."""
    if job.is_terminal:
        raise JobError(f"{job} already ended ({job.state})")
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    if Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).exists():
        return job_mark_cancelled(job, "cancelled before it started")
    job_log(job, "cancel requested; the job stops at its next checkpoint", level=JobEvent.Level.WARNING)
    job.refresh_from_db()
    return job


def job_retry_failed(*, job: Job, user: AbstractBaseUser | None = None) -> Job:
    """A new job over only the zones that failed (or were skipped) in ``job``."""
    if not job.is_terminal:
        raise JobError(f"{job} is still {job.state}")
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
        if not rows.update(state=Job.State.CANCELLED, finished=now, error="cancelled; " + reason):
            return False
        job.zone_results.filter(state__in=[ZoneResult.State.PENDING, ZoneResult.State.RUNNING]).update(
            state=ZoneResult.State.SKIPPED, message="not run: the job was cancelled"
        )
        job_log(job, f"job cancelled: {reason}", level=JobEvent.Level.WARNING)
        return True
    if job.attempt < job.max_attempts:
        # A queued job's heartbeat is when its message was last sent (see jobs_resend_unclaimed).
        if not rows.update(state=Job.State.QUEUED, worker="", heartbeat=now):
            return False
        job_log(
            job,
            f"{reason}; re-queued (attempt {job.attempt + 1} of {job.max_attempts})",
            level=JobEvent.Level.WARNING,
        )
        _enqueue_on_commit(job)
        return True
    if not rows.update(
        state=Job.State.FAILED, finished=now, error=f"{reason}; gave up after {job.attempt} attempts"
    ):
        return False
    job.zone_results.filter(state__in=[ZoneResult.State.PENDING, ZoneResult.State.RUNNING]).update(
        state=ZoneResult.State.SKIPPED, message=f"not run: {why_not_run}"
    )
    job_log(job, f"{reason}; failed after {job.attempt} attempts", level=JobEvent.Level.ERROR)
    return True


# --- archives: a team's own files in its folder of the archive store ----------------------------


def archive_register(
    *,
    team_id: int,
    relative: str,
    origin: str,
    name: str = "",
    job: Job | None = None,
    archive_id: str = "",
    user: AbstractBaseUser | None = None,
) -> Archive:
    """Record (or refresh) the archive at ``relative`` in the team's folder; the file must be there.

    The path is checked to resolve inside the team's folder before the record is written.
    """
    full = storage.archive_file(team_id, relative)
    clean = storage.relative_archive(team_id, full)
    size = full.stat().st_size if full.is_file() else 0
    archive, _ = Archive.objects.update_or_create(
        team_id=team_id,
        path=clean,
        defaults={
            "origin": origin,
            "name": (name or Path(clean).name)[:255],
            "job": job,
            "size": size,
            "archive_id": archive_id[:64],
            "created_by": user,
        },
    )
    return archive


def archives_sync_store(*, team_id: int) -> int:
    """Record the flars an administrator copied into the team's folder (top level and uploads/).

    Symlinks and other non-regular files are left out; records whose file is gone are removed.
    Returns how many records it added.
    """
    root = storage.team_archive_root(team_id)
    known = dict(Archive.objects.filter(team_id=team_id).values_list("path", "pk"))
    found: set[str] = set()
    for folder, prefix in ((root, ""), (root / storage.UPLOADS, f"{storage.UPLOADS}/")):
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            named = entry.name.lower().endswith(storage.ARCHIVE_SUFFIXES)
            if named and entry.is_file() and not entry.is_symlink():
                found.add(prefix + entry.name)
    added = 0
    for relative in sorted(found - set(known)):
        archive_register(team_id=team_id, relative=relative, origin=Archive.Origin.STORE)
        added += 1
    gone = [pk for path, pk in known.items() if path not in found and not _archive_exists(team_id, path)]
    if gone:
        Archive.objects.filter(pk__in=gone).delete()
    return added


def _archive_exists(team_id: int, relative: str) -> bool:
    try:
        return storage.archive_file(team_id, relative).is_file()
    except storage.PathEscape:
        return False


def archive_store_upload(*, team_id: int, upload: Any, user: AbstractBaseUser | None = None) -> Archive:
    """Store an uploaded flar under the team's ``uploads/`` with a generated name (never the user's)."""
    relative = storage.upload_relative()
    path = storage.archive_file(team_id, relative)
    storage.ensure_folder(path.parent, what="the team's upload folder")
    with path.open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    display = Path(str(getattr(upload, "name", "") or "upload.flar")).name[:200] or "upload.flar"
    return archive_register(
        team_id=team_id, relative=relative, origin=Archive.Origin.UPLOAD, name=display, user=user
    )
