"""Readers for ``dladm show-dev``, ``dladm show-link`` and ``ifconfig -a`` (Solaris 10 forms).

Both dladm forms are accepted: the aligned ``key: value`` columns and the
``-p`` parsable ``key=value`` words.  IPv4 netmasks are given in dotted form
(``ffffff00`` -> ``255.255.255.0``); for IPv6 the netmask is the prefix
length (``fe80::1/10`` -> address ``fe80::1``, netmask ``10``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._text import content_lines, is_ascii_int, numbered_lines, split_driver_instance
from .errors import SolarisParseError
from .inventory import IpInterface, Nic
from .limits import MAX_INTERFACES, MAX_NICS, check_count
from .names import check_interface_name, check_listed_zone_name, check_nic_name, check_path_word, is_nic_name

_PLAIN_WORDS = re.compile(r"[A-Za-z0-9_.:/ -]*")
_DEV_KEYS = ("link", "speed", "duplex")
_LINK_KEYS = ("type", "mtu", "device", "aggregation")


def _key_values(text: str, keys: Iterable[str], *, source: str, line: int) -> dict[str, str]:
    """``link: up speed: 1000 Mbps duplex: full`` (or ``link=up ...``) -> {key: value}."""
    pattern = re.compile(r"(?:^|(?<=\s))(" + "|".join(keys) + r")(?::\s*|=)")
    matches = list(pattern.finditer(text))
    if not matches or text[: matches[0].start()].strip():
        expected = ", ".join(f"{key}:" for key in keys)
        raise SolarisParseError(
            f"expected {expected} after the link name, found {text.strip()!r}", source=source, line=line
        )
    values = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        values[match.group(1)] = text[match.end() : end].strip()
    return values


def _split_link_line(line: str, source: str, number: int) -> tuple[str, str]:
    name, *tail = line.split(None, 1)
    rest = tail[0] if tail else ""
    if not is_nic_name(name):
        raise SolarisParseError(
            f"{name!r} is not a data-link name like bge0 or e1000g1", source=source, line=number
        )
    check_nic_name(name, source=source, line=number)
    return name, rest


def _new_nic(name: str) -> Nic:
    driver, instance = split_driver_instance(name)
    return Nic(name=name, driver=driver, instance=instance)


def _speed(text: str, source: str, line: int) -> int:
    match = re.fullmatch(r"([0-9]+)\s*(?:Mbps|Mb)?", text)
    if not match:
        raise SolarisParseError(
            f"link speed should be a number of Mbps, not {text!r}", source=source, line=line
        )
    return int(match.group(1))


def parse_dladm_show_dev(text: str, *, source: str) -> list[Nic]:
    """``bge0  link: up  speed: 1000  Mbps  duplex: full``, or the ``-p`` form ``bge0 link=up speed=1000``."""
    nics = []
    for number, line in content_lines(text):
        name, rest = _split_link_line(line, source, number)
        values = _key_values(rest, _DEV_KEYS, source=source, line=number)
        nic = _new_nic(name)
        nic.link_state = values.get("link") or "unknown"
        if values.get("speed"):
            nic.speed_mbps = _speed(values["speed"], source, number)
        nic.duplex = values.get("duplex", "")
        _check_words(values, source, number)
        nics.append(nic)
        check_count(len(nics), MAX_NICS, "data links", source=source, line=number)
    return nics


def _check_words(values: dict[str, str], source: str, line: int) -> None:
    """The values beside a link name are plain words; refuse control characters, quotes and the like."""
    for key, value in values.items():
        if not _PLAIN_WORDS.fullmatch(value):
            raise SolarisParseError(
                f"{key} {value!r} should be plain words like 'up' or '1000 Mbps'", source=source, line=line
            )


def _apply_link_type(nic: Nic, values: dict[str, str], source: str, line: int) -> None:
    link_type = values.get("type", "")
    vlan = re.fullmatch(r"vlan\s+([0-9]+)", link_type)
    if "aggregation" in values:
        nic.link_type = "aggr"
        nic.over = values["aggregation"]
    elif vlan:
        nic.link_type = "vlan"
        nic.vlan_id = int(vlan.group(1))
    else:
        nic.link_type = link_type
    if values.get("device", nic.name) != nic.name and not nic.over:
        nic.over = check_nic_name(values["device"], source=source, line=line)
    mtu = values.get("mtu", "")
    if mtu:
        if not is_ascii_int(mtu):
            raise SolarisParseError(f"mtu should be a number, not {mtu!r}", source=source, line=line)
        nic.mtu = int(mtu)


def parse_dladm_show_link(text: str, *, source: str) -> list[Nic]:
    """``bge0 type: legacy mtu: 1500 device: bge0``, ``aggr1 type: non-vlan mtu: 1500 aggregation: key 1``,
    ``bge1001 type: vlan 1 mtu: 1500 device: bge1`` (and the ``-p`` key=value form)."""
    nics = []
    for number, line in content_lines(text):
        name, rest = _split_link_line(line, source, number)
        nic = _new_nic(name)
        values = _key_values(rest, _LINK_KEYS, source=source, line=number)
        _check_words(values, source, number)
        _apply_link_type(nic, values, source, number)
        nics.append(nic)
        check_count(len(nics), MAX_NICS, "data links", source=source, line=number)
    return nics


def merge_nics(devices: list[Nic], links: list[Nic]) -> list[Nic]:
    """show-dev (speed, state) completed with show-link (type, mtu); aggregations and VLANs appended."""
    by_name = {nic.name: nic for nic in devices}
    merged = list(devices)
    for link in links:
        device = by_name.get(link.name)
        if device is None:
            merged.append(link)
            continue
        device.link_type, device.mtu = link.link_type, link.mtu
        device.over, device.vlan_id = link.over, link.vlan_id
    return merged


# --- ifconfig -a ----------------------------------------------------------------------------

_IFCONFIG_HEADER = re.compile(
    r"(?P<name>[A-Za-z][A-Za-z0-9_.]*[0-9](?::[0-9]+)?):\s+flags=(?P<hex>[0-9a-fA-F]+)<(?P<flags>[^>]*)>"
    r"(?:\s+mtu\s+(?P<mtu>[0-9]+))?(?:\s+index\s+(?P<index>[0-9]+))?.*"
)


def _dotted_netmask(hex_mask: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{8}", hex_mask):
        return hex_mask  # ifconfig prints 8 hex digits; keep anything else as given
    return ".".join(str(int(hex_mask[i : i + 2], 16)) for i in range(0, 8, 2))


def _apply_detail(interface: IpInterface, words: list[str], source: str, line: int) -> None:
    """One indented ifconfig line; lines we do not model (groupname, tunnel, ...) are skipped."""
    keyword = words[0]
    if keyword in ("inet", "inet6", "zone", "ether"):
        for word in words[1:]:
            check_path_word(word, what=f"{keyword} value", source=source, line=line)
    if keyword == "inet" and len(words) > 1:
        interface.family = "inet"
        interface.address = words[1]
        pairs = dict(zip(words[2::2], words[3::2], strict=False))
        interface.netmask = _dotted_netmask(pairs.get("netmask", ""))
        interface.broadcast = pairs.get("broadcast", "")
    elif keyword == "inet6" and len(words) > 1:
        interface.family = "inet6"
        address, _, prefix = words[1].partition("/")
        interface.address, interface.netmask = address, prefix
    elif keyword == "zone" and len(words) > 1:
        interface.zone = check_listed_zone_name(words[1], source=source, line=line)
    elif keyword == "ether" and len(words) > 1:
        interface.ether = words[1]


def _new_interface(match: re.Match[str]) -> IpInterface:
    flags = [flag for flag in match.group("flags").split(",") if flag]
    return IpInterface(
        name=match.group("name"),
        flags=flags,
        mtu=int(match.group("mtu")) if match.group("mtu") else None,
        index=int(match.group("index")) if match.group("index") else None,
        family="inet6" if "IPv6" in flags else "inet",
    )


def parse_ifconfig(text: str, *, source: str) -> list[IpInterface]:
    """Read ``ifconfig -a``: one record per logical interface block (IPv4 and IPv6 separately)."""
    interfaces: list[IpInterface] = []
    for number, line in numbered_lines(text):
        if not line.strip():
            continue
        if line[0] in " \t":
            if not interfaces:
                raise SolarisParseError(
                    "an indented detail line comes before any 'NAME: flags=...' line",
                    source=source,
                    line=number,
                )
            _apply_detail(interfaces[-1], line.split(), source, number)
            continue
        match = _IFCONFIG_HEADER.fullmatch(line.strip())
        if match is None:
            raise SolarisParseError(
                f"expected 'NAME: flags=HEX<FLAGS> mtu N index N', found {line.strip()!r}",
                source=source,
                line=number,
            )
        check_interface_name(match.group("name"), source=source, line=number)
        interfaces.append(_new_interface(match))
        check_count(len(interfaces), MAX_INTERFACES, "IP interfaces", source=source, line=number)
    return interfaces
