"""Turn mkdocs-jupyter's notebook HTML into light pages in the site's own markup.

mkdocs-jupyter renders a notebook as JupyterLab does: every cell in five or six wrapper
``<div>``\\ s with prompts, a ~590 KB stylesheet and a copy-button script inline in every
page, each code cell repeated as hidden text for that button, every token of code in its
own ``<span>``, plots as base64. :func:`lighten` rewrites one page in a single streaming
pass into the markup Material gives the site's Markdown pages:

- the wrappers, prompts and collapsers go; markdown cells become plain content and each
  code cell a Material code block (``div.highlight > pre > code.language-python``), so
  Material's copy button, colours and dark scheme apply, and the shared script
  ``assets/tdl/code.js`` highlights the code in the browser (the page carries plain text);
- each output becomes a ``div.tdl-output`` (text, error, image, HTML, Markdown) with plain
  text, terminal colour codes removed;
- ``<style>`` and ``<script>`` blocks go: nothing on the page uses them any more, and pages
  load nothing from other hosts;
- heading anchors become Material ``headerlink``\\ s;
- ``data:`` images become files beside the page;
- maths is written the way the site's Markdown pages write it
  (:mod:`build_tools.lessons.notebook_math`).

The same pass writes a second, flat view of the page for the search index: headings, prose
and code as plain text, without prompts, outputs, copy-button text or cell tags.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import html
import json
import os
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from build_tools.lessons import notebook_math
from build_tools.lessons.cache import atomic_write
from build_tools.lessons.notebook_math import wrap_math

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
# Removed with their content: the hidden copy of each cell's code and mkdocs-jupyter's copy
# button (Material adds its own), prompts, cell tags, and the collapsers the notebook theme
# hides.
DROPPED = {
    "celltoolbar",
    "clipboard-copy-txt",
    "clipboard-copy-icon",
    "zeroclipboard-container",
    "jp-Collapser",
    "jp-InputPrompt",
    "jp-OutputPrompt",
}
# Wrappers whose content stays on the page without them.
UNWRAPPED = {
    "jp-Notebook",
    "jp-Cell",
    "jp-Cell-inputWrapper",
    "jp-InputArea",
    "jp-CodeMirrorEditor",
    "CodeMirror",
    "cm-editor",
    "jp-Cell-outputWrapper",
    "jp-OutputArea",
    "jp-OutputArea-child",
    "jp-RenderedMarkdown",
}
# Kept on the page, left out of the search view.
NOT_SEARCHED = {"jp-Cell-outputWrapper", "anchor-link"}
# The tags the search index keeps (Material keeps these and uses headings as sections).
SEARCH_TAGS = {"p", "pre", "code", "ul", "ol", "li", "sub", "sup"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DATA_URI = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,(.*)$", re.DOTALL)
# An output's kind, from its renderer class or MIME type; text is the default.
_OUTPUT_KINDS = (
    ("jp-RenderedImage", "image"),
    ("jp-RenderedHTML", "html"),
    ("jp-RenderedMarkdown", "markdown"),
    ("jp-RenderedLatex", "markdown"),
    ("application/vnd.jupyter.stderr", "error"),
)


@dataclass
class LightPage:
    """A page's light HTML, its flat view for the search index, and its images."""

    html: str
    search_html: str = ""
    images: dict[str, bytes] = field(default_factory=dict)


@dataclass
class _Open:
    """An open element: what closes it on the page, whether the search view closes it too,
    and whether its content goes through the maths rewrite (a markdown cell)."""

    tag: str
    end: str
    searched: bool = False
    markdown_from: int | None = None


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


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _output_kind(classes: set[str], attrs: dict) -> str:
    mime = attrs.get("data-mime-type") or ""
    for marker, kind in _OUTPUT_KINDS:
        if marker in classes or marker == mime:
            return kind
    return "text"


