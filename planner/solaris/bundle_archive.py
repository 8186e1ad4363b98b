"""Unpack an uploaded collector bundle (.tar or .tar.gz) into memory, defensively.

Uploads come from many hosts and are untrusted.  Nothing is extracted to disk:
members are read into a ``{relative path: bytes}`` mapping, and only regular
files with the bundle's known names are read.  Links, devices, absolute paths,
``..``, NULs, over-deep paths, too many members and too many bytes are refused
with a message that names the member.
"""

from __future__ import annotations

import io
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from .errors import SolarisParseError

# Every file the collector writes, as patterns over the path below the top folder.
KNOWN_FILES = re.compile(
    r"^(?:hostname|uname-a|prtdiag|zoneadm-list-cvp|metastat-p|dladm-show-dev|dladm-show-link"
    r"|ifconfig-a|iostat-En|df-k|collect\.log|README"
    r"|zones/[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\.(?:cfg|vfstab)"
    r"|etc/vfstab|etc/zones/index|etc/zones/[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\.xml"
    r"|prtvtoc/c[0-9]+(?:t[0-9A-Fa-f]+)?d[0-9]+"
    r"|etc/release|var/sadm/system/admin/CLUSTER|zpool-list|zfs-list|large-files"
    r"|dladm-show-phys|pkg-list-brand-solaris10)$"
)
# The top folder and four below it: var/sadm/system/admin/CLUSTER is the deepest member.
MAX_DEPTH = 5


@dataclass
class BundleLimits:
    max_members: int = 2000
    max_unpacked_bytes: int = 256 * 1024 * 1024
    max_file_bytes: int = 32 * 1024 * 1024


@dataclass
class UnpackedBundle:
    files: dict[str, bytes]
    top_folder: str
    ignored: list[str] = field(default_factory=list)


def unpack_bundle(fileobj: IO[bytes], *, source: str, limits: BundleLimits | None = None) -> UnpackedBundle:
    limits = limits or BundleLimits()
    try:
        # Opened outside `with` so open errors get their own message; closed by the `with` below.
        archive = tarfile.open(fileobj=fileobj, mode="r:*")  # noqa: SIM115
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise SolarisParseError(f"not a tar or tar.gz bundle ({exc})", source=source) from exc
    with archive:
        return _read_members(archive, source=source, limits=limits)


def unpack_bundle_bytes(data: bytes, *, source: str, limits: BundleLimits | None = None) -> UnpackedBundle:
    return unpack_bundle(io.BytesIO(data), source=source, limits=limits)


def _iter_members(archive: tarfile.TarFile, source: str) -> Iterator[tarfile.TarInfo]:
    try:
        yield from archive
    except (tarfile.TarError, EOFError, OSError, ValueError, UnicodeError) as exc:
        raise SolarisParseError(f"damaged tar stream ({exc})", source=source) from exc


def _read_members(archive: tarfile.TarFile, *, source: str, limits: BundleLimits) -> UnpackedBundle:
    files: dict[str, bytes] = {}
    ignored: list[str] = []
    top_folder: str | None = None
    total = 0
    for count, member in enumerate(_iter_members(archive, source), start=1):
        if count > limits.max_members:
            raise SolarisParseError(
                f"more than {limits.max_members} members; refusing the bundle", source=source
            )
        name = member.name
        where = f"{source}: member {name!r}"
        _check_name(name, where)
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if not parts:
            continue
        if top_folder is None:
            top_folder = parts[0]
        elif parts[0] != top_folder:
            raise SolarisParseError(
                f"member {name!r} is outside the bundle's one top folder {top_folder!r}", source=source
            )
        if member.isdir():
            continue
        if not member.isfile():
            kind = _member_kind(member)
            raise SolarisParseError(
                f"member {name!r} is a {kind}; bundles hold only regular files", source=source
            )
        relative = "/".join(parts[1:])
        known = bool(KNOWN_FILES.match(relative))
        if known and member.size > limits.max_file_bytes:
            raise SolarisParseError(
                f"member {name!r} is {member.size} bytes, over the {limits.max_file_bytes}-byte limit",
                source=source,
            )
        # Unknown members are never read, but tarfile still inflates them to step over them, so
        # they count toward the unpacked-size cap like the rest (a bomb can hide under any name).
        total += member.size
        if total > limits.max_unpacked_bytes:
            raise SolarisParseError(
                f"bundle unpacks to more than {limits.max_unpacked_bytes} bytes; refusing it", source=source
            )
        if not known:
            ignored.append(relative or name)
            continue
        files[relative] = _read_member(archive, member, where, limits.max_file_bytes)
    if top_folder is None:
        raise SolarisParseError("the bundle is empty", source=source)
    return UnpackedBundle(files=files, top_folder=top_folder, ignored=ignored)


def _check_name(name: str, where: str) -> None:
    if "\x00" in name:
        raise SolarisParseError("a member name contains a NUL byte", source=where)
    if name.startswith("/"):
        raise SolarisParseError("absolute paths are not allowed in a bundle", source=where)
    parts = name.split("/")
    if ".." in parts:
        raise SolarisParseError("'..' is not allowed in a bundle path", source=where)
    if len([p for p in parts if p]) > MAX_DEPTH + 1:
        raise SolarisParseError(f"nested deeper than {MAX_DEPTH} folders", source=where)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SolarisParseError("the member name is not valid UTF-8", source=where) from exc


def _member_kind(member: tarfile.TarInfo) -> str:
    if member.issym():
        return "symbolic link"
    if member.islnk():
        return "hard link"
    if member.ischr() or member.isblk():
        return "device file"
    if member.isfifo():
        return "FIFO"
    return "special file"


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo, where: str, limit: int) -> bytes:
    try:
        handle = archive.extractfile(member)
        if handle is None:
            raise SolarisParseError("cannot be read", source=where)
        data = handle.read(limit + 1)
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise SolarisParseError(f"truncated or damaged ({exc})", source=where) from exc
    if len(data) != member.size:
        raise SolarisParseError("truncated: the tar stream ends inside this member", source=where)
    return data
