"""A source/destination pair that exercises every row of the seed's results table.

Built directly from the inventory dataclasses (no parser involved), for the tests, the
benchmark and demos.  ``seed_pair()`` gives nine zones, one per situation; ``copies``
repeats the set with numbered names and fresh addresses for larger hosts.

Zones (for ``copies=1``):

==========  =======================================================  =========================
zone        what it has                                              seed row
==========  =======================================================  =========================
z-web       running, autoboot, net bge1 (same port on destination),  running zones, add net,
            lofs /export/web                                         lofs
z-app       autoboot, net ce0 (no ce on destination)                 autoboot, add net
z-ufs       autoboot, ufs /opt/local on c1t1d0s0                     autoboot, add fs ufs
z-nfs       NFS /home in its own vfstab                              NFS mount
z-nfspath   zonepath on an NFS mount                                 NFS (zonepath)
z-svm       ufs /data on mirror d50                                  SVM
z-dev       devices /dev/rmt/0* and /dev/rdsk/c1t1d0s4               devices
z-excl      ready, exclusive-IP on bge3                              running zones, add net
z-big       ufs /bigdata on a 300 GB LUN                             add fs ufs (no space)
==========  =======================================================  =========================
"""

from __future__ import annotations

from planner.solaris.inventory import (
    DfEntry,
    Disk,
    HostInventory,
    IpInterface,
    Metadevice,
    Nic,
    Prtdiag,
    Uname,
    VfstabEntry,
    Vtoc,
    VtocSlice,
    Zone,
    ZoneConfig,
    ZoneDevice,
    ZoneFs,
    ZoneListEntry,
    ZoneNet,
)
from planner.solaris.release import parse_etc_release

GIB_KIB = 1024 * 1024
SECTORS_PER_MB = 2048
# 128 sectors x 16 heads: one cylinder is exactly 1 MB, which keeps test arithmetic exact.
MB_SPT, MB_TPC = 128, 16


def mb_vtoc(disk: str, cylinders: int, slices: dict[int, tuple[int, int, str]]) -> Vtoc:
    """A prtvtoc with 1 MB cylinders; ``slices`` maps index -> (start MB, size MB, mount point)."""
    parts = [
        VtocSlice(
            index=i,
            tag=0,
            flags="00",
            first_sector=start * SECTORS_PER_MB,
            sector_count=size * SECTORS_PER_MB,
            mount_point=mp,
        )
        for i, (start, size, mp) in sorted(slices.items())
    ]
    parts.append(
        VtocSlice(index=2, tag=5, flags="01", first_sector=0, sector_count=cylinders * SECTORS_PER_MB)
    )
    return Vtoc(
        disk=disk,
        sectors_per_track=MB_SPT,
        tracks_per_cylinder=MB_TPC,
        accessible_cylinders=cylinders,
        slices=sorted(parts, key=lambda s: s.index),
    )


def vfs(
    device: str, mount_point: str, fstype: str, fsck: str = "-", boot: str = "yes", options: str = "-"
) -> VfstabEntry:
    raw = device.replace("/dev/dsk/", "/dev/rdsk/").replace("/dev/md/dsk/", "/dev/md/rdsk/")
    fsck_device = raw if fstype == "ufs" else "-"
    return VfstabEntry(device, fsck_device, mount_point, fstype, fsck, boot, options)


def zone(
    name: str,
    *,
    state: str = "installed",
    zonepath: str = "",
    autoboot: bool = False,
    ip_type: str = "shared",
    nets: list[ZoneNet] | None = None,
    fs: list[ZoneFs] | None = None,
    devices: list[str] | None = None,
    vfstab: list[VfstabEntry] | None = None,
    sparse: bool = True,
) -> Zone:
    zp = zonepath or f"/zones/{name}"
    config = ZoneConfig(
        name=name,
        zonepath=zp,
        autoboot=autoboot,
        ip_type=ip_type,
        create_mode="sparse" if sparse else "whole",
        inherit_pkg_dirs=["/lib", "/platform", "/sbin", "/usr"] if sparse else [],
        nets=nets or [],
        fs=fs or [],
        devices=[ZoneDevice(m) for m in devices or []],
    )
    zoneid = "-" if state not in ("running", "ready") else "1"
    listed = ZoneListEntry(
        zoneid,
        name,
        state,
        zp,
        uuid="",
        brand="native",
        ip_type="excl" if ip_type == "exclusive" else "shared",
    )
    return Zone(name=name, state=state, config=config, vfstab=vfstab or [], listed=listed)


