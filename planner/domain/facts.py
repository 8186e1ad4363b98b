"""Small facts derived from a :class:`HostInventory` that several planner modules need.

Everything here is a pure function of the inventory; nothing guesses silently: when
a value is estimated the caller is told so (``None`` or an explicit ``estimated`` flag).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from planner.solaris.inventory import HostInventory, IpInterface, Metadevice, Zone

MIB = 1024 * 1024

# /dev/dsk/c1t1d0s0, /dev/rdsk/c1t1d0s0 (targets can be WWNs on fibre channel disks).
_SLICE_RE = re.compile(r"^/dev/r?dsk/(c\d+(?:t[0-9A-Fa-f]+)?d\d+)s(\d+)$")
# /dev/md/dsk/d10, /dev/md/rdsk/d10, /dev/md/<set>/dsk/d10
_MD_RE = re.compile(r"^/dev/md/(?:([^/]+)/)?r?dsk/(d\d+)$")
# A disk name inside a longer string (a device path or a glob pattern).
DISK_NAME_RE = re.compile(r"c\d+(?:t[0-9A-Fa-f]+)?d\d+")
_NIC_RE = re.compile(r"^(.*?[a-z])(\d+)$")

RUNNING_STATES = ("running", "ready", "shutting_down", "down")
INSTALLED_STATES = ("installed", "running", "ready", "shutting_down", "down", "mounted")


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def mb_from_kib(kib: int) -> int:
    return ceil_div(kib, 1024)


def mb_from_bytes(size: int) -> int:
    return ceil_div(size, MIB)


def with_headroom(size_mb: int, pct: int) -> int:
    """Size plus ``pct`` percent, rounded up to a whole MB."""
    return ceil_div(size_mb * (100 + pct), 100)


# --- zones ------------------------------------------------------------------------------------


def nonglobal_zones(inv: HostInventory) -> list[Zone]:
    return [z for z in inv.zones if z.name != "global"]


def zone_state(zone: Zone) -> str:
    # zoneadm list is the live view; the index/config state is only a fallback.
    if zone.listed is not None and zone.listed.state:
        return zone.listed.state
    return zone.state


def zonepath_of(zone: Zone, inv: HostInventory | None = None) -> str:
    if zone.config is not None and zone.config.zonepath:
        return zone.config.zonepath
    if zone.listed is not None and zone.listed.zonepath:
        return zone.listed.zonepath
    if inv is not None:
        for entry in inv.zone_index:
            if entry.name == zone.name and entry.zonepath:
                return entry.zonepath
    return ""


def ip_type_of(zone: Zone) -> str:
    """``shared`` or ``exclusive`` (zoneadm prints ``excl``)."""
    value = ""
    if zone.config is not None:
        value = zone.config.ip_type
    if not value and zone.listed is not None:
        value = zone.listed.ip_type
    return "exclusive" if value in ("exclusive", "excl") else "shared"


def brand_of(zone: Zone) -> str:
    if zone.config is not None and zone.config.brand:
        return zone.config.brand
    if zone.listed is not None and zone.listed.brand:
        return zone.listed.brand
    return "native"


def autoboot_of(zone: Zone) -> bool:
    return zone.config.autoboot if zone.config is not None else False


def is_sparse_root(zone: Zone) -> bool:
    """Sparse-root zones inherit /usr etc. from the global zone (plain ``create``)."""
    if zone.config is None:
        return True
    if zone.config.inherit_pkg_dirs:
        return True
    return zone.config.create_mode == "sparse"


def zone_root_path(zonepath: str, directory: str) -> str:
    """Where a zone directory appears from the global zone: <zonepath>/root/<dir>."""
    return zonepath.rstrip("/") + "/root" + ("/" + directory.strip("/") if directory.strip("/") else "")


# --- mounts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mount:
    """A mount point of the global zone, merged from vfstab and df -k."""

    mount_point: str
    device: str
    fstype: str
    used_kib: int | None = None
    size_kib: int | None = None


def is_nfs_device(device: str) -> bool:
    # df -k prints NFS file systems as server:/path; a local device starts with '/'.
    return ":" in device and not device.startswith("/")


def is_zfs_dataset_name(inv: HostInventory, device: str) -> bool:
    """A df -k ``Filesystem`` that is a ZFS dataset: a name ``zfs list`` shows, or pool/child.

    df -k prints a ZFS file system by its dataset name (``rpool/ROOT/s10s_u9wos_14a``), never a
    ``/dev`` path; pseudo file systems (``swap``, ``proc``, ``ctfs``) have no ``/`` in their name.
    """
    if not device or device.startswith("/") or ":" in device:
        return False
    names = {d.name for d in inv.zfs_datasets}
    if device in names:
        return True
    pools = {p.name for p in inv.zpools}
    return device.split("/", 1)[0] in pools or ("/" in device and not names)


def mounts(inv: HostInventory) -> list[Mount]:
    """The global zone's mounts: vfstab, then df -k (which wins), then ZFS datasets df did not show."""
    by_mp: dict[str, Mount] = {}
    for v in inv.vfstab:
        if v.mount_point in ("", "-") or not v.mount_point.startswith("/"):
            continue
        by_mp[v.mount_point] = Mount(v.mount_point, v.device, v.fstype)
    for d in inv.df:
        known = by_mp.get(d.mounted_on)
        if known and known.fstype:
            fstype = known.fstype
        elif is_nfs_device(d.filesystem):
            fstype = "nfs"
        else:
            fstype = "zfs" if is_zfs_dataset_name(inv, d.filesystem) else ""
        by_mp[d.mounted_on] = Mount(d.mounted_on, d.filesystem, fstype, d.used, d.kbytes)
    for ds in inv.zfs_datasets:
        if ds.type == "filesystem" and ds.mountpoint.startswith("/") and ds.mountpoint not in by_mp:
            by_mp[ds.mountpoint] = Mount(ds.mountpoint, ds.name, "zfs", ds.used_bytes // 1024)
    return list(by_mp.values())


def is_under(path: str, mount_point: str) -> bool:
    if mount_point == "/":
        return path.startswith("/")
    return path == mount_point or path.startswith(mount_point.rstrip("/") + "/")


def mount_for(inv: HostInventory, path: str) -> Mount | None:
    """The mount holding ``path``: the longest mount-point prefix (as the kernel resolves it)."""
    ordered, by_point = _mount_table(inv)
    if not path.startswith("/"):  # no mount holds a relative path; keep the plain rule for it
        return next((m for m in ordered if is_under(path, m.mount_point)), None)
    # The path's own prefixes, longest first, looked up in the table: the first found is the
    # longest mount point holding it (what the scan of ``ordered`` with is_under would find).
    prefix = path.rstrip("/")
    while True:
        for m in by_point.get(prefix, ()):
            if is_under(path, m.mount_point):  # "/a/b/" does not hold "/a/b"
                return m
        if not prefix:
            return None
        prefix = prefix[: prefix.rfind("/")].rstrip("/")


# Inside memoized_mounts() (compute_plan), each inventory's mount table is built once:
# rebuilding it for every zone and rule was half the time of planning a 20-zone host.
_MountTable = tuple[list[Mount], dict[str, list[Mount]]]
_MOUNTS_MEMO: ContextVar[dict[int, tuple[HostInventory, _MountTable]] | None] = ContextVar(
    "_MOUNTS_MEMO", default=None
)


@contextmanager
def memoized_mounts() -> Iterator[None]:
    """Within the block, remember each inventory's mounts; the inventories must not change meanwhile."""
    token = _MOUNTS_MEMO.set({})
    try:
        yield
    finally:
        _MOUNTS_MEMO.reset(token)


def _mounts_longest_first(inv: HostInventory) -> list[Mount]:
    return _mount_table(inv)[0]


def _mount_table(inv: HostInventory) -> _MountTable:
    memo = _MOUNTS_MEMO.get()
    if memo is not None:
        hit = memo.get(id(inv))
        if hit is not None and hit[0] is inv:
            return hit[1]
    # Mount points are unique, so the first prefix match in this order is the longest one.
    ordered = sorted(mounts(inv), key=lambda m: len(m.mount_point), reverse=True)
    # Keyed without the trailing '/' ("/" itself as ""), the longest spelling first, as is_under matches.
    by_point: dict[str, list[Mount]] = {}
    for m in ordered:
        if m.mount_point.startswith("/"):
            by_point.setdefault(m.mount_point.rstrip("/"), []).append(m)
    table = (ordered, by_point)
    if memo is not None:
        memo[id(inv)] = (inv, table)
    return table


def df_used_kib(inv: HostInventory, mount_point: str) -> int | None:
    return next((d.used for d in inv.df if d.mounted_on == mount_point), None)


# --- disks and slices -------------------------------------------------------------------------


def parse_slice(device: str) -> tuple[str, int] | None:
    """``/dev/dsk/c1t1d0s0`` -> ``("c1t1d0", 0)``."""
    m = _SLICE_RE.match(device)
    return (m.group(1), int(m.group(2))) if m else None


def slice_size_mb(inv: HostInventory, device: str) -> int | None:
    """Size of a slice from the source's prtvtoc, or None when unknown."""
    parsed = parse_slice(device)
    if parsed is None:
        return None
    vtoc = inv.vtoc(parsed[0])
    if vtoc is None:
        return None
    for s in vtoc.slices:
        if s.index == parsed[1] and s.sector_count > 0:
            return mb_from_bytes(s.sector_count * vtoc.bytes_per_sector)
    return None


def disk_sort_key(name: str) -> tuple[int, int, str, int]:
    """Order c0t0d0 < c0t1d0 < c1t0d0 by number, not by text (c10 after c2)."""
    m = re.match(r"c(\d+)(?:t([0-9A-Fa-f]+))?d(\d+)", name)
    if not m:
        return (1 << 30, 0, name, 0)
    target = m.group(2) or ""
    target_num = int(target) if target.isdigit() else 1 << 20
    return (int(m.group(1)), target_num, target, int(m.group(3)))


def disk_names(inv: HostInventory, *, include_optical: bool = False) -> list[str]:
    """The disks a layout may use: CD/DVD drives (even with a disc in) only when asked for."""
    optical = set() if include_optical else {d.name for d in inv.disks if d.optical}
    names = ({d.name for d in inv.disks} | {v.disk for v in inv.vtocs}) - optical
    return sorted(names, key=disk_sort_key)


# --- SVM --------------------------------------------------------------------------------------


def metadevice_name(device: str) -> str | None:
    """``/dev/md/dsk/d10`` -> ``d10``; None for anything that is not a metadevice."""
    m = _MD_RE.match(device)
    return m.group(2) if m else None


def is_metadevice_path(path: str) -> bool:
    return path.startswith("/dev/md/")


@dataclass(frozen=True)
class MetadeviceTree:
    name: str
    description: str  # "d10 (mirror of d11, d12)"
    slices: tuple[str, ...]  # the physical slices at the bottom: c0t0d0s0, c0t1d0s0
    kinds: tuple[str, ...]  # every kind met on the way down: mirror, concat, softpart...


def metadevice_tree(inv: HostInventory, name: str) -> MetadeviceTree:
    """Walk a metadevice down to its physical slices, to name them in a finding."""
    by_name: dict[str, Metadevice] = {m.name: m for m in inv.metadevices}
    parts: list[str] = []
    slices: list[str] = []
    kinds: list[str] = []
    seen: set[str] = set()

    def walk(current: str) -> None:
        if current in seen:
            return
        seen.add(current)
        md = by_name.get(current)
        if md is None:
            if re.fullmatch(r"d\d+", current):
                parts.append(f"{current} (not in metastat -p)")
            else:
                slices.append(current)
            return
        kinds.append(md.kind)
        parts.append(f"{md.name} ({md.kind} of {', '.join(md.components) or 'nothing'})")
        for component in md.components:
            walk(component)

    walk(name)
    return MetadeviceTree(name, "; ".join(parts), tuple(dict.fromkeys(slices)), tuple(dict.fromkeys(kinds)))


# --- network ----------------------------------------------------------------------------------


def nic_driver_instance(name: str) -> tuple[str, int | None]:
    """``e1000g1`` -> ``("e1000g", 1)``; a name without an instance keeps instance None."""
    m = _NIC_RE.match(name)
    if not m:
        return name, None
    return m.group(1), int(m.group(2))


# An interface plumbed without an address shows 0.0.0.0; it is not an address anyone uses.
_NO_ADDRESS = ("", "0.0.0.0")  # noqa: S104 (compared against, never bound)


def primary_interface(inv: HostInventory) -> IpInterface | None:
    """The global zone's first plumbed IPv4 interface that is not loopback or a zone's."""
    for itf in inv.interfaces:
        if itf.family != "inet" or itf.physical.startswith("lo"):
            continue
        if itf.zone not in ("", "global") or ":" in itf.name:
            continue
        if itf.address not in _NO_ADDRESS:
            return itf
    return None


def global_zone_addresses(inv: HostInventory) -> dict[str, str]:
    """Address -> interface for the global zone's own IPv4 addresses."""
    out: dict[str, str] = {}
    for itf in inv.interfaces:
        own = itf.family == "inet" and itf.zone in ("", "global") and not itf.physical.startswith("lo")
        if own and itf.address not in _NO_ADDRESS:
            out[itf.address] = itf.name
    return out


def bare_address(address: str) -> str:
    """``192.168.10.21/24`` -> ``192.168.10.21`` (zonecfg allows a prefix length)."""
    return address.split("/", 1)[0].strip()


def dotted_netmask(netmask: str) -> str:
    """ifconfig prints netmasks in hex (``ffffff00``); sysidcfg wants dotted quads."""
    value = netmask.lower().removeprefix("0x")
    if re.fullmatch(r"[0-9a-f]{8}", value):
        return ".".join(str(int(value[i : i + 2], 16)) for i in range(0, 8, 2))
    return netmask
