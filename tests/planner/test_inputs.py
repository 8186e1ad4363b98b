"""What planner.inputs refuses, and how it says so: catalog models, empty files, tar names that lie."""

from __future__ import annotations

import pytest

from planner.inputs import load_catalog, load_upload
from planner.solaris.errors import SolarisParseError


def test_a_catalog_model_loads() -> None:
    loaded = load_catalog("catalog:T7-1:newt7")
    assert (loaded.inventory.hostname, loaded.inventory.origin) == ("newt7", "catalog:T7-1")
    assert loaded.inventory.os_family == "solaris11"


@pytest.mark.parametrize("spec", ["catalog:E10K", "catalog:", "catalog"])
def test_an_unknown_model_is_a_parse_error_naming_the_known_ones(spec: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        load_catalog(spec)
    assert caught.value.source == spec
    assert "unknown model" in caught.value.message and "T5220" in caught.value.message


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"])
def test_an_empty_file_is_refused_by_name(data: bytes) -> None:
    with pytest.raises(SolarisParseError) as caught:
        load_upload("empty.cfg", data)
    assert caught.value.source == "empty.cfg"
    assert caught.value.message == "the file is empty"


def test_a_zonecfg_of_only_comments_is_no_zone_configuration() -> None:
    with pytest.raises(SolarisParseError) as caught:
        load_upload("web01.cfg", b"# zonecfg -z web01 export\n#\n\n")
    assert caught.value.source == "web01.cfg"
    assert caught.value.message.startswith("no zone configuration")


@pytest.mark.parametrize(
    ("name", "reason"),
    [("bundle.tar", "not a tar archive"), ("bundle.tar.gz", "not gzip"), ("bundle.TGZ", "not gzip")],
)
def test_a_tar_name_on_other_bytes_says_what_the_file_is_not(name: str, reason: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        load_upload(name, b"create -b\nset zonepath=/zones/web01\n")
    assert caught.value.source == name
    assert caught.value.message.startswith(reason)
