"""The generated source tree: every page and file of the site, as plain files any engine reads.

``generated/docs/`` holds the hand-written pages (copied from ``docs/``), the generated
pages (home, stages, catalog, review, reports), each lesson rendered to Markdown with its
images and downloads, redirects from renamed lessons' old addresses, and the reader's
assets. Beside it, ``generated/mkdocs.yml`` is the configuration an engine that runs no
plugins needs (it inherits the project's mkdocs.yml), and ``generated/manifest.json``
lists what the tree holds.

Writing is a sync: a file whose content is unchanged is not touched (so watchers and
engines' own caches see no change), copies keep their source's modification time, and
files no longer produced are removed.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.lessons.cache import atomic_write

DOCS = "docs"
CONFIG = "mkdocs.yml"
MANIFEST = "manifest.json"
OVERRIDES = "overrides"
# Folders of the tree an engine's own build may write into; a sync leaves them alone.
KEEP = {".cache", "site"}


@dataclass
class TreeStats:
    """What one sync did."""

    written: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class TreeWriter:
    """Collects a tree's files, then writes them in one :meth:`sync`."""

    root: Path
    files: dict[str, bytes | Path] = field(default_factory=dict)

    def add(self, rel: str, content: bytes | str | Path) -> None:
        """A file at ``rel`` under the tree's root: bytes, text, or a file to copy."""
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.files[rel] = content

    def sync(self) -> TreeStats:
        stats = TreeStats()
        for rel, content in self.files.items():
            target = self.root / rel
            if isinstance(content, Path):
                changed = _copy(content, target)
            else:
                changed = atomic_write(target, content)
            if changed:
                stats.written += 1
            else:
                stats.unchanged += 1
        stats.removed = _remove_stale(self.root, set(self.files))
        return stats


def _copy(source: Path, target: Path) -> bool:
    try:
        there, here = target.stat(), source.stat()
        if there.st_size == here.st_size and there.st_mtime_ns == here.st_mtime_ns:
            return False
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.name}.copy")
    shutil.copy2(source, scratch)
    os.replace(scratch, target)
    return True


def _remove_stale(root: Path, wanted: set[str]) -> int:
    if not root.is_dir():
        return 0
    removed = 0
    folders = []
    for dirpath, dirnames, filenames in os.walk(root, topdown=True):
        here = Path(dirpath)
        if here == root:
            dirnames[:] = [d for d in dirnames if d not in KEEP]
        else:
            folders.append(here)
        for name in filenames:
            if (here / name).relative_to(root).as_posix() not in wanted:
                (here / name).unlink(missing_ok=True)
                removed += 1
    for folder in reversed(folders):  # deepest first
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed


def docs_files(docs_dir: Path, skip: set[Path]) -> dict[str, Path]:
    """The hand-written files under ``docs_dir`` by their path in it (dot files, the
    ``templates`` folder engines treat as theme files, and ``skip`` left out)."""
    found: dict[str, Path] = {}
    if not docs_dir.is_dir():
        return found
    resolved_skip = {p.resolve() for p in skip}
    for dirpath, dirnames, filenames in os.walk(docs_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(docs_dir).as_posix()
            if name.startswith(".") or rel.startswith("templates/"):
                continue
            if path.resolve() in resolved_skip:
                continue
            found[rel] = path
    return found


def redirect_html(target_url: str, title: str) -> str:
    """A page that sends readers (and search engines) from an old address to the new one,
    keeping any ``#fragment``."""
    from html import escape

    url = escape(target_url, quote=True)
    script = json.dumps(target_url)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Moved: {escape(title)}</title>\n"
        f'<link rel="canonical" href="{url}">\n'
        f'<meta http-equiv="refresh" content="0; url={url}">\n'
        f"<script>location.replace({script} + location.hash)</script>\n"
        "</head>\n<body>\n"
        f'<p>This lesson has moved: <a href="{url}">{escape(title)}</a>.</p>\n'
        "</body>\n</html>\n"
    )
