"""The real site in a real browser: built once with ``mkdocs build``, served on 127.0.0.1,
driven in Debian's headless Chromium through Playwright.

Without Chromium or Playwright the browser tests skip, saying why, unless
``TDL_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.chromium import chromium_path, launch
from tests.conftest import ROOT

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the browser fixture then skips (or fails) with the reason

    class PlaywrightTimeout(Exception):
        """Stands in for Playwright's TimeoutError where Playwright is missing."""


SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCAL_HOST = "127.0.0.1"


def unavailable(reason: str) -> None:
    """Skip, or fail where the browser tests must run (CI)."""
    if os.environ.get("TDL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (TDL_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


# ProperDocs is not driven here: its site is MkDocs' file for file but the generator's name
# (tests/engines/test_real_site.py checks every page, asset and the search index), so the
# same bytes would be served again.
ENGINES = ("mkdocs", "zensical")


@contextmanager
def served_site(project: Path, engine: str, site_dir: Path, *extra: str) -> Iterator[str]:
    """Build ``project`` with ``engine`` into ``site_dir`` for a free loopback address and
    serve it there; yields the base URL (Material's instant navigation only takes over links
    its sitemap lists, and the sitemap holds site_url's host and port)."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    httpd = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    base_url = f"http://{LOCAL_HOST}:{httpd.server_address[1]}/"
    command = ["-m", "build_tools", "build", "--engine", engine, "--site-url", base_url]
    try:
        done = subprocess.run(
            [sys.executable, *command, "--site-dir", str(site_dir), *extra],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"},
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield base_url
        httpd.shutdown()
    finally:
        httpd.server_close()


@pytest.fixture(scope="session", params=ENGINES)
def server(request, tmp_path_factory):
    """The real site, built by each engine and served on a free loopback port."""
    engine = request.param
    site_dir = tmp_path_factory.mktemp(f"browser-site-{engine}") / "site"
    # A tree of its own: another worker may be building the real site at the same time.
    tree = site_dir.parent / "tree"
    with served_site(ROOT, engine, site_dir, "--tree", str(tree)) as base_url:
        yield base_url, site_dir, engine


@pytest.fixture(scope="session")
def engine(server) -> str:
    """The engine that built the site under test."""
    return server[2]


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return server[0]


@pytest.fixture(scope="session")
def site_dir(server) -> Path:
    return server[1]


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install playwright)")
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        try:
            launched = launch(playwright, executable)
        except Error as exc:
            unavailable(f"Chromium at {executable} does not start: {exc}")
        yield launched
        launched.close()


@dataclass
class Tab:
    """A browser page with what it logged: console errors and requests that left loopback."""

    page: object
    base_url: str
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, path: str = "") -> None:
        self.page.goto(self.base_url + path, wait_until="load")

    def url_path(self) -> str:
        return self.page.url[len(self.base_url) :]

    def wait_for_page(self, path: str = "") -> None:
        """Wait until the tab shows the page at ``path`` under the site root, whatever
        fragment or query follows it (Material's anchor tracking writes the heading in view
        into the address, sometimes before a navigation has scrolled back to the top)."""
        target = self.base_url + path
        self.page.wait_for_url(lambda url: url.split("#", 1)[0].split("?", 1)[0] == target)


def _route(tab: Tab, route) -> None:
    """Every request is logged; one bound anywhere but 127.0.0.1 is recorded and refused."""
    url = route.request.url
    tab.requests.append(url)
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != LOCAL_HOST:
        tab.outside.append(url)
        route.abort()
    else:
        route.continue_()


def new_tab(browser, base_url: str, viewport: dict | None = None, **options) -> Tab:
    """A fresh browser context (its own localStorage and downloads) with one page."""
    context = browser.new_context(viewport=viewport or DESKTOP, accept_downloads=True, **options)
    page = context.new_page()
    tab = Tab(page=page, base_url=base_url)
    context.route("**/*", functools.partial(_route, tab))
    page.on("console", lambda msg: msg.type == "error" and tab.errors.append(msg.text))
    page.on("pageerror", lambda exc: tab.errors.append(f"uncaught: {exc}"))
    return tab


@pytest.fixture
def tab(browser, base_url):
    opened = new_tab(browser, base_url)
    yield opened
    opened.page.context.close()


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the built site, as a path under the site root ("" is home)."""
    pages = []
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        pages.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return pages


def _text_once(locator, test: str, text: str, timeout_s: float) -> str:
    """The locator's text once the script ``test`` holds for it and ``text``, or whatever
    it reads after the timeout."""
    try:
        locator.page.wait_for_function(
            f"([el, text]) => el.innerText.trim(){test}",
            arg=[locator.element_handle(timeout=timeout_s * 1000), text],
            timeout=timeout_s * 1000,
        )
    except PlaywrightTimeout:
        pass  # the caller's assertion shows the text it found
    return locator.inner_text().strip()


def settled_text(locator, expected: str, timeout_s: float = 5.0) -> str:
    """The locator's text once it reads ``expected``, or whatever it reads after the timeout.

    Pages are drawn by scripts after Material swaps the content in (instant navigation), so
    a check right after a URL change may run before the drawing; this waits for it.
    """
    return _text_once(locator, " === text", expected, timeout_s)


def text_starting(locator, prefix: str, timeout_s: float = 5.0) -> str:
    """The locator's text once it starts with ``prefix`` (as :func:`settled_text` waits)."""
    return _text_once(locator, ".startsWith(text)", prefix, timeout_s)
