"""Readers for what a Solaris 11 destination adds: ``dladm show-phys`` and ``pkg list brand-solaris10``.

``dladm show-phys`` (Solaris 11 replaced ``show-dev``)::

    LINK              MEDIA                STATE      SPEED  DUPLEX    DEVICE
    net0              Ethernet             up         1000   full      ixgbe0

The link name (``net0``) is what zonecfg and ipadm use; DEVICE is the driver instance under it.
STATE is up, down, unknown or ``?``; SPEED is in Mbps (0 when the link is down).

``pkg list brand-solaris10``: the package is installed when a row for
``system/zones/brand/brand-solaris10`` has ``i`` in its IFO column (``i--``)::

    NAME (PUBLISHER)                                  VERSION                    IFO
    system/zones/brand/brand-solaris10                0.5.11-0.175.1.0.0.24.2    i--

When it is not, pkg prints (on stderr, which the collector keeps in the file)::

    pkg list: no packages matching the following patterns are installed:
      brand-solaris10
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._text import content_lines, split_driver_instance
from .errors import SolarisParseError
from .inventory import Nic

_PHYS_HEADER = ("LINK", "MEDIA", "STATE", "SPEED", "DUPLEX", "DEVICE")
_LINK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.]*[0-9]")
_LINK_STATES = frozenset({"up", "down", "unknown", "?"})
BRAND_PACKAGE = "system/zones/brand/brand-solaris10"
_NOT_INSTALLED = "no packages matching"


def parse_dladm_show_phys(text: str, *, source: str) -> list[Nic]:
    """Read ``dladm show-phys`` (header first): one Nic per link, its device and driver."""
    nics: list[Nic] = []
    header_seen = False
    for number, line in content_lines(text):
        words = line.split()
        if not header_seen:
            if tuple(words) != _PHYS_HEADER:
                raise SolarisParseError(
                    f"expected the header '{' '.join(_PHYS_HEADER)}' of dladm show-phys, found {line[:80]!r}",
                    source=source,
                    line=number,
                )
            header_seen = True
            continue
        if len(words) != len(_PHYS_HEADER):
            raise SolarisParseError(
                f"expected 6 columns (LINK MEDIA STATE SPEED DUPLEX DEVICE), found {len(words)}",
                source=source,
                line=number,
            )
        nics.append(_phys_row(words, source, number))
    if not header_seen:
        raise SolarisParseError("the file is empty; expected dladm show-phys output", source=source)
    return nics


def _phys_row(words: list[str], source: str, line: int) -> Nic:
    link, media, state, speed, duplex, device = words
    for what, name in (("link", link), ("device", device)):
        if not _LINK_NAME.fullmatch(name):
            raise SolarisParseError(
                f"{name[:40]!r} is not a {what} name like net0 or e1000g0", source=source, line=line
            )
    if state not in _LINK_STATES:
        raise SolarisParseError(
            f"STATE should be up, down, unknown or ?, not {state[:20]!r}", source=source, line=line
        )
    if not speed.isascii() or not speed.isdigit():
        raise SolarisParseError(f"SPEED should be Mbps, not {speed[:20]!r}", source=source, line=line)
    driver, instance = split_driver_instance(device)
    return Nic(
        name=link,
        driver=driver,
        instance=instance,
        link_state="unknown" if state == "?" else state,
        speed_mbps=int(speed),
        duplex=duplex,
        device=device,
        media=media,
    )


@dataclass(frozen=True)
class PackageState:
    installed: bool
    version: str = ""  # the VERSION column when installed


def parse_pkg_list_brand(text: str, *, source: str) -> PackageState:
    """Read ``pkg list brand-solaris10`` (stdout and stderr): installed, and at which version."""
    header: list[str] | None = None
    for number, line in content_lines(text):
        if _NOT_INSTALLED in line:
            return PackageState(installed=False)
        if header is None:
            if not line.startswith("NAME (PUBLISHER)"):
                raise SolarisParseError(
                    f"expected the 'NAME (PUBLISHER) VERSION IFO' header of pkg list, found {line[:80]!r}",
                    source=source,
                    line=number,
                )
            header = line.split()
            continue
        words = [word for word in line.split() if not (word.startswith("(") and word.endswith(")"))]
        if len(words) < 3:
            raise SolarisParseError(
                f"expected 'NAME VERSION IFO', found {line[:80]!r}", source=source, line=number
            )
        if not words[0].endswith("brand-solaris10"):
            continue
        flags = words[-1]
        # Solaris 11 Express printed "STATE UFOXI" (installed -----) where later releases print IFO (i--).
        installed = flags.startswith("i") if header[-1] == "IFO" else words[-2] == "installed"
        version = words[1]
        return PackageState(installed=installed, version=version if installed else "")
    if header is None:
        raise SolarisParseError(
            "the file is empty; expected pkg list brand-solaris10 output (or its 'no packages matching')",
            source=source,
        )
    return PackageState(installed=False)
