"""Write the site atomically: build into a sibling folder, swap it in only on success.

MkDocs cleans ``site_dir`` first and writes pages as it goes, so a failing build would leave
a half-written site. The plugin points ``site_dir`` at a fresh sibling folder before the
build writes anything; when the build succeeds the sibling replaces the old site with two
renames on the same file system, and when it fails the sibling is deleted and the last good
site stays as it was.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
from pathlib import Path

from mkdocs.utils import CountHandler

log = logging.getLogger("mkdocs.plugins.tdl")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def strict_warnings_pending() -> bool:
    """True when ``--strict`` counted warnings: MkDocs aborts right after post-build."""
    return any(
        isinstance(handler, CountHandler) and handler.get_counts()
        for handler in logging.getLogger("mkdocs").handlers
    )


class AtomicSite:
    """Redirects one build's output to a staging folder and publishes it at the end."""

    def __init__(self) -> None:
        self.final: Path | None = None
        self.staging: Path | None = None
        self._config = None

    def begin(self, config) -> None:
        final = Path(config.site_dir).resolve()
        self._remove_stale(final)
        staging = final.parent / f".{final.name}.building-{os.getpid()}-{secrets.token_hex(4)}"
        staging.mkdir(parents=True)
        self.final, self.staging, self._config = final, staging, config
        config.site_dir = str(staging)

    def commit(self) -> None:
        """Swap the staging folder in, unless MkDocs is about to abort the build."""
        if self.staging is None:
            return
        if strict_warnings_pending():
            return  # the abort that follows reaches discard() through on_build_error
        final, staging = self.final, self.staging
        old = final.parent / f".{final.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
        if final.exists():
            os.rename(final, old)
        os.rename(staging, final)
        shutil.rmtree(old, ignore_errors=True)
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

    @staticmethod
    def _remove_stale(final: Path) -> None:
        """Folders left by builds that were killed (their process is gone)."""
        if not final.parent.is_dir():
            return
        pattern = re.compile(re.escape(f".{final.name}.") + r"(?:building|old)-(\d+)-[0-9a-f]+$")
        for entry in final.parent.iterdir():
            found = pattern.match(entry.name)
            if found and not _pid_alive(int(found.group(1))):
                shutil.rmtree(entry, ignore_errors=True)
