"""Routes: the three ways a zone can move, judged zone by zone, and the one to take (issue #14).

* ``flar`` - the whole-system flash archive of Sun's 2006 field test: the rules of ``rules.py`` and
  ``release_rules.py``; its findings are each zone's ``findings`` and the plan's ``host_findings``.
* ``detach_attach`` - native zone migration between Solaris 10 hosts: ``zoneadm detach``, copy
  the zonepath, ``zonecfg -z Z create -a PATH``, ``zoneadm attach`` (``-u`` from 10/08) [ZTOC,
  Z1013, PSARC, ZVER, OSOL].  Listed when the destination runs Solaris 10 natively.
* ``s10_branded`` - a solaris10 branded zone on Solaris 11: V2V of each native zone (archive the
  halted zonepath, ``zonecfg -z Z -f cfg`` with brand solaris10, ``zoneadm install -a ARCHIVE -u``)
  and, optionally, P2V of the global zone [S11Z, S11Pre, V2V, REF].  Always listed; blocked, with
  the reason, where Solaris 11 does not run (UltraSPARC IV and older [REG]).

A zone's route verdict counts the zone's findings for that route and the route's host-level
blockers (``host_findings`` for ``flar``, ``route_host_findings[method]`` for the others): a host
blocker stops the route for every zone, while host-level steps are done once for all the zones
that take the route, so they count in ``recommended_verdict`` only.  The recommended route of a
zone is the one with the best verdict, ties going flar, then detach_attach, then s10_branded.  One
destination runs either Solaris 10 (flar, detach_attach) or Solaris 11 (s10_branded): when the
zones' best routes would need both, every zone is recommended the best route of the operating
system that gives the plan the better verdict (Solaris 10 on a tie).  A user's pin wins.

Facts carry the source keys of ``../shared/reference/solaris10-releases.md``; a fact marked U there
is called "unconfirmed" and never makes a blocker.  docs/findings.md lists every code.  Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from planner.domain import commands as cmd
from planner.domain.catalog import NO_NATIVE_S10, CatalogModel
from planner.domain.facts import is_sparse_root, metadevice_name, metadevice_tree, mount_for
from planner.domain.findings import FIELD_TEST_SHORT, Code, Finding, Severity, Verdict, finding, verdict_of
from planner.domain.install import InstallFacts
from planner.domain.layout import LayoutPlan
from planner.domain.options import ROUTE_METHODS, PlanOptions, RouteOverride
from planner.domain.quoting import zonecfg_token
from planner.domain.releases import (
    FEATURES,
    P2V_KERNEL_PATCH,
    ZONE_ATTACH_UPDATE,
    ZONE_DETACH_ATTACH,
    ZONE_DRY_RUN,
    Solaris10Update,
    at_least,
    find_update,
    has_feature,
    judge_p2v_kernel,
    update_of_release,
)
from planner.domain.rules import isa_of, rule_devices, rule_nets
from planner.domain.zonework import UfsMove, ZoneWork
from planner.solaris.inventory import HostInventory


class Route(StrEnum):
    FLAR = "flar"
    DETACH_ATTACH = "detach_attach"
    S10_BRANDED = "s10_branded"


assert tuple(r.value for r in Route) == ROUTE_METHODS  # the tie order is the options' order

ROUTE_LABELS: dict[str, str] = {
    Route.FLAR: "Flash archive",
    Route.DETACH_ATTACH: "Detach / attach",
    Route.S10_BRANDED: "solaris10 branded zone",
}
# The operating system each route needs on the destination: one destination runs one of them.
ROUTE_OS: dict[str, str] = {
    Route.FLAR: "solaris10",
    Route.DETACH_ATTACH: "solaris10",
    Route.S10_BRANDED: "solaris11",
}
_VERDICT_RANK = {Verdict.READY: 0, Verdict.READY_WITH_STEPS: 1, Verdict.BLOCKED: 2}

BRAND_PACKAGE = "pkg:/system/zones/brand/brand-solaris10"  # [S11Pre]
# The patches the package and patch tools inside a zone need before a V2V or P2V [S11Pre, S11Sup].
PKG_TOOL_PATCHES: dict[str, tuple[str, ...]] = {
    "sparc": ("119254-75", "119534-24", "140914-02"),
    "x86": ("119255-75", "119535-24", "140915-02"),
}
ZONEP2VCHK_PACKAGE = "/opt/SUNWzonep2vchk/bin/zonep2vchk"  # the OTN package [P2V112]
DA_APPLIES = "the runbook's configure step does it, before zoneadm attach"
DA_DEVICES = "the runbook's configure step does it, before zoneadm attach; check the device by hand"
S10B_APPLIES = "the runbook's configure step does it, before zoneadm install"
S10B_DEVICES = (
    "the runbook's configure step does it, before zoneadm install; the solaris10 brand refuses devices "
    "it does not know [S11Lim, DEV], so check it by hand"
)
# Where the runbooks mount a zone's data slice on the hosts to copy it (a path on Solaris, not here).
STAGING = "/var/tmp/zflar"  # noqa: S108


# --- what the routes need to know about the destination ----------------------------------------


@dataclass(frozen=True)
class DestinationOs:
    """Which operating systems the destination can run, and what it runs now."""

    model: CatalogModel | None
    native_s10: bool | None  # boots Solaris 10 itself (None: unconfirmed)
    solaris11: bool | None  # runs Solaris 11 (None: unconfirmed)
    collected: bool  # a collector bundle: the host is installed and runs ``family``
    family: str  # "solaris10", "solaris11" or ""
    update: Solaris10Update | None  # the Solaris 10 update it runs, when collected and known

    @property
    def lists_detach_attach(self) -> bool:
        if self.native_s10 is not None:
            return self.native_s10
        return self.family != "solaris11"

    @property
    def runs_solaris11_now(self) -> bool:
        return self.collected and self.family == "solaris11"

    @property
    def runs_solaris10_now(self) -> bool:
        return self.collected and self.family == "solaris10"


def destination_os(destination: HostInventory, facts: InstallFacts) -> DestinationOs:
    model = facts.destination_model
    collected = not (destination.origin.startswith("catalog:") or destination.origin == "spec")
    family = destination.os_family
    native = model.runs_solaris10 if model is not None else None
    if native is None and family == "solaris10" and collected:
        native = True
    s11 = model.runs_solaris11 if model is not None else None
    if family == "solaris11" and collected:
        s11 = True
    update = update_of_release(destination.release) if collected and family == "solaris10" else None
    return DestinationOs(model, native, s11, collected, family, update)


# --- results ---------------------------------------------------------------------------------------


@dataclass
class ZoneRoute:
    method: str
    verdict: Verdict
    findings: list[Finding]  # the zone-level findings; the verdict also counts the route's host ones

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "verdict": self.verdict.value,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class RoutePlan:
    listed: tuple[str, ...]
    host_findings: dict[str, list[Finding]]  # detach_attach, s10_branded (flar: the plan's own)
    zones: dict[str, list[ZoneRoute]]
    recommended: dict[str, str]
    chosen: dict[str, str]
    pinned: dict[str, str]
    findings: list[Finding]  # about the routes chosen together (ROUTE_MIX_CONFLICT)
    recommended_verdict: Verdict
    destination: DestinationOs
    notes: list[str] = field(default_factory=list)

    def route_of(self, zone: str) -> str:
        return self.chosen.get(zone, Route.FLAR.value)

    def zones_on(self, method: str) -> list[str]:
        return [z for z in self.zones if self.route_of(z) == method]

    def route(self, zone: str, method: str) -> ZoneRoute | None:
        return next((r for r in self.zones.get(zone, []) if r.method == method), None)

    def methods_used(self) -> list[str]:
        used = set(self.chosen.values())
        return [m for m in ROUTE_METHODS if m in used]


# --- shared zone rules ------------------------------------------------------------------------------


def _halt(w: ZoneWork, source: HostInventory, before: str) -> list[Finding]:
    if w.state == "mounted":
        return [
            finding(
                Code.ZONE_RUNNING,
                Severity.STEP,
                f"zone {w.name}",
                f"Zone {w.name} is mounted (zoneadm mount) on {source.hostname}; it must be installed and "
                f"halted before {before}.",
                f"On {source.hostname}: {cmd.zoneadm(w.name, 'unmount')}",
                w.name,
                state=w.state,
            )
        ]
    if not w.must_halt:
        return []
    return [
        finding(
            Code.ZONE_RUNNING,
            Severity.STEP,
            f"zone {w.name}",
            f"Zone {w.name} is {w.state} on {source.hostname}: every route moves a halted zone, and "
            f"{before} needs it halted ({FIELD_TEST_SHORT}: archives of running zones came out incomplete).",
            f"On {source.hostname}: {cmd.zoneadm(w.name, 'halt')} (to stop its services cleanly first: "
            f"zlogin {cmd.q(w.name)} shutdown -y -g 0 -i 0). The runbook does it.",
            w.name,
            state=w.state,
        )
    ]


_CARRIED = {
    Code.NET_NO_TARGET.value,
    Code.NET_DUPLICATE_ADDRESS.value,
    Code.FS_UFS_NO_SPACE.value,
}


def _carried(flar: list[Finding]) -> list[Finding]:
    """Findings of the flar route that say the same for every route (no port, no room, same address)."""
    return [f for f in flar if f.code in _CARRIED]


def _lofs(w: ZoneWork, source: HostInventory, destination: HostInventory) -> list[Finding]:
    out: list[Finding] = []
    for fs in w.lofs:
        special = fs.special
        m = mount_for(source, special) if special.startswith("/") else None
        if m is not None and m.fstype == "nfs":
            how = (
                f"{special} is on NFS ({m.device} mounted on {m.mount_point}) in {source.hostname}'s global "
                f"zone: mount it the same way on {destination.hostname} (and add it to its /etc/vfstab)."
            )
        else:
            how = (
                f"On {source.hostname}: cd {cmd.q(special)} && find . -depth -print | cpio -oP@ | ssh "
                f"{cmd.q('root@' + destination.hostname)} "
                f"{cmd.q('mkdir -p ' + cmd.q(special) + ' && cd ' + cmd.q(special) + ' && cpio -idmP@')}"
                " (or use the data's own way of moving)."
            )
        out.append(
            finding(
                Code.GZ_LOFS_SOURCE,
                Severity.STEP,
                f"fs {fs.dir}",
                f"Zone {w.name} loopback-mounts {special} of the global zone on {fs.dir}. This route moves "
                "the "
                f"zone, not {source.hostname}'s global zone, so {destination.hostname} must have {special} "
                "before the zone boots (unless the flash-archive route of the same plan brings the global "
                "zone).",
                how,
                w.name,
                special=special,
                dir=fs.dir,
            )
        )
    return out


def _nfs_info(w: ZoneWork, destination: HostInventory) -> list[Finding]:
    out: list[Finding] = []
    for v in w.nfs_vfstab:
        server = v.device.split(":", 1)[0]
        out.append(
            finding(
                Code.FS_NFS,
                Severity.INFO,
                f"fs {v.mount_point}",
                f"Zone {w.name} mounts {v.device} on {v.mount_point} from its own /etc/vfstab, which moves "
                "with "
                "the zonepath.",
                f"No change; {server} must export it to the zone's address on {destination.hostname} too "
                f"(dfshares {cmd.q(server)}).",
                w.name,
                device=v.device,
                mount_point=v.mount_point,
            )
        )
    for fs in w.nfs_fs:
        out.append(
            finding(
                Code.FS_NFS,
                Severity.INFO,
                f"fs {fs.dir}",
                f"Zone {w.name}'s configuration mounts {fs.special} on {fs.dir} over NFS; the configuration "
                "moves as it is.",
                f"No change; the NFS server must export it to the zone's address on {destination.hostname}.",
                w.name,
                device=fs.special,
                mount_point=fs.dir,
            )
        )
    return out


def _zfs_data(w: ZoneWork, source: HostInventory, destination: HostInventory, when: str) -> list[Finding]:
    out: list[Finding] = []
    items = [(Code.ZFS_DATASET, f"dataset {d}", d) for d in w.zfs_datasets]
    items += [(Code.FS_ZFS, f"fs {fs.dir}", fs.special) for fs in w.zfs_fs]
    for code, resource, dataset in items:
        pool = dataset.split("/", 1)[0]
        snap = cmd.q(f"{dataset}@zflar")
        out.append(
            finding(
                code,
                Severity.STEP,
                resource,
                f"Zone {w.name} uses the ZFS dataset {dataset}, which is not under its zonepath: the dataset "
                f"must exist on {destination.hostname} before {when}.",
                f"On {destination.hostname}: zpool list {cmd.q(pool)} (or zpool create {cmd.q(pool)} "
                "<disk>); on "
                f"{source.hostname}: zfs snapshot -r {snap}; zfs send -R {snap} | ssh "
                f"{cmd.q('root@' + destination.hostname)} zfs receive -d {cmd.q(pool)}.",
                w.name,
                dataset=dataset,
                pool=pool,
            )
        )
    return out


# --- detach / attach -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachPlan:
    """How the zones attach on the destination: the flags, and whether dry runs exist on both."""

    update_on_attach: bool  # zoneadm attach -u
    dry_runs: bool  # detach -n / attach -n on both hosts (5/08)
    install_target: Solaris10Update | None  # the update to install on a destination not running S10


def attach_plan(source: HostInventory, destination: HostInventory, facts: InstallFacts) -> AttachPlan:
    dest = destination_os(destination, facts)
    src = facts.update
    arch_change = bool(facts.content_architectures)
    target = dest.update if dest.runs_solaris10_now else _install_target(src, dest)
    newer = src is not None and target is not None and not at_least(src, target)
    update = (newer or arch_change) and (target is None or has_feature(target, ZONE_ATTACH_UPDATE))
    dry = (
        src is not None
        and target is not None
        and has_feature(src, ZONE_DRY_RUN)
        and has_feature(target, ZONE_DRY_RUN)
    )
    return AttachPlan(update, dry, None if dest.runs_solaris10_now else target)


def _model_minimum(dest: DestinationOs) -> Solaris10Update | None:
    model = dest.model
    if model is None or not model.min_s10.value or model.min_s10.value == NO_NATIVE_S10:
        return None
    if not model.min_s10.confirmed:
        return None
    try:
        return find_update(model.min_s10.value)
    except ValueError:
        return None


def _install_target(src: Solaris10Update | None, dest: DestinationOs) -> Solaris10Update | None:
    """The Solaris 10 update to put on a destination not running it yet: the source's own when the
    model takes it (a plain attach), else the model's minimum, at least 10/08 for attach -u."""
    if src is None:
        return None
    minimum = _model_minimum(dest)
    if minimum is None or at_least(src, minimum):
        return src
    since = find_update(FEATURES[ZONE_ATTACH_UPDATE].since)
    return minimum if at_least(minimum, since) else since


