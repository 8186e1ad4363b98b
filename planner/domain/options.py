"""What the user tells the planner: sizing options and per-resource decisions.

These are plain inputs to :func:`planner.domain.plan.compute_plan`; the web app keeps
them as JSON next to a plan and rebuilds them with :meth:`Overrides.from_dict`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from planner.domain.quoting import word
from planner.solaris.inventory import from_dict
from planner.solaris.names import (
    check_device_match,
    check_disk_name,
    check_hostname,
    check_mount_point,
    check_nic_name,
    check_zone_name,
    check_zonecfg_value,
)

NIC_ACTIONS = ("map", "drop")
DEVICE_ACTIONS = ("keep", "replace", "remove")


@dataclass
class PlanOptions:
    root_headroom_pct: int = 20  # root fs = source used (df -k of /) + headroom
    slice_headroom_pct: int = 10  # each zone ufs slice = source slice (prtvtoc) + headroom
    zonepath_headroom_pct: int = 20  # zonepaths slice = sum of zonepath used space + headroom
    spread_nics: bool = False  # spread zones over candidate ports only when asked
    archive_location: str = "nfs://archive-server/export/flar/{hostname}.flar"
    archive_dir: str = "/export/flar"  # where flarcreate writes on the source, excluded with -x
    excluded_paths: list[str] = field(default_factory=list)
    compress: bool = True
    # Where the JumpStart configuration lives (only used to write the runbook's commands).
    jumpstart_server: str = "jumpstart-server"
    jumpstart_dir: str = "/jumpstart"
    install_image_dir: str = "/export/install/s10"
    timezone: str = "UTC"

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


@dataclass
class Overrides:
    nics: list[NicOverride] = field(default_factory=list)
    devices: list[DeviceOverride] = field(default_factory=list)
    disks: list[DiskOverride] = field(default_factory=list)
    # The default rule: nets with no same-name port go here unless overridden.
    default_nic_target: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Overrides:
        return from_dict(cls, data)


def check_options(options: PlanOptions, *, hostname: str = "host") -> PlanOptions:
    """The options as the generated files need them; SolarisParseError (source "plan options") if not.

    Paths are absolute mount points, the JumpStart server a host name, the timezone and the
    resolved archive location plain words (they go unquoted into sysidcfg and the profile).
    """
    where = "plan options"
    for path, what in (
        (options.archive_dir, "archive_dir"),
        (options.jumpstart_dir, "jumpstart_dir"),
        (options.install_image_dir, "install_image_dir"),
        *((p, "excluded_paths") for p in options.excluded_paths),
    ):
        check_mount_point(path, source=f"{where}: {what}")
    check_hostname(options.jumpstart_server, source=f"{where}: jumpstart_server")
    word(options.timezone, what="timezone")
    word(options.resolved_archive_location(hostname), what="archive_location")
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
    if overrides.default_nic_target:
        check_nic_name(overrides.default_nic_target, source=f"{where}: default NIC target")
    return overrides
