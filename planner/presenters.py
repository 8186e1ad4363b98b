"""Presenters: what the plan pages, the printable report, the exports and the API show of a plan.

One module builds the rows, for the HTML and the API alike, from the typed report
(:class:`planner.domain.contract.Report`) and the user's choices (the override tables):
the compatibility matrix, the flat findings table, the NIC and device editors' rows, the
layout's file systems and the runbook by phase.  Only the editors' rows query the database
(the overrides, the destination's ports and disks: a few indexed queries), so a page costs
the same for 5 zones or 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from planner.domain import options as options_domain
from planner.domain.contract import (
    SEVERITY_RANK,
    VERDICTS,
    DeviceMappingRow,
    Finding,
    LayoutDisk,
    NicMappingRow,
    Report,
    ReportZone,
    RunbookStep,
    UnplacedFs,
)
from planner.domain.findings import CHECK_COLUMNS
from planner.domain.options import ZONE_ROOT_PREFIX
from planner.domain.routes import ROUTE_LABELS

from . import selectors, services
from .extensions import ZoneFilter
from .models import Plan

# A short label per finding code for the matrix cells (unknown codes fall back to the code).
CODE_LABELS: dict[str, str] = {
    "ZONE_RUNNING": "running",
    "AUTOBOOT_FIRST_BOOT": "1st boot",
    "NET_PORT_PRESENT": "same port",
    "NET_PORT_REMAP": "remap",
    "NET_NO_TARGET": "no port",
    "FS_NFS": "nfs",
    "ZONEPATH_ON_NFS": "on nfs",
    "FS_LOFS": "lofs",
    "FS_UFS_PRIVATE": "mount",
    "FS_UFS_NO_SPACE": "no space",
    "SVM_IN_USE": "svm",
    "DEVICE_SAME_HARDWARE": "same hw",
    "DEVICE_REMAP": "remap",
    "NET_DUPLICATE_ADDRESS": "dup addr",
    "DISK_NO_SPACE": "no space",
    "ISA_MISMATCH": "isa",
    "KERNEL_ARCH_DIFFERS": "arch",
}
OTHER_COLUMN = "other"
FINDING_COLUMNS = ("zone", "code", "severity", "resource", "message", "remedy")


def report_of(plan: Plan) -> Report:
    """The plan's report, typed (read once per plan object)."""
    cached: Report | None = getattr(plan, "_typed_report", None)
    if cached is None:
        cached = Report.from_dict(plan.report)
        plan._typed_report = cached  # type: ignore[attr-defined]
    return cached


# --- filters -----------------------------------------------------------------------------------


def page_filters(request: HttpRequest) -> dict[str, str]:
    """The verdict (one of the known ones) and zone-name filters of a page's query string."""
    verdict = request.GET.get("verdict", "")
    return {
        "verdict": verdict if verdict in VERDICTS else "",
        "zone": request.GET.get("zone", "").strip()[:64],
    }


def zone_filter(request: HttpRequest, report: Report) -> ZoneFilter:
    """The page's filters, with the report's zones they keep."""
    filters = page_filters(request)
    kept = frozenset(z.name for z in report.zones_where(**filters))
    return ZoneFilter(verdict=filters["verdict"], zone=filters["zone"], kept=kept)


# --- the compatibility matrix --------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    column: str
    severity: str  # the worst of its findings, or "none"
    label: str
    findings: list[Finding]


# Short enough for the matrix: "detach/" and "attach" may go on two lines (a zero-width space).
ROUTE_SHORT = {"flar": "flar", "detach_attach": "detach/\u200battach", "s10_branded": "s10\u200bzone"}


def route_short(method: str) -> str:
    """The Route column's short name of a route (the full one is :func:`route_label`)."""
    return ROUTE_SHORT.get(method, method)


@dataclass(frozen=True)
class RouteOption:
    method: str
    label: str
    verdict: str
    recommended: bool
    selected: bool

    @property
    def short(self) -> str:
        return route_short(self.method)


