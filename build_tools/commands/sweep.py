"""``sweep``: run every lesson under many seeds and kernel paths (or on CUDA) and show how
close each claim came to failing.

Prints a table (lesson x configuration: runs passed, or the failing assertion), each
lesson's closest margin in standard deviations, then every failure as
``PATH:LINE: Exception: message (configuration)`` and every claim inside the required
margin. Writes the JSON report (``--json``, default ``.cache/tdl/reports/sweep.json``), which
the site build reads to say how widely each lesson's claims were checked. ``--merge`` joins
reports from shards or machines. Exit 1 when a run failed or a claim's margin is thin, 2 for
bad options.
"""

from __future__ import annotations

import math
import signal
import sys
from pathlib import Path

from build_tools.commands.options import add_lesson_selection, chosen_lessons, parse_shard

HELP = "run every lesson under many seeds and kernel paths; show each claim's margin"
DEFAULT_REPORT = Path(".cache") / "tdl" / "reports" / "sweep.json"


def add_arguments(parser) -> None:
    parser.add_argument("--seeds", default="0-4", help="seeds, e.g. 0-4 or 0,3,7-9 (default 0-4)")
    parser.add_argument(
        "--kernels",
        default="default,avx2,avx512",
        help="CPU kernel paths (ATEN_CPU_CAPABILITY) to run under (default: all three)",
    )
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument(
        "--tf32", default="off,on", help="with --device cuda: TF32 matmuls off, on or both"
    )
    parser.add_argument("--jobs", type=int, default=None, help="runs at once (default: cores)")
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per run (default: cores / jobs)"
    )
    parser.add_argument("--force", action="store_true", help="run again even when cached")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--json", type=Path, default=DEFAULT_REPORT, help="report to write")
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        metavar="REPORT",
        help="merge these reports into --json instead of running anything",
    )
    add_lesson_selection(parser)


def _options(args):
    from build_tools.lessons.execute import available_cores
    from build_tools.lessons.sweep import (
        KERNELS,
        TF32,
        SweepOptions,
        configurations,
        parse_choices,
        parse_seeds,
    )

    shard = parse_shard(args.shard)
    seeds = parse_seeds(args.seeds)
    kernels = parse_choices(args.kernels, KERNELS, "--kernels")
    tf32 = parse_choices(args.tf32, TF32, "--tf32")
    cores = available_cores()
    jobs = args.jobs if args.jobs is not None else cores
    if jobs < 1 or (args.threads is not None and args.threads < 1) or args.timeout <= 0:
        raise ValueError("--jobs, --threads and --timeout must be positive")
    threads = args.threads or max(1, cores // jobs)
    options = SweepOptions(jobs=jobs, threads=threads, force=args.force, timeout=args.timeout)
    return shard, configurations(seeds, args.device, kernels, tf32), options


def _z_text(spread) -> str:
    if spread is None:
        return "-"
    z = spread.z
    size = "steady" if math.isinf(z) and z > 0 else f"{z:.1f} sd"
    return f"{size} (L{spread.line})"


def print_report(report, console) -> None:
    """The lesson x configuration table, then failures and thin margins, one per line."""
    from rich.table import Table

    from build_tools.lessons.sweep import REQUIRED_Z

    families = report.families()
    table = Table(title="Lesson sweep", show_lines=False)
    table.add_column("lesson", no_wrap=True)
    for family in families:
        table.add_column(family, justify="center")
    table.add_column("closest margin", justify="right")
    for lesson in report.lessons:
        cells = []
        for family in families:
            if family in report.skipped:
                cells.append("skipped")
                continue
            passed, runs, failed = lesson.outcome(family)
            if not runs:
                cells.append("-")
            elif failed:
                first = failed.failure or {}
                where = f"L{first['line']}" if first.get("line") else failed.status
                cells.append(f"[red]{passed}/{runs} {where}[/red]")
            else:
                cells.append(f"{runs}/{runs}")
        closest = lesson.closest()
        text = _z_text(closest)
        if closest is not None and closest.thin:
            text = f"[yellow]{text}[/yellow]"
        table.add_row(lesson.id, *cells, text)
    console.print(table)
    for family, reason in report.skipped.items():
        console.print(f"skipped {family}: {reason}", highlight=False)
    for run in report.failures:
        console.print(run.problem_line(), highlight=False, markup=False)
    for lesson, spread in report.thin():
        console.print(
            f"{lesson.path}:{spread.line}: margin only {spread.z:.1f} standard deviations "
            f"(need {REQUIRED_Z:g}): `{spread.op}` holds by {spread.mean:.4g} on average, "
            f"sd {spread.std:.3g}, smallest {spread.minimum:.4g} over {spread.runs} runs",
            highlight=False,
            markup=False,
        )


def _console():
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=160)


def _merge(args) -> int:
    from build_tools.lessons.sweep import load_report, merge_reports

    reports = []
    for path in args.merge:
        report = load_report(path)
        if report is None:
            print(f"error: {path}: not a readable sweep report", file=sys.stderr)
            return 2
        reports.append(report)
    merged = merge_reports(reports)
    merged.write(args.json)
    print_report(merged, _console())
    return 1 if merged.failures or merged.thin() else 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run(args) -> int:
    if args.merge:
        return _merge(args)
    from build_tools.lessons.sweep import sweep

    try:
        shard, configs, options = _options(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    lessons = chosen_lessons(args, Path.cwd(), shard)
    if lessons is None:
        return 1
    # Stopped from outside (CI cancelling a job): end the runs as Ctrl-C would.
    signal.signal(signal.SIGTERM, _interrupt)
    progress = SweepProgress()
    report = sweep(lessons, configs, options, on_run=progress.finished, on_start=progress.start)
    progress.stop()
    report.write(args.json)
    print_report(report, _console())
    print(f"report: {args.json}", file=sys.stderr)
    return 1 if report.failures or report.thin() else 0


class SweepProgress:
    """A bar on a terminal, one line per finished run everywhere (cached runs counted)."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.bar = None
        self.cached = 0

    def start(self, total: int) -> None:
        if self.cached:
            self.console.print(f"{self.cached} runs from the cache", highlight=False)
        if total and self.console.is_terminal:
            from build_tools.lessons.progress import progress_bar

            self.bar = progress_bar(self.console)
            self.task = self.bar.add_task("sweeping", total=total)

    def finished(self, run) -> None:
        if run.cache == "hit":
            self.cached += 1
            return
        line = f"{run.status:7} {run.lesson}  {run.config.label}  ({run.seconds or 0:.1f} s)"
        if run.failed:
            line += f"  {run.problem_line()}"
        if self.bar is not None:
            self.bar.console.print(line, highlight=False, markup=False)
            self.bar.advance(self.task)
        else:
            self.console.print(line, highlight=False, markup=False)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
