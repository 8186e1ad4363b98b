"""Inventory, plans and mappings.

A host's inventory is imported as a snapshot: re-importing a host adds a new
snapshot and moves ``Host.current_snapshot``; old snapshots stay, so a plan can
say which inventory it was computed from.  Each snapshot keeps the raw files it
came from (nothing is lost) and the parsed inventory as JSON (the pure planner's
input), plus relational rows for the UI, the API and the admin.
"""

from __future__ import annotations

from typing import Literal, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from . import choices

_M = TypeVar("_M", bound=models.Model)

Action = Literal["view", "operate"]


class TeamScopedQuerySet(models.QuerySet[_M]):
    """Rows of the teams a user belongs to: the one place team scoping is written (NetBox style).

    ``restrict(user, "view")`` keeps the rows of every team the user is a member of;
    ``restrict(user, "operate")`` only those of the teams where the user is an operator.
    Anonymous users see nothing.  Hosts, plans, jobs and archives use it through their
    managers: ``Plan.objects.for_user(user)``.
    """

    def restrict(self, user: User | AnonymousUser, action: Action = "view") -> TeamScopedQuerySet[_M]:
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(user=user)
        if action == "operate":
            memberships = memberships.filter(role=Membership.Role.OPERATOR)
        elif action != "view":
            raise ValueError(f"unknown action {action!r}; view or operate")
        return self.filter(team__in=memberships.values("team"))

    def for_user(self, user: User | AnonymousUser) -> TeamScopedQuerySet[_M]:
        """The rows the user may see: ``restrict(user, "view")``."""
        return self.restrict(user, "view")


class DocumentField(models.JSONField):
    """A JSON document (an inventory, a bundle's files, a report) stored as ``jsonb``, inserted as
    one plain parameter per row.

    On PostgreSQL, Django 5.2 turns a multi-row ``bulk_create`` into ``INSERT … SELECT * FROM
    UNNEST(%s::jsonb[], …)``; psycopg then writes each document into a text-array literal,
    escaping every quote and backslash with a Python regular expression.  For documents of tens
    of kilobytes that cost more than the rest of the import together (8.6 s of 4,000 zones' import,
    profiled; docs/benchmarks.md).  A field with ``get_placeholder`` keeps Django on the
    multi-row ``VALUES`` form, whose parameters psycopg sends as they are."""

    def get_placeholder(self, value: object, compiler: object, connection: object) -> str:
        return "%s"


class TimeStampedModel(models.Model):
    """When a row was created and last saved (``save()``; a queryset ``update()`` leaves ``updated``)."""

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Team(models.Model):
    """A group of users that owns hosts, plans and jobs; nothing crosses teams."""

    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in a team: viewers read, operators also start jobs and edit plans."""

    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        OPERATOR = "operator", "Operator"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class TeamSettings(TimeStampedModel):
    """A team's default plan settings: what its plans use where they set no value of their own.

    ``values`` holds only the settings the team set (``planner.domain.options.TEAM_SETTING_NAMES``);
    the planner's own defaults fill the rest.  Plans inherit them live: a plan's options are its own
    values over these over the planner's (``planner.domain.options.effective_options``), and saving
    them re-plans the team's plans that inherit a changed value.  One row per team, made on the first
    save.
    """

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="plan_defaults")
    values = models.JSONField(default=dict, blank=True, help_text="setting name -> the team's default")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "team settings"
        verbose_name_plural = "team settings"

    def __str__(self) -> str:
        return f"{self.team} settings"


class Host(TimeStampedModel):
    """A Solaris machine, source or destination, identified by hostname within a team."""

    class Origin(models.TextChoices):
        BUNDLE = "bundle", "Collector bundle"
        ZONECFG = "zonecfg", "zonecfg export"
        SPEC = "spec", "Hardware spec"
        CATALOG = "catalog", "Catalog model"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="hosts")
    hostname = models.CharField(max_length=255)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.BUNDLE)
    model = models.CharField(max_length=120, blank=True)
    platform = models.CharField(max_length=120, blank=True)
    current_snapshot = models.ForeignKey(
        "InventorySnapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["hostname"]
        constraints = [models.UniqueConstraint(fields=["team", "hostname"], name="unique_hostname_per_team")]

    def __str__(self) -> str:
        return self.hostname


class InventorySnapshot(TimeStampedModel):
    """One import of a host's inventory; never overwritten."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveIntegerField()
    origin = models.CharField(max_length=32)
    upload_name = models.CharField(max_length=255, blank=True)
    raw_files = DocumentField(default=dict, help_text="relative path -> text, as uploaded")
    inventory = DocumentField(help_text="planner.solaris.inventory.HostInventory as a dict")
    issues = DocumentField(default=list, help_text="parse errors and missing files")
    digest = models.CharField(max_length=64, help_text="sha256 over the raw files")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["host", "-number"]
        constraints = [models.UniqueConstraint(fields=["host", "number"], name="unique_snapshot_number")]

    def __str__(self) -> str:
        return f"{self.host} #{self.number}"

    @property
    def error_count(self) -> int:
        return sum(1 for i in self.issues if i.get("severity") == "error")


