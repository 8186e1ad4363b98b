"""The interface both executors offer the job runners.

``local`` works on Solaris-like folder trees on the worker; ``ssh`` runs the
real Solaris commands on the hosts.  A runner never knows which one it has.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from planner.solaris.inventory import ZoneConfig, ZoneListEntry

ProgressCallback = Callable[[int, "int | None", str], None]


class ExecutorError(RuntimeError):
    """A step failed on the host; the message says which command and why."""


@dataclass
class ArchiveSpec:
    name: str
    output_path: str
    excludes: list[str] = field(default_factory=list)
    compress: bool = False
    description: str = ""
    author: str = ""
    # From the plan's install facts (report ``install``): flarcreate -U content_architectures=a,b
    # when the archive must install on other kernel architectures (sun4u -> sun4v), -L pax for
    # files over 4 GiB.
    content_architectures: list[str] = field(default_factory=list)
    archiver: str = "cpio"  # or "pax"
    # The local executor's rehearsal: the text of X-zflar-rehearsal, and the uname values of the
    # host the tree stands for (sysname, nodename, release, version, machine, processor, platform),
    # recorded as the creation_* keywords instead of the worker's.
    rehearsal: str = ""
    source_uname: dict[str, str] = field(default_factory=dict)


@dataclass
class ArchiveOutcome:
    path: str
    archive_id: str
    archived_bytes: int
    unarchived_bytes: int
    identification: dict[str, str] = field(default_factory=dict)


@dataclass
class ArchiveCheck:
    """What reading an archive back told us."""

    hash_ok: bool | None  # None: the archive carries no archive_id
    message: str
    member_count: int = 0
    # zone name -> zone-private mount points that are empty directories inside the archive
    empty_zone_mounts: dict[str, list[str]] = field(default_factory=dict)
    zones: list[str] = field(default_factory=list)
    members_by_zone: dict[str, int] = field(default_factory=dict)
    identification: dict[str, str] = field(default_factory=dict)


@dataclass
class ExtractOutcome:
    files: int
    bytes: int
    hash_ok: bool | None
    refused: list[str] = field(default_factory=list)
    devices_skipped: list[str] = field(default_factory=list)


class Executor(Protocol):
    name: str

    def zone_list(self) -> list[ZoneListEntry]: ...

    def zone_config(self, zone: str) -> ZoneConfig: ...

    def zone_halt(self, zone: str) -> None: ...

    def zonecfg(self, zone: str, commands: str) -> None: ...

    def mount(self, fstype: str, device: str, mount_point: str) -> None: ...

    def umount(self, mount_point: str) -> None: ...

    def read_file(self, path: str) -> str | None: ...

    def write_file(self, path: str, text: str) -> None: ...

    def free_bytes(self, path: str) -> int: ...

    def archive_create(
        self, spec: ArchiveSpec, on_progress: ProgressCallback, is_cancelled: Callable[[], bool]
    ) -> ArchiveOutcome: ...

    def archive_check(self, path: str, on_progress: ProgressCallback | None = None) -> ArchiveCheck: ...

    def archive_extract(self, path: str, on_progress: ProgressCallback) -> ExtractOutcome:
        """Extract as an untrusted archive: no device nodes or FIFOs, set-id bits cleared, and the
        writing stops past the declared size (plus slack) or the free space (jobs/flar/extract.py)."""
        ...

    # --- zone moves (issue #14): detach/attach, and solaris10 branded zones (V2V) ------------

    def zone_detach(self, zone: str, *, dry_run: bool = False) -> str:
        """``zoneadm -z Z detach`` (``-n``: the manifest on stdout, nothing changed); the output."""
        ...

    def zone_attach(self, zone: str, *, options: Sequence[str] = (), manifest: str = "") -> str:
        """``zoneadm -z Z attach [-u|-F]``, or the dry run ``attach -n MANIFEST``; the output."""
        ...

    def zone_boot(self, zone: str) -> None: ...

    def zone_ready(self, zone: str) -> None: ...

    def zone_install(self, zone: str, archive: str) -> None:
        """``zoneadm -z Z install -a ARCHIVE -u`` (a solaris10 branded zone from its V2V archive)."""
        ...

    def zonecfg_export(self, zone: str) -> str: ...

    def zonecfg_file(self, zone: str, path: str) -> None:
        """``zonecfg -z Z -f PATH``."""
        ...

    def zonecfg_create_attach(self, zone: str, zonepath: str) -> None:
        """``zonecfg -z Z create -a ZONEPATH``: the configuration of a detached zonepath."""
        ...

    def zonepath_archive(self, zonepath: str, output: str, *, form: str) -> int:
        """Archive a zonepath from its parent directory: ``pax`` (detach/attach) or ``cpio.gz``
        (``find Z -print | cpio -oP@ | gzip``, V2V); the archive's size in bytes."""
        ...

    def zonepath_restore(self, archive: str, zonepath: str, new_zonepath: str) -> None:
        """Unpack a ``pax`` zonepath archive of ``zonepath`` as ``new_zonepath`` (mode 700)."""
        ...

    def data_archive(self, device: str, output: str, staging: str) -> int:
        """Mount a zone's ufs (or SVM) file system read-only at ``staging``, pax it, unmount it."""
        ...

    def data_restore(self, archive: str, device: str, raw: str, staging: str) -> None:
        """newfs a new slice, mount it at ``staging``, unpack a :meth:`data_archive` onto it, unmount."""
        ...

    def brand_package(self, package: str) -> bool:
        """``pkg list`` the package, ``pkg install`` it when missing; True when it was there."""
        ...

    def p2v_check(self) -> tuple[int, str]:
        """``zonep2vchk -T S11 -b``: its exit status and output (127: not installed)."""
        ...

    def close(self) -> None: ...
