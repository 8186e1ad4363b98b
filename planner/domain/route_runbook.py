"""The runbook phases of the detach/attach and solaris10-branded-zone routes (issue #14).

The flash-archive route's phases are ``runbook.py``'s.  A plan's runbook holds the phases of every
route its zones take, each phase tagged with its route:

* detach/attach: ``da-dry-run`` (source: ``zoneadm -z Z detach -n``), ``da-dry-run-destination``
  (``attach -n MANIFEST``), ``da-detach``, ``da-archive`` (pax of the detached zonepath, and of the
  zone's own ufs or SVM file systems), ``da-copy``, then, after the flash-archive phases when the
  plan has them, ``da-configure`` (unpack, ``zonecfg -z Z create -a PATH``, remaps), ``da-attach``
  (``zoneadm attach [-u|-F]``, boot), ``da-verify`` and ``da-rollback`` (re-attach on the source);
* solaris10 branded zones: ``s10-prepare`` (kernel patch, package-tool patches), ``s10-archive``
  (``zonecfg export``, halt, ``ready`` where needed, ``find Z -print | cpio -oP@ | gzip``),
  ``s10-copy``, ``s10-destination`` (brand package, the zones' dataset), ``s10-configure``
  (``zonecfg -z Z -f CFG`` with brand solaris10), ``s10-install`` (``zoneadm install -a ARCHIVE
  -u``), ``s10-boot``, ``s10-verify``, the optional P2V of the global zone (``s10-p2v-source``:
  ``zonep2vchk``, ``flarcreate -S -n NAME -L cpio``; ``s10-p2v-destination``) and
  ``s10-rollback``.

Every command is built by ``commands.py`` from quoted words.  Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.domain import commands as cmd
from planner.domain.facts import is_sparse_root
from planner.domain.install import InstallFacts
from planner.domain.layout import LayoutPlan
from planner.domain.options import PlanOptions
from planner.domain.quoting import zonecfg_token
from planner.domain.releases import P2V_KERNEL_PATCH
from planner.domain.routes import (
    BRAND_PACKAGE,
    PKG_TOOL_PATCHES,
    STAGING,
    Route,
    RoutePlan,
    attach_plan,
    data_archive,
    new_zonepath,
)
from planner.domain.runbook import RunbookPhase, RunbookStep
from planner.domain.zonework import ZoneWork
from planner.solaris.inventory import HostInventory
from planner.solaris.names import is_zone_name

DA_SOURCE_PHASES = (
    ("da-dry-run", "Detach/attach: dry runs on the source", "source"),
    ("da-dry-run-destination", "Detach/attach: dry runs on the destination", "destination"),
    ("da-detach", "Detach/attach: halt and detach the zones", "source"),
    ("da-archive", "Detach/attach: archive the detached zonepaths", "source"),
    ("da-copy", "Detach/attach: copy the archives to the destination", "source"),
)
DA_DESTINATION_PHASES = (
    ("da-configure", "Detach/attach: unpack and configure the zones", "destination"),
    ("da-attach", "Detach/attach: attach and boot the zones", "destination"),
    ("da-verify", "Detach/attach: verify the zones", "destination"),
    ("da-rollback", "Detach/attach: roll back (re-attach on the source)", "source"),
)
S10_PHASES = (
    ("s10-prepare", "solaris10 zones: prepare the source", "source"),
    ("s10-archive", "solaris10 zones: archive each zone (V2V)", "source"),
    ("s10-copy", "solaris10 zones: copy the archives to the destination", "source"),
    ("s10-destination", "solaris10 zones: prepare Solaris 11", "destination"),
    ("s10-configure", "solaris10 zones: configure the zones (brand solaris10)", "destination"),
    ("s10-install", "solaris10 zones: install the zones from their archives", "destination"),
    ("s10-boot", "solaris10 zones: boot the zones", "destination"),
    ("s10-verify", "solaris10 zones: verify the zones", "destination"),
    ("s10-p2v-source", "Optional: the global zone as a solaris10 zone (P2V), on the source", "source"),
    (
        "s10-p2v-destination",
        "Optional: the global zone as a solaris10 zone (P2V), on Solaris 11",
        "destination",
    ),
    ("s10-rollback", "solaris10 zones: roll back (boot the zones on the source again)", "source"),
)

# The zonecfg export of a Solaris 10 zone, made fit for Solaris 11: brand solaris10 right after the
# create line, no inherit-pkg-dir blocks (a solaris10 zone is whole-root [S11Pre]), no other brand.
# The brand reaches nawk as a -v value, never as program text.
S10_CFG_AWK = (
    "/^add inherit-pkg-dir/ { skip = 1; next } "
    'skip { if ($1 == "end") skip = 0; next } '
    "/^set brand=/ { next } "
    "{ print } "
    '/^create/ { print "set brand=" brand }'
)


def solaris10_configuration(exported: str, brand: str = "solaris10") -> str:
    """What :data:`S10_CFG_AWK` makes of a ``zonecfg export``, for the jobs that write the file
    themselves: ``set brand=`` after the create line, no inherit-pkg-dir blocks, no other brand."""
    out: list[str] = []
    skip = False
    for line in exported.splitlines():
        words = line.split()
        if line.startswith("add inherit-pkg-dir"):
            skip = True
            continue
        if skip:
            if words[:1] == ["end"]:
                skip = False
            continue
        if line.startswith("set brand="):
            continue
        out.append(line)
        if line.startswith("create"):
            out.append(f"set brand={brand}")
    return "".join(f"{line}\n" for line in out)


@dataclass
class _Steps:
    by_phase: dict[str, list[RunbookStep]] = field(default_factory=dict)

    def add(
        self,
        phase: str,
        zone: str | None,
        title: str,
        command: str,
        notes: str = "",
        expected: list[str] | None = None,
    ) -> None:
        step = RunbookStep(phase, zone, title, command, notes, list(expected or []))
        self.by_phase.setdefault(phase, []).append(step)

    def phases(
        self, spec: tuple[tuple[str, str, str], ...], route: str, source: str, destination: str
    ) -> list[RunbookPhase]:
        return [
            RunbookPhase(
                key,
                title,
                source if where == "source" else destination,
                self.by_phase.get(key, []),
                route=route,
            )
            for key, title, where in spec
        ]


def _archive_dir(options: PlanOptions) -> str:
    return options.archive_dir.rstrip("/") or "/"


def _file(options: PlanOptions, name: str) -> str:
    return f"{_archive_dir(options)}/{name}"


def _remaps(
    steps: _Steps, phase: str, w: ZoneWork, gz_port: str, *, solaris11: bool, plumbed: set[str]
) -> None:
    z = w.name
    for row in w.nets:
        if row.action == "drop":
            steps.add(phase, z, f"Drop net {row.physical}", cmd.net_drop(z, row.selector))
        elif row.action == "map" and row.chosen_target:
            port = row.chosen_target
            if row.ip_type == "shared" and port != gz_port and port not in plumbed:
                plumbed.add(port)
                plumb = (
                    f"ipadm create-ip {cmd.q(port)}"
                    if solaris11
                    else f"ifconfig {cmd.q(port)} plumb; touch {cmd.q(f'/etc/hostname.{port}')}"
                )
                steps.add(phase, None, f"Give {port} an IP interface for shared-IP zones", plumb)
            steps.add(
                phase,
                z,
                f"Net {row.physical} -> {port}",
                cmd.net_remap(z, row.selector, port),
                notes=f"{row.origin}: {row.reason}",
            )
    for d in w.devices:
        if solaris11 and (d.metadevice or d.match.startswith("/dev/sound")):
            steps.add(
                phase,
                z,
                f"Remove device {d.match}",
                cmd.device_remove(z, d.match),
                notes="S10B_DEVICE_REFUSED: the solaris10 brand would refuse it.",
            )
        elif d.metadevice:
            steps.add(
                phase,
                z,
                f"Device {d.match} -> a plain slice",
                cmd.device_remap(z, d.match, "/dev/rdsk/NEW-SLICE"),
                notes="DA_SVM: copy the volume's data to the new slice first; NEW-SLICE is yours to choose.",
            )
        elif d.action == "replace":
            steps.add(
                phase,
                z,
                f"Device {d.match} -> {d.replacement}",
                cmd.device_remap(z, d.match, d.replacement),
                notes=d.reason + "; check it by hand",
            )
        elif d.action == "remove":
            steps.add(phase, z, f"Remove device {d.match}", cmd.device_remove(z, d.match), notes=d.reason)


def _expected_line(w: ZoneWork, zonepath: str, brand: str, *, up: bool) -> str:
    state = "running" if up else "installed"
    ip = "excl" if w.ip_type == "exclusive" else "shared"
    return f"{'*' if up else '-'}:{w.name}:{state}:{zonepath}:*:{brand}:{ip}"


# --- detach / attach --------------------------------------------------------------------------------


def detach_attach_phases(
    *,
    source: HostInventory,
    destination: HostInventory,
    work: list[ZoneWork],
    routes: RoutePlan,
    facts: InstallFacts,
    layout: LayoutPlan,
    options: PlanOptions,
    gz_port: str,
    with_flar: bool,
) -> tuple[list[RunbookPhase], list[RunbookPhase]]:
    """The detach/attach phases: those before the flash-archive phases (source side), and after."""
    src, dst = source.hostname, destination.hostname
    zones = [w for w in work if routes.route_of(w.name) == Route.DETACH_ATTACH]
    plan = attach_plan(source, destination, facts)
    steps = _Steps()
    adir = _archive_dir(options)
    steps.add("da-dry-run", None, f"Make the transfer directory {adir}", f"mkdir -p {cmd.q(adir)}")
    steps.add(
        "da-dry-run-destination", None, f"Make the transfer directory {adir}", f"mkdir -p {cmd.q(adir)}"
    )
    for w in zones:
        z = w.name
        if not w.installed:
            continue
        manifest = _file(options, f"{z}.manifest")
        if plan.dry_runs:
            steps.add(
                "da-dry-run",
                z,
                f"Dry-run the detach of {z}",
                f"{cmd.zoneadm_words(z, 'detach', '-n')} > {cmd.q(manifest)} && {cmd.copy_to(manifest, dst)}",
                notes="detach -n writes the zone's manifest (its configuration and package and patch "
                "inventory) to stdout and changes nothing [REF]; 5/08 and later [ZTOC].",
            )
            steps.add(
                "da-dry-run-destination",
                z,
                f"Dry-run the attach of {z}",
                f"{cmd.zoneadm_words(z, 'attach', '-n', manifest)}",
                notes="attach -n reads the manifest and reports what would stop the attach (packages, "
                "patches, network devices) without changing anything [REF].",
            )
        else:
            steps.add(
                "da-dry-run",
                z,
                f"No dry run for {z}",
                "",
                notes="detach -n and attach -n need 5/08 on both hosts [ZTOC]; the update of one of them is "
                "older or unknown.",
            )
    for w in zones:
        z = w.name
        if w.state == "mounted":
            steps.add("da-detach", z, f"Unmount zone {z}", cmd.zoneadm(z, "unmount"))
        if w.must_halt:
            steps.add(
                "da-detach",
                z,
                f"Halt zone {z} (it is {w.state})",
                cmd.zoneadm(z, "halt"),
                notes=f"For a clean application stop first: zlogin {cmd.q(z)} shutdown -y -g 0 -i 0",
            )
        if w.installed:
            steps.add(
                "da-detach",
                z,
                f"Detach zone {z}",
                cmd.zoneadm(z, "detach"),
                notes="Writes SUNWdetached.xml into the zonepath and leaves the zone configured [REF]; the "
                "zonepath stays on the source for the rollback.",
                expected=[f"-:{z}:configured:{w.zonepath}:*:{w.brand}:*"],
            )
        else:
            cfg = _file(options, f"{z}.cfg")
            steps.add(
                "da-detach",
                z,
                f"Export the configuration of {z} (it is {w.state})",
                f"zonecfg -z {cmd.q(z)} export > {cmd.q(cfg)}",
            )
    for w in zones:
        if not w.installed:
            continue
        z = w.name
        archive = _file(options, f"{z}.pax")
        steps.add(
            "da-archive",
            z,
            f"Archive {z}'s zonepath {w.zonepath}",
            cmd.pax_zonepath(w.zonepath, archive),
            notes="pax keeps extended attributes (-@) and modes (-p e) [ZTOC]; zfs send of the zonepath "
            "dataset is another way.",
        )
        for u in w.ufs:
            if u.unplaced is not None:
                continue
            mnt = f"{STAGING}/{z}{u.directory}"
            data = data_archive(options, z, u.directory)
            steps.add(
                "da-archive",
                z,
                f"Archive {z}'s file system {u.directory} ({u.source_special})",
                f"mkdir -p {cmd.q(mnt)} && mount -F ufs -o ro {cmd.q(u.source_special)} {cmd.q(mnt)} && "
                f"cd {cmd.q(mnt)} && pax -w@f {cmd.q(data)} -p e . && cd / && umount {cmd.q(mnt)}",
                notes="Not under the zonepath: the zone mounts it at boot (DA_SVM / DA_ZONE_UFS).",
            )
    for w in zones:
        z = w.name
        if w.installed:
            steps.add(
                "da-copy",
                z,
                f"Copy {z}'s zonepath archive",
                cmd.copy_to(_file(options, f"{z}.pax"), dst),
                notes="Any copy that lands the file there will do (NFS, tape).",
            )
            for u in w.ufs:
                if u.unplaced is None:
                    data = data_archive(options, z, u.directory)
                    steps.add("da-copy", z, f"Copy {z}'s {u.directory} archive", cmd.copy_to(data, dst))
        else:
            steps.add("da-copy", z, f"Copy {z}'s configuration", cmd.copy_to(_file(options, f"{z}.cfg"), dst))
        for dataset in w.waits_for_zfs:
            snap = cmd.q(f"{dataset}@zflar")
            steps.add(
                "da-copy",
                z,
                f"Send the ZFS dataset {dataset}",
                f"zfs snapshot -r {snap} && zfs send -R {snap} | ssh {cmd.q('root@' + dst)} zfs receive -d "
                f"{cmd.q(dataset.split('/', 1)[0])}",
                notes=f"The pool must exist on {dst} (ZFS_DATASET / FS_ZFS).",
            )
    plumbed: set[str] = set()
    for w in zones:
        z = w.name
        new = new_zonepath(w, layout)
        if w.installed:
            steps.add(
                "da-configure",
                z,
                f"Unpack {z}'s zonepath as {new}",
                cmd.pax_restore(_file(options, f"{z}.pax"), w.zonepath, new),
                notes="A zonepath must be mode 700."
                + (f" It moves off NFS ({w.zonepath})." if new != w.zonepath else ""),
            )
            for u in w.ufs:
                if u.unplaced is not None:
                    continue
                target = u.dest_special or "/dev/dsk/NEW-SLICE"
                raw = u.dest_raw or "/dev/rdsk/NEW-SLICE"
                mnt = f"{STAGING}/{z}{u.directory}"
                steps.add(
                    "da-configure",
                    z,
                    f"Put {z}'s {u.directory} on {target}",
                    f"newfs {cmd.q(raw)} </dev/null && mkdir -p {cmd.q(mnt)} && mount -F ufs {cmd.q(target)} "
                    f"{cmd.q(mnt)} && cd {cmd.q(mnt)} && pax -r@f "
                    f"{cmd.q(data_archive(options, z, u.directory))} "
                    f"-p e && cd / && umount {cmd.q(mnt)}",
                    notes="newfs destroys what is on the slice: it must be a new, empty one of at least "
                    f"{u.size_mb or '?'} MB."
                    + (
                        " In a plan that also installs the destination from the flash archive, JumpStart has "
                        f"already made it a file system mounted at {u.mount_point}: umount it and remove its "
                        "vfstab line instead of newfs."
                        if with_flar
                        else ""
                    ),
                )
            if with_flar:
                if new != w.zonepath:
                    steps.add(
                        "da-configure",
                        z,
                        f"Point {z} at {new}",
                        cmd.zonecfg(z, "set zonepath=" + zonecfg_token(new, what="zonepath")),
                        notes="The zone's configuration came with the flash archive (it was detached, so "
                        "it is configured).",
                    )
            else:
                steps.add(
                    "da-configure",
                    z,
                    f"Configure {z} from its detached zonepath",
                    f"zonecfg -z {cmd.q(z)} create -a {cmd.q(new)}",
                    notes="create -a builds the configuration from the SUNWdetached.xml the detach left in "
                    "the zonepath [REF].",
                )
            for u in w.ufs:
                if u.unplaced is None and (u.dest_special or "/dev/dsk/NEW-SLICE") != u.source_special:
                    steps.add(
                        "da-configure",
                        z,
                        f"Repoint {z}'s {u.directory}",
                        cmd.fs_special_remap(
                            z,
                            u.directory,
                            u.dest_special or "/dev/dsk/NEW-SLICE",
                            u.dest_raw or "/dev/rdsk/NEW-SLICE",
                        ),
                    )
        else:
            cfg = _file(options, f"{z}.cfg")
            steps.add("da-configure", z, f"Configure {z}", f"zonecfg -z {cmd.q(z)} -f {cmd.q(cfg)}")
        _remaps(steps, "da-configure", w, gz_port, solaris11=False, plumbed=plumbed)
    expected = []
    for w in zones:
        z = w.name
        if not w.installed:
            continue
        words = ["attach"]
        if w.brand in ("solaris8", "solaris9"):
            words.append("-F")
        elif plan.update_on_attach:
            words.append("-u")
        steps.add(
            "da-attach",
            z,
            f"Attach {z}",
            cmd.zoneadm_words(z, *words),
            notes=(
                "-u updates the zone's packages and patches to the destination's (10/08 and later [OSOL])."
                if "-u" in words
                else "-F: a Solaris 8/9 container attaches only forced [REF]."
                if "-F" in words
                else "The destination runs the source's update: a plain attach."
            ),
        )
        up = w.boot_on_destination and not w.waits_for_zfs
        if up:
            steps.add("da-attach", z, f"Boot {z}", cmd.zoneadm(z, "boot"))
        expected.append(_expected_line(w, new_zonepath(w, layout), w.brand, up=up))
    steps.add(
        "da-verify",
        None,
        "Zone states on the destination",
        "zoneadm list -cp",
        notes="* stands for the zone ID and UUID.",
        expected=expected,
    )
    for w in zones:
        if w.nets:
            steps.add(
                "da-verify",
                w.name,
                f"{w.name}'s network resources",
                f"zonecfg -z {cmd.q(w.name)} info net",
                expected=[f"physical: {r.chosen_target}" for r in w.nets if r.action != "drop"],
            )
    for w in zones:
        z = w.name
        if not w.installed:
            continue
        steps.add(
            "da-rollback",
            z,
            f"If {z} was attached on {dst}: halt and detach it there",
            f"{cmd.zoneadm(z, 'halt')}; {cmd.zoneadm(z, 'detach')}",
            notes=f"Run on {dst}, so that only one host runs the zone.",
        )
        steps.add(
            "da-rollback",
            z,
            f"Re-attach {z} on {src}",
            f"{cmd.zoneadm(z, 'attach')} && {cmd.zoneadm(z, 'boot')}",
            notes="The source's zonepath is untouched by the copy; the attach reads its SUNWdetached.xml.",
        )
    before = steps.phases(DA_SOURCE_PHASES, Route.DETACH_ATTACH.value, src, dst)
    after = steps.phases(DA_DESTINATION_PHASES, Route.DETACH_ATTACH.value, src, dst)
    return before, after


# --- solaris10 branded zones --------------------------------------------------------------------------


def _pool(destination: HostInventory) -> str:
    names = [p.name for p in destination.zpools]
    return "rpool" if "rpool" in names or not names else names[0]


def s10_branded_phases(
    *,
    source: HostInventory,
    destination: HostInventory,
    work: list[ZoneWork],
    routes: RoutePlan,
    facts: InstallFacts,
    options: PlanOptions,
    gz_port: str,
) -> list[RunbookPhase]:
    src, dst = source.hostname, destination.hostname
    zones = [w for w in work if routes.route_of(w.name) == Route.S10_BRANDED]
    arch = facts.arch or "sparc"
    steps = _Steps()
    adir = _archive_dir(options)
    patch = P2V_KERNEL_PATCH[arch]
    tools = PKG_TOOL_PATCHES[arch]
    steps.add(
        "s10-prepare",
        None,
        "Check the kernel patch",
        "uname -v",
        notes=f"Generic_{patch} or later, or a 9/10 or later kernel (S10B_KERNEL_PATCH) [S11Z]; else "
        f"patchadd {patch} and reboot before the archives are made.",
        expected=[f"Generic_{patch.patch}-NN (NN at least {patch.revision:02d}), or a later kernel patch"],
    )
    pattern = "^Patch: (" + "|".join(p.split("-")[0] for p in tools) + ")-"
    steps.add(
        "s10-prepare",
        None,
        "Check the package-tool patches",
        f"showrev -p | egrep {cmd.q(pattern)}",
        notes=f"{', '.join(tools)} or later revisions [S11Pre, S11Sup] (S10B_PKG_TOOL_PATCHES).",
    )
    steps.add("s10-prepare", None, f"Make the transfer directory {adir}", f"mkdir -p {cmd.q(adir)}")
    ready = {w.name for w in zones if w.installed and (w.ufs or _sparse(source, w.name))}
    for w in zones:
        z = w.name
        cfg = _file(options, f"{z}.cfg")
        steps.add(
            "s10-archive", z, f"Export {z}'s configuration", f"zonecfg -z {cmd.q(z)} export > {cmd.q(cfg)}"
        )
        if not w.installed:
            continue
        if w.state == "mounted":
            steps.add("s10-archive", z, f"Unmount zone {z}", cmd.zoneadm(z, "unmount"))
        if w.must_halt:
            steps.add("s10-archive", z, f"Halt zone {z} (it is {w.state})", cmd.zoneadm(z, "halt"))
        if z in ready:
            steps.add(
                "s10-archive",
                z,
                f"Ready {z}",
                cmd.zoneadm(z, "ready"),
                notes="S10B_SPARSE_READY: the inherited directories and the zone's own file systems are "
                "mounted in the ready state, so the archive carries them [V2V].",
            )
        archive = _file(options, f"{z}.cpio.gz")
        steps.add(
            "s10-archive",
            z,
            f"Archive {z}",
            cmd.cpio_zonepath(w.zonepath, archive),
            notes="The V2V archive [V2V]; cpio keeps extended attributes (-@).",
        )
        if z in ready:
            steps.add("s10-archive", z, f"Halt {z} again", cmd.zoneadm(z, "halt"))
    for w in zones:
        z = w.name
        steps.add("s10-copy", z, f"Copy {z}'s configuration", cmd.copy_to(_file(options, f"{z}.cfg"), dst))
        if w.installed:
            steps.add("s10-copy", z, f"Copy {z}'s archive", cmd.copy_to(_file(options, f"{z}.cpio.gz"), dst))
        for dataset in w.waits_for_zfs:
            snap = cmd.q(f"{dataset}@zflar")
            steps.add(
                "s10-copy",
                z,
                f"Send the ZFS dataset {dataset}",
                f"zfs snapshot -r {snap} && zfs send -R {snap} | ssh {cmd.q('root@' + dst)} zfs receive -d "
                f"{cmd.q(dataset.split('/', 1)[0])}",
            )
    steps.add(
        "s10-destination",
        None,
        "The solaris10 brand package",
        f"pkg list brand-solaris10 || pkg install {cmd.q(BRAND_PACKAGE)}",
        notes="S10B_BRAND_PACKAGE [S11Pre].",
    )
    steps.add("s10-destination", None, f"Make the transfer directory {adir}", f"mkdir -p {cmd.q(adir)}")
    pool = _pool(destination)
    parents = sorted({cmd.zonepath_parts(w.zonepath or f"/zones/{w.name}")[0] for w in zones})
    for parent in parents:
        if parent == "/":
            continue
        dataset = f"{pool}{parent}"
        steps.add(
            "s10-destination",
            None,
            f"A ZFS dataset for the zonepaths under {parent}",
            f"zfs list -H -o name {cmd.q(dataset)} >/dev/null 2>&1 || zfs create -p -o "
            f"mountpoint={cmd.q(parent)} {cmd.q(dataset)}",
            notes="Each solaris10 zone gets a ZFS dataset of its own under it [S11Pre].",
        )
    plumbed: set[str] = set()
    for w in zones:
        z = w.name
        cfg = _file(options, f"{z}.cfg")
        s11cfg = _file(options, f"{z}.s10.cfg")
        steps.add(
            "s10-configure",
            z,
            f"Configure {z} as a solaris10 zone",
            f"nawk -v brand=solaris10 {cmd.q(S10_CFG_AWK)} {cmd.q(cfg)} > {cmd.q(s11cfg)} && "
            f"zonecfg -z {cmd.q(z)} -f {cmd.q(s11cfg)}",
            notes="The exported configuration with brand solaris10 and without inherit-pkg-dir (Solaris 11 "
            "has none: the zone becomes whole-root) [S11Pre, REF].",
        )
        for u in w.ufs:
            steps.add(
                "s10-configure",
                z,
                f"Remove {z}'s fs {u.directory} (its files are in the archive)",
                cmd.zonecfg(z, "remove fs dir=" + zonecfg_token(u.directory, what="fs dir")),
                notes="S10B_ZONE_FS.",
            )
        _remaps(steps, "s10-configure", w, gz_port, solaris11=True, plumbed=plumbed)
    for w in zones:
        if not w.installed:
            continue
        z = w.name
        archive = _file(options, f"{z}.cpio.gz")
        steps.add(
            "s10-install",
            z,
            f"Install {z} from its archive",
            cmd.zoneadm_words(z, "install", "-a", archive, "-u"),
            notes="-u unconfigures the zone (sys-unconfig): it asks for its identity at first boot; -p keeps "
            "it instead [REF, BOOK]. Solaris 11.4 adds -P to apply missing patches [S10-7].",
        )
    expected = []
    for w in zones:
        if not w.installed:
            continue
        z = w.name
        steps.add(
            "s10-boot",
            z,
            f"Boot {z}",
            f"{cmd.zoneadm(z, 'boot')}; zlogin -C {cmd.q(z)}",
            notes="On the console (~. leaves it) answer the system identification questions the -u left.",
        )
        expected.append(_expected_line(w, w.zonepath, "solaris10", up=not w.waits_for_zfs))
    steps.add(
        "s10-verify",
        None,
        "Zone states on Solaris 11",
        "zoneadm list -cp",
        notes="* stands for the zone ID, UUID and the fields Solaris 11 adds.",
        expected=[f"{line}:*" for line in expected],
    )
    for w in zones:
        if w.installed:
            steps.add(
                "s10-verify",
                w.name,
                f"{w.name} runs as a solaris10 zone",
                f"zlogin {cmd.q(w.name)} uname -v",
                expected=["Generic_Virtual"],
                notes="A solaris10 branded zone shows Generic_Virtual [BOOK, UN].",
            )
    # The optional P2V of the global zone, after its zones [V2V].
    name = src if is_zone_name(src) else "p2v"
    p2v_cfg = _file(options, f"{name}.cfg")
    p2v_s11 = _file(options, f"{name}.s10.cfg")
    flar = _file(options, f"{name}-p2v.flar")
    steps.add(
        "s10-p2v-source",
        None,
        "Basic checks of the global zone",
        "zonep2vchk -T S11 -b",
        notes="zonep2vchk: copy it from a Solaris 11 host's /usr/sbin or install the OTN package "
        "(/opt/SUNWzonep2vchk/bin/zonep2vchk) [P2V11, P2V112]; -T S11 checks for a solaris10 zone [REF].",
    )
    steps.add(
        "s10-p2v-source",
        None,
        "A zone configuration for the global zone",
        f"zonep2vchk -T S11 -c > {cmd.q(p2v_cfg)}",
    )
    excludes = [adir, *sorted({w.zonepath for w in work if w.zonepath})]
    words = ["flarcreate", "-S", "-n", cmd.q(name), "-L", "cpio"]
    for path in excludes:
        words += ["-x", cmd.q(path)]
    words.append(cmd.q(flar))
    steps.add(
        "s10-p2v-source",
        None,
        "Archive the global zone",
        " ".join(words),
        notes="-S skips sizing, -L cpio [REF]; the zonepaths are left out: nested zones would be unusable "
        "(S10B_NESTED_ZONES).",
    )
    steps.add(
        "s10-p2v-source",
        None,
        "Copy the archive and the configuration",
        f"{cmd.copy_to(flar, dst)} && {cmd.copy_to(p2v_cfg, dst)}",
    )
    steps.add(
        "s10-p2v-destination",
        None,
        f"Configure {name} as a solaris10 zone",
        f"nawk -v brand=solaris10 {cmd.q(S10_CFG_AWK)} {cmd.q(p2v_cfg)} > {cmd.q(p2v_s11)} && "
        f"zonecfg -z {cmd.q(name)} -f {cmd.q(p2v_s11)}",
    )
    steps.add(
        "s10-p2v-destination",
        None,
        f"Install {name} from the archive",
        cmd.zoneadm_words(name, "install", "-a", flar, "-u"),
    )
    steps.add(
        "s10-p2v-destination", None, f"Boot {name}", f"{cmd.zoneadm(name, 'boot')}; zlogin -C {cmd.q(name)}"
    )
    for w in zones:
        if w.installed and (w.state == "running" or w.autoboot):
            steps.add(
                "s10-rollback",
                w.name,
                f"Boot {w.name} on {src} again",
                cmd.zoneadm(w.name, "boot"),
                notes=f"V2V leaves the source zone as it was (halted); halt the copy on {dst} first.",
            )
    if not steps.by_phase.get("s10-rollback"):
        steps.add(
            "s10-rollback",
            None,
            "Nothing to undo on the source",
            "",
            notes="The zones were halted and stay installed there.",
        )
    return steps.phases(S10_PHASES, Route.S10_BRANDED.value, src, dst)


def _sparse(source: HostInventory, zone: str) -> bool:
    z = source.zone(zone)
    return z is not None and is_sparse_root(z)
