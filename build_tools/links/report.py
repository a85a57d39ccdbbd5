"""The report stage: terminal summary, CI annotations, JSON report and the "Link health" page.

A failure not yet confirmed (see :meth:`LinkResult.confirm`) is listed apart, as "failing
since DATE", and is only a warning; ``blocked`` and ``rate-limited`` links are listed as
links that could not be checked automatically, never as broken.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable

from build_tools.links.model import (
    BLOCKED,
    OK,
    RATE_LIMITED,
    REDIRECT,
    SKIPPED,
    VERDICTS,
    HostStats,
    LinkResult,
    iso_date,
)
from build_tools.problems import Problem

SOURCES_SHOWN = 5
# Listed one by one in the terminal; the others are only counted there (the JSON has them all).
LISTED = tuple(v for v in VERDICTS if v not in (OK, SKIPPED))
UNCONFIRMED = "failing"  # the group of failures not yet confirmed
HEADINGS = {
    UNCONFIRMED: "Failing, not yet confirmed",
    "broken": "Broken",
    "timeout": "Timed out",
    "error": "Failed",
    "blocked": "Could not be checked automatically",
    "rate-limited": "Rate-limited",
    "redirect": "Moved permanently",
    "skipped": "Skipped",
    "ok": "OK",
}


def counts_line(results: Iterable[LinkResult]) -> str:
    results = list(results)
    counts = Counter(r.verdict for r in results)
    total = sum(counts.values())
    parts = [f"{counts[v]} {v}" for v in VERDICTS if counts[v]]
    waiting = sum(r.unconfirmed for r in results)
    if waiting:
        parts.append(f"{waiting} of the failures not yet confirmed")
    return f"{total} link{'s' if total != 1 else ''}" + (": " + ", ".join(parts) if parts else "")


def _by_verdict(results: Iterable[LinkResult]) -> dict[str, list[LinkResult]]:
    """Results grouped by verdict, unconfirmed failures first in a group of their own."""
    groups: dict[str, list[LinkResult]] = {UNCONFIRMED: [], **{v: [] for v in VERDICTS}}
    for result in sorted(results, key=lambda r: r.url):
        groups[UNCONFIRMED if result.unconfirmed else result.verdict].append(result)
    return groups


def _since(result: LinkResult) -> str:
    return f"failing since {iso_date(result.failing_since)}, not yet confirmed"


def _last_ok(result: LinkResult) -> str:
    return iso_date(result.last_ok) or "never seen working"


def summary_text(results: list[LinkResult]) -> str:
    """Links grouped by verdict, each with what it answered and where it is used."""
    lines: list[str] = []
    groups = _by_verdict(results)
    for verdict in (UNCONFIRMED, *LISTED):
        if not groups[verdict]:
            continue
        name = "failing, not yet confirmed" if verdict == UNCONFIRMED else verdict
        lines.append(f"{name} ({len(groups[verdict])})")
        for result in groups[verdict]:
            target = f" → {result.final_url}" if verdict == REDIRECT and result.final_url else ""
            detail = f" — {result.detail}" if result.detail and verdict != REDIRECT else ""
            if verdict == UNCONFIRMED:
                detail += f" ({result.verdict}, {_since(result)}; last worked: {_last_ok(result)})"
            lines.append(f"  {result.url}{target}{detail}")
            shown = result.sources[:SOURCES_SHOWN]
            lines += [f"      used in {source}" for source in shown]
            if len(result.sources) > len(shown):
                lines.append(f"      ... and {len(result.sources) - len(shown)} more")
    for verdict in (SKIPPED, OK):
        if groups[verdict]:
            lines.append(f"{verdict}: {len(groups[verdict])}")
    return "\n".join(lines)


def problems(results: Iterable[LinkResult], fail_on: Iterable[str]) -> list[Problem]:
    """One problem per failing link and source, for CI annotations: confirmed failures as
    errors, redirects and failures not yet confirmed as warnings."""
    failing = set(fail_on)
    found = []
    for result in results:
        if result.verdict not in failing and result.verdict != REDIRECT:
            continue
        confirmed = result.verdict in failing and result.confirmed
        severity = "error" if confirmed else "warning"
        if result.verdict == REDIRECT:
            message = f"redirect: {result.url} moved permanently to {result.final_url}"
        else:
            message = f"{result.verdict}: {result.url}" + (
                f" ({result.detail})" if result.detail else ""
            )
            if not result.confirmed:
                message += f"; {_since(result)}"
        for source in result.sources:
            found.append(Problem(source.path, source.line or 1, 1, message, severity))
    return found


def json_text(results: Iterable[LinkResult]) -> str:
    """The JSON report: a list of ``{url, verdict, status, detail, sources}`` (+ final_url)."""
    # One entry per line: readable and diffable, and written by json's fast C encoder,
    # which an indented dump would not use.
    entries = [json.dumps(r.to_json()) for r in sorted(results, key=lambda r: r.url)]
    return "[\n" + ",\n".join(entries) + "\n]\n"


HOST_COLUMNS = ("requests", "median ms", "errors", "rate-limited", "waited s", "cached")


def host_stats_text(hosts: Iterable[HostStats]) -> str:
    """The per-host table of the terminal summary: what each host was asked, how it answered."""
    rows = []
    for h in sorted(hosts, key=lambda h: (-h.requests, h.host)):
        median = f"{h.median_ms:.0f}" if h.median_ms is not None else "-"
        figures = (h.requests, median, h.errors, h.rate_limited, f"{h.waited_s:.1f}", h.from_cache)
        rows.append((h.host, *map(str, figures)))
    header = ("host", *HOST_COLUMNS)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]
    return "hosts:\n" + "\n".join(f"  {line}" for line in lines)


def host_stats_json(hosts: Iterable[HostStats]) -> str:
    """The per-host figures as JSON: a list of ``{host, requests, median_ms, errors,
    rate_limited, rate_limit_wait_s, from_cache}``, busiest host first."""
    ordered = sorted(hosts, key=lambda h: (-h.requests, h.host))
    return json.dumps([h.to_json() for h in ordered], indent=1) + "\n"


def _cell(text: object) -> str:
    # Entities keep table pipes and Markdown's emphasis/link characters literal.
    escaped = html.escape(str(text), quote=True)
    for char in "|*_[]`\\":
        escaped = escaped.replace(char, f"&#{ord(char)};")
    return escaped


def _link_cell(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{_cell(url)}">{_cell(url)}</a>'
    return _cell(url)


def render_link_health_markdown(results: dict[str, LinkResult] | Iterable[LinkResult]) -> str:
    """The "Link health" page: counts, then one table per verdict, problems first (failures
    not yet confirmed before all), each link with the date it last worked."""
    values = list(results.values()) if isinstance(results, dict) else list(results)
    lines = ["# Link health", ""]
    if not values:
        lines.append("No link check has run yet: `python -m build_tools linkcheck` records one.")
        return "\n".join(lines) + "\n"
    dates = sorted(r.checked_date for r in values if r.checked_date)
    when = f" Last checked on {dates[-1]}." if dates else ""
    lines += [f"{counts_line(values)}.{when}", ""]
    for verdict, group in _by_verdict(values).items():
        if not group:
            continue
        lines += [f"## {HEADINGS[verdict]} ({len(group)})", ""]
        lines += [
            "| Link | Status | Detail | Used in | Checked | Last worked |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for r in group:
            detail = f"now at {r.final_url}" if verdict == REDIRECT and r.final_url else r.detail
            if verdict == UNCONFIRMED:
                detail = f"{r.verdict}: {detail}; {_since(r)}" if detail else _since(r)
            used = "<br>".join(_cell(s) for s in r.sources[:SOURCES_SHOWN])
            if len(r.sources) > SOURCES_SHOWN:
                used += f"<br>and {len(r.sources) - SOURCES_SHOWN} more"
            status = r.status if r.status is not None else ""
            lines.append(
                f"| {_link_cell(r.url)} | {status} | {_cell(detail)} | {used} | {r.checked_date} "
                f"| {_last_ok(r) if r.checked_at is not None else ''} |"
            )
        lines.append("")
    return "\n".join(lines)


def _problem_rows(results: Iterable[LinkResult], sources: int) -> list[str]:
    """Table rows for links that did not plainly work, listing up to ``sources`` places."""
    rows = []
    for r in sorted(results, key=lambda r: r.url):
        state = r.verdict
        if r.unconfirmed:
            state = f"{r.verdict}, {_since(r)}"
        elif r.failing and r.failing_since is not None:
            state = f"{r.verdict} since {iso_date(r.failing_since)}"
        detail = f"{state}: {r.detail}" if r.detail else state
        used = "<br>".join(_cell(s) for s in r.sources[:sources])
        if len(r.sources) > sources:
            used += f"<br>and {len(r.sources) - sources} more"
        status = r.status if r.status is not None else ""
        rows.append(f"| {_cell(r.url)} | {status} | {_cell(detail)} | {_last_ok(r)} | {used} |")
    return rows


_TABLE_HEAD = [
    "| Link | Status | Verdict | Last worked | Used in |",
    "| --- | --- | --- | --- | --- |",
]


def job_summary_markdown(results: Iterable[LinkResult], fail_on: Iterable[str]) -> str:
    """The CI job summary: the counts, then every link that did not plainly work (confirmed
    breaks first), each with when it last worked and where it is used."""
    results = list(results)
    failing = set(fail_on)
    confirmed = [r for r in results if r.verdict in failing and r.confirmed]
    waiting = [r for r in results if r.verdict in failing and not r.confirmed]
    unchecked = [r for r in results if r.verdict in (BLOCKED, RATE_LIMITED)]
    lines = ["## Link check", "", f"{counts_line(results)}.", ""]
    for title, group in (
        ("Broken (confirmed)", confirmed),
        ("Failing, not yet confirmed", waiting),
        ("Could not be checked automatically", unchecked),
    ):
        if group:
            lines += [f"### {title} ({len(group)})", "", *_TABLE_HEAD]
            lines += _problem_rows(group, SOURCES_SHOWN)
            lines.append("")
    if not (confirmed or waiting or unchecked):
        lines += ["Every link works.", ""]
    return "\n".join(lines)


def issue_markdown(results: Iterable[LinkResult], fail_on: Iterable[str]) -> str:
    """The body of the one issue that lists confirmed breaks ('' when there are none): each
    link with where it is used (every place) and when it last worked."""
    failing = set(fail_on)
    broken = [r for r in results if r.verdict in failing and r.confirmed]
    if not broken:
        return ""
    lines = [
        f"The scheduled link check found {len(broken)} broken link"
        f"{'s' if len(broken) != 1 else ''}: each failed in two checks far enough apart "
        "to rule out a passing outage. Fix or replace each where it is used; this issue "
        "is closed by the first check that finds none.",
        "",
        *_TABLE_HEAD,
        *_problem_rows(broken, sources=1000),
        "",
    ]
    return "\n".join(lines)
