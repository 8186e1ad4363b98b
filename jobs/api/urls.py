"""URLs of the jobs API, included under /api/ by zflar_site.api_urls."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "jobs_api"

router = SimpleRouter()
router.register("jobs", views.JobViewSet, basename="job")
router.register("archives", views.ArchiveViewSet, basename="archive")

urlpatterns = [
    # Any id shape reaches the view (like the router's routes), so a bad id is a JSON 404.
    re_path(r"^plans/(?P<pk>[^/.]+)/jobs/$", views.PlanJobCreateView.as_view(), name="plan-jobs"),
    *router.urls,
]
