"""System checks of the jobs app: the storage folders exist and this process can write to them.

Settings create the folders when they are missing (``zflar_site.settings``); this check says
clearly when that failed or when a folder is not writable, at ``manage.py check``, ``migrate``,
``runserver`` and worker start, rather than at the first archive job.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register


@register("zflar")
def storage_folders_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from .storage import storage_problems

    return [
        Error(
            problem,
            hint="Create the folder and give it to the user that runs zflar, or point the setting "
            "(ZFLAR_UPLOAD_DIR, ZFLAR_ARCHIVE_STORE, ZFLAR_LOCAL_ROOT) at a writable place.",
            id="zflar.E001",
        )
        for problem in storage_problems(create=True)
    ]
