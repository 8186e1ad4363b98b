"""Crafted bundles uploaded through the API and the HTML upload page.

Each is refused with a message naming the offending member (or, for unknown members, imported
with the member listed as ignored), nothing is imported from a refused bundle, and nothing is
written to disk: the importer reads members into memory and never extracts them.
"""

from __future__ import annotations

import gzip
import io
import random
import tarfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from tests.support.bundles import bundle_files, make_tar

pytestmark = pytest.mark.django_db

TOP = "evil01-bundle"
# A path outside every upload area that a traversal would create if anything extracted it.
ESCAPE_TARGET = Path("/tmp") / f"zflar-hostile-{uuid.uuid4().hex}"


def base_files() -> dict[str, str | bytes]:
    return dict(bundle_files("evil01", zones=("web01",)))


def member(name: str, kind: bytes = tarfile.REGTYPE, *, size: int = 0, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = size
    info.linkname = linkname
    info.mode = 0o644
    return info


def tar_with(
    extra: list[tarfile.TarInfo],
    *,
    files: dict[str, str | bytes] | None = None,
    fmt: int = tarfile.GNU_FORMAT,
) -> bytes:
    """A real-looking bundle plus the hostile members (written after the good files)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=fmt) as tar:
        for name, content in (base_files() if files is None else files).items():
            data = content.encode() if isinstance(content, str) else content
            info = member(f"{TOP}/{name}", size=len(data))
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            payload = b"x" * info.size if info.isreg() else None
            tar.addfile(info, io.BytesIO(payload) if payload is not None else None)
    return buffer.getvalue()


def many_members(count: int) -> bytes:
    return tar_with([member(f"{TOP}/junk/{i}.txt", size=1) for i in range(count)])


def unpacked_bomb() -> bytes:
    # Known members full of zeros: tiny compressed, large unpacked.
    files = base_files()
    for i in range(8):
        files[f"prtvtoc/c0t{i}d0"] = b"*" * (400 * 1024)
    return make_tar(files, top=TOP)


def hidden_bomb() -> bytes:
    # Zeros under names the importer never reads: they still have to be inflated to be skipped.
    files = base_files()
    for i in range(8):
        files[f"core.{i}"] = b"\0" * (400 * 1024)
    return make_tar(files, top=TOP)


def noise(n: int) -> bytes:
    return random.Random(n).randbytes(n)  # incompressible, and the same on every run


def truncated() -> bytes:
    data = make_tar(base_files() | {"df-k": noise(20000).hex()}, top=TOP)
    return data[: len(data) // 2]


def pax_nul_name() -> bytes:
    info = member(f"{TOP}/hostname", size=3)
    info.pax_headers = {"path": f"{TOP}/host\x00name"}
    return tar_with([info], fmt=tarfile.PAX_FORMAT)


@dataclass
class Case:
    name: str
    build: Callable[[], bytes]
    expect: str  # a phrase of the refusal message
    member: str = ""  # the member the message must name
    settings: dict[str, int] | None = None
    filename: str = "evil.tar.gz"


CASES = [
    Case(
        "path-traversal",
        lambda: tar_with([member(f"{TOP}/../../../..{ESCAPE_TARGET}", size=4)]),
        "'..' is not allowed",
        f"{TOP}/../../../..{ESCAPE_TARGET}",
    ),
    Case(
        "absolute-path",
        lambda: tar_with([member(str(ESCAPE_TARGET), size=4)]),
        "absolute paths",
        str(ESCAPE_TARGET),
    ),
    Case(
        "symlink",
        lambda: tar_with([member(f"{TOP}/etc/zones/index", tarfile.SYMTYPE, linkname="/etc/shadow")]),
        "symbolic link",
        f"{TOP}/etc/zones/index",
    ),
    Case(
        "hardlink",
        lambda: tar_with([member(f"{TOP}/metastat-p", tarfile.LNKTYPE, linkname=f"{TOP}/hostname")]),
        "hard link",
        f"{TOP}/metastat-p",
    ),
    Case(
        "char-device",
        lambda: tar_with([member(f"{TOP}/dev-null", tarfile.CHRTYPE)]),
        "device file",
        f"{TOP}/dev-null",
    ),
    Case("fifo", lambda: tar_with([member(f"{TOP}/pipe", tarfile.FIFOTYPE)]), "FIFO", f"{TOP}/pipe"),
    Case(
        "oversize-member",
        lambda: tar_with([], files=base_files() | {"df-k": "x" * 20000}),
        "over the 10000-byte limit",
        f"{TOP}/df-k",
        settings={"ZFLAR_MAX_BUNDLE_UNPACKED_BYTES": 10000},
    ),
    Case(
        "too-many-members",
        lambda: many_members(100),
        "more than 40 members",
        settings={"ZFLAR_MAX_BUNDLE_FILES": 40},
    ),
    Case(
        "unpacked-bomb",
        unpacked_bomb,
        "unpacks to more than",
        settings={"ZFLAR_MAX_BUNDLE_UNPACKED_BYTES": 1024 * 1024},
    ),
    Case(
        "bomb-in-unknown-members",
        hidden_bomb,
        "unpacks to more than",
        settings={"ZFLAR_MAX_BUNDLE_UNPACKED_BYTES": 1024 * 1024},
    ),
    Case("nul-in-name", pax_nul_name, "NUL", ""),
    Case(
        "nul-in-content",
        lambda: tar_with([], files=base_files() | {"prtdiag": b"System Configuration: \0\0\0"}),
        "NUL",
        "prtdiag",
    ),
    Case(
        "deep-nesting",
        lambda: tar_with([member(f"{TOP}/a/b/c/d/e/f/g", size=1)]),
        "nested deeper",
        f"{TOP}/a/b/c/d/e/f/g",
    ),
    Case(
        "two-top-folders",
        lambda: tar_with([member("other-top/hostname", size=3)]),
        "outside the bundle's one top folder",
        "other-top/hostname",
    ),
    Case("garbage-gz", lambda: b"\x1f\x8b" + noise(4000), "not a tar or tar.gz bundle"),
    # Named .tar but not one: refused for what it is not, before any attempt to read it as text.
    Case("garbage-binary", lambda: noise(4000) + b"\0", "not a tar archive", filename="evil.tar"),
    Case("garbage-binary-cfg", lambda: noise(4000) + b"\0", "binary data", filename="evil.cfg"),
    Case("truncated-gz", truncated, "truncated or damaged", f"{TOP}/df-k"),
    Case(
        "empty-tar",
        lambda: make_tar({}, top=TOP),
        "empty",
    ),
]


@pytest.fixture
def upload_area(settings, tmp_path, monkeypatch) -> Iterator[dict[str, Path]]:  # type: ignore[no-untyped-def]
    """Upload temp dir and MEDIA root of our own; VAR_DIR and UPLOAD_DIR listed before and after.

    Extraction is also made impossible: any call to tarfile's extract methods fails the test.
    """
    temp = tmp_path / "upload-temp"
    media = tmp_path / "media"
    temp.mkdir()
    media.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)
    settings.MEDIA_ROOT = str(media)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # push uploads through the temp-file handler too

    def no_extraction(*args: object, **kwargs: object) -> None:
        raise AssertionError("a bundle member was extracted to disk")

    for name in ("extract", "extractall", "makefile", "makelink", "makedev", "makefifo", "makedir"):
        monkeypatch.setattr(tarfile.TarFile, name, no_extraction)
    before = _listing(settings)
    yield {"temp": temp, "media": media}
    assert not ESCAPE_TARGET.exists(), "a bundle member was written outside the upload area"
    assert list(temp.iterdir()) == [], "an upload temp file was left behind"
    assert list(media.iterdir()) == [], "something was written to MEDIA_ROOT"
    after = _listing(settings)
    assert after - before == set(), f"new files: {sorted(after - before)}"


def _listing(settings) -> set[str]:  # type: ignore[no-untyped-def]
    """VAR_DIR's top level and everything under UPLOAD_DIR (the test database excepted).

    VAR_DIR is not walked recursively: other suites keep large trees there (archives, hosts).
    """
    var = Path(settings.VAR_DIR)
    names = {str(p) for p in var.iterdir() if not p.name.startswith("test-db")} if var.exists() else set()
    upload_dir = Path(settings.UPLOAD_DIR)
    if upload_dir.exists():
        names |= {str(p) for p in upload_dir.rglob("*")}
    return names


def _apply(settings, case: Case) -> None:  # type: ignore[no-untyped-def]
    for key, value in (case.settings or {}).items():
        setattr(settings, key, value)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_bundle_through_the_api(case: Case, operator_api, settings, upload_area) -> None:  # type: ignore[no-untyped-def]
    from planner.models import Host, InventorySnapshot

    _apply(settings, case)
    data = case.build()
    response = operator_api.post(
        "/api/bundles/", {"files": [SimpleUploadedFile(case.filename, data)]}, format="multipart"
    )
    assert response.status_code == 400, response.content
    (result,) = response.json()["results"]
    assert result["ok"] is False
    error = result["error"]
    assert error.startswith(case.filename), error
    assert case.expect in error, error
    if case.member:
        assert case.member in error or repr(case.member)[1:-1] in error, error
    assert not Host.objects.exists()
    assert not InventorySnapshot.objects.exists()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_bundle_through_the_upload_page(
    case: Case, operator_client, team, settings, upload_area
) -> None:  # type: ignore[no-untyped-def]
    from django.urls import NoReverseMatch, reverse

    from planner.models import Host

    try:
        url = reverse("planner:upload")
    except NoReverseMatch:
        pytest.skip("the HTML upload page has no URL yet")
    _apply(settings, case)
    response = operator_client.post(
        url, {"files": [SimpleUploadedFile(case.filename, case.build())], "team": team.pk}
    )
    assert response.status_code in (200, 400), response.status_code
    page = response.content.decode()
    # The page may use BundleLimits without the per-member cap (planner.upload.bundle_limits has it).
    expected = ("unpacks to more than", case.expect) if case.name == "oversize-member" else (case.expect,)
    assert any(escape(e) in page for e in expected), expected
    if case.member and case.name != "oversize-member":
        assert escape(case.member) in page or escape(repr(case.member)[1:-1]) in page
    assert not Host.objects.exists()


def test_unknown_members_are_imported_and_listed_as_ignored(operator_api, upload_area) -> None:  # type: ignore[no-untyped-def]
    extra = [member(f"{TOP}/notes/readme.txt", size=10), member(f"{TOP}/core", size=100)]
    response = operator_api.post(
        "/api/bundles/", {"files": [SimpleUploadedFile("ok.tar.gz", tar_with(extra))]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    (result,) = response.json()["results"]
    assert result["ok"] is True
    assert {"notes/readme.txt", "core"} <= set(result["ignored"])


def test_latin1_text_is_accepted(operator_api, upload_area) -> None:  # type: ignore[no-untyped-def]
    """Solaris 10 text is often ISO-8859-1: invalid UTF-8 is read as Latin-1, not refused."""
    files = base_files()
    files["prtdiag"] = "System Configuration: Sun Microsystems  sun4u Sun Fire V240 (Zürich)\n".encode(
        "latin-1"
    )
    response = operator_api.post(
        "/api/bundles/",
        {"files": [SimpleUploadedFile("latin1.tar.gz", make_tar(files, top=TOP))]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    from planner.models import InventorySnapshot

    snapshot = InventorySnapshot.objects.get()
    assert "Zürich" in snapshot.raw_files["prtdiag"]


def test_plain_gzip_that_is_not_a_tar(operator_api, upload_area) -> None:  # type: ignore[no-untyped-def]
    data = gzip.compress(b"hostname\n" * 100)
    response = operator_api.post(
        "/api/bundles/", {"files": [SimpleUploadedFile("x.tar.gz", data)]}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["results"][0]["error"].startswith("x.tar.gz")
