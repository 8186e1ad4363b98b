"""The compatibility rules: one per row of the seed's results table, plus a few host facts.

Each rule reads the zone's work (zonework.py) and the host inventories and returns
findings whose remedy holds the exact commands, with the real zone, port, slice and
mount point names.  docs/findings.md describes every code.
"""

from __future__ import annotations

from planner.domain import commands as cmd
from planner.domain.devicemap import same_platform
from planner.domain.facts import (
    is_metadevice_path,
    metadevice_name,
    metadevice_tree,
    mount_for,
)
from planner.domain.findings import CHECK_COLUMNS, FIELD_TEST, FIELD_TEST_SHORT, Code, Finding, Severity
from planner.domain.install import InstallFacts, global_metadevices, mirror_halves
from planner.domain.layout import LayoutPlan, PlannedFs, UnplacedFs, zone_root_key
from planner.domain.nicmap import NicMapping
from planner.domain.options import PlanOptions
from planner.domain.quoting import zonecfg_token
from planner.domain.release_rules import (
    kernel_arch_finding,
    rule_install_media,
    rule_large_files,
    rule_no_native_s10,
    rule_release_too_old,
    rule_release_unknown,
    rule_root_on_zfs,
    rule_settings,
    rule_support_caution,
    rule_zone_zfs,
    rule_zonepath_zfs,
    svm_mirror_rebuild,
    svm_release_reason,
)
from planner.domain.releases import ZONE_MOVE_CLONE, Solaris10Update, has_feature
from planner.domain.zonework import UfsMove, ZoneWork
from planner.solaris.inventory import HostInventory

_CODE_ORDER = {code.value: i for i, code in enumerate(c for codes in CHECK_COLUMNS.values() for c in codes)}


def _finding(
    code: Code,
    severity: Severity,
    resource: str,
    message: str,
    remedy: str,
    zone: str | None,
    **details: object,
) -> Finding:
    return Finding(code.value, severity, resource, message, remedy, zone=zone, details=dict(details))


# --- zone rules -------------------------------------------------------------------------------


def rule_zone_running(w: ZoneWork, source: HostInventory) -> list[Finding]:
    """Seed: archives made while a zone ran were incomplete in every test."""
    if w.state == "mounted":
        return [
            _finding(
                Code.ZONE_RUNNING,
                Severity.STEP,
                f"zone {w.name}",
                f"Zone {w.name} is mounted (zoneadm mount) on {source.hostname}. {FIELD_TEST} found every "
                "flash archive made while a non-global zone was not halted incomplete.",
                f"On {source.hostname}, before flarcreate: {cmd.zoneadm(w.name, 'unmount')}",
                w.name,
                state=w.state,
            )
        ]
    if not w.must_halt:
        return []
    return [
        _finding(
            Code.ZONE_RUNNING,
            Severity.STEP,
            f"zone {w.name}",
            f"Zone {w.name} is {w.state} on {source.hostname}. {FIELD_TEST} made archives while zones "
            "were running and every one came out incomplete: flarcreate must run with all non-global "
            "zones halted.",
            f"On {source.hostname}, before flarcreate: {cmd.zoneadm(w.name, 'halt')} "
            f"(to stop its services cleanly first: zlogin {w.name} shutdown -y -g 0 -i 0). "
            "Check with: zoneadm list -cv",
            w.name,
            state=w.state,
        )
    ]


def rule_autoboot(w: ZoneWork, blocked: bool) -> list[Finding]:
    """Seed: autoboot works, but the first autoboot fails when a fix is due after extraction."""
    reasons = w.post_extraction_reasons()
    if blocked and not reasons:
        reasons = ["a blocker to resolve first"]
    if not w.autoboot or not reasons:
        return []
    return [
        _finding(
            Code.AUTOBOOT_FIRST_BOOT,
            Severity.STEP,
            f"zone {w.name}",
            f"Zone {w.name} has autoboot=true and needs changes after extraction ({', '.join(reasons)}): "
            "its first automatic boot on the destination would fail "
            f"({FIELD_TEST_SHORT}: with any post-extraction change the first autoboot fails, later "
            "reboots succeed).",
            f"On the source before flarcreate: {cmd.set_autoboot(w.name, False)}. "
            f"On the destination after the fixes: {cmd.set_autoboot(w.name, True)}; "
            f"{cmd.zoneadm(w.name, 'boot')} (the finish script does both). "
            f"Restore it on the source after flarcreate: {cmd.set_autoboot(w.name, True)}",
            w.name,
            post_extraction=reasons,
        )
    ]


