"""Map every zone ``net`` on the source to a port on the destination.

One row per zone net, in the order zonecfg lists them.  The planner fills a proposal
the way Forklift and virt-v2v do (same name, then a default rule, then a best match),
the user's overrides win, and the result is validated against the ports the
destination really has: an exclusive-IP zone owns its port, a shared-IP zone may not
use a port some exclusive-IP zone owns, and an override that names a port the
destination lacks is a blocker, never quietly replaced.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from planner.domain.commands import net_selector
from planner.domain.facts import (
    bare_address,
    global_zone_addresses,
    ip_type_of,
    nic_driver_instance,
    nonglobal_zones,
    primary_interface,
)
from planner.domain.options import NicOverride, Overrides
from planner.solaris.inventory import HostInventory, Nic, ZoneNet, record_dict

# Driver families.  A port's class decides what counts as "the same kind of port" when the
# same driver is not on the destination.  nxge serves both the 1 GbE on-board ports of
# T5x40 boxes and 10 GbE XAUI ports, so it belongs to both classes.
_CLASSES: dict[str, frozenset[str]] = {
    "100m": frozenset({"hme", "qfe", "eri", "dmfe", "le", "rtls", "iprb", "elxl", "pcn", "dnet", "spwr"}),
    "1g": frozenset(
        {"bge", "ce", "e1000g", "nge", "igb", "bnx", "ipge", "ge", "skge", "rge", "yge", "nxge", "vnet"}
    ),
    "10g": frozenset({"ixgbe", "nxge", "xge", "hxge", "ixgb"}),
}
_NOMINAL_SPEED = {"100m": 100, "1g": 1000, "10g": 10000}

ORIGINS = ("same-name", "driver-match", "default-rule", "override", "none")


@dataclass
class NicMapping:
    zone: str
    physical: str  # the source port in the zone's net resource
    address: str
    ip_type: str  # shared / exclusive
    proposed_target: str  # what the planner would choose on its own ("" = nothing fits)
    chosen_target: str  # what the plan uses (the override's target when there is one)
    action: str  # keep / map / drop
    origin: str  # same-name / driver-match / default-rule / override / none
    status: str  # ok / conflict / blocker
    reason: str
    # Why the row is not ok: "", no-target, missing-target, port-conflict, duplicate-address.
    issue: str = ""
    # zonecfg selector for this net ("net physical=bge1", with the address when the zone has
    # several nets on one port, since zonecfg refuses a select that matches more than one).
    selector: str = ""
    source_driver: str = ""
    target_driver: str = ""
    # Other users of the same IP address: "zone z2" or "global zone (bge0)".
    duplicates: list[str] = field(default_factory=list)
    # The chosen port's link is not known to be up (down, or unknown: a catalog entry, a spec, no
    # dladm output): the row stays usable, but the user is told to check the cabling.
    link_warning: str = ""

    @property
    def needs_change(self) -> bool:
        return self.action in ("map", "drop")

    @property
    def resource(self) -> str:
        return f"net {self.physical} ({self.address})" if self.address else f"net {self.physical}"

    def to_dict(self) -> dict[str, Any]:
        out = record_dict(self)
        out["target"] = self.chosen_target  # the name the web app's models use
        return out


@dataclass
class NicPlan:
    rows: list[NicMapping]
    # The destination port the global zone itself uses (sysidcfg network_interface).
    global_zone_port: str
    unused_overrides: list[str] = field(default_factory=list)


def port_classes(driver: str) -> frozenset[str]:
    return frozenset(c for c, members in _CLASSES.items() if driver in members) or frozenset({"ethernet"})


def _nominal_speed(driver: str) -> int:
    return min((_NOMINAL_SPEED.get(c, 1000) for c in port_classes(driver)), default=1000)


@dataclass(frozen=True)
class _SourcePort:
    name: str
    driver: str
    instance: int | None
    speed: int


def _source_port(source: HostInventory, name: str) -> _SourcePort:
    nic = source.nic(name)
    driver, instance = nic_driver_instance(name)
    if nic is not None and nic.driver:
        driver = nic.driver
    if nic is not None and nic.instance is not None:
        instance = nic.instance
    speed = nic.speed_mbps if nic is not None and nic.speed_mbps else _nominal_speed(driver)
    return _SourcePort(name, driver, instance, speed)


def _port_driver(port: Nic) -> tuple[str, int | None]:
    driver, instance = nic_driver_instance(port.name)
    return (port.driver or driver, port.instance if port.instance is not None else instance)


def rank_ports(
    src: _SourcePort, ports: list[Nic], usage: Counter[str] | None = None
) -> list[tuple[Nic, str]]:
    """Candidate ports best first, each with the reason it ranks there.

    Same driver first, then the same class, then anything; within a tier prefer a port
    whose link is up, then one at least as fast as the source, then (only when spreading)
    the least used, then the same instance number as the source (bge1 -> e1000g1 keeps
    "the second port" on the second port, which is how sites re-cable), then the lowest
    instance.
    """
    src_classes = port_classes(src.driver)

    def key(port: Nic) -> tuple[int, int, int, int, int, int, str]:
        driver, instance = _port_driver(port)
        tier = 0 if driver == src.driver else 1 if port_classes(driver) & src_classes else 2
        speed = port.speed_mbps or _nominal_speed(driver)
        return (
            tier,
            0 if port.link_state == "up" else 1,
            0 if speed >= src.speed else 1,
            usage[port.name] if usage is not None else 0,
            0 if instance is not None and instance == src.instance else 1,
            instance if instance is not None else 1 << 20,
            port.name,
        )

    ranked = sorted(ports, key=key)
    out: list[tuple[Nic, str]] = []
    for port in ranked:
        driver, _ = _port_driver(port)
        if driver == src.driver:
            why = f"same driver ({driver})"
        elif port_classes(driver) & src_classes:
            why = f"same class as {src.driver} ({'/'.join(sorted(port_classes(driver) & src_classes))})"
        else:
            why = f"no {src.driver}-class port; {driver} is the closest"
        speed = port.speed_mbps or _nominal_speed(driver)
        out.append((port, f"{why}, link {port.link_state}, {speed} Mb/s"))
    return out


def destination_primary_port(source: HostInventory, destination: HostInventory) -> str:
    """The port the destination's global zone will answer on (sysidcfg network_interface)."""
    own = primary_interface(destination)
    if own is not None and destination.nic(own.physical) is not None:
        return own.physical
    src = primary_interface(source)
    if src is not None:
        if destination.nic(src.physical) is not None:
            return src.physical
        ranked = rank_ports(_source_port(source, src.physical), destination.nics)
        if ranked:
            return ranked[0][0].name
    return destination.nics[0].name if destination.nics else ""


