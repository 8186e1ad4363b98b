"""What a host's network commands print: ``dladm show-dev``, ``dladm show-link`` and ``ifconfig -a``."""

from __future__ import annotations

from .hardware import LEGACY_DRIVERS
from .spec import HostSpec, listed_zones

# --- network --------------------------------------------------------------------------------------


def dladm_show_dev(host: HostSpec) -> str:
    lines = []
    for nic in host.physical_nics:
        speed = nic.speed_mbps if nic.link == "up" else 0
        duplex = nic.duplex if nic.link == "up" else "unknown"
        lines.append(f"{nic.name:<16}link: {nic.link:<10}speed: {speed:<5} Mbps       duplex: {duplex}")
    return "".join(line + "\n" for line in lines)


def dladm_show_link(host: HostSpec) -> str:
    lines = []
    for nic in host.nics:
        if nic.vlan_id:
            kind, device = f"vlan {nic.vlan_id}", nic.device
        else:
            kind, device = ("legacy" if nic.driver in LEGACY_DRIVERS else "non-vlan"), nic.name
        lines.append(f"{nic.name:<16}type: {kind:<10}mtu: {nic.mtu:<11}device: {device}")
    return "".join(line + "\n" for line in lines)


def _netmask(prefix: int) -> str:
    return f"{(0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF:08x}"


def _broadcast(address: str, prefix: int) -> str:
    value = 0
    for octet in address.split("."):
        value = value * 256 + int(octet)
    value |= (1 << (32 - prefix)) - 1
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _split_address(address: str, default_prefix: int) -> tuple[str, int]:
    ip, _, prefix = address.partition("/")
    return ip, int(prefix) if prefix else default_prefix


def ifconfig(host: HostSpec) -> str:
    up_flags = "flags=1000843<UP,BROADCAST,RUNNING,MULTICAST,IPv4>"
    lo_flags = "flags=2001000849<UP,LOOPBACK,RUNNING,MULTICAST,IPv4,VIRTUAL>"
    shared_up = [z for z in listed_zones(host) if z.is_up and z.ip_type == "shared"]
    out = [f"lo0: {lo_flags} mtu 8232 index 1", "\tinet 127.0.0.1 netmask ff000000 "]
    for number, zone in enumerate(shared_up, start=1):
        out += [f"lo0:{number}: {lo_flags} mtu 8232 index 1", f"\tzone {zone.name}"]
        out.append("\tinet 127.0.0.1 netmask ff000000 ")
    index = 1
    for nic in host.nics:
        if not nic.address:
            continue
        index += 1
        out += [f"{nic.name}: {up_flags} mtu {nic.mtu} index {index}"]
        mask, broadcast = _netmask(nic.prefix), _broadcast(nic.address, nic.prefix)
        out.append(f"\tinet {nic.address} netmask {mask} broadcast {broadcast}")
        out.append(f"\tether {nic.ether} ")
        logical = 0
        for zone in shared_up:
            for net in zone.nets:
                if net.physical != nic.name or not net.address:
                    continue
                logical += 1
                ip, prefix = _split_address(net.address, nic.prefix)
                out += [
                    f"{nic.name}:{logical}: {up_flags} mtu {nic.mtu} index {index}",
                    f"\tzone {zone.name}",
                ]
                out.append(f"\tinet {ip} netmask {_netmask(prefix)} broadcast {_broadcast(ip, prefix)}")
    return "\n".join(out) + "\n"
