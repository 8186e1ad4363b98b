"""Which non-global zones a flar carries, and whether their private file systems made it in.

The classic pitfall (Jeff Victor, "Creating a Flash Archive of a Zoned System",
2006): a zone's ``fs`` resource of type ``ufs`` is mounted by zoneadm only
while the zone runs, and flars are made with the zones halted, so the archive
holds an *empty mount point* at ``<zonepath>/root/<dir>`` and none of the
data.  This module reads ``etc/zones/index`` and ``etc/zones/<zone>.xml`` from
the payload (with the planner's parsers) and reports such directories.

It makes one pass over the payload and keeps only the directory names and how
many entries each directly holds, so memory grows with the number of
directories, not with the archive.  :func:`inspect_archive` does the same pass
with hashing on, which is ``verify`` and this in one read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import ZoneConfig, ZoneIndexEntry
from planner.solaris.zoneadm import parse_zone_index
from planner.solaris.zonexml import parse_zone_xml

from .errors import FlarError
from .newc import MemberType
from .payload import Backend
from .progress import ProgressCallback, Throttle
from .reader import Archive, CpioParser, VerifyResult, hash_status

ZONES_DIR = "etc/zones"
INDEX = f"{ZONES_DIR}/index"
# Configuration files are small; anything bigger is not a zone file.
MAX_CONFIG_BYTES = 4 << 20
MAX_ZONE_FILES = 4096


@dataclass(frozen=True)
class ZoneFsCheck:
    """One zone ``fs`` resource and what the archive holds at its mount point."""

    dir: str  # as configured, relative to the zone root (e.g. /opt/local)
    type: str
    special: str
    archive_path: str  # where it would be in the archive (e.g. zones/z1/root/opt/local)
    state: str  # "populated", "empty" (mount point only: the pitfall) or "missing"


@dataclass(frozen=True)
class ArchiveZone:
    name: str
    state: str  # as recorded in etc/zones/index (configured, installed, ...)
    zonepath: str
    index: ZoneIndexEntry
    config: ZoneConfig | None
    root_path: str  # archive path of <zonepath>/root
    root_state: str  # "populated", "empty" or "missing"
    fs_checks: tuple[ZoneFsCheck, ...] = ()
    problems: tuple[str, ...] = ()
    config_in_archive: bool = False  # etc/zones/<zone>.xml is a member
    member_count: int = 0  # entries below <zonepath>/root

    @property
    def empty_private_fs(self) -> list[ZoneFsCheck]:
        """The zone-private file systems that were not mounted when the flar was made."""
        return [check for check in self.fs_checks if check.state == "empty"]


def _normalize(name: str) -> str:
    return "/".join(part for part in name.split("/") if part and part != ".")


@dataclass(frozen=True)
class ArchiveInspection:
    """One pass over an archive: the archive_id check plus the zones it carries."""

    verify: VerifyResult
    zones: list[ArchiveZone]


class _Collector:
    """What a single pass over the payload keeps: per directory, how many direct entries."""

    def __init__(self) -> None:
        self.directories: set[str] = set()
        self.children: dict[str, int] = {}
        self.index_text: str | None = None
        self.xml_texts: dict[str, str] = {}

    def add(self, name: str, is_directory: bool) -> None:
        if is_directory:
            self.directories.add(name)
        parent = name.rpartition("/")[0]
        self.children[parent] = self.children.get(parent, 0) + 1

    def members_below(self, directory: str) -> int:
        prefix = directory + "/"
        return sum(
            count for name, count in self.children.items() if name == directory or name.startswith(prefix)
        )

    def wants_data(self, name: str, size: int) -> bool:
        if size > MAX_CONFIG_BYTES:
            return False
        if name == INDEX:
            return True
        head, _, leaf = name.rpartition("/")
        return head == ZONES_DIR and leaf.endswith(".xml") and len(self.xml_texts) < MAX_ZONE_FILES

    def keep(self, name: str, data: bytes) -> None:
        text = data.decode("utf-8", "replace")
        if name == INDEX:
            self.index_text = text
        else:
            self.xml_texts[name.rpartition("/")[2][: -len(".xml")]] = text


def zones_in_archive(
    path: str | os.PathLike[str], *, fs_types: tuple[str, ...] = ("ufs",), backend: Backend = "auto"
) -> list[ArchiveZone]:
    """Non-global zones recorded in the archive's etc/zones, with their mount-point checks."""
    collector, _ = _scan(os.fspath(path), hashed=False, backend=backend)
    return _zones(collector, os.fspath(path), tuple(t.lower() for t in fs_types))


