"""What the pages are written from stays text: Markdown link targets, front matter values the
theme prints raw, and what ``check`` refuses in lessons' front matter and file names.

Link targets go through the project's own Markdown configuration (Python-Markdown with
``attr_list``), for any URL hypothesis can make of the characters that matter.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import markdown
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from build_tools.site.pages import md_text, md_url, meta_text, nav_title
from tests.conftest import ROOT, catalog_yaml, run_cli
from tests.notebooks.conftest import lesson_text

# The characters that end a link, quote an attribute or open an attribute list or a tag,
# with ordinary URL characters and some that are not ASCII.
URL_CHARACTERS = st.text(
    alphabet=st.sampled_from(
        list("()[]{}<>\"'`\\ \t\n=:/?#&%;!*$,+@~._-aZ09") + ["\u00fc", "\u202e"]
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(tail=URL_CHARACTERS)
def test_no_character_of_a_url_leaves_its_markdown_link(tail):
    url = "https://example.org/" + tail
    page = markdown.markdown(
        f'[title]({md_url(url)}){{ rel="noopener" }}', extensions=["attr_list"]
    )
    anchors = re.findall(r"<a\b([^>]*)>", page)
    assert len(anchors) == 1, page
    attributes = re.findall(r'\s([a-z-]+)="[^"]*"', anchors[0])
    assert attributes == ["href", "rel"], page
    href = html.unescape(re.search(r'href="([^"]*)"', anchors[0]).group(1))
    # Nothing but URL characters, and the address is the one written once decoded.
    assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]*", href), href
    assert unquote(href) == unquote(url), href
    assert page.endswith("</a></p>"), page


def test_urls_keep_their_meaning_when_encoded():
    assert (
        md_url("https://example.org/a?b=1&c=%22#top") == "https://example.org/a?b=1&amp;c=%22#top"
    )
    assert md_url("https://example.org/a(b)") == "https://example.org/a%28b%29"
    assert md_url("https://example.org/\u00fc") == "https://example.org/%C3%BC"


def test_front_matter_values_are_html_escaped_yaml_strings():
    hostile = "\"><script>alert(1)</script> & 'x' {{ 7*7 }}\nnext"
    value = yaml.safe_load(f"title: {meta_text(hostile)}")["title"]
    assert html.unescape(value) == hostile
    assert not set('<>"') & set(value)
    assert nav_title("1. <b>x</b> & y's") == "1. &lt;b&gt;x&lt;/b&gt; &amp; y's"


def test_check_refuses_a_lesson_file_name_that_is_not_a_slug(tmp_path):
    (tmp_path / "resources.yml").write_text(catalog_yaml(), encoding="utf-8")
    folder = tmp_path / "docs" / "lessons" / "stage-1"
    folder.mkdir(parents=True)
    (folder / "01-x){onclick=alert(1)}.py").write_text(lesson_text("X", ""), encoding="utf-8")
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "docs/lessons/stage-1/01-x){onclick=alert(1)}.py:1:1: lesson file name "
        "'01-x){onclick=alert(1)}.py' must be lowercase letters, digits and hyphens"
    ) in result.stderr


def test_check_refuses_control_characters_in_front_matter_at_their_place(tmp_path):
    (tmp_path / "resources.yml").write_text(catalog_yaml(), encoding="utf-8")
    folder = tmp_path / "docs" / "lessons" / "stage-1"
    folder.mkdir(parents=True)
    text = lesson_text("X", "").replace(
        "# summary: A tiny lesson for the tests.", '# summary: "Reads \\u202ebackwards"'
    )
    (folder / "01-x.py").write_text(text, encoding="utf-8")
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "docs/lessons/stage-1/01-x.py:3:12: summary: must not contain the control character U+202E"
    ) in result.stderr


def project_markdown(text: str) -> str:
    """``text`` rendered by Python-Markdown with the extensions of the project's mkdocs.yml."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names, settings_by_name = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        settings_by_name[name] = options or {}
    return markdown.markdown(text, extensions=names, extension_configs=settings_by_name)


class _Reader(HTMLParser):
    """The tags and the text of a fragment of HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


# Text made of what starts Markdown and HTML constructs, at the start of a line or inside it.
PLAIN_TEXT = (
    st.text(
        alphabet=st.sampled_from(list("#*_`[]()<>{}!|~$\\-+=.:;&\"' \n\t1aZ")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)


# How the pages' templates place plain text in Markdown: the only tags each may yield, and
# the text it shows.
CONTEXTS = {
    "- {}": (["ul", "li"], "{}"),
    # The table of contents adds its permalink ("¶") to every heading.
    "### [Stage 1: {}](page.md)": (["h3", "a", "a"], "Stage 1: {}¶"),
    "1. [{}](page.md) — {} *(5 min)*": (["ol", "li", "a", "em"], "{} — {} (5 min)"),
}


@pytest.mark.parametrize("context", list(CONTEXTS))
@settings(max_examples=300, deadline=None)
@given(value=PLAIN_TEXT)
# Found before: display math, a backslash left showing, an empty heading.
@example(value="[1]")
@example(value="a ~~b~~")
@example(value="#")
def test_plain_text_in_markdown_becomes_no_markup(context, value):
    tags, shown = CONTEXTS[context]
    reader = _Reader()
    reader.feed(project_markdown(context.format(*[md_text(value)] * context.count("{}"))))
    assert reader.tags == tags
    expected = shown.format(*[value] * shown.count("{}"))
    assert " ".join("".join(reader.text).split()) == " ".join(expected.split())
