from __future__ import annotations

import pytest

from planner.solaris.disks import parse_df_k, parse_iostat_en, parse_prtvtoc
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import DfEntry, Disk, VtocSlice
from tests.support.samples import sample


def test_iostat_en() -> None:
    disks = parse_iostat_en(sample("disks/iostat-En"), source="iostat-En")
    assert disks[0] == Disk("c0t0d0", 73400057856, "SEAGATE", "ST373207LSUN72G", "3HZ7Z3CJ00007505")
    assert (disks[1].vendor, disks[1].size_bytes, disks[1].serial) == ("FUJITSU", 146810536448, "0648B0AAPN")
    assert (disks[2].product, disks[2].size_bytes, disks[2].vendor) == ("ST3500630AS", 500107862016, "")
    cdrom = disks[3]
    assert (cdrom.name, cdrom.product, cdrom.size_bytes, cdrom.serial) == (
        "c0t2d0",
        "CD/DVDW TS-L532U",
        0,
        "",
    )


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Vendor: SEAGATE\n", 1, "expected a 'DEVICE Soft Errors"),
        (
            "c0t0d0 Soft Errors: 0 Hard Errors: 0 Transport Errors: 0\nSize: 73GB\n",
            2,
            "expected 'Size: 73.40GB",
        ),
    ],
)
def test_iostat_errors(text: str, line: int, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_iostat_en(text, source="iostat-En")
    assert (caught.value.source, caught.value.line) == ("iostat-En", line)
    assert fragment in caught.value.message


def test_prtvtoc_smi_label() -> None:
    vtoc = parse_prtvtoc(sample("disks/prtvtoc-c0t0d0"), source="prtvtoc/c0t0d0")
    assert vtoc.disk == "c0t0d0"
    assert (vtoc.bytes_per_sector, vtoc.sectors_per_track, vtoc.tracks_per_cylinder) == (512, 424, 24)
    assert vtoc.accessible_cylinders == 14087
    assert vtoc.slices[0] == VtocSlice(0, 2, "00", 8406720, 20484288, "/")
    assert vtoc.slices[1] == VtocSlice(1, 3, "01", 0, 8406720, "")
    assert vtoc.slices[-1].mount_point == "/export/home"
    assert vtoc.slices[0].size_bytes == 20484288 * 512


def test_prtvtoc_efi_label_and_disk_from_caller() -> None:
    vtoc = parse_prtvtoc(sample("disks/prtvtoc-c1t0d0-efi"), source="prtvtoc/c1t0d0")
    assert vtoc.disk == "c1t0d0"
    assert vtoc.sectors_per_track is None
    assert [s.index for s in vtoc.slices] == [0, 8]
    assert parse_prtvtoc(sample("disks/prtvtoc-c0t0d0"), source="p", disk="c9t9d0s2").disk == "c9t9d0"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("* /dev/rdsk/c0t0d0s2 partition map\n 0 2 00 0 100\n", 2, "found 5 fields"),
        ("* /dev/rdsk/c0t0d0s2 partition map\n 0 2 00 x 100 99\n", 2, "first sector must be a whole number"),
        ("* /dev/rdsk/c0t0d0s2 partition map\n 0 2 zz 0 100 99\n", 2, "slice flags"),
        ("hello\n", 1, "found 1 fields"),
    ],
)
def test_prtvtoc_errors(text: str, line: int, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_prtvtoc(text, source="prtvtoc/c0t0d0")
    assert (caught.value.source, caught.value.line) == ("prtvtoc/c0t0d0", line)
    assert fragment in caught.value.message


def test_prtvtoc_that_is_not_prtvtoc() -> None:
    with pytest.raises(SolarisParseError, match="is this prtvtoc output"):
        parse_prtvtoc("* nothing here\n", source="prtvtoc/c0t0d0")


def test_df_k_with_wrapped_names_and_nfs() -> None:
    entries = parse_df_k(sample("fs/df-k"), source="df-k")
    assert entries[0] == DfEntry("/dev/md/dsk/d10", 10332220, 4566320, 5662578, "45%", "/")
    wrapped = entries[8]
    assert wrapped.filesystem == "/platform/sun4u-us3/lib/libc_psr/libc_psr_hwcap1.so.1"
    assert wrapped.mounted_on == "/platform/sun4u-us3/lib/libc_psr.so.1"
    nfs = entries[-1]
    assert (nfs.filesystem, nfs.kbytes, nfs.mounted_on) == (
        "nfssrv.example.com:/export/home/engineering",
        103212320,
        "/home",
    )
    assert len(entries) == 14


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("/dev/dsk/c0t0d0s0 100 50 50 50% /\n", 1, "expected the 'Filesystem kbytes"),
        ("Filesystem size used avail capacity Mounted on\n", 1, "not 'df -k' output"),
        ("Filesystem kbytes used avail capacity Mounted on\n/dev/x 100 a 50 50% /\n", 2, "used must be"),
        ("Filesystem kbytes used avail capacity Mounted on\n/dev/x 100 50 50 half /\n", 2, "capacity"),
        ("Filesystem kbytes used avail capacity Mounted on\n/dev/x 100 50\n", 2, "expected 'kbytes used"),
        ("Filesystem kbytes used avail capacity Mounted on\n/very/long/name\n", 2, "has no sizes"),
    ],
)
def test_df_errors(text: str, line: int, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_df_k(text, source="df-k")
    assert (caught.value.source, caught.value.line) == ("df-k", line)
    assert fragment in caught.value.message


def test_iostat_ata_disks_keep_their_size_and_cdroms_are_marked() -> None:
    """Issue #12 item 10: Model and Size share the serial number's line on ATA/IDE (cmdk) disks."""
    disks = parse_iostat_en(sample("disks/iostat-En-ata-cdrom"), source="iostat-En")
    assert disks[0] == Disk("c0d0", 250056605696, "", "ST3250310NS", "9SF0ABCD")
    assert (disks[1].product, disks[1].serial, disks[1].size_bytes) == (
        "WDC WD800JD-75M",
        "WD-WMAM9C1234",
        80026361856,
    )
    assert not disks[0].optical and not disks[1].optical
    # A CD-ROM and a DVD-ROM with a disc in: the disc's size, but never a disk.
    assert [(d.name, d.size_bytes, d.optical) for d in disks[2:]] == [
        ("c1t0d0", 681574400, True),
        ("c1t1d0", 4380000256, True),
    ]


def test_the_empty_dvd_writer_of_the_old_sample_is_optical_too() -> None:
    disks = parse_iostat_en(sample("disks/iostat-En"), source="iostat-En")
    assert [d.name for d in disks if d.optical] == ["c0t2d0"]


def test_a_bad_size_after_the_serial_number_names_its_line() -> None:
    text = (
        "c0d0 Soft Errors: 0 Hard Errors: 0 Transport Errors: 0\nModel: X Revision:  Serial No: 1 Size: big\n"
    )
    with pytest.raises(SolarisParseError) as caught:
        parse_iostat_en(text, source="iostat-En")
    assert (caught.value.line, caught.value.source) == (2, "iostat-En")
    assert "expected 'Size: 73.40GB" in caught.value.message
