"""What a user reads: finding texts, runbook notes and generated scripts name their source, never
"the seed" (issue #13 item 11), and a plan with no zones is not a green "ready" (item 10)."""

from __future__ import annotations

import re

from planner.domain.catalog import catalog_destination
from planner.domain.findings import FIELD_TEST, Verdict
from planner.domain.plan import compute_plan
from planner.domain.report import render_report_text, runbook_markdown
from planner.domain.samples import seed_pair
from planner.solaris.inventory import ZoneNet
from tests.support.bundles import host, zone

_SEED = re.compile(r"\bseed", re.IGNORECASE)


def test_no_text_a_user_reads_says_seed() -> None:
    source, destination = seed_pair()
    result = compute_plan(source, destination)
    texts = [f.message for f in result.all_findings] + [f.remedy for f in result.all_findings]
    texts += [f"{s.title} {s.notes} {s.command}" for s in result.steps]
    texts += [result.pre_archive_script, result.finish_script, runbook_markdown(result)]
    texts.append(render_report_text(result.to_report_dict()))
    # The other routes' findings (issue #14), on a Solaris 10 and a Solaris 11 destination.
    t7 = compute_plan(source, catalog_destination("T7-1", "t7"))
    for plan in (result, t7):
        assert plan.routes is not None
        route_findings = [f for z in plan.zones for r in z.routes for f in r.findings]
        route_findings += [f for found in plan.routes.host_findings.values() for f in found]
        texts += [f"{f.message} {f.remedy}" for f in route_findings]
    texts += [f"{s.title} {s.notes} {s.command}" for s in t7.steps]
    said = [t for t in texts if _SEED.search(t)]
    assert not said, said[:3]
    # ... and the source is named where a rule leans on it.
    assert any(FIELD_TEST in f.message for f in result.all_findings if f.code == "ZONE_RUNNING")
    assert "Sun's 2006 field test" in result.pre_archive_script


def test_a_plan_without_zones_has_nothing_to_migrate_not_ready() -> None:
    result = compute_plan(host("src"), host("dst"))
    assert result.zones == []
    assert result.verdict is Verdict.NOTHING_TO_MIGRATE
    report = result.to_report_dict()
    assert report["verdict"] == "nothing_to_migrate"
    assert "NOTHING TO MIGRATE" in render_report_text(report)
    assert "NOTHING TO MIGRATE" in runbook_markdown(result)


def test_a_zoneless_plan_with_a_host_blocker_stays_blocked() -> None:
    # A T7-1 cannot boot Solaris 10 natively: that blocks whatever the zones are.
    result = compute_plan(host("src", release="10/09"), catalog_destination("T7-1", "dst"))
    assert result.verdict is Verdict.BLOCKED


def test_a_plan_with_zones_keeps_its_usual_verdict() -> None:
    result = compute_plan(host("src", zones=[zone("z1", nets=[ZoneNet("bge1", "10.0.0.5")])]), host("dst"))
    assert result.verdict is not Verdict.NOTHING_TO_MIGRATE
