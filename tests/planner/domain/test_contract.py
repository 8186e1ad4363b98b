"""planner.domain.contract: the typed reader of the report JSON.

It reads what compute_plan writes, ignores keys it does not know, gives defaults for missing or
oddly typed values (old stored reports, other versions), and never raises.
"""

from __future__ import annotations

from typing import Any

import pytest

from planner.domain.contract import Report, nic_target
from planner.domain.plan import compute_plan
from planner.fleet import different_destination, render_bundle, seed_rows_host
from planner.solaris.bundle import read_bundle_files


def _inventory(spec: Any) -> Any:
    return read_bundle_files(render_bundle(spec))


@pytest.fixture(scope="module")
def report_dict() -> dict[str, Any]:
    result = compute_plan(_inventory(seed_rows_host()), _inventory(different_destination()))
    return result.to_report_dict()


def test_reads_what_compute_plan_writes(report_dict: dict[str, Any]) -> None:
    report = Report.from_dict(report_dict)
    assert report.computed and report.verdict == report_dict["verdict"]
    assert report.zone_names == [z["name"] for z in report_dict["zones"]]
    assert [f.code for z in report.zones for f in z.findings] == [
        f["code"] for z in report_dict["zones"] for f in z["findings"]
    ]
    assert [(m.zone, m.physical, m.target) for m in report.nic_mappings] == [
        (m["zone"], m["physical"], m["chosen_target"]) for m in report_dict["nic_mappings"]
    ]
    assert [(m.zone, m.match, m.action) for m in report.device_mappings] == [
        (m["zone"], m["match"], m["action"]) for m in report_dict["device_mappings"]
    ]
    placed = [s["key"] for d in report_dict["layout"]["disks"] for s in d["slices"] if s["key"]]
    unplaced = [u["key"] for u in report_dict["layout"]["unplaced"]]
    assert [row.key for row in report.layout.rows()] == placed + unplaced
    assert [p.key for p in report.runbook] == [p["key"] for p in report_dict["runbook"]]
    assert sum(len(p.steps) for p in report.runbook) == sum(len(p["steps"]) for p in report_dict["runbook"])
    assert report.summary.zones == report_dict["summary"]["zones"]
    assert report.destination_ports == {n["name"] for n in report_dict["destination_nics"]}


def test_unknown_keys_are_ignored(report_dict: dict[str, Any]) -> None:
    grown = {
        **report_dict,
        "a_new_section": [1, 2],
        "zones": [{**z, "new": True} for z in report_dict["zones"]],
    }
    assert Report.from_dict(grown) == Report.from_dict(report_dict)


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "junk",
        {},
        {"zones": None, "nic_mappings": "x", "layout": [], "runbook": {"a": 1}, "summary": 3},
        {"zones": [1, "z", None, {"name": 5, "findings": [None, {"severity": ["x"]}]}]},
        {"layout": {"disks": [{"name": "c0t0d0", "slices": [{"index": "x", "size_mb": "many"}]}]}},
    ],
)
def test_odd_reports_read_without_raising(data: Any) -> None:
    report = Report.from_dict(data)
    assert report.computed == bool(data if isinstance(data, dict) else {})
    for zone in report.zones:
        assert isinstance(zone.name, str)
        for f in zone.findings:
            assert isinstance(f.severity, str) and f.rank in (-1, 0, 1, 2)
    for disk in report.layout.disks:
        for s in disk.slices:
            assert s.size_mb >= 0 and (s.index is None or isinstance(s.index, int))


def test_missing_values_get_defaults() -> None:
    report = Report.from_dict(
        {
            "verdict": "blocked",
            "zones": [{"name": "z1"}],
            "nic_mappings": [{"zone": "z1", "physical": "bge0"}],
            "layout": {"disks": [{"name": "c0t0d0"}], "unplaced": [{"key": "root"}]},
        }
    )
    zone = report.zone("z1")
    assert zone is not None and zone.findings == () and zone.verdict == ""
    row = report.nic_mappings[0]
    assert (row.address, row.target, row.zonecfg_selector) == ("", "", "net physical=bge0")
    assert report.layout.disks[0].free_mb is None
    assert [(r.key, r.placed) for r in report.layout.rows()] == [("root", False)]


def test_a_flat_runbook_of_an_older_report_is_grouped_by_phase() -> None:
    report = Report.from_dict(
        {
            "runbook": [
                {"phase": "source", "title": "a", "command": "echo a"},
                {"phase": "source", "title": "b", "zone": "z1"},
                {"phase": "verify", "title": "c"},
            ]
        }
    )
    assert [(p.key, [s.title for s in p.steps]) for p in report.runbook] == [
        ("source", ["a", "b"]),
        ("verify", ["c"]),
    ]


def test_nic_target_prefers_the_effective_choice() -> None:
    assert (
        nic_target({"chosen_target": "e1000g3", "target": "e1000g0", "proposed_target": "e1000g0"})
        == "e1000g3"
    )
    assert nic_target({"target": "e1000g1"}) == "e1000g1"
    assert nic_target({"chosen_target": "", "target": "", "proposed_target": "e1000g0"}) == ""
