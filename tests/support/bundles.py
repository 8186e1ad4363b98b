"""Test data of the whole suite: collector bundles and in-memory inventories, built in one place.

* :func:`collector_files` writes the files the collector (``scripts/zflar-collect``) would leave
  on a host, in the real Solaris 10 formats, for a host of a :class:`Hardware` model with some
  zones and network ports; :func:`make_tar` packs them; :func:`hardware_spec` is the JSON
  destination form.
* Two presets pick the hardware and the zones' configuration: :data:`v240` (the API and security
  tests: a V240 whose zones run, each with a net and a tape device) and :data:`t5220` (the web
  tests: a T5220 whose zones are installed and halted, with a lofs mount; the first has a tape).
  The module-level :func:`bundle_files`, :func:`source_bundle` and :func:`destination_bundle` are
  the V240 preset's.
* The in-memory builders (:func:`host`, :func:`zone`, :func:`nic`, :func:`ufs`, :func:`vfs`,
  :func:`mb_vtoc`, :func:`df`) make ``HostInventory`` objects with no parser in between, for the
  planner domain tests; :func:`codes`, :func:`one` and :func:`findings_of` read a plan's findings.

The larger generated fleets (demo, seed rows, benchmarks) are ``planner.fleet``.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from planner.domain.findings import Finding
from planner.domain.plan import PlanResult
from planner.domain.samples import GIB_KIB, mb_vtoc, nic, ufs, vfs, zone
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
    Zone,
)
from tests.support.plans import os_release

__all__ = [
    "GIB_KIB",
    "Hardware",
    "Preset",
    "bundle_files",
    "codes",
    "collector_files",
    "destination_bundle",
    "df",
    "findings_of",
    "hardware_spec",
    "host",
    "make_tar",
    "mb_vtoc",
    "nic",
    "one",
    "source_bundle",
    "t5220",
    "ufs",
    "v240",
    "vfs",
    "zone",
    "zonecfg_export",
]

# --- the files a collector run writes -------------------------------------------------------------


@dataclass(frozen=True)
class Hardware:
    """What a host's hardware commands print (``{host}`` in ``uname`` is the hostname)."""

    uname: str
    prtdiag: str
    iostat: Callable[[Sequence[str]], str]  # disks -> iostat -En
    prtvtoc: Callable[[str], str]  # disk -> prtvtoc of its s2
    df_k: Callable[[int], str]  # number of zones -> df -k
    vfstab: str


@dataclass(frozen=True)
class ZoneFiles:
    """One zone as the collector lists and exports it."""

    name: str
    state: str
    uuid: str
    config: str  # zonecfg export


def collector_files(
    hostname: str,
    *,
    hardware: Hardware,
    zones: Sequence[ZoneFiles] = (),
    ports: Sequence[str] = ("bge0",),
    disks: Sequence[str] = ("c1t0d0", "c1t1d0"),
    labelled_disks: Sequence[str] = ("c1t0d0",),
) -> dict[str, str]:
    """The collector's files for ``hostname``: system, zones (list and one export each), network
    ports, disks (``prtvtoc`` of ``labelled_disks``), mounts and the global zone's vfstab."""
    listing = ["0:global:running:/::native:shared"]
    files: dict[str, str] = {}
    for i, z in enumerate(zones, start=1):
        listing.append(f"{i}:{z.name}:{z.state}:/zones/{z.name}:{z.uuid}:native:shared")
        files[f"zones/{z.name}.cfg"] = z.config
    files.update(
        {
            "hostname": hostname + "\n",
            "uname-a": hardware.uname.format(host=hostname),
            "prtdiag": hardware.prtdiag,
            "zoneadm-list-cvp": "\n".join(listing) + "\n",
            "dladm-show-dev": "".join(
                f"{p:<16}link: up        speed: 1000  Mbps       duplex: full\n" for p in ports
            ),
            "iostat-En": hardware.iostat(disks),
        }
    )
    for disk in labelled_disks:
        files[f"prtvtoc/{disk}"] = hardware.prtvtoc(disk)
    files["df-k"] = hardware.df_k(len(zones))
    files["etc/vfstab"] = hardware.vfstab
    return files


