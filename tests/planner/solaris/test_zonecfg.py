from __future__ import annotations

import pytest

from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import (
    SPARSE_INHERIT_PKG_DIRS,
    RctlValue,
    ZoneAdmin,
    ZoneAttr,
    ZoneCappedCpu,
    ZoneCappedMemory,
    ZoneDedicatedCpu,
    ZoneDevice,
    ZoneFs,
    ZoneNet,
    ZoneRctl,
)
from planner.solaris.zonecfg import parse_zonecfg, parse_zonecfg_export, parse_zonecfg_info
from tests.support.samples import sample


def parse(text: str, zonename: str = "web01"):  # type: ignore[no-untyped-def]
    return parse_zonecfg_export(text, source="zones/web01.cfg", zonename=zonename)


def parse_error(text: str) -> SolarisParseError:
    with pytest.raises(SolarisParseError) as caught:
        parse(text)
    return caught.value


# --- Solaris 10 export ------------------------------------------------------------------------


def test_solaris10_export_of_a_sparse_zone() -> None:
    cfg = parse(sample("zonecfg/web01-s10.export"))
    assert cfg.name == "web01"
    assert cfg.zonepath == "/zones/web01"
    assert cfg.autoboot is True
    assert cfg.brand == "native"
    assert cfg.ip_type == "shared"
    assert cfg.bootargs == "-m verbose"  # exported unquoted by Solaris 10
    assert cfg.limitpriv == "default,proc_priocntl,proc_clock_highres"
    # "create -b" + explicit IPDs is how export writes a sparse-root zone.
    assert cfg.create_mode == "sparse"
    assert cfg.is_sparse_root
    assert cfg.inherit_pkg_dirs == list(SPARSE_INHERIT_PKG_DIRS)
    assert cfg.fs == [
        ZoneFs("/data", "/dev/dsk/c1t1d0s0", "/dev/rdsk/c1t1d0s0", "ufs", ["logging", "forcedirectio"]),
        ZoneFs("/export/shared", "/export/shared", "", "lofs", ["ro", "nodevices"]),
        ZoneFs("/web/content", "nfs01:/export/web", "", "nfs", ["vers=3"]),
    ]
    assert cfg.nets == [ZoneNet(physical="bge0", address="192.168.10.21/24", defrouter="192.168.10.1")]
    assert cfg.devices == [ZoneDevice("/dev/rmt/0*")]
    assert [r.name for r in cfg.rctls] == [
        "zone.max-lwps",
        "zone.cpu-shares",
        "zone.cpu-cap",
        "zone.max-swap",
    ]
    assert cfg.rctls[1].values == [RctlValue("privileged", "20", "none")]
    assert cfg.attrs == [ZoneAttr("comment", "string", "Apache web tier")]
    assert cfg.dedicated_cpu == ZoneDedicatedCpu("1-2", "10")
    # Views derived from the rctls: zone.cpu-cap 150 -> 1.5 CPUs, zone.max-swap 2 GiB.
    assert cfg.capped_cpu == ZoneCappedCpu("1.5")
    assert cfg.capped_memory == ZoneCappedMemory(physical="1G", swap="2G")


def test_illumos_export_in_its_own_order() -> None:
    cfg = parse(sample("zonecfg/db01-illumos.export"), zonename="db01")
    assert cfg.create_mode == "whole"
    assert not cfg.is_sparse_root
    assert cfg.ip_type == "exclusive"
    assert cfg.scheduling_class == "FSS"
    assert cfg.hostid == "0x1a2b3c4d"
    assert cfg.fs_allowed == "ufs,pcfs"
    assert cfg.fs[0].options == ["logging", "nosuid"]
    assert cfg.nets == [ZoneNet(physical="e1000g1", allowed_address="10.0.0.5/24", defrouter="10.0.0.1")]
    # capped-memory comes before the rctls in illumos; the views still come out right.
    assert cfg.capped_memory == ZoneCappedMemory(physical="4G", swap="8G", locked="512M")
    assert cfg.datasets == ["dbpool/data"]
    assert cfg.dedicated_cpu == ZoneDedicatedCpu("2-4", "2")
    assert cfg.admins == [ZoneAdmin("oracle", "login,manage")]


