"""Issue #10, item 10: an oversized request is a 413 on the real dev server, never a 500.

The attack: an anonymous POST with a huge Content-Length to /login/ or /api/bundles/.  The size
middleware answered 413 with a ``Connection: close`` header, a hop-by-hop header that a WSGI
application may not set: wsgiref (``manage.py runserver``, what ``make run`` serves with) asserts,
and every 413 became a 500.  Tested against a real ``runserver`` subprocess with DEBUG off, since
Django's test client never goes through wsgiref.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import Server, raw_request, runserver

HUGE = 50 * 2**30  # 50 GiB declared; nothing of it is ever sent


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("runserver")
    with runserver(root / "var", root / "server.log", ZFLAR_PLAIN_HTTP="true") as running:
        yield running


def post_headers(path: str, length: int, content_type: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/login/", "application/x-www-form-urlencoded"),
        ("/api/bundles/", "multipart/form-data; boundary=x"),
        ("/upload/", "multipart/form-data; boundary=x"),
        ("/api/token/", "application/json"),
    ],
)
def test_anonymous_post_with_a_huge_content_length_is_413(
    server: Server, path: str, content_type: str
) -> None:
    response = raw_request(server.port, post_headers(path, HUGE, content_type))
    assert response.status == 413, f"{response.head}\n--- server log ---\n{server.output()[-3000:]}"
    assert b"limit" in response.body
    assert not response.header("Connection") or response.header("Connection") == ["close"]
    assert "AssertionError" not in server.output() and "Hop-by-hop" not in server.output()


def test_the_server_still_answers_after_the_413s(server: Server) -> None:
    raw_request(server.port, post_headers("/login/", HUGE, "application/x-www-form-urlencoded"))
    response = raw_request(
        server.port, b"GET /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert response.status == 200, response.head


def test_the_413_answer_sets_no_hop_by_hop_header(client: object) -> None:
    """The same through the WSGI handler: no response header wsgiref would refuse."""
    from wsgiref.util import is_hop_by_hop

    from django.test import Client

    response = Client().post("/login/", data=b"", content_type="text/plain", CONTENT_LENGTH=str(HUGE))
    assert response.status_code == 413
    assert [name for name in response.headers if is_hop_by_hop(name)] == []


def test_runserver_log_has_no_server_error(server: Server, tmp_path: Path) -> None:
    raw_request(server.port, post_headers("/api/bundles/", HUGE, "multipart/form-data; boundary=x"))
    assert '" 500 ' not in server.output(), server.output()[-3000:]
