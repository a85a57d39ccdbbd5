"""Canonical text of resources.yml: key order, quoting, indentation and resource order.

The catalog is read twice: with the located loader (data plus the line of every key and
list item) and with PyYAML's scanner (the span of every scalar, so a ``#`` inside a quoted
title or a URL fragment is never mistaken for a comment). Every comment is then attached
to a node: a full-line comment to the node that follows it, an end-of-line comment to the
key (or list item) on its line. The text is emitted again from the data alone, with each
comment printed beside its node, so comments travel with the resource they describe when
resources are reordered, and formatting is a pure function of data plus comments — hence
idempotent.

A small emitter of our own, rather than a round-trip library's: the catalog's shape is
fixed and shallow, and round-trip loaders attach a full-line comment to the node *before*
it, which moves comments onto the wrong resource as soon as resources are sorted.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.emitter import Emitter
from yaml.resolver import Resolver

from build_tools.catalog.model import validate
from build_tools.catalog.yamlsource import load_text, resolve_plain

STAGE_KEYS = ("number", "title", "goal", "outcomes", "capstone", "rules")
RESOURCE_KEYS = (
    "id",
    "title",
    "url",
    "kind",
    "stage",
    "authors",
    "free",
    "level",
    "tags",
    "summary",
    "prerequisites",
    "est_hours",
    "archived",
)
TOP_KEYS = ("stages", "resources")
# Short lists of names read best on one line; lists of sentences always get one line each.
FLOW_LISTS = ("authors", "tags", "prerequisites")
MAX_WIDTH = 100
INDENT = 2

Path_ = tuple[Any, ...]

_SCANNER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_EMITTER = Emitter(io.StringIO(), allow_unicode=True)
_RESOLVER = Resolver()


@dataclass
class Comments:
    """Comments of a file: its header, then the rest keyed by the path of their node."""

    header: list[str] = field(default_factory=list)
    leading: dict[Path_, list[str]] = field(default_factory=dict)
    eol: dict[Path_, list[str]] = field(default_factory=dict)
    trailing: list[str] = field(default_factory=list)

    def on_items(self, path: Path_, count: int) -> bool:
        """Whether a comment belongs to one of the ``count`` scalar items of the list at
        ``path``; looked up item by item, so formatting stays linear in the catalog."""
        return any((*path, i) in notes for i in range(count) for notes in (self.leading, self.eol))


# -- reading comments ------------------------------------------------------------------


def _scalar_spans(text: str) -> dict[int, list[tuple[int, int]]]:
    """Per line (0-based), the column ranges covered by scalars (keys and values)."""
    covered: dict[int, list[tuple[int, int]]] = {}
    # The same scanner as the loader (libyaml where built), so both accept the same text;
    # its columns count characters, not bytes.
    for token in yaml.scan(text, Loader=_SCANNER):
        if not isinstance(token, yaml.ScalarToken):
            continue
        start, end = token.start_mark, token.end_mark
        for line in range(start.line, end.line + 1):
            first = start.column if line == start.line else 0
            last = end.column if line == end.line else 1 << 30
            covered.setdefault(line, []).append((first, last))
    return covered


def _comment_start(line: str, covered: list[tuple[int, int]]) -> int | None:
    """Column where a comment starts on ``line``, or None."""
    for col, char in enumerate(line):
        if char != "#" or any(a <= col < b for a, b in covered):
            continue
        if col == 0 or line[col - 1] in " \t":
            return col
    return None


def _anchors(located) -> list[tuple[int, Path_]]:
    """(0-based line, path) of every mapping key and list item, in document order."""
    found = [(pos[0] - 1, path) for path, pos in located.keys.items()]
    found += [
        (pos[0] - 1, path)
        for path, pos in located.values.items()
        if path and isinstance(path[-1], int)
    ]
    return sorted(found, key=lambda item: (item[0], len(item[1])))


def _eol_anchor(on_line: list[Path_], before: Path_ | None) -> Path_ | None:
    # The deepest key on the line ("tags: [a, b]  # c" belongs to tags, not to b);
    # failing a key, the outermost list item; failing both, the last node above.
    keys = [p for p in on_line if isinstance(p[-1], str)]
    if keys:
        return max(keys, key=len)
    if on_line:
        return on_line[0]
    return before


def read_comments(text: str, located) -> Comments:
    """Attach every comment in ``text`` to a node of ``located``."""
    comments = Comments()
    covered = _scalar_spans(text)
    anchors = _anchors(located)
    by_line: dict[int, list[Path_]] = {}
    for line_no, path in anchors:
        by_line.setdefault(line_no, []).append(path)
    pending: list[str] = []  # full-line comments (and blank separators) awaiting their node
    last: Path_ | None = None
    for line_no, line in enumerate(text.splitlines()):
        col = _comment_start(line, covered.get(line_no, []))
        here = by_line.get(line_no, [])
        if here:
            comments.leading.setdefault(here[0], []).extend(_tidy(pending))
            pending = []
        if col is None:
            if not line.strip() and pending:
                pending.append("")
        elif not line[:col].strip() and not here:
            pending.append(line[col:].rstrip())
        else:
            target = _eol_anchor(here, last)
            if target is None:
                pending.append(line[col:].rstrip())
            else:
                comments.eol.setdefault(target, []).append(line[col:].rstrip())
        if here:
            last = here[-1]
    comments.trailing = _tidy(pending)
    if anchors:
        # Comments above the first key head the file (the schema line among them), whichever
        # top-level key comes first once formatted.
        comments.header = comments.leading.pop(anchors[0][1], [])
    comments.leading = {k: v for k, v in comments.leading.items() if v}
    return comments


def _tidy(block: list[str]) -> list[str]:
    """Blank lines inside a comment block collapse to one; none at its ends."""
    tidy: list[str] = []
    for entry in block:
        if entry or (tidy and tidy[-1]):
            tidy.append(entry)
    while tidy and not tidy[-1]:
        tidy.pop()
    return tidy


# -- writing ---------------------------------------------------------------------------


def scalar(value: Any, *, flow: bool = False) -> str:
    """One scalar as YAML: plain where every reader (YAML 1.1 and 1.2) gets the same
    value back, double-quoted otherwise (so ``free: "yes"`` stays a string everywhere)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    analysis = _EMITTER.analyze_scalar(value)
    plain_ok = analysis.allow_flow_plain if flow else analysis.allow_block_plain
    if (
        plain_ok
        and not analysis.multiline
        and not analysis.empty
        and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
        and resolve_plain(value) == value
    ):
        return value
    quoted = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=float("inf"))
    return quoted.rstrip("\n")


