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
from dataclasses import dataclass
from pathlib import Path

import pytest

from jobs.executors.ssh import SshExecutor

STANDINS = Path(__file__).resolve().parent / "solaris_standins"
STANDIN_TOOLS = ("zoneadm", "zonecfg", "flarcreate", "flar", "mount", "umount", "df", "pkill")


def require_openssh(name: str) -> str:
    """The path of an OpenSSH program; a missing one fails the suite (never skips)."""
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )
    if path is None:
        pytest.fail(f"{name} is not installed: install openssh-server (make test does this)")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _keygen(path: Path, comment: str) -> str:
    subprocess.run(
        [require_openssh("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path.with_suffix(".pub").read_text().strip()


@dataclass
class SshServer:
    host: str
    port: int
    user: str
    known_hosts: Path
    identity_file: Path
    state: Path
    log: Path
    workdir: Path

    def executor(self, **overrides: object) -> SshExecutor:
        options: dict[str, object] = {
            "host": self.host,
            "user": self.user,
            "port": self.port,
            "known_hosts": str(self.known_hosts),
            "identity_file": str(self.identity_file),
            "archive_dir": str(self.workdir / "flar"),
            "tools": {name: str(STANDINS / name) for name in STANDIN_TOOLS},
            "poll_interval": 0.2,
            "connect_timeout": 5,
        }
        options.update(overrides)
        return SshExecutor(**options)  # type: ignore[arg-type]

    def accepted_logins(self) -> int:
        return self.log.read_text(errors="replace").count("Accepted publickey")


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    sshd_path = require_openssh("sshd")
    require_openssh("ssh")
    work = tmp_path_factory.mktemp("sshd")
    user = pwd.getpwuid(os.getuid()).pw_name
    state = work / "host"
    state.mkdir()
    host_key = work / "ssh_host_ed25519_key"
    host_public = _keygen(host_key, "zflar-test-host")
    user_key = work / "id_zflar"
    user_public = _keygen(user_key, "zflar-test-user")
    authorized = work / "authorized_keys"
    authorized.write_text(f'environment="ZFLAR_STANDIN_STATE={state}" {user_public}\n')
    port = _free_port()
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
        )
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


ZONES_LIST = """\
0:global:running:/::native:shared
1:web:running:/zones/web:3b8a1f4e-6c1d-4b8e-a0c2-5e7d2f9a1b01:native:shared
-:db:installed:/zones/db:9c2d7e11-0f4a-4e55-b1a9-77d3c0e8f202:native:shared
-:spare:configured:/zones/spare::native:shared
"""

WEB_EXPORT = """\
create -b
set zonepath=/zones/web
set autoboot=true
set ip-type=shared
add inherit-pkg-dir
set dir=/lib
end
add inherit-pkg-dir
set dir=/usr
end
add fs
set dir=/data
set special=/dev/dsk/c1t1d0s0
set raw=/dev/rdsk/c1t1d0s0
set type=ufs
add options logging
end
add net
set address=192.168.10.21/24
set physical=e1000g0
end
"""

DB_EXPORT = """\
create -b
set zonepath=/zones/db
set autoboot=false
set ip-type=shared
add net
set address=192.168.10.22/24
set physical=e1000g1
end
"""

SPARE_EXPORT = """\
create -b
set zonepath=/zones/spare
set autoboot=false
set ip-type=shared
"""

ZONE_INDEX = """\
# DO NOT EDIT: this file is automatically generated by zoneadm(1M) and zonecfg(1M).
global:installed:/
web:installed:/zones/web:3b8a1f4e-6c1d-4b8e-a0c2-5e7d2f9a1b01
db:installed:/zones/db:9c2d7e11-0f4a-4e55-b1a9-77d3c0e8f202
spare:configured:/zones/spare:
"""


@dataclass
class FakeHost:
    state: Path

    @property
    def root(self) -> Path:
        return self.state / "root"

    def calls(self) -> list[list[str]]:
        """Every stand-in invocation so far, in order, as argv lists (tool name first)."""
        calls_dir = self.state / "calls"
        if not calls_dir.is_dir():
            return []
        records = sorted(p for p in calls_dir.iterdir() if not p.name.endswith(".tmp"))
        return [p.read_bytes().decode("utf-8", "surrogateescape").split("\0")[:-1] for p in records]

    def fail_next(self, tool: str, status: int, stderr: str) -> None:
        (self.state / "fail").mkdir(exist_ok=True)
        (self.state / "fail" / tool).write_text(f"{status}\n{stderr}\n")

    def zone_states(self) -> dict[str, str]:
        lines = (self.state / "zones.list").read_text().splitlines()
        return {line.split(":")[1]: line.split(":")[2] for line in lines if line}


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)


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
    _write(state / "zones.list", ZONES_LIST)
    _write(state / "zones" / "web.cfg", WEB_EXPORT)
    _write(state / "zones" / "db.cfg", DB_EXPORT)
    _write(state / "zones" / "spare.cfg", SPARE_EXPORT)
    root = state / "root"
    _write(root / "etc" / "zones" / "index", ZONE_INDEX)
    _write(root / "etc" / "zones" / "web.xml", '<zone name="web" zonepath="/zones/web" autoboot="true"/>\n')
    _write(root / "etc" / "zones" / "db.xml", '<zone name="db" zonepath="/zones/db" autoboot="false"/>\n')
    _write(root / "etc" / "vfstab", "/dev/dsk/c0t0d0s0\t/dev/rdsk/c0t0d0s0\t/\tufs\t1\tno\t-\n")
    _write(root / "zones" / "web" / "root" / "etc" / "passwd", "root:x:0:0:Super-User:/:/sbin/sh\n")
    _write(root / "zones" / "web" / "root" / "var" / "app" / "big.bin", os.urandom(200_000))
    (root / "zones" / "web" / "root" / "data").mkdir(parents=True)
    _write(root / "zones" / "db" / "root" / "etc" / "hosts", "127.0.0.1 localhost\n")
    _write(root / "var" / "tmp" / "scratch.txt", "excluded with -x /var/tmp\n")
    slice_dir = state / "devices" / "c1t1d0s0"
    (slice_dir / "lost+found").mkdir(parents=True)
    _write(slice_dir / "app.conf", "threads=8\n")
    _write(slice_dir / "logs" / "a.log", "started\n")
    _write(state / "flarcreate.delay", "0.25\n")
    _write(state / "flarcreate.chunks", "4\n")
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
