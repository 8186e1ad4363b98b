"""What has to happen to each zone, gathered once for the rules and the runbook.

The rules turn this into findings; the runbook and the scripts turn it into commands.
Keeping one model means a finding's remedy and the finish script cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.domain.devicemap import DeviceMapping
from planner.domain.facts import (
    INSTALLED_STATES,
    RUNNING_STATES,
    autoboot_of,
    brand_of,
    ip_type_of,
    mount_for,
    nonglobal_zones,
    zone_root_path,
    zone_state,
    zonepath_of,
)
from planner.domain.layout import LayoutPlan, UnplacedFs, zone_ufs_key
from planner.domain.nicmap import NicMapping
from planner.solaris.inventory import HostInventory, VfstabEntry, ZoneFs


@dataclass
class UfsMove:
    """A zone-private ufs file system and where it lands on the destination."""

    directory: str  # inside the zone: /opt/local
    source_special: str  # /dev/dsk/c1t1d0s0
    source_raw: str
    mount_point: str  # from the global zone: /zones/z-ufs/root/opt/local
    dest_special: str = ""  # "" when the layout could not place it
    dest_raw: str = ""
    size_mb: int = 0
    unplaced: UnplacedFs | None = None

    @property
    def placed(self) -> bool:
        return bool(self.dest_special)

    @property
    def special_changes(self) -> bool:
        """The destination slice differs from the one in the zone's configuration."""
        return self.placed and self.dest_special != self.source_special

    @property
    def source_raw_or_derived(self) -> str:
        return self.source_raw or self.source_special.replace("/dev/dsk/", "/dev/rdsk/", 1)


@dataclass
class ZoneWork:
    name: str
    zonepath: str
    state: str
    autoboot: bool
    ip_type: str
    brand: str
    nets: list[NicMapping] = field(default_factory=list)
    devices: list[DeviceMapping] = field(default_factory=list)
    ufs: list[UfsMove] = field(default_factory=list)
    lofs: list[ZoneFs] = field(default_factory=list)
    nfs_fs: list[ZoneFs] = field(default_factory=list)  # zonecfg fs of type nfs
    nfs_vfstab: list[VfstabEntry] = field(default_factory=list)  # NFS lines of the zone's vfstab
    zfs_fs: list[ZoneFs] = field(default_factory=list)  # zonecfg fs of type zfs
    zfs_datasets: list[str] = field(default_factory=list)  # zonecfg add dataset
    zonepath_dataset: str = ""  # the ZFS dataset the zonepath is on ("" for ufs)
    root_pool: str = ""  # the source's ZFS root pool, whose datasets a ZFS-root archive carries

    def in_root_pool(self, dataset: str) -> bool:
        return bool(self.root_pool) and (
            dataset == self.root_pool or dataset.startswith(self.root_pool + "/")
        )

    @property
    def waits_for_zfs(self) -> list[str]:
        """Datasets the destination must receive before this zone can boot (ZFS_DATASET, FS_ZFS).

        Datasets of a ZFS root pool come with a ZFS-root archive and are not waited for.
        """
        datasets = [*self.zfs_datasets, *(fs.special for fs in self.zfs_fs)]
        return [d for d in datasets if not self.in_root_pool(d)]

    @property
    def installed(self) -> bool:
        return self.state in INSTALLED_STATES

    @property
    def must_halt(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def boot_on_destination(self) -> bool:
        """Up after the migration if it ran on the source or boots by itself (autoboot)."""
        return self.installed and (self.state == "running" or self.autoboot)

    @property
    def net_changes(self) -> list[NicMapping]:
        return [r for r in self.nets if r.needs_change]

    @property
    def device_changes(self) -> list[DeviceMapping]:
        return [r for r in self.devices if r.needs_change]

    def post_extraction_reasons(self) -> list[str]:
        """The changes this zone needs after the archive is extracted, in words."""
        reasons: list[str] = []
        for r in self.nets:
            if r.action == "drop":
                reasons.append(f"drop net {r.physical}")
            elif r.action == "map" or r.status != "ok":
                reasons.append(
                    f"NIC remap of {r.physical}" + (f" to {r.chosen_target}" if r.chosen_target else "")
                )
        for d in self.devices:
            if d.action == "replace":
                reasons.append(f"device remap of {d.match}")
            elif d.action == "remove":
                reasons.append(f"device removal of {d.match}")
        for u in self.ufs:
            reasons.append(f"zone-private ufs {u.directory}")
        for dataset in self.waits_for_zfs:
            reasons.append(f"ZFS dataset {dataset} to receive")
        return reasons


def build_zone_work(
    source: HostInventory,
    nic_rows: list[NicMapping],
    device_rows: list[DeviceMapping],
    layout: LayoutPlan,
    root_pool: str = "",
) -> list[ZoneWork]:
    out: list[ZoneWork] = []
    for zone in nonglobal_zones(source):
        zp = zonepath_of(zone, source)
        work = ZoneWork(
            name=zone.name,
            zonepath=zp,
            state=zone_state(zone),
            autoboot=autoboot_of(zone),
            ip_type=ip_type_of(zone),
            brand=brand_of(zone),
            nets=[r for r in nic_rows if r.zone == zone.name],
            devices=[d for d in device_rows if d.zone == zone.name],
            nfs_vfstab=[v for v in zone.vfstab if v.fstype == "nfs"],
            root_pool=root_pool,
        )
        m = mount_for(source, zp) if zp else None
        if m is not None and m.fstype == "zfs":
            work.zonepath_dataset = m.device
        if zone.config is not None:
            work.zfs_datasets = list(zone.config.datasets)
            for fs in zone.config.fs:
                if fs.type == "lofs":
                    work.lofs.append(fs)
                elif fs.type == "nfs":
                    work.nfs_fs.append(fs)
                elif fs.type == "zfs":
                    work.zfs_fs.append(fs)
                elif fs.type == "ufs":
                    key = zone_ufs_key(zone.name, fs.dir)
                    placed = layout.slice_for(key)
                    planned = next((p for p in layout.planned if p.key == key), None)
                    work.ufs.append(
                        UfsMove(
                            directory=fs.dir,
                            source_special=fs.special,
                            source_raw=fs.raw,
                            mount_point=zone_root_path(zp, fs.dir),
                            dest_special=placed.device if placed else "",
                            dest_raw=placed.raw_device if placed else "",
                            size_mb=planned.size_mb if planned else 0,
                            unplaced=layout.unplaced_for(key),
                        )
                    )
        out.append(work)
    return out
