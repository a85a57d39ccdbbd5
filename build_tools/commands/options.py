"""Command-line options that several commands share, defined once so they read the same."""

from __future__ import annotations

import fnmatch
import re
import sys
from pathlib import Path

DEFAULT_CATALOG = "resources.yml"
DEFAULT_LESSONS = "docs/lessons"


def add_catalog_argument(parser) -> None:
    """``--catalog PATH``: the catalog file, resources.yml by default."""
    parser.add_argument(
        "--catalog", default=DEFAULT_CATALOG, help=f"catalog file (default: {DEFAULT_CATALOG})"
    )


def add_lesson_selection(parser) -> None:
    """``--lessons DIR``, ``--only GLOB`` (repeatable) and ``--shard I/N``."""
    parser.add_argument(
        "--only",
        metavar="GLOB",
        action="append",
        help="lessons whose id (stage-1/01-digits) or path matches; may repeat",
    )
    parser.add_argument("--shard", metavar="I/N", help="run shard I of N (1-based)")
    parser.add_argument("--lessons", default=DEFAULT_LESSONS, help="lessons folder")


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``I/N`` as a pair; ValueError with the option's wording when malformed."""
    if text is None:
        return None
    found = re.match(r"^(\d+)/(\d+)$", text.strip())
    if not found or not 1 <= int(found.group(1)) <= int(found.group(2)):
        raise ValueError(f"--shard must be I/N with 1 <= I <= N, got {text!r}")
    return int(found.group(1)), int(found.group(2))


def lesson_matches(lesson, patterns: list[str], root: Path) -> bool:
    """Whether ``--only`` patterns select ``lesson`` by its id or its path."""
    names = [lesson.id, lesson.path.as_posix()]
    try:
        names.append(lesson.path.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        pass
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns for name in names)


def chosen_lessons(args, root: Path, shard: tuple[int, int] | None, fmt: str | None = None):
    """The lessons ``--lessons``, ``--only`` and ``--shard`` choose, in their order; None
    (with the problems or the reason printed) when there is nothing to run."""
    from build_tools.lessons.discovery import LessonError, discover_lessons
    from build_tools.lessons.execute import select_shard
    from build_tools.problems import print_problems

    try:
        lessons = discover_lessons(Path(args.lessons), root)
    except LessonError as exc:
        print_problems(exc.problems, fmt)
        return None
    if args.only:
        lessons = [lesson for lesson in lessons if lesson_matches(lesson, args.only, root)]
    if shard:
        lessons = select_shard(lessons, *shard)
    if not lessons and not shard:
        print("error: no lessons selected", file=sys.stderr)
        return None
    return lessons
