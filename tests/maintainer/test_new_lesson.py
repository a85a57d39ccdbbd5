"""``new-lesson``: the scaffold lands in the right place, passes ``check`` and runs as written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from build_tools.catalog.model import load_catalog
from tests.conftest import ROOT, run_cli


@pytest.fixture
def project(tmp_path):
    """A project folder with the real catalog and two numbered lessons in other stages."""
    shutil.copy(ROOT / "resources.yml", tmp_path / "resources.yml")
    for lesson in ("stage-1/01-digits.py", "stage-2/07-tensors-and-matmul.py"):
        target = tmp_path / "docs" / "lessons" / lesson
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "docs" / "lessons" / lesson, target)
    return tmp_path


def test_new_lesson_passes_check_runs_and_lints(project):
    result = run_cli(
        "new-lesson", "--stage", "3", "--title", "Attention, from scratch!", cwd=project
    )
    assert result.returncode == 0, result.stderr
    path = project / "docs/lessons/stage-3/08-attention-from-scratch.py"  # next number overall
    assert f"wrote docs/lessons/stage-3/{path.name}" in result.stdout
    text = path.read_text(encoding="utf-8")
    assert '# title: "Attention, from scratch!"' in text
    assert "# stage: 3\n" in text

    check = run_cli("check", cwd=project)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == f"ok: {_resource_count()} resources, 3 lessons"

    run = subprocess.run(
        [sys.executable, str(path)],
        cwd=path.parent,
        env={**os.environ, "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "linear model:" in run.stdout

    ruff = [sys.executable, "-m", "ruff"]
    config = ["--config", str(ROOT / "pyproject.toml")]
    lint = subprocess.run([*ruff, "check", *config, str(path)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    style = subprocess.run(
        [*ruff, "format", "--check", *config, str(path)], capture_output=True, text=True
    )
    assert style.returncode == 0, style.stdout


def _resource_count() -> int:
    return len(load_catalog(ROOT / "resources.yml").resources)


def test_new_lesson_cites_the_stage_first_resource(project):
    first = load_catalog(project / "resources.yml").resources_for_stage(5)[0].id
    result = run_cli(
        "new-lesson", "--stage", "5", "--title", "Policy iteration", "--dry-run", cwd=project
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "would write docs/lessons/stage-5/08-policy-iteration.py"
    assert f"# resources: [{first}]\n" in result.stdout
    assert "## Questions" in result.stdout and "## Further research" in result.stdout
    assert not (project / "docs/lessons/stage-5").exists()


def test_new_lesson_refuses_to_overwrite_or_to_name_nothing(project):
    first = run_cli("new-lesson", "--stage", "1", "--title", "Digits", cwd=project)
    assert first.returncode == 1
    assert "stage-1 already has a lesson with this title" in first.stderr
    assert (project / "docs/lessons/stage-1/01-digits.py").read_bytes() == (
        ROOT / "docs/lessons/stage-1/01-digits.py"
    ).read_bytes()

    empty = run_cli("new-lesson", "--stage", "1", "--title", "?!", cwd=project)
    assert empty.returncode == 1
    assert "has no letters or digits" in empty.stderr
    assert "Traceback" not in empty.stderr


def test_new_lesson_reports_a_broken_catalog(project):
    (project / "resources.yml").write_text("stages: []\n", encoding="utf-8")
    result = run_cli("new-lesson", "--stage", "2", "--title", "Norms", cwd=project)
    assert result.returncode == 1
    assert "resources.yml:1:1:" in result.stderr
    assert "Traceback" not in result.stderr
