"""The labels and colours of what the pages show in badges: one source for the models' choices and
the template tags (:mod:`planner.templatetags.zflar`).

A *tone* is the badge colour class of the stylesheet: ``ok`` (green), ``warn`` (amber), ``bad``
(red), ``run`` (blue, in progress) or ``none`` (grey).

- :class:`Verdict` (a plan's and a zone's), :class:`Severity` (a finding's) and
  :class:`NicStatus` (a NIC mapping row's) are the planner's, with their tones here;
- states of other apps (the jobs app's job and zone-result states) are registered with
  :func:`register_state_tones` next to their choices, so the planner never imports those apps.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models

NONE = "none"
TONES = ("ok", "warn", "bad", "run", NONE)


class Verdict(models.TextChoices):
    """A plan's or a zone's verdict (the values of ``planner.domain.findings.Verdict``)."""

    READY = "ready", "Ready"
    READY_WITH_STEPS = "ready_with_steps", "Ready with steps"
    BLOCKED = "blocked", "Blocked"
    NOTHING_TO_MIGRATE = "nothing_to_migrate", "Nothing to migrate"


VERDICT_TONES: Mapping[str, str] = {
    Verdict.READY: "ok",
    Verdict.READY_WITH_STEPS: "warn",
    Verdict.BLOCKED: "bad",
    Verdict.NOTHING_TO_MIGRATE: NONE,  # neutral grey: no zone, so nothing is "ready"
}


class Severity(models.TextChoices):
    """A finding's severity (the values of ``planner.domain.findings.Severity``)."""

    INFO = "info", "Info"
    STEP = "step", "Step"
    BLOCKER = "blocker", "Blocker"


SEVERITY_TONES: Mapping[str, str] = {Severity.INFO: "ok", Severity.STEP: "warn", Severity.BLOCKER: "bad"}


class NicStatus(models.TextChoices):
    """A NIC mapping row's status (``planner.domain.nicmap``)."""

    OK = "ok", "OK"
    CONFLICT = "conflict", "Conflict"
    BLOCKER = "blocker", "Blocker"


NIC_STATUS_TONES: Mapping[str, str] = {
    NicStatus.OK: "ok",
    NicStatus.CONFLICT: "warn",
    NicStatus.BLOCKER: "bad",
}

_state_tones: dict[str, str] = {}


def register_state_tones(choices: type[models.TextChoices], tones: Mapping[str, str]) -> None:
    """Give every value of ``choices`` its tone (each value must have one; a value another app
    registered already keeps the same tone or the registration fails)."""
    missing = [value for value in choices.values if value not in tones]
    if missing:
        raise ValueError(f"{choices.__name__}: no tone for {', '.join(missing)}")
    for value, tone in tones.items():
        if tone not in TONES:
            raise ValueError(f"{choices.__name__}.{value}: unknown tone {tone!r}; one of {', '.join(TONES)}")
        known = _state_tones.setdefault(str(value), tone)
        if known != tone:
            raise ValueError(f"state {value!r} has tone {known!r} already, not {tone!r}")


def verdict_label(verdict: str | None) -> str:
    if not verdict:
        return "Not computed"
    try:
        return str(Verdict(verdict).label)
    except ValueError:
        return str(verdict).replace("_", " ").capitalize()


def verdict_tone(verdict: str | None) -> str:
    return VERDICT_TONES.get(str(verdict or ""), NONE)


def severity_tone(severity: str | None) -> str:
    return SEVERITY_TONES.get(str(severity or ""), NONE)


def nic_status_tone(status: str | None) -> str:
    return NIC_STATUS_TONES.get(str(status or ""), NONE)


def state_tone(state: str | None) -> str:
    """The tone of a registered state (a job's or a zone result's); ``none`` for any other."""
    return _state_tones.get(str(state or ""), NONE)
