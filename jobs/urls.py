"""The jobs pages (under /jobs/), and the two plan URLs the jobs app serves.

``plan_urlpatterns`` (start a job from the plan page, export the last job's results) keep the
planner's URLs and names: zflar_site.urls puts them into the ``planner`` namespace.
"""

from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("<int:pk>/events.txt", views.job_events_text, name="job_events_text"),
    path("<int:pk>/cancel/", views.job_cancel_view, name="job_cancel"),
    path("<int:pk>/retry/", views.job_retry_view, name="job_retry"),
    path("archives/", views.archive_inspect, name="archive_inspect"),
    path("archives/<int:pk>/download/", views.archive_download, name="archive_download"),
]

plan_urlpatterns = [
    path("plans/<int:pk>/jobs/", views.plan_job_start, name="plan_job_start"),
    path("plans/<int:pk>/results.<str:fmt>", views.plan_results_export, name="plan_results_export"),
]
