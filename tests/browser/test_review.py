"""Review cards in Chromium: a rated card comes back when FSRS schedules it and not before
(the page's clock moved forward by Playwright), the review page and the home page count
what is due and new, a card is answered and rated by keyboard alone on a phone, and an
exported schedule comes back whole after the browser's store is cleared."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from build_tools.lessons.discovery import discover_lessons
from build_tools.lessons.teaching import lesson_sections
from tests.browser.conftest import PHONE, new_tab, settled_text, text_starting
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

LESSON = discover_lessons(ROOT / "docs" / "lessons", ROOT)[0]
QUESTIONS = lesson_sections(LESSON.path).questions
CARD_IDS = [question.card_id(LESSON.id) for question in QUESTIONS]
AGAIN, GOOD, EASY = 1, 3, 4
START = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def stored(tab) -> dict:
    """The store as the page keeps it in localStorage ({} when nothing is kept)."""
    text = tab.page.evaluate("() => localStorage.getItem(__md_scope.pathname + '.tdl.progress')")
    return json.loads(text) if text else {}


def when(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def card(tab, card_id: str):
    return tab.page.locator(f"li.tdl-card[data-tdl-card='{card_id}']")


def rate(tab, card_id: str, grade: int) -> None:
    """Open the card's answer (which offers the ratings), then rate it."""
    item = card(tab, card_id)
    item.locator(":scope > details:last-of-type > summary").click()
    item.locator(f"[data-tdl-grade='{grade}']").click()
    tab.page.wait_for_function(
        "id => (JSON.parse(localStorage.getItem(__md_scope.pathname + '.tdl.progress'))"
        " || {cards: {}}).cards[id]",
        arg=card_id,
    )


def state_becomes(tab, card_id: str, state: str) -> str:
    """The card's drawn state once it reads ``state`` (or what it reads after 5 s)."""
    locator = card(tab, card_id)
    try:
        tab.page.wait_for_function(
            "([el, s]) => el.getAttribute('data-tdl-state') === s",
            arg=[locator.element_handle(), state],
            timeout=5000,
        )
    except Exception:  # the caller's assertion shows the state found
        pass
    return locator.get_attribute("data-tdl-state")


def test_the_questions_are_cards_with_their_answers_and_ids(tab):
    tab.open(f"lessons/{LESSON.id}/")
    ids = tab.page.locator("li.tdl-card").evaluate_all(
        "cards => cards.map(c => c.getAttribute('data-tdl-card'))"
    )
    assert ids == CARD_IDS
    first = card(tab, CARD_IDS[0])
    assert first.get_attribute("data-tdl-state") == "new"
    assert first.locator("[data-tdl-when]").inner_text() == "New card"
    assert first.locator("textarea").is_visible()
    assert not first.locator("[data-tdl-rate]").is_visible()  # asked once the answer is open
    tab.open("review/")
    on_review = tab.page.locator("li.tdl-card").evaluate_all(
        "cards => cards.map(c => c.getAttribute('data-tdl-card'))"
    )
    assert set(CARD_IDS) <= set(on_review)
    assert tab.errors == []


def test_a_rated_card_is_due_when_fsrs_says_and_not_before(tab):
    tab.page.clock.install(time=START)
    tab.open(f"lessons/{LESSON.id}/")
    first = CARD_IDS[0]
    rate(tab, first, GOOD)
    # Undo takes the rating back; the ratings are offered again.
    card(tab, first).locator("[data-tdl-undo]").click()
    assert first not in stored(tab)["cards"]
    card(tab, first).locator(f"[data-tdl-grade='{GOOD}']").click()
    schedule = stored(tab)["cards"][first]
    rated = when(schedule["last_review"])
    # ts-fsrs's default learning steps are 1 and 10 minutes: Good on a new card takes the
    # second step, so the card is due 10 minutes after the rating.
    assert when(schedule["due"]) - rated == timedelta(minutes=10)
    assert state_becomes(tab, first, "learned") == "learned"

    tab.page.clock.fast_forward("09:00")
    tab.page.reload()
    assert state_becomes(tab, first, "learned") == "learned"
    tab.page.clock.fast_forward("01:01")  # the page redraws when the card falls due
    assert state_becomes(tab, first, "due") == "due"
    assert card(tab, first).locator("[data-tdl-when]").inner_text() == "Due now"

    # Good on the last learning step graduates the card to days, as the button said.
    item = card(tab, first)
    item.locator(":scope > details:last-of-type > summary").click()
    offered = item.locator(f"[data-tdl-grade='{GOOD}'] .tdl-grade__wait").inner_text()
    item.locator(f"[data-tdl-grade='{GOOD}']").click()
    schedule = stored(tab)["cards"][first]
    wait = when(schedule["due"]) - when(schedule["last_review"])
    assert schedule["state"] == 2 and schedule["scheduled_days"] >= 1
    assert wait == timedelta(days=schedule["scheduled_days"])
    days = schedule["scheduled_days"]
    assert offered == f"{days} day{'s' if days > 1 else ''}"

    tab.page.clock.fast_forward(int((wait - timedelta(minutes=1)).total_seconds() * 1000))
    tab.open("review/")
    assert state_becomes(tab, first, "learned") == "learned"
    tab.open()
    due_text = tab.page.locator("[data-tdl-due-text]")
    assert text_starting(due_text, "No cards are due").startswith("No cards are due")
    tab.page.clock.fast_forward("02:00")
    assert settled_text(due_text, "1 card is due for review.") == "1 card is due for review."
    tab.open("review/")
    assert state_becomes(tab, first, "due") == "due"
    assert tab.errors == []


