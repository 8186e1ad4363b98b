"""Read a collector bundle (a folder of command outputs from one global zone) into a HostInventory.

Layout (every file optional except ``hostname`` and ``zoneadm-list-cvp``)::

    hostname            uname-a            prtdiag            zoneadm-list-cvp
    zones/<zone>.cfg    (zonecfg -z <zone> export, or zonecfg info)
    zones/<zone>.vfstab (<zonepath>/root/etc/vfstab of that zone)
    etc/vfstab          etc/zones/index    etc/zones/<zone>.xml
    metastat-p          dladm-show-dev     dladm-show-link    ifconfig-a
    iostat-En           prtvtoc/<disk>     df-k
    etc/release         var/sadm/system/admin/CLUSTER
    zpool-list          zfs-list           large-files
    dladm-show-phys     pkg-list-brand-solaris10          (Solaris 11 hosts)

docs/bundle.md describes each file and the command that writes it.  A Solaris 11 host (its
etc/release, else uname -r 5.11) is expected to have dladm-show-phys instead of
dladm-show-dev/dladm-show-link, and no metastat-p or CLUSTER: their absence is no warning.

Policy: a missing or unreadable *required* file raises SolarisParseError.  An
optional file that fails to parse does not stop the import: its error becomes
an ImportIssue(severity="error") and its data is skipped (the caller keeps the
raw files, so nothing is lost).  A missing optional file is an
ImportIssue(severity="warning") saying what cannot be checked without it.
Text is decoded as UTF-8, else as ISO-8859-1 (Solaris 10 locales often are)
with a warning; a file holding NUL bytes is binary and is an error.
"""

from __future__ import annotations

import os
import pathlib
import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from .disks import parse_df_k, parse_iostat_en, parse_prtvtoc
from .errors import SolarisParseError
from .inventory import (
    HostInventory,
    ImportIssue,
    Nic,
    OsRelease,
    Uname,
    Vtoc,
    Zone,
    ZoneConfig,
    ZoneListEntry,
)
from .largefiles import parse_large_files
from .limits import MAX_VTOCS, check_count
from .metastat import parse_metastat
from .names import check_hostname, check_zone_name
from .network import merge_nics, parse_dladm_show_dev, parse_dladm_show_link, parse_ifconfig
from .release import parse_cluster, parse_etc_release
from .solaris11 import parse_dladm_show_phys, parse_pkg_list_brand
from .spec import read_hardware_spec
from .system import parse_hostname, parse_prtdiag, parse_uname
from .vfstab import parse_vfstab
from .zfs import parse_zfs_list, parse_zpool_list
from .zoneadm import parse_zone_index, parse_zoneadm_list
from .zonecfg import parse_zonecfg
from .zonexml import parse_zone_xml

__all__ = ["read_bundle", "read_bundle_files", "read_hardware_spec", "read_zonecfg_only"]

T = TypeVar("T")

