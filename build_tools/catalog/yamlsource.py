"""Load a YAML file into plain Python data while remembering where every node stood.

The loader walks the parser's event stream itself instead of using PyYAML's composer: the
walk is iterative (deep nesting cannot blow the stack), aliases are refused (an alias bomb
cannot blow memory), duplicate keys are errors, and scalars follow the YAML 1.2 core schema
(only ``true``/``false`` are booleans, so ``free: yes`` stays the string ``"yes"``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from build_tools.problems import Problem

try:  # libyaml is an order of magnitude faster on large catalogs
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64

Path_ = tuple[Any, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
# Every scalar the patterns above resolve starts with one of these, or is one of these words.
_MAYBE_TYPED = re.compile(r"[-+.0-9~]|(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$")


class YamlSourceError(Exception):
    """The file could not be read as YAML; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Located:
    """Plain data plus the (line, col) of each value and each mapping key, by path."""

    path: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of ``loc``, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        if key and loc in self.keys:
            return self.keys[loc]
        while loc:
            if loc in self.values:
                return self.values[loc]
            if loc in self.keys:
                return self.keys[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))

    def problem(self, loc: Path_, message: str, *, key: bool = False) -> Problem:
        line, col = self.where(loc, key=key)
        return Problem(self.path, line, col, message)


