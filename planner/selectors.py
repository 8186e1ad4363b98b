"""Reads: every query the views and the API make goes through here, scoped to the user's teams.

The second half of the module shapes a plan's report (a JSON dict) for the
pages: the compatibility matrix, the flat findings table the CSV/JSON exports
use, the mapping editors' rows and the runbook grouped by phase.  Those helpers
read only the dict they are given (plus a few indexed queries for the
editors), so the plan page costs the same number of queries for 5 zones or 500.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from planner.domain.findings import CHECK_COLUMNS
from planner.domain.report import runbook_markdown, scripts_tarball

from . import extensions
from .models import (
    Action,
    DeviceOverride,
    Disk,
    DiskOverride,
    Host,
    InventorySnapshot,
    Membership,
    Nic,
    NicOverride,
    Plan,
    Team,
    Zone,
)
from .services import plan_compute_result

User = AbstractBaseUser | AnonymousUser

# The big JSON columns of a snapshot; list pages never need them.
SNAPSHOT_HEAVY_FIELDS = ("raw_files", "inventory")

SEVERITY_RANK = {"info": 0, "step": 1, "blocker": 2}
VERDICTS = ("ready", "ready_with_steps", "blocked")

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


# --- teams and hosts --------------------------------------------------------------------------


def teams_for_user(user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user)


def operator_teams_for_user(user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user, memberships__role=Membership.Role.OPERATOR).order_by(
        "name"
    )


def hosts_for_user(user: User) -> QuerySet[Host]:
    return Host.objects.for_user(user).select_related("current_snapshot")


def host_list(user: User) -> QuerySet[Host]:
    """Hosts with their team, current snapshot (light) and counts, in one query."""

    def count_of(model: Any) -> Subquery:
        return Subquery(
            model.objects.filter(snapshot_id=OuterRef("current_snapshot_id"))
            .order_by()
            .values("snapshot_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )

    return (
        Host.objects.for_user(user)
        .select_related("team", "current_snapshot")
        .defer(*(f"current_snapshot__{f}" for f in SNAPSHOT_HEAVY_FIELDS))
        .annotate(
            snapshot_count=Subquery(
                InventorySnapshot.objects.filter(host=OuterRef("pk"))
                .order_by()
                .values("host")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            zone_count=count_of(Zone),
            nic_count=count_of(Nic),
            disk_count=count_of(Disk),
        )
        .order_by("hostname")
    )


def host_for_user(user: User, pk: int) -> Host:
    """The host if it belongs to one of the user's teams, else 404."""
    return get_object_or_404(Host.objects.for_user(user).select_related("team"), pk=pk)


def snapshot_detail(snapshot_id: int | None) -> InventorySnapshot | None:
    """A snapshot with every inventory row the host page shows, prefetched."""
    if snapshot_id is None:
        return None
    return (
        InventorySnapshot.objects.defer("raw_files")
        .prefetch_related(
            Prefetch("disks", queryset=Disk.objects.prefetch_related("slices")),
            "nics",
            "metadevices",
            "devices",
            Prefetch("zones", queryset=Zone.objects.prefetch_related("resources")),
        )
        .filter(pk=snapshot_id)
        .first()
    )


def host_snapshots(host: Host) -> QuerySet[InventorySnapshot]:
    """The import history, newest first, without the big JSON of the raw files."""
    return (
        InventorySnapshot.objects.filter(host=host)
        .defer("raw_files", "inventory")
        .select_related("created_by")
        .order_by("-number")
    )


def host_plans(host: Host) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(Q(source=host) | Q(destination=host))
        .select_related("source", "destination")
        .defer("report")
        .order_by("-created")
    )


def host_current_snapshot_id(*, team: Team, hostname: str) -> int | None:
    return (
        Host.objects.filter(team=team, hostname=hostname)
        .values_list("current_snapshot_id", flat=True)
        .first()
    )


def host_choices(user: User, *, team: Team | None = None, action: Action = "view") -> QuerySet[Host]:
    """Hosts with an inventory the user may ``action`` (view, or operate: plan with)."""
    qs = Host.objects.restrict(user, action).filter(current_snapshot__isnull=False)
    if team is not None:
        qs = qs.filter(team=team)
    return qs.select_related("team").order_by("hostname")


def host_nic_names(host: Host) -> list[str]:
    if host.current_snapshot_id is None:
        return []
    return list(Nic.objects.filter(snapshot_id=host.current_snapshot_id).values_list("name", flat=True))


