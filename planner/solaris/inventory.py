"""Typed records for what a Solaris 10 global zone reports about itself.

Every parser in this package returns these dataclasses, and a whole collector
bundle becomes one :class:`HostInventory`.  Nothing here imports Django: the
planner, the report CLI and the tests use the same objects, and the web app
stores them as JSON (``to_dict``/``from_dict``) next to its relational rows.
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union

# Sparse-root zones made with plain ``create`` (the SUNWdefault template)
# inherit these four directories read-only from the global zone.
SPARSE_INHERIT_PKG_DIRS: tuple[str, ...] = ("/lib", "/platform", "/sbin", "/usr")


# --- zone configuration (zonecfg export / zonecfg info / zone XML) -------------------------


@dataclass
class ZoneFs:
    dir: str
    special: str = ""
    raw: str = ""
    type: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class ZoneNet:
    physical: str
    address: str = ""
    defrouter: str = ""
    allowed_address: str = ""


@dataclass
class ZoneDevice:
    match: str


@dataclass
class RctlValue:
    priv: str
    limit: str
    action: str


@dataclass
class ZoneRctl:
    name: str
    values: list[RctlValue] = field(default_factory=list)


@dataclass
class ZoneAttr:
    name: str
    type: str = ""
    value: str = ""


@dataclass
class ZoneDedicatedCpu:
    ncpus: str
    importance: str = ""


@dataclass
class ZoneCappedCpu:
    ncpus: str


@dataclass
class ZoneCappedMemory:
    physical: str = ""
    swap: str = ""
    locked: str = ""


@dataclass
class ZoneAdmin:
    """Delegated zone administration (``add admin``; late Solaris 10 updates and illumos)."""

    user: str
    auths: str = ""


@dataclass
class ZoneConfig:
    """One zone's configuration, as ``zonecfg -z NAME export`` describes it."""

    name: str
    zonepath: str = ""
    brand: str = "native"
    autoboot: bool = False
    ip_type: str = "shared"  # "shared" or "exclusive"
    pool: str = ""
    limitpriv: str = ""
    bootargs: str = ""
    scheduling_class: str = ""
    hostid: str = ""
    fs_allowed: str = ""
    # "sparse" (plain create), "whole" (create -b), "template" (create -t NAME),
    # "attach" (create -a PATH) or "unknown" (an XML without a create line).
    create_mode: str = "sparse"
    template: str = ""
    # The detached zonepath named by ``create -a PATH`` (create_mode "attach").
    attach_path: str = ""
    inherit_pkg_dirs: list[str] = field(default_factory=list)
    fs: list[ZoneFs] = field(default_factory=list)
    nets: list[ZoneNet] = field(default_factory=list)
    devices: list[ZoneDevice] = field(default_factory=list)
    rctls: list[ZoneRctl] = field(default_factory=list)
    attrs: list[ZoneAttr] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    dedicated_cpu: ZoneDedicatedCpu | None = None
    capped_cpu: ZoneCappedCpu | None = None
    capped_memory: ZoneCappedMemory | None = None
    admins: list[ZoneAdmin] = field(default_factory=list)
    # Global properties zonecfg knows that this model does not name, kept verbatim.
    extra_properties: dict[str, str] = field(default_factory=dict)

    @property
    def is_sparse_root(self) -> bool:
        """True when the zone inherits package directories from the global zone.

        Check this rather than ``create_mode``: ``zonecfg export`` always writes
        ``create -b`` and then lists the inherited directories explicitly.
        """
        return bool(self.inherit_pkg_dirs)


# --- zone state (zoneadm list -cvp, /etc/zones/index) -----------------------------------------


@dataclass
class ZoneListEntry:
    """One line of ``zoneadm list -cvp`` (or -cp)."""

    zoneid: str  # "-" when the zone is not running
    name: str
    state: str
    zonepath: str
    uuid: str = ""
    brand: str = ""
    ip_type: str = ""  # "shared" or "excl" as zoneadm prints it
    extra_fields: list[str] = field(default_factory=list)


@dataclass
class ZoneIndexEntry:
    """One line of ``/etc/zones/index``: name:state:path:uuid."""

    name: str
    state: str
    zonepath: str
    uuid: str = ""


# --- file systems -------------------------------------------------------------------------------


