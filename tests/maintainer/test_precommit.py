"""The pre-commit hooks: valid files, and the published hooks work in another repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, catalog_yaml, resource_yaml

BIN = Path(sys.executable).parent


def _run(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    # The hooks run the `tdl` of the environment the site is built in: this interpreter's.
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(home),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _git_repo(path: Path, catalog: str) -> Path:
    path.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    (path / "resources.yml").write_text(catalog, encoding="utf-8")
    subprocess.run(["git", "add", "resources.yml"], cwd=path, check=True)
    return path


def test_config_and_manifest_are_valid(tmp_path):
    config = _run("validate-config", ".pre-commit-config.yaml", cwd=ROOT, home=tmp_path)
    assert config.returncode == 0, config.stdout + config.stderr
    manifest = _run("validate-manifest", ".pre-commit-hooks.yaml", cwd=ROOT, home=tmp_path)
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr


def test_published_hooks_format_and_check_another_repository(tmp_path):
    untidy = catalog_yaml(resource_yaml(rid="b-course"), resource_yaml(rid="a-course"))
    repo = _git_repo(tmp_path / "other", untidy)
    home = tmp_path / "pre-commit-home"

    first = _run("try-repo", str(ROOT), "tdl-fmt", "--files", "resources.yml", cwd=repo, home=home)
    assert first.returncode == 1, first.stdout  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in first.stdout
    formatted = (repo / "resources.yml").read_text(encoding="utf-8")
    assert formatted.index("id: a-course") < formatted.index("id: b-course")
    again = _run("try-repo", str(ROOT), "tdl-fmt", "--files", "resources.yml", cwd=repo, home=home)
    assert again.returncode == 0, again.stdout

    (repo / "resources.yml").write_text(
        untidy.replace("kind: course", "kind: podcast", 1), encoding="utf-8"
    )
    check = _run(
        "try-repo", str(ROOT), "tdl-check", "--files", "resources.yml", cwd=repo, home=home
    )
    assert check.returncode == 1
    assert "resources.yml:" in check.stdout and "kind: must be one of" in check.stdout
