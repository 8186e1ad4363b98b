"""What the flash install needs to know before anything is written: release, media, archive form.

Worked out once per plan (``compute_plan``) from the two inventories and the options, and read
by the layout, the rules, the JumpStart files and the runbook, so they cannot disagree:

* the Solaris 10 update of the source (``/etc/release``): the archive's update, so the update of
  the media that must install it [LU509, FL113zh]; ``None`` when unknown, and then every decision
  that needs it assumes the worst (docs/findings.md, RELEASE_UNKNOWN);
* the destination's catalog model (its minimum update, whether it boots Solaris 10 at all);
* the archive's form: ``-U content_architectures=...`` when the kernel architecture changes
  (sun4u to sun4v) [FL1009, CAI: checkArch], ``-L pax`` when a file is over 4 GiB [IT910], a
  ZFS root pool [ZFS];
* the SVM mirrors of the global zone that a 10/08 or later archive loses and the JumpStart
  profile rebuilds (``filesys mirror``, ``metadb``) [FL1008, FL910zh];
* the sysidcfg keywords the media knows: ``nfs4_domain`` from 8/07 [NFS4], ``auto_reg`` from 9/10
  [LU910, AR910]; one keyword the media does not know makes it ignore the whole file [SYSID].

Pure: no Django, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.domain import commands as cmd
from planner.domain.catalog import CatalogModel, UnknownModelError, find_model, list_models
from planner.domain.facts import is_under, metadevice_name, mount_for, mounts, nonglobal_zones, zonepath_of
from planner.domain.options import PlanOptions
from planner.domain.releases import (
    FEATURES,
    FLAR_SVM_MIRROR_REBUILD,
    FLAR_ZFS_ROOT,
    SYSIDCFG_AUTO_REG,
    SYSIDCFG_NFS4_DOMAIN,
    Solaris10Update,
    has_feature,
    install_media,
    update_of_release,
)
from planner.solaris.inventory import HostInventory, LargeFile
from planner.solaris.system import model_key

FOUR_GIB = 4 * 1024**3
# cpio (flarcreate's default from 9/10 on) holds files up to 4 GB [IT910]; the collector lists
# files of more than 8388607 512-byte blocks, i.e. 4 GiB and more.
SPARC_KERNEL_ARCHITECTURES = ("sun4u", "sun4v", "sun4us")
# metadb: 3 replicas of 8192 blocks (the JumpStart defaults [JSMDB]) on each mirror disk.
METADB_BLOCKS = 8192
METADB_COUNT = 3
METADB_SLICE_MB = 16  # 3 x 8192 blocks is 12 MB; a little more for the slice's own rounding
MEDIA_PLACEHOLDER = "REPLACE-ME-media-of-the-source-update"
LEGACY_IMAGE_DEFAULT = "/export/install/s10"  # PlanOptions' default before issue #12: a generic image


@dataclass(frozen=True)
class MirrorRebuild:
    """A global-zone file system on an SVM mirror that the JumpStart profile rebuilds."""

    mount_point: str  # "/", "/var", or "swap"
    metadevice: str  # d10: the profile names the rebuilt mirror the same
    source_slices: tuple[str, ...]  # one slice per submirror, c1t0d0s0 ...


@dataclass(frozen=True)
class GlobalMetadevice:
    """A global-zone file system (or swap) on a metadevice, from vfstab or only from df -k."""

    mount_point: str  # "swap" for swap
    device: str  # /dev/md/dsk/d10
    metadevice: str  # d10
    where: str  # "vfstab" or "df -k"


@dataclass
class InstallFacts:
    update: Solaris10Update | None  # the source's update: the archive's and the media's
    arch: str  # "sparc" or "x86" ("" when unknown)
    destination_model: CatalogModel | None
    content_architectures: tuple[str, ...] = ()  # (source, destination) kernel architectures
    large_files: list[LargeFile] = field(default_factory=list)  # 4 GiB and over, not excluded
    root_pool: str = ""  # the ZFS pool "/" is on; "" for a ufs root
    root_dataset: str = ""
    mirrors: list[MirrorRebuild] = field(default_factory=list)
    global_metadevices: list[GlobalMetadevice] = field(default_factory=list)
    install_image_dir: str = ""

    @property
    def release_known(self) -> bool:
        return self.update is not None

    @property
    def media(self) -> str:
        """``Solaris 10 10/09 s10s_u8wos_08a``; "" when the source's update is unknown."""
        if self.update is None:
            return ""
        return install_media(self.update, self.arch or "sparc")

    @property
    def media_build(self) -> str:
        return self.update.build(self.arch or "sparc") if self.update is not None else ""

    @property
    def pax(self) -> bool:
        return bool(self.large_files)

    @property
    def root_on_zfs(self) -> bool:
        return bool(self.root_pool)

    @property
    def sysidcfg_auto_reg(self) -> bool:
        """``auto_reg=disable``: needed on 9/10 and later media, unknown to older ones."""
        return self.update is not None and has_feature(self.update, SYSIDCFG_AUTO_REG)

    @property
    def sysidcfg_nfs4_domain(self) -> bool:
        return self.update is not None and has_feature(self.update, SYSIDCFG_NFS4_DOMAIN)

    @property
    def rebuilds_mirrors(self) -> bool:
        """10/08 and later: flarcreate drops RAID-1 volumes and JumpStart rebuilds them."""
        return self.update is not None and has_feature(self.update, FLAR_SVM_MIRROR_REBUILD)

    @property
    def zfs_root_archives(self) -> bool | None:
        """True from 10/09 (flash archives of a ZFS root pool), False before, None when unknown."""
        if self.update is None:
            return None
        return has_feature(self.update, FLAR_ZFS_ROOT)

    def mirror_for(self, mount_point: str) -> MirrorRebuild | None:
        return next((m for m in self.mirrors if m.mount_point == mount_point), None)


