"""The runbook: ordered steps with exact commands, and the two scripts that run them.

Phases, in order:

1. ``pre-archive`` (source): halt running zones, autoboot off where the first boot would
   fail, mount each zone-private ufs slice into the zone root from the global zone (the
   seed's workaround), check the NFS lines are in the zones' vfstab.
2. ``archive`` (source): flarcreate, then undo the temporary mounts and autoboot changes.
3. ``destination``: JumpStart profile, sysidcfg, finish script, and the install itself.
4. ``post-extraction`` (destination, the finish script): per zone, zonecfg fixes, the ufs
   workaround's tail (configured into the GZ, remove that vfstab entry after the first
   boot, unmount, boot the zone), autoboot restored.
5. ``verification``: what ``zoneadm list -cp`` should print afterwards.

Each step is built once as an :class:`_Action` holding both the command an admin reads and
the line the generated script runs, so the two cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planner.domain import commands as cmd
from planner.domain.facts import RUNNING_STATES
from planner.domain.jumpstart import profile_archive_location, rules_line
from planner.domain.options import PlanOptions
from planner.domain.quoting import comment
from planner.domain.zonework import ZoneWork
from planner.solaris.inventory import HostInventory, record_dict

if TYPE_CHECKING:
    from planner.domain.plan import PlanResult

PHASES: tuple[tuple[str, str, str], ...] = (
    ("pre-archive", "Prepare the source", "source"),
    ("archive", "Create the flash archive", "source"),
    ("destination", "Install the destination with JumpStart", "destination"),
    ("post-extraction", "Fix the zones before their first boot: the finish script", "destination"),
    ("verification", "Verify the zones", "destination"),
)

FINISH_SCRIPT_NAME = "zflar-postflash.sh"
PRE_ARCHIVE_SCRIPT_NAME = "zflar-prearchive.sh"
RC_SCRIPT = "/etc/rc3.d/S99zflar-postflash"
FINISH_LOG = "/var/sadm/system/logs/zflar-postflash.log"


@dataclass
class RunbookStep:
    phase: str
    zone: str | None
    title: str
    command: str  # exact shell text
    notes: str = ""
    expected: list[str] = field(default_factory=list)  # expected output lines, where it helps

    def to_dict(self) -> dict[str, Any]:
        return record_dict(self)


@dataclass
class RunbookPhase:
    key: str
    title: str
    host: str  # the host the commands run on
    steps: list[RunbookStep] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "host": self.host,
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass
class _Action:
    phase: str
    zone: str | None
    title: str
    command: str
    script: str = ""  # the script line; "" when the step is manual only
    notes: str = ""
    expected: list[str] = field(default_factory=list)


@dataclass
class RunbookBundle:
    phases: list[RunbookPhase]
    pre_archive_script: str
    finish_script: str


def _key(*parts: str) -> str:
    """A marker-file name for the finish script: letters, digits, dot, dash, underscore."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", ".".join(p.strip("/") for p in parts if p))


def _say(text: str) -> str:
    return cmd.q(text)


# --- phase 1 and 2: source ------------------------------------------------------------------


