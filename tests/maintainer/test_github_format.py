"""``--format github``: every problem-reporting command prints workflow annotations that
name the right file and line, and picks that format by itself under GitHub Actions."""

from __future__ import annotations

import re

import pytest

from tests.conftest import catalog_yaml, resource_yaml, run_cli

ANNOTATION = re.compile(
    r"^::error file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+)::(?P<message>.+)$"
)

FAILING_LESSON = """\
# ---
# title: Fails on purpose
# summary: Its second cell raises.
# stage: 1
# kind: notes
# minutes: 1
# ---

# %%
x = 1

# %%
y = 2
raise ValueError("wrong on purpose")
"""


def annotations(text: str) -> list[dict]:
    return [m.groupdict() for line in text.splitlines() if (m := ANNOTATION.match(line))]


@pytest.fixture
def project(tmp_path):
    """A catalog with a bad resource kind, a failing lesson and a site with a broken link."""
    bad = resource_yaml(rid="second-course").replace("kind: course", "kind: podcast")
    (tmp_path / "resources.yml").write_text(catalog_yaml(resource_yaml(), bad), encoding="utf-8")
    lessons = tmp_path / "docs" / "lessons" / "stage-1"
    lessons.mkdir(parents=True)
    (lessons / "01-fails.py").write_text(FAILING_LESSON, encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<html><body>\n<a href="gone.html">gone</a>\n</body></html>\n')
    return tmp_path


def _line_of(path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_check_annotates_the_catalog_line(project):
    result = run_cli("check", "--no-lessons", "--format", "github", cwd=project)
    assert result.returncode == 1
    [found] = annotations(result.stderr)
    assert found["file"] == "resources.yml"
    assert int(found["line"]) == _line_of(project / "resources.yml", "kind: podcast")
    assert found["message"].startswith("kind: must be one of")


def test_fmt_check_annotates_the_first_unformatted_line(project):
    catalog = project / "resources.yml"
    catalog.write_text(catalog_yaml(resource_yaml()), encoding="utf-8")
    assert run_cli("fmt", cwd=project).returncode == 0
    catalog.write_text(catalog.read_text().replace('free: "yes"', "free: 'yes'"), encoding="utf-8")
    result = run_cli("fmt", "--check", "--format", "github", cwd=project)
    assert result.returncode == 1
    [found] = annotations(result.stderr)
    assert found["file"] == "resources.yml"
    assert int(found["line"]) == _line_of(catalog, "free: 'yes'")


def test_execute_annotates_the_failing_cell_and_is_automatic_under_actions(project):
    result = run_cli("execute", "--jobs", "1", cwd=project, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    [found] = annotations(result.stderr)
    lesson = project / "docs/lessons/stage-1/01-fails.py"
    assert found["file"] == "docs/lessons/stage-1/01-fails.py"
    assert int(found["line"]) == _line_of(lesson, 'raise ValueError("wrong on purpose")')
    assert found["message"] == "cell 2: ValueError: wrong on purpose"


def test_linkcheck_annotates_the_page_with_the_broken_link(project):
    result = run_cli("linkcheck", "--site", "site", "--offline", "--format", "github", cwd=project)
    assert result.returncode == 1
    [found] = annotations(result.stdout + result.stderr)
    assert found["file"] == "site/index.html"
    assert found["line"] == "2"
    assert "gone.html" in found["message"]
