"""Issue #13 in a real Chromium: the page fixes a new user's first hour ran into.

Each test drives the pages as an operator would; the server is the live server (the test's
SQLite file), and no Celery worker is needed (no job runs here: the journey and the fresh-checkout
API test run them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in
from tests.support.bundles import hardware_spec
from tests.support.bundles import t5220 as bundles

pytestmark = pytest.mark.browser

# Where an element sits against the window: its box and the viewport's width, in CSS pixels.
BOX_IN_VIEWPORT = """el => {
  const box = el.getBoundingClientRect();
  return {left: box.left, right: box.right, width: document.documentElement.clientWidth};
}"""
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll("[id]")].map(el => el.id);
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}"""
MISSING_DESCRIPTIONS = """() => [...document.querySelectorAll("[aria-describedby]")]
  .flatMap(el => el.getAttribute("aria-describedby").split(/\\s+/))
  .filter(id => id && !document.getElementById(id))"""


# --- item 12: the findings popovers stay inside the window --------------------------------------


@pytest.mark.parametrize("width,height", [(1400, 900), (1024, 768)])
def test_every_findings_popover_stays_inside_the_window(
    page: Page, live_server: Any, operator: Any, seed_plan: Any, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    headers = page.locator("#matrix thead th").all_inner_texts()
    assert headers.count("State") == 0 and "Zone state" in headers and "Halted" in headers
    page_width_before = page.evaluate(PAGE_WIDTH)[0]
    cells = page.locator("#matrix td.cell details.pop")
    count = cells.count()
    assert count > 10
    checked = 0
    for i in range(count):
        pop = cells.nth(i)
        summary = pop.locator("summary")
        summary.scroll_into_view_if_needed()
        summary.click()
        body = pop.locator(".pop-body")
        expect(body).to_be_visible()
        box = body.evaluate(BOX_IN_VIEWPORT)
        assert box["left"] >= 0 and box["right"] <= box["width"], (i, box)
        # An open popover never makes the page wider than it was.
        assert page.evaluate(PAGE_WIDTH)[0] <= page_width_before, (i, page.evaluate(PAGE_WIDTH))
        summary.click()
        checked += 1
    assert checked == count
    if width == 1400:
        scroll, client = page.evaluate(PAGE_WIDTH)
        assert scroll <= client, (scroll, client)


# --- items 3, 4, 8, 12: the upload page --------------------------------------------------------


def test_one_empty_file_among_ten_is_named_and_the_others_import(
    page: Page, live_server: Any, operator: Any, tmp_path: Path
) -> None:
    files = []
    for i in range(1, 9):
        path = tmp_path / f"box{i}.tar.gz"
        path.write_bytes(bundles.destination_bundle(f"box{i}"))
        files.append(path)
    (tmp_path / "empty.cfg").write_bytes(b"")
    (tmp_path / "spec.json").write_bytes(hardware_spec("specbox"))
    files[3:3] = [tmp_path / "empty.cfg"]
    files.append(tmp_path / "spec.json")
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/upload/")
    assert page.evaluate(DUPLICATE_IDS) == []
    assert page.evaluate(MISSING_DESCRIPTIONS) == []
    page.get_by_label("Bundles, zonecfg exports or hardware specs").set_input_files(files)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-summary")).to_contain_text(
        "10 files: 9 imported, 1 not imported (empty.cfg)"
    )
    empty = page.locator('article[data-upload="empty.cfg"]')
    expect(empty.locator(".badge")).to_have_text("not imported")
    expect(empty).to_contain_text("empty.cfg: the file is empty")
    expect(
        page.locator("article.result .badge", has_text="imported").filter(has_not_text="not")
    ).to_have_count(9)
    assert "The submitted file is empty" not in page.content()


def test_zonecfg_exports_go_to_the_host_named_and_a_catalog_never_replaces_a_bundle_host(
    page: Page, live_server: Any, operator: Any, tmp_path: Path
) -> None:
    source = tmp_path / "bighost.tar.gz"
    source.write_bytes(bundles.source_bundle("bighost", zones=("web01", "web02", "app01", "app02", "db01")))
    exports = []
    for zone, octet in (("web09", 11), ("app09", 12)):
        path = tmp_path / f"{zone}.cfg"
        path.write_text(
            bundles.zonecfg_export(zone, autoboot=False, address=f"10.0.0.{octet}/24", port="bge0")
        )
        exports.append(path)
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/upload/")
    picker = page.get_by_label("Bundles, zonecfg exports or hardware specs")
    picker.set_input_files([source, *exports])
    page.get_by_label("Host for the zonecfg exports (optional)").fill("legacy01")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator('article[data-upload="web09.cfg"]')).to_contain_text(
        "legacy01 has 2 zones now: app09, web09"
    )
    expect(page.get_by_label("Host for the zonecfg exports (optional)")).to_have_value("legacy01")

    # A catalog destination given the bundle host's name: refused, the form keeps its input.
    catalog = page.locator("#catalog")
    catalog.get_by_label("Sun model").select_option("V445")
    catalog.get_by_label("Hostname").fill("bighost")
    catalog.get_by_role("button", name="Add destination").click()
    catalog = page.locator("#catalog")
    expect(catalog).to_contain_text("a host named bighost already exists, imported from a collector bundle")
    expect(catalog.get_by_label("Hostname")).to_have_value("bighost")
    expect(catalog.get_by_label("Sun model")).to_have_value("V445")
    assert page.evaluate(DUPLICATE_IDS) == []
    assert page.evaluate(MISSING_DESCRIPTIONS) == []
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Hosts").click()
    expect(page.locator('#hosts tr[data-host="bighost"] td.num').first).to_have_text("5")