def _source_actions(
    source: HostInventory, zones: list[ZoneWork], autoboot_off: set[str], options: PlanOptions
) -> list[_Action]:
    acts: list[_Action] = [
        _Action(
            "pre-archive",
            None,
            "Look at the zone states",
            "zoneadm list -cv",
            notes="Every non-global zone must be installed (not running) when flarcreate runs.",
        ),
    ]
    for w in zones:
        if w.must_halt:
            acts.append(
                _Action(
                    "pre-archive",
                    w.name,
                    f"Halt zone {w.name} (it is {w.state})",
                    cmd.zoneadm(w.name, "halt"),
                    script=f"halt_zone {cmd.q(w.name)}",
                    notes="Seed: archives made with running zones are incomplete. For a clean application "
                    "stop "
                    f"first: zlogin {cmd.q(w.name)} shutdown -y -g 0 -i 0",
                )
            )
    for w in zones:
        if w.name in autoboot_off:
            acts.append(
                _Action(
                    "pre-archive",
                    w.name,
                    f"Turn autoboot off for {w.name} until the destination fixes are done",
                    cmd.set_autoboot(w.name, False),
                    script=f"run {_say(f'zone {w.name}: autoboot off')} {cmd.set_autoboot(w.name, False)}",
                    notes="Seed: with a change due after extraction, the first autoboot fails.",
                )
            )
    for w in zones:
        for u in w.ufs if w.installed else []:
            acts.append(
                _Action(
                    "pre-archive",
                    w.name,
                    f"Mount {w.name}'s ufs {u.directory} into the zone root from the global zone",
                    cmd.mount_ufs(u.source_special, u.mount_point),
                    script=f"mount_into {cmd.q(u.source_special)} {cmd.q(u.mount_point)}",
                    notes="Seed workaround: the halted zone's private file system is mounted nowhere, so the "
                    "archive would leave it out.",
                )
            )
    for w in zones:
        if w.nfs_vfstab:
            vfstab = w.zonepath.rstrip("/") + "/root/etc/vfstab"
            acts.append(
                _Action(
                    "pre-archive",
                    w.name,
                    f"Check {w.name}'s NFS mounts are in its own vfstab",
                    f"grep nfs {cmd.q(vfstab)}",
                    script=f"check_nfs {cmd.q(vfstab)}",
                    notes="Seed: NFS mounts work when they are in the zone's /etc/vfstab before flarcreate. "
                    "Expect: " + "; ".join(f"{v.device} on {v.mount_point}" for v in w.nfs_vfstab),
                    expected=[
                        f"{v.device} {v.fsck_device} {v.mount_point} nfs {v.fsck_pass} {v.mount_at_boot} "
                        f"{v.options}"
                        for v in w.nfs_vfstab
                    ],
                )
            )
    archive_dir = options.archive_dir
    acts.append(
        _Action(
            "pre-archive",
            None,
            f"Make room for the archive in {archive_dir}",
            f"mkdir -p {cmd.q(archive_dir)} && df -k {cmd.q(archive_dir)}",
            script=f"run {_say(f'archive directory {archive_dir}')} mkdir -p {cmd.q(archive_dir)}",
            notes="It needs about the used space of the archived file systems (less with -c). flarcreate "
            "excludes it with -x.",
        )
    )

    name = options.archive_name(source.hostname)
    archive = cmd.archive_path(archive_dir, name)
    flar = cmd.flarcreate(name, archive_dir, options.excluded_paths, options.compress)
    acts += [
        _Action(
            "archive",
            None,
            "Confirm no non-global zone is running",
            "zoneadm list -v",
            script="check_zones_halted",
            expected=["  0 global           running    /                              native   shared"],
        ),
        _Action(
            "archive",
            None,
            f"Create the flash archive {archive}",
            flar,
            script=f"make_archive {cmd.q(archive)} {flar}",
            notes=("-c compresses with compress(1); " if options.compress else "")
            + f"-x {archive_dir} keeps the archive out of itself.",
        ),
        _Action(
            "archive",
            None,
            "Check the archive",
            f"flar info {cmd.q(archive)}",
            script=(
                f'[ "$ARCHIVE_RC" -ne 0 ] || run {_say("archive identification")} flar info {cmd.q(archive)}'
            ),
        ),
    ]
    for w in zones:
        for u in w.ufs if w.installed else []:
            acts.append(
                _Action(
                    "archive",
                    w.name,
                    f"Unmount {w.name}'s {u.directory} from the zone root",
                    cmd.umount(u.mount_point),
                    script=f"unmount_from {cmd.q(u.mount_point)}",
                )
            )
    for w in zones:
        if w.name in autoboot_off:
            acts.append(
                _Action(
                    "archive",
                    w.name,
                    f"Restore autoboot for {w.name} on the source",
                    cmd.set_autoboot(w.name, True),
                    script=f"run {_say(f'zone {w.name}: autoboot back on')} {cmd.set_autoboot(w.name, True)}",
                )
            )
    for w in zones:
        if w.state in RUNNING_STATES:
            acts.append(
                _Action(
                    "archive",
                    w.name,
                    f"Optional: boot {w.name} again on the source",
                    cmd.zoneadm(w.name, "boot"),
                    notes="Only if the source keeps serving until cut-over; changes made after the archive "
                    "are not "
                    "in it.",
                )
            )
    location = options.resolved_archive_location(source.hostname)
    if location.startswith("nfs://"):
        server, _, path = location[len("nfs://") :].partition("/")
        directory = "/" + path.rsplit("/", 1)[0] if "/" in path else "/"
        acts.append(
            _Action(
                "archive",
                None,
                f"Copy the archive to {location}",
                f"cp {cmd.q(archive)} {cmd.q(f'/net/{server}{directory}/')}",
                notes="Through the automounter's /net; any copy that lands the file there will do.",
            )
        )
    return acts


