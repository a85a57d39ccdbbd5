"""The core imports no engine: only the adapters under build_tools/engines/ may."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

ENGINES = {"mkdocs", "properdocs", "material", "zensical", "mkdocs_jupyter"}
PACKAGE = ROOT / "build_tools"


def imported(path: Path) -> set[str]:
    """Top-level names of every module a file imports, at any depth of the code."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_engine_adapters_import_an_engine():
    offenders = {
        path.relative_to(ROOT).as_posix(): sorted(imported(path) & ENGINES)
        for path in PACKAGE.rglob("*.py")
        if "engines" not in path.relative_to(PACKAGE).parts and imported(path) & ENGINES
    }
    assert offenders == {}
    adapters = [p for p in (PACKAGE / "engines").glob("*.py") if imported(p) & ENGINES]
    assert {p.name for p in adapters} >= {
        "mkdocs_plugin.py",
        "mkdocs_config.py",
        "properdocs_build.py",
        "zensical_build.py",
    }


def test_every_subpackage_says_its_job():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, init
    for module in PACKAGE.rglob("*.py"):
        if module.name != "__init__.py":
            assert ast.get_docstring(ast.parse(module.read_text(encoding="utf-8"))), module
