"""Quick checks in Chromium: a choice and a number answered by keyboard are marked right or
wrong at once, a right answer shows its "Why", and without script the folded answer is
still there."""

from __future__ import annotations

import pytest

from build_tools.lessons.discovery import discover_lessons
from build_tools.lessons.teaching import lesson_sections
from tests.browser.conftest import new_tab, settled_text, text_starting
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PATH = discover_lessons(ROOT / "docs" / "lessons", ROOT)


def first_check(kind: str):
    """(lesson, check) of the path's first quick check of this kind with one right answer."""
    for lesson in PATH:
        for check in lesson_sections(lesson.path).checks:
            if check.kind == kind and not check.multiple:
                return lesson, check
    raise AssertionError(f"no lesson has a {kind} quick check")


def feedback(block, expected: str) -> str:
    return settled_text(block.locator(".tdl-check__feedback"), expected)


def not_quite(block) -> bool:
    return text_starting(block.locator(".tdl-check__feedback"), "Not quite.").startswith("Not")


def submit_by_keyboard(tab, block) -> None:
    block.locator(".tdl-check__button").focus()
    tab.page.keyboard.press("Enter")


def test_a_choice_is_marked_wrong_then_right(tab):
    lesson, check = first_check("choice")
    tab.open(f"lessons/{lesson.id}/")
    block = tab.page.locator(f".tdl-check[data-tdl-check='{check.check_id(lesson.id)}']")
    radios = block.locator("input[type=radio]")
    assert radios.count() == len(check.choices)
    right = next(i for i, choice in enumerate(check.choices) if choice.correct)
    wrong = next(i for i, choice in enumerate(check.choices) if not choice.correct)

    radios.nth(wrong).focus()
    tab.page.keyboard.press("Space")
    submit_by_keyboard(tab, block)
    assert not_quite(block)
    assert "tdl-check--wrong" in block.get_attribute("class")
    assert not block.locator(".tdl-check__answer").evaluate("d => d.open")

    radios.nth(right).focus()
    tab.page.keyboard.press("Space")
    submit_by_keyboard(tab, block)
    assert feedback(block, "Right.") == "Right."
    assert "tdl-check--right" in block.get_attribute("class")
    why = block.locator(".tdl-check__answer")
    assert why.evaluate("d => d.open")
    if check.why:
        assert check.why.split()[0] in why.inner_text()
    assert tab.errors == []


def test_a_number_is_marked_within_its_tolerance(tab):
    lesson, check = first_check("number")
    tab.open(f"lessons/{lesson.id}/")
    block = tab.page.locator(f".tdl-check[data-tdl-check='{check.check_id(lesson.id)}']")
    box = block.locator("input[type=text]")
    assert block.locator("label").inner_text() == "Your answer"
    if check.unit:
        assert block.locator(".tdl-check__unit").inner_text() == check.unit

    box.fill(f"{check.value + 2 * check.tolerance + 1:g}")
    box.press("Enter")  # Enter in the box submits, as in any form
    assert not_quite(block)
    # The edge of the tolerance is right, written with a thousands separator.
    box.fill(f"{check.value + check.tolerance:,}")
    box.press("Enter")
    assert feedback(block, "Right.") == "Right."
    assert block.locator(".tdl-check__answer").evaluate("d => d.open")
    assert tab.errors == []


def test_without_script_the_answer_still_unfolds(browser, base_url):
    lesson, check = first_check("choice")
    tab = new_tab(browser, base_url, java_script_enabled=False)
    try:
        tab.open(f"lessons/{lesson.id}/")
        block = tab.page.locator(f".tdl-check[data-tdl-check='{check.check_id(lesson.id)}']")
        assert block.locator("ul > li").count() == len(check.choices)
        fold = block.locator(".tdl-check__answer")
        fold.locator("summary").click()
        assert fold.evaluate("d => d.open")
        right = next(choice.text for choice in check.choices if choice.correct)
        assert right.split()[0] in fold.inner_text()
    finally:
        tab.page.context.close()
