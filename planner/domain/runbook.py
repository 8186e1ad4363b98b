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
from typing import Any

from planner.domain import commands as cmd
from planner.domain.facts import RUNNING_STATES
from planner.domain.findings import FIELD_TEST, FIELD_TEST_SHORT
from planner.domain.install import MEDIA_PLACEHOLDER, InstallFacts, archive_command, install_facts
from planner.domain.jumpstart import rules_line
from planner.domain.options import PlanOptions, parse_archive_location
from planner.domain.quoting import comment
from planner.domain.script_templates import FINISH_TEMPLATE, PRE_ARCHIVE_TEMPLATE, render
from planner.domain.zonework import ZoneWork
from planner.solaris.inventory import HostInventory, record_dict

PHASES: tuple[tuple[str, str, str], ...] = (
    ("pre-archive", "Prepare the source", "source"),
    ("archive", "Create the flash archive", "source"),
    ("destination", "Install the destination with JumpStart", "destination"),
    ("post-extraction", "Fix the zones before their first boot: the finish script", "destination"),
    ("verification", "Verify the zones", "destination"),
)

FINISH_SCRIPT_NAME = "zflar-postflash.sh"  # in the scripts download
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
    route: str = "flar"  # the route whose phase it is (planner.domain.routes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "host": self.host,
            "route": self.route,
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


def finish_script_js_name(host: str) -> str:
    """The finish script's name at the top of the JumpStart directory, one per destination."""
    return f"zflar-postflash-{host}.sh"


def profile_js_name(host: str) -> str:
    return f"{host}.profile"


# The rules file: drop this host's old rule, put the new one before the first catch-all "any"
# rule (JumpStart uses the first rule that matches [JSRULE]; "any" is the last line of Oracle's
# sample [JSEX]), or at the end.  The rule and the host reach nawk as -v values, never as program text.
_RULES_AWK = (
    '$1 == "hostname" && $2 == host { next } '
    '!done && $1 == "any" { print rule; done = 1 } '
    "{ print } "
    "END { if (!done) print rule }"
)


