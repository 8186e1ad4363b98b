"""What the user tells the planner: sizing options and per-resource decisions.

These are plain inputs to :func:`planner.domain.plan.compute_plan`; the web app keeps
them as JSON next to a plan and rebuilds them with :meth:`Overrides.from_dict`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
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
# The ways a zone can move (docs/findings.md, "Routes"), in the order ties are broken.
ROUTE_METHODS = ("flar", "detach_attach", "s10_branded")


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


# --- the settings a user edits (the plan's Settings tab, the team's defaults, the API) -------------


@dataclass(frozen=True)
class Setting:
    """One plan setting: how it is edited, what it is for and what on Solaris reads it."""

    name: str
    label: str
    group: str
    kind: str  # "text", "int" (per cent), "choice", "list" (IPv4 addresses), "secret" (write-only)
    help: str
    team_default: bool = True  # whether a team may give it a default
    choices: tuple[str, ...] = ()
    example: str = ""


_ARCHIVE = "Archive and JumpStart"
_SYSID = "sysidcfg (the destination's identity at install time)"
_SIZES = "Sizes of the destination's file systems"

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "archive_location",
        "Archive location",
        _ARCHIVE,
        "text",
        "Where the destination reads the flash archive during the install: the JumpStart profile's "
        "archive_location keyword (nfs server:/path, or the http:// or https:// URL). Write "
        "nfs://server/path, 'nfs server:/path', server:/path or a URL; {hostname} becomes the source "
        "host's name. The runbook copies the archive there and, for NFS, shares its directory read-only.",
        example="nfs://flar01/export/flar/{hostname}.flar",
    ),
    Setting(
        "jumpstart_server",
        "JumpStart server",
        _ARCHIVE,
        "text",
        "The JumpStart and install server (host name or IPv4 address). The runbook makes the install "
        "image and shares the JumpStart directory there, and registers the destination with "
        "add_install_client -c <server>:<JumpStart directory> -p <server>:<JumpStart directory>/sysidcfg/"
        "<destination>.",
        example="js01",
    ),
    Setting(
        "jumpstart_dir",
        "JumpStart directory",
        _ARCHIVE,
        "text",
        "The JumpStart directory on that server: rules, rules.ok, the profile and the finish script sit at "
        "its top, sysidcfg in sysidcfg/<destination>/. The installer mounts it and finds it as "
        "${SI_CONFIG_DIR}; the runbook shares it read-only (share -F nfs -o ro,anon=0).",
        example="/jumpstart",
    ),
    Setting(
        "install_image_dir",
        "Install image",
        _ARCHIVE,
        "text",
        "The install image on the JumpStart server, made with setup_install_server from the media of the "
        "archive's own Solaris 10 update; add_install_client runs from its Solaris_10/Tools. Blank: "
        "/export/install/<build of that media>, e.g. /export/install/s10s_u8wos_08a.",
        example="/export/install/s10s_u8wos_08a",
    ),
    Setting(
        "ip_address",
        "IP address",
        _SYSID,
        "text",
        "sysidcfg network_interface=<port> {... ip_address=...}: the destination's address on its install "
        "network. Blank: the destination's own address from its inventory (a catalog or spec "
        "destination has none, and sysidcfg keeps a REPLACE-ME placeholder). Set per plan only.",
        team_default=False,
        example="192.168.10.50",
    ),
    Setting(
        "netmask",
        "Netmask",
        _SYSID,
        "text",
        "sysidcfg network_interface {... netmask=...}. Blank: the destination's own netmask, else the "
        "source's, else 255.255.255.0 (then listed as a placeholder).",
        example="255.255.255.0",
    ),
    Setting(
        "default_route",
        "Default route",
        _SYSID,
        "text",
        "sysidcfg network_interface {... default_route=...}: the router's IPv4 address, or NONE.",
        example="192.168.10.1",
    ),
    Setting(
        "timezone",
        "Time zone",
        _SYSID,
        "text",
        "sysidcfg timezone=: a time zone name such as UTC, Europe/London or US/Pacific.",
        example="Europe/London",
    ),
    Setting(
        "system_locale",
        "Locale",
        _SYSID,
        "text",
        "sysidcfg system_locale=: C, or a locale the installed software group holds (e.g. en_US.UTF-8).",
        example="en_US.UTF-8",
    ),
    Setting(
        "terminal",
        "Terminal",
        _SYSID,
        "text",
        "sysidcfg terminal=: the console's terminal type (vt100, xterm, sun...).",
        example="vt100",
    ),
    Setting(
        "name_service",
        "Name service",
        _SYSID,
        "choice",
        "sysidcfg name_service=: NONE, or DNS with the domain and servers below. NIS, NIS+ and LDAP are "
        "configured after the install.",
        choices=NAME_SERVICES,
    ),
    Setting(
        "dns_domain",
        "DNS domain",
        _SYSID,
        "text",
        "With DNS: sysidcfg name_service=DNS {domain_name=... search=...}.",
        example="example.com",
    ),
    Setting(
        "dns_servers",
        "DNS servers",
        _SYSID,
        "list",
        "With DNS: sysidcfg name_service=DNS {name_server=...}, IPv4 addresses separated by commas.",
        example="192.168.10.2, 192.168.10.3",
    ),
    Setting(
        "root_password_hash",
        "Root password hash",
        _SYSID,
        "secret",
        "sysidcfg root_password=: the encrypted root password, the second field of root's line in "
        "/etc/shadow (on the source: nawk -F: '$1 == \"root\" { print $2 }' /etc/shadow). Write-only: "
        "it is never shown again; the sysidcfg download carries it, as the installer needs it.",
    ),
    Setting(
        "root_headroom_pct",
        "Root headroom (%)",
        _SIZES,
        "int",
        "The root file system: the source's used space of / (df -k) plus this many per cent. The "
        "profile's filesys line for / gets the size.",
        example="20",
    ),
    Setting(
        "slice_headroom_pct",
        "Zone slice headroom (%)",
        _SIZES,
        "int",
        "Each zone ufs slice: the source slice (prtvtoc) plus this many per cent (profile filesys lines).",
        example="10",
    ),
    Setting(
        "zonepath_headroom_pct",
        "Zonepaths headroom (%)",
        _SIZES,
        "int",
        "The zonepaths slice: the zonepaths' used space (df -k) plus this many per cent.",
        example="20",
    ),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}
SETTING_NAMES = tuple(SETTINGS_BY_NAME)
TEAM_SETTING_NAMES = tuple(s.name for s in SETTINGS if s.team_default)
SECRET_SETTING = "root_password_hash"  # noqa: S105 (a setting name, not a password)

# Where a setting's value comes from.
SOURCE_PLAN = "plan"
SOURCE_TEAM = "team"
SOURCE_DEFAULT = "default"


def effective_options(team: Mapping[str, Any], plan: Mapping[str, Any]) -> PlanOptions:
    """A plan's options: its own values over its team's defaults over :class:`PlanOptions`' defaults.

    The layers hold only the values set there (the web app stores them as JSON).  The team layer
    gives only the settings a team may default (``TEAM_SETTING_NAMES``); the plan layer may also
    hold options the settings page does not edit (``excluded_paths``...), kept as they are.
    """
    merged = {name: value for name, value in team.items() if name in TEAM_SETTING_NAMES}
    merged.update(plan)
    return PlanOptions.from_dict(merged)


def setting_source(name: str, *, team: Mapping[str, Any], plan: Mapping[str, Any]) -> str:
    """``plan`` (set on the plan), ``team`` (the team's default) or ``default`` (the planner's)."""
    if name in plan:
        return SOURCE_PLAN
    if name in team and name in TEAM_SETTING_NAMES:
        return SOURCE_TEAM
    return SOURCE_DEFAULT


def public_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options as reports, pages and the API show them: the root password hash replaced by
    ``root_password_hash_set`` (whether one is set), never the hash itself."""
    shown = {name: value for name, value in options.items() if name != SECRET_SETTING}
    if SECRET_SETTING in options:
        shown["root_password_hash_set"] = bool(options[SECRET_SETTING])
    return shown


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
class RouteOverride:
    """The user's pin of one zone to a route (``flar``, ``detach_attach`` or ``s10_branded``)."""

    zone: str
    method: str