# --- phase 3: destination install ------------------------------------------------------------


def _destination_actions(
    source: HostInventory, destination: HostInventory, options: PlanOptions
) -> list[_Action]:
    js = options.jumpstart_dir.rstrip("/")
    host = destination.hostname
    profile = f"{host}.profile"
    arch = destination.uname.machine or "sun4u"
    location = options.resolved_archive_location(source.hostname)
    boot = (
        "boot net - install" if arch != "i86pc" else "PXE boot the host and pick the JumpStart install entry"
    )
    q = cmd.q
    server = options.jumpstart_server
    tools = f"{options.install_image_dir.rstrip('/')}/Solaris_10/Tools"
    return [
        _Action(
            "destination",
            None,
            "Put the profile, sysidcfg and finish script on the JumpStart server",
            f"mkdir -p {q(f'{js}/profiles')} {q(f'{js}/sysidcfg/{host}')} {q(f'{js}/finish')} && "
            f"cp {q(profile)} {q(f'{js}/profiles/')} && "
            f"cp sysidcfg {q(f'{js}/sysidcfg/{host}/sysidcfg')} && "
            f"cp {FINISH_SCRIPT_NAME} {q(f'{js}/finish/')} && "
            f"chmod 0755 {q(f'{js}/finish/{FINISH_SCRIPT_NAME}')}",
            notes="The files come from the plan's scripts download. Replace the REPLACE-ME values in "
            "sysidcfg "
            "(root_password from /etc/shadow, the IP address) and set default_route.",
        ),
        _Action(
            "destination",
            None,
            "Add the rule for the destination and check the rules",
            f"echo {q(rules_line(host, f'profiles/{profile}', f'finish/{FINISH_SCRIPT_NAME}'))} "
            f">> {q(f'{js}/rules')} && cd {q(js)} && ./check",
            notes="check (from the media's Misc/jumpstart_sample) writes rules.ok.",
        ),
        _Action(
            "destination",
            None,
            "Register the destination as an install client",
            f"cd {q(tools)} && ./add_install_client "
            f"-c {q(f'{server}:{js}')} -p {q(f'{server}:{js}/sysidcfg/{host}')} {q(host)} {q(arch)}",
            notes=f"Needs {host} in /etc/ethers and /etc/hosts (or -e MAC -i IP). The archive is read from "
            f"{profile_archive_location(location)}.",
        ),
        _Action(
            "destination",
            None,
            f"Boot {host} from the network into the flash install",
            boot,
            notes="At the ok prompt on SPARC. The profile creates and mounts the zone-private ufs slices "
            "at <zonepath>/root/<dir> during extraction: the seed's 'configure the slice into the GZ'.",
        ),
    ]


# --- phase 4 and 5: destination fixes and verification ---------------------------------------


