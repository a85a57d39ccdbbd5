"""Command-line interface: ``python -m build_tools COMMAND`` (also installed as ``tdl``).

Each command lives in ``build_tools/commands/<name>.py`` with ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``; modules are imported only when their
command runs, so ``--help`` and quick commands stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "check": "validate the catalog and the lessons' front matter",
    "schema": "print the catalog JSON Schema",
    "execute": "execute lessons into the cache and write the execution report",
    "sweep": "run every lesson under many seeds and kernel paths; show each claim's margin",
    "prepare": "write the generated source tree (validate, execute lessons, render pages)",
    "build": "build the site with MkDocs or Zensical",
    "linkcheck": "check catalog URLs and every link in a built site",
    "fmt": "format resources.yml canonically",
    "new-lesson": "create a lesson from the template",
    "doctor": "report the environment and what would re-execute",
    "stats": "catalog and lesson statistics",
}


def _module(name: str):
    return importlib.import_module(f"build_tools.commands.{name.replace('-', '_')}")


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m build_tools",
        description="Top-Down Deep Learning: build, check and maintain the curriculum site.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, summary in COMMANDS.items():
        command = sub.add_parser(name, help=summary, description=summary)
        if name == chosen:
            _module(name).add_arguments(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return int(_module(args.command).run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
