"""scripts/zflar-collect: Bourne-shell hygiene, syntax, shellcheck, and runs against stand-in commands.

The runs use a bundle written by planner.fleet as the "host": stand-ins for
the Solaris commands (tests/scripts/standins/) print its files, and a fake root
(``-R``) holds its /etc files and the zones' vfstabs.  The tar the collector
writes must then hold exactly that bundle again, plus README and collect.log.
No database is used.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from planner import fleet
from planner.domain.facts import disk_names
from planner.solaris.bundle import read_bundle_files
from planner.solaris.bundle_archive import unpack_bundle
from planner.solaris.inventory import HostInventory
from planner.solaris.largefiles import parse_large_files
from tests.support.bourne import bourne_violations

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "planner" / "solaris" / "samples"
SCRIPT = REPO / "scripts" / "zflar-collect"
STANDINS = Path(__file__).resolve().parent / "standins"
INSTALL_HINT = "make test installs it (scripts/install-system-deps)"


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed; {INSTALL_HINT}")
    return path


# --- (1) the static Bourne-shell check -------------------------------------------------------


def test_collector_uses_only_bourne_shell_constructs() -> None:
    violations = bourne_violations(SCRIPT.read_text())
    assert violations == [], "\n".join(str(v) for v in violations)


# (snippet, words of the rule it must trip) - one per construct the checker rejects.
BAD_SNIPPETS = [
    ("x=$(uname -n)\n", "command substitution"),
    ('echo "host $(hostname)"\n', "command substitution"),
    ("n=$((n + 1))\n", "arithmetic"),
    ("f() {\n\tlocal x=1\n}\n", "local"),
    ("if [[ -f /etc/vfstab ]]; then :; fi\n", "[[ ]]"),
    ('echo "${path#/}"\n', "trimming"),
    ("echo ${path%%/*}\n", "trimming"),
    ("echo ${#path}\n", "length"),
    ("function collect {\n\t:\n}\n", "function keyword"),
    ("echo -n 'no newline'\n", "echo -n"),
    ("echo -e 'a\\tb'\n", "echo -n"),
    ("test -e /etc/vfstab && echo yes\n", "test -e"),
    ("if [ -e /etc/vfstab ]; then :; fi\n", "test -e"),
    ("source ./lib.sh\n", "source"),
    ('if [ "$a" == "$b" ]; then :; fi\n', "=="),
    ("disks=(c0t0d0 c1t0d0)\n", "array assignment"),
    ("echo ${disks[0]}\n", "array element"),
    ("declare -a disks\n", "declare"),
    ("if ! zonename; then exit 1; fi\n", "negation"),
    ("grep -q global /etc/zones/index\n", "grep -q"),
    ("tmp=`mktemp -d`\n", "mktemp"),
    ("tar czf out.tar.gz dir\n", "GNU tar"),
    ("read -r line\n", "read -r"),
    ("cat <<< 'text'\n", "here-string"),
    ("cmd &> /dev/null\n", "&>"),
    ("set -o pipefail\n", "set -o"),
    ("trap 'rm -f x' EXIT\n", "trap"),
    ("echo ${path/a/b}\n", "substitution"),
    ("cat <<EOF\nhost $(uname -n)\nEOF\n", "command substitution"),
]


@pytest.mark.parametrize(("snippet", "rule"), BAD_SNIPPETS, ids=[r for _s, r in BAD_SNIPPETS])
def test_the_check_catches_each_construct(snippet: str, rule: str) -> None:
    rules = [v.rule for v in bourne_violations(snippet)]
    assert any(rule in found for found in rules), f"{snippet!r} was not caught for {rule!r}; got {rules}"


GOOD_SNIPPETS = [
    "x=`uname -n`\n",
    "n=`expr $n + 1`\n",
    'echo "$# arguments: $@ ${1+"$@"} ${x:-default}"\n',
    "echo '$(not expanded) ${#nor} [[ this ]]'  # comment: $(x) local [[\n",
    "case $z in\n*[!A-Za-z0-9_.-]*) continue ;;\nesac\n",
    "if [ -f /etc/vfstab ] && [ -r /etc/vfstab ]; then :; fi\n",
    "cat <<'EOF'\n$(literal) ${#literal}\nEOF\n",
    "grep global /etc/zones/index >/dev/null\n",
    "trap 'rm -rf \"$w\"' 0\ntrap 'exit 1' 1 2 3 15\n",
    "zf_local=1; zf_function=2\n",
    "tar cf out.tar dir\n",
]


@pytest.mark.parametrize("snippet", GOOD_SNIPPETS)
def test_the_check_accepts_bourne_shell(snippet: str) -> None:
    assert bourne_violations(snippet) == []


# --- (2) syntax and shellcheck ---------------------------------------------------------------


@pytest.mark.parametrize("shell", ["sh", "dash"])
def test_syntax(shell: str) -> None:
    result = subprocess.run([_need(shell), "-n", str(SCRIPT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_shellcheck_clean() -> None:
    shellcheck = _need("shellcheck")
    standins = sorted(str(p) for p in STANDINS.iterdir() if p.is_file())
    result = subprocess.run(
        [shellcheck, "-s", "sh", "-x", "-P", "SCRIPTDIR", str(SCRIPT), *standins],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- (3) runs against stand-in commands ------------------------------------------------------


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    tar: Path | None
    members: list[tarfile.TarInfo] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    trace: list[str] = field(default_factory=list)
    workdir_left: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return self.files.get("collect.log", "")


def fake_root(tmp: Path, bundle: Path, host: fleet.HostSpec) -> Path:
    """/etc/vfstab, /etc/zones and each installed zone's <zonepath>/root/etc/vfstab, under one folder."""
    root = tmp / "root"
    (root / "etc" / "zones").mkdir(parents=True)
    shutil.copy(bundle / "etc" / "vfstab", root / "etc" / "vfstab")
    shutil.copy(bundle / "etc" / "release", root / "etc" / "release")
    (root / "var" / "sadm" / "system" / "admin").mkdir(parents=True)
    shutil.copy(
        bundle / "var" / "sadm" / "system" / "admin" / "CLUSTER", root / "var" / "sadm" / "system" / "admin"
    )
    for source in (bundle / "etc" / "zones").iterdir():
        shutil.copy(source, root / "etc" / "zones" / source.name)
    # The templates every Solaris 10 /etc/zones holds; the collector must not take them.
    for template in ("SUNWblank.xml", "SUNWdefault.xml"):
        (root / "etc" / "zones" / template).write_text("<zone/>\n")
    for zone in host.zones:
        vfstab = bundle / "zones" / f"{zone.name}.vfstab"
        if vfstab.exists():
            etc = root / zone.zonepath.lstrip("/") / "root" / "etc"
            etc.mkdir(parents=True)
            shutil.copy(vfstab, etc / "vfstab")
    return root


