"""The JumpStart profile and sysidcfg for the flash install of the destination.

Profile keywords are those of a Solaris 10 JumpStart initial flash install:
``install_type flash_install``, ``archive_location``, ``partitioning explicit`` and one
``filesys <slice> <size MB> <mount point>`` per planned slice.  A zone-private ufs
file system gets its own ``filesys`` line mounted at ``<zonepath>/root/<dir>``: this is
the seed's "when extracting the flar, configure the slice into the GZ".

Neither file has any quoting, so every value is checked before it is written: names
and paths against the grammars of :mod:`planner.solaris.names`, everything else through
:func:`planner.domain.quoting.word` (plain characters only); comments through
:func:`planner.domain.quoting.comment`.  A value that fails raises UnsafeValueError.
"""

from __future__ import annotations

from collections.abc import Callable

from planner.domain.facts import dotted_netmask, primary_interface
from planner.domain.layout import LayoutPlan
from planner.domain.options import PlanOptions
from planner.domain.quoting import UnsafeValueError, comment, word
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import HostInventory
from planner.solaris.names import check_disk_name, check_hostname, check_mount_point, check_slice_name

PASSWORD_PLACEHOLDER = "REPLACE-ME-with-the-encrypted-root-hash-from-etc-shadow"  # noqa: S105 (a placeholder)
IP_PLACEHOLDER = "REPLACE-ME-ip-address"


def profile_archive_location(location: str) -> str:
    """Turn a location URL into the profile's ``<retrieval type> <where>`` words.

    ``nfs://server/path`` -> ``nfs server:/path`` (the documented NFS form);
    ``http://``/``https://``/``ftp://`` URLs stay as they are; ``/path`` -> ``local_file /path``.
    """
    if location.startswith("nfs://"):
        rest = location[len("nfs://") :]
        server, _, path = rest.partition("/")
        return f"nfs {server}:/{path}"
    if location.startswith(("http://", "https://", "ftp://")):
        return location
    if location.startswith(("nfs ", "local_file ", "local_tape ", "local_device ", "http ", "ftp ")):
        return location
    if location.startswith("/"):
        return f"local_file {location}"
    if ":/" in location:
        return f"nfs {location}"
    return location


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


def jumpstart_profile(
    source: HostInventory, destination: HostInventory, layout: LayoutPlan, options: PlanOptions
) -> str:
    location = options.resolved_archive_location(source.hostname)
    archive = profile_archive_location(location)
    for part in archive.split(" "):
        word(part, what="archive_location")
    lines = [
        comment(
            f"JumpStart profile: flash install of {source.hostname}'s archive on {destination.hostname}."
        ),
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
    for disk in layout.disks:
        for s in disk.slices:
            if s.purpose == "backup":
                continue
            if s.zone:
                # Comment lines of their own: a profile keyword line stays plain.
                lines.append(
                    comment(f"zone {s.zone}: its private ufs, mounted in the zone root for the extraction")
                )
            slice_name = _checked(check_slice_name, f"{disk.name}s{s.index}", "filesys")
            lines.append(f"filesys          {slice_name} {int(s.size_mb)} {_filesys_mount(s.mount_point)}")
    for u in layout.unplaced:
        lines.append(
            comment(f"NOT PLACED: {u.mount_point} ({u.key}) needs {u.size_mb} MB, {u.shortfall_mb} MB short")
        )
    return "\n".join(lines) + "\n"


def sysidcfg(source: HostInventory, destination: HostInventory, port: str, options: PlanOptions) -> str:
    """A sysidcfg skeleton for a hands-off install; placeholders are marked REPLACE-ME."""
    own = primary_interface(destination)
    src = primary_interface(source)
    address = own.address if own is not None else IP_PLACEHOLDER
    netmask_source = own if own is not None else src
    netmask = (
        dotted_netmask(netmask_source.netmask)
        if netmask_source and netmask_source.netmask
        else "255.255.255.0"
    )
    interface = port or "PRIMARY"
    hostname = check_hostname(destination.hostname, source="sysidcfg")
    lines = [
        "system_locale=C",
        f"timezone={word(options.timezone, what='sysidcfg timezone')}",
        "terminal=vt100",
        "timeserver=localhost",
        f"network_interface={word(interface, what='sysidcfg network_interface')} {{hostname={hostname} "
        f"ip_address={word(address, what='sysidcfg ip_address')} "
        f"netmask={word(netmask, what='sysidcfg netmask')} protocol_ipv6=no default_route=NONE}}",
        "security_policy=NONE",
        "name_service=NONE",
        "nfs4_domain=dynamic",
        f"root_password={PASSWORD_PLACEHOLDER}",
    ]
    return "\n".join(lines) + "\n"
