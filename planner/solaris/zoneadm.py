"""Readers for ``zoneadm list -cvp`` / ``-cp`` and ``/etc/zones/index``."""

from __future__ import annotations

import re

from ._text import content_lines, numbered_lines
from .errors import SolarisParseError
from .inventory import ZoneIndexEntry, ZoneListEntry
from .limits import MAX_ZONES, check_count
from .names import check_listed_zone_name, check_mount_point

# libzonecfg's states in order, plus Solaris 11's "unavailable".
ZONE_STATES = (
    "configured",
    "incomplete",
    "installed",
    "ready",
    "running",
    "shutting_down",
    "down",
    "mounted",
    "unavailable",
)
# The index file only ever records these; the others exist only in the kernel.
INDEX_STATES = ("configured", "incomplete", "installed")
# zoneadm -p fields before the optional ones: zoneid:name:state:zonepath[:uuid:brand:ip-type].
# Solaris 10 3/05-6/06 printed only the first four; uuid, brand and ip-type came with later updates.
_MIN_LIST_FIELDS = 4
_LIST_FIELDS = 7
_VERBOSE_HEADER = re.compile(r"\s*ID\s+NAME\s+STATUS\s+PATH\b.*")
_WORD = re.compile(r"[A-Za-z0-9_.-]*")


def split_escaped_colons(line: str) -> list[str]:
    """Split a ``zoneadm list -p`` line on ':' that is not escaped as ``\\:``."""
    fields: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line) and line[index + 1] == ":":
            current.append(":")
            index += 2
            continue
        if char == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    fields.append("".join(current))
    return fields


def _check_state(state: str, allowed: tuple[str, ...], source: str, line: int) -> None:
    if state not in allowed:
        raise SolarisParseError(
            f"unknown zone state {state!r}; expected one of {', '.join(allowed)}", source=source, line=line
        )


def _list_entry(fields: list[str], source: str, line: int) -> ZoneListEntry:
    if len(fields) < _MIN_LIST_FIELDS:
        raise SolarisParseError(
            f"expected zoneid:name:state:zonepath:uuid:brand:ip-type, found {len(fields)} field(s)",
            source=source,
            line=line,
        )
    zoneid, name, state, zonepath = fields[:4]
    if zoneid != "-" and not re.fullmatch(r"[0-9]+", zoneid):
        raise SolarisParseError(f"zone id must be a number or '-', not {zoneid!r}", source=source, line=line)
    if not name:
        raise SolarisParseError("the zone name field is empty", source=source, line=line)
    _check_state(state, ZONE_STATES, source, line)
    check_listed_zone_name(name, source=source, line=line)
    check_mount_point(zonepath, source=source, line=line)
    optional = [*fields[4:_LIST_FIELDS], "", "", ""][:3]
    for value, what in ((optional[0], "uuid"), (optional[1], "brand"), (optional[2], "ip-type")):
        if not _WORD.fullmatch(value):
            raise SolarisParseError(
                f"{what} {value!r} should be a word like native", source=source, line=line
            )
    return ZoneListEntry(
        zoneid=zoneid,
        name=name,
        state=state,
        zonepath=zonepath,
        uuid=optional[0],
        brand=optional[1],
        ip_type=optional[2],
        extra_fields=fields[_LIST_FIELDS:],
    )


def _verbose_entry(line_text: str, source: str, line: int) -> ZoneListEntry:
    """One row of the human ``zoneadm list -cv`` table (ID NAME STATUS PATH BRAND IP)."""
    words = line_text.split()
    if len(words) < _MIN_LIST_FIELDS:
        raise SolarisParseError("expected ID NAME STATUS PATH [BRAND IP] columns", source=source, line=line)
    # Only the path may hold spaces; brand and IP are single words at the end.
    fields = [*words[:3], " ".join(words[3:-2]), *words[-2:]] if len(words) > 6 else words
    fields = [*fields[:4], "", *fields[4:]]
    return _list_entry(fields, source, line)


def parse_zoneadm_list(text: str, *, source: str) -> list[ZoneListEntry]:
    """Read ``zoneadm list -cvp`` (or ``-cp``; the ``-cv`` table is accepted too).

    The global zone's line is returned like any other; callers decide.
    """
    entries: list[ZoneListEntry] = []
    verbose = False
    for number, line in numbered_lines(text):
        if not line.strip():
            continue
        if not entries and not verbose and _VERBOSE_HEADER.fullmatch(line):
            verbose = True
            continue
        if verbose:
            entries.append(_verbose_entry(line, source, number))
        else:
            entries.append(_list_entry(split_escaped_colons(line), source, number))
        check_count(len(entries), MAX_ZONES + 1, "zones", source=source, line=number)
    return entries


def _index_path_and_uuid(rest: str, source: str, line: int) -> tuple[str, str]:
    """The ``path:uuid`` tail of an index line; the path is quoted when it contains ':'."""
    if rest.startswith('"'):
        end = rest.find('"', 1)
        if end == -1:
            raise SolarisParseError('the quoted zonepath has no closing "', source=source, line=line)
        path, after = rest[1:end], rest[end + 1 :]
        if after and not after.startswith(":"):
            raise SolarisParseError(
                f"expected ':' after the quoted zonepath, found {after[:1]!r}", source=source, line=line
            )
        return path, after[1:]
    path, _, uuid = rest.partition(":")
    return path, uuid


def parse_zone_index(text: str, *, source: str) -> list[ZoneIndexEntry]:
    """Read ``/etc/zones/index`` (name:state:path:uuid; '#' comments; the global line included)."""
    entries = []
    for number, line in content_lines(text):
        name, colon, rest = line.partition(":")
        state, colon2, tail = rest.partition(":")
        if not (colon and colon2) or not name:
            raise SolarisParseError(
                f"expected name:state:path:uuid, found {line!r}", source=source, line=number
            )
        _check_state(state, INDEX_STATES, source, number)
        zonepath, uuid = _index_path_and_uuid(tail, source, number)
        if ":" in uuid:
            raise SolarisParseError(
                f"too many ':' fields in {line!r}; quote a zonepath holding ':'", source=source, line=number
            )
        check_listed_zone_name(name, source=source, line=number)
        check_mount_point(zonepath, source=source, line=number)
        if not _WORD.fullmatch(uuid):
            raise SolarisParseError(f"uuid {uuid!r} should be hex digits and '-'", source=source, line=number)
        entries.append(ZoneIndexEntry(name=name, state=state, zonepath=zonepath, uuid=uuid))
        check_count(len(entries), MAX_ZONES + 1, "zones", source=source, line=number)
    return entries
