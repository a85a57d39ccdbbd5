"""What the latest sweep says on the site: a sentence per lesson page, a table on the report.

A lesson page says how widely its claims were checked ("claims checked in 15 runs: seeds
0-4 × 3 CPU kernel paths") only when the sweep report holds runs of exactly the source the
page shows, and every one of them passed. Without a sweep report nothing is said. The
execution report page gets the sweep's table: runs passed per configuration and each
lesson's closest margin.
"""

from __future__ import annotations

import math
from pathlib import Path

from build_tools.lessons.cache import Environment, python_version
from build_tools.lessons.discovery import Lesson
from build_tools.lessons.sweep import REQUIRED_Z, SweepReport, load_report, sweep_key

SWEEP_REPORT = Path("_reports") / "sweep.json"


def load_sweep(path: Path) -> SweepReport | None:
    return load_report(path) if path.is_file() else None


def checked_phrases(sweep: SweepReport | None, lessons: list[Lesson]) -> dict[str, str]:
    """Lesson id -> "N runs: seeds … × …" for lessons swept at their current source."""
    if sweep is None:
        return {}
    environment = Environment(python_version(), "any")
    current = {lesson.id: sweep_key(lesson, environment) for lesson in lessons}
    found = {}
    for entry in sweep.lessons:
        phrase = entry.checked_phrase()
        if phrase and current.get(entry.id) == entry.key:
            found[entry.id] = phrase
    return found


def _cell(entry, family: str, skipped: dict[str, str]) -> str:
    if family in skipped:
        return "skipped"
    runs = [run for run in entry.runs if run.config.family == family]
    if not runs:
        return "-"
    bad = [run for run in runs if run.failed]
    if not bad:
        return f"{len(runs)}/{len(runs)} passed"
    failure = bad[0].failure or {}
    where = f" at line {failure['line']}" if failure.get("line") else ""
    return f"{len(runs) - len(bad)}/{len(runs)} passed; {bad[0].status}{where}"


def _closest(entry) -> str:
    spread = entry.closest()
    if spread is None:
        return "-"
    if math.isinf(spread.z):
        return f"steady (line {spread.line})"
    return f"{spread.z:.1f} sd (line {spread.line})"


def sweep_section(sweep: SweepReport, lessons: list[Lesson]) -> str:
    """The Markdown section appended to the execution report page."""
    from build_tools.site.pages import render

    environment = Environment(python_version(), "any")
    current = {lesson.id: sweep_key(lesson, environment) for lesson in lessons}
    families = sweep.families()
    rows = [
        {
            "id": entry.id,
            "stale": current.get(entry.id) not in (None, entry.key),
            "cells": [_cell(entry, family, sweep.skipped) for family in families],
            "closest": _closest(entry),
        }
        for entry in sweep.lessons
    ]
    return render(
        "_sweep_section.md.j2",
        sweep=sweep,
        families=families,
        rows=rows,
        skipped=list(sweep.skipped.items()),
        required_z=f"{REQUIRED_Z:g}",
    )
