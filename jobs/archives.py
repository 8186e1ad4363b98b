"""A team's archives: records of the flars in its folder of the archive store (:mod:`jobs.storage`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User

from . import storage
from .models import Archive, Job


def archive_register(
    *,
    team_id: int,
    relative: str,
    origin: str,
    name: str = "",
    job: Job | None = None,
    archive_id: str = "",
    user: User | None = None,
) -> Archive:
    """Record (or refresh) the archive at ``relative`` in the team's folder; the file must be there.

    The path is checked to resolve inside the team's folder before the record is written.
    """
    full = storage.archive_file(team_id, relative)
    clean = storage.relative_archive(team_id, full)
    size = full.stat().st_size if full.is_file() else 0
    archive, _ = Archive.objects.update_or_create(
        team_id=team_id,
        path=clean,
        defaults={
            "origin": origin,
            "name": (name or Path(clean).name)[:255],
            "job": job,
            "size": size,
            "archive_id": archive_id[:64],
            "created_by": user,
        },
    )
    return archive


def archives_sync_store(*, team_id: int) -> int:
    """Record the flars an administrator copied into the team's folder (top level and uploads/).

    Symlinks and other non-regular files are left out; records whose file is gone are removed.
    Returns how many records it added.
    """
    root = storage.team_archive_root(team_id)
    known = dict(Archive.objects.filter(team_id=team_id).values_list("path", "pk"))
    found: set[str] = set()
    for folder, prefix in ((root, ""), (root / storage.UPLOADS, f"{storage.UPLOADS}/")):
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            named = entry.name.lower().endswith(storage.ARCHIVE_SUFFIXES)
            if named and entry.is_file() and not entry.is_symlink():
                found.add(prefix + entry.name)
    added = 0
    for relative in sorted(found - set(known)):
        archive_register(team_id=team_id, relative=relative, origin=Archive.Origin.STORE)
        added += 1
    gone = [pk for path, pk in known.items() if path not in found and not _archive_exists(team_id, path)]
    if gone:
        Archive.objects.filter(pk__in=gone).delete()
    return added


def _archive_exists(team_id: int, relative: str) -> bool:
    try:
        return storage.archive_file(team_id, relative).is_file()
    except storage.PathEscape:
        return False


def archive_store_upload(*, team_id: int, upload: Any, user: User | None = None) -> Archive:
    """Store an uploaded flar under the team's ``uploads/`` with a generated name (never the user's)."""
    relative = storage.upload_relative()
    path = storage.archive_file(team_id, relative)
    storage.ensure_folder(path.parent, what="the team's upload folder")
    with path.open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    display = Path(str(getattr(upload, "name", "") or "upload.flar")).name[:200] or "upload.flar"
    return archive_register(
        team_id=team_id, relative=relative, origin=Archive.Origin.UPLOAD, name=display, user=user
    )
