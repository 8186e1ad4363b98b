"""The one error type the flar library raises.

Callers (the CLI, Celery jobs, the web views) catch exactly :class:`FlarError`
and show ``str(err)``; it names the archive and, when one applies, the byte
offset where reading went wrong.  Offsets inside the files section are counted
in *uncompressed* payload bytes from the start of the cpio stream, which is what
``cpio`` itself would report.
"""

from __future__ import annotations


class FlarError(Exception):
    """An archive that cannot be read, written or extracted as asked."""

    def __init__(self, message: str, path: str = "", offset: int | None = None) -> None:
        self.message = message
        self.path = path
        self.offset = offset
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<archive>"
        if self.offset is not None:
            where = f"{where} (payload offset {self.offset})"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "offset": self.offset, "message": self.message}


class FlarCancelled(FlarError):
    """The caller's cancel callback asked to stop; nothing half-done is left behind."""
