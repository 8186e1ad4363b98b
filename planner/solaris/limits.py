"""Inventory size caps: how many of each thing one host's inventory may hold.

Uploads are untrusted, and every count here multiplies into the planner's work
(NIC mapping is zones x nets x ports, the layout is slices x disks).  The caps are
far above any real Solaris 10 server, so a real bundle never meets them, and low
enough that a hostile spec (60,000 NICs and disks in 3.7 MB) is refused by the
reader in milliseconds instead of holding a worker and the database for minutes.

==========================  =======  ==============================================================
what                        cap      why this number
==========================  =======  ==============================================================
NICs (data links)           1,024    the largest SPARC/x86 servers of the era had a few dozen ports;
                                     VLAN links and aggregations on top stay well under 1,024
IP interfaces (ifconfig)    8,192    one logical interface per zone address; 4,096 zones x 2
disks                       4,096    iostat -En of a big SAN-attached host: hundreds of LUNs
slices per disk             128      an EFI (GPT) label holds at most 128 partitions; VTOC 8 or 16
prtvtoc files               4,096    one per disk
zones                       4,096    far above the few hundred a Solaris 10 host runs in practice
resources per zone          1,024    fs + net + device + rctl + attr + dataset + inherit-pkg-dir +
                                     admin of one zone; real zones have tens
devices (spec/catalog)      4,096    free-form /dev paths a destination declares
vfstab lines                4,096    one per file system
df -k rows                  8,192    global zone plus lofs/zone mounts
metadevices                 8,192    SVM's own maximum (md_nunits) is 8,192
==========================  =======  ==============================================================
"""

from __future__ import annotations

from .errors import SolarisParseError

MAX_NICS = 1024
MAX_INTERFACES = 8192
MAX_DISKS = 4096
MAX_SLICES_PER_DISK = 128
MAX_VTOCS = 4096
MAX_ZONES = 4096
MAX_RESOURCES_PER_ZONE = 1024
MAX_DEVICES = 4096
MAX_VFSTAB_LINES = 4096
MAX_DF_ROWS = 8192
MAX_METADEVICES = 8192


def check_count(count: int, limit: int, what: str, *, source: str, line: int | None = None) -> None:
    """Raise SolarisParseError naming the file when ``count`` passes ``limit``."""
    if count > limit:
        raise SolarisParseError(
            f"more than {limit:,} {what}; zflar refuses inventories this large "
            "(see 'Inventory size caps' in docs/security.md)",
            source=source,
            line=line,
        )