def inspect_archive(
    path: str | os.PathLike[str],
    *,
    fs_types: tuple[str, ...] = ("ufs",),
    backend: Backend = "auto",
    on_progress: ProgressCallback | None = None,
) -> ArchiveInspection:
    """``verify`` and ``zones_in_archive`` in a single pass over the payload.

    ``on_progress`` gets (payload bytes read, payload size, member), throttled: reading back a
    large archive takes minutes, and a job's heartbeat rides on these calls.
    """
    archive_path = os.fspath(path)
    collector, result = _scan(archive_path, hashed=True, backend=backend, on_progress=on_progress)
    assert result is not None
    return ArchiveInspection(result, _zones(collector, archive_path, tuple(t.lower() for t in fs_types)))


def _scan(
    archive_path: str, *, hashed: bool, backend: Backend, on_progress: ProgressCallback | None = None
) -> tuple[_Collector, VerifyResult | None]:
    collector = _Collector()
    result = None
    try:
        with Archive(archive_path) as archive:
            meta = archive.info()
            payload = archive.open_payload(hashed=hashed, backend=backend)
            try:
                parser = CpioParser(payload)
                throttle = Throttle(on_progress, None, total=payload.remaining, path=archive_path)
                for member in parser:
                    throttle.tick(payload.position, member.name)
                    name = _normalize(member.name)
                    collector.add(name, member.type is MemberType.DIRECTORY)
                    if member.type is MemberType.FILE and collector.wants_data(name, member.size):
                        collector.keep(name, parser.read_data())
                if payload.hasher is not None:
                    payload.drain()
                    actual = payload.hasher.hexdigest()
                    result = VerifyResult(
                        path=archive_path,
                        status=hash_status(meta.archive_id, actual),
                        expected=meta.archive_id,
                        actual=actual,
                        payload_bytes=payload.position,
                        members=parser.count,
                        compressed=meta.compressed,
                        warnings=meta.warnings,
                    )
            finally:
                payload.close()
    except OSError as exc:
        raise FlarError(f"{exc.strerror or exc}", archive_path) from None
    return collector, result


def _zones(collector: _Collector, archive_path: str, fs_types: tuple[str, ...]) -> list[ArchiveZone]:
    if collector.index_text is None:
        return []
    try:
        entries = parse_zone_index(collector.index_text, source=f"{archive_path}:{INDEX}")
    except SolarisParseError as exc:
        raise FlarError(f"{INDEX} in the archive cannot be read: {exc}", archive_path) from None
    return [_zone(entry, collector, archive_path, fs_types) for entry in entries if entry.name != "global"]


def _state(collector: _Collector, name: str) -> str:
    if name not in collector.directories:
        return "missing"
    return "populated" if collector.children.get(name) else "empty"


def _zone(
    entry: ZoneIndexEntry, collector: _Collector, archive_path: str, fs_types: tuple[str, ...]
) -> ArchiveZone:
    problems: list[str] = []
    config: ZoneConfig | None = None
    text = collector.xml_texts.get(entry.name)
    if text is None:
        problems.append(f"{ZONES_DIR}/{entry.name}.xml is not in the archive")
    else:
        try:
            config = parse_zone_xml(text, source=f"{archive_path}:{ZONES_DIR}/{entry.name}.xml")
        except SolarisParseError as exc:
            problems.append(str(exc))
    zonepath = entry.zonepath or (config.zonepath if config else "")
    if config is not None and config.zonepath and entry.zonepath and config.zonepath != entry.zonepath:
        problems.append(f"index says zonepath {entry.zonepath}, {entry.name}.xml says {config.zonepath}")
    root_path = _normalize(f"{zonepath}/root")
    checks = []
    for fs in config.fs if config else []:
        if fs.type.lower() in fs_types:
            where = _normalize(f"{root_path}/{fs.dir}")
            checks.append(ZoneFsCheck(fs.dir, fs.type, fs.special, where, _state(collector, where)))
    return ArchiveZone(
        name=entry.name,
        state=entry.state,
        zonepath=zonepath,
        index=entry,
        config=config,
        root_path=root_path,
        root_state=_state(collector, root_path),
        fs_checks=tuple(checks),
        problems=tuple(problems),
        config_in_archive=text is not None,
        member_count=collector.members_below(root_path),
    )
