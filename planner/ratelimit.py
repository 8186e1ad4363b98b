"""Login rate limiting: a small counter in Django's cache, keyed on client address + username.

After ``settings.LOGIN_RATE_LIMIT`` failed logins (default 10) for one username from one
address within ``settings.LOGIN_RATE_LIMIT_WINDOW`` seconds (default 15 minutes), further
attempts for that pair answer 429 until the window ends -- even with the right password, so a
guesser learns nothing.  The same user logging in from another address is not affected, so an
attacker cannot lock a colleague out.  A successful login clears the pair's counter.

Used by :class:`RateLimitedLoginView` (the HTML login) and the API token endpoint
(``planner.api.views.ObtainTokenView``).

The counter lives in the ``default`` cache.  Django's default cache is local memory, which is
per process: with several web processes (gunicorn workers) each keeps its own counts, so the
effective limit is N x processes.  Production with several processes should point CACHES at
a shared cache (Redis, already the Celery broker at scale) -- see docs/api.md.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist

DEFAULT_LIMIT = 10
DEFAULT_WINDOW_SECONDS = 15 * 60
_PREFIX = "zflar:login-failures:"


@dataclass(frozen=True)
class RateLimitStatus:
    blocked: bool
    failures: int
    retry_after: int  # seconds until the window ends (0 when not blocked)

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        return (
            f"Too many failed logins for this username from your address. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )


def client_ip(request: HttpRequest) -> str:
    """The client address: REMOTE_ADDR, or a header a trusted reverse proxy overwrites.

    Set ``LOGIN_RATE_LIMIT_IP_HEADER`` (e.g. ``"HTTP_X_REAL_IP"``) only when the proxy in front
    of zflar always sets that header itself; otherwise clients could choose their own address.
    """
    header = getattr(settings, "LOGIN_RATE_LIMIT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class LoginRateLimiter:
    """Counts failed logins per (client address, username) in a fixed window."""

    def __init__(self, *, limit: int | None = None, window: int | None = None, cache_alias: str = "default"):
        self.limit = limit if limit is not None else getattr(settings, "LOGIN_RATE_LIMIT", DEFAULT_LIMIT)
        self.window = (
            window
            if window is not None
            else getattr(settings, "LOGIN_RATE_LIMIT_WINDOW", DEFAULT_WINDOW_SECONDS)
        )
        self.cache = caches[cache_alias]

    def _key(self, request: HttpRequest, username: str) -> str:
        ident = f"{client_ip(request)}\0{(username or '').strip().lower()}"
        return _PREFIX + hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()

    def status(self, request: HttpRequest, username: str) -> RateLimitStatus:
        if self.limit <= 0:
            return RateLimitStatus(blocked=False, failures=0, retry_after=0)
        entry = self.cache.get(self._key(request, username))
        if not entry:
            return RateLimitStatus(blocked=False, failures=0, retry_after=0)
        failures, started = entry
        retry_after = max(0, int(started + self.window - time.time()))
        if retry_after == 0:
            return RateLimitStatus(blocked=False, failures=0, retry_after=0)
        return RateLimitStatus(blocked=failures >= self.limit, failures=failures, retry_after=retry_after)

    def register_failure(self, request: HttpRequest, username: str) -> RateLimitStatus:
        if self.limit <= 0:
            return RateLimitStatus(blocked=False, failures=0, retry_after=0)
        key = self._key(request, username)
        now = time.time()
        entry = self.cache.get(key)
        if entry and entry[1] + self.window > now:
            failures, started = entry[0] + 1, entry[1]
        else:
            failures, started = 1, now
        # get-then-set is not atomic: two concurrent failures may count once.  That loosens the
        # limit by a request or two under a race, which is acceptable for a login throttle.
        self.cache.set(key, (failures, started), timeout=max(1, int(started + self.window - now)))
        return self.status(request, username)

    def reset(self, request: HttpRequest, username: str) -> None:
        self.cache.delete(self._key(request, username))


class RateLimitedLoginView(LoginView):
    """Django's LoginView that answers 429 after too many failed logins (see module docstring)."""

    limiter_class = LoginRateLimiter

    def _username(self) -> str:
        return str(self.request.POST.get("username", ""))

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        limiter = self.limiter_class()
        status = limiter.status(request, self._username())
        if status.blocked:
            return self._blocked_response(status)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        self.limiter_class().reset(self.request, self._username())
        return super().form_valid(form)

    def form_invalid(self, form):  # type: ignore[no-untyped-def]
        self.limiter_class().register_failure(self.request, self._username())
        return super().form_invalid(form)

    def _blocked_response(self, status: RateLimitStatus) -> HttpResponse:
        # An unbound form (the password is never checked) carrying the message as its error.
        form = self.get_form_class()(request=self.request, initial={"username": self._username()})
        form.cleaned_data = {}
        form.add_error(None, status.message)
        context = self.get_context_data(form=form, rate_limit_message=status.message)
        try:
            response = self.render_to_response(context, status=429)
            response.render()
        except TemplateDoesNotExist:
            response = HttpResponse(status.message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(status.retry_after)
        return response
