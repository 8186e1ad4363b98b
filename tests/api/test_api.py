"""The REST API end to end, through the real URLconf, with token authentication."""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.support.bundles import bundle_files, destination_bundle, make_tar, source_bundle
from tests.support.teams import token_client

pytestmark = pytest.mark.django_db


def upload(client, *files, **data):  # type: ignore[no-untyped-def]
    payload = {"files": [SimpleUploadedFile(name, content) for name, content in files], **data}
    return client.post("/api/bundles/", payload, format="multipart")


# --- bundles ------------------------------------------------------------------------------------


def test_upload_imports_each_file_and_reports_it(operator_api, team):
    response = upload(operator_api, ("src.tar.gz", source_bundle()), ("dst.tar.gz", destination_bundle()))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["team"] == team.pk
    assert (body["imported"], body["failed"]) == (2, 0)
    src, dst = body["results"]
    assert src["ok"] is True
    assert src["file"] == "src.tar.gz"
    assert src["hostname"] == "src01"
    assert src["snapshot"] == 1
    assert sorted(src["zones"]) == ["app01", "web01"]
    assert src["nics"] == ["bge0", "bge1"]
    assert src["disks"] == ["c1t0d0", "c1t1d0"]
    assert isinstance(src["issues"], list)
    assert all({"file", "line", "message", "severity"} <= set(i) for i in src["issues"])
    assert dst["hostname"] == "dst01"
    assert dst["zones"] == []


def test_reimport_same_files_is_unchanged_and_changed_files_add_a_snapshot(operator_api):
    first = upload(operator_api, ("src.tar.gz", source_bundle())).json()["results"][0]
    again = upload(operator_api, ("src.tar.gz", source_bundle())).json()["results"][0]
    assert again["snapshot"] == first["snapshot"] == 1
    assert again["unchanged"] is True
    changed = upload(operator_api, ("src.tar.gz", source_bundle(zones=("web01",)))).json()["results"][0]
    assert changed["snapshot"] == 2
    assert changed["unchanged"] is False


def test_upload_with_a_bad_file_imports_the_good_one_and_names_the_error(operator_api):
    response = upload(
        operator_api, ("good.tar.gz", source_bundle()), ("junk.tar.gz", b"\x1f\x8bnot really gzip")
    )
    assert response.status_code == 201
    good, bad = response.json()["results"]
    assert good["ok"] is True
    assert bad == {"file": "junk.tar.gz", "ok": False, "error": bad["error"]}
    assert bad["error"].startswith("junk.tar.gz")


def test_upload_with_only_bad_files_is_400_with_file_and_line(operator_api):
    bad_cfg = b"create -b\nset zonepath=/zones/x\nfrobnicate the zone\n"
    response = upload(operator_api, ("web01.cfg", bad_cfg))
    assert response.status_code == 400
    body = response.json()
    assert body["imported"] == 0
    (result,) = body["results"]
    assert result["ok"] is False
    assert result["error"].startswith("web01.cfg:")  # <file>:<line>: message


def test_upload_without_files_is_400(operator_api):
    response = operator_api.post("/api/bundles/", {}, format="multipart")
    assert response.status_code == 400
    assert "files" in response.json()


def test_upload_json_body_is_415(operator_api):
    assert operator_api.post("/api/bundles/", {"files": []}, format="json").status_code == 415


def test_viewer_cannot_upload(viewer_api):
    assert upload(viewer_api, ("src.tar.gz", source_bundle())).status_code == 403


def test_user_in_two_teams_must_choose_and_only_among_own_teams(operator, other_team, team):
    from planner.models import Membership, Team

    Membership.objects.create(user=operator, team=other_team, role="operator")
    client = token_client(operator)
    response = upload(client, ("src.tar.gz", source_bundle()))
    assert response.status_code == 400
    assert "team" in response.json()
    third = Team.objects.create(name="third")
    assert upload(client, ("src.tar.gz", source_bundle()), team=third.pk).status_code == 400
    assert upload(client, ("src.tar.gz", source_bundle()), team="x").status_code == 400
    response = upload(client, ("src.tar.gz", source_bundle()), team=other_team.pk)
    assert response.status_code == 201
    assert response.json()["team"] == other_team.pk


