"""Readers for ``iostat -En``, ``prtvtoc`` and ``df -k``."""

from __future__ import annotations

import re

from ._text import content_lines, numbered_lines, parse_int
from .errors import SolarisParseError
from .inventory import DfEntry, Disk, Vtoc, VtocSlice
from .limits import MAX_DF_ROWS, MAX_DISKS, MAX_SLICES_PER_DISK, check_count
from .names import check_disk_name, check_iostat_device, check_mount_point, check_path_word

# --- iostat -En -----------------------------------------------------------------------------

_IOSTAT_HEADER = re.compile(
    r"(?P<name>\S+)\s+Soft Errors:\s*[0-9]+\s+Hard Errors:\s*[0-9]+\s+Transport Errors:\s*[0-9]+.*"
)
_IOSTAT_IDENTITY_KEYS = re.compile(r"(Vendor|Product|Revision|Serial No|Model):")
_IOSTAT_SIZE = re.compile(r"Size:\s*\S*\s*<(?P<bytes>[0-9]+) bytes>.*")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_IOSTAT_IDENTITY_FIELDS = {
    "Vendor": "vendor",
    "Product": "product",
    "Model": "product",
    "Serial No": "serial",
}


def _apply_identity(disk: Disk, line: str) -> None:
    """``Vendor: SEAGATE  Product: ST373207LSUN72G  Revision: 045A Serial No: 3HZ...`` (ATA: ``Model:``)."""
    matches = list(_IOSTAT_IDENTITY_KEYS.finditer(line))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        value = line[match.end() : following.start() if following else len(line)].strip()
        field_name = _IOSTAT_IDENTITY_FIELDS.get(match.group(1))
        if field_name:
            setattr(disk, field_name, value)


def parse_iostat_en(text: str, *, source: str) -> list[Disk]:
    """Read ``iostat -En``: one block per device; the size is the exact byte count inside ``<...>``.

    CD/DVD drives report ``Size: 0.00GB <0 bytes>`` and are returned with size 0.
    Tape drives are listed too (``rmt/0``); any other device name that is not a disk
    (``c0t0d0``, ``c1d0``, ``c0t<WWN>d0``) is refused.
    """
    disks: list[Disk] = []
    for number, line in content_lines(text):
        if _CONTROL.search(line):
            raise SolarisParseError(f"{line!r} holds a control character", source=source, line=number)
        header = _IOSTAT_HEADER.fullmatch(line)
        if header:
            disks.append(Disk(name=check_iostat_device(header.group("name"), source=source, line=number)))
            check_count(len(disks), MAX_DISKS, "disks", source=source, line=number)
            continue
        if not disks:
            raise SolarisParseError(
                f"expected a 'DEVICE Soft Errors: N Hard Errors: N Transport Errors: N' line, found {line!r}",
                source=source,
                line=number,
            )
        if line.startswith("Size:"):
            size = _IOSTAT_SIZE.fullmatch(line)
            if size is None:
                raise SolarisParseError(
                    f"expected 'Size: 73.40GB <73400057856 bytes>', found {line!r}",
                    source=source,
                    line=number,
                )
            disks[-1].size_bytes = int(size.group("bytes"))
        elif _IOSTAT_IDENTITY_KEYS.match(line):
            _apply_identity(disks[-1], line)
        # Error counters (Media Error, Illegal Request, ...) are not modelled.
    return disks


# --- prtvtoc --------------------------------------------------------------------------------

_VTOC_HEADER = re.compile(r"\*\s*(?P<device>/dev/rdsk/\S+)\s+partition map.*")
_VTOC_DIMENSION = re.compile(r"\*\s*(?P<value>[0-9]+)\s+(?P<what>[a-z /]+?)\s*")
_VTOC_DIMENSIONS = {
    "bytes/sector": "bytes_per_sector",
    "sectors/track": "sectors_per_track",
    "tracks/cylinder": "tracks_per_cylinder",
    "accessible cylinders": "accessible_cylinders",
}


def disk_from_device(device: str) -> str:
    """``/dev/rdsk/c0t0d0s2`` -> ``c0t0d0``; an EFI whole-disk ``/dev/rdsk/c1t0d0`` -> ``c1t0d0``."""
    name = device.rsplit("/", 1)[-1]
    match = re.fullmatch(r"(c[0-9]+(?:t[0-9A-Fa-f]+)?d[0-9]+)(?:[sp][0-9]+)?", name)
    return match.group(1) if match else name


