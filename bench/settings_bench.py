"""Benchmark settings: production settings, served over plain HTTP on loopback.

Only what a TLS-less loopback server needs is changed, plus an optional Celery result
backend so the no-op round-trip reference (``bench.celery_ping.ping``) can return a value.
"""

from zflar_site.settings import *  # noqa: F403
from zflar_site.settings import env

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
CELERY_RESULT_BACKEND = env.str("BENCH_RESULT_BACKEND", default="") or None
# Static files are not measured; serve them through the finders as the tests do (no collectstatic).
STATIC_ROOT = None
# The benchmark worker also runs the no-op reference task.
CELERY_IMPORTS = ("bench.celery_ping",)
