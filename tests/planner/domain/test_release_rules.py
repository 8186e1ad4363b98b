"""Issue #12: release-aware planning, from collector bundles (real-format files) to report and plan files.

Every test reads a bundle the way an upload is read (planner.solaris.bundle), plans it against a
catalog or collected destination, and checks the findings, the report JSON, the runbook, the
JumpStart profile, sysidcfg and the generated scripts (shellcheck clean).
"""

from __future__ import annotations

import dataclasses
import json
import shlex
import subprocess
from pathlib import Path

import pytest

from planner.domain.catalog import Fact, catalog_destination, find_model
from planner.domain.findings import Finding, Severity
from planner.domain.install import install_facts
from planner.domain.options import PlanOptions, check_options
from planner.domain.plan import PlanResult, compute_plan
from planner.domain.release_rules import rule_release_too_old
from planner.domain.report import runbook_markdown
from planner.fleet import ZoneSpec, different_destination, identical_destination, seed_rows_host
from planner.solaris.bundle import read_bundle
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import HostInventory, ZoneFs
from tests.support.hostile import ShellSandbox
from tests.support.plans import (
    SAMPLES,
    bundle_files,
    complete_options,
    read,
    release_text,
    sample,
    shellcheck,
)

WEB01 = SAMPLES / "bundle-web01"  # a V240 at 10/09, SUNWCXall, root and swap on SVM mirrors


def web01() -> HostInventory:
    return read_bundle(WEB01)


ANY = "*"


def findings(result: PlanResult, code: str, zone: str | None = ANY) -> list[Finding]:
    """Findings of ``code``: of any zone or the host (ANY), of the host (None) or of one zone."""
    return [f for f in result.all_findings if f.code == code and (zone == ANY or f.zone == zone)]


def one(result: PlanResult, code: str, zone: str | None = ANY) -> Finding:
    found = findings(result, code, zone)
    assert len(found) == 1, f"expected one {code}, got {[f.code for f in result.all_findings]}"
    return found[0]


def flarcreate_words(result: PlanResult) -> list[str]:
    command = next(s.command for s in result.steps if s.command.startswith("flarcreate"))
    return shlex.split(command)


def check_arch(words: list[str], clone_machine: str) -> bool:
    """What the installer's checkArch() does with the archive's content_architectures [CAI]: a clone
    whose uname -m is not in the list is refused; with no keyword there is no check."""
    values = [words[i + 1] for i, w in enumerate(words) if w == "-U"]
    listed = [v.split("=", 1)[1].split(",") for v in values if v.startswith("content_architectures=")]
    return not listed or clone_machine in listed[0]


def assert_scripts_are_clean(result: PlanResult, tmp_path: Path) -> None:
    for which in ("finish_script", "pre_archive_script"):
        path = tmp_path / f"{which}.sh"
        path.write_text(getattr(result, which))
        done = shellcheck(path)
        assert done.returncode == 0, done.stdout
        syntax = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True, check=False)
        assert syntax.returncode == 0, syntax.stderr


# --- Done when: a sun4u V240 at 10/09 with SUNWCXall, planned onto a T5220 -----------------------


