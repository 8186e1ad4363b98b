"""Creating flars: GNU cpio must read what we write, exactly."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from jobs.flar import CreateOptions, FlarCancelled, FlarError, create, extract, info, list_members, verify
from jobs.flar.writer import partial_path
from tests.support.archives import build_sample_tree, require_tools, snapshot, split_payload


@pytest.fixture(scope="module")
def tools() -> dict[str, str]:
    return require_tools("cpio", "compress", "md5sum")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return build_sample_tree(tmp_path / "root")


def _cpio_list(tools: dict[str, str], data: bytes) -> list[str]:
    result = subprocess.run([tools["cpio"], "-it", "--quiet"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8", "surrogateescape").splitlines()


def test_gnu_cpio_lists_our_payload_and_md5sum_matches_archive_id(
    tools: dict[str, str], tree: Path, tmp_path: Path
) -> None:
    out = tmp_path / "a.flar"
    result = create(out, CreateOptions(name="sample", root=str(tree)))
    data = split_payload(out)
    names = _cpio_list(tools, data)
    assert names == [m.name for m in list_members(out)]
    assert "usr/bin/big" in names and not any(n.startswith(("/", "./")) for n in names)
    md5 = subprocess.run([tools["md5sum"]], input=data, capture_output=True, check=True).stdout[:32].decode()
    assert md5 == result.archive_id == info(out).archive_id
    assert result.payload_size == len(data) and len(data) % 512 == 0
    assert result.files_archived_size == len(data)


def test_gnu_cpio_extracts_our_payload_identically(tools: dict[str, str], tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.flar"
    create(out, CreateOptions(name="sample", root=str(tree)))
    dest = tmp_path / "gnu"
    dest.mkdir()
    subprocess.run([tools["cpio"], "-idm", "--quiet"], input=split_payload(out), cwd=dest, check=True)
    expected, got = snapshot(tree), snapshot(dest)
    # GNU cpio restores directory mtimes only when nothing is written into them afterwards.
    strip = {k: v[:-1] for k, v in expected.items()}
    assert {k: v[:-1] for k, v in got.items()} == strip
    files = {k: v for k, v in expected.items() if v[-1] is not None and not os.path.isdir(tree / k)}
    assert all(got[k][-1] == v[-1] for k, v in files.items())
    assert got["usr/bin/s5"][5] == got["usr/bin/s5-link"][5] == got["etc/s5-link2"][5]


def test_hard_links_follow_the_newc_convention(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.flar"
    create(out, CreateOptions(name="sample", root=str(tree)))
    group = [m for m in list_members(out) if m.name in ("usr/bin/s5", "usr/bin/s5-link", "etc/s5-link2")]
    assert len({m.ino for m in group}) == 1
    assert [m.nlink for m in group] == [3, 3, 3]
    assert [m.size for m in group] == [0, 0, 5]  # data on the last name only


def test_hard_link_with_a_name_outside_the_archive(tools: dict[str, str], tree: Path, tmp_path: Path) -> None:
    (tree / "etc/empty-a").write_bytes(b"")
    os.link(tree / "etc/empty-a", tree / "etc/empty-b")
    out = tmp_path / "a.flar"
    create(out, CreateOptions(name="x", root=str(tree), exclude=("/etc/s5-link2",)))
    group = [m for m in list_members(out) if m.name in ("usr/bin/s5", "usr/bin/s5-link")]
    # s5 has three names but only two are archived: written at the end, data on the last.
    assert [(m.name, m.nlink, m.size) for m in group] == [("usr/bin/s5", 2, 0), ("usr/bin/s5-link", 2, 5)]
    dest = tmp_path / "gnu"
    dest.mkdir()
    subprocess.run([tools["cpio"], "-idm", "--quiet"], input=split_payload(out), cwd=dest, check=True)
    assert (dest / "usr/bin/s5").read_bytes() == b"xxxxx"
    assert os.path.samefile(dest / "usr/bin/s5", dest / "usr/bin/s5-link")
    assert os.path.samefile(dest / "etc/empty-a", dest / "etc/empty-b")


def test_header_keywords(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.flar"
    options = CreateOptions(
        name="web01-full",
        root=str(tree),
        author="ops",
        description="first line\nsecond line",
        content_type="server",
        master="web01",
        creation_date="20130412101500",
        user_keywords={"X-department": "ops"},
        user_sections={"X-notes": "a\nb"},
    )
    result = create(out, options)
    meta = info(out)
    ident = meta.identification
    assert meta.cookie == "FlAsH-aRcHiVe-2.0"
    assert meta.sections == ("identification", "summary", "X-notes", "archive")
    assert ident["files_archived_method"] == "cpio"
    assert ident["files_compressed_method"] == "none"
    assert ident["creation_date"] == "20130412101500"
    assert ident["creation_master"] == "web01"
    assert ident["content_name"] == "web01-full"
    assert ident["content_description"] == "first line\nsecond line"
    assert ident["type"] == "FULL"
    assert ident["X-department"] == "ops"
    assert meta.files_archived_size == int(ident["files_archived_size"]) == result.files_archived_size
    assert int(ident["files_unarchived_size"]) == result.files_unarchived_size > 3 << 20
    assert len(ident["archive_id"]) == 32
    for keyword in ("creation_node", "creation_os_name", "creation_release", "content_architectures"):
        assert ident[keyword]
    assert all(
        line.split("=", 1)[0].islower() or line.startswith("X-")
        for line in meta.identification_lines
        if "=" in line
    )


def test_no_hash_and_no_sizing(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.flar"
    result = create(out, CreateOptions(name="x", root=str(tree), archive_id=False, sizing=False))
    ident = info(out).identification
    assert result.archive_id is None
    assert not {"archive_id", "files_archived_size", "files_unarchived_size"} & set(ident)
    assert verify(out).status == "not checked"


@pytest.mark.parametrize("compressor", ["system", "python"])
def test_compressed_archive_round_trips_through_ncompress(
    tools: dict[str, str], tree: Path, tmp_path: Path, compressor: str
) -> None:
    if compressor == "python":
        (tree / "usr/bin/big").write_bytes(os.urandom(200_000))  # keep pure-Python LZW quick
    out = tmp_path / "c.flar"
    result = create(out, CreateOptions(name="c", root=str(tree), compress=True, compressor=compressor))  # type: ignore[arg-type]
    stored = split_payload(out)
    assert stored[:2] == b"\x1f\x9d"
    assert result.files_archived_size == len(stored)
    plain = subprocess.run(
        [tools["compress"], "-d", "-c"], input=stored, capture_output=True, check=True
    ).stdout
    assert hashlib.md5(plain, usedforsecurity=False).hexdigest() == result.archive_id
    assert _cpio_list(tools, plain) == [m.name for m in list_members(out, backend="python")]
    assert info(out).compressed
    assert verify(out).status == "match"


@pytest.mark.parametrize("spelling", ["etc/default", "/etc/default", "./etc/default", "/etc/default/"])
def test_exclusions_relative_to_root_with_or_without_slash(tree: Path, tmp_path: Path, spelling: str) -> None:
    out = tmp_path / "a.flar"
    result = create(out, CreateOptions(name="x", root=str(tree), exclude=(spelling, "/usr/bin/s1")))
    names = {m.name for m in list_members(out)}
    assert not any(n == "etc/default" or n.startswith("etc/default/") for n in names)
    assert "usr/bin/s1" not in names and "usr/bin/s2" in names and "etc/passwd" in names
    assert set(result.excluded) == {"/etc/default", "/usr/bin/s1"}


def test_exclusion_outside_root_is_refused(tree: Path, tmp_path: Path) -> None:
    with pytest.raises(FlarError, match="outside the root"):
        create(tmp_path / "a.flar", CreateOptions(name="x", root=str(tree), exclude=("../etc",)))
    assert not (tmp_path / "a.flar").exists()


def test_archive_inside_root_excludes_itself(tree: Path) -> None:
    out = tree / "var" / "self.flar"
    out.write_bytes(b"an older archive with the same name")
    create(out, CreateOptions(name="x", root=str(tree)))
    names = {m.name for m in list_members(out)}
    assert "var/self.flar" not in names
    assert not any(".partial-" in n for n in names)
    assert "var/fifo" in names


def test_partials_of_dead_writers_are_cleaned_up_and_live_ones_kept(tree: Path, tmp_path: Path) -> None:
    import subprocess

    out = tmp_path / "a.flar"
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".a.flar.partial-{dead.pid}"
    live = tmp_path / f".a.flar.partial-{os.getppid()}"
    other = tmp_path / f".b.flar.partial-{dead.pid}"
    for path in (stale, live, other):
        path.write_bytes(b"half an archive")

    create(out, CreateOptions(name="x", root=str(tree)))

    assert not stale.exists()
    assert live.exists() and other.exists()


def test_cancel_leaves_neither_output_nor_partial(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.flar"
    calls: list[tuple[int, int | None, str]] = []

    def progress(done: int, total: int | None, current: str) -> None:
        calls.append((done, total, current))

    with pytest.raises(FlarCancelled):
        # The first check comes after 64 MiB or 0.5 s; force it by asking at every check.
        create(out, CreateOptions(name="x", root=str(tree)), on_progress=progress, cancel=lambda: True)
    assert not out.exists()
    assert not Path(partial_path(str(out))).exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "root"]


def test_failure_midway_leaves_nothing(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "a.flar"
    real_readv = os.readv
    seen = []

    def failing_readv(fd: int, buffers: list[memoryview]) -> int:
        seen.append(fd)
        if len(seen) > 3:
            raise KeyboardInterrupt  # the harshest kind of interruption
        return real_readv(fd, buffers)

    monkeypatch.setattr(os, "readv", failing_readv)
    with pytest.raises(KeyboardInterrupt):
        create(out, CreateOptions(name="x", root=str(tree)))
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]


def test_no_descriptor_leaks_on_success_or_failure(tree: Path, tmp_path: Path) -> None:
    before = len(os.listdir("/proc/self/fd"))
    create(tmp_path / "a.flar", CreateOptions(name="x", root=str(tree), exclude=("/etc/s5-link2",)))
    with pytest.raises(FlarCancelled):
        create(tmp_path / "b.flar", CreateOptions(name="x", root=str(tree)), cancel=lambda: True)
    with pytest.raises(FlarError):
        create(tmp_path / "c.flar", CreateOptions(name="x", root=str(tree), compress=True, creation_date="x"))
    assert len(os.listdir("/proc/self/fd")) == before


def test_progress_is_throttled_and_knows_the_total(tree: Path, tmp_path: Path) -> None:
    calls: list[tuple[int, int | None, str]] = []
    result = create(
        tmp_path / "a.flar",
        CreateOptions(name="x", root=str(tree)),
        on_progress=lambda done, total, current: calls.append((done, total, current)),
    )
    assert calls, "at least the final report"
    assert len(calls) < 10  # not per file
    assert all(total == result.files_unarchived_size for _, total, _ in calls)
    assert calls[-1][0] == result.files_unarchived_size


def test_files_of_4_gib_are_refused_by_name(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with open(root / "huge.img", "wb") as handle:
        handle.truncate(4 << 30)  # sparse: no disk used
    out = tmp_path / "a.flar"
    with pytest.raises(FlarError, match=r"/huge\.img is 4294967296 bytes.*4 GiB.*pax"):
        create(out, CreateOptions(name="x", root=str(root)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]


def test_bad_options_are_flar_errors(tree: Path, tmp_path: Path) -> None:
    for options, message in [
        (CreateOptions(name="", root=str(tree)), "name"),
        (CreateOptions(name="x", root=str(tree), creation_date="2013-04-12"), "YYYYMMDDhhmmss"),
        (CreateOptions(name="x", root=str(tree), user_keywords={"department": "ops"}), "X-"),
        (CreateOptions(name="x\ny", root=str(tree)), "single line"),
        (CreateOptions(name="x", root=str(tree), description="a\nb=c"), "continuation"),
        (CreateOptions(name="x", root=str(tmp_path / "missing")), "cannot open root"),
    ]:
        with pytest.raises(FlarError, match=message):
            create(tmp_path / "a.flar", options)
    assert not (tmp_path / "a.flar").exists()


def test_vanished_and_unreadable_entries_are_warnings_not_failures(tree: Path, tmp_path: Path) -> None:
    os.symlink("nowhere", tree / "dangling")
    result = create(tmp_path / "a.flar", CreateOptions(name="x", root=str(tree)))
    assert "dangling" in {m.name for m in list_members(tmp_path / "a.flar")}
    assert result.warnings == ()


def test_grafts_archive_a_mounted_directory_at_its_mount_point(tree: Path, tmp_path: Path) -> None:
    mounted = tmp_path / "slice"
    (mounted / "sub").mkdir(parents=True)
    (mounted / "sub/data").write_bytes(b"slice data")
    os.link(mounted / "sub/data", mounted / "sub/data-link")
    os.link(mounted / "sub/data", mounted / "data-excluded")
    out = tmp_path / "a.flar"
    calls: list[tuple[int, int | None, str]] = []
    result = create(
        out,
        CreateOptions(
            name="x",
            root=str(tree),
            exclude=("/var/empty/data-excluded",),
            grafts={"var/empty": str(mounted), "/not/there": str(mounted)},
        ),
        on_progress=lambda *args: calls.append(args),
    )
    members = {m.name: m for m in list_members(out)}
    # The hard-link group is incomplete (one name excluded): written at the end, data re-opened
    # by name through the graft.
    assert members["var/empty/sub/data"].size + members["var/empty/sub/data-link"].size == 10
    assert "var/empty/data-excluded" not in members
    assert result.warnings == ("/not/there: mount point not in the tree; graft not archived",)
    assert calls[-1][0] == calls[-1][1] == result.files_unarchived_size
    report_dir = tmp_path / "x"
    assert extract(out, report_dir).ok
    assert (report_dir / "var/empty/sub/data-link").read_bytes() == b"slice data"


def test_without_compress_on_path_auto_falls_back_to_python_lzw_byte_for_byte(
    tools: dict[str, str], tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pure-Python fallback is what runs where no compress(1) is installed: its stream must
    give back, through ncompress's own decoder, exactly the payload an uncompressed run writes."""
    (tree / "usr/bin/big").write_bytes(os.urandom(100_000) + b"text line\n" * 20_000)
    plain = create(tmp_path / "p.flar", CreateOptions(name="c", root=str(tree)))
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))  # no compress, no gzip: auto must choose Python
    packed = create(tmp_path / "c.flar", CreateOptions(name="c", root=str(tree), compress=True))
    monkeypatch.undo()
    decoded = subprocess.run(
        [tools["compress"], "-d", "-c"],
        input=split_payload(tmp_path / "c.flar"),
        capture_output=True,
        check=True,
    ).stdout
    assert decoded == split_payload(tmp_path / "p.flar")  # byte-identical cpio stream
    assert packed.archive_id == plain.archive_id
    assert verify(tmp_path / "c.flar", backend="system").status == "match"
    assert verify(tmp_path / "c.flar", backend="python").status == "match"
