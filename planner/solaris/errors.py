"""The one error type every Solaris parser raises.

Callers (import, the report CLI, the web views) catch exactly this and show
``str(err)``; it always names the file and, where one applies, the line.
"""

from __future__ import annotations


class SolarisParseError(ValueError):
    """Input that does not look like the command output it claims to be."""

    def __init__(self, message: str, *, source: str = "<input>", line: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"file": self.source, "line": self.line, "message": self.message}
