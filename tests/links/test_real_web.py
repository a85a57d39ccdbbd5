"""Verdicts for the real web: bot walls, LinkedIn's 999, rate limits, per-host rules.

A real server on loopback plays each wall the way the real ones answer (status, headers,
the first bytes of the page, gzip or chunked); the checker must call them ``blocked``,
never ``broken``, and ask each only once.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from build_tools.links.model import HostRule
from tests.conftest import catalog_yaml, resource_yaml, run_cli
from tests.links.conftest import FAST, path_of, run_check


@pytest.mark.parametrize(
    "kind", ["cloudflare", "cloudflare-page", "cloudflare-big", "akamai", "datadome", "perimeterx"]
)
def test_a_challenge_page_is_blocked_not_broken_and_asked_once(links, kind):
    url = links.unique_url(f"/wall/{kind}")
    checked, results = run_check([url], replace(FAST, retries=2))
    result = results[url]
    assert result.verdict == "blocked", result.detail
    assert "could not be checked automatically" in result.detail
    assert not result.failing
    assert links.hits[path_of(url)] == 1  # a challenge is not retried (503 included)


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_plain_403_or_503_stays_a_failure(links, method):
    forbidden, down = links.unique_url("/status/403"), links.unique_url("/status/503")
    _, results = run_check([forbidden, down], replace(FAST, retries=0, method=method))
    assert results[forbidden].verdict == "broken" and results[forbidden].status == 403
    assert results[down].verdict == "error" and results[down].status == 503


def test_status_999_is_blocked(links):
    url = links.unique_url("/status/999")
    _, results = run_check([url])
    assert results[url].verdict == "blocked" and results[url].status == 999


def test_429_past_the_retry_after_ceiling_is_rate_limited_at_once(links):
    url = links.unique_url("/ratelimit/3600/100/ok")
    _, results = run_check([url], replace(FAST, max_retry_after_s=60))
    result = results[url]
    assert result.verdict == "rate-limited" and result.status == 429
    assert "Retry-After: 3600" in result.detail and "60 s ceiling" in result.detail
    assert links.hits[path_of(url)] == 1


def test_host_rules_accept_exclude_and_send_headers(links, monkeypatch):
    first, second = links.hosts
    accepted = links.unique_url("/status/403", first)
    elsewhere = links.unique_url("/status/403", second)
    excluded = links.unique_url("/private/page", first)
    needs = links.unique_url("/needs/Authorization/Bearer%20s3cret/ok", first)
    agent = links.unique_url("/needs/User-Agent/Mozilla%2F5.0/ok", first)
    monkeypatch.setenv("TDL_TEST_TOKEN", "s3cret")
    rule = HostRule(
        first,
        accept=(403,),
        exclude=("/private/",),
        headers=(("Authorization", "Bearer ${TDL_TEST_TOKEN}"), ("User-Agent", "Mozilla/5.0")),
    )
    settings = replace(FAST, retries=0, host_rules=(rule,))
    _, results = run_check([accepted, elsewhere, excluded, needs, agent], settings)
    assert results[accepted].verdict == "ok"
    assert results[elsewhere].verdict == "broken"  # the rule is the first host's only
    assert results[excluded].verdict == "skipped"
    assert "/private/" in results[excluded].detail
    assert links.hits[path_of(excluded)] == 0
    assert results[needs].verdict == "ok" and results[agent].verdict == "ok"


def test_a_header_naming_an_unset_variable_is_not_sent(links, monkeypatch):
    monkeypatch.delenv("TDL_TEST_TOKEN", raising=False)
    url = links.unique_url("/needs/Authorization/Bearer%20/ok")
    rule = HostRule(links.hosts[0], headers=(("Authorization", "Bearer ${TDL_TEST_TOKEN}"),))
    _, results = run_check([url], replace(FAST, retries=0, host_rules=(rule,)))
    assert results[url].verdict == "broken" and results[url].status == 401


def test_the_command_reads_host_rules_and_never_reports_a_token(links, tmp_path):
    host = links.hosts[0]
    secret = "tok-7f3a9c"
    walled = links.unique_url("/wall/cloudflare")
    needs = links.unique_url(f"/needs/Authorization/Bearer%20{secret}/status/404")
    catalog = tmp_path / "resources.yml"
    catalog.write_text(catalog_yaml(resource_yaml("a", url=walled), resource_yaml("b", url=needs)))
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - tdl:\n      linkcheck:\n        retries: 0\n"
        f"        hosts:\n          {host}:\n            headers:\n"
        "              Authorization: Bearer ${TDL_TEST_TOKEN}\n"
    )
    report = tmp_path / "links.json"
    env = {"TDL_TEST_TOKEN": secret}
    args = ["--catalog", str(catalog), "--json", str(report), "--confirm-after", "0"]
    result = run_cli("linkcheck", *args, "--format", "github", cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr  # the 404 behind the token, confirmed
    entries = {e["url"]: e for e in json.loads(report.read_text())}
    assert entries[walled]["verdict"] == "blocked"
    assert entries[needs]["verdict"] == "broken" and entries[needs]["status"] == 404
    assert "could not be checked automatically" in result.stdout
    written = result.stdout + result.stderr + report.read_text()
    written += (tmp_path / ".cache" / "tdl" / "links.json").read_text()
    # The token shows only inside the test's URL (escaped once more in annotations).
    assert not re.search(f"(?<!Bearer%20)(?<!Bearer%2520){secret}", written)
    assert secret in written  # the URL itself is reported


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("hosts: [a]", "expected a mapping of host names"),
        ("hosts: {example.org: {accept: [x]}}", "hosts.example.org.accept[0]"),
        ("hosts: {example.org: {retries: 1}}", "hosts.example.org.retries: unknown setting"),
        ("hosts: {example.org: {exclude: ['(']}}", "bad pattern"),
        ('hosts: {example.org: {headers: {"X-A": "a\\r\\nX-B: b"}}}', "one line of text"),
        ("confirm_after: soon", "'soon' is not a duration"),
    ],
)
def test_bad_rules_are_named_with_their_place(tmp_path, section, message):
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: T\nplugins:\n  - tdl:\n      linkcheck:\n        {section}\n"
    )
    (tmp_path / "resources.yml").write_text(catalog_yaml())
    result = run_cli("linkcheck", "--offline", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_bad_flags_are_named(tmp_path):
    (tmp_path / "resources.yml").write_text(catalog_yaml())
    result = run_cli("linkcheck", "--offline", "--confirm-after", "1 fortnight", cwd=tmp_path)
    assert result.returncode == 2 and "--confirm-after" in result.stderr
    result = run_cli("linkcheck", "--offline", "--fail-on", "broken,gone", cwd=tmp_path)
    assert result.returncode == 2 and "'gone' is not one of" in result.stderr
