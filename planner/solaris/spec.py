"""Reader for a destination "hardware spec": a small JSON file describing a host that is not built yet.

The format is documented in docs/hardware-spec.md.  Unknown keys are errors
(a typo such as ``"nic"`` must not silently give a host without NICs).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from ._text import split_driver_instance
from .errors import SolarisParseError
from .inventory import Disk, HostInventory, Nic, Prtdiag, Uname
from .limits import MAX_DEVICES, MAX_DISKS, MAX_NICS, check_count
from .names import check_device_match, check_disk_name, check_hostname, check_nic_name

_TOP_KEYS = frozenset({"hostname", "model", "platform", "memory_mb", "nics", "disks", "devices"})
_NIC_KEYS = frozenset({"name", "speed_mbps", "link", "duplex"})
_DISK_KEYS = frozenset({"name", "size_gb", "size_bytes"})
_LINK_STATES = ("up", "down", "unknown")
# Disk vendors (and iostat -En's "73.40GB") count in powers of ten.
_BYTES_PER_GB = 1_000_000_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _Spec:
    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, message: str, line: int | None = None) -> SolarisParseError:
        return SolarisParseError(message, source=self.source, line=line)

    def object(self, value: Any, where: str, allowed: frozenset[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(f"{where} must be a JSON object {{...}}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.error(
                f"{where}: unknown key {unknown[0]!r}; allowed keys are {', '.join(sorted(allowed))}"
            )
        return value

    def string(self, data: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                raise self.error(f"{where}: {key!r} is required")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.error(f"{where}.{key} must be a non-empty string")
        if _CONTROL.search(value.strip()):
            raise self.error(f"{where}.{key} {value.strip()!r} holds a control character (a newline, tab...)")
        return value.strip()

    def named(self, value: str, where: str, check: Callable[..., str]) -> str:
        """``value`` through a names.py check; the error says which key of the spec it was."""
        try:
            return check(value, source=self.source)
        except SolarisParseError as error:
            raise self.error(f"{where}: {error.message}") from None

    def number(self, data: dict[str, Any], key: str, where: str, *, scale: int = 1) -> int | None:
        """A non-negative JSON number times ``scale``, as a whole number."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise self.error(f"{where}.{key} must be a number >= 0, not {value!r}")
        if isinstance(value, int):
            return value * scale
        scaled = value * scale
        if not math.isfinite(scaled):
            raise self.error(f"{where}.{key} is too large: {value!r}")
        return round(scaled)

    def array(self, data: dict[str, Any], key: str, limit: int) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.error(f"{key!r} must be a JSON list [...]")
        check_count(len(value), limit, f"entries in {key!r}", source=self.source)
        return value

    def nic(self, value: Any, where: str) -> Nic:
        data = self.object(value, where, _NIC_KEYS)
        name = self.named(self.string(data, "name", where, required=True), f"{where}.name", check_nic_name)
        driver, instance = split_driver_instance(name)
        link = self.string(data, "link", where) or "unknown"
        if link not in _LINK_STATES:
            raise self.error(f"{where}.link must be one of {', '.join(_LINK_STATES)}, not {link!r}")
        speed = self.number(data, "speed_mbps", where)
        return Nic(
            name=name,
            driver=driver,
            instance=instance,
            link_state=link,
            speed_mbps=speed,
            duplex=self.string(data, "duplex", where),
        )

    def disk(self, value: Any, where: str) -> Disk:
        data = self.object(value, where, _DISK_KEYS)
        name = self.named(self.string(data, "name", where, required=True), f"{where}.name", check_disk_name)
        size_bytes = self.number(data, "size_bytes", where)
        if size_bytes is None:
            size_bytes = self.number(data, "size_gb", where, scale=_BYTES_PER_GB)
        if size_bytes is None:
            raise self.error(f"{where}: give 'size_gb' or 'size_bytes'")
        return Disk(name=name, size_bytes=size_bytes)

    def devices(self, data: dict[str, Any]) -> list[str]:
        devices = self.array(data, "devices", MAX_DEVICES)
        for index, device in enumerate(devices):
            if not isinstance(device, str) or not device.startswith("/dev/"):
                raise self.error(f"devices[{index}] must be a device path like /dev/rmt/0, not {device!r}")
            self.named(device, f"devices[{index}]", check_device_match)
        return [str(device) for device in devices]

    def read(self, text: str) -> HostInventory:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self.error(f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
        except RecursionError:
            raise self.error("the JSON is nested too deeply") from None
        data = self.object(raw, "the spec", _TOP_KEYS)
        hostname = self.named(
            self.string(data, "hostname", "the spec", required=True), "hostname", check_hostname
        )
        # Counted before anything is built: a spec of 60,000 NICs is refused at once.
        raw_nics = self.array(data, "nics", MAX_NICS)
        raw_disks = self.array(data, "disks", MAX_DISKS)
        memory = self.number(data, "memory_mb", "the spec")
        model = self.string(data, "model", "the spec")
        return HostInventory(
            hostname=hostname,
            uname=Uname(
                sysname="SunOS", nodename=hostname, machine=self.string(data, "platform", "the spec")
            ),
            prtdiag=Prtdiag(model=model, memory_mb=memory),
            nics=[self.nic(n, f"nics[{i}]") for i, n in enumerate(raw_nics)],
            disks=[self.disk(d, f"disks[{i}]") for i, d in enumerate(raw_disks)],
            devices=self.devices(data),
            origin="spec",
        )


def read_hardware_spec(text: str, *, source: str) -> HostInventory:
    """Read a destination hardware spec (JSON, see docs/hardware-spec.md) into a HostInventory."""
    return _Spec(source).read(text)