@dataclass(frozen=True)
class RouteCell:
    """The Route column of a zone (issue #14): the route it takes, and the others it could take."""

    route: str
    label: str
    verdict: str  # of the route taken
    recommended: str
    pinned: bool
    options: list[RouteOption]
    findings: list[Finding]  # the zone findings of the route taken, when it is not the flash archive

    @property
    def recommended_label(self) -> str:
        return route_label(self.recommended)

    @property
    def short(self) -> str:
        return route_short(self.route)

    @property
    def recommended_short(self) -> str:
        return route_short(self.recommended)


@dataclass(frozen=True)
class MatrixRow:
    name: str
    state: str
    verdict: str
    zonepath: str
    cells: list[MatrixCell]
    finding_count: int
    route: RouteCell | None = None


@dataclass(frozen=True)
class HostRow:
    cells: list[MatrixCell]
    finding_count: int


@dataclass(frozen=True)
class Matrix:
    columns: list[str]
    rows: list[MatrixRow]
    host_row: HostRow | None
    total_zones: int


def _column_of(code: str) -> str:
    for column, codes in CHECK_COLUMNS.items():
        if any(code == c.value for c in codes):
            return column
    return OTHER_COLUMN


def _worst(findings: Iterable[Finding]) -> str:
    known = [f for f in findings if f.severity in SEVERITY_RANK]
    return max(known, key=lambda f: f.rank).severity if known else ""


def _cell(column: str, findings: list[Finding]) -> MatrixCell:
    ordered = sorted(findings, key=lambda f: -f.rank)
    if ordered:
        code = ordered[0].code
        label = CODE_LABELS.get(code, code.lower().replace("_", " "))
        if len(ordered) > 1:
            label = f"{label} +{len(ordered) - 1}"
    else:
        label = "—"
    return MatrixCell(column=column, severity=_worst(findings) or "none", label=label, findings=ordered)


def plan_matrix(report: Report, *, verdict: str = "", zone: str = "") -> Matrix:
    """Zones as rows, CHECK_COLUMNS as columns; each cell the worst severity of its findings."""
    zones = report.zones_where(verdict=verdict, zone=zone)
    columns = list(CHECK_COLUMNS)
    codes = [f.code for z in zones for f in z.findings] + [f.code for f in report.host_findings]
    if any(_column_of(c) == OTHER_COLUMN for c in codes):
        columns.append(OTHER_COLUMN)

    def cells(findings: Iterable[Finding]) -> list[MatrixCell]:
        by_column: dict[str, list[Finding]] = {c: [] for c in columns}
        for f in findings:
            by_column[_column_of(f.code)].append(f)
        return [_cell(c, by_column[c]) for c in columns]

    rows = [
        MatrixRow(
            name=z.name,
            state=z.state,
            verdict=z.verdict,
            zonepath=z.zonepath,
            cells=cells(z.findings),
            finding_count=len(z.findings),
            route=route_cell(z),
        )
        for z in zones
    ]
    host = report.host_findings
    return Matrix(
        columns=columns,
        rows=rows,
        host_row=HostRow(cells=cells(host), finding_count=len(host)) if host else None,
        total_zones=len(report.zones),
    )


def route_label(method: str) -> str:
    return ROUTE_LABELS.get(method, method.replace("_", " "))


def route_cell(z: ReportZone) -> RouteCell | None:
    """The zone's Route column; None for a report made before routes."""
    if not z.routes:
        return None
    taken = z.taken_route
    options = [
        RouteOption(
            method=r.method,
            label=route_label(r.method),
            verdict=r.verdict,
            recommended=r.method == z.recommended,
            selected=r.method == taken,
        )
        for r in z.routes
    ]
    findings = list(z.route_findings(taken)) if taken != "flar" else []
    return RouteCell(
        route=taken,
        label=route_label(taken),
        verdict=z.taken_route_verdict,
        recommended=z.recommended,
        pinned=z.route_pinned,
        options=options,
        findings=sorted(findings, key=lambda f: -f.rank),
    )


ROUTE_COLUMNS = ("zone", "method", "verdict", "recommended", "taken", "pinned", "blockers", "steps")


