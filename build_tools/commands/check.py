"""``check``: validate the catalog and every lesson's front matter, reporting all problems."""

from __future__ import annotations

import sys
from pathlib import Path

from build_tools.catalog.model import CatalogError, load_catalog
from build_tools.commands.options import add_catalog_argument
from build_tools.lessons.discovery import LessonError, cross_check, discover_lessons
from build_tools.lessons.teaching import figure_problems, section_problems
from build_tools.problems import Problem, add_format_argument, display_path, print_problems

HELP = "validate the catalog and the lessons' front matter"


def add_arguments(parser) -> None:
    add_catalog_argument(parser)
    parser.add_argument(
        "--lessons",
        default="docs/lessons",
        help="lessons folder (default: docs/lessons); use --no-lessons to skip",
    )
    parser.add_argument("--no-lessons", action="store_true", help="check the catalog only")
    add_format_argument(parser)


def collect_problems(catalog_path: str, lessons_dir: str | None) -> tuple[list[Problem], dict]:
    """Every problem in the catalog and lessons, plus counts for the summary line."""
    problems: list[Problem] = []
    counts = {"resources": 0, "lessons": 0}
    catalog = None
    try:
        catalog = load_catalog(catalog_path)
        counts["resources"] = len(catalog.resources)
    except CatalogError as exc:
        problems += exc.problems
    if lessons_dir is None:
        return problems, counts
    root = Path.cwd()
    try:
        lessons = discover_lessons(Path(lessons_dir), root)
    except LessonError as exc:
        return problems + exc.problems, counts
    counts["lessons"] = len(lessons)
    if catalog is not None:
        problems += cross_check(lessons, catalog, root)
    for lesson in lessons:
        shown = display_path(lesson.path, root)
        problems += section_problems(lesson.path, shown)
        problems += figure_problems(lesson.path, shown)
    return problems, counts


def run(args) -> int:
    lessons_dir = None if args.no_lessons else args.lessons
    problems, counts = collect_problems(args.catalog, lessons_dir)
    if problems:
        print_problems(problems, args.format)
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"ok: {counts['resources']} resources, {counts['lessons']} lessons")
    return 0
