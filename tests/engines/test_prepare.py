"""``python -m build_tools prepare``: the generated tree, written as a sync, and its errors."""

from __future__ import annotations

import json

import pytest

from tests.conftest import catalog_yaml, run_cli, write_project
from tests.site.conftest import MKDOCS_YML


@pytest.fixture
def project(tmp_path):
    write_project(tmp_path, MKDOCS_YML, catalog_yaml())
    (tmp_path / "docs" / "figure.svg").write_text("<svg/>", "utf-8")
    return tmp_path


def test_the_tree_holds_every_page_and_file_and_a_config_for_engines(project):
    done = run_cli("prepare", cwd=project)
    assert done.returncode == 0, done.stderr
    tree = project / "generated"
    manifest = json.loads((tree / "manifest.json").read_text())
    assert {"index.md", "catalog.md", "review.md", "start-here.md"} <= set(manifest["pages"])
    assert "lessons/stage-1/index.md" in manifest["pages"]
    assert (tree / "docs" / "figure.svg").read_text() == "<svg/>"
    assert "start-here.md" not in manifest["generated"] and "index.md" in manifest["generated"]
    config = (tree / "mkdocs.yml").read_text()
    assert '"INHERIT": "../mkdocs.yml"' in config and '"docs_dir": "docs"' in config
    assert (tree / "docs" / "assets" / "tdl" / "reader.js").is_file()


def test_a_second_prepare_rewrites_nothing_and_removes_what_went(project):
    assert run_cli("prepare", cwd=project).returncode == 0
    page = project / "generated" / "docs" / "catalog.md"
    stamp = page.stat().st_mtime_ns
    (project / "docs" / "figure.svg").unlink()
    again = run_cli("prepare", cwd=project)
    assert again.returncode == 0, again.stderr
    assert page.stat().st_mtime_ns == stamp
    assert not (project / "generated" / "docs" / "figure.svg").exists()
    assert "0 written" in again.stderr and "1 removed" in again.stderr


def test_catalog_problems_stop_it_before_anything_is_written(project):
    (project / "resources.yml").write_text(catalog_yaml().replace("kind: course", "kind: film"))
    done = run_cli("prepare", cwd=project)
    assert done.returncode == 1
    assert "resources.yml:" in done.stderr and "Traceback" not in done.stderr
    assert not (project / "generated").exists()


def test_bad_settings_and_a_tree_inside_docs_are_refused(project):
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  - tdl\n", "  - tdl:\n      execute: {jobz: 2}\n")
    )
    done = run_cli("prepare", cwd=project)
    assert done.returncode == 2 and "tdl.execute.jobz: unknown setting" in done.stderr
    config.write_text(MKDOCS_YML.replace("  - tdl\n", "  - tdl:\n      generated_dir: docs/gen\n"))
    done = run_cli("prepare", cwd=project)
    assert done.returncode == 1 and "generated_dir must be a folder of its own" in done.stderr
