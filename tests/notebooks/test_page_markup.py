"""Lightening mkdocs-jupyter's real HTML, shortening outputs, and the lesson bar's links."""

from __future__ import annotations

import base64
import html
import io
import re

import nbformat
import pytest
from mkdocs_jupyter import convert
from PIL import Image

from build_tools.lessons import notebook_html
from build_tools.lessons.notebook_html import lighten, lighten_cached
from build_tools.lessons.notebook_math import wrap_math
from build_tools.lessons.page_parts import (
    colab_url,
    page_notebook,
    shorten_text,
    squeeze_whitespace,
)

CODE = (
    "import numpy as np\nvalues = np.arange(3) * 2  # doubled\n"
    'print(f"{values.sum()}", len("a, b"))\n'
)


def _png(width: int, height: int) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> str:
    """mkdocs-jupyter's own HTML for a small executed-looking notebook."""
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        }
    )
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nSome prose.\n\n## Part"),
        nbformat.v4.new_code_cell(
            CODE,
            execution_count=1,
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="12 4\n"),
                nbformat.v4.new_output(
                    "display_data", data={"image/png": _png(30, 20), "text/plain": "<Figure>"}
                ),
            ],
        ),
    ]
    path = tmp_path_factory.mktemp("nb") / "small.ipynb"
    nbformat.write(nb, path)
    return convert.nb2html(str(path))


def code_blocks(page_html: str) -> list[str]:
    return re.findall(r'<div class="highlight[ -][^"]*"[^>]*><pre>(.*?)</pre>', page_html, re.S)


def code_text(page_html: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in code_blocks(page_html)]


def test_styles_scripts_and_images_leave_the_page(rendered):
    assert len(rendered) > 500_000  # the inline stylesheet this replaces
    light = lighten(rendered)
    assert len(light.html) < 2_000
    assert "<style" not in light.html and "<script" not in light.html
    ((name, data),) = light.images.items()
    assert name.endswith(".png") and data.startswith(b"\x89PNG")
    assert re.search(rf'<img [^>]*src="{name}"[^>]*width="30" height="20"', light.html)
    assert 'class=""' not in light.html


def test_code_cells_become_material_code_blocks_of_plain_text(rendered):
    light = lighten(rendered).html
    assert code_text(light) == code_text(rendered) == [CODE]
    (block,) = re.findall(r'<div class="highlight tdl-code"><pre>(.*?)</pre></div>', light, re.S)
    assert block.startswith('<code class="language-python">') and block.endswith("</code>")
    assert "<span" not in block  # the browser colours it (assets/tdl/code.js)
    for gone in ("clipboard-copy", "Copied!", "In\xa0[", "In&nbsp;[", "jp-", "cell-id"):
        assert gone not in light, gone


def test_outputs_are_plain_blocks_by_kind(rendered):
    light = lighten(rendered).html
    assert '<div class="tdl-output tdl-output--text" tabindex="0">\n<pre>12 4\n</pre>' in light
    assert '<div class="tdl-output tdl-output--image">' in light