def _find_override(overrides: list[NicOverride], zone: str, net: ZoneNet) -> NicOverride | None:
    exact = [o for o in overrides if o.zone == zone and o.physical == net.physical and o.address]
    for o in exact:
        if bare_address(o.address) == bare_address(net.address):
            return o
    return next(
        (o for o in overrides if o.zone == zone and o.physical == net.physical and not o.address), None
    )


@dataclass
class _Work:
    row: NicMapping
    src: _SourcePort
    override: NicOverride | None
    pinned: bool  # the automatic proposal is fixed (same-name or default rule)


def map_nics(
    source: HostInventory, destination: HostInventory, overrides: Overrides, spread: bool
) -> NicPlan:
    ports = {n.name: n for n in destination.nics}
    gz_port = destination_primary_port(source, destination)
    dest_name = destination.hostname
    work: list[_Work] = []
    used_overrides: set[int] = set()

    for zone in nonglobal_zones(source):
        if zone.config is None:
            continue
        ip_type = ip_type_of(zone)
        per_port = Counter(n.physical for n in zone.config.nets)
        for net in zone.config.nets:
            src = _source_port(source, net.physical)
            selector = net_selector(net.physical)
            if per_port[net.physical] > 1 and net.address:
                selector = net_selector(net.physical, net.address)
            row = NicMapping(
                zone=zone.name,
                physical=net.physical,
                address=net.address,
                ip_type=ip_type,
                proposed_target="",
                chosen_target="",
                action="keep",
                origin="none",
                status="ok",
                reason="",
                selector=selector,
                source_driver=src.driver,
            )
            override = _find_override(overrides.nics, zone.name, net)
            if override is not None:
                used_overrides.add(id(override))
            pinned = True
            if net.physical in ports:
                row.proposed_target, row.origin = net.physical, "same-name"
                row.reason = f"{net.physical} exists on {dest_name}"
            elif overrides.default_nic_target and ip_type == "shared":
                # The default rule is for shared-IP nets: an exclusive-IP zone needs a port of
                # its own, so sending every exclusive net to one default port would only
                # manufacture conflicts.  Those get a free port below, or an override.
                row.proposed_target, row.origin = overrides.default_nic_target, "default-rule"
                row.reason = (
                    f"no {net.physical} on {dest_name}; the default rule sends it to {row.proposed_target}"
                )
            else:
                pinned = False
            work.append(_Work(row, src, override, pinned))

    # Ports already taken by a decision that does not depend on the ranking.
    claims: dict[str, list[NicMapping]] = {}

    def claim(port: str, row: NicMapping) -> None:
        claims.setdefault(port, []).append(row)

    for w in work:
        if w.override is not None:
            if w.override.action == "map" and w.override.target:
                claim(w.override.target, w.row)
        elif w.pinned:
            claim(w.row.proposed_target, w.row)

    def exclusively_held() -> set[str]:
        return {p for p, rows in claims.items() if any(r.ip_type == "exclusive" for r in rows)}

    # Exclusive-IP nets first: they are the most constrained.
    for w in [w for w in work if not w.pinned and w.row.ip_type == "exclusive"]:
        free = [p for p in destination.nics if p.name not in claims and p.name != gz_port]
        ranked = rank_ports(w.src, free)
        if ranked:
            port, why = ranked[0]
            w.row.proposed_target, w.row.origin = port.name, "driver-match"
            w.row.reason = (
                f"no {w.row.physical} on {dest_name}; {port.name}: {why}; exclusive-IP, port of its own"
            )
            if w.override is None:
                claim(port.name, w.row)
        else:
            w.row.reason = (
                f"no {w.row.physical} on {dest_name} and no free port: an exclusive-IP zone needs a port "
                f"no other zone and not the global zone ({gz_port or 'none'}) uses"
            )

    usage: Counter[str] = Counter({p: len(rows) for p, rows in claims.items()})
    for w in [w for w in work if not w.pinned and w.row.ip_type == "shared"]:
        held = exclusively_held()
        candidates = [p for p in destination.nics if p.name not in held]
        ranked = rank_ports(w.src, candidates, usage if spread else None)
        if ranked:
            port, why = ranked[0]
            w.row.proposed_target, w.row.origin = port.name, "driver-match"
            w.row.reason = f"no {w.row.physical} on {dest_name}; {port.name}: {why}"
            if w.override is None:
                claim(port.name, w.row)
                usage[port.name] += 1
        elif destination.nics:
            w.row.reason = f"no {w.row.physical} on {dest_name}; every port is held by an exclusive-IP zone"
        else:
            w.row.reason = f"{dest_name} lists no network ports (dladm show-dev)"

    for w in work:
        _choose(w, ports, dest_name)
    _flag_port_conflicts([w.row for w in work], gz_port)
    _flag_duplicate_addresses([w.row for w in work], source)

    unused = [
        f"NIC override for zone {o.zone} net {o.physical} {o.address}".rstrip()
        + " matches no net in the source zone configuration"
        for o in overrides.nics
        if id(o) not in used_overrides
    ]
    return NicPlan([w.row for w in work], gz_port, unused)


