"""The local executor is a rehearsal (issue #13 item 2): a job on an uploaded bundle builds the host's
folder tree from its inventory, says so, and its archive says it is a rehearsal; the archive job's
flarcreate follows the plan's install facts (issue #12: -U content_architectures, -L pax)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jobs import lifecycle, storage
from jobs.flar import info
from jobs.models import Job
from planner import services
from planner.inputs import load_catalog, load_upload
from tests.support.bundles import t5220, v240
from tests.support.jobs import events, run_in_process

pytestmark = pytest.mark.django_db


def _plan(team: Any, source: bytes, destination: str = "catalog:T5220:dst01") -> Any:
    src = services.host_import(team=team, loaded=load_upload("src.tar.gz", source)).host
    dst = services.host_import(team=team, loaded=load_catalog(destination)).host
    return services.plan_create(team=team, source=src, destination=dst)


def _archive(plan: Any) -> tuple[Job, dict[str, str]]:
    job = run_in_process(lifecycle.job_create(team=plan.team, kind=Job.Kind.ARCHIVE, plan=plan))
    assert job.state in (Job.State.SUCCEEDED, Job.State.PARTIAL), (job.error, events(job))
    path = storage.archive_file(plan.team_id, job.archive_path)
    return job, {k: v.strip() for k, v in info(path).identification.items()}


def test_an_archive_job_on_an_uploaded_bundle_builds_the_tree_and_marks_the_rehearsal(team: Any) -> None:
    plan = _plan(team, t5220.source_bundle("oldbox", zones=("web01", "app01")), "catalog:T5240:newbox")
    root = storage.host_root(team.pk, plan.source_id)
    assert not root.exists()  # nothing stands the uploaded host up on the worker
    job, ident = _archive(plan)
    log = events(job)
    assert "rehearsal on the worker (touches no Solaris host): no folder tree existed for oldbox" in log
    assert "built from its inventory (import #1): 2 zones (app01, web01)" in log
    assert "queued as a rehearsal on the worker" in log
    assert (root / "etc/zones/index").is_file() and (root / "zones/web01/root").is_dir()
    assert {r.zone: r.state for r in job.zone_results.all()} == {"app01": "ok", "web01": "ok"}
    # The archive's identification says what it is, and passes no worker value off as the source's.
    assert ident["X-zflar-rehearsal"].startswith(f"job {job.pk}: made on the zflar worker")
    assert ident["creation_node"] == "oldbox"
    assert ident.get("creation_os_name") == "SunOS" and ident.get("creation_release") == "5.10"
    assert ident["creation_hardware_class"] == "sun4v"
    assert "Linux" not in " ".join(v for k, v in ident.items() if k.startswith("creation_"))
    assert ident["X-zflar-rehearsal-worker"]  # the worker's own uname, under its own name
    # A second job uses the tree it built (no second build).
    again = run_in_process(lifecycle.job_create(team=team, kind=Job.Kind.ARCHIVE, plan=plan))
    assert "no folder tree existed" not in events(again)


def test_a_tree_built_from_an_older_import_is_built_again(team: Any) -> None:
    plan = _plan(team, t5220.source_bundle("oldbox", zones=("web01",)), "catalog:T5240:newbox")
    _archive(plan)
    services.host_import(
        team=team, loaded=load_upload("src.tar.gz", t5220.source_bundle("oldbox", zones=("web01", "app01")))
    )
    job, _ident = _archive(services.plan_recompute(plan=plan))
    assert "was imported again since its folder tree was built" in events(job)
    assert sorted(job.zone_results.values_list("zone", flat=True)) == ["app01", "web01"]


def test_a_tree_the_job_did_not_build_is_used_as_it_is(team: Any) -> None:
    plan = _plan(team, t5220.source_bundle("oldbox", zones=("web01",)), "catalog:T5240:newbox")
    root = storage.host_root(team.pk, plan.source_id)
    (root / "etc/zones").mkdir(parents=True)
    (root / "etc/zones/index").write_text("global:installed:/\n")
    job = run_in_process(lifecycle.job_create(team=team, kind=Job.Kind.ARCHIVE, plan=plan))
    assert "no folder tree existed" not in events(job)
    assert "the zone is not configured on the source any more" in job.zone_results.get(zone="web01").message


def test_sun4u_to_sun4v_archives_carry_both_content_architectures(team: Any) -> None:
    plan = _plan(team, v240.source_bundle("v240box", zones=("web01",)))
    assert list(plan.report["install"]["content_architectures"]) == ["sun4u", "sun4v"]
    job, ident = _archive(plan)
    assert ident["content_architectures"] == "sun4u,sun4v"
    assert ident["creation_hardware_class"] == "sun4u"
    assert "flarcreate options from the plan's install facts: -U content_architectures=sun4u,sun4v" in events(
        job
    )


def test_large_files_ask_for_pax_which_the_rehearsal_records(team: Any) -> None:
    files = t5220.files("bigfiles", zones=("web01",), ports=("e1000g0",))
    files["large-files"] = "-rw-r--r--   1 oracle   dba      5368709120 Jan 12 03:10 /export/data/big.dbf\n"
    plan = _plan(team, t5220.make_tar(files, top="bigfiles"), "catalog:T5240:newbox")
    assert plan.report["install"]["archiver"] == "pax"
    job, ident = _archive(plan)
    assert "-L pax" in events(job)
    assert ident["X-zflar-archiver"].startswith("pax on the source host")


def test_an_extract_job_starts_from_an_empty_destination_tree(team: Any) -> None:
    plan = _plan(team, t5220.source_bundle("oldbox", zones=("web01",)), "catalog:T5240:newbox")
    _archive(plan)
    job = run_in_process(lifecycle.job_create(team=team, kind=Job.Kind.EXTRACT, plan=plan))
    assert "no folder tree existed for newbox" in events(job), events(job)
    assert Path(storage.host_root(team.pk, plan.destination_id), "zones/web01/root").is_dir()
    assert job.state in (Job.State.SUCCEEDED, Job.State.PARTIAL), (job.error, events(job))
