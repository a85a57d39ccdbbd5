"""The link checker as a pipeline: ``collect`` → ``check`` → ``report``, each a plain function.

``collect`` gathers links (catalog URLs with their ``resources.yml`` lines, every link of a
built site with its page and line); ``check`` gives each a :class:`LinkResult` — internal
links offline against the site's files, external ones over HTTP unless the run is offline,
reusing cached verdicts younger than the TTL, and records each verdict in the URL's history,
from which a failure is confirmed (failed in two checks ``confirm_after_s`` apart) or only
"failing since"; ``report`` prints them, writes the JSON report and returns the exit code,
1 only for confirmed failures. Each stage takes and returns plain values, so any one of them can
be replaced (a different collector, a different reporter) without touching the others.

The catalog page and the "Link health" page use :func:`load_link_results` and
:func:`render_link_health_markdown`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from build_tools.links.cache import (
    DEFAULT_CACHE,
    fresh_results,
    load_link_results,
    save_link_results,
    with_history,
    write_atomically,
)
from build_tools.links.collect import collect_catalog, merge
from build_tools.links.model import (
    BROKEN,
    OK,
    REDIRECT,
    SKIPPED,
    CheckSettings,
    HostStats,
    Link,
    LinkResult,
    now,
)
from build_tools.links.report import (
    counts_line,
    host_stats_json,
    host_stats_text,
    issue_markdown,
    job_summary_markdown,
    json_text,
    problems,
    render_link_health_markdown,
    summary_text,
)
from build_tools.links.site import SiteScan, check_internal, fragment_found, scan_site
from build_tools.links.urls import host_of
from build_tools.problems import format_problems

__all__ = [
    "Collection",
    "Checked",
    "collect",
    "check",
    "report",
    "load_link_results",
    "render_link_health_markdown",
]


@dataclass
class Collection:
    """What the collect stage found: links to check, links only recorded, the site's anchors."""

    links: dict[str, Link] = field(default_factory=dict)
    not_http: dict[str, Link] = field(default_factory=dict)
    site: SiteScan | None = None


@dataclass
class Checked:
    """The check stage's result: one verdict per link, and what it cost (per host too)."""

    results: list[LinkResult]
    requests: int = 0
    from_cache: int = 0
    hosts: list[HostStats] = field(default_factory=list)


def collect(
    catalog: str | Path | None = None,
    site: str | Path | None = None,
    site_url: str | None = None,
) -> Collection:
    """Links of the catalog and/or the built site; raises CatalogError for a bad catalog."""
    tables = []
    collection = Collection()
    if catalog is not None:
        tables.append(collect_catalog(catalog, str(catalog)))
    if site is not None:
        collection.site = scan_site(site, site_url)
        tables.append(collection.site.links)
        collection.not_http = collection.site.skipped
    collection.links = merge(*tables)
    return collection


def _wants_fragment(url: str, settings: CheckSettings) -> bool:
    return settings.check_external_fragments and bool(url.partition("#")[2])


def check(
    collection: Collection,
    settings: CheckSettings,
    *,
    offline: bool = False,
    cache_path: str | Path | None = DEFAULT_CACHE,
    use_cache: bool = True,
) -> Checked:
    """A verdict for every collected link; external verdicts are cached in ``cache_path``."""
    results: list[LinkResult] = []
    for link in collection.not_http.values():
        scheme = link.url.partition(":")[0]
        results.append(LinkResult(link.url, SKIPPED, detail=f"{scheme}: links are not checked"))
    excluded = [re.compile(p) for p in settings.exclude]
    by_host = {rule.host: [re.compile(p) for p in rule.exclude] for rule in settings.host_rules}
    # Every cached entry, however old, carries the URL's history; only fresh ones are reused.
    known = load_link_results(cache_path) if cache_path else {}
    cached = fresh_results(known, settings.cache_ttl_hours) if use_cache else {}
    pending: list[Link] = []
    from_cache = 0
    hosts: dict[str, HostStats] = {}
    for link in collection.links.values():
        if link.internal:
            results.append(check_internal(collection.site, link))
            continue
        rule = settings.rule_for(host_of(link.url))
        patterns = excluded + (by_host[rule.host] if rule else [])
        pattern = next((p.pattern for p in patterns if p.search(link.url)), None)
        hit = cached.get(link.url)
        if pattern:
            result = LinkResult(link.url, SKIPPED, detail=f"excluded by '{pattern}'")
        elif offline:
            result = LinkResult(link.url, SKIPPED, detail="offline run")
        elif hit and (hit.fragment_checked or not _wants_fragment(link.url, settings)):
            result = hit
            from_cache += 1
            host = host_of(link.url)
            hosts.setdefault(host, HostStats(host)).from_cache += 1
        else:
            pending.append(link)
            continue
        result = result.with_sources(link.sources)
        result.confirm(settings.confirm_after_s)  # the setting may differ from the cached run's
        results.append(result)
    fetched, requests, gates = _check_external(pending, settings)
    for result in fetched:
        with_history(result, known.get(result.url)).confirm(settings.confirm_after_s)
    for stats in gates:
        stats.from_cache = hosts.pop(stats.host, stats).from_cache
    if cache_path and fetched:
        save_link_results(cache_path, fetched)
    results += fetched
    results.sort(key=lambda r: r.url)
    hosts_seen = sorted([*gates, *hosts.values()], key=lambda h: h.host)
    return Checked(results, requests, from_cache, hosts_seen)