def _key(*parts: str) -> str:
    """A marker-file name for the finish script: letters, digits, dot, dash, underscore."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", ".".join(p.strip("/") for p in parts if p))


def _say(text: str) -> str:
    return cmd.q(text)


# --- phase 1 and 2: source ------------------------------------------------------------------


def _source_actions(
    source: HostInventory,
    zones: list[ZoneWork],
    autoboot_off: set[str],
    options: PlanOptions,
    facts: InstallFacts,
    detached: dict[str, str] | None = None,
) -> list[_Action]:
    detached = detached or {}
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
                    notes=f"{FIELD_TEST_SHORT}: archives made with running zones are incomplete. For a clean "
                    "application stop "
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
                    notes=f"{FIELD_TEST_SHORT}: with a change due after extraction, the first autoboot "
                    "fails.",
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
                    notes=f"The workaround of {FIELD_TEST}: the halted zone's private file system is mounted "
                    "nowhere, so the archive would leave it out.",
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
                    notes=f"{FIELD_TEST_SHORT}: NFS mounts work when they are in the zone's /etc/vfstab "
                    "before flarcreate. "
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
    flar = archive_command(source, options, facts, extra_excludes=list(detached.values()))
    flar_notes = ["-c compresses with compress(1)."] if options.compress else []
    if detached:
        flar_notes.append(
            f"The zones {', '.join(sorted(detached))} move by detach/attach: they are detached by now "
            "and -x leaves their zonepaths out"
            + (" (a ZFS-root archive takes no -x: their files ride along)." if facts.root_on_zfs else ".")
        )
    if facts.content_architectures:
        flar_notes.append(
            f"-U content_architectures={','.join(facts.content_architectures)}: the installer installs the "
            "archive "
            "only on a clone whose uname -m is in that list [FL1009] (KERNEL_ARCH_DIFFERS)."
        )
    if facts.pax:
        flar_notes.append("-L pax: files over 4 GB do not fit in cpio [IT910] (LARGE_FILES).")
    if facts.root_on_zfs:
        flar_notes.append("A ZFS-root archive takes no -x; -D leaves whole datasets out [ZFS] (ROOT_ON_ZFS).")
    else:
        flar_notes.append(f"-x {archive_dir} keeps the archive out of itself.")
    if facts.update is not None:
        flar_notes.append(f"The archive is of {facts.update.name}: install it from {facts.media} media.")
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
            notes=" ".join(flar_notes),
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
    location = parse_archive_location(options.resolved_archive_location(source.hostname))
    if location.kind == "nfs":
        target = f"/net/{location.server}{location.path}"
        acts.append(
            _Action(
                "archive",
                None,
                f"Copy the archive to {location.server}:{location.path}",
                f"cp {cmd.q(archive)} {cmd.q(target)}",
                notes="Through the automounter's /net; any copy that lands the file there will do. "
                f"{location.server} shares {location.directory} read-only (see the destination phase).",
            )
        )
    elif location.kind in ("http", "https"):
        acts.append(
            _Action(
                "archive",
                None,
                f"Publish the archive at {location.url}",
                f"scp {cmd.q(archive)} {cmd.q(f'root@{location.server}:')}",
                notes=f"Then move it where the web server on {location.server} serves {location.path}; the "
                f"installer reads it with HTTP GET. Check: wget -q --spider {cmd.q(location.url)}",
            )
        )
    return acts


# --- phase 3: destination install ------------------------------------------------------------


def _destination_actions(
    source: HostInventory,
    destination: HostInventory,
    options: PlanOptions,
    facts: InstallFacts | None = None,
) -> list[_Action]:
    facts = facts or install_facts(source, destination, options)
    js = options.jumpstart_dir.rstrip("/") or "/"
    host = destination.hostname
    profile = profile_js_name(host)
    finish = finish_script_js_name(host)
    arch = destination.uname.machine or "sun4u"
    location = parse_archive_location(options.resolved_archive_location(source.hostname))
    boot = (
        "boot net - install" if arch != "i86pc" else "PXE boot the host and pick the JumpStart install entry"
    )
    q = cmd.q
    server = options.jumpstart_server
    image = facts.install_image_dir.rstrip("/")
    tools = f"{image}/Solaris_10/Tools"
    media = facts.media or f"{MEDIA_PLACEHOLDER} (the update in {source.hostname}'s /etc/release)"
    acts = [
        _Action(
            "destination",
            None,
            f"On {server}: make the install image from the {media} media",
            f"mkdir -p {q(image)} && cd /cdrom/cdrom0/Solaris_10/Tools && ./setup_install_server {q(image)}",
            notes=f"Exactly {media}: the archive's own update. The archive and the install media must be the "
            "same "
            "Solaris 10 update; 10/08 and later media will not install an archive from an earlier release "
            "[LU509, FL113zh] (INSTALL_MEDIA)."
            if facts.media
            else "The source's update is unknown (RELEASE_UNKNOWN): run cat /etc/release on "
            f"{source.hostname} "
            "and use that update's media; the archive and the install media must be the same update [LU509, "
            "FL113zh].",
        ),
        _Action(
            "destination",
            None,
            f"On {server}: share the JumpStart directory read-only",
            f"mkdir -p {q(js)} && share -F nfs -o ro,anon=0 {q(js)}",
            notes=f"add_install_client shares {image} itself; the clients mount {js} during the install. "
            f"To keep the share over reboots, add the same share line to /etc/dfs/dfstab.",
        ),
    ]
    if location.kind == "nfs":
        acts.append(
            _Action(
                "destination",
                None,
                f"On {location.server}: share the archive directory read-only",
                f"share -F nfs -o ro,anon=0 {q(location.directory)}",
                notes=f"The profile reads the archive as {location.profile_words}.",
            )
        )
    acts += [
        _Action(
            "destination",
            None,
            "Put the profile and finish script at the top of the JumpStart directory, sysidcfg beside them",
            f"mkdir -p {q(f'{js}/sysidcfg/{host}')} && "
            f"cp {q(profile)} {q(f'{js}/{profile}')} && "
            f"cp sysidcfg {q(f'{js}/sysidcfg/{host}/sysidcfg')} && "
            f"cp {FINISH_SCRIPT_NAME} {q(f'{js}/{finish}')} && "
            f"chmod 0755 {q(f'{js}/{finish}')}",
            notes="The files come from the plan's scripts download. Profiles and finish scripts must be in "
            "the "
            "JumpStart directory itself [JSSYN]; the finish script copies itself from there "
            "(${SI_CONFIG_DIR}). "
            "Replace any REPLACE-ME value left in sysidcfg first (PLAN_SETTINGS_INCOMPLETE).",
        ),
        _Action(
            "destination",
            None,
            "Add the rule for the destination before any catch-all rule, then check the rules",
            f"cd {q(js)} && touch rules && "
            f"nawk -v rule={q(rules_line(host, profile, finish))} -v host={q(host)} {q(_RULES_AWK)} rules "
            f"> rules.zflar && mv rules.zflar rules && chmod 644 rules && "
            f"{{ [ -x check ] || cp {q(f'{image}/Solaris_10/Misc/jumpstart_sample/check')} . ; }} && ./check",
            notes="JumpStart uses the first rule that matches [JSRULE], so the new rule goes before the "
            "catch-all 'any' rule, and an older rule for this host is dropped. check writes rules.ok; rules "
            "must be root's, mode 644 [JSSYN].",
        ),
        _Action(
            "destination",
            None,
            "Register the destination as an install client",
            f"cd {q(tools)} && ./add_install_client "
            f"-c {q(f'{server}:{js}')} -p {q(f'{server}:{js}/sysidcfg/{host}')} {q(host)} {q(arch)}",
            notes=f"Needs {host} in /etc/ethers and /etc/hosts (or -e MAC -i IP). The archive is read from "
            f"{location.profile_words}.",
        ),
        _Action(
            "destination",
            None,
            f"Boot {host} from the network into the flash install",
            boot,
            notes="At the ok prompt on SPARC. The profile creates and mounts the zone-private ufs slices "
            "at <zonepath>/root/<dir> during extraction: 'configure the slice into the GZ', as "
            f"{FIELD_TEST} did.",
        ),
    ]
    return acts


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
            notes=f"{FIELD_TEST_SHORT}: after first boot, remove that entry from the GZ's /etc/vfstab.",
        )
        add(
            f"fs.{u.directory}.umount",
            f"unmount {u.mount_point}",
            cmd.umount(u.mount_point),
            script_cmd=f"ensure_unmounted {cmd.q(u.mount_point)}",
            notes=f"{FIELD_TEST_SHORT}: unmount the zone-pvt fs and then boot the zone; zoneadm mounts it "
            "from now on.",
        )
    waits = w.waits_for_zfs
    if waits:
        # ZFS_DATASET / FS_ZFS: the zone cannot boot before its datasets are received.
        names = ", ".join(waits)
        acts.append(
            _Action(
                "post-extraction",
                z,
                f"Receive {z}'s ZFS datasets ({names}), then boot it",
                "; ".join(f"zfs list {cmd.q(d)}" for d in waits) + f"; {cmd.zoneadm(z, 'boot')}",
                script="log "
                f"{_say(f'zone {z}: waits for its ZFS datasets ({names}); receive them, then boot it')}",
                notes="See ZFS_DATASET / FS_ZFS for the zpool create and zfs send | zfs receive commands; "
                "the "
                "finish script leaves the zone halted.",
            )
        )
        if w.name in autoboot_off:
            acts.append(
                _Action("post-extraction", z, "autoboot back on, after the boot", cmd.set_autoboot(z, True))
            )
        return acts
    if w.name in autoboot_off:
        add("autoboot", "autoboot back on", cmd.set_autoboot(z, True))
    if w.boot_on_destination and (w.name in autoboot_off or not w.autoboot):
        # A zone that kept autoboot=true and needed nothing is booted by svc:/system/zones.
        add("boot", "boot", cmd.zoneadm(z, "boot"), script_cmd=f"boot_zone {cmd.q(z)}")
    return acts


def expected_zone_line(w: ZoneWork, blocked: bool) -> str:
    up = w.boot_on_destination and not blocked and not w.waits_for_zfs
    state = "running" if up else ("installed" if w.installed else w.state)
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


# --- scripts: planner/domain/scripts/*.sh.in, filled through the quoting helper ----------------


def _finish_script(
    source: HostInventory, destination: HostInventory, actions: list[_Action], finish_name: str = ""
) -> str:
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
    return render(
        FINISH_TEMPLATE,
        words={"finish_name": finish_name or finish_script_js_name(destination.hostname)},
        comments={
            "title": f"zflar post-extraction script for {destination.hostname} (flash archive of "
            f"{source.hostname})"
        },
        lines={"body": body},
    )


def _pre_archive_script(source: HostInventory, actions: list[_Action], blockers: list[str]) -> str:
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
    return render(
        PRE_ARCHIVE_TEMPLATE,
        words={"blockers": "; ".join(blockers)},
        comments={"title": f"zflar pre-archive script for {source.hostname}"},
        lines={"body": body},
    )


def build_runbook(
    source: HostInventory,
    destination: HostInventory,
    zones: list[ZoneWork],
    blocked: dict[str, list[str]],
    autoboot_off: set[str],
    gz_port: str,
    options: PlanOptions,
    plan_blockers: list[str] | None = None,
    facts: InstallFacts | None = None,
    detached: dict[str, str] | None = None,
) -> RunbookBundle:
    """The flash-archive route's phases and scripts for ``zones``; ``detached`` maps the zones that
    move by detach/attach in the same plan to their zonepaths, which the archive leaves out."""
    facts = facts or install_facts(source, destination, options)
    src_actions = _source_actions(source, zones, autoboot_off, options, facts, detached)
    dst_actions = _destination_actions(source, destination, options, facts)
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
