"""Links from hand-written pages to a lesson's ``.py`` source become links to its page.

Maintainers link lessons the way they see them in ``docs/``: ``[the starter](17-x.py)``.
In the generated tree a lesson is the page ``17-x.md`` (its source is published beside it
as a download), so such links are pointed at the page; links to any other file are left
as written. Inline links and reference definitions are both rewritten; code is not.
"""

from __future__ import annotations

import posixpath
import re

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})")
_INLINE = re.compile(r"(\]\()(<?)([^)\s>]+?\.py)(#[^)\s>]*)?(>?)(?=[)\s])")
_REFERENCE = re.compile(r"^( {0,3}\[[^\]]+\]:\s*)(<?)(\S+?\.py)(#\S*)?(>?)(?=\s|$)")
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?\1")


def _target(link: str, page: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), link))


def rewrite_lesson_links(markdown: str, page: str, sources: set[str]) -> str:
    """``markdown`` of the page at ``page`` (a path under docs/) with links to the lesson
    sources in ``sources`` (paths under docs/) pointed at their pages."""

    def swap(match: re.Match) -> str:
        prefix, opening, link, fragment, closing = match.groups()
        if "://" in link or _target(link, page) not in sources:
            return match.group(0)
        return f"{prefix}{opening}{link[:-3]}.md{fragment or ''}{closing}"

    out, fence = [], ""
    for line in markdown.split("\n"):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(2)[0] == fence[0] and len(opened.group(2)) >= len(fence):
                fence = ""
            out.append(line)
            continue
        if opened:
            fence = opened.group(2)
            out.append(line)
            continue
        out.append(_rewrite_outside_code(_REFERENCE.sub(swap, line), swap))
    return "\n".join(out)


def _rewrite_outside_code(line: str, swap) -> str:
    result, last = [], 0
    for code in _CODE_SPAN.finditer(line):
        result.append(_INLINE.sub(swap, line[last : code.start()]))
        result.append(code.group(0))
        last = code.end()
    result.append(_INLINE.sub(swap, line[last:]))
    return "".join(result)
