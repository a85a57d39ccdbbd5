"""``stats``: catalog counts and lesson run times from the last execution report."""

from __future__ import annotations

import json

from tests.conftest import catalog_yaml, resource_yaml, run_cli

LESSON = """\
# ---
# title: Counting
# summary: A lesson to count.
# stage: 2
# minutes: 15
# resources: [first-course]
# ---

# %%
print(1)
"""


def _project(tmp_path):
    paid = resource_yaml(rid="paid-book", stage=2).replace("free: yes", "free: paid")
    (tmp_path / "resources.yml").write_text(catalog_yaml(resource_yaml(), paid), encoding="utf-8")
    folder = tmp_path / "docs" / "lessons" / "stage-2"
    folder.mkdir(parents=True)
    (folder / "01-counting.py").write_text(LESSON, encoding="utf-8")
    return tmp_path


def _row(text: str, first: str, section: str = "") -> list[str]:
    """The cells after ``first`` in the first row starting with it, below ``section``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(section))
    line = next(line for line in lines[start:] if line.strip().startswith(first))
    return line.strip()[len(first) :].split()


def test_stats_counts_the_catalog_and_reads_run_times(tmp_path):
    project = _project(tmp_path)
    before = run_cli("stats", cwd=project)
    assert before.returncode == 0, before.stderr
    assert _row(before.stdout, "1. Practical encounter") == ["1", "1"]
    assert _row(before.stdout, "1. Practical encounter", "Lessons") == ["0", "-"]
    assert _row(before.stdout, "2. Foundations") == ["1", "0"]
    assert _row(before.stdout, "2. Foundations", "Lessons") == ["1", "-"]
    assert _row(before.stdout, "total") == ["2", "1"]
    assert _row(before.stdout, "paid") == ["1"]
    assert _row(before.stdout, "stage-2/01-counting") == ["15", "-"]
    assert "no execution report yet" in before.stdout

    reports = project / ".cache" / "tdl" / "reports"
    reports.mkdir(parents=True)
    run = {
        "id": "stage-2/01-counting",
        "path": "x",
        "title": "Counting",
        "status": "ok",
        "cache": "miss",
        "seconds": 3.2,
    }
    report = {"generated": "2026-01-02T03:04:05+00:00", "lessons": [run]}
    (reports / "execution.json").write_text(json.dumps(report), encoding="utf-8")
    after = run_cli("stats", cwd=project)
    assert after.returncode == 0, after.stderr
    assert _row(after.stdout, "stage-2/01-counting") == ["15", "3.2", "s"]
    assert _row(after.stdout, "2. Foundations", "Lessons") == ["1", "3.2", "s"]
    assert "last report 2026-01-02T03:04:05+00:00" in after.stdout


def test_stats_reports_catalog_problems(tmp_path):
    project = _project(tmp_path)
    (project / "resources.yml").write_text("resources: {}\n", encoding="utf-8")
    result = run_cli("stats", cwd=project)
    assert result.returncode == 1
    assert "resources.yml:1:" in result.stderr
    assert "Traceback" not in result.stderr
