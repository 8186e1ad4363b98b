"""Keyboard only: the NIC mapping select and the job start button are reachable and operable.

No mouse and no ``locator.click()``: the test presses Tab until the control has the
focus, then works it with the arrow keys and Enter, as a keyboard user would.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.browser import FINAL_JOB_STATES, UNLABELLED_CONTROLS, log_in, wait_for_job_end

pytestmark = [pytest.mark.browser, pytest.mark.worker]

MAX_TABS = 150


def tab_to(page: Page, target: Locator) -> int:
    """Press Tab until ``target`` has the focus; return how many presses it took."""
    expect(target).to_be_visible()
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return presses
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"{MAX_TABS} Tab presses never reached the control; the focus is on {focused}")


def test_nic_select_and_job_start_by_keyboard(page: Page, live_server, operator, seed_plan, worker) -> None:  # type: ignore[no-untyped-def]
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/?tab=nics")
    assert page.evaluate(UNLABELLED_CONTROLS) == []

    row = page.locator('#nic-mapping tr[data-nic-zone="z-net-same"]')
    select = row.get_by_role("combobox", name="Destination port for z-net-same bge0")
    expect(select).to_have_accessible_name("Destination port for z-net-same bge0 10.20.1.22/24")
    expect(select).to_have_value("")  # following the proposal (bge0)
    expect(row.locator("[data-zone-verdict]")).to_have_attribute("data-zone-verdict", "ready")

    tab_to(page, select)
    page.keyboard.press("ArrowDown")  # (proposal: bge0) → bge0
    page.keyboard.press("ArrowDown")  # bge0 → bge1
    expect(select).to_have_value("bge1")
    save = row.get_by_role("button", name="Save the destination of z-net-same bge0")
    page.keyboard.press("Tab")
    expect(save).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").filter(has_text="z-net-same bge0 → bge1.")).to_be_visible()
    row = page.locator('#nic-mapping tr[data-nic-zone="z-net-same"]')
    expect(row.locator("[data-zone-verdict]")).to_have_attribute("data-zone-verdict", "ready_with_steps")
    expect(row.get_by_role("combobox")).to_have_value("bge1")
    # htmx swapped the tab; the focus comes back to the same Save button, not to the top of the page.
    expect(row.get_by_role("button", name="Save the destination of z-net-same bge0")).to_be_focused()

    # To the Jobs tab and its start button, still by keyboard.
    jobs_tab = page.get_by_role("navigation", name="Plan sections").get_by_role("link", name="Jobs")
    page.keyboard.press("Shift+Tab")  # from the row backwards: the tabs come before the table
    for _ in range(MAX_TABS):
        if jobs_tab.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Shift+Tab")
    expect(jobs_tab).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#tab-panel")).to_have_attribute("data-tab", "jobs")
    assert page.evaluate(UNLABELLED_CONTROLS) == []

    form = page.locator("#start-archive-form")
    expect(form.get_by_role("combobox", name="Executor")).to_have_value("local")
    expect(form.get_by_role("checkbox", name="Halt running zones first")).to_be_checked()
    start = form.get_by_role("button", name="Start archive job")
    tab_to(page, start)
    page.keyboard.press("Enter")

    expect(page.locator("#job-state")).to_have_attribute("data-state", "queued")
    expect(page.locator("#job-facts")).to_contain_text("all zones of the plan")
    worker.start()  # run it, so no queued job outlives the test
    assert wait_for_job_end(page, worker) in FINAL_JOB_STATES
