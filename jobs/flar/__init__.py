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
* ``python -m jobs.flar`` is the command line (:mod:`jobs.flar.cli`).

Every failure is a :class:`FlarError` (:class:`FlarCancelled` when a cancel
callback asked to stop).  See ``docs/flar-format.md`` for the format notes.

The names below are imported on first use (PEP 562), so ``import jobs.flar``
and ``python -m jobs.flar --help`` stay cheap.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

from .errors import FlarCancelled, FlarError

if TYPE_CHECKING:
    from .extract import ExtractReport, RefusedEntry, extract
    from .newc import Member, MemberType
    from .reader import FlarInfo, HashStatus, VerifyResult, info, list_members, verify
    from .writer import CreateOptions, CreateResult, SystemInfo, create
    from .zones import ArchiveInspection, ArchiveZone, ZoneFsCheck, inspect_archive, zones_in_archive

_LAZY = {
    "ExtractReport": "extract",
    "RefusedEntry": "extract",
    "extract": "extract",
    "Member": "newc",
    "MemberType": "newc",
    "FlarInfo": "reader",
    "HashStatus": "reader",
    "VerifyResult": "reader",
    "info": "reader",
    "list_members": "reader",
    "verify": "reader",
    "CreateOptions": "writer",
    "CreateResult": "writer",
    "SystemInfo": "writer",
    "create": "writer",
    "ArchiveInspection": "zones",
    "ArchiveZone": "zones",
    "ZoneFsCheck": "zones",
    "inspect_archive": "zones",
    "zones_in_archive": "zones",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


class _Package(types.ModuleType):
    """Keeps ``jobs.flar.extract`` the function, as it was when everything was imported eagerly.

    Importing the submodule ``jobs.flar.extract`` makes the import system bind the
    module to the package attribute of the same name; the function wins instead
    (the module stays reachable through ``importlib.import_module``/``sys.modules``).
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name == "extract" and isinstance(value, types.ModuleType):
            value = value.extract
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
