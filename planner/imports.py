"""The upload-import service: uploaded files (or a loaded destination) into host snapshots.

The upload page and ``POST /api/bundles/`` both import through here, so a file is read, checked
and stored the same way whichever door it came in by, and the outcome says the same things:
imported (a new snapshot, or the current one when the files are unchanged) or refused, with a
message that names the file (and the line) and never a traceback.  One file's failure stops no
other file (an empty file among ten is refused by name, the nine others import); ``host_import``
is atomic, so a refused file leaves nothing behind.

- An upload never replaces a host of another kind (:func:`planner.services.check_host_kind`):
  the outcome is refused with ``conflict`` set and the existing host named.
- The zonecfg exports of one upload belong to one host (:func:`import_uploads`): the host the
  user names (new, or an existing host made of zonecfg exports), else ``<first zone>-source``.
  A zone imported again replaces its configuration in a new snapshot; the host's other zones stay.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser, User

from planner.inputs import LoadedInventory, load_upload, merge_zonecfg, source_hostname
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
    conflict: bool = False  # refused: the hostname belongs to a host of another kind
    existing_host: Host | None = None  # that host
    host_zones: list[str] | None = None  # a zonecfg export's host: every zone it has now

    @property
    def ok(self) -> bool:
        return not self.error and self.snapshot is not None

    @property
    def snapshot_number(self) -> int | None:
        return self.snapshot.number if self.snapshot is not None else None

    def api_dict(self) -> dict[str, Any]:
        """One item of ``results`` in the answer of ``POST /api/bundles/``."""
        if self.snapshot is None or self.summary is None or self.error:
            refused: dict[str, Any] = {"file": self.name, "ok": False, "error": self.error}
            if self.conflict and self.existing_host is not None:
                refused.update(
                    conflict=True,
                    existing_host=self.existing_host.pk,
                    existing_origin=self.existing_host.origin,
                )
            return refused
        body = {
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
        if self.host_zones is not None:
            body["host_zones"] = self.host_zones
        return body


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
    except services.HostKindConflict as exc:
        outcome.error, outcome.conflict, outcome.existing_host = str(exc), True, exc.host
        return outcome
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


def _read(upload: Upload, limits: BundleLimits | None) -> LoadedInventory | ImportOutcome:
    """One uploaded file read (not stored yet), or its refusal by name."""
    name = upload_name(upload)
    try:
        return load_upload(name, upload.read(), limits=limits)
    except SolarisParseError as exc:
        return ImportOutcome(name=name, error=str(exc))
    except (ValueError, OSError) as exc:
        return ImportOutcome(name=name, error=f"{name}: cannot read this file ({exc})")
    except Exception as exc:  # a reader's bug must not stop the other files nor show a stack trace
        log.exception("reading %s failed", name)
        return ImportOutcome(name=name, error=_failed(name, exc))
    finally:
        upload.close()


def import_upload(
    *,
    team: Team,
    upload: Upload,
    user: User | AnonymousUser | None,
    limits: BundleLimits | None = None,
) -> ImportOutcome:
    """Read one uploaded file (bundle, zonecfg export or hardware spec) and import it."""
    return import_uploads(team=team, uploads=[upload], user=user, limits=limits)[0]


def import_uploads(
    *,
    team: Team,
    uploads: list[Upload],
    user: User | AnonymousUser | None,
    limits: BundleLimits | None = None,
    zonecfg_host: str = "",
) -> list[ImportOutcome]:
    """Import every file of one upload; one outcome per file, in the upload's order.

    Bundles and hardware specs each become (a snapshot of) their own host.  The zonecfg exports
    go together to one host: ``zonecfg_host`` when given (new, or an existing host made of
    zonecfg exports), else ``<first zone>-source``.
    """
    outcomes: list[ImportOutcome | None] = []
    exports: list[tuple[int, LoadedInventory]] = []
    for upload in uploads:
        read = _read(upload, limits)
        if isinstance(read, ImportOutcome):
            outcomes.append(read)
        elif read.inventory.origin == "zonecfg":
            outcomes.append(None)
            exports.append((len(outcomes) - 1, read))
        else:
            outcomes.append(import_loaded(team=team, name=read.upload_name, loaded=read, user=user))
    for index, outcome in _import_exports(team=team, exports=exports, user=user, hostname=zonecfg_host):
        outcomes[index] = outcome
    return [o for o in outcomes if o is not None]


def _import_exports(
    *,
    team: Team,
    exports: list[tuple[int, LoadedInventory]],
    user: User | AnonymousUser | None,
    hostname: str,
) -> list[tuple[int, ImportOutcome]]:
    """The zonecfg exports of one upload, into one snapshot of one host; an outcome per file."""
    if not exports:
        return []
    done: list[tuple[int, ImportOutcome]] = []
    kept: list[tuple[int, LoadedInventory]] = []
    seen: dict[str, str] = {}
    for index, part in exports:
        zone = part.inventory.zones[0].name
        if zone in seen:
            message = (
                f"{part.upload_name}: zone {zone} is also in {seen[zone]} of this upload; "
                "upload one export per zone"
            )
            done.append((index, ImportOutcome(name=part.upload_name, error=message)))
            continue
        seen[zone] = part.upload_name
        kept.append((index, part))
    if not kept:
        return done
    target = hostname or source_hostname(min(p.inventory.zones[0].name for _, p in kept))
    host = selectors.host_for_import(team=team, hostname=target)
    base: dict[str, str] = {}
    if host is not None and host.origin == "zonecfg" and host.current_snapshot is not None:
        base = {k: v for k, v in (host.current_snapshot.raw_files or {}).items() if isinstance(v, str)}
    parts = [p for _, p in kept]
    try:
        merged = merge_zonecfg(parts, hostname=target, base_files=base)
    except SolarisParseError as exc:
        return done + [(i, ImportOutcome(name=p.upload_name, error=str(exc))) for i, p in kept]
    group = import_loaded(team=team, name=merged.upload_name, loaded=merged, user=user)
    zones_now = [z.name for z in merged.inventory.zones]
    for index, part in kept:
        outcome = ImportOutcome(
            name=part.upload_name,
            error=group.error,
            summary=dataclasses.replace(InventorySummary.of(part.inventory, ignored=[]), hostname=target),
            snapshot=group.snapshot,
            host=group.host,
            unchanged=group.unchanged,
            conflict=group.conflict,
            existing_host=group.existing_host,
            host_zones=zones_now if group.ok else None,
        )
        done.append((index, outcome))
    return done
