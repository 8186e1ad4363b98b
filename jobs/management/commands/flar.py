"""``manage.py flar ...``: the flar CLI (create, info, extract, verify, zones) under Django.

A thin wrapper: all parsing and work happen in :func:`jobs.flar.cli.main`, so
the command behaves exactly like ``python -m jobs.flar`` (the same CLI without
Django), including its exit statuses (0 ok, 1 check failed, 2 bad input, 141
when stdout's reader went away).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jobs.flar.cli import USAGE, main, run_console


class Command(BaseCommand):
    help = "Solaris flash archives: " + USAGE.replace("usage: ", "", 1)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("flar_args", nargs=argparse.REMAINDER, help="flar subcommand and its options")

    def run_from_argv(self, argv: list[str]) -> None:
        # Bypass Django's option parsing so flar's own flags (-n, -R, -x, -c ...) reach main()
        # untouched; argv is [prog, "flar", ...].
        sys.exit(run_console(argv[2:]))

    def handle(self, *args: Any, **options: Any) -> None:
        # call_command("flar", "info", path) arrives here.
        status = main([*args, *options.get("flar_args", [])], self.stdout, self.stderr)
        if status:
            raise CommandError(f"flar exited with status {status}", returncode=status)
