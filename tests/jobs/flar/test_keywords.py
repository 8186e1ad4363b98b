"""``flarcreate -U``: documented identification keywords, computed ones refused, rehearsal marks."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from jobs.executors.local import create_for_executor
from jobs.flar import CreateOptions, FlarError, SystemInfo, create, info
from jobs.flar.cli import main
from jobs.flar.header import COMPUTED_KEYWORDS, SETTABLE_KEYWORDS
from jobs.flar.writer import REHEARSAL_KEYWORD, REHEARSAL_WORKER_KEYWORD


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/release").write_text("Solaris 10 10/09 s10s_u8wos_08a SPARC\n")
    return root


def _keys(path: Path) -> list[str]:
    return [line.split("=", 1)[0] for line in info(path).identification_lines if "=" in line]


def test_content_architectures_for_a_sun4u_master_going_to_sun4v(tree: Path, tmp_path: Path) -> None:
    archive = tmp_path / "v240.flar"
    status, _, err = run(
        "create", "-n", "v240", "-R", str(tree), "-U", "content_architectures=sun4u,sun4v", str(archive)
    )
    assert (status, err) == (0, "")
    assert run("info", "-k", "content_architectures", str(archive))[:2] == (0, "sun4u,sun4v\n")
    assert _keys(archive).count("content_architectures") == 1  # replaces the default, not added to it
    assert info(archive).unknown_keywords == ()


def test_settable_keywords_replace_the_defaults_case_insensitively(tree: Path, tmp_path: Path) -> None:
    archive = tmp_path / "a.flar"
    keywords = {
        "CONTENT_ARCHITECTURES": "sun4u",
        "creation_node": "v240",
        "creation_master": "v240",
        "creation_hardware_class": "sun4u",
        "creation_platform": "SUNW,Sun-Fire-V240",
        "creation_processor": "sparc",
        "creation_release": "5.10",
        "creation_os_name": "SunOS",
        "Creation_OS_Version": "Generic_141444-09",
        "content_author": "ops",
        "content_type": "server",
        "content_description": "the V240's root",
        "creation_date": "20091104120000",
    }
    argv = [arg for key, value in keywords.items() for arg in ("-U", f"{key}={value}")]
    status, _, err = run("create", "-n", "v240", "-R", str(tree), *argv, str(archive))
    assert (status, err) == (0, "")
    ident = info(archive).identification
    for key, value in keywords.items():
        assert ident[key.lower()] == value, key
    keys = _keys(archive)
    assert all(keys.count(key.lower()) == 1 for key in keywords)
    assert os.uname().sysname not in ident.values()  # nothing of this (Linux) machine's uname is left


@pytest.mark.parametrize("keyword", sorted(COMPUTED_KEYWORDS))
def test_computed_keywords_are_refused_by_name(tree: Path, tmp_path: Path, keyword: str) -> None:
    archive = tmp_path / "a.flar"
    status, _, err = run("create", "-n", "x", "-R", str(tree), "-U", f"{keyword}=1", str(archive))
    assert status == 2 and err.count("\n") == 1
    assert f"-U {keyword}: " in err and "cannot be set with -U" in err
    assert not archive.exists() and not list(tmp_path.glob(".a.flar.partial-*"))


def test_archive_id_message_says_why(tree: Path, tmp_path: Path) -> None:
    status, _, err = run("create", "-n", "x", "-R", str(tree), "-U", "archive_id=0", str(tmp_path / "a"))
    assert status == 2
    assert err.endswith("-U archive_id: flarcreate computes it from the payload (-H leaves it out); "
                        "it cannot be set with -U\n")  # fmt: skip


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("department=ops", "keywords of your own begin with 'X-' (e.g. X-department)"),
        ("x-lower=1", "must begin with 'X-'"),
        ("X-=1", "must begin with 'X-' and a name"),
        ("content_architectures=sun4u;sun4v", "expected kernel architectures separated by commas"),
        ("content_architectures=", "expected kernel architectures separated by commas"),
        ("content_architectures=sun4u,,sun4v", "expected kernel architectures separated by commas"),
        ("creation_date=yesterday", "is not YYYYMMDDhhmmss"),
        ("novalue", "expected KEY=value"),
        ("=value", "expected KEY=value"),
    ],
)
def test_bad_keywords_are_one_line_usage_errors(tree: Path, tmp_path: Path, pair: str, message: str) -> None:
    status, _, err = run("create", "-n", "x", "-R", str(tree), "-U", pair, str(tmp_path / "a.flar"))
    assert status == 2 and err.count("\n") == 1 and message in err, err


def test_a_flag_and_u_must_agree(tree: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "a.flar")
    status, _, err = run("create", "-n", "x", "-R", str(tree), "-a", "ops", "-U", "content_author=dev", out)
    assert status == 2 and "content_author is given twice: -a 'ops' and -U content_author='dev'" in err
    status, _, err = run("create", "-n", "x", "-R", str(tree), "-U", "X-a=1", "-U", "X-a=2", out)
    assert status == 2 and "given twice" in err
    status, _, err = run("create", "-n", "x", "-R", str(tree), "-a", "ops", "-U", "content_author=ops", out)
    assert (status, err) == (0, "")
    assert _keys(Path(out)).count("content_author") == 1


def test_settable_list_matches_what_the_reader_knows() -> None:
    from jobs.flar.header import KNOWN_KEYWORDS

    assert set(SETTABLE_KEYWORDS) | (set(COMPUTED_KEYWORDS) - {"section_begin", "section_end"}) == set(
        KNOWN_KEYWORDS
    )
    assert not set(SETTABLE_KEYWORDS) & set(COMPUTED_KEYWORDS)


# --- rehearsals and the creation_* values -------------------------------------------------------

WORKER_KEYWORDS = (
    "creation_hardware_class",
    "creation_platform",
    "creation_processor",
    "creation_release",
    "creation_os_name",
    "creation_os_version",
)


def test_default_records_this_machines_uname(tree: Path, tmp_path: Path) -> None:
    archive = tmp_path / "a.flar"
    create(archive, CreateOptions(name="x", root=str(tree)))
    ident = info(archive).identification
    assert ident["creation_os_name"] == os.uname().sysname
    assert ident["creation_release"] == os.uname().release
    assert REHEARSAL_KEYWORD not in ident


def test_a_rehearsal_does_not_pass_the_worker_off_as_the_source(tree: Path, tmp_path: Path) -> None:
    archive = tmp_path / "a.flar"
    create(archive, CreateOptions(name="web01", root=str(tree), rehearsal="local executor, job 7"))
    meta = info(archive)
    ident = meta.identification
    assert ident[REHEARSAL_KEYWORD] == "local executor, job 7"
    uname = os.uname()
    assert ident[REHEARSAL_WORKER_KEYWORD] == f"{uname.sysname} {uname.release} {uname.machine}"
    for keyword in (*WORKER_KEYWORDS, "creation_node", "creation_master", "content_architectures"):
        assert keyword not in ident, keyword
    assert ident["content_name"] == "web01" and meta.unknown_keywords == ()


def test_a_rehearsal_with_the_sources_values(tree: Path, tmp_path: Path) -> None:
    archive = tmp_path / "a.flar"
    source = SystemInfo(node="web01", hardware_class="sun4v", release="5.10", os_name="SunOS")
    create(archive, CreateOptions(name="web01", root=str(tree), system=source, rehearsal="yes"))
    ident = info(archive).identification
    assert ident["creation_node"] == ident["creation_master"] == "web01"
    assert (ident["creation_hardware_class"], ident["content_architectures"]) == ("sun4v", "sun4v")
    assert (ident["creation_release"], ident["creation_os_name"]) == ("5.10", "SunOS")
    assert "creation_platform" not in ident and "creation_os_version" not in ident  # not given: left out


def test_the_rehearsal_keyword_cannot_be_forged_alongside(tree: Path, tmp_path: Path) -> None:
    options = CreateOptions(
        name="x", root=str(tree), rehearsal="yes", user_keywords={REHEARSAL_KEYWORD: "no"}
    )
    with pytest.raises(FlarError, match="written by the rehearsal option"):
        create(tmp_path / "a.flar", options)
    with pytest.raises(FlarError, match="single line"):
        create(tmp_path / "a.flar", CreateOptions(name="x", root=str(tree), rehearsal="a\nb"))


def test_executor_adapter_marks_a_rehearsal(tree: Path, tmp_path: Path) -> None:
    outcome = create_for_executor(
        root=tree,
        output=tmp_path / "a.flar",
        name="web01",
        creation_node="web01",
        rehearsal="zflar local executor: a copy of web01's tree on a worker",
        user_keywords={"content_architectures": "sun4u,sun4v", "X-zflar-job": "12"},
    )
    ident = outcome.identification
    assert ident["creation_node"] == ident["creation_master"] == "web01"
    assert ident[REHEARSAL_KEYWORD].startswith("zflar local executor")
    assert ident["content_architectures"] == "sun4u,sun4v" and ident["X-zflar-job"] == "12"
    assert not set(WORKER_KEYWORDS) & set(ident)


def test_executor_adapter_without_rehearsal_keeps_its_old_default(tree: Path, tmp_path: Path) -> None:
    outcome = create_for_executor(root=tree, output=tmp_path / "a.flar", name="web01", creation_node="web01")
    ident = outcome.identification
    assert ident["creation_node"] == "web01" and ident["creation_os_name"] == os.uname().sysname
    assert REHEARSAL_KEYWORD not in ident
