"""Smaller syntax-highlighted code with exactly the same look: fewer, shorter spans.

Pygments wraps every token of a code cell in a ``<span class="...">``, which makes the
markup of a lesson's code several times larger than the code. Against the notebook
stylesheet the page actually uses, each span is:

- unwrapped when no rule styles its class (names, for instance, are plain text);
- unwrapped when it holds only whitespace and its rules only set a colour;
- renamed to one representative of the classes every rule treats alike (``s1``, ``s2``,
  ``sa`` ... are all "string"), so that
- neighbouring spans of the same class merge into one.

The text of every code block is unchanged, character for character.
"""

from __future__ import annotations

import functools
import re

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_TOKEN_CLASS = re.compile(r"\.highlight-ipynb\s+\.([\w-]+)")
_BLOCK = re.compile(r'(<div class="highlight-ipynb[^"]*"[^>]*><pre>)(.*?)(</pre>)', re.DOTALL)
_SPAN = re.compile(r'<span class="([\w-]+)">([^<]*)</span>')
_NEIGHBOURS = re.compile(r'<span class="([\w-]+)">([^<]*)</span><span class="\1">')


def _declarations(text: str) -> tuple[str, ...]:
    return tuple(sorted(part.strip().replace(" ", "") for part in text.split(";") if part.strip()))


class CodeStyles:
    """How the notebook stylesheet treats each highlighting class."""

    def __init__(self, stylesheets: tuple[str, ...]):
        self.rules = [
            (selector.strip(), _declarations(body))
            for css in stylesheets
            for selectors, body in _RULE.findall(_COMMENT.sub("", css))
            for selector in selectors.split(",")
        ]
        classes = {name for css in stylesheets for name in _TOKEN_CLASS.findall(css)}
        groups: dict[tuple, list[str]] = {}
        for name in classes:
            groups.setdefault(self.signature(name), []).append(name)
        # The shortest name of each group stands for all of them.
        self.canonical = {
            name: min(members, key=lambda m: (len(m), m))
            for members in groups.values()
            for name in members
        }

    @functools.cache  # noqa: B019 - a handful of instances per build
    def signature(self, name: str) -> tuple:
        """Every rule mentioning ``.name``, with the name abstracted away."""
        token = re.compile(r"\." + re.escape(name) + r"(?![\w-])")
        return tuple(
            sorted(
                (token.sub(".*", selector), body)
                for selector, body in self.rules
                if token.search(selector)
            )
        )

    def colour_only(self, name: str) -> bool:
        return all(all(d.startswith("color:") for d in body) for _, body in self.signature(name))


@functools.lru_cache(maxsize=4)
def code_styles(stylesheets: tuple[str, ...]) -> CodeStyles:
    return CodeStyles(stylesheets)


def _slim_block(code: str, styles: CodeStyles) -> str:
    code = code.replace("<span></span>", "")

    def span(match: re.Match) -> str:
        name, text = match.group(1), match.group(2)
        if not styles.signature(name):
            return text
        if not text.strip() and styles.colour_only(name):
            return text
        return f'<span class="{styles.canonical.get(name, name)}">{text}</span>'

    code = _SPAN.sub(span, code)
    merged = None
    while merged != code:
        merged, code = code, _NEIGHBOURS.sub(r'<span class="\1">\2', code)
    return code


def slim_code(page_html: str, stylesheets: list[str]) -> str:
    """Rewrite every highlighted code block of a notebook page; see the module docstring."""
    styles = code_styles(tuple(stylesheets))
    return _BLOCK.sub(
        lambda m: m.group(1) + _slim_block(m.group(2), styles) + m.group(3), page_html
    )