def test_v240_at_10_09_onto_a_t5220_passes_check_arch_and_names_10_09_media(tmp_path: Path) -> None:
    source = web01()
    assert source.release is not None and source.release.release == "10/09" and source.cluster == "SUNWCXall"
    result = compute_plan(source, catalog_destination("T5220", "dst01"))

    words = flarcreate_words(result)
    assert words[words.index("-U") + 1] == "content_architectures=sun4u,sun4v"
    assert check_arch(words, "sun4v") and check_arch(words, "sun4u")
    # Without the keyword the old command would pass checkArch too (no keyword, no check), so
    # prove the keyword is what the installer reads: a list without sun4v refuses the T5220.
    assert not check_arch(["-U", "content_architectures=sun4u"], "sun4v")
    assert f"make_archive /export/flar/web01.flar {shlex.join(words)}" in result.pre_archive_script

    media = one(result, "INSTALL_MEDIA")
    assert media.severity is Severity.INFO
    assert "Solaris 10 10/09 s10s_u8wos_08a" in media.message
    assert "The T5220 needs 8/07 or later [LDOM13]: 10/09 meets it." in media.message
    assert media.details["build"] == "s10s_u8wos_08a"
    md = runbook_markdown(result)
    assert "make the install image from the Solaris 10 10/09 s10s_u8wos_08a media" in md
    assert "/export/install/s10s_u8wos_08a" in md and "/export/install/s10\n" not in md
    assert (
        "# Boot Solaris 10 10/09 s10s_u8wos_08a media: the archive's own update." in result.jumpstart_profile
    )

    kernel = one(result, "KERNEL_ARCH_DIFFERS")
    assert kernel.severity is Severity.STEP
    assert "web01 was installed with SUNWCXall (Entire Plus OEM), so it qualifies." in kernel.message
    assert (
        "flar info -k content_architectures /export/flar/web01.flar must print sun4u,sun4v" in kernel.remedy
    )

    report = json.loads(json.dumps(result.to_report_dict()))
    assert report["install"]["media"] == "Solaris 10 10/09 s10s_u8wos_08a"
    assert report["install"]["content_architectures"] == ["sun4u", "sun4v"]
    assert report["install"]["archiver"] == "pax"
    assert report["source"]["release_text"] == "Solaris 10 10/09 s10s_u8wos_08a SPARC"
    assert report["source"]["cluster"] == "SUNWCXall"
    assert_scripts_are_clean(result, tmp_path)


def test_the_fleetgen_seed_host_at_10_09_onto_its_t5220(tmp_path: Path) -> None:
    host = seed_rows_host()
    host.release = "10/09"
    files = bundle_files(host)
    assert files["etc/release"].splitlines()[0].strip() == "Solaris 10 10/09 s10s_u8wos_08a SPARC"
    source = read(files)
    destination = read(bundle_files(different_destination()))
    result = compute_plan(source, destination, complete_options())
    words = flarcreate_words(result)
    assert check_arch(words, destination.uname.machine)
    assert "content_architectures=sun4u,sun4v" in words
    assert "Solaris 10 10/09 s10s_u8wos_08a" in one(result, "INSTALL_MEDIA").message
    assert_scripts_are_clean(result, tmp_path)


# --- the release ----------------------------------------------------------------------------------


def test_no_etc_release_assumes_the_worst_and_says_so(tmp_path: Path) -> None:
    files = bundle_files(seed_rows_host(), {"etc/release": None})
    source = read(files)
    assert source.release is None
    result = compute_plan(source, read(bundle_files(identical_destination())))
    unknown = one(result, "RELEASE_UNKNOWN")
    assert unknown.severity is Severity.STEP and unknown.resource == "release"
    assert "assume the worst" in unknown.message and "cat /etc/release" in unknown.remedy
    # The root mirror stays a blocker: the rebuild needs 10/08, and the update is unknown.
    root = one(result, "SVM_IN_USE", None)
    assert root.resource == "fs /" and "assumed older than 10/08" in root.message
    assert not findings(result, "SVM_MIRROR_REBUILD") and not findings(result, "INSTALL_MEDIA")
    # sysidcfg: only keywords every update knows.
    assert "nfs4_domain" not in result.sysidcfg and "auto_reg" not in result.sysidcfg
    settings = one(result, "PLAN_SETTINGS_INCOMPLETE")
    assert "install_image_dir" in settings.details["settings"]
    assert "REPLACE-ME-media-of-the-source-update" in runbook_markdown(result)
    assert_scripts_are_clean(result, tmp_path)


def test_a_source_older_than_the_platform_minimum_is_a_blocker_naming_both() -> None:
    host = seed_rows_host()
    host.release = "6/06"
    result = compute_plan(read(bundle_files(host)), catalog_destination("T5220", "dst01"))
    too_old = one(result, "RELEASE_TOO_OLD")
    assert too_old.severity is Severity.BLOCKER
    assert "installed from Solaris 10 6/06 (s10s_u2wos_09a)" in too_old.message
    assert "the T5220 needs 8/07 [LDOM13]" in too_old.message
    assert "luupgrade -u -n s10-8_07" in too_old.remedy
    assert result.verdict.value == "blocked"
    # 6/06 media: neither nfs4_domain (8/07) nor auto_reg (9/10).
    assert "nfs4_domain" not in result.sysidcfg and "auto_reg" not in result.sysidcfg


