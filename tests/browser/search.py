"""The site's search box as a reader uses it, on either engine's page.

Material renders a text box (``.md-search__input``) and a result list in the page itself;
Zensical renders a button that opens a dialog in an open shadow root, whose box and
options Playwright's CSS locators reach through that root.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

HIGHLIGHT = re.compile(r"\?h=[^#]*")


@dataclass(frozen=True)
class SearchUI:
    """Where one engine's search box and result links are."""

    opener: str | None
    box: str
    results: str


SEARCH_UI = {
    "mkdocs": SearchUI(opener=None, box=".md-search__input", results=".md-search-result__item a"),
    "zensical": SearchUI(
        opener=".md-search__button",
        box="dialog[aria-label='Search'] input[role='combobox']",
        results="dialog[aria-label='Search'] ol[role='listbox'] a[role='option']",
    ),
}


def result_links(tab, engine: str) -> list[str]:
    """The result links now listed, without the ``?h=`` highlight query."""
    links = tab.page.locator(SEARCH_UI[engine].results).evaluate_all("l => l.map(a => a.href)")
    return [HIGHLIGHT.sub("", href) for href in links]


def search(tab, engine: str, query: str, *expected: str, timeout: float = 10.0) -> list[str]:
    """Type a query into the search box; the result links once every expected link is
    among them (or, with none expected, once any result is listed), or after ``timeout``
    seconds, whichever comes first."""
    ui = SEARCH_UI[engine]
    if ui.opener:
        tab.page.locator(ui.opener).click()
    box = tab.page.locator(ui.box)
    box.click()
    box.fill(query)
    # Material reads the box on keyup (and when its index becomes ready); fill() types no
    # key, so a query filled after the index is ready would never be sent without one.
    box.press("End")
    deadline = time.monotonic() + timeout
    while True:
        found = result_links(tab, engine)
        done = all(url in found for url in expected) if expected else bool(found)
        if done or time.monotonic() > deadline:
            return found
        tab.page.wait_for_timeout(100)


def close_search(tab) -> None:
    """Close the search box or dialog, as a reader does with Escape."""
    tab.page.keyboard.press("Escape")