def test_command_file_with_create_select_remove_and_cancel() -> None:
    cfg = parse(sample("zonecfg/app01-commands.cfg"), zonename="app01")
    assert cfg.create_mode == "sparse"
    assert cfg.inherit_pkg_dirs == ["/lib", "/platform", "/sbin", "/opt/sfw"]
    assert cfg.autoboot is True
    assert cfg.pool == "pool_app"
    assert cfg.scheduling_class == "FSS"
    assert cfg.nets == [ZoneNet(physical="e1000g1", address="192.168.20.30")]
    assert cfg.devices == []  # the device block was cancelled
    assert cfg.fs[0].options == ["rw", "nodevices"]
    rctls = {r.name: r.values for r in cfg.rctls}
    assert rctls["zone.max-lwps"] == [RctlValue("privileged", "500", "deny")]
    assert rctls["zone.cpu-shares"] == [RctlValue("privileged", "30", "none")]
    assert rctls["zone.max-shm-memory"] == [RctlValue("privileged", str(2 * 1024**3), "deny")]
    assert rctls["zone.cpu-cap"] == [RctlValue("privileged", "150", "deny")]
    assert rctls["zone.max-swap"] == [RctlValue("privileged", str(4 * 1024**3), "deny")]
    assert rctls["zone.max-locked-memory"] == [RctlValue("privileged", str(512 * 1024**2), "deny")]
    assert rctls["zone.max-msg-ids"] == [RctlValue("privileged", "512", "deny")]
    assert cfg.capped_cpu == ZoneCappedCpu("1.5")
    assert cfg.capped_memory == ZoneCappedMemory(physical="2G", swap="4G", locked="512M")


@pytest.mark.parametrize(
    ("create", "mode", "ipds"),
    [
        ("create", "sparse", list(SPARSE_INHERIT_PKG_DIRS)),
        ("create -F", "sparse", list(SPARSE_INHERIT_PKG_DIRS)),
        ("create -b", "whole", []),
        ("create -t SUNWdefault", "sparse", list(SPARSE_INHERIT_PKG_DIRS)),
        ("create -t SUNWblank", "whole", []),
    ],
)
def test_create_forms(create: str, mode: str, ipds: list[str]) -> None:
    cfg = parse(f"{create}\nset zonepath=/zones/z\n")
    assert cfg.create_mode == mode
    assert cfg.inherit_pkg_dirs == ipds


def test_create_from_template_and_attach() -> None:
    templated = parse("create -t web-template\nset zonepath=/zones/z")
    assert (templated.create_mode, templated.template) == ("template", "web-template")
    attached = parse("create -a /zones/old\n")
    assert (attached.create_mode, attached.attach_path) == ("attach", "/zones/old")


def test_removing_every_inherited_dir_makes_a_whole_root_zone() -> None:
    text = "create\n" + "".join(f"remove inherit-pkg-dir dir={d}\n" for d in SPARSE_INHERIT_PKG_DIRS)
    cfg = parse(text)
    assert cfg.inherit_pkg_dirs == []
    assert cfg.create_mode == "whole"


def test_semicolons_comments_and_quoted_values() -> None:
    text = (
        "# exported by hand\n"
        'create -b; set zonepath="/zones/x=y,1"; set autoboot=false\n'
        '  # indented comment\nadd attr; set name=note; set type=string; set value="a;b # c"; end\n'
    )
    cfg = parse(text)
    assert cfg.zonepath == "/zones/x=y,1"
    assert cfg.attrs == [ZoneAttr("note", "string", "a;b # c")]
    # A zonepath is a mount point: quoting could carry a space, names.py refuses it.
    with pytest.raises(SolarisParseError, match="mount point '/zones/with space' is not valid"):
        parse('create -b; set zonepath="/zones/with space"\n')


def test_options_forms_set_list_and_repeated_add() -> None:
    text = (
        "create -b\nadd fs\nset dir=/a\nset special=/b\nset type=lofs\n"
        'set options=[ro,"x=y"]\nadd options nodevices\nadd options [nosuid,noexec]\nremove options ro\nend\n'
    )
    assert parse(text).fs[0].options == ["x=y", "nodevices", "nosuid", "noexec"]


def test_rctl_values_as_list_and_set() -> None:
    text = (
        "create -b\nadd rctl\nset name=zone.max-lwps\n"
        "set value=[(priv=privileged,limit=100,action=deny),(priv=basic,limit=50,action=none)]\nend\n"
    )
    assert parse(text).rctls == [
        ZoneRctl("zone.max-lwps", [RctlValue("privileged", "100", "deny"), RctlValue("basic", "50", "none")])
    ]


