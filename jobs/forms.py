"""Forms of the jobs pages: start an archive or extract job from the plan page, inspect an archive.

Input validation only (the services do the writes); bad input becomes an inline error.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from planner.forms import TeamChoiceMixin
from planner.models import Host, Team

EXECUTOR_CHOICES = [
    ("local", "Rehearsal on the worker (touches no Solaris host)"),
    ("ssh", "SSH to the Solaris host"),
]
LAST_ARCHIVE = ""


class StartJobForm(forms.Form):
    """Start an archive or an extract job from the plan page (one form per kind, told apart by prefix)."""

    kind = forms.CharField(widget=forms.HiddenInput())
    executor = forms.ChoiceField(choices=EXECUTOR_CHOICES, initial="local", label="Executor")
    ssh_host = forms.CharField(label="SSH host", max_length=255, required=False)
    ssh_user = forms.CharField(label="SSH user", max_length=64, required=False, initial="root")
    ssh_port = forms.IntegerField(label="SSH port", min_value=1, max_value=65535, required=False, initial=22)
    compress = forms.BooleanField(label="Compress the archive", required=False)
    halt_zones = forms.BooleanField(
        label="Halt running zones first",
        required=False,
        initial=True,
        help_text="An archive made while zones run is incomplete.",
    )
    archive = forms.ChoiceField(label="Archive", required=False, choices=())

    def __init__(self, *args: Any, kind: str, archives: list[Any], **kwargs: Any) -> None:
        """``archives``: the plan's team's own archive records (``pk``, ``name``, ``path``); the
        choice is validated against them, so no other team's archive and no path can be named."""
        kwargs.setdefault("initial", {})["kind"] = kind
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.archives = {str(a.pk): a for a in archives}
        if kind == "archive":
            del self.fields["archive"]
        else:
            del self.fields["compress"]
            del self.fields["halt_zones"]
            self.fields["archive"].choices = [(LAST_ARCHIVE, "(the plan's last archive job)")] + [
                (key, f"{a.name} ({a.path})" if a.name != a.path else a.path)
                for key, a in self.archives.items()
            ]

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        if kind != self.kind:
            raise forms.ValidationError("Unknown job kind.")
        return kind

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("executor") == "ssh":
            host = (data.get("ssh_host") or "").strip()
            if not host:
                self.add_error("ssh_host", "Give the host to connect to for the SSH executor.")
            elif not re.match(r"^[A-Za-z0-9][A-Za-z0-9.:-]{0,253}$", host):
                self.add_error("ssh_host", "A host name or IP address, without spaces or options.")
            user = (data.get("ssh_user") or "root").strip()
            if not re.match(r"^[a-z_][a-z0-9_-]{0,31}$", user):
                self.add_error("ssh_user", "Not a valid Solaris user name.")
        return data

    def job_params(self) -> dict[str, Any]:
        """The job's params: SSH settings for the role this kind runs on, plus kind options.

        A chosen archive becomes its path relative to the team's folder (the runner resolves it
        inside that folder again before it opens anything)."""
        data = self.cleaned_data
        params: dict[str, Any] = {}
        if data["executor"] == "ssh":
            role = "source" if self.kind == "archive" else "destination"
            params["ssh"] = {
                role: {
                    "host": data["ssh_host"].strip(),
                    "user": (data.get("ssh_user") or "root").strip(),
                    "port": data.get("ssh_port") or 22,
                }
            }
        if self.kind == "archive":
            params["compress"] = bool(data.get("compress"))
            params["halt_zones"] = bool(data.get("halt_zones"))
        elif data.get("archive"):
            params["archive_path"] = self.archives[data["archive"]].path
        return params


class InspectArchiveForm(TeamChoiceMixin, forms.Form):
    """Pick one of the user's teams' archives or upload a small one, optionally against a destination.

    The job runs in the archive's team (a chosen archive) or in the chosen team (an upload, which
    is stored in that team's folder)."""

    archive = forms.ChoiceField(label="Archive of your team", required=False, choices=())
    upload = forms.FileField(label="…or upload a flar", required=False)
    destination = forms.ModelChoiceField(
        queryset=Host.objects.none(),
        required=False,
        label="Destination host (optional)",
        help_text="Its network ports are checked against each zone's net resources.",
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Team", required=False)

    def __init__(
        self,
        *args: Any,
        archives: list[Any],
        hosts: QuerySet[Host],
        teams: QuerySet[Team],
        max_bytes: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.archives = {str(a.pk): a for a in archives}
        self.fields["archive"].choices = [("", "(choose)")] + [
            (key, f"{a.team.name}: {a.name}") for key, a in self.archives.items()
        ]
        self.fields["destination"].queryset = hosts
        self.setup_team(teams)

    def clean_team(self) -> Team | None:
        # The job's team follows the destination when one is chosen (checked in clean()).
        return self.cleaned_data.get("team") or self._only_team

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The upload is {upload.size // 2**20} MB; the limit is {self.max_bytes // 2**20} MB. "
                "Copy large archives into the archive store instead."
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("archive")) == bool(data.get("upload")):
            raise forms.ValidationError("Choose an archive of your team or upload one (not both).")
        destination, team = data.get("destination"), data.get("team")
        archive = self.archives.get(data.get("archive") or "")
        data["archive_record"] = archive
        if archive is not None:
            if destination is not None and destination.team_id != archive.team_id:
                self.add_error("destination", "Choose a destination host of the archive's team.")
            data["team"] = archive.team
        elif destination is not None:
            data["team"] = destination.team
        elif team is None:
            self.add_error("team", "Choose the team the job belongs to.")
        return data
