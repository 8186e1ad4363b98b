"""Downloads: CSV and JSON exports of a plan, and their headers.

Every file name a response announces goes through Django's helper (:func:`attachment`).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse, JsonResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from .models import Plan


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


def download_name(plan: Plan, suffix: str) -> str:
    return f"{slugify(plan.source.hostname) or 'plan'}-plan{plan.pk}-{suffix}"


EXPORT_FORMATS = ("csv", "json")
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    """Text for a spreadsheet cell; a leading formula character is quoted so Excel shows it as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_CSV_FORMULA_START) else text


def csv_response(rows: list[dict[str, Any]], columns: tuple[str, ...], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c, "")) for c in columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment(filename)
    return response


def json_response(payload: dict[str, Any], filename: str) -> JsonResponse:
    response = JsonResponse(payload, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = attachment(filename)
    return response


def plan_header(plan: Plan, filters: dict[str, str]) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "name": plan.name,
        "source": plan.source.hostname,
        "destination": plan.destination.hostname,
        "verdict": plan.verdict,
        "computed": plan.computed.isoformat() if plan.computed else None,
        "filters": {k: v for k, v in filters.items() if v},
    }
