"""Reads for jobs, scoped to the user's teams, plus the progress arithmetic the job page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from planner.models import Action, Membership, Plan
from planner.selectors import teams_for_user

from . import storage
from .archives import archives_sync_store
from .models import Archive, Job, JobEvent, ZoneResult

User = AuthUser | AnonymousUser

# The job page shows at most this many events (the newest ones, oldest first).
EVENT_LIMIT = 200
# The live block is re-rendered every second for every watcher, so it carries only the newest
# events; the whole log is one click away (job_events_text).
LIVE_EVENT_LIMIT = 25


def jobs_for_user(user: User) -> QuerySet[Job]:
    return Job.objects.for_user(user).select_related("plan", "team").defer("plan__report", "result", "params")


def job_for_user(user: User, pk: int) -> Job:
    """The job if it belongs to one of the user's teams, else 404."""
    return get_object_or_404(
        Job.objects.for_user(user)
        .select_related("plan", "team", "retry_of", "created_by")
        .defer("plan__report"),
        pk=pk,
    )


def job_for_polling(user: User, pk: int) -> Job:
    """The job with its plan and creator, for rendering the live block (one query)."""
    return get_object_or_404(
        Job.objects.for_user(user).select_related("plan", "created_by").defer("plan__report"), pk=pk
    )


@dataclass(frozen=True)
class LiveState:
    """What the job page's live block shows besides its zone results and events, in brief: what its
    ETag is made of (:mod:`jobs.live`) with ``version``, which counts every change to those."""

    pk: int
    version: int
    state: str
    started: datetime | None
    finished: datetime | None
    plan_id: int | None
    plan_name: str
    created_by_id: int | None
    created_by_name: str
    can_write: bool

    @property
    def is_terminal(self) -> bool:
        return self.state in Job.TERMINAL_STATES

    @classmethod
    def of(cls, job: Job, *, can_write: bool) -> LiveState:
        """The state of a job loaded with its plan and creator (select_related)."""
        return cls(
            pk=job.pk,
            version=job.version,
            state=job.state,
            started=job.started,
            finished=job.finished,
            plan_id=job.plan_id,
            plan_name=job.plan.name if job.plan is not None else "",
            created_by_id=job.created_by_id,
            created_by_name=job.created_by.get_username() if job.created_by is not None else "",
            can_write=can_write,
        )


# The query of job_live_state.  Its team scoping is TeamScopedQuerySet.restrict's: the job's team
# must be one of the user's; the join on the user's membership (one per team) also gives the role.
LIVE_STATE_SQL = """
SELECT j.id, j.version, j.state, j.started, j.finished, j.plan_id, j.created_by_id, p.name, u.username, m.role
FROM jobs_job j
INNER JOIN planner_membership m ON m.team_id = j.team_id AND m.user_id = %s
LEFT OUTER JOIN planner_plan p ON p.id = j.plan_id
LEFT OUTER JOIN auth_user u ON u.id = j.created_by_id
WHERE j.id = %s
"""


def _aware(value: datetime | None) -> datetime | None:
    """A timestamp as the ORM gives it (SQLite's driver hands back naive UTC)."""
    if value is None or timezone.is_aware(value) or not settings.USE_TZ:
        return value
    return timezone.make_aware(value, connection.timezone)


