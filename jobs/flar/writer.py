"""Creating flars: ``flarcreate`` / ``flar create`` for a directory tree.

How the archive is produced, and why:

* **One pass, constant memory.**  archive_id (MD5 of the uncompressed payload)
  and the two size keywords sit in the identification section, *before* the
  payload they describe.  The header is written first with fixed-width
  placeholders (32 hex digits for archive_id; 20 characters for each size,
  left-aligned and space-padded), the payload is streamed after it, and the
  real values are written over the placeholders with ``pwrite``.  Nothing is
  written twice and no temporary copy of the payload exists.
* **Parallel hashing.**  The payload is assembled in large buffers that a hash
  thread and a write thread consume; both run without the GIL (hashlib and
  ``os.write`` release it), so MD5 overlaps with walking and reading the tree.
* **Atomic result.**  Everything goes to ``.NAME.partial-<pid>`` next to the
  output, which is fsynced and renamed into place; on error or cancellation the
  partial file is removed, so a half-written archive never looks complete.
* **Safe walk.**  Directories are opened with ``O_NOFOLLOW`` relative to their
  parent's descriptor and files are opened relative to that, so a symlink
  swapped in during the walk is archived as a symlink, never followed.

The payload is what ``find . | cpio -o -H newc`` would produce from the root,
with names relative to the root (no ``./``), in sorted order, inode numbers
renumbered (so 32-bit truncation cannot make unrelated files look like hard
links) and hard-link data on the last name of each linked inode.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import fcntl
import hashlib
import os
import platform
import shutil
import stat
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .errors import FlarError
from .header import (
    ARCHIVE_LINE,
    COOKIE,
    SECTION_BEGIN,
    SECTION_END,
    check_architectures,
    check_keyword_value,
    check_section_name,
    check_user_keyword,
    description_lines,
    section_lines,
)
from .lzw import LzwCompressor
from .newc import BLOCK_SIZE, MAX_FIELD, MAX_FILE_SIZE, trailer
from .progress import CancelCallback, ProgressCallback, Throttle

Compressor = Literal["auto", "system", "python"]

ARCHIVE_ID_WIDTH = 32
SIZE_WIDTH = 20  # digits of the largest 64-bit size
BUFFER_SIZE = 8 << 20
BUFFER_COUNT = 4
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO swapped in for a regular file after the stat must not hang the walk.
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_HEADER = b"070701" + b"%08x" * 12 + b"00000000"
_NULS = tuple(b"\0" * n for n in range(5))


@dataclass(frozen=True)
class SystemInfo:
    """The creation_* keywords: what the archive says about the master it was made on.

    ``SystemInfo.local()`` is this machine's ``uname``, what ``flarcreate`` records
    on a real master.  An empty field leaves its keyword out of the archive, so a
    caller that archives a *copy* of another host's tree (the local executor's
    rehearsal) gives that host's values, or none, instead of the worker's.
    """

    node: str = ""  # creation_node (uname -n); also creation_master's default
    hardware_class: str = ""  # creation_hardware_class (uname -m), content_architectures' default
    platform: str = ""  # creation_platform (uname -i)
    processor: str = ""  # creation_processor (uname -p)
    release: str = ""  # creation_release (uname -r)
    os_name: str = ""  # creation_os_name (uname -s)
    os_version: str = ""  # creation_os_version (uname -v)

    @classmethod
    def local(cls) -> SystemInfo:
        uname = os.uname()
        return cls(
            node=uname.nodename,
            hardware_class=uname.machine,
            platform=platform.machine() or uname.machine,
            processor=platform.processor() or uname.machine,
            release=uname.release,
            os_name=uname.sysname,
            os_version=uname.version,
        )

    def keywords(self) -> list[tuple[str, str]]:
        """The creation_* pairs in flarcreate's order, without the empty ones."""
        pairs = [
            ("creation_node", self.node),
            ("creation_hardware_class", self.hardware_class),
            ("creation_platform", self.platform),
            ("creation_processor", self.processor),
            ("creation_release", self.release),
            ("creation_os_name", self.os_name),
            ("creation_os_version", self.os_version),
        ]
        return [(key, value) for key, value in pairs if value]


# The identification keywords that mark an archive made by zflar's local executor: a rehearsal
# on a worker, from a copy of the source's tree, that touched no Solaris host.
REHEARSAL_KEYWORD = "X-zflar-rehearsal"
REHEARSAL_WORKER_KEYWORD = "X-zflar-rehearsal-worker"

_SYSTEM_FIELDS = {
    "creation_node": "node",
    "creation_hardware_class": "hardware_class",
    "creation_platform": "platform",
    "creation_processor": "processor",
    "creation_release": "release",
    "creation_os_name": "os_name",
    "creation_os_version": "os_version",
}


