"""Command-line options that several commands share, defined once so they read the same."""

from __future__ import annotations

DEFAULT_CATALOG = "resources.yml"
DEFAULT_LESSONS = "docs/lessons"


def add_catalog_argument(parser) -> None:
    """``--catalog PATH``: the catalog file, resources.yml by default."""
    parser.add_argument(
        "--catalog", default=DEFAULT_CATALOG, help=f"catalog file (default: {DEFAULT_CATALOG})"
    )
