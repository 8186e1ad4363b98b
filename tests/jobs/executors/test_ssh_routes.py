"""The ssh executor's zone-route steps (issue #14) against a real sshd and two fake Solaris hosts.

The source is a Solaris 10 global zone with the zone ``app`` (running, a ufs ``/data`` on
c1t1d0s0); the destination is a Solaris 10 host for detach/attach and a Solaris 11 host for a
solaris10 branded zone.  Their zonepaths are real folders inside the fake hosts' state (the
stand-ins leave such paths as they are), so pax, find, cpio and gzip work on real files; the
archives go from host to host through the worker.  Each test checks the exact Solaris commands
each host ran, in order, and what they left behind.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jobs.executors.base import ExecutorError
from jobs.executors.ssh import SshExecutor
from planner.domain.route_runbook import solaris10_configuration
from planner.domain.routes import BRAND_PACKAGE
from tests.support.ssh import FakeHost, SshServer, write_file


@dataclass
class Hosts:
    source: SshExecutor
    destination: SshExecutor
    src: FakeHost
    dst: FakeHost
    zonepath: str  # on the source
    new_zonepath: str  # on the destination
    src_flar: str
    dst_flar: str


def _reset(state: Path) -> None:
    for child in state.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (state / "calls").mkdir()


@pytest.fixture
def hosts(sshd: SshServer) -> Iterator[Hosts]:
    assert sshd.dst_state is not None
    _reset(sshd.state)
    _reset(sshd.dst_state)
    zonepath = str(sshd.state / "root/zones/app")
    new_zonepath = str(sshd.dst_state / "root/zones/app")
    write_file(
        sshd.state / "zones.list",
        f"0:global:running:/::native:shared\n1:app:running:{zonepath}::native:shared\n",
    )
    write_file(
        sshd.state / "zones/app.cfg",
        f"create -b\nset zonepath={zonepath}\nset autoboot=true\nset ip-type=shared\n"
        "add inherit-pkg-dir\nset dir=/usr\nend\n"
        "add fs\nset dir=/data\nset special=/dev/dsk/c1t1d0s0\nset raw=/dev/rdsk/c1t1d0s0\n"
        "set type=ufs\nend\n",
    )
    write_file(Path(zonepath) / "root/etc/passwd", "root:x:0:0:Super-User:/:/sbin/sh\n")
    write_file(Path(zonepath) / "root/var/app/state.db", b"\x01" * 4096)
    (Path(zonepath) / "root/data").mkdir(parents=True)
    write_file(sshd.state / "devices/c1t1d0s0/app.conf", "threads=8\n")
    write_file(sshd.dst_state / "zones.list", "0:global:running:/::native:shared\n")
    for folder in ("flar", "flar-dst"):
        shutil.rmtree(sshd.workdir / folder, ignore_errors=True)
        (sshd.workdir / folder).mkdir()
    source, destination = sshd.executor(), sshd.executor(destination=True)
    try:
        yield Hosts(
            source,
            destination,
            FakeHost(sshd.state),
            FakeHost(sshd.dst_state),
            zonepath,
            new_zonepath,
            str(sshd.workdir / "flar"),
            str(sshd.workdir / "flar-dst"),
        )
    finally:
        source.close()
        destination.close()


def _tools(host: FakeHost) -> list[list[str]]:
    return host.calls()


def test_detach_attach_runs_the_exact_commands_on_both_hosts(hosts: Hosts) -> None:
    src, dst = hosts.source, hosts.destination
    manifest, archive, data = (
        f"{hosts.src_flar}/app{suffix}" for suffix in (".manifest", ".pax", "_data.pax")
    )
    staging = str(hosts.src.state / "root/var/tmp/zflar/app/data")

    src.zone_halt("app")
    src.write_file(manifest, src.zone_detach("app", dry_run=True))
    src.zone_detach("app")
    assert src.zonepath_archive(hosts.zonepath, archive, form="pax") > 0
    assert src.data_archive("/dev/dsk/c1t1d0s0", data, staging) > 0
    copies = {path: f"{hosts.dst_flar}/{Path(path).name}" for path in (manifest, archive, data)}
    for path, target in copies.items():
        assert src.copy_file_to(path, dst, target) > 0

    dst.zone_attach("app", manifest=copies[manifest])
    dst.zonepath_restore(copies[archive], hosts.zonepath, hosts.new_zonepath)
    dst_staging = str(hosts.dst.state / "root/var/tmp/zflar/app/data")
    dst.data_restore(copies[data], "/dev/dsk/c0t1d0s4", "/dev/rdsk/c0t1d0s4", dst_staging)
    dst.zonecfg_create_attach("app", hosts.new_zonepath)
    dst.zonecfg("app", "select fs dir=/data; set special=/dev/dsk/c0t1d0s4; set raw=/dev/rdsk/c0t1d0s4; end")
    dst.zone_attach("app", options=["-u"])
    dst.zone_boot("app")

    assert _tools(hosts.src) == [
        ["zoneadm", "-z", "app", "halt"],
        ["zoneadm", "-z", "app", "detach", "-n"],
        ["zoneadm", "-z", "app", "detach"],
        ["pax", "-w@f", archive, "-p", "e", "app"],
        ["mount", "-F", "ufs", "-o", "ro", "/dev/dsk/c1t1d0s0", staging],
        ["pax", "-w@f", data, "-p", "e", "."],
        ["umount", staging],
    ]
    assert _tools(hosts.dst) == [
        ["zoneadm", "-z", "app", "attach", "-n", copies[manifest]],
        ["pax", "-r@f", copies[archive], "-p", "e"],
        ["newfs", "/dev/rdsk/c0t1d0s4"],
        ["mount", "-F", "ufs", "/dev/dsk/c0t1d0s4", dst_staging],
        ["pax", "-r@f", copies[data], "-p", "e"],
        ["umount", dst_staging],
        ["zonecfg", "-z", "app", "create", "-a", hosts.new_zonepath],
        [
            "zonecfg",
            "-z",
            "app",
            "select fs dir=/data; set special=/dev/dsk/c0t1d0s4; set raw=/dev/rdsk/c0t1d0s4; end",
        ],
        ["zoneadm", "-z", "app", "attach", "-u"],
        ["zoneadm", "-z", "app", "boot"],
    ]
    # The source keeps the detached zone (the rollback attaches it again); the destination runs it.
    assert hosts.src.zone_states()["app"] == "configured"
    assert (Path(hosts.zonepath) / "SUNWdetached.xml").is_file()
    assert hosts.dst.zone_states()["app"] == "running"
    new = Path(hosts.new_zonepath)
    assert (new / "root/etc/passwd").read_text().startswith("root:") and not (
        new / "SUNWdetached.xml"
    ).exists()
    assert oct(new.stat().st_mode & 0o777) == "0o700"
    assert not (new.parent / ".zflar-restore-app").exists()
    assert (hosts.dst.state / "devices/c0t1d0s4/app.conf").read_text() == "threads=8\n"
    # The source slice was mounted read-only: nothing was written back to it.
    assert sorted(p.name for p in (hosts.src.state / "devices/c1t1d0s0").iterdir()) == ["app.conf"]


def test_a_solaris10_branded_zone_runs_the_exact_commands_on_both_hosts(hosts: Hosts) -> None:
    src, dst = hosts.source, hosts.destination
    exported, archive = f"{hosts.src_flar}/app.cfg", f"{hosts.src_flar}/app.cpio.gz"

    status, output = src.p2v_check()
    assert status == 0 and "0 issue(s) detected" in output
    src.write_file(exported, src.zonecfg_export("app"))
    src.zone_halt("app")
    src.zone_ready("app")
    assert src.zonepath_archive(hosts.zonepath, archive, form="cpio.gz") > 0
    src.zone_halt("app")
    for path in (exported, archive):
        src.copy_file_to(path, dst, f"{hosts.dst_flar}/{Path(path).name}")

    assert dst.brand_package(BRAND_PACKAGE) is False  # not there: installed now
    assert dst.brand_package(BRAND_PACKAGE) is True
    text = dst.read_file(f"{hosts.dst_flar}/app.cfg")
    assert text is not None
    converted = f"{hosts.dst_flar}/app.s10.cfg"
    dst.write_file(converted, solaris10_configuration(text.replace(hosts.zonepath, hosts.new_zonepath)))
    dst.zonecfg_file("app", converted)
    dst.zonecfg("app", "remove fs dir=/data")
    dst.zone_install("app", f"{hosts.dst_flar}/app.cpio.gz")
    dst.zone_boot("app")

    assert _tools(hosts.src) == [
        ["zonep2vchk", "-T", "S11", "-b"],
        ["zonecfg", "-z", "app", "export"],
        ["zoneadm", "-z", "app", "halt"],
        ["zoneadm", "-z", "app", "ready"],
        ["cpio", "-oP@"],
        ["zoneadm", "-z", "app", "halt"],
    ]
    assert _tools(hosts.dst) == [
        ["pkg", "list", "brand-solaris10"],
        ["pkg", "install", BRAND_PACKAGE],
        ["pkg", "list", "brand-solaris10"],
        ["zonecfg", "-z", "app", "-f", converted],
        ["zonecfg", "-z", "app", "remove fs dir=/data"],
        ["zoneadm", "-z", "app", "install", "-a", f"{hosts.dst_flar}/app.cpio.gz", "-u"],
        ["zoneadm", "-z", "app", "boot"],
    ]
    cfg = (hosts.dst.state / "zones/app.cfg").read_text().splitlines()
    assert cfg[:2] == ["create -b", "set brand=solaris10"] and "add inherit-pkg-dir" not in cfg
    assert hosts.dst.zone_states()["app"] == "running"
    assert (Path(hosts.new_zonepath) / "root/var/app/state.db").read_bytes() == b"\x01" * 4096
    assert hosts.src.zone_states()["app"] == "installed"  # V2V leaves the source zone as it was


def test_route_steps_refuse_what_zflar_does_not_run(hosts: Hosts) -> None:
    with pytest.raises(ExecutorError, match="not ones zflar uses"):
        hosts.destination.zone_attach("app", options=["-b"])
    with pytest.raises(ExecutorError, match="unknown zonepath archive form"):
        hosts.source.zonepath_archive(hosts.zonepath, f"{hosts.src_flar}/x", form="tar")
    with pytest.raises(ExecutorError, match="not a zone name"):
        hosts.source.zone_detach("app; rm -rf /")
    hosts.src.fail_next("zoneadm", 1, "zoneadm: zone 'app': illegal state (running) for detach")
    with pytest.raises(ExecutorError, match="illegal state"):
        hosts.source.zone_detach("app")
    assert hosts.src.zone_states()["app"] == "running"