def _post_actions(
    zones: list[ZoneWork], blocked: dict[str, list[str]], autoboot_off: set[str], gz_port: str
) -> list[_Action]:
    acts: list[_Action] = [
        _Action(
            "post-extraction",
            None,
            "The finish script runs once at the first boot",
            f"sh {RC_SCRIPT}",
            notes=f"Installed by the JumpStart finish step; to run by hand: sh {FINISH_SCRIPT_NAME}. "
            f"Log: {FINISH_LOG}. Safe to run again: finished steps are skipped.",
        )
    ]
    plumbed: set[str] = set()
    for w in zones:
        if w.name in blocked:
            continue
        for row in w.net_changes:
            port = row.chosen_target
            if row.action == "map" and row.ip_type == "shared" and port != gz_port and port not in plumbed:
                plumbed.add(port)
                acts.append(
                    _Action(
                        "post-extraction",
                        None,
                        f"Plumb {port} in the global zone for shared-IP zones",
                        f"ifconfig {cmd.q(port)} plumb; touch {cmd.q(f'/etc/hostname.{port}')}",
                        script=f"once {_key('gz', 'plumb', port)} "
                        f"{_say(f'plumb {port} for shared-IP zones')} "
                        f"plumb_port {cmd.q(port)}",
                        notes="A shared-IP zone's interface is a logical interface on a port the global zone "
                        "has plumbed; the empty hostname file plumbs it at every boot.",
                    )
                )
    for w in zones:
        if w.name in blocked:
            codes = ", ".join(blocked[w.name])
            acts.append(
                _Action(
                    "post-extraction",
                    w.name,
                    f"Zone {w.name} is blocked by the plan ({codes})",
                    "",
                    script=f"log {_say(f'zone {w.name}: blocked by the plan ({codes}); left as extracted')}",
                    notes="Resolve the blockers and re-plan; the script does not touch this zone.",
                )
            )
            continue
        acts += _zone_post_actions(w, autoboot_off)
    return acts


def _zone_post_actions(w: ZoneWork, autoboot_off: set[str]) -> list[_Action]:
    z = w.name
    acts: list[_Action] = []

    def add(key: str, title: str, command: str, script_cmd: str = "", notes: str = "") -> None:
        line = f"once {_key(z, key)} {_say(f'zone {z}: {title}')} {script_cmd or command}"
        acts.append(_Action("post-extraction", z, f"{title}", command, script=line, notes=notes))

    for row in w.nets:
        if row.action == "drop":
            add(
                _key("net", "drop", row.physical, row.address),
                f"drop net {row.physical}",
                cmd.net_drop(z, row.selector),
            )
        elif row.action == "map":
            add(
                _key("net", row.physical, row.address),
                f"net {row.physical} -> {row.chosen_target}",
                cmd.net_remap(z, row.selector, row.chosen_target),
                notes=f"{row.origin}: {row.reason}",
            )
            if row.ip_type == "exclusive":
                etc = w.zonepath.rstrip("/") + "/root/etc"
                add(
                    f"ifcfg.{row.physical}",
                    f"interface files hostname.{row.physical} -> hostname.{row.chosen_target}",
                    f"mv {cmd.q(f'{etc}/hostname.{row.physical}')} "
                    f"{cmd.q(f'{etc}/hostname.{row.chosen_target}')}",
                    script_cmd=f"move_ifcfg {cmd.q(etc)} {cmd.q(row.physical)} {cmd.q(row.chosen_target)}",
                    notes="Exclusive-IP zones configure their own interfaces by port name (also hostname6.*, "
                    "dhcp.*).",
                )
    for d in w.devices:
        if d.action == "replace" and not d.metadevice:
            add(
                f"device.{d.match}",
                f"device {d.match} -> {d.replacement}",
                cmd.device_remap(z, d.match, d.replacement),
                notes=d.reason + "; check it by hand",
            )
        elif d.action == "remove" and not d.metadevice:
            add(
                f"device.remove.{d.match}",
                f"remove device {d.match}",
                cmd.device_remove(z, d.match),
                notes=d.reason,
            )
    for u in w.ufs:
        if u.special_changes:
            add(
                f"fs.{u.directory}.special",
                f"fs {u.directory} on {u.dest_special}",
                cmd.fs_special_remap(z, u.directory, u.dest_special, u.dest_raw),
                notes=f"The zone configuration still names the source slice {u.source_special}.",
            )
    # A zone that is only configured has no zone root to mount into.
    mounted_ufs = w.ufs if w.installed else []
    # The seed's order: the slice is configured into the global zone at extraction; after the
    # first boot remove that vfstab entry, unmount the zone-private fs, then boot the zone.
    for u in mounted_ufs:
        line = cmd.vfstab_line(u.dest_special, u.dest_raw, u.mount_point)
        add(
            f"fs.{u.directory}.vfstab-add",
            f"{u.directory} configured in the global zone vfstab",
            f"grep {cmd.q(u.mount_point)} /etc/vfstab || echo {cmd.q(line)} >> /etc/vfstab",
            script_cmd=f"vfstab_add {cmd.q(u.dest_special)} {cmd.q(u.dest_raw)} {cmd.q(u.mount_point)}",
            notes="The installer wrote it from the profile's filesys line; added only if missing.",
        )
        add(
            f"fs.{u.directory}.mounted",
            f"{u.directory} mounted at {u.mount_point}",
            cmd.mount_ufs(u.dest_special, u.mount_point),
            script_cmd=f"ensure_mounted {cmd.q(u.dest_special)} {cmd.q(u.mount_point)}",
            notes="Mounted by the first boot from that vfstab line; mounted here only if not. A failure "
            "means the "
            "zone's data did not land on the slice: stop and look.",
        )
    for u in mounted_ufs:
        add(
            f"fs.{u.directory}.vfstab-remove",
            f"remove {u.mount_point} from the global zone vfstab",
            cmd.vfstab_remove(u.mount_point),
            script_cmd=f"vfstab_remove {cmd.q(u.mount_point)}",
            notes="Seed: after first boot, remove that entry from the GZ's /etc/vfstab.",
        )
        add(
            f"fs.{u.directory}.umount",
            f"unmount {u.mount_point}",
            cmd.umount(u.mount_point),
            script_cmd=f"ensure_unmounted {cmd.q(u.mount_point)}",
            notes="Seed: unmount the zone-pvt fs and then boot the zone; zoneadm mounts it from now on.",
        )
    if w.name in autoboot_off:
        add("autoboot", "autoboot back on", cmd.set_autoboot(z, True))
    if w.boot_on_destination and (w.name in autoboot_off or not w.autoboot):
        # A zone that kept autoboot=true and needed nothing is booted by svc:/system/zones.
        add("boot", "boot", cmd.zoneadm(z, "boot"), script_cmd=f"boot_zone {cmd.q(z)}")
    return acts


