"""Presentation helpers for the zflar templates: badges, sizes, durations and the disk drawings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.http import QueryDict

from planner import choices
from planner.domain.contract import Layout, LayoutDisk, LayoutSlice, UnplacedFs

register = template.Library()

# Labels and colours come from planner.choices (the jobs app registers its states' there).
verdict_label = register.filter("verdict_label", choices.verdict_label)
verdict_class = register.filter("verdict_class", choices.verdict_tone)
severity_class = register.filter("severity_class", choices.severity_tone)
state_class = register.filter("state_class", choices.state_tone)
nic_status_class = register.filter("nic_status_class", choices.nic_status_tone)


@register.filter
def bar_percent(job: Any) -> int:
    """A job's bar width: its percent, or full once it ended without byte counts (its badge says how)."""
    if getattr(job, "is_terminal", False) and not getattr(job, "bytes_total", None):
        return 100
    return int(getattr(job, "percent", 0) or 0)


@register.filter
def mb(value: Any) -> str:
    """A size given in MB, shown as MB below 10 GB and as GB above."""
    try:
        size = float(value)
    except (TypeError, ValueError):
        return "—"
    if size >= 10 * 1024:
        return f"{size / 1024:,.1f} GB"
    return f"{size:,.0f} MB"


@register.filter
def bytes_h(value: Any) -> str:
    """A byte count in binary units (KiB, MiB, GiB)."""
    try:
        size = float(value)
    except (TypeError, ValueError):
        return "—"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} TiB"


