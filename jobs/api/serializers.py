"""Serializers of the jobs API."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jobs import storage
from jobs.models import Archive, Job, JobEvent, ZoneResult
from planner.solaris.names import is_nic_name

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_SSH_HOST_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$")
_SSH_USER_RE = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_REMOTE_DIR_RE = re.compile(r"^/[A-Za-z0-9_./-]{0,1023}$")


def _nic_name(value: str) -> None:
    """The NIC grammar of the boundary (planner/solaris/names.py)."""
    if not is_nic_name(value):
        raise serializers.ValidationError(f"{value!r} is not a port name (like bge0 or e1000g1)")


def _relative(value: str, what: str) -> str:
    """``value`` as a path relative to the team's folder (absolute paths and '..' are refused).

    Only the shape is checked here; the runner resolves the path inside the job's team folder and
    refuses it again if it leads out (a symlink), before anything is opened.
    """
    try:
        return storage.check_relative(value, what=what)
    except storage.PathEscape as exc:
        raise serializers.ValidationError(str(exc)) from exc


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know (DRF's default is to drop them silently)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({k: ["unknown parameter"] for k in unknown})
        return super().to_internal_value(data)


class SshTargetSerializer(StrictSerializer):
    host = serializers.RegexField(_SSH_HOST_RE, max_length=253, help_text="Host name or address.")
    user = serializers.RegexField(_SSH_USER_RE, max_length=32, required=False, default="root")
    port = serializers.IntegerField(min_value=1, max_value=65535, required=False, default=22)
    archive_dir = serializers.RegexField(
        _REMOTE_DIR_RE, max_length=1024, required=False, help_text="Where flars go on that host."
    )

    def validate_archive_dir(self, value: str) -> str:
        if ".." in value.split("/"):
            raise serializers.ValidationError("'..' is not allowed")
        return value


class SshParamsSerializer(StrictSerializer):
    source = SshTargetSerializer(required=False)
    destination = SshTargetSerializer(required=False)


class JobParamsSerializer(StrictSerializer):
    """The job options the API accepts; anything else is refused.

    Paths on the worker are relative to the job's team folder: archives to
    ``<ARCHIVE_STORE>/team-<id>/``, local executor trees to ``<LOCAL_EXECUTOR_ROOT>/team-<id>/``
    (docs/security.md, Storage layout).  SSH keys and known_hosts always come from the server's
    settings.
    """

    archive_name = serializers.RegexField(_NAME_RE, max_length=128, required=False)
    compress = serializers.BooleanField(required=False)
    halt_zones = serializers.BooleanField(required=False)
    archive_path = serializers.CharField(
        max_length=1024,
        required=False,
        help_text="extract: the flar, relative to the team's folder of the archive store "
        "(an archive's `path`, see /api/archives/).",
    )
    output_path = serializers.CharField(
        max_length=1024,
        required=False,
        help_text="archive: where to write, relative to the team's folder of the archive store; "
        "never an existing file.",
    )
    source_root = serializers.CharField(
        max_length=1024,
        required=False,
        help_text="local executor: the source tree, relative to the team's folder of host trees "
        "(default host-<source host id>).",
    )
    destination_root = serializers.CharField(
        max_length=1024,
        required=False,
        help_text="local executor: the destination tree, relative to the team's folder of host trees "
        "(default host-<destination host id>).",
    )
    destination_ports = serializers.ListField(
        child=serializers.CharField(max_length=32, validators=[_nic_name]), required=False, max_length=256
    )
    ssh = SshParamsSerializer(required=False)

    def validate_archive_path(self, value: str) -> str:
        return _relative(value, "archive_path")

    def validate_output_path(self, value: str) -> str:
        relative = _relative(value, "output_path")
        if not relative.lower().endswith(storage.ARCHIVE_SUFFIXES):
            raise serializers.ValidationError("output_path: name the archive <something>.flar")
        return relative

    def validate_source_root(self, value: str) -> str:
        return _relative(value, "source_root")

    def validate_destination_root(self, value: str) -> str:
        return _relative(value, "destination_root")


# The kinds a plan's job may be (inspect jobs are started from the archive store, not a plan).
JOB_CREATE_KINDS = [(k.value, k.label) for k in (Job.Kind.ARCHIVE, Job.Kind.EXTRACT)]


class JobCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=JOB_CREATE_KINDS)
    executor = serializers.ChoiceField(
        choices=Job.Executor.choices, required=False, default=Job.Executor.LOCAL
    )
    params = JobParamsSerializer(required=False)


class ProgressSerializer(serializers.Serializer):
    bytes_done = serializers.IntegerField()
    bytes_total = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField()


class ZoneResultSerializer(serializers.ModelSerializer):
    details = serializers.DictField()

    class Meta:
        model = ZoneResult
        fields = ["zone", "state", "message", "details", "updated"]


class JobEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobEvent
        fields = ["id", "created", "level", "zone", "message"]


class JobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    executor_label = serializers.CharField(
        source="get_executor_display", read_only=True, help_text="How the pages name the executor."
    )
    executor_description = serializers.SerializerMethodField(
        help_text="What the executor does: `local` is a rehearsal on the worker that touches no Solaris host."
    )
    plan_name = serializers.CharField(
        read_only=True, help_text="The plan's name (kept when the plan is deleted)."
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "team",
            "plan",
            "plan_name",
            "kind",
            "state",
            "executor",
            "executor_label",
            "executor_description",
            "progress",
            "phase",
            "attempt",
            "max_attempts",
            "cancel_requested",
            "retry_of",
            "error",
            "created",
            "started",
            "finished",
            "heartbeat",
        ]

    @extend_schema_field(serializers.CharField())
    def get_executor_description(self, job: Job) -> str:
        return Job.EXECUTOR_DESCRIPTIONS.get(job.executor, "")

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, job: Job) -> dict[str, Any]:
        return {"bytes_done": job.bytes_done, "bytes_total": job.bytes_total, "percent": job.percent}


class JobDetailSerializer(JobSerializer):
    params = serializers.DictField()
    zone_names = serializers.ListField(child=serializers.CharField())
    result = serializers.DictField()
    zone_results = ZoneResultSerializer(many=True)
    created_by = serializers.SerializerMethodField()

    class Meta(JobSerializer.Meta):
        fields = [
            *JobSerializer.Meta.fields,
            "params",
            "zone_names",
            "archive_path",
            "result",
            "zone_results",
            "created_by",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, job: Job) -> str | None:
        return job.created_by.get_username() if job.created_by_id else None


class ArchiveSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="GET this URL for the file.")

    class Meta:
        model = Archive
        fields = ["id", "team", "name", "path", "origin", "job", "size", "archive_id", "created", "download"]

    @extend_schema_field(serializers.CharField())
    def get_download(self, archive: Archive) -> str:
        from django.urls import reverse

        return reverse("jobs_api:archive-download", args=[archive.pk])


class ArchiveInspectSerializer(StrictSerializer):
    destination = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="A host of the archive's team whose network ports each zone's nets are checked against.",
    )
