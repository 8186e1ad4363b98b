"""Issue #13, item 1: the first archive job on a fresh checkout works.

It failed with ``flarcreate: .../var/archives/<host>-job1.flar: No such file or directory``:
nothing created ARCHIVE_STORE.  Now the settings create every storage folder at start, the
system check zflar.E001 says clearly when one cannot be made or written (at ``manage.py check``,
``migrate``, ``runserver`` and worker start), and a job makes its team's folder before writing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.bundles import destination_bundle, source_bundle
from tests.support.jobs import events, run_in_process
from tests.support.server import manage


def test_a_fresh_var_folder_gets_every_storage_folder(tmp_path: Path) -> None:
    var = tmp_path / "var"
    result = manage(var, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    for name in ("uploads", "archives", "hosts"):
        assert (var / name).is_dir(), name


def test_a_folder_that_cannot_be_made_is_named_by_the_check(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = manage(tmp_path / "var", "check", ZFLAR_ARCHIVE_STORE=str(blocker / "archives"))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "zflar.E001" in output and "ARCHIVE_STORE" in output and str(blocker / "archives") in output
    assert "cannot be created" in output


def test_storage_problems_say_which_folder_is_not_a_folder(settings: Any, tmp_path: Path) -> None:
    from jobs.storage import storage_problems

    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.LOCAL_EXECUTOR_ROOT = tmp_path / "hosts"
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings.ARCHIVE_STORE = blocker
    problems = storage_problems()
    assert len(problems) == 1 and "ARCHIVE_STORE" in problems[0] and "not a folder" in problems[0]


@pytest.mark.django_db
def test_the_first_archive_job_on_a_fresh_store_succeeds(settings: Any, tmp_path: Path, team: Any) -> None:
    from jobs import lifecycle, storage
    from jobs.executors.local_tree import build_host_tree
    from planner import services
    from planner.inputs import load_upload

    settings.ARCHIVE_STORE = tmp_path / "never" / "made" / "archives"
    settings.LOCAL_EXECUTOR_ROOT = tmp_path / "hosts"
    src = services.host_import(team=team, loaded=load_upload("s.tar.gz", source_bundle("src01"))).host
    dst = services.host_import(team=team, loaded=load_upload("d.tar.gz", destination_bundle("dst01"))).host
    build_host_tree(storage.host_root(team.pk, src.pk), services.inventory_of(src.current_snapshot))
    plan = services.plan_create(team=team, source=src, destination=dst)
    assert not settings.ARCHIVE_STORE.exists()
    job = run_in_process(lifecycle.job_create(team=team, kind="archive", plan=plan))
    assert job.state in ("succeeded", "partial"), job.error + "\n" + events(job)
    assert (storage.team_archive_root(team.pk) / job.archive_path).is_file()