def test_an_unconfirmed_minimum_never_blocks() -> None:
    source = read(bundle_files(seed_rows_host(), {"etc/release": release_text("6/06")}))
    destination = catalog_destination("T5220", "dst01")
    facts = install_facts(source, destination, PlanOptions())
    assert facts.destination_model is not None
    facts.destination_model = dataclasses.replace(facts.destination_model, min_s10=Fact("8/07"))
    (finding,) = rule_release_too_old(source, destination, facts)
    assert finding.severity is Severity.INFO and "unconfirmed" in finding.message


def test_a_destination_with_no_native_solaris_10() -> None:
    result = compute_plan(read(bundle_files(seed_rows_host())), catalog_destination("T7-1", "dst01"))
    finding = one(result, "DEST_NO_NATIVE_S10")
    assert finding.severity is Severity.BLOCKER
    assert "The T7-1 cannot boot Solaris 10 itself" in finding.message
    assert "LDom guest domain" in finding.remedy and "ldm add-domain s10guest" in finding.remedy
    assert "solaris10 branded zones" in finding.remedy and "zoneadm -z" in finding.remedy
    assert "142909-17" in finding.remedy  # the P2V kernel level, judged from uname -v


@pytest.mark.parametrize(
    ("update", "nfs4", "auto_reg"),
    [
        ("6/06", False, False),
        ("8/07", True, False),
        ("5/09", True, False),
        ("9/10", True, True),
        ("1/13", True, True),
    ],
)
def test_sysidcfg_has_only_the_keywords_the_media_knows(update: str, nfs4: bool, auto_reg: bool) -> None:
    source = read(bundle_files(seed_rows_host(), {"etc/release": release_text(update)}))
    result = compute_plan(source, read(bundle_files(identical_destination())), complete_options())
    lines = result.sysidcfg.splitlines()
    assert ("nfs4_domain=dynamic" in lines) is nfs4
    assert ("auto_reg=disable" in lines) is auto_reg
    assert f"root_password={complete_options().root_password_hash}" in lines
    assert any(line.startswith("network_interface=") and "ip_address=192.168.10.50" in line for line in lines)


# --- KERNEL_ARCH_DIFFERS and the software group ------------------------------------------------------


def test_a_smaller_software_group_is_told_how_to_become_an_entire_plus_oem_master() -> None:
    files = bundle_files(
        seed_rows_host(), {"var/sadm/system/admin/CLUSTER": sample("release/CLUSTER-SUNWCreq")}
    )
    result = compute_plan(read(files), catalog_destination("T5220", "dst01"))
    finding = one(result, "KERNEL_ARCH_DIFFERS")
    assert (
        "installed with SUNWCreq (Core), not SUNWCXall: the master must be Entire Plus OEM (SUNWCXall)"
        in (finding.message)
    )
    assert "cluster SUNWCXall" in finding.remedy
    assert "pkgadd -d /cdrom/cdrom0/Solaris_10/Product SUNWcakr.v SUNWcar.v SUNWkvm.v" in finding.remedy


# --- large files ------------------------------------------------------------------------------------


def test_files_over_4_gib_are_listed_and_get_pax(tmp_path: Path) -> None:
    files = bundle_files(seed_rows_host(), {"large-files": sample("largefiles/large-files")})
    result = compute_plan(read(files), read(bundle_files(identical_destination())), complete_options())
    finding = one(result, "LARGE_FILES")
    assert finding.severity is Severity.STEP
    assert "/u01/oradata/PROD/users01.dbf (10.0 GiB)" in finding.message
    assert "/zones/app01/root/var/tmp/core dump.old" in finding.message
    assert len(finding.details["files"]) == 3
    words = flarcreate_words(result)
    assert words[words.index("-L") + 1] == "pax"
    assert "-U" not in words  # same kernel architecture
    # Files in the archive directory or an excluded path are not archived, so they do not count.
    options = complete_options(excluded_paths=["/export/iso", "/u01"])
    fewer = compute_plan(read(files), read(bundle_files(identical_destination())), options)
    assert [f["path"] for f in one(fewer, "LARGE_FILES").details["files"]] == [
        "/zones/app01/root/var/tmp/core dump.old"
    ]
    none = compute_plan(read(bundle_files(seed_rows_host())), read(bundle_files(identical_destination())))
    assert not findings(none, "LARGE_FILES") and "-L" not in flarcreate_words(none)
    assert_scripts_are_clean(result, tmp_path)