def test_upload_uses_bundle_limits_from_settings(operator_api, settings):
    settings.ZFLAR_MAX_BUNDLE_FILES = 3
    response = upload(operator_api, ("src.tar.gz", source_bundle()))
    assert response.status_code == 400
    assert "more than 3 members" in response.json()["results"][0]["error"]


def test_ignored_members_are_listed(operator_api):
    files = bundle_files("src01", zones=("web01",))
    files["notes/whatever.txt"] = "hello"
    response = upload(operator_api, ("src.tar.gz", make_tar(files, top="src01")))
    assert response.status_code == 201
    assert "notes/whatever.txt" in response.json()["results"][0]["ignored"]


# --- upload size limits (streaming) ----------------------------------------------------------------


def test_content_length_over_the_limit_is_413_before_the_body_is_read(operator_api, settings, monkeypatch):
    settings.ZFLAR_MAX_UPLOAD_BYTES = 1000
    from django.http.multipartparser import MultiPartParser

    def parse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the body must not be parsed")

    monkeypatch.setattr(MultiPartParser, "parse", parse)
    big = b"x" * (2 * 1024 * 1024)
    response = upload(operator_api, ("big.tar.gz", big))
    assert response.status_code == 413
    body = response.json()
    assert "limit" in body["detail"]
    assert body["limit_bytes"] == 1000 + 1024 * 1024


def test_one_file_over_the_limit_is_stopped_while_streaming(operator_api, settings, monkeypatch):
    settings.ZFLAR_MAX_UPLOAD_BYTES = 64 * 1024
    settings.ZFLAR_MAX_UPLOAD_REQUEST_BYTES = 10 * 1024 * 1024  # so the Content-Length check passes
    from planner.upload import SizeLimitUploadHandler

    seen: list[int] = []
    original = SizeLimitUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):  # type: ignore[no-untyped-def]
        seen.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(SizeLimitUploadHandler, "receive_data_chunk", spy)
    response = upload(
        operator_api, ("small.tar.gz", source_bundle()), ("huge.tar.gz", b"\0" * (5 * 1024 * 1024))
    )
    assert response.status_code == 413
    body = response.json()
    assert body["file"] == "huge.tar.gz"
    assert "huge.tar.gz" in body["detail"]
    assert body["limit_bytes"] == 64 * 1024
    # Stopped right after crossing the limit: far less than the 5 MiB was handed to handlers.
    assert sum(seen) < 64 * 1024 + 2 * 65536 + len(source_bundle())
    from planner.models import Host

    assert not Host.objects.exists()  # nothing imported from a refused upload


def test_upload_handler_counts_the_whole_request():
    """Without a usable Content-Length (chunked bodies) the handler's total is the request cap."""
    from django.core.files.uploadhandler import StopUpload
    from django.test import RequestFactory

    from planner.upload import SizeLimitUploadHandler, upload_limit_error

    request = RequestFactory().post("/")
    handler = SizeLimitUploadHandler(request, file_limit=10, request_limit=25)
    for name in ("a.tar", "b.tar"):
        handler.new_file("files", name, "application/x-tar", None)
        handler.receive_data_chunk(b"x" * 10, 0)
    handler.new_file("files", "c.tar", "application/x-tar", None)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 6, 0)
    error = upload_limit_error(request)
    assert error is not None
    assert "add up" in error.message
    assert error.limit == 25


