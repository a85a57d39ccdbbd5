"""The "Link health" page of a real build shows the cached verdicts of the last link check."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from build_tools.links.cache import save_link_results
from build_tools.links.model import LinkResult, Source
from tests.conftest import catalog_yaml
from tests.site.conftest import MKDOCS_YML, build_site


def test_a_real_build_publishes_the_link_health_page(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "start-here.md").write_text("# Start here\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "resources.yml").write_text(catalog_yaml(), encoding="utf-8")
    broken = LinkResult(
        "https://example.org/gone?a=<b>",
        "broken",
        404,
        "404 Not Found",
        checked_at=86400 * 365,
        sources=[Source("resources.yml", 40, "first-course")],
    )
    day = 86400.0
    flaky = LinkResult(  # the catalog entry's URL, failing for a few hours: not yet broken
        "https://example.org/course",
        "timeout",
        detail="no answer within the timeout",
        checked_at=day * 400,
        sources=[Source("resources.yml", 12, "first-course")],
        history=[(day * 398, "ok", 200), (day * 399.8, "timeout", None)],
        confirmed=False,
    )
    save_link_results(tmp_path / ".cache" / "tdl" / "links.json", [broken, flaky])

    result = build_site(tmp_path)
    assert result.returncode == 0, result.stderr

    page = (tmp_path / "site" / "reports" / "links" / "index.html").read_text(encoding="utf-8")
    assert "Link health" in page and "Broken (1)" in page
    assert "https://example.org/gone?a=&lt;b&gt;" in page and "<b>" not in page
    assert "resources.yml:40 (first-course)" in page and "1971-01-01" in page
    assert "Failing, not yet confirmed (1)" in page and "failing since 1971-02-04" in page
    assert "1971-02-03" in page  # when the flaky link last worked
    # Its catalog entry says the same, not "broken".
    cards = [
        p.read_text(encoding="utf-8")
        for p in (tmp_path / "site").rglob("*.html")
        if "Link failing since 1971-02-04, checked 1971-02-05" in p.read_text(encoding="utf-8")
    ]
    assert cards
    _catalog_card_in_chromium(tmp_path / "site", "Link failing since 1971-02-04")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


def _catalog_card_in_chromium(site, expected: str) -> None:
    """The catalog page's own script draws the cards: its card says ``expected`` too."""
    from tests.browser.chromium import chromium_path, launch
    from tests.browser.conftest import unavailable

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install playwright)")
    if chromium_path() is None:
        unavailable("Chromium is not installed (apt-get install chromium)")
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/catalog/", wait_until="load")
            card = page.locator("#tdl-catalog-results .tdl-health", has_text=expected)
            card.first.wait_for(timeout=10_000)
            assert card.count() == 1
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
