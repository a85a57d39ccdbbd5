"""Small parts of a lesson page: shortened outputs, the Colab address, the runtime sentence,
and the whitespace squeeze every finished page goes through.

Long text outputs are shortened on the page (the downloadable notebook keeps them whole).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from build_tools.lessons.report import LessonRun, format_memory, format_seconds

MAX_LINE_CHARS = 2000
TAIL_LINES = 10
_GITHUB = re.compile(r"^https?://github\.com/([^/\s]+)/([^/\s]+?)(?:\.git)?/?$")


def shorten_text(text: str, max_lines: int) -> str:
    """Keep the head and tail of long text, saying how much was left out."""
    lines = text.splitlines(keepends=True)
    lines = [
        line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + " [… line shortened]\n"
        for line in lines
    ]
    if max_lines <= 0 or len(lines) <= max_lines:
        return "".join(lines)
    tail = min(TAIL_LINES, max_lines // 3)
    head = max_lines - tail
    hidden = len(lines) - head - tail
    note = f"[… {hidden} more lines; the downloadable notebook has the full output]\n"
    return "".join(lines[:head] + [note] + lines[len(lines) - tail :])


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def colab_url(repo_url: str | None, branch: str, site_path: str) -> str | None:
    """Colab opens notebooks from GitHub: the executed notebook on the published branch."""
    found = _GITHUB.match((repo_url or "").strip())
    if not found or not branch:
        return None
    owner, repo = found.groups()
    return (
        f"https://colab.research.google.com/github/{quote(owner)}/{quote(repo)}"
        f"/blob/{quote(branch)}/{quote(site_path)}"
    )


def run_sentence(run: LessonRun | None) -> str:
    if run is None or run.seconds is None:
        return "Not executed in this build."
    device = (run.device or "cpu").upper()
    memory = f", peak memory {format_memory(run.peak_memory_mb)}" if run.peak_memory_mb else ""
    sentence = (
        f"Executed when the site was built: {format_seconds(run.seconds)} on {device}{memory}."
    )
    if run.checked:
        sentence += f" Claims checked in {html.escape(run.checked)}."
    return sentence


_VERBATIM = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"(<[^>]*>)")
# Two or more ASCII whitespace characters; a no-break space is text and stays.
_RUN = re.compile(r"[ \t\r\n\f]{2,}")


def _squeeze_text(text: str) -> str:
    return _RUN.sub(lambda m: "\n" if "\n" in m.group(0) else " ", text)


def squeeze_whitespace(page_html: str) -> str:
    """Collapse the template indentation of a page: a tenth of a page is whitespace.

    Outside tags, a run of whitespace renders as one space wherever it is collapsed, so it
    becomes a single line break when it holds one and a single space otherwise. Tags keep
    their attributes as written; ``pre``, ``textarea``, ``script`` and ``style`` keep every
    character.
    """
    parts = _VERBATIM.split(page_html)
    # split() returns text, verbatim element, its tag name, text, ...
    out = []
    for index, part in enumerate(parts):
        if index % 3 == 1:
            out.append(part)
        elif index % 3 == 0:
            pieces = _TAG.split(part)
            out.append("".join(p if i % 2 else _squeeze_text(p) for i, p in enumerate(pieces)))
    return "".join(out)
