from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from jobs.urls import plan_urlpatterns
from planner.ratelimit import RateLimitedLoginView
from planner.urls import urlpatterns as planner_urlpatterns

from . import views

# The planner namespace holds the planner's pages, the dashboard (it spans the apps) and the plan
# URLs the jobs app serves: their paths and names stay those the templates, docs and tests use.
planner_namespace = [path("", views.dashboard, name="dashboard"), *planner_urlpatterns, *plan_urlpatterns]

urlpatterns = [
    # The admin's own login checks passwords too: it goes through the same throttle.
    path("admin/login/", RateLimitedLoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("login/", RateLimitedLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("zflar_site.api_urls")),
    path("jobs/", include("jobs.urls")),
    path("", include((planner_namespace, "planner"))),
]
