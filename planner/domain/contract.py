"""The report contract, typed: a reader of the report JSON (``PlanResult.to_report_dict()``).

The JSON keys are the contract (docs/findings.md); this module only reads them.  Every reader
is lenient, because stored reports come from older versions and other branches add keys:

- unknown keys are ignored;
- a missing key, or a value of the wrong type, gives the field's default ("" / 0 / False /
  empty), never an exception;
- list items that are not objects are skipped.

``Report.from_dict(plan.report)`` is what the pages, the API, the exports, the printable report
and the job runners read.  Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from planner.domain.findings import ZONE_VERDICTS, Severity, Verdict
from planner.domain.quoting import zonecfg_token

_EMPTY: Mapping[str, Any] = MappingProxyType({})

SEVERITY_RANK = {s.value: s.rank for s in Severity}
# A zone's verdicts (the filters of the plan pages); a plan may also be "nothing_to_migrate".
VERDICTS = tuple(v.value for v in ZONE_VERDICTS)
PLAN_VERDICTS = tuple(v.value for v in Verdict)


# --- lenient readers ------------------------------------------------------------------------------


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _EMPTY


def _items(value: object) -> Iterator[Mapping[str, Any]]:
    """The objects of a JSON list (anything else in it, or a non-list, is skipped)."""
    if isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, Mapping):
                yield item


def _str(value: object, default: str = "") -> str:
    if value is None:
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return default


def _opt_str(value: object) -> str | None:
    return None if value in (None, "") else _str(value) or None


def _int(value: object, default: int = 0) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value:  # not NaN
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return default
    return default


def _opt_int(value: object) -> int | None:
    if value is None or value == "":
        return None
    number = _int(value, default=-(2**63))
    return None if number == -(2**63) else number


def _bool(value: object) -> bool:
    return value if isinstance(value, bool) else bool(value) if isinstance(value, int | str) else False


def _strs(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(_str(v) for v in value if isinstance(v, str | int | float) and not isinstance(v, bool))


# --- the parts of a report ------------------------------------------------------------------------


@dataclass(frozen=True)
class HostSummary:
    hostname: str = ""
    platform: str = ""
    model: str = ""
    machine: str = ""
    release: str = ""
    origin: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HostSummary:
        return cls(
            hostname=_str(d.get("hostname")),
            platform=_str(d.get("platform")),
            model=_str(d.get("model")),
            machine=_str(d.get("machine")),
            release=_str(d.get("release")),
            origin=_str(d.get("origin")),
        )


@dataclass(frozen=True)
class Finding:
    code: str = ""
    severity: str = ""  # info / step / blocker
    resource: str = ""
    message: str = ""
    remedy: str = ""
    zone: str | None = None  # None for host-level findings
    details: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Finding:
        return cls(
            code=_str(d.get("code")),
            severity=_str(d.get("severity")),
            resource=_str(d.get("resource")),
            message=_str(d.get("message")),
            remedy=_str(d.get("remedy")),
            zone=_opt_str(d.get("zone")),
            details=dict(_mapping(d.get("details"))),
        )

    @property
    def rank(self) -> int:
        """info 0, step 1, blocker 2; -1 for a severity this version does not know."""
        return SEVERITY_RANK.get(self.severity, -1)

    def detail(self, key: str) -> str:
        """A detail as text ("" when missing)."""
        return _str(self.details.get(key))


FLAR = "flar"  # the route of every zone in a report made before issue #14


@dataclass(frozen=True)
class ZoneRoute:
    """One way the zone can move (issue #14): ``flar``, ``detach_attach`` or ``s10_branded``."""

    method: str = ""
    verdict: str = ""
    findings: tuple[Finding, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ZoneRoute:
        return cls(
            method=_str(d.get("method")),
            verdict=_str(d.get("verdict")),
            findings=tuple(Finding.from_dict(f) for f in _items(d.get("findings"))),
        )


@dataclass(frozen=True)
class ReportZone:
    name: str = ""
    state: str = ""
    verdict: str = ""  # the flash-archive route's
    zonepath: str = ""
    brand: str = ""
    ip_type: str = ""
    autoboot: bool = False
    findings: tuple[Finding, ...] = ()  # the flash-archive route's
    routes: tuple[ZoneRoute, ...] = ()
    recommended_route: str = ""
    route: str = ""  # the pinned route, else the recommended one
    route_pinned: bool = False

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ReportZone:
        return cls(
            name=_str(d.get("name")),
            state=_str(d.get("state")),
            verdict=_str(d.get("verdict")),
            zonepath=_str(d.get("zonepath")),
            brand=_str(d.get("brand")),
            ip_type=_str(d.get("ip_type")),
            autoboot=_bool(d.get("autoboot")),
            findings=tuple(Finding.from_dict(f) for f in _items(d.get("findings"))),
            routes=tuple(ZoneRoute.from_dict(r) for r in _items(d.get("routes"))),
            recommended_route=_str(d.get("recommended_route")),
            route=_str(d.get("route")),
            route_pinned=_bool(d.get("route_pinned")),
        )

    @property
    def taken_route(self) -> str:
        """The route the zone takes: the report's, or ``flar`` for a report made before routes."""
        return self.route or FLAR

    @property
    def recommended(self) -> str:
        return self.recommended_route or FLAR

    def route_entry(self, method: str) -> ZoneRoute | None:
        return next((r for r in self.routes if r.method == method), None)

    @property
    def taken_route_verdict(self) -> str:
        """The verdict of the route taken (the zone's own verdict when the report has no routes)."""
        entry = self.route_entry(self.taken_route)
        return entry.verdict if entry is not None else self.verdict

    def route_findings(self, method: str = "") -> tuple[Finding, ...]:
        """The zone findings of ``method`` (default: the route taken); flar's are ``findings``."""
        wanted = method or self.taken_route
        entry = self.route_entry(wanted)
        if entry is not None:
            return entry.findings
        return self.findings if wanted == FLAR else ()

    def findings_of(self, *codes: str) -> list[Finding]:
        wanted = set(codes)
        return [f for f in self.findings if f.code in wanted]

    @property
    def blockers(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "blocker"]


@dataclass(frozen=True)
class NicMappingRow:
    """One zone ``net`` and where it goes on the destination."""

    zone: str = ""
    physical: str = ""
    address: str = ""
    ip_type: str = ""
    proposed_target: str = ""
    chosen_target: str = ""  # the port the plan uses (the user's override included); "" when dropped
    action: str = ""  # keep / map / drop
    origin: str = ""
    status: str = ""  # ok / conflict / blocker
    reason: str = ""
    issue: str = ""
    selector: str = ""
    source_driver: str = ""
    target_driver: str = ""
    duplicates: tuple[str, ...] = ()
    link_warning: str = ""  # the chosen port's link is down or unknown

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> NicMappingRow:
        return cls(
            zone=_str(d.get("zone")),
            physical=_str(d.get("physical")),
            address=_str(d.get("address")),
            ip_type=_str(d.get("ip_type")),
            proposed_target=_str(d.get("proposed_target")),
            # Reports before chosen_target existed carry the effective port as "target".
            chosen_target=_str(d.get("chosen_target")) or _str(d.get("target")),
            action=_str(d.get("action")),
            origin=_str(d.get("origin")),
            status=_str(d.get("status")),
            reason=_str(d.get("reason")),
            issue=_str(d.get("issue")),
            selector=_str(d.get("selector")),
            source_driver=_str(d.get("source_driver")),
            target_driver=_str(d.get("target_driver")),
            duplicates=_strs(d.get("duplicates")),
            link_warning=_str(d.get("link_warning")),
        )

    @property
    def target(self) -> str:
        """The port the net goes to (the name the web app's models use)."""
        return self.chosen_target

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.zone, self.physical, self.address)

    @property
    def zonecfg_selector(self) -> str:
        """The zonecfg selector of the source net (with its address when the port is shared)."""
        return self.selector or f"net physical={zonecfg_token(self.physical)}"


@dataclass(frozen=True)
class DeviceMappingRow:
    """One zone ``device match=`` and what becomes of it on the destination."""

    zone: str = ""
    match: str = ""
    action: str = ""  # keep / replace / remove
    replacement: str = ""
    origin: str = ""
    needs_manual_check: bool = False
    reason: str = ""
    metadevice: bool = False
    source_devices: tuple[str, ...] = ()
    destination_devices: tuple[str, ...] = ()
    resolved_replacement: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DeviceMappingRow:
        return cls(
            zone=_str(d.get("zone")),
            match=_str(d.get("match")),
            action=_str(d.get("action")),
            replacement=_str(d.get("replacement")),
            origin=_str(d.get("origin")),
            needs_manual_check=_bool(d.get("needs_manual_check")),
            reason=_str(d.get("reason")),
            metadevice=_bool(d.get("metadevice")),
            source_devices=_strs(d.get("source_devices")),
            destination_devices=_strs(d.get("destination_devices")),
            resolved_replacement=_strs(d.get("resolved_replacement")),
        )

    @property
    def key(self) -> tuple[str, str]:
        return (self.zone, self.match)


@dataclass(frozen=True)
class DestinationNic:
    name: str = ""
    driver: str = ""
    link_state: str = ""
    speed_mbps: int | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DestinationNic:
        return cls(
            name=_str(d.get("name")),
            driver=_str(d.get("driver")),
            link_state=_str(d.get("link_state")),
            speed_mbps=_opt_int(d.get("speed_mbps")),
        )


@dataclass(frozen=True)
class LayoutSlice:
    """A slice of a destination disk; ``key`` is "" for slices that hold no planned file system."""

    disk: str = ""
    index: int | None = None
    key: str = ""
    purpose: str = ""
    mount_point: str = ""
    size_mb: int = 0
    tag: int | None = None
    zone: str | None = None
    start_cyl: int | None = None
    cylinders: int | None = None
    start_sector: int | None = None
    sector_count: int | None = None
    device: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], disk: str = "") -> LayoutSlice:
        return cls(
            disk=_str(d.get("disk")) or disk,
            index=_opt_int(d.get("index")),
            key=_str(d.get("key")),
            purpose=_str(d.get("purpose")),
            mount_point=_str(d.get("mount_point")),
            size_mb=max(0, _int(d.get("size_mb"))),
            tag=_opt_int(d.get("tag")),
            zone=_opt_str(d.get("zone")),
            start_cyl=_opt_int(d.get("start_cyl")),
            cylinders=_opt_int(d.get("cylinders")),
            start_sector=_opt_int(d.get("start_sector")),
            sector_count=_opt_int(d.get("sector_count")),
            device=_str(d.get("device")),
        )

    @property
    def is_backup(self) -> bool:
        """Slice 2 ("backup") spans the whole disk by convention; it is not a file system."""
        return self.purpose == "backup" or (self.index == 2 and self.tag == 5)


