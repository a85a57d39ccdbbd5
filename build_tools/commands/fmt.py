"""``fmt``: rewrite resources.yml in its canonical form, or (``--check``) show the diff."""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
from pathlib import Path

from build_tools.catalog.format import format_text
from build_tools.catalog.model import CatalogError
from build_tools.catalog.yamlsource import YamlSourceError, load_file
from build_tools.commands.options import add_catalog_argument
from build_tools.problems import Problem, add_format_argument, print_problems

HELP = "format resources.yml canonically"


def add_arguments(parser) -> None:
    add_catalog_argument(parser)
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 and print a unified diff when the file is not formatted",
    )
    add_format_argument(parser)


def _read(path: str) -> str:
    # load_file reports a missing, unreadable, oversized or non-UTF-8 file as a Problem.
    load_file(path)
    raw = Path(path).read_bytes()
    return raw.decode("utf-8-sig")


def _write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, so an interrupted run never leaves half a catalog."""
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="\n", dir=path.parent, prefix=f".{path.name}.", delete=False
    )
    try:
        with handle:
            handle.write(text)
        if path.exists():
            os.chmod(handle.name, path.stat().st_mode & 0o777)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _first_difference(old: str, new: str) -> int:
    for number, (a, b) in enumerate(zip(old.splitlines(), new.splitlines(), strict=False), start=1):
        if a != b:
            return number
    return min(len(old.splitlines()), len(new.splitlines())) + 1


def run(args) -> int:
    path = args.catalog
    try:
        original = _read(path)
        formatted = format_text(original, path)
    except (CatalogError, YamlSourceError) as exc:
        print_problems(exc.problems, args.format)
        print(f"{path}: not formatted: fix the problems above first", file=sys.stderr)
        return 1
    if formatted == original:
        print(f"{path}: already formatted")
        return 0
    if args.check:
        diff = difflib.unified_diff(
            original.splitlines(keepends=True),
            formatted.splitlines(keepends=True),
            fromfile=path,
            tofile=f"{path} (formatted)",
        )
        sys.stdout.writelines(diff)
        line = _first_difference(original, formatted)
        message = "not canonically formatted; run `python -m build_tools fmt` (diff above)"
        print_problems([Problem(path, line, 1, message)], args.format)
        return 1
    _write_atomically(Path(path), formatted)
    print(f"{path}: formatted")
    return 0
