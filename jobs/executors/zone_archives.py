"""The zonepath archives of the zone routes (issue #14), written and read on the worker.

The local executor's rehearsal makes the same files the hosts would:

* ``pax`` (detach/attach): ``cd PARENT && pax -w@f OUT -p e BASE`` writes a POSIX ustar archive
  whose names start with the zonepath's last component; :func:`write_pax` writes one with
  Python's tarfile (``format=USTAR``, long names as pax headers), :func:`extract_pax` reads one
  back with tarfile's ``data`` filter (no absolute names, no ``..``, no device nodes, no set-id
  bits, no links out of the target) and refuses a member outside ``BASE/``;
* ``cpio.gz`` (V2V): ``find BASE -print | cpio -oP@ | gzip``; :func:`write_cpio_gz` writes SVR4
  newc entries (what Solaris ``cpio -c`` and GNU cpio read) through gzip, :func:`extract_cpio_gz`
  reads regular files, directories and symbolic links back, under ``BASE/`` only, never writing
  through a link.

``grafts`` maps a directory inside the tree (relative to the zonepath, ``root/data``) to another
folder whose contents appear there: a file system mounted in the zone root while it is ready.
Pure: no Django.
"""

from __future__ import annotations

import gzip
import os
import stat
import tarfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from jobs.flar import newc

from .base import ExecutorError
from .paths import is_inside

_CHUNK = 1 << 20


def _walk(top: Path, arcname: str, grafts: Mapping[str, Path]) -> Iterator[tuple[str, Path]]:
    """(archive name, path on the worker) for ``top`` and below, grafts replacing what they cover."""
    yield arcname, top
    if top.is_symlink() or not top.is_dir():
        return
    stack: list[tuple[str, Path, str]] = [(arcname, top, "")]
    while stack:
        name, folder, relative = stack.pop()
        children = sorted(os.listdir(folder))
        graft_here = {
            PurePosixPath(g).name: src
            for g, src in grafts.items()
            if str(PurePosixPath(g).parent) == (relative or ".")
        }
        for child in children:
            if child in graft_here:
                continue
            path = folder / child
            child_name, child_rel = f"{name}/{child}", f"{relative}/{child}".lstrip("/")
            yield child_name, path
            if path.is_dir() and not path.is_symlink():
                stack.append((child_name, path, child_rel))
        for child, source in sorted(graft_here.items()):
            child_name, child_rel = f"{name}/{child}", f"{relative}/{child}".lstrip("/")
            yield child_name, source
            if source.is_dir():
                stack.append((child_name, source, child_rel))


