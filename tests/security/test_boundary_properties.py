"""Property checks of the boundary: what names.py accepts is safe to embed, and the quoting
helper gives back, through a real shell, exactly the text it was given.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain.quoting import UnsafeValueError, comment, sh_quote, zonecfg_token
from planner.solaris import names
from planner.solaris._zonecfg_lexer import tokenize
from tests.support.fuzz import property_settings

# Text that mixes the characters attacks use with the ones real names hold.
NASTY = st.text(
    alphabet=st.sampled_from(list("abcXYZ019_.-/:;$`'\"\\()[]{}|&<>*?!#=, \t\n\r\x00\x1b~^%@+")),
    max_size=24,
)
CANDIDATES = st.one_of(
    NASTY,
    st.from_regex(r"[a-z]{1,6}[0-9]{1,3}", fullmatch=True),
    st.from_regex(r"c[0-9]t[0-9A-F]{1,16}d[0-9](s[0-9])?", fullmatch=True),
    st.from_regex(r"(/[A-Za-z0-9_.:,=@%+-]{1,8}){1,4}", fullmatch=True),
    st.from_regex(r"/dev/[A-Za-z0-9_/*?,:]{1,12}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?(\.[a-z]{1,5}){0,2}", fullmatch=True),
)
KINDS: dict[str, Callable[[str], bool]] = {
    "hostname": names.is_hostname,
    "zone": names.is_zone_name,
    "nic": names.is_nic_name,
    "disk": names.is_disk_name,
    "slice": names.is_slice_name,
    "mount point": names.is_mount_point,
    "device match": names.is_device_match,
}
# Words that need no quoting at all: sh, zonecfg and the JumpStart files take them as they are.
PLAIN_KINDS = ("hostname", "zone", "nic", "disk", "slice")


def _sh() -> str:
    path = shutil.which("dash") or shutil.which("sh")
    if path is None:
        pytest.fail("no POSIX sh found")
    return path


def _one_zonecfg_token(value: str) -> bool:
    commands = tokenize(f"set x={zonecfg_token(value)}", source="property")
    return len(commands) == 1 and [t.text for t in commands[0].tokens][2:] == ["=", value]


@property_settings()
@given(value=CANDIDATES)
def test_every_accepted_name_is_safe_to_embed(value: str) -> None:
    for kind, accepts in KINDS.items():
        if not accepts(value):
            continue
        assert value.isprintable() and not any(c.isspace() for c in value), (kind, value)
        assert not set(value) & set("$`'\"\\;|&<>(){}\n"), (kind, value)
        assert ".." not in value.split("/"), (kind, value)
        if kind in PLAIN_KINDS:
            assert names.is_safe_word(value) and sh_quote(value) == value, (kind, value)
        assert _one_zonecfg_token(value), (kind, value)
        assert comment(value) == f"# {value}"


@property_settings()
@given(value=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
def test_sh_quote_round_trips_through_a_real_shell(value: str) -> None:
    quoted = sh_quote(value)
    embedded = subprocess.run(
        [_sh(), "-c", f"printf %s {quoted}"], capture_output=True, check=True, timeout=10
    ).stdout
    assert embedded == value.encode("utf-8", "surrogateescape")
    as_argument = subprocess.run(
        [_sh(), "-c", 'printf %s "$1"', "sh", value], capture_output=True, check=True, timeout=10
    ).stdout
    assert as_argument == embedded


@property_settings()
@given(value=NASTY)
def test_zonecfg_tokens_are_one_token_or_refused(value: str) -> None:
    try:
        token = zonecfg_token(value)
    except UnsafeValueError:
        assert set(value) & set('"\\\n\r\t\x00\x1b')
        return
    assert _one_zonecfg_token(value), token


def test_sh_quote_refuses_a_nul() -> None:
    with pytest.raises(UnsafeValueError, match="NUL"):
        sh_quote("a\x00b")
