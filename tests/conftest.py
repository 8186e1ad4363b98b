"""Shared fixtures: teams and users, the external services, and a real Celery worker process."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.support.processes import REQUIRE_SERVICES, WorkerProcess, worker_env
from tests.support.teams import World, build_team_objects, token_client

# --- Hypothesis: one profile per place the suite runs ----------------------------------------------
# "ci" is derandomized (the same examples on every run, so a failure reproduces), keeps no example
# database (a failure found by fuzzing is kept in the test as an explicit @example), has no deadline
# and tolerates a busy 2-core machine.  "dev" stays random, to find new failures while editing.
_BUSY_MACHINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=_BUSY_MACHINE,
)
hypothesis_settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)

# --- which tests the backend changes ------------------------------------------------------------------
# A test that touches the database or the broker is marked "backend" here, from the fixtures it uses;
# CI runs those a second time on PostgreSQL and Redis.  Everything else is pure and runs once.
_BACKEND_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "services_urls"}
_BACKEND_MARKERS = ("django_db", "worker", "browser", "services")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        if uses & _BACKEND_FIXTURES or any(item.get_closest_marker(m) for m in _BACKEND_MARKERS):
            item.add_marker(pytest.mark.backend)


def _port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def services_urls() -> dict[str, str]:
    """PostgreSQL and Redis for the tests that exercise them: required in CI, optional locally."""
    database = os.environ.get("CI_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    broker = os.environ.get("CI_BROKER_URL", "redis://127.0.0.1:6379/14")
    missing = [
        name
        for name, url, port in (("PostgreSQL", database, 5432), ("Redis", broker, 6379))
        if not _port_open(url, port)
    ]
    if missing:
        message = f"{' and '.join(missing)} not reachable on 127.0.0.1"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message}; CI requires them (.ci/run starts them)")
        pytest.skip(f"{message}; these tests run in CI (CI=true), where the services are required")
    return {"database": database, "broker": broker}


# --- teams and users ---------------------------------------------------------------------------


@pytest.fixture
def team(db):  # type: ignore[no-untyped-def]
    from planner.models import Team

    return Team.objects.create(name="Unix team")


@pytest.fixture
def other_team(db):  # type: ignore[no-untyped-def]
    from planner.models import Team

    return Team.objects.create(name="Other team")


def _member(team, username: str, role: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from planner.models import Membership

    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    Membership.objects.create(user=user, team=team, role=role)
    return user


@pytest.fixture
def operator(team):  # type: ignore[no-untyped-def]
    return _member(team, "olivia", "operator")


@pytest.fixture
def viewer(team):  # type: ignore[no-untyped-def]
    return _member(team, "victor", "viewer")


@pytest.fixture
def outsider(other_team):  # type: ignore[no-untyped-def]
    return _member(other_team, "oscar", "operator")


@pytest.fixture
def operator_client(client, operator):  # type: ignore[no-untyped-def]
    client.force_login(operator)
    return client


@pytest.fixture
def viewer_client(client, viewer):  # type: ignore[no-untyped-def]
    client.force_login(viewer)
    return client


# --- a real Celery worker in its own process ------------------------------------------------------
# One launcher for the suite and the benchmarks: bench/common.py (plain Python, no Django at import).


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path) -> Iterator[WorkerProcess]:  # type: ignore[no-untyped-def]
    worker = WorkerProcess(worker_env(), tmp_path / "worker.log", name="test")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


# --- the API and security tests' objects (tests/support/teams.py) -----------------------------------


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


@pytest.fixture
def operator_api(operator):  # type: ignore[no-untyped-def]
    return token_client(operator)


@pytest.fixture
def viewer_api(viewer):  # type: ignore[no-untyped-def]
    return token_client(viewer)


@pytest.fixture
def clear_cache() -> Iterator[None]:
    """The login rate limiter counts in the cache; no test may see another's failures."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
