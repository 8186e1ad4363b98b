"""Plan the destination's disk layout (SMI/VTOC labels) for the flash install.

The seed's ufs row: "You must manually plan your disk layouts appropriately.  You must
ensure that there is enough space on the disk of the destination system."  So the
planner sizes every file system the archive will need, places them on the destination
disks (first-fit decreasing; root and swap prefer the boot disk; a DiskOverride pins a
file system to a disk) and says by how many MB whatever does not fit is short.

Sizing rules (also in docs/findings.md):

* ``/``: used space of / (df -k) + ``root_headroom_pct``.  Zonepaths that live on the
  root file system are already inside that figure.  Without df data: 6144 MB plus the
  zonepath estimates of zones on /.
* each separate ufs file system of the global zone (``/var``, ``/export/home``...): its
  used space (df -k) + ``root_headroom_pct``; else its source slice size (prtvtoc).
* swap: the sum of the source's swap slices (vfstab swap lines, sized by prtvtoc);
  when none can be sized, the destination's memory size (prtdiag), else the source's,
  else 2048 MB.  Swap files on a file system are not slices and are left out.
* zonepaths: one slice per source mount point holding zonepaths (usually ``/zones``):
  its used space (df -k) + ``zonepath_headroom_pct``.  Without df data each zone is
  estimated (sparse root 512 MB, whole root 3072 MB) before the headroom.
* each zone-private ufs file system: its source slice size (prtvtoc) +
  ``slice_headroom_pct``; else its df -k size; else 1024 MB, marked estimated.

Geometry: the destination's prtvtoc when we have it; otherwise 255 heads x 63 sectors
(16065 sectors, about 7.8 MB, per cylinder) with the 2 alternate cylinders an SMI label
keeps back.  Slices start on cylinder boundaries; s2 is the whole disk (tag 5, backup).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner.domain.facts import (
    INSTALLED_STATES,
    ceil_div,
    df_used_kib,
    disk_names,
    is_sparse_root,
    mb_from_kib,
    metadevice_name,
    metadevice_tree,
    mount_for,
    nonglobal_zones,
    slice_size_mb,
    with_headroom,
    zone_root_path,
    zone_state,
    zonepath_of,
)
from planner.domain.install import METADB_SLICE_MB, InstallFacts
from planner.domain.options import ZONE_ROOT_PREFIX, DiskOverride, Overrides, PlanOptions
from planner.solaris.inventory import HostInventory, record_dict

ROOT_DEFAULT_MB = 6144
SWAP_DEFAULT_MB = 2048
SPARSE_ZONE_ESTIMATE_MB = 512
WHOLE_ROOT_ZONE_ESTIMATE_MB = 3072
ZONE_UFS_DEFAULT_MB = 1024
GLOBAL_FS_DEFAULT_MB = 1024

ASSUMED_HEADS = 255
ASSUMED_SECTORS = 63
ALTERNATE_CYLINDERS = 2
SECTORS_PER_MB = 2048  # 512-byte sectors

USABLE_SLICES = (0, 1, 3, 4, 5, 6, 7)  # s2 is the whole disk
MIRROR_HALF = "mirror:"  # key prefix of a mirror's second half: mirror:root, mirror:swap, mirror:fs:/var
METADB_PREFIX = "metadb:"
_BOOT_DISK_ORDER_OTHERS = (3, 4, 5, 6, 7, 0, 1)  # keep s0/s1 free for root and swap

# VTOC partition tags (prtvtoc "Tag" column).
TAG_UNASSIGNED, TAG_ROOT, TAG_SWAP, TAG_USR, TAG_BACKUP, TAG_STAND, TAG_VAR, TAG_HOME = 0, 2, 3, 4, 5, 6, 7, 8
_TAGS_BY_MOUNT = {
    "/": TAG_ROOT,
    "/usr": TAG_USR,
    "/var": TAG_VAR,
    "/export/home": TAG_HOME,
    "/home": TAG_HOME,
}


@dataclass
class PlannedFs:
    """A file system (or swap) the destination needs, before it is placed."""

    key: str  # root, swap, zonepaths, zonepaths:/zones2, fs:/var, zone:<zone>:<dir>
    purpose: str  # root / swap / global-fs / zonepaths / zone-ufs
    mount_point: str  # "swap" for swap, as in a JumpStart filesys line
    size_mb: int
    basis: str  # how the size was worked out, for the report
    zone: str | None = None
    zone_dir: str = ""
    source_device: str = ""
    source_raw: str = ""
    estimated: bool = False
    mirror: str = ""  # the SVM mirror (d10) the JumpStart profile rebuilds for it (SVM_MIRROR_REBUILD)
    mirror_disks: tuple[str, ...] = ()  # the source's submirror disks: a second half goes there first
    # Zones whose own size is estimated inside this file system (no df -k of it): SIZE_ASSUMED
    # offers a ``zoneroot:<zone>`` size for each.
    estimated_zones: tuple[str, ...] = ()
    sized_by_user: bool = False  # a SizeOverride replaced the planner's figure

    @property
    def prefers_boot_disk(self) -> bool:
        return self.purpose in ("root", "swap")


@dataclass
class SlicePlan:
    disk: str
    index: int
    key: str
    purpose: str
    mount_point: str
    size_mb: int
    tag: int
    start_cyl: int = 0
    cylinders: int = 0
    start_sector: int = 0
    sector_count: int = 0
    zone: str | None = None
    mirror: str = ""  # on both halves of a rebuilt SVM mirror: its name (d10)

    @property
    def device(self) -> str:
        return f"/dev/dsk/{self.disk}s{self.index}"

    @property
    def raw_device(self) -> str:
        return f"/dev/rdsk/{self.disk}s{self.index}"

    def to_dict(self) -> dict[str, Any]:
        out = record_dict(self)
        out["device"] = self.device
        return out


@dataclass
class DiskLayout:
    name: str
    size_bytes: int
    size_mb: int
    cylinder_sectors: int
    cylinders: int  # usable (accessible minus reserved) cylinders
    reserved_cylinders: int
    geometry: str  # "prtvtoc" or the assumption used
    boot: bool
    slices: list[SlicePlan] = field(default_factory=list)  # s2 included, ordered by index
    free_cylinders: int = 0

    @property
    def free_mb(self) -> int:
        return self.free_cylinders * self.cylinder_sectors // SECTORS_PER_MB

    @property
    def usable_mb(self) -> int:
        return self.cylinders * self.cylinder_sectors // SECTORS_PER_MB

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size_bytes": self.size_bytes,
            "size_mb": self.size_mb,
            "usable_mb": self.usable_mb,
            "free_mb": self.free_mb,
            "cylinder_sectors": self.cylinder_sectors,
            "cylinders": self.cylinders,
            "reserved_cylinders": self.reserved_cylinders,
            "geometry": self.geometry,
            "boot": self.boot,
            "slices": [s.to_dict() for s in self.slices],
        }


@dataclass
class UnplacedFs:
    key: str
    purpose: str
    mount_point: str
    size_mb: int
    shortfall_mb: int
    largest_free_mb: int
    reason: str
    zone: str | None = None
    best_disk: str = ""  # the disk with the most free space (and a free slice)
    zone_dir: str = ""

    def to_dict(self) -> dict[str, Any]:
        return record_dict(self)


@dataclass
class LayoutPlan:
    disks: list[DiskLayout]
    planned: list[PlannedFs]
    unplaced: list[UnplacedFs]
    notes: list[str] = field(default_factory=list)
    # Zones whose zonepath is on NFS: the new local zonepath the layout plans for them.
    relocations: dict[str, str] = field(default_factory=dict)

    def slice_for(self, key: str) -> SlicePlan | None:
        for disk in self.disks:
            for s in disk.slices:
                if s.key == key:
                    return s
        return None

    def unplaced_for(self, key: str) -> UnplacedFs | None:
        return next((u for u in self.unplaced if u.key == key), None)

    def slices_for(self, key: str) -> list[SlicePlan]:
        """The slice of ``key`` and, for a rebuilt mirror, its second half (``mirror:<key>``)."""
        return [s for disk in self.disks for s in disk.slices if s.key in (key, f"{MIRROR_HALF}{key}")]

    @property
    def metadb_slices(self) -> list[SlicePlan]:
        return [s for disk in self.disks for s in disk.slices if s.purpose == "metadb"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "disks": [d.to_dict() for d in self.disks],
            "planned": [record_dict(p) for p in self.planned],
            "unplaced": [u.to_dict() for u in self.unplaced],
            "notes": list(self.notes),
            "relocations": dict(self.relocations),
        }


# --- sizing -----------------------------------------------------------------------------------


def zone_ufs_key(zone: str, directory: str) -> str:
    return f"zone:{zone}:{directory}"


def _zone_estimate_mb(sparse: bool) -> int:
    return SPARSE_ZONE_ESTIMATE_MB if sparse else WHOLE_ROOT_ZONE_ESTIMATE_MB


def zone_root_key(zone: str) -> str:
    """The size-override key of one zone's own size (``zoneroot:<zone>``)."""
    return f"{ZONE_ROOT_PREFIX}{zone}"


