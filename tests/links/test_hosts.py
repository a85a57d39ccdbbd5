"""What a host costs: a hanging host only its timeouts, retries before fresh URLs, redirects
followed at once, and the per-host figures of the report."""

from __future__ import annotations

import json
import time
from dataclasses import replace

from tests.conftest import run_cli
from tests.links.conftest import FAST, QUIET_HOSTS, path_of, run_check

HANGING = replace(FAST, timeout_s=0.3, retries=1, retry_wait_s=0.05, host_concurrency=2)


def test_a_hanging_host_costs_its_timeouts_and_never_stalls_the_run(quiet_links):
    hanging = [quiet_links.unique_url("/hang") for _ in range(6)]
    answering = [quiet_links.unique_url("/ok") for _ in range(3)]
    elsewhere = [quiet_links.unique_url("/ok", QUIET_HOSTS[1]) for _ in range(3)]
    start = time.monotonic()
    _, results = run_check(hanging + answering + elsewhere, HANGING)
    elapsed = time.monotonic() - start
    assert {results[u].verdict for u in hanging} == {"timeout"}
    assert {results[u].verdict for u in answering + elsewhere} == {"ok"}
    assert all(quiet_links.hits[path_of(u)] == 2 for u in hanging)  # two attempts, no more
    attempts = HANGING.retries + 1
    # A generous bound from the settings: every hanging URL's attempts one after another,
    # plus their backoffs, plus slack for a busy machine; a stalled run would exceed it.
    bound = len(hanging) * attempts * (HANGING.timeout_s + HANGING.retry_wait_s) + 10
    assert elapsed < bound


def test_a_timed_out_url_is_asked_again_before_the_hosts_fresh_urls(quiet_links):
    hang = quiet_links.unique_url("/hang")
    fresh = [quiet_links.unique_url("/ok") for _ in range(4)]
    _, results = run_check([hang, *fresh], replace(HANGING, host_concurrency=1))
    assert results[hang].verdict == "timeout"
    retried = quiet_links.arrivals[path_of(hang)][1]
    later = [quiet_links.arrivals[path_of(u)][0] for u in fresh[1:]]
    # The retry waited for one free slot, not for every URL queued behind it.
    assert retried < min(later)


def test_a_redirect_is_followed_without_the_hosts_interval(quiet_links):
    target = quiet_links.unique_url("/ok")
    url = quiet_links.url(f"/redirect/302/redirect/302{path_of(target)}")
    _, results = run_check([url], replace(FAST, host_interval_ms=1500))
    assert results[url].verdict == "ok"
    first = quiet_links.arrivals[path_of(url)][0]
    last = quiet_links.arrivals[path_of(target)][0]
    assert last - first < 1.5  # spaced hops would take two intervals, 3 s


def test_host_figures_count_requests_errors_and_rate_limits(links):
    urls = [links.unique_url("/ok"), links.unique_url("/status/404")]
    urls.append(links.unique_url("/ratelimit/1/1/ok"))
    checked, _ = run_check(urls)
    [host] = checked.hosts
    assert host.host == "127.0.0.1"
    assert (host.requests, host.errors, host.rate_limited) == (4, 1, 1)
    assert host.waited_s >= 0.99  # the Retry-After second every request of the host waited
    assert host.median_ms is not None and len(host.latencies) == 4


def test_host_stats_in_the_summary_and_as_json(links, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    urls = [links.unique_url("/ok"), links.unique_url("/status/410"), links.unique_url("/ok")]
    urls.append(links.unique_url("/ok", links.hosts[1]))
    anchors = "".join(f'<a href="{u}">x</a>' for u in urls)
    (site / "index.html").write_text(f"<html><body>{anchors}</body></html>", encoding="utf-8")
    hosts, report = tmp_path / "hosts.json", tmp_path / "links.json"
    args = ["--site", str(site), "--host-stats", "--host-stats-json", str(hosts)]
    result = run_cli(
        "linkcheck", *args, "--json", str(report), "--confirm-after", "0", cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    assert "requests" in result.stdout and "median ms" in result.stdout
    lines = result.stdout.splitlines()
    row = next(line for line in lines if line.strip().startswith("127.0.0.1 "))
    assert row.split()[1:4:2] == ["3", "1"]  # requests, errors
    figures = json.loads(hosts.read_text())
    assert [h["host"] for h in figures] == ["127.0.0.1", "127.0.0.2"]
    assert figures[0]["requests"] == 3 and figures[0]["errors"] == 1
    assert set(figures[0]) == {
        "host",
        "requests",
        "median_ms",
        "errors",
        "rate_limited",
        "rate_limit_wait_s",
        "from_cache",
    }
    # The links report keeps its documented shape: a list of links, no host figures in it.
    entries = json.loads(report.read_text())
    assert {e["url"] for e in entries} == set(urls)
    assert all({"url", "verdict", "status", "detail", "sources"} <= set(e) for e in entries)

    again = run_cli("linkcheck", *args, cwd=tmp_path)  # all from the cache now
    assert json.loads(hosts.read_text())[0]["from_cache"] == 3
    assert "(0 requests, 4 from cache)" in again.stdout
