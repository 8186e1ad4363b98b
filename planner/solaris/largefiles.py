"""Reader for ``large-files``: one ``ls -ld`` line per regular file over 4 GiB.

The collector runs ``find MOUNT -mount -type f -size +8388607 -exec ls -ld {} \\;`` on each local
ufs and zfs file system (``-size`` counts 512-byte blocks: more than 8388607 of them is 4 GiB or
more).  An ``ls -ld`` line is::

    -rw-r-----   1 oracle   dba      5368709120 Nov 28 13:31 /u01/oradata/big file.dbf

mode (a ``+`` after it marks an ACL; GNU ls on the test machine may print ``.``), links, owner,
group, size in bytes, the date (``Mon DD HH:MM`` or ``Mon DD  YYYY``), then the name, which runs
to the end of the line and may hold spaces.  An empty file means no file over 4 GiB was found.
"""

from __future__ import annotations

import re

from ._text import numbered_lines
from .errors import SolarisParseError
from .inventory import LargeFile

_LS_LD = re.compile(
    r"(?P<mode>-[-rwxsStTlL]{9})[+.@]?\s+(?P<links>[0-9]+)\s+(?P<owner>\S+)\s+(?P<group>\S+)\s+"
    r"(?P<size>[0-9]+)\s+(?P<month>[A-Z][a-z]{2})\s+(?P<day>[0-9]{1,2})\s+"
    r"(?P<when>[0-9]{1,2}:[0-9]{2}|[0-9]{4}) (?P<path>.+)"
)
_OTHER_TYPE = re.compile(r"[dlbcpsD][-rwxsStTlL]{9}")
_EXAMPLE = "-rw-r--r--   1 root     root     5368709120 Jan 12 10:22 /export/big.dbf"


def parse_large_files(text: str, *, source: str) -> list[LargeFile]:
    """Read the ``ls -ld`` lines; ``find:`` messages (when stderr was captured too) are skipped."""
    files: list[LargeFile] = []
    for number, line in numbered_lines(text):
        if not line.strip() or line.startswith("find:"):
            continue
        match = _LS_LD.fullmatch(line)
        if match is None:
            why = (
                f"not a regular file (ls type {line[0]!r}); the collector lists regular files only"
                if _OTHER_TYPE.match(line)
                else f"expected an 'ls -ld' line such as {_EXAMPLE!r}, found {line[:120]!r}"
            )
            raise SolarisParseError(why, source=source, line=number)
        path = match.group("path")
        if not path.startswith("/"):
            raise SolarisParseError(
                f"the file name should be an absolute path, not {path[:80]!r}", source=source, line=number
            )
        files.append(
            LargeFile(
                path=path,
                size_bytes=int(match.group("size")),
                owner=match.group("owner"),
                group=match.group("group"),
                mode=match.group("mode"),
                line=number,
            )
        )
    return files
