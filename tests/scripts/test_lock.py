"""requirements.lock, pyproject.toml and scripts/lock_subset.py, which picks the install sets.

The real lock is checked against the real metadata of the packages installed from it (the test
venv is ``make venv``: the whole lock), so a set that misses a dependency, or a pyproject.toml
edited without ``make lock``, fails here.  One test installs the runtime set alone into a new
venv (uv, from its cache: ``make venv`` filled it) and runs the product on it, which catches a
module a package needs without declaring it.  No database.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements.lock"
SCRIPT = REPO / "scripts" / "lock_subset.py"
DEV_ONLY = {
    "pytest",
    "pytest-django",
    "pytest-playwright",
    "playwright",
    "hypothesis",
    "schemathesis",
    "mypy",
    "ruff",
    "django-stubs",
    "import-linter",
    "pyinstrument",
    "uv",
}
SERVER_IMPORTS = {
    "django",
    "celery",
    "django-environ",
    "django-filter",
    "django-htmx",
    "djangorestframework",
    "drf-spectacular",
    "drf-spectacular-sidecar",
    "whitenoise",
    "gunicorn",
    "psycopg",
    "psycopg-binary",
    "redis",
    "kombu",
}


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lock_subset", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["lock_subset"] = module
    spec.loader.exec_module(module)
    return module


lock_subset = _load_script()


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def _group(groups: dict[str, list[Any]], name: str) -> list[Requirement]:
    out: list[Requirement] = []
    for item in groups[name]:
        if isinstance(item, dict):
            out += _group(groups, item["include-group"])
        else:
            out.append(Requirement(item))
    return out


def _roots(set_name: str) -> list[Requirement]:
    project = _pyproject()
    runtime = [Requirement(r) for r in project["project"]["dependencies"]]
    groups = project["dependency-groups"]
    return {"runtime": runtime, "all": runtime + _group(groups, "dev"), "tools": _group(groups, "tools")}[
        set_name
    ]


def _pins(set_name: str) -> dict[str, Requirement]:
    """The set's requirements as printed by the script, which the installer gets."""
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), set_name, str(LOCK)], capture_output=True, text=True, check=True
    )
    pins = {}
    for line in proc.stdout.splitlines():
        if line and not line.startswith(" "):
            requirement = Requirement(line.rstrip(" \\"))
            pins[canonicalize_name(requirement.name)] = requirement
    return pins


def _reached(roots: list[Requirement]) -> set[str]:
    """What ``roots`` need on this interpreter, from the installed packages' own metadata."""
    extras: dict[str, set[str]] = {}
    queue = [r for r in roots if r.marker is None or r.marker.evaluate({"extra": ""})]
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        wanted = extras.setdefault(name, set())
        new = set(requirement.extras) - wanted
        if wanted and not new:
            continue
        wanted |= new | {""}
        for text in metadata.distribution(name).requires or []:
            child = Requirement(text)
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in wanted):
                queue.append(child)
    return set(extras)


# --- the real lock -----------------------------------------------------------------------------------


def test_runtime_set_is_what_the_server_imports_and_no_test_or_lint_tool() -> None:
    runtime = set(_pins("runtime"))
    assert not SERVER_IMPORTS - runtime, sorted(SERVER_IMPORTS - runtime)
    assert not runtime & DEV_ONLY, sorted(runtime & DEV_ONLY)
    assert runtime < set(_pins("all"))
    assert set(_pins("tools")) == {"uv"}


def test_every_pin_has_hashes() -> None:
    blocks = lock_subset.parse(LOCK.read_text())
    assert len(blocks) > 50
    for block in blocks.values():
        assert len(block.lines) >= 2 and all("--hash=sha256:" in line for line in block.lines[1:]), block.name


@pytest.mark.parametrize("set_name", ["runtime", "all"])
def test_each_set_is_exactly_what_its_roots_need(set_name: str) -> None:
    """Every package the roots need (on this interpreter) is in the set, and nothing more."""
    pins = _pins(set_name)
    here = {name for name, pin in pins.items() if pin.marker is None or pin.marker.evaluate({"extra": ""})}
    reached = _reached(_roots(set_name))
    assert sorted(reached - here) == [], "needed but not in the set"
    assert sorted(here - reached) == [], "in the set but needed by nothing"


def test_the_venv_is_the_lock() -> None:
    """`make venv` installed the locked versions (so the metadata above is the lock's)."""
    pins = _pins("all")
    wrong = {}
    for name, pin in pins.items():
        if pin.marker is not None and not pin.marker.evaluate({"extra": ""}):
            continue
        installed = metadata.version(name)
        if not pin.specifier.contains(installed, prereleases=True):
            wrong[name] = (installed, str(pin.specifier))
    assert wrong == {}, "run `make venv`"


