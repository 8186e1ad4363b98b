"""The planner pages.  zflar_site.urls includes them in the ``planner`` namespace, together with the
dashboard and the jobs app's plan URLs (jobs.urls.plan_urlpatterns)."""

from django.urls import path

from . import views

app_name = "planner"

urlpatterns = [
    path("help/findings/", views.help_findings, name="help_findings"),
    path("hosts/", views.host_list, name="host_list"),
    path("hosts/<int:pk>/", views.host_detail, name="host_detail"),
    path("hosts/<int:pk>/delete/", views.host_delete, name="host_delete"),
    path("hosts/delete/", views.hosts_delete, name="hosts_delete"),
    path("upload/", views.upload, name="upload"),
    path("upload/catalog/", views.destination_catalog, name="destination_catalog"),
    path("upload/spec/", views.destination_spec, name="destination_spec"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:pk>/settings/", views.team_settings, name="team_settings"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/delete/", views.plans_delete, name="plans_delete"),
    path("plans/<int:pk>/replan/", views.plan_replan, name="plan_replan"),
    path("plans/<int:pk>/nics/", views.plan_nic_set, name="plan_nic_set"),
    path("plans/<int:pk>/nics/default/", views.plan_nic_default, name="plan_nic_default"),
    path("plans/<int:pk>/devices/", views.plan_device_set, name="plan_device_set"),
    path("plans/<int:pk>/layout/", views.plan_disk_set, name="plan_disk_set"),
    path("plans/<int:pk>/routes/", views.plan_route_set, name="plan_route_set"),
    path("plans/<int:pk>/sizes/", views.plan_size_set, name="plan_size_set"),
    path("plans/<int:pk>/settings/", views.plan_settings_save, name="plan_settings_save"),
    path("plans/<int:pk>/report/", views.plan_report, name="plan_report"),
    path(
        "plans/<int:pk>/findings.<str:fmt>",
        views.plan_findings_export,
        name="plan_findings_export",
    ),
    path("plans/<int:pk>/routes.<str:fmt>", views.plan_routes_export, name="plan_routes_export"),
    path("plans/<int:pk>/download/<str:what>", views.plan_download, name="plan_download"),
]