def _choose(w: _Work, ports: dict[str, Nic], dest_name: str) -> None:
    row = w.row
    proposal_note = f"(proposal was {row.proposed_target})" if row.proposed_target else "(no proposal)"
    if w.override is not None:
        row.origin = "override"
        if w.override.action == "drop":
            row.chosen_target, row.action = "", "drop"
            row.reason = f"dropped by the user {proposal_note}"
            return
        row.chosen_target = w.override.target
        if not w.override.target:
            row.status, row.issue = "blocker", "no-target"
            row.reason = f"the override maps {row.physical} but names no destination port"
            return
        row.reason = f"chosen by the user {proposal_note}"
    else:
        row.chosen_target = row.proposed_target
    target = row.chosen_target
    if not target:
        row.action, row.origin, row.status, row.issue = "map", "none", "blocker", "no-target"
        return
    port = ports.get(target)
    if port is None:
        # Never remap silently: the user (or the default rule) asked for this very port.
        row.action, row.status, row.issue = "map", "blocker", "missing-target"
        who = "override" if row.origin == "override" else "default rule"
        row.reason = f"the {who} target {target} does not exist on {dest_name}"
        return
    row.target_driver = _port_driver(port)[0]
    row.action = "keep" if target == row.physical else "map"
    if port.link_state != "up":
        state = port.link_state if port.link_state in ("down", "unknown") else "unknown"
        why = (
            "is down in the destination's dladm output"
            if state == "down"
            else "is unknown (the inventory says nothing of it: a catalog model, a spec, no dladm output)"
        )
        row.link_warning = f"the link of {target} {why}: check that it is cabled before the zone boots"


