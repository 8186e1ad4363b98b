"""Plan settings in a real Chromium: edit them on the Settings tab, see the runbook change.

The seed-rows host planned against a catalog V445 (created through the services); the operator
sets the JumpStart server and the rest of what the runbook needs, meets an inline error on the
way, and finds the new values in the runbook and none of the placeholders.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import UNLABELLED_CONTROLS, log_in
from tests.support.plans import ROOT_HASH

pytestmark = [pytest.mark.browser]


def test_settings_edit_changes_the_runbook(page: Page, live_server, operator, seed_plan) -> None:  # type: ignore[no-untyped-def]
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/?tab=runbook")
    runbook = page.locator("#runbook")
    expect(runbook).to_contain_text("On jumpstart-server: share the JumpStart directory read-only")

    page.locator("#tab-settings").click()
    form = page.locator("#settings-form")
    expect(form).to_be_visible()
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    incomplete = page.locator("#settings-incomplete")
    expect(incomplete).to_contain_text("jumpstart_server")
    setting = page.locator('[data-setting="jumpstart_server"]')
    expect(setting.locator("[data-source-label]")).to_have_text("planner default")

    # A bad value first: the domain's message, under its field, and nothing saved.
    form.get_by_label("JumpStart server").fill("js lab 01")
    form.get_by_label("IP address").fill("10.0.0.300")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator('[data-setting="ip_address"] .field-error')).to_contain_text(
        "an IPv4 address in dotted form is needed"
    )
    expect(page.locator('[data-setting="jumpstart_server"] .field-error')).to_contain_text("hostname")

    form = page.locator("#settings-form")
    form.get_by_label("JumpStart server").fill("js-lab-01")
    form.get_by_label("IP address").fill("192.168.10.50")
    form.get_by_label("Archive location").fill("nfs://flar01/export/flar/{hostname}.flar")
    form.get_by_label("Root password hash").fill(ROOT_HASH)
    form.get_by_label("Netmask").fill("255.255.255.0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").filter(has_text="Settings saved; re-planned")).to_be_visible()
    setting = page.locator('[data-setting="jumpstart_server"]')
    expect(setting.locator("[data-source-label]")).to_have_text("this plan")
    expect(setting.locator("[data-value]")).to_have_text("js-lab-01")
    expect(page.locator('[data-setting="root_password_hash"] [data-value]')).to_have_text("set")
    expect(page.get_by_label("Root password hash")).to_have_value("")  # write-only
    assert ROOT_HASH not in page.content()
    expect(page.locator("#settings-complete")).to_be_visible()  # PLAN_SETTINGS_INCOMPLETE is gone
    expect(page.locator("#settings-incomplete")).to_have_count(0)

    page.locator("#tab-runbook").click()
    runbook = page.locator("#runbook")
    expect(runbook).to_contain_text("On js-lab-01: share the JumpStart directory read-only")
    expect(runbook).to_contain_text("add_install_client -c js-lab-01:/jumpstart")
    expect(runbook).to_contain_text("share -F nfs -o ro,anon=0 /export/flar")
    expect(runbook).not_to_contain_text("jumpstart-server")
    expect(runbook).not_to_contain_text("archive-server")
