"""The release-aware rules (issue #12): the Solaris 10 update, the platform, ZFS, large files, SVM mirrors.

Each rule reads :class:`~planner.domain.install.InstallFacts` (worked out once per plan) and
returns findings whose remedy holds the exact commands.  Every fact has the source key of
``../shared/reference/solaris10-releases.md`` in brackets; a fact marked U there is shown as
"unconfirmed" and never makes a blocker.  docs/findings.md describes every code.
"""

from __future__ import annotations

from planner.domain import commands as cmd
from planner.domain.catalog import NO_NATIVE_S10
from planner.domain.facts import INSTALLED_STATES, metadevice_tree, mount_for, nonglobal_zones, zone_state
from planner.domain.findings import FIELD_TEST, Code, Finding, Severity, finding
from planner.domain.install import (
    METADB_BLOCKS,
    METADB_COUNT,
    GlobalMetadevice,
    InstallFacts,
    archive_command,
    software_group,
    zfs_exclusions,
)
from planner.domain.layout import MIRROR_HALF, LayoutPlan
from planner.domain.options import PlanOptions
from planner.domain.releases import (
    FEATURES,
    FLAR_SAME_UPDATE_STRICT,
    ZONEPATH_ON_ZFS,
    UnknownUpdateError,
    at_least,
    find_update,
    judge_p2v_kernel,
)
from planner.domain.zonework import ZoneWork
from planner.solaris.inventory import HostInventory

SAME_UPDATE = (
    "the archive and the install media must be the same Solaris 10 update; 10/08 and later media "
    "will not install an archive from an earlier release [LU509, FL113zh]"
)
GIB = 1024**3


def _gib(size: int) -> str:
    return f"{size / GIB:.1f} GiB"


def _model_name(facts: InstallFacts, destination: HostInventory) -> str:
    model = facts.destination_model
    return f"the {model.key}" if model is not None else (destination.prtdiag.model or destination.hostname)


# --- the release and the platform ------------------------------------------------------------


def rule_release_unknown(
    source: HostInventory, destination: HostInventory, facts: InstallFacts
) -> list[Finding]:
    if facts.update is not None or source.os_family == "solaris11":
        return []
    if source.release is None:
        why = f"The bundle of {source.hostname} has no etc/release"
    else:
        why = (
            f"{source.hostname}'s etc/release says {source.release.text!r}, which names no Solaris 10 update"
        )
    assumed = [
        "any SVM volume of the global zone is a blocker (the mirror rebuild needs 10/08 [FL1008])",
        "sysidcfg leaves out nfs4_domain (8/07 [NFS4]) and auto_reg (9/10 [LU910]), so 9/10 or later media "
        "will stop the install to ask about auto registration",
        "a ZFS root counts as one no flash archive can hold (10/09 [ZFS])",
        "the runbook cannot name the install media: " + SAME_UPDATE,
    ]
    model = facts.destination_model
    if model is not None and model.min_s10.value and model.min_s10.value != NO_NATIVE_S10:
        assumed.append(
            f"whether it meets {_model_name(facts, destination)}'s minimum ({model.min_s10.value} "
            f"[{model.min_s10.source}]) cannot be checked"
        )
    return [
        finding(
            Code.RELEASE_UNKNOWN,
            Severity.STEP,
            "release",
            f"{why}, so the Solaris 10 update it was installed from is unknown. Decisions that need it "
            "assume the worst: " + "; ".join(assumed) + ".",
            f"On {source.hostname}: cat /etc/release (line 1 names the update, e.g. "
            "'Solaris 10 10/09 s10s_u8wos_08a SPARC'). Collect the host again with zflar-collect, which "
            "copies "
            "it into the bundle as etc/release, and plan again.",
            assumed=assumed,
        )
    ]


