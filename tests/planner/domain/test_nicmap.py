"""NIC mapping: proposals, the default rule, overrides, drops and the conflicts they can raise."""

from __future__ import annotations

from planner.domain.catalog import catalog_destination
from planner.domain.nicmap import NicMapping
from planner.domain.plan import NicOverride, Overrides, PlanOptions, compute_plan
from planner.solaris.inventory import IpInterface, ZoneNet
from tests.support.bundles import codes, host, nic, one, zone


def _row(result_rows: list[NicMapping], zone_name: str, physical: str = "") -> NicMapping:
    rows = [r for r in result_rows if r.zone == zone_name and (not physical or r.physical == physical)]
    assert len(rows) == 1, rows
    return rows[0]


def test_same_port_is_kept() -> None:
    src = host("src", zones=[zone("z1", nets=[ZoneNet("bge1", "192.168.10.21/24")])])
    dst = host("dst")
    result = compute_plan(src, dst)
    row = _row(result.nic_mappings, "z1")
    assert (row.proposed_target, row.chosen_target, row.action, row.origin, row.status) == (
        "bge1",
        "bge1",
        "keep",
        "same-name",
        "ok",
    )
    finding = one(result, "z1", "NET_PORT_PRESENT")
    assert finding.severity.value == "info"
    assert finding.resource == "net bge1 (192.168.10.21/24)"


def test_cross_driver_remap_bge_to_e1000g_keeps_the_instance() -> None:
    src = host("src", zones=[zone("z1", nets=[ZoneNet("bge1", "192.168.10.21/24")])])
    dst = catalog_destination("T5220", "dst")
    result = compute_plan(src, dst)
    row = _row(result.nic_mappings, "z1")
    assert (row.chosen_target, row.action, row.origin, row.status) == ("e1000g1", "map", "driver-match", "ok")
    assert row.source_driver == "bge" and row.target_driver == "e1000g"
    finding = one(result, "z1", "NET_PORT_REMAP")
    assert finding.severity.value == "step"
    assert "zonecfg -z z1 'select net physical=bge1; set physical=e1000g1; end'" in finding.remedy
    # A shared-IP zone's new port must be plumbed in the global zone (it is not the primary port).
    assert "ifconfig e1000g1 plumb" in finding.remedy


def test_same_driver_ranks_before_same_class_and_link_up_before_down() -> None:
    src = host("src", zones=[zone("z1", nets=[ZoneNet("bge3", "10.0.0.5")])])
    dst = host(
        "dst",
        nics=[
            nic("e1000g3", "e1000g", 3),
            nic("bge0", "bge", 0, link="down"),
            nic("bge1", "bge", 1, link="up"),
        ],
    )
    row = _row(compute_plan(src, dst).nic_mappings, "z1")
    assert row.chosen_target == "bge1"


def test_faster_port_is_preferred_to_a_slower_one() -> None:
    src = host("src", zones=[zone("z1", nets=[ZoneNet("ce0", "10.0.0.5")])], nics=[nic("ce0", "ce", 0)])
    dst = host("dst", nics=[nic("qfe0", "qfe", 0, speed=100), nic("e1000g5", "e1000g", 5)])
    row = _row(compute_plan(src, dst).nic_mappings, "z1")
    assert row.chosen_target == "e1000g5"


def test_exclusive_ip_zones_never_share_a_port() -> None:
    src = host(
        "src",
        zones=[
            zone("x1", ip_type="exclusive", nets=[ZoneNet("bge1")]),
            zone("x2", ip_type="exclusive", nets=[ZoneNet("bge2")]),
        ],
        interfaces=[IpInterface("bge0", ["UP"], 1500, 2, "inet", "10.0.0.1", "ffffff00")],
    )
    # e1000g0 is the global zone's port; only e1000g1 is free for an exclusive zone.
    dst = host("dst", nics=[nic("e1000g0", "e1000g", 0), nic("e1000g1", "e1000g", 1)])
    result = compute_plan(src, dst)
    assert result.global_zone_port == "e1000g0"
    x1, x2 = _row(result.nic_mappings, "x1"), _row(result.nic_mappings, "x2")
    assert x1.chosen_target == "e1000g1" and x1.status == "ok"
    assert x2.chosen_target == "" and x2.status == "blocker" and x2.origin == "none"
    blocker = one(result, "x2", "NET_NO_TARGET")
    assert blocker.severity.value == "blocker"
    assert "exclusive-IP" in blocker.message
    assert result.zone("x2") is not None and result.zone("x2").verdict.value == "blocked"  # type: ignore[union-attr]