class Disk(models.Model):
    snapshot = models.ForeignKey(InventorySnapshot, on_delete=models.CASCADE, related_name="disks")
    name = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    vendor = models.CharField(max_length=64, blank=True)
    product = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Slice(models.Model):
    disk = models.ForeignKey(Disk, on_delete=models.CASCADE, related_name="slices")
    index = models.PositiveSmallIntegerField()
    tag = models.PositiveSmallIntegerField(default=0)
    first_sector = models.BigIntegerField(default=0)
    sector_count = models.BigIntegerField(default=0)
    mount_point = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["disk", "index"]

    def __str__(self) -> str:
        return f"{self.disk.name}s{self.index}"

    @property
    def size_bytes(self) -> int:
        return self.sector_count * 512


class Nic(models.Model):
    snapshot = models.ForeignKey(InventorySnapshot, on_delete=models.CASCADE, related_name="nics")
    name = models.CharField(max_length=32)
    driver = models.CharField(max_length=32, blank=True)
    link_state = models.CharField(max_length=16, blank=True)
    speed_mbps = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Device(models.Model):
    snapshot = models.ForeignKey(InventorySnapshot, on_delete=models.CASCADE, related_name="devices")
    path = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.path


class Metadevice(models.Model):
    snapshot = models.ForeignKey(InventorySnapshot, on_delete=models.CASCADE, related_name="metadevices")
    name = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)
    components = DocumentField(default=list)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    snapshot = models.ForeignKey(InventorySnapshot, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(max_length=64)
    state = models.CharField(max_length=32)
    zonepath = models.CharField(max_length=1024, blank=True)
    brand = models.CharField(max_length=32, blank=True)
    ip_type = models.CharField(max_length=16, blank=True)
    autoboot = models.BooleanField(default=False)
    create_mode = models.CharField(max_length=16, blank=True)
    config_text = models.TextField(blank=True, help_text="the configuration as zonecfg export text")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ZoneResource(models.Model):
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=32)
    position = models.PositiveIntegerField(default=0)
    properties = DocumentField(default=dict)

    class Meta:
        ordering = ["zone", "position"]

    def __str__(self) -> str:
        return f"{self.zone.name}: {self.kind}"


class Plan(TimeStampedModel):
    """A source host paired with a destination host, and the computed report for the pair."""

    Verdict = choices.Verdict

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(max_length=200)
    source = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="plans_as_source")
    destination = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="plans_as_destination")
    source_snapshot = models.ForeignKey(InventorySnapshot, on_delete=models.PROTECT, related_name="+")
    destination_snapshot = models.ForeignKey(InventorySnapshot, on_delete=models.PROTECT, related_name="+")
    options = models.JSONField(
        default=dict, blank=True, help_text="the plan's own settings; the team's defaults fill the rest"
    )
    default_nic_target = models.CharField(max_length=32, blank=True)
    report = DocumentField(default=dict, blank=True)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    zones_total = models.PositiveIntegerField(default=0)
    zones_ready = models.PositiveIntegerField(default=0)
    zones_with_steps = models.PositiveIntegerField(default=0)
    zones_blocked = models.PositiveIntegerField(default=0)
    computed = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.name