def _zonepath_groups(
    source: HostInventory, root_pool: str = ""
) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Zone names grouped by the separate mount holding their zonepath; zones on /; zones on NFS.

    With a ZFS root, a zonepath on a dataset of the root pool comes with the pool: it counts as on /.
    """
    groups: dict[str, list[str]] = {}
    on_root: list[str] = []
    on_nfs: list[str] = []
    for zone in nonglobal_zones(source):
        zp = zonepath_of(zone, source)
        if not zp:
            continue
        m = mount_for(source, zp)
        if m is not None and m.fstype == "nfs":
            on_nfs.append(zone.name)
        elif m is None or m.mount_point == "/" or _in_pool(m.device, m.fstype, root_pool):
            on_root.append(zone.name)
        else:
            groups.setdefault(m.mount_point, []).append(zone.name)
    return groups, on_root, on_nfs


def _in_pool(device: str, fstype: str, pool: str) -> bool:
    return bool(pool) and fstype == "zfs" and (device == pool or device.startswith(pool + "/"))


def nfs_relocations(source: HostInventory) -> dict[str, str]:
    """A new local zonepath for each zone whose zonepath is on NFS (ZONEPATH_ON_NFS).

    The new path sits in the directory most local zonepaths share (``/zones``), or ``/zones``
    when no zone is local, under the zone's own name; a name another zone uses gets ``-local``.
    """
    _groups, _on_root, on_nfs = _zonepath_groups(source)
    if not on_nfs:
        return {}
    parents: dict[str, int] = {}
    used: set[str] = set()
    for zone in nonglobal_zones(source):
        zp = zonepath_of(zone, source).rstrip("/")
        if not zp:
            continue
        used.add(zp)
        if zone.name in on_nfs:
            continue
        parent = zp.rsplit("/", 1)[0] or "/"
        m = mount_for(source, parent)
        if m is None or m.fstype != "nfs":
            parents[parent] = parents.get(parent, 0) + 1
    home = min(parents, key=lambda p: (-parents[p], p)) if parents else "/zones"
    out: dict[str, str] = {}
    for name in sorted(on_nfs):
        path = f"{home.rstrip('/')}/{name}"
        while path in used:
            path += "-local"
        used.add(path)
        out[name] = path
    return out


def _nfs_zone_size_mb(
    source: HostInventory, zone_name: str, sizes: dict[str, int] | None = None
) -> tuple[int, str, bool]:
    """What a zone moved off NFS needs: its own NFS mount's used space when the zonepath is one,
    else the user's size for it, else an estimate (the last item: whether it is one)."""
    zone = next(z for z in nonglobal_zones(source) if z.name == zone_name)
    zp = zonepath_of(zone, source).rstrip("/")
    used = df_used_kib(source, zp)
    if used is not None:
        return mb_from_kib(used), f"{zone_name} {mb_from_kib(used)} MB (df -k {zp})", False
    given = (sizes or {}).get(zone_root_key(zone_name))
    if given is not None:
        return given, f"{zone_name} {given} MB (set by the user)", False
    estimate = _zone_estimate_mb(is_sparse_root(zone))
    return estimate, f"{zone_name} estimated at {estimate} MB", True


