"""The one validation boundary for names and paths read from Solaris hosts and specs.

Every reader in ``planner/solaris`` passes the names it reads through these checks,
so a hostile name (``a/../b``, ``e1000g0;reboot``, a disk name holding a newline, a
device match holding ``;``) is refused at import with a :class:`SolarisParseError`
naming the file and line, and never reaches the domain, a worker path or a
generated script.  The forms and the API call the same functions.

Grammars (facts from the Solaris/illumos sources and manuals, see docs/security.md):

* **hostname** - RFC 1123 labels, what ``/etc/nodename`` and JumpStart's
  ``sysidcfg``/``rules`` take: labels of letters, digits and ``-``, 1-63 characters,
  not starting or ending with ``-``, joined by single dots; at most 255 characters.
  The underscore is refused: RFC 1123 does not allow it, and the name becomes the
  JumpStart client name and a ``sysidcfg`` ``hostname=`` value.
* **zone name** - libzonecfg's rule: an ASCII letter or digit, then letters, digits,
  ``-``, ``_`` or ``.``; shorter than ``ZONENAME_MAX`` (64, counting the NUL), so at
  most 63 characters; not ``global``; zonecfg reserves the ``SUNW`` prefix.
* **NIC** (data-link name) - libdladm's rule: at most 31 characters (``MAXLINKNAMELEN``
  32 with the NUL), letters, digits, ``_`` and ``.``, not starting with a digit and
  ending with a digit (the instance).  Physical NICs are driver + instance (``bge0``,
  ``e1000g1``, ``nxge3``); aggregations (``aggr1``), VLAN links (``bge1001``) and
  vnics follow the same rule.  We also require a letter first.
* **disk** - ``cXtYdZ``, ``cXdY`` and WWN targets ``cXt<hex>dZ`` (at most 96 characters).
* **slice** - a disk + ``sN`` (0-15: SPARC VTOCs use 0-7, x86 VTOCs 0-15, EFI 0-6 and 8)
  or ``pN`` (0-4: x86 fdisk partitions, p0 the whole disk).
* **mount point** - absolute, no ``.``/``..`` component, no empty component except a
  trailing ``/``, no whitespace, no control character, none of
  ``" ' \\ ` $ ; # * ? [ ] | & < > ( ) { } ! ^ ~`` (so it is one word in vfstab, a JumpStart
  profile and zonecfg, and nothing a shell would act on), at most 1024 characters.
* **net address** (zone ``net`` address, defrouter, allowed-address) - an IPv4/IPv6 address
  with an optional ``/prefix``, or a host name: ``[A-Za-z0-9.:/_-]``, at most 255 characters.
* **device match** - a path glob under ``/dev/``: letters, digits and ``_ . / * ? [ ] ! , : + @ % = -``
  only (no ``;``, quote, backslash, whitespace or control character), no ``..`` component.
* **zonecfg value** - what zonecfg's quoting can carry: no ``"``, no backslash, no
  control character (a newline ends a zonecfg command; ``"..."`` has no escapes).

Each ``check_<kind>(value, *, source, line)`` returns the value unchanged or raises
``SolarisParseError`` with a message a user understands ("hostname 'a/b' is not
valid: ...").  Each ``is_<kind>(value)`` says the same as a bool.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import SolarisParseError

HOSTNAME_MAX = 255
HOST_LABEL_MAX = 63
ZONE_NAME_MAX = 63  # ZONENAME_MAX (64) counts the terminating NUL
NIC_NAME_MAX = 31  # MAXLINKNAMELEN (32) counts the terminating NUL
DISK_NAME_MAX = 96
MOUNT_POINT_MAX = 1024  # MAXPATHLEN
DEVICE_MATCH_MAX = 1024
ZONECFG_VALUE_MAX = 4096
PATH_WORD_MAX = 1024

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_ZONE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
_NIC_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.]{0,29}[0-9]")
_INTERFACE_NAME = re.compile(r"(?P<link>[^:]+)(?::[0-9]{1,4})?")
_DISK_NAME = re.compile(r"c[0-9]{1,5}(?:t[0-9A-Fa-f]{1,64})?d[0-9]{1,5}")
_SLICE_NAME = re.compile(
    r"(?P<disk>c[0-9]{1,5}(?:t[0-9A-Fa-f]{1,64})?d[0-9]{1,5})(?:s(?:1[0-5]|[0-9])|p[0-4])"
)
_METADEVICE = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9_.+-]{0,31}/)?(?:d[0-9]{1,5}|hsp[0-9]{3})")
_MOUNT_POINT_FORBIDDEN = re.compile(r"[\s\"'\\`$;#*?\[\]|&<>(){}!^~]")
_NET_ADDRESS = re.compile(r"[A-Za-z0-9.:/_-]{1,255}")
_DEVICE_MATCH = re.compile(r"/dev/[A-Za-z0-9_./*?\[\]!,:+@%=-]+")
_PATH_WORD_FORBIDDEN = re.compile(r"[\s\"'\\`$;]")
_ZONECFG_FORBIDDEN = re.compile(r"[\"\\]")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


def _shown(value: str) -> str:
    """The value for an error message: repr (so a newline shows as \\n), cut if long."""
    text = repr(value[:80])
    return text + "..." if len(value) > 80 else text


def _refuse(kind: str, value: str, reason: str, source: str, line: int | None) -> SolarisParseError:
    return SolarisParseError(
        f"{kind} {_shown(value)} is not valid: {reason}", source=source or "<input>", line=line
    )


def _common(kind: str, value: object, limit: int, source: str, line: int | None) -> str:
    if not isinstance(value, str):
        raise SolarisParseError(
            f"{kind} must be text, not {type(value).__name__}", source=source or "<input>", line=line
        )
    if not value:
        raise SolarisParseError(f"{kind} is empty", source=source or "<input>", line=line)
    if _CONTROL.search(value):
        raise _refuse(
            kind, value, "it contains a control character (a newline, tab, escape...)", source, line
        )
    if len(value) > limit:
        raise _refuse(kind, value, f"it is longer than {limit} characters", source, line)
    return value


# --- hostname ---------------------------------------------------------------------------------


def hostname_problem(value: str) -> str | None:
    """Why ``value`` is not a host name, or None."""
    if not value:
        return "it is empty"
    if _CONTROL.search(value) or any(c.isspace() for c in value):
        return "it contains whitespace or a control character"
    if len(value) > HOSTNAME_MAX:
        return f"it is longer than {HOSTNAME_MAX} characters"
    if "/" in value:
        return "it contains '/'; a host name is not a path"
    if "_" in value:
        return "it contains '_'; host names (RFC 1123) take letters, digits, '-' and dots"
    for label in value.split("."):
        if not label:
            return "it has an empty label (a leading, trailing or doubled dot)"
        if len(label) > HOST_LABEL_MAX:
            return f"the label {label[:20]!r}... is longer than {HOST_LABEL_MAX} characters"
        if not _HOST_LABEL.fullmatch(label):
            return f"the label {label!r} must be letters, digits and '-', not starting or ending with '-'"
    return None


def check_hostname(value: str, *, source: str = "", line: int | None = None) -> str:
    _common("hostname", value, HOSTNAME_MAX, source, line)
    problem = hostname_problem(value)
    if problem:
        raise _refuse("hostname", value, problem, source, line)
    return value


def is_hostname(value: str) -> bool:
    return isinstance(value, str) and hostname_problem(value) is None


# --- zone name --------------------------------------------------------------------------------


def zone_name_problem(value: str, *, allow_global: bool = False) -> str | None:
    if not value:
        return "it is empty"
    if _CONTROL.search(value):
        return "it contains a control character"
    if len(value) > ZONE_NAME_MAX:
        return f"it is longer than {ZONE_NAME_MAX} characters"
    if value == "global":
        return None if allow_global else "'global' is the global zone's own name"
    if value.startswith("SUNW"):
        return "zonecfg reserves names starting with 'SUNW'"
    if not _ZONE_NAME.fullmatch(value):
        return "a zone name starts with a letter or digit and holds only letters, digits, '-', '_' and '.'"
    return None


def check_zone_name(value: str, *, source: str = "", line: int | None = None) -> str:
    _common("zone name", value, ZONE_NAME_MAX, source, line)
    problem = zone_name_problem(value)
    if problem:
        raise _refuse("zone name", value, problem, source, line)
    return value


def check_listed_zone_name(value: str, *, source: str = "", line: int | None = None) -> str:
    """A zone name as zoneadm and /etc/zones/index list it: ``global`` included."""
    _common("zone name", value, ZONE_NAME_MAX, source, line)
    problem = zone_name_problem(value, allow_global=True)
    if problem:
        raise _refuse("zone name", value, problem, source, line)
    return value


def is_zone_name(value: str) -> bool:
    return isinstance(value, str) and zone_name_problem(value) is None


# --- NIC (data link) ----------------------------------------------------------------------------


def check_nic_name(value: str, *, source: str = "", line: int | None = None) -> str:
    _common("NIC name", value, NIC_NAME_MAX, source, line)
    if not _NIC_NAME.fullmatch(value):
        raise _refuse(
            "NIC name",
            value,
            "a data-link name is a driver and an instance like bge0, e1000g1 or aggr1: a letter, then "
            "letters, digits, '_' or '.', ending in a digit, at most 31 characters",
            source,
            line,
        )
    return value


def is_nic_name(value: str) -> bool:
    return isinstance(value, str) and bool(_NIC_NAME.fullmatch(value))


def check_interface_name(value: str, *, source: str = "", line: int | None = None) -> str:
    """An IP interface as ifconfig names it: a data link, optionally ``:N`` (``bge0:1``)."""
    _common("interface name", value, NIC_NAME_MAX + 5, source, line)
    match = _INTERFACE_NAME.fullmatch(value)
    if match is None or not is_nic_name(match.group("link")):
        raise _refuse(
            "interface name", value, "expected a data-link name and an optional :N like bge0:1", source, line
        )
    return value


# --- disks and slices -----------------------------------------------------------------------


def check_disk_name(value: str, *, source: str = "", line: int | None = None) -> str:
    _common("disk name", value, DISK_NAME_MAX, source, line)
    if not _DISK_NAME.fullmatch(value):
        raise _refuse(
            "disk name",
            value,
            "expected a Solaris disk like c0t0d0, c1d0 or c0t600A0B80002A4C8Cd0 (controller, target, disk)",
            source,
            line,
        )
    return value


def is_disk_name(value: str) -> bool:
    return isinstance(value, str) and len(value) <= DISK_NAME_MAX and bool(_DISK_NAME.fullmatch(value))


def check_slice_name(value: str, *, source: str = "", line: int | None = None) -> str:
    _common("slice name", value, DISK_NAME_MAX + 3, source, line)
    if not _SLICE_NAME.fullmatch(value):
        raise _refuse(
            "slice name",
            value,
            "expected a disk and a slice like c0t0d0s0 (s0-s15) or an fdisk partition like c1d0p0 (p0-p4)",
            source,
            line,
        )
    return value


def is_slice_name(value: str) -> bool:
    return isinstance(value, str) and len(value) <= DISK_NAME_MAX + 3 and bool(_SLICE_NAME.fullmatch(value))


_TAPE_NAME = re.compile(r"rmt/[0-9]{1,4}")


def is_tape_name(value: str) -> bool:
    """A tape drive as ``iostat -En`` lists it: ``rmt/0``."""
    return isinstance(value, str) and bool(_TAPE_NAME.fullmatch(value))


def check_iostat_device(value: str, *, source: str = "", line: int | None = None) -> str:
    """A device ``iostat -En`` lists: a disk (c0t0d0) or a tape drive (rmt/0)."""
    if is_tape_name(value):
        return value
    return check_disk_name(value, source=source, line=line)


def is_metadevice_name(value: str) -> bool:
    """An SVM metadevice (``d10``, ``dbset/d20``) or hot-spare pool (``hsp001``)."""
    return isinstance(value, str) and bool(_METADEVICE.fullmatch(value))


# --- paths ------------------------------------------------------------------------------------


def mount_point_problem(value: str) -> str | None:
    if not value:
        return "it is empty"
    if _CONTROL.search(value):
        return "it contains a control character"
    if len(value) > MOUNT_POINT_MAX:
        return f"it is longer than {MOUNT_POINT_MAX} characters"
    if not value.startswith("/"):
        return "a mount point is an absolute path starting with '/'"
    bad = _MOUNT_POINT_FORBIDDEN.search(value)
    if bad:
        return f"it contains {bad.group()!r}; a mount point holds no whitespace, quotes or shell characters"
    if value == "/":
        return None
    parts = value.split("/")[1:]
    if value.endswith("/"):
        parts = parts[:-1]
    for part in parts:
        if part in ("", ".", ".."):
            shown = part or "an empty component ('//')"
            return f"it has {shown!r} as a component" if part else f"it has {shown}"
    return None


def check_mount_point(value: str, *, source: str = "", line: int | None = None) -> str:
    _common("mount point", value, MOUNT_POINT_MAX, source, line)
    problem = mount_point_problem(value)
    if problem:
        raise _refuse("mount point", value, problem, source, line)
    return value


def is_mount_point(value: str) -> bool:
    return isinstance(value, str) and mount_point_problem(value) is None


def device_match_problem(value: str) -> str | None:
    if not value:
        return "it is empty"
    if len(value) > DEVICE_MATCH_MAX:
        return f"it is longer than {DEVICE_MATCH_MAX} characters"
    if not value.startswith("/dev/"):
        return "a device match is a path under /dev/, like /dev/rmt/0 or /dev/dsk/c1t1d0s*"
    if not _DEVICE_MATCH.fullmatch(value):
        bad = next((c for c in value[5:] if not re.fullmatch(r"[A-Za-z0-9_./*?\[\]!,:+@%=-]", c)), "")
        allowed = "letters, digits and _ . / * ? [ ] ! , : + @ % = -"
        return f"it contains {bad!r}; a device match holds {allowed} only"
    if ".." in value.split("/"):
        return "it has '..' as a component"
    return None


def check_device_match(value: str, *, source: str = "", line: int | None = None) -> str:
    _common("device match", value, DEVICE_MATCH_MAX, source, line)
    problem = device_match_problem(value)
    if problem:
        raise _refuse("device match", value, problem, source, line)
    return value


def is_device_match(value: str) -> bool:
    return isinstance(value, str) and device_match_problem(value) is None


def check_path_word(value: str, *, what: str = "value", source: str = "", line: int | None = None) -> str:
    """One word as vfstab, df or a zone's fs ``special`` holds it: a device, ``server:/path``, ``swap``.

    No whitespace, control character, quote, backslash, backquote, ``$`` or ``;``.
    """
    _common(what, value, PATH_WORD_MAX, source, line)
    bad = _PATH_WORD_FORBIDDEN.search(value)
    if bad:
        raise _refuse(what, value, f"it contains {bad.group()!r}", source, line)
    return value


def is_path_word(value: str) -> bool:
    try:
        check_path_word(value)
    except SolarisParseError:
        return False
    return True


# --- zonecfg values -------------------------------------------------------------------------


def zonecfg_value_problem(value: str) -> str | None:
    if _CONTROL.search(value):
        return "zonecfg cannot carry a control character (a newline ends a zonecfg command)"
    bad = _ZONECFG_FORBIDDEN.search(value)
    if bad:
        return f'zonecfg\'s quoting cannot carry {bad.group()!r} ("..." has no escapes)'
    if len(value) > ZONECFG_VALUE_MAX:
        return f"it is longer than {ZONECFG_VALUE_MAX} characters"
    return None


def check_zonecfg_value(value: str, *, source: str = "", line: int | None = None) -> str:
    """A value that can be written as one zonecfg token (bare, or inside ``"..."``); empty is allowed."""
    if not isinstance(value, str):
        raise SolarisParseError(
            f"zonecfg value must be text, not {type(value).__name__}", source=source or "<input>", line=line
        )
    problem = zonecfg_value_problem(value)
    if problem:
        raise _refuse("zonecfg value", value, problem, source, line)
    return value


def is_zonecfg_value(value: str) -> bool:
    return isinstance(value, str) and zonecfg_value_problem(value) is None


def check_net_address(value: str, *, source: str = "", line: int | None = None) -> str:
    """A zone net address, defrouter or allowed-address: IPv4/IPv6 (with /prefix) or a host name."""
    _common("net address", value, 255, source, line)
    if not _NET_ADDRESS.fullmatch(value):
        raise _refuse(
            "net address",
            value,
            "expected an IP address like 192.168.1.10/24 or fe80::1, or a host name",
            source,
            line,
        )
    return value


def check_uuid(value: str, *, source: str = "", line: int | None = None) -> str:
    """A zone UUID (8-4-4-4-12 hex digits); empty is allowed (older releases print none)."""
    if value and not _UUID.fullmatch(value):
        raise _refuse("zone UUID", value, "expected 8-4-4-4-12 hexadecimal digits", source, line)
    return value


def is_safe_word(value: str) -> bool:
    """Letters, digits and ``_ . , : + @ % = / -``: needs no quoting in sh, zonecfg or a profile."""
    return bool(re.fullmatch(r"[A-Za-z0-9_.,:+@%=/-]+", value))


Checker = Callable[..., str]

# Which check applies to which zonecfg property: (resource or "" for global, property).
ZONECFG_PROPERTY_CHECKS: dict[tuple[str, str], Checker] = {
    ("", "zonename"): check_zone_name,
    ("", "zonepath"): check_mount_point,
    ("fs", "dir"): check_mount_point,
    ("inherit-pkg-dir", "dir"): check_mount_point,
    ("net", "physical"): check_nic_name,
    ("net", "address"): check_net_address,
    ("net", "defrouter"): check_net_address,
    ("net", "allowed-address"): check_net_address,
    ("device", "match"): check_device_match,
}


def check_zonecfg_property(
    resource: str, name: str, value: str, *, source: str = "", line: int | None = None
) -> str:
    """The zonecfg value check, plus the name grammar of the properties that hold names."""
    check_zonecfg_value(value, source=source, line=line)
    checker = ZONECFG_PROPERTY_CHECKS.get((resource, name))
    if checker is not None and value:
        checker(value, source=source, line=line)
    if (resource, name) in (("fs", "special"), ("fs", "raw")) and value:
        check_path_word(value, what=f"fs {name}", source=source, line=line)
    return value
