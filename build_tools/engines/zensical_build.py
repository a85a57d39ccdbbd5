"""The Zensical build: Zensical renders the tree the core prepared.

Zensical reads the MkDocs configuration format but runs no MkDocs plugins, so the core
does everything the ``tdl`` plugin does under MkDocs before Zensical starts
(:func:`build_tools.prepare.prepare`) and writes ``generated/mkdocs.yml``, which inherits
the project's mkdocs.yml and points Zensical at the generated tree. Zensical builds into
``generated/site``; the result is squeezed like MkDocs pages and then swapped in for the
project's ``site/`` in one rename, so a failed build leaves the last good site in place.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from build_tools.lessons.page_parts import squeeze_whitespace
from build_tools.prepare import Prepared
from build_tools.site.publish import staging_folder, swap_in

PIN = "0.0.73"


class EngineError(Exception):
    """Zensical is missing or reported a failed build."""


@dataclass(frozen=True)
class Built:
    site: Path
    pages: int
    seconds: float


def available() -> str | None:
    """Zensical's version when it is installed, else None."""
    try:
        import zensical
    except ImportError:
        return None
    return zensical.version()


def _squeeze(site: Path) -> int:
    count = 0
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        path.write_text(squeeze_whitespace(text), encoding="utf-8")
        count += 1
    return count


def build(prepared: Prepared, strict: bool = True) -> Built:
    """Render the prepared tree with Zensical and publish it as the project's site."""
    if available() is None:
        raise EngineError(
            f"Zensical is not installed: pip install 'top-down-deep-learning[zensical]' "
            f"(zensical=={PIN})"
        )
    import zensical

    started = time.monotonic()
    output = prepared.tree / "site"
    shutil.rmtree(output, ignore_errors=True)
    try:
        zensical.build(str(prepared.config_file.resolve()), {"clean": False, "strict": strict})
    except Exception as exc:  # Zensical reports every failure as an exception with a message
        shutil.rmtree(output, ignore_errors=True)
        raise EngineError(f"zensical build failed: {exc}") from None
    if not (output / "index.html").is_file():
        raise EngineError(f"zensical build wrote no site to {output}")
    pages = _squeeze(output)
    final = prepared.project.root / prepared.project.site.site_dir
    staging = staging_folder(final)
    try:
        os.rmdir(staging)
        os.rename(output, staging)  # the project's folders: one file system, one rename
    except OSError:  # a site folder on another file system: copy it there first
        shutil.copytree(output, staging, dirs_exist_ok=True)
        shutil.rmtree(output, ignore_errors=True)
    swap_in(staging, final)
    return Built(final, pages, time.monotonic() - started)
