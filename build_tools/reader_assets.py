"""The reader's scripts and stylesheet (progress, catalog filters, path), added to every page.

They ship inside the package (``build_tools/assets``) and reach the site as files of the
build, so nothing is loaded from elsewhere. Each URL carries a digest of the file's
content: a browser holding an older copy fetches the new one after a site update.
``assets/theme`` overrides the one theme partial that would call a third party (Material's
repository facts from the GitHub API).
"""

from __future__ import annotations

import hashlib
from importlib.resources import files as package_files
from pathlib import Path

from mkdocs.structure.files import File

SITE_DIR = "assets/tdl"
# Order matters: catalog.js uses the progress store that progress.js defines, and math.js
# calls KaTeX's auto-render, which needs KaTeX itself.
SCRIPTS = (
    "progress.js",
    "catalog.js",
    "a11y.js",
    "katex/katex.min.js",
    "katex/auto-render.min.js",
    "math.js",
)
STYLESHEETS = ("reader.css", "katex/katex.min.css")
# Files that pages use without listing them (KaTeX's stylesheet loads its fonts).
STATIC = tuple(
    f"katex/fonts/{p.name}"
    for p in sorted(Path(__file__).parent.joinpath("assets", "katex", "fonts").glob("*.woff2"))
)


def _source(name: str) -> Path:
    return Path(str(package_files("build_tools") / "assets" / name))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def _url(name: str) -> str:
    return f"{SITE_DIR}/{name}?v={_digest(_source(name))}"


def add_to_config(config) -> None:
    """List the assets in ``extra_css`` and ``extra_javascript`` and put the theme override
    (``assets/theme``) ahead of the theme, once however often called."""
    theme_dir = str(_source("theme"))
    if theme_dir not in config.theme.dirs:
        # A project's own custom_dir stays first: its overrides win over ours.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
    present = {str(item).split("?")[0] for item in [*config.extra_css, *config.extra_javascript]}
    for name in STYLESHEETS:
        if f"{SITE_DIR}/{name}" not in present:
            config.extra_css.append(_url(name))
    for name in SCRIPTS:
        if f"{SITE_DIR}/{name}" not in present:
            config.extra_javascript.append(_url(name))


def asset_files(config, existing: set[str]) -> list[File]:
    """The assets as files of the build (a file of the same path under docs/ wins)."""
    return [
        File.generated(config, f"{SITE_DIR}/{name}", abs_src_path=str(_source(name)))
        for name in (*STYLESHEETS, *SCRIPTS, *STATIC)
        if f"{SITE_DIR}/{name}" not in existing
    ]
