"""Helpers of the browser tests: the journey's hosts, logging in, screenshots, waiting for a job.

The fixtures (Playwright, the live server's folders, the worker, the seed plan) are in
tests/browser/conftest.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.support.processes import REPO, WorkerProcess, worker_env

SCREENSHOTS = Path(os.environ.get("ZFLAR_SCREENSHOT_DIR") or REPO / "docs" / "screenshots")
VIEWPORT = {"width": 1400, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-dev-shm-usage",  # containers have a small /dev/shm
    "--disable-gpu",
    "--disable-background-networking",  # no update checks or other traffic on a closed network
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The seed-rows source host of planner.fleet and the catalog destination the journey picks.
SOURCE_HOSTNAME = "src-seed-01"
DESTINATION_MODEL = "V445"
DESTINATION_HOSTNAME = "new-v445-01"
# Visible form controls that have no accessible label (a <label>, aria-label or aria-labelledby).
UNLABELLED_CONTROLS = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter(el => el.type !== "hidden" && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                && !el.getAttribute("aria-labelledby"))
  .map(el => el.outerHTML.slice(0, 120))"""


class LazyWorker:
    """A real Celery worker process, started when the test asks (so a test can watch a queued job)."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.process: WorkerProcess | None = None

    def start(self) -> WorkerProcess:
        if self.process is None:
            self.process = WorkerProcess(worker_env(), self.log_path)
            self.process.start()
        return self.process

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else "(not started)"

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


def build_source_tree(bundle: Path) -> Path:
    """Stand the bundle's (imported) host up for the local executor, as the real Solaris host would be.

    The web upload stores the inventory only; the local executor works on
    ``LOCAL_EXECUTOR_ROOT/team-<id>/host-<id>``, which stands in for the machine itself.
    """
    from jobs import storage
    from jobs.executors.local_tree import build_host_tree
    from planner.inputs import load_path
    from planner.models import Host

    inventory = load_path(str(bundle)).inventory
    host = Host.objects.get(hostname=inventory.hostname)
    return build_host_tree(storage.host_root(host.team_id, host.pk), inventory)


def password_of(user: Any) -> str:
    """tests/conftest.py gives every team member the password ``pw-<username>``."""
    return f"pw-{user.get_username()}"


def log_in(page: Page, base_url: str, user: Any) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password_of(user))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG under docs/screenshots/ (the README shows them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    assert path.stat().st_size > 10_000, f"{path} looks empty"
    return path


FINAL_JOB_STATES = ("cancelled", "failed", "partial", "succeeded")


def wait_for_job_end(page: Page, worker: LazyWorker, timeout_ms: float = 60_000) -> str:
    """Wait until the job page's live block shows a final state (htmx swaps it; nothing reloads)."""
    try:
        page.wait_for_function(
            "states => states.includes(document.querySelector('#job-state')?.dataset.state)",
            arg=list(FINAL_JOB_STATES),
            timeout=timeout_ms,
        )
    except Exception:
        print(f"--- worker log ---\n{worker.log()[-4000:]}")
        raise
    return str(page.locator("#job-state").get_attribute("data-state"))