@dataclass
class VfstabEntry:
    device: str
    fsck_device: str
    mount_point: str
    fstype: str
    fsck_pass: str
    mount_at_boot: str
    options: str
    line: int = 0


@dataclass
class DfEntry:
    """One ``df -k`` row; sizes in KiB as df prints them."""

    filesystem: str
    kbytes: int
    used: int
    avail: int
    capacity: str
    mounted_on: str


# --- SVM --------------------------------------------------------------------------------------


@dataclass
class Metadevice:
    """A metadevice or hot-spare pool from ``metastat -p``.

    ``kind`` is one of mirror, stripe, concat, softpart, raid5, trans, hsp
    (and mddb for state-database replicas listed in md.tab).
    ``components`` are the devices it is built on, normalised to short names
    (``d11``, ``c0t0d0s0``); ``rows`` keeps the stripe/concat row structure.
    """

    name: str
    kind: str
    components: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    diskset: str = ""
    line: int = 0


# --- network ----------------------------------------------------------------------------------


@dataclass
class Nic:
    """A physical data link (``dladm show-dev`` / ``show-link``)."""

    name: str  # e.g. bge0
    driver: str = ""  # e.g. bge
    instance: int | None = None
    link_state: str = "unknown"  # up / down / unknown
    speed_mbps: int | None = None
    duplex: str = ""
    link_type: str = ""  # legacy / non-vlan / vlan / aggr, from show-link
    mtu: int | None = None
    # show-link: the device a VLAN link sits on, or "key N" for an aggregation.
    over: str = ""
    vlan_id: int | None = None
    # Solaris 11 ``dladm show-phys``: the link (net0) sits on DEVICE (e1000g0); MEDIA is Ethernet...
    device: str = ""
    media: str = ""


@dataclass
class IpInterface:
    """One logical interface block of ``ifconfig -a``."""

    name: str  # e.g. bge0:1
    flags: list[str] = field(default_factory=list)
    mtu: int | None = None
    index: int | None = None
    family: str = "inet"  # inet or inet6
    address: str = ""
    netmask: str = ""
    broadcast: str = ""
    zone: str = ""
    ether: str = ""

    @property
    def physical(self) -> str:
        return self.name.split(":", 1)[0]


# --- disks ------------------------------------------------------------------------------------


@dataclass
class Disk:
    """A disk, from ``iostat -En`` (size) and ``prtvtoc`` (geometry)."""

    name: str  # c0t0d0
    size_bytes: int = 0
    vendor: str = ""
    product: str = ""
    serial: str = ""
    # A CD/DVD drive (by its iostat -En vendor/product/model text): never a layout disk, even with a disc.
    optical: bool = False


@dataclass
class VtocSlice:
    """One partition line of ``prtvtoc`` (512-byte sectors)."""

    index: int
    tag: int
    flags: str
    first_sector: int
    sector_count: int
    mount_point: str = ""

    @property
    def size_bytes(self) -> int:
        return self.sector_count * 512


@dataclass
class Vtoc:
    disk: str
    bytes_per_sector: int = 512
    sectors_per_track: int | None = None
    tracks_per_cylinder: int | None = None
    accessible_cylinders: int | None = None
    slices: list[VtocSlice] = field(default_factory=list)


# --- system -----------------------------------------------------------------------------------


@dataclass
class Uname:
    sysname: str = ""
    nodename: str = ""
    release: str = ""
    version: str = ""
    machine: str = ""  # sun4u, sun4v, i86pc
    processor: str = ""  # sparc, i386
    platform: str = ""  # SUNW,Sun-Fire-V240


@dataclass
class Prtdiag:
    system_configuration: str = ""
    model: str = ""
    clock_mhz: int | None = None
    memory_mb: int | None = None


# --- release, software group, ZFS, large files ---------------------------------------------


@dataclass
class OsRelease:
    """The first line (and the ``Assembled`` line) of ``/etc/release``.

    The file names the update the system was *installed* from; patching changes
    only ``uname -v`` (see planner.domain.releases).
    """

    text: str = ""  # line 1, spaces collapsed: "Oracle Solaris 10 9/10 s10s_u9wos_14a SPARC"
    major: int = 0  # 10 or 11
    version: str = ""  # "10", "11", "11.4"
    release: str = ""  # the date-named release: "10/09" (Solaris 10), "11/11" (Solaris 11 11/11); else ""
    # Solaris 10 update number from the build (s10s_u8wos_08a -> 8; 3/05 and its HW releases -> 0).
    update: int | None = None
    build: str = ""  # s10s_u8wos_08a, s10_74L2a; "" on Solaris 11
    hardware_release: str = ""  # "HW1", "HW2": the interim 3/05 hardware releases
    arch: str = ""  # "sparc" or "x86"
    oracle: bool = False  # the line starts with "Oracle" (Solaris 10 9/10 on, all of Solaris 11)
    assembled: str = ""  # "16 September 2009"


