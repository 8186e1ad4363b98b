from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.metastat import parse_metastat, short_name
from tests.support.samples import sample


def by_name(text: str) -> dict[str, object]:
    return {
        f"{m.diskset}/{m.name}" if m.diskset else m.name: m for m in parse_metastat(text, source="metastat-p")
    }


def test_metastat_p_sample() -> None:
    mds = parse_metastat(sample("svm/metastat-p"), source="metastat-p")
    named = {(m.diskset, m.name): m for m in mds}
    d10 = named[("", "d10")]
    assert (d10.kind, d10.components, d10.options, d10.line) == ("mirror", ["d11", "d12"], {"pass": "1"}, 1)
    assert named[("", "d11")].kind == "stripe"
    assert named[("", "d11")].rows == [["c0t0d0s0"]]
    # full paths are normalised
    assert named[("", "d1")].components == ["d2", "d3"]
    assert named[("", "d2")].components == ["c0t0d0s1"]
    d75 = named[("", "d75")]
    assert d75.kind == "concat"
    assert d75.rows == [["c0t0d0s3", "c0t1d0s3", "c0t2d0s3"], ["c1t0d0s3", "c1t1d0s3", "c1t2d0s3"]]
    assert d75.options == {"interlace": "32b,32b", "hot_spare_pool": "hsp001"}
    assert d75.line == 7
    d100 = named[("", "d100")]
    assert (d100.kind, d100.components) == ("softpart", ["c1t0d0s7"])
    assert d100.options == {"extents": "1:2097152", "blocks": "2097152"}
    assert named[("", "d101")].options["blocks"] == str(2 * 1048576)
    d80 = named[("", "d80")]
    assert d80.kind == "raid5"
    assert d80.options == {
        "no_resync": "yes",
        "interlace": "20b",
        "original_columns": "3",
        "hot_spare_pool": "hsp001",
    }
    assert named[("", "d50")].options == {"read_policy": "geometric", "write_policy": "serial", "pass": "2"}
    assert named[("", "d60")].options == {"master": "d61", "log": "d62"}
    assert named[("", "hsp001")].components == ["c2t2d0s2", "c3t2d0s2"]
    assert named[("", "hsp002")].components == []
    assert named[("blue", "d20")].components == ["d21"]
    assert named[("blue", "d21")].components == ["c4t0d0s0"]


def test_md_tab_examples() -> None:
    mds = {m.name: m for m in parse_metastat(sample("svm/md.tab"), source="md.tab")}
    assert mds["mddb01"].kind == "mddb"
    assert mds["mddb01"].options == {"copies": "3"}
    assert mds["d7"].rows == [["c0t1d0s0"], ["c0t2d0s0"], ["c0t3d0s0"], ["c0t4d0s0"]]
    assert mds["d15"].options == {"interlace": "32k"}
    assert mds["d50"].components == ["d51"]
    assert mds["d85"].options == {"whole_disk": "yes", "size": "9g"}
    assert mds["d1"].options["extents"] == "20483:20480,135398:20480"
    assert mds["d20"].options == {"hot_spare_pool": "hsp001"}


def test_host_without_svm() -> None:
    assert parse_metastat("metastat: web01: there are no existing databases\n", source="metastat-p") == []
    assert parse_metastat("", source="metastat-p") == []


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("/dev/md/rdsk/d11", "d11"),
        ("/dev/md/dsk/d11", "d11"),
        ("/dev/rdsk/c0t0d0s0", "c0t0d0s0"),
        ("/dev/dsk/c0t0d0s0", "c0t0d0s0"),
        ("/dev/md/blue/rdsk/d11", "d11"),
        ("blue/d11", "d11"),
        ("c0t0d0s0", "c0t0d0s0"),
    ],
)
def test_short_names(name: str, short: str) -> None:
    assert short_name(name) == short


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("d10 -m\n", 1, "needs at least one submirror"),
        ("# c\nd11 2 1 c0t0d0s0\n", 2, "row 2"),
        ("d11 1 x c0t0d0s0\n", 1, "a number"),
        ("d11 1 1 c0t0d0s0 extra\n", 1, "is the row count right"),
        ("foo 1 1 c0t0d0s0\n", 1, "is not a metadevice"),
        ("d10 -x d11\n", 1, "expected a row count, -m, -p, -r or -t"),
        ("d10 -m d11 -q 1\n", 1, "unknown mirror option"),
        ("d100 -p c1t0d0s7 -o 1 -x 5\n", 1, "-o OFFSET -b BLOCKS"),
        ("d80 -r c0t1d0s4 -z\n", 1, "unknown RAID5 option"),
        ("d60 -t d61 d62 d63\n", 1, "trans"),
        ("\nd11 1 1 c0t0d0s0 \\", 2, "ends with '\\'"),
        ("\nd11 1 1 \\\n", 2, "component 1 of row 1"),
        ("metastat: web01: must be superuser\n", 1, "metastat reported an error"),
    ],
)
def test_metastat_errors(text: str, line: int, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_metastat(text, source="metastat-p")
    assert (caught.value.source, caught.value.line) == ("metastat-p", line)
    assert fragment in caught.value.message
