"""Built-in destination templates for common Sun servers.

A catalog entry stands in for a destination that has not been collected yet: the plan
can be drawn against "a T5220 with two 146 GB disks" before the box is racked.  Only
on-board hardware is listed; add-in cards (quad GbE, HBAs, tape) are not.

The facts below are from memory of the Sun system handbooks, not from a machine.
Where a recollection is shaky the entry says so in a comment; the planner never
relies on a catalog port without showing it in the NIC mapping table, so a wrong
guess is visible and can be overridden.

The platform facts the release-aware rules use (kernel architecture, minimum Solaris 10
update or "no native Solaris 10", Solaris 11, usual NIC driver) each carry the source key
of ../shared/reference/solaris10-releases.md, or ``U`` (unconfirmed: shown as such, never
a blocking rule).  docs/catalog.md tabulates them with the sources' addresses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.domain.releases import UNCONFIRMED
from planner.solaris.inventory import Disk, HostInventory, Nic, Prtdiag, Uname
from planner.solaris.names import check_hostname
from planner.solaris.system import model_key

GB = 1000**3  # disk vendors count decimal gigabytes; a "146 GB" disk is 146e9 bytes


class UnknownModelError(ValueError):
    """The model is not in the catalog (the message lists the models that are)."""


@dataclass(frozen=True)
class NicGroup:
    driver: str
    count: int
    speed_mbps: int = 1000
    first_instance: int = 0


NO_NATIVE_S10 = "none"  # min_s10 value: Solaris 10 only in guest domains or solaris10 branded zones


@dataclass(frozen=True)
class Fact:
    """One platform fact and where it comes from (a reference source key, or U: unconfirmed)."""

    value: str  # "" when nothing is known
    source: str = UNCONFIRMED
    note: str = ""

    @property
    def confirmed(self) -> bool:
        return bool(self.value) and self.source != UNCONFIRMED


UNKNOWN = Fact("")


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
    # Platform facts, each with its source (docs/catalog.md).
    machine_source: str = UNCONFIRMED  # for ``machine`` (uname -m, the kernel architecture)
    native_s10: Fact = UNKNOWN  # "yes" / "no": boots Solaris 10 itself (a control/primary domain)
    min_s10: Fact = UNKNOWN  # "8/07", or NO_NATIVE_S10
    solaris11: Fact = UNKNOWN  # "yes" / "no"
    nic_source: str = UNCONFIRMED  # for the on-board NIC driver in ``nics``

    @property
    def runs_solaris10(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.native_s10.value)

    @property
    def runs_solaris11(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.solaris11.value)

    @property
    def hosts_solaris10_zones(self) -> Fact:
        """solaris10 branded zones run on every platform Solaris 11 supports [S11Z]."""
        if self.solaris11.value == "yes":
            return Fact("yes", f"S11Z, {self.solaris11.source}")
        if self.solaris11.value == "no":
            return Fact("no", self.solaris11.source, "Solaris 11 does not run here, so no solaris10 zones")
        return UNKNOWN

    @property
    def os_support(self) -> str:
        """``Solaris 10 and Solaris 11``, ``Solaris 10 only`` or ``Solaris 11 only``.

        "(unconfirmed)" is added where a part is not sourced.
        """
        parts = [
            name
            for name, fact in (("Solaris 10", self.native_s10), ("Solaris 11", self.solaris11))
            if fact.value == "yes"
        ]
        text = " and ".join(parts) if parts else "unknown"
        if len(parts) == 1:
            other = self.solaris11 if parts[0] == "Solaris 10" else self.native_s10
            text += " only" if other.value == "no" else ", the other unconfirmed"
        unconfirmed = [f for f in (self.native_s10, self.solaris11) if f.value and not f.confirmed]
        return text + (" (unconfirmed)" if unconfirmed else "")

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
        machine_source="FI-PD6",
        native_s10=Fact("yes", UNCONFIRMED, "predates Solaris 10; no minimum update is sourced"),
        solaris11=Fact("no", "REG", "UltraSPARC IIIi: Solaris 11 does not install on UltraSPARC I-IV+"),
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
        machine_source="PSR, UN",
        native_s10=Fact("yes", "PSR, UN", "predates Solaris 10; no minimum update is sourced"),
        solaris11=Fact("no", "REG", "UltraSPARC IIIi: Solaris 11 does not install on UltraSPARC I-IV+"),
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
        machine_source="PSR, UN",
        native_s10=Fact("yes", "PSR, UN", "predates Solaris 10; no minimum update is sourced"),
        solaris11=Fact("no", "REG", "UltraSPARC IIIi: Solaris 11 does not install on UltraSPARC I-IV+"),
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
        machine_source="PSR",
        native_s10=Fact("yes", "PSR", "predates Solaris 10; no minimum update is sourced"),
        solaris11=Fact("no", "REG", "UltraSPARC IIIi: Solaris 11 does not install on UltraSPARC I-IV+"),
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
        machine_source="PSR",
        native_s10=Fact("yes", "PSR", "predates Solaris 10; no minimum update is sourced"),
        solaris11=Fact("no", "REG", "UltraSPARC IV+: Solaris 11 does not install on UltraSPARC I-IV+"),
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
        machine_source="FMD",
        native_s10=Fact("yes"),
        solaris11=Fact("yes", "REG", "T-series"),
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
        machine_source="T2K",
        native_s10=Fact("yes", "T2K"),
        min_s10=Fact(
            "1/06", "HW2, HWPG", "shipped with the interim 3/05 HW2 release; HW1/HW2 support is in 1/06"
        ),
        solaris11=Fact("yes", "REG", "T-series"),
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
        machine_source="UN, FI-PD1",
        native_s10=Fact("yes", "LDOM13"),
        min_s10=Fact("8/07", "LDOM13"),
        solaris11=Fact("yes", "REG", "T-series"),
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
        machine_source="UN",
        native_s10=Fact("yes", "LDOM13"),
        min_s10=Fact("8/07", "LDOM13"),
        solaris11=Fact("yes", "REG", "T-series"),
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
        native_s10=Fact("yes", "LDOM13"),
        min_s10=Fact("8/07", "LDOM13", "with patch 127111-08 (UltraSPARC T2 Plus)"),
        solaris11=Fact("yes", "REG", "T-series"),
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
        machine_source="SAGE",
        native_s10=Fact("yes", "SAGE, LDOM13"),
        min_s10=Fact("8/07", "LDOM13", "with patch 127111-08 (UltraSPARC T2 Plus)"),
        solaris11=Fact("yes", "REG", "T-series"),
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
        machine_source="BOOK",
        native_s10=Fact("yes"),
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
        machine_source="BOOK",
        native_s10=Fact("yes"),
    ),
    CatalogModel(
        key="M4000",
        name="Sun SPARC Enterprise M4000",
        machine="sun4u",
        processor="sparc",
        # Every M-series box reports the same uname -i; prtdiag tells them apart.
        platform="SUNW,SPARC-Enterprise",
        # A real M4000's prtdiag says "Sun SPARC Enterprise M4000 Server" (fusioninventory prtdiag sample8).
        prtdiag_model="Sun SPARC Enterprise M4000 Server",
        # The base I/O unit card (IOUA) has two GbE ports (bge0, bge1) and the two disk bays.
        nics=(NicGroup("bge", 2),),
        disk_bays=2,
        disk_controller=0,
        default_disk_gb=146,
        default_disks=2,
        memory_mb=32768,
        machine_source="UN, FI-PD8",
        native_s10=Fact("yes", "UN"),
        solaris11=Fact("yes", "REG", "SPARC Enterprise M"),
    ),
    # The models below are newer than the handbook memory above: their on-board hardware (ports,
    # bays, platform strings) is unconfirmed, and T4 and later name their disks by WWN
    # (c0t5000CCA0...d0), so the c0tNd0 names here are placeholders.  Collect the real box.
    CatalogModel(
        key="T4-1",
        name="SPARC T4-1",
        machine="sun4v",
        processor="sparc",
        platform="ORCL,SPARC-T4-1",
        prtdiag_model="SPARC T4-1",
        nics=(NicGroup("igb", 4),),
        disk_bays=8,
        disk_controller=0,
        default_disk_gb=300,
        default_disks=2,
        memory_mb=65536,
        native_s10=Fact("yes", "T4PN"),
        min_s10=Fact(
            "10/09", "T4PN", "10/09 or 9/10 with the 8/11 SPARC Bundle and patches; 8/11 with patches"
        ),
    ),
    CatalogModel(
        key="T5-2",
        name="SPARC T5-2",
        machine="sun4v",
        processor="sparc",
        platform="ORCL,SPARC-T5-2",
        prtdiag_model="SPARC T5-2",
        nics=(NicGroup("ixgbe", 4, speed_mbps=10000),),
        disk_bays=6,
        disk_controller=0,
        default_disk_gb=600,
        default_disks=2,
        memory_mb=131072,
    ),
    CatalogModel(
        key="T7-1",
        name="SPARC T7-1",
        machine="sun4v",
        processor="sparc",
        platform="ORCL,SPARC-T7-1",
        prtdiag_model="SPARC T7-1",
        nics=(NicGroup("ixgbe", 4, speed_mbps=10000),),
        disk_bays=8,
        disk_controller=0,
        default_disk_gb=600,
        default_disks=2,
        memory_mb=131072,
        native_s10=Fact("no", "OVM34", "Solaris 10 runs only in guest domains (OVM 3.4 and later) or zones"),
        min_s10=Fact(
            NO_NATIVE_S10,
            "OVM34, EM13",
            "guest domains (guest OS 1/13 [EM13]) or solaris10 branded zones [S11Z]",
        ),
        solaris11=Fact("yes", "OVM34", "the control (primary) domain runs Solaris 11"),
    ),
    CatalogModel(
        key="S7-2",
        name="SPARC S7-2",
        machine="sun4v",
        processor="sparc",
        platform="ORCL,SPARC-S7-2",
        prtdiag_model="SPARC S7-2",
        nics=(NicGroup("ixgbe", 4, speed_mbps=10000),),
        disk_bays=8,
        disk_controller=0,
        default_disk_gb=600,
        default_disks=2,
        memory_mb=65536,
        native_s10=Fact("no", "OVM34", "Solaris 10 runs only in guest domains (OVM 3.4 and later) or zones"),
        min_s10=Fact(
            NO_NATIVE_S10,
            "OVM34, EM13",
            "guest domains (guest OS 1/13 [EM13]) or solaris10 branded zones [S11Z]",
        ),
        solaris11=Fact("yes", "OVM34", "the control (primary) domain runs Solaris 11"),
    ),
    CatalogModel(
        key="M10-4",
        name="Fujitsu SPARC M10-4",
        machine="sun4v",
        processor="sparc",
        platform="ORCL,SPARC64-X",
        prtdiag_model="SPARC M10-4",
        nics=(NicGroup("igb", 4),),
        disk_bays=8,
        disk_controller=0,
        default_disk_gb=600,
        default_disks=2,
        memory_mb=262144,
    ),
    CatalogModel(
        key="M8-8",
        name="SPARC M8-8",
        machine="sun4v",
        processor="sparc",
        platform="ORCL,SPARC-M8-8",
        prtdiag_model="SPARC M8-8",
        # No on-board ports or bays are known here: describe the real box with a hardware spec.
        nics=(),
        disk_bays=0,
        disk_controller=0,
        default_disk_gb=600,
        default_disks=0,
        memory_mb=524288,
        native_s10=Fact("no", "OVM34", "Solaris 10 runs only in guest domains (OVM 3.4 and later) or zones"),
        min_s10=Fact(
            NO_NATIVE_S10,
            "OVM34, EM13",
            "guest domains (guest OS 1/13 [EM13]) or solaris10 branded zones [S11Z]",
        ),
        solaris11=Fact("yes", "OVM34", "the control (primary) domain runs Solaris 11"),
    ),
)


def list_models() -> list[CatalogModel]:
    return list(_MODELS)


def find_model(model: str) -> CatalogModel:
    wanted = model_key(model)
    for m in _MODELS:
        names = (m.key, m.name, m.prtdiag_model, *m.aliases)
        if wanted and wanted in {model_key(n) for n in names}:
            return m
    known = ", ".join(m.key for m in _MODELS)
    raise UnknownModelError(f"unknown model {model!r}; the catalog has {known}")


def catalog_destination(model: str, hostname: str, disk_gb: int | None = None) -> HostInventory:
    """A destination inventory for a catalog model, as if collected from a fresh box.

    A model that cannot boot Solaris 10 (T7-1, S7-2, M8-8) comes as a Solaris 11 host: release
    5.11, and its ports under Solaris 11's link names (net0 on e1000g0...), as ``dladm show-phys``
    shows them.
    """
    check_hostname(hostname, source=f"catalog:{model}")
    m = find_model(model)
    solaris11_only = m.runs_solaris10 is False
    size_gb = disk_gb if disk_gb is not None else m.default_disk_gb
    nics: list[Nic] = []
    for group in m.nics:
        for i in range(group.count):
            instance = group.first_instance + i
            device = f"{group.driver}{instance}"
            nics.append(
                Nic(
                    name=f"net{len(nics)}" if solaris11_only else device,
                    driver=group.driver,
                    instance=instance,
                    link_state="unknown",
                    speed_mbps=group.speed_mbps,
                    duplex="full",
                    device=device if solaris11_only else "",
                )
            )
    disks = [Disk(name=d, size_bytes=size_gb * GB) for d in m.disk_names()]
    vendor = "Oracle Corporation" if m.platform.startswith("ORCL,") else "Sun Microsystems"
    return HostInventory(
        hostname=hostname,
        uname=Uname(
            sysname="SunOS",
            nodename=hostname,
            release="5.11" if solaris11_only else "5.10",
            machine=m.machine,
            processor=m.processor,
            platform=m.platform,
        ),
        prtdiag=Prtdiag(
            system_configuration=f"{vendor}  {m.machine} {m.prtdiag_model}",
            model=m.prtdiag_model,
            memory_mb=m.memory_mb,
        ),
        nics=nics,
        disks=disks,
        origin=f"catalog:{m.key}",
        os_family="solaris11" if solaris11_only else "solaris10",
    )
