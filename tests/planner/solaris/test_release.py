"""/etc/release and /var/sadm/system/admin/CLUSTER on real-format samples (samples/README.md)."""

from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import OsRelease
from planner.solaris.release import parse_cluster, parse_etc_release
from tests.support.samples import sample


def test_solaris_10_sparc_release_file() -> None:
    release = parse_etc_release(sample("release/solaris10-1009-sparc"), source="etc/release")
    assert release == OsRelease(
        text="Solaris 10 10/09 s10s_u8wos_08a SPARC",
        major=10,
        version="10",
        release="10/09",
        update=8,
        build="s10s_u8wos_08a",
        arch="sparc",
        oracle=False,
        assembled="16 September 2009",
    )


def test_oracle_prefix_and_x86() -> None:
    release = parse_etc_release(sample("release/solaris10-0113-x86"), source="etc/release")
    assert (release.update, release.release, release.arch, release.oracle) == (11, "1/13", "x86", True)
    assert release.build == "s10x_u11wos_24a" and release.assembled == "17 January 2013"
    nine_ten = parse_etc_release(sample("release/solaris10-0910-sparc"), source="etc/release")
    assert (nine_ten.update, nine_ten.oracle, nine_ten.assembled) == (9, True, "")


def test_first_release_and_its_hardware_releases_are_update_0() -> None:
    first = parse_etc_release(sample("release/solaris10-0305-sparc"), source="r")
    assert (first.update, first.build, first.hardware_release, first.release) == (0, "s10_74L2a", "", "3/05")
    hw2 = parse_etc_release(sample("release/solaris10-0305-hw2-sparc"), source="r")
    assert (hw2.update, hw2.build, hw2.hardware_release) == (0, "s10s_hw2wos_05", "HW2")
    hw1 = parse_etc_release("Solaris 10 3/05 HW1 s10x_wos_74L2a X86\n", source="r")
    assert (hw1.update, hw1.arch, hw1.hardware_release) == (0, "x86", "HW1")


@pytest.mark.parametrize(
    ("name", "version", "release", "arch"),
    [
        ("release/solaris11.4-sparc", "11.4", "", "sparc"),
        ("release/solaris11.3-x86", "11.3", "", "x86"),
        ("release/solaris11-1111-x86", "11", "11/11", "x86"),
    ],
)
def test_solaris_11_destinations(name: str, version: str, release: str, arch: str) -> None:
    parsed = parse_etc_release(sample(name), source="etc/release")
    assert (parsed.major, parsed.version, parsed.release, parsed.arch) == (11, version, release, arch)
    assert parsed.update is None and parsed.build == ""


def test_every_facter_build_string_reads() -> None:
    """The Solaris 10 lines of FCT, one per update and architecture."""
    builds = {
        "1/06": "u1wos_19a", "6/06": "u2wos_09a", "11/06": "u3wos_10", "8/07": "u4wos_12b",
        "5/08": "u5wos_10", "10/08": "u6wos_07b", "5/09": "u7wos_08", "10/09": "u8wos_08a",
        "9/10": "u9wos_14a", "8/11": "u10wos_17b",
    }  # fmt: skip
    for number, (name, build) in enumerate(builds.items(), start=1):
        for arch, letter in (("SPARC", "s"), ("X86", "x")):
            prefix = "Oracle " if number >= 9 else ""
            line = f"{prefix}Solaris 10 {name} s10{letter}_{build} {arch}"
            parsed = parse_etc_release(line, source="r")
            assert (parsed.update, parsed.release, parsed.arch) == (number, name, arch.lower()), line


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "the file is empty"),
        ("\n\n", "the file is empty"),
        ("Solaris 9 s9_58shwpl3 SPARC\n", "Solaris 10 and Solaris 11 hosts only"),
        ("OpenSolaris 2009.06 snv_111b X86\n", "Solaris 10 and Solaris 11 hosts only"),
        ("Solaris 10 10/09 s10s_u8wos_08a X86\n", "SPARC build but the line says X86"),
        ("Solaris 10 10/09 s10q_u8wos_08a SPARC\n", "expected a release line"),
        ("Red Hat Enterprise Linux release 8\n", "expected a release line"),
    ],
)
def test_release_errors_name_the_file_and_line(text: str, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_etc_release(text, source="etc/release")
    assert caught.value.source == "etc/release"
    assert fragment in caught.value.message
    if text.strip():
        assert caught.value.line == 1


def test_solaris_9_sample_is_refused() -> None:
    with pytest.raises(SolarisParseError, match="Solaris 10 and Solaris 11 hosts only"):
        parse_etc_release(sample("release/solaris9-sparc"), source="etc/release")


def test_cluster() -> None:
    assert parse_cluster(sample("release/CLUSTER-SUNWCXall"), source="CLUSTER") == "SUNWCXall"
    assert parse_cluster(sample("release/CLUSTER-SUNWCreq"), source="CLUSTER") == "SUNWCreq"
    assert parse_cluster("# note\nOTHER=x\nCLUSTER=SUNWCall\n", source="CLUSTER") == "SUNWCall"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", None, "no CLUSTER= line"),
        ("SUNWCXall\n", 1, "expected KEY=value"),
        ("CLUSTER=Entire\n", 1, "not a software group name"),
        ("CLUSTER=SUNWCXall; rm -rf /\n", 1, "not a software group name"),
    ],
)
def test_cluster_errors(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_cluster(text, source="var/sadm/system/admin/CLUSTER")
    assert (caught.value.source, caught.value.line) == ("var/sadm/system/admin/CLUSTER", line)
    assert fragment in caught.value.message
