"""A lesson page in Chromium: what to read first, the resources it builds on, "mark as done",
and previous/next along the path."""

from __future__ import annotations

import pytest

from build_tools.catalog import load_catalog
from build_tools.lessons import discover_lessons
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
    first_paragraph = tab.page.locator(".jp-RenderedMarkdown > p").first
    assert extras.bounding_box()["y"] < first_paragraph.bounding_box()["y"]


def test_previous_and_next_follow_the_path(tab):
    index = next(i for i, lesson in enumerate(PATH) if lesson.id == CHOSEN.id)
    tab.open(f"lessons/{CHOSEN.id}/")
    nav = tab.page.locator(".tdl-lesson-nav")
    if index > 0:
        assert PATH[index - 1].title in nav.locator("[rel=prev]").inner_text()
    if index + 1 < len(PATH):
        nav.locator("[rel=next]").click()
        tab.page.wait_for_url(f"**/lessons/{PATH[index + 1].id}/")
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
