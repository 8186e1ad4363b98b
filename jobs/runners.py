"""What archive, extract and inspect jobs do, step by step, on any executor.

A runner reads the plan's report (findings, mappings, layout), drives an
executor, and records one result per zone with the concrete reason.  The
Celery task only claims the job and calls :func:`run_job`.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings

from planner.domain.findings import Code

from . import services
from .executors import executor_for
from .executors.base import ArchiveSpec, Executor, ExecutorError
from .models import Job, ZoneResult

log = logging.getLogger(__name__)

# Findings that make a zone unusable on the destination whatever the archive holds.
ZONE_BLOCKERS = {
    Code.ZONEPATH_ON_NFS.value,
    Code.SVM_IN_USE.value,
    Code.NET_NO_TARGET.value,
    Code.FS_UFS_NO_SPACE.value,
}


@dataclass
class ZoneNotes:
    """What happened to one zone so far; becomes its ZoneResult."""

    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def state(self) -> str:
        if self.failures:
            return ZoneResult.State.FAILED
        if self.warnings:
            return ZoneResult.State.WARNING
        return ZoneResult.State.OK

    def message(self) -> str:
        return "; ".join(self.failures + self.warnings + self.notes)


def run_job(job: Job) -> Job:
    """Run a claimed job to a terminal state; never raises."""
    runner = {
        Job.Kind.ARCHIVE: ArchiveRunner,
        Job.Kind.EXTRACT: ExtractRunner,
        Job.Kind.INSPECT: InspectRunner,
    }[Job.Kind(job.kind)](job)
    try:
        runner.run()
    except services.JobCancelled as exc:
        runner.cleanup()
        return services.job_mark_cancelled(job, str(exc))
    except ExecutorError as exc:
        runner.cleanup()
        return services.job_finish(job, error=str(exc))
    except Exception as exc:  # the job row must end whatever went wrong
        log.exception("job %s crashed", job.pk)
        runner.cleanup()
        services.job_log(job, traceback.format_exc(limit=5), level="error")
        return services.job_finish(job, error=f"internal error: {exc.__class__.__name__}: {exc}")
    runner.cleanup()
    return services.job_finish(job, result=runner.result)


class BaseRunner:
    role = "source"

    def __init__(self, job: Job) -> None:
        self.job = job
        self.plan = job.plan
        self.report: dict[str, Any] = self.plan.report if self.plan else {}
        self.progress = services.ProgressRecorder(job)
        self.result: dict[str, Any] = {}
        self._executor: Executor | None = None
        self.zone_notes: dict[str, ZoneNotes] = {}

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            self._executor = executor_for(self.job, role=self.role)
        return self._executor

    def zones_in_scope(self) -> list[str]:
        zones = [z["name"] for z in self.report.get("zones", [])]
        return [z for z in zones if z in self.job.zone_names] if self.job.zone_names else zones

    def zone_report(self, zone: str) -> dict[str, Any]:
        return next((z for z in self.report.get("zones", []) if z["name"] == zone), {"findings": []})

    def findings(self, zone: str, *codes: Code) -> list[dict[str, Any]]:
        wanted = {c.value for c in codes}
        return [f for f in self.zone_report(zone).get("findings", []) if f["code"] in wanted]

    def zonepath(self, zone: str) -> str:
        return str(self.zone_report(zone).get("zonepath") or f"/zones/{zone}")

    def start_zones(self, zones: list[str]) -> None:
        # A re-delivered attempt starts its zones afresh.
        self.job.zone_results.all().delete()
        services.zone_results_init(self.job, zones)
        self.zone_notes = {z: ZoneNotes() for z in zones}

    def finish_zone(self, zone: str) -> None:
        notes = self.zone_notes[zone]
        services.zone_result_set(self.job, zone, notes.state(), notes.message(), notes.details)

    def phase(self, name: str) -> None:
        self.progress.beat(force=True)
        services.job_set_phase(self.job, name)

    def cleanup(self) -> None:
        if self._executor is not None:
            try:
                self._executor.close()
            except Exception:  # cleanup must not hide the job's own outcome
                log.exception("closing the executor of job %s", self.job.pk)

    def run(self) -> None:
        raise NotImplementedError


def archive_output_path(job: Job) -> str:
    if job.params.get("output_path"):
        return str(job.params["output_path"])
    store = Path(settings.ARCHIVE_STORE)
    name = f"{job.plan.source.hostname if job.plan else 'archive'}-job{job.pk}.flar"
    return str(store / name)


class ArchiveRunner(BaseRunner):
    """Pre-archive steps, flarcreate, read-back verification, then undo the temporary mounts."""

    role = "source"

    def __init__(self, job: Job) -> None:
        super().__init__(job)
        self.mounted: list[str] = []

    def run(self) -> None:
        zones = self.zones_in_scope()
        self.start_zones(zones)
        self.phase("pre-archive: halting zones, autoboot, zone-private mounts")
        self.pre_archive(zones)
        self.phase("archive: flarcreate")
        outcome = self.create_archive()
        self.phase("verify: reading the archive back")
        check = self.executor.archive_check(outcome.path)
        if check.hash_ok is False:
            self.executor_remove(outcome.path)
            raise ExecutorError(f"the archive failed verification and was removed: {check.message}")
        self.unmount_all()
        self.result = {
            "archive_path": outcome.path,
            "archive_id": outcome.archive_id,
            "archived_bytes": outcome.archived_bytes,
            "unarchived_bytes": outcome.unarchived_bytes,
            "hash": check.message,
            "zones_in_archive": check.zones,
        }
        from .models import Job as JobModel

        JobModel.objects.filter(pk=self.job.pk).update(archive_path=outcome.path)
        for zone in zones:
            self.judge_zone(zone, check)
            self.finish_zone(zone)

    def pre_archive(self, zones: list[str]) -> None:
        states = {entry.name: entry.state for entry in self.executor.zone_list()}
        for zone in zones:
            notes = self.zone_notes[zone]
            services.zone_result_set(self.job, zone, ZoneResult.State.RUNNING, "pre-archive steps")
            state = states.get(zone)
            if state is None:
                notes.failures.append("the zone is not configured on the source any more")
                continue
            if state in ("running", "ready"):
                if self.job.params.get("halt_zones", True):
                    self.executor.zone_halt(zone)
                    notes.notes.append(f"halted (was {state}) so the archive is complete")
                else:
                    notes.warnings.append(
                        f"zone was {state} during flarcreate: the archive may be incomplete"
                    )
            if self.findings(zone, Code.AUTOBOOT_FIRST_BOOT):
                self.executor.zonecfg(zone, "set autoboot=false")
                notes.notes.append("autoboot set to false until the post-extraction steps are done")
            for finding in self.findings(zone, Code.FS_UFS_PRIVATE):
                details = finding.get("details", {})
                special = details.get("special", "")
                mount_point = details.get("mount_point") or str(
                    PurePosixPath(self.zonepath(zone)) / "root" / str(details.get("dir", "")).lstrip("/")
                )
                try:
                    self.executor.mount("ufs", special, mount_point)
                except ExecutorError as exc:
                    notes.warnings.append(f"could not mount {special} on {mount_point}: {exc}")
                    continue
                self.mounted.append(mount_point)
                notes.notes.append(f"mounted {special} on {mount_point} for the archive")
                notes.details.setdefault("mounted", []).append(mount_point)
            self.progress.beat()

    def create_archive(self) -> Any:
        options = self.plan.options if self.plan else {}
        spec = ArchiveSpec(
            name=str(self.job.params.get("archive_name") or f"{self.plan.source.hostname}-zflar"),
            output_path=archive_output_path(self.job),
            excludes=list(options.get("excluded_paths", [])),
            compress=bool(self.job.params.get("compress", False)),
            description=f"zflar plan {self.plan.pk}: {self.plan.name}" if self.plan else "",
        )
        return self.executor.archive_create(spec, self.progress, lambda: False)

    def executor_remove(self, path: str) -> None:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", path)

    def judge_zone(self, zone: str, check: Any) -> None:
        notes = self.zone_notes[zone]
        if zone not in check.zones:
            notes.failures.append("the zone is not in the archive's /etc/zones/index")
        elif not check.members_by_zone.get(zone):
            notes.failures.append("the archive holds nothing under the zone's root")
        for mount_point in check.empty_zone_mounts.get(zone, []):
            fs_dir = _zone_relative(mount_point, self.zonepath(zone))
            notes.failures.append(
                f"zone-private ufs {fs_dir} was not mounted, so it is missing from the archive"
            )
        for finding in self.zone_report(zone).get("findings", []):
            if finding["code"] in ZONE_BLOCKERS:
                notes.failures.append(f"blocked: {finding['message']}")
        if not notes.failures:
            notes.notes.append(f"archived ({check.members_by_zone.get(zone, 0)} entries)")

    def unmount_all(self) -> None:
        while self.mounted:
            mount_point = self.mounted.pop()
            try:
                self.executor.umount(mount_point)
            except ExecutorError as exc:
                services.job_log(self.job, f"could not unmount {mount_point}: {exc}", level="warning")

    def cleanup(self) -> None:
        try:
            if self._executor is not None:
                self.unmount_all()
        finally:
            super().cleanup()


def _zone_relative(mount_point: str, zonepath: str) -> str:
    root = str(PurePosixPath(zonepath) / "root")
    return mount_point[len(root) :] or "/" if mount_point.startswith(root) else mount_point


class ExtractRunner(BaseRunner):
    """Capacity check, extraction, NIC/device/vfstab remaps, then a check of every zone."""

    role = "destination"

    def run(self) -> None:
        zones = self.zones_in_scope()
        self.start_zones(zones)
        archive = self.archive_path()
        self.phase("capacity: checking the planned layout and free space")
        self.check_capacity(archive)
        if getattr(self.executor, "extracts_archives", True):
            self.phase("extract: writing the archive onto the destination")
            outcome = self.executor.archive_extract(archive, self.progress)
            if outcome.hash_ok is False:
                raise ExecutorError(
                    "the archive's contents do not match its archive_id; extraction is not trusted"
                )
            if outcome.refused:
                services.job_log(
                    self.job,
                    f"refused {len(outcome.refused)} unsafe entries: {outcome.refused[:5]}",
                    level="warning",
                )
            self.result = {
                "archive_path": archive,
                "files": outcome.files,
                "bytes": outcome.bytes,
                "refused": outcome.refused,
                "devices_skipped": outcome.devices_skipped,
            }
        else:
            # On real hosts JumpStart installs the flar; this job performs the post-extraction steps.
            services.job_log(
                self.job,
                "the destination was installed from the archive by JumpStart; "
                "applying the post-extraction steps over ssh",
            )
            self.result = {"archive_path": archive}
        self.phase("remap: NIC, device and vfstab changes")
        for zone in zones:
            services.zone_result_set(self.job, zone, ZoneResult.State.RUNNING, "applying remaps")
            try:
                self.remap_zone(zone)
            except ExecutorError as exc:
                self.zone_notes[zone].failures.append(str(exc))
            self.progress.beat()
        self.phase("check: comparing each zone with the plan")
        for zone in zones:
            if not self.zone_notes[zone].failures:
                self.check_zone(zone)
            self.finish_zone(zone)

    def archive_path(self) -> str:
        path = self.job.params.get("archive_path")
        if not path and self.plan is not None:
            last = (
                self.plan.jobs.filter(
                    kind=Job.Kind.ARCHIVE, state__in=[Job.State.SUCCEEDED, Job.State.PARTIAL]
                )
                .exclude(archive_path="")
                .order_by("-finished")
                .first()
            )
            path = last.archive_path if last else ""
        if not path:
            raise ExecutorError("no archive to extract: run an archive job first or give archive_path")
        return str(path)

    def archive_job_result(self) -> dict[str, Any]:
        if self.plan is None:
            return {}
        last = (
            self.plan.jobs.filter(kind=Job.Kind.ARCHIVE, state__in=[Job.State.SUCCEEDED, Job.State.PARTIAL])
            .order_by("-finished")
            .first()
        )
        return dict(last.result) if last else {}

    def check_capacity(self, archive: str) -> None:
        unplaced = self.report.get("layout", {}).get("unplaced", [])
        if unplaced:
            short = ", ".join(f"{u['key']} short by {u.get('shortfall_mb', 0)} MB" for u in unplaced)
            raise ExecutorError(f"the planned layout does not fit the destination disks: {short}")
        needed = int(self.archive_job_result().get("unarchived_bytes") or 0)
        if getattr(self.executor, "extracts_archives", True):
            check = self.executor.archive_check(archive)
            needed = int(check.identification.get("files_unarchived_size") or needed)
        free = self.executor.free_bytes("/")
        if needed and free < needed:
            raise ExecutorError(
                f"the destination has {free // 2**20} MB free but the archive unpacks to {needed // 2**20} MB"
            )

    def remap_zone(self, zone: str) -> None:
        notes = self.zone_notes[zone]
        commands: list[str] = []
        for m in self.report.get("nic_mappings", []):
            if m["zone"] != zone:
                continue
            if m["action"] == "drop":
                commands.append(f"remove net physical={m['physical']}")
                notes.notes.append(f"net {m['physical']} dropped")
            elif m.get("target") and m["target"] != m["physical"]:
                commands.append(f"select net physical={m['physical']}; set physical={m['target']}; end")
                notes.notes.append(f"net {m['physical']} remapped to {m['target']}")
        for m in self.report.get("device_mappings", []):
            if m["zone"] != zone:
                continue
            if m["action"] == "remove":
                commands.append(f"remove device match={m['match']}")
                notes.warnings.append(
                    f"device {m['match']} removed; check the zone's applications before first boot"
                )
            elif m["action"] == "replace" and m.get("replacement"):
                commands.append(f"select device match={m['match']}; set match={m['replacement']}; end")
                notes.warnings.append(
                    f"device {m['match']} changed to {m['replacement']}; check it before first boot"
                )
        if commands:
            self.executor.zonecfg(zone, "; ".join(commands))
        for finding in self.findings(zone, Code.FS_UFS_PRIVATE):
            self.configure_ufs(zone, finding)

    def configure_ufs(self, zone: str, finding: dict[str, Any]) -> None:
        """The seed's workaround on the destination: configure the slice into the GZ vfstab."""
        details = finding.get("details", {})
        fs_dir = str(details.get("dir", ""))
        mount_point = str(PurePosixPath(self.zonepath(zone)) / "root" / fs_dir.lstrip("/"))
        device = str(details.get("destination_device") or details.get("special", ""))
        raw = str(details.get("destination_raw") or device.replace("/dev/dsk/", "/dev/rdsk/"))
        place_on_slice = getattr(self.executor, "place_on_slice", None)
        if place_on_slice is not None:
            # JumpStart mounts the planned slice at the mount point while it extracts; the local
            # executor extracted into the tree, so it moves that content onto the slice now.
            place_on_slice(device, mount_point)
        line = f"{device}\t{raw}\t{mount_point}\tufs\t2\tyes\t-\t# zflar: temporary, remove after first boot"
        vfstab = self.executor.read_file("/etc/vfstab") or ""
        if mount_point not in vfstab:
            self.executor.write_file("/etc/vfstab", vfstab.rstrip("\n") + "\n" + line + "\n")
        self.zone_notes[zone].notes.append(
            f"ufs {fs_dir} configured in the global zone's vfstab as {device} (remove after first boot)"
        )
        self.zone_notes[zone].details.setdefault("ufs", []).append({"dir": fs_dir, "device": device})

    def check_zone(self, zone: str) -> None:
        notes = self.zone_notes[zone]
        try:
            config = self.executor.zone_config(zone)
        except ExecutorError as exc:
            notes.failures.append(f"cannot read the zone's configuration after extraction: {exc}")
            return
        ports = {n["name"] for n in self.report.get("destination_nics", [])}
        for net in config.nets:
            if ports and net.physical not in ports:
                notes.failures.append(f"net {net.physical} does not exist on the destination")
        expected = {
            (m["physical"], m.get("address", "")): m
            for m in self.report.get("nic_mappings", [])
            if m["zone"] == zone
        }
        for (physical, _address), m in expected.items():
            if m["action"] == "drop":
                continue
            want = m.get("target") or physical
            if not any(n.physical == want for n in config.nets):
                notes.failures.append(f"net {physical} should be on {want} but is not")
        for finding in self.zone_report(zone).get("findings", []):
            if finding["code"] in ZONE_BLOCKERS:
                notes.failures.append(f"blocked: {finding['message']}")
        for item in notes.details.get("ufs", []):
            device = item["device"]
            if not self.executor_has_data(device):
                notes.failures.append(
                    f"zone-private ufs {item['dir']} is empty on {device}: it was missing from the archive"
                )
        if self.findings(zone, Code.AUTOBOOT_FIRST_BOOT):
            notes.notes.append("autoboot stays off until the finish script has run")

    def executor_has_data(self, device: str) -> bool:
        has_data = getattr(self.executor, "device_has_data", None)
        return True if has_data is None else bool(has_data(device))


