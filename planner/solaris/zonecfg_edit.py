"""Apply the zonecfg editing commands zflar generates to a ZoneConfig.

The finish script changes zones with commands such as
``zonecfg -z web 'select net physical=bge0; set physical=e1000g0; end'``.
The local executor has no zonecfg binary, so it applies the very same command
text here; that keeps one source of truth for what a remap does.

Supported: ``set <global>=v``, ``select net|device|fs <prop>=<v>...``,
``set <prop>=<v>`` inside a selection, ``end``, and ``remove net|device|fs
<prop>=<v>...``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from ._zonecfg_lexer import tokenize
from .errors import SolarisParseError
from .inventory import ZoneConfig, ZoneDevice, ZoneFs, ZoneNet

_GLOBALS = {
    "autoboot": "autoboot",
    "zonepath": "zonepath",
    "pool": "pool",
    "limitpriv": "limitpriv",
    "bootargs": "bootargs",
    "ip-type": "ip_type",
    "scheduling-class": "scheduling_class",
}
_RESOURCE_PROPS = {
    "net": {"physical": "physical", "address": "address", "defrouter": "defrouter"},
    "device": {"match": "match"},
    "fs": {"dir": "dir", "special": "special", "raw": "raw", "type": "type"},
}
Resource = ZoneNet | ZoneDevice | ZoneFs


@dataclass
class _Selection:
    kind: str
    item: Resource


def split_commands(text: str) -> list[list[str]]:
    """Commands end at ';' or a newline; words and ``"quoted strings"`` as zonecfg's lexer reads them.

    ``prop=value`` (three tokens to the lexer) comes back as one ``prop=value`` word.  This is the
    lexer the parsers use, so a value the runner quoted for zonecfg reads back exactly, and a ';'
    outside quotes ends a command here just as it does in zonecfg.
    """
    commands: list[list[str]] = []
    for command in tokenize(text, source="zonecfg"):
        words: list[str] = []
        tokens = command.tokens
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.kind in ("word", "string"):
                words.append(token.text)
                index += 1
                continue
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if (
                token.kind != "="
                or not words
                or following is None
                or following.kind not in ("word", "string")
            ):
                raise SolarisParseError(
                    f"cannot read {token.text!r} here: expected property=value",
                    source="zonecfg",
                    line=token.line,
                )
            words[-1] = f"{words[-1]}={following.text}"
            index += 2
        commands.append(words)
    return commands


def apply_zonecfg_commands(config: ZoneConfig, text: str) -> ZoneConfig:
    """Return a copy of ``config`` with the commands applied; raise SolarisParseError on a bad command."""
    cfg = copy.deepcopy(config)
    selection: _Selection | None = None
    for words in split_commands(text):
        verb, args = words[0], words[1:]
        if verb == "select":
            selection = _select(cfg, args)
        elif verb == "set":
            _set(cfg, selection, args)
        elif verb == "end":
            if selection is None:
                raise SolarisParseError("'end' without a selected resource", source=f"zonecfg -z {cfg.name}")
            selection = None
        elif verb == "remove":
            _remove(cfg, args)
        elif verb in ("commit", "verify", "exit"):
            continue
        else:
            raise SolarisParseError(f"unsupported zonecfg command {verb!r}", source=f"zonecfg -z {cfg.name}")
    if selection is not None:
        raise SolarisParseError(
            "a selected resource was not closed with 'end'", source=f"zonecfg -z {cfg.name}"
        )
    return cfg


def _pairs(args: list[str], where: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for arg in args:
        if "=" not in arg:
            raise SolarisParseError(f"expected property=value, got {arg!r}", source=where)
        key, value = arg.split("=", 1)
        pairs[key] = value
    return pairs


def _items(cfg: ZoneConfig, kind: str) -> list[Resource]:
    if kind == "net":
        return list(cfg.nets)
    if kind == "device":
        return list(cfg.devices)
    if kind == "fs":
        return list(cfg.fs)
    raise SolarisParseError(f"cannot select or remove resource {kind!r}", source=f"zonecfg -z {cfg.name}")


def _matching(cfg: ZoneConfig, kind: str, pairs: dict[str, str]) -> list[Resource]:
    props = _RESOURCE_PROPS[kind]
    for key in pairs:
        if key not in props:
            raise SolarisParseError(f"{kind} has no property {key!r}", source=f"zonecfg -z {cfg.name}")
    return [item for item in _items(cfg, kind) if all(getattr(item, props[k]) == v for k, v in pairs.items())]


def _select(cfg: ZoneConfig, args: list[str]) -> _Selection:
    where = f"zonecfg -z {cfg.name}"
    if not args:
        raise SolarisParseError("'select' needs a resource type", source=where)
    kind = args[0]
    found = _matching(cfg, kind, _pairs(args[1:], where))
    if len(found) != 1:
        what = "no" if not found else "more than one"
        raise SolarisParseError(f"{what} {kind} resource matches {' '.join(args[1:])}", source=where)
    return _Selection(kind=kind, item=found[0])


def _set(cfg: ZoneConfig, selection: _Selection | None, args: list[str]) -> None:
    where = f"zonecfg -z {cfg.name}"
    pairs = _pairs(args, where)
    for key, value in pairs.items():
        if selection is None:
            if key not in _GLOBALS:
                raise SolarisParseError(f"cannot set global property {key!r}", source=where)
            attr = _GLOBALS[key]
            setattr(cfg, attr, value == "true" if attr == "autoboot" else value)
        else:
            props = _RESOURCE_PROPS[selection.kind]
            if key not in props:
                raise SolarisParseError(f"{selection.kind} has no property {key!r}", source=where)
            setattr(selection.item, props[key], value)


def _remove(cfg: ZoneConfig, args: list[str]) -> None:
    where = f"zonecfg -z {cfg.name}"
    if not args:
        raise SolarisParseError("'remove' needs a resource type", source=where)
    kind = args[0]
    doomed = _matching(cfg, kind, _pairs(args[1:], where))
    if not doomed:
        raise SolarisParseError(f"no {kind} resource matches {' '.join(args[1:])}", source=where)
    ids = {id(d) for d in doomed}
    if kind == "net":
        cfg.nets = [n for n in cfg.nets if id(n) not in ids]
    elif kind == "device":
        cfg.devices = [d for d in cfg.devices if id(d) not in ids]
    else:
        cfg.fs = [f for f in cfg.fs if id(f) not in ids]
