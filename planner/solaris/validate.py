"""Whole-record checks: every name in a ZoneConfig or a HostInventory through names.py.

The line-by-line readers check each value where they read it (so the error names
the line).  These functions check a finished record: the zone XML reader (whose
parser keeps no line numbers), inventories rebuilt from stored JSON or a catalog
entry, and the domain's own entry point, so nothing that skipped a reader reaches
a generated file unchecked.
"""

from __future__ import annotations

from .inventory import HostInventory, ZoneConfig
from .limits import (
    MAX_DEVICES,
    MAX_DF_ROWS,
    MAX_DISKS,
    MAX_INTERFACES,
    MAX_METADEVICES,
    MAX_NICS,
    MAX_RESOURCES_PER_ZONE,
    MAX_SLICES_PER_DISK,
    MAX_VFSTAB_LINES,
    MAX_VTOCS,
    MAX_ZONES,
    check_count,
)
from .names import (
    check_device_match,
    check_disk_name,
    check_hostname,
    check_interface_name,
    check_iostat_device,
    check_listed_zone_name,
    check_mount_point,
    check_nic_name,
    check_path_word,
    check_zone_name,
    check_zonecfg_property,
    check_zonecfg_value,
)


def zone_resource_count(cfg: ZoneConfig) -> int:
    return (
        len(cfg.fs)
        + len(cfg.nets)
        + len(cfg.devices)
        + len(cfg.rctls)
        + len(cfg.attrs)
        + len(cfg.datasets)
        + len(cfg.inherit_pkg_dirs)
        + len(cfg.admins)
    )


def check_zone_config(cfg: ZoneConfig, *, source: str) -> ZoneConfig:
    """Every value of ``cfg`` as the zonecfg readers check it; the resource count capped."""
    check_count(zone_resource_count(cfg), MAX_RESOURCES_PER_ZONE, "resources in one zone", source=source)
    if cfg.name:
        check_zone_name(cfg.name, source=source)

    def prop(resource: str, name: str, value: str) -> None:
        check_zonecfg_property(resource, name, value, source=source)

    for name, value in (
        ("zonepath", cfg.zonepath),
        ("brand", cfg.brand),
        ("ip-type", cfg.ip_type),
        ("pool", cfg.pool),
        ("limitpriv", cfg.limitpriv),
        ("bootargs", cfg.bootargs),
        ("scheduling-class", cfg.scheduling_class),
        ("hostid", cfg.hostid),
        ("fs-allowed", cfg.fs_allowed),
        ("template", cfg.template),
        ("attach", cfg.attach_path),
    ):
        prop("", name, value)
    for key, value in cfg.extra_properties.items():
        check_zonecfg_value(key, source=source)
        prop("", key, value)
    for directory in cfg.inherit_pkg_dirs:
        prop("inherit-pkg-dir", "dir", directory)
    for fs in cfg.fs:
        for name, value in (("dir", fs.dir), ("special", fs.special), ("raw", fs.raw), ("type", fs.type)):
            prop("fs", name, value)
        for option in fs.options:
            prop("fs", "options", option)
    for net in cfg.nets:
        prop("net", "physical", net.physical)
        for name, value in (
            ("address", net.address),
            ("defrouter", net.defrouter),
            ("allowed-address", net.allowed_address),
        ):
            prop("net", name, value)
    for device in cfg.devices:
        prop("device", "match", device.match)
    for rctl in cfg.rctls:
        prop("rctl", "name", rctl.name)
        for rctl_value in rctl.values:
            for text in (rctl_value.priv, rctl_value.limit, rctl_value.action):
                prop("rctl", "value", text)
    for attr in cfg.attrs:
        for name, text in (("name", attr.name), ("type", attr.type), ("value", attr.value)):
            prop("attr", name, text)
    for dataset in cfg.datasets:
        prop("dataset", "name", dataset)
    for admin in cfg.admins:
        prop("admin", "user", admin.user)
        prop("admin", "auths", admin.auths)
    for text in (
        cfg.dedicated_cpu.ncpus if cfg.dedicated_cpu else "",
        cfg.dedicated_cpu.importance if cfg.dedicated_cpu else "",
        cfg.capped_cpu.ncpus if cfg.capped_cpu else "",
        cfg.capped_memory.physical if cfg.capped_memory else "",
        cfg.capped_memory.swap if cfg.capped_memory else "",
        cfg.capped_memory.locked if cfg.capped_memory else "",
    ):
        check_zonecfg_value(text, source=source)
    return cfg


