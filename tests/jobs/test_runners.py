"""Archive and extract jobs run in-process (no worker) over the seed-row host.

The source is ``fleet.seed_rows_host()``: one zone per row of the seed document's
results table.  Each test plans it against a destination, stands the source up as a
local-executor tree, runs the job with :func:`jobs.runners.run_job` and checks every
zone's result, the trees on both sides, and the archive itself with GNU cpio.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.support.archives import split_payload
from tests.support.seed import (
    ARCHIVE_EXPECTED,
    EXTRACT_EXPECTED,
    SOURCE,
    check_zone_results,
    cpio_member,
    cpio_names,
    make_world,
    results,
    run,
    zone_xml_autoboot,
)

pytestmark = pytest.mark.django_db

# --- archive ----------------------------------------------------------------------------------


def test_archive_covers_every_seed_row_and_gnu_cpio_reads_it(team: Any, tmp_path: Path) -> None:
    world = make_world(team, tmp_path)
    source = world.source()
    assert source.zone_config("z-autoboot").autoboot is True
    assert {e.name: e.state for e in source.zone_list()}["z-running"] == "running"

    job = run(world, "archive")

    assert job.state == "partial", job.error
    check_zone_results(results(job), ARCHIVE_EXPECTED)
    archive = world.archive(job.result["archive_path"])
    assert archive.is_file() and job.archive_path == job.result["archive_path"]
    assert archive.parent == world.archives and archive.name.startswith(f"{SOURCE}-")
    # GNU cpio lists the payload, and the payload's md5 is the archive_id.
    payload = split_payload(archive)
    assert hashlib.md5(payload, usedforsecurity=False).hexdigest() == job.result["archive_id"]
    names = set(cpio_names(archive))
    assert "etc/zones/index" in names and "etc/zones/z-ready.xml" in names
    # The seed's workaround put the halted zone's slice into the archive at its mount point.
    assert {"zones/z-ufs/root/opt/local/README", "zones/z-ufs/root/opt/local/app.bin"} <= names
    # NFS is left out, so the zone whose zonepath is on NFS has only its configuration inside.
    assert "etc/zones/z-nfs-zonepath.xml" in names
    assert not [n for n in names if n.startswith("nfszones")]
    # The archived configuration has autoboot off; the source has it back on.
    assert zone_xml_autoboot(cpio_member(archive, "etc/zones/z-autoboot.xml")) is False
    assert source.zone_config("z-autoboot").autoboot is True
    # The running zone was halted and stays halted; the temporary mount left no trace in the tree.
    assert {e.name: e.state for e in source.zone_list()}["z-running"] == "installed"
    assert not any((world.source_root / "zones/z-ufs/root/opt/local").iterdir())
    # The host-level SVM root mirror (an 8/11 source: the JumpStart profile rebuilds it) is in the job's log.
    assert job.events.filter(level="warning", message__contains="host SVM_MIRROR_REBUILD").exists()


@pytest.mark.parametrize("how", ["workaround-off", "slice-missing"])
def test_archive_without_the_mount_workaround_misses_the_ufs_data(
    team: Any, tmp_path: Path, how: str
) -> None:
    world = make_world(team, tmp_path)
    params: dict[str, Any] = {}
    if how == "workaround-off":
        params["mount_zone_private_fs"] = False
    else:
        for child in (world.source_root.parent / f"{world.source_root.name}.devices/dsk/c1t1d0s0").iterdir():
            child.unlink()
        (world.source_root.parent / f"{world.source_root.name}.devices/dsk/c1t1d0s0").rmdir()

    job = run(world, "archive", **params)

    state, message = results(job)["z-ufs"]
    assert state == "failed"
    assert "zone-private ufs /opt/local was not mounted, so it is missing from the archive" in message
    if how == "slice-missing":
        assert "could not mount /dev/dsk/c1t1d0s0 on /zones/z-ufs/root/opt/local" in message
    names = set(cpio_names(world.archive(job.result["archive_path"])))
    assert "zones/z-ufs/root/opt/local" in names
    assert not [n for n in names if n.startswith("zones/z-ufs/root/opt/local/")]
    # The other zones are unaffected.
    assert results(job)["z-ready"][0] == "ok"


def test_archive_with_running_zones_left_running_fails_those_zones(team: Any, tmp_path: Path) -> None:
    world = make_world(team, tmp_path)
    job = run(world, "archive", halt_zones=False)
    state, message = results(job)["z-running"]
    assert state == "failed"
    assert "zone was running while flarcreate ran" in message
    assert {e.name: e.state for e in world.source().zone_list()}["z-running"] == "running"


def test_a_broken_zone_fails_alone_and_a_missing_nfs_line_is_reported(team: Any, tmp_path: Path) -> None:
    world = make_world(team, tmp_path)
    (world.source_root / "etc/zones/z-autoboot.xml").write_text("<zone this is not xml")
    vfstab = world.source_root / "zones/z-nfs/root/etc/vfstab"
    vfstab.write_text("".join(line for line in vfstab.read_text().splitlines(True) if "nfs" not in line))

    job = run(world, "archive")

    got = results(job)
    assert job.state == "partial", job.error
    assert got["z-autoboot"][0] == "failed"
    assert "pre-archive step failed: " in got["z-autoboot"][1]
    assert got["z-nfs"][0] == "warning"
    assert (
        "NFS nas01:/export/data/z-nfs on /data is not in the zone's /etc/vfstab on the source"
        in got["z-nfs"][1]
    )
    assert got["z-ready"][0] == got["z-running"][0] == "ok"


@pytest.mark.parametrize("pace", [300_000, 0], ids=["lands-in-flarcreate", "lands-after-flarcreate"])
def test_cancel_of_an_archive_job_undoes_the_source_changes(
    team: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pace: int
) -> None:
    """With a paced source the cancel stops the writer; unpaced it lands at the next step."""
    from jobs import lifecycle
    from jobs.runners import ArchiveRunner

    world = make_world(team, tmp_path, bytes_per_second=pace)
    original = ArchiveRunner.create_archive
    seen: dict[str, Any] = {}

    def cancel_then_create(self: ArchiveRunner) -> Any:
        # The pre-archive steps are done: autoboot is off and the slices are mounted.
        seen["autoboot_during"] = world.source().zone_config("z-autoboot").autoboot
        seen["mounted"] = [point for _, point in self.mounted]
        lifecycle.job_cancel(job=self.job)
        return original(self)

    monkeypatch.setattr(ArchiveRunner, "create_archive", cancel_then_create)
    job = run(world, "archive")

    assert job.state == "cancelled"
    assert job.error == "cancelled by the user"
    assert seen == {
        "autoboot_during": False,
        "mounted": ["/zones/z-ufs/root/opt/local", "/zones/z-svm/root/data"],
    }
    assert world.source().zone_config("z-autoboot").autoboot is True
    assert not list(world.archives.glob("*")), "no archive or partial file is left"
    assert job.archive_path == ""
    assert {r.state for r in job.zone_results.all()} == {"skipped"}
    assert job.zone_results.filter(message="not run: cancelled by the user").count() == 11
    if pace:
        assert job.bytes_done < job.bytes_total, "the writer stopped part-way"
        assert not job.events.filter(message__contains="removed").exists()
    else:
        assert job.events.filter(level="warning", message__contains="the job did not complete").exists()


def test_an_archive_that_does_not_verify_is_removed(
    team: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobs.executors.base import ArchiveCheck
    from jobs.executors.local import LocalExecutor

    world = make_world(team, tmp_path)
    monkeypatch.setattr(
        LocalExecutor,
        "archive_check",
        lambda self, path, on_progress=None: ArchiveCheck(
            hash_ok=False, message="archive_id mismatch: header says a, payload b"
        ),
    )
    job = run(world, "archive")
    assert job.state == "failed"
    assert "the archive failed verification and was removed: archive_id mismatch" in job.error
    assert not list(world.archives.glob("*"))
    assert world.source().zone_config("z-autoboot").autoboot is True


# --- extract ----------------------------------------------------------------------------------


def test_extract_on_different_hardware_applies_the_remaps(team: Any, tmp_path: Path) -> None:
    world = make_world(team, tmp_path)
    archived = run(world, "archive")
    assert archived.state == "partial"

    job = run(world, "extract")

    assert job.state == "partial", job.error
    check_zone_results(results(job), EXTRACT_EXPECTED)
    assert job.result["archive_path"] == archived.archive_path and job.result["extracted"] is True
    destination = world.destination()
    ports = {
        "z-running": "e1000g0",
        "z-autoboot": "e1000g2",
        "z-net-same": "e1000g0",
        "z-net-remap": "e1000g1",
    }
    source_nets = {zone: world.source().zone_config(zone).nets for zone in ports}
    for zone, port in ports.items():
        nets = destination.zone_config(zone).nets
        assert [n.physical for n in nets] == [port], zone
        assert [n.address for n in nets] == [n.address for n in source_nets[zone]], zone
    assert destination.zone_config("z-autoboot").autoboot is True
    assert destination.zone_config("z-device").devices == []
    # Zones the plan blocks are left as the archive had them.
    assert destination.zone_config("z-svm").fs[0].special == "/dev/md/dsk/d100"
    # The zone-private data came along in the tree, but z-ufs has no slice on this host.
    assert (world.destination_root / "zones/z-ufs/root/opt/local/README").is_file()


def test_extract_follows_the_users_nic_overrides(team: Any, tmp_path: Path) -> None:
    from planner import services as planner_services

    world = make_world(team, tmp_path)
    plan = planner_services.nic_override_set(
        plan=world.plan,
        zone="z-net-remap",
        physical="bge1",
        address="10.20.2.21/24",
        action="map",
        target="e1000g3",
    )
    plan = planner_services.nic_override_set(
        plan=plan, zone="z-net-same", physical="bge0", address="10.20.1.22/24", action="drop"
    )
    world.plan = plan
    stored = {m.zone: (m.action, m.target) for m in plan.nic_mappings.all()}
    assert stored["z-net-remap"] == ("map", "e1000g3")
    assert stored["z-net-same"] == ("drop", "")
    run(world, "archive")

    job = run(world, "extract")

    got = results(job)
    assert got["z-net-remap"] == ("ok", got["z-net-remap"][1])
    assert "net bge1 remapped to e1000g3" in got["z-net-remap"][1]
    assert got["z-net-same"][0] == "ok" and "net bge0 10.20.1.22/24 dropped" in got["z-net-same"][1]
    destination = world.destination()
    assert [n.physical for n in destination.zone_config("z-net-remap").nets] == ["e1000g3"]
    assert destination.zone_config("z-net-same").nets == []
    assert [n.physical for n in destination.zone_config("z-running").nets] == ["e1000g0"]


def test_extract_on_identical_hardware_puts_the_ufs_data_on_its_slice(team: Any, tmp_path: Path) -> None:
    from planner.solaris.vfstab import parse_vfstab

    world = make_world(team, tmp_path, destination="identical")
    run(world, "archive")

    job = run(world, "extract")

    got = results(job)
    state, message = got["z-ufs"]
    assert state == "ok", message
    assert "ufs /opt/local on /dev/dsk/c1t1d0s0, configured in the global zone's vfstab" in message
    assert "net bge0 kept" in got["z-running"][1]
    assert got["z-svm"][0] == "failed" and got["z-nfs-zonepath"][0] == "failed"
    slice_dir = world.destination_root.parent / f"{world.destination_root.name}.devices/dsk/c1t1d0s0"
    assert (slice_dir / "README").read_text().startswith("data of /dev/dsk/c1t1d0s0")
    assert not any((world.destination_root / "zones/z-ufs/root/opt/local").iterdir())
    vfstab = parse_vfstab((world.destination_root / "etc/vfstab").read_text(), source="vfstab")
    line = [e for e in vfstab if e.mount_point == "/zones/z-ufs/root/opt/local"]
    assert [(e.device, e.fsck_device, e.fstype, e.mount_at_boot) for e in line] == [
        ("/dev/dsk/c1t1d0s0", "/dev/rdsk/c1t1d0s0", "ufs", "yes")
    ]


def test_extract_of_an_archive_made_without_the_workaround_reports_the_empty_slice(
    team: Any, tmp_path: Path
) -> None:
    world = make_world(team, tmp_path, destination="identical")
    run(world, "archive", mount_zone_private_fs=False)
    job = run(world, "extract")
    state, message = results(job)["z-ufs"]
    assert state == "failed"
    assert (
        "zone-private ufs /opt/local is empty on /dev/dsk/c1t1d0s0: it was missing from the archive"
        in message
    )


def test_extract_fails_when_a_host_file_system_does_not_fit(team: Any, tmp_path: Path) -> None:
    world = make_world(team, tmp_path)
    run(world, "archive")
    report = dict(world.plan.report)
    layout = dict(report["layout"])
    layout["unplaced"] = [
        *layout["unplaced"],
        {
            "key": "root",
            "mount_point": "/",
            "zone": None,
            "reason": "needs 90000 MB; the most free is 70003 MB",
        },
    ]
    report["layout"] = layout
    world.plan.report = report
    world.plan.save(update_fields=["report"])

    job = run(world, "extract")

    assert job.state == "failed"
    assert "the planned layout does not fit the destination disks: /: needs 90000 MB" in job.error
    assert not (world.destination_root / "etc/zones/index").exists(), "nothing was extracted"


def test_retry_of_failed_extract_zones_keeps_the_fixed_zones(team: Any, tmp_path: Path) -> None:
    from jobs import lifecycle, progress

    world = make_world(team, tmp_path)
    run(world, "archive")
    first = run(world, "extract")
    failed = sorted(z for z, (state, _) in results(first).items() if state in ("failed", "skipped"))
    assert failed == ["z-nfs-zonepath", "z-svm", "z-ufs"]

    retry = lifecycle.job_retry_failed(job=first)
    assert retry.zone_names == failed and retry.retry_of_id == first.pk
    claimed = progress.job_claim(job_id=retry.pk)
    assert claimed is not None
    from jobs.runners import run_job

    retry = run_job(claimed)

    assert sorted(results(retry)) == failed
    assert retry.result["extracted_by"] == first.pk, "the destination is not extracted over again"
    # The zones fixed by the first job keep their fixes.
    assert [n.physical for n in world.destination().zone_config("z-net-remap").nets] == ["e1000g1"]
    # Running a zone's steps again is harmless: the net is already on its target.
    again = run(world, "extract", zone_names=("z-net-remap",))
    assert results(again) == {"z-net-remap": ("ok", results(again)["z-net-remap"][1])}
    assert "net bge1 remapped to e1000g1" in results(again)["z-net-remap"][1]
