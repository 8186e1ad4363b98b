"""zpool list (both header forms) and zfs list -H on real-format samples (samples/README.md)."""

from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import ZfsDataset, Zpool
from planner.solaris.zfs import parse_zfs_list, parse_zpool_list, zfs_size
from tests.support.samples import sample

G = 1024**3


def test_older_updates_print_used_and_avail() -> None:
    pools = parse_zpool_list(sample("zfs/zpool-list-used-avail"), source="zpool-list")
    assert pools == [Zpool("zdata", 278 * G, 127 * G, 151 * G, "45%", "ONLINE", "", "")]


def test_newer_updates_print_alloc_and_free() -> None:
    pools = parse_zpool_list(sample("zfs/zpool-list-alloc-free"), source="zpool-list")
    assert [p.name for p in pools] == ["localpool", "rpool"]
    assert pools[0].alloc_bytes == int(65.9 * G) and pools[0].free_bytes == int(36.1 * G)
    assert (pools[1].capacity, pools[1].health, pools[1].altroot) == ("28%", "ONLINE", "")


def test_solaris_11_adds_dedup() -> None:
    pools = parse_zpool_list(sample("zfs/zpool-list-s11"), source="zpool-list")
    assert [(p.name, p.dedup, p.capacity) for p in pools] == [
        ("rpool", "1.00x", "12%"),
        ("zones", "1.00x", "95%"),
    ]


def test_no_pools_and_a_faulted_pool() -> None:
    assert parse_zpool_list("no pools available\n", source="zpool-list") == []
    assert parse_zpool_list("", source="zpool-list") == []  # the message went to stderr
    assert parse_zfs_list("", source="zfs-list") == []
    assert parse_zfs_list("no datasets available\n", source="zfs-list") == []
    text = "NAME SIZE ALLOC FREE CAP HEALTH ALTROOT\ntank - - - - FAULTED -\n"
    (pool,) = parse_zpool_list(text, source="zpool-list")
    assert (pool.size_bytes, pool.capacity, pool.health) == (0, "", "FAULTED")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("tank 10G 1G 9G 10% ONLINE -\n", 1, "expected the 'NAME SIZE ALLOC FREE"),
        ("NAME SIZE CAP HEALTH\n", 1, "no ALLOC/USED and FREE/AVAIL"),
        ("NAME SIZE ALLOC FREE CAP HEALTH ALTROOT\ntank 10G 1G 9G 10% ONLINE\n", 2, "expected 7 columns"),
        ("NAME SIZE ALLOC FREE CAP HEALTH ALTROOT\ntank 10Q 1G 9G 10% ONLINE -\n", 2, "size should be"),
        ("NAME SIZE ALLOC FREE CAP HEALTH ALTROOT\ntank 10G 1G 9G ten ONLINE -\n", 2, "CAP should"),
        ("NAME SIZE ALLOC FREE CAP HEALTH ALTROOT\n9tank 10G 1G 9G 1% ONLINE -\n", 2, "not a pool name"),
    ],
)
def test_zpool_errors(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_zpool_list(text, source="zpool-list")
    assert (caught.value.source, caught.value.line) == ("zpool-list", line)
    assert fragment in caught.value.message


def test_zfs_list_tab_separated() -> None:
    datasets = parse_zfs_list(sample("zfs/zfs-list"), source="zfs-list")
    assert len(datasets) == 13
    root = next(d for d in datasets if d.mountpoint == "/")
    assert root == ZfsDataset("rpool/ROOT/s10s_u9wos_14a", "filesystem", int(20.1 * G), int(95.7 * G), "/")
    dump = next(d for d in datasets if d.name == "rpool/dump")
    assert (dump.type, dump.mountpoint, dump.pool) == ("volume", "-", "rpool")
    snapshot = next(d for d in datasets if d.type == "snapshot")
    assert (snapshot.name, snapshot.used_bytes, snapshot.avail_bytes, snapshot.pool) == (
        "rpool/zones/app01@pre-flar",
        512 * 1024,
        None,
        "rpool",
    )
    spaced = datasets[-1]
    assert (spaced.name, spaced.used_bytes, spaced.mountpoint) == (
        "localpool/scratch area",
        0,
        "/export/scratch area",
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("NAME   USED  AVAIL  REFER  MOUNTPOINT\n", "without -H"),
        ("rpool filesystem 1G 2G /rpool\n", "expected 5 tab-separated fields"),
        ("rpool\tpool\t1G\t2G\t/rpool\n", "the type should be"),
        ("rpool\tfilesystem\t1G\t2G\trelative/path\n", "the mount point should be"),
        ("rpool\tfilesystem\tlots\t2G\t/rpool\n", "USED should be a size"),
        ("rp;ool\tfilesystem\t1G\t2G\t/rpool\n", "not a ZFS dataset name"),
        ("rpool\tfilesystem\t1G\t2G\t/rpool\textra\n", "found 6"),
    ],
)
def test_zfs_list_errors(text: str, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_zfs_list(text, source="zfs-list")
    assert (caught.value.source, caught.value.line) == ("zfs-list", 1)
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("text", "size"),
    [("0", 0), ("512", 512), ("31K", 31 * 1024), ("12.5G", int(12.5 * G)), ("1.81T", int(1.81 * 1024 * G))],
)
def test_zfs_sizes(text: str, size: int) -> None:
    assert zfs_size(text, "USED", source="s", line=1) == size
