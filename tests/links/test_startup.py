"""The command starts without what it does not use: ``--help`` loads no HTTP machinery, and
a check of a built site loads neither the catalog's models nor MkDocs."""

from __future__ import annotations

import json

from tests.conftest import run_python

PROBE = """
import json, sys
from build_tools.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exc:
    status = exc.code
heavy = ("asyncio", "httptools", "pydantic", "mkdocs", "jinja2", "markdown")
print(json.dumps({"status": status, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def probe(*args: str, cwd) -> dict:
    result = run_python(["-c", PROBE, *args], cwd=cwd)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_help_loads_no_http_machinery(tmp_path):
    found = probe("linkcheck", "--help", cwd=tmp_path)
    assert found == {"status": 0, "loaded": []}


def test_a_site_check_loads_neither_catalog_models_nor_mkdocs(links, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    anchors = "".join(f'<a href="{links.unique_url("/ok")}">x</a>' for _ in range(10))
    (site / "index.html").write_text(f"<html><body>{anchors}</body></html>", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - tdl\n", encoding="utf-8")
    found = probe("linkcheck", "--site", str(site), "--no-cache", cwd=tmp_path)
    assert found == {"status": 0, "loaded": ["asyncio", "httptools"]}
    assert sum(links.hits.values()) == 10
