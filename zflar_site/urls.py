from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from planner.ratelimit import RateLimitedLoginView

urlpatterns = [
    # The admin's own login checks passwords too: it goes through the same throttle.
    path("admin/login/", RateLimitedLoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("login/", RateLimitedLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("zflar_site.api_urls")),
    path("jobs/", include("jobs.urls")),
    path("", include("planner.urls")),
]
