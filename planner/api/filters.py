"""django-filter filter sets of the planner API's list endpoints."""

from __future__ import annotations

from typing import Any

import django_filters

from planner import selectors
from planner.models import Host, Plan


def _user_hosts(request: Any) -> Any:
    if request is None:
        return Host.objects.none()
    return selectors.hosts_for_user(request.user)


class HostFilter(django_filters.FilterSet):
    hostname = django_filters.CharFilter(
        lookup_expr="icontains", max_length=255, help_text="Part of the hostname."
    )
    origin = django_filters.ChoiceFilter(choices=Host.Origin.choices)

    class Meta:
        model = Host
        fields = ["hostname", "origin"]


class PlanFilter(django_filters.FilterSet):
    verdict = django_filters.ChoiceFilter(choices=Plan.Verdict.choices)
    source = django_filters.ModelChoiceFilter(queryset=_user_hosts, help_text="Source host id.")
    destination = django_filters.ModelChoiceFilter(queryset=_user_hosts, help_text="Destination host id.")

    class Meta:
        model = Plan
        fields = ["verdict", "source", "destination"]