def route_rows(report: Report, *, verdict: str = "", zone: str = "") -> list[dict[str, str]]:
    """One row per zone and route (the routes export): its verdict, whether it is the recommended one
    and the one taken, and the codes of its blockers and steps (the route's host ones included)."""
    rows: list[dict[str, str]] = []
    for z in report.zones_where(verdict=verdict, zone=zone):
        for r in z.routes:
            found = [*r.findings, *report.host_findings_of(r.method)]
            rows.append(
                {
                    "zone": z.name,
                    "method": r.method,
                    "verdict": r.verdict,
                    "recommended": "yes" if r.method == z.recommended else "",
                    "taken": "yes" if r.method == z.taken_route else "",
                    "pinned": "yes" if r.method == z.taken_route and z.route_pinned else "",
                    "blockers": " ".join(sorted({f.code for f in found if f.severity == "blocker"})),
                    "steps": " ".join(sorted({f.code for f in found if f.severity == "step"})),
                }
            )
    return rows


@dataclass(frozen=True)
class RouteSummary:
    """What the routes make of the plan, for its header and the report."""

    verdict: str  # recommended_verdict
    counts: list[tuple[str, str, int]]  # (method, label, zones taking it)
    host_findings: list[tuple[str, list[Finding]]]  # (label, findings) of the routes taken but flar
    findings: tuple[Finding, ...]  # ROUTE_MIX_CONFLICT


def route_summary(report: Report) -> RouteSummary | None:
    if not report.recommended_verdict:
        return None
    counts = [(m, route_label(m), len(report.zones_taking(m))) for m in report.methods]
    taken = report.methods_taken
    hosts = [
        (route_label(m), list(report.route_host_findings.get(m, ())))
        for m in taken
        if m != "flar" and report.route_host_findings.get(m)
    ]
    return RouteSummary(report.recommended_verdict, counts, hosts, report.route_findings)


def findings_rows(report: Report, *, verdict: str = "", zone: str = "") -> list[dict[str, str]]:
    """One flat row per finding (host-level findings have an empty zone), for the report and exports.

    Host-level findings are kept when no zone-name filter is given.
    """
    rows = [_finding_row("", f) for f in report.host_findings] if not zone else []
    for z in report.zones_where(verdict=verdict, zone=zone):
        rows += [_finding_row(z.name, f) for f in z.findings]
    return rows


def _finding_row(zone: str, f: Finding) -> dict[str, str]:
    return {
        "zone": zone or (f.zone or ""),
        "code": f.code,
        "severity": f.severity,
        "resource": f.resource,
        "message": f.message,
        "remedy": f.remedy,
    }


# --- NICs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NicRow:
    """One zone net with the plan's choice and the user's (the NIC editor, the API, the report)."""

    zone: str
    physical: str
    address: str
    ip_type: str
    proposed_target: str
    target: str  # the port the plan uses ("" for a dropped or unmapped net)
    action: str
    origin: str
    status: str
    reason: str
    selected: str = ""  # the user's choice: a port, "drop", or "" (the proposal)
    overridden: bool = False
    link_warning: str = ""  # the chosen port's link is down or unknown

    @property
    def row_key(self) -> str:
        return "|".join((self.zone, self.physical, self.address))

    def api_dict(self) -> dict[str, Any]:
        """The API's shape of a mapping (GET /api/plans/{id}/nic-mappings/)."""
        return {
            "zone": self.zone,
            "physical": self.physical,
            "address": self.address,
            "ip_type": self.ip_type,
            "proposed_target": self.proposed_target,
            "target": self.target,
            "action": self.action,
            "origin": self.origin,
            "status": self.status,
            "reason": self.reason,
            "overridden": self.overridden,
            "link_warning": self.link_warning,
        }


@dataclass(frozen=True)
class Port:
    name: str
    driver: str
    link_state: str


@dataclass(frozen=True)
class NicTable:
    rows: list[NicRow]
    ports: list[Port]
    default_target: str

    @property
    def port_names(self) -> set[str]:
        return {p.name for p in self.ports}


