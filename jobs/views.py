"""Job pages: the list, one job with its live progress partial, cancel/retry, archive inspection,
and what the jobs app adds to the planner's plan page and report (:mod:`planner.extensions`): the
Jobs tab and its start forms, the plan tables' "Last job" column, the report's last job section
and its CSV/JSON export.

The progress partial is polled by htmx only while the job is active; once the
job is terminal the partial comes back without ``hx-trigger`` and with status
286 (htmx's "stop polling"), so a finished job costs nothing.  While it is
active, each poll sends the ETag of the block it has (``If-None-Match``), and
an unchanged block is answered 304 after one query, without rendering
(:mod:`jobs.live`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseStopPolling

from planner import selectors as planner_selectors
from planner.downloads import (
    EXPORT_FORMATS,
    attachment,
    csv_response,
    download_name,
    json_response,
    plan_header,
)
from planner.extensions import ZoneFilter
from planner.models import Plan
from planner.permissions import is_operator, is_operator_anywhere, require_operator, require_operator_anywhere
from planner.presenters import page_filters, report_of, zone_filter
from planner.upload import limit_upload_size, upload_limit_error
from planner.views import render_plan_page

from . import live, selectors
from .archives import archive_store_upload
from .forms import InspectArchiveForm, StartJobForm
from .lifecycle import JobError, job_cancel, job_create, job_retry_failed
from .models import Job
from .storage import ARCHIVE_SUFFIXES, PathEscape, StorageError

# Uploads to the inspection page are read by a worker; keep them small (bigger ones go in the store).
INSPECT_UPLOAD_MAX_BYTES = getattr(settings, "ZFLAR_MAX_INSPECT_UPLOAD_BYTES", 64 * 1024 * 1024)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.jobs_for_user(request.user).order_by("-created", "-pk")
    state = request.GET.get("state", "")
    if state in Job.State.values:
        jobs = jobs.filter(state=state)
    return render(
        request,
        "jobs/job_list.html",
        {"jobs": jobs[:200], "state": state, "states": Job.State.choices},
    )


def _digest(rows: list[tuple[Any, ...]]) -> str:
    return hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()


def _live_context(request: HttpRequest, job: Job, *, can_write: bool, now: datetime) -> dict[str, Any]:
    """What the live block shows: progress, zone results, the event log and the action buttons.

    Its figures that follow the clock are computed for the current step of the run, which is in
    the block's ETag (``live_etag``) with everything else it shows.
    """
    clock, clock_offset = selectors.live_clock(job, now=now)
    etag = live.live_etag(
        request, selectors.LiveState.of(job, can_write=can_write), clock_offset=clock_offset
    )
    results = selectors.job_zone_results(job)
    events, hidden = selectors.job_events(job, limit=selectors.LIVE_EVENT_LIMIT)
    progress = selectors.job_progress(job, now=clock)
    # The zone rows and the log change far less often than the progress bar that is polled every
    # second, so their rendered HTML is cached under what they show (and the viewer's time zone).
    # The key hashes the rows' content: bulk updates (a cancel skipping zones) bypass auto_now.
    tz_name = timezone.get_current_timezone_name()
    context: dict[str, Any] = {
        "zone_rows_key": f"{tz_name}|{_digest([(r.zone, r.state, r.message, r.updated) for r in results])}",
        "events_key": f"{tz_name}|{hidden}|{_digest([(e.pk, e.created, e.zone, e.message) for e in events])}",
        "job": job,
        "live_etag": etag,
        "progress": progress,
        "eta_at": selectors.job_eta_at(progress, now=clock),
        "results": results,
        "result_counts": selectors.zone_result_counts(results),
        "events": events,
        "hidden_events": hidden,
        "can_write": can_write,
        "can_retry": selectors.job_has_retryable_zones(job, results),
    }
    if job.kind == Job.Kind.INSPECT:
        context["inspect"] = selectors.inspect_result(job)
    return context


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for_user(request.user, pk)
    context = _live_context(
        request, job, can_write=is_operator(request.user, job.team_id), now=timezone.now()
    )
    return render(request, "jobs/job_detail.html", context)


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The live block alone: polled every second while the job runs, 286 once it ended.

    It carries an ETag; while the job is active, a poll whose ``If-None-Match`` holds the current
    one is answered 304 with no body, after one query of a few columns.  A finished job always
    gets its block with 286: a 304 could not tell htmx to stop polling.  The block is rendered
    from rows read after that query, so it is never older than the tag it is sent with.
    """
    state = selectors.job_live_state(request.user, pk)
    now = timezone.now()
    if not state.is_terminal:
        _, clock_offset = selectors.live_clock(state, now=now)
        unchanged = live.not_modified(request, live.live_etag(request, state, clock_offset=clock_offset))
        if unchanged is not None:
            return unchanged
    job = selectors.job_for_polling(request.user, pk)
    context = _live_context(request, job, can_write=state.can_write, now=now)
    html = render_to_string("jobs/partials/job_live.html", context, request=request)
    response = HttpResponseStopPolling(html) if job.is_terminal else HttpResponse(html)
    return live.with_etag(response, context["live_etag"])