def _hostname_file_moves(w: ZoneWork, row: NicMapping) -> str:
    root = w.zonepath.rstrip("/") + "/root/etc"
    return f"mv {root}/hostname.{row.physical} {root}/hostname.{row.chosen_target}"


FINISH_DOES_IT = "the finish script does it"
FINISH_DEVICES = "the finish script applies replace/remove; check the result by hand"


def rule_nets(
    w: ZoneWork,
    destination: HostInventory,
    gz_port: str,
    *,
    applied_by: str = FINISH_DOES_IT,
    solaris11: bool = False,
) -> list[Finding]:
    """Seed: same port type on both works untouched; otherwise zonecfg after extraction.

    ``applied_by`` says which step of the route applies the change; ``solaris11`` plumbs a shared-IP
    zone's port the Solaris 11 way (``ipadm create-ip``) instead of ``ifconfig plumb``."""
    out: list[Finding] = []
    ports = ", ".join(n.name for n in destination.nics) or "none"
    reported: set[str] = set()  # one NET_DUPLICATE_ADDRESS per address of the zone
    for row in w.nets:
        details: dict[str, object] = {
            "physical": row.physical,
            "address": row.address,
            "ip_type": row.ip_type,
            "target": row.chosen_target,
            "proposed": row.proposed_target,
            "origin": row.origin,
        }
        if row.duplicates and bare(row.address) not in reported:
            first = bare(row.address)
            reported.add(first)
            mine = [n.physical for n in w.nets if n.action != "drop" and bare(n.address) == first]
            others = [d for d in row.duplicates if not d.endswith(f" of zone {w.name}")]
            if len(mine) > 1:
                where = (
                    f"Address {first} is configured on {len(mine)} nets of zone {w.name} ({', '.join(mine)})"
                )
                where += f" and also for {', '.join(others)}." if others else "."
            else:
                where = f"Address {first} of zone {w.name} is also configured for {', '.join(others)}."
            out.append(
                _finding(
                    Code.NET_DUPLICATE_ADDRESS,
                    Severity.BLOCKER,
                    row.resource,
                    f"{where} "
                    f"On {destination.hostname} both come up together and the second one to plumb it fails.",
                    "Give one of them another address before archiving, e.g. "
                    f"{cmd.zonecfg(w.name, f'select {row.selector}', 'set address=NEW-ADDRESS', 'end')}, "
                    f"or drop the net: {cmd.net_drop(w.name, row.selector)}",
                    w.name,
                    duplicates=list(row.duplicates),
                    **details,
                )
            )
        if row.issue in ("no-target", "missing-target", "port-conflict"):
            out.append(
                _finding(
                    Code.NET_NO_TARGET,
                    Severity.BLOCKER,
                    row.resource,
                    f"Zone {w.name} net {row.physical}: {row.reason}.",
                    f"Choose a destination port in the NIC mapping ({destination.hostname} has: {ports})"
                    + (
                        "; an exclusive-IP zone needs one no other zone and not the global zone uses"
                        if row.ip_type == "exclusive"
                        else ""
                    )
                    + f", add a NIC to {destination.hostname}, or drop the net "
                    f"({cmd.net_drop(w.name, row.selector)}). The remap itself will then be: "
                    f"{cmd.net_remap(w.name, row.selector, row.chosen_target or 'NEW-PORT')}",
                    w.name,
                    issue=row.issue,
                    **details,
                )
            )
            continue
        if row.action == "drop":
            out.append(
                _finding(
                    Code.NET_PORT_REMAP,
                    Severity.STEP,
                    row.resource,
                    f"The net {row.physical} of zone {w.name} is dropped: the zone will have no interface "
                    "for "
                    f"{row.address or 'it'} on {destination.hostname}.",
                    f"Before the zone first boots on {destination.hostname}: "
                    f"{cmd.net_drop(w.name, row.selector)} ({applied_by})",
                    w.name,
                    action="drop",
                    **details,
                )
            )
        elif row.action == "map":
            why = (
                f"{destination.hostname} has no {row.physical}"
                if destination.nic(row.physical) is None
                else f"the user chose {row.chosen_target} instead of {row.physical}"
            )
            extra = ""
            if row.ip_type == "exclusive":
                extra = (
                    f"; inside the exclusive-IP zone the interface files follow the port: "
                    f"{_hostname_file_moves(w, row)}"
                )
            elif row.chosen_target != gz_port and solaris11:
                extra = (
                    f"; a shared-IP zone's port must have an IP interface in the global zone: "
                    f"ipadm create-ip {cmd.q(row.chosen_target)}"
                )
            elif row.chosen_target != gz_port:
                extra = (
                    f"; a shared-IP zone's port must be plumbed in the global zone: "
                    f"ifconfig {row.chosen_target} plumb; touch /etc/hostname.{row.chosen_target}"
                )
            out.append(
                _finding(
                    Code.NET_PORT_REMAP,
                    Severity.STEP,
                    row.resource,
                    f"{why}: zone {w.name} moves to {row.chosen_target} ({row.origin}: {row.reason}). "
                    f"{FIELD_TEST_SHORT}: a different port type (or instance) must be changed with "
                    "zonecfg after extraction.",
                    f"Before the zone first boots on {destination.hostname}: "
                    f"{cmd.net_remap(w.name, row.selector, row.chosen_target)}{extra} ({applied_by})",
                    w.name,
                    action="map",
                    **details,
                )
            )
        elif not row.duplicates:
            out.append(
                _finding(
                    Code.NET_PORT_PRESENT,
                    Severity.INFO,
                    row.resource,
                    f"{row.physical} exists on {destination.hostname} and zone {w.name} keeps it: the same "
                    "port on "
                    f"both systems works without manual intervention ({FIELD_TEST_SHORT}).",
                    "No action needed.",
                    w.name,
                    action="keep",
                    **details,
                )
            )
    return out


