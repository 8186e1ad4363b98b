"""The site's own pages, which span the apps: the dashboard, and the API's root, schema, docs and token.

The planner and the jobs app never import this module; it imports both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import drf_spectacular_sidecar
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from jobs import selectors as job_selectors
from planner import extensions
from planner import selectors as planner_selectors
from planner.api import serializers as s
from planner.permissions import is_operator_anywhere
from planner.ratelimit import LoginRateLimiter

# --- the dashboard ----------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboard.html",
        {
            "stats": {
                **planner_selectors.plan_stats(request.user),
                "jobs": job_selectors.job_stats(request.user),
            },
            "latest_jobs": job_selectors.latest_jobs(request.user),
            "plans": planner_selectors.plans_for_user(request.user),
            "plan_columns": extensions.plan_columns(),
            "can_write": is_operator_anywhere(request.user),
        },
    )


# --- the API: token, schema, docs, root -------------------------------------------------------------


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class ObtainTokenView(ObtainAuthToken):
    """POST /api/token/: trade a username and password for an API token (rate-limited)."""

    authentication_classes: list[Any] = []
    limiter_class = LoginRateLimiter

    @extend_schema(
        summary="Obtain an API token",
        description=(
            "Send `username` and `password`; use the answer as `Authorization: Token <token>`. "
            "After LOGIN_RATE_LIMIT failed attempts for one username from one address, or "
            "LOGIN_RATE_LIMIT_PER_ADDRESS failed attempts from one address for any usernames, "
            "within 15 minutes the endpoint answers 429 until the window ends."
        ),
        request={
            "application/json": AuthTokenSerializer,
            "application/x-www-form-urlencoded": AuthTokenSerializer,
            "multipart/form-data": AuthTokenSerializer,
        },
        responses=s.responses({200: TokenResponseSerializer}, 400, 429),
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        limiter = self.limiter_class()
        username = str(request.data.get("username", "")) if hasattr(request.data, "get") else ""
        # Counted before the password is checked: concurrent guesses cannot slip past the limit.
        state = limiter.begin(request._request, username)
        if state.blocked:
            return Response(
                {"detail": state.message}, status=429, headers={"Retry-After": str(state.retry_after)}
            )
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        limiter.succeeded(request._request, username)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema; for signed-in users (session or token)."""

    permission_classes = [IsAuthenticated]


_ASSET_DIR = "drf_spectacular_sidecar/static/drf_spectacular_sidecar/swagger-ui-dist"
_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "favicon-32x32.png": "image/png",
}


def swagger_asset(request: HttpRequest, name: str) -> HttpResponse:
    """Swagger UI's files, from the drf-spectacular-sidecar package: the docs work offline.

    Only the four listed names are served (no path is ever built from user input).
    """
    content_type = _ASSETS.get(name)
    if content_type is None:
        raise Http404("no such asset")
    root = Path(drf_spectacular_sidecar.__file__).resolve().parent.parent
    response = FileResponse((root / _ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


class DocsView(SpectacularSwaggerView):
    """Swagger UI over /api/schema/, with its JS/CSS served by zflar itself (no CDN)."""

    permission_classes = [IsAuthenticated]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return reverse("api-docs-asset", kwargs={"name": filename})

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return reverse("api-docs-asset", kwargs={"name": "favicon-32x32.png"})


class ApiRootView(APIView):
    """The API's entry points (browsable in a browser)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        def link(name: str) -> str:
            return reverse(name, request=request)

        return Response(
            {
                "bundles": link("planner_api:bundles"),
                "hosts": link("planner_api:host-list"),
                "plans": link("planner_api:plan-list"),
                "jobs": link("jobs_api:job-list"),
                "archives": link("jobs_api:archive-list"),
                "token": link("api-token"),
                "schema": link("api-schema"),
                "docs": link("api-docs"),
            }
        )