# --- ZFS ----------------------------------------------------------------------------------------------

ZFS_ROOT_DF = """Filesystem            kbytes    used   avail capacity  Mounted on
rpool/ROOT/s10s_u9wos_14a 100352000 21075968 100352000    18%    /
/devices                   0       0       0     0%    /devices
swap                 4194304    1208 4193096     1%    /tmp
rpool/export         100352000 1069547 100352000     2%    /export
rpool/zones          100352000 5295308 100352000     6%    /zones
rpool/zones/app01    100352000 5295308 100352000     6%    /zones/app01
"""


def _zfs_root_source(machine_release: str = "9/10") -> dict[str, str]:
    host = seed_rows_host()
    host.zones = [ZoneSpec("app01", zonepath="/zones/app01")]
    return bundle_files(
        host,
        {
            "etc/release": release_text(machine_release),
            "df-k": ZFS_ROOT_DF,
            "etc/vfstab": "fd\t-\t/dev/fd\tfd\t-\tno\t-\n/proc\t-\t/proc\tproc\t-\tno\t-\n",
            "metastat-p": None,
            "zpool-list": sample("zfs/zpool-list-alloc-free"),
            "zfs-list": sample("zfs/zfs-list"),
        },
    )


def test_a_zfs_root_gets_a_pool_profile_and_no_exclusions(tmp_path: Path) -> None:
    source = read(_zfs_root_source())
    result = compute_plan(source, read(bundle_files(identical_destination())), complete_options())
    finding = one(result, "ROOT_ON_ZFS")
    assert finding.severity is Severity.STEP
    assert "rpool/ROOT/s10s_u9wos_14a, pool rpool" in finding.message
    assert "no hybrid UFS/ZFS" in finding.message and "-D" in finding.message
    words = flarcreate_words(result)
    assert "-x" not in words and "-D" not in words  # a ZFS-root archive takes no file exclusions [ZFS]
    assert "/export/flar cannot be left out of a ZFS-root archive (no -x)" in finding.remedy
    own = compute_plan(
        source, read(bundle_files(identical_destination())), complete_options(archive_dir="/export")
    )
    own_words = flarcreate_words(own)
    assert own_words[own_words.index("-D") + 1] == "rpool/export"  # a dataset of its own: -D leaves it out
    profile = result.jumpstart_profile.splitlines()
    pools = [line for line in profile if line.startswith("pool")]
    assert pools == ["pool             rpool auto auto auto c1t0d0s0"]
    assert not [line for line in profile if line.startswith("filesys")]
    # The zone's zonepath is a dataset of the root pool: the archive carries it (zone handling U).
    zone = one(result, "ZONEPATH_ON_ZFS", "app01")
    assert "root pool" in zone.message and "unconfirmed" in zone.message
    assert_scripts_are_clean(result, tmp_path)


def test_a_zfs_root_to_another_kernel_architecture_or_before_10_09_is_a_blocker() -> None:
    sun4v = compute_plan(read(_zfs_root_source()), catalog_destination("T5220", "dst01"))
    assert one(sun4v, "ROOT_ON_ZFS").severity is Severity.BLOCKER
    assert one(sun4v, "KERNEL_ARCH_DIFFERS").severity is Severity.BLOCKER
    early = compute_plan(read(_zfs_root_source("10/08")), read(bundle_files(identical_destination())))
    finding = one(early, "ROOT_ON_ZFS")
    assert finding.severity is Severity.BLOCKER and "10/08 is older than 10/09" in finding.message


