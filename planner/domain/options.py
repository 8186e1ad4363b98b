"""What the user tells the planner: sizing options and per-resource decisions.

These are plain inputs to :func:`planner.domain.plan.compute_plan`; the web app keeps
them as JSON next to a plan and rebuilds them with :meth:`Overrides.from_dict`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from planner.domain.quoting import word
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import from_dict
from planner.solaris.names import (
    check_device_match,
    check_disk_name,
    check_hostname,
    check_mount_point,
    check_nic_name,
    check_zone_name,
    check_zonecfg_value,
    is_hostname,
    mount_point_problem,
)

NIC_ACTIONS = ("map", "drop")
DEVICE_ACTIONS = ("keep", "replace", "remove")


# Settings whose default is an example, not a real value: PLAN_SETTINGS_INCOMPLETE lists them
# while they keep it (docs/findings.md).  The web app sets them per plan, with team defaults.
EXAMPLE_ARCHIVE_LOCATION = "nfs://archive-server/export/flar/{hostname}.flar"
EXAMPLE_JUMPSTART_SERVER = "jumpstart-server"
NAME_SERVICES = ("NONE", "DNS")


@dataclass
class PlanOptions:
    """How the plan sizes the destination, and the settings its runbook and files need.

    A setting left at its default is either a sound default (``/jumpstart``, ``UTC``, ``C``,
    ``vt100``, ``NONE``) or an example that must be replaced: :func:`placeholder_settings`
    names those, and the plan reports them as PLAN_SETTINGS_INCOMPLETE.
    """

    root_headroom_pct: int = 20  # root fs = source used (df -k of /) + headroom
    slice_headroom_pct: int = 10  # each zone ufs slice = source slice (prtvtoc) + headroom
    zonepath_headroom_pct: int = 20  # zonepaths slice = sum of zonepath used space + headroom
    spread_nics: bool = False  # spread zones over candidate ports only when asked
    # Where the destination reads the archive: nfs://server/path, "nfs server:/path", server:/path,
    # or an http:// / https:// URL.  "{hostname}" becomes the source host's name.
    archive_location: str = EXAMPLE_ARCHIVE_LOCATION
    archive_dir: str = "/export/flar"  # where flarcreate writes on the source, excluded with -x
    excluded_paths: list[str] = field(default_factory=list)
    compress: bool = True
    # The JumpStart server: its name, the JumpStart directory it shares, and the install image
    # ("" = /export/install/<build> of the media the archive needs, e.g. /export/install/s10s_u8wos_08a).
    jumpstart_server: str = EXAMPLE_JUMPSTART_SERVER
    jumpstart_dir: str = "/jumpstart"
    install_image_dir: str = ""
    # sysidcfg.  "" for ip_address / netmask: the destination's own (from its inventory), else the
    # source's netmask, else a placeholder / 255.255.255.0.
    ip_address: str = ""
    netmask: str = ""
    default_route: str = "NONE"
    timezone: str = "UTC"
    system_locale: str = "C"
    terminal: str = "vt100"
    name_service: str = "NONE"  # NONE or DNS
    dns_domain: str = ""
    dns_servers: list[str] = field(default_factory=list)
    root_password_hash: str = ""  # the root field of /etc/shadow; "" = a REPLACE-ME placeholder

    def archive_name(self, hostname: str) -> str:
        """The flar's content name and file stem: the source host's name."""
        return hostname

    def resolved_archive_location(self, hostname: str) -> str:
        # str.replace, not str.format: a location may hold other braces (http query strings).
        return self.archive_location.replace("{hostname}", hostname)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanOptions:
        return from_dict(cls, data)


@dataclass(frozen=True)
class ArchiveLocation:
    """A parsed archive location: ``kind`` nfs, http, https or local; ``server`` and ``path``."""

    kind: str
    server: str
    path: str
    url: str = ""  # the URL as given, for http and https

    @property
    def profile_words(self) -> str:
        """The profile's ``archive_location`` words: ``nfs server:/path``, a URL, ``local_file /path``."""
        if self.kind == "nfs":
            return f"nfs {self.server}:{self.path}"
        if self.kind in ("http", "https"):
            return self.url
        return f"local_file {self.path}"

    @property
    def directory(self) -> str:
        """The directory that holds the archive on the server (what NFS shares)."""
        return self.path.rsplit("/", 1)[0] or "/"


_URL = re.compile(r"(?P<scheme>https?)://(?P<host>[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?(?P<path>/\S*)")
_NFS_URL = re.compile(r"nfs://(?P<host>[^/:\s]+)(?P<path>/\S*)")
_NFS_WORDS = re.compile(r"(?:nfs\s+)?(?P<host>[^/:\s]+):(?P<path>/\S*)")
_IPV4 = re.compile(
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}"
)
_PASSWORD_HASH = re.compile(r"[A-Za-z0-9./$,=]{13,256}")
_LOCALE = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
_TIMEZONE = re.compile(r"[A-Za-z0-9_+./-]{1,64}")
_TERMINAL = re.compile(r"[A-Za-z0-9_.+-]{1,32}")
_USAGE = (
    "use nfs://server/path, 'nfs server:/path', server:/path or an http:// or https:// URL "
    "(e.g. nfs://flar01/export/flar/{hostname}.flar)"
)


