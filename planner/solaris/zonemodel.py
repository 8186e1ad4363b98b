"""Rules shared by every zone-config reader and writer.

Solaris stores several zonecfg conveniences as plain resource controls: the
global aliases (``set max-lwps=500``), ``capped-cpu`` (``zone.cpu-cap``) and the
``swap``/``locked`` halves of ``capped-memory``.  ``zonecfg export`` and the
zone XML only ever contain the rctl.  Our model keeps the rctl in
``ZoneConfig.rctls`` as the source of truth and fills ``capped_cpu`` and
``capped_memory.swap/locked`` as read-only views of it, so that every reader
(export, info, XML) produces the same :class:`ZoneConfig` for the same zone.
:func:`canonical_zone_config` applies exactly those rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ._text import bytes_to_units, format_decimal, parse_decimal, units_to_bytes
from .inventory import RctlValue, ZoneCappedCpu, ZoneCappedMemory, ZoneConfig, ZoneRctl, copy_records


@dataclass(frozen=True)
class RctlAlias:
    rctl: str
    action: str
    memory: bool = False  # value is a size (512M) that zonecfg stores in bytes


# libzonecfg's alias table: global property -> the rctl it sets (priv is always privileged).
RCTL_ALIASES: dict[str, RctlAlias] = {
    "max-lwps": RctlAlias("zone.max-lwps", "deny"),
    "max-processes": RctlAlias("zone.max-processes", "deny"),
    "max-shm-memory": RctlAlias("zone.max-shm-memory", "deny", memory=True),
    "max-shm-ids": RctlAlias("zone.max-shm-ids", "deny"),
    "max-msg-ids": RctlAlias("zone.max-msg-ids", "deny"),
    "max-sem-ids": RctlAlias("zone.max-sem-ids", "deny"),
    "max-locked-memory": RctlAlias("zone.max-locked-memory", "deny", memory=True),
    "max-swap": RctlAlias("zone.max-swap", "deny", memory=True),
    "cpu-shares": RctlAlias("zone.cpu-shares", "none"),
}

CPU_CAP_RCTL = "zone.cpu-cap"
SWAP_RCTL = "zone.max-swap"
LOCKED_RCTL = "zone.max-locked-memory"

# Create modes whose meaning follows from the inherited directories alone.
_ROOT_TYPE_MODES = ("sparse", "whole")


def alias_value(alias: RctlAlias, value: str) -> str | None:
    """The rctl limit for an alias value (sizes become bytes); None if the value is not valid."""
    if alias.memory:
        nbytes = units_to_bytes(value)
        return None if nbytes is None else str(nbytes)
    return value if value.isascii() and value.isdigit() else None


def privileged_value(limit: str, action: str) -> RctlValue:
    return RctlValue(priv="privileged", limit=limit, action=action)


def find_rctl(cfg: ZoneConfig, name: str) -> ZoneRctl | None:
    return next((r for r in cfg.rctls if r.name == name), None)


def replace_rctl(cfg: ZoneConfig, rctl: ZoneRctl) -> None:
    """Put ``rctl`` in place of any rctl of the same name (keeping its position), else append."""
    for index, existing in enumerate(cfg.rctls):
        if existing.name == rctl.name:
            cfg.rctls[index] = rctl
            return
    cfg.rctls.append(rctl)


def remove_rctl(cfg: ZoneConfig, name: str) -> None:
    cfg.rctls = [r for r in cfg.rctls if r.name != name]


def cpu_cap_limit(ncpus: str) -> str | None:
    """capped-cpu ``ncpus=1.5`` is stored as ``zone.cpu-cap`` limit 150 (percent of one CPU)."""
    number = parse_decimal(ncpus)
    if number is None or number <= 0:
        return None
    return str(int((number * 100).to_integral_value()))


def _privileged_limit(rctl: ZoneRctl | None) -> str | None:
    if rctl is None:
        return None
    return next((v.limit for v in rctl.values if v.priv == "privileged"), None)


def _cpu_cap_view(cfg: ZoneConfig) -> ZoneCappedCpu | None:
    limit = _privileged_limit(find_rctl(cfg, CPU_CAP_RCTL))
    percent = parse_decimal(limit) if limit is not None else None
    if percent is None:
        return None
    return ZoneCappedCpu(ncpus=format_decimal(percent / Decimal(100)))


def _memory_view(limit: str | None) -> str:
    if limit is None or not limit.isascii() or not limit.isdigit():
        return ""
    return bytes_to_units(int(limit))


def _normal_size(size: str) -> str:
    """``1024M`` -> ``1G``: one spelling per size, so export and XML (bytes) agree."""
    nbytes = units_to_bytes(size) if size else None
    return size if nbytes is None else bytes_to_units(nbytes)


def _ensure_view_rctls(cfg: ZoneConfig) -> None:
    """A hand-built config may set a view without its rctl; add the rctl it stands for."""
    if cfg.capped_cpu is not None and find_rctl(cfg, CPU_CAP_RCTL) is None:
        limit = cpu_cap_limit(cfg.capped_cpu.ncpus)
        if limit is not None:
            cfg.rctls.append(ZoneRctl(CPU_CAP_RCTL, [privileged_value(limit, "deny")]))
    memory = cfg.capped_memory
    if memory is None:
        return
    for view, rctl_name in ((memory.swap, SWAP_RCTL), (memory.locked, LOCKED_RCTL)):
        nbytes = units_to_bytes(view) if view else None
        if nbytes is not None and find_rctl(cfg, rctl_name) is None:
            cfg.rctls.append(ZoneRctl(rctl_name, [privileged_value(str(nbytes), "deny")]))


def _derive_views(cfg: ZoneConfig) -> None:
    cfg.capped_cpu = _cpu_cap_view(cfg)
    memory = cfg.capped_memory or ZoneCappedMemory()
    memory.physical = _normal_size(memory.physical)
    memory.swap = _memory_view(_privileged_limit(find_rctl(cfg, SWAP_RCTL)))
    memory.locked = _memory_view(_privileged_limit(find_rctl(cfg, LOCKED_RCTL)))
    has_memory_cap = bool(memory.physical or memory.swap or memory.locked)
    cfg.capped_memory = memory if has_memory_cap else None


def _normal_ncpus(ncpus: str) -> str:
    """dedicated-cpu ``8-8`` is the pool ``pset ncpu_min=8 ncpu_max=8``, which reads back as ``8``."""
    low, dash, high = ncpus.partition("-")
    return low if dash and low == high else ncpus


def root_type_mode(cfg: ZoneConfig, *, from_create_line: bool) -> str:
    """``sparse`` when the zone inherits package directories, else ``whole``.

    Without a create line (zone XML, ``zonecfg info``) a zone of another brand
    (lx, solaris8, ...) has no sparse/whole notion, so it is ``unknown``.
    """
    if cfg.inherit_pkg_dirs:
        return "sparse"
    if from_create_line or cfg.brand in ("", "native"):
        return "whole"
    return "unknown"


def canonical_zone_config(cfg: ZoneConfig) -> ZoneConfig:
    """A copy of ``cfg`` in the one form every reader returns.

    * rctls are the truth: ``capped_cpu`` and ``capped_memory.swap/locked`` are
      re-derived from ``zone.cpu-cap``, ``zone.max-swap`` and
      ``zone.max-locked-memory`` (a view set without its rctl gains the rctl),
      in one spelling: ncpus ``1.5`` (not ``1.50``), sizes ``2G`` (not ``2048M``),
      dedicated-cpu ``8`` (not ``8-8``);
    * ``create_mode`` "sparse"/"whole" follows the inherited directories.
    """
    result: ZoneConfig = copy_records(cfg)
    _ensure_view_rctls(result)
    _derive_views(result)
    if result.dedicated_cpu is not None:
        result.dedicated_cpu.ncpus = _normal_ncpus(result.dedicated_cpu.ncpus)
    if result.create_mode in _ROOT_TYPE_MODES:
        result.create_mode = root_type_mode(result, from_create_line=True)
    return result
