"""Notebook maths in the form the rest of the site uses (pymdownx.arithmatex, generic mode).

nbconvert leaves ``$...$`` and ``$$...$$`` in markdown cells for a MathJax it loads from a
CDN; lesson pages load nothing from other hosts, so the formulas are rewritten as the
site's own Markdown pages write them, ``<span class="arithmatex">\\(...\\)</span>``, and
whatever renders the site's maths renders the lessons' too.
"""

from __future__ import annotations

import re

_MARKDOWN_BLOCK = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)',
    re.DOTALL,
)
# Code, preformatted text and tags pass through untouched; maths lives in the text between.
_SKIP = re.compile(r"(<code\b.*?</code>|<pre\b.*?</pre>|<[^>]+>)", re.DOTALL)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
# "$x$" but not prices: no space just inside the dollars, no digit right after the closing one.
_INLINE = re.compile(r"(?<![\\$])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\d$])")


def _wrap_text(text: str) -> str:
    text = _DISPLAY.sub(lambda m: f'<span class="arithmatex">\\[{m.group(1)}\\]</span>', text)
    return _INLINE.sub(lambda m: f'<span class="arithmatex">\\({m.group(1)}\\)</span>', text)


def _wrap_block(content: str) -> str:
    parts = _SKIP.split(content)
    # split() with one group alternates text and skipped pieces: even indexes are text.
    return "".join(_wrap_text(part) if i % 2 == 0 else part for i, part in enumerate(parts))


def wrap_math(page_html: str) -> str:
    """Rewrite the maths of every markdown cell of a notebook page."""
    return _MARKDOWN_BLOCK.sub(
        lambda m: m.group(1) + _wrap_block(m.group(2)) + m.group(3), page_html
    )
