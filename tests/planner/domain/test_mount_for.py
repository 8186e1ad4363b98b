"""mount_for looks a path's prefixes up in a table; it must find what the plain rule finds: the
longest mount point that holds the path by is_under, scanning every mount (mount points as the
readers accept them: absolute, no empty, "." or ".." component)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planner.domain.facts import Mount, _mounts_longest_first, is_under, memoized_mounts, mount_for
from planner.solaris.inventory import DfEntry, HostInventory
from planner.solaris.names import mount_point_problem
from tests.support.fuzz import property_settings

_PART = st.sampled_from(["a", "b", "zones", "web01", "root", "export", ".", "..", ""])
_PATH = st.lists(_PART, max_size=5).map(lambda parts: "/" + "/".join(parts)) | st.sampled_from(
    ["", "/", "//", "a/b", "zones", "/a/", "/a//b", "/a/b/"]
)


def _scan(inv: HostInventory, path: str) -> Mount | None:
    return next((m for m in _mounts_longest_first(inv) if is_under(path, m.mount_point)), None)


def _inventory(points: list[str]) -> HostInventory:
    inv = HostInventory(hostname="h1")
    inv.df = [
        DfEntry(filesystem=f"/dev/dsk/c0t0d0s{i}", kbytes=1, used=1, avail=0, capacity="1%", mounted_on=p)
        for i, p in enumerate(points)
    ]
    return inv


@property_settings()
@given(
    points=st.lists(_PATH.filter(lambda p: mount_point_problem(p) is None), max_size=8, unique=True),
    path=_PATH,
)
def test_mount_for_finds_what_a_scan_finds(points: list[str], path: str) -> None:
    inv = _inventory(points)
    expected = _scan(inv, path)
    assert mount_for(inv, path) == expected
    with memoized_mounts():
        assert mount_for(inv, path) == expected


def test_a_trailing_slash_mount_does_not_hold_its_own_name() -> None:
    inv = _inventory(["/", "/a/b/", "/a/b"])
    assert mount_for(inv, "/a/b").mount_point == "/a/b"  # type: ignore[union-attr]
    assert mount_for(inv, "/a/b/c").mount_point == "/a/b/"  # type: ignore[union-attr]
    assert mount_for(inv, "/zones").mount_point == "/"  # type: ignore[union-attr]
    assert mount_for(inv, "zones") is None
