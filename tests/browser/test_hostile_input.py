"""Hostile text in every catalog and front matter field stays text on every engine's site.

A small project whose every free-text field carries markup (script tags, event attributes,
quote breaks), ``javascript:`` Markdown links, attribute lists in braces and Jinja syntax,
with URLs as odd as validation lets through, is built by each engine and every page is
opened in Chromium with a dialog trap. On each page every inline event handler is fired and
every shadow root searched: no dialog opens, no element of the hostile markup exists, no
link leads to ``javascript:``, and the hostile text reads on the page exactly as written.

The payload's own elements carry ``data-pwn``, so any of them that became markup is found
wherever it landed. Lessons' own Markdown and outputs are trusted code and hold nothing
hostile here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import ENGINES, PlaywrightTimeout, new_tab, served_site
from tests.browser.conftest import site_pages as html_pages
from tests.browser.search import close_search, search
from tests.conftest import ROOT, STAGES_YAML, teaching_cell, write_project

pytestmark = pytest.mark.browser


def short_attack(tag: str) -> str:
    """Hostile text that fits the shortest field (a stage title, 120 characters)."""
    return (
        f'{tag}<img data-pwn src=x onerror=alert("{tag}")>"\'><b data-pwn>'
        f"{{{{7*191}}}}[j](javascript:alert(1)){{data-pwn onclick=alert(1)}}"
    )


def attack(tag: str) -> str:
    """Hostile text for a field that takes a sentence or more."""
    return (
        short_attack(tag)
        + f' <script data-pwn>alert("{tag}")</script></title></template></textarea>'
        f'<svg data-pwn onload=alert("{tag}")> --> &lt;img data-pwn src=x onerror=alert(1)&gt;'
        ' <a data-pwn href="javascript:alert(1)">a</a> {% if 1 %}ran{% endif %}'
        " $\\href{javascript:alert(1)}{m}$ <javascript:alert(1)>"
    )


# Every free-text field, by a short tag that names it in any dialog that opens.
FIELDS = {
    "stage_title": short_attack("ST"),
    "stage_goal": attack("SG"),
    "stage_outcome": attack("SO"),
    "stage_rule": attack("SR"),
    "resource_title": attack("RT")[:200].rstrip(),
    "resource_author": attack("RA"),
    "resource_summary": attack("RS"),
    "lesson_title": attack("LT")[:160].rstrip(),
    "lesson_summary": attack("LS"),
    "kernel_name": attack("KN"),
}
# A URL as odd as validation allows: a javascript: path, brackets, a quote percent-encoded
# and a letter that is not ASCII; it must arrive as the same address.
URL = "https://example.org/javascript:alert%281%29/[x]?a=1&b=%22#fragment-\u00fc"
DATA_FILE = "<img data-pwn src=x onerror=alert(1)>.csv"


def yaml(value: str) -> str:
    """A YAML string: JSON strings are YAML."""
    return json.dumps(value)


def catalog() -> str:
    stages = STAGES_YAML
    for title in ("Practical encounter", "Foundations", "Deep dive"):
        stages = stages.replace(f"title: {title}\n", f"title: {yaml(FIELDS['stage_title'])}\n")
    stages = stages.replace("goal: Train a model.", f"goal: {yaml(FIELDS['stage_goal'])}")
    stages = stages.replace(
        "outcomes: [Train a classifier]", f"outcomes: [{yaml(FIELDS['stage_outcome'])}]"
    )
    stages = stages.replace("rules: [Supervised problem]", f"rules: [{yaml(FIELDS['stage_rule'])}]")
    resources = "".join(
        f"""\
  - id: {rid}
    title: {yaml(FIELDS["resource_title"])}
    url: {yaml(URL)}
    kind: course
    stage: 1
    authors: [{yaml(FIELDS["resource_author"])}, Ada Lovelace]
    free: yes
    level: beginner
    tags: [practice]
    summary: {yaml(FIELDS["resource_summary"])}
    prerequisites: [{prerequisite}]
"""
        for rid, prerequisite in (("first-course", ""), ("second-course", "first-course"))
    )
    return stages + "resources:\n" + resources


def lesson(number: int, prerequisites: str, aliases: str) -> str:
    return f"""\
# ---
# title: {yaml(FIELDS["lesson_title"])}
# summary: {yaml(FIELDS["lesson_summary"])}
# stage: 1
# kind: lesson
# minutes: 1
# resources: [first-course, second-course]
# prerequisites: [{prerequisites}]
# aliases: [{aliases}]
# data: [{yaml(DATA_FILE)}]
# jupyter:
#   kernelspec:
#     display_name: {yaml(FIELDS["kernel_name"])}
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson {number}
#
# Prose of lesson {number}.

