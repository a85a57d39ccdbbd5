"""Each kind of server behaviour gets the right verdict, with a bounded number of requests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.links.conftest import FAST, path_of, run_check
from tests.links.linkserver import free_port

HEAD_FIRST = replace(FAST, method="head")


def test_ok_is_one_get_request(links):
    url = links.unique_url("/ok")
    checked, results = run_check([url])
    assert results[url].verdict == "ok"
    assert results[url].status == 200
    assert links.methods[("GET", path_of(url))] == 1
    assert checked.requests == 1


@pytest.mark.parametrize("code", [404, 410, 500])
def test_error_status_is_broken_with_one_request(links, code):
    url = links.unique_url(f"/status/{code}")
    checked, results = run_check([url])
    assert results[url].verdict == "broken"
    assert results[url].status == code
    assert str(code) in results[url].detail
    # One GET: a plain error status is neither retried nor asked again another way.
    assert links.hits[path_of(url)] == 1 and links.methods[("GET", path_of(url))] == 1
    assert checked.requests == 1


@pytest.mark.parametrize("code", [404, 410])
def test_head_first_believes_an_error_status(links, code):
    url = links.unique_url(f"/status/{code}")
    checked, results = run_check([url], HEAD_FIRST)
    assert results[url].verdict == "broken" and results[url].status == code
    assert links.methods[("HEAD", path_of(url))] == 1 and checked.requests == 1


def test_each_url_costs_one_request_per_hop(links):
    ok, gone = links.unique_url("/ok"), links.unique_url("/status/404")
    nohead = links.unique_url("/nohead/ok")
    target = links.unique_url("/ok")
    moved = links.url(f"/redirect/301{path_of(target)}")
    checked, results = run_check([ok, gone, nohead, moved, ok + "#intro"])
    assert [results[u].verdict for u in (ok, gone, nohead, moved)] == [
        "ok",
        "broken",
        "ok",
        "redirect",
    ]
    for url in (ok, gone, nohead, moved, target):
        assert links.hits[path_of(url)] == 1, url
    assert checked.requests == 5


def test_permanent_redirect_chain_reports_the_final_url(links):
    target = links.unique_url("/ok")
    url = links.url(f"/redirect/301/redirect/302{path_of(target)}")
    _, results = run_check([url])
    result = results[url]
    assert result.verdict == "redirect"
    assert result.final_url == target
    assert result.status == 200
    assert "301" in result.detail and "302" in result.detail
    assert links.hits[path_of(url)] == 1 and links.hits[path_of(target)] == 1


def test_temporary_redirect_is_ok_but_remembers_where_it_went(links):
    target = links.unique_url("/ok")
    url = links.url(f"/redirect/302{path_of(target)}")
    _, results = run_check([url])
    assert results[url].verdict == "ok"
    assert results[url].final_url == target


def test_redirect_loop_is_broken_after_one_round(links):
    name = path_of(links.unique_url("/x")).rsplit("/", 1)[1]
    url = links.url(f"/loop/{name}/a")
    _, results = run_check([url])
    assert results[url].verdict == "broken"
    assert "redirect loop" in results[url].detail
    assert links.hits[f"/loop/{name}/a"] == 1 and links.hits[f"/loop/{name}/b"] == 1


def test_too_many_redirects_is_broken(links):
    target = links.unique_url("/ok")
    url = links.url("/redirect/302/redirect/302/redirect/302" + path_of(target))
    _, results = run_check([url], replace(FAST, max_redirects=2))
    assert results[url].verdict == "broken"
    assert "more than 2 redirects" in results[url].detail
    assert links.hits[path_of(target)] == 0


def test_429_with_retry_after_is_honoured_then_ok(links):
    url = links.unique_url("/ratelimit/1/1/ok")
    _, results = run_check([url])
    assert results[url].verdict == "ok"
    times = links.arrivals[path_of(url)]
    assert len(times) == 2
    # The second request waited for the Retry-After second (less a little clock slack).
    assert times[1] - times[0] >= 0.9


def test_retry_after_longer_than_the_limit_gives_up_at_once(links):
    url = links.unique_url("/unavailable/3600")
    _, results = run_check([url])
    assert results[url].verdict == "error"
    assert "Retry-After: 3600" in results[url].detail
    assert links.hits[path_of(url)] == 1


def test_rate_limit_retries_are_bounded(links):
    url = links.unique_url("/ratelimit/0/100/ok")
    _, results = run_check([url], replace(FAST, retries=2))
    assert results[url].verdict == "rate-limited"
    assert results[url].status == 429
    assert "still rate-limited after 2 retries" in results[url].detail
    assert links.hits[path_of(url)] == 3  # the first try and two retries


def test_head_refused_falls_back_to_get_and_the_host_remembers(links):
    first = links.unique_url("/nohead/ok")
    second = links.unique_url("/nohead/ok")
    _, results = run_check([first], HEAD_FIRST)
    assert results[first].verdict == "ok"
    assert links.methods[("HEAD", path_of(first))] == 1
    assert links.methods[("GET", path_of(first))] == 1
    # Within one run, a host that refused HEAD is asked with GET straight away.
    checked, results = run_check([first, second], replace(HEAD_FIRST, host_concurrency=1))
    assert {r.verdict for r in results.values()} == {"ok"}
    assert checked.requests == 3


def test_hanging_server_times_out_within_the_retry_budget(links):
    url = links.unique_url("/hang")
    settings = replace(FAST, timeout_s=0.3, retries=1)
    _, results = run_check([url], settings)
    assert results[url].verdict == "timeout"
    assert links.hits[path_of(url)] == 2


def test_slow_server_within_the_timeout_is_ok(links):
    url = links.unique_url("/slow/300/ok")
    _, results = run_check([url], replace(FAST, timeout_s=3))
    assert results[url].verdict == "ok"
    assert links.hits[path_of(url)] == 1


def test_slow_server_beyond_the_timeout_is_a_timeout(links):
    url = links.unique_url("/slow/2000/ok")
    _, results = run_check([url], replace(FAST, timeout_s=0.2, retries=0))
    assert results[url].verdict == "timeout"


def test_huge_body_is_not_downloaded(links):
    url = links.unique_url("/nohead/big/20")
    _, results = run_check([url], replace(FAST, timeout_s=5))
    assert results[url].verdict == "ok"
    assert links.methods[("GET", path_of(url))] == 1
    # Only what the kernel's socket buffers took before the client hung up, not 20 MB.
    assert links.body_bytes[path_of(url)] < 10 * 1024 * 1024


def test_connection_refused_is_an_error(links):
    url = f"http://127.0.0.1:{free_port()}/refused"
    checked, results = run_check([url])
    assert results[url].verdict == "error"
    assert "refused" in results[url].detail.lower()
    assert checked.requests == 2  # one retry: a refused port can be a restarting server


def test_tls_to_a_plain_http_port_is_an_error(links):
    url = links.unique_url("/ok", scheme="https")
    checked, results = run_check([url])
    assert results[url].verdict == "error"
    assert "TLS" in results[url].detail
    assert checked.requests == 1  # a failed handshake is not retried


@pytest.mark.parametrize(
    "url",
    ["http://exa mple.org/", "http://[::1/", "https:///no-host", "http://127.0.0.1:99999/"],
)
def test_malformed_url_is_an_error_without_a_request(url):
    checked, results = run_check([url])
    assert results[url].verdict == "error"
    assert "malformed URL" in results[url].detail
    assert checked.requests == 0


def test_a_url_used_many_times_is_fetched_once(links):
    url = links.unique_url("/ok")
    checked, results = run_check([url, url, url])
    assert len(results[url].sources) == 3
    assert checked.requests == 1


def test_excluded_urls_are_skipped_without_a_request(links):
    url = links.unique_url("/ok")
    checked, results = run_check([url], replace(FAST, exclude=(r"/ok/",)))
    assert results[url].verdict == "skipped"
    assert "excluded" in results[url].detail
    assert checked.requests == 0


def test_offline_run_skips_external_links(links):
    url = links.unique_url("/ok")
    checked, results = run_check([url], offline=True)
    assert results[url].verdict == "skipped"
    assert checked.requests == 0


def test_external_fragments_are_checked_when_asked_with_one_get(links):
    page = links.unique_url("/ok")
    urls = [page + "#intro", page + "#legacy", page + "#missing"]
    checked, results = run_check(urls, replace(FAST, check_external_fragments=True))
    assert results[page + "#intro"].verdict == "ok"
    assert results[page + "#legacy"].verdict == "ok"
    assert results[page + "#missing"].verdict == "broken"
    assert "missing" in results[page + "#missing"].detail
    assert links.methods[("GET", path_of(page))] == 1 and checked.requests == 1


def test_external_fragments_are_ignored_by_default(links):
    page = links.unique_url("/ok")
    _, results = run_check([page + "#missing"])
    assert results[page + "#missing"].verdict == "ok"
    assert not results[page + "#missing"].fragment_checked


def test_accepted_status_counts_as_ok(links):
    url = links.unique_url("/status/403")
    _, results = run_check([url], replace(FAST, accept=(403,)))
    assert results[url].verdict == "ok"
