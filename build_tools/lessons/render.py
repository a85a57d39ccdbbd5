"""Executed notebook -> Markdown page body, images as files: what every engine renders.

Markdown cells stay Markdown, so the site's own Markdown settings (maths, admonitions,
attribute lists) apply to lessons exactly as to every other page, and each engine builds
the table of contents and the search index from real headings. Code cells become
Material code blocks in plain HTML (``div.highlight > pre > code.language-python``): the
reader's bundled Prism colours them in the browser, which keeps a lesson page a fraction
of the size of one highlighted token by token. Outputs become ``div.tdl-output`` blocks
left out of the search index; images become files in a folder named after the page, and
each carries the alt text its cell declares (``# %% alt="..."``).

Standard cell tags are honoured: ``remove-cell``, ``remove-input``, ``remove-output``,
``hide-input`` and ``hide-output`` (the last two fold the part away behind a toggle).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from build_tools.lessons.page_parts import shorten_text

IMAGE_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}
# The representation shown when an output offers several, best first.
PREFERENCE = (*IMAGE_TYPES, "text/html", "text/markdown", "text/latex", "text/plain")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_ATTACHMENT = re.compile(r"\(attachment:([^)\s]+)\)")


@dataclass
class RenderedNotebook:
    """A page body in Markdown, the files it links to (by name in its folder), and the
    problems found while rendering (cell number, message)."""

    markdown: str
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _block(kind: str, text: str, searched: bool = False) -> str:
    """A text output: escaped, in a ``pre`` a keyboard user can scroll."""
    exclude = "" if searched else " data-search-exclude"
    body = html.escape(text.rstrip("\n"), quote=False)
    return (
        f'<div class="tdl-output tdl-output--{kind}" tabindex="0"{exclude}><pre>{body}</pre></div>'
    )


def _wrap(kind_and_attributes: str, content: str) -> str:
    """An output block of a kind (``html``, ``markdown``) with extra attributes after it."""
    kind, _, extra = kind_and_attributes.partition(" ")
    return f'<div class="tdl-output tdl-output--{kind}" {extra}>\n{content}\n</div>'


def _fold(summary: str, content: str) -> str:
    return f'<details class="tdl-fold">\n<summary>{summary}</summary>\n\n{content}\n\n</details>'


def code_block(source: str, language: str = "python") -> str:
    """A code cell as the Material code block the reader's script colours."""
    body = html.escape(source.rstrip("\n"), quote=False)
    return (
        f'<div class="highlight tdl-code"><pre><code class="language-{language}">'
        f"{body}</code></pre></div>"
    )


