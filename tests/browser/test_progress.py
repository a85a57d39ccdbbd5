"""Progress in Chromium: lessons marked done show on the home page after a reload and after
Material's instant navigation, an exported file restores them in a fresh browser, what
an older version of the site kept or exported carries over (renamed lessons included),
and a damaged or foreign file changes nothing."""

from __future__ import annotations

import json

import pytest

from build_tools.catalog.model import load_catalog
from build_tools.lessons.discovery import discover_lessons
from tests.browser.conftest import new_tab, settled_text, text_starting
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CATALOG = load_catalog(ROOT / "resources.yml")
LESSONS = discover_lessons(ROOT / "docs" / "lessons", ROOT)
STAGE_1 = [lesson for lesson in LESSONS if lesson.stage == 1]
STAGE_1_RESOURCES = [r for r in CATALOG.resources if r.stage == 1]


def expected_text(lessons_done: int, resources_done: int = 0) -> str:
    return (
        f"{lessons_done}/{len(STAGE_1)} lessons · "
        f"{resources_done}/{len(STAGE_1_RESOURCES)} resources"
    )


def assert_stage_1(tab, lessons_done: int, resources_done: int = 0) -> None:
    """Stage 1's progress line on the home page reads these counts (once drawn)."""
    want = expected_text(lessons_done, resources_done)
    step = tab.page.locator(".tdl-path__step").first
    assert settled_text(step.locator("[data-tdl-progress-text]"), want) == want


def mark_done(tab, lesson) -> None:
    tab.open(f"lessons/{lesson.id}/")
    box = tab.page.locator(f"input[data-tdl-item='lesson:{lesson.id}']").first
    box.check()
    # Both boxes of the page (top and bottom) show the new state.
    checked = tab.page.locator(f"input[data-tdl-item='lesson:{lesson.id}']").evaluate_all(
        "boxes => boxes.map(b => b.checked)"
    )
    assert checked == [True, True]


def test_done_lessons_show_on_home_after_a_reload(tab):
    assert len(STAGE_1) >= 2
    tab.open()
    assert_stage_1(tab, 0)
    mark_done(tab, STAGE_1[0])
    tab.open()
    assert_stage_1(tab, 1)
    bar = tab.page.locator(".tdl-path__step").first.locator("[role=progressbar]")
    total = len(STAGE_1) + len(STAGE_1_RESOURCES)
    assert bar.get_attribute("aria-valuenow") == str(round(100 / total))
    tab.page.reload()
    assert_stage_1(tab, 1)
    # "Continue" leads to the first lesson not done yet.
    follow = tab.page.locator("[data-tdl-continue]")
    assert follow.is_visible()
    assert follow.get_attribute("href").endswith(f"lessons/{STAGE_1[1].id}/")
    assert tab.errors == []


def test_done_lessons_show_on_home_after_instant_navigation(tab):
    tab.open()
    # A marker on window survives instant navigation and vanishes on a real page load.
    tab.page.evaluate("window.__stillHere = true")
    tab.page.locator(f"a[data-tdl-lesson='lesson:{STAGE_1[1].id}']").click()
    tab.wait_for_page(f"lessons/{STAGE_1[1].id}/")
    tab.page.locator(f"input[data-tdl-item='lesson:{STAGE_1[1].id}']").first.check()
    tab.page.locator(".md-tabs__link", has_text="Home").click()
    tab.wait_for_page()
    assert tab.page.evaluate("window.__stillHere === true"), "the page was reloaded"
    assert_stage_1(tab, 1)
    # Unmarking works the same way back.
    tab.page.locator(f"a[data-tdl-lesson='lesson:{STAGE_1[1].id}']").click()
    tab.wait_for_page(f"lessons/{STAGE_1[1].id}/")
    tab.page.locator(f"input[data-tdl-item='lesson:{STAGE_1[1].id}']").last.uncheck()
    tab.page.go_back()
    tab.wait_for_page()
    assert tab.page.evaluate("window.__stillHere === true")
    assert_stage_1(tab, 0)
    assert tab.errors == []


def test_resources_marked_done_on_the_catalog_count_on_home(tab):
    resource = STAGE_1_RESOURCES[0]
    tab.open(f"catalog/?stage=1&text={resource.id}")
    tab.page.locator(f"input[data-tdl-item='resource:{resource.id}']").check()
    # "Hide what I have done" drops it from the list, and the address keeps the choice.
    tab.page.locator("input[name=todo]").check()
    assert tab.page.locator(f"article[data-id='{resource.id}']").count() == 0
    assert "todo=1" in tab.page.url
    tab.open()
    assert_stage_1(tab, 0, 1)


