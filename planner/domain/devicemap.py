"""Map every zone ``device match=`` pattern to what the destination has.

The seed: devices work when both systems have identical hardware; otherwise the zone
configuration must be changed with zonecfg before the zone first boots.  So a row is
"keep" only when the platform is the same and the glob resolves to the same device
set on both hosts; anything else gets a proposal (same slice on the disk at the same
position, a tape the destination has, or removal) that always needs a human look.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any

from planner.domain.facts import DISK_NAME_RE, disk_names, is_metadevice_path, nonglobal_zones
from planner.domain.options import DeviceOverride, Overrides
from planner.solaris.inventory import HostInventory, record_dict
from planner.solaris.system import model_key

_TAPE_RE = re.compile(r"^/dev/rmt/(\d+)")
_IOSTAT_TAPE_RE = re.compile(r"^rmt/(\d+)$")


@dataclass
class DeviceMapping:
    zone: str
    match: str
    source_devices: list[str]  # what the pattern matches on the source
    destination_devices: list[str]  # what the same pattern matches on the destination
    action: str  # keep / replace / remove
    replacement: str  # the new match pattern when action == "replace"
    origin: str  # same-hardware / same-name / position / tape / none / override / svm
    needs_manual_check: bool
    reason: str
    metadevice: bool = False
    resolved_replacement: list[str] = field(default_factory=list)

    @property
    def resource(self) -> str:
        return f"device {self.match}"

    @property
    def needs_change(self) -> bool:
        return self.action in ("replace", "remove")

    def to_dict(self) -> dict[str, Any]:
        return record_dict(self)


@dataclass
class DevicePlan:
    rows: list[DeviceMapping]
    same_platform: bool
    unused_overrides: list[str] = field(default_factory=list)


def known_device_paths(inv: HostInventory) -> list[str]:
    """Every device path the inventory lets us name: slices, metadevices, listed devices."""
    paths: set[str] = set()
    partitions = inv.uname.machine == "i86pc"
    for disk in disk_names(inv, include_optical=True):
        for kind in ("dsk", "rdsk"):
            paths.update(f"/dev/{kind}/{disk}s{i}" for i in range(8))
            if partitions:
                # x86 disks also have the fdisk partitions p0-p4 (p0 = whole disk).
                paths.update(f"/dev/{kind}/{disk}p{i}" for i in range(5))
    for md in inv.metadevices:
        prefix = f"/dev/md/{md.diskset}" if md.diskset else "/dev/md"
        paths.update({f"{prefix}/dsk/{md.name}", f"{prefix}/rdsk/{md.name}"})
    for v in inv.vfstab:
        for dev in (v.device, v.fsck_device):
            if dev.startswith("/dev/"):
                paths.add(dev)
    paths.update(d for d in inv.devices if d.startswith("/"))
    # iostat -En names tape drives (rmt/0) that no device list may mention.
    paths.update(f"/dev/rmt/{number}" for number in _tapes(inv))
    return sorted(paths)


def resolve(pattern: str, paths: list[str]) -> list[str]:
    # zonecfg device matches are shell globs (fnmatch(3C)); case matters on /dev.
    return [p for p in paths if fnmatch.fnmatchcase(p, pattern)]


def same_platform(source: HostInventory, destination: HostInventory) -> bool:
    """Identical hardware as far as the inventories tell: same platform and same model."""

    def ident(inv: HostInventory) -> tuple[str, str]:
        # model_key: "SUN FIRE X2250" is "Sun Fire X2250", "Sun SPARC Enterprise M4000 Server" is M4000.
        return ((inv.uname.platform or inv.uname.machine).upper(), model_key(inv.prtdiag.model))

    src, dst = ident(source), ident(destination)
    return bool(src[0]) and bool(src[1]) and src == dst


def _tapes(inv: HostInventory) -> list[int]:
    """Tape drives by number: listed devices, or the ``rmt/N`` entries ``iostat -En`` prints."""
    numbers = {int(m.group(1)) for d in inv.devices if (m := _TAPE_RE.match(d))}
    numbers.update(int(m.group(1)) for disk in inv.disks if (m := _IOSTAT_TAPE_RE.match(disk.name)))
    return sorted(numbers)


def _propose(
    pattern: str,
    source: HostInventory,
    destination: HostInventory,
    dest_paths: list[str],
) -> tuple[str, str, str, str]:
    """(action, replacement, origin, reason) for a pattern on different hardware."""
    tape = _TAPE_RE.match(pattern)
    if tape:
        wanted = int(tape.group(1))
        tapes = _tapes(destination)
        if wanted in tapes:
            return (
                "keep",
                "",
                "same-name",
                f"{destination.hostname} has tape {wanted} too; check it is the same drive",
            )
        if tapes:
            new = f"/dev/rmt/{tapes[0]}" + pattern[tape.end() :]
            return ("replace", new, "tape", f"{destination.hostname} has tape /dev/rmt/{tapes[0]} instead")
        return ("remove", "", "none", f"{destination.hostname} lists no tape drive")

    disks = DISK_NAME_RE.findall(pattern)
    if len(set(disks)) == 1:
        src_disks = disk_names(source)
        dst_disks = disk_names(destination)
        disk = disks[0]
        if disk in src_disks:
            position = src_disks.index(disk)
            if position < len(dst_disks):
                new_disk = dst_disks[position]
                new = pattern.replace(disk, new_disk)
                if new_disk == disk:
                    return ("keep", "", "same-name", f"disk {disk} exists on {destination.hostname} as well")
                return (
                    "replace",
                    new,
                    "position",
                    f"{disk} is disk {position + 1} of the source; disk {position + 1} of "
                    f"{destination.hostname} is {new_disk}",
                )
            return (
                "remove",
                "",
                "none",
                f"{disk} is disk {position + 1} of the source; {destination.hostname} has only "
                f"{len(dst_disks)}",
            )

    if resolve(pattern, dest_paths):
        return ("keep", "", "same-name", f"the pattern matches devices on {destination.hostname} too")
    return ("remove", "", "none", f"nothing on {destination.hostname} matches {pattern}")


def _find_override(overrides: list[DeviceOverride], zone: str, match: str) -> DeviceOverride | None:
    return next((o for o in overrides if o.zone == zone and o.match == match), None)


def map_devices(source: HostInventory, destination: HostInventory, overrides: Overrides) -> DevicePlan:
    src_paths = known_device_paths(source)
    dst_paths = known_device_paths(destination)
    identical = same_platform(source, destination)
    rows: list[DeviceMapping] = []
    used: set[int] = set()
    for zone in nonglobal_zones(source):
        if zone.config is None:
            continue
        for dev in zone.config.devices:
            pattern = dev.match
            src_set = resolve(pattern, src_paths)
            dst_set = resolve(pattern, dst_paths)
            row = DeviceMapping(
                zone=zone.name,
                match=pattern,
                source_devices=src_set,
                destination_devices=dst_set,
                action="keep",
                replacement="",
                origin="same-hardware",
                needs_manual_check=False,
                reason="",
                metadevice=is_metadevice_path(pattern),
            )
            if row.metadevice:
                # The installer cannot recreate SVM: there is no metadevice to keep.
                row.action, row.origin, row.needs_manual_check = "remove", "svm", True
                row.reason = "a metadevice: Solaris Flash cannot carry SVM (see SVM_IN_USE)"
            elif identical and src_set and src_set == dst_set:
                row.reason = f"same platform and {pattern} matches the same {len(src_set)} device(s) on both"
            else:
                action, replacement, origin, reason = _propose(pattern, source, destination, dst_paths)
                row.action, row.replacement, row.origin, row.reason = action, replacement, origin, reason
                row.needs_manual_check = True
                if not src_set:
                    row.reason += f"; {pattern} matches nothing the source inventory lists"
            override = _find_override(overrides.devices, zone.name, pattern)
            if override is not None:
                used.add(id(override))
                _apply_override(row, override, dst_paths, destination.hostname, identical)
            if row.action == "replace":
                row.resolved_replacement = resolve(row.replacement, dst_paths)
            rows.append(row)
    unused = [
        f"device override for zone {o.zone} match {o.match} matches no device resource in the source"
        for o in overrides.devices
        if id(o) not in used
    ]
    return DevicePlan(rows, identical, unused)


def _apply_override(
    row: DeviceMapping, override: DeviceOverride, dst_paths: list[str], dest_name: str, identical: bool
) -> None:
    proposal = row.action + (f" -> {row.replacement}" if row.replacement else "")
    row.origin = "override"
    row.action = override.action if override.action in ("keep", "replace", "remove") else "replace"
    row.replacement = override.replacement if row.action == "replace" else ""
    # Hardware still differs unless it is identical; the user's choice is recorded, not trusted.
    row.needs_manual_check = not identical or row.action != "keep" or row.metadevice
    row.reason = f"chosen by the user (proposal was {proposal})"
    if row.action == "replace" and not row.replacement:
        row.reason += "; the override names no replacement"
    elif row.action == "replace" and not resolve(row.replacement, dst_paths):
        # Destination device lists are often partial (a catalog knows no tapes), so this is a
        # warning for the human check rather than a blocker.
        row.reason += f"; {row.replacement} matches nothing {dest_name}'s inventory lists"
