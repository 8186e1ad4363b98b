"""The Solaris 10 updates as data: names, build strings, kernel patches, and what each one brings.

Every fact carries the source key of ``../shared/reference/solaris10-releases.md`` (the keys are
listed, with their addresses, in docs/catalog.md).  ``U`` (:data:`UNCONFIRMED`) marks what no
source confirms: such a fact is shown as "unconfirmed" and never decides a blocking rule.

Two things to keep apart (reference §1, [SF, S11Z]):

* ``/etc/release`` names the update the system was **installed** from.  Patching never changes it.
* ``uname -v`` (``Generic_141444-09``) names the kernel patch the system runs now.  Whether a
  source may become a solaris10 branded zone (P2V) is judged by this kernel patch, not by
  ``/etc/release``: :func:`judge_p2v_kernel`.

Pure Python, no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.solaris.inventory import OsRelease

UNCONFIRMED = "U"


class UnknownUpdateError(ValueError):
    """Not the name or number of a Solaris 10 update."""


@dataclass(frozen=True, order=True)
class KernelPatch:
    """A kernel patch as ``uname -v`` shows it: ``Generic_141444-09`` is patch 141444 revision 09."""

    patch: int
    revision: int

    def __str__(self) -> str:
        return f"{self.patch}-{self.revision:02d}"


@dataclass(frozen=True)
class SourcedPatch:
    """The kernel patch of a release on one architecture, with its source.

    ``patch`` is None when no patch number is sourced; ``quoted`` then keeps the commonly quoted,
    unverified value (the reference's "?") for display only.
    """

    patch: KernelPatch | None
    source: str = UNCONFIRMED
    quoted: str = ""

    @property
    def confirmed(self) -> bool:
        return self.patch is not None and self.source != UNCONFIRMED


@dataclass(frozen=True)
class Solaris10Update:
    number: int  # 0 for 3/05, 1 for 1/06 ... 11 for 1/13
    name: str  # "10/09"
    sparc_build: str  # "s10s_u8wos_08a" (what /etc/release and the media show)
    x86_build: str  # "s10x_u8wos_08a"; "" where unconfirmed
    kernel_sparc: SourcedPatch
    kernel_x86: SourcedPatch
    build_source: str = "FCT, DB, ANS-J"

    @property
    def oracle(self) -> bool:
        """/etc/release starts "Oracle Solaris 10" from 9/10 on [FCT]."""
        return self.number >= 9

    def build(self, arch: str) -> str:
        return self.sparc_build if normalise_arch(arch) == "sparc" else self.x86_build

    def kernel(self, arch: str) -> SourcedPatch:
        return self.kernel_sparc if normalise_arch(arch) == "sparc" else self.kernel_x86

    def __str__(self) -> str:
        return self.name


def _kp(text: str, source: str) -> SourcedPatch:
    patch, revision = text.split("-")
    return SourcedPatch(KernelPatch(int(patch), int(revision)), source)


def _quoted(text: str = "") -> SourcedPatch:
    return SourcedPatch(None, UNCONFIRMED, text)


# Reference §1. Builds [FCT, DB, ANS-J]; kernel patch at release where sourced, else U.
UPDATES: tuple[Solaris10Update, ...] = (
    # 3/05: SPARC s10_74L2a [FCT]. The x86 3/05 build is only sourced for the interim HW1 release
    # (s10x_wos_74L2a), so the x86 entry stays empty here; HARDWARE_RELEASE_BUILDS has the HW forms.
    Solaris10Update(0, "3/05", "s10_74L2a", "", _quoted(), _quoted()),
    Solaris10Update(1, "1/06", "s10s_u1wos_19a", "s10x_u1wos_19a", _quoted("118822-25?"), _quoted()),
    Solaris10Update(2, "6/06", "s10s_u2wos_09a", "s10x_u2wos_09a", _quoted("118833-17?"), _quoted()),
    Solaris10Update(3, "11/06", "s10s_u3wos_10", "s10x_u3wos_10", _quoted("118833-33?"), _quoted()),
    Solaris10Update(4, "8/07", "s10s_u4wos_12b", "s10x_u4wos_12b", _quoted("120011-14?"), _quoted()),
    Solaris10Update(5, "5/08", "s10s_u5wos_10", "s10x_u5wos_10", _quoted("127127-11?"), _quoted()),
    Solaris10Update(
        6, "10/08", "s10s_u6wos_07b", "s10x_u6wos_07b", _quoted("137137-09?"), _kp("137138-09", "HWL")
    ),
    Solaris10Update(7, "5/09", "s10s_u7wos_08", "s10x_u7wos_08", _quoted("139555-08?"), _quoted()),
    Solaris10Update(
        8, "10/09", "s10s_u8wos_08a", "s10x_u8wos_08a", _kp("141444-09", "S10B"), _kp("141445-09", "ANS")
    ),
    Solaris10Update(
        9, "9/10", "s10s_u9wos_14a", "s10x_u9wos_14a", _kp("142909-17", "S11Z"), _kp("142910-17", "S11Z")
    ),
    Solaris10Update(
        10, "8/11", "s10s_u10wos_17b", "s10x_u10wos_17b", _kp("147440-01", "SF"), _quoted("147441-01?")
    ),
    Solaris10Update(
        11, "1/13", "s10s_u11wos_24a", "s10x_u11wos_24a", _kp("147147-26", "BLOG"), _kp("147148-26", "BLOG")
    ),
)
_BY_NAME = {u.name: u for u in UPDATES}
_BY_NUMBER = {u.number: u for u in UPDATES}

# The interim hardware releases of 3/05 [FCT]; HW1/HW2 support was rolled into 1/06 [HWPG].
HARDWARE_RELEASE_BUILDS: dict[str, str] = {
    "s10s_wos_74L2a": "3/05 HW1",
    "s10x_wos_74L2a": "3/05 HW1",
    "s10s_hw2wos_05": "3/05 HW2",
}

# Kernel patches that came after 1/13 [BLOG]: at least the 1/13 kernel level.
LATER_KERNEL_PATCHES: dict[int, tuple[str, str]] = {
    148888: ("sparc", "BLOG"),
    148889: ("x86", "BLOG"),
    150400: ("sparc", "BLOG"),
    150401: ("x86", "BLOG"),
}

# --- what each update brings ------------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    key: str
    since: str  # the first update that has it (an UPDATES name)
    source: str
    description: str


SYSIDCFG_AUTO_REG = "sysidcfg_auto_reg"
SYSIDCFG_NFS4_DOMAIN = "sysidcfg_nfs4_domain"
FLAR_SAME_UPDATE_STRICT = "flar_same_update_strict"
FLAR_SVM_MIRROR_REBUILD = "flar_svm_mirror_rebuild"
FLAR_ZFS_ROOT = "flar_zfs_root"
ZONE_MOVE_CLONE = "zone_move_clone"
ZONE_CLONE_ZFS = "zone_clone_zfs"
ZONE_DETACH_ATTACH = "zone_detach_attach"
ZONE_DRY_RUN = "zone_detach_attach_dry_run"
ZONE_ATTACH_UPDATE = "zone_attach_update"
ZONE_ATTACH_BACKOUT = "zone_attach_backout"
ZONE_ATTACH_UPDATE_ALL = "zone_attach_update_all"
ZONEPATH_ON_ZFS = "zonepath_on_zfs"
S10_BRAND_P2V_KERNEL = "s10_brand_p2v_kernel"

FEATURES: dict[str, Feature] = {
    f.key: f
    for f in (
        Feature(
            SYSIDCFG_AUTO_REG,
            "9/10",
            "LU910, AR910",
            "sysidcfg auto_reg keyword; on 9/10 and later media it is needed (auto_reg=disable) or the "
            "install stops to prompt",
        ),
        Feature(SYSIDCFG_NFS4_DOMAIN, "8/07", "NFS4", "sysidcfg nfs4_domain keyword"),
        Feature(
            FLAR_SAME_UPDATE_STRICT,
            "10/08",
            "FL113zh",
            "booting 10/08 or later media will not install an archive from an earlier release; boot the "
            "archive's own release",
        ),
        Feature(
            FLAR_SVM_MIRROR_REBUILD,
            "10/08",
            "FL1008, FL910zh",
            "flarcreate strips SVM RAID-1 volume information and a JumpStart profile rebuilds the mirrors",
        ),
        Feature(FLAR_ZFS_ROOT, "10/09", "ZFS", "flash archives of a ZFS root pool (flarcreate -D dataset)"),
        Feature(ZONE_MOVE_CLONE, "11/06", "PSARC", "zoneadm move and clone (PSARC 2005/711)"),
        Feature(ZONE_CLONE_ZFS, "5/09", "ZTOC, PT509", "zoneadm clone uses ZFS clones"),
        Feature(
            ZONE_DETACH_ATTACH,
            "11/06",
            "ZTOC, Z1013, PSARC",
            "zoneadm detach, then attach on another host of the same release",
        ),
        Feature(ZONE_DRY_RUN, "5/08", "ZTOC, Z1013", "zoneadm detach -n and attach -n dry runs"),
        Feature(
            ZONE_ATTACH_UPDATE,
            "10/08",
            "OSOL",
            "zoneadm attach -u updates the zone to the destination's packages and patches (also sun4u to "
            "sun4v)",
        ),
        Feature(ZONE_ATTACH_BACKOUT, "5/09", "WN910", "zoneadm attach -b (back out patches)"),
        Feature(ZONE_ATTACH_UPDATE_ALL, "9/10", "WN910", "zoneadm attach -U (update all packages)"),
        Feature(ZONEPATH_ON_ZFS, "10/08", "ZFSZ", "a zonepath on ZFS (avoid it before 10/08)"),
        Feature(
            S10_BRAND_P2V_KERNEL,
            "9/10",
            "S11Z",
            "the kernel level a system needs before it is archived for a solaris10 branded zone "
            "(or KU 142909-17 SPARC / 142910-17 x86 on an older update)",
        ),
    )
}

# P2V into a Solaris 11 solaris10 branded zone: the 9/10 kernel, or this KU on an older update [S11Z].
P2V_KERNEL_PATCH: dict[str, KernelPatch] = {"sparc": KernelPatch(142909, 17), "x86": KernelPatch(142910, 17)}
P2V_KERNEL_SOURCE = "S11Z"


# --- looking updates up and comparing them -----------------------------------------------------


def normalise_arch(arch: str) -> str:
    """``sparc``/``SPARC``/``sun4u``/``sun4v`` -> ``sparc``; ``x86``/``X86``/``i386``/``i86pc`` -> ``x86``."""
    text = arch.strip().lower()
    if text in ("sparc", "sun4u", "sun4v", "sun4us"):
        return "sparc"
    if text in ("x86", "i386", "i86pc", "amd64"):
        return "x86"
    raise ValueError(f"unknown architecture {arch!r}; expected sparc or x86")


def find_update(update: str | int | Solaris10Update) -> Solaris10Update:
    """An update by name (``10/09``, also ``u8``) or number (8)."""
    if isinstance(update, Solaris10Update):
        return update
    if isinstance(update, int):
        found = _BY_NUMBER.get(update)
    else:
        text = update.strip()
        number = re.fullmatch(r"[uU]([0-9]+)", text)
        found = _BY_NUMBER.get(int(number.group(1))) if number else _BY_NAME.get(text)
    if found is None:
        known = ", ".join(u.name for u in UPDATES)
        raise UnknownUpdateError(f"{update!r} is not a Solaris 10 update; they are {known}")
    return found


def compare_updates(a: str | int | Solaris10Update, b: str | int | Solaris10Update) -> int:
    """-1, 0 or 1 as update ``a`` is older than, the same as or newer than ``b``."""
    x, y = find_update(a).number, find_update(b).number
    return (x > y) - (x < y)


def at_least(update: str | int | Solaris10Update, minimum: str | int | Solaris10Update) -> bool:
    return compare_updates(update, minimum) >= 0


def has_feature(update: str | int | Solaris10Update, feature: str) -> bool:
    """True when ``update`` is at or after the first update with ``feature`` (a FEATURES key)."""
    return at_least(update, FEATURES[feature].since)


def update_of_release(release: OsRelease | None) -> Solaris10Update | None:
    """The Solaris 10 update an /etc/release names; None for Solaris 11 or when not known.

    The build string decides (``s10s_u8wos_08a`` is update 8); a line whose date name and build
    disagree gives None, so that nothing is decided on it.
    """
    if release is None or release.major != 10 or release.update is None:
        return None
    update = _BY_NUMBER.get(release.update)
    if update is None or (release.release and release.release != update.name):
        return None
    return update


def install_media(update: str | int | Solaris10Update, arch: str) -> str:
    """The media to boot, as its /etc/release names it: ``Solaris 10 10/09 s10s_u8wos_08a``.

    From 9/10 on the name starts with "Oracle" (``Oracle Solaris 10 9/10 s10s_u9wos_14a``) [FCT].
    The x86 3/05 build is not sourced: then the name ends "(x86 build unconfirmed)".
    """
    found = find_update(update)
    prefix = "Oracle Solaris 10" if found.oracle else "Solaris 10"
    build = found.build(arch) or "(x86 build unconfirmed)"
    return f"{prefix} {found.name} {build}"


# --- the kernel patch a host runs ----------------------------------------------------------------

_GENERIC = re.compile(r"Generic_(?P<patch>[0-9]{6})-(?P<revision>[0-9]{2})")


def parse_kernel_version(uname_v: str) -> KernelPatch | None:
    """``Generic_141444-09`` -> KernelPatch(141444, 9); None for ``Generic``, ``Generic_Virtual`` or 11.x.

    ``Generic_Virtual`` is what a solaris10 branded zone shows [BOOK, UN].
    """
    match = _GENERIC.fullmatch(uname_v.strip())
    if match is None:
        return None
    return KernelPatch(int(match.group("patch")), int(match.group("revision")))


def kernel_patch_level(patch: KernelPatch, arch: str) -> tuple[Solaris10Update, str] | None:
    """The update whose kernel patch (at release) this is, and the source; None when not sourced.

    A kernel patch of a later release (``147440``, 8/11) is at least that release's kernel.
    """
    wanted = normalise_arch(arch)
    for update in UPDATES:
        kernel = update.kernel(wanted)
        if kernel.confirmed and kernel.patch is not None and kernel.patch.patch == patch.patch:
            return update, kernel.source
    later = LATER_KERNEL_PATCHES.get(patch.patch)
    if later is not None and later[0] == wanted:
        return UPDATES[-1], later[1]
    return None


@dataclass(frozen=True)
class KernelJudgement:
    """Whether a kernel meets a required kernel patch: ``meets``, ``below`` or ``unconfirmed``."""

    status: str
    required: KernelPatch
    found: KernelPatch | None
    message: str
    source: str

    @property
    def meets(self) -> bool:
        return self.status == "meets"


def judge_kernel(uname_v: str, arch: str, required: KernelPatch, required_update: str) -> KernelJudgement:
    """Compare the kernel patch ``uname -v`` shows with ``required`` (the KU of ``required_update``).

    Only sourced comparisons decide: the same patch number (revision against revision), or a
    patch that is the sourced kernel of a known update (older or newer than ``required_update``).
    Anything else is ``unconfirmed``.
    """
    found = parse_kernel_version(uname_v)
    need = f"kernel patch {required} (the {required_update} kernel)"
    if found is None:
        return KernelJudgement(
            "unconfirmed",
            required,
            None,
            f"uname -v is {uname_v.strip() or 'unknown'!r}, not Generic_NNNNNN-NN: cannot compare it with "
            f"{need}; unconfirmed",
            UNCONFIRMED,
        )
    if found.patch == required.patch:
        ok = found.revision >= required.revision
        return KernelJudgement(
            "meets" if ok else "below",
            required,
            found,
            f"the kernel is {found}: {'at or above' if ok else 'below'} {need}",
            P2V_KERNEL_SOURCE,
        )
    level = kernel_patch_level(found, arch)
    if level is None:
        return KernelJudgement(
            "unconfirmed",
            required,
            found,
            f"the kernel is {found}, a patch no source places against {need}; unconfirmed",
            UNCONFIRMED,
        )
    update, source = level
    ok = at_least(update, required_update)
    return KernelJudgement(
        "meets" if ok else "below",
        required,
        found,
        f"the kernel is {found}, the {update.name} kernel: {'at or above' if ok else 'below'} {need}",
        f"{source}, {P2V_KERNEL_SOURCE}",
    )


def judge_p2v_kernel(uname_v: str, arch: str) -> KernelJudgement:
    """Can this kernel be archived for a solaris10 branded zone?  Needs 142909-17 / 142910-17 [S11Z]."""
    wanted = normalise_arch(arch)
    return judge_kernel(uname_v, wanted, P2V_KERNEL_PATCH[wanted], FEATURES[S10_BRAND_P2V_KERNEL].since)
