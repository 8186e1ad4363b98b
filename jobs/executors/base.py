"""The interface both executors offer the job runners.

``local`` works on Solaris-like folder trees on the worker; ``ssh`` runs the
real Solaris commands on the hosts.  A runner never knows which one it has.
"""

from __future__ import annotations

from collections.abc import Callable
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

    def close(self) -> None: ...