def _da_host(
    source: HostInventory, destination: HostInventory, facts: InstallFacts, dest: DestinationOs
) -> list[Finding]:
    out: list[Finding] = []
    src_host, dst_host = source.hostname, destination.hostname
    isa = _isa_mismatch(source, destination, "zoneadm attach")
    if isa is not None:
        out.append(isa)
    src = facts.update
    da_since = FEATURES[ZONE_DETACH_ATTACH].since
    u_since = FEATURES[ZONE_ATTACH_UPDATE].since
    plan = attach_plan(source, destination, facts)
    if src is None:
        out.append(
            finding(
                Code.DA_RELEASE_UNKNOWN,
                Severity.STEP,
                "release",
                f"The Solaris 10 update of {src_host} is unknown (no etc/release in its bundle): zoneadm "
                "detach "
                f"needs {da_since} [ZTOC, Z1013], and the destination must run the same update or a later "
                "one "
                f"with attach -u ({u_since} [OSOL]); unconfirmed until the update is known.",
                f"On {src_host}: cat /etc/release; collect it again and re-plan.",
            )
        )
    elif not has_feature(src, ZONE_DETACH_ATTACH):
        out.append(
            finding(
                Code.DA_SOURCE_TOO_OLD,
                Severity.BLOCKER,
                "release",
                f"{src_host} runs Solaris 10 {src.name}: zoneadm detach and attach to another host came with "
                f"{da_since} [ZTOC, Z1013, PSARC].",
                f"Upgrade {src_host} to {da_since} or later (luupgrade), then collect it and re-plan; or "
                "take "
                "another route.",
                update=src.name,
                needs=da_since,
            )
        )
    if dest.runs_solaris10_now:
        out += _da_installed_destination(source, destination, facts, dest)
    else:
        target = plan.install_target
        if dest.runs_solaris11_now:
            now = f"{dst_host} runs Solaris 11 now"
        elif dest.collected:
            now = f"{dst_host}'s bundle does not say which Solaris it runs"
        else:
            now = f"{dst_host} is not installed yet ({destination.origin})"
        unconfirmed = ""
        if dest.native_s10 is None:
            unconfirmed = (
                f" Whether {'the ' + dest.model.key if dest.model else dst_host} boots Solaris 10 itself is "
                "unconfirmed."
            )
        if target is None:
            what = f"the update {src_host} runs (unknown now)"
        elif src is not None and target.name == src.name:
            what = f"Solaris 10 {target.name}, the update {src_host} runs (a plain attach)"
        else:
            minimum = _model_minimum(dest)
            why = f"the {dest.model.key if dest.model else 'model'} needs {minimum.name}" if minimum else ""
            what = f"Solaris 10 {target.name} or later ({why}; attach -u from {u_since} [OSOL])"
        out.append(
            finding(
                Code.DA_DEST_INSTALL,
                Severity.STEP,
                "destination",
                f"{now}: install it with {what} before the zones attach [ZVER].{unconfirmed}",
                f"Install {dst_host} with Solaris 10 {target.name if target else '(the source update)'} "
                "media "
                f"(any install method), apply at least the patches {src_host} has (showrev -p on both), then "
                "follow the runbook.",
                install=target.name if target else None,
            )
        )
    if facts.content_architectures:
        src_m, dst_m = facts.content_architectures
        blocked = dest.update is not None and not has_feature(dest.update, ZONE_ATTACH_UPDATE)
        out.append(
            finding(
                Code.DA_KERNEL_ARCH,
                Severity.BLOCKER if blocked else Severity.STEP,
                "platform",
                f"{src_host} is {src_m} and {dst_host} is {dst_m}: zoneadm attach -u also moves a zone from "
                f"sun4u to sun4v ({u_since} and later [OSOL])"
                + (
                    f"; {dst_host} runs {dest.update.name if dest.update else ''}, which has no attach -u."
                    if blocked
                    else "."
                ),
                "Attach with: zoneadm -z ZONE attach -u (the runbook does)."
                + (f" Upgrade {dst_host} to {u_since} or later first." if blocked else ""),
                source=src_m,
                destination=dst_m,
            )
        )
    out.append(
        finding(
            Code.DA_GLOBAL_ZONE,
            Severity.INFO,
            "global zone",
            f"Detach/attach moves zones only: {src_host}'s global zone (its users, packages, services, "
            "lofs sources, shares) stays where it is.",
            f"Recreate what the zones need from the global zone on {dst_host} (see GZ_LOFS_SOURCE), or move "
            "the global zone by the flash-archive route.",
        )
    )
    return out


