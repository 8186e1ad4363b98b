"""Reading flars: ``info``, ``list_members`` and ``verify``.

Every failure surfaces as :class:`~jobs.flar.errors.FlarError` with the
archive path and, inside the files section, the payload offset: truncated
files, bad hex in a cpio header, absurd name sizes, the wrong cpio flavour,
unreadable files.  Nothing else escapes the public functions.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, ParamSpec, TypeVar

from .errors import FlarError
from .header import FlarHeader, read_header
from .newc import (
    CRC_MAGIC,
    HEADER_SIZE,
    MAX_LINK_TARGET,
    MAX_NAME_SIZE,
    NEWC_MAGIC,
    TRAILER_NAME,
    HeaderError,
    Member,
    MemberType,
    decode_fields,
    describe_magic,
    member_type,
    padding,
)
from .payload import Backend, BackgroundMd5, PayloadReader, make_source

P = ParamSpec("P")
R = TypeVar("R")
# (header offset, the 13 numeric fields, name): CpioParser.next_raw's cheap header form.
RawHeader = tuple[int, tuple[int, ...], bytes]


class HashStatus(enum.StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    NOT_CHECKED = "not checked"  # the archive has no archive_id (flarcreate -H)


def hash_status(expected: str | None, actual: str) -> HashStatus:
    if not expected:
        return HashStatus.NOT_CHECKED
    return HashStatus.MATCH if expected.strip().lower() == actual.lower() else HashStatus.MISMATCH


@dataclass(frozen=True)
class FlarInfo:
    """What ``flar info`` shows, plus where the payload is and how it is encoded."""

    path: str
    cookie: str
    version: tuple[int, int]
    identification: dict[str, str]  # known keywords lowercased; X- keywords as written
    identification_lines: tuple[str, ...]  # as stored, for printing like Solaris flar info
    sections: tuple[str, ...]  # in file order, "identification" first and "archive" last
    payload_offset: int
    payload_size: int  # bytes from payload_offset to end of file (compressed size if compressed)
    compressed: bool
    archived_method: str
    archive_id: str | None
    unknown_keywords: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def content_name(self) -> str:
        return self.identification.get("content_name", "")

    @property
    def user_keywords(self) -> dict[str, str]:
        return {k: v for k, v in self.identification.items() if k[:2].upper() == "X-"}

    @property
    def files_archived_size(self) -> int | None:
        return _size(self.identification.get("files_archived_size"))

    @property
    def files_unarchived_size(self) -> int | None:
        return _size(self.identification.get("files_unarchived_size"))


def _size(value: str | None) -> int | None:
    """A size keyword as a number (our writer pads it with spaces); None if absent or not a number."""
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class VerifyResult:
    path: str
    status: HashStatus
    expected: str | None
    actual: str
    payload_bytes: int  # uncompressed
    members: int
    compressed: bool
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """False only on a mismatch; "not checked" is how Solaris treats a missing archive_id."""
        return self.status is not HashStatus.MISMATCH


def _wrap_os_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Public entry points report OS errors (missing file, EIO...) as FlarError."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except FlarError:
            raise
        except OSError as exc:
            raise FlarError(f"{exc.strerror or exc}", os.fsdecode(exc.filename or "")) from None

    return wrapper


class Archive(contextlib.AbstractContextManager["Archive"]):
    """An open flar: parsed header and access to the payload."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        try:
            self._file: BinaryIO = open(self.path, "rb")  # noqa: SIM115 - closed by close()/__exit__
        except OSError as exc:
            raise FlarError(f"cannot open archive: {exc.strerror}", self.path) from None
        try:
            self.header: FlarHeader = read_header(self._file, self.path)
            self.size = os.fstat(self._file.fileno()).st_size
        except OSError as exc:
            self._file.close()
            raise FlarError(f"cannot read archive: {exc.strerror}", self.path) from None
        except BaseException:
            self._file.close()
            raise

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def info(self) -> FlarInfo:
        ident = self.header.identification
        values = dict(ident.values)
        return FlarInfo(
            path=self.path,
            cookie=self.header.cookie,
            version=self.header.version,
            identification=values,
            identification_lines=tuple(ident.lines),
            sections=tuple(self.header.sections),
            payload_offset=self.header.payload_offset,
            payload_size=self.size - self.header.payload_offset,
            compressed=values.get("files_compressed_method", "none").strip().lower() == "compress",
            archived_method=values.get("files_archived_method", "cpio").strip().lower() or "cpio",
            archive_id=values.get("archive_id"),
            unknown_keywords=tuple(ident.unknown_keywords),
            warnings=tuple(self.header.warnings),
        )

    def check_payload_supported(self) -> bool:
        """Raise unless the payload is a cpio stream we can read; returns the compressed flag."""
        values = self.header.identification.values
        if "rootpool" in values:
            raise FlarError(
                "ZFS root pool archive (rootpool=): its files section is not a cpio stream; not supported",
                self.path,
            )
        method = values.get("files_archived_method", "cpio").strip().lower() or "cpio"
        if method == "pax":
            raise FlarError(
                "files section is a pax archive (flarcreate -L pax); only cpio is supported", self.path
            )
        if method != "cpio":
            raise FlarError(f"unknown files_archived_method={method!r}", self.path)
        compression = values.get("files_compressed_method", "none").strip().lower() or "none"
        if compression not in ("none", "compress"):
            raise FlarError(f"unknown files_compressed_method={compression!r}", self.path)
        return compression == "compress"

    def open_payload(self, *, hashed: bool, backend: Backend = "auto") -> PayloadReader:
        compressed = self.check_payload_supported()
        fd = self._file.fileno()
        os.lseek(fd, self.header.payload_offset, os.SEEK_SET)
        source = make_source(fd, compressed=compressed, path=self.path, backend=backend)
        known = None if compressed else self.size - self.header.payload_offset
        return PayloadReader(
            source, path=self.path, hasher=BackgroundMd5() if hashed else None, known_size=known
        )