def nic_row(m: NicMappingRow, *, selected: str = "", overridden: bool = False) -> NicRow:
    return NicRow(
        zone=m.zone,
        physical=m.physical,
        address=m.address,
        ip_type=m.ip_type,
        proposed_target=m.proposed_target,
        target=m.target,
        action=m.action,
        origin=m.origin,
        status=m.status,
        reason=m.reason,
        selected=selected,
        overridden=overridden,
        link_warning=m.link_warning if m.action != "drop" else "",
    )


def nic_rows(plan: Plan, *, zone: str = "") -> list[NicRow]:
    """One row per zone net, with the user's current choice; ``zone`` filters by name (substring)."""
    choices = selectors.plan_nic_choices(plan)
    needle = zone.lower()
    return [
        nic_row(m, selected=choices.get(m.key, ""), overridden=m.key in choices)
        for m in report_of(plan).nic_mappings
        if not needle or needle in m.zone.lower()
    ]


def nic_table(plan: Plan, *, zone: str = "") -> NicTable:
    """The NIC editor: the rows, the destination's ports and the default port."""
    ports = [Port(**p) for p in selectors.destination_ports(plan)]
    return NicTable(rows=nic_rows(plan, zone=zone), ports=ports, default_target=plan.default_nic_target)


# --- devices ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceRow:
    zone: str
    match: str
    action: str
    replacement: str
    origin: str
    needs_manual_check: bool
    reason: str
    selected: str = ""  # the user's choice: keep / replace / remove, or "" (the proposal)
    selected_replacement: str = ""
    overridden: bool = False

    @property
    def row_key(self) -> str:
        return "|".join((self.zone, self.match))

    def api_dict(self) -> dict[str, Any]:
        """The API's shape of a mapping (GET /api/plans/{id}/device-mappings/)."""
        return {
            "zone": self.zone,
            "match": self.match,
            "action": self.action,
            "replacement": self.replacement,
            "origin": self.origin,
            "needs_manual_check": self.needs_manual_check,
            "reason": self.reason,
            "overridden": self.overridden,
        }


def device_row(m: DeviceMappingRow, *, choice: tuple[str, str] | None = None) -> DeviceRow:
    return DeviceRow(
        zone=m.zone,
        match=m.match,
        action=m.action,
        replacement=m.replacement,
        origin=m.origin,
        needs_manual_check=m.needs_manual_check,
        reason=m.reason,
        selected=choice[0] if choice else "",
        selected_replacement=choice[1] if choice else "",
        overridden=choice is not None,
    )


def device_rows(plan: Plan, *, zone: str = "") -> list[DeviceRow]:
    choices = selectors.plan_device_choices(plan)
    needle = zone.lower()
    return [
        device_row(m, choice=choices.get(m.key))
        for m in report_of(plan).device_mappings
        if not needle or needle in m.zone.lower()
    ]


# --- layout ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FsRow:
    """One file system of the layout editor: placed on a slice, or short of room."""

    key: str
    mount_point: str
    size_mb: int
    disk: str  # "" when not placed
    index: int | None
    placed: bool
    shortfall_mb: int = 0
    override: str = ""  # the disk the user chose for it

    def api_dict(self) -> dict[str, Any]:
        """The API's shape of a layout row (GET /api/plans/{id}/disk-overrides/)."""
        return {
            "key": self.key,
            "disk": self.disk,
            "index": self.index,
            "mount_point": self.mount_point,
            "size_mb": self.size_mb,
            "shortfall_mb": self.shortfall_mb,
            "override": self.override,
        }


@dataclass(frozen=True)
class LayoutTable:
    disks: tuple[LayoutDisk, ...]
    unplaced: tuple[UnplacedFs, ...]
    filesystems: list[FsRow]
    disk_names: list[str]


def disk_names(plan: Plan) -> list[str]:
    """The destination's disks: its inventory's, then any other the layout names."""
    names = selectors.destination_disk_names(plan)
    names += [n for n in report_of(plan).layout.disk_names if n not in names]
    return names


