"""Progress of a running job: claim, heartbeat, phase, log, per-zone results, finish.

What the runners (and the task that claims a job) write through.  Every state change is a
targeted UPDATE guarded by the state it expects, so a duplicate delivery, a late heartbeat from a
dead worker or a cancel racing a finish cannot move a job backwards.  Starting, cancelling,
retrying and re-queueing jobs is :mod:`jobs.lifecycle`.

Every write that changes what the job page's live block shows also increments ``Job.version``:
in the same UPDATE for the job's own row (``version=next_version()``), right after the write for
its zone results and events (their ``save()``, or ``Job.bump_version`` after a queryset write).
The progress partial's ETag comes from it (:mod:`jobs.live`).  A heartbeat alone is not shown.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from .models import Job, JobEvent, ZoneResult, next_version


class JobCancelled(Exception):
    """Raised inside a running job when the user asked to cancel it."""


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
        version=next_version(),
    )
    if not claimed:
        Job.objects.filter(pk=job_id, state=Job.State.QUEUED, cancel_requested=True).update(
            state=Job.State.CANCELLED,
            finished=now,
            error="cancelled before it started",
            version=next_version(),
        )
        return None
    job = Job.objects.get(pk=job_id)
    # Exactly one of these per attempt: the trace of who ran the job, and when.
    job_log(job, f"claimed by {job.worker} (attempt {job.attempt} of {job.max_attempts})")
    return job


def _pid() -> int:
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
        if len(fields) > 1:  # the bytes are shown; the heartbeat is not
            fields["version"] = next_version()
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
    Job.objects.filter(pk=job.pk).update(phase=phase[:64], heartbeat=timezone.now(), version=next_version())
    job.phase = phase
    job_log(job, phase)


def job_log(job: Job, message: str, *, level: str = JobEvent.Level.INFO, zone: str = "") -> JobEvent:
    # JobEvent.save() increments the job's version.
    return JobEvent.objects.create(job=job, message=message, level=level, zone=zone)


def job_set_archive_path(job: Job, path: str) -> None:
    Job.objects.filter(pk=job.pk).update(archive_path=path, version=next_version())
    job.archive_path = path


def zone_results_init(job: Job, zones: Iterable[str], *, afresh: bool = False) -> None:
    """A pending result for each zone; ``afresh``: drop the zones' results of an earlier attempt first."""
    with transaction.atomic():
        if afresh:
            job.zone_results.all().delete()
        ZoneResult.objects.bulk_create(
            [ZoneResult(job=job, zone=z) for z in zones],
            ignore_conflicts=True,
        )
        Job.bump_version(job.pk)


def zone_result_set(
    job: Job, zone: str, state: str, message: str = "", details: dict[str, Any] | None = None
) -> None:
    # ZoneResult.save() increments the job's version.
    ZoneResult.objects.update_or_create(
        job=job, zone=zone, defaults={"state": state, "message": message, "details": details or {}}
    )
    levels: dict[str, str] = {
        ZoneResult.State.FAILED: JobEvent.Level.ERROR,
        ZoneResult.State.WARNING: JobEvent.Level.WARNING,
    }
    level = levels.get(state, JobEvent.Level.INFO)
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
    fields: dict[str, Any] = {
        "state": state,
        "finished": now,
        "heartbeat": now,
        "error": error[:4000],
        "version": next_version(),
    }
    if result is not None:
        fields["result"] = result
    # Only the attempt that holds the row may end it: after the reaper handed the job to another
    # worker, a late finish from the old one must not overwrite the new attempt.
    if not _owned(job).update(**fields):
        return _late(job, "finished late and was ignored: the job had been handed on or had ended")
    # Zones never reached stay visible as skipped rather than "pending" for ever.
    zones_skip_unfinished(job, (error and f"not run: the job failed ({error})") or "not run")
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


def zones_skip_unfinished(job: Job, message: str) -> None:
    """The job ended: its zones still pending or running become skipped, with ``message``."""
    skipped = job.zone_results.filter(state__in=[ZoneResult.State.PENDING, ZoneResult.State.RUNNING]).update(
        state=ZoneResult.State.SKIPPED, message=message
    )
    if skipped:
        Job.bump_version(job.pk)


def job_mark_cancelled(job: Job, reason: str) -> Job:
    now = timezone.now()
    if not _owned(job).update(state=Job.State.CANCELLED, finished=now, error=reason, version=next_version()):
        return _late(job, f"stopped: {reason}")
    zones_skip_unfinished(job, f"not run: {reason}")
    job.refresh_from_db()
    job_log(job, f"job cancelled: {reason}", level=JobEvent.Level.WARNING)
    return job