def bare(address: str) -> str:
    return address.split("/", 1)[0]


def rule_zonepath_nfs(
    w: ZoneWork, source: HostInventory, new_path: str = "", update: Solaris10Update | None = None
) -> list[Finding]:
    """Seed: a zone cannot be installed into an NFS file system.

    The remedy moves the zone to ``new_path``, the local zonepath the layout plans for it.
    """
    if not w.zonepath:
        return []
    m = mount_for(source, w.zonepath)
    if m is None or m.fstype != "nfs":
        return []
    target = new_path or f"/zones/{w.name}"
    home = mount_for(source, target)
    home_text = (
        f"{home.mount_point} ({home.fstype or 'local'})"
        if home is not None and home.mount_point != "/"
        else "/"
    )
    move = f"{cmd.zoneadm(w.name, 'halt')}; zoneadm -z {cmd.q(w.name)} move {cmd.q(target)}"
    set_zonepath = cmd.zonecfg(w.name, "set zonepath=" + zonecfg_token(target, what="zonepath"))
    detach = (
        f"{cmd.zoneadm(w.name, 'detach')}; mkdir -m 700 {cmd.q(target)}; cd {cmd.q(w.zonepath)} && "
        f"find . -depth -print | cpio -pdmu {cmd.q(target)}; {set_zonepath}; {cmd.zoneadm(w.name, 'attach')}"
    )
    if update is not None and not has_feature(update, ZONE_MOVE_CLONE):
        how = (
            f"{source.hostname} is {update.name}, older than 11/06 (zoneadm move) [PSARC]: "
            f"{cmd.zoneadm(w.name, 'halt')}; {detach}"
        )
    else:
        how = (
            f"{move} (Solaris 10 11/06 and later [PSARC]); if move refuses the NFS zonepath, or on an older "
            f"release: {detach}"
        )
    return [
        _finding(
            Code.ZONEPATH_ON_NFS,
            Severity.BLOCKER,
            f"zonepath {w.zonepath}",
            f"The zonepath of {w.name} is on NFS ({m.device} mounted on {m.mount_point}). A flash archive "
            f"leaves NFS file systems out and {FIELD_TEST} notes a zone cannot be installed into an NFS file "
            f"system. The layout plans the zone at {target}, on {home_text}.",
            f"Move the zone to a local file system on {source.hostname} before archiving "
            f"(df -k {cmd.q(target.rsplit('/', 1)[0] or '/')} must show room for it): {how}. Then collect "
            f"{source.hostname} again and plan again.",
            w.name,
            zonepath=w.zonepath,
            mount_point=m.mount_point,
            device=m.device,
            new_zonepath=target,
        )
    ]


