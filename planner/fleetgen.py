"""Write synthetic collector bundles: demo hosts, the seed-row test host and benchmark fleets.

A :class:`HostSpec` describes one Solaris 10 global zone (model, NICs, disks and
their VTOCs, SVM metadevices, global mounts, zones).  :func:`render_bundle`
turns it into the files ``scripts/zflar-collect`` would gather, byte for byte
in the formats Solaris 10 prints (``zoneadm list -cvp``, ``zonecfg export`` in
the Solaris 10 order, ``/etc/zones/<zone>.xml``, ``dladm show-dev``/``show-link``,
``ifconfig -a``, ``iostat -En``, ``prtvtoc``, ``metastat -p``, ``df -k``, vfstabs).
:func:`write_bundle` writes them as a folder, :func:`write_bundle_tar` as the
``.tar`` with one top folder that the collector makes.

Everything is deterministic: the same arguments (and seed) give the same bytes.
Pure Python, no Django: the demo command, the benchmark and the tests share it.

Entry points:

* :func:`seed_rows_host` - one source host with one zone per row of the
  "Flash Archive of a zoned system" results table (running zone, autoboot,
  same/different NIC, NFS in a zone, zonepath on NFS, lofs, ufs, SVM, devices)
  plus a clean zone; :func:`identical_destination` and
  :func:`different_destination` are the two targets to plan it against.
* :func:`fleet` / :func:`fleet_destinations` - large varied fleets.
* :func:`demo_fleet` - a handful of realistic bundles for ``make run``.
"""

from __future__ import annotations

import io
import math
import random
import tarfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import quoteattr

from planner.domain.releases import find_update
from planner.solaris.inventory import (
    SPARSE_INHERIT_PKG_DIRS,
    RctlValue,
    VfstabEntry,
    ZoneAttr,
    ZoneCappedMemory,
    ZoneDedicatedCpu,
    ZoneDevice,
    ZoneFs,
    ZoneNet,
    ZoneRctl,
)

__all__ = [
    "FLEET_ZONE_KINDS",
    "MODELS",
    "SEED_ROW_KINDS",
    "DiskSpec",
    "HostSpec",
    "MetaSpec",
    "ModelInfo",
    "MountSpec",
    "NicSpec",
    "SliceSpec",
    "ZoneSpec",
    "bundle_name",
    "demo_fleet",
    "demo_hosts",
    "different_destination",
    "fleet",
    "fleet_destinations",
    "identical_destination",
    "listed_zones",
    "render_bundle",
    "seed_rows_host",
    "write_bundle",
    "write_bundle_tar",
]

# One zone kind per row of the seed document's results table, plus a clean zone.
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

NFS_SERVER = "nas01"
NFS_ZONES_EXPORT = f"{NFS_SERVER}:/export/zones"
NFS_ZONES_MOUNT = "/nfszones"
_PRTDIAG_LINES = 40  # the collector keeps the first 40 lines of prtdiag
_SECTOR = 512
_GB = 1024**3


def _rng(key: str) -> random.Random:
    """A generator seeded from a string (deterministic across runs); fixtures, not cryptography."""
    return random.Random(key)  # noqa: S311


# --- hardware catalogue -----------------------------------------------------------------------


@dataclass(frozen=True)
class DiskProduct:
    vendor: str
    product: str
    revision: str
    size_bytes: int
    sectors_per_track: int
    tracks_per_cylinder: int


DISK_PRODUCTS: dict[str, DiskProduct] = {
    "ST973401LSUN72G": DiskProduct("SEAGATE", "ST973401LSUN72G", "0556", 73400057856, 424, 24),
    "ST314655LSUN146G": DiskProduct("SEAGATE", "ST314655LSUN146G", "0491", 146800115712, 848, 24),
    "ST314680FSUN146G": DiskProduct("SEAGATE", "ST314680FSUN146G", "0407", 146810536448, 848, 24),
    "MAY2073RCSUN72G": DiskProduct("FUJITSU", "MAY2073RCSUN72G", "0501", 73407865856, 224, 16),
    "ST914602SSUN146G": DiskProduct("SEAGATE", "ST914602SSUN146G", "0603", 146815737856, 848, 24),
    "ST330000LSUN300G": DiskProduct("SEAGATE", "ST330000LSUN300G", "055A", 300000000000, 1000, 24),
}
_CDROM = DiskProduct("TEAC", "DV-28E-N", "1.6A", 0, 0, 0)
_TAPE = DiskProduct("HP", "Ultrium 3-SCSI", "G63W", 0, 0, 0)


@dataclass(frozen=True)
class ModelInfo:
    """A Sun server model as ``uname -a`` and ``prtdiag`` name it, and its standard hardware."""

    key: str
    platform: str  # uname -i, e.g. SUNW,Sun-Fire-V240 (i86pc on x86)
    machine: str  # uname -m: sun4u, sun4v, i86pc
    processor: str  # uname -p: sparc, i386
    configuration: str  # prtdiag "System Configuration:" value
    nics: tuple[str, ...]  # on-board ports
    controller: int  # the cN of the internal disks
    bays: int  # internal disk targets t0..t(bays-1)
    disk: str  # key into DISK_PRODUCTS for the internal disks
    cpu: str
    cpu_mhz: int
    cpus: int  # CPU ids prtdiag lists
    memory_mb: int
    clock: str  # "System clock frequency:" value, "" when prtdiag prints none
    cdrom: str  # CD/DVD device name, "" when none
    prtdiag_style: str  # sun4u, sun4v, opl, x86


MODELS: dict[str, ModelInfo] = {
    m.key: m
    for m in (
        ModelInfo(
            "V240", "SUNW,Sun-Fire-V240", "sun4u", "sparc", "Sun Microsystems  sun4u Sun Fire V240",
            ("bge0", "bge1", "bge2", "bge3"), 1, 4, "ST973401LSUN72G",
            "SUNW,UltraSPARC-IIIi", 1503, 2, 8192, "167 MHZ", "c0t0d0", "sun4u",
        ),
        ModelInfo(
            "V445", "SUNW,Sun-Fire-V445", "sun4u", "sparc", "Sun Microsystems  sun4u Sun Fire V445",
            ("bge0", "bge1", "bge2", "bge3"), 1, 8, "ST973401LSUN72G",
            "SUNW,UltraSPARC-IIIi", 1592, 4, 16384, "199 MHZ", "c0t0d0", "sun4u",
        ),
        ModelInfo(
            "V490", "SUNW,Sun-Fire-V490", "sun4u", "sparc", "Sun Microsystems  sun4u Sun Fire V490",
            ("ce0", "ce1"), 1, 2, "ST314680FSUN146G",
            "SUNW,UltraSPARC-IV+", 1500, 8, 32768, "150 MHz", "c0t6d0", "sun4u",
        ),
        ModelInfo(
            "T2000", "SUNW,Sun-Fire-T200", "sun4v", "sparc", "Sun Microsystems  sun4v Sun Fire T200",
            ("e1000g0", "e1000g1", "e1000g2", "e1000g3"), 1, 4, "MAY2073RCSUN72G",
            "SUNW,UltraSPARC-T1", 1000, 32, 16256, "", "", "sun4v",
        ),
        ModelInfo(
            "T5220", "SUNW,SPARC-Enterprise-T5220", "sun4v", "sparc",
            "Sun Microsystems  sun4v SPARC Enterprise T5220",
            ("e1000g0", "e1000g1", "e1000g2", "e1000g3"), 1, 8, "MAY2073RCSUN72G",
            "SUNW,UltraSPARC-T2", 1165, 64, 32640, "", "c0t0d0", "sun4v",
        ),
        ModelInfo(
            "T5240", "SUNW,T5240", "sun4v", "sparc", "Sun Microsystems  sun4v T5240",
            ("e1000g0", "e1000g1", "e1000g2", "e1000g3"), 1, 8, "ST914602SSUN146G",
            "SUNW,UltraSPARC-T2+", 1165, 128, 65280, "", "c0t0d0", "sun4v",
        ),
        ModelInfo(
            "X4100", "i86pc", "i86pc", "i386", "Sun Microsystems Sun Fire X4100 Server",
            ("e1000g0", "e1000g1", "nge0", "nge1"), 1, 2, "ST973401LSUN72G",
            "Dual Core AMD Opteron(tm) Processor 285", 2600, 4, 8192, "", "c0t0d0", "x86",
        ),
        ModelInfo(
            "X4200", "i86pc", "i86pc", "i386", "Sun Microsystems Sun Fire X4200 Server",
            ("e1000g0", "e1000g1", "nge0", "nge1"), 1, 4, "ST973401LSUN72G",
            "Dual Core AMD Opteron(tm) Processor 285", 2600, 4, 16384, "", "c0t0d0", "x86",
        ),
        ModelInfo(
            "M4000", "SUNW,SPARC-Enterprise", "sun4u", "sparc",
            "Sun Microsystems  sun4u Sun SPARC Enterprise M4000 Server",
            ("bge0", "bge1"), 0, 2, "ST914602SSUN146G",
            "SPARC64-VI", 2150, 16, 32768, "1012 MHz", "", "opl",
        ),
    )
}  # fmt: skip

