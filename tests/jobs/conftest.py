"""Job tests that touch the database get their own archive store and host trees.

``<tmp>/archives`` and ``<tmp>/hosts`` stand in for ARCHIVE_STORE and LOCAL_EXECUTOR_ROOT; each
team's folders are made below them (jobs/storage.py).  Set before any worker fixture starts, so
a worker process (tests.conftest.worker_env) gets the same folders.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _job_stores(request: pytest.FixtureRequest) -> None:
    if not {"db", "transactional_db"} & set(request.fixturenames):
        return
    settings = request.getfixturevalue("settings")
    tmp_path = request.getfixturevalue("tmp_path")
    settings.ARCHIVE_STORE = tmp_path / "archives"
    settings.LOCAL_EXECUTOR_ROOT = tmp_path / "hosts"