def rule_nfs(w: ZoneWork) -> list[Finding]:
    """Seed: NFS mounts work when they are in the zone's own /etc/vfstab before flarcreate."""
    out: list[Finding] = []
    vfstab = w.zonepath.rstrip("/") + "/root/etc/vfstab"
    for v in w.nfs_vfstab:
        server = v.device.split(":", 1)[0]
        out.append(
            _finding(
                Code.FS_NFS,
                Severity.INFO,
                f"fs {v.mount_point}",
                f"Zone {w.name} mounts {v.device} on {v.mount_point} over NFS from its own /etc/vfstab: this "
                "works "
                f"after a flash install ({FIELD_TEST_SHORT}).",
                "No change. Before flarcreate, confirm the line is there: "
                f"grep nfs {cmd.q(vfstab)}; and that {server} "
                "exports it to the zone's address on the destination too (share / dfshares on the server).",
                w.name,
                device=v.device,
                mount_point=v.mount_point,
            )
        )
    for fs in w.nfs_fs:
        line = f"{fs.special} - {fs.dir} nfs - yes {','.join(fs.options) or '-'}"
        out.append(
            _finding(
                Code.FS_NFS,
                Severity.STEP,
                f"fs {fs.dir}",
                f"Zone {w.name} has an NFS file system {fs.special} on {fs.dir} in its zonecfg. The working "
                f"form in {FIELD_TEST} is a line in the zone's own /etc/vfstab, written before the "
                "archive is made.",
                f"Before flarcreate: {cmd.zonecfg(w.name, f'remove fs dir={zonecfg_token(fs.dir)}')}; "
                f"echo {cmd.q(line)} >> {cmd.q(vfstab)}",
                w.name,
                device=fs.special,
                mount_point=fs.dir,
            )
        )
    return out


def rule_lofs(w: ZoneWork, source: HostInventory) -> list[Finding]:
    """Seed: add fs type=lofs works."""
    out: list[Finding] = []
    for fs in w.lofs:
        note = ""
        m = mount_for(source, fs.special) if fs.special.startswith("/") else None
        if m is not None and m.fstype == "nfs":
            note = (
                f" Its source {fs.special} is on NFS ({m.device}) in the global zone: that mount must exist "
                "on the "
                "destination too (it is not in the archive)."
            )
        out.append(
            _finding(
                Code.FS_LOFS,
                Severity.INFO,
                f"fs {fs.dir}",
                f"Zone {w.name} loopback-mounts {fs.special} on {fs.dir}: lofs works after a flash install "
                f"({FIELD_TEST_SHORT})." + note,
                "No action needed.",
                w.name,
                special=fs.special,
                dir=fs.dir,
            )
        )
    return out


def _ufs_remedy(w: ZoneWork, u: UfsMove, source: HostInventory, destination: HostInventory) -> str:
    steps = [
        f"1. On {source.hostname} before flarcreate, from the global zone: "
        f"{cmd.mount_ufs(u.source_special, u.mount_point)}",
        f"2. After flarcreate: {cmd.umount(u.mount_point)}",
    ]
    if u.placed:
        disk_slice = u.dest_special.rsplit("/", 1)[-1]
        steps.append(
            f"3. Extraction configures the slice into the global zone: the JumpStart profile line "
            f"'filesys {disk_slice} {u.size_mb} {u.mount_point}' (vfstab: "
            f"{cmd.vfstab_line(u.dest_special, u.dest_raw, u.mount_point)})"
        )
        if u.special_changes:
            steps.append(
                f"4. Before the zone boots, point the zone at its new slice: "
                f"{cmd.fs_special_remap(w.name, u.directory, u.dest_special, u.dest_raw)}"
            )
    else:
        steps.append(f"3. No slice on {destination.hostname} can take it yet (see FS_UFS_NO_SPACE)")
    steps.append(
        f"{len(steps) + 1}. After the first boot of {destination.hostname}: remove that entry from the "
        "global "
        f"zone's vfstab ({cmd.vfstab_remove(u.mount_point)}), {cmd.umount(u.mount_point)}, then "
        f"{cmd.zoneadm(w.name, 'boot')}. The finish script does this."
    )
    return "\n".join(steps)


def rule_ufs(w: ZoneWork, source: HostInventory, destination: HostInventory) -> list[Finding]:
    """Seed: ufs zone fs need a planned layout and the mount-into-zone-root workaround."""
    out: list[Finding] = []
    for u in w.ufs:
        details: dict[str, object] = {
            "dir": u.directory,
            "special": u.source_special,
            "raw": u.source_raw_or_derived,
            "mount_point": u.mount_point,
            "destination_device": u.dest_special,
            "destination_raw": u.dest_raw,
            "size_mb": u.size_mb,
        }
        out.append(
            _finding(
                Code.FS_UFS_PRIVATE,
                Severity.STEP,
                f"fs {u.directory}",
                f"Zone {w.name} mounts its own ufs slice {u.source_special} on {u.directory}. With the zone "
                "halted "
                "the slice is mounted nowhere, so a flash archive leaves it out "
                f"({FIELD_TEST_SHORT}); it must be mounted "
                "into "
                "the zone root from the global zone while the archive is made"
                + (f", and lands on {u.dest_special} on {destination.hostname}." if u.placed else "."),
                _ufs_remedy(w, u, source, destination),
                w.name,
                **details,
            )
        )
        if u.unplaced is not None:
            out.append(_no_space(u.unplaced, w.name, f"fs {u.directory}", destination))
    return out


