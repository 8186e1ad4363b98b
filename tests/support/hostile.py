"""Helpers for the attack regression tests in tests/security: hostile archives and a shell sandbox.

* :func:`cpio_entry` / :func:`cpio_payload` / :func:`flar_file` build newc archives and flars
  byte by byte (compressed with the system ``compress -c``, as flarcreate -c does);
* :class:`ShellSandbox` runs a generated script (or a runbook command) under ``dash`` with
  stand-ins for the Solaris commands, so a test sees what ``sh`` would really execute.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest


def cpio_entry(
    name: str,
    data: bytes = b"",
    *,
    mode: int = stat.S_IFREG | 0o644,
    ino: int = 1,
    rdev: tuple[int, int] = (0, 0),
    uid: int = 0,
    gid: int = 0,
) -> bytes:
    raw = os.fsencode(name) + b"\0"
    fields = (ino, mode, uid, gid, 1, 1_300_000_000, len(data), 0, 0, rdev[0], rdev[1], len(raw), 0)
    header = b"070701" + b"".join(b"%08x" % value for value in fields)
    raw += b"\0" * (-(110 + len(raw)) % 4)
    return header + raw + data + b"\0" * (-len(data) % 4)


def cpio_payload(*entries: bytes) -> bytes:
    data = b"".join(entries) + cpio_entry("TRAILER!!!", mode=0, ino=0)
    return data + b"\0" * (-len(data) % 512)


def flar_file(
    path: Path, cpio: bytes, *, compressed: bool = False, extra_ident: tuple[str, ...] = ()
) -> Path:
    """A flar holding ``cpio``; ``compressed`` runs it through ``compress -c`` (LZW) first."""
    body = cpio
    if compressed:
        tool = shutil.which("compress")
        if tool is None:
            pytest.fail("compress (ncompress) is not installed: scripts/install-system-deps installs it")
        body = subprocess.run([tool, "-c"], input=cpio, capture_output=True, check=True).stdout
    lines = [
        "FlAsH-aRcHiVe-2.0",
        "section_begin=identification",
        f"archive_id={hashlib.md5(cpio, usedforsecurity=False).hexdigest()}",
        "files_archived_method=cpio",
        f"files_compressed_method={'compress' if compressed else 'none'}",
        "content_name=hostile",
        *extra_ident,
        "section_end=identification",
        "section_begin=archive",
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode() + body)
    return path


# Stand-ins for the Solaris commands a generated script calls: each records its arguments.
_RECORDER = 'echo "{name} $*" >>"$CALLS"\nexit 0\n'
STAND_INS = ("zonecfg", "zoneadm", "mount", "umount", "ifconfig", "flarcreate", "flar", "add_install_client")


class ShellSandbox:
    """A temp dir with recording stand-ins first on PATH; runs text under ``dash``."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.bin = tmp / "bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        self.calls = tmp / "calls.log"
        for name in STAND_INS:
            tool = self.bin / name
            tool.write_text("#!/bin/sh\n" + _RECORDER.format(name=name))
            tool.chmod(0o755)
        self.root = tmp / "root"
        (self.root / "etc").mkdir(parents=True, exist_ok=True)
        (self.root / "etc" / "vfstab").write_text("")
        (self.root / "etc" / "mnttab").write_text("")

    def run(self, script: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        dash = shutil.which("dash")
        if dash is None:
            pytest.fail("dash is not installed: scripts/install-system-deps installs it")
        path = self.tmp / "script.sh"
        path.write_text(script)
        env = {
            "PATH": f"{self.bin}:/usr/bin:/bin",
            "CALLS": str(self.calls),
            "ROOTDIR": str(self.root),
            "STATE_DIR": str(self.tmp / "state"),
            "LOG": str(self.tmp / "script.log"),
            "RC_SCRIPT": str(self.tmp / "rc-script"),
            "MNTTAB": str(self.root / "etc" / "mnttab"),
        }
        return subprocess.run(
            [dash, str(path), *args],
            env=env,
            cwd=cwd or self.tmp,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def calls_made(self) -> list[str]:
        return self.calls.read_text().splitlines() if self.calls.exists() else []
