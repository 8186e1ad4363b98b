"""Reading flars: headers as Sun's reader takes them, GNU cpio payloads, clear errors."""

from __future__ import annotations

import hashlib
import io
import re
import stat
import subprocess
from pathlib import Path

import pytest

from jobs.flar import FlarError, HashStatus, MemberType, extract, info, list_members, verify
from tests.support.archives import (
    build_sample_tree,
    entry,
    flar_bytes,
    payload,
    require_tools,
    snapshot,
    write_flar,
)


@pytest.fixture(scope="module")
def tools() -> dict[str, str]:
    return require_tools("cpio", "compress", "find")


def _gnu_payload(tools: dict[str, str], tree: Path) -> bytes:
    names = subprocess.run([tools["find"], "."], cwd=tree, capture_output=True, check=True).stdout
    result = subprocess.run(
        [tools["cpio"], "-o", "-H", "newc", "--quiet"], input=names, cwd=tree, capture_output=True, check=True
    )
    return result.stdout


@pytest.mark.parametrize("compressed", [False, True])
def test_we_extract_gnu_cpio_payload_identically(
    tools: dict[str, str], tmp_path: Path, compressed: bool
) -> None:
    tree = build_sample_tree(tmp_path / "root")
    archive = write_flar(tmp_path / "gnu.flar", _gnu_payload(tools, tree), compressed=compressed)
    report = extract(archive, tmp_path / "out", trusted=True)  # cpio -idm as root: a like-for-like copy
    assert report.hash_status is HashStatus.MATCH, report
    assert report.refused == [] and report.ok
    assert snapshot(tmp_path / "out") == snapshot(tree)


def test_python_lzw_backend_reads_compressed_payloads(tools: dict[str, str], tmp_path: Path) -> None:
    tree = build_sample_tree(tmp_path / "root")
    (tree / "usr/bin/big").write_bytes(b"small now")
    archive = write_flar(tmp_path / "gnu.flar", _gnu_payload(tools, tree), compressed=True)
    assert verify(archive, backend="python").status is HashStatus.MATCH
    report = extract(archive, tmp_path / "out", backend="python", trusted=True)
    assert report.ok and snapshot(tmp_path / "out") == snapshot(tree)


def test_member_records(tmp_path: Path) -> None:
    cpio = payload(
        entry("./etc", mode=stat.S_IFDIR | 0o755, ino=1, nlink=2),
        entry("etc/passwd", b"root\n", ino=2, uid=0, gid=3, mtime=1234),
        entry("etc/lnk", b"passwd", mode=stat.S_IFLNK | 0o777, ino=3),
        entry("dev/null", mode=stat.S_IFCHR | 0o666, ino=4, rdev=(13, 2)),
    )
    members = list(list_members(write_flar(tmp_path / "a.flar", cpio)))
    assert [m.name for m in members] == ["./etc", "etc/passwd", "etc/lnk", "dev/null"]
    passwd, lnk, null = members[1:]
    assert (passwd.type, passwd.size, passwd.gid, passwd.mtime, passwd.permissions) == (
        MemberType.FILE,
        5,
        3,
        1234,
        0o644,
    )
    assert (lnk.type, lnk.link_target) == (MemberType.SYMLINK, "passwd")
    assert (null.type, null.rdev) == (MemberType.CHAR_DEVICE, (13, 2))


def test_identification_is_read_like_suns_reader(tmp_path: Path) -> None:
    cpio = payload(entry("f", b"x"))
    header = (
        "FlAsH-aRcHiVe-2.0\n"
        "section_begin=identification\n"
        "ARCHIVE_ID=" + hashlib.md5(cpio, usedforsecurity=False).hexdigest() + "\n"
        "Content_Name=web01\n"
        "content_description=line one\n"
        "line two\n"
        "X-Department=ops\n"
        "mystery=1\n"
        "files_compressed_method=none\n"
        "section_end=identification\n"
        "section_begin=predeployment\nbegin 755 x\n`\nend\nsection_end=predeployment\n"
        "section_begin=X-user_section_1\nsection_begin=nested?\nsection_end=X-user_section_1\n"
        "section_begin=summary\nok\nsection_end=summary\n"
        "section_begin=archive\n"
    ).encode()
    path = tmp_path / "a.flar"
    path.write_bytes(header + cpio)
    meta = info(path)
    assert meta.identification["archive_id"] == hashlib.md5(cpio, usedforsecurity=False).hexdigest()
    assert meta.content_name == "web01"
    assert meta.identification["content_description"] == "line one\nline two"
    assert meta.user_keywords == {"X-Department": "ops"}
    assert meta.unknown_keywords == ("mystery",)
    assert meta.sections == ("identification", "predeployment", "X-user_section_1", "summary", "archive")
    assert meta.payload_offset == len(header)
    assert not meta.compressed and meta.archived_method == "cpio"
    assert any("nested?" in w for w in meta.warnings)
    assert verify(path).status is HashStatus.MATCH


