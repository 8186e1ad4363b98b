"""A real OpenSSH server on 127.0.0.1 for the ssh executor, with Solaris stand-in commands.

One sshd per test session (started here, stopped at the end); every test gets a fresh fake
host in the directory the stand-ins read (see solaris_standins/_standin.sh).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobs.executors.ssh import SshExecutor
from tests.support.ssh import (
    DB_EXPORT,
    SPARE_EXPORT,
    WEB_EXPORT,
    ZONE_INDEX,
    ZONES_LIST,
    FakeHost,
    SshServer,
    free_port,
    keygen,
    require_openssh,
    write_file,
)


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    sshd_path = require_openssh("sshd")
    require_openssh("ssh")
    work = tmp_path_factory.mktemp("sshd")
    user = pwd.getpwuid(os.getuid()).pw_name
    state = work / "host"
    state.mkdir()
    dst_state = work / "dst-host"
    dst_state.mkdir()
    host_key = work / "ssh_host_ed25519_key"
    host_public = keygen(host_key, "zflar-test-host")
    user_key = work / "id_zflar"
    user_public = keygen(user_key, "zflar-test-user")
    dst_key = work / "id_zflar_dst"
    dst_public = keygen(dst_key, "zflar-test-destination")
    authorized = work / "authorized_keys"
    authorized.write_text(
        f'environment="ZFLAR_STANDIN_STATE={state}" {user_public}\n'
        f'environment="ZFLAR_STANDIN_STATE={dst_state}" {dst_public}\n'
    )
    port = free_port()
    config = work / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                f"AuthorizedKeysFile {authorized}",
                f"PidFile {work / 'sshd.pid'}",
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "PermitUserEnvironment yes",
                "UseDNS no",
                "PrintMotd no",
                "PrintLastLog no",
                "MaxSessions 50",
                "LogLevel VERBOSE",
                "",
            ]
        )
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)  # privilege separation
    checked = subprocess.run([sshd_path, "-t", "-f", str(config)], capture_output=True, text=True)
    if checked.returncode != 0:
        pytest.fail(f"sshd rejected the test configuration: {checked.stderr}")
    log = work / "sshd.log"
    with log.open("ab") as log_handle:
        process = subprocess.Popen(
            [sshd_path, "-D", "-e", "-f", str(config)], stdout=log_handle, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.fail(f"sshd exited with {process.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"sshd did not listen on port {port}:\n{log.read_text(errors='replace')}")
                time.sleep(0.05)
        key_type, key_data = host_public.split()[:2]
        known_hosts = work / "known_hosts"
        known_hosts.write_text(f"[127.0.0.1]:{port} {key_type} {key_data}\n")
        yield SshServer(
            host="127.0.0.1",
            port=port,
            user=user,
            known_hosts=known_hosts,
            identity_file=user_key,
            state=state,
            log=log,
            workdir=work,
            dst_state=dst_state,
            dst_identity_file=dst_key,
        )
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def fake_host(sshd: SshServer) -> FakeHost:
    """A fresh Solaris 10 global zone with zones web (running, a zone-private ufs /data),
    db (installed) and spare (configured only)."""
    state = sshd.state
    for child in state.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    write_file(state / "zones.list", ZONES_LIST)
    write_file(state / "zones" / "web.cfg", WEB_EXPORT)
    write_file(state / "zones" / "db.cfg", DB_EXPORT)
    write_file(state / "zones" / "spare.cfg", SPARE_EXPORT)
    root = state / "root"
    write_file(root / "etc" / "zones" / "index", ZONE_INDEX)
    write_file(
        root / "etc" / "zones" / "web.xml", '<zone name="web" zonepath="/zones/web" autoboot="true"/>\n'
    )
    write_file(root / "etc" / "zones" / "db.xml", '<zone name="db" zonepath="/zones/db" autoboot="false"/>\n')
    write_file(root / "etc" / "vfstab", "/dev/dsk/c0t0d0s0\t/dev/rdsk/c0t0d0s0\t/\tufs\t1\tno\t-\n")
    write_file(root / "zones" / "web" / "root" / "etc" / "passwd", "root:x:0:0:Super-User:/:/sbin/sh\n")
    write_file(root / "zones" / "web" / "root" / "var" / "app" / "big.bin", os.urandom(200_000))
    (root / "zones" / "web" / "root" / "data").mkdir(parents=True)
    write_file(root / "zones" / "db" / "root" / "etc" / "hosts", "127.0.0.1 localhost\n")
    write_file(root / "var" / "tmp" / "scratch.txt", "excluded with -x /var/tmp\n")
    slice_dir = state / "devices" / "c1t1d0s0"
    (slice_dir / "lost+found").mkdir(parents=True)
    write_file(slice_dir / "app.conf", "threads=8\n")
    write_file(slice_dir / "logs" / "a.log", "started\n")
    write_file(state / "flarcreate.delay", "0.25\n")
    write_file(state / "flarcreate.chunks", "4\n")
    (state / "calls").mkdir()
    return FakeHost(state=state)


@pytest.fixture
def executor(sshd: SshServer, fake_host: FakeHost) -> Iterator[SshExecutor]:
    (sshd.workdir / "flar").mkdir(exist_ok=True)
    ex = sshd.executor()
    try:
        yield ex
    finally:
        ex.close()
