"""Problems found in maintainers' files, and how they are printed (plain text or CI annotations)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("text", "github")


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at a place in a file; line and column count from 1."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


def display_path(path: str | Path, root: str | Path | None = None) -> str:
    """How a file is named in messages: relative to ``root`` (the working directory by
    default) when it lies inside it, else as given."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path(root or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return str(path)


def default_format() -> str:
    """GitHub annotations under GitHub Actions, plain lines elsewhere."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _escape_data(text: str) -> str:
    # Workflow commands treat %, CR and LF specially in the message part.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_problem(problem: Problem, fmt: str = "text") -> str:
    """Render one problem as ``PATH:LINE:COL: message`` or a GitHub workflow command."""
    if fmt == "github":
        return (
            f"::{problem.severity} file={_escape_property(problem.path)},"
            f"line={problem.line},col={problem.col}::{_escape_data(problem.message)}"
        )
    return str(problem)


def format_problems(problems: Iterable[Problem], fmt: str = "text") -> str:
    """Render problems one per line, in file order."""
    return "\n".join(format_problem(p, fmt) for p in sorted(problems))


def print_problems(problems: Iterable[Problem], fmt: str | None = None, stream=None) -> None:
    """Print problems to ``stream`` (stderr by default) in the chosen format."""
    text = format_problems(problems, fmt or default_format())
    if text:
        print(text, file=stream or sys.stderr)


def add_format_argument(parser) -> None:
    """The ``--format`` option shared by commands that report problems."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output style for problems (default: github under GitHub Actions, else text)",
    )
