"""Serializers of the planner API: shapes only.  Writes go through planner.services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from planner import selectors
from planner.domain.options import SETTINGS, SIZE_OVERRIDE_MAX_MB, Setting, public_options
from planner.models import (
    DeviceOverride,
    Disk,
    Host,
    InventorySnapshot,
    Metadevice,
    Nic,
    NicOverride,
    Plan,
    RouteOverride,
    Slice,
    Zone,
    ZoneResource,
)
from planner.solaris.names import device_match_problem, is_nic_name

# --- errors (documented on every operation, so clients and schemathesis know the shapes) -------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person.")


class UploadTooLargeSerializer(serializers.Serializer):
    detail = serializers.CharField()
    limit_bytes = serializers.IntegerField()
    file = serializers.CharField(required=False)


VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=(
        "Invalid input: an object mapping each field (or `non_field_errors` for a planner refusal) "
        "to a list of messages."
    ),
)

_ERROR_DESCRIPTIONS = {
    401: "Not authenticated (no or invalid token/session).",
    403: "Authenticated, but not an operator of the object's team (or a CSRF failure).",
    404: "No such object among your teams' objects.",
    409: "The request conflicts with the current state (e.g. a job is already running).",
    413: "The upload is over the size limit (checked while streaming).",
    415: "Unsupported media type.",
    429: "Too many failed logins; try again later.",
}


def error_responses(*codes: int) -> dict[int, Any]:
    """OpenAPI responses for the error status codes an operation can answer."""
    out: dict[int, Any] = {}
    for code in codes:
        if code == 400:
            out[code] = VALIDATION_ERROR
        elif code == 413:
            out[code] = OpenApiResponse(UploadTooLargeSerializer, description=_ERROR_DESCRIPTIONS[413])
        else:
            out[code] = OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code])
    return out


def responses(success: dict[int, Any], *codes: int) -> dict[int, Any]:
    return {**success, **error_responses(*codes)}


READ_ERRORS = (401, 404)
LIST_ERRORS = (400, 401, 404)  # 400: a bad filter value; 404: a page past the end
WRITE_ERRORS = (400, 401, 403, 404)


# --- small pieces -----------------------------------------------------------------------------


def _username(user: AbstractBaseUser | None) -> str | None:
    return user.get_username() if user is not None else None


class IssueSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField(allow_null=True, required=False)
    message = serializers.CharField()
    severity = serializers.CharField(required=False)


class HostRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Host
        fields = ["id", "hostname"]


class SnapshotRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = InventorySnapshot
        fields = ["id", "number", "created"]


class SnapshotSerializer(serializers.ModelSerializer):
    """One import of a host's inventory (the big raw files are not included)."""

    created_by = serializers.SerializerMethodField()
    issues = IssueSerializer(many=True)
    error_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = InventorySnapshot
        fields = [
            "id",
            "number",
            "origin",
            "upload_name",
            "digest",
            "created",
            "created_by",
            "issues",
            "error_count",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, obj: InventorySnapshot) -> str | None:
        return _username(obj.created_by)


# --- hosts --------------------------------------------------------------------------------------


class HostSerializer(serializers.ModelSerializer):
    """A host in a list: identity, current snapshot and counts from that snapshot."""

    current_snapshot = SnapshotRefSerializer(allow_null=True)
    snapshot_count = serializers.IntegerField(allow_null=True, read_only=True)
    zone_count = serializers.IntegerField(allow_null=True, read_only=True)
    nic_count = serializers.IntegerField(allow_null=True, read_only=True)
    disk_count = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = Host
        fields = [
            "id",
            "team",
            "hostname",
            "origin",
            "model",
            "platform",
            "current_snapshot",
            "snapshot_count",
            "zone_count",
            "nic_count",
            "disk_count",
            "created",
            "updated",
        ]


class SliceSerializer(serializers.ModelSerializer):
    size_bytes = serializers.IntegerField(read_only=True)

    class Meta:
        model = Slice
        fields = ["index", "tag", "first_sector", "sector_count", "size_bytes", "mount_point"]


