"""Issue #10, items 1-2: job parameters that name paths stay inside the job's team folder.

``archive_path``, ``output_path``, ``source_root`` and ``destination_root`` are relative to the
team's folder.  An absolute path, a '..', or a symlink that leads out is refused three times over:
by the API serializer (400), by the HTML forms (which offer only the team's own archives), and by
the runner before it opens anything (the job fails with "refused").
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.support.jobs import events, run_in_process

pytestmark = pytest.mark.django_db

KEYS = ("archive_path", "output_path", "source_root", "destination_root")
BAD_SHAPES = [
    "/etc/passwd",
    "../x.flar",
    "a/../../x.flar",
    "~root/x.flar",
    "a\x00b.flar",
    "a\\..\\x",
    " ",
    "x\n.flar",
]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("value", BAD_SHAPES)
def test_api_refuses_paths_that_are_not_relative_to_the_team(
    world: Any, operator_api: Any, key: str, value: str
) -> None:
    kind = "extract" if key in ("archive_path", "destination_root") else "archive"
    url = f"/api/plans/{world.own.plan.pk}/jobs/"
    response = operator_api.post(url, {"kind": kind, "params": {key: value}}, format="json")
    assert response.status_code == 400, (key, value, response.content)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside every team's folder, with something a job must never read or replace."""
    folder = tmp_path / "outside"
    (folder / "zones").mkdir(parents=True)
    (folder / "zones" / "index").write_text("global:installed:/\n")
    (folder / "secret.flar").write_bytes(b"not yours")
    return folder


def test_api_refuses_a_symlink_in_the_team_folder_that_leads_out(
    world: Any, operator_api: Any, outside: Path
) -> None:
    from jobs import storage

    team = world.own.team.pk
    os.symlink(outside, storage.team_archive_root(team) / "link")
    os.symlink(outside / "secret.flar", storage.team_archive_root(team) / "secret.flar")
    storage.team_hosts_root(team).mkdir(parents=True)
    os.symlink(outside, storage.team_hosts_root(team) / "tree")
    url = f"/api/plans/{world.own.plan.pk}/jobs/"
    for kind, params in (
        ("archive", {"output_path": "link/new.flar"}),
        ("extract", {"archive_path": "secret.flar"}),
        ("archive", {"source_root": "tree"}),
        ("extract", {"destination_root": "tree/zones"}),
    ):
        response = operator_api.post(url, {"kind": kind, "params": params}, format="json")
        assert response.status_code == 400, (params, response.content)
        assert "leads outside" in response.content.decode()


def test_html_extract_form_accepts_only_the_team_s_archives(world: Any, operator_client: Any) -> None:
    from jobs.models import Job

    url = reverse("planner:plan_job_start", args=[world.own.plan.pk])
    Job.objects.filter(plan=world.own.plan).update(state="failed")
    for value in ("../x.flar", "/etc/passwd", "a-web.flar", str(world.other.archive.pk)):
        response = operator_client.post(
            url,
            {
                "kind": "extract",
                "extract-kind": "extract",
                "extract-executor": "local",
                "extract-archive": value,
            },
        )
        assert response.status_code == 400, value
    good = operator_client.post(
        url,
        {
            "kind": "extract",
            "extract-kind": "extract",
            "extract-executor": "local",
            "extract-archive": world.own.archive.pk,
        },
    )
    assert good.status_code == 302
    assert (
        Job.objects.get(plan=world.own.plan, kind="extract", state="queued").params["archive_path"]
        == "a-web.flar"
    )


def test_runner_refuses_symlinks_that_lead_out_before_opening_anything(world: Any, outside: Path) -> None:
    from jobs import lifecycle, storage
    from jobs.models import Job

    team, plan = world.own.team, world.own.plan
    Job.objects.filter(team=team).update(state="failed")
    os.symlink(outside, storage.team_archive_root(team.pk) / "link")
    os.symlink(outside / "secret.flar", storage.team_archive_root(team.pk) / "secret.flar")
    storage.team_hosts_root(team.pk).mkdir(parents=True)
    os.symlink(outside, storage.team_hosts_root(team.pk) / "tree")
    for kind, params in (
        ("archive", {"output_path": "link/new.flar"}),
        ("extract", {"archive_path": "secret.flar"}),
        ("archive", {"source_root": "tree"}),
        ("extract", {"archive_path": "a-web.flar", "destination_root": "tree"}),
    ):
        job = run_in_process(lifecycle.job_create(team=team, kind=kind, plan=plan, params=params))
        assert job.state == "failed" and "refused" in job.error and "leads outside" in job.error, (
            params,
            job.error,
            events(job),
        )
    assert sorted(p.name for p in outside.iterdir()) == ["secret.flar", "zones"]
    assert (outside / "secret.flar").read_bytes() == b"not yours"


def test_a_symlink_inside_a_host_tree_is_never_followed_out(world: Any, outside: Path) -> None:
    """The host's own tree holds a symlink (as an extracted archive could): /etc/zones -> outside.
    The job reads the zone index through the executor, which refuses the path instead of reading
    (or later writing) the worker's files."""
    from jobs import lifecycle, storage
    from jobs.executors.local import LocalExecutor
    from jobs.executors.paths import PathEscape
    from jobs.models import Job

    team, plan = world.own.team, world.own.plan
    Job.objects.filter(team=team).update(state="failed")
    tree = storage.host_root(team.pk, world.own.source.pk)
    (tree / "etc").mkdir(parents=True)
    os.symlink(outside / "zones", tree / "etc" / "zones")
    job = run_in_process(lifecycle.job_create(team=team, kind="archive", plan=plan))
    assert job.state == "failed" and "leads outside" in job.error, (job.error, events(job))

    executor = LocalExecutor(root=tree, host="asrc01")
    with pytest.raises(PathEscape):
        executor.read_file("/etc/zones/index")
    with pytest.raises(PathEscape):
        executor.write_file("/etc/zones/index", "hijacked\n")
    assert (outside / "zones" / "index").read_text() == "global:installed:/\n"


def test_write_file_never_writes_through_a_planted_temporary_name(tmp_path: Path) -> None:
    from jobs.executors.local import LocalExecutor

    tree, victim = tmp_path / "tree", tmp_path / "victim"
    (tree / "etc").mkdir(parents=True)
    victim.write_text("untouched\n")
    os.symlink(victim, tree / "etc" / ".vfstab.zflar-new")
    LocalExecutor(root=tree, host="h").write_file("/etc/vfstab", "# new\n")
    assert victim.read_text() == "untouched\n"
    assert (tree / "etc" / "vfstab").read_text() == "# new\n" and not (tree / "etc" / "vfstab").is_symlink()
