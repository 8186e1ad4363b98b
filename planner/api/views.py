"""Planner API views: thin over planner.selectors (reads) and planner.services (writes).

Every queryset is scoped to the user's teams, so another team's object answers 404; writes
check the operator role in the object's team (403 for viewers).  Service refusals
(``PlannerError``) answer 400 with the message, never 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from planner import imports, presenters, selectors, services
from planner.models import DeviceOverride, Host, NicOverride, Plan, RouteOverride, Team
from planner.permissions import is_operator, operator_team_ids, roles_for_user
from planner.solaris.names import hostname_problem
from planner.upload import (
    bundle_limits,
    content_length_error,
    install_upload_limit,
    too_large_response,
    upload_limit_error,
)

from . import serializers as s
from .filters import HostFilter, PlanFilter
from .permissions import WRITE_DENIED, IsTeamOperatorForWrites

log = logging.getLogger(__name__)


class DeleteRefused(APIException):
    """409: the object is kept (a plan uses the host; a job of the plan is queued or running)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object cannot be deleted now."
    default_code = "conflict"


def planner_error(exc: Exception) -> ValidationError:
    """A service refusal as a 400 body: ``{"non_field_errors": ["message"]}``."""
    return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]})


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- hosts --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List hosts", responses=s.responses({200: s.HostSerializer(many=True)}, *s.LIST_ERRORS)
    ),
    retrieve=extend_schema(
        summary="A host: inventory summary, zones and snapshot history",
        responses=s.responses({200: s.HostDetailSerializer}, *s.READ_ERRORS),
    ),
    destroy=extend_schema(
        summary="Delete a host and its import history (409 while a plan uses it)",
        responses=s.responses({204: None}, 401, 403, 404, 409),
    ),
)
class HostViewSet(mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated, IsTeamOperatorForWrites]
    filterset_class = HostFilter

    def perform_destroy(self, instance: Host) -> None:
        try:
            services.host_delete(host=instance)
        except services.PlannerError as exc:
            raise DeleteRefused(str(exc)) from exc

    def get_queryset(self) -> QuerySet[Host]:
        return selectors.host_list(self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return s.HostDetailSerializer if self.action == "retrieve" else s.HostSerializer

    @extend_schema(
        summary="A host's import history, newest first",
        filters=False,
        responses=s.responses({200: s.SnapshotSerializer(many=True)}, *s.LIST_ERRORS),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def snapshots(self, request: Request, pk: str | None = None) -> Response:
        host = self.get_object()
        page = self.paginate_queryset(selectors.host_snapshots(host))
        return self.get_paginated_response(s.SnapshotSerializer(page, many=True).data)


# --- bundle upload ------------------------------------------------------------------------------


class BundleUploadView(APIView):
    """POST /api/bundles/: import collector bundles, zonecfg exports or hardware specs."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before authentication: SessionAuthentication's CSRF check reads request.POST, which
        # parses the body; the size-limit handler must be in place by then.
        if request.method == "POST":
            install_upload_limit(request)
        return super().initialize_request(request, *args, **kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            error = content_length_error(request)
            if error is not None:
                # Answer before reading one byte of the body.
                return too_large_response(error)
        return super().dispatch(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, RequestDataTooBig):
            return Response({"detail": str(exc) or "The request is too large."}, status=413)
        if isinstance(exc, TooManyFilesSent | TooManyFieldsSent):
            return Response({"detail": str(exc)}, status=400)
        return super().handle_exception(exc)

    def _team(self, request: Request) -> Team:
        raw = request.data.get("team") if hasattr(request.data, "get") else None
        roles = roles_for_user(request.user)
        if not operator_team_ids(request.user):
            # Viewers may import nothing anywhere: say so before looking at the team asked for.
            raise PermissionDenied(WRITE_DENIED if roles else "You are not a member of any team.")
        if raw in (None, ""):
            if len(roles) > 1:
                raise ValidationError({"team": ["You belong to several teams: choose one."]})
            team_id = next(iter(roles))
        else:
            try:
                team_id = int(raw)
            except (TypeError, ValueError):
                raise ValidationError({"team": ["A team id (an integer) is required."]}) from None
            if team_id not in roles:
                raise ValidationError({"team": ["No such team among yours."]})
        if not is_operator(request.user, team_id):
            raise PermissionDenied(WRITE_DENIED)
        return Team.objects.get(pk=team_id)

    @extend_schema(
        summary="Import bundles, zonecfg exports or hardware specs",
        description=(
            "Each file becomes a new inventory snapshot of the host it describes (re-importing "
            "identical files returns the existing snapshot); the zonecfg exports of one upload go to "
            "one host (`zonecfg_host`). An upload never replaces a host of another kind: such a file "
            "is refused with `conflict` and the existing host named. 201 when at least one file was "
            "imported, 409 when none was and a file met a host of another kind, 400 otherwise; every "
            "file has its own result (an empty file is refused by name). Uploads over "
            "ZFLAR_MAX_UPLOAD_BYTES are stopped while streaming (413). Bundles are read in memory "
            "with member count and size caps; nothing is extracted to disk."
        ),
        request={"multipart/form-data": s.BundleUploadRequestSerializer},
        responses=s.responses(
            {
                201: OpenApiResponse(
                    s.BundleUploadResponseSerializer, description="At least one file imported."
                ),
                400: OpenApiResponse(
                    OpenApiTypes.OBJECT,
                    description=(
                        "No file imported: the upload response with every file's error, or a field error "
                        "(no files, bad team, bad zonecfg_host)."
                    ),
                ),
                409: OpenApiResponse(
                    s.BundleUploadResponseSerializer,
                    description="No file imported, and a file's hostname belongs to a host of another kind.",
                ),
            },
            401,
            403,
            413,
            415,
        ),
    )
    def post(self, request: Request) -> Response:
        files = request.FILES.getlist("files") + request.FILES.getlist("file")
        error = upload_limit_error(request._request)
        if error is not None:
            return Response(error.as_dict(), status=413)
        team = self._team(request)
        if not files:
            raise ValidationError({"files": ["Attach at least one file (field `files`)."]})
        zonecfg_host = str(request.data.get("zonecfg_host") or "").strip()
        if zonecfg_host:
            problem = hostname_problem(zonecfg_host)
            if problem:
                raise ValidationError({"zonecfg_host": [f"Not a hostname: {problem}."]})
        outcomes = imports.import_uploads(
            team=team, uploads=files, user=request.user, limits=bundle_limits(), zonecfg_host=zonecfg_host
        )
        results = [o.api_dict() for o in outcomes]
        imported = sum(1 for r in results if r["ok"])
        body = {"team": team.pk, "imported": imported, "failed": len(results) - imported, "results": results}
        if imported:
            code = status.HTTP_201_CREATED
        elif any(o.conflict for o in outcomes):
            code = status.HTTP_409_CONFLICT  # every file refused, and a host of another kind has its name
        else:
            code = status.HTTP_400_BAD_REQUEST
        return Response(body, status=code)


# --- plans ----------------------------------------------------------------------------------------

_NIC_KEY_PARAMS = [
    OpenApiParameter("zone", str, required=True, description="Zone name."),
    OpenApiParameter("physical", str, required=True, description="The net's physical interface."),
    OpenApiParameter("address", str, required=False, description="The net's address (blank if none)."),
]
_DEVICE_KEY_PARAMS = [
    OpenApiParameter("zone", str, required=True, description="Zone name."),
    OpenApiParameter("match", str, required=True, description="The device's match pattern."),
]
_DISK_KEY_PARAMS = [OpenApiParameter("key", str, required=True, description="The layout key.")]
_ROUTE_KEY_PARAMS = [OpenApiParameter("zone", str, required=True, description="The zone's name.")]
_PLAN_WRITE = s.WRITE_ERRORS


@extend_schema_view(
    list=extend_schema(
        summary="List plans", responses=s.responses({200: s.PlanSerializer(many=True)}, *s.LIST_ERRORS)
    ),
    retrieve=extend_schema(
        summary="A plan: verdict, counts and the snapshots it was computed from",
        responses=s.responses({200: s.PlanDetailSerializer}, *s.READ_ERRORS),
    ),
    destroy=extend_schema(
        summary="Delete a plan; its jobs stay as records (409 while one of its jobs is queued or running)",
        responses=s.responses({204: None}, 401, 403, 404, 409),
    ),
)
class PlanViewSet(mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated, IsTeamOperatorForWrites]
    filterset_class = PlanFilter
    # Actions that read the plan's report (the others leave the big JSON column in the database).
    READS_REPORT = frozenset(
        {
            "report",
            "nic_mappings",
            "device_mappings",
            "disk_overrides",
            "size_overrides",
            "plan_settings",
            "routes",
        }
    )

    def get_queryset(self) -> QuerySet[Plan]:
        qs = Plan.objects.for_user(self.request.user).select_related(
            "source", "destination", "source_snapshot", "destination_snapshot", "created_by"
        )
        heavy = [
            f"{rel}__{f}"
            for rel in ("source_snapshot", "destination_snapshot")
            for f in ("raw_files", "inventory")
        ]
        qs = qs.defer(*heavy)
        if self.action not in self.READS_REPORT:
            qs = qs.defer("report")
        return qs.order_by("-created", "-pk")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return s.PlanSerializer if self.action == "list" else s.PlanDetailSerializer

    def perform_destroy(self, instance: Plan) -> None:
        try:
            services.plan_delete(plan=instance)
        except services.PlannerError as exc:
            raise DeleteRefused(str(exc)) from exc

    def _detail(self, plan: Plan, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=plan.pk)
        return Response(
            s.PlanDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(
        summary="Create a plan for a source and a destination host",
        request=s.PlanCreateSerializer,
        responses=s.responses({201: s.PlanDetailSerializer}, 400, 401, 403),
    )
    def create(self, request: Request) -> Response:
        if not operator_team_ids(request.user):
            raise PermissionDenied(WRITE_DENIED)
        data = validated(s.PlanCreateSerializer, request.data, context={"request": request})
        source, destination = data["source"], data["destination"]
        if not is_operator(request.user, source.team_id):
            raise PermissionDenied(WRITE_DENIED)
        try:
            plan = services.plan_create(
                team=source.team, source=source, destination=destination, name=data["name"], user=request.user
            )
        except services.PlannerError as exc:
            raise planner_error(exc) from exc
        return self._detail(plan, status.HTTP_201_CREATED)

    @extend_schema(
        summary="The plan report (the JSON `manage.py zflar_report` prints)",
        responses=s.responses({200: s.PlanReportSerializer}, *s.READ_ERRORS),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def report(self, request: Request, pk: str | None = None) -> Response:
        return Response(self.get_object().report or {})

    @extend_schema(
        summary="Re-plan from the hosts' current snapshots and the overrides",
        request=None,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def recompute(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        try:
            plan = services.plan_recompute(plan=plan)
        except services.PlannerError as exc:
            raise planner_error(exc) from exc
        return self._detail(plan)

    # NICs ------------------------------------------------------------------------------------

    @extend_schema(
        summary="The zone nets and where each goes on the destination",
        responses=s.responses({200: s.NicMappingsSerializer}, *s.READ_ERRORS),
    )
    @action(
        detail=True, methods=["get"], url_path="nic-mappings", url_name="nic-mappings", filter_backends=[]
    )
    def nic_mappings(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        overrides = list(NicOverride.objects.filter(plan=plan).order_by("zone", "physical", "address"))
        rows = sorted(presenters.nic_rows(plan), key=lambda r: (r.zone, r.physical, r.address))
        body = {
            "default_nic_target": plan.default_nic_target,
            "destination_ports": [p["name"] for p in selectors.destination_ports(plan)],
            "mappings": [row.api_dict() for row in rows],
            "overrides": s.NicOverrideSerializer(overrides, many=True).data,
        }
        return Response(body)

    @extend_schema(
        methods=["PUT", "PATCH"],
        summary="Choose where one zone net goes (map to a port, or drop it)",
        request=s.NicOverrideInputSerializer,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Forget the choice for one zone net (back to the computed mapping)",
        parameters=_NIC_KEY_PARAMS,
        request=None,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @action(
        detail=True,
        methods=["put", "patch", "delete"],
        url_path="nic-mappings/override",
        url_name="nic-override",
        filter_backends=[],
    )
    def nic_override(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        try:
            if request.method == "DELETE":
                key = validated(s.NicKeySerializer, request.query_params)
                plan = services.nic_override_clear(plan=plan, **key)
            else:
                data = validated(s.NicOverrideInputSerializer, request.data)
                plan = services.nic_override_set(plan=plan, user=request.user, **data)
        except services.PlannerError as exc:
            raise planner_error(exc) from exc
        return self._detail(plan)

    @extend_schema(
        summary="Set the port for nets with no other choice (blank clears it)",
        request=s.DefaultNicTargetSerializer,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="default-nic-target",
        url_name="default-nic-target",
        filter_backends=[],
    )
    def default_nic_target(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        data = validated(s.DefaultNicTargetSerializer, request.data)
        try:
            plan = services.plan_default_nic_target_set(plan=plan, target=data["target"])
        except services.PlannerError as exc:
            raise planner_error(exc) from exc
        return self._detail(plan)

    # devices ---------------------------------------------------------------------------------

    @extend_schema(
        summary="The zones' devices and what becomes of each on the destination",
        responses=s.responses({200: s.DeviceMappingsSerializer}, *s.READ_ERRORS),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="device-mappings",
        url_name="device-mappings",
        filter_backends=[],
    )
    def device_mappings(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        overrides = list(DeviceOverride.objects.filter(plan=plan).order_by("zone", "match"))
        rows = sorted(presenters.device_rows(plan), key=lambda r: (r.zone, r.match))
        mappings = [row.api_dict() for row in rows]
        return Response(
            {"mappings": mappings, "overrides": s.DeviceOverrideSerializer(overrides, many=True).data}
        )

    @extend_schema(
        methods=["PUT", "PATCH"],
        summary="Keep, replace or remove one zone device",
        request=s.DeviceOverrideInputSerializer,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Forget the choice for one zone device",
        parameters=_DEVICE_KEY_PARAMS,
        request=None,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @action(
        detail=True,
        methods=["put", "patch", "delete"],
        url_path="device-mappings/override",
        url_name="device-override",
        filter_backends=[],
    )
    def device_override(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        try:
            if request.method == "DELETE":
                key = validated(s.DeviceKeySerializer, request.query_params)
                plan = services.device_override_clear(plan=plan, **key)
            else:
                data = validated(s.DeviceOverrideInputSerializer, request.data)
                plan = services.device_override_set(plan=plan, **data)
        except services.PlannerError as exc:
            raise planner_error(exc) from exc
        return self._detail(plan)

    # disks -----------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The destination layout and the disks you chose for file systems",
        responses=s.responses({200: s.DiskOverridesSerializer}, *s.READ_ERRORS),
    )
    @extend_schema(
        methods=["PUT", "PATCH"],
        summary="Put one file system of the layout on a chosen disk (blank disk clears)",
        request=s.DiskOverrideInputSerializer,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Forget the disk choice for one file system",
        parameters=_DISK_KEY_PARAMS,
        request=None,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @action(
        detail=True,
        methods=["get", "put", "patch", "delete"],
        url_path="disk-overrides",
        url_name="disk-overrides",
        filter_backends=[],
    )
    def disk_overrides(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        if request.method == "GET":
            return Response(self._disk_overrides_body(plan))
        if request.method == "DELETE":
            key = validated(s.DiskKeySerializer, request.query_params)["key"]
            disk = ""
        else:
            data = validated(s.DiskOverrideInputSerializer, request.data)
            key, disk = data["key"], data["disk"]
            known_keys = presenters.report_of(plan).layout.keys | set(selectors.plan_disk_choices(plan))
            if key not in known_keys:
                raise ValidationError({"key": [f"the plan's layout has no file system {key!r}"]})
            if disk and disk not in presenters.disk_names(plan):
                raise ValidationError({"disk": [f"the destination has no disk {disk!r}"]})
        try:
            plan = services.disk_override_set(plan=plan, key=key, disk=disk)
        except services.PlannerError as exc:
            raise planner_error(exc) from exc
        return self._detail(plan)

    # sizes -----------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The layout's sizes: each file system's and estimated zone's size, and how it was worked out",
        responses=s.responses({200: s.SizeOverridesSerializer}, *s.READ_ERRORS),
    )
    @extend_schema(
        methods=["PUT", "PATCH"],
        summary="Give a file system (or a zone, zoneroot:<zone>) your size in MB; null clears it",
        request=s.SizeOverrideInputSerializer,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Forget your size for one file system or zone",
        parameters=[OpenApiParameter("key", str, required=True, description="The size key.")],
        request=None,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @action(
        detail=True,
        methods=["get", "put", "patch", "delete"],
        url_path="size-overrides",
        url_name="size-overrides",
        filter_backends=[],
    )
    def size_overrides(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        if request.method == "GET":
            return Response({"sizes": [row.api_dict() for row in presenters.size_rows(plan)]})
        if request.method == "DELETE":
            key, size = validated(s.SizeKeySerializer, request.query_params)["key"], None
        else:
            data = validated(s.SizeOverrideInputSerializer, request.data)
            key, size = data["key"], data["size_mb"]
            if key not in services.size_keys(plan) | set(selectors.plan_size_choices(plan)):
                raise ValidationError({"key": [f"the plan's layout has no file system or zone {key!r}"]})
        try:
            plan = services.size_override_set(plan=plan, key=key, size_mb=size)
        except services.PlannerError as exc:
            raise planner_error(exc) from exc
        return self._detail(plan)

    def _disk_overrides_body(self, plan: Plan) -> dict[str, Any]:
        overrides = selectors.plan_disk_choices(plan)
        return {
            "disks": presenters.disk_names(plan),
            "layout": [row.api_dict() for row in presenters.layout_rows(plan)],
            "overrides": [{"key": k, "disk": v} for k, v in sorted(overrides.items())],
        }

    # routes (issue #14) ----------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="Each zone's routes (flar, detach_attach, s10_branded), their verdicts and the pins",
        responses=s.responses({200: s.RoutesSerializer}, *s.READ_ERRORS),
    )
    @extend_schema(
        methods=["PUT", "PATCH"],
        summary="Pin one zone to a route; runbook and jobs follow it",
        request=s.RouteOverrideInputSerializer,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Unpin one zone: it takes the recommended route again",
        parameters=_ROUTE_KEY_PARAMS,
        request=None,
        responses=s.responses({200: s.PlanDetailSerializer}, *_PLAN_WRITE),
    )
    @action(
        detail=True,
        methods=["get", "put", "patch", "delete"],
        url_path="routes",
        url_name="routes",
        filter_backends=[],
    )
    def routes(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        if request.method == "GET":
            return Response(self._routes_body(plan))
        try:
            if request.method == "DELETE":
                zone = validated(s.RouteKeySerializer, request.query_params)["zone"]
                plan = services.route_override_clear(plan=plan, zone=zone)
            else:
                data = validated(s.RouteOverrideInputSerializer, request.data)
                plan = services.route_override_set(
                    plan=plan, zone=data["zone"], method=data["method"], user=request.user
                )
        except services.PlannerError as exc:
            raise planner_error(exc) from exc
        return self._detail(plan)

    def _routes_body(self, plan: Plan) -> dict[str, Any]:
        report = presenters.report_of(plan)
        overrides = RouteOverride.objects.filter(plan=plan).order_by("zone")
        return {
            "recommended_verdict": report.routes_verdict,
            "routes_listed": list(report.methods),
            "zones": [
                {
                    "zone": z.name,
                    "recommended_route": z.recommended,
                    "route": z.taken_route,
                    "pinned": z.route_pinned,
                    "routes": [
                        {
                            "method": r.method,
                            "verdict": r.verdict,
                            "blockers": sorted(
                                {
                                    f.code
                                    for f in (*r.findings, *report.host_findings_of(r.method))
                                    if f.severity == "blocker"
                                }
                            ),
                        }
                        for r in z.routes
                    ],
                }
                for z in report.zones
            ],
            "overrides": s.RouteOverrideSerializer(overrides, many=True).data,
        }

    # settings --------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The plan's settings: the values in use, its own, and where each comes from",
        responses=s.responses({200: s.PlanSettingsSerializer}, *s.READ_ERRORS),
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Set (a value) or clear (null: the team's default) some of the plan's settings, and re-plan",
        request=s.PlanSettingsInputSerializer,
        responses=s.responses({200: s.PlanSettingsSerializer}, *_PLAN_WRITE),
    )
    @action(
        detail=True, methods=["get", "patch"], url_path="settings", url_name="settings", filter_backends=[]
    )
    def plan_settings(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        if request.method == "PATCH":
            changes = validated(s.PlanSettingsInputSerializer, request.data)
            try:
                services.plan_settings_update(plan=plan, changes=changes)
            except services.SettingsError as exc:
                raise settings_error(exc) from exc
            except services.PlannerError as exc:
                raise planner_error(exc) from exc
            plan = self.get_queryset().get(pk=plan.pk)
        return Response(presenters.plan_settings(plan).api_dict())


# --- teams ----------------------------------------------------------------------------------------


def settings_error(exc: services.SettingsError) -> ValidationError:
    """The domain's refusal of some settings as a 400 body: ``{"<setting>": ["message"]}``."""
    return ValidationError({name: [message] for name, message in exc.problems.items()})


class TeamViewSet(viewsets.GenericViewSet):
    """The user's teams; only their default plan settings for now (another team's answers 404)."""

    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Team]:
        return selectors.teams_for_user(self.request.user).order_by("pk")

    @staticmethod
    def _body(team: Team) -> dict[str, Any]:
        row = selectors.team_settings_of(team)
        body = presenters.team_settings(row.values if isinstance(row.values, dict) else {}).api_dict()
        return {"team": team.pk, "updated": row.updated if row.pk else None, **body}

    @extend_schema(
        methods=["GET"],
        summary="The team's default plan settings: what its plans use where they set none",
        responses=s.responses({200: s.TeamSettingsSerializer}, *s.READ_ERRORS),
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Set (a value) or clear (null) some of the team's defaults; re-plans the plans that use them",
        request=s.TeamSettingsInputSerializer,
        responses=s.responses({200: s.TeamSettingsSavedSerializer}, *s.WRITE_ERRORS),
    )
    @action(detail=True, methods=["get", "patch"], url_path="settings", url_name="settings")
    def team_settings(self, request: Request, pk: str | None = None) -> Response:
        team = self.get_object()
        if request.method != "PATCH":
            return Response(self._body(team))
        if not is_operator(request.user, team.pk):
            raise PermissionDenied(WRITE_DENIED)
        changes = validated(s.TeamSettingsInputSerializer, request.data)
        try:
            saved = services.team_settings_update(team=team, changes=changes, user=request.user)
        except services.SettingsError as exc:
            raise settings_error(exc) from exc
        return Response(
            {
                **self._body(team),
                "changed": saved.changed,
                "replanned": [p.pk for p in saved.replanned],
                "not_replanned": [{"plan": p.pk, "error": e} for p, e in saved.failed],
            }
        )
