"""Flapping links: a failure counts as a break only once it is confirmed.

The cache keeps each URL's history; a URL is reported broken (and fails the run) only
after it failed in two checks ``confirm_after_s`` apart, with no success in between.
Time passing is simulated by writing history entries with older timestamps into the cache.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace

from build_tools.links.cache import load_link_results, save_link_results
from build_tools.links.model import DAY_S, LinkResult, Source, iso_date, now
from build_tools.links.pipeline import report
from build_tools.links.report import render_link_health_markdown
from tests.conftest import catalog_yaml, resource_yaml, run_cli
from tests.links.conftest import FAST, run_check

QUICK = replace(FAST, retries=0)


def _earlier(url: str, *steps: tuple[float, str, int | None]) -> LinkResult:
    """The cached result of a URL checked at the given (days ago, verdict, status) steps."""
    at = now()
    history = [(at - days * DAY_S, verdict, status) for days, verdict, status in steps]
    last_at, last_verdict, last_status = history[-1]
    return LinkResult(url, last_verdict, last_status, checked_at=last_at, history=history)


def _check(url, cache, settings=QUICK):
    checked, results = run_check([url], settings, cache_path=cache, use_cache=False)
    out = io.StringIO()
    code = report(checked, settings, stream=out, json_path=cache.parent / "report.json")
    entry = json.loads((cache.parent / "report.json").read_text())[0]
    return results[url], code, out.getvalue(), entry


def test_a_first_failure_is_failing_since_not_broken(links, tmp_path):
    cache = tmp_path / "links.json"
    url = links.unique_url("/status/404")
    result, code, text, entry = _check(url, cache)
    assert result.verdict == "broken" and not result.confirmed
    assert code == 0
    assert f"failing since {iso_date(result.checked_at)}, not yet confirmed" in text
    assert entry["verdict"] == "broken" and entry["confirmed"] is False
    assert entry["failing_since"] == entry["checked_at"]
    assert "last_ok" not in entry
    [(_at, verdict, status)] = load_link_results(cache)[url].history
    assert (verdict, status) == ("broken", 404)


def test_a_failure_a_day_after_the_first_is_confirmed(links, tmp_path):
    cache = tmp_path / "links.json"
    url = links.unique_url("/status/404")
    save_link_results(cache, [_earlier(url, (3, "ok", 200), (1.5, "broken", 404))])
    result, code, text, entry = _check(url, cache)
    assert result.confirmed and code == 1
    assert entry["confirmed"] is True
    assert entry["failing_since"].startswith(iso_date(now() - 1.5 * DAY_S))
    assert entry["last_ok"].startswith(iso_date(now() - 3 * DAY_S))
    assert len(load_link_results(cache)[url].history) == 3


def test_two_failures_less_than_a_day_apart_are_not_yet_confirmed(links, tmp_path):
    cache = tmp_path / "links.json"
    url = links.unique_url("/status/500")
    save_link_results(cache, [_earlier(url, (0.5, "error", 500))])
    result, code, _text, _entry = _check(url, cache)
    assert not result.confirmed and code == 0
    assert iso_date(result.failing_since) == iso_date(now() - 0.5 * DAY_S)
    # The same history with a shorter confirmation window is a confirmed break.
    save_link_results(cache, [_earlier(url, (0.5, "error", 500))])
    result, code, _text, _entry = _check(url, cache, replace(QUICK, confirm_after_s=3600))
    assert result.confirmed and code == 1


def test_a_success_in_between_starts_the_count_again(links, tmp_path):
    cache = tmp_path / "links.json"
    url = links.unique_url("/status/410")
    steps = [(5, "broken", 410), (2, "ok", 200), (1.5, "blocked", 403)]
    save_link_results(cache, [_earlier(url, *steps)])
    result, code, _text, entry = _check(url, cache)
    assert not result.confirmed and code == 0
    assert result.failing_since == result.checked_at  # the old failure does not count
    assert entry["last_ok"].startswith(iso_date(now() - 2 * DAY_S))


def test_confirm_after_zero_confirms_at_once_and_a_fixed_link_is_ok(links, tmp_path):
    cache = tmp_path / "links.json"
    url = links.unique_url("/status/404")
    result, code, _text, _entry = _check(url, cache, replace(QUICK, confirm_after_s=0))
    assert result.confirmed and code == 1
    fixed = links.unique_url("/ok")
    save_link_results(cache, [_earlier(fixed, (2, "broken", 404), (1, "broken", 404))])
    result, code, _text, entry = _check(fixed, cache)
    assert result.verdict == "ok" and code == 0
    assert "failing_since" not in entry and entry["last_ok"] == entry["checked_at"]


def test_the_command_exits_1_only_on_a_confirmed_break(links, tmp_path):
    url = links.unique_url("/status/404")
    catalog = tmp_path / "resources.yml"
    catalog.write_text(catalog_yaml(resource_yaml("gone", url=url)))
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - tdl:\n      linkcheck:\n        retries: 0\n"
    )
    summary, issue = tmp_path / "summary.md", tmp_path / "issue.md"
    issue.write_text("left from an earlier run")
    args = ("linkcheck", "--catalog", str(catalog), "--no-cache", "--format", "github")
    args += ("--summary", str(summary), "--issue", str(issue))
    first = run_cli(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "::warning " in first.stdout and "not yet confirmed" in first.stdout
    assert "::error " not in first.stdout
    assert "### Failing, not yet confirmed (1)" in summary.read_text()
    assert not issue.exists()  # nothing confirmed: no issue to open (or one to close)
    # The first failure happened two days ago: now it is confirmed.
    cache = tmp_path / ".cache" / "tdl" / "links.json"
    data = json.loads(cache.read_text())
    for entry in data["results"]:
        entry["history"] = [[at - 2 * DAY_S, v, s] for at, v, s in entry["history"]]
    cache.write_text(json.dumps(data))
    second = run_cli(*args, cwd=tmp_path)
    assert second.returncode == 1, second.stderr
    assert "::error " in second.stdout and "(gone)" in second.stdout
    body = issue.read_text()
    assert url in body and "resources.yml:" in body and "(gone)" in body
    assert "never seen working" in body  # when it last worked
    assert "### Broken (confirmed) (1)" in summary.read_text()
    # A shorter confirmation from the settings file: confirmed at once.
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - tdl:\n      linkcheck:\n        confirm_after: 0\n"
    )
    fresh = links.unique_url("/status/404")
    catalog.write_text(catalog_yaml(resource_yaml("gone", url=fresh)))
    assert run_cli(*args, cwd=tmp_path).returncode == 1


def test_the_health_page_shows_failing_since_and_last_worked():
    at = now()
    flapping = LinkResult(
        "https://example.org/flaky",
        "timeout",
        None,
        "no answer within the timeout",
        checked_at=at,
        sources=[Source("resources.yml", 7, "flaky")],
        history=[(at - 3 * DAY_S, "ok", 200), (at - 0.2 * DAY_S, "timeout", None)],
        confirmed=False,
    )
    broken = LinkResult("https://example.org/gone", "broken", 404, "404 Not Found", checked_at=at)
    page = render_link_health_markdown([flapping, broken])
    assert "## Failing, not yet confirmed (1)" in page and "## Broken (1)" in page
    since = iso_date(at - 0.2 * DAY_S)
    assert f"timeout: no answer within the timeout; failing since {since}" in page
    assert iso_date(at - 3 * DAY_S) in page  # last worked
    assert "never seen working" in page  # the broken link never answered
    assert "Last worked" in page
    assert page.index("Failing, not yet confirmed") < page.index("## Broken")