class _Writer:
    """Accumulates output lines, printing comments beside the nodes they belong to."""

    def __init__(self, comments: Comments):
        self.comments = comments
        self.lines: list[str] = []

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def leading(self, path: Path_, indent: int) -> None:
        for comment in self.comments.leading.get(path, []):
            self.lines.append(" " * indent + comment if comment else "")

    def line(self, text: str, *paths: Path_) -> None:
        notes = [c for p in paths for c in self.comments.eol.get(p, [])]
        self.lines.append("  ".join([text, *notes]))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _flow_list(items: list[Any]) -> str:
    return "[" + ", ".join(scalar(item, flow=True) for item in items) + "]"


def _key_value(
    out: _Writer, path: Path_, key: str, value: Any, indent: int, item: Path_ | None = None
) -> None:
    """``key: value`` at ``indent``; ``item`` is set on a list item's first key, which
    opens the item's line ("- key: value") and shares it with the item's own comment."""
    prefix = "- " if item else ""
    head = " " * indent + prefix + key + ":"
    owners = (item, path) if item else (path,)
    if not isinstance(value, list):
        out.line(f"{head} {scalar(value)}", *owners)
        return
    if not value:
        out.line(f"{head} []", *owners)
        return
    if key in FLOW_LISTS and not out.comments.on_items(path, len(value)):
        flow = f"{head} {_flow_list(value)}"
        if len(flow) <= MAX_WIDTH:
            out.line(flow, *owners)
            return
    out.line(head, *owners)
    item_indent = indent + len(prefix) + INDENT
    for index, item in enumerate(value):
        out.leading((*path, index), item_indent)
        out.line(" " * item_indent + "- " + scalar(item), (*path, index))


def _ordered(mapping: dict, order: Iterable[str]) -> list[str]:
    known = [key for key in order if key in mapping]
    return known + [key for key in mapping if key not in known]


def _item(out: _Writer, path: Path_, mapping: dict, order: Iterable[str], first: bool) -> None:
    """One mapping in a top-level list: ``  - first_key: ...`` then its other keys."""
    keys = _ordered(mapping, order)
    # A comment above "- key:" attaches to the item when read back, so the first key's own
    # comments join the item's; that keeps a second formatting pass identical.
    leading = out.comments.leading
    joined = leading.get(path, []) + leading.pop((*path, keys[0]), [])
    if joined:  # only commented items get an entry: a long catalog adds none
        leading[path] = joined
    if joined and not first:
        out.blank()  # a commented item opens a group ("# Stage 2 ..."): set it apart
    out.leading(path, INDENT)
    for position, key in enumerate(keys):
        key_path = (*path, key)
        if position:
            out.leading(key_path, INDENT * 2)
            _key_value(out, key_path, key, mapping[key], INDENT * 2)
        else:
            _key_value(out, key_path, key, mapping[key], INDENT, item=path)


def resource_order(resources: list[dict]) -> list[int]:
    """Indices of resources sorted by stage, then id."""
    return sorted(range(len(resources)), key=lambda i: (resources[i]["stage"], resources[i]["id"]))


def emit(data: dict, comments: Comments) -> str:
    """The canonical text of validated catalog data with its comments."""
    out = _Writer(comments)
    out.lines += comments.header
    orders = {"stages": STAGE_KEYS, "resources": RESOURCE_KEYS}
    for position, key in enumerate(_ordered(data, TOP_KEYS)):
        if position:
            out.blank()
        out.leading((key,), 0)
        items = data[key]
        out.line(f"{key}:" if items else f"{key}: []", (key,))
        indices = resource_order(items) if key == "resources" else range(len(items))
        for position, index in enumerate(indices):
            _item(out, (key, index), items[index], orders.get(key, ()), first=position == 0)
    if comments.trailing:
        out.blank()
        out.lines += comments.trailing
    return out.text()


def format_text(text: str, path: str = "resources.yml") -> str:
    """Canonical text of a catalog; raises CatalogError (located problems) when invalid."""
    located = load_text(text, path)
    validate(located)
    return emit(located.data, read_comments(text, located))