def _vtoc_slice(fields: list[str], source: str, line: int) -> VtocSlice:
    if len(fields) not in (6, 7):
        raise SolarisParseError(
            "expected 'Partition Tag Flags First-Sector Sector-Count Last-Sector [Mount-Directory]', "
            f"found {len(fields)} fields",
            source=source,
            line=line,
        )
    names = ("partition number", "tag", "", "first sector", "sector count", "last sector")
    numbers = [
        parse_int(value, what, source=source, line=line)
        for value, what in zip(fields, names, strict=False)
        if what
    ]
    index, tag, first, count, _last = numbers
    if len(fields) == 7:
        check_mount_point(fields[6], source=source, line=line)
    flags = fields[2]
    if not re.fullmatch(r"[0-9a-fA-F]{1,2}", flags):
        raise SolarisParseError(
            f"slice flags should be two hex digits like 00 or 01, not {flags!r}", source=source, line=line
        )
    return VtocSlice(
        index=index,
        tag=tag,
        flags=flags,
        first_sector=first,
        sector_count=count,
        mount_point=fields[6] if len(fields) == 7 else "",
    )


def parse_prtvtoc(text: str, *, source: str, disk: str | None = None) -> Vtoc:
    """Read ``prtvtoc /dev/rdsk/<disk>s2``; the disk comes from the header line or ``disk``."""
    vtoc = Vtoc(disk=disk_from_device(disk) if disk else "")
    seen_header = False
    for number, line in numbered_lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("*"):
            seen_header = _read_vtoc_comment(vtoc, stripped) or seen_header
            continue
        vtoc.slices.append(_vtoc_slice(stripped.split(), source, number))
        check_count(len(vtoc.slices), MAX_SLICES_PER_DISK, "slices on one disk", source=source, line=number)
    if not seen_header and not vtoc.slices:
        raise SolarisParseError(
            "no '* /dev/rdsk/... partition map' header and no slices; is this prtvtoc output?", source=source
        )
    if vtoc.disk:
        check_disk_name(vtoc.disk, source=source)
    return vtoc


def _read_vtoc_comment(vtoc: Vtoc, line: str) -> bool:
    """Dimensions from the ``*`` comment block; True for the ``partition map`` header."""
    header = _VTOC_HEADER.fullmatch(line)
    if header:
        if not vtoc.disk:
            vtoc.disk = disk_from_device(header.group("device"))
        return True
    dimension = _VTOC_DIMENSION.fullmatch(line)
    if dimension and dimension.group("what") in _VTOC_DIMENSIONS:
        setattr(vtoc, _VTOC_DIMENSIONS[dimension.group("what")], int(dimension.group("value")))
    return False


# --- df -k ----------------------------------------------------------------------------------

_DF_NUMERIC_COLUMNS = ("kbytes", "used", "avail")


def _df_entry(filesystem: str, columns: list[str], source: str, line: int) -> DfEntry:
    if len(columns) < 5:
        raise SolarisParseError(
            f"expected 'kbytes used avail capacity mounted-on' after {filesystem!r}, "
            f"found {' '.join(columns)!r}",
            source=source,
            line=line,
        )
    kbytes, used, avail = (
        parse_int(v, what, source=source, line=line)
        for v, what in zip(columns, _DF_NUMERIC_COLUMNS, strict=False)
    )
    capacity = columns[3]
    if not re.fullmatch(r"[0-9]+%", capacity):
        raise SolarisParseError(f"capacity should look like 45%, not {capacity!r}", source=source, line=line)
    check_path_word(filesystem, what="file system", source=source, line=line)
    mounted_on = " ".join(columns[4:])
    check_mount_point(mounted_on, source=source, line=line)
    return DfEntry(filesystem, kbytes, used, avail, capacity, mounted_on)


def _check_df_header(line: str, source: str, number: int) -> None:
    words = line.split()
    if not words or words[0] != "Filesystem":
        raise SolarisParseError(
            f"expected the 'Filesystem kbytes used avail capacity Mounted on' header, found {line.strip()!r}",
            source=source,
            line=number,
        )
    if len(words) < 2 or words[1] != "kbytes":
        raise SolarisParseError(
            f"this is not 'df -k' output (second column {words[1:2]}); collect it with df -k",
            source=source,
            line=number,
        )


def parse_df_k(text: str, *, source: str) -> list[DfEntry]:
    """Read ``df -k``; a long filesystem name alone on a line continues on the next one."""
    entries: list[DfEntry] = []
    header_seen = False
    wrapped: tuple[str, int] | None = None
    for number, line in numbered_lines(text):
        words = line.split()
        if not words or line.startswith("df:"):
            continue  # "df: cannot statvfs ..." lines when stderr was captured too
        if not header_seen:
            _check_df_header(line, source, number)
            header_seen = True
        elif wrapped is not None:
            entries.append(_df_entry(wrapped[0], words, source, number))
            wrapped = None
        elif len(words) == 1:
            wrapped = (words[0], number)
        else:
            entries.append(_df_entry(words[0], words[1:], source, number))
        check_count(len(entries), MAX_DF_ROWS, "df -k rows", source=source, line=number)
    if wrapped is not None:
        raise SolarisParseError(
            f"{wrapped[0]!r} has no sizes on the following line", source=source, line=wrapped[1]
        )
    if not header_seen:
        raise SolarisParseError(
            "empty: no 'Filesystem kbytes used avail capacity Mounted on' header", source=source
        )
    return entries