def _flag_port_conflicts(rows: list[NicMapping], gz_port: str) -> None:
    by_port: dict[str, list[NicMapping]] = {}
    for r in rows:
        if r.action != "drop" and r.chosen_target and r.issue == "":
            by_port.setdefault(r.chosen_target, []).append(r)
    for port, users in by_port.items():
        exclusive = [r for r in users if r.ip_type == "exclusive"]
        if not exclusive:
            continue
        zones = {r.zone for r in users}
        if len(zones) == 1 and port != gz_port:
            continue
        for r in users:
            others = sorted(zones - {r.zone})
            if r.ip_type == "exclusive":
                holders = [f"zone {z}" for z in others] + (["the global zone"] if port == gz_port else [])
                r.reason = (
                    f"exclusive-IP zone {r.zone} needs {port} to itself, but {', '.join(holders)} use it too"
                )
            else:
                owners = sorted({x.zone for x in exclusive})
                r.reason = (
                    f"{port} is held exclusively by zone {', '.join(owners)}; a shared-IP zone cannot use it"
                )
            r.status, r.issue = "conflict", "port-conflict"


def _flag_duplicate_addresses(rows: list[NicMapping], source: HostInventory) -> None:
    """Mark the nets whose address another net also uses.

    ``duplicates`` names the other users: "zone z2", "global zone (bge0)", and for a second net
    of the same zone "net bge1 of zone z1" (never the zone's own name alone, which read as a zone
    clashing with itself).
    """
    owners: dict[str, list[tuple[NicMapping | None, str]]] = {}
    for address, itf in global_zone_addresses(source).items():
        owners.setdefault(address, []).append((None, f"global zone ({itf})"))
    for r in rows:
        if r.action != "drop" and r.address:
            owners.setdefault(bare_address(r.address), []).append((r, f"zone {r.zone}"))
    for r in rows:
        if r.action == "drop" or not r.address:
            continue
        others: list[str] = []
        for row, label in owners.get(bare_address(r.address), []):
            if row is r:
                continue
            if row is not None and row.zone == r.zone:
                label = f"net {row.physical} of zone {r.zone}"
            if label not in others:
                others.append(label)
        if others:
            r.duplicates = others
            if r.status == "ok":
                r.status, r.issue = "conflict", "duplicate-address"
