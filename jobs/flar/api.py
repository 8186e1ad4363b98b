"""The flar library as the local executor needs it (``jobs.executors.local``).

Each function maps library calls onto the executor's result records
(:mod:`jobs.executors.base`), so the executor stays free of archive details
and the library stays free of job concepts.  Failures are FlarError, which the
executor turns into ExecutorError.

The record classes are imported when a function runs, not when this module is
imported: the ``jobs.executors`` package imports Django settings, and importing
anything under ``jobs.flar`` must not.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobs.executors.base import ArchiveCheck, ArchiveOutcome, ExtractOutcome

from .errors import FlarError
from .extract import extract
from .progress import ProgressCallback
from .reader import HashStatus, info
from .writer import CreateOptions, SystemInfo, create
from .zones import inspect_archive

__all__ = ["FlarError", "check_for_executor", "create_for_executor", "extract_for_executor"]


def create_for_executor(
    *,
    root: str | os.PathLike[str],
    output: str | os.PathLike[str],
    name: str,
    excludes: Sequence[str] = (),
    compress: bool = False,
    description: str = "",
    author: str = "",
    creation_node: str = "",
    grafts: Mapping[str, str | os.PathLike[str]] | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: Callable[[], bool] | None = None,
    user_keywords: Mapping[str, str] | None = None,
    system: SystemInfo | None = None,
    rehearsal: str = "",
) -> ArchiveOutcome:
    """flarcreate of a host tree; ``grafts`` maps mount points to the slices mounted there.

    ``user_keywords`` are ``-U`` keywords (X-..., content_architectures=...).  ``system``
    gives the creation_* keywords of the host the tree stands for.  ``rehearsal`` marks an
    archive made on a worker from a copy of the host's tree (``X-zflar-rehearsal=<text>``,
    and the worker's own uname under ``X-zflar-rehearsal-worker``); with it and no
    ``system``, only creation_node (= ``creation_node``) is recorded, never the worker's OS.
    Without either, the worker's uname is recorded with creation_node replaced (as before).
    """
    if system is None:
        system = SystemInfo() if rehearsal else SystemInfo.local()
        if creation_node:
            system = dataclasses.replace(system, node=creation_node)
    options = CreateOptions(
        name=name,
        root=os.fspath(root),
        exclude=tuple(excludes),
        compress=compress,
        description=description,
        author=author,
        master=creation_node,
        system=system,
        user_keywords=dict(user_keywords or {}),
        rehearsal=rehearsal,
        grafts={point: os.fspath(source) for point, source in (grafts or {}).items()},
    )
    result = create(output, options, on_progress=on_progress, cancel=cancel)
    from jobs.executors.base import ArchiveOutcome

    return ArchiveOutcome(
        path=result.path,
        archive_id=result.archive_id or "",
        archived_bytes=result.files_archived_size,
        unarchived_bytes=result.files_unarchived_size,
        identification=_stripped(info(result.path).identification),
    )


def check_for_executor(
    path: str | os.PathLike[str], on_progress: ProgressCallback | None = None
) -> ArchiveCheck:
    """Read an archive back in one pass: archive_id, members per zone, empty zone ufs mounts."""
    inspection = inspect_archive(path, on_progress=on_progress)
    verified = inspection.verify
    zones = [zone for zone in inspection.zones if zone.config_in_archive]
    hash_ok = None if verified.status is HashStatus.NOT_CHECKED else verified.status is HashStatus.MATCH
    if hash_ok is None:
        message = "the archive has no archive_id (flarcreate -H); its contents were not checked"
    elif hash_ok:
        message = f"archive_id {verified.actual} matches the payload"
    else:
        message = f"archive_id mismatch: header says {verified.expected}, payload hashes to {verified.actual}"
    from jobs.executors.base import ArchiveCheck

    empty: dict[str, list[str]] = {}
    for zone in zones:
        mounts = ["/" + check.archive_path for check in zone.fs_checks if check.state != "populated"]
        if mounts:
            empty[zone.name] = mounts
    return ArchiveCheck(
        hash_ok=hash_ok,
        message=message,
        member_count=verified.members,
        empty_zone_mounts=empty,
        zones=[zone.name for zone in zones],
        members_by_zone={zone.name: zone.member_count for zone in zones},
        identification=_stripped(info(path).identification),
    )


def extract_for_executor(
    path: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    on_progress: ProgressCallback | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ExtractOutcome:
    """Safe extraction; refused entries and skipped devices come back as "name: reason" lines.

    Archives are untrusted here, always (``trusted`` is never passed): no device node or
    FIFO is created and set-uid/set-gid bits are cleared; those entries are listed in
    ``devices_skipped`` so the job records them.  The size limits raise FlarError.
    """
    report = extract(path, dest, on_progress=on_progress, cancel=cancel)
    from jobs.executors.base import ExtractOutcome

    return ExtractOutcome(
        files=sum(report.counts.values()),
        bytes=report.bytes_written,
        hash_ok=None if report.hash_status is HashStatus.NOT_CHECKED else report.hash_ok,
        refused=[f"{entry.name}: {entry.reason}" for entry in report.refused],
        devices_skipped=[f"{entry.name}: {entry.reason}" for entry in report.not_created]
        + [f"{name}: set-uid/set-gid bits cleared (untrusted archive)" for name in report.setid_cleared],
    )


def _stripped(identification: dict[str, str]) -> dict[str, str]:
    """Values without the padding our writer leaves after the size keywords."""
    return {key: value.strip() for key, value in identification.items()}
