"""What archive, extract and inspect jobs do, step by step, on any executor.

A runner reads the plan's report (findings, mappings, layout), drives an
executor, and records one result per zone with the concrete reason.  The
Celery task only claims the job and calls :func:`run_job`.

The steps follow the runbook (``planner.domain.runbook``) and the seed document:

- archive: halt the running zones, turn autoboot off where the first boot on the
  destination would fail, mount each zone-private ufs slice into its zone root from
  the global zone (the seed's workaround), flarcreate, read the archive back, then
  undo the temporary mounts and the autoboot changes on the source;
- extract: check the planned layout and free space, extract, apply the NIC, device
  and file system remaps and the temporary global-zone vfstab lines, restore
  autoboot, then compare every zone with the plan.

The archive is always of the whole system, so an archive job prepares every zone
even when it reports on only some (a retry of the failed zones): a zone left running
or a slice left unmounted would be missing from the new archive.
"""

from __future__ import annotations

import logging
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from planner.domain.contract import Finding, Report, ReportZone
from planner.domain.findings import FIELD_TEST, Code
from planner.domain.quoting import zonecfg_token
from planner.models import InventorySnapshot
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import HostInventory, VfstabEntry, ZoneConfig
from planner.solaris.names import is_hostname
from planner.solaris.vfstab import parse_vfstab

from . import archives, progress, storage
from .connect import executor_for
from .executors.base import ArchiveCheck, ArchiveOutcome, ArchiveSpec, Executor, ExecutorError
from .executors.local_tree import build_empty_host_tree, build_host_tree
from .models import Archive, Job, ZoneResult
from .zone_moves import FLAR, ZoneMoves, route_of

log = logging.getLogger(__name__)

BLOCKER = "blocker"
# Blockers about what the source can put into an archive; the other blockers (no room,
# no port on the destination) do not spoil the archive, only the extraction.
SOURCE_BLOCKERS = {Code.ZONEPATH_ON_NFS.value, Code.SVM_IN_USE.value}
# Index states of zones that have no zone root yet (nothing to halt, mount or archive).
NOT_INSTALLED = ("configured", "incomplete")


def plural(count: int, one: str, many: str) -> str:
    """``1 entry``, ``2 entries``: a count with its noun."""
    return f"{count} {one if count == 1 else many}"


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
        runner.preflight()
        runner.run()
    except progress.JobCancelled as exc:
        runner.cleanup()
        return progress.job_mark_cancelled(job, str(exc))
    except ExecutorError as exc:
        runner.cleanup()
        return progress.job_finish(job, error=str(exc))
    except Exception as exc:  # the job row must end whatever went wrong
        log.exception("job %s crashed", job.pk)
        runner.cleanup()
        progress.job_log(job, traceback.format_exc(limit=5), level="error")
        return progress.job_finish(job, error=f"internal error: {exc.__class__.__name__}: {exc}")
    runner.cleanup()
    return progress.job_finish(job, result=runner.result)