def standins_without(tmp: Path, *missing: str) -> Path:
    folder = tmp / "standins-partial"
    shutil.copytree(STANDINS, folder)
    for name in missing:
        (folder / name).unlink()
    return folder


def run_collector(
    tmp: Path,
    host: fleet.HostSpec | None,
    *,
    shell: tuple[str, ...] = ("dash",),
    standins: Path = STANDINS,
    env: dict[str, str] | None = None,
    args: list[str] | None = None,
    prepare_root: bool = True,
    fixture: Path | None = None,
    fixture_extra: dict[str, str] | None = None,
    root_extra: dict[str, str] | None = None,
) -> Run:
    """Run the collector against ``host`` (a fleetgen bundle) or a ready ``fixture`` folder.

    ``fixture_extra`` adds files the stand-ins print; ``root_extra`` adds files under the fake root.
    """
    if fixture is not None:
        bundle = fixture
    else:
        assert host is not None
        bundle = fleet.write_bundle(tmp / "fixture", host)
    for relative, text in (fixture_extra or {}).items():
        (bundle / relative).parent.mkdir(parents=True, exist_ok=True)
        (bundle / relative).write_text(text)
    root = fake_root(tmp, bundle, host) if prepare_root and host is not None else tmp
    for relative, text in (root_extra or {}).items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    out, work = tmp / "out", tmp / "work"
    out.mkdir(exist_ok=True)
    work.mkdir(exist_ok=True)
    trace = tmp / "trace"
    empty_mnttab = tmp / "empty-mnttab"
    empty_mnttab.write_text("")
    environment = {
        "PATH": "/usr/bin:/bin",
        "ZFLAR_PATH": f"{standins}:/usr/bin:/bin",
        "ZFLAR_FIXTURE": str(bundle),
        "ZFLAR_STANDIN_TRACE": str(trace),
        # The test machine's own mount table is not the host's: an empty one (no local file
        # systems, so an empty large-files) unless a test passes its own.
        "ZFLAR_MNTTAB": str(empty_mnttab),
        "TMPDIR": str(work),
        "HOME": str(tmp),
        **(env or {}),
    }
    argv = [
        _need(shell[0]),
        *shell[1:],
        str(SCRIPT),
        *(args if args is not None else ["-o", str(out), "-R", str(root)]),
    ]
    result = subprocess.run(argv, capture_output=True, text=True, env=environment, timeout=120, check=False)
    tars = sorted(out.glob("*.tar"))
    run = Run(result.returncode, result.stdout, result.stderr, tars[0] if tars else None)
    run.trace = trace.read_text().splitlines() if trace.exists() else []
    run.workdir_left = sorted(p.name for p in work.iterdir())
    if run.tar is not None:
        with tarfile.open(run.tar) as archive:
            run.members = archive.getmembers()
            for member in run.members:
                if member.isfile():
                    handle = archive.extractfile(member)
                    assert handle is not None
                    run.files[member.name.split("/", 1)[1]] = handle.read().decode()
    return run


