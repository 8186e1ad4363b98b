"""Issue #10, attack 3: shell injection through names written into the generated scripts.

A hostname ``evil$(touch /tmp/x)`` used to land inside a double-quoted ``log "..."`` line of
the finish script and run; a newline left the header comment; the runbook's ``mkdir -p
.../sysidcfg/<host>``, ``echo 'hostname <host> ...'`` and ``add_install_client ... <host>``
carried names unquoted.  The boundary now refuses such names, and behind it every value is
written through planner.domain.quoting: these tests feed hostile values straight to the
script builders (past the boundary) and run what ``sh`` would run.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from planner.domain.options import PlanOptions
from planner.domain.plan import _blocked_zones, compute_plan, zone_work_of
from planner.domain.quoting import UnsafeValueError
from planner.domain.runbook import (
    FINISH_SCRIPT_NAME,
    _destination_actions,
    _finish_script,
    _post_actions,
    build_runbook,
)
from planner.domain.samples import seed_pair
from planner.solaris.errors import SolarisParseError
from planner.solaris.inventory import HostInventory
from tests.support.hostile import ShellSandbox


def _renamed(inventory: HostInventory, hostname: str) -> HostInventory:
    copy = HostInventory.from_dict(inventory.to_dict())
    copy.hostname = hostname
    return copy


def test_the_boundary_refuses_the_hostname(tmp_path: Path) -> None:
    source, destination = seed_pair()
    destination.hostname = f"evil$(touch {tmp_path / 'pwned'})"
    with pytest.raises(SolarisParseError, match="hostname"):
        compute_plan(source, destination)


def test_finish_script_does_not_run_dollar_paren_in_a_hostname(tmp_path: Path) -> None:
    plan = compute_plan(*seed_pair())
    mark = tmp_path / "pwned"
    evil = _renamed(plan.destination, f"evil$(touch {mark})`touch {mark}`")
    work = zone_work_of(plan)
    actions = _post_actions(work, _blocked_zones(plan.zones), set(), plan.global_zone_port)
    script = _finish_script(plan.source, evil, actions)
    box = ShellSandbox(tmp_path / "box")
    result = box.run(script)
    assert result.returncode == 0, result.stderr
    assert not mark.exists(), "the hostname's $(...) ran"
    assert f"start: fixes for evil$(touch {mark})" in result.stdout  # logged literally


def test_a_newline_never_leaves_the_header_comment() -> None:
    plan = compute_plan(*seed_pair())
    evil = _renamed(plan.destination, "web01\nrm -rf /")
    with pytest.raises(UnsafeValueError, match="line break"):
        _finish_script(plan.source, evil, [])


def test_the_blocked_guard_prints_blockers_without_expanding_them(tmp_path: Path) -> None:
    plan = compute_plan(*seed_pair())
    mark = tmp_path / "pwned"
    bundle = build_runbook(
        plan.source,
        plan.destination,
        zone_work_of(plan),
        _blocked_zones(plan.zones),
        set(),
        plan.global_zone_port,
        plan.options,
        [f"FS_NFS z-nfs: fs /opt/$(touch {mark}) `touch {mark}` \"quoted\" 'single'"],
    )
    result = ShellSandbox(tmp_path / "box").run(bundle.pre_archive_script)
    assert result.returncode == 2
    assert not mark.exists()
    assert f"fs /opt/$(touch {mark}) `touch {mark}` \"quoted\" 'single'" in result.stderr


def test_runbook_install_commands_quote_every_value(tmp_path: Path) -> None:
    """mkdir/cp/echo rules/add_install_client, run by sh with hostile directories past the boundary."""
    plan = compute_plan(*seed_pair())
    mark = tmp_path / "pwned"
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    js = work_dir / f"js $(touch {mark}); dir"
    image = work_dir / f"image`touch {mark}`"
    options = PlanOptions(jumpstart_dir=str(js), install_image_dir=str(image), jumpstart_server="js01")
    actions = _destination_actions(plan.source, plan.destination, options)
    host = plan.destination.hostname
    for name in (f"{host}.profile", "sysidcfg", FINISH_SCRIPT_NAME):
        (work_dir / name).write_text("x\n")
    box = ShellSandbox(tmp_path / "box")

    put = next(a for a in actions if a.command.startswith("mkdir -p") and "sysidcfg" in a.command)
    assert box.run(put.command, cwd=work_dir).returncode == 0
    assert (js / "sysidcfg" / host / "sysidcfg").is_file()
    assert (js / f"zflar-postflash-{host}.sh").is_file()  # at the top of the JumpStart directory
    assert (js / f"{host}.profile").is_file()

    (js / "check").write_text('#!/bin/sh\necho "check $*" >>"$CALLS"\n')
    (js / "check").chmod(0o755)
    rules = next(a for a in actions if "nawk" in a.command)
    result = box.run(rules.command, cwd=work_dir)
    assert result.returncode == 0, result.stderr
    rule = f"hostname {host} - {host}.profile zflar-postflash-{host}.sh\n"
    assert (js / "rules").read_text() == rule
    assert "check " in box.calls_made()

    tools = image / "Solaris_10" / "Tools"
    tools.mkdir(parents=True)
    (tools / "add_install_client").write_text('#!/bin/sh\nfor a in "$@"; do echo "arg $a" >>"$CALLS"; done\n')
    (tools / "add_install_client").chmod(0o755)
    client = next(a for a in actions if "add_install_client" in a.command)
    assert box.run(client.command, cwd=work_dir).returncode == 0
    args = [line.removeprefix("arg ") for line in box.calls_made() if line.startswith("arg ")]
    arch = plan.destination.uname.machine or "sun4u"
    assert args == ["-c", f"js01:{js}", "-p", f"js01:{js}/sysidcfg/{host}", host, arch]

    (box.bin / "share").write_text('#!/bin/sh\nfor a in "$@"; do echo "share $a" >>"$CALLS"; done\n')
    (box.bin / "share").chmod(0o755)
    share = next(a for a in actions if "share -F nfs" in a.command)  # the JumpStart directory, first
    assert box.run(share.command, cwd=work_dir).returncode == 0
    shared = [line.removeprefix("share ") for line in box.calls_made() if line.startswith("share ")]
    assert shared == ["-F", "nfs", "-o", "ro,anon=0", str(js)]
    assert not mark.exists()


def test_every_script_line_still_parses_as_the_words_it_means() -> None:
    """The seed plan's commands split (shlex, POSIX rules) into the arguments they name."""
    plan = compute_plan(*seed_pair())
    for step in plan.steps:
        if step.command:
            shlex.split(step.command)  # no unbalanced quote anywhere
