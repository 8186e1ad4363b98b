"""The local executor: a Solaris host stood in for by a folder tree on the worker.

``root`` is the host's ``/``: ``etc/zones/index``, ``etc/zones/<zone>.xml``,
``etc/vfstab`` and the zone roots live where Solaris keeps them.  What only a
kernel knows is kept in small files next to the tree, never inside it:

- ``<root>.state/zone-states``: ``name=state`` for zones that are running or
  ready (the index file only records configured/installed);
- ``<root>.devices/dsk/<slice>/``: the contents of a ufs slice;
- ``<root>.state/bytes-per-second`` (optional): how fast the host reads and writes
  archives, so demo and test jobs take a visible while (progress, cancel).

NFS file systems the global zone's vfstab mounts at boot are remote: flarcreate
leaves them out, and so does the archive writer here.

Mounting a slice does not touch the tree: it records a graft, and the archive
writer reads the slice's folder at the mount point, exactly what flarcreate
sees on a host where the slice is mounted.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from jobs.flar import CreateOptions, FlarError, HashStatus, SystemInfo, create, extract, info, inspect_archive
from jobs.flar.progress import ProgressCallback as FlarProgress
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import ZoneConfig, ZoneIndexEntry, ZoneListEntry
from planner.solaris.vfstab import parse_vfstab
from planner.solaris.writers import write_zone_index, write_zone_xml, write_zonecfg_export
from planner.solaris.zoneadm import parse_zone_index
from planner.solaris.zonecfg import parse_zonecfg_export
from planner.solaris.zonecfg_edit import apply_zonecfg_commands
from planner.solaris.zonexml import parse_zone_xml

from .base import (
    ArchiveCheck,
    ArchiveOutcome,
    ArchiveSpec,
    ExecutorError,
    ExtractOutcome,
    ProgressCallback,
)
from .paths import PathEscape, is_inside
from .zone_archives import extract_cpio_gz, extract_pax, write_cpio_gz, write_pax

RUNTIME_STATES = ("ready", "running", "shutting_down", "down", "mounted")
DETACHED = "SUNWdetached.xml"  # what zoneadm detach leaves in the zonepath [REF]
_NOT_INSTALLED = 127


class LocalExecutor:
    name = "local"

    def __init__(self, *, root: Path, host: str) -> None:
        self.root = root
        self.host = host
        self.state_dir = root.parent / f"{root.name}.state"
        self.devices_dir = root.parent / f"{root.name}.devices"
        self.grafts: dict[str, Path] = {}
        self.ready_mounts: dict[str, list[str]] = {}  # zone -> the file systems zone_ready mounted

    # --- paths -------------------------------------------------------------------------------

    def path(self, solaris_path: str) -> Path:
        """Map an absolute Solaris path into the tree, refusing anything that leads out of it.

        The result is resolved (``realpath``): a symlink in the tree that points outside it (an
        absolute link from an extracted archive is one) is refused, never followed.
        """
        if "\x00" in solaris_path:
            raise PathEscape(f"{self.host}: NUL byte in path {solaris_path!r}")
        relative = PurePosixPath(solaris_path)
        if relative.is_absolute():
            relative = relative.relative_to("/")
        if ".." in relative.parts:
            raise PathEscape(f"refusing path with '..': {solaris_path}")
        target = self.root / relative
        if not is_inside(target, self.root):
            raise PathEscape(f"{self.host}: {solaris_path} leads outside the host's tree (a symlink)")
        return target

    def device_path(self, device: str) -> Path:
        name = PurePosixPath(device).name
        if not name or name in (".", "..") or "\x00" in name:
            raise ExecutorError(f"not a device path: {device}")
        target = self.devices_dir / "dsk" / name
        if not is_inside(target, self.devices_dir):
            raise PathEscape(f"{self.host}: {device} leads outside the host's devices folder")
        return target

    # --- zones -------------------------------------------------------------------------------

    def _index(self) -> list[ZoneIndexEntry]:
        text = self.read_file("/etc/zones/index")
        if text is None:
            raise ExecutorError(f"{self.host}: /etc/zones/index does not exist")
        try:
            return parse_zone_index(text, source=f"{self.host}:/etc/zones/index")
        except SolarisParseError as exc:
            raise ExecutorError(str(exc)) from exc

    def _runtime_states(self) -> dict[str, str]:
        states_file = self.state_dir / "zone-states"
        if not states_file.exists():
            return {}
        pairs = (line.split("=", 1) for line in states_file.read_text().splitlines() if "=" in line)
        return {name.strip(): state.strip() for name, state in pairs}

    def _write_runtime_states(self, states: dict[str, str]) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "zone-states").write_text("".join(f"{k}={v}\n" for k, v in sorted(states.items())))

    def zone_list(self) -> list[ZoneListEntry]:
        runtime = self._runtime_states()
        entries = []
        for zone_id, entry in enumerate(e for e in self._index() if e.name != "global"):
            state = runtime.get(entry.name, entry.state)
            running = state in ("running", "ready")
            entries.append(
                ZoneListEntry(
                    zoneid=str(zone_id + 1) if running else "-",
                    name=entry.name,
                    state=state,
                    zonepath=entry.zonepath,
                    uuid=entry.uuid,
                    brand="native",
                    ip_type="shared",
                )
            )
        return entries

    def zone_config(self, zone: str) -> ZoneConfig:
        source = f"{self.host}:/etc/zones/{zone}.xml"
        text = self.read_file(f"/etc/zones/{zone}.xml")
        if text is None:
            raise ExecutorError(f"{source} does not exist")
        try:
            return parse_zone_xml(text, source=source)
        except SolarisParseError as exc:
            raise ExecutorError(str(exc)) from exc

    def zone_halt(self, zone: str) -> None:
        states = self._runtime_states()
        if zone not in {e.name for e in self._index()}:
            raise ExecutorError(f"zoneadm: {zone}: No such zone configured")
        states.pop(zone, None)
        self._write_runtime_states(states)
        for mount_point in self.ready_mounts.pop(zone, []):  # what zone_ready mounted
            self.grafts.pop(mount_point, None)

    def zonecfg(self, zone: str, commands: str) -> None:
        if commands.strip() == "delete -F":
            self._index_entry(zone)
            self.path(f"/etc/zones/{zone}.xml").unlink(missing_ok=True)
            self.set_index([e for e in self._index() if e.name != zone])
            return
        config = self.zone_config(zone)
        try:
            changed = apply_zonecfg_commands(config, commands)
        except SolarisParseError as exc:
            raise ExecutorError(f"zonecfg -z {zone} '{commands}': {exc.message}") from exc
        self.write_file(f"/etc/zones/{zone}.xml", write_zone_xml(changed))
        if changed.zonepath != config.zonepath:  # zonecfg keeps the index's zonepath in step
            entry = self._index_entry(zone)
            self._set_index_entry(dataclasses.replace(entry, zonepath=changed.zonepath))

    def set_index(self, entries: list[ZoneIndexEntry]) -> None:
        self.write_file("/etc/zones/index", write_zone_index(entries))

    # --- mounts ------------------------------------------------------------------------------

    def mount(self, fstype: str, device: str, mount_point: str) -> None:
        if fstype != "ufs":
            raise ExecutorError(f"mount: only ufs slices can be mounted here, not {fstype}")
        slice_dir = self.device_path(device)
        if not slice_dir.is_dir():
            raise ExecutorError(f"mount: {device}: No such device")
        target = self.path(mount_point)
        if not target.is_dir():
            raise ExecutorError(f"mount: {mount_point}: No such file or directory")
        if mount_point in self.grafts:
            raise ExecutorError(f"mount: {mount_point} is already mounted")
        self.grafts[mount_point] = slice_dir

    def umount(self, mount_point: str) -> None:
        if self.grafts.pop(mount_point, None) is None:
            raise ExecutorError(f"umount: {mount_point} not mounted")

    def place_on_slice(self, device: str, mount_point: str) -> None:
        """Move what extraction put at ``mount_point`` onto the slice's folder."""
        source = self.path(mount_point)
        slice_dir = self.device_path(device)
        slice_dir.mkdir(parents=True, exist_ok=True)
        if not source.is_dir():
            source.mkdir(parents=True, exist_ok=True)
            return
        for child in list(source.iterdir()):
            shutil.move(str(child), str(slice_dir / child.name))

    def device_has_data(self, device: str) -> bool:
        slice_dir = self.device_path(device)
        return slice_dir.is_dir() and any(slice_dir.iterdir())

    def nfs_mounts(self) -> list[str]:
        """Mount points of the NFS file systems the global zone mounts at boot."""
        text = self.read_file("/etc/vfstab")
        if text is None:
            return []
        try:
            entries = parse_vfstab(text, source=f"{self.host}:/etc/vfstab")
        except SolarisParseError as exc:
            raise ExecutorError(str(exc)) from exc
        return [e.mount_point for e in entries if e.fstype == "nfs" and e.mount_at_boot == "yes"]

    # --- files -------------------------------------------------------------------------------

    def read_file(self, path: str) -> str | None:
        target = self.path(path)
        if not target.is_file():
            return None
        return target.read_text(errors="surrogateescape")

    def write_file(self, path: str, text: str) -> None:
        target = self.path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.path(path)  # the folders just made are checked again before the file is written
        temporary = target.with_name(f".{target.name}.zflar-new")
        temporary.unlink(missing_ok=True)  # a name left there (even a symlink) is never written through
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        with os.fdopen(os.open(temporary, flags, 0o644), "w", errors="surrogateescape") as out:
            out.write(text)
        temporary.replace(target)

    def path_exists(self, path: str) -> bool:
        return self.path(path).exists()

    def free_bytes(self, path: str) -> int:
        self.root.mkdir(parents=True, exist_ok=True)
        return shutil.disk_usage(self.root).free

    # --- archives ----------------------------------------------------------------------------

    def archive_create(
        self, spec: ArchiveSpec, on_progress: ProgressCallback, is_cancelled: Callable[[], bool]
    ) -> ArchiveOutcome:
        if not self.root.is_dir():
            raise ExecutorError(f"{self.host}: the source tree {self.root} does not exist")
        grafts = {PurePosixPath(k).relative_to("/").as_posix(): v for k, v in self.grafts.items()}
        # /var/run is a tmpfs on Solaris and NFS is remote: flarcreate archives neither.
        excludes = [*spec.excludes, "/var/run", *self.nfs_mounts()]
        keywords: dict[str, str] = {}
        if spec.content_architectures:
            keywords["content_architectures"] = ",".join(spec.content_architectures)
        if spec.archiver == "pax":
            # flarcreate -L pax on the host; the library writes cpio, which the rehearsal's tree
            # (no file over 4 GiB) needs no more than that.
            keywords["X-zflar-archiver"] = "pax on the source host; cpio in this rehearsal"
        try:
            return create_for_executor(
                root=self.root,
                output=Path(spec.output_path),
                name=spec.name,
                excludes=excludes,
                compress=spec.compress,
                description=spec.description,
                creation_node=self.host,
                grafts=grafts,
                on_progress=self._paced(on_progress),
                cancel=is_cancelled,
                user_keywords=keywords,
                system=system_of(spec.source_uname, self.host) if spec.rehearsal else None,
                rehearsal=spec.rehearsal,
            )
        except FlarError as exc:
            raise ExecutorError(f"flarcreate: {exc}") from exc

    def archive_check(self, path: str, on_progress: ProgressCallback | None = None) -> ArchiveCheck:
        try:
            return check_for_executor(Path(path), on_progress=on_progress)
        except FlarError as exc:
            raise ExecutorError(f"flar info {path}: {exc}") from exc

    def remove_archive(self, path: str) -> None:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            raise ExecutorError(f"rm {path}: {exc.strerror}") from exc

    def archive_extract(self, path: str, on_progress: ProgressCallback) -> ExtractOutcome:
        """Extract an untrusted archive into the tree (never ``trusted``): the extraction stops
        with FlarError past the declared files_unarchived_size plus slack, past the free space or
        past the compression-ratio cap, creates no device node or FIFO, clears set-id bits."""
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            return extract_for_executor(Path(path), self.root, on_progress=self._paced(on_progress))
        except FlarError as exc:
            raise ExecutorError(f"extract {path}: {exc}") from exc

    def bytes_per_second(self) -> int:
        try:
            return max(0, int((self.state_dir / "bytes-per-second").read_text().strip()))
        except (OSError, ValueError):
            return 0

    def _paced(self, on_progress: ProgressCallback) -> ProgressCallback:
        """Report progress no faster than the host's throughput, and hold the work back to match.

        The folder tree is read at the worker's speed; the callback then lets the simulated
        bytes trickle in at ``bytes-per-second``, reporting every 0.2 s, so progress moves
        steadily and a cancel (which the callback raises) lands part-way.
        """
        rate = self.bytes_per_second()
        if not rate:
            return on_progress
        started = time.monotonic()

        def paced(done: int, total: int | None, current: str) -> None:
            while (simulated := int((time.monotonic() - started) * rate)) < done:
                on_progress(simulated, total, current)
                time.sleep(min(0.2, (done - simulated) / rate))
            on_progress(done, total, current)

        return paced

    # --- zone moves (issue #14): the rehearsal of detach/attach and solaris10 branded zones --

    def _index_entry(self, zone: str) -> ZoneIndexEntry:
        entry = next((e for e in self._index() if e.name == zone), None)
        if entry is None:
            raise ExecutorError(f"zoneadm: {zone}: No such zone configured")
        return entry

    def _set_index_entry(self, entry: ZoneIndexEntry) -> None:
        entries = (
            [e for e in self._index() if e.name != entry.name] if self.path_exists("/etc/zones/index") else []
        )
        if not any(e.name == "global" for e in entries):
            entries.insert(0, ZoneIndexEntry(name="global", state="installed", zonepath="/"))
        self.set_index([*entries, entry])

    def _state(self, zone: str) -> str:
        return self._runtime_states().get(zone, self._index_entry(zone).state)

    def zone_detach(self, zone: str, *, dry_run: bool = False) -> str:
        """The manifest is the zone's XML (the host adds its package inventory); ``dry_run`` changes
        nothing.  The zone must be installed and halted."""
        entry = self._index_entry(zone)
        state = self._state(zone)
        if state != "installed":
            raise ExecutorError(
                f"zoneadm: zone '{zone}': must be installed and halted to detach (it is {state})"
            )
        manifest = write_zone_xml(self.zone_config(zone))
        if not dry_run:
            self.write_file(str(PurePosixPath(entry.zonepath) / DETACHED), manifest)
            self._set_index_entry(dataclasses.replace(entry, state="configured"))
        return manifest

    def zone_attach(self, zone: str, *, options: Sequence[str] = (), manifest: str = "") -> str:
        entry = self._index_entry(zone)
        if manifest:
            if not Path(manifest).is_file() and not self.path_exists(manifest):
                raise ExecutorError(f"zoneadm attach -n: {manifest}: cannot read the manifest")
            return ""
        if entry.state != "configured":
            raise ExecutorError(
                f"zoneadm: zone '{zone}': attach needs a configured zone (it is {entry.state})"
            )
        detached = self.path(str(PurePosixPath(entry.zonepath) / DETACHED))
        if not detached.is_file():
            raise ExecutorError(f"zoneadm attach: {entry.zonepath} holds no detached zone ({DETACHED})")
        detached.unlink()
        self._set_index_entry(dataclasses.replace(entry, state="installed"))
        return f"attached{' with ' + ' '.join(options) if options else ''}"

    def zone_boot(self, zone: str) -> None:
        if self._state(zone) not in ("installed", "ready"):
            raise ExecutorError(f"zoneadm: zone '{zone}': must be installed to boot")
        states = self._runtime_states()
        states[zone] = "running"
        self._write_runtime_states(states)

    def zone_ready(self, zone: str) -> None:
        """Ready: the zone's ufs file systems are mounted in its root (what an archive then reads)."""
        if self._state(zone) != "installed":
            raise ExecutorError(f"zoneadm: zone '{zone}': must be installed and halted to ready")
        config = self.zone_config(zone)
        mounted: list[str] = []
        for fs in config.fs:
            if fs.type == "ufs" and fs.special:
                mount_point = str(PurePosixPath(config.zonepath or "/") / "root" / fs.dir.lstrip("/"))
                self.path(mount_point).mkdir(parents=True, exist_ok=True)
                self.mount("ufs", fs.special, mount_point)
                mounted.append(mount_point)
        self.ready_mounts[zone] = mounted
        states = self._runtime_states()
        states[zone] = "ready"
        self._write_runtime_states(states)

    def zone_install(self, zone: str, archive: str) -> None:
        entry = self._index_entry(zone)
        if entry.state != "configured":
            raise ExecutorError(
                f"zoneadm: zone '{zone}': install needs a configured zone (it is {entry.state})"
            )
        parent = PurePosixPath(entry.zonepath).parent
        extract_cpio_gz(Path(archive), self.path(str(parent)), PurePosixPath(entry.zonepath).name)
        self._set_index_entry(dataclasses.replace(entry, state="installed"))

    def zonecfg_export(self, zone: str) -> str:
        return write_zonecfg_export(self.zone_config(zone))

    def _configure(self, zone: str, config: ZoneConfig) -> None:
        if any(e.name == zone for e in self._index()) if self.path_exists("/etc/zones/index") else False:
            raise ExecutorError(f"zonecfg: {zone}: zone already exists")
        config = dataclasses.replace(config, name=zone)
        self.write_file(f"/etc/zones/{zone}.xml", write_zone_xml(config))
        self._set_index_entry(ZoneIndexEntry(name=zone, state="configured", zonepath=config.zonepath))

    def zonecfg_file(self, zone: str, path: str) -> None:
        text = Path(path).read_text() if Path(path).is_file() else self.read_file(path)
        if text is None:
            raise ExecutorError(f"zonecfg -f {path}: No such file")
        try:
            config = parse_zonecfg_export(text, source=f"zonecfg -z {zone} -f {path}", zonename=zone)
        except SolarisParseError as exc:
            raise ExecutorError(str(exc)) from exc
        self._configure(zone, config)

    def zonecfg_create_attach(self, zone: str, zonepath: str) -> None:
        text = self.read_file(str(PurePosixPath(zonepath) / DETACHED))
        if text is None:
            raise ExecutorError(f"zonecfg create -a {zonepath}: no {DETACHED} there")
        try:
            config = parse_zone_xml(text, source=f"{zonepath}/{DETACHED}")
        except SolarisParseError as exc:
            raise ExecutorError(str(exc)) from exc
        self._configure(zone, dataclasses.replace(config, zonepath=zonepath))

    def zonepath_archive(self, zonepath: str, output: str, *, form: str) -> int:
        top = self.path(zonepath)
        grafts = {
            PurePosixPath(point).relative_to(zonepath).as_posix(): source
            for point, source in self.grafts.items()
            if PurePosixPath(point).is_relative_to(zonepath)
        }
        base = PurePosixPath(zonepath).name
        if form == "pax":
            return write_pax(top, base, Path(output), grafts)
        if form == "cpio.gz":
            return write_cpio_gz(top, base, Path(output), grafts)
        raise ExecutorError(f"unknown zonepath archive form {form!r}")

    def zonepath_restore(self, archive: str, zonepath: str, new_zonepath: str) -> None:
        base = PurePosixPath(zonepath).name
        new = PurePosixPath(new_zonepath)
        stage = self.path(str(new.parent / f".zflar-restore-{base}"))
        if stage.exists():
            shutil.rmtree(stage)
        extract_pax(Path(archive), stage, base)
        target = self.path(new_zonepath)
        if target.exists():
            raise ExecutorError(f"mv: {new_zonepath} exists")
        (stage / base).rename(target)
        stage.rmdir()
        target.chmod(0o700)

    def data_archive(self, device: str, output: str, staging: str) -> int:
        slice_dir = self.device_path(device)
        if not slice_dir.is_dir():
            raise ExecutorError(f"mount: {device}: No such device")
        return write_pax(slice_dir, ".", Path(output))

    def data_restore(self, archive: str, device: str, raw: str, staging: str) -> None:
        slice_dir = self.device_path(device)
        if slice_dir.exists():
            shutil.rmtree(slice_dir)  # newfs: a new, empty file system
        extract_pax(Path(archive), slice_dir, None)

    def brand_package(self, package: str) -> bool:
        marker = self.state_dir / "brand-solaris10"
        installed = marker.is_file()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"{package}\n")
        return installed

    def p2v_check(self) -> tuple[int, str]:
        return _NOT_INSTALLED, "zonep2vchk: not run in a rehearsal (it examines a real global zone)"

    def close(self) -> None:
        self.grafts.clear()


