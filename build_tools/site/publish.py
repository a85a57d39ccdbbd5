"""Publish the site atomically: build into a sibling folder, swap it in only on success.

Engines clean ``site_dir`` first and write pages as they go, so a failing build would leave
a half-written site. Builds go to a fresh sibling folder instead; when the build succeeds
the sibling replaces the old site with two renames on the same file system
(:func:`swap_in`), and when it fails the sibling is deleted and the last good site stays as
it was. :class:`AtomicSite` does this for an engine whose configuration names the output
folder (``config.site_dir``).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.tdl")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def staging_folder(final: Path) -> Path:
    """A fresh, empty sibling of ``final`` to build into."""
    final = final.resolve()
    remove_stale(final)
    staging = final.parent / f".{final.name}.building-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir(parents=True)
    return staging


def swap_in(staging: Path, final: Path) -> None:
    """Make ``staging`` the site at ``final``; the old site is removed afterwards."""
    final = final.resolve()
    old = final.parent / f".{final.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
    if final.exists():
        os.rename(final, old)
    os.rename(staging, final)
    shutil.rmtree(old, ignore_errors=True)


def remove_stale(final: Path) -> None:
    """Folders left by builds that were killed (their process is gone)."""
    if not final.parent.is_dir():
        return
    pattern = re.compile(re.escape(f".{final.name}.") + r"(?:building|old)-(\d+)-[0-9a-f]+$")
    for entry in final.parent.iterdir():
        found = pattern.match(entry.name)
        if found and not _pid_alive(int(found.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


class AtomicSite:
    """Redirects one build's output to a staging folder and publishes it at the end."""

    def __init__(self, aborting: Callable[[], bool] = lambda: False) -> None:
        # True when the engine is about to fail the build although it reached its end.
        self.aborting = aborting
        self.final: Path | None = None
        self.staging: Path | None = None
        self._config = None

    def begin(self, config) -> None:
        final = Path(config.site_dir).resolve()
        self.final, self.staging, self._config = final, staging_folder(final), config
        config.site_dir = str(self.staging)

    def commit(self) -> None:
        """Swap the staging folder in, unless MkDocs is about to abort the build."""
        if self.staging is None:
            return
        if self.aborting():
            return  # the abort that follows reaches discard() through the engine's error hook
        swap_in(self.staging, self.final)
        self._restore()

    def discard(self) -> None:
        """Drop the staging folder; the previous site is untouched."""
        if self.staging is None:
            return
        shutil.rmtree(self.staging, ignore_errors=True)
        log.info("build failed; %s was left as it was", self.final)
        self._restore()

    def _restore(self) -> None:
        # Commands that act on the site after building (gh-deploy) read config.site_dir.
        self._config.site_dir = str(self.final)
        self.staging = None
