"""Issue #10, items 10-11: ``make run`` serves with DEBUG off, its own error pages, and static files
that cannot be walked out of.

The attack: under ``make run`` (DEBUG on) a 404 listed the whole URLconf, errors showed
tracebacks, and ``/static/%2e%2e/var/secret_key`` answered 500.  Now ``scripts/run-dev`` (what
``make run`` starts) serves with DEBUG off over plain HTTP on this machine: no HTTPS redirect and
no Secure-only cookies, so logging in on http://127.0.0.1 works; WhiteNoise serves the static
files; 404 and 500 are the app's own pages.  The production settings keep HSTS, the redirect and
secure cookies (tests/security/test_deploy.py).

The server here is the real ``bash scripts/run-dev`` (runserver and a Celery worker) on a fresh
var folder, stopped by its process group at the end.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import REPO, Server, free_port, manage, plain_env, raw_request, running, runserver

USER, PASSWORD = "plainhttp", "a-long-local-password-42"


@pytest.fixture(scope="module")
def run_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("run-dev")
    var = root / "var"
    migrated = manage(var, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    script = (
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user({USER!r}, password={PASSWORD!r})"
    )
    made = manage(var, "shell", "-c", script)
    assert made.returncode == 0, made.stderr
    (var / "secret_key").write_text("x" * 60)  # what the traversal below must never read
    port = free_port()
    env = plain_env(var)
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    with running(
        ["bash", "scripts/run-dev", "127.0.0.1", str(port)], env, root / "run-dev.log", port
    ) as server:
        yield server


def get(server: Server, path: str, *headers: str) -> Any:
    extra = "".join(f"{h}\r\n" for h in headers)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n{extra}Connection: close\r\n\r\n"
    return raw_request(server.port, request.encode())


def test_a_404_is_the_app_s_own_page_without_the_urlconf(run_dev: Server) -> None:
    response = get(run_dev, "/no/such/page/")
    body = response.body.decode()
    assert response.status == 404, response.head
    assert "Not found" in body and "/static/zflar.css" in body  # the site's own page and look
    assert "URLconf" not in body and "DEBUG = True" not in body and "Traceback" not in body


def test_static_files_are_served_and_cannot_be_walked_out_of(run_dev: Server) -> None:
    css = get(run_dev, "/static/zflar.css")
    assert css.status == 200 and b"{" in css.body
    for path in (
        "/static/%2e%2e/var/secret_key",
        "/static/../var/secret_key",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2fvar/secret_key",
    ):
        response = get(run_dev, path)
        assert response.status in (400, 404), (path, response.head)
        assert b"x" * 60 not in response.body
    assert '" 500 ' not in run_dev.output(), run_dev.output()[-3000:]


def test_login_works_over_plain_http_on_localhost(run_dev: Server) -> None:
    page = get(run_dev, "/login/")
    assert page.status == 200, page.head  # no redirect to https://
    assert not page.header("Strict-Transport-Security")
    cookie = next(c for c in page.header("Set-Cookie") if c.startswith("csrftoken="))
    assert "secure" not in cookie.lower()
    csrf = cookie.split(";", 1)[0].split("=", 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body.decode())
    assert token is not None
    form = f"csrfmiddlewaretoken={token.group(1)}&username={USER}&password={PASSWORD}".encode()
    request = (
        f"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1:{run_dev.port}\r\nCookie: csrftoken={csrf}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(form)}\r\n"
        f"Referer: http://127.0.0.1:{run_dev.port}/login/\r\nConnection: close\r\n\r\n"
    ).encode() + form
    logged_in = raw_request(run_dev.port, request)
    assert logged_in.status == 302, logged_in.head + logged_in.body.decode(errors="replace")[-2000:]
    session = next(c for c in logged_in.header("Set-Cookie") if c.startswith("sessionid="))
    assert "secure" not in session.lower() and "httponly" in session.lower()
    dashboard = get(run_dev, "/", f"Cookie: {session.split(';', 1)[0]}")
    assert dashboard.status == 200 and b"Dashboard" in dashboard.body


def test_run_dev_sets_debug_off_and_plain_http() -> None:
    text = (REPO / "scripts" / "run-dev").read_text()
    assert 'export DEBUG="${DEBUG:-false}"' in text
    assert 'export ZFLAR_PLAIN_HTTP="${ZFLAR_PLAIN_HTTP:-true}"' in text


def test_static_traversal_is_a_404_with_debug_on_too(tmp_path: Path) -> None:
    """A developer who sets DEBUG=true still gets a 404, not a 500 (runserver's own static
    handler is switched off: WhiteNoise serves static files in both modes)."""
    var = tmp_path / "var"
    var.mkdir()
    (var / "secret_key").write_text("y" * 60)
    with runserver(var, tmp_path / "server.log", DEBUG="true") as server:
        response = get(server, "/static/%2e%2e/var/secret_key")
        assert response.status == 404, response.head
        assert get(server, "/static/zflar.css").status == 200


def test_the_500_page_is_the_app_s_own(rf: Any, settings: Any) -> None:
    from django.views.defaults import server_error

    settings.DEBUG = False
    response = server_error(rf.get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body and "/static/zflar.css" in body and 'class="topbar' in body


def test_through_the_test_client_too(client: Any, settings: Any) -> None:
    settings.DEBUG = False
    for path in ("/static/%2e%2e/var/secret_key", "/static/..%2f..%2fetc/passwd"):
        assert client.get(path).status_code == 404
    assert "URLconf" not in client.get("/nope/").content.decode()
