"""The findings help page: docs/findings.md rendered for the app, one anchor per finding code.

The document is the one description of every code (finding texts link to ``#CODE``).  It is
rendered here by a small Markdown subset (the runtime set has no Markdown library): headings,
paragraphs, nested ``-``/``1.`` lists, tables, fenced code, and inline code, bold, italics and
links.  Every piece of text is HTML-escaped first; a link keeps only an ``http(s)``, ``#`` or
relative target, and a link to another ``.md`` file of the repository becomes plain text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_CODE_TOKEN = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
_LIST = re.compile(r"^(\s*)(?:[-*]|(\d+)\.)\s+(.*)$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def findings_doc_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "findings.md"


@dataclass(frozen=True)
class HelpDoc:
    title: str
    html: SafeString
    codes: tuple[str, ...]  # the codes that have an anchor


def _inline(text: str) -> str:
    """Escape ``text``, then turn `code`, **bold**, *italics* and [links](target) into HTML."""
    parts = re.split(r"(`[^`]*`)", text)
    out: list[str] = []
    for part in parts:
        if len(part) >= 2 and part.startswith("`") and part.endswith("`"):
            out.append(f"<code>{escape(part[1:-1])}</code>")
            continue
        html = escape(part)
        html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
        html = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", html)
        html = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", _link, html)
        out.append(html)
    return "".join(out)


def _link(match: re.Match[str]) -> str:
    label, target = match.group(1), match.group(2)
    if target.startswith(("http://", "https://")):
        return f'<a href="{target}" rel="noopener">{label}</a>'
    if target.startswith("#"):
        return f'<a href="{target}">{label}</a>'
    return label  # another document of the repository: not served


def _heading(level: int, text: str, codes: list[str]) -> str:
    found = [c for c in _CODE_TOKEN.findall(text) if c not in codes] if level >= 3 else []
    codes.extend(found)
    anchors = "".join(f'<span id="{c}" class="anchor"></span>' for c in found[1:])
    slug = found[0] if found else re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return f'<h{level} id="{escape(slug)}">{anchors}{_inline(text)}</h{level}>'


def _table(rows: list[str]) -> str:
    cells = [
        [c.strip() for c in row.strip().strip("|").split("|")] for row in rows if not _TABLE_RULE.match(row)
    ]
    if not cells:
        return ""
    head, *body = cells
    html = ["<table class='grid compact'><thead><tr>"]
    html += [f"<th scope='col'>{_inline(c)}</th>" for c in head]
    html.append("</tr></thead><tbody>")
    for row in body:
        html.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>")
    html.append("</tbody></table>")
    return "".join(html)


def _list(lines: list[str]) -> str:
    """Nested lists by indentation; a line that is not an item continues the item above."""
    html: list[str] = []
    stack: list[tuple[int, str]] = []  # (indent, tag)
    open_item = False
    for line in lines:
        match = _LIST.match(line)
        if match is None:
            html.append(" " + _inline(line.strip()))
            continue
        indent, number, text = len(match.group(1)), match.group(2), match.group(3)
        tag = "ol" if number else "ul"
        while stack and indent < stack[-1][0]:
            html.append(f"</li></{stack.pop()[1]}>")
        if not stack or indent > stack[-1][0]:
            html.append(f"<{tag}>")
            stack.append((indent, tag))
        elif open_item:
            html.append("</li>")
        html.append("<li>" + _inline(text))
        open_item = True
    while stack:
        html.append(f"</li></{stack.pop()[1]}>")
    return "".join(html)


def render_markdown(text: str) -> HelpDoc:
    """The subset this project's documents use, as HTML; the first ``#`` heading is the title."""
    lines = text.splitlines()
    html: list[str] = []
    codes: list[str] = []
    title = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            html.append(f"<pre>{escape(chr(10).join(lines[i + 1 : j]))}</pre>")
            i = j + 1
            continue
        heading = _HEADING.match(line)
        if heading:
            level, words = len(heading.group(1)), heading.group(2).strip()
            if level == 1 and not title:
                title = words
            else:
                html.append(_heading(level, words, codes))
            i += 1
            continue
        block: list[str] = []
        kind = "table" if line.lstrip().startswith("|") else "list" if _LIST.match(line) else "p"
        while i < len(lines) and lines[i].strip() and not lines[i].startswith(("```", "#")):
            if kind == "p" and (_LIST.match(lines[i]) or lines[i].lstrip().startswith("|")):
                break
            block.append(lines[i])
            i += 1
        if kind == "table":
            html.append(_table(block))
        elif kind == "list":
            html.append(_list(block))
        else:
            html.append("<p>" + _inline(" ".join(b.strip() for b in block)) + "</p>")
    return HelpDoc(title=title, html=mark_safe("\n".join(html)), codes=tuple(codes))  # noqa: S308


@functools.lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> HelpDoc:
    return render_markdown(Path(path).read_text(encoding="utf-8"))


def findings_doc() -> HelpDoc | None:
    """docs/findings.md rendered (cached until the file changes); None when the file is missing."""
    path = findings_doc_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _cached(str(path), mtime)