def expected_zone_line(w: ZoneWork, blocked: bool) -> str:
    state = "running" if w.boot_on_destination and not blocked else ("installed" if w.installed else w.state)
    zone_id = "*" if state == "running" else "-"
    ip = "excl" if w.ip_type == "exclusive" else "shared"
    return f"{zone_id}:{w.name}:{state}:{w.zonepath}:*:{w.brand}:{ip}"


def _verify_actions(zones: list[ZoneWork], blocked: dict[str, list[str]]) -> list[_Action]:
    acts = [
        _Action(
            "verification",
            None,
            "Zone states on the destination",
            "zoneadm list -cp",
            notes="Expected lines, with * for the zone ID and UUID (zoneadm's -v and -p do not combine).",
            expected=["0:global:running:/:*:native:shared"]
            + [expected_zone_line(w, w.name in blocked) for w in zones],
        )
    ]
    for w in zones:
        if w.name in blocked:
            continue
        if w.nets:
            acts.append(
                _Action(
                    "verification",
                    w.name,
                    f"{w.name}'s network resources",
                    f"zonecfg -z {cmd.q(w.name)} info net",
                    expected=[f"physical: {r.chosen_target}" for r in w.nets if r.action != "drop"],
                )
            )
        if w.boot_on_destination:
            for u in w.ufs:
                acts.append(
                    _Action(
                        "verification",
                        w.name,
                        f"{w.name} sees its ufs {u.directory}",
                        f"zlogin {cmd.q(w.name)} df -k {cmd.q(u.directory)}",
                        notes="Mounted by zoneadm boot now, not by the global zone's vfstab.",
                    )
                )
            for v in w.nfs_vfstab:
                acts.append(
                    _Action(
                        "verification",
                        w.name,
                        f"{w.name} mounts {v.mount_point} over NFS",
                        f"zlogin {cmd.q(w.name)} df -k {cmd.q(v.mount_point)}",
                    )
                )
    return acts


# --- scripts ----------------------------------------------------------------------------------