def test_limit_upload_size_decorator_protects_csrf_after_installing_the_handler(rf, settings):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from planner.upload import SizeLimitUploadHandler, limit_upload_size

    seen = {}

    @limit_upload_size
    def view(request):  # type: ignore[no-untyped-def]
        seen["first_handler"] = type(request.upload_handlers[0])
        return HttpResponse("ok")

    request = rf.post("/", {"a": "b"})
    request._dont_enforce_csrf_checks = False
    response = view(request)
    assert response.status_code == 403  # csrf_protect still applies
    request = rf.get("/")
    token = get_token(request)
    secret = request.META["CSRF_COOKIE"]
    request = rf.post("/", {"csrfmiddlewaretoken": token})
    request.COOKIES[settings.CSRF_COOKIE_NAME] = secret
    response = view(request)
    assert response.status_code == 200
    assert seen["first_handler"] is SizeLimitUploadHandler


# --- hosts ------------------------------------------------------------------------------------------


def test_hosts_list_detail_snapshots_and_filters(world, operator_api):
    own = world.own
    response = operator_api.get("/api/hosts/")
    assert response.status_code == 200
    body = response.json()
    assert {h["hostname"] for h in body["results"]} == {"asrc01", "adst01"}
    assert body["count"] == 2
    src = next(h for h in body["results"] if h["hostname"] == "asrc01")
    assert src["zone_count"] == 2
    assert src["current_snapshot"]["number"] == 1

    assert [h["hostname"] for h in operator_api.get("/api/hosts/?hostname=SRC").json()["results"]] == [
        "asrc01"
    ]
    assert operator_api.get("/api/hosts/?origin=bundle").json()["count"] == 2
    assert operator_api.get("/api/hosts/?origin=spec").json()["count"] == 0
    assert operator_api.get("/api/hosts/?origin=nonsense").status_code == 400

    detail = operator_api.get(f"/api/hosts/{own.source.pk}/").json()
    assert detail["hostname"] == "asrc01"
    assert [z["name"] for z in detail["zones"]] == ["app01", "web01"]
    web01 = next(z for z in detail["zones"] if z["name"] == "web01")
    assert web01["zonepath"] == "/zones/web01"
    assert any(r["kind"] == "net" for r in web01["resources"])
    assert [n["name"] for n in detail["inventory"]["nics"]] == ["bge0", "bge1"]
    assert detail["inventory"]["disks"][0]["name"] == "c1t0d0"
    assert [s["number"] for s in detail["snapshots"]] == [1]

    snaps = operator_api.get(f"/api/hosts/{own.source.pk}/snapshots/").json()
    assert snaps["count"] == 1
    assert snaps["results"][0]["number"] == 1

    assert operator_api.get(f"/api/hosts/{world.other.source.pk}/").status_code == 404
    assert operator_api.get("/api/hosts/?page=99").status_code == 404


# --- plans ------------------------------------------------------------------------------------------


def test_plan_create_list_detail_report(world, operator_api, tmp_path):
    own = world.own
    response = operator_api.post(
        "/api/plans/",
        {"source": own.source.pk, "destination": own.destination.pk, "name": "move"},
        format="json",
    )
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["name"] == "move"
    assert plan["source"] == {"id": own.source.pk, "hostname": "asrc01"}
    assert plan["verdict"] in ("ready", "ready_with_steps", "blocked")
    assert plan["source_snapshot"]["number"] == 1
    assert plan["stale"] is False
    assert plan["computed"]

    listing = operator_api.get("/api/plans/").json()
    assert listing["count"] == 2
    assert operator_api.get(f"/api/plans/?source={own.source.pk}").json()["count"] == 2
    assert operator_api.get(f"/api/plans/?destination={own.source.pk}").json()["count"] == 0
    assert operator_api.get(f"/api/plans/?verdict={plan['verdict']}").json()["count"] == 2
    assert operator_api.get(f"/api/plans/?source={world.other.source.pk}").status_code == 400

    from planner.models import Plan

    report = operator_api.get(f"/api/plans/{plan['id']}/report/").json()
    assert report == Plan.objects.get(pk=plan["id"]).report
    assert {"verdict", "zones", "nic_mappings", "device_mappings", "layout", "runbook", "summary"} <= set(
        report
    )

    # The same JSON the CLI prints for the same two inputs.
    src_file, dst_file = tmp_path / "src.tar.gz", tmp_path / "dst.tar.gz"
    src_file.write_bytes(source_bundle("asrc01"))
    dst_file.write_bytes(destination_bundle("adst01"))
    out = io.StringIO()
    call_command("zflar_report", source=str(src_file), destination=str(dst_file), stdout=out)
    assert json.loads(out.getvalue()) == report


