"""What a host's storage commands print: ``iostat -En``, ``prtvtoc``, ``metastat -p`` and ``df -k``."""

from __future__ import annotations

import math

from .hardware import SECTOR
from .spec import DiskSpec, HostSpec, MountSpec, ZoneSpec, listed_zones

# --- SVM ------------------------------------------------------------------------------------------


def metastat(host: HostSpec) -> str:
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


# --- disks ----------------------------------------------------------------------------------------


def iostat(host: HostSpec) -> str:
    order = {"cdrom": 0, "disk": 1, "tape": 2}
    blocks = []
    for disk in sorted(host.disks, key=lambda d: (order.get(d.kind, 3), disk_sort_key(d.name))):
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


def disk_sort_key(name: str) -> tuple[int, ...]:
    digits = "".join(c if c.isdigit() else " " for c in name)
    return tuple(int(d) for d in digits.split())


def prtvtoc(disk: DiskSpec) -> str:
    spc = disk.sectors_per_cylinder
    out = [
        f"* /dev/rdsk/{disk.name}s2 partition map",
        "*",
        "* Dimensions:",
        f"*{SECTOR:>8} bytes/sector",
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


def df(host: HostSpec) -> str:
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
