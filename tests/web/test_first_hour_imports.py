"""Issue #13: an upload never replaces a host of another kind (item 3), a batch keeps its good files
and names the bad ones (item 4), and zonecfg exports go together to one host (item 8).

Through the upload page, the destination forms and ``POST /api/bundles/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planner import services
from planner.inputs import load_catalog
from planner.models import Host, Plan
from tests.support.bundles import hardware_spec
from tests.support.bundles import t5220 as bundles

pytestmark = pytest.mark.django_db

FIVE_ZONES = ("web01", "web02", "app01", "app02", "db01")


def _upload(client: Any, *files: Any, **data: Any) -> Any:
    return client.post(reverse("planner:upload"), {"files": list(files), **data})


def _bundle_host(client: Any, hostname: str = "bighost") -> Host:
    response = _upload(
        client, SimpleUploadedFile(f"{hostname}.tar.gz", bundles.source_bundle(hostname, zones=FIVE_ZONES))
    )
    assert response.status_code == 200
    host = Host.objects.get(hostname=hostname)
    assert host.current_snapshot.zones.count() == 5
    return host


def _zones(host: Host) -> list[str]:
    host.refresh_from_db()
    return sorted(host.current_snapshot.zones.values_list("name", flat=True))


# --- item 3: no upload replaces a host of another kind ---------------------------------------------


def test_a_bundle_host_keeps_its_five_zones_after_a_catalog_and_a_spec_take_its_hostname(
    operator_client: Any, operator_api: Any, team: Any
) -> None:
    host = _bundle_host(operator_client)
    destination = services.host_import(team=team, loaded=load_catalog("catalog:T5220:other01")).host
    plan = services.plan_create(team=team, source=host, destination=destination)
    assert plan.zones_total == 5
    snapshots = host.snapshots.count()

    # the catalog form: refused, the form keeps what was typed, the error names the host and its kind
    catalog = operator_client.post(
        reverse("planner:destination_catalog"), {"model": "V445", "hostname": "bighost", "disk_gb": "73"}
    )
    assert catalog.status_code == 409
    page = catalog.content.decode()
    assert "a host named bighost already exists, imported from a collector bundle" in page
    assert "another hostname" in page
    assert 'value="bighost"' in page and 'value="73"' in page
    assert '<option value="V445" selected>' in page

    # the spec form, likewise
    spec = operator_client.post(
        reverse("planner:destination_spec"),
        {"hostname": "bighost", "ports": "e1000g0", "disks": "c1t0d0:146", "model": "Spare box"},
    )
    assert spec.status_code == 409
    assert "a host named bighost already exists" in spec.content.decode()
    assert 'value="Spare box"' in spec.content.decode()

    # a spec file through the API: 409, the existing host named
    api = operator_api.post(
        "/api/bundles/",
        {"files": [SimpleUploadedFile("bighost.json", hardware_spec("bighost"))]},
        format="multipart",
    )
    assert api.status_code == 409, api.content
    result = api.json()["results"][0]
    assert result["ok"] is False and result["conflict"] is True
    assert result["existing_host"] == host.pk and result["existing_origin"] == "bundle"
    assert "bighost.json: a host named bighost already exists" in result["error"]

    # and a zonecfg export sent to it
    cfg = bundles.zonecfg_export("solo", autoboot=False, address="10.1.1.5/24", port="bge0")
    page = _upload(operator_client, SimpleUploadedFile("solo.cfg", cfg.encode()), zonecfg_host="bighost")
    assert "a host named bighost already exists" in page.content.decode()

    assert _zones(host) == sorted(FIVE_ZONES)
    assert host.snapshots.count() == snapshots
    host.refresh_from_db()
    assert host.origin == "bundle"
    plan.refresh_from_db()
    assert plan.zones_total == 5


def test_a_reimport_of_the_same_kind_still_moves_the_host_on(operator_client: Any, team: Any) -> None:
    host = _bundle_host(operator_client)
    _upload(
        operator_client,
        SimpleUploadedFile("again.tar.gz", bundles.source_bundle("bighost", zones=("web01",))),
    )
    assert _zones(host) == ["web01"]
    assert host.snapshots.count() == 2
    # a catalog destination re-added under its own name is the same kind
    for _ in range(2):
        response = operator_client.post(
            reverse("planner:destination_catalog"), {"model": "T5220", "hostname": "racked01"}
        )
        assert response.status_code == 200
    assert Host.objects.get(hostname="racked01").snapshots.count() == 2


# --- item 4: one bad file in a batch ---------------------------------------------------------------


def _ten_files() -> list[SimpleUploadedFile]:
    files = [SimpleUploadedFile(f"box{i}.tar.gz", bundles.destination_bundle(f"box{i}")) for i in range(1, 9)]
    files.insert(3, SimpleUploadedFile("empty.cfg", b""))
    files.append(SimpleUploadedFile("spec.json", hardware_spec("specbox")))
    return files


def test_one_empty_file_among_ten_on_the_page_is_named_and_the_nine_others_import(
    operator_client: Any, team: Any
) -> None:
    response = _upload(operator_client, *_ten_files())
    assert response.status_code == 200
    page = response.content.decode()
    assert "The submitted file is empty" not in page
    assert 'data-upload="empty.cfg"' in page
    assert "empty.cfg: the file is empty" in page
    assert "10 files:" in page and "9 imported" in page and "1 not imported" in page
    assert Host.objects.filter(team=team).count() == 9
    assert not Host.objects.filter(hostname__startswith="empty").exists()


def test_one_empty_file_through_the_api_is_refused_by_name(operator_api: Any, team: Any) -> None:
    response = operator_api.post("/api/bundles/", {"files": _ten_files()}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert (body["imported"], body["failed"]) == (9, 1)
    refused = [r for r in body["results"] if not r["ok"]]
    assert refused == [{"file": "empty.cfg", "ok": False, "error": "empty.cfg: the file is empty"}]
    assert not Host.objects.filter(hostname__startswith="empty").exists()
    assert not Plan.objects.exists()


# --- item 8: zonecfg exports belong to one host --------------------------------------------------


def _export(zone: str, address: str) -> SimpleUploadedFile:
    text = bundles.zonecfg_export(zone, autoboot=False, address=address, port="bge0")
    return SimpleUploadedFile(f"{zone}.cfg", text.encode())


def test_zonecfg_exports_of_one_upload_become_one_host(operator_client: Any, team: Any) -> None:
    response = _upload(
        operator_client,
        _export("web01", "10.0.0.11/24"),
        _export("app01", "10.0.0.12/24"),
        zonecfg_host="legacy01",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "legacy01 has 2 zones now: app01, web01" in page
    host = Host.objects.get(hostname="legacy01")
    assert host.origin == "zonecfg"
    assert _zones(host) == ["app01", "web01"]
    assert not Host.objects.filter(hostname__endswith="-source").exists()
    # the form keeps the host for the next upload
    assert 'value="legacy01"' in page


def test_without_a_name_the_exports_go_to_one_host_named_after_the_first_zone(operator_client: Any) -> None:
    _upload(operator_client, _export("web01", "10.0.0.11/24"), _export("app01", "10.0.0.12/24"))
    assert list(Host.objects.values_list("hostname", flat=True)) == ["app01-source"]
    assert _zones(Host.objects.get()) == ["app01", "web01"]


def test_reimporting_a_zone_replaces_its_config_in_a_new_snapshot_and_keeps_the_others(
    operator_client: Any, operator_api: Any
) -> None:
    _upload(
        operator_client,
        _export("web01", "10.0.0.11/24"),
        _export("app01", "10.0.0.12/24"),
        zonecfg_host="legacy01",
    )
    host = Host.objects.get(hostname="legacy01")
    first = host.current_snapshot
    # a changed web01 and a new db01, through the API into the same host
    response = operator_api.post(
        "/api/bundles/",
        {
            "files": [_export("web01", "10.0.0.99/24"), _export("db01", "10.0.0.13/24")],
            "zonecfg_host": "legacy01",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    results = response.json()["results"]
    assert [r["zones"] for r in results] == [["web01"], ["db01"]]
    assert results[0]["host_zones"] == ["app01", "db01", "web01"]
    host.refresh_from_db()
    assert host.snapshots.count() == 2 and host.current_snapshot.number == 2
    zones = {z.name: z for z in host.current_snapshot.zones.all()}
    assert sorted(zones) == ["app01", "db01", "web01"]
    assert "10.0.0.99" in zones["web01"].config_text and "10.0.0.12" in zones["app01"].config_text
    # the first snapshot is left as it was
    first.refresh_from_db()
    assert sorted(first.zones.values_list("name", flat=True)) == ["app01", "web01"]
    assert "10.0.0.11" in first.zones.get(name="web01").config_text
    # the same exports again: nothing new
    again = operator_api.post(
        "/api/bundles/",
        {"files": [_export("web01", "10.0.0.99/24")], "zonecfg_host": "legacy01"},
        format="multipart",
    )
    assert again.json()["results"][0]["unchanged"] is True
    assert host.snapshots.count() == 2


def test_two_exports_of_one_zone_in_one_upload_refuse_the_second_by_name(operator_client: Any) -> None:
    twin = SimpleUploadedFile("web01.export", b"create -b\nset zonepath=/zones/web01\n")
    page = _upload(
        operator_client, _export("web01", "10.0.0.11/24"), twin, zonecfg_host="legacy01"
    ).content.decode()
    assert "web01.export: zone web01 is also in web01.cfg of this upload" in page
    assert _zones(Host.objects.get(hostname="legacy01")) == ["web01"]


def test_a_bad_zonecfg_host_name_is_a_field_error(operator_client: Any, operator_api: Any) -> None:
    page = _upload(operator_client, _export("web01", "10.0.0.11/24"), zonecfg_host="bad_host!")
    assert page.status_code == 400 and "Not a hostname" in page.content.decode()
    api = operator_api.post(
        "/api/bundles/",
        {"files": [_export("web01", "10.0.0.11/24")], "zonecfg_host": "-x"},
        format="multipart",
    )
    assert api.status_code == 400 and "zonecfg_host" in api.json()
    assert not Host.objects.exists()