def _no_space(item: UnplacedFs, zone: str | None, resource: str, destination: HostInventory) -> Finding:
    code = Code.FS_UFS_NO_SPACE if zone is not None else Code.DISK_NO_SPACE
    what = (
        f"{item.zone_dir or item.mount_point} of zone {zone}" if zone else f"{item.mount_point} ({item.key})"
    )
    where = f" ({item.best_disk})" if item.best_disk else ""
    # The layout's reason repeats these numbers in the usual case; keep it only when it says more.
    why = "" if item.reason.startswith("needs ") else f" ({item.reason})"
    return _finding(
        code,
        Severity.BLOCKER,
        resource,
        f"No disk of {destination.hostname} has room for {what}: it needs {item.size_mb} MB and the most "
        f"free space on one disk is {item.largest_free_mb} MB{where}, {item.shortfall_mb} MB short{why}.",
        f"Add a disk of at least {item.size_mb} MB to {destination.hostname} (or free {item.shortfall_mb} MB "
        f"more on {item.best_disk or 'a disk'}), choose another disk for a file system in the layout (disk "
        "override), or lower the headroom in the plan options.",
        zone,
        key=item.key,
        size_mb=item.size_mb,
        shortfall_mb=item.shortfall_mb,
        largest_free_mb=item.largest_free_mb,
        best_disk=item.best_disk,
    )


def _svm_remedy(
    source: HostInventory, md: str, mount_point: str, zone: str | None, zone_dir: str = ""
) -> str:
    tree = metadevice_tree(source, md)
    slices = list(tree.slices)
    plain = slices[0] if slices else "<slice>"
    mirror = tree.kinds[:1] == ("mirror",)
    simple_halves = mirror and all(k in ("mirror", "concat", "stripe") for k in tree.kinds)
    by_name = {m.name: m for m in source.metadevices}
    root = by_name.get(md)
    if simple_halves and root is not None and len(root.components) >= 1:
        keep, *others = root.components
        first = next(iter(metadevice_tree(source, keep).slices), plain)
        detach = "; ".join(f"metadetach {md} {o}" for o in others) or f"(no second submirror of {md})"
        if zone is None and mount_point == "/":
            repoint = f"metaroot /dev/dsk/{first}"
        elif zone is None:
            repoint = f"edit /etc/vfstab so {mount_point} mounts /dev/dsk/{first} and /dev/rdsk/{first}"
        else:
            repoint = cmd.fs_special_remap(zone, zone_dir, f"/dev/dsk/{first}", f"/dev/rdsk/{first}")
        return (
            f"Before archiving, break the mirror down to a plain slice: {detach}; {repoint}; reboot "
            f"(or remount); metaclear -r {md}; then metaclear the detached submirrors. Re-create the mirror "
            "on the destination after the install (metadb, metainit, metattach)."
        )
    target = zone and cmd.fs_special_remap(zone, zone_dir, "/dev/dsk/NEW-SLICE", "/dev/rdsk/NEW-SLICE")
    repoint = target or f"edit /etc/vfstab so {mount_point} mounts the new slice"
    return (
        "Before archiving, copy the data to a plain slice: newfs /dev/rdsk/NEW-SLICE; mount "
        "/dev/dsk/NEW-SLICE "
        f"/mnt; ufsdump 0f - /dev/md/rdsk/{md} | (cd /mnt && ufsrestore rf -); umount /mnt; {repoint}; "
        f"then metaclear {md}. {FIELD_TEST} found no simple workaround for SVM layouts such as soft "
        "partitions."
    )


def _svm_message(source: HostInventory, md: str, what: str) -> tuple[str, dict[str, object]]:
    tree = metadevice_tree(source, md)
    slices = ", ".join(tree.slices) or "unknown slices"
    return (
        f"{what} is on metadevice {tree.description}, built on {slices}. The Solaris installer does not know "
        f"SVM, so a flash archive of SVM-managed slices fails ({FIELD_TEST_SHORT}: SVM, failure mostly).",
        {
            "metadevice": md,
            "tree": tree.description,
            "components": list(tree.slices),
            "kinds": list(tree.kinds),
        },
    )


