"""Pick the executor a job asked for."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from .base import Executor, ExecutorError

if TYPE_CHECKING:
    from jobs.models import Job


def executor_for(job: Job, *, role: str) -> Executor:
    from .local import LocalExecutor

    params = job.params
    if role == "inspect":
        return LocalExecutor(root=Path(settings.ARCHIVE_STORE), host="archive-store")
    plan = job.plan
    if plan is None:
        raise ExecutorError(f"job {job.pk} has no plan, so there is no {role} host")
    host = plan.source if role == "source" else plan.destination
    if job.executor == "local":
        root_key = "source_root" if role == "source" else "destination_root"
        default_root = Path(settings.LOCAL_EXECUTOR_ROOT) / host.hostname
        root = Path(params.get(root_key) or default_root)
        return LocalExecutor(root=root, host=host.hostname)
    if job.executor == "ssh":
        from .ssh import SshExecutor

        ssh = params.get("ssh", {}).get(role, {})
        if not ssh.get("host"):
            raise ExecutorError(f"no ssh host given for the {role}")
        return SshExecutor(
            host=ssh["host"],
            user=ssh.get("user", "root"),
            port=int(ssh.get("port", 22)),
            known_hosts=ssh.get("known_hosts") or str(Path(settings.VAR_DIR) / "ssh_known_hosts"),
            identity_file=ssh.get("identity_file", ""),
            archive_dir=ssh.get("archive_dir", "/export/flar"),
        )
    raise ExecutorError(f"unknown executor {job.executor!r}")