@dataclass(frozen=True)
class LayoutDisk:
    name: str = ""
    size_bytes: int = 0
    size_mb: int = 0
    usable_mb: int = 0
    free_mb: int | None = None
    cylinder_sectors: int = 0
    cylinders: int = 0
    reserved_cylinders: int = 0
    geometry: str = ""
    boot: bool = False
    slices: tuple[LayoutSlice, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LayoutDisk:
        name = _str(d.get("name"))
        return cls(
            name=name,
            size_bytes=max(0, _int(d.get("size_bytes"))),
            size_mb=max(0, _int(d.get("size_mb"))),
            usable_mb=max(0, _int(d.get("usable_mb"))),
            free_mb=None if d.get("free_mb") is None else max(0, _int(d.get("free_mb"))),
            cylinder_sectors=max(0, _int(d.get("cylinder_sectors"))),
            cylinders=max(0, _int(d.get("cylinders"))),
            reserved_cylinders=max(0, _int(d.get("reserved_cylinders"))),
            geometry=_str(d.get("geometry")),
            boot=_bool(d.get("boot")),
            slices=tuple(LayoutSlice.from_dict(s, disk=name) for s in _items(d.get("slices"))),
        )


@dataclass(frozen=True)
class UnplacedFs:
    """A file system the destination's disks could not hold."""

    key: str = ""
    purpose: str = ""
    mount_point: str = ""
    size_mb: int = 0
    shortfall_mb: int = 0
    largest_free_mb: int = 0
    reason: str = ""
    zone: str | None = None
    best_disk: str = ""
    zone_dir: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> UnplacedFs:
        return cls(
            key=_str(d.get("key")),
            purpose=_str(d.get("purpose")),
            mount_point=_str(d.get("mount_point")),
            size_mb=max(0, _int(d.get("size_mb"))),
            shortfall_mb=max(0, _int(d.get("shortfall_mb"))),
            largest_free_mb=max(0, _int(d.get("largest_free_mb"))),
            reason=_str(d.get("reason")),
            zone=_opt_str(d.get("zone")),
            best_disk=_str(d.get("best_disk")),
            zone_dir=_str(d.get("zone_dir")),
        )


@dataclass(frozen=True)
class LayoutRow:
    """One file system of the layout: placed on a slice (``disk``, ``index``) or not (``disk`` "")."""

    key: str
    disk: str
    index: int | None
    mount_point: str
    size_mb: int
    shortfall_mb: int = 0

    @property
    def placed(self) -> bool:
        return bool(self.disk)


@dataclass(frozen=True)
class PlannedFs:
    """A file system the destination needs, as sized before placement (``layout.planned``)."""

    key: str = ""
    purpose: str = ""
    mount_point: str = ""
    size_mb: int = 0
    basis: str = ""  # how the size was worked out
    zone: str | None = None
    zone_dir: str = ""
    estimated: bool = False  # an assumption (SIZE_ASSUMED), not a measured figure
    estimated_zones: tuple[str, ...] = ()  # zones counted at an estimate inside it
    sized_by_user: bool = False  # the user's SizeOverride

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PlannedFs:
        return cls(
            key=_str(d.get("key")),
            purpose=_str(d.get("purpose")),
            mount_point=_str(d.get("mount_point")),
            size_mb=max(0, _int(d.get("size_mb"))),
            basis=_str(d.get("basis")),
            zone=_opt_str(d.get("zone")),
            zone_dir=_str(d.get("zone_dir")),
            estimated=_bool(d.get("estimated")),
            estimated_zones=_strs(d.get("estimated_zones")),
            sized_by_user=_bool(d.get("sized_by_user")),
        )


@dataclass(frozen=True)
class Layout:
    disks: tuple[LayoutDisk, ...] = ()
    unplaced: tuple[UnplacedFs, ...] = ()
    notes: tuple[str, ...] = ()
    planned: tuple[PlannedFs, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Layout:
        return cls(
            disks=tuple(LayoutDisk.from_dict(disk) for disk in _items(d.get("disks"))),
            unplaced=tuple(UnplacedFs.from_dict(u) for u in _items(d.get("unplaced"))),
            notes=_strs(d.get("notes")),
            planned=tuple(PlannedFs.from_dict(p) for p in _items(d.get("planned"))),
        )

    @property
    def planned_keys(self) -> set[str]:
        return {p.key for p in self.planned if p.key}

    @property
    def placed(self) -> list[LayoutSlice]:
        """The slices that hold a planned file system (never the backup slice), disk by disk."""
        return [s for disk in self.disks for s in disk.slices if s.key and not s.is_backup]

    def rows(self) -> list[LayoutRow]:
        """Every file system of the layout, placed then unplaced, in the report's order."""
        rows = [
            LayoutRow(key=s.key, disk=s.disk, index=s.index, mount_point=s.mount_point, size_mb=s.size_mb)
            for disk in self.disks
            for s in disk.slices
            if s.key
        ]
        rows += [
            LayoutRow(
                key=u.key,
                disk="",
                index=None,
                mount_point=u.mount_point,
                size_mb=u.size_mb,
                shortfall_mb=u.shortfall_mb,
            )
            for u in self.unplaced
        ]
        return rows

    @property
    def keys(self) -> set[str]:
        return {row.key for row in self.rows()}

    @property
    def disk_names(self) -> list[str]:
        return [d.name for d in self.disks if d.name]


@dataclass(frozen=True)
class RunbookStep:
    phase: str = ""
    zone: str | None = None
    title: str = ""
    command: str = ""
    notes: str = ""
    expected: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], phase: str = "") -> RunbookStep:
        return cls(
            phase=_str(d.get("phase")) or phase,
            zone=_opt_str(d.get("zone")),
            title=_str(d.get("title")),
            command=_str(d.get("command")),
            notes=_str(d.get("notes")),
            expected=_strs(d.get("expected")),
        )


