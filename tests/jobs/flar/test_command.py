"""The ``manage.py flar`` wrapper forwards to jobs.flar.cli.main."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import django
import pytest
from django.conf import settings

if not settings.configured:  # also runs under `pytest -p no:django`
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zflar_site.settings")
    django.setup()

from django.core.management import call_command
from django.core.management.base import CommandError

from jobs.management.commands.flar import Command
from tests.support.archives import entry, payload, write_flar

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return write_flar(tmp_path / "a.flar", payload(entry("etc/passwd", b"root\n")))


def test_call_command_info(archive: Path) -> None:
    out = io.StringIO()
    call_command("flar", "info", "-k", "content_name", str(archive), stdout=out)
    assert out.getvalue() == "test\n"


def test_call_command_failure_is_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command(
            "flar", "verify", str(tmp_path / "missing.flar"), stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert caught.value.returncode == 2


def test_run_from_argv_passes_flags_through(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        Command().run_from_argv(["manage.py", "flar", "info", "-l", str(archive)])
    assert caught.value.code == 0
    assert capsys.readouterr().out == "etc/passwd\n"


def test_manage_py_exit_status_and_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "flar", "info", str(tmp_path / "missing.flar")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("flar: ") and result.stderr.count("\n") == 1