def test_version_1_cookie_is_full_archive(tmp_path: Path) -> None:
    path = write_flar(tmp_path / "a.flar", payload(entry("f")), cookie="FlAsH-aRcHiVe-1.0")
    meta = info(path)
    assert meta.version == (1, 0) and meta.identification["type"] == "FULL"


@pytest.mark.parametrize(
    ("cookie", "message"),
    [
        ("FlAsH-aRcHiVe-3.0", "unsupported flash archive version 3.0"),
        ("FlAsH-aRcHiVe-0.9", "unsupported"),
        ("flash-archive-2.0", "not a flash archive"),
        ("FlAsH-aRcHiVe-2", "not a flash archive"),
        ("070701000000", "bare cpio archive"),
    ],
)
def test_bad_cookies(tmp_path: Path, cookie: str, message: str) -> None:
    path = write_flar(tmp_path / "a.flar", payload(entry("f")), cookie=cookie)
    with pytest.raises(FlarError, match=message):
        info(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"", r"not a flash archive \(no FlAsH-aRcHiVe cookie\): the file is empty"),
        (b"FlAsH-aRcHiVe-2.0\nsection_begin=archive\n", "line 2 must be section_begin=identification"),
        (
            b"FlAsH-aRcHiVe-2.0\nsection_begin=identification\ncontent_name=x\n",
            "ends inside the identification",
        ),
        (
            b"FlAsH-aRcHiVe-2.0\nsection_begin=identification\nno equals\nsection_end=identification\n",
            "without '='",
        ),
        (
            b"FlAsH-aRcHiVe-2.0\nsection_begin=identification\nsection_end=identification\n",
            "no section_begin=archive",
        ),
        (
            b"FlAsH-aRcHiVe-2.0\nsection_begin=identification\nsection_end=identification\nsection_begin=X\n",
            "ends inside section 'X'",
        ),
        (b"FlAsH-aRcHiVe-2.0" + b"x" * (2 << 20), "longer than"),
    ],
)
def test_broken_headers(tmp_path: Path, text: bytes, message: str) -> None:
    path = tmp_path / "a.flar"
    path.write_bytes(text)
    with pytest.raises(FlarError, match=message):
        info(path)


def _tar_bytes(tmp_path: Path) -> bytes:
    import tarfile

    (tmp_path / "member").write_text("x")
    with tarfile.open(tmp_path / "t.tar", "w", format=tarfile.USTAR_FORMAT) as tar:
        tar.add(tmp_path / "member", arcname="member")
    return (tmp_path / "t.tar").read_bytes()