@register.filter
def disk_size(value: Any) -> str:
    """A disk size in bytes, as vendors label it (decimal GB) with MB for small ones."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return "—"
    if size >= 10**9:
        return f"{size / 10**9:,.1f} GB"
    return f"{size / 2**20:,.0f} MB"


@register.filter
def duration(seconds: Any) -> str:
    try:
        total = int(seconds)
    except (TypeError, ValueError):
        return "—"
    hours, rest = divmod(max(total, 0), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def column_title(column: str) -> str:
    return {
        "state": "Halted",
        "autoboot": "Autoboot",
        "net": "Network",
        "nfs": "NFS",
        "lofs": "lofs",
        "ufs": "UFS",
        "svm": "SVM",
        "devices": "Devices",
        "other": "Host / other",
    }.get(column, column)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some keys replaced (empty values removed), for filter links."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


# --- the disk drawing ----------------------------------------------------------------------------

SVG_WIDTH = 1000
BAR_X = 10
BAR_HEIGHT = 34
ROW_GAP = 12


def _slice_label(s: LayoutSlice) -> str:
    parts = []
    if s.index is not None:
        parts.append(f"s{s.index}")
    if s.mount_point:
        parts.append(s.mount_point)
    elif s.key:
        parts.append(s.key)
    parts.append(mb(s.size_mb))
    return " ".join(parts)


SECTORS_PER_MB = 2048


def _placed_slices(d: LayoutDisk) -> list[tuple[float, float, LayoutSlice]]:
    """(offset MB, size MB, slice) for the file-system slices of one disk, in disk order.

    Uses each slice's start sector when the report gives one, else lays them end to end.
    """
    slices = [s for s in d.slices if not s.is_backup]
    positioned = any((s.start_sector or 0) > 0 or (s.start_cyl or 0) > 0 for s in slices)
    out: list[tuple[float, float, LayoutSlice]] = []
    cursor = 0.0
    for s in slices:
        size = float(s.size_mb)
        if positioned and s.start_sector is not None:
            offset = max(0, s.start_sector) / SECTORS_PER_MB
        elif positioned and s.start_cyl is not None and d.cylinder_sectors:
            offset = max(0, s.start_cyl) * d.cylinder_sectors / SECTORS_PER_MB
        else:
            offset = cursor
        out.append((offset, size, s))
        cursor = max(cursor, offset + size)
    return sorted(out, key=lambda item: item[0])


def _layout(layout: Any) -> tuple[tuple[LayoutDisk, ...], tuple[UnplacedFs, ...]]:
    """The disks and unplaced file systems of a layout: the report's (typed), the layout editor's,
    or a layout dict as the report JSON holds it."""
    if isinstance(layout, Mapping) or layout is None:
        layout = Layout.from_dict(layout or {})
    return tuple(getattr(layout, "disks", ())), tuple(getattr(layout, "unplaced", ()))


@register.inclusion_tag("planner/partials/layout_svg.html")
def layout_svg(layout: Layout | Mapping[str, Any] | Any) -> dict[str, Any]:
    """Geometry for one SVG per destination disk, and the file systems that did not fit.

    All disks share one scale so bars compare.  Free space (the gaps between slices and
    after the last one) is hatched.  A file system that did not fit is drawn in red from
    the end of the used space of the disk with the most free room, running past the
    disk's end by its shortfall, labelled "short by N MB".
    """
    disks, unplaced = _layout(layout)
    prepared = []
    for d in disks:
        placed = _placed_slices(d)
        used_end = max((off + size for off, size, _ in placed), default=0.0)
        # The bar is the allocatable part of the disk (usable cylinders), not the label size.
        size = float(d.usable_mb or d.size_mb or used_end)
        usable = size
        if d.free_mb is not None:
            free = float(d.free_mb)
        else:
            free = max(0.0, usable - sum(sz for _, sz, _ in placed))
        prepared.append(
            {"disk": d, "placed": placed, "used_end": used_end, "size": size, "usable": usable, "free": free}
        )
    # Each file system that did not fit is drawn on the disk the planner names as its best
    # candidate ("best_disk"), else on the disk with the most free room.
    roomiest = max(prepared, key=lambda p: p["free"], default=None)
    by_name = {p["disk"].name: p for p in prepared}
    overflow_of: dict[int, list[UnplacedFs]] = {}
    for u in unplaced:
        host_disk = by_name.get(u.best_disk) or roomiest
        if host_disk is not None:
            overflow_of.setdefault(id(host_disk), []).append(u)
    extent = max([p["size"] for p in prepared] + [1.0])
    for p in prepared:
        for u in overflow_of.get(id(p), []):
            extent = max(extent, p["used_end"] + u.size_mb)
    scale = (SVG_WIDTH - 2 * BAR_X) / extent
    overflow_row = BAR_HEIGHT // 2 + 8

    drawings = []
    for n, p in enumerate(prepared, 1):
        rects = []
        gaps = []
        cursor = 0.0
        for offset, size, s in p["placed"]:
            if offset > cursor + 0.5:
                gaps.append((cursor, offset))
            width = size * scale
            x = BAR_X + offset * scale
            rects.append(
                {
                    "shade": len(rects) % 4,
                    "index": s.index,
                    "mount_point": s.mount_point or s.key,
                    "size_mb": size,
                    "zone": s.zone or "",
                    "x": round(x, 1),
                    "width": round(max(width, 1), 1),
                    "label": _slice_label(s),
                    "show_label": width >= 70,
                    "text_x": round(x + 4, 1),
                    "key": s.key,
                }
            )
            cursor = max(cursor, offset + size)
        if p["usable"] > cursor + 0.5:
            gaps.append((cursor, p["usable"]))
        free_rects = [
            {"x": round(BAR_X + a * scale, 1), "width": round(max((b - a) * scale, 1), 1), "label": mb(b - a)}
            for a, b in gaps
        ]
        disk_end = BAR_X + p["size"] * scale
        overflow = []
        if overflow_of.get(id(p)):
            row_y = BAR_HEIGHT + ROW_GAP
            for u in overflow_of[id(p)]:
                start = BAR_X + p["used_end"] * scale
                width = max(u.size_mb * scale, 2)
                anchor_end = start > SVG_WIDTH / 2
                name = u.mount_point or u.key
                overflow.append(
                    {
                        "name": name,
                        "x": round(start, 1),
                        "y": row_y,
                        "width": round(width, 1),
                        "height": BAR_HEIGHT // 2,
                        "label": f"{name} {mb(u.size_mb)} — short by {u.shortfall_mb:,} MB",
                        "text_x": round(start - 4 if anchor_end else start + 4, 1),
                        "text_y": row_y + 13,
                        "anchor": "end" if anchor_end else "start",
                    }
                )
                row_y += overflow_row
        height = BAR_HEIGHT + 6 + (len(overflow) * overflow_row + ROW_GAP if overflow else 0)
        drawings.append(
            {
                "n": n,
                "name": p["disk"].name,
                "size_mb": p["size"],
                "label_size_mb": p["disk"].size_mb,
                "free_mb": p["free"],
                "rects": rects,
                "free_rects": free_rects,
                "disk_end": round(disk_end, 1),
                "overflow": overflow,
                "height": height,
                "width": SVG_WIDTH,
                "bar_height": BAR_HEIGHT,
            }
        )
    orphan_unplaced = list(unplaced) if roomiest is None else []
    return {"drawings": drawings, "orphan_unplaced": orphan_unplaced}


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return ",".join(f"{k}={_plain(v)}" for k, v in value.items() if v not in ("", None, [], {}))
    if isinstance(value, list | tuple):
        return ", ".join(f"({_plain(v)})" if isinstance(v, dict) else _plain(v) for v in value)
    if value is None:
        return ""
    return str(value)


@register.filter
def properties(value: Any) -> list[tuple[str, str]]:
    """A resource's properties as (name, text) pairs, empty ones left out."""
    if not isinstance(value, dict):
        return []
    return [(str(k), _plain(v)) for k, v in value.items() if v not in ("", None, [], {})]


@register.filter
def issue_count(issues: Any, severity: str) -> int:
    """How many import issues of one severity ("error" or "warning") a snapshot has."""
    if not isinstance(issues, list):
        return 0
    if severity == "error":
        return sum(1 for i in issues if isinstance(i, dict) and i.get("severity") == "error")
    return sum(1 for i in issues if isinstance(i, dict) and i.get("severity") != "error")
