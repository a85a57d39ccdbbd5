"""The execution report: one record per lesson run, shown as a table, JSON and a site page.

The same report is printed by ``python -m build_tools execute``, written to
``site/_reports/execution.json`` by both the command and the site build, kept as the last
report under ``.cache/tdl/`` and rendered as the "Execution report" page.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from build_tools.lessons.cache import atomic_write
from build_tools.problems import Problem, format_problems

REPORT_VERSION = 1
SITE_REPORT = Path("_reports") / "execution.json"
STATUSES = ("ok", "failed", "timeout", "error")


@dataclass
class CellFailure:
    """Where and how a lesson failed: 1-based cell number, line in the lesson file."""

    cell: int | None
    line: int | None
    exception: str
    detail: str = ""

    def describe(self) -> str:
        where = f"cell {self.cell}" if self.cell else "lesson"
        return f"{where}: {self.exception}"


@dataclass
class LessonRun:
    """The outcome of one lesson in one run (executed now, or taken from the cache)."""

    id: str
    path: str
    title: str
    status: str
    cache: str
    key: str = ""
    seconds: float | None = None
    device: str | None = None
    device_kind: str | None = None
    peak_memory_mb: float | None = None
    executed_at: str | None = None
    failure: CellFailure | None = None
    # How widely the lesson's claims were checked by the latest sweep, when one covered
    # this very source ("15 runs: seeds 0-4 × 3 CPU kernel paths (…)").
    checked: str | None = None
    # Local paths for the build; never written to the report.
    entry_dir: Path | None = field(default=None, repr=False, compare=False)
    notebook: str | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def problem(self) -> Problem:
        failure = self.failure or CellFailure(None, None, self.status)
        return Problem(self.path, failure.line or 1, 1, failure.describe())

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("entry_dir")
        data.pop("notebook")
        return data

    @classmethod
    def from_json(cls, data: dict) -> LessonRun:
        failure = data.get("failure")
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["failure"] = CellFailure(**failure) if failure else None
        return cls(**known)


@dataclass
class ExecutionReport:
    """All lesson runs of one ``execute`` or build, in lesson order."""

    runs: list[LessonRun]
    jobs: int
    wall_seconds: float
    python: str
    device: str
    generated: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds")
    )

    @property
    def failures(self) -> list[LessonRun]:
        return [run for run in self.runs if not run.ok]

    @property
    def executed(self) -> list[LessonRun]:
        return [run for run in self.runs if run.cache == "miss"]

    def by_id(self) -> dict[str, LessonRun]:
        return {run.id: run for run in self.runs}

    def failure_message(self) -> str:
        """One line per failing lesson: ``PATH:LINE:COL: cell N: Exception: message``."""
        return format_problems(run.problem() for run in self.failures)

    def summary(self) -> dict:
        return {
            "lessons": len(self.runs),
            "executed": len(self.executed),
            "cached": sum(run.cache == "hit" for run in self.runs),
            "failed": len(self.failures),
        }

    def to_json(self) -> dict:
        return {
            "version": REPORT_VERSION,
            "generated": self.generated,
            "python": self.python,
            "device": self.device,
            "jobs": self.jobs,
            "wall_seconds": round(self.wall_seconds, 3),
            "summary": self.summary(),
            "lessons": [run.to_json() for run in self.runs],
        }

    @classmethod
    def from_json(cls, data: dict) -> ExecutionReport:
        return cls(
            runs=[LessonRun.from_json(item) for item in data.get("lessons", [])],
            jobs=data.get("jobs", 0),
            wall_seconds=data.get("wall_seconds", 0.0),
            python=data.get("python", ""),
            device=data.get("device", ""),
            generated=data.get("generated", ""),
        )

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2) + "\n"

    def write(self, path: Path) -> None:
        atomic_write(path, self.to_json_text().encode())


def load_report(path: Path) -> ExecutionReport | None:
    """A report written earlier, or None when there is none or it cannot be read."""
    try:
        return ExecutionReport.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def format_seconds(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s"


def format_memory(megabytes: float | None) -> str:
    return "-" if megabytes is None else f"{megabytes:.0f} MB"


def report_table(report: ExecutionReport):
    """The report as a rich Table for the terminal."""
    from rich.table import Table

    summary = report.summary()
    table = Table(
        title="Lesson execution",
        caption=(
            f"{summary['lessons']} lessons: {summary['executed']} executed, "
            f"{summary['cached']} from cache, {summary['failed']} failed; "
            f"{report.wall_seconds:.1f} s with {report.jobs} jobs"
        ),
    )
    for column, justify in (
        ("lesson", "left"),
        ("status", "left"),
        ("cache", "left"),
        ("seconds", "right"),
        ("device", "left"),
        ("peak memory", "right"),
    ):
        table.add_column(column, justify=justify)
    styles = {"ok": "green", "failed": "red", "timeout": "red", "error": "red"}
    for run in report.runs:
        table.add_row(
            run.path,
            f"[{styles.get(run.status, 'red')}]{run.status}[/]",
            run.cache,
            format_seconds(run.seconds),
            run.device or "-",
            format_memory(run.peak_memory_mb),
        )
    return table
