"""The text part of a flar: cookie, identification section and the other sections.

Reading follows Sun's installer reader (``svc_flash.c``) where the two known
readers differ, because that is the code that decided whether a real archive
installed:

* line 1 is the cookie ``FlAsH-aRcHiVe-<major>.<minor>``; majors 1 and 2 are
  supported (``type`` is forced to FULL for major 1, which had no such keyword);
* line 2 must be exactly ``section_begin=identification``; ``keyword=value``
  lines follow, split at the first ``=``, keywords matched case-insensitively;
  a line without ``=`` continues ``content_description`` (and is an error
  before one); ``X-`` keywords are the user's and kept as written;
* after ``section_end=identification`` any other sections are skipped up to
  the exact line ``section_begin=archive``; everything after that line's
  newline is the files payload, to end of file.

Writing always emits lowercase keywords and exact delimiter lines, which both
Sun's reader and the illumos zone installer (case-sensitive greps) accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO

from .errors import FlarError

COOKIE = "FlAsH-aRcHiVe-2.0"
COOKIE_PREFIX = "FlAsH-aRcHiVe-"
MIN_MAJOR = 1
MAX_MAJOR = 2
SECTION_BEGIN = "section_begin"
SECTION_END = "section_end"
IDENTIFICATION = "identification"
ARCHIVE = "archive"
ARCHIVE_LINE = f"{SECTION_BEGIN}={ARCHIVE}"
# No flar header line needs more than this; longer ones are corruption or hostile input.
MAX_LINE = 1 << 20
# Bytes read to recognise a file that is not a flar (a tar header's "ustar" is at 257).
_SNIFF_BYTES = 512

# Keywords Sun's reader knows (spmisvc_api.h FLARIdentSection), in the order flarcreate writes them.
KNOWN_KEYWORDS: tuple[str, ...] = (
    "archive_id",
    "files_archived_method",
    "creation_date",
    "creation_master",
    "content_name",
    "creation_node",
    "creation_hardware_class",
    "creation_platform",
    "creation_processor",
    "creation_release",
    "creation_os_name",
    "creation_os_version",
    "files_compressed_method",
    "files_archived_size",
    "files_unarchived_size",
    "content_type",
    "content_description",
    "content_author",
    "content_architectures",
    "type",
    "rootpool",
)

_COOKIE_RE = re.compile(r"FlAsH-aRcHiVe-(\d+)\.(\d+)(?:\..*)?")


@dataclass
class Identification:
    """The identification section as read: values by keyword plus the raw lines."""

    # Known keywords lowercased; X- and other unknown keywords as written.
    values: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    unknown_keywords: list[str] = field(default_factory=list)

    def get(self, keyword: str, default: str | None = None) -> str | None:
        """Look a keyword up as Sun's reader matches it: known keywords case-insensitively."""
        lowered = keyword.lower()
        return self.values.get(lowered if lowered in KNOWN_KEYWORDS else keyword, default)

    @property
    def user_keywords(self) -> dict[str, str]:
        return {k: v for k, v in self.values.items() if k[:2].upper() == "X-"}


@dataclass
class FlarHeader:
    """Everything before the payload, and where the payload starts."""

    cookie: str
    version: tuple[int, int]
    identification: Identification
    sections: list[str]
    payload_offset: int
    warnings: list[str] = field(default_factory=list)


NOT_A_FLAR = "not a flash archive (no FlAsH-aRcHiVe cookie)"

# What a file that is not a flash archive often is instead: (magic at offset 0, description).
_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"070701", "a bare cpio archive (newc)"),
    (b"070702", "a bare cpio archive (crc)"),
    (b"070707", "a bare cpio archive (odc)"),
    (b"\xc7\x71", "a bare binary cpio archive"),
    (b"\x71\xc7", "a bare binary cpio archive"),
    (b"\x1f\x9d", "compress(1) data (.Z)"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"PK\x03\x04", "a zip archive"),
)


def not_a_flar_message(start: bytes) -> str:
    """Why a file that does not begin with the cookie is refused: what it looks like, printably."""
    if not start:
        return f"{NOT_A_FLAR}: the file is empty"
    for magic, what in _OTHER_FORMATS:
        if start.startswith(magic):
            return f"{NOT_A_FLAR}: this is {what}"
    if start[257:262] == b"ustar":
        return f"{NOT_A_FLAR}: this is a tar archive"
    return f"{NOT_A_FLAR}: the file begins with {printable_excerpt(start)}"


