"""The reader's scripts and stylesheets (progress, review cards and quick checks, catalog
filters, maths, lesson code), added to every page.

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
import json
import re
from importlib.resources import files as package_files
from pathlib import Path

SITE_DIR = "assets/tdl"
# Joined in this order: everything that shows progress reads the store that store.js
# defines; schedule.js wraps ts-fsrs, which must come first; cards.js draws what review.js
# counts; math.js calls KaTeX's auto-render, which needs KaTeX itself, and code.js puts
# Prism in manual mode before Prism loads.
SCRIPTS = (
    "dom.js",
    "store.js",
    "progress.js",
    "catalog.js",
    "a11y.js",
    "ts-fsrs/ts-fsrs.umd.js",
    "schedule.js",
    "cards.js",
    "review.js",
    "checks.js",
    "katex/katex.min.js",
    "katex/auto-render.min.js",
    "math.js",
    "code.js",
    "prism/prism-core.min.js",
    "prism/prism-python.min.js",
)
STYLESHEETS = ("reader.css", "lessons.css", "teaching.css")
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


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:10]


def _url(name: str, content: bytes) -> str:
    return f"{SITE_DIR}/{name}?v={_digest(content)}"


def bundles(site_data: dict | None = None) -> dict[str, bytes]:
    """The joined files by their name under ``assets/tdl``; ``site_data`` (what the
    scripts need to know of this site, such as the ids renamed lessons had) opens the
    script bundle as ``window.TDL_SITE``."""
    prelude = b""
    if site_data:
        payload = json.dumps(site_data, sort_keys=True, separators=(",", ":"))
        prelude = b"window.TDL_SITE=" + payload.replace("</", "<\\/").encode() + b";\n"
    return {
        SCRIPT_BUNDLE: prelude + _joined(SCRIPTS, b"\n;\n"),
        STYLE_BUNDLE: _joined(STYLESHEETS, b"\n"),
    }


def stylesheet_urls(joined: dict[str, bytes]) -> list[str]:
    """What pages list in ``extra_css``, each URL carrying its content's digest."""
    return [
        _url(STYLE_BUNDLE, joined[STYLE_BUNDLE]),
        _url(KATEX_CSS, _source(KATEX_CSS).read_bytes()),
    ]


def script_urls(joined: dict[str, bytes]) -> list[str]:
    """What pages list in ``extra_javascript``."""
    return [_url(SCRIPT_BUNDLE, joined[SCRIPT_BUNDLE])]


def asset_files(joined: dict[str, bytes]) -> dict[str, bytes | Path]:
    """Every asset by its path in the site: the bundles' bytes, the shipped files' paths."""
    files: dict[str, bytes | Path] = {f"{SITE_DIR}/{name}": data for name, data in joined.items()}
    for name in (KATEX_CSS, *STATIC):
        files[f"{SITE_DIR}/{name}"] = _source(name)
    return files


def theme_dir() -> Path:
    """Template overrides that go ahead of the theme's own."""
    return _source("theme")
