"""django-filter filter set of GET /api/jobs/."""

from __future__ import annotations

from typing import Any

import django_filters

from jobs.models import Job
from planner.models import Plan


def _user_plans(request: Any) -> Any:
    if request is None:
        return Plan.objects.none()
    return Plan.objects.for_user(request.user)


class JobFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Job.State.choices)
    kind = django_filters.ChoiceFilter(choices=Job.Kind.choices)
    plan = django_filters.ModelChoiceFilter(queryset=_user_plans, help_text="Plan id.")

    class Meta:
        model = Job
        fields = ["state", "kind", "plan"]
