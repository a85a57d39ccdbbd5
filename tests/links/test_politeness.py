"""Politeness as the server sees it: requests in flight per host and overall, spacing, pauses."""

from __future__ import annotations

from dataclasses import replace

from tests.links.conftest import FAST, QUIET_HOSTS, path_of, run_check


def test_per_host_concurrency_is_bounded(quiet_links):
    urls = [quiet_links.unique_url("/slow/150/ok") for _ in range(12)]
    _, results = run_check(urls, replace(FAST, host_concurrency=3, timeout_s=5))
    assert {r.verdict for r in results.values()} == {"ok"}
    assert quiet_links.peak[QUIET_HOSTS[0]] <= 3
    assert quiet_links.peak[QUIET_HOSTS[0]] >= 2  # and the limit is used, not one request at a time


def test_overall_concurrency_is_bounded_across_hosts(quiet_links):
    urls = [quiet_links.unique_url("/slow/150/ok", host) for host in QUIET_HOSTS for _ in range(6)]
    settings = replace(FAST, max_concurrency=3, host_concurrency=10, timeout_s=5)
    _, results = run_check(urls, settings)
    assert {r.verdict for r in results.values()} == {"ok"}
    assert quiet_links.peak["*"] <= 3


def test_requests_to_one_host_are_spaced_by_the_interval(quiet_links):
    urls = [quiet_links.unique_url("/ok") for _ in range(6)]
    run_check(urls, replace(FAST, host_interval_ms=100))
    starts = sorted(t for url in urls for t in quiet_links.arrivals[path_of(url)])
    assert len(starts) == 6
    # Five gaps of at least 100 ms each (a little slack for the server's own clock reading).
    assert starts[-1] - starts[0] >= 0.4


def test_a_rate_limited_host_pauses_its_other_requests(quiet_links):
    limited = quiet_links.unique_url("/ratelimit/1/1/ok")
    others = [quiet_links.unique_url("/slow/100/ok") for _ in range(3)]
    # One request at a time, so the 429 arrives before the others start.
    _, results = run_check([limited, *others], replace(FAST, host_concurrency=1))
    assert {r.verdict for r in results.values()} == {"ok"}
    told_to_wait = quiet_links.arrivals[path_of(limited)][0]
    later = [t for url in others for t in quiet_links.arrivals[path_of(url)]]
    assert len(later) == 3
    assert min(later) - told_to_wait >= 0.9


def test_requests_waiting_for_a_connection_also_wait_out_a_pause(quiet_links):
    limited = quiet_links.unique_url("/ratelimit/1/1/ok")
    others = [quiet_links.unique_url("/ok") for _ in range(6)]
    # Several requests in flight at once, so the others are queued behind the 429's
    # connection when it arrives; none of them may go out before the pause ends.
    _, results = run_check([limited, *others], replace(FAST, host_concurrency=4))
    assert {r.verdict for r in results.values()} == {"ok"}
    told_to_wait = quiet_links.arrivals[path_of(limited)][0]
    later = [t for url in others for t in quiet_links.arrivals[path_of(url)] if t > told_to_wait]
    assert later and min(later) - told_to_wait >= 0.9