def _position(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _line_col_of_offset(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def resolve_plain(value: str) -> Any:
    """Type of an unquoted scalar under the YAML 1.2 core schema."""
    if value and not _MAYBE_TYPED.match(value):
        return value  # most catalog scalars: words, which no pattern below can match
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    return value


def decode(raw: bytes, path: str) -> str:
    """Bytes to text: UTF-8 with an optional BOM; anything else is a located error."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = _line_col_of_offset(good, len(good))
        raise YamlSourceError(
            [Problem(path, line, col, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]
        ) from None


class _Builder:
    """Turns parser events into data, one container on a stack per open node."""

    def __init__(self, path: str):
        self.located = Located(path, None)
        self.stack: list[list[Any]] = []  # [container, path, pending_key]
        self.documents = 0

    def fail(self, mark, message: str) -> None:
        line, col = _position(mark)
        raise YamlSourceError([Problem(self.located.path, line, col, message)])

    def _refuse(self, ev) -> None:
        """Fail on what a node event may carry but a catalog must not: an anchor or a tag."""
        if ev.anchor:
            self.fail(
                ev.start_mark, "anchors and aliases are not allowed here; write the value out"
            )
        if ev.tag not in (None, "!"):
            self.fail(ev.start_mark, f"YAML tags such as '{ev.tag}' are not allowed here")

    def _add(self, value: Any, mark) -> None:
        """Attach a node to the open container and note where it stood (a mapping key's
        place goes to ``keys``, every other node's to ``values``)."""
        position = (mark.line + 1, mark.column + 1)
        if not self.stack:
            self.located.values[()] = position
            self.located.data = value
            return
        top = self.stack[-1]
        container, path, pending = top
        if type(container) is list:
            self.located.values[(*path, len(container))] = position
            container.append(value)
        elif pending is not _NO_KEY:
            self.located.values[(*path, pending)] = position
            container[pending] = value
            top[2] = _NO_KEY
        elif type(value) is not str:
            self.fail(mark, "mapping keys must be plain strings")
        elif value in container:
            first = self.located.keys[(*path, value)]
            self.fail(mark, f"duplicate key '{value}' (first defined at line {first[0]})")
        else:
            self.located.keys[(*path, value)] = position
            top[2] = value

    # Called once per parser event (about 30 per catalog entry): the common kinds are tested
    # first, by exact type, so a 30,000-entry catalog loads in a fraction of its parse time.
    def event(self, ev) -> None:
        kind = type(ev)
        if kind is yaml.ScalarEvent:
            if ev.anchor is not None or ev.tag is not None:
                self._refuse(ev)
            value = ev.value
            self._add(resolve_plain(value) if not ev.style else value, ev.start_mark)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.stack.pop()
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if ev.anchor is not None or ev.tag is not None:
                self._refuse(ev)
            if len(self.stack) >= MAX_DEPTH:
                self.fail(ev.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
            path = self._child_path(ev.start_mark)
            container: Any = [] if kind is yaml.SequenceStartEvent else {}
            self._add(container, ev.start_mark)
            self.stack.append([container, path, _NO_KEY])
        elif kind is yaml.AliasEvent:
            self.fail(
                ev.start_mark, "anchors and aliases are not allowed here; write the value out"
            )
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                self.fail(ev.start_mark, "expected a single YAML document, found another")

    def _child_path(self, mark) -> Path_:
        """Path of the container about to be added; a container cannot be a mapping key."""
        if not self.stack:
            return ()
        container, path, pending = self.stack[-1]
        if type(container) is list:
            return (*path, len(container))
        if pending is _NO_KEY:
            self.fail(mark, "mapping keys must be plain strings")
        return (*path, pending)


_NO_KEY = object()
_UNCLOSED = re.compile(r"while (?:scanning|parsing) an? ((?:quoted|block) scalar|flow \w+)")


def _runaway_quote(text: str, error_index: int):
    """The quoted scalar just before ``error_index`` when it spans several lines, else None.

    Catalog values are one line each, so a multi-line quoted scalar right before a syntax
    error is almost always a quote that was never closed.
    """
    last = None
    try:
        for token in yaml.scan(text[:error_index], Loader=_Loader):
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    if last is None or last.style not in ('"', "'") or last.end_mark.index > error_index:
        return None
    return last if last.end_mark.line > last.start_mark.line else None


def load_text(text: str, path: str) -> Located:
    """Parse YAML text; raise YamlSourceError with a located problem on any failure."""
    builder = _Builder(path)
    try:
        for ev in yaml.parse(text, Loader=_Loader):
            builder.event(ev)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "invalid YAML"
        opened = _UNCLOSED.search(exc.context or "")
        if opened and exc.context_mark is not None:
            # The parser gives up where the text ends or the next key begins; the mistake
            # is where the construct that never closed began.
            found = f" ({reason} at line {_position(mark)[0]})" if mark is not None else ""
            mark, reason = exc.context_mark, f"this {opened.group(1)} is never closed{found}"
        elif mark is not None and (runaway := _runaway_quote(text, mark.index)) is not None:
            # A quote left open swallows the lines below it up to the next quote character,
            # and the parser notices only there: report where the quote opened.
            reason = (
                f"this quoted scalar runs on to line {runaway.end_mark.line + 1}; "
                f"is its closing quote missing? ({reason} at line {mark.line + 1})"
            )
            mark = runaway.start_mark
        if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
            reason = "a tab character; YAML is indented with spaces only"
        builder.fail(mark, f"YAML syntax error: {reason}")
    except yaml.reader.ReaderError as exc:
        line, col = _line_col_of_offset(text, exc.position)
        raise YamlSourceError(
            [
                Problem(
                    path,
                    line,
                    col,
                    f"YAML syntax error: character {exc.character!r} is not allowed",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        builder.fail(None, f"YAML syntax error: {exc}")
    return builder.located


def load_file(path: str | Path, display: str | None = None) -> Located:
    """Read, decode and parse a YAML file, with every failure reported as a Problem."""
    shown = display or str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise YamlSourceError([Problem(shown, 1, 1, "file not found")]) from None
    except IsADirectoryError:
        raise YamlSourceError([Problem(shown, 1, 1, "is a directory, not a file")]) from None
    except OSError as exc:
        raise YamlSourceError([Problem(shown, 1, 1, f"cannot read file: {exc.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        raise YamlSourceError(
            [Problem(shown, 1, 1, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")]
        )
    return load_text(decode(raw, shown), shown)
