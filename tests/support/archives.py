"""Hand-built newc payloads and flar files for tests (hostile ones included).

Built byte by byte on purpose, without the library's writer, so a bug in the
writer cannot hide the same bug in the reader.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

TOOLS_MESSAGE = "install cpio/ncompress (make test does this)"


def require_tools(*names: str) -> dict[str, str]:
    """Paths of required system tools; FAIL (not skip) when one is missing."""
    import pytest

    found = {}
    for name in names:
        path = shutil.which(name)
        if path is None:
            pytest.fail(f"{name} not found on PATH: {TOOLS_MESSAGE}")
        found[name] = path
    return found


def entry(
    name: bytes | str,
    data: bytes = b"",
    *,
    mode: int = stat.S_IFREG | 0o644,
    ino: int = 1,
    uid: int = 0,
    gid: int = 0,
    nlink: int = 1,
    mtime: int = 1_300_000_000,
    rdev: tuple[int, int] = (0, 0),
    namesize: int | None = None,
    filesize: int | None = None,
    magic: bytes = b"070701",
) -> bytes:
    raw_name = os.fsencode(name)
    real_namesize = len(raw_name) + 1
    fields = (
        ino,
        mode,
        uid,
        gid,
        nlink,
        mtime,
        len(data) if filesize is None else filesize,
        0,
        0,
        rdev[0],
        rdev[1],
        real_namesize if namesize is None else namesize,
        0,
    )
    header = magic + b"".join(b"%08x" % value for value in fields)
    name_field = raw_name + b"\0"
    name_field += b"\0" * (-(110 + len(name_field)) % 4)
    return header + name_field + data + b"\0" * (-len(data) % 4)


def trailer() -> bytes:
    return entry("TRAILER!!!", nlink=1, ino=0, mode=0)


def payload(*entries: bytes, block: bool = True) -> bytes:
    data = b"".join(entries) + trailer()
    if block:
        data += b"\0" * (-len(data) % 512)
    return data


def flar_bytes(
    cpio: bytes,
    *,
    archive_id: str | None = "auto",
    compressed: bool = False,
    cookie: str = "FlAsH-aRcHiVe-2.0",
    extra_ident: tuple[str, ...] = (),
    sections: str = "",
    compressor: Callable[[bytes], bytes] | None = None,
) -> bytes:
    lines = [cookie, "section_begin=identification"]
    if archive_id == "auto":
        lines.append(f"archive_id={hashlib.md5(cpio, usedforsecurity=False).hexdigest()}")
    elif archive_id is not None:
        lines.append(f"archive_id={archive_id}")
    lines += [
        "files_archived_method=cpio",
        f"files_compressed_method={'compress' if compressed else 'none'}",
        "content_name=test",
        *extra_ident,
        "section_end=identification",
    ]
    body = cpio
    if compressed and compressor is not None:
        body = compressor(cpio)
    elif compressed:
        body = subprocess.run(["compress", "-c"], input=cpio, capture_output=True, check=False).stdout
    header = "\n".join(lines) + "\n" + sections + "section_begin=archive\n"
    return header.encode() + body


def write_flar(path: Path, cpio: bytes, **kwargs: object) -> Path:
    path.write_bytes(flar_bytes(cpio, **kwargs))  # type: ignore[arg-type]
    return path


def split_payload(flar: Path) -> bytes:
    data = flar.read_bytes()
    marker = b"\nsection_begin=archive\n"
    return data[data.index(marker) + len(marker) :]


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Everything cpio -idm promises to restore, keyed by relative path (dirs' mtimes too)."""
    result: dict[str, tuple[object, ...]] = {}
    inode_names: dict[tuple[int, int], str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            st = path.lstat()
            kind = stat.S_IFMT(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                detail: object = os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                detail = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                detail = (os.major(st.st_rdev), os.minor(st.st_rdev))
            else:
                detail = None
            link_group = ""
            if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                link_group = inode_names.setdefault((st.st_dev, st.st_ino), rel)
            mtime = None if stat.S_ISLNK(st.st_mode) else int(st.st_mtime)
            result[rel] = (kind, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, detail, link_group, mtime)
    return result


def build_sample_tree(root: Path) -> Path:
    """Directories, files of assorted sizes, symlinks, hard links, a FIFO, odd modes."""
    (root / "etc/default").mkdir(parents=True)
    (root / "usr/bin").mkdir(parents=True)
    (root / "var/empty").mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0::/:/sbin/sh\n")
    (root / "etc/default/init").write_bytes(b"TZ=UTC\n" * 3)
    (root / "usr/bin/big").write_bytes(os.urandom(3 << 20) + b"tail")
    (root / "usr/bin/empty").write_bytes(b"")
    for size in (1, 2, 3, 4, 5, 511, 512, 513):
        (root / f"usr/bin/s{size}").write_bytes(b"x" * size)
    os.link(root / "usr/bin/s5", root / "usr/bin/s5-link")
    os.link(root / "usr/bin/s5", root / "etc/s5-link2")
    (root / "usr/bin/sh").symlink_to("../../sbin/sh")
    (root / "etc/abs").symlink_to("/etc/passwd")
    os.mkfifo(root / "var/fifo")
    (root / "usr/bin/suid").write_bytes(b"#!/bin/sh\n")
    os.chmod(root / "usr/bin/suid", 0o4755)  # noqa: S103 - set-uid must survive the round trip
    os.chmod(root / "etc/default/init", 0o600)
    os.chmod(root / "var/empty", 0o1777)  # noqa: S103 - like /tmp: sticky and world-writable
    (root / "nämé-ü").write_bytes(b"utf8 name")
    (root / os.fsdecode(b"latin1-\xe9")).write_bytes(b"latin-1 name")
    for index, path in enumerate(sorted(root.rglob("*"))):
        if not path.is_symlink():
            os.utime(path, (1_200_000_000 + index, 1_200_000_000 + index))
    return root


# --- a zoned host tree ----------------------------------------------------------------------------

INDEX = """\
# DO NOT EDIT: this file is automatically generated by zoneadm(1M) and zonecfg(1M).
global:installed:/
z1:installed:/zones/z1:6a6e5ff1-8b0d-4f2e-bd3f-2d3b9b4a6f10
z2:installed:/zones/z2:
z3:configured:/zones/z3:
"""

Z1_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE zone PUBLIC "-//Sun Microsystems Inc//DTD Zones//EN" "file:///usr/share/lib/xml/dtd/zonecfg.dtd.1">
<!--
    DO NOT EDIT THIS FILE.  Use zonecfg(1M) instead.
-->
<zone name="z1" zonepath="/zones/z1" autoboot="true">
  <inherited-pkg-dir directory="/lib"/>
  <inherited-pkg-dir directory="/platform"/>
  <inherited-pkg-dir directory="/sbin"/>
  <inherited-pkg-dir directory="/usr"/>
  <filesystem special="/dev/dsk/c1t0d0s0" raw="/dev/rdsk/c1t0d0s0" directory="/opt/local" type="ufs"/>
  <filesystem special="/dev/dsk/c1t0d0s1" raw="/dev/rdsk/c1t0d0s1" directory="/data" type="ufs"/>
  <filesystem special="/export/share" directory="/share" type="lofs"/>
  <network address="192.168.1.10/24" physical="bge0"/>
</zone>
"""

Z2_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<zone name="z2" zonepath="/zones/z2" autoboot="false">
  <filesystem special="/dev/dsk/c2t0d0s0" raw="/dev/rdsk/c2t0d0s0" directory="/u01" type="ufs"/>
</zone>
"""


def zoned_tree(root: Path) -> Path:
    """A host tree with zones z1 (an empty ufs mount point, a populated one), z2 and a z3 with no
    configuration file, as :mod:`jobs.flar.zones` reads them."""
    (root / "etc/zones").mkdir(parents=True)
    (root / "etc/zones/index").write_text(INDEX)
    (root / "etc/zones/z1.xml").write_text(Z1_XML)
    (root / "etc/zones/z2.xml").write_text(Z2_XML)
    z1 = root / "zones/z1/root"
    (z1 / "opt/local").mkdir(parents=True)  # the unmounted ufs: an empty mount point
    (z1 / "data").mkdir()
    (z1 / "data/db.dat").write_bytes(b"mounted when the flar was made")
    (z1 / "etc").mkdir()
    (z1 / "etc/passwd").write_text("root:x:0:0::/:/sbin/sh\n")
    z2 = root / "zones/z2/root"
    (z2 / "u01/app").mkdir(parents=True)
    return root