_SPARC_KERNELS = ("Generic_142909-17", "Generic_144488-17", "Generic_147440-01", "Generic_147147-26")
_X86_KERNELS = ("Generic_142910-17", "Generic_144489-17", "Generic_147441-01", "Generic_147148-26")
# The update a host was installed from, by the kernel it runs (/etc/release): the kernel patch of
# that update (docs/catalog.md); 144488/144489, later kernel patches of the 9/10 line, say 9/10 here.
_RELEASE_OF_KERNEL = {
    "Generic_142909-17": "9/10", "Generic_142910-17": "9/10",
    "Generic_144488-17": "9/10", "Generic_144489-17": "9/10",
    "Generic_147440-01": "8/11", "Generic_147441-01": "8/11",
    "Generic_147147-26": "1/13", "Generic_147148-26": "1/13",
}  # fmt: skip
# "Assembled" dates of real /etc/release files (tests/planner/solaris/samples/README.md).
_ASSEMBLED = {
    "10/08": "27 October 2008",
    "5/09": "30 March 2009",
    "10/09": "16 September 2009",
    "8/11": "23 August 2011",
    "1/13": "17 January 2013",
}
# GLDv3 drivers show "non-vlan" in dladm show-link; older DLPI drivers "legacy".
_LEGACY_DRIVERS = frozenset({"ce", "hme", "qfe", "eri", "ipge"})


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
        return self.size_bytes // _SECTOR // spc if spc else 0

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
            self.kernel = _X86_KERNELS[2] if self.info.machine == "i86pc" else _SPARC_KERNELS[2]
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


# --- rendering ----------------------------------------------------------------------------------


def bundle_name(host: HostSpec) -> str:
    """The bundle's top folder, as the collector names it."""
    return f"zflar-{host.hostname}"


def render_bundle(host: HostSpec) -> dict[str, str]:
    """The bundle's files, ``{path below the top folder: text}``, in the collector's layout."""
    files: dict[str, str] = {
        "hostname": host.hostname + "\n",
        "uname-a": _uname(host),
        "prtdiag": _prtdiag(host),
        "zoneadm-list-cvp": _zoneadm_list(host),
    }
    for zone in host.zones:
        files[f"zones/{zone.name}.cfg"] = _zonecfg_export(zone)
        if zone.has_root:
            files[f"zones/{zone.name}.vfstab"] = _zone_vfstab(zone)
    files["etc/vfstab"] = _global_vfstab(host)
    files["etc/zones/index"] = _zone_index(host)
    for zone in host.zones:
        files[f"etc/zones/{zone.name}.xml"] = _zone_xml(zone)
    if host.metadevices:
        files["metastat-p"] = _metastat(host)
    files["dladm-show-dev"] = _dladm_show_dev(host)
    files["dladm-show-link"] = _dladm_show_link(host)
    files["ifconfig-a"] = _ifconfig(host)
    files["iostat-En"] = _iostat(host)
    for disk in host.disks:
        if disk.has_vtoc:
            files[f"prtvtoc/{disk.name}"] = _prtvtoc(disk)
    files["df-k"] = _df(host)
    files["etc/release"] = _etc_release(host)
    files["var/sadm/system/admin/CLUSTER"] = f"CLUSTER={host.cluster}\n"
    # No ZFS on these hosts: zpool list says so, zfs list -H prints nothing, and no file is over 4 GiB.
    files["zpool-list"] = "no pools available\n"
    files["zfs-list"] = ""
    files["large-files"] = ""
    files["README"] = _readme(host, files)
    return files


def write_bundle(dest: Path, host: HostSpec) -> Path:
    """Write the bundle folder ``dest/zflar-<hostname>/`` and return its path."""
    top = Path(dest) / bundle_name(host)
    for relative, text in render_bundle(host).items():
        path = top / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return top


