"""The upload-import service: one uploaded file (or a loaded destination) into a host snapshot.

The upload page and ``POST /api/bundles/`` both import through here, so a file is read, checked
and stored the same way whichever door it came in by, and the outcome says the same things:
imported (a new snapshot, or the current one when the files are unchanged) or refused, with a
message that names the file (and the line) and never a traceback.  One file's failure stops no
other file; ``host_import`` is atomic, so a refused file leaves nothing behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser, User

from planner.inputs import LoadedInventory, load_upload
from planner.solaris.bundle_archive import BundleLimits
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import HostInventory, ImportIssue

from . import selectors, services
from .models import Host, InventorySnapshot, Team

log = logging.getLogger(__name__)


class Upload(Protocol):
    """What the service needs of an uploaded file (Django's UploadedFile has it)."""

    name: str | None

    def read(self, size: int = ...) -> bytes: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class IssueRow:
    file: str
    line: int | None
    message: str
    severity: str

    @classmethod
    def of(cls, issue: ImportIssue) -> IssueRow:
        return cls(file=issue.file, line=issue.line, message=issue.message, severity=issue.severity)


@dataclass(frozen=True)
class InventorySummary:
    """What an import found and what it lacked."""

    hostname: str
    origin: str
    zones: list[str]
    nics: list[str]
    disks: list[str]
    metadevices: list[str]
    issues: list[IssueRow]
    ignored: list[str]

    @classmethod
    def of(cls, inventory: HostInventory, *, ignored: list[str]) -> InventorySummary:
        return cls(
            hostname=inventory.hostname,
            origin=inventory.origin,
            zones=[z.name for z in inventory.zones],
            nics=[n.name for n in inventory.nics],
            disks=[d.name for d in inventory.disks],
            metadevices=[m.name for m in inventory.metadevices],
            issues=[IssueRow.of(i) for i in inventory.issues],
            ignored=list(ignored),
        )

    @property
    def errors(self) -> list[IssueRow]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[IssueRow]:
        return [i for i in self.issues if i.severity != "error"]


@dataclass
class ImportOutcome:
    """What happened to one uploaded file (or one destination form)."""

    name: str
    error: str = ""
    summary: InventorySummary | None = None
    snapshot: InventorySnapshot | None = None
    host: Host | None = None
    unchanged: bool = False  # the same files were imported before: the current snapshot, no new one

    @property
    def ok(self) -> bool:
        return not self.error and self.snapshot is not None

    @property
    def snapshot_number(self) -> int | None:
        return self.snapshot.number if self.snapshot is not None else None

    def api_dict(self) -> dict[str, Any]:
        """One item of ``results`` in the answer of ``POST /api/bundles/``."""
        if self.snapshot is None or self.summary is None or self.error:
            return {"file": self.name, "ok": False, "error": self.error}
        return {
            "file": self.name,
            "ok": True,
            "hostname": self.summary.hostname,
            "host": self.snapshot.host_id,
            "snapshot": self.snapshot.number,
            "snapshot_id": self.snapshot.pk,
            "unchanged": self.unchanged,
            "zones": self.summary.zones,
            "nics": self.summary.nics,
            "disks": self.summary.disks,
            "metadevices": self.summary.metadevices,
            "issues": [
                {"file": i.file, "line": i.line, "message": i.message, "severity": i.severity}
                for i in self.summary.issues
            ],
            "ignored": self.summary.ignored,
        }


def _failed(name: str, exc: Exception) -> str:
    return f"{name}: the import failed ({exc.__class__.__name__}); see the server log"


def upload_name(upload: Upload) -> str:
    """The name an uploaded file is reported under: its base name, at most 255 characters."""
    return PurePosixPath(str(upload.name or "upload").replace("\\", "/")).name[:255] or "upload"


def import_loaded(
    *, team: Team, name: str, loaded: LoadedInventory, user: User | AnonymousUser | None
) -> ImportOutcome:
    """Store ``loaded`` as a snapshot of the host it describes (see :func:`services.host_import`)."""
    outcome = ImportOutcome(name=name, summary=InventorySummary.of(loaded.inventory, ignored=loaded.ignored))
    before = selectors.host_current_snapshot_id(team=team, hostname=loaded.inventory.hostname)
    author = None if user is None or isinstance(user, AnonymousUser) else user
    try:
        snapshot = services.host_import(team=team, loaded=loaded, user=author)
    except services.PlannerError as exc:
        outcome.error = str(exc)
        return outcome
    except Exception as exc:  # one file must never stop the others nor show a stack trace
        log.exception("importing %s failed", name)
        outcome.error = _failed(name, exc)
        return outcome
    outcome.snapshot = snapshot
    outcome.host = snapshot.host
    outcome.unchanged = before == snapshot.pk
    return outcome


def import_upload(
    *,
    team: Team,
    upload: Upload,
    user: User | AnonymousUser | None,
    limits: BundleLimits | None = None,
) -> ImportOutcome:
    """Read one uploaded file (bundle, zonecfg export or hardware spec) and import it."""
    name = upload_name(upload)
    try:
        loaded = load_upload(name, upload.read(), limits=limits)
    except SolarisParseError as exc:
        return ImportOutcome(name=name, error=str(exc))
    except (ValueError, OSError) as exc:
        return ImportOutcome(name=name, error=f"{name}: cannot read this file ({exc})")
    except Exception as exc:  # a reader's bug must not stop the other files nor show a stack trace
        log.exception("reading %s failed", name)
        return ImportOutcome(name=name, error=_failed(name, exc))
    finally:
        upload.close()
    return import_loaded(team=team, name=name, loaded=loaded, user=user)