class CpioParser:
    """Walks the newc entries of a payload; member data is streamed or skipped on demand."""

    def __init__(self, payload: PayloadReader) -> None:
        self._payload = payload
        self._path = payload.path
        self._data_left = 0
        self._pad_left = 0
        self.finished = False
        self.count = 0

    def _error(self, message: str, offset: int) -> FlarError:
        return FlarError(message, self._path, offset)

    def next_member(self) -> Member | None:
        """The next entry's header, or None after ``TRAILER!!!``."""
        raw = self.next_raw()
        return None if raw is None else self.member(raw)

    def next_raw(self) -> RawHeader | None:
        """The next entry's header fields and name, or None after ``TRAILER!!!``.

        The cheap form for hot loops (the extractor's regular files): no Member is built.
        Its data is next in the stream: call :meth:`member` (symlinks read their target
        there), :meth:`data_views`, :meth:`read_data` or :meth:`skip_data` before the
        next entry.
        """
        if self.finished:
            return None
        if self._data_left or self._pad_left:
            self.skip_data()
        payload = self._payload
        offset = payload.position
        head = payload.take(HEADER_SIZE)
        if head is None:
            head = payload.read_upto(HEADER_SIZE)
            if len(head) < HEADER_SIZE:
                raise self._error("payload ends before the TRAILER!!! entry (truncated archive)", offset)
        magic = head[:6]
        if magic != NEWC_MAGIC and magic != CRC_MAGIC:
            raise self._error(
                f"bad cpio header: expected newc (070701) as `cpio -c` writes, found {describe_magic(magic)}",
                offset,
            )
        try:
            fields = decode_fields(head)
        except HeaderError as exc:
            raise self._error(str(exc), offset) from None
        namesize = fields[11]
        if namesize == 0 or namesize > MAX_NAME_SIZE:
            self._read_name(namesize, offset)  # raises the precise error
        raw = payload.take(namesize + (-(HEADER_SIZE + namesize) & 3))
        if raw is None:
            raw = self._read_name(namesize, offset) + b"\0"
        elif raw[namesize - 1] != 0:
            raise self._error("bad cpio header: member name is not NUL-terminated", offset)
        name = raw[: namesize - 1]
        if name == TRAILER_NAME:
            self.finished = True
            return None
        size = fields[6]
        remaining = payload.remaining
        if remaining is not None and size + (-size & 3) > remaining:
            self._check_room(size, name, offset)
        self._data_left, self._pad_left = size, -size & 3
        self.count += 1
        return (offset, fields, name)

    def member(self, raw: RawHeader) -> Member:
        """The Member of a header from :meth:`next_raw` (reads a symlink's target)."""
        offset, fields, name = raw
        ino, mode, uid, gid, nlink, mtime, size, dmaj, dmin, rmaj, rmin, _namesize, _check = fields
        kind = member_type(mode)
        link_target = None
        if kind is MemberType.SYMLINK and size <= MAX_LINK_TARGET:
            link_target = os.fsdecode(self.read_data())
        return Member(
            name=os.fsdecode(name),
            mode=mode,
            uid=uid,
            gid=gid,
            size=size,
            mtime=mtime,
            type=kind,
            nlink=nlink,
            ino=ino,
            dev_major=dmaj,
            dev_minor=dmin,
            rdev_major=rmaj,
            rdev_minor=rmin,
            link_target=link_target,
            name_bytes=name,
            offset=offset,
        )

    def _read_name(self, namesize: int, offset: int) -> bytes:
        if namesize == 0:
            raise self._error("bad cpio header: name size 0 (a name holds at least its NUL)", offset)
        if namesize > MAX_NAME_SIZE:
            raise self._error(f"bad cpio header: name size {namesize} exceeds {MAX_NAME_SIZE}", offset)
        raw = self._payload.read_exact(namesize + padding(HEADER_SIZE + namesize), "member name")
        if raw[namesize - 1] != 0:
            raise self._error("bad cpio header: member name is not NUL-terminated", offset)
        return raw[: namesize - 1]

    def _check_room(self, size: int, name: bytes, offset: int) -> None:
        remaining = self._payload.remaining
        if remaining is not None and size + padding(size) > remaining:
            raise self._error(
                f"payload truncated: {os.fsdecode(name)!r} declares {size} data bytes "
                f"but only {remaining} remain",
                offset,
            )

    def take_data(self) -> memoryview | None:
        """The current member's whole data as one view when the current chunk holds it and its
        padding (consumed), else None (use :meth:`data_views`)."""
        size, pad = self._data_left, self._pad_left
        view = self._payload.take_view(size + pad)
        if view is None:
            return None
        self._data_left = self._pad_left = 0
        return view[:size] if pad else view

    def data_views(self) -> Iterator[memoryview]:
        """The current member's data as zero-copy views (then its padding is consumed)."""
        size, self._data_left = self._data_left, 0
        yield from self._payload.views(size, "member data")
        self._skip_padding()

    def read_data(self) -> bytes:
        size, self._data_left = self._data_left, 0
        data = self._payload.read_exact(size, "member data")
        self._skip_padding()
        return data

    def skip_data(self) -> None:
        if self._data_left:
            size, self._data_left = self._data_left, 0
            self._payload.skip(size, "member data")
        self._skip_padding()

    def _skip_padding(self) -> None:
        if self._pad_left:
            pad, self._pad_left = self._pad_left, 0
            self._payload.read_exact(pad, "data padding")

    def __iter__(self) -> Iterator[Member]:
        while (member := self.next_member()) is not None:
            yield member