@dataclass(frozen=True)
class CreateOptions:
    """flarcreate's options; the comments name the Solaris flag."""

    name: str  # -n, content_name (required, at most 256 characters)
    root: str = "/"  # -R
    exclude: tuple[str, ...] = ()  # -x, relative to root, with or without a leading '/'
    compress: bool = False  # -c
    sizing: bool = True  # False = -S: no files_archived_size / files_unarchived_size
    archive_id: bool = True  # False = -H: no hash identifier
    author: str = ""  # -a
    description: str = ""  # -e (may span lines; continuation lines may not contain '=')
    content_type: str = ""  # -T
    master: str = ""  # -m, creation_master; default the node name (system.node)
    creation_date: str = ""  # -i, YYYYMMDDhhmmss (UTC); default now
    # -U KEY=value: X- keywords, and the settable identification keywords (header.SETTABLE_KEYWORDS,
    # e.g. content_architectures=sun4u,sun4v, creation_release=5.10); computed ones are refused.
    user_keywords: Mapping[str, str] = field(default_factory=dict)
    user_sections: Mapping[str, str] = field(default_factory=dict)  # section name (X...) -> text
    summary: bool = True
    content_architectures: tuple[str, ...] = ()  # default: system.hardware_class
    # The creation_* values; None = this machine's (SystemInfo.local()), unless `rehearsal` is set,
    # in which case None = none of them (the worker is not the source).
    system: SystemInfo | None = None
    # A rehearsal made from a copy of a host's tree: written as X-zflar-rehearsal=<this text>, with
    # the worker's own uname in X-zflar-rehearsal-worker.
    rehearsal: str = ""
    compressor: Compressor = "auto"  # "system" = compress(1) binary, "python" = built-in LZW
    # Mounted file systems, zflar's stand-in for `mount`: archive-relative directory (the
    # mount point) -> directory whose contents are archived there instead of the tree's.
    grafts: Mapping[str, str] = field(default_factory=dict)

    def effective_system(self) -> SystemInfo:
        if self.system is not None:
            return self.system
        return SystemInfo() if self.rehearsal else SystemInfo.local()


@dataclass(frozen=True)
class CreateResult:
    path: str
    archive_id: str | None
    files_archived_size: int  # payload bytes as stored (compressed size with -c)
    files_unarchived_size: int  # sum of regular-file sizes
    payload_size: int  # uncompressed payload bytes (what archive_id covers)
    counts: dict[str, int]  # entries written per type (file, dir, symlink, hardlink, ...)
    excluded: tuple[str, ...]  # exclusions that matched something
    warnings: tuple[str, ...]
    compressed: bool

    @property
    def entries(self) -> int:
        return sum(self.counts.values())


# --- options -> header ---------------------------------------------------------------------------


def normalize_exclusion(path: str, what: str = "exclusion") -> bytes:
    """``-x`` paths are relative to the -R root; a leading '/' or './' means the same."""
    raw = path.strip()
    while raw.startswith("./"):
        raw = raw[2:]
    rel = os.path.normpath(raw.lstrip("/")) if raw.lstrip("/") else ""
    if rel in ("", "."):
        raise ValueError(f"{what} {path!r} would cover the whole root")
    if rel == ".." or rel.startswith("../"):
        raise ValueError(f"{what} {path!r} points outside the root")
    return os.fsencode(rel)


def normalize_grafts(grafts: Mapping[str, str]) -> dict[bytes, str]:
    return {
        normalize_exclusion(point, "graft mount point"): os.fspath(source) for point, source in grafts.items()
    }


def _validate(options: CreateOptions) -> None:
    if not options.name:
        raise ValueError("an archive name (-n) is required")
    if len(options.name) > 256:
        raise ValueError("the archive name (-n) may be at most 256 characters")
    for keyword, value in (
        ("content_name", options.name),
        ("content_author", options.author),
        ("content_type", options.content_type),
        ("creation_master", options.master),
        (REHEARSAL_KEYWORD, options.rehearsal),
    ):
        check_keyword_value(keyword, value)
    if options.creation_date:
        parse_creation_date(options.creation_date)
    user_keywords(options)
    for name in options.user_sections:
        check_section_name(name)


def user_keywords(options: CreateOptions) -> tuple[dict[str, str], dict[str, str]]:
    """``-U`` keywords split into (settable identification keywords, X- keywords), checked.

    A settable keyword given both by its own flag and by -U must agree.
    """
    settable: dict[str, str] = {}
    extra: dict[str, str] = {}
    for raw_key, value in options.user_keywords.items():
        key = check_user_keyword(raw_key)
        check_keyword_value(key, value)
        target = extra if key.startswith("X-") else settable
        if key in target and target[key] != value:
            raise ValueError(f"-U {key} is given twice with different values")
        target[key] = value
    if options.rehearsal and {REHEARSAL_KEYWORD, REHEARSAL_WORKER_KEYWORD} & set(extra):
        raise ValueError(f"{REHEARSAL_KEYWORD} is written by the rehearsal option; do not give it with -U")
    if "creation_date" in settable:
        parse_creation_date(settable["creation_date"])
    if "content_architectures" in settable:
        check_architectures(settable["content_architectures"])
    for key, flag, value in (
        ("content_author", "-a", options.author),
        ("content_description", "-e", options.description),
        ("content_type", "-T", options.content_type),
        ("creation_date", "-i", options.creation_date),
        ("creation_master", "-m", options.master),
        ("content_architectures", "content_architectures", ",".join(options.content_architectures)),
    ):
        if value and key in settable and settable[key] != value:
            raise ValueError(f"{key} is given twice: {flag} {value!r} and -U {key}={settable[key]!r}")
    return settable, extra


