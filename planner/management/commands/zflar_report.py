"""python manage.py zflar_report --source PATH --destination PATH [--format json|text]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner.domain.plan import compute_plan
from planner.domain.report import render_report_text
from planner.inputs import load_path
from planner.solaris.errors import SolarisParseError

INPUT_HELP = "a bundle folder, a .tar/.tar.gz bundle, a zonecfg export, a hardware spec or catalog:MODEL"


class Command(BaseCommand):
    help = "Print the compatibility report for moving SOURCE's zones to DESTINATION with a flar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True, help=INPUT_HELP)
        parser.add_argument("--destination", required=True, help=INPUT_HELP)
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = load_path(options["source"]).inventory
            destination = load_path(options["destination"]).inventory
        except SolarisParseError as err:
            raise CommandError(str(err), returncode=2) from err
        report = compute_plan(source, destination).to_report_dict()
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self.stdout.write(render_report_text(report))