class DiskSerializer(serializers.ModelSerializer):
    slices = SliceSerializer(many=True)

    class Meta:
        model = Disk
        fields = ["name", "size_bytes", "vendor", "product", "slices"]


class NicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Nic
        fields = ["name", "driver", "link_state", "speed_mbps"]


class MetadeviceSerializer(serializers.ModelSerializer):
    components = serializers.ListField(child=serializers.CharField(allow_blank=True))

    class Meta:
        model = Metadevice
        fields = ["name", "kind", "components"]


class ZoneResourceSerializer(serializers.ModelSerializer):
    properties = serializers.DictField()

    class Meta:
        model = ZoneResource
        fields = ["kind", "properties"]


class ZoneSerializer(serializers.ModelSerializer):
    resources = ZoneResourceSerializer(many=True)

    class Meta:
        model = Zone
        fields = [
            "name",
            "state",
            "zonepath",
            "brand",
            "ip_type",
            "autoboot",
            "create_mode",
            "config_text",
            "resources",
        ]


class InventorySerializer(serializers.Serializer):
    """The current snapshot's inventory, as rows."""

    snapshot = SnapshotSerializer()
    system = serializers.DictField(help_text="`uname` and `prtdiag` as parsed.")
    nics = NicSerializer(many=True)
    disks = DiskSerializer(many=True)
    metadevices = MetadeviceSerializer(many=True)
    devices = serializers.ListField(child=serializers.CharField())


class HostDetailSerializer(HostSerializer):
    inventory = serializers.SerializerMethodField()
    zones = serializers.SerializerMethodField()
    snapshots = serializers.SerializerMethodField()

    class Meta(HostSerializer.Meta):
        fields = [*HostSerializer.Meta.fields, "inventory", "zones", "snapshots"]

    def _current(self, host: Host) -> InventorySnapshot | None:
        cache = self.context.setdefault("_snapshot_cache", {})
        if host.pk not in cache:
            cache[host.pk] = selectors.snapshot_detail(host.current_snapshot_id)
        return cache[host.pk]

    @extend_schema_field(InventorySerializer(allow_null=True))
    def get_inventory(self, host: Host) -> dict[str, Any] | None:
        snapshot = self._current(host)
        if snapshot is None:
            return None
        return {
            "snapshot": SnapshotSerializer(snapshot).data,
            "system": selectors.snapshot_system(snapshot),
            "nics": NicSerializer(snapshot.nics.all(), many=True).data,
            "disks": DiskSerializer(snapshot.disks.all(), many=True).data,
            "metadevices": MetadeviceSerializer(snapshot.metadevices.all(), many=True).data,
            "devices": [d.path for d in snapshot.devices.all()],
        }

    @extend_schema_field(ZoneSerializer(many=True))
    def get_zones(self, host: Host) -> list[Any]:
        snapshot = self._current(host)
        return [] if snapshot is None else list(ZoneSerializer(snapshot.zones.all(), many=True).data)

    @extend_schema_field(SnapshotSerializer(many=True))
    def get_snapshots(self, host: Host) -> list[Any]:
        return list(SnapshotSerializer(selectors.host_snapshots(host), many=True).data)


# --- bundle upload ------------------------------------------------------------------------------


class BundleUploadRequestSerializer(serializers.Serializer):
    """The multipart form of POST /api/bundles/ (documentation only: the view reads request.FILES)."""

    files = serializers.ListField(
        child=serializers.FileField(),
        help_text=(
            "One or several files: collector bundles (.tar/.tar.gz), `<zone>.cfg` zonecfg exports "
            "or hardware specs (.json). A single file may also be sent as `file`."
        ),
    )
    team = serializers.IntegerField(
        required=False, help_text="The team to import into; required when you belong to several teams."
    )
    zonecfg_host = serializers.CharField(
        required=False,
        help_text=(
            "The host the zonecfg exports of this upload belong to: a new hostname, or a host made of "
            "zonecfg exports before (a zone uploaded again replaces its configuration, the other zones "
            "stay). Without it the exports go to one host, `<first zone>-source`."
        ),
    )


