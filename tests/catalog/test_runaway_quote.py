"""A quote left open swallows the lines below it up to the next quote character; the error
points where the quote opened, whichever later line the parser gave up on."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, run_cli


def _open_quote(text: str, resource_index: int, key: str) -> tuple[str, int]:
    """The catalog with one value's closing quote removed; returns the text and its line."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith("- id:")]
    start = starts[resource_index]
    row = next(i for i in range(start, len(lines)) if lines[i].strip().startswith(f"{key}:"))
    indent, value = lines[row].split(f"{key}:", 1)
    lines[row] = f'{indent}{key}: "{value.strip().strip(chr(34))}'
    return "\n".join(lines), row + 1


@pytest.mark.parametrize(("index", "key"), [(0, "title"), (5, "summary"), (-1, "title")])
def test_an_unclosed_quote_in_the_real_catalog_is_reported_where_it_opened(tmp_path, index, key):
    text, line = _open_quote((ROOT / "resources.yml").read_text("utf-8"), index, key)
    (tmp_path / "resources.yml").write_text(text, "utf-8")
    done = run_cli("check", "--catalog", "resources.yml", cwd=tmp_path)
    assert done.returncode == 1
    first = (done.stdout + done.stderr).splitlines()[0]
    assert first.startswith(f"resources.yml:{line}:"), first
    assert "is its closing quote missing?" in first
    assert "Traceback" not in done.stderr
