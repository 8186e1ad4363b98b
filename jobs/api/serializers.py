"""Serializers of the jobs API."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jobs.models import Job, JobEvent, ZoneResult

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_PORT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*[0-9]+$")
_SSH_HOST_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$")
_SSH_USER_RE = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_REMOTE_DIR_RE = re.compile(r"^/[A-Za-z0-9_./-]{0,1023}$")


def _inside(root: Path, value: str, what: str) -> str:
    """``value`` (relative to ``root`` or absolute) as an absolute path that stays inside ``root``."""
    if "\x00" in value:
        raise serializers.ValidationError(f"{what}: NUL in the path")
    candidate = Path(value)
    if ".." in candidate.parts:
        raise serializers.ValidationError(f"{what}: '..' is not allowed")
    base = os.path.realpath(root)
    full = os.path.realpath(os.path.join(base, value))
    if full != base and not full.startswith(base + os.sep):
        raise serializers.ValidationError(f"{what} must be inside {root}")
    return full


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

    Paths on the worker are confined: archives to ARCHIVE_STORE, local executor roots to
    LOCAL_EXECUTOR_ROOT.  SSH keys and known_hosts always come from the server's settings.
    """

    archive_name = serializers.RegexField(_NAME_RE, max_length=128, required=False)
    compress = serializers.BooleanField(required=False)
    halt_zones = serializers.BooleanField(required=False)
    archive_path = serializers.CharField(
        max_length=1024, required=False, help_text="extract: the flar, inside the archive store."
    )
    output_path = serializers.CharField(
        max_length=1024, required=False, help_text="archive: where to write, inside the archive store."
    )
    source_root = serializers.CharField(max_length=1024, required=False)
    destination_root = serializers.CharField(max_length=1024, required=False)
    destination_ports = serializers.ListField(
        child=serializers.RegexField(_PORT_RE, max_length=32), required=False, max_length=256
    )
    ssh = SshParamsSerializer(required=False)

    def validate_archive_path(self, value: str) -> str:
        return _inside(Path(settings.ARCHIVE_STORE), value, "archive_path")

    def validate_output_path(self, value: str) -> str:
        return _inside(Path(settings.ARCHIVE_STORE), value, "output_path")

    def validate_source_root(self, value: str) -> str:
        return _inside(Path(settings.LOCAL_EXECUTOR_ROOT), value, "source_root")

    def validate_destination_root(self, value: str) -> str:
        return _inside(Path(settings.LOCAL_EXECUTOR_ROOT), value, "destination_root")


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

    class Meta:
        model = Job
        fields = [
            "id",
            "team",
            "plan",
            "kind",
            "state",
            "executor",
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