def plan_filesystems(
    source: HostInventory,
    destination: HostInventory,
    options: PlanOptions,
    facts: InstallFacts | None = None,
    sizes: dict[str, int] | None = None,
) -> list[PlannedFs]:
    """The file systems the destination needs, sized; ``sizes`` (layout key or ``zoneroot:<zone>``
    -> MB) are the user's figures, which replace what the planner worked out or assumed."""
    zones = {z.name: z for z in nonglobal_zones(source)}
    root_pool = facts.root_pool if facts is not None else ""
    sizes = sizes or {}

    # A zonecfg export alone says nothing of the zone's state or files: its zones are sized like
    # installed ones (and SIZE_ASSUMED says so) rather than counted as empty.
    state_unknown = source.origin.split(":", 1)[0] == "zonecfg"

    def counted(names: list[str]) -> list[str]:
        return [
            n
            for n in names
            if state_unknown or zone_root_key(n) in sizes or zone_state(zones[n]) in INSTALLED_STATES
        ]

    def estimate(names: list[str]) -> int:
        return sum(
            sizes.get(zone_root_key(n), _zone_estimate_mb(is_sparse_root(zones[n]))) for n in counted(names)
        )

    def guessed(names: list[str]) -> tuple[str, ...]:
        return tuple(n for n in counted(names) if zone_root_key(n) not in sizes)

    groups, on_root, _on_nfs = _zonepath_groups(source, root_pool)
    planned: list[PlannedFs] = []

    root_used = df_used_kib(source, "/")
    if root_used is not None:
        used_mb = mb_from_kib(root_used)
        planned.append(
            PlannedFs(
                "root",
                "root",
                "/",
                with_headroom(used_mb, options.root_headroom_pct),
                f"df -k / used {used_mb} MB + {options.root_headroom_pct}%",
            )
        )
    else:
        extra = estimate(on_root)
        planned.append(
            PlannedFs(
                "root",
                "root",
                "/",
                ROOT_DEFAULT_MB + extra,
                f"no df -k of /: {ROOT_DEFAULT_MB} MB default + {extra} MB for zonepaths on /",
                estimated=True,
                estimated_zones=guessed(on_root),
            )
        )

    planned.append(_plan_swap(source, destination))

    zonepath_mounts = set(groups)
    for v in source.vfstab:
        if v.fstype != "ufs" or v.mount_point in ("/", "-", "") or v.mount_point in zonepath_mounts:
            continue
        used = df_used_kib(source, v.mount_point)
        slice_mb = slice_size_mb(source, v.device)
        if used is not None:
            size = with_headroom(mb_from_kib(used), options.root_headroom_pct)
            basis, estimated = f"df -k used {mb_from_kib(used)} MB + {options.root_headroom_pct}%", False
        elif slice_mb is not None:
            size, basis, estimated = slice_mb, f"source slice {v.device} is {slice_mb} MB", False
        else:
            size, basis, estimated = GLOBAL_FS_DEFAULT_MB, "size unknown: 1024 MB estimate", True
        planned.append(
            PlannedFs(
                f"fs:{v.mount_point}",
                "global-fs",
                v.mount_point,
                size,
                basis,
                source_device=v.device,
                source_raw=v.fsck_device,
                estimated=estimated,
            )
        )

    for mount_point in sorted(groups):
        names = groups[mount_point]
        used = df_used_kib(source, mount_point)
        key = "zonepaths" if len(groups) == 1 else f"zonepaths:{mount_point}"
        if used is not None:
            used_mb = mb_from_kib(used)
            size = with_headroom(used_mb, options.zonepath_headroom_pct)
            basis, estimated = (
                f"df -k {mount_point} used {used_mb} MB + {options.zonepath_headroom_pct}%",
                False,
            )
        else:
            est = estimate(names)
            size = with_headroom(est, options.zonepath_headroom_pct)
            basis = (
                f"no df -k of {mount_point}: {len(names)} zone(s) estimated at {est} MB "
                f"(sparse {SPARSE_ZONE_ESTIMATE_MB} MB, whole root {WHOLE_ROOT_ZONE_ESTIMATE_MB} MB) "
                f"+ {options.zonepath_headroom_pct}%"
            )
            estimated = True
        planned.append(
            PlannedFs(
                key,
                "zonepaths",
                mount_point,
                max(size, 1),
                basis,
                estimated=estimated,
                estimated_zones=guessed(names) if estimated else (),
            )
        )

    for zone in nonglobal_zones(source):
        if zone.config is None:
            continue
        zp = zonepath_of(zone, source)
        for fs in zone.config.fs:
            if fs.type != "ufs":
                continue
            planned.append(_plan_zone_ufs(source, options, zone.name, zp, fs.dir, fs.special, fs.raw))
    _add_relocated_zones(source, planned, sizes)
    _apply_sizes(planned, sizes)
    if facts is not None:
        for item in planned:
            rebuild = facts.mirror_for(item.mount_point)
            if rebuild is not None and item.purpose in ("root", "swap", "global-fs"):
                item.mirror = rebuild.metadevice
                item.mirror_disks = tuple(s[: s.rfind("s")] for s in rebuild.source_slices)
    return planned