def _options_error(what: str, value: object, why: str) -> SolarisParseError:
    shown = repr(value)[:100]
    return SolarisParseError(f"{what} {shown} cannot be used: {why}", source=f"plan options: {what}")


def parse_archive_location(location: str) -> ArchiveLocation:
    """The location's parts, or SolarisParseError (source "plan options: archive_location")."""
    text = location.strip()
    what = "archive_location"
    scheme = text.split("://", 1)[0] if "://" in text else ""
    if scheme and scheme not in ("nfs", "http", "https"):
        raise _options_error(what, location, f"{scheme}:// is not a retrieval the planner writes; {_USAGE}")
    for pattern, kind in ((_URL, ""), (_NFS_URL, "nfs"), (_NFS_WORDS, "nfs")):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        host, path = match.group("host"), match.group("path")
        if not (is_hostname(host) or _IPV4.fullmatch(host)):
            raise _options_error(what, location, f"{host!r} is not a host name or an IPv4 address")
        if kind == "nfs":
            problem = mount_point_problem(path)
            if problem or path.endswith("/"):
                raise _options_error(
                    what, location, f"the path {path!r} is not a file path ({problem or 'ends in /'})"
                )
            return ArchiveLocation("nfs", host, path)
        if not _PLAIN_URL.fullmatch(text):
            raise _options_error(
                what, location, "a URL here may hold only letters, digits and _ . , : + @ % = / -"
            )
        return ArchiveLocation(match.group("scheme"), host, path, url=text)
    if text.startswith("/"):
        problem = mount_point_problem(text)
        if problem:
            raise _options_error(what, location, problem)
        return ArchiveLocation("local", "", text)
    raise _options_error(what, location, _USAGE)


_PLAIN_URL = re.compile(r"[A-Za-z0-9_.,:+@%=/-]+")


