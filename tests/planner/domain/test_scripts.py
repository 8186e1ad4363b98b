"""The generated shell scripts: Bourne-clean, and doing the seed's steps in the seed's order.

The finish script is run for real under dash, against stand-in zonecfg, zoneadm, mount,
umount and ifconfig that record their arguments, with a fake vfstab and mnttab.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from planner.domain.plan import NicOverride, Overrides, PlanOptions, PlanResult, compute_plan
from planner.domain.samples import seed_pair
from tests.support.plans import pin_routes

STAND_INS = {
    "zonecfg": """
echo "zonecfg $*" >>"$CALLS"
if [ -n "${FAIL_ON:-}" ]; then
    case "$*" in *"$FAIL_ON"*) exit 3 ;; esac
fi
exit 0
""",
    "zoneadm": """
echo "zoneadm $*" >>"$CALLS"
if [ "$1" = -z ]; then
    z=$2
    shift 2
    state=installed
    [ -f "$FAKE/state.$z" ] && read -r state <"$FAKE/state.$z"
    case "$1" in
    list) echo "-:$z:$state:/zones/$z::native:shared" ;;
    boot) echo running >"$FAKE/state.$z" ;;
    halt) echo installed >"$FAKE/state.$z" ;;
    esac
elif [ "$1 $2" = "list -p" ]; then
    echo "0:global:running:/::native:shared"
    for f in "$FAKE"/state.*; do
        [ -f "$f" ] || continue
        read -r state <"$f"
        [ "$state" = running ] && echo "1:${f##*/state.}:running:/zones/x::native:shared"
    done
fi
exit 0
""",
    "mount": """
echo "mount $*" >>"$CALLS"
printf '%s\\t%s\\tufs\\trw\\t0\\n' "$3" "$4" >>"$MNTTAB"
""",
    "umount": """
echo "umount $*" >>"$CALLS"
grep -v "	$1	" "$MNTTAB" >"$MNTTAB.new"
mv "$MNTTAB.new" "$MNTTAB"
""",
    "ifconfig": """