@dataclass(frozen=True)
class RunbookPhase:
    key: str = ""
    title: str = ""
    host: str = ""  # the host the commands run on
    steps: tuple[RunbookStep, ...] = ()
    route: str = FLAR  # the route the phase belongs to


def _runbook(value: object) -> tuple[RunbookPhase, ...]:
    """The report's phases ({"key","title","host","steps": [...]}), or a flat step list (older
    reports) grouped by each step's ``phase``, in the report's order."""
    phases: dict[str, RunbookPhase] = {}
    for item in _items(value):
        if isinstance(item.get("steps"), list):
            key = _str(item.get("key")) or _str(item.get("title")) or "steps"
            title = _str(item.get("title")) or key
            steps = tuple(RunbookStep.from_dict(s, phase=key) for s in _items(item.get("steps")) if s)
            route = _str(item.get("route")) or FLAR
            known = phases.get(key)
            if known is None:
                phases[key] = RunbookPhase(key, title, _str(item.get("host")), steps, route)
            else:
                phases[key] = RunbookPhase(key, known.title, known.host, known.steps + steps, known.route)
        else:
            key = _str(item.get("phase")) or "steps"
            known = phases.get(key) or RunbookPhase(key, key, "", ())
            step = (RunbookStep.from_dict(item, phase=key),) if item else ()
            phases[key] = RunbookPhase(key, known.title, known.host, known.steps + step)
    return tuple(phases.values())


