"""Fixtures shared by tests/api and tests/security: two teams, each with hosts, a plan and jobs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.bundles import destination_bundle, source_bundle


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


@pytest.fixture
def world(team, other_team, operator, viewer, outsider, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    """Both teams' objects (django_db, not transactional: jobs are never really enqueued).

    The archive store and the host trees are this test's own folders."""
    settings.ARCHIVE_STORE = tmp_path / "archives"
    settings.LOCAL_EXECUTOR_ROOT = tmp_path / "hosts"
    return World(own=build_team_objects(team, "a"), other=build_team_objects(other_team, "b"))


@pytest.fixture
def api_client():  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    return APIClient()


def token_client(user: Any) -> Any:
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def operator_api(operator):  # type: ignore[no-untyped-def]
    return token_client(operator)


@pytest.fixture
def viewer_api(viewer):  # type: ignore[no-untyped-def]
    return token_client(viewer)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """The login rate limiter counts in the cache; no test may see another's failures."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
