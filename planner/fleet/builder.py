"""Build a :class:`HostSpec` step by step: ports, disks and slices, SVM, global mounts, and zones
of every kind, allocating addresses, slices and soft partitions as a real host would have them."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable

from planner.solaris.inventory import (
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

from .hardware import (
    CDROM,
    DISK_PRODUCTS,
    GB,
    MODELS,
    NFS_SERVER,
    NFS_ZONES_EXPORT,
    NFS_ZONES_MOUNT,
    SECTOR,
    SPARC_KERNELS,
    TAPE,
    X86_KERNELS,
    DiskProduct,
    ModelInfo,
)
from .spec import FLEET_ZONE_KINDS, DiskSpec, HostSpec, MetaSpec, MountSpec, NicSpec, SliceSpec, ZoneSpec

# --- building hosts -----------------------------------------------------------------------------


class HostBuilder:
    """Allocates what zones need on one host: addresses, slices, soft partitions, disks."""

    def __init__(self, hostname: str, model: str, rng: random.Random, net: int, role: str) -> None:
        self.rng = rng
        self.net = net  # the second octet of this host's networks: 10.<net>.<nic>.x
        kernels = X86_KERNELS if MODELS[model].machine == "i86pc" else SPARC_KERNELS
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
        count = -(-size_bytes // SECTOR // spc) * spc if size_bytes else disk.accessible_sectors - first
        if count <= 0 or first + count > disk.accessible_sectors or disk.slice(index):
            return 0
        disk.slices.append(SliceSpec(index, tag, flags, first, count, mount))
        return count

    def add_cdrom(self) -> None:
        if self.host.info.cdrom:
            serial = ""
            self.host.disks.append(
                DiskSpec(
                    self.host.info.cdrom, CDROM.vendor, CDROM.product, CDROM.revision, serial, kind="cdrom"
                )
            )

    def add_tape(self) -> DiskSpec:
        if self.tape is None:
            self.tape = DiskSpec("rmt/0", TAPE.vendor, TAPE.product, TAPE.revision, "HU10638WC7", kind="tape")
            self.host.disks.append(self.tape)
        return self.tape

    def boot_disk(self, name: str = "", product: str = "", home: bool = True) -> DiskSpec:
        disk = self.new_disk(product or self.host.info.disk, name)
        self.add_slice(disk, 0, 2, "00", 30 * GB, "/")
        self.add_slice(disk, 1, 3, "01", 8 * GB)
        if home:
            self.add_slice(disk, 6, 8, "00", disk.size_bytes - 40 * GB, "/export/home")
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
            self.ufs_disk = self.new_disk(product or data_product(self.host.info))
        raise ValueError(f"a {size_bytes}-byte slice does not fit on an empty data disk")

    def soft_partition(self, size_bytes: int) -> str:
        """A new soft partition (d100, d101, ...) on a whole-disk slice s0 of an SVM data disk."""
        blocks = size_bytes // SECTOR
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
            disk = self.new_disk(data_product(self.host.info))
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
            size = 120 * GB if not variety else rng.choice((8, 10, 12, 16)) * GB
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
            md = self.soft_partition((20 if not variety else rng.choice((5, 10, 20))) * GB)
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


def data_product(info: ModelInfo) -> str:
    return "ST314655LSUN146G" if info.machine == "sun4u" and info.key != "M4000" else "ST914602SSUN146G"


def _ufs_kbytes(sectors: int) -> int:
    return sectors // 2 * 984 // 1000  # what newfs leaves after metadata


def _ufs_avail(kbytes: int, used: int) -> int:
    return max(kbytes - used - kbytes // 100, 0)  # 1% minfree