@dataclass(frozen=True)
class Summary:
    zones: int = 0
    ready: int = 0
    ready_with_steps: int = 0
    blocked: int = 0
    host_blockers: int = 0

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Summary:
        return cls(
            zones=_int(d.get("zones")),
            ready=_int(d.get("ready")),
            ready_with_steps=_int(d.get("ready_with_steps")),
            blocked=_int(d.get("blocked")),
            host_blockers=_int(d.get("host_blockers")),
        )


@dataclass(frozen=True)
class Install:
    """The install facts (report key ``install``, issue #12): what the archive command and the
    install media need.  Empty for reports older than that key."""

    update: str = ""  # the source's Solaris 10 update, e.g. "10/09" ("" unknown)
    media: str = ""
    build: str = ""
    install_image_dir: str = ""
    destination_model: str = ""
    content_architectures: tuple[str, ...] = ()  # flarcreate -U content_architectures=...
    archiver: str = "cpio"  # "pax" when files over 4 GiB need flarcreate -L pax
    root_pool: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Install:
        archiver = _str(d.get("archiver")) or "cpio"
        return cls(
            update=_str(d.get("update")),
            media=_str(d.get("media")),
            build=_str(d.get("build")),
            install_image_dir=_str(d.get("install_image_dir")),
            destination_model=_str(d.get("destination_model")),
            content_architectures=_strs(d.get("content_architectures")),
            archiver=archiver if archiver in ("cpio", "pax") else "cpio",
            root_pool=_str(d.get("root_pool")),
        )

    @property
    def pax(self) -> bool:
        return self.archiver == "pax"

    def flarcreate_options(self) -> dict[str, str]:
        """What ``flarcreate`` must be given for this plan: ``{"-U": "content_architectures=a,b"}``
        when the archive must install on other kernel architectures, ``{"-L": "pax"}`` for files
        over 4 GiB.  The archive jobs pass these on (local rehearsal and ssh alike)."""
        out: dict[str, str] = {}
        if self.content_architectures:
            out["-U"] = "content_architectures=" + ",".join(self.content_architectures)
        if self.pax:
            out["-L"] = "pax"
        return out


