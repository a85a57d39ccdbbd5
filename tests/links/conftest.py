"""Fixtures for the link checker: a real HTTP server on loopback, and quick settings for it."""

from __future__ import annotations

import itertools
from urllib.parse import urlsplit

import pytest

from build_tools.links.model import CheckSettings, Link, Source
from build_tools.links.pipeline import Collection, check
from tests.links.linkserver import LinkServer

HOSTS = ("127.0.0.1", "127.0.0.2")
QUIET_HOSTS = ("127.0.0.3", "127.0.0.4")
# Short waits so failure paths finish in a second or two; politeness stays on.
FAST = CheckSettings(timeout_s=1.0, retries=1, retry_wait_s=0.05, host_interval_ms=0)
_unique = itertools.count()


@pytest.fixture(scope="module")
def server():
    """One server per test module; it stops itself after five minutes at the latest."""
    with LinkServer(HOSTS, lifetime_s=300, max_requests=20_000) as running:
        yield running


def _with_unique_urls(server: LinkServer) -> LinkServer:
    def url(path: str, host: str | None = None, scheme: str = "http") -> str:
        return server.url(f"{path}/{next(_unique)}", host, scheme)

    server.unique_url = url
    return server


@pytest.fixture
def links(server):
    """The shared server with fresh counters, and ``unique_url(path)`` for paths no test used."""
    server.reset()
    return _with_unique_urls(server)


@pytest.fixture
def quiet_links():
    """A server of its own, for counting requests in flight without other tests' leftovers."""
    with LinkServer(QUIET_HOSTS, lifetime_s=60, max_requests=1_000) as running:
        yield _with_unique_urls(running)


def path_of(url: str) -> str:
    """The path the server counts a URL's requests under."""
    return urlsplit(url).path


def run_check(urls, settings: CheckSettings = FAST, **kwargs):
    """Check ``urls`` (each used once, from ``pages.md``) with no cache unless one is given."""
    kwargs.setdefault("cache_path", None)
    table = {}
    for line, url in enumerate(urls, start=1):
        table.setdefault(url, Link(url)).sources.add(Source("pages.md", line))
    checked = check(Collection(links=table), settings, **kwargs)
    return checked, {r.url: r for r in checked.results}