class BundleResultSerializer(serializers.Serializer):
    """What became of one uploaded file: imported (a snapshot) or refused (an error)."""

    file = serializers.CharField()
    ok = serializers.BooleanField()
    error = serializers.CharField(required=False, help_text="`<file>:<line>: message` when refused.")
    hostname = serializers.CharField(required=False)
    host = serializers.IntegerField(required=False, help_text="The host's id.")
    snapshot = serializers.IntegerField(required=False, help_text="The snapshot number.")
    snapshot_id = serializers.IntegerField(required=False)
    unchanged = serializers.BooleanField(
        required=False, help_text="True when the same files were imported before (no new snapshot)."
    )
    zones = serializers.ListField(child=serializers.CharField(), required=False)
    nics = serializers.ListField(child=serializers.CharField(), required=False)
    disks = serializers.ListField(child=serializers.CharField(), required=False)
    metadevices = serializers.ListField(child=serializers.CharField(), required=False)
    issues = IssueSerializer(many=True, required=False)
    ignored = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Bundle members not read (unknown names)."
    )
    host_zones = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="zonecfg exports: every zone of the host they went to, after this upload.",
    )
    conflict = serializers.BooleanField(
        required=False,
        help_text="Refused because a host of another kind has this hostname (an upload never replaces it).",
    )
    existing_host = serializers.IntegerField(required=False, help_text="That host's id.")
    existing_origin = serializers.CharField(required=False, help_text="That host's kind.")


class BundleUploadResponseSerializer(serializers.Serializer):
    team = serializers.IntegerField(allow_null=True)
    imported = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = BundleResultSerializer(many=True)


# --- plans ----------------------------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    source = HostRefSerializer()
    destination = HostRefSerializer()

    class Meta:
        model = Plan
        fields = [
            "id",
            "team",
            "name",
            "source",
            "destination",
            "verdict",
            "zones_total",
            "zones_ready",
            "zones_with_steps",
            "zones_blocked",
            "computed",
            "created",
        ]


class PlanDetailSerializer(PlanSerializer):
    source_snapshot = SnapshotRefSerializer()
    destination_snapshot = SnapshotRefSerializer()
    stale = serializers.SerializerMethodField(
        help_text="True when a host has a newer snapshot than the one the plan was computed from."
    )
    created_by = serializers.SerializerMethodField()
    options = serializers.SerializerMethodField(
        help_text="The plan's own settings (the root password hash as root_password_hash_set); "
        "GET /api/plans/{id}/settings/ has every setting in use and where it comes from."
    )

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "source_snapshot",
            "destination_snapshot",
            "stale",
            "default_nic_target",
            "options",
            "created_by",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_stale(self, plan: Plan) -> bool:
        return plan.source.current_snapshot_id not in (
            None,
            plan.source_snapshot_id,
        ) or plan.destination.current_snapshot_id not in (None, plan.destination_snapshot_id)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, plan: Plan) -> str | None:
        return _username(plan.created_by)

    @extend_schema_field(serializers.DictField())
    def get_options(self, plan: Plan) -> dict[str, Any]:
        return public_options(plan.options if isinstance(plan.options, dict) else {})


class PlanCreateSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Host.objects.none(), help_text="Source host id.")
    destination = serializers.PrimaryKeyRelatedField(
        queryset=Host.objects.none(), help_text="Destination host id."
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        hosts = selectors.hosts_for_user(request.user) if request is not None else Host.objects.none()
        self.fields["source"].queryset = hosts
        self.fields["destination"].queryset = hosts


class PlanReportSerializer(serializers.Serializer):
    """The plan report: exactly the JSON `manage.py zflar_report` prints (docs/findings.md)."""

    verdict = serializers.JSONField(
        required=False, help_text="ready, ready_with_steps, blocked, or nothing_to_migrate (no zones)."
    )
    source = serializers.JSONField(required=False, help_text="The source host's summary.")
    destination = serializers.JSONField(required=False, help_text="The destination host's summary.")
    host_findings = serializers.JSONField(required=False)
    zones = serializers.JSONField(required=False, help_text="One entry per zone: verdict and findings.")
    nic_mappings = serializers.JSONField(required=False)
    device_mappings = serializers.JSONField(required=False)
    layout = serializers.JSONField(required=False)
    runbook = serializers.JSONField(required=False)
    summary = serializers.JSONField(required=False)


# --- mappings and overrides -----------------------------------------------------------------------


class NicMappingSerializer(serializers.Serializer):
    zone = serializers.CharField()
    physical = serializers.CharField()
    address = serializers.CharField(allow_blank=True)
    ip_type = serializers.CharField(allow_blank=True)
    proposed_target = serializers.CharField(allow_blank=True)
    target = serializers.CharField(allow_blank=True)
    action = serializers.CharField()
    origin = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    overridden = serializers.BooleanField()
    link_warning = serializers.CharField(
        allow_blank=True, help_text="Set when the chosen port's link is down or unknown: check the cabling."
    )


class NicOverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = NicOverride
        fields = ["zone", "physical", "address", "action", "target", "updated"]


class NicMappingsSerializer(serializers.Serializer):
    default_nic_target = serializers.CharField(allow_blank=True)
    destination_ports = serializers.ListField(child=serializers.CharField())
    mappings = NicMappingSerializer(many=True)
    overrides = NicOverrideSerializer(many=True)


class NicKeySerializer(serializers.Serializer):
    zone = serializers.CharField(max_length=64)
    physical = serializers.CharField(max_length=32)
    address = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class NicOverrideInputSerializer(NicKeySerializer):
    action = serializers.ChoiceField(choices=NicOverride.Action.choices)
    target = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="The destination port (map)."
    )

    def validate_target(self, value: str) -> str:
        if value and not is_nic_name(value):
            raise serializers.ValidationError("not a port name (like bge0 or e1000g1)")
        return value


class DefaultNicTargetSerializer(serializers.Serializer):
    target = serializers.CharField(
        max_length=32, allow_blank=True, help_text="Port for nets with no other choice; blank clears it."
    )

    def validate_target(self, value: str) -> str:
        if value and not is_nic_name(value):
            raise serializers.ValidationError("not a port name (like bge0 or e1000g1)")
        return value


class DeviceMappingSerializer(serializers.Serializer):
    zone = serializers.CharField()
    match = serializers.CharField()
    action = serializers.CharField()
    replacement = serializers.CharField(allow_blank=True)
    origin = serializers.CharField(allow_blank=True)
    needs_manual_check = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    overridden = serializers.BooleanField()


class DeviceOverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeviceOverride
        fields = ["zone", "match", "action", "replacement", "updated"]


class DeviceMappingsSerializer(serializers.Serializer):
    mappings = DeviceMappingSerializer(many=True)
    overrides = DeviceOverrideSerializer(many=True)


class DeviceKeySerializer(serializers.Serializer):
    zone = serializers.CharField(max_length=64)
    match = serializers.CharField(max_length=255)


class DeviceOverrideInputSerializer(DeviceKeySerializer):
    action = serializers.ChoiceField(choices=DeviceOverride.Action.choices)
    replacement = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    def validate_replacement(self, value: str) -> str:
        problem = device_match_problem(value) if value else None
        if problem:
            raise serializers.ValidationError(f"not a device path: {problem}")
        return value


class LayoutSliceSerializer(serializers.Serializer):
    key = serializers.CharField()
    disk = serializers.CharField(allow_blank=True)
    index = serializers.IntegerField(allow_null=True)
    mount_point = serializers.CharField(allow_blank=True)
    size_mb = serializers.IntegerField()
    shortfall_mb = serializers.IntegerField()
    override = serializers.CharField(allow_blank=True, help_text="The disk you chose for it, if any.")