def rule_release_too_old(
    source: HostInventory, destination: HostInventory, facts: InstallFacts
) -> list[Finding]:
    model = facts.destination_model
    if facts.update is None or model is None:
        return []
    minimum_text = model.min_s10.value
    if not minimum_text or minimum_text == NO_NATIVE_S10:
        return []
    try:
        minimum = find_update(minimum_text)
    except UnknownUpdateError:
        return []
    if at_least(facts.update, minimum):
        return []
    confirmed = model.min_s10.confirmed
    note = f" ({model.min_s10.note})" if model.min_s10.note else ""
    unconfirmed = "" if confirmed else " This minimum is unconfirmed, so it does not block the plan."
    spare = "lucreate -n s10-" + minimum.name.replace("/", "_") + " -m /:/dev/dsk/SPARE-SLICE:ufs"
    be = "s10-" + minimum.name.replace("/", "_")
    return [
        finding(
            Code.RELEASE_TOO_OLD,
            Severity.BLOCKER if confirmed else Severity.INFO,
            "release",
            f"{source.hostname} was installed from Solaris 10 {facts.update.name} ({facts.media_build}); "
            f"the {model.key} needs {minimum.name}{note} [{model.min_s10.source}]. The archive installs only "
            "from "
            f"media of its own update ({SAME_UPDATE}), and {facts.update.name} media cannot boot the "
            f"{model.key}." + unconfirmed,
            f"Upgrade {source.hostname} to {minimum.name} or later before archiving, with Live Upgrade from "
            "that "
            f"update's media: {spare} (ZFS root: lucreate -n {be}); "
            f"luupgrade -u -n {be} -s /cdrom/cdrom0; luactivate {be}; init 6. Then collect it again and plan "
            f"again. Or choose a destination whose minimum {facts.update.name} meets.",
            update=facts.update.name,
            minimum=minimum.name,
            minimum_source=model.min_s10.source,
            model=model.key,
        )
    ]


def rule_no_native_s10(
    source: HostInventory, destination: HostInventory, facts: InstallFacts
) -> list[Finding]:
    model = facts.destination_model
    if model is None or model.runs_solaris10 is not False:
        return []
    confirmed = model.native_s10.confirmed
    kernel = judge_p2v_kernel(source.uname.version, facts.arch or "sparc") if facts.arch else None
    p2v = f" For the branded-zone route {kernel.message} [{kernel.source}]." if kernel is not None else ""
    name = cmd.q(source.hostname)
    return [
        finding(
            Code.DEST_NO_NATIVE_S10,
            Severity.BLOCKER if confirmed else Severity.INFO,
            "platform",
            f"The {model.key} cannot boot Solaris 10 itself: "
            f"{model.native_s10.note or 'no native Solaris 10'} "
            f"[{model.native_s10.source}]; Solaris 10 runs there only in "
            f"{model.min_s10.note or 'LDom guest domains or solaris10 branded zones'} "
            f"[{model.min_s10.source}]. A flash install of {source.hostname}'s archive onto "
            f"{destination.hostname} "
            "cannot work." + ("" if confirmed else " This is unconfirmed, so it does not block the plan."),
            "Two routes. (1) An LDom guest domain on the control domain of "
            f"{destination.hostname}: ldm add-domain s10guest; ldm set-vcpu 8 s10guest; ldm set-memory 16G "
            "s10guest; ldm add-vnet vnet0 primary-vsw0 s10guest; ldm add-vdsdev /dev/dsk/DISK "
            "s10guest-disk@primary-vds0; ldm add-vdisk disk0 s10guest-disk@primary-vds0 s10guest; ldm "
            "bind-domain "
            "s10guest; ldm start-domain s10guest; then JumpStart the guest from Solaris 10 1/13 media (guest "
            "OS "
            "1/13 [EM13]): the archive must then be a 1/13 one too. (2) solaris10 branded zones under "
            "Solaris 11 "
            f"[S11Z]: on {source.hostname} zonep2vchk -b; zonep2vchk -c > {name}.cfg; flarcreate -S -n "
            f"{name} "
            f"-x /export/flar /export/flar/{name}.flar; on {destination.hostname} (brand-solaris10 package "
            f"installed) zonecfg -z {name} -f {name}.cfg (with brand solaris10); zoneadm -z {name} install "
            "-a "
            f"/export/flar/{name}.flar -u." + p2v,
            model=model.key,
            native_s10_source=model.native_s10.source,
        )
    ]


