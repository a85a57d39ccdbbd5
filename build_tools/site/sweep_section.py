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


def current_keys(lessons: list[Lesson]) -> dict[str, str]:
    """Lesson id -> the sweep key of its source as it reads now."""
    environment = Environment(python_version(), "any")
    return {lesson.id: sweep_key(lesson, environment) for lesson in lessons}


def checked_phrases(sweep: SweepReport | None, current: dict[str, str]) -> dict[str, str]:
    """Lesson id -> "N runs: seeds … × …" for lessons swept at their ``current`` key."""
    if sweep is None:
        return {}
    found = {}
    for entry in sweep.lessons:
        phrase = entry.checked_phrase()
        if phrase and current.get(entry.id) == entry.key:
            found[entry.id] = phrase
    return found


def _cell(entry, family: str, skipped: dict[str, str]) -> str:
    if family in skipped:
        return "skipped"
    passed, runs, failed = entry.outcome(family)
    if not runs:
        return "-"
    if failed is None:
        return f"{runs}/{runs} passed"
    failure = failed.failure or {}
    where = f" at line {failure['line']}" if failure.get("line") else ""
    return f"{passed}/{runs} passed; {failed.status}{where}"


def _closest(entry) -> str:
    spread = entry.closest()
    if spread is None:
        return "-"
    if math.isinf(spread.z):
        return f"steady (line {spread.line})"
    return f"{spread.z:.1f} sd (line {spread.line})"


def sweep_section(sweep: SweepReport, current: dict[str, str]) -> str:
    """The Markdown section appended to the execution report page; ``current`` holds each
    lesson's key as it reads now (a row swept at another source says so)."""
    from build_tools.site.pages import render

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