# --- the destination model --------------------------------------------------------------------


def destination_model(destination: HostInventory) -> CatalogModel | None:
    """The catalog model of a destination: its catalog origin, else its prtdiag model, else a
    ``uname -i`` platform that only one model has.  None when the catalog does not know it."""
    if destination.origin.startswith("catalog:"):
        try:
            return find_model(destination.origin.removeprefix("catalog:"))
        except UnknownModelError:
            pass
    if destination.prtdiag.model:
        try:
            return find_model(destination.prtdiag.model)
        except UnknownModelError:
            pass
    platform = destination.uname.platform
    if platform:
        same = [m for m in list_models() if m.platform == platform]
        if len(same) == 1:
            return same[0]
        if not same and model_key(platform):
            try:
                return find_model(platform)
            except UnknownModelError:
                return None
    return None


# --- ZFS --------------------------------------------------------------------------------------


def zfs_dataset_at(inv: HostInventory, path: str) -> str:
    """The ZFS dataset holding ``path`` (its longest mount point); "" when that mount is not ZFS."""
    m = mount_for(inv, path)
    return m.device if m is not None and m.fstype == "zfs" else ""


def root_dataset(inv: HostInventory) -> str:
    """The dataset mounted on ``/`` (``rpool/ROOT/s10s_u9wos_14a``), or "" for a ufs root."""
    for m in mounts(inv):
        if m.mount_point == "/" and m.fstype == "zfs":
            return m.device
    return next(
        (d.name for d in inv.zfs_datasets if d.type == "filesystem" and d.mountpoint == "/"),
        "",
    )


# --- SVM --------------------------------------------------------------------------------------


def global_metadevices(inv: HostInventory) -> list[GlobalMetadevice]:
    """Global-zone file systems and swap on metadevices: vfstab lines, and mounts df -k alone shows.

    A root on SVM whose vfstab was not collected still shows in ``df -k`` (``/dev/md/dsk/d10 ... /``).
    """
    out: list[GlobalMetadevice] = []
    seen: set[str] = set()
    for v in inv.vfstab:
        md = metadevice_name(v.device)
        if md is None:
            continue
        mount_point = "swap" if v.fstype == "swap" else v.mount_point
        out.append(GlobalMetadevice(mount_point, v.device, md, "vfstab"))
        seen.add(mount_point)
    for d in inv.df:
        md = metadevice_name(d.filesystem)
        if md is None or d.mounted_on in seen or _zone_mount(inv, d.mounted_on):
            continue
        out.append(GlobalMetadevice(d.mounted_on, d.filesystem, md, "df -k"))
        seen.add(d.mounted_on)
    return out


def _zone_mount(inv: HostInventory, mount_point: str) -> bool:
    """A df -k line for a zone's own file system (mounted under <zonepath>/root)."""
    for zone in nonglobal_zones(inv):
        zp = zonepath_of(zone, inv)
        if zp and is_under(mount_point, zp.rstrip("/") + "/root"):
            return True
    return False


def mirror_halves(inv: HostInventory, md: str) -> tuple[str, ...] | None:
    """The slices of a mirror whose submirrors are each one slice (what ``filesys mirror`` builds).

    None for anything else: soft partitions, RAID-5, multi-slice concatenations or stripes.
    """
    by_name = {m.name: m for m in inv.metadevices}
    mirror = by_name.get(md)
    if mirror is None or mirror.kind != "mirror" or not mirror.components:
        return None
    halves: list[str] = []
    for sub in mirror.components:
        name = sub.rsplit("/", 1)[-1]
        part = by_name.get(name)
        if part is None or part.kind not in ("concat", "stripe") or len(part.components) != 1:
            return None
        slice_name = part.components[0].rsplit("/", 1)[-1]
        if metadevice_name(f"/dev/md/dsk/{slice_name}") is not None:
            return None  # a submirror built on another metadevice
        halves.append(slice_name)
    return tuple(halves)


