"""The shell scripts' templates, ``planner/domain/scripts/*.sh.in``, filled through the quoting helper.

A template is a Bourne shell script with placeholders of three kinds, each filled one way only:

* ``@WORD:name@`` - one ``sh`` word: the value goes through :func:`planner.domain.quoting.sh_quote`;
* ``@COMMENT:name@`` - one ``# ...`` line: the value goes through :func:`planner.domain.quoting.comment`;
* ``@LINES:name@`` - script lines the runbook built from quoted words (one command per line, or a
  comment line from :func:`~planner.domain.quoting.comment`); a line holding a line break or another
  control character is refused.

Every placeholder of a template must be given and nothing else may be: a mismatch is a
programming error (ValueError).  The templates are package data, read with importlib.resources,
and tests/planner/domain/test_script_templates.py runs shellcheck on them as files.
"""

from __future__ import annotations

import re
from importlib import resources

from planner.domain.quoting import UnsafeValueError, comment, sh_quote

FINISH_TEMPLATE = "finish.sh.in"
PRE_ARCHIVE_TEMPLATE = "pre-archive.sh.in"
TEMPLATES = (FINISH_TEMPLATE, PRE_ARCHIVE_TEMPLATE)

PLACEHOLDER = re.compile(r"@(WORD|COMMENT|LINES):([a-z_]+)@")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def load_template(name: str) -> str:
    """The text of ``planner/domain/scripts/<name>``."""
    if name not in TEMPLATES:
        raise ValueError(f"no script template {name!r}; there are {', '.join(TEMPLATES)}")
    return resources.files("planner.domain").joinpath("scripts", name).read_text(encoding="utf-8")


def placeholders(text: str) -> set[tuple[str, str]]:
    """The (kind, name) pairs a template uses."""
    return {(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text)}


def _script_line(line: str) -> str:
    if _CONTROL.search(line):
        raise UnsafeValueError(f"{line[:80]!r} holds a line break or control character; not put in a script")
    return line


def render(
    name: str,
    *,
    words: dict[str, str] | None = None,
    comments: dict[str, str] | None = None,
    lines: dict[str, list[str]] | None = None,
) -> str:
    """Template ``name`` with every placeholder filled: words quoted, comments made comments."""
    text = load_template(name)
    given = {
        **{("WORD", k): sh_quote(v) for k, v in (words or {}).items()},
        **{("COMMENT", k): comment(v) for k, v in (comments or {}).items()},
        **{("LINES", k): "\n".join(_script_line(line) for line in v) for k, v in (lines or {}).items()},
    }
    wanted = placeholders(text)
    if set(given) != wanted:
        missing = sorted(f"@{k}:{n}@" for k, n in wanted - set(given))
        extra = sorted(f"@{k}:{n}@" for k, n in set(given) - wanted)
        raise ValueError(
            f"template {name}: missing {missing or 'nothing'}, not in the template {extra or 'nothing'}"
        )
    return PLACEHOLDER.sub(lambda m: given[(m.group(1), m.group(2))], text)