def snapshot_vfstab(snapshot: InventorySnapshot) -> list[dict[str, Any]]:
    """The global zone's vfstab from the snapshot's inventory JSON."""
    inventory = snapshot.inventory if isinstance(snapshot.inventory, dict) else {}
    return [e for e in inventory.get("vfstab", []) if isinstance(e, dict)]


def snapshot_system(snapshot: InventorySnapshot) -> dict[str, Any]:
    inventory = snapshot.inventory if isinstance(snapshot.inventory, dict) else {}
    uname = inventory.get("uname") or {}
    prtdiag = inventory.get("prtdiag") or {}
    return {"uname": uname, "prtdiag": prtdiag}


# --- plans --------------------------------------------------------------------------------------


def plans_for_user(user: User) -> QuerySet[Plan]:
    """Every plan of the user's teams with its hosts and what the registered columns show (the
    jobs app's last job), in one query."""
    plans = Plan.objects.for_user(user).select_related("team", "source", "destination").defer("report")
    return extensions.annotate_plans(plans).order_by("-created")


def plan_for_user(user: User, pk: int) -> Plan:
    """The plan (with hosts and snapshot headers) if it is one of the user's teams', else 404."""
    heavy = [
        f"{rel}__{f}" for rel in ("source_snapshot", "destination_snapshot") for f in SNAPSHOT_HEAVY_FIELDS
    ]
    return get_object_or_404(
        Plan.objects.for_user(user)
        .select_related("team", "source", "destination", "source_snapshot", "destination_snapshot")
        .defer(*heavy),
        pk=pk,
    )


def plan_stats(user: User) -> dict[str, Any]:
    """How many hosts and plans the user's teams have, plans by verdict."""
    plans = Plan.objects.for_user(user).aggregate(
        total=Count("pk"),
        ready=Count("pk", filter=Q(verdict=Plan.Verdict.READY)),
        ready_with_steps=Count("pk", filter=Q(verdict=Plan.Verdict.READY_WITH_STEPS)),
        blocked=Count("pk", filter=Q(verdict=Plan.Verdict.BLOCKED)),
    )
    return {"hosts": Host.objects.for_user(user).count(), "plans": plans}


# --- the report: matrix, findings, mappings, runbook ----------------------------------------------


def _worst(findings: list[dict[str, Any]]) -> str:
    worst = ""
    for f in findings:
        sev = str(f.get("severity", ""))
        if sev in SEVERITY_RANK and (not worst or SEVERITY_RANK[sev] > SEVERITY_RANK[worst]):
            worst = sev
    return worst


def _column_of(code: str) -> str:
    for column, codes in CHECK_COLUMNS.items():
        if any(code == getattr(c, "value", c) for c in codes):
            return column
    return OTHER_COLUMN


def _cell(column: str, findings: list[dict[str, Any]]) -> dict[str, Any]:
    worst = _worst(findings)
    ordered = sorted(findings, key=lambda f: -SEVERITY_RANK.get(str(f.get("severity")), -1))
    if ordered:
        code = str(ordered[0].get("code", ""))
        label = CODE_LABELS.get(code, code.lower().replace("_", " "))
        if len(ordered) > 1:
            label = f"{label} +{len(ordered) - 1}"
    else:
        label = "—"
    return {"column": column, "severity": worst or "none", "label": label, "findings": ordered}


def _findings_of(obj: dict[str, Any], key: str = "findings") -> list[dict[str, Any]]:
    return [f for f in (obj.get(key) or []) if isinstance(f, dict)]


def report_zones(report: dict[str, Any], *, verdict: str = "", zone: str = "") -> list[dict[str, Any]]:
    """The report's zones, filtered by verdict (exact) and zone name (substring, case-insensitive)."""
    zones = [z for z in (report.get("zones") or []) if isinstance(z, dict)]
    if verdict:
        zones = [z for z in zones if z.get("verdict") == verdict]
    if zone:
        needle = zone.lower()
        zones = [z for z in zones if needle in str(z.get("name", "")).lower()]
    return zones