# --- items 12, 13: the New plan form's catalog destinations, assumed sizes -------------------------


def test_a_zonecfg_source_planned_on_a_catalog_model_shows_and_corrects_its_assumed_sizes(
    page: Page, live_server: Any, operator: Any, tmp_path: Path
) -> None:
    export = tmp_path / "web01.cfg"
    export.write_text(bundles.zonecfg_export("web01", autoboot=False, address="10.0.0.5/24", port="bge0"))
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/upload/")
    page.get_by_label("Bundles, zonecfg exports or hardware specs").set_input_files([export])
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator('article[data-upload="web01.cfg"] .badge')).to_have_text("imported")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
    form = page.locator("#plan-create")
    form.get_by_label("Source host").select_option(label="web01-source (Unix team)")
    form.get_by_label("…or a new destination from the catalog").select_option("T5240")
    form.get_by_label("Its hostname").fill("racked01")
    form.get_by_role("button", name="Create plan").click()
    expect(page.locator("#plan-header h1")).to_have_text("web01-source → racked01")

    host_cell = page.locator('#matrix tr[data-host-row] td[data-check="other"]')
    host_cell.locator("summary").click()
    expect(host_cell.locator('.finding[data-code="SIZE_ASSUMED"]').first).to_be_visible()
    expect(host_cell.locator(".finding").first.locator("a.code-help")).to_be_visible()

    page.locator("#tab-layout").click()
    swap = page.locator('#size-table tr[data-size="swap"]')
    expect(swap).to_have_attribute("data-assumed", "1")
    expect(page.locator('#size-table tr[data-size="zoneroot:web01"]')).to_have_attribute("data-assumed", "1")
    swap.get_by_label("Size of swap in MB").fill("8192")
    swap.get_by_role("button", name="Save the size of swap").click()
    expect(page.get_by_role("status").filter(has_text="swap: 8192 MB.")).to_be_visible()
    swap = page.locator('#size-table tr[data-size="swap"]')
    expect(swap).to_have_attribute("data-assumed", "0")
    expect(swap).to_contain_text("set by the user")


# --- item 11: the findings link to a help page that names the source ---------------------------------


def test_a_finding_code_links_to_its_help_and_no_text_says_seed(
    page: Page, live_server: Any, operator: Any, seed_plan: Any
) -> None:
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    row = page.locator('#matrix tr[data-zone="z-running"]')
    cell = row.locator('td[data-check="state"]')
    cell.locator("summary").click()
    finding = cell.locator('.finding[data-code="ZONE_RUNNING"]')
    expect(finding).to_contain_text("Sun's 2006 field test of flash archives with zones")
    text = page.locator("#matrix").inner_text().lower().replace("src-seed-01", "")
    assert "seed" not in text
    finding.locator("a.code-help").click()
    expect(page).to_have_url(f"{live_server.url}/help/findings/#ZONE_RUNNING")
    expect(page.locator("#ZONE_RUNNING")).to_be_in_viewport()
    assert "seed" not in page.locator("main").inner_text().lower()


# --- items 2, 7, 9, 10, 12: job pages, deleting, verdicts, the dashboard -----------------------------


def test_the_job_form_offers_a_rehearsal_and_shows_ssh_fields_only_for_ssh(
    page: Page, live_server: Any, operator: Any, seed_plan: Any
) -> None:
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/?tab=jobs")
    form = page.locator("#start-archive-form")
    executor = form.get_by_label("Executor")
    expect(executor.locator("option:checked")).to_have_text(
        "Rehearsal on the worker (touches no Solaris host)"
    )
    ssh = form.locator("fieldset.ssh")
    expect(ssh).to_be_hidden()
    executor.select_option("ssh")
    expect(ssh).to_be_visible()
    expect(form.get_by_label("SSH host")).to_be_visible()
    executor.select_option("local")
    expect(ssh).to_be_hidden()
    # Each checkbox sits on the line of its label.
    for label in ("Compress the archive", "Halt running zones first"):
        box = form.get_by_label(label)
        text = form.locator("label", has_text=label)
        b, t = box.bounding_box(), text.bounding_box()
        assert b and t and abs((b["y"] + b["height"] / 2) - (t["y"] + t["height"] / 2)) < 6, (label, b, t)
        assert b["x"] <= t["x"] + 2, (label, b, t)