@dataclass(frozen=True)
class Report:
    """A plan's report as the app reads it; ``computed`` is False for an empty (never computed) one."""

    computed: bool = False
    report_version: int = 0
    verdict: str = ""
    source: HostSummary = field(default_factory=HostSummary)
    destination: HostSummary = field(default_factory=HostSummary)
    host_findings: tuple[Finding, ...] = ()
    zones: tuple[ReportZone, ...] = ()
    nic_mappings: tuple[NicMappingRow, ...] = ()
    destination_nics: tuple[DestinationNic, ...] = ()
    device_mappings: tuple[DeviceMappingRow, ...] = ()
    layout: Layout = field(default_factory=Layout)
    runbook: tuple[RunbookPhase, ...] = ()
    global_zone_port: str = ""
    notes: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    summary: Summary = field(default_factory=Summary)
    # Issue #14: the routes.
    recommended_verdict: str = ""  # "" in a report made before routes (then: ``verdict``)
    routes_listed: tuple[str, ...] = ()
    route_host_findings: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    route_findings: tuple[Finding, ...] = ()
    route_summary: Mapping[str, int] = field(default_factory=dict)
    install: Install = field(default_factory=Install)

    @classmethod
    def from_dict(cls, data: object) -> Report:
        d = _mapping(data)
        route_hosts = _mapping(d.get("route_host_findings"))
        return cls(
            computed=bool(d),
            report_version=_int(d.get("report_version")),
            verdict=_str(d.get("verdict")),
            source=HostSummary.from_dict(_mapping(d.get("source"))),
            destination=HostSummary.from_dict(_mapping(d.get("destination"))),
            host_findings=tuple(Finding.from_dict(f) for f in _items(d.get("host_findings"))),
            zones=tuple(ReportZone.from_dict(z) for z in _items(d.get("zones"))),
            nic_mappings=tuple(NicMappingRow.from_dict(m) for m in _items(d.get("nic_mappings"))),
            destination_nics=tuple(DestinationNic.from_dict(n) for n in _items(d.get("destination_nics"))),
            device_mappings=tuple(DeviceMappingRow.from_dict(m) for m in _items(d.get("device_mappings"))),
            layout=Layout.from_dict(_mapping(d.get("layout"))),
            runbook=_runbook(d.get("runbook")),
            global_zone_port=_str(d.get("global_zone_port")),
            notes=_strs(d.get("notes")),
            options=dict(_mapping(d.get("options"))),
            summary=Summary.from_dict(_mapping(d.get("summary"))),
            recommended_verdict=_str(d.get("recommended_verdict")),
            routes_listed=_strs(d.get("routes_listed")),
            route_host_findings={
                _str(m): tuple(Finding.from_dict(f) for f in _items(fs)) for m, fs in route_hosts.items()
            },
            route_findings=tuple(Finding.from_dict(f) for f in _items(d.get("route_findings"))),
            route_summary={_str(m): _int(n) for m, n in _mapping(d.get("route_summary")).items()},
            install=Install.from_dict(_mapping(d.get("install"))),
        )

    @property
    def routes_verdict(self) -> str:
        """The plan's verdict with every zone on its route taken (``verdict`` for older reports)."""
        return self.recommended_verdict or self.verdict

    @property
    def methods(self) -> tuple[str, ...]:
        """The routes listed for the destination (``flar`` alone for older reports)."""
        return self.routes_listed or (FLAR,)

    def host_findings_of(self, method: str) -> tuple[Finding, ...]:
        """The host-level findings of a route: ``host_findings`` for flar."""
        return self.host_findings if method == FLAR else self.route_host_findings.get(method, ())

    def zones_taking(self, method: str) -> list[ReportZone]:
        return [z for z in self.zones if z.taken_route == method]

    @property
    def methods_taken(self) -> list[str]:
        taken = {z.taken_route for z in self.zones}
        order = [*self.methods, *sorted(taken - set(self.methods))]
        return [m for m in order if m in taken]

    def zone(self, name: str) -> ReportZone | None:
        return next((z for z in self.zones if z.name == name), None)

    @property
    def zone_names(self) -> list[str]:
        return [z.name for z in self.zones]

    def zones_where(self, *, verdict: str = "", zone: str = "") -> list[ReportZone]:
        """The zones with ``verdict`` (exact) whose name contains ``zone`` (case-insensitive)."""
        zones = list(self.zones)
        if verdict:
            zones = [z for z in zones if z.verdict == verdict]
        if zone:
            needle = zone.lower()
            zones = [z for z in zones if needle in z.name.lower()]
        return zones

    def nic_mappings_of(self, zone: str) -> list[NicMappingRow]:
        return [m for m in self.nic_mappings if m.zone == zone]

    def device_mappings_of(self, zone: str) -> list[DeviceMappingRow]:
        return [m for m in self.device_mappings if m.zone == zone]

    @property
    def destination_ports(self) -> set[str]:
        return {n.name for n in self.destination_nics if n.name}


def nic_target(mapping: Mapping[str, Any]) -> str:
    """The port a zone net (a ``nic_mappings`` item) goes to: the plan's effective choice, the
    user's override included; reports before ``chosen_target`` existed name it ``target``."""
    return NicMappingRow.from_dict(mapping).target
