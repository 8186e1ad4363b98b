"""Issue #10, item 1: a hostname that is a path ("../../x", "/etc") never reaches the worker's disk.

The attack: upload a hardware spec whose hostname climbs out of the worker's folders, then run an
archive or extract job for that host: the worker built ``LOCAL_EXECUTOR_ROOT / hostname`` and
``ARCHIVE_STORE / f"{hostname}-job{pk}.flar"`` and wrote anywhere.

Now every import path refuses the name with a message naming the file, and even a host whose
stored name is hostile (imported before the boundary existed) gets its folders from ids: a job
reads and writes only below ``<root>/team-<id>/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from tests.support.bundles import destination_bundle, source_bundle
from tests.support.jobs import events, files_under, run_in_process

pytestmark = pytest.mark.django_db

HOSTILE = ["../../x", "/etc", "../../../../tmp/zflar-escape", "evil$(touch /tmp/x)", "a\nb", "web01/../.."]


def spec(hostname: str) -> bytes:
    body = {
        "hostname": hostname,
        "nics": [{"name": "e1000g0"}],
        "disks": [{"name": "c0t0d0", "size_gb": 146}],
    }
    return json.dumps(body, indent=2).encode()


@pytest.mark.parametrize("hostname", HOSTILE)
def test_html_upload_of_a_spec_with_a_path_hostname_is_refused_naming_the_file(
    operator_client: Any, team: Any, hostname: str
) -> None:
    from planner.models import Host

    upload = SimpleUploadedFile("evil-spec.json", spec(hostname), content_type="application/json")
    response = operator_client.post(reverse("planner:upload"), {"files": [upload]})
    page = response.content.decode()
    assert response.status_code == 200  # the page lists each file's outcome
    assert escape("evil-spec.json") in page
    assert "hostname" in page and ("is not valid" in page or "control character" in page), page[-3000:]
    assert not Host.objects.exists(), "nothing was imported"


@pytest.mark.parametrize("hostname", HOSTILE)
def test_api_upload_of_a_spec_with_a_path_hostname_is_a_400_naming_the_file(
    operator_api: Any, team: Any, hostname: str
) -> None:
    from planner.models import Host

    upload = SimpleUploadedFile("evil-spec.json", spec(hostname), content_type="application/json")
    response = operator_api.post("/api/bundles/", {"files": [upload]}, format="multipart")
    assert response.status_code == 400, response.content
    result = response.json()["results"][0]
    assert result["ok"] is False and result["file"] == "evil-spec.json"
    assert "evil-spec.json" in result["error"] and "hostname" in result["error"]
    assert not Host.objects.exists()


@pytest.mark.parametrize("hostname", ["../../x", "/etc", "a b", "x;reboot"])
def test_destination_forms_refuse_a_path_hostname(operator_client: Any, team: Any, hostname: str) -> None:
    from planner.models import Host

    catalog = operator_client.post(
        reverse("planner:destination_catalog"), {"model": "T5220", "hostname": hostname}
    )
    assert catalog.status_code == 400
    assert "Not a hostname" in catalog.content.decode()
    form = operator_client.post(
        reverse("planner:destination_spec"),
        {"hostname": hostname, "ports": "e1000g0", "disks": "c1t0d0:146"},
    )
    assert form.status_code == 400
    assert "Not a hostname" in form.content.decode()
    assert not Host.objects.exists()


def test_single_zonecfg_upload_with_a_path_zone_name_is_refused(operator_api: Any, team: Any) -> None:
    from planner.models import Host

    upload = SimpleUploadedFile("..cfg", b"create -b\nset zonepath=/zones/x\n")
    response = operator_api.post("/api/bundles/", {"files": [upload]}, format="multipart")
    assert response.status_code == 400
    assert "..cfg" in response.json()["results"][0]["error"]
    assert not Host.objects.exists()


@pytest.fixture
def stores(settings: Any, tmp_path: Path) -> dict[str, Path]:
    settings.ARCHIVE_STORE = tmp_path / "store" / "archives"
    settings.LOCAL_EXECUTOR_ROOT = tmp_path / "store" / "hosts"
    return {"archives": settings.ARCHIVE_STORE, "hosts": settings.LOCAL_EXECUTOR_ROOT}


def test_a_job_for_a_host_with_a_hostile_stored_name_stays_in_its_team_folder(
    team: Any, operator: Any, stores: dict[str, Path], tmp_path: Path
) -> None:
    """A host whose stored name is a path (bypassing the boundary, as an old database could hold):
    archive and extract jobs read and write only below <root>/team-<id>/, by ids."""
    from jobs import lifecycle, storage
    from jobs.executors.local_tree import build_host_tree
    from jobs.models import Archive
    from planner import services
    from planner.inputs import load_upload
    from planner.models import Host

    src = services.host_import(team=team, loaded=load_upload("src.tar.gz", source_bundle("src01"))).host
    dst = services.host_import(team=team, loaded=load_upload("dst.tar.gz", destination_bundle("dst01"))).host
    plan = services.plan_create(team=team, source=src, destination=dst)
    escape_to = tmp_path / "escaped"
    hostile = str(Path("..") / ".." / ".." / escape_to.relative_to("/"))
    Host.objects.filter(pk=src.pk).update(hostname=hostile)
    Host.objects.filter(pk=dst.pk).update(hostname="/etc")
    build_host_tree(storage.host_root(team.pk, src.pk), services.inventory_of(src.current_snapshot))
    before = files_under(tmp_path)

    archive = run_in_process(lifecycle.job_create(team=team, kind="archive", plan=plan, user=operator))
    assert archive.state in ("succeeded", "partial"), archive.error + "\n" + events(archive)
    extract = run_in_process(lifecycle.job_create(team=team, kind="extract", plan=plan, user=operator))
    assert extract.archive_path == "" and extract.result.get("extracted") is True, events(extract)

    team_roots = (storage.team_archive_root(team.pk), storage.team_hosts_root(team.pk))
    created = files_under(tmp_path) - before
    # The team's folders themselves (and the stores above them) may be made; nothing else.
    allowed = {*team_roots, *(parent for root in team_roots for parent in root.parents)}
    outside = sorted(p for p in created if p not in allowed and not any(r in p.parents for r in team_roots))
    assert outside == [], f"written outside the team's folders: {outside}"
    assert not escape_to.exists()
    stored = Archive.objects.get(job=archive)
    assert stored.path == archive.archive_path == f"job-{archive.pk}-host-{src.pk}.flar"
    assert (storage.team_archive_root(team.pk) / stored.path).is_file()
    assert (storage.host_root(team.pk, dst.pk) / "etc/zones/index").is_file(), "extracted by id"
