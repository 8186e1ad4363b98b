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
