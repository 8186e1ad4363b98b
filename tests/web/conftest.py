"""Fixtures for the web tests: hosts imported through the real loaders, a plan, jobs in each state."""

from __future__ import annotations

import pytest

from tests.support.bundles import t5220 as bundles
from tests.support.teams import import_bytes, make_job


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
