"""Internal links and #fragments of a built site are checked offline against its files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.links.model import CheckSettings
from build_tools.links.pipeline import check, collect
from build_tools.links.site import parse_page
from tests.conftest import run_cli

INDEX = """<!doctype html>
<html><head>
<link rel="stylesheet" href="assets/style.css">
<link rel="preconnect" href="https://fonts.gstatic.com">
<link rel="canonical" href="https://courses.example/tdl/">
</head><body>
<h1 id="local">Home</h1>
<a href="a/">folder with index</a>
<a href="b/">folder without index</a>
<a href="missing.html">missing page</a>
<a href="a/#sec">good fragment</a>
<a href="a/#nope">missing fragment</a>
<a href="#local">own anchor</a>
<a href="#">top</a>
<a href="../outside.html">outside</a>
<a href="/tdl/a/index.html#legacy">root-absolute, name anchor</a>
<a href="https://courses.example/tdl/a/#sec">own published URL</a>
<a href="https://courses.example/tdl/a/#gone">own published URL, bad fragment</a>
<a href="a%20b/">percent-encoded folder</a>
<a href="assets/style.css#x">fragment of a non-HTML file</a>
<a href="_reports/links.html">report written later</a>
<a href="mailto:someone@example.org">mail</a>
<img src="data:image/png;base64,iVBORw0KGgo=" alt="">
</body></html>
"""

A_PAGE = '<html><body><h2 id="sec">S</h2><a name="legacy"></a><a href="../">up</a></body></html>'


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    for folder in ("a", "b", "a b", "assets"):
        (root / folder).mkdir(parents=True)
    (root / "index.html").write_text(INDEX, encoding="utf-8")
    (root / "a" / "index.html").write_text(A_PAGE, encoding="utf-8")
    (root / "a b" / "index.html").write_text("<p>spaces</p>", encoding="utf-8")
    (root / "assets" / "style.css").write_text("body{}", encoding="utf-8")
    return root


def verdicts(site: Path) -> dict[str, tuple[str, str]]:
    collection = collect(site=site, site_url="https://courses.example/tdl/")
    checked = check(collection, CheckSettings(), offline=True, cache_path=None)
    return {r.url: (r.verdict, r.detail) for r in checked.results}


def test_internal_links_and_fragments_get_the_right_verdicts(site):
    found = verdicts(site)
    expected = {
        "/a/": "ok",
        "/b/": "broken",
        "/missing.html": "broken",
        "/a/#sec": "ok",
        "/a/#nope": "broken",
        "/index.html#local": "ok",
        "/index.html#": "ok",
        "/../outside.html": "broken",
        "/a/index.html#legacy": "ok",
        "/a/#gone": "broken",
        "/a b/": "ok",
        "/assets/style.css": "ok",
        "/assets/style.css#x": "ok",
        "/_reports/links.html": "skipped",
        "mailto:someone@example.org": "skipped",
        "/": "ok",
    }
    assert {url: found[url][0] for url in expected} == expected
    assert "index.html" in found["/b/"][1]
    assert "no element with id 'nope'" in found["/a/#nope"][1]


def test_not_links_are_left_out(site):
    found = verdicts(site)
    assert not [url for url in found if url.startswith(("data:", "https://fonts"))]
    # The site's own published URLs are internal, never fetched.
    assert not [url for url in found if url.startswith("https://courses.example")]


def test_sources_name_the_page_and_line(site):
    collection = collect(site=site)
    link = collection.links["/a/#nope"]
    [source] = link.sources
    assert source.path.endswith("site/index.html")
    assert source.line == 12


def test_command_fails_on_a_broken_internal_link_and_writes_json(site, tmp_path):
    report = tmp_path / "report.json"
    result = run_cli("linkcheck", "--site", str(site), "--offline", "--json", str(report))
    assert result.returncode == 1, result.stderr
    assert "/a/#nope" in result.stdout and "Traceback" not in result.stderr
    assert '"verdict": "broken"' in report.read_text()


def build(project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_real_mkdocs_build(tmp_path):
    """A tiny real site: a good heading link passes, a missing one is caught, then fixed."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: Tiny\nsite_url: https://tiny.example/\n")
    (docs / "index.md").write_text(
        "# Home\n\n[good](other.md#second-part) [bad](other.md#nowhere)\n"
    )
    (docs / "other.md").write_text("# Other\n\n## Second part\n\ntext\n")
    assert build(tmp_path).returncode == 0
    site = str(tmp_path / "site")
    result = run_cli("linkcheck", "--site", site, "--offline", cwd=tmp_path)
    assert result.returncode == 1
    assert "/other/#nowhere" in result.stdout
    assert "/other/#second-part" not in result.stdout  # ok links are only counted

    (docs / "index.md").write_text("# Home\n\n[good](other.md#second-part)\n")
    assert build(tmp_path).returncode == 0
    result = run_cli("linkcheck", "--site", site, "--offline", cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_the_page_parser_reads_links_as_a_browser_would():
    page = parse_page(
        "<p><!-- <a href='commented'> --><script>var s = '<a href=\"in-js\">';</script>\n"
        "<a href='q>uoted' id=\"a&amp;b\"><A HREF=upper>u</A>"
        "<textarea><a href='in-textarea'></textarea>\n"
        "<a href='&#109;ail' name='old-style'><img\n src='i.png'>"
        "<link rel='Preconnect' href='//fonts.example'><link rel=stylesheet href=s.css>"
    )
    # A tag spread over lines is reported at the line it ends on (the img, on line 4).
    assert page.links == [("q>uoted", 2), ("upper", 2), ("mail", 3), ("i.png", 4), ("s.css", 4)]
    assert page.anchors == {"a&b", "old-style"}