def expected_files(host: fleet.HostSpec) -> dict[str, str]:
    """What the collector must gather: the generated bundle, without its own README."""
    files = fleet.render_bundle(host)
    del files["README"]
    return files


def assert_same_bundle(run: Run, expected: dict[str, str]) -> None:
    assert set(run.files) == set(expected) | {"README", "collect.log"}
    for name, text in expected.items():
        assert run.files[name] == text, f"{name} differs from what the host printed"


@pytest.fixture(params=[("dash",), ("bash", "--posix")], ids=["dash", "bash-posix"])
def shell(request: pytest.FixtureRequest) -> tuple[str, ...]:
    value: tuple[str, ...] = request.param
    return value


def test_collects_every_seed_row_host_file(tmp_path: Path, shell: tuple[str, ...]) -> None:
    host = fleet.seed_rows_host()
    run = run_collector(tmp_path, host, shell=shell)

    assert run.returncode == 0, run.stderr
    assert run.tar is not None
    assert run.stdout.strip().splitlines()[-1] == str(run.tar)
    assert re.fullmatch(r"zflar-src-seed-01-[0-9]{14}\.tar", run.tar.name)
    # One top folder, only folders and regular files.
    assert {m.name.split("/", 1)[0] for m in run.members} == {"zflar-src-seed-01"}
    assert all(m.isdir() or m.isfile() for m in run.members)
    assert_same_bundle(run, expected_files(host))
    assert "collect.log" in run.files["README"]
    assert run.workdir_left == [], "the work folder under TMPDIR was not removed"
    # -R reaches zonecfg and zoneadm; prtvtoc runs for sized disks only (no CD-ROM, no tape).
    root = tmp_path / "root"
    assert f"zoneadm -R {root} list -cvp" in run.trace
    assert f"zonecfg -R {root} -z z-ufs export" in run.trace
    assert f"zonecfg -R {root} -z z-nfs-zonepath info zonepath" in run.trace
    prtvtoc = sorted(line for line in run.trace if line.startswith("prtvtoc "))
    assert prtvtoc == [f"prtvtoc /dev/rdsk/{d}s2" for d in ("c1t0d0", "c1t1d0", "c1t2d0", "c1t3d0", "c2t0d0")]
    assert "metastat -p" in run.trace


