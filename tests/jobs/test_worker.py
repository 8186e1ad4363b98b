"""Archive and extract jobs through a real ``celery worker`` process, end to end.

The worker runs against the test database and the suite's broker: the filesystem
broker in the local pass, Redis in CI's second pass (``CELERY_BROKER_URL``).  One test
starts its own worker on Redis explicitly (``services_urls``), so Redis is covered
locally too whenever it is running.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.archives import split_payload
from tests.support.processes import WorkerProcess, wait_for, worker_env
from tests.support.seed import (
    ARCHIVE_EXPECTED,
    EXTRACT_EXPECTED,
    World,
    check_zone_results,
    cpio_names,
    make_world,
    results,
)

pytestmark = pytest.mark.worker

JOB_TIMEOUT = 90.0


def create(world: World, kind: str, **params: Any) -> Any:
    from jobs import lifecycle

    return lifecycle.job_create(team=world.team, kind=kind, plan=world.plan, params=world.params(**params))


def wait_until_ended(job: Any, worker: WorkerProcess, timeout: float = JOB_TIMEOUT) -> Any:
    from jobs.models import Job

    def ended() -> Any:
        row = Job.objects.get(pk=job.pk)
        return row if row.is_terminal else None

    try:
        return wait_for(ended, timeout=timeout, what=f"job {job.pk} to end")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- worker log ---\n{worker.log()[-4000:]}") from None


def archive_then_extract(world: World, worker: WorkerProcess) -> tuple[Any, Any]:
    archive = wait_until_ended(create(world, "archive"), worker)
    assert archive.state == "partial", archive.error
    check_zone_results(results(archive), ARCHIVE_EXPECTED)
    extract = wait_until_ended(create(world, "extract"), worker)
    assert extract.state == "partial", extract.error
    check_zone_results(results(extract), EXTRACT_EXPECTED)
    return archive, extract


def test_archive_and_extract_jobs_run_on_a_real_worker(
    transactional_db: None, celery_worker_process: WorkerProcess, team: Any, tmp_path: Path
) -> None:
    world = make_world(team, tmp_path)

    archive, extract = archive_then_extract(world, celery_worker_process)

    for job in (archive, extract):
        assert job.attempt == 1
        assert job.worker and job.celery_task_id, "claimed by the worker, not in this process"
        assert job.bytes_total and job.bytes_done == job.bytes_total
    assert extract.result["archive_path"] == archive.archive_path
    assert {"zones/z-ufs/root/opt/local/README"} <= set(cpio_names(world.archive(archive.archive_path)))
    nets = world.destination().zone_config("z-net-remap").nets
    assert [n.physical for n in nets] == ["e1000g1"]


def test_a_duplicate_delivery_does_nothing(
    transactional_db: None, celery_worker_process: WorkerProcess, team: Any, tmp_path: Path
) -> None:
    from jobs.tasks import run_job_task

    world = make_world(team, tmp_path)
    job = create(world, "archive")  # its own message goes out when the transaction commits
    duplicates = [run_job_task.delay(job.pk).id for _ in range(2)]

    job = wait_until_ended(job, celery_worker_process)
    wait_for(
        lambda: all(f"run_job_task[{task}] succeeded" in celery_worker_process.log() for task in duplicates),
        timeout=JOB_TIMEOUT,
        what="the worker to take the duplicate messages",
    )
    job.refresh_from_db()
    assert job.state == "partial"
    assert job.attempt == 1, "one claim for three deliveries"
    assert job.zone_results.count() == 11


def test_cancel_stops_a_running_archive_and_one_job_per_plan_runs(
    transactional_db: None, celery_worker_process: WorkerProcess, team: Any, tmp_path: Path
) -> None:
    from jobs import lifecycle
    from jobs.models import Job

    # A slow source host: the archive takes about seven seconds.
    world = make_world(team, tmp_path, bytes_per_second=100_000)
    job = create(world, "archive")
    wait_for(
        lambda: Job.objects.filter(pk=job.pk, state="running", bytes_done__gt=0).exists(),
        timeout=JOB_TIMEOUT,
        what="the archive to be under way",
    )
    with pytest.raises(lifecycle.JobError, match="one job per plan runs at a time"):
        create(world, "extract")

    lifecycle.job_cancel(job=Job.objects.get(pk=job.pk))
    job = wait_until_ended(job, celery_worker_process, timeout=30)

    assert job.state == "cancelled", job.error
    assert job.error == "cancelled by the user"
    assert 0 < job.bytes_done < job.bytes_total, "stopped part-way through flarcreate"
    assert {r.state for r in job.zone_results.all()} == {"skipped"}
    # The worker undid its temporary changes on the source and left no partial archive.
    assert world.source().zone_config("z-autoboot").autoboot is True
    assert not list(world.archives.glob("*"))
    # With the job ended the plan takes a new one (cancelled too, so the worker stops promptly).
    again = create(world, "archive")
    assert again.state == "queued"
    lifecycle.job_cancel(job=again)
    assert wait_until_ended(again, celery_worker_process, timeout=30).state == "cancelled"


def test_retry_runs_only_the_failed_zones(
    transactional_db: None, celery_worker_process: WorkerProcess, team: Any, tmp_path: Path
) -> None:
    from jobs import lifecycle

    world = make_world(team, tmp_path)
    first = wait_until_ended(create(world, "archive"), celery_worker_process)
    failed = sorted(zone for zone, (state, _) in results(first).items() if state == "failed")
    assert failed == ["z-nfs-zonepath", "z-svm"]

    retry = lifecycle.job_retry_failed(job=first)
    assert retry.zone_names == failed and retry.retry_of_id == first.pk
    retry = wait_until_ended(retry, celery_worker_process)

    assert retry.state == "failed", "both zones are blocked by the plan, so they fail again"
    got = results(retry)
    assert sorted(got) == failed
    for zone in failed:
        assert got[zone] == results(first)[zone]
    # The archive is of the whole system: the retry prepared every zone, so it is complete.
    archive = world.archive(retry.archive_path)
    assert (
        hashlib.md5(split_payload(archive), usedforsecurity=False).hexdigest() == retry.result["archive_id"]
    )
    assert "zones/z-ufs/root/opt/local/README" in set(cpio_names(archive))


@pytest.fixture
def redis_worker(
    services_urls: dict[str, str], transactional_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[WorkerProcess]:
    """A worker on the Redis broker from services_urls, and this process publishing there too."""
    from django.db import transaction
    from kombu import Connection

    from jobs import lifecycle
    from jobs.tasks import run_job_task

    broker = services_urls["broker"]

    def enqueue_on_redis(job: Any) -> None:
        def send() -> None:
            with Connection(broker) as connection:
                run_job_task.apply_async((job.pk,), connection=connection)

        transaction.on_commit(send)

    monkeypatch.setattr(lifecycle, "_enqueue_on_commit", enqueue_on_redis)
    worker = WorkerProcess(worker_env({"CELERY_BROKER_URL": broker}), tmp_path / "redis-worker.log")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


@pytest.mark.services
def test_archive_and_extract_jobs_run_through_redis(
    redis_worker: WorkerProcess, team: Any, tmp_path: Path, services_urls: dict[str, str]
) -> None:
    world = make_world(team, tmp_path)

    archive, extract = archive_then_extract(world, redis_worker)

    banner = redis_worker.log()
    host_and_db = services_urls["broker"].split("@")[-1].split("://")[-1]
    assert "transport:   redis://" in banner and host_and_db in banner, "the worker consumed from Redis"
    assert archive.celery_task_id and extract.celery_task_id