def test_overrides_putting_two_exclusive_zones_on_one_port_conflict() -> None:
    src = host(
        "src",
        zones=[
            zone("x1", ip_type="exclusive", nets=[ZoneNet("bge1")]),
            zone("x2", ip_type="exclusive", nets=[ZoneNet("bge2")]),
        ],
    )
    dst = host("dst")
    overrides = Overrides(
        nics=[
            NicOverride("x1", "bge1", action="map", target="bge3"),
            NicOverride("x2", "bge2", target="bge3"),
        ]
    )
    result = compute_plan(src, dst, overrides=overrides)
    for name in ("x1", "x2"):
        row = _row(result.nic_mappings, name)
        assert (row.status, row.issue, row.origin) == ("conflict", "port-conflict", "override")
        assert "NET_NO_TARGET" in codes(result, name)


def test_a_shared_zone_may_not_use_a_port_held_exclusively() -> None:
    src = host(
        "src",
        zones=[
            zone("x1", ip_type="exclusive", nets=[ZoneNet("bge1")]),
            zone("s1", nets=[ZoneNet("bge2", "10.0.0.7")]),
        ],
    )
    dst = host("dst", nics=[nic("bge0", "bge", 0), nic("bge1", "bge", 1)])
    overrides = Overrides(nics=[NicOverride("s1", "bge2", target="bge1")])
    result = compute_plan(src, dst, overrides=overrides)
    shared = _row(result.nic_mappings, "s1")
    assert shared.status == "conflict" and "held exclusively by zone x1" in shared.reason
    assert _row(result.nic_mappings, "x1").status == "conflict"


def test_automatic_proposals_steer_shared_zones_off_exclusive_ports() -> None:
    src = host(
        "src",
        zones=[
            zone("x1", ip_type="exclusive", nets=[ZoneNet("bge1")]),
            zone("s1", nets=[ZoneNet("ce1", "10.0.0.7")]),
        ],
        nics=[nic("bge1", "bge", 1), nic("ce1", "ce", 1)],
    )
    dst = host("dst", nics=[nic("bge0", "bge", 0), nic("bge1", "bge", 1)])
    result = compute_plan(src, dst)
    assert _row(result.nic_mappings, "s1").chosen_target == "bge0"
    assert result.verdict.value != "blocked"


def test_default_rule_applies_to_nets_without_a_same_name_port() -> None:
    src = host(
        "src",
        zones=[
            zone("z1", nets=[ZoneNet("ce0", "10.0.0.5")]),
            zone("z2", nets=[ZoneNet("bge1", "10.0.0.6")]),
            zone("x1", ip_type="exclusive", nets=[ZoneNet("ce1")]),
        ],
    )
    ports = [
        nic("bge0", "bge", 0),
        nic("bge1", "bge", 1),
        nic("e1000g2", "e1000g", 2),
        nic("e1000g3", "e1000g", 3),
    ]
    dst = host("dst", nics=ports)
    result = compute_plan(src, dst, overrides=Overrides(default_nic_target="e1000g2"))
    z1 = _row(result.nic_mappings, "z1")
    assert (z1.proposed_target, z1.origin, z1.action) == ("e1000g2", "default-rule", "map")
    assert _row(result.nic_mappings, "z2").origin == "same-name"
    # Exclusive-IP nets need a port of their own: the rule does not send them to the shared default.
    x1 = _row(result.nic_mappings, "x1")
    # bge0 is the global zone's port, bge1 and e1000g2 carry shared zones: e1000g3 is the free one.
    assert (x1.origin, x1.chosen_target, x1.status) == ("driver-match", "e1000g3", "ok")


