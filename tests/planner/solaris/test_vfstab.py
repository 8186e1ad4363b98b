from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import VfstabEntry
from planner.solaris.vfstab import parse_vfstab
from tests.support.samples import sample


def test_global_zone_vfstab() -> None:
    entries = parse_vfstab(sample("fs/vfstab-global"), source="etc/vfstab")
    assert len(entries) == 12
    assert entries[0] == VfstabEntry("fd", "", "/dev/fd", "fd", "", "no", "", line=4)
    root = entries[3]
    assert (root.device, root.fsck_device, root.mount_point, root.fstype, root.fsck_pass) == (
        "/dev/md/dsk/d10",
        "/dev/md/rdsk/d10",
        "/",
        "ufs",
        "1",
    )
    assert (root.mount_at_boot, root.options, root.line) == ("no", "logging", 7)
    swap = entries[2]
    assert (swap.device, swap.mount_point, swap.fstype) == ("/dev/md/dsk/d1", "", "swap")
    nfs = entries[-1]
    assert (nfs.device, nfs.fstype, nfs.options, nfs.line) == (
        "nfssrv:/export/home",
        "nfs",
        "rw,bg,hard,intr",
        16,
    )


def test_zone_vfstab() -> None:
    entries = parse_vfstab(sample("fs/vfstab-web01"), source="zones/web01.vfstab")
    assert entries[-1].device == "nfs01:/export/archive"
    assert entries[-1].fstype == "nfs"


@pytest.mark.parametrize("line", ["/dev/dsk/c0t0d0s0 /dev/rdsk/c0t0d0s0 / ufs 1 no", "a b c d e f g h"])
def test_wrong_field_count_names_the_line(line: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_vfstab(f"#comment\n\n{line}\n", source="etc/vfstab")
    assert (caught.value.source, caught.value.line) == ("etc/vfstab", 3)
    assert "expected 7 fields" in caught.value.message
