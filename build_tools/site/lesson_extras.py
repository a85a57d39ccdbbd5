"""What a lesson page adds for the reader's path: prerequisites, previous/next, "mark as done".

Above the notebook, under the downloads bar: the lessons to read first, the catalog
resources the lesson builds on, and a "mark as done" box. Below it: the same box and the
previous and next lessons of the path (lessons in stage order, then file order), in place
of the theme's footer links, which follow the navigation (overviews, guides) instead of
the path. Progress itself lives in the browser (``assets/progress.js``); the boxes only
name the lesson.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs.structure.nav import Navigation
from mkdocs.utils import get_relative_url

from build_tools.catalog.model import Resource
from build_tools.lessons.discovery import Lesson
from build_tools.lessons.page_parts import insert_after_title
from build_tools.site.pages import ENV, SiteModel

BAR_START = '<div class="tdl-lesson-bar"'


@dataclass(frozen=True)
class Neighbour:
    """A lesson linked from another lesson's page."""

    title: str
    url: str


def _link(lesson: Lesson, page_url: str, urls: dict[str, str]) -> Neighbour | None:
    target = urls.get(lesson.doc_path)
    if target is None:  # a lesson left out of a hand-written nav has no page to link to
        return None
    return Neighbour(lesson.title, get_relative_url(target, page_url))


def render_extras(
    lesson: Lesson,
    path: list[Lesson],
    resources: dict[str, Resource],
    page_url: str,
    urls: dict[str, str],
) -> tuple[str, str]:
    """The HTML placed above the notebook and the HTML placed after it."""
    by_id = {other.id: other for other in path}
    before = [
        link
        for lid in lesson.meta.prerequisites
        if lid in by_id and (link := _link(by_id[lid], page_url, urls)) is not None
    ]
    builds_on = [resources[rid] for rid in lesson.meta.resources if rid in resources]
    index = next(i for i, other in enumerate(path) if other.id == lesson.id)
    previous = _link(path[index - 1], page_url, urls) if index > 0 else None
    following = _link(path[index + 1], page_url, urls) if index + 1 < len(path) else None
    parts = ENV.get_template("_lesson_extras.html.j2").module
    item = f"lesson:{lesson.id}"
    top = parts.top(item=item, before=before, builds_on=builds_on)
    bottom = parts.bottom(item=item, previous=previous, following=following)
    return str(top), str(bottom)


def place_extras(page_html: str, top: str, bottom: str) -> str:
    """Put ``top`` under the downloads bar (or the title when there is none), ``bottom`` last.

    The bar is one ``div`` without nested ``div`` elements (``lesson_pages.lesson_bar``),
    so its end is the first ``</div>`` after its start.
    """
    start = page_html.find(BAR_START)
    end = page_html.find("</div>", start) if start >= 0 else -1
    if end < 0:
        html = insert_after_title(page_html, top)
    else:
        end += len("</div>")
        html = page_html[:end] + top + page_html[end:]
    return html + bottom


def decorate_lesson_page(page, nav: Navigation, model: SiteModel) -> None:
    """Add the extras to a lesson's page content; other pages are left alone."""
    lesson = next((one for one in model.lessons if one.doc_path == page.file.src_uri), None)
    if lesson is None or page.content is None:
        return
    urls = {other.file.src_uri: other.url for other in nav.pages}
    top, bottom = render_extras(
        lesson, model.lessons, model.catalog.resources_by_id, page.url, urls
    )
    page.content = place_extras(page.content, top, bottom)
    # One previous/next per page: the path's, above; the theme's footer shows none.
    page.previous_page = page.next_page = None