@dataclass
class Overrides:
    nics: list[NicOverride] = field(default_factory=list)
    devices: list[DeviceOverride] = field(default_factory=list)
    disks: list[DiskOverride] = field(default_factory=list)
    routes: list[RouteOverride] = field(default_factory=list)
    sizes: list[SizeOverride] = field(default_factory=list)
    # The default rule: nets with no same-name port go here unless overridden.
    default_nic_target: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Overrides:
        return from_dict(cls, data)


def _setting_checks(options: PlanOptions, hostname: str) -> list[tuple[str, Callable[[], object]]]:
    """Each setting's check, in the order :func:`check_options` runs them: (setting name, check).

    A check raises SolarisParseError (source "plan options: <setting>") or returns.  The one place
    the settings' rules are written: :func:`check_options` stops at the first problem, and
    :func:`settings_problems` (the settings page and the API) collects one per setting.
    """
    where = "plan options"

    def path_check(path: str, what: str) -> Callable[[], object]:
        return lambda: check_mount_point(path, source=f"{where}: {what}")

    def jumpstart_server() -> None:
        if not (is_hostname(options.jumpstart_server) or _IPV4.fullmatch(str(options.jumpstart_server))):
            check_hostname(options.jumpstart_server, source=f"{where}: jumpstart_server")

    def archive_location() -> None:
        location = options.resolved_archive_location(hostname)
        parsed = parse_archive_location(location)
        for part in parsed.profile_words.split(" "):
            try:
                word(part, what="archive_location")
            except SolarisParseError as exc:
                raise SolarisParseError(exc.message, source=f"{where}: archive_location") from exc

    def name_service() -> None:
        if options.name_service not in NAME_SERVICES:
            raise _options_error(
                "name_service",
                options.name_service,
                "the planner writes NONE or DNS; configure NIS, NIS+ or LDAP after the install",
            )

    def dns_domain() -> None:
        if options.name_service == "DNS" and not is_hostname(options.dns_domain):
            raise _options_error(
                "dns_domain", options.dns_domain, "DNS needs a domain name (e.g. example.com)"
            )

    def dns_servers() -> None:
        if options.name_service != "DNS":
            return
        if not options.dns_servers:
            raise _options_error("dns_servers", options.dns_servers, "DNS needs at least one name server")
        for server in options.dns_servers:
            _check_ipv4(server, "dns_servers")

    def root_password_hash() -> None:
        # The hash is never echoed back, not even in an error.
        value = options.root_password_hash
        if value and (not isinstance(value, str) or not _PASSWORD_HASH.fullmatch(value)):
            raise SolarisParseError(
                "root_password_hash cannot be used: not the root field of /etc/shadow (13 or more "
                "characters of A-Z a-z 0-9 . / $)",
                source=f"{where}: root_password_hash",
            )

    def headroom(name: str) -> Callable[[], object]:
        return lambda: _check_int(getattr(options, name), name, 0, 500)

    checks: list[tuple[str, Callable[[], object]]] = [
        (name, headroom(name))
        for name in ("root_headroom_pct", "slice_headroom_pct", "zonepath_headroom_pct")
    ]
    checks += [
        ("archive_dir", path_check(options.archive_dir, "archive_dir")),
        ("jumpstart_dir", path_check(options.jumpstart_dir, "jumpstart_dir")),
    ]
    if options.install_image_dir:
        checks.append(("install_image_dir", path_check(options.install_image_dir, "install_image_dir")))
    checks += [("excluded_paths", path_check(p, "excluded_paths")) for p in options.excluded_paths]
    checks += [("jumpstart_server", jumpstart_server), ("archive_location", archive_location)]
    if options.ip_address:
        checks.append(("ip_address", lambda: _check_ipv4(options.ip_address, "ip_address")))
    if options.netmask:
        checks.append(("netmask", lambda: _check_ipv4(options.netmask, "netmask")))
    if options.default_route != "NONE":
        checks.append(("default_route", lambda: _check_ipv4(options.default_route, "default_route")))
    checks += [
        ("timezone", lambda: _check_pattern(options.timezone, "timezone", _TIMEZONE, "Europe/London or UTC")),
        (
            "system_locale",
            lambda: _check_pattern(options.system_locale, "system_locale", _LOCALE, "C or en_US.UTF-8"),
        ),
        ("terminal", lambda: _check_pattern(options.terminal, "terminal", _TERMINAL, "vt100 or xterm")),
        ("name_service", name_service),
        ("dns_domain", dns_domain),
        ("dns_servers", dns_servers),
        ("root_password_hash", root_password_hash),
    ]
    return checks


