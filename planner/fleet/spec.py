"""A host as the generators describe it: :class:`HostSpec` with its NICs, disks and their VTOCs,
SVM metadevices, global mounts and zones (:class:`ZoneSpec`), and the zone kinds a fleet draws
from (one per row of the seed document's results table)."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.solaris.inventory import (
    SPARSE_INHERIT_PKG_DIRS,
    VfstabEntry,
    ZoneAttr,
    ZoneCappedMemory,
    ZoneConfig,
    ZoneDedicatedCpu,
    ZoneDevice,
    ZoneFs,
    ZoneNet,
    ZoneRctl,
)

from .hardware import MODELS, SECTOR, SPARC_KERNELS, X86_KERNELS, ModelInfo

SEED_ROW_KINDS: tuple[str, ...] = (
    "running",  # archives made while a zone runs are incomplete
    "autoboot",  # autoboot=true: the first boot after any post-flar change fails
    "net-same",  # add net on a port type the destination has
    "net-remap",  # add net on a port type the destination lacks: zonecfg remap
    "nfs",  # NFS mount in the zone's own /etc/vfstab: works
    "nfs-zonepath",  # zonepath on an NFS mount: does not work
    "lofs",  # add fs type=lofs: works
    "ufs",  # add fs type=ufs: mount workaround and disk planning
    "svm",  # add fs on an SVM soft partition: fails
    "device",  # add device: changes needed when the hardware differs
    "ready",  # nothing special: migrates as is
)
# Fleets also hold exclusive-IP zones and zones that are only configured.
FLEET_ZONE_KINDS: tuple[str, ...] = (*SEED_ROW_KINDS, "exclusive", "configured")

# --- the host description ---------------------------------------------------------------------


@dataclass
class NicSpec:
    """A physical port: ``dladm show-dev``/``show-link`` and, if plumbed, ``ifconfig -a``."""

    name: str  # bge0
    link: str = "up"  # up / down / unknown
    speed_mbps: int = 1000
    duplex: str = "full"
    mtu: int = 1500
    address: str = ""  # the global zone's IPv4 address on it; "" = not plumbed
    prefix: int = 24
    ether: str = ""  # 0:3:ba:12:34:56
    vlan_id: int = 0  # a tagged VLAN link (PPA = vlan * 1000 + instance) over ``device``
    device: str = ""  # the physical port a VLAN link is on

    @property
    def driver(self) -> str:
        return self.name.rstrip("0123456789")

    @property
    def instance(self) -> int:
        return int(self.name[len(self.driver) :] or 0)


@dataclass
class SliceSpec:
    """One VTOC slice (512-byte sectors), as ``prtvtoc`` prints it."""

    index: int
    tag: int  # 2 root, 3 swap, 5 backup, 7 var, 8 home, 0 unassigned
    flags: str  # "00", "01" (unmountable), "10" (read-only)
    first_sector: int
    sector_count: int
    mount_point: str = ""

    @property
    def last_sector(self) -> int:
        return self.first_sector + self.sector_count - 1


@dataclass
class DiskSpec:
    """A device ``iostat -En`` reports: a disk (with a VTOC), a CD/DVD drive or a tape."""

    name: str  # c1t0d0, or rmt/0 for a tape
    vendor: str
    product: str
    revision: str
    serial: str
    size_bytes: int = 0
    sectors_per_track: int = 0
    tracks_per_cylinder: int = 0
    slices: list[SliceSpec] = field(default_factory=list)
    kind: str = "disk"  # disk / cdrom / tape

    @property
    def sectors_per_cylinder(self) -> int:
        return self.sectors_per_track * self.tracks_per_cylinder

    @property
    def cylinders(self) -> int:
        spc = self.sectors_per_cylinder
        return self.size_bytes // SECTOR // spc if spc else 0

    @property
    def accessible_cylinders(self) -> int:
        return max(self.cylinders - 2, 0)  # two alternate cylinders, as format(1M) labels them

    @property
    def accessible_sectors(self) -> int:
        return self.accessible_cylinders * self.sectors_per_cylinder

    @property
    def has_vtoc(self) -> bool:
        return self.kind == "disk" and self.size_bytes > 0

    def slice(self, index: int) -> SliceSpec | None:
        return next((s for s in self.slices if s.index == index), None)


@dataclass
class MetaSpec:
    """An SVM metadevice, printed by ``metastat -p`` in md.tab form."""

    name: str  # d10
    kind: str  # mirror / stripe / concat / softpart
    components: list[str]  # submirrors (mirror), slices (stripe: one row; concat: one per row)
    extents: list[tuple[int, int]] = field(default_factory=list)  # softpart (offset, blocks)
    interlace_blocks: int = 0  # stripe with more than one component
    pass_number: int = 1  # mirror

    @property
    def blocks(self) -> int:
        return sum(count for _offset, count in self.extents)


@dataclass
class MountSpec:
    """A global-zone file system: a line of ``/etc/vfstab`` and, when mounted, of ``df -k``."""

    device: str  # /dev/md/dsk/d10, /dev/dsk/c1t0d0s6, nas01:/export/zones, /dev/dsk/c1t0d0s1
    mount_point: str  # "-" for swap
    fstype: str  # ufs, nfs, swap, lofs
    fsck_device: str = "-"
    fsck_pass: str = "-"  # noqa: S105 - the vfstab column, not a password
    at_boot: str = "yes"
    options: str = "-"
    kbytes: int = 0
    used: int = 0
    avail: int = 0


@dataclass
class ZoneSpec:
    """A non-global zone: its configuration, state and its own vfstab additions."""

    name: str
    state: str = "installed"  # configured / incomplete / installed / ready / running
    zonepath: str = ""  # default /zones/<name>
    autoboot: bool = False
    ip_type: str = "shared"  # shared / exclusive
    sparse: bool = True  # plain create (inherit-pkg-dirs) or create -b (whole root)
    brand: str = "native"
    pool: str = ""
    limitpriv: str = ""
    bootargs: str = ""
    scheduling_class: str = ""
    fs: list[ZoneFs] = field(default_factory=list)
    nets: list[ZoneNet] = field(default_factory=list)
    devices: list[ZoneDevice] = field(default_factory=list)
    rctls: list[ZoneRctl] = field(default_factory=list)
    attrs: list[ZoneAttr] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    dedicated_cpu: ZoneDedicatedCpu | None = None
    capped_memory: ZoneCappedMemory | None = None  # only ``physical`` is used
    vfstab: list[VfstabEntry] = field(default_factory=list)  # beyond the standard zone lines
    uuid: str = ""
    zoneid: int | None = None  # set for ready/running zones
    purpose: str = ""  # the SEED_ROW_KINDS / FLEET_ZONE_KINDS entry it exercises

    def __post_init__(self) -> None:
        if not self.zonepath:
            self.zonepath = f"/zones/{self.name}"

    @property
    def is_up(self) -> bool:
        return self.state in ("ready", "running")

    @property
    def has_root(self) -> bool:
        return self.state not in ("configured", "incomplete")

    @property
    def inherit_pkg_dirs(self) -> list[str]:
        return list(SPARSE_INHERIT_PKG_DIRS) if self.sparse else []

    def config(self) -> ZoneConfig:
        """The zone's configuration, as ``zonecfg export`` and ``/etc/zones/<zone>.xml`` hold it."""
        return ZoneConfig(
            name=self.name,
            zonepath=self.zonepath,
            brand=self.brand,
            autoboot=self.autoboot,
            ip_type=self.ip_type,
            pool=self.pool,
            limitpriv=self.limitpriv,
            bootargs=self.bootargs,
            scheduling_class=self.scheduling_class,
            create_mode="sparse" if self.sparse else "whole",
            inherit_pkg_dirs=self.inherit_pkg_dirs,
            fs=list(self.fs),
            nets=list(self.nets),
            devices=list(self.devices),
            rctls=list(self.rctls),
            attrs=list(self.attrs),
            datasets=list(self.datasets),
            dedicated_cpu=self.dedicated_cpu,
            capped_memory=self.capped_memory,
        )


