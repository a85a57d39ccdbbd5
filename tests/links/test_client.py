"""The HTTP/1.1 client as servers really answer: framings, encodings, cookies, kept-alive
connections, and bodies read only as far as a verdict needs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.links.conftest import FAST, path_of, run_check

FRAGMENTS = replace(FAST, check_external_fragments=True)


@pytest.mark.parametrize("kind", ["chunked", "gzip", "close", "early"])
def test_pages_framed_every_way_have_their_fragments_checked(links, kind):
    page = links.unique_url(f"/{kind}")
    checked, results = run_check([page + "#intro", page + "#missing"], FRAGMENTS)
    assert results[page + "#intro"].verdict == "ok"
    assert results[page + "#missing"].verdict == "broken"
    assert checked.requests == 1 and links.hits[path_of(page)] == 1


def test_a_site_that_sets_a_cookie_and_redirects_to_itself_is_followed(links):
    name = path_of(links.unique_url("/x")).rsplit("/", 1)[1]
    url = links.url(f"/cookie/c{name}/ok/{name}")
    _, results = run_check([url])
    assert results[url].verdict == "ok", results[url].detail
    assert links.hits[path_of(url)] == 2  # set the cookie, then the page with it


def test_a_redirect_to_itself_without_a_new_cookie_is_a_loop(links):
    url = links.unique_url("/self")
    _, results = run_check([url])
    assert results[url].verdict == "broken" and "redirect loop" in results[url].detail
    assert links.hits[path_of(url)] == 1


def test_connections_are_kept_alive_across_urls(links):
    urls = [links.unique_url("/ok") for _ in range(8)] + [links.unique_url("/status/404")]
    _, results = run_check(urls, replace(FAST, host_concurrency=1))
    assert {r.verdict for r in results.values()} == {"ok", "broken"}
    assert links.connections == 1


def test_a_body_too_big_to_drain_costs_its_connection_not_its_bytes(links):
    big, after = links.unique_url("/big/8"), links.unique_url("/ok")
    _, results = run_check([big, after], replace(FAST, host_concurrency=1, timeout_s=5))
    assert results[big].verdict == "ok" and results[after].verdict == "ok"
    assert links.connections == 2  # hung up on the big body, a fresh one for the next URL
    assert links.body_bytes[path_of(big)] < 8 * 1024 * 1024


def test_a_url_with_a_host_name_is_resolved_and_checked(links):
    port = links.ports[links.hosts[0]]
    urls = [f"http://localhost:{port}{path_of(links.unique_url('/ok'))}" for _ in range(3)]
    checked, results = run_check(urls)
    assert {r.verdict for r in results.values()} == {"ok"}
    assert checked.requests == 3 and [h.host for h in checked.hosts] == ["localhost"]


def test_an_answer_that_is_not_http_is_an_error_and_not_retried(links):
    url = links.unique_url("/garbage")
    _, results = run_check([url])
    assert results[url].verdict == "error"
    assert results[url].detail.startswith("unreadable response"), results[url].detail
    assert links.hits[path_of(url)] == 1


def test_a_body_cut_short_still_gives_its_status(links):
    url, after = links.unique_url("/cut"), links.unique_url("/ok")
    checked, results = run_check([url, after], replace(FAST, host_concurrency=1))
    assert results[url].verdict == "ok" and results[after].verdict == "ok"
    assert checked.requests == 2 and links.connections == 2  # the cut one is not reused
