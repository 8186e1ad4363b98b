"""Findings: what the compatibility rules say about a zone or a host.

The codes and their JSON shape are the report's contract (docs/findings.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# The source most rules encode: Jeff Victor, "Creating a Flash Archive of a Zoned System" (Sun, 2006),
# a field test of flash archives with zones and its results table.  User-facing texts name it thus,
# and the findings help page (docs/findings.md) describes it.
FIELD_TEST = "Sun's 2006 field test of flash archives with zones"
FIELD_TEST_SHORT = "Sun's 2006 field test"


class Severity(StrEnum):
    INFO = "info"
    STEP = "step"
    BLOCKER = "blocker"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.STEP: 1, Severity.BLOCKER: 2}


class Verdict(StrEnum):
    READY = "ready"
    READY_WITH_STEPS = "ready_with_steps"
    BLOCKED = "blocked"
    # A plan's verdict only (never a zone's): the source has no non-global zone and no host
    # finding blocks.  Neutral, not a green "ready" (issue #13 item 10).
    NOTHING_TO_MIGRATE = "nothing_to_migrate"


# The verdicts a zone can have (the plan pages filter zones by these).
ZONE_VERDICTS = (Verdict.READY, Verdict.READY_WITH_STEPS, Verdict.BLOCKED)


class Code(StrEnum):
    ZONE_RUNNING = "ZONE_RUNNING"
    AUTOBOOT_FIRST_BOOT = "AUTOBOOT_FIRST_BOOT"
    NET_PORT_PRESENT = "NET_PORT_PRESENT"
    NET_PORT_REMAP = "NET_PORT_REMAP"
    NET_NO_TARGET = "NET_NO_TARGET"
    FS_NFS = "FS_NFS"
    ZONEPATH_ON_NFS = "ZONEPATH_ON_NFS"
    FS_LOFS = "FS_LOFS"
    FS_UFS_PRIVATE = "FS_UFS_PRIVATE"
    FS_UFS_NO_SPACE = "FS_UFS_NO_SPACE"
    SVM_IN_USE = "SVM_IN_USE"
    DEVICE_SAME_HARDWARE = "DEVICE_SAME_HARDWARE"
    DEVICE_REMAP = "DEVICE_REMAP"
    # Added by the planner domain (docs/findings.md): not seed rows, but facts the plan
    # cannot ignore.
    NET_DUPLICATE_ADDRESS = "NET_DUPLICATE_ADDRESS"  # zone level, blocker
    DISK_NO_SPACE = "DISK_NO_SPACE"  # host level, blocker: root, swap, zonepaths, global fs
    ISA_MISMATCH = "ISA_MISMATCH"  # host level, blocker: sparc <-> x86
    KERNEL_ARCH_DIFFERS = "KERNEL_ARCH_DIFFERS"  # host level, step: sun4u <-> sun4v
    # Release-aware rules (issue #12; docs/findings.md, each with its source key).
    RELEASE_UNKNOWN = "RELEASE_UNKNOWN"  # host, step: no /etc/release
    RELEASE_TOO_OLD = "RELEASE_TOO_OLD"  # host, blocker (info when the minimum is unconfirmed)
    DEST_NO_NATIVE_S10 = "DEST_NO_NATIVE_S10"  # host, blocker: T7-1, S7-2, M8...
    INSTALL_MEDIA = "INSTALL_MEDIA"  # host, info: the exact update and build to boot
    LARGE_FILES = "LARGE_FILES"  # host, step: files over 4 GiB, flarcreate -L pax
    ROOT_ON_ZFS = "ROOT_ON_ZFS"  # host, step (blocker with KERNEL_ARCH_DIFFERS or before 10/09)
    SVM_MIRROR_REBUILD = "SVM_MIRROR_REBUILD"  # host, step: the profile rebuilds the mirrors
    SUPPORT_CAUTION = "SUPPORT_CAUTION"  # host, info: Oracle's caution about zones in archives
    PLAN_SETTINGS_INCOMPLETE = "PLAN_SETTINGS_INCOMPLETE"  # host, step: placeholders left
    ZONEPATH_ON_ZFS = "ZONEPATH_ON_ZFS"  # zone, step
    ZFS_DATASET = "ZFS_DATASET"  # zone, step: add dataset
    FS_ZFS = "FS_ZFS"  # zone, step: add fs type=zfs
    # Zone routes (issue #14; docs/findings.md "Routes"): detach/attach between Solaris 10 hosts.
    DA_SOURCE_TOO_OLD = "DA_SOURCE_TOO_OLD"  # host, blocker: zoneadm detach needs 11/06
    DA_RELEASE_UNKNOWN = "DA_RELEASE_UNKNOWN"  # host, step: an update unknown on either side
    DA_DEST_OLDER = "DA_DEST_OLDER"  # host, blocker: no attach to an earlier release, or -u missing
    DA_ATTACH_UPDATE = "DA_ATTACH_UPDATE"  # host, step: the destination is newer: attach -u
    DA_DEST_INSTALL = "DA_DEST_INSTALL"  # host, step: Solaris 10 to install on the destination first
    DA_PACKAGES = "DA_PACKAGES"  # host, info/step: same or newer packages and patches
    DA_KERNEL_ARCH = "DA_KERNEL_ARCH"  # host, step (blocker without attach -u): sun4u to sun4v
    DA_GLOBAL_ZONE = "DA_GLOBAL_ZONE"  # host, info: the global zone does not move
    DA_NOT_INSTALLED = "DA_NOT_INSTALLED"  # zone, step: only configured, nothing to detach
    DA_BRAND = "DA_BRAND"  # zone, step/info: solaris8/solaris9 containers attach with -F
    DA_ZONEPATH_NFS = "DA_ZONEPATH_NFS"  # zone, step: the copy lands on local storage
    DA_SVM = "DA_SVM"  # zone, step: SVM data copied to a plain slice, fs/device repointed
    DA_ZONE_UFS = "DA_ZONE_UFS"  # zone, step: the zone's own ufs slice copied across
    # solaris10 branded zones on Solaris 11 (V2V of each zone, P2V of the global zone).
    S10B_DEST_NO_S11 = "S10B_DEST_NO_S11"  # host, blocker (info unconfirmed): no Solaris 11 there
    S10B_DEST_INSTALL_S11 = "S10B_DEST_INSTALL_S11"  # host, step: Solaris 11 to install first
    S10B_BRAND_PACKAGE = "S10B_BRAND_PACKAGE"  # host, step: pkg:/system/zones/brand/brand-solaris10
    S10B_PKG_TOOL_PATCHES = "S10B_PKG_TOOL_PATCHES"  # host, step: 119254-75, 119534-24, 140914-02
    S10B_P2V_CHECK = "S10B_P2V_CHECK"  # host, info: zonep2vchk before a P2V of the global zone
    S10B_NATIVE_FIRST = "S10B_NATIVE_FIRST"  # host, info: native zones before the global zone
    S10B_NESTED_ZONES = "S10B_NESTED_ZONES"  # host, info: zonepaths left out of the P2V image
    S10B_NFS_SERVER = "S10B_NFS_SERVER"  # host, info: a solaris10 zone is no NFS server
    S10B_KERNEL_PATCH = "S10B_KERNEL_PATCH"  # zone, step: 142909-17 / 142910-17 before archiving
    S10B_NOT_INSTALLED = "S10B_NOT_INSTALLED"  # zone, step: only configured, nothing to archive
    S10B_ZONE_BRAND = "S10B_ZONE_BRAND"  # zone, step: not a native zone (unconfirmed)
    S10B_SPARSE_READY = "S10B_SPARSE_READY"  # zone, step: ready a sparse zone before archiving
    S10B_ZONE_FS = "S10B_ZONE_FS"  # zone, step: ufs/SVM data rides in the archive, fs removed
    S10B_DEVICE_REFUSED = "S10B_DEVICE_REFUSED"  # zone, step: a device the brand refuses
    S10B_ZONEPATH = "S10B_ZONEPATH"  # zone, info: NFS or ZFS zonepath, read by the archive
    GZ_LOFS_SOURCE = "GZ_LOFS_SOURCE"  # zone, step: a lofs source the global zone must provide
    ROUTE_MIX_CONFLICT = "ROUTE_MIX_CONFLICT"  # plan, blocker: routes need Solaris 10 and 11 at once
    # Issue #13: a size the layout had to assume (no df -k, prtvtoc or memory figure), host, step.
    SIZE_ASSUMED = "SIZE_ASSUMED"


# The matrix columns of the plan page, and which codes land in each.
CHECK_COLUMNS: dict[str, tuple[Code, ...]] = {
    "state": (Code.ZONE_RUNNING,),
    "autoboot": (Code.AUTOBOOT_FIRST_BOOT,),
    "net": (Code.NET_PORT_PRESENT, Code.NET_PORT_REMAP, Code.NET_NO_TARGET, Code.NET_DUPLICATE_ADDRESS),
    "nfs": (Code.FS_NFS, Code.ZONEPATH_ON_NFS),
    "lofs": (Code.FS_LOFS,),
    "ufs": (Code.FS_UFS_PRIVATE, Code.FS_UFS_NO_SPACE),
    "svm": (Code.SVM_IN_USE,),
    "zfs": (Code.ZONEPATH_ON_ZFS, Code.ZFS_DATASET, Code.FS_ZFS),
    "devices": (Code.DEVICE_SAME_HARDWARE, Code.DEVICE_REMAP),
}


@dataclass
class Finding:
    code: str
    severity: Severity
    resource: str
    message: str
    remedy: str
    zone: str | None = None  # None for host-level findings
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "resource": self.resource,
            "message": self.message,
            "remedy": self.remedy,
            "zone": self.zone,
            "details": self.details,
        }


def finding(
    code: Code,
    severity: Severity,
    resource: str,
    message: str,
    remedy: str,
    zone: str | None = None,
    **details: object,
) -> Finding:
    """A finding of ``code``; ``details`` are the names and numbers the message uses."""
    return Finding(code.value, severity, resource, message, remedy, zone=zone, details=dict(details))


def column_of(code: str) -> str | None:
    """The plan-page matrix column a code lands in (None for host-level codes)."""
    return next((col for col, codes in CHECK_COLUMNS.items() if code in {c.value for c in codes}), None)


def verdict_of(findings: list[Finding]) -> Verdict:
    worst = max((f.severity.rank for f in findings), default=0)
    if worst == Severity.BLOCKER.rank:
        return Verdict.BLOCKED
    if worst == Severity.STEP.rank:
        return Verdict.READY_WITH_STEPS
    return Verdict.READY
