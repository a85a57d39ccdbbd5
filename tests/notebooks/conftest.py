"""Tiny synthetic lessons in a throwaway project, executed by real kernels and real builds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import catalog_yaml, run_cli

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

MKDOCS_YML = """\
site_name: Notebook test site
site_url: https://example.org/
repo_url: https://github.com/example-org/example-repo
theme:
  name: material
  font: false
markdown_extensions: [attr_list, md_in_html, admonition, toc]
plugins:
  - search
  - tdl:
      execute:
        jobs: 2
        output_lines: 20
  - mkdocs-jupyter:
      include: ["lessons/stage-*/*.py"]
"""

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
    return HEADER.format(title=title, data=data) + body


def write_lesson(project: Path, name: str, body: str | None = None, title: str | None = None,
                 data: str = "[]") -> Path:
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
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "start-here.md").write_text("# Start here\n\nWelcome.\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "resources.yml").write_text(catalog_yaml(), encoding="utf-8")
    return tmp_path


def mkdocs_build(project: Path, *extra: str) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` in ``project``, for real."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *extra],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )


def execute(project: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m build_tools execute`` in ``project``."""
    return run_cli("execute", *args, cwd=project)
