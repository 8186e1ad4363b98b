"""Team scoping and role checks shared by the web views.

The rules: a user sees only the objects of the teams they belong to (another
team's object answers 404, as if it did not exist), and only operators may
change anything (a viewer's write answers 403).  Reads are scoped by the
selectors; this module answers "may this user write to this team?".
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import Membership, Team

_CACHE_ATTR = "_zflar_roles"


def roles_for_user(user: AbstractBaseUser | AnonymousUser) -> dict[int, str]:
    """team id -> role for every team the user belongs to (one query, cached on the user object)."""
    if not user.is_authenticated:
        return {}
    cached: dict[int, str] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("team_id", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def role_in(user: AbstractBaseUser | AnonymousUser, team: Team | int) -> str | None:
    team_id = team if isinstance(team, int) else team.pk
    return roles_for_user(user).get(team_id)


def is_operator(user: AbstractBaseUser | AnonymousUser, team: Team | int) -> bool:
    return role_in(user, team) == Membership.Role.OPERATOR


def is_operator_anywhere(user: AbstractBaseUser | AnonymousUser) -> bool:
    return Membership.Role.OPERATOR in roles_for_user(user).values()


def operator_team_ids(user: AbstractBaseUser | AnonymousUser) -> list[int]:
    return sorted(tid for tid, role in roles_for_user(user).items() if role == Membership.Role.OPERATOR)


def require_operator(user: AbstractBaseUser | AnonymousUser, team: Team | int) -> None:
    """Raise PermissionDenied (403) unless the user is an operator of the team."""
    if not is_operator(user, team):
        raise PermissionDenied("Only operators of this team can make changes.")


def require_operator_anywhere(user: AbstractBaseUser | AnonymousUser) -> None:
    if not is_operator_anywhere(user):
        raise PermissionDenied("Only operators can make changes.")


def can_write(request: HttpRequest, team: Team | int) -> bool:
    """For templates: whether to show write buttons for an object of ``team``."""
    return is_operator(request.user, team)
