"""The built-in catalog of destination models."""

from __future__ import annotations

import pytest

from planner.domain.catalog import (
    NO_NATIVE_S10,
    UnknownModelError,
    catalog_destination,
    find_model,
    list_models,
)
from planner.domain.plan import compute_plan
from planner.domain.samples import seed_source


def test_the_catalog_has_the_common_models() -> None:
    keys = {m.key for m in list_models()}
    assert {"V240", "V445", "V490", "T2000", "T5220", "T5240", "X4100", "X4200", "M4000"} <= keys


@pytest.mark.parametrize(
    ("model", "ports", "machine", "platform"),
    [
        ("V240", ["bge0", "bge1", "bge2", "bge3"], "sun4u", "SUNW,Sun-Fire-V240"),
        ("V445", ["bge0", "bge1", "bge2", "bge3"], "sun4u", "SUNW,Sun-Fire-V445"),
        ("V490", ["ce0", "ce1"], "sun4u", "SUNW,Sun-Fire-V490"),
        ("T2000", ["e1000g0", "e1000g1", "e1000g2", "e1000g3"], "sun4v", "SUNW,Sun-Fire-T200"),
        ("T5220", ["e1000g0", "e1000g1", "e1000g2", "e1000g3"], "sun4v", "SUNW,SPARC-Enterprise-T5220"),
        ("T5240", ["nxge0", "nxge1", "nxge2", "nxge3"], "sun4v", "SUNW,T5240"),
        ("X4100", ["nge0", "nge1", "e1000g0", "e1000g1"], "i86pc", "i86pc"),
        ("M4000", ["bge0", "bge1"], "sun4u", "SUNW,SPARC-Enterprise"),
    ],
)
def test_catalog_destination(model: str, ports: list[str], machine: str, platform: str) -> None:
    inv = catalog_destination(model, "newbox")
    assert inv.hostname == "newbox" and inv.origin == f"catalog:{model}"
    assert [n.name for n in inv.nics] == ports
    assert all(n.speed_mbps == 1000 and n.driver and n.instance is not None for n in inv.nics)
    assert (inv.uname.machine, inv.uname.platform, inv.uname.release) == (machine, platform, "5.10")
    assert inv.disks and all(d.size_bytes > 0 for d in inv.disks)
    assert inv.prtdiag.model and inv.prtdiag.memory_mb


def test_disk_size_can_be_chosen() -> None:
    inv = catalog_destination("T5220", "newbox", disk_gb=300)
    assert [d.name for d in inv.disks] == ["c1t0d0", "c1t1d0"]
    assert {d.size_bytes for d in inv.disks} == {300 * 1000**3}


@pytest.mark.parametrize("name", ["T2000", "t2000", "Sun Fire T200", "SUNW,Sun-Fire-T2000", "sun fire t2000"])
def test_model_names_are_forgiving(name: str) -> None:
    assert find_model(name).key == "T2000"


def test_unknown_model_lists_the_known_ones() -> None:
    with pytest.raises(UnknownModelError, match="V240"):
        catalog_destination("E10K", "x")


NEW_MODELS = ("T4-1", "T5-2", "T7-1", "S7-2", "M10-4", "M8-8")


def test_the_newer_models_are_in_the_catalog() -> None:
    keys = [m.key for m in list_models()]
    assert set(NEW_MODELS) <= set(keys)
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("key", ["T7-1", "S7-2", "M8-8"])
def test_no_native_solaris_10(key: str) -> None:
    model = find_model(key)
    assert model.min_s10.value == NO_NATIVE_S10 and model.min_s10.confirmed
    assert "guest domains" in model.min_s10.note and "branded zones" in model.min_s10.note
    assert model.runs_solaris10 is False and model.runs_solaris11 is True
    assert model.hosts_solaris10_zones.value == "yes"
    assert model.os_support == "Solaris 11 only"
    inv = catalog_destination(key, "newbox")
    assert (inv.os_family, inv.uname.release) == ("solaris11", "5.11")
    assert all(n.name.startswith("net") and n.device.startswith(n.driver) for n in inv.nics)


@pytest.mark.parametrize("key", ["V210", "V240", "V440", "V445", "V490"])
def test_v_series_cannot_run_solaris_11_or_host_solaris10_zones(key: str) -> None:
    model = find_model(key)
    assert (model.solaris11.value, model.solaris11.source) == ("no", "REG")
    assert model.hosts_solaris10_zones.value == "no"
    assert model.machine == "sun4u" and model.runs_solaris10 is True
    assert catalog_destination(key, "x").os_family == "solaris10"


def test_sourced_minimum_updates() -> None:
    assert (find_model("T5220").min_s10.value, find_model("T5220").min_s10.source) == ("8/07", "LDOM13")
    assert find_model("T5240").min_s10.note.startswith("with patch 127111-08")
    assert (find_model("T4-1").min_s10.value, find_model("T4-1").min_s10.source) == ("10/09", "T4PN")
    assert find_model("T2000").min_s10.value == "1/06"
    assert find_model("T5220").os_support == "Solaris 10 and Solaris 11"


def test_every_model_names_a_source_or_says_unconfirmed() -> None:
    for model in list_models():
        for fact in (model.native_s10, model.min_s10, model.solaris11):
            assert fact.source, model.key
            assert fact.confirmed == (bool(fact.value) and fact.source != "U"), model.key
        assert model.machine in ("sun4u", "sun4v", "i86pc")
        assert model.machine_source and model.nic_source
        # No NIC driver is sourced for any catalog model (reference: only the V245's bge is).
        assert model.nic_source == "U"
    unknown = [m.key for m in list_models() if not m.min_s10.value]
    assert {"T5-2", "M10-4", "X4100", "X4200", "M4000", "V240"} <= set(unknown)
    assert "unconfirmed" in find_model("X4100").os_support


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Sun SPARC Enterprise M4000 Server", "M4000"),
        ("SPARC Enterprise M4000", "M4000"),
        ("SPARC T7-1", "T7-1"),
        ("ORCL,SPARC-S7-2", "S7-2"),
        ("sparc m10-4", "M10-4"),
    ],
)
def test_real_prtdiag_names_find_their_model(name: str, key: str) -> None:
    assert find_model(name).key == key


def test_an_empty_name_is_unknown() -> None:
    with pytest.raises(UnknownModelError):
        find_model("")
    with pytest.raises(UnknownModelError):
        find_model("Sun")


@pytest.mark.parametrize("key", [m.key for m in list_models()])
def test_every_model_can_be_planned_against(key: str) -> None:
    result = compute_plan(seed_source(), catalog_destination(key, "dst"))
    assert result.verdict.value in ("ready", "ready_with_steps", "blocked")
