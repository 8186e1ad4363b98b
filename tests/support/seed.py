"""The seed-row world of the job tests: fleetgen's seed-row host (one zone per row of the seed
document's results table) planned against a destination, stood up as local-executor trees, and
jobs run over it in this process; what each seed row's zone should report."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.archives import require_tools, split_payload

SOURCE = "src-seed-01"


@dataclass
class World:
    """A planned migration of the seed-row host, with its trees on the worker."""

    team: Any
    plan: Any
    tmp: Path
    source_root: Path
    destination_root: Path
    destination_host: str

    archives: Path  # the team's folder of the archive store

    def params(self, **extra: Any) -> dict[str, Any]:
        # The trees are the hosts' default ones (<root>/team-<id>/host-<id>); the output is named
        # relative to the team's archive folder, as the API and the forms give it.
        return {"output_path": f"{SOURCE}-{len(list(self.plan.jobs.all()))}.flar", **extra}

    def archive(self, relative: str) -> Path:
        """An archive a job recorded (relative to the team's folder), as a file on the worker."""
        return self.archives / relative

    def source(self) -> Any:
        from jobs.executors.local import LocalExecutor

        return LocalExecutor(root=self.source_root, host=SOURCE)

    def destination(self) -> Any:
        from jobs.executors.local import LocalExecutor

        return LocalExecutor(root=self.destination_root, host=self.destination_host)


def make_world(
    team: Any, tmp: Path, destination: str = "different", *, route: str | None = "flar", **tree: Any
) -> World:
    """Import the seed-row host and a destination through the real loaders, plan, build the tree.

    Every zone is pinned to ``route`` (the flash archive: the seed's rows are about it), or, with
    None, takes its recommended route (issue #14)."""
    from jobs import storage
    from jobs.executors.local_tree import build_host_tree
    from planner import fleet, services
    from planner.inputs import load_path

    bundles = tmp / "bundles"
    source_loaded = load_path(str(fleet.write_bundle(bundles, fleet.seed_rows_host(SOURCE))))
    if destination == "t7-1":  # a collected Solaris 11.4 SPARC T7-1 with the solaris10 brand
        from tests.support.plans import SAMPLES

        destination_loaded = load_path(str(SAMPLES / "bundle-s11dest"))
    else:
        spec = fleet.different_destination() if destination == "different" else fleet.identical_destination()
        destination_loaded = load_path(str(fleet.write_bundle(bundles, spec)))
    source = services.host_import(team=team, loaded=source_loaded).host
    target = services.host_import(team=team, loaded=destination_loaded).host
    source_root = build_host_tree(storage.host_root(team.pk, source.pk), source_loaded.inventory, **tree)
    plan = services.plan_create(team=team, source=source, destination=target)
    if route is not None:
        from planner.models import RouteOverride

        RouteOverride.objects.bulk_create(
            RouteOverride(plan=plan, zone=z.name, method=route)
            for z in source_loaded.inventory.zones
            if z.name != "global"
        )
        plan = services.plan_recompute(plan=plan)
    return World(
        team,
        plan,
        tmp,
        source_root,
        storage.host_root(team.pk, target.pk),
        destination_loaded.inventory.hostname,
        storage.team_archive_root(team.pk),
    )


def run(world: World, kind: str, zone_names: tuple[str, ...] = (), **params: Any) -> Any:
    """Create, claim and run one job the way the Celery task does, but in this process."""
    from jobs import lifecycle, progress
    from jobs.runners import run_job

    job = lifecycle.job_create(
        team=world.team, kind=kind, plan=world.plan, params=world.params(**params), zone_names=zone_names
    )
    claimed = progress.job_claim(job_id=job.pk, task_id="in-process")
    assert claimed is not None
    return run_job(claimed)


def results(job: Any) -> dict[str, tuple[str, str]]:
    return {r.zone: (r.state, r.message) for r in job.zone_results.all()}


def check_zone_results(
    got: dict[str, tuple[str, str]], expected: dict[str, tuple[str, list[str]]], prefix: str = "z-"
) -> None:
    """Each seed row's zone has the expected state and every expected phrase in its message."""
    from planner.fleet import SEED_ROW_KINDS

    assert set(expected) == set(SEED_ROW_KINDS), "every seed row needs an expectation"
    assert set(got) == {prefix + kind for kind in SEED_ROW_KINDS}
    problems = []
    for kind, (state, phrases) in expected.items():
        got_state, message = got[prefix + kind]
        missing = [p for p in phrases if p not in message]
        if got_state != state or missing:
            problems.append(f"{prefix}{kind}: {got_state} (wanted {state}) {message!r}; missing {missing}")
    assert not problems, "\n".join(problems)


# What an archive job says about each seed row when the destination is different hardware.
ARCHIVE_EXPECTED: dict[str, tuple[str, list[str]]] = {
    "running": ("ok", ["halted (was running) so the archive is complete", "archived ("]),
    "autoboot": ("ok", ["autoboot=false in the archive", "autoboot restored to true on the source"]),
    "net-same": ("ok", ["archived ("]),
    "net-remap": ("ok", ["archived ("]),
    "nfs": ("ok", ["NFS nas01:/export/data/z-nfs on /data is in the zone's own vfstab", "archived ("]),
    "nfs-zonepath": (
        "failed",
        ["zonepath /nfszones/z-nfs-zonepath is on NFS (nas01:/export/zones)", "not in the archive"],
    ),
    "lofs": ("ok", ["archived ("]),
    "ufs": (
        "warning",
        [
            "mounted /dev/dsk/c1t1d0s0 on /zones/z-ufs/root/opt/local from the global zone",
            "zone-private ufs /opt/local is in the archive",
            "the extraction is blocked until: No disk of dst-diff-01 has room for /opt/local",
        ],
    ),
    "svm": ("failed", ["blocked: Zone z-svm's file system /data is on metadevice d100"]),
    "device": ("ok", ["archived ("]),
    "ready": ("ok", ["archived ("]),
}

# What an extract job says about each seed row on the different-hardware destination.
EXTRACT_EXPECTED: dict[str, tuple[str, list[str]]] = {
    "running": ("ok", ["net bge0 remapped to e1000g0", "matches the plan"]),
    "autoboot": ("ok", ["net bge2 remapped to e1000g2", "autoboot restored to true"]),
    "net-same": ("ok", ["net bge0 remapped to e1000g0"]),
    "net-remap": ("ok", ["net bge1 remapped to e1000g1"]),
    "nfs": ("ok", ["NFS nas01:/export/data/z-nfs on /data is in the zone's vfstab"]),
    "nfs-zonepath": ("failed", ["blocked: The zonepath of z-nfs-zonepath is on NFS"]),
    "lofs": ("ok", ["lofs /export/home/shared on /export/shared works"]),
    "ufs": ("failed", ["capacity: zone-private ufs /opt/local does not fit on the destination: needs"]),
    "svm": ("failed", ["blocked: Zone z-svm's file system /data is on metadevice d100"]),
    "device": (
        "warning",
        [
            "device /dev/rmt/0 removed",
            "device /dev/dsk/c2t0d0s* removed",
            "device /dev/rdsk/c2t0d0s* removed",
        ],
    ),
    "ready": ("ok", ["matches the plan"]),
}


def cpio_names(archive: Path) -> list[str]:
    tools = require_tools("cpio")
    listing = subprocess.run(
        [tools["cpio"], "-it", "--quiet"], input=split_payload(archive), capture_output=True, check=True
    )
    return listing.stdout.decode("utf-8", "surrogateescape").splitlines()


def cpio_member(archive: Path, name: str) -> str:
    tools = require_tools("cpio")
    out = subprocess.run(
        [tools["cpio"], "-i", "--quiet", "--to-stdout", name],
        input=split_payload(archive),
        capture_output=True,
        check=True,
    )
    return out.stdout.decode()


def zone_xml_autoboot(xml: str) -> bool:
    from planner.solaris.zonexml import parse_zone_xml

    return parse_zone_xml(xml, source="archive").autoboot
