"""The batch services (issue #15): hosts_import_many and plans_create_many store what host_import
and plan_create store, row for row, in far fewer statements; load_paths reads bundles in order,
in worker processes, and reports a bad one without stopping."""

from __future__ import annotations

from typing import Any

import pytest

from planner import fleet, services
from planner.inputs import LoadedInventory, load_files, load_paths
from planner.models import (
    Device,
    DeviceMapping,
    Disk,
    Host,
    InventorySnapshot,
    LayoutSlice,
    Metadevice,
    Nic,
    NicMapping,
    Plan,
    Slice,
    Zone,
    ZoneResource,
)
from tests.support.bundles import bundle_files

pytestmark = pytest.mark.django_db


def _fleet(n: int, seed: int = 3) -> list[tuple[LoadedInventory, LoadedInventory]]:
    """n source/destination pairs of the benchmark fleet (10 zones each, every seed row, SVM)."""
    sources = fleet.fleet(n, 10, seed, seed_rows_per_host=True)
    destinations = fleet.fleet_destinations(n, seed)
    return [
        (
            load_files(fleet.render_bundle(s), upload_name=fleet.bundle_name(s)),
            load_files(fleet.render_bundle(d), upload_name=fleet.bundle_name(d)),
        )
        for s, d in zip(sources, destinations, strict=True)
    ]


def _rows(snapshot: InventorySnapshot) -> dict[str, Any]:
    """Everything stored of a snapshot, without ids."""
    return {
        "snapshot": (snapshot.number, snapshot.origin, snapshot.upload_name, snapshot.digest),
        "documents": (snapshot.inventory, snapshot.raw_files, snapshot.issues),
        "disks": sorted(
            Disk.objects.filter(snapshot=snapshot).values_list("name", "size_bytes", "vendor", "product")
        ),
        "slices": sorted(
            Slice.objects.filter(disk__snapshot=snapshot).values_list(
                "disk__name", "index", "tag", "first_sector", "sector_count", "mount_point"
            )
        ),
        "nics": sorted(
            Nic.objects.filter(snapshot=snapshot).values_list("name", "driver", "link_state", "speed_mbps")
        ),
        "devices": sorted(Device.objects.filter(snapshot=snapshot).values_list("path", flat=True)),
        "metadevices": sorted(
            (name, kind, tuple(c))
            for name, kind, c in Metadevice.objects.filter(snapshot=snapshot).values_list(
                "name", "kind", "components"
            )
        ),
        "zones": sorted(
            Zone.objects.filter(snapshot=snapshot).values_list(
                "name", "state", "zonepath", "brand", "ip_type", "autoboot", "create_mode", "config_text"
            )
        ),
        "resources": sorted(
            (zone, kind, position, repr(sorted(props.items())))
            for zone, kind, position, props in ZoneResource.objects.filter(
                zone__snapshot=snapshot
            ).values_list("zone__name", "kind", "position", "properties")
        ),
    }


def _host_state(host: Host) -> tuple[Any, ...]:
    host.refresh_from_db()
    return (host.hostname, host.origin, host.model, host.platform)


def _plan_rows(plan: Plan) -> dict[str, Any]:
    plan.refresh_from_db()
    return {
        "plan": (
            plan.name,
            plan.verdict,
            plan.zones_total,
            plan.zones_ready,
            plan.zones_with_steps,
            plan.zones_blocked,
        ),
        "report": plan.report,
        "nics": sorted(
            NicMapping.objects.filter(plan=plan).values_list(
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
            )
        ),
        "devices": sorted(
            DeviceMapping.objects.filter(plan=plan).values_list(
                "zone", "match", "action", "replacement", "origin", "needs_manual_check", "reason"
            )
        ),
        "layout": sorted(
            LayoutSlice.objects.filter(plan=plan).values_list(
                "key", "disk", "index", "mount_point", "size_mb", "shortfall_mb"
            ),
            key=repr,
        ),
    }


def _without_times(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k not in ("computed",)}


