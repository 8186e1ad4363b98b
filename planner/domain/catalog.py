"""Built-in destination templates for common Sun servers.

A catalog entry stands in for a destination that has not been collected yet: the plan
can be drawn against "a T5220 with two 146 GB disks" before the box is racked.  Only
on-board hardware is listed; add-in cards (quad GbE, HBAs, tape) are not.

The facts below are from memory of the Sun system handbooks, not from a machine.
Where a recollection is shaky the entry says so in a comment; the planner never
relies on a catalog port without showing it in the NIC mapping table, so a wrong
guess is visible and can be overridden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planner.solaris.inventory import Disk, HostInventory, Nic, Prtdiag, Uname
from planner.solaris.names import check_hostname

GB = 1000**3  # disk vendors count decimal gigabytes; a "146 GB" disk is 146e9 bytes


class UnknownModelError(ValueError):
    """The model is not in the catalog (the message lists the models that are)."""


@dataclass(frozen=True)
class NicGroup:
    driver: str
    count: int
    speed_mbps: int = 1000
    first_instance: int = 0


@dataclass(frozen=True)
class CatalogModel:
    key: str  # short name the UI and CLI use: "V240"
    name: str  # marketing name: "Sun Fire V240"
    machine: str  # uname -m: sun4u, sun4v, i86pc
    processor: str  # uname -p: sparc, i386
    platform: str  # uname -i: SUNW,Sun-Fire-V240
    prtdiag_model: str  # what prtdiag prints after "System Configuration: Sun Microsystems  <arch>"
    nics: tuple[NicGroup, ...]
    disk_bays: int
    disk_controller: int  # internal disks are c<controller>t<bay>d0
    default_disk_gb: int
    default_disks: int  # how many bays a typical order filled
    memory_mb: int  # a typical configuration, used to size swap when nothing better is known
    notes: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def nic_names(self) -> list[str]:
        return [f"{g.driver}{g.first_instance + i}" for g in self.nics for i in range(g.count)]

    def disk_names(self, count: int | None = None) -> list[str]:
        n = self.default_disks if count is None else count
        return [f"c{self.disk_controller}t{bay}d0" for bay in range(min(n, self.disk_bays))]


_MODELS: tuple[CatalogModel, ...] = (
    CatalogModel(
        key="V210",
        name="Sun Fire V210",
        machine="sun4u",
        processor="sparc",
        platform="SUNW,Sun-Fire-V210",
        prtdiag_model="Sun Fire V210",
        # Two BCM5704 dual-port chips: bge0-bge3.
        nics=(NicGroup("bge", 4),),
        disk_bays=2,
        # c0 is the IDE DVD on the V210/V240; the SCSI disks are on c1.
        disk_controller=1,
        default_disk_gb=73,
        default_disks=2,
        memory_mb=2048,
    ),
    CatalogModel(
        key="V240",
        name="Sun Fire V240",
        machine="sun4u",
        processor="sparc",
        platform="SUNW,Sun-Fire-V240",
        prtdiag_model="Sun Fire V240",
        nics=(NicGroup("bge", 4),),
        disk_bays=4,
        disk_controller=1,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=4096,
    ),
    CatalogModel(
        key="V440",
        name="Sun Fire V440",
        machine="sun4u",
        processor="sparc",
        platform="SUNW,Sun-Fire-V440",
        prtdiag_model="Sun Fire V440",
        # Two on-board GbE ports on the Cassini chip (ce driver).
        nics=(NicGroup("ce", 2),),
        disk_bays=4,
        disk_controller=1,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=8192,
    ),
    CatalogModel(
        key="V445",
        name="Sun Fire V445",
        machine="sun4u",
        processor="sparc",
        platform="SUNW,Sun-Fire-V445",
        prtdiag_model="Sun Fire V445",
        nics=(NicGroup("bge", 4),),
        disk_bays=8,
        disk_controller=1,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=8192,
    ),
    CatalogModel(
        key="V490",
        name="Sun Fire V490",
        machine="sun4u",
        processor="sparc",
        platform="SUNW,Sun-Fire-V490",
        prtdiag_model="Sun Fire V490",
        # Uncertain: the V480/V490 centerplane has two 10/100/1000 ports; my recollection is
        # that both are Cassini (ce0, ce1), while the RSC card's own 10/100 port is not a
        # host NIC.  Some documents show the second port as eri on older V480s; check
        # dladm show-dev on the real box.
        nics=(NicGroup("ce", 2),),
        disk_bays=2,
        # Two internal FC-AL disks on the on-board loop.
        disk_controller=1,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=16384,
    ),
    CatalogModel(
        key="T1000",
        name="Sun Fire T1000",
        machine="sun4v",
        processor="sparc",
        platform="SUNW,Sun-Fire-T1000",
        prtdiag_model="Sun Fire T1000",
        nics=(NicGroup("e1000g", 4),),
        disk_bays=1,
        disk_controller=0,
        default_disk_gb=80,
        default_disks=1,
        memory_mb=8192,
    ),
    CatalogModel(
        key="T2000",
        name="Sun Fire T2000",
        machine="sun4v",
        processor="sparc",
        # uname -i and prtdiag really say T200, not T2000.
        platform="SUNW,Sun-Fire-T200",
        prtdiag_model="Sun Fire T200",
        # Two Intel dual-port chips: e1000g0-e1000g3.
        nics=(NicGroup("e1000g", 4),),
        disk_bays=4,
        # Uncertain: on-board LSI SAS1064; seen as c0 or c1 depending on OBP/firmware.
        disk_controller=1,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=16384,
        aliases=("T200",),
    ),
    CatalogModel(
        key="T5120",
        name="Sun SPARC Enterprise T5120",
        machine="sun4v",
        processor="sparc",
        platform="SUNW,SPARC-Enterprise-T5120",
        prtdiag_model="SPARC Enterprise T5120",
        nics=(NicGroup("e1000g", 4),),
        disk_bays=4,
        disk_controller=1,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=32768,
        notes="The UltraSPARC T2 NIU gives two optional 10 GbE XAUI ports (nxge0, nxge1) with XAUI cards.",
    ),
    CatalogModel(
        key="T5220",
        name="Sun SPARC Enterprise T5220",
        machine="sun4v",
        processor="sparc",
        platform="SUNW,SPARC-Enterprise-T5220",
        prtdiag_model="SPARC Enterprise T5220",
        # Four on-board GbE ports on two Intel dual-port chips (e1000g0-3).  The NIU's two
        # 10 GbE XAUI ports (nxge0, nxge1) exist only with optional XAUI cards: not listed.
        nics=(NicGroup("e1000g", 4),),
        disk_bays=8,
        disk_controller=1,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=32768,
        notes="Optional XAUI cards add nxge0 and nxge1 (10 GbE) from the on-chip NIU.",
    ),
    CatalogModel(
        key="T5140",
        name="Sun SPARC Enterprise T5140",
        machine="sun4v",
        processor="sparc",
        platform="SUNW,T5140",
        prtdiag_model="T5140",
        # See T5240: the on-board ports are on a Neptune chip (nxge), to my knowledge.
        nics=(NicGroup("nxge", 4),),
        disk_bays=4,
        disk_controller=1,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=32768,
    ),
    CatalogModel(
        key="T5240",
        name="Sun SPARC Enterprise T5240",
        machine="sun4v",
        processor="sparc",
        platform="SUNW,T5240",
        prtdiag_model="T5240",
        # Deliberate departure from "e1000g0-3": to my knowledge the T5140/T5240 (UltraSPARC
        # T2 Plus, no on-chip NIU) carry the four on-board GbE ports on a Sun Neptune chip,
        # driven by nxge (nxge0-nxge3); the same chip serves the optional 10 GbE XAUI ports.
        # The T5120/T5220 are the ones with Intel e1000g on-board.  Verify with dladm show-dev.
        nics=(NicGroup("nxge", 4),),
        disk_bays=8,
        disk_controller=1,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=32768,
        notes="On-board GbE is nxge (Neptune) on T5x40, unlike e1000g on T5x20 (unverified here).",
    ),
    CatalogModel(
        key="X4100",
        name="Sun Fire X4100",
        machine="i86pc",
        processor="i386",
        platform="i86pc",
        prtdiag_model="Sun Fire X4100 Server",
        # Four GbE ports: two on the nVidia chipset (nge0, nge1) and two on an Intel dual-port
        # chip (e1000g0, e1000g1).  Which physical jack is which varies by board revision;
        # the count and the drivers are what matters for planning.
        nics=(NicGroup("nge", 2), NicGroup("e1000g", 2)),
        disk_bays=2,
        disk_controller=1,
        default_disk_gb=73,
        default_disks=2,
        memory_mb=4096,
    ),
    CatalogModel(
        key="X4200",
        name="Sun Fire X4200",
        machine="i86pc",
        processor="i386",
        platform="i86pc",
        prtdiag_model="Sun Fire X4200 Server",
        nics=(NicGroup("nge", 2), NicGroup("e1000g", 2)),
        disk_bays=4,
        disk_controller=1,
        default_disk_gb=73,
        default_disks=2,
        memory_mb=8192,
    ),
    CatalogModel(
        key="M4000",
        name="Sun SPARC Enterprise M4000",
        machine="sun4u",
        processor="sparc",
        # Every M-series box reports the same uname -i; prtdiag tells them apart.
        platform="SUNW,SPARC-Enterprise",
        prtdiag_model="SPARC Enterprise M4000 Server",
        # The base I/O unit card (IOUA) has two GbE ports (bge0, bge1) and the two disk bays.
        nics=(NicGroup("bge", 2),),
        disk_bays=2,
        disk_controller=0,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=32768,
    ),
)


def _normalise(name: str) -> str:
    text = name.upper().replace("SUNW,", "")
    for word in ("SUN FIRE", "SUN-FIRE", "SPARC ENTERPRISE", "SPARC-ENTERPRISE", "SERVER", "SUN"):
        text = text.replace(word, "")
    return re.sub(r"[^A-Z0-9]", "", text)


def list_models() -> list[CatalogModel]:
    return list(_MODELS)


def find_model(model: str) -> CatalogModel:
    wanted = _normalise(model)
    for m in _MODELS:
        names = (m.key, m.name, m.prtdiag_model, *m.aliases)
        if wanted in {_normalise(n) for n in names}:
            return m
    known = ", ".join(m.key for m in _MODELS)
    raise UnknownModelError(f"unknown model {model!r}; the catalog has {known}")


def catalog_destination(model: str, hostname: str, disk_gb: int | None = None) -> HostInventory:
    """A destination inventory for a catalog model, as if collected from a fresh box."""
    check_hostname(hostname, source=f"catalog:{model}")
    m = find_model(model)
    size_gb = disk_gb if disk_gb is not None else m.default_disk_gb
    nics: list[Nic] = []
    for group in m.nics:
        for i in range(group.count):
            instance = group.first_instance + i
            nics.append(
                Nic(
                    name=f"{group.driver}{instance}",
                    driver=group.driver,
                    instance=instance,
                    link_state="unknown",
                    speed_mbps=group.speed_mbps,
                    duplex="full",
                )
            )
    disks = [Disk(name=d, size_bytes=size_gb * GB) for d in m.disk_names()]
    return HostInventory(
        hostname=hostname,
        uname=Uname(
            sysname="SunOS",
            nodename=hostname,
            release="5.10",
            machine=m.machine,
            processor=m.processor,
            platform=m.platform,
        ),
        prtdiag=Prtdiag(
            system_configuration=f"Sun Microsystems  {m.machine} {m.prtdiag_model}",
            model=m.prtdiag_model,
            memory_mb=m.memory_mb,
        ),
        nics=nics,
        disks=disks,
        origin=f"catalog:{m.key}",
    )