class BaseRunner:
    role = "source"

    def __init__(self, job: Job) -> None:
        self.job = job
        self.plan = job.plan
        self.report = Report.from_dict(self.plan.report if self.plan else {})
        self.progress = progress.ProgressRecorder(job)
        self.result: dict[str, Any] = {}
        self._executor: Executor | None = None
        self._source_executor: Executor | None = None
        self.zone_notes: dict[str, ZoneNotes] = {}
        self.moves = ZoneMoves(self)

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            self._executor = executor_for(self.job, role=self.role, local_root=self.local_root())
        return self._executor

    @property
    def is_local(self) -> bool:
        return self.job.executor == Job.Executor.LOCAL or self.role == "inspect"

    def local_root(self) -> Path | None:
        """The local executor's tree for this role: ``<root>/team-<id>/host-<id>`` unless the job
        names another tree of its team (``source_root``/``destination_root``, relative to the team's
        folder).  Built from ids and confined to the team's folder; None for other executors."""
        if not self.is_local or self.plan is None:
            return None
        host = self.plan.source if self.role == "source" else self.plan.destination
        key = "source_root" if self.role == "source" else "destination_root"
        requested = self.job.params.get(key)
        try:
            if requested:
                return storage.host_tree(self.job.team_id, str(requested), what=key)
            return storage.host_root(self.job.team_id, host.pk)
        except storage.PathEscape as exc:
            raise ExecutorError(f"refused: {exc}") from exc

    # --- the local executor's rehearsal tree -------------------------------------------------------

    REHEARSAL_MARK = "rehearsal-built"

    def ensure_rehearsal_tree(self) -> None:
        """The local executor is a rehearsal: without a folder tree for the host under its team's
        folder, build one from the host's inventory (the snapshot the plan was computed from) and
        say so in the log.  A tree this rehearsal built from an older snapshot is built again; a
        tree someone else put there (the demo, a test, ``source_root``) is used as it is."""
        if not self.is_local or self.plan is None or self.role not in ("source", "destination"):
            return
        key = "source_root" if self.role == "source" else "destination_root"
        if self.job.params.get(key):
            return  # a tree the job names: it must be there
        root = self.local_root()
        if root is None:
            return
        host = self.plan.source if self.role == "source" else self.plan.destination
        snapshot_id = (
            self.plan.source_snapshot_id if self.role == "source" else self.plan.destination_snapshot_id
        )
        mark = root.parent / f"{root.name}.state" / self.REHEARSAL_MARK
        stamp = f"snapshot={snapshot_id}\n"
        if root.exists():
            if not mark.is_file() or mark.read_text() == stamp:
                return
            progress.job_log(
                self.job,
                f"rehearsal: {host.hostname} was imported again since its folder tree was built; "
                "building it anew",
            )
            storage.remove_host_tree(self.job.team_id, host.pk)
        try:
            storage.ensure_folder(root.parent, what="the team's folder of host trees")
            if self.role == "source":
                inventory, number = self.snapshot_inventory(snapshot_id)
                build_host_tree(root, inventory)
                zones = sorted(z.name for z in inventory.zones)
                count = f"{len(zones)} zone{'s' if len(zones) != 1 else ''}"
                what = (
                    f"{count} ({', '.join(zones) or 'none'}) with their zonepaths, file systems and "
                    "configurations, /etc/zones/index and the vfstabs"
                )
                source = f"its inventory (import #{number})"
            else:
                build_empty_host_tree(root)
                what, source = "an empty, freshly installed system", "nothing: a destination starts empty"
            mark.parent.mkdir(parents=True, exist_ok=True)
            mark.write_text(stamp)
        except (ExecutorError, storage.StorageError, storage.PathEscape, OSError, ValueError) as exc:
            raise ExecutorError(
                f"rehearsal: cannot build the folder tree of {host.hostname} on the worker: {exc}"
            ) from exc
        progress.job_log(
            self.job,
            f"rehearsal on the worker (touches no Solaris host): no folder tree existed for {host.hostname}, "
            f"so one was built from {source}: {what}",
        )

    def snapshot_inventory(self, snapshot_id: int) -> tuple[HostInventory, int]:
        snapshot = InventorySnapshot.objects.only("number", "inventory").get(pk=snapshot_id)
        return HostInventory.from_dict(snapshot.inventory), snapshot.number

    def preflight(self) -> None:
        """Before any step: every path the params name must resolve inside the job's team folder.

        The API and the forms accept only relative paths already; this holds whatever reached
        the job row (defence in depth), and fails the job before anything is opened."""
        if not self.is_local:
            return
        team = self.job.team_id
        roots = {
            "archive_path": storage.team_archive_root(team),
            "output_path": storage.team_archive_root(team),
            "source_root": storage.team_hosts_root(team),
            "destination_root": storage.team_hosts_root(team),
        }
        for key, root in roots.items():
            value = self.job.params.get(key)
            if value in (None, ""):
                continue
            try:
                storage.join_inside(root, str(value), what=key)
            except storage.PathEscape as exc:
                raise ExecutorError(f"refused: {exc}") from exc

    def source_executor(self) -> Executor:
        """The source host's executor (the extract runner streams the routes' archives from it)."""
        if self.role == "source":
            return self.executor
        if self._source_executor is None:
            root = self.local_root_of("source")
            self._source_executor = executor_for(self.job, role="source", local_root=root)
        return self._source_executor

    def local_root_of(self, role: str) -> Path | None:
        saved, self.role = self.role, role
        try:
            return self.local_root()
        finally:
            self.role = saved

    def flar_zones(self, zones: list[str]) -> list[str]:
        """The zones that take the flash archive (issue #14: the others move by their own route)."""
        return [z for z in zones if route_of(self.report, z) == FLAR]

    def team_archive(self, relative: str, *, what: str) -> Path:
        """An archive of the job's team, resolved inside its folder (ExecutorError otherwise)."""
        try:
            return storage.archive_file(self.job.team_id, relative, what=what)
        except storage.PathEscape as exc:
            raise ExecutorError(f"refused: {exc}") from exc

    def all_zones(self) -> list[str]:
        return self.report.zone_names

    def zones_in_scope(self) -> list[str]:
        zones = self.all_zones()
        return [z for z in zones if z in self.job.zone_names] if self.job.zone_names else zones

    def zone_report(self, zone: str) -> ReportZone:
        return self.report.zone(zone) or ReportZone(name=zone)

    def findings(self, zone: str, *codes: Code) -> list[Finding]:
        return self.zone_report(zone).findings_of(*(c.value for c in codes))

    def blockers(self, zone: str) -> list[Finding]:
        return self.zone_report(zone).blockers

    def zonepath(self, zone: str) -> str:
        return self.zone_report(zone).zonepath or f"/zones/{zone}"

    def zone_root(self, zone: str, directory: str = "") -> str:
        return str(PurePosixPath(self.zonepath(zone)) / "root" / directory.lstrip("/"))

    def notes_for(self, zone: str) -> ZoneNotes:
        """The zone's notes; a zone outside the job's scope gets a throwaway record."""
        return self.zone_notes.get(zone) or ZoneNotes()

    def start_zones(self, zones: list[str]) -> None:
        # A re-delivered attempt starts its zones afresh.
        progress.zone_results_init(self.job, zones, afresh=True)
        self.zone_notes = {z: ZoneNotes() for z in zones}

    def finish_zone(self, zone: str) -> None:
        notes = self.zone_notes[zone]
        progress.zone_result_set(self.job, zone, notes.state(), notes.message(), notes.details)

    def phase(self, name: str) -> None:
        self.progress.beat(force=True)
        progress.job_set_phase(self.job, name)

    def log_host_findings(self) -> list[dict[str, Any]]:
        """Host-level blockers and steps of the routes the zones take go to the job's log; the job
        itself goes on."""
        methods = self.report.methods_taken or [FLAR]
        found = [f for m in methods for f in self.report.host_findings_of(m)]
        findings = [f for f in found if f.severity in (BLOCKER, "step")]
        for finding in findings:
            level = "error" if finding.severity == BLOCKER else "warning"
            progress.job_log(self.job, f"host {finding.code}: {finding.message}", level=level)
        return [{"code": f.code, "severity": f.severity, "message": f.message} for f in findings]

    def read_vfstab(self, path: str) -> list[VfstabEntry]:
        text = self.executor.read_file(path)
        if text is None:
            return []
        try:
            return parse_vfstab(text, source=path)
        except SolarisParseError as exc:
            raise ExecutorError(str(exc)) from exc

    def nfs_line_in_zone_vfstab(self, zone: str, finding: Finding) -> tuple[str, str, bool]:
        """(device, mount point, whether the zone's own /etc/vfstab mounts it) for an FS_NFS finding."""
        device, mount_point = finding.detail("device"), finding.detail("mount_point")
        entries = self.read_vfstab(self.zone_root(zone, "/etc/vfstab"))
        present = any(
            e.fstype == "nfs" and e.device == device and e.mount_point == mount_point for e in entries
        )
        return device, mount_point, present

    def cleanup(self) -> None:
        for executor in (self._executor, self._source_executor):
            if executor is not None:
                try:
                    executor.close()
                except Exception:  # cleanup must not hide the job's own outcome
                    log.exception("closing an executor of job %s", self.job.pk)

    def run(self) -> None:
        raise NotImplementedError


