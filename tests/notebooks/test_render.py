"""Executed notebooks rendered to Markdown, and that Markdown rendered by Python-Markdown with
the site's own extensions, as both engines render it."""

from __future__ import annotations

import base64
import io

import markdown
import nbformat
import pytest
from PIL import Image

from build_tools.lessons.page_parts import colab_url, shorten_text, squeeze_whitespace
from build_tools.lessons.render import render_notebook

CODE = 'import numpy as np\nvalues = np.arange(3) * 2  # doubled\nprint(f"{values.sum()}", "<b>")\n'
EXTENSIONS = ["attr_list", "md_in_html", "toc", "pymdownx.details", "pymdownx.superfences"]


def _png(width: int, height: int) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def notebook(*cells) -> dict:
    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Py", "language": "python"}}
    )
    nb.cells = list(cells)
    return nbformat.reads(nbformat.writes(nb), 4)


def html_of(body: str) -> str:
    """The body through Python-Markdown with the extensions the site's pages use."""
    extensions = [*EXTENSIONS, "pymdownx.arithmatex"]
    configs = {"pymdownx.arithmatex": {"generic": True}}
    return markdown.markdown(body, extensions=extensions, extension_configs=configs)


@pytest.fixture
def executed() -> dict:
    image = nbformat.v4.new_output(
        "display_data", data={"image/png": _png(30, 20), "text/plain": "<Figure>"}
    )
    return notebook(
        nbformat.v4.new_markdown_cell("# Title\n\nSome prose with $x^2$.\n\n## Part"),
        nbformat.v4.new_code_cell(
            CODE,
            metadata={"alt": "A white rectangle thirty pixels wide"},
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="6 <b>\n"),
                nbformat.v4.new_output("stream", name="stdout", text="more\n"),
                image,
            ],
        ),
    )


def test_markdown_stays_markdown_and_code_becomes_a_plain_code_block(executed):
    page = render_notebook(executed, folder="01-x")
    assert page.markdown.startswith("# Title\n\nSome prose with $x^2$.\n\n## Part")
    out = html_of(page.markdown)
    assert '<h1 id="title">Title</h1>' in out and '<h2 id="part">Part</h2>' in out
    assert '<span class="arithmatex">\\(x^2\\)</span>' in out
    block = (
        '<div class="highlight tdl-code"><pre><code class="language-python">import numpy as np\n'
    )
    assert block in out
    # Code is text for the browser's highlighter: no token spans, markup characters escaped.
    assert "&lt;b&gt;" in out and "<span class=" not in out.split("tdl-code")[1].split("</pre>")[0]


def test_outputs_are_blocks_left_out_of_search_with_images_as_files(executed):
    page = render_notebook(executed, folder="01-x")
    out = html_of(page.markdown)
    assert (
        '<div class="tdl-output tdl-output--text" tabindex="0" data-search-exclude>'
        "<pre>6 &lt;b&gt;\nmore</pre></div>" in out
    )
    (name,) = page.files
    assert name.startswith("output-") and name.endswith(".png")
    assert page.files[name][:8] == b"\x89PNG\r\n\x1a\n"
    assert f'src="01-x/{name}"' in out
    assert 'alt="A white rectangle thirty pixels wide"' in out
    assert 'width="30"' in out and 'height="20"' in out and 'loading="lazy"' in out
    assert "&lt;Figure&gt;" not in out  # the image was shown, not its text fallback
    assert page.problems == []


def test_errors_lose_terminal_colours_and_stderr_is_its_own_kind():
    error = nbformat.v4.new_output(
        "error", ename="ValueError", evalue="bad", traceback=["\x1b[31mValueError\x1b[0m: bad"]
    )
    warning = nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n")
    page = render_notebook(notebook(nbformat.v4.new_code_cell("x", outputs=[warning, error])), "p")
    assert '<div class="tdl-output tdl-output--stderr"' in page.markdown
    assert "<pre>ValueError: bad</pre>" in page.markdown and "\x1b" not in page.markdown


def test_rich_outputs_keep_their_kind():
    table = nbformat.v4.new_output(
        "execute_result",
        data={"text/html": "<table><tr><td>1</td></tr></table>", "text/plain": "t"},
    )
    note = nbformat.v4.new_output("display_data", data={"text/markdown": "**bold** note"})
    out = html_of(
        render_notebook(
            notebook(nbformat.v4.new_code_cell("x", outputs=[table, note])), "p"
        ).markdown
    )
    assert "<table><tr><td>1</td></tr></table>" in out
    assert "<strong>bold</strong> note" in out


def test_cell_tags_remove_or_fold_parts():
    printed = [nbformat.v4.new_output("stream", name="stdout", text="shown\n")]
    cells = [
        nbformat.v4.new_code_cell("gone = 1", metadata={"tags": ["remove-cell"]}, outputs=printed),
        nbformat.v4.new_code_cell(
            "no_input = 1", metadata={"tags": ["remove-input"]}, outputs=printed
        ),
        nbformat.v4.new_code_cell(
            "no_output = 1", metadata={"tags": ["remove-output"]}, outputs=printed
        ),
        nbformat.v4.new_code_cell("folded = 1", metadata={"tags": ["hide-input"]}),
    ]
    body = render_notebook(notebook(*cells), "p").markdown
    assert "gone" not in body and "no_input" not in body and "no_output = 1" in body
    assert body.count("shown") == 1
    out = html_of(body)
    assert '<details class="tdl-fold">\n<summary>Show code</summary>' in out and "folded = 1" in out


def test_a_plot_without_its_description_is_a_problem_of_its_cell():
    image = nbformat.v4.new_output("display_data", data={"image/png": _png(2, 2)})
    cells = [
        nbformat.v4.new_markdown_cell("# T"),
        nbformat.v4.new_code_cell("plot()", outputs=[image]),
        nbformat.v4.new_code_cell("print()", metadata={"alt": "a plot that is not there"}),
    ]
    problems = render_notebook(notebook(*cells), "p").problems
    assert [cell for cell, _ in problems] == [2, 3]
    assert "without alt text" in problems[0][1] and "shows no plot" in problems[1][1]


def test_a_figure_of_several_panels_may_be_described_panel_by_panel():
    image = nbformat.v4.new_output("display_data", data={"image/png": _png(2, 2)})
    alt = ["Left: the loss falls.", "Right: the accuracy rises."]
    cell = nbformat.v4.new_code_cell("plot()", metadata={"alt": alt}, outputs=[image])
    page = render_notebook(notebook(cell), "p")
    assert "![Left: the loss falls. Right: the accuracy rises.](p/output-" in page.markdown
    assert page.problems == []


def test_long_outputs_keep_head_and_tail():
    text = "".join(f"line {n}\n" for n in range(100))
    short = shorten_text(text, 20)
    lines = short.splitlines()
    assert lines[0] == "line 0" and lines[-1] == "line 99" and len(lines) == 21
    assert "[… 80 more lines; the downloadable notebook has the full output]" in short
    assert shorten_text("a\nb\n", 20) == "a\nb\n"
    assert shorten_text("x" * 5000, 20).endswith("[… line shortened]\n")
    printed = nbformat.v4.new_output("stream", name="stdout", text=text)
    body = render_notebook(notebook(nbformat.v4.new_code_cell("x", outputs=[printed])), "p", 20)
    assert "80 more lines" in body.markdown


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