# --- putting it together ------------------------------------------------------------------------


def _arch(source: HostInventory) -> str:
    if source.release is not None and source.release.arch:
        return source.release.arch
    machine = source.uname.machine
    if machine.startswith("sun4") or source.uname.processor == "sparc":
        return "sparc"
    if machine == "i86pc" or source.uname.processor in ("i386", "x86", "amd64"):
        return "x86"
    return ""


def _excluded(path: str, options: PlanOptions) -> bool:
    return any(is_under(path, p) for p in [options.archive_dir, *options.excluded_paths])


def install_facts(source: HostInventory, destination: HostInventory, options: PlanOptions) -> InstallFacts:
    update = update_of_release(source.release)
    facts = InstallFacts(update=update, arch=_arch(source), destination_model=destination_model(destination))
    src_m, dst_m = source.uname.machine, destination.uname.machine
    if src_m != dst_m and src_m in SPARC_KERNEL_ARCHITECTURES and dst_m in SPARC_KERNEL_ARCHITECTURES:
        facts.content_architectures = (src_m, dst_m)
    facts.large_files = [
        f for f in source.large_files if f.size_bytes >= FOUR_GIB and not _excluded(f.path, options)
    ]
    facts.root_dataset = root_dataset(source)
    facts.root_pool = facts.root_dataset.split("/", 1)[0] if facts.root_dataset else ""
    facts.global_metadevices = global_metadevices(source)
    if facts.rebuilds_mirrors:
        for g in facts.global_metadevices:
            halves = mirror_halves(source, g.metadevice)
            if halves is not None:
                facts.mirrors.append(MirrorRebuild(g.mount_point, g.metadevice, halves))
    build = facts.media_build or MEDIA_PLACEHOLDER
    # Plans saved before issue #12 carry the old generic default: treat it as not set.
    own = options.install_image_dir if options.install_image_dir != LEGACY_IMAGE_DEFAULT else ""
    facts.install_image_dir = own or f"/export/install/{build}"
    return facts


def feature_source(key: str) -> str:
    return FEATURES[key].source


SOFTWARE_GROUPS = {  # [JS]
    "SUNWCrnet": "Reduced Network Support",
    "SUNWCreq": "Core",
    "SUNWCuser": "End User",
    "SUNWCprog": "Developer",
    "SUNWCall": "Entire",
    "SUNWCXall": "Entire Plus OEM",
}


def software_group(cluster: str) -> str:
    """``SUNWCXall (Entire Plus OEM)``; the bare name for a group the list does not know."""
    name = SOFTWARE_GROUPS.get(cluster)
    return f"{cluster} ({name})" if name else cluster


def zfs_exclusions(
    source: HostInventory, options: PlanOptions, facts: InstallFacts
) -> tuple[list[str], list[str]]:
    """For a ZFS-root archive: the datasets ``-D`` leaves out (the archive directory and the excluded
    paths that are datasets of their own in the root pool), and the paths that cannot be left out."""
    datasets: list[str] = []
    stuck: list[str] = []
    for path in [options.archive_dir, *options.excluded_paths]:
        m = mount_for(source, path)
        if m is None:
            stuck.append(path)  # no mount is known for it: assume it is on the root pool
        elif m.fstype == "zfs" and m.device.split("/", 1)[0] == facts.root_pool:
            if m.mount_point == path.rstrip("/"):
                datasets.append(m.device)  # a dataset of its own: -D leaves it out
            else:
                stuck.append(path)  # a directory inside a pool dataset: nothing can leave it out
    return datasets, stuck


def archive_command(
    source: HostInventory,
    options: PlanOptions,
    facts: InstallFacts,
    *,
    extra_excludes: list[str] | None = None,
) -> str:
    """The one flarcreate command the runbook, the script and the findings show.

    ``extra_excludes`` (the runbook's) are the zonepaths of zones another route moves."""
    name = options.archive_name(source.hostname)
    return cmd.flarcreate(
        name,
        options.archive_dir,
        [*options.excluded_paths, *(extra_excludes or [])],
        options.compress,
        content_architectures=facts.content_architectures,
        pax=facts.pax,
        zfs_datasets=zfs_exclusions(source, options, facts)[0] if facts.root_on_zfs else None,
    )
