"""What a run of lessons shows while it goes: a bar on a terminal, one line per lesson.

Each finished lesson gets one line, ``ok``/``cached``/``failed``, its time and its device;
on a terminal a progress bar stays below those lines until the run ends. The build and
``execute`` show the same thing; the build sends its lines through its engine's log.
"""

from __future__ import annotations

from collections.abc import Callable

from build_tools.lessons.execute import Progress
from build_tools.lessons.report import LessonRun


def run_line(run: LessonRun) -> str:
    """``ok      docs/lessons/stage-1/01-digits.py (14.2 s, cpu)``; ``cached`` for hits."""
    status = "cached" if run.ok and run.cache == "hit" else run.status
    return f"{status:7} {run.path} ({run.seconds or 0:.1f} s, {run.device or '-'})"


def progress_bar(console):
    """A started rich bar (description, bar, done/total, elapsed) that vanishes at the end."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    bar.start()
    return bar


class TerminalProgress(Progress):
    """A progress bar on a terminal; one line per finished lesson everywhere.

    ``emit`` receives each line (default: printed to standard error); cached lessons get
    a line only when ``show_cached`` is set, so a warm build says one thing, not twenty.
    """

    def __init__(self, emit: Callable[[str], None] | None = None, show_cached: bool = False):
        from rich.console import Console

        self.console = Console(stderr=True)
        self.emit = emit
        self.show_cached = show_cached
        self.bar = None

    def _line(self, text: str) -> None:
        if self.emit is not None:
            self.emit(text)
        elif self.bar is not None:
            self.bar.console.print(text, highlight=False)
        else:
            self.console.print(text, highlight=False)

    def start(self, total: int) -> None:
        if not total:
            return
        if self.console.is_terminal:
            self.bar = progress_bar(self.console)
            self.task = self.bar.add_task("executing", total=total)
        elif self.emit is None:
            self.console.print(f"executing {total} lesson(s)")

    def started(self, lesson) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description=f"executing {lesson.id}")

    def finished(self, run: LessonRun) -> None:
        self._line(run_line(run))
        if self.bar is not None:
            self.bar.advance(self.task)

    def cached(self, run: LessonRun) -> None:
        if self.show_cached:
            self._line(run_line(run))

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