def layout_table(plan: Plan) -> LayoutTable:
    """The layout from the report, the destination's disks and the user's disk choices."""
    layout = report_of(plan).layout
    overrides = selectors.plan_disk_choices(plan)
    rows = [
        FsRow(
            key=s.key,
            mount_point=s.mount_point,
            size_mb=s.size_mb,
            disk=s.disk,
            index=s.index,
            placed=True,
            override=overrides.get(s.key, ""),
        )
        for s in layout.placed
    ]
    rows += [
        FsRow(
            key=u.key,
            mount_point=u.mount_point,
            size_mb=u.size_mb,
            disk="",
            index=None,
            placed=False,
            shortfall_mb=u.shortfall_mb,
            override=overrides.get(u.key, ""),
        )
        for u in layout.unplaced
    ]
    return LayoutTable(
        disks=layout.disks, unplaced=layout.unplaced, filesystems=rows, disk_names=disk_names(plan)
    )


@dataclass(frozen=True)
class SizeRow:
    """One size the user may give (the Disk layout tab's sizes and ``/api/plans/{id}/size-overrides/``)."""

    key: str  # a layout key, or zoneroot:<zone>
    what: str
    size_mb: int | None  # the size the plan uses (None: a zone counted inside another file system)
    basis: str
    assumed: bool  # SIZE_ASSUMED: an estimate, not a measured figure
    override: int | None  # the user's size

    def api_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "what": self.what,
            "size_mb": self.size_mb,
            "basis": self.basis,
            "assumed": self.assumed,
            "override": self.override,
        }


def _size_what(purpose: str, mount_point: str, zone: str | None, zone_dir: str) -> str:
    if purpose == "zone-ufs":
        return f"zone {zone} {zone_dir}"
    if purpose == "swap":
        return "swap"
    return mount_point or purpose


def size_rows(plan: Plan) -> list[SizeRow]:
    """Every planned file system with the size the plan uses and how it was worked out, then one row
    per zone counted at an estimate (or sized by the user): the sizes a user may correct."""
    layout = report_of(plan).layout
    given = selectors.plan_size_choices(plan)
    rows = [
        SizeRow(
            key=p.key,
            what=_size_what(p.purpose, p.mount_point, p.zone, p.zone_dir),
            size_mb=p.size_mb,
            basis=p.basis,
            assumed=p.estimated,
            override=given.get(p.key),
        )
        for p in layout.planned
    ]
    estimated = {z for p in layout.planned for z in p.estimated_zones}
    zones = sorted(estimated | {k.split(":", 1)[1] for k in given if k.startswith(ZONE_ROOT_PREFIX)})
    for zone in zones:
        key = f"{ZONE_ROOT_PREFIX}{zone}"
        home = next((p for p in layout.planned if zone in p.estimated_zones), None)
        rows.append(
            SizeRow(
                key=key,
                what=f"zone {zone} (its zonepath's share)",
                size_mb=given.get(key),
                basis=(
                    f"estimated inside {home.mount_point or home.key}"
                    if home is not None
                    else "set by the user"
                ),
                assumed=zone in estimated,
                override=given.get(key),
            )
        )
    return rows


def layout_rows(plan: Plan) -> list[FsRow]:
    """Every file system of the layout with the user's disk choice, as the API lists them: by disk,
    slice and key (the file systems that did not fit first, with no disk)."""
    overrides = selectors.plan_disk_choices(plan)
    rows = [
        FsRow(
            key=r.key,
            mount_point=r.mount_point,
            size_mb=r.size_mb,
            disk=r.disk,
            index=r.index,
            placed=r.placed,
            shortfall_mb=r.shortfall_mb,
            override=overrides.get(r.key, ""),
        )
        for r in report_of(plan).layout.rows()
    ]
    return sorted(rows, key=lambda r: (r.disk, -1 if r.index is None else r.index, r.key))


# --- runbook ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseGroup:
    phase: str  # the title
    key: str
    host: str
    steps: list[RunbookStep]
    route: str = "flar"
    number: int = 0  # the phase's number in the whole runbook


