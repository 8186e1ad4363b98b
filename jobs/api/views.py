"""Jobs API views: thin over jobs.lifecycle.  A refused job request (JobError) answers 409."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs import lifecycle, selectors, storage
from jobs.models import Archive, Job, JobEvent, ZoneResult
from planner.api import serializers as ps
from planner.api.permissions import IsTeamOperatorForWrites
from planner.downloads import attachment
from planner.models import Host, Plan
from planner.selectors import host_nic_names

from . import serializers as s
from .filters import JobFilter

_JOB_WRITE = (401, 403, 404, 409)


class JobConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The job request conflicts with the job's or the plan's state."
    default_code = "conflict"


def _detail_queryset() -> QuerySet[Job]:
    return Job.objects.select_related("created_by").prefetch_related(
        Prefetch("zone_results", queryset=ZoneResult.objects.order_by("zone"))
    )


def _detail(job: Job, code: int = status.HTTP_200_OK) -> Response:
    return Response(s.JobDetailSerializer(_detail_queryset().get(pk=job.pk)).data, status=code)


@extend_schema_view(
    list=extend_schema(
        summary="List jobs", responses=ps.responses({200: s.JobSerializer(many=True)}, *ps.LIST_ERRORS)
    ),
    retrieve=extend_schema(
        summary="A job: state, progress, per-zone results",
        responses=ps.responses({200: s.JobDetailSerializer}, *ps.READ_ERRORS),
    ),
)
class JobViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated, IsTeamOperatorForWrites]
    filterset_class = JobFilter

    def get_queryset(self) -> QuerySet[Job]:
        qs = Job.objects.for_user(self.request.user)
        if self.action == "retrieve":
            qs = qs.select_related("created_by").prefetch_related(
                Prefetch("zone_results", queryset=ZoneResult.objects.order_by("zone"))
            )
        return qs.order_by("-created", "-pk")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return s.JobDetailSerializer if self.action == "retrieve" else s.JobSerializer

    @extend_schema(
        summary="The job's log, oldest first",
        parameters=[OpenApiParameter("after", int, description="Only events with an id greater than this.")],
        filters=False,
        responses=ps.responses({200: s.JobEventSerializer(many=True)}, *ps.LIST_ERRORS),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        events = JobEvent.objects.filter(job=job).order_by("created", "id")
        after = request.query_params.get("after")
        if after not in (None, ""):
            try:
                after_id = int(after)
            except ValueError:
                raise ValidationError({"after": ["an event id (an integer)"]}) from None
            if not -(2**63) < after_id < 2**63:
                raise ValidationError({"after": ["out of range"]})
            events = events.filter(id__gt=after_id)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.JobEventSerializer(page, many=True).data)

    @extend_schema(
        summary="Cancel a job (a queued job ends at once; a running one at its next checkpoint)",
        request=None,
        responses=ps.responses({200: s.JobDetailSerializer}, *_JOB_WRITE),
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        try:
            job = lifecycle.job_cancel(job=job)
        except lifecycle.JobError as exc:
            raise JobConflict(str(exc)) from exc
        return _detail(job)

    @extend_schema(
        summary="Start a new job over the zones that failed or were skipped",
        request=None,
        responses=ps.responses({201: s.JobDetailSerializer}, *_JOB_WRITE),
    )
    @action(
        detail=True, methods=["post"], url_path="retry-failed", url_name="retry-failed", filter_backends=[]
    )
    def retry_failed(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        try:
            new_job = lifecycle.job_retry_failed(job=job, user=request.user)
        except lifecycle.JobError as exc:
            raise JobConflict(str(exc)) from exc
        return _detail(new_job, status.HTTP_201_CREATED)


class PlanJobCreateView(APIView):
    """POST /api/plans/{id}/jobs/: start an archive or extract job for a plan (operators only)."""

    permission_classes = [IsAuthenticated, IsTeamOperatorForWrites]

    @extend_schema(
        summary="Start an archive or extract job for the plan",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The plan's id.")],
        request=s.JobCreateSerializer,
        responses=ps.responses({201: s.JobDetailSerializer}, 400, *_JOB_WRITE),
    )
    def post(self, request: Request, pk: str) -> Response:
        plan = get_object_or_404(Plan.objects.for_user(request.user).only("pk", "team_id"), pk=pk)
        self.check_object_permissions(request, plan)
        serializer = s.JobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        params = dict(data.get("params") or {})
        problems = storage.job_path_problems(plan.team_id, params)
        if problems:
            raise ValidationError({"params": {key: [message] for key, message in problems.items()}})
        try:
            job = lifecycle.job_create(
                team=plan.team,
                plan=plan,
                kind=data["kind"],
                executor=data["executor"],
                params=params,
                user=request.user,
            )
        except lifecycle.JobError as exc:
            raise JobConflict(str(exc)) from exc
        return _detail(job, status.HTTP_201_CREATED)


class ArchiveFilter(django_filters.FilterSet):
    team = django_filters.NumberFilter(field_name="team_id", help_text="Team id.")
    origin = django_filters.ChoiceFilter(choices=Archive.Origin.choices)

    class Meta:
        model = Archive
        fields = ["team", "origin"]


@extend_schema_view(
    list=extend_schema(
        summary="List your teams' archives (flars in the teams' folders of the archive store)",
        responses=ps.responses({200: s.ArchiveSerializer(many=True)}, *ps.LIST_ERRORS),
    ),
    retrieve=extend_schema(
        summary="One archive of your teams",
        responses=ps.responses({200: s.ArchiveSerializer}, *ps.READ_ERRORS),
    ),
)
class ArchiveViewSet(viewsets.ReadOnlyModelViewSet):
    """A team's archives: only its own are listed, inspected or downloaded (another team's: 404)."""

    permission_classes = [IsAuthenticated, IsTeamOperatorForWrites]
    serializer_class = s.ArchiveSerializer
    filterset_class = ArchiveFilter

    def get_queryset(self) -> QuerySet[Archive]:
        return selectors.archives_for_user(self.request.user, sync=self.action == "list")

    @extend_schema(
        summary="Download the archive",
        filters=False,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The flar."),
            **ps.error_responses(*ps.READ_ERRORS),
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        archive = self.get_object()
        try:
            handle = selectors.archive_file(archive).open("rb")
        except (storage.PathEscape, OSError):
            raise NotFound("The archive's file is no longer in the team's folder.") from None
        response = FileResponse(handle, content_type="application/octet-stream")
        response["Content-Disposition"] = attachment(f"{Path(archive.path).stem}.flar")
        return response

    @extend_schema(
        summary="Start an inspect job over the archive (operators of its team)",
        request=s.ArchiveInspectSerializer,
        responses=ps.responses({201: s.JobDetailSerializer}, 400, *_JOB_WRITE),
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def inspect(self, request: Request, pk: str | None = None) -> Response:
        archive = self.get_object()
        data = s.ArchiveInspectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params: dict[str, Any] = {"archive_path": archive.path}
        destination_id = data.validated_data.get("destination")
        if destination_id is not None:
            destination = Host.objects.filter(team_id=archive.team_id, pk=destination_id).first()
            if destination is None:
                raise ValidationError({"destination": ["No such host in the archive's team."]})
            params["destination_ports"] = host_nic_names(destination)
            params["destination_host"] = destination.hostname
        try:
            job = lifecycle.job_create(
                team=archive.team, kind=Job.Kind.INSPECT, params=params, user=request.user
            )
        except lifecycle.JobError as exc:
            raise JobConflict(str(exc)) from exc
        return _detail(job, status.HTTP_201_CREATED)
