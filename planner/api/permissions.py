"""API permissions: reads are scoped to the user's teams by the querysets (another team's object
is a 404); writes need the operator role in the object's team (a viewer gets 403)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from planner.permissions import is_operator

WRITE_DENIED = "Only operators of this team can make changes."


def team_id_of(obj: Any) -> int:
    """The team an API object belongs to (hosts, plans and jobs all carry ``team_id``)."""
    return int(obj.team_id)


class IsTeamOperatorForWrites(BasePermission):
    """Object-level: any member may read; only the team's operators may write."""

    message = WRITE_DENIED

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return is_operator(request.user, team_id_of(obj))
