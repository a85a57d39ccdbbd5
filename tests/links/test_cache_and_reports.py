"""The verdict cache, the reports, and the command line as maintainers and CI use it."""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import markdown

from build_tools.links.cache import save_link_results
from build_tools.links.model import LinkResult, Source
from build_tools.links.pipeline import load_link_results, render_link_health_markdown
from tests.conftest import catalog_yaml, resource_yaml, run_cli
from tests.links.conftest import FAST, path_of, run_check

# -- cache -----------------------------------------------------------------------------------


def test_second_run_within_the_ttl_sends_no_request(links, tmp_path):
    cache = tmp_path / "links.json"
    urls = [links.unique_url("/ok"), links.unique_url("/status/404")]
    first, before = run_check(urls, cache_path=cache)
    assert first.requests == 2
    second, after = run_check(urls, cache_path=cache)
    assert second.requests == 0 and second.from_cache == 2
    assert {u: r.verdict for u, r in after.items()} == {u: r.verdict for u, r in before.items()}
    assert sum(links.hits.values()) == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_expired_entries_are_checked_again(links, tmp_path):
    cache = tmp_path / "links.json"
    url = links.unique_url("/ok")
    run_check([url], cache_path=cache)
    checked, _ = run_check([url], replace(FAST, cache_ttl_hours=0), cache_path=cache)
    assert checked.requests == 1


def test_a_cached_verdict_without_the_fragment_check_is_not_reused_for_one(links, tmp_path):
    cache = tmp_path / "links.json"
    url = links.unique_url("/ok") + "#missing"
    run_check([url], cache_path=cache)
    checked, results = run_check(
        [url], replace(FAST, check_external_fragments=True), cache_path=cache
    )
    assert checked.requests == 1 and results[url].verdict == "broken"


def test_a_damaged_cache_is_ignored_and_replaced(links, tmp_path):
    cache = tmp_path / "links.json"
    cache.write_text("{not json")
    url = links.unique_url("/ok")
    checked, _ = run_check([url], cache_path=cache)
    assert checked.requests == 1
    assert load_link_results(cache)[url].verdict == "ok"


def test_load_link_results_gives_verdict_and_check_date(links, tmp_path):
    cache = tmp_path / "links.json"
    target = links.unique_url("/ok")
    url = links.url("/redirect/301" + path_of(target))
    run_check([url], cache_path=cache)
    result = load_link_results(cache)[url]
    assert result.verdict == "redirect" and result.final_url == target
    assert len(result.checked_date) == 10 and result.checked_date[4] == "-"
    assert result.sources == [Source("pages.md", 1)]
    assert load_link_results(tmp_path / "absent.json") == {}


# -- reports ---------------------------------------------------------------------------------


def test_link_health_page_escapes_everything():
    hostile = LinkResult(
        "https://example.org/a|b?<script>alert(1)</script>",
        "broken",
        404,
        "Not *Found* <b>",
        checked_at=0,
        sources=[Source("resources.yml", 7, "some-id")],
    )
    page = render_link_health_markdown({hostile.url: hostile})
    html = markdown.markdown(page, extensions=["tables"])
    assert "<script>" not in html and "<b>" not in html and "<em>" not in html
    assert "&lt;script&gt;" in html
    assert "<h1>Link health</h1>" in html and "<h2>Broken (1)</h2>" in html
    assert html.count("<tr>") == 2  # the header and one row: the pipe did not split the cell
    assert "resources.yml:7 (some-id)" in html and "1970-01-01" in html


def test_link_health_page_without_results():
    assert "No link check has run yet" in render_link_health_markdown({})


# -- command line ----------------------------------------------------------------------------