class DiskOverrideSerializer(serializers.Serializer):
    key = serializers.CharField()
    disk = serializers.CharField()


class DiskOverridesSerializer(serializers.Serializer):
    disks = serializers.ListField(child=serializers.CharField(), help_text="The destination's disks.")
    layout = LayoutSliceSerializer(many=True)
    overrides = DiskOverrideSerializer(many=True)


class DiskKeySerializer(serializers.Serializer):
    key = serializers.CharField(
        max_length=255, help_text="A layout key: root, swap, zonepaths, zone:<z>:<dir>."
    )


class DiskOverrideInputSerializer(DiskKeySerializer):
    disk = serializers.CharField(
        max_length=64, allow_blank=True, help_text="A destination disk (c1t0d0); blank clears the choice."
    )


# --- routes (issue #14) --------------------------------------------------------------------------


class ZoneRouteVerdictSerializer(serializers.Serializer):
    method = serializers.CharField()
    verdict = serializers.CharField()
    blockers = serializers.ListField(child=serializers.CharField(), help_text="Codes of its blockers.")


class ZoneRoutesSerializer(serializers.Serializer):
    zone = serializers.CharField()
    recommended_route = serializers.CharField()
    route = serializers.CharField(help_text="The route the zone takes: the pin, else the recommended one.")
    pinned = serializers.BooleanField()
    routes = ZoneRouteVerdictSerializer(many=True)


class RouteOverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = RouteOverride
        fields = ["zone", "method", "updated"]


class RoutesSerializer(serializers.Serializer):
    recommended_verdict = serializers.CharField(
        help_text="The plan's verdict with every zone on its route (`verdict` stays the flash archive's)."
    )
    routes_listed = serializers.ListField(child=serializers.CharField())
    zones = ZoneRoutesSerializer(many=True)
    overrides = RouteOverrideSerializer(many=True)


class RouteKeySerializer(serializers.Serializer):
    zone = serializers.CharField(max_length=64)


class RouteOverrideInputSerializer(RouteKeySerializer):
    method = serializers.ChoiceField(choices=RouteOverride.Method.choices)


class SizeRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="A layout key (root, swap, fs:/var, zone:<z>:<dir>) or zoneroot:<zone>."
    )
    what = serializers.CharField()
    size_mb = serializers.IntegerField(allow_null=True, help_text="The size the plan uses, in MB.")
    basis = serializers.CharField(help_text="How the size was worked out.")
    assumed = serializers.BooleanField(help_text="An estimate, not a measured figure (SIZE_ASSUMED).")
    override = serializers.IntegerField(allow_null=True, help_text="The size you gave, in MB.")


class SizeOverridesSerializer(serializers.Serializer):
    sizes = SizeRowSerializer(many=True)


class SizeKeySerializer(serializers.Serializer):
    key = serializers.CharField(
        max_length=255, help_text="A layout key (root, swap, fs:/var, zone:<z>:<dir>) or zoneroot:<zone>."
    )


class SizeOverrideInputSerializer(SizeKeySerializer):
    size_mb = serializers.IntegerField(
        min_value=1, max_value=SIZE_OVERRIDE_MAX_MB, allow_null=True, help_text="MB; null clears your size."
    )


# --- settings: a plan's own and its team's defaults (docs/api.md) -------------------------------

_SETTING_MAX_LENGTH = {"archive_location": 1024, "install_image_dir": 1024, "jumpstart_dir": 1024}
SECRET_SET = "root_password_hash_set"  # noqa: S105 (a field name)


def _value_field(setting: Setting, *, nullable: bool) -> serializers.Field:
    """How a setting's value is shown (never the secret: its ``root_password_hash_set`` flag is)."""
    kwargs: dict[str, Any] = {"help_text": setting.help, "allow_null": nullable}
    if setting.kind == "int":
        return serializers.IntegerField(**kwargs)
    if setting.kind == "list":
        return serializers.ListField(child=serializers.CharField(), **kwargs)
    return serializers.CharField(allow_blank=True, **kwargs)


