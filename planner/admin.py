"""Admin for the planner models: searchable lists, filters, and the big JSON shown read-only."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.utils.html import format_html

from planner.domain.options import public_options

from .models import (
    Device,
    DeviceMapping,
    DeviceOverride,
    Disk,
    DiskOverride,
    Host,
    InventorySnapshot,
    LayoutSlice,
    Membership,
    Metadevice,
    Nic,
    NicMapping,
    NicOverride,
    Plan,
    RouteOverride,
    SizeOverride,
    Slice,
    Team,
    TeamSettings,
    Zone,
    ZoneResource,
)

# JSON above this size is shown truncated in the admin (the full text stays in the database).
JSON_PREVIEW_CHARS = 20_000


def pretty_json(value: Any) -> str:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    if len(text) > JSON_PREVIEW_CHARS:
        text = text[:JSON_PREVIEW_CHARS] + f"\n… ({len(text) - JSON_PREVIEW_CHARS} more characters)"
    return format_html('<pre style="max-height:30rem;overflow:auto;white-space:pre-wrap">{}</pre>', text)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count"]
    search_fields = ["name"]
    inlines = [MembershipInline]

    @admin.display(description="members")
    def member_count(self, obj: Team) -> int:
        return obj.memberships.count()


@admin.register(TeamSettings)
class TeamSettingsAdmin(admin.ModelAdmin):
    """Read-only here: the Team settings page edits them (with the domain's checks and re-planning)."""

    list_display = ["team", "updated", "updated_by"]
    list_select_related = ["team", "updated_by"]
    exclude = ["values"]
    readonly_fields = ["team", "defaults", "created", "updated", "updated_by"]

    @admin.display(description="defaults (the root password hash hidden)")
    def defaults(self, obj: TeamSettings) -> str:
        return pretty_json(public_options(obj.values if isinstance(obj.values, dict) else {}))

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role", "team"]
    search_fields = ["user__username", "team__name"]
    list_select_related = ["user", "team"]
    autocomplete_fields = ["user", "team"]


@admin.register(Host)
class HostAdmin(admin.ModelAdmin):
    list_display = ["hostname", "team", "origin", "model", "platform", "current_snapshot", "updated"]
    list_filter = ["origin", "team"]
    search_fields = ["hostname", "model", "platform"]
    list_select_related = ["team", "current_snapshot"]
    raw_id_fields = ["current_snapshot"]
    readonly_fields = ["created", "updated"]


class SnapshotHeavyMixin:
    """Show a snapshot's JSON read-only and pretty, never as an editable textarea."""

    @admin.display(description="inventory")
    def inventory_pretty(self, obj: InventorySnapshot) -> str:
        return pretty_json(obj.inventory)

    @admin.display(description="issues")
    def issues_pretty(self, obj: InventorySnapshot) -> str:
        return pretty_json(obj.issues)

    @admin.display(description="raw files")
    def raw_files_list(self, obj: InventorySnapshot) -> str:
        return pretty_json({name: f"{len(text)} characters" for name, text in (obj.raw_files or {}).items()})


@admin.register(InventorySnapshot)
class InventorySnapshotAdmin(SnapshotHeavyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "host",
        "number",
        "origin",
        "upload_name",
        "error_count",
        "created",
        "created_by",
    ]
    list_filter = ["origin", "host__team"]
    search_fields = ["host__hostname", "upload_name", "digest"]
    list_select_related = ["host", "created_by"]
    exclude = ["inventory", "issues", "raw_files"]
    readonly_fields = [
        "host",
        "number",
        "origin",
        "upload_name",
        "digest",
        "created",
        "created_by",
        "issues_pretty",
        "inventory_pretty",
        "raw_files_list",
    ]

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).defer("raw_files")


@admin.register(Disk)
class DiskAdmin(admin.ModelAdmin):
    list_display = ["name", "snapshot", "size_bytes", "vendor", "product"]
    search_fields = ["name", "snapshot__host__hostname", "vendor", "product"]
    list_select_related = ["snapshot__host"]
    raw_id_fields = ["snapshot"]


@admin.register(Slice)
class SliceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "disk", "index", "tag", "sector_count", "mount_point"]
    search_fields = ["disk__name", "mount_point"]
    list_select_related = ["disk"]
    raw_id_fields = ["disk"]


@admin.register(Nic)
class NicAdmin(admin.ModelAdmin):
    list_display = ["name", "snapshot", "driver", "link_state", "speed_mbps"]
    list_filter = ["link_state", "driver"]
    search_fields = ["name", "snapshot__host__hostname"]
    list_select_related = ["snapshot__host"]
    raw_id_fields = ["snapshot"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["path", "snapshot"]
    search_fields = ["path", "snapshot__host__hostname"]
    list_select_related = ["snapshot__host"]
    raw_id_fields = ["snapshot"]


@admin.register(Metadevice)
class MetadeviceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "snapshot"]
    list_filter = ["kind"]
    search_fields = ["name", "snapshot__host__hostname"]
    list_select_related = ["snapshot__host"]
    raw_id_fields = ["snapshot"]


