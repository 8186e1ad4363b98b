"""SVR4 "newc" cpio headers (magic ``070701``), the files section of a flar.

Solaris ``cpio -c`` writes this format (the ``ASC`` header of ``archives.h``):

* a 110-byte ASCII header: the 6-byte magic, then 13 fields of 8 hex digits —
  ino, mode, uid, gid, nlink, mtime, filesize, dev major, dev minor, rdev major,
  rdev minor, namesize (including the NUL) and check (0; a checksum in ``070702``);
* the name, NUL-terminated, padded with NULs so header + name is a multiple of 4;
* the data (symlink target for symlinks), padded to a multiple of 4;
* a last entry named ``TRAILER!!!``, then zeros up to the 512-byte block.

Hard links follow the newc convention: every name of a linked inode gets its
own header with the same ino and an nlink > 1; all but the last carry no data
(filesize 0) and the last carries the data.  GNU cpio and Solaris cpio both
read links that way.
"""

from __future__ import annotations

import enum
import os
import stat
import struct
from dataclasses import dataclass

NEWC_MAGIC = b"070701"
CRC_MAGIC = b"070702"
ODC_MAGIC = b"070707"
HEADER_SIZE = 110
TRAILER_NAME = b"TRAILER!!!"
BLOCK_SIZE = 512
# Every numeric field is 8 hex digits: 32 bits.  Files of 4 GiB or more cannot be stored.
MAX_FIELD = 0xFFFFFFFF
MAX_FILE_SIZE = MAX_FIELD
# Longest name a reader accepts (Linux PATH_MAX, NUL included).  Longer is corruption.
MAX_NAME_SIZE = 4096
# Longest symlink target a reader accepts (PATH_MAX without the NUL).
MAX_LINK_TARGET = 4095

_HEADER_FORMAT = b"070701" + b"%08x" * 13
_FIELDS = struct.Struct(">13I")


class MemberType(enum.StrEnum):
    FILE = "file"
    DIRECTORY = "dir"
    SYMLINK = "symlink"
    CHAR_DEVICE = "chardev"
    BLOCK_DEVICE = "blockdev"
    FIFO = "fifo"
    SOCKET = "socket"
    UNKNOWN = "unknown"


_TYPE_BY_FORMAT: dict[int, MemberType] = {
    stat.S_IFREG: MemberType.FILE,
    stat.S_IFDIR: MemberType.DIRECTORY,
    stat.S_IFLNK: MemberType.SYMLINK,
    stat.S_IFCHR: MemberType.CHAR_DEVICE,
    stat.S_IFBLK: MemberType.BLOCK_DEVICE,
    stat.S_IFIFO: MemberType.FIFO,
    stat.S_IFSOCK: MemberType.SOCKET,
}


def member_type(mode: int) -> MemberType:
    return _TYPE_BY_FORMAT.get(stat.S_IFMT(mode), MemberType.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Member:
    """One cpio entry as stored in the archive (what ``flar info -l`` lists)."""

    name: str  # as stored, decoded with surrogateescape so odd bytes survive a round trip
    mode: int  # full st_mode: file type and permission bits
    uid: int
    gid: int
    size: int  # data bytes stored for this entry (0 for all but the last name of a hard link)
    mtime: int
    type: MemberType
    nlink: int
    ino: int
    dev_major: int
    dev_minor: int
    rdev_major: int
    rdev_minor: int
    link_target: str | None = None  # symlinks only (None if too long to be a path)
    name_bytes: bytes = b""
    offset: int = 0  # of the header, in uncompressed payload bytes

    @property
    def permissions(self) -> int:
        return stat.S_IMODE(self.mode)

    @property
    def rdev(self) -> tuple[int, int]:
        return (self.rdev_major, self.rdev_minor)

    @property
    def link_key(self) -> tuple[int, int, int]:
        """What ties the names of one hard-linked inode together (GNU cpio's key)."""
        return (self.ino, self.dev_major, self.dev_minor)

    @property
    def is_hardlink_member(self) -> bool:
        return self.type is MemberType.FILE and self.nlink > 1


def padding(length: int) -> int:
    """NUL bytes needed after ``length`` bytes to reach a multiple of 4."""
    return -length & 3


def format_header(
    name: bytes,
    *,
    ino: int,
    mode: int,
    uid: int,
    gid: int,
    nlink: int,
    mtime: int,
    size: int,
    dev_major: int = 0,
    dev_minor: int = 0,
    rdev_major: int = 0,
    rdev_minor: int = 0,
) -> bytes:
    """Header + name + padding for one entry; the data (and its padding) follow."""
    fields = (ino, mode, uid, gid, nlink, mtime, size, dev_major, dev_minor, rdev_major, rdev_minor)
    for value in fields:
        if not 0 <= value <= MAX_FIELD:
            raise ValueError(f"cpio header field out of range for {os.fsdecode(name)!r}: {value}")
    namesize = len(name) + 1
    return _HEADER_FORMAT % (*fields, namesize, 0) + name + b"\0" * (1 + padding(HEADER_SIZE + namesize))


def trailer() -> bytes:
    return format_header(TRAILER_NAME, ino=0, mode=0, uid=0, gid=0, nlink=1, mtime=0, size=0)


def describe_magic(magic: bytes) -> str:
    """Name the archive format a 6-byte header start belongs to, for error messages."""
    if magic == ODC_MAGIC:
        return "odc/POSIX.1 portable cpio (070707)"
    if magic[:2] in (b"\xc7\x71", b"\x71\xc7"):
        return "binary cpio (070707 as a 16-bit word)"
    if magic == CRC_MAGIC:
        return "SVR4 crc cpio (070702)"
    if magic == NEWC_MAGIC:
        return "SVR4 newc cpio (070701)"
    return f"unknown data {magic!r}"


class HeaderError(ValueError):
    """A header that cannot be decoded; the reader turns it into a FlarError with a location."""


def decode_fields(header: bytes) -> tuple[int, ...]:
    """The 13 numeric fields of a 110-byte newc/crc header (magic already checked).

    ``bytes.fromhex`` + ``struct`` is both the fast path and the strict one:
    unlike ``int(x, 16)`` it refuses signs, ``0x`` prefixes and underscores,
    and any whitespace shortens the result so the unpack fails.
    """
    try:
        return _FIELDS.unpack(bytes.fromhex(header[6:HEADER_SIZE].decode("ascii")))
    except (ValueError, struct.error) as exc:
        raise HeaderError(f"cpio header has a field that is not 8 hex digits: {header[6:]!r}") from exc
