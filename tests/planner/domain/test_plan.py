"""The entry point: verdict roll-up, the report JSON contract, and the views built on it."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
import tarfile

from planner.domain.findings import Verdict
from planner.domain.options import Overrides
from planner.domain.plan import NicOverride, PlanOptions, compute_plan
from planner.domain.report import render_report_text, runbook_markdown, scripts_tarball
from planner.domain.runbook import PHASES
from planner.domain.samples import seed_pair
from planner.solaris.inventory import DfEntry, IpInterface, ZoneFs, ZoneNet
from tests.support.bundles import host, zone
from tests.support.plans import complete_options, measured_sizes, pin_routes


def test_verdict_rolls_up_from_zones_and_host() -> None:
    src = host(
        "src",
        zones=[
            zone("ready", nets=[ZoneNet("bge1", "10.0.0.5")]),
            zone("steps", state="running"),
            zone("blocked", zonepath="/nfs/blocked"),
        ],
        df=[DfEntry("filer:/vol", 10, 1, 9, "10%", "/nfs")],
    )
    result = compute_plan(src, host("dst"))
    verdicts = {z.name: z.verdict for z in result.zones}
    assert verdicts == {
        "ready": Verdict.READY,
        "steps": Verdict.READY_WITH_STEPS,
        "blocked": Verdict.BLOCKED,
    }
    assert result.verdict is Verdict.BLOCKED
    assert result.summary() == {
        "zones": 3,
        "ready": 1,
        "ready_with_steps": 1,
        "blocked": 1,
        "host_blockers": 0,
    }

    only_good = host("src", zones=[zone("ready", nets=[ZoneNet("bge1", "10.0.0.5")])], release="8/11")
    assert compute_plan(only_good, host("dst"), complete_options(), measured_sizes()).verdict is Verdict.READY
    # Sizes the layout had to assume are a host step (SIZE_ASSUMED) until the user gives them.
    assumed = compute_plan(only_good, host("dst"), complete_options())
    assert assumed.verdict is Verdict.READY_WITH_STEPS
    assert {f.code for f in assumed.host_findings if f.severity.value == "step"} == {"SIZE_ASSUMED"}
    # Placeholders left in the settings are a host step (PLAN_SETTINGS_INCOMPLETE).
    assert compute_plan(only_good, host("dst")).verdict is Verdict.READY_WITH_STEPS
    # A host-level blocker blocks the plan even when every zone is ready.
    tiny = compute_plan(only_good, host("dst", disks_mb={"c0t0d0": 1000}), complete_options())
    assert tiny.zone("ready").verdict is Verdict.READY  # type: ignore[union-attr]
    assert tiny.verdict is Verdict.BLOCKED and tiny.summary()["host_blockers"] >= 1


def test_report_dict_is_the_json_contract() -> None:
    source, destination = seed_pair()
    result = compute_plan(source, destination, overrides=pin_routes(source))
    report = json.loads(json.dumps(result.to_report_dict()))
    assert report["verdict"] == "blocked"
    assert report["source"]["hostname"] == "src01" and report["destination"]["hostname"] == "dst01"
    assert {"hostname", "platform", "model"} <= set(report["source"])
    assert isinstance(report["host_findings"], list)
    for z in report["zones"]:
        assert {"name", "state", "verdict", "findings"} <= set(z)
        for f in z["findings"]:
            assert {"code", "severity", "resource", "message", "remedy"} <= set(f)
            assert f["severity"] in ("info", "step", "blocker") and f["message"] and f["remedy"]
    assert {"nic_mappings", "device_mappings", "layout", "runbook", "summary"} <= set(report)
    row = report["nic_mappings"][0]
    assert {
        "zone",
        "physical",
        "address",
        "ip_type",
        "proposed_target",
        "chosen_target",
        "action",
        "origin",
        "status",
        "reason",
    } <= set(row)
    dev = report["device_mappings"][0]
    assert {
        "zone",
        "match",
        "source_devices",
        "action",
        "replacement",
        "origin",
        "needs_manual_check",
        "reason",
    } <= set(dev)
    disk = report["layout"]["disks"][0]
    assert {"name", "size_mb", "free_mb", "slices"} <= set(disk)
    assert {"index", "key", "purpose", "mount_point", "size_mb", "start_cyl", "start_sector", "tag"} <= set(
        disk["slices"][0]
    )
    assert report["layout"]["unplaced"][0]["shortfall_mb"] > 0
    assert [p["key"] for p in report["runbook"]] == [key for key, _, _ in PHASES]
    step = report["runbook"][0]["steps"][0]
    assert {"phase", "zone", "title", "command", "notes"} <= set(step)
    assert report["summary"] == {
        "zones": 9,
        "ready": 1,
        "ready_with_steps": 5,
        "blocked": 3,
        "host_blockers": 0,
    }


def test_text_report_names_every_zone() -> None:
    result = compute_plan(*seed_pair())
    text = render_report_text(result.to_report_dict())
    assert text.startswith("zflar plan: src01 (Sun Fire V240) -> dst01 (SPARC Enterprise M4000 Server)")
    assert "Verdict: BLOCKED" in text
    for z in result.zones:
        assert f"  {z.name}  (" in text
    assert "zonecfg -z z-app 'select net physical=ce0; set physical=bge0; end'" in text
    assert "NOT PLACED /zones/z-big/root/bigdata" in text
    # It reads only the JSON, so a stored report renders the same.
    assert render_report_text(json.loads(json.dumps(result.to_report_dict()))) == text


def test_runbook_phases_and_markdown() -> None:
    source, destination = seed_pair()
    result = compute_plan(source, destination, overrides=pin_routes(source))
    assert [p.key for p in result.runbook] == [
        "pre-archive",
        "archive",
        "destination",
        "post-extraction",
        "verification",
    ]
    assert result.runbook[0].host == "src01" and result.runbook[3].host == "dst01"
    verify = result.runbook[-1].steps[0]
    assert verify.command == "zoneadm list -cp"
    assert "*:z-web:running:/zones/z-web:*:native:shared" in verify.expected
    assert "-:z-excl:installed:/zones/z-excl:*:native:excl" in verify.expected
    md = runbook_markdown(result)
    assert md.startswith("# Runbook: src01 -> dst01")
    assert "## 1. Prepare the source (on src01)" in md
    assert "```sh\nzoneadm -z z-web halt\n```" in md
    assert "install_type     flash_install" in md and "network_interface=bge0" in md


def test_flarcreate_command_follows_the_options() -> None:
    src = host("src", zones=[zone("z1")])
    options = PlanOptions(archive_dir="/var/flar", excluded_paths=["/export/junk"], compress=False)
    result = compute_plan(src, host("dst"), options)
    flar = next(s.command for s in result.steps if s.command.startswith("flarcreate"))
    assert flar == "flarcreate -n src -x /var/flar -x /export/junk /var/flar/src.flar"
    assert "archive_location nfs archive-server:/export/flar/src.flar" in result.jumpstart_profile
    with_c = compute_plan(src, host("dst"))
    assert "flarcreate -n src -c -x /export/flar /export/flar/src.flar" in [s.command for s in with_c.steps]


def test_sysidcfg_skeleton() -> None:
    src = host(
        "src",
        interfaces=[IpInterface("bge0", ["UP"], 1500, 2, "inet", "192.168.10.10", "ffffff00")],
        release="8/07",
    )
    result = compute_plan(src, host("dst"))
    lines = result.sysidcfg.splitlines()
    assert (
        "network_interface=bge0 {hostname=dst ip_address=REPLACE-ME-ip-address netmask=255.255.255.0 "
        "protocol_ipv6=no default_route=NONE}" in lines
    )
    for expected in (
        "system_locale=C",
        "timezone=UTC",
        "terminal=vt100",
        "security_policy=NONE",
        "name_service=NONE",
        "nfs4_domain=dynamic",
        "timeserver=localhost",
    ):
        assert expected in lines
    assert any(line.startswith("root_password=REPLACE-ME") for line in lines)


def test_scripts_tarball_holds_the_files_with_their_modes() -> None:
    result = compute_plan(*seed_pair())
    blob = scripts_tarball(result)
    assert blob == scripts_tarball(result)  # reproducible bytes
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        members = {m.name: m for m in tar.getmembers()}
        top = "zflar-src01-to-dst01"
        assert members[f"{top}/zflar-prearchive.sh"].mode == 0o755
        assert members[f"{top}/zflar-postflash.sh"].mode == 0o755
        assert members[f"{top}/dst01.profile"].mode == 0o644
        assert members[f"{top}/sysidcfg"].mode == 0o644
        assert f"{top}/RUNBOOK.md" in members
        finish = tar.extractfile(members[f"{top}/zflar-postflash.sh"])
        assert finish is not None and finish.read().decode() == result.finish_script


def test_compute_plan_does_not_change_its_inputs() -> None:
    src, dst = seed_pair()
    overrides = Overrides(nics=[NicOverride("z-app", "ce0", target="e1000g1")])
    before = (copy.deepcopy(src), copy.deepcopy(dst), copy.deepcopy(overrides))
    compute_plan(src, dst, overrides=overrides)
    assert (src, dst, overrides) == before


def test_options_and_overrides_round_trip_through_json() -> None:
    options = PlanOptions(spread_nics=True, excluded_paths=["/a"])
    assert PlanOptions.from_dict(json.loads(json.dumps(options.to_dict()))) == options
    overrides = Overrides(nics=[NicOverride("z", "bge1", "", "drop")], default_nic_target="e1000g0")
    assert Overrides.from_dict(json.loads(json.dumps(overrides.to_dict()))) == overrides


def test_the_domain_does_not_import_django() -> None:
    code = (
        "import sys, planner.domain.plan, planner.domain.report, planner.domain.catalog;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework', 'celery')];"
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_lofs_only_zone_needs_nothing() -> None:
    src = host(
        "src", zones=[zone("z1", fs=[ZoneFs(dir="/a", special="/export/a", type="lofs")])], release="10/09"
    )
    result = compute_plan(src, host("dst"), complete_options(), measured_sizes())
    assert result.verdict is Verdict.READY
    assert [s for s in result.runbook[3].steps if s.zone == "z1"] == []


def test_the_views_live_in_report_only() -> None:
    from planner.domain import runbook

    # No wrappers in runbook.py: plan -> report -> runbook -> plan was an import cycle (issue #11).
    assert not hasattr(runbook, "runbook_markdown") and not hasattr(runbook, "scripts_tarball")
    result = compute_plan(*seed_pair())
    report = result.to_report_dict()
    assert all(row["target"] == row["chosen_target"] for row in report["nic_mappings"])
    assert [n["name"] for n in report["destination_nics"]][:2] == ["bge0", "bge1"]
    ufs = next(f for z in report["zones"] for f in z["findings"] if f["code"] == "FS_UFS_PRIVATE")
    assert ufs["details"]["special"] == "/dev/dsk/c1t1d0s0"
    assert ufs["details"]["destination_device"] == "/dev/dsk/c0t0d0s4"