def make_tar(
    files: dict[str, str | bytes],
    *,
    top: str = "bundle",
    gz: bool = True,
    extra: list[tarfile.TarInfo] | None = None,
) -> bytes:
    """A .tar(.gz) with every file under one top folder, plus any hand-made members."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if gz else "w", format=tarfile.GNU_FORMAT) as tar:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
        for info in extra or []:
            tar.addfile(info)
    return buffer.getvalue()


def hardware_spec(hostname: str = "specbox") -> bytes:
    """A hardware spec (docs/hardware-spec.md) of a T5220 with two ports and two disks."""
    return json.dumps(
        {
            "hostname": hostname,
            "model": "SPARC Enterprise T5220",
            "nics": [{"name": "e1000g0", "speed_mbps": 1000}, {"name": "e1000g1"}],
            "disks": [{"name": "c1t0d0", "size_gb": 146}, {"name": "c1t1d0", "size_gb": 146}],
        }
    ).encode()


# --- zonecfg exports ------------------------------------------------------------------------------

_INHERITED = "".join(
    f"add inherit-pkg-dir\nset dir={d}\nend\n" for d in ("/lib", "/platform", "/sbin", "/usr")
)
_TAPE = "add device\nset match=/dev/rmt/0*\nend\n"


def zonecfg_export(
    zone: str, *, autoboot: bool, address: str, port: str, lofs: bool = False, tape: bool = True
) -> str:
    """A sparse-root zone's ``zonecfg export``: one net, optionally a lofs mount and a tape."""
    text = (
        f"create -b\nset zonepath=/zones/{zone}\nset autoboot={str(autoboot).lower()}\nset ip-type=shared\n"
    )
    text += _INHERITED
    if lofs:
        text += f"add fs\nset dir=/export/data\nset special=/export/shared/{zone}\nset type=lofs\nend\n"
    text += f"add net\nset address={address}\nset physical={port}\nend\n"
    return text + (_TAPE if tape else "")


# --- two hardware models --------------------------------------------------------------------------

_SEAGATE_73 = """{disk}           Soft Errors: 0 Hard Errors: 0 Transport Errors: 0
Vendor: SEAGATE  Product: ST373207LSUN72G  Revision: 045A Serial No: 3HZ7Z3CJ0000{serial}
Size: 73.40GB <73400057856 bytes>
Media Error: 0 Device Not Ready: 0 No Device: 0 Recoverable: 0
Illegal Request: 0 Predictive Failure Analysis: 0
"""

_V240_VTOC = """* /dev/rdsk/{disk}s2 partition map
*
* Dimensions:
*     512 bytes/sector
*     424 sectors/track
*      24 tracks/cylinder
*   10176 sectors/cylinder
*   14089 cylinders
*   14087 accessible cylinders
*
*                          First     Sector    Last
* Partition  Tag  Flags    Sector     Count    Sector  Mount Directory
       0      2    00    8406720  20484288  28891007   /
       1      3    01          0   8406720   8406719
       2      5    00          0 143349312 143349311
       7      0    00   28891008 114458304 143349311   /zones
"""

_V240_VFSTAB = """#device\t\tdevice\t\tmount\t\tFS\tfsck\tmount\tmount
/dev/dsk/c1t0d0s1\t-\t-\tswap\t-\tno\t-
/dev/dsk/c1t0d0s0\t/dev/rdsk/c1t0d0s0\t/\tufs\t1\tno\tlogging
/dev/dsk/c1t0d0s7\t/dev/rdsk/c1t0d0s7\t/zones\tufs\t2\tyes\tlogging
"""

V240 = Hardware(
    uname="SunOS {host} 5.10 Generic_147440-01 sun4u sparc SUNW,Sun-Fire-V240\n",
    prtdiag="System Configuration: Sun Microsystems  sun4u Sun Fire V240\nMemory size: 8GB\n",
    iostat=lambda disks: "".join(_SEAGATE_73.format(disk=d, serial=7505 + n) for n, d in enumerate(disks)),
    prtvtoc=lambda disk: _V240_VTOC.format(disk=disk),
    df_k=lambda _zones: (
        "Filesystem            kbytes    used   avail capacity  Mounted on\n"
        "/dev/dsk/c1t0d0s0    10332220 4566320 5662578    45%    /\n"
        "/dev/dsk/c1t0d0s7    56229152 2048000 53618862    4%    /zones\n"
    ),
    vfstab=_V240_VFSTAB,
)

_SEAGATE_146 = """{disk}           Soft Errors: 0 Hard Errors: 0 Transport Errors: 0
Vendor: SEAGATE  Product: ST914602SSUN146G Revision: 0603 Serial No: 0812Z0{n:04d}
Size: 146.80GB <146815733760 bytes>
Media Error: 0 Device Not Ready: 0 No Device: 0 Recoverable: 0
Illegal Request: 0 Predictive Failure Analysis: 0
"""

