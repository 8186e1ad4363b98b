"""Property tests: whatever text a parser is fed, the only exception it may raise is SolarisParseError.

ZFLAR_FUZZ_EXAMPLES is the budget per parser (CI sets 10000; the default keeps `pytest` quick):
each parser gets half of it as random text and half as mutations of real samples, and the
bundle reader gets all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.solaris.bundle import read_bundle_files, read_hardware_spec, read_zonecfg_only
from planner.solaris.disks import parse_df_k, parse_iostat_en, parse_prtvtoc
from planner.solaris.errors import SolarisParseError
from planner.solaris.largefiles import parse_large_files
from planner.solaris.metastat import parse_metastat
from planner.solaris.network import parse_dladm_show_dev, parse_dladm_show_link, parse_ifconfig
from planner.solaris.release import parse_cluster, parse_etc_release
from planner.solaris.solaris11 import parse_dladm_show_phys, parse_pkg_list_brand
from planner.solaris.system import parse_hostname, parse_prtdiag, parse_uname
from planner.solaris.vfstab import parse_vfstab
from planner.solaris.zfs import parse_zfs_list, parse_zpool_list
from planner.solaris.zoneadm import parse_zone_index, parse_zoneadm_list
from planner.solaris.zonecfg import parse_zonecfg, parse_zonecfg_export, parse_zonecfg_info
from planner.solaris.zonexml import parse_zone_xml
from tests.support.fuzz import FUZZ_EXAMPLES
from tests.support.samples import SAMPLES, sample

pytestmark = pytest.mark.fuzz

EXAMPLES = FUZZ_EXAMPLES
_HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=_HEALTH)
# Two tests share each parser's budget; ceil so an odd budget is never under-spent.
FUZZ_HALF = settings(max_examples=-(-EXAMPLES // 2), deadline=None, suppress_health_check=_HEALTH)


@dataclass(frozen=True)
class Case:
    name: str
    parse: Callable[[str], Any]
    samples: tuple[str, ...]
    # Words that steer random text into the parser's deeper paths.
    vocabulary: tuple[str, ...]


ZONECFG_WORDS = (
    "create", "-b", "-t", "-a", "-F", "add", "set", "end", "remove", "select", "clear", "cancel", "delete",
    "fs", "net", "rctl", "attr", "dataset", "device", "inherit-pkg-dir", "capped-cpu", "capped-memory",
    "dedicated-cpu", "admin", "dir", "special", "type", "options", "physical", "address", "name", "value",
    "match", "ncpus", "importance", "swap", "locked", "zonepath", "autoboot", "ip-type", "max-lwps",
    "cpu-shares", "max-swap", "priv", "limit", "action", "privileged", "deny", "true", "exclusive", "1.5",
    "2G", "1-4", "=", "[", "]", "(", ")", ",", ";", '"', "#", ":", "\t", "zonename:", "[ncpus: 1]",
)  # fmt: skip
XML_WORDS = (
    "<zone", "</zone>", ">", "/>", 'name="z"', 'zonepath="/z"', 'autoboot="true"', "<rctl", "<rctl-value",
    "<pset", 'ncpu_min="1"', 'ncpu_max="x"', "<mcap", 'physcap="9"', "<!DOCTYPE zone [", "<!ENTITY a 'b'>",
    "&a;", "&#0;", "<?xml version='1.0'?>", "<!--", "-->", "<![CDATA[", "]]>",
)  # fmt: skip
TABLE_WORDS = (
    ":", "-", "\\:", '"', "global", "running", "installed", "configured", "native", "shared", "excl",
    "/zones/a", "0", "12", "ufs", "nfs", "yes", "no", "#", "\t",
)  # fmt: skip
SVM_WORDS = (
    "d10", "d11", "-m", "-p", "-r", "-t", "-e", "-o", "-b", "-i", "-h", "-g", "-S", "-k", "-c", "hsp001",
    "mddb01", "c0t0d0s0", "/dev/md/rdsk/d1", "blue/d2", "1", "2", "32b", "9g", "\\\n", "metastat:", "#",
)  # fmt: skip
NET_WORDS = (
    "bge0", "e1000g1", "aggr1", "link:", "speed:", "duplex:", "type:", "mtu:", "device:", "aggregation:",
    "link=", "up", "1000", "Mbps", "vlan", "key", "flags=1000843<UP,IPv4>", "mtu", "index", "inet", "inet6",
    "netmask", "ffffff00", "zone", "ether", "lo0:1:", "        ",
)  # fmt: skip
DISK_WORDS = (
    "c0t0d0", "Soft Errors: 0", "Hard Errors: 0", "Transport Errors: 0", "Vendor:", "Product:", "Model:",
    "Serial No:", "Size: 1GB <", "bytes>", "CD-ROM", "DVD", "Size: 17.18GB <17179803648 bytes>",
    "*", "/dev/rdsk/c0t0d0s2", "partition map", "bytes/sector",
    "accessible cylinders", "00", "Filesystem", "kbytes", "used", "45%", "/", "host:/x",
)  # fmt: skip
SYSTEM_WORDS = (
    "SunOS", "web01", "5.10", "sun4u", "sparc", "System Configuration:", "Sun Microsystems", "sun4v",
    "System clock frequency:", "MHZ", "Memory size:", "8GB", "Megabytes", "1.5", "SUN MICROSYSTEMS",
)  # fmt: skip
RELEASE_WORDS = (
    "Oracle", "Solaris", "10", "11", "11.4", "10/09", "3/05", "HW2", "s10s_u8wos_08a", "s10x_u11wos_24a",
    "s10_74L2a", "s10s_hw2wos_05", "SPARC", "X86", "Assembled", "CLUSTER=", "SUNWCXall", "=", "#",
)  # fmt: skip
ZFS_WORDS = (
    "NAME", "SIZE", "ALLOC", "FREE", "USED", "AVAIL", "CAP", "DEDUP", "HEALTH", "ALTROOT", "ONLINE", "-",
    "1.00x", "45%", "278G", "8.37G", "0", "512K", "\t", "rpool/ROOT/s10", "@snap", "filesystem", "volume",
    "snapshot", "legacy", "none", "/export", "no pools available",
)  # fmt: skip
LS_WORDS = (
    "-rw-r--r--", "-rw-r-----+", "drwxr-xr-x", "1", "root", "dba", "5368709120", "Jan", "12", "10:22",
    "2011", "/u01/a b.dbf", "find:", "  ",
)  # fmt: skip
S11_WORDS = (
    "LINK", "MEDIA", "STATE", "SPEED", "DUPLEX", "DEVICE", "net0", "Ethernet", "up", "?", "10000", "full",
    "ixgbe0", "NAME (PUBLISHER)", "VERSION", "IFO", "i--", "system/zones/brand/brand-solaris10",
    "pkg list: no packages matching", "(solaris)", "installed", "STATE", "UFOXI",
)  # fmt: skip
SPEC_WORDS = (
    "{", "}", "[", "]", ",", ":", '"hostname"', '"nics"', '"disks"', '"devices"', '"name"', '"size_gb"',
    '"speed_mbps"', '"link"', '"up"', '"x"', "1e999", "-1", "NaN", "null", "true", "146",
)  # fmt: skip

CASES = [
    Case(
        "zonecfg export",
        partial(parse_zonecfg_export, source="z.cfg", zonename="z"),
        ("zonecfg/web01-s10.export", "zonecfg/db01-illumos.export", "zonecfg/app01-commands.cfg"),
        ZONECFG_WORDS,
    ),
    Case(
        "zonecfg info",
        partial(parse_zonecfg_info, source="z.info"),
        ("zonecfg/web01.info", "zonecfg/dummy.info"),
        ZONECFG_WORDS,
    ),
    Case("zonecfg either", partial(parse_zonecfg, source="z"), ("zonecfg/web01.info",), ZONECFG_WORDS),
    Case(
        "zonecfg only",
        partial(read_zonecfg_only, source="z.cfg", zonename="z"),
        ("zonecfg/web01-s10.export",),
        ZONECFG_WORDS,
    ),
    Case(
        "zone xml",
        partial(parse_zone_xml, source="z.xml"),
        ("zonexml/web01.xml", "zonexml/db01.xml", "zonexml/SUNWdefault.xml"),
        XML_WORDS,
    ),
    Case(
        "zoneadm list",
        partial(parse_zoneadm_list, source="l"),
        ("zoneadm/zoneadm-list-cvp", "zoneadm/zoneadm-list-odd", "zoneadm/zoneadm-list-cv"),
        TABLE_WORDS,
    ),
    Case("zone index", partial(parse_zone_index, source="i"), ("zoneadm/index",), TABLE_WORDS),
    Case("vfstab", partial(parse_vfstab, source="v"), ("fs/vfstab-global", "fs/vfstab-web01"), TABLE_WORDS),
    Case("metastat", partial(parse_metastat, source="m"), ("svm/metastat-p", "svm/md.tab"), SVM_WORDS),
    Case(
        "dladm show-dev",
        partial(parse_dladm_show_dev, source="d"),
        ("net/dladm-show-dev", "net/dladm-show-dev-p"),
        NET_WORDS,
    ),
    Case("dladm show-link", partial(parse_dladm_show_link, source="d"), ("net/dladm-show-link",), NET_WORDS),
    Case("ifconfig", partial(parse_ifconfig, source="i"), ("net/ifconfig-a",), NET_WORDS),
    Case(
        "iostat",
        partial(parse_iostat_en, source="i"),
        ("disks/iostat-En", "disks/iostat-En-ata-cdrom"),
        DISK_WORDS,
    ),
    Case(
        "prtvtoc",
        partial(parse_prtvtoc, source="p"),
        ("disks/prtvtoc-c0t0d0", "disks/prtvtoc-c1t0d0-efi"),
        DISK_WORDS,
    ),
    Case("df", partial(parse_df_k, source="d"), ("fs/df-k",), DISK_WORDS),
    Case(
        "uname", partial(parse_uname, source="u"), ("system/uname-a-v240", "system/uname-a-x86"), SYSTEM_WORDS
    ),
    Case(
        "prtdiag",
        partial(parse_prtdiag, source="p"),
        (
            "system/prtdiag-v240",
            "system/prtdiag-t5220",
            "system/prtdiag-x4100",
            "system/prtdiag-x2250",
            "system/prtdiag-m4000",
        ),
        SYSTEM_WORDS,
    ),
    Case("hostname", partial(parse_hostname, source="h"), ("system/uname-a-v240",), SYSTEM_WORDS),
    Case(
        "etc release",
        partial(parse_etc_release, source="etc/release"),
        (
            "release/solaris10-1009-sparc",
            "release/solaris10-0113-x86",
            "release/solaris10-0305-hw2-sparc",
            "release/solaris11.4-sparc",
            "release/solaris11-1111-x86",
        ),
        RELEASE_WORDS,
    ),
    Case("cluster", partial(parse_cluster, source="CLUSTER"), ("release/CLUSTER-SUNWCXall",), RELEASE_WORDS),
    Case(
        "zpool list",
        partial(parse_zpool_list, source="zpool-list"),
        ("zfs/zpool-list-used-avail", "zfs/zpool-list-alloc-free", "zfs/zpool-list-s11"),
        ZFS_WORDS,
    ),
    Case("zfs list", partial(parse_zfs_list, source="zfs-list"), ("zfs/zfs-list",), ZFS_WORDS),
    Case(
        "large files",
        partial(parse_large_files, source="large-files"),
        ("largefiles/large-files", "largefiles/large-files-gnu"),
        LS_WORDS,
    ),
    Case(
        "dladm show-phys",
        partial(parse_dladm_show_phys, source="dladm-show-phys"),
        ("s11/dladm-show-phys", "s11/dladm-show-phys-vbox"),
        S11_WORDS,
    ),
    Case(
        "pkg list brand",
        partial(parse_pkg_list_brand, source="pkg-list-brand-solaris10"),
        ("s11/pkg-list-brand-installed", "s11/pkg-list-brand-missing"),
        S11_WORDS,
    ),
    Case("hardware spec", partial(read_hardware_spec, source="s.json"), (), SPEC_WORDS),
]
SPEC_SAMPLE = (
    '{"hostname": "n", "model": "Sun Fire V240", "memory_mb": 8192, "nics": [{"name": "bge0", '
    '"speed_mbps": 1000, "link": "up"}], "disks": [{"name": "c1t0d0", "size_gb": 146}], '
    '"devices": ["/dev/rmt/0"]}'
)


def sample_texts(case: Case) -> list[str]:
    return [sample(name) for name in case.samples] or [SPEC_SAMPLE]


def words_text(vocabulary: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Random sequences of the format's own words, separators and junk."""
    pieces = st.one_of(st.sampled_from(vocabulary), st.sampled_from([" ", "\n", "  "]), st.text(max_size=4))
    return st.lists(pieces, max_size=40).map("".join)


