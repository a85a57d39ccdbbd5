"""Real ``mkdocs build`` runs: generated stage and catalog pages, escaping, catalog errors."""

from __future__ import annotations

import html
import json
import re

from markupsafe import escape

from build_tools.catalog.model import load_catalog
from build_tools.lessons.teaching import lesson_sections
from tests.conftest import catalog_yaml, resource_yaml
from tests.site.conftest import build_site, copy_real_catalog


def page(project, uri: str) -> str:
    return (project / "site" / uri / "index.html").read_text(encoding="utf-8")


def catalog_rows(project) -> dict[str, dict]:
    """The catalog page's resource rows (drawn into cards in the browser), by id: the rows
    follow the page's anchors, and URLs leave off ``https://``."""
    text = page(project, "catalog")
    found = re.search(r'<template id="tdl-catalog-data">(.*?)</template>', text, re.S)
    data = json.loads(html.unescape(found.group(1)))
    anchors = re.search(r'<div class="tdl-catalog__anchors" hidden>(.*?)</div>', text, re.S)
    ids = re.findall(r'<i id="([^"]+)"></i>', anchors.group(1))
    rows = {}
    for rid, row in zip(ids, data["resources"], strict=True):
        fields = dict(zip(data["fields"], row, strict=True))
        if "://" not in fields["url"]:
            fields["url"] = "https://" + fields["url"]
        rows[rid] = fields
    return rows


def test_every_resource_title_appears_on_its_stage_and_the_catalog(project):
    copy_real_catalog(project)
    result = build_site(project)
    assert result.returncode == 0, result.stderr
    catalog = load_catalog(project / "resources.yml")
    rows = catalog_rows(project)
    for stage in catalog.stages:
        stage_html = page(project, f"lessons/stage-{stage.number}")
        for resource in catalog.resources_for_stage(stage.number):
            title = str(escape(resource.title))
            assert title in stage_html, resource.id
            assert f'href="{html.escape(resource.url)}"' in stage_html
            assert rows[resource.id]["title"] == resource.title
            assert rows[resource.id]["url"] == resource.url
    assert len(rows) == len(catalog.resources)


def test_catalog_text_is_escaped_not_executed(project):
    hostile = resource_yaml(
        rid="hostile",
        title='"<img src=x onerror=alert(2)> *bold* [link](https://evil.example)"',
        summary='"<script>alert(1)</script>"',
    )
    (project / "resources.yml").write_text(catalog_yaml(hostile), encoding="utf-8")
    result = build_site(project)
    assert result.returncode == 0, result.stderr
    for uri in ("catalog", "lessons/stage-1"):
        text = page(project, uri)
        assert "<script>alert(1)</script>" not in text
        assert "<img src=x" not in text
        assert "<strong>bold</strong>" not in text
        assert 'href="https://evil.example"' not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(project, "lessons/stage-1")
    # The catalog page's data holds the title as plain text, drawn with textContent.
    assert catalog_rows(project)["hostile"]["title"].startswith("<img src=x onerror=")


def test_catalog_error_stops_the_build_with_located_messages(project):
    broken = resource_yaml(url="javascript:alert(1)", stage=9)
    (project / "resources.yml").write_text(catalog_yaml(broken), encoding="utf-8")
    result = build_site(project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    located = re.findall(r"resources\.yml:(\d+):(\d+): (.*)", result.stderr)
    messages = [m[2] for m in located]
    assert any("URL must start with http:// or https://" in m for m in messages), result.stderr
    assert any("stage: Input should be less than or equal to 6" in m for m in messages)
    assert not (project / "site").exists()


LOADED = re.compile(
    r'<(?:script|img|iframe|source)\b[^>]*\bsrc="([^"]*)"'
    r'|<link\b(?=[^>]*\brel="(?:stylesheet|preload|modulepreload|icon|preconnect)")[^>]*\bhref="([^"]*)"'
)


def test_pages_make_no_third_party_requests(project):
    copy_real_catalog(project)
    assert build_site(project).returncode == 0
    pages = list((project / "site").rglob("*.html"))
    assert len(pages) >= 8
    for path in pages:
        for match in LOADED.finditer(path.read_text(encoding="utf-8")):
            url = match.group(1) or match.group(2)
            assert not re.match(r"^(https?:)?//", url), f"{path} loads {url}"


def test_lesson_sections_are_remembered_by_content(tmp_path):
    lesson = tmp_path / "01-x.py"
    lesson.write_text(QUESTIONS_LESSON.format(question="First?"), "utf-8")
    memo = tmp_path / "memo"
    assert [q.text for q in lesson_sections(lesson, memo).questions] == ["First?"]
    (entry,) = memo.iterdir()
    # A warm build reads the remembered sections: a planted one proves nothing was parsed.
    planted = json.loads(entry.read_text("utf-8"))
    planted["questions"][0]["text"] = "remembered"
    entry.write_text(json.dumps(planted), "utf-8")
    assert [q.text for q in lesson_sections(lesson, memo).questions] == ["remembered"]
    lesson.write_text(QUESTIONS_LESSON.format(question="Second?"), "utf-8")
    assert [q.text for q in lesson_sections(lesson, memo).questions] == ["Second?"]
    assert len(list(memo.iterdir())) == 2


QUESTIONS_LESSON = """\
# %% [markdown]
# # Title
#
# ## Questions
#
# 1. {question}
#
#    Answer: yes.

# %%
x = 1
"""