def plan_matrix(report: dict[str, Any], *, verdict: str = "", zone: str = "") -> dict[str, Any]:
    """Zones as rows, CHECK_COLUMNS as columns; each cell the worst severity of its findings."""
    zones = report_zones(report, verdict=verdict, zone=zone)
    host_findings = _findings_of(report, "host_findings")
    columns = list(CHECK_COLUMNS)
    all_codes = [str(f.get("code", "")) for z in zones for f in _findings_of(z)]
    all_codes += [str(f.get("code", "")) for f in host_findings]
    if any(_column_of(c) == OTHER_COLUMN for c in all_codes):
        columns.append(OTHER_COLUMN)

    def row(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_column: dict[str, list[dict[str, Any]]] = {c: [] for c in columns}
        for f in findings:
            by_column[_column_of(str(f.get("code", "")))].append(f)
        return [_cell(c, by_column[c]) for c in columns]

    rows = [
        {
            "name": str(z.get("name", "")),
            "state": z.get("state", ""),
            "verdict": z.get("verdict", ""),
            "zonepath": z.get("zonepath", ""),
            "cells": row(_findings_of(z)),
            "finding_count": len(_findings_of(z)),
        }
        for z in zones
    ]
    host_row = {"cells": row(host_findings), "finding_count": len(host_findings)} if host_findings else None
    return {
        "columns": columns,
        "rows": rows,
        "host_row": host_row,
        "total_zones": len(report.get("zones") or []),
    }


FINDING_COLUMNS = ("zone", "code", "severity", "resource", "message", "remedy")


def plan_findings_rows(report: dict[str, Any], *, verdict: str = "", zone: str = "") -> list[dict[str, str]]:
    """One flat row per finding (host-level findings have an empty zone), for the report and exports.

    Host-level findings are kept when no zone-name filter is given.
    """
    rows: list[dict[str, str]] = []
    if not zone:
        for f in _findings_of(report, "host_findings"):
            rows.append(_finding_row("", f))
    for z in report_zones(report, verdict=verdict, zone=zone):
        for f in _findings_of(z):
            rows.append(_finding_row(str(z.get("name", "")), f))
    return rows


def _finding_row(zone: str, f: dict[str, Any]) -> dict[str, str]:
    return {
        "zone": zone or str(f.get("zone") or ""),
        "code": str(f.get("code", "")),
        "severity": str(f.get("severity", "")),
        "resource": str(f.get("resource", "")),
        "message": str(f.get("message", "")),
        "remedy": str(f.get("remedy", "")),
    }


def plan_nic_rows(plan: Plan, *, zone: str = "") -> dict[str, Any]:
    """The NIC editor: one row per zone net with the user's current choice and the port choices."""
    report = plan.report or {}
    ports = list(
        Nic.objects.filter(snapshot_id=plan.destination_snapshot_id).values("name", "driver", "link_state")
    )
    overrides = {(o.zone, o.physical, o.address): o for o in NicOverride.objects.filter(plan=plan)}
    rows = []
    for m in report.get("nic_mappings") or []:
        if not isinstance(m, dict):
            continue
        if zone and zone.lower() not in str(m.get("zone", "")).lower():
            continue
        key = (str(m.get("zone", "")), str(m.get("physical", "")), str(m.get("address") or ""))
        override = overrides.get(key)
        if override is None:
            selected = ""
        elif override.action == NicOverride.Action.DROP:
            selected = "drop"
        else:
            selected = override.target
        target = m.get("chosen_target") or m.get("target") or ""
        rows.append(
            {
                **m,
                "zone": key[0],
                "physical": key[1],
                "address": key[2],
                "target": target,
                "selected": selected,
                "overridden": override is not None,
                "row_key": "|".join(key),
            }
        )
    port_names = {p["name"] for p in ports}
    return {
        "rows": rows,
        "ports": ports,
        "port_names": port_names,
        "default_target": plan.default_nic_target,
    }


def plan_device_rows(plan: Plan, *, zone: str = "") -> list[dict[str, Any]]:
    report = plan.report or {}
    overrides = {(o.zone, o.match): o for o in DeviceOverride.objects.filter(plan=plan)}
    rows = []
    for m in report.get("device_mappings") or []:
        if not isinstance(m, dict):
            continue
        if zone and zone.lower() not in str(m.get("zone", "")).lower():
            continue
        key = (str(m.get("zone", "")), str(m.get("match", "")))
        override = overrides.get(key)
        rows.append(
            {
                **m,
                "zone": key[0],
                "match": key[1],
                "row_key": "|".join(key),
                "selected": override.action if override else "",
                "selected_replacement": override.replacement if override else "",
                "overridden": override is not None,
            }
        )
    return rows


def plan_layout(plan: Plan) -> dict[str, Any]:
    """The layout from the report, the destination's disks and the user's disk choices."""
    report = plan.report or {}
    layout = report.get("layout") or {}
    disks = [d for d in layout.get("disks") or [] if isinstance(d, dict)]
    unplaced = [u for u in layout.get("unplaced") or [] if isinstance(u, dict)]
    overrides = dict(DiskOverride.objects.filter(plan=plan).values_list("key", "disk"))
    disk_names = list(
        Disk.objects.filter(snapshot_id=plan.destination_snapshot_id).values_list("name", flat=True)
    )
    for d in disks:
        if d.get("name") and d["name"] not in disk_names:
            disk_names.append(d["name"])
    filesystems: list[dict[str, Any]] = []
    for d in disks:
        for s in d.get("slices") or []:
            if isinstance(s, dict) and s.get("key") and not is_backup_slice(s):
                filesystems.append({**s, "disk": d.get("name", ""), "placed": True})
    for u in unplaced:
        filesystems.append({**u, "disk": "", "placed": False})
    for fs in filesystems:
        fs["override"] = overrides.get(str(fs.get("key")), "")
    return {"disks": disks, "unplaced": unplaced, "filesystems": filesystems, "disk_names": disk_names}


def is_backup_slice(s: dict[str, Any]) -> bool:
    """Slice 2 ("backup") spans the whole disk by convention; it is not a file system."""
    return s.get("purpose") == "backup" or (s.get("index") == 2 and s.get("tag") == 5)


def runbook_by_phase(report: dict[str, Any], *, zone: str = "") -> list[dict[str, Any]]:
    """Runbook steps grouped by phase, in the report's order.

    Accepts the report's phase list ({"key","title","host","steps": [...]}) or a flat step list.
    With a zone filter, steps of other zones are left out (global-zone steps stay).
    """
    phases: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def add(key: str, title: str, host: str, step: dict[str, Any]) -> None:
        group = phases.setdefault(key, {"phase": title, "key": key, "host": host, "steps": []})
        if step and not (zone and step.get("zone") and zone.lower() not in str(step.get("zone")).lower()):
            group["steps"].append(step)

    for item in report.get("runbook") or []:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("steps"), list):
            key = str(item.get("key") or item.get("title") or "steps")
            title = str(item.get("title") or key)
            phases.setdefault(
                key, {"phase": title, "key": key, "host": str(item.get("host") or ""), "steps": []}
            )
            for step in item["steps"]:
                if isinstance(step, dict):
                    add(key, title, str(item.get("host") or ""), step)
        else:
            key = str(item.get("phase") or "steps")
            add(key, key, "", item)
    return [g for g in phases.values() if g["steps"] or not zone]


