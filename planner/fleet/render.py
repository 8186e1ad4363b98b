"""A host's bundle: the files ``scripts/zflar-collect`` gathers, as a folder or the collector's tar.

The zone files (``zonecfg export``, ``/etc/zones/<zone>.xml``) are written by
:mod:`planner.solaris.writers` from each zone's configuration; the command outputs come from
:mod:`.system`, :mod:`.network` and :mod:`.storage`.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from planner.solaris.inventory import VfstabEntry
from planner.solaris.writers import write_zone_xml, write_zonecfg_export

from .network import dladm_show_dev, dladm_show_link, ifconfig
from .spec import HostSpec, ZoneSpec, listed_zones
from .storage import df, iostat, metastat, prtvtoc
from .system import etc_release, prtdiag, uname

# --- rendering ----------------------------------------------------------------------------------


def bundle_name(host: HostSpec) -> str:
    """The bundle's top folder, as the collector names it."""
    return f"zflar-{host.hostname}"


def render_bundle(host: HostSpec) -> dict[str, str]:
    """The bundle's files, ``{path below the top folder: text}``, in the collector's layout."""
    files: dict[str, str] = {
        "hostname": host.hostname + "\n",
        "uname-a": uname(host),
        "prtdiag": prtdiag(host),
        "zoneadm-list-cvp": _zoneadm_list(host),
    }
    for zone in host.zones:
        files[f"zones/{zone.name}.cfg"] = write_zonecfg_export(zone.config())
        if zone.has_root:
            files[f"zones/{zone.name}.vfstab"] = _zone_vfstab(zone)
    files["etc/vfstab"] = _global_vfstab(host)
    files["etc/zones/index"] = _zone_index(host)
    for zone in host.zones:
        files[f"etc/zones/{zone.name}.xml"] = write_zone_xml(zone.config(), defaults=False)
    if host.metadevices:
        files["metastat-p"] = metastat(host)
    files["dladm-show-dev"] = dladm_show_dev(host)
    files["dladm-show-link"] = dladm_show_link(host)
    files["ifconfig-a"] = ifconfig(host)
    files["iostat-En"] = iostat(host)
    for disk in host.disks:
        if disk.has_vtoc:
            files[f"prtvtoc/{disk.name}"] = prtvtoc(disk)
    files["df-k"] = df(host)
    files["etc/release"] = etc_release(host)
    files["var/sadm/system/admin/CLUSTER"] = f"CLUSTER={host.cluster}\n"
    # No ZFS on these hosts: zpool list says so, zfs list -H prints nothing, and no file is over 4 GiB.
    files["zpool-list"] = "no pools available\n"
    files["zfs-list"] = ""
    files["large-files"] = ""
    files["README"] = _readme(host, files)
    return files


def write_bundle(dest: Path, host: HostSpec) -> Path:
    """Write the bundle folder ``dest/zflar-<hostname>/`` and return its path."""
    top = Path(dest) / bundle_name(host)
    for relative, text in render_bundle(host).items():
        path = top / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return top


