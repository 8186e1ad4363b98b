"""The planner's entry point: ``compute_plan(source, destination, options, overrides)``.

A pure function over inventories: no Django, no I/O.  It maps NICs and devices, plans
the destination disks, runs the rules, and writes the runbook, the JumpStart profile,
sysidcfg and the two scripts.  ``PlanResult.to_report_dict()`` is the JSON contract
the web app, the CLIs and the exports read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner.domain.devicemap import DeviceMapping, map_devices
from planner.domain.facts import memoized_mounts
from planner.domain.findings import Finding, Severity, Verdict, verdict_of
from planner.domain.install import MEDIA_PLACEHOLDER, InstallFacts, install_facts
from planner.domain.jumpstart import jumpstart_profile, sysid_values, sysidcfg
from planner.domain.layout import LayoutPlan, plan_layout
from planner.domain.nicmap import NicMapping, map_nics
from planner.domain.options import (
    DeviceOverride,
    DiskOverride,
    NicOverride,
    Overrides,
    PlanOptions,
    RouteOverride,
    check_options,
    check_overrides,
    placeholder_settings,
    public_options,
)
from planner.domain.route_runbook import detach_attach_phases, s10_branded_phases
from planner.domain.routes import Route, RoutePlan, ZoneRoute, evaluate_routes
from planner.domain.rules import host_findings, zone_findings
from planner.domain.runbook import RunbookPhase, RunbookStep, build_runbook
from planner.domain.zonework import ZoneWork, build_zone_work
from planner.solaris.inventory import HostInventory
from planner.solaris.validate import check_inventory

__all__ = [
    "DeviceOverride",
    "DiskOverride",
    "NicOverride",
    "Overrides",
    "PlanOptions",
    "PlanResult",
    "RouteOverride",
    "ZonePlan",
    "compute_plan",
]

REPORT_VERSION = 1


@dataclass
class ZonePlan:
    name: str
    state: str
    verdict: Verdict
    findings: list[Finding]
    zonepath: str = ""
    brand: str = "native"
    ip_type: str = "shared"
    autoboot: bool = False
    # Issue #14: every route listed for the destination, the recommended one, the one taken.
    routes: list[ZoneRoute] = field(default_factory=list)
    recommended_route: str = Route.FLAR.value
    route: str = Route.FLAR.value  # the pinned route, else the recommended one
    route_pinned: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "state": self.state,
            "verdict": self.verdict.value,
            "zonepath": self.zonepath,
            "brand": self.brand,
            "ip_type": self.ip_type,
            "autoboot": self.autoboot,
            "findings": [f.to_dict() for f in self.findings],
            "routes": [r.to_dict() for r in self.routes],
            "recommended_route": self.recommended_route,
            "route": self.route,
            "route_pinned": self.route_pinned,
        }


def _host_summary(inv: HostInventory) -> dict[str, Any]:
    return {
        "hostname": inv.hostname,
        "platform": inv.uname.platform or inv.uname.machine,
        "model": inv.prtdiag.model,
        "machine": inv.uname.machine,
        "release": inv.uname.release,
        "origin": inv.origin,
        # Added with issue #12: /etc/release line 1 ("" when not collected) and the software group.
        "release_text": inv.release.text if inv.release is not None else "",
        "cluster": inv.cluster,
    }


def _install_summary(facts: InstallFacts | None) -> dict[str, Any]:
    """The install facts for the report (issue #12; additive key ``install``)."""
    if facts is None:
        return {}
    return {
        "update": facts.update.name if facts.update is not None else None,
        "media": facts.media or None,
        "build": facts.media_build or None,
        "install_image_dir": facts.install_image_dir,
        "destination_model": facts.destination_model.key if facts.destination_model is not None else None,
        "content_architectures": list(facts.content_architectures),
        "archiver": "pax" if facts.pax else "cpio",
        "root_pool": facts.root_pool or None,
        "mirrors": [
            {"mount_point": m.mount_point, "metadevice": m.metadevice, "source_slices": list(m.source_slices)}
            for m in facts.mirrors
        ],
        "sysidcfg_keywords": {"nfs4_domain": facts.sysidcfg_nfs4_domain, "auto_reg": facts.sysidcfg_auto_reg},
    }


@dataclass
class PlanResult:
    source: HostInventory
    destination: HostInventory
    options: PlanOptions
    overrides: Overrides
    host_findings: list[Finding]
    zones: list[ZonePlan]
    verdict: Verdict
    nic_mappings: list[NicMapping]
    device_mappings: list[DeviceMapping]
    layout: LayoutPlan
    runbook: list[RunbookPhase]
    jumpstart_profile: str
    sysidcfg: str
    finish_script: str
    pre_archive_script: str
    global_zone_port: str = ""
    notes: list[str] = field(default_factory=list)
    install: InstallFacts | None = None
    routes: RoutePlan | None = None

    def zone(self, name: str) -> ZonePlan | None:
        return next((z for z in self.zones if z.name == name), None)

    @property
    def all_findings(self) -> list[Finding]:
        return [*self.host_findings, *(f for z in self.zones for f in z.findings)]

    @property
    def steps(self) -> list[RunbookStep]:
        return [s for phase in self.runbook for s in phase.steps]

    def summary(self) -> dict[str, int]:
        counts = {v: sum(1 for z in self.zones if z.verdict is v) for v in Verdict}
        return {
            "zones": len(self.zones),
            "ready": counts[Verdict.READY],
            "ready_with_steps": counts[Verdict.READY_WITH_STEPS],
            "blocked": counts[Verdict.BLOCKED],
            "host_blockers": sum(1 for f in self.host_findings if f.severity is Severity.BLOCKER),
        }

    def route_blockers(self) -> list[Finding]:
        """The blockers of the routes the zones take (pinned or recommended), host ones included."""
        if self.routes is None or not self.zones:
            return [f for f in self.all_findings if f.severity is Severity.BLOCKER]
        found = list(self.routes.findings)
        for method in self.routes.methods_used():
            found += self.host_findings if method == Route.FLAR else self.routes.host_findings.get(method, [])
        for z in self.zones:
            entry = next((r for r in z.routes if r.method == z.route), None)
            found += entry.findings if entry is not None else []
        return [f for f in found if f.severity is Severity.BLOCKER]

    @property
    def recommended_verdict(self) -> Verdict:
        """The plan's verdict with every zone on its route; with no zone, the plan's own."""
        if self.routes is None or not self.zones:
            return self.verdict
        return self.routes.recommended_verdict

    def to_report_dict(self) -> dict[str, Any]:
        """The JSON contract (docs/findings.md): plain types only, stable keys."""
        routes = self.routes
        return {
            "report_version": REPORT_VERSION,
            "verdict": self.verdict.value,
            "source": _host_summary(self.source),
            "destination": _host_summary(self.destination),
            "host_findings": [f.to_dict() for f in self.host_findings],
            "zones": [z.to_dict() for z in self.zones],
            "nic_mappings": [r.to_dict() for r in self.nic_mappings],
            "destination_nics": [
                {"name": n.name, "driver": n.driver, "link_state": n.link_state, "speed_mbps": n.speed_mbps}
                for n in self.destination.nics
            ],
            "device_mappings": [r.to_dict() for r in self.device_mappings],
            "layout": self.layout.to_dict(),
            "runbook": [p.to_dict() for p in self.runbook],
            "global_zone_port": self.global_zone_port,
            "notes": list(self.notes),
            "options": public_options(self.options.to_dict()),
            "summary": self.summary(),
            "install": _install_summary(self.install),
            # Issue #14 (additive): the routes.
            "recommended_verdict": self.recommended_verdict.value,
            "routes_listed": list(routes.listed) if routes is not None else [Route.FLAR.value],
            "route_host_findings": {
                m: [f.to_dict() for f in fs] for m, fs in (routes.host_findings if routes else {}).items()
            },
            "route_findings": [f.to_dict() for f in routes.findings] if routes is not None else [],
            "route_summary": {
                m: sum(1 for z in self.zones if z.route == m)
                for m in (routes.listed if routes is not None else (Route.FLAR.value,))
            },
        }


def compute_plan(
    source: HostInventory,
    destination: HostInventory,
    options: PlanOptions | None = None,
    overrides: Overrides | None = None,
    *,
    inventories_checked: bool = False,
) -> PlanResult:
    """Plan the move of ``source``'s zones to ``destination``.

    ``inventories_checked``: the caller has just passed both inventories through
    ``check_inventory`` itself (the services do, on import and when reading a stored one), so
    they are not checked a second time here."""
    options = check_options(options or PlanOptions(), hostname=source.hostname)
    overrides = check_overrides(overrides or Overrides())
    # The boundary again: stored inventories (JSON rows older than the readers' checks) and
    # catalog entries did not all come through the readers.
    if not inventories_checked:
        check_inventory(source, source=f"source host {source.hostname[:64]!r}")
        check_inventory(destination, source=f"destination host {destination.hostname[:64]!r}")
    with memoized_mounts():
        return _compute_plan(source, destination, options, overrides)


def _compute_plan(
    source: HostInventory, destination: HostInventory, options: PlanOptions, overrides: Overrides
) -> PlanResult:
    facts = install_facts(source, destination, options)
    nics = map_nics(source, destination, overrides, options.spread_nics)
    devices = map_devices(source, destination, overrides)
    layout = plan_layout(source, destination, options, overrides, facts)
    work = build_zone_work(source, nics.rows, devices.rows, layout, facts.root_pool)
    sysid = sysid_values(source, destination, nics.global_zone_port, options)
    placeholders = [*placeholder_settings(options), *sysid.placeholders]
    if not facts.release_known and facts.install_image_dir.endswith(MEDIA_PLACEHOLDER):
        placeholders.append("install_image_dir")

    hosts = host_findings(source, destination, layout, facts, options, placeholders)
    zones: list[ZonePlan] = []
    for w in work:
        found = zone_findings(w, source, destination, nics.global_zone_port, facts, layout, options)
        zones.append(
            ZonePlan(
                name=w.name,
                state=w.state,
                verdict=verdict_of(found),
                findings=found,
                zonepath=w.zonepath,
                brand=w.brand,
                ip_type=w.ip_type,
                autoboot=w.autoboot,
            )
        )
    verdict = verdict_of([*hosts, *(f for z in zones for f in z.findings)])
    if not zones and verdict is not Verdict.BLOCKED:
        verdict = Verdict.NOTHING_TO_MIGRATE

    routes = evaluate_routes(
        source=source,
        destination=destination,
        work=work,
        flar_zone_findings={z.name: z.findings for z in zones},
        flar_host_findings=hosts,
        facts=facts,
        layout=layout,
        options=options,
        gz_port=nics.global_zone_port,
        pins=overrides.routes,
    )
    for z in zones:
        z.routes = routes.zones.get(z.name, [])
        z.recommended_route = routes.recommended.get(z.name, Route.FLAR.value)
        z.route = routes.route_of(z.name)
        z.route_pinned = z.name in routes.pinned

    # The flash-archive route's runbook and scripts cover the zones that take it; the zones that move
    # by detach/attach in the same plan are detached first and left out of the archive.
    flar_zones = [z for z in zones if z.route == Route.FLAR]
    flar_names = {z.name for z in flar_zones}
    flar_work = [w for w in work if w.name in flar_names]
    detached = {w.name: w.zonepath for w in work if routes.route_of(w.name) == Route.DETACH_ATTACH}
    blocked = _blocked_zones(flar_zones)
    autoboot_off = {z.name for z in flar_zones if any(f.code == "AUTOBOOT_FIRST_BOOT" for f in z.findings)}
    plan_blockers = [
        f"{f.code} {f.zone or 'host'}: {f.resource}"
        for f in [*hosts, *(f for z in flar_zones for f in z.findings)]
        if f.severity is Severity.BLOCKER
    ]
    bundle = build_runbook(
        source,
        destination,
        flar_work,
        blocked,
        autoboot_off,
        nics.global_zone_port,
        options,
        plan_blockers,
        facts,
        detached=detached if flar_work else None,
    )
    runbook = _route_runbook(
        source, destination, work, routes, bundle.phases, facts, layout, options, nics.global_zone_port
    )

    notes = [*nics.unused_overrides, *devices.unused_overrides, *layout.notes, *routes.notes]
    if not destination.nics:
        notes.append(f"{destination.hostname} lists no network ports: every net is unmapped")
    return PlanResult(
        source=source,
        destination=destination,
        options=options,
        overrides=overrides,
        host_findings=hosts,
        zones=zones,
        verdict=verdict,
        nic_mappings=nics.rows,
        device_mappings=devices.rows,
        layout=layout,
        runbook=runbook,
        jumpstart_profile=jumpstart_profile(source, destination, layout, options, facts),
        sysidcfg=sysidcfg(source, destination, nics.global_zone_port, options, facts),
        finish_script=bundle.finish_script,
        pre_archive_script=bundle.pre_archive_script,
        global_zone_port=nics.global_zone_port,
        notes=notes,
        install=facts,
        routes=routes,
    )


def _route_runbook(
    source: HostInventory,
    destination: HostInventory,
    work: list[ZoneWork],
    routes: RoutePlan,
    flar_phases: list[RunbookPhase],
    facts: InstallFacts,
    layout: LayoutPlan,
    options: PlanOptions,
    gz_port: str,
) -> list[RunbookPhase]:
    """The plan's runbook: the phases of every route its zones take, in the order they run.

    Detach/attach zones are detached and copied before a flash archive is made (so that it leaves
    them out), and attached after the destination is installed from it."""
    used = routes.methods_used()
    with_flar = Route.FLAR in used or not work
    phases: list[RunbookPhase] = []
    after: list[RunbookPhase] = []
    if Route.DETACH_ATTACH in used:
        before, after = detach_attach_phases(
            source=source,
            destination=destination,
            work=work,
            routes=routes,
            facts=facts,
            layout=layout,
            options=options,
            gz_port=gz_port,
            with_flar=with_flar,
        )
        phases += before
    if with_flar:
        phases += flar_phases
    phases += after
    if Route.S10_BRANDED in used:
        phases += s10_branded_phases(
            source=source,
            destination=destination,
            work=work,
            routes=routes,
            facts=facts,
            options=options,
            gz_port=gz_port,
        )
    return phases


def _blocked_zones(zones: list[ZonePlan]) -> dict[str, list[str]]:
    return {
        z.name: sorted({f.code for f in z.findings if f.severity is Severity.BLOCKER})
        for z in zones
        if z.verdict is Verdict.BLOCKED
    }


def zone_work_of(result: PlanResult) -> list[ZoneWork]:
    """Rebuild the per-zone work list of a result (for callers that render their own views)."""
    # Cheap: no layout or mapping is recomputed, only regrouped.
    root_pool = result.install.root_pool if result.install is not None else ""
    return build_zone_work(
        result.source, result.nic_mappings, result.device_mappings, result.layout, root_pool
    )
