"""Celery tasks: a few lines each. Load by id, claim the job row, call the runner."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready


@shared_task(bind=True, name="jobs.tasks.run_job_task")
def run_job_task(self, job_id: int) -> None:  # type: ignore[no-untyped-def]
    from .runners import run_job
    from .services import job_claim

    job = job_claim(job_id=job_id, task_id=self.request.id or "")
    if job is None:  # a duplicate delivery, or the job was cancelled or ended meanwhile
        return
    run_job(job)


@shared_task(name="jobs.tasks.reap_stale_jobs_task")
def reap_stale_jobs_task() -> list[int]:
    from .services import jobs_reap_stale

    return jobs_reap_stale()


@worker_ready.connect
def reap_at_worker_start(**_: object) -> None:
    """A worker that starts after a crash finds the jobs the dead one left running."""
    from .services import jobs_reap_stale

    jobs_reap_stale()
