"""Offline search finds lessons by their topic and catalog resources by title, author and tag."""

from __future__ import annotations

import re

import pytest

from build_tools.catalog.model import load_catalog
from build_tools.lessons.discovery import discover_lessons
from tests.browser.conftest import PlaywrightTimeout
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CATALOG = load_catalog(ROOT / "resources.yml")
LESSONS = [
    lesson
    for lesson in discover_lessons(ROOT / "docs" / "lessons", ROOT)
    if lesson.meta.kind == "lesson"
]


def search(tab, query: str, *expected: str) -> list[str]:
    """Type a query into Material's search box; the result links (without ``?h=``) once
    every expected link is among them, or after ten seconds."""
    box = tab.page.locator(".md-search__input")
    box.click()
    box.fill(query)
    # Material reads the box on keyup (and when its index becomes ready); fill() types no
    # key, so a query filled after the index is ready would never be sent without one.
    box.press("End")
    script = """expected => {
        const found = [...document.querySelectorAll('.md-search-result__item a')]
            .map(a => a.href.replace(/\\?h=[^#]*/, ''));
        return expected.every(url => found.includes(url));
    }"""
    try:
        tab.page.wait_for_function(script, arg=list(expected), timeout=10_000)
    except PlaywrightTimeout:
        pass  # the caller's assertion shows what was found instead
    links = tab.page.locator(".md-search-result__item a").evaluate_all("l => l.map(a => a.href)")
    return [re.sub(r"\?h=[^#]*", "", href) for href in links]


def topic_word(title: str) -> str:
    """The longest plain word of a title: a topic a reader would type."""
    return max(re.findall(r"[A-Za-z]{5,}", title), key=len)


# Four lessons spread over the path.
SAMPLED = LESSONS[:: max(1, len(LESSONS) // 4)]


@pytest.mark.parametrize("lesson", SAMPLED, ids=[lesson.id for lesson in SAMPLED])
def test_search_finds_a_lesson_by_its_topic(tab, lesson):
    tab.open()
    page_url = f"{tab.base_url}lessons/{lesson.id}/"
    found = search(tab, topic_word(lesson.title), page_url)
    assert page_url in found, found


def resource_anchor(tab, rid: str) -> str:
    stage = CATALOG.resources_by_id[rid].stage
    return f"{tab.base_url}lessons/stage-{stage}/#{rid}"


def test_search_finds_a_resource_by_author(tab):
    resource = CATALOG.resources_by_id["sutton-barto-rl-book"]
    surname = resource.authors[0].split()[-1]
    tab.open()
    anchor = resource_anchor(tab, resource.id)
    assert anchor in search(tab, surname, anchor)


def test_search_finds_a_resource_by_title(tab):
    resource = CATALOG.resources_by_id["dive-into-deep-learning"]
    tab.open()
    anchor = resource_anchor(tab, resource.id)
    assert anchor in search(tab, resource.title, anchor)


def test_search_finds_resources_by_tag(tab):
    # The rarest tag of the catalog: few enough resources that all of them are listed.
    counts: dict[str, int] = {}
    for r in CATALOG.resources:
        for tag in r.tags:
            counts[tag] = counts.get(tag, 0) + 1
    tag = min(counts, key=lambda t: (counts[t], t))
    tab.open()
    anchors = [resource_anchor(tab, r.id) for r in CATALOG.resources if tag in r.tags]
    found = search(tab, tag, *anchors)
    for anchor in anchors:
        assert anchor in found, (tag, found)
