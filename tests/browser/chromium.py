"""How this project starts Debian's Chromium headless under Playwright (tests and bench)."""

from __future__ import annotations

import shutil

# Headless on a shared machine, with nothing of its own phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system Chromium (``playwright install`` downloads are not used)."""
    return shutil.which("chromium")


def launch(playwright, executable: str | None = None):
    """A headless Chromium browser from the system's executable."""
    return playwright.chromium.launch(
        executable_path=executable or chromium_path(), args=CHROMIUM_ARGS
    )