DOWNLOAD_KINDS = ("runbook.md", "scripts.tar.gz", "profile", "sysidcfg", "finish")


def plan_generated_file(plan: Plan, what: str) -> str | bytes:
    """One generated file of the plan: runbook Markdown, scripts tarball, profile, sysidcfg, finish script.

    Computed afresh from the hosts' inventories and the plan's overrides (a read: nothing is stored).
    """
    if what not in DOWNLOAD_KINDS:
        raise ValueError(f"unknown download {what!r}")
    result = plan_compute_result(plan)
    if what == "runbook.md":
        return runbook_markdown(result)
    if what == "scripts.tar.gz":
        return scripts_tarball(result)
    if what == "profile":
        return result.jumpstart_profile
    if what == "sysidcfg":
        return result.sysidcfg
    return result.finish_script


def inventory_summary(inventory: Any, *, ignored: list[str] | None = None) -> dict[str, Any]:
    """What an import found and what it lacked, for the upload page (reads a HostInventory)."""
    issues = list(getattr(inventory, "issues", []) or [])

    def issue(i: Any) -> dict[str, Any]:
        return {
            "file": getattr(i, "file", ""),
            "line": getattr(i, "line", None),
            "message": getattr(i, "message", str(i)),
        }

    zones = list(getattr(inventory, "zones", []) or [])
    return {
        "hostname": getattr(inventory, "hostname", ""),
        "origin": getattr(inventory, "origin", ""),
        "zones": [getattr(z, "name", "") for z in zones],
        "nics": [getattr(n, "name", "") for n in getattr(inventory, "nics", []) or []],
        "disks": [getattr(d, "name", "") for d in getattr(inventory, "disks", []) or []],
        "metadevices": [getattr(m, "name", "") for m in getattr(inventory, "metadevices", []) or []],
        "warnings": [issue(i) for i in issues if getattr(i, "severity", "warning") != "error"],
        "errors": [issue(i) for i in issues if getattr(i, "severity", "") == "error"],
        "ignored": list(ignored or []),
    }
