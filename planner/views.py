"""The planner pages: upload, hosts, plans (matrix, mapping editors, layout, runbook), report.

Views stay thin: reads go through :mod:`planner.selectors` (scoped to the
user's teams, so another team's object is a 404), writes through
:mod:`planner.services` after :func:`planner.permissions.require_operator`
(a viewer's write is a 403).  The apps above the planner add tabs, plan-table columns and report
sections through :mod:`planner.extensions` (the jobs app adds its Jobs tab).  Bad input never
raises: it comes back as an inline error, with status 400 on a full page and 200 on an htmx swap
(htmx does not swap 4xx responses).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from planner.domain.catalog import catalog_destination, list_models
from planner.domain.contract import PLAN_VERDICTS, VERDICTS
from planner.downloads import (
    EXPORT_FORMATS,
    attachment,
    csv_response,
    download_name,
    json_response,
    plan_header,
)
from planner.inputs import LoadedInventory, load_catalog, load_upload
from planner.solaris.errors import SolarisParseError
from planner.upload import bundle_limits, limit_upload_size, upload_limit_error

from . import extensions, helpdoc, imports, presenters, selectors, services
from .forms import (
    CatalogDestinationForm,
    DefaultNicForm,
    DeviceRowForm,
    DiskRowForm,
    NicRowForm,
    PlanCreateForm,
    RouteRowForm,
    SettingsForm,
    SizeRowForm,
    SpecDestinationForm,
    UploadForm,
)
from .models import Plan
from .permissions import is_operator, is_operator_anywhere, require_operator, require_operator_anywhere
from .presenters import page_filters, zone_filter

log = logging.getLogger(__name__)

# The planner's own tabs; apps above it add theirs (planner.extensions).
PLANNER_TABS = (
    ("matrix", "Compatibility"),
    ("nics", "NIC mapping"),
    ("devices", "Devices"),
    ("layout", "Disk layout"),
    ("runbook", "Runbook"),
    ("settings", "Settings"),
)


def plan_tabs() -> list[tuple[str, str]]:
    return [*PLANNER_TABS, *((t.name, t.label) for t in extensions.plan_tabs().values())]


def tab_names() -> set[str]:
    return {name for name, _ in plan_tabs()}


# --- help ------------------------------------------------------------------------------------------


@login_required
def help_findings(request: HttpRequest) -> HttpResponse:
    """Every finding code, what it means and where it comes from (docs/findings.md, rendered)."""
    from planner.domain.findings import Code

    return render(
        request,
        "planner/help_findings.html",
        {"doc": helpdoc.findings_doc(), "codes": [c.value for c in Code]},
    )


# --- hosts -----------------------------------------------------------------------------------------


@login_required
def host_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "planner/host_list.html",
        {"hosts": selectors.host_list(request.user), "can_write": is_operator_anywhere(request.user)},
    )


@login_required
def host_detail(request: HttpRequest, pk: int) -> HttpResponse:
    host = selectors.host_for_user(request.user, pk)
    snapshot = selectors.snapshot_detail(host.current_snapshot_id)
    context: dict[str, Any] = {
        "host": host,
        "snapshot": snapshot,
        "snapshots": selectors.host_snapshots(host),
        "plans": selectors.host_plans(host),
        "can_write": is_operator(request.user, host.team_id),
    }
    if snapshot is not None:
        context["system"] = selectors.snapshot_system(snapshot)
        context["vfstab"] = selectors.snapshot_vfstab(snapshot)
        context["errors"] = [i for i in snapshot.issues if i.get("severity") == "error"]
        context["warnings"] = [i for i in snapshot.issues if i.get("severity") != "error"]
    return render(request, "planner/host_detail.html", context)


# --- deleting hosts and plans (a confirmation page, then POST; bulk from the lists) -----------------


def _ids(request: HttpRequest) -> list[int]:
    values = request.POST.getlist("ids") if request.method == "POST" else request.GET.getlist("ids")
    return sorted({int(v) for v in values if v.isdigit()})[:500]


def _delete_page(
    request: HttpRequest,
    *,
    kind: str,
    objects: list[Any],
    problem_of: Any,
    delete: Any,
    label_of: Any,
    list_url: str,
    cancel_url: str,
) -> HttpResponse:
    """The confirmation page (GET) and the deletion (POST) of ``objects`` the user operates."""
    require_operator_anywhere(request.user)
    if not objects:
        raise Http404(f"no such {kind} among the ones you operate")
    if request.method == "POST":
        done: list[str] = []
        refused: list[tuple[Any, str]] = []
        for obj in objects:
            try:
                delete(obj)
            except services.PlannerError as exc:
                refused.append((obj, str(exc)))
            else:
                done.append(label_of(obj))
        if done:
            messages.success(
                request, f"Deleted {len(done)} {kind}{'s' if len(done) != 1 else ''}: {', '.join(done)}."
            )
        for _obj, problem in refused:
            messages.error(request, problem)
        if refused and not done and len(objects) == 1:
            rows = [{"object": o, "label": label_of(o), "problem": p} for o, p in refused]
            context = {"kind": kind, "rows": rows, "ids": [], "cancel_url": cancel_url, "deletable": 0}
            return render(request, "planner/confirm_delete.html", context, status=409)
        return redirect(list_url)
    rows = [{"object": o, "label": label_of(o), "problem": problem_of(o)} for o in objects]
    context = {
        "kind": kind,
        "rows": rows,
        "ids": [o.pk for o in objects],
        "cancel_url": cancel_url,
        "deletable": sum(1 for r in rows if not r["problem"]),
    }
    return render(request, "planner/confirm_delete.html", context)


def _host_delete_page(request: HttpRequest, hosts: list[Any], cancel_url: str) -> HttpResponse:
    return _delete_page(
        request,
        kind="host",
        objects=hosts,
        problem_of=services.host_delete_problem,
        delete=lambda h: services.host_delete(host=h),
        label_of=lambda h: h.hostname,
        list_url=reverse("planner:host_list"),
        cancel_url=cancel_url,
    )


def _plan_delete_page(request: HttpRequest, plans: list[Any], cancel_url: str) -> HttpResponse:
    return _delete_page(
        request,
        kind="plan",
        objects=plans,
        problem_of=services.plan_delete_problem,
        delete=lambda p: services.plan_delete(plan=p),
        label_of=lambda p: p.name,
        list_url=reverse("planner:plan_list"),
        cancel_url=cancel_url,
    )


@login_required
def host_delete(request: HttpRequest, pk: int) -> HttpResponse:
    hosts = list(selectors.hosts_to_operate(request.user, [pk]))
    return _host_delete_page(request, hosts, reverse("planner:host_detail", args=[pk]))


@login_required
def hosts_delete(request: HttpRequest) -> HttpResponse:
    hosts = list(selectors.hosts_to_operate(request.user, _ids(request)))
    return _host_delete_page(request, hosts, reverse("planner:host_list"))


@login_required
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plans = list(selectors.plans_to_operate(request.user, [pk]))
    return _plan_delete_page(request, plans, reverse("planner:plan_detail", args=[pk]))


@login_required
def plans_delete(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plans_to_operate(request.user, _ids(request)))
    return _plan_delete_page(request, plans, reverse("planner:plan_list"))


# --- upload and destinations --------------------------------------------------------------------


def _catalog_choices() -> list[tuple[str, str]]:
    """Each model with the Solaris it runs, since that decides the routes (issue #14)."""
    return [(m.key, f"{m.key} — {m.name} ({m.os_support})") for m in list_models()]


def _upload_context(request: HttpRequest, **overrides: Any) -> dict[str, Any]:
    teams = selectors.operator_teams_for_user(request.user)
    context: dict[str, Any] = {
        "form": UploadForm(teams=teams),
        "catalog_form": CatalogDestinationForm(teams=teams, models=_catalog_choices()),
        "spec_form": SpecDestinationForm(teams=teams),
        "results": [],
        "can_write": is_operator_anywhere(request.user),
        "catalog": list_models(),
        "zonecfg_hosts": selectors.zonecfg_hosts(request.user),
    }
    context.update(overrides)
    results = context["results"]
    context["refused"] = [r for r in results if not r.ok]
    context["imported_count"] = len(results) - len(context["refused"])
    imported = [r for r in results if r.ok and r.host is not None and r.summary is not None]
    if imported:
        hosts = selectors.host_choices(request.user, team=imported[0].host.team)
        sources = [r.host for r in imported if r.summary.zones]
        destinations = [r.host for r in imported if not r.summary.zones]
        initial = {}
        if sources:
            initial["source"] = sources[0].pk
            # A destination usually comes in a second step (the catalog form); keep the source.
            request.session["zflar_upload_source"] = sources[0].pk
        elif hosts.filter(pk=request.session.get("zflar_upload_source")).exists():
            initial["source"] = request.session["zflar_upload_source"]
        if destinations:
            initial["destination"] = destinations[0].pk
        context["plan_form"] = PlanCreateForm(hosts=hosts, initial=initial)
    return context


@login_required
@limit_upload_size
def upload(request: HttpRequest) -> HttpResponse:
    """Import one or several files; each gets its own summary, a broken one stops nothing else.

    ``limit_upload_size`` refuses an oversized body while it streams in (before CSRF reads it).
    """
    if request.method != "POST":
        return render(request, "planner/upload.html", _upload_context(request))
    require_operator_anywhere(request.user)
    teams = selectors.operator_teams_for_user(request.user)
    form = UploadForm(request.POST, request.FILES, teams=teams)
    too_big = upload_limit_error(request)
    if too_big is not None:
        form.add_error(None, too_big.message)
        return render(request, "planner/upload.html", _upload_context(request, form=form), status=413)
    if not form.is_valid():
        return render(request, "planner/upload.html", _upload_context(request, form=form), status=400)
    team = form.cleaned_data["team"]
    require_operator(request.user, team)
    results = imports.import_uploads(
        team=team,
        uploads=form.cleaned_data["files"],
        user=request.user,
        limits=bundle_limits(),
        zonecfg_host=form.cleaned_data["zonecfg_host"],
    )
    # The form keeps what was typed (the file picker cannot): the next upload goes to the same host.
    form = UploadForm(
        initial={"zonecfg_host": form.cleaned_data["zonecfg_host"], "team": team.pk}, teams=teams
    )
    return render(request, "planner/upload.html", _upload_context(request, form=form, results=results))


@login_required
@require_POST
def destination_catalog(request: HttpRequest) -> HttpResponse:
    require_operator_anywhere(request.user)
    teams = selectors.operator_teams_for_user(request.user)
    form = CatalogDestinationForm(request.POST, teams=teams, models=_catalog_choices())
    if not form.is_valid():
        return render(request, "planner/upload.html", _upload_context(request, catalog_form=form), status=400)
    team = form.cleaned_data["team"]
    require_operator(request.user, team)
    model, hostname = form.cleaned_data["model"], form.cleaned_data["hostname"]
    name = f"catalog:{model}:{hostname}"
    try:
        inventory = catalog_destination(model, hostname, form.cleaned_data.get("disk_gb"))
    except (ValueError, KeyError) as exc:
        form.add_error("model", str(exc))
        return render(request, "planner/upload.html", _upload_context(request, catalog_form=form), status=400)
    loaded = LoadedInventory(inventory=inventory, files={}, upload_name=name, ignored=[])
    outcome = imports.import_loaded(team=team, name=name, loaded=loaded, user=request.user)
    if outcome.conflict:
        # The form keeps its input and says why; another hostname is the way out.
        form.add_error("hostname", outcome.error)
        return render(request, "planner/upload.html", _upload_context(request, catalog_form=form), status=409)
    return render(request, "planner/upload.html", _upload_context(request, results=[outcome]))


def spec_from_form(data: dict[str, Any]) -> dict[str, Any]:
    """The hardware-spec JSON (docs/hardware-spec.md) for the small destination form."""
    spec: dict[str, Any] = {
        "hostname": data["hostname"],
        "nics": [{"name": port} for port in data["ports"]],
        "disks": [{"name": disk, "size_gb": gb} for disk, gb in data["disks"]],
    }
    if data.get("model"):
        spec["model"] = data["model"]
    if data.get("devices"):
        spec["devices"] = data["devices"]
    return spec


@login_required
@require_POST
def destination_spec(request: HttpRequest) -> HttpResponse:
    require_operator_anywhere(request.user)
    teams = selectors.operator_teams_for_user(request.user)
    form = SpecDestinationForm(request.POST, teams=teams)
    if not form.is_valid():
        return render(request, "planner/upload.html", _upload_context(request, spec_form=form), status=400)
    team = form.cleaned_data["team"]
    require_operator(request.user, team)
    name = f"{form.cleaned_data['hostname']}.json"
    text = json.dumps(spec_from_form(form.cleaned_data), indent=2)
    try:
        loaded = load_upload(name, text.encode())
    except SolarisParseError as exc:
        form.add_error(None, str(exc))
        return render(request, "planner/upload.html", _upload_context(request, spec_form=form), status=400)
    outcome = imports.import_loaded(team=team, name=name, loaded=loaded, user=request.user)
    if outcome.conflict:
        form.add_error("hostname", outcome.error)
        return render(request, "planner/upload.html", _upload_context(request, spec_form=form), status=409)
    return render(request, "planner/upload.html", _upload_context(request, results=[outcome]))


# --- plans ----------------------------------------------------------------------------------------


def _catalog_destination(request: HttpRequest, form: PlanCreateForm, team: Any) -> Any:
    """The plan form's catalog destination, imported into the source's team (None: a form error)."""
    model = form.cleaned_data["destination_catalog"]
    hostname = form.cleaned_data["destination_hostname"]
    try:
        loaded = load_catalog(f"catalog:{model}:{hostname}" if hostname else f"catalog:{model}")
    except SolarisParseError as exc:
        form.add_error("destination_catalog", str(exc))
        return None
    outcome = imports.import_loaded(team=team, name=loaded.upload_name, loaded=loaded, user=request.user)
    if not outcome.ok:
        form.add_error("destination_hostname" if outcome.conflict else "destination_catalog", outcome.error)
        return None
    return outcome.host


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    hosts = selectors.host_choices(request.user, action="operate")
    form = PlanCreateForm(hosts=hosts, models=_catalog_choices())
    status = 200
    destination = None
    if request.method == "POST":
        require_operator_anywhere(request.user)
        form = PlanCreateForm(request.POST, hosts=hosts, models=_catalog_choices())
        if form.is_valid():
            source, destination = form.cleaned_data["source"], form.cleaned_data["destination"]
            require_operator(request.user, source.team_id)
            if destination is None:
                destination = _catalog_destination(request, form, source.team)
        if form.is_valid() and destination is not None:
            try:
                plan = services.plan_create(
                    team=source.team,
                    source=source,
                    destination=destination,
                    name=form.cleaned_data.get("name", ""),
                    user=request.user,
                )
            except services.PlannerError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Plan “{plan.name}” created: {plan.get_verdict_display()}.")
                return redirect("planner:plan_detail", pk=plan.pk)
        status = 400
    plans = selectors.plans_for_user(request.user)
    verdict = request.GET.get("verdict", "")
    if verdict in PLAN_VERDICTS:
        plans = plans.filter(verdict=verdict)
    return render(
        request,
        "planner/plan_list.html",
        {
            "plans": plans,
            "verdict": verdict if verdict in PLAN_VERDICTS else "",
            "plan_columns": extensions.plan_columns(),
            "form": form,
            "can_write": is_operator_anywhere(request.user),
        },
        status=status,
    )


def _plan_context(request: HttpRequest, plan: Plan, tab: str, **extra: Any) -> dict[str, Any]:
    filters = page_filters(request)
    report = presenters.report_of(plan)
    context: dict[str, Any] = {
        "plan": plan,
        "report": report,
        "tab": tab,
        "tabs": plan_tabs(),
        "filters": filters,
        "can_write": is_operator(request.user, plan.team_id),
        "verdicts": [(v, v) for v in VERDICTS],
        "host_findings": report.host_findings,
        "routes": presenters.route_summary(report),
    }
    if tab == "matrix":
        # Lazy: the template's fragment cache usually has the rendered matrix already.
        context["matrix"] = SimpleLazyObject(lambda: presenters.plan_matrix(report, **filters))
    elif tab == "nics":
        context["nics"] = presenters.nic_table(plan, zone=filters["zone"])
        # Each row shows its zone's verdict, so a mapping change shows its effect in place.
        context["zone_verdicts"] = {z.name: z.verdict for z in report.zones}
    elif tab == "devices":
        context["devices"] = presenters.device_rows(plan, zone=filters["zone"])
    elif tab == "layout":
        context["layout"] = presenters.layout_table(plan)
        context["sizes"] = presenters.size_rows(plan)
    elif tab == "runbook":
        context["runbook"] = presenters.runbook_by_phase(report, zone=filters["zone"])
        context["runbook_routes"] = presenters.runbook_by_route(report, zone=filters["zone"])
    elif tab == "settings":
        context["settings_view"] = presenters.plan_settings(plan)
        if "settings_form" not in extra:
            context["settings_form"] = SettingsForm(view=context["settings_view"])
    else:
        extension = extensions.plan_tabs().get(tab)
        if extension is not None:
            context["tab_template"] = extension.template
            context.update(extension.context(request, plan))
    context.update(extra)
    return context


def render_plan_page(
    request: HttpRequest, plan: Plan, tab: str, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """The plan page on ``tab`` (or only its tabs, for an htmx swap); ``extra`` goes to the templates."""
    context = _plan_context(request, plan, tab, **extra)
    if request.htmx and request.htmx.target == "plan-tabs":
        html = render_to_string("planner/partials/plan_tabs.html", context, request=request)
        context["oob"] = True
        html += render_to_string("planner/partials/plan_header.html", context, request=request)
        return HttpResponse(html, status=200 if status < 500 else status)
    return render(request, "planner/plan_detail.html", context, status=status)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, pk)
    tab = request.GET.get("tab", "matrix")
    return render_plan_page(request, plan, tab if tab in tab_names() else "matrix")


def _plan_url(plan: Plan, tab: str, request: HttpRequest) -> str:
    url = reverse("planner:plan_detail", args=[plan.pk]) + f"?tab={tab}"
    zone = request.POST.get("filter_zone") or ""
    if zone:
        from urllib.parse import quote

        url += f"&zone={quote(zone)}"
    return url


def _after_edit(
    request: HttpRequest,
    plan: Plan,
    tab: str,
    *,
    error: str = "",
    error_key: Any = None,
    done: str = "",
    **extra: Any,
) -> HttpResponse:
    """Answer an editor's POST: the refreshed tab (htmx) or a redirect; on error, the inline message
    (``extra`` goes to the templates with it, e.g. the bound form)."""
    plan = selectors.plan_for_user(request.user, plan.pk)
    if error:
        return render_plan_page(
            request, plan, tab, status=400, edit_error=error, error_key=error_key, **extra
        )
    if request.htmx:
        return render_plan_page(request, plan, tab, saved=done)
    if done:
        messages.success(request, done)
    return redirect(_plan_url(plan, tab, request))


def _writable_plan(request: HttpRequest, pk: int) -> Plan:
    plan = selectors.plan_for_user(request.user, pk)
    require_operator(request.user, plan.team_id)
    return plan


def _form_error(form: Any) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def plan_replan(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    tab = request.POST.get("tab", "matrix")
    tab = tab if tab in tab_names() else "matrix"
    try:
        plan = services.plan_recompute(plan=plan)
    except services.PlannerError as exc:
        return _after_edit(request, plan, tab, error=str(exc))
    return _after_edit(request, plan, tab, done=f"Re-planned: {plan.get_verdict_display()}.")


@login_required
@require_POST
def plan_nic_set(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    ports = {p["name"] for p in selectors.destination_ports(plan)}
    zone = request.POST.get("zone", "")
    physical = request.POST.get("physical", "")
    address = request.POST.get("address", "")
    target = request.POST.get(f"target-{zone}-{physical}", request.POST.get("target", ""))
    key = f"{zone}|{physical}|{address}"
    form = NicRowForm({"zone": zone, "physical": physical, "address": address, "target": target}, ports=ports)
    if not form.is_valid():
        return _after_edit(request, plan, "nics", error=_form_error(form), error_key=key)
    target = form.cleaned_data["target"]
    try:
        if not target:
            services.nic_override_clear(plan=plan, zone=zone, physical=physical, address=address)
            done = f"{zone} {physical}: back to the proposal."
        elif target == "drop":
            services.nic_override_set(
                plan=plan, zone=zone, physical=physical, address=address, action="drop", user=request.user
            )
            done = f"{zone} {physical}: dropped."
        else:
            services.nic_override_set(
                plan=plan,
                zone=zone,
                physical=physical,
                address=address,
                action="map",
                target=target,
                user=request.user,
            )
            done = f"{zone} {physical} → {target}."
            fresh = selectors.plan_for_user(request.user, plan.pk)
            row = next(
                (m for m in presenters.report_of(fresh).nic_mappings if m.key == (zone, physical, address)),
                None,
            )
            if row is not None and row.link_warning:
                done += f" Warning: {row.link_warning}."
    except services.PlannerError as exc:
        return _after_edit(request, plan, "nics", error=str(exc), error_key=key)
    return _after_edit(request, plan, "nics", done=done)


@login_required
@require_POST
def plan_nic_default(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    ports = {p["name"] for p in selectors.destination_ports(plan)}
    form = DefaultNicForm(request.POST, ports=ports)
    if not form.is_valid():
        return _after_edit(request, plan, "nics", error=_form_error(form), error_key="default")
    target = form.cleaned_data["default_target"]
    try:
        services.plan_default_nic_target_set(plan=plan, target=target)
    except services.PlannerError as exc:
        return _after_edit(request, plan, "nics", error=str(exc), error_key="default")
    return _after_edit(
        request, plan, "nics", done=f"Default port: {target}." if target else "Default port cleared."
    )


@login_required
@require_POST
def plan_device_set(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    form = DeviceRowForm(request.POST)
    key = f"{request.POST.get('zone', '')}|{request.POST.get('match', '')}"
    if not form.is_valid():
        return _after_edit(request, plan, "devices", error=_form_error(form), error_key=key)
    data = form.cleaned_data
    try:
        if not data["action"]:
            services.device_override_clear(plan=plan, zone=data["zone"], match=data["match"])
        else:
            services.device_override_set(
                plan=plan,
                zone=data["zone"],
                match=data["match"],
                action=data["action"],
                replacement=data["replacement"],
            )
    except services.PlannerError as exc:
        return _after_edit(request, plan, "devices", error=str(exc), error_key=key)
    return _after_edit(request, plan, "devices", done=f"{data['zone']} {data['match']}: saved.")


@login_required
@require_POST
def plan_route_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Pin a zone to a route (``route-<zone>`` from the matrix's picker, or ``method``); "" unpins."""
    plan = _writable_plan(request, pk)
    zone = request.POST.get("zone", "")
    method = request.POST.get(f"route-{zone}", request.POST.get("method", ""))
    form = RouteRowForm({"zone": zone, "method": method})
    if not form.is_valid():
        return _after_edit(request, plan, "matrix", error=_form_error(form), error_key=zone)
    zone, method = form.cleaned_data["zone"], form.cleaned_data["method"]
    try:
        if method:
            services.route_override_set(plan=plan, zone=zone, method=method, user=request.user)
            done = f"{zone}: pinned to {presenters.route_label(method)}."
        else:
            services.route_override_clear(plan=plan, zone=zone)
            done = f"{zone}: back to the recommended route."
    except services.PlannerError as exc:
        return _after_edit(request, plan, "matrix", error=str(exc), error_key=zone)
    return _after_edit(request, plan, "matrix", done=done)


@login_required
@require_POST
def plan_disk_set(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    disks = presenters.disk_names(plan)
    form = DiskRowForm(request.POST, disks=disks)
    key = request.POST.get("key", "")
    if not form.is_valid():
        return _after_edit(request, plan, "layout", error=_form_error(form), error_key=key)
    try:
        services.disk_override_set(plan=plan, key=form.cleaned_data["key"], disk=form.cleaned_data["disk"])
    except services.PlannerError as exc:
        return _after_edit(request, plan, "layout", error=str(exc), error_key=key)
    disk = form.cleaned_data["disk"] or "automatic placement"
    return _after_edit(request, plan, "layout", done=f"{key}: {disk}.")


@login_required
@require_POST
def plan_size_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a file system (or a zone) of the layout a size, or clear it (blank): SIZE_ASSUMED."""
    plan = _writable_plan(request, pk)
    keys = services.size_keys(plan) | set(selectors.plan_size_choices(plan))
    form = SizeRowForm(request.POST, keys=keys)
    key = "size:" + request.POST.get("key", "")
    if not form.is_valid():
        return _after_edit(request, plan, "layout", error=_form_error(form), error_key=key)
    size = form.cleaned_data["size_mb"]
    try:
        services.size_override_set(plan=plan, key=form.cleaned_data["key"], size_mb=size)
    except services.PlannerError as exc:
        return _after_edit(request, plan, "layout", error=str(exc), error_key=key)
    what = form.cleaned_data["key"]
    return _after_edit(
        request,
        plan,
        "layout",
        done=f"{what}: {size} MB." if size else f"{what}: back to the planner's size.",
    )


@login_required
@require_POST
def plan_settings_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the plan's own settings (blank: the team's default) and re-plan with them."""
    plan = _writable_plan(request, pk)
    form = SettingsForm(request.POST, view=presenters.plan_settings(plan))
    if form.is_valid():
        try:
            plan = services.plan_settings_update(plan=plan, changes=form.changes())
        except services.SettingsError as exc:
            form.add_problems(exc.problems)
        except services.PlannerError as exc:
            form.add_error(None, str(exc))
        else:
            return _after_edit(
                request, plan, "settings", done=f"Settings saved; re-planned: {plan.get_verdict_display()}."
            )
    return _after_edit(
        request, plan, "settings", error="Some settings cannot be used: see below.", settings_form=form
    )


# --- teams ----------------------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    return render(request, "planner/team_list.html", {"teams": selectors.teams_with_roles(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def team_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's default settings: what its plans use where they set none (operators edit, viewers read)."""
    team = selectors.team_for_user(request.user, pk)
    row = selectors.team_settings_of(team)
    view = presenters.team_settings(row.values if isinstance(row.values, dict) else {})
    form = SettingsForm(view=view)
    status = 200
    if request.method == "POST":
        require_operator(request.user, team)
        form = SettingsForm(request.POST, view=view)
        if form.is_valid():
            try:
                saved = services.team_settings_update(team=team, changes=form.changes(), user=request.user)
            except services.SettingsError as exc:
                form.add_problems(exc.problems)
            else:
                _team_saved_messages(request, saved)
                return redirect("planner:team_settings", pk=team.pk)
        status = 400
    context = {
        "team": team,
        "team_settings": row,
        "settings_view": view,
        "settings_form": form,
        "can_write": is_operator(request.user, team.pk),
        "plan_count": selectors.team_plan_count(team),
    }
    return render(request, "planner/team_settings.html", context, status=status)


def _team_saved_messages(request: HttpRequest, saved: services.TeamSettingsSaved) -> None:
    if not saved.changed:
        messages.info(request, "Nothing changed.")
        return
    replanned = len(saved.replanned)
    messages.success(
        request,
        f"Team defaults saved ({', '.join(saved.changed)}); re-planned {replanned} "
        f"plan{'' if replanned == 1 else 's'} that use{'s' if replanned == 1 else ''} them.",
    )
    for plan, error in saved.failed:
        messages.warning(request, f"Plan “{plan.name}” was not re-planned: {error}")


# --- report and exports --------------------------------------------------------------------------


def _report_context(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    filters = page_filters(request)
    report = presenters.report_of(plan)
    zones = zone_filter(request, report)
    return {
        "plan": plan,
        "report": report,
        "filters": filters,
        "verdicts": [(v, v) for v in VERDICTS],
        "matrix": presenters.plan_matrix(report, **filters),
        "findings": presenters.findings_rows(report, **filters),
        "nic_rows": presenters.report_nic_rows(report, zones),
        "device_rows": presenters.report_device_rows(report, zones),
        "layout": report.layout,
        "runbook": presenters.runbook_by_phase(report, zone=filters["zone"]),
        "routes": presenters.route_summary(report),
        "route_rows": presenters.route_rows(report, **filters),
        "sections": [
            {"template": s.template, "actions": s.actions_template, "data": s.context(request, plan, zones)}
            for s in extensions.report_sections()
        ],
    }


@login_required
def plan_report(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, pk)
    return render(request, "planner/plan_report.html", _report_context(request, plan))


@login_required
def plan_findings_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404("CSV or JSON only")
    filters = page_filters(request)
    rows = presenters.findings_rows(presenters.report_of(plan), **filters)
    if fmt == "csv":
        return csv_response(rows, presenters.FINDING_COLUMNS, download_name(plan, "findings.csv"))
    report = presenters.report_of(plan)
    return json_response(
        {
            "plan": {**plan_header(plan, filters), "recommended_verdict": report.routes_verdict},
            "findings": rows,
            "routes": presenters.route_rows(report, **filters),
        },
        download_name(plan, "findings.json"),
    )


@login_required
def plan_routes_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """One row per zone and route: verdict, recommended, taken, pinned, blocker and step codes."""
    plan = selectors.plan_for_user(request.user, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404("CSV or JSON only")
    filters = page_filters(request)
    report = presenters.report_of(plan)
    rows = presenters.route_rows(report, **filters)
    if fmt == "csv":
        return csv_response(rows, presenters.ROUTE_COLUMNS, download_name(plan, "routes.csv"))
    header = {**plan_header(plan, filters), "recommended_verdict": report.routes_verdict}
    return json_response({"plan": header, "routes": rows}, download_name(plan, "routes.json"))


# --- generated files ------------------------------------------------------------------------------

DOWNLOADS: dict[str, tuple[str, str]] = {
    "runbook.md": ("runbook.md", "text/markdown; charset=utf-8"),
    "scripts.tar.gz": ("scripts.tar.gz", "application/gzip"),
    "profile": ("profile", "text/plain; charset=utf-8"),
    "sysidcfg": ("sysidcfg", "text/plain; charset=utf-8"),
    "finish": ("finish.sh", "text/x-shellscript; charset=utf-8"),
}


@login_required
def plan_download(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, pk)
    if what not in DOWNLOADS:
        raise Http404("no such download")
    filename, content_type = DOWNLOADS[what]
    if what == "profile":
        filename = f"{slugify(plan.destination.hostname) or 'destination'}.profile"
    try:
        content = selectors.plan_generated_file(plan, what)
    except services.PlannerError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment(download_name(plan, filename))
    return response
