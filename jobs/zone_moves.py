"""The job steps of the zone routes other than the flash archive (issue #14).

An archive job does every zone's source side and an extract job every zone's destination side,
each zone by the route it takes in the plan (``zones[].route``: pinned or recommended):

* ``detach_attach``, source: halt, the dry run ``zoneadm -z Z detach -n`` (its manifest kept for
  the destination's ``attach -n``), ``zoneadm -z Z detach``, a pax archive of the zonepath and of
  each of the zone's own ufs (or SVM) file systems; destination: the dry run, the zonepath
  unpacked at its new path, each file system put on its planned slice (newfs), ``zonecfg -z Z
  create -a PATH`` (or ``set zonepath`` when the configuration came with the flash archive), the
  NIC, device and fs changes, ``zoneadm -z Z attach`` with the runbook's options, boot;
* ``s10_branded``, source: ``zonecfg -z Z export``, halt, ``ready`` (sparse root, own file
  systems), ``find Z -print | cpio -oP@ | gzip``, halt; destination: the brand package, ``zonecfg
  -z Z -f CFG`` (brand solaris10, no inherit-pkg-dir), the changes, ``zoneadm -z Z install -a
  ARCHIVE -u``, boot.

The flags and whether a zone boots come from the plan's runbook, so a job runs what the runbook
shows.  The local executor rehearses every step on the folder trees (the archives go to the
team's folder of the archive store); the ssh executor runs them on the hosts and streams the
archives from the source host to the destination host through the worker.  Each zone ends with
its own result; a failing zone stops only itself.  A source zone this attempt detached whose
archive did not complete is attached again when the job fails or is cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from planner.domain.contract import Finding, Report, ReportZone, RunbookStep
from planner.domain.quoting import zonecfg_token
from planner.domain.route_runbook import solaris10_configuration
from planner.domain.routes import BRAND_PACKAGE, STAGING

from . import progress, storage
from .executors.base import Executor, ExecutorError
from .executors.ssh import SshExecutor
from .models import Job, ZoneResult

FLAR = "flar"
DETACH_ATTACH = "detach_attach"
S10_BRANDED = "s10_branded"
MOVED_ROUTES = (DETACH_ATTACH, S10_BRANDED)
NOT_INSTALLED = ("configured", "incomplete")


class Notes(Protocol):
    notes: list[str]
    warnings: list[str]
    failures: list[str]
    details: dict[str, Any]


class Runner(Protocol):
    """What the steps need of the archive or extract runner (jobs.runners), which owns the job."""

    job: Job
    report: Report
    progress: progress.ProgressRecorder
    result: dict[str, Any]

    @property
    def executor(self) -> Executor: ...

    @property
    def is_local(self) -> bool: ...

    def notes_for(self, zone: str) -> Notes: ...

    def phase(self, name: str) -> None: ...

    def source_executor(self) -> Executor: ...


def route_of(report: Report, zone: str) -> str:
    entry = report.zone(zone)
    return entry.taken_route if entry is not None else FLAR


def route_blockers(report: Report, zone: ReportZone) -> list[Finding]:
    """The blockers of the route the zone takes, its route's host-level ones included."""
    method = zone.taken_route
    found = [*zone.route_findings(method), *report.host_findings_of(method), *report.route_findings]
    return [f for f in found if f.severity == "blocker"]


def _steps(report: Report, phase: str, zone: str) -> list[RunbookStep]:
    return [s for p in report.runbook if p.key == phase for s in p.steps if s.zone == zone]


def _private_fs(zone: ReportZone) -> list[Finding]:
    """The zone's own ufs (and SVM) file systems: the flash-archive rules name each one."""
    return [f for f in zone.findings if f.code == "FS_UFS_PRIVATE"]