REQUIRED_FILES = ("hostname", "zoneadm-list-cvp")
# Optional single files and what cannot be checked without them.
OPTIONAL_FILES: dict[str, str] = {
    "uname-a": "the Solaris release and platform are unknown",
    "prtdiag": "the server model and memory size are unknown",
    "etc/vfstab": "global-zone mounts (UFS, NFS, SVM devices) cannot be checked",
    "etc/zones/index": "zone UUIDs from the index are unknown",
    "metastat-p": "SVM use cannot be checked",
    "dladm-show-dev": "network ports and link speeds cannot be checked",
    "dladm-show-link": "aggregations and VLANs cannot be checked",
    "ifconfig-a": "IP addresses and which zone uses which interface are unknown",
    "iostat-En": "disk sizes cannot be checked",
    "df-k": "free space cannot be checked",
    "etc/release": "the Solaris update is unknown; decisions that need it assume the worst",
    "var/sadm/system/admin/CLUSTER": "the installed software group (SUNWCXall...) is unknown",
    "zpool-list": "ZFS pools cannot be checked (the collector writes it where zpool exists)",
    "zfs-list": "ZFS datasets cannot be checked (the collector writes it where zfs exists)",
    "large-files": "files over 4 GiB (which cpio cannot archive) cannot be checked",
    "dladm-show-phys": "network ports and link speeds cannot be checked",
    "pkg-list-brand-solaris10": "whether the solaris10 brand package is installed is unknown",
}
# Files only one family's collector writes: their absence on the other family is expected.
SOLARIS10_ONLY_FILES = frozenset(
    {"dladm-show-dev", "dladm-show-link", "metastat-p", "var/sadm/system/admin/CLUSTER"}
)
SOLARIS11_ONLY_FILES = frozenset({"dladm-show-phys", "pkg-list-brand-solaris10"})
_NO_PRTVTOC = "slice layouts cannot be checked"
_HARMLESS_FILES = frozenset({"collect.log", "README"})
_ZONE_FILE = re.compile(r"(?:zones/(?P<cfg>[^/]+)\.(?:cfg|vfstab)|etc/zones/(?P<xml>[^/]+)\.xml)")
_PRTVTOC_FILE = re.compile(r"prtvtoc/(?P<disk>[^/]+)")
# States in which a zone has a root file system, and so a vfstab of its own.
_ZONE_HAS_ROOT = frozenset({"installed", "ready", "running", "shutting_down", "down", "mounted"})


def _normalise_path(name: str) -> str:
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name.lstrip("/")


def _strip_top_folder(files: dict[str, bytes | str]) -> dict[str, bytes | str]:
    """An upload of the folder itself gives ``web01-bundle/hostname``; drop that shared first component."""
    if "hostname" in files or not files:
        return files
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        return {name.split("/", 1)[1]: content for name, content in files.items()}
    return files