def check_inventory(inventory: HostInventory, *, source: str) -> HostInventory:
    """Every name in ``inventory``: what the readers check, for inventories that did not come through them.

    A stored inventory (JSON in the database), a catalog entry or a hand-built one
    gets the same boundary as an upload.  Raises SolarisParseError naming ``source``.
    """
    inv = inventory
    if inv.hostname:
        check_hostname(inv.hostname, source=source)
    check_count(len(inv.nics), 2 * MAX_NICS, "data links", source=source)
    check_count(len(inv.interfaces), MAX_INTERFACES, "IP interfaces", source=source)
    check_count(len(inv.disks), MAX_DISKS, "disks", source=source)
    check_count(len(inv.vtocs), MAX_VTOCS, "prtvtoc disks", source=source)
    check_count(len(inv.zones), MAX_ZONES, "zones", source=source)
    check_count(len(inv.zone_index), MAX_ZONES + 1, "zone index lines", source=source)
    check_count(len(inv.devices), MAX_DEVICES, "devices", source=source)
    check_count(len(inv.vfstab), MAX_VFSTAB_LINES, "vfstab lines", source=source)
    check_count(len(inv.df), MAX_DF_ROWS, "df -k rows", source=source)
    check_count(len(inv.metadevices), MAX_METADEVICES, "metadevices", source=source)
    for nic in inv.nics:
        check_nic_name(nic.name, source=source)
    for interface in inv.interfaces:
        check_interface_name(interface.name, source=source)
        if interface.zone:
            check_listed_zone_name(interface.zone, source=source)
    for disk in inv.disks:
        check_iostat_device(disk.name, source=source)
    for vtoc in inv.vtocs:
        check_disk_name(vtoc.disk, source=source)
        check_count(len(vtoc.slices), MAX_SLICES_PER_DISK, f"slices on {vtoc.disk}", source=source)
        for vslice in vtoc.slices:
            if vslice.mount_point:
                check_mount_point(vslice.mount_point, source=source)
    for device in inv.devices:
        check_device_match(device, source=source)
    for entry in inv.vfstab:
        _check_vfstab(entry.device, entry.fsck_device, entry.mount_point, entry.fstype, entry.options, source)
    for index_entry in inv.zone_index:
        check_listed_zone_name(index_entry.name, source=source)
        check_mount_point(index_entry.zonepath, source=source)
    for zone in inv.zones:
        check_zone_name(zone.name, source=source)
        if zone.listed is not None and zone.listed.zonepath:
            check_mount_point(zone.listed.zonepath, source=source)
        if zone.config is not None:
            check_zone_config(zone.config, source=f"{source}: zone {zone.name}")
        for entry in zone.vfstab:
            _check_vfstab(
                entry.device, entry.fsck_device, entry.mount_point, entry.fstype, entry.options, source
            )
    return inventory


def _check_vfstab(
    device: str, fsck_device: str, mount_point: str, fstype: str, options: str, source: str
) -> None:
    for value, what in (
        (device, "device to mount"),
        (fsck_device, "device to fsck"),
        (fstype, "FS type"),
        (options, "mount options"),
    ):
        if value:
            check_path_word(value, what=what, source=source)
    if mount_point not in ("", "-"):  # "-": vfstab's own "none" (swap lines)
        check_mount_point(mount_point, source=source)
