"""The upload page: per-file import summaries, errors with file and line, destinations from forms."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planner.models import Host
from tests.support.bundles import t5220 as bundles

pytestmark = pytest.mark.django_db


def _upload(client, *files, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("planner:upload"), {"files": list(files), **data})


def test_upload_page_renders_forms(operator_client):
    page = operator_client.get(reverse("planner:upload")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "data-dropzone" in page
    assert 'for="upload-files"' in page
    assert "csrfmiddlewaretoken" in page
    assert 'action="/upload/catalog/"' in page and 'action="/upload/spec/"' in page


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.described: list[str] = []
        self.labels: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        self.described += str(values.get("aria-describedby") or "").split()
        if tag == "label" and values.get("for"):
            self.labels.append(str(values["for"]))


def test_upload_page_ids_are_unique_and_every_description_exists(operator_client, operator, other_team):
    # Issue #13 item 12: id_hostname and id_model twice, aria-describedby naming ids that were not there.
    # Two teams, so the team fields are shown; after a refused catalog form, so errors are described too.
    from planner.models import Membership

    Membership.objects.create(user=operator, team=other_team, role="operator")
    for response in (
        operator_client.get(reverse("planner:upload")),
        operator_client.post(reverse("planner:destination_catalog"), {"model": "T5220", "hostname": "-bad"}),
    ):
        parser = _Ids()
        parser.feed(response.content.decode())
        duplicates = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
        assert duplicates == []
        assert parser.described and set(parser.described) <= set(parser.ids), set(parser.described) - set(
            parser.ids
        )
        assert set(parser.labels) <= set(parser.ids)
    assert "catalog-hostname_error" in parser.described


def test_upload_source_and_destination_offers_a_plan(operator_client, team):
    response = _upload(
        operator_client,
        SimpleUploadedFile("oldbox.tar.gz", bundles.source_bundle()),
        SimpleUploadedFile("newbox.tar.gz", bundles.destination_bundle()),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert Host.objects.filter(team=team, hostname__in=["oldbox", "newbox"]).count() == 2
    assert "web01, db01" in page or "db01, web01" in page
    assert "bge0" in page and "c1t0d0" in page
    assert "Create a plan" in page
    source = Host.objects.get(hostname="oldbox")
    assert f'<option value="{source.pk}" selected>' in page


def test_a_catalog_destination_after_an_upload_keeps_the_uploaded_source_selected(operator_client, team):
    _upload(operator_client, SimpleUploadedFile("oldbox.tar.gz", bundles.source_bundle()))
    response = operator_client.post(
        reverse("planner:destination_catalog"), {"model": "T5240", "hostname": "racked02"}
    )
    page = response.content.decode()
    source = Host.objects.get(hostname="oldbox")
    destination = Host.objects.get(hostname="racked02")
    assert f'<option value="{source.pk}" selected>' in page
    assert f'<option value="{destination.pk}" selected>' in page


def test_broken_file_shows_error_and_the_good_file_still_imports(operator_client, team):
    broken = bundles.host_files("brokenbox", zones=("z1",))
    broken["metastat-p"] = "d10 -m d11 d12 1\nd11 1 1 c0t0d0s0\nthis line is not metastat output at all\n"
    response = _upload(
        operator_client,
        SimpleUploadedFile("not-a-bundle.tar.gz", b"\x1f\x8b\x08\x00garbage that is not gzip"),
        SimpleUploadedFile("brokenbox.tar.gz", bundles.make_tar(broken, top="brokenbox")),
        SimpleUploadedFile("newbox.tar.gz", bundles.destination_bundle()),
    )
    assert response.status_code == 200
    page = response.content.decode()
    # the file that cannot be imported at all: its SolarisParseError, named by file
    assert 'data-upload="not-a-bundle.tar.gz"' in page
    assert "not-a-bundle.tar.gz:" in page
    assert "not imported" in page
    # the bundle with a parse error in one optional file: imported, with the file and line shown
    assert Host.objects.filter(team=team, hostname="brokenbox").exists()
    assert "metastat-p:3" in page
    # and the good file of the same request
    assert Host.objects.filter(team=team, hostname="newbox").exists()


def test_missing_files_are_listed_as_warnings(operator_client):
    files = bundles.host_files("thinbox")
    del files["df-k"]
    response = _upload(operator_client, SimpleUploadedFile("thin.tar", bundles.make_tar(files, gz=False)))
    page = response.content.decode()
    assert "Missing or incomplete" in page
    assert "df-k" in page


def test_zone_named_script_is_escaped(operator_client):
    files = bundles.host_files("xssbox", zones=("web01",))
    files["zoneadm-list-cvp"] += "2:<script>alert(1)</script>:installed:/zones/x:uuid:native:shared\n"
    response = _upload(operator_client, SimpleUploadedFile("xss.tar.gz", bundles.make_tar(files)))
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_zonecfg_export_upload(operator_client):
    cfg = bundles.zonecfg_export(
        "solo", autoboot=True, address="10.1.1.5/24", port="bge0", lofs=True, tape=False
    )
    response = _upload(operator_client, SimpleUploadedFile("solo.cfg", cfg.encode()))
    assert response.status_code == 200
    assert "solo" in response.content.decode()
    assert Host.objects.filter(hostname__contains="solo").exists()


def test_hardware_spec_upload(operator_client):
    response = _upload(operator_client, SimpleUploadedFile("spec.json", bundles.hardware_spec()))
    assert response.status_code == 200
    assert Host.objects.filter(hostname="specbox", origin="spec").exists()


def test_bad_spec_json_shows_its_error(operator_client):
    response = _upload(operator_client, SimpleUploadedFile("bad.json", b'{"hostname": "x", "nic": []}'))
    page = response.content.decode()
    assert "bad.json" in page and "unknown key" in page
    assert not Host.objects.filter(hostname="x").exists()


def test_upload_without_files_is_an_inline_error(operator_client):
    response = operator_client.post(reverse("planner:upload"), {})
    assert response.status_code == 400
    assert b"field-error" in response.content


def test_reimport_of_identical_bundle_is_unchanged(operator_client):
    data = bundles.destination_bundle()
    _upload(operator_client, SimpleUploadedFile("newbox.tar.gz", data))
    page = _upload(operator_client, SimpleUploadedFile("newbox.tar.gz", data)).content.decode()
    assert "unchanged" in page
    assert Host.objects.get(hostname="newbox").snapshots.count() == 1


def test_team_choice_when_operator_of_several_teams(operator_client, operator, other_team):
    from planner.models import Membership

    Membership.objects.create(user=operator, team=other_team, role="operator")
    page = operator_client.get(reverse("planner:upload")).content.decode()
    assert 'for="upload-team"' in page
    response = _upload(
        operator_client, SimpleUploadedFile("newbox.tar.gz", bundles.destination_bundle()), team=other_team.pk
    )
    assert response.status_code == 200
    assert Host.objects.filter(team=other_team, hostname="newbox").exists()


def test_cannot_import_into_a_team_where_only_viewer(operator_client, operator, other_team):
    from planner.models import Membership

    Membership.objects.create(user=operator, team=other_team, role="viewer")
    response = _upload(
        operator_client, SimpleUploadedFile("newbox.tar.gz", bundles.destination_bundle()), team=other_team.pk
    )
    assert response.status_code == 400  # not a choice: the form refuses it
    assert not Host.objects.filter(team=other_team).exists()


def test_catalog_destination(operator_client, team):
    from planner.domain.catalog import list_models

    model = list_models()[0]
    response = operator_client.post(
        reverse("planner:destination_catalog"), {"model": model.key, "hostname": "racked01", "disk_gb": "300"}
    )
    assert response.status_code == 200
    host = Host.objects.get(team=team, hostname="racked01")
    assert host.origin == "catalog"
    disk = host.current_snapshot.disks.first()
    assert disk.size_bytes == 300 * 1000**3


def test_catalog_destination_bad_input(operator_client):
    response = operator_client.post(
        reverse("planner:destination_catalog"), {"model": "NOPE", "hostname": "bad host!"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "field-error" in page


def test_spec_destination_form(operator_client, team):
    response = operator_client.post(
        reverse("planner:destination_spec"),
        {
            "hostname": "handmade",
            "ports": "e1000g0, e1000g1",
            "disks": "c1t0d0:146,c1t1d0:146",
            "devices": "/dev/rmt/0",
        },
    )
    assert response.status_code == 200
    host = Host.objects.get(team=team, hostname="handmade")
    snapshot = host.current_snapshot
    assert sorted(snapshot.nics.values_list("name", flat=True)) == ["e1000g0", "e1000g1"]
    assert snapshot.disks.count() == 2
    assert list(snapshot.devices.values_list("path", flat=True)) == ["/dev/rmt/0"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ports", "not a port", "Not a port name"),
        ("disks", "c1t0d0", "cXtYdZ:GB"),
        ("disks", "c1t0d0:lots", "whole number"),
        ("devices", "rmt0", "/dev/"),
    ],
)
def test_spec_destination_form_errors(operator_client, field, value, message):
    data = {"hostname": "handmade", "ports": "e1000g0", "disks": "c1t0d0:146", field: value}
    response = operator_client.post(reverse("planner:destination_spec"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Host.objects.filter(hostname="handmade").exists()


def test_oversized_file_is_refused_while_streaming(operator_client, settings):
    settings.ZFLAR_MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("big.tar.gz", b"\x1f\x8b" + b"x" * 5000)
    response = _upload(operator_client, big)
    assert response.status_code == 413
    assert "upload limit" in response.content.decode()
    assert not Host.objects.exists()
