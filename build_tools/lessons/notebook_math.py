"""Notebook maths in the form the rest of the site uses (pymdownx.arithmatex, generic mode).

nbconvert leaves ``$...$`` and ``$$...$$`` in markdown cells for a MathJax it loads from a
CDN; lesson pages load nothing from other hosts, so the formulas are rewritten as the
site's own Markdown pages write them, ``<span class="arithmatex">\\(...\\)</span>``, and
whatever renders the site's maths renders the lessons' too.
"""

from __future__ import annotations

import re

# Code, preformatted text and tags pass through untouched; maths lives in the text between.
_SKIP = re.compile(r"(<code\b.*?</code>|<pre\b.*?</pre>|<[^>]+>)", re.DOTALL)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
# "$x$" but not prices: no space just inside the dollars, no digit right after the closing one.
_INLINE = re.compile(r"(?<![\\$])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\d$])")


def _wrap_text(text: str) -> str:
    text = _DISPLAY.sub(lambda m: f'<span class="arithmatex">\\[{m.group(1)}\\]</span>', text)
    return _INLINE.sub(lambda m: f'<span class="arithmatex">\\({m.group(1)}\\)</span>', text)


def wrap_math(cell_html: str) -> str:
    """Rewrite the maths of one markdown cell's HTML."""
    parts = _SKIP.split(cell_html)
    # split() with one group alternates text and skipped pieces: even indexes are text.
    return "".join(_wrap_text(part) if i % 2 == 0 else part for i, part in enumerate(parts))