def test_catalog_check_reports_sources_json_and_annotations(links, tmp_path):
    good, bad = links.unique_url("/ok"), links.unique_url("/status/404")
    catalog = tmp_path / "resources.yml"
    catalog.write_text(
        catalog_yaml(resource_yaml("good-one", url=good), resource_yaml("bad-one", url=bad))
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - tdl:\n      linkcheck:\n        retries: 0\n"
    )
    report = tmp_path / "out" / "links.json"
    result = run_cli(
        "linkcheck",
        "--catalog",
        str(catalog),
        "--json",
        str(report),
        "--format",
        "github",
        "--confirm-after",
        "0",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert f"::error file={catalog},line=" in result.stdout and bad in result.stdout
    assert "(bad-one)" in result.stdout  # the terminal summary names the catalog entry
    entries = {e["url"]: e for e in json.loads(report.read_text())}
    assert entries[bad]["verdict"] == "broken" and entries[bad]["status"] == 404
    assert entries[good]["verdict"] == "ok"
    assert entries[bad]["sources"][0].startswith(f"{catalog}:")
    assert set(entries[good]) >= {"url", "verdict", "status", "detail", "sources"}
    assert (tmp_path / ".cache" / "tdl" / "links.json").is_file()


def test_settings_come_from_mkdocs_yml_and_flags_override_them(links, tmp_path):
    url = links.unique_url("/ratelimit/0/100/ok")
    skipped = links.unique_url("/status/200")
    catalog = tmp_path / "resources.yml"
    catalog.write_text(catalog_yaml(resource_yaml("a", url=url), resource_yaml("b", url=skipped)))
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - tdl:\n      linkcheck:\n"
        "        retries: 5\n        retry_wait_s: 0.01\n        exclude: ['/status/']\n"
    )
    result = run_cli(
        "linkcheck", "--catalog", str(catalog), "--retries", "1", "--no-cache", cwd=tmp_path
    )
    assert result.returncode == 0  # still rate-limited after the retry: not a failure
    assert "1 rate-limited" in result.stdout
    assert links.hits[path_of(url)] == 2  # the flag's one retry, not the file's five
    assert links.hits[path_of(skipped)] == 0
    assert "1 skipped" in result.stdout


def test_the_request_method_comes_from_mkdocs_yml_and_the_flag_overrides_it(links, tmp_path):
    catalog = tmp_path / "resources.yml"
    url = links.unique_url("/ok")
    catalog.write_text(catalog_yaml(resource_yaml("a", url=url)))
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - tdl:\n      linkcheck:\n        method: head\n"
    )
    check = ["linkcheck", "--catalog", str(catalog), "--no-cache"]
    assert run_cli(*check, cwd=tmp_path).returncode == 0
    assert links.methods[("HEAD", path_of(url))] == 1
    assert run_cli(*check, "--method", "get", cwd=tmp_path).returncode == 0
    assert links.methods[("GET", path_of(url))] == 1 and links.hits[path_of(url)] == 2


def test_bad_input_gets_a_message_and_exit_2_never_a_traceback(tmp_path, write_catalog):
    cases = [
        (["--site", str(tmp_path / "nowhere")], "no such site folder"),
        (["--catalog", str(tmp_path / "none.yml")], "no such catalog file"),
        (["--catalog", str(write_catalog("resources: 3\n")), "--timeout", "0"], "--timeout"),
        (["--catalog", str(write_catalog("stages: []\n"))], "resources"),
    ]
    for args, message in cases:
        result = run_cli("linkcheck", *args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "mkdocs.yml").write_text(
        "plugins:\n  - tdl:\n      linkcheck:\n        exclude: ['(']\n"
    )
    result = run_cli("linkcheck", cwd=tmp_path)
    assert result.returncode == 2 and "bad pattern" in result.stderr
    assert "Traceback" not in result.stderr
    (tmp_path / "mkdocs.yml").write_text(
        "plugins:\n  - tdl:\n      linkcheck:\n        method: post\n"
    )
    result = run_cli("linkcheck", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "tdl.linkcheck.method: 'post' is not one of get, head" in result.stderr


def test_runs_saving_at_once_keep_each_others_verdicts(tmp_path):
    cache = tmp_path / "links.json"

    def save(prefix: str) -> None:
        for n in range(10):
            result = LinkResult(f"https://{prefix}.example/{n}", "ok", 200, checked_at=1.0)
            save_link_results(cache, [result])

    threads = [threading.Thread(target=save, args=(p,)) for p in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(load_link_results(cache)) == 30
