"""The Route column in a real browser (issue #14): open a zone's routes, pin one, see the matrix,
the header and the runbook follow; then take the recommendation back."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser


def test_pin_a_route_from_the_matrix_and_take_the_recommendation_back(
    page: Page, live_server: Any, operator: Any, seed_plan: Any
) -> None:
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    cell = page.locator('#matrix tr[data-zone="z-svm"] td.route-cell')
    # The flash archive cannot take the SVM zone: it is recommended detach/attach.
    expect(cell).to_have_attribute("data-route", "detach_attach")
    expect(page.locator("#route-verdict")).to_be_visible()
    cell.locator("summary").click()
    expect(cell.locator(".route-options")).to_contain_text("Flash archive: Blocked")
    cell.locator("select").select_option("flar")
    cell.locator("button", has_text="Pin").click()
    cell = page.locator('#matrix tr[data-zone="z-svm"] td.route-cell')
    expect(cell).to_have_attribute("data-route", "flar")
    expect(cell).to_have_attribute("data-route-pinned", "1")
    expect(page.locator("[role=status]")).to_contain_text("z-svm: pinned to Flash archive.")
    page.locator("#tab-runbook").click()
    expect(page.locator('.route-section[data-route="detach_attach"]').first).to_contain_text("z-nfs-zonepath")
    page.locator("#tab-matrix").click()
    cell = page.locator('#matrix tr[data-zone="z-svm"] td.route-cell')
    cell.locator("summary").click()
    cell.locator("select").select_option("")
    cell.locator("button", has_text="Pin").click()
    expect(page.locator('#matrix tr[data-zone="z-svm"] td.route-cell')).to_have_attribute(
        "data-route", "detach_attach"
    )
