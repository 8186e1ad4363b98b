"""The hardware fleets are made of: Sun server models, their disks, and the kernels they run.

``rng`` gives every generated thing a deterministic generator from a string.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

NFS_SERVER = "nas01"
NFS_ZONES_EXPORT = f"{NFS_SERVER}:/export/zones"
NFS_ZONES_MOUNT = "/nfszones"
PRTDIAG_LINES = 40  # the collector keeps the first 40 lines of prtdiag
SECTOR = 512
GB = 1024**3


def seeded_rng(key: str) -> random.Random:
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
CDROM = DiskProduct("TEAC", "DV-28E-N", "1.6A", 0, 0, 0)
TAPE = DiskProduct("HP", "Ultrium 3-SCSI", "G63W", 0, 0, 0)


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

SPARC_KERNELS = ("Generic_142909-17", "Generic_144488-17", "Generic_147440-01", "Generic_147147-26")
X86_KERNELS = ("Generic_142910-17", "Generic_144489-17", "Generic_147441-01", "Generic_147148-26")
# The update a host was installed from, by the kernel it runs (/etc/release): the kernel patch of
# that update (docs/catalog.md); 144488/144489, later kernel patches of the 9/10 line, say 9/10 here.
RELEASE_OF_KERNEL = {
    "Generic_142909-17": "9/10", "Generic_142910-17": "9/10",
    "Generic_144488-17": "9/10", "Generic_144489-17": "9/10",
    "Generic_147440-01": "8/11", "Generic_147441-01": "8/11",
    "Generic_147147-26": "1/13", "Generic_147148-26": "1/13",
}  # fmt: skip
# "Assembled" dates of real /etc/release files (tests/planner/solaris/samples/README.md).
ASSEMBLED = {
    "10/08": "27 October 2008",
    "5/09": "30 March 2009",
    "10/09": "16 September 2009",
    "8/11": "23 August 2011",
    "1/13": "17 January 2013",
}
# GLDv3 drivers show "non-vlan" in dladm show-link; older DLPI drivers "legacy".
LEGACY_DRIVERS = frozenset({"ce", "hme", "qfe", "eri", "ipge"})