def _input_field(setting: Setting) -> serializers.Field:
    """What a PATCH may send for a setting: its value, or null to clear it (types only: the domain
    decides whether the value can be used)."""
    kwargs: dict[str, Any] = {"required": False, "allow_null": True, "help_text": setting.help}
    if setting.kind == "int":
        return serializers.IntegerField(**kwargs)
    if setting.kind == "list":
        return serializers.ListField(child=serializers.CharField(max_length=64), max_length=16, **kwargs)
    if setting.kind == "secret":
        return serializers.CharField(max_length=256, write_only=True, **kwargs)
    return serializers.CharField(
        max_length=_SETTING_MAX_LENGTH.get(setting.name, 255), allow_blank=True, **kwargs
    )


class _SettingsInput(serializers.Serializer):
    """Only the listed settings: an unknown name is an error, not silently dropped."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: ["not a setting that can be set here"] for name in unknown}
            )
        return attrs


def _settings_serializers(
    prefix: str, settings: tuple[Setting, ...]
) -> dict[str, type[serializers.Serializer]]:
    shown = [s for s in settings if s.kind != "secret"]
    secret_help = "Whether a root password hash is set (the hash itself is write-only)."  # noqa: S105
    values = type(
        f"{prefix}SettingValues",
        (serializers.Serializer,),
        {
            "__doc__": "The value in use of each setting.",
            **{s.name: _value_field(s, nullable=False) for s in shown},
            SECRET_SET: serializers.BooleanField(help_text=secret_help),
        },
    )
    own = type(
        f"{prefix}SettingOwnValues",
        (serializers.Serializer,),
        {
            "__doc__": "The values set here; null: not set here (inherited).",
            **{s.name: _value_field(s, nullable=True) for s in shown},
            SECRET_SET: serializers.BooleanField(help_text=secret_help),
        },
    )
    sources = type(
        f"{prefix}SettingSources",
        (serializers.Serializer,),
        {
            "__doc__": "Where each value in use comes from: plan, team (the team's default) or default.",
            **{s.name: serializers.CharField() for s in settings},
        },
    )
    body = type(
        f"{prefix}Settings",
        (serializers.Serializer,),
        {
            "values": values(),
            "own": own(),
            "sources": sources(),
            "placeholders": serializers.ListField(
                child=serializers.CharField(),
                help_text="Settings the generated files still carry placeholders for "
                "(PLAN_SETTINGS_INCOMPLETE).",
            ),
            "problems": serializers.DictField(
                child=serializers.CharField(),
                help_text="Setting -> what is wrong with the value in use "
                "(e.g. after a team default changed).",
            ),
        },
    )
    request = type(
        f"{prefix}SettingsInput",
        (_SettingsInput,),
        {
            "__doc__": "The settings to change: a value sets it, null clears it; the others stay.",
            **{s.name: _input_field(s) for s in settings},
        },
    )
    return {"body": body, "input": request}


_PLAN_SETTINGS = _settings_serializers("Plan", SETTINGS)
_TEAM_SETTINGS = _settings_serializers("Team", tuple(s for s in SETTINGS if s.team_default))
PlanSettingsSerializer = _PLAN_SETTINGS["body"]
PlanSettingsInputSerializer = _PLAN_SETTINGS["input"]
TeamSettingsInputSerializer = _TEAM_SETTINGS["input"]


class TeamSettingsSerializer(_TEAM_SETTINGS["body"]):  # type: ignore[misc,valid-type]
    team = serializers.IntegerField()
    updated = serializers.DateTimeField(allow_null=True, help_text="When the defaults were last saved.")


class NotReplannedSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    error = serializers.CharField()


class TeamSettingsSavedSerializer(TeamSettingsSerializer):
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="The defaults this save changed."
    )
    replanned = serializers.ListField(
        child=serializers.IntegerField(), help_text="The plans re-planned with the new defaults (ids)."
    )
    not_replanned = NotReplannedSerializer(
        many=True, help_text="Plans whose own settings do not go with the new defaults: not re-planned."
    )
