"""Login throttling: atomic counters in Django's cache, taken *before* the password is checked.

Two fixed-window counters, for the HTML login (:class:`RateLimitedLoginView`) and the API token
endpoint (``planner.api.views.ObtainTokenView``):

- per client address and username: at most ``LOGIN_RATE_LIMIT`` attempts (default 10) in
  ``LOGIN_RATE_LIMIT_WINDOW`` seconds (default 15 minutes).  The same user from another address
  is not affected, so an attacker cannot lock a colleague out;
- per client address, across usernames: at most ``LOGIN_RATE_LIMIT_PER_ADDRESS`` failed
  attempts (default 30) in the same window, so spraying one password over many usernames is
  capped too.

Each attempt is counted with ``cache.add`` + ``cache.incr`` (atomic in the local-memory cache
and in Redis) before the password is checked, and refused without a check once a counter is
past its limit.  So however many requests arrive at once, at most the limit of them reach the
password check; a refused attempt answers 429 even with the right password, so a guesser learns
nothing.  A successful login clears its (address, username) counter and gives its attempt back
to the address.

Why not django-axes or django-ratelimit: axes records a failure *after* the password check, so
concurrent requests all pass its lockout test first (the race this module fixes); django-ratelimit
counts every request atomically but has no notion of a success clearing the count.  The two
counters here are a few lines over the cache API.

The counters live in the ``default`` cache.  The local-memory default is per process: with
several web processes set ``CACHE_URL=redis://...`` so they share one count (docs/security.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.template.response import TemplateResponse

DEFAULT_LIMIT = 10
DEFAULT_ADDRESS_LIMIT = 30
DEFAULT_WINDOW_SECONDS = 15 * 60
_PREFIX = "zflar:login:"


@dataclass(frozen=True)
class RateLimitStatus:
    blocked: bool
    failures: int
    retry_after: int  # seconds until the window ends (0 when not blocked)
    scope: str = "pair"  # "pair": this username from this address; "address": any username

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        who = "from your address" if self.scope == "address" else "for this username from your address"
        return f"Too many failed logins {who}. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


_OPEN = RateLimitStatus(blocked=False, failures=0, retry_after=0)


def client_ip(request: HttpRequest) -> str:
    """The client address: REMOTE_ADDR, or a header a trusted reverse proxy overwrites.

    Set ``LOGIN_RATE_LIMIT_IP_HEADER`` (e.g. ``"HTTP_X_REAL_IP"``) only when the proxy in front
    of zflar always sets that header itself; otherwise clients could choose their own address.
    """
    header = getattr(settings, "LOGIN_RATE_LIMIT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        if value:
            return str(value).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class LoginRateLimiter:
    """Counts login attempts per (address, username) and failures per address, in a fixed window."""

    def __init__(
        self,
        *,
        limit: int | None = None,
        window: int | None = None,
        address_limit: int | None = None,
        cache_alias: str = "default",
    ) -> None:
        self.limit = int(limit if limit is not None else getattr(settings, "LOGIN_RATE_LIMIT", DEFAULT_LIMIT))
        self.window = max(
            1,
            int(
                window
                if window is not None
                else getattr(settings, "LOGIN_RATE_LIMIT_WINDOW", DEFAULT_WINDOW_SECONDS)
            ),
        )
        self.address_limit = int(
            address_limit
            if address_limit is not None
            else getattr(settings, "LOGIN_RATE_LIMIT_PER_ADDRESS", DEFAULT_ADDRESS_LIMIT)
        )
        self.cache = caches[cache_alias]

    # --- keys --------------------------------------------------------------------------------

    def _pair_key(self, request: HttpRequest, username: str) -> str:
        return f"{_PREFIX}pair:{_digest(client_ip(request), (username or '').strip().lower())}"

    def _address_key(self, request: HttpRequest) -> str:
        return f"{_PREFIX}addr:{_digest(client_ip(request))}"

    # --- the counters ------------------------------------------------------------------------

    def _incr(self, key: str) -> int:
        """Add one to the window's counter atomically, starting a window when there is none."""
        for _ in range(3):
            if self.cache.add(key, 0, timeout=self.window):
                self.cache.add(f"{key}:t", time.time(), timeout=self.window)
            try:
                return int(self.cache.incr(key))
            except ValueError:  # the window ended between add and incr: start a new one
                continue
        return int(self.cache.get(key) or 0)

    def _retry_after(self, key: str) -> int:
        started = self.cache.get(f"{key}:t")
        if started is None:
            return self.window
        return max(1, int(float(started) + self.window - time.time()))

    def _count(self, key: str) -> int:
        return int(self.cache.get(key) or 0)

    # --- what the views call ------------------------------------------------------------------

    def begin(self, request: HttpRequest, username: str) -> RateLimitStatus:
        """Count this attempt before its password is checked; ``blocked``: refuse it unchecked."""
        if self.limit <= 0:
            return _OPEN
        pair_key = self._pair_key(request, username)
        pair = self._incr(pair_key)
        if pair > self.limit:
            return RateLimitStatus(True, pair - 1, self._retry_after(pair_key), "pair")
        if self.address_limit > 0:
            address_key = self._address_key(request)
            address = self._incr(address_key)
            if address > self.address_limit:
                return RateLimitStatus(True, address - 1, self._retry_after(address_key), "address")
        return RateLimitStatus(False, pair - 1, 0, "pair")

    def succeeded(self, request: HttpRequest, username: str) -> None:
        """The password was right: clear the pair's count and give the attempt back to the address."""
        self.cache.delete_many([self._pair_key(request, username), f"{self._pair_key(request, username)}:t"])
        if self.limit > 0 and self.address_limit > 0:
            with contextlib.suppress(ValueError):  # the window ended meanwhile
                self.cache.decr(self._address_key(request))

    def status(self, request: HttpRequest, username: str) -> RateLimitStatus:
        """Whether the next attempt would be refused (reads the counters, counts nothing)."""
        if self.limit <= 0:
            return _OPEN
        pair_key = self._pair_key(request, username)
        pair = self._count(pair_key)
        if pair >= self.limit:
            return RateLimitStatus(True, pair, self._retry_after(pair_key), "pair")
        if self.address_limit > 0:
            address_key = self._address_key(request)
            address = self._count(address_key)
            if address >= self.address_limit:
                return RateLimitStatus(True, address, self._retry_after(address_key), "address")
        return RateLimitStatus(False, pair, 0, "pair")

    def register_failure(self, request: HttpRequest, username: str) -> RateLimitStatus:
        """Count a failed attempt that did not go through :meth:`begin` (e.g. from another login path)."""
        if self.limit > 0:
            self._incr(self._pair_key(request, username))
            if self.address_limit > 0:
                self._incr(self._address_key(request))
        return self.status(request, username)

    def reset(self, request: HttpRequest, username: str) -> None:
        pair_key = self._pair_key(request, username)
        self.cache.delete_many([pair_key, f"{pair_key}:t"])


class RateLimitedLoginView(LoginView):
    """Django's LoginView that answers 429 after too many failed logins (see module docstring)."""

    limiter_class = LoginRateLimiter

    def _username(self) -> str:
        return str(self.request.POST.get("username", ""))

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        status = self.limiter_class().begin(request, self._username())
        if status.blocked:
            return self._blocked_response(status)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        self.limiter_class().succeeded(self.request, self._username())
        return super().form_valid(form)

    def _blocked_response(self, status: RateLimitStatus) -> HttpResponse:
        # An unbound form (the password is never checked) carrying the message as its error.
        form = self.get_form_class()(request=self.request, initial={"username": self._username()})
        form.cleaned_data = {}
        form.add_error(None, status.message)
        context = self.get_context_data(form=form, rate_limit_message=status.message)
        try:
            response = self.render_to_response(context, status=429)
            if isinstance(response, TemplateResponse):
                response.render()
        except TemplateDoesNotExist:
            response = HttpResponse(status.message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(status.retry_after)
        return response
