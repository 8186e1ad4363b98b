"""The site's URLs with /login/ served by the rate-limited LoginView (for test_login_ratelimit)."""

from django.urls import path

from planner.ratelimit import RateLimitedLoginView
from zflar_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("login/", RateLimitedLoginView.as_view(), name="login"),
    *site_urlpatterns,
]
