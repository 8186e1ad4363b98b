"""Move what the old layout left into the team folders (docs/security.md, Storage layout).

Before, archive jobs wrote ``<ARCHIVE_STORE>/<hostname>-job<id>.flar`` and recorded that absolute
path; local-executor trees lived at ``<LOCAL_EXECUTOR_ROOT>/<hostname>``.  Jobs now read only
paths relative to ``team-<id>/`` folders, so:

* an archive job's file that still lies directly in the store is moved to
  ``<ARCHIVE_STORE>/team-<team>/job-<job>-<slug>.flar``, the job's ``archive_path`` (and its
  result's) become that relative path, and an ``Archive`` record is made;
* a host tree at ``<LOCAL_EXECUTOR_ROOT>/<hostname>`` (a plain folder, with a valid host name that
  only one team uses) moves to ``team-<team>/host-<host>/``, with its ``.state``/``.devices``.

Anything else is left where it is (a job that names it fails with a clear "refused").  Nothing is
moved back on reverse.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import migrations

_HOSTNAME = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$")


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return slug or "archive"


def _plain_child(path: Path, parent: Path) -> bool:
    return path.parent == parent and not path.is_symlink() and path.exists()


def move_archives(apps: Any, schema_editor: Any) -> None:
    Job = apps.get_model("jobs", "Job")
    Archive = apps.get_model("jobs", "Archive")
    store = Path(os.path.realpath(settings.ARCHIVE_STORE))
    for job in Job.objects.filter(kind="archive").exclude(archive_path="").select_related("plan__source"):
        old = Path(job.archive_path)
        if not old.is_absolute():
            continue
        if not _plain_child(old, store) or not old.is_file():
            continue
        hostname = job.plan.source.hostname if job.plan_id else "archive"
        relative = f"job-{job.pk}-{_slug(hostname)}.flar"
        target = store / f"team-{job.team_id}" / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        old.rename(target)
        result = dict(job.result or {})
        if result.get("archive_path") == job.archive_path:
            result["archive_path"] = relative
        Job.objects.filter(pk=job.pk).update(archive_path=relative, result=result)
        Archive.objects.get_or_create(
            team_id=job.team_id,
            path=relative,
            defaults={
                "origin": "job",
                "name": f"{hostname} (job {job.pk})",
                "job_id": job.pk,
                "size": target.stat().st_size,
                "archive_id": str(result.get("archive_id") or "")[:64],
                "created_by_id": job.created_by_id,
            },
        )


def move_trees(apps: Any, schema_editor: Any) -> None:
    Host = apps.get_model("planner", "Host")
    root = Path(os.path.realpath(settings.LOCAL_EXECUTOR_ROOT))
    teams_by_name: dict[str, list[Any]] = {}
    for host in Host.objects.all():
        teams_by_name.setdefault(host.hostname, []).append(host)
    for hostname, hosts in teams_by_name.items():
        if len(hosts) != 1 or not _HOSTNAME.match(hostname) or hostname.startswith(("team-", "host-")):
            continue
        host = hosts[0]
        old = root / hostname
        if not _plain_child(old, root) or not old.is_dir():
            continue
        target = root / f"team-{host.team_id}" / f"host-{host.pk}"
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        old.rename(target)
        for suffix in (".state", ".devices"):
            side = root / f"{hostname}{suffix}"
            if _plain_child(side, root) and side.is_dir():
                side.rename(target.parent / f"host-{host.pk}{suffix}")


def forwards(apps: Any, schema_editor: Any) -> None:
    move_archives(apps, schema_editor)
    move_trees(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_archive"),
        ("planner", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