_T5220_VTOC = """* /dev/rdsk/{disk}s2 partition map
*
* Dimensions:
*     512 bytes/sector
*     625 sectors/track
*      20 tracks/cylinder
*   12500 sectors/cylinder
*   22941 cylinders
*   22939 accessible cylinders
*
*                          First     Sector    Last
* Partition  Tag  Flags    Sector     Count    Sector  Mount Directory
       0      2    00          0  20500000  20499999   /
       1      3    01   20500000   8200000  28699999
       2      5    00          0 286737500 286737499
       7      0    00   28700000  60000000  88699999   /zones
"""

T5220 = Hardware(
    uname="SunOS {host} 5.10 Generic_150400-40 sun4v sparc SUNW,SPARC-Enterprise-T5220\n",
    prtdiag=(
        "System Configuration: Sun Microsystems  sun4v SPARC Enterprise T5220\nMemory size: 16256 Megabytes\n"
    ),
    iostat=lambda disks: "".join(_SEAGATE_146.format(disk=d, n=n) for n, d in enumerate(disks)),
    prtvtoc=lambda disk: _T5220_VTOC.format(disk=disk),
    df_k=lambda zones: (
        "Filesystem            kbytes    used   avail capacity  Mounted on\n"
        "/dev/dsk/c1t0d0s0    10080200 5120400 4858998    52%    /\n"
        f"/dev/dsk/c1t0d0s7    29521000 {max(1, zones) * 150000} 20000000    30%    /zones\n"
    ),
    vfstab=_V240_VFSTAB.replace(
        "\tmount\n", "\tmount\n#to mount\tto fsck\t\tpoint\t\ttype\tpass\tat boot\toptions\n", 1
    ),
)


# --- the presets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A kind of test host: its hardware, how its zones are configured, its default names."""

    hardware: Hardware
    zone_files: Callable[[int, str, str, bool], ZoneFiles]  # (number, zone, port, devices)
    source: tuple[str, tuple[str, ...], tuple[str, ...]]  # hostname, zones, ports
    destination: tuple[str, tuple[str, ...]]  # hostname, ports

    def files(
        self,
        hostname: str,
        *,
        zones: tuple[str, ...] = (),
        ports: tuple[str, ...] = ("e1000g0", "e1000g1"),
        zone_port: str = "",
        disks: tuple[str, ...] = ("c1t0d0", "c1t1d0"),
        devices: bool = True,
    ) -> dict[str, str]:
        """The collector's files of a host of this kind (zones' nets on ``zone_port``, else the
        first port)."""
        port = zone_port or ports[0]
        return collector_files(
            hostname,
            hardware=self.hardware,
            zones=[self.zone_files(i, z, port, devices) for i, z in enumerate(zones, start=1)],
            ports=ports,
            disks=disks,
            labelled_disks=disks[:1],
        )

    # The web tests' name for it.
    host_files = files
    make_tar = staticmethod(make_tar)
    hardware_spec = staticmethod(hardware_spec)
    zonecfg_export = staticmethod(zonecfg_export)

    def source_bundle(self, hostname: str = "", zones: tuple[str, ...] | None = None, **kw: Any) -> bytes:
        default_host, default_zones, ports = self.source
        name = hostname or default_host
        files = self.files(name, zones=default_zones if zones is None else zones, ports=ports, **kw)
        return make_tar(files, top=f"{name}-bundle")

    def destination_bundle(self, hostname: str = "") -> bytes:
        default_host, ports = self.destination
        name = hostname or default_host
        return make_tar(self.files(name, ports=ports), top=f"{name}-bundle")


def _v240_zone(i: int, name: str, port: str, devices: bool) -> ZoneFiles:
    return ZoneFiles(
        name=name,
        state="running",
        uuid=f"8f3a1c2e-5b4d-6e7f-8091-a2b3c4d5e6f{i}",
        config=zonecfg_export(
            name, autoboot=True, address=f"192.168.10.{20 + i}/24", port=port, tape=devices
        ),
    )


def _t5220_zone(i: int, name: str, port: str, devices: bool) -> ZoneFiles:
    return ZoneFiles(
        name=name,
        state="installed",
        uuid=f"5c2f1a3e-9d40-4b1e-8f00-{i:012d}",
        config=zonecfg_export(
            name,
            autoboot=bool(i % 2),
            address=f"10.1.{i // 200 + 1}.{i % 200 + 10}/24",
            port=port,
            lofs=True,
            tape=devices and i == 1,
        ),
    )


