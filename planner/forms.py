"""Forms for the planner pages: input validation only (the services do the writes).

Every form turns bad input into an inline error; none of them raises.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from planner.domain.options import SIZE_OVERRIDE_MAX_MB
from planner.solaris.names import device_match_problem, hostname_problem, is_disk_name, is_nic_name

from .models import DeviceOverride, Host, RouteOverride, Team
from .presenters import SettingRow, SettingsView

UPLOAD_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".cfg", ".json", ".txt")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input.

    Unlike the Django documentation's recipe, the files are not cleaned one by one here: Django's
    FileField refuses an empty file ("The submitted file is empty.") and with it the whole form,
    so one empty file among ten lost the nine others.  Each file is judged by the import service
    instead, which refuses a bad one by name and imports the rest.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = list(data) if isinstance(data, list | tuple) else [data] if data else []
        return [f for f in files if f is not None and getattr(f, "name", None) is not None]


class TeamChoiceMixin:
    """A ``team`` field limited to the teams where the user is an operator, hidden when there is one."""

    def setup_team(self, teams: QuerySet[Team]) -> None:
        field = self.fields["team"]  # type: ignore[attr-defined]
        field.queryset = teams
        field.required = False
        self._only_team = None
        choices = list(teams[:2])
        if len(choices) == 1:
            self._only_team = choices[0]
            field.initial = choices[0].pk
            field.widget = forms.HiddenInput()

    def clean_team(self) -> Team:
        team = self.cleaned_data.get("team") or self._only_team  # type: ignore[attr-defined]
        if team is None:
            raise forms.ValidationError("Choose the team to import into.")
        return team


class UploadForm(TeamChoiceMixin, forms.Form):
    files = MultipleFileField(
        label="Bundles, zonecfg exports or hardware specs",
        help_text="Collector bundles (.tar, .tar.gz), zonecfg exports (<zone>.cfg) or hardware specs "
        "(.json).",
        required=False,
    )
    zonecfg_host = forms.CharField(
        label="Host for the zonecfg exports (optional)",
        max_length=63,
        required=False,
        widget=forms.TextInput(attrs={"list": "zonecfg-hosts", "autocomplete": "off"}),
        help_text="The zonecfg exports of this upload all go to this host: a new one, or one made of "
        "zonecfg exports before (a zone uploaded again replaces its configuration). "
        "Empty: <first zone>-source.",
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Import into team")

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "upload-%s")
        super().__init__(*args, **kwargs)
        self.setup_team(teams)

    def clean_zonecfg_host(self) -> str:
        value = (self.cleaned_data.get("zonecfg_host") or "").strip()
        return _clean_hostname(value) if value else ""

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError("Choose at least one file.")
        limit = settings.ZFLAR_MAX_UPLOAD_BYTES
        too_big = [f.name for f in files if f.size > limit]
        if too_big:
            raise forms.ValidationError(
                f"Larger than {limit // 2**20} MB: {', '.join(too_big)}. Split the bundle or raise the limit."
            )
        return files


class CatalogDestinationForm(TeamChoiceMixin, forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Team")
    model = forms.ChoiceField(label="Sun model", choices=())
    hostname = forms.CharField(label="Hostname", max_length=63)
    disk_gb = forms.IntegerField(
        label="Disk size (GB, optional)",
        required=False,
        min_value=1,
        max_value=100_000,
        help_text="Overrides the catalog's default disk size.",
    )

    def __init__(
        self, *args: Any, teams: QuerySet[Team], models: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        # The upload page holds three forms: their own ids (the field names stay the same).
        kwargs.setdefault("auto_id", "catalog-%s")
        super().__init__(*args, **kwargs)
        self.setup_team(teams)
        self.fields["model"].choices = models

    def clean_hostname(self) -> str:
        return _clean_hostname(self.cleaned_data["hostname"])


class SpecDestinationForm(TeamChoiceMixin, forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Team")
    hostname = forms.CharField(label="Hostname", max_length=63)
    model = forms.CharField(label="Model (optional)", max_length=120, required=False)
    ports = forms.CharField(
        label="Network ports", max_length=1000, help_text='Comma-separated, e.g. "e1000g0,e1000g1".'
    )
    disks = forms.CharField(
        label="Disks",
        max_length=2000,
        help_text='Comma-separated name:GB, e.g. "c1t0d0:146,c1t1d0:146".',
    )
    devices = forms.CharField(
        label="Devices (optional)",
        max_length=2000,
        required=False,
        help_text='Comma-separated device paths, e.g. "/dev/rmt/0".',
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "spec-%s")
        super().__init__(*args, **kwargs)
        self.setup_team(teams)

    def clean_hostname(self) -> str:
        return _clean_hostname(self.cleaned_data["hostname"])

    def clean_ports(self) -> list[str]:
        ports = _split(self.cleaned_data["ports"])
        bad = [p for p in ports if not is_nic_name(p)]
        if bad:
            raise forms.ValidationError(
                f"Not a port name (driver + instance, e.g. e1000g0): {', '.join(bad)}"
            )
        if not ports:
            raise forms.ValidationError("Give at least one port.")
        if len(set(ports)) != len(ports):
            raise forms.ValidationError("A port is listed twice.")
        return ports

    def clean_disks(self) -> list[tuple[str, int]]:
        disks: list[tuple[str, int]] = []
        for item in _split(self.cleaned_data["disks"]):
            name, sep, size = item.partition(":")
            name = name.strip()
            if not sep or not is_disk_name(name):
                raise forms.ValidationError(f"{item!r}: write disks as cXtYdZ:GB, e.g. c1t0d0:146")
            try:
                gb = int(size.strip())
            except ValueError:
                raise forms.ValidationError(f"{item!r}: the size must be a whole number of GB") from None
            if not 1 <= gb <= 100_000:
                raise forms.ValidationError(f"{item!r}: the size must be between 1 and 100000 GB")
            disks.append((name, gb))
        if not disks:
            raise forms.ValidationError("Give at least one disk.")
        if len({d for d, _ in disks}) != len(disks):
            raise forms.ValidationError("A disk is listed twice.")
        return disks

    def clean_devices(self) -> list[str]:
        devices = _split(self.cleaned_data.get("devices") or "")
        for device in devices:
            problem = device_match_problem(device)
            if problem:
                raise forms.ValidationError(f"{device!r}: {problem}")
        return devices


class PlanCreateForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Host.objects.none(), label="Source host")
    destination = forms.ModelChoiceField(
        queryset=Host.objects.none(), label="Destination host", required=False, empty_label="(choose)"
    )
    # A destination that is not racked yet: a model of the built-in catalog, added on the way.
    destination_catalog = forms.ChoiceField(
        label="…or a new destination from the catalog", required=False, choices=()
    )
    destination_hostname = forms.CharField(
        label="Its hostname", max_length=63, required=False, help_text="Default: new-<model>."
    )
    name = forms.CharField(label="Name (optional)", max_length=200, required=False)

    def __init__(
        self, *args: Any, hosts: QuerySet[Host], models: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = hosts
        self.fields["destination"].queryset = hosts
        self.fields["destination_catalog"].choices = [("", "(none)"), *(models or [])]
        label = lambda h: f"{h.hostname} ({h.team.name})" if h.team_id else h.hostname  # noqa: E731
        self.fields["source"].label_from_instance = label
        self.fields["destination"].label_from_instance = label

    def clean_destination_hostname(self) -> str:
        value = (self.cleaned_data.get("destination_hostname") or "").strip()
        return _clean_hostname(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source, destination = data.get("source"), data.get("destination")
        if destination and data.get("destination_catalog"):
            raise forms.ValidationError("Choose a destination host or a catalog model, not both.")
        if not destination and not data.get("destination_catalog") and "destination" not in self.errors:
            self.add_error("destination", "Choose a destination host, or a model from the catalog.")
        if source and destination:
            if source.pk == destination.pk:
                raise forms.ValidationError("The source and the destination must be different hosts.")
            if source.team_id != destination.team_id:
                raise forms.ValidationError("Both hosts must belong to the same team.")
        return data


class NicRowForm(forms.Form):
    zone = forms.CharField(max_length=64)
    physical = forms.CharField(max_length=32)
    address = forms.CharField(max_length=64, required=False)
    target = forms.CharField(max_length=32, required=False)

    def __init__(self, *args: Any, ports: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ports = ports

    def clean_target(self) -> str:
        target = (self.cleaned_data.get("target") or "").strip()
        if target and target != "drop" and self.ports and target not in self.ports:
            raise forms.ValidationError(f"{target} is not a port of the destination.")
        return target


class RouteRowForm(forms.Form):
    """Pin a zone to a route, or ("" ) take the recommended one again (issue #14)."""

    zone = forms.CharField(max_length=64)
    method = forms.ChoiceField(choices=[("", "recommended"), *RouteOverride.Method.choices], required=False)


class DefaultNicForm(forms.Form):
    default_target = forms.CharField(max_length=32, required=False, label="Default destination port")

    def __init__(self, *args: Any, ports: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ports = ports

    def clean_default_target(self) -> str:
        target = (self.cleaned_data.get("default_target") or "").strip()
        if target and self.ports and target not in self.ports:
            raise forms.ValidationError(f"{target} is not a port of the destination.")
        return target


class DeviceRowForm(forms.Form):
    zone = forms.CharField(max_length=64)
    match = forms.CharField(max_length=255)
    action = forms.ChoiceField(choices=[("", "(proposal)"), *DeviceOverride.Action.choices], required=False)
    replacement = forms.CharField(max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        replacement = (data.get("replacement") or "").strip()
        data["replacement"] = replacement
        if data.get("action") == DeviceOverride.Action.REPLACE:
            if not replacement:
                self.add_error("replacement", "Give the replacement device path.")
            elif device_match_problem(replacement):
                self.add_error("replacement", f"Not a device path: {device_match_problem(replacement)}.")
        return data


class SizeRowForm(forms.Form):
    """One size in the Disk layout tab: a whole number of MB, or blank to go back to the planner's."""

    key = forms.CharField(max_length=255)
    size_mb = forms.IntegerField(
        required=False, min_value=1, max_value=SIZE_OVERRIDE_MAX_MB, label="Size (MB)"
    )

    def __init__(self, *args: Any, keys: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if key not in self.keys:
            raise forms.ValidationError(f"The plan's layout has no file system or zone {key}.")
        return key


class DiskRowForm(forms.Form):
    key = forms.CharField(max_length=255)
    disk = forms.CharField(max_length=64, required=False)

    def __init__(self, *args: Any, disks: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disks = disks

    def clean_disk(self) -> str:
        disk = (self.cleaned_data.get("disk") or "").strip()
        if disk and disk not in self.disks:
            raise forms.ValidationError(f"{disk} is not a disk of the destination.")
        return disk


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\s]+", text or "") if part.strip()]


def _clean_hostname(value: str) -> str:
    """The one hostname rule (planner/solaris/names.py: RFC 1123, what /etc/nodename accepts)."""
    value = value.strip()
    problem = hostname_problem(value)
    if problem:
        raise forms.ValidationError(f"Not a hostname: {problem}.")
    return value


# --- settings: a plan's Settings tab and a team's defaults -----------------------------------------

# Length caps at the boundary; what a value may hold is the domain's rule (settings_problems).
_SETTING_MAX_LENGTH = {"archive_location": 1024, "install_image_dir": 1024, "jumpstart_dir": 1024}


class SettingsForm(forms.Form):
    """Every setting of a plan (or every team default) as text, parsed to its type; nothing more.

    Blank means "not set here": the plan then uses its team's default, the team the planner's.
    The root password hash is write-only: the box starts empty, blank keeps the hash, and "forget"
    clears it.  Whether a value can be used is the domain's rule (``settings_problems``, applied by
    the services); the view puts what it says under each field.
    """

    def __init__(self, *args: Any, view: SettingsView, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.view = view
        for row in view.rows:
            s = row.setting
            hint = f"{row.inherited_label}: {row.inherited_shown}"
            own = row.own
            field: forms.Field
            if s.kind == "secret":
                field = forms.CharField(
                    max_length=256,
                    widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                )
                self.fields[f"clear_{s.name}"] = forms.BooleanField(
                    required=False,
                    label=f"Forget this {'plan' if view.layer == 'plan' else 'team'}'s hash"
                    + (" (use the team default)" if view.layer == "plan" else ""),
                )
            elif s.kind == "int":
                field = forms.IntegerField(widget=forms.NumberInput(attrs={"placeholder": hint}))
            elif s.kind == "choice":
                choices = [("", f"({hint})"), *((c, c) for c in s.choices)]
                field = forms.CharField(max_length=16, widget=forms.Select(choices=choices))
            elif s.kind == "list":
                field = forms.CharField(max_length=1024, widget=forms.TextInput(attrs={"placeholder": hint}))
                own = ", ".join(own) if isinstance(own, list) else own
            else:
                field = forms.CharField(
                    max_length=_SETTING_MAX_LENGTH.get(s.name, 255),
                    widget=forms.TextInput(attrs={"placeholder": hint}),
                )
            field.required = False
            field.label = s.label
            field.help_text = s.help
            if s.kind != "secret":
                field.initial = own
            self.fields[s.name] = field
        # Keep the order of the settings, each clear box after its field.
        order = [n for s in (r.setting for r in view.rows) for n in (s.name, f"clear_{s.name}")]
        self.order_fields([n for n in order if n in self.fields])

    def grouped(self) -> list[tuple[str, list[tuple[SettingRow, forms.BoundField, forms.BoundField | None]]]]:
        """(group title, [(row, bound field, the secret's "forget" box or None)]) for the template."""
        return [
            (
                g.title,
                [
                    (
                        row,
                        self[row.name],
                        self[f"clear_{row.name}"] if f"clear_{row.name}" in self.fields else None,
                    )
                    for row in g.rows
                ],
            )
            for g in self.view.groups
        ]

    def changes(self) -> dict[str, Any]:
        """Setting name -> its new value, or None to clear it (the secret only when typed or cleared)."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for row in self.view.rows:
            s = row.setting
            value = data.get(s.name)
            if s.kind == "secret":
                if data.get(f"clear_{s.name}"):
                    out[s.name] = None
                elif value:
                    out[s.name] = value
            elif s.kind == "list":
                items = _split(value or "")
                out[s.name] = items or None
            elif s.kind == "int":
                out[s.name] = value  # None when blank
            else:
                out[s.name] = value.strip() if value else None
        return out

    def add_problems(self, problems: dict[str, str]) -> None:
        """The domain's messages, each under its field (or above the form for another setting)."""
        for name, message in problems.items():
            self.add_error(
                name if name in self.fields else None,
                f"{name}: {message}" if name not in self.fields else message,
            )
