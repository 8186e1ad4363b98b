"""The whole journey in a real Chromium: log in, upload, destination, plan, edit, run a job, report.

One test on purpose: every step starts from the page the previous one left, as an
operator would click through it.  A real Celery worker process runs the archive job
on the local executor; the job page must follow it live, without reloading.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import (
    DESTINATION_HOSTNAME,
    DESTINATION_MODEL,
    FINAL_JOB_STATES,
    SOURCE_HOSTNAME,
    build_source_tree,
    log_in,
    screenshot,
    wait_for_job_end,
)

pytestmark = [pytest.mark.browser, pytest.mark.worker]

SEED_ZONES = [
    "z-running",
    "z-autoboot",
    "z-net-same",
    "z-net-remap",
    "z-nfs",
    "z-nfs-zonepath",
    "z-lofs",
    "z-ufs",
    "z-svm",
    "z-device",
    "z-ready",
]
FINAL_ZONE_STATES = {"ok", "warning", "failed", "skipped"}
# The first ancestor that hides part of the element (overflow other than visible), or null.
CLIPPING_ANCESTOR = """el => {
  const box = el.getBoundingClientRect();
  for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    const style = getComputedStyle(a);
    if (style.overflowX === "visible" && style.overflowY === "visible") continue;
    const r = a.getBoundingClientRect();
    const outside = box.left < r.left - 1 || box.right > r.right + 1;
    if (outside || box.top < r.top - 1 || box.bottom > r.bottom + 1) {
      return a.tagName + "." + a.className;
    }
  }
  return null;
}"""


def _upload_source(page: Page, bundle) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Upload").click()
    expect(page.get_by_role("heading", name="Upload inventories")).to_be_visible()
    page.get_by_label("Bundles, zonecfg exports or hardware specs").set_input_files(bundle)
    expect(page.locator("[data-dropzone-list]")).to_contain_text(bundle.name)
    page.get_by_role("button", name="Import", exact=True).click()
    result = page.locator(f'article[data-upload="{bundle.name}"]')
    expect(result.locator(".badge")).to_have_text("imported")
    expect(result).to_contain_text(SOURCE_HOSTNAME)
    expect(result.locator("dl.facts")).to_contain_text(f"{len(SEED_ZONES)}: {', '.join(SEED_ZONES)}")


def _add_catalog_destination(page: Page) -> None:
    catalog = page.locator("#catalog")
    catalog.get_by_label("Sun model").select_option(DESTINATION_MODEL)
    catalog.get_by_label("Hostname").fill(DESTINATION_HOSTNAME)
    catalog.get_by_role("button", name="Add destination").click()
    result = page.locator(f'article[data-upload="catalog:{DESTINATION_MODEL}:{DESTINATION_HOSTNAME}"]')
    expect(result.locator(".badge")).to_have_text("imported")
    expect(result.locator("dl.facts")).to_contain_text("Zones")


def _create_plan(page: Page) -> None:
    form = page.get_by_role("region", name="Create a plan")
    form.get_by_label("Source host").select_option(label=f"{SOURCE_HOSTNAME} (Unix team)")
    # The destination just added is preselected.
    expect(form.get_by_label("Destination host").locator("option:checked")).to_have_text(
        f"{DESTINATION_HOSTNAME} (Unix team)"
    )
    form.get_by_role("button", name="Create plan").click()
    expect(page.locator("#plan-header h1")).to_have_text(f"{SOURCE_HOSTNAME} → {DESTINATION_HOSTNAME}")
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "blocked")


def _read_blocked_reason(page: Page) -> None:
    row = page.locator('#matrix tr[data-zone="z-nfs-zonepath"]')
    expect(row.locator("[data-verdict]")).to_have_attribute("data-verdict", "blocked")
    cell = row.locator('td[data-severity="blocker"]')
    expect(cell).to_have_count(1)
    expect(cell).to_have_attribute("data-check", "nfs")
    cell.locator("summary").click()
    finding = cell.locator('.pop-body .finding[data-code="ZONEPATH_ON_NFS"]')
    expect(finding).to_be_visible()
    expect(finding).to_contain_text("The zonepath of z-nfs-zonepath is on NFS")
    expect(finding.locator("pre")).to_contain_text("zoneadm -z z-nfs-zonepath move /zones/z-nfs-zonepath")
    expect(finding.get_by_role("button", name="Copy the remedy for ZONEPATH_ON_NFS")).to_be_visible()
    # The whole popover can be read: no scrolling ancestor clips it.
    assert cell.locator(".pop-body").evaluate(CLIPPING_ANCESTOR) is None


def _change_nic_mapping(page: Page) -> None:
    """z-net-same keeps bge0 on the V445 (ready); pinning it to bge1 makes it a remap (ready with steps)."""
    page.locator("#tab-nics").click()
    expect(page.locator("#tab-panel")).to_have_attribute("data-tab", "nics")
    ready_before = int(page.locator('[data-count="ready"]').inner_text().split()[0])
    steps_before = int(page.locator('[data-count="ready_with_steps"]').inner_text().split()[0])
    row = page.locator('#nic-mapping tr[data-nic-zone="z-net-same"]')
    expect(row).to_have_attribute("data-action", "keep")
    expect(row.locator("[data-zone-verdict]")).to_have_attribute("data-zone-verdict", "ready")

    row.get_by_label("Destination port for z-net-same bge0").select_option("bge1")
    row.get_by_role("button", name="Save the destination of z-net-same bge0").click()

    expect(page.get_by_role("status").filter(has_text="z-net-same bge0 → bge1.")).to_be_visible()
    row = page.locator('#nic-mapping tr[data-nic-zone="z-net-same"]')
    expect(row).to_have_attribute("data-action", "map")
    expect(row.locator("[data-zone-verdict]")).to_have_attribute("data-zone-verdict", "ready_with_steps")
    expect(row.locator("[data-zone-verdict]")).to_have_text("Ready with steps")
    # The header's counts follow (an out-of-band swap, no reload).
    expect(page.locator('[data-count="ready"]')).to_have_text(f"{ready_before - 1} ready")
    expect(page.locator('[data-count="ready_with_steps"]')).to_have_text(f"{steps_before + 1} with steps")


def _start_archive_job(page: Page) -> None:
    page.locator("#tab-jobs").click()
    form = page.locator("#start-archive-form")
    expect(form.get_by_label("Executor")).to_have_value("local")
    expect(form.get_by_label("Halt running zones first")).to_be_checked()
    form.get_by_role("button", name="Start archive job").click()
    expect(page.locator("#job-facts")).to_contain_text("Archive")
    expect(page.locator("#job-state")).to_have_attribute("data-state", "queued")


# Records every job state the live block shows, in this document (a reload would lose the list).
RECORD_JOB_STATES = """() => {
  window.zflarStates = [document.querySelector("#job-state").dataset.state];
  new MutationObserver(() => {
    const state = document.querySelector("#job-state")?.dataset.state;
    if (state && state !== window.zflarStates.at(-1)) window.zflarStates.push(state);
  }).observe(document.body, {childList: true, subtree: true});
}"""


def _is_poll(response) -> bool:  # type: ignore[no-untyped-def]
    return "/progress/" in response.url


def _poll_answer(response) -> tuple[str, int, str]:  # type: ignore[no-untyped-def]
    """A poll's If-None-Match, its status and the answer's ETag."""
    sent = response.request.headers.get("if-none-match", "")
    return sent, response.status, response.headers.get("etag", "")


def _watch_job_live(page: Page, worker) -> None:  # type: ignore[no-untyped-def]
    polls: list[str] = []
    page.on(
        "request", lambda r: polls.append(r.headers.get("hx-request", "")) if "/progress/" in r.url else None
    )
    # Each poll's If-None-Match, status and ETag (issue #15: the block's tag travels with it).
    answers: list[tuple[str, int, str]] = []
    page.on("response", lambda r: answers.append(_poll_answer(r)) if _is_poll(r) else None)
    marker = page.evaluate("() => (window.zflarMarker = crypto.randomUUID())")
    page.evaluate(RECORD_JOB_STATES)
    # Queued, and no worker runs yet: the page polls and says it waits.  Nothing changes, so the
    # polls are answered 304 (the page's own tag already matches), and the block stays as it is.
    with page.expect_response(lambda r: _is_poll(r) and r.status == 304, timeout=10_000):
        pass
    with page.expect_response(lambda r: _is_poll(r) and r.status == 304, timeout=10_000):
        pass
    expect(page.locator("#job-progress")).to_contain_text("Waiting for the job to list its zones")
    expect(page.locator("#job-progress")).to_have_attribute("hx-trigger", "load delay:1s, every 1s")
    expect(page.locator("#zone-results")).to_have_count(0)

    worker.start()
    final = wait_for_job_end(page, worker)
    assert final in FINAL_JOB_STATES

    rows = page.locator("#zone-results tr[data-zone-result]")
    expect(rows).to_have_count(len(SEED_ZONES))
    states = dict(rows.evaluate_all("rows => rows.map(r => [r.dataset.zoneResult, r.dataset.state])"))
    assert sorted(states) == sorted(SEED_ZONES)
    assert set(states.values()) <= FINAL_ZONE_STATES, states
    # The flash archive cannot take the SVM and NFS-zonepath zones: they take their recommended
    # route, detach/attach (issue #14), and the archive job detaches and archives each on its own.
    assert states["z-nfs-zonepath"] == states["z-svm"] == "ok", states
    for zone in ("z-nfs-zonepath", "z-svm"):
        expect(page.locator(f'#zone-results tr[data-zone-result="{zone}"]')).to_contain_text("detached")

    # One document from queued to the end: htmx swapped the live block, nothing navigated.
    assert page.evaluate("() => window.zflarMarker") == marker
    seen = page.evaluate("() => window.zflarStates")
    assert seen[0] == "queued" and seen[-1] == final, seen
    assert polls and set(polls) == {"true"}, polls
    # Every poll sent the tag of the block it had; unchanged blocks were 304s with that same tag,
    # changed ones came back whole with a new one (the zone rows above came in after the 304s;
    # a rehearsal this small may end between two polls, so the last block is the 286).
    assert answers and all(sent.startswith('W/"') for sent, _, _ in answers), answers
    statuses = [status for _, status, _ in answers]
    assert set(statuses) <= {200, 286, 304} and 304 in statuses and statuses[-1] == 286, answers
    for sent, status, tag in answers:
        assert (tag == sent) if status == 304 else (tag != sent), (sent, status, tag)
    # The facts above the progress follow too.
    expect(page.locator("#job-facts dt:text-is('Finished') + dd")).not_to_have_text("—")
    expect(page.locator("#job-facts dt:text-is('Attempt') + dd")).to_have_text("1 of 3")
    # Polling stopped with the job: the last partial came without its trigger, and no request follows.
    assert page.locator("#job-progress").evaluate("el => el.hasAttribute('hx-trigger')") is False
    count = len(polls)
    page.wait_for_timeout(1_500)
    assert len(polls) == count, "the page still polls a finished job"
    # The event log shows its newest lines.
    at_bottom = "el => el.scrollTop + el.clientHeight >= el.scrollHeight - 4"
    assert page.locator("#job-events").evaluate(at_bottom)


def test_operator_journey(page: Page, live_server, operator, worker, seed_bundle) -> None:  # type: ignore[no-untyped-def]
    log_in(page, live_server.url, operator)

    _upload_source(page, seed_bundle)
    build_source_tree(seed_bundle)  # the local executor's stand-in for the real Solaris host
    _add_catalog_destination(page)
    _create_plan(page)

    _read_blocked_reason(page)
    screenshot(page, "plan")

    _change_nic_mapping(page)
    screenshot(page, "nic-mapping")

    page.locator("#tab-layout").click()
    expect(page.locator("#layout figure.disk").first).to_be_visible()
    expect(page.locator("#layout svg.disk-svg").first).to_be_visible()
    screenshot(page, "disk-layout")

    _start_archive_job(page)
    _watch_job_live(page, worker)
    screenshot(page, "job-finished")

    _download_reports(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.locator("#fleet tr[data-plan]")).to_have_count(1)
    expect(page.locator("#latest-jobs tr[data-job]")).to_have_count(1)
    screenshot(page, "dashboard")


def _download(page: Page, link: str) -> tuple[str, str]:
    with page.expect_download() as info:
        page.locator(link).click()
    download = info.value
    return download.suggested_filename, download.path().read_text(encoding="utf-8")


def _download_reports(page: Page) -> None:
    page.locator("#job-facts").get_by_role("link").first.click()
    page.locator("#download-report").click()
    expect(page.locator("#report h1")).to_have_text(
        f"Migration report: {SOURCE_HOSTNAME} → {DESTINATION_HOSTNAME}"
    )
    url = page.url

    name, text = _download(page, "#findings-csv")
    assert name.endswith("-findings.csv"), name
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(r["code"] == "ZONEPATH_ON_NFS" and r["zone"] == "z-nfs-zonepath" for r in rows), rows[:3]

    name, text = _download(page, "#findings-json")
    assert name.endswith("-findings.json"), name
    assert {f["code"] for f in json.loads(text)["findings"]} >= {"ZONEPATH_ON_NFS", "SVM_IN_USE"}

    name, text = _download(page, "#results-csv")
    assert name.endswith("-results.csv"), name
    assert sorted(r["zone"] for r in csv.DictReader(io.StringIO(text))) == sorted(SEED_ZONES)

    name, text = _download(page, "#results-json")
    assert name.endswith("-results.json"), name
    payload = json.loads(text)
    assert payload["job"]["kind"] == "archive" and payload["job"]["state"] in FINAL_JOB_STATES
    assert sorted(r["zone"] for r in payload["results"]) == sorted(SEED_ZONES)
    assert page.url == url  # downloads, not navigations

    # The printable report: print media hides the controls; Chromium renders it to PDF.
    expect(page.locator("#r-verdicts tr[data-zone]")).to_have_count(len(SEED_ZONES))
    page.emulate_media(media="print")
    expect(page.locator("#print-report")).to_be_hidden()
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("#r-verdicts")).to_be_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"
    page.emulate_media(media="screen")
