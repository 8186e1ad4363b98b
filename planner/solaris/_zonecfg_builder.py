"""Builds a :class:`ZoneConfig` from zonecfg operations (add/set/end/select/remove...).

Both the ``zonecfg export`` reader and the ``zonecfg info`` reader drive this
builder, so the two formats share one set of rules and error messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._text import units_to_bytes
from .errors import SolarisParseError
from .inventory import (
    SPARSE_INHERIT_PKG_DIRS,
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
from .limits import MAX_RESOURCES_PER_ZONE, check_count
from .names import check_zone_name, check_zonecfg_property, check_zonecfg_value
from .zonemodel import (
    CPU_CAP_RCTL,
    LOCKED_RCTL,
    RCTL_ALIASES,
    SWAP_RCTL,
    alias_value,
    canonical_zone_config,
    cpu_cap_limit,
    privileged_value,
    remove_rctl,
    replace_rctl,
    root_type_mode,
)

# A zonecfg property value: simple, complex ``(k=v,...)`` or a list of either.
Complex = dict[str, str]
Item = str | Complex
Value = str | Complex | list[Item]


@dataclass(frozen=True)
class ResourceSpec:
    properties: tuple[str, ...]
    required: tuple[str, ...] = ()
    list_properties: tuple[str, ...] = ()
    singleton: bool = False
    # Attribute of ZoneConfig holding the list of these resources (not for singletons).
    config_list: str = ""


RESOURCES: dict[str, ResourceSpec] = {
    "fs": ResourceSpec(
        ("dir", "special", "raw", "type", "options"),
        ("dir", "special", "type"),
        ("options",),
        config_list="fs",
    ),
    "inherit-pkg-dir": ResourceSpec(("dir",), ("dir",), config_list="inherit_pkg_dirs"),
    "net": ResourceSpec(
        ("address", "physical", "defrouter", "allowed-address"), ("physical",), config_list="nets"
    ),
    "device": ResourceSpec(("match",), ("match",), config_list="devices"),
    "rctl": ResourceSpec(("name", "value"), ("name",), ("value",), config_list="rctls"),
    "attr": ResourceSpec(("name", "type", "value"), ("name", "type", "value"), config_list="attrs"),
    "dataset": ResourceSpec(("name",), ("name",), config_list="datasets"),
    "admin": ResourceSpec(("user", "auths"), ("user",), config_list="admins"),
    "dedicated-cpu": ResourceSpec(("ncpus", "importance"), ("ncpus",), singleton=True),
    "capped-cpu": ResourceSpec(("ncpus",), ("ncpus",), singleton=True),
    "capped-memory": ResourceSpec(("physical", "swap", "locked"), singleton=True),
}

# Global properties the model names, as zonecfg spells them -> ZoneConfig attribute.
STRING_PROPERTIES: dict[str, str] = {
    "zonepath": "zonepath",
    "brand": "brand",
    "pool": "pool",
    "limitpriv": "limitpriv",
    "bootargs": "bootargs",
    "scheduling-class": "scheduling_class",
    "hostid": "hostid",
    "fs-allowed": "fs_allowed",
}
GLOBAL_PROPERTIES = frozenset({"zonename", "autoboot", "ip-type", *STRING_PROPERTIES})
# Export does not quote these, so "set bootargs=-m verbose" has to be read as one value.
_UNQUOTED_FREE_TEXT = frozenset({"bootargs", "limitpriv"})
_IP_TYPES = ("shared", "exclusive")
_RCTL_VALUE_KEYS = ("priv", "limit", "action")


def resources_with_property(name: str) -> list[str]:
    return [kind for kind, spec in RESOURCES.items() if name in spec.properties]


@dataclass
class _OpenResource:
    kind: str
    line: int
    props: dict[str, str] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    values: list[RctlValue] = field(default_factory=list)
    # For "select": where the resource came from, to put it back on end or cancel.
    selected_index: int | None = None
    selected_singleton: bool = False
    selected_original: Any = None

    @property
    def spec(self) -> ResourceSpec:
        return RESOURCES[self.kind]

    def describe(self) -> str:
        return f"the {self.kind} resource started on line {self.line}"


class ZoneBuilder:
    def __init__(self, *, source: str, zonename: str | None) -> None:
        self.source = source
        self.cfg = ZoneConfig(name=zonename or "", create_mode="unknown")
        self.resource: _OpenResource | None = None
        self.saw_create = False

    def error(self, message: str, line: int) -> SolarisParseError:
        return SolarisParseError(message, source=self.source, line=line)

    # --- whole-config commands -------------------------------------------------------

    def create(self, mode: str, argument: str, line: int) -> None:
        """``create`` (sparse), ``-b`` (whole), ``-t TEMPLATE`` or ``-a PATH`` starts a fresh config."""
        self.require_global_scope("create", line)
        self.cfg = ZoneConfig(name=self.cfg.name, create_mode=mode)
        if mode == "template" and argument in ("SUNWdefault", "SUNWblank"):
            self.cfg.create_mode = "sparse" if argument == "SUNWdefault" else "whole"
        elif mode == "template":
            self.cfg.template = argument
        elif mode == "attach":
            self.cfg.attach_path = argument
        if self.cfg.create_mode == "sparse":
            self.cfg.inherit_pkg_dirs = list(SPARSE_INHERIT_PKG_DIRS)
        self.saw_create = True

    def delete(self, line: int) -> None:
        self.require_global_scope("delete", line)
        self.cfg = ZoneConfig(name=self.cfg.name, create_mode="unknown")
        self.saw_create = False

    def finish(self) -> ZoneConfig:
        if self.cfg.name:
            check_zone_name(self.cfg.name, source=self.source)
        if self.resource is not None:
            raise self.error(
                f"{self.resource.describe()} was never closed; expected 'end'", self.resource.line
            )
        if not self.saw_create and self.cfg.create_mode == "unknown":
            self.cfg.create_mode = root_type_mode(self.cfg, from_create_line=False)
        return canonical_zone_config(self.cfg)

    def require_global_scope(self, command: str, line: int) -> None:
        if self.resource is not None:
            raise self.error(f"'{command}' inside {self.resource.describe()}; 'end' it first", line)

    # --- global properties -----------------------------------------------------------

    def check_value(self, resource: str, name: str, value: Value, line: int) -> None:
        """Every value through names.py: zonecfg's quoting, and the grammar of names and paths."""
        check_zonecfg_value(name, source=self.source, line=line)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, str):
                check_zonecfg_property(resource, name, item, source=self.source, line=line)
            else:
                for key, text in item.items():
                    check_zonecfg_value(key, source=self.source, line=line)
                    check_zonecfg_value(text, source=self.source, line=line)

    def set_global(self, name: str, value: Value, line: int) -> None:
        self.set_global_unchecked(name, value, line)
        self.check_value("", name, value, line)

    def set_global_unchecked(self, name: str, value: Value, line: int) -> None:
        if name in RCTL_ALIASES:
            self.set_alias(name, self.simple(name, value, line), line)
        elif name in GLOBAL_PROPERTIES:
            self.set_known_global(name, self.simple(name, value, line), line)
        elif resources_with_property(name):
            expected = " or ".join(f"'add {kind}'" for kind in resources_with_property(name))
            raise self.error(f"'set {name}' outside a resource; expected {expected} first", line)
        else:
            self.cfg.extra_properties[name] = self.flatten(value)

    def set_known_global(self, name: str, value: str, line: int) -> None:
        if name == "zonename":
            self.cfg.name = value
        elif name == "autoboot":
            if value not in ("true", "false"):
                raise self.error(f"autoboot must be true or false, not {value!r}", line)
            self.cfg.autoboot = value == "true"
        elif name == "ip-type":
            if value not in _IP_TYPES:
                raise self.error(f"ip-type must be shared or exclusive, not {value!r}", line)
            self.cfg.ip_type = value
        else:
            setattr(self.cfg, STRING_PROPERTIES[name], value)

    def set_alias(self, name: str, value: str, line: int) -> None:
        alias = RCTL_ALIASES[name]
        limit = alias_value(alias, value)
        if limit is None:
            kind = "a size like 512M" if alias.memory else "a whole number"
            raise self.error(f"{name} must be {kind}, not {value!r}", line)
        replace_rctl(self.cfg, ZoneRctl(alias.rctl, [privileged_value(limit, alias.action)]))

    def clear_global(self, name: str, line: int) -> None:
        defaults = ZoneConfig(name="")
        if name in RCTL_ALIASES:
            remove_rctl(self.cfg, RCTL_ALIASES[name].rctl)
        elif name == "autoboot":
            self.cfg.autoboot = defaults.autoboot
        elif name == "ip-type":
            self.cfg.ip_type = defaults.ip_type
        elif name in STRING_PROPERTIES:
            attribute = STRING_PROPERTIES[name]
            setattr(self.cfg, attribute, getattr(defaults, attribute))
        elif name in self.cfg.extra_properties:
            del self.cfg.extra_properties[name]
        else:
            raise self.error(f"'clear {name}': not a global property that can be cleared", line)

    # --- resources -------------------------------------------------------------------

    def begin_resource(self, kind: str, line: int) -> None:
        self.require_global_scope(f"add {kind}", line)
        spec = self.resource_spec(kind, "add", line)
        cfg = self.cfg
        count = sum(len(getattr(cfg, s.config_list)) for s in RESOURCES.values() if s.config_list)
        check_count(count + 1, MAX_RESOURCES_PER_ZONE, "resources in one zone", source=self.source, line=line)
        if spec.singleton and self.singleton_added(kind):
            raise self.error(
                f"the zone already has a {kind} resource; use 'select {kind}' to change it", line
            )
        self.resource = _OpenResource(kind, line)

    def select_resource(self, kind: str, filters: dict[str, str], line: int) -> None:
        self.require_global_scope(f"select {kind}", line)
        spec = self.resource_spec(kind, "select", line)
        if spec.singleton:
            self.select_singleton(kind, line)
            return
        items: list[Any] = getattr(self.cfg, spec.config_list)
        matches = [i for i, item in enumerate(items) if self.matches(kind, item, filters)]
        if len(matches) != 1:
            found = "no" if not matches else f"{len(matches)}"
            raise self.error(f"'select {kind}' matches {found} resources; name it by unique properties", line)
        index = matches[0]
        original = items.pop(index)
        self.resource = self.open_from_object(kind, original, line)
        self.resource.selected_index = index
        self.resource.selected_original = original

    def select_singleton(self, kind: str, line: int) -> None:
        if not self.singleton_present(kind):
            raise self.error(f"'select {kind}': the zone has no {kind} resource", line)
        view = canonical_zone_config(self.cfg)
        resource = _OpenResource(kind, line)
        if kind == "dedicated-cpu" and view.dedicated_cpu is not None:
            resource.props = {"ncpus": view.dedicated_cpu.ncpus, "importance": view.dedicated_cpu.importance}
        elif kind == "capped-cpu" and view.capped_cpu is not None:
            resource.props = {"ncpus": view.capped_cpu.ncpus}
        elif view.capped_memory is not None:
            memory = view.capped_memory
            resource.props = {"physical": memory.physical, "swap": memory.swap, "locked": memory.locked}
        resource.props = {k: v for k, v in resource.props.items() if v}
        resource.selected_singleton = True
        self.resource = resource

    def remove_resources(self, kind: str, filters: dict[str, str], line: int) -> None:
        self.require_global_scope(f"remove {kind}", line)
        spec = self.resource_spec(kind, "remove", line)
        if spec.singleton:
            if not self.singleton_present(kind):
                raise self.error(f"'remove {kind}': the zone has no {kind} resource", line)
            self.clear_singleton(kind)
            return
        items: list[Any] = getattr(self.cfg, spec.config_list)
        kept = [item for item in items if not self.matches(kind, item, filters)]
        if len(kept) == len(items):
            wanted = " ".join(f"{k}={v}" for k, v in filters.items())
            raise self.error(f"'remove {kind} {wanted}'".rstrip() + f": no {kind} resource matches", line)
        setattr(self.cfg, spec.config_list, kept)

    def end_resource(self, line: int) -> None:
        resource = self.resource
        if resource is None:
            raise self.error("'end' without a resource; 'end' closes an 'add' or 'select'", line)
        missing = [p for p in resource.spec.required if not self.has_value(resource, p)]
        if missing:
            raise self.error(
                f"{resource.kind} resource is missing {', '.join(missing)}; set it before 'end'", line
            )
        if resource.spec.singleton:
            self.store_singleton(resource, line)
        else:
            self.store_listed(resource)
        self.resource = None

    def cancel_resource(self, line: int) -> None:
        resource = self.resource
        if resource is None:
            raise self.error("'cancel' without a resource; it abandons an 'add' or 'select'", line)
        if resource.selected_index is not None:
            items: list[Any] = getattr(self.cfg, resource.spec.config_list)
            items.insert(resource.selected_index, resource.selected_original)
        self.resource = None

    # --- properties inside a resource ------------------------------------------------

    def set_property(self, name: str, value: Value, line: int) -> None:
        resource = self.open_resource_for(f"set {name}", line)
        self.check_property(resource, name, line)
        if name in resource.spec.list_properties:
            self.replace_list(resource, name, value, line)
        else:
            resource.props[name] = self.simple(name, value, line)
        self.check_value(resource.kind, name, value, line)

    def add_to_property(self, name: str, value: Value, line: int) -> None:
        resource = self.open_resource_for(f"add {name}", line)
        self.check_property(resource, name, line)
        if name not in resource.spec.list_properties:
            raise self.error(f"'add {name}' is not allowed; use 'set {name}=...'", line)
        self.extend_list(resource, name, value, line)
        self.check_value(resource.kind, name, value, line)

    def remove_from_property(self, name: str, value: Value, line: int) -> None:
        resource = self.open_resource_for(f"remove {name}", line)
        self.check_property(resource, name, line)
        if name == "options":
            doomed = set(self.option_items(value, line))
            resource.options = [o for o in resource.options if o not in doomed]
        elif name == "value":
            doomed_values = self.rctl_values(value, line)
            resource.values = [v for v in resource.values if v not in doomed_values]
        else:
            raise self.error(f"'remove {name}' is not allowed; use 'clear {name}'", line)

    def clear_property(self, name: str, line: int) -> None:
        resource = self.open_resource_for(f"clear {name}", line)
        self.check_property(resource, name, line)
        if name == "options":
            resource.options = []
        elif name == "value":
            resource.values = []
        else:
            resource.props.pop(name, None)

    def open_resource_for(self, command: str, line: int) -> _OpenResource:
        if self.resource is None:
            raise self.error(f"'{command}' outside a resource; expected an 'add' first", line)
        return self.resource

    def check_property(self, resource: _OpenResource, name: str, line: int) -> None:
        if name in resource.spec.properties:
            return
        if name in GLOBAL_PROPERTIES or name in RCTL_ALIASES:
            raise self.error(f"'{name}' is a global property; 'end' {resource.describe()} first", line)
        allowed = ", ".join(resource.spec.properties)
        raise self.error(
            f"'{name}' is not a property of {resource.kind}; {resource.kind} takes {allowed}", line
        )

    # --- helpers ---------------------------------------------------------------------

    def resource_spec(self, kind: str, verb: str, line: int) -> ResourceSpec:
        spec = RESOURCES.get(kind)
        if spec is None:
            known = ", ".join(RESOURCES)
            raise self.error(f"'{verb} {kind}': unknown resource type; zonecfg knows {known}", line)
        return spec

    def simple(self, name: str, value: Value, line: int) -> str:
        if not isinstance(value, str):
            raise self.error(f"'{name}' takes a single value, not a list or (...) value", line)
        return value

    @staticmethod
    def flatten(value: Value) -> str:
        if isinstance(value, str):
            return value
        items = value if isinstance(value, list) else [value]
        return ",".join(
            i if isinstance(i, str) else ",".join(f"{k}={v}" for k, v in i.items()) for i in items
        )

    def option_items(self, value: Value, line: int) -> list[str]:
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(i, str) for i in items):
            raise self.error("fs options are plain words like ro or nodevices, not (...) values", line)
        return [i for i in items if isinstance(i, str)]

    def rctl_values(self, value: Value, line: int) -> list[RctlValue]:
        items = value if isinstance(value, list) else [value]
        result = []
        for item in items:
            if not isinstance(item, dict) or set(item) != set(_RCTL_VALUE_KEYS):
                raise self.error("an rctl value must look like (priv=privileged,limit=100,action=deny)", line)
            result.append(RctlValue(priv=item["priv"], limit=item["limit"], action=item["action"]))
        return result

    def replace_list(self, resource: _OpenResource, name: str, value: Value, line: int) -> None:
        if name == "options":
            resource.options = self.option_items(value, line)
        else:
            resource.values = self.rctl_values(value, line)

    def extend_list(self, resource: _OpenResource, name: str, value: Value, line: int) -> None:
        if name == "options":
            resource.options.extend(self.option_items(value, line))
        else:
            resource.values.extend(self.rctl_values(value, line))

    @staticmethod
    def has_value(resource: _OpenResource, name: str) -> bool:
        return bool(resource.props.get(name))

    def singleton_added(self, kind: str) -> bool:
        """Whether an ``add KIND`` block already ran.

        Export lists zone.max-swap as an rctl *before* ``add capped-memory``,
        so an rctl alone must not count as the resource being there.
        """
        attribute = {
            "dedicated-cpu": "dedicated_cpu",
            "capped-cpu": "capped_cpu",
            "capped-memory": "capped_memory",
        }
        return getattr(self.cfg, attribute[kind]) is not None

    def singleton_present(self, kind: str) -> bool:
        """Whether ``select``/``remove KIND`` has something to act on (rctl views count)."""
        view = canonical_zone_config(self.cfg) if kind != "dedicated-cpu" else self.cfg
        present = {
            "dedicated-cpu": view.dedicated_cpu is not None,
            "capped-cpu": view.capped_cpu is not None,
            "capped-memory": view.capped_memory is not None,
        }
        return present[kind]

    def clear_singleton(self, kind: str) -> None:
        if kind == "dedicated-cpu":
            self.cfg.dedicated_cpu = None
        elif kind == "capped-cpu":
            self.cfg.capped_cpu = None
            remove_rctl(self.cfg, CPU_CAP_RCTL)
        else:
            self.cfg.capped_memory = None
            remove_rctl(self.cfg, SWAP_RCTL)
            remove_rctl(self.cfg, LOCKED_RCTL)

    def store_singleton(self, resource: _OpenResource, line: int) -> None:
        props = resource.props
        if resource.kind == "dedicated-cpu":
            self.store_dedicated_cpu(props, line)
        elif resource.kind == "capped-cpu":
            self.store_capped_cpu(props["ncpus"], line)
        else:
            self.store_capped_memory(props, line, clear_absent=resource.selected_singleton)

    def store_dedicated_cpu(self, props: dict[str, str], line: int) -> None:
        ncpus, importance = props["ncpus"], props.get("importance", "")
        if not re.fullmatch(r"[0-9]+(-[0-9]+)?", ncpus):
            raise self.error(f"dedicated-cpu ncpus must be a count or a range like 1-4, not {ncpus!r}", line)
        if importance and not re.fullmatch(r"[0-9]+", importance):
            raise self.error(f"dedicated-cpu importance must be a whole number, not {importance!r}", line)
        self.cfg.dedicated_cpu = ZoneDedicatedCpu(ncpus=ncpus, importance=importance)

    def store_capped_cpu(self, ncpus: str, line: int) -> None:
        limit = cpu_cap_limit(ncpus)
        if limit is None:
            raise self.error(f"capped-cpu ncpus must be a number of CPUs like 1.5, not {ncpus!r}", line)
        replace_rctl(self.cfg, ZoneRctl(CPU_CAP_RCTL, [privileged_value(limit, "deny")]))
        self.cfg.capped_cpu = ZoneCappedCpu(ncpus=ncpus)

    def store_capped_memory(self, props: dict[str, str], line: int, *, clear_absent: bool = False) -> None:
        """``clear_absent``: after ``select capped-memory``, a swap/locked no longer set drops its rctl."""
        memory = ZoneCappedMemory(
            physical=props.get("physical", ""), swap=props.get("swap", ""), locked=props.get("locked", "")
        )
        if not (memory.physical or memory.swap or memory.locked):
            raise self.error("capped-memory needs physical, swap or locked; set one before 'end'", line)
        for name, size in (("physical", memory.physical), ("swap", memory.swap), ("locked", memory.locked)):
            if size and units_to_bytes(size) is None:
                raise self.error(f"capped-memory {name} must be a size like 512M or 2G, not {size!r}", line)
        for size, rctl_name in ((memory.swap, SWAP_RCTL), (memory.locked, LOCKED_RCTL)):
            nbytes = units_to_bytes(size) if size else None
            if nbytes is None and clear_absent:
                remove_rctl(self.cfg, rctl_name)
            elif nbytes is not None:
                replace_rctl(self.cfg, ZoneRctl(rctl_name, [privileged_value(str(nbytes), "deny")]))
        self.cfg.capped_memory = memory

    def store_listed(self, resource: _OpenResource) -> None:
        item = self.object_from_open(resource)
        items: list[Any] = getattr(self.cfg, resource.spec.config_list)
        if resource.kind == "rctl" and any(r.name == item.name for r in self.cfg.rctls):
            # Same name twice (an alias set earlier, or info listing both): the block wins.
            replace_rctl(self.cfg, item)
        elif resource.selected_index is not None:
            items.insert(resource.selected_index, item)
        else:
            items.append(item)

    @staticmethod
    def object_from_open(resource: _OpenResource) -> Any:
        p = resource.props
        builders: dict[str, Any] = {
            "fs": lambda: ZoneFs(
                dir=p["dir"],
                special=p["special"],
                raw=p.get("raw", ""),
                type=p["type"],
                options=resource.options,
            ),
            "inherit-pkg-dir": lambda: p["dir"],
            "net": lambda: ZoneNet(
                physical=p["physical"],
                address=p.get("address", ""),
                defrouter=p.get("defrouter", ""),
                allowed_address=p.get("allowed-address", ""),
            ),
            "device": lambda: ZoneDevice(match=p["match"]),
            "rctl": lambda: ZoneRctl(name=p["name"], values=resource.values),
            "attr": lambda: ZoneAttr(name=p["name"], type=p["type"], value=p["value"]),
            "dataset": lambda: p["name"],
            "admin": lambda: ZoneAdmin(user=p["user"], auths=p.get("auths", "")),
        }
        return builders[resource.kind]()

    @staticmethod
    def properties_of(kind: str, item: Any) -> dict[str, str]:
        if kind in ("inherit-pkg-dir",):
            return {"dir": item}
        if kind == "dataset":
            return {"name": item}
        if kind == "net":
            return {
                "physical": item.physical,
                "address": item.address,
                "defrouter": item.defrouter,
                "allowed-address": item.allowed_address,
            }
        if kind == "fs":
            return {"dir": item.dir, "special": item.special, "raw": item.raw, "type": item.type}
        fields: dict[str, tuple[str, ...]] = {
            "device": ("match",),
            "rctl": ("name",),
            "attr": ("name", "type", "value"),
            "admin": ("user", "auths"),
        }
        return {name: getattr(item, name) for name in fields[kind]}

    def matches(self, kind: str, item: Any, filters: dict[str, str]) -> bool:
        props = self.properties_of(kind, item)
        return all(props.get(k) == v for k, v in filters.items())

    def open_from_object(self, kind: str, item: Any, line: int) -> _OpenResource:
        resource = _OpenResource(kind, line)
        resource.props = {k: v for k, v in self.properties_of(kind, item).items() if v}
        if kind == "fs":
            resource.options = list(item.options)
        elif kind == "rctl":
            resource.values = list(item.values)
        return resource