@dataclass
class Zpool:
    """One row of ``zpool list``; sizes as zpool prints them (rounded), in bytes."""

    name: str
    size_bytes: int = 0
    alloc_bytes: int = 0  # ALLOC, or USED on older updates
    free_bytes: int = 0  # FREE, or AVAIL on older updates
    capacity: str = ""  # "64%"
    health: str = ""  # ONLINE, DEGRADED, FAULTED...
    altroot: str = ""  # "" for "-"
    dedup: str = ""  # "1.00x" where zpool prints a DEDUP column


@dataclass
class ZfsDataset:
    """One line of ``zfs list -H -o name,type,used,avail,mountpoint``."""

    name: str  # rpool/ROOT/s10s_u8wos_08a
    type: str = "filesystem"  # filesystem, volume, snapshot
    used_bytes: int = 0  # rounded as zfs prints it
    avail_bytes: int | None = None  # None for "-"
    mountpoint: str = ""  # "/export", "legacy", "none", or "-" (volumes, snapshots)

    @property
    def pool(self) -> str:
        return self.name.split("/", 1)[0].split("@", 1)[0]


@dataclass
class LargeFile:
    """A regular file over 4 GiB: one ``ls -ld`` line of the collector's ``find ... -size +8388607``."""

    path: str
    size_bytes: int
    owner: str = ""
    group: str = ""
    mode: str = ""  # -rw-r--r--
    line: int = 0


# --- the whole host ---------------------------------------------------------------------------


@dataclass
class Zone:
    """A non-global zone as the planner sees it: state, config and its own vfstab."""

    name: str
    state: str = "configured"
    config: ZoneConfig | None = None
    vfstab: list[VfstabEntry] = field(default_factory=list)
    listed: ZoneListEntry | None = None


@dataclass
class ImportIssue:
    """Something wrong or missing in a bundle that did not stop the import."""

    file: str
    message: str
    line: int | None = None
    severity: str = "warning"  # "warning" (missing data) or "error" (a file failed to parse)