class _Lightener(HTMLParser):
    """Streams HTML through, rewritten by the rules in the module docstring."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.search: list[str] = []
        self.page = LightPage(html="")
        self.stack: list[_Open] = []
        self.dropping = 0  # depth of an element being removed with its content
        self.unsearched_at: int | None = None  # stack depth where the search view pauses
        self.skipping = ""  # "style" or "script" while one is being left out
        self.code_language: str | None = None  # set between a code block's div and its <pre>
        self.in_pre = 0

    # -- start tags ---------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        if self.dropping:
            if tag not in VOID:
                self.dropping += 1
            return
        if tag in ("style", "script"):
            self.skipping = tag
            return
        classes = _classes(attrs)
        if classes & DROPPED or tag == "clipboard-copy":
            self.dropping = 1
            return
        start, end = self._rewrite(tag, attrs, classes)
        if tag in VOID:
            self.out.append(start)
            return
        opened = _Open(tag, end, self._search_start(tag, attrs, classes))
        if "jp-RenderedMarkdown" in classes and "jp-OutputArea-output" not in classes:
            opened.markdown_from = len(self.out)
        self.stack.append(opened)
        self.out.append(start)

    def _rewrite(self, tag, attrs, classes) -> tuple[str, str]:
        """The start tag to write and the end tag that will close it ("" for none)."""
        if tag == "span" and self.in_pre:
            return "", ""  # highlighting and terminal colours: the text alone stays
        if tag == "pre":
            self.in_pre += 1
            if self.code_language is not None:
                language, self.code_language = self.code_language, None
                return f'<pre><code class="language-{language}">', "</code></pre>"
            return "<pre>", "</pre>"
        if "highlight-ipynb" in classes:
            languages = [c[3:] for c in sorted(classes) if c.startswith("hl-")]
            self.code_language = (languages or ["python"])[0]
            return '<div class="highlight tdl-code">', "</div>"
        if "jp-OutputArea-output" in classes:
            kind = _output_kind(classes, dict(attrs))
            focus = ' tabindex="0"' if kind in ("text", "error") else ""
            return f'<div class="tdl-output tdl-output--{kind}"{focus}>', "</div>"
        if "jupyter-wrapper" in classes:
            return '<div class="tdl-notebook">', "</div>"
        if classes & UNWRAPPED:
            return "", ""
        if tag == "a" and "anchor-link" in classes:
            attrs = [(k, "headerlink" if k == "class" else v) for k, v in attrs]
            return _start_tag(tag, attrs), f"</{tag}>"
        if tag == "img":
            return _start_tag(tag, self._extract_image(attrs)), ""
        return self.get_starttag_text(), f"</{tag}>"

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
        if tag == "img":
            self.out.append(_start_tag(tag, self._extract_image(attrs)))
        else:
            self.out.append(self.get_starttag_text())

    # -- end tags, data -----------------------------------------------------------------

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping:
                self.skipping = ""
            return
        if self.dropping:
            if tag not in VOID:
                self.dropping -= 1
            return
        if tag in VOID:
            return
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag == tag:
                for opened in reversed(self.stack[depth:]):
                    self._close(opened)
                del self.stack[depth:]
                if self.unsearched_at is not None and len(self.stack) <= self.unsearched_at:
                    self.unsearched_at = None
                return
        self.out.append(f"</{tag}>")

    def _close(self, opened: _Open) -> None:
        self.out.append(opened.end)
        if opened.searched:
            self.search.append(f"</{opened.tag}>")
        if opened.tag == "pre":
            self.in_pre -= 1
        if opened.markdown_from is not None:
            cell = "".join(self.out[opened.markdown_from :])
            del self.out[opened.markdown_from :]
            self.out.append(wrap_math(cell))

    def handle_data(self, data):
        if self.skipping or self.dropping:
            return
        self.out.append(data)
        if self.unsearched_at is None:
            self.search.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def handle_comment(self, data):
        pass  # mkdocs-jupyter's comments only label the blocks left out

    def handle_decl(self, decl):
        self.handle_data(f"<!{decl}>")

    # -- helpers ------------------------------------------------------------------------

    def _extract_image(self, attrs):
        values = {k: v for k, v in attrs if not (k == "class" and not v)}
        found = _DATA_URI.match(values.get("src") or "")
        if not found:
            return list(values.items())
        try:
            data = base64.b64decode(found.group(2), validate=False)
        except (binascii.Error, ValueError):
            return list(values.items())
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
    page.html = "".join(parser.out).strip()
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


@functools.cache
def _code_version() -> bytes:
    """The lightener's own code: part of each remembered page's key, so a page lightened by
    an older version of the rules is never served by a newer one."""
    return Path(__file__).read_bytes() + Path(notebook_math.__file__).read_bytes()


def lighten_cached(notebook_html: str, cache_dir: Path) -> LightPage:
    """:func:`lighten`, remembered by the input's hash: a warm build parses nothing.

    Images are stored once each under ``blobs/``.
    """
    key = hashlib.sha256(_code_version() + notebook_html.encode()).hexdigest()[:32]
    entry = cache_dir / (key + ".json")
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
            images={image: read(name) for image, name in record["images"].items()},
        )
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        pass
    page = lighten(notebook_html)
    record = {
        "html": page.html,
        "search_html": page.search_html,
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
