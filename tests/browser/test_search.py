"""Offline search finds lessons by their topic and catalog resources by title, author and tag."""

from __future__ import annotations

import re

import pytest

from build_tools.catalog.model import load_catalog
from build_tools.lessons.discovery import discover_lessons
from tests.browser.search import search
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CATALOG = load_catalog(ROOT / "resources.yml")
LESSONS = [
    lesson
    for lesson in discover_lessons(ROOT / "docs" / "lessons", ROOT)
    if lesson.meta.kind == "lesson"
]


def topic_word(title: str) -> str:
    """The longest plain word of a title: a topic a reader would type."""
    return max(re.findall(r"[A-Za-z]{5,}", title), key=len)


# Four lessons spread over the path.
SAMPLED = LESSONS[:: max(1, len(LESSONS) // 4)]


@pytest.mark.parametrize("lesson", SAMPLED, ids=[lesson.id for lesson in SAMPLED])
def test_search_finds_a_lesson_by_its_topic(tab, engine, lesson):
    tab.open()
    page_url = f"{tab.base_url}lessons/{lesson.id}/"
    found = search(tab, engine, topic_word(lesson.title), page_url)
    assert page_url in found, found


def resource_anchor(tab, rid: str) -> str:
    stage = CATALOG.resources_by_id[rid].stage
    return f"{tab.base_url}lessons/stage-{stage}/#{rid}"


def test_search_finds_a_resource_by_author(tab, engine):
    resource = CATALOG.resources_by_id["sutton-barto-rl-book"]
    surname = resource.authors[0].split()[-1]
    tab.open()
    anchor = resource_anchor(tab, resource.id)
    assert anchor in search(tab, engine, surname, anchor)


def test_search_finds_a_resource_by_title(tab, engine):
    resource = CATALOG.resources_by_id["dive-into-deep-learning"]
    tab.open()
    anchor = resource_anchor(tab, resource.id)
    assert anchor in search(tab, engine, resource.title, anchor)


def test_search_finds_resources_by_tag(tab, engine):
    # The rarest tag of the catalog: few enough resources that all of them are listed.
    counts: dict[str, int] = {}
    for r in CATALOG.resources:
        for tag in r.tags:
            counts[tag] = counts.get(tag, 0) + 1
    tag = min(counts, key=lambda t: (counts[t], t))
    tab.open()
    anchors = [resource_anchor(tab, r.id) for r in CATALOG.resources if tag in r.tags]
    found = search(tab, engine, tag, *anchors)
    for anchor in anchors:
        assert anchor in found, (tag, found)