def _apply_sizes(planned: list[PlannedFs], sizes: dict[str, int]) -> None:
    """The user's sizes win over the planner's figures (and make them no longer assumed)."""
    for item in planned:
        given = sizes.get(item.key)
        if given is None:
            continue
        item.basis = f"{given} MB, set by the user (the planner had {item.size_mb} MB: {item.basis})"
        item.size_mb = given
        item.estimated = False
        item.estimated_zones = ()
        item.sized_by_user = True


def _add_relocated_zones(
    source: HostInventory, planned: list[PlannedFs], sizes: dict[str, int] | None = None
) -> None:
    """Room for the zones moved off NFS, in the file system that will hold their new zonepath."""
    relocations = nfs_relocations(source)
    for name, path in relocations.items():
        m = mount_for(source, path)
        home = m.mount_point if m is not None and m.fstype != "nfs" else "/"
        target = next(
            (p for p in planned if p.mount_point == home and p.purpose in ("root", "zonepaths", "global-fs")),
            None,
        ) or next(p for p in planned if p.purpose == "root")
        size, why, estimated = _nfs_zone_size_mb(source, name, sizes)
        target.size_mb += size
        target.basis += f"; + {why}, moved off NFS to {path} (ZONEPATH_ON_NFS)"
        if estimated:
            target.estimated_zones = (*target.estimated_zones, name)


