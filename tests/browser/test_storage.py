"""Progress imports tell the truth, and a browser that keeps nothing still reads the site.

A small project with two lessons (their questions are review cards), built by each engine
and opened in Chromium: an import into full storage, or into a browser that drops what is
written, says nothing was imported and changes nothing; version-1 files have their cards
checked like version 2; schedules with values FSRS never produces are refused with the
card's id; a version that is not a number is named as such. With local storage blocked
outright, every page reads as usual, its controls that would write are off, one notice
says why, and the project's scripts raise nothing.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import ENGINES, new_tab, served_site, text_starting
from tests.browser.test_progress import import_file, stored_text
from tests.conftest import ROOT, catalog_yaml, write_project
from tests.notebooks.conftest import write_lesson

pytestmark = pytest.mark.browser

FIRST, SECOND = "lesson:stage-1/01-first", "lesson:stage-1/02-second"
CARD = "stage-1/01-first#0123456789ab"
SCHEDULE = {
    "due": "2024-05-03T10:00:00.000Z", "last_review": "2024-05-02T10:00:00.000Z",
    "state": 2, "reps": 2, "lapses": 0, "learning_steps": 0, "stability": 3.2,
    "difficulty": 5.0, "elapsed_days": 0, "scheduled_days": 1,
}  # fmt: skip
KEPT = {"version": 2, "done": {FIRST: "2024-05-01T10:00:00.000Z"}, "cards": {}}
NOTHING = "Your progress is as it was."
# Makes every use of localStorage throw, as a browser that blocks site data does, and
# records where each uncaught error came from.
BLOCKED = """
window.__errors = [];
window.addEventListener("error", e => window.__errors.push(e.filename + ": " + e.message));
Object.defineProperty(window, "localStorage", {
    configurable: true,
    get() { throw new DOMException("The operation is insecure.", "SecurityError"); },
});
"""


def export(version=2, done=None, cards=None) -> str:
    value = {"format": "tdl-progress", "version": version, "done": done or {}}
    if cards is not None or version != 1:
        value["cards"] = cards or {}
    return json.dumps(value)


@pytest.fixture(scope="module", params=ENGINES)
def site(request, tmp_path_factory):
    """(engine, base URL) of the two-lesson project with the real site's mkdocs.yml."""
    root = tmp_path_factory.mktemp("storage")
    write_project(root, (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), catalog_yaml())
    write_lesson(root, "01-first")
    write_lesson(root, "02-second")
    with served_site(root, request.param, root / "site") as base_url:
        yield request.param, base_url


@pytest.fixture
def tab(browser, site):
    """The home page with one lesson done, kept in the browser's storage."""
    opened = new_tab(browser, site[1])
    opened.open()
    opened.page.evaluate(
        "v => localStorage.setItem(__md_scope.pathname + '.tdl.progress', v)", json.dumps(KEPT)
    )
    opened.page.reload()
    assert opened.page.locator("[data-tdl-storage-notice]").count() == 0
    yield opened
    opened.page.context.close()


def done_lessons(tab) -> list[str]:
    return tab.page.locator("a[data-tdl-lesson].tdl-is-done").evaluate_all(
        "links => links.map(a => a.getAttribute('data-tdl-lesson'))"
    )


def test_import_into_full_storage_says_so_and_changes_nothing(tab, tmp_path):
    kept = stored_text(tab)
    # Fill the origin's storage the way a reader's other data would, to the last byte.
    tab.page.evaluate(
        """() => {
            for (let size = 1 << 22, n = 0; size >= 1; size = size >> 1) {
                try {
                    for (;;) localStorage.setItem("filler" + n++, "x".repeat(size));
                } catch (error) { /* full at this size: go on with smaller pieces */ }
            }
        }"""
    )
    status = import_file(
        tab, tmp_path / "more.json", export(done={SECOND: KEPT["done"][FIRST]}), "Nothing"
    )
    assert status == (
        "Nothing was imported: this browser's storage for this site is full. " + NOTHING
    )
    assert stored_text(tab) == kept
    assert done_lessons(tab) == [FIRST]
    # From then on the page says once why nothing can be kept, and writes nothing more.
    notice = tab.page.locator("[data-tdl-storage-notice]")
    assert text_starting(notice, "Your progress cannot be kept here: this browser's storage")
    assert notice.count() == 1
    assert tab.page.locator("input[data-tdl-import]").is_disabled()
    assert tab.errors == []


def test_import_that_the_browser_does_not_keep_claims_nothing(tab, tmp_path):
    kept = stored_text(tab)
    # Storage that accepts every write and keeps none of them.
    tab.page.evaluate("() => { Storage.prototype.setItem = function () {}; }")
    status = import_file(
        tab, tmp_path / "more.json", export(done={SECOND: KEPT["done"][FIRST]}), "Nothing"
    )
    assert status == "Nothing was imported: this browser did not keep what was written. " + NOTHING
    assert stored_text(tab) == kept
    assert done_lessons(tab) == [FIRST]
    assert tab.errors == []


def test_version_1_cards_are_checked_like_version_2(tab, tmp_path):
    kept = stored_text(tab)
    garbage = {**SCHEDULE, "stability": "high", "due": None}
    status = import_file(tab, tmp_path / "v1.json", export(1, cards={CARD: garbage}), "That")
    assert status == (
        f"That file is damaged: the schedule of card {CARD} is unusable: its due date is "
        "missing or not a date. Nothing was changed."
    )
    assert stored_text(tab) == kept
    status = import_file(tab, tmp_path / "v1.json", export(1, cards={CARD: SCHEDULE}), "Imported")
    assert status == "Imported 0 new items and 1 card schedule."
    assert json.loads(stored_text(tab))["cards"] == {CARD: SCHEDULE}


