"""Solaris 10 Flash Archives (flar) in pure Python, with no Django dependency.

* :func:`create` writes a flar of a directory tree (``flarcreate``), streaming,
  hashing and atomically renaming; :class:`CreateOptions` holds the flags.
* :func:`info`, :func:`list_members`, :func:`verify` read archives.
* :func:`extract` unpacks the files section without ever writing outside the
  destination, and checks archive_id on the way.
* :func:`zones_in_archive` finds the zones an archive carries and their empty
  zone-private mount points; :func:`inspect_archive` adds the archive_id check
  in the same pass.
* :mod:`jobs.executors.local` adapts all this to the executor's records.

Every failure is a :class:`FlarError` (:class:`FlarCancelled` when a cancel
callback asked to stop).  See ``docs/flar-format.md`` for the format notes.
"""

from __future__ import annotations

from .errors import FlarCancelled, FlarError
from .extract import ExtractReport, RefusedEntry, extract
from .newc import Member, MemberType
from .reader import FlarInfo, HashStatus, VerifyResult, info, list_members, verify
from .writer import CreateOptions, CreateResult, SystemInfo, create
from .zones import ArchiveInspection, ArchiveZone, ZoneFsCheck, inspect_archive, zones_in_archive

__all__ = [
    "ArchiveInspection",
    "ArchiveZone",
    "CreateOptions",
    "CreateResult",
    "ExtractReport",
    "FlarCancelled",
    "FlarError",
    "FlarInfo",
    "HashStatus",
    "Member",
    "MemberType",
    "RefusedEntry",
    "SystemInfo",
    "VerifyResult",
    "ZoneFsCheck",
    "create",
    "extract",
    "info",
    "inspect_archive",
    "list_members",
    "verify",
    "zones_in_archive",
]