@pytest.mark.parametrize(
    ("alias", "value", "rctl", "limit", "action"),
    [
        ("max-lwps", "600", "zone.max-lwps", "600", "deny"),
        ("max-processes", "400", "zone.max-processes", "400", "deny"),
        ("cpu-shares", "10", "zone.cpu-shares", "10", "none"),
        ("max-shm-memory", "512M", "zone.max-shm-memory", str(512 * 1024**2), "deny"),
        ("max-shm-ids", "128", "zone.max-shm-ids", "128", "deny"),
        ("max-msg-ids", "128", "zone.max-msg-ids", "128", "deny"),
        ("max-sem-ids", "128", "zone.max-sem-ids", "128", "deny"),
        ("max-locked-memory", "1g", "zone.max-locked-memory", str(1024**3), "deny"),
        ("max-swap", "2G", "zone.max-swap", str(2 * 1024**3), "deny"),
    ],
)
def test_rctl_aliases_become_rctls(alias: str, value: str, rctl: str, limit: str, action: str) -> None:
    cfg = parse(f"create -b\nset {alias}={value}\n")
    assert cfg.rctls == [ZoneRctl(rctl, [RctlValue("privileged", limit, action)])]


def test_alias_set_twice_replaces_and_clear_removes() -> None:
    assert parse("create -b\nset max-lwps=300\nset max-lwps=400\n").rctls[0].values[0].limit == "400"
    assert parse("create -b\nset max-lwps=300\nclear max-lwps\n").rctls == []


def test_unknown_global_properties_are_kept_verbatim() -> None:
    cfg = parse("create -b\nset zonepath=/z\nset future-thing=42\nset listy=[a,b]\n")
    assert cfg.extra_properties == {"future-thing": "42", "listy": "a,b"}


def test_zonename_from_the_file_wins_over_the_caller() -> None:
    assert parse("create -b\nset zonename=renamed\n").name == "renamed"


def test_export_without_create_line() -> None:
    cfg = parse("set zonepath=/z\nadd inherit-pkg-dir\nset dir=/usr\nend\n")
    assert cfg.create_mode == "sparse"
    assert parse("set zonepath=/z\n").create_mode == "whole"


def test_windows_line_endings_are_tolerated() -> None:
    cfg = parse("create -b\r\nset zonepath=/z\r\nadd net\r\nset physical=bge0\r\nend\r\n")
    assert cfg.nets == [ZoneNet("bge0")]


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("create -b\nset physical=bge0\n", 2, "'set physical' outside a resource; expected 'add net'"),
        ("create -b\nend\n", 2, "'end' without a resource"),
        ('create -b\nset zonepath="/zones/web01\n', 2, "unterminated quoted string"),
        ("create -b\nadd fs\nset options=[ro,nodevices\nend\n", 3, "unterminated '['"),
        ("create -b\nadd rctl\nadd value (priv=privileged,limit=1\nend\n", 3, "unterminated '('"),
        ("create -b\nadd anet\nend\n", 2, "unknown resource type"),
        ("create -b\nfrobnicate now\n", 2, "unknown zonecfg command 'frobnicate'"),
        ("create -b\nadd net\nset dir=/x\nend\n", 3, "'dir' is not a property of net"),
        ("create -b\nadd net\nset zonepath=/x\nend\n", 3, "'zonepath' is a global property"),
        ("create -b\nadd net\nadd fs\n", 3, "inside the net resource started on line 2"),
        ("create -b\nadd fs\nset dir=/a\nend\n", 4, "fs resource is missing special, type"),
        ("create -b\n\nadd net\nset physical=bge0\n", 3, "was never closed"),
        ("create -b\nset autoboot=maybe\n", 2, "autoboot must be true or false"),
        ("create -b\nset ip-type=excl\n", 2, "ip-type must be shared or exclusive"),
        ("create -b\nset max-lwps=lots\n", 2, "max-lwps must be a whole number"),
        ("create -b\nset max-swap=big\n", 2, "max-swap must be a size"),
        ("create -b\nset zonepath\n", 2, "expected '=' after 'set zonepath'"),
        ("create -b\nset zonepath=/a /b\n", 2, "unexpected '/b'"),
        ("create -b\nadd rctl\nset name=zone.x\nadd value (priv=privileged,limit=1)\nend\n", 4, "rctl value"),
        ("create -b\nadd capped-cpu\nset ncpus=lots\nend\n", 4, "capped-cpu ncpus"),
        ("create -b\nadd dedicated-cpu\nset ncpus=1-x\nend\n", 4, "dedicated-cpu ncpus"),
        ("create -b\nadd capped-memory\nend\n", 3, "capped-memory needs physical, swap or locked"),
        (
            "create -b\nadd capped-memory\nset physical=lots\nend\n",
            4,
            "capped-memory physical must be a size",
        ),
        ("create -b\nselect net physical=bge9\n", 2, "matches no resources"),
        ("create -b\nremove fs dir=/nothing\n", 2, "no fs resource matches"),
        ("create -b\ncreate -x\n", 2, "unknown create option"),
        ("create -b\nset zonepath=a]\n", 2, "']' without a matching '['"),
        ("create -b\nadd fs\nset dir=[a,b]\n", 3, "takes a single value"),
        ("create -b\ncancel\n", 2, "'cancel' without a resource"),
        (
            "create -b\nadd dedicated-cpu\nset ncpus=1\nend\nadd dedicated-cpu\n",
            5,
            "already has a dedicated-cpu",
        ),
    ],
)
def test_errors_name_file_and_line(text: str, line: int, fragment: str) -> None:
    error = parse_error(text)
    assert error.source == "zones/web01.cfg"
    assert error.line == line
    assert fragment in error.message
    assert str(error).startswith(f"zones/web01.cfg:{line}: ")


