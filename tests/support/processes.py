"""Processes the tests start: a real Celery worker (bench/common.py's launcher), and the tools and
services the suite checks against (a missing one fails the suite, never skips it)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from bench.common import WorkerProcess, process_env

__all__ = ["REPO", "REQUIRE_SERVICES", "WorkerProcess", "require_tool", "wait_for", "worker_env"]

REPO = Path(__file__).resolve().parent.parent.parent
REQUIRE_SERVICES = os.environ.get("ZFLAR_REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true"


def require_tool(name: str) -> str:
    """Fail (never skip) when a tool the suite checks against is missing."""
    path = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if path is None:
        pytest.fail(f"{name} is not installed; `make test` installs it (scripts/install-system-deps)")
    return path


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


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