# --- the flar library as this executor needs it ---------------------------------------------------
# Each function maps library calls onto the executor's records (:mod:`jobs.executors.base`), so the
# library stays free of job concepts.  Failures are FlarError, which the executor turns into
# ExecutorError.


def create_for_executor(
    *,
    root: str | os.PathLike[str],
    output: str | os.PathLike[str],
    name: str,
    excludes: Sequence[str] = (),
    compress: bool = False,
    description: str = "",
    author: str = "",
    creation_node: str = "",
    grafts: Mapping[str, str | os.PathLike[str]] | None = None,
    on_progress: FlarProgress | None = None,
    cancel: Callable[[], bool] | None = None,
    user_keywords: Mapping[str, str] | None = None,
    system: SystemInfo | None = None,
    rehearsal: str = "",
) -> ArchiveOutcome:
    """flarcreate of a host tree; ``grafts`` maps mount points to the slices mounted there.

    ``user_keywords`` are ``-U`` keywords (X-..., content_architectures=...).  ``system``
    gives the creation_* keywords of the host the tree stands for.  ``rehearsal`` marks an
    archive made on a worker from a copy of the host's tree (``X-zflar-rehearsal=<text>``,
    and the worker's own uname under ``X-zflar-rehearsal-worker``); with it and no
    ``system``, only creation_node (= ``creation_node``) is recorded, never the worker's OS.
    Without either, the worker's uname is recorded with creation_node replaced.
    """
    if system is None:
        system = SystemInfo() if rehearsal else SystemInfo.local()
        if creation_node:
            system = dataclasses.replace(system, node=creation_node)
    options = CreateOptions(
        name=name,
        root=os.fspath(root),
        exclude=tuple(excludes),
        compress=compress,
        description=description,
        author=author,
        master=creation_node,
        system=system,
        grafts={point: os.fspath(source) for point, source in (grafts or {}).items()},
        user_keywords=dict(user_keywords or {}),
        rehearsal=rehearsal,
    )
    result = create(output, options, on_progress=on_progress, cancel=cancel)
    return ArchiveOutcome(
        path=result.path,
        archive_id=result.archive_id or "",
        archived_bytes=result.files_archived_size,
        unarchived_bytes=result.files_unarchived_size,
        identification=_stripped(info(result.path).identification),
    )


