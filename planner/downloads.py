"""Headers for downloads: every file name a response announces goes through Django's helper."""

from __future__ import annotations

from django.utils.http import content_disposition_header


def attachment(filename: str) -> str:
    """A Content-Disposition value for a download.

    Built by ``django.utils.http.content_disposition_header``: a quote, a backslash or a non-ASCII
    character in the name is escaped or RFC 5987-encoded, and line breaks are dropped, so a name
    can neither break the header nor add one.
    """
    clean = "".join(" " if ch in "\r\n" or ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in filename)
    return (
        content_disposition_header(as_attachment=True, filename=clean.strip() or "download") or "attachment"
    )