# %%
print("ran lesson {number}")
{teaching_cell(f"lesson {number}")}"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The hostile project, with the real site's mkdocs.yml (theme features, extensions)."""
    root = tmp_path_factory.mktemp("hostile")
    write_project(root, (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), catalog())
    folder = root / "docs" / "lessons" / "stage-1"
    folder.mkdir(parents=True)
    (folder / DATA_FILE).write_text("x\n1\n", encoding="utf-8")
    (folder / "01-first.py").write_text(lesson(1, "", ""), encoding="utf-8")
    (folder / "02-second.py").write_text(
        lesson(2, "stage-1/01-first", "stage-1/09-old-second"), encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module", params=ENGINES)
def hostile_site(request, project):
    """The hostile project built by one engine for, and served at, a loopback address."""
    site_dir = project / f"site-{request.param}"
    with served_site(project, request.param, site_dir) as base_url:
        yield request.param, base_url, site_dir


@pytest.fixture
def trapped(browser, hostile_site):
    """A tab on the hostile site whose dialogs are recorded (and dismissed)."""
    tab = new_tab(browser, hostile_site[1])
    tab.dialogs = []
    tab.page.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    tab.page.context.close()


# Fires every inline event handler on the page and in every open shadow root, then reports
# what of the hostile markup exists: its elements, javascript: links, and handlers.
PROBE = """() => {
    const roots = [document];
    const all = [];
    for (let i = 0; i < roots.length; i++) {
        for (const el of roots[i].querySelectorAll('*')) {
            all.push(el);
            if (el.shadowRoot) roots.push(el.shadowRoot);
        }
    }
    const handlers = [];
    for (const el of all) {
        for (const name of el.getAttributeNames()) {
            if (!name.startsWith('on')) continue;
            handlers.push(el.tagName.toLowerCase() + ' ' + name + '=' + el.getAttribute(name));
            el.dispatchEvent(new Event(name.slice(2), {bubbles: false, cancelable: true}));
        }
    }
    const describe = el => el.outerHTML.slice(0, 160);
    return {
        handlers,
        markup: all.filter(el => el.hasAttribute('data-pwn')).map(describe),
        links: all.filter(el => el.href && /^\\s*(javascript|data|vbscript):/i.test(
            typeof el.href === 'string' ? el.href : el.href.baseVal)).map(describe),
        jinja: document.documentElement.textContent.includes('1337'),
    };
}"""


def probe(tab) -> dict:
    found = tab.page.evaluate(PROBE)
    # Each dispatched event has run its handler by now; a dialog it opened is recorded.
    tab.page.wait_for_timeout(50)
    return found


def test_no_script_runs_and_no_markup_is_unescaped_on_any_page(trapped, hostile_site):
    engine, _base_url, site_dir = hostile_site
    pages = html_pages(site_dir)
    assert "lessons/stage-1/01-first/" in pages and "catalog/" in pages
    problems = {}
    for path in pages:
        trapped.dialogs.clear()
        trapped.open(path)
        source = site_dir / (path if path.endswith(".html") else path + "index.html")
        if 'http-equiv="refresh"' in source.read_text("utf-8"):
            # A renamed lesson's old address: probe the page it sends the reader on to.
            trapped.page.wait_for_url(lambda url, old=path: not url.endswith(old))
            trapped.page.wait_for_load_state("load")
        if path == "catalog/":
            trapped.page.locator("#tdl-catalog-results article").first.wait_for()
        found = probe(trapped)
        bad = {key: value for key, value in found.items() if value and key != "handlers"}
        # The theme's own handlers are fine; any that holds the payload is not.
        hostile = [h for h in found["handlers"] if "alert" in h]
        if bad or hostile or trapped.dialogs:
            problems[path] = {**bad, "handlers": hostile, "dialogs": list(trapped.dialogs)}
    # Searching draws results from each engine's index: they too must stay text.
    trapped.open("")
    assert search(trapped, engine, "onerror"), "the search found no hostile text"
    found = probe(trapped)
    close_search(trapped)
    if found["markup"] or found["links"] or trapped.dialogs:
        problems["search"] = {**found, "dialogs": list(trapped.dialogs)}
    assert problems == {}


def normal(text: str) -> str:
    return " ".join(text.split())


# Where each field must read as written (paths under the site root).
SHOWN = {
    "": ["stage_title", "stage_goal", "stage_outcome", "lesson_title"],
    "lessons/stage-1/": [
        "stage_title",
        "stage_goal",
        "stage_outcome",
        "resource_title",
        "resource_author",
        "resource_summary",
        "lesson_title",
        "lesson_summary",
    ],
    "lessons/stage-4/": ["stage_rule"],
    "lessons/stage-1/02-second/": ["lesson_title", "resource_title"],
    "catalog/": ["stage_title", "resource_title", "resource_author"],
    "review/": ["stage_title", "lesson_title"],
    "reports/execution/": ["lesson_title"],
}


@pytest.mark.parametrize("path", [path for path, fields in SHOWN.items() if fields])
def test_hostile_text_reads_as_written(trapped, path):
    trapped.open(path)
    expected = [normal(FIELDS[name]) for name in SHOWN[path]]
    try:
        trapped.page.wait_for_function(
            """texts => {
                const shown = document.body.innerText.split(/\\s+/).join(' ');
                return texts.every(t => shown.includes(t));
            }""",
            arg=expected,
            timeout=5000,
        )
    except PlaywrightTimeout:
        pass  # the assertion below names what is missing
    shown = normal(trapped.page.evaluate("document.body.innerText"))
    missing = [name for name in SHOWN[path] if normal(FIELDS[name]) not in shown]
    assert missing == []
    assert trapped.dialogs == []


def test_lesson_head_and_links_hold_the_text_and_address_as_written(trapped):
    trapped.open("lessons/stage-1/01-first/")
    page = trapped.page
    assert page.title().startswith(FIELDS["lesson_title"])
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description == FIELDS["lesson_summary"]
    builds_on = page.locator(".tdl-lesson-extras a[rel='noopener']").first
    assert builds_on.inner_text() == FIELDS["resource_title"]
    # The browser's own reading of the address: the same URL, the "ü" percent-encoded.
    assert builds_on.evaluate("a => a.href") == URL.replace("\u00fc", "%C3%BC")
    assert builds_on.evaluate("a => a.getAttributeNames().sort()") == ["href", "rel"]
    assert trapped.dialogs == []