class _BundleReader:
    def __init__(self, files: Mapping[str, bytes | str]) -> None:
        normalised = {_normalise_path(name): content for name, content in files.items()}
        self.files = _strip_top_folder(normalised)
        self.issues: list[ImportIssue] = []
        self.os_family = ""

    # --- text and issues ---------------------------------------------------------------

    def warn(self, file: str, message: str, line: int | None = None) -> None:
        self.issues.append(ImportIssue(file=file, message=message, line=line, severity="warning"))

    def record_error(self, error: SolarisParseError, file: str) -> None:
        self.issues.append(ImportIssue(file=file, message=error.message, line=error.line, severity="error"))

    def decode(self, name: str) -> str:
        """The file's text; binary content raises SolarisParseError naming the file."""
        content = self.files[name]
        if isinstance(content, str):
            text = content
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = content.decode("latin-1")
                self.warn(name, "not UTF-8; read as ISO-8859-1 (Latin-1)")
        if "\x00" in text:
            raise SolarisParseError(
                "binary data (NUL bytes); expected the text output of a command", source=name
            )
        return text

    def required(self, name: str, parser: Callable[..., T]) -> T:
        if name not in self.files:
            raise SolarisParseError(f"the bundle has no {name} file, which every bundle needs", source=name)
        result: T = parser(self.decode(name), source=name)
        return result

    def optional(
        self, name: str, parser: Callable[..., T], missing: str | None = None, **kwargs: str
    ) -> T | None:
        """Parse ``name`` if present; a failure becomes an error issue, absence a warning (if ``missing``)."""
        if name not in self.files:
            if missing:
                self.warn(name, f"no {name}: {missing}")
            return None
        try:
            result: T = parser(self.decode(name), source=name, **kwargs)
        except SolarisParseError as error:
            self.record_error(error, name)
            return None
        return result

    # --- the host ------------------------------------------------------------------------

    def missing(self, name: str) -> str | None:
        """What a missing optional file costs; None where this OS family's collector never writes it."""
        if self.os_family == "solaris11" and name in SOLARIS10_ONLY_FILES:
            return None
        if self.os_family != "solaris11" and name in SOLARIS11_ONLY_FILES:
            return None
        return OPTIONAL_FILES[name]

    def read(self) -> HostInventory:
        inventory = HostInventory(hostname=self.required("hostname", parse_hostname))
        listed = self.required("zoneadm-list-cvp", parse_zoneadm_list)
        inventory.uname = self.optional("uname-a", parse_uname, OPTIONAL_FILES["uname-a"]) or inventory.uname
        inventory.release = self.optional("etc/release", parse_etc_release, OPTIONAL_FILES["etc/release"])
        inventory.os_family = self.os_family = os_family(inventory.release, inventory.uname)
        self.read_release_files(inventory)
        inventory.prtdiag = (
            self.optional("prtdiag", parse_prtdiag, OPTIONAL_FILES["prtdiag"]) or inventory.prtdiag
        )
        inventory.zone_index = (
            self.optional("etc/zones/index", parse_zone_index, OPTIONAL_FILES["etc/zones/index"]) or []
        )
        inventory.vfstab = self.optional("etc/vfstab", parse_vfstab, OPTIONAL_FILES["etc/vfstab"]) or []
        inventory.df = self.optional("df-k", parse_df_k, OPTIONAL_FILES["df-k"]) or []
        inventory.metadevices = self.optional("metastat-p", parse_metastat, self.missing("metastat-p")) or []
        inventory.nics = self.read_phys() if self.os_family == "solaris11" else self.read_nics()
        inventory.interfaces = self.optional("ifconfig-a", parse_ifconfig, OPTIONAL_FILES["ifconfig-a"]) or []
        inventory.disks = self.optional("iostat-En", parse_iostat_en, OPTIONAL_FILES["iostat-En"]) or []
        inventory.vtocs = self.read_vtocs()
        inventory.zones = [self.read_zone(entry) for entry in listed if entry.name != "global"]
        self.check_leftover_files({entry.name for entry in listed})
        inventory.files = sorted(self.files)
        inventory.issues = self.issues
        return inventory

    def read_nics(self) -> list[Nic]:
        devices = self.optional("dladm-show-dev", parse_dladm_show_dev, self.missing("dladm-show-dev")) or []
        links = self.optional("dladm-show-link", parse_dladm_show_link, self.missing("dladm-show-link")) or []
        return merge_nics(devices, links)

    def read_phys(self) -> list[Nic]:
        """Solaris 11: the links of ``dladm show-phys``."""
        return self.optional("dladm-show-phys", parse_dladm_show_phys, self.missing("dladm-show-phys")) or []

    def read_release_files(self, inventory: HostInventory) -> None:
        """CLUSTER, ZFS, large files and (Solaris 11) the solaris10 brand package."""
        cluster = "var/sadm/system/admin/CLUSTER"
        inventory.cluster = self.optional(cluster, parse_cluster, self.missing(cluster)) or ""
        inventory.zpools = self.optional("zpool-list", parse_zpool_list, self.missing("zpool-list")) or []
        inventory.zfs_datasets = self.optional("zfs-list", parse_zfs_list, self.missing("zfs-list")) or []
        inventory.large_files = (
            self.optional("large-files", parse_large_files, self.missing("large-files")) or []
        )
        brand = "pkg-list-brand-solaris10"
        package = self.optional(brand, parse_pkg_list_brand, self.missing(brand))
        if package is not None:
            inventory.brand_solaris10_installed = package.installed
            inventory.brand_solaris10_version = package.version

    def read_vtocs(self) -> list[Vtoc]:
        names = sorted(name for name in self.files if _PRTVTOC_FILE.fullmatch(name))
        check_count(len(names), MAX_VTOCS, "prtvtoc/ files", source="prtvtoc/")
        if not names:
            self.warn("prtvtoc/", f"no prtvtoc/ files: {_NO_PRTVTOC}")
        vtocs: list[Vtoc] = []
        for name in names:
            match = _PRTVTOC_FILE.fullmatch(name)
            disk = match.group("disk") if match else ""
            vtoc = self.optional(name, parse_prtvtoc, disk=disk)
            if vtoc is not None:
                vtocs.append(vtoc)
        return vtocs

    # --- zones -----------------------------------------------------------------------------

    def read_zone(self, entry: ZoneListEntry) -> Zone:
        zone = Zone(name=entry.name, state=entry.state, listed=entry, config=self.zone_config(entry.name))
        vfstab_name = f"zones/{entry.name}.vfstab"
        missing = None
        if entry.state in _ZONE_HAS_ROOT:
            missing = f"mounts inside zone {entry.name} (NFS, lofs) cannot be checked"
        zone.vfstab = self.optional(vfstab_name, parse_vfstab, missing) or []
        return zone

    def zone_config(self, name: str) -> ZoneConfig | None:
        cfg_name, xml_name = f"zones/{name}.cfg", f"etc/zones/{name}.xml"
        if cfg_name in self.files:
            config = self.optional(cfg_name, parse_zonecfg, zonename=name)
            if config is not None:
                return config
        if xml_name in self.files:
            return self.optional(xml_name, parse_zone_xml)
        if cfg_name not in self.files:
            self.warn(
                cfg_name,
                f"zone {name} is listed by zoneadm but the bundle has neither {cfg_name} nor {xml_name}; "
                "its configuration cannot be checked",
            )
        return None

    def check_leftover_files(self, listed_names: set[str]) -> None:
        known = set(REQUIRED_FILES) | set(OPTIONAL_FILES) | _HARMLESS_FILES
        for name in sorted(self.files):
            zone_file = _ZONE_FILE.fullmatch(name)
            if zone_file:
                zone = zone_file.group("cfg") or zone_file.group("xml") or ""
                # /etc/zones also holds the SUNW* templates (SUNWdefault.xml, SUNWblank.xml...).
                if zone not in listed_names and not zone.startswith("SUNW"):
                    self.warn(name, f"zoneadm does not list a zone named {zone}; this file was ignored")
            elif name not in known and not _PRTVTOC_FILE.fullmatch(name):
                self.warn(name, "not a file the collector writes; it was ignored")