def test_plan_create_refusals_are_400_with_messages(world, operator_api):
    own = world.own
    same = operator_api.post(
        "/api/plans/", {"source": own.source.pk, "destination": own.source.pk}, format="json"
    )
    assert same.status_code == 400
    assert "different" in same.json()["non_field_errors"][0]
    missing = operator_api.post("/api/plans/", {"source": own.source.pk}, format="json")
    assert missing.status_code == 400
    assert "destination" in missing.json()
    foreign = operator_api.post(
        "/api/plans/", {"source": own.source.pk, "destination": world.other.destination.pk}, format="json"
    )
    assert foreign.status_code == 400
    assert "destination" in foreign.json()


def test_recompute_and_stale(world, operator_api):
    own = world.own
    from tests.support.teams import import_bytes

    # An import re-plans the plans using the host; without that the plan is stale until recomputed.
    import_bytes(own.team, "src.tar.gz", source_bundle("asrc01", zones=("web01",)), replan=False)
    assert operator_api.get(f"/api/plans/{own.plan.pk}/").json()["stale"] is True
    response = operator_api.post(f"/api/plans/{own.plan.pk}/recompute/")
    assert response.status_code == 200
    assert response.json()["stale"] is False
    assert response.json()["source_snapshot"]["number"] == 2


def _first_nic(api, plan_id):  # type: ignore[no-untyped-def]
    body = api.get(f"/api/plans/{plan_id}/nic-mappings/").json()
    assert body["mappings"], "the fixture plan must have zone nets"
    return body, body["mappings"][0]


def test_nic_override_set_clear_and_validation(world, operator_api):
    plan_id = world.own.plan.pk
    body, m = _first_nic(operator_api, plan_id)
    assert set(body["destination_ports"]) == {"e1000g0", "e1000g1"}
    key = {"zone": m["zone"], "physical": m["physical"], "address": m["address"]}
    url = f"/api/plans/{plan_id}/nic-mappings/override/"

    response = operator_api.put(url, {**key, "action": "map", "target": "e1000g1"}, format="json")
    assert response.status_code == 200, response.content
    body, _ = _first_nic(operator_api, plan_id)
    mine = next(
        x for x in body["mappings"] if (x["zone"], x["physical"], x["address"]) == tuple(key.values())
    )
    assert mine["overridden"] is True
    assert mine["target"] == "e1000g1"
    assert body["overrides"][0]["target"] == "e1000g1"

    response = operator_api.patch(url, {**key, "action": "drop"}, format="json")
    assert response.status_code == 200
    assert operator_api.get(f"/api/plans/{plan_id}/nic-mappings/").json()["overrides"][0]["action"] == "drop"

    response = operator_api.delete(url + "?" + urlencode(key))
    assert response.status_code == 200
    assert operator_api.get(f"/api/plans/{plan_id}/nic-mappings/").json()["overrides"] == []

    bad = operator_api.put(url, {**key, "action": "map"}, format="json")
    assert bad.status_code == 400
    assert "port" in bad.json()["non_field_errors"][0]
    bad = operator_api.put(url, {**key, "action": "teleport"}, format="json")
    assert bad.status_code == 400
    assert "action" in bad.json()
    bad = operator_api.put(url, {"zone": "nosuch", "physical": "bge9", "action": "drop"}, format="json")
    assert bad.status_code == 400
    assert "nosuch" in bad.json()["non_field_errors"][0]
    bad = operator_api.put(url, {**key, "action": "map", "target": "not a port"}, format="json")
    assert bad.status_code == 400
    assert "target" in bad.json()
    assert operator_api.delete(url).status_code == 400


