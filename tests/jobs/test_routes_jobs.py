"""Rehearsal jobs of the zone routes (issue #14) on the local executor's folder trees.

The seed-row host (fleet.seed_rows_host) planned with each zone on its recommended route: against
an identical V240 the SVM and NFS-zonepath zones go by detach/attach while the others take the
flash archive; against a collected Solaris 11 T7-1 every zone becomes a solaris10 branded zone.
Archive then extract jobs run in this process; the trees, the archives (read back by GNU cpio and
tar) and each zone's result are checked, and so are retry and cancel.
"""

from __future__ import annotations

import gzip
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from planner.solaris.zonexml import parse_zone_xml
from tests.support.archives import require_tools
from tests.support.seed import SOURCE, cpio_names, make_world, results, run

pytestmark = pytest.mark.django_db

MOVED = ("z-nfs-zonepath", "z-svm")


def index(root: Path) -> dict[str, tuple[str, str]]:
    lines = (root / "etc/zones/index").read_text().splitlines()
    return {
        f[0]: (f[1], f[2]) for f in (line.split(":") for line in lines if line and not line.startswith("#"))
    }


def runtime(root: Path) -> dict[str, str]:
    states = root.parent / f"{root.name}.state" / "zone-states"
    return dict(line.split("=", 1) for line in states.read_text().splitlines()) if states.exists() else {}


def test_svm_and_nfs_zonepath_zones_move_by_detach_attach_beside_the_flash_archive(
    team: Any, tmp_path: Path
) -> None:
    world = make_world(team, tmp_path, destination="identical", route=None)
    assert {z["name"]: z["route"] for z in world.plan.report["zones"] if z["route"] != "flar"} == {
        "z-nfs-zonepath": "detach_attach",
        "z-svm": "detach_attach",
    }
    archived = run(world, "archive")
    assert archived.state == "succeeded", archived.error
    got = results(archived)
    for zone in MOVED:
        assert got[zone][0] == "ok" and "detached (zoneadm detach)" in got[zone][1], got[zone]
        assert "dry run: zoneadm detach -n wrote the manifest" in got[zone][1]
    assert "/data (/dev/md/dsk/d100) archived with pax" in got["z-svm"][1]
    # The source keeps the detached zones (configured, SUNWdetached.xml in the zonepath) for the rollback.
    source_index = index(world.source_root)
    assert source_index["z-svm"][0] == "configured" and source_index["z-ready"][0] == "installed"
    assert (world.source_root / "zones/z-svm/SUNWdetached.xml").is_file()
    # The flash archive leaves their zonepaths out but carries their configuration.
    names = set(cpio_names(world.archive(archived.archive_path)))
    assert "etc/zones/z-svm.xml" in names and "zones/z-ready/root/etc/hosts" in names
    assert not [n for n in names if n.startswith(("zones/z-svm/", "nfszones/"))]
    # The zonepath archive is a POSIX tar (what pax writes), named from the zonepath's parent.
    record = archived.result["route_archives"]["z-svm"]
    with tarfile.open(world.archive(record["archive"])) as pax:
        members = pax.getnames()
    assert "z-svm/SUNWdetached.xml" in members and "z-svm/root/etc/hosts" in members
    tar = require_tools("tar")["tar"]
    listed = subprocess.run(
        [tar, "-tf", str(world.archive(record["data"]["/data"]))], capture_output=True, text=True
    )
    assert listed.returncode == 0 and "./README" in listed.stdout.split()

    extracted = run(world, "extract")
    assert extracted.state == "succeeded", extracted.error
    got = results(extracted)
    nfs = got["z-nfs-zonepath"]
    assert (
        nfs[0] == "ok"
        and "zonepath unpacked as /zones/z-nfs-zonepath (off NFS: /nfszones/z-nfs-zonepath)" in nfs[1]
    )
    assert "attached (zoneadm attach)" in nfs[1] and "its configuration came with the flash archive" in nfs[1]
    destination = world.destination()
    dest_index = index(world.destination_root)
    assert dest_index["z-nfs-zonepath"] == ("installed", "/zones/z-nfs-zonepath")
    assert dest_index["z-svm"] == ("installed", "/zones/z-svm")
    assert not (world.destination_root / "zones/z-svm/SUNWdetached.xml").exists()  # attach consumed it
    assert (world.destination_root / "zones/z-nfs-zonepath/root/etc/hosts").is_file()
    # SVM stays behind: /data is on a plain slice of the destination, with the volume's files.
    svm = destination.zone_config("z-svm")
    special = next(fs.special for fs in svm.fs if fs.dir == "/data")
    assert special.startswith("/dev/dsk/c") and destination.device_has_data(special)
    assert (destination.device_path(special) / "README").is_file()
    assert f"/data put on {special} (newfs, pax)" in got["z-svm"][1]
    assert got["z-ready"][0] == "ok"  # a flash-archive zone, as before


