"""URLs of the planner API, included under /api/ by zflar_site.api_urls."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "planner_api"

router = SimpleRouter()
router.register("hosts", views.HostViewSet, basename="host")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("teams", views.TeamViewSet, basename="team")

urlpatterns = [
    path("bundles/", views.BundleUploadView.as_view(), name="bundles"),
    *router.urls,
]
