"""Fixtures for the web tests: hosts imported through the real loaders, a plan, jobs in each state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web import bundles


def import_bytes(team, name: str, data: bytes, user=None):  # type: ignore[no-untyped-def]
    from planner import services
    from planner.inputs import load_upload

    return services.host_import(team=team, loaded=load_upload(name, data), user=user)


@pytest.fixture
def source_host(team, operator):  # type: ignore[no-untyped-def]
    return import_bytes(team, "oldbox.tar.gz", bundles.source_bundle(), operator).host


@pytest.fixture
def destination_host(team, operator):  # type: ignore[no-untyped-def]
    return import_bytes(team, "newbox.tar.gz", bundles.destination_bundle(), operator).host


@pytest.fixture
def plan(team, operator, source_host, destination_host):  # type: ignore[no-untyped-def]
    from planner import services

    return services.plan_create(team=team, source=source_host, destination=destination_host, user=operator)


def make_job(plan, *, state: str = "running", kind: str = "archive", zones=("web01", "db01"), **fields):  # type: ignore[no-untyped-def]
    """A job row in a given state, with per-zone results and a few events (no Celery involved)."""
    from jobs.models import Job, JobEvent, ZoneResult

    now = timezone.now()
    job = Job.objects.create(
        team=plan.team if plan is not None else fields.pop("team"),
        plan=plan,
        kind=kind,
        state=state,
        started=now - timedelta(seconds=40),
        finished=now if state in Job.TERMINAL_STATES else None,
        bytes_done=fields.pop("bytes_done", 400 * 2**20),
        bytes_total=fields.pop("bytes_total", 1000 * 2**20),
        attempt=1,
        **fields,
    )
    zone_state = {"running": "running", "succeeded": "ok", "partial": "failed", "failed": "failed"}.get(
        state, "pending"
    )
    for i, zone in enumerate(zones):
        ZoneResult.objects.create(
            job=job, zone=zone, state=zone_state if i == 0 else "ok", message=f"{zone} message"
        )
    JobEvent.objects.create(job=job, message="archive: flarcreate")
    JobEvent.objects.create(job=job, message="db01: slow disk", level="warning", zone="db01")
    return job


@pytest.fixture
def running_job(plan):  # type: ignore[no-untyped-def]
    return make_job(plan, state="running")


@pytest.fixture
def partial_job(plan):  # type: ignore[no-untyped-def]
    return make_job(plan, state="partial")


@pytest.fixture
def other_plan(other_team, outsider):  # type: ignore[no-untyped-def]
    """A plan, hosts and a job of another team: every URL of theirs must answer 404 to our users."""
    from planner import services

    src = import_bytes(other_team, "theirs.tar.gz", bundles.source_bundle("theirsrc"), outsider).host
    dst = import_bytes(other_team, "theirdst.tar.gz", bundles.destination_bundle("theirdst"), outsider).host
    return services.plan_create(team=other_team, source=src, destination=dst, user=outsider)


@pytest.fixture
def archive_store(settings, tmp_path):  # type: ignore[no-untyped-def]
    store = tmp_path / "archives"
    store.mkdir()
    settings.ARCHIVE_STORE = store
    return store
