"""Who may do what: role (operator, viewer, outsider, anonymous) x team (own, other) x endpoint.

``own`` objects belong to ``Team A`` (operator and viewer are members), ``other`` objects to
``Team B`` (outsider is its operator).  Expected answers:

- anonymous: 401 on every API endpoint (302 to the login page for HTML pages);
- a member reads (200) and, as operator, writes (200/201); a viewer's write is 403;
- a non-member gets 404 for an object of another team, as if it did not exist;
- collection creates that reference another team's objects are 400 (not one of your hosts/teams).

The data is built once per module inside an outer transaction (like Django's setUpTestData);
every test runs in a savepoint that is rolled back, so writes never leak between cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.urls import Resolver404, resolve

from tests.support.teams import TeamObjects, build_team_objects, token_client

pytestmark = pytest.mark.django_db

ROLES = ("operator", "viewer", "outsider", "anonymous")
SIDES = ("own", "other")


@dataclass
class MatrixData:
    users: dict[str, Any]
    sides: dict[str, TeamObjects]


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker) -> Iterator[MatrixData]:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from planner.models import Membership, Team

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            team_a = Team.objects.create(name="Matrix A")
            team_b = Team.objects.create(name="Matrix B")
            users = {}
            for role, team, membership in (
                ("operator", team_a, "operator"),
                ("viewer", team_a, "viewer"),
                ("outsider", team_b, "operator"),
            ):
                user = get_user_model().objects.create_user(username=f"m-{role}", password=f"pw-m-{role}")
                Membership.objects.create(user=user, team=team, role=membership)
                users[role] = user
            sides = {"own": build_team_objects(team_a, "a"), "other": build_team_objects(team_b, "b")}
            yield MatrixData(users=users, sides=sides)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def member(role: str, side: str) -> bool:
    return (role in ("operator", "viewer") and side == "own") or (role == "outsider" and side == "other")


def writer(role: str, side: str) -> bool:
    return member(role, side) and role != "viewer"


# --- the endpoints ---------------------------------------------------------------------------------


def _nic_key(o: TeamObjects) -> dict[str, str]:
    m = o.plan.nic_mappings.order_by("pk").first()
    assert m is not None, "the fixture plan has no zone nets; the matrix needs one"
    return {"zone": m.zone, "physical": m.physical, "address": m.address}


def _device_key(o: TeamObjects) -> dict[str, str]:
    m = o.plan.device_mappings.order_by("pk").first()
    assert m is not None, "the fixture plan has no zone devices; the matrix needs one"
    return {"zone": m.zone, "match": m.match}


def _disk_body(o: TeamObjects) -> dict[str, str]:
    from planner.models import Disk

    slice_ = o.plan.layout_slices.order_by("pk").first()
    assert slice_ is not None, "the fixture plan has no layout; the matrix needs one"
    disk = Disk.objects.filter(snapshot_id=o.plan.destination_snapshot_id).order_by("name").first()
    assert disk is not None
    return {"key": slice_.key, "disk": disk.name}


@dataclass
class Endpoint:
    name: str
    method: str
    path: Callable[[TeamObjects], str]
    body: Callable[[TeamObjects], dict[str, Any]] | None = None
    write: bool = False
    success: int = 200
    scope: str = "object"  # object | list | create
    multipart: bool = False
    query: Callable[[TeamObjects], dict[str, str]] | None = field(default=None)


def _bundle_body(o: TeamObjects) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.bundles import destination_bundle

    return {"files": [SimpleUploadedFile("new.tar.gz", destination_bundle("fresh01"))], "team": o.team.pk}


ENDPOINTS = [
    # bundles and hosts
    Endpoint("bundles", "post", lambda o: "/api/bundles/", _bundle_body, True, 201, "create", multipart=True),
    Endpoint("hosts-list", "get", lambda o: "/api/hosts/", scope="list"),
    Endpoint("host-detail", "get", lambda o: f"/api/hosts/{o.source.pk}/"),
    Endpoint("host-snapshots", "get", lambda o: f"/api/hosts/{o.source.pk}/snapshots/"),
    # plans
    Endpoint("plans-list", "get", lambda o: "/api/plans/", scope="list"),
    Endpoint(
        "plan-create",
        "post",
        lambda o: "/api/plans/",
        lambda o: {"source": o.source.pk, "destination": o.destination.pk},
        True,
        201,
        "create",
    ),
    Endpoint("plan-detail", "get", lambda o: f"/api/plans/{o.plan.pk}/"),
    Endpoint("plan-report", "get", lambda o: f"/api/plans/{o.plan.pk}/report/"),
    Endpoint("plan-recompute", "post", lambda o: f"/api/plans/{o.plan.pk}/recompute/", write=True),
    Endpoint("nic-mappings", "get", lambda o: f"/api/plans/{o.plan.pk}/nic-mappings/"),
    Endpoint(
        "nic-override-put",
        "put",
        lambda o: f"/api/plans/{o.plan.pk}/nic-mappings/override/",
        lambda o: {**_nic_key(o), "action": "drop"},
        True,
    ),
    Endpoint(
        "nic-override-patch",
        "patch",
        lambda o: f"/api/plans/{o.plan.pk}/nic-mappings/override/",
        lambda o: {**_nic_key(o), "action": "map", "target": "e1000g1"},
        True,
    ),
    Endpoint(
        "nic-override-delete",
        "delete",
        lambda o: f"/api/plans/{o.plan.pk}/nic-mappings/override/",
        write=True,
        query=_nic_key,
    ),
    Endpoint(
        "default-nic-target",
        "post",
        lambda o: f"/api/plans/{o.plan.pk}/default-nic-target/",
        lambda o: {"target": "e1000g0"},
        True,
    ),
    Endpoint("device-mappings", "get", lambda o: f"/api/plans/{o.plan.pk}/device-mappings/"),
    Endpoint(
        "device-override-put",
        "put",
        lambda o: f"/api/plans/{o.plan.pk}/device-mappings/override/",
        lambda o: {**_device_key(o), "action": "remove"},
        True,
    ),
    Endpoint(
        "device-override-patch",
        "patch",
        lambda o: f"/api/plans/{o.plan.pk}/device-mappings/override/",
        lambda o: {**_device_key(o), "action": "keep"},
        True,
    ),
    Endpoint(
        "device-override-delete",
        "delete",
        lambda o: f"/api/plans/{o.plan.pk}/device-mappings/override/",
        write=True,
        query=_device_key,
    ),
    Endpoint("disk-overrides", "get", lambda o: f"/api/plans/{o.plan.pk}/disk-overrides/"),
    Endpoint(
        "disk-override-put", "put", lambda o: f"/api/plans/{o.plan.pk}/disk-overrides/", _disk_body, True
    ),
    Endpoint(
        "disk-override-patch", "patch", lambda o: f"/api/plans/{o.plan.pk}/disk-overrides/", _disk_body, True
    ),
    Endpoint(
        "disk-override-delete",
        "delete",
        lambda o: f"/api/plans/{o.plan.pk}/disk-overrides/",
        write=True,
        query=lambda o: {"key": _disk_body(o)["key"]},
    ),
    Endpoint("plan-settings", "get", lambda o: f"/api/plans/{o.plan.pk}/settings/"),
    Endpoint(
        "plan-settings-patch",
        "patch",
        lambda o: f"/api/plans/{o.plan.pk}/settings/",
        lambda o: {"timezone": "Europe/London"},
        True,
    ),
    # teams
    Endpoint("team-settings", "get", lambda o: f"/api/teams/{o.team.pk}/settings/"),
    Endpoint(
        "team-settings-patch",
        "patch",
        lambda o: f"/api/teams/{o.team.pk}/settings/",
        lambda o: {"jumpstart_server": "js01"},
        True,
    ),
    # jobs
    Endpoint(
        "plan-job-create",
        "post",
        lambda o: f"/api/plans/{o.plan.pk}/jobs/",
        lambda o: {"kind": "archive", "executor": "local"},
        True,
        201,
    ),
    Endpoint("jobs-list", "get", lambda o: "/api/jobs/", scope="list"),
    Endpoint("job-detail", "get", lambda o: f"/api/jobs/{o.failed_job.pk}/"),
    Endpoint("job-events", "get", lambda o: f"/api/jobs/{o.failed_job.pk}/events/"),
    Endpoint("job-cancel", "post", lambda o: f"/api/jobs/{o.queued_job.pk}/cancel/", write=True),
    Endpoint(
        "job-retry-failed",
        "post",
        lambda o: f"/api/jobs/{o.failed_job.pk}/retry-failed/",
        write=True,
        success=201,
    ),
    # the API's own pages
    Endpoint("api-root", "get", lambda o: "/api/", scope="list"),
    Endpoint("schema", "get", lambda o: "/api/schema/", scope="list"),
]


def expected_status(role: str, side: str, ep: Endpoint) -> int:
    if role == "anonymous":
        return 401
    if ep.scope == "list":
        return 200
    if ep.scope == "create":
        if role == "viewer":
            return 403  # an operator of no team may create nothing
        return ep.success if member(role, side) else 400
    if not member(role, side):
        return 404
    if ep.write and not writer(role, side):
        return 403
    return ep.success


def client_for(role: str, data: MatrixData) -> Any:
    from rest_framework.test import APIClient

    return APIClient() if role == "anonymous" else token_client(data.users[role])


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("role", ROLES)
def test_api_access(role: str, side: str, ep: Endpoint, data: MatrixData) -> None:
    objects = data.sides[side]
    client = client_for(role, data)
    url = ep.path(objects)
    if ep.query is not None:
        url += "?" + urlencode(ep.query(objects))
    kwargs: dict[str, Any] = {}
    if ep.body is not None:
        kwargs = {"data": ep.body(objects), "format": "multipart" if ep.multipart else "json"}
    response = getattr(client, ep.method)(url, **kwargs)
    want = expected_status(role, side, ep)
    assert response.status_code == want, (
        f"{role} {ep.method.upper()} {url} ({side} team): {response.status_code}, want {want}: "
        f"{response.content[:500]!r}"
    )
    if want == 401:
        assert response["WWW-Authenticate"].startswith("Token")
    is_json = response.get("Content-Type", "").startswith("application/json")
    if ep.scope == "list" and want == 200 and is_json and "results" in response.json():
        # Lists are scoped: only the teams the user belongs to.
        teams = {r["team"] for r in response.json()["results"]}
        allowed = {s.team.pk for name, s in data.sides.items() if member(role, name)}
        assert teams <= allowed
        assert teams, "a member sees their own team's objects"


def test_docs_and_token_access(data: MatrixData) -> None:
    from rest_framework.test import APIClient

    anonymous = APIClient()
    response = anonymous.get("/api/docs/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    for role, user in data.users.items():
        client = APIClient()
        client.force_login(user)
        assert client.get("/api/docs/").status_code == 200, role
        ok = anonymous.post(
            "/api/token/", {"username": user.username, "password": f"pw-m-{role}"}, format="json"
        )
        assert ok.status_code == 200, role
    bad = anonymous.post("/api/token/", {"username": "m-operator", "password": "wrong"}, format="json")
    assert bad.status_code == 400


# --- HTML pages ------------------------------------------------------------------------------------

HTML_PAGES: list[tuple[str, Callable[[TeamObjects], str], bool]] = [
    ("dashboard", lambda o: "/", False),
    ("hosts", lambda o: "/hosts/", False),
    ("plan-page", lambda o: f"/plans/{o.plan.pk}/", True),
    ("plan-settings-tab", lambda o: f"/plans/{o.plan.pk}/?tab=settings", True),
    ("teams", lambda o: "/teams/", False),
    ("team-settings", lambda o: f"/teams/{o.team.pk}/settings/", True),
    ("job-page", lambda o: f"/jobs/{o.failed_job.pk}/", True),
]


def _resolves(path: str) -> bool:
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    # The API's and admin's catch-alls are not the HTML pages asked for.
    return not (match.route or "").startswith(("api/", "admin/"))


@pytest.mark.parametrize("html_page", HTML_PAGES, ids=lambda p: p[0])
@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("role", ROLES)
def test_html_access(
    role: str, side: str, html_page: tuple[str, Callable[[TeamObjects], str], bool], data: MatrixData
) -> None:
    from django.test import Client

    name, path_of, is_object = html_page
    path = path_of(data.sides[side])
    if not _resolves(path):
        reason = f"HTML page {path} ({name}) has no URL yet"
        print(reason)
        pytest.skip(reason)
    client = Client()
    if role != "anonymous":
        client.force_login(data.users[role])
    response = client.get(path)
    if role == "anonymous":
        assert response.status_code == 302, path
        assert "/login/" in response["Location"]
    elif is_object and not member(role, side):
        assert response.status_code == 404, path
    else:
        assert response.status_code == 200, path
