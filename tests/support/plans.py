"""Builders for release-aware plan tests: complete plan settings, /etc/release texts, and bundles.

Bundles are written the way the collector writes them: :func:`bundle_files` renders a
``planner.fleet`` host and replaces or adds files with real-format samples from
``tests/planner/solaris/samples`` (or text given inline), then :func:`read` reads them with the
real bundle reader, so a test goes from bundle files to the report and the plan files.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from planner.domain.options import Overrides, PlanOptions, RouteOverride, SizeOverride
from planner.domain.releases import find_update
from planner.fleet import HostSpec, render_bundle
from planner.solaris.bundle import read_bundle_files
from planner.solaris.inventory import HostInventory, OsRelease
from planner.solaris.release import parse_etc_release

SAMPLES = Path(__file__).resolve().parents[1] / "planner" / "solaris" / "samples"
# A crypt(3C) hash as /etc/shadow holds it (13 characters of [./0-9A-Za-z]).
ROOT_HASH = "xJ2.9fGh1kLmQ"


def complete_options(**changes: object) -> PlanOptions:
    """Plan settings with no placeholder left (so PLAN_SETTINGS_INCOMPLETE stays out of the way)."""
    options = PlanOptions(
        archive_location="nfs://flar01/export/flar/{hostname}.flar",
        jumpstart_server="js01",
        root_password_hash=ROOT_HASH,
        ip_address="192.168.10.50",
        netmask="255.255.255.0",
    )
    for name, value in changes.items():
        setattr(options, name, value)
    return options


def measured_sizes(root_mb: int = 8192, swap_mb: int = 4096, **other: int) -> Overrides:
    """Overrides that give root and swap (and ``other`` layout keys) a size, as a user who checked
    them would: the plan then assumes no size (SIZE_ASSUMED stays out of the way)."""
    sizes = [SizeOverride("root", root_mb), SizeOverride("swap", swap_mb)]
    sizes += [SizeOverride(key, mb) for key, mb in other.items()]
    return Overrides(sizes=sizes)


def release_text(update: str, arch: str = "sparc") -> str:
    """/etc/release as Solaris writes it for ``update`` (line 1 centred, the copyright lines)."""
    u = find_update(update)
    line = f"{'Oracle ' if u.oracle else ''}Solaris 10 {u.name} {u.build(arch)} {arch.upper()}"
    copyright_line = "  Copyright (c) 1983, 2013, Oracle and/or its affiliates. All rights reserved."
    return f"{line.center(78).rstrip()}\n{copyright_line}\n"


def os_release(update: str, arch: str = "sparc") -> OsRelease:
    return parse_etc_release(release_text(update, arch), source="etc/release")


def sample(relative: str) -> str:
    return (SAMPLES / relative).read_text(encoding="utf-8")


def bundle_files(host: HostSpec, replace: dict[str, str | None] | None = None) -> dict[str, str]:
    """The collector's files for ``host`` (paths below the bundle's top folder); ``replace`` maps a
    path (``etc/release``, ``zfs-list``...) to new text, or to None to leave the file out."""
    files = render_bundle(host)
    for name, text in (replace or {}).items():
        if text is None:
            files.pop(name, None)
        else:
            files[name] = text
    return files


def read(files: dict[str, str]) -> HostInventory:
    return read_bundle_files(dict(files))


def shellcheck(path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("shellcheck")
    if tool is None:
        pytest.fail("shellcheck is not installed: make test installs it (scripts/install-system-deps)")
    return subprocess.run([tool, "-s", "sh", str(path)], capture_output=True, text=True, check=False)


def pin_routes(source: HostInventory, method: str = "flar") -> Overrides:
    """Overrides that pin every zone of ``source`` to one route (issue #14).

    The tests of one route's runbook and scripts pin it, so that a zone another route would suit
    better (an SVM zone, say, which detach/attach moves) stays in the runbook under test."""
    return Overrides(routes=[RouteOverride(z.name, method) for z in source.zones if z.name != "global"])
