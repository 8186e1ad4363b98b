"""What Solaris ``flar info`` prints, read with this package's own rules.

``flar info`` prints the identification section (``keyword=value`` lines); ``flar info -l``
adds one member path per line.  The ssh executor runs them on the host and reads the output
here, so an archive on a host is judged exactly as :mod:`.zones` judges one on the worker: a
zone's private ufs mount point with nothing below it is empty, and the zone's members are the
entries below ``<zonepath>/root``.  The listing gives no member types, so a mount point that is
missing and one that is an empty directory both count as empty (neither holds the data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .header import SECTION_BEGIN, SECTION_END, parse_identification
from .zones import ZONES_DIR, _Collector, _normalize

_SECTION_LINES = (f"{SECTION_BEGIN}=", f"{SECTION_END}=")


def identification_from_info(text: str, path: str = "") -> dict[str, str]:
    """The identification ``flar info`` printed: known keywords lowercased, ``X-`` ones as written.

    Raises FlarError for a line without ``=`` before any ``content_description``.
    """
    lines = [line.rstrip("\r") for line in text.splitlines()]
    kept = [line for line in lines if line.strip() and not line.startswith(_SECTION_LINES)]
    return dict(parse_identification(kept, path).values)


def member_name(line: str) -> str:
    """A member path as ``flar info -l`` prints it, normalised like the payload reader's names."""
    return _normalize(line.strip().rstrip("\r"))


class MemberListing:
    """Counts the members of a ``flar info -l`` listing per zone as the lines stream past.

    ``zones`` maps each zone to its zonepath and the ``dir`` of its ufs ``fs`` resources (from
    the host that made the archive).  Only directory names and their entry counts are kept.
    """

    def __init__(self, zones: Mapping[str, tuple[str, Iterable[str]]]) -> None:
        self._collector = _Collector()
        self.members = 0
        self._roots = {zone: _normalize(f"{zonepath}/root") for zone, (zonepath, _) in zones.items()}
        self._mounts = {
            zone: [_normalize(f"{self._roots[zone]}/{directory}") for directory in dirs]
            for zone, (_, dirs) in zones.items()
        }
        self._configs = {f"{ZONES_DIR}/{zone}.xml": zone for zone in zones}
        self._in_archive: set[str] = set()

    def add(self, line: str) -> None:
        name = member_name(line)
        if not name or name == ".":
            return
        self.members += 1
        zone = self._configs.get(name)
        if zone is not None:
            self._in_archive.add(zone)
        # Every member may be a directory: the listing does not say, and only counts matter.
        self._collector.add(name, is_directory=True)

    def zones_in_archive(self) -> list[str]:
        """Zones whose ``etc/zones/<zone>.xml`` is a member, in the order they were given."""
        return [zone for zone in self._roots if zone in self._in_archive]

    def members_by_zone(self, zones: Iterable[str]) -> dict[str, int]:
        return {zone: self._collector.members_below(self._roots[zone]) for zone in zones}

    def empty_mounts(self, zones: Iterable[str]) -> dict[str, list[str]]:
        """Zone ufs mount points (absolute) with nothing below them in the archive."""
        empty: dict[str, list[str]] = {}
        for zone in zones:
            for mount in self._mounts[zone]:
                if not self._collector.members_below(mount):
                    empty.setdefault(zone, []).append("/" + mount)
        return empty
