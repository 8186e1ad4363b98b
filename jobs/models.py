"""Jobs: the database row is the source of truth for every archive, extract and inspect run.

Celery only carries a job id.  A worker claims the row atomically (so a
duplicate delivery does nothing), writes a heartbeat while it works, and
records one result per zone.  The reaper ends or re-queues rows whose
heartbeat went stale, so nothing stays "running" for ever.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.expressions import CombinedExpression

from planner.choices import register_state_tones
from planner.models import TeamScopedQuerySet, TimeStampedModel


class Job(TimeStampedModel):
    class Kind(models.TextChoices):
        ARCHIVE = "archive", "Archive"
        EXTRACT = "extract", "Extract"
        INSPECT = "inspect", "Inspect archive"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Finished with failed zones"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    TERMINAL_STATES = (State.SUCCEEDED, State.PARTIAL, State.FAILED, State.CANCELLED)
    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    class Executor(models.TextChoices):
        LOCAL = "local", "Rehearsal on the worker (touches no Solaris host)"
        SSH = "ssh", "SSH to the Solaris hosts"

    # What each executor does, for the pages and the API (``executor_description``).
    EXECUTOR_DESCRIPTIONS = {
        "local": (
            "A rehearsal on the Celery worker: the job runs on a folder tree that stands in for the host, "
            "built from the host's imported inventory (zones, zonepaths, file systems, zone configurations) "
            "when none exists yet. It touches no Solaris host; its archives say so (X-zflar-rehearsal)."
        ),
        "ssh": "Runs the real Solaris commands (zoneadm, zonecfg, flarcreate, flar) on the hosts over SSH.",
    }

    team = models.ForeignKey("planner.Team", on_delete=models.CASCADE, related_name="jobs")
    # A deleted plan leaves its jobs as records (SET_NULL): ``plan_name`` still says whose they were.
    # Deleting a plan is refused while one of its jobs is queued or running (jobs.lifecycle).
    plan = models.ForeignKey(
        "planner.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    plan_name = models.CharField(
        max_length=200, blank=True, help_text="the plan's name when the job was made"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED, db_index=True)
    executor = models.CharField(max_length=8, choices=Executor.choices, default=Executor.LOCAL)
    params = models.JSONField(default=dict, blank=True)
    # Zones to run; empty means every zone of the plan (a retry lists only the failed ones).
    zone_names = models.JSONField(default=list, blank=True)
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    archive_path = models.CharField(max_length=1024, blank=True)
    result = models.JSONField(default=dict, blank=True)
    bytes_done = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(null=True, blank=True)
    phase = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=255, blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Counts the writes that change what the job page's live block shows: the row's own fields (in
    # the same UPDATE, ``version=next_version()``), its zone results and its events (right after
    # theirs, ``Job.bump_version``).  The progress partial's ETag is taken from it (jobs/live.py), so
    # a write that forgets it would let a 304 hide the change.  Only ever incremented in SQL.
    version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["plan", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} job #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving an existing row (the admin) increments ``version`` in SQL: never a stale copy's."""
        fields = kwargs.get("update_fields")
        if self._state.adding or kwargs.get("force_insert") or (fields is not None and not fields):
            super().save(*args, **kwargs)
            return
        if fields is not None:
            kwargs["update_fields"] = {*fields, "version"}
        self.version = next_version()
        super().save(*args, **kwargs)
        self.refresh_from_db(fields=["version"])

    @staticmethod
    def bump_version(job_id: int) -> None:
        """After a write to the job's zone results or events: the live block changed."""
        Job.objects.filter(pk=job_id).update(version=next_version())

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def is_terminal(self) -> bool:
        return self.state in self.TERMINAL_STATES

    @property
    def percent(self) -> int:
        if self.is_terminal and self.state == self.State.SUCCEEDED:
            return 100
        if not self.bytes_total:
            return 0
        return min(100, int(self.bytes_done * 100 / self.bytes_total))


def next_version() -> CombinedExpression:
    """``version + 1``, for the UPDATE of a job row that changes what its live block shows."""
    return F("version") + 1


class _BumpsJobVersion(TimeStampedModel):
    """A job's zone result or event: saving or deleting one changes the job's live block.

    Queryset writes (``update()``, ``bulk_create()``, ``delete()``) bypass this; jobs.progress and
    jobs.lifecycle bump the version after those themselves.
    """

    job_id: int

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        Job.bump_version(self.job_id)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        Job.bump_version(self.job_id)
        return deleted


class ZoneResult(_BumpsJobVersion):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        OK = "ok", "OK"
        WARNING = "warning", "Warning"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    FINAL_STATES = (State.OK, State.WARNING, State.FAILED, State.SKIPPED)

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="zone_results")
    zone = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    message = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["zone"]
        constraints = [models.UniqueConstraint(fields=["job", "zone"], name="one_result_per_zone")]

    def __str__(self) -> str:
        return f"{self.zone}: {self.state}"


class JobEvent(_BumpsJobVersion):
    class Level(models.TextChoices):
        INFO = "info", "Info"
        WARNING = "warning", "Warning"
        ERROR = "error", "Error"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.INFO)
    zone = models.CharField(max_length=64, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.message


class Archive(TimeStampedModel):
    """A flash archive in a team's folder of the archive store; a team sees and uses only its own.

    ``path`` is relative to ``<ARCHIVE_STORE>/team-<team id>/`` (see :mod:`jobs.storage`): the
    record never holds an absolute path, so it cannot name a file of another team.
    """

    class Origin(models.TextChoices):
        JOB = "job", "Written by an archive job"
        UPLOAD = "upload", "Uploaded for inspection"
        STORE = "store", "Copied into the team's folder"

    team = models.ForeignKey("planner.Team", on_delete=models.CASCADE, related_name="archives")
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="archives")
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.JOB)
    path = models.CharField(max_length=1024, help_text="relative to the team's folder of the archive store")
    name = models.CharField(max_length=255, help_text="what the archive is called on the pages")
    size = models.BigIntegerField(default=0)
    archive_id = models.CharField(
        max_length=64, blank=True, help_text="the identification's archive_id (MD5)"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [models.UniqueConstraint(fields=["team", "path"], name="one_archive_per_team_path")]

    def __str__(self) -> str:
        return self.name or self.path


# The badges' colours of the states (planner.choices; the template tag state_class reads them).
register_state_tones(
    Job.State,
    {
        Job.State.QUEUED: "none",
        Job.State.RUNNING: "run",
        Job.State.SUCCEEDED: "ok",
        Job.State.PARTIAL: "warn",
        Job.State.FAILED: "bad",
        Job.State.CANCELLED: "none",
    },
)
register_state_tones(
    ZoneResult.State,
    {
        ZoneResult.State.PENDING: "none",
        ZoneResult.State.RUNNING: "run",
        ZoneResult.State.OK: "ok",
        ZoneResult.State.WARNING: "warn",
        ZoneResult.State.FAILED: "bad",
        ZoneResult.State.SKIPPED: "none",
    },
)