def rule_svm_zone(w: ZoneWork, source: HostInventory) -> list[Finding]:
    out: list[Finding] = []
    for u in w.ufs:
        md = metadevice_name(u.source_special)
        if md is None:
            continue
        message, details = _svm_message(source, md, f"Zone {w.name}'s file system {u.directory}")
        out.append(
            _finding(
                Code.SVM_IN_USE,
                Severity.BLOCKER,
                f"fs {u.directory}",
                message,
                _svm_remedy(source, md, u.directory, w.name, u.directory),
                w.name,
                **details,
            )
        )
    for d in w.devices:
        if not is_metadevice_path(d.match):
            continue
        names = [n for n in (metadevice_name(p) for p in d.source_devices) if n] or [
            d.match.rsplit("/", 1)[-1]
        ]
        message, details = _svm_message(source, names[0], f"Zone {w.name}'s device {d.match}")
        out.append(
            _finding(
                Code.SVM_IN_USE,
                Severity.BLOCKER,
                f"device {d.match}",
                message,
                f"Give the zone a plain slice instead before archiving: "
                f"{cmd.device_remap(w.name, d.match, '/dev/rdsk/NEW-SLICE')} (copy the data first), "
                f"or {cmd.device_remove(w.name, d.match)}",
                w.name,
                **details,
            )
        )
    return out


