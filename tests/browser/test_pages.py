"""Every page in Chromium: no console errors, no request beyond 127.0.0.1, no accessibility
violations of moderate impact or worse (axe-core), and screenshots at desktop and phone widths."""

from __future__ import annotations

import json

import pytest

from build_tools.lessons.discovery import discover_lessons
from tests.browser.conftest import (
    AXE,
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    new_tab,
    site_pages,
    unavailable,
)
from tests.browser.search import close_search, search
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

FIRST_LESSON = discover_lessons(ROOT / "docs" / "lessons", ROOT)[0]
# The kinds of page a reader meets: home, a stage, the catalog, a lesson, the review page.
KEY_PAGES = {
    "home": "",
    "stage": "lessons/stage-1/",
    "catalog": "catalog/",
    "lesson": f"lessons/{FIRST_LESSON.id}/",
    "review": "review/",
}
# On these, the first question card has its answer open, so its ratings are checked too.
WITH_CARDS = ("lesson", "review")
BLOCKING = ("moderate", "serious", "critical")
AXE_REPORT = SCREENSHOTS.parent / "axe-summary.json"


def test_no_console_errors_and_no_request_leaves_loopback_on_any_page(tab, engine, site_dir):
    pages = site_pages(site_dir)
    assert len(pages) >= 20, pages
    problems = {}
    for path in pages:
        tab.errors.clear()
        tab.outside.clear()
        tab.open(path)
        # Search loads its index and worker on first use: type into it on every page.
        assert search(tab, engine, "loss"), path
        close_search(tab)
        if tab.errors or tab.outside:
            problems[path] = {"console": list(tab.errors), "outside": list(tab.outside)}
    assert problems == {}
    assert all(url.startswith(tab.base_url) for url in tab.requests)


def axe_violations(tab) -> list[dict]:
    tab.page.add_script_tag(path=str(AXE))
    return tab.page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)
            }));
        }"""
    )


@pytest.fixture(scope="module")
def axe_summary():
    """Collects every page's violations; written to test-artifacts/axe-summary.json."""
    summary: dict[str, list] = {}
    yield summary
    AXE_REPORT.parent.mkdir(parents=True, exist_ok=True)
    AXE_REPORT.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(KEY_PAGES))
def test_key_pages_are_accessible_and_photographed(
    browser, base_url, engine, axe_summary, name, viewport, scheme
):
    if not AXE.is_file():
        unavailable(f"axe-core is not installed at {AXE} (run npm ci)")
    size = DESKTOP if viewport == "desktop" else PHONE
    tab = new_tab(browser, base_url, viewport=size, color_scheme=scheme)
    try:
        tab.open(KEY_PAGES[name])
        tab.page.wait_for_load_state("networkidle")
        if name in WITH_CARDS:
            first = tab.page.locator("li.tdl-card").first
            first.locator(":scope > details:last-of-type > summary").click()
            first.locator("[data-tdl-rate]").wait_for(state="visible")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{engine}-{name}-{viewport}-{scheme}.png"
        tab.page.screenshot(path=str(shot), full_page=name not in WITH_CARDS)
        violations = axe_violations(tab)
        axe_summary[f"{engine} {name} {viewport} {scheme}"] = violations
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert blocking == []
        assert tab.errors == []
        assert tab.outside == []
    finally:
        tab.page.context.close()
