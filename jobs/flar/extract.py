"""Extracting a flar's files section into a directory, safely.

GNU cpio writes through ``..``, absolute names and symlinks planted earlier in
the same archive (see the team notes, §B.5), so this module enforces the
boundary itself instead of trusting any extractor:

* names are refused (and reported) when absolute, when they contain a ``..``
  component or a NUL byte; ``./`` prefixes and ``.`` components are dropped;
* every parent directory is opened component by component with
  ``O_DIRECTORY|O_NOFOLLOW`` relative to the destination's descriptor, so an
  entry whose path passes through a symlink (one from the archive or one that
  was there before) is refused rather than followed;
* files are created with ``O_CREAT|O_EXCL|O_NOFOLLOW``; an existing name is
  replaced only when it is a regular file this extraction created (a later
  duplicate in the archive wins, as with ``cpio -u``), anything else is refused;
* symlinks are created as symlinks whatever they point to (they are data) and
  nothing is ever written through them;
* hard links may only point at a regular file extracted earlier in this run;
* archives are untrusted: device nodes and FIFOs are never created and set-uid
  and set-gid bits are always cleared (each is listed in the report so the job
  can record it).  ``trusted=True`` restores cpio's behaviour for root (devices
  unless ``allow_devices`` is False, set-id bits kept); it exists for tests only,
  and no job or view ever passes it;
* the size is bounded: extraction stops with FlarError once the file data
  written passes the header's ``files_unarchived_size`` plus a small slack
  (:func:`size_limit`), once it would pass the free space the destination file
  system had at the start (less a reserve), or, for a compressed (``-c``, LZW)
  archive, once the uncompressed payload passes :data:`MAX_COMPRESSION_RATIO`
  times the compressed size.  Nothing past the limit is written.

Attributes follow ``cpio -idm``: permission bits (set-uid/set-gid cleared, see
above), owner and group only as root, modification times after the data,
directories' attributes last.

archive_id is checked while extracting (the payload is hashed as it streams).
Like Solaris, a mismatch does not stop the extraction: the report says
``hash_status == "mismatch"`` and :meth:`ExtractReport.raise_for_hash` lets a
job treat it as the failure it is.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass, field

from .errors import FlarError
from .newc import Member, MemberType
from .payload import Backend, PayloadReader
from .progress import CancelCallback, ProgressCallback, Throttle
from .reader import Archive, CpioParser, HashStatus, RawHeader, hash_status

_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_CREATE_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_DIR_CACHE_LIMIT = 256
# Keep reports bounded even for a hostile archive with millions of bad names.
MAX_REPORTED = 1000
_SETID = stat.S_ISUID | stat.S_ISGID
_IFMT = 0o170000

# Extraction limits (docs/security.md, "Extraction limits").
# files_unarchived_size is the installer's own space estimate (the sum of the file sizes),
# so a real archive never writes much more: 2 % or 1 MiB of slack, whichever is larger.
SLACK_MIN_BYTES = 1 << 20
SLACK_DIVISOR = 50
# compress(1) gives 2-5x on system files; 100x over a whole archive only comes from
# long runs of one byte, i.e. a bomb.  Small payloads get a floor so a tiny archive of
# zero-filled files still extracts.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 64 << 20
# Stop before the destination is full: keep 5 % of the free space, at most 256 MiB.
FREE_RESERVE_DIVISOR = 20
FREE_RESERVE_MAX = 256 << 20


def _current_umask() -> int | None:
    """This process's umask, read without changing it (os.umask would race other threads)."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