def test_default_rule_to_a_missing_port_is_a_blocker() -> None:
    src = host("src", zones=[zone("z1", nets=[ZoneNet("ce0", "10.0.0.5")])])
    result = compute_plan(src, host("dst"), overrides=Overrides(default_nic_target="nxge9"))
    row = _row(result.nic_mappings, "z1")
    assert (row.status, row.issue, row.chosen_target) == ("blocker", "missing-target", "nxge9")
    assert "default rule target nxge9 does not exist" in one(result, "z1", "NET_NO_TARGET").message


def test_override_wins_and_drop_removes_the_net() -> None:
    src = host(
        "src",
        zones=[
            zone("z1", nets=[ZoneNet("bge1", "10.0.0.5")]),
            zone("z2", nets=[ZoneNet("bge1", "10.0.0.6")]),
        ],
    )
    overrides = Overrides(
        nics=[NicOverride("z1", "bge1", "10.0.0.5", "map", "bge2"), NicOverride("z2", "bge1", action="drop")]
    )
    result = compute_plan(src, host("dst"), overrides=overrides)
    z1 = _row(result.nic_mappings, "z1")
    assert (z1.proposed_target, z1.chosen_target, z1.origin, z1.action) == ("bge1", "bge2", "override", "map")
    assert (
        "zonecfg -z z1 'select net physical=bge1; set physical=bge2; end'"
        in one(result, "z1", "NET_PORT_REMAP").remedy
    )
    z2 = _row(result.nic_mappings, "z2")
    assert (z2.action, z2.chosen_target, z2.status) == ("drop", "", "ok")
    drop = one(result, "z2", "NET_PORT_REMAP")
    assert drop.severity.value == "step"
    assert "zonecfg -z z2 'remove net physical=bge1'" in drop.remedy
    assert "zonecfg -z z2 'remove net physical=bge1'" in result.finish_script


def test_override_whose_target_vanished_is_a_blocker_not_a_silent_remap() -> None:
    src = host("src", zones=[zone("z1", nets=[ZoneNet("bge1", "10.0.0.5")])])
    overrides = Overrides(nics=[NicOverride("z1", "bge1", target="e1000g7")])
    result = compute_plan(src, host("dst"), overrides=overrides)
    row = _row(result.nic_mappings, "z1")
    assert (row.chosen_target, row.status, row.issue, row.origin) == (
        "e1000g7",
        "blocker",
        "missing-target",
        "override",
    )
    finding = one(result, "z1", "NET_NO_TARGET")
    assert "override target e1000g7 does not exist on dst" in finding.message
    assert result.verdict.value == "blocked"


def test_duplicate_addresses_are_flagged_on_every_zone_involved() -> None:
    src = host(
        "src",
        zones=[
            zone("z1", nets=[ZoneNet("bge1", "10.0.0.5/24")]),
            zone("z2", nets=[ZoneNet("bge2", "10.0.0.5")]),
            zone("z3", nets=[ZoneNet("bge1", "10.0.0.1")]),
        ],
        interfaces=[IpInterface("bge0", ["UP"], 1500, 2, "inet", "10.0.0.1", "ffffff00")],
    )
    result = compute_plan(src, host("dst"))
    for name, other in (("z1", "zone z2"), ("z2", "zone z1"), ("z3", "global zone (bge0)")):
        finding = one(result, name, "NET_DUPLICATE_ADDRESS")
        assert finding.severity.value == "blocker"
        assert other in finding.message
        assert _row(result.nic_mappings, name).status == "conflict"


def test_one_zone_with_one_address_on_two_nets_is_one_finding_that_names_the_nets() -> None:
    # Issue #13 item 5: "Address 10.0.0.1 of zone odd01 is also configured for zone odd01", twice.
    src = host(
        "src", zones=[zone("odd01", nets=[ZoneNet("bge1", "10.0.0.1"), ZoneNet("bge2", "10.0.0.1/24")])]
    )
    result = compute_plan(src, host("dst"))
    finding = one(result, "odd01", "NET_DUPLICATE_ADDRESS")
    assert "also configured for zone odd01" not in finding.message
    assert "Address 10.0.0.1 is configured on 2 nets of zone odd01 (bge1, bge2)." in finding.message
    assert {r.status for r in result.nic_mappings} == {"conflict"}
    assert _row(result.nic_mappings, "odd01", "bge1").duplicates == ["net bge2 of zone odd01"]


