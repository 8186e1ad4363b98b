"""Collector bundles for the web tests, built in memory in the real Solaris 10 output formats."""

from __future__ import annotations

import io
import json
import tarfile

UNAME = "SunOS {host} 5.10 Generic_150400-40 sun4v sparc SUNW,SPARC-Enterprise-T5220\n"
PRTDIAG = (
    "System Configuration: Sun Microsystems  sun4v SPARC Enterprise T5220\nMemory size: 16256 Megabytes\n"
)

ZONE_CFG = """create -b
set zonepath=/zones/{zone}
set autoboot={autoboot}
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
add fs
set dir=/export/data
set special=/export/shared/{zone}
set type=lofs
end
add net
set address=10.1.{octet}.{host}/24
set physical={port}
end
"""

DEVICE_BLOCK = """add device
set match=/dev/rmt/0*
end
"""

IOSTAT_DISK = """{disk}           Soft Errors: 0 Hard Errors: 0 Transport Errors: 0
Vendor: SEAGATE  Product: ST914602SSUN146G Revision: 0603 Serial No: 0812Z0{n:04d}
Size: 146.80GB <146815733760 bytes>
Media Error: 0 Device Not Ready: 0 No Device: 0 Recoverable: 0
Illegal Request: 0 Predictive Failure Analysis: 0
"""

PRTVTOC = """* /dev/rdsk/{disk}s2 partition map
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

DF_K = """Filesystem            kbytes    used   avail capacity  Mounted on
/dev/dsk/c1t0d0s0    10080200 5120400 4858998    52%    /
/dev/dsk/c1t0d0s7    29521000 {zones_used} 20000000    30%    /zones
"""

VFSTAB = """#device\t\tdevice\t\tmount\t\tFS\tfsck\tmount\tmount
#to mount\tto fsck\t\tpoint\t\ttype\tpass\tat boot\toptions
/dev/dsk/c1t0d0s1\t-\t-\tswap\t-\tno\t-
/dev/dsk/c1t0d0s0\t/dev/rdsk/c1t0d0s0\t/\tufs\t1\tno\tlogging
/dev/dsk/c1t0d0s7\t/dev/rdsk/c1t0d0s7\t/zones\tufs\t2\tyes\tlogging
"""


def host_files(
    hostname: str,
    *,
    zones: tuple[str, ...] = (),
    ports: tuple[str, ...] = ("e1000g0", "e1000g1"),
    zone_port: str = "e1000g0",
    disks: tuple[str, ...] = ("c1t0d0", "c1t1d0"),
    devices: bool = True,
) -> dict[str, str]:
    """The files the collector writes on ``hostname``: zones installed and halted, one net each."""
    listing = ["0:global:running:/::native:shared"]
    files: dict[str, str] = {}
    for i, zone in enumerate(zones, start=1):
        listing.append(f"{i}:{zone}:installed:/zones/{zone}:5c2f1a3e-9d40-4b1e-8f00-{i:012d}:native:shared")
        cfg = ZONE_CFG.format(
            zone=zone,
            autoboot="true" if i % 2 else "false",
            octet=i // 200 + 1,
            host=i % 200 + 10,
            port=zone_port,
        )
        files[f"zones/{zone}.cfg"] = cfg + (DEVICE_BLOCK if devices and i == 1 else "")
    files.update(
        {
            "hostname": hostname + "\n",
            "uname-a": UNAME.format(host=hostname),
            "prtdiag": PRTDIAG,
            "zoneadm-list-cvp": "\n".join(listing) + "\n",
            "dladm-show-dev": "".join(
                f"{p:<16}link: up        speed: 1000  Mbps       duplex: full\n" for p in ports
            ),
            "iostat-En": "".join(IOSTAT_DISK.format(disk=d, n=n) for n, d in enumerate(disks)),
            "df-k": DF_K.format(zones_used=max(1, len(zones)) * 150000),
            "etc/vfstab": VFSTAB,
        }
    )
    for disk in disks[:1]:
        files[f"prtvtoc/{disk}"] = PRTVTOC.format(disk=disk)
    return files


def make_tar(files: dict[str, str | bytes], *, top: str = "bundle", gz: bool = True) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if gz else "w", format=tarfile.USTAR_FORMAT) as tar:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def source_bundle(
    hostname: str = "oldbox", zones: tuple[str, ...] = ("web01", "db01"), **kw: object
) -> bytes:
    return make_tar(
        host_files(hostname, zones=zones, ports=("bge0", "bge1"), zone_port="bge0", **kw),  # type: ignore[arg-type]
        top=f"{hostname}-bundle",
    )


def destination_bundle(hostname: str = "newbox") -> bytes:
    return make_tar(host_files(hostname, ports=("e1000g0", "e1000g1")), top=f"{hostname}-bundle")


def hardware_spec(hostname: str = "specbox") -> bytes:
    return json.dumps(
        {
            "hostname": hostname,
            "model": "SPARC Enterprise T5220",
            "nics": [{"name": "e1000g0", "speed_mbps": 1000}, {"name": "e1000g1"}],
            "disks": [{"name": "c1t0d0", "size_gb": 146}, {"name": "c1t1d0", "size_gb": 146}],
        }
    ).encode()
