"""Access to the real-format sample files under tests/planner/solaris/samples/."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "planner" / "solaris" / "samples"


def sample(relative: str) -> str:
    return (SAMPLES / relative).read_text(encoding="utf-8")