class InspectRunner(BaseRunner):
    """Read a flar: identification, hash, zones inside, and the seed's pitfalls visible inside."""

    role = "inspect"

    def run(self) -> None:
        path = str(self.job.params.get("archive_path", ""))
        self.phase("inspect: reading the archive")
        check = self.executor.archive_check(path)
        zones = check.zones
        self.start_zones(zones)
        destination_ports = set(self.job.params.get("destination_ports", []))
        for zone in zones:
            notes = self.zone_notes[zone]
            for mount_point in check.empty_zone_mounts.get(zone, []):
                notes.failures.append(
                    f"{mount_point} is an empty directory where a zone-private ufs file system should be"
                )
            if destination_ports:
                try:
                    config = self.executor.zone_config(zone)
                except ExecutorError:
                    config = None
                for net in config.nets if config else []:
                    if net.physical not in destination_ports:
                        notes.warnings.append(f"net {net.physical} is not a port on the chosen destination")
            notes.notes.append(f"{check.members_by_zone.get(zone, 0)} entries under the zone root")
            self.finish_zone(zone)
        self.result = {
            "identification": check.identification,
            "hash_ok": check.hash_ok,
            "hash": check.message,
            "members": check.member_count,
            "zones": zones,
            "empty_zone_mounts": check.empty_zone_mounts,
        }
        if check.hash_ok is False:
            raise ExecutorError(f"the archive does not verify: {check.message}")
