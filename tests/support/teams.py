"""Two teams' worth of objects for the API, web and security tests, and the helpers that make them.

Hosts come in through the real loaders and services (:func:`import_bytes`); jobs are rows in a
chosen state with per-zone results (:func:`make_job`), or created by the service without a worker.
The fixtures that use these (``world``, ``plan``...) live in the conftest files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.support.bundles import destination_bundle, source_bundle


@dataclass
class TeamObjects:
    team: Any
    source: Any
    destination: Any
    plan: Any
    failed_job: Any  # terminal, with failed zones: retry-failed works, cancel is a conflict
    queued_job: Any  # active, no plan: cancel works
    archive: Any  # a flar in the team's folder of the archive store


@dataclass
class World:
    own: TeamObjects  # objects of `team` (operator and viewer are members)
    other: TeamObjects  # objects of `other_team` (outsider is its operator)

    def of(self, which: str) -> TeamObjects:
        return self.own if which == "own" else self.other


def import_bytes(team: Any, name: str, data: bytes, user: Any = None, replan: bool = True) -> Any:
    from planner import services
    from planner.inputs import load_upload

    return services.host_import(team=team, loaded=load_upload(name, data), user=user, replan=replan)


def build_team_objects(team: Any, prefix: str) -> TeamObjects:
    from jobs import archives, lifecycle, storage
    from jobs.models import Job, ZoneResult
    from planner import services

    src = import_bytes(team, f"{prefix}src.tar.gz", source_bundle(f"{prefix}src01")).host
    dst = import_bytes(team, f"{prefix}dst.tar.gz", destination_bundle(f"{prefix}dst01")).host
    src.refresh_from_db()
    dst.refresh_from_db()
    plan = services.plan_create(team=team, source=src, destination=dst, name=f"{prefix} plan")
    failed = lifecycle.job_create(team=team, kind=Job.Kind.ARCHIVE, plan=plan)
    ZoneResult.objects.create(job=failed, zone="web01", state=ZoneResult.State.FAILED, message="boom")
    ZoneResult.objects.create(job=failed, zone="app01", state=ZoneResult.State.OK)
    Job.objects.filter(pk=failed.pk).update(state=Job.State.PARTIAL, error="")
    failed.refresh_from_db()
    queued = lifecycle.job_create(team=team, kind=Job.Kind.INSPECT, params={"archive_path": "x.flar"})
    folder = storage.team_archive_root(team.pk)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{prefix}-web.flar").write_bytes(b"FlAsH-aRcHiVe-2.0\nsection_begin=identification\n")
    archive = archives.archive_register(team_id=team.pk, relative=f"{prefix}-web.flar", origin="store")
    return TeamObjects(
        team=team,
        source=src,
        destination=dst,
        plan=plan,
        failed_job=failed,
        queued_job=queued,
        archive=archive,
    )


def token_client(user: Any) -> Any:
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def make_job(
    plan: Any,
    *,
    state: str = "running",
    kind: str = "archive",
    zones: tuple[str, ...] = ("web01", "db01"),
    **fields: Any,
) -> Any:
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
