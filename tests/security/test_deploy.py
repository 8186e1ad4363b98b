"""Production settings: `check --deploy` is clean, cookies are Secure, HSTS is sent.

Each runs the real settings module (zflar_site.settings, not the test settings) in a subprocess
with a production-like environment: DEBUG unset, a long SECRET_KEY, ALLOWED_HOSTS set.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    for key in (
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
    ):
        env.pop(key, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "zflar_site.settings",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "zflar.example.com,testserver",
            "ZFLAR_VAR_DIR": str(tmp_path / "var"),
        }
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path),
    )
    output = result.stdout + result.stderr
    print(output)
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client()
api = client.get("/api/", secure=True)
login = client.get("/login/", secure=True)
plain = client.get("/login/")
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "X_FRAME_OPTIONS": settings.X_FRAME_OPTIONS,
    "api_status": api.status_code,
    "api_hsts": api.headers.get("Strict-Transport-Security", ""),
    "api_nosniff": api.headers.get("X-Content-Type-Options", ""),
    "login_status": login.status_code,
    "login_frame": login.headers.get("X-Frame-Options", ""),
    "csrf_cookie_secure": bool(login.cookies["csrftoken"]["secure"]) if "csrftoken" in login.cookies
    else None,
    "plain_http_status": plain.status_code,
    "plain_http_location": plain.headers.get("Location", ""),
}))
"""


def test_secure_cookies_and_hsts_when_debug_is_off(tmp_path: Path) -> None:
    result = run([sys.executable, "-c", PROBE], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    flags = json.loads(result.stdout.strip().splitlines()[-1])
    print(json.dumps(flags, indent=2))
    assert flags["DEBUG"] is False
    assert flags["SESSION_COOKIE_SECURE"] is True
    assert flags["SESSION_COOKIE_HTTPONLY"] is True
    assert flags["CSRF_COOKIE_SECURE"] is True
    assert flags["SECURE_HSTS_SECONDS"] >= 31536000
    assert flags["SECURE_SSL_REDIRECT"] is True
    assert flags["X_FRAME_OPTIONS"] == "DENY"
    assert flags["api_status"] == 401
    assert "max-age=" in flags["api_hsts"]
    assert "includeSubDomains" in flags["api_hsts"]
    assert flags["api_nosniff"] == "nosniff"
    assert flags["login_status"] == 200
    assert flags["login_frame"] == "DENY"
    assert flags["csrf_cookie_secure"] is True
    assert flags["plain_http_status"] == 301
    assert flags["plain_http_location"].startswith("https://")


def test_debug_mode_is_opt_in(tmp_path: Path) -> None:
    """For contrast: with DEBUG=true (development) the TLS-only flags are off."""
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    )
    result = run([sys.executable, "-c", probe], production_env(tmp_path, DEBUG="true"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
