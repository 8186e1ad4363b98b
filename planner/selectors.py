"""Reads: every query the views and the API make goes through here, scoped to the user's teams
(``Model.objects.for_user(user)``, :class:`planner.models.TeamScopedQuerySet`).

What the pages show of a plan's report is shaped by :mod:`planner.presenters`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

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
    RouteOverride,
    SizeOverride,
    Team,
    TeamSettings,
    Zone,
)
from .services import plan_compute_result

User = AuthUser | AnonymousUser

# The big JSON columns of a snapshot; list pages never need them.
SNAPSHOT_HEAVY_FIELDS = ("raw_files", "inventory")


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


def team_for_user(user: User, pk: int) -> Team:
    """The team if the user is one of its members, else 404."""
    return get_object_or_404(teams_for_user(user), pk=pk)


def teams_with_roles(user: User) -> list[tuple[Team, str]]:
    """The user's teams, by name, each with the user's role in it."""
    if not user.is_authenticated:
        return []
    memberships = Membership.objects.filter(user=user).select_related("team").order_by("team__name")
    return [(m.team, m.role) for m in memberships]


def team_settings_of(team: Team) -> TeamSettings:
    """The team's default settings (an unsaved, empty row before the first save)."""
    row = TeamSettings.objects.filter(team=team).select_related("updated_by").first()
    return row if row is not None else TeamSettings(team=team, values={})


def team_plan_count(team: Team) -> int:
    return Plan.objects.filter(team=team).count()


def hosts_for_user(user: User) -> QuerySet[Host]:
    return Host.objects.for_user(user).select_related("current_snapshot")


def host_list(user: User) -> QuerySet[Host]:
    """Hosts with their team, current snapshot (light) and counts, in one query."""

    def count_of(model: type[Zone | Nic | Disk]) -> Subquery:
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


def hosts_to_operate(user: User, ids: list[int]) -> QuerySet[Host]:
    """The hosts of ``ids`` the user is an operator of (the others are left out: 404 when none)."""
    return (
        Host.objects.restrict(user, "operate").filter(pk__in=ids).select_related("team").order_by("hostname")
    )


def plans_to_operate(user: User, ids: list[int]) -> QuerySet[Plan]:
    """The plans of ``ids`` the user is an operator of."""
    return (
        Plan.objects.restrict(user, "operate")
        .filter(pk__in=ids)
        .select_related("team", "source", "destination")
        .defer("report")
        .order_by("name")
    )


def host_for_import(*, team: Team, hostname: str) -> Host | None:
    """The team's host of that name with its current snapshot (raw files included), if any."""
    return Host.objects.filter(team=team, hostname=hostname).select_related("current_snapshot").first()


def zonecfg_hosts(user: User) -> QuerySet[Host]:
    """The hosts made of zonecfg exports the user may import into (the upload page offers them)."""
    return Host.objects.restrict(user, "operate").filter(origin=Host.Origin.ZONECFG).order_by("hostname")


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
        nothing_to_migrate=Count("pk", filter=Q(verdict=Plan.Verdict.NOTHING_TO_MIGRATE)),
    )
    return {"hosts": Host.objects.for_user(user).count(), "plans": plans}


# --- a plan's editors: the user's choices and the destination's ports and disks --------------------


def plan_nic_choices(plan: Plan) -> dict[tuple[str, str, str], str]:
    """(zone, physical, address) -> the user's choice for that net: a port, or "drop"."""
    return {
        (o.zone, o.physical, o.address): "drop" if o.action == NicOverride.Action.DROP else o.target
        for o in NicOverride.objects.filter(plan=plan)
    }


def plan_device_choices(plan: Plan) -> dict[tuple[str, str], tuple[str, str]]:
    """(zone, match) -> the user's (action, replacement) for that device."""
    return {(o.zone, o.match): (o.action, o.replacement) for o in DeviceOverride.objects.filter(plan=plan)}


def plan_disk_choices(plan: Plan) -> dict[str, str]:
    """Layout key -> the disk the user chose for that file system."""
    return dict(DiskOverride.objects.filter(plan=plan).values_list("key", "disk"))


def plan_route_choices(plan: Plan) -> dict[str, str]:
    """Zone -> the route the user pinned it to."""
    return dict(RouteOverride.objects.filter(plan=plan).values_list("zone", "method"))


def plan_size_choices(plan: Plan) -> dict[str, int]:
    """Size key -> the size (MB) the user gave that file system or zone."""
    return dict(SizeOverride.objects.filter(plan=plan).values_list("key", "size_mb"))


def destination_ports(plan: Plan) -> list[dict[str, str]]:
    """The destination snapshot's network ports (name, driver, link state)."""
    rows = Nic.objects.filter(snapshot_id=plan.destination_snapshot_id).values_list(
        "name", "driver", "link_state"
    )
    return [{"name": name, "driver": driver, "link_state": state} for name, driver, state in rows]


def destination_disk_names(plan: Plan) -> list[str]:
    return list(Disk.objects.filter(snapshot_id=plan.destination_snapshot_id).values_list("name", flat=True))


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
