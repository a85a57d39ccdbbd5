"""``check``: validate the catalog and every lesson's front matter, reporting all problems."""

from __future__ import annotations

import sys
from pathlib import Path

from build_tools.commands.options import add_catalog_argument
from build_tools.problems import Problem, add_format_argument, print_problems
from build_tools.validation import validate_project

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
    found = validate_project(
        Path(catalog_path), Path(lessons_dir) if lessons_dir else None, Path.cwd()
    )
    counts = {
        "resources": len(found.catalog.resources) if found.catalog is not None else 0,
        "lessons": len(found.lessons),
    }
    return sorted(found.problems + found.incomplete), counts


def run(args) -> int:
    lessons_dir = None if args.no_lessons else args.lessons
    problems, counts = collect_problems(args.catalog, lessons_dir)
    if problems:
        print_problems(problems, args.format)
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"ok: {counts['resources']} resources, {counts['lessons']} lessons")
    return 0