def _plan_zone_ufs(
    source: HostInventory,
    options: PlanOptions,
    zone: str,
    zonepath: str,
    directory: str,
    special: str,
    raw: str,
) -> PlannedFs:
    slice_mb = slice_size_mb(source, special)
    df_size = next((d.kbytes for d in source.df if d.filesystem == special), None)
    if slice_mb is not None:
        size = with_headroom(slice_mb, options.slice_headroom_pct)
        basis, estimated = f"source slice {special} is {slice_mb} MB + {options.slice_headroom_pct}%", False
    elif df_size is not None:
        size = with_headroom(mb_from_kib(df_size), options.slice_headroom_pct)
        basis = f"df -k size of {special} {mb_from_kib(df_size)} MB + {options.slice_headroom_pct}%"
        estimated = False
    else:
        size, basis, estimated = (
            ZONE_UFS_DEFAULT_MB,
            f"no prtvtoc or df -k for {special}: 1024 MB estimate",
            True,
        )
    return PlannedFs(
        key=zone_ufs_key(zone, directory),
        purpose="zone-ufs",
        mount_point=zone_root_path(zonepath, directory),
        size_mb=size,
        basis=basis,
        zone=zone,
        zone_dir=directory,
        source_device=special,
        source_raw=raw,
        estimated=estimated,
    )


