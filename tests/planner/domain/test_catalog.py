"""The built-in catalog of destination models."""

from __future__ import annotations

import pytest

from planner.domain.catalog import UnknownModelError, catalog_destination, find_model, list_models


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