@dataclass
class ZoneMoves:
    runner: Runner
    detached_now: list[str] = field(default_factory=list)  # attach these again if the job fails
    archived: set[str] = field(default_factory=set)

    @property
    def job(self) -> Job:
        return self.runner.job

    @property
    def report(self) -> Report:
        return self.runner.report

    def log(self, zone: str, message: str, level: str = "info") -> None:
        progress.job_log(self.job, message, level=level, zone=zone)

    # --- where the archives live -----------------------------------------------------------------

    def file_name(self, zone: str, suffix: str) -> str:
        return f"job-{self.job.pk}-{zone}{suffix}"

    def source_file(self, name: str) -> str:
        """Where the source side writes ``name``: the team's archive folder (local) or the source
        host's archive_dir (ssh)."""
        executor = self.runner.executor
        if isinstance(executor, SshExecutor):
            return executor.archive_output(name)
        try:
            path = storage.archive_file(self.job.team_id, name, what="route archive")
            storage.ensure_folder(path.parent, what="the team's archive folder")
        except (storage.PathEscape, storage.StorageError) as exc:
            raise ExecutorError(f"refused: {exc}") from exc
        return str(path)

    def destination_file(self, recorded: str) -> str:
        """The file on the destination that the source side recorded: the same worker file
        (local, checked to be the team's), or a copy streamed to the destination host (ssh)."""
        destination = self.runner.executor
        if not isinstance(destination, SshExecutor):
            try:
                return str(storage.archive_file(self.job.team_id, recorded, what="route archive"))
            except storage.PathEscape as exc:
                raise ExecutorError(f"refused: {exc}") from exc
        source = self.runner.source_executor()
        if not isinstance(source, SshExecutor):
            raise ExecutorError("the ssh destination needs the ssh source to copy the archives from")
        target = destination.archive_output(PurePosixPath(recorded).name)
        size = source.copy_file_to(recorded, destination, target)
        self.log("", f"copied {recorded} from {source.host} to {destination.host}:{target} ({size} bytes)")
        return target

    def recorded(self, path: str) -> str:
        """What the job's result keeps of a file it wrote: relative to the team's folder (local)."""
        if isinstance(self.runner.executor, SshExecutor):
            return path
        return storage.relative_archive(self.job.team_id, path)

    # --- source side (archive job) -----------------------------------------------------------------

    def source_side(self, zones: list[str], states: dict[str, str]) -> None:
        moved: dict[str, dict[str, Any]] = self.runner.result.setdefault("route_archives", {})
        checked_p2v = False
        for zone in zones:
            entry = self.report.zone(zone) or ReportZone(name=zone)
            method = entry.taken_route
            notes = self.runner.notes_for(zone)
            progress.zone_result_set(self.job, zone, ZoneResult.State.RUNNING, f"{method}: source steps")
            blockers = route_blockers(self.report, entry)
            if blockers:
                notes.failures += [f"blocked on the {method} route: {f.code}: {f.message}" for f in blockers]
                continue
            if method == S10_BRANDED and not checked_p2v:
                checked_p2v = True
                self.p2v_check()
            try:
                state = states.get(zone)
                if state is None:
                    raise ExecutorError("the zone is not configured on the source any more")
                record: dict[str, Any] = {"route": method, "zonepath": entry.zonepath}
                if method == DETACH_ATTACH:
                    self.detach_zone(entry, state, notes, record)
                else:
                    self.archive_v2v(entry, state, notes, record)
                moved[zone] = record
                notes.details["route"] = method
            except ExecutorError as exc:
                notes.failures.append(f"{method}: {exc}")
                if self.reattach(zone):
                    notes.notes.append("attached again on the source: its archive was not made")
            self.runner.progress.beat()

    def reattach(self, zone: str) -> bool:
        """Attach a zone this attempt detached again, when its archive was not made (the rollback)."""
        if zone not in self.detached_now or zone in self.archived:
            return False
        self.detached_now.remove(zone)
        try:
            self.runner.executor.zone_attach(zone)
        except ExecutorError as exc:
            self.log(zone, f"could not attach it again on the source: {exc}", "error")
            return False
        self.log(zone, "attached again on the source: the job did not finish its archive", "warning")
        return True

    def halt(self, zone: str, state: str, notes: Notes) -> None:
        if state == "mounted":
            raise ExecutorError("the zone is mounted (zoneadm mount); unmount it first")
        if state in ("running", "ready", "shutting_down", "down"):
            if not self.job.params.get("halt_zones", True):
                raise ExecutorError(
                    f"the zone is {state}; every route moves a halted zone (run with halt_zones)"
                )
            self.runner.executor.zone_halt(zone)
            notes.notes.append(f"halted (was {state}); it stays halted on the source")
            notes.details["halted_from"] = state

    def write(self, path: str, text: str) -> None:
        """A small file the source side keeps beside its archives (on the host over ssh)."""
        executor = self.runner.executor
        if isinstance(executor, SshExecutor):
            executor.write_file(path, text)
        else:
            Path(path).write_text(text)

    def read(self, path: str) -> str:
        executor = self.runner.executor
        text = executor.read_file(path) if isinstance(executor, SshExecutor) else Path(path).read_text()
        if text is None:
            raise ExecutorError(f"{path} is missing")
        return text

    def export_config(self, zone: str, record: dict[str, Any]) -> str:
        path = self.source_file(self.file_name(zone, ".cfg"))
        self.write(path, self.runner.executor.zonecfg_export(zone))
        record["cfg"] = self.recorded(path)
        return path

    def detach_zone(self, entry: ReportZone, state: str, notes: Notes, record: dict[str, Any]) -> None:
        zone, executor = entry.name, self.runner.executor
        if state in NOT_INSTALLED:
            self.export_config(zone, record)
            notes.notes.append(f"only {state}: its configuration was exported (zonecfg export)")
            return
        self.halt(zone, state, notes)
        if any("detach -n" in s.command for s in _steps(self.report, "da-dry-run", zone)):
            manifest = executor.zone_detach(zone, dry_run=True)
            path = self.source_file(self.file_name(zone, ".manifest"))
            self.write(path, manifest)
            record["manifest"] = self.recorded(path)
            notes.notes.append("dry run: zoneadm detach -n wrote the manifest")
        executor.zone_detach(zone)
        self.detached_now.append(zone)
        notes.notes.append("detached (zoneadm detach)")
        self.runner.progress.beat(force=True)  # a cancel lands here: the zone is attached again
        archive = self.source_file(self.file_name(zone, ".pax"))
        size = executor.zonepath_archive(entry.zonepath, archive, form="pax")
        record["archive"] = self.recorded(archive)
        notes.notes.append(f"zonepath {entry.zonepath} archived with pax ({size} bytes)")
        data: dict[str, str] = {}
        for finding in _private_fs(entry):
            directory, special = finding.detail("dir"), finding.detail("special")
            out = self.source_file(self.file_name(zone, directory.replace("/", "_") + ".pax"))
            staging = f"{STAGING}/{zone}{directory}"
            size = executor.data_archive(special, out, staging)
            data[directory] = self.recorded(out)
            notes.notes.append(f"{directory} ({special}) archived with pax ({size} bytes)")
        record["data"] = data
        self.archived.add(zone)

    def archive_v2v(self, entry: ReportZone, state: str, notes: Notes, record: dict[str, Any]) -> None:
        zone, executor = entry.name, self.runner.executor
        self.export_config(zone, record)
        notes.notes.append("configuration exported (zonecfg export)")
        if state in NOT_INSTALLED:
            notes.notes.append(f"only {state}: nothing to archive")
            return
        kernel = [f for f in entry.route_findings(S10_BRANDED) if f.code == "S10B_KERNEL_PATCH"]
        if kernel:
            notes.warnings.append(
                f"the plan says: {kernel[0].message} Archive only after the patch (S10B_KERNEL_PATCH)"
            )
        self.halt(zone, state, notes)
        ready = any(s.command.endswith(" ready") for s in _steps(self.report, "s10-archive", zone))
        if ready:
            executor.zone_ready(zone)
            notes.notes.append("readied so the archive holds its inherited directories and file systems")
        archive = self.source_file(self.file_name(zone, ".cpio.gz"))
        try:
            size = executor.zonepath_archive(entry.zonepath, archive, form="cpio.gz")
        finally:
            if ready:
                executor.zone_halt(zone)
        record["archive"] = self.recorded(archive)
        notes.notes.append(
            f"zonepath {entry.zonepath} archived for V2V (find | cpio -oP@ | gzip, {size} bytes)"
        )
        self.archived.add(zone)

    def p2v_check(self) -> None:
        status, output = self.runner.executor.p2v_check()
        if status == 127:
            self.log("", f"zonep2vchk is not installed on the source (checks skipped): {output}", "warning")
        elif status:
            self.log("", f"zonep2vchk -T S11 -b reported issues (exit {status}): {output[-2000:]}", "warning")
        else:
            self.log("", f"zonep2vchk -T S11 -b: {output[-2000:] or 'no issues'}")

    def undo_source(self) -> None:
        """Attach again the zones this attempt detached but did not finish archiving (never raises)."""
        for zone in list(self.detached_now):
            self.reattach(zone)
        self.detached_now.clear()

    # --- destination side (extract job) ------------------------------------------------------------

    def archive_records(self) -> dict[str, dict[str, Any]]:
        """Each zone's files, from the newest archive job of the plan that moved it."""
        plan = self.job.plan
        if plan is None:
            return {}
        found: dict[str, dict[str, Any]] = {}
        jobs = plan.jobs.filter(kind=Job.Kind.ARCHIVE, state__in=[Job.State.SUCCEEDED, Job.State.PARTIAL])
        for earlier in jobs.order_by("finished"):
            failed = set(
                earlier.zone_results.filter(state=ZoneResult.State.FAILED).values_list("zone", flat=True)
            )
            for zone, record in (earlier.result.get("route_archives") or {}).items():
                if zone not in failed and isinstance(record, dict):
                    found[zone] = record
        return found

    def destination_side(
        self, zones: list[str], states: Callable[[], dict[str, str]], with_flar: bool
    ) -> None:
        records = self.archive_records()
        brand_done = False
        for zone in zones:
            entry = self.report.zone(zone) or ReportZone(name=zone)
            method = entry.taken_route
            notes = self.runner.notes_for(zone)
            progress.zone_result_set(self.job, zone, ZoneResult.State.RUNNING, f"{method}: destination steps")
            blockers = route_blockers(self.report, entry)
            if blockers:
                notes.failures += [f"blocked on the {method} route: {f.code}: {f.message}" for f in blockers]
                continue
            record = records.get(zone)
            if record is None or record.get("route") != method:
                notes.failures.append(f"no {method} archive of this zone: run the archive job first")
                continue
            try:
                if method == S10_BRANDED and not brand_done:
                    brand_done = True
                    self.brand_package()
                if method == DETACH_ATTACH:
                    self.attach_zone(entry, record, notes, states().get(zone, ""), with_flar)
                else:
                    self.install_zone(entry, record, notes)
                notes.details["route"] = method
            except ExecutorError as exc:
                notes.failures.append(f"{method}: {exc}")
            self.runner.progress.beat()

    def brand_package(self) -> None:
        had = self.runner.executor.brand_package(BRAND_PACKAGE)
        self.log("", f"{BRAND_PACKAGE}: {'installed already' if had else 'installed now (pkg install)'}")

    def changes(self, entry: ReportZone, notes: Notes, *, data_fs: dict[str, tuple[str, str]]) -> list[str]:
        """zonecfg commands for the zone's NIC and device changes and its file systems' new slices."""
        commands: list[str] = []
        for m in self.report.nic_mappings_of(entry.name):
            if m.action == "drop":
                commands.append(f"remove {m.zonecfg_selector}")
                notes.notes.append(f"net {m.physical} {m.address} dropped".strip())
            elif m.action == "map" and m.target:
                commands += [f"select {m.zonecfg_selector}", f"set physical={zonecfg_token(m.target)}", "end"]
                notes.notes.append(f"net {m.physical} remapped to {m.target}")
        for d in self.report.device_mappings_of(entry.name):
            match = zonecfg_token(d.match, what="device match")
            if d.metadevice or (entry.taken_route == S10_BRANDED and d.match.startswith("/dev/sound")):
                if entry.taken_route == S10_BRANDED:
                    commands.append(f"remove device match={match}")
                    notes.notes.append(f"device {d.match} removed (the solaris10 brand refuses it)")
                else:
                    notes.warnings.append(
                        f"device {d.match} is an SVM volume: give the zone a plain slice (DA_SVM)"
                    )
            elif d.action == "replace" and d.replacement:
                new = zonecfg_token(d.replacement, what="device match")
                commands += [f"select device match={match}", f"set match={new}", "end"]
                notes.notes.append(f"device {d.match} -> {d.replacement} (check it by hand)")
            elif d.action == "remove":
                commands.append(f"remove device match={match}")
                notes.notes.append(f"device {d.match} removed")
        for directory, (special, raw) in data_fs.items():
            token = zonecfg_token(directory, what="fs dir")
            commands += [
                f"select fs dir={token}",
                f"set special={zonecfg_token(special, what='fs special')}",
                f"set raw={zonecfg_token(raw, what='fs raw')}",
                "end",
            ]
        return commands

    def boots(self, phase: str, zone: str) -> bool:
        return any(s.command.startswith(f"zoneadm -z {zone} boot") for s in _steps(self.report, phase, zone))

    def attach_zone(
        self, entry: ReportZone, record: dict[str, Any], notes: Notes, state: str, with_flar: bool
    ) -> None:
        """``state``: the zone's state on the destination before ("" when it has no such zone)."""
        zone, executor = entry.name, self.runner.executor
        if "archive" not in record:
            cfg = self.destination_file(str(record["cfg"]))
            executor.zonecfg_file(zone, cfg)
            notes.notes.append("configured from its exported configuration (it was not installed)")
            return
        new = (
            next(
                (
                    f.detail("new_zonepath")
                    for f in entry.route_findings(DETACH_ATTACH)
                    if f.code == "DA_ZONEPATH_NFS"
                ),
                "",
            )
            or entry.zonepath
        )
        if record.get("manifest"):
            executor.zone_attach(zone, manifest=self.destination_file(str(record["manifest"])))
            notes.notes.append("dry run: zoneadm attach -n found nothing against the attach")
        executor.zonepath_restore(self.destination_file(str(record["archive"])), entry.zonepath, new)
        notes.notes.append(
            f"zonepath unpacked as {new}" + (f" (off NFS: {entry.zonepath})" if new != entry.zonepath else "")
        )
        data_fs: dict[str, tuple[str, str]] = {}
        for finding in _private_fs(entry):
            directory = finding.detail("dir")
            target, raw = finding.detail("destination_device"), finding.detail("destination_raw")
            archive = (record.get("data") or {}).get(directory)
            if not target or not raw or not archive:
                notes.failures.append(
                    f"{directory}: no destination slice planned for it (see the disk layout)"
                )
                continue
            executor.data_restore(
                self.destination_file(str(archive)), target, raw, f"{STAGING}/{zone}{directory}"
            )
            data_fs[directory] = (target, raw)
            notes.notes.append(f"{directory} put on {target} (newfs, pax)")
        if notes.failures:
            return
        if state == "configured" and with_flar:
            if new != entry.zonepath:
                executor.zonecfg(zone, f"set zonepath={zonecfg_token(new, what='zonepath')}")
            notes.notes.append("its configuration came with the flash archive")
        else:
            if state:
                # The flash archive brought it as it was when flarcreate ran (attached again on the
                # source after a failure), with its zonepath left out: that configuration goes.
                executor.zonecfg(zone, "delete -F")
                notes.notes.append(f"the destination's stale configuration of the zone ({state}) deleted")
            executor.zonecfg_create_attach(zone, new)
            notes.notes.append(f"configured from the detached zonepath (zonecfg create -a {new})")
        commands = self.changes(
            entry, notes, data_fs={d: v for d, v in data_fs.items() if v[0] != self._special(entry, d)}
        )
        if commands:
            executor.zonecfg(zone, "; ".join(commands))
            notes.details["zonecfg"] = commands
        options = next(
            (
                s.command.split(" attach", 1)[1].split()
                for s in _steps(self.report, "da-attach", zone)
                if s.command.startswith(f"zoneadm -z {zone} attach")
            ),
            [],
        )
        executor.zone_attach(zone, options=options)
        notes.notes.append(f"attached (zoneadm attach{' ' + ' '.join(options) if options else ''})")
        if self.boots("da-attach", zone):
            executor.zone_boot(zone)
            notes.notes.append("booted")

    @staticmethod
    def _special(entry: ReportZone, directory: str) -> str:
        return next((f.detail("special") for f in _private_fs(entry) if f.detail("dir") == directory), "")

    def install_zone(self, entry: ReportZone, record: dict[str, Any], notes: Notes) -> None:
        zone, executor = entry.name, self.runner.executor
        exported = self.destination_file(str(record["cfg"]))
        converted = str(PurePosixPath(exported).with_suffix(".s10.cfg"))
        self.write(converted, solaris10_configuration(self.read(exported)))
        executor.zonecfg_file(zone, converted)
        notes.notes.append("configured as a solaris10 zone (brand solaris10, whole root)")
        commands = [
            f"remove fs dir={zonecfg_token(f.detail('dir'), what='fs dir')}" for f in _private_fs(entry)
        ]
        commands += self.changes(entry, notes, data_fs={})
        if commands:
            executor.zonecfg(zone, "; ".join(commands))
            notes.details["zonecfg"] = commands
        if "archive" not in record:
            notes.notes.append("only configured on the source: not installed")
            return
        executor.zone_install(zone, self.destination_file(str(record["archive"])))
        notes.notes.append("installed from its V2V archive (zoneadm install -a ARCHIVE -u)")
        if self.boots("s10-boot", zone):
            executor.zone_boot(zone)
            notes.notes.append("booted; answer its system identification on the console (zlogin -C)")