def check_options(options: PlanOptions, *, hostname: str = "host") -> PlanOptions:
    """The options as the generated files need them; SolarisParseError (source "plan options: X") if not.

    Paths are absolute mount points, the JumpStart server a host name or IPv4 address, the archive
    location one of the forms :func:`parse_archive_location` takes, the sysidcfg values what
    sysidcfg can carry (they go unquoted into sysidcfg and the profile), the headrooms 0-500 %.
    """
    for _name, check in _setting_checks(options, hostname):
        check()
    return options


def settings_problems(options: PlanOptions, *, hostname: str = "host") -> dict[str, str]:
    """Setting name -> what is wrong with it (the first problem of each), by :func:`check_options`' rules.

    An empty dict when every setting can be used.  The messages name the setting and never show
    the root password hash.
    """
    problems: dict[str, str] = {}
    for name, check in _setting_checks(options, hostname):
        if name in problems:
            continue
        try:
            check()
        except SolarisParseError as exc:
            problems[name] = exc.message
    return problems


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
    for route in overrides.routes:
        check_zone_name(route.zone, source=f"{where}: route pin")
        if route.method not in ROUTE_METHODS:
            raise SolarisParseError(
                f"unknown route {str(route.method)[:40]!r}; the routes are {', '.join(ROUTE_METHODS)}",
                source=f"{where}: route pin",
            )
    return overrides
