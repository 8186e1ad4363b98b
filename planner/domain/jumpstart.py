"""The JumpStart profile and sysidcfg for the flash install of the destination.

Profile keywords are those of a Solaris 10 JumpStart initial flash install:
``install_type flash_install``, ``archive_location``, ``partitioning explicit`` and one
``filesys <slice> <size MB> <mount point>`` per planned slice, parents first (``/zones``
before ``/zones/app01/root/opt/local``).  A zone-private ufs file system gets its own
``filesys`` line mounted at ``<zonepath>/root/<dir>``: this is the seed's "when extracting
the flar, configure the slice into the GZ".  A global-zone SVM mirror that a 10/08 or later
archive leaves out is rebuilt with ``filesys mirror[:name] slice [slice] size file_system``
[JSMIR] and ``metadb slice size 8192 count 3`` [JSMDB]; a ZFS root gets
``pool poolname poolsize swapsize dumpsize vdevlist`` and no filesys lines [JSZFS].

Neither file has any quoting, so every value is checked before it is written: names
and paths against the grammars of :mod:`planner.solaris.names`, everything else through
:func:`planner.domain.quoting.word` (plain characters only); comments through
:func:`planner.domain.quoting.comment`.  A value that fails raises UnsafeValueError.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from planner.domain.facts import dotted_netmask, primary_interface
from planner.domain.install import METADB_BLOCKS, METADB_COUNT, InstallFacts
from planner.domain.layout import MIRROR_HALF, LayoutPlan, SlicePlan
from planner.domain.options import PlanOptions, parse_archive_location
from planner.domain.quoting import UnsafeValueError, comment, word
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import HostInventory
from planner.solaris.names import (
    check_disk_name,
    check_hostname,
    check_mount_point,
    check_slice_name,
    is_metadevice_name,
)


def check_metadevice(value: str, *, source: str = "") -> str:
    """A metadevice name (d10) for a profile line, or SolarisParseError."""
    if not re.fullmatch(r"d[0-9]{1,5}", value) or not is_metadevice_name(value):
        raise SolarisParseError(f"metadevice name {value!r} is not valid", source=source)
    return value


_POOL = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,254}")


def check_zfs_pool(value: str, *, source: str = "") -> str:
    """A ZFS pool name for the profile's pool line (zpool's rule: a letter, then [A-Za-z0-9_.:-])."""
    if not _POOL.fullmatch(value):
        raise SolarisParseError(f"ZFS pool name {value!r} is not valid", source=source)
    return value


PASSWORD_PLACEHOLDER = "REPLACE-ME-with-the-encrypted-root-hash-from-etc-shadow"  # noqa: S105 (a placeholder)
IP_PLACEHOLDER = "REPLACE-ME-ip-address"
ASSUMED_NETMASK = "255.255.255.0"
_PASSWORD_HASH = re.compile(r"[A-Za-z0-9./$,=]{13,256}")


def profile_archive_location(location: str) -> str:
    """Turn a location into the profile's ``<retrieval type> <where>`` words.

    ``nfs://server/path``, ``nfs server:/path`` and ``server:/path`` -> ``nfs server:/path`` (the
    documented NFS form); ``http://`` and ``https://`` URLs stay as they are; ``/path`` ->
    ``local_file /path``.  Anything else raises SolarisParseError (plan options: archive_location).
    """
    return parse_archive_location(location).profile_words


def _checked(check: Callable[..., str], value: str, what: str) -> str:
    """A names.py check whose failure says which file the value was going into."""
    try:
        return check(value, source="the JumpStart profile")
    except SolarisParseError as error:
        raise UnsafeValueError(f"{what}: {error.message}", source="the JumpStart profile") from None


def rules_line(host: str, profile: str, finish: str) -> str:
    """``hostname HOST - PROFILE FINISH``: a JumpStart rules line (plain words, no quoting)."""
    _checked(check_hostname, host, "rules hostname")
    return f"hostname {host} - {word(profile, what='profile')} {word(finish, what='finish script')}"


def _filesys_mount(mount_point: str) -> str:
    return mount_point if mount_point == "swap" else _checked(check_mount_point, mount_point, "filesys")


def _slice(s: SlicePlan, what: str = "filesys") -> str:
    return _checked(check_slice_name, f"{s.disk}s{s.index}", what)


def parents_first(mount_point: str) -> tuple[int, int, str]:
    """Sort key for filesys lines: ``/``, then swap, then by depth, so ``/zones`` comes before
    ``/zones/app01/root/opt/local`` (a file system is mounted on its parent's mount point)."""
    if mount_point == "/":
        return (0, 0, "")
    if mount_point == "swap":
        return (1, 0, "")
    return (2, mount_point.rstrip("/").count("/"), mount_point)


def _filesys_entries(layout: LayoutPlan) -> list[tuple[str, list[str]]]:
    """(mount point, profile lines) for every planned slice; a rebuilt mirror's halves make one line."""
    entries: list[tuple[str, list[str]]] = []
    for disk in layout.disks:
        for s in disk.slices:
            if s.purpose in ("backup", "metadb") or s.key.startswith(MIRROR_HALF):
                continue
            lines: list[str] = []
            if s.zone:
                # Comment lines of their own: a profile keyword line stays plain.
                lines.append(
                    comment(f"zone {s.zone}: its private ufs, mounted in the zone root for the extraction")
                )
            mount = _filesys_mount(s.mount_point)
            if s.mirror:
                halves = [h for h in layout.slices_for(s.key) if h is not s]
                name = _checked(check_metadevice, s.mirror, "filesys mirror")
                # JumpStart names mirrors d0-d127 [JSMIR]; beyond that it picks the name itself.
                named = f"mirror:{name}" if int(name[1:]) <= 127 else "mirror"
                slices = " ".join([_slice(s), *(_slice(h) for h in halves)])
                lines.append(f"filesys          {named} {slices} {int(s.size_mb)} {mount}")
            else:
                lines.append(f"filesys          {_slice(s)} {int(s.size_mb)} {mount}")
            entries.append((s.mount_point, lines))
    return sorted(entries, key=lambda e: parents_first(e[0]))


def jumpstart_profile(
    source: HostInventory,
    destination: HostInventory,
    layout: LayoutPlan,
    options: PlanOptions,
    facts: InstallFacts | None = None,
) -> str:
    location = options.resolved_archive_location(source.hostname)
    archive = profile_archive_location(location)
    for part in archive.split(" "):
        word(part, what="archive_location")
    for d in layout.disks:
        _checked(check_disk_name, d.name, "disk")
        for s in d.slices:
            if s.disk != d.name:
                raise UnsafeValueError(f"slice {s.key} of {d.name} names the disk {s.disk!r}")
    lines = [
        comment(
            f"JumpStart profile: flash install of {source.hostname}'s archive on {destination.hostname}."
        ),
    ]
    if facts is not None and facts.media:
        lines.append(comment(f"Boot {facts.media} media: the archive's own update."))
    lines += [
        "# Sizes are MB; the installer rounds every slice up to whole cylinders.",
        "install_type     flash_install",
        f"archive_location {archive}",
        "partitioning     explicit",
    ]
    if destination.uname.machine == "i86pc":
        # x86 disks need a Solaris fdisk partition before a VTOC can be written.
        lines += [
            f"fdisk            {_checked(check_disk_name, d.name, 'fdisk')} solaris all"
            for d in layout.disks
            if len(d.slices) > 1
        ]
    if facts is not None and facts.root_on_zfs:
        root = layout.slice_for("root")
        pool = _checked(check_zfs_pool, facts.root_pool, "pool")
        target = _slice(root, "pool") if root is not None else "any"
        # A ZFS profile creates the root pool and no ufs file system [JSZFS].
        lines.append(f"pool             {pool} auto auto auto {target}")
        for mount_point, entry in _filesys_entries(layout):
            if mount_point in ("/", "swap"):
                continue
            lines += [
                comment(f"after the install (a ZFS profile has no filesys lines): {line.split(None, 1)[1]}")
                if not line.startswith("#")
                else line
                for line in entry
            ]
    else:
        for _mount_point, entry in _filesys_entries(layout):
            lines += entry
        for m in layout.metadb_slices:
            lines.append(f"metadb           {_slice(m, 'metadb')} size {METADB_BLOCKS} count {METADB_COUNT}")
    for u in layout.unplaced:
        lines.append(
            comment(f"NOT PLACED: {u.mount_point} ({u.key}) needs {u.size_mb} MB, {u.shortfall_mb} MB short")
        )
    return "\n".join(lines) + "\n"


@dataclass
class SysidValues:
    """The values sysidcfg gets, and the settings still at a placeholder."""

    interface: str
    address: str
    netmask: str
    placeholders: list[str] = field(default_factory=list)


def sysid_values(
    source: HostInventory, destination: HostInventory, port: str, options: PlanOptions
) -> SysidValues:
    own = primary_interface(destination)
    src = primary_interface(source)
    left: list[str] = []
    if options.ip_address:
        address = options.ip_address
    elif own is not None:
        address = own.address
    else:
        address = IP_PLACEHOLDER
        left.append("ip_address")
    netmask_source = own if own is not None else src
    if options.netmask:
        netmask = options.netmask
    elif netmask_source is not None and netmask_source.netmask:
        netmask = dotted_netmask(netmask_source.netmask)
    else:
        netmask = ASSUMED_NETMASK
        left.append("netmask")
    return SysidValues(port or "PRIMARY", address, netmask, left)


def sysidcfg(
    source: HostInventory,
    destination: HostInventory,
    port: str,
    options: PlanOptions,
    facts: InstallFacts | None = None,
) -> str:
    """sysidcfg for a hands-off install, with only the keywords the install media knows.

    One keyword the media does not know makes the installer ignore the whole file [SYSID]:
    ``nfs4_domain`` is written from 8/07 media on [NFS4], ``auto_reg=disable`` from 9/10 on, where
    without it the install stops to ask [LU910, AR910]; an unknown update gets neither.
    Placeholders are marked REPLACE-ME.
    """
    values = sysid_values(source, destination, port, options)
    hostname = check_hostname(destination.hostname, source="sysidcfg")
    route = word(options.default_route, what="sysidcfg default_route")
    lines = [
        f"system_locale={word(options.system_locale, what='sysidcfg system_locale')}",
        f"timezone={word(options.timezone, what='sysidcfg timezone')}",
        f"terminal={word(options.terminal, what='sysidcfg terminal')}",
        "timeserver=localhost",
        f"network_interface={word(values.interface, what='sysidcfg network_interface')} "
        f"{{hostname={hostname} ip_address={word(values.address, what='sysidcfg ip_address')} "
        f"netmask={word(values.netmask, what='sysidcfg netmask')} protocol_ipv6=no default_route={route}}}",
        "security_policy=NONE",
    ]
    if options.name_service == "DNS":
        servers = ",".join(word(s, what="sysidcfg name_server") for s in options.dns_servers)
        domain = check_hostname(options.dns_domain, source="sysidcfg domain_name")
        lines.append(f"name_service=DNS {{domain_name={domain} name_server={servers} search={domain}}}")
    else:
        lines.append("name_service=NONE")
    if facts is None or facts.sysidcfg_nfs4_domain:
        lines.append("nfs4_domain=dynamic")
    if facts is not None and facts.sysidcfg_auto_reg:
        lines.append("auto_reg=disable")
    password = options.root_password_hash or PASSWORD_PLACEHOLDER
    if not _PASSWORD_HASH.fullmatch(password) and password != PASSWORD_PLACEHOLDER:
        raise UnsafeValueError(
            "sysidcfg root_password cannot be written: not an /etc/shadow hash", source="sysidcfg"
        )
    lines.append(f"root_password={password}")
    return "\n".join(lines) + "\n"