def ufs(directory: str, special: str) -> ZoneFs:
    raw = special.replace("/dev/dsk/", "/dev/rdsk/").replace("/dev/md/dsk/", "/dev/md/rdsk/")
    return ZoneFs(dir=directory, special=special, raw=raw, type="ufs")


def nic(name: str, driver: str, instance: int, link: str = "up", speed: int = 1000) -> Nic:
    return Nic(name=name, driver=driver, instance=instance, link_state=link, speed_mbps=speed, duplex="full")


def _seed_zones(suffix: str, net_octet: int, excl_port: str) -> list[Zone]:
    def addr(host: int, subnet: int = 10) -> str:
        return f"192.168.{subnet + net_octet}.{host}/24"

    s = suffix
    return [
        zone(
            f"z-web{s}",
            state="running",
            autoboot=True,
            nets=[ZoneNet("bge1", addr(21))],
            fs=[ZoneFs(dir="/export/web", special="/export/web", type="lofs")],
        ),
        zone(f"z-app{s}", autoboot=True, nets=[ZoneNet("ce0", addr(31, 20))]),
        zone(
            f"z-ufs{s}",
            autoboot=True,
            nets=[ZoneNet("bge1", addr(23))],
            fs=[ufs("/opt/local", "/dev/dsk/c1t1d0s0")],
        ),
        zone(
            f"z-nfs{s}",
            nets=[ZoneNet("bge1", addr(24))],
            vfstab=[vfs("nfssrv:/export/home", "/home", "nfs", options="rw,bg")],
        ),
        zone(f"z-nfspath{s}", zonepath=f"/nfszones/z-nfspath{s}", nets=[ZoneNet("bge1", addr(25))]),
        zone(f"z-svm{s}", nets=[ZoneNet("bge1", addr(26))], fs=[ufs("/data", "/dev/md/dsk/d50")]),
        zone(
            f"z-dev{s}",
            autoboot=True,
            nets=[ZoneNet("bge1", addr(27))],
            devices=["/dev/rmt/0*", "/dev/rdsk/c1t1d0s4"],
        ),
        zone(f"z-excl{s}", state="ready", ip_type="exclusive", nets=[ZoneNet(excl_port)], sparse=False),
        zone(f"z-big{s}", fs=[ufs("/bigdata", "/dev/dsk/c2t0d0s0")], nets=[ZoneNet("bge1", addr(29))]),
    ]