@pytest.mark.parametrize(
    ("start", "what"),
    [
        (
            b'\x1c\x8b\xff\xfe\xe9\x00\x01 text \\ "q"\n\r\x1b[31m',
            r'begins with "\\x1c\\x8b\\xff\\xfe\\xe9\\x00\\x01 text \\x5c \\x22q\\x22\\x0a\\x0d\\x1b\[31m"$',
        ),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)), "this is gzip data"),
        (b"\x1f\x9d\x90" + bytes(range(256)), r"this is compress\(1\) data \(\.Z\)"),
        (b"070701" + b"0" * 200, r"this is a bare cpio archive \(newc\)"),
        (b"BZh91AY&SY", "this is bzip2 data"),
        ("héllo wörld\n".encode(), r'the file begins with "h\\xc3\\xa9llo'),
        (b"\x00" * (3 << 20), r'the file begins with "(\\x00){40}\.\.\."'),  # no newline at all
    ],
)
def test_not_a_flar_is_named_printably(tmp_path: Path, start: bytes, what: str) -> None:
    path = tmp_path / "not.flar"
    path.write_bytes(start)
    with pytest.raises(FlarError) as caught:
        info(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: not a flash archive (no FlAsH-aRcHiVe cookie): ")
    assert re.search(what, text), text
    assert all(" " <= ch <= "~" for ch in text), f"not printable ASCII: {text!r}"


def test_tar_archive_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.flar"
    path.write_bytes(_tar_bytes(tmp_path))
    with pytest.raises(FlarError, match=r"no FlAsH-aRcHiVe cookie\): this is a tar archive$"):
        info(path)


def test_every_reader_gives_the_same_message(tmp_path: Path) -> None:
    """The CLI, the inspect job (inspect_archive / check_for_executor) and extract share the reader."""
    from jobs.flar import inspect_archive
    from jobs.flar.cli import main

    path = tmp_path / "junk.flar"
    path.write_bytes(b"\x1c\xfe\xff garbage\n")
    expected = "not a flash archive (no FlAsH-aRcHiVe cookie)"
    for call in (
        lambda: inspect_archive(path),
        lambda: verify(path),
        lambda: list(list_members(path)),
        lambda: extract(path, tmp_path / "out"),
    ):
        with pytest.raises(FlarError, match=re.escape(expected)):
            call()
    out, err = io.StringIO(), io.StringIO()
    assert main(["info", str(path)], out, err) == 2
    begins = r'the file begins with "\x1c\xfe\xff garbage\x0a"'
    assert err.getvalue() == f"flar: {path}: {expected}: {begins}\n"


@pytest.mark.parametrize(
    ("magic", "message"),
    [
        (b"070707", r"odc/POSIX\.1 portable cpio \(070707\)"),
        (b"\xc7\x71" + b"0000", "binary cpio"),
        (b"zzzzzz", "unknown data"),
    ],
)
def test_other_cpio_formats_are_named(tmp_path: Path, magic: bytes, message: str) -> None:
    path = write_flar(tmp_path / "a.flar", payload(entry("f", b"data", magic=magic)))
    with pytest.raises(FlarError, match=message) as caught:
        list(list_members(path))
    assert caught.value.offset == 0 and caught.value.path == str(path)


def test_crc_format_is_accepted(tmp_path: Path) -> None:
    path = write_flar(tmp_path / "a.flar", payload(entry("f", b"data", magic=b"070702")))
    assert [m.name for m in list_members(path)] == ["f"]


def test_pax_and_zfs_payloads_are_refused_clearly(tmp_path: Path) -> None:
    pax = write_flar(tmp_path / "p.flar", b"pax bytes", extra_ident=("files_archived_method=pax",))
    assert info(pax).archived_method == "pax"  # the later line wins, as in Sun's reader
    with pytest.raises(FlarError, match="pax archive"):
        list(list_members(pax))
    zfs = write_flar(tmp_path / "z.flar", b"zfs", extra_ident=("rootpool=rpool",))
    with pytest.raises(FlarError, match="ZFS root pool"):
        verify(zfs)


def test_verify_states(tmp_path: Path) -> None:
    cpio = payload(entry("f", b"content"))
    good = write_flar(tmp_path / "good.flar", cpio)
    bad = write_flar(tmp_path / "bad.flar", cpio, archive_id="0" * 32)
    none = write_flar(tmp_path / "none.flar", cpio, archive_id=None)
    assert verify(good).status is HashStatus.MATCH and verify(good).ok
    result = verify(bad)
    assert result.status is HashStatus.MISMATCH and not result.ok
    assert result.actual == hashlib.md5(cpio, usedforsecurity=False).hexdigest()
    assert verify(none).status is HashStatus.NOT_CHECKED and verify(none).ok


@pytest.mark.parametrize("cut", [0, 1, 60, 109, 110, 115, 200, -513, -512, -400])
def test_truncated_payloads_raise(tmp_path: Path, cut: int) -> None:
    cpio = payload(entry("dir/a", b"A" * 100), entry("dir/b", b"B" * 300))
    end = cut if cut >= 0 else len(cpio) + cut
    digest = hashlib.md5(cpio, usedforsecurity=False).hexdigest()
    path = write_flar(tmp_path / "t.flar", cpio[:end], archive_id=digest)
    with pytest.raises(FlarError, match="truncated"):
        verify(path)


def test_truncated_compressed_payload_raises(tools: dict[str, str], tmp_path: Path) -> None:
    cpio = payload(*(entry(f"f{i}", bytes([i]) * 5000) for i in range(20)))
    full = flar_bytes(cpio, compressed=True)
    path = tmp_path / "t.flar"
    path.write_bytes(full[: len(full) - len(full) // 3])
    for backend in ("auto", "python"):
        with pytest.raises(FlarError, match=r"truncated|corrupt"):
            verify(path, backend=backend)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (entry("f", b"x", namesize=0), "name size 0"),
        (entry("f", b"x", namesize=0xFFFFFFFF), "name size 4294967295 exceeds"),
        (entry("f", b"x", filesize=0xFFFFFFFF), "declares 4294967295 data bytes"),
        (
            entry("f", b"x").replace(b"070701", b"070701", 1)[:14] + b"0000zz00" + entry("f", b"x")[22:],
            "8 hex",
        ),
        (entry("f", b"x")[:6] + b"+0000001" + entry("f", b"x")[14:], "8 hex"),
        (entry("f", b"x")[:6] + b"0x000001" + entry("f", b"x")[14:], "8 hex"),
        (entry("f", b"x")[:6] + b" 0000001" + entry("f", b"x")[14:], "8 hex"),
        (entry("abc", b"x", namesize=3), "not NUL-terminated"),
    ],
)
def test_corrupt_headers_raise_flar_error(tmp_path: Path, raw: bytes, message: str) -> None:
    path = write_flar(tmp_path / "c.flar", raw + payload())
    with pytest.raises(FlarError, match=message):
        list(list_members(path))


def test_missing_file_is_a_flar_error(tmp_path: Path) -> None:
    with pytest.raises(FlarError, match="No such file"):
        info(tmp_path / "nope.flar")
    with pytest.raises(FlarError, match="No such file"):
        list(list_members(tmp_path / "nope.flar"))