def _da_installed_destination(
    source: HostInventory, destination: HostInventory, facts: InstallFacts, dest: DestinationOs
) -> list[Finding]:
    src_host, dst_host = source.hostname, destination.hostname
    src, dst = facts.update, dest.update
    u_since = FEATURES[ZONE_ATTACH_UPDATE].since
    if dst is None:
        return [
            finding(
                Code.DA_RELEASE_UNKNOWN,
                Severity.STEP,
                "release",
                f"The Solaris 10 update {dst_host} runs is unknown (no etc/release in its bundle): it must "
                "be "
                f"the same as {src_host}'s or later, with attach -u from {u_since} [ZVER, OSOL]; "
                "unconfirmed.",
                f"On {dst_host}: cat /etc/release; collect it again and re-plan.",
            )
        ]
    if src is None:
        return []
    if not at_least(dst, src):
        return [
            finding(
                Code.DA_DEST_OLDER,
                Severity.BLOCKER,
                "release",
                f"{dst_host} runs Solaris 10 {dst.name}, older than {src_host}'s {src.name}: zoneadm refuses "
                '("Cannot attach to an earlier release of the operating system") [ZVER, REF].',
                f"Upgrade {dst_host} to {src.name} or later (luupgrade -u -n BE -s /cdrom/cdrom0), collect "
                "it "
                "and re-plan; or take another route.",
                source_update=src.name,
                destination_update=dst.name,
            )
        ]
    if dst.name == src.name:
        if has_feature(dst, ZONE_ATTACH_UPDATE):
            return [_da_packages(source, destination, Severity.INFO, dst)]
        return [_da_packages(source, destination, Severity.STEP, dst)]
    if not has_feature(dst, ZONE_ATTACH_UPDATE):
        return [
            finding(
                Code.DA_DEST_OLDER,
                Severity.BLOCKER,
                "release",
                f"{dst_host} runs {dst.name} and {src_host} {src.name}: a zone attaches to a later release "
                f"only with attach -u, which came with {u_since} [OSOL]; before it the target must be the "
                "same release [ZVER].",
                f"Upgrade {dst_host} to {u_since} or later, or install it with {src.name}; then re-plan.",
                source_update=src.name,
                destination_update=dst.name,
            )
        ]
    return [
        finding(
            Code.DA_ATTACH_UPDATE,
            Severity.STEP,
            "release",
            f"{dst_host} runs {dst.name}, later than {src_host}'s {src.name}: each zone attaches with "
            f"zoneadm attach -u, which updates its packages and patches to {dst_host}'s ({u_since} and later "
            "[OSOL]); it refuses when the destination has some patches older than the zone's.",
            "zoneadm -z ZONE attach -u (the runbook does); the dry run zoneadm -z ZONE attach -n MANIFEST "
            "shows the differences first.",
            source_update=src.name,
            destination_update=dst.name,
        ),
        _da_packages(source, destination, Severity.INFO, dst),
    ]


