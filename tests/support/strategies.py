"""Hypothesis strategies for canonical zone configurations."""

from __future__ import annotations

from hypothesis import strategies as st

from planner.solaris._text import bytes_to_units
from planner.solaris.inventory import (
    RctlValue,
    ZoneAdmin,
    ZoneAttr,
    ZoneCappedCpu,
    ZoneCappedMemory,
    ZoneConfig,
    ZoneDedicatedCpu,
    ZoneDevice,
    ZoneFs,
    ZoneNet,
    ZoneRctl,
)
from planner.solaris.names import is_device_match, is_mount_point
from planner.solaris.zonemodel import canonical_zone_config


def value_texts(*, xml_safe: bool) -> st.SearchStrategy[str]:
    """Anything the boundary (names.check_zonecfg_value) lets zonecfg carry in a (quoted) value:
    no double quote, no backslash, no control character (so no line break either).

    XML 1.0 also refuses unassigned code points here, so ``xml_safe`` leaves those out.
    """
    if xml_safe:
        alphabet = st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters='"\\')
    else:
        alphabet = st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters='"\\\u2028\u2029')
    return st.text(alphabet=alphabet, min_size=1, max_size=16)


words = st.from_regex(r"[A-Za-z0-9_./:-]{1,12}", fullmatch=True)
# Mount points, NIC names, device matches and fs specials as names.py accepts them.
paths = (
    st.from_regex(r"(?:/[A-Za-z0-9_.-]{1,8}){0,3}", fullmatch=True)
    .map(lambda p: p or "/")
    .filter(is_mount_point)
)
nic_names = st.from_regex(r"[a-z]{1,6}[0-9]{1,3}", fullmatch=True)
device_matches = st.from_regex(r"/dev/[A-Za-z0-9_/*?]{1,12}", fullmatch=True).filter(is_device_match)
optional_addresses = st.one_of(st.just(""), st.from_regex(r"[0-9a-f.:/]{1,20}", fullmatch=True))
specials = st.from_regex(r"[A-Za-z0-9_./:,=-]{1,16}", fullmatch=True)
digits = st.integers(min_value=0, max_value=10**12).map(str)


def rctl_values(values: st.SearchStrategy[str]) -> st.SearchStrategy[RctlValue]:
    return st.builds(
        RctlValue,
        priv=st.sampled_from(["privileged", "basic", "system"]),
        limit=st.one_of(digits, values),
        action=st.sampled_from(["deny", "none", "signal=SIGTERM"]),
    )


rctl_names = st.one_of(
    st.sampled_from(
        ["zone.cpu-cap", "zone.max-swap", "zone.max-locked-memory", "zone.max-lwps", "zone.cpu-shares"]
    ),
    st.from_regex(r"zone\.[a-z-]{1,12}", fullmatch=True),
)


@st.composite
def rctl_lists(draw: st.DrawFn, values: st.SearchStrategy[str]) -> list[ZoneRctl]:
    names = draw(st.lists(rctl_names, unique=True, max_size=4))
    return [ZoneRctl(name, draw(st.lists(rctl_values(values), max_size=3))) for name in names]


dedicated_cpus = st.builds(
    ZoneDedicatedCpu,
    ncpus=st.one_of(
        st.integers(1, 64).map(str),
        st.tuples(st.integers(1, 8), st.integers(8, 64)).map(lambda t: f"{t[0]}-{t[1]}"),
    ),
    importance=st.one_of(st.just(""), st.integers(1, 100).map(str)),
)
memory_sizes = st.integers(min_value=1, max_value=2**44).map(bytes_to_units)


@st.composite
def zone_configs(draw: st.DrawFn, *, xml_safe: bool = False) -> ZoneConfig:
    """Canonical configs (what every reader returns) with awkward but writable values."""
    values = value_texts(xml_safe=xml_safe)
    optional_values = st.one_of(st.just(""), values)
    cfg = ZoneConfig(
        name=draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,15}", fullmatch=True)),
        zonepath=draw(st.one_of(st.just(""), paths)),
        brand=draw(st.sampled_from(["native", "native", "lx", "solaris8", "solaris9"])),
        autoboot=draw(st.booleans()),
        ip_type=draw(st.sampled_from(["shared", "exclusive"])),
        pool=draw(optional_values),
        limitpriv=draw(st.one_of(st.just(""), st.just("default,proc_priocntl"), values)),
        bootargs=draw(st.one_of(st.just(""), st.just("-m verbose"), values)),
        scheduling_class=draw(st.one_of(st.just(""), st.just("FSS"))),
        hostid=draw(st.one_of(st.just(""), st.from_regex(r"0x[0-9a-f]{8}", fullmatch=True))),
        fs_allowed=draw(st.one_of(st.just(""), st.just("ufs,pcfs"))),
        inherit_pkg_dirs=draw(st.lists(paths, max_size=5)),
        fs=draw(
            st.lists(
                st.builds(
                    ZoneFs,
                    dir=paths,
                    special=specials,
                    raw=st.one_of(st.just(""), specials),
                    type=words,
                    options=st.lists(values),
                ),
                max_size=3,
            )
        ),
        nets=draw(
            st.lists(
                st.builds(
                    ZoneNet,
                    physical=nic_names,
                    address=optional_addresses,
                    defrouter=optional_addresses,
                    allowed_address=optional_addresses,
                ),
                max_size=3,
            )
        ),
        devices=draw(st.lists(st.builds(ZoneDevice, match=device_matches), max_size=3)),
        rctls=draw(rctl_lists(values)),
        attrs=draw(st.lists(st.builds(ZoneAttr, name=words, type=words, value=values), max_size=3)),
        datasets=draw(st.lists(values, max_size=3)),
        dedicated_cpu=draw(st.one_of(st.none(), dedicated_cpus)),
        capped_cpu=draw(
            st.one_of(st.none(), st.decimals(0, 64, places=2).map(lambda d: ZoneCappedCpu(str(d))))
        ),
        capped_memory=draw(
            st.one_of(
                st.none(),
                st.builds(
                    ZoneCappedMemory,
                    physical=st.one_of(st.just(""), memory_sizes),
                    swap=st.one_of(st.just(""), memory_sizes),
                    locked=st.one_of(st.just(""), memory_sizes),
                ),
            )
        ),
        admins=draw(st.lists(st.builds(ZoneAdmin, user=words, auths=optional_values), max_size=2)),
        extra_properties=draw(
            st.dictionaries(st.from_regex(r"x-[a-z]{1,8}", fullmatch=True), values, max_size=2)
        ),
        create_mode=draw(st.sampled_from(["sparse", "whole"])),
    )
    return canonical_zone_config(cfg)
