"""large-files: ls -ld lines of files over 4 GiB (samples/README.md)."""

from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import LargeFile
from planner.solaris.largefiles import parse_large_files
from tests.support.samples import sample


def test_solaris_ls_lines() -> None:
    files = parse_large_files(sample("largefiles/large-files"), source="large-files")
    assert files[0] == LargeFile(
        "/u01/oradata/PROD/users01.dbf", 10737426432, "oracle", "dba", "-rw-r-----", line=1
    )
    # An ACL '+' after the mode, and a date with the year instead of the time.
    assert (files[1].path, files[1].size_bytes, files[1].mode) == (
        "/export/iso/sol-10-u9-ga-sparc-dvd.iso",
        5368709120,
        "-rw-r--r--",
    )
    # A numeric owner and a name with a space.
    assert (files[2].owner, files[2].path) == ("1001", "/zones/app01/root/var/tmp/core dump.old")


def test_gnu_ls_and_an_empty_file() -> None:
    (big,) = parse_large_files(sample("largefiles/large-files-gnu"), source="large-files")
    assert (big.path, big.size_bytes) == ("/tmp/pytest-of-root/data1/big file.dbf", 5368709120)
    assert parse_large_files(sample("largefiles/large-files-none"), source="large-files") == []


def test_find_messages_are_skipped() -> None:
    text = "find: cannot read dir /u01/lost+found: Permission denied\n" + sample("largefiles/large-files")
    assert len(parse_large_files(text, source="large-files")) == 3


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("drwxr-xr-x   2 root     root     512 Jan 12 10:22 /export\n", "not a regular file"),
        ("-rw-r--r--   1 root     root     big Jan 12 10:22 /x\n", "expected an 'ls -ld' line"),
        ("-rw-r--r--   1 root     root     5368709120 Jan 12 10:22 relative\n", "absolute path"),
        ("/u01/oradata/PROD/users01.dbf\n", "expected an 'ls -ld' line"),
    ],
)
def test_large_file_errors(text: str, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_large_files(text, source="large-files")
    assert (caught.value.source, caught.value.line) == ("large-files", 1)
    assert fragment in caught.value.message
