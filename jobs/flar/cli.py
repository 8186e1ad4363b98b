"""``flar`` command line: create / info / extract / verify / zones.

Flags follow Solaris ``flarcreate`` and ``flar info`` where they overlap;
``extract``, ``verify`` and ``zones`` are zflar's own verbs.  ``flarcreate``
is accepted as a synonym of ``create``, as on Solaris.

Exit status: 0 success; 1 the archive was read but failed a check (archive_id
mismatch, entries refused during extraction, keyword not present); 2 bad
usage or an archive/tree that cannot be read (one line on stderr, no
traceback); 141 (128 + SIGPIPE, what a shell shows for a Unix tool killed by
SIGPIPE) when the reader of stdout went away (``flar info -l A | head``),
silently.

The core is :func:`main`, a pure function of (argv, stdout, stderr), so the
Django management command (``manage.py flar``) and ``python -m jobs.flar`` are
thin wrappers around :func:`run_console`, and tests need no Django.

Start-up is kept light: the engine modules (writer, reader, extract, zones) are
imported by the subcommand that needs them, so ``--help`` and usage errors
answer without loading them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, Protocol

from .errors import FlarError

if TYPE_CHECKING:
    from .extract import ExtractReport
    from .writer import CreateOptions

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


class _UsageError(Exception):
    pass


class _Done(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse that reports through our streams and never calls sys.exit."""

    def __init__(self, *args: object, out: Writer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._out = out

    def _print_message(self, message: str, file: object = None) -> None:
        if message:
            self._out.write(message if message.endswith("\n") else message + "\n")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            raise _UsageError(message.strip())
        raise _Done(status)

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


def _create_parser(out: Writer, prog: str) -> _Parser:
    parser = _Parser(prog=prog, out=out, description="Create a Solaris flash archive of a directory tree.")
    parser.add_argument("-n", dest="name", required=True, help="archive name (content_name)")
    parser.add_argument("-R", dest="root", default="/", help="root of the tree to archive (default /)")
    parser.add_argument("-x", dest="exclude", action="append", default=[], help="exclude a path (repeatable)")
    parser.add_argument("-X", dest="exclude_list", help="file listing paths to exclude, one per line")
    parser.add_argument(
        "-c", dest="compress", action="store_true", help="compress the files with compress(1)"
    )
    parser.add_argument("-S", dest="no_sizing", action="store_true", help="omit the size keywords")
    parser.add_argument("-H", dest="no_hash", action="store_true", help="do not generate archive_id")
    parser.add_argument("-a", dest="author", default="", help="content_author")
    parser.add_argument("-e", dest="description", default="", help="content_description")
    parser.add_argument("-E", dest="description_file", help="file holding content_description")
    parser.add_argument("-T", dest="content_type", default="", help="content_type")
    parser.add_argument("-m", dest="master", default="", help="creation_master (default: this host)")
    parser.add_argument("-i", dest="date", default="", help="creation_date YYYYMMDDhhmmss (UTC)")
    parser.add_argument(
        "-U",
        dest="user",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="identification keyword (repeatable): X-name=value of your own, or one of the documented "
        "ones, e.g. content_architectures=sun4u,sun4v; computed ones (archive_id, sizes) are refused",
    )
    parser.add_argument("-u", dest="sections", action="append", default=[], help="user section to include")
    parser.add_argument("-d", dest="section_dir", default=".", help="directory holding the -u section files")
    parser.add_argument("-L", dest="archiver", default="cpio", help="archiver: only cpio is supported")
    parser.add_argument(
        "--compressor",
        choices=("auto", "system", "python"),
        default="auto",
        help="compress(1) implementation",
    )
    parser.add_argument("archive", help="the flar to write")
    return parser


def _read_text(path: str, what: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise _UsageError(f"cannot read {what} {path}: {exc.strerror}") from None


def _user_keywords(pairs: list[str]) -> dict[str, str]:
    keywords: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise _UsageError(
                f"-U {pair!r}: expected KEY=value (X-name=value, or e.g. content_architectures=...)"
            )
        if keywords.get(key, value) != value:
            raise _UsageError(f"-U {key} is given twice with different values")
        keywords[key] = value
    return keywords


def _create_options(args: argparse.Namespace) -> CreateOptions:
    from .writer import CreateOptions

    if args.archiver != "cpio":
        raise _UsageError(f"-L {args.archiver}: only cpio archives can be written (newc, as cpio -c)")
    exclude = list(args.exclude)
    if args.exclude_list:
        exclude += [
            line.strip() for line in _read_text(args.exclude_list, "-X list").splitlines() if line.strip()
        ]
    description = args.description
    if args.description_file:
        description = _read_text(args.description_file, "-E file").rstrip("\n")
    sections = {
        name: _read_text(os.path.join(args.section_dir, name), "-u section") for name in args.sections
    }
    return CreateOptions(
        name=args.name,
        root=args.root,
        exclude=tuple(exclude),
        compress=args.compress,
        sizing=not args.no_sizing,
        archive_id=not args.no_hash,
        author=args.author,
        description=description,
        content_type=args.content_type,
        master=args.master,
        creation_date=args.date,
        user_keywords=_user_keywords(args.user),
        user_sections=sections,
        compressor=args.compressor,
    )


def _cmd_create(argv: Sequence[str], out: Writer, prog: str) -> int:
    args = _create_parser(out, prog).parse_args(argv)
    from .writer import create

    result = create(args.archive, _create_options(args))
    out.write(f"Archive creation complete: {result.path}\n")
    if result.archive_id:
        out.write(f"archive_id={result.archive_id}\n")
    out.write(f"files_archived_size={result.files_archived_size}\n")
    out.write(f"files_unarchived_size={result.files_unarchived_size}\n")
    counts = ", ".join(f"{kind}={count}" for kind, count in sorted(result.counts.items()))
    out.write(f"entries: {result.entries} ({counts})\n")
    for excluded in result.excluded:
        out.write(f"excluded: {excluded}\n")
    for warning in result.warnings:
        out.write(f"warning: {warning}\n")
    return EXIT_OK


def _cmd_info(argv: Sequence[str], out: Writer) -> int:
    parser = _Parser(prog="flar info", out=out, description="Show a flash archive's identification section.")
    parser.add_argument("-l", dest="list", action="store_true", help="list the files in the archive")
    parser.add_argument("-k", dest="keyword", help="print only this keyword's value")
    parser.add_argument("archive")
    args = parser.parse_args(argv)
    from .reader import info, list_members

    if args.list:
        for member in list_members(args.archive):
            out.write(f"{_printable(member.name)}\n")
        return EXIT_OK
    meta = info(args.archive)
    if args.keyword:
        wanted = args.keyword.lower()
        for key, value in meta.identification.items():
            if key.lower() == wanted:
                out.write(f"{_printable(value)}\n")
                return EXIT_OK
        raise _CheckFailed(f"keyword {args.keyword!r} is not in the identification section")
    for line in meta.identification_lines:
        out.write(f"{_printable(line)}\n")
    return EXIT_OK


class _CheckFailed(Exception):
    pass


def _print_report(report: ExtractReport, out: Writer) -> None:
    counts = ", ".join(f"{kind}={count}" for kind, count in sorted(report.counts.items()))
    out.write(f"extracted into {report.dest}: {counts or 'nothing'}\n")
    out.write(f"bytes written: {report.bytes_written}\n")
    out.write(f"archive_id: {report.hash_status}\n")
    for entry in report.refused:
        out.write(f"refused: {_printable(entry.name)}: {entry.reason}\n")
    if report.refused_count > len(report.refused):
        out.write(f"refused: ... {report.refused_count - len(report.refused)} more\n")
    for entry in report.not_created:
        out.write(f"not created: {_printable(entry.name)}: {entry.reason}\n")
    for warning in report.warnings:
        out.write(f"warning: {_printable(warning)}\n")


def _cmd_extract(argv: Sequence[str], out: Writer, err: Writer) -> int:
    parser = _Parser(prog="flar extract", out=out, description="Extract a flash archive's files safely.")
    # Archives are untrusted: device nodes and FIFOs are never created, set-id bits are cleared.
    parser.add_argument("--no-devices", action="store_true", help="(the default; kept for old scripts)")
    parser.add_argument("archive")
    parser.add_argument("dest")
    args = parser.parse_args(argv)
    from .extract import extract
    from .reader import HashStatus

    report = extract(args.archive, args.dest, allow_devices=False if args.no_devices else None)
    _print_report(report, out)
    if report.hash_status is HashStatus.MISMATCH:
        err.write(f"flar: warning: archive_id mismatch in {args.archive}: the archive is corrupt\n")
    return EXIT_OK if report.ok else EXIT_CHECK_FAILED


def _cmd_verify(argv: Sequence[str], out: Writer, err: Writer) -> int:
    parser = _Parser(prog="flar verify", out=out, description="Check archive_id against the payload.")
    parser.add_argument("archive")
    args = parser.parse_args(argv)
    from .reader import verify

    result = verify(args.archive)
    out.write(f"archive_id: {result.status}\n")
    out.write(f"expected: {result.expected or '-'}\n")
    out.write(f"computed: {result.actual}\n")
    out.write(f"members: {result.members}, payload bytes: {result.payload_bytes}\n")
    if not result.ok:
        err.write(f"flar: archive_id mismatch in {args.archive}: the archive is corrupt\n")
        return EXIT_CHECK_FAILED
    return EXIT_OK


def _cmd_zones(argv: Sequence[str], out: Writer) -> int:
    parser = _Parser(
        prog="flar zones", out=out, description="List zones in an archive; flag empty ufs mounts."
    )
    parser.add_argument("archive")
    args = parser.parse_args(argv)
    from .zones import zones_in_archive

    zones = zones_in_archive(args.archive)
    if not zones:
        out.write("no non-global zones in etc/zones/index\n")
    for zone in zones:
        out.write(f"{zone.name}: {zone.state} zonepath={zone.zonepath} root={zone.root_state}\n")
        for check in zone.fs_checks:
            out.write(f"  fs {check.type} {check.dir} ({check.special}): {check.state}\n")
        for problem in zone.problems:
            out.write(f"  problem: {problem}\n")
    return EXIT_CHECK_FAILED if any(zone.empty_private_fs for zone in zones) else EXIT_OK


USAGE = """\
usage: flar create -n NAME [-R ROOT] [-x PATH]... [-c] [-S] [-H] [-a AUTHOR] [-e DESCR]
                   [-T TYPE] [-m MASTER] [-i DATE] [-U KEY=VALUE]... ARCHIVE
       flar info [-l] [-k KEYWORD] ARCHIVE
       flar extract [--no-devices] ARCHIVE DEST
       flar verify ARCHIVE
       flar zones ARCHIVE
       (flarcreate ... is the same as flar create ...)
"""


def _printable(text: str) -> str:
    """Names may hold any bytes; never let them break the output encoding or lines."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\n", "\\n")


def _dispatch(argv: Sequence[str], out: Writer, err: Writer) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        out.write(USAGE)
        return EXIT_OK if argv else EXIT_USAGE
    verb, rest = argv[0], argv[1:]
    if verb in ("create", "flarcreate"):
        return _cmd_create(rest, out, "flar create" if verb == "create" else "flarcreate")
    if verb == "info":
        return _cmd_info(rest, out)
    if verb == "extract":
        return _cmd_extract(rest, out, err)
    if verb == "verify":
        return _cmd_verify(rest, out, err)
    if verb == "zones":
        return _cmd_zones(rest, out)
    raise _UsageError(f"unknown subcommand {verb!r} (create, info, extract, verify, zones)")


def main(argv: Sequence[str], stdout: Writer, stderr: Writer) -> int:
    """Run one flar command; returns the exit status instead of exiting."""
    try:
        return _dispatch(list(argv), stdout, stderr)
    except _Done as done:
        return done.status
    except BrokenPipeError:
        return EXIT_BROKEN_PIPE
    except _UsageError as exc:
        stderr.write(f"flar: {_printable(str(exc))}\n")
        return EXIT_USAGE
    except _CheckFailed as exc:
        stderr.write(f"flar: {_printable(str(exc))}\n")
        return EXIT_CHECK_FAILED
    except FlarError as exc:
        stderr.write(f"flar: {_printable(str(exc))}\n")
        return EXIT_USAGE


def run_console(argv: Sequence[str]) -> int:
    """:func:`main` on the process's own stdout and stderr; the exit status.

    ``python -m jobs.flar`` and ``manage.py flar`` both end here.  When the
    reader of stdout goes away (``flar info -l A | head``) the command stops
    quietly with :data:`EXIT_BROKEN_PIPE`: no traceback, and no "Exception
    ignored" from the interpreter's final flush either.
    """
    try:
        status = main(argv, sys.stdout, sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:
        status = EXIT_BROKEN_PIPE
    if status == EXIT_BROKEN_PIPE:
        _discard_stdout()
    return status


def _discard_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fileno)
    finally:
        os.close(devnull)
