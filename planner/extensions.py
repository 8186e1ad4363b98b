"""Extension points of the planner's pages, filled in by the apps above it.

The planner never imports those apps (the jobs app, zflar_site): they register here, in their
``AppConfig.ready``, what they add to the planner's pages, and the pages ask this registry.

- :class:`PlanTab`: a tab of the plan page (the jobs app adds "Jobs"): its template, rendered in
  the tab panel, and a function that gives the template its context.
- :class:`PlanColumn`: a column of the plan tables (the jobs app adds "Last job"): its title, the
  template of a cell, and a queryset annotation that gives every plan row what the cell shows in
  the same query.
- :class:`ReportSection`: a section of the printable report (the jobs app adds "Last job") and
  links in its action bar.
- :class:`PlanDeleteHook`: what another app keeps of a plan that is deleted (the jobs app refuses
  while a job of the plan is queued or running, and keeps the plan's name on its jobs' records).

Registration is idempotent by name, so a second ``ready()`` (tests reload apps) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Plan

Context = dict[str, Any]


@dataclass(frozen=True)
class ZoneFilter:
    """The zone filters of a plan page or report, as the report's zones resolve them.

    ``kept`` holds the names of the report's zones that pass the filters; a row of another app
    (a job's zone result) is kept by :meth:`keeps` with the same rule the report's own rows use.
    """

    verdict: str = ""
    zone: str = ""
    kept: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return bool(self.verdict or self.zone)

    def keeps(self, zone: str) -> bool:
        if not self.active:
            return True
        if not self.verdict:
            return self.zone.lower() in zone.lower()
        return zone in self.kept

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in (("verdict", self.verdict), ("zone", self.zone)) if v}


@dataclass(frozen=True)
class PlanTab:
    name: str
    label: str
    template: str
    # (request, plan) -> the template's context; the page's own values (forms with errors) win.
    context: Callable[[HttpRequest, Plan], Context]


@dataclass(frozen=True)
class PlanColumn:
    name: str
    title: str
    cell_template: str  # rendered with ``plan`` (an annotated row)
    annotate: Callable[[QuerySet[Plan]], QuerySet[Plan]]


@dataclass(frozen=True)
class ReportSection:
    name: str
    template: str
    # (request, plan, zone filter) -> the template's context
    context: Callable[[HttpRequest, Plan, ZoneFilter], Context]
    actions_template: str = ""  # links in the report's action bar, rendered with ``plan``


@dataclass(frozen=True)
class PlanDeleteHook:
    name: str
    # plan -> why it may not be deleted now ("" when it may); called with the plan row locked.
    refuse: Callable[[Plan], str]
    # plan -> None: what to keep before the plan's row goes (same transaction).
    before: Callable[[Plan], None]


@dataclass
class _Registry:
    tabs: dict[str, PlanTab] = field(default_factory=dict)
    columns: dict[str, PlanColumn] = field(default_factory=dict)
    sections: dict[str, ReportSection] = field(default_factory=dict)
    delete_hooks: dict[str, PlanDeleteHook] = field(default_factory=dict)


_registry = _Registry()


def register_plan_tab(tab: PlanTab) -> None:
    _registry.tabs[tab.name] = tab


def register_plan_column(column: PlanColumn) -> None:
    _registry.columns[column.name] = column


def register_report_section(section: ReportSection) -> None:
    _registry.sections[section.name] = section


def register_plan_delete_hook(hook: PlanDeleteHook) -> None:
    _registry.delete_hooks[hook.name] = hook


def plan_delete_hooks() -> list[PlanDeleteHook]:
    return list(_registry.delete_hooks.values())


def plan_tabs() -> Mapping[str, PlanTab]:
    return dict(_registry.tabs)


def plan_columns() -> list[PlanColumn]:
    return list(_registry.columns.values())


def report_sections() -> list[ReportSection]:
    return list(_registry.sections.values())


def annotate_plans(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """``plans`` with what every registered column needs (still one query)."""
    for column in _registry.columns.values():
        plans = column.annotate(plans)
    return plans