@st.composite
def mutated(draw: st.DrawFn, text: str, vocabulary: tuple[str, ...]) -> str:
    """A valid sample with a few random edits: cut, insert, duplicate or swap lines, truncate."""
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "insert", "dup", "swap", "truncate", "replace"]))
        size = len(text)
        start = draw(st.integers(0, size))
        end = draw(st.integers(start, min(size, start + 40)))
        if kind == "cut":
            text = text[:start] + text[end:]
        elif kind in ("insert", "replace"):
            insert = draw(st.one_of(st.sampled_from(vocabulary), st.text(max_size=6)))
            text = text[:start] + insert + text[end if kind == "replace" else start :]
        elif kind == "truncate":
            text = text[:start]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "dup":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


def only_parse_errors(parse: Callable[[str], Any], text: str) -> None:
    try:
        parse(text)
    except SolarisParseError as error:
        assert str(error)  # the message renders (file[:line]: message)
        assert error.message


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@FUZZ_HALF
@given(data=st.data())
def test_random_text_raises_only_parse_errors(case: Case, data: st.DataObject) -> None:
    text = data.draw(st.one_of(st.text(), words_text(case.vocabulary)))
    only_parse_errors(case.parse, text)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@FUZZ_HALF
@given(data=st.data())
def test_mutated_samples_raise_only_parse_errors(case: Case, data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(sample_texts(case)))
    only_parse_errors(case.parse, data.draw(mutated(base, case.vocabulary)))


