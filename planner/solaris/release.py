"""Readers for ``/etc/release`` and ``/var/sadm/system/admin/CLUSTER``.

``/etc/release`` line 1 (centred with spaces; the spaces are not significant):

* Solaris 10: ``[Oracle ]Solaris 10 <rel> [HW<n> ]s10{s|x}_u<N>wos_<build> {SPARC|X86}``, e.g.
  ``Solaris 10 10/09 s10s_u8wos_08a SPARC``; the first release is ``Solaris 10 3/05 s10_74L2a SPARC``
  and its interim hardware releases ``Solaris 10 3/05 HW1 s10s_wos_74L2a SPARC`` and
  ``Solaris 10 3/05 HW2 s10s_hw2wos_05 SPARC``.  "Oracle " starts at 9/10.
* Solaris 11: ``Oracle Solaris 11 11/11 X86``, ``Oracle Solaris 11.1 SPARC`` ...
  ``Oracle Solaris 11.4 SPARC``.

Sources: puppetlabs/facter spec/unit/operatingsystemrelease_spec.rb (every Solaris 10 build string,
11 11/11, 11.1), ansible/ansible test fixtures solaris_10/11/11.3/11.4.json, fusioninventory-agent
resources/solaris/release/sample{1,6,7,8}; see tests/planner/solaris/samples/release/README.md.

``CLUSTER`` holds one ``CLUSTER=<metacluster>`` line (``CLUSTER=SUNWCXall``); the installer writes
it (caiman libspmisvc svc_write_script.c) and target discovery reads its first line.
"""

from __future__ import annotations

import re

from ._text import content_lines
from .errors import SolarisParseError
from .inventory import OsRelease

_SOLARIS_10 = re.compile(
    r"(?P<oracle>Oracle )?Solaris 10 (?P<release>[0-9]{1,2}/[0-9]{2})(?: (?P<hw>HW[0-9]*))?"
    r" (?P<build>s10[sx]?_[A-Za-z0-9_]+) (?P<arch>SPARC|X86)"
)
_SOLARIS_11 = re.compile(
    r"Oracle Solaris 11(?:\.(?P<minor>[0-9]+))?(?: (?P<release>[0-9]{1,2}/[0-9]{2}))? (?P<arch>SPARC|X86)"
)
_UPDATE_BUILD = re.compile(r"s10[sx]_u(?P<number>[0-9]+)wos_[A-Za-z0-9_]+")
# Builds of the first release and its hardware releases (no u<N>): update 0.
_FIRST_RELEASE_BUILD = re.compile(r"s10_[A-Za-z0-9_]+|s10[sx]_(?:hw[0-9]+)?wos_[A-Za-z0-9_]+")
_OTHER_SOLARIS = re.compile(r"(?:Oracle )?(?:Open)?Solaris (?P<version>\S+)")
_ASSEMBLED = re.compile(r"Assembled (?P<date>.+)")
_EXAMPLE = "'Solaris 10 10/09 s10s_u8wos_08a SPARC' or 'Oracle Solaris 11.4 SPARC'"

_CLUSTER_NAME = re.compile(r"SUNWC[A-Za-z0-9]+")


def _solaris_10(match: re.Match[str], text: str, source: str, line: int) -> OsRelease:
    build, arch = match.group("build"), match.group("arch").lower()
    update_build = _UPDATE_BUILD.fullmatch(build)
    if update_build:
        update = int(update_build.group("number"))
    elif _FIRST_RELEASE_BUILD.fullmatch(build):
        update = 0
    else:
        raise SolarisParseError(
            f"{build!r} is not a Solaris 10 build string like s10s_u8wos_08a", source=source, line=line
        )
    build_arch = {"s10s": "sparc", "s10x": "x86"}.get(build[:4])
    if build_arch is not None and build_arch != arch:
        raise SolarisParseError(
            f"the build {build} is a {build_arch.upper()} build but the line says {arch.upper()}",
            source=source,
            line=line,
        )
    return OsRelease(
        text=text,
        major=10,
        version="10",
        release=match.group("release"),
        update=update,
        build=build,
        hardware_release=match.group("hw") or "",
        arch=arch,
        oracle=bool(match.group("oracle")),
    )


def _solaris_11(match: re.Match[str], text: str) -> OsRelease:
    minor = match.group("minor")
    return OsRelease(
        text=text,
        major=11,
        version=f"11.{minor}" if minor else "11",
        release=match.group("release") or "",
        arch=match.group("arch").lower(),
        oracle=True,
    )


def parse_etc_release(text: str, *, source: str) -> OsRelease:
    """Read ``/etc/release``: the release line (the first line that is not blank) and ``Assembled``."""
    result: OsRelease | None = None
    for number, line in content_lines(text):
        words = " ".join(line.split())
        if result is None:
            result = _release_line(words, source, number)
            continue
        assembled = _ASSEMBLED.fullmatch(words)
        if assembled:
            result.assembled = assembled.group("date")
    if result is None:
        raise SolarisParseError(f"the file is empty; expected /etc/release such as {_EXAMPLE}", source=source)
    return result


def _release_line(words: str, source: str, number: int) -> OsRelease:
    solaris_10 = _SOLARIS_10.fullmatch(words)
    if solaris_10:
        return _solaris_10(solaris_10, words, source, number)
    solaris_11 = _SOLARIS_11.fullmatch(words)
    if solaris_11:
        return _solaris_11(solaris_11, words)
    other = _OTHER_SOLARIS.match(words)
    if other and not other.group("version").startswith(("10", "11")):
        raise SolarisParseError(
            f"this is {words!r}; zflar reads Solaris 10 and Solaris 11 hosts only", source=source, line=number
        )
    raise SolarisParseError(
        f"expected a release line such as {_EXAMPLE}, found {words[:120]!r}", source=source, line=number
    )


def parse_cluster(text: str, *, source: str) -> str:
    """The software group from ``CLUSTER=SUNWCXall`` (other ``KEY=value`` lines are ignored)."""
    for number, line in content_lines(text):
        key, equals, value = line.partition("=")
        if not equals:
            raise SolarisParseError(
                f"expected KEY=value lines such as CLUSTER=SUNWCXall, found {line[:80]!r}",
                source=source,
                line=number,
            )
        if key.strip() != "CLUSTER":
            continue
        value = value.strip()
        if not _CLUSTER_NAME.fullmatch(value):
            raise SolarisParseError(
                f"{value[:80]!r} is not a software group name such as SUNWCXall or SUNWCreq",
                source=source,
                line=number,
            )
        return value
    raise SolarisParseError("no CLUSTER= line; expected CLUSTER=SUNWCXall or similar", source=source)
