"""Confinement of worker paths: a path a job opens must lie under its team's folder.

Pure (no Django): :mod:`jobs.storage` builds the folders from ids and settings, the runners and
the local executor call these checks before anything is opened.  Every check is made on the
resolved path (``os.path.realpath``), so a symlink planted in a tree (by an archive, or by hand)
cannot lead a job outside the folder it was given.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .base import ExecutorError

# A relative path a user may give (job params, form fields): at most this long.
MAX_RELATIVE_PATH = 1024


class PathEscape(ExecutorError):
    """A path that is absolute, climbs with '..', or resolves outside the folder it must stay in."""


def is_inside(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Whether ``path``, resolved, is ``root`` (resolved) or lies below it."""
    base = os.path.realpath(root)
    full = os.path.realpath(path)
    return full == base or full.startswith(base.rstrip(os.sep) + os.sep)


def confine(path: str | os.PathLike[str], root: str | os.PathLike[str], *, what: str) -> Path:
    """``path`` resolved, or PathEscape when it resolves outside ``root``."""
    if "\x00" in os.fspath(path):
        raise PathEscape(f"{what}: NUL byte in the path")
    if not is_inside(path, root):
        raise PathEscape(f"{what}: the path leads outside its folder")
    return Path(os.path.realpath(path))


def check_relative(value: str, *, what: str) -> str:
    """``value`` normalised, if it is a plain relative path (no '/', '..', NUL, backslash); else PathEscape.

    This is the syntactic check the API serializer and the forms make before any folder is known;
    :func:`join_inside` repeats it and adds the resolved-path check.
    """
    if not isinstance(value, str) or not value.strip():
        raise PathEscape(f"{what}: give a path relative to your team's folder")
    if len(value) > MAX_RELATIVE_PATH:
        raise PathEscape(f"{what}: longer than {MAX_RELATIVE_PATH} characters")
    if any(c in value for c in "\x00\\") or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise PathEscape(f"{what}: control characters and backslashes are not allowed")
    posix = PurePosixPath(value)
    if posix.is_absolute() or value.startswith("~"):
        raise PathEscape(f"{what}: must be relative to your team's folder, not an absolute path")
    if ".." in posix.parts:
        raise PathEscape(f"{what}: '..' is not allowed")
    parts = [p for p in posix.parts if p not in ("", ".")]
    if not parts:
        raise PathEscape(f"{what}: give a path relative to your team's folder")
    return "/".join(parts)


def join_inside(root: str | os.PathLike[str], relative: str, *, what: str) -> Path:
    """``root / relative``, resolved and checked to stay under ``root``."""
    clean = check_relative(relative, what=what)
    return confine(Path(root) / clean, root, what=what)
