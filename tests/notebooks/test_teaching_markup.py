"""Teaching markup in lessons: questions with answers become review cards, quick checks
become checkable blocks, and both render through Python-Markdown as the engines render them."""

from __future__ import annotations

import re

from build_tools.lessons.teaching import read_sections
from build_tools.site.teaching_markup import TeachingTransform
from tests.notebooks.test_render import html_of

QUESTIONS = """\
## Questions

1. Why compare with a baseline?

   Answer: Because a number alone says nothing; **98 %** may be easy.

   ```python
   print("baseline")
   ```

2. What does `backward()` fill in?

   Hint: look at each parameter's `.grad`.

   Answer: The gradients.
"""
CHECKS = """\
Quick check: which split decides when to stop?

- [ ] the training set
- [x] the validation set
- [ ] the test set

Why: the test set stays unseen.

Quick check: how many numbers does `nn.Linear(64, 10)` learn?

Answer: 650 ± 0

Plain prose after it.
"""


def lesson(markdown: str) -> str:
    """A lesson source whose single markdown cell is ``markdown``."""
    cell = "\n".join(f"# {line}" if line else "#" for line in markdown.splitlines())
    return f"# %% [markdown]\n{cell}\n\n# %%\nx = 1\n"


def test_questions_become_cards_with_folded_hints_and_answers():
    out = html_of(TeachingTransform("stage-1/01-x", "X")(QUESTIONS))
    assert '<ol class="tdl-cards" data-tdl-lesson="stage-1/01-x" data-tdl-lesson-title="X">' in out
    cards = re.findall(r'<li class="tdl-card" data-tdl-card="(stage-1/01-x#[0-9a-f]{12})"', out)
    assert len(cards) == 2 and len(set(cards)) == 2
    assert "<p>Why compare with a baseline?</p>" in out
    assert '<details class="tdl-card__answer">\n<summary>Answer</summary>' in out
    assert "<strong>98 %</strong>" in out and '<span class="s2">"baseline"</span>' in out
    assert out.index("tdl-card__hint") < out.index("The gradients.")
    assert "Answer:" not in out and "Hint:" not in out


def test_a_card_is_known_by_its_question_not_its_answer():
    first = read_sections(lesson(QUESTIONS)).questions[0]
    edited = read_sections(lesson(QUESTIONS.replace("98 %", "97 %"))).questions[0]
    reworded = read_sections(
        lesson(QUESTIONS.replace("Why compare", "Why do we compare"))
    ).questions[0]
    assert first.card_id("s/x") == edited.card_id("s/x")
    assert first.card_id("s/x") != reworded.card_id("s/x")
    # Whitespace and case do not make a card new.
    respaced = read_sections(
        lesson(QUESTIONS.replace("Why compare with", "why  compare with"))
    ).questions[0]
    assert respaced.card_id("s/x") == first.card_id("s/x")


def test_quick_checks_carry_their_answers_for_the_script_and_a_fold_without_it():
    out = html_of(TeachingTransform("stage-1/01-x")(CHECKS))
    choice, number = re.findall(r'<div class="tdl-check" ([^>]*)>', out)
    assert 'data-kind="choice"' in choice and 'data-answer="1"' in choice
    assert 'data-kind="number"' in number and 'data-value="650"' in number
    assert 'data-tolerance="0"' in number
    assert "<li>the validation set</li>" in out
    assert "<strong>Answer:</strong> the validation set" in out
    assert "the test set stays unseen" in out and "<p>Plain prose after it.</p>" in out


def test_several_right_choices_make_a_select_all_check():
    text = CHECKS.replace("- [ ] the test set", "- [x] the test set")
    out = html_of(TeachingTransform("s/x")(text))
    assert 'data-answer="1,2"' in out and 'data-multiple="true"' in out


def test_a_questions_heading_in_one_cell_opens_the_section_for_the_next():
    transform = TeachingTransform("s/x")
    assert "tdl-cards" not in transform("Intro.\n\n## Questions")
    second = transform("1. Carried over?\n\n   Answer: Yes.\n")
    assert 'class="tdl-cards"' in second and 'value="1"' in second
    assert "tdl-cards" not in transform("## Further research\n\n- Try it.")


def test_check_names_the_line_of_each_unanswered_question_and_broken_check():
    text = QUESTIONS.replace("   Answer: The gradients.\n", "").replace(
        "   Hint: look at each parameter's `.grad`.\n", ""
    )
    text = "Quick check: one choice only?\n\n- [x] yes\n\n" + text
    found = read_sections(lesson(text))
    messages = {line: message for line, message in found.problems}
    (unanswered,) = found.unanswered
    assert lesson(text).splitlines()[unanswered - 1] == "# 2. What does `backward()` fill in?"
    assert any("at least two choices" in m for m in messages.values())
