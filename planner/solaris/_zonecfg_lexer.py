"""Tokenizer for zonecfg command text (``zonecfg export`` output and ``-f`` command files).

It follows zonecfg's own lexer: commands end at a newline or ``;``; ``#`` starts
a comment only where a command starts; ``"..."`` is one token with no escapes
and cannot span lines; ``= [ ] ( )`` are tokens of their own; a comma separates
items only inside ``[...]`` or ``(...)`` (at top level ``default,proc_info`` is
one word, which is how ``limitpriv`` is exported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import SolarisParseError

# Token kinds: "word", "string" (was quoted), and the punctuation itself.
PUNCTUATION = frozenset("=[](),")
_WORD_STOP_TOP = frozenset(' \t\r\n";=[]()')
_WORD_STOP_NESTED = _WORD_STOP_TOP | {","}
# A word runs up to the next stop character (one regex match instead of a loop per character).
_WORD_TOP = re.compile("[^" + re.escape("".join(sorted(_WORD_STOP_TOP))) + "]*")
_WORD_NESTED = re.compile("[^" + re.escape("".join(sorted(_WORD_STOP_NESTED))) + "]*")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int


@dataclass
class Command:
    tokens: list[Token] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.tokens[0].line


class _Lexer:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.pos = 0
        self.line = 1
        self.commands: list[Command] = []
        self.current = Command()
        # Open brackets, innermost last, with the line they opened on.
        self.open_brackets: list[tuple[str, int]] = []

    def error(self, message: str, line: int | None = None) -> SolarisParseError:
        return SolarisParseError(message, source=self.source, line=self.line if line is None else line)

    def run(self) -> list[Command]:
        while self.pos < len(self.text):
            self.step(self.text[self.pos])
        self.finish_command()
        return self.commands

    def step(self, char: str) -> None:
        if char == "\n":
            self.finish_command()
            self.line += 1
            self.pos += 1
        elif char == ";":
            self.finish_command()
            self.pos += 1
        elif char in " \t\r":
            self.pos += 1
        elif char == "#" and not self.current.tokens:
            self.skip_comment()
        elif char == '"':
            self.read_string()
        elif char in PUNCTUATION and (char != "," or self.open_brackets):
            self.read_punctuation(char)
        else:
            self.read_word()

    def finish_command(self) -> None:
        if self.open_brackets:
            bracket, opened_on = self.open_brackets[-1]
            closer = "]" if bracket == "[" else ")"
            raise self.error(f"unterminated {bracket!r} (opened on line {opened_on}); expected {closer!r}")
        if self.current.tokens:
            self.commands.append(self.current)
            self.current = Command()

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end == -1 else end

    def read_string(self) -> None:
        end = self.text.find('"', self.pos + 1)
        newline = self.text.find("\n", self.pos + 1)
        if end == -1 or (newline != -1 and newline < end):
            raise self.error('unterminated quoted string; a closing " is missing on this line')
        self.add("string", self.text[self.pos + 1 : end])
        self.pos = end + 1

    def read_punctuation(self, char: str) -> None:
        if char in "[(":
            self.open_brackets.append((char, self.line))
        elif char in "])":
            opener = "[" if char == "]" else "("
            if not self.open_brackets or self.open_brackets[-1][0] != opener:
                raise self.error(f"{char!r} without a matching {opener!r}")
            self.open_brackets.pop()
        self.add(char, char)
        self.pos += 1

    def read_word(self) -> None:
        word = (_WORD_NESTED if self.open_brackets else _WORD_TOP).match(self.text, self.pos)
        end = word.end() if word else self.pos
        self.add("word", self.text[self.pos : end])
        self.pos = end

    def add(self, kind: str, text: str) -> None:
        self.current.tokens.append(Token(kind, text, self.line))


def tokenize(text: str, *, source: str) -> list[Command]:
    """Split zonecfg command text into commands of tokens."""
    return _Lexer(text, source).run()
