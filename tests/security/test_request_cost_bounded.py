"""Issue #10, item 6: one request cannot stall the site.

The attack: a 3.7 MB spec with 60,000 NICs and disks, then ``POST /api/plans/``: 4.4 minutes at
100 % CPU holding SQLite's write lock, while other users' logins and edits failed with "database
is locked".  Now an inventory past the size caps is refused (400, naming the file) at the upload
and again before planning (for snapshots stored before the caps), and a plan is computed outside
any transaction: nothing holds the write lock while the planner works, and the result is stored
in one short transaction (computed again if its inputs changed meanwhile).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse

from tests.support.bundles import destination_bundle, source_bundle
from tests.support.teams import import_bytes

pytestmark = pytest.mark.django_db


def huge_spec(count: int) -> bytes:
    body = {
        "hostname": "bighost",
        "nics": [{"name": f"e1000g{i}"} for i in range(count)],
        "disks": [{"name": f"c1t{i}d0", "size_gb": 1} for i in range(count)],
    }
    return json.dumps(body).encode()


def test_an_upload_past_the_caps_is_refused_quickly_naming_the_file(operator_api: Any, team: Any) -> None:
    from planner.models import Host

    started = time.monotonic()
    upload = SimpleUploadedFile("huge-spec.json", huge_spec(60_000), content_type="application/json")
    response = operator_api.post("/api/bundles/", {"files": [upload]}, format="multipart")
    elapsed = time.monotonic() - started
    assert response.status_code == 400, response.content
    error = response.json()["results"][0]["error"]
    assert "huge-spec.json" in error and "more than" in error, error
    assert not Host.objects.exists()
    print(f"60,000 NICs and disks refused in {elapsed:.2f} s")


@pytest.fixture
def stored_oversized(team: Any) -> tuple[Any, Any]:
    """A source and a destination, the destination's stored snapshot past the caps (as one
    imported before the caps existed would be): the readers never see it again."""
    from planner.models import InventorySnapshot

    src = import_bytes(team, "src.tar.gz", source_bundle("src01")).host
    dst = import_bytes(team, "dst.tar.gz", destination_bundle("dst01")).host
    snapshot = InventorySnapshot.objects.get(pk=dst.current_snapshot_id)
    inventory = dict(snapshot.inventory)
    nic = inventory["nics"][0]
    inventory["nics"] = [dict(nic, name=f"e1000g{i}", instance=i) for i in range(5_000)]
    InventorySnapshot.objects.filter(pk=snapshot.pk).update(inventory=inventory)
    return src, dst


def test_planning_with_a_stored_inventory_past_the_caps_is_a_400(
    operator_api: Any, operator_client: Any, stored_oversized: tuple[Any, Any]
) -> None:
    from planner.models import Plan

    src, dst = stored_oversized
    api = operator_api.post("/api/plans/", {"source": src.pk, "destination": dst.pk}, format="json")
    assert api.status_code == 400, api.content
    assert "cannot plan with this inventory" in api.content.decode()
    page = operator_client.post(reverse("planner:plan_list"), {"source": src.pk, "destination": dst.pk})
    assert page.status_code == 400 and "cannot plan with this inventory" in page.content.decode()
    assert not Plan.objects.exists()


def test_generated_files_of_a_plan_past_the_caps_are_a_400_not_a_500(
    operator_client: Any, team: Any, stored_oversized: tuple[Any, Any]
) -> None:
    from planner import services
    from planner.models import InventorySnapshot

    src, dst = stored_oversized
    good = InventorySnapshot.objects.get(pk=src.current_snapshot_id).inventory
    big = InventorySnapshot.objects.get(pk=dst.current_snapshot_id).inventory
    InventorySnapshot.objects.filter(pk=dst.current_snapshot_id).update(
        inventory=good | {"hostname": "dst01"}
    )
    plan = services.plan_create(team=team, source=src, destination=dst)
    InventorySnapshot.objects.filter(pk=dst.current_snapshot_id).update(inventory=big)
    response = operator_client.get(reverse("planner:plan_download", args=[plan.pk, "profile"]))
    assert response.status_code == 400
    recompute = operator_client.post(reverse("planner:plan_replan", args=[plan.pk]))
    assert recompute.status_code == 400


class Gate:
    """Holds the first plan computation until released, so the test can act while it runs."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def wrap(self, compute: Any) -> Any:
        def gated(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == 1:
                self.entered.set()
                assert self.release.wait(60), "the test never released the computation"
            return compute(*args, **kwargs)

        return gated


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    import planner.services

    gate = Gate()
    monkeypatch.setattr(planner.services, "compute_plan", gate.wrap(planner.services.compute_plan))
    yield gate
    gate.release.set()


def in_thread(target: Any) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = target()
        except BaseException as exc:  # reported by the test
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True)
def test_nothing_holds_the_write_lock_while_a_plan_is_computed(world: Any, gate: Gate) -> None:
    """While a recompute is inside the planner, another connection writes (a login would update
    last_login; here a user and the very plan row) without waiting."""
    from django.contrib.auth import get_user_model

    from planner import services
    from planner.models import Plan

    plan = world.own.plan
    computing, result = in_thread(lambda: services.plan_recompute(plan=plan))
    assert gate.entered.wait(30), "the recompute never reached the planner"

    def write() -> None:
        get_user_model().objects.filter(pk=world.own.team.memberships.first().user_id).update(first_name="x")
        Plan.objects.filter(pk=plan.pk).update(name="renamed while computing")

    writer, written = in_thread(write)
    writer.join(10)
    blocked = writer.is_alive()
    gate.release.set()
    computing.join(60)
    writer.join(60)
    assert not blocked, "a write waited for the plan computation: it holds the database's write lock"
    assert "error" not in written, written.get("error")
    assert "error" not in result, result.get("error")
    assert Plan.objects.get(pk=plan.pk).name == "renamed while computing"


@pytest.mark.django_db(transaction=True)
def test_a_recompute_whose_inputs_changed_meanwhile_computes_again(world: Any, gate: Gate) -> None:
    from planner import services
    from planner.models import NicMapping, NicOverride

    plan = world.own.plan
    mapping = NicMapping.objects.filter(plan=plan).first()
    assert mapping is not None
    computing, result = in_thread(lambda: services.plan_recompute(plan=plan))
    assert gate.entered.wait(30)
    NicOverride.objects.create(
        plan=plan, zone=mapping.zone, physical=mapping.physical, address=mapping.address, action="drop"
    )
    gate.release.set()
    computing.join(60)
    assert "error" not in result, result.get("error")
    assert gate.calls == 2, "the stale result was stored instead of computing again"
    stored = NicMapping.objects.get(
        plan=plan, zone=mapping.zone, physical=mapping.physical, address=mapping.address
    )
    assert stored.action == "drop"