def test_batch_import_and_plans_store_what_one_by_one_stores(
    team, other_team, django_assert_max_num_queries
) -> None:
    pairs = _fleet(3)
    pairs[0][0].inventory.devices = ["/dev/rmt/0", "/dev/rmt/0n"]  # tape drives iostat -En listed
    assert all(source.inventory.metadevices for source, _ in pairs)
    # One by one, in the other team (the same hostnames: teams never share hosts).
    single = []
    for source, destination in pairs:
        s = services.host_import(team=other_team, loaded=source, replan=False)
        d = services.host_import(team=other_team, loaded=destination, replan=False)
        s.host.refresh_from_db()
        d.host.refresh_from_db()
        single.append((s, d, services.plan_create(team=other_team, source=s.host, destination=d.host)))

    loaded = [item for pair in pairs for item in pair]
    with django_assert_max_num_queries(20):  # one batch: not ~14 statements per bundle
        imported = list(services.hosts_import_many(team=team, loaded=iter(loaded)))
    assert [r.new for r in imported] == [True] * 6
    assert [r.snapshot.host.hostname for r in imported] == [item.inventory.hostname for item in loaded]
    known = {r.snapshot.pk: r.inventory for r in imported}
    hosts = [(s.snapshot.host, d.snapshot.host) for s, d in zip(imported[::2], imported[1::2], strict=True)]
    with django_assert_max_num_queries(12):
        plans = list(services.plans_create_many(team=team, pairs=hosts, inventories=known))

    for (s, d, plan), (bs, bd), batch_plan in zip(
        single, zip(imported[::2], imported[1::2], strict=True), plans, strict=True
    ):
        assert _rows(bs.snapshot) == _rows(s)
        assert _rows(bd.snapshot) == _rows(d)
        assert _host_state(bs.snapshot.host) == _host_state(s.host)
        assert bs.snapshot.host.current_snapshot_id == bs.snapshot.pk
        assert batch_plan.team_id == team.pk
        assert batch_plan.source_snapshot_id == bs.snapshot.pk
        one, many = _plan_rows(plan), _plan_rows(batch_plan)
        assert _without_times(one["report"]) == _without_times(many["report"])
        assert {k: v for k, v in one.items() if k != "report"} == {
            k: v for k, v in many.items() if k != "report"
        }
        assert many["nics"] and many["layout"]  # the comparison compared something

    # Both paths share the row writer: check it against the inventories too.
    for result in imported:
        rows, inv = _rows(result.snapshot), result.inventory
        assert rows["metadevices"] == sorted((m.name, m.kind, tuple(m.components)) for m in inv.metadevices)
        assert rows["devices"] == sorted(inv.devices)
        assert rows["nics"] == sorted((n.name, n.driver, n.link_state, n.speed_mbps) for n in inv.nics)
        assert [z[0] for z in rows["zones"]] == sorted(z.name for z in inv.zones)
        assert [d[:2] for d in rows["disks"]] == sorted((d.name, d.size_bytes) for d in inv.disks)
        assert len(rows["slices"]) == sum(
            len(v.slices) for v in inv.vtocs if v.disk in {d.name for d in inv.disks}
        )
        assert len(rows["resources"]) == sum(
            len(services._zone_resources(z.config)) for z in inv.zones if z.config
        )
        assert rows["documents"][0] == inv.to_dict()


def test_plans_read_stored_inventories_when_not_given(team) -> None:
    ((source, destination),) = _fleet(1, seed=5)
    imported = list(services.hosts_import_many(team=team, loaded=[source, destination]))
    s, d = (r.snapshot.host for r in imported)
    (plan,) = services.plans_create_many(team=team, pairs=[(s, d)])
    reference = services.plan_create(team=team, source=s, destination=d, name="again")
    assert _without_times(plan.report) == _without_times(reference.report)


def test_reimports_number_on_and_an_unchanged_one_keeps_its_snapshot(team) -> None:
    first = load_files(bundle_files("h1", zones=("web01",)), upload_name="h1.tar.gz")
    changed = load_files(bundle_files("h1", zones=("web01", "app01")), upload_name="h1-b.tar.gz")
    other = load_files(bundle_files("h2"), upload_name="h2.tar.gz")
    results = list(services.hosts_import_many(team=team, loaded=[first, other, changed, changed], batch=10))
    # The same hostname twice in one batch goes to the next: it numbers after the first.
    assert [(r.snapshot.host.hostname, r.snapshot.number, r.new) for r in results] == [
        ("h1", 1, True),
        ("h2", 1, True),
        ("h1", 2, True),
        ("h1", 2, False),
    ]
    host = Host.objects.get(team=team, hostname="h1")
    assert host.current_snapshot_id == results[2].snapshot.pk
    assert sorted(Zone.objects.filter(snapshot=host.current_snapshot).values_list("name", flat=True)) == [
        "app01",
        "web01",
    ]


def test_a_reimport_replans_the_plans_of_its_host(team) -> None:
    src = load_files(bundle_files("s1", zones=("web01",)), upload_name="s1.tar.gz")
    dst = load_files(bundle_files("d1", ports=("e1000g0",)), upload_name="d1.tar.gz")
    a, b = services.hosts_import_many(team=team, loaded=[src, dst])
    plan = services.plan_create(team=team, source=a.snapshot.host, destination=b.snapshot.host)
    assert plan.zones_total == 1
    again = load_files(bundle_files("s1", zones=("web01", "app01")), upload_name="s1-b.tar.gz")
    (result,) = services.hosts_import_many(team=team, loaded=[again])
    plan.refresh_from_db()
    assert plan.zones_total == 2
    assert plan.source_snapshot_id == result.snapshot.pk