def test_default_nic_target(world, operator_api):
    plan_id = world.own.plan.pk
    url = f"/api/plans/{plan_id}/default-nic-target/"
    response = operator_api.post(url, {"target": "e1000g0"}, format="json")
    assert response.status_code == 200
    assert response.json()["default_nic_target"] == "e1000g0"
    assert operator_api.post(url, {"target": ""}, format="json").json()["default_nic_target"] == ""
    assert operator_api.post(url, {"target": "; rm -rf /"}, format="json").status_code == 400


def test_device_override(world, operator_api):
    plan_id = world.own.plan.pk
    body = operator_api.get(f"/api/plans/{plan_id}/device-mappings/").json()
    assert body["mappings"], "the fixture plan must have zone devices"
    m = body["mappings"][0]
    url = f"/api/plans/{plan_id}/device-mappings/override/"
    response = operator_api.put(
        url,
        {"zone": m["zone"], "match": m["match"], "action": "replace", "replacement": "/dev/rmt/1"},
        format="json",
    )
    assert response.status_code == 200, response.content
    overrides = operator_api.get(f"/api/plans/{plan_id}/device-mappings/").json()["overrides"]
    assert overrides[0]["replacement"] == "/dev/rmt/1"
    bad = operator_api.put(url, {"zone": m["zone"], "match": m["match"], "action": "replace"}, format="json")
    assert bad.status_code == 400
    bad = operator_api.put(
        url,
        {"zone": m["zone"], "match": m["match"], "action": "replace", "replacement": "rmt1"},
        format="json",
    )
    assert bad.status_code == 400
    assert "replacement" in bad.json()
    response = operator_api.delete(url + "?" + urlencode({"zone": m["zone"], "match": m["match"]}))
    assert response.status_code == 200
    assert operator_api.get(f"/api/plans/{plan_id}/device-mappings/").json()["overrides"] == []


def test_routes_pin_survives_recompute_and_is_validated(world, operator_api, viewer_api):
    plan_id = world.own.plan.pk
    url = f"/api/plans/{plan_id}/routes/"
    body = operator_api.get(url).json()
    assert body["routes_listed"][0] == "flar" and "s10_branded" in body["routes_listed"]
    assert body["recommended_verdict"] in ("ready", "ready_with_steps", "blocked")
    zone = body["zones"][0]
    assert [r["method"] for r in zone["routes"]] == body["routes_listed"]
    assert zone["route"] == zone["recommended_route"] and zone["pinned"] is False
    other = next(m for m in body["routes_listed"] if m != zone["route"])

    response = operator_api.put(url, {"zone": zone["zone"], "method": other}, format="json")
    assert response.status_code == 200, response.content
    assert operator_api.post(f"/api/plans/{plan_id}/recompute/").status_code == 200
    body = operator_api.get(url).json()
    mine = next(z for z in body["zones"] if z["zone"] == zone["zone"])
    assert mine["route"] == other and mine["pinned"] is True
    assert body["overrides"] == [
        {"zone": zone["zone"], "method": other, "updated": body["overrides"][0]["updated"]}
    ]
    report = operator_api.get(f"/api/plans/{plan_id}/report/").json()
    assert next(z for z in report["zones"] if z["name"] == zone["zone"])["route"] == other

    assert viewer_api.put(url, {"zone": zone["zone"], "method": "flar"}, format="json").status_code == 403
    assert operator_api.get(f"/api/plans/{world.other.plan.pk}/routes/").status_code == 404
    bad = operator_api.put(url, {"zone": zone["zone"], "method": "teleport"}, format="json")
    assert bad.status_code == 400 and "method" in bad.json()
    bad = operator_api.put(url, {"zone": "nosuch", "method": "flar"}, format="json")
    assert bad.status_code == 400 and "nosuch" in bad.json()["non_field_errors"][0]
    assert operator_api.delete(url).status_code == 400  # no zone named

    response = operator_api.delete(url + "?" + urlencode({"zone": zone["zone"]}))
    assert response.status_code == 200
    body = operator_api.get(url).json()
    assert body["overrides"] == [] and body["zones"][0]["pinned"] is False