def rule_install_media(
    source: HostInventory, destination: HostInventory, facts: InstallFacts, options: PlanOptions
) -> list[Finding]:
    if facts.update is None:
        return []
    model = facts.destination_model
    media = facts.media
    minimum = ""
    if model is None:
        minimum = (
            f" The catalog does not know {destination.hostname}'s model "
            f"({destination.prtdiag.model or destination.uname.platform or 'unknown'}): its minimum Solaris "
            "10 "
            "update is unconfirmed."
        )
    elif model.min_s10.value and model.min_s10.value != NO_NATIVE_S10:
        if at_least(facts.update, model.min_s10.value):
            unconfirmed = "" if model.min_s10.confirmed else ", unconfirmed"
            minimum = (
                f" The {model.key} needs {model.min_s10.value} or later "
                f"[{model.min_s10.source}{unconfirmed}]: "
                f"{facts.update.name} meets it."
            )
    elif not model.min_s10.value:
        minimum = f" No minimum Solaris 10 update is known for the {model.key}: unconfirmed."
    image = facts.install_image_dir
    strict = FEATURES[FLAR_SAME_UPDATE_STRICT]
    return [
        finding(
            Code.INSTALL_MEDIA,
            Severity.INFO,
            "install media",
            f"Install {destination.hostname} from {media} {(facts.arch or 'sparc').upper()} media: the "
            "update "
            f"{source.hostname} was installed from, which is the archive's update. {SAME_UPDATE[0].upper()}"
            f"{SAME_UPDATE[1:]}." + minimum,
            f"On {options.jumpstart_server}, with the {media} DVD in the drive: mkdir -p {cmd.q(image)} && "
            "cd "
            f"/cdrom/cdrom0/Solaris_10/Tools && ./setup_install_server {cmd.q(image)}. The runbook installs "
            f"{destination.hostname} from {image}.",
            update=facts.update.name,
            build=facts.media_build,
            media=media,
            install_image_dir=image,
            same_update_source=strict.source,
            destination_minimum=(model.min_s10.value if model is not None else "") or None,
            minimum_source=model.min_s10.source if model is not None else "U",
        )
    ]


def kernel_arch_finding(
    source: HostInventory, destination: HostInventory, facts: InstallFacts, options: PlanOptions
) -> Finding:
    """KERNEL_ARCH_DIFFERS: -U content_architectures and an Entire Plus OEM (SUNWCXall) master."""
    src_m, dst_m = source.uname.machine, destination.uname.machine
    flar = archive_command(source, options, facts)
    archive = cmd.archive_path(options.archive_dir, options.archive_name(source.hostname))
    if source.cluster == "SUNWCXall":
        group = f"{source.hostname} was installed with SUNWCXall (Entire Plus OEM), so it qualifies."
    elif source.cluster:
        group = (
            f"{source.hostname} was installed with {software_group(source.cluster)}, not SUNWCXall: the "
            "master "
            "must be Entire Plus OEM (SUNWCXall)."
        )
    else:
        group = (
            f"{source.hostname}'s software group is unknown (no var/sadm/system/admin/CLUSTER in the "
            "bundle): the "
            "master must be Entire Plus OEM (SUNWCXall)."
        )
    remedy = [
        f"Archive with: {flar}",
        f"Then check: flar info -k content_architectures {cmd.q(archive)} must print "
        f"{','.join(facts.content_architectures) or dst_m}.",
    ]
    if source.cluster != "SUNWCXall":
        media = facts.media or "the source's own update"
        remedy.append(
            f"To make {source.hostname} an Entire Plus OEM master: the documented way is a master installed "
            "with "
            "SUNWCXall (JumpStart profile line 'cluster SUNWCXall') [FL1009]. Without a reinstall, add the "
            f"packages SUNWCXall has and {source.cluster or 'the installed group'} lacks from the {media} "
            "media, "
            f"at least the {dst_m} platform packages: pkgadd -d /cdrom/cdrom0/Solaris_10/Product "
            f"SUNWcakr.{dst_m[-1]} SUNWcar.{dst_m[-1]} SUNWkvm.{dst_m[-1]} (whether the installer accepts a "
            "master brought up this way is unconfirmed). Check: cat /var/sadm/system/admin/CLUSTER; ls "
            "/platform"
        )
    zfs = (
        " A ZFS-root archive installs only on the kernel architecture it was made on [ZFS]: see ROOT_ON_ZFS."
        if facts.root_on_zfs
        else ""
    )
    return finding(
        Code.KERNEL_ARCH_DIFFERS,
        Severity.BLOCKER if facts.root_on_zfs else Severity.STEP,
        "platform",
        f"{source.hostname} is {src_m} and {destination.hostname} is {dst_m}. The installer refuses a clone "
        "whose "
        "uname -m is not in the archive's content_architectures (checkArch [CAI]), so flarcreate gets -U "
        f"content_architectures={','.join(facts.content_architectures)}, and the master must be installed "
        "with "
        f"Entire Plus OEM (SUNWCXall) so that the {dst_m} platform support is in the archive [FL1009]. "
        f"{group}" + zfs,
        "\n".join(remedy),
        None,
        source=src_m,
        destination=dst_m,
        content_architectures=list(facts.content_architectures),
        cluster=source.cluster,
    )