def printable_excerpt(data: bytes | str, limit: int = 40) -> str:
    """A quoted excerpt that is printable ASCII only: other bytes/characters as escapes.

    Never lets raw bytes of a hostile or binary file reach a terminal, a log or a page.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    more = "..." if len(data) > limit else ""
    shown = "".join(
        chr(byte) if 0x20 <= byte < 0x7F and byte not in (0x22, 0x5C) else f"\\x{byte:02x}"
        for byte in data[:limit]
    )
    return f'"{shown}{more}"'


def parse_cookie(line: str, path: str = "") -> tuple[int, int]:
    if not line.startswith(COOKIE_PREFIX):
        raise FlarError(not_a_flar_message(line.encode("utf-8", "surrogateescape")), path)
    match = _COOKIE_RE.fullmatch(line)
    if match is None:
        raise FlarError(
            f"not a flash archive: first line {_preview(line)} is not a FlAsH-aRcHiVe-N.N cookie", path
        )
    major, minor = int(match.group(1)), int(match.group(2))
    if not MIN_MAJOR <= major <= MAX_MAJOR:
        raise FlarError(f"unsupported flash archive version {major}.{minor} (only 1.x and 2.x exist)", path)
    return major, minor


def parse_identification(lines: list[str], path: str = "") -> Identification:
    ident = Identification(lines=list(lines))
    for line in lines:
        key, sep, value = line.partition("=")
        if not sep:
            if not ident.description:
                raise FlarError(f"identification line without '=': {_preview(line)}", path)
            ident.description.append(line)
            continue
        lowered = key.lower()
        if lowered in KNOWN_KEYWORDS:
            key = lowered
        elif key[:2].upper() != "X-":
            ident.unknown_keywords.append(key)
        if key == "content_description":
            ident.description = [value]
        ident.values[key] = value
    if ident.description:
        ident.values["content_description"] = "\n".join(ident.description)
    return ident


class _LineReader:
    """Reads newline-terminated header lines and keeps the byte offset."""

    def __init__(self, stream: BinaryIO, path: str) -> None:
        self._stream = stream
        self._path = path
        self.offset = 0
        self._pushback = b""

    def peek_start(self) -> bytes:
        """The first bytes of the stream (enough to recognise other formats), not consumed."""
        self._pushback = self._stream.read(_SNIFF_BYTES)
        return self._pushback

    def _readline(self) -> bytes:
        if not self._pushback:
            return self._stream.readline(MAX_LINE)
        head, newline, rest = self._pushback.partition(b"\n")
        if newline:
            self._pushback = rest
            return head + newline
        self._pushback = b""
        return head + self._stream.readline(MAX_LINE - len(head))

    def read_line(self, *, what: str, skipping: bool = False) -> str | None:
        """The next line without its newline, None at end of file."""
        raw = self._readline()
        if not raw:
            return None
        self.offset += len(raw)
        while not raw.endswith(b"\n"):
            if not skipping:
                raise FlarError(f"{what}: line longer than {MAX_LINE} bytes or missing newline", self._path)
            more = self._readline()
            if not more:
                raise FlarError(f"{what}: file ends inside a line", self._path)
            self.offset += len(more)
            raw = more  # only the tail matters when skipping: it is never compared
        return raw[:-1].decode("utf-8", "replace")


def read_header(stream: BinaryIO, path: str = "") -> FlarHeader:
    """Parse cookie and sections from the start of ``stream`` up to the payload."""
    reader = _LineReader(stream, path)
    start = reader.peek_start()
    if not start.startswith(COOKIE_PREFIX.encode()):
        # Checked on raw bytes before any line is decoded: a binary file is named, not printed.
        raise FlarError(not_a_flar_message(start), path)
    first = reader.read_line(what="cookie")
    assert first is not None  # the cookie prefix was there
    version = parse_cookie(first, path)
    second = reader.read_line(what="identification")
    if second != f"{SECTION_BEGIN}={IDENTIFICATION}":
        raise FlarError(
            f"line 2 must be section_begin=identification, found {_preview(second or '<end of file>')}", path
        )
    ident_lines: list[str] = []
    while True:
        line = reader.read_line(what="identification section")
        if line is None:
            raise FlarError("file ends inside the identification section", path)
        if line == f"{SECTION_END}={IDENTIFICATION}":
            break
        ident_lines.append(line)
    identification = parse_identification(ident_lines, path)
    if version[0] < 2:
        identification.values["type"] = "FULL"
    header = FlarHeader(
        cookie=first,
        version=version,
        identification=identification,
        sections=[IDENTIFICATION],
        payload_offset=0,
    )
    _skip_to_archive(reader, header, path)
    return header


def _skip_to_archive(reader: _LineReader, header: FlarHeader, path: str) -> None:
    current: str | None = None
    while True:
        line = reader.read_line(what="sections", skipping=current is not None)
        if line is None:
            if current is not None:
                raise FlarError(f"file ends inside section {current!r}, before section_begin=archive", path)
            raise FlarError("no section_begin=archive line: the archive has no files section", path)
        if line == ARCHIVE_LINE:
            # Sun's reader fast-forwards to this line from anywhere, so we do too.
            if current is not None:
                header.warnings.append(f"section {current!r} has no section_end before the files section")
            header.sections.append(ARCHIVE)
            header.payload_offset = reader.offset
            return
        key, _, name = line.partition("=")
        if current is None:
            if key == SECTION_BEGIN and name:
                current = name
                header.sections.append(name)
            else:
                header.warnings.append(f"line outside any section ignored: {_preview(line)}")
        elif key == SECTION_END and name == current:
            current = None
        elif key == SECTION_BEGIN:
            header.warnings.append(f"section {name!r} begins inside section {current!r}")


def _preview(text: str, limit: int = 60) -> str:
    return printable_excerpt(text, limit)


# --- writing -----------------------------------------------------------------------------------


def check_keyword_value(keyword: str, value: str) -> None:
    """Refuse values that would break the line format (newline, NUL)."""
    if "\n" in value or "\r" in value or "\0" in value:
        raise ValueError(f"{keyword} must be a single line without NUL characters")


# Identification keywords ``flarcreate -U`` may set besides X- keywords: the ones Oracle's
# keyword tables document as describing the archive (content_*) or the master it was made on
# (creation_*, which "default from uname"); content_architectures=sun4u,sun4v is how a sun4u
# master's archive is made installable on sun4v (solaris10-releases.md §3).
SETTABLE_KEYWORDS: tuple[str, ...] = (
    "content_architectures",
    "content_author",
    "content_description",
    "content_type",
    "creation_date",
    "creation_master",
    "creation_node",
    "creation_hardware_class",
    "creation_platform",
    "creation_processor",
    "creation_release",
    "creation_os_name",
    "creation_os_version",
)

# Keywords the tool computes itself or that another flag owns: -U may not set them.
COMPUTED_KEYWORDS: dict[str, str] = {
    "archive_id": "flarcreate computes it from the payload (-H leaves it out)",
    "files_archived_method": "flarcreate writes the archiver it used (cpio; -L)",
    "files_compressed_method": "flarcreate writes it (-c compresses)",
    "files_archived_size": "flarcreate computes it (-S leaves it out)",
    "files_unarchived_size": "flarcreate computes it (-S leaves it out)",
    "type": "flarcreate writes it (FULL; differential archives are not made here)",
    "rootpool": "only ZFS root-pool archives carry it, and they are not made here",
    "content_name": "it is the archive name: give it with -n",
    "section_begin": "it delimits sections",
    "section_end": "it delimits sections",
}

_ARCHITECTURE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")


def check_user_keyword(keyword: str) -> str:
    """The keyword as it will be written (``-U KEY=value``), or ValueError saying why not.

    ``X-`` keywords are the user's and kept as written; the documented settable
    identification keywords are matched case-insensitively (as Sun's reader
    does) and returned lowercase; computed ones are refused by name.
    """
    if any(ch in keyword for ch in "=\n\r\0"):
        raise ValueError(f"-U keyword {printable_excerpt(keyword)} may not contain '=', newlines or NUL")
    if keyword[:2].upper() == "X-":
        if not keyword.startswith("X-") or len(keyword) < 3:
            raise ValueError(f"user keyword {keyword!r} must begin with 'X-' and a name (e.g. X-department)")
        return keyword
    lowered = keyword.lower()
    if lowered in SETTABLE_KEYWORDS:
        return lowered
    if lowered in COMPUTED_KEYWORDS:
        raise ValueError(f"-U {lowered}: {COMPUTED_KEYWORDS[lowered]}; it cannot be set with -U")
    raise ValueError(
        f"-U {printable_excerpt(keyword)}: not an identification keyword flarcreate lets you set; "
        f"keywords of your own begin with 'X-' (e.g. X-{keyword or 'name'}), and the documented ones "
        f"are {', '.join(SETTABLE_KEYWORDS)}"
    )


def check_architectures(value: str) -> tuple[str, ...]:
    """content_architectures: a comma-separated list of kernel architectures (sun4u,sun4v)."""
    items = tuple(item.strip() for item in value.split(","))
    for item in items:
        if not _ARCHITECTURE_RE.fullmatch(item):
            raise ValueError(
                f"content_architectures={printable_excerpt(value)}: expected kernel architectures "
                "separated by commas, e.g. sun4u,sun4v"
            )
    return items


def check_section_name(name: str) -> None:
    if not name.startswith("X") or len(name) < 2:
        raise ValueError(f"user section name {name!r} must begin with 'X'")
    if any(ch in name for ch in "=/\n\r\0"):
        raise ValueError(f"user section name {name!r} may not contain '=', '/', newlines or NUL")


def section_lines(name: str, body: str) -> list[str]:
    """Delimited, line-oriented section text; refuses bodies that would confuse a reader."""
    lines = body.splitlines()
    for line in lines:
        if "\0" in line:
            raise ValueError(f"section {name!r} contains a NUL character (encode binary data, e.g. base64)")
        if line.startswith((f"{SECTION_BEGIN}=", f"{SECTION_END}=")):
            raise ValueError(f"section {name!r} contains a section delimiter line: {line!r}")
    return [f"{SECTION_BEGIN}={name}", *lines, f"{SECTION_END}={name}"]


def description_lines(description: str) -> list[str]:
    """content_description plus continuation lines, which Sun's reader appends to it."""
    first, *rest = description.splitlines() or [""]
    if "\0" in description:
        raise ValueError("content_description may not contain NUL characters")
    for line in rest:
        if "=" in line:
            # A reader would take a continuation line with '=' for a keyword.
            raise ValueError("content_description continuation lines may not contain '='")
    return [f"content_description={first}", *rest]
