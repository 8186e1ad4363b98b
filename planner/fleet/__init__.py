"""Write synthetic collector bundles: demo hosts, the seed-row test host and benchmark fleets.

A :class:`HostSpec` describes one Solaris 10 global zone (model, NICs, disks and
their VTOCs, SVM metadevices, global mounts, zones).  :func:`render_bundle`
turns it into the files ``scripts/zflar-collect`` would gather, byte for byte
in the formats Solaris 10 prints (``zoneadm list -cvp``, ``zonecfg export`` in
the Solaris 10 order, ``/etc/zones/<zone>.xml``, ``dladm show-dev``/``show-link``,
``ifconfig -a``, ``iostat -En``, ``prtvtoc``, ``metastat -p``, ``df -k``, vfstabs).
:func:`write_bundle` writes them as a folder, :func:`write_bundle_tar` as the
``.tar`` with one top folder that the collector makes.

Everything is deterministic: the same arguments (and seed) give the same bytes.
Pure Python, no Django: the demo command, the benchmark and the tests share it; no request
path imports it (an import-linter contract says so).

Modules: :mod:`.hardware` (models, disks, kernels), :mod:`.spec` (the host description),
:mod:`.builder` (allocating ports, slices and zones), :mod:`.render` (the bundle's files, with the
zone files written by ``planner.solaris.writers``), :mod:`.system`, :mod:`.network` and
:mod:`.storage` (what each command prints), :mod:`.seed` and :mod:`.fleets` (the hosts below).

Entry points:

* :func:`seed_rows_host` - one source host with one zone per row of the
  "Flash Archive of a zoned system" results table (running zone, autoboot,
  same/different NIC, NFS in a zone, zonepath on NFS, lofs, ufs, SVM, devices)
  plus a clean zone; :func:`identical_destination` and
  :func:`different_destination` are the two targets to plan it against.
* :func:`fleet` / :func:`fleet_destinations` - large varied fleets.
* :func:`demo_fleet` - a handful of realistic bundles for ``make run``.
"""

from __future__ import annotations

from .fleets import demo_fleet, demo_hosts, fleet, fleet_destinations
from .hardware import MODELS, ModelInfo
from .render import bundle_name, render_bundle, write_bundle, write_bundle_tar
from .seed import different_destination, identical_destination, seed_rows_host
from .spec import (
    FLEET_ZONE_KINDS,
    SEED_ROW_KINDS,
    DiskSpec,
    HostSpec,
    MetaSpec,
    MountSpec,
    NicSpec,
    SliceSpec,
    ZoneSpec,
    listed_zones,
)

__all__ = [
    "FLEET_ZONE_KINDS",
    "MODELS",
    "SEED_ROW_KINDS",
    "DiskSpec",
    "HostSpec",
    "MetaSpec",
    "ModelInfo",
    "MountSpec",
    "NicSpec",
    "SliceSpec",
    "ZoneSpec",
    "bundle_name",
    "demo_fleet",
    "demo_hosts",
    "different_destination",
    "fleet",
    "fleet_destinations",
    "identical_destination",
    "listed_zones",
    "render_bundle",
    "seed_rows_host",
    "write_bundle",
    "write_bundle_tar",
]