def test_disk_overrides(world, operator_api):
    plan_id = world.own.plan.pk
    url = f"/api/plans/{plan_id}/disk-overrides/"
    body = operator_api.get(url).json()
    assert body["layout"], "the fixture plan must have a layout"
    assert "c1t0d0" in body["disks"]
    key = body["layout"][0]["key"]
    response = operator_api.put(url, {"key": key, "disk": "c1t1d0"}, format="json")
    assert response.status_code == 200, response.content
    assert operator_api.get(url).json()["overrides"] == [{"key": key, "disk": "c1t1d0"}]
    assert operator_api.put(url, {"key": key, "disk": "c9t9d9"}, format="json").status_code == 400
    assert operator_api.put(url, {"key": "nosuch", "disk": "c1t0d0"}, format="json").status_code == 400
    assert operator_api.delete(url + "?" + urlencode({"key": key})).status_code == 200
    assert operator_api.get(url).json()["overrides"] == []


# --- jobs -------------------------------------------------------------------------------------------


def test_job_create_conflict_list_detail_events(world, operator_api):
    own = world.own
    url = f"/api/plans/{own.plan.pk}/jobs/"
    response = operator_api.post(url, {"kind": "archive", "executor": "local"}, format="json")
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["state"] == "queued"
    assert job["progress"] == {"bytes_done": 0, "bytes_total": None, "percent": 0}
    assert job["plan"] == own.plan.pk

    again = operator_api.post(url, {"kind": "extract"}, format="json")
    assert again.status_code == 409
    assert "one job per plan" in again.json()["detail"]

    assert operator_api.post(url, {"kind": "inspect"}, format="json").status_code == 400
    assert operator_api.post(url, {"kind": "archive", "executor": "telnet"}, format="json").status_code == 400

    listing = operator_api.get("/api/jobs/").json()
    assert listing["count"] == 3
    assert operator_api.get("/api/jobs/?state=queued").json()["count"] == 2
    assert operator_api.get("/api/jobs/?kind=inspect").json()["count"] == 1
    assert operator_api.get(f"/api/jobs/?plan={own.plan.pk}").json()["count"] == 2
    assert operator_api.get(f"/api/jobs/?plan={world.other.plan.pk}").status_code == 400

    detail = operator_api.get(f"/api/jobs/{own.failed_job.pk}/").json()
    assert detail["state"] == "partial"
    assert [(z["zone"], z["state"]) for z in detail["zone_results"]] == [("app01", "ok"), ("web01", "failed")]
    for field in ("phase", "attempt", "created", "started", "finished", "error", "result", "params"):
        assert field in detail

    events = operator_api.get(f"/api/jobs/{job['id']}/events/").json()
    assert events["count"] >= 1
    first = events["results"][0]
    assert "queued" in first["message"]
    assert operator_api.get(f"/api/jobs/{job['id']}/events/?after={first['id']}").json()["count"] == 0
    assert operator_api.get(f"/api/jobs/{job['id']}/events/?after=x").status_code == 400


