"""The catalog page in Chromium: filter counts against resources.yml, the address round-trip,
pages of results, links to one resource, and the keyboard."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from build_tools.catalog.model import load_catalog
from tests.browser.conftest import new_tab
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CATALOG = load_catalog(ROOT / "resources.yml")
PAGE_SIZE = 50


def expected(stage=(), kind=(), free=(), level=(), tag=(), q=""):
    """Ids the page should list: any value within a group, every group, every word of q."""
    words = q.lower().split()
    chosen = []
    for r in CATALOG.resources:
        text = " ".join([r.title, " ".join(r.authors), " ".join(r.tags), r.kind, r.id]).lower()
        if (
            (not stage or r.stage in stage)
            and (not kind or r.kind in kind)
            and (not free or r.free in free)
            and (not level or r.level in level)
            and (not tag or set(tag) & set(r.tags))
            and all(word in text for word in words)
        ):
            chosen.append(r.id)
    return chosen


def count_line(tab) -> str:
    return tab.page.locator("#tdl-catalog-count").inner_text()


def shown_ids(tab) -> list[str]:
    return tab.page.locator("#tdl-catalog-results article").evaluate_all(
        "cards => cards.map(c => c.dataset.id)"
    )


def check(tab, facet: str, value: str) -> None:
    tab.page.locator(f"input[name={facet}][value='{value}']").check()


def chip_count(tab, facet: str, value: str) -> int:
    label = tab.page.locator(f"label:has(> input[name={facet}][value='{value}'])")
    return int(label.locator("[data-count]").inner_text())


def test_unfiltered_catalog_lists_every_resource_a_page_at_a_time(tab):
    tab.open("catalog/")
    total = len(CATALOG.resources)
    assert count_line(tab) == f"All {total} resources"
    assert len(shown_ids(tab)) == min(total, PAGE_SIZE)
    for stage in CATALOG.stages:
        in_stage = sum(1 for r in CATALOG.resources if r.stage == stage.number)
        assert chip_count(tab, "stage", str(stage.number)) == in_stage
    if total > PAGE_SIZE:
        pager = tab.page.locator("#tdl-catalog-pager")
        assert pager.is_visible()
        pager.locator("[data-page=next]").click()
        assert len(shown_ids(tab)) == min(total - PAGE_SIZE, PAGE_SIZE)
        assert parse_qs(urlsplit(tab.page.url).query)["page"] == ["2"]
    seen = set()
    tab.open("catalog/")
    while True:  # every resource appears on exactly one page
        ids = shown_ids(tab)
        assert not seen & set(ids)
        seen |= set(ids)
        following = tab.page.locator("#tdl-catalog-pager [data-page=next]")
        if not following.is_visible() or following.is_disabled():
            break
        following.click()
    assert seen == {r.id for r in CATALOG.resources}


def test_filters_give_the_counts_of_the_catalog_and_the_address_round_trips(tab, browser):
    tab.open("catalog/")
    total = len(CATALOG.resources)
    check(tab, "stage", "1")
    check(tab, "stage", "3")
    stages = expected(stage={1, 3})
    assert count_line(tab) == f"{len(stages)} of {total} resources match"
    # Facet counts: each kind among stage 1 and 3 resources.
    for kind in {r.kind for r in CATALOG.resources}:
        assert chip_count(tab, "kind", kind) == len(expected(stage={1, 3}, kind={kind}))

    check(tab, "free", "yes")
    tab.page.fill("#tdl-catalog-q", "learning")
    want = expected(stage={1, 3}, free={"yes"}, q="learning")
    assert want, "the filter combination should leave something"
    assert count_line(tab) == f"{len(want)} of {total} resources match"
    assert set(shown_ids(tab)) == set(want[:PAGE_SIZE]) or len(want) > PAGE_SIZE

    query = parse_qs(urlsplit(tab.page.url).query)
    assert query == {"text": ["learning"], "stage": ["1", "3"], "free": ["yes"]}

    # The same address, reloaded and opened in a fresh browser, shows the same view.
    tab.page.reload()
    assert count_line(tab) == f"{len(want)} of {total} resources match"
    assert tab.page.locator("input[name=stage][value='3']").is_checked()
    assert tab.page.input_value("#tdl-catalog-q") == "learning"
    other = new_tab(browser, tab.base_url)
    try:
        other.page.goto(tab.page.url)
        assert count_line(other) == f"{len(want)} of {total} resources match"
        assert sorted(shown_ids(other)) == sorted(shown_ids(tab))
        assert other.errors == []
    finally:
        other.page.context.close()

    tab.page.locator(".tdl-filters__clear").click()
    tab.page.wait_for_function(
        "() => document.querySelector('#tdl-catalog-count').textContent.startsWith('All')"
    )
    assert urlsplit(tab.page.url).query == ""
    assert tab.errors == []


def test_level_tag_and_kind_filters(tab):
    tab.open("catalog/")
    tag = sorted({t for r in CATALOG.resources for t in r.tags})[0]
    tab.page.locator("summary", has_text="Tags").click()
    check(tab, "tag", tag)
    check(tab, "level", "beginner")
    check(tab, "level", "advanced")
    want = expected(tag={tag}, level={"beginner", "advanced"})
    assert count_line(tab).startswith(f"{len(want)} of ")
    assert set(shown_ids(tab)) == set(want[:PAGE_SIZE])
    # A card's tag button adds its tag to the filters.
    first = CATALOG.resources_by_id[shown_ids(tab)[0]] if want else None
    other_tags = [t for t in (first.tags if first else []) if t != tag]
    if other_tags:
        card = tab.page.locator(f"article[data-id='{first.id}']")
        card.locator(f"button[data-tag='{other_tags[0]}']").click()
        want = expected(tag={tag, other_tags[0]}, level={"beginner", "advanced"})
        assert count_line(tab).startswith(f"{len(want)} of ")
        assert parse_qs(urlsplit(tab.page.url).query)["tag"] == sorted([tag, other_tags[0]])


def test_a_link_to_one_resource_shows_its_card(tab):
    # The last resource in the catalog's order sits on the last page of results.
    last = sorted(
        CATALOG.resources,
        key=lambda r: (r.stage, r.free != "yes", r.free == "paid", r.title.lower()),
    )[-1]
    tab.open(f"catalog/#{last.id}")
    card = tab.page.locator(f"article[data-id='{last.id}']")
    assert card.is_visible()
    assert "tdl-card--target" in card.get_attribute("class")
    box = card.bounding_box()
    assert 0 <= box["y"] < tab.page.viewport_size["height"]


def test_the_filters_work_from_the_keyboard(tab):
    tab.open("catalog/")
    tab.page.focus("#tdl-catalog-q")
    tab.page.keyboard.type("reinforcement")
    target = "input[name=stage][value='5']"
    for _ in range(40):  # Tab along the form until the stage 5 box has the focus
        tab.page.keyboard.press("Tab")
        if tab.page.evaluate(f"document.activeElement.matches({target!r})"):
            break
    else:
        pytest.fail("Tab never reached the stage 5 filter")
    tab.page.keyboard.press("Space")
    want = expected(stage={5}, q="reinforcement")
    assert count_line(tab).startswith(f"{len(want)} of ")


def test_instant_navigation_to_the_catalog_and_to_one_resource(tab):
    tab.open()
    tab.page.evaluate("window.__stillHere = true")
    tab.page.locator(".md-tabs__link", has_text="Catalog").click()
    tab.wait_for_page("catalog/")
    tab.page.wait_for_selector("#tdl-catalog-results article")
    assert count_line(tab) == f"All {len(CATALOG.resources)} resources"
    # A link into the catalog from another page, followed without a page load.
    target = CATALOG.resources[-1].id
    tab.page.locator(".md-tabs__link", has_text="Home").click()
    tab.page.wait_for_selector(".tdl-path")  # the home page's content is in
    tab.page.evaluate(
        """id => {
            const link = document.createElement('a');
            link.href = 'catalog/#' + id;
            link.textContent = 'to one resource';
            link.id = 'to-one-resource';
            document.querySelector('article.md-content__inner').prepend(link);
        }""",
        target,
    )
    tab.page.locator("#to-one-resource").click()
    # The catalog may add the page holding the card to the query (?page=N) as it opens it.
    tab.page.wait_for_url(re.compile(rf".*/catalog/(\?[^#]*)?#{re.escape(target)}$"))
    card = tab.page.locator(f"article[data-id='{target}']")
    card.wait_for()
    tab.page.wait_for_timeout(300)  # let Material's own scrolling settle before measuring
    box = card.bounding_box()
    assert 0 <= box["y"] < tab.page.viewport_size["height"]
    assert tab.page.evaluate("window.__stillHere === true"), "the page was reloaded"
    assert tab.errors == []
