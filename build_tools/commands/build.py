"""``build --engine mkdocs|properdocs|zensical``: build the site with any engine, strictly.

``mkdocs`` runs ``mkdocs build --strict`` and ``properdocs`` the same build with ProperDocs
(the ``tdl`` plugin prepares the tree inside either); ``zensical`` prepares the tree, then
lets Zensical render it. All three leave the last good ``site/`` in place when anything
fails.
"""

from __future__ import annotations

import os
import sys

from build_tools.commands.prepare import add_arguments as add_prepare_arguments

HELP = "build the site with MkDocs, ProperDocs or Zensical"
ENGINES = ("mkdocs", "properdocs", "zensical")
# The engines that run the tdl plugin themselves, preparing the tree inside their build.
PLUGIN_ENGINES = ("mkdocs", "properdocs")


def add_arguments(parser) -> None:
    parser.add_argument("--engine", choices=ENGINES, default="mkdocs", help="default: mkdocs")
    parser.add_argument(
        "--no-strict", action="store_true", help="do not treat the engine's warnings as errors"
    )
    parser.add_argument("--site-dir", help="build into this folder (default: site_dir)")
    parser.add_argument("--site-url", help="publish for this address (default: site_url)")
    add_prepare_arguments(parser)


def _plugin_build(args) -> int:
    options = dict(strict=not args.no_strict, site_dir=args.site_dir, site_url=args.site_url)
    if args.engine == "mkdocs":
        from build_tools.engines.mkdocs_plugin import build_site

        return build_site(args.config, **options)
    from build_tools.engines.properdocs_build import EngineError, build_site

    try:
        return build_site(args.config, **options)
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def run(args) -> int:
    if args.engine in PLUGIN_ENGINES:
        if args.tree:
            from build_tools.settings import TREE_ENV

            os.environ[TREE_ENV] = args.tree  # the plugin reads it with its settings
        if args.jobs is not None or args.force:
            print(
                f"error: --jobs and --force apply to --engine zensical; for {args.engine} use "
                "'python -m build_tools execute' first",
                file=sys.stderr,
            )
            return 2
        return _plugin_build(args)
    from build_tools.commands.prepare import prepare_from_args
    from build_tools.engines.zensical_build import EngineError, build

    prepared = prepare_from_args(args, site_dir=args.site_dir, site_url=args.site_url)
    if isinstance(prepared, int):
        return prepared
    if prepared.warnings:
        from build_tools.problems import default_format, print_problems

        print_problems(prepared.warnings, args.format or default_format())
        if not args.no_strict:
            print(
                f"error: {len(prepared.warnings)} warning(s) in strict mode; the site was "
                "left as it was",
                file=sys.stderr,
            )
            return 1
    try:
        built = build(prepared, strict=not args.no_strict)
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"zensical: {built.pages} pages in {built.seconds:.1f} s -> {built.site}", file=sys.stderr
    )
    return 0
