"""catalog:MODEL inputs: an unknown model is a one-line SolarisParseError, not a traceback (issue #12)."""

from __future__ import annotations

import pytest

from planner.inputs import load_catalog
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
