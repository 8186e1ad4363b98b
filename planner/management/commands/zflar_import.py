"""python manage.py zflar_import --team TEAM [--plans PAIRS.csv] [--readers N] PATH... | --list FILE

Import a fleet's bundles at once: the batch services (``hosts_import_many``, ``plans_create_many``)
store 100 bundles or 50 plans per transaction, and ``--readers`` processes read and parse the
bundles ahead of the import.  A bundle the readers refuse is named with its file and line and
skipped; the others import.  Exit status 2 when any was refused.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner import services
from planner.inputs import LoadedInventory, load_paths
from planner.models import Host, Team


class Command(BaseCommand):
    help = "Import many collector bundles (and optionally plan source/destination pairs) in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="*", help="bundle folders, .tar/.tar.gz bundles, specs, catalog:MODEL"
        )
        parser.add_argument(
            "--list", type=Path, help="a file naming one PATH per line (for thousands of them)"
        )
        parser.add_argument("--team", required=True, help="the team that owns the hosts (its name)")
        parser.add_argument("--user", default="", help="recorded as the importer (a username)")
        parser.add_argument(
            "--plans",
            type=Path,
            help="a CSV file of SOURCE,DESTINATION hostnames: a new plan for each pair after the import",
        )
        parser.add_argument(
            "--readers",
            type=int,
            default=max(1, min(4, (os.cpu_count() or 2) - 1)),
            help="processes reading and parsing bundles beside the import (0: read in this process)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = Team.objects.filter(name=options["team"]).first()
        if team is None:
            raise CommandError(f"no team named {options['team']!r}", returncode=2)
        user = User.objects.filter(username=options["user"]).first() if options["user"] else None
        paths = list(options["paths"])
        if options["list"]:
            try:
                text = options["list"].read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{options['list']}: {exc.strerror}", returncode=2) from exc
            paths += [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
        pairs = self._pairs(options["plans"]) if options["plans"] else []
        if not paths and not pairs:
            raise CommandError("name at least one PATH, a --list or --plans", returncode=2)

        refused: list[str] = []
        progress = _Progress(len(paths), "importing", self.stderr.isatty())

        def good() -> Iterator[LoadedInventory]:
            for spec, item in load_paths(paths, workers=options["readers"]):
                progress.step()
                if isinstance(item, LoadedInventory):
                    yield item
                else:
                    refused.append(f"{spec}: {item}")
                    self.stderr.write(f"refused: {spec}: {item}")

        new = unchanged = 0
        try:
            for result in services.hosts_import_many(team=team, loaded=good(), user=user):
                new += result.new
                unchanged += not result.new
        except services.PlannerError as exc:  # a kind conflict: its batch was not written
            progress.done()
            raise CommandError(
                f"{exc}\nimported before it: {new} new snapshots, {unchanged} unchanged", returncode=2
            ) from exc
        progress.done()
        self.stdout.write(f"imported {new + unchanged} bundles: {new} new snapshots, {unchanged} unchanged")

        if pairs:
            planned = self._plan(team, user, pairs)
            self.stdout.write(f"planned {planned} pairs")
        if refused:
            self.stderr.write(f"{len(refused)} of {len(paths)} refused; the others were imported")
            sys.exit(2)

    def _pairs(self, path: Path) -> list[tuple[str, str]]:
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}", returncode=2) from exc
        pairs = []
        for number, row in enumerate(rows, start=1):
            cells = [cell.strip() for cell in row]
            if not cells or not cells[0] or cells[0].startswith("#"):
                continue
            if len(cells) != 2 or not cells[1]:
                raise CommandError(f"{path}:{number}: expected SOURCE,DESTINATION", returncode=2)
            pairs.append((cells[0], cells[1]))
        return pairs

    def _plan(self, team: Team, user: User | None, pairs: list[tuple[str, str]]) -> int:
        names = {name for pair in pairs for name in pair}
        hosts = {h.hostname: h for h in Host.objects.filter(team=team, hostname__in=names)}
        missing = sorted(names - hosts.keys())
        if missing:
            raise CommandError(
                f"--plans names hosts the team does not have: {', '.join(missing[:10])}", returncode=2
            )
        progress = _Progress(len(pairs), "planning", self.stderr.isatty())
        count = 0
        try:
            for _plan in services.plans_create_many(
                team=team, pairs=((hosts[s], hosts[d]) for s, d in pairs), user=user
            ):
                count += 1
                progress.step()
        except services.PlannerError as exc:
            progress.done()
            raise CommandError(f"{exc} (after {count} plans)", returncode=2) from exc
        progress.done()
        return count


class _Progress:
    """A one-line progress bar on a terminal (stderr); silent otherwise."""

    def __init__(self, total: int, label: str, enabled: bool) -> None:
        self.total, self.label, self.enabled = total, label, enabled and total > 0
        self.count, self.started, self.shown = 0, time.monotonic(), 0.0

    def step(self) -> None:
        self.count += 1
        now = time.monotonic()
        if self.enabled and (now - self.shown > 0.2 or self.count == self.total):
            self.shown = now
            width = 30
            filled = width * self.count // self.total
            rate = self.count / max(now - self.started, 1e-6)
            bar = "#" * filled + "." * (width - filled)
            sys.stderr.write(f"\r{self.label} [{bar}] {self.count}/{self.total} {rate:.0f}/s")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