def notebook(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def page_of(nb, folder) -> str:
    """mkdocs-jupyter's HTML for a notebook, lightened."""
    path = folder / "page.ipynb"
    nbformat.write(nb, path)
    return lighten(convert.nb2html(str(path))).html


def test_terminal_colours_leave_error_outputs(tmp_path):
    traceback = ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"]
    error = nbformat.v4.new_output(
        "error", ename="ZeroDivisionError", evalue="division by zero", traceback=traceback
    )
    light = page_of(notebook(nbformat.v4.new_code_cell("1 / 0", outputs=[error])), tmp_path)
    output = re.search(r'<div class="tdl-output tdl-output--error"[^>]*>(.*?)</div>', light, re.S)
    assert output and "<pre>" in output.group(1)
    assert "ZeroDivisionError: division by zero" in output.group(1)
    assert "ansi" not in light and "<span" not in light


def test_the_search_view_is_flat_prose_and_code_without_noise(rendered):
    light = lighten(rendered)
    assert light.search_html.startswith('<h1 id="title">Title</h1>')
    assert '<h2 id="part">Part</h2>' in light.search_html
    assert "<p>Some prose.</p>" in light.search_html
    code = re.search(r"<pre>(.*?)</pre>", light.search_html, re.S).group(1)
    assert html.unescape(code) == CODE
    for noise in ("In\xa0[", "In [", "Copied!", "¶", "12 4", "<div", "<span", "<img"):
        assert noise not in light.search_html, noise


def test_the_page_keeps_its_structure(rendered):
    light = lighten(rendered).html
    assert light.count("<div") == light.count("</div>")
    assert light.startswith('<div class="tdl-notebook">')
    assert '<a class="headerlink" href="#title">' in light and "jp-Collapser" not in light
    assert light.index("<h1") < light.index("<p>Some prose.</p>") < light.index("tdl-code")


def test_long_outputs_keep_head_and_tail():
    text = "".join(f"line {n}\n" for n in range(100))
    short = shorten_text(text, 20)
    lines = short.splitlines()
    assert lines[0] == "line 0" and lines[-1] == "line 99" and len(lines) == 21
    assert "[… 80 more lines; the downloadable notebook has the full output]" in short
    assert shorten_text("a\nb\n", 20) == "a\nb\n"
    assert shorten_text("x" * 5000, 20).endswith("[… line shortened]\n")


def test_page_notebook_shortens_only_text(rendered):
    stream = nbformat.v4.new_output("stream", name="stdout", text="\n".join(map(str, range(500))))
    image = nbformat.v4.new_output("display_data", data={"image/png": "AAAA", "text/plain": "fig"})
    nb = notebook(nbformat.v4.new_code_cell("x", outputs=[stream, image]))
    shown = nbformat.reads(page_notebook(nbformat.writes(nb).encode(), 30).decode(), 4)
    stream, image = shown.cells[0].outputs
    assert len(stream.text.splitlines()) == 31 and image.data["image/png"] == "AAAA"


@pytest.mark.parametrize(
    ("repo", "expected"),
    [
        (
            "https://github.com/owner/repo",
            "https://colab.research.google.com/github/owner/repo"
            "/blob/gh-pages/lessons/stage-1/01-x/01-x.ipynb",
        ),
        (
            "https://github.com/owner/repo.git/",
            "https://colab.research.google.com/github/owner/repo"
            "/blob/gh-pages/lessons/stage-1/01-x/01-x.ipynb",
        ),
        ("https://gitlab.com/owner/repo", None),
        (None, None),
    ],
)
def test_colab_links_point_at_the_published_notebook(repo, expected):
    assert colab_url(repo, "gh-pages", "lessons/stage-1/01-x/01-x.ipynb") == expected


def test_math_is_written_as_the_site_writes_it():
    cell = (
        "<p>Loss $L = (y - \\hat y)^2$ costs $5 or $10; <code>$HOME</code></p>\n"
        "<p>$$\n\\frac{a}{b} &lt; 1\n$$</p><pre>$verbatim$</pre>"
    )
    assert wrap_math(cell) == (
        '<p>Loss <span class="arithmatex">\\(L = (y - \\hat y)^2\\)</span> costs $5 or $10; '
        "<code>$HOME</code></p>\n"
        '<p><span class="arithmatex">\\[\n\\frac{a}{b} &lt; 1\n\\]</span></p><pre>$verbatim$</pre>'
    )


def test_math_in_markdown_cells_only(tmp_path):
    printed = nbformat.v4.new_output("stream", name="stdout", text="$x$\n")
    light = page_of(
        notebook(
            nbformat.v4.new_markdown_cell("The loss $L$ falls."),
            nbformat.v4.new_code_cell("print('$x$')", outputs=[printed]),
        ),
        tmp_path,
    )
    assert '<p>The loss <span class="arithmatex">\\(L\\)</span> falls.</p>' in light
    assert light.count("arithmatex") == 1


def test_a_lightened_page_is_remembered(rendered, tmp_path):
    first = lighten_cached(rendered, tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 1
    # Images are stored once, whatever the number of pages showing them.
    again = lighten_cached(rendered + " ", tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 2
    assert len(list((tmp_path / "blobs").iterdir())) == len(first.images) == 1
    remembered = lighten_cached(rendered, tmp_path)
    assert remembered == first and again.html == first.html


def test_indentation_goes_but_verbatim_text_and_attributes_stay():
    page_html = (
        '<div title="a  b">\n    <p>a <b>b</b>\n   <i>c</i>   d\xa0\xa0e</p>\n'
        "  <pre>  x\n\n    y</pre>\n"
        "   <script>\n  var a = 1;\n</script>\n <span>z</span> <span>w</span>\n\n"
        '<span class="md-ellipsis">\n      Title\n    </span></div>'
    )
    assert squeeze_whitespace(page_html) == (
        '<div title="a  b">\n<p>a <b>b</b>\n<i>c</i> d\xa0\xa0e</p>\n<pre>  x\n\n    y</pre>\n'
        "<script>\n  var a = 1;\n</script>\n<span>z</span> <span>w</span>\n"
        '<span class="md-ellipsis">\nTitle\n</span></div>'
    )


def test_a_change_to_the_lightener_forgets_remembered_pages(rendered, tmp_path, monkeypatch):
    lighten_cached(rendered, tmp_path)
    monkeypatch.setattr(notebook_html, "_code_version", lambda: b"newer rules")
    lighten_cached(rendered, tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 2