def write_bundle_tar(dest_dir: Path, host: HostSpec) -> Path:
    """Write ``dest_dir/zflar-<hostname>-<collected_at>.tar`` (one top folder, like the collector's)."""
    top = bundle_name(host)
    target = Path(dest_dir) / f"{top}-{host.collected_at}.tar"
    stamp = datetime.strptime(host.collected_at, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    mtime = int(stamp.timestamp())
    files = render_bundle(host)
    folders = sorted({top} | {f"{top}/{p}" for rel in files for p in _parents(rel)})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for folder in folders:
            archive.addfile(_tarinfo(folder, tarfile.DIRTYPE, 0o755, 0, mtime))
        for relative in sorted(files):
            data = files[relative].encode("utf-8")
            info = _tarinfo(f"{top}/{relative}", tarfile.REGTYPE, 0o644, len(data), mtime)
            archive.addfile(info, io.BytesIO(data))
    target.write_bytes(buffer.getvalue())
    return target


def _parents(relative: str) -> list[str]:
    parts = relative.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _tarinfo(name: str, kind: bytes, mode: int, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.size, info.mtime = kind, mode, size, mtime
    info.uid = info.gid = 0
    info.uname, info.gname = "root", "root"
    return info


def _readme(host: HostSpec, files: dict[str, str]) -> str:
    lines = [
        "zflar collector bundle (synthetic: written by planner.fleetgen, not collected from a real host)",
        "",
        f"host:       {host.hostname}",
        f"collected:  {host.collected_at}",
        f"model:      {host.model}",
        "",
        "Files in this bundle:",
        *(f"    {name}" for name in sorted([*files, "README"])),
    ]
    return "\n".join(lines) + "\n"


# --- uname, prtdiag ---------------------------------------------------------------------------


def _etc_release(host: HostSpec) -> str:
    """/etc/release as Solaris writes it: the centred release line, copyright, Assembled."""
    update = find_update(host.release or _RELEASE_OF_KERNEL.get(host.kernel, "8/11"))
    arch = "x86" if host.info.machine == "i86pc" else "sparc"
    prefix = "Oracle Solaris 10" if update.oracle else "Solaris 10"
    lines = [f"{prefix} {update.name} {update.build(arch)} {arch.upper()}".center(78).rstrip()]
    year = 2000 + int(update.name.split("/")[1])
    if update.oracle:
        lines.append(f"  Copyright (c) 1983, {year}, Oracle and/or its affiliates. All rights reserved.")
    else:
        lines.append(f"           Copyright {year} Sun Microsystems, Inc.  All Rights Reserved.")
        lines.append("                        Use is subject to license terms.")
    if update.name in _ASSEMBLED:
        lines.append(f"Assembled {_ASSEMBLED[update.name]}".center(78).rstrip())
    return "\n".join(lines) + "\n"


def _uname(host: HostSpec) -> str:
    m = host.info
    return f"SunOS {host.hostname} 5.10 {host.kernel} {m.machine} {m.processor} {m.platform}\n"


def _memory_line(host: HostSpec) -> str:
    mb = host.memory_mb
    if host.info.prtdiag_style == "sun4u":
        return f"Memory size: {mb // 1024}GB        " if mb % 1024 == 0 else f"Memory size: {mb}MB"
    return f"Memory size: {mb} Megabytes"


def _prtdiag(host: HostSpec) -> str:
    style = host.info.prtdiag_style
    if style == "sun4v":
        lines = _prtdiag_sun4v(host)
    elif style == "opl":
        lines = _prtdiag_opl(host)
    elif style == "x86":
        lines = _prtdiag_x86(host)
    else:
        lines = _prtdiag_sun4u(host)
    return "\n".join(lines[:_PRTDIAG_LINES]) + "\n"


def _prtdiag_sun4u(host: HostSpec) -> list[str]:
    m = host.info
    lines = [
        f"System Configuration: {m.configuration}",
        f"System clock frequency: {m.clock}",
        _memory_line(host),
        "",
        "==================================== CPUs ====================================",
        "               E$          CPU                    CPU",
        "CPU  Freq      Size        Implementation         Mask    Status      Location",
        "---  --------  ----------  ---------------------  -----   ------      --------",
    ]
    for cpu in range(m.cpus):
        lines.append(f"{cpu:>3}  {m.cpu_mhz} MHz  1MB         {m.cpu:<23} 3.4    on-line     MB/P{cpu}")
    lines += [
        "",
        "================================= IO Devices =================================",
        "Bus     Freq  Slot +      Name +",
        "Type    MHz   Status      Path                          Model",
        "------  ----  ----------  ----------------------------  --------------------",
    ]
    for number in range(len(host.physical_nics)):
        lines += [
            "pci     66    MB          pci108e,1648 (network)",
            f"              okay        /pci@1c,600000/network@{2 + number // 2}{',1' if number % 2 else ''}",
            "",
        ]
    lines += [
        "pci     66    MB          scsi-pci1000,21 (scsi-2)      LSI,1010-66",
        "              okay        /pci@1c,600000/scsi@2",
        "",
        "pci     33    MB          isa/su (serial)",
        "              okay        /pci@1e,600000/isa@7/serial@0,3f8",
        "",
        "============================ Memory Configuration ============================",
        "Segment Table:",
        "-----------------------------------------------------------------------",
        "Base Address       Size       Interleave Factor  Contains",
        "-----------------------------------------------------------------------",
    ]
    per = max(host.memory_mb // 1024 // max(m.cpus, 1), 1)
    for cpu in range(m.cpus):
        lines.append(f"0x{cpu * 0x1000000000:<17x}{per}GB               4           GroupID 0")
    lines += [
        "",
        "Bank Table:",
        "-----------------------------------------------------------",
        "           Physical Location",
        "ID       ControllerID  GroupID   Size       Interleave Way",
        "-----------------------------------------------------------",
    ]
    bank = max(per * 1024 // 4, 256)
    for cpu in range(m.cpus):
        for way in range(4):
            lines.append(f"{cpu * 4 + way:<9}{cpu:<14}{way // 2:<10}{bank}MB      0,1,2,3")
    lines += [
        "",
        "Memory Module Groups:",
        "--------------------------------------------------",
        "ControllerID   GroupID  Labels         Status",
        "--------------------------------------------------",
    ]
    for cpu in range(m.cpus):
        for dimm in range(4):
            lines.append(f"{cpu:<15}{dimm // 2:<9}MB/P{cpu}/B{dimm // 2}/D{dimm % 2}    okay")
    return lines


def _prtdiag_sun4v(host: HostSpec) -> list[str]:
    m = host.info
    lines = [
        f"System Configuration: {m.configuration}",
        _memory_line(host),
        "",
        "================================ Virtual CPUs ================================",
        "",
        "CPU ID Frequency Implementation         Status",
        "------ --------- ---------------------- -------",
    ]
    for cpu in range(m.cpus):
        lines.append(f"{cpu:<6} {m.cpu_mhz} MHz  {m.cpu:<22} on-line  ")
    lines += [
        "",
        "======================= Physical Memory Configuration ========================",
        "Segment Table:",
        "--------------------------------------------------------------",
        "Base           Segment  Interleave   Bank     Contains",
        "Address        Size     Factor       Size     Modules",
        "--------------------------------------------------------------",
        f"0x0            {host.memory_mb // 1024 + 1} GB    4            "
        f"{max(host.memory_mb // 4096, 1)} GB     MB/CMP0/BR0/CH0/D0",
        "",
        "========================= IO Configuration =========================",
        "",
        "            IO",
        "Location    Type  Slot Path                                          Name"
        "                      Model",
    ]
    for number, nic in enumerate(host.physical_nics):
        function = f",{number}" if number else ""
        lines.append(
            f"IOBD/NET{number}   PCIE  IOBD /pci@780/pci@0/pci@1/network@0{function}"
            f"        {nic.driver:<25} SUNW,pcie-e1000g"
        )
    return lines


def _prtdiag_opl(host: HostSpec) -> list[str]:
    m = host.info
    lines = [
        f"System Configuration: {m.configuration}",
        f"System clock frequency: {m.clock}",
        _memory_line(host),
        "",
        "==================================== CPUs ====================================",
        "",
        "      CPU                 CPU                         Run    L2$    CPU   CPU ",
        "LSB   Chip                 ID                         MHz     MB    Impl. Mask",
        "---   ----  ----------------------------------------  ----   ---    ----- ----",
    ]
    for chip in range(max(m.cpus // 4, 1)):
        ids = ", ".join(f"{chip * 4 + i:>3}" for i in range(4))
        lines.append(f" 00     {chip}     {ids:<40}  {m.cpu_mhz}   5.0        6  146")
    lines += [
        "",
        "============================ Memory Configuration ============================",
        "",
        "       Memory  Available           Memory     DIMM    # of  Mirror  Interleave",
        "LSB    Group   Size                Status     Size    DIMMs Mode    Factor",
        "---    ------  ------------------  -------    ------  ----- ------- ----------",
        f" 00    A       {host.memory_mb // 2:>6}MB            okay       2048MB      8 no       8-way",
        f" 00    B       {host.memory_mb // 2:>6}MB            okay       2048MB      8 no       8-way",
        "",
        "========================= IO Devices =========================",
        "",
        "    IO                                                Lane/Frq",
        "LSB Type  LPID   RvID,DvID,VnID       BDF       State Act,  Max   Name"
        "                           Model",
        "--- ----- ----   ------------------   --------- ----- ----------- "
        "------------------------------ ----------------",
    ]  # fmt: skip
    for number, nic in enumerate(host.physical_nics):
        lines.append(
            f"00  PCIe  0      bc, 8532, 10b5      2,  0,  0  okay     8,    8  network-{nic.name:<22} N/A"
        )
        lines.append(f"00  PCIx  0       3, 1648, 14e4      4,  1,  {number}  okay   133,  133  network")
    lines += [
        "00  PCIx  0       2, 0050, 1000      4,  2,  0  okay   133,  133  scsi-pci1000,50"
        "                LSI,1064",
        "00  PCIe  0       1, 5220, 10b9     12,  0,  0  okay     1,    1  pci-pciex10b9,5249",
        "00  PCIx  0       2, 0050, 1000      4,  3,  0  okay   133,  133  scsi-pci1000,50"
        "                LSI,1064",
    ]  # fmt: skip
    while len(lines) < _PRTDIAG_LINES + 5:
        lines.append(
            "00  PCIe  0      bc, 8532, 10b5      7,  0,  0  okay     8,    8  pci-pciexclass,060400"
            "         N/A"
        )
    return lines


def _prtdiag_x86(host: HostSpec) -> list[str]:
    m = host.info
    lines = [
        f"System Configuration: {m.configuration}",
        "BIOS Configuration: American Megatrends Inc. 0ABJX034 04/05/2007",
        "BMC Configuration: IPMI 1.5 (KCS: Keyboard Controller Style)",
        "",
        "==== Processor Sockets ====================================",
        "",
        "Version                          Location Tag",
        "-------------------------------- --------------------------",
    ]
    for socket in range(max(m.cpus // 2, 1)):
        lines.append(f"{m.cpu} CPU {socket + 1}")
    lines += [
        "",
        "==== Memory Device Sockets ================================",
        "",
        "Type    Status Set Device Locator      Bank Locator",
        "------- ------ --- ------------------- --------------------",
    ]
    for dimm in range(8):
        lines.append(f"DDR     in use 0   DIMM{dimm}               BANK{dimm}")
    lines += [
        "",
        "==== On-Board Devices =====================================",
        "LSI serial-ATA #1",
        "Gigabit Ethernet #1",
        "Gigabit Ethernet #2",
        "Gigabit Ethernet #3",
        "Gigabit Ethernet #4",
        "Video",
        "",
        "==== Upgradeable Slots ====================================",
        "",
        "ID  Status    Type             Description",
        "--- --------- ---------------- ----------------------------",
        "0   available PCI-X            PCIX SLOT0",
        "1   available PCI-X            PCIX SLOT1",
        "2   in use    PCI Express      PCIE SLOT2",
        "3   available PCI Express      PCIE SLOT3",
        "4   available PCI-X            PCIX SLOT4",
    ]
    return lines


# --- zones --------------------------------------------------------------------------------------


def listed_zones(host: HostSpec) -> list[ZoneSpec]:
    """zoneadm's order: running zones by zone id, then the others as configured."""
    up = sorted((z for z in host.zones if z.zoneid is not None), key=lambda z: z.zoneid or 0)
    return [*up, *(z for z in host.zones if z.zoneid is None)]


def _zoneadm_list(host: HostSpec) -> str:
    lines = ["0:global:running:/::native:shared"]
    for zone in listed_zones(host):
        zoneid = "-" if zone.zoneid is None else str(zone.zoneid)
        path = zone.zonepath.replace(":", "\\:")
        ip = "excl" if zone.ip_type == "exclusive" else "shared"
        lines.append(f"{zoneid}:{zone.name}:{zone.state}:{path}:{zone.uuid}:{zone.brand}:{ip}")
    return "\n".join(lines) + "\n"


_INDEX_HEADER = """\
# Copyright 2004 Sun Microsystems, Inc.  All rights reserved.
# Use is subject to license terms.
#
# ident	"@(#)zones-index	1.2	04/04/01 SMI"
#
# DO NOT EDIT: this file is automatically generated by zoneadm(1M)
# and zonecfg(1M).  Any manual changes will be lost.
#
global:installed:/
"""


def _zone_index(host: HostSpec) -> str:
    lines = []
    for zone in host.zones:
        state = "installed" if zone.state in ("ready", "running") else zone.state
        path = f'"{zone.zonepath}"' if ":" in zone.zonepath else zone.zonepath
        lines.append(f"{zone.name}:{state}:{path}:{zone.uuid}")
    return _INDEX_HEADER + "".join(line + "\n" for line in lines)


def _quote(value: str) -> str:
    return f'"{value}"' if " " in value else value


def _zonecfg_export(zone: ZoneSpec) -> str:
    """``zonecfg -z ZONE export`` in the Solaris 10 order (create -b, globals, IPDs, fs, net, ...)."""
    out = ["create -b", f"set zonepath={_quote(zone.zonepath)}"]
    if zone.brand != "native":
        out.append(f"set brand={zone.brand}")
    out.append(f"set autoboot={'true' if zone.autoboot else 'false'}")
    for prop, value in (
        ("bootargs", zone.bootargs),
        ("pool", zone.pool),
        ("limitpriv", zone.limitpriv),
        ("scheduling-class", zone.scheduling_class),
    ):
        if value:
            out.append(f"set {prop}={value}")
    out.append(f"set ip-type={zone.ip_type}")
    for directory in zone.inherit_pkg_dirs:
        out += ["add inherit-pkg-dir", f"set dir={directory}", "end"]
    for fs in zone.fs:
        out += ["add fs", f"set dir={_quote(fs.dir)}", f"set special={_quote(fs.special)}"]
        if fs.raw:
            out.append(f"set raw={_quote(fs.raw)}")
        out.append(f"set type={fs.type}")
        out += [f'add options "{o}"' if "=" in o else f"add options {o}" for o in fs.options]
        out.append("end")
    for net in zone.nets:
        out.append("add net")
        if net.address:
            out.append(f"set address={net.address}")
        out.append(f"set physical={net.physical}")
        if net.defrouter:
            out.append(f"set defrouter={net.defrouter}")
        out.append("end")
    for device in zone.devices:
        out += ["add device", f"set match={_quote(device.match)}", "end"]
    for rctl in zone.rctls:
        out += ["add rctl", f"set name={rctl.name}"]
        out += [f"add value (priv={v.priv},limit={v.limit},action={v.action})" for v in rctl.values]
        out.append("end")
    for attr in zone.attrs:
        out += ["add attr", f"set name={attr.name}", f"set type={attr.type}"]
        out += [f"set value={_quote(attr.value)}", "end"]
    for dataset in zone.datasets:
        out += ["add dataset", f"set name={dataset}", "end"]
    if zone.dedicated_cpu:
        out += ["add dedicated-cpu", f"set ncpus={zone.dedicated_cpu.ncpus}"]
        if zone.dedicated_cpu.importance:
            out.append(f"set importance={zone.dedicated_cpu.importance}")
        out.append("end")
    if zone.capped_memory and zone.capped_memory.physical:
        out += ["add capped-memory", f"set physical={zone.capped_memory.physical}", "end"]
    return "\n".join(out) + "\n"


def _units_to_bytes(value: str) -> int:
    scale = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
    if value and value[-1].upper() in scale:
        return int(value[:-1]) * scale[value[-1].upper()]
    return int(value)


def _zone_xml(zone: ZoneSpec) -> str:
    """``/etc/zones/ZONE.xml`` as libzonecfg saves it (2-space indent, DOCTYPE, DO NOT EDIT comment)."""
    attributes = [("name", zone.name), ("zonepath", zone.zonepath), ("autoboot", str(zone.autoboot).lower())]
    for name, value in (
        ("pool", zone.pool),
        ("limitpriv", zone.limitpriv),
        ("bootargs", zone.bootargs),
        ("scheduling-class", zone.scheduling_class),
    ):
        if value:
            attributes.append((name, value))
    if zone.brand != "native":
        attributes.append(("brand", zone.brand))
    if zone.ip_type == "exclusive":
        attributes.append(("ip-type", "exclusive"))
    opening = " ".join(f"{k}={quoteattr(v)}" for k, v in attributes)
    body: list[str] = []
    for directory in zone.inherit_pkg_dirs:
        body.append(f"  <inherited-pkg-dir directory={quoteattr(directory)}/>")
    for fs in zone.fs:
        attrs = [("special", fs.special), ("raw", fs.raw), ("directory", fs.dir), ("type", fs.type)]
        text = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs if v or k != "raw")
        if fs.options:
            body.append(f"  <filesystem {text}>")
            body += [f"    <fsoption name={quoteattr(o)}/>" for o in fs.options]
            body.append("  </filesystem>")
        else:
            body.append(f"  <filesystem {text}/>")
    for net in zone.nets:
        attrs = [("address", net.address), ("physical", net.physical), ("defrouter", net.defrouter)]
        text = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs if v or k == "address")
        body.append(f"  <network {text}/>")
    for device in zone.devices:
        body.append(f"  <device match={quoteattr(device.match)}/>")
    for rctl in zone.rctls:
        body.append(f"  <rctl name={quoteattr(rctl.name)}>")
        for v in rctl.values:
            body.append(
                f"    <rctl-value priv={quoteattr(v.priv)} limit={quoteattr(v.limit)} "
                f"action={quoteattr(v.action)}/>"
            )
        body.append("  </rctl>")
    for attr in zone.attrs:
        body.append(
            f"  <attr name={quoteattr(attr.name)} type={quoteattr(attr.type)} value={quoteattr(attr.value)}/>"
        )
    for dataset in zone.datasets:
        body.append(f"  <dataset name={quoteattr(dataset)}/>")
    if zone.dedicated_cpu:
        low, _, high = zone.dedicated_cpu.ncpus.partition("-")
        body.append(f"  <pset ncpu_min={quoteattr(low)} ncpu_max={quoteattr(high or low)}/>")
        if zone.dedicated_cpu.importance:
            body.append(f"  <tmp_pool importance={quoteattr(zone.dedicated_cpu.importance)}/>")
    if zone.capped_memory and zone.capped_memory.physical:
        physcap = str(_units_to_bytes(zone.capped_memory.physical))
        body.append(f"  <mcap physcap={quoteattr(physcap)}/>")
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE zone PUBLIC "-//Sun Microsystems Inc//DTD Zones//EN" '
        '"file:///usr/share/lib/xml/dtd/zonecfg.dtd.1">',
        "<!--",
        "    DO NOT EDIT THIS FILE.  Use zonecfg(1M) instead.",
        "-->",
    ]
    if not body:
        return "\n".join([*head, f"<zone {opening}/>"]) + "\n"
    return "\n".join([*head, f"<zone {opening}>", *body, "</zone>"]) + "\n"


# --- vfstabs --------------------------------------------------------------------------------------

_VFSTAB_HEADER = (
    "#device\t\tdevice\t\tmount\t\tFS\tfsck\tmount\tmount\n"
    "#to mount\tto fsck\t\tpoint\t\ttype\tpass\tat boot\toptions\n"
    "#\n"
)


def _vfstab_line(fields: Sequence[str]) -> str:
    return "\t".join(fields) + "\n"


def _vfstab_entry_line(entry: VfstabEntry) -> str:
    return _vfstab_line(
        (
            entry.device,
            entry.fsck_device,
            entry.mount_point,
            entry.fstype,
            entry.fsck_pass,
            entry.mount_at_boot,
            entry.options,
        )
    )


def _zone_vfstab(zone: ZoneSpec) -> str:
    standard = [
        ("fd", "-", "/dev/fd", "fd", "-", "no", "-"),
        ("/proc", "-", "/proc", "proc", "-", "no", "-"),
        ("ctfs", "-", "/system/contract", "ctfs", "-", "no", "-"),
        ("objfs", "-", "/system/object", "objfs", "-", "no", "-"),
        ("swap", "-", "/tmp", "tmpfs", "-", "yes", "-"),  # noqa: S108 - a Solaris mount point
    ]
    lines = [_vfstab_line(f) for f in standard] + [_vfstab_entry_line(e) for e in zone.vfstab]
    return _VFSTAB_HEADER + "".join(lines)


def _global_vfstab(host: HostSpec) -> str:
    lines = [
        _vfstab_line(("fd", "-", "/dev/fd", "fd", "-", "no", "-")),
        _vfstab_line(("/proc", "-", "/proc", "proc", "-", "no", "-")),
    ]
    swaps = [m for m in host.mounts if m.fstype == "swap"]
    others = [m for m in host.mounts if m.fstype != "swap"]
    for m in swaps:
        lines.append(_vfstab_line((m.device, "-", "-", "swap", "-", "no", "-")))
    for m in others:
        if m.fstype == "nfs":
            continue
        lines.append(
            _vfstab_line(
                (m.device, m.fsck_device, m.mount_point, m.fstype, m.fsck_pass, m.at_boot, m.options)
            )
        )
    lines += [
        _vfstab_line(("/devices", "-", "/devices", "devfs", "-", "no", "-")),
        _vfstab_line(("sharefs", "-", "/etc/dfs/sharetab", "sharefs", "-", "no", "-")),
        _vfstab_line(("ctfs", "-", "/system/contract", "ctfs", "-", "no", "-")),
        _vfstab_line(("objfs", "-", "/system/object", "objfs", "-", "no", "-")),
        _vfstab_line(("swap", "-", "/tmp", "tmpfs", "-", "yes", "-")),  # noqa: S108 - a Solaris mount point
    ]
    for m in others:
        if m.fstype == "nfs":
            lines.append(_vfstab_line((m.device, "-", m.mount_point, "nfs", "-", m.at_boot, m.options)))
    return _VFSTAB_HEADER + "".join(lines)


# --- SVM ------------------------------------------------------------------------------------------


def _metastat(host: HostSpec) -> str:
    lines = []
    for md in host.metadevices:
        if md.kind == "mirror":
            lines.append(f"{md.name} -m {' '.join(md.components)} {md.pass_number}")
        elif md.kind == "stripe":
            interlace = f" -i {md.interlace_blocks}b" if len(md.components) > 1 else ""
            lines.append(f"{md.name} 1 {len(md.components)} {' '.join(md.components)}{interlace}")
        elif md.kind == "concat":
            rows = " \\\n\t".join(f"1 {c}" for c in md.components)
            lines.append(f"{md.name} {len(md.components)} {rows}")
        elif md.kind == "softpart":
            extents = "".join(f" -o {offset} -b {count} " for offset, count in md.extents)
            lines.append(f"{md.name} -p {md.components[0]}{extents}")
        else:
            raise ValueError(f"{md.name}: unknown metadevice kind {md.kind!r}")
    return "\n".join(lines) + "\n"


# --- network --------------------------------------------------------------------------------------


def _dladm_show_dev(host: HostSpec) -> str:
    lines = []
    for nic in host.physical_nics:
        speed = nic.speed_mbps if nic.link == "up" else 0
        duplex = nic.duplex if nic.link == "up" else "unknown"
        lines.append(f"{nic.name:<16}link: {nic.link:<10}speed: {speed:<5} Mbps       duplex: {duplex}")
    return "".join(line + "\n" for line in lines)


def _dladm_show_link(host: HostSpec) -> str:
    lines = []
    for nic in host.nics:
        if nic.vlan_id:
            kind, device = f"vlan {nic.vlan_id}", nic.device
        else:
            kind, device = ("legacy" if nic.driver in _LEGACY_DRIVERS else "non-vlan"), nic.name
        lines.append(f"{nic.name:<16}type: {kind:<10}mtu: {nic.mtu:<11}device: {device}")
    return "".join(line + "\n" for line in lines)


def _netmask(prefix: int) -> str:
    return f"{(0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF:08x}"


def _broadcast(address: str, prefix: int) -> str:
    value = 0
    for octet in address.split("."):
        value = value * 256 + int(octet)
    value |= (1 << (32 - prefix)) - 1
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _split_address(address: str, default_prefix: int) -> tuple[str, int]:
    ip, _, prefix = address.partition("/")
    return ip, int(prefix) if prefix else default_prefix


def _ifconfig(host: HostSpec) -> str:
    up_flags = "flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4>"
    lo_flags = "flags=2001000849<UP,LOOPBACK,RUNNING,MULTICAST,IPv4,VIRTUAL>"
    shared_up = [z for z in listed_zones(host) if z.is_up and z.ip_type == "shared"]
    out = [f"lo0: {lo_flags} mtu 8232 index 1", "\tinet 127.0.0.1 netmask ff000000 "]
    for number, zone in enumerate(shared_up, start=1):
        out += [f"lo0:{number}: {lo_flags} mtu 8232 index 1", f"\tzone {zone.name}"]
        out.append("\tinet 127.0.0.1 netmask ff000000 ")
    index = 1
    for nic in host.nics:
        if not nic.address:
            continue
        index += 1
        out += [f"{nic.name}: {up_flags} mtu {nic.mtu} index {index}"]
        mask, broadcast = _netmask(nic.prefix), _broadcast(nic.address, nic.prefix)
        out.append(f"\tinet {nic.address} netmask {mask} broadcast {broadcast}")
        out.append(f"\tether {nic.ether} ")
        logical = 0
        for zone in shared_up:
            for net in zone.nets:
                if net.physical != nic.name or not net.address:
                    continue
                logical += 1
                ip, prefix = _split_address(net.address, nic.prefix)
                out += [
                    f"{nic.name}:{logical}: {up_flags} mtu {nic.mtu} index {index}",
                    f"\tzone {zone.name}",
                ]
                out.append(f"\tinet {ip} netmask {_netmask(prefix)} broadcast {_broadcast(ip, prefix)}")
    return "\n".join(out) + "\n"


# --- disks ----------------------------------------------------------------------------------------


def _iostat(host: HostSpec) -> str:
    order = {"cdrom": 0, "disk": 1, "tape": 2}
    blocks = []
    for disk in sorted(host.disks, key=lambda d: (order.get(d.kind, 3), _disk_sort_key(d.name))):
        illegal = 2 if disk.kind == "cdrom" else 0
        blocks.append(
            f"{disk.name:<16} Soft Errors: 0 Hard Errors: 0 Transport Errors: 0 \n"
            f"Vendor: {disk.vendor:<8} Product: {disk.product:<16} Revision: {disk.revision:<4} "
            f"Serial No: {disk.serial} \n"
            f"Size: {disk.size_bytes / 1e9:.2f}GB <{disk.size_bytes} bytes>\n"
            "Media Error: 0 Device Not Ready: 0 No Device: 0 Recoverable: 0 \n"
            f"Illegal Request: {illegal} Predictive Failure Analysis: 0 \n"
        )
    return "".join(blocks)


def _disk_sort_key(name: str) -> tuple[int, ...]:
    digits = "".join(c if c.isdigit() else " " for c in name)
    return tuple(int(d) for d in digits.split())


def _prtvtoc(disk: DiskSpec) -> str:
    spc = disk.sectors_per_cylinder
    out = [
        f"* /dev/rdsk/{disk.name}s2 partition map",
        "*",
        "* Dimensions:",
        f"*{_SECTOR:>8} bytes/sector",
        f"*{disk.sectors_per_track:>8} sectors/track",
        f"*{disk.tracks_per_cylinder:>8} tracks/cylinder",
        f"*{spc:>8} sectors/cylinder",
        f"*{disk.cylinders:>8} cylinders",
        f"*{disk.accessible_cylinders:>8} accessible cylinders",
        "*",
        "* Flags:",
        "*   1: unmountable",
        "*  10: read-only",
        "*",
    ]
    gaps = _unallocated(disk)
    if gaps:
        out += [
            "* Unallocated space:",
            "*       First     Sector    Last",
            "*       Sector     Count    Sector ",
        ]
        out += [f"* {first:>11} {count:>9} {first + count - 1:>9}" for first, count in gaps]
        out.append("*")
    out += [
        "*                          First     Sector    Last",
        "* Partition  Tag  Flags    Sector     Count    Sector  Mount Directory",
    ]
    for s in sorted(disk.slices, key=lambda s: s.index):
        line = (
            f"      {s.index:>2}  {s.tag:>5}    {s.flags}  {s.first_sector:>9} {s.sector_count:>9} "
            f"{s.last_sector:>9}"
        )
        out.append(line + (f"   {s.mount_point}" if s.mount_point else ""))
    return "\n".join(out) + "\n"


def _unallocated(disk: DiskSpec) -> list[tuple[int, int]]:
    used = sorted((s.first_sector, s.sector_count) for s in disk.slices if s.index != 2)
    gaps, cursor = [], 0
    for first, count in used:
        if first > cursor:
            gaps.append((cursor, first - cursor))
        cursor = max(cursor, first + count)
    if cursor < disk.accessible_sectors:
        gaps.append((cursor, disk.accessible_sectors - cursor))
    return gaps


# --- df -k ----------------------------------------------------------------------------------------

_DF_HEADER = "Filesystem            kbytes    used   avail capacity  Mounted on"


def _df_row(filesystem: str, kbytes: int, used: int, avail: int, mounted_on: str) -> str:
    capacity = math.ceil(used * 100 / (used + avail)) if used + avail else 0
    numbers = f"{kbytes:>9} {used:>7} {avail:>7} {capacity:>5}%    {mounted_on}"
    if len(filesystem) > 18:
        return f"{filesystem}\n{'':<18} {numbers}"
    return f"{filesystem:<18} {numbers}"


def _df(host: HostSpec) -> str:
    swap_total = host.memory_mb * 1024 + sum(m.kbytes for m in host.mounts if m.fstype == "swap")
    swap_avail = swap_total * 3 // 4
    root = next((m for m in host.mounts if m.mount_point == "/"), None)
    rows = [_DF_HEADER]
    if root:
        rows.append(_df_row(root.device, root.kbytes, root.used, root.avail, "/"))
    rows += [
        _df_row("/devices", 0, 0, 0, "/devices"),
        _df_row("ctfs", 0, 0, 0, "/system/contract"),
        _df_row("proc", 0, 0, 0, "/proc"),
        _df_row("mnttab", 0, 0, 0, "/etc/mnttab"),
        _df_row("swap", swap_avail + 1480, 1480, swap_avail, "/etc/svc/volatile"),
        _df_row("objfs", 0, 0, 0, "/system/object"),
        _df_row("sharefs", 0, 0, 0, "/etc/dfs/sharetab"),
    ]
    if root and host.info.machine == "sun4u":
        for lib in ("", "sparcv9/"):
            rows.append(
                _df_row(
                    f"/platform/{host.info.platform}/lib/{lib}libc_psr/libc_psr_hwcap1.so.1",
                    root.kbytes,
                    root.used,
                    root.avail,
                    f"/platform/sun4u-us3/lib/{lib}libc_psr.so.1",
                )
            )
    rows += [
        _df_row("fd", 0, 0, 0, "/dev/fd"),
        _df_row("swap", swap_avail + 40, 40, swap_avail, "/tmp"),  # noqa: S108 - a Solaris mount point
        _df_row("swap", swap_avail + 32, 32, swap_avail, "/var/run"),
    ]
    for m in host.mounts:
        if m.fstype not in ("swap",) and m.mount_point != "/":
            rows.append(_df_row(m.device, m.kbytes, m.used, m.avail, m.mount_point))
    for zone in listed_zones(host):
        if zone.is_up:
            rows += _zone_df_rows(zone, root, swap_avail)
    return "\n".join(rows) + "\n"


def _zone_df_rows(zone: ZoneSpec, root: MountSpec | None, swap_avail: int) -> list[str]:
    base = f"{zone.zonepath}/root"
    size = (root.kbytes, root.used, root.avail) if root else (0, 0, 0)
    rows = [_df_row(f"{zone.zonepath}/dev", *size, f"{base}/dev")]
    rows += [_df_row(d, *size, f"{base}{d}") for d in zone.inherit_pkg_dirs]
    rows += [
        _df_row("proc", 0, 0, 0, f"{base}/proc"),
        _df_row("ctfs", 0, 0, 0, f"{base}/system/contract"),
        _df_row("mnttab", 0, 0, 0, f"{base}/etc/mnttab"),
        _df_row("objfs", 0, 0, 0, f"{base}/system/object"),
        _df_row("swap", swap_avail + 264, 264, swap_avail, f"{base}/etc/svc/volatile"),
        _df_row("fd", 0, 0, 0, f"{base}/dev/fd"),
        _df_row("swap", swap_avail + 16, 16, swap_avail, f"{base}/tmp"),  # noqa: S108 - a Solaris mount point
        _df_row("swap", swap_avail + 24, 24, swap_avail, f"{base}/var/run"),
    ]
    for fs in zone.fs:
        if fs.type == "lofs":
            rows.append(_df_row(fs.special, *size, f"{base}{fs.dir}"))
    return rows


# --- building hosts -----------------------------------------------------------------------------


class _Builder:
    """Allocates what zones need on one host: addresses, slices, soft partitions, disks."""

    def __init__(self, hostname: str, model: str, rng: random.Random, net: int, role: str) -> None:
        self.rng = rng
        self.net = net  # the second octet of this host's networks: 10.<net>.<nic>.x
        kernels = _X86_KERNELS if MODELS[model].machine == "i86pc" else _SPARC_KERNELS
        self.host = HostSpec(hostname=hostname, model=model, kernel=rng.choice(kernels), role=role)
        self.next_host_octet: dict[str, int] = {}
        self.ufs_disk: DiskSpec | None = None
        self.svm_container: tuple[DiskSpec, int] | None = None  # disk, next free offset
        self.next_softpart = 100
        self.next_zoneid = 1
        self.serials: set[str] = set()
        self.tape: DiskSpec | None = None
        self.nfs_zones_mounted = False
        self.exclusive_links: list[str] = []

    # hardware

    def add_nics(self, plumbed: int, down: Iterable[str] = ()) -> None:
        down_names = set(down)
        for number, name in enumerate(self.host.info.nics):
            nic = NicSpec(name=name, ether=self._mac())
            if name in down_names:
                nic.link, nic.speed_mbps, nic.duplex = "down", 0, "unknown"
            elif number < plumbed:
                nic.address = f"10.{self.net}.{number + 1}.10"
            self.host.nics.append(nic)

    def _mac(self) -> str:
        prefix = "0:14:4f" if self.host.info.machine != "sun4u" else "0:3:ba"
        return prefix + "".join(f":{self.rng.randrange(256):x}" for _ in range(3))

    def _serial(self, product: DiskProduct) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPRSTVWXYZ"
        while True:
            if product.vendor == "SEAGATE":
                serial = "".join(self.rng.choice(alphabet) for _ in range(10))
            else:
                serial = "".join(self.rng.choice("0123456789") for _ in range(4)) + "".join(
                    self.rng.choice(alphabet) for _ in range(4)
                )
            if serial not in self.serials:
                self.serials.add(serial)
                return serial

    def new_disk(self, product_key: str, name: str = "") -> DiskSpec:
        product = DISK_PRODUCTS[product_key]
        if not name:
            name = self._free_disk_name()
        disk = DiskSpec(
            name=name,
            vendor=product.vendor,
            product=product.product,
            revision=product.revision,
            serial=self._serial(product),
            size_bytes=product.size_bytes,
            sectors_per_track=product.sectors_per_track,
            tracks_per_cylinder=product.tracks_per_cylinder,
        )
        disk.slices.append(SliceSpec(2, 5, "01", 0, disk.accessible_sectors))
        self.host.disks.append(disk)
        return disk

    def _free_disk_name(self) -> str:
        info = self.host.info
        taken = {d.name for d in self.host.disks}
        for target in range(info.bays):
            name = f"c{info.controller}t{target}d0"
            if name not in taken:
                return name
        for controller in range(info.controller + 1, 64):
            if controller == 0:
                continue
            for target in range(16):
                name = f"c{controller}t{target}d0"
                if name not in taken:
                    return name
        raise ValueError("no free disk names")  # pragma: no cover - 60 x 16 disks

    def add_slice(
        self, disk: DiskSpec, index: int, tag: int, flags: str, size_bytes: int, mount: str = ""
    ) -> int:
        """Add a slice after the last one, rounded up to whole cylinders; 0 if it does not fit."""
        spc = disk.sectors_per_cylinder
        first = max((s.first_sector + s.sector_count for s in disk.slices if s.index != 2), default=0)
        count = -(-size_bytes // _SECTOR // spc) * spc if size_bytes else disk.accessible_sectors - first
        if count <= 0 or first + count > disk.accessible_sectors or disk.slice(index):
            return 0
        disk.slices.append(SliceSpec(index, tag, flags, first, count, mount))
        return count

    def add_cdrom(self) -> None:
        if self.host.info.cdrom:
            serial = ""
            self.host.disks.append(
                DiskSpec(
                    self.host.info.cdrom, _CDROM.vendor, _CDROM.product, _CDROM.revision, serial, kind="cdrom"
                )
            )

    def add_tape(self) -> DiskSpec:
        if self.tape is None:
            self.tape = DiskSpec(
                "rmt/0", _TAPE.vendor, _TAPE.product, _TAPE.revision, "HU10638WC7", kind="tape"
            )
            self.host.disks.append(self.tape)
        return self.tape

    def boot_disk(self, name: str = "", product: str = "", home: bool = True) -> DiskSpec:
        disk = self.new_disk(product or self.host.info.disk, name)
        self.add_slice(disk, 0, 2, "00", 30 * _GB, "/")
        self.add_slice(disk, 1, 3, "01", 8 * _GB)
        if home:
            self.add_slice(disk, 6, 8, "00", disk.size_bytes - 40 * _GB, "/export/home")
        self.add_slice(disk, 7, 0, "00", 64 * 1024 * 1024)
        return disk

    def global_mounts(self, boot: DiskSpec, root_device: str, root_raw: str, mirror: DiskSpec | None) -> None:
        root_slice = boot.slice(0)
        root_kb = _ufs_kbytes(root_slice.sector_count if root_slice else 0)
        used = int(root_kb * self.rng.uniform(0.25, 0.55))
        self.host.mounts.append(
            MountSpec(
                root_device, "/", "ufs", root_raw, "1", "no", "-", root_kb, used, _ufs_avail(root_kb, used)
            )
        )
        for disk in (boot, mirror):
            swap = disk.slice(1) if disk else None
            if disk and swap:
                kb = swap.sector_count // 2
                self.host.mounts.append(MountSpec(f"/dev/dsk/{disk.name}s1", "-", "swap", kbytes=kb))
        home = boot.slice(6)
        if home:
            kb = _ufs_kbytes(home.sector_count)
            used = int(kb * self.rng.uniform(0.02, 0.3))
            self.host.mounts.append(
                MountSpec(
                    f"/dev/dsk/{boot.name}s6",
                    "/export/home",
                    "ufs",
                    f"/dev/rdsk/{boot.name}s6",
                    "2",
                    "yes",
                    "logging",
                    kb,
                    used,
                    _ufs_avail(kb, used),
                )
            )

    def root_mirror(self, boot: DiskSpec, mirror_name: str = "") -> DiskSpec:
        """Mirror root with SVM: d10 = d11 (boot s0) + d12 (second disk s0); metadb on the s7s."""
        mirror = self.boot_disk(mirror_name, home=False)
        self.host.metadevices += [
            MetaSpec("d10", "mirror", ["d11", "d12"]),
            MetaSpec("d11", "stripe", [f"{boot.name}s0"]),
            MetaSpec("d12", "stripe", [f"{mirror.name}s0"]),
        ]
        return mirror

    # zone resources

    def address(self, nic: NicSpec) -> str:
        octet = self.next_host_octet.get(nic.name, 21)
        self.next_host_octet[nic.name] = octet + 1
        third = self.host.nics.index(nic) + 1
        return f"10.{self.net}.{third}.{octet}/24"

    def exclusive_link(self) -> str:
        """A link no other zone uses: the spare port first, then tagged VLANs on it (bge1 -> bge101001)."""
        physical = self.host.physical_nics
        spare = [n for n in physical if not n.address and n.link == "up"] or physical[-1:]
        port = spare[-1]
        if not self.exclusive_links:
            self.exclusive_links.append(port.name)
            return port.name
        vlan = 100 + len(self.exclusive_links)
        link = NicSpec(
            name=f"{port.driver}{vlan * 1000 + port.instance}",
            link=port.link,
            speed_mbps=port.speed_mbps,
            duplex=port.duplex,
            mtu=port.mtu,
            vlan_id=vlan,
            device=port.name,
        )
        self.host.nics.append(link)
        self.exclusive_links.append(link.name)
        return link.name

    def ufs_slice(self, size_bytes: int, product: str = "") -> str:
        """A new slice for a zone's ufs fs (a data disk is added when the current one is full)."""
        for _ in range(2):
            disk = self.ufs_disk
            if disk is not None:
                for index in (0, 1, 3, 4, 5, 6, 7):
                    if disk.slice(index) is None:
                        if self.add_slice(disk, index, 0, "00", size_bytes):
                            return f"{disk.name}s{index}"
                        break
            self.ufs_disk = self.new_disk(product or _data_product(self.host.info))
        raise ValueError(f"a {size_bytes}-byte slice does not fit on an empty data disk")

    def soft_partition(self, size_bytes: int) -> str:
        """A new soft partition (d100, d101, ...) on a whole-disk slice s0 of an SVM data disk."""
        blocks = size_bytes // _SECTOR
        for _ in range(2):
            if self.svm_container is not None:
                disk, offset = self.svm_container
                s0 = disk.slice(0)
                if s0 and offset + blocks <= s0.sector_count:
                    name = f"d{self.next_softpart}"
                    self.next_softpart += 1
                    self.host.metadevices.append(
                        MetaSpec(name, "softpart", [f"{disk.name}s0"], [(offset, blocks)])
                    )
                    self.svm_container = (disk, offset + blocks + 1)
                    return name
            disk = self.new_disk(_data_product(self.host.info))
            self.add_slice(disk, 0, 0, "00", 0)
            self.svm_container = (disk, 1)
        raise ValueError(f"a {size_bytes}-byte soft partition does not fit on an empty disk")

    def mount_nfs_zones(self) -> None:
        if not self.nfs_zones_mounted:
            self.nfs_zones_mounted = True
            kb = 1_048_576_000
            used = int(kb * self.rng.uniform(0.3, 0.6))
            self.host.mounts.append(
                MountSpec(
                    NFS_ZONES_EXPORT,
                    NFS_ZONES_MOUNT,
                    "nfs",
                    options="rw,hard,intr,vers=3",
                    kbytes=kb,
                    used=used,
                    avail=kb - used,
                )
            )

    def zone(self, name: str, kind: str, *, variety: bool = False) -> ZoneSpec:
        """A zone that exercises ``kind`` (one of FLEET_ZONE_KINDS)."""
        rng = self.rng
        zone = ZoneSpec(name=name, purpose=kind, uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        zone.rctls.append(
            ZoneRctl("zone.cpu-shares", [RctlValue("privileged", str(rng.choice((1, 10, 20))), "none")])
        )
        plumbed = [n for n in self.host.nics if n.address]
        if variety:
            zone.sparse = rng.random() < 0.7
            if rng.random() < 0.2:
                zone.capped_memory = ZoneCappedMemory(physical=rng.choice(("512M", "1G", "2G", "4G")))
            if rng.random() < 0.1:
                zone.dedicated_cpu = ZoneDedicatedCpu(ncpus=rng.choice(("1", "1-2", "2-4")), importance="10")
            if rng.random() < 0.15:
                zone.limitpriv = "default,dtrace_proc,dtrace_user"
            if rng.random() < 0.1:
                zone.rctls.append(ZoneRctl("zone.max-lwps", [RctlValue("privileged", "2000", "deny")]))
        if kind == "running":
            zone.state, zone.zoneid = "running", self.next_zoneid
            self.next_zoneid += 1
            zone.nets.append(ZoneNet(physical=plumbed[0].name, address=self.address(plumbed[0])))
        elif kind == "autoboot":
            zone.autoboot = True
            nic = plumbed[min(2, len(plumbed) - 1)]
            zone.nets.append(ZoneNet(physical=nic.name, address=self.address(nic)))
        elif kind == "net-same":
            zone.nets.append(ZoneNet(physical=plumbed[0].name, address=self.address(plumbed[0])))
        elif kind == "net-remap":
            nic = plumbed[min(1, len(plumbed) - 1)]
            zone.nets.append(ZoneNet(physical=nic.name, address=self.address(nic)))
        elif kind == "nfs":
            zone.vfstab.append(
                VfstabEntry(
                    f"{NFS_SERVER}:/export/data/{name}", "-", "/data", "nfs", "-", "yes", "rw,bg,hard,intr"
                )
            )
        elif kind == "nfs-zonepath":
            self.mount_nfs_zones()
            zone.zonepath = f"{NFS_ZONES_MOUNT}/{name}"
        elif kind == "lofs":
            zone.fs.append(
                ZoneFs(
                    dir="/export/shared",
                    special="/export/home/shared",
                    type="lofs",
                    options=["ro", "nodevices"],
                )
            )
        elif kind == "ufs":
            size = 120 * _GB if not variety else rng.choice((8, 10, 12, 16)) * _GB
            sl = self.ufs_slice(size, "ST314655LSUN146G" if not variety else "")
            zone.fs.append(
                ZoneFs(
                    dir="/opt/local",
                    special=f"/dev/dsk/{sl}",
                    raw=f"/dev/rdsk/{sl}",
                    type="ufs",
                    options=["logging"],
                )
            )
        elif kind == "svm":
            md = self.soft_partition((20 if not variety else rng.choice((5, 10, 20))) * _GB)
            zone.fs.append(
                ZoneFs(dir="/data", special=f"/dev/md/dsk/{md}", raw=f"/dev/md/rdsk/{md}", type="ufs")
            )
        elif kind == "device":
            self.add_tape()
            disk = self.new_disk("ST330000LSUN300G", self._external_disk_name())
            self.add_slice(disk, 0, 0, "00", 0)
            zone.devices += [
                ZoneDevice("/dev/rmt/0"),
                ZoneDevice(f"/dev/dsk/{disk.name}s*"),
                ZoneDevice(f"/dev/rdsk/{disk.name}s*"),
            ]
        elif kind == "exclusive":
            zone.ip_type = "exclusive"
            zone.nets.append(ZoneNet(physical=self.exclusive_link()))
        elif kind == "configured":
            zone.state, zone.uuid = "configured", ""
        elif kind == "ready":
            zone.attrs.append(ZoneAttr("comment", "string", "Clean zone: migrates as is"))
        else:
            raise ValueError(f"unknown zone kind {kind!r}; known: {', '.join(FLEET_ZONE_KINDS)}")
        if variety and kind in ("net-same", "net-remap", "autoboot", "running") and rng.random() < 0.2:
            zone.nets[0].defrouter = zone.nets[0].address.rsplit(".", 1)[0] + ".1"
        self.host.zones.append(zone)
        return zone

    def _external_disk_name(self) -> str:
        taken = {d.name for d in self.host.disks}
        controller = max(2, self.host.info.controller + 1)
        for target in range(16):
            name = f"c{controller}t{target}d0"
            if name not in taken:
                return name
        return self._free_disk_name()


def _data_product(info: ModelInfo) -> str:
    return "ST314655LSUN146G" if info.machine == "sun4u" and info.key != "M4000" else "ST914602SSUN146G"


def _ufs_kbytes(sectors: int) -> int:
    return sectors // 2 * 984 // 1000  # what newfs leaves after metadata


def _ufs_avail(kbytes: int, used: int) -> int:
    return max(kbytes - used - kbytes // 100, 0)  # 1% minfree


# --- the seed-row host and its destinations -------------------------------------------------------


def seed_rows_host(hostname: str = "src-seed-01") -> HostSpec:
    """A Sun Fire V240 whose zones cover every row of the seed results table, one zone per pitfall.

    Zones: z-running (running), z-autoboot (autoboot=true, net on bge2), z-net-same (bge0),
    z-net-remap (bge1), z-nfs (NFS mount in its own vfstab), z-nfs-zonepath (zonepath on the
    NFS mount nas01:/export/zones at /nfszones), z-lofs, z-ufs (c1t1d0s0 at /opt/local),
    z-svm (soft partition d100 at /data), z-device (/dev/rmt/0 and c2t0d0), z-ready (clean).
    Root is an SVM mirror d10 (d11 on c1t0d0s0, d12 on c1t3d0s0).
    """
    rng = _rng(f"seed-rows:{hostname}")
    b = _Builder(hostname, "V240", rng, net=20, role="source")
    b.host.kernel = "Generic_147440-01"
    b.add_nics(plumbed=3, down=("bge3",))
    b.add_cdrom()
    boot = b.boot_disk("c1t0d0")
    mirror = b.root_mirror(boot, "c1t3d0")
    b.global_mounts(boot, "/dev/md/dsk/d10", "/dev/md/rdsk/d10", mirror)
    for kind in SEED_ROW_KINDS:
        b.zone(f"z-{kind}", kind)
    b.host.collected_at = "20240115093000"
    return b.host


def identical_destination(hostname: str = "dst-same-01", source: HostSpec | None = None) -> HostSpec:
    """A freshly installed host of the source's model with the same ports and disks (default: the seed host).

    Only the global zone, no SVM; the disks beyond the boot disk carry only the backup slice.
    """
    source = source or seed_rows_host()
    rng = _rng(f"identical:{hostname}:{source.hostname}")
    b = _Builder(hostname, source.model, rng, net=21, role="destination")
    b.host.kernel = source.kernel
    for number, nic in enumerate(source.physical_nics):
        copy = NicSpec(nic.name, nic.link, nic.speed_mbps, nic.duplex, nic.mtu, ether=b._mac())
        if nic.address:
            copy.address = f"10.21.{number + 1}.10"
        b.host.nics.append(copy)
    boot_name = min((d.name for d in source.disks if d.kind == "disk"), key=_disk_sort_key)
    for disk in sorted(source.disks, key=lambda d: _disk_sort_key(d.name)):
        if disk.kind == "cdrom":
            b.add_cdrom()
        elif disk.kind == "tape":
            b.add_tape()
        elif disk.name == boot_name:
            boot = b.boot_disk(disk.name, _product_key(disk))
        else:
            b.new_disk(_product_key(disk), disk.name)
    b.global_mounts(boot, f"/dev/dsk/{boot.name}s0", f"/dev/rdsk/{boot.name}s0", None)
    b.host.collected_at = "20240116100000"
    return b.host


def different_destination(hostname: str = "dst-diff-01") -> HostSpec:
    """A SPARC Enterprise T5220 (sun4v): e1000g ports instead of bge, two 73 GB disks, no tape."""
    rng = _rng(f"different:{hostname}")
    b = _Builder(hostname, "T5220", rng, net=22, role="destination")
    b.host.kernel = "Generic_147440-01"
    b.add_nics(plumbed=2)
    b.add_cdrom()
    boot = b.boot_disk("c1t0d0", "MAY2073RCSUN72G")
    b.new_disk("MAY2073RCSUN72G", "c1t1d0")
    b.global_mounts(boot, f"/dev/dsk/{boot.name}s0", f"/dev/rdsk/{boot.name}s0", None)
    b.host.collected_at = "20240116103000"
    return b.host


def _product_key(disk: DiskSpec) -> str:
    for key, product in DISK_PRODUCTS.items():
        if product.product == disk.product:
            return key
    raise ValueError(f"{disk.name}: unknown disk product {disk.product!r}")


# --- fleets -------------------------------------------------------------------------------------

_SITES = ("lon", "fra", "nyc", "sfo", "sin", "tyo", "ams", "par")
_ROLES = ("web", "app", "db", "batch", "mq", "ldap", "build", "report", "cache", "etl", "mail", "dns")
_SOURCE_MODELS = ("V240", "V445", "V490", "T2000", "T5220", "X4100", "X4200", "M4000")
_DESTINATION_MODELS = ("T5220", "T5240", "M4000", "X4200")


def _source_host(index: int, seed: int, kinds: Sequence[str]) -> HostSpec:
    rng = _rng(f"fleet:{seed}:{index}")
    model = rng.choice(_SOURCE_MODELS)
    site = rng.choice(_SITES)
    hostname = f"{site}-s10-{index + 1:03d}"
    b = _Builder(hostname, model, rng, net=30 + index % 200, role="source")
    nics = len(b.host.info.nics)
    b.add_nics(plumbed=min(nics - 1, rng.choice((1, 2, 3))) if nics > 1 else 1)
    b.add_cdrom()
    boot = b.boot_disk()
    if "svm" in kinds or rng.random() < 0.5:
        mirror = b.root_mirror(boot)
        b.global_mounts(boot, "/dev/md/dsk/d10", "/dev/md/rdsk/d10", mirror)
    else:
        b.global_mounts(boot, f"/dev/dsk/{boot.name}s0", f"/dev/rdsk/{boot.name}s0", None)
    used: set[str] = set()
    for number, kind in enumerate(kinds):
        role = _ROLES[(index + number) % len(_ROLES)]
        name = f"{role}{number + 1:02d}"
        while name in used:  # pragma: no cover - names are unique by construction
            name += "x"
        used.add(name)
        b.zone(name, kind, variety=True)
    b.host.collected_at = f"202401{8 + index % 20:02d}06{index % 60:02d}00"
    return b.host


def fleet(
    n_hosts: int, zones_per_host: int, seed: int, *, seed_rows_per_host: bool = False
) -> list[HostSpec]:
    """``n_hosts`` varied source hosts with ``zones_per_host`` zones each.

    Zone kinds are dealt round-robin over SEED_ROW_KINDS first, so the fleet covers
    every seed row as soon as ``n_hosts * zones_per_host >= len(SEED_ROW_KINDS)``;
    the rest are random FLEET_ZONE_KINDS.  With ``seed_rows_per_host`` the deal
    starts again on every host, so each host with enough zones covers every row (the
    benchmark fleet).  Models, ports, disks, SVM, addresses and resource controls vary
    with the seed.
    """
    rng = _rng(f"fleet-kinds:{seed}")
    deck = list(SEED_ROW_KINDS)
    hosts = []
    position = 0
    for index in range(n_hosts):
        if seed_rows_per_host:
            position = 0
        kinds = []
        for _ in range(zones_per_host):
            if position < len(deck):
                kinds.append(deck[position])
            else:
                kinds.append(rng.choice(FLEET_ZONE_KINDS))
            position += 1
        hosts.append(_source_host(index, seed, kinds))
    return hosts


def fleet_destinations(n_hosts: int, seed: int) -> list[HostSpec]:
    """``n_hosts`` freshly installed destination hosts (global zone only) of newer models."""
    hosts = []
    for index in range(n_hosts):
        rng = _rng(f"fleet-dest:{seed}:{index}")
        model = rng.choice(_DESTINATION_MODELS)
        b = _Builder(
            f"{rng.choice(_SITES)}-dst-{index + 1:03d}", model, rng, net=230 + index % 20, role="destination"
        )
        b.add_nics(plumbed=2)
        b.add_cdrom()
        boot = b.boot_disk()
        for _ in range(rng.choice((1, 1, 2, 3))):
            b.new_disk(_data_product(b.host.info))
        b.global_mounts(boot, f"/dev/dsk/{boot.name}s0", f"/dev/rdsk/{boot.name}s0", None)
        b.host.collected_at = f"202402{1 + index % 28:02d}120000"
        hosts.append(b.host)
    return hosts


# --- the demo fleet -----------------------------------------------------------------------------


def demo_hosts() -> tuple[list[HostSpec], list[HostSpec]]:
    """The demo's (sources, destinations): four source hosts and two destinations."""
    sources = [seed_rows_host("lon-erp-01")]
    plans = (
        ("fra-web-02", "T2000", 41, ("net-same", "net-same", "lofs", "nfs", "running")),
        ("nyc-db-03", "V490", 42, ("svm", "ufs", "net-same", "autoboot")),
        ("sfo-build-04", "X4200", 43, ("ready", "net-remap", "exclusive", "configured", "nfs")),
    )
    for hostname, model, net, kinds in plans:
        rng = _rng(f"demo:{hostname}")
        b = _Builder(hostname, model, rng, net=net, role="source")
        b.add_nics(plumbed=2)
        b.add_cdrom()
        boot = b.boot_disk()
        if "svm" in kinds:
            mirror = b.root_mirror(boot)
            b.global_mounts(boot, "/dev/md/dsk/d10", "/dev/md/rdsk/d10", mirror)
        else:
            b.global_mounts(boot, f"/dev/dsk/{boot.name}s0", f"/dev/rdsk/{boot.name}s0", None)
        for number, kind in enumerate(kinds):
            b.zone(f"{hostname.split('-')[1]}{number + 1:02d}", kind, variety=True)
        b.host.collected_at = "20240115110000"
        sources.append(b.host)
    destinations = [
        identical_destination("lon-erp-new01", sources[0]),
        different_destination("lon-t5220-01"),
    ]
    return sources, destinations


def demo_fleet(dest_dir: Path) -> list[Path]:
    """Write the demo bundles as collector tars into ``dest_dir``: four sources, then two destinations."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    sources, destinations = demo_hosts()
    return [write_bundle_tar(dest_dir, host) for host in [*sources, *destinations]]