def test_the_collected_tar_imports_cleanly(tmp_path: Path) -> None:
    host = fleet.seed_rows_host()
    run = run_collector(tmp_path, host)
    assert run.tar is not None
    with run.tar.open("rb") as handle:
        unpacked = unpack_bundle(handle, source=run.tar.name)
    assert unpacked.top_folder == "zflar-src-seed-01"
    assert unpacked.ignored == []
    inventory = read_bundle_files(unpacked.files)
    assert [i for i in inventory.issues if i.severity == "error"] == []
    assert [z.name for z in inventory.zones] == [z.name for z in fleet.listed_zones(host)]


def test_a_fleet_host_with_configured_and_exclusive_zones(tmp_path: Path) -> None:
    host = next(
        h for h in fleet.fleet(12, 8, seed=3) if {"configured", "exclusive"} <= {z.purpose for z in h.zones}
    )
    run = run_collector(tmp_path, host)
    assert run.returncode == 0, run.stderr
    assert_same_bundle(run, expected_files(host))
    configured = next(z for z in host.zones if z.state == "configured")
    assert f"zones/{configured.name}.vfstab" not in run.files
    assert f"no {tmp_path / 'root'}{configured.zonepath}/root/etc/vfstab" in run.log


def test_a_host_without_svm_has_no_metastat_file(tmp_path: Path) -> None:
    host = fleet.different_destination()
    run = run_collector(tmp_path, host, standins=standins_without(tmp_path, "metastat", "metadb"))
    assert run.returncode == 0, run.stderr
    assert "metastat-p" not in run.files
    assert "Solaris Volume Manager is not installed" in run.log
    assert not any(line.startswith("metastat") for line in run.trace)
    assert_same_bundle(run, expected_files(host))


def test_svm_without_state_database_replicas_is_skipped(tmp_path: Path) -> None:
    host = fleet.identical_destination()
    run = run_collector(tmp_path, host)  # metastat and metadb exist; metadb finds no replicas
    assert run.returncode == 0, run.stderr
    assert "metastat-p" not in run.files
    assert "no SVM state database replicas" in run.log
    assert "there are no existing databases" in run.log  # metadb's own stderr, kept
    assert "metastat -p" not in run.trace
    assert_same_bundle(run, expected_files(host))


def test_refuses_to_run_in_a_non_global_zone(tmp_path: Path) -> None:
    run = run_collector(tmp_path, fleet.seed_rows_host(), env={"ZFLAR_STANDIN_ZONENAME": "z-ready"})
    assert run.returncode == 2
    assert run.tar is None
    assert "non-global zone 'z-ready'" in run.stderr
    assert run.workdir_left == []
    assert run.trace == ["zonename "]


def test_a_failing_command_is_logged_and_the_run_completes(tmp_path: Path) -> None:
    host = fleet.seed_rows_host()
    run = run_collector(tmp_path, host, env={"ZFLAR_STANDIN_FAIL": "dladm prtvtoc"})
    assert run.returncode == 0, run.stderr
    assert run.tar is not None
    assert "dladm: simulated failure" in run.log
    assert "prtvtoc: simulated failure" in run.log
    assert "# exit status 1" in run.log
    # prtvtoc failed on slice 2, so slice 0 was tried too (EFI labels have no slice 2).
    assert "prtvtoc /dev/rdsk/c1t0d0s0" in run.trace
    expected = {
        name: text
        for name, text in expected_files(host).items()
        if not name.startswith(("dladm-", "prtvtoc/"))
    }
    assert_same_bundle(run, expected)


