"""Issue #10, attack 6: one request stalls the site with a 3.7 MB spec of 60,000 NICs and disks.

The readers now count before they build: a spec (or dladm/iostat/zoneadm/zonecfg output) past
the caps in planner/solaris/limits.py is refused with a message naming the file, before a
single record is made; the domain re-checks inventories that skipped the readers.
"""

from __future__ import annotations

import json

import pytest

from planner.domain.plan import compute_plan
from planner.domain.samples import seed_pair
from planner.solaris import limits, spec
from planner.solaris.disks import parse_iostat_en
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import Disk
from planner.solaris.network import parse_dladm_show_dev
from planner.solaris.zoneadm import parse_zoneadm_list
from planner.solaris.zonecfg import parse_zonecfg


def test_the_60000_nic_spec_is_refused_before_any_nic_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    nics = [{"name": f"e1000g{i}", "speed_mbps": 1000, "link": "up", "duplex": "full"} for i in range(30_000)]
    disks = [{"name": f"c1t{i}d0", "size_gb": 146} for i in range(30_000)]
    text = json.dumps({"hostname": "bomb", "nics": nics, "disks": disks})
    assert len(text) > 3_000_000

    def no_records(*args: object) -> object:
        raise AssertionError("a record was built before the count was checked")

    monkeypatch.setattr(spec._Spec, "nic", no_records)
    monkeypatch.setattr(spec._Spec, "disk", no_records)
    with pytest.raises(SolarisParseError) as caught:
        spec.read_hardware_spec(text, source="bomb.json")
    assert caught.value.source == "bomb.json"
    assert "more than 1,024 entries in 'nics'" in caught.value.message


def test_a_spec_at_the_caps_still_reads() -> None:
    nics = [{"name": f"e1000g{i}"} for i in range(limits.MAX_NICS)]
    text = json.dumps({"hostname": "big", "nics": nics, "disks": [{"name": "c0t0d0", "size_gb": 1}]})
    assert len(spec.read_hardware_spec(text, source="big.json").nics) == limits.MAX_NICS


def test_dladm_iostat_zoneadm_and_zonecfg_are_capped() -> None:
    links = "".join(f"e1000g{i} link: up speed: 1000 Mbps duplex: full\n" for i in range(limits.MAX_NICS + 1))
    with pytest.raises(SolarisParseError, match=f"dladm-show-dev:{limits.MAX_NICS + 1}: more than"):
        parse_dladm_show_dev(links, source="dladm-show-dev")
    iostat = "".join(
        f"c1t{i}d0 Soft Errors: 0 Hard Errors: 0 Transport Errors: 0\n" for i in range(limits.MAX_DISKS + 1)
    )
    with pytest.raises(SolarisParseError, match=r"iostat-En:.*more than 4,096 disks"):
        parse_iostat_en(iostat, source="iostat-En")
    zones = "0:global:running:/::native:shared\n" + "".join(
        f"-:z{i}:installed:/zones/z{i}::native:shared\n" for i in range(limits.MAX_ZONES + 1)
    )
    with pytest.raises(SolarisParseError, match=r"zoneadm-list-cvp:.*more than"):
        parse_zoneadm_list(zones, source="zoneadm-list-cvp")
    many = "".join(
        f"add device\nset match=/dev/rmt/{i}\nend\n" for i in range(limits.MAX_RESOURCES_PER_ZONE + 1)
    )
    with pytest.raises(SolarisParseError, match=r"zones/z\.cfg:.*more than 1,024 resources in one zone"):
        parse_zonecfg("create -b\n" + many, source="zones/z.cfg", zonename="z")


def test_the_domain_refuses_a_stored_inventory_past_the_caps() -> None:
    source, destination = seed_pair()
    destination.disks = [Disk(name=f"c2t{i}d0", size_bytes=1) for i in range(limits.MAX_DISKS + 1)]
    with pytest.raises(SolarisParseError, match="more than 4,096 disks"):
        compute_plan(source, destination)
