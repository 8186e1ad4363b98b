"""A real web server in a subprocess (``manage.py runserver`` or ``scripts/run-dev``), and raw HTTP to it.

The test client never goes through wsgiref, so what only the dev server does (hop-by-hop header
checks, unread request bodies) is tested against the real thing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def plain_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment ``make run`` gives the server: the real settings, nothing from the tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    for key in (
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "DATABASE_URL",
    ):
        env.pop(key, None)
    env.update({"DJANGO_SETTINGS_MODULE": "zflar_site.settings", "ZFLAR_VAR_DIR": str(var_dir)})
    env.update(extra)
    return env


@dataclass
class Server:
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the server exited ({proc.returncode}):\n{log.read_text(errors='replace')[-4000:]}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not listen on {port}:\n{log.read_text(errors='replace')[-4000:]}")


@contextmanager
def running(
    args: list[str], env: dict[str, str], log: Path, port: int, timeout: float = 90.0
) -> Iterator[Server]:
    """Start ``args`` in its own process group; stop that group (only it) afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_listening(port, proc, log, timeout)
        yield Server(port=port, proc=proc, log=log)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


def runserver(var_dir: Path, log: Path, **env: str) -> Iterator[Server]:
    port = free_port()
    args = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    return running(args, plain_env(var_dir, **env), log, port)


def manage(var_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=plain_env(var_dir, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass
class RawResponse:
    status: int
    head: str
    body: bytes

    def header(self, name: str) -> list[str]:
        wanted = name.lower() + ":"
        return [
            line.split(":", 1)[1].strip()
            for line in self.head.split("\r\n")[1:]
            if line.lower().startswith(wanted)
        ]


def raw_request(port: int, request: bytes, *, timeout: float = 30.0) -> RawResponse:
    """Send ``request`` as is (headers only, however large the Content-Length says the body is) and
    read the whole answer; the connection is closed by us once the answer is complete."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        text = head.decode("latin-1")
        status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/") else 0
        lengths = [
            int(line.split(":", 1)[1])
            for line in text.split("\r\n")
            if line.lower().startswith("content-length:")
        ]
        if not lengths:
            # No Content-Length (runserver sends none for a streamed body): read until the server
            # goes quiet.  It does not close, since it is still waiting for the body we never send.
            sock.settimeout(1.0)
        while not lengths or len(body) < lengths[0]:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            body += chunk
        return RawResponse(status=status, head=text, body=body)
