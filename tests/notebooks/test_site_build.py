"""Real ``mkdocs build`` runs of a tiny project: executed, light, searchable lesson pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import catalog_yaml, write_project
from tests.notebooks.conftest import MKDOCS_YML, mkdocs_build, write_lesson

RICH = """\
# %% [markdown]
# # A rich lesson
#
# Opening prose with a distinctive word: zebrafish.
#
# ## Computing
#
# Numbers first.

# %%
squares = [n * n for n in range(5)]
print("squares", squares)

# %%
for step in range(200):
    print("step", step)

# %% tags=["raises-exception"]
squares["nope"]

# %% [markdown]
# ## Plotting with `plt`

# %% alt="The five squares drawn as a line rising from 0 to 16"
import matplotlib.pyplot as plt
plt.plot(squares)
plt.show()
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = write_project(tmp_path_factory.mktemp("site-project"), MKDOCS_YML, catalog_yaml())
    write_lesson(project, "01-rich", body=RICH, title="A rich lesson")
    write_lesson(project, "02-plain")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    return project / "site"


def page(site: Path, name: str) -> str:
    return (site / "lessons" / "stage-1" / name / "index.html").read_text(encoding="utf-8")


def test_lesson_pages_are_light(site):
    for name in ("01-rich", "02-plain"):
        html = page(site, name)
        assert len(html.encode()) <= 60 * 1024, name
        assert "<style" not in html and "data:image" not in html and "jp-" not in html
        assert "cdnjs.cloudflare.com" not in html and "clipboard-copy" not in html
        assert '<div class="highlight tdl-code"><pre><code class="language-python">' in html
        # The lesson markup's styles and the code colouring are in the site's shared files.
        for asset in ("reader.css", "reader.js"):
            assert re.search(rf'"\.\./\.\./\.\./assets/tdl/{asset}\?v=\w+"', html)
    assert ".tdl-output" in (site / "assets" / "tdl" / "reader.css").read_text()
    assert "Prism.manual = true" in (site / "assets" / "tdl" / "reader.js").read_text()


def test_outputs_plots_and_errors_are_rendered(site):
    html = page(site, "01-rich")
    assert "squares [0, 1, 4, 9, 16]" in html
    # The raises-exception cell shows its error as an error output, without its tag.
    error = re.search(r'<div class="tdl-output tdl-output--error"[^>]*>(.*?)</div>', html, re.S)
    assert error and "TypeError" in error.group(1)
    assert "raises-exception" not in html
    images = re.findall(r'<img [^>]*src="(output-[0-9a-f]+\.png)"', html)
    assert len(images) == 1
    assert (site / "lessons" / "stage-1" / "01-rich" / images[0]).read_bytes()[:4] == b"\x89PNG"


def test_long_outputs_are_shortened_on_the_page_and_whole_in_the_download(site):
    html = page(site, "01-rich")
    assert "step 0" in html and "step 199" in html and "step 100" not in html
    assert "more lines; the downloadable notebook has the full output" in html
    folder = site / "lessons" / "stage-1" / "01-rich"
    nb = nbformat.read(folder / "01-rich.ipynb", as_version=4)
    text = "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))
    assert "step 100\n" in text and "step 199\n" in text
    assert nb.metadata["tdl"]["title"] == "A rich lesson"
    assert (folder / "01-rich.py").read_text().startswith('# ---\n# title: "A rich lesson"')


def test_lesson_bar_offers_downloads_colab_and_runtime(site):
    html = page(site, "01-rich")
    bar = re.search(r'<div class="tdl-lesson-bar"[^>]*>.*?</div>', html, re.DOTALL).group(0)
    links = re.findall(r"<a ([^>]*)>", bar)
    for name in ("01-rich.ipynb", "01-rich.py"):
        assert any(f'href="{name}"' in a and " download" in f" {a}" for a in links), name
    assert (
        "https://colab.research.google.com/github/example-org/example-repo/blob/gh-pages/"
        "lessons/stage-1/01-rich/01-rich.ipynb"
    ) in bar
    assert re.search(r"Executed when the site was built: [\d.]+ s on CPU", bar)
    assert html.index("tdl-lesson-bar") > html.index("<h1")


def test_title_and_contents_keep_inline_code(site):
    html = page(site, "01-rich")
    assert "<title>A rich lesson" in html
    toc = re.search(r'<nav class="md-nav md-nav--secondary".*?</nav>', html, re.DOTALL).group(0)
    # Every word of a heading stays, inline code included (as on every other page).
    assert re.search(r"Plotting with (<code>)?plt", toc) and 'href="#computing"' in toc


