"""Catalog and lessons -> virtual Markdown pages (home, one per stage, the catalog) and the nav.

Pages are rendered from Jinja templates in ``build_tools/site/templates`` with autoescaping on.
Every value the catalog or a lesson's front matter supplies reaches the reader as text, never
as markup, whichever template prints it:

- in the page body, autoescaping escapes it for HTML, and text placed in Markdown context is
  additionally backslash-escaped (:func:`md_text`) so its punctuation cannot become
  formatting, links or attribute lists;
- in page front matter and navigation titles, which the theme's templates (Material's and
  Zensical's alike) print without escaping, it is handed over already HTML-escaped
  (:func:`theme_text`);
- as a link target in Markdown, a URL is percent-encoded (:func:`md_url`) so that no
  character of it can end the link or start an attribute list.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from build_tools.catalog.model import FREE, KINDS, LEVELS, Catalog, Resource
from build_tools.lessons.discovery import Lesson
from build_tools.lessons.teaching import Question, lesson_sections
from build_tools.site.catalog_data import HEALTH_LABELS, catalog_data, embed_text
from build_tools.site.teaching_markup import cards

KIND_LABELS = {
    "course": "Courses",
    "book": "Books",
    "video": "Videos",
    "article": "Articles",
    "paper": "Papers",
    "notes": "Notes",
    "tool": "Tools",
    "dataset": "Datasets",
}
FREE_LABELS = {"yes": "Free", "audit": "Free to audit", "paid": "Paid"}
# Characters that start inline markup anywhere (links, emphasis, code, math, tables,
# strikethrough, attribute lists), and those that start a block only at the beginning of
# the text (headings, lists, quotes).
_MD_INLINE = re.compile(r"[\\`*_{}\[\]|$~]")
_MD_BLOCK_START = re.compile(r"^(\s*)([#+\->]|\d+)(?=(.?))")
# A line break would end the list item, heading or link the text sits in; HTML shows one
# as a space anyway.
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")


def md_text(value: object) -> Markup:
    """Plain text for Markdown context: HTML-escaped, and its Markdown punctuation written
    as character references.

    A character reference is text to Markdown and to every extension, where a backslash
    escape is not: ``\\[1\\]`` is display math to arithmatex, and a backslash before "~"
    stays on the page. Only a marker that starts a block is backslash-escaped, as nothing
    else reads it there.
    """
    text = _LINE_BREAK.sub(" ", str(escape(value)))
    text = _MD_INLINE.sub(lambda found: f"&#{ord(found[0])};", text)
    return Markup(_MD_BLOCK_START.sub(_escape_block_start, text, count=1))


def _escape_block_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker.isdigit():
        # "1. x" is a list only because of the dot, so the dot is what gets escaped.
        return indent + marker + ("\\" if match.group(3) in (".", ")") else "")
    return indent + "\\" + marker


def yaml_string(value: object) -> Markup:
    """A double-quoted YAML scalar (JSON strings are valid YAML) for page front matter."""
    return Markup(json.dumps(str(value), ensure_ascii=False))


def theme_text(value: object) -> str:
    """Plain text HTML-escaped for a theme template that prints it as it stands.

    ``&``, ``<``, ``>`` and ``"`` are escaped; the apostrophe is not, since every
    attribute of the themes' templates is double-quoted, and a few of them escape a title
    once more (the footer's ``aria-label``), where an escaped apostrophe, common in
    titles, would be read out as ``&#39;``.
    """
    return html.escape(str(value), quote=False).replace('"', "&quot;")


def meta_text(value: object) -> Markup:
    """Plain text as a front matter value that a theme prints into HTML unescaped.

    Material and Zensical print ``page.meta.title`` into ``<title>`` and the header, and
    ``page.meta.description`` into ``<meta name="description" content="...">``, as they
    stand: the value is HTML-escaped before it becomes a YAML string.
    """
    return yaml_string(theme_text(value))


def nav_title(value: object) -> str:
    """Plain text as a navigation title: themes print nav titles unescaped."""
    return theme_text(value)


# What a URL may keep as it is in a Markdown link target: RFC 3986's unreserved and reserved
# characters and "%" (so escapes already there stay single), less the parentheses and the
# quote, which could end the link or its title. Everything else is percent-encoded.
_URL_SAFE = "-._~:/?#[]@!$&*+,;=%"


def md_url(value: object) -> Markup:
    """A URL as a Markdown link target that no character of it can leave.

    "&" is written as the entity ``&amp;``: Markdown passes an entity through to the
    ``href`` as it is, so the browser reads a plain "&" where a bare one followed by
    ``#0`` or ``amp;`` would have been read as a character reference.
    """
    return Markup(quote(str(value), safe=_URL_SAFE).replace("&", "&amp;"))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("build_tools.site", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_text
    env.filters["meta_text"] = meta_text
    env.filters["md_url"] = md_url
    env.globals.update(
        KIND_LABELS=KIND_LABELS, FREE_LABELS=FREE_LABELS, HEALTH_LABELS=HEALTH_LABELS
    )
    return env


ENV = _environment()


@dataclass(frozen=True)
class GeneratedPage:
    """A page that exists only in the build: its path under docs/ and its Markdown."""

    src_uri: str
    content: str


@dataclass
class SiteModel:
    """Everything the templates need, computed once per build."""

    catalog: Catalog
    lessons: list[Lesson]
    cited_by: dict[str, list[Lesson]] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(cls, catalog: Catalog, lessons: list[Lesson], **extra: object) -> SiteModel:
        cited: dict[str, list[Lesson]] = defaultdict(list)
        for lesson in lessons:
            for rid in lesson.meta.resources:
                cited[rid].append(lesson)
        return cls(catalog=catalog, lessons=lessons, cited_by=dict(cited), extra=dict(extra))

    def lessons_for_stage(self, number: int) -> list[Lesson]:
        return [lesson for lesson in self.lessons if lesson.stage == number]


def stage_uri(number: int) -> str:
    return f"lessons/stage-{number}/index.md"


def relative_url(target_uri: str, from_uri: str) -> str:
    """URL from one page to another with directory URLs (``a/b.md`` is served at ``a/b/``)."""

    def page_dir(uri: str) -> str:
        base = posixpath.splitext(uri)[0]
        if posixpath.basename(base) == "index":
            base = posixpath.dirname(base)
        return base

    target = page_dir(target_uri)
    start = page_dir(from_uri)
    rel = posixpath.relpath(target or ".", start or ".")
    return "./" if rel == "." else rel + "/"


def md_link(target_uri: str, from_uri: str) -> str:
    """Link from one source page to another as Markdown expects: a relative source path,
    which MkDocs checks and rewrites to the target's URL."""
    return posixpath.relpath(target_uri, posixpath.dirname(from_uri) or ".")


def resource_groups(resources: list[Resource]) -> list[tuple[str, list[Resource]]]:
    """Resources grouped by kind in a fixed kind order, free first within a group."""
    by_kind: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        by_kind[resource.kind].append(resource)
    return [(kind, by_kind[kind]) for kind in KINDS if by_kind.get(kind)]


def render(template: str, **context: object) -> str:
    return ENV.get_template(template).render(**context)


def stage_page(model: SiteModel, number: int) -> GeneratedPage:
    uri = stage_uri(number)
    stage = model.catalog.stage(number)
    later = [s for s in model.catalog.stages if s.number == number + 1]
    content = render(
        "stage.md.j2",
        stage=stage,
        groups=resource_groups(model.catalog.resources_for_stage(number)),
        lessons=model.lessons_for_stage(number),
        next_stage=later[0] if later else None,
        next_url=md_link(stage_uri(number + 1), uri) if later else None,
        catalog_url=md_link("catalog.md", uri),
        model=model,
        page_uri=uri,
        url_to=lambda target: relative_url(target, uri),
    )
    return GeneratedPage(uri, content)


def catalog_facets(catalog: Catalog, tags: list[str]) -> list[tuple[str, str, list]]:
    """The catalog filters: (query name, legend, [(value, label)]) in the order shown."""
    return [
        ("stage", "Stage", [(str(s.number), f"{s.number}. {s.title}") for s in catalog.stages]),
        ("kind", "Kind", [(kind, KIND_LABELS[kind]) for kind in KINDS]),
        ("free", "Cost", [(free, FREE_LABELS[free]) for free in FREE]),
        ("level", "Level", [(level, level.capitalize()) for level in LEVELS]),
        ("tag", "Tags", [(tag, tag) for tag in tags]),
    ]


def catalog_page(model: SiteModel) -> GeneratedPage:
    uri = "catalog.md"
    resources = sorted(
        model.catalog.resources,
        key=lambda r: (r.stage, r.free != "yes", r.free == "paid", r.title.lower()),
    )
    url_to = partial(relative_url, from_uri=uri)
    data = catalog_data(
        resources,
        stages=[(s.number, s.title, url_to(stage_uri(s.number))) for s in model.catalog.stages],
        lessons=[(lesson.id, lesson.title, url_to(lesson.doc_path)) for lesson in model.lessons],
        cited_by={rid: [lesson.id for lesson in cited] for rid, cited in model.cited_by.items()},
        links=model.extra.get("links") or {},
    )
    content = render(
        "catalog.md.j2",
        catalog=model.catalog,
        resources=resources,
        facets=catalog_facets(model.catalog, data["tags"]),
        stage_uri=stage_uri,
        data_text=Markup(embed_text(data)),
        model=model,
        page_uri=uri,
        url_to=url_to,
    )
    return GeneratedPage(uri, content)


def duration(minutes: int) -> str:
    """``45 min``, ``2 h``, ``3 h 20 min``."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


@dataclass(frozen=True)
class LinkCheckSummary:
    """What the last link check found for the catalog's own resources."""

    checked: int
    working: int
    date: str


def link_check_summary(model: SiteModel) -> LinkCheckSummary | None:
    """None when no check has run for any catalog resource: pages then claim nothing."""
    links = model.extra.get("links") or {}
    results = [links[r.url] for r in model.catalog.resources if r.url in links]
    results = [r for r in results if r.checked_at is not None and r.verdict != "skipped"]
    if not results:
        return None
    working = sum(1 for r in results if r.verdict in ("ok", "redirect"))
    return LinkCheckSummary(len(results), working, max(r.checked_date for r in results))


def lesson_questions(model: SiteModel, lesson: Lesson) -> list[Question]:
    """The questions of a lesson's Questions section (parsed once per build)."""
    return lesson_sections(lesson.path, model.extra.get("sections_cache")).questions


def home_page(model: SiteModel) -> GeneratedPage:
    uri = "index.md"
    minutes = {
        stage.number: sum(lesson.meta.minutes for lesson in model.lessons_for_stage(stage.number))
        for stage in model.catalog.stages
    }
    content = render(
        "home.md.j2",
        catalog=model.catalog,
        model=model,
        page_uri=uri,
        stage_uri=stage_uri,
        url_to=lambda target: relative_url(target, uri),
        minutes=minutes,
        total_minutes=sum(minutes.values()),
        duration=duration,
        link_check=link_check_summary(model),
        links_report=md_link("reports/links.md", uri),
        card_ids=[
            question.card_id(lesson.id)
            for lesson in model.lessons
            for question in lesson_questions(model, lesson)
        ],
    )
    return GeneratedPage(uri, content)


def review_page(model: SiteModel) -> GeneratedPage:
    """Every lesson's questions as review cards, with their hints and answers, by stage
    and lesson: the reader's script schedules them and shows what is due."""
    uri = "review.md"
    stages = []
    for stage in model.catalog.stages:
        entries = []
        for lesson in model.lessons_for_stage(stage.number):
            questions = lesson_questions(model, lesson)
            if questions:
                numbered = list(enumerate(questions, start=1))
                entries.append((lesson, Markup(cards(numbered, lesson.id, lesson.title))))
        if entries:
            stages.append((stage, entries))
    content = render(
        "review.md.j2",
        stages=stages,
        md_link=lambda target: md_link(target, uri),
    )
    return GeneratedPage(uri, content)


REPORT_PAGE = "reports/execution.md"
links_page = GeneratedPage("reports/links.md", "")  # content: the link checker's cache


def execution_report_page(report) -> GeneratedPage:
    """The "Execution report" page: every lesson's status, time, device and cache use."""
    from build_tools.lessons.report import SITE_REPORT, format_memory, format_seconds

    content = render(
        "execution_report.md.j2",
        report=report,
        summary=report.summary(),
        url_to=lambda run: relative_url(f"lessons/{run.id}.md", REPORT_PAGE),
        seconds=format_seconds,
        memory=format_memory,
        json_url=posixpath.relpath(SITE_REPORT.as_posix(), "reports/execution"),
    )
    return GeneratedPage(REPORT_PAGE, content)


def generated_pages(model: SiteModel, existing: set[str]) -> list[GeneratedPage]:
    """All virtual pages; a hand-written file with the same path wins."""
    pages = [home_page(model), catalog_page(model), review_page(model)]
    pages += [stage_page(model, stage.number) for stage in model.catalog.stages]
    return [page for page in pages if page.src_uri not in existing]


def stage_nav(model: SiteModel, number: int, stage_docs: list[str]) -> dict:
    """Navigation entry of one stage: its overview page, then its lessons and guides."""
    stage = model.catalog.stage(number)
    return {nav_title(f"{number}. {stage.title}"): [{"Overview": stage_uri(number)}, *stage_docs]}


def build_nav(model: SiteModel, docs: set[str]) -> list:
    """The site navigation: home, getting started, the six stages, catalog, about.

    ``docs`` holds every source path under docs/, so hand-written pages in a stage folder
    (guides) appear in the stage beside its lessons, in file-name order.
    """

    def present(*uris: str) -> list[str]:
        return [uri for uri in uris if uri in docs]

    path = []
    for stage in model.catalog.stages:
        folder = f"lessons/stage-{stage.number}/"
        entries = sorted(
            uri
            for uri in docs
            if uri.startswith(folder)
            and "/" not in uri[len(folder) :]
            and uri.endswith((".md", ".py"))
            and uri != stage_uri(stage.number)
        )
        path.append(stage_nav(model, stage.number, entries))
    nav: list = [{"Home": "index.md"}]
    start = present("start-here.md", "setup.md")
    if start:
        nav.append({"Start here": start})
    nav.append({"The path": path})
    nav.append({"Catalog": "catalog.md"})
    review = present("review.md")
    if review:
        nav.append({"Review": review[0]})
    about = present("about.md", "maintainers.md", "reports/execution.md", "reports/links.md")
    if about:
        nav.append({"About": about})
    return nav
