"""The reader's scripts and stylesheets (progress, catalog filters, maths, lesson code),
added to every page.

They ship inside the package (``build_tools/site/assets``) and reach the site as files of the
build, so nothing is loaded from elsewhere. The scripts are joined into one file,
``reader.js``, and the site's own stylesheets into ``reader.css``: a page lists two files
instead of a dozen. Each URL carries a digest of the file's content: a browser holding an
older copy fetches the new one after a site update. KaTeX's stylesheet stays a file of its
own, beside the fonts it loads by relative URL. ``assets/theme`` overrides the theme
partial that would call a third party (Material's repository facts from the GitHub API).
"""

from __future__ import annotations

import hashlib
import re
from importlib.resources import files as package_files
from pathlib import Path

from mkdocs.structure.files import File

SITE_DIR = "assets/tdl"
# Joined in this order: catalog.js uses the progress store that progress.js defines, math.js
# calls KaTeX's auto-render, which needs KaTeX itself, and code.js puts Prism in manual
# mode before Prism loads.
SCRIPTS = (
    "progress.js",
    "catalog.js",
    "a11y.js",
    "katex/katex.min.js",
    "katex/auto-render.min.js",
    "math.js",
    "code.js",
    "prism/prism-core.min.js",
    "prism/prism-python.min.js",
)
STYLESHEETS = ("reader.css", "lessons.css")
SCRIPT_BUNDLE = "reader.js"
STYLE_BUNDLE = "reader.css"
KATEX_CSS = "katex/katex.min.css"
# Files that pages use without listing them (KaTeX's stylesheet loads its fonts).
STATIC = tuple(
    f"katex/fonts/{p.name}"
    for p in sorted(Path(__file__).parent.joinpath("assets", "katex", "fonts").glob("*.woff2"))
)
# Source map comments name files that are not shipped.
_SOURCE_MAP = re.compile(rb"^\s*//# sourceMappingURL=.*$", re.MULTILINE)


def _source(name: str) -> Path:
    return Path(str(package_files("build_tools.site") / "assets" / name))


def _joined(names: tuple[str, ...], separator: bytes) -> bytes:
    parts = [_SOURCE_MAP.sub(b"", _source(name).read_bytes()).strip() for name in names]
    return separator.join(parts) + b"\n"


def bundles() -> dict[str, bytes]:
    """The joined files by their name under ``assets/tdl``."""
    return {
        SCRIPT_BUNDLE: _joined(SCRIPTS, b"\n;\n"),
        STYLE_BUNDLE: _joined(STYLESHEETS, b"\n"),
    }


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:10]


def _url(name: str, content: bytes) -> str:
    return f"{SITE_DIR}/{name}?v={_digest(content)}"


def add_to_config(config, joined: dict[str, bytes]) -> None:
    """List the assets in ``extra_css`` and ``extra_javascript`` and put the theme override
    (``assets/theme``) ahead of the theme, once however often called. ``joined`` is this
    build's :func:`bundles`."""
    theme_dir = str(_source("theme"))
    if theme_dir not in config.theme.dirs:
        # A project's own custom_dir stays first: its overrides win over ours.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
    present = {str(item).split("?")[0] for item in [*config.extra_css, *config.extra_javascript]}
    stylesheets = {STYLE_BUNDLE: joined[STYLE_BUNDLE], KATEX_CSS: _source(KATEX_CSS).read_bytes()}
    for name, content in stylesheets.items():
        if f"{SITE_DIR}/{name}" not in present:
            config.extra_css.append(_url(name, content))
    if f"{SITE_DIR}/{SCRIPT_BUNDLE}" not in present:
        config.extra_javascript.append(_url(SCRIPT_BUNDLE, joined[SCRIPT_BUNDLE]))


def asset_files(config, existing: set[str], joined: dict[str, bytes]) -> list[File]:
    """The assets as files of the build (a file of the same path under docs/ wins);
    ``joined`` is the same :func:`bundles` that :func:`add_to_config` listed."""
    files = [
        File.generated(config, f"{SITE_DIR}/{name}", content=content)
        for name, content in joined.items()
    ]
    files += [
        File.generated(config, f"{SITE_DIR}/{name}", abs_src_path=str(_source(name)))
        for name in (KATEX_CSS, *STATIC)
    ]
    return [file for file in files if file.src_uri not in existing]