@dataclass
class HostInventory:
    hostname: str
    uname: Uname = field(default_factory=Uname)
    prtdiag: Prtdiag = field(default_factory=Prtdiag)
    zones: list[Zone] = field(default_factory=list)
    zone_index: list[ZoneIndexEntry] = field(default_factory=list)
    vfstab: list[VfstabEntry] = field(default_factory=list)
    df: list[DfEntry] = field(default_factory=list)
    metadevices: list[Metadevice] = field(default_factory=list)
    nics: list[Nic] = field(default_factory=list)
    interfaces: list[IpInterface] = field(default_factory=list)
    disks: list[Disk] = field(default_factory=list)
    vtocs: list[Vtoc] = field(default_factory=list)
    # Free-form devices a destination spec or catalog entry declares (e.g. /dev/rmt/0).
    devices: list[str] = field(default_factory=list)
    # Files present in the bundle, and what went wrong reading it.
    files: list[str] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    # Where this inventory came from: "bundle", "zonecfg", "spec" or "catalog:<model>".
    origin: str = "bundle"
    # /etc/release (None: not collected), /var/sadm/system/admin/CLUSTER ("" unknown), ZFS, big files.
    release: OsRelease | None = None
    cluster: str = ""  # the installed software group (metacluster), e.g. SUNWCXall
    zpools: list[Zpool] = field(default_factory=list)
    zfs_datasets: list[ZfsDataset] = field(default_factory=list)
    large_files: list[LargeFile] = field(default_factory=list)
    # "solaris10", "solaris11", or "" when neither /etc/release nor uname tells.
    os_family: str = ""
    # Solaris 11 destinations: pkg:/system/zones/brand/brand-solaris10 (None: not collected).
    brand_solaris10_installed: bool | None = None
    brand_solaris10_version: str = ""

    def zone(self, name: str) -> Zone | None:
        return next((z for z in self.zones if z.name == name), None)

    def nic(self, name: str) -> Nic | None:
        return next((n for n in self.nics if n.name == name), None)

    def disk(self, name: str) -> Disk | None:
        return next((d for d in self.disks if d.name == name), None)

    def vtoc(self, disk: str) -> Vtoc | None:
        return next((v for v in self.vtocs if v.disk == disk), None)

    def to_dict(self) -> dict[str, Any]:
        return typing.cast(dict[str, Any], to_plain(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HostInventory:
        return from_dict(cls, data)


T = TypeVar("T")
_Converter = typing.Callable[[Any], Any]
_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def to_plain(value: Any) -> Any:
    """``dataclasses.asdict`` for these records, without its per-value ``deepcopy``; same output.

    Dataclasses become dicts of their fields, lists, tuples and dicts are rebuilt
    item by item, str/int/float/bool/None are immutable and shared, and anything
    else is deep-copied as ``asdict`` does.
    """
    cls = type(value)
    if cls in _SCALARS:
        return value
    names = _FIELD_NAMES.get(cls)
    if names is None and dataclasses.is_dataclass(cls):
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    if names is not None:
        return {name: to_plain(getattr(value, name)) for name in names}
    if cls is list:
        return [to_plain(item) for item in value]
    if cls is dict:
        return {to_plain(key): to_plain(item) for key, item in value.items()}
    if cls is tuple:
        return tuple(to_plain(item) for item in value)
    return copy.deepcopy(value)


def record_dict(record: Any) -> dict[str, Any]:
    """``dataclasses.asdict(record)``, faster (see :func:`to_plain`)."""
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        raise TypeError("record_dict() should be called on dataclass instances")
    return typing.cast(dict[str, Any], to_plain(record))


def copy_records(value: Any) -> Any:
    """``copy.deepcopy`` for these records (dataclasses of scalars, lists and dicts), many times faster.

    Dataclass instances are copied attribute by attribute without calling
    ``__init__`` (as deepcopy does); anything unfamiliar falls back to deepcopy.
    """
    cls = type(value)
    if cls in _SCALARS:
        return value
    if cls is list:
        return [copy_records(item) for item in value]
    if cls is dict:
        return {key: copy_records(item) for key, item in value.items()}
    if cls is tuple:
        return tuple(copy_records(item) for item in value)
    state = getattr(value, "__dict__", None)
    if state is not None and dataclasses.is_dataclass(cls) and "__slots__" not in cls.__dict__:
        new = object.__new__(cls)
        new.__dict__.update({key: copy_records(item) for key, item in state.items()})
        return new
    return copy.deepcopy(value)


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a dataclass tree from ``dataclasses.asdict`` output, ignoring unknown keys."""
    return typing.cast(T, _converter(cls)(data))


_HINT_CACHE: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINT_CACHE.get(cls)
    if hints is None:
        hints = typing.get_type_hints(cls)
        _HINT_CACHE[cls] = hints
    return hints


# One converter per annotation, made once: resolving annotations (get_origin, get_args,
# is_dataclass) for every value was most of the time it took to rebuild an inventory.
_CONVERTERS: dict[Any, _Converter] = {}


def _identity(value: Any) -> Any:
    return value


def _converter(tp: Any) -> _Converter:
    try:
        return _CONVERTERS[tp]
    except KeyError:
        converter = _CONVERTERS[tp] = _make_converter(tp)
        return converter
    except TypeError:  # an unhashable annotation: no caching
        return _make_converter(tp)


def _make_converter(tp: Any) -> _Converter:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _converter(args[0]) if len(args) == 1 else _identity
    if origin is list:
        (item_type,) = typing.get_args(tp)
        item = _converter(item_type)
        if item is _identity:
            return lambda value: None if value is None else list(value)
        return lambda value: None if value is None else [item(v) for v in value]
    if origin is dict:
        return lambda value: None if value is None else dict(value)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_converter(tp)
    return _identity


def _dataclass_converter(cls: type) -> _Converter:
    fields: list[tuple[str, _Converter]] | None = None  # resolved on first use: types may nest

    def convert(value: Any) -> Any:
        nonlocal fields
        if value is None:
            return None
        if fields is None:
            hints = _hints(cls)
            fields = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls) if f.init]
        return cls(**{name: conv(value[name]) for name, conv in fields if name in value})

    return convert