def parse_creation_date(value: str) -> datetime.datetime:
    try:
        if len(value) != 14 or not value.isdigit():
            raise ValueError
        return datetime.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=datetime.UTC)
    except ValueError:
        raise ValueError(f"creation date {value!r} is not YYYYMMDDhhmmss") from None


@dataclass
class _Header:
    data: bytes
    archive_id_at: int | None = None
    archived_size_at: int | None = None
    unarchived_size_at: int | None = None


def _identification(options: CreateOptions, system: SystemInfo) -> list[tuple[str, str]]:
    settable, extra = user_keywords(options)
    system = dataclasses.replace(
        system, **{field: settable[key] for key, field in _SYSTEM_FIELDS.items() if key in settable}
    )
    date = (
        settable.get("creation_date")
        or options.creation_date
        or datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
    )
    pairs: list[tuple[str, str]] = []
    if options.archive_id:
        pairs.append(("archive_id", "0" * ARCHIVE_ID_WIDTH))
    pairs += [("files_archived_method", "cpio"), ("creation_date", date)]
    master = settable.get("creation_master") or options.master or system.node
    if master:
        pairs.append(("creation_master", master))
    pairs.append(("content_name", options.name))
    pairs += system.keywords()
    pairs.append(("files_compressed_method", "compress" if options.compress else "none"))
    if options.sizing:
        pairs += [("files_archived_size", " " * SIZE_WIDTH), ("files_unarchived_size", " " * SIZE_WIDTH)]
    content_type = settable.get("content_type") or options.content_type
    if content_type:
        pairs.append(("content_type", content_type))
    author = settable.get("content_author") or options.author
    if author:
        pairs.append(("content_author", author))
    if "content_architectures" in settable:
        architectures = check_architectures(settable["content_architectures"])
    else:
        architectures = options.content_architectures or tuple(filter(None, [system.hardware_class]))
    if architectures:
        pairs.append(("content_architectures", ",".join(architectures)))
    pairs.append(("type", "FULL"))
    pairs += list(extra.items())
    if options.rehearsal:
        worker = os.uname()
        pairs.append((REHEARSAL_KEYWORD, options.rehearsal))
        pairs.append((REHEARSAL_WORKER_KEYWORD, f"{worker.sysname} {worker.release} {worker.machine}"))
    for key, value in pairs:
        check_keyword_value(key, value)
    return pairs


def _description(options: CreateOptions) -> str:
    settable, _ = user_keywords(options)
    return settable.get("content_description") or options.description


def build_header(options: CreateOptions, root: str, exclusions: list[bytes]) -> _Header:
    system = options.effective_system()
    description = _description(options)
    header = _Header(b"")
    out = bytearray(f"{COOKIE}\n{SECTION_BEGIN}=identification\n".encode())
    placeholders = {
        "archive_id": "archive_id_at",
        "files_archived_size": "archived_size_at",
        "files_unarchived_size": "unarchived_size_at",
    }
    for key, value in _identification(options, system):
        if key == "type" and description:
            # The description block stays together (Sun's reader appends continuation lines to
            # content_description) and comes just before `type`.
            out += "".join(f"{text}\n" for text in description_lines(description)).encode()
        if key in placeholders:
            setattr(header, placeholders[key], len(out) + len(key) + 1)
        out += f"{key}={value}\n".encode()
    out += f"{SECTION_END}=identification\n".encode()
    if options.summary:
        out += _section_text("summary", _summary(root, exclusions))
    for name, body in options.user_sections.items():
        out += _section_text(name, body)
    out += f"{ARCHIVE_LINE}\n".encode()
    header.data = bytes(out)
    return header


def _section_text(name: str, body: str) -> bytes:
    return "".join(f"{line}\n" for line in section_lines(name, body)).encode("utf-8", "surrogateescape")


def _summary(root: str, exclusions: list[bytes]) -> str:
    lines = [f"archive created by zflar from root {root}"]
    lines += [f"excluded: /{os.fsdecode(x)}" for x in exclusions]
    return "\n".join(line.replace("\n", " ") for line in lines)


# --- the payload sink ----------------------------------------------------------------------------