BUNDLE_FILES = {
    p.relative_to(SAMPLES / "bundle-web01").as_posix(): p.read_bytes()
    for p in sorted((SAMPLES / "bundle-web01").rglob("*"))
    if p.is_file()
}
ALL_WORDS = (
    ZONECFG_WORDS + TABLE_WORDS + SVM_WORDS + NET_WORDS + DISK_WORDS + SYSTEM_WORDS + RELEASE_WORDS
    + ZFS_WORDS + LS_WORDS + S11_WORDS
)  # fmt: skip
S11_BUNDLE_FILES = {
    p.relative_to(SAMPLES / "bundle-s11dest").as_posix(): p.read_bytes()
    for p in sorted((SAMPLES / "bundle-s11dest").rglob("*"))
    if p.is_file()
}


@FUZZ
@given(data=st.data())
def test_bundle_with_mutated_files_never_crashes(data: st.DataObject) -> None:
    files: dict[str, bytes | str] = dict(data.draw(st.sampled_from([BUNDLE_FILES, S11_BUNDLE_FILES])))
    for name in data.draw(st.lists(st.sampled_from(sorted(files)), max_size=4, unique=True)):
        action = data.draw(st.sampled_from(["mutate", "delete", "bytes"]))
        if action == "delete":
            del files[name]
        elif action == "bytes":
            files[name] = data.draw(st.binary(max_size=64))
        else:
            original = files[name]
            text = original.decode("utf-8") if isinstance(original, bytes) else original
            files[name] = data.draw(mutated(text, ALL_WORDS))
    try:
        inventory = read_bundle_files(files)
    except SolarisParseError as error:
        # Only the two required files may stop an import.
        assert error.source in ("hostname", "zoneadm-list-cvp")
    else:
        assert inventory.hostname
