"""The catalog page's data: every resource as one compact JSON row, filtered in the browser.

The catalog page keeps only the visible page of results in the DOM and draws the cards from
these rows (``assets/catalog.js``). A row holds what a card and the filters need; summaries
stay on the stage pages. Values that repeat (kinds, levels, tags, lessons, link verdicts,
check dates) are sent once, as tables, and rows point into them by index.

A row has no id: the page already holds one anchor per resource (``<i id="...">``, in the
same order as the rows) so that links to ``catalog/#<id>`` resolve, and the script reads the
ids from there. With that and ``https://`` left off URLs, a 10,000-resource catalog page
stays under 2 MB.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from build_tools.catalog.model import FREE, KINDS, LEVELS, Resource
from build_tools.links.model import VERDICTS, LinkResult, iso_date

# Position of each field in a row; assets/catalog.js reads rows with the same order.
ROW = (
    "title",
    "url",
    "stage",
    "kind",
    "free",
    "level",
    "authors",
    "tags",
    "hours",
    "archived",
    "lessons",
    "verdict",
    "checked",
    "since",  # when a failure not yet confirmed began (-1: none)
)
HEALTH_LABELS = {
    "ok": "Link OK",
    "redirect": "Link redirects",
    "broken": "Link broken",
    "timeout": "Link timed out",
    "error": "Link failed",
    "skipped": "Link not checked",
    "blocked": "Link could not be checked automatically",
    "rate-limited": "Link check rate-limited",
}
HTTPS = "https://"


def _index(table: dict[str, int], value: str) -> int:
    return table.setdefault(value, len(table))


def _row(
    resource: Resource,
    tags: dict[str, int],
    lessons: list[int],
    health: LinkResult | None,
    dates: dict[str, int],
) -> list:
    hours = resource.est_hours
    url = resource.url
    checked = health.checked_date if health else ""
    since = iso_date(health.failing_since) if health and health.unconfirmed else ""
    return [
        resource.title,
        url[len(HTTPS) :] if url.startswith(HTTPS) else url,
        resource.stage,
        KINDS.index(resource.kind),
        FREE.index(resource.free),
        LEVELS.index(resource.level),
        resource.authors,
        [tags[tag] for tag in resource.tags],
        # Whole hours print without ".0"; 0 means "not given".
        (int(hours) if hours == int(hours) else hours) if hours else 0,
        int(resource.archived),
        lessons,
        VERDICTS.index(health.verdict) if health else -1,
        _index(dates, checked) if checked else -1,
        _index(dates, since) if since else -1,
    ]


def catalog_data(
    resources: list[Resource],
    stages: list[tuple[int, str, str]],
    lessons: list[tuple[str, str, str]],
    cited_by: Mapping[str, list[str]],
    links: Mapping[str, LinkResult],
) -> dict:
    """The page's data as plain values; rows follow the order of ``resources``.

    ``stages`` holds (number, title, url of the stage page); ``lessons`` holds (id, title,
    url of the page); ``cited_by`` maps a resource id to the ids of the lessons citing it;
    ``links`` maps a URL to its last link-check verdict (empty: no health shown).
    """
    tag_names = sorted({tag for r in resources for tag in r.tags})
    tag_index = {tag: i for i, tag in enumerate(tag_names)}
    lesson_index = {lesson_id: i for i, (lesson_id, _t, _u) in enumerate(lessons)}
    dates: dict[str, int] = {}
    rows = [
        _row(
            r,
            tag_index,
            [lesson_index[lid] for lid in cited_by.get(r.id, []) if lid in lesson_index],
            links.get(r.url),
            dates,
        )
        for r in resources
    ]
    return {
        "fields": list(ROW),
        "stages": [[number, title, url] for number, title, url in stages],
        "kinds": list(KINDS),
        "free": list(FREE),
        "levels": list(LEVELS),
        "tags": tag_names,
        "lessons": [[title, url] for _id, title, url in lessons],
        "verdicts": [HEALTH_LABELS[v] for v in VERDICTS],
        "verdictKeys": list(VERDICTS),
        "dates": list(dates),
        "resources": rows,
    }


def embed_text(data: object) -> str:
    """JSON as the text of an HTML element: only ``&`` and ``<`` need escaping there.

    The text sits in an inert ``<template>``, which neither the search indexer nor instant
    navigation runs, unlike a ``<script>`` (Material re-creates scripts as executable).
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "&amp;").replace("<", "&lt;")
