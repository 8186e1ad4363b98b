"""Shared fixtures: teams and users, the external services, and a real Celery worker process."""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from bench.common import WorkerProcess, process_env

__all__ = ["REPO", "REQUIRE_SERVICES", "WorkerProcess", "require_tool", "wait_for", "worker_env"]

REPO = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("ZFLAR_REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true"

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


def require_tool(name: str) -> str:
    """Fail (never skip) when a tool the suite checks against is missing."""
    path = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if path is None:
        pytest.fail(f"{name} is not installed; `make test` installs it (scripts/install-system-deps)")
    return path


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


def worker_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        database_url = f"postgres://{user}@{host}:{port}/{db['NAME']}"
    env = {
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "ZFLAR_VAR_DIR": str(settings.VAR_DIR),
        "ZFLAR_ARCHIVE_STORE": str(settings.ARCHIVE_STORE),
        "ZFLAR_LOCAL_ROOT": str(settings.LOCAL_EXECUTOR_ROOT),
        "ZFLAR_HEARTBEAT_SECONDS": "1",
        "CELERY_POLLING_INTERVAL": "0.1",
    }
    env.update(extra or {})
    return process_env(settings="zflar_site.settings_test", database_url=database_url, **env)


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path) -> Iterator[WorkerProcess]:  # type: ignore[no-untyped-def]
    worker = WorkerProcess(worker_env(), tmp_path / "worker.log", name="test")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