echo "ifconfig $*" >>"$CALLS"
if [ $# -eq 1 ]; then
    [ -f "$FAKE/plumbed.$1" ]
    exit $?
fi
[ "$2" = plumb ] && : >"$FAKE/plumbed.$1"
exit 0
""",
    "flarcreate": """
echo "flarcreate $*" >>"$CALLS"
for last in "$@"; do :; done
: >"$last"
""",
    "flar": """
echo "flar $*" >>"$CALLS"
""",
}

BASE_VFSTAB = """\
#device            device to fsck      mount point  FS type fsck pass mount at boot options
fd                 -                   /dev/fd      fd      -   no  -
/dev/dsk/c0t0d0s1  -                   -            swap    -   no  -
/dev/dsk/c0t0d0s0  /dev/rdsk/c0t0d0s0  /            ufs     1   no  -
/dev/dsk/c0t0d0s3  /dev/rdsk/c0t0d0s3  /zones       ufs     2   yes -
"""
ZONE_FS_LINE = "/dev/dsk/c0t0d0s4 /dev/rdsk/c0t0d0s4 /zones/z-ufs/root/opt/local ufs 2 yes -\n"
ZONE_FS_MOUNT = "/dev/dsk/c0t0d0s4\t/zones/z-ufs/root/opt/local\tufs\trw\t0\n"


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: make test installs it (scripts/install-system-deps)")
    return path


@pytest.fixture(scope="module")
def plan() -> PlanResult:
    """The seed sample (every seed row) with z-app sent to e1000g1 to exercise plumbing."""
    source, destination = seed_pair()
    overrides = Overrides(
        nics=[NicOverride("z-app", "ce0", action="map", target="e1000g1")], routes=pin_routes(source).routes
    )
    return compute_plan(source, destination, overrides=overrides)


def _write(path: Path, text: str, mode: int = 0o644) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


class Sandbox:
    def __init__(self, tmp: Path, script: str) -> None:
        self.tmp = tmp
        self.root = tmp / "root"
        self.fake = tmp / "fake"
        self.calls = tmp / "calls.log"
        self.log = tmp / "script.log"
        self.rc_script = _write(tmp / "rc3.d" / "S99zflar-postflash", script, 0o744)
        self.script = _write(tmp / "script.sh", script, 0o755)
        self.fake.mkdir()
        for name, body in STAND_INS.items():
            _write(tmp / "bin" / name, "#!/bin/sh\n" + body, 0o755)
        _write(self.root / "etc" / "vfstab", BASE_VFSTAB)
        _write(self.root / "etc" / "mnttab", "/dev/dsk/c0t0d0s0\t/\tufs\trw\t0\n")
        _write(self.root / "zones" / "z-excl" / "root" / "etc" / "hostname.bge3", "z-excl\n")

    @property
    def vfstab(self) -> Path:
        return self.root / "etc" / "vfstab"

    @property
    def mnttab(self) -> Path:
        return self.root / "etc" / "mnttab"

    def run(self, **extra: str) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": f"{self.tmp / 'bin'}:/usr/bin:/bin",
            "ROOTDIR": str(self.root),
            "STATE_DIR": str(self.tmp / "state"),
            "LOG": str(self.log),
            "RC_SCRIPT": str(self.rc_script),
            "CALLS": str(self.calls),
            "FAKE": str(self.fake),
            "MNTTAB": str(self.mnttab),
            **extra,
        }
        return subprocess.run(
            [_require("dash"), str(self.script)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def calls_made(self) -> list[str]:
        return self.calls.read_text().splitlines() if self.calls.exists() else []


EXPECTED_FINISH_CALLS = [
    "ifconfig e1000g1",
    "ifconfig e1000g1 plumb",
    "zonecfg -z z-app select net physical=ce0; set physical=e1000g1; end",
    "zonecfg -z z-app set autoboot=true",
    "zoneadm -z z-app list -p",
    "zoneadm -z z-app boot",
    "zonecfg -z z-ufs select fs dir=/opt/local; set special=/dev/dsk/c0t0d0s4; "
    "set raw=/dev/rdsk/c0t0d0s4; end",
    # (the installer's vfstab line and mount are there: nothing to add or mount)
    "umount /zones/z-ufs/root/opt/local",
    "zonecfg -z z-ufs set autoboot=true",
    "zoneadm -z z-ufs list -p",
    "zoneadm -z z-ufs boot",
    "zonecfg -z z-dev select device match=/dev/rmt/0*; set match=/dev/rmt/1*; end",
    "zonecfg -z z-dev select device match=/dev/rdsk/c1t1d0s4; set match=/dev/rdsk/c0t1d0s4; end",
    "zonecfg -z z-dev set autoboot=true",
    "zoneadm -z z-dev list -p",
    "zoneadm -z z-dev boot",
    "zonecfg -z z-excl select net physical=bge3; set physical=e1000g0; end",
    "zoneadm list -cv",
]


def test_the_plan_covers_every_seed_row(plan: PlanResult) -> None:
    found = {f.code for f in plan.all_findings}
    assert {
        "ZONE_RUNNING",
        "AUTOBOOT_FIRST_BOOT",
        "NET_PORT_PRESENT",
        "NET_PORT_REMAP",
        "FS_NFS",
        "ZONEPATH_ON_NFS",
        "FS_LOFS",
        "FS_UFS_PRIVATE",
        "FS_UFS_NO_SPACE",
        "SVM_IN_USE",
        "DEVICE_REMAP",
    } <= found


@pytest.mark.parametrize("which", ["finish_script", "pre_archive_script"])
def test_scripts_are_bourne_clean(plan: PlanResult, which: str, tmp_path: Path) -> None:
    script = _write(tmp_path / f"{which}.sh", getattr(plan, which))
    for shell in ("sh", "dash"):
        done = subprocess.run(
            [_require(shell), "-n", str(script)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{shell} -n: {done.stderr}"
    done = subprocess.run(
        [_require("shellcheck"), "-s", "sh", str(script)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout
    text = getattr(plan, which)
    assert text.startswith("#!/bin/sh\n")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "$(" not in code and "[[" not in code
    assert not re.search(r"^\s*(local|function)\s", code, re.MULTILINE)


def test_finish_script_runs_the_seed_order_under_dash(plan: PlanResult, tmp_path: Path) -> None:
    box = Sandbox(tmp_path, plan.finish_script)
    # The installer wrote the zone slice's vfstab line from the profile and the first boot mounted it.
    box.vfstab.write_text(BASE_VFSTAB + ZONE_FS_LINE)
    box.mnttab.write_text(box.mnttab.read_text() + ZONE_FS_MOUNT)
    done = box.run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert box.calls_made() == EXPECTED_FINISH_CALLS
    # After the first boot the temporary entry is gone and everything else is untouched.
    assert box.vfstab.read_text() == BASE_VFSTAB
    assert stat.S_IMODE(box.vfstab.stat().st_mode) == 0o644
    assert "/zones/z-ufs/root/opt/local" not in box.mnttab.read_text()
    etc = box.root / "zones" / "z-excl" / "root" / "etc"
    assert (etc / "hostname.e1000g0").read_text() == "z-excl\n" and not (etc / "hostname.bge3").exists()
    assert (box.root / "etc" / "hostname.e1000g1").exists()
    assert not box.rc_script.exists()
    log = box.log.read_text()
    assert "zone z-svm: blocked by the plan (SVM_IN_USE)" in log
    assert "zone z-big: blocked by the plan (FS_UFS_NO_SPACE)" in log
    assert "done" in log


def test_finish_script_adds_and_mounts_the_slice_when_the_installer_did_not(
    plan: PlanResult, tmp_path: Path
) -> None:
    box = Sandbox(tmp_path, plan.finish_script)
    done = box.run()
    assert done.returncode == 0, done.stdout + done.stderr
    calls = box.calls_made()
    mount = calls.index("mount -F ufs /dev/dsk/c0t0d0s4 /zones/z-ufs/root/opt/local")
    assert calls[mount - 1].startswith("zonecfg -z z-ufs select fs dir=/opt/local")
    assert calls[mount + 1] == "umount /zones/z-ufs/root/opt/local"
    assert calls[mount + 1 :] == EXPECTED_FINISH_CALLS[EXPECTED_FINISH_CALLS.index(calls[mount + 1]) :]
    assert box.vfstab.read_text() == BASE_VFSTAB


def test_finish_script_is_safe_to_run_again(plan: PlanResult, tmp_path: Path) -> None:
    box = Sandbox(tmp_path, plan.finish_script)
    assert box.run().returncode == 0
    box.calls.unlink()
    again = box.run()
    assert again.returncode == 0, again.stdout + again.stderr
    assert box.calls_made() == ["zoneadm list -cv"]
    assert "skip (done earlier): zone z-ufs: boot" in box.log.read_text()
    assert box.vfstab.read_text() == BASE_VFSTAB


def test_finish_script_stops_on_a_failure_and_resumes_after_it(plan: PlanResult, tmp_path: Path) -> None:
    box = Sandbox(tmp_path, plan.finish_script)
    failed = box.run(FAIL_ON="match=/dev/rdsk/c1t1d0s4")
    assert failed.returncode == 1
    assert "FAILED: zone z-dev: device /dev/rdsk/c1t1d0s4" in box.log.read_text()
    assert "zoneadm -z z-dev boot" not in box.calls_made()
    box.calls.unlink()
    resumed = box.run()
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    calls = box.calls_made()
    assert (
        calls[0]
        == "zonecfg -z z-dev select device match=/dev/rdsk/c1t1d0s4; set match=/dev/rdsk/c0t1d0s4; end"
    )
    assert calls[-1] == "zoneadm list -cv"


def test_pre_archive_script_refuses_a_blocked_plan_unless_forced(tmp_path: Path) -> None:
    source, destination = seed_pair()
    archive_dir = tmp_path / "flar"
    result = compute_plan(
        source, destination, PlanOptions(archive_dir=str(archive_dir)), overrides=pin_routes(source)
    )
    box = Sandbox(tmp_path, result.pre_archive_script)
    (box.fake / "state.z-web").write_text("running\n")
    (box.fake / "state.z-excl").write_text("ready\n")
    refused = box.run()
    assert refused.returncode == 2 and "the plan is blocked" in refused.stderr
    assert box.calls_made() == []

    done = box.run(ZFLAR_FORCE="yes")
    assert done.returncode == 0, done.stdout + done.stderr
    flar = f"{archive_dir}/src01.flar"
    assert box.calls_made() == [
        "zoneadm -z z-web list -p",
        "zoneadm -z z-web halt",
        "zoneadm -z z-excl list -p",
        "zoneadm -z z-excl halt",
        "zonecfg -z z-app set autoboot=false",
        "zonecfg -z z-ufs set autoboot=false",
        "zonecfg -z z-dev set autoboot=false",
        "mount -F ufs /dev/dsk/c1t1d0s0 /zones/z-ufs/root/opt/local",
        "mount -F ufs /dev/md/dsk/d50 /zones/z-svm/root/data",
        "mount -F ufs /dev/dsk/c2t0d0s0 /zones/z-big/root/bigdata",
        "zoneadm list -p",
        f"flarcreate -n src01 -c -x {archive_dir} {flar}",
        f"flar info {flar}",
        "umount /zones/z-ufs/root/opt/local",
        "umount /zones/z-svm/root/data",
        "umount /zones/z-big/root/bigdata",
        "zonecfg -z z-app set autoboot=true",
        "zonecfg -z z-ufs set autoboot=true",
        "zonecfg -z z-dev set autoboot=true",
    ]
    assert os.path.exists(flar)