def runbook_by_phase(report: Report, *, zone: str = "") -> list[PhaseGroup]:
    """Runbook steps grouped by phase, in the report's order.

    With a zone filter, steps of other zones are left out (global-zone steps stay), and so are
    phases left with no step.
    """
    needle = zone.lower()
    groups = [
        PhaseGroup(
            phase=p.title,
            key=p.key,
            host=p.host,
            steps=[s for s in p.steps if not (needle and s.zone and needle not in s.zone.lower())],
            route=p.route,
            number=n,
        )
        for n, p in enumerate(report.runbook, 1)
    ]
    return [g for g in groups if g.steps or not zone]


@dataclass(frozen=True)
class RouteSection:
    """Consecutive runbook phases of one route (issue #14), in the order they run."""

    route: str
    label: str
    zones: list[str]  # the zones that take the route
    part: int  # 1, 2... when the route's phases are split around another route's
    parts: int
    phases: list[PhaseGroup]


def runbook_by_route(report: Report, *, zone: str = "") -> list[RouteSection]:
    """The runbook's phases in run order, in sections of one route each.

    A plan mixing the flash archive and detach/attach detaches and copies those zones before the
    archive is made and attaches them after the install, so that route comes in two parts."""
    sections: list[tuple[str, list[PhaseGroup]]] = []
    for group in runbook_by_phase(report, zone=zone):
        if sections and sections[-1][0] == group.route:
            sections[-1][1].append(group)
        else:
            sections.append((group.route, [group]))
    parts = {route: sum(1 for r, _ in sections if r == route) for route, _ in sections}
    seen: dict[str, int] = {}
    out: list[RouteSection] = []
    for route, phases in sections:
        seen[route] = seen.get(route, 0) + 1
        out.append(
            RouteSection(
                route=route,
                label=route_label(route),
                zones=[z.name for z in report.zones_taking(route)],
                part=seen[route],
                parts=parts[route],
                phases=phases,
            )
        )
    return out


# --- the printable report --------------------------------------------------------------------------


def report_nic_rows(report: Report, zones: ZoneFilter) -> list[NicRow]:
    return [nic_row(m) for m in report.nic_mappings if not zones.active or m.zone in zones.kept]


def report_device_rows(report: Report, zones: ZoneFilter) -> list[DeviceRow]:
    return [device_row(m) for m in report.device_mappings if not zones.active or m.zone in zones.kept]


# --- settings: a plan's (Settings tab) and a team's defaults (Team settings page), pages and API ---

SOURCE_LABELS = {
    options_domain.SOURCE_PLAN: "this plan",
    options_domain.SOURCE_TEAM: "team default",
    options_domain.SOURCE_DEFAULT: "planner default",
}
# Settings whose blank value means "work it out" (from the inventories or the media).
_AUTOMATIC_WHEN_BLANK = {"ip_address", "netmask", "install_image_dir"}


def setting_text(setting: options_domain.Setting, value: Any) -> str:
    """A setting's value as the pages show it (never the root password hash)."""
    if setting.kind == "secret":
        return "set" if value else "not set"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    if value == "" or value is None:
        return "automatic" if setting.name in _AUTOMATIC_WHEN_BLANK else "(blank)"
    return str(value)


@dataclass(frozen=True)
class SettingRow:
    """One setting on a settings page: its value at this layer, the value in use and where it comes from."""

    setting: options_domain.Setting
    own: Any  # the value set on this plan (or team); None when not set here
    value: Any  # the value in use
    inherited: Any  # the value in use when this layer sets none (the team's default or the planner's)
    inherited_source: str  # team or default: where ``inherited`` comes from
    source: str  # plan, team or default
    placeholder: bool  # still an example value or a REPLACE-ME placeholder in the generated files
    problem: str  # what is wrong with the value in use ("" when nothing)

    @property
    def name(self) -> str:
        return self.setting.name

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]

    @property
    def inherited_label(self) -> str:
        return SOURCE_LABELS[self.inherited_source]

    @property
    def shown(self) -> str:
        return setting_text(self.setting, self.value)

    @property
    def inherited_shown(self) -> str:
        return setting_text(self.setting, self.inherited)

    @property
    def is_set_here(self) -> bool:
        return self.own is not None

    @property
    def secret_set(self) -> bool:
        return self.setting.kind == "secret" and bool(self.value)


