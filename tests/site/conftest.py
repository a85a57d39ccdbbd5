"""A throwaway MkDocs project using the real plugin, built for real with ``mkdocs build``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_python, write_project

MKDOCS_YML = """\
site_name: Test site
site_url: https://example.org/
theme:
  name: material
  font: false
markdown_extensions: [attr_list, md_in_html, admonition, toc]
plugins:
  - search
  - tdl
"""


def build_site(project: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run ``mkdocs build --strict`` in ``project``; returns the finished process."""
    return run_python(["-m", "mkdocs", "build", "--strict", *extra], cwd=project, timeout=600)


@pytest.fixture
def project(tmp_path):
    """A project with mkdocs.yml, the start-here page and a catalog to be written by the test."""
    return write_project(tmp_path, MKDOCS_YML)


def copy_real_catalog(project: Path) -> None:
    shutil.copy(ROOT / "resources.yml", project / "resources.yml")
