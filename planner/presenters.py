"""Presenters: what the plan pages, the printable report, the exports and the API show of a plan.

One module builds the rows for the HTML and the API alike.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import selectors
from .extensions import ZoneFilter


def page_filters(request: HttpRequest) -> dict[str, str]:
    verdict = request.GET.get("verdict", "")
    return {
        "verdict": verdict if verdict in selectors.VERDICTS else "",
        "zone": request.GET.get("zone", "").strip()[:64],
    }


def zone_filter(request: HttpRequest, report: dict[str, Any]) -> ZoneFilter:
    """The page's verdict and zone filters, with the report's zones they keep."""
    filters = page_filters(request)
    kept = frozenset(str(z.get("name", "")) for z in selectors.report_zones(report, **filters))
    return ZoneFilter(verdict=filters["verdict"], zone=filters["zone"], kept=kept)
