"""SIZE_ASSUMED: the sizes a layout guesses are shown as findings, and the user's sizes replace them
(issue #13 item 13)."""

from __future__ import annotations

from planner.domain.catalog import catalog_destination
from planner.domain.layout import ROOT_DEFAULT_MB, SPARSE_ZONE_ESTIMATE_MB, ZONE_UFS_DEFAULT_MB
from planner.domain.options import Overrides, SizeOverride, check_overrides
from planner.domain.plan import compute_plan
from planner.inputs import load_upload
from planner.solaris.errors import SolarisParseError
from tests.support.bundles import df, host, zone
from tests.support.plans import complete_options
from tests.support.samples import sample


def _zonecfg_only_source() -> object:
    """What an upload of one zonecfg export gives: a host with one zone and no disk or memory figure."""
    return load_upload("web01.cfg", sample("zonecfg/web01-s10.export").encode()).inventory


def _assumed(result: object) -> dict[str, object]:
    return {f.details["key"]: f for f in result.host_findings if f.code == "SIZE_ASSUMED"}  # type: ignore[attr-defined]


def test_a_zonecfg_only_source_shows_every_assumed_size_as_a_step() -> None:
    destination = catalog_destination("T5220", "dst")
    result = compute_plan(_zonecfg_only_source(), destination, complete_options())  # type: ignore[arg-type]
    assumed = _assumed(result)
    assert set(assumed) == {"root", "swap", "zone:web01:/data"}
    root, swap, ufs = assumed["root"], assumed["swap"], assumed["zone:web01:/data"]
    assert all(f.severity.value == "step" and f.zone is None for f in assumed.values())  # type: ignore[attr-defined]
    # root: the default plus a sparse-root estimate for web01, whose zonepath gets no slice of its own
    assert root.details["size_mb"] == ROOT_DEFAULT_MB + SPARSE_ZONE_ESTIMATE_MB  # type: ignore[attr-defined]
    assert root.details["zones"] == ["web01"] and root.details["keys"] == ["root", "zoneroot:web01"]  # type: ignore[attr-defined]
    assert "no slice of their own" in root.message or "no slice" in root.message  # type: ignore[attr-defined]
    # swap: the destination's memory (the catalog's typical figure), said so
    assert swap.details["size_mb"] == destination.prtdiag.memory_mb  # type: ignore[attr-defined]
    assert "memory size of dst" in swap.message  # type: ignore[attr-defined]
    assert ufs.details["size_mb"] == ZONE_UFS_DEFAULT_MB  # type: ignore[attr-defined]
    assert "Disk layout tab" in ufs.remedy and "size-overrides" in ufs.remedy  # type: ignore[attr-defined]
    assert result.verdict.value in ("ready_with_steps", "blocked")


def test_the_users_sizes_replace_the_assumptions() -> None:
    overrides = Overrides(
        sizes=[
            SizeOverride("swap", 8192),
            SizeOverride("zone:web01:/data", 20000),
            SizeOverride("zoneroot:web01", 2500),
        ]
    )
    source = _zonecfg_only_source()
    result = compute_plan(source, catalog_destination("T5220", "dst"), complete_options(), overrides)  # type: ignore[arg-type]
    planned = {p.key: p for p in result.layout.planned}
    assert planned["swap"].size_mb == 8192 and planned["swap"].sized_by_user
    assert planned["zone:web01:/data"].size_mb == 20000
    # A zone's own size counts into the file system that holds its zonepath (here /).
    assert planned["root"].size_mb == ROOT_DEFAULT_MB + 2500
    assumed = _assumed(result)
    # root stays assumed (its 6144 MB default), but no longer for web01, whose size was given.
    assert set(assumed) == {"root"}
    assert assumed["root"].details["zones"] == []  # type: ignore[attr-defined]
    slices = {s.key: s for d in result.layout.disks for s in d.slices}
    assert slices["zone:web01:/data"].size_mb == 20000

    whole = compute_plan(
        source,  # type: ignore[arg-type]
        catalog_destination("T5220", "dst"),
        complete_options(),
        Overrides(
            sizes=[
                SizeOverride("root", 9000),
                SizeOverride("swap", 8192),
                SizeOverride("zone:web01:/data", 5),
            ]
        ),
    )
    assert _assumed(whole) == {}


def test_measured_sizes_are_not_assumed() -> None:
    src = host("src", zones=[zone("z1")], df=[df("/", 4000)], release="10/09")
    result = compute_plan(src, host("dst"), complete_options())
    assert "root" not in _assumed(result)


def test_size_overrides_are_checked() -> None:
    for bad in (SizeOverride("root", 0), SizeOverride("root", 10**9), SizeOverride("zoneroot:bad zone", 10)):
        try:
            check_overrides(Overrides(sizes=[bad]))
        except SolarisParseError:
            continue
        raise AssertionError(f"{bad} was accepted")