def test_export_then_import_restores_progress(tab, browser, tmp_path):
    mark_done(tab, STAGE_1[0])
    mark_done(tab, STAGE_1[1])
    tab.open()
    with tab.page.expect_download() as download:
        tab.page.locator("[data-tdl-export]").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert exported["format"] == "tdl-progress"
    assert set(exported["done"]) == {f"lesson:{STAGE_1[0].id}", f"lesson:{STAGE_1[1].id}"}

    fresh = new_tab(browser, tab.base_url)
    try:
        fresh.open()
        assert_stage_1(fresh, 0)
        fresh.page.locator("[data-tdl-import]").set_input_files(str(saved))
        fresh.page.wait_for_function(
            "() => document.querySelector('[data-tdl-status]').textContent.startsWith('Imported')"
        )
        assert (
            fresh.page.locator("[data-tdl-status]").inner_text()
            == "Imported 2 new items and 0 card schedules."
        )
        assert_stage_1(fresh, 2)
        fresh.page.reload()
        assert_stage_1(fresh, 2)
        # A file that is not a progress export changes nothing and says so.
        bogus = tmp_path / "other.json"
        bogus.write_text('{"done": {"lesson:stage-1/x": "2020-01-01"}}', encoding="utf-8")
        fresh.page.locator("[data-tdl-import]").set_input_files(str(bogus))
        fresh.page.wait_for_function(
            "() => document.querySelector('[data-tdl-status]').textContent.startsWith('That')"
        )
        assert_stage_1(fresh, 2)
        assert fresh.errors == []
    finally:
        fresh.page.context.close()


def stored_text(tab) -> str | None:
    return tab.page.evaluate("() => localStorage.getItem(__md_scope.pathname + '.tdl.progress')")


def import_file(tab, path, text: str, prefix: str) -> str:
    path.write_text(text, encoding="utf-8")
    tab.page.locator("[data-tdl-import]").set_input_files(str(path))
    return text_starting(tab.page.locator("[data-tdl-status]"), prefix)


def test_version_1_progress_migrates_and_a_damaged_file_changes_nothing(tab, tmp_path):
    tab.open()
    aliases = tab.page.evaluate("() => (window.TDL_SITE || {}).aliases || {}")
    # A renamed lesson's old id when the site has one: progress kept under it moves along.
    old, new = next(iter(aliases.items()), (f"lesson:{STAGE_1[0].id}",) * 2)
    version_1 = {"version": 1, "done": {old: "2024-05-01T10:00:00.000Z"}}
    tab.page.evaluate(
        "v => localStorage.setItem(__md_scope.pathname + '.tdl.progress', v)", json.dumps(version_1)
    )
    tab.page.reload()
    done_link = tab.page.locator(f"a[data-tdl-lesson='{new}']")
    assert "tdl-is-done" in done_link.get_attribute("class")

    other = next(f"lesson:{lesson.id}" for lesson in LESSONS if f"lesson:{lesson.id}" != new)
    export_1 = {"format": "tdl-progress", "version": 1, "done": {other: "2024-05-02T10:00:00Z"}}
    status = import_file(tab, tmp_path / "v1.json", json.dumps(export_1), "Imported")
    assert status == "Imported 1 new item and 0 card schedules."
    store = json.loads(stored_text(tab))
    assert store["version"] == 2 and store["cards"] == {}
    assert store["done"] == {new: "2024-05-01T10:00:00.000Z", other: "2024-05-02T10:00:00Z"}

    kept = stored_text(tab)
    schedule = {
        "due": "2024-05-03T10:00:00.000Z", "last_review": "2024-05-02T10:00:00.000Z",
        "state": 2, "reps": 2, "lapses": 0, "learning_steps": 0, "stability": 3.2,
        "difficulty": 5.0, "elapsed_days": 0, "scheduled_days": 1,
    }  # fmt: skip
    card = old.split(":", 1)[1] + "#0123456789ab"
    damaged = {
        "format": "tdl-progress",
        "version": 2,
        "done": {},
        "cards": {card: {**schedule, "due": "soon"}},
    }
    files = {
        "cut.json": ('{"format": "tdl-progress", "version": 2, "done": {', "(it is not JSON)"),
        "foreign.json": ('{"done": {"lesson:stage-1/x": "2024-01-01"}}', "of this site"),
        "newer.json": (json.dumps({**damaged, "version": 3}), "format version 3"),
        "damaged.json": (json.dumps(damaged), "damaged: the schedule of card " + card),
    }
    for name, (text, reason) in files.items():
        status = import_file(tab, tmp_path / name, text, "That file")
        assert reason in status and status.endswith("Nothing was changed."), name
        assert stored_text(tab) == kept, name

    # A schedule exported under a renamed lesson's id comes back under the new id.
    moved = {**damaged, "cards": {card: schedule}}
    status = import_file(tab, tmp_path / "moved.json", json.dumps(moved), "Imported")
    assert status == "Imported 0 new items and 1 card schedule."
    assert json.loads(stored_text(tab))["cards"] == {
        new.split(":", 1)[1] + "#0123456789ab": schedule
    }
    # No question of the site has that id (as after a rewording): it is kept, never counted.
    due = tab.page.locator("[data-tdl-due-text]").inner_text()
    assert "ready from lessons you have finished" in due and "due for review" not in due
    assert tab.errors == []
