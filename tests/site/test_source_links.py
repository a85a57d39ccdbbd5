"""Links from hand-written pages to a lesson's ``.py`` source point at the lesson's page."""

from __future__ import annotations

from build_tools.site.source_links import rewrite_lesson_links

SOURCES = {"lessons/stage-4/17-starter.py", "lessons/stage-1/01-first.py"}


def test_links_to_lesson_sources_point_at_their_pages():
    text = "See [it](17-starter.py), [first](../stage-1/01-first.py#data) and\n[r]: 17-starter.py\n"
    assert rewrite_lesson_links(text, "lessons/stage-4/guide.md", SOURCES) == (
        "See [it](17-starter.md), [first](../stage-1/01-first.md#data) and\n[r]: 17-starter.md\n"
    )


def test_other_links_and_code_are_left_as_written():
    text = (
        "[helper](tools.py) [far](https://example.org/17-starter.py) `[x](17-starter.py)`\n"
        "```\n[y](17-starter.py)\n```\n"
    )
    assert rewrite_lesson_links(text, "lessons/stage-4/guide.md", SOURCES) == text
