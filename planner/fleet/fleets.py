"""Large varied fleets for the benchmarks, and the handful of demo hosts ``make run`` loads."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .builder import HostBuilder, data_product
from .hardware import seeded_rng
from .render import write_bundle_tar
from .seed import different_destination, identical_destination, seed_rows_host
from .spec import FLEET_ZONE_KINDS, SEED_ROW_KINDS, HostSpec

# --- fleets -------------------------------------------------------------------------------------

_SITES = ("lon", "fra", "nyc", "sfo", "sin", "tyo", "ams", "par")
_ROLES = ("web", "app", "db", "batch", "mq", "ldap", "build", "report", "cache", "etl", "mail", "dns")
_SOURCE_MODELS = ("V240", "V445", "V490", "T2000", "T5220", "X4100", "X4200", "M4000")
_DESTINATION_MODELS = ("T5220", "T5240", "M4000", "X4200")


def _source_host(index: int, seed: int, kinds: Sequence[str]) -> HostSpec:
    rng = seeded_rng(f"fleet:{seed}:{index}")
    model = rng.choice(_SOURCE_MODELS)
    site = rng.choice(_SITES)
    hostname = f"{site}-s10-{index + 1:03d}"
    b = HostBuilder(hostname, model, rng, net=30 + index % 200, role="source")
    nics = len(b.host.info.nics)
    b.add_nics(plumbed=min(nics - 1, rng.choice((1, 2, 3))) if nics > 1 else 1)
    b.add_cdrom()
    boot = b.boot_disk()
    if "svm" in kinds or rng.random() < 0.5:
        mirror = b.root_mirror(boot)
        b.global_mounts(boot, "/dev/md/dsk/d10", "/dev/md/rdsk/d10", mirror)
    else:
        b.global_mounts(boot, f"/dev/dsk/{boot.name}s0", f"/dev/rdsk/{boot.name}s0", None)
    used: set[str] = set()
    for number, kind in enumerate(kinds):
        role = _ROLES[(index + number) % len(_ROLES)]
        name = f"{role}{number + 1:02d}"
        while name in used:  # pragma: no cover - names are unique by construction
            name += "x"
        used.add(name)
        b.zone(name, kind, variety=True)
    b.host.collected_at = f"202401{8 + index % 20:02d}06{index % 60:02d}00"
    return b.host


def fleet(
    n_hosts: int, zones_per_host: int, seed: int, *, seed_rows_per_host: bool = False
) -> list[HostSpec]:
    """``n_hosts`` varied source hosts with ``zones_per_host`` zones each.

    Zone kinds are dealt round-robin over SEED_ROW_KINDS first, so the fleet covers
    every seed row as soon as ``n_hosts * zones_per_host >= len(SEED_ROW_KINDS)``;
    the rest are random FLEET_ZONE_KINDS.  With ``seed_rows_per_host`` the deal
    starts again on every host, so each host with enough zones covers every row (the
    benchmark fleet).  Models, ports, disks, SVM, addresses and resource controls vary
    with the seed.
    """
    rng = seeded_rng(f"fleet-kinds:{seed}")
    deck = list(SEED_ROW_KINDS)
    hosts = []
    position = 0
    for index in range(n_hosts):
        if seed_rows_per_host:
            position = 0
        kinds = []
        for _ in range(zones_per_host):
            if position < len(deck):
                kinds.append(deck[position])
            else:
                kinds.append(rng.choice(FLEET_ZONE_KINDS))
            position += 1
        hosts.append(_source_host(index, seed, kinds))
    return hosts


def fleet_destinations(n_hosts: int, seed: int) -> list[HostSpec]:
    """``n_hosts`` freshly installed destination hosts (global zone only) of newer models."""
    hosts = []
    for index in range(n_hosts):
        rng = seeded_rng(f"fleet-dest:{seed}:{index}")
        model = rng.choice(_DESTINATION_MODELS)
        b = HostBuilder(
            f"{rng.choice(_SITES)}-dst-{index + 1:03d}", model, rng, net=230 + index % 20, role="destination"
        )
        b.add_nics(plumbed=2)
        b.add_cdrom()
        boot = b.boot_disk()
        for _ in range(rng.choice((1, 1, 2, 3))):
            b.new_disk(data_product(b.host.info))
        b.global_mounts(boot, f"/dev/dsk/{boot.name}s0", f"/dev/rdsk/{boot.name}s0", None)
        b.host.collected_at = f"202402{1 + index % 28:02d}120000"
        hosts.append(b.host)
    return hosts


# --- the demo fleet -----------------------------------------------------------------------------


def demo_hosts() -> tuple[list[HostSpec], list[HostSpec]]:
    """The demo's (sources, destinations): four source hosts and two destinations."""
    sources = [seed_rows_host("lon-erp-01")]
    plans = (
        ("fra-web-02", "T2000", 41, ("net-same", "net-same", "lofs", "nfs", "running")),
        ("nyc-db-03", "V490", 42, ("svm", "ufs", "net-same", "autoboot")),
        ("sfo-build-04", "X4200", 43, ("ready", "net-remap", "exclusive", "configured", "nfs")),
    )
    for hostname, model, net, kinds in plans:
        rng = seeded_rng(f"demo:{hostname}")
        b = HostBuilder(hostname, model, rng, net=net, role="source")
        b.add_nics(plumbed=2)
        b.add_cdrom()
        boot = b.boot_disk()
        if "svm" in kinds:
            mirror = b.root_mirror(boot)
            b.global_mounts(boot, "/dev/md/dsk/d10", "/dev/md/rdsk/d10", mirror)
        else:
            b.global_mounts(boot, f"/dev/dsk/{boot.name}s0", f"/dev/rdsk/{boot.name}s0", None)
        for number, kind in enumerate(kinds):
            b.zone(f"{hostname.split('-')[1]}{number + 1:02d}", kind, variety=True)
        b.host.collected_at = "20240115110000"
        sources.append(b.host)
    destinations = [
        identical_destination("lon-erp-new01", sources[0]),
        different_destination("lon-t5220-01"),
    ]
    return sources, destinations


def demo_fleet(dest_dir: Path) -> list[Path]:
    """Write the demo bundles as collector tars into ``dest_dir``: four sources, then two destinations."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    sources, destinations = demo_hosts()
    return [write_bundle_tar(dest_dir, host) for host in [*sources, *destinations]]
