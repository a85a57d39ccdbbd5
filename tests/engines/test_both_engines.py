"""One prepared tree, three engines: MkDocs + Material, ProperDocs + Material and Zensical
build the same site.

Real builds of a small project with real kernels: the same HTML pages from all three (and
from MkDocs and ProperDocs the same HTML, but for the generator's name), executed outputs
and images on every lesson page, each engine's search index finding catalog titles and
lesson text, a warm rebuild that executes nothing, a failing lesson that fails every build
by name and cell, and redirects from a renamed lesson's old address.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import catalog_yaml, run_cli, write_project
from tests.notebooks.conftest import MKDOCS_YML, write_lesson

ENGINES = ("mkdocs", "properdocs", "zensical")
# The engines that run the tdl plugin inside their own build, with Material's search.
PLUGIN_ENGINES = ("mkdocs", "properdocs")
GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">')
PLOT = """\
# %% [markdown]
# # Plotting lesson
#
# Prose with a distinctive word: axolotl.

# %% alt="Ten points on a rising line, from 0 to 9"
import matplotlib.pyplot as plt
print("plotted", sum(range(10)))
plt.plot(range(10))
plt.show()
"""


def build(project: Path, engine: str, site: Path, *extra: str):
    return run_cli("build", "--engine", engine, "--site-dir", str(site), *extra, cwd=project)


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = write_project(tmp_path_factory.mktemp("engines"), MKDOCS_YML, catalog_yaml())
    write_lesson(root, "01-plotting", body=PLOT, title="Plotting lesson")
    renamed = write_lesson(root, "02-plain")
    text = renamed.read_text(encoding="utf-8")
    renamed.write_text(text.replace("# data: []", "# data: []\n# aliases: [stage-1/09-old-plain]"))
    return root


@pytest.fixture(scope="module")
def sites(project) -> dict[str, Path]:
    built = {}
    for engine in ENGINES:
        site = project / f"site-{engine}"
        done = build(project, engine, site)
        assert done.returncode == 0, done.stdout + done.stderr
        built[engine] = site
    return built


def test_every_engine_writes_the_same_pages(sites):
    mkdocs, properdocs, zensical = (html_pages(sites[e]) for e in ENGINES)
    assert mkdocs == properdocs == zensical
    assert "lessons/stage-1/01-plotting/index.html" in mkdocs and "catalog/index.html" in mkdocs


def differences_but_the_generator(mkdocs: Path, properdocs: Path) -> list[str]:
    """Files that differ between a MkDocs and a ProperDocs build of one project, once the
    generator's name is taken out of every page: what the two builds did differently. The
    execution reports, which say what each build executed, are left out."""
    ours, theirs = snapshot(mkdocs), snapshot(properdocs)
    differ = sorted(set(ours) ^ set(theirs))
    for rel in sorted(set(ours) & set(theirs)):
        if rel.startswith(("reports/", "_reports/")):
            continue
        a, b = ours[rel], theirs[rel]
        if rel.endswith(".html"):
            mkdocs_tag = GENERATOR.search(a.decode("utf-8"))
            if mkdocs_tag:  # a theme's page, not a redirect: ProperDocs names itself
                assert "ProperDocs" in GENERATOR.search(b.decode("utf-8")).group(0), rel
            a, b = (GENERATOR.sub("", x.decode("utf-8")) for x in (a, b))
        if a != b:
            differ.append(rel)
    return differ


def test_properdocs_writes_the_site_mkdocs_writes(sites):
    """The same plugin, theme and Markdown: every file the same, pages and search index
    included, but for the generator's name in each page."""
    assert differences_but_the_generator(sites["mkdocs"], sites["properdocs"]) == []
    assert (sites["properdocs"] / "search/search_index.json").is_file()


@pytest.mark.parametrize("engine", ENGINES)
def test_lesson_pages_hold_their_executed_outputs_and_images(sites, engine):
    site = sites[engine]
    html = (site / "lessons/stage-1/01-plotting/index.html").read_text(encoding="utf-8")
    assert "plotted 45" in html
    images = re.findall(r'<img [^>]*src="([^"]+\.png)"', html)
    assert len(images) == 1
    folder = site / "lessons/stage-1/01-plotting"
    assert (folder / images[0]).read_bytes()[:4] == b"\x89PNG"
    assert 'alt="Ten points on a rising line, from 0 to 9"' in html
    assert (folder / "01-plotting.ipynb").is_file() and (folder / "01-plotting.py").is_file()
    assert "Executed when the site was built" in html


def search_text(site: Path, engine: str) -> str:
    path = site / ("search/search_index.json" if engine in PLUGIN_ENGINES else "search.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps(data.get("docs") or data.get("items"))


@pytest.mark.parametrize("engine", ENGINES)
def test_each_engines_search_finds_catalog_titles_and_lesson_text(sites, engine):
    text = search_text(sites[engine], engine)
    assert "First course" in text  # the catalog's resource
    assert "axolotl" in text  # a lesson's prose
    assert "plotted 45" not in text  # outputs stay out of the index


@pytest.mark.parametrize("engine", ENGINES)
def test_a_renamed_lessons_old_address_redirects(sites, engine):
    old = sites[engine] / "lessons/stage-1/09-old-plain/index.html"
    assert 'content="0; url=../02-plain/"' in old.read_text(encoding="utf-8")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_warm_rebuild_executes_no_lesson(project, sites, engine):
    done = build(project, engine, sites[engine])
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((sites[engine] / "_reports/execution.json").read_text())
    assert report["summary"]["executed"] == 0 and report["summary"]["cached"] == 2


@pytest.mark.parametrize("engine", PLUGIN_ENGINES)
def test_the_build_log_has_one_line_per_lesson(project, sites, engine):
    done = build(project, engine, sites[engine])
    log = (done.stdout + done.stderr).splitlines()
    for lesson in ("01-plotting", "02-plain"):
        assert len([line for line in log if f"stage-1/{lesson}.py" in line]) == 1
    assert not [line for line in log if "Converting notebook" in line or "Cache miss" in line]


@pytest.mark.parametrize("engine", PLUGIN_ENGINES)
def test_a_strict_warning_fails_the_build_and_keeps_the_last_good_site(project, sites, engine):
    page = project / "docs/start-here.md"
    good = page.read_text(encoding="utf-8")
    before = snapshot(sites[engine])
    page.write_text(good + "\nSee [a page that is not there](missing-page.md).\n", "utf-8")
    try:
        failed = build(project, engine, sites[engine])
        assert failed.returncode == 1
        assert "missing-page.md" in failed.stdout + failed.stderr
        assert snapshot(sites[engine]) == before
    finally:
        page.write_text(good, encoding="utf-8")


def test_a_failing_lesson_fails_every_build_by_name_and_cell(project, sites):
    lesson = project / "docs/lessons/stage-1/01-plotting.py"
    good = lesson.read_text(encoding="utf-8")
    before = {engine: snapshot(sites[engine]) for engine in ENGINES}
    lesson.write_text(good.replace('print("plotted"', 'raise KeyError("plot data")\nprint("p"'))
    try:
        for engine in ENGINES:
            failed = build(project, engine, sites[engine])
            assert failed.returncode == 1
            output = failed.stdout + failed.stderr
            assert re.search(
                r"docs/lessons/stage-1/01-plotting\.py:\d+:1: cell 2: KeyError", output
            )
            assert "Traceback" not in output
            assert snapshot(sites[engine]) == before[engine]  # the last good site stays
    finally:
        lesson.write_text(good, encoding="utf-8")