def test_a_t7_1_gets_solaris10_branded_zones_from_their_v2v_archives(team: Any, tmp_path: Path) -> None:
    world = make_world(team, tmp_path, destination="t7-1", route=None)
    assert {z["route"] for z in world.plan.report["zones"]} == {"s10_branded"}
    archived = run(world, "archive")
    assert archived.state == "succeeded", archived.error
    assert archived.archive_path == ""  # no flash archive: no zone takes it
    got = results(archived)
    assert all(state == "ok" for state, _ in got.values()), got
    assert "readied so the archive holds its inherited directories and file systems" in got["z-ufs"][1]
    # GNU cpio reads the V2V archive: names from the zonepath's parent; the ready zone's ufs is in it.
    record = archived.result["route_archives"]["z-ufs"]
    cpio = require_tools("cpio")["cpio"]
    payload = gzip.decompress(world.archive(record["archive"]).read_bytes())
    listing = subprocess.run([cpio, "-it", "--quiet"], input=payload, capture_output=True, check=True)
    names = listing.stdout.decode().splitlines()
    assert "z-ufs/root/etc/hosts" in names and "z-ufs/root/opt/local/README" in names
    # The zones stay halted on the source (ready only while archived).
    assert not {z: s for z, s in runtime(world.source_root).items() if s in ("running", "ready")}

    extracted = run(world, "extract")
    assert extracted.state == "succeeded", extracted.error
    got = results(extracted)
    assert all(state == "ok" for state, _ in got.values()), got
    assert "installed from its V2V archive (zoneadm install -a ARCHIVE -u)" in got["z-ready"][1]
    assert "net bge1 remapped to net1" in got["z-net-remap"][1]
    assert (world.destination_root.parent / f"{world.destination_root.name}.state/brand-solaris10").is_file()
    config = parse_zone_xml((world.destination_root / "etc/zones/z-ufs.xml").read_text(), source="z-ufs.xml")
    assert config.brand == "solaris10" and config.inherit_pkg_dirs == [] and config.fs == []
    assert index(world.destination_root)["z-ufs"] == ("installed", "/zones/z-ufs")
    assert (world.destination_root / "zones/z-ufs/root/opt/local/README").is_file()
    assert runtime(world.destination_root)["z-ready"] == "running"
    assert extracted.events.filter(message__contains="S10B_BRAND_PACKAGE").exists() is False
    assert not extracted.events.filter(message__contains="DEST_NO_NATIVE_S10").exists()  # not the flar's


def test_a_failed_detach_attach_zone_is_attached_again_and_its_retry_completes_the_move(
    team: Any, tmp_path: Path
) -> None:
    world = make_world(team, tmp_path, destination="identical", route=None)
    devices = world.source_root.parent / f"{world.source_root.name}.devices/dsk"
    (devices / "d100").rename(devices / "d100.away")  # the SVM volume cannot be mounted
    archived = run(world, "archive")
    assert archived.state == "partial"
    state, message = results(archived)["z-svm"]
    assert state == "failed" and "mount: /dev/md/dsk/d100: No such device" in message
    assert "attached again on the source: its archive was not made" in message
    assert index(world.source_root)["z-svm"][0] == "installed"  # the rollback: re-attached
    assert not (world.source_root / "zones/z-svm/SUNWdetached.xml").exists()

    (devices / "d100.away").rename(devices / "d100")
    retried = run(world, "archive", zone_names=("z-svm",))
    assert retried.state == "succeeded", retried.error
    assert retried.archive_path == ""  # only the detach/attach zone: no new flash archive
    assert results(retried)["z-svm"][0] == "ok"

    extracted = run(world, "extract", archive_path=archived.archive_path)
    assert extracted.state == "succeeded", [r for r in results(extracted).items() if r[1][0] != "ok"]
    assert {zone: results(extracted)[zone][0] for zone in MOVED} == {"z-nfs-zonepath": "ok", "z-svm": "ok"}


def test_a_cancel_after_a_detach_attaches_the_zone_again(
    team: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobs import lifecycle
    from jobs.executors.local import LocalExecutor
    from jobs.models import Job

    world = make_world(team, tmp_path, destination="identical", route=None)
    original = LocalExecutor.zone_detach

    def detach_then_cancel(self: LocalExecutor, zone: str, *, dry_run: bool = False) -> str:
        out = original(self, zone, dry_run=dry_run)
        if not dry_run:
            lifecycle.job_cancel(job=Job.objects.get(state=Job.State.RUNNING))
        return out

    monkeypatch.setattr(LocalExecutor, "zone_detach", detach_then_cancel)
    job = run(world, "archive")
    assert job.state == "cancelled"
    assert index(world.source_root)["z-nfs-zonepath"][0] == "installed"
    assert job.events.filter(level="warning", message__contains="attached again on the source").exists()
    assert not list(world.archives.glob(f"{SOURCE}-*.flar")), "no flash archive was made"