def rule_devices(
    w: ZoneWork,
    source: HostInventory,
    destination: HostInventory,
    *,
    applied_by: str = FINISH_DEVICES,
    skip: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Seed: devices work on identical hardware; otherwise zonecfg before the first boot.

    ``applied_by`` says which step of the route applies the change; ``skip`` names device matches
    another rule covers."""
    out: list[Finding] = []
    src_model = source.prtdiag.model or source.uname.platform or "unknown"
    dst_model = destination.prtdiag.model or destination.uname.platform or "unknown"
    # Never "Hardware differs (X -> X)": on the same model it is the devices that differ.
    hardware = (
        f"Same model ({dst_model}) but the devices differ"
        if same_platform(source, destination)
        else f"Hardware differs ({src_model} -> {dst_model})"
    )
    for d in w.devices:
        if d.metadevice or d.match in skip:
            continue  # SVM_IN_USE (or the caller's rule) covers it
        details: dict[str, object] = {
            "match": d.match,
            "source_devices": d.source_devices,
            "destination_devices": d.destination_devices,
            "action": d.action,
            "replacement": d.replacement,
            "origin": d.origin,
        }
        if not d.needs_manual_check:
            out.append(
                _finding(
                    Code.DEVICE_SAME_HARDWARE,
                    Severity.INFO,
                    d.resource,
                    f"Zone {w.name}'s device {d.match}: {d.reason}. Identical hardware works unchanged "
                    f"({FIELD_TEST_SHORT}).",
                    "No action needed.",
                    w.name,
                    **details,
                )
            )
            continue
        if d.action == "replace":
            remedy = f"Before the zone first boots: {cmd.device_remap(w.name, d.match, d.replacement)}"
        elif d.action == "remove":
            remedy = f"Before the zone first boots: {cmd.device_remove(w.name, d.match)}"
        else:
            found = ", ".join(d.destination_devices) or d.match
            remedy = (
                f"Before the zone first boots, check that {found} on {destination.hostname} is the device "
                "the zone "
                f"needs; if not: {cmd.device_remap(w.name, d.match, 'NEW-MATCH')} or "
                f"{cmd.device_remove(w.name, d.match)}"
            )
        out.append(
            _finding(
                Code.DEVICE_REMAP,
                Severity.STEP,
                d.resource,
                f"{hardware} for zone {w.name}'s device {d.match}: "
                f"{d.reason}. "
                f"{FIELD_TEST_SHORT}: without identical hardware the zone configuration must be changed with "
                "zonecfg before the zone first boots.",
                f"{remedy} ({applied_by})",
                w.name,
                **details,
            )
        )
    return out


def zone_findings(
    w: ZoneWork,
    source: HostInventory,
    destination: HostInventory,
    gz_port: str,
    facts: InstallFacts | None = None,
    layout: LayoutPlan | None = None,
    options: PlanOptions | None = None,
) -> list[Finding]:
    new_path = layout.relocations.get(w.name, "") if layout is not None else ""
    found = [
        *rule_zone_running(w, source),
        *rule_nets(w, destination, gz_port),
        *rule_zonepath_nfs(w, source, new_path, facts.update if facts is not None else None),
        *rule_nfs(w),
        *rule_lofs(w, source),
        *rule_ufs(w, source, destination),
        *rule_svm_zone(w, source),
        *rule_zone_zfs(w, source, destination),
        *rule_devices(w, source, destination),
    ]
    if facts is not None and layout is not None and options is not None:
        found += rule_zonepath_zfs(w, source, destination, facts, options, layout)
    blocked = any(f.severity is Severity.BLOCKER for f in found)
    found += rule_autoboot(w, blocked)
    return sorted(found, key=lambda f: _CODE_ORDER.get(f.code, len(_CODE_ORDER)))


# --- host rules -------------------------------------------------------------------------------


def rule_svm_host(
    source: HostInventory,
    destination: HostInventory | None = None,
    facts: InstallFacts | None = None,
    layout: LayoutPlan | None = None,
) -> list[Finding]:
    """Global-zone file systems on SVM: a mirror the profile rebuilds (10/08 and later) is a step,
    anything else, or any SVM when the release is older or unknown, a blocker."""
    out: list[Finding] = []
    for g in facts.global_metadevices if facts is not None else global_metadevices(source):
        if facts is not None and destination is not None and layout is not None:
            rebuild = svm_mirror_rebuild(source, destination, facts, g, layout)
            if rebuild is not None:
                out.append(rebuild)
                continue
        what = "swap" if g.mount_point == "swap" else f"The global zone's {g.mount_point}"
        message, details = _svm_message(source, g.metadevice, what)
        if g.where == "df -k":
            message += f" ({g.device} shows only in df -k: vfstab has no line for it.)"
        if facts is not None:
            message += svm_release_reason(facts, g, mirror_halves(source, g.metadevice) is not None)
        out.append(
            _finding(
                Code.SVM_IN_USE,
                Severity.BLOCKER,
                "swap" if g.mount_point == "swap" else f"fs {g.mount_point}",
                message,
                _svm_remedy(source, g.metadevice, g.mount_point, None),
                None,
                mount_point=g.mount_point,
                **details,
            )
        )
    return out


def rule_disk_space(layout: LayoutPlan, destination: HostInventory) -> list[Finding]:
    out: list[Finding] = []
    for item in layout.unplaced:
        if item.zone is not None:
            continue  # zone ufs: FS_UFS_NO_SPACE on the zone
        resource = {"root": "root", "swap": "swap"}.get(item.purpose, f"{item.purpose} {item.mount_point}")
        if item.purpose == "global-fs":
            resource = f"fs {item.mount_point}"
        out.append(_no_space(item, None, resource, destination))
    return out


def _size_what(item: PlannedFs) -> str:
    if item.purpose == "swap":
        return "swap"
    if item.purpose == "root":
        return "the root file system /"
    if item.purpose == "zone-ufs":
        return f"zone {item.zone}'s ufs file system {item.zone_dir}"
    if item.purpose == "zonepaths":
        return f"the zonepaths file system {item.mount_point}"
    return f"the file system {item.mount_point}"


def rule_sizes_assumed(
    layout: LayoutPlan, source: HostInventory, destination: HostInventory
) -> list[Finding]:
    """SIZE_ASSUMED: every size the layout assumed rather than read, and where to correct it.

    A source that is only a zonecfg export has no df -k, prtvtoc or memory figure: root is 6144 MB
    plus a guess per zone, swap is the destination's memory, a zone's ufs slice 1024 MB, and the
    zonepaths have no file system of their own.  The user's size (a SizeOverride) replaces each.
    """
    out: list[Finding] = []
    for item in layout.planned:
        zones = list(item.estimated_zones)
        if not item.estimated and not zones:
            continue
        what = _size_what(item)
        keys = ([item.key] if item.estimated else []) + [zone_root_key(z) for z in zones]
        guessed = ""
        if zones:
            guessed = (
                f" It counts zone{'s' if len(zones) > 1 else ''} {', '.join(zones)} at an estimate "
                "(sparse root 512 MB, whole root 3072 MB): the file system holding "
                f"{'their zonepaths' if len(zones) > 1 else 'its zonepath'} has no df -k figure"
                + (
                    ", so the zonepaths get no slice of their own and are planned inside /."
                    if item.purpose == "root"
                    else "."
                )
            )
        out.append(
            _finding(
                Code.SIZE_ASSUMED,
                Severity.STEP,
                f"size {item.key}",
                f"The size of {what} on {destination.hostname} is assumed, not measured: {item.size_mb} MB "
                f"({item.basis}).{guessed} The disk layout is built on it.",
                f"Check the real figure on {source.hostname} (df -k, prtvtoc, prtdiag; or collect it with "
                "scripts/zflar-collect and import the bundle), then set the size in the plan's Disk layout "
                f"tab (size key{'s' if len(keys) > 1 else ''} {', '.join(keys)}), or with "
                'PUT /api/plans/{id}/size-overrides/ {"key": …, "size_mb": …}. '
                "Your sizes survive a re-import.",
                None,
                key=item.key,
                keys=keys,
                size_mb=item.size_mb,
                basis=item.basis,
                zones=zones,
            )
        )
    return out


def rule_platform(
    source: HostInventory,
    destination: HostInventory,
    facts: InstallFacts | None = None,
    options: PlanOptions | None = None,
) -> list[Finding]:
    src_isa, dst_isa = isa_of(source), isa_of(destination)
    if src_isa and dst_isa and src_isa != dst_isa:
        return [
            _finding(
                Code.ISA_MISMATCH,
                Severity.BLOCKER,
                "platform",
                f"{source.hostname} is {src_isa} ({source.uname.machine}) and {destination.hostname} is "
                f"{dst_isa} "
                f"({destination.uname.machine}): a flash archive installs only on the instruction set it was "
                "made on.",
                "Choose a destination of the same processor family, or rebuild the zones on the new host "
                "(zonecfg -z Z export > Z.cfg; zonecfg -z Z -f Z.cfg; zoneadm -z Z install) and copy the "
                "data.",
                None,
                source=src_isa,
                destination=dst_isa,
            )
        ]
    src_m, dst_m = source.uname.machine, destination.uname.machine
    if facts is not None and options is not None and facts.content_architectures:
        return [kernel_arch_finding(source, destination, facts, options)]
    if src_m and dst_m and src_m != dst_m:
        return [
            _finding(
                Code.KERNEL_ARCH_DIFFERS,
                Severity.STEP,
                "platform",
                f"{source.hostname} is {src_m} and {destination.hostname} is {dst_m}: the archive installs "
                "only "
                f"if the source has the {dst_m} platform support installed (the Entire Distribution has it).",
                f"On {source.hostname}: ls /platform (look for a {dst_m} platform directory); after "
                "flarcreate: "
                f"flar info -k content_architectures <archive> must list {dst_m}. If it is missing, pkgadd "
                "the "
                f"{dst_m} kernel packages (e.g. SUNWcakr.{dst_m[-1]}, SUNWcar.{dst_m[-1]}, "
                f"SUNWkvm.{dst_m[-1]}) "
                "from the Solaris 10 media before archiving.",
                None,
                source=src_m,
                destination=dst_m,
            )
        ]
    return []


def isa_of(inv: HostInventory) -> str:
    """``sparc`` or ``i386`` (from ``uname -p``, else ``uname -m``); "" when unknown."""
    if inv.uname.processor:
        return "i386" if inv.uname.processor in ("i386", "x86", "amd64") else inv.uname.processor
    machine = inv.uname.machine
    if machine.startswith("sun4"):
        return "sparc"
    return "i386" if machine == "i86pc" else ""


def host_findings(
    source: HostInventory,
    destination: HostInventory,
    layout: LayoutPlan,
    facts: InstallFacts | None = None,
    options: PlanOptions | None = None,
    placeholders: list[str] | None = None,
) -> list[Finding]:
    if facts is None or options is None:
        return [
            *rule_platform(source, destination),
            *rule_svm_host(source),
            *rule_disk_space(layout, destination),
            *rule_sizes_assumed(layout, source, destination),
        ]
    return [
        *rule_platform(source, destination, facts, options),
        *rule_no_native_s10(source, destination, facts),
        *rule_release_unknown(source, destination, facts),
        *rule_release_too_old(source, destination, facts),
        *rule_install_media(source, destination, facts, options),
        *rule_root_on_zfs(source, destination, facts, options, layout),
        *rule_large_files(source, facts, options),
        *rule_svm_host(source, destination, facts, layout),
        *rule_disk_space(layout, destination),
        *rule_sizes_assumed(layout, source, destination),
        *rule_support_caution(source, destination, options),
        *rule_settings(source, destination, placeholders or [], options),
    ]
