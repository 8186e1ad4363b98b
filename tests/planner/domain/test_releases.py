"""The Solaris 10 updates as data: lookups, comparisons, media names and kernel-patch judgements."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain import releases as r
from planner.solaris.release import parse_etc_release
from tests.support.fuzz import property_settings


def test_twelve_updates_in_order_with_their_builds() -> None:
    assert [u.name for u in r.UPDATES] == [
        "3/05", "1/06", "6/06", "11/06", "8/07", "5/08", "10/08", "5/09", "10/09", "9/10", "8/11", "1/13",
    ]  # fmt: skip
    assert [u.number for u in r.UPDATES] == list(range(12))
    ten_oh_nine = r.find_update("10/09")
    assert (ten_oh_nine.sparc_build, ten_oh_nine.x86_build) == ("s10s_u8wos_08a", "s10x_u8wos_08a")
    assert r.find_update(8) is ten_oh_nine and r.find_update("u8") is ten_oh_nine
    assert r.find_update("3/05").sparc_build == "s10_74L2a"


def test_every_build_string_is_the_one_etc_release_shows() -> None:
    """The release reader and the data agree on every update and architecture."""
    for update in r.UPDATES:
        for arch, word in (("sparc", "SPARC"), ("x86", "X86")):
            build = update.build(arch)
            if not build:
                continue
            line = f"{'Oracle ' if update.oracle else ''}Solaris 10 {update.name} {build} {word}"
            assert r.update_of_release(parse_etc_release(line, source="r")) is update, line


def test_kernel_patch_at_release_carries_its_source_or_u() -> None:
    assert str(r.find_update("10/09").kernel("sparc").patch) == "141444-09"
    assert r.find_update("10/09").kernel("sun4v").source == "S10B"
    assert r.find_update("10/09").kernel("i86pc").source == "ANS"
    assert str(r.find_update("9/10").kernel("x86").patch) == "142910-17"
    assert r.find_update("8/11").kernel("sparc").source == "SF"
    eight_eleven_x86 = r.find_update("8/11").kernel("x86")
    assert (eight_eleven_x86.patch, eight_eleven_x86.source, eight_eleven_x86.quoted) == (
        None,
        "U",
        "147441-01?",
    )
    assert not eight_eleven_x86.confirmed
    ten_oh_eight = r.find_update("10/08")
    assert ten_oh_eight.kernel("x86").source == "HWL" and not ten_oh_eight.kernel("sparc").confirmed
    assert all(not u.kernel("sparc").confirmed for u in r.UPDATES[:8])


def test_compare_and_features() -> None:
    assert r.compare_updates("10/08", "9/10") == -1
    assert r.compare_updates("1/13", "8/11") == 1
    assert r.compare_updates("5/09", 7) == 0
    assert r.at_least("10/09", "8/07") and not r.at_least("6/06", "8/07")
    cases = {
        r.SYSIDCFG_AUTO_REG: ("9/10", "10/09"),
        r.SYSIDCFG_NFS4_DOMAIN: ("8/07", "11/06"),
        r.FLAR_SAME_UPDATE_STRICT: ("10/08", "5/08"),
        r.FLAR_SVM_MIRROR_REBUILD: ("10/08", "5/08"),
        r.FLAR_ZFS_ROOT: ("10/09", "5/09"),
        r.ZONE_DETACH_ATTACH: ("11/06", "6/06"),
        r.ZONE_DRY_RUN: ("5/08", "8/07"),
        r.ZONE_ATTACH_UPDATE: ("10/08", "5/08"),
        r.ZONE_ATTACH_BACKOUT: ("5/09", "10/08"),
        r.ZONE_ATTACH_UPDATE_ALL: ("9/10", "10/09"),
        r.ZONEPATH_ON_ZFS: ("10/08", "5/08"),
        r.S10_BRAND_P2V_KERNEL: ("9/10", "10/09"),
    }
    for feature, (first, before) in cases.items():
        assert r.has_feature(first, feature) and r.has_feature("1/13", feature), feature
        assert not r.has_feature(before, feature), feature
        assert r.FEATURES[feature].source and r.FEATURES[feature].source != r.UNCONFIRMED


def test_unknown_updates_are_refused() -> None:
    for bad in ("10/07", "u12", 12, "Solaris 10"):
        with pytest.raises(r.UnknownUpdateError, match="is not a Solaris 10 update"):
            r.find_update(bad)


def test_install_media_names() -> None:
    assert r.install_media("10/09", "sparc") == "Solaris 10 10/09 s10s_u8wos_08a"
    assert r.install_media("10/09", "i86pc") == "Solaris 10 10/09 s10x_u8wos_08a"
    assert r.install_media("9/10", "sun4v") == "Oracle Solaris 10 9/10 s10s_u9wos_14a"
    assert r.install_media("3/05", "x86") == "Solaris 10 3/05 (x86 build unconfirmed)"


def test_update_of_release() -> None:
    assert r.update_of_release(None) is None
    release = parse_etc_release("Solaris 10 10/09 s10s_u8wos_08a SPARC", source="r")
    assert r.update_of_release(release) is r.find_update("10/09")
    hw2 = parse_etc_release("Solaris 10 3/05 HW2 s10s_hw2wos_05 SPARC", source="r")
    assert r.update_of_release(hw2) is r.find_update("3/05")
    assert r.update_of_release(parse_etc_release("Oracle Solaris 11.4 SPARC", source="r")) is None
    # A date name that disagrees with the build decides nothing.
    odd = parse_etc_release("Solaris 10 5/09 s10s_u8wos_08a SPARC", source="r")
    assert r.update_of_release(odd) is None


def test_parse_kernel_version() -> None:
    assert r.parse_kernel_version("Generic_141444-09") == r.KernelPatch(141444, 9)
    assert str(r.parse_kernel_version("Generic_142910-17")) == "142910-17"
    for other in ("Generic", "Generic_Virtual", "11.4.0.15.0", "", "Generic_1414-09"):
        assert r.parse_kernel_version(other) is None


@pytest.mark.parametrize(
    ("uname_v", "arch", "status", "words"),
    [
        ("Generic_142909-17", "sparc", "meets", "at or above"),
        ("Generic_142909-20", "sun4v", "meets", "at or above"),
        ("Generic_142909-05", "sparc", "below", "below kernel patch 142909-17"),
        ("Generic_141444-09", "sparc", "below", "the 10/09 kernel: below"),
        ("Generic_141445-09", "i86pc", "below", "the 10/09 kernel"),
        ("Generic_137138-09", "x86", "below", "the 10/08 kernel"),
        ("Generic_147440-01", "sparc", "meets", "the 8/11 kernel: at or above"),
        ("Generic_147148-26", "x86", "meets", "the 1/13 kernel"),
        ("Generic_150400-40", "sparc", "meets", "the 1/13 kernel"),
        ("Generic_142910-17", "x86", "meets", "at or above"),
        # 137137-09 (SPARC 10/08) is only quoted, never sourced: no decision.
        ("Generic_137137-09", "sparc", "unconfirmed", "unconfirmed"),
        ("Generic_144488-17", "sparc", "unconfirmed", "no source places"),
        ("Generic_Virtual", "sparc", "unconfirmed", "cannot compare"),
        # An x86 patch number on a SPARC host is not sourced as a SPARC kernel.
        ("Generic_147148-26", "sparc", "unconfirmed", "unconfirmed"),
    ],
)
def test_p2v_kernel_judgement(uname_v: str, arch: str, status: str, words: str) -> None:
    judgement = r.judge_p2v_kernel(uname_v, arch)
    assert judgement.status == status, judgement.message
    assert words in judgement.message
    assert str(judgement.required) == ("142909-17" if r.normalise_arch(arch) == "sparc" else "142910-17")
    assert (judgement.source == r.UNCONFIRMED) == (status == "unconfirmed")
    assert judgement.meets == (status == "meets")


def test_architectures() -> None:
    assert {r.normalise_arch(a) for a in ("sparc", "SPARC", "sun4u", "sun4v")} == {"sparc"}
    assert {r.normalise_arch(a) for a in ("x86", "X86", "i386", "i86pc")} == {"x86"}
    with pytest.raises(ValueError, match="unknown architecture"):
        r.normalise_arch("ppc")


@property_settings()
@given(st.sampled_from(r.UPDATES), st.sampled_from(r.UPDATES))
def test_comparison_is_the_update_number_order(a: r.Solaris10Update, b: r.Solaris10Update) -> None:
    assert r.compare_updates(a, b) == -r.compare_updates(b, a)
    assert (r.compare_updates(a, b) < 0) == (a.number < b.number)
    assert r.at_least(a, b) == (a.number >= b.number)
