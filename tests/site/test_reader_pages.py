"""Real ``mkdocs build`` runs of a small project: the reader's pages as the plugin writes them
(home path and progress items, catalog data and anchors, link health, review, lesson extras,
assets). The browser tests cover how they behave; these cover what the build puts in them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from build_tools.lessons.teaching import lesson_sections
from build_tools.links.cache import save_link_results
from build_tools.links.model import LinkResult
from tests.conftest import catalog_yaml, resource_yaml, teaching_cell, write_project
from tests.site.conftest import MKDOCS_YML as SITE_YML
from tests.site.conftest import build_site
from tests.site.test_generated_pages import catalog_rows, page

# The site tests' configuration, with lessons rendered (not executed: the prose is enough).
MKDOCS_YML = SITE_YML.replace(
    "  - tdl\n",
    "  - tdl:\n      execute:\n        enabled: false\n",
)
LESSON = """\
# ---
# title: "{title}"
# summary: A lesson for the tests.
# stage: {stage}
# minutes: 5
# resources: [{resources}]
# prerequisites: [{prerequisites}]
# ---

# %% [markdown]
# # {title}
#
# Prose.
#
# %%
print("{title}")
"""


def content(text: str) -> str:
    """The page's own content, without the theme's navigation and head."""
    return text.split('class="md-content__inner md-typeset">', 1)[1].split("<footer", 1)[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("reader"), MKDOCS_YML)
    resources = [
        resource_yaml("first-course", "First course", "https://example.org/one", 1),
        resource_yaml("second-book", "Second & best", "http://example.org/two", 2),
        resource_yaml("unchecked", "Never checked", "https://example.org/three", 2),
    ]
    (project / "resources.yml").write_text(catalog_yaml(*resources), encoding="utf-8")
    lessons = [
        ("stage-1", "01-alpha", "Alpha lesson", 1, "first-course", ""),
        ("stage-2", "02-beta", "Beta lesson", 2, "second-book", "stage-1/01-alpha"),
        ("stage-2", "03-gamma", "Gamma lesson", 2, "first-course, second-book", ""),
    ]
    for folder, name, title, stage, cited, before in lessons:
        path = project / "docs" / "lessons" / folder / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = LESSON.format(title=title, stage=stage, resources=cited, prerequisites=before)
        text += teaching_cell(title)
        path.write_text(text, encoding="utf-8")
    checks = [
        LinkResult("https://example.org/one", "ok", 200, checked_at=86400 * 365),
        LinkResult("http://example.org/two", "broken", 404, checked_at=86400 * 366),
    ]
    save_link_results(project / ".cache" / "tdl" / "links.json", checks)
    done = build_site(project)
    assert done.returncode == 0, done.stderr
    return project


def test_catalog_rows_carry_link_health_and_the_lessons_citing_them(site):
    rows = catalog_rows(site)
    text = page(site, "catalog")
    data = re.search(r'<template id="tdl-catalog-data">(.*?)</template>', text, re.S).group(1)
    assert '"verdicts":["Link OK"' in html.unescape(data)
    assert rows["first-course"]["verdict"] == 0 and rows["second-book"]["verdict"] == 2
    assert rows["unchecked"]["verdict"] == -1 and rows["unchecked"]["checked"] == -1
    assert rows["second-book"]["url"] == "http://example.org/two"
    # Lessons are listed in path order: Alpha 0, Beta 1, Gamma 2.
    assert rows["first-course"]["lessons"] == [0, 2]
    assert rows["second-book"]["lessons"] == [1, 2]
    # Every resource keeps an anchor, so links to catalog/#<id> resolve.
    for rid in rows:
        assert f'<i id="{rid}"></i>' in text


def test_stage_pages_show_link_health_and_a_done_box(site):
    stage_2 = page(site, "lessons/stage-2")
    assert "Link broken, checked 1971-01-02" in stage_2
    assert 'data-tdl-item="resource:second-book"' in stage_2
    assert "tdl-health" not in stage_2.split('id="res-unchecked"')[1].split("</article>")[0]


def test_home_lists_each_stages_lessons_and_resources_for_progress(site):
    home = page(site, "")
    items = re.findall(r'data-items="([^"]*)"', home)
    assert len(items) == 6
    assert items[0].split() == ["lesson:stage-1/01-alpha", "resource:first-course"]
    assert set(items[1].split()) == {
        "lesson:stage-2/02-beta",
        "lesson:stage-2/03-gamma",
        "resource:second-book",
        "resource:unchecked",
    }
    assert 'data-tdl-lesson="lesson:stage-2/03-gamma"' in home
    assert "data-tdl-export" in home and "data-tdl-import" in home


def card_ids(project: Path, lesson_id: str) -> list[str]:
    """The ids the build gives the questions of one of the project's lessons."""
    path = project / "docs" / "lessons" / f"{lesson_id}.py"
    return [question.card_id(lesson_id) for question in lesson_sections(path).questions]