def archive_output_relative(job: Job) -> str:
    """Where the job's archive goes, relative to its team's folder of the archive store.

    ``params.output_path`` when given (a relative path; anything else is refused), else
    ``job-<id>-<slug of the source's hostname>.flar``.
    """
    requested = job.params.get("output_path")
    if requested:
        try:
            return storage.check_relative(str(requested), what="output_path")
        except storage.PathEscape as exc:
            raise ExecutorError(f"refused: {exc}") from exc
    return storage.archive_file_name(job.pk, source_label(job))


def source_label(job: Job) -> str:
    """The source host's name for archive names and labels; its id when the stored name would not
    pass the boundary (a host imported before names were checked)."""
    if job.plan is None:
        return "archive"
    hostname = job.plan.source.hostname
    return hostname if is_hostname(hostname) else f"host-{job.plan.source_id}"


class ArchiveRunner(BaseRunner):
    """Pre-archive steps, flarcreate, read-back verification, then undo the temporary changes."""

    role = "source"

    def __init__(self, job: Job) -> None:
        super().__init__(job)
        self.mounted: list[tuple[str, str]] = []  # (zone, mount point)
        self.autoboot_off: list[str] = []  # still to restore on the source
        self.autoboot_changed: set[str] = set()
        self.index_states: dict[str, str] = {}
        self.created: str = ""  # the archive this attempt wrote, until the job keeps it

    def run(self) -> None:
        zones = self.zones_in_scope()
        self.start_zones(zones)
        self.ensure_rehearsal_tree()
        host_findings = self.log_host_findings()
        moved = [z for z in zones if z not in self.flar_zones(zones)]
        if moved:
            # Zones on detach/attach or solaris10 branded zones: detached (or readied) and archived
            # each on its own, before a flash archive is made that leaves them out.
            self.phase("routes: detach/attach and solaris10 zones on the source")
            states = {entry.name: entry.state for entry in self.executor.zone_list()}
            self.moves.source_side(moved, states)
        if not self.flar_zones(zones) and (zones or self.report.zones):
            self.result["host_findings"] = host_findings
            for zone in zones:
                self.finish_zone(zone)
            return
        self.phase("pre-archive: halting zones, autoboot, zone-private mounts")
        self.pre_archive(self.flar_zones(self.all_zones()))
        self.phase("archive: flarcreate")
        outcome = self.create_archive()
        self.created = outcome.path
        # A short archive may finish between two throttled progress writes: record the total.
        self.progress.beat(
            bytes_done=outcome.unarchived_bytes, bytes_total=outcome.unarchived_bytes, force=True
        )
        self.phase("verify: reading the archive back")
        check = self.executor.archive_check(outcome.path, self.progress)
        if check.hash_ok is False:
            raise ExecutorError(f"the archive failed verification and was removed: {check.message}")
        self.phase("post-archive: undoing the temporary mounts and autoboot changes")
        self.unmount_all()
        self.restore_autoboot()
        stored = self.keep_archive(outcome.path, outcome.archive_id)
        self.result = {
            **self.result,
            "archive_path": stored,
            "archive_id": outcome.archive_id,
            "archived_bytes": outcome.archived_bytes,
            "unarchived_bytes": outcome.unarchived_bytes,
            "hash": check.message,
            "zones_in_archive": check.zones,
            "host_findings": host_findings,
        }
        for zone in zones:
            if zone not in moved:
                self.judge_zone(zone, check)
            self.finish_zone(zone)
        progress.job_set_archive_path(self.job, stored)
        self.created = ""  # kept: the job ends with it

    def keep_archive(self, path: str, archive_id: str) -> str:
        """Record a local archive as the team's own; returns the path the job keeps.

        For the local executor that is the path relative to the team's folder; over ssh it is
        the path on the source host (the file never reaches the worker).
        """
        if not self.is_local:
            return path
        relative = storage.relative_archive(self.job.team_id, path)
        hostname = source_label(self.job)
        archives.archive_register(
            team_id=self.job.team_id,
            relative=relative,
            origin=Archive.Origin.JOB,
            name=f"{hostname} (job {self.job.pk})" if relative.startswith("job-") else relative,
            job=self.job,
            archive_id=archive_id,
            user=self.job.created_by,
        )
        return relative

    # --- before flarcreate -------------------------------------------------------------------

    def pre_archive(self, zones: list[str]) -> None:
        listed = {entry.name: entry.state for entry in self.executor.zone_list()}
        self.index_states = listed
        for zone in zones:
            notes = self.notes_for(zone)
            if zone in self.zone_notes:
                progress.zone_result_set(self.job, zone, ZoneResult.State.RUNNING, "pre-archive steps")
            state = listed.get(zone)
            if state is None:
                notes.failures.append("the zone is not configured on the source any more")
                continue
            try:
                self.prepare_zone(zone, state, notes)
            except ExecutorError as exc:
                # One zone's step failing spoils that zone's share of the archive, not the others'.
                notes.failures.append(f"pre-archive step failed: {exc}")
            self.progress.beat()

    def prepare_zone(self, zone: str, state: str, notes: ZoneNotes) -> None:
        self.halt(zone, state, notes)
        if state in NOT_INSTALLED:
            notes.notes.append(f"zone is only {state}: the archive carries its configuration, no zone root")
            return
        if self.findings(zone, Code.AUTOBOOT_FIRST_BOOT):
            self.executor.zonecfg(zone, "set autoboot=false")
            self.autoboot_off.append(zone)
            self.autoboot_changed.add(zone)
            notes.details["autoboot_off_for_archive"] = True
        for finding in self.findings(zone, Code.FS_UFS_PRIVATE):
            self.mount_private_fs(zone, finding, notes)
        for finding in self.findings(zone, Code.FS_NFS):
            self.check_nfs_line(zone, finding, notes, where="source")

    def halt(self, zone: str, state: str, notes: ZoneNotes) -> None:
        if state not in ("running", "ready", "shutting_down", "mounted"):
            return
        if not self.job.params.get("halt_zones", True):
            notes.failures.append(
                f"zone was {state} while flarcreate ran: {FIELD_TEST} found every such archive incomplete "
                "(run the archive again with halt_zones)"
            )
            return
        self.executor.zone_halt(zone)
        notes.notes.append(f"halted (was {state}) so the archive is complete; it stays halted on the source")
        notes.details["halted_from"] = state

    def mount_private_fs(self, zone: str, finding: Finding, notes: ZoneNotes) -> None:
        """The seed's workaround: mount the halted zone's slice into its root from the global zone."""
        directory = finding.detail("dir")
        special = finding.detail("special")
        mount_point = finding.detail("mount_point") or self.zone_root(zone, directory)
        if not self.job.params.get("mount_zone_private_fs", True):
            notes.details.setdefault("not_mounted", []).append(mount_point)
            return
        try:
            self.executor.mount("ufs", special, mount_point)
        except ExecutorError as exc:
            notes.warnings.append(f"could not mount {special} on {mount_point}: {exc}")
            notes.details.setdefault("not_mounted", []).append(mount_point)
            return
        self.mounted.append((zone, mount_point))
        notes.notes.append(f"mounted {special} on {mount_point} from the global zone for the archive")
        notes.details.setdefault("mounted", []).append(mount_point)

    def check_nfs_line(self, zone: str, finding: Finding, notes: ZoneNotes, *, where: str) -> None:
        """Seed: NFS mounts work when they are in the zone's own /etc/vfstab before flarcreate."""
        device, mount_point, present = self.nfs_line_in_zone_vfstab(zone, finding)
        if present:
            notes.notes.append(
                f"NFS {device} on {mount_point} is in the zone's own vfstab on the {where}: "
                "it mounts when the zone boots"
            )
        else:
            notes.warnings.append(
                f"NFS {device} on {mount_point} is not in the zone's /etc/vfstab on the {where}: "
                "the zone will not mount it"
            )

    # --- flarcreate and after ------------------------------------------------------------------

    def output_path(self) -> str:
        """The file flarcreate writes: inside the team's folder for the local executor (created
        when missing, and never an existing file); for ssh, a name the host puts in its archive_dir."""
        relative = archive_output_relative(self.job)
        if not self.is_local:
            return relative
        path = self.team_archive(relative, what="output_path")
        try:
            storage.ensure_folder(path.parent, what="the team's archive folder")
        except storage.StorageError as exc:
            raise ExecutorError(str(exc)) from exc
        if os.path.lexists(path) and not self.left_by_an_earlier_attempt(relative):
            raise ExecutorError(
                f"refused: output_path {relative} already exists in the team's archive folder; "
                "an archive is never written over (choose another output_path)"
            )
        return str(path)

    def left_by_an_earlier_attempt(self, relative: str) -> bool:
        """Whether an existing output file may be this job's own, from an attempt that died after
        writing it: only on a re-run, and only when no other job, upload or copy owns that path."""
        if self.job.attempt <= 1:
            return False
        owner = Archive.objects.filter(team_id=self.job.team_id, path=relative).first()
        return owner is None or owner.job_id == self.job.pk

    def create_archive(self) -> ArchiveOutcome:
        options = self.plan.options if self.plan else {}
        hostname = source_label(self.job)
        install = self.report.install
        # Zones moving by detach/attach are detached now: their zonepaths stay out (the runbook's -x).
        detached = [self.zonepath(z) for z in self.all_zones() if route_of(self.report, z) == "detach_attach"]
        spec = ArchiveSpec(
            name=str(self.job.params.get("archive_name") or f"{hostname}-zflar"),
            output_path=self.output_path(),
            excludes=[*options.get("excluded_paths", []), *detached],
            compress=bool(self.job.params.get("compress", False)),
            description=f"zflar plan {self.plan.pk}: {self.plan.name}" if self.plan else "",
            content_architectures=list(install.content_architectures),
            archiver="pax" if install.pax else "cpio",
        )
        flags = install.flarcreate_options()
        if flags:
            shown = " ".join(f"{flag} {value}" for flag, value in flags.items())
            progress.job_log(self.job, f"flarcreate options from the plan's install facts: {shown}")
        if self.is_local and self.plan is not None:
            spec.rehearsal = (
                f"job {self.job.pk}: made on the zflar worker from a folder tree that stands in for "
                f"{hostname}; no Solaris host was touched"
            )
            inventory, _number = self.snapshot_inventory(self.plan.source_snapshot_id)
            spec.source_uname = {k: str(v) for k, v in vars(inventory.uname).items() if v}
        return self.executor.archive_create(spec, self.progress, self.progress.check_cancel)

    def remove_archive(self) -> None:
        """An archive of a cancelled or failed attempt is not left behind looking complete."""
        path, self.created = self.created, ""
        if not path or self._executor is None:
            return
        remove = getattr(self._executor, "remove_archive", None)
        try:
            if remove is None:
                raise ExecutorError("this executor cannot remove files")
            remove(path)
        except ExecutorError as exc:
            progress.job_log(self.job, f"the incomplete job left {path} behind: {exc}", level="warning")
        else:
            progress.job_log(self.job, f"removed {path}: the job did not complete", level="warning")

    def judge_zone(self, zone: str, check: ArchiveCheck) -> None:
        notes = self.zone_notes[zone]
        installed = self.index_states.get(zone) not in NOT_INSTALLED
        for finding in self.blockers(zone):
            if finding.code == Code.ZONEPATH_ON_NFS.value:
                notes.failures.append(
                    f"zonepath {finding.detail('zonepath') or self.zonepath(zone)} is on NFS "
                    f"({finding.detail('device') or 'a remote file system'}): flarcreate leaves NFS out, so "
                    "the zone's files are not in the archive, and a zone cannot be installed on NFS"
                )
            elif finding.code in SOURCE_BLOCKERS:
                notes.failures.append(f"blocked: {finding.message}")
            else:
                notes.warnings.append(f"archived, but the extraction is blocked until: {finding.message}")
        if zone not in check.zones:
            notes.failures.append("the zone is not in the archive's /etc/zones/index")
            return
        entries = check.members_by_zone.get(zone, 0)
        if installed and not entries and not self.findings(zone, Code.ZONEPATH_ON_NFS):
            notes.failures.append("the archive holds nothing under the zone's root")
        empty = set(check.empty_zone_mounts.get(zone, []))
        private: dict[str, str] = {}
        for finding in self.findings(zone, Code.FS_UFS_PRIVATE):
            directory = finding.detail("dir")
            private[self.zone_root(zone, directory)] = directory
        for mount_point in sorted(empty | set(private)):
            directory = private.get(mount_point) or _zone_relative(mount_point, self.zonepath(zone))
            if mount_point in empty:
                notes.failures.append(
                    f"zone-private ufs {directory} was not mounted, so it is missing from the archive"
                )
            elif installed:
                notes.notes.append(f"zone-private ufs {directory} is in the archive (mounted for flarcreate)")
        if zone in self.autoboot_changed and notes.details.get("autoboot_restored"):
            notes.notes.append(
                "autoboot=false in the archive so the first boot on the destination waits for the fixes; "
                "autoboot restored to true on the source"
            )
        if not notes.failures and installed:
            notes.notes.append(f"archived ({plural(entries, 'entry', 'entries')} under the zone root)")

    def unmount_all(self) -> None:
        while self.mounted:
            zone, mount_point = self.mounted.pop()
            try:
                self.executor.umount(mount_point)
            except ExecutorError as exc:
                progress.job_log(
                    self.job, f"could not unmount {mount_point}: {exc}", level="warning", zone=zone
                )
                self.notes_for(zone).warnings.append(f"{mount_point} is still mounted on the source: {exc}")

    def restore_autoboot(self) -> None:
        while self.autoboot_off:
            zone = self.autoboot_off[-1]
            try:
                self.executor.zonecfg(zone, "set autoboot=true")
            except ExecutorError as exc:
                progress.job_log(
                    self.job, f"could not restore autoboot of {zone}: {exc}", level="error", zone=zone
                )
                self.notes_for(zone).failures.append(f"autoboot is still false on the source: {exc}")
                self.autoboot_off.pop()
                continue
            self.autoboot_off.pop()
            self.notes_for(zone).details["autoboot_restored"] = True

    def cleanup(self) -> None:
        try:
            self.remove_archive()
            if self._executor is not None:
                self.moves.undo_source()
                self.unmount_all()
                restored = list(self.autoboot_off)
                self.restore_autoboot()
                for zone in restored:
                    progress.job_log(self.job, "autoboot restored on the source", zone=zone)
        finally:
            super().cleanup()


