"""Pick the executor a job asked for, from the job's row and the settings.

The local executor's folders come from the runner, which builds them from ids and confines them
to the job's team (:mod:`jobs.storage`); nothing here turns a name or a parameter into a path.
The executors themselves (:mod:`jobs.executors`) know no Django and no job.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from planner.solaris.names import is_hostname

from .executors.base import Executor, ExecutorError
from .executors.local import LocalExecutor
from .executors.ssh import SshExecutor
from .models import Job


def executor_for(job: Job, *, role: str, local_root: Path | None = None) -> Executor:
    """The executor for ``role`` (source, destination or inspect) of ``job``.

    ``local_root`` is the tree (or, for inspect, the team's archive folder) the local executor
    works in; the runner passes it, already resolved inside the team's folder.
    """
    if role == "inspect":
        if local_root is None:
            raise ExecutorError(f"job {job.pk}: no archive folder for the inspection")
        return LocalExecutor(root=local_root, host="archive-store")
    plan = job.plan
    if plan is None:
        raise ExecutorError(f"job {job.pk} has no plan, so there is no {role} host")
    host = plan.source if role == "source" else plan.destination
    if job.executor == "local":
        if local_root is None:
            raise ExecutorError(f"job {job.pk}: no folder tree for the {role} host")
        # The host's name only labels messages and the archive's creation_node; a stored name that
        # the boundary would refuse (imported before it existed) is replaced by the host's id.
        label = host.hostname if is_hostname(host.hostname) else f"host-{host.pk}"
        return LocalExecutor(root=local_root, host=label)
    if job.executor == "ssh":
        ssh = job.params.get("ssh", {}).get(role, {})
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
