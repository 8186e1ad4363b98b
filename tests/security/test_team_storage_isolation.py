"""Issue #10, item 2: team B cannot list, inspect, extract or download team A's archives, nor reach
A's host trees, on the pages or through the API.

The attack: B's operator listed A's archives on /jobs/archives/, inspected and extracted them,
overwrote A's archive with ``params.output_path``, and read A's trees with ``source_root`` or with
a host named like A's.  Each team now has its own folders, keyed by team id, and archive records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.support.jobs import events, run_in_process
from tests.support.teams import token_client

pytestmark = pytest.mark.django_db

SECRET = b"FlAsH-aRcHiVe-2.0\nsection_begin=identification\nteam A's secret\n"


@pytest.fixture
def a_archive(world: Any) -> Any:
    """Team A's archive: a file in A's folder with its record."""
    from jobs import archives, storage

    folder = storage.team_archive_root(world.own.team.pk)
    (folder / "crown-jewels.flar").write_bytes(SECRET)
    return archives.archive_register(team_id=world.own.team.pk, relative="crown-jewels.flar", origin="store")


@pytest.fixture
def b_client(client: Any, outsider: Any) -> Any:
    client.force_login(outsider)
    return client


def test_b_does_not_see_a_s_archives_on_the_page_or_in_the_api(
    world: Any, a_archive: Any, b_client: Any, outsider: Any
) -> None:
    page = b_client.get(reverse("jobs:archive_inspect")).content.decode()
    assert "crown-jewels" not in page and "a-web.flar" not in page
    assert "b-web.flar" in page  # B's own archive is listed
    listing = token_client(outsider).get("/api/archives/").json()
    assert {a["path"] for a in listing["results"]} == {"b-web.flar"}
    assert token_client(outsider).get(f"/api/archives/?team={world.own.team.pk}").json()["count"] == 0


def test_b_cannot_inspect_a_s_archive(world: Any, a_archive: Any, b_client: Any, outsider: Any) -> None:
    from jobs.models import Job

    response = b_client.post(reverse("jobs:archive_inspect"), {"archive": a_archive.pk})
    assert response.status_code == 400
    api = token_client(outsider)
    assert api.post(f"/api/archives/{a_archive.pk}/inspect/", {}, format="json").status_code == 404
    assert not Job.objects.filter(team=world.other.team, kind="inspect").exclude(pk=world.other.queued_job.pk)


def test_b_cannot_download_a_s_archive(world: Any, a_archive: Any, b_client: Any, outsider: Any) -> None:
    page = b_client.get(reverse("jobs:archive_download", args=[a_archive.pk]))
    assert page.status_code == 404
    api = token_client(outsider)
    assert api.get(f"/api/archives/{a_archive.pk}/").status_code == 404
    assert api.get(f"/api/archives/{a_archive.pk}/download/").status_code == 404


def test_a_downloads_its_own_archive(world: Any, a_archive: Any, operator_client: Any, operator: Any) -> None:
    page = operator_client.get(reverse("jobs:archive_download", args=[a_archive.pk]))
    assert page.status_code == 200 and b"".join(page.streaming_content) == SECRET
    assert page["Content-Disposition"] == 'attachment; filename="crown-jewels.flar"'
    api = token_client(operator).get(f"/api/archives/{a_archive.pk}/download/")
    assert api.status_code == 200 and b"".join(api.streaming_content) == SECRET


def test_b_cannot_extract_a_s_archive(world: Any, a_archive: Any, b_client: Any, outsider: Any) -> None:
    from jobs.models import Job

    b_plan = world.other.plan
    form = b_client.post(
        reverse("planner:plan_job_start", args=[b_plan.pk]),
        {
            "kind": "extract",
            "extract-kind": "extract",
            "extract-executor": "local",
            "extract-archive": a_archive.pk,
        },
    )
    assert form.status_code == 400
    api = token_client(outsider)
    url = f"/api/plans/{b_plan.pk}/jobs/"
    a_folder = f"team-{world.own.team.pk}"
    for path in ("crown-jewels.flar", f"../{a_folder}/crown-jewels.flar", str(a_archive.pk)):
        response = api.post(url, {"kind": "extract", "params": {"archive_path": path}}, format="json")
        assert response.status_code == 400, (path, response.content)
    assert not Job.objects.filter(plan=b_plan, kind="extract").exists()


def test_b_cannot_reach_a_s_trees_or_overwrite_a_s_archive(world: Any, a_archive: Any, outsider: Any) -> None:
    from jobs import storage

    api = token_client(outsider)
    url = f"/api/plans/{world.other.plan.pk}/jobs/"
    a_hosts = storage.host_root(world.own.team.pk, world.own.source.pk)
    a_hosts.mkdir(parents=True)
    a_folder = f"team-{world.own.team.pk}"
    attempts = [
        {"source_root": f"../{a_folder}/host-{world.own.source.pk}"},
        {"source_root": str(a_hosts)},
        {"destination_root": f"../{a_folder}/host-{world.own.destination.pk}"},
        {"output_path": f"../{a_folder}/crown-jewels.flar"},
        {"output_path": str(storage.team_archive_root(world.own.team.pk) / "crown-jewels.flar")},
    ]
    for params in attempts:
        response = api.post(url, {"kind": "archive", "params": params}, format="json")
        assert response.status_code == 400, (params, response.content)
    # The same relative name in B's own folder is B's file; A's archive is untouched.
    same_name = api.post(
        url, {"kind": "archive", "params": {"output_path": "crown-jewels.flar"}}, format="json"
    )
    assert same_name.status_code == 201
    assert (storage.team_archive_root(world.own.team.pk) / "crown-jewels.flar").read_bytes() == SECRET


def test_the_runner_refuses_paths_into_another_team_even_past_the_api(world: Any, a_archive: Any) -> None:
    """Defence in depth: a job row whose params name A's files (never accepted by the API or the
    forms) fails in the runner with a clear refusal, before anything is opened."""
    from jobs import lifecycle, storage
    from jobs.models import Job

    a_folder = f"team-{world.own.team.pk}"
    b_team, b_plan = world.other.team, world.other.plan
    Job.objects.filter(pk__in=[world.own.queued_job.pk, world.other.queued_job.pk]).update(state="cancelled")
    cases = [
        ("extract", {"archive_path": f"../{a_folder}/crown-jewels.flar"}),
        (
            "extract",
            {"archive_path": str(storage.team_archive_root(world.own.team.pk) / "crown-jewels.flar")},
        ),
        ("archive", {"source_root": f"../{a_folder}/host-{world.own.source.pk}"}),
        ("archive", {"output_path": f"../{a_folder}/crown-jewels.flar"}),
        ("extract", {"archive_path": "b-web.flar", "destination_root": f"../../hosts/{a_folder}"}),
    ]
    for kind, params in cases:
        job = run_in_process(lifecycle.job_create(team=b_team, kind=kind, plan=b_plan, params=params))
        assert job.state == "failed", (params, job.state, events(job))
        assert "refused" in job.error, job.error
    inspect = run_in_process(
        lifecycle.job_create(
            team=b_team, kind="inspect", params={"archive_path": f"../{a_folder}/crown-jewels.flar"}
        )
    )
    assert inspect.state == "failed" and "refused" in inspect.error, inspect.error
    assert (storage.team_archive_root(world.own.team.pk) / "crown-jewels.flar").read_bytes() == SECRET


def test_hosts_with_the_same_hostname_in_two_teams_have_separate_trees(world: Any) -> None:
    from jobs import storage

    a_host, b_host = world.own.source, world.other.source
    assert storage.host_root(a_host.team_id, a_host.pk) != storage.host_root(b_host.team_id, b_host.pk)
    assert storage.team_hosts_root(b_host.team_id) not in storage.host_root(a_host.team_id, a_host.pk).parents
    assert Path(storage.host_root(a_host.team_id, a_host.pk)).name == f"host-{a_host.pk}"
