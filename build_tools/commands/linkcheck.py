"""``linkcheck``: check the catalog's URLs and every link of a built site.

Settings come from the ``linkcheck`` section of the ``tdl`` plugin in mkdocs.yml; flags
override them. Exit status: 0 when every link passes, 1 when one fails (by default a
``broken``, ``timeout`` or ``error`` verdict) and the failure is confirmed (it failed in two
checks ``--confirm-after`` apart), 2 when the input itself is unusable.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

from build_tools.links.model import METHODS, VERDICTS, CheckSettings, parse_duration
from build_tools.problems import add_format_argument, default_format, print_problems
from build_tools.settings import SettingsError, load_project

HELP = "check catalog URLs and every link in a built site"

# (flag, settings field, type, smallest allowed value, metavar, help)
LIMITS = [
    ("--max-concurrency", "max_concurrency", int, 1, "N", "requests in flight overall"),
    ("--host-concurrency", "host_concurrency", int, 1, "N", "requests in flight per host"),
    (
        "--host-interval",
        "host_interval_ms",
        float,
        0,
        "MS",
        "milliseconds between requests to a host",
    ),
    ("--timeout", "timeout_s", float, 0.001, "S", "seconds per request, connect to last byte"),
    ("--retries", "retries", int, 0, "N", "retries of a transient failure"),
]


def add_arguments(parser) -> None:
    parser.add_argument(
        "--catalog", metavar="PATH", help="catalog to check (default: the plugin's)"
    )
    parser.add_argument("--site", metavar="DIR", help="built site whose links to check")
    parser.add_argument(
        "--offline", action="store_true", help="check internal links and #fragments only"
    )
    parser.add_argument("--json", metavar="PATH", help="write the JSON report here")
    parser.add_argument(
        "--host-stats", action="store_true", help="show requests, latency and errors per host"
    )
    parser.add_argument(
        "--host-stats-json", metavar="PATH", help="write the per-host figures as JSON here"
    )
    parser.add_argument(
        "--summary", metavar="PATH", help="write a Markdown summary (for a CI job) here"
    )
    parser.add_argument(
        "--issue",
        metavar="PATH",
        help="write the confirmed breaks as an issue body here (removed when there are none)",
    )
    for flag, field, kind, _minimum, metavar, text in LIMITS:
        parser.add_argument(flag, dest=field, type=kind, metavar=metavar, help=text)
    parser.add_argument(
        "--method",
        choices=METHODS,
        help="get: one GET per URL (default); head: HEAD, with GET where a host refuses it",
    )
    parser.add_argument(
        "--confirm-after",
        metavar="DURATION",
        help="a failing link counts as broken once it failed in two checks this far apart "
        "(e.g. 1d, 36h; 0: at once; default 1d)",
    )
    parser.add_argument(
        "--fail-on",
        metavar="VERDICTS",
        help=f"comma-separated verdicts that fail the run (of {', '.join(VERDICTS)}; "
        "default broken,timeout,error)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="ignore cached verdicts (new ones are still saved)"
    )
    parser.add_argument(
        "--config", default="mkdocs.yml", metavar="PATH", help="mkdocs.yml (default: mkdocs.yml)"
    )
    add_format_argument(parser)


class UsageError(Exception):
    """The command cannot run as asked; the message says why."""


def settings_from(section, args) -> CheckSettings:
    """The plugin's ``linkcheck`` settings with the command-line flags applied over them."""
    values = {
        name: getattr(section, name)
        for name in CheckSettings.__dataclass_fields__
        if hasattr(section, name)
    }
    for name in ("exclude", "accept", "fail_on"):
        values[name] = tuple(values[name])
    values["confirm_after_s"] = section.confirm_after
    values["host_rules"] = tuple(section.hosts)
    if getattr(args, "confirm_after", None) is not None:
        try:
            values["confirm_after_s"] = parse_duration(args.confirm_after)
        except ValueError as exc:
            raise UsageError(f"--confirm-after: {exc}") from None
    if getattr(args, "fail_on", None) is not None:
        chosen = tuple(v.strip() for v in args.fail_on.split(",") if v.strip())
        wrong = [v for v in chosen if v not in VERDICTS]
        if wrong:
            raise UsageError(f"--fail-on: {wrong[0]!r} is not one of {', '.join(VERDICTS)}")
        values["fail_on"] = chosen
    for flag, field, _kind, minimum, _metavar, _text in LIMITS:
        given = getattr(args, field, None)
        if given is not None:
            values[field] = given
        if values[field] < minimum:
            raise UsageError(f"{flag} (linkcheck.{field}) must be at least {minimum}")
    if getattr(args, "method", None):
        values["method"] = args.method
    for pattern in values["exclude"]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"linkcheck.exclude: bad pattern {pattern!r}: {exc}") from None
    return replace(CheckSettings(), **values)


def _inputs(args, config) -> tuple[Path | None, Path | None]:
    catalog = Path(args.catalog) if args.catalog else None
    site = Path(args.site) if args.site else None
    if catalog is None and site is None:
        catalog = Path(args.config).parent / config.catalog
    if catalog is not None and not catalog.is_file():
        raise UsageError(f"{catalog}: no such catalog file")
    if site is not None and not site.is_dir():
        raise UsageError(f"{site}: no such site folder (build it with 'mkdocs build')")
    return catalog, site


def run(args) -> int:
    # Imported here, not above: ``--help`` and bad input answer without loading the checker.
    from build_tools.links.pipeline import check, collect, report

    fmt = args.format or default_format()
    try:
        project = load_project(args.config)
        config = project.tdl
        settings = settings_from(config.linkcheck, args)
        catalog, site = _inputs(args, config)
    except (SettingsError, UsageError) as exc:
        print(f"linkcheck: {exc}", file=sys.stderr)
        return 2
    catalog_errors: tuple = ()
    if catalog is not None:  # the pydantic models load only for runs that read a catalog
        from build_tools.catalog.model import CatalogError

        catalog_errors = (CatalogError,)
    try:
        # Links under the site's published URL are internal, not external.
        collection = collect(catalog, site, project.site.site_url if site else None)
    except catalog_errors as exc:
        print_problems(exc.problems, fmt)
        print("linkcheck: fix the catalog first ('python -m build_tools check')", file=sys.stderr)
        return 2
    cache = Path(config.linkcheck.cache)
    checked = check(
        collection, settings, offline=args.offline, cache_path=cache, use_cache=not args.no_cache
    )
    try:
        return report(
            checked,
            settings,
            fmt=fmt,
            json_path=args.json,
            host_stats=args.host_stats,
            host_stats_path=args.host_stats_json,
            summary_path=args.summary,
            issue_path=args.issue,
        )
    except OSError as exc:
        where = exc.filename or args.json
        print(f"linkcheck: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
