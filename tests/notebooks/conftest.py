"""Tiny synthetic lessons in a throwaway project, executed by real kernels and real builds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import catalog_yaml, run_cli, teaching_cell, write_project
from tests.site.conftest import MKDOCS_YML as SITE_YML
from tests.site.conftest import build_site

HEADER = """\
# ---
# title: "{title}"
# summary: A tiny lesson for the tests.
# stage: 1
# kind: lesson
# minutes: 1
# resources: [first-course]
# data: {data}
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

"""

# The site tests' project, plus a repository (for Colab links) and two kernels.
MKDOCS_YML = SITE_YML.replace(
    "plugins:\n  - search\n  - tdl\n",
    "repo_url: https://github.com/example-org/example-repo\n"
    "plugins:\n  - search\n  - tdl:\n      execute:\n        jobs: 2\n        output_lines: 20\n",
)
assert "jobs: 2" in MKDOCS_YML

PLAIN = """\
# %% [markdown]
# # {title}
#
# Prose about the {word} lesson.
#
# ## Working part

# %%
total = sum(range(10))
print("total", total)
"""


def lesson_text(title: str, body: str, data: str = "[]") -> str:
    """A lesson: the header, ``body``, and the teaching sections a finished lesson has."""
    tail = "" if "## Questions" in body else "\n" + teaching_cell(title)
    return HEADER.format(title=title, data=data) + body + tail


def write_lesson(
    project: Path, name: str, body: str | None = None, title: str | None = None, data: str = "[]"
) -> Path:
    """Write ``docs/lessons/stage-1/<name>.py``; the default body prints one line."""
    title = title or name.split("-", 1)[-1].replace("-", " ").capitalize()
    body = body if body is not None else PLAIN.format(title=title, word=name)
    path = project / "docs" / "lessons" / "stage-1" / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(lesson_text(title, body, data), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path) -> Path:
    """mkdocs.yml, a one-resource catalog and the start page; lessons are up to the test."""
    return write_project(tmp_path, MKDOCS_YML, catalog_yaml())


mkdocs_build = build_site  # ``mkdocs build --strict`` in a project, for real


def execute(project: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m build_tools execute`` in ``project``."""
    return run_cli("execute", *args, cwd=project)