def write_pax(top: Path, arcname: str, output: Path, grafts: Mapping[str, Path] | None = None) -> int:
    """A ustar archive of ``top`` named ``arcname/...``; its size."""
    if not top.is_dir():
        raise ExecutorError(f"pax: {arcname}: no such directory")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(output, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, path in _walk(top, arcname, grafts or {}):
            tar.add(path, arcname=name, recursive=False)
    return output.stat().st_size


def extract_pax(archive: Path, destination: Path, top: str | None) -> int:
    """Unpack a :func:`write_pax` archive into ``destination``: its ``top``/ members only (None: a
    file system's archive, made with ``.``: any relative member); the number of members."""
    destination.mkdir(parents=True, exist_ok=True)
    count = 0
    try:
        with tarfile.open(archive, "r") as tar:
            members = tar.getmembers()
            for member in members:
                parts = PurePosixPath(member.name).parts
                if top is not None and (not parts or parts[0] != top):
                    raise ExecutorError(f"pax: {archive.name}: {member.name!r} is not under {top}/")
            tar.extractall(destination, members=members, filter="data")
            count = len(members)
    except (tarfile.TarError, OSError) as exc:
        raise ExecutorError(f"pax -r {archive.name}: {exc}") from exc
    return count


def write_cpio_gz(top: Path, arcname: str, output: Path, grafts: Mapping[str, Path] | None = None) -> int:
    """SVR4 newc cpio of ``top`` (names ``arcname/...``) through gzip; its size."""
    if not top.is_dir():
        raise ExecutorError(f"find: {arcname}: no such directory")
    output.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(output, "wb") as out:
        for ino, (name, path) in enumerate(_walk(top, arcname, grafts or {}), start=1):
            info = path.lstat()
            encoded = os.fsencode(name)
            if stat.S_ISLNK(info.st_mode):
                data = os.fsencode(os.readlink(path))
            elif stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
                data = b""
            else:
                continue  # sockets, devices: not what a zonepath's archive carries here
            size = (
                len(data)
                if stat.S_ISLNK(info.st_mode)
                else (info.st_size if stat.S_ISREG(info.st_mode) else 0)
            )
            out.write(
                newc.format_header(
                    encoded,
                    ino=ino,
                    mode=info.st_mode,
                    uid=0,
                    gid=0,
                    nlink=1,
                    mtime=int(info.st_mtime) & newc.MAX_FIELD,
                    size=size,
                )
            )
            if stat.S_ISREG(info.st_mode):
                with path.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        out.write(chunk)
            else:
                out.write(data)
            out.write(b"\0" * newc.padding(size))
        out.write(newc.trailer())
    return output.stat().st_size


def extract_cpio_gz(archive: Path, destination: Path, top: str) -> int:
    """Unpack a :func:`write_cpio_gz` archive's ``top/...`` members into ``destination``/``top``...

    Regular files, directories and symbolic links only (a link is created, never followed: every
    path is checked to stay inside ``destination`` after resolving); set-id bits are cleared."""
    destination.mkdir(parents=True, exist_ok=True)
    count = 0
    try:
        with gzip.open(archive, "rb") as src:
            while True:
                header = src.read(newc.HEADER_SIZE)
                if len(header) < newc.HEADER_SIZE or header[:6] not in (newc.NEWC_MAGIC, newc.CRC_MAGIC):
                    raise ExecutorError(f"cpio: {archive.name}: not an SVR4 cpio archive (or truncated)")
                fields = newc.decode_fields(header)
                mode, size, namesize = fields[1], fields[6], fields[11]
                if not 0 < namesize <= newc.MAX_NAME_SIZE:
                    raise ExecutorError(f"cpio: {archive.name}: a name of {namesize} bytes")
                raw = src.read(namesize + newc.padding(newc.HEADER_SIZE + namesize))[: namesize - 1]
                if raw == newc.TRAILER_NAME:
                    break
                data = src.read(size)
                src.read(newc.padding(size))
                name = os.fsdecode(raw)
                parts = PurePosixPath(name).parts
                if not parts or parts[0] != top or PurePosixPath(name).is_absolute() or ".." in parts:
                    raise ExecutorError(f"cpio: {archive.name}: {name!r} is not under {top}/")
                target = destination.joinpath(*parts)
                if not is_inside(target.parent, destination):
                    raise ExecutorError(f"cpio: {name!r} leads outside {destination} (a link)")
                if stat.S_ISDIR(mode):
                    target.mkdir(parents=True, exist_ok=True)
                    os.chmod(target, stat.S_IMODE(mode) & 0o1777)
                elif stat.S_ISREG(mode):
                    if target.is_symlink():
                        target.unlink()
                    target.parent.mkdir(parents=True, exist_ok=True)
                    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
                    with os.fdopen(os.open(target, flags, stat.S_IMODE(mode) & 0o1777), "wb") as out:
                        out.write(data)
                elif stat.S_ISLNK(mode):
                    if target.is_symlink() or target.exists():
                        target.unlink()
                    os.symlink(os.fsdecode(data), target)
                else:
                    continue
                count += 1
    except (OSError, EOFError, newc.HeaderError) as exc:
        raise ExecutorError(f"cpio -i {archive.name}: {exc}") from exc
    return count
