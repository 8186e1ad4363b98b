"""jobs/migrations/0003_team_folders.py moves what the hostname-keyed layout left into team folders."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from tests.support.bundles import destination_bundle, source_bundle
from tests.support.teams import import_bytes

pytestmark = pytest.mark.django_db

migration = importlib.import_module("jobs.migrations.0003_team_folders")


def test_old_archives_and_trees_move_into_the_team_folders(team: Any, settings: Any, tmp_path: Path) -> None:
    from jobs import storage
    from jobs.models import Archive, Job
    from planner import services

    settings.ARCHIVE_STORE = tmp_path / "archives"
    settings.LOCAL_EXECUTOR_ROOT = tmp_path / "hosts"
    src = import_bytes(team, "s.tar.gz", source_bundle("oldsrc")).host
    dst = import_bytes(team, "d.tar.gz", destination_bundle("olddst")).host
    plan = services.plan_create(team=team, source=src, destination=dst)
    old_archive = settings.ARCHIVE_STORE / "oldsrc-job1.flar"
    old_archive.parent.mkdir(parents=True)
    old_archive.write_bytes(b"FlAsH-aRcHiVe-2.0\n")
    job = Job.objects.create(
        team=team,
        plan=plan,
        kind="archive",
        state="succeeded",
        archive_path=str(old_archive),
        result={"archive_path": str(old_archive), "archive_id": "abc"},
    )
    outside = tmp_path / "elsewhere.flar"
    outside.write_bytes(b"x")
    stray = Job.objects.create(
        team=team, plan=plan, kind="archive", state="succeeded", archive_path=str(outside)
    )
    tree = settings.LOCAL_EXECUTOR_ROOT / "oldsrc"
    (tree / "etc/zones").mkdir(parents=True)
    (settings.LOCAL_EXECUTOR_ROOT / "oldsrc.devices/dsk").mkdir(parents=True)

    migration.forwards(apps, None)

    job.refresh_from_db()
    relative = f"job-{job.pk}-oldsrc.flar"
    assert job.archive_path == relative and job.result["archive_path"] == relative
    assert (storage.team_archive_root(team.pk) / relative).is_file() and not old_archive.exists()
    assert Archive.objects.get(team=team, path=relative).job_id == job.pk
    stray.refresh_from_db()
    assert stray.archive_path == str(outside) and outside.exists(), "only files directly in the store move"
    assert (storage.host_root(team.pk, src.pk) / "etc/zones").is_dir() and not tree.exists()
    assert (storage.team_hosts_root(team.pk) / f"host-{src.pk}.devices/dsk").is_dir()
