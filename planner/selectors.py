"""Reads: every query the views and the API make goes through here, scoped to the user's teams."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from .models import Host, Team


def teams_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user)


def hosts_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Host]:
    return Host.objects.filter(team__in=teams_for_user(user)).select_related("current_snapshot")