def test_review_page_by_keyboard_on_a_phone(browser, base_url):
    tab = new_tab(browser, base_url, viewport=PHONE)
    try:
        tab.open(f"lessons/{LESSON.id}/")
        tab.page.locator(f"input[data-tdl-item='lesson:{LESSON.id}']").first.check()
        tab.open()
        ready = f"{len(CARD_IDS)} new cards are ready from lessons you have finished."
        assert settled_text(tab.page.locator("[data-tdl-due-text]"), ready) == ready
        tab.page.locator("[data-tdl-due-link]").click()
        tab.wait_for_page("review/")
        # Only the finished lesson's cards wait; the rest of the path is out of view.
        count = tab.page.locator("[data-tdl-count=now]")
        assert settled_text(count, str(len(CARD_IDS))) == str(len(CARD_IDS))
        visible = tab.page.locator("li.tdl-card:visible").evaluate_all(
            "cards => cards.map(c => c.getAttribute('data-tdl-card'))"
        )
        assert visible == CARD_IDS

        keyboard = tab.page.keyboard
        tab.page.locator("[data-tdl-review-start]").focus()
        keyboard.press("Enter")
        assert focused_card(tab) == CARD_IDS[0]
        keyboard.type("My answer.")
        answer = card(tab, CARD_IDS[0]).locator(":scope > details:last-of-type")
        for _ in range(3):  # past the hint, when the card has one, to the answer
            keyboard.press("Tab")
            if tab.page.evaluate("() => document.activeElement.tagName") == "SUMMARY" and (
                answer.evaluate("d => d.contains(document.activeElement)")
            ):
                break
        keyboard.press("Enter")
        assert answer.evaluate("d => d.open")
        for _ in range(GOOD):  # Again, Hard, Good
            keyboard.press("Tab")
        assert tab.page.evaluate("() => document.activeElement.dataset.tdlGrade") == str(GOOD)
        keyboard.press("Enter")
        assert stored(tab)["cards"][CARD_IDS[0]]["reps"] == 1
        # The next waiting card takes the focus; the rated one stays in view with its news.
        assert focused_card(tab) == CARD_IDS[1]
        outcome = card(tab, CARD_IDS[0]).locator("[data-tdl-outcome]").inner_text()
        assert outcome.startswith("Good: next review today")
        assert card(tab, CARD_IDS[0]).is_visible()
        assert tab.errors == [] and tab.outside == []
    finally:
        tab.page.context.close()


def focused_card(tab) -> str | None:
    """The card holding the keyboard focus, if any."""
    return tab.page.evaluate(
        "() => { const c = document.activeElement.closest('li.tdl-card');"
        " return c && c.getAttribute('data-tdl-card'); }"
    )


def test_export_clear_import_restores_the_same_schedule(tab, tmp_path):
    tab.open(f"lessons/{LESSON.id}/")
    rate(tab, CARD_IDS[0], AGAIN)
    rate(tab, CARD_IDS[1], EASY)
    before = stored(tab)
    tab.open()
    with tab.page.expect_download() as download:
        tab.page.locator("[data-tdl-export]").click()
    saved = tmp_path / "progress.json"
    download.value.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert exported["format"] == "tdl-progress" and exported["version"] == 2
    assert exported["cards"] == before["cards"]

    tab.page.evaluate("() => localStorage.clear()")
    tab.page.reload()
    assert stored(tab) == {}
    tab.page.locator("[data-tdl-import]").set_input_files(str(saved))
    status = tab.page.locator("[data-tdl-status]")
    want = "Imported 0 new items and 2 card schedules."
    assert settled_text(status, want) == want
    assert stored(tab) == before
    tab.open("review/")
    assert state_becomes(tab, CARD_IDS[1], "learned") == "learned"
    assert tab.errors == []