def _plan_swap(source: HostInventory, destination: HostInventory) -> PlannedFs:
    sized: list[tuple[str, int]] = []
    for v in source.vfstab:
        if v.fstype != "swap":
            continue
        mb = slice_size_mb(source, v.device)
        md = metadevice_name(v.device)
        if mb is None and md is not None:
            # A swap mirror is as big as its first submirror's slice.
            first = next(iter(metadevice_tree(source, md).slices), "")
            mb = slice_size_mb(source, f"/dev/dsk/{first}") if first else None
        if mb is not None:
            sized.append((v.device, mb))
    if sized:
        total = sum(mb for _, mb in sized)
        devices = ", ".join(f"{d} {mb} MB" for d, mb in sized)
        return PlannedFs("swap", "swap", "swap", total, f"source swap slices: {devices}")
    memory = destination.prtdiag.memory_mb or source.prtdiag.memory_mb
    if memory:
        who = destination.hostname if destination.prtdiag.memory_mb else source.hostname
        return PlannedFs(
            "swap", "swap", "swap", memory, f"no sizable swap slice: memory size of {who}", estimated=True
        )
    return PlannedFs(
        "swap", "swap", "swap", SWAP_DEFAULT_MB, "no swap slice and no memory size: 2048 MB", estimated=True
    )


# --- placement --------------------------------------------------------------------------------


@dataclass
class _DiskState:
    layout: DiskLayout
    used_indexes: set[int] = field(default_factory=set)

    def free_index(self, purpose: str) -> int | None:
        preferred: tuple[int, ...] = {"root": (0,), "swap": (1,), "metadb": (7,)}.get(purpose, ())
        order = (
            _BOOT_DISK_ORDER_OTHERS if self.layout.boot and purpose not in ("root", "swap") else USABLE_SLICES
        )
        for index in (*preferred, *order):
            if index not in self.used_indexes:
                return index
        return None