def _da_packages(
    source: HostInventory, destination: HostInventory, severity: Severity, dst: Solaris10Update
) -> Finding:
    with_u = has_feature(dst, ZONE_ATTACH_UPDATE)
    return finding(
        Code.DA_PACKAGES,
        severity,
        "packages",
        f"{destination.hostname} must have the same or later versions of the packages the zones inherit "
        "(inherit-pkg-dir) and of the SUNW_PKG_ALLZONES packages, and the same or later patches [ZVER]"
        + (
            "; attach -u brings the zones up to the destination's level [OSOL]."
            if with_u
            else f"; {dst.name} has no attach -u, so they must match before the attach."
        ),
        f"Compare: showrev -p and pkginfo -l on {source.hostname} and {destination.hostname}; the runbook's "
        "dry runs (detach -n, attach -n) show the differences (5/08 and later).",
    )


def _da_zone(
    w: ZoneWork,
    source: HostInventory,
    destination: HostInventory,
    gz_port: str,
    flar: list[Finding],
    layout: LayoutPlan,
    options: PlanOptions,
) -> list[Finding]:
    out = _halt(w, source, "zoneadm detach")
    if not w.installed:
        out.append(
            finding(
                Code.DA_NOT_INSTALLED,
                Severity.STEP,
                f"zone {w.name}",
                f"Zone {w.name} is {w.state}, not installed: there is nothing to detach; only its "
                "configuration "
                "moves.",
                f"On {source.hostname}: zonecfg -z {cmd.q(w.name)} export > {cmd.q(_cfg(options, w.name))}; "
                "copy "
                f"it; on {destination.hostname}: zonecfg -z {cmd.q(w.name)} -f "
                f"{cmd.q(_cfg(options, w.name))}; "
                f"then {cmd.zoneadm(w.name, 'install')} when it is wanted.",
                w.name,
                state=w.state,
            )
        )
    if w.brand in ("solaris8", "solaris9"):
        out.append(
            finding(
                Code.DA_BRAND,
                Severity.STEP,
                f"zone {w.name}",
                f"Zone {w.name} is a {w.brand} container: such a zone attaches only with zoneadm attach -F "
                "[REF].",
                f"On {destination.hostname}: {cmd.zoneadm_words(w.name, 'attach', '-F')} (the runbook does).",
                w.name,
                brand=w.brand,
            )
        )
    elif w.brand != "native":
        out.append(
            finding(
                Code.DA_BRAND,
                Severity.INFO,
                f"zone {w.name}",
                f"Zone {w.name} has the brand {w.brand}: how its brand detaches and attaches is unconfirmed.",
                f"Run the dry runs first: {cmd.zoneadm_words(w.name, 'detach', '-n')}.",
                w.name,
                brand=w.brand,
            )
        )
    if w.zonepath:
        m = mount_for(source, w.zonepath)
        if m is not None and m.fstype == "nfs":
            new = new_zonepath(w, layout)
            out.append(
                finding(
                    Code.DA_ZONEPATH_NFS,
                    Severity.STEP,
                    f"zonepath {w.zonepath}",
                    f"Zone {w.name}'s zonepath is on NFS ({m.device} on {m.mount_point}), where a zone "
                    "cannot "
                    f"be installed ({FIELD_TEST_SHORT}). Detach/attach copies the zonepath anyway: on "
                    f"{destination.hostname} it lands on local storage, as {new}.",
                    "The runbook archives the detached zonepath (pax) and unpacks it on "
                    f"{destination.hostname} "
                    f"as {new}; zonecfg -z {cmd.q(w.name)} create -a {cmd.q(new)} takes the configuration "
                    "from "
                    f"there; {new} needs room for the zone (df -k {cmd.q(cmd.zonepath_parts(new)[0])}).",
                    w.name,
                    zonepath=w.zonepath,
                    new_zonepath=new,
                    device=m.device,
                )
            )
        elif w.zonepath_dataset:
            out.append(
                finding(
                    Code.ZONEPATH_ON_ZFS,
                    Severity.INFO,
                    f"zonepath {w.zonepath}",
                    f"Zone {w.name}'s zonepath is the ZFS dataset {w.zonepath_dataset}: the pax archive of "
                    "the "
                    "runbook carries its files; zfs send and receive are another way [ZTOC]. Zonepaths on "
                    "ZFS "
                    "are to be avoided before 10/08 [ZFSZ].",
                    "No change.",
                    w.name,
                    dataset=w.zonepath_dataset,
                )
            )
    out += _carried(flar)
    out += rule_nets(w, destination, gz_port, applied_by=DA_APPLIES)
    for u in w.ufs:
        md = metadevice_name(u.source_special)
        if u.unplaced is not None:
            continue  # FS_UFS_NO_SPACE, carried from the flar route
        target = u.dest_special or "/dev/dsk/NEW-SLICE"
        raw = u.dest_raw or "/dev/rdsk/NEW-SLICE"
        copy = data_copy_commands(w, u, source, destination, target, raw, options)
        if md is not None:
            tree = metadevice_tree(source, md)
            out.append(
                finding(
                    Code.DA_SVM,
                    Severity.STEP,
                    f"fs {u.directory}",
                    f"Zone {w.name}'s file system {u.directory} is on the metadevice {tree.description}. The "
                    f"zone's configuration names {u.source_special}, which {destination.hostname} does not "
                    f"have: its data is copied to a plain slice ({target}) and the file system repointed "
                    "before the attach. SVM stays behind on the source.",
                    copy,
                    w.name,
                    metadevice=md,
                    tree=tree.description,
                    destination_device=target,
                )
            )
        else:
            out.append(
                finding(
                    Code.DA_ZONE_UFS,
                    Severity.STEP,
                    f"fs {u.directory}",
                    f"Zone {w.name} mounts its own ufs slice {u.source_special} on {u.directory}: it is not "
                    f"under the zonepath, so its data is copied to {target} on {destination.hostname}"
                    + (" and the zone repointed to it." if target != u.source_special else "."),
                    copy,
                    w.name,
                    source_device=u.source_special,
                    destination_device=target,
                )
            )
    out += _lofs(w, source, destination)
    out += _nfs_info(w, destination)
    out += _zfs_data(w, source, destination, "the zone attaches")
    metadevices = frozenset(d.match for d in w.devices if d.metadevice)
    for d in w.devices:
        if d.match in metadevices:
            out.append(
                finding(
                    Code.DA_SVM,
                    Severity.STEP,
                    f"device {d.match}",
                    f"Zone {w.name} is given the metadevice {d.match}, which {destination.hostname} does not "
                    "have.",
                    f"Copy its data to a plain slice of {destination.hostname}, then before the attach: "
                    f"{cmd.device_remap(w.name, d.match, '/dev/rdsk/NEW-SLICE')}; or "
                    f"{cmd.device_remove(w.name, d.match)}",
                    w.name,
                    match=d.match,
                )
            )
    out += rule_devices(w, source, destination, applied_by=DA_DEVICES)
    return out