def test_zone_zfs_datasets_fs_and_zonepath(tmp_path: Path) -> None:
    host = seed_rows_host()
    host.zones = [
        ZoneSpec(
            "app01",
            zonepath="/zones/app01",
            autoboot=True,
            datasets=["localpool/apps-ora"],
            fs=[ZoneFs(dir="/scratch", special="localpool/scratch", type="zfs")],
        )
    ]
    zfs_list = (
        "zones\tfilesystem\t5.05G\t95.7G\t/zones\nzones/app01\tfilesystem\t5.05G\t95.7G\t/zones/app01\n"
    )
    files = bundle_files(
        host,
        {
            "zpool-list": "NAME  SIZE  ALLOC  FREE  CAP  HEALTH  ALTROOT\n"
            "zones  136G  5.05G  131G  3%  ONLINE  -\nlocalpool  102G  65.9G  36.1G  64%  ONLINE  -\n",
            "zfs-list": zfs_list
            + sample("zfs/zfs-list").split("rpool/zones/app01@pre-flar")[1].split("\n", 1)[1],
        },
    )
    result = compute_plan(read(files), read(bundle_files(identical_destination())), complete_options())
    zonepath = one(result, "ZONEPATH_ON_ZFS", "app01")
    assert zonepath.severity is Severity.STEP and "zones/app01" in zonepath.message
    assert (
        "flar info -l /export/flar/src-seed-01.flar | grep '^zones/app01/root/etc/passwd$'" in zonepath.remedy
    )
    dataset = one(result, "ZFS_DATASET", "app01")
    assert dataset.severity is Severity.STEP and dataset.resource == "dataset localpool/apps-ora"
    assert "zpool create localpool <a disk or slice of at least 102.0 GiB>" in dataset.remedy
    assert "zfs send localpool/apps-ora@zflar | ssh root@dst-same-01 zfs receive localpool/apps-ora" in (
        dataset.remedy
    )
    fs = one(result, "FS_ZFS", "app01")
    assert fs.resource == "fs /scratch" and "zfs receive localpool/scratch" in fs.remedy
    # The finish script leaves the zone halted until the datasets are there, and says so.
    assert "zoneadm -z app01 boot" not in result.finish_script
    assert (
        "zone app01: waits for its ZFS datasets (localpool/apps-ora, localpool/scratch)"
        in result.finish_script
    )
    autoboot = one(result, "AUTOBOOT_FIRST_BOOT", "app01")
    assert "ZFS dataset localpool/apps-ora to receive" in autoboot.message
    verify = next(s for s in result.steps if s.command == "zoneadm list -cp")
    assert "-:app01:installed:/zones/app01:*:native:shared" in verify.expected
    assert_scripts_are_clean(result, tmp_path)


# --- SVM ------------------------------------------------------------------------------------------------


def test_global_zone_mirrors_at_10_09_are_rebuilt_by_the_profile(tmp_path: Path) -> None:
    result = compute_plan(web01(), read(bundle_files(identical_destination())), complete_options())
    assert {f.resource for f in findings(result, "SVM_MIRROR_REBUILD")} == {"fs /", "swap"}
    profile = result.jumpstart_profile.splitlines()
    mirrors = [line.split() for line in profile if line.startswith("filesys") and "mirror" in line]
    assert [m[1] for m in mirrors] == ["mirror:d10", "mirror:d1"]
    assert mirrors[0][-1] == "/" and mirrors[1][-1] == "swap"
    assert {m[2][:-2] for m in mirrors} != {m[3][:-2] for m in mirrors}  # the halves are on two disks
    metadbs = [line.split() for line in profile if line.startswith("metadb")]
    assert len(metadbs) == 2 and all(m[2:] == ["size", "8192", "count", "3"] for m in metadbs)
    # /u01 on a soft partition stays a blocker (the seed's row), so does the zone's /u01.
    assert one(result, "SVM_IN_USE", None).resource == "fs /u01"
    assert one(result, "SVM_IN_USE", "db01").severity is Severity.BLOCKER
    assert_scripts_are_clean(result, tmp_path)