@_wrap_os_errors
def info(path: str | os.PathLike[str]) -> FlarInfo:
    """Identification, sections and payload location (reads only the text header)."""
    with Archive(path) as archive:
        return archive.info()


def list_members(path: str | os.PathLike[str], *, backend: Backend = "auto") -> Iterator[Member]:
    """Every entry of the files section, in archive order (like ``flar info -l``)."""
    try:
        with Archive(path) as archive:
            payload = archive.open_payload(hashed=False, backend=backend)
            try:
                yield from CpioParser(payload)
            finally:
                payload.close()
    except OSError as exc:
        raise FlarError(f"{exc.strerror or exc}", os.fspath(path)) from None


@_wrap_os_errors
def verify(path: str | os.PathLike[str], *, backend: Backend = "auto") -> VerifyResult:
    """Recompute the MD5 of the uncompressed payload and compare it with archive_id.

    The whole cpio stream is parsed, so a truncated or corrupt payload raises
    FlarError instead of producing a "mismatch".
    """
    with Archive(path) as archive:
        meta = archive.info()
        payload = archive.open_payload(hashed=True, backend=backend)
        try:
            parser = CpioParser(payload)
            for _ in parser:
                pass
            payload.drain()
            actual = _digest(payload)
            total = payload.position
        finally:
            payload.close()
    return VerifyResult(
        path=meta.path,
        status=hash_status(meta.archive_id, actual),
        expected=meta.archive_id,
        actual=actual,
        payload_bytes=total,
        members=parser.count,
        compressed=meta.compressed,
        warnings=meta.warnings,
    )


def _digest(payload: PayloadReader) -> str:
    hasher = payload.hasher
    assert hasher is not None
    return hasher.hexdigest()
