"""The ssh executor against a real sshd on 127.0.0.1 running Solaris stand-in commands."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest

from jobs.executors.base import ArchiveSpec, ExecutorError
from jobs.executors.ssh import SshExecutor
from tests.support.ssh import FakeHost, SshServer, require_openssh


def _payload(archive: Path) -> bytes:
    data = archive.read_bytes()
    marker = b"\nsection_begin=archive\n"
    return data[data.index(marker) + len(marker) :]


def _cpio_names(payload: bytes) -> list[str]:
    listing = subprocess.run(["cpio", "-it", "--quiet"], input=payload, capture_output=True, check=True)
    return listing.stdout.decode().splitlines()


def _spec(**overrides: object) -> ArchiveSpec:
    options: dict[str, object] = {
        "name": "sol10-src-zflar",
        "output_path": "/srv/zflar/var/archives/sol10-src-job7.flar",  # a worker path: lands in archive_dir
        "excludes": ["/var/tmp"],
        "description": "zflar plan 1: move web",
    }
    options.update(overrides)
    return ArchiveSpec(**options)  # type: ignore[arg-type]


# --- the archive side, end to end ---------------------------------------------------------------


def test_archive_side_sequence_runs_the_exact_solaris_commands(
    executor: SshExecutor, fake_host: FakeHost, sshd: SshServer
) -> None:
    archive_dir = str(sshd.workdir / "flar")
    output = f"{archive_dir}/sol10-src-job7.flar"

    zones = executor.zone_list()
    executor.zone_halt("web")
    executor.zonecfg("web", "set autoboot=false")
    executor.mount("ufs", "/dev/dsk/c1t1d0s0", "/zones/web/root/data")
    progress: list[tuple[int, int | None, str]] = []
    outcome = executor.archive_create(
        _spec(), lambda done, total, current: progress.append((done, total, current)), lambda: False
    )
    check = executor.archive_check(outcome.path)
    executor.umount("/zones/web/root/data")

    assert fake_host.calls() == [
        ["zoneadm", "list", "-cvp"],
        ["zoneadm", "-z", "web", "halt"],
        ["zonecfg", "-z", "web", "set autoboot=false"],
        ["mount", "-F", "ufs", "/dev/dsk/c1t1d0s0", "/zones/web/root/data"],
        ["flarcreate", "-n", "sol10-src-zflar", "-x", archive_dir, "-x", "/var/tmp",
         "-e", "zflar plan 1: move web", output],
        ["flar", "info", output],
        ["flar", "info", output],
        ["zoneadm", "list", "-cvp"],
        ["zonecfg", "-z", "web", "export"],
        ["zonecfg", "-z", "db", "export"],
        ["zonecfg", "-z", "spare", "export"],
        ["flar", "info", "-l", output],
        ["umount", "/zones/web/root/data"],
    ]  # fmt: skip

    # zone_list: the global zone is left out, the rest parsed from -cvp.
    assert [(z.name, z.state, z.zonepath, z.zoneid) for z in zones] == [
        ("web", "running", "/zones/web", "1"),
        ("db", "installed", "/zones/db", "-"),
        ("spare", "configured", "/zones/spare", "-"),
    ]
    assert zones[0].uuid == "3b8a1f4e-6c1d-4b8e-a0c2-5e7d2f9a1b01"
    assert fake_host.zone_states()["web"] == "installed"
    assert "set autoboot=false" in (fake_host.state / "zones" / "web.cfg").read_text()

    # The archive is a real flar; the outcome comes from its identification.
    archive = Path(output)
    payload = _payload(archive)
    assert outcome.path == output
    assert outcome.archive_id == hashlib.md5(payload, usedforsecurity=False).hexdigest()
    assert outcome.archived_bytes == len(payload)
    assert outcome.unarchived_bytes > 200_000
    assert outcome.identification["content_name"] == "sol10-src-zflar"
    assert outcome.identification["content_description"] == "zflar plan 1: move web"
    names = _cpio_names(payload)
    assert "zones/web/root/data/app.conf" in names
    assert not any(name.startswith("var/tmp") for name in names)

    # Progress: starts at 0, grows while flarcreate runs, ends with the final size as the total.
    assert progress[0] == (0, None, output)
    assert progress[-1] == (archive.stat().st_size, archive.stat().st_size, output)
    during = [done for done, total, _ in progress[1:-1] if total is None]
    assert during == sorted(during)
    assert any(0 < done < archive.stat().st_size for done in during), progress

    # Reading it back: zones inside, members per zone root, nothing missing under /data.
    assert check.hash_ok is None
    assert outcome.archive_id in check.message and "flar info" in check.message
    assert check.zones == ["web", "db"]
    assert check.member_count == len(names)
    web_members = [n for n in names if n.startswith("zones/web/root/")]
    assert check.members_by_zone == {"web": len(web_members), "db": 2}
    assert check.empty_zone_mounts == {}
    assert check.identification["archive_id"] == outcome.archive_id
    assert not any((fake_host.root / "zones/web/root/data").iterdir())


def test_flarcreate_gets_the_plans_install_facts(executor: SshExecutor, fake_host: FakeHost) -> None:
    # Issue #12: sun4u -> sun4v needs -U content_architectures (the installer's checkArch()), files
    # over 4 GiB need -L pax; the runner passes both from the plan's report (install section).
    spec = _spec(content_architectures=["sun4u", "sun4v"], archiver="pax")
    outcome = executor.archive_create(spec, lambda *_: None, lambda: False)
    flarcreate = next(call for call in fake_host.calls() if call[0] == "flarcreate")
    assert flarcreate[-5:-1] == ["-U", "content_architectures=sun4u,sun4v", "-L", "pax"]
    assert outcome.identification["content_architectures"] == "sun4u,sun4v"
    assert outcome.identification["files_archived_method"] == "pax"
    plain = executor.archive_create(_spec(output_path="/srv/other.flar"), lambda *_: None, lambda: False)
    second = [call for call in fake_host.calls() if call[0] == "flarcreate"][-1]
    assert "-U" not in second and "-L" not in second
    assert plain.identification["files_archived_method"] == "cpio"


def test_compressed_archive_without_the_zone_ufs_mounted(executor: SshExecutor, fake_host: FakeHost) -> None:
    spec = _spec(compress=True, name="with -c", excludes=[])
    outcome = executor.archive_create(spec, lambda *_: None, lambda: False)
    flarcreate = next(call for call in fake_host.calls() if call[0] == "flarcreate")
    assert flarcreate[:4] == ["flarcreate", "-n", "with -c", "-c"]
    assert outcome.identification["files_compressed_method"] == "compress"
    check = executor.archive_check(outcome.path)
    assert check.zones == ["web", "db"]
    assert check.members_by_zone["db"] == 2
    # /data was not mounted: its mount point is an empty directory in the archive.
    assert check.empty_zone_mounts == {"web": ["/zones/web/root/data"]}


def _flarcreate_running(output: str) -> bool:
    pattern = "flarcreate .*" + output.replace(".", "\\.")  # tmp paths: '.' is the only ERE special
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True)
    return found.returncode == 0


def test_cancel_stops_flarcreate_on_the_host(
    executor: SshExecutor, fake_host: FakeHost, sshd: SshServer
) -> None:
    (fake_host.state / "flarcreate.delay").write_text("3\n")
    (fake_host.state / "flarcreate.chunks").write_text("20\n")
    output = str(sshd.workdir / "flar" / "cancelled.flar")
    seen: list[int] = []

    def cancelled() -> bool:
        return bool(seen) and os.path.exists(output)

    started = time.monotonic()
    with pytest.raises(ExecutorError, match=r"^cancelled$"):
        executor.archive_create(
            _spec(output_path=output), lambda done, total, current: seen.append(done), cancelled
        )
    assert time.monotonic() - started < 20
    pkills = [call for call in fake_host.calls() if call[0] == "pkill"]
    assert len(pkills) == 2
    assert pkills[0][:3] == ["pkill", "-TERM", "-s"] and pkills[0][3].isdigit()
    assert re.fullmatch(r"[/\w-]+\.flar", output)  # pytest's tmp paths: only '.' needs escaping
    assert pkills[1] == ["pkill", "-TERM", "-f", "[f]larcreate .*" + output.replace(".", "\\.")]
    deadline = time.monotonic() + 5
    while _flarcreate_running(output) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _flarcreate_running(output)
    assert not os.path.exists(output)


class _JobCancelled(Exception):
    pass


def test_a_raising_progress_callback_also_stops_flarcreate(
    executor: SshExecutor, fake_host: FakeHost, sshd: SshServer
) -> None:
    (fake_host.state / "flarcreate.delay").write_text("3\n")
    (fake_host.state / "flarcreate.chunks").write_text("20\n")
    output = str(sshd.workdir / "flar" / "raised.flar")
    calls = 0

    def progress(done: int, total: int | None, current: str) -> None:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise _JobCancelled("cancelled by the user")

    with pytest.raises(_JobCancelled):
        executor.archive_create(_spec(output_path=output), progress, lambda: False)
    deadline = time.monotonic() + 5
    while _flarcreate_running(output) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _flarcreate_running(output)
    assert not os.path.exists(output)


def test_a_failing_flarcreate_reports_its_stderr(executor: SshExecutor, fake_host: FakeHost) -> None:
    fake_host.fail_next("flarcreate", 1, "ERROR: Archive creation failed: No space left on device")
    with pytest.raises(ExecutorError) as info:
        executor.archive_create(_spec(), lambda *_: None, lambda: False)
    assert str(info.value).startswith("flarcreate -n sol10-src-zflar -x ")
    assert str(info.value).endswith(
        " failed (exit 1): ERROR: Archive creation failed: No space left on device"
    )


def test_archive_extract_is_left_to_the_installer(executor: SshExecutor) -> None:
    assert executor.extracts_archives is False
    with pytest.raises(ExecutorError, match="JumpStart"):
        executor.archive_extract("/export/flar/x.flar", lambda *_: None)


# --- zones, files, mounts -----------------------------------------------------------------------------


def test_zone_config_is_parsed_from_zonecfg_export(executor: SshExecutor, fake_host: FakeHost) -> None:
    config = executor.zone_config("web")
    assert fake_host.calls() == [["zonecfg", "-z", "web", "export"]]
    assert config.name == "web"
    assert config.zonepath == "/zones/web"
    assert config.autoboot is True
    assert config.inherit_pkg_dirs == ["/lib", "/usr"]
    assert [(fs.dir, fs.special, fs.raw, fs.type, fs.options) for fs in config.fs] == [
        ("/data", "/dev/dsk/c1t1d0s0", "/dev/rdsk/c1t1d0s0", "ufs", ["logging"])
    ]
    assert [(n.physical, n.address) for n in config.nets] == [("e1000g0", "192.168.10.21/24")]


def test_zone_config_of_an_unknown_zone(executor: SshExecutor) -> None:
    with pytest.raises(
        ExecutorError, match=r"^zonecfg -z nosuch export failed \(exit 1\): nosuch: No such zone"
    ):
        executor.zone_config("nosuch")


def test_a_failing_remote_command_reports_command_status_and_stderr(executor: SshExecutor) -> None:
    with pytest.raises(ExecutorError) as info:
        executor.zone_halt("spare")
    assert str(info.value) == "zoneadm -z spare halt failed (exit 1): zoneadm: zone 'spare': illegal state"


def test_mount_failure_carries_the_last_stderr_lines(executor: SshExecutor, fake_host: FakeHost) -> None:
    fake_host.fail_next("mount", 33, "mount: /dev/dsk/c1t1d0s0 is not this fstype\nmount: giving up")
    with pytest.raises(ExecutorError) as info:
        executor.mount("ufs", "/dev/dsk/c1t1d0s0", "/zones/web/root/data")
    assert str(info.value) == (
        "mount -F ufs /dev/dsk/c1t1d0s0 /zones/web/root/data failed (exit 33): "
        "mount: /dev/dsk/c1t1d0s0 is not this fstype / mount: giving up"
    )
    with pytest.raises(ExecutorError, match=r"umount /zones/web/root/data failed \(exit 1\): .*not mounted"):
        executor.umount("/zones/web/root/data")


def test_zonecfg_commands_arrive_intact(executor: SshExecutor, fake_host: FakeHost) -> None:
    commands = (
        "select net physical=e1000g0; set physical=nxge0; end; "
        "add attr; set name=comment; set type=string; "
        "set value=\"it's a 'quoted' $HOME `id` \\ & | > < * ? ~ ! #x\"; end\n"
        "select fs dir=/data; set special=/dev/dsk/c2t0d0s0; end"
    )
    executor.zonecfg("web", commands)
    assert fake_host.calls() == [["zonecfg", "-z", "web", commands]]
    with pytest.raises(ExecutorError, match="not a zone name"):
        executor.zonecfg("-F web", "delete")


def test_read_file_present_missing_and_failing(
    executor: SshExecutor, sshd: SshServer, tmp_path: Path
) -> None:
    present = tmp_path / "vfstab with space"
    present.write_text("line one\n  trailing spaces  \nnon-ascii: ärger\n")
    assert executor.read_file(str(present)) == "line one\n  trailing spaces  \nnon-ascii: ärger\n"
    assert executor.read_file(str(tmp_path / "missing")) is None
    assert executor.read_file(str(tmp_path)) is None  # a directory is not a file
    broken = sshd.executor(tools={"cat": "/nonexistent/bin/cat"})
    try:
        with pytest.raises(ExecutorError, match=r"^cat .*vfstab with space' failed \(exit 127\)"):
            broken.read_file(str(present))
    finally:
        broken.close()


def test_write_file_round_trip_replaces_in_one_step(executor: SshExecutor, tmp_path: Path) -> None:
    target = tmp_path / "etc" / "vfstab"
    text = "#device\tdevice\tmount\n"
    text += "/dev/dsk/c1t1d0s0\t/dev/rdsk/c1t1d0s0\t/zones/web/root/data\tufs\t2\tyes\t-\n"
    text += "odd: 'single' \"double\" $HOME `id` \\ \n"
    executor.write_file(str(target), text)  # the parent directory does not exist yet
    assert target.read_text() == text
    assert executor.read_file(str(target)) == text
    target.chmod(0o640)
    executor.write_file(str(target), "replaced\n")
    assert target.read_text() == "replaced\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # cp -p kept the mode
    assert sorted(p.name for p in target.parent.iterdir()) == ["vfstab"]  # no temporary left


def test_free_bytes_reads_df_k(executor: SshExecutor, fake_host: FakeHost, tmp_path: Path) -> None:
    (fake_host.state / "df.out").write_text(
        "Filesystem            kbytes    used   avail capacity  Mounted on\n"
        "nfssrv.example.com:/export/a/rather/long/path/name\n"
        "                     20174761 5239486 14733528    27%    /net/data\n"
    )
    assert executor.free_bytes("/net/data") == 14733528 * 1024
    (fake_host.state / "df.out").unlink()
    free = executor.free_bytes(str(tmp_path))
    vfs = os.statvfs(tmp_path)
    assert abs(free - vfs.f_bavail * vfs.f_frsize) < 256 * 2**20
    assert fake_host.calls() == [["df", "-k", "/net/data"], ["df", "-k", str(tmp_path)]]


# --- the connection ---------------------------------------------------------------------------------


def test_an_unknown_host_key_is_refused_with_how_to_add_it(sshd: SshServer, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    ex = sshd.executor(known_hosts=str(empty))
    try:
        with pytest.raises(ExecutorError) as info:
            ex.zone_list()
    finally:
        ex.close()
    message = str(info.value)
    assert "is not in" in message
    assert f"ssh-keyscan -p {sshd.port} 127.0.0.1 >> {empty}" in message
    assert "fingerprint" in message


def test_a_changed_host_key_is_refused_loudly(sshd: SshServer, tmp_path: Path) -> None:
    other = tmp_path / "other_host_key"
    subprocess.run(
        [require_openssh("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True
    )
    key_type, key_data = other.with_suffix(".pub").read_text().split()[:2]
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{sshd.port} {key_type} {key_data}\n")
    ex = sshd.executor(known_hosts=str(known))
    try:
        with pytest.raises(ExecutorError, match="has CHANGED"):
            ex.zone_list()
    finally:
        ex.close()


def test_a_key_the_host_does_not_accept(sshd: SshServer, tmp_path: Path) -> None:
    stranger = tmp_path / "id_stranger"
    subprocess.run(
        [require_openssh("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True
    )
    ex = sshd.executor(identity_file=str(stranger))
    try:
        with pytest.raises(ExecutorError, match=r"accepted no key from the key file .*id_stranger"):
            ex.zone_list()
    finally:
        ex.close()


def test_an_unreachable_host(sshd: SshServer) -> None:
    with RefusingPort() as port:
        ex = sshd.executor(port=port)
        try:
            with pytest.raises(
                ExecutorError, match=rf"^could not reach 127.0.0.1 port {port} .*Connection refused"
            ):
                ex.zone_list()
        finally:
            ex.close()


class RefusingPort:
    """A local port nobody listens on, for as long as the block runs."""

    def __enter__(self) -> int:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        return int(self.sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def test_keys_from_the_worker_agent(
    sshd: SshServer, fake_host: FakeHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    socket_path = tmp_path / "agent.sock"
    agent = subprocess.Popen(
        [require_openssh("ssh-agent"), "-D", "-a", str(socket_path)], stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while not socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        env = {**os.environ, "SSH_AUTH_SOCK": str(socket_path)}
        subprocess.run(
            [require_openssh("ssh-add"), str(sshd.identity_file)], env=env, check=True, capture_output=True
        )
        monkeypatch.setenv("SSH_AUTH_SOCK", str(socket_path))
        ex = sshd.executor(identity_file="")
        try:
            assert [z.name for z in ex.zone_list()] == ["web", "db", "spare"]
            assert "-i" not in ex.ssh_command("true")
        finally:
            ex.close()
    finally:
        agent.send_signal(signal.SIGTERM)
        agent.wait(10)


def test_commands_share_one_connection_and_close_ends_it(executor: SshExecutor, sshd: SshServer) -> None:
    before = sshd.accepted_logins()
    for _ in range(4):
        executor.zone_list()
    executor.read_file("/nonexistent")
    assert sshd.accepted_logins() == before + 1
    control_path = executor.control_path
    control_dir = os.path.dirname(control_path)
    assert stat.S_IMODE(os.stat(control_dir).st_mode) == 0o700
    assert os.path.exists(control_path)
    assert executor.master_running()
    checked = subprocess.run(
        executor.ssh_command(None, control=["-O", "check"]), capture_output=True, text=True
    )
    pid = int(re.search(r"pid=(\d+)", checked.stderr).group(1))  # type: ignore[union-attr]

    executor.close()

    assert not os.path.exists(control_dir)
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)
    executor.close()  # twice is fine


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


# --- no server needed -----------------------------------------------------------------------------


def test_ssh_command_line(tmp_path: Path) -> None:
    key = tmp_path / "id_rsa"
    key.write_text("not really a key\n")
    ex = SshExecutor(
        host="sol10-a.example.com",
        user="zflar",
        port=2222,
        known_hosts="/var/zflar/known hosts",
        identity_file=str(key),
        ssh_options=["HostKeyAlgorithms=+ssh-rsa"],
    )
    try:
        argv = ex.ssh_command("true")
        joined = " ".join(argv)
        for option in (
            "BatchMode=yes",
            "StrictHostKeyChecking=yes",
            'UserKnownHostsFile="/var/zflar/known hosts"',
            "ConnectTimeout=15",
            "ServerAliveInterval=15",
            "ControlMaster=auto",
            "IdentitiesOnly=yes",
            "HostKeyAlgorithms=+ssh-rsa",
        ):
            assert f"-o {option}" in joined
        assert argv[-4:] == ["2222", "zflar@sol10-a.example.com", "--", "true"]
        assert argv[argv.index("-i") + 1] == str(key)
        assert argv.index("StrictHostKeyChecking=yes") < argv.index("HostKeyAlgorithms=+ssh-rsa")
    finally:
        ex.close()


@pytest.mark.parametrize(
    "overrides",
    [
        {"host": "-oProxyCommand=evil"},
        {"host": "a b"},
        {"user": "-l"},
        {"port": 0},
        {"known_hosts": ""},
        {"identity_file": "/nonexistent/id_rsa"},
        {"ssh_options": ["StrictHostKeyChecking=no"]},
        {"ssh_options": ["UserKnownHostsFile /dev/null"]},
        {"tools": {"zoneadm": "zoneadm"}},
        {"archive_dir": "flar"},
    ],
)
def test_constructor_refuses_unsafe_settings(overrides: dict[str, object]) -> None:
    options: dict[str, object] = {"host": "sol10-a", "known_hosts": "/var/zflar/known_hosts"}
    options.update(overrides)
    with pytest.raises(ExecutorError):
        SshExecutor(**options)  # type: ignore[arg-type]


def test_archive_output_stays_in_archive_dir() -> None:
    ex = SshExecutor(host="sol10-a", known_hosts="/k", archive_dir="/export/flar")
    assert ex.archive_output("/export/flar/a.flar") == "/export/flar/a.flar"
    assert ex.archive_output("/export/flar/sub/a.flar") == "/export/flar/sub/a.flar"
    assert ex.archive_output("/srv/zflar/var/archives/a.flar") == "/export/flar/a.flar"
    assert ex.archive_output("/export/flar/../etc/a.flar") == "/export/flar/a.flar"


def test_pfexec_prefixes_every_remote_tool() -> None:
    ex = SshExecutor(host="sol10-a", known_hosts="/k", use_pfexec=True)
    assert ex.command_line("zoneadm", "-z", "web", "halt") == "/usr/bin/pfexec /usr/sbin/zoneadm -z web halt"
    assert ex.command_line("zonecfg", "-z", "web", "set autoboot=false") == (
        "/usr/bin/pfexec /usr/sbin/zonecfg -z web 'set autoboot=false'"
    )


def test_remote_scripts_are_bourne_shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Solaris 10's /sbin/sh has no $(...), [[ ]] or test -e: the scripts must not need them."""
    ex = SshExecutor(host="sol10-a", known_hosts="/k", use_pfexec=True)
    scripts: list[str] = []

    def fake_run_script(script: str, **_: object) -> object:
        scripts.append(script)
        raise ExecutorError("stop")

    monkeypatch.setattr(ex, "run_script", fake_run_script)
    for call in (
        lambda: ex.read_file("/etc/vfstab"),
        lambda: ex.write_file("/etc/vfstab", "x\n"),
        lambda: ex.zonecfg("web", "set autoboot=false"),
        lambda: ex.free_bytes("/"),
    ):
        with pytest.raises(ExecutorError):
            call()
    dash = require_dash()
    for script in scripts:
        assert "$(" not in script and "[[" not in script and "-e " not in script.replace("-e 's", "")
        subprocess.run([dash, "-n", "-c", script], check=True)


def require_dash() -> str:
    path = shutil.which("dash")
    if path is None:
        pytest.fail("dash is not installed; `make test` installs it (scripts/install-system-deps)")
    return path