def test_a_kind_conflict_refuses_its_batch_before_writing_it(team) -> None:
    services.host_import(team=team, loaded=load_files(bundle_files("h1"), upload_name="h1.tar.gz"))
    spec = load_files(bundle_files("h3"), upload_name="h3.tar.gz")
    clash = load_files(bundle_files("h1"), upload_name="h1-again.tar.gz")
    clash.inventory.origin = "catalog:V240"
    before = InventorySnapshot.objects.count()
    with pytest.raises(services.HostKindConflict, match=r"h1-again\.tar\.gz"):
        list(services.hosts_import_many(team=team, loaded=[spec, clash], batch=10))
    assert InventorySnapshot.objects.count() == before
    assert not Host.objects.filter(team=team, hostname="h3").exists()


def test_load_paths_keeps_order_in_worker_processes_and_reports_bad_ones(tmp_path) -> None:
    paths = []
    for i in range(4):
        folder = tmp_path / f"h{i}-bundle"
        for name, text in bundle_files(f"h{i}").items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
        paths.append(str(folder))
    (tmp_path / "empty.tar.gz").write_bytes(b"")
    paths.insert(2, str(tmp_path / "empty.tar.gz"))
    for workers in (0, 2):
        got = list(load_paths(paths, workers=workers, ahead=2))
        assert [spec for spec, _ in got] == paths
        names = [
            item.inventory.hostname if isinstance(item, LoadedInventory) else str(item) for _, item in got
        ]
        assert names[:2] == ["h0", "h1"] and names[3:] == ["h2", "h3"]
        assert "empty.tar.gz" in names[2] and "empty" in names[2]


def test_the_import_command_imports_plans_and_names_what_it_refused(team, tmp_path, capsys) -> None:
    from django.core.management import call_command

    paths = []
    for name, zones in (("s1", ("web01",)), ("s2", ("web01", "app01")), ("d1", ())):
        folder = tmp_path / f"{name}-bundle"
        for member, text in bundle_files(name, zones=zones).items():
            (folder / member).parent.mkdir(parents=True, exist_ok=True)
            (folder / member).write_text(text)
        paths.append(str(folder))
    bad = tmp_path / "broken.tar.gz"
    bad.write_bytes(b"not a tar at all")
    listing = tmp_path / "paths.txt"
    listing.write_text("# the fleet\n" + "\n".join([*paths[:2], str(bad)]) + "\n")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("s1,d1\ns2,d1\n")

    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "zflar_import",
            paths[2],
            "--list",
            str(listing),
            "--team",
            team.name,
            "--plans",
            str(pairs),
            "--readers",
            "1",
        )
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert "imported 3 bundles: 3 new snapshots, 0 unchanged" in out
    assert "planned 2 pairs" in out
    assert "broken.tar.gz" in err and "1 of 4 refused" in err
    assert sorted(Plan.objects.filter(team=team).values_list("name", "zones_total")) == [
        ("s1 → d1", 1),
        ("s2 → d1", 2),
    ]
    # Again: nothing new, and a plans file naming an unknown host is refused by name.
    pairs.write_text("s1,nowhere\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nowhere"):
        call_command("zflar_import", *paths, "--team", team.name, "--plans", str(pairs), "--readers", "0")
    out, _ = capsys.readouterr()
    assert "imported 3 bundles: 0 new snapshots, 3 unchanged" in out


def test_insert_rows_keeps_every_character(team) -> None:
    """COPY's text format escapes tabs, newlines and backslashes; what comes back is what went in."""
    from planner.bulk import insert_rows

    ((source, destination),) = _fleet(1, seed=9)
    a, b = services.hosts_import_many(team=team, loaded=[source, destination])
    (plan,) = services.plans_create_many(team=team, pairs=[(a.snapshot.host, b.snapshot.host)])
    awkward = "tab\there\nnew line \\N back\\slash 'single' \"double\" é ∑ \\.\n"
    zone = Zone.objects.filter(snapshot=a.snapshot).first()
    assert zone is not None
    written = insert_rows(
        DeviceMapping,
        ("plan_id", "zone", "match", "action", "replacement", "origin", "needs_manual_check", "reason"),
        [
            (plan.pk, "z\\1", "/dev/rmt/*", "keep", "", "rule", True, awkward),
            (plan.pk, "z2", "", "drop", "", "", False, ""),
        ],
    )
    insert_rows(
        ZoneResource,
        ("zone_id", "kind", "position", "properties"),
        [(zone.pk, "attr", 99, {"value": awkward, "n": None})],
    )
    assert written == 2
    assert DeviceMapping.objects.get(plan=plan, zone="z\\1").reason == awkward
    assert DeviceMapping.objects.get(plan=plan, zone="z2").needs_manual_check is False
    assert ZoneResource.objects.get(zone=zone, position=99).properties == {"value": awkward, "n": None}