def new_zonepath(w: ZoneWork, layout: LayoutPlan) -> str:
    """Where the zone lives on the destination: its own path, or the local one the layout planned
    for a zonepath on NFS (ZONEPATH_ON_NFS)."""
    return layout.relocations.get(w.name, "") or w.zonepath or f"/zones/{w.name}"


def _cfg(options: PlanOptions, zone: str) -> str:
    return f"{options.archive_dir.rstrip('/')}/{zone}.cfg"


def data_copy_commands(
    w: ZoneWork,
    u: UfsMove,
    source: HostInventory,
    destination: HostInventory,
    target: str,
    raw: str,
    options: PlanOptions,
) -> str:
    """Copy a zone's ufs (or SVM) file system to ``target`` on the destination, then repoint the zone."""
    mnt = f"{STAGING}/{w.name}{u.directory}"
    archive = data_archive(options, w.name, u.directory)
    steps = [
        f"1. On {source.hostname}, with the zone halted: mkdir -p {cmd.q(mnt)} && "
        f"mount -F ufs -o ro {cmd.q(u.source_special)} {cmd.q(mnt)} && cd {cmd.q(mnt)} && "
        f"pax -w@f {cmd.q(archive)} -p e . && cd / && umount {cmd.q(mnt)}",
        f"2. {cmd.copy_to(archive, destination.hostname)}",
        f"3. On {destination.hostname}: newfs {cmd.q(raw)} (a new, empty slice of at least "
        f"{u.size_mb or '?'} MB) "
        f"&& mkdir -p {cmd.q(mnt)} && mount -F ufs {cmd.q(target)} {cmd.q(mnt)} && cd {cmd.q(mnt)} && "
        f"pax -r@f {cmd.q(archive)} -p e && cd / && umount {cmd.q(mnt)}",
    ]
    if target != u.source_special:
        steps.append(f"4. Before the zone boots: {cmd.fs_special_remap(w.name, u.directory, target, raw)}")
    return "\n".join(steps)


def data_archive(options: PlanOptions, zone: str, directory: str) -> str:
    return f"{options.archive_dir.rstrip('/')}/{zone}{directory.replace('/', '_')}.pax"


def _isa_mismatch(source: HostInventory, destination: HostInventory, what: str) -> Finding | None:
    src, dst = isa_of(source), isa_of(destination)
    if not src or not dst or src == dst:
        return None
    return finding(
        Code.ISA_MISMATCH,
        Severity.BLOCKER,
        "platform",
        f"{source.hostname} is {src} and {destination.hostname} is {dst}: a zone's binaries run only on the "
        f"instruction set they were built for, so {what} cannot move it.",
        "Choose a destination of the same processor family, or rebuild the zones there (zonecfg export, "
        "zoneadm install) and copy the data.",
        source=src,
        destination=dst,
    )


# --- solaris10 branded zones -----------------------------------------------------------------------


