"""Shared fixtures: running the command line for real, and a small valid catalog to vary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

STAGES_YAML = """\
stages:
  - number: 1
    title: Practical encounter
    goal: Train a model.
    outcomes: [Train a classifier]
  - number: 2
    title: Foundations
    goal: The maths.
    outcomes: [Multiply matrices]
  - number: 3
    title: Deep dive
    goal: Inside the loop.
    outcomes: [Write backprop]
  - number: 4
    title: Capstone one
    goal: A project.
    outcomes: [Publish a notebook]
    capstone: true
    rules: [Supervised problem]
  - number: 5
    title: Deep RL
    goal: Agents.
    outcomes: [Train an agent]
  - number: 6
    title: Capstone two
    goal: An RL project.
    outcomes: [Publish an agent]
    capstone: true
    rules: [Deep RL problem]
"""

RESOURCE_YAML = """\
  - id: {id}
    title: {title}
    url: {url}
    kind: course
    stage: {stage}
    authors: [Ada Lovelace]
    free: yes
    level: beginner
    tags: [practice]
    summary: {summary}
"""


def resource_yaml(
    rid="first-course",
    title="First course",
    url="https://example.org/course",
    stage=1,
    summary="A course.",
) -> str:
    return RESOURCE_YAML.format(id=rid, title=title, url=url, stage=stage, summary=summary)


def catalog_yaml(*resources: str) -> str:
    body = "".join(resources) if resources else resource_yaml()
    return (
        "# yaml-language-server: $schema=./resources.schema.json\n"
        + STAGES_YAML
        + "resources:\n"
        + body
    )


def write_project(root: Path, mkdocs_yml: str, catalog: str | None = None) -> Path:
    """A small project in ``root``: its mkdocs.yml, the start-here page and, when given, the
    catalog text as resources.yml."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "start-here.md").write_text("# Start here\n\nWelcome.\n", "utf-8")
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    if catalog is not None:
        (root / "resources.yml").write_text(catalog, encoding="utf-8")
    return root


def run_python(
    args: list[str], cwd: Path | None = None, env: dict | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    """Run this interpreter with ``args`` in a real subprocess, capturing text output.

    The project root is importable and GITHUB_ACTIONS is unset unless ``env`` sets it, so
    output formats do not depend on where the tests run.
    """
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    full_env.pop("GITHUB_ACTIONS", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_cli(
    *args: str, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -m build_tools`` for real and capture its output."""
    return run_python(["-m", "build_tools", *args], cwd=cwd, env=env)


@pytest.fixture
def write_catalog(tmp_path):
    """Write catalog text (str or bytes) to a file and return its path."""

    def write(content, name="resources.yml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


def pytest_collection_modifyitems(config, items):
    """Run browser tests last: Playwright's synchronous API keeps an event loop running in
    the main thread for the rest of the session, where ``asyncio.run`` then refuses to start.

    Under pytest-xdist (``make test`` runs two workers) tests are handed out in this order,
    so a worker that has started on browser tests gets no other kind afterwards."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def teaching_cell(title: str = "this lesson") -> str:
    """A markdown cell with what every finished lesson ends with: a quick check, five
    answered questions and two further-research tasks (``check`` asks for all three)."""
    return f"""
# %% [markdown]
# Quick check: is {title} a test lesson?
#
# - [x] yes
# - [ ] no
#
# ## Questions
#
# 1. First question of {title}?
#
#    Answer: The first answer.
#
# 2. Second question with `code`?
#
#    Hint: A hint with `code`.
#
# 3. Third?
#
#    Answer: Third.
#
# 4. Fourth?
#
#    Answer: Fourth.
#
# 5. Fifth?
#
#    Answer: Fifth.
#
# ## Further research
#
# - One task.
# - Another task.
"""