# --- archive contents --------------------------------------------------------------------------


def rule_large_files(source: HostInventory, facts: InstallFacts, options: PlanOptions) -> list[Finding]:
    if not facts.large_files:
        return []
    shown = facts.large_files[:10]
    listed = "; ".join(f"{f.path} ({_gib(f.size_bytes)})" for f in shown)
    more = f"; and {len(facts.large_files) - len(shown)} more" if len(facts.large_files) > len(shown) else ""
    return [
        finding(
            Code.LARGE_FILES,
            Severity.STEP,
            "large files",
            f"{len(facts.large_files)} file(s) on {source.hostname} are 4 GiB or larger: {listed}{more}. "
            "cpio, "
            "flarcreate's default archiver, holds files of up to 4 GB, so the archive is made with -L pax "
            "[IT910]; the installer reads cpio and pax archives [CAI].",
            f"Archive with: {archive_command(source, options, facts)} (the runbook and the pre-archive "
            "script "
            "do). Or move the files out of the archived file systems and copy them to the destination after "
            "the install.",
            files=[{"path": f.path, "size_bytes": f.size_bytes} for f in facts.large_files],
        )
    ]


def rule_root_on_zfs(
    source: HostInventory,
    destination: HostInventory,
    facts: InstallFacts,
    options: PlanOptions,
    layout: LayoutPlan,
) -> list[Finding]:
    if not facts.root_on_zfs:
        return []
    pool = facts.root_pool
    reasons: list[str] = []
    if facts.content_architectures:
        reasons.append(
            f"{source.hostname} is {facts.content_architectures[0]} and {destination.hostname} is "
            f"{facts.content_architectures[1]}: a ZFS-root archive installs only on the kernel architecture "
            "it was "
            "made on [ZFS]"
        )
    if facts.zfs_root_archives is False and facts.update is not None:
        reasons.append(
            f"{facts.update.name} is older than 10/09, the first update that archives a ZFS root [ZFS]"
        )
    if facts.zfs_root_archives is None:
        reasons.append("the source's update is unknown (RELEASE_UNKNOWN): assumed older than 10/09 [ZFS]")
    datasets, stuck = zfs_exclusions(source, options, facts)
    root_slice = layout.slice_for("root")
    slice_name = f"{root_slice.disk}s{root_slice.index}" if root_slice is not None else "<boot disk>s0"
    other = [s for d in layout.disks for s in d.slices if s.purpose not in ("root", "swap", "backup")]
    remedy = [f"Archive with: {archive_command(source, options, facts)}"]
    if stuck:
        remedy.append(
            f"{', '.join(stuck)} cannot be left out of a ZFS-root archive (no -x): put the archive on NFS or "
            "in "
            f"another pool, or make {options.archive_dir} a dataset of its own (zfs create -o mountpoint="
            f"{cmd.q(options.archive_dir)} {pool}/flar) so that -D leaves it out."
        )
    remedy.append(f"The JumpStart profile creates the pool: pool {pool} auto auto auto {slice_name} [JSZFS].")
    if other:
        remedy.append(
            "After the install, create the ufs file systems a ZFS profile cannot: "
            + "; ".join(
                f"newfs /dev/rdsk/{s.disk}s{s.index}; mount /dev/dsk/{s.disk}s{s.index} {s.mount_point}"
                for s in other
                if s.mount_point.startswith("/")
            )
        )
    return [
        finding(
            Code.ROOT_ON_ZFS,
            Severity.BLOCKER if reasons else Severity.STEP,
            "root",
            f"{source.hostname}'s root file system is on ZFS ({facts.root_dataset}, pool {pool}). A ZFS-root "
            "flash "
            "archive (10/09 and later) holds the whole root pool except swap and dump and the datasets left "
            "out "
            "with -D; it installs only by a JumpStart initial install of a full archive (no differential "
            "archives, no hybrid UFS/ZFS, no Live Upgrade); it takes no file includes or excludes (-x, -y, "
            "-X, "
            "-z); flar info -l refuses it; the new pool keeps the name "
            f"{pool}; only the boot environment booted when the archive was made is usable afterwards; how "
            "it "
            "carries non-global zones is unconfirmed [ZFS]. A ZFS profile creates the pool (pool keyword) "
            "and no "
            "ufs file systems (no filesys lines) [JSZFS]."
            + (" It cannot be used here: " + "; ".join(reasons) + "." if reasons else ""),
            "\n".join(remedy),
            root_dataset=facts.root_dataset,
            pool=pool,
            excluded_datasets=datasets,
            reasons=reasons,
        )
    ]


