"""The ETag of the job page's live block, so the progress partial polled every second can answer 304.

The block (``templates/jobs/partials/job_live.html``) is a function of, and its tag is a digest of:

* the job's row, zone results and events: ``Job.version`` counts every write to them that the block
  shows (jobs.progress, jobs.lifecycle, jobs.models);
* what the job row points to and the version does not count: its plan (a rename, a deletion) and
  the name of the user who started it, read in the same query as the job;
* the viewer: whether they may operate the job (the cancel and retry buttons), their time zone
  (every timestamp) and their CSRF secret (the buttons' forms carry a token made from it);
* the clock, for a running job: its elapsed time, rate and ETA are computed for the start of the
  current step of the run (:func:`jobs.selectors.live_clock`), and the step is in the tag;
* the release: a digest of the templates and the project's code, so a deploy never leaves a
  browser holding a block rendered by the previous release.

The tag is weak (``W/"…"``): two renders with the same tag show the same thing but are not byte for
byte the same (a CSRF token is masked anew on every render).  ``If-None-Match`` is compared the weak
way (RFC 9110, 13.1.2), which is Django's :func:`~django.utils.cache.get_conditional_response`.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from .selectors import LiveState

# What the release digest reads, below the project's folder (BASE_DIR).
RELEASE_SOURCES = (("templates", "*.html"), ("jobs", "*.py"), ("planner", "*.py"), ("zflar_site", "*.py"))


@functools.cache
def release() -> str:
    """A digest of this deploy's templates and code (and Django's version), read once per process.

    The same in every web process of one release; any change to a template or a module changes it.
    """
    base = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(django.get_version().encode(), digest_size=16)
    for folder, pattern in RELEASE_SOURCES:
        for path in sorted((base / folder).rglob(pattern)):
            digest.update(path.relative_to(base).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def live_etag(request: HttpRequest, state: LiveState, *, clock_offset: int | None) -> str:
    """The weak ETag of the live block of a job in ``state``, as ``request``'s user sees it now.

    ``clock_offset`` is the second of the run its figures are computed for
    (:func:`jobs.selectors.live_clock`).
    """
    parts = (
        release(),
        state.pk,
        state.version,
        state.plan_id,
        state.plan_name,
        state.created_by_id,
        state.created_by_name,
        state.can_write,
        clock_offset,
        timezone.get_current_timezone_name(),
        _csrf_secret(request),
    )
    return f'W/"{hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"'


def _csrf_secret(request: HttpRequest) -> str:
    """The browser's CSRF secret, which the block's forms make their tokens from: when it changes (a
    log-in rotates it) the forms must come back with new tokens.  A client without one could not
    post the forms anyway (the check needs the cookie), so it adds nothing; its first answer sets one.
    """
    return str(request.META.get("CSRF_COOKIE", ""))


def with_etag(response: HttpResponseBase, etag: str) -> HttpResponseBase:
    """The tag, and leave to browsers to store the block and revalidate it every time (no-cache)."""
    response.headers["ETag"] = etag
    patch_cache_control(response, no_cache=True, private=True)
    return response


def not_modified(request: HttpRequest, etag: str) -> HttpResponseBase | None:
    """The 304 (no body, the same ETag and Cache-Control) when ``If-None-Match`` holds ``etag``, or ``*``.

    None when the block must be rendered.  (A failing ``If-Match`` gets its 412, as Django answers.)
    """
    if "HTTP_IF_NONE_MATCH" not in request.META and "HTTP_IF_MATCH" not in request.META:
        return None
    headers = HttpResponse()
    with_etag(headers, etag)
    answer = get_conditional_response(request, etag=etag, response=headers)
    return None if answer is headers else answer
