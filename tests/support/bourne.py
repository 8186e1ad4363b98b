"""A static check for constructs the Solaris 10 /bin/sh (the old Bourne shell) does not have.

``dash -n`` and ``shellcheck -s sh`` accept POSIX sh, which is newer than the
Bourne shell the collector must run under; this check rejects what POSIX added
(``$(...)``, ``$((...))``, ``${var#...}``, ``!`` negation...), bash/ksh-isms
(``[[``, ``local``, ``function``, arrays, ``source``, ``==``), and tools or
options that Solaris 10 lacks in /usr/bin (``grep -q``, ``mktemp``, ``echo -n``,
``test -e``, ``read -r``, GNU tar's ``z``).

The scanner is small but quote-aware: single-quoted text and comments are
ignored, double-quoted text is checked only for expansions, and here-documents
are checked for expansions unless their delimiter is quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    line: int
    rule: str
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.rule}: {self.text.strip()}"


# Where a command word can start: line start, after ; & | ( { ` or a keyword.
_CMD = r"(?:^|[;&|(){`]|\b(?:then|do|else|elif|if|while|until)\s)\s*"

# Checked on code with quoted text blanked (words the shell itself would see).
_WORD_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[[ ]] test (ksh/bash)", re.compile(r"(?:^|\s)\[\[(?:\s|$)")),
    ("local (not in Bourne sh)", re.compile(_CMD + r"local\s")),
    ("function keyword (ksh/bash)", re.compile(_CMD + r"function\s+\w")),
    ("source (use .)", re.compile(_CMD + r"source\s")),
    ("! pipeline negation (not in Bourne sh)", re.compile(_CMD + r"!\s")),
    ("echo -n/-e (not portable)", re.compile(_CMD + r"echo\s+-[neE]+\b")),
    ("test -e (Bourne test has no -e; use -f/-d/-r)", re.compile(r"(?:\btest|\[)\s+(?:!\s+)?-e\s")),
    ("== in a test (use =)", re.compile(r"(?:^|\s)==(?:\s|$)")),
    ("array assignment (ksh/bash)", re.compile(r"(?:^|[\s;])[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=\(")),
    (
        "declare/typeset/readarray (bash/ksh arrays)",
        re.compile(_CMD + r"(?:declare|typeset|readarray|mapfile)\s"),
    ),
    ("let/(( )) arithmetic (use expr)", re.compile(_CMD + r"(?:let\s|\(\()")),
    ("here-string <<< (bash)", re.compile(r"<<<")),
    ("&> redirection (bash)", re.compile(r"&>")),
    ("|& pipe (bash)", re.compile(r"\|&")),
    ("read -r (Bourne read has no options)", re.compile(_CMD + r"read\s+-\w")),
    (
        "grep -q (not in Solaris /usr/bin/grep; redirect to /dev/null)",
        re.compile(r"\bgrep\s+(?:-\w*\s+)*-\w*q"),
    ),
    ("mktemp (not on every Solaris 10)", re.compile(_CMD + r"mktemp\b")),
    ("GNU tar compression flag (use tar cf only)", re.compile(_CMD + r"tar\s+-?[cxt]\w*[zjJ]")),
    ("set -o (not in Bourne sh)", re.compile(_CMD + r"set\s+-\w*o(?:\s|$)")),
    (
        "trap on a signal name (Bourne trap takes numbers: 0 1 2 3 15)",
        re.compile(_CMD + r"trap\s.*\b(?:EXIT|INT|TERM|HUP|ERR)\b"),
    ),
)
# Checked on code with only single-quoted text blanked (expansions happen in "...").
_EXPANSION_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("$(( )) arithmetic (use expr)", re.compile(r"\$\(\(")),
    ("$( ) command substitution (use backquotes)", re.compile(r"\$\((?!\()")),
    ("${#var} length (not in Bourne sh)", re.compile(r"\$\{#")),
    ("${var#...}/${var%...} trimming (not in Bourne sh)", re.compile(r"\$\{\w+(?:#|%)")),
    ("${var/...} substitution (bash)", re.compile(r"\$\{\w+/")),
    ("${var:offset} substring (bash)", re.compile(r"\$\{\w+:[0-9]")),
    ("${!var} indirection (bash)", re.compile(r"\$\{!")),
    ("${var[...]} array element (bash)", re.compile(r"\$\{\w+\[")),
    ("${var^^}/${var,,} case change (bash)", re.compile(r"\$\{\w+(?:\^|,)")),
    ("$RANDOM/$BASH*/$'...' (bash)", re.compile(r"\$(?:RANDOM\b|BASH\w*|')")),
)

_HEREDOC = re.compile(r"<<-?\s*(\\?)(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


def _scan(text: str) -> tuple[str, str]:
    """Return (expansions view, words view) of ``text``, same length and line breaks.

    expansions view: comments and single-quoted text blanked.
    words view: additionally double-quoted and backquoted-in-quotes text blanked.
    Here-document bodies are blanked in the words view, and in the expansions view
    too when the delimiter is quoted (no expansion happens then).
    """
    expand: list[str] = []
    words: list[str] = []
    lines = text.split("\n")
    quote = ""  # "", "'" or '"'
    pending_heredocs: list[tuple[str, bool, bool]] = []  # (delimiter, strip tabs, expands)
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        e_line: list[str] = []
        w_line: list[str] = []
        position = 0
        while position < len(line):
            char = line[position]
            if quote == "'":
                e_line.append(" ")
                w_line.append(" ")
                if char == "'":
                    quote = ""
                position += 1
                continue
            if char == "\\" and position + 1 < len(line):
                e_line.append("  ")
                w_line.append("  ")
                position += 2
                continue
            if quote == '"':
                e_line.append(char)
                w_line.append(" ")
                if char == '"':
                    quote = ""
                position += 1
                continue
            if char in "'\"":
                quote = char
                # Keep the quote of a bash $'...' string visible to the expansion rules.
                e_line.append("'" if char == "'" and e_line and e_line[-1] == "$" else " ")
                w_line.append(" ")
                position += 1
                continue
            if char == "#" and (position == 0 or line[position - 1] in " \t;&|("):
                break  # a comment runs to the end of the line
            heredoc = _HEREDOC.match(line, position) if char == "<" else None
            if heredoc:
                quoted = bool(heredoc.group(1) or heredoc.group(2))
                pending_heredocs.append((heredoc.group(3), heredoc.group(0).startswith("<<-"), not quoted))
                e_line.append(heredoc.group(0))
                w_line.append(heredoc.group(0))
                position = heredoc.end()
                continue
            e_line.append(char)
            w_line.append(char)
            position += 1
        expand.append("".join(e_line))
        words.append("".join(w_line))
        for delimiter, strip_tabs, expands in pending_heredocs:
            while index < len(lines):
                body = lines[index]
                index += 1
                if (body.lstrip("\t") if strip_tabs else body) == delimiter:
                    expand.append("")
                    words.append("")
                    break
                expand.append(body.replace("\\$", "  ").replace("\\`", "  ") if expands else "")
                words.append("")
        pending_heredocs = []
    return "\n".join(expand), "\n".join(words)


def bourne_violations(text: str) -> list[Violation]:
    """Every construct in ``text`` that the Solaris 10 Bourne shell would not run."""
    expand, words = _scan(text)
    found: list[Violation] = []
    source_lines = text.split("\n")
    for view, rules in ((words, _WORD_RULES), (expand, _EXPANSION_RULES)):
        for number, line in enumerate(view.split("\n"), start=1):
            for rule, pattern in rules:
                if pattern.search(line):
                    original = source_lines[number - 1] if number <= len(source_lines) else line
                    found.append(Violation(number, rule, original))
    return sorted(found, key=lambda v: (v.line, v.rule))