def _s10_host(
    source: HostInventory, destination: HostInventory, facts: InstallFacts, dest: DestinationOs, zones: int
) -> list[Finding]:
    out: list[Finding] = []
    src_host, dst_host = source.hostname, destination.hostname
    isa = _isa_mismatch(source, destination, "a solaris10 branded zone")
    if isa is not None:
        out.append(isa)
    model = dest.model
    name = f"the {model.key}" if model is not None else dst_host
    if dest.solaris11 is False:
        confirmed = model is not None and model.solaris11.confirmed
        note = model.solaris11.note if model is not None and model.solaris11.note else ""
        out.append(
            finding(
                Code.S10B_DEST_NO_S11,
                Severity.BLOCKER if confirmed else Severity.INFO,
                "platform",
                f"{name[:1].upper()}{name[1:]} cannot run Solaris 11"
                + (f" ({note})" if note else "")
                + f" [{model.solaris11.source if model else 'U'}], and solaris10 branded zones run only "
                "under Solaris 11 [S11Z]."
                + ("" if confirmed else " This is unconfirmed, so it does not block the plan."),
                "Choose a destination that runs Solaris 11 (a T-series, an M-series, S7 or M8), or take the "
                "flash-archive or detach/attach route.",
                model=model.key if model else None,
            )
        )
    elif not dest.runs_solaris11_now:
        if dest.runs_solaris10_now:
            now = f"{dst_host} runs Solaris 10 now"
        elif dest.collected:
            now = f"{dst_host}'s bundle does not say which Solaris it runs"
        else:
            now = f"{dst_host} is not installed yet ({destination.origin})"
        unconfirmed = f" Whether {name} runs Solaris 11 is unconfirmed." if dest.solaris11 is None else ""
        out.append(
            finding(
                Code.S10B_DEST_INSTALL_S11,
                Severity.STEP,
                "destination",
                f"{now}: solaris10 branded zones need Solaris 11 there [S11Z].{unconfirmed}",
                f"Install Solaris 11 on {dst_host} (11.4 adds zoneadm install -P to apply missing patches "
                f"[S10-7]), then pkg install {BRAND_PACKAGE}.",
            )
        )
    if dest.solaris11 is not False:
        installed = destination.brand_solaris10_installed if dest.runs_solaris11_now else None
        if installed is not True:
            why = (
                f"pkg list brand-solaris10 on {dst_host} found no such package"
                if installed is False
                else f"whether {dst_host} has it is unknown (no pkg-list-brand-solaris10 in its bundle)"
                if dest.runs_solaris11_now
                else f"{dst_host} does not run Solaris 11 yet"
            )
            out.append(
                finding(
                    Code.S10B_BRAND_PACKAGE,
                    Severity.STEP,
                    "brand package",
                    f"The solaris10 brand comes in the package {BRAND_PACKAGE} [S11Pre]: {why}.",
                    f"On {dst_host}: pkg list brand-solaris10 || pkg install {BRAND_PACKAGE}",
                    package=BRAND_PACKAGE,
                    installed=installed,
                )
            )
    arch = facts.arch or "sparc"
    patches = PKG_TOOL_PATCHES.get(arch, PKG_TOOL_PATCHES["sparc"])
    pattern = "|".join(p.split("-")[0] for p in patches)
    out.append(
        finding(
            Code.S10B_PKG_TOOL_PATCHES,
            Severity.STEP,
            "patches",
            f"The package and patch tools inside a solaris10 zone need the patches {', '.join(patches)} "
            f"({'SPARC' if arch == 'sparc' else 'x86'}; the other platform's are "
            f"{', '.join(PKG_TOOL_PATCHES['x86' if arch == 'sparc' else 'sparc'])}) on {src_host} before "
            "archiving [S11Pre, S11Sup]; the bundle does not list patches, so check them.",
            f"On {src_host}: showrev -p | egrep {cmd.q('^Patch: (' + pattern + ')-')}; patchadd each one "
            "missing (or a later revision) before the archives are made.",
            patches=list(patches),
            arch=arch,
        )
    )
    if zones:
        out.append(
            finding(
                Code.S10B_NATIVE_FIRST,
                Severity.INFO,
                "order",
                f"The native zones of {src_host} move first, each by V2V; only then, if wanted, its global "
                "zone "
                "by P2V [V2V].",
                "The runbook keeps that order.",
            )
        )
    tool = f"zonep2vchk (copied from a Solaris 11 host's /usr/sbin, or the OTN package: {ZONEP2VCHK_PACKAGE})"
    out.append(
        finding(
            Code.S10B_P2V_CHECK,
            Severity.INFO,
            "global zone",
            f"{src_host}'s global zone can follow its zones as a solaris10 zone (P2V), optionally. Before "
            "it, "
            f"{tool} lists what would not work in a zone [P2V11, P2V112, REF].",
            f"On {src_host}: zonep2vchk -T S11 -b; zonep2vchk -T S11 -c > {cmd.q(src_host + '.cfg')} (the "
            "runbook's P2V phase).",
        )
    )
    if zones:
        out.append(
            finding(
                Code.S10B_NESTED_ZONES,
                Severity.INFO,
                "global zone",
                f"Zones inside a P2V image become unusable [REF]: the P2V archive of {src_host} leaves its "
                "zonepaths out (flarcreate -x), since the zones move by V2V.",
                "The runbook's P2V flarcreate has one -x per zonepath.",
            )
        )
    out.append(
        finding(
            Code.S10B_NFS_SERVER,
            Severity.INFO,
            "global zone",
            "A solaris10 zone cannot be an NFS server, nor use UFS quotas, /dev/sound or the NIS+ "
            "automounter "
            f"[S11Lim]; the P2V of {src_host} comments out /etc/dfs/dfstab [REF].",
            f"On {src_host}: share; cat /etc/dfs/dfstab (move the shares to {dst_host}'s global zone).",
        )
    )
    return out


