"""Issue #10, item 9: the login throttle holds under concurrency, and spraying usernames is capped.

The attack: 64 concurrent wrong passwords from 32 threads; 39 (token endpoint) and 36 (HTML
login) reached the password check before the first 429, against a limit of 10, because the
limiter read its counter, let the request through and counted the failure afterwards.  Now each
attempt is counted atomically (``cache.add`` + ``cache.incr``) before its password is checked, so
at most the limit of them are checked.  Spraying one address over many usernames is capped by a
second counter per address.

The requests go through the real views (Django's test client, one per request, on 32 threads
against the database); a counting authentication backend counts the password checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from tests.support import auth

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 10
ADDRESS_LIMIT = 20
ATTEMPTS = 64
THREADS = 32


@pytest.fixture(autouse=True)
def _counting(settings: Any) -> Iterator[None]:
    from django.core.cache import cache

    settings.AUTHENTICATION_BACKENDS = ["tests.support.auth.CountingBackend"]
    settings.LOGIN_RATE_LIMIT = LIMIT
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = ADDRESS_LIMIT
    cache.clear()
    auth.reset()
    yield
    cache.clear()


def hammer(attempt: Callable[[int], int]) -> Counter[int]:
    """``ATTEMPTS`` calls of ``attempt(i)`` from ``THREADS`` threads at once; the status codes seen."""

    def one(i: int) -> int:
        try:
            return attempt(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return Counter(pool.map(one, range(ATTEMPTS)))


def token_attempt(username: Callable[[int], str]) -> Callable[[int], int]:
    def attempt(i: int) -> int:
        from rest_framework.test import APIClient

        client = APIClient(REMOTE_ADDR="203.0.113.50")
        return client.post(
            "/api/token/", {"username": username(i), "password": "wrong"}, format="json"
        ).status_code

    return attempt


def html_attempt(username: Callable[[int], str]) -> Callable[[int], int]:
    def attempt(i: int) -> int:
        from django.test import Client

        client = Client(REMOTE_ADDR="203.0.113.51")
        return client.post("/login/", {"username": username(i), "password": "wrong"}).status_code

    return attempt


def test_64_concurrent_wrong_passwords_on_the_token_endpoint(operator: Any) -> None:
    statuses = hammer(token_attempt(lambda i: "olivia"))
    print("token endpoint:", dict(statuses), "password checks:", auth.checks())
    assert auth.checks() <= LIMIT, f"{auth.checks()} password checks passed the limit of {LIMIT}"
    assert statuses[429] >= ATTEMPTS - LIMIT and set(statuses) <= {400, 429}, statuses


def test_64_concurrent_wrong_passwords_on_the_html_login(operator: Any) -> None:
    statuses = hammer(html_attempt(lambda i: "olivia"))
    print("HTML login:", dict(statuses), "password checks:", auth.checks())
    assert auth.checks() <= LIMIT, f"{auth.checks()} password checks passed the limit of {LIMIT}"
    assert statuses[429] >= ATTEMPTS - LIMIT and set(statuses) <= {200, 429}, statuses


@pytest.mark.parametrize("endpoint", ["token", "html"])
def test_spraying_usernames_from_one_address_is_capped(operator: Any, endpoint: str) -> None:
    make = token_attempt if endpoint == "token" else html_attempt
    statuses = hammer(make(lambda i: f"user{i}"))  # 64 usernames, one wrong password each
    print(endpoint, "spray:", dict(statuses), "password checks:", auth.checks())
    assert auth.checks() <= ADDRESS_LIMIT, f"{auth.checks()} checks passed the address cap of {ADDRESS_LIMIT}"
    assert statuses[429] >= ATTEMPTS - ADDRESS_LIMIT, statuses


def test_the_right_password_after_the_race_is_refused_too(operator: Any) -> None:
    """A refused attempt is refused unchecked: the right password gets 429, and learns nothing."""
    from rest_framework.test import APIClient

    hammer(token_attempt(lambda i: "olivia"))
    checked = auth.checks()
    client = APIClient(REMOTE_ADDR="203.0.113.50")
    response = client.post("/api/token/", {"username": "olivia", "password": "pw-olivia"}, format="json")
    assert response.status_code == 429
    assert auth.checks() == checked
    # From another address the same user still logs in (no lock-out of a colleague).
    other = APIClient(REMOTE_ADDR="198.51.100.9")
    assert (
        other.post("/api/token/", {"username": "olivia", "password": "pw-olivia"}, format="json").status_code
        == 200
    )


def test_the_admin_login_is_throttled_too(operator: Any) -> None:
    """/admin/login/ checks passwords as well; it is the same throttled view, not a way around it."""
    from django.test import Client

    client = Client(REMOTE_ADDR="203.0.113.52")
    statuses = [
        client.post("/admin/login/", {"username": "olivia", "password": "wrong"}).status_code
        for _ in range(12)
    ]
    assert statuses[:LIMIT] == [200] * LIMIT and statuses[LIMIT:] == [429, 429], statuses
    assert auth.checks() == LIMIT