_SH_COMMON = r"""
log() {
    echo "$PROG: $*"
    { date '+%Y-%m-%d %H:%M:%S' | tr '\n' ' '; echo "$*"; } >>"$LOG" 2>/dev/null
}

die() {
    log "FAILED: $*"
    exit 1
}

# mounted MOUNT_POINT: is a file system mounted there (mnttab field 2)?
mounted() {
    $AWK -v mp="$1" 'BEGIN { rc = 1 } $2 == mp { rc = 0 } END { exit rc }' "$MNTTAB"
}
"""

_FINISH_FUNCTIONS = r"""
# once KEY WHAT COMMAND [ARG...]: run COMMAND unless an earlier run finished KEY.
once() {
    _key=$1
    _what=$2
    shift 2
    if [ -f "$STATE_DIR/$_key.done" ]; then
        log "skip (done earlier): $_what"
        return 0
    fi
    log "$_what: $*"
    if "$@"; then
        : >"$STATE_DIR/$_key.done"
    else
        die "$_what (exit $?); fix it and run this script again, finished steps are skipped"
    fi
}

# in_vfstab MOUNT_POINT: does a non-comment vfstab line mount something there?
in_vfstab() {
    $AWK -v mp="$1" 'BEGIN { rc = 1 } $1 !~ /^#/ && $3 == mp { rc = 0 } END { exit rc }' "$VFSTAB"
}

# vfstab_add SPECIAL RAW MOUNT_POINT: the temporary global-zone entry, unless it is there.
vfstab_add() {
    if in_vfstab "$3"; then
        log "vfstab already mounts $3"
        return 0
    fi
    echo "$1 $2 $3 ufs 2 yes -" >>"$VFSTAB"
}

# vfstab_remove MOUNT_POINT: drop that line; the copy keeps vfstab's owner and mode.
vfstab_remove() {
    in_vfstab "$1" || return 0
    _tmp="$VFSTAB.zflar.$$"
    cp -p "$VFSTAB" "$_tmp" || return 1
    $AWK -v mp="$1" '$1 !~ /^#/ && $3 == mp { next } { print }' "$VFSTAB" >"$_tmp" || return 1
    mv "$_tmp" "$VFSTAB"
}

ensure_mounted() {
    if mounted "$2"; then
        log "$2 is mounted"
        return 0
    fi
    mount -F ufs "$1" "$2"
}

ensure_unmounted() {
    mounted "$1" || return 0
    umount "$1"
}

boot_zone() {
    if zoneadm -z "$1" list -p 2>/dev/null | grep ':running:' >/dev/null; then
        log "zone $1 is already running"
        return 0
    fi
    zoneadm -z "$1" boot
}

# plumb_port PORT: shared-IP zones need their port plumbed in the global zone.
plumb_port() {
    if ifconfig "$1" >/dev/null 2>&1; then
        log "$1 is already plumbed"
    else
        ifconfig "$1" plumb || return 1
    fi
    [ -f "$ROOTDIR/etc/hostname.$1" ] || : >"$ROOTDIR/etc/hostname.$1"
}

# move_ifcfg ZONE_ETC OLD NEW: an exclusive-IP zone's interface files follow the port.
move_ifcfg() {
    for _f in hostname hostname6 dhcp; do
        if [ -f "$ROOTDIR$1/$_f.$2" ] && [ ! -f "$ROOTDIR$1/$_f.$3" ]; then
            mv "$ROOTDIR$1/$_f.$2" "$ROOTDIR$1/$_f.$3" || return 1
        fi
    done
}
"""

