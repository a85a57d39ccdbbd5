"""Teaching markup -> page markup: review cards and quick checks that work without script.

A lesson's questions become an ordered list of cards, each with its hint and answer folded
in ``<details>`` (collapsed until the reader asks, with or without JavaScript); its quick
checks become blocks carrying their answer in data attributes, which the reader's script
turns into inputs with instant feedback (without script, a folded "Show the answer"
remains). Everything is Markdown with ``md_in_html``, so the text inside is rendered by the
same Markdown as the rest of the page on every engine.

Cards and checks are named by their lesson and their own words
(:meth:`~build_tools.lessons.teaching.Question.card_id`), which is what the reader's review
schedule is keyed on.
"""

from __future__ import annotations

from html import escape

from build_tools.lessons.teaching import Question, QuickCheck, read_cell


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _fold(kind: str, label: str, markdown: str) -> str:
    return (
        f'<details class="tdl-card__{kind}" markdown>\n<summary>{label}</summary>\n\n'
        f"{markdown}\n\n</details>"
    )


def card(question: Question, number: int, lesson_id: str) -> str:
    """One question as a review card (an ``li`` of the cards list)."""
    card_id = _attr(question.card_id(lesson_id))
    parts = [
        f'<li class="tdl-card" value="{number}" data-tdl-card="{card_id}" markdown="block">',
        f'<div class="tdl-card__question" markdown>\n\n{question.text}\n\n</div>',
    ]
    if question.hint:
        parts.append(_fold("hint", "Hint", question.hint))
    if question.answer:
        parts.append(_fold("answer", "Answer", question.answer))
    parts.append("</li>")
    return "\n".join(parts)


def cards(questions: list[tuple[int, Question]], lesson_id: str, lesson_title: str = "") -> str:
    """An ordered list of cards; ``questions`` pairs each question with its number."""
    title = f' data-tdl-lesson-title="{_attr(lesson_title)}"' if lesson_title else ""
    items = "\n".join(card(question, number, lesson_id) for number, question in questions)
    lesson = _attr(lesson_id)
    return f'<ol class="tdl-cards" data-tdl-lesson="{lesson}"{title} markdown>\n{items}\n</ol>'


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def quick_check(check: QuickCheck, lesson_id: str) -> str:
    """A quick check: its prompt, its choices as a list, the answer folded for readers
    without script, and the data the script checks answers against."""
    data = [
        f'data-tdl-check="{_attr(check.check_id(lesson_id))}"',
        f'data-kind="{check.kind}"',
    ]
    if check.kind == "choice":
        right = [str(i) for i, choice in enumerate(check.choices) if choice.correct]
        data.append(f'data-answer="{",".join(right)}"')
        if check.multiple:
            data.append('data-multiple="true"')
        listing = "\n".join(f"- {choice.text}" for choice in check.choices)
        answer = "; ".join(choice.text for choice in check.choices if choice.correct)
    else:
        data += [
            f'data-value="{_number(check.value)}"',
            f'data-tolerance="{_number(check.tolerance)}"',
        ]
        if check.unit:
            data.append(f'data-unit="{_attr(check.unit)}"')
        listing = ""
        answer = _number(check.value)
        if check.tolerance:
            answer += f" ± {_number(check.tolerance)}"
        if check.unit:
            answer += f" {check.unit}" if check.unit != "%" else "%"
    why = f"\n\n{check.why}" if check.why else ""
    parts = [
        f'<div class="tdl-check" {" ".join(data)} markdown>',
        f'<div class="tdl-check__prompt" markdown>\n\n**Quick check:** {check.prompt}\n\n</div>',
    ]
    if listing:
        parts.append(listing)
    parts.append(
        '<details class="tdl-check__answer" markdown>\n<summary>Show the answer</summary>\n\n'
        f"**Answer:** {answer}{why}\n\n</details>"
    )
    parts.append("</div>")
    return "\n\n".join(parts)


class TeachingTransform:
    """Rewrites the teaching markup of a lesson's markdown cells, one cell at a time, in
    order (a Questions heading in one cell opens the section for the next)."""

    def __init__(self, lesson_id: str, lesson_title: str = ""):
        self.lesson_id = lesson_id
        self.lesson_title = lesson_title
        self.section: str | None = None
        self.numbered = 0  # questions numbered so far

    def __call__(self, markdown: str) -> str:
        found, self.section = read_cell(markdown, self.section)
        lines = markdown.split("\n")
        replacements: list[tuple[int, int, str]] = []
        if found.questions:
            numbered = []
            for question in found.questions:
                self.numbered += 1
                numbered.append((self.numbered, question))
            start, end = found.questions[0].line, found.questions[-1].end
            replacements.append((start, end, cards(numbered, self.lesson_id, self.lesson_title)))
        for check in found.checks:
            replacements.append((check.line, check.end, quick_check(check, self.lesson_id)))
        for start, end, markup in sorted(replacements, reverse=True):
            lines[start : end + 1] = ["", markup, ""]
        return "\n".join(lines)
