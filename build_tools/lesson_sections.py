"""The teaching sections of a lesson: its questions and further-research tasks.

Every lesson ends with a ``## Questions`` heading followed by a numbered list and a
``## Further research`` heading followed by a list. They are read from the markdown cells,
so the review page and ``check`` see exactly what readers see. Parsing a lesson takes
jupytext a few hundredths of a second; a build remembers each lesson's markdown under the
cache folder, keyed by the lesson's bytes, so a warm build parses none.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import jupytext

from build_tools.execution_cache import atomic_write
from build_tools.problems import Problem

MIN_QUESTIONS = 5
MIN_RESEARCH = 2
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^\s{0,3}\d+[.)]\s+(.*)$")
_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)$")


@dataclass(frozen=True)
class Sections:
    """Questions and further-research items of one lesson, as markdown strings."""

    questions: list[str]
    research: list[str]


def markdown_text(path: Path, cache_dir: Path | None = None) -> str:
    """All markdown cells of a jupytext lesson, joined; remembered in ``cache_dir``."""
    source = path.read_bytes()
    memo = None
    if cache_dir is not None:
        key = hashlib.sha256(jupytext.__version__.encode() + b"\n" + source).hexdigest()[:32]
        memo = cache_dir / f"{key}.md"
        try:
            return memo.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    notebook = jupytext.reads(source.decode("utf-8"), fmt="py:percent")
    text = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    if memo is not None:
        atomic_write(memo, text.encode("utf-8"))
    return text


def _items(lines: list[str], pattern: re.Pattern[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        match = pattern.match(line)
        if match:
            items.append(match.group(1).strip())
        elif items and line.startswith((" ", "\t")) and line.strip():
            items[-1] += " " + line.strip()  # a wrapped list item continues
    return items


def read_sections(markdown: str) -> Sections:
    """Split the markdown by headings and pick the two teaching sections."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in markdown.splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = sections.setdefault(heading.group(2).strip().lower(), [])
            continue
        if current is not None:
            current.append(line)
    return Sections(
        questions=_items(sections.get("questions", []), _NUMBERED),
        research=_items(sections.get("further research", []), _BULLET),
    )


def section_problems(path: Path, shown: str) -> list[Problem]:
    """Problems when a lesson lacks enough questions or further-research tasks."""
    found = read_sections(markdown_text(path))
    problems = []
    if len(found.questions) < MIN_QUESTIONS:
        problems.append(
            Problem(
                shown,
                1,
                1,
                f"needs a '## Questions' section with at least {MIN_QUESTIONS} "
                f"numbered questions (found {len(found.questions)})",
            )
        )
    if len(found.research) < MIN_RESEARCH:
        problems.append(
            Problem(
                shown,
                1,
                1,
                f"needs a '## Further research' section with at least "
                f"{MIN_RESEARCH} tasks (found {len(found.research)})",
            )
        )
    return problems
