"""The zone routes (issue #14): flash archive, detach/attach, solaris10 branded zones.

From collector bundles (the fleet's seed-rows V240, the sample Solaris 11 T7-1 bundle) through the
report JSON to the runbook, plus the release rules of detach/attach on in-memory inventories.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from planner.domain.catalog import catalog_destination
from planner.domain.contract import Report
from planner.domain.findings import Finding
from planner.domain.options import Overrides, RouteOverride
from planner.domain.plan import PlanResult, compute_plan
from planner.domain.report import render_report_text, runbook_markdown
from planner.domain.route_runbook import S10_CFG_AWK
from planner.domain.routes import BRAND_PACKAGE
from planner.fleet.seed import identical_destination, seed_rows_host
from planner.solaris.bundle import read_bundle
from planner.solaris.inventory import HostInventory, ZoneFs
from planner.solaris.writers import write_zonecfg_export
from tests.support.bundles import host, ufs, zone
from tests.support.plans import SAMPLES, bundle_files, complete_options, read

S11_T7 = SAMPLES / "bundle-s11dest"  # a collected Solaris 11.4 T7-1 with the solaris10 brand


def seed_source(kernel: str = "") -> HostInventory:
    """The seed-rows V240 (8/11, kernel 147440-01) as its bundle reads; ``kernel`` replaces uname -v."""
    files = bundle_files(seed_rows_host())
    if kernel:
        files["uname-a"] = files["uname-a"].replace("Generic_147440-01", kernel)
    return read(files)


def report_of(result: PlanResult) -> dict[str, object]:
    return json.loads(json.dumps(result.to_report_dict()))  # type: ignore[no-any-return]


def zone_entry(report: dict[str, object], name: str) -> dict[str, object]:
    return next(z for z in report["zones"] if z["name"] == name)  # type: ignore[attr-defined, index]


def route_entry(report: dict[str, object], name: str, method: str) -> dict[str, object]:
    return next(r for r in zone_entry(report, name)["routes"] if r["method"] == method)  # type: ignore[attr-defined]


def commands(result: PlanResult, *phases: str) -> list[str]:
    return [s.command for p in result.runbook if not phases or p.key in phases for s in p.steps]


def codes(found: list[Finding]) -> list[str]:
    return [f.code for f in found]


# --- done when: SVM and NFS-zonepath zones by detach/attach -------------------------------------------


def test_svm_and_nfs_zonepath_zones_take_detach_attach_and_the_plan_is_ready_with_steps() -> None:
    source = seed_source()
    destination = read(bundle_files(identical_destination()))  # the same V240, installed at 8/11
    result = compute_plan(source, destination, complete_options())
    report = report_of(result)
    assert report["verdict"] == "blocked"  # the flash archive still cannot take them
    assert report["recommended_verdict"] == "ready_with_steps"
    assert report["routes_listed"] == ["flar", "detach_attach", "s10_branded"]
    for name, flar_code in (("z-svm", "SVM_IN_USE"), ("z-nfs-zonepath", "ZONEPATH_ON_NFS")):
        z = zone_entry(report, name)
        assert z["verdict"] == "blocked" and flar_code in [f["code"] for f in z["findings"]]
        assert z["recommended_route"] == z["route"] == "detach_attach" and z["route_pinned"] is False
        assert route_entry(report, name, "flar")["verdict"] == "blocked"
        assert route_entry(report, name, "detach_attach")["verdict"] == "ready_with_steps"
        assert route_entry(report, name, "s10_branded")["verdict"] == "blocked"  # a V240 has no Solaris 11
    others = [z for z in report["zones"] if z["name"] not in ("z-svm", "z-nfs-zonepath")]  # type: ignore[attr-defined]
    assert others and all(z["route"] == "flar" for z in others)
    assert report["route_summary"] == {"flar": len(others), "detach_attach": 2, "s10_branded": 0}
    svm = next(f for f in route_entry(report, "z-svm", "detach_attach")["findings"] if f["code"] == "DA_SVM")
    assert "d100" in svm["message"] and "pax -w@f /export/flar/z-svm_data.pax -p e ." in svm["remedy"]
    nfs = next(
        f
        for f in route_entry(report, "z-nfs-zonepath", "detach_attach")["findings"]
        if f["code"] == "DA_ZONEPATH_NFS"
    )
    assert nfs["details"]["new_zonepath"] == "/zones/z-nfs-zonepath"
    # The contract reads it back.
    typed = Report.from_dict(report)
    assert typed.routes_verdict == "ready_with_steps" and typed.methods_taken == ["flar", "detach_attach"]
    assert typed.zone("z-svm").taken_route_verdict == "ready_with_steps"  # type: ignore[union-attr]


def test_a_mixed_plan_detaches_first_leaves_the_zonepaths_out_and_attaches_after_the_install() -> None:
    result = compute_plan(seed_source(), read(bundle_files(identical_destination())), complete_options())
    keys = [(p.route, p.key) for p in result.runbook]
    flar_start = keys.index(("flar", "pre-archive"))
    assert keys[:flar_start] == [
        ("detach_attach", k)
        for k in ("da-dry-run", "da-dry-run-destination", "da-detach", "da-archive", "da-copy")
    ]
    assert keys[flar_start + 5 :] == [
        ("detach_attach", k) for k in ("da-configure", "da-attach", "da-verify", "da-rollback")
    ]
    detach = commands(result, "da-detach")
    assert "zoneadm -z z-svm detach" in detach and "zoneadm -z z-nfs-zonepath detach" in detach
    flar = next(c for c in commands(result, "archive") if c.startswith("flarcreate"))
    assert "-x /zones/z-svm" in flar and "-x /nfszones/z-nfs-zonepath" in flar
    assert f"make_archive /export/flar/src-seed-01.flar {flar}" in result.pre_archive_script
    assert "BLOCKERS=''" in result.pre_archive_script  # the blocked zones are not in this archive
    assert "z-svm" not in result.finish_script and "z-nfs-zonepath" not in result.finish_script
    configure = commands(result, "da-configure")
    # The configuration came with the archive (detached zones are configured): only the path moves.
    assert "zonecfg -z z-nfs-zonepath 'set zonepath=/zones/z-nfs-zonepath'" in configure
    assert not any("create -a" in c for c in configure)
    assert any(
        c.startswith(
            "mkdir -p /zones/.zflar-restore-z-nfs-zonepath && cd /zones/.zflar-restore-z-nfs-zonepath"
        )
        and "pax -r@f /export/flar/z-nfs-zonepath.pax -p e && mv z-nfs-zonepath /zones/z-nfs-zonepath" in c
        for c in configure
    )
    # The same update on both (8/11): a plain attach.
    assert "zoneadm -z z-svm attach" in commands(result, "da-attach")
    assert "zoneadm -z z-svm attach && zoneadm -z z-svm boot" in commands(result, "da-rollback")
    md = runbook_markdown(result)
    assert "with the routes taken" in md and "- detach_attach: z-nfs-zonepath, z-svm" in md
    assert "Resolve these blockers" not in md


def test_detach_attach_alone_configures_from_the_detached_zonepath(tmp_path: Path) -> None:
    source = seed_source()
    pins = Overrides(routes=[RouteOverride(z.name, "detach_attach") for z in source.zones])
    result = compute_plan(source, read(bundle_files(identical_destination())), complete_options(), pins)
    assert {p.route for p in result.runbook} == {"detach_attach"}
    configure = commands(result, "da-configure")
    assert "zonecfg -z z-ready create -a /zones/z-ready" in configure
    assert "zonecfg -z z-nfs-zonepath create -a /zones/z-nfs-zonepath" in configure
    dry = commands(result, "da-dry-run")
    assert (
        "zoneadm -z z-ready detach -n > /export/flar/z-ready.manifest && "
        "scp -p /export/flar/z-ready.manifest root@dst-same-01:/export/flar/z-ready.manifest" in dry
    )
    assert "zoneadm -z z-ready attach -n /export/flar/z-ready.manifest" in commands(
        result, "da-dry-run-destination"
    )
    assert "cd /zones && pax -w@f /export/flar/z-ready.pax -p e z-ready" in commands(result, "da-archive")
    assert "zoneadm -z z-running halt" in commands(result, "da-detach")
    assert result.recommended_verdict.value == "ready_with_steps"
    _parse_every_command(result, tmp_path)


# --- done when: a T7-1 takes solaris10 branded zones ----------------------------------------------------


@pytest.mark.parametrize("destination", ["bundle", "catalog"])
def test_a_t7_1_recommends_solaris10_zones_and_names_the_kernel_patch(
    destination: str, tmp_path: Path
) -> None:
    source = seed_source(kernel="Generic_141444-09")  # the 10/09 SPARC kernel [S10B]: below 142909-17
    dst = read_bundle(S11_T7) if destination == "bundle" else catalog_destination("T7-1", "t7dest")
    result = compute_plan(source, dst, complete_options())
    report = report_of(result)
    assert report["verdict"] == "blocked"
    assert report["routes_listed"] == ["flar", "s10_branded"]  # no Solaris 10 on a T7-1 [OVM34]
    assert report["recommended_verdict"] == "ready_with_steps"
    installed = [z for z in report["zones"] if z["state"] != "configured"]  # type: ignore[attr-defined]
    for z in report["zones"]:  # type: ignore[attr-defined]
        assert z["recommended_route"] == z["route"] == "s10_branded"
        assert route_entry(report, z["name"], "flar")["verdict"] == "blocked"  # DEST_NO_NATIVE_S10
    for z in installed:
        kernel = [
            f
            for f in route_entry(report, z["name"], "s10_branded")["findings"]
            if f["code"] == "S10B_KERNEL_PATCH"
        ]
        assert len(kernel) == 1 and kernel[0]["severity"] == "step"
        assert "142909-17" in kernel[0]["message"] and "patchadd 142909-17" in kernel[0]["remedy"]
        assert "141444-09" in kernel[0]["message"] and "below" in kernel[0]["message"]
    hosts = {f["code"] for f in report["route_host_findings"]["s10_branded"]}
    assert "S10B_PKG_TOOL_PATCHES" in hosts and "S10B_DEST_NO_S11" not in hosts
    # The collected T7-1 has the brand package; the catalog one does not say.
    assert ("S10B_BRAND_PACKAGE" in hosts) == (destination == "catalog")
    assert ("S10B_DEST_INSTALL_S11" in hosts) == (destination == "catalog")
    assert {p.route for p in result.runbook} == {"s10_branded"}
    archive = commands(result, "s10-archive")
    assert "zonecfg -z z-ready export > /export/flar/z-ready.cfg" in archive
    assert "zoneadm -z z-ready ready" in archive  # a sparse-root zone [V2V]
    assert "cd /zones && find z-ready -print | cpio -oP@ | gzip > /export/flar/z-ready.cpio.gz" in archive
    assert "zoneadm -z z-ready install -a /export/flar/z-ready.cpio.gz -u" in commands(result, "s10-install")
    assert f"pkg list brand-solaris10 || pkg install {BRAND_PACKAGE}" in commands(result, "s10-destination")
    configure = commands(result, "s10-configure")
    assert any(
        c.startswith("nawk -v brand=solaris10 ") and "zonecfg -z z-ready -f /export/flar/z-ready.s10.cfg" in c
        for c in configure
    )
    p2v = commands(result, "s10-p2v-source")
    assert "zonep2vchk -T S11 -b" in p2v
    flar = next(c for c in p2v if c.startswith("flarcreate"))
    assert flar.startswith("flarcreate -S -n src-seed-01 -L cpio -x /export/flar -x ")
    assert "-x /zones/z-ready" in flar and flar.endswith("/export/flar/src-seed-01-p2v.flar")
    keys = [p.key for p in result.runbook]
    assert keys.index("s10-install") < keys.index("s10-p2v-source")  # native zones first [V2V]
    assert "Generic_Virtual" in runbook_markdown(result)
    text = render_report_text(report)
    assert "With the routes taken: READY WITH STEPS" in text and "route: s10_branded" in text
    _parse_every_command(result, tmp_path)


def test_a_patched_kernel_needs_no_kernel_patch_step() -> None:
    result = compute_plan(seed_source(), catalog_destination("T7-1", "t7dest"), complete_options())
    for z in result.zones:
        s10 = next(r for r in z.routes if r.method == "s10_branded")
        assert "S10B_KERNEL_PATCH" not in codes(s10.findings)  # 147440-01 is the 8/11 kernel [SF]


def test_the_v_series_cannot_take_solaris10_zones() -> None:
    result = compute_plan(seed_source(), catalog_destination("V445", "v445"), complete_options())
    assert result.routes is not None
    block = [f for f in result.routes.host_findings["s10_branded"] if f.code == "S10B_DEST_NO_S11"]
    assert len(block) == 1 and block[0].severity.value == "blocker" and "[REG]" in block[0].message
    for z in result.zones:
        assert next(r for r in z.routes if r.method == "s10_branded").verdict.value == "blocked"
        assert z.route != "s10_branded"


# --- detach/attach: releases -------------------------------------------------------------------------


def s10_host(name: str, release: str) -> HostInventory:
    inv = host(name, zones=[zone("z1")] if name.startswith("src") else [], release=release)
    inv.os_family = "solaris10"
    return inv


def da(source: HostInventory, destination: HostInventory) -> PlanResult:
    pins = Overrides(routes=[RouteOverride(z.name, "detach_attach") for z in source.zones])
    return compute_plan(source, destination, complete_options(), pins)


def da_host_codes(result: PlanResult) -> dict[str, str]:
    assert result.routes is not None
    return {f.code: f.severity.value for f in result.routes.host_findings["detach_attach"]}


def test_attach_to_an_earlier_release_is_refused() -> None:
    result = da(s10_host("src", "10/09"), s10_host("dst", "5/09"))
    assert da_host_codes(result)["DA_DEST_OLDER"] == "blocker"
    assert result.recommended_verdict.value == "blocked"


def test_a_later_destination_attaches_with_update_from_10_08() -> None:
    later = da(s10_host("src", "10/08"), s10_host("dst", "9/10"))
    assert da_host_codes(later)["DA_ATTACH_UPDATE"] == "step"
    assert "zoneadm -z z1 attach -u" in commands(later, "da-attach")
    too_early = da(s10_host("src", "11/06"), s10_host("dst", "5/08"))
    assert da_host_codes(too_early)["DA_DEST_OLDER"] == "blocker"  # attach -u came with 10/08 [OSOL]
    same = da(s10_host("src", "10/09"), s10_host("dst", "10/09"))
    assert da_host_codes(same) == {"DA_PACKAGES": "info", "DA_GLOBAL_ZONE": "info"}
    assert "zoneadm -z z1 attach" in commands(same, "da-attach")


def test_detach_needs_11_06_and_dry_runs_need_5_08() -> None:
    old = da(s10_host("src", "6/06"), s10_host("dst", "6/06"))
    assert da_host_codes(old)["DA_SOURCE_TOO_OLD"] == "blocker"
    early = da(s10_host("src", "11/06"), s10_host("dst", "11/06"))
    assert not any("detach -n" in c for c in commands(early, "da-dry-run"))
    note = next(s for p in early.runbook if p.key == "da-dry-run" for s in p.steps if s.zone == "z1")
    assert "5/08" in note.notes


def test_a_catalog_destination_is_installed_with_the_source_update_or_its_minimum() -> None:
    result = da(s10_host("src", "6/06"), catalog_destination("T5220", "t5"))  # the T5220 needs 8/07 [LDOM13]
    install = next(f for f in result.routes.host_findings["detach_attach"] if f.code == "DA_DEST_INSTALL")  # type: ignore[union-attr]
    assert "Solaris 10 10/08 or later" in install.message and install.details["install"] == "10/08"
    plain = da(s10_host("src", "10/09"), catalog_destination("T5220", "t5"))
    install = next(f for f in plain.routes.host_findings["detach_attach"] if f.code == "DA_DEST_INSTALL")  # type: ignore[union-attr]
    assert install.details["install"] == "10/09" and "a plain attach" in install.message


def test_sun4u_to_sun4v_attaches_with_update() -> None:
    dst = host(
        "dst",
        platform=("sun4v", "sparc", "SUNW,SPARC-Enterprise-T5220", "SPARC Enterprise T5220"),
        release="10/09",
    )
    dst.os_family = "solaris10"
    result = da(s10_host("src", "10/09"), dst)
    assert da_host_codes(result)["DA_KERNEL_ARCH"] == "step"
    assert "zoneadm -z z1 attach -u" in commands(result, "da-attach")


def test_a_zone_ufs_slice_is_copied_and_repointed() -> None:
    src = s10_host("src", "10/09")
    src.zones = [zone("z1", fs=[ufs("/data", "/dev/dsk/c1t1d0s0")])]
    result = da(src, s10_host("dst", "10/09"))
    z1 = result.zone("z1")
    assert z1 is not None
    found = next(
        f for r in z1.routes if r.method == "detach_attach" for f in r.findings if f.code == "DA_ZONE_UFS"
    )
    assert "mount -F ufs -o ro /dev/dsk/c1t1d0s0 /var/tmp/zflar/z1/data" in found.remedy
    assert "newfs" in found.remedy


# --- pins -----------------------------------------------------------------------------------------------


def test_a_pin_wins_and_the_other_zones_follow_its_operating_system() -> None:
    source = seed_source()
    destination = read(bundle_files(identical_destination()))
    pins = Overrides(routes=[RouteOverride("z-ready", "s10_branded"), RouteOverride("z-gone", "flar")])
    result = compute_plan(source, destination, complete_options(), pins)
    z = result.zone("z-ready")
    assert z is not None and z.route == "s10_branded" and z.route_pinned
    # One destination runs one Solaris: the other zones are recommended solaris10 zones too, which a
    # V240 cannot run, so the plan with these routes is blocked.
    assert all(other.route == "s10_branded" for other in result.zones)
    assert not any(other.route_pinned for other in result.zones if other.name != "z-ready")
    report = report_of(result)
    assert report["route_findings"] == [] and report["recommended_verdict"] == "blocked"
    assert any("z-gone" in note for note in report["notes"])


def test_pins_that_need_solaris_10_and_11_at_once_are_a_blocker() -> None:
    source = seed_source()
    pins = Overrides(routes=[RouteOverride("z-ready", "s10_branded"), RouteOverride("z-nfs", "flar")])
    result = compute_plan(source, catalog_destination("T5220", "t5"), complete_options(), pins)
    report = report_of(result)
    conflict = report["route_findings"]
    assert [f["code"] for f in conflict] == ["ROUTE_MIX_CONFLICT"]
    assert "z-ready (s10_branded, pinned)" in conflict[0]["message"]
    assert "z-nfs (flar, pinned)" in conflict[0]["message"]
    assert report["recommended_verdict"] == "blocked"


def test_a_pin_of_a_route_the_destination_does_not_list_is_ignored() -> None:
    source = seed_source()
    pins = Overrides(routes=[RouteOverride("z-ready", "detach_attach")])
    result = compute_plan(source, catalog_destination("T7-1", "t7"), complete_options(), pins)
    z = result.zone("z-ready")
    assert z is not None and z.route == "s10_branded" and not z.route_pinned
    assert any("not used" in n and "z-ready" in n for n in result.notes)


def test_an_unknown_route_is_refused_at_the_boundary() -> None:
    from planner.solaris.errors import SolarisParseError

    with pytest.raises(SolarisParseError, match="unknown route"):
        compute_plan(
            seed_source(),
            catalog_destination("T7-1", "t7"),
            overrides=Overrides(routes=[RouteOverride("z-ready", "tape")]),
        )


def test_a_report_without_routes_reads_as_flar_for_every_zone() -> None:
    old = {"verdict": "ready", "zones": [{"name": "z1", "verdict": "ready", "findings": []}], "runbook": []}
    typed = Report.from_dict(old)
    z = typed.zone("z1")
    assert z is not None and z.taken_route == "flar" and z.taken_route_verdict == "ready"
    assert typed.routes_verdict == "ready" and typed.methods == ("flar",)


# --- generated text -------------------------------------------------------------------------------------


def test_the_solaris10_configuration_filter_sets_the_brand_and_drops_inherited_dirs(tmp_path: Path) -> None:
    config = zone("z1", fs=[ZoneFs(dir="/data", special="/export/data", type="lofs")]).config
    assert config is not None
    exported = tmp_path / "z1.cfg"
    exported.write_text(write_zonecfg_export(config) + "set brand=native\n", encoding="utf-8")
    done = subprocess.run(
        ["awk", "-v", "brand=solaris10", S10_CFG_AWK, str(exported)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert lines[:2] == ["create -b", "set brand=solaris10"]
    assert "add inherit-pkg-dir" not in done.stdout and "set dir=/usr" not in done.stdout
    assert "set brand=native" not in lines
    assert "add fs" in lines and "set dir=/data" in lines and lines.count("end") == 1


def _parse_every_command(result: PlanResult, tmp_path: Path) -> None:
    """Every command of the routes' phases is one well-formed sh command line (dash -n)."""
    script = tmp_path / "commands.sh"
    script.write_text(
        "\n".join(s.command for p in result.runbook if p.route != "flar" for s in p.steps if s.command)
        + "\n",
        encoding="utf-8",
    )
    done = subprocess.run(["dash", "-n", str(script)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