def _check_external(
    links: list[Link], settings: CheckSettings
) -> tuple[list[LinkResult], int, list[HostStats]]:
    """Fetch each distinct URL (fragment removed) once, then judge each link's fragment."""
    if not links:
        return [], 0, []
    # Imported here: runs that fetch nothing (offline, all cached) skip the HTTP machinery.
    from build_tools.links.http import run

    wants: dict[str, bool] = {}
    for link in links:
        base = link.url.partition("#")[0]
        wants[base] = wants.get(base, False) or _wants_fragment(link.url, settings)
    hosts = {host_of(base) for base in wants} - {""}
    print(f"checking {len(wants)} URLs on {len(hosts)} hosts ...", file=sys.stderr)
    fetches, requests, gates = run(_fetch_all(wants, settings))
    checked_at = now()
    results = []
    for link in links:
        base, _, fragment = link.url.partition("#")
        fetch = fetches[base]
        result = LinkResult(
            link.url,
            fetch.verdict,
            fetch.status,
            fetch.detail,
            fetch.final_url,
            checked_at,
            sorted(link.sources),
            fragment_checked=fetch.anchors is not None,
        )
        if (
            _wants_fragment(link.url, settings)
            and fetch.verdict in (OK, REDIRECT)
            and fetch.anchors is not None
            and not fragment_found(fragment, fetch.anchors)
        ):
            result.verdict = BROKEN
            result.detail = f"the page has no element with id '{unquote(fragment)}'"
        results.append(result)
    return results, requests, gates


async def _fetch_all(wants: dict[str, bool], settings: CheckSettings):
    import asyncio

    from build_tools.links.http import HttpChecker

    async with HttpChecker(settings) as checker:
        fetches = await asyncio.gather(*(checker.fetch(url, w) for url, w in wants.items()))
    stats = [gate.stats for gate in checker.gates.values() if gate.stats.host]
    return dict(zip(wants, fetches, strict=True)), checker.requests, stats


def report(
    checked: Checked,
    settings: CheckSettings,
    *,
    fmt: str = "text",
    json_path: str | Path | None = None,
    stream=None,
    host_stats: bool = False,
    host_stats_path: str | Path | None = None,
    summary_path: str | Path | None = None,
    issue_path: str | Path | None = None,
) -> int:
    """Print the summary (and CI annotations), write the JSON reports; 1 when a link fails
    and its failure is confirmed.

    ``host_stats`` adds the per-host table to the terminal summary; ``host_stats_path``
    writes the same figures as JSON (the links report keeps its documented shape).
    ``summary_path`` gets a Markdown summary for a CI job; ``issue_path`` the body of an
    issue listing the confirmed breaks, or is removed when there are none.
    """
    stream = stream or sys.stdout
    results = checked.results
    if json_path:
        write_atomically(Path(json_path), json_text(results))
    if host_stats_path:
        write_atomically(Path(host_stats_path), host_stats_json(checked.hosts))
    if summary_path:
        write_atomically(Path(summary_path), job_summary_markdown(results, settings.fail_on))
    if issue_path:
        body = issue_markdown(results, settings.fail_on)
        if body:
            write_atomically(Path(issue_path), body)
        else:
            Path(issue_path).unlink(missing_ok=True)
    if fmt == "github":
        annotations = format_problems(problems(results, settings.fail_on), "github")
        if annotations:
            print(annotations, file=stream)
    summary = summary_text(results)
    if summary:
        print(summary, file=stream)
    if host_stats and checked.hosts:
        print(host_stats_text(checked.hosts), file=stream)
    cost = f"{checked.requests} requests, {checked.from_cache} from cache"
    print(f"linkcheck: {counts_line(results)} ({cost})", file=stream)
    return 1 if any(r.verdict in settings.fail_on and r.confirmed for r in results) else 0
