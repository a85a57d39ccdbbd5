"""Valid catalogs load; the schema, the editor hint and the annotation format stay right."""

from __future__ import annotations

import json

from build_tools.catalog.model import json_schema_text, load_catalog
from tests.conftest import ROOT, catalog_yaml, resource_yaml, run_cli


def test_minimal_catalog_passes(write_catalog):
    result = run_cli("check", "--catalog", str(write_catalog(catalog_yaml())), "--no-lessons")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok: 1 resources, 0 lessons"


def test_plain_yes_stays_a_string_and_bom_is_accepted(write_catalog):
    path = write_catalog(b"\xef\xbb\xbf" + catalog_yaml().encode())
    catalog = load_catalog(path)
    assert catalog.resources[0].free == "yes"
    assert catalog.resources[0].is_free


def test_free_resources_come_first_within_a_stage(write_catalog):
    paid = resource_yaml(rid="paid-book", title="A paid book").replace("free: yes", "free: paid")
    audit = resource_yaml(rid="audit-course", title="B audit").replace("free: yes", "free: audit")
    free = resource_yaml(rid="free-course", title="C free")
    catalog = load_catalog(write_catalog(catalog_yaml(paid, audit, free)))
    assert [r.id for r in catalog.resources_for_stage(1)] == [
        "free-course",
        "audit-course",
        "paid-book",
    ]


def test_committed_schema_matches_the_models():
    committed = (ROOT / "resources.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text()
    result = run_cli("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "Top-Down Deep Learning catalog"


def test_repository_catalog_is_valid_and_hints_the_schema():
    text = (ROOT / "resources.yml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./resources.schema.json"
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    catalog = load_catalog(ROOT / "resources.yml")
    assert len(catalog.resources) >= 45
    assert {r.stage for r in catalog.resources} == set(range(1, 7))


def test_github_format_prints_annotations(write_catalog):
    path = write_catalog(catalog_yaml(resource_yaml(url="javascript:alert(1)")))
    result = run_cli("check", "--catalog", str(path), "--no-lessons", "--format", "github")
    assert result.returncode == 1
    line = result.stderr.splitlines()[0]
    assert line.startswith(f"::error file={path},line=")
    assert "URL must start with http%3A" not in line  # the message part is not property-escaped
    assert "URL must start with http:// or https:// (found javascript:)" in line


def test_github_format_is_automatic_under_actions(write_catalog):
    path = write_catalog(catalog_yaml(resource_yaml(stage=9)))
    result = run_cli(
        "check", "--catalog", str(path), "--no-lessons", env={"GITHUB_ACTIONS": "true"}
    )
    assert result.stderr.startswith("::error file=")