def _declared_size(value: str | None) -> int | None:
    """files_unarchived_size as a number of bytes; None when the archive does not say (or says nonsense)."""
    try:
        size = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return size if size >= 0 else None


def _zone_relative(mount_point: str, zonepath: str) -> str:
    root = str(PurePosixPath(zonepath) / "root")
    return mount_point[len(root) :] or "/" if mount_point.startswith(root) else mount_point


class ExtractRunner(BaseRunner):
    """Capacity check, extraction, NIC/device/fs remaps, autoboot, then a check of every zone."""

    role = "destination"

    def run(self) -> None:
        all_zones = self.zones_in_scope()
        self.start_zones(all_zones)
        self.ensure_rehearsal_tree()
        self.result["host_findings"] = self.log_host_findings()
        zones = self.flar_zones(all_zones)
        moved = [z for z in all_zones if z not in zones]
        if zones or not self.report.zones:
            self.run_flar(zones)
        if moved:
            self.phase("routes: detach/attach and solaris10 zones on the destination")
            with_flar = bool(self.flar_zones(self.all_zones()))
            self.moves.destination_side(moved, self.zone_states, with_flar)
            for zone in moved:
                self.finish_zone(zone)

    def zone_states(self) -> dict[str, str]:
        """The destination's zones and their states ({} when it has no zone list yet)."""
        try:
            return {entry.name: entry.state for entry in self.executor.zone_list()}
        except ExecutorError:
            return {}

    def run_flar(self, zones: list[str]) -> None:
        """The flash archive's destination side: capacity, extraction, remaps, checks."""
        for zone in zones:
            for finding in self.blockers(zone):
                if finding.code != Code.FS_UFS_NO_SPACE.value:  # the capacity check says it
                    self.zone_notes[zone].failures.append(f"blocked: {finding.message}")
        archive = self.archive_path()
        self.phase("capacity: checking the planned layout and free space")
        self.check_capacity(archive)
        self.extract(archive)
        self.phase("remap: NIC, device and file system changes")
        for zone in zones:
            notes = self.zone_notes[zone]
            if notes.failures:
                notes.notes.append("no remaps applied: the zone is blocked")
                continue
            progress.zone_result_set(self.job, zone, ZoneResult.State.RUNNING, "applying remaps")
            try:
                self.remap_zone(zone)
            except ExecutorError as exc:
                notes.failures.append(str(exc))
            self.progress.beat()
        self.phase("check: comparing each zone with the plan")
        for zone in zones:
            if not self.zone_notes[zone].failures:
                try:
                    self.check_zone(zone)
                except ExecutorError as exc:
                    self.zone_notes[zone].failures.append(f"cannot check the zone: {exc}")
            self.finish_zone(zone)

    # --- which archive ---------------------------------------------------------------------------

    def archive_path(self) -> str:
        """The archive to extract, as the jobs record it: relative to the team's folder (local)."""
        path = self.job.params.get("archive_path")
        if not path and self.plan is not None:
            last = self.last_archive_job()
            path = last.archive_path if last else ""
        if not path:
            raise ExecutorError("no archive to extract: run an archive job first or give archive_path")
        return str(path)

    def archive_file(self, archive: str) -> str:
        """Where the executor reads ``archive``: resolved inside the team's folder for the local
        executor (an absolute or escaping path is refused); over ssh, the path on the host."""
        if not self.is_local:
            return archive
        return str(self.team_archive(archive, what="archive_path"))

    def last_archive_job(self) -> Job | None:
        if self.plan is None:
            return None
        return (
            self.plan.jobs.filter(kind=Job.Kind.ARCHIVE, state__in=[Job.State.SUCCEEDED, Job.State.PARTIAL])
            .exclude(archive_path="")
            .order_by("-finished")
            .first()
        )

    def archive_job_result(self, archive: str) -> dict[str, Any]:
        last = self.last_archive_job()
        return dict(last.result) if last and last.archive_path == archive else {}

    def previous_extraction(self, archive: str) -> Job | None:
        """An earlier extract job of this plan that put the same archive on the same destination."""
        if self.plan is None or not self.job.zone_names:
            return None
        destination = self.job.params.get("destination_root", "")
        for earlier in self.plan.jobs.filter(
            kind=Job.Kind.EXTRACT, state__in=[Job.State.SUCCEEDED, Job.State.PARTIAL]
        ).order_by("-finished"):
            same_archive = earlier.result.get("archive_path") == archive and earlier.result.get("extracted")
            if same_archive and earlier.params.get("destination_root", "") == destination:
                return earlier
        return None

    # --- capacity and extraction ---------------------------------------------------------------

    def check_capacity(self, archive: str) -> None:
        """Host file systems that do not fit end the job; a zone's ufs that does not fit fails that zone."""
        host_short: list[str] = []
        for unplaced in self.report.layout.unplaced:
            zone = unplaced.zone
            what = unplaced.zone_dir or unplaced.mount_point or unplaced.key
            reason = unplaced.reason or f"short by {unplaced.shortfall_mb} MB"
            if zone:
                if zone in self.zone_notes:
                    self.zone_notes[zone].failures.append(
                        f"capacity: zone-private ufs {what} does not fit on the destination: {reason}"
                    )
            else:
                host_short.append(f"{what}: {reason}")
        if host_short:
            raise ExecutorError(
                "the planned layout does not fit the destination disks: " + "; ".join(host_short)
            )
        needed = int(self.archive_job_result(archive).get("unarchived_bytes") or 0)
        declared: int | None = None
        if getattr(self.executor, "extracts_archives", True):
            check = self.executor.archive_check(self.archive_file(archive), self.progress)
            if check.hash_ok is False:
                raise ExecutorError(f"the archive does not verify, so it is not extracted: {check.message}")
            declared = _declared_size(check.identification.get("files_unarchived_size"))
            needed = declared if declared is not None else needed
        free = self.executor.free_bytes("/")
        if needed and free < needed:
            raise ExecutorError(
                f"the destination has {free // 2**20} MB free but the archive unpacks to {needed // 2**20} MB"
            )
        # The declared size is the archive's own word: good enough to refuse early, never trusted
        # to bound the extraction.  The extraction itself (jobs/flar/extract.py, never trusted)
        # stops once the bytes written pass the declared size plus a small slack, the free space or
        # the compression-ratio cap, whatever the payload holds, and fails the job.
        self.result["needed_bytes"] = needed
        self.result["free_bytes"] = free

    def extract(self, archive: str) -> None:
        self.result["archive_path"] = archive
        if not getattr(self.executor, "extracts_archives", True):
            # On real hosts JumpStart installs the flar; this job performs the post-extraction steps.
            progress.job_log(
                self.job,
                "the destination was installed from the archive by JumpStart; "
                "applying the post-extraction steps over ssh",
            )
            return
        earlier = self.previous_extraction(archive)
        if earlier is not None:
            # Extracting again would undo the fixes already applied to the zones that succeeded.
            progress.job_log(
                self.job,
                f"the destination already holds this archive ({earlier}); "
                "only the listed zones' steps run again",
            )
            self.result.update(extracted=True, extracted_by=earlier.pk)
            return
        self.phase("extract: writing the archive onto the destination")
        outcome = self.executor.archive_extract(self.archive_file(archive), self.progress)
        self.progress.beat(bytes_done=outcome.bytes, bytes_total=outcome.bytes, force=True)
        if outcome.hash_ok is False:
            raise ExecutorError(
                "the archive's contents do not match its archive_id; extraction is not trusted"
            )
        if outcome.refused:
            progress.job_log(
                self.job,
                f"refused {plural(len(outcome.refused), 'unsafe entry', 'unsafe entries')}: "
                f"{outcome.refused[:5]}",
                level="warning",
            )
        if outcome.devices_skipped:
            progress.job_log(
                self.job,
                f"{plural(len(outcome.devices_skipped), 'entry', 'entries')} not created as they were "
                "(untrusted archive: no device nodes or FIFOs, no set-uid/set-gid bits): "
                f"{outcome.devices_skipped[:5]}",
                level="warning",
            )
        self.result.update(
            extracted=True,
            files=outcome.files,
            bytes=outcome.bytes,
            refused=outcome.refused,
            devices_skipped=outcome.devices_skipped,
        )

    # --- remaps ----------------------------------------------------------------------------------

    def zone_config(self, zone: str) -> ZoneConfig:
        try:
            return self.executor.zone_config(zone)
        except ExecutorError as exc:
            raise ExecutorError(f"cannot read the zone's configuration after extraction: {exc}") from exc

    def remap_zone(self, zone: str) -> None:
        notes = self.zone_notes[zone]
        config = self.zone_config(zone)
        commands = self.net_commands(zone, config, notes) + self.device_commands(zone, config, notes)
        for finding in self.findings(zone, Code.FS_UFS_PRIVATE):
            commands += self.configure_ufs(zone, config, finding)
        if commands:
            self.executor.zonecfg(zone, "; ".join(commands))
            notes.details["zonecfg"] = commands
        self.restore_autoboot(zone)

    def net_commands(self, zone: str, config: ZoneConfig, notes: ZoneNotes) -> list[str]:
        """zonecfg commands for the zone's nets; a net already on its target is left alone (retries)."""
        commands: list[str] = []
        for m in self.report.nic_mappings_of(zone):
            physical, address, target = m.physical, m.address, m.target
            present = [
                n for n in config.nets if n.physical == physical and (not address or n.address == address)
            ]
            if m.action == "drop":
                if present:
                    commands.append(f"remove {m.zonecfg_selector}")
                notes.notes.append(f"net {physical} {address} dropped as the plan says".replace("  ", " "))
            elif target and target != physical:
                if present:
                    commands += [
                        f"select {m.zonecfg_selector}",
                        f"set physical={zonecfg_token(target)}",
                        "end",
                    ]
                elif not any(
                    n.physical == target and (not address or n.address == address) for n in config.nets
                ):
                    notes.failures.append(f"net {physical} {address}: the zone has no such net to remap")
                    continue
                notes.notes.append(f"net {physical} remapped to {target}")
                if m.ip_type == "exclusive":
                    notes.warnings.append(
                        f"exclusive-IP zone: rename its /etc/hostname.{physical} to hostname.{target} "
                        "before the zone boots"
                    )
            else:
                notes.notes.append(f"net {physical} kept (the destination has {physical})")
        return commands

    def device_commands(self, zone: str, config: ZoneConfig, notes: ZoneNotes) -> list[str]:
        commands: list[str] = []
        matches = {d.match for d in config.devices}
        for m in self.report.device_mappings_of(zone):
            match, replacement = m.match, m.replacement
            if m.action == "remove":
                if match in matches:
                    commands.append(f"remove device match={zonecfg_token(match)}")
                notes.warnings.append(
                    f"device {match} removed ({m.reason or 'not on the destination'}); "
                    "check the zone's applications before first boot"
                )
            elif m.action == "replace" and replacement:
                if match in matches:
                    commands += [
                        f"select device match={zonecfg_token(match)}",
                        f"set match={zonecfg_token(replacement)}",
                        "end",
                    ]
                notes.warnings.append(f"device {match} changed to {replacement}; check it before first boot")
            elif m.needs_manual_check:
                notes.warnings.append(f"device {match} kept; check it on the destination before first boot")
        return commands

    def configure_ufs(self, zone: str, config: ZoneConfig, finding: Finding) -> list[str]:
        """The seed's workaround on the destination: the slice goes into the global zone's vfstab."""
        notes = self.zone_notes[zone]
        directory = finding.detail("dir")
        mount_point = finding.detail("mount_point") or self.zone_root(zone, directory)
        device = finding.detail("destination_device")
        if not device:
            raise ExecutorError(f"no destination slice is planned for the zone's ufs {directory}")
        raw = finding.detail("destination_raw") or device.replace("/dev/dsk/", "/dev/rdsk/")
        place_on_slice = getattr(self.executor, "place_on_slice", None)
        if place_on_slice is not None:
            # JumpStart mounts the planned slice at the mount point while it extracts; the local
            # executor extracted into the tree, so it moves that content onto the slice now.
            place_on_slice(device, mount_point)
        vfstab = self.executor.read_file("/etc/vfstab") or ""
        if not any(e.mount_point == mount_point for e in self.read_vfstab("/etc/vfstab")):
            lines = [
                f"# zflar job {self.job.pk}: {zone} {directory}, temporary: remove after the first boot",
                f"{device}\t{raw}\t{mount_point}\tufs\t2\tyes\t-",
            ]
            self.executor.write_file("/etc/vfstab", vfstab.rstrip("\n") + "\n" + "\n".join(lines) + "\n")
        notes.notes.append(
            f"ufs {directory} on {device}, configured in the global zone's vfstab "
            "(remove that line after the first boot, unmount, then boot the zone)"
        )
        notes.details.setdefault("ufs", []).append({"dir": directory, "device": device, "raw": raw})
        current = next((f for f in config.fs if f.dir == directory), None)
        if current is None or current.special == device:
            return []
        notes.notes.append(f"fs {directory} now names {device} (was {current.special})")
        return [
            f"select fs dir={zonecfg_token(directory)}",
            f"set special={zonecfg_token(device)}",
            f"set raw={zonecfg_token(raw)}",
            "end",
        ]

    def restore_autoboot(self, zone: str) -> None:
        """Seed: the first autoboot fails only while post-extraction changes are pending."""
        if not self.findings(zone, Code.AUTOBOOT_FIRST_BOOT):
            return
        notes = self.zone_notes[zone]
        if self.findings(zone, Code.FS_UFS_PRIVATE):
            notes.notes.append(
                "autoboot stays false until the global zone's vfstab line is removed after the first boot"
            )
            notes.details["autoboot_expected"] = False
            return
        self.executor.zonecfg(zone, "set autoboot=true")
        notes.notes.append("autoboot restored to true now that the fixes are in")
        notes.details["autoboot_expected"] = True

    # --- the check against the plan --------------------------------------------------------------

    def check_zone(self, zone: str) -> None:
        notes = self.zone_notes[zone]
        try:
            config = self.zone_config(zone)
        except ExecutorError as exc:
            notes.failures.append(str(exc))
            return
        ports = self.report.destination_ports
        for net in config.nets:
            if ports and net.physical not in ports:
                notes.failures.append(f"net {net.physical} does not exist on the destination")
        for m in self.report.nic_mappings_of(zone):
            physical, address = m.physical, m.address
            on = [n.physical for n in config.nets if not address or n.address == address]
            if m.action == "drop":
                if physical in on:
                    notes.failures.append(f"net {physical} {address} should have been dropped but is there")
                continue
            want = m.target or physical
            if want not in on:
                notes.failures.append(
                    f"net {physical} {address} should be on {want} but is on {on or 'nothing'}"
                )
        devices = {d.match for d in config.devices}
        for d in self.report.device_mappings_of(zone):
            if d.action == "remove" and d.match in devices:
                notes.failures.append(f"device {d.match} should have been removed but is there")
            elif d.action == "replace" and d.replacement and d.replacement not in devices:
                notes.failures.append(f"device {d.match} should now be {d.replacement} but is not")
        self.check_ufs(zone, config, notes)
        for finding in self.findings(zone, Code.FS_NFS):
            self.check_nfs_line(zone, finding, notes)
        for finding in self.findings(zone, Code.FS_LOFS):
            self.check_lofs(finding, notes)
        expected = notes.details.get("autoboot_expected")
        if expected is not None and config.autoboot != expected:
            notes.failures.append(
                f"autoboot is {str(config.autoboot).lower()}, expected {str(expected).lower()}"
            )
        if not notes.failures:
            notes.notes.append("the zone's configuration matches the plan")

    def check_ufs(self, zone: str, config: ZoneConfig, notes: ZoneNotes) -> None:
        gz_vfstab = {e.mount_point: e for e in self.read_vfstab("/etc/vfstab")}
        for item in notes.details.get("ufs", []):
            directory, device = item["dir"], item["device"]
            fs = next((f for f in config.fs if f.dir == directory), None)
            if fs is None:
                notes.failures.append(f"the zone has no fs {directory} any more")
            elif fs.special != device:
                notes.failures.append(f"fs {directory} names {fs.special}, not the planned {device}")
            if self.zone_root(zone, directory) not in gz_vfstab:
                notes.failures.append(f"the global zone's vfstab does not mount {device} for {directory}")
            has_data = getattr(self.executor, "device_has_data", None)
            if has_data is not None and not has_data(device):
                notes.failures.append(
                    f"zone-private ufs {directory} is empty on {device}: it was missing from the archive"
                )

    def check_nfs_line(self, zone: str, finding: Finding, notes: ZoneNotes) -> None:
        device, mount_point, present = self.nfs_line_in_zone_vfstab(zone, finding)
        if present:
            notes.notes.append(
                f"NFS {device} on {mount_point} is in the zone's vfstab: it mounts at zone boot"
            )
        else:
            notes.failures.append(f"NFS {device} on {mount_point} is missing from the zone's vfstab")

    def check_lofs(self, finding: Finding, notes: ZoneNotes) -> None:
        special, directory = finding.detail("special"), finding.detail("dir")
        exists = getattr(self.executor, "path_exists", None)
        if exists is not None and not exists(special):
            notes.warnings.append(
                f"lofs {directory}: {special} does not exist on the destination; "
                "create it before the zone boots"
            )
        else:
            notes.notes.append(f"lofs {special} on {directory} works after a flash install")


class InspectRunner(BaseRunner):
    """Read a flar: identification, hash, zones inside, and the seed's pitfalls visible inside."""

    role = "inspect"

    def local_root(self) -> Path | None:
        """The team's archive folder: the only place an inspection reads."""
        return storage.team_archive_root(self.job.team_id)

    def run(self) -> None:
        path = self.team_archive(str(self.job.params.get("archive_path", "")), what="archive_path")
        self.phase("inspect: reading the archive")
        check = self.executor.archive_check(str(path), self.progress)
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
            notes.notes.append(
                f"{plural(check.members_by_zone.get(zone, 0), 'entry', 'entries')} under the zone root"
            )
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