class ZoneResourceInline(admin.TabularInline):
    model = ZoneResource
    extra = 0
    readonly_fields = ["kind", "position", "properties"]
    can_delete = False


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "snapshot", "state", "zonepath", "brand", "ip_type", "autoboot"]
    list_filter = ["state", "brand", "ip_type", "autoboot"]
    search_fields = ["name", "zonepath", "snapshot__host__hostname"]
    list_select_related = ["snapshot__host"]
    raw_id_fields = ["snapshot"]
    inlines = [ZoneResourceInline]


@admin.register(ZoneResource)
class ZoneResourceAdmin(admin.ModelAdmin):
    list_display = ["zone", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["zone__name"]
    list_select_related = ["zone"]
    raw_id_fields = ["zone"]


class NicOverrideInline(admin.TabularInline):
    model = NicOverride
    extra = 0
    readonly_fields = ["updated", "updated_by"]


class DeviceOverrideInline(admin.TabularInline):
    model = DeviceOverride
    extra = 0
    readonly_fields = ["updated"]


class DiskOverrideInline(admin.TabularInline):
    model = DiskOverride
    extra = 0
    readonly_fields = ["updated"]


class RouteOverrideInline(admin.TabularInline):
    model = RouteOverride
    extra = 0
    readonly_fields = ["updated", "updated_by"]


class SizeOverrideInline(admin.TabularInline):
    model = SizeOverride
    extra = 0
    readonly_fields = ["updated"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "team",
        "source",
        "destination",
        "verdict",
        "zones_total",
        "zones_ready",
        "zones_with_steps",
        "zones_blocked",
        "computed",
    ]
    list_filter = ["verdict", "team"]
    search_fields = ["name", "source__hostname", "destination__hostname"]
    list_select_related = ["team", "source", "destination"]
    raw_id_fields = ["source", "destination", "source_snapshot", "destination_snapshot"]
    # The settings are edited on the plan's Settings tab (checked, re-planned, the hash write-only).
    exclude = ["report", "options"]
    readonly_fields = [
        "settings",
        "verdict",
        "zones_total",
        "zones_ready",
        "zones_with_steps",
        "zones_blocked",
        "computed",
        "created",
        "created_by",
        "report_pretty",
    ]
    inlines = [NicOverrideInline, DeviceOverrideInline, DiskOverrideInline, RouteOverrideInline]
    inlines = [NicOverrideInline, DeviceOverrideInline, DiskOverrideInline, SizeOverrideInline]

    @admin.display(description="settings (the plan's own; the root password hash hidden)")
    def settings(self, obj: Plan) -> str:
        return pretty_json(public_options(obj.options if isinstance(obj.options, dict) else {}))

    @admin.display(description="report")
    def report_pretty(self, obj: Plan) -> str:
        return pretty_json(obj.report)


@admin.register(NicMapping)
class NicMappingAdmin(admin.ModelAdmin):
    list_display = ["plan", "zone", "physical", "address", "proposed_target", "target", "action", "status"]
    list_filter = ["action", "status", "origin"]
    search_fields = ["zone", "physical", "address", "plan__name"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


@admin.register(NicOverride)
class NicOverrideAdmin(admin.ModelAdmin):
    list_display = ["plan", "zone", "physical", "address", "action", "target", "updated", "updated_by"]
    list_filter = ["action"]
    search_fields = ["zone", "physical", "plan__name"]
    list_select_related = ["plan", "updated_by"]
    raw_id_fields = ["plan"]


@admin.register(DeviceMapping)
class DeviceMappingAdmin(admin.ModelAdmin):
    list_display = ["plan", "zone", "match", "action", "replacement", "needs_manual_check"]
    list_filter = ["action", "needs_manual_check", "origin"]
    search_fields = ["zone", "match", "plan__name"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


@admin.register(DeviceOverride)
class DeviceOverrideAdmin(admin.ModelAdmin):
    list_display = ["plan", "zone", "match", "action", "replacement", "updated"]
    list_filter = ["action"]
    search_fields = ["zone", "match", "plan__name"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


@admin.register(LayoutSlice)
class LayoutSliceAdmin(admin.ModelAdmin):
    list_display = ["plan", "key", "disk", "index", "mount_point", "size_mb", "shortfall_mb"]
    list_filter = ["disk"]
    search_fields = ["key", "mount_point", "plan__name"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


@admin.register(DiskOverride)
class DiskOverrideAdmin(admin.ModelAdmin):
    list_display = ["plan", "key", "disk", "updated"]
    search_fields = ["key", "disk", "plan__name"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


@admin.register(RouteOverride)
class RouteOverrideAdmin(admin.ModelAdmin):
    list_display = ["plan", "zone", "method", "updated", "updated_by"]
    list_filter = ["method"]
    search_fields = ["zone", "plan__name"]
    list_select_related = ["plan", "updated_by"]


@admin.register(SizeOverride)
class SizeOverrideAdmin(admin.ModelAdmin):
    list_display = ["plan", "key", "size_mb", "updated"]
    search_fields = ["key", "plan__name"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]
