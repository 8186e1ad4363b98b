"""Views of a plan for people: a terminal report, a Markdown runbook, a scripts tarball.

``render_report_text`` reads only the report dict (the JSON contract), so a CLI can
print a stored report without rebuilding inventories.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import textwrap
from typing import Any

from planner.domain.plan import PlanResult
from planner.domain.runbook import FINISH_SCRIPT_NAME, PRE_ARCHIVE_SCRIPT_NAME
from planner.solaris.names import check_hostname

WIDTH = 100
_VERDICT_WORDS = {
    "ready": "READY",
    "ready_with_steps": "READY WITH STEPS",
    "blocked": "BLOCKED",
    "nothing_to_migrate": "NOTHING TO MIGRATE (no non-global zones)",
}


def _wrap(text: str, indent: str) -> list[str]:
    out: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        out += textwrap.wrap(paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [
            indent
        ]
    return out


def _finding_lines(f: dict[str, Any], indent: str) -> list[str]:
    lines = [f"{indent}[{f['severity']}] {f['code']}  {f['resource']}"]
    lines += _wrap(f["message"], indent + "    ")
    # Remedies hold commands to copy: never wrapped, one line per remedy line.
    remedy = str(f["remedy"]).splitlines() or [""]
    lines.append(f"{indent}    remedy: {remedy[0]}")
    lines += [f"{indent}      {line}" for line in remedy[1:]]
    return lines


def _table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return (indent + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))).rstrip()

    return [fmt(headers), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def _host(h: dict[str, Any]) -> str:
    model = h.get("model") or h.get("platform") or "unknown model"
    return f"{h.get('hostname', '?')} ({model})"


def render_report_text(report: dict[str, Any]) -> str:
    """A readable plain-text report for a terminal, from ``PlanResult.to_report_dict()``."""
    summary = report.get("summary", {})
    lines = [
        f"zflar plan: {_host(report['source'])} -> {_host(report['destination'])}",
        f"Verdict: {_VERDICT_WORDS.get(report['verdict'], report['verdict'])}   "
        f"zones: {summary.get('zones', len(report['zones']))} (ready {summary.get('ready', 0)}, "
        f"ready with steps {summary.get('ready_with_steps', 0)}, blocked {summary.get('blocked', 0)})",
    ]
    if report.get("recommended_verdict"):
        taken = ", ".join(f"{m} {n}" for m, n in report.get("route_summary", {}).items() if n)
        lines.append(
            "With the routes taken: "
            f"{_VERDICT_WORDS.get(report['recommended_verdict'], report['recommended_verdict'])}"
            + (f"   ({taken})" if taken else "")
        )
    lines += ["", "Host findings"]
    host = report.get("host_findings", [])
    if not host:
        lines.append("  none")
    for f in host:
        lines += _finding_lines(f, "  ")
    lines += ["", "Zones"]
    for z in report["zones"]:
        lines.append(
            f"  {z['name']}  ({z.get('state', '?')}, {z.get('ip_type', 'shared')}-IP, "
            f"{z.get('zonepath', '')})  {_VERDICT_WORDS.get(z['verdict'], z['verdict'])}"
        )
        for f in z["findings"]:
            lines += _finding_lines(f, "    ")
        if not z["findings"]:
            lines.append("    no findings")
        routes = z.get("routes") or []
        if routes:
            listed = ", ".join(f"{r['method']} {r['verdict']}" for r in routes)
            pinned = ", pinned" if z.get("route_pinned") else ""
            lines.append(
                f"    route: {z.get('route', 'flar')}{pinned} "
                f"(recommended {z.get('recommended_route')}; {listed})"
            )
            for r in routes:
                if r["method"] != "flar" and r["method"] == z.get("route"):
                    lines += [line for f in r["findings"] for line in _finding_lines(f, "      ")]
    nics = report.get("nic_mappings", [])
    if nics:
        lines += ["", "NIC mapping"]
        lines += _table(
            ["zone", "net", "address", "ip", "proposed", "chosen", "action", "origin", "status"],
            [
                [
                    r["zone"],
                    r["physical"],
                    r["address"] or "-",
                    r["ip_type"],
                    r["proposed_target"] or "-",
                    r["chosen_target"] or "-",
                    r["action"],
                    r["origin"],
                    r["status"],
                ]
                for r in nics
            ],
        )
    devices = report.get("device_mappings", [])
    if devices:
        lines += ["", "Device mapping"]
        lines += _table(
            ["zone", "match", "action", "replacement", "origin", "check"],
            [
                [
                    d["zone"],
                    d["match"],
                    d["action"],
                    d["replacement"] or "-",
                    d["origin"],
                    "manual" if d["needs_manual_check"] else "-",
                ]
                for d in devices
            ],
        )
    layout = report.get("layout", {})
    if layout:
        lines += ["", "Disk layout (destination)"]
        for disk in layout.get("disks", []):
            boot = ", boot disk" if disk.get("boot") else ""
            lines.append(f"  {disk['name']}: {disk['size_mb']} MB, {disk['free_mb']} MB free{boot}")
            lines += _table(
                ["slice", "mount", "size MB", "cylinders", "tag"],
                [
                    [
                        f"s{s['index']}",
                        s["mount_point"] or ("(whole disk)" if s["index"] == 2 else "-"),
                        str(s["size_mb"]),
                        f"{s['start_cyl']}+{s['cylinders']}",
                        str(s["tag"]),
                    ]
                    for s in disk.get("slices", [])
                ],
                indent="    ",
            )
        for u in layout.get("unplaced", []):
            lines.append(
                f"  NOT PLACED {u['mount_point']} ({u['key']}): needs {u['size_mb']} MB, "
                f"{u['shortfall_mb']} MB short"
            )
    for method, found in (report.get("route_host_findings") or {}).items():
        if found and method in (report.get("route_summary") or {}) and report["route_summary"][method]:
            lines += ["", f"Host findings of the {method} route"]
            for f in found:
                lines += _finding_lines(f, "  ")
    for f in report.get("route_findings") or []:
        lines += ["", "Routes", *_finding_lines(f, "  ")]
    notes = report.get("notes", [])
    if notes:
        lines += ["", "Notes"] + [f"  - {n}" for n in notes]
    steps = sum(len(p.get("steps", [])) for p in report.get("runbook", []))
    if steps:
        lines += [
            "",
            f"Runbook: {steps} steps in {len(report['runbook'])} phases (see the Markdown runbook).",
        ]
    return "\n".join(lines) + "\n"


def runbook_markdown(result: PlanResult) -> str:
    src, dst = result.source.hostname, result.destination.hostname
    lines = [
        f"# Runbook: {src} -> {dst}",
        "",
        f"Verdict: **{_VERDICT_WORDS[result.verdict.value]}** (every zone by flash archive).",
    ]
    routes = {z.name: z.route for z in result.zones}
    if result.routes is not None and result.zones:
        lines[-1] = (
            f"Verdict: **{_VERDICT_WORDS[result.recommended_verdict.value]}** with the routes taken "
            f"(**{_VERDICT_WORDS[result.verdict.value]}** with the flash archive for every zone)."
        )
        by_route: dict[str, list[str]] = {}
        for zone_name, method in routes.items():
            by_route.setdefault(method, []).append(zone_name)
        lines += ["", "Routes:", ""]
        lines += [f"- {method}: {', '.join(zones)}" for method, zones in by_route.items()]
    blockers = [f"{f.code} ({f.zone or 'host'}: {f.resource})" for f in result.route_blockers()]
    if blockers:
        lines += ["", "Resolve these blockers before running the steps: " + "; ".join(blockers) + "."]
    route = ""
    for n, phase in enumerate(result.runbook, 1):
        if phase.route != route:
            route = phase.route
            lines += ["", f"<!-- route: {route} -->"]
        lines += ["", f"## {n}. {phase.title} (on {phase.host})"]
        if not phase.steps:
            lines += ["", "Nothing to do."]
        for m, step in enumerate(phase.steps, 1):
            who = f" — zone {step.zone}" if step.zone else ""
            lines += ["", f"### {n}.{m} {step.title}{who}", ""]
            if step.command:
                lines += ["```sh", step.command, "```"]
            if step.notes:
                lines += [step.notes] if lines[-1] == "" else ["", step.notes]
            if step.expected:
                lines += ["", "Expected:", "", "```", *step.expected, "```"]
    lines += [
        "",
        "## Files",
        "",
        f"`{PRE_ARCHIVE_SCRIPT_NAME}` runs the flash archive's "
        f"{_phase_numbers(result, 'pre-archive', 'archive')} on {src}; `{FINISH_SCRIPT_NAME}` runs its "
        f"{_phase_numbers(result, 'post-extraction')} on {dst}. "
        "Both are in the scripts download; the other routes' phases are run by hand or by the jobs.",
        "",
        f"### JumpStart profile ({dst}.profile)",
        "",
        "```",
        result.jumpstart_profile.rstrip("\n"),
        "```",
        "",
        "### sysidcfg",
        "",
        "```",
        result.sysidcfg.rstrip("\n"),
        "```",
    ]
    return "\n".join(lines) + "\n"


def _phase_numbers(result: PlanResult, *keys: str) -> str:
    """``phases 1-2`` / ``phase 4``: where the flash archive's phases are in this runbook."""
    numbers = [n for n, p in enumerate(result.runbook, 1) if p.route == "flar" and p.key in keys]
    if not numbers:
        return "phases (not in this runbook: no zone takes the flash archive)"
    if len(numbers) == 1:
        return f"phase {numbers[0]}"
    return f"phases {numbers[0]}-{numbers[-1]}"


def scripts_tarball(result: PlanResult) -> bytes:
    """A .tar.gz of the scripts, profile, sysidcfg and runbook; scripts are mode 0755.

    Timestamps are fixed so the same plan always gives the same bytes.
    """
    # Member names come from validated host names only: no '/', '..' or control character.
    source = check_hostname(result.source.hostname, source="the scripts tarball")
    destination = check_hostname(result.destination.hostname, source="the scripts tarball")
    top = f"zflar-{source}-to-{destination}"
    members = [
        (PRE_ARCHIVE_SCRIPT_NAME, result.pre_archive_script, 0o755),
        (FINISH_SCRIPT_NAME, result.finish_script, 0o755),
        (f"{destination}.profile", result.jumpstart_profile, 0o644),
        ("sysidcfg", result.sysidcfg, 0o644),
        ("RUNBOOK.md", runbook_markdown(result), 0o644),
    ]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        directory = tarfile.TarInfo(top)
        directory.type, directory.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(directory)
        for name, text, mode in members:
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size, info.mode, info.mtime = len(data), mode, 0
            info.uname = info.gname = "root"
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()
