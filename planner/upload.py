"""Upload size limits enforced while the request body streams in, never after buffering it.

Django has no per-file size cap (``FILE_UPLOAD_MAX_MEMORY_SIZE`` only decides memory versus a
temporary file), so zflar adds two layers in front of every upload view:

1. ``Content-Length`` larger than the request limit -> 413 at once, before any byte of the body
   is read (:func:`content_length_error`, also available as :class:`UploadSizeLimitMiddleware`).
2. :class:`SizeLimitUploadHandler`, inserted first in ``request.upload_handlers``, counts the
   bytes of each file as the multipart parser feeds them and stops the upload
   (``StopUpload(connection_reset=True)``: the rest of the body is not read) as soon as one file
   passes ``settings.ZFLAR_MAX_UPLOAD_BYTES`` or all files together pass the request limit.  The
   view then answers 413 with :func:`upload_limit_error`'s message.

Limits:
- ``ZFLAR_MAX_UPLOAD_BYTES``: one uploaded file;
- ``ZFLAR_MAX_UPLOAD_REQUEST_BYTES`` (optional): one whole request; defaults to the file limit
  plus 1 MiB for the multipart framing and form fields.

Handlers must be installed before anything reads ``request.POST``/``request.FILES`` -- and
``CsrfViewMiddleware`` reads ``request.POST``.  Hence the Django documentation's recipe, which
:func:`limit_upload_size` implements for function views: the outer view is ``csrf_exempt``,
installs the handler, then calls the inner view wrapped in ``csrf_protect``.  DRF views are
already ``csrf_exempt`` and check CSRF during authentication, so the API installs the handler
in ``initialize_request`` (see ``planner.api.views.BundleUploadView``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from planner.solaris.bundle_archive import BundleLimits

_ERROR_ATTR = "_zflar_upload_limit_error"
REQUEST_SLACK_BYTES = 1024 * 1024


def max_file_bytes() -> int:
    return int(settings.ZFLAR_MAX_UPLOAD_BYTES)


def max_request_bytes() -> int:
    explicit = getattr(settings, "ZFLAR_MAX_UPLOAD_REQUEST_BYTES", None)
    return int(explicit) if explicit else max_file_bytes() + REQUEST_SLACK_BYTES


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n} bytes"


@dataclass(frozen=True)
class UploadLimitError:
    """Why an upload was refused, for the 413 answer."""

    message: str
    limit: int
    file: str = ""

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.message, "limit_bytes": self.limit}
        if self.file:
            body["file"] = self.file
        return body


def content_length_error(request: HttpRequest) -> UploadLimitError | None:
    """The error when the declared body size is over the request limit (reads no body)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    limit = max_request_bytes()
    if length > limit:
        return UploadLimitError(
            f"The upload is {_mb(length)}, over the {_mb(limit)} limit for one request; "
            f"each file may be at most {_mb(max_file_bytes())}.",
            limit=limit,
        )
    return None


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts uploaded bytes per file and per request; stops the upload past either limit.

    It stores nothing itself: chunks pass through to the next handlers (memory or temporary
    file) until a limit is crossed, and then the parser stops reading the body.
    """

    def __init__(
        self,
        request: HttpRequest | None = None,
        *,
        file_limit: int | None = None,
        request_limit: int | None = None,
    ) -> None:
        super().__init__(request)
        self.file_limit = max_file_bytes() if file_limit is None else file_limit
        self.request_limit = max_request_bytes() if request_limit is None else request_limit
        self.file_bytes = 0
        self.total_bytes = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file_bytes = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.file_bytes += len(raw_data)
        self.total_bytes += len(raw_data)
        if self.file_bytes > self.file_limit:
            self._stop(
                UploadLimitError(
                    f"{self.file_name}: the file is larger than the {_mb(self.file_limit)} upload limit.",
                    limit=self.file_limit,
                    file=str(self.file_name or ""),
                )
            )
        if self.total_bytes > self.request_limit:
            self._stop(
                UploadLimitError(
                    f"The files of this upload add up to more than the {_mb(self.request_limit)} limit "
                    f"for one request (stopped in {self.file_name}).",
                    limit=self.request_limit,
                    file=str(self.file_name or ""),
                )
            )
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the UploadedFile

    def _stop(self, error: UploadLimitError) -> None:
        if self.request is not None:
            setattr(self.request, _ERROR_ATTR, error)
        raise StopUpload(connection_reset=True)


def bundle_limits() -> BundleLimits:
    """The tar-bomb caps for uploaded bundles, from settings (for the API and the upload page).

    One member may not exceed the whole-bundle cap either, so an oversized member is refused by
    name ("member 'x/df-k' is N bytes, over the limit") rather than as "the bundle is too big".
    """
    unpacked = int(settings.ZFLAR_MAX_BUNDLE_UNPACKED_BYTES)
    return BundleLimits(
        max_members=int(settings.ZFLAR_MAX_BUNDLE_FILES),
        max_unpacked_bytes=unpacked,
        max_file_bytes=min(BundleLimits().max_file_bytes, unpacked),
    )


def install_upload_limit(request: HttpRequest) -> None:
    """Put the size-limit handler first; call before anything touches request.POST/FILES."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))


def upload_limit_error(request: HttpRequest) -> UploadLimitError | None:
    """The limit the upload hit, if any (check after reading request.FILES)."""
    return getattr(request, _ERROR_ATTR, None)


def too_large_response(error: UploadLimitError) -> HttpResponse:
    # No "Connection: close" here: it is a hop-by-hop header, which a WSGI application may not set
    # (wsgiref, under runserver, asserts and the 413 became a 500).  What happens to the connection
    # is the server's business (runserver reads and discards the body the view did not read).
    return JsonResponse(error.as_dict(), status=413)


def limit_upload_size(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a function upload view: 413 on Content-Length, the streaming handler, then CSRF.

    The wrapped view must still call :func:`upload_limit_error` after reading ``request.FILES``
    (a stopped upload leaves the file out of ``request.FILES``) and show the message.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH"):
            error = content_length_error(request)
            if error is not None:
                return too_large_response(error)
            install_upload_limit(request)
        return protected(request, *args, **kwargs)

    return wrapper


class UploadSizeLimitMiddleware:
    """Optional site-wide first layer: 413 for any request whose Content-Length is over the limit.

    Put it right after SecurityMiddleware to refuse oversized bodies before sessions, CSRF or
    views run.  (A reverse proxy's ``client_max_body_size`` is the layer before this one.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH"):
            error = content_length_error(request)
            if error is not None:
                return too_large_response(error)
        return self.get_response(request)