def test_the_mirror_findings_name_the_profile_lines() -> None:
    result = compute_plan(web01(), read(bundle_files(identical_destination())), complete_options())
    rebuilt = {f.resource: f for f in findings(result, "SVM_MIRROR_REBUILD")}
    assert set(rebuilt) == {"fs /", "swap"}
    root = rebuilt["fs /"]
    assert root.severity is Severity.STEP and "web01 is 10/09" in root.message
    assert root.details["source_slices"] == ["c0t0d0s0", "c0t1d0s0"]
    assert root.details["profile"].startswith("filesys mirror:d10 ")
    assert root.details["profile"].split("; ")[0].split()[2:4] == root.details["destination_slices"]


def test_a_root_mirror_before_10_08_stays_a_blocker() -> None:
    files = {p.relative_to(WEB01).as_posix(): p.read_text() for p in WEB01.rglob("*") if p.is_file()}
    files["etc/release"] = release_text("5/08")
    result = compute_plan(read(files), read(bundle_files(identical_destination())))
    root = next(f for f in findings(result, "SVM_IN_USE", None) if f.resource == "fs /")
    assert root.severity is Severity.BLOCKER and "5/08 is older than 10/08" in root.message
    assert not findings(result, "SVM_MIRROR_REBUILD")
    assert "mirror" not in result.jumpstart_profile and "metadb" not in result.jumpstart_profile


def test_a_root_on_svm_that_only_df_shows_is_found() -> None:
    """Item 10: /dev/md/dsk/d10 on / in df -k, and no vfstab in the bundle."""
    files = {p.relative_to(WEB01).as_posix(): p.read_text() for p in WEB01.rglob("*") if p.is_file()}
    del files["etc/vfstab"]
    files["metastat-p"] = "d10 -m d11 1\nd11 1 1 c0t0d0s0\nd100 -p c1t0d0s7 -o 1 -b 2097152 \n"
    result = compute_plan(read(files), read(bundle_files(identical_destination())))
    root = next(f for f in result.host_findings if f.resource == "fs /" and f.code.startswith("SVM"))
    assert root.code == "SVM_MIRROR_REBUILD"
    assert "shows only in df -k" in root.message
    files["etc/release"] = release_text("1/06")
    older = compute_plan(read(files), read(bundle_files(identical_destination())))
    blocker = next(f for f in older.host_findings if f.resource == "fs /" and f.code == "SVM_IN_USE")
    assert "shows only in df -k" in blocker.message and blocker.severity is Severity.BLOCKER


# --- notices: Oracle's caution and the plan settings ---------------------------------------------------


def test_oracle_caution_and_the_rollback() -> None:
    result = compute_plan(web01(), read(bundle_files(identical_destination())))
    caution = one(result, "SUPPORT_CAUTION")
    assert caution.severity is Severity.INFO
    assert "may not install properly" in caution.message and "FL113zh" in caution.message
    assert "Keep web01 intact as the rollback" in caution.remedy


