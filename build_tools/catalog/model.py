"""The catalog: pydantic models for stages and resources, loading with located errors, JSON Schema.

``load_catalog`` reads ``resources.yml`` and returns a :class:`Catalog`, or raises
:class:`CatalogError` carrying every problem at once, each with the line and column of the
offending node.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from build_tools.catalog.yamlsource import Located, YamlSourceError, load_file
from build_tools.problems import Problem

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
STAGE_NUMBERS = range(1, 7)
SCHEMA_COMMENT = "# yaml-language-server: $schema=./resources.schema.json"


# Characters a URL may not hold as they are: each can end an HTML attribute or a Markdown
# link, or start a Markdown attribute list, wherever the URL is written. A URL that needs one
# carries it percent-encoded (``(`` as ``%28``), which every server reads the same.
_URL_REFUSED = "\"'<>`(){}\\^|"
_REFUSED_IN_URL = re.compile("[" + re.escape(_URL_REFUSED) + "]")
_SPACE = re.compile(r"\s")  # what str.isspace() calls a space, found by the regex engine
# Control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F), and text that
# reorders what follows it on screen (bidirectional embeddings, overrides and isolates) and
# so shows a reader something other than what the file says. One character class: a
# 30,000-entry catalog is searched by the regex engine, not character by character.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _invisible(value: str, allowed: str = "") -> str | None:
    """The first control character (or bidirectional control) in ``value``, if any."""
    for match in _INVISIBLE.finditer(value):
        if match[0] not in allowed:
            return match[0]
    return None


def _check_text(value: str) -> str:
    found = _invisible(value, allowed="\n\t")
    if found is not None:
        raise ValueError(f"must not contain the control character U+{ord(found):04X}")
    return value


def _check_url(value: str) -> str:
    if value != value.strip() or _SPACE.search(value):
        raise ValueError("URL must not contain spaces")
    found = _invisible(value)
    if found is not None:
        raise ValueError(f"URL must not contain the control character U+{ord(found):04X}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        shown = parts.scheme + ":" if parts.scheme else "no scheme"
        raise ValueError(f"URL must start with http:// or https:// (found {shown})")
    if not parts.hostname or "." not in parts.hostname and parts.hostname != "localhost":
        raise ValueError("URL must name a host such as example.org")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise ValueError("URL has an invalid port") from None
    refused = "".join(sorted(set(_REFUSED_IN_URL.findall(value))))
    if refused:
        raise ValueError(
            f"URL must not contain {' '.join(refused)} as written: percent-encode "
            f"{'it' if len(refused) == 1 else 'them'} (e.g. ( as %28, ) as %29)"
        )
    return value


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_check_text)
]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Url = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_check_url)]
StageNumber = Annotated[int, Field(ge=1, le=6)]


KINDS = ("course", "book", "video", "article", "paper", "notes", "tool", "dataset")
FREE = ("yes", "audit", "paid")
LEVELS = ("beginner", "intermediate", "advanced")
Kind = Literal["course", "book", "video", "article", "paper", "notes", "tool", "dataset"]
Free = Literal["yes", "audit", "paid"]
Level = Literal["beginner", "intermediate", "advanced"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Resource(_Strict):
    """One learning resource in the catalog."""

    id: Slug = Field(description="Unique slug, e.g. 'dive-into-deep-learning'.")
    title: Text = Field(max_length=200)
    url: Url = Field(description="http(s) address of the resource.")
    kind: Kind
    stage: StageNumber = Field(description="Curriculum stage, 1 to 6.")
    authors: list[Text] = Field(min_length=1)
    free: Free = Field(description="'yes', 'audit' (free to audit) or 'paid'.")
    level: Level
    tags: list[Slug] = Field(default_factory=list)
    summary: Text = Field(max_length=1000, description="Plain text in our own words.")
    prerequisites: list[Slug] = Field(default_factory=list)
    est_hours: Annotated[float, Field(gt=0, le=10000)] | None = None
    archived: bool = False

    @property
    def is_free(self) -> bool:
        return self.free != "paid"


class Stage(_Strict):
    """One of the six curriculum stages."""

    number: StageNumber
    title: Text = Field(max_length=120)
    goal: Text
    outcomes: list[Text] = Field(min_length=1)
    capstone: bool = False
    rules: list[Text] = Field(default_factory=list)


class Catalog(_Strict):
    """The whole catalog: stages and resources."""

    stages: list[Stage] = Field(min_length=6, max_length=6)
    resources: list[Resource] = Field(min_length=1)

    @property
    def resources_by_id(self) -> dict[str, Resource]:
        return {r.id: r for r in self.resources}

    def stage(self, number: int) -> Stage:
        return next(s for s in self.stages if s.number == number)

    def resources_for_stage(self, number: int) -> list[Resource]:
        """Resources of one stage, free ones first, then by title."""
        chosen = [r for r in self.resources if r.stage == number]
        return sorted(chosen, key=lambda r: (FREE.index(r.free), r.title.lower()))


class CatalogError(Exception):
    """The catalog is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _message(error: dict[str, Any]) -> str:
    loc = [str(p) for p in error["loc"]]
    kind = error["type"]
    field = loc[-1] if loc else "catalog"
    if kind == "extra_forbidden":
        return f"unknown key '{field}'"
    if kind == "missing":
        return f"missing required key '{field}'"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind == "string_pattern_mismatch":
        message = "must be a lowercase slug such as 'deep-learning-book'"
    if kind in ("enum", "literal_error") and "ctx" in error:
        message = f"must be one of {error['ctx'].get('expected', '')}"
        message += f" (found {error['input']!r})"
    elif kind.endswith("_type") and not kind.startswith("model"):
        message += f" (found {type(error['input']).__name__} {error['input']!r})"[:160]
    return f"{field}: {message}" if loc else message


