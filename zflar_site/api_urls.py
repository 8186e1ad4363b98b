"""The API's URL root, included at "" by zflar_site.urls.

/api/                 entry points (DRF's browsable API in a browser)
/api/bundles/, /api/hosts/, /api/plans/...   planner.api
/api/jobs/, /api/plans/<id>/jobs/           jobs.api
/api/schema/          OpenAPI 3 schema (drf-spectacular)
/api/docs/            Swagger UI, assets served locally from drf-spectacular-sidecar
/api/token/           username + password -> token (rate-limited)
"""

from django.urls import include, path

from . import views

urlpatterns = [
    path("api/", views.ApiRootView.as_view(), name="api-root"),
    path("api/schema/", views.SchemaView.as_view(), name="api-schema"),
    path("api/docs/", views.DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/docs/assets/<str:name>", views.swagger_asset, name="api-docs-asset"),
    path("api/token/", views.ObtainTokenView.as_view(), name="api-token"),
    path("api/", include("planner.api.urls")),
    path("api/", include("jobs.api.urls")),
]