# --- SVM -----------------------------------------------------------------------------------------


def svm_mirror_rebuild(
    source: HostInventory,
    destination: HostInventory,
    facts: InstallFacts,
    g: GlobalMetadevice,
    layout: LayoutPlan,
) -> Finding | None:
    rebuild = facts.mirror_for(g.mount_point)
    if rebuild is None or facts.update is None:
        return None
    key = {"/": "root", "swap": "swap"}.get(g.mount_point, f"fs:{g.mount_point}")
    slices = layout.slices_for(key)
    primary = next((s for s in slices if not s.key.startswith(MIRROR_HALF)), None)
    tree = metadevice_tree(source, g.metadevice)
    what = "swap" if g.mount_point == "swap" else f"The global zone's {g.mount_point}"
    if primary is None:
        planned = f"The layout could not place it on {destination.hostname} (see DISK_NO_SPACE)."
        profile = ""
    else:
        names = " ".join(f"{s.disk}s{s.index}" for s in slices)
        line = f"filesys mirror:{g.metadevice} {names} {primary.size_mb} {g.mount_point}"
        metadbs = "; ".join(
            f"metadb {s.disk}s{s.index} size {METADB_BLOCKS} count {METADB_COUNT}"
            for s in layout.metadb_slices
        )
        profile = line + (f"; {metadbs}" if metadbs else "")
        one_way = " (one-way: no second disk had room; attach a submirror later)" if len(slices) == 1 else ""
        planned = (
            f"The JumpStart profile rebuilds it on {destination.hostname}{one_way}: {profile} [JSMIR, JSMDB]."
        )
    where = " (it shows only in df -k: vfstab has no line for it)" if g.where == "df -k" else ""
    return finding(
        Code.SVM_MIRROR_REBUILD,
        Severity.STEP,
        "swap" if g.mount_point == "swap" else f"fs {g.mount_point}",
        f"{what} is on the SVM mirror {tree.description}{where}. From 10/08 flarcreate leaves RAID-1 volumes "
        "out "
        f"of the archive and a JumpStart profile rebuilds the mirrors [FL1008, FL910zh]; {source.hostname} "
        "is "
        f"{facts.update.name}. {planned}",
        f"Nothing to do on {source.hostname} before flarcreate. After the install, on "
        f"{destination.hostname}: "
        f"metastat -p {g.metadevice}; metadb -i (the submirrors resync by themselves).",
        metadevice=g.metadevice,
        tree=tree.description,
        source_slices=list(rebuild.source_slices),
        destination_slices=[f"{s.disk}s{s.index}" for s in slices],
        profile=profile,
    )


def svm_release_reason(facts: InstallFacts, g: GlobalMetadevice, simple_mirror: bool) -> str:
    """Why a global-zone mirror stays a blocker: the release (a sentence), or "" for other layouts."""
    if not simple_mirror:
        return ""
    if facts.update is None:
        return (
            " The source's update is unknown (RELEASE_UNKNOWN), so it is assumed older than 10/08, the first "
            "update "
            "whose archives leave mirrors out for JumpStart to rebuild [FL1008]."
        )
    return (
        f" {facts.update.name} is older than 10/08, the first update whose archives leave mirrors out for "
        "JumpStart "
        "to rebuild [FL1008]."
    )


# --- host-level notices --------------------------------------------------------------------------


