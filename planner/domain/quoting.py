"""The one quoting helper for every file zflar generates.

Every value that goes into a generated file passes through here:

* :func:`sh_quote` - one word for POSIX ``sh`` (Solaris 10 ``/bin/sh`` is a Bourne shell):
  bare when it holds only characters no shell treats specially, else in single quotes
  (``'`` itself written as ``'\\''``).  Inside single quotes nothing is expanded: no
  ``$(...)``, no backquotes, no variables.  A NUL cannot be an argument and is refused.
* :func:`zonecfg_token` - one token of zonecfg's command text (``zonecfg -z Z 'a; b'``):
  bare when it holds none of zonecfg's special characters (whitespace ``; = [ ] ( ) , "``
  and ``#``), else in double quotes.  zonecfg's ``"..."`` has no escapes and ends a
  command at a newline, so a value holding ``"``, a backslash or a control character
  cannot be written and is refused (:func:`planner.solaris.names.check_zonecfg_value`).
* :func:`zonecfg_command` - ``zonecfg -z ZONE 'sub; sub; end'``: each subcommand built from
  tokens above, the whole text one ``sh`` word.
* :func:`comment` - a ``# ...`` line for a script or profile; a line break or any other
  control character in the text is refused, so nothing leaves the comment.
* :func:`word` - a value for a line-oriented file (JumpStart profile, rules, sysidcfg)
  that has no quoting at all: only ``[A-Za-z0-9_.,:+@%=/-]`` is let through.

Refusals raise :class:`UnsafeValueError`, a :class:`SolarisParseError`, so the web app's
existing handlers show the message (it names the value and where it was going).
"""

from __future__ import annotations

import re

from planner.solaris.errors import SolarisParseError
from planner.solaris.names import zonecfg_value_problem

# Characters no POSIX shell gives a meaning to, in any position.
_SH_SAFE = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")
# zonecfg's lexer: these end or split a bare word; '#' starts a comment at a command's start.
_ZONECFG_SPECIAL = re.compile(r"[\s;=\[\]\(\),\"#]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_.,:+@%=/-]+")


class UnsafeValueError(SolarisParseError):
    """A value that cannot be written safely into a generated file."""

    def __init__(self, message: str, *, source: str = "the plan") -> None:
        super().__init__(message, source=source)


def _shown(value: str) -> str:
    text = repr(value[:80])
    return text + "..." if len(value) > 80 else text


def sh_quote(value: str) -> str:
    """``value`` as one ``sh`` word that expands to exactly ``value``."""
    if not isinstance(value, str):
        raise UnsafeValueError(f"cannot quote {type(value).__name__} for sh")
    if "\x00" in value:
        raise UnsafeValueError(f"{_shown(value)} holds a NUL byte, which no shell argument can carry")
    if _SH_SAFE.fullmatch(value):
        return value
    return "'" + value.replace("'", "'\\''") + "'"


def sh_join(words: list[str]) -> str:
    return " ".join(sh_quote(w) for w in words)


def zonecfg_token(value: str, *, what: str = "value") -> str:
    """``value`` as one token of zonecfg command text, or UnsafeValueError."""
    problem = zonecfg_value_problem(value)
    if problem:
        raise UnsafeValueError(f"zonecfg {what} {_shown(value)} cannot be written: {problem}")
    if value and not _ZONECFG_SPECIAL.search(value):
        return value
    return f'"{value}"'


def zonecfg_command(zone: str, *subcommands: str) -> str:
    """``zonecfg -z ZONE 'a; b; end'``: zonecfg reads ';'-separated subcommands from one argument.

    The subcommands must have been built with :func:`zonecfg_token` for every value.
    """
    return f"zonecfg -z {sh_quote(zone)} {sh_quote('; '.join(subcommands))}"


def comment(text: str) -> str:
    """``# text`` for a script or a profile; refuses a line break or control character."""
    if _CONTROL.search(text):
        raise UnsafeValueError(
            f"{_shown(text)} holds a line break or control character; not put in a comment"
        )
    return f"# {text}".rstrip()


def word(value: str, *, what: str) -> str:
    """A value for a file with no quoting (profile, rules, sysidcfg): plain characters only."""
    if not isinstance(value, str) or not _PLAIN_WORD.fullmatch(value):
        raise UnsafeValueError(
            f"{what} {_shown(str(value))} cannot be written: only letters, digits and _ . , : + @ % = / - "
            "are allowed there"
        )
    return value
