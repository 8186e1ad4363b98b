"""The no-op Celery task whose round trip is the job-overhead benchmark's reference.

Loaded by the benchmark worker through ``CELERY_IMPORTS`` in ``bench/settings_bench.py``;
it returns through the result backend that only the benchmark configures.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="bench.ping", ignore_result=False)
def ping() -> str:
    return "pong"
