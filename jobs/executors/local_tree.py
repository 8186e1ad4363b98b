"""Build a Solaris-like folder tree for the local executor from a host's inventory.

The demo fleet and the tests use it to stand a source host up on the worker:
``/etc/zones/index``, one ``/etc/zones/<zone>.xml`` per zone, the global and
per-zone vfstab, zone roots with some content, the runtime zone states, a
folder per ufs slice that a zone's ``fs`` resource names (the slice's data), and
the global directories that lofs resources loop back.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath

from planner.solaris.inventory import HostInventory, VfstabEntry, ZoneIndexEntry
from planner.solaris.writers import write_vfstab, write_zone_xml

from .local import RUNTIME_STATES, LocalExecutor

# A few files every zone root has, so a zone's share of an archive is never empty.
_ZONE_ROOT_FILES = {
    "etc/release": "                       Solaris 10 10/09 s10s_u8wos_08a SPARC\n",
    "etc/hosts": "127.0.0.1\tlocalhost\n",
    "etc/nodename": "{zone}\n",
    "var/adm/messages": "",
}


def _fake_uuid(name: str) -> str:
    h = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def build_host_tree(
    root: Path,
    inventory: HostInventory,
    *,
    payload_bytes_per_zone: int = 64 * 1024,
    bytes_per_second: int = 0,
) -> Path:
    """Write the tree under ``root`` (created) and return it.

    ``bytes_per_second`` (0: as fast as the worker can) paces the host's archive reads
    and writes, so a job over it takes a predictable while.
    """
    executor = LocalExecutor(root=root, host=inventory.hostname)
    root.mkdir(parents=True, exist_ok=True)
    index = [ZoneIndexEntry(name="global", state="installed", zonepath="/")]
    runtime: dict[str, str] = {}
    for zone in inventory.zones:
        cfg = zone.config
        zonepath = cfg.zonepath if cfg and cfg.zonepath else f"/zones/{zone.name}"
        stored_state = zone.state if zone.state in ("configured", "incomplete", "installed") else "installed"
        index.append(
            ZoneIndexEntry(name=zone.name, state=stored_state, zonepath=zonepath, uuid=_fake_uuid(zone.name))
        )
        if zone.state in RUNTIME_STATES:
            runtime[zone.name] = zone.state
        if cfg is not None:
            executor.write_file(f"/etc/zones/{zone.name}.xml", write_zone_xml(cfg))
        zone_root = executor.path(zonepath) / "root"
        for relative, text in _ZONE_ROOT_FILES.items():
            target = zone_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text.format(zone=zone.name))
        (zone_root / "export/data").mkdir(parents=True, exist_ok=True)
        (zone_root / "export/data/payload.bin").write_bytes(
            hashlib.sha256(zone.name.encode()).digest() * (payload_bytes_per_zone // 32)
        )
        if zone.vfstab:
            executor.write_file(str(PurePosixPath(zonepath) / "root/etc/vfstab"), write_vfstab(zone.vfstab))
        for fs in cfg.fs if cfg else []:
            mount_point = executor.path(str(PurePosixPath(zonepath) / "root" / fs.dir.lstrip("/")))
            mount_point.mkdir(parents=True, exist_ok=True)
            if fs.type == "ufs" and fs.special:
                slice_dir = executor.device_path(fs.special)
                slice_dir.mkdir(parents=True, exist_ok=True)
                (slice_dir / "README").write_text(
                    f"data of {fs.special}, mounted at {fs.dir} in {zone.name}\n"
                )
                (slice_dir / "app.bin").write_bytes(b"\x00" * 4096)
            elif fs.type == "lofs" and fs.special.startswith("/"):
                shared = executor.path(fs.special)
                shared.mkdir(parents=True, exist_ok=True)
                (shared / "README").write_text(f"global {fs.special}, loopback-mounted into {zone.name}\n")
    executor.set_index(index)
    executor.state_dir.mkdir(parents=True, exist_ok=True)
    (executor.state_dir / "zone-states").write_text("".join(f"{k}={v}\n" for k, v in sorted(runtime.items())))
    if bytes_per_second:
        (executor.state_dir / "bytes-per-second").write_text(f"{bytes_per_second}\n")
    global_vfstab = inventory.vfstab or [
        VfstabEntry("/dev/dsk/c0t0d0s0", "/dev/rdsk/c0t0d0s0", "/", "ufs", "1", "no", "-"),
    ]
    executor.write_file("/etc/vfstab", write_vfstab(global_vfstab))
    for relative in ("var/run/.keep", "etc/release"):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("Solaris 10\n")
    return root


def build_empty_host_tree(root: Path) -> Path:
    """A freshly installed destination: just an empty root with /etc."""
    (root / "etc/zones").mkdir(parents=True, exist_ok=True)
    return root