def test_pyproject_and_lock_agree() -> None:
    """Each requirement in pyproject.toml is pinned in the lock to a version it allows (else `make lock`)."""
    blocks = lock_subset.parse(LOCK.read_text())
    for requirement in _roots("all") + _roots("tools"):
        name = canonicalize_name(requirement.name)
        assert name in blocks, f"{name} is in pyproject.toml but not in requirements.lock: run `make lock`"
        version = Requirement(blocks[name].lines[0].rstrip(" \\")).specifier
        (pinned,) = [spec.version for spec in version]
        assert requirement.specifier.contains(pinned, prereleases=True), f"{name}=={pinned}: run `make lock`"


RUNTIME_SMOKE = """
import importlib, os, pkgutil
import django
django.setup()
from django.core.management import call_command
for package in ("planner", "jobs", "zflar_site"):
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        importlib.import_module(info.name)
call_command("check")
call_command("migrate", verbosity=0)
call_command("spectacular", file=os.devnull, validate=True)
import gunicorn.app.wsgiapp, psycopg, django.core.cache.backends.redis
from kombu import Connection
print(Connection("redis://127.0.0.1:1/0").transport.driver_name, psycopg.pq.__impl__)
"""


def test_the_runtime_set_alone_runs_the_product(tmp_path: Path) -> None:
    """Every module of planner, jobs and zflar_site imports, and check, migrate and the API schema run,
    on a venv holding only the runtime set; and the Redis and PostgreSQL drivers load there."""
    uv = REPO / ".uv" / "bin" / "uv"
    if not uv.exists():
        pytest.fail("no .uv/bin/uv: `make venv` bootstraps it from requirements.lock")
    requirements = tmp_path / "runtime.txt"
    requirements.write_text(
        subprocess.run(
            [sys.executable, str(SCRIPT), "runtime", str(LOCK)], capture_output=True, text=True, check=True
        ).stdout
    )
    venv = tmp_path / "venv"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VIRTUAL_ENV", "PYTHON"))},
        "UV_PYTHON_DOWNLOADS": "never",
        "ZFLAR_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "zflar_site.settings",
    }
    python = str(venv / "bin" / "python")
    target = ["--quiet", "--python", python]
    for command in (
        [str(uv), "venv", "--quiet", "--python", sys.executable, str(venv)],
        [str(uv), "pip", "install", *target, "--require-hashes", "--no-deps", "-r", str(requirements)],
        [str(uv), "pip", "check", *target],
    ):
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{command[:3]}: {proc.stderr[-2000:]}"
    proc = subprocess.run(
        [python, "-c", RUNTIME_SMOKE], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.split()[-2:] == ["redis", "binary"]


# --- the script on small locks ---------------------------------------------------------------------

SMALL = """\
# This file was autogenerated by uv via the following command:
#    make lock
alpha==1.0 \\
    --hash=sha256:aa
    # via zflar (pyproject.toml)
beta==2.0 ; sys_platform == 'linux' \\
    --hash=sha256:bb \\
    --hash=sha256:bc
    # via
    #   -c constraints.txt
    #   alpha
gamma==3.0 \\
    --hash=sha256:cc
    # via zflar (pyproject.toml:dev)
delta-pkg==4.0 \\
    --hash=sha256:dd
    # via
    #   beta
    #   gamma
tool==5.0 \\
    --hash=sha256:ee
    # via zflar (pyproject.toml:tools)
"""


def _names(set_name: str, text: str = SMALL) -> list[str]:
    return [block.name for block in lock_subset.select(lock_subset.parse(text), lock_subset.SETS[set_name])]


def test_sets_follow_the_via_annotations() -> None:
    assert _names("runtime") == ["alpha", "beta", "delta-pkg"]
    assert _names("all") == ["alpha", "beta", "gamma", "delta-pkg"]
    assert _names("tools") == ["tool"]


def test_blocks_are_printed_unchanged_but_for_the_last_continuation() -> None:
    chosen = lock_subset.select(lock_subset.parse(SMALL), lock_subset.SETS["runtime"])
    assert lock_subset.render(chosen) == (
        "alpha==1.0 \\\n    --hash=sha256:aa\n"
        "beta==2.0 ; sys_platform == 'linux' \\\n    --hash=sha256:bb \\\n    --hash=sha256:bc\n"
        "delta-pkg==4.0 \\\n    --hash=sha256:dd\n"
    )


def test_names_are_normalized_across_the_annotations() -> None:
    text = SMALL.replace("delta-pkg==4.0", "Delta_Pkg==4.0").replace("#   beta", "#   Beta")
    assert _names("runtime", text) == ["alpha", "beta", "delta-pkg"]


def test_a_lock_without_the_sets_roots_is_an_error(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text(SMALL.replace("zflar (pyproject.toml:tools)", "alpha"))
    with pytest.raises(lock_subset.LockError, match="tools"):
        lock_subset.select(lock_subset.parse(lock.read_text()), lock_subset.SETS["tools"])
    proc = subprocess.run([sys.executable, str(SCRIPT), "tools", str(lock)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert str(lock) in proc.stderr and proc.stdout == ""


def test_usage_error() -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "everything"], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage" in proc.stderr