def _s10_zone(
    w: ZoneWork,
    source: HostInventory,
    destination: HostInventory,
    gz_port: str,
    flar: list[Finding],
    facts: InstallFacts,
    options: PlanOptions,
) -> list[Finding]:
    out = _halt(w, source, "the zonepath is archived")
    zone_rec = source.zone(w.name)
    if not w.installed:
        out.append(
            finding(
                Code.S10B_NOT_INSTALLED,
                Severity.STEP,
                f"zone {w.name}",
                f"Zone {w.name} is {w.state}, not installed: there is nothing to archive; only its "
                "configuration "
                "moves, as a solaris10 zone.",
                f"The runbook's configure step makes it on {destination.hostname} from "
                f"zonecfg -z {cmd.q(w.name)} export; install it there later from a Solaris 10 image.",
                w.name,
                state=w.state,
            )
        )
    else:
        kernel = judge_p2v_kernel(source.uname.version, facts.arch) if facts.arch else None
        if kernel is None or not kernel.meets:
            arch = facts.arch or "sparc"
            patch = P2V_KERNEL_PATCH[arch]
            other = P2V_KERNEL_PATCH["x86" if arch == "sparc" else "sparc"]
            text = (
                kernel.message if kernel is not None else "the source's architecture is unknown; unconfirmed"
            )
            out.append(
                finding(
                    Code.S10B_KERNEL_PATCH,
                    Severity.STEP,
                    f"zone {w.name}",
                    f"Zone {w.name} runs {source.hostname}'s kernel: a solaris10 zone's image must come "
                    "from a "
                    f"system at the Solaris 10 9/10 kernel level or with the kernel patch {patch} "
                    f"({'SPARC' if arch == 'sparc' else 'x86'}; {other} on "
                    f"{'x86' if arch == 'sparc' else 'SPARC'}) [S11Z]; {text}.",
                    f"On {source.hostname}, before the zone is archived: patchadd {patch} (from a patch "
                    "cluster; it patches the zones too), reboot, then check uname -v.",
                    w.name,
                    required=str(patch),
                    found=str(kernel.found) if kernel is not None and kernel.found else None,
                    status=kernel.status if kernel is not None else "unconfirmed",
                )
            )
    if w.brand != "native":
        out.append(
            finding(
                Code.S10B_ZONE_BRAND,
                Severity.STEP,
                f"zone {w.name}",
                f"Zone {w.name} has the brand {w.brand}: the V2V route is documented for native zones [V2V]; "
                "whether this one can become a solaris10 zone is unconfirmed.",
                f"Move it by detach/attach to a Solaris 10 host, or rebuild it; check {w.brand}'s own guide.",
                w.name,
                brand=w.brand,
            )
        )
    sparse = zone_rec is not None and is_sparse_root(zone_rec)
    data_fs = [u for u in w.ufs]
    if w.installed and (sparse or data_fs):
        why = []
        if sparse:
            why.append("its inherited directories (sparse root) are lofs mounts of the global zone")
        if data_fs:
            why.append(f"its file systems {', '.join(u.directory for u in data_fs)} are mounted only then")
        out.append(
            finding(
                Code.S10B_SPARSE_READY,
                Severity.STEP,
                f"zone {w.name}",
                f"Zone {w.name} is archived in the ready state, because {' and '.join(why)}: a halted zone's "
                "archive would leave them out [V2V]. On Solaris 11 it becomes a whole-root zone [S11Pre], so "
                "it needs the room of a whole root.",
                f"On {source.hostname}: {cmd.zoneadm(w.name, 'halt')}; {cmd.zoneadm(w.name, 'ready')}; "
                "archive; "
                f"{cmd.zoneadm(w.name, 'halt')} (the runbook does).",
                w.name,
                sparse=sparse,
            )
        )
    for u in data_fs:
        md = metadevice_name(u.source_special)
        what = f"the metadevice {metadevice_tree(source, md).description}" if md else "its own ufs slice"
        out.append(
            finding(
                Code.S10B_ZONE_FS,
                Severity.STEP,
                f"fs {u.directory}",
                f"Zone {w.name}'s {u.directory} is on {what} ({u.source_special}), which "
                f"{destination.hostname} does not have: with the zone ready its files ride in the archive, "
                "into the zone root, and the file system is removed from the configuration before the "
                "install." + (" Whether SVM volumes work in a solaris10 zone is unconfirmed." if md else ""),
                f"On {destination.hostname}, before zoneadm install: "
                f"{cmd.zonecfg(w.name, 'remove fs dir=' + zonecfg_token(u.directory, what='fs dir'))} "
                "(the runbook does). To keep it a file system of its own instead: zfs create -o "
                f"mountpoint=legacy rpool/{w.name}-data and add fs type=zfs.",
                w.name,
                device=u.source_special,
                metadevice=md,
            )
        )
    if w.zonepath:
        m = mount_for(source, w.zonepath)
        if m is not None and m.fstype == "nfs":
            out.append(
                finding(
                    Code.S10B_ZONEPATH,
                    Severity.INFO,
                    f"zonepath {w.zonepath}",
                    f"Zone {w.name}'s zonepath is on NFS ({m.device}): the archive reads it from "
                    f"{source.hostname}; on {destination.hostname} the zone gets a ZFS dataset of its own "
                    "[S11Pre].",
                    "No change.",
                    w.name,
                    device=m.device,
                )
            )
        elif w.zonepath_dataset:
            out.append(
                finding(
                    Code.S10B_ZONEPATH,
                    Severity.INFO,
                    f"zonepath {w.zonepath}",
                    f"Zone {w.name}'s zonepath is the ZFS dataset {w.zonepath_dataset}: the archive carries "
                    "its "
                    f"files; on {destination.hostname} the zone gets a dataset of its own [S11Pre].",
                    "No change.",
                    w.name,
                    dataset=w.zonepath_dataset,
                )
            )
    out += _carried(flar)  # FS_UFS_NO_SPACE too: the data must land on one of the destination's disks
    out += rule_nets(w, destination, gz_port, applied_by=S10B_APPLIES, solaris11=True)
    refused: set[str] = set()
    for d in w.devices:
        if d.match.startswith("/dev/sound"):
            reason = "the solaris10 brand refuses /dev/sound [S11Lim]"
        elif d.metadevice:
            reason = "whether SVM volumes work in a solaris10 zone is unconfirmed; Solaris 11 has ZFS volumes"
        else:
            continue
        refused.add(d.match)
        out.append(
            finding(
                Code.S10B_DEVICE_REFUSED,
                Severity.STEP,
                f"device {d.match}",
                f"Zone {w.name} is given {d.match}: {reason}.",
                f"Before zoneadm install on {destination.hostname}: {cmd.device_remove(w.name, d.match)}"
                + (
                    f" (or a ZFS volume: zfs create -V SIZE rpool/{w.name}-vol; "
                    f"{cmd.device_remap(w.name, d.match, f'/dev/zvol/rdsk/rpool/{w.name}-vol')})"
                    if d.metadevice
                    else ""
                ),
                w.name,
                match=d.match,
            )
        )
    out += _lofs(w, source, destination)
    out += _nfs_info(w, destination)
    out += _zfs_data(w, source, destination, "the zone boots")
    out += rule_devices(w, source, destination, applied_by=S10B_DEVICES, skip=frozenset(refused))
    return out