@login_required
def job_events_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole event log as plain text, for reading at length or attaching to a change."""
    job = selectors.job_for_user(request.user, pk)
    lines = [
        f"{e.created:%Y-%m-%d %H:%M:%S} UTC {e.level:<7} {e.zone or '-':<16} {e.message}"
        for e in job.events.order_by("created", "id")
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = attachment(f"zflar-job-{job.pk}-events.txt")
    return response


def _answer(request: HttpRequest, job: Job, *, error: str = "", done: str = "") -> HttpResponse:
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect("jobs:job_detail", pk=job.pk)


@login_required
@require_POST
def job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for_user(request.user, pk)
    require_operator(request.user, job.team_id)
    try:
        job = job_cancel(job=job)
    except JobError as exc:
        return _answer(request, job, error=str(exc))
    return _answer(request, job, done="Cancel requested." if job.is_active else f"{job} cancelled.")


def _zones_text(zones: list[str]) -> str:
    if not zones:
        return "all zones"
    return f"{len(zones)} zone{'s' if len(zones) != 1 else ''} ({', '.join(zones)})"


@login_required
@require_POST
def job_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for_user(request.user, pk)
    require_operator(request.user, job.team_id)
    try:
        retry = job_retry_failed(job=job, user=request.user)
    except JobError as exc:
        return _answer(request, job, error=str(exc))
    return _answer(request, retry, done=f"{retry} queued for {_zones_text(retry.zone_names)}.")


# --- archive inspection --------------------------------------------------------------------------


def _inspect_form(request: HttpRequest, data: Any = None, files: Any = None) -> InspectArchiveForm:
    return InspectArchiveForm(
        data,
        files,
        archives=list(selectors.archives_for_user(request.user, action="operate")),
        hosts=planner_selectors.host_choices(request.user),
        teams=planner_selectors.operator_teams_for_user(request.user),
        max_bytes=INSPECT_UPLOAD_MAX_BYTES,
    )


def _render_inspect(request: HttpRequest, form: InspectArchiveForm, *, status: int = 200) -> HttpResponse:
    recent = selectors.jobs_for_user(request.user).filter(kind=Job.Kind.INSPECT).order_by("-created")[:20]
    return render(
        request,
        "jobs/inspect.html",
        {
            "form": form,
            "archives": selectors.archives_for_user(request.user, sync=request.method == "GET")[:500],
            "recent": recent,
            "can_write": is_operator_anywhere(request.user),
            "max_upload_mb": INSPECT_UPLOAD_MAX_BYTES // 2**20,
        },
        status=status,
    )


@login_required
@limit_upload_size
def archive_inspect(request: HttpRequest) -> HttpResponse:
    """The archives of the user's teams, and the form that inspects one (or an upload)."""
    if request.method != "POST":
        return _render_inspect(request, _inspect_form(request))
    require_operator_anywhere(request.user)
    form = _inspect_form(request, request.POST, request.FILES)
    too_big = upload_limit_error(request)
    if too_big is not None:
        form.add_error(None, too_big.message)
        return _render_inspect(request, form, status=413)
    if not form.is_valid():
        return _render_inspect(request, form, status=400)
    team = form.cleaned_data["team"]
    require_operator(request.user, team)
    destination = form.cleaned_data.get("destination")
    archive = form.cleaned_data.get("archive_record")
    try:
        if form.cleaned_data.get("upload") is not None:
            archive = archive_store_upload(
                team_id=team.pk, upload=form.cleaned_data["upload"], user=request.user
            )
        elif archive is None or not selectors.archive_file(archive).is_file():
            form.add_error("archive", "That archive is no longer in your team's folder.")
            return _render_inspect(request, form, status=400)
    except (StorageError, PathEscape) as exc:
        form.add_error(None, str(exc))
        return _render_inspect(request, form, status=400)
    params: dict[str, Any] = {"archive_path": archive.path}
    if destination is not None:
        params["destination_ports"] = planner_selectors.host_nic_names(destination)
        params["destination_host"] = destination.hostname
    try:
        job = job_create(team=team, kind=Job.Kind.INSPECT, params=params, user=request.user)
    except JobError as exc:
        form.add_error(None, str(exc))
        return _render_inspect(request, form, status=400)
    messages.success(request, f"{job} queued for {archive.name}.")
    return redirect("jobs:job_detail", pk=job.pk)


