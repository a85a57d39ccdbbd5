"""``prepare``: validate, execute (cached) and write the generated tree any engine renders.

Prints one line per lesson and a summary; exit 1 with every problem as
``PATH:LINE:COL: message`` (a failing lesson names its cell), 2 for a bad configuration.
"""

from __future__ import annotations

import os
import sys

from build_tools.problems import add_format_argument, default_format, print_problems

HELP = "write the generated source tree (validate, execute lessons, render pages)"


def add_arguments(parser) -> None:
    parser.add_argument("--config", default="mkdocs.yml", help="the project's mkdocs.yml")
    parser.add_argument("--jobs", type=int, default=None, help="kernels at once (default: cores)")
    parser.add_argument("--force", action="store_true", help="re-execute even when cached")
    parser.add_argument(
        "--tree", metavar="DIR", help="write the generated tree here (default: generated_dir)"
    )
    add_format_argument(parser)


def prepare_from_args(args, site_dir: str | None = None, site_url: str | None = None):
    """The prepared project, or an exit status after printing why it failed; ``site_dir``
    and ``site_url`` replace the project's own."""
    import dataclasses

    from build_tools.lessons.progress import TerminalProgress
    from build_tools.prepare import PrepareError, prepare
    from build_tools.settings import TREE_ENV, SettingsError, load_project

    fmt = args.format or default_format()
    if args.jobs is not None and args.jobs < 1:
        print("error: --jobs must be at least 1", file=sys.stderr)
        return 2
    if args.tree:
        os.environ[TREE_ENV] = args.tree  # read with the settings, by every engine
    try:
        project = load_project(args.config)
        changes = {k: v for k, v in {"site_dir": site_dir, "site_url": site_url}.items() if v}
        if changes:
            site = dataclasses.replace(project.site, **changes)
            project = dataclasses.replace(project, site=site)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        prepared = prepare(
            project, progress=TerminalProgress(show_cached=True), jobs=args.jobs, force=args.force
        )
    except PrepareError as exc:
        if exc.problems:
            print_problems(exc.problems, fmt)
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    for problem in prepared.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    print(prepared.summary(), file=sys.stderr)
    return prepared


def run(args) -> int:
    prepared = prepare_from_args(args)
    if isinstance(prepared, int):
        return prepared
    print(f"generated tree: {prepared.tree}")
    return 0
