"""Readers for ``zpool list`` and ``zfs list -H -o name,type,used,avail,mountpoint``.

``zpool list`` prints a header; Solaris 10 updates before the ZFS deduplication work print
``NAME SIZE USED AVAIL CAP HEALTH ALTROOT``, later ones ``NAME SIZE ALLOC FREE CAP HEALTH ALTROOT``
and Solaris 11 adds ``DEDUP`` (``NAME SIZE ALLOC FREE CAP DEDUP HEALTH ALTROOT``).  Columns are
found by the header, so both forms and later extra columns read the same.

``zfs list -H`` prints no header and separates the fields with one tab (zfs(1M): "scripting mode"),
so names and mount points may hold spaces.  Sizes are zfs's rounded units: ``0``, ``512``, ``31K``,
``8.37G``, ``1.81T`` (powers of 1024).
"""

from __future__ import annotations

import re
from decimal import Decimal

from ._text import numbered_lines
from .errors import SolarisParseError
from .inventory import ZfsDataset, Zpool

_SIZE = re.compile(r"([0-9]+(?:\.[0-9]+)?)([KMGTPEZ]?)B?")
_POWERS = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6, "Z": 7}
_CAPACITY = re.compile(r"[0-9]+%")
# zfs_namecheck: components of letters, digits and _ - . : and space, joined by /; @snapshot, #bookmark.
_COMPONENT = r"[A-Za-z0-9_.: -]+"
_DATASET = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*(?:[@#]{_COMPONENT})?")
_POOL = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*")
_TYPES = frozenset({"filesystem", "volume", "snapshot", "bookmark"})
_ZFS_LIST_HINT = "zfs list -H -o name,type,used,avail,mountpoint"

# zpool list header words -> Zpool field; USED/AVAIL are the older names of ALLOC/FREE.
_ZPOOL_COLUMNS = {
    "NAME": "name",
    "SIZE": "size_bytes",
    "ALLOC": "alloc_bytes",
    "USED": "alloc_bytes",
    "FREE": "free_bytes",
    "AVAIL": "free_bytes",
    "CAP": "capacity",
    "HEALTH": "health",
    "ALTROOT": "altroot",
    "DEDUP": "dedup",
}
_ZPOOL_REQUIRED = ("NAME", "SIZE", "CAP", "HEALTH")
_NO_POOLS = "no pools available"
_NO_DATASETS = "no datasets available"


def zfs_size(text: str, what: str, *, source: str, line: int) -> int:
    """``8.37G`` -> bytes (rounded down), as zfs and zpool print sizes."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise SolarisParseError(
            f"{what} should be a size such as 0, 31K or 8.37G, not {text[:40]!r}", source=source, line=line
        )
    return int(Decimal(match.group(1)) * (1024 ** _POWERS[match.group(2)]))


def _zpool_header(words: list[str], source: str, line: int) -> list[str | None]:
    if not words or words[0] != "NAME" or "SIZE" not in words:
        raise SolarisParseError(
            "expected the 'NAME SIZE ALLOC FREE CAP HEALTH ALTROOT' header of zpool list "
            f"(or USED AVAIL on older updates), found {' '.join(words)[:80]!r}",
            source=source,
            line=line,
        )
    missing = [name for name in _ZPOOL_REQUIRED if name not in words]
    if not ({"ALLOC", "USED"} & set(words)) or not ({"FREE", "AVAIL"} & set(words)):
        missing.append("ALLOC/USED and FREE/AVAIL")
    if missing:
        raise SolarisParseError(
            f"the zpool list header has no {', '.join(missing)} column", source=source, line=line
        )
    return [_ZPOOL_COLUMNS.get(word) for word in words]


def _zpool_row(columns: list[str | None], words: list[str], source: str, line: int) -> Zpool:
    if len(words) != len(columns):
        raise SolarisParseError(
            f"expected {len(columns)} columns as in the header, found {len(words)}", source=source, line=line
        )
    pool = Zpool(name=words[0])
    if not _POOL.fullmatch(pool.name):
        raise SolarisParseError(f"{pool.name[:60]!r} is not a pool name", source=source, line=line)
    for field_name, value in zip(columns, words, strict=True):
        if field_name is None or field_name == "name":
            continue
        if value == "-" and field_name != "health":
            continue  # a FAULTED or UNAVAIL pool prints "-" for what it cannot read
        if field_name.endswith("_bytes"):
            setattr(pool, field_name, zfs_size(value, field_name.split("_")[0], source=source, line=line))
        elif field_name == "capacity":
            if not _CAPACITY.fullmatch(value):
                raise SolarisParseError(
                    f"CAP should look like 64%, not {value[:20]!r}", source=source, line=line
                )
            pool.capacity = value
        else:
            setattr(pool, field_name, value)
    return pool


def parse_zpool_list(text: str, *, source: str) -> list[Zpool]:
    """Read ``zpool list`` (header first); no pools is an empty list.

    With no pools zpool prints ``no pools available`` (on stdout in the Solaris 10-era code; later
    code prints such messages on stderr, which leaves the collected file empty): both read as none.
    """
    columns: list[str | None] | None = None
    pools: list[Zpool] = []
    for number, line in numbered_lines(text):
        words = line.split()
        if not words:
            continue
        if columns is None:
            if " ".join(words) == _NO_POOLS:
                return []
            columns = _zpool_header(words, source, number)
            continue
        pools.append(_zpool_row(columns, words, source, number))
    return pools


def _dataset(fields: list[str], source: str, line: int) -> ZfsDataset:
    name, kind, used, avail, mountpoint = fields
    if not _DATASET.fullmatch(name) or name != name.strip():
        raise SolarisParseError(f"{name[:80]!r} is not a ZFS dataset name", source=source, line=line)
    if kind not in _TYPES:
        raise SolarisParseError(
            f"the type should be filesystem, volume or snapshot, not {kind[:30]!r}", source=source, line=line
        )
    if not (mountpoint.startswith("/") or mountpoint in ("legacy", "none", "-")):
        raise SolarisParseError(
            f"the mount point should be a path, legacy, none or -, not {mountpoint[:80]!r}",
            source=source,
            line=line,
        )
    return ZfsDataset(
        name=name,
        type=kind,
        used_bytes=zfs_size(used, "USED", source=source, line=line),
        avail_bytes=None if avail == "-" else zfs_size(avail, "AVAIL", source=source, line=line),
        mountpoint=mountpoint,
    )


def parse_zfs_list(text: str, *, source: str) -> list[ZfsDataset]:
    """Read ``zfs list -H -o name,type,used,avail,mountpoint``: five tab-separated fields a line.

    An empty file is a host without datasets.
    """
    datasets: list[ZfsDataset] = []
    for number, line in numbered_lines(text):
        if not line.strip() or line.strip() == _NO_DATASETS:
            continue  # -H prints nothing when there is no dataset; without -H zfs says so
        fields = line.split("\t")
        if len(fields) != 5:
            hint = " (this looks like zfs list without -H)" if line.split()[:2] == ["NAME", "USED"] else ""
            raise SolarisParseError(
                f"expected 5 tab-separated fields (name, type, used, avail, mountpoint) from "
                f"'{_ZFS_LIST_HINT}', found {len(fields)}{hint}",
                source=source,
                line=number,
            )
        datasets.append(_dataset(fields, source, number))
    return datasets
