"""The seed-row host (one zone per row of the seed document's results table) and the two
destinations to plan it against: one of identical hardware, one different."""

from __future__ import annotations

from .builder import HostBuilder
from .hardware import DISK_PRODUCTS, seeded_rng
from .spec import SEED_ROW_KINDS, DiskSpec, HostSpec, NicSpec
from .storage import disk_sort_key

# --- the seed-row host and its destinations -------------------------------------------------------


def seed_rows_host(hostname: str = "src-seed-01") -> HostSpec:
    """A Sun Fire V240 whose zones cover every row of the seed results table, one zone per pitfall.

    Zones: z-running (running), z-autoboot (autoboot=true, net on bge2), z-net-same (bge0),
    z-net-remap (bge1), z-nfs (NFS mount in its own vfstab), z-nfs-zonepath (zonepath on the
    NFS mount nas01:/export/zones at /nfszones), z-lofs, z-ufs (c1t1d0s0 at /opt/local),
    z-svm (soft partition d100 at /data), z-device (/dev/rmt/0 and c2t0d0), z-ready (clean).
    Root is an SVM mirror d10 (d11 on c1t0d0s0, d12 on c1t3d0s0).
    """
    rng = seeded_rng(f"seed-rows:{hostname}")
    b = HostBuilder(hostname, "V240", rng, net=20, role="source")
    b.host.kernel = "Generic_147440-01"
    b.add_nics(plumbed=3, down=("bge3",))
    b.add_cdrom()
    boot = b.boot_disk("c1t0d0")
    mirror = b.root_mirror(boot, "c1t3d0")
    b.global_mounts(boot, "/dev/md/dsk/d10", "/dev/md/rdsk/d10", mirror)
    for kind in SEED_ROW_KINDS:
        b.zone(f"z-{kind}", kind)
    b.host.collected_at = "20240115093000"
    return b.host


def identical_destination(hostname: str = "dst-same-01", source: HostSpec | None = None) -> HostSpec:
    """A freshly installed host of the source's model with the same ports and disks (default: the seed host).

    Only the global zone, no SVM; the disks beyond the boot disk carry only the backup slice.
    """
    source = source or seed_rows_host()
    rng = seeded_rng(f"identical:{hostname}:{source.hostname}")
    b = HostBuilder(hostname, source.model, rng, net=21, role="destination")
    b.host.kernel = source.kernel
    for number, nic in enumerate(source.physical_nics):
        copy = NicSpec(nic.name, nic.link, nic.speed_mbps, nic.duplex, nic.mtu, ether=b._mac())
        if nic.address:
            copy.address = f"10.21.{number + 1}.10"
        b.host.nics.append(copy)
    boot_name = min((d.name for d in source.disks if d.kind == "disk"), key=disk_sort_key)
    for disk in sorted(source.disks, key=lambda d: disk_sort_key(d.name)):
        if disk.kind == "cdrom":
            b.add_cdrom()
        elif disk.kind == "tape":
            b.add_tape()
        elif disk.name == boot_name:
            boot = b.boot_disk(disk.name, _product_key(disk))
        else:
            b.new_disk(_product_key(disk), disk.name)
    b.global_mounts(boot, f"/dev/dsk/{boot.name}s0", f"/dev/rdsk/{boot.name}s0", None)
    b.host.collected_at = "20240116100000"
    return b.host


def different_destination(hostname: str = "dst-diff-01") -> HostSpec:
    """A SPARC Enterprise T5220 (sun4v): e1000g ports instead of bge, two 73 GB disks, no tape."""
    rng = seeded_rng(f"different:{hostname}")
    b = HostBuilder(hostname, "T5220", rng, net=22, role="destination")
    b.host.kernel = "Generic_147440-01"
    b.add_nics(plumbed=2)
    b.add_cdrom()
    boot = b.boot_disk("c1t0d0", "MAY2073RCSUN72G")
    b.new_disk("MAY2073RCSUN72G", "c1t1d0")
    b.global_mounts(boot, f"/dev/dsk/{boot.name}s0", f"/dev/rdsk/{boot.name}s0", None)
    b.host.collected_at = "20240116103000"
    return b.host


def _product_key(disk: DiskSpec) -> str:
    for key, product in DISK_PRODUCTS.items():
        if product.product == disk.product:
            return key
    raise ValueError(f"{disk.name}: unknown disk product {disk.product!r}")