class NicMapping(models.Model):
    """One zone ``net`` resource and where it goes on the destination (computed)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nic_mappings")
    zone = models.CharField(max_length=64)
    physical = models.CharField(max_length=32)
    address = models.CharField(max_length=64, blank=True)
    ip_type = models.CharField(max_length=16, blank=True)
    proposed_target = models.CharField(max_length=32, blank=True)
    target = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=16)
    origin = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["zone", "physical", "address"]

    def __str__(self) -> str:
        return f"{self.zone} {self.physical} -> {self.target or self.action}"


class NicOverride(TimeStampedModel):
    """The user's decision for one zone net; keyed so it survives re-planning and re-import."""

    class Action(models.TextChoices):
        MAP = "map", "Map to port"
        DROP = "drop", "Drop this net"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nic_overrides")
    zone = models.CharField(max_length=64)
    physical = models.CharField(max_length=32)
    address = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.MAP)
    target = models.CharField(max_length=32, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "zone", "physical", "address"], name="one_nic_override")
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.physical} {self.action} {self.target}".strip()


class DeviceMapping(models.Model):
    """One zone ``device match=`` and what becomes of it on the destination (computed)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="device_mappings")
    zone = models.CharField(max_length=64)
    match = models.CharField(max_length=255)
    action = models.CharField(max_length=16)
    replacement = models.CharField(max_length=255, blank=True)
    origin = models.CharField(max_length=32, blank=True)
    needs_manual_check = models.BooleanField(default=False)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["zone", "match"]

    def __str__(self) -> str:
        return f"{self.zone} {self.match} {self.action}"


class DeviceOverride(TimeStampedModel):
    class Action(models.TextChoices):
        KEEP = "keep", "Keep"
        REPLACE = "replace", "Replace"
        REMOVE = "remove", "Remove"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="device_overrides")
    zone = models.CharField(max_length=64)
    match = models.CharField(max_length=255)
    action = models.CharField(max_length=8, choices=Action.choices)
    replacement = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "zone", "match"], name="one_device_override")]

    def __str__(self) -> str:
        return f"{self.zone} {self.match} {self.action} {self.replacement}".strip()


class LayoutSlice(models.Model):
    """One planned slice on a destination disk, or an unplaced file system (disk blank)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="layout_slices")
    key = models.CharField(max_length=255, help_text="root, swap, zonepaths, zone:<zone>:<dir>")
    disk = models.CharField(max_length=64, blank=True)
    index = models.SmallIntegerField(null=True, blank=True)
    mount_point = models.CharField(max_length=1024, blank=True)
    size_mb = models.PositiveIntegerField(default=0)
    shortfall_mb = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["disk", "index", "key"]

    def __str__(self) -> str:
        return f"{self.key} on {self.disk or 'unplaced'}"


class DiskOverride(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="disk_overrides")
    key = models.CharField(max_length=255)
    disk = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="one_disk_override")]

    def __str__(self) -> str:
        return f"{self.key} -> {self.disk}"


class RouteOverride(TimeStampedModel):
    """The user's pin of one zone to a route (issue #14); keyed by zone name so it survives
    re-planning and re-import, like the other overrides."""

    class Method(models.TextChoices):
        FLAR = "flar", "Flash archive"
        DETACH_ATTACH = "detach_attach", "Detach / attach"
        S10_BRANDED = "s10_branded", "solaris10 branded zone"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="route_overrides")
    zone = models.CharField(max_length=64)
    method = models.CharField(max_length=16, choices=Method.choices)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "zone"], name="one_route_override")]

    def __str__(self) -> str:
        return f"{self.zone} -> {self.method}"


class SizeOverride(TimeStampedModel):
    """The user's size for one planned file system (a layout key) or one zone (``zoneroot:<zone>``),
    replacing the planner's figure or its assumption (SIZE_ASSUMED); kept across re-imports."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="size_overrides")
    key = models.CharField(max_length=255)
    size_mb = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="one_size_override")]

    def __str__(self) -> str:
        return f"{self.key} = {self.size_mb} MB"
