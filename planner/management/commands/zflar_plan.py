"""python manage.py zflar_plan --source PATH --destination PATH --out DIR"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner.domain.options import PlanOptions
from planner.domain.plan import compute_plan
from planner.domain.report import runbook_markdown, scripts_tarball
from planner.inputs import load_path
from planner.solaris.errors import SolarisParseError

from .zflar_report import INPUT_HELP


class Command(BaseCommand):
    help = "Write the report JSON, JumpStart profile, sysidcfg, finish script and runbook into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True, help=INPUT_HELP)
        parser.add_argument("--destination", required=True, help=INPUT_HELP)
        parser.add_argument("--out", required=True, help="output folder (created if missing)")
        parser.add_argument(
            "--archive-location", default="", help="archive_location for the JumpStart profile"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = load_path(options["source"]).inventory
            destination = load_path(options["destination"]).inventory
        except SolarisParseError as err:
            raise CommandError(str(err), returncode=2) from err
        plan_options = PlanOptions()
        if options["archive_location"]:
            plan_options.archive_location = options["archive_location"]
        result = compute_plan(source, destination, plan_options)
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise CommandError(f"{out}: {err.strerror}", returncode=2) from err
        written = {
            "report.json": json.dumps(result.to_report_dict(), indent=2),
            "runbook.md": runbook_markdown(result),
            "profile": result.jumpstart_profile,
            "sysidcfg": result.sysidcfg,
            "finish.sh": result.finish_script,
            "pre-archive.sh": result.pre_archive_script,
        }
        for name, text in written.items():
            (out / name).write_text(text)
        for script in ("finish.sh", "pre-archive.sh"):
            os.chmod(out / script, 0o755)  # noqa: S103 - shell scripts the admin runs
        (out / "scripts.tar.gz").write_bytes(scripts_tarball(result))
        self.stdout.write(f"verdict: {result.verdict.value}")
        for name in [*written, "scripts.tar.gz"]:
            self.stdout.write(f"wrote {out / name}")
