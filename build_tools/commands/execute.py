"""``execute``: run lessons into the execution cache and print/write the execution report.

Exit status 0 when every selected lesson ran (or came from the cache) cleanly, 1 when one
failed (each failure is printed as ``PATH:LINE:COL: cell N: Exception``), 2 for bad options.
"""

from __future__ import annotations

import sys
from pathlib import Path

from build_tools.commands.options import add_lesson_selection, chosen_lessons, parse_shard
from build_tools.lessons.execute import ExecuteOptions, execute_lessons, last_report_path
from build_tools.lessons.progress import TerminalProgress
from build_tools.lessons.report import SITE_REPORT, report_table
from build_tools.problems import add_format_argument, default_format, print_problems
from build_tools.settings import SettingsError, load_settings

HELP = "execute lessons into the cache and write the execution report"


def add_arguments(parser) -> None:
    parser.add_argument("--jobs", type=int, default=None, help="kernels at once (default: cores)")
    parser.add_argument("--force", action="store_true", help="re-execute even when cached")
    add_lesson_selection(parser)
    parser.add_argument("--site", default="site", help="site folder for _reports/execution.json")
    parser.add_argument("--config", default="mkdocs.yml", help="mkdocs.yml with the settings")
    add_format_argument(parser)


def run(args) -> int:
    fmt = args.format or default_format()
    try:
        shard = parse_shard(args.shard)
        if args.jobs is not None and args.jobs < 1:
            raise ValueError("--jobs must be at least 1")
        settings = load_settings(args.config).execute
    except (ValueError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    root = Path.cwd()
    lessons = chosen_lessons(args, root, shard, fmt)
    if lessons is None:
        return 1
    options = ExecuteOptions.from_settings(settings, root, jobs=args.jobs, force=args.force)
    report = execute_lessons(lessons, options, root, progress=TerminalProgress())
    from rich.console import Console

    console = Console()
    if not console.is_terminal:
        console = Console(width=140)  # CI logs: keep lesson paths whole
    console.print(report_table(report))
    report.write(Path(args.site) / SITE_REPORT)
    report.write(last_report_path(options))
    if report.failures:
        print_problems([run.problem() for run in report.failures], fmt)
        return 1
    return 0