@dataclass(frozen=True)
class SettingsGroup:
    title: str
    rows: list[SettingRow]


@dataclass(frozen=True)
class SettingsView:
    """The settings of one plan (layer "plan") or one team's defaults (layer "team")."""

    layer: str
    rows: list[SettingRow]
    placeholders: list[str]  # settings the generated files still carry placeholders for
    stale: bool = False  # the plan's report was computed with other values: re-plan

    @property
    def groups(self) -> list[SettingsGroup]:
        titles = list(dict.fromkeys(r.setting.group for r in self.rows))
        return [SettingsGroup(t, [r for r in self.rows if r.setting.group == t]) for t in titles]

    @property
    def problems(self) -> dict[str, str]:
        return {r.name: r.problem for r in self.rows if r.problem}

    def _values(self, pick: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r in self.rows:
            value = getattr(r, pick)
            if r.setting.kind == "secret":
                out["root_password_hash_set"] = bool(value)
            else:
                out[r.name] = value
        return out

    def api_dict(self) -> dict[str, Any]:
        """The API's body: the values in use, this layer's own (null: not set here), the sources."""
        return {
            "values": self._values("value"),
            "own": self._values("own"),
            "sources": {r.name: r.source for r in self.rows},
            "placeholders": list(self.placeholders),
            "problems": self.problems,
        }


def _setting_rows(
    settings: tuple[options_domain.Setting, ...],
    *,
    own: dict[str, Any],
    team: dict[str, Any],
    plan: dict[str, Any],
    below: dict[str, Any],
    hostname: str,
    placeholders: list[str],
) -> list[SettingRow]:
    """``below``: the team values in use where this layer sets nothing ({} for a team's own page)."""
    options = options_domain.effective_options(team, plan)
    inherited = options_domain.effective_options(below, {})
    problems = options_domain.settings_problems(options, hostname=hostname)
    return [
        SettingRow(
            setting=s,
            own=own.get(s.name),
            value=getattr(options, s.name),
            inherited=getattr(inherited, s.name),
            inherited_source=options_domain.setting_source(s.name, team=below, plan={}),
            source=options_domain.setting_source(s.name, team=team, plan=plan),
            placeholder=s.name in placeholders,
            problem=problems.get(s.name, ""),
        )
        for s in settings
    ]


def _report_settings(report: Report) -> tuple[list[str], Mapping[str, Any]]:
    placeholders: list[str] = []
    for f in report.host_findings:
        if f.code == "PLAN_SETTINGS_INCOMPLETE":
            placeholders = [str(n) for n in f.details.get("settings", [])]
    return placeholders, report.options


def _computed_with_other_values(rows: list[SettingRow], computed: Mapping[str, Any]) -> bool:
    for r in rows:
        if r.setting.kind == "secret":
            used = bool(computed.get("root_password_hash_set", computed.get(r.name)))
            if used != bool(r.value):
                return True
        elif r.name in computed and computed[r.name] != r.value:
            return True
    return False


def plan_settings(plan: Plan) -> SettingsView:
    """The plan's Settings tab: every setting, its own value, the team's default, the value in use."""
    team = services.team_defaults(plan.team_id)
    own = plan.options if isinstance(plan.options, dict) else {}
    placeholders, computed = _report_settings(report_of(plan))
    rows = _setting_rows(
        options_domain.SETTINGS,
        own=own,
        team=team,
        plan=own,
        below=team,
        hostname=plan.source.hostname,
        placeholders=placeholders,
    )
    return SettingsView(
        "plan", rows, placeholders, stale=bool(computed) and _computed_with_other_values(rows, computed)
    )


def team_settings(values: dict[str, Any]) -> SettingsView:
    """A team's defaults: the settings a team may default, its values and the planner's."""
    settings = tuple(s for s in options_domain.SETTINGS if s.team_default)
    placeholders = options_domain.placeholder_settings(options_domain.effective_options(values, {}))
    rows = _setting_rows(
        settings,
        own=values,
        team=values,
        plan={},
        below={},
        hostname="host",
        placeholders=placeholders,
    )
    return SettingsView("team", rows, placeholders)
