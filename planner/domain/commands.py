"""The exact shell text of every command the findings and the runbook give.

One place builds each command so the remedy an admin reads in a finding, the runbook
step and the generated scripts can never disagree.
"""

from __future__ import annotations

import shlex


def q(word: str) -> str:
    """Quote a word for /bin/sh only when it needs it (keeps commands readable)."""
    return shlex.quote(word)


def zonecfg(zone: str, *subcommands: str) -> str:
    """``zonecfg -z Z 'a; b; end'``: zonecfg reads ';'-separated subcommands from one argument."""
    return f"zonecfg -z {q(zone)} {shlex.quote('; '.join(subcommands))}"


def zoneadm(zone: str, action: str) -> str:
    return f"zoneadm -z {q(zone)} {action}"


def set_autoboot(zone: str, value: bool) -> str:
    return zonecfg(zone, f"set autoboot={'true' if value else 'false'}")


def net_remap(zone: str, selector: str, new_physical: str) -> str:
    return zonecfg(zone, f"select {selector}", f"set physical={new_physical}", "end")


def net_drop(zone: str, selector: str) -> str:
    return zonecfg(zone, f"remove {selector}")


def device_remap(zone: str, old_match: str, new_match: str) -> str:
    return zonecfg(zone, f"select device match={old_match}", f"set match={new_match}", "end")


def device_remove(zone: str, old_match: str) -> str:
    return zonecfg(zone, f"remove device match={old_match}")


def fs_special_remap(zone: str, directory: str, special: str, raw: str) -> str:
    return zonecfg(zone, f"select fs dir={directory}", f"set special={special}", f"set raw={raw}", "end")


def mount_ufs(special: str, mount_point: str) -> str:
    return f"mount -F ufs {q(special)} {q(mount_point)}"


def umount(mount_point: str) -> str:
    return f"umount {q(mount_point)}"


def vfstab_line(special: str, raw: str, mount_point: str) -> str:
    """The temporary global-zone vfstab entry for a zone-private ufs slice (vfstab(4) fields)."""
    return f"{special} {raw} {mount_point} ufs 2 yes -"


def vfstab_remove(mount_point: str) -> str:
    """Drop the vfstab line for one mount point, keeping comments; write a temp file then mv."""
    script = f'$1 !~ /^#/ && $3 == "{mount_point}" {{ next }} {{ print }}'
    return f"nawk {shlex.quote(script)} /etc/vfstab > /etc/vfstab.zflar && mv /etc/vfstab.zflar /etc/vfstab"


def flarcreate(name: str, archive_dir: str, excluded: list[str], compress: bool) -> str:
    parts = ["flarcreate", "-n", q(name)]
    if compress:
        parts.append("-c")
    for path in [archive_dir, *excluded]:
        parts += ["-x", q(path)]
    parts.append(q(archive_path(archive_dir, name)))
    return " ".join(parts)


def archive_path(archive_dir: str, name: str) -> str:
    return f"{archive_dir.rstrip('/')}/{name}.flar"
