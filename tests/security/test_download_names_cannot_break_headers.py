"""Issue #10, item 10: a download's file name cannot break its Content-Disposition header.

The attack: a hostname with a newline made the profile download a 500 (BadHeaderError), one with
'"' made the header malformed.  The boundary now refuses such names at import, and every
download builds its header with Django's helper anyway, so a stored name (imported before the
boundary) can neither break the header nor add one.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from planner.downloads import attachment

pytestmark = pytest.mark.django_db

HOSTILE = ['a"b', "a\nSet-Cookie: x=1", "a\r\nb", "naïve", 'x";filename="evil.sh', "a\\b"]


@pytest.mark.parametrize("name", HOSTILE)
def test_the_helper_keeps_any_name_inside_the_header(name: str) -> None:
    value = attachment(f"{name}.profile")
    assert value.startswith("attachment; filename")
    assert "\n" not in value and "\r" not in value
    # Either a quoted ASCII name with its quotes escaped, or an RFC 5987 encoded one.
    assert 'filename="' not in value or value.count('"') - value.count('\\"') == 2, value


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("what", ["profile", "sysidcfg", "finish", "runbook.md"])
def test_downloads_of_a_plan_whose_hosts_have_hostile_stored_names(
    operator_client: Any, world: Any, name: str, what: str
) -> None:
    from planner.models import Host

    plan = world.own.plan
    Host.objects.filter(pk=plan.destination_id).update(hostname=name)
    Host.objects.filter(pk=plan.source_id).update(hostname=name + "-src")
    response = operator_client.get(reverse("planner:plan_download", args=[plan.pk, what]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename") and "\n" not in header and "evil.sh" not in header


def test_csv_and_job_log_downloads_use_the_helper(operator_client: Any, world: Any) -> None:
    plan = world.own.plan
    csv = operator_client.get(reverse("planner:plan_findings_export", args=[plan.pk, "csv"]))
    assert csv["Content-Disposition"] == f'attachment; filename="asrc01-plan{plan.pk}-findings.csv"'
    log = operator_client.get(reverse("jobs:job_events_text", args=[world.own.failed_job.pk]))
    assert (
        log["Content-Disposition"] == f'attachment; filename="zflar-job-{world.own.failed_job.pk}-events.txt"'
    )
