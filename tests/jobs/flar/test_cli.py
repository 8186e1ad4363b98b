"""The flar CLI core (jobs.flar.cli.main), without Django."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from jobs.flar import info
from jobs.flar.cli import main
from tests.support.archives import build_sample_tree, entry, payload, write_flar


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return build_sample_tree(tmp_path / "root")


def test_create_info_verify_extract(tree: Path, tmp_path: Path) -> None:
    archive = str(tmp_path / "a.flar")
    status, out, err = run(
        "create", "-n", "web01", "-R", str(tree), "-x", "/var", "-a", "ops", "-e", "nightly",
        "-T", "server", "-m", "web01", "-i", "20130412101500", "-U", "X-department=ops", archive,
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert "Archive creation complete" in out and "excluded: /var" in out
    meta = info(archive)
    assert meta.identification["content_author"] == "ops"
    assert meta.identification["X-department"] == "ops"

    status, out, _ = run("info", archive)
    assert status == 0 and "content_name=web01\n" in out and out.startswith("archive_id=")
    assert run("info", "-k", "CONTENT_TYPE", archive)[:2] == (0, "server\n")
    status, _, err = run("info", "-k", "X-missing", archive)
    assert status == 1 and "not in the identification" in err

    status, out, _ = run("info", "-l", archive)
    names = out.splitlines()
    assert status == 0 and "usr/bin/big" in names and not any(n.startswith("var") for n in names)

    status, out, _ = run("verify", archive)
    assert status == 0 and "archive_id: match" in out

    status, out, _ = run("extract", archive, str(tmp_path / "out"))
    assert status == 0 and "archive_id: match" in out
    assert (tmp_path / "out/usr/bin/big").exists()


def test_flarcreate_spelling_and_compression(tree: Path, tmp_path: Path) -> None:
    archive = str(tmp_path / "c.flar")
    status, _, err = run("flarcreate", "-n", "x", "-c", "-S", "-H", "-R", str(tree), archive)
    assert (status, err) == (0, "")
    meta = info(archive)
    assert meta.compressed and meta.archive_id is None and "files_archived_size" not in meta.identification


def test_usage_errors_are_one_line_and_exit_2(tmp_path: Path) -> None:
    cases = [
        ("create", str(tmp_path / "a.flar")),  # -n missing
        ("create", "-n", "x", "-L", "pax", str(tmp_path / "a.flar")),
        ("create", "-n", "x", "-U", "novalue", "-R", str(tmp_path), str(tmp_path / "a.flar")),
        ("create", "-n", "x", "-R", str(tmp_path / "missing"), str(tmp_path / "a.flar")),
        ("info", str(tmp_path / "missing.flar")),
        ("bogus",),
        (),
    ]
    for argv in cases:
        status, _, err = run(*argv)
        assert status == 2, argv
        if argv:
            assert err.startswith("flar: ") and err.count("\n") == 1 and "Traceback" not in err, err


def test_help_goes_to_stdout(tmp_path: Path) -> None:
    status, out, err = run("create", "-h")
    assert status == 0 and "-n NAME" in out and err == ""
    assert run("--help")[0] == 0


def test_corrupt_archive_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.flar"
    path.write_bytes(b"FlAsH-aRcHiVe-2.0\nsection_begin=identification\n")
    status, _, err = run("verify", str(path))
    assert status == 2 and "identification" in err


def test_mismatch_and_refusals_exit_1(tmp_path: Path) -> None:
    bad_hash = write_flar(tmp_path / "h.flar", payload(entry("f", b"x")), archive_id="0" * 32)
    status, out, err = run("verify", str(bad_hash))
    assert status == 1 and "mismatch" in out and "corrupt" in err
    status, _, err = run("extract", str(bad_hash), str(tmp_path / "o1"))
    assert status == 1 and "mismatch" in err
    hostile = write_flar(tmp_path / "e.flar", payload(entry("../evil", b"x"), entry("ok", b"y")))
    status, out, _ = run("extract", str(hostile), str(tmp_path / "o2"))
    assert status == 1 and "refused: ../evil: '..' path component" in out


def test_zones_verb(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/zones").mkdir(parents=True)
    (root / "etc/zones/index").write_text("global:installed:/\nz1:installed:/zones/z1:\n")
    (root / "etc/zones/z1.xml").write_text(
        '<zone name="z1" zonepath="/zones/z1" autoboot="false">'
        '<filesystem special="/dev/dsk/c0t1d0s0" raw="/dev/rdsk/c0t1d0s0" directory="/opt/local" type="ufs"/>'
        "</zone>"
    )
    (root / "zones/z1/root/opt/local").mkdir(parents=True)
    archive = str(tmp_path / "z.flar")
    assert run("create", "-n", "z", "-R", str(root), archive)[0] == 0
    status, out, _ = run("zones", archive)
    assert status == 1  # an empty zone-private mount point is worth a non-zero status
    assert "fs ufs /opt/local (/dev/dsk/c0t1d0s0): empty" in out
