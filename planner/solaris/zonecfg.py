"""Readers for ``zonecfg -z ZONE export`` and ``zonecfg -z ZONE info``.

``parse_zonecfg_export`` reads the Solaris 10 export, the illumos export (a
different resource order; nothing here depends on order) and zonecfg command
files (``zonecfg -z z -f FILE``) including ``select``/``remove``/``cancel``.
``parse_zonecfg_info`` reads the human-readable ``info`` listing.
Both return the canonical :class:`ZoneConfig` described in ``zonemodel``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ._text import numbered_lines, units_to_bytes
from ._zonecfg_builder import RESOURCES, Complex, Item, Value, ZoneBuilder
from ._zonecfg_lexer import Command, Token, tokenize
from .errors import SolarisParseError
from .inventory import ZoneCappedMemory, ZoneConfig
from .zonemodel import CPU_CAP_RCTL, LOCKED_RCTL, RCTL_ALIASES, SWAP_RCTL

# Commands that only matter in an interactive session; a saved file may contain them.
_NO_OP_COMMANDS = frozenset({"commit", "verify", "exit", "info", "help", "export"})


class _Cursor:
    """Walks the tokens of one command."""

    def __init__(self, command: Command, source: str) -> None:
        self.tokens = command.tokens
        self.index = 0
        self.source = source
        self.line = command.line

    def error(self, message: str) -> SolarisParseError:
        return SolarisParseError(message, source=self.source, line=self.line)

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, what: str) -> Token:
        token = self.peek()
        if token is None:
            raise self.error(f"expected {what} at the end of the command")
        self.index += 1
        return token

    def word(self, what: str) -> str:
        token = self.take(what)
        if token.kind != "word":
            raise self.error(f"expected {what}, found {token.text!r}")
        return token.text

    def punctuation(self, kind: str, context: str) -> None:
        token = self.take(f"{kind!r} {context}")
        if token.kind != kind:
            raise self.error(f"expected {kind!r} {context}, found {token.text!r}")

    def at_end(self) -> bool:
        return self.index >= len(self.tokens)

    def expect_end(self, usage: str) -> None:
        token = self.peek()
        if token is not None:
            raise self.error(f"unexpected {token.text!r}; usage: {usage}")

    def value(self) -> Value:
        token = self.take("a value")
        if token.kind in ("word", "string"):
            return token.text
        if token.kind == "[":
            return self.list_rest()
        if token.kind == "(":
            return self.complex_rest()
        raise self.error(f"expected a value, found {token.text!r}")

    def list_rest(self) -> list[Item]:
        items: list[Item] = []
        if self.peek() is not None and self.tokens[self.index].kind == "]":
            self.index += 1
            return items
        while True:
            token = self.take("a list item")
            if token.kind in ("word", "string"):
                items.append(token.text)
            elif token.kind == "(":
                items.append(self.complex_rest())
            else:
                raise self.error(f"expected a list item, found {token.text!r}")
            separator = self.take("',' or ']' in the list")
            if separator.kind == "]":
                return items
            if separator.kind != ",":
                raise self.error(f"expected ',' or ']' in the list, found {separator.text!r}")

    def complex_rest(self) -> Complex:
        pairs: Complex = {}
        while True:
            name = self.word("a name inside (...)")
            self.punctuation("=", f"after {name!r} inside (...)")
            token = self.take(f"a value for {name!r}")
            if token.kind not in ("word", "string"):
                raise self.error(f"expected a value for {name!r}, found {token.text!r}")
            if name in pairs:
                raise self.error(f"{name!r} appears twice inside (...)")
            pairs[name] = token.text
            separator = self.take("',' or ')'")
            if separator.kind == ")":
                return pairs
            if separator.kind != ",":
                raise self.error(f"expected ',' or ')', found {separator.text!r}")

    def assignment(self, verb: str) -> tuple[str, Value]:
        name = self.word(f"a property name after {verb!r}")
        self.punctuation("=", f"after '{verb} {name}'")
        return name, self.value()

    def filters(self) -> dict[str, str]:
        """``prop=value`` pairs after ``select``/``remove RESOURCE``."""
        result: dict[str, str] = {}
        while not self.at_end():
            name = self.word("property=value")
            self.punctuation("=", f"after {name!r}")
            token = self.take(f"a value for {name!r}")
            if token.kind not in ("word", "string"):
                raise self.error(f"expected a plain value for {name!r}, found {token.text!r}")
            result[name] = token.text
        return result


class _ExportReader:
    def __init__(self, source: str, zonename: str | None) -> None:
        self.source = source
        self.builder = ZoneBuilder(source=source, zonename=zonename)
        self.handlers: dict[str, Callable[[_Cursor], None]] = {
            "create": self.create,
            "set": self.set,
            "add": self.add,
            "remove": self.remove,
            "select": self.select,
            "clear": self.clear,
            "end": self.end,
            "cancel": self.cancel,
            "delete": self.delete,
        }

    def run(self, text: str) -> ZoneConfig:
        commands = tokenize(text, source=self.source)
        for command in commands:
            self.dispatch(_Cursor(command, self.source))
        return self.builder.finish()

    def dispatch(self, cursor: _Cursor) -> None:
        verb = cursor.word("a zonecfg command")
        if verb in _NO_OP_COMMANDS:
            return
        handler = self.handlers.get(verb)
        if handler is None:
            known = ", ".join([*self.handlers, *sorted(_NO_OP_COMMANDS)])
            raise cursor.error(f"unknown zonecfg command {verb!r}; expected one of {known}")
        handler(cursor)

    @property
    def in_resource(self) -> bool:
        return self.builder.resource is not None

    def create(self, cursor: _Cursor) -> None:
        mode, argument = "sparse", ""
        while not cursor.at_end():
            flag = cursor.word("a create option")
            if flag == "-F":
                continue
            if flag == "-b":
                mode = "whole"
            elif flag in ("-t", "-a"):
                mode = "template" if flag == "-t" else "attach"
                argument = cursor.word("a template name" if flag == "-t" else "a zonepath")
            else:
                raise cursor.error(
                    f"unknown create option {flag!r}; usage: create [-F] [-b | -t TEMPLATE | -a PATH]"
                )
        self.builder.create(mode, argument, cursor.line)

    def set(self, cursor: _Cursor) -> None:
        name, value = cursor.assignment("set")
        value = self.join_unquoted_free_text(cursor, name, value)
        cursor.expect_end(f"set {name}=VALUE")
        if self.in_resource:
            self.builder.set_property(name, value, cursor.line)
        else:
            self.builder.set_global(name, value, cursor.line)

    @staticmethod
    def join_unquoted_free_text(cursor: _Cursor, name: str, value: Value) -> Value:
        """Solaris 10 exports ``bootargs``/``limitpriv`` unquoted, so spaces split them into words."""
        if name not in ("bootargs", "limitpriv") or not isinstance(value, str):
            return value
        words = [value]
        while (token := cursor.peek()) is not None and token.kind in ("word", "string"):
            words.append(token.text)
            cursor.index += 1
        return " ".join(words)

    def add(self, cursor: _Cursor) -> None:
        name = cursor.word("a resource type after 'add'")
        if not self.in_resource or name in RESOURCES:
            cursor.expect_end(f"add {name}")
            self.builder.begin_resource(name, cursor.line)
            return
        value = cursor.value()
        cursor.expect_end(f"add {name} VALUE")
        self.builder.add_to_property(name, value, cursor.line)

    def remove(self, cursor: _Cursor) -> None:
        name = cursor.word("a resource type after 'remove'")
        if name == "-F":
            name = cursor.word("a resource type after 'remove -F'")
        if not self.in_resource or name in RESOURCES:
            self.builder.remove_resources(name, cursor.filters(), cursor.line)
            return
        value = cursor.value()
        cursor.expect_end(f"remove {name} VALUE")
        self.builder.remove_from_property(name, value, cursor.line)

    def select(self, cursor: _Cursor) -> None:
        kind = cursor.word("a resource type after 'select'")
        self.builder.select_resource(kind, cursor.filters(), cursor.line)

    def clear(self, cursor: _Cursor) -> None:
        name = cursor.word("a property name after 'clear'")
        cursor.expect_end(f"clear {name}")
        if self.in_resource:
            self.builder.clear_property(name, cursor.line)
        else:
            self.builder.clear_global(name, cursor.line)

    def end(self, cursor: _Cursor) -> None:
        cursor.expect_end("end")
        self.builder.end_resource(cursor.line)

    def cancel(self, cursor: _Cursor) -> None:
        cursor.expect_end("cancel")
        self.builder.cancel_resource(cursor.line)

    def delete(self, cursor: _Cursor) -> None:
        while not cursor.at_end():
            if cursor.word("'-F'") != "-F":
                raise cursor.error("usage: delete [-F]")
        self.builder.delete(cursor.line)


def parse_zonecfg_export(text: str, *, source: str, zonename: str | None = None) -> ZoneConfig:
    """Read ``zonecfg -z ZONE export`` output (or a zonecfg command file).

    The export never names the zone, so ``zonename`` comes from the caller
    (e.g. the file name ``zones/web01.cfg``); a ``set zonename=`` line wins.
    """
    return _ExportReader(source, zonename).run(text)


# --- zonecfg info ---------------------------------------------------------------------------

_INFO_PROPERTY = re.compile(r"([a-z][a-z0-9-]*):(?:[ \t]+(.*))?")
_INFO_NOT_SPECIFIED = re.compile(r"([a-z][a-z0-9-]*) not specified")
# Bracketed info lines are views of rctls; they only count when the rctl block is absent.
_INFO_DEFERRED_RESOURCES = ("capped-cpu", "capped-memory")
_INFO_VIEW_RCTLS = {
    ("capped-cpu", "ncpus"): CPU_CAP_RCTL,
    ("capped-memory", "swap"): SWAP_RCTL,
    ("capped-memory", "locked"): LOCKED_RCTL,
}


class _InfoReader:
    def __init__(self, source: str, zonename: str | None) -> None:
        self.source = source
        self.builder = ZoneBuilder(source=source, zonename=zonename)
        # (resource kind or "" for global, property, value, line) applied at the end.
        self.deferred: list[tuple[str, str, str, int]] = []
        self.resource_kind = ""
        # "name:" with no value may be an unknown resource header; the next line tells.
        self.last_empty_global: tuple[str, int] | None = None

    def error(self, message: str, line: int) -> SolarisParseError:
        return SolarisParseError(message, source=self.source, line=line)

    def run(self, text: str) -> ZoneConfig:
        for number, raw in numbered_lines(text):
            if raw.strip():
                self.read_line(raw, number)
        self.close_resource()
        self.apply_deferred()
        return self.builder.finish()

    def read_line(self, raw: str, number: int) -> None:
        indented = raw[0] in " \t"
        stripped = raw.strip()
        if not indented:
            self.close_resource()
        elif not self.resource_kind:
            raise self.orphan_line_error(stripped, number)
        if _INFO_NOT_SPECIFIED.fullmatch(stripped):
            return
        bracketed = stripped.startswith("[") and stripped.endswith("]")
        match = _INFO_PROPERTY.fullmatch(stripped[1:-1].strip() if bracketed else stripped)
        if match is None:
            raise self.error(
                f"expected 'property: value' as zonecfg info prints it, found {stripped!r}", number
            )
        name, value = match.group(1), (match.group(2) or "").strip()
        if indented:
            self.resource_property(name, value, number)
        else:
            self.global_line(name, value, bracketed, number)

    def orphan_line_error(self, stripped: str, number: int) -> SolarisParseError:
        if self.last_empty_global is not None:
            name, header_line = self.last_empty_global
            known = ", ".join(RESOURCES)
            return self.error(f"unknown resource type {name!r}; zonecfg knows {known}", header_line)
        return self.error(f"indented line {stripped!r} does not belong to any resource", number)

    def global_line(self, name: str, value: str, bracketed: bool, number: int) -> None:
        self.last_empty_global = (name, number) if not value and name not in RESOURCES else None
        if bracketed:
            self.deferred.append(("", name, value, number))
        elif not value and name in RESOURCES:
            if name not in _INFO_DEFERRED_RESOURCES:
                self.builder.begin_resource(name, number)
            self.resource_kind = name
        elif value:
            self.builder.set_global(name, value, number)

    def resource_property(self, name: str, value: str, number: int) -> None:
        if self.resource_kind in _INFO_DEFERRED_RESOURCES:
            if name not in RESOURCES[self.resource_kind].properties:
                allowed = ", ".join(RESOURCES[self.resource_kind].properties)
                raise self.error(
                    f"'{name}' is not a property of {self.resource_kind}; it takes {allowed}", number
                )
            self.deferred.append((self.resource_kind, name, value, number))
        elif name == "options":
            self.builder.set_property(name, _info_list(value), number)
        elif name == "value" and self.resource_kind == "rctl":
            self.builder.add_to_property(name, self.rctl_value(value, number), number)
        elif value:
            self.builder.set_property(name, value, number)

    def rctl_value(self, text: str, number: int) -> Complex:
        match = re.fullmatch(r"\((.*)\)", text)
        pairs = [p.split("=", 1) for p in match.group(1).split(",")] if match else []
        if not pairs or any(len(p) != 2 for p in pairs):
            raise self.error(
                f"an rctl value must look like (priv=privileged,limit=100,action=deny), not {text!r}", number
            )
        return {key.strip(): value.strip() for key, value in pairs}

    def close_resource(self) -> None:
        """A block ends at the next unindented line; errors point at the block's header line."""
        if self.builder.resource is not None:
            self.builder.end_resource(self.builder.resource.line)
        self.resource_kind = ""

    def apply_deferred(self) -> None:
        """capped-cpu, capped-memory swap/locked and [alias: N] lines count only without their rctl block."""
        for kind, name, value, number in self.deferred:
            if kind == "capped-memory" and name == "physical":
                self.set_physical_cap(value, number)
                continue
            rctl_name = _INFO_VIEW_RCTLS.get((kind, name)) or (
                RCTL_ALIASES[name].rctl if name in RCTL_ALIASES else ""
            )
            if not rctl_name:
                raise self.error(f"unknown global line [{name}: {value}]", number)
            if any(r.name == rctl_name for r in self.builder.cfg.rctls):
                continue
            if kind == "capped-cpu":
                self.builder.store_capped_cpu(value, number)
            elif kind == "capped-memory":
                alias = "max-swap" if name == "swap" else "max-locked-memory"
                self.builder.set_alias(alias, value, number)
            else:
                self.builder.set_alias(name, value, number)

    def set_physical_cap(self, value: str, number: int) -> None:
        if units_to_bytes(value) is None:
            raise self.error(f"capped-memory physical must be a size like 512M or 2G, not {value!r}", number)
        cfg = self.builder.cfg
        cfg.capped_memory = cfg.capped_memory or ZoneCappedMemory()
        cfg.capped_memory.physical = value


def _info_list(text: str) -> list[Item]:
    """``[ro,nodevices]`` -> ["ro", "nodevices"]; a bare word is a one-item list."""
    inner = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    items = [item.strip().strip('"') for item in inner.split(",")]
    return [item for item in items if item]


def parse_zonecfg_info(text: str, *, source: str, zonename: str | None = None) -> ZoneConfig:
    """Read ``zonecfg -z ZONE info`` output; its ``zonename:`` line wins over ``zonename``."""
    return _InfoReader(source, zonename).run(text)


def looks_like_zonecfg_info(text: str) -> bool:
    """``info`` output starts with ``zonename:``; an export starts with ``create``."""
    for _, line in numbered_lines(text):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped.startswith("zonename:")
    return False


def parse_zonecfg(text: str, *, source: str, zonename: str | None = None) -> ZoneConfig:
    """Either form of zonecfg output, told apart by its first line."""
    if looks_like_zonecfg_info(text):
        return parse_zonecfg_info(text, source=source, zonename=zonename)
    return parse_zonecfg_export(text, source=source, zonename=zonename)
