"""Small text helpers shared by the parsers.

Line numbers must match what an admin sees in an editor, so lines are split on
``\\n`` only (``str.splitlines`` also splits on form feeds and Unicode
separators, which would shift every later line number).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from .errors import SolarisParseError

_ASCII_INT = re.compile(r"[0-9]+")
_ASCII_SIGNED_INT = re.compile(r"-?[0-9]+")
_UNIT_SIZE = re.compile(r"([0-9]+(?:\.[0-9]+)?)([KMGT]?)B?", re.IGNORECASE)
_UNIT_POWERS = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4}
_UNIT_LETTERS = "KMGT"


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) with any trailing CR removed (files copied via Windows)."""
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.rstrip("\r")


def content_lines(text: str) -> Iterator[tuple[int, str]]:
    """Numbered lines that are neither blank nor ``#`` comments, stripped."""
    for number, line in numbered_lines(text):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield number, stripped


def parse_int(text: str, what: str, *, source: str, line: int | None) -> int:
    """An ASCII decimal integer, or an error naming what was expected."""
    if not _ASCII_INT.fullmatch(text):
        raise SolarisParseError(f"{what} must be a whole number, not {text!r}", source=source, line=line)
    return int(text)


def parse_signed_int(text: str, what: str, *, source: str, line: int | None) -> int:
    if not _ASCII_SIGNED_INT.fullmatch(text):
        raise SolarisParseError(f"{what} must be a whole number, not {text!r}", source=source, line=line)
    return int(text)


def is_ascii_int(text: str) -> bool:
    return bool(_ASCII_INT.fullmatch(text))


def parse_decimal(text: str) -> Decimal | None:
    """A plain non-negative decimal like ``1.5``; None for anything else."""
    if not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already rules this out
        return None


def format_decimal(value: Decimal) -> str:
    """``Decimal('1.50')`` -> ``'1.5'``, ``Decimal('2')`` -> ``'2'`` (never exponent form)."""
    text = format(value.normalize(), "f")
    return text


def units_to_bytes(text: str) -> int | None:
    """zonecfg memory sizes: ``512M``, ``2g``, ``1.5G``, ``1073741824`` -> bytes; None if not a size."""
    match = _UNIT_SIZE.fullmatch(text.strip())
    if not match:
        return None
    number = Decimal(match.group(1))
    power = _UNIT_POWERS[match.group(2).upper()]
    return int(number * (1024**power))


def bytes_to_units(nbytes: int) -> str:
    """The largest K/M/G/T unit that represents ``nbytes`` exactly (``536870912`` -> ``512M``).

    zonecfg itself rounds to one decimal place; we stay exact so that a size
    written into a config reads back as the same number of bytes.
    """
    if nbytes <= 0:
        return str(nbytes)
    value = nbytes
    unit = ""
    for letter in _UNIT_LETTERS:
        if value % 1024 != 0:
            break
        value //= 1024
        unit = letter
    return f"{value}{unit}"


def split_driver_instance(name: str) -> tuple[str, int | None]:
    """``e1000g0`` -> (``e1000g``, 0); ``nxge12`` -> (``nxge``, 12); no trailing digits -> (name, None).

    Solaris link names are the driver name followed by the instance (PPA), and
    driver names never end in a digit, so the trailing digits are the instance.
    """
    match = re.fullmatch(r"(.*[^0-9])([0-9]+)", name)
    if not match:
        return name, None
    return match.group(1), int(match.group(2))