def seed_source(copies: int = 1, hostname: str = "src01") -> HostInventory:
    zones: list[Zone] = []
    excl_ports = ["bge3"] + [f"ce{i}" for i in range(1, copies)]
    for i in range(copies):
        zones += _seed_zones("" if i == 0 else str(i + 1), i * 2, excl_ports[i])
    nics = [nic(f"bge{i}", "bge", i) for i in range(4)] + [nic(f"ce{i}", "ce", i) for i in range(copies)]
    return HostInventory(
        hostname=hostname,
        uname=Uname("SunOS", hostname, "5.10", "Generic_147440-01", "sun4u", "sparc", "SUNW,Sun-Fire-V240"),
        prtdiag=Prtdiag("Sun Microsystems  sun4u Sun Fire V240", "Sun Fire V240", 1503, 8192),
        zones=zones,
        vfstab=[
            VfstabEntry("fd", "-", "/dev/fd", "fd", "-", "no", "-"),
            VfstabEntry("/proc", "-", "/proc", "proc", "-", "no", "-"),
            vfs("/dev/dsk/c1t0d0s1", "-", "swap", boot="no"),
            vfs("/dev/dsk/c1t0d0s0", "/", "ufs", fsck="1", boot="no"),
            vfs("/dev/dsk/c1t0d0s7", "/zones", "ufs", fsck="2"),
            vfs("filer:/vol/zones", "/nfszones", "nfs", options="rw,bg,hard"),
            VfstabEntry("swap", "-", "/tmp", "tmpfs", "-", "yes", "-"),  # noqa: S108 (a vfstab line, not a file)
        ],
        df=[
            DfEntry("/dev/dsk/c1t0d0s0", 12 * GIB_KIB, 6 * GIB_KIB, 6 * GIB_KIB, "50%", "/"),
            DfEntry("/dev/dsk/c1t0d0s7", 40 * GIB_KIB, 10 * GIB_KIB, 30 * GIB_KIB, "25%", "/zones"),
            DfEntry("filer:/vol/zones", 100 * GIB_KIB, 5 * GIB_KIB, 95 * GIB_KIB, "5%", "/nfszones"),
        ],
        metadevices=[
            Metadevice("d50", "mirror", ["d51", "d52"]),
            Metadevice("d51", "concat", ["c1t1d0s3"], rows=[["c1t1d0s3"]]),
            Metadevice("d52", "concat", ["c1t2d0s3"], rows=[["c1t2d0s3"]]),
        ],
        nics=nics,
        interfaces=[
            IpInterface("lo0", ["UP", "LOOPBACK"], 8232, 1, "inet", "127.0.0.1", "ff000000"),
            IpInterface(
                "bge0",
                ["UP", "BROADCAST", "RUNNING"],
                1500,
                2,
                "inet",
                "192.168.10.10",
                "ffffff00",
                "192.168.10.255",
            ),
        ],
        disks=[
            Disk("c1t0d0", 70000 * 1024 * 1024),
            Disk("c1t1d0", 70000 * 1024 * 1024),
            Disk("c1t2d0", 70000 * 1024 * 1024),
            Disk("c2t0d0", 310000 * 1024 * 1024),
        ],
        vtocs=[
            mb_vtoc("c1t0d0", 70000, {0: (0, 12288, "/"), 1: (12288, 4096, ""), 7: (16384, 40960, "/zones")}),
            mb_vtoc("c1t1d0", 70000, {0: (0, 1024, ""), 3: (1024, 2048, ""), 4: (3072, 512, "")}),
            mb_vtoc("c1t2d0", 70000, {3: (1024, 2048, "")}),
            mb_vtoc("c2t0d0", 310000, {0: (0, 307200, "")}),
        ],
        devices=["/dev/rmt/0"],
        origin="sample",
        # Installed from 8/11 (its kernel, 147440-01, is the 8/11 SPARC kernel [SF]) with SUNWCXall.
        release=parse_etc_release("Oracle Solaris 10 8/11 s10s_u10wos_17b SPARC\n", source="sample"),
        cluster="SUNWCXall",
    )


def seed_destination(hostname: str = "dst01", disks: int = 2, disk_mb: int = 140000) -> HostInventory:
    """An M4000-like box: bge0/bge1 on board, a quad e1000g card, a tape at /dev/rmt/1."""
    return HostInventory(
        hostname=hostname,
        uname=Uname(
            "SunOS", hostname, "5.10", "Generic_147440-01", "sun4u", "sparc", "SUNW,SPARC-Enterprise"
        ),
        prtdiag=Prtdiag(
            "Sun Microsystems  sun4u Sun SPARC Enterprise M4000 Server",
            "SPARC Enterprise M4000 Server",
            2150,
            32768,
        ),
        nics=[nic("bge0", "bge", 0), nic("bge1", "bge", 1)]
        + [nic(f"e1000g{i}", "e1000g", i, "up" if i == 0 else "unknown") for i in range(4)],
        disks=[Disk(f"c0t{i}d0", disk_mb * 1024 * 1024) for i in range(disks)],
        vtocs=[mb_vtoc(f"c0t{i}d0", disk_mb, {}) for i in range(disks)],
        devices=["/dev/rmt/1"],
        origin="sample",
    )


def seed_pair(copies: int = 1) -> tuple[HostInventory, HostInventory]:
    return seed_source(copies), seed_destination()