def system_of(uname: Mapping[str, str], node: str) -> SystemInfo:
    """The creation_* values of the host a rehearsal's tree stands for, from its inventory's uname
    (``sysname``, ``nodename``, ``release``, ``version``, ``machine``, ``processor``, ``platform``);
    a value the inventory lacks is left out, never filled with the worker's."""
    return SystemInfo(
        node=node or uname.get("nodename", ""),
        hardware_class=uname.get("machine", ""),
        platform=uname.get("platform", ""),
        processor=uname.get("processor", ""),
        release=uname.get("release", ""),
        os_name=uname.get("sysname", ""),
        os_version=uname.get("version", ""),
    )


def check_for_executor(path: str | os.PathLike[str], on_progress: FlarProgress | None = None) -> ArchiveCheck:
    """Read an archive back in one pass: archive_id, members per zone, empty zone ufs mounts."""
    inspection = inspect_archive(path, on_progress=on_progress)
    verified = inspection.verify
    zones = [zone for zone in inspection.zones if zone.config_in_archive]
    hash_ok = None if verified.status is HashStatus.NOT_CHECKED else verified.status is HashStatus.MATCH
    if hash_ok is None:
        message = "the archive has no archive_id (flarcreate -H); its contents were not checked"
    elif hash_ok:
        message = f"archive_id {verified.actual} matches the payload"
    else:
        message = f"archive_id mismatch: header says {verified.expected}, payload hashes to {verified.actual}"
    empty: dict[str, list[str]] = {}
    for zone in zones:
        mounts = ["/" + check.archive_path for check in zone.fs_checks if check.state != "populated"]
        if mounts:
            empty[zone.name] = mounts
    return ArchiveCheck(
        hash_ok=hash_ok,
        message=message,
        member_count=verified.members,
        empty_zone_mounts=empty,
        zones=[zone.name for zone in zones],
        members_by_zone={zone.name: zone.member_count for zone in zones},
        identification=_stripped(info(path).identification),
    )


def extract_for_executor(
    path: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    on_progress: FlarProgress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ExtractOutcome:
    """Safe extraction; refused entries and skipped devices come back as "name: reason" lines.

    Archives are untrusted here, always (``trusted`` is never passed): no device node or
    FIFO is created and set-uid/set-gid bits are cleared; those entries are listed in
    ``devices_skipped`` so the job records them.  The size limits raise FlarError.
    """
    report = extract(path, dest, on_progress=on_progress, cancel=cancel)
    return ExtractOutcome(
        files=sum(report.counts.values()),
        bytes=report.bytes_written,
        hash_ok=None if report.hash_status is HashStatus.NOT_CHECKED else report.hash_ok,
        refused=[f"{entry.name}: {entry.reason}" for entry in report.refused],
        devices_skipped=[f"{entry.name}: {entry.reason}" for entry in report.not_created]
        + [f"{name}: set-uid/set-gid bits cleared (untrusted archive)" for name in report.setid_cleared],
    )


def _stripped(identification: dict[str, str]) -> dict[str, str]:
    """Values without the padding our writer leaves after the size keywords."""
    return {key: value.strip() for key, value in identification.items()}
