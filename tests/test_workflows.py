"""The GitHub Actions workflows: actionlint-clean, and doing what CI promises.

actionlint comes from the dev extra (a wheel carrying the binary) together with
shellcheck, which actionlint runs on every ``run:`` script.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.catalog.yamlsource import load_text
from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
MERGE = ROOT / ".github" / "scripts" / "merge_execution_reports.py"


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; run: pip install -e '.[dev]'", pytrace=False)
    return found


def _actionlint(*paths: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    command = [_tool("actionlint"), "-no-color", "-shellcheck", _tool("shellcheck")]
    return subprocess.run(
        [*command, *map(str, paths)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _workflow(name: str) -> dict:
    # The project's YAML 1.2 loader: "on" stays a key instead of becoming True.
    path = WORKFLOWS / name
    return load_text(path.read_text(encoding="utf-8"), str(path)).data


def test_every_workflow_passes_actionlint():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml", "gpu.yml", "links.yml", "pages.yml"}
    result = _actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_really_checks(tmp_path):
    """A workflow with an undefined matrix value and a shell bug is reported, with its line."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    bad = folder / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ matrix.python }}\n"
        "      - run: cd $HOME/x && ls\n",
        encoding="utf-8",
    )
    result = _actionlint(bad, cwd=tmp_path)
    assert result.returncode == 1
    assert ".github/workflows/bad.yml:6:" in result.stdout and "python" in result.stdout
    assert "shellcheck" in result.stdout


def test_ci_covers_lint_pythons_shards_and_a_strict_build():
    ci = _workflow("ci.yml")
    assert set(ci["on"]) >= {"push", "pull_request"}
    jobs = ci["jobs"]
    assert jobs["tests"]["strategy"]["matrix"]["python"] == ["3.10", "3.11", "3.12"]
    lint = " ".join(step.get("run", "") for step in jobs["lint"]["steps"])
    for command in (
        "build_tools check",
        "build_tools fmt --check",
        "ruff check",
        "ruff format --check",
        "actionlint",
    ):
        assert command in lint
    shards = jobs["lessons"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(ci["env"]["SHARDS"]) + 1))
    steps = jobs["lessons"]["steps"]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert "hashFiles('docs/lessons/**', 'pyproject.toml')" in cache["with"]["key"]
    assert cache["with"]["path"] == ".cache/tdl/notebooks"
    assert any("execute --shard" in step.get("run", "") for step in steps)
    build = " ".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "merge_execution_reports.py" in build and "mkdocs build --strict" in build
    assert jobs["build"]["needs"] == "lessons"


def test_gpu_links_and_pages_workflows():
    gpu = _workflow("gpu.yml")
    assert set(gpu["on"]) == {"workflow_dispatch", "schedule"}
    assert "runner" in gpu["on"]["workflow_dispatch"]["inputs"]
    assert "inputs.runner" in gpu["jobs"]["gpu"]["runs-on"]
    gpu_runs = " ".join(step.get("run", "") for step in gpu["jobs"]["gpu"]["steps"])
    assert "pytest -m gpu" in gpu_runs and "build_tools execute --force" in gpu_runs

    links = _workflow("links.yml")
    assert "schedule" in links["on"]
    link_steps = links["jobs"]["links"]["steps"]
    assert any("linkcheck --site site --json" in step.get("run", "") for step in link_steps)
    assert "--offline" not in " ".join(step.get("run", "") for step in link_steps)

    pages = _workflow("pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["permissions"]["pages"] == "write"
    assert pages["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


def _report(path: Path, runs: list[dict], wall: float) -> Path:
    data = {
        "python": "CPython 3.12.1",
        "device": "cpu",
        "jobs": 2,
        "wall_seconds": wall,
        "lessons": runs,
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _run(lesson: str, status: str = "ok") -> dict:
    return {
        "id": lesson,
        "path": f"docs/lessons/{lesson}.py",
        "title": lesson,
        "status": status,
        "cache": "miss",
        "seconds": 1.5,
        "device": "cpu",
    }


def _merge(tmp_path: Path, *reports: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    return subprocess.run(
        [sys.executable, str(MERGE), str(tmp_path / "merged.json"), *map(str, reports)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_shard_reports_merge_into_one(tmp_path):
    one = _report(tmp_path / "1.json", [_run("stage-2/06-b"), _run("stage-1/01-a")], 30.0)
    two = _report(tmp_path / "2.json", [_run("stage-1/02-c")], 45.0)
    result = _merge(tmp_path, one, two)
    assert result.returncode == 0, result.stderr
    merged = json.loads((tmp_path / "merged.json").read_text(encoding="utf-8"))
    assert [run["id"] for run in merged["lessons"]] == [
        "stage-1/01-a",
        "stage-1/02-c",
        "stage-2/06-b",
    ]
    assert merged["wall_seconds"] == 45.0 and merged["summary"]["lessons"] == 3
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| `stage-1/02-c` | ok | miss | 1.5 s | cpu |" in summary

    failed = _report(tmp_path / "3.json", [_run("stage-3/09-d", "failed")], 5.0)
    assert _merge(tmp_path, one, failed).returncode == 1
    missing = _merge(tmp_path, one, tmp_path / "absent.json")
    assert missing.returncode == 1 and "absent.json: missing or unreadable" in missing.stderr