v240 = Preset(
    hardware=V240,
    zone_files=_v240_zone,
    source=("src01", ("web01", "app01"), ("bge0", "bge1")),
    destination=("dst01", ("e1000g0", "e1000g1")),
)
t5220 = Preset(
    hardware=T5220,
    zone_files=_t5220_zone,
    source=("oldbox", ("web01", "db01"), ("bge0", "bge1")),
    destination=("newbox", ("e1000g0", "e1000g1")),
)


def bundle_files(
    hostname: str, *, zones: tuple[str, ...] = (), ports: tuple[str, ...] = ("bge0",)
) -> dict[str, str]:
    """A V240's collector files (zones running, one net each on the first port)."""
    return v240.files(hostname, zones=zones, ports=ports)


def source_bundle(hostname: str = "src01", zones: tuple[str, ...] = ("web01", "app01")) -> bytes:
    """A V240 with running zones (nets on bge0), as a .tar.gz."""
    return v240.source_bundle(hostname, zones)


def destination_bundle(hostname: str = "dst01") -> bytes:
    """A V240 with no zones and e1000g ports, as a .tar.gz."""
    return v240.destination_bundle(hostname)


# --- in-memory inventories (no parser) ------------------------------------------------------------

V240_PLATFORM = ("sun4u", "sparc", "SUNW,Sun-Fire-V240", "Sun Fire V240")


def host(
    name: str,
    *,
    zones: list[Zone] | None = None,
    nics: list[Nic] | None = None,
    disks_mb: dict[str, int] | None = None,
    vtocs: list[Vtoc] | None = None,
    vfstab: list[VfstabEntry] | None = None,
    df: list[DfEntry] | None = None,
    metadevices: list[Metadevice] | None = None,
    devices: list[str] | None = None,
    interfaces: list[IpInterface] | None = None,
    platform: tuple[str, str, str, str] = V240_PLATFORM,
    memory_mb: int | None = 4096,
    release: str | None = None,
) -> HostInventory:
    """A host; disks given in MB get 1 MB cylinders so layout numbers stay exact.

    ``release`` is an /etc/release update such as "10/09" (none: the release is unknown).
    """
    machine, processor, uname_i, model = platform
    # One roomy disk unless the test is about disks, so layout blockers stay out of NIC tests.
    disks_mb = {"c1t0d0": 140000} if disks_mb is None else disks_mb
    all_vtocs = list(vtocs or [])
    known = {v.disk for v in all_vtocs}
    all_vtocs += [mb_vtoc(d, mb, {}) for d, mb in disks_mb.items() if d not in known]
    return HostInventory(
        hostname=name,
        uname=Uname("SunOS", name, "5.10", "Generic_147440-01", machine, processor, uname_i),
        prtdiag=Prtdiag(f"Sun Microsystems  {machine} {model}", model, None, memory_mb),
        zones=zones or [],
        nics=nics if nics is not None else [nic(f"bge{i}", "bge", i) for i in range(4)],
        disks=[Disk(d, mb * 1024 * 1024) for d, mb in disks_mb.items()],
        vtocs=all_vtocs,
        vfstab=vfstab or [],
        df=df or [],
        metadevices=metadevices or [],
        devices=devices or [],
        interfaces=interfaces or [],
        release=os_release(release, "x86" if machine == "i86pc" else "sparc") if release else None,
    )


def df(mount_point: str, used_mb: int, size_mb: int = 0, device: str = "") -> DfEntry:
    size = size_mb or used_mb * 2
    return DfEntry(
        device or f"/dev/dsk/{mount_point}",
        size * 1024,
        used_mb * 1024,
        (size - used_mb) * 1024,
        "50%",
        mount_point,
    )


def findings_of(result: PlanResult, zone_name: str | None = None) -> list[Finding]:
    if zone_name is None:
        return result.host_findings
    z = result.zone(zone_name)
    assert z is not None, f"no zone {zone_name} in the plan"
    return z.findings


def codes(result: PlanResult, zone_name: str | None = None) -> list[str]:
    return [f.code for f in findings_of(result, zone_name)]


def one(result: PlanResult, zone_name: str | None, code: str) -> Finding:
    found = [f for f in findings_of(result, zone_name) if f.code == code]
    assert len(found) == 1, (
        f"expected one {code} for {zone_name}, got {[f.code for f in findings_of(result, zone_name)]}"
    )
    return found[0]