def _geometry(destination: HostInventory, disk: str) -> tuple[int, int, int, str, int]:
    """(cylinder sectors, usable cylinders, reserved cylinders, description, size bytes)."""
    d = destination.disk(disk)
    size = d.size_bytes if d is not None else 0
    reserved = 1 if destination.uname.machine == "i86pc" else 0  # x86: s8 boot slice on cylinder 0
    vtoc = destination.vtoc(disk)
    if vtoc is not None and vtoc.sectors_per_track and vtoc.tracks_per_cylinder and vtoc.accessible_cylinders:
        cyl = vtoc.sectors_per_track * vtoc.tracks_per_cylinder
        if not size:
            size = vtoc.accessible_cylinders * cyl * vtoc.bytes_per_sector
        return cyl, vtoc.accessible_cylinders - reserved, reserved, "prtvtoc", size
    cyl = ASSUMED_HEADS * ASSUMED_SECTORS
    accessible = max(size // (cyl * 512) - ALTERNATE_CYLINDERS, 0)
    return cyl, max(accessible - reserved, 0), reserved, "assumed 255 heads x 63 sectors", size


def _overridden_disk(item: PlannedFs, overrides: list[DiskOverride]) -> str | None:
    for o in overrides:
        if o.key == item.key or (o.key == "zonepaths" and item.purpose == "zonepaths"):
            return o.disk
    return None


def _tag_for(item: PlannedFs) -> int:
    if item.purpose == "swap":
        return TAG_SWAP
    return _TAGS_BY_MOUNT.get(item.mount_point, TAG_UNASSIGNED)


def place_filesystems(
    planned: list[PlannedFs], destination: HostInventory, overrides: Overrides
) -> LayoutPlan:
    names = disk_names(destination)
    states: list[_DiskState] = []
    for name in names:
        cyl, cylinders, reserved, geometry, size = _geometry(destination, name)
        if size <= 0 or cylinders <= 0:
            # Removable drives with no medium (the DVD drive iostat -En lists at 0 bytes) hold nothing.
            continue
        layout = DiskLayout(
            name=name,
            size_bytes=size,
            size_mb=size // (1024 * 1024),
            cylinder_sectors=cyl,
            cylinders=cylinders,
            reserved_cylinders=reserved,
            geometry=geometry,
            boot=not states,
            free_cylinders=cylinders,
        )
        states.append(_DiskState(layout))
    by_name = {s.layout.name: s for s in states}

    pinned = [p for p in planned if _overridden_disk(p, overrides.disks) is not None]
    boot_first = [p for p in planned if p not in pinned and p.prefers_boot_disk]
    rest = sorted(
        (p for p in planned if p not in pinned and not p.prefers_boot_disk), key=lambda p: (-p.size_mb, p.key)
    )
    unplaced: list[UnplacedFs] = []
    notes: list[str] = []

    for item in [*pinned, *boot_first, *rest]:
        wanted = _overridden_disk(item, overrides.disks)
        if wanted is not None:
            target = by_name.get(wanted)
            if target is None:
                unplaced.append(
                    _unplaced(item, [], f"the chosen disk {wanted} does not exist on {destination.hostname}")
                )
                continue
            candidates = [target]
        else:
            candidates = states
        placed = _place_first_fit(item, candidates)
        if placed is None:
            unplaced.append(_unplaced(item, candidates, ""))
        elif item.mirror:
            _place_mirror_half(item, placed, states, notes)

    for s in states:
        _finish_disk(s.layout)
    if not states:
        notes.append(f"{destination.hostname} lists no disks: nothing can be placed")
    if any(s.layout.geometry != "prtvtoc" for s in states):
        notes.append("no prtvtoc for some destination disks: cylinders assume 255 heads x 63 sectors")
    return LayoutPlan([s.layout for s in states], planned, unplaced, notes)


def _cylinders_for(size_mb: int, cylinder_sectors: int) -> int:
    return ceil_div(size_mb * SECTORS_PER_MB, cylinder_sectors)


def _place_first_fit(
    item: PlannedFs, candidates: list[_DiskState], *, key: str = "", index_first: int | None = None
) -> SlicePlan | None:
    for state in candidates:
        index = state.free_index(item.purpose)
        if index_first is not None and index_first not in state.used_indexes and index_first != 2:
            index = index_first
        if index is None:
            continue
        need = _cylinders_for(item.size_mb, state.layout.cylinder_sectors)
        if need > state.layout.free_cylinders:
            continue
        state.used_indexes.add(index)
        state.layout.free_cylinders -= need
        placed = SlicePlan(
            disk=state.layout.name,
            index=index,
            key=key or item.key,
            purpose=item.purpose,
            mount_point=item.mount_point,
            size_mb=item.size_mb,
            tag=_tag_for(item),
            cylinders=need,
            zone=item.zone,
            mirror=item.mirror,
        )
        state.layout.slices.append(placed)
        return placed
    return None


def _place_mirror_half(item: PlannedFs, first: SlicePlan, states: list[_DiskState], notes: list[str]) -> None:
    """The second submirror of a rebuilt SVM mirror, on another disk (same slice index if free),
    and a metadb slice on each disk that holds a half (JumpStart's ``metadb`` needs one)."""
    # On the disk the source's other submirror was on, when the destination has it (same hardware).
    others = sorted(
        (s for s in states if s.layout.name != first.disk),
        key=lambda s: s.layout.name not in item.mirror_disks,
    )
    second = _place_first_fit(item, others, key=f"{MIRROR_HALF}{item.key}", index_first=first.index)
    by_name = {s.layout.name: s for s in states}
    for disk in [first.disk, *([second.disk] if second else [])]:
        state = by_name[disk]
        if any(s.purpose == "metadb" for s in state.layout.slices):
            continue
        metadb = PlannedFs(
            f"{METADB_PREFIX}{disk}", "metadb", "", METADB_SLICE_MB, "SVM state database replicas"
        )
        if _place_first_fit(metadb, [state]) is None:
            notes.append(f"no slice left on {disk} for the SVM state database replicas (metadb)")
    if second is None:
        notes.append(
            f"{item.mount_point} is rebuilt as a one-way mirror {item.mirror}: no second disk has "
            f"{item.size_mb} MB free; attach a submirror later (metainit, metattach)"
        )


def _unplaced(item: PlannedFs, candidates: list[_DiskState], reason: str) -> UnplacedFs:
    with_slot = [s for s in candidates if s.free_index(item.purpose) is not None]
    best = max(with_slot, key=lambda s: s.layout.free_mb, default=None)
    largest = best.layout.free_mb if best is not None else 0
    if not reason:
        if best is None and candidates:
            reason = "every candidate disk already has 7 slices (s0, s1, s3-s7)"
        elif best is None:
            reason = "no destination disk"
        else:
            reason = (
                f"needs {item.size_mb} MB; the most free space on one disk is {largest} MB "
                f"({best.layout.name})"
            )
    return UnplacedFs(
        key=item.key,
        purpose=item.purpose,
        mount_point=item.mount_point,
        size_mb=item.size_mb,
        shortfall_mb=item.size_mb - largest,
        largest_free_mb=largest,
        reason=reason,
        zone=item.zone,
        zone_dir=item.zone_dir,
        best_disk=best.layout.name if best is not None else "",
    )


def _finish_disk(layout: DiskLayout) -> None:
    """Lay the slices out in index order from the first usable cylinder, and add s2."""
    slices = sorted(layout.slices, key=lambda s: s.index)
    cylinder = layout.reserved_cylinders
    for s in slices:
        s.start_cyl = cylinder
        s.start_sector = cylinder * layout.cylinder_sectors
        s.sector_count = s.cylinders * layout.cylinder_sectors
        cylinder += s.cylinders
    total = layout.cylinders + layout.reserved_cylinders
    backup = SlicePlan(
        disk=layout.name,
        index=2,
        key=f"backup:{layout.name}",
        purpose="backup",
        mount_point="",
        size_mb=total * layout.cylinder_sectors // SECTORS_PER_MB,
        tag=TAG_BACKUP,
        start_cyl=0,
        cylinders=total,
        start_sector=0,
        sector_count=total * layout.cylinder_sectors,
    )
    layout.slices = sorted([*slices, backup], key=lambda s: s.index)


def plan_layout(
    source: HostInventory,
    destination: HostInventory,
    options: PlanOptions,
    overrides: Overrides,
    facts: InstallFacts | None = None,
) -> LayoutPlan:
    sizes = {s.key: s.size_mb for s in overrides.sizes}
    planned = plan_filesystems(source, destination, options, facts, sizes)
    layout = place_filesystems(planned, destination, overrides)
    layout.relocations = nfs_relocations(source)
    if layout.relocations:
        moved = ", ".join(f"{z} to {p}" for z, p in sorted(layout.relocations.items()))
        layout.notes.append(f"zonepaths on NFS are planned at new local paths (ZONEPATH_ON_NFS): {moved}")
    return layout