def test_error_message_reads_like_the_brief_example() -> None:
    error = parse_error("create -b\n" * 11 + "set physical=bge0\n")
    assert str(error) == (
        "zones/web01.cfg:12: 'set physical' outside a resource; "
        "expected 'add net' or 'add capped-memory' first"
    )


# --- zonecfg info -----------------------------------------------------------------------------


def test_info_from_the_puppet_fixture_shape() -> None:
    cfg = parse_zonecfg_info(sample("zonecfg/dummy.info"), source="dummy.info")
    assert cfg.name == "dummy"
    assert cfg.zonepath == "/dummy/z"
    assert cfg.autoboot is True
    assert cfg.nets == [ZoneNet(physical="ex0001", address="1.1.1.1")]
    assert cfg.create_mode == "whole"


def test_info_matches_the_export_of_the_same_zone() -> None:
    from_info = parse_zonecfg_info(sample("zonecfg/web01.info"), source="web01.info")
    from_export = parse(sample("zonecfg/web01-s10.export"))
    assert from_info == from_export


def test_info_bracketed_views_count_only_without_their_rctl() -> None:
    text = (
        "zonename: z\nzonepath: /z\n[max-lwps: 300]\n"
        "capped-cpu:\n\t[ncpus: 2.5]\ncapped-memory:\n\t[locked: 1G]\n"
    )
    cfg = parse_zonecfg_info(text, source="z.info")
    names = {r.name: r.values[0].limit for r in cfg.rctls}
    assert names == {"zone.max-lwps": "300", "zone.cpu-cap": "250", "zone.max-locked-memory": str(1024**3)}
    assert cfg.capped_cpu == ZoneCappedCpu("2.5")
    assert cfg.capped_memory == ZoneCappedMemory(locked="1G")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("zonename: z\n\tdir: /lib\n", 2, "does not belong to any resource"),
        ("zonename: z\nnet:\n\tphysical bge0\n", 3, "expected 'property: value'"),
        ("zonename: z\nanet:\n\tlinkname: net0\n", 2, "unknown resource type"),
        ("zonename: z\nnet:\n\tmatch: /dev/x\n", 3, "'match' is not a property of net"),
        ("zonename: z\nrctl:\n\tname: zone.x\n\tvalue: priv=privileged\n", 4, "rctl value"),
        ("zonename: z\nautoboot: perhaps\n", 2, "autoboot must be true or false"),
        ("zonename: z\nfs:\n\tdir: /a\nnet:\n", 2, "fs resource is missing special, type"),
    ],
)
def test_info_errors_name_file_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(SolarisParseError) as caught:
        parse_zonecfg_info(text, source="z.info")
    assert (caught.value.source, caught.value.line) == ("z.info", line)
    assert fragment in caught.value.message


def test_parse_zonecfg_tells_info_from_export() -> None:
    assert parse_zonecfg(sample("zonecfg/dummy.info"), source="x").name == "dummy"
    assert parse_zonecfg(sample("zonecfg/web01-s10.export"), source="x", zonename="w").name == "w"
