"""Writes for the planner: imports, plans, overrides and re-planning (HackSoft-style services).

Views, the API, the CLIs and the demo loader all call these; none of them
writes planner models directly.  Every function takes keyword-only arguments.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Max, Q
from django.utils import timezone

from planner.domain.contract import DeviceMappingRow, Layout, NicMappingRow, Report
from planner.domain.options import (
    SETTING_NAMES,
    SIZE_OVERRIDE_MAX_MB,
    TEAM_SETTING_NAMES,
    ZONE_ROOT_PREFIX,
    Overrides,
    PlanOptions,
    check_options,
    effective_options,
    settings_problems,
)
from planner.domain.options import DeviceOverride as DomainDeviceOverride
from planner.domain.options import DiskOverride as DomainDiskOverride
from planner.domain.options import NicOverride as DomainNicOverride
from planner.domain.options import RouteOverride as DomainRouteOverride
from planner.domain.options import SizeOverride as DomainSizeOverride
from planner.domain.plan import PlanResult, compute_plan
from planner.inputs import LoadedInventory
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import HostInventory, ZoneConfig, record_dict
from planner.solaris.names import check_hostname
from planner.solaris.validate import check_inventory
from planner.solaris.writers import write_zonecfg_export

from . import extensions
from .bulk import insert_rows
from .models import (
    Device,
    DeviceMapping,
    DeviceOverride,
    Disk,
    DiskOverride,
    Host,
    InventorySnapshot,
    LayoutSlice,
    Metadevice,
    Nic,
    NicMapping,
    NicOverride,
    Plan,
    RouteOverride,
    SizeOverride,
    Slice,
    Team,
    TeamSettings,
    Zone,
    ZoneResource,
)

log = logging.getLogger(__name__)

_Row = TypeVar("_Row", bound=models.Model)

# Rows per INSERT statement in the bulk writes (PostgreSQL takes at most 65,535 parameters in one).
BULK_ROWS = 2000


class PlannerError(ValueError):
    """A request the planner refuses, with a message for the user."""


class HostKindConflict(PlannerError):
    """An upload under the hostname of a host imported from another kind of input (issue #13 item 3)."""

    def __init__(self, message: str, *, host: Host) -> None:
        super().__init__(message)
        self.host = host


_KIND_NAMES: dict[str, str] = {
    "bundle": "a collector bundle",
    "zonecfg": "zonecfg exports",
    "spec": "a hardware spec",
    "catalog": "a catalog model",
}


def kind_name(origin: str) -> str:
    """How the pages name an import's kind: "a collector bundle", "a catalog model"..."""
    return _KIND_NAMES.get(origin.split(":", 1)[0], origin or "an import")


def check_host_kind(*, team: Team, inventory: HostInventory, source: str) -> None:
    """An upload never replaces a host: a host's current snapshot changes only through a re-import
    of the same kind (bundle, zonecfg, spec, catalog); HostKindConflict names the file, the host and
    its kind otherwise."""
    host = (
        Host.objects.filter(team=team, hostname=inventory.hostname).select_related("current_snapshot").first()
    )
    if host is None or host.current_snapshot_id is None:
        return
    new_kind = _origin_of(inventory)
    if host.origin == new_kind:
        return
    snapshot = host.current_snapshot
    came = (
        f", import #{snapshot.number} from {snapshot.upload_name}"
        if snapshot and snapshot.upload_name
        else ""
    )
    raise HostKindConflict(
        f"{source}: a host named {host.hostname} already exists, imported from {kind_name(host.origin)}"
        f"{came}. An upload of {kind_name(new_kind)} never replaces a host of another kind: give this "
        f"one another hostname, or delete {host.hostname} first.",
        host=host,
    )


class SettingsError(PlannerError):
    """Plan settings the planner refuses: ``problems`` maps each setting to what is wrong with it."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.problems.items()))


def _origin_of(inventory: HostInventory) -> str:
    return inventory.origin.split(":", 1)[0] if inventory.origin else Host.Origin.BUNDLE


def checked_inventory(inventory: HostInventory, *, source: str) -> HostInventory:
    """The boundary once more, for every import path: a hostname by RFC 1123 and every other name
    by its Solaris grammar, and the inventory within the size caps; PlannerError names ``source``.

    The readers already refuse bad values with the file and line; this catches whatever reached
    the service another way (a catalog entry, a hand-built inventory, a stored one)."""
    try:
        check_hostname(inventory.hostname, source=source)
        return check_inventory(inventory, source=source)
    except SolarisParseError as exc:
        raise PlannerError(str(exc)) from exc


def host_import(
    *, team: Team, loaded: LoadedInventory, user: User | None = None, replan: bool = True
) -> InventorySnapshot:
    """Store a new inventory snapshot for the host it describes, then re-plan the plans using it.

    Re-importing an unchanged inventory returns the current snapshot instead of adding a copy.
    The snapshot is stored in one short transaction; the plans are re-planned after it commits,
    each computed outside any transaction (see :func:`plan_recompute`).
    """
    inventory = checked_inventory(loaded.inventory, source=loaded.upload_name or "the upload")
    check_host_kind(team=team, inventory=inventory, source=loaded.upload_name or "the upload")
    snapshot, new = _store_snapshot(team=team, loaded=loaded, inventory=inventory, user=user)
    if replan and new:
        host = snapshot.host
        for plan in Plan.objects.filter(Q(source=host) | Q(destination=host)):
            try:
                plan_recompute(plan=plan)
            except PlannerError as exc:  # the other host's stored inventory is refused: keep the import
                log.warning("plan %s was not re-planned after importing %s: %s", plan.pk, host, exc)
    return snapshot


@dataclass(frozen=True)
class Imported:
    """One import of a batch: its snapshot (``new`` is False for an unchanged re-import, which keeps
    the current snapshot) and the checked inventory it holds, for planning without reading it back."""

    snapshot: InventorySnapshot
    inventory: HostInventory
    new: bool


# Bundles stored per transaction by hosts_import_many.
IMPORT_BATCH = 100


def hosts_import_many(
    *, team: Team, loaded: Iterable[LoadedInventory], user: User | None = None, batch: int = IMPORT_BATCH
) -> Iterator[Imported]:
    """Store many imports, ``batch`` bundles per short transaction, with one INSERT per table per
    batch (``host_import`` costs about 14 statements and a commit per bundle).

    Same rules as :func:`host_import`: every inventory passes the boundary, an upload never
    replaces a host of another kind (HostKindConflict, raised before its batch writes anything;
    the earlier batches stay), and an unchanged re-import keeps the current snapshot.  A hostname
    that comes twice goes to the next batch, so the second import numbers after the first.
    ``loaded`` is consumed lazily: pass a generator to keep one batch of bundles in memory.  The
    plans that use a re-imported host are re-planned after its batch commits."""
    pending: list[tuple[LoadedInventory, HostInventory]] = []
    names: set[str] = set()
    for item in loaded:
        source = item.upload_name or "the upload"
        inventory = checked_inventory(item.inventory, source=source)
        if len(pending) >= batch or inventory.hostname in names:
            yield from _import_batch(team, pending, user)
            pending, names = [], set()
        pending.append((item, inventory))
        names.add(inventory.hostname)
    if pending:
        yield from _import_batch(team, pending, user)


def _import_batch(
    team: Team, items: list[tuple[LoadedInventory, HostInventory]], user: User | None
) -> list[Imported]:
    try:
        results = _store_batch(team, items, user)
    except IntegrityError:  # another import created one of these hostnames meanwhile: one by one
        results = [
            Imported(snapshot=snapshot, inventory=inventory, new=new)
            for loaded, inventory in items
            for snapshot, new in [_store_one(team, loaded, inventory, user)]
        ]
    replanned = {r.snapshot.host_id for r in results if r.new}
    for plan in Plan.objects.filter(Q(source_id__in=replanned) | Q(destination_id__in=replanned)):
        try:
            plan_recompute(plan=plan)
        except PlannerError as exc:
            log.warning("plan %s was not re-planned after a batch import: %s", plan.pk, exc)
    return results


def _store_one(
    team: Team, loaded: LoadedInventory, inventory: HostInventory, user: User | None
) -> tuple[InventorySnapshot, bool]:
    check_host_kind(team=team, inventory=inventory, source=loaded.upload_name or "the upload")
    return _store_snapshot(team=team, loaded=loaded, inventory=inventory, user=user)


@transaction.atomic
def _store_batch(
    team: Team, items: list[tuple[LoadedInventory, HostInventory]], user: User | None
) -> list[Imported]:
    names = [inventory.hostname for _, inventory in items]
    hosts = {
        h.hostname: h
        for h in Host.objects.select_for_update(of=("self",))
        .filter(team=team, hostname__in=names)
        .select_related("current_snapshot")
    }
    for loaded, inventory in items:  # refuse before writing anything of this batch
        host = hosts.get(inventory.hostname)
        if host is not None and host.current_snapshot_id is not None and host.origin != _origin_of(inventory):
            check_host_kind(team=team, inventory=inventory, source=loaded.upload_name or "the upload")
    created = _create_all(
        Host,
        [
            Host(team=team, hostname=n, origin=_origin_of(i))
            for n, (_, i) in zip(names, items, strict=True)
            if n not in hosts
        ],
    )
    numbers = dict(
        InventorySnapshot.objects.filter(host__in=[h.pk for h in hosts.values()])
        .values("host")
        .annotate(n=Max("number"))
        .values_list("host", "n")
    )
    hosts.update((h.hostname, h) for h in created)
    results: list[Imported | None] = []
    fresh: list[tuple[InventorySnapshot, HostInventory]] = []
    for loaded, inventory in items:
        host = hosts[inventory.hostname]
        digest = loaded.digest if loaded.files else ""
        current = host.current_snapshot if host.current_snapshot_id else None
        if current is not None and digest and current.digest == digest:
            results.append(Imported(snapshot=current, inventory=inventory, new=False))
            continue
        snapshot = _new_snapshot(host, numbers.get(host.pk, 0) + 1, loaded, inventory, digest, user)
        fresh.append((snapshot, inventory))
        results.append(None)
    _create_all(InventorySnapshot, [snapshot for snapshot, _ in fresh])
    _store_rows_many(fresh)
    now = timezone.now()
    changed = []
    for snapshot, inventory in fresh:
        host = snapshot.host
        _point_host(host, snapshot, inventory)
        host.updated = now
        changed.append(host)
    Host.objects.bulk_update(
        changed, ["current_snapshot", "origin", "model", "platform", "updated"], batch_size=BULK_ROWS
    )
    stored = iter(fresh)
    return [
        r if r is not None else Imported(snapshot=(pair := next(stored))[0], inventory=pair[1], new=True)
        for r in results
    ]


@transaction.atomic
def _store_snapshot(
    *, team: Team, loaded: LoadedInventory, inventory: HostInventory, user: User | None
) -> tuple[InventorySnapshot, bool]:
    host, created = Host.objects.select_for_update().get_or_create(
        team=team, hostname=inventory.hostname, defaults={"origin": _origin_of(inventory)}
    )
    digest = loaded.digest if loaded.files else ""
    current = host.current_snapshot
    if current is not None and digest and current.digest == digest:
        return current, False
    number = 1 if created else (host.snapshots.aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = _new_snapshot(host, number, loaded, inventory, digest, user)
    snapshot.save(force_insert=True)
    _store_rows(snapshot, inventory)
    _point_host(host, snapshot, inventory)
    host.save()
    return snapshot, True


def _new_snapshot(
    host: Host, number: int, loaded: LoadedInventory, inventory: HostInventory, digest: str, user: User | None
) -> InventorySnapshot:
    return InventorySnapshot(
        host=host,
        number=number,
        origin=inventory.origin,
        upload_name=loaded.upload_name[:255],
        raw_files=loaded.files,
        inventory=inventory.to_dict(),
        issues=[record_dict(i) for i in inventory.issues],
        digest=digest,
        created_by=user,
    )


def _point_host(host: Host, snapshot: InventorySnapshot, inventory: HostInventory) -> None:
    """The host's current snapshot and the facts its lists show, from ``snapshot``."""
    host.current_snapshot = snapshot
    host.origin = _origin_of(inventory)
    host.model = (inventory.prtdiag.model or inventory.uname.platform)[:120]
    host.platform = inventory.uname.platform[:120]


def _create_all(model: type[_Row], rows: list[_Row]) -> list[_Row]:
    """Insert ``rows`` and set their primary keys: one INSERT where the database returns ids."""
    if connections[router.db_for_write(model)].features.can_return_rows_from_bulk_insert:
        return list(model._default_manager.bulk_create(rows, batch_size=BULK_ROWS))
    for row in rows:
        row.save(force_insert=True)
    return rows


def _store_rows(snapshot: InventorySnapshot, inventory: HostInventory) -> None:
    _store_rows_many([(snapshot, inventory)])


def _store_rows_many(items: Sequence[tuple[InventorySnapshot, HostInventory]]) -> None:
    """The queryable rows of every snapshot in ``items``: one INSERT (a COPY on PostgreSQL) per
    table for all of them."""
    disks: list[Disk] = []
    disk_vtocs: list[Any] = []
    zones: list[Zone] = []
    zone_configs: list[ZoneConfig | None] = []
    for snapshot, inventory in items:
        vtocs = {v.disk: v for v in inventory.vtocs}
        for disk in inventory.disks:
            disks.append(
                Disk(
                    snapshot=snapshot,
                    name=disk.name,
                    size_bytes=disk.size_bytes,
                    vendor=disk.vendor[:64],
                    product=disk.product[:64],
                )
            )
            disk_vtocs.append(vtocs.get(disk.name))
        for zone in inventory.zones:
            cfg = zone.config
            zones.append(
                Zone(
                    snapshot=snapshot,
                    name=zone.name,
                    state=zone.state,
                    zonepath=(cfg.zonepath if cfg else (zone.listed.zonepath if zone.listed else ""))[:1024],
                    brand=cfg.brand if cfg else "",
                    ip_type=cfg.ip_type if cfg else "",
                    autoboot=cfg.autoboot if cfg else False,
                    create_mode=cfg.create_mode if cfg else "",
                    config_text=write_zonecfg_export(cfg) if cfg else "",
                )
            )
            zone_configs.append(cfg)
    insert_rows(
        Nic,
        ("snapshot_id", "name", "driver", "link_state", "speed_mbps"),
        (
            (snapshot.pk, n.name, n.driver, n.link_state, n.speed_mbps)
            for snapshot, inventory in items
            for n in inventory.nics
        ),
    )
    insert_rows(
        Device,
        ("snapshot_id", "path"),
        ((snapshot.pk, p[:255]) for snapshot, inventory in items for p in inventory.devices),
    )
    insert_rows(
        Metadevice,
        ("snapshot_id", "name", "kind", "components"),
        (
            (snapshot.pk, m.name, m.kind, list(m.components))
            for snapshot, inventory in items
            for m in inventory.metadevices
        ),
    )
    disk_rows = _create_all(Disk, disks)
    insert_rows(
        Slice,
        ("disk_id", "index", "tag", "first_sector", "sector_count", "mount_point"),
        (
            (disk_row.pk, s.index, s.tag, s.first_sector, s.sector_count, s.mount_point[:255])
            for disk_row, vtoc in zip(disk_rows, disk_vtocs, strict=True)
            if vtoc is not None
            for s in vtoc.slices
        ),
    )
    zone_rows = _create_all(Zone, zones)
    insert_rows(
        ZoneResource,
        ("zone_id", "kind", "position", "properties"),
        (
            (zone_row.pk, kind, i, props)
            for zone_row, cfg in zip(zone_rows, zone_configs, strict=True)
            if cfg is not None
            for i, (kind, props) in enumerate(_zone_resources(cfg))
        ),
    )


def _zone_resources(cfg: ZoneConfig) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = [("inherit-pkg-dir", {"dir": d}) for d in cfg.inherit_pkg_dirs]
    out += [("fs", record_dict(f)) for f in cfg.fs]
    out += [("net", record_dict(n)) for n in cfg.nets]
    out += [("device", record_dict(d)) for d in cfg.devices]
    out += [("rctl", record_dict(r)) for r in cfg.rctls]
    out += [("attr", record_dict(a)) for a in cfg.attrs]
    out += [("dataset", {"name": d}) for d in cfg.datasets]
    for kind, value in (
        ("dedicated-cpu", cfg.dedicated_cpu),
        ("capped-cpu", cfg.capped_cpu),
        ("capped-memory", cfg.capped_memory),
    ):
        if value is not None:
            out.append((kind, record_dict(value)))
    return out


def inventory_of(snapshot: InventorySnapshot) -> HostInventory:
    return HostInventory.from_dict(snapshot.inventory)


def plan_create(
    *,
    team: Team,
    source: Host,
    destination: Host,
    name: str = "",
    user: User | None = None,
    options: dict[str, Any] | None = None,
) -> Plan:
    plan = _new_plan(team, source, destination, user, name)
    plan.options = options or {}
    # A new plan has no overrides and no mappings yet: compute first, outside any transaction (so
    # nothing holds the database's write lock while the planner works), then insert it with its
    # report and mappings in one short transaction.
    _apply_report(plan, plan_compute_result(plan, Overrides()).to_report_dict())
    with transaction.atomic():
        plan.save(force_insert=True)
        _store_mappings(plan, plan.report, fresh=True)
    return plan


# Plans stored per transaction by plans_create_many.
PLAN_BATCH = 50


def plans_create_many(
    *,
    team: Team,
    pairs: Iterable[tuple[Host, Host]],
    user: User | None = None,
    inventories: Mapping[int, HostInventory] | None = None,
    batch: int = PLAN_BATCH,
) -> Iterator[Plan]:
    """Create a new plan for each (source, destination) pair, as :func:`plan_create` does, ``batch``
    plans per short transaction with one INSERT per table; yields each plan once stored.

    ``inventories`` maps snapshot ids to inventories already through the boundary (those
    :func:`hosts_import_many` returned), so they are not read back and checked again; the others
    are read in one query per batch.  The team's defaults are read once.  Every plan is computed
    before its batch's transaction starts.  Pass a generator and consume the plans as they come
    to keep one batch in memory."""
    known = inventories or {}
    defaults = team_defaults(team.pk)
    options = effective_options(defaults, {})
    pending: list[Plan] = []
    for source, destination in pairs:
        pending.append(_new_plan(team, source, destination, user))
        if len(pending) >= batch:
            yield from _plan_batch(pending, known, options)
            pending = []
    if pending:
        yield from _plan_batch(pending, known, options)


def _new_plan(team: Team, source: Host, destination: Host, user: User | None, name: str = "") -> Plan:
    if source.team_id != team.pk or destination.team_id != team.pk:
        raise PlannerError("both hosts must belong to the plan's team")
    if source.pk == destination.pk:
        raise PlannerError("the source and the destination must be different hosts")
    if source.current_snapshot_id is None or destination.current_snapshot_id is None:
        raise PlannerError("both hosts need an imported inventory first")
    return Plan(
        team=team,
        name=name or f"{source.hostname} → {destination.hostname}",
        source=source,
        destination=destination,
        source_snapshot_id=source.current_snapshot_id,
        destination_snapshot_id=destination.current_snapshot_id,
        options={},
        created_by=user,
    )


def _plan_batch(plans: list[Plan], known: Mapping[int, HostInventory], options: PlanOptions) -> list[Plan]:
    wanted = {p.source_snapshot_id for p in plans} | {p.destination_snapshot_id for p in plans}
    missing = [pk for pk in wanted if pk not in known]
    stored = dict(InventorySnapshot.objects.filter(pk__in=missing).values_list("pk", "inventory"))
    cache: dict[int, HostInventory] = {}

    def inventory(pk: int | None, host: Host) -> HostInventory:
        assert pk is not None
        if pk in known:
            return known[pk]
        if pk not in cache:
            cache[pk] = _stored_inventory(stored[pk], f"{host.hostname} (snapshot {pk})")
        return cache[pk]

    try:
        check_options(options, hostname=plans[0].source.hostname)
    except SolarisParseError as exc:
        raise PlannerError(f"the team's default settings cannot be used: {exc}") from exc
    for plan in plans:
        result = compute_plan(
            inventory(plan.source_snapshot_id, plan.source),
            inventory(plan.destination_snapshot_id, plan.destination),
            options,
            Overrides(),
            inventories_checked=True,  # at their import, or by _stored_inventory
        )
        _apply_report(plan, result.to_report_dict())
    with transaction.atomic():
        _create_all(Plan, plans)
        _store_mappings_many([(plan, plan.report) for plan in plans])
    return plans


def team_defaults(team_id: int) -> dict[str, Any]:
    """The team's default plan settings (only those it set; {} before the first save)."""
    values = TeamSettings.objects.filter(team_id=team_id).values_list("values", flat=True).first()
    return dict(values) if isinstance(values, dict) else {}


def plan_options(plan: Plan) -> PlanOptions:
    """The plan's options: its own settings over its team's defaults over the planner's (live)."""
    own = plan.options if isinstance(plan.options, dict) else {}
    return effective_options(team_defaults(plan.team_id), own)


def plan_overrides(plan: Plan) -> Overrides:
    return Overrides(
        nics=[
            DomainNicOverride(
                zone=o.zone, physical=o.physical, address=o.address, action=o.action, target=o.target
            )
            for o in plan.nic_overrides.all()
        ],
        devices=[
            DomainDeviceOverride(zone=o.zone, match=o.match, action=o.action, replacement=o.replacement)
            for o in plan.device_overrides.all()
        ],
        disks=[DomainDiskOverride(key=o.key, disk=o.disk) for o in plan.disk_overrides.all()],
        routes=[DomainRouteOverride(zone=o.zone, method=o.method) for o in plan.route_overrides.all()],
        sizes=[DomainSizeOverride(key=o.key, size_mb=o.size_mb) for o in plan.size_overrides.all()],
        default_nic_target=plan.default_nic_target,
    )


def plan_compute_result(plan: Plan, overrides: Overrides | None = None) -> PlanResult:
    """Compute the plan from its hosts' current inventories (read-only).

    ``overrides`` defaults to the plan's stored ones.
    """
    source_id = plan.source.current_snapshot_id or plan.source_snapshot_id
    destination_id = plan.destination.current_snapshot_id or plan.destination_snapshot_id
    # Only the parsed inventories: a snapshot row also holds the bundle's raw files.
    inventories = dict(
        InventorySnapshot.objects.filter(pk__in=[source_id, destination_id]).values_list("pk", "inventory")
    )
    source = _stored_inventory(inventories[source_id], f"{plan.source.hostname} (snapshot {source_id})")
    destination = _stored_inventory(
        inventories[destination_id], f"{plan.destination.hostname} (snapshot {destination_id})"
    )
    options = plan_options(plan)
    try:
        check_options(options, hostname=source.hostname)
    except SolarisParseError as exc:  # e.g. a team default changed under the plan's own values
        raise PlannerError(
            f"the plan's settings cannot be used: {exc}; fix them on its Settings tab"
        ) from exc
    return compute_plan(
        source,
        destination,
        options,
        plan_overrides(plan) if overrides is None else overrides,
        inventories_checked=True,  # _stored_inventory checked both
    )


def _stored_inventory(data: dict[str, Any], source: str) -> HostInventory:
    """A stored inventory, through the boundary and the size caps before the planner sees it.

    Snapshots imported before the caps existed may be larger: they are refused with a message
    (a 400 on the pages and the API), rather than holding a request for minutes."""
    try:
        return check_inventory(HostInventory.from_dict(data), source=source)
    except SolarisParseError as exc:
        raise PlannerError(f"cannot plan with this inventory: {exc}") from exc


# How often a recompute starts again when its inputs changed while it computed.
RECOMPUTE_ATTEMPTS = 3


def plan_recompute(*, plan: Plan) -> Plan:
    """Re-plan from the hosts' current snapshots and the user's overrides, and record both.

    The plan is computed outside any transaction: on SQLite a transaction holds the database's
    write lock from its start (``transaction_mode=IMMEDIATE``), and a large plan takes a while, so
    other users' logins and edits would wait or fail with "database is locked".  The result is
    stored in one short transaction, after checking that the inputs it was computed from (the
    hosts' snapshots, the overrides, the options) are still the current ones; when they changed
    meanwhile, it is computed again.
    """
    for attempt in range(1, RECOMPUTE_ATTEMPTS + 1):
        current = Plan.objects.select_related("source", "destination").get(pk=plan.pk)
        inputs = _plan_inputs(current)
        report = plan_compute_result(current).to_report_dict()
        with transaction.atomic():
            locked = Plan.objects.select_for_update().select_related("source", "destination").get(pk=plan.pk)
            if _plan_inputs(locked) != inputs and attempt < RECOMPUTE_ATTEMPTS:
                continue
            if locked.source.current_snapshot_id:
                locked.source_snapshot_id = locked.source.current_snapshot_id
            if locked.destination.current_snapshot_id:
                locked.destination_snapshot_id = locked.destination.current_snapshot_id
            _apply_report(locked, report)
            locked.save()
            _store_mappings(locked, locked.report)
            return locked
    raise AssertionError("unreachable: the last attempt always stores")  # pragma: no cover


def _plan_inputs(plan: Plan) -> tuple[Any, ...]:
    """What a plan's report is computed from; a recompute stores its result only if these held still."""
    return (
        plan.source.current_snapshot_id or plan.source_snapshot_id,
        plan.destination.current_snapshot_id or plan.destination_snapshot_id,
        json.dumps(plan.options, sort_keys=True, default=str),
        json.dumps(team_defaults(plan.team_id), sort_keys=True, default=str),
        plan.default_nic_target,
        sorted(plan.nic_overrides.values_list("zone", "physical", "address", "action", "target")),
        sorted(plan.device_overrides.values_list("zone", "match", "action", "replacement")),
        sorted(plan.disk_overrides.values_list("key", "disk")),
        sorted(plan.route_overrides.values_list("zone", "method")),
        sorted(plan.size_overrides.values_list("key", "size_mb")),
    )


def _apply_report(plan: Plan, report: dict[str, Any]) -> None:
    summary = report["summary"]
    plan.report = report
    plan.verdict = report["verdict"]
    plan.zones_total = summary["zones"]
    plan.zones_ready = summary["ready"]
    plan.zones_with_steps = summary["ready_with_steps"]
    plan.zones_blocked = summary["blocked"]
    plan.computed = timezone.now()


def _store_mappings(plan: Plan, report: dict[str, Any], *, fresh: bool = False) -> None:
    """The plan's mapping and layout rows: derived from its report here and nowhere else.

    The report (``Plan.report``) is the one source; these rows are its queryable copy (the admin
    lists them, the override services check a key against them), rewritten with every report.
    """
    if not fresh:
        plan.nic_mappings.all().delete()
        plan.device_mappings.all().delete()
        plan.layout_slices.all().delete()
    _store_mappings_many([(plan, report)])


def _store_mappings_many(items: Sequence[tuple[Plan, dict[str, Any]]]) -> None:
    """The mapping and layout rows of plans: one INSERT (a COPY on PostgreSQL) per table for all."""
    insert_rows(
        NicMapping,
        (
            "plan_id",
            "zone",
            "physical",
            "address",
            "ip_type",
            "proposed_target",
            "target",
            "action",
            "origin",
            "status",
            "reason",
        ),
        (
            # target: the effective port, the user's override when there is one
            (
                plan.pk,
                m.zone,
                m.physical,
                m.address,
                m.ip_type,
                m.proposed_target,
                m.target,
                m.action,
                m.origin,
                m.status,
                m.reason,
            )
            for plan, report in items
            for m in map(NicMappingRow.from_dict, report.get("nic_mappings") or ())
        ),
    )
    insert_rows(
        DeviceMapping,
        ("plan_id", "zone", "match", "action", "replacement", "origin", "needs_manual_check", "reason"),
        (
            (plan.pk, m.zone, m.match, m.action, m.replacement, m.origin, m.needs_manual_check, m.reason)
            for plan, report in items
            for m in map(DeviceMappingRow.from_dict, report.get("device_mappings") or ())
        ),
    )
    insert_rows(
        LayoutSlice,
        ("plan_id", "key", "disk", "index", "mount_point", "size_mb", "shortfall_mb"),
        (
            (plan.pk, row.key, row.disk, row.index, row.mount_point, row.size_mb, row.shortfall_mb)
            for plan, report in items
            for row in Layout.from_dict(report.get("layout") or {}).rows()
        ),
    )


def nic_override_set(
    *,
    plan: Plan,
    zone: str,
    physical: str,
    address: str = "",
    action: str,
    target: str = "",
    user: User | None = None,
) -> Plan:
    if action not in NicOverride.Action.values:
        raise PlannerError(f"unknown action {action!r}; choose map or drop")
    if action == NicOverride.Action.MAP and not target:
        raise PlannerError("choose a destination port, or drop the net")
    if not plan.nic_mappings.filter(zone=zone, physical=physical, address=address).exists():
        raise PlannerError(f"zone {zone} has no net {physical} {address}".strip())
    NicOverride.objects.update_or_create(
        plan=plan,
        zone=zone,
        physical=physical,
        address=address,
        defaults={"action": action, "target": target if action == "map" else "", "updated_by": user},
    )
    return plan_recompute(plan=plan)


def nic_override_clear(*, plan: Plan, zone: str, physical: str, address: str = "") -> Plan:
    plan.nic_overrides.filter(zone=zone, physical=physical, address=address).delete()
    return plan_recompute(plan=plan)


def plan_default_nic_target_set(*, plan: Plan, target: str) -> Plan:
    plan.default_nic_target = target
    plan.save(update_fields=["default_nic_target"])
    return plan_recompute(plan=plan)


def device_override_set(*, plan: Plan, zone: str, match: str, action: str, replacement: str = "") -> Plan:
    if action not in DeviceOverride.Action.values:
        raise PlannerError(f"unknown action {action!r}; choose keep, replace or remove")
    if action == DeviceOverride.Action.REPLACE and not replacement:
        raise PlannerError("give the replacement device path")
    if not plan.device_mappings.filter(zone=zone, match=match).exists():
        raise PlannerError(f"zone {zone} has no device {match}")
    DeviceOverride.objects.update_or_create(
        plan=plan,
        zone=zone,
        match=match,
        defaults={"action": action, "replacement": replacement if action == "replace" else ""},
    )
    return plan_recompute(plan=plan)


def device_override_clear(*, plan: Plan, zone: str, match: str) -> Plan:
    plan.device_overrides.filter(zone=zone, match=match).delete()
    return plan_recompute(plan=plan)


def disk_override_set(*, plan: Plan, key: str, disk: str) -> Plan:
    if not disk:
        plan.disk_overrides.filter(key=key).delete()
    else:
        DiskOverride.objects.update_or_create(plan=plan, key=key, defaults={"disk": disk})
    return plan_recompute(plan=plan)


def route_override_set(*, plan: Plan, zone: str, method: str, user: User | None = None) -> Plan:
    """Pin a zone to a route (issue #14): it must be one of the routes the plan lists for the zone."""
    if method not in RouteOverride.Method.values:
        raise PlannerError(f"unknown route {method[:40]!r}; choose {', '.join(RouteOverride.Method.values)}")
    report = Report.from_dict(plan.report)
    entry = report.zone(zone)
    if entry is None:
        raise PlannerError(f"the plan has no zone {zone[:64]!r}")
    if method not in report.methods:
        raise PlannerError(
            f"{plan.destination.hostname} does not take the {method} route "
            f"(its routes: {', '.join(report.methods)})"
        )
    RouteOverride.objects.update_or_create(
        plan=plan, zone=zone, defaults={"method": method, "updated_by": user}
    )
    return plan_recompute(plan=plan)


def route_override_clear(*, plan: Plan, zone: str) -> Plan:
    """Forget a zone's pin: it takes the recommended route again."""
    plan.route_overrides.filter(zone=zone).delete()
    return plan_recompute(plan=plan)


def size_keys(plan: Plan) -> set[str]:
    """The keys a size may be given for: the layout's file systems and ``zoneroot:<zone>`` per zone."""
    report = Report.from_dict(plan.report)
    return {*report.layout.planned_keys, *(f"{ZONE_ROOT_PREFIX}{z}" for z in report.zone_names)}


def size_override_set(*, plan: Plan, key: str, size_mb: int | None) -> Plan:
    """Give one file system (or one zone) of the layout a size, or forget it (``size_mb`` None)."""
    if size_mb is None:
        plan.size_overrides.filter(key=key).delete()
        return plan_recompute(plan=plan)
    if key not in size_keys(plan) and not plan.size_overrides.filter(key=key).exists():
        raise PlannerError(f"the plan's layout has no file system or zone {key!r}")
    if isinstance(size_mb, bool) or not 1 <= int(size_mb) <= SIZE_OVERRIDE_MAX_MB:
        raise PlannerError(f"a size from 1 to {SIZE_OVERRIDE_MAX_MB} MB is needed")
    SizeOverride.objects.update_or_create(plan=plan, key=key, defaults={"size_mb": int(size_mb)})
    return plan_recompute(plan=plan)


# --- deleting hosts and plans (issue #13 item 9) ----------------------------------------------------
# The data policy (docs/api.md, "Deleting"): a plan is deleted with its overrides and computed rows,
# never while one of its jobs is queued or running; its jobs stay as records (the jobs app keeps the
# plan's name on them, see planner.extensions.PlanDeleteHook).  A host is deleted with its import
# history only when no plan uses it: delete its plans first.


def plan_delete_problem(plan: Plan) -> str:
    """Why the plan cannot be deleted now ("" when it can)."""
    for hook in extensions.plan_delete_hooks():
        problem = hook.refuse(plan)
        if problem:
            return problem
    return ""


def plan_delete(*, plan: Plan) -> None:
    """Delete a plan (PlannerError when another app refuses, e.g. a job of it is running)."""
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        problem = plan_delete_problem(locked)
        if problem:
            raise PlannerError(f"plan “{locked.name}” cannot be deleted: {problem}")
        for hook in extensions.plan_delete_hooks():
            hook.before(locked)
        locked.delete()


def host_delete_problem(host: Host) -> str:
    """Why the host cannot be deleted now ("" when it can): the plans that use it."""
    plans = list(
        Plan.objects.filter(Q(source=host) | Q(destination=host))
        .order_by("name")
        .values_list("name", flat=True)
    )
    if not plans:
        return ""
    shown = ", ".join(f"“{name}”" for name in plans[:5]) + (
        f" and {len(plans) - 5} more" if len(plans) > 5 else ""
    )
    if len(plans) == 1:
        return f"1 plan uses it ({shown}); delete it first"
    return f"{len(plans)} plans use it ({shown}); delete them first"


def host_delete(*, host: Host) -> None:
    """Delete a host and its import history (PlannerError while a plan uses it)."""
    with transaction.atomic():
        locked = Host.objects.select_for_update().get(pk=host.pk)
        problem = host_delete_problem(locked)
        if problem:
            raise PlannerError(f"host {locked.hostname} cannot be deleted: {problem}")
        Host.objects.filter(pk=locked.pk).update(current_snapshot=None)
        locked.delete()


# --- settings: a plan's own and its team's defaults ----------------------------------------------


def _with_changes(
    current: Mapping[str, Any], changes: Mapping[str, Any], allowed: tuple[str, ...]
) -> dict[str, Any]:
    """``current`` with each change applied: a value sets the setting, None clears it (inherit)."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise SettingsError({name: "not a setting that can be set here" for name in unknown})
    values = dict(current) if isinstance(current, Mapping) else {}
    for name, value in changes.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    return values


def plan_settings_update(*, plan: Plan, changes: Mapping[str, Any]) -> Plan:
    """Set (a value) or clear (None: back to the team's default) some of the plan's settings, then re-plan.

    The plan's options with the changes, over its team's defaults, must pass the domain's checks
    (:func:`planner.domain.options.settings_problems`); SettingsError names each setting that does not.
    """
    if not changes:
        return plan
    with transaction.atomic():
        locked = Plan.objects.select_for_update().select_related("source").get(pk=plan.pk)
        own = _with_changes(locked.options, changes, SETTING_NAMES)
        problems = settings_problems(
            effective_options(team_defaults(locked.team_id), own), hostname=locked.source.hostname
        )
        if problems:
            raise SettingsError(problems)
        locked.options = own
        locked.save(update_fields=["options", "updated"])
    return plan_recompute(plan=locked)


@dataclass
class TeamSettingsSaved:
    """What saving a team's defaults did: the row, and the plans re-planned (or refused) with them."""

    settings: TeamSettings
    changed: list[str]
    replanned: list[Plan] = field(default_factory=list)
    failed: list[tuple[Plan, str]] = field(default_factory=list)


def team_settings_update(
    *, team: Team, changes: Mapping[str, Any], user: User | None = None
) -> TeamSettingsSaved:
    """Set or clear (None) some of the team's default settings, then re-plan the plans that inherit them.

    A plan that sets every changed setting itself is left alone.  A plan whose own settings no
    longer go with the new defaults is not re-planned; it is listed in ``failed`` with the reason.
    """
    with transaction.atomic():
        row, _ = TeamSettings.objects.select_for_update().get_or_create(team=team)
        before = dict(row.values) if isinstance(row.values, dict) else {}
        values = _with_changes(before, changes, TEAM_SETTING_NAMES)
        problems = settings_problems(effective_options(values, {}))
        if problems:
            raise SettingsError(problems)
        missing = object()
        changed = sorted(
            n for n in set(before) | set(values) if before.get(n, missing) != values.get(n, missing)
        )
        if changed:
            row.values = values
            row.updated_by = user
            row.save()
    saved = TeamSettingsSaved(settings=row, changed=changed)
    if not changed:
        return saved
    plans = Plan.objects.filter(team=team).defer("report").order_by("pk")
    for plan in plans:
        own = plan.options if isinstance(plan.options, dict) else {}
        if set(changed) <= set(own):
            continue
        try:
            saved.replanned.append(plan_recompute(plan=plan))
        except PlannerError as exc:
            saved.failed.append((plan, str(exc)))
    return saved