_PRE_FUNCTIONS = r"""
# run WHAT COMMAND [ARG...]: log it, run it, stop on failure.
run() {
    _what=$1
    shift
    log "$_what: $*"
    "$@" || die "$_what (exit $?)"
}

halt_zone() {
    if zoneadm -z "$1" list -p 2>/dev/null | egrep ':(running|ready|shutting_down|down):' >/dev/null; then
        run "zone $1: halt" zoneadm -z "$1" halt
    else
        log "zone $1 is not running"
    fi
}

# mount_into SPECIAL MOUNT_POINT: the seed's workaround, mount the slice into the zone root.
mount_into() {
    if mounted "$2"; then
        log "$2 is already mounted"
        return 0
    fi
    run "mount $1 on $2" mount -F ufs "$1" "$2"
}

unmount_from() {
    mounted "$1" || return 0
    umount "$1" || log "WARNING: could not unmount $1; unmount it by hand"
}

check_nfs() {
    if grep nfs "$1" >/dev/null 2>&1; then
        log "NFS lines in $1:"
        grep nfs "$1"
    else
        log "WARNING: no NFS line in $1; the seed wants the zone's NFS mounts there before flarcreate"
    fi
}

check_zones_halted() {
    if zoneadm list -p | grep -v ':global:' | grep . >/dev/null; then
        die "a non-global zone is still running: zoneadm list -v"
    fi
}

# make_archive ARCHIVE flarcreate ...: keep an older archive aside rather than overwrite it.
make_archive() {
    _archive=$1
    shift
    if [ -f "$_archive" ]; then
        mv "$_archive" "$_archive.old" || die "cannot move the old $_archive aside"
    fi
    log "flarcreate: $*"
    "$@" || ARCHIVE_RC=$?
}
"""


_SHELLCHECK = """
# shellcheck disable=SC2016,SC2196,SC2317
# SC2016: the awk programs are single-quoted on purpose.
# SC2196: Solaris /usr/bin/grep has no -E; egrep is the portable spelling there.
# SC2317: the helpers run through once/run, which shellcheck cannot follow.
"""


def _script_header(title: str, lines: list[str]) -> str:
    body = "\n".join(comment(line) for line in lines)
    return f"#!/bin/sh\n#\n{comment(title)}\n#\n{body}\n{_SHELLCHECK}"


def _finish_script(source: HostInventory, destination: HostInventory, actions: list[_Action]) -> str:
    header = _script_header(
        f"zflar post-extraction script for {destination.hostname} (flash archive of {source.hostname})",
        [
            "Does what the plan says each zone needs before its first boot here: NIC remaps and",
            "drops, device remaps, and the tail of the seed's workaround for zone-private ufs file",
            "systems (remove the temporary global-zone vfstab entry, unmount, then boot the zone).",
            "",
            "Run it as root in the global zone after the first boot of the installed system.  Used",
            f"as a JumpStart finish script it installs itself as {RC_SCRIPT}",
            "to run once at that boot.  Safe to run again: each finished step leaves a marker in",
            "$STATE_DIR and is skipped; every action is logged to $LOG.",
            "",
            "Solaris 10 /bin/sh is a Bourne shell: no $(...), no local, no [[ ]].",
        ],
    )
    settings = f"""
PROG=zflar-postflash
ROOTDIR=${{ROOTDIR:-}}
VFSTAB=${{VFSTAB:-$ROOTDIR/etc/vfstab}}
MNTTAB=${{MNTTAB:-$ROOTDIR/etc/mnttab}}
STATE_DIR=${{STATE_DIR:-$ROOTDIR/var/sadm/zflar/postflash}}
LOG=${{LOG:-$ROOTDIR{FINISH_LOG}}}
RC_SCRIPT=${{RC_SCRIPT:-{RC_SCRIPT}}}
PATH=$PATH:/usr/sbin:/usr/bin:/sbin
export PATH
if [ -x /usr/bin/nawk ]; then AWK="/usr/bin/nawk"; else AWK="awk"; fi
"""
    jumpstart = """
# Under JumpStart the new system is mounted on /a: install this script to run at its first boot.
if [ -n "${SI_CONFIG_DIR:-}" ] && [ -d /a/etc ]; then
    mkdir -p /a/etc/rc3.d /a/var/sadm/zflar/postflash
    cp "$0" "/a$RC_SCRIPT" && chmod 0744 "/a$RC_SCRIPT"
    echo "$PROG: installed as $RC_SCRIPT for the first boot"
    exit 0
fi

case "${1:-start}" in
stop) exit 0 ;;
esac

mkdir -p "$STATE_DIR" || exit 1
"""
    body = [f"log {_say(f'start: fixes for {destination.hostname} (archive of {source.hostname})')}"]
    current: str | None = "-"
    for a in actions:
        if not a.script:
            continue
        if a.zone != current:
            current = a.zone
            body.append("")
            body.append(comment(f"--- zone {a.zone} ---" if a.zone else "--- global zone ---"))
        body.append(a.script)
    tail = """
log "zones now:"
zoneadm list -cv >>"$LOG" 2>&1
rm -f "$RC_SCRIPT"
log "done"
exit 0
"""
    return header + settings + _SH_COMMON + _FINISH_FUNCTIONS + jumpstart + "\n".join(body) + "\n" + tail