def os_family(release: OsRelease | None, uname: Uname) -> str:
    """``solaris10`` or ``solaris11`` from /etc/release, else from ``uname -r``; "" when neither tells."""
    if release is not None and release.major in (10, 11):
        return f"solaris{release.major}"
    return {"5.10": "solaris10", "5.11": "solaris11"}.get(uname.release, "")


def read_bundle_files(files: Mapping[str, bytes | str]) -> HostInventory:
    """Read a bundle given as {relative path: content} (the web upload path)."""
    return _BundleReader(files).read()


def read_bundle(path: pathlib.Path) -> HostInventory:
    """Read a bundle folder on disk (symbolic links are not followed)."""
    if not path.is_dir():
        raise SolarisParseError("not a folder; a bundle is a folder of command outputs", source=str(path))
    files: dict[str, bytes | str] = {}
    for folder, _dirs, names in os.walk(path, followlinks=False):
        for name in names:
            file_path = pathlib.Path(folder, name)
            if file_path.is_file() and not file_path.is_symlink():
                files[file_path.relative_to(path).as_posix()] = file_path.read_bytes()
    return read_bundle_files(files)


def read_zonecfg_only(text: str, *, source: str, zonename: str, hostname: str = "") -> HostInventory:
    """A host known only from one uploaded zonecfg export (or info): one configured zone."""
    if hostname:
        check_hostname(hostname, source=source)
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise SolarisParseError(
            "no zone configuration: the file holds only comments or blank lines", source=source
        )
    config = parse_zonecfg(text, source=source, zonename=zonename)
    check_zone_name(config.name or zonename, source=source)
    zone = Zone(name=config.name or zonename, state="configured", config=config)
    return HostInventory(hostname=hostname, zones=[zone], files=[source], origin="zonecfg")
