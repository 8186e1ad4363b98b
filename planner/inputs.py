"""Turn whatever the user hands us into a HostInventory (pure: no Django).

Accepted inputs, for the web upload and the CLIs alike:
- a collector bundle: a folder, or a .tar / .tar.gz with one top folder;
- a single ``zonecfg -z ZONE export`` file (its zone name comes from the file name);
- a destination hardware spec (JSON, see docs/hardware-spec.md);
- ``catalog:MODEL[:HOSTNAME]`` for a built-in Sun model.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import re
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from planner.domain.catalog import UnknownModelError, catalog_destination
from planner.solaris.bundle import read_bundle_files, read_zonecfg_only
from planner.solaris.bundle_archive import BundleLimits, unpack_bundle_bytes
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import HostInventory
from planner.solaris.names import check_hostname, zone_name_problem
from planner.solaris.spec import read_hardware_spec

_TAR_MAGIC_OFFSET = 257
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class LoadedInventory:
    inventory: HostInventory
    files: dict[str, str]
    upload_name: str
    ignored: list[str]

    @property
    def digest(self) -> str:
        sha = hashlib.sha256()
        for name in sorted(self.files):
            sha.update(name.encode() + b"\0" + self.files[name].encode("utf-8", "surrogateescape") + b"\0")
        return sha.hexdigest()


def load_path(spec: str, *, limits: BundleLimits | None = None) -> LoadedInventory:
    """Load a CLI argument: a folder, a file, or ``catalog:MODEL[:HOSTNAME]``."""
    if spec.startswith("catalog:"):
        return load_catalog(spec)
    path = Path(spec)
    if path.is_dir():
        return load_files(_read_folder(path), upload_name=path.name)
    if not path.is_file():
        raise SolarisParseError("no such file or folder", source=spec)
    return load_upload(path.name, path.read_bytes(), limits=limits)


def _load_or_error(spec: str, limits: BundleLimits | None) -> LoadedInventory | SolarisParseError:
    try:
        return load_path(spec, limits=limits)
    except SolarisParseError as exc:
        return exc


def load_paths(
    specs: Iterable[str], *, workers: int = 0, limits: BundleLimits | None = None, ahead: int = 32
) -> Iterator[tuple[str, LoadedInventory | SolarisParseError]]:
    """Load many CLI arguments, in order, each with what :func:`load_path` returns or the error
    that refused it (one bad bundle does not stop the others).

    With ``workers`` > 0 they are read and parsed in that many processes (the readers are pure
    and CPU-bound, so threads would not help) while the caller stores the earlier ones; at most
    ``ahead`` are read ahead, so memory stays bounded however many there are."""
    if workers <= 0:
        for spec in specs:
            yield spec, _load_or_error(spec, limits)
        return
    # spawn, not fork: the caller may hold database connections and threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        queue: deque[tuple[str, Future[LoadedInventory | SolarisParseError]]] = deque()
        todo = iter(specs)
        for spec in itertools.islice(todo, max(ahead, 1)):
            queue.append((spec, pool.submit(_load_or_error, spec, limits)))
        while queue:
            spec, future = queue.popleft()
            following = next(todo, None)
            if following is not None:
                queue.append((following, pool.submit(_load_or_error, following, limits)))
            yield spec, future.result()


def load_catalog(spec: str) -> LoadedInventory:
    parts = spec.split(":")
    model = parts[1] if len(parts) > 1 else ""
    # The default name is a valid host name whatever the model is spelled like ("Sun Fire V240").
    default = "new-" + ("-".join(re.findall(r"[a-z0-9]+", model.lower())) or "host")
    hostname = parts[2] if len(parts) > 2 and parts[2] else default
    try:
        inventory = catalog_destination(model, hostname)
    except UnknownModelError as exc:  # the message lists the models the catalog has
        raise SolarisParseError(str(exc), source=spec) from exc
    return LoadedInventory(inventory=inventory, files={}, upload_name=spec, ignored=[])


def load_upload(name: str, data: bytes, *, limits: BundleLimits | None = None) -> LoadedInventory:
    """Load one uploaded file, deciding what it is from its bytes rather than its name.

    A name that promises a tar or gzip file which the bytes are not is refused with that
    reason, not read as a zonecfg file and refused for its syntax.
    """
    if not data.strip():
        raise SolarisParseError("the file is empty", source=name)
    is_gzip = data[:2] == _GZIP_MAGIC
    is_tar = data[_TAR_MAGIC_OFFSET : _TAR_MAGIC_OFFSET + 5] == b"ustar"
    lower = name.lower()
    if lower.endswith((".tar.gz", ".tgz")) and not is_gzip:
        raise SolarisParseError(
            "not gzip: the name ends in .tar.gz or .tgz but the file is not gzip", source=name
        )
    if lower.endswith(".tar") and not is_tar:
        raise SolarisParseError(
            "not a tar archive: the name ends in .tar but the file is not one", source=name
        )
    if is_gzip or is_tar:
        unpacked = unpack_bundle_bytes(data, source=name, limits=limits)
        loaded = load_files(_decode_all(unpacked.files, name), upload_name=name)
        loaded.ignored = unpacked.ignored
        return loaded
    text = _decode(data, name)
    if text.lstrip().startswith("{"):
        inventory = read_hardware_spec(text, source=name)
        return LoadedInventory(inventory=inventory, files={name: text}, upload_name=name, ignored=[])
    zonename = zonecfg_zone_name(name)
    problem = zone_name_problem(zonename)
    if problem:
        raise SolarisParseError(
            f"cannot tell the zone name from the file name ({problem}); name the file <zone>.cfg",
            source=name,
        )
    inventory = read_zonecfg_only(text, source=name, zonename=zonename, hostname=source_hostname(zonename))
    return LoadedInventory(inventory=inventory, files={name: text}, upload_name=name, ignored=[])


def zonecfg_zone_name(name: str) -> str:
    """The zone a zonecfg export stands for: its file name up to the first dot (``web01.cfg``)."""
    return PurePosixPath(name).name.split(".")[0]


def merge_zonecfg(
    parts: list[LoadedInventory], *, hostname: str, base_files: dict[str, str] | None = None
) -> LoadedInventory:
    """One host made of several zonecfg exports: ``base_files`` (the host's current exports, by file
    name) with the zones of ``parts`` added, or replacing the zone of the same name.

    The zonecfg exports of one upload belong to one host (issue #13 item 8); re-importing a zone
    replaces that zone's configuration, the host's other zones stay.
    """
    check_hostname(hostname, source="the host for the zonecfg exports")
    files: dict[str, str] = {}
    zones: dict[str, str] = {}  # zone -> the file it comes from
    for name, text in (base_files or {}).items():
        zones[zonecfg_zone_name(name)] = name
        files[name] = text
    for part in parts:
        for zone in part.inventory.zones:
            previous = zones.get(zone.name)
            if previous is not None:
                files.pop(previous, None)
            zones[zone.name] = part.upload_name
        files.update(part.files)
    found = []
    for name in sorted(files):
        loaded = read_zonecfg_only(
            files[name], source=name, zonename=zonecfg_zone_name(name), hostname=hostname
        )
        found.extend(loaded.zones)
    inventory = HostInventory(
        hostname=hostname,
        zones=sorted(found, key=lambda z: z.name),
        files=sorted(files),
        origin="zonecfg",
    )
    names = ", ".join(p.upload_name for p in parts) or hostname
    return LoadedInventory(inventory=inventory, files=files, upload_name=names[:255], ignored=[])


def source_hostname(zonename: str) -> str:
    """The host a lone zonecfg export stands for: ``<zone>-source``, as a valid RFC 1123 name
    (a zone name may hold '_' and '.', a host name label may not start or end with '-')."""
    label = re.sub(r"[^A-Za-z0-9-]+", "-", zonename).strip("-")[:55].strip("-") or "zone"
    return f"{label}-source"


def load_files(files: dict[str, str], *, upload_name: str) -> LoadedInventory:
    inventory = read_bundle_files(files)
    return LoadedInventory(inventory=inventory, files=files, upload_name=upload_name, ignored=[])


def _read_folder(root: Path) -> dict[str, str]:
    """Every regular file below ``root`` (symlinks neither read nor followed), in path order."""
    found: list[tuple[list[str], str]] = []

    def fail(error: OSError) -> None:
        raise error

    for folder, _dirs, names in os.walk(root, onerror=fail):
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in names:
            if stat.S_ISREG(os.lstat(os.path.join(folder, name)).st_mode):
                relative = name if prefix == "." else f"{prefix}/{name}"
                found.append((relative.split("/"), relative))
    files: dict[str, str] = {}
    for _parts, relative in sorted(found):
        files[relative] = _decode((root / relative).read_bytes(), f"{root.name}/{relative}")
    return files


def _decode_all(files: dict[str, bytes], source: str) -> dict[str, str]:
    return {name: _decode(data, f"{source}: {name}") for name, data in files.items()}


def _decode(data: bytes, source: str) -> str:
    """Solaris 10 files are ASCII or ISO-8859-1; accept UTF-8 first and fall back losslessly."""
    if b"\x00" in data:
        raise SolarisParseError("binary data (a NUL byte) in a text file", source=source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def dump_report_json(report: dict[str, object]) -> str:
    return json.dumps(report, indent=2, sort_keys=False)