def _blocked_guard(blockers: list[str]) -> str:
    if not blockers:
        return ""
    # One sh word: the blockers are single-quoted, nothing in them is expanded.
    message = cmd.q(
        f"the plan is blocked ({'; '.join(blockers)}); resolve it and re-plan, or set ZFLAR_FORCE=yes"
    )
    return f"""
# The plan is BLOCKED: stop before touching anything unless told otherwise.
if [ "${{ZFLAR_FORCE:-no}}" != yes ]; then
    echo "$PROG: "{message} >&2
    exit 2
fi
"""


def _pre_archive_script(source: HostInventory, actions: list[_Action], blockers: list[str]) -> str:
    header = _script_header(
        f"zflar pre-archive script for {source.hostname}",
        [
            "Halts the zones, turns autoboot off where the first boot on the destination would fail,",
            "mounts zone-private ufs slices into the zone roots (the seed's workaround), makes the",
            "flash archive, then undoes the temporary mounts and autoboot changes.  Run as root in",
            "the global zone.  Solaris 10 /bin/sh is a Bourne shell: no $(...), no local, no [[ ]].",
        ],
    )
    settings = """
PROG=zflar-prearchive
MNTTAB=${MNTTAB:-/etc/mnttab}
LOG=${LOG:-/var/tmp/zflar-prearchive.log}
PATH=$PATH:/usr/sbin:/usr/bin:/sbin
export PATH
if [ -x /usr/bin/nawk ]; then AWK="/usr/bin/nawk"; else AWK="awk"; fi
ARCHIVE_RC=0
"""
    body = [f"log {_say(f'start: archive of {source.hostname}')}"]
    phase = ""
    for a in actions:
        if not a.script:
            continue
        if a.phase != phase:
            phase = a.phase
            body.append("")
            body.append(comment(f"--- {phase} ---"))
        body.append(a.script)
    tail = """
if [ "$ARCHIVE_RC" -ne 0 ]; then
    die "flarcreate failed (exit $ARCHIVE_RC); the temporary mounts and autoboot changes were undone"
fi
log "done"
exit 0
"""
    guard = _blocked_guard(blockers)
    return header + settings + guard + _SH_COMMON + _PRE_FUNCTIONS + "\n".join(body) + "\n" + tail


def build_runbook(
    source: HostInventory,
    destination: HostInventory,
    zones: list[ZoneWork],
    blocked: dict[str, list[str]],
    autoboot_off: set[str],
    gz_port: str,
    options: PlanOptions,
    plan_blockers: list[str] | None = None,
) -> RunbookBundle:
    src_actions = _source_actions(source, zones, autoboot_off, options)
    dst_actions = _destination_actions(source, destination, options)
    post = _post_actions(zones, blocked, autoboot_off, gz_port)
    verify = _verify_actions(zones, blocked)
    everything = [*src_actions, *dst_actions, *post, *verify]
    phases: list[RunbookPhase] = []
    for key, title, where in PHASES:
        host = source.hostname if where == "source" else destination.hostname
        steps = [
            RunbookStep(a.phase, a.zone, a.title, a.command, a.notes, list(a.expected))
            for a in everything
            if a.phase == key
        ]
        phases.append(RunbookPhase(key, title, host, steps))
    return RunbookBundle(
        phases=phases,
        pre_archive_script=_pre_archive_script(source, src_actions, plan_blockers or []),
        finish_script=_finish_script(source, destination, post),
    )


# The views live in report.py (which imports plan.py, which imports this module); these
# thin wrappers let callers take them from here as well.
def runbook_markdown(result: PlanResult) -> str:
    from planner.domain import report

    return report.runbook_markdown(result)


def scripts_tarball(result: PlanResult) -> bytes:
    from planner.domain import report

    return report.scripts_tarball(result)
