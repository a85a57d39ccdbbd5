"""``stats``: catalog counts by stage, kind and cost; lessons per stage with their run times.

Run times come from the last execution report kept in the cache, so they describe the most
recent ``execute`` or build on this machine; lessons not in it show ``-``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from build_tools.catalog.model import FREE, KINDS, CatalogError, load_catalog
from build_tools.commands.options import add_catalog_argument
from build_tools.lessons.discovery import LessonError, discover_lessons
from build_tools.lessons.execute import ExecuteOptions, last_report_path
from build_tools.lessons.report import format_seconds, load_report
from build_tools.problems import add_format_argument, print_problems
from build_tools.settings import SettingsError, load_settings

HELP = "catalog and lesson statistics"


def add_arguments(parser) -> None:
    add_catalog_argument(parser)
    parser.add_argument("--lessons", default="docs/lessons", help="lessons folder")
    parser.add_argument("--config", default="mkdocs.yml", help="mkdocs.yml with the settings")
    add_format_argument(parser)


def table(title: str, header: tuple[str, ...], rows: list[tuple]) -> str:
    """A plain text table: first column left-aligned, the others right-aligned."""
    cells = [tuple(str(c) for c in row) for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [title]
    for row in cells:
        parts = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  " + "  ".join(parts).rstrip())
    return "\n".join(lines)


def run(args) -> int:
    try:
        catalog = load_catalog(args.catalog)
        lessons = discover_lessons(Path(args.lessons), Path.cwd())
        settings = load_settings(args.config).execute
    except (CatalogError, LessonError) as exc:
        print_problems(exc.problems, args.format)
        return 1
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    resources = catalog.resources
    by_stage = Counter(r.stage for r in resources)
    by_kind = Counter(r.kind for r in resources)
    by_free = Counter(r.free for r in resources)
    stage_rows = [
        (
            f"{s.number}. {s.title}",
            by_stage[s.number],
            sum(r.stage == s.number and r.is_free for r in resources),
        )
        for s in catalog.stages
    ]
    stage_rows.append(("total", len(resources), sum(r.is_free for r in resources)))
    print(table("Resources by stage", ("stage", "resources", "free or audit"), stage_rows))
    print()
    print(
        table(
            "Resources by kind",
            ("kind", "resources"),
            [(k, by_kind[k]) for k in KINDS if by_kind[k]],
        )
    )
    print()
    print(table("Resources by cost", ("free", "resources"), [(f, by_free[f]) for f in FREE]))
    print()

    options = ExecuteOptions.from_settings(settings, Path.cwd())
    report = load_report(last_report_path(options))
    runs = report.by_id() if report else {}
    seconds = {
        lesson.id: runs[lesson.id].seconds if lesson.id in runs else None for lesson in lessons
    }
    lesson_rows = []
    for stage in catalog.stages:
        mine = [lesson for lesson in lessons if lesson.stage == stage.number]
        known = [seconds[lesson.id] for lesson in mine if seconds[lesson.id] is not None]
        lesson_rows.append(
            (
                f"{stage.number}. {stage.title}",
                len(mine),
                "",
                format_seconds(sum(known)) if known else "-",
            )
        )
        lesson_rows += [
            (f"   {lesson.id}", "", lesson.meta.minutes, format_seconds(seconds[lesson.id]))
            for lesson in mine
        ]
    source = f"last report {report.generated}" if report else "no execution report yet"
    title = f"Lessons by stage (run times: {source})"
    print(table(title, ("stage / lesson", "lessons", "reading min", "run time"), lesson_rows))
    return 0
