"""The ssh executor: the real Solaris 10 commands, run on the hosts over OpenSSH.

Every step is one remote command run by the system ``ssh`` client (no Python
SSH library): strict host-key checking against zflar's own known_hosts file,
keys from the worker's ssh-agent or from a key *file path*, and one
ControlMaster connection per executor so the many small commands of a job share
a single login.  :meth:`SshExecutor.close` tears the master down.

Remote command lines are built from argv lists with :func:`shlex.quote`, whose
single-quote form is understood by every Bourne-family login shell, including
Solaris 10's ``/sbin/sh``.  The compound scripts below use only Bourne syntax
(no ``$(...)``, no ``test -e``).

On real hosts a flar is installed by JumpStart or the Solaris installer, not
streamed over ssh, so this executor does not extract archives
(:attr:`SshExecutor.extracts_archives` is False); see docs/ssh-executor.md.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from jobs.flar import FlarError
from jobs.flar.listing import MemberListing, identification_from_info
from planner.solaris.disks import parse_df_k
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import ZoneConfig, ZoneListEntry
from planner.solaris.zoneadm import parse_zoneadm_list
from planner.solaris.zonecfg import parse_zonecfg_export

from .base import (
    ArchiveCheck,
    ArchiveOutcome,
    ArchiveSpec,
    ExecutorError,
    ExtractOutcome,
    ProgressCallback,
)

log = logging.getLogger(__name__)

# Where Solaris 10 keeps the commands zflar runs.  df is /usr/sbin/df (/usr/bin/df is a link to it).
DEFAULT_TOOLS: dict[str, str] = {
    "zoneadm": "/usr/sbin/zoneadm",
    "zonecfg": "/usr/sbin/zonecfg",
    "flarcreate": "/usr/sbin/flarcreate",
    "flar": "/usr/sbin/flar",
    "mount": "/usr/sbin/mount",
    "umount": "/usr/sbin/umount",
    "df": "/usr/sbin/df",
    "pkill": "/usr/bin/pkill",
    "pfexec": "/usr/bin/pfexec",
    "cat": "/usr/bin/cat",
    "cp": "/usr/bin/cp",
    "tee": "/usr/bin/tee",
    "mv": "/usr/bin/mv",
    "rm": "/usr/bin/rm",
    "ls": "/usr/bin/ls",
    "mkdir": "/usr/bin/mkdir",
    # The zone routes (issue #14): detach/attach and solaris10 branded zones.
    "pax": "/usr/bin/pax",
    "cpio": "/usr/bin/cpio",
    "gzip": "/usr/bin/gzip",
    "find": "/usr/bin/find",
    "newfs": "/usr/sbin/newfs",
    "rmdir": "/usr/bin/rmdir",
    "chmod": "/usr/bin/chmod",
    "pkg": "/usr/bin/pkg",
    "zonep2vchk": "/usr/sbin/zonep2vchk",
}
# zoneadm attach options the routes use: -u update on attach (10/08), -F force (Solaris 8/9 containers).
ATTACH_OPTIONS = frozenset({"-u", "-F"})
_NOT_FOUND = 127

# Options zflar always sets itself; ssh keeps the first value it sees for an option, and
# these come first, but refusing them in ssh_options makes the rule visible.
_ENFORCED_OPTIONS = frozenset(
    name.lower()
    for name in (
        "BatchMode",
        "StrictHostKeyChecking",
        "UserKnownHostsFile",
        "GlobalKnownHostsFile",
        "ControlMaster",
        "ControlPath",
        "ControlPersist",
        "IdentityFile",
        "IdentitiesOnly",
        "PermitLocalCommand",
        "LocalCommand",
    )
)
# A hostname, IPv4 or IPv6 address; never something ssh would read as an option.
_HOST = re.compile(r"[A-Za-z0-9_.:-]+")
_USER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
# zonecfg(1M): a zone name starts with an alphanumeric and has at most 64 characters.
_ZONE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
# A marker for read_file: the path is not a regular file (missing, a directory, a dangling link).
_NOT_A_FILE_STATUS = 3
_NOT_A_FILE_MARK = "zflar: not a regular file"
_SSH_CONNECTION_ERROR = 255
_ERE_SPECIAL = re.compile(r"([.\[\]()*+?{}|^$\\])")
_STDERR_TAIL_LINES = 3
_TERMINATE_GRACE_SECONDS = 5.0

HASH_NOT_RECOMPUTED = (
    "archive_id {archive_id} was computed by flarcreate on the host; zflar reads it back with flar info "
    "and does not recompute it over ssh (the installer's computehash verifies it during extraction)"
)
NO_ARCHIVE_ID = "the archive carries no archive_id (made with flarcreate -H): nothing to verify"
NO_EXTRACT_OVER_SSH = (
    "the ssh executor does not extract archives: on real Solaris hosts a flar is installed by "
    "JumpStart or the Solaris installer (a flash install boots the destination from the install "
    "media), not streamed over ssh. The extract job's ssh mode performs only the post-extraction "
    "steps (zonecfg remaps, vfstab, checks); the runner must skip extraction when "
    "executor.extracts_archives is False"
)


@dataclass
class _Result:
    status: int
    stdout: bytes
    stderr: bytes

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", "surrogateescape")


def _quote_ssh_option_value(value: str) -> str:
    """A value for ``-o Name=value``: ssh expands ``%`` tokens and splits on whitespace."""
    value = value.replace("%", "%%")
    if any(ch.isspace() for ch in value) or '"' in value:
        if '"' in value:
            raise ExecutorError(f"a path for ssh may not contain a double quote: {value!r}")
        return f'"{value}"'
    return value


def ere_escape(text: str) -> str:
    """Escape ``text`` for a POSIX extended regular expression (what ``pkill -f`` takes)."""
    return _ERE_SPECIAL.sub(r"\\\1", text)


def tail_lines(data: bytes | str, count: int = _STDERR_TAIL_LINES) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-count:])


def parse_ls_size(text: str) -> int | None:
    """The size column of one ``ls -l`` line (permissions links owner group size ...)."""
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[4].isdigit() and fields[0][:1] in "-lbcdps":
            return int(fields[4])
    return None


class SshExecutor:
    """Run the zflar steps on a Solaris 10 global zone over ssh (see the module docstring)."""

    name = "ssh"
    # On real hosts archives are installed by JumpStart; runners check this before extracting.
    extracts_archives = False

    def __init__(
        self,
        *,
        host: str,
        user: str = "root",
        port: int = 22,
        known_hosts: str,
        identity_file: str = "",
        archive_dir: str = "/export/flar",
        use_pfexec: bool = False,
        tools: Mapping[str, str] | None = None,
        ssh_options: Sequence[str] = (),
        connect_timeout: int = 15,
        control_persist: int = 60,
        command_timeout: float = 900.0,
        poll_interval: float = 5.0,
        ssh_binary: str = "ssh",
    ) -> None:
        if not host or not _HOST.fullmatch(host) or host.startswith("-"):
            raise ExecutorError(f"not a host name or address: {host!r}")
        if not _USER.fullmatch(user or ""):
            raise ExecutorError(f"not a login name: {user!r}")
        if not str(port).isdigit() or not 0 < int(port) < 65536:
            raise ExecutorError(f"not a TCP port: {port!r}")
        if not known_hosts:
            raise ExecutorError(
                "the ssh executor needs a known_hosts file (strict host-key checking is always on)"
            )
        if identity_file and not Path(identity_file).is_file():
            raise ExecutorError(
                f"the identity file {identity_file} does not exist on the worker; give the path of a "
                "private key file readable by the worker, or leave it empty to use the worker's ssh-agent "
                "(SSH_AUTH_SOCK)"
            )
        if not archive_dir.startswith("/"):
            raise ExecutorError(f"archive_dir must be an absolute path on the host, not {archive_dir!r}")
        for option in ssh_options:
            name = re.split(r"[=\s]", option.strip(), maxsplit=1)[0].lower()
            if name in _ENFORCED_OPTIONS:
                raise ExecutorError(f"ssh option {option!r} is set by zflar itself and cannot be overridden")
        self.host = host
        self.user = user
        self.port = int(port)
        self.known_hosts = str(known_hosts)
        self.identity_file = str(identity_file or "")
        self.archive_dir = str(PurePosixPath(archive_dir))
        self.use_pfexec = use_pfexec
        self.tools = dict(DEFAULT_TOOLS)
        for tool, path in (tools or {}).items():
            if tool not in DEFAULT_TOOLS:
                raise ExecutorError(
                    f"unknown remote tool {tool!r}; known: {', '.join(sorted(DEFAULT_TOOLS))}"
                )
            if not path.startswith("/"):
                raise ExecutorError(f"the path of {tool} must be absolute, not {path!r}")
            self.tools[tool] = path
        self.ssh_options = list(ssh_options)
        self.connect_timeout = int(connect_timeout)
        self.control_persist = int(control_persist)
        self.command_timeout = command_timeout
        self.poll_interval = poll_interval
        self.ssh_binary = ssh_binary
        self._control_dir: str | None = None

    def __enter__(self) -> SshExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SshExecutor({self.target})"

    @property
    def target(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"

    # --- the ssh command line -------------------------------------------------------------------

    @property
    def control_path(self) -> str:
        if self._control_dir is None:
            # A private (0700) directory: nobody else may connect to the master socket.
            # Short, because a unix socket path is limited to about 100 bytes.
            # mkdtemp is safe in /tmp: a fresh 0700 directory with a random name.
            short = "/tmp"  # noqa: S108
            base = short if len(tempfile.gettempdir()) > 40 and os.path.isdir(short) else None
            self._control_dir = tempfile.mkdtemp(prefix="zflar-ssh-", dir=base)
        return os.path.join(self._control_dir, "master")

    def _ssh_binary(self) -> str:
        found = shutil.which(self.ssh_binary)
        if found is None:
            raise ExecutorError(
                f"the OpenSSH client ({self.ssh_binary}) is not installed on the worker "
                "(apt-get install openssh-client; scripts/install-system-deps does it)"
            )
        return found

    def ssh_command(self, remote_command: str | None, *, control: Sequence[str] = ()) -> list[str]:
        """The full ssh argv running ``remote_command`` (a shell command line) on the host."""
        argv = [
            self._ssh_binary(),
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", f"UserKnownHostsFile={_quote_ssh_option_value(self.known_hosts)}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", f"ConnectTimeout={self.connect_timeout}",
            "-o", "ServerAliveInterval=15",
            "-o", "ControlMaster=auto",
            "-o", f"ControlPath={_quote_ssh_option_value(self.control_path)}",
            "-o", f"ControlPersist={self.control_persist}",
        ]  # fmt: skip
        if self.identity_file:
            argv += ["-o", "IdentitiesOnly=yes", "-i", self.identity_file.replace("%", "%%")]
        for option in self.ssh_options:
            argv += ["-o", option]
        argv += ["-T", "-p", str(self.port), *control, f"{self.user}@{self.host}"]
        if remote_command is not None:
            argv += ["--", remote_command]
        return argv

    def tool(self, name: str) -> list[str]:
        """The argv prefix that runs a remote tool (through pfexec when asked)."""
        path = self.tools[name]
        return [self.tools["pfexec"], path] if self.use_pfexec and name != "pfexec" else [path]

    def command_line(self, name: str, *args: str) -> str:
        return shlex.join([*self.tool(name), *args])

    @staticmethod
    def script(*commands: str) -> str:
        """One remote shell command line, in the C locale so the output parses the same everywhere."""
        return "; ".join(["LC_ALL=C", "export LC_ALL", *commands])

    @staticmethod
    def display(name: str, *args: str) -> str:
        return shlex.join([name, *args])

    # --- running ----------------------------------------------------------------------------------

    def run_script(
        self,
        script: str,
        *,
        display: str,
        input: bytes | None = None,
        timeout: float | None = None,
        check: bool = True,
    ) -> _Result:
        argv = self.ssh_command(script)
        log.debug("%s: %s", self.target, display)
        try:
            proc = subprocess.run(
                argv,
                input=input,
                stdin=None if input is not None else subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout or self.command_timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ExecutorError(
                f"{display} did not finish within {timeout or self.command_timeout:.0f}s on {self.target}"
            ) from exc
        except OSError as exc:
            raise ExecutorError(f"could not run ssh: {exc}") from exc
        result = _Result(proc.returncode, proc.stdout, proc.stderr)
        if result.status == _SSH_CONNECTION_ERROR:
            raise self.connection_error(result.stderr, display)
        if check and result.status != 0:
            raise self.command_error(display, result)
        return result

    def run(self, name: str, *args: str, input: bytes | None = None, check: bool = True) -> _Result:
        return self.run_script(
            self.script(self.command_line(name, *args)),
            display=self.display(name, *args),
            input=input,
            check=check,
        )

    @staticmethod
    def command_error(display: str, result: _Result) -> ExecutorError:
        detail = tail_lines(result.stderr) or tail_lines(result.stdout) or "no error message"
        return ExecutorError(f"{display} failed (exit {result.status}): {detail}")

    def connection_error(self, stderr: bytes | str, display: str = "") -> ExecutorError:
        """Explain an ssh exit status 255 from what ssh printed."""
        text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
        where = f"{self.host} port {self.port}"
        known_hosts = shlex.quote(self.known_hosts)
        keyscan = f"ssh-keyscan -p {self.port} {self.host} >> {known_hosts}"
        entry = self.host if self.port == 22 else f"[{self.host}]:{self.port}"
        if "REMOTE HOST IDENTIFICATION HAS CHANGED" in text or re.search(
            r"Host key for .* has changed", text
        ):
            message = (
                f"the host key of {where} has CHANGED since it was recorded in {self.known_hosts}: "
                "this is either a reinstalled host or someone intercepting the connection. Verify the new "
                "fingerprint on the host's console (ssh-keygen -l -f /etc/ssh/ssh_host_rsa_key.pub), then "
                f"remove the old entry (ssh-keygen -R {shlex.quote(entry)} -f {known_hosts}) "
                f"and add the new one ({keyscan})"
            )
        elif "Host key verification failed" in text or "host key is known" in text:
            message = (
                f"the host key of {where} is not in {self.known_hosts} (zflar always checks host keys "
                f"strictly). Add it with `{keyscan}` after checking that the fingerprint it prints "
                "(ssh-keygen -l -f on the scanned line) matches the one on the host's console"
            )
        elif "UNPROTECTED PRIVATE KEY FILE" in text or "bad permissions" in text:
            message = (
                f"ssh refused the identity file {self.identity_file}: it is readable by others "
                f"(chmod 600 {self.identity_file})"
            )
        elif "Permission denied" in text or "Too many authentication failures" in text:
            source = f"the key file {self.identity_file}" if self.identity_file else "the worker's ssh-agent"
            message = (
                f"{self.user}@{where} accepted no key from {source}: load the key into the agent "
                "(SSH_AUTH_SOCK) or give identity_file, and put its public half in "
                f"~{self.user}/.ssh/authorized_keys on the host"
            )
        elif "no matching" in text and (
            "host key type" in text or "key exchange" in text or "cipher" in text
        ):
            message = (
                f"{where} offers only legacy ssh algorithms (Solaris 10 SunSSH): allow them for this "
                "host, e.g. ssh_options HostKeyAlgorithms=+ssh-rsa, PubkeyAcceptedAlgorithms=+ssh-rsa, "
                "KexAlgorithms=+diffie-hellman-group14-sha1 (docs/ssh-executor.md)"
            )
        else:
            message = f"could not reach {where} as {self.user}"
        detail = tail_lines(text)
        what = f" while running {display}" if display else ""
        return ExecutorError(f"{message}{what} [ssh: {detail or 'exit 255, no message'}]")

    # --- zones ------------------------------------------------------------------------------------

    @staticmethod
    def _zone(zone: str) -> str:
        if not _ZONE.fullmatch(zone or ""):
            raise ExecutorError(f"not a zone name: {zone!r}")
        return zone

    def zone_list(self) -> list[ZoneListEntry]:
        result = self.run("zoneadm", "list", "-cvp")
        try:
            entries = parse_zoneadm_list(result.text, source=f"{self.host}: zoneadm list -cvp")
        except SolarisParseError as exc:
            raise ExecutorError(str(exc)) from exc
        return [entry for entry in entries if entry.name != "global"]

    def zone_config(self, zone: str) -> ZoneConfig:
        result = self.run("zonecfg", "-z", self._zone(zone), "export")
        try:
            return parse_zonecfg_export(
                result.text, source=f"{self.host}: zonecfg -z {zone} export", zonename=zone
            )
        except SolarisParseError as exc:
            raise ExecutorError(str(exc)) from exc

    def zone_halt(self, zone: str) -> None:
        self.run("zoneadm", "-z", self._zone(zone), "halt")

    def zonecfg(self, zone: str, commands: str) -> None:
        if not commands.strip():
            raise ExecutorError(f"no zonecfg commands for zone {zone}")
        self.run("zonecfg", "-z", self._zone(zone), commands)

    # --- mounts -----------------------------------------------------------------------------------

    @staticmethod
    def _path(path: str, what: str = "path") -> str:
        if not isinstance(path, str) or not path.startswith("/") or "\0" in path or "\n" in path:
            raise ExecutorError(f"the {what} must be an absolute path on the host, not {path!r}")
        return path

    def mount(self, fstype: str, device: str, mount_point: str) -> None:
        if not re.fullmatch(r"[a-z0-9]+", fstype or ""):
            raise ExecutorError(f"not a file-system type: {fstype!r}")
        self.run("mount", "-F", fstype, self._path(device, "device"), self._path(mount_point, "mount point"))

    def umount(self, mount_point: str) -> None:
        self.run("umount", self._path(mount_point, "mount point"))

    # --- files ------------------------------------------------------------------------------------

    def read_file(self, path: str) -> str | None:
        """The file's text, or None when it does not exist (or is not a regular file)."""
        quoted = shlex.quote(self._path(path))
        script = self.script(
            f"if [ -f {quoted} ]; then exec {self.command_line('cat', path)}; fi",
            f"echo {shlex.quote(_NOT_A_FILE_MARK)} >&2",
            f"exit {_NOT_A_FILE_STATUS}",
        )
        result = self.run_script(script, display=self.display("cat", path), check=False)
        if result.status == _NOT_A_FILE_STATUS and _NOT_A_FILE_MARK.encode() in result.stderr:
            return None
        if result.status != 0:
            raise self.command_error(self.display("cat", path), result)
        return result.text

    def write_file(self, path: str, text: str) -> None:
        """Replace the file in one step: write a temporary file beside it, then mv it over.

        An existing file's owner, group and mode are kept (the temporary file starts as ``cp -p``).
        """
        target = PurePosixPath(self._path(path))
        temporary = str(target.parent / f".{target.name}.zflar-new")
        quoted_target = shlex.quote(str(target))
        chain = " && ".join(
            [
                self.command_line("mkdir", "-p", str(target.parent)),
                f"( [ ! -f {quoted_target} ] || {self.command_line('cp', '-p', str(target), temporary)} )",
                f"{self.command_line('tee', temporary)} >/dev/null",
                self.command_line("mv", "-f", temporary, str(target)),
            ]
        )
        script = self.script(
            chain,
            "rc=$?",
            f"[ $rc -eq 0 ] || {self.command_line('rm', '-f', temporary)}",
            "exit $rc",
        )
        data = text.encode("utf-8", "surrogateescape")
        self.run_script(script, display=f"write {path} (tee {temporary} && mv)", input=data)

    def free_bytes(self, path: str) -> int:
        result = self.run("df", "-k", self._path(path))
        try:
            rows = parse_df_k(result.text, source=f"{self.host}: df -k {path}")
        except SolarisParseError as exc:
            raise ExecutorError(str(exc)) from exc
        if not rows:
            raise ExecutorError(f"{self.host}: df -k {path} printed no file system")
        return rows[-1].avail * 1024

    def remote_size(self, path: str) -> int | None:
        """The size ``ls -l`` reports, or None when the file is not there (yet)."""
        result = self.run("ls", "-l", self._path(path), check=False)
        return parse_ls_size(result.text) if result.status == 0 else None

    # --- archives ---------------------------------------------------------------------------------

    def archive_output(self, requested: str) -> str:
        """Where flarcreate writes on the host: the requested path when it is inside archive_dir,
        otherwise a file of the same name in archive_dir (a runner may hand over a worker path)."""
        path = PurePosixPath(requested or "archive.flar")
        archive_dir = PurePosixPath(self.archive_dir)
        if path.is_absolute() and ".." not in path.parts and archive_dir in path.parents:
            return str(path)
        if not path.name or path.name in (".", ".."):
            raise ExecutorError(f"not an archive file name: {requested!r}")
        return str(archive_dir / path.name)

    def flarcreate_args(self, spec: ArchiveSpec, output: str) -> list[str]:
        for label, value in (("name", spec.name), ("description", spec.description), ("author", spec.author)):
            if "\n" in value or "\0" in value:
                raise ExecutorError(f"the archive {label} may not contain line breaks: {value!r}")
        if not spec.name:
            raise ExecutorError("flarcreate needs an archive name (-n)")
        args = ["-n", spec.name]
        if spec.compress:
            args.append("-c")
        excludes = [self.archive_dir]
        excludes += [e for e in spec.excludes if e and e not in excludes]
        for exclude in excludes:
            args += ["-x", exclude]
        if spec.description:
            args += ["-e", spec.description]
        if spec.author:
            args += ["-a", spec.author]
        if spec.content_architectures:
            # Installable on these kernel architectures (the installer's checkArch() reads it).
            args += ["-U", "content_architectures=" + ",".join(spec.content_architectures)]
        if spec.archiver == "pax":
            args += ["-L", "pax"]  # cpio cannot hold files over 4 GiB
        args.append(output)
        return args

    def archive_create(
        self, spec: ArchiveSpec, on_progress: ProgressCallback, is_cancelled: Callable[[], bool]
    ) -> ArchiveOutcome:
        output = self.archive_output(spec.output_path)
        args = self.flarcreate_args(spec, output)
        display = self.display("flarcreate", *args)
        self.run("mkdir", "-p", str(PurePosixPath(output).parent))
        # "echo $$" first: the shell is the ssh session leader, and exec keeps its pid, so a cancel
        # can end flarcreate and everything it started (cpio, compress) by session id.
        script = self.script("echo $$", "exec " + self.command_line("flarcreate", *args))
        log.info("%s: %s", self.target, display)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                proc = subprocess.Popen(
                    self.ssh_command(script), stdin=subprocess.DEVNULL, stdout=out, stderr=err
                )
            except OSError as exc:
                raise ExecutorError(f"could not run ssh: {exc}") from exc
            try:
                status = self._watch_flarcreate(proc, output, on_progress, is_cancelled)
            except BaseException as exc:  # cancelled, a progress callback raised, or the poll failed
                self._stop_flarcreate(proc, out, output)
                if isinstance(exc, _Cancelled):
                    raise ExecutorError("cancelled") from None
                raise
            result = _Result(status, _read_all(out), _read_all(err))
        if status == _SSH_CONNECTION_ERROR:
            error = self.connection_error(result.stderr, display)
            raise ExecutorError(
                f"{error} (flarcreate may still be running on {self.host}: check with pgrep -fl flarcreate)"
            )
        if status != 0:
            raise self.command_error(display, result)
        ident = self.archive_identification(output)
        size = self.remote_size(output) or 0
        on_progress(size, size, output)
        return ArchiveOutcome(
            path=output,
            archive_id=ident.get("archive_id", ""),
            archived_bytes=_int(ident.get("files_archived_size"), size),
            unarchived_bytes=_int(ident.get("files_unarchived_size"), 0),
            identification=ident,
        )

    def _watch_flarcreate(
        self,
        proc: subprocess.Popen[bytes],
        output: str,
        on_progress: ProgressCallback,
        is_cancelled: Callable[[], bool],
    ) -> int:
        on_progress(0, None, output)
        while True:
            try:
                return proc.wait(timeout=self.poll_interval)
            except subprocess.TimeoutExpired:
                pass
            if is_cancelled():
                raise _Cancelled
            size = self.remote_size(output)
            if proc.poll() is not None:
                continue
            on_progress(size or 0, None, output)

    def _stop_flarcreate(self, proc: subprocess.Popen[bytes], out: IO[bytes], output: str) -> None:
        """End a running flarcreate on the host and remove its partial archive; never raises."""
        session = _read_all(out).split(b"\n", 1)[0].strip()
        commands = []
        if session.isdigit() and int(session) > 1:
            commands.append(self.command_line("pkill", "-TERM", "-s", session.decode()))
        pattern = "[f]larcreate .*" + ere_escape(output)
        commands.append(self.command_line("pkill", "-TERM", "-f", pattern))
        commands.append(self.command_line("rm", "-f", output))
        if proc.poll() is None:
            try:
                self.run_script(
                    self.script(*commands), display=f"stop flarcreate {output}", check=False, timeout=60
                )
            except ExecutorError as exc:
                log.warning("%s: could not stop flarcreate (%s); it may still be running", self.target, exc)
        else:
            try:
                self.run_script(self.script(commands[-1]), display=f"rm -f {output}", check=False, timeout=60)
            except ExecutorError as exc:
                log.warning("%s: could not remove the partial %s: %s", self.target, output, exc)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=_TERMINATE_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def archive_identification(self, path: str) -> dict[str, str]:
        return self._flar_info(path)[0]

    def _flar_info(self, path: str) -> tuple[dict[str, str], set[str]]:
        """``flar info``: the identification, and its lines as printed (to tell them from members)."""
        result = self.run("flar", "info", self._path(path, "archive path"))
        try:
            ident = identification_from_info(result.text, path)
        except FlarError as exc:
            raise ExecutorError(f"flar info {path}: {exc}") from exc
        if not ident.get("content_name") and not ident.get("archive_id"):
            raise ExecutorError(
                f"flar info {path} printed no identification section: {tail_lines(result.stdout)}"
            )
        return ident, {line.rstrip("\r") for line in result.text.splitlines()}

    def archive_check(self, path: str, on_progress: ProgressCallback | None = None) -> ArchiveCheck:
        """Read an archive on this host back: identification, members per zone, empty ufs mounts.

        The zones come from this host's own zone list, the host that made the archive; a zone is
        "in the archive" when its ``etc/zones/<zone>.xml`` is a member.
        """
        ident, ident_lines = self._flar_info(path)
        archive_id = ident.get("archive_id", "")
        message = HASH_NOT_RECOMPUTED.format(archive_id=archive_id) if archive_id else NO_ARCHIVE_ID
        check = ArchiveCheck(hash_ok=None, message=message, identification=ident)
        if "rootpool" in ident:
            check.message += "; a ZFS root-pool archive: flar info -l cannot list its contents"
            return check
        zones: dict[str, tuple[str, list[str]]] = {}
        for entry in self.zone_list():
            if not entry.zonepath or entry.zonepath == "/":
                continue
            ufs_dirs = [fs.dir for fs in self.zone_config(entry.name).fs if fs.type == "ufs" and fs.dir]
            zones[entry.name] = (entry.zonepath, ufs_dirs)
        listing = MemberListing(zones)
        self._stream_listing(path, ident_lines, listing)
        check.member_count = listing.members
        check.zones = listing.zones_in_archive()
        check.members_by_zone = listing.members_by_zone(check.zones)
        check.empty_zone_mounts = listing.empty_mounts(check.zones)
        return check

    def _stream_listing(self, path: str, ident_lines: set[str], listing: MemberListing) -> None:
        """``flar info -l``: identification lines (when printed) then one member path per line."""
        display = self.display("flar", "info", "-l", path)
        script = self.script(self.command_line("flar", "info", "-l", path))
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                self.ssh_command(script), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err
            )
            assert proc.stdout is not None
            try:
                for raw in proc.stdout:
                    line = raw.decode("utf-8", "surrogateescape").rstrip("\n").rstrip("\r")
                    if line in ident_lines or line.startswith(("section_begin=", "section_end=")):
                        continue
                    listing.add(line)
                status = proc.wait()
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            stderr = _read_all(err)
        if status == _SSH_CONNECTION_ERROR:
            raise self.connection_error(stderr, display)
        if status != 0:
            raise self.command_error(display, _Result(status, b"", stderr))

    def archive_extract(self, path: str, on_progress: ProgressCallback) -> ExtractOutcome:
        raise ExecutorError(NO_EXTRACT_OVER_SSH)

    # --- zone moves (issue #14): detach/attach and solaris10 branded zones ---------------------

    def zone_detach(self, zone: str, *, dry_run: bool = False) -> str:
        return self.run("zoneadm", "-z", self._zone(zone), "detach", *(["-n"] if dry_run else [])).text

    def zone_attach(self, zone: str, *, options: Sequence[str] = (), manifest: str = "") -> str:
        unknown = [o for o in options if o not in ATTACH_OPTIONS]
        if unknown:
            raise ExecutorError(f"zoneadm attach: options {unknown} are not ones zflar uses")
        dry = ["-n", self._path(manifest, "manifest")] if manifest else []
        return self.run("zoneadm", "-z", self._zone(zone), "attach", *options, *dry).text

    def zone_boot(self, zone: str) -> None:
        self.run("zoneadm", "-z", self._zone(zone), "boot")

    def zone_ready(self, zone: str) -> None:
        self.run("zoneadm", "-z", self._zone(zone), "ready")

    def zone_install(self, zone: str, archive: str) -> None:
        self.run("zoneadm", "-z", self._zone(zone), "install", "-a", self._path(archive, "archive"), "-u")

    def zonecfg_export(self, zone: str) -> str:
        return self.run("zonecfg", "-z", self._zone(zone), "export").text

    def zonecfg_file(self, zone: str, path: str) -> None:
        self.run("zonecfg", "-z", self._zone(zone), "-f", self._path(path, "configuration file"))

    def zonecfg_create_attach(self, zone: str, zonepath: str) -> None:
        self.run("zonecfg", "-z", self._zone(zone), "create", "-a", self._path(zonepath, "zonepath"))

    @staticmethod
    def _parent_and_base(zonepath: str) -> tuple[str, str]:
        path = PurePosixPath(zonepath)
        if not path.is_absolute() or path.name in ("", ".", ".."):
            raise ExecutorError(f"not a zonepath: {zonepath!r}")
        return str(path.parent), path.name

    def zonepath_archive(self, zonepath: str, output: str, *, form: str) -> int:
        """From the zonepath's parent: ``pax -w@f OUT -p e BASE`` or, for V2V, ``find BASE -print |
        cpio -oP@ | gzip > OUT`` (Bourne sh has no pipefail: the archive's size is checked)."""
        parent, base = self._parent_and_base(self._path(zonepath, "zonepath"))
        out = self._path(output, "archive")
        if form == "pax":
            inner = self.command_line("pax", "-w@f", out, "-p", "e", base)
        elif form == "cpio.gz":
            inner = (
                f"{self.command_line('find', base, '-print')} | {self.command_line('cpio', '-oP@')} | "
                f"{self.command_line('gzip')} > {shlex.quote(out)}"
            )
        else:
            raise ExecutorError(f"unknown zonepath archive form {form!r}")
        self.run("mkdir", "-p", str(PurePosixPath(out).parent))
        self.run_script(
            self.script(f"cd {shlex.quote(parent)} && {inner}"), display=f"cd {parent} && {inner}"
        )
        size = self.remote_size(out)
        if not size:
            raise ExecutorError(f"{self.host}: the archive {out} of {zonepath} is missing or empty")
        return size

    def zonepath_restore(self, archive: str, zonepath: str, new_zonepath: str) -> None:
        """Unpack in a staging directory beside the new zonepath, then move it into place (mode 700)."""
        _, old_base = self._parent_and_base(self._path(zonepath, "zonepath"))
        new_parent, _ = self._parent_and_base(self._path(new_zonepath, "zonepath"))
        stage = f"{new_parent.rstrip('/')}/.zflar-restore-{old_base}"
        chain = " && ".join(
            [
                self.command_line("mkdir", "-p", stage),
                f"cd {shlex.quote(stage)}",
                self.command_line("pax", "-r@f", self._path(archive, "archive"), "-p", "e"),
                self.command_line("mv", old_base, new_zonepath),
                "cd /",
                self.command_line("rmdir", stage),
                self.command_line("chmod", "700", new_zonepath),
            ]
        )
        self.run_script(self.script(chain), display=f"restore {archive} as {new_zonepath}")

    def data_archive(self, device: str, output: str, staging: str) -> int:
        out, mnt, dev = (
            self._path(v, what)
            for v, what in ((output, "archive"), (staging, "mount point"), (device, "device"))
        )
        chain = " && ".join(
            [
                self.command_line("mkdir", "-p", mnt, str(PurePosixPath(out).parent)),
                self.command_line("mount", "-F", "ufs", "-o", "ro", dev, mnt),
                f"cd {shlex.quote(mnt)}",
                self.command_line("pax", "-w@f", out, "-p", "e", "."),
            ]
        )
        self.run_script(
            self.script(
                chain, "rc=$?", "cd /", f"{self.command_line('umount', mnt)} 2>/dev/null", "exit $rc"
            ),
            display=f"archive {device} (mounted read-only at {mnt}) to {out}",
        )
        return self.remote_size(out) or 0

    def data_restore(self, archive: str, device: str, raw: str, staging: str) -> None:
        mnt, dev = self._path(staging, "mount point"), self._path(device, "device")
        chain = " && ".join(
            [
                f"{self.command_line('newfs', self._path(raw, 'raw device'))} </dev/null",
                self.command_line("mkdir", "-p", mnt),
                self.command_line("mount", "-F", "ufs", dev, mnt),
                f"cd {shlex.quote(mnt)}",
                self.command_line("pax", "-r@f", self._path(archive, "archive"), "-p", "e"),
            ]
        )
        self.run_script(
            self.script(
                chain, "rc=$?", "cd /", f"{self.command_line('umount', mnt)} 2>/dev/null", "exit $rc"
            ),
            display=f"newfs {raw}; unpack {archive} onto {device}",
        )

    def brand_package(self, package: str) -> bool:
        if self.run("pkg", "list", "brand-solaris10", check=False).status == 0:
            return True
        self.run("pkg", "install", package)
        return False

    def p2v_check(self) -> tuple[int, str]:
        result = self.run("zonep2vchk", "-T", "S11", "-b", check=False)
        return result.status, (result.text + result.stderr.decode("utf-8", "replace")).strip()

    def copy_file_to(self, path: str, other: SshExecutor, other_path: str) -> int:
        """Stream a file from this host to ``other`` through the worker (the hosts need no trust
        between them): ``cat`` here into ``tee`` there, written beside the target and moved over."""
        source = self._path(path, "file")
        target = PurePosixPath(other._path(other_path, "file"))
        temporary = str(target.parent / f".{target.name}.zflar-new")
        reader = subprocess.Popen(
            self.ssh_command(self.script(self.command_line("cat", source))),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert reader.stdout is not None
        chain = " && ".join(
            [
                other.command_line("mkdir", "-p", str(target.parent)),
                f"{other.command_line('tee', temporary)} >/dev/null",
                other.command_line("mv", "-f", temporary, str(target)),
            ]
        )
        try:
            writer = subprocess.run(
                other.ssh_command(other.script(chain)),
                stdin=reader.stdout,
                capture_output=True,
                timeout=self.command_timeout,
                check=False,
            )
        finally:
            reader.stdout.close()
            read_status = reader.wait()
        errors = reader.stderr.read() if reader.stderr is not None else b""
        if read_status != 0:
            raise self.command_error(f"cat {source}", _Result(read_status, b"", errors))
        if writer.returncode != 0:
            raise other.command_error(
                f"write {target} on {other.host}", _Result(writer.returncode, b"", writer.stderr)
            )
        return other.remote_size(str(target)) or 0

    # --- the connection ---------------------------------------------------------------------------

    def master_running(self) -> bool:
        if self._control_dir is None or not os.path.exists(self.control_path):
            return False
        proc = subprocess.run(
            self.ssh_command(None, control=["-O", "check"]),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
        return proc.returncode == 0

    def close(self) -> None:
        """Stop the ControlMaster connection and remove its private directory; safe to call twice."""
        if self._control_dir is None:
            return
        try:
            if os.path.exists(self.control_path):
                subprocess.run(
                    self.ssh_command(None, control=["-O", "exit"]),
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    timeout=30,
                    check=False,
                )
                deadline = time.monotonic() + 5
                while os.path.exists(self.control_path) and time.monotonic() < deadline:
                    time.sleep(0.05)
        except (OSError, subprocess.TimeoutExpired, ExecutorError) as exc:
            log.warning("%s: closing the ssh master connection: %s", self.target, exc)
        finally:
            shutil.rmtree(self._control_dir, ignore_errors=True)
            self._control_dir = None


class _Cancelled(Exception):
    pass


def _read_all(handle: IO[bytes]) -> bytes:
    """The whole content of a temporary file a child writes to, without moving the shared offset."""
    handle.flush()
    size = os.fstat(handle.fileno()).st_size
    return os.pread(handle.fileno(), size, 0) if size else b""


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default
