"""The exact shell text of every command the findings and the runbook give.

One place builds each command so the remedy an admin reads in a finding, the runbook
step and the generated scripts can never disagree.  Every value goes through
:mod:`planner.domain.quoting`: ``sh`` words through :func:`~planner.domain.quoting.sh_quote`,
values inside zonecfg command text through :func:`~planner.domain.quoting.zonecfg_token`.
"""

from __future__ import annotations

from planner.domain.quoting import UnsafeValueError, sh_quote, zonecfg_command, zonecfg_token
from planner.solaris.names import is_mount_point, is_path_word


def q(word: str) -> str:
    """Quote a word for /bin/sh only when it needs it (keeps commands readable)."""
    return sh_quote(word)


def zonecfg(zone: str, *subcommands: str) -> str:
    """``zonecfg -z Z 'a; b; end'``: zonecfg reads ';'-separated subcommands from one argument."""
    return zonecfg_command(zone, *subcommands)


def zoneadm(zone: str, action: str) -> str:
    return f"zoneadm -z {q(zone)} {q(action)}"


def zoneadm_words(zone: str, *words: str) -> str:
    """``zoneadm -z Z attach -u``: the subcommand and its options, each word quoted."""
    return " ".join([f"zoneadm -z {q(zone)}", *(q(w) for w in words)])


def zonepath_parts(zonepath: str) -> tuple[str, str]:
    """``/zones/z1`` -> ``("/zones", "z1")``: the directory an archive of the zonepath is made in."""
    parent, _, base = zonepath.rstrip("/").rpartition("/")
    return parent or "/", base


def pax_zonepath(zonepath: str, archive: str) -> str:
    """Archive a detached zone's zonepath with pax, extended attributes included (``-@``, ``-p e``)."""
    parent, base = zonepath_parts(zonepath)
    return f"cd {q(parent)} && pax -w@f {q(archive)} -p e {q(base)}"


def pax_restore(archive: str, old_zonepath: str, new_zonepath: str) -> str:
    """Unpack a zonepath archive made by :func:`pax_zonepath` as ``new_zonepath`` (mode 700).

    It is unpacked in a staging directory beside the new zonepath, then moved into place, so a new
    name (a zone moved off NFS) needs no pattern substitution."""
    new_parent, _ = zonepath_parts(new_zonepath)
    _, old_base = zonepath_parts(old_zonepath)
    stage = f"{new_parent.rstrip('/')}/.zflar-restore-{old_base}"
    return (
        f"mkdir -p {q(stage)} && cd {q(stage)} && pax -r@f {q(archive)} -p e && "
        f"mv {q(old_base)} {q(new_zonepath)} && cd / && rmdir {q(stage)} && chmod 700 {q(new_zonepath)}"
    )


def cpio_zonepath(zonepath: str, archive: str) -> str:
    """The V2V archive of a halted (or readied) zone: ``find Z -print | cpio -oP@ | gzip`` [V2V]."""
    parent, base = zonepath_parts(zonepath)
    return f"cd {q(parent)} && find {q(base)} -print | cpio -oP@ | gzip > {q(archive)}"


def copy_to(path: str, host: str) -> str:
    """Copy a file to the same path on ``host`` (scp keeps times and modes)."""
    return f"scp -p {q(path)} {q(f'root@{host}:{path}')}"


def set_autoboot(zone: str, value: bool) -> str:
    return zonecfg(zone, f"set autoboot={'true' if value else 'false'}")


def net_selector(physical: str, address: str = "") -> str:
    """``net physical=bge1`` (``net address=... physical=bge1`` when the zone has several on it)."""
    if address:
        return f"net address={zonecfg_token(address, what='address')} physical={zonecfg_token(physical)}"
    return f"net physical={zonecfg_token(physical, what='physical')}"


def net_remap(zone: str, selector: str, new_physical: str) -> str:
    return zonecfg(
        zone, f"select {selector}", f"set physical={zonecfg_token(new_physical, what='physical')}", "end"
    )


def net_drop(zone: str, selector: str) -> str:
    return zonecfg(zone, f"remove {selector}")


def device_remap(zone: str, old_match: str, new_match: str) -> str:
    old, new = zonecfg_token(old_match, what="device match"), zonecfg_token(new_match, what="device match")
    return zonecfg(zone, f"select device match={old}", f"set match={new}", "end")


def device_remove(zone: str, old_match: str) -> str:
    return zonecfg(zone, f"remove device match={zonecfg_token(old_match, what='device match')}")


def fs_special_remap(zone: str, directory: str, special: str, raw: str) -> str:
    return zonecfg(
        zone,
        f"select fs dir={zonecfg_token(directory, what='fs dir')}",
        f"set special={zonecfg_token(special, what='fs special')}",
        f"set raw={zonecfg_token(raw, what='fs raw')}",
        "end",
    )


def mount_ufs(special: str, mount_point: str) -> str:
    return f"mount -F ufs {q(special)} {q(mount_point)}"


def umount(mount_point: str) -> str:
    return f"umount {q(mount_point)}"


def vfstab_line(special: str, raw: str, mount_point: str) -> str:
    """The temporary global-zone vfstab entry for a zone-private ufs slice (vfstab(4) fields)."""
    for value, what in ((special, "device to mount"), (raw, "device to fsck")):
        if not is_path_word(value):
            raise UnsafeValueError(f"vfstab {what} {value!r} cannot be written: not one plain word")
    if not is_mount_point(mount_point):
        raise UnsafeValueError(f"vfstab mount point {mount_point!r} cannot be written: not a mount point")
    return f"{special} {raw} {mount_point} ufs 2 yes -"


def vfstab_remove(mount_point: str) -> str:
    """Drop the vfstab line for one mount point, keeping comments; write a temp file then mv.

    The mount point reaches awk as a variable (-v), never as program text.
    """
    script = "$1 !~ /^#/ && $3 == mp { next } { print }"
    return (
        f"nawk -v mp={q(mount_point)} {q(script)} /etc/vfstab > /etc/vfstab.zflar "
        "&& mv /etc/vfstab.zflar /etc/vfstab"
    )


def flarcreate(
    name: str,
    archive_dir: str,
    excluded: list[str],
    compress: bool,
    *,
    content_architectures: tuple[str, ...] = (),
    pax: bool = False,
    zfs_datasets: list[str] | None = None,
) -> str:
    """The flarcreate command line.

    ``content_architectures`` adds ``-U content_architectures=sun4u,sun4v`` (the installer's
    checkArch() accepts a clone whose ``uname -m`` is in that list [FL1009, CAI]); ``pax`` adds
    ``-L pax`` for files over 4 GB [IT910]; ``zfs_datasets`` (not None) makes a ZFS-root archive:
    no ``-x`` (it takes no file exclusions [ZFS]), ``-D dataset`` for each dataset to leave out.
    """
    parts = ["flarcreate", "-n", q(name)]
    if content_architectures:
        parts += ["-U", q("content_architectures=" + ",".join(content_architectures))]
    if pax:
        parts += ["-L", "pax"]
    if compress:
        parts.append("-c")
    if zfs_datasets is None:
        for path in [archive_dir, *excluded]:
            parts += ["-x", q(path)]
    else:
        for dataset in zfs_datasets:
            parts += ["-D", q(dataset)]
    parts.append(q(archive_path(archive_dir, name)))
    return " ".join(parts)


def archive_path(archive_dir: str, name: str) -> str:
    return f"{archive_dir.rstrip('/')}/{name}.flar"
