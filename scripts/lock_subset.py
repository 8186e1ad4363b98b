#!/usr/bin/env python3
"""Print one install set of requirements.lock, as a hashed requirements file.

    python3 scripts/lock_subset.py runtime|all|tools [LOCK]

requirements.lock is the one lock file (``make lock`` writes it with ``uv pip compile``
from pyproject.toml): every package of every group, pinned, with its hashes and a
``# via`` annotation naming what asked for it.  The project's own requirements are
annotated ``zflar (pyproject.toml)`` (the runtime set, ``[project].dependencies``) or
``zflar (pyproject.toml:GROUP)`` (a ``[dependency-groups]`` group).  A set is its roots
plus everything a package already in the set asked for:

* ``runtime``: ``[project].dependencies`` and what they need: what ``make run`` installs;
* ``all``: the runtime set and the ``dev`` group (tests, linters, benchmarks): ``make test``;
* ``tools``: the ``tools`` group (uv itself), which ``make`` bootstraps with pip.

Standard library only: it runs with the system Python before any virtual environment exists.
The blocks are printed unchanged (pins, environment markers, hashes), so the installer checks
every hash.  Exit status 2 when the lock file has no package for a root of the set.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = "zflar"
SETS = {"runtime": ("",), "all": ("", "dev"), "tools": ("tools",)}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==")
_ROOT = re.compile(rf"^{PROJECT} \(pyproject\.toml(?::([A-Za-z0-9._-]+))?\)$")


class LockError(Exception):
    """requirements.lock cannot be read, or lacks what a set needs."""


@dataclass
class Block:
    name: str
    lines: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)


def normalize(name: str) -> str:
    """PEP 503 name normalization."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(text: str) -> dict[str, Block]:
    """The lock's packages by normalized name: their requirement lines and who asked for them."""
    blocks: dict[str, Block] = {}
    current: Block | None = None
    in_via = False
    for line in text.splitlines():
        pin = _PIN.match(line)
        if pin:
            current = Block(normalize(pin.group(1)), [line])
            blocks[current.name] = current
            in_via = False
            continue
        if current is None:
            continue
        stripped = line.strip()
        if stripped.startswith("--hash="):
            current.lines.append(line)
        elif stripped == "# via":
            in_via = True
        elif stripped.startswith("# via "):
            current.via.append(stripped.removeprefix("# via ").strip())
            in_via = False
        elif in_via and stripped.startswith("#   "):
            current.via.append(stripped.removeprefix("#   ").strip())
        else:
            in_via = False
    return blocks


def select(blocks: dict[str, Block], groups: tuple[str, ...]) -> list[Block]:
    """The packages of ``groups`` ("" is the runtime set) and, transitively, what they need."""
    roots = set()
    for block in blocks.values():
        for parent in block.via:
            root = _ROOT.match(parent)
            if root and (root.group(1) or "") in groups:
                roots.add(block.name)
    if not roots:
        raise LockError(f"no package of {', '.join(g or 'the runtime set' for g in groups)} in the lock")
    chosen = set(roots)
    changed = True
    while changed:
        changed = False
        for block in blocks.values():
            if block.name not in chosen and any(normalize(p) in chosen for p in block.via):
                chosen.add(block.name)
                changed = True
    return [block for block in blocks.values() if block.name in chosen]


def render(chosen: list[Block]) -> str:
    out = []
    for block in chosen:
        lines = list(block.lines)
        lines[-1] = lines[-1].rstrip(" \\")  # the last hash ends the requirement
        out.append("\n".join(lines))
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in SETS or len(argv) > 2:
        print(f"usage: lock_subset.py {'|'.join(SETS)} [LOCK]", file=sys.stderr)
        return 2
    lock = Path(argv[1] if len(argv) > 1 else Path(__file__).resolve().parent.parent / "requirements.lock")
    try:
        sys.stdout.write(render(select(parse(lock.read_text()), SETS[argv[0]])))
    except (OSError, LockError) as exc:
        print(f"lock_subset.py: {lock}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
