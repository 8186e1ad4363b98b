from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import Uname
from planner.solaris.system import model_key, parse_hostname, parse_prtdiag, parse_uname
from tests.support.samples import sample


def test_uname_sparc_and_x86() -> None:
    assert parse_uname(sample("system/uname-a-v240"), source="uname-a") == Uname(
        "SunOS", "web01", "5.10", "Generic_147440-01", "sun4u", "sparc", "SUNW,Sun-Fire-V240"
    )
    x86 = parse_uname(sample("system/uname-a-x86"), source="uname-a")
    assert (x86.machine, x86.processor, x86.platform) == ("i86pc", "i386", "i86pc")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Linux box 5.15.0 #1 SMP x86_64 GNU/Linux\n", "not Solaris"),
        ("SunOS web01 5.10\n", "expected 'SunOS NODE"),
        ("\n\n", "the file is empty"),
    ],
)
def test_uname_errors(text: str, fragment: str) -> None:
    with pytest.raises(SolarisParseError, match=fragment) as caught:
        parse_uname(text, source="uname-a")
    assert caught.value.source == "uname-a"


@pytest.mark.parametrize(
    ("name", "model", "clock", "memory"),
    [
        ("prtdiag-v240", "Sun Fire V240", 167, 8192),
        ("prtdiag-t5220", "SPARC Enterprise T5220", None, 32640),
        ("prtdiag-x4100", "Sun Fire X4100", None, None),
        ("prtdiag-m2048", "Sun Fire V440", 177, 2048),
    ],
)
def test_prtdiag_models(name: str, model: str, clock: int | None, memory: int | None) -> None:
    result = parse_prtdiag(sample(f"system/{name}"), source="prtdiag")
    assert (result.model, result.clock_mhz, result.memory_mb) == (model, clock, memory)


def test_prtdiag_keeps_the_full_configuration_line() -> None:
    result = parse_prtdiag(sample("system/prtdiag-v240"), source="prtdiag")
    assert result.system_configuration == "Sun Microsystems sun4u Sun Fire V240"
    oracle = parse_prtdiag("System Configuration: Oracle Corporation sun4v SPARC T4-1\n", source="p")
    assert oracle.model == "SPARC T4-1"


def test_prtdiag_errors() -> None:
    with pytest.raises(SolarisParseError, match="no 'System Configuration:' line"):
        parse_prtdiag("hello\n", source="prtdiag")
    with pytest.raises(SolarisParseError) as caught:
        parse_prtdiag(
            "System Configuration: Sun Microsystems sun4u Sun Fire V240\nMemory size: lots\n", source="p"
        )
    assert caught.value.line == 2


def test_hostname() -> None:
    assert parse_hostname("\nweb01\n", source="hostname") == "web01"
    with pytest.raises(SolarisParseError, match="is not valid: it contains whitespace"):
        parse_hostname("web 01\n", source="hostname")
    with pytest.raises(SolarisParseError, match="empty"):
        parse_hostname("", source="hostname")


def test_an_upper_case_prtdiag_header_loses_its_vendor() -> None:
    """fusioninventory prtdiag sample4: an X2250 prints its vendor and model in capitals."""
    prtdiag = parse_prtdiag(sample("system/prtdiag-x2250"), source="prtdiag")
    assert prtdiag.system_configuration == "SUN MICROSYSTEMS SUN FIRE X2250"
    assert prtdiag.model == "SUN FIRE X2250"


def test_a_real_m4000_header() -> None:
    prtdiag = parse_prtdiag(sample("system/prtdiag-m4000"), source="prtdiag")
    assert (prtdiag.model, prtdiag.clock_mhz, prtdiag.memory_mb) == (
        "Sun SPARC Enterprise M4000 Server",
        1012,
        32768,
    )


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (("SUN MICROSYSTEMS SUN FIRE X2250", "Sun Fire X2250", "sun fire x2250", "X2250"), "X2250"),
        (("Sun SPARC Enterprise M4000 Server", "SPARC Enterprise M4000", "M4000"), "M4000"),
        (("SUNW,Sun-Fire-V240", "Sun Fire V240", "V240"), "V240"),
        (("SPARC T4-1", "ORCL,SPARC-T4-1", "T4-1"), "T41"),
        (("Sun Fire X4100 Server", "Sun Fire X4100"), "X4100"),
    ],
)
def test_model_key_is_one_key_for_every_spelling(names: tuple[str, ...], key: str) -> None:
    assert {model_key(name) for name in names} == {key}


def test_model_key_keeps_models_apart() -> None:
    assert model_key("Sun Fire X4100 M2") != model_key("Sun Fire X4100")
    assert model_key("T5120") != model_key("T5220")