def _validation_problems(exc: ValidationError, located: Located) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        on_key = error["type"] == "extra_forbidden"
        if error["type"] == "missing":
            loc = loc[:-1]
        problems.append(located.problem(loc, _message(error), key=on_key))
    return problems


def _duplicate_ids(catalog_data: Any, located: Located) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(catalog_data.get("resources") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        rid = entry["id"]
        if rid in seen:
            first_line = located.where(("resources", seen[rid], "id"))[0]
            problems.append(
                located.problem(
                    ("resources", index, "id"),
                    f"duplicate id '{rid}' (first used at line {first_line})",
                )
            )
        else:
            seen[rid] = index
    return problems


def _stage_problems(catalog: Catalog, located: Located) -> list[Problem]:
    problems = []
    numbers = [s.number for s in catalog.stages]
    for index, stage in enumerate(catalog.stages):
        if stage.number != index + 1:
            problems.append(
                located.problem(
                    ("stages", index, "number"),
                    "stages must be numbered 1 to 6 in order; "
                    f"expected {index + 1}, found {stage.number}",
                )
            )
        if stage.capstone and not stage.rules:
            problems.append(located.problem(("stages", index), "a capstone stage needs its rules"))
        if not stage.capstone and stage.rules:
            problems.append(
                located.problem(("stages", index, "rules"), "only capstone stages have rules")
            )
    if sorted(numbers) != list(STAGE_NUMBERS) and not problems:
        problems.append(located.problem(("stages",), "stages must be numbered 1 to 6"))
    return problems


def _prerequisite_problems(data: dict, located: Located) -> list[Problem]:
    """Dangling, self and cyclic prerequisites, read from the raw data so they are reported
    together with type errors elsewhere in the file."""
    graph: dict[str, list[str]] = {}
    index_of: dict[str, int] = {}
    for i, entry in enumerate(data.get("resources") or []):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            index_of.setdefault(entry["id"], i)
            prereqs = entry.get("prerequisites")
            graph.setdefault(
                entry["id"],
                [p for p in prereqs if isinstance(p, str)] if isinstance(prereqs, list) else [],
            )
    problems = []
    for i, entry in enumerate(data.get("resources") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("prerequisites"), list):
            continue
        for j, prereq in enumerate(entry["prerequisites"]):
            if not isinstance(prereq, str):
                continue
            where = ("resources", i, "prerequisites", j)
            if prereq == entry.get("id"):
                problems.append(located.problem(where, "a resource cannot require itself"))
            elif prereq not in index_of:
                problems.append(located.problem(where, f"unknown prerequisite id '{prereq}'"))
    for cycle in find_cycles(graph):
        i = index_of[cycle[0]]
        j = data["resources"][i]["prerequisites"].index(cycle[1])
        chain = " -> ".join([*cycle, cycle[0]])
        problems.append(
            located.problem(("resources", i, "prerequisites", j), f"prerequisite cycle: {chain}")
        )
    return problems


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each elementary cycle once (as found by depth-first search), ignoring self-loops."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    cycles: list[list[str]] = []
    for root in graph:
        if colour[root] != white:
            continue
        # Iterative DFS so a long prerequisite chain cannot exhaust the stack.
        stack: list[tuple[str, Iterable[str]]] = [(root, iter(graph[root]))]
        trail = [root]
        colour[root] = grey
        while stack:
            node, children = stack[-1]
            for child in children:
                if child == node or child not in graph:
                    continue
                if colour[child] == grey:
                    cycles.append(trail[trail.index(child) :])
                elif colour[child] == white:
                    colour[child] = grey
                    trail.append(child)
                    stack.append((child, iter(graph[child])))
                    break
            else:
                colour[node] = black
                trail.pop()
                stack.pop()
    return cycles


def validate(located: Located) -> Catalog:
    """Validate located data as a catalog; raise CatalogError with every problem."""
    data = located.data
    if data is None:
        raise CatalogError(
            [located.problem((), "the catalog is empty; expected keys 'stages' and 'resources'")]
        )
    if not isinstance(data, dict):
        found = type(data).__name__
        raise CatalogError(
            [
                located.problem(
                    (),
                    f"the catalog must be a mapping with 'stages' and 'resources', found {found}",
                )
            ]
        )
    problems = _duplicate_ids(data, located) + _prerequisite_problems(data, located)
    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(problems + _validation_problems(exc, located)) from None
    problems += _stage_problems(catalog, located)
    if problems:
        raise CatalogError(problems)
    return catalog


def load_catalog(path: str | Path, display: str | None = None) -> Catalog:
    """Load and validate ``resources.yml``; every problem is raised at once as CatalogError."""
    try:
        located = load_file(path, display)
    except YamlSourceError as exc:
        raise CatalogError(exc.problems) from None
    return validate(located)


def json_schema() -> dict[str, Any]:
    """JSON Schema for resources.yml, for editor autocompletion and validation."""
    schema = Catalog.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Top-Down Deep Learning catalog"
    schema["description"] = "Stages and learning resources of the curriculum (resources.yml)."
    return schema


def json_schema_text() -> str:
    """The schema exactly as committed in resources.schema.json."""
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


__all__ = [
    "Catalog",
    "CatalogError",
    "FREE",
    "KINDS",
    "LEVELS",
    "Resource",
    "SLUG_PATTERN",
    "Stage",
    "json_schema",
    "json_schema_text",
    "load_catalog",
    "validate",
]