def test_a_missing_command_is_skipped(tmp_path: Path) -> None:
    host = fleet.seed_rows_host()
    run = run_collector(tmp_path, host, standins=standins_without(tmp_path, "iostat"))
    assert run.returncode == 0, run.stderr
    assert "skipped: there is no iostat on this host" in run.log
    expected = {
        name: text
        for name, text in expected_files(host).items()
        if name != "iostat-En" and not name.startswith("prtvtoc/")
    }
    assert_same_bundle(run, expected)


def test_a_symbolic_link_inside_a_zone_root_is_not_followed(tmp_path: Path) -> None:
    host = fleet.seed_rows_host()
    bundle = fleet.write_bundle(tmp_path / "fixture", host)
    root = fake_root(tmp_path, bundle, host)
    secret = tmp_path / "shadow"
    secret.write_text("root:secret-hash:::\n")
    vfstab = root / "zones" / "z-ready" / "root" / "etc" / "vfstab"
    vfstab.unlink()
    vfstab.symlink_to(secret)
    etc = root / "zones" / "z-lofs" / "root" / "etc"
    shutil.rmtree(etc)
    etc.symlink_to(tmp_path)  # a whole etc/ that is a link
    run = run_collector(
        tmp_path, host, prepare_root=False, args=["-o", str(tmp_path / "out"), "-R", str(root)]
    )
    assert run.returncode == 0, run.stderr
    assert "zones/z-ready.vfstab" not in run.files
    assert "zones/z-lofs.vfstab" not in run.files
    assert all("secret-hash" not in text for text in run.files.values())
    assert run.log.count("symbolic link") == 2


def test_exits_1_when_the_tar_cannot_be_written(tmp_path: Path) -> None:
    run = run_collector(tmp_path, fleet.seed_rows_host(), args=["-o", str(tmp_path / "no-such-folder")])
    assert run.returncode == 1
    assert "cannot write the tar" in run.stderr
    assert run.workdir_left == []


def test_exits_1_when_tar_fails_after_collecting(tmp_path: Path) -> None:
    standins = standins_without(tmp_path)
    failing_tar = standins / "tar"
    failing_tar.write_text("#!/bin/sh\necho 'tar: write error: No space left on device' >&2\nexit 2\n")
    failing_tar.chmod(0o755)
    run = run_collector(tmp_path, fleet.seed_rows_host(), standins=standins)
    assert run.returncode == 1
    assert run.tar is None
    assert "No space left on device" in run.stderr
    assert "could not write" in run.stderr
    assert run.stdout == ""
    assert run.workdir_left == []


@pytest.mark.parametrize("args", [["-x"], ["-o"], ["extra"], ["-R", "/no/such/root"]])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    run = run_collector(tmp_path, fleet.seed_rows_host(), args=args)
    assert run.returncode == 2
    assert run.tar is None


def test_script_is_executable_and_starts_with_bin_sh() -> None:
    assert os.access(SCRIPT, os.X_OK)
    assert SCRIPT.read_text().startswith("#!/bin/sh\n")


# --- release files, ZFS, files over 4 GiB, ATA disks, CD/DVD drives, Solaris 11 ---------------

GIB = 1024**3


def _sample(relative: str) -> str:
    return (SAMPLES / relative).read_text()


def _sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no disk space (find -size reads st_size)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)


def _imported(run: Run) -> HostInventory:
    assert run.tar is not None
    with run.tar.open("rb") as handle:
        unpacked = unpack_bundle(handle, source=run.tar.name)
    assert unpacked.ignored == []
    return read_bundle_files(unpacked.files)


