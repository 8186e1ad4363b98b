"""Reader for ``metastat -p`` (the md.tab(4) format) and md.tab files.

Names are normalised to short form: ``/dev/md/rdsk/d11`` -> ``d11``,
``/dev/rdsk/c0t0d0s0`` -> ``c0t0d0s0``, ``blue/d11`` -> ``d11`` (the disk set
is recorded once, on the metadevice).  Stripes have one row (``stripe``);
several rows make a ``concat`` (of stripes); the row structure stays in
``rows``.  Options use readable keys: mirror ``read_policy``
(geometric/first), ``write_policy`` (serial), ``pass``; stripe ``interlace``
(one value per row that has one, comma-joined) and ``hot_spare_pool``;
soft partition ``extents`` (``offset:blocks`` comma-joined), ``blocks`` (their
sum) or ``size`` / ``whole_disk`` for the ``-e`` form; RAID5 ``interlace``,
``hot_spare_pool``, ``original_columns``, ``no_resync`` (-k); trans ``master``
and ``log``; mddb ``copies`` / ``length``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._text import is_ascii_int, numbered_lines
from .errors import SolarisParseError
from .inventory import Metadevice
from .limits import MAX_METADEVICES, check_count
from .names import check_path_word

_METADEVICE = re.compile(r"d[0-9]+")
_HOT_SPARE_POOL = re.compile(r"hsp[A-Za-z0-9_.-]*")
_MDDB = re.compile(r"mddb[0-9]+")
_DEVICE_PREFIX = re.compile(r"/dev/md/(?:[^/\s]+/)?r?dsk/|/dev/r?dsk/")
_SIZE = re.compile(r"[0-9]+[kmgtbKMGTB]?")
# What "metastat -p" prints (on stderr, often captured with it) on a host without SVM.
_NO_DATABASES = "there are no existing databases"


def short_name(name: str) -> str:
    """``/dev/md/blue/rdsk/d11`` or ``blue/d11`` -> ``d11``; ``/dev/dsk/c0t0d0s0`` -> ``c0t0d0s0``."""
    name = _DEVICE_PREFIX.sub("", name, count=1)
    if "/" in name and not name.startswith("/"):
        tail = name.rsplit("/", 1)[1]
        if _METADEVICE.fullmatch(tail) or _HOT_SPARE_POOL.fullmatch(tail):
            return tail
    return name


def _logical_lines(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """Join backslash-continued lines; yield (first line number, words) per entry."""
    pending: list[str] = []
    start = 0
    for number, raw in numbered_lines(text):
        stripped = raw.split("#", 1)[0].rstrip()
        if not pending:
            start = number
        continued = stripped.endswith("\\")
        pending.append(stripped[:-1] if continued else stripped)
        if not continued:
            words = " ".join(pending).split()
            pending = []
            if words:
                yield start, words
    if pending:
        raise SolarisParseError(
            "the last line ends with '\\' but nothing follows it", source=source, line=start
        )


class _Entry:
    """The words of one md.tab entry after its name, with a cursor."""

    def __init__(self, words: list[str], source: str, line: int) -> None:
        self.words = words
        self.index = 0
        self.source = source
        self.line = line

    def error(self, message: str) -> SolarisParseError:
        return SolarisParseError(message, source=self.source, line=self.line)

    def more(self) -> bool:
        return self.index < len(self.words)

    def peek(self) -> str:
        return self.words[self.index] if self.more() else ""

    def take(self, what: str) -> str:
        if not self.more():
            raise self.error(f"expected {what} at the end of the entry")
        word = self.words[self.index]
        self.index += 1
        return word

    def number(self, what: str) -> int:
        word = self.take(what)
        if not is_ascii_int(word):
            raise self.error(f"expected {what} (a number), found {word!r}")
        return int(word)

    def device(self, what: str) -> str:
        word = self.take(what)
        if word.startswith("-"):
            raise self.error(f"expected {what}, found option {word!r}")
        return short_name(word)

    def devices_until_option(self) -> list[str]:
        devices = []
        while self.more() and not self.peek().startswith("-"):
            devices.append(short_name(self.take("a device")))
        return devices


def _mirror(entry: _Entry, md: Metadevice) -> None:
    while entry.more():
        word = entry.take("a submirror")
        if word in ("-g", "-r"):
            md.options["read_policy"] = "geometric" if word == "-g" else "first"
        elif word == "-S":
            md.options["write_policy"] = "serial"
        elif is_ascii_int(word) and not entry.more():
            md.options["pass"] = word
        elif word.startswith("-"):
            raise entry.error(f"unknown mirror option {word!r}; metastat prints -g, -r, -S and a pass number")
        else:
            md.components.append(short_name(word))
    if not md.components:
        raise entry.error("a mirror needs at least one submirror after -m")


def _stripe(entry: _Entry, md: Metadevice, row_count: int) -> None:
    interlaces = []
    for row_number in range(1, row_count + 1):
        width = entry.number(f"the component count of row {row_number}")
        row = [entry.device(f"component {i} of row {row_number}") for i in range(1, width + 1)]
        if entry.peek() == "-i":
            entry.take("-i")
            interlaces.append(entry.take("an interlace size after -i"))
        md.rows.append(row)
        md.components.extend(row)
    if interlaces:
        md.options["interlace"] = ",".join(interlaces)
    if entry.peek() == "-h":
        entry.take("-h")
        md.options["hot_spare_pool"] = short_name(entry.take("a hot spare pool after -h"))
    if entry.more():
        raise entry.error(f"unexpected {entry.peek()!r} after {row_count} row(s); is the row count right?")
    md.kind = "concat" if row_count > 1 else "stripe"


def _soft_partition(entry: _Entry, md: Metadevice) -> None:
    if entry.peek() == "-e":
        entry.take("-e")
        md.options["whole_disk"] = "yes"
    md.components.append(entry.device("the device a soft partition sits on"))
    extents: list[tuple[int, int]] = []
    while entry.more():
        word = entry.take("-o OFFSET -b BLOCKS or a size")
        if word == "-o":
            offset = entry.number("an offset after -o")
            if entry.take("-b after the offset") != "-b":
                raise entry.error("each soft partition extent is '-o OFFSET -b BLOCKS'")
            extents.append((offset, entry.number("a block count after -b")))
        elif _SIZE.fullmatch(word) and "size" not in md.options and not extents:
            md.options["size"] = word
        else:
            raise entry.error(f"unexpected {word!r} in a soft partition; expected -o OFFSET -b BLOCKS")
    if extents:
        md.options["extents"] = ",".join(f"{offset}:{blocks}" for offset, blocks in extents)
        md.options["blocks"] = str(sum(blocks for _, blocks in extents))


def _raid5(entry: _Entry, md: Metadevice) -> None:
    md.components = entry.devices_until_option()
    if not md.components:
        raise entry.error("a RAID5 metadevice needs its component slices after -r")
    md.rows = [list(md.components)]
    valued = {"-i": "interlace", "-h": "hot_spare_pool", "-o": "original_columns"}
    while entry.more():
        word = entry.take("a RAID5 option")
        if word == "-k":
            md.options["no_resync"] = "yes"
        elif word in valued:
            md.options[valued[word]] = short_name(entry.take(f"a value after {word}"))
        else:
            raise entry.error(f"unknown RAID5 option {word!r}; expected -k, -i, -o or -h")


def _trans(entry: _Entry, md: Metadevice) -> None:
    md.options["master"] = entry.device("the master device after -t")
    md.components.append(md.options["master"])
    if entry.more():
        md.options["log"] = entry.device("the log device")
        md.components.append(md.options["log"])
    if entry.more():
        raise entry.error(f"unexpected {entry.peek()!r}; a trans metadevice is '-t MASTER [LOG]'")


def _mddb(entry: _Entry, md: Metadevice) -> None:
    valued = {"-c": "copies", "-l": "length"}
    while entry.more():
        word = entry.take("a device or option")
        if word in valued:
            md.options[valued[word]] = str(entry.number(f"a number after {word}"))
        elif word.startswith("-"):
            raise entry.error(f"unknown mddb option {word!r}; expected -c or -l")
        else:
            md.components.append(short_name(word))


def _metadevice_body(entry: _Entry, md: Metadevice) -> None:
    first = entry.peek()
    kinds = {"-m": ("mirror", _mirror), "-p": ("softpart", _soft_partition), "-r": ("raid5", _raid5)}
    if first in kinds:
        entry.take(first)
        md.kind, reader = kinds[first]
        reader(entry, md)
    elif first == "-t":
        entry.take(first)
        md.kind = "trans"
        _trans(entry, md)
    elif is_ascii_int(first):
        _stripe(entry, md, entry.number("the number of rows"))
    else:
        raise entry.error(
            f"expected a row count, -m, -p, -r or -t after {md.name}, found {first or 'nothing'!r}"
        )


def _entry(words: list[str], source: str, line: int) -> Metadevice:
    full_name = words[0]
    diskset, name = split_diskset(full_name)
    md = Metadevice(name=name, kind="", diskset=diskset, line=line)
    entry = _Entry(words[1:], source, line)
    if _MDDB.fullmatch(name):
        md.kind = "mddb"
        _mddb(entry, md)
    elif _METADEVICE.fullmatch(name):
        _metadevice_body(entry, md)
    elif _HOT_SPARE_POOL.fullmatch(name):
        md.kind = "hsp"
        md.components = [entry.device("a hot spare") for _ in range(len(words) - 1)]
    else:
        raise entry.error(f"{full_name!r} is not a metadevice (dNN), hot spare pool (hspNNN) or mddb name")
    return md


def split_diskset(name: str) -> tuple[str, str]:
    """``blue/d10`` or ``/dev/md/blue/dsk/d10`` -> (``blue``, ``d10``); ``d10`` -> ("", ``d10``)."""
    match = re.fullmatch(r"/dev/md/([^/\s]+)/r?dsk/(.+)", name)
    if match and match.group(1) not in ("dsk", "rdsk"):
        return match.group(1), match.group(2)
    name = _DEVICE_PREFIX.sub("", name, count=1)
    diskset, _, short = name.rpartition("/")
    return diskset, short


def parse_metastat(text: str, *, source: str) -> list[Metadevice]:
    """Read ``metastat -p`` output; an SVM-less host's "no existing databases" message gives []."""
    devices = []
    for line, words in _logical_lines(text, source):
        if words[0].startswith("metastat:"):
            if _NO_DATABASES in " ".join(words):
                continue
            raise SolarisParseError(
                f"metastat reported an error: {' '.join(words)}", source=source, line=line
            )
        md = _entry(words, source, line)
        _check_names(md, source, line)
        devices.append(md)
        check_count(len(devices), MAX_METADEVICES, "metadevices", source=source, line=line)
    return devices


def _check_names(md: Metadevice, source: str, line: int) -> None:
    """Components and option values are device words: no control characters, quotes or ``$;``."""
    if md.diskset and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.+-]*", md.diskset):
        raise SolarisParseError(f"diskset name {md.diskset!r} is not valid", source=source, line=line)
    for word in [*md.components, *md.options.values()]:
        check_path_word(word, what="metadevice component", source=source, line=line)