def test_review_gathers_every_lessons_questions_by_stage_as_cards(site):
    review = content(page(site, "review"))
    for title in ("Alpha lesson", "Beta lesson", "Gamma lesson"):
        assert f"First question of {title}?" in review
    assert review.index("Stage 1") < review.index("Alpha lesson") < review.index("Stage 2")
    assert "<code>code</code>" in review
    assert 'data-tdl-review="lesson:stage-2/02-beta"' in review
    # The same cards as the lesson pages, hints and answers folded, grouped by lesson.
    beta = review.split('data-tdl-review-lesson="stage-2/02-beta"')[1].split("</section>")[0]
    ids = re.findall(r'data-tdl-card="([^"]+)"', beta)
    assert ids == card_ids(site, "stage-2/02-beta")
    assert ids == re.findall(r'data-tdl-card="([^"]+)"', page(site, "lessons/stage-2/02-beta"))
    assert '<details class="tdl-card__answer">' in beta and "The first answer." in beta
    assert '<details class="tdl-card__hint">' in beta and "A hint with <code>code</code>" in beta
    assert "data-tdl-review-page" in review and 'name="tdl-review-show"' in review


def test_home_counts_due_cards_of_every_lesson(site):
    home = page(site, "")
    due = re.search(r'<div class="tdl-review-due" data-tdl-due data-cards="([^"]*)"', home)
    lessons = ("stage-1/01-alpha", "stage-2/02-beta", "stage-2/03-gamma")
    expected = [card for lesson in lessons for card in card_ids(site, lesson)]
    assert due.group(1).split() == expected
    assert re.search(r'href="review/" data-tdl-due-link', home)


def test_lesson_pages_get_prerequisites_resources_and_the_path(site):
    beta = content(page(site, "lessons/stage-2/02-beta"))
    extras = beta.split('class="tdl-lesson-extras"')[1].split("</div>")[0]
    assert "Read first:" in extras and "Alpha lesson" in extras
    assert 'href="http://example.org/two"' in extras and "Second &amp; best" in extras
    nav = beta.split('class="tdl-lesson-nav"')[1].split("</nav>")[0]
    assert 'rel="prev"' in nav and "Alpha lesson" in nav
    assert 'rel="next"' in nav and "Gamma lesson" in nav
    assert beta.count('data-tdl-item="lesson:stage-2/02-beta"') == 2
    gamma = content(page(site, "lessons/stage-2/03-gamma"))
    assert 'rel="next"' not in gamma and "Read first:" not in gamma


def test_reader_assets_ship_with_the_site_and_nothing_calls_github(site):
    home = page(site, "")
    for name in ("reader.css", "reader.js", "katex/katex.min.css"):
        assert re.search(rf'assets/tdl/{name}\?v=[0-9a-f]{{10}}"', home), name
        assert (site / "site" / "assets" / "tdl" / name).is_file()
    # One script and one stylesheet of the site's own, joined from the files in the package.
    assert len(re.findall(r'<script src="[^"]*assets/tdl/', home)) == 1
    script = (site / "site" / "assets" / "tdl" / "reader.js").read_text()
    for marker in (
        "function storageKey",
        "renderMathInElement",
        "Prism.manual = true",
        "languages.python",
    ):
        assert marker in script, marker
    assert script.index("Prism.manual = true") < script.index("languages.python")
    assert "sourceMappingURL" not in script
    stylesheet = (site / "site" / "assets" / "tdl" / "reader.css").read_text()
    assert ".tdl-lesson-bar" in stylesheet and ".tdl-output" in stylesheet
    # The theme's repository widget would ask the GitHub API for stars; it is not there.
    assert 'data-md-component="source"' not in home
