"""Reader for ``/etc/zones/<zone>.xml`` (libzonecfg's zone file, zonecfg.dtd.1).

The XML has no ``create`` line.  ``create_mode`` is therefore derived: a zone
with ``<inherited-pkg-dir>`` elements is ``sparse``; without them a native zone
is ``whole`` (that is what SUNWblank gives), and a zone of another brand
(lx, solaris8, ...), where sparse/whole does not apply, is ``unknown``.

Mappings (libzonecfg's own): ``<pset ncpu_min ncpu_max>`` + ``<tmp_pool
importance>`` -> dedicated-cpu; ``<mcap physcap=BYTES>`` -> capped-memory
physical; the rctls ``zone.cpu-cap``, ``zone.max-swap`` and
``zone.max-locked-memory`` -> capped-cpu and capped-memory swap/locked views.
Detach-manifest elements (package, patch, dev-perm) and the legacy
deleted-device are ignored.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from xml.parsers import expat

from ._text import bytes_to_units, is_ascii_int
from .errors import SolarisParseError
from .inventory import (
    RctlValue,
    ZoneAdmin,
    ZoneAttr,
    ZoneCappedMemory,
    ZoneConfig,
    ZoneDedicatedCpu,
    ZoneDevice,
    ZoneFs,
    ZoneNet,
    ZoneRctl,
)
from .validate import check_zone_config
from .zonemodel import canonical_zone_config, root_type_mode

_IGNORED_ELEMENTS = frozenset({"package", "patch", "dev-perm", "deleted-device", "comment"})
_ZONE_STRING_ATTRIBUTES = {
    "zonepath": "zonepath",
    "pool": "pool",
    "limitpriv": "limitpriv",
    "bootargs": "bootargs",
    "scheduling-class": "scheduling_class",
    "hostid": "hostid",
    "fs-allowed": "fs_allowed",
}
_HANDLED_ZONE_ATTRIBUTES = frozenset(
    {"name", "autoboot", "brand", "ip-type", "version", *_ZONE_STRING_ATTRIBUTES}
)


class _RefusedDtd(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _refuse_dtd_tricks(text: str, source: str) -> None:
    """Reject internal DTD subsets and entity declarations before ElementTree sees the text.

    Entity expansion (billion laughs) needs an internal subset; the real zone
    files only have the external ``<!DOCTYPE zone PUBLIC ... "file:///...">``
    line, which expat reads but never fetches.
    """
    parser = expat.ParserCreate()

    def on_doctype(name: str, system_id: str | None, public_id: str | None, has_internal_subset: int) -> None:
        if has_internal_subset:
            raise _RefusedDtd("the DOCTYPE has an internal subset; zone files never do, refusing it")

    def on_entity(*_args: object) -> None:
        raise _RefusedDtd("the file declares XML entities; zone files never do, refusing it")

    parser.StartDoctypeDeclHandler = on_doctype
    parser.EntityDeclHandler = on_entity
    try:
        parser.Parse(text, True)
    except _RefusedDtd as refused:
        raise SolarisParseError(refused.message, source=source, line=parser.CurrentLineNumber) from None
    except expat.ExpatError as exc:
        message = f"not well-formed XML: {expat.ErrorString(exc.code)}"
        raise SolarisParseError(message, source=source, line=exc.lineno) from None
    except UnicodeError:
        raise SolarisParseError(
            "the text holds characters that are not valid Unicode", source=source
        ) from None


def _attribute(element: ET.Element, name: str, source: str, *, required: bool = True) -> str:
    value = element.get(name)
    if value is None:
        if required:
            raise SolarisParseError(f"<{element.tag}> has no {name}= attribute", source=source)
        return ""
    return value


class _ZoneXmlReader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.cfg = ZoneConfig(name="", create_mode="unknown")
        self.pset: tuple[str, str] | None = None
        self.importance = ""
        self.handlers: dict[str, Callable[[ET.Element], None]] = {
            "filesystem": self.filesystem,
            "inherited-pkg-dir": self.inherited_pkg_dir,
            "network": self.network,
            "device": self.device,
            "rctl": self.rctl,
            "attr": self.attr,
            "dataset": self.dataset,
            "admin": self.admin,
            "pset": self.pset_element,
            "tmp_pool": self.tmp_pool,
            "mcap": self.mcap,
        }

    def error(self, message: str) -> SolarisParseError:
        return SolarisParseError(message, source=self.source)

    def get(self, element: ET.Element, name: str, *, required: bool = True) -> str:
        return _attribute(element, name, self.source, required=required)

    def read(self, root: ET.Element) -> ZoneConfig:
        if root.tag != "zone":
            raise self.error(f"the root element is <{root.tag}>, expected <zone>; is this a zone XML file?")
        self.zone_attributes(root)
        for child in root:
            self.child(child)
        self.finish_pools()
        self.cfg.create_mode = root_type_mode(self.cfg, from_create_line=False)
        return canonical_zone_config(self.cfg)

    def zone_attributes(self, root: ET.Element) -> None:
        cfg = self.cfg
        cfg.name = self.get(root, "name")
        autoboot = root.get("autoboot", "false")
        if autoboot not in ("true", "false"):
            raise self.error(f"<zone autoboot={autoboot!r}> must be true or false")
        cfg.autoboot = autoboot == "true"
        cfg.brand = root.get("brand") or "native"
        ip_type = root.get("ip-type") or "shared"
        if ip_type not in ("shared", "exclusive"):
            raise self.error(f"<zone ip-type={ip_type!r}> must be shared or exclusive")
        cfg.ip_type = ip_type
        for attribute, field_name in _ZONE_STRING_ATTRIBUTES.items():
            setattr(cfg, field_name, root.get(attribute, ""))
        for attribute, value in root.attrib.items():
            if attribute not in _HANDLED_ZONE_ATTRIBUTES:
                cfg.extra_properties[attribute] = value

    def child(self, element: ET.Element) -> None:
        if not isinstance(element.tag, str) or element.tag in _IGNORED_ELEMENTS:
            return  # comments and processing instructions have non-string tags
        handler = self.handlers.get(element.tag)
        if handler is None:
            raise self.error(f"unknown element <{element.tag}> in <zone>; not in zonecfg.dtd.1")
        handler(element)

    def filesystem(self, element: ET.Element) -> None:
        options = [self.get(option, "name") for option in element if option.tag == "fsoption"]
        self.cfg.fs.append(
            ZoneFs(
                dir=self.get(element, "directory"),
                special=self.get(element, "special"),
                raw=self.get(element, "raw", required=False),
                type=self.get(element, "type"),
                options=options,
            )
        )

    def inherited_pkg_dir(self, element: ET.Element) -> None:
        self.cfg.inherit_pkg_dirs.append(self.get(element, "directory"))

    def network(self, element: ET.Element) -> None:
        self.cfg.nets.append(
            ZoneNet(
                physical=self.get(element, "physical"),
                address=self.get(element, "address", required=False),
                defrouter=self.get(element, "defrouter", required=False),
                allowed_address=self.get(element, "allowed-address", required=False),
            )
        )

    def device(self, element: ET.Element) -> None:
        self.cfg.devices.append(ZoneDevice(match=self.get(element, "match")))

    def rctl(self, element: ET.Element) -> None:
        values = [
            RctlValue(priv=self.get(v, "priv"), limit=self.get(v, "limit"), action=self.get(v, "action"))
            for v in element
            if v.tag == "rctl-value"
        ]
        self.cfg.rctls.append(ZoneRctl(name=self.get(element, "name"), values=values))

    def attr(self, element: ET.Element) -> None:
        self.cfg.attrs.append(
            ZoneAttr(
                name=self.get(element, "name"),
                type=self.get(element, "type"),
                value=self.get(element, "value"),
            )
        )

    def dataset(self, element: ET.Element) -> None:
        self.cfg.datasets.append(self.get(element, "name"))

    def admin(self, element: ET.Element) -> None:
        self.cfg.admins.append(
            ZoneAdmin(user=self.get(element, "user"), auths=self.get(element, "auths", required=False))
        )

    def pset_element(self, element: ET.Element) -> None:
        low, high = self.get(element, "ncpu_min"), self.get(element, "ncpu_max")
        if not (is_ascii_int(low) and is_ascii_int(high)):
            raise self.error(f"<pset ncpu_min={low!r} ncpu_max={high!r}> must be whole numbers")
        self.pset = (low, high)

    def tmp_pool(self, element: ET.Element) -> None:
        self.importance = self.get(element, "importance")

    def mcap(self, element: ET.Element) -> None:
        physcap = self.get(element, "physcap")
        if not is_ascii_int(physcap):
            raise self.error(f"<mcap physcap={physcap!r}> must be a number of bytes")
        self.cfg.capped_memory = ZoneCappedMemory(physical=bytes_to_units(int(physcap)))

    def finish_pools(self) -> None:
        if self.pset is None:
            return  # a tmp_pool without a pset sets nothing zonecfg can show
        low, high = self.pset
        ncpus = low if low == high else f"{low}-{high}"
        self.cfg.dedicated_cpu = ZoneDedicatedCpu(ncpus=ncpus, importance=self.importance)


def parse_zone_xml(text: str, *, source: str) -> ZoneConfig:
    """Read ``/etc/zones/<zone>.xml`` into the canonical :class:`ZoneConfig`."""
    _refuse_dtd_tricks(text, source)
    try:
        root = ET.fromstring(text)  # noqa: S314 - screened above: no internal subset, no entities
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise SolarisParseError(f"not well-formed XML: {exc}", source=source, line=line) from None
    return check_zone_config(_ZoneXmlReader(source).read(root), source=source)
