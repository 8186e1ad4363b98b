"""Browser tests: Playwright for Python drives Debian's Chromium against pytest-django's live server.

* Chromium is the distribution's (``/usr/bin/chromium``, or ``CHROMIUM_PATH``); no browser is ever
  downloaded.  A missing Chromium fails the tests (``require_tool``), it never skips them.
* Playwright's sync API keeps an asyncio loop running in the test thread from ``start()`` to
  ``stop()``, and Django refuses ORM calls from a thread with a running loop
  (``SynchronousOnlyOperation``) unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set.  So the fixtures below
  narrow pytest-playwright's session-scoped ``playwright``/``browser`` fixtures to this package and set
  the variable only while Playwright runs: the rest of the suite keeps Django's guard.
* ``live_server`` uses the transactional database, which a real Celery worker process shares (the
  SQLite test database is a file); the archive store and the local executor's host trees live in
  the test's ``tmp_path``.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserType, Playwright, expect, sync_playwright

from tests.support.browser import (
    CHROMIUM_ARGS,
    DESTINATION_HOSTNAME,
    DESTINATION_MODEL,
    SOURCE_HOSTNAME,
    VIEWPORT,
    LazyWorker,
    build_source_tree,
)
from tests.support.processes import require_tool

# --- Playwright for this package only ----------------------------------------------------------------


@pytest.fixture(scope="package")
def _sync_orm_under_playwright() -> Iterator[None]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def chromium_path() -> str:
    override = os.environ.get("CHROMIUM_PATH")
    if override:
        if not Path(override).is_file():
            pytest.fail(f"CHROMIUM_PATH={override} does not exist")
        return override
    return require_tool("chromium")


@pytest.fixture(scope="package")
def playwright(_sync_orm_under_playwright: None, _pw_api_request_contexts: Any) -> Iterator[Playwright]:
    pw = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def browser_type_launch_args(pytestconfig: Any, chromium_path: str) -> dict[str, Any]:
    args: dict[str, Any] = {"executable_path": chromium_path, "args": CHROMIUM_ARGS}
    if pytestconfig.getoption("--headed"):
        args["headless"] = False
    slowmo = pytestconfig.getoption("--slowmo")
    if slowmo:
        args["slow_mo"] = slowmo
    return args


@pytest.fixture(scope="package")
def launch_browser(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType
) -> Callable[..., Browser]:
    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(playwright: Playwright) -> dict[str, Any]:
    return {
        "viewport": VIEWPORT,
        "locale": "en-US",
        "timezone_id": "UTC",
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def _expect_timeout() -> None:
    expect.set_options(timeout=15_000)


# --- the server side ---------------------------------------------------------------------------------


@pytest.fixture
def job_dirs(settings, tmp_path) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """The archive store and the local executor's host trees, private to the test (server and worker)."""
    settings.ARCHIVE_STORE = tmp_path / "archives"
    settings.LOCAL_EXECUTOR_ROOT = tmp_path / "hosts"
    settings.ARCHIVE_STORE.mkdir()
    settings.LOCAL_EXECUTOR_ROOT.mkdir()
    return {"archives": settings.ARCHIVE_STORE, "hosts": settings.LOCAL_EXECUTOR_ROOT}


@pytest.fixture
def worker(transactional_db, job_dirs, tmp_path) -> Iterator[LazyWorker]:  # type: ignore[no-untyped-def]
    lazy = LazyWorker(tmp_path / "worker.log")
    try:
        yield lazy
    finally:
        lazy.stop()


@pytest.fixture
def seed_bundle(tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """fleetgen's seed-rows host (one zone per pitfall) as the collector's bundle, gzipped."""
    from planner import fleet

    tar = fleet.write_bundle_tar(tmp_path, fleet.seed_rows_host(SOURCE_HOSTNAME))
    target = tar.with_name(tar.name + ".gz")
    target.write_bytes(gzip.compress(tar.read_bytes(), mtime=0))
    tar.unlink()
    return target


@pytest.fixture
def seed_plan(team, operator, seed_bundle, job_dirs):  # type: ignore[no-untyped-def]
    """The seed-rows host planned against a catalog V445, created through the services (no browser)."""
    from planner import services
    from planner.inputs import load_catalog, load_path

    source = services.host_import(team=team, loaded=load_path(str(seed_bundle)), user=operator).host
    destination = services.host_import(
        team=team, loaded=load_catalog(f"catalog:{DESTINATION_MODEL}:{DESTINATION_HOSTNAME}"), user=operator
    ).host
    build_source_tree(seed_bundle)
    return services.plan_create(team=team, source=source, destination=destination, user=operator)
