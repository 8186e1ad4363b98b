"""planner/solaris must stay pure Python: the report CLI and the job runner use it without Django."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import planner.solaris

PACKAGE = Path(planner.solaris.__file__).resolve().parent
REPO = PACKAGE.parent.parent


def test_no_module_imports_django_statically() -> None:
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n == "django" or n.startswith("django.")]
    assert offenders == []


def test_importing_every_module_loads_no_django() -> None:
    modules = [f"planner.solaris.{p.stem}" for p in sorted(PACKAGE.glob("*.py")) if p.stem != "__init__"]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
