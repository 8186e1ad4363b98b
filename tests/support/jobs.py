"""Helpers for tests that run jobs in this process and look at what they left on disk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def run_in_process(job: Any) -> Any:
    """Claim and run ``job`` the way the Celery task does, in this process; returns the ended row."""
    from jobs import progress
    from jobs.runners import run_job

    claimed = progress.job_claim(job_id=job.pk, task_id="in-process")
    assert claimed is not None, f"job {job.pk} could not be claimed"
    return run_job(claimed)


def files_under(root: Path) -> set[Path]:
    """Every file, folder and symlink below ``root`` (not following symlinks)."""
    found: set[Path] = set()
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            found.add(Path(folder) / name)
    return found


def new_paths(before: set[Path], root: Path) -> set[Path]:
    return files_under(root) - before


def make_flar(output: Path, tree: Path, *, name: str = "test") -> Path:
    """A real flash archive of ``tree`` written with zflar's own writer."""
    from jobs.flar.writer import CreateOptions, create

    output.parent.mkdir(parents=True, exist_ok=True)
    create(output, CreateOptions(name=name, root=str(tree)))
    return output


def events(job: Any) -> str:
    """The job's whole event log as one text (for assertion messages)."""
    return "\n".join(job.events.order_by("created", "id").values_list("message", flat=True))