def test_release_cluster_zfs_and_large_files(tmp_path: Path) -> None:
    host = fleet.seed_rows_host()
    root = tmp_path / "root"
    # Local ufs and zfs file systems under -R ROOT are searched; NFS, /proc and mounts outside ROOT are not.
    _sparse(root / "data1" / "big file.dbf", 5 * GIB)
    _sparse(root / "data1" / "small.log", 4 * GIB - 4096)
    _sparse(root / "data2" / "db" / "undo.dbf", 4 * GIB + 512 * 1024)
    _sparse(root / "nfs" / "remote.iso", 6 * GIB)
    _sparse(tmp_path / "elsewhere" / "other.dbf", 5 * GIB)
    mnttab = tmp_path / "mnttab"
    mnttab.write_text(
        "".join(
            f"{special}\t{mount}\t{fstype}\trw\t1700000000\n"
            for special, mount, fstype in (
                ("/dev/dsk/c1t0d0s3", root / "data1", "ufs"),
                ("zdata/db", root / "data2", "zfs"),
                ("nas01:/export", root / "nfs", "nfs"),
                ("/dev/dsk/c1t1d0s0", tmp_path / "elsewhere", "ufs"),
                ("proc", "/proc", "proc"),
            )
        )
    )
    extra_root = {
        "etc/release": _sample("release/solaris10-1009-sparc"),
        "var/sadm/system/admin/CLUSTER": "CLUSTER=SUNWCXall\n",
    }
    extra_fixture = {"zpool-list": _sample("zfs/zpool-list-used-avail"), "zfs-list": _sample("zfs/zfs-list")}
    run = run_collector(
        tmp_path, host, env={"ZFLAR_MNTTAB": str(mnttab)}, root_extra=extra_root, fixture_extra=extra_fixture
    )
    assert run.returncode == 0, run.stderr
    expected = {**expected_files(host), **extra_root, **extra_fixture}
    del expected["large-files"]  # the host has no big file; this run's mount table does
    assert set(run.files) == set(expected) | {"README", "collect.log", "large-files"}
    for name, text in expected.items():
        assert run.files[name] == text, f"{name} differs from what the host has"
    found = parse_large_files(run.files["large-files"], source="large-files")
    assert sorted((f.path, f.size_bytes) for f in found) == [
        (str(root / "data1" / "big file.dbf"), 5 * GIB),
        (str(root / "data2" / "db" / "undo.dbf"), 4 * GIB + 512 * 1024),
    ]
    assert f"find {root / 'data1'} -mount -type f -size +8388607 -exec ls -ld {{}} \\;" in run.log
    assert f"find {root / 'nfs'} " not in run.log and f"find {tmp_path / 'elsewhere'} " not in run.log
    assert "zpool list" in run.trace
    assert "zfs list -H -o name,type,used,avail,mountpoint" in run.trace
    for name in ("etc/release", "var/sadm/system/admin/CLUSTER", "zpool-list", "zfs-list", "large-files"):
        assert name in run.files["README"]
    inventory = _imported(run)
    assert [i for i in inventory.issues if i.severity == "error"] == []
    assert inventory.release is not None and inventory.release.release == "10/09"
    assert (inventory.os_family, inventory.cluster) == ("solaris10", "SUNWCXall")
    assert [p.name for p in inventory.zpools] == ["zdata"] and len(inventory.zfs_datasets) == 13
    assert len(inventory.large_files) == 2


def test_without_zfs_commands_a_mount_table_or_release_files(tmp_path: Path) -> None:
    host = fleet.different_destination()
    bundle = fleet.write_bundle(tmp_path / "fixture", host)
    root = fake_root(tmp_path, bundle, host)
    (root / "etc" / "release").unlink()
    (root / "var" / "sadm" / "system" / "admin" / "CLUSTER").unlink()
    run = run_collector(
        tmp_path,
        host,
        standins=standins_without(tmp_path, "zpool", "zfs"),
        env={"ZFLAR_MNTTAB": str(tmp_path / "no-mnttab")},
        prepare_root=False,
        fixture=bundle,
        args=["-o", str(tmp_path / "out"), "-R", str(root)],
    )
    assert run.returncode == 0, run.stderr
    missing = {"zpool-list", "zfs-list", "large-files", "etc/release", "var/sadm/system/admin/CLUSTER"}
    assert not missing & set(run.files)
    assert "skipped: there is no zpool on this host" in run.log
    assert "skipped: there is no zfs on this host" in run.log
    assert f"skipped large-files: no readable {tmp_path / 'no-mnttab'}" in run.log
    assert f"skipped: no readable {root}/etc/release" in run.log
    assert_same_bundle(run, {k: v for k, v in expected_files(host).items() if k not in missing})
    inventory = _imported(run)
    assert inventory.release is None and "etc/release" in {i.file for i in inventory.issues}


