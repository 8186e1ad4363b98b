"""Where jobs keep files on the worker: one folder per team, paths built from ids only.

Layout (docs/security.md, "Storage layout")::

    <LOCAL_EXECUTOR_ROOT>/team-<team id>/host-<host id>/        a host's tree for the local executor
    <LOCAL_EXECUTOR_ROOT>/team-<team id>/host-<host id>.state/  its runtime state (zone states, pace)
    <LOCAL_EXECUTOR_ROOT>/team-<team id>/host-<host id>.devices/ its ufs slices
    <ARCHIVE_STORE>/team-<team id>/job-<job id>-<slug>.flar     archives the team's jobs wrote
    <ARCHIVE_STORE>/team-<team id>/uploads/inspect-<uuid>.flar  archives uploaded for inspection

No name a user chose (a hostname, a zone, a file name) is part of a folder; the slug in an
archive's file name is reduced to ``[a-z0-9-]``.  Job parameters that name paths
(``archive_path``, ``output_path``, ``source_root``, ``destination_root``) are relative to the
team's folder; every path is resolved and checked to lie under that team's folder before
anything opens it (:mod:`jobs.executors.paths`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from .executors.paths import PathEscape, check_relative, confine, is_inside, join_inside

__all__ = [
    "ARCHIVE_SUFFIXES",
    "UPLOADS",
    "PathEscape",
    "StorageError",
    "archive_file",
    "archive_file_name",
    "check_relative",
    "ensure_folder",
    "host_root",
    "host_root_relative",
    "host_tree",
    "inside_store",
    "job_path_problems",
    "join_inside",
    "relative_archive",
    "remove_host_tree",
    "storage_folders",
    "storage_problems",
    "team_archive_root",
    "team_hosts_root",
    "upload_relative",
]

ARCHIVE_SUFFIXES = (".flar", ".flr")
UPLOADS = "uploads"
_SLUG_MAX = 40


class StorageError(RuntimeError):
    """A storage folder that is missing and cannot be made, or is not writable; the message says which."""


def _id(value: int) -> int:
    """Ids only: a bool, a string or a negative number never becomes part of a path."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"not an id: {value!r}")
    return value


def archive_store() -> Path:
    return Path(settings.ARCHIVE_STORE)


def hosts_store() -> Path:
    return Path(settings.LOCAL_EXECUTOR_ROOT)


def team_archive_root(team_id: int) -> Path:
    """``<ARCHIVE_STORE>/team-<id>``: every archive of the team lives below it."""
    return archive_store() / f"team-{_id(team_id)}"


def team_hosts_root(team_id: int) -> Path:
    """``<LOCAL_EXECUTOR_ROOT>/team-<id>``: every local-executor tree of the team lives below it."""
    return hosts_store() / f"team-{_id(team_id)}"


def host_root_relative(host_id: int) -> str:
    return f"host-{_id(host_id)}"


def host_root(team_id: int, host_id: int) -> Path:
    """The default local-executor tree of a host: ``<root>/team-<id>/host-<id>``."""
    return team_hosts_root(team_id) / host_root_relative(host_id)


def remove_host_tree(team_id: int, host_id: int) -> None:
    """Remove a deleted host's local-executor tree (``host-<id>``, ``.state``, ``.devices``), if any.

    Built from ids only, inside the team's folder; a symlink there is removed, never followed."""
    root = team_hosts_root(team_id)
    for name in (
        host_root_relative(host_id),
        f"{host_root_relative(host_id)}.state",
        f"{host_root_relative(host_id)}.devices",
    ):
        path = root / name
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def safe_slug(text: str) -> str:
    """A few readable characters from a name, ``[a-z0-9-]`` only (never a dot or a slash)."""
    slug = slugify(text or "").replace("_", "-").strip("-")[:_SLUG_MAX].strip("-")
    return slug or "archive"


def archive_file_name(job_id: int, hint: str) -> str:
    """``job-<id>-<slug>.flar``: the default name of the archive a job writes (relative to the team)."""
    return f"job-{_id(job_id)}-{safe_slug(hint)}.flar"