def _check_int(value: object, what: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _options_error(what, value, f"a whole number from {low} to {high} is needed")


def _check_pattern(value: str, what: str, pattern: re.Pattern[str], example: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _options_error(what, value, f"not a {what} sysidcfg can take (e.g. {example})")


def _check_ipv4(value: str, what: str) -> None:
    if not isinstance(value, str) or not _IPV4.fullmatch(value):
        raise _options_error(what, value, "an IPv4 address in dotted form is needed (e.g. 192.168.10.20)")


def placeholder_settings(options: PlanOptions) -> list[str]:
    """The settings still at an example value, which the generated files carry as placeholders.

    The destination's IP address and netmask are judged where the sysidcfg is written, because
    they may come from the destination's own inventory.
    """
    left: list[str] = []
    if options.archive_location == EXAMPLE_ARCHIVE_LOCATION:
        left.append("archive_location")
    if options.jumpstart_server == EXAMPLE_JUMPSTART_SERVER:
        left.append("jumpstart_server")
    if not options.root_password_hash:
        left.append("root_password_hash")
    return left


@dataclass
class NicOverride:
    """The user's decision for one zone net (key: zone + source physical + address)."""

    zone: str
    physical: str
    address: str = ""  # empty matches every net of that zone on that physical port
    action: str = "map"  # "map" or "drop"
    target: str = ""  # destination port when action == "map"


@dataclass
class DeviceOverride:
    """The user's decision for one zone ``device`` resource (key: zone + match)."""

    zone: str
    match: str
    action: str = "replace"  # "keep", "replace" or "remove"
    replacement: str = ""


@dataclass
class DiskOverride:
    """Put one planned file system on a chosen destination disk.

    Keys: ``root``, ``swap``, ``zonepaths`` (every zonepath slice), ``zonepaths:/zones2``,
    ``fs:/var`` (a separate global file system), ``zone:<zone>:<dir>`` (a zone ufs fs).
    """

    key: str
    disk: str


# Sizes a user may give, in MB (10 TB: more than any Solaris 10 VTOC slice holds).
SIZE_OVERRIDE_MAX_MB = 10_000_000
ZONE_ROOT_PREFIX = "zoneroot:"


@dataclass
class SizeOverride:
    """The user's size for one planned file system, replacing what the planner worked out or assumed.

    Keys: the layout keys of :class:`DiskOverride` (``root``, ``swap``, ``zonepaths``,
    ``fs:/var``, ``zone:<zone>:<dir>``), and ``zoneroot:<zone>``: one zone's own size where the
    planner can only estimate it (no df -k of the file system holding its zonepath), counted into
    whichever file system holds the zonepath.  SIZE_ASSUMED names the keys whose size was assumed.
    """

    key: str
    size_mb: int


@dataclass
class Overrides:
    nics: list[NicOverride] = field(default_factory=list)
    devices: list[DeviceOverride] = field(default_factory=list)
    disks: list[DiskOverride] = field(default_factory=list)
    sizes: list[SizeOverride] = field(default_factory=list)
    # The default rule: nets with no same-name port go here unless overridden.
    default_nic_target: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Overrides:
        return from_dict(cls, data)


def check_options(options: PlanOptions, *, hostname: str = "host") -> PlanOptions:
    """The options as the generated files need them; SolarisParseError (source "plan options: X") if not.

    Paths are absolute mount points, the JumpStart server a host name or IPv4 address, the archive
    location one of the forms :func:`parse_archive_location` takes, the sysidcfg values what
    sysidcfg can carry (they go unquoted into sysidcfg and the profile), the headrooms 0-500 %.
    """
    where = "plan options"
    for name in ("root_headroom_pct", "slice_headroom_pct", "zonepath_headroom_pct"):
        _check_int(getattr(options, name), name, 0, 500)
    for path, what in (
        (options.archive_dir, "archive_dir"),
        (options.jumpstart_dir, "jumpstart_dir"),
        *(((options.install_image_dir, "install_image_dir"),) if options.install_image_dir else ()),
        *((p, "excluded_paths") for p in options.excluded_paths),
    ):
        check_mount_point(path, source=f"{where}: {what}")
    if not (is_hostname(options.jumpstart_server) or _IPV4.fullmatch(options.jumpstart_server)):
        check_hostname(options.jumpstart_server, source=f"{where}: jumpstart_server")
    location = options.resolved_archive_location(hostname)
    parsed = parse_archive_location(location)
    for part in parsed.profile_words.split(" "):
        word(part, what="archive_location")
    if options.ip_address:
        _check_ipv4(options.ip_address, "ip_address")
    if options.netmask:
        _check_ipv4(options.netmask, "netmask")
    if options.default_route != "NONE":
        _check_ipv4(options.default_route, "default_route")
    _check_pattern(options.timezone, "timezone", _TIMEZONE, "Europe/London or UTC")
    _check_pattern(options.system_locale, "system_locale", _LOCALE, "C or en_US.UTF-8")
    _check_pattern(options.terminal, "terminal", _TERMINAL, "vt100 or xterm")
    if options.name_service not in NAME_SERVICES:
        raise _options_error(
            "name_service",
            options.name_service,
            "the planner writes NONE or DNS; configure NIS, NIS+ or LDAP after the install",
        )
    if options.name_service == "DNS":
        if not is_hostname(options.dns_domain):
            raise _options_error(
                "dns_domain", options.dns_domain, "DNS needs a domain name (e.g. example.com)"
            )
        if not options.dns_servers:
            raise _options_error("dns_servers", options.dns_servers, "DNS needs at least one name server")
        for server in options.dns_servers:
            _check_ipv4(server, "dns_servers")
    if options.root_password_hash:
        _check_pattern(
            options.root_password_hash,
            "root_password_hash",
            _PASSWORD_HASH,
            "the root field of /etc/shadow, 13 or more characters of A-Z a-z 0-9 . / $",
        )
    return options


def check_overrides(overrides: Overrides) -> Overrides:
    """Every name in the user's decisions through names.py (source "plan overrides")."""
    where = "plan overrides"
    for nic in overrides.nics:
        check_zone_name(nic.zone, source=f"{where}: NIC override")
        check_nic_name(nic.physical, source=f"{where}: NIC override")
        check_zonecfg_value(nic.address, source=f"{where}: NIC override")
        if nic.target:
            check_nic_name(nic.target, source=f"{where}: NIC override target")
    for device in overrides.devices:
        check_zone_name(device.zone, source=f"{where}: device override")
        check_device_match(device.match, source=f"{where}: device override")
        if device.replacement:
            check_device_match(device.replacement, source=f"{where}: device override replacement")
    for disk in overrides.disks:
        check_zonecfg_value(disk.key, source=f"{where}: disk override key")
        check_disk_name(disk.disk, source=f"{where}: disk override")
    for size in overrides.sizes:
        check_zonecfg_value(size.key, source=f"{where}: size override key")
        if size.key.startswith(ZONE_ROOT_PREFIX):
            check_zone_name(size.key[len(ZONE_ROOT_PREFIX) :], source=f"{where}: size override key")
        _check_int(size.size_mb, f"size of {size.key}", 1, SIZE_OVERRIDE_MAX_MB)
    if overrides.default_nic_target:
        check_nic_name(overrides.default_nic_target, source=f"{where}: default NIC target")
    return overrides
