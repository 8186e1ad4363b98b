"""planner.choices: one source for the badges' labels and colours, which the template tags use."""

from __future__ import annotations

import pytest

from planner import choices
from planner.domain import findings
from planner.templatetags import zflar


def test_the_choices_hold_the_domain_values() -> None:
    assert set(choices.Verdict.values) == {v.value for v in findings.Verdict}
    assert set(choices.Severity.values) == {s.value for s in findings.Severity}


def test_every_job_and_zone_result_state_has_a_tone() -> None:
    from jobs.models import Job, ZoneResult

    for state in (*Job.State.values, *ZoneResult.State.values):
        assert choices.state_tone(state) in choices.TONES
    assert choices.state_tone(Job.State.RUNNING) == "run"
    assert choices.state_tone(ZoneResult.State.FAILED) == "bad"
    assert choices.state_tone("no-such-state") == "none"


def test_the_template_tags_derive_from_the_choices() -> None:
    assert zflar.verdict_label("ready_with_steps") == choices.Verdict.READY_WITH_STEPS.label
    assert zflar.verdict_label("") == "Not computed"
    assert zflar.verdict_label("new_verdict") == "New verdict"
    assert zflar.verdict_class("blocked") == "bad"
    assert zflar.severity_class("step") == "warn" and zflar.severity_class(None) == "none"
    assert zflar.nic_status_class("conflict") == "warn"
    assert zflar.state_class("partial") == "warn"


def test_a_state_cannot_change_its_tone() -> None:
    from django.db import models

    class Odd(models.TextChoices):
        RUNNING = "running", "Running"

    with pytest.raises(ValueError, match="has tone 'run' already"):
        choices.register_state_tones(Odd, {Odd.RUNNING: "bad"})
    with pytest.raises(ValueError, match="no tone for running"):
        choices.register_state_tones(Odd, {})