@dataclass
class HostSpec:
    """Everything :func:`render_bundle` needs to write one host's bundle."""

    hostname: str
    model: str  # key into MODELS
    kernel: str = ""  # uname -v; default by architecture
    memory_mb: int = 0  # 0: the model's default
    nics: list[NicSpec] = field(default_factory=list)
    disks: list[DiskSpec] = field(default_factory=list)
    metadevices: list[MetaSpec] = field(default_factory=list)
    mounts: list[MountSpec] = field(default_factory=list)  # beyond the pseudo file systems
    zones: list[ZoneSpec] = field(default_factory=list)
    collected_at: str = "20240115093000"  # YYYYmmddHHMMSS, names the tar
    role: str = "source"  # source / destination
    release: str = ""  # the Solaris 10 update in /etc/release; "" = the one whose kernel it runs
    cluster: str = "SUNWCXall"  # /var/sadm/system/admin/CLUSTER

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; known: {', '.join(MODELS)}")
        if not self.kernel:
            self.kernel = X86_KERNELS[2] if self.info.machine == "i86pc" else SPARC_KERNELS[2]
        if not self.memory_mb:
            self.memory_mb = self.info.memory_mb

    @property
    def info(self) -> ModelInfo:
        return MODELS[self.model]

    def zone(self, name: str) -> ZoneSpec:
        for zone in self.zones:
            if zone.name == name:
                return zone
        raise KeyError(name)

    def nic(self, name: str) -> NicSpec | None:
        return next((n for n in self.nics if n.name == name), None)

    @property
    def physical_nics(self) -> list[NicSpec]:
        return [n for n in self.nics if not n.vlan_id]

    def disk(self, name: str) -> DiskSpec | None:
        return next((d for d in self.disks if d.name == name), None)


def listed_zones(host: HostSpec) -> list[ZoneSpec]:
    """zoneadm's order: running zones by zone id, then the others as configured."""
    up = sorted((z for z in host.zones if z.zoneid is not None), key=lambda z: z.zoneid or 0)
    return [*up, *(z for z in host.zones if z.zoneid is None)]
