"""Issue #13, done when: from a fresh ``make run`` to a finished rehearsal archive job on an uploaded
bundle, through the API only.

The server is the real ``scripts/run-dev`` (what ``make run`` starts: runserver and a Celery worker
with beat, on the embedded SQLite database and the filesystem broker) on a new, empty var folder.
Nothing but the API is used after ``migrate`` and one operator account: no folder tree is put on
the worker, no storage folder is made by hand.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from jobs.flar import info
from tests.support.bundles import hardware_spec
from tests.support.bundles import t5220 as bundles
from tests.support.server import free_port, manage, plain_env, running

pytestmark = pytest.mark.worker

USER, PASSWORD = "firsthour", "a-long-local-password-13"


def _operator(var: Path) -> None:
    migrated = manage(var, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    script = (
        "from django.contrib.auth import get_user_model; from planner.models import Membership, Team; "
        f"user = get_user_model().objects.create_user({USER!r}, password={PASSWORD!r}); "
        "Membership.objects.create(user=user, team=Team.objects.create(name='First hour'), role='operator')"
    )
    made = manage(var, "shell", "-c", script)
    assert made.returncode == 0, made.stderr


def _wait_job(api: requests.Session, base: str, job_id: int, timeout: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api.get(f"{base}/api/jobs/{job_id}/", timeout=30).json()
        if job["state"] not in ("queued", "running"):
            return dict(job)
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not end within {timeout} s: {job}")


def test_a_fresh_checkout_runs_a_rehearsal_archive_job_on_an_uploaded_bundle(tmp_path: Path) -> None:
    var = tmp_path / "var"
    _operator(var)
    port = free_port()
    env = plain_env(var)
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    log = tmp_path / "run-dev.log"
    with running(["bash", "scripts/run-dev", "127.0.0.1", str(port)], env, log, port):
        base = f"http://127.0.0.1:{port}"
        api = requests.Session()
        token = api.post(f"{base}/api/token/", data={"username": USER, "password": PASSWORD}, timeout=30)
        assert token.status_code == 200, token.text
        api.headers["Authorization"] = f"Token {token.json()['token']}"

        upload = api.post(
            f"{base}/api/bundles/",
            files=[
                ("files", ("oldbox.tar.gz", bundles.source_bundle("oldbox", zones=("web01", "app01")))),
                ("files", ("newbox.json", hardware_spec("newbox"))),
            ],
            timeout=60,
        )
        assert upload.status_code == 201, upload.text
        hosts = {r["hostname"]: r["host"] for r in upload.json()["results"]}
        plan = api.post(
            f"{base}/api/plans/", json={"source": hosts["oldbox"], "destination": hosts["newbox"]}, timeout=60
        )
        assert plan.status_code == 201, plan.text
        created = api.post(
            f"{base}/api/plans/{plan.json()['id']}/jobs/",
            json={"kind": "archive", "executor": "local"},
            timeout=30,
        )
        assert created.status_code == 201, created.text
        assert created.json()["executor_label"] == "Rehearsal on the worker (touches no Solaris host)"

        job = _wait_job(api, base, created.json()["id"])
        events = api.get(f"{base}/api/jobs/{job['id']}/events/", timeout=30).json()["results"]
        text = "\n".join(e["message"] for e in events)
        assert job["state"] == "succeeded", (job["error"], text, (var / "log/worker.log").read_text()[-3000:])
        assert "no folder tree existed for oldbox, so one was built from its inventory" in text
        assert {r["zone"]: r["state"] for r in job["zone_results"]} == {"app01": "ok", "web01": "ok"}
        assert "touches no Solaris host" in job["executor_description"]

        archives = api.get(f"{base}/api/archives/", timeout=30).json()["results"]
        assert [a["job"] for a in archives] == [job["id"]]
        flar = api.get(f"{base}{archives[0]['download']}", timeout=60)
        assert flar.status_code == 200
        path = tmp_path / "downloaded.flar"
        path.write_bytes(flar.content)
        ident = {k: v.strip() for k, v in info(path).identification.items()}
        assert "no Solaris host was touched" in ident["X-zflar-rehearsal"]
        assert ident["creation_node"] == "oldbox" and ident.get("creation_os_name") == "SunOS"
        # The worker's own uname only under its own name, never as the source's creation_* values.
        assert not [k for k, v in ident.items() if k.startswith("creation_") and "Linux" in v]