def upload_relative() -> str:
    """A fresh name for an uploaded archive, relative to the team's folder (never the user's name)."""
    return f"{UPLOADS}/inspect-{uuid.uuid4().hex}.flar"


def archive_file(team_id: int, relative: str, *, what: str = "archive_path") -> Path:
    """The archive ``relative`` of the team, resolved; PathEscape when it is not inside the team's folder."""
    return join_inside(team_archive_root(team_id), relative, what=what)


def host_tree(team_id: int, relative: str, *, what: str = "root") -> Path:
    """A local-executor tree ``relative`` to the team's hosts folder, resolved and confined."""
    return join_inside(team_hosts_root(team_id), relative, what=what)


def relative_archive(team_id: int, path: str | os.PathLike[str]) -> str:
    """``path`` relative to the team's archive folder; PathEscape when it lies elsewhere."""
    root = team_archive_root(team_id)
    full = confine(path, root, what="archive")
    return full.relative_to(Path(os.path.realpath(root))).as_posix()


def ensure_folder(path: Path, *, what: str) -> Path:
    """Create ``path`` (and its parents) and check it is a writable folder, or StorageError saying why."""
    if path.exists() and not path.is_dir():
        raise StorageError(f"{what} {path} is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"{what} {path} cannot be created: {exc.strerror or exc}") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise StorageError(f"{what} {path} is not writable by this process (uid {os.getuid()})")
    return path


# --- the folders every process needs ------------------------------------------------------------


@dataclass(frozen=True)
class StorageFolder:
    setting: str
    path: Path
    purpose: str


def storage_folders() -> list[StorageFolder]:
    return [
        StorageFolder("UPLOAD_DIR", Path(settings.UPLOAD_DIR), "uploaded bundles"),
        StorageFolder("ARCHIVE_STORE", archive_store(), "archives the jobs write and read"),
        StorageFolder("LOCAL_EXECUTOR_ROOT", hosts_store(), "the local executor's host trees"),
    ]


def storage_problems(*, create: bool = True) -> list[str]:
    """One sentence per storage folder that is missing, not a folder or not writable (empty: all fine).

    With ``create`` the missing folders are made first.  Writability is tested by creating and
    removing a file, since ``os.access`` says yes to root on a read-only mount.
    """
    problems: list[str] = []
    for folder in storage_folders():
        label = f"{folder.setting} ({folder.purpose})"
        try:
            if create:
                ensure_folder(folder.path, what=label)
            elif not folder.path.is_dir():
                raise StorageError(f"{label} {folder.path} does not exist")
            with tempfile.NamedTemporaryFile(dir=folder.path, prefix=".zflar-write-test-"):
                pass
        except StorageError as exc:
            problems.append(str(exc))
        except OSError as exc:
            problems.append(f"{label} {folder.path} is not writable: {exc.strerror or exc}")
    return problems


def inside_store(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` lies inside the archive store at all (any team)."""
    return is_inside(path, archive_store())


def job_path_problems(team_id: int, params: dict[str, object]) -> dict[str, str]:
    """For each path a job's params name, why it cannot be used by the team (empty: all fine).

    Checked against the folders as they are now (a symlink that leads out, an archive that is
    not there, an output that would replace a file); the runner checks again before it opens
    anything, since the folders can change in between.
    """
    problems: dict[str, str] = {}
    checks = (
        ("archive_path", team_archive_root),
        ("output_path", team_archive_root),
        ("source_root", team_hosts_root),
        ("destination_root", team_hosts_root),
    )
    for key, root_of in checks:
        value = params.get(key)
        if value in (None, ""):
            continue
        try:
            path = join_inside(root_of(team_id), str(value), what=key)
        except PathEscape as exc:
            problems[key] = str(exc)
            continue
        if key == "archive_path" and not path.is_file():
            problems[key] = f"{key}: no such archive in your team's folder"
        elif key == "output_path" and os.path.lexists(path):
            problems[key] = f"{key}: already exists in your team's folder; an archive is never written over"
    return problems
