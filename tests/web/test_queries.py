"""Query budgets: the plan page for 50 zones and the list pages cost a bounded number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.bundles import t5220 as bundles
from tests.support.teams import import_bytes, make_job

pytestmark = pytest.mark.django_db

ZONES = tuple(f"zone{i:02d}" for i in range(50))


@pytest.fixture
def big_plan(team, operator):  # type: ignore[no-untyped-def]
    from planner import services

    src = import_bytes(team, "big.tar.gz", bundles.source_bundle("bigbox", zones=ZONES), operator).host
    dst = import_bytes(team, "newbox.tar.gz", bundles.destination_bundle(), operator).host
    plan = services.plan_create(team=team, source=src, destination=dst, user=operator)
    for state in ("succeeded", "partial", "running"):
        make_job(plan, state=state, zones=ZONES)
    return plan


@pytest.mark.parametrize("tab", ["matrix", "nics", "devices", "layout", "runbook", "jobs"])
def test_plan_page_for_50_zones(operator_client, big_plan, tab, django_assert_max_num_queries):
    url = reverse("planner:plan_detail", args=[big_plan.pk])
    with django_assert_max_num_queries(8):
        response = operator_client.get(url, {"tab": tab})
    assert response.status_code == 200
    if tab == "matrix":
        page = response.content.decode()
        assert page.count("<tr data-zone=") == 50


def test_report_for_50_zones(operator_client, big_plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = operator_client.get(reverse("planner:plan_report", args=[big_plan.pk]))
    assert response.content.decode().count('data-zone-result="') == 50


def test_list_pages_are_one_query_per_table(
    operator_client, big_plan, team, operator, django_assert_max_num_queries
):
    from planner import services

    for n in range(5):
        dst = import_bytes(team, f"d{n}.json", bundles.hardware_spec(f"spec{n}"), operator).host
        services.plan_create(team=team, source=big_plan.source, destination=dst, user=operator)
    for name in ("planner:dashboard", "planner:plan_list", "planner:host_list", "jobs:job_list"):
        with django_assert_max_num_queries(10):
            assert operator_client.get(reverse(name)).status_code == 200


def test_host_page_for_50_zones(operator_client, big_plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        response = operator_client.get(reverse("planner:host_detail", args=[big_plan.source_id]))
    assert response.content.decode().count('class="card zone"') == 50
