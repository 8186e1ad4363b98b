"""URLs of the jobs API, included under /api/ by zflar_site.api_urls."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "jobs_api"

router = SimpleRouter()
router.register("jobs", views.JobViewSet, basename="job")

urlpatterns = [
    path("plans/<int:pk>/jobs/", views.PlanJobCreateView.as_view(), name="plan-jobs"),
    *router.urls,
]