def rule_support_caution(
    source: HostInventory, destination: HostInventory, options: PlanOptions
) -> list[Finding]:
    zones = [z.name for z in nonglobal_zones(source) if zone_state(z) in INSTALLED_STATES]
    if not zones:
        return []
    archive = cmd.archive_path(options.archive_dir, options.archive_name(source.hostname))
    boots = "; ".join(cmd.zoneadm(z, "boot") for z in zones[:20])
    return [
        finding(
            Code.SUPPORT_CAUTION,
            Severity.INFO,
            "support",
            "Oracle's flash archive guides (10/08, 5/09, 8/11, 1/13) say that an archive made in a global "
            "zone with "
            "non-global zones installed may not install properly; the 1/13 guide calls the result undefined "
            "[FL1008, LU509, FL113zh]. This plan follows the procedure tested in "
            f"{FIELD_TEST} for zoned systems, which Oracle does not support.",
            f"Keep {source.hostname} intact as the rollback until {destination.hostname} passes the "
            "verification "
            f"phase: do not reinstall, relabel or reuse it, and keep {archive}. To roll back, on "
            f"{source.hostname}: {boots}.",
            zones=zones,
        )
    ]


def rule_settings(
    source: HostInventory, destination: HostInventory, left: list[str], options: PlanOptions
) -> list[Finding]:
    if not left:
        return []
    how = {
        "archive_location": f"archive_location: where {destination.hostname} reads the archive, e.g. "
        f"nfs://flar01/export/flar/{{hostname}}.flar or http://web01/flar/{source.hostname}.flar",
        "jumpstart_server": "jumpstart_server: the JumpStart and install server's host name",
        "root_password_hash": "root_password_hash: the root field of /etc/shadow; on "
        f"{source.hostname}: nawk -F: '$1 == \"root\" {{ print $2 }}' /etc/shadow",
        "ip_address": f"ip_address: {destination.hostname}'s address on its install network",
        "netmask": "netmask: the netmask of that network (255.255.255.0 is assumed now)",
        "install_image_dir": "install_image_dir: the install image of the media the archive needs (the "
        "source's update is unknown: RELEASE_UNKNOWN)",
    }
    return [
        finding(
            Code.PLAN_SETTINGS_INCOMPLETE,
            Severity.STEP,
            "plan settings",
            "The runbook, the JumpStart profile and sysidcfg still carry placeholders for: "
            f"{', '.join(left)}.",
            "Set them on the plan's Settings tab, or as the team's defaults (saving re-plans): "
            + "; ".join(how.get(n, n) for n in left)
            + ".",
            settings=list(left),
        )
    ]


# --- zone rules ----------------------------------------------------------------------------------


def rule_zonepath_zfs(
    w: ZoneWork,
    source: HostInventory,
    destination: HostInventory,
    facts: InstallFacts,
    options: PlanOptions,
    layout: LayoutPlan,
) -> list[Finding]:
    if not w.zonepath_dataset:
        return []
    ds = w.zonepath_dataset
    archive = cmd.archive_path(options.archive_dir, options.archive_name(source.hostname))
    if w.in_root_pool(ds) and facts.root_on_zfs:
        return [
            finding(
                Code.ZONEPATH_ON_ZFS,
                Severity.STEP,
                f"zonepath {w.zonepath}",
                f"Zone {w.name}'s zonepath {w.zonepath} is the ZFS dataset {ds} in the root pool: the "
                "ZFS-root "
                "archive carries it, but how such an archive carries non-global zones is unconfirmed [ZFS].",
                f"After the install, on {destination.hostname}: zfs list {cmd.q(ds)}; zoneadm list -cv (the "
                "zone "
                "must be installed).",
                w.name,
                dataset=ds,
            )
        ]
    m = mount_for(source, w.zonepath)
    mount_point = m.mount_point if m is not None else w.zonepath
    planned = next(
        (
            s
            for d in layout.disks
            for s in d.slices
            if s.purpose in ("zonepaths", "root")
            and (s.mount_point == mount_point or (s.purpose == "root" and mount_point == "/"))
        ),
        None,
    )
    where = f"{planned.disk}s{planned.index}" if planned is not None else "no slice yet"
    early = ""
    if facts.update is not None and not at_least(facts.update, FEATURES[ZONEPATH_ON_ZFS].since):
        early = f" Zonepaths on ZFS are to be avoided before 10/08 [ZFSZ]; {source.hostname} is "
        early += f"{facts.update.name}."
    check = f"{w.zonepath.strip('/')}/root/etc/passwd"
    return [
        finding(
            Code.ZONEPATH_ON_ZFS,
            Severity.STEP,
            f"zonepath {w.zonepath}",
            f"Zone {w.name}'s zonepath {w.zonepath} is on the ZFS dataset {ds}. The archive carries files, "
            "not "
            f"datasets: on {destination.hostname} the zonepath is a directory in the ufs file system the "
            "layout "
            f"plans for {mount_point} ({where}); the dataset's properties and snapshots stay behind. Whether "
            "flarcreate of a ufs root picks up files on ZFS file systems is unconfirmed, so check the "
            "archive." + early,
            f"After flarcreate: flar info -l {cmd.q(archive)} | grep {cmd.q('^' + check + '$')} must print "
            f"{check}. If it does not, copy the zone after the install: on {source.hostname}: cd "
            f"{cmd.q(w.zonepath)} && find . -depth -print | cpio -oP@ | ssh root@{destination.hostname} "
            f"{cmd.q('cd ' + cmd.q(w.zonepath) + ' && cpio -idmP@')}",
            w.name,
            dataset=ds,
            mount_point=mount_point,
        )
    ]