# --- putting it together ------------------------------------------------------------------------------


def _best(routes: list[ZoneRoute], methods: tuple[str, ...]) -> ZoneRoute | None:
    candidates = [r for r in routes if r.method in methods]
    if not candidates:
        return None
    return min(candidates, key=lambda r: (_VERDICT_RANK[r.verdict], ROUTE_METHODS.index(r.method)))


def _blockers(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.BLOCKER]


def _worst(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=lambda v: _VERDICT_RANK[v], default=Verdict.READY)


def _recommend(
    zones: dict[str, list[ZoneRoute]], pins: dict[str, str], host: dict[str, Verdict]
) -> dict[str, str]:
    literal = {z: best.method for z, routes in zones.items() if (best := _best(routes, ROUTE_METHODS))}
    chosen = {z: pins.get(z, m) for z, m in literal.items()}
    if len({ROUTE_OS[m] for m in chosen.values()}) <= 1:
        return literal
    pinned_os = {ROUTE_OS[m] for m in pins.values()}
    if len(pinned_os) > 1:
        return literal  # the pins conflict: ROUTE_MIX_CONFLICT says so
    systems = sorted(pinned_os) if pinned_os else ["solaris10", "solaris11"]
    options: list[tuple[int, int, dict[str, str]]] = []
    for order, system in enumerate(systems):
        methods = tuple(m for m in ROUTE_METHODS if ROUTE_OS[m] == system)
        pick: dict[str, str] = {}
        verdicts: list[Verdict] = []
        for z, routes in zones.items():
            best = _best(routes, methods)
            if best is None:
                break
            pick[z] = best.method
            route = next(r for r in routes if r.method == pins.get(z, best.method))
            verdicts += [route.verdict, host[route.method]]
        else:
            options.append((_VERDICT_RANK[_worst(verdicts)], order, pick))
    return min(options, key=lambda o: (o[0], o[1]))[2] if options else literal


def _mix_conflict(chosen: dict[str, str], pinned: dict[str, str]) -> list[Finding]:
    by_os: dict[str, list[str]] = {}
    for z, m in chosen.items():
        by_os.setdefault(ROUTE_OS[m], []).append(z)
    if len(by_os) <= 1:
        return []
    s10, s11 = by_os.get("solaris10", []), by_os.get("solaris11", [])

    def named(zones: list[str]) -> str:
        shown = ", ".join(f"{z} ({chosen[z]}{', pinned' if z in pinned else ''})" for z in zones[:10])
        return shown + (f" and {len(zones) - 10} more" if len(zones) > 10 else "")

    return [
        finding(
            Code.ROUTE_MIX_CONFLICT,
            Severity.BLOCKER,
            "routes",
            f"One destination runs either Solaris 10 (flash archive, detach/attach) or Solaris 11 (solaris10 "
            f"branded zones). These zones need Solaris 10: {named(s10)}; these need Solaris 11: "
            f"{named(s11)}.",
            "Pin the zones to routes of one operating system (the route picker of the plan page, or "
            "PUT /api/plans/{id}/routes/), or clear the pins to take the recommendation.",
            solaris10=s10,
            solaris11=s11,
        )
    ]


def evaluate_routes(
    *,
    source: HostInventory,
    destination: HostInventory,
    work: list[ZoneWork],
    flar_zone_findings: dict[str, list[Finding]],
    flar_host_findings: list[Finding],
    facts: InstallFacts,
    layout: LayoutPlan,
    options: PlanOptions,
    gz_port: str,
    pins: list[RouteOverride],
) -> RoutePlan:
    dest = destination_os(destination, facts)
    listed = tuple(m for m in ROUTE_METHODS if m != Route.DETACH_ATTACH or dest.lists_detach_attach)
    host: dict[str, list[Finding]] = {Route.FLAR.value: flar_host_findings}
    if Route.DETACH_ATTACH in listed:
        host[Route.DETACH_ATTACH.value] = _da_host(source, destination, facts, dest)
    host[Route.S10_BRANDED.value] = _s10_host(source, destination, facts, dest, len(work))
    zones: dict[str, list[ZoneRoute]] = {}
    for w in work:
        flar = flar_zone_findings.get(w.name, [])
        found: dict[str, list[Finding]] = {Route.FLAR.value: flar}
        if Route.DETACH_ATTACH in listed:
            found[Route.DETACH_ATTACH.value] = _da_zone(
                w, source, destination, gz_port, flar, layout, options
            )
        found[Route.S10_BRANDED.value] = _s10_zone(w, source, destination, gz_port, flar, facts, options)
        # A host-level blocker stops the route for every zone; host-level steps are shared by all the
        # zones that take the route, so they count in recommended_verdict, not in each zone's choice.
        zones[w.name] = [ZoneRoute(m, verdict_of([*found[m], *_blockers(host[m])]), found[m]) for m in listed]
    notes: list[str] = []
    pinned: dict[str, str] = {}
    for pin in pins:
        if pin.zone not in zones:
            notes.append(f"route pin for zone {pin.zone} ({pin.method}): the source has no such zone")
        elif pin.method not in listed:
            notes.append(
                f"route pin for zone {pin.zone} ({pin.method}) not used: {destination.hostname} does not run "
                "Solaris 10 natively"
            )
        else:
            pinned[pin.zone] = pin.method
    recommended = _recommend(zones, pinned, {m: verdict_of(fs) for m, fs in host.items()})
    chosen = {z: pinned.get(z, m) for z, m in recommended.items()}
    mix = _mix_conflict(chosen, pinned)
    verdicts: list[Verdict] = [verdict_of(mix)]
    for z, method in chosen.items():
        route = next(r for r in zones[z] if r.method == method)
        verdicts.append(route.verdict)
    for method in {*chosen.values()} or {Route.FLAR.value}:
        verdicts.append(verdict_of(host[method]))
    return RoutePlan(
        listed=listed,
        host_findings={m: fs for m, fs in host.items() if m != Route.FLAR.value},
        zones=zones,
        recommended=recommended,
        chosen=chosen,
        pinned=pinned,
        findings=mix,
        recommended_verdict=_worst(verdicts),
        destination=dest,
        notes=notes,
    )
