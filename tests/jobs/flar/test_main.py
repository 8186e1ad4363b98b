"""``python -m jobs.flar``: the CLI without Django, and a reader of stdout that goes away."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobs.flar.cli import EXIT_BROKEN_PIPE, main
from tests.support.archives import build_sample_tree, entry, payload, write_flar

REPO = Path(__file__).resolve().parents[3]

# Runs ``python -m jobs.flar ARGS`` in a process where ``import django`` (and anything
# below it) raises ImportError, so a command that needs Django fails loudly.
POISONED = (
    "import runpy, sys\n"
    "sys.modules['django'] = None\n"
    "sys.argv = ['flar', *sys.argv[1:]]\n"
    "runpy.run_module('jobs.flar', run_name='__main__', alter_sys=True)\n"
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = str(REPO)
    return env


def flar_without_django(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", POISONED, *args],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_poison_works() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['django'] = None; import django"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "import of django halted" in result.stderr


def test_help_without_django() -> None:
    result = flar_without_django("--help")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("usage: flar create -n NAME")
    assert "flar extract" in result.stdout


def test_subcommand_help_and_usage_error_without_django() -> None:
    result = flar_without_django("create", "--help")
    assert (result.returncode, result.stderr) == (0, "")
    assert "-n NAME" in result.stdout and "-U" in result.stdout
    result = flar_without_django("create", "-R", "/nonexistent")
    assert result.returncode == 2 and result.stderr.startswith("flar: ") and "Traceback" not in result.stderr


def test_create_info_extract_verify_zones_without_django(tmp_path: Path) -> None:
    tree = build_sample_tree(tmp_path / "root")
    archive = str(tmp_path / "a.flar")
    result = flar_without_django("create", "-n", "web01", "-R", str(tree), "-U", "X-site=lab", archive)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert "Archive creation complete" in result.stdout
    result = flar_without_django("info", "-k", "X-site", archive)
    assert (result.returncode, result.stdout) == (0, "lab\n")
    result = flar_without_django("extract", archive, str(tmp_path / "out"))
    assert result.returncode == 0 and "archive_id: match" in result.stdout, result.stderr
    assert (tmp_path / "out/usr/bin/big").read_bytes() == (tree / "usr/bin/big").read_bytes()
    assert flar_without_django("verify", archive).returncode == 0
    result = flar_without_django("zones", archive)
    assert (result.returncode, result.stderr) == (0, "")
    assert "no non-global zones" in result.stdout


@pytest.fixture(scope="module")
def long_listing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive whose ``info -l`` prints about 300 KB: far more than a pipe buffer holds."""
    names = [f"usr/share/lib/a-fairly-long-directory-name/file-{index:06d}" for index in range(5000)]
    entries = [entry(name, ino=index + 2) for index, name in enumerate(names)]
    return write_flar(tmp_path_factory.mktemp("pipe") / "many.flar", payload(*entries))


def _into_head(command: str, archive: Path) -> tuple[int, str, str]:
    """``COMMAND info -l ARCHIVE | head -n 2``: (status of the flar command, stdout, stderr)."""
    script = f'{command} info -l "$1" | head -n 2; echo "status=${{PIPESTATUS[0]}}"'
    result = subprocess.run(
        ["bash", "-c", script, "bash", str(archive)],
        cwd=REPO,
        env={**_env(), "DJANGO_SETTINGS_MODULE": "zflar_site.settings"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    *lines, status = result.stdout.splitlines()
    return int(status.removeprefix("status=")), "\n".join(lines), result.stderr


@pytest.mark.parametrize(
    "command",
    [f"{sys.executable} -m jobs.flar", f"{sys.executable} manage.py flar"],
    ids=["python-m", "manage.py"],
)
def test_listing_into_head_ends_quietly(long_listing: Path, command: str) -> None:
    status, out, err = _into_head(command, long_listing)
    assert out.splitlines() == [
        "usr/share/lib/a-fairly-long-directory-name/file-000000",
        "usr/share/lib/a-fairly-long-directory-name/file-000001",
    ]
    assert err == ""  # no BrokenPipeError traceback, no "Exception ignored"
    assert status == EXIT_BROKEN_PIPE == 141


def test_whole_listing_into_a_pipe_exits_0(long_listing: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jobs.flar", "info", "-l", str(long_listing)],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert len(result.stdout.splitlines()) == 5000


class _ClosedPipe(io.StringIO):
    def __init__(self, after: int) -> None:
        super().__init__()
        self.left = after

    def write(self, text: str, /) -> int:
        self.left -= 1
        if self.left < 0:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_main_returns_the_broken_pipe_status(long_listing: Path) -> None:
    out, err = _ClosedPipe(after=3), io.StringIO()
    assert main(["info", "-l", str(long_listing)], out, err) == EXIT_BROKEN_PIPE
    assert err.getvalue() == "" and len(out.getvalue().splitlines()) == 3
