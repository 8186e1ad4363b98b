"""``python -m jobs.flar create|info|extract|verify|zones ...``: the flar CLI without Django.

The same commands, flags and exit statuses as ``manage.py flar`` (both call
:func:`jobs.flar.cli.run_console`).
"""

from __future__ import annotations

import sys

from jobs.flar.cli import run_console

if __name__ == "__main__":
    sys.exit(run_console(sys.argv[1:]))
