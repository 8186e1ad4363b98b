"""The shell templates (planner/domain/scripts/*.sh.in): shellcheck clean as files, filled through quoting."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from planner.domain.quoting import UnsafeValueError, comment, sh_quote
from planner.domain.script_templates import TEMPLATES, load_template, placeholders, render
from tests.support.plans import shellcheck

# Representative values, one per placeholder kind, each as hostile as the quoting must survive.
WORD = "zflar-postflash-web 01$(reboot).sh"
COMMENT = "zflar script for web01 (archive of db01) `uname` $HOME"
LINES = [
    comment("--- zone z1 ---"),
    "log 'zone z1: start'",
    f"once z1.boot {sh_quote('zone z1: boot')} boot_zone z1",
]


def _filled(name: str) -> str:
    text = load_template(name)
    kinds = placeholders(text)
    assert kinds, f"{name} has no placeholders"
    return render(
        name,
        words={n: WORD for k, n in kinds if k == "WORD"},
        comments={n: COMMENT for k, n in kinds if k == "COMMENT"},
        lines={n: LINES for k, n in kinds if k == "LINES"},
    )


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_template_files_are_shellcheck_clean(name: str, tmp_path: Path) -> None:
    # The raw template (placeholders are inert words there) and the filled one.
    raw = tmp_path / name
    raw.write_text(load_template(name))
    assert shellcheck(raw).returncode == 0, shellcheck(raw).stdout
    filled = tmp_path / f"{name}.sh"
    filled.write_text(_filled(name))
    done = shellcheck(filled)
    assert done.returncode == 0, done.stdout
    for shell in ("sh", "dash"):
        syntax = subprocess.run([shell, "-n", str(filled)], capture_output=True, text=True, check=False)
        assert syntax.returncode == 0, syntax.stderr


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_value_goes_through_the_quoting_helper(name: str) -> None:
    text = _filled(name)
    assert "@WORD:" not in text and "@COMMENT:" not in text and "@LINES:" not in text
    if ("WORD", "finish_name") in placeholders(load_template(name)):
        assert f"FINISH_NAME={sh_quote(WORD)}\n" in text
    assert comment(COMMENT) in text


def test_render_refuses_a_missing_or_unknown_placeholder() -> None:
    with pytest.raises(ValueError, match="missing"):
        render("finish.sh.in", words={"finish_name": "x"}, comments={"title": "t"})
    with pytest.raises(ValueError, match="not in the template"):
        render(
            "finish.sh.in",
            words={"finish_name": "x", "extra": "y"},
            comments={"title": "t"},
            lines={"body": []},
        )
    with pytest.raises(ValueError, match="no script template"):
        load_template("../../settings.py")


def test_a_script_line_cannot_smuggle_a_second_line() -> None:
    with pytest.raises(UnsafeValueError, match="line break"):
        render(
            "pre-archive.sh.in",
            words={"blockers": ""},
            comments={"title": "t"},
            lines={"body": ["log ok\nrm -rf /"]},
        )
    with pytest.raises(UnsafeValueError, match="line break"):
        render("pre-archive.sh.in", words={"blockers": ""}, comments={"title": "a\nb"}, lines={"body": []})


def test_the_templates_are_package_data() -> None:
    """`make run` reads them through importlib.resources from the package directory."""
    import planner.domain

    package = Path(planner.domain.__file__).parent
    for name in TEMPLATES:
        assert (package / "scripts" / name).read_text(encoding="utf-8") == load_template(name)