def test_jobs_pages_deleting_and_the_dashboard(
    page: Page, live_server: Any, operator: Any, seed_plan: Any, team: Any
) -> None:
    from planner import services
    from planner.inputs import load_catalog
    from tests.support.teams import make_job

    archive = make_job(seed_plan, state="succeeded")
    inspect = make_job(None, team=team, kind="inspect", state="succeeded", zones=("web01",))
    empty_a = services.host_import(team=team, loaded=load_catalog("catalog:V240:spare-a")).host
    empty_b = services.host_import(team=team, loaded=load_catalog("catalog:T5220:spare-b")).host
    empty = services.plan_create(team=team, source=empty_a, destination=empty_b, name="spares")
    log_in(page, live_server.url, operator)

    # The dashboard: the cards count plans, the fleet names a plan once, the empty plan is grey.
    expect(page.locator('[data-tile="ready"]')).to_contain_text("plans ready")
    expect(page.locator('[data-tile="nothing_to_migrate"]')).to_contain_text("1 plan with nothing to migrate")
    fleet = page.locator(f'#fleet tr[data-plan="{seed_plan.pk}"]')
    assert fleet.inner_text().count("src-seed-01") == 1
    badge = page.locator(f'#fleet tr[data-plan="{empty.pk}"] [data-verdict]')
    expect(badge).to_have_text("Nothing to migrate")
    grey = badge.evaluate("el => getComputedStyle(el).backgroundColor")
    green = page.locator('#fleet [data-verdict="blocked"]').first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert grey == "rgb(233, 236, 239)" and grey != green

    # The job list has a Plan column; the executor is called a rehearsal.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
    row = page.locator(f'#jobs tr[data-job="{archive.pk}"]')
    expect(page.locator("#jobs thead")).to_contain_text("Plan")
    expect(row.get_by_role("link", name=seed_plan.name)).to_be_visible()
    expect(row).to_contain_text("rehearsal")
    row.get_by_role("link", name=f"#{archive.pk}").click()
    expect(page.locator("#job-executor")).to_have_text("Rehearsal on the worker (touches no Solaris host)")
    expect(page.locator("#rehearsal-badge")).to_be_visible()
    page.goto(f"{live_server.url}/jobs/{inspect.pk}/")
    expect(page.locator("#job-zones")).to_have_text("the zones found in the archive")

    # Delete the empty plan from its page (a confirmation first), then its hosts from the list.
    page.goto(f"{live_server.url}/plans/{empty.pk}/")
    page.locator("#delete-plan").click()
    expect(page.get_by_role("heading", name="Delete 1 plan?")).to_be_visible()
    page.get_by_role("button", name="Delete 1 plan").click()
    expect(page.get_by_role("status")).to_contain_text("Deleted 1 plan: spares.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Hosts").click()
    for host in (empty_a, empty_b, seed_plan.source):
        page.locator(f"#select-host-{host.pk}").check()
    page.get_by_role("button", name="Delete selected…").click()
    expect(page.locator(f'#delete-list tr[data-delete="{seed_plan.source_id}"]')).to_contain_text(
        "delete it first"
    )
    page.get_by_role("button", name="Delete 2 hosts").click()
    expect(page.get_by_role("status")).to_contain_text("Deleted 2 hosts")
    expect(page.locator("#hosts tr[data-host]")).to_have_count(2)  # the seed plan's two hosts stay


def test_pinning_a_net_to_a_port_whose_link_is_unknown_warns(
    page: Page, live_server: Any, operator: Any, seed_plan: Any
) -> None:
    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/?tab=nics")
    row = page.locator('#nic-mapping tr[data-nic-zone="z-net-same"]')
    row.get_by_label("Destination port for z-net-same bge0").select_option("bge1")
    row.get_by_role("button", name="Save the destination of z-net-same bge0").click()
    status = page.get_by_role("status").filter(has_text="z-net-same bge0 → bge1.")
    expect(status).to_contain_text("Warning: the link of bge1 is unknown")
    row = page.locator('#nic-mapping tr[data-nic-zone="z-net-same"]')
    expect(row.locator("[data-link-warning]")).to_be_visible()
    expect(row).to_contain_text("check that it is cabled")