def size_limit(declared: int | None) -> int | None:
    """The most file data an archive declaring ``files_unarchived_size=declared`` may write."""
    if declared is None:
        return None
    return declared + max(SLACK_MIN_BYTES, declared // SLACK_DIVISOR)


def payload_limit(compressed: bool, payload_size: int) -> int | None:
    """The most uncompressed payload a compressed archive of ``payload_size`` bytes may give."""
    if not compressed:
        return None  # the payload is the file itself: already bounded by its size
    return max(MAX_COMPRESSION_RATIO * payload_size, RATIO_FLOOR_BYTES)


def free_space_limit(path: str) -> int:
    """Bytes that may be written below ``path``: its file system's free space less a reserve."""
    st = os.statvfs(path)
    free = st.f_bavail * st.f_frsize
    return max(free - min(free // FREE_RESERVE_DIVISOR, FREE_RESERVE_MAX), 0)


@dataclass(frozen=True)
class _Limits:
    declared: int | None
    file_bytes: int | None  # declared + slack
    payload_bytes: int | None  # compression-ratio cap
    free_bytes: int  # free space at the start, less the reserve

    def file_limit(self) -> int:
        """The most file data the extraction may write in all (the tighter of the two limits)."""
        if self.file_bytes is None:
            return self.free_bytes
        return min(self.free_bytes, self.file_bytes)

    def file_room(self, written: int) -> tuple[int, str]:
        """How many more file bytes may be written, and what stops them."""
        room, why = (
            self.free_bytes - written,
            (f"the destination file system has only {self.free_bytes} bytes free (less a reserve)"),
        )
        if self.file_bytes is not None and self.file_bytes - written < room:
            room, why = (
                self.file_bytes - written,
                (
                    f"the header declares files_unarchived_size={self.declared} but the files pass "
                    f"{self.file_bytes} bytes (declared size plus slack)"
                ),
            )
        return max(room, 0), why


@dataclass(frozen=True)
class RefusedEntry:
    name: str
    reason: str


@dataclass
class ExtractReport:
    archive: str
    dest: str
    hash_status: HashStatus = HashStatus.NOT_CHECKED
    expected_archive_id: str | None = None
    actual_archive_id: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # created: file, dir, symlink, hardlink, ...
    bytes_written: int = 0
    payload_bytes: int = 0
    refused: list[RefusedEntry] = field(default_factory=list)  # the first MAX_REPORTED
    refused_count: int = 0
    not_created: list[RefusedEntry] = field(default_factory=list)  # devices, FIFOs, sockets skipped
    not_created_count: int = 0
    setid_cleared: list[str] = field(default_factory=list)  # names whose set-uid/set-gid bits were cleared
    setid_cleared_count: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def hash_ok(self) -> bool:
        """False on a mismatch; "not checked" (no archive_id) is accepted, as Solaris does."""
        return self.hash_status is not HashStatus.MISMATCH

    @property
    def ok(self) -> bool:
        """Hash not mismatched and no entry refused."""
        return self.hash_ok and self.refused_count == 0

    def raise_for_hash(self) -> None:
        if not self.hash_ok:
            raise FlarError(
                f"archive_id mismatch: header says {self.expected_archive_id}, "
                f"payload hashes to {self.actual_archive_id} (corrupted archive)",
                self.archive,
            )

    def to_dict(self) -> dict[str, object]:
        return {
            "archive": self.archive,
            "dest": self.dest,
            "hash_status": str(self.hash_status),
            "expected_archive_id": self.expected_archive_id,
            "actual_archive_id": self.actual_archive_id,
            "counts": dict(self.counts),
            "bytes_written": self.bytes_written,
            "payload_bytes": self.payload_bytes,
            "refused": [{"name": r.name, "reason": r.reason} for r in self.refused],
            "refused_count": self.refused_count,
            "not_created": [{"name": r.name, "reason": r.reason} for r in self.not_created],
            "not_created_count": self.not_created_count,
            "setid_cleared": list(self.setid_cleared),
            "setid_cleared_count": self.setid_cleared_count,
            "warnings": list(self.warnings),
        }


class _Refused(Exception):
    """An entry that will not be extracted; the reason goes into the report."""


def safe_parts(name: bytes) -> tuple[bytes, ...]:
    """The path components of an archive name, or _Refused when it could escape."""
    if not name:
        raise _Refused("empty name")
    if b"\0" in name:
        raise _Refused("name contains a NUL byte")
    if name.startswith(b"/"):
        raise _Refused("absolute path")
    parts = tuple(p for p in name.split(b"/") if p and p != b".")
    if b".." in parts:
        raise _Refused("'..' path component")
    return parts


def _display(parts: tuple[bytes, ...]) -> str:
    return os.fsdecode(b"/".join(parts))


class _Directories:
    """Open descriptors of directories below the destination, reached without following symlinks."""

    def __init__(self, dest_fd: int) -> None:
        self._dest_fd = dest_fd
        self._fds: dict[bytes, int] = {}

    def trim(self) -> None:
        """Called between entries only, so no descriptor in use is ever closed."""
        if len(self._fds) > _DIR_CACHE_LIMIT:
            self.close()

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        self.generation += 1  # descriptors handed out before are closed now

    generation = 0

    def open(self, parts: tuple[bytes, ...], *, create: bool = True) -> int:
        if not parts:
            return self._dest_fd
        key = b"/".join(parts)
        fd = self._fds.get(key)
        if fd is not None:
            return fd
        # Start from the parent when it is cached (a new subdirectory of the current one),
        # else from the destination.  Iterative, and only the final descriptor is kept, so
        # a hostile 2,000-level name cannot exhaust the stack or the descriptor table.
        base = self._fds.get(b"/".join(parts[:-1])) if len(parts) > 1 else None
        start = len(parts) - 1 if base is not None else 0
        base = self._dest_fd if base is None else base
        fd = base
        try:
            for depth in range(start, len(parts)):
                child = self._open_child(fd, parts[: depth + 1], create=create)
                if fd != base:
                    os.close(fd)
                fd = child
        except BaseException:
            if fd != base:
                os.close(fd)
            raise
        self._fds[key] = fd
        return fd

    def _open_child(self, parent: int, parts: tuple[bytes, ...], *, create: bool) -> int:
        name = parts[-1]
        try:
            return os.open(name, _OPEN_DIR, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                raise
        except OSError as exc:
            raise _Refused(self._parent_problem(parent, parts, exc)) from None
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o755, dir_fd=parent)  # a parent the archive did not list (cpio -d)
        try:
            return os.open(name, _OPEN_DIR, dir_fd=parent)
        except OSError as exc:
            raise _Refused(self._parent_problem(parent, parts, exc)) from None

    @staticmethod
    def _parent_problem(parent: int, parts: tuple[bytes, ...], exc: OSError) -> str:
        where = _display(parts)
        try:
            st = os.stat(parts[-1], dir_fd=parent, follow_symlinks=False)
        except OSError:
            return f"parent {where!r} cannot be opened ({exc.strerror})"
        if stat.S_ISLNK(st.st_mode):
            return f"parent {where!r} is a symlink; not extracting through it"
        if not stat.S_ISDIR(st.st_mode):
            return f"parent {where!r} is not a directory"
        return f"parent {where!r} cannot be opened ({exc.strerror})"


class _Extractor:
    def __init__(
        self,
        parser: CpioParser,
        dest_fd: int,
        report: ExtractReport,
        throttle: Throttle,
        *,
        allow_devices: bool | None,
        trusted: bool,
        limits: _Limits,
        payload: PayloadReader,
    ) -> None:
        self._parser = parser
        self._trusted = trusted
        self._limits = limits
        self._payload = payload
        self._dirs = _Directories(dest_fd)
        self._report = report
        self._throttle = throttle
        self._is_root = os.geteuid() == 0
        self._allow_devices = allow_devices
        self._created: set[bytes] = set()  # regular files this run created (may be replaced)
        self._carriers: dict[tuple[int, int, int], tuple[bytes, ...]] = {}
        self._deferred: dict[tuple[int, int, int], list[tuple[tuple[bytes, ...], Member]]] = {}
        self._refused_keys: set[tuple[int, int, int]] = set()
        self._dir_attrs: list[tuple[tuple[bytes, ...], Member]] = []
        # The fast path's parent directory: raw name prefix -> descriptor (one entry is enough,
        # archives list a directory's files together), valid while the cache generation holds.
        self._fast_head: bytes | None = None
        self._fast_parent = -1
        self._fast_prefix = b""
        self._fast_generation = -1
        self._own_ids = (os.geteuid(), os.getegid())
        self._fast_owner: tuple[int, int] | None = None
        umask = _current_umask()
        self._umask = 0o7777 if umask is None else umask
        self._file_limit = limits.file_limit()

    # driver ---------------------------------------------------------------------------------------

    def run(self) -> None:
        parser = self._parser
        dirs = self._dirs
        tick = self._throttle.tick
        report = self._report
        try:
            while (raw := parser.next_raw()) is not None:
                self._check_payload()
                dirs.trim()
                fields = raw[1]
                # Most entries of a system tree are plain files: the fast path takes them when
                # nothing is unusual (name, existing file, set-id bits, links); else the full path.
                if fields[1] & _IFMT != stat.S_IFREG or fields[4] > 1 or not self._fast_file(raw):
                    self._one(parser.member(raw))
                tick(report.bytes_written, raw[2])
            self._finish_deferred_links()
            self._apply_directory_attributes()
        finally:
            self._dirs.close()

    def _fast_file(self, raw: RawHeader) -> bool:
        """A regular single-link file with a plain name; False (nothing consumed) to let
        :meth:`_one` handle the entry instead.  Same checks and outcome as :meth:`_file`."""
        _offset, fields, name = raw
        head, _, leaf = name.rpartition(b"/")
        if leaf in (b"", b".", b"..") or b"\0" in name or name[:1] == b"/":
            return False
        mode = fields[1] & 0o7777
        if mode & _SETID:
            return False
        dirs = self._dirs
        if head != self._fast_head or self._fast_generation != dirs.generation:
            try:
                parts = safe_parts(head) if head else ()
                parent = dirs.open(parts)
            except (_Refused, OSError):
                return False
            self._fast_head, self._fast_parent, self._fast_generation = head, parent, dirs.generation
            self._fast_prefix = b"/".join(parts) + b"/" if parts else b""
            # A new file's group is ours unless its directory is set-group-ID.
            self._fast_owner = None if os.fstat(parent).st_mode & stat.S_ISGID else self._own_ids
        # Created with its final mode when the umask leaves it alone (no fchmod needed);
        # the directories around it stay 0700 until the end, so nobody else sees it filling.
        exact = not mode & self._umask
        try:
            fd = os.open(leaf, _CREATE_FILE, mode if exact else 0o600, dir_fd=self._fast_parent)
        except OSError:
            return False  # an existing name, or an error: _file sorts it out and reports it
        try:
            parser = self._parser
            view = parser.take_data() if fields[6] else None
            if view is not None:
                self._check_payload()
                self._write_view(fd, view, name)
            elif fields[6]:
                self._write_data(fd, name)
            try:
                if self._is_root and (fields[2], fields[3]) != self._fast_owner:
                    os.fchown(fd, fields[2], fields[3])  # (a new file is already ours: no call)
                if not exact:
                    os.fchmod(fd, mode)
                os.utime(fd, (fields[5], fields[5]))
            except OSError as exc:
                # As in _one: one entry the file system would not take is refused, not fatal.
                self._refuse(os.fsdecode(name), f"not extracted ({exc.strerror or exc})")
                return True
        finally:
            os.close(fd)
        self._created.add(self._fast_prefix + leaf)
        counts = self._report.counts
        counts["file"] = counts.get("file", 0) + 1
        return True

    def _one(self, member: Member) -> None:
        try:
            parts = safe_parts(member.name_bytes)
            if not parts:
                return  # "." — the destination itself; its attributes are left alone
            self._dispatch(parts, member)
        except _Refused as refusal:
            if member.is_hardlink_member:
                self._refuse_link_group(member)
            self._refuse(member.name, str(refusal))
        except OSError as exc:
            # One entry the file system would not take (EPERM, ENAMETOOLONG, a race...).
            if member.is_hardlink_member:
                self._refuse_link_group(member)
            self._refuse(member.name, f"not extracted ({exc.strerror or exc})")

    def _dispatch(self, parts: tuple[bytes, ...], member: Member) -> None:
        kind = member.type
        if kind is MemberType.FILE:
            if member.nlink > 1 and member.size == 0:
                self._link_member(parts, member)
            else:
                self._file(parts, member)
        elif kind is MemberType.DIRECTORY:
            self._directory(parts, member)
        elif kind is MemberType.SYMLINK:
            self._symlink(parts, member)
        elif kind in (MemberType.CHAR_DEVICE, MemberType.BLOCK_DEVICE, MemberType.FIFO):
            self._special(parts, member)
        elif kind is MemberType.SOCKET:
            self._not_created(member.name, "socket not created")
        else:
            raise _Refused(f"unknown file type {stat.S_IFMT(member.mode):#o}")

    # report helpers -----------------------------------------------------------------------------

    def _count(self, kind: str) -> None:
        self._report.counts[kind] = self._report.counts.get(kind, 0) + 1

    def _refuse(self, name: str, reason: str) -> None:
        self._report.refused_count += 1
        if len(self._report.refused) < MAX_REPORTED:
            self._report.refused.append(RefusedEntry(name, reason))

    def _not_created(self, name: str, reason: str) -> None:
        self._report.not_created_count += 1
        if len(self._report.not_created) < MAX_REPORTED:
            self._report.not_created.append(RefusedEntry(name, reason))

    # entry kinds ------------------------------------------------------------------------------------

    def _directory(self, parts: tuple[bytes, ...], member: Member) -> None:
        parent = self._dirs.open(parts[:-1])
        try:
            # 0700 while we fill it (writable for us, closed to others); final mode at the end.
            os.mkdir(parts[-1], 0o700, dir_fd=parent)
        except FileExistsError:
            existing = os.stat(parts[-1], dir_fd=parent, follow_symlinks=False)
            if not stat.S_ISDIR(existing.st_mode):
                raise _Refused("exists and is not a directory") from None
        except OSError as exc:
            raise _Refused(f"cannot create directory ({exc.strerror})") from None
        self._dir_attrs.append((parts, member))
        self._count("dir")

    def _create_file(self, parent: int, parts: tuple[bytes, ...]) -> int:
        name = parts[-1]
        try:
            return os.open(name, _CREATE_FILE, 0o600, dir_fd=parent)
        except FileExistsError:
            self._remove_own_file(parent, parts)
        except OSError as exc:
            raise _Refused(f"cannot create ({exc.strerror})") from None
        try:
            return os.open(name, _CREATE_FILE, 0o600, dir_fd=parent)
        except OSError as exc:
            raise _Refused(f"cannot create ({exc.strerror})") from None

    def _remove_own_file(self, parent: int, parts: tuple[bytes, ...]) -> None:
        """Make room for a later duplicate, but only over a regular file we created."""
        key = b"/".join(parts)
        existing = os.stat(parts[-1], dir_fd=parent, follow_symlinks=False)
        if key not in self._created or not stat.S_ISREG(existing.st_mode):
            raise _Refused("already exists (not created by this extraction); not replaced")
        os.unlink(parts[-1], dir_fd=parent)
        self._created.discard(key)

    def _file(self, parts: tuple[bytes, ...], member: Member) -> None:
        parent = self._dirs.open(parts[:-1])
        fd = self._create_file(parent, parts)
        try:
            self._write_data(fd, member.name_bytes)
            self._set_attributes_fd(fd, member)
        finally:
            os.close(fd)
        self._created.add(b"/".join(parts))
        self._count("file")
        if member.nlink > 1:
            key = member.link_key
            self._carriers[key] = parts
            for link_parts, link_member in self._deferred.pop(key, []):
                self._link_or_refuse(parts, link_parts, link_member)

    def _check_payload(self) -> None:
        limit = self._limits.payload_bytes
        if limit is not None and self._payload.position > limit:
            raise FlarError(
                f"the compressed payload expands past {limit} bytes ({MAX_COMPRESSION_RATIO}x its size): "
                "refusing a compression bomb; extraction stopped",
                self._report.archive,
                self._payload.position,
            )

    def _write_data(self, fd: int, name: bytes) -> None:
        for view in self._parser.data_views():
            self._check_payload()
            self._write_view(fd, view, name)

    def _write_view(self, fd: int, view: memoryview, name: bytes) -> None:
        """Write one piece of a member's data, within the limits; FlarError stops everything."""
        report = self._report
        try:
            if report.bytes_written + len(view) > self._file_limit:
                room, why = self._limits.file_room(report.bytes_written)
                self._write_all(fd, view[:room])
                raise FlarError(
                    f"extraction stopped in {os.fsdecode(name)!r}: {why}",
                    report.archive,
                    self._payload.position,
                )
            count = os.write(fd, view)
            report.bytes_written += count
            if count < len(view):
                self._write_all(fd, view[count:])
        except OSError as exc:
            # Out of space or an I/O error is not one bad entry: stop the whole extraction.
            raise FlarError(f"cannot write {os.fsdecode(name)!r}: {exc.strerror}", report.archive) from None

    def _write_all(self, fd: int, view: memoryview | bytes) -> None:
        while view:
            count = os.write(fd, view)
            view = view[count:]
            self._report.bytes_written += count

    def _set_attributes_fd(self, fd: int, member: Member) -> None:
        if self._is_root:
            os.fchown(fd, member.uid, member.gid)  # before chmod: chown clears set-uid bits
        os.fchmod(fd, self._mode(member))
        os.utime(fd, (member.mtime, member.mtime))

    def _mode(self, member: Member) -> int:
        bits = stat.S_IMODE(member.mode)
        if self._trusted and self._is_root:
            return bits
        if bits & _SETID:
            self._report.setid_cleared_count += 1
            if len(self._report.setid_cleared) < MAX_REPORTED:
                self._report.setid_cleared.append(member.name)
        return bits & ~_SETID

    def _symlink(self, parts: tuple[bytes, ...], member: Member) -> None:
        target = member.link_target
        if target is None:
            raise _Refused("symlink target longer than PATH_MAX")
        if "\0" in target or not target:
            raise _Refused("symlink target is empty or contains a NUL byte")
        parent = self._dirs.open(parts[:-1])
        try:
            os.symlink(target, parts[-1], dir_fd=parent)
        except FileExistsError:
            self._remove_own_file(parent, parts)
            os.symlink(target, parts[-1], dir_fd=parent)
        except OSError as exc:
            raise _Refused(f"cannot create symlink ({exc.strerror})") from None
        if self._is_root:
            os.chown(parts[-1], member.uid, member.gid, dir_fd=parent, follow_symlinks=False)
        os.utime(parts[-1], (member.mtime, member.mtime), dir_fd=parent, follow_symlinks=False)
        self._count("symlink")

    def _special(self, parts: tuple[bytes, ...], member: Member) -> None:
        if not self._trusted:
            self._not_created(member.name, f"{member.type} not created (untrusted archive)")
            return
        if not self._is_root:
            self._not_created(member.name, "not created (not root)")
            return
        if self._allow_devices is False:
            self._not_created(member.name, "not created (devices not allowed)")
            return
        parent = self._dirs.open(parts[:-1])
        name = parts[-1]
        try:
            if member.type is MemberType.FIFO:
                os.mkfifo(name, 0o600, dir_fd=parent)
            else:
                device = os.makedev(member.rdev_major, member.rdev_minor)
                os.mknod(name, stat.S_IFMT(member.mode) | 0o600, device, dir_fd=parent)
        except OSError as exc:
            raise _Refused(f"cannot create {member.type} ({exc.strerror})") from None
        os.chown(name, member.uid, member.gid, dir_fd=parent, follow_symlinks=False)
        # Linux has no lchmod; the node was created by us an instant ago (O_EXCL semantics),
        # so check it is still not a symlink before the (following) chmod.
        if stat.S_ISLNK(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode):
            raise _Refused("replaced by a symlink during extraction")
        os.chmod(name, self._mode(member), dir_fd=parent)
        os.utime(name, (member.mtime, member.mtime), dir_fd=parent, follow_symlinks=False)
        self._count("fifo" if member.type is MemberType.FIFO else "device")

    # hard links -----------------------------------------------------------------------------------

    def _link_member(self, parts: tuple[bytes, ...], member: Member) -> None:
        key = member.link_key
        if key in self._refused_keys:
            raise _Refused("hard link to an entry that was refused")
        carrier = self._carriers.get(key)
        if carrier is not None:
            self._link(carrier, parts)  # data came first (odc-style order)
        else:
            self._deferred.setdefault(key, []).append((parts, member))

    def _link_or_refuse(self, target: tuple[bytes, ...], parts: tuple[bytes, ...], member: Member) -> None:
        try:
            self._link(target, parts)
        except _Refused as refusal:
            self._refuse(member.name, str(refusal))

    def _link(self, target: tuple[bytes, ...], parts: tuple[bytes, ...]) -> None:
        if b"/".join(target) not in self._created:
            raise _Refused(f"hard link target {_display(target)!r} is not a file extracted by this run")
        source_dir = self._dirs.open(target[:-1])
        dest_dir = self._dirs.open(parts[:-1])
        try:
            os.link(target[-1], parts[-1], src_dir_fd=source_dir, dst_dir_fd=dest_dir, follow_symlinks=False)
        except FileExistsError:
            self._remove_own_file(dest_dir, parts)
            os.link(target[-1], parts[-1], src_dir_fd=source_dir, dst_dir_fd=dest_dir, follow_symlinks=False)
        except OSError as exc:
            raise _Refused(f"cannot create hard link ({exc.strerror})") from None
        self._created.add(b"/".join(parts))
        self._count("hardlink")

    def _refuse_link_group(self, member: Member) -> None:
        key = member.link_key
        if member.size == 0:
            return  # a name without data; its group may still get a carrier
        self._refused_keys.add(key)
        for _, waiting in self._deferred.pop(key, []):
            self._refuse(waiting.name, "hard link to an entry that was refused")

    def _finish_deferred_links(self) -> None:
        """Link names whose data never came: like GNU cpio, the first becomes an empty file.

        That is also how newc stores an empty hard-linked file (every name has size 0),
        so it is not worth a warning.
        """
        for waiting in self._deferred.values():
            first_parts, first = waiting[0]
            try:
                parent = self._dirs.open(first_parts[:-1])
                fd = self._create_file(parent, first_parts)
                try:
                    self._set_attributes_fd(fd, first)
                finally:
                    os.close(fd)
                self._created.add(b"/".join(first_parts))
                self._count("file")
            except _Refused as refusal:
                for _, member in waiting:
                    self._refuse(member.name, str(refusal))
                continue
            for parts, member in waiting[1:]:
                self._link_or_refuse(first_parts, parts, member)
        self._deferred.clear()

    # directories last ---------------------------------------------------------------------------

    def _apply_directory_attributes(self) -> None:
        # Deepest first: a parent made read-only or unsearchable must not block its children.
        self._dirs.close()
        for parts, member in sorted(self._dir_attrs, key=lambda item: len(item[0]), reverse=True):
            try:
                parent = self._dirs.open(parts[:-1], create=False)
                fd = os.open(parts[-1], _OPEN_DIR, dir_fd=parent)
            except (OSError, _Refused) as exc:
                self._report.warnings.append(f"{member.name!r}: directory attributes not set ({exc})")
                continue
            try:
                self._set_attributes_fd(fd, member)
            finally:
                os.close(fd)
            self._dirs.trim()


def extract(
    path: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    on_progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
    allow_devices: bool | None = None,
    backend: Backend = "auto",
    trusted: bool = False,
) -> ExtractReport:
    """Extract the files section of ``path`` below ``dest`` (created if missing).

    ``on_progress(bytes_done, bytes_total, current_path)`` counts file data
    written against files_unarchived_size (None when the header has none);
    ``cancel()`` returning True raises FlarCancelled, leaving what was
    extracted so far.  Read errors, truncation and the size limits raise
    FlarError; unsafe entries are refused and listed in the report, never raised.

    ``trusted`` is for tests only (jobs and views never set it): with it, root
    creates device nodes and FIFOs (unless ``allow_devices`` is False) and keeps
    set-uid/set-gid bits, as ``cpio -idm`` does.  The size limits apply either way.
    """
    archive_path = os.fspath(path)
    dest_path = os.path.abspath(os.fspath(dest))
    try:
        with Archive(archive_path) as archive:
            meta = archive.info()
            report = ExtractReport(archive=archive_path, dest=dest_path, expected_archive_id=meta.archive_id)
            report.warnings.extend(meta.warnings)
            os.makedirs(dest_path, exist_ok=True)
            total = meta.files_unarchived_size
            limits = _Limits(
                declared=total,
                file_bytes=size_limit(total),
                payload_bytes=payload_limit(meta.compressed, meta.payload_size),
                free_bytes=free_space_limit(dest_path),
            )
            if total is not None and total > limits.free_bytes:
                raise FlarError(
                    f"the archive declares files_unarchived_size={total} but {dest_path} has only "
                    f"{limits.free_bytes} bytes free (less a reserve); nothing was extracted",
                    archive_path,
                )
            dest_fd = os.open(dest_path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                payload = archive.open_payload(hashed=True, backend=backend)
                try:
                    throttle = Throttle(
                        on_progress, cancel, total=total if total else None, path=archive_path
                    )
                    _Extractor(
                        CpioParser(payload),
                        dest_fd,
                        report,
                        throttle,
                        allow_devices=allow_devices,
                        trusted=trusted,
                        limits=limits,
                        payload=payload,
                    ).run()
                    payload.drain()
                    hasher = payload.hasher
                    assert hasher is not None
                    report.actual_archive_id = hasher.hexdigest()
                    report.payload_bytes = payload.position
                    throttle.report(report.bytes_written, "")
                finally:
                    payload.close()
            finally:
                os.close(dest_fd)
    except OSError as exc:
        raise FlarError(f"{exc.strerror or exc}", archive_path) from None
    if report.setid_cleared_count:
        shown = ", ".join(report.setid_cleared[:5])
        more = report.setid_cleared_count - min(len(report.setid_cleared), 5)
        count = report.setid_cleared_count
        report.warnings.append(
            f"set-uid/set-gid bits cleared on {count} entries (untrusted archive): {shown}"
            + (f" and {more} more" if more > 0 else "")
        )
    report.hash_status = hash_status(meta.archive_id, report.actual_archive_id)
    if report.hash_status is HashStatus.MISMATCH:
        report.warnings.append(
            f"archive_id mismatch: expected {meta.archive_id}, computed {report.actual_archive_id} "
            "(Solaris installs such an archive with a warning; treat it as corrupt)"
        )
    return report
