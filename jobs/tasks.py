"""Celery tasks: a few lines each. Load by id, claim the job row, call the runner.

An entry point, like a view: it imports :mod:`jobs.progress`, :mod:`jobs.lifecycle` and
:mod:`jobs.runners`, and nothing imports it (jobs are sent by the task's name).

Delivery is at-least-once (acks_late) and the Job row decides who runs: the claim is an atomic
UPDATE, so a second delivery of the same message does nothing.  See docs/reliability.md.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from . import lifecycle, progress, runners, storage
from .models import Job

log = logging.getLogger(__name__)

# A message that arrives while the database is unreachable is retried rather than acked and lost.
CLAIM_RETRY_SECONDS = 5
CLAIM_RETRIES = 60


@shared_task(bind=True, name=lifecycle.RUN_JOB_TASK)
def run_job_task(self, job_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        job = progress.job_claim(job_id=job_id, task_id=self.request.id or "")
    except (OperationalError, InterfaceError) as exc:
        connections.close_all()
        raise self.retry(exc=exc, countdown=CLAIM_RETRY_SECONDS, max_retries=CLAIM_RETRIES) from exc
    if job is None:  # a duplicate delivery, or the job was cancelled or ended meanwhile
        log.info(
            "job %s: not claimed (already taken, ended or cancelled); this delivery does nothing", job_id
        )
        return
    try:
        runners.run_job(job)
    except (OperationalError, InterfaceError) as exc:
        log.warning("job %s: lost its database connection mid-run", job.pk, exc_info=True)
        _database_lost(job, exc)


def _database_lost(job: Job, exc: Exception) -> None:
    """The job's database connection dropped mid-run: re-queue or fail the job now, not at the next reap.

    Django does not reconnect inside a task, so drop the broken connection first.  When the
    database is still unreachable, ask for a reap once the heartbeat has gone stale.
    """
    connections.close_all()
    reason = f"the database connection was lost ({exc.__class__.__name__}: {str(exc).strip()[:200]})"
    try:
        if not lifecycle.job_interrupted(job, reason):
            log.info("job %s: already handed on or ended; nothing to re-queue", job.pk)
    except DatabaseError:
        connections.close_all()
        log.exception("job %s: database still unreachable; the reaper will end or re-queue it", job.pk)
        _schedule_reap(None)


def _schedule_reap(delay: float | None) -> None:
    if delay is None:
        delay = settings.ZFLAR_STALE_AFTER_SECONDS + settings.ZFLAR_HEARTBEAT_SECONDS
    try:
        reap_stale_jobs_task.apply_async(countdown=delay + 1)
    except Exception:  # the broker may be down too; beat reaps every 30 s anyway
        log.exception("could not schedule a reap of stale jobs")


@shared_task(name="jobs.tasks.reap_stale_jobs_task")
def reap_stale_jobs_task() -> list[int]:
    return lifecycle.jobs_reap_stale() + lifecycle.jobs_resend_unclaimed()


@worker_ready.connect
def reap_at_worker_start(**_: object) -> None:
    """A worker that starts after a crash finds the jobs the dead one left running.

    A worker restarted at once finds them still fresh (their heartbeat is younger than the stale
    limit), so it also asks for one more reap at the moment the freshest of them would go stale.
    """
    for problem in storage.storage_problems(create=True):
        log.error("storage: %s; jobs that need this folder will fail until it is fixed", problem)
    try:
        lifecycle.jobs_reap_stale()
        delay = lifecycle.jobs_seconds_until_stale()
    finally:
        connections.close_all()  # the main process holds no connection between reaps
    if delay is not None:
        _schedule_reap(delay)
