"""Small inventory builders for the planner domain tests (dataclasses only, no parser)."""

from __future__ import annotations

from planner.domain.findings import Finding
from planner.domain.plan import PlanResult
from planner.domain.samples import GIB_KIB, mb_vtoc, nic, ufs, vfs, zone
from planner.solaris.inventory import (
    DfEntry,
    Disk,
    HostInventory,
    IpInterface,
    Metadevice,
    Nic,
    Prtdiag,
    Uname,
    VfstabEntry,
    Vtoc,
    Zone,
)
from tests.support.plans import os_release

__all__ = ["GIB_KIB", "codes", "findings_of", "host", "mb_vtoc", "nic", "ufs", "vfs", "zone"]

V240 = ("sun4u", "sparc", "SUNW,Sun-Fire-V240", "Sun Fire V240")


def host(
    name: str,
    *,
    zones: list[Zone] | None = None,
    nics: list[Nic] | None = None,
    disks_mb: dict[str, int] | None = None,
    vtocs: list[Vtoc] | None = None,
    vfstab: list[VfstabEntry] | None = None,
    df: list[DfEntry] | None = None,
    metadevices: list[Metadevice] | None = None,
    devices: list[str] | None = None,
    interfaces: list[IpInterface] | None = None,
    platform: tuple[str, str, str, str] = V240,
    memory_mb: int | None = 4096,
    release: str | None = None,
) -> HostInventory:
    """A host; disks given in MB get 1 MB cylinders so layout numbers stay exact."""
    machine, processor, uname_i, model = platform
    # One roomy disk unless the test is about disks, so layout blockers stay out of NIC tests.
    disks_mb = {"c1t0d0": 140000} if disks_mb is None else disks_mb
    all_vtocs = list(vtocs or [])
    known = {v.disk for v in all_vtocs}
    all_vtocs += [mb_vtoc(d, mb, {}) for d, mb in disks_mb.items() if d not in known]
    return HostInventory(
        hostname=name,
        uname=Uname("SunOS", name, "5.10", "Generic_147440-01", machine, processor, uname_i),
        prtdiag=Prtdiag(f"Sun Microsystems  {machine} {model}", model, None, memory_mb),
        zones=zones or [],
        nics=nics if nics is not None else [nic(f"bge{i}", "bge", i) for i in range(4)],
        disks=[Disk(d, mb * 1024 * 1024) for d, mb in disks_mb.items()],
        vtocs=all_vtocs,
        vfstab=vfstab or [],
        df=df or [],
        metadevices=metadevices or [],
        devices=devices or [],
        interfaces=interfaces or [],
        release=os_release(release, "x86" if machine == "i86pc" else "sparc") if release else None,
    )


def df(mount_point: str, used_mb: int, size_mb: int = 0, device: str = "") -> DfEntry:
    size = size_mb or used_mb * 2
    return DfEntry(
        device or f"/dev/dsk/{mount_point}",
        size * 1024,
        used_mb * 1024,
        (size - used_mb) * 1024,
        "50%",
        mount_point,
    )


def findings_of(result: PlanResult, zone_name: str | None = None) -> list[Finding]:
    if zone_name is None:
        return result.host_findings
    z = result.zone(zone_name)
    assert z is not None, f"no zone {zone_name} in the plan"
    return z.findings


def codes(result: PlanResult, zone_name: str | None = None) -> list[str]:
    return [f.code for f in findings_of(result, zone_name)]


def one(result: PlanResult, zone_name: str | None, code: str) -> Finding:
    found = [f for f in findings_of(result, zone_name) if f.code == code]
    assert len(found) == 1, (
        f"expected one {code} for {zone_name}, got {[f.code for f in findings_of(result, zone_name)]}"
    )
    return found[0]