def write_bundle_tar(dest_dir: Path, host: HostSpec) -> Path:
    """Write ``dest_dir/zflar-<hostname>-<collected_at>.tar`` (one top folder, like the collector's)."""
    top = bundle_name(host)
    target = Path(dest_dir) / f"{top}-{host.collected_at}.tar"
    stamp = datetime.strptime(host.collected_at, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    mtime = int(stamp.timestamp())
    files = render_bundle(host)
    folders = sorted({top} | {f"{top}/{p}" for rel in files for p in _parents(rel)})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for folder in folders:
            archive.addfile(_tarinfo(folder, tarfile.DIRTYPE, 0o755, 0, mtime))
        for relative in sorted(files):
            data = files[relative].encode("utf-8")
            info = _tarinfo(f"{top}/{relative}", tarfile.REGTYPE, 0o644, len(data), mtime)
            archive.addfile(info, io.BytesIO(data))
    target.write_bytes(buffer.getvalue())
    return target


def _parents(relative: str) -> list[str]:
    parts = relative.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _tarinfo(name: str, kind: bytes, mode: int, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.size, info.mtime = kind, mode, size, mtime
    info.uid = info.gid = 0
    info.uname, info.gname = "root", "root"
    return info


def _readme(host: HostSpec, files: dict[str, str]) -> str:
    lines = [
        "zflar collector bundle (synthetic: written by planner.fleet, not collected from a real host)",
        "",
        f"host:       {host.hostname}",
        f"collected:  {host.collected_at}",
        f"model:      {host.model}",
        "",
        "Files in this bundle:",
        *(f"    {name}" for name in sorted([*files, "README"])),
    ]
    return "\n".join(lines) + "\n"


# --- zones --------------------------------------------------------------------------------------


def _zoneadm_list(host: HostSpec) -> str:
    lines = ["0:global:running:/::native:shared"]
    for zone in listed_zones(host):
        zoneid = "-" if zone.zoneid is None else str(zone.zoneid)
        path = zone.zonepath.replace(":", "\\:")
        ip = "excl" if zone.ip_type == "exclusive" else "shared"
        lines.append(f"{zoneid}:{zone.name}:{zone.state}:{path}:{zone.uuid}:{zone.brand}:{ip}")
    return "\n".join(lines) + "\n"


_INDEX_HEADER = """\
# Copyright 2004 Sun Microsystems, Inc.  All rights reserved.
# Use is subject to license terms.
#
# ident	"@(#)zones-index	1.2	04/04/01 SMI"
#
# DO NOT EDIT: this file is automatically generated by zoneadm(1M)
# and zonecfg(1M).  Any manual changes will be lost.
#
global:installed:/
"""


def _zone_index(host: HostSpec) -> str:
    lines = []
    for zone in host.zones:
        state = "installed" if zone.state in ("ready", "running") else zone.state
        path = f'"{zone.zonepath}"' if ":" in zone.zonepath else zone.zonepath
        lines.append(f"{zone.name}:{state}:{path}:{zone.uuid}")
    return _INDEX_HEADER + "".join(line + "\n" for line in lines)


# --- vfstabs --------------------------------------------------------------------------------------

_VFSTAB_HEADER = (
    "#device\t\tdevice\t\tmount\t\tFS\tfsck\tmount\tmount\n"
    "#to mount\tto fsck\t\tpoint\t\ttype\tpass\tat boot\toptions\n"
    "#\n"
)


def _vfstab_line(fields: Sequence[str]) -> str:
    return "\t".join(fields) + "\n"


def _vfstab_entry_line(entry: VfstabEntry) -> str:
    return _vfstab_line(
        (
            entry.device,
            entry.fsck_device,
            entry.mount_point,
            entry.fstype,
            entry.fsck_pass,
            entry.mount_at_boot,
            entry.options,
        )
    )


def _zone_vfstab(zone: ZoneSpec) -> str:
    standard = [
        ("fd", "-", "/dev/fd", "fd", "-", "no", "-"),
        ("/proc", "-", "/proc", "proc", "-", "no", "-"),
        ("ctfs", "-", "/system/contract", "ctfs", "-", "no", "-"),
        ("objfs", "-", "/system/object", "objfs", "-", "no", "-"),
        ("swap", "-", "/tmp", "tmpfs", "-", "yes", "-"),  # noqa: S108 - a Solaris mount point
    ]
    lines = [_vfstab_line(f) for f in standard] + [_vfstab_entry_line(e) for e in zone.vfstab]
    return _VFSTAB_HEADER + "".join(lines)


def _global_vfstab(host: HostSpec) -> str:
    lines = [
        _vfstab_line(("fd", "-", "/dev/fd", "fd", "-", "no", "-")),
        _vfstab_line(("/proc", "-", "/proc", "proc", "-", "no", "-")),
    ]
    swaps = [m for m in host.mounts if m.fstype == "swap"]
    others = [m for m in host.mounts if m.fstype != "swap"]
    for m in swaps:
        lines.append(_vfstab_line((m.device, "-", "-", "swap", "-", "no", "-")))
    for m in others:
        if m.fstype == "nfs":
            continue
        lines.append(
            _vfstab_line(
                (m.device, m.fsck_device, m.mount_point, m.fstype, m.fsck_pass, m.at_boot, m.options)
            )
        )
    lines += [
        _vfstab_line(("/devices", "-", "/devices", "devfs", "-", "no", "-")),
        _vfstab_line(("sharefs", "-", "/etc/dfs/sharetab", "sharefs", "-", "no", "-")),
        _vfstab_line(("ctfs", "-", "/system/contract", "ctfs", "-", "no", "-")),
        _vfstab_line(("objfs", "-", "/system/object", "objfs", "-", "no", "-")),
        _vfstab_line(("swap", "-", "/tmp", "tmpfs", "-", "yes", "-")),  # noqa: S108 - a Solaris mount point
    ]
    for m in others:
        if m.fstype == "nfs":
            lines.append(_vfstab_line((m.device, "-", m.mount_point, "nfs", "-", m.at_boot, m.options)))
    return _VFSTAB_HEADER + "".join(lines)
