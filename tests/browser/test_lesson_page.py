"""A lesson page in Chromium: what to read first, the resources it builds on, "mark as done",
previous/next along the path, and code coloured in the browser."""

from __future__ import annotations

import pytest

from build_tools.catalog.model import load_catalog
from build_tools.lessons.discovery import discover_lessons
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CATALOG = load_catalog(ROOT / "resources.yml")
PATH = discover_lessons(ROOT / "docs" / "lessons", ROOT)
# A lesson with prerequisites when there is one, else the second of the path.
CHOSEN = next((lesson for lesson in PATH if lesson.meta.prerequisites), PATH[1])


def test_prerequisites_and_resources_sit_above_the_notebook(tab):
    tab.open(f"lessons/{CHOSEN.id}/")
    extras = tab.page.locator(".tdl-lesson-extras")
    text = extras.inner_text()
    by_id = {lesson.id: lesson for lesson in PATH}
    for lid in CHOSEN.meta.prerequisites:
        link = extras.locator("a", has_text=by_id[lid].title)
        assert link.get_attribute("href").rstrip("/").endswith(lid), lid
    for rid in CHOSEN.meta.resources:
        resource = CATALOG.resources_by_id[rid]
        assert resource.title in text
        assert extras.locator(f"a[href='{resource.url}']").count() == 1
    # Above the first notebook cell's prose: right under the title and downloads bar.
    first_paragraph = tab.page.locator(".tdl-lesson-extras ~ p").first
    assert extras.bounding_box()["y"] < first_paragraph.bounding_box()["y"]


def test_previous_and_next_follow_the_path(tab):
    index = next(i for i, lesson in enumerate(PATH) if lesson.id == CHOSEN.id)
    tab.open(f"lessons/{CHOSEN.id}/")
    nav = tab.page.locator(".tdl-lesson-nav")
    if index > 0:
        assert PATH[index - 1].title in nav.locator("[rel=prev]").inner_text()
    if index + 1 < len(PATH):
        nav.locator("[rel=next]").click()
        tab.wait_for_page(f"lessons/{PATH[index + 1].id}/")
        tab.page.wait_for_selector(f"input[data-tdl-item='lesson:{PATH[index + 1].id}']")
    # The first lesson has no previous one, the last no next one.
    tab.open(f"lessons/{PATH[0].id}/")
    assert tab.page.locator(".tdl-lesson-nav [rel=prev]").count() == 0
    tab.open(f"lessons/{PATH[-1].id}/")
    assert tab.page.locator(".tdl-lesson-nav [rel=next]").count() == 0
    assert tab.errors == []


def test_mark_as_done_from_the_keyboard(tab):
    tab.open(f"lessons/{CHOSEN.id}/")
    box = tab.page.locator(f"input[data-tdl-item='lesson:{CHOSEN.id}']").first
    box.focus()
    tab.page.keyboard.press("Space")
    assert box.is_checked()
    tab.page.reload()
    assert tab.page.locator(f"input[data-tdl-item='lesson:{CHOSEN.id}']").last.is_checked()


def coloured_code(tab) -> dict:
    return tab.page.evaluate(
        """() => {
            const blocks = [...document.querySelectorAll('.tdl-code code')];
            return {
                blocks: blocks.length,
                coloured: blocks.filter(b => b.hasAttribute('data-tdl-coloured')).length,
                keywords: document.querySelectorAll('.tdl-code .token.keyword').length,
                copy: document.querySelectorAll('.tdl-code .md-code__button').length,
            };
        }"""
    )


def test_lesson_code_is_coloured_on_load_and_after_instant_navigation(tab):
    tab.open(f"lessons/{PATH[0].id}/")
    tab.page.wait_for_selector(".tdl-code .token.keyword")
    first = coloured_code(tab)
    assert first["blocks"] > 3 and first["coloured"] == first["blocks"], first
    assert first["keywords"] > 0 and first["copy"] == first["blocks"], first
    # Keyword colour differs from plain code text: the theme's colours apply to the tokens.
    colours = tab.page.evaluate(
        """() => [
            getComputedStyle(document.querySelector('.tdl-code .token.keyword')).color,
            getComputedStyle(document.querySelector('.tdl-code code')).color,
        ]"""
    )
    assert colours[0] != colours[1], colours
    # Material swaps the page body on navigation; the next lesson's code is coloured too.
    tab.page.locator(".tdl-lesson-nav [rel=next]").click()
    tab.wait_for_page(f"lessons/{PATH[1].id}/")
    tab.page.wait_for_selector(".tdl-code .token.keyword")
    after = coloured_code(tab)
    assert after["blocks"] > 3 and after["coloured"] == after["blocks"], after
    assert tab.errors == []
