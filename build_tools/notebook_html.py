"""Make mkdocs-jupyter's notebook HTML light and searchable, without changing how it looks.

mkdocs-jupyter inlines its whole stylesheet (~590 KB), the copy-button script and a
MathJax/Mermaid loader from a CDN into every notebook page, repeats each code cell as
hidden text for the copy button, and embeds plots as base64. :func:`lighten` rewrites one
page's notebook HTML in a single streaming pass:

- ``<style>`` and inline ``<script>`` blocks move out (the caller writes them once as shared
  files); scripts from other hosts are dropped so pages load nothing from third parties;
- the copy button copies the highlighted code itself, so the hidden duplicate goes, and its
  icon is drawn by the shared stylesheet instead of an inline SVG per cell; the cell
  collapsers, hidden by the stylesheet, go too;
- heading anchors become Material ``headerlink``\\ s;
- ``data:`` images become files beside the page;
- highlighted code keeps its look with far fewer spans (:mod:`build_tools.code_markup`);
- maths is written the way the site's Markdown pages write it (:mod:`build_tools.notebook_math`).

The same pass writes a second, flat view of the page for the search index: headings, prose
and code as plain text, without prompts, outputs, copy-button text or cell tags.
"""

from __future__ import annotations

import ast
import base64
import binascii
import hashlib
import html
import json
import os
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from build_tools.code_markup import slim_code
from build_tools.execution_cache import atomic_write
from build_tools.notebook_math import wrap_math

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
# The hidden copy of each cell's code, the per-cell copy icon (the stylesheet draws it),
# and the cell collapsers, which the notebook stylesheet hides (display: none) anyway.
DROPPED = {"clipboard-copy-txt", "clipboard-copy-icon", "jp-Collapser"}
# Kept on the page, left out of the search view.
NOT_SEARCHED = {
    "jp-InputPrompt",
    "jp-OutputPrompt",
    "jp-Cell-outputWrapper",
    "celltoolbar",
    "zeroclipboard-container",
    "anchor-link",
}
# The tags the search index keeps (Material keeps these and uses headings as sections).
SEARCH_TAGS = {"p", "pre", "code", "ul", "ol", "li", "sub", "sup"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DATA_URI = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,(.*)$", re.DOTALL)


@dataclass
class LightPage:
    """A page's lightened HTML and what was taken out of it."""

    html: str
    search_html: str = ""
    styles: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)


def _classes(attrs: list[tuple[str, str | None]]) -> set[str]:
    for name, value in attrs:
        if name == "class" and value:
            return set(value.split())
    return set()


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [tag]
    for name, value in attrs:
        parts.append(name if value is None else f'{name}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + ">"


def _style_texts(text: str) -> list[str]:
    """A style block's CSS. mkdocs-jupyter writes one block as the repr() of a Python list
    of stylesheets (``['...']``), which breaks the rule after it; unwrap that list."""
    if text.startswith("[") and text.endswith("]"):
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [item.strip() for item in value if item.strip()]
    return [text]


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


class _Lightener(HTMLParser):
    """Streams HTML through unchanged except for the rules in the module docstring."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.search: list[str] = []
        self.page = LightPage(html="")
        # Open elements: (tag, whether its end tag goes to the search view).
        self.stack: list[tuple[str, bool]] = []
        self.dropping = 0  # depth of an element being removed with its content
        self.unsearched_at: int | None = None  # stack depth where the search view pauses
        self.capture: list[str] | None = None
        self.capture_kind = ""
        self.keep_capture = False
        self.copy_target: str | None = None

    # -- start tags ---------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        if self.dropping:
            if tag not in VOID:
                self.dropping += 1
            return
        if tag in ("style", "script"):
            self._begin_capture(tag, dict(attrs))
            return
        classes = _classes(attrs)
        if classes & DROPPED:
            self.dropping = 1
            return
        new_attrs = self._rewrite(tag, attrs, classes)
        if tag not in VOID:
            self.stack.append((tag, self._search_start(tag, attrs, classes)))
        if new_attrs is attrs:
            self.out.append(self.get_starttag_text())
        else:
            self.out.append(_start_tag(tag, new_attrs))

    def _search_start(self, tag, attrs, classes) -> bool:
        """Mirror a start tag into the search view; True when its end tag goes there too."""
        if self.unsearched_at is not None:
            return False
        if classes & NOT_SEARCHED:
            self.unsearched_at = len(self.stack)
            return False
        if tag in HEADINGS:
            anchor = dict(attrs).get("id")
            self.search.append(f'<{tag} id="{html.escape(anchor)}">' if anchor else f"<{tag}>")
            return True
        if tag in SEARCH_TAGS:
            self.search.append(f"<{tag}>")
            return True
        return False

    def handle_startendtag(self, tag, attrs):
        if self.dropping:
            return
        new_attrs = self._extract_image(attrs) if tag == "img" else attrs
        if new_attrs is attrs:
            self.out.append(self.get_starttag_text())
        else:
            self.out.append(_start_tag(tag, new_attrs))

    def _rewrite(self, tag, attrs, classes):
        """The attributes to write (the same list object when unchanged)."""
        if tag == "clipboard-copy":
            keep = dict(attrs)
            self.copy_target = keep.get("for")
            return [(k, keep[k]) for k in ("for", "aria-label") if keep.get(k)]
        if "highlight-ipynb" in classes and self.copy_target:
            target, self.copy_target = self.copy_target, None
            return [*attrs, ("id", target)]
        if tag == "a" and "anchor-link" in classes:
            return [(k, "headerlink" if k == "class" else v) for k, v in attrs]
        if tag == "img":
            return self._extract_image(attrs)
        return attrs

    # -- end tags, data -----------------------------------------------------------------

    def handle_endtag(self, tag):
        if self.capture is not None and tag == self.capture_kind:
            self._end_capture()
            return
        if self.dropping:
            if tag not in VOID:
                self.dropping -= 1
            return
        if tag in VOID:
            return
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                for open_tag, searched in reversed(self.stack[depth:]):
                    self.out.append(f"</{open_tag}>")
                    if searched:
                        self.search.append(f"</{open_tag}>")
                del self.stack[depth:]
                if self.unsearched_at is not None and len(self.stack) <= self.unsearched_at:
                    self.unsearched_at = None
                return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.capture is not None:
            self.capture.append(data)
        elif not self.dropping:
            self.out.append(data)
            if self.unsearched_at is None:
                self.search.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def handle_comment(self, data):
        pass  # mkdocs-jupyter's comments only label the blocks moved out

    def handle_decl(self, decl):
        self.handle_data(f"<!{decl}>")

    # -- helpers ------------------------------------------------------------------------

    def _begin_capture(self, tag: str, attrs: dict) -> None:
        self.capture = []
        self.capture_kind = tag
        kind = (attrs.get("type") or "text/javascript").lower()
        # Only inline classic scripts move to the shared file; a src (a CDN loader) or a
        # module/config type (MathJax, Mermaid) would fetch from third-party hosts.
        self.keep_capture = tag == "style" or ("src" not in attrs and kind == "text/javascript")

    def _end_capture(self) -> None:
        text = "".join(self.capture or []).strip()
        if text and self.keep_capture:
            if self.capture_kind == "style":
                self.page.styles.extend(_style_texts(text))
            else:
                self.page.scripts.append(text)
        self.capture = None
        self.capture_kind = ""

    def _extract_image(self, attrs):
        values = dict(attrs)
        found = _DATA_URI.match(values.get("src") or "")
        if not found:
            return attrs
        try:
            data = base64.b64decode(found.group(2), validate=False)
        except (binascii.Error, ValueError):
            return attrs
        extension = "jpg" if found.group(1) == "jpeg" else found.group(1)
        name = f"output-{hashlib.sha256(data).hexdigest()[:16]}.{extension}"
        self.page.images[name] = data
        values["src"] = name
        values.setdefault("loading", "lazy")
        values.setdefault("decoding", "async")
        size = _png_size(data) if extension == "png" else None
        if size and "width" not in values and "height" not in values:
            values["width"], values["height"] = str(size[0]), str(size[1])
        return list(values.items())


def lighten(notebook_html: str) -> LightPage:
    """Rewrite one notebook page's HTML; see the module docstring for what changes."""
    parser = _Lightener()
    parser.feed(notebook_html)
    parser.close()
    page = parser.page
    page.html = wrap_math(slim_code("".join(parser.out).strip(), page.styles))
    page.search_html = "".join(parser.search).strip()
    return page


_SEARCH_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)