def _receive(source: HostInventory, destination: HostInventory, dataset: str, zone: str) -> str:
    pool = dataset.split("/", 1)[0]
    size = next((p.size_bytes for p in source.zpools if p.name == pool), 0)
    at_least_size = f" of at least {_gib(size)}" if size else ""
    parent = dataset.rsplit("/", 1)[0] if "/" in dataset else ""
    snap = cmd.q(f"{dataset}@zflar")
    steps = [
        f"On {destination.hostname} after the install: zpool create {cmd.q(pool)} <a disk or "
        f"slice{at_least_size}> "
        f"(zpool status {cmd.q(pool)} on {source.hostname} shows the pool's layout)"
        + (f"; zfs create {cmd.q(parent)} (and its parents)" if parent and parent != pool else ""),
        f"on {source.hostname}: zfs snapshot {snap}; zfs send {snap} | ssh root@{destination.hostname} "
        f"zfs receive {cmd.q(dataset)} (each child dataset the same way: zfs list -r {cmd.q(dataset)})",
        f"then on {destination.hostname}: {cmd.zoneadm(zone, 'boot')}",
    ]
    return "; ".join(steps) + "."


def rule_zone_zfs(w: ZoneWork, source: HostInventory, destination: HostInventory) -> list[Finding]:
    out: list[Finding] = []
    items = [(Code.ZFS_DATASET, f"dataset {d}", d, "") for d in w.zfs_datasets]
    items += [(Code.FS_ZFS, f"fs {fs.dir}", fs.special, fs.dir) for fs in w.zfs_fs]
    for code, resource, dataset, directory in items:
        what = (
            f"Zone {w.name} is delegated the ZFS dataset {dataset} (add dataset)"
            if code is Code.ZFS_DATASET
            else f"Zone {w.name} mounts the ZFS dataset {dataset} on {directory} (add fs type=zfs)"
        )
        if w.in_root_pool(dataset):
            out.append(
                finding(
                    code,
                    Severity.STEP,
                    resource,
                    f"{what}. It is in the root pool {w.root_pool}, which the ZFS-root archive carries; how "
                    "such "
                    "an archive carries zones' datasets is unconfirmed [ZFS].",
                    f"After the install, on {destination.hostname}: zfs list {cmd.q(dataset)}.",
                    w.name,
                    dataset=dataset,
                )
            )
            continue
        out.append(
            finding(
                code,
                Severity.STEP,
                resource,
                f"{what}. A flash archive does not carry ZFS datasets: the pool and the dataset must be "
                "recreated on "
                f"{destination.hostname} and the data sent with zfs send and zfs receive before the zone "
                "boots. The "
                f"finish script leaves {w.name} halted until then.",
                _receive(source, destination, dataset, w.name),
                w.name,
                dataset=dataset,
                pool=dataset.split("/", 1)[0],
            )
        )
    return out
