"""scripts/zflar-collect: Bourne-shell hygiene, syntax, shellcheck, and runs against stand-in commands.

The runs use a bundle written by planner.fleetgen as the "host": stand-ins for
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

from planner import fleetgen
from planner.solaris.bundle import read_bundle_files
from planner.solaris.bundle_archive import unpack_bundle
from tests.scripts.bourne_check import bourne_violations

REPO = Path(__file__).resolve().parents[2]
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


def fake_root(tmp: Path, bundle: Path, host: fleetgen.HostSpec) -> Path:
    """/etc/vfstab, /etc/zones and each installed zone's <zonepath>/root/etc/vfstab, under one folder."""
    root = tmp / "root"
    (root / "etc" / "zones").mkdir(parents=True)
    shutil.copy(bundle / "etc" / "vfstab", root / "etc" / "vfstab")
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
    host: fleetgen.HostSpec,
    *,
    shell: tuple[str, ...] = ("dash",),
    standins: Path = STANDINS,
    env: dict[str, str] | None = None,
    args: list[str] | None = None,
    prepare_root: bool = True,
) -> Run:
    bundle = fleetgen.write_bundle(tmp / "fixture", host)
    root = fake_root(tmp, bundle, host) if prepare_root else tmp
    out, work = tmp / "out", tmp / "work"
    out.mkdir(exist_ok=True)
    work.mkdir(exist_ok=True)
    trace = tmp / "trace"
    environment = {
        "PATH": "/usr/bin:/bin",
        "ZFLAR_PATH": f"{standins}:/usr/bin:/bin",
        "ZFLAR_FIXTURE": str(bundle),
        "ZFLAR_STANDIN_TRACE": str(trace),
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


def expected_files(host: fleetgen.HostSpec) -> dict[str, str]:
    """What the collector must gather: the generated bundle, without its own README."""
    files = fleetgen.render_bundle(host)
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
    host = fleetgen.seed_rows_host()
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
    host = fleetgen.seed_rows_host()
    run = run_collector(tmp_path, host)
    assert run.tar is not None
    with run.tar.open("rb") as handle:
        unpacked = unpack_bundle(handle, source=run.tar.name)
    assert unpacked.top_folder == "zflar-src-seed-01"
    assert unpacked.ignored == []
    inventory = read_bundle_files(unpacked.files)
    assert [i for i in inventory.issues if i.severity == "error"] == []
    assert [z.name for z in inventory.zones] == [z.name for z in fleetgen.listed_zones(host)]


def test_a_fleet_host_with_configured_and_exclusive_zones(tmp_path: Path) -> None:
    host = next(
        h
        for h in fleetgen.fleet(12, 8, seed=3)
        if {"configured", "exclusive"} <= {z.purpose for z in h.zones}
    )
    run = run_collector(tmp_path, host)
    assert run.returncode == 0, run.stderr
    assert_same_bundle(run, expected_files(host))
    configured = next(z for z in host.zones if z.state == "configured")
    assert f"zones/{configured.name}.vfstab" not in run.files
    assert f"no {tmp_path / 'root'}{configured.zonepath}/root/etc/vfstab" in run.log


def test_a_host_without_svm_has_no_metastat_file(tmp_path: Path) -> None:
    host = fleetgen.different_destination()
    run = run_collector(tmp_path, host, standins=standins_without(tmp_path, "metastat", "metadb"))
    assert run.returncode == 0, run.stderr
    assert "metastat-p" not in run.files
    assert "Solaris Volume Manager is not installed" in run.log
    assert not any(line.startswith("metastat") for line in run.trace)
    assert_same_bundle(run, expected_files(host))


def test_svm_without_state_database_replicas_is_skipped(tmp_path: Path) -> None:
    host = fleetgen.identical_destination()
    run = run_collector(tmp_path, host)  # metastat and metadb exist; metadb finds no replicas
    assert run.returncode == 0, run.stderr
    assert "metastat-p" not in run.files
    assert "no SVM state database replicas" in run.log
    assert "there are no existing databases" in run.log  # metadb's own stderr, kept
    assert "metastat -p" not in run.trace
    assert_same_bundle(run, expected_files(host))


def test_refuses_to_run_in_a_non_global_zone(tmp_path: Path) -> None:
    run = run_collector(tmp_path, fleetgen.seed_rows_host(), env={"ZFLAR_STANDIN_ZONENAME": "z-ready"})
    assert run.returncode == 2
    assert run.tar is None
    assert "non-global zone 'z-ready'" in run.stderr
    assert run.workdir_left == []
    assert run.trace == ["zonename "]


def test_a_failing_command_is_logged_and_the_run_completes(tmp_path: Path) -> None:
    host = fleetgen.seed_rows_host()
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
    host = fleetgen.seed_rows_host()
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
    host = fleetgen.seed_rows_host()
    bundle = fleetgen.write_bundle(tmp_path / "fixture", host)
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
    run = run_collector(tmp_path, fleetgen.seed_rows_host(), args=["-o", str(tmp_path / "no-such-folder")])
    assert run.returncode == 1
    assert "cannot write the tar" in run.stderr
    assert run.workdir_left == []


def test_exits_1_when_tar_fails_after_collecting(tmp_path: Path) -> None:
    standins = standins_without(tmp_path)
    failing_tar = standins / "tar"
    failing_tar.write_text("#!/bin/sh\necho 'tar: write error: No space left on device' >&2\nexit 2\n")
    failing_tar.chmod(0o755)
    run = run_collector(tmp_path, fleetgen.seed_rows_host(), standins=standins)
    assert run.returncode == 1
    assert run.tar is None
    assert "No space left on device" in run.stderr
    assert "could not write" in run.stderr
    assert run.stdout == ""
    assert run.workdir_left == []


@pytest.mark.parametrize("args", [["-x"], ["-o"], ["extra"], ["-R", "/no/such/root"]])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    run = run_collector(tmp_path, fleetgen.seed_rows_host(), args=args)
    assert run.returncode == 2
    assert run.tar is None


def test_script_is_executable_and_starts_with_bin_sh() -> None:
    assert os.access(SCRIPT, os.X_OK)
    assert SCRIPT.read_text().startswith("#!/bin/sh\n")
