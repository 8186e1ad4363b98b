"""Small collector bundles built in memory for the API and security tests (real Solaris 10 formats)."""

from __future__ import annotations

import io
import tarfile

UNAME = "SunOS {host} 5.10 Generic_147440-01 sun4u sparc SUNW,Sun-Fire-V240\n"
PRTDIAG = "System Configuration: Sun Microsystems  sun4u Sun Fire V240\nMemory size: 8GB\n"

SOURCE_ZONE_CFG = """create -b
set zonepath=/zones/{zone}
set autoboot=true
set ip-type=shared
add inherit-pkg-dir
set dir=/lib
end
add inherit-pkg-dir
set dir=/platform
end
add inherit-pkg-dir
set dir=/sbin
end
add inherit-pkg-dir
set dir=/usr
end
add net
set address={address}/24
set physical=bge0
end
add device
set match=/dev/rmt/0*
end
"""

IOSTAT = """c1t0d0           Soft Errors: 0 Hard Errors: 0 Transport Errors: 0
Vendor: SEAGATE  Product: ST373207LSUN72G  Revision: 045A Serial No: 3HZ7Z3CJ00007505
Size: 73.40GB <73400057856 bytes>
Media Error: 0 Device Not Ready: 0 No Device: 0 Recoverable: 0
Illegal Request: 0 Predictive Failure Analysis: 0
c1t1d0           Soft Errors: 0 Hard Errors: 0 Transport Errors: 0
Vendor: SEAGATE  Product: ST373207LSUN72G  Revision: 045A Serial No: 3HZ7Z3CJ00007506
Size: 73.40GB <73400057856 bytes>
Media Error: 0 Device Not Ready: 0 No Device: 0 Recoverable: 0
Illegal Request: 0 Predictive Failure Analysis: 0
"""

PRTVTOC = """* /dev/rdsk/c1t0d0s2 partition map
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

DF_K = """Filesystem            kbytes    used   avail capacity  Mounted on
/dev/dsk/c1t0d0s0    10332220 4566320 5662578    45%    /
/dev/dsk/c1t0d0s7    56229152 2048000 53618862    4%    /zones
"""

VFSTAB = """#device\t\tdevice\t\tmount\t\tFS\tfsck\tmount\tmount
/dev/dsk/c1t0d0s1\t-\t-\tswap\t-\tno\t-
/dev/dsk/c1t0d0s0\t/dev/rdsk/c1t0d0s0\t/\tufs\t1\tno\tlogging
/dev/dsk/c1t0d0s7\t/dev/rdsk/c1t0d0s7\t/zones\tufs\t2\tyes\tlogging
"""


def bundle_files(
    hostname: str, *, zones: tuple[str, ...] = (), ports: tuple[str, ...] = ("bge0",)
) -> dict[str, str]:
    """The files a collector run on ``hostname`` would write (zones running, one net each)."""
    listing = ["0:global:running:/::native:shared"]
    files: dict[str, str] = {}
    for i, zone in enumerate(zones, start=1):
        listing.append(
            f"{i}:{zone}:running:/zones/{zone}:8f3a1c2e-5b4d-6e7f-8091-a2b3c4d5e6f{i}:native:shared"
        )
        files[f"zones/{zone}.cfg"] = SOURCE_ZONE_CFG.format(zone=zone, address=f"192.168.10.{20 + i}")
    dladm = "".join(f"{p:<16}link: up        speed: 1000  Mbps       duplex: full\n" for p in ports)
    files.update(
        {
            "hostname": hostname + "\n",
            "uname-a": UNAME.format(host=hostname),
            "prtdiag": PRTDIAG,
            "zoneadm-list-cvp": "\n".join(listing) + "\n",
            "dladm-show-dev": dladm,
            "iostat-En": IOSTAT,
            "prtvtoc/c1t0d0": PRTVTOC,
            "df-k": DF_K,
            "etc/vfstab": VFSTAB,
        }
    )
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


def source_bundle(hostname: str = "src01", zones: tuple[str, ...] = ("web01", "app01")) -> bytes:
    return make_tar(bundle_files(hostname, zones=zones, ports=("bge0", "bge1")), top=f"{hostname}-bundle")


def destination_bundle(hostname: str = "dst01") -> bytes:
    return make_tar(bundle_files(hostname, ports=("e1000g0", "e1000g1")), top=f"{hostname}-bundle")