class _Sink:
    """Large reusable buffers, consumed by an MD5 thread and a write thread.

    The archiver fills ``buffer``/``view`` up to ``pos`` directly (file data
    is read straight into it) and calls :meth:`flush` when it is full.  A
    buffer is reused only after both threads are done with it.
    """

    def __init__(self, write_fd: int, *, hashed: bool, compressor: LzwCompressor | None, out_fd: int) -> None:
        self._write_fd = write_fd
        self._out_fd = out_fd
        self._compressor = compressor
        # Allocated on first use: a small archive never pays for (or touches) all of them.
        self._views: list[memoryview] = [memoryview(bytearray(BUFFER_SIZE))]
        self._seq = 0
        self.view = self._views[0]
        self.capacity = BUFFER_SIZE
        self.pos = 0
        self.flushed_bytes = 0
        self._md5 = hashlib.md5(usedforsecurity=False) if hashed else None
        self._cond = threading.Condition()
        self._done = {"hash": 0 if hashed else 1 << 62, "write": 0}
        self._error: BaseException | None = None
        self._queues: dict[str, list[tuple[int, int] | None]] = {"hash": [], "write": []}
        self._threads = [threading.Thread(target=self._write_loop, name="flar-write", daemon=True)]
        if hashed:
            self._threads.append(threading.Thread(target=self._hash_loop, name="flar-md5", daemon=True))
        for thread in self._threads:
            thread.start()

    # main thread ----------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self.flushed_bytes + self.pos

    def put(self, data: bytes) -> None:
        if self.pos + len(data) > self.capacity:
            self.flush()
        end = self.pos + len(data)
        self.view[self.pos : end] = data
        self.pos = end

    def put_zeros(self, count: int) -> None:
        while count:
            room = self.capacity - self.pos
            if room == 0:
                self.flush()
                continue
            take = min(room, count)
            self.view[self.pos : self.pos + take] = bytes(take)
            self.pos += take
            count -= take

    def flush(self) -> None:
        if self.pos == 0:
            return
        with self._cond:
            self._raise_if_failed()
            item = (self._seq, self.pos)
            for name in self._queues:
                self._queues[name].append(item)
            self._cond.notify_all()
            self.flushed_bytes += self.pos
            self._seq += 1
            reuse = self._seq - BUFFER_COUNT  # the sequence number that last used the next buffer
            self._cond.wait_for(lambda: self._error is not None or min(self._done.values()) > reuse)
            self._raise_if_failed()
        slot = self._seq % BUFFER_COUNT
        if slot == len(self._views):
            self._views.append(memoryview(bytearray(BUFFER_SIZE)))
        self.view = self._views[slot]
        self.pos = 0

    def finish(self) -> str | None:
        """Flush, wait for both threads; the MD5 hex digest when hashing."""
        self.flush()
        self._stop()
        self._raise_if_failed()
        if self._compressor is not None:
            self._write_all(self._out_fd, self._compressor.flush())
        return self._md5.hexdigest() if self._md5 is not None else None

    def abort(self) -> None:
        self._stop()

    def _stop(self) -> None:
        with self._cond:
            for queue in self._queues.values():
                queue.append(None)
            self._cond.notify_all()
        for thread in self._threads:
            thread.join()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            error = self._error
            if isinstance(error, OSError):
                raise FlarError(f"cannot write archive: {error.strerror}") from error
            raise FlarError(f"cannot write archive: {error}") from error

    # helper threads -------------------------------------------------------------------------------

    def _next(self, name: str) -> tuple[int, int] | None:
        with self._cond:
            self._cond.wait_for(lambda: bool(self._queues[name]))
            return self._queues[name].pop(0)

    def _completed(self, name: str) -> None:
        with self._cond:
            self._done[name] += 1
            self._cond.notify_all()

    def _fail(self, exc: BaseException) -> None:
        with self._cond:
            if self._error is None:
                self._error = exc
            self._cond.notify_all()

    def _hash_loop(self) -> None:
        assert self._md5 is not None
        try:
            while (item := self._next("hash")) is not None:
                seq, length = item
                self._md5.update(self._views[seq % BUFFER_COUNT][:length])
                self._completed("hash")
        except BaseException as exc:  # pragma: no cover - md5 of a buffer does not fail
            self._fail(exc)

    def _write_loop(self) -> None:
        try:
            while (item := self._next("write")) is not None:
                seq, length = item
                data = self._views[seq % BUFFER_COUNT][:length]
                if self._compressor is not None:
                    self._write_all(self._out_fd, self._compressor.compress(bytes(data)))
                else:
                    self._write_all(self._write_fd, data)
                self._completed("write")
        except BaseException as exc:
            self._fail(exc)

    @staticmethod
    def _write_all(fd: int, data: bytes | memoryview) -> None:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]


# --- walking and emitting ------------------------------------------------------------------------


@dataclass
class _LinkGroup:
    ino: int
    expected: int
    members: list[tuple[bytes, os.stat_result]] = field(default_factory=list)


