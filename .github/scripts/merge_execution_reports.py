"""Merge the execution reports of CI's lesson shards into one report and a job summary.

    python .github/scripts/merge_execution_reports.py OUT.json SHARD.json [SHARD.json ...]

Each shard ran ``python -m build_tools execute --shard I/N`` and wrote its own report; the
merged report lists every lesson once, in id order. When ``GITHUB_STEP_SUMMARY`` is set, a
Markdown table of the lessons (status, cache, seconds, device) is appended to it. Exit 1
when a shard report is missing or unreadable, or when any lesson failed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from build_tools.lessons.report import ExecutionReport, format_seconds, load_report


def merge(reports: list[ExecutionReport]) -> ExecutionReport:
    runs = sorted((run for report in reports for run in report.runs), key=lambda run: run.id)
    return ExecutionReport(
        runs=runs,
        jobs=sum(report.jobs for report in reports),
        # Shards run side by side: the merged run took as long as the slowest shard.
        wall_seconds=max((report.wall_seconds for report in reports), default=0.0),
        python=reports[0].python if reports else "",
        device=reports[0].device if reports else "",
    )


def markdown(report: ExecutionReport) -> str:
    summary = report.summary()
    lines = [
        f"### Lessons: {summary['lessons']} ({summary['executed']} executed, "
        f"{summary['cached']} from the cache, {summary['failed']} failed)",
        "",
        "| lesson | status | cache | time | device |",
        "| --- | --- | --- | --- | --- |",
    ]
    for run in report.runs:
        seconds = format_seconds(run.seconds)
        lines.append(
            f"| `{run.id}` | {run.status} | {run.cache} | {seconds} | {run.device or '-'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out, shards = Path(argv[0]), [Path(name) for name in argv[1:]]
    reports = []
    for shard in shards:
        report = load_report(shard)
        if report is None:
            print(f"{shard}: missing or unreadable execution report", file=sys.stderr)
            return 1
        reports.append(report)
    merged = merge(reports)
    merged.write(out)
    text = markdown(merged)
    print(text)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
            handle.write(text)
    if merged.failures:
        print(merged.failure_message(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