def test_a_zone_with_a_doubled_address_that_another_zone_also_uses_names_both() -> None:
    src = host(
        "src",
        zones=[
            zone("z1", nets=[ZoneNet("bge1", "10.0.0.5"), ZoneNet("bge2", "10.0.0.5")]),
            zone("z2", nets=[ZoneNet("bge3", "10.0.0.5")]),
        ],
    )
    result = compute_plan(src, host("dst"))
    finding = one(result, "z1", "NET_DUPLICATE_ADDRESS")
    assert "on 2 nets of zone z1 (bge1, bge2) and also for zone z2." in finding.message
    assert "also configured for zone z1" in one(result, "z2", "NET_DUPLICATE_ADDRESS").message


def test_a_port_whose_link_is_not_up_gets_a_warning_even_when_pinned() -> None:
    # Issue #13 item 12: pinning a net to a port whose link is "unknown" said "ok" and nothing else.
    src = host("src", zones=[zone("z1", nets=[ZoneNet("bge1", "10.0.0.5"), ZoneNet("bge2", "10.0.0.6")])])
    dst = host("dst", nics=[nic("bge1", "bge", 1, link="up"), nic("bge2", "bge", 2, link="unknown")])
    overrides = Overrides(nics=[NicOverride("z1", "bge1", address="10.0.0.5", target="bge2")])
    pinned = _row(compute_plan(src, dst, overrides=overrides).nic_mappings, "z1", "bge1")
    assert (pinned.chosen_target, pinned.status) == ("bge2", "ok")
    assert "the link of bge2 is unknown" in pinned.link_warning and "cabled" in pinned.link_warning
    plain = compute_plan(src, dst)
    assert _row(plain.nic_mappings, "z1", "bge1").link_warning == ""  # up
    assert "is unknown" in _row(plain.nic_mappings, "z1", "bge2").link_warning
    down = host("dst", nics=[nic("bge1", "bge", 1, link="down"), nic("bge2", "bge", 2, link="up")])
    assert "is down" in _row(compute_plan(src, down).nic_mappings, "z1", "bge1").link_warning
    assert plain.to_report_dict()["nic_mappings"][1]["link_warning"].startswith("the link of bge2")


def test_spreading_is_only_done_when_asked() -> None:
    zones = [zone(f"z{i}", nets=[ZoneNet("ce0", f"10.0.0.{10 + i}")]) for i in range(3)]
    src = host("src", zones=zones, nics=[nic("ce0", "ce", 0)])
    dst = host("dst", nics=[nic(f"e1000g{i}", "e1000g", i) for i in range(3)])
    packed = {r.chosen_target for r in compute_plan(src, dst).nic_mappings}
    spread = {r.chosen_target for r in compute_plan(src, dst, PlanOptions(spread_nics=True)).nic_mappings}
    assert packed == {"e1000g0"}
    assert spread == {"e1000g0", "e1000g1", "e1000g2"}


def test_two_nets_on_one_port_select_by_address() -> None:
    src = host("src", zones=[zone("z1", nets=[ZoneNet("ce0", "10.0.0.5"), ZoneNet("ce0", "10.0.1.5")])])
    result = compute_plan(src, host("dst"))
    commands = [s.command for s in result.steps if s.zone == "z1" and "select net" in s.command]
    assert commands == [
        "zonecfg -z z1 'select net address=10.0.0.5 physical=ce0; set physical=bge0; end'",
        "zonecfg -z z1 'select net address=10.0.1.5 physical=ce0; set physical=bge0; end'",
    ]


def test_an_override_for_a_net_that_does_not_exist_is_reported() -> None:
    src = host("src", zones=[zone("z1", nets=[ZoneNet("bge1", "10.0.0.5")])])
    result = compute_plan(
        src, host("dst"), overrides=Overrides(nics=[NicOverride("z9", "bge1", target="bge2")])
    )
    assert any("zone z9" in n and "matches no net" in n for n in result.notes)


def test_no_destination_ports_blocks_every_net() -> None:
    src = host("src", zones=[zone("z1", nets=[ZoneNet("bge1", "10.0.0.5")])])
    result = compute_plan(src, host("dst", nics=[]))
    row = _row(result.nic_mappings, "z1")
    assert row.status == "blocker" and "lists no network ports" in row.reason