class _TreeArchiver:
    """Walks the root in sorted order and writes newc entries into the sink."""

    def __init__(
        self,
        root_fd: int,
        excluded: set[bytes],
        sink: _Sink,
        throttle: Throttle,
        grafts: dict[bytes, str] | None = None,
    ) -> None:
        self._root_fd = root_fd
        self._excluded = excluded
        self._grafts = grafts or {}
        self._grafts_used: set[bytes] = set()
        self._sink = sink
        self._throttle = throttle
        self._links: dict[tuple[int, int], _LinkGroup] = {}
        self._devs: dict[int, tuple[int, int]] = {}
        self._ino = 0
        self.bytes_done = 0
        self.counts: dict[str, int] = {}
        self.excluded_hits: list[str] = []
        self.warnings: list[str] = []

    def run(self) -> None:
        self._walk()
        for point in sorted(set(self._grafts) - self._grafts_used):
            self.warnings.append(f"/{os.fsdecode(point)}: mount point not in the tree; graft not archived")
        for group in list(self._links.values()):
            self._emit_link_group(group, None, b"")
        self._links.clear()
        self._sink.put(trailer())
        self._sink.put_zeros(-self._sink.total % BLOCK_SIZE)

    # walking ------------------------------------------------------------------------------------

    def _walk(self) -> None:
        stack: list[tuple[int, bytes, list[bytes], int]] = []
        try:
            stack.append((self._root_fd, b"", self._list(self._root_fd, b""), 0))
            while stack:
                dir_fd, prefix, names, index = stack[-1]
                if index == len(names):
                    stack.pop()
                    if dir_fd != self._root_fd:
                        os.close(dir_fd)
                    continue
                stack[-1] = (dir_fd, prefix, names, index + 1)
                name = names[index]
                rel = prefix + name
                if rel in self._excluded:
                    self.excluded_hits.append("/" + os.fsdecode(rel))
                    continue
                sub_fd = self._entry(dir_fd, name, rel)
                if sub_fd is not None:
                    stack.append((sub_fd, rel + b"/", self._list(sub_fd, rel), 0))
        finally:
            for dir_fd, *_ in stack:
                if dir_fd != self._root_fd:
                    os.close(dir_fd)

    def _list(self, dir_fd: int, rel: bytes) -> list[bytes]:
        try:
            return sorted(os.fsencode(n) for n in os.listdir(dir_fd))
        except OSError as exc:
            self.warnings.append(f"/{os.fsdecode(rel)}: cannot list directory ({exc.strerror})")
            return []

    def _entry(self, dir_fd: int, name: bytes, rel: bytes) -> int | None:
        """Archive one entry; for a directory, return its open fd so the walk descends."""
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError as exc:
            self.warnings.append(f"/{os.fsdecode(rel)}: vanished or unreadable ({exc.strerror}); skipped")
            return None
        kind = stat.S_IFMT(st.st_mode)
        if kind == stat.S_IFREG:
            self._regular(dir_fd, name, rel, st)
        elif kind == stat.S_IFDIR:
            if rel in self._grafts:
                grafted = self._grafted_directory(rel, self._grafts[rel])
                if grafted is not None:
                    return grafted
            self._simple(rel, st, "dir")
            try:
                return os.open(name, _OPEN_DIR, dir_fd=dir_fd)
            except OSError as exc:
                self.warnings.append(
                    f"/{os.fsdecode(rel)}: cannot open directory ({exc.strerror}); archived empty"
                )
        elif kind == stat.S_IFLNK:
            self._symlink(dir_fd, name, rel, st)
        elif kind in (stat.S_IFCHR, stat.S_IFBLK):
            self._simple(rel, st, "device", rdev=st.st_rdev)
        elif kind == stat.S_IFIFO:
            self._simple(rel, st, "fifo")
        else:
            self.warnings.append(f"/{os.fsdecode(rel)}: socket or unknown file type not archived")
        self._throttle.tick(self.bytes_done, rel)
        return None

    def _grafted_directory(self, rel: bytes, source: str) -> int | None:
        """Descend into a mounted file system: its root's attributes, its contents."""
        self._grafts_used.add(rel)
        try:
            fd = os.open(source, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            self.warnings.append(f"/{os.fsdecode(rel)}: graft source {source} unusable ({exc.strerror})")
            return None
        # What stat shows at a mount point is the mounted file system's root directory.
        self._simple(rel, os.fstat(fd), "dir")
        return fd

    # emitting -----------------------------------------------------------------------------------

    def _header(
        self, rel: bytes, st: os.stat_result, *, ino: int, nlink: int, size: int, rdev: int = 0
    ) -> bytes:
        devs = self._devs.get(st.st_dev)
        if devs is None:
            devs = self._devs[st.st_dev] = (os.major(st.st_dev), os.minor(st.st_dev))
        mtime = int(st.st_mtime)
        if not 0 <= mtime <= MAX_FIELD:
            mtime = 0 if mtime < 0 else MAX_FIELD
        namesize = len(rel) + 1
        rmaj, rmin = (os.major(rdev), os.minor(rdev)) if rdev else (0, 0)
        fields = (ino, st.st_mode, st.st_uid, st.st_gid, nlink, mtime, size, *devs, rmaj, rmin, namesize)
        return _HEADER % fields + rel + _NULS[1 + (-(110 + namesize) & 3)]

    def _next_ino(self) -> int:
        self._ino += 1
        return self._ino

    def _count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def _simple(self, rel: bytes, st: os.stat_result, kind: str, *, rdev: int = 0) -> None:
        nlink = st.st_nlink if kind == "dir" else 1
        self._sink.put(
            self._header(rel, st, ino=self._next_ino(), nlink=min(nlink, MAX_FIELD), size=0, rdev=rdev)
        )
        self._count(kind)

    def _symlink(self, dir_fd: int, name: bytes, rel: bytes, st: os.stat_result) -> None:
        try:
            target = os.readlink(name, dir_fd=dir_fd)
        except OSError as exc:
            self.warnings.append(f"/{os.fsdecode(rel)}: cannot read symlink ({exc.strerror}); skipped")
            return
        sink = self._sink
        sink.put(self._header(rel, st, ino=self._next_ino(), nlink=1, size=len(target)))
        sink.put(target + _NULS[-len(target) & 3])
        self._count("symlink")

    def _regular(self, dir_fd: int, name: bytes, rel: bytes, st: os.stat_result) -> None:
        if st.st_size > MAX_FILE_SIZE:
            raise FlarError(
                f"/{os.fsdecode(rel)} is {st.st_size} bytes: newc cpio cannot store files of 4 GiB or more "
                "(Solaris flarcreate needs -L pax for those, which this tool does not write)"
            )
        if st.st_nlink > 1:
            self._hardlink(dir_fd, name, rel, st)
            return
        if st.st_size == 0:
            self._sink.put(self._header(rel, st, ino=self._next_ino(), nlink=1, size=0))
            self._count("file")
            return
        try:
            fd = os.open(name, _OPEN_FILE, dir_fd=dir_fd)
        except OSError as exc:
            self.warnings.append(f"/{os.fsdecode(rel)}: cannot open ({exc.strerror}); skipped")
            return
        try:
            self._sink.put(self._header(rel, st, ino=self._next_ino(), nlink=1, size=st.st_size))
            self._copy(fd, st.st_size, rel)
        finally:
            os.close(fd)
        self._count("file")

    def _copy(self, fd: int, size: int, rel: bytes) -> None:
        """Exactly ``size`` bytes of data plus padding, read straight into the sink's buffer."""
        sink = self._sink
        left = size
        while left:
            room = sink.capacity - sink.pos
            if room == 0:
                sink.flush()
                self._throttle.tick(self.bytes_done + size - left, rel)
                continue
            want = left if left < room else room
            try:
                got = os.readv(fd, [sink.view[sink.pos : sink.pos + want]])
            except OSError as exc:
                self.warnings.append(f"/{os.fsdecode(rel)}: read error ({exc.strerror}); padded with zeros")
                got = 0
            if got == 0:
                # Like cpio: the header already promised `size` bytes, so pad a file that shrank.
                self.warnings.append(f"/{os.fsdecode(rel)}: file shrank by {left} bytes; padded with zeros")
                sink.put_zeros(left)
                break
            sink.pos += got
            left -= got
        sink.put_zeros(-size & 3)
        self.bytes_done += size

    def _hardlink(self, dir_fd: int, name: bytes, rel: bytes, st: os.stat_result) -> None:
        # Defer until every name of the inode has been seen (or the walk ends), then write
        # all names together with the data on the last one: the newc convention.
        key = (st.st_dev, st.st_ino)
        group = self._links.get(key)
        if group is None:
            group = self._links[key] = _LinkGroup(ino=self._next_ino(), expected=st.st_nlink)
        group.members.append((rel, st))
        if len(group.members) >= group.expected:
            del self._links[key]
            self._emit_link_group(group, dir_fd, name)

    def _emit_link_group(self, group: _LinkGroup, dir_fd: int | None, name: bytes) -> None:
        fd = self._open_group_data(group, dir_fd, name)
        if fd is None:
            return
        try:
            nlink = len(group.members)
            for rel, st in group.members[:-1]:
                self._sink.put(self._header(rel, st, ino=group.ino, nlink=nlink, size=0))
                self._count("hardlink")
            rel, st = group.members[-1]
            self._sink.put(self._header(rel, st, ino=group.ino, nlink=nlink, size=st.st_size))
            self._copy(fd, st.st_size, rel)
            self._count("file")
        finally:
            os.close(fd)

    def _open_group_data(self, group: _LinkGroup, dir_fd: int | None, name: bytes) -> int | None:
        if dir_fd is not None:
            try:
                return os.open(name, _OPEN_FILE, dir_fd=dir_fd)
            except OSError:
                pass
        for rel, _ in reversed(group.members):  # every name is the same inode
            try:
                return self._open_by_name(rel)
            except OSError:
                continue
        names = ", ".join("/" + os.fsdecode(rel) for rel, _ in group.members)
        self.warnings.append(f"hard-linked files {names}: cannot open any of them; skipped")
        return None

    def _open_by_name(self, rel: bytes) -> int:
        """Re-open an archived file by its name, through a graft when one covers it."""
        for point in sorted(self._grafts, key=len, reverse=True):
            if rel.startswith(point + b"/"):
                base = os.open(self._grafts[point], os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
                try:
                    return _open_beneath(base, rel[len(point) + 1 :])
                finally:
                    os.close(base)
        return _open_beneath(self._root_fd, rel)


def _open_beneath(root_fd: int, rel: bytes) -> int:
    """Open ``rel`` below ``root_fd`` without following any symlink on the way."""
    *dirs, leaf = rel.split(b"/")
    fd = root_fd
    try:
        for part in dirs:
            next_fd = os.open(part, _OPEN_DIR, dir_fd=fd)
            if fd != root_fd:
                os.close(fd)
            fd = next_fd
        return os.open(leaf, _OPEN_FILE, dir_fd=fd)
    finally:
        if fd != root_fd:
            os.close(fd)


# --- prescan (only when someone watches progress) ------------------------------------------------


def _prescan(root_fd: int, excluded: set[bytes], grafts: dict[bytes, str]) -> int:
    """Total regular-file bytes, so progress can report a percentage; also fails fast on >= 4 GiB."""
    total = 0
    linked: set[tuple[int, int]] = set()  # hard-linked data is stored once
    stack = [(os.dup(root_fd), b"")]
    while stack:
        dir_fd, prefix = stack.pop()
        try:
            with os.scandir(dir_fd) as entries:
                for entry in entries:
                    rel = prefix + os.fsencode(entry.name)
                    if rel in excluded:
                        continue
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if stat.S_ISREG(st.st_mode):
                        if st.st_size > MAX_FILE_SIZE:
                            raise FlarError(
                                f"/{os.fsdecode(rel)} is {st.st_size} bytes: newc cpio cannot store files of "
                                "4 GiB or more (Solaris flarcreate needs -L pax for those)"
                            )
                        if st.st_nlink > 1:
                            if (st.st_dev, st.st_ino) in linked:
                                continue
                            linked.add((st.st_dev, st.st_ino))
                        total += st.st_size
                    elif stat.S_ISDIR(st.st_mode):
                        try:
                            if rel in grafts:
                                sub_fd = os.open(grafts[rel], os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
                            else:
                                sub_fd = os.open(entry.name, _OPEN_DIR, dir_fd=dir_fd)
                        except OSError:
                            continue
                        stack.append((sub_fd, rel + b"/"))
        finally:
            os.close(dir_fd)
    return total


# --- create ----------------------------------------------------------------------------------------


def partial_path(output: str) -> str:
    directory, base = os.path.split(output)
    return os.path.join(directory, f".{base}.partial-{os.getpid()}")


def remove_stale_partials(output: str) -> list[str]:
    """Remove partial files of ``output`` left by processes that no longer exist (a SIGKILL).

    Only the same output name is touched, and a live writer's file is left alone.
    """
    directory, base = os.path.split(output)
    prefix = f".{base}.partial-"
    removed: list[str] = []
    try:
        names = os.listdir(directory or ".")
    except OSError:
        return removed
    for name in names:
        pid_text = name[len(prefix) :] if name.startswith(prefix) else ""
        if not pid_text.isdigit() or _process_alive(int(pid_text)):
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(directory, name))
            removed.append(name)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _excluded_set(
    options: CreateOptions, root: str, output: str, partial: str
) -> tuple[set[bytes], list[bytes]]:
    exclusions = [normalize_exclusion(x) for x in options.exclude]
    excluded = set(exclusions)
    real_root = os.path.realpath(root)
    for own in (output, partial):
        # The archive must never contain itself (or its partial file).
        real = os.path.join(os.path.realpath(os.path.dirname(own)), os.path.basename(own))
        if os.path.commonpath([real_root, real]) == real_root and real != real_root:
            excluded.add(os.fsencode(os.path.relpath(real, real_root)))
    return excluded, exclusions


def _start_compressor(
    options: CreateOptions, out_fd: int
) -> tuple[subprocess.Popen[bytes] | None, LzwCompressor | None]:
    if not options.compress:
        return None, None
    binary = shutil.which("compress") if options.compressor != "python" else None
    if binary is None:
        if options.compressor == "system":
            raise FlarError(
                "no compress(1) binary found (install ncompress) and compressor='system' was asked"
            )
        return None, LzwCompressor()
    proc = subprocess.Popen([binary, "-c"], stdin=subprocess.PIPE, stdout=out_fd)
    assert proc.stdin is not None
    with contextlib.suppress(OSError):  # a small pipe is only slower
        fcntl.fcntl(proc.stdin.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    return proc, None


def create(
    output: str | os.PathLike[str],
    options: CreateOptions,
    *,
    on_progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> CreateResult:
    """Write a flar of ``options.root`` to ``output`` (atomically; see the module docstring).

    ``on_progress(bytes_done, bytes_total, current_path)`` and ``cancel()`` are
    called at most every 0.5 s or 64 MiB.  When ``on_progress`` is given the
    tree is stat-ed once beforehand so ``bytes_total`` is known; otherwise it
    is None.  Every failure, invalid options included, raises FlarError
    (FlarCancelled when cancelled), and leaves neither output nor partial file.
    """
    try:
        _validate(options)
        output_path = os.path.abspath(os.fspath(output))
        root = os.path.abspath(options.root)
        partial = partial_path(output_path)
        remove_stale_partials(output_path)
        excluded, exclusions = _excluded_set(options, root, output_path, partial)
        grafts = normalize_grafts(options.grafts)
        header = build_header(options, root, exclusions)
    except ValueError as exc:
        raise FlarError(str(exc), os.fspath(output)) from None
    try:
        root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise FlarError(f"cannot open root {root}: {exc.strerror}", output_path) from None
    try:
        total = _prescan(root_fd, excluded, grafts) if on_progress is not None else None
        throttle = Throttle(on_progress, cancel, total=total, path=output_path)
        return _write_archive(output_path, partial, root_fd, (excluded, grafts), header, options, throttle)
    except FlarError as exc:
        if not exc.path:
            exc.path = output_path
        raise
    except OSError as exc:
        raise FlarError(f"{exc.strerror or exc} ({os.fsdecode(exc.filename or '')})", output_path) from None
    finally:
        os.close(root_fd)


def _open_partial(partial: str) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        # 0600: a flar of a root file system holds /etc/shadow and friends.
        return os.open(partial, flags, 0o600)
    except FileExistsError:
        os.unlink(partial)  # left by a crashed earlier process that had our pid
        return os.open(partial, flags, 0o600)


def _write_archive(
    output: str,
    partial: str,
    root_fd: int,
    selection: tuple[set[bytes], dict[bytes, str]],
    header: _Header,
    options: CreateOptions,
    throttle: Throttle,
) -> CreateResult:
    out_fd = _open_partial(partial)
    proc: subprocess.Popen[bytes] | None = None
    sink: _Sink | None = None
    try:
        _write_all(out_fd, header.data)
        payload_start = len(header.data)
        proc, py_compressor = _start_compressor(options, out_fd)
        write_fd = proc.stdin.fileno() if proc is not None and proc.stdin is not None else out_fd
        sink = _Sink(write_fd, hashed=options.archive_id, compressor=py_compressor, out_fd=out_fd)
        excluded, grafts = selection
        archiver = _TreeArchiver(root_fd, excluded, sink, throttle, grafts)
        archiver.run()
        payload_size = sink.total
        digest = sink.finish()
        sink = None
        if proc is not None:
            _finish_compress(proc)
            proc = None
        throttle.report(archiver.bytes_done, "")
        stored = os.fstat(out_fd).st_size - payload_start
        _patch(out_fd, header, digest, stored, archiver.bytes_done)
        os.fsync(out_fd)
        os.close(out_fd)
        out_fd = -1
        os.replace(partial, output)
        _fsync_dir(os.path.dirname(output))
        return CreateResult(
            path=output,
            archive_id=digest,
            files_archived_size=stored,
            files_unarchived_size=archiver.bytes_done,
            payload_size=payload_size,
            counts=dict(archiver.counts),
            excluded=tuple(archiver.excluded_hits),
            warnings=tuple(archiver.warnings),
            compressed=options.compress,
        )
    except BaseException:
        if proc is not None:
            # Kill compress first so a write thread blocked on its pipe gets EPIPE and ends.
            proc.kill()
            proc.wait()
        if sink is not None:
            sink.abort()
        if out_fd >= 0:
            os.close(out_fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise


def _finish_compress(proc: subprocess.Popen[bytes]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    code = proc.wait()
    # ncompress exits 2 when the output is not smaller than the input; the stream is still complete.
    if code not in (0, 2):
        raise FlarError(f"compress(1) failed with exit status {code}")


def _patch(fd: int, header: _Header, digest: str | None, stored: int, unarchived: int) -> None:
    if header.archive_id_at is not None and digest is not None:
        os.pwrite(fd, digest.encode(), header.archive_id_at)
    for offset, value in ((header.archived_size_at, stored), (header.unarchived_size_at, unarchived)):
        if offset is not None:
            os.pwrite(fd, str(value).ljust(SIZE_WIDTH).encode(), offset)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_dir(directory: str) -> None:
    fd = os.open(directory or ".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = [
    "REHEARSAL_KEYWORD",
    "REHEARSAL_WORKER_KEYWORD",
    "CreateOptions",
    "CreateResult",
    "SystemInfo",
    "create",
]