def job_live_state(user: User, pk: int) -> LiveState:
    """The live block's state of a job of the user's teams (else 404), and whether the user may
    operate it (the cancel and retry buttons): one query of a few columns.

    The progress partial runs it for every poll of every watcher, and answers 304 from it alone.
    The ORM took several times longer to build and compile this query than the database to run it,
    so it is written out (``LIVE_STATE_SQL``); tests/jobs/test_live_etag.py checks its scoping and
    its answers against the ORM's.
    """
    if not user.is_authenticated:
        raise Http404("no such job")
    with connection.cursor() as cursor:
        cursor.execute(LIVE_STATE_SQL, [user.pk, pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404("no such job")
    job_id, version, state, started, finished, plan_id, created_by_id, plan_name, created_by_name, role = row
    return LiveState(
        pk=job_id,
        version=version,
        state=state,
        started=_aware(started),
        finished=_aware(finished),
        plan_id=plan_id,
        plan_name=plan_name or "",
        created_by_id=created_by_id,
        created_by_name=created_by_name or "",
        can_write=role == Membership.Role.OPERATOR,
    )


def job_stats(user: User) -> dict[str, int]:
    """Jobs of the user's teams that are running or queued, and that failed (or partly)."""
    return Job.objects.for_user(user).aggregate(
        active=Count("pk", filter=Q(state__in=Job.ACTIVE_STATES)),
        failed=Count("pk", filter=Q(state__in=[Job.State.FAILED, Job.State.PARTIAL])),
    )


def last_job_annotations(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Each plan's last job (id, kind, state, created) as annotations: the plan tables' column."""
    last = Job.objects.filter(plan=OuterRef("pk")).order_by("-created", "-pk")
    return plans.annotate(
        last_job_id=Subquery(last.values("pk")[:1]),
        last_job_kind=Subquery(last.values("kind")[:1]),
        last_job_state=Subquery(last.values("state")[:1]),
        last_job_created=Subquery(last.values("created")[:1]),
    )


def latest_jobs(user: User, *, limit: int = 8) -> list[Job]:
    return list(jobs_for_user(user).order_by("-created", "-pk")[:limit])


def plan_jobs(plan: Plan, *, limit: int = 50) -> list[Job]:
    return list(Job.objects.filter(plan=plan).defer("result", "params").order_by("-created", "-pk")[:limit])


def plan_last_job(plan: Plan) -> Job | None:
    return Job.objects.filter(plan=plan).order_by("-created", "-pk").first()


def job_zone_results(job: Job) -> list[ZoneResult]:
    return list(ZoneResult.objects.filter(job=job).order_by("zone"))


def job_events(job: Job, *, limit: int = EVENT_LIMIT) -> tuple[list[JobEvent], int]:
    """The newest ``limit`` events in chronological order, and how many older ones were left out."""
    newest = list(JobEvent.objects.filter(job=job).order_by("-created", "-id")[: limit + 1])
    hidden = 0
    if len(newest) > limit:
        newest = newest[:limit]
        hidden = JobEvent.objects.filter(job=job).count() - limit
    newest.reverse()
    return newest, hidden


def job_has_retryable_zones(job: Job, results: list[ZoneResult]) -> bool:
    if not job.is_terminal:
        return False
    if job.state == Job.State.FAILED:
        return True
    return any(r.state in (ZoneResult.State.FAILED, ZoneResult.State.SKIPPED) for r in results)


# A running job's elapsed time, rate and ETA follow the clock.  The live block computes them for the
# start of the current step of the run rather than for "now", so it stays the same between two
# steps and the polled partial can answer 304 (the step is part of its ETag, see jobs.live).
# Elapsed times show seconds below an hour and minutes above (the duration filter).
LIVE_CLOCK_STEP_SECONDS = 5
LIVE_CLOCK_STEP_LONG_SECONDS = 60


def live_clock(job: Job | LiveState, *, now: datetime | None = None) -> tuple[datetime, int | None]:
    """The instant the live block computes its figures for, and that instant in seconds after the
    job's start; ``None`` when nothing it shows follows the clock (not started, or finished)."""
    now = now or timezone.now()
    if job.started is None or job.finished is not None:
        return now, None
    elapsed = max(0, int((now - job.started).total_seconds()))
    step = LIVE_CLOCK_STEP_SECONDS if elapsed < 3600 else LIVE_CLOCK_STEP_LONG_SECONDS
    offset = elapsed - elapsed % step
    return job.started + timedelta(seconds=offset), offset


@dataclass
class Progress:
    percent: int
    bytes_done: int
    bytes_total: int | None
    rate_bps: float | None
    eta_seconds: int | None
    elapsed_seconds: int | None
    indeterminate: bool


def job_progress(job: Job, *, now: datetime | None = None) -> Progress:
    """Percent, throughput and ETA from the bytes written since the job started."""
    now = now or timezone.now()
    elapsed = None
    if job.started:
        end = job.finished or now
        elapsed = max(0, int((end - job.started).total_seconds()))
    rate = None
    if elapsed and job.bytes_done:
        rate = job.bytes_done / elapsed
    eta = None
    if job.is_active and rate and job.bytes_total and job.bytes_total > job.bytes_done:
        eta = int((job.bytes_total - job.bytes_done) / rate)
    return Progress(
        percent=job.percent,
        bytes_done=job.bytes_done,
        bytes_total=job.bytes_total,
        rate_bps=rate,
        eta_seconds=eta,
        elapsed_seconds=elapsed,
        indeterminate=job.is_active and not job.bytes_total,
    )


def job_eta_at(progress: Progress, *, now: datetime | None = None) -> datetime | None:
    if progress.eta_seconds is None:
        return None
    return (now or timezone.now()) + timedelta(seconds=progress.eta_seconds)


def zone_result_counts(results: list[ZoneResult]) -> dict[str, int]:
    counts = {state: 0 for state in ZoneResult.State.values}
    for r in results:
        counts[r.state] = counts.get(r.state, 0) + 1
    return counts


# --- archives: each team's own --------------------------------------------------------------------


def archives_for_user(user: User, *, sync: bool = False, action: Action = "view") -> QuerySet[Archive]:
    """The archives of the user's teams (newest first); ``action="operate"``: of the teams where
    the user is an operator.

    With ``sync`` the flars an administrator copied into the teams' folders are recorded first
    (see :func:`jobs.archives.archives_sync_store`).
    """
    teams = teams_for_user(user)
    if sync:
        for team_id in teams.values_list("pk", flat=True):
            archives_sync_store(team_id=team_id)
    return Archive.objects.restrict(user, action).select_related("team", "job").order_by("-created", "-pk")


def archive_for_user(user: User, pk: int) -> Archive:
    """The archive if it belongs to one of the user's teams, else 404."""
    return get_object_or_404(Archive.objects.for_user(user).select_related("team"), pk=pk)


def team_archives(team_id: int) -> QuerySet[Archive]:
    return Archive.objects.filter(team_id=team_id).order_by("-created", "-pk")


def archive_file(archive: Archive) -> Path:
    """The archive's file, resolved inside its team's folder (PathEscape otherwise)."""
    return storage.archive_file(archive.team_id, archive.path)


def inspect_result(job: Job) -> dict[str, Any]:
    """The parts of an inspect job's result the job page shows, defensively typed."""
    result = job.result if isinstance(job.result, dict) else {}
    identification = result.get("identification") or {}
    if not isinstance(identification, dict):
        identification = {}
    return {
        "identification": sorted((str(k), str(v)) for k, v in identification.items()),
        "hash_ok": result.get("hash_ok"),
        "hash": result.get("hash", ""),
        "members": result.get("members"),
        "zones": [str(z) for z in result.get("zones") or []],
        "empty_zone_mounts": result.get("empty_zone_mounts") or {},
        "archive_path": job.params.get("archive_path", "") if isinstance(job.params, dict) else "",
    }
