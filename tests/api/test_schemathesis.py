"""Property-based API test: every operation of the live OpenAPI schema, with an operator's token.

The schema is loaded from the running app (/api/schema/ through the WSGI handler, in process, in
this test's transaction) and each operation is called with generated inputs, twice over: once
with its path ids pinned to real objects of the operator's team (so the happy paths and the
service refusals run), once with generated ids (404s).  Every response must be no 5xx, have a
documented status code and match the documented schema.

ZFLAR_SCHEMATHESIS_EXAMPLES sets the examples per operation and pass (default 12: about a
minute on the 2-core machine).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("ZFLAR_SCHEMATHESIS_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """Django's WSGI handler, without closing the DB connection at each request's end.

    Like Django's test client: the connection holds this test's open transaction.
    """
    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _pinned_ids(path: str, world: Any) -> dict[str, int]:
    if "{id}" not in path:
        return {}
    own = world.own
    if path.startswith("/api/hosts/"):
        return {"id": own.source.pk}
    if path.startswith("/api/plans/"):
        return {"id": own.plan.pk}
    if path.startswith("/api/jobs/"):
        return {"id": own.failed_job.pk}
    if path.startswith("/api/archives/"):
        return {"id": own.archive.pk}
    if path.startswith("/api/teams/"):
        return {"id": own.team.pk}
    raise AssertionError(f"no object to pin for {path}")


def test_every_operation_conforms_to_the_schema(world, operator, wsgi_app) -> None:  # type: ignore[no-untyped-def]
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=operator)
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)

    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        pinned = _pinned_ids(operation.path, world)
        for label, path_parameters in (("pinned ids", pinned or None), ("generated ids", None)):
            if label == "generated ids" and not pinned:
                continue
            strategy = operation.as_strategy(path_parameters=path_parameters)

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{operation.method.upper()} {operation.path} ({label}):\n{exc}")

    assert operations >= 25, f"only {operations} operations in the schema"
    assert not failures, "\n\n".join(failures)