def test_placeholders_left_in_the_settings_are_listed() -> None:
    source, destination = web01(), read(bundle_files(identical_destination()))
    result = compute_plan(source, destination)
    finding = one(result, "PLAN_SETTINGS_INCOMPLETE")
    assert finding.severity is Severity.STEP
    assert finding.details["settings"] == ["archive_location", "jumpstart_server", "root_password_hash"]
    assert "nawk -F: '$1 == \"root\" { print $2 }' /etc/shadow" in finding.remedy
    assert not findings(compute_plan(source, destination, complete_options()), "PLAN_SETTINGS_INCOMPLETE")
    catalog = compute_plan(source, catalog_destination("T5220", "dst01"))
    assert "ip_address" in one(catalog, "PLAN_SETTINGS_INCOMPLETE").details["settings"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"archive_location": "ftp://srv/a.flar"}, "ftp:// is not a retrieval the planner writes"),
        ({"archive_location": "archive.flar"}, "archive_location 'archive.flar' cannot be used: use nfs://"),
        ({"archive_location": "nfs://flar01/export/flar/"}, "is not a file path"),
        ({"archive_location": "http://web 01/a.flar"}, "archive_location"),
        ({"ip_address": "10.0.0.300"}, "an IPv4 address in dotted form is needed"),
        ({"default_route": "router"}, "default_route 'router' cannot be used"),
        ({"timezone": "Europe/London; reboot"}, "timezone"),
        ({"name_service": "NIS"}, "configure NIS, NIS+ or LDAP after the install"),
        ({"name_service": "DNS"}, "DNS needs a domain name"),
        ({"root_password_hash": "short"}, "root_password_hash cannot be used: not the root field"),
        ({"root_headroom_pct": -5}, "a whole number from 0 to 500"),
        ({"jumpstart_server": "js 01"}, "jumpstart_server"),
    ],
)
def test_unusable_settings_get_a_clear_error(change: dict[str, object], message: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        check_options(complete_options(**change), hostname="web01")
    assert message in str(caught.value)
    assert "plan options" in str(caught.value)


def test_settings_reach_the_files() -> None:
    options = complete_options(
        archive_location="http://web01.example.com:8080/flar/{hostname}.flar",
        name_service="DNS",
        dns_domain="example.com",
        dns_servers=["192.168.10.2", "192.168.10.3"],
        timezone="Europe/London",
        system_locale="en_GB.ISO8859-1",
        default_route="192.168.10.1",
        install_image_dir="/export/install/s10u8",
    )
    result = compute_plan(web01(), read(bundle_files(identical_destination())), options)
    assert "archive_location http://web01.example.com:8080/flar/web01.flar" in result.jumpstart_profile
    lines = result.sysidcfg.splitlines()
    assert (
        "name_service=DNS {domain_name=example.com name_server=192.168.10.2,192.168.10.3 search=example.com}"
        in (lines)
    )
    assert "timezone=Europe/London" in lines and "system_locale=en_GB.ISO8859-1" in lines
    assert any("default_route=192.168.10.1}" in line for line in lines)
    assert "cd /export/install/s10u8/Solaris_10/Tools && ./add_install_client" in runbook_markdown(result)
    # An http location is published, not NFS-shared.
    assert "share -F nfs -o ro,anon=0 /export/flar" not in runbook_markdown(result)


# --- ZONEPATH_ON_NFS: a new local path that the layout plans -------------------------------------------


def test_a_zonepath_on_nfs_moves_to_a_new_local_path_the_layout_plans() -> None:
    result = compute_plan(read(bundle_files(seed_rows_host())), read(bundle_files(identical_destination())))
    finding = one(result, "ZONEPATH_ON_NFS", "z-nfs-zonepath")
    assert finding.details["zonepath"] == "/nfszones/z-nfs-zonepath"
    assert finding.details["new_zonepath"] == "/zones/z-nfs-zonepath"
    assert "zoneadm -z z-nfs-zonepath move /zones/z-nfs-zonepath" in finding.remedy
    assert "move /nfszones" not in finding.remedy
    assert result.layout.relocations == {"z-nfs-zonepath": "/zones/z-nfs-zonepath"}
    # The zones of the seed host sit on /, so / gets room for the moved zone.
    root = next(p for p in result.layout.planned if p.key == "root")
    assert "moved off NFS to /zones/z-nfs-zonepath" in root.basis
    assert result.to_report_dict()["layout"]["relocations"] == {"z-nfs-zonepath": "/zones/z-nfs-zonepath"}


# --- JumpStart details (item 8) ----------------------------------------------------------------------------


def test_filesys_lines_go_parents_first() -> None:
    result = compute_plan(web01(), read(bundle_files(identical_destination())), complete_options())
    mounts = [
        line.split()[-1] for line in result.jumpstart_profile.splitlines() if line.startswith("filesys")
    ]
    assert mounts.index("/zones") < mounts.index("/zones/web01/root/data")
    assert mounts.index("/zones") < mounts.index("/zones/db01/root/u01")
    assert mounts[:2] == ["/", "swap"]
    for i, mount in enumerate(mounts):
        parents = [m for m in mounts if m != mount and mount.startswith(m.rstrip("/") + "/")]
        assert all(mounts.index(p) < i for p in parents), mounts


def test_the_rule_goes_before_the_catch_all_and_check_runs(tmp_path: Path) -> None:
    result = compute_plan(web01(), read(bundle_files(identical_destination())), complete_options())
    js = tmp_path / "js"
    js.mkdir()
    (js / "rules").write_text(
        "# rules\nhostname dst-same-01 - old.profile old.finish\n"
        "karch sun4v - t.profile -\nany - - generic -\n"
    )
    (js / "check").write_text('#!/bin/sh\necho "check $*" >>"$CALLS"\n')
    (js / "check").chmod(0o755)
    step = next(s for s in result.steps if "nawk" in s.command)
    command = step.command.replace("cd /jumpstart", f"cd {shlex.quote(str(js))}")
    box = ShellSandbox(tmp_path / "box")
    done = box.run(command)
    assert done.returncode == 0, done.stderr
    assert (js / "rules").read_text().splitlines() == [
        "# rules",
        "karch sun4v - t.profile -",
        "hostname dst-same-01 - dst-same-01.profile zflar-postflash-dst-same-01.sh",
        "any - - generic -",
    ]
    assert box.calls_made() == ["check "]
    # Run again: still one rule for the host.
    assert box.run(command).returncode == 0
    assert (js / "rules").read_text().count("hostname dst-same-01") == 1


def test_profile_and_finish_script_sit_at_the_top_and_the_directories_are_shared() -> None:
    result = compute_plan(web01(), read(bundle_files(identical_destination())), complete_options())
    md = runbook_markdown(result)
    assert "cp dst-same-01.profile /jumpstart/dst-same-01.profile" in md
    assert "cp zflar-postflash.sh /jumpstart/zflar-postflash-dst-same-01.sh" in md
    assert "share -F nfs -o ro,anon=0 /jumpstart" in md
    assert "On flar01: share the archive directory read-only" in md
    assert "share -F nfs -o ro,anon=0 /export/flar" in md
    assert "cp /export/flar/web01.flar /net/flar01/export/flar/web01.flar" in md


def test_the_finish_script_copies_itself_from_si_config_dir(tmp_path: Path) -> None:
    result = compute_plan(web01(), read(bundle_files(identical_destination())), complete_options())
    assert '"$0"' not in result.finish_script
    js = tmp_path / "jumpstart"
    js.mkdir()
    (js / "zflar-postflash-dst-same-01.sh").write_text(result.finish_script)
    target = tmp_path / "a"
    (target / "etc").mkdir(parents=True)
    box = ShellSandbox(tmp_path / "box")
    done = box.run(result.finish_script)  # run from elsewhere: "$0" is not the JumpStart copy
    assert done.returncode == 0  # not under JumpStart: the normal run
    box.calls.unlink(missing_ok=True)
    under_js = subprocess.run(
        ["dash", "-c", result.finish_script],
        env={"PATH": "/usr/bin:/bin", "SI_CONFIG_DIR": str(js), "ZFLAR_INSTALL_ROOT": str(target)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert under_js.returncode == 0, under_js.stderr
    installed = target / "etc" / "rc3.d" / "S99zflar-postflash"
    assert installed.read_text() == result.finish_script
    (js / "zflar-postflash-dst-same-01.sh").unlink()
    missing = subprocess.run(
        ["dash", "-c", result.finish_script],
        env={"PATH": "/usr/bin:/bin", "SI_CONFIG_DIR": str(js), "ZFLAR_INSTALL_ROOT": str(target)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        missing.returncode == 1 and "put this script at the top of the JumpStart directory" in missing.stderr
    )


def test_catalog_models_find_their_minimum_by_prtdiag() -> None:
    destination = read(bundle_files(different_destination()))  # a collected T5220
    facts = install_facts(web01(), destination, PlanOptions())
    assert facts.destination_model == find_model("T5220")


def test_every_finding_code_is_documented() -> None:
    from planner.domain.findings import Code

    doc = (Path(__file__).resolve().parents[3] / "docs" / "findings.md").read_text(encoding="utf-8")
    missing = [c.value for c in Code if f"`{c.value}`" not in doc and f"### {c.value}" not in doc]
    assert missing == []


def test_a_plan_saved_with_the_old_generic_image_gets_the_exact_one() -> None:
    old = complete_options(install_image_dir="/export/install/s10")  # PlanOptions' default before #12
    result = compute_plan(web01(), read(bundle_files(identical_destination())), old)
    md = runbook_markdown(result)
    assert "cd /export/install/s10s_u8wos_08a/Solaris_10/Tools && ./add_install_client" in md
