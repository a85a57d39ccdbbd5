"""The teaching markup of a lesson: questions with answers, further research, quick checks.

A lesson's markdown cells carry three kinds of teaching markup (``docs/maintainers.md``
documents them for authors):

- ``## Questions``: a numbered list. Each question holds, indented under it, a paragraph
  starting ``Hint:`` and/or one starting ``Answer:``; the site shows them collapsed until
  the reader asks.
- ``## Further research``: a list of open-ended tasks.
- Quick checks, anywhere else: a paragraph starting ``Quick check:`` followed by choices
  (``- [ ] wrong``, ``- [x] right``) or by ``Answer: 450`` (a number, optionally
  ``± tolerance`` and a unit), and optionally a ``Why:`` paragraph shown after answering.

The markup is read straight from the ``.py`` source, so every problem names its line.
Reading a lesson takes a few milliseconds; a build remembers each lesson's parsed sections
under the cache folder, keyed by the lesson's bytes, so a warm build parses none.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from build_tools.lessons.cache import atomic_write
from build_tools.problems import Problem

MIN_QUESTIONS = 5
MIN_RESEARCH = 2
MIN_CHECKS = 1
FORMAT = 4  # bump when the parsed form changes; part of the remembered files' key
_CELL = re.compile(r"^# %%(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^( {0,3})(\d+)[.)](\s+)(.*)$")
_BULLET = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])\s+(.*)$")
_LABEL = re.compile(r"^(Hint|Answer):\s*(.*)$")
_CHECK = re.compile(r"^\*{0,2}Quick check:\*{0,2}\s*(.*)$")
_CHOICE = re.compile(r"^[-*+] \[([ xX])\]\s+(.*)$")
_NUMBER = r"[-+]?(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NUMERIC = re.compile(
    rf"^Answer:\s*({_NUMBER})\s*(?:(?:±|\+/-|\+-)\s*({_NUMBER}))?\s*(%?)\s*(.*?)\s*$"
)
_WHY = re.compile(r"^Why:\s*(.*)$")


def words_digest(text: str) -> str:
    """A short digest of ``text``'s words: spacing and case do not change it."""
    words = " ".join(text.split()).lower()
    return hashlib.sha256(words.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Question:
    """One question of the Questions section, with what the reader can reveal."""

    text: str
    line: int
    hint: str = ""
    answer: str = ""
    end: int = 0  # the last line that belongs to the question

    def card_id(self, lesson_id: str) -> str:
        """Stable while the question's text stays the same; a reworded question is new."""
        return f"{lesson_id}#{words_digest(self.text)}"


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool


@dataclass(frozen=True)
class QuickCheck:
    """A question with instant feedback: choices, or a number within a tolerance."""

    prompt: str
    line: int
    choices: tuple[Choice, ...] = ()
    value: float | None = None
    tolerance: float = 0.0
    unit: str = ""
    why: str = ""
    end: int = 0  # the last line that belongs to the check

    def check_id(self, lesson_id: str) -> str:
        """Stable while the prompt's words stay the same."""
        return f"{lesson_id}#check-{words_digest(self.prompt)}"

    @property
    def kind(self) -> str:
        return "number" if self.value is not None else "choice"

    @property
    def multiple(self) -> bool:
        return sum(choice.correct for choice in self.choices) > 1


@dataclass(frozen=True)
class Sections:
    """The teaching markup of one lesson and the problems found reading it."""

    questions: list[Question] = field(default_factory=list)
    research: list[str] = field(default_factory=list)
    checks: list[QuickCheck] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # malformed markup
    unanswered: list[int] = field(default_factory=list)  # lines of questions without answer


def markdown_lines(source: str) -> list[tuple[int, str]]:
    """(file line, markdown line) for every line of the lesson's markdown cells.

    Cells are separated by an empty entry so that nothing runs across a cell boundary.
    """
    out: list[tuple[int, str]] = []
    in_markdown = False
    for number, line in enumerate(source.splitlines(), start=1):
        cell = _CELL.match(line)
        if cell:
            in_markdown = "[markdown]" in cell.group(1) or "[md]" in cell.group(1)
            out.append((number, ""))
            continue
        if not in_markdown:
            continue
        if line.startswith("# "):
            out.append((number, line[2:]))
        elif line.rstrip() == "#":
            out.append((number, ""))
        elif not line.strip():
            out.append((number, ""))
    return out


def markdown_text(path: Path) -> str:
    """All markdown cells of a lesson as one text (cells separated by blank lines)."""
    return "\n".join(text for _, text in markdown_lines(path.read_text(encoding="utf-8")))


def _dedent(line: str, indent: int) -> str:
    """``line`` without up to ``indent`` leading spaces (a list item's content indent)."""
    return line[min(indent, len(line) - len(line.lstrip(" "))) :]


def _join(lines: list[str]) -> str:
    """Markdown of a block: common indentation removed, blank lines at its ends dropped."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    indents = [len(x) - len(x.lstrip()) for x in lines[1:] if x.strip()]
    cut = min(indents) if indents else 0
    return "\n".join([lines[0].strip(), *(x[cut:] for x in lines[1:])]) if lines else ""


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
TEACHING_SECTIONS = ("questions", "further research")


class _Reader:
    """Reads teaching markup from (key, markdown line) pairs; keys are file lines when a
    whole lesson is read, positions within a cell when one cell is rewritten."""

    def __init__(self, lines: list[tuple[int, str]], section: str | None = None):
        self.lines = lines
        self.sections = Sections()
        self.section = section  # the teaching section open after the last line read

    def problem(self, line: int, message: str) -> None:
        self.sections.problems.append((line, message))

    def read(self) -> Sections:
        blocks: dict[str, list[tuple[int, str]]] = {name: [] for name in TEACHING_SECTIONS}
        other: list[tuple[int, str]] = []
        fence = ""
        for number, text in self.lines:
            opened = _FENCE.match(text)
            if fence:
                if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                    fence = ""
            elif opened:
                fence = opened.group(1)
            heading = None if fence or opened else _HEADING.match(text)
            if heading:
                name = heading.group(2).strip().lower()
                self.section = name if name in TEACHING_SECTIONS else None
                other.append((number, ""))
                continue
            (blocks[self.section] if self.section else other).append((number, text))
        self.questions(blocks["questions"])
        self.sections.research.extend(self.research(blocks["further research"]))
        self.checks(other)
        return self.sections

    # -- questions -------------------------------------------------------------------

    def questions(self, lines: list[tuple[int, str]]) -> None:
        items: list[list] = []  # [line, content indent, lines, last line]
        for number, text in lines:
            item = _NUMBERED.match(text)
            if item:
                indent = len(item.group(1)) + len(item.group(2)) + 1 + len(item.group(3))
                items.append([number, indent, [item.group(4)], number])
            elif items and (not text.strip() or text.startswith(" ")):
                items[-1][2].append(text)
                if text.strip():
                    items[-1][3] = number
            elif items and text.strip():
                break  # the list has ended; the rest is prose
        for number, indent, body, last in items:
            self.question(number, [body[0], *(_dedent(x, indent) for x in body[1:])], last)

    def question(self, line: int, body: list[str], last: int = 0) -> None:
        parts: dict[str, list[str]] = {"question": []}
        order: list[str] = []
        current = "question"
        for text in body:
            label = None if text.startswith(" ") else _LABEL.match(text)
            if label:
                kind = label.group(1).lower()
                if kind in parts:
                    self.problem(line, f"this question has more than one '{label.group(1)}:'")
                order.append(kind)
                current = kind
                parts[kind] = [label.group(2)]
                continue
            parts[current].append(text)
        if order == ["answer", "hint"]:
            self.problem(line, "put the 'Hint:' before the 'Answer:'")
        text = _join(parts["question"])
        hint, answer = _join(parts.get("hint", [])), _join(parts.get("answer", []))
        if not hint and not answer:
            self.sections.unanswered.append(line)
        self.sections.questions.append(
            Question(text=text, line=line, hint=hint, answer=answer, end=last or line)
        )

    def research(self, lines: list[tuple[int, str]]) -> list[str]:
        items: list[str] = []
        for _, text in lines:
            match = _BULLET.match(text)
            if match:
                items.append(match.group(1).strip())
            elif items and text.startswith((" ", "\t")) and text.strip():
                items[-1] += " " + text.strip()  # a wrapped list item continues
        return items

    # -- quick checks ----------------------------------------------------------------

    def checks(self, lines: list[tuple[int, str]]) -> None:
        index = 0
        while index < len(lines):
            number, text = lines[index]
            found = _CHECK.match(text)
            if not found:
                index += 1
                continue
            index = self.check(number, found.group(1), lines, index + 1)

    def check(self, line: int, first: str, lines: list[tuple[int, str]], index: int) -> int:
        prompt = [first]
        last = line
        while index < len(lines) and lines[index][1].strip():
            prompt.append(lines[index][1])
            last = lines[index][0]
            index += 1
        choices: list[list] = []
        numeric = None
        why: list[str] = []
        mode = ""
        while index < len(lines):
            text = lines[index][1]
            choice = _CHOICE.match(text)
            value = _NUMERIC.match(text)
            reason = _WHY.match(text)
            if choice and mode in ("", "choice"):
                choices.append([choice.group(1) != " ", choice.group(2)])
                mode = "choice"
            elif text.startswith("Answer:") and mode == "":
                if value is None:
                    self.problem(
                        lines[index][0],
                        "a quick check's 'Answer:' must be a number, optionally "
                        "'± tolerance' and a unit (for choices use '- [x]' lines)",
                    )
                numeric = value
                mode = "number"
            elif reason and mode and not why:
                why = [reason.group(1)]
                mode = "why"
            elif text.startswith(" ") and text.strip() and mode == "choice" and choices:
                choices[-1][1] += " " + text.strip()
            elif text.strip() and mode == "why":
                why.append(text)
            elif text.strip():
                break
            elif mode == "why":
                index += 1
                break
            if text.strip():
                last = lines[index][0]
            index += 1
        prompt_text = _join(prompt)
        if not prompt_text:
            self.problem(line, "a quick check needs its question after 'Quick check:'")
        if mode == "":
            self.problem(
                line,
                "a quick check needs choices ('- [ ] wrong', '- [x] right') or "
                "'Answer: NUMBER' after its question",
            )
            return index
        if choices:
            if len(choices) < 2:
                self.problem(line, "a multiple-choice quick check needs at least two choices")
            if not any(correct for correct, _ in choices):
                self.problem(line, "mark the right choice of this quick check with '- [x]'")
            check = QuickCheck(
                prompt=prompt_text,
                line=line,
                choices=tuple(Choice(text.strip(), correct) for correct, text in choices),
                why=_join(why),
                end=last,
            )
        elif numeric is not None:
            value = float(numeric.group(1).replace(",", "").replace("_", ""))
            tolerance = numeric.group(2)
            tol = float(tolerance.replace(",", "").replace("_", "")) if tolerance else 0.0
            unit = (numeric.group(3) + " " + numeric.group(4)).strip()
            check = QuickCheck(
                prompt=prompt_text,
                line=line,
                value=value,
                tolerance=tol,
                unit=unit,
                why=_join(why),
                end=last,
            )
        else:
            return index
        self.sections.checks.append(check)
        return index


def read_sections(source: str) -> Sections:
    """The teaching markup of a lesson's ``.py`` source."""
    return _Reader(markdown_lines(source)).read()


def read_cell(markdown: str, section: str | None = None) -> tuple[Sections, str | None]:
    """The teaching markup of one markdown cell, keyed by line index within the cell, and
    the teaching section still open at its end (``section`` is the one open before it)."""
    reader = _Reader(list(enumerate(markdown.split("\n"))), section)
    return reader.read(), reader.section


def _to_json(sections: Sections) -> dict:
    return asdict(sections)


def _from_json(data: dict) -> Sections:
    return Sections(
        questions=[Question(**q) for q in data["questions"]],
        research=list(data["research"]),
        checks=[
            QuickCheck(**{**c, "choices": tuple(Choice(**x) for x in c["choices"])})
            for c in data["checks"]
        ],
        problems=[tuple(p) for p in data["problems"]],
        unanswered=list(data["unanswered"]),
    )


def lesson_sections(path: Path, cache_dir: Path | None = None) -> Sections:
    """:func:`read_sections` of a lesson file, remembered in ``cache_dir`` by content."""
    source = path.read_bytes()
    memo = None
    if cache_dir is not None:
        key = hashlib.sha256(f"{FORMAT}\n".encode() + source).hexdigest()[:32]
        memo = cache_dir / f"{key}.json"
        try:
            return _from_json(json.loads(memo.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    sections = read_sections(source.decode("utf-8"))
    if memo is not None:
        atomic_write(memo, json.dumps(_to_json(sections)).encode("utf-8"))
    return sections


UNANSWERED = (
    "this question has no answer: add an indented paragraph starting 'Answer:' or 'Hint:' under it"
)


def section_problems(path: Path, shown: str) -> tuple[list[Problem], list[Problem]]:
    """Problems of a lesson's teaching markup, in two lists: malformed markup (which no
    build accepts) and what a finished lesson still lacks (questions without an answer,
    too few questions, tasks or quick checks), which ``check`` refuses and a preview
    only warns about."""
    found = read_sections(path.read_text(encoding="utf-8"))
    malformed = [Problem(shown, line, 1, message) for line, message in found.problems]
    missing = [Problem(shown, line, 1, UNANSWERED) for line in found.unanswered]
    if len(found.questions) < MIN_QUESTIONS:
        missing.append(
            Problem(
                shown,
                1,
                1,
                f"needs a '## Questions' section with at least {MIN_QUESTIONS} "
                f"numbered questions (found {len(found.questions)})",
            )
        )
    if len(found.research) < MIN_RESEARCH:
        missing.append(
            Problem(
                shown,
                1,
                1,
                f"needs a '## Further research' section with at least "
                f"{MIN_RESEARCH} tasks (found {len(found.research)})",
            )
        )
    if len(found.checks) < MIN_CHECKS:
        missing.append(
            Problem(shown, 1, 1, "needs at least one quick check ('Quick check:' paragraph)")
        )
    return malformed, missing


_SHOW = re.compile(r"(?:\bplt|\bfig\w*|\bfigure)\.show\(")
MIN_ALT_CHARS = 20
_META_KEY = re.compile(r"(?:^|\s)([A-Za-z_][\w.-]*)=")


def _cells(source: str) -> list[tuple[int, str, str]]:
    """(line of the ``# %%`` marker, the marker's text after ``# %%``, the cell's code)."""
    cells: list[tuple[int, str, list[str]]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        marker = _CELL.match(line)
        if marker:
            cells.append((number, marker.group(1), []))
        elif cells:
            cells[-1][2].append(line)
    return [(number, head, "\n".join(body)) for number, head, body in cells]


def cell_metadata(marker: str) -> dict:
    """The ``key=value`` metadata of a percent-format cell marker (what follows ``# %%``),
    as jupytext reads it: values are JSON; ``[markdown]`` and a cell title are skipped."""
    decoder = json.JSONDecoder()
    found: dict = {}
    for match in _META_KEY.finditer(marker):
        try:
            value, _ = decoder.raw_decode(marker, match.end())
        except ValueError:
            continue
        found[match.group(1)] = value
    return found


def figure_problems(path: Path, shown: str) -> list[Problem]:
    """Code cells that show a plot must describe it: an ``alt="..."`` in the cell marker
    (a list of texts when the cell shows several plots)."""
    source = path.read_text(encoding="utf-8")
    problems = []
    for line, head, body in _cells(source):
        if "[markdown]" in head or "[md]" in head or not _SHOW.search(body):
            continue
        alt = cell_metadata(head).get("alt")
        texts = [alt] if isinstance(alt, str) else alt if isinstance(alt, list) else []
        if not texts:
            problems.append(
                Problem(shown, line, 1, 'this cell shows a plot: describe it with alt="..."')
            )
        elif any(not isinstance(t, str) or len(t.strip()) < MIN_ALT_CHARS for t in texts):
            problems.append(
                Problem(
                    shown,
                    line,
                    1,
                    f"alt text must say what the plot shows (at least {MIN_ALT_CHARS} characters)",
                )
            )
    return problems