def test_job_params_are_confined(world, operator_api, settings):
    url = f"/api/plans/{world.own.plan.pk}/jobs/"
    for params in (
        {"output_path": "/etc/passwd"},
        {"output_path": "../../x.flar"},
        {"source_root": "/"},
        {"ssh": {"source": {"host": "h", "identity_file": "/root/.ssh/id_rsa"}}},
        {"frobnicate": True},
        {"ssh": {"source": {"host": "-oProxyCommand=x"}}},
    ):
        response = operator_api.post(url, {"kind": "archive", "params": params}, format="json")
        assert response.status_code == 400, params
    response = operator_api.post(
        url,
        {"kind": "archive", "params": {"output_path": "web.flar", "compress": True, "archive_name": "web"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    # Kept relative: the runner resolves it inside <ARCHIVE_STORE>/team-<id>/ (jobs/storage.py).
    assert response.json()["params"]["output_path"] == "web.flar"


def test_cancel_and_retry(world, operator_api):
    own = world.own
    response = operator_api.post(f"/api/jobs/{own.queued_job.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    again = operator_api.post(f"/api/jobs/{own.queued_job.pk}/cancel/")
    assert again.status_code == 409
    assert "already ended" in again.json()["detail"]

    retry = operator_api.post(f"/api/jobs/{own.failed_job.pk}/retry-failed/")
    assert retry.status_code == 201
    assert retry.json()["zone_names"] == ["web01"]
    assert retry.json()["retry_of"] == own.failed_job.pk
    active = operator_api.post(f"/api/jobs/{retry.json()['id']}/retry-failed/")
    assert active.status_code == 409


# --- schema, docs, token, root ----------------------------------------------------------------------


def test_schema_is_openapi3_and_lists_every_endpoint(operator_api):
    response = operator_api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    expected = {
        "/api/bundles/": {"post"},
        "/api/hosts/": {"get"},
        "/api/hosts/{id}/": {"get", "delete"},
        "/api/hosts/{id}/snapshots/": {"get"},
        "/api/plans/": {"get", "post"},
        "/api/plans/{id}/": {"get", "delete"},
        "/api/plans/{id}/report/": {"get"},
        "/api/plans/{id}/recompute/": {"post"},
        "/api/plans/{id}/nic-mappings/": {"get"},
        "/api/plans/{id}/nic-mappings/override/": {"put", "patch", "delete"},
        "/api/plans/{id}/default-nic-target/": {"post"},
        "/api/plans/{id}/device-mappings/": {"get"},
        "/api/plans/{id}/device-mappings/override/": {"put", "patch", "delete"},
        "/api/plans/{id}/disk-overrides/": {"get", "put", "patch", "delete"},
        "/api/plans/{id}/routes/": {"get", "put", "patch", "delete"},
        "/api/plans/{id}/size-overrides/": {"get", "put", "patch", "delete"},
        "/api/plans/{id}/jobs/": {"post"},
        "/api/plans/{id}/settings/": {"get", "patch"},
        "/api/teams/{id}/settings/": {"get", "patch"},
        "/api/jobs/": {"get"},
        "/api/jobs/{id}/": {"get"},
        "/api/jobs/{id}/events/": {"get"},
        "/api/jobs/{id}/cancel/": {"post"},
        "/api/jobs/{id}/retry-failed/": {"post"},
        "/api/archives/": {"get"},
        "/api/archives/{id}/": {"get"},
        "/api/archives/{id}/download/": {"get"},
        "/api/archives/{id}/inspect/": {"post"},
        "/api/token/": {"post"},
    }
    paths = {p: set(ops) - {"parameters"} for p, ops in schema["paths"].items()}
    assert paths == expected
    assert schema["components"]["schemas"]["JobStateEnum"]["enum"]


def test_docs_page_loads_its_assets_from_this_server(operator_client):
    response = operator_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    for name in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        url = f"/api/docs/assets/{name}"
        assert url in html
        asset = operator_client.get(url)
        assert asset.status_code == 200
        assert b"".join(asset.streaming_content)
    assert operator_client.get("/api/docs/assets/..%2Fsettings.py").status_code == 404
    assert operator_client.get("/api/docs/assets/LICENSE").status_code == 404


def test_token_endpoint(operator, api_client):
    response = api_client.post("/api/token/", {"username": "olivia", "password": "pw-olivia"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/hosts/").status_code == 200
    bad = api_client.post("/api/token/", {"username": "olivia", "password": "nope"}, format="json")
    assert bad.status_code == 400


def test_api_root_lists_entry_points(operator_api):
    body = operator_api.get("/api/", HTTP_ACCEPT="application/json").json()
    assert set(body) == {"bundles", "hosts", "plans", "jobs", "archives", "token", "schema", "docs"}