def test_execution_report_page_and_json(site):
    report = json.loads((site / "_reports" / "execution.json").read_text())
    assert [x["id"] for x in report["lessons"]] == ["stage-1/01-rich", "stage-1/02-plain"]
    assert all(x["status"] == "ok" and x["device"] == "cpu" for x in report["lessons"])
    html = (site / "reports" / "execution" / "index.html").read_text()
    assert "Execution report" in html and "A rich lesson" in html
    assert 'href="../../lessons/stage-1/01-rich/"' in html


def test_search_indexes_prose_and_code_once_without_noise(site):
    index = json.loads((site / "search" / "search_index.json").read_text())
    entries = [e for e in index["docs"] if e["location"].startswith("lessons/stage-1/01-rich/")]
    text = "\n".join(e["title"] + "\n" + e["text"] for e in entries)
    assert text.count("zebrafish") == 1
    assert text.count("squares = [n * n for n in range(5)]") == 1
    assert text.count("plt.plot(squares)") == 1
    for noise in (
        "In [",
        "In&nbsp;[",
        "Out[",
        "Copied!",
        "¶",
        "clipboard",
        "raises-exception",
        "step 199",
        "&lt;span",
        "title:",
        "---",
    ):
        assert noise not in text, noise
    by_title = {e["title"]: e for e in entries}
    assert by_title["Computing"]["location"].endswith("#computing")
    assert "squares = [n * n for n in range(5)]" in by_title["Computing"]["text"]
    assert "plt.plot(squares)" in by_title["Plotting with <code>plt</code>"]["text"]
    assert "zebrafish" in by_title["A rich lesson"]["text"]


def test_a_warm_rebuild_executes_nothing_and_one_edit_executes_one(project):
    write_lesson(project, "01-one")
    two = write_lesson(project, "02-two")
    assert mkdocs_build(project).returncode == 0
    report = project / "site" / "_reports" / "execution.json"

    warm = mkdocs_build(project)
    assert warm.returncode == 0, warm.stderr
    assert json.loads(report.read_text())["summary"]["executed"] == 0

    two.write_text(two.read_text().replace("range(10)", "range(12)"), encoding="utf-8")
    assert mkdocs_build(project).returncode == 0
    runs = json.loads(report.read_text())["lessons"]
    assert [(x["id"], x["cache"]) for x in runs] == [
        ("stage-1/01-one", "hit"),
        ("stage-1/02-two", "miss"),
    ]
    assert "total 66" in (project / "site/lessons/stage-1/02-two/index.html").read_text()


def _snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_a_failing_lesson_fails_the_build_and_keeps_the_last_site(project):
    lesson = write_lesson(project, "01-fragile")
    assert mkdocs_build(project).returncode == 0
    before = _snapshot(project / "site")

    lesson.write_text(lesson.read_text() + "\n# %%\nraise ValueError('bad input data')\n")
    failed = mkdocs_build(project)
    assert failed.returncode != 0
    line = len(lesson.read_text().splitlines())
    assert (
        f"docs/lessons/stage-1/01-fragile.py:{line}:1: cell 4: ValueError: bad input data"
        in failed.stderr
    )
    assert "Traceback" not in failed.stderr
    assert _snapshot(project / "site") == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")]


def test_a_strict_warning_keeps_the_last_site(project):
    write_lesson(project, "01-steady")
    assert mkdocs_build(project).returncode == 0
    before = _snapshot(project / "site")
    (project / "docs" / "broken.md").write_text("# Broken\n\n[gone](missing.md)\n", "utf-8")
    failed = mkdocs_build(project)
    assert failed.returncode != 0 and "strict mode" in failed.stdout + failed.stderr
    assert _snapshot(project / "site") == before


def test_with_execution_disabled_lessons_render_as_source(project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("jobs: 2", "enabled: false"), encoding="utf-8")
    write_lesson(project, "01-quiet")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    html = page(project / "site", "01-quiet")
    assert "total" in html and "<style" not in html
    assert "Not executed in this build." in html and ".ipynb" not in html
    assert (project / "site/lessons/stage-1/01-quiet/01-quiet.py").is_file()
    assert not (project / ".cache" / "tdl" / "notebooks").exists()  # nothing was executed