@login_required
def archive_download(request: HttpRequest, pk: int) -> HttpResponse:
    """One archive of the user's teams, as a download (another team's archive is a 404)."""
    archive = selectors.archive_for_user(request.user, pk)
    try:
        path = selectors.archive_file(archive)
        handle = path.open("rb")
    except (PathEscape, OSError):
        raise Http404("the archive's file is no longer in the team's folder") from None
    name = (
        archive.name if archive.name.lower().endswith(ARCHIVE_SUFFIXES) else f"{Path(archive.path).stem}.flar"
    )
    response = FileResponse(handle, content_type="application/octet-stream")
    response["Content-Disposition"] = attachment(name)
    return response


# --- on the plan page and in the report (planner.extensions, registered in JobsConfig.ready) --------

PLAN_TAB = "jobs"
ARCHIVE_CHOICES = 500


def _start_forms(plan: Plan) -> dict[str, StartJobForm]:
    archives = list(selectors.team_archives(plan.team_id)[:ARCHIVE_CHOICES])
    return {
        "archive_form": StartJobForm(prefix="archive", kind="archive", archives=archives),
        "extract_form": StartJobForm(prefix="extract", kind="extract", archives=archives),
    }


def plan_jobs_tab(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    """The plan page's Jobs tab: the plan's jobs and the forms that start an archive or extract job."""
    return {"jobs": selectors.plan_jobs(plan), **_start_forms(plan)}


@login_required
@require_POST
def plan_job_start(request: HttpRequest, pk: int) -> HttpResponse:
    plan = planner_selectors.plan_for_user(request.user, pk)
    require_operator(request.user, plan.team_id)
    kind = request.POST.get("kind", "")
    if kind not in (Job.Kind.ARCHIVE, Job.Kind.EXTRACT):
        return render_plan_page(
            request, plan, PLAN_TAB, status=400, edit_error="Choose an archive or an extract job."
        )
    archives = list(selectors.team_archives(plan.team_id)[:ARCHIVE_CHOICES])
    form = StartJobForm(request.POST, prefix=kind, kind=kind, archives=archives)
    if not form.is_valid():
        return render_plan_page(request, plan, PLAN_TAB, status=400, **{f"{kind}_form": form})
    try:
        job = job_create(
            team=plan.team,
            kind=kind,
            plan=plan,
            executor=form.cleaned_data["executor"],
            params=form.job_params(),
            user=request.user,
        )
    except JobError as exc:
        form.add_error(None, str(exc))
        return render_plan_page(request, plan, PLAN_TAB, status=400, **{f"{kind}_form": form})
    messages.success(request, f"{job} queued.")
    return redirect("jobs:job_detail", pk=job.pk)


def report_last_job(request: HttpRequest, plan: Plan, zones: ZoneFilter) -> dict[str, Any]:
    """The report's last job section: the plan's last job and its zone results the filters keep."""
    last_job = selectors.plan_last_job(plan)
    results = selectors.job_zone_results(last_job) if last_job else []
    return {"last_job": last_job, "last_results": [r for r in results if zones.keeps(r.zone)]}


RESULT_COLUMNS = ("job", "kind", "job_state", "zone", "state", "message")


@login_required
def plan_results_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = planner_selectors.plan_for_user(request.user, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404("CSV or JSON only")
    filters = page_filters(request)
    section = report_last_job(request, plan, zone_filter(request, report_of(plan)))
    job: Job | None = section["last_job"]
    rows = [
        {
            "job": job.pk if job else "",
            "kind": job.kind if job else "",
            "job_state": job.state if job else "",
            "zone": r.zone,
            "state": r.state,
            "message": r.message,
        }
        for r in section["last_results"]
    ]
    if fmt == "csv":
        return csv_response(rows, RESULT_COLUMNS, download_name(plan, "results.csv"))
    return json_response(
        {
            "plan": plan_header(plan, filters),
            "job": {
                "id": job.pk,
                "kind": job.kind,
                "state": job.state,
                "started": job.started.isoformat() if job.started else None,
                "finished": job.finished.isoformat() if job.finished else None,
            }
            if job
            else None,
            "results": rows,
        },
        download_name(plan, "results.json"),
    )