class _Renderer:
    def __init__(self, folder: str, output_lines: int, language: str, transform):
        self.folder = folder
        self.output_lines = output_lines
        self.language = language
        self.transform = transform
        self.result = RenderedNotebook(markdown="")

    def image(self, data: str | bytes, extension: str, alt: str, cell: int) -> str:
        if extension == "svg":
            content = data.encode("utf-8") if isinstance(data, str) else data
        else:
            try:
                content = base64.b64decode(_text(data), validate=False)
            except (binascii.Error, ValueError):
                self.result.problems.append((cell, "an image output could not be decoded"))
                return ""
        name = f"output-{hashlib.sha256(content).hexdigest()[:16]}.{extension}"
        self.result.files[name] = content
        attrs = ['loading="lazy"', 'decoding="async"']
        size = _png_size(content) if extension == "png" else None
        if size:
            attrs = [f'width="{size[0]}"', f'height="{size[1]}"', *attrs]
        alt_text = alt.replace("\\", "\\\\").replace("]", "\\]").replace("\n", " ")
        link = f"{self.folder}/{name}"
        return (
            '<div class="tdl-output tdl-output--image" markdown>\n'
            f"![{alt_text}]({link}){{ {' '.join(attrs)} }}\n</div>"
        )

    def output(self, output: dict, alts: list[str], cell: int) -> str:
        kind = output.get("output_type")
        if kind == "stream":
            text = shorten_text(_ANSI.sub("", _text(output.get("text"))), self.output_lines)
            return _block("stderr" if output.get("name") == "stderr" else "text", text)
        if kind == "error":
            trace = _ANSI.sub("", "\n".join(output.get("traceback") or []))
            if not trace.strip():
                trace = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
            return _block("error", trace)
        data = output.get("data") or {}
        mime = next((m for m in PREFERENCE if m in data), None)
        if mime in IMAGE_TYPES:
            if not alts:
                self.result.problems.append(
                    (cell, 'this cell shows a plot without alt text: add alt="..." to its marker')
                )
                alt = ""
            else:
                alt = alts.pop(0)
            return self.image(data[mime], IMAGE_TYPES[mime], alt, cell)
        if mime == "text/html":
            return _wrap("html data-search-exclude", _text(data[mime]).strip())
        if mime == "text/markdown":
            return _wrap("markdown markdown", _text(data[mime]).strip())
        if mime == "text/latex":
            latex = _text(data[mime]).strip().strip("$")
            return _wrap("markdown markdown", f"$$\n{latex}\n$$")
        if mime == "text/plain":
            return _block("text", shorten_text(_text(data[mime]), self.output_lines))
        return ""

    def outputs(self, cell: dict, number: int) -> list[str]:
        alt = cell.get("metadata", {}).get("alt")
        alts = [alt] if isinstance(alt, str) else [a for a in alt or [] if isinstance(a, str)]
        declared = len(alts)
        merged: list[dict] = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                output.get("output_type") == "stream"
                and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")
            ):
                previous["text"] = _text(previous["text"]) + _text(output.get("text"))
            else:
                merged.append(dict(output))
        images = sum(1 for output in merged if set(output.get("data") or {}) & set(IMAGE_TYPES))
        if images and len(alts) > images:
            # One figure of several panels may be described panel by panel.
            alts = alts[: images - 1] + [" ".join(alts[images - 1 :])]
        parts = [part for output in merged if (part := self.output(output, alts, number))]
        if alts and declared and not images:
            self.result.problems.append((number, "alt text is given but the cell shows no plot"))
        return parts

    def markdown_cell(self, cell: dict) -> str:
        source = _text(cell.get("source"))
        attachments = cell.get("attachments") or {}
        for name, bundle in attachments.items():
            mime = next((m for m in IMAGE_TYPES if m in bundle), None)
            if mime is None:
                continue
            content = base64.b64decode(_text(bundle[mime]))
            stored = f"attachment-{hashlib.sha256(content).hexdigest()[:16]}.{IMAGE_TYPES[mime]}"
            self.result.files[stored] = content
            source = source.replace(f"(attachment:{name})", f"({self.folder}/{stored})")
        return self.transform(source) if self.transform else source

    def code_cell(self, cell: dict, number: int) -> str:
        tags = set(cell.get("metadata", {}).get("tags") or [])
        if "remove-cell" in tags:
            return ""
        parts = []
        source = _text(cell.get("source"))
        if source.strip() and "remove-input" not in tags:
            block = code_block(source, self.language)
            parts.append(_fold("Show code", block) if "hide-input" in tags else block)
        if "remove-output" not in tags:
            shown = self.outputs(cell, number)
            if shown and "hide-output" in tags:
                parts.append(_fold("Show output", "\n\n".join(shown)))
            else:
                parts += shown
        return "\n\n".join(parts)


def render_notebook(
    notebook: dict,
    folder: str,
    output_lines: int = 60,
    transform_markdown: Callable[[str], str] | None = None,
) -> RenderedNotebook:
    """The body of a lesson page. ``folder`` is where the page links its files from
    (the page's own name: ``01-digits`` for ``01-digits.md``); ``transform_markdown``
    rewrites each markdown cell (the teaching markup)."""
    language = (
        notebook.get("metadata", {}).get("kernelspec", {}).get("language")
        or notebook.get("metadata", {}).get("language_info", {}).get("name")
        or "python"
    )
    renderer = _Renderer(folder, output_lines, language, transform_markdown)
    parts = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") == "markdown":
            parts.append(renderer.markdown_cell(cell))
        elif cell.get("cell_type") == "code":
            parts.append(renderer.code_cell(cell, number))
    renderer.result.markdown = "\n\n".join(part.strip("\n") for part in parts if part.strip())
    return renderer.result