def toc_tokens(search_html: str) -> list[dict]:
    """Table-of-contents tokens (MkDocs' format) from the headings of the search view.

    mkdocs-jupyter builds its table of contents from a Markdown export that deletes inline
    code, so "from loops to `@`" would appear as "from loops to"; the page's own headings
    keep every word.
    """
    root: list[dict] = []
    open_levels: list[dict] = []
    for level, anchor, name in _SEARCH_HEADING.findall(search_html):
        token = {
            "level": int(level),
            "id": html.unescape(anchor),
            "name": name.strip(),
            "children": [],
        }
        while open_levels and open_levels[-1]["level"] >= token["level"]:
            open_levels.pop()
        (open_levels[-1]["children"] if open_levels else root).append(token)
        open_levels.append(token)
    return root


def _blob(folder: Path, content: bytes) -> str:
    name = hashlib.sha256(content).hexdigest()[:32]
    path = folder / name
    if not path.exists():
        atomic_write(path, content)
    return name


def lighten_cached(notebook_html: str, cache_dir: Path) -> LightPage:
    """:func:`lighten`, remembered by the input's hash: a warm build parses nothing.

    Stylesheets, scripts and images are stored once each under ``blobs/``; every page
    uses the same 590 KB of CSS.
    """
    entry = cache_dir / (hashlib.sha256(notebook_html.encode()).hexdigest()[:32] + ".json")
    blobs = cache_dir / "blobs"
    try:
        record = json.loads(entry.read_text(encoding="utf-8"))

        def read(name: str) -> bytes:
            os.utime(blobs / name)  # marks it as in use for prune_lightened()
            return (blobs / name).read_bytes()

        os.utime(entry)

        return LightPage(
            html=record["html"],
            search_html=record["search_html"],
            styles=[read(name).decode() for name in record["styles"]],
            scripts=[read(name).decode() for name in record["scripts"]],
            images={image: read(name) for image, name in record["images"].items()},
        )
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        pass
    page = lighten(notebook_html)
    record = {
        "html": page.html,
        "search_html": page.search_html,
        "styles": [_blob(blobs, css.encode()) for css in page.styles],
        "scripts": [_blob(blobs, js.encode()) for js in page.scripts],
        "images": {image: _blob(blobs, data) for image, data in page.images.items()},
    }
    atomic_write(entry, json.dumps(record).encode())
    return page


def prune_lightened(cache_dir: Path, max_age_s: float = 30 * 86400) -> None:
    """Forget pages and blobs no build has used for ``max_age_s``."""
    cutoff = time.time() - max_age_s
    for folder in (cache_dir, cache_dir / "blobs"):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