# A field, a value FSRS never produces for it, and how the refusal names it.
OUT_OF_RANGE = [
    ("stability", 1e308, "stability 1e+308 is not between 0.001 and 36500"),
    ("stability", 5e-324, "stability 5e-324 is not between 0.001 and 36500"),
    ("stability", -1, "stability -1 is not between 0.001 and 36500"),
    ("difficulty", 0.5, "difficulty 0.5 is not between 1 and 10"),
    ("difficulty", 1e308, "difficulty 1e+308 is not between 1 and 10"),
    ("scheduled_days", 1e9, "scheduled_days 1000000000 is not between 0 and 36500"),
    ("elapsed_days", -3, "elapsed_days -3 is not between 0 and 3652425"),
    ("reps", 1.5, "reps is not a whole number of 0 or more"),
    ("lapses", 1e20, "lapses is not a whole number of 0 or more"),
    ("due", "2024-02-30T10:00:00Z", "its due date is missing or not a date"),
    ("due", "1", "its due date is missing or not a date"),
    ("due", "+275760-09-13T00:00:00.000Z", "its due date is missing or not a date"),
    ("last_review", "1900-01-01T00:00:00Z", "its last review is not a date"),
]


def test_schedules_outside_the_ranges_fsrs_computes_are_refused_with_the_card_id(tab, tmp_path):
    kept = stored_text(tab)
    for field, value, reason in OUT_OF_RANGE:
        text = export(cards={CARD: {**SCHEDULE, field: value}})
        status = import_file(tab, tmp_path / "bad.json", text, "That")
        assert status == (
            f"That file is damaged: the schedule of card {CARD} is unusable: {reason}. "
            "Nothing was changed."
        ), (field, value)
        assert stored_text(tab) == kept
    # 1e400 is read as Infinity: not a number at all.
    text = export(cards={CARD: SCHEDULE}).replace('"stability": 3.2', '"stability": 1e400')
    status = import_file(tab, tmp_path / "huge.json", text, "That")
    assert "card " + CARD + " is unusable: stability is not a number." in status
    assert stored_text(tab) == kept
    # A card never rated holds zeros, and a schedule within every range is taken.
    fresh = {**SCHEDULE, "state": 0, "stability": 0, "difficulty": 0, "last_review": None}
    status = import_file(tab, tmp_path / "ok.json", export(cards={CARD: fresh}), "Imported")
    assert status == "Imported 0 new items and 1 card schedule."


def test_a_version_that_is_not_a_number_is_named_so(tab, tmp_path):
    kept = stored_text(tab)
    text = export().replace('"version": 2', '"version": 1e400')
    status = import_file(tab, tmp_path / "odd.json", text, "That")
    assert status == (
        "That file's format version is not a version number (this site reads 1 and 2). "
        "Nothing was changed."
    )
    status = import_file(tab, tmp_path / "odd.json", export(version="2"), "That")
    assert status.startswith("That file's format version is not a version number")
    assert stored_text(tab) == kept


# What each page has that would write: "done" boxes, the import button, review ratings.
WRITERS = {
    "": "input[data-tdl-item], input[data-tdl-import]",
    "lessons/stage-1/01-first/": "input[data-tdl-item], li.tdl-card [data-tdl-grade]",
    "review/": "li.tdl-card [data-tdl-grade]",
    "catalog/": "#tdl-catalog-results input[data-tdl-item]",
}


def assert_read_only(tab, path: str) -> None:
    """One notice, the page's text shown, its writing controls off, no error of ours."""
    page = tab.page
    notice = page.locator("[data-tdl-storage-notice]")
    assert text_starting(notice, "Your progress cannot be kept here: this browser does not")
    assert notice.count() == 1, path
    assert page.locator("article h1").first.is_visible(), path
    writers = page.locator(WRITERS[path])
    writers.first.wait_for(state="attached")
    assert writers.evaluate_all("controls => controls.every(c => c.disabled)"), path
    # Uncaught errors of the theme's own inline scripts are its business.
    ours = [e for e in page.evaluate("window.__errors") if "/assets/tdl/" in e]
    assert ours == [], path


def test_blocked_storage_leaves_every_page_readable_with_one_notice(browser, site):
    tab = new_tab(browser, site[1])
    tab.page.context.add_init_script(BLOCKED)
    try:
        for path in WRITERS:
            tab.open(path)
            assert_read_only(tab, path)
        # Answers still open; ratings, which could not be kept, stay off.
        tab.open("lessons/stage-1/01-first/")
        card = tab.page.locator("li.tdl-card").first
        card.locator(":scope > details:last-of-type > summary").click()
        card.locator("[data-tdl-rate]").wait_for(state="visible")
        assert card.locator("[data-tdl-grade]").first.is_disabled()
        # A page swapped in by instant navigation gets its one notice too.
        tab.open()
        tab.page.locator(f"a[data-tdl-lesson='{FIRST}']").click()
        tab.wait_for_page("lessons/stage-1/01-first/")
        assert_read_only(tab, "lessons/stage-1/01-first/")
        assert [e for e in tab.errors if "/assets/tdl/" in e] == []
    finally:
        tab.page.context.close()
