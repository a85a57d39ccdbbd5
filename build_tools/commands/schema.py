"""``schema``: print the catalog JSON Schema (committed as resources.schema.json)."""

from __future__ import annotations

import sys

from build_tools.catalog.model import json_schema_text

HELP = "print the catalog JSON Schema"


def add_arguments(parser) -> None:
    parser.add_argument("--output", "-o", help="write to this file instead of standard output")


def run(args) -> int:
    text = json_schema_text()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0
