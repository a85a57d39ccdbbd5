"""The real site, built by all three engines: the same pages, every lesson executed on each.

In ``make test`` the strict MkDocs build before pytest has executed every lesson, so these
builds take their lessons from the cache; run alone, they execute them first.
"""

from __future__ import annotations

import json
import re

import pytest

from build_tools.lessons.discovery import discover_lessons
from tests.conftest import ROOT, run_cli
from tests.engines.test_both_engines import (
    ENGINES,
    differences_but_the_generator,
    html_pages,
    search_text,
)

LESSONS = discover_lessons(ROOT / "docs" / "lessons", ROOT)
pytestmark = pytest.mark.lessons


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict:
    built = {}
    for engine in ENGINES:
        folder = tmp_path_factory.mktemp(f"real-{engine}")
        site, tree = folder / "site", folder / "tree"
        done = run_cli(
            "build", "--engine", engine, "--site-dir", str(site), "--tree", str(tree), cwd=ROOT
        )
        assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
        built[engine] = site
    return built


def test_every_engine_builds_the_same_pages_of_the_real_site(sites):
    mkdocs, properdocs, zensical = (html_pages(sites[e]) for e in ENGINES)
    assert mkdocs == properdocs == zensical
    assert len(mkdocs) > len(LESSONS) + 10


def test_properdocs_writes_the_real_site_mkdocs_writes(sites):
    """Every page, asset and the search index: ProperDocs' site is MkDocs' file for file,
    so what the browser tests find on the MkDocs site holds for it too."""
    assert differences_but_the_generator(sites["mkdocs"], sites["properdocs"]) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_each_engines_search_indexes_every_lesson_page(sites, engine):
    entries = json.loads(search_text(sites[engine], engine))
    pages = {entry["location"].split("#")[0] for entry in entries}
    assert [lesson.id for lesson in LESSONS if f"lessons/{lesson.id}/" not in pages] == []


@pytest.mark.parametrize("engine", ENGINES)
def test_every_lesson_page_holds_its_executed_outputs_and_images(sites, engine):
    site = sites[engine]
    report = json.loads((site / "_reports" / "execution.json").read_text(encoding="utf-8"))
    assert {run["id"] for run in report["lessons"]} == {lesson.id for lesson in LESSONS}
    assert all(run["status"] == "ok" for run in report["lessons"])
    for lesson in LESSONS:
        folder = site / "lessons" / lesson.id
        html = (folder / "index.html").read_text(encoding="utf-8")
        assert "tdl-output--" in html, lesson.id
        assert (folder / f"{lesson.path.stem}.ipynb").is_file(), lesson.id
        for src in re.findall(r'<img [^>]*src="([^"]+)"', html):
            if src.startswith("output-"):
                assert (folder / src).is_file(), (lesson.id, src)
        assert 'alt=""' not in html, lesson.id