def test_ata_disks_are_listed_and_cd_dvd_drives_never_see_prtvtoc(tmp_path: Path) -> None:
    """Issue #12 item 10: the ATA disks' Size shares the Model line; the drives hold discs."""
    host = fleet.different_destination()
    vtoc = _sample("disks/prtvtoc-c0t0d0")
    run = run_collector(
        tmp_path,
        host,
        fixture_extra={
            "iostat-En": _sample("disks/iostat-En-ata-cdrom"),
            "prtvtoc/c0d0": vtoc,
            "prtvtoc/c0d1": vtoc,
            "prtvtoc/c1t0d0": vtoc,  # were prtvtoc run on the drives, it would find something
            "prtvtoc/c1t1d0": vtoc,
        },
    )
    assert run.returncode == 0, run.stderr
    prtvtoc = sorted(line for line in run.trace if line.startswith("prtvtoc "))
    assert prtvtoc == ["prtvtoc /dev/rdsk/c0d0s2", "prtvtoc /dev/rdsk/c0d1s2"]
    assert sorted(name for name in run.files if name.startswith("prtvtoc/")) == [
        "prtvtoc/c0d0",
        "prtvtoc/c0d1",
    ]
    inventory = _imported(run)
    assert [(d.name, d.size_bytes > 0, d.optical) for d in inventory.disks] == [
        ("c0d0", True, False),
        ("c0d1", True, False),
        ("c1t0d0", True, True),
        ("c1t1d0", True, True),
    ]
    assert disk_names(inventory) == ["c0d0", "c0d1"]


def _s11_fixture(tmp_path: Path, brand: str) -> tuple[Path, Path]:
    fixture = tmp_path / "s11-fixture"
    shutil.copytree(SAMPLES / "bundle-s11dest", fixture)
    (fixture / "pkg-list-brand-solaris10").write_text(_sample(brand))
    root = tmp_path / "s11-root"
    (root / "etc").mkdir(parents=True)
    shutil.copy(fixture / "etc" / "release", root / "etc" / "release")
    return fixture, root


@pytest.mark.parametrize(
    ("brand", "installed"),
    [("s11/pkg-list-brand-installed", True), ("s11/pkg-list-brand-missing", False)],
)
def test_a_solaris_11_destination(tmp_path: Path, brand: str, installed: bool) -> None:
    fixture, root = _s11_fixture(tmp_path, brand)
    run = run_collector(tmp_path, None, fixture=fixture, args=["-o", str(tmp_path / "out"), "-R", str(root)])
    assert run.returncode == 0, run.stderr
    assert {"dladm-show-phys", "pkg-list-brand-solaris10", "zpool-list", "zfs-list", "etc/release"} <= set(
        run.files
    )
    assert not {"dladm-show-dev", "dladm-show-link", "metastat-p", "var/sadm/system/admin/CLUSTER"} & set(
        run.files
    )
    assert "dladm show-phys" in run.trace and "pkg list brand-solaris10" in run.trace
    assert not any(
        line.startswith(("dladm show-dev", "dladm show-link", "metastat", "metadb")) for line in run.trace
    )
    assert "# Solaris 11 (uname -r 5.11)" in run.log
    assert "Solaris Volume Manager is not part of Solaris 11" in run.log
    # Both of pkg's answers are kept: "i--", or "no packages matching" from its stderr.
    assert run.files["pkg-list-brand-solaris10"] == _sample(brand)
    inventory = _imported(run)
    assert (inventory.os_family, inventory.brand_solaris10_installed) == ("solaris11", installed)
    assert inventory.release is not None and inventory.release.version == "11.4"
    assert [n.name for n in inventory.nics][:2] == ["net0", "net1"]
