"""Readers for ``hostname``, ``uname -a`` and the first lines of ``prtdiag``."""

from __future__ import annotations

import functools
import re

from ._text import content_lines, numbered_lines
from .errors import SolarisParseError
from .inventory import Prtdiag, Uname
from .names import check_hostname

# Vendor names prtdiag puts before the model; the catalog matches on the model alone.
_PRTDIAG_VENDORS = ("Sun Microsystems", "Oracle Corporation", "Oracle", "Fujitsu", "FUJITSU")
_ARCHITECTURES = ("sun4u", "sun4v", "sun4us", "i86pc")
_MEMORY = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(Megabytes|Gigabytes|Terabytes|MB|GB|TB|M|G|T)", re.IGNORECASE)
_MEMORY_UNIT_MB = {"m": 1, "g": 1024, "t": 1024 * 1024}
# Control characters other than the tab (prtdiag pads with tabs on some models).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def parse_hostname(text: str, *, source: str) -> str:
    """The first non-blank line of the ``hostname`` file (``/etc/nodename`` content)."""
    for number, line in numbered_lines(text):
        name = line.strip()
        if not name:
            continue
        return check_hostname(name, source=source, line=number)
    raise SolarisParseError("the file is empty; expected the host name", source=source)


def parse_uname(text: str, *, source: str) -> Uname:
    """``SunOS web01 5.10 Generic_147440-01 sun4u sparc SUNW,Sun-Fire-V240`` -> :class:`Uname`."""
    for number, line in content_lines(text):
        words = line.split()
        if words[0] != "SunOS":
            raise SolarisParseError(
                f"not Solaris 'uname -a' output (system is {words[0]!r})", source=source, line=number
            )
        if len(words) < 6:
            raise SolarisParseError(
                "expected 'SunOS NODE RELEASE VERSION MACHINE PROCESSOR [PLATFORM]'",
                source=source,
                line=number,
            )
        platform = " ".join(words[6:])
        sysname, nodename, release, version, machine, processor = words[:6]
        check_hostname(nodename, source=source, line=number)
        for word in (release, version, machine, processor, platform):
            _check_printable(word, source, number)
        return Uname(sysname, nodename, release, version, machine, processor, platform)
    raise SolarisParseError("the file is empty; expected one 'uname -a' line", source=source)


def _check_printable(text: str, source: str, line: int) -> None:
    if _CONTROL.search(text):
        raise SolarisParseError(f"{text!r} holds a control character", source=source, line=line)


def prtdiag_model(configuration: str) -> str:
    """``Sun Microsystems  sun4u Sun Fire V240`` -> ``Sun Fire V240`` (vendor and architecture dropped).

    The vendor is matched in any case: an X2250 prints ``SUN MICROSYSTEMS       SUN FIRE X2250``.
    """
    text = " ".join(configuration.split())
    for vendor in _PRTDIAG_VENDORS:
        if text.upper().startswith(vendor.upper() + " ") or text.upper() == vendor.upper():
            text = text[len(vendor) :].strip()
            break
    first, _, rest = text.partition(" ")
    if first in _ARCHITECTURES:
        text = rest
    return text


# Words that name the family or vendor rather than the model; model_key drops them.
_MODEL_NOISE = (
    "SUN MICROSYSTEMS",
    "ORACLE CORPORATION",
    "SPARC ENTERPRISE",
    "SPARC-ENTERPRISE",
    "SUN FIRE",
    "SUN-FIRE",
    "SUNW,",
    "ORCL,",
    "FUJITSU",
    "SERVER",
    "ORACLE",
    "SPARC",
    "SUN",
)


@functools.lru_cache(maxsize=1024)
def model_key(name: str) -> str:
    """The one comparison key for server model names, whatever prints them.

    ``Sun SPARC Enterprise M4000 Server`` (prtdiag), ``SPARC Enterprise M4000`` and ``M4000`` all
    give ``M4000``; ``SUN MICROSYSTEMS SUN FIRE X2250`` and ``Sun Fire X2250`` give ``X2250``;
    ``SUNW,Sun-Fire-V240`` (uname -i) gives ``V240``.  Case, vendor and family words, spaces and
    punctuation do not count.
    """
    text = " ".join(name.upper().split())
    for word in _MODEL_NOISE:
        text = text.replace(word, " ")
    return re.sub(r"[^A-Z0-9]", "", text)


def _memory_mb(text: str, source: str, line: int) -> int:
    match = _MEMORY.match(text.strip())
    if match is None:
        raise SolarisParseError(
            f"memory size should look like 8GB or 2048 Megabytes, not {text.strip()!r}",
            source=source,
            line=line,
        )
    amount = float(match.group(1))
    return int(amount * _MEMORY_UNIT_MB[match.group(2)[0].lower()])


def parse_prtdiag(text: str, *, source: str) -> Prtdiag:
    """Read the header of ``prtdiag`` (or ``prtdiag -v``): configuration, clock and memory size."""
    result = Prtdiag()
    found = False
    for number, line in content_lines(text):
        key, colon, value = line.partition(":")
        if not colon:
            continue
        key = key.strip()
        _check_printable(value, source, number)
        if key == "System Configuration":
            result.system_configuration = " ".join(value.split())
            result.model = prtdiag_model(value)
            found = True
        elif key == "System clock frequency":
            clock = re.match(r"\s*([0-9]+)\s*MHz", value, re.IGNORECASE)
            result.clock_mhz = int(clock.group(1)) if clock else None
        elif key == "Memory size":
            result.memory_mb = _memory_mb(value, source, number)
    if not found:
        raise SolarisParseError("no 'System Configuration:' line; is this prtdiag output?", source=source)
    return result
