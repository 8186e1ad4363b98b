"""Reader for ``/etc/vfstab`` (the global zone's, or a zone's own ``<zonepath>/root/etc/vfstab``).

Seven whitespace-separated fields per line (vfstab(4)); ``-`` means "no entry"
and becomes an empty string here (``write_vfstab`` turns it back into ``-``).
"""

from __future__ import annotations

from ._text import content_lines
from .errors import SolarisParseError
from .inventory import VfstabEntry
from .limits import MAX_VFSTAB_LINES, check_count
from .names import check_mount_point, check_path_word

VFSTAB_FIELDS = (
    "device to mount",
    "device to fsck",
    "mount point",
    "FS type",
    "fsck pass",
    "mount at boot",
    "mount options",
)


def _field(value: str) -> str:
    return "" if value == "-" else value


def parse_vfstab(text: str, *, source: str) -> list[VfstabEntry]:
    """Read vfstab lines; a line without exactly seven fields is an error naming its number."""
    entries: list[VfstabEntry] = []
    for number, line in content_lines(text):
        fields = line.split()
        if len(fields) != len(VFSTAB_FIELDS):
            raise SolarisParseError(
                f"expected 7 fields ({', '.join(VFSTAB_FIELDS)}; '-' for none), found {len(fields)}",
                source=source,
                line=number,
            )
        for value, what in zip(fields, VFSTAB_FIELDS, strict=True):
            check_path_word(value, what=what, source=source, line=number)
        device, fsck_device, mount_point, fstype, fsck_pass, at_boot, options = (_field(f) for f in fields)
        if mount_point:
            check_mount_point(mount_point, source=source, line=number)
        check_count(len(entries) + 1, MAX_VFSTAB_LINES, "vfstab lines", source=source, line=number)
        entries.append(
            VfstabEntry(
                device=device,
                fsck_device=fsck_device,
                mount_point=mount_point,
                fstype=fstype,
                fsck_pass=fsck_pass,
                mount_at_boot=at_boot,
                options=options,
                line=number,
            )
        )
    return entries
