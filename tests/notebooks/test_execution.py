"""Executing tiny lessons in real kernels: the cache, failures, tags, timeouts, concurrency."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from build_tools.lessons.cache import Environment
from build_tools.lessons.discovery import discover_lessons
from build_tools.lessons.execute import ExecuteOptions, execute_lessons, lesson_key_inputs
from tests.conftest import ROOT
from tests.notebooks.conftest import write_lesson


def run(project: Path, inputs_for=None, **options):
    lessons = discover_lessons(project / "docs" / "lessons", project)
    opts = ExecuteOptions(jobs=2, cache_root=project / ".cache" / "tdl", **options)
    return execute_lessons(lessons, opts, project, inputs_for=inputs_for)


def caches(report) -> dict[str, str]:
    return {run.id: run.cache for run in report.runs}


def executed_notebook(run) -> nbformat.NotebookNode:
    return nbformat.reads((run.entry_dir / run.notebook).read_text(), as_version=4)


def test_rebuild_hits_the_cache_and_only_a_changed_lesson_reruns(project):
    write_lesson(project, "01-first")
    second = write_lesson(project, "02-second")
    first_run = run(project)
    assert [r.status for r in first_run.runs] == ["ok", "ok"]
    assert set(caches(first_run).values()) == {"miss"}

    again = run(project)
    assert set(caches(again).values()) == {"hit"}
    assert [r.seconds for r in again.runs] == [r.seconds for r in first_run.runs]

    second.write_text(second.read_text().replace("range(10)", "range(11)"), encoding="utf-8")
    changed = run(project)
    assert caches(changed) == {"stage-1/01-first": "hit", "stage-1/02-second": "miss"}
    code = [c for c in executed_notebook(changed.runs[1]).cells if c.cell_type == "code"]
    outputs = code[-1].outputs
    assert outputs[0].text == "total 55\n"


def test_a_new_package_version_reruns_exactly_the_lessons_importing_it(project):
    write_lesson(project, "01-uses-numpy", body="# %%\nimport numpy\nprint(numpy.zeros(2).sum())\n")
    write_lesson(project, "02-plain")
    run(project)

    def upgraded_numpy(lesson, environment):
        inputs = lesson_key_inputs(lesson, environment)
        packages = tuple((d, "99.0" if d == "numpy" else v) for d, v in inputs.packages)
        return dataclasses.replace(inputs, packages=packages)

    report = run(project, inputs_for=upgraded_numpy)
    assert caches(report) == {"stage-1/01-uses-numpy": "miss", "stage-1/02-plain": "hit"}


def test_a_changed_declared_data_file_reruns_the_lesson(project):
    body = "# %%\nprint(open('numbers.txt').read().strip())\n"
    path = write_lesson(project, "01-data", body=body, data="[numbers.txt]")
    data = path.parent / "numbers.txt"
    data.write_text("1 2 3\n", encoding="utf-8")
    first = run(project)
    assert executed_notebook(first.runs[0]).cells[0].outputs[0].text == "1 2 3\n"
    assert caches(run(project)) == {"stage-1/01-data": "hit"}

    data.write_text("4 5 6\n", encoding="utf-8")
    changed = run(project)
    assert caches(changed) == {"stage-1/01-data": "miss"}
    assert executed_notebook(changed.runs[0]).cells[0].outputs[0].text == "4 5 6\n"


def test_another_device_is_another_cache_entry(project):
    write_lesson(project, "01-device")
    run(project)
    python = Environment.current().python
    gpu = run(
        project,
        inputs_for=lambda lesson, _: lesson_key_inputs(
            lesson, Environment(python=python, device="cuda")
        ),
    )
    assert caches(gpu) == {"stage-1/01-device": "miss"}
    assert gpu.runs[0].device_kind == "cuda"
    assert gpu.runs[0].device == "cpu"  # what the kernel really used is recorded apart


def test_raises_exception_cells_may_fail_and_the_lesson_still_passes(project):
    body = (
        "# %% [markdown]\n# # Reading errors\n\n"
        "# %% tags=[\"raises-exception\"]\n{}['missing']\n\n"
        "# %%\nprint('after the error')\n"
    )
    write_lesson(project, "01-errors", body=body)
    report = run(project)
    assert report.runs[0].status == "ok"
    cells = executed_notebook(report.runs[0]).cells
    assert cells[1].outputs[0].output_type == "error" and cells[1].outputs[0].ename == "KeyError"
    assert cells[2].outputs[0].text == "after the error\n"
    assert "tdl" in executed_notebook(report.runs[0]).metadata
    assert not [c for c in cells if c.cell_type == "raw"]  # front matter moved to metadata


def test_a_failing_cell_names_cell_line_and_exception(project):
    body = "# %% [markdown]\n# # Broken\n\n# %%\nx = 1\n\ny = {}\ny['absent']\n"
    path = write_lesson(project, "01-broken", body=body)
    report = run(project)
    failed = report.runs[0]
    assert failed.status == "failed"
    line = path.read_text().splitlines().index("y['absent']") + 1
    assert (failed.failure.cell, failed.failure.line) == (2, line)
    assert failed.failure.exception == "KeyError: 'absent'"
    assert report.failure_message() == (
        f"docs/lessons/stage-1/01-broken.py:{line}:1: cell 2: KeyError: 'absent'"
    )
    assert caches(run(project)) == {"stage-1/01-broken": "miss"}  # failures are not cached


def test_a_tagged_cell_that_raises_nothing_fails_the_lesson(project):
    write_lesson(project, "01-tagged", body="# %% tags=[\"raises-exception\"]\nprint('fine')\n")
    failure = run(project).runs[0].failure
    assert failure.cell == 1 and "raised no exception" in failure.exception


def test_a_cell_over_its_timeout_fails_with_the_cell_named(project):
    write_lesson(project, "01-slow", body="# %%\nimport time\ntime.sleep(30)\n")
    failed = run(project, cell_timeout=1).runs[0]
    assert failed.status == "timeout"
    assert failed.failure.cell == 1 and "timed out" in failed.failure.exception


def test_plots_come_out_as_png_even_when_the_caller_uses_agg(project, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    body = "# %%\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]);\nplt.show()\n"
    write_lesson(project, "01-plot", body=body)
    outputs = executed_notebook(run(project).runs[0]).cells[0].outputs
    assert any("image/png" in out.get("data", {}) for out in outputs)


def test_concurrent_runs_execute_a_lesson_once(project):
    write_lesson(project, "01-shared", body="# %%\nimport time\ntime.sleep(2)\nprint('done')\n")
    code = (
        "import json, sys; from pathlib import Path;"
        "from build_tools.lessons.discovery import discover_lessons;"
        "from build_tools.lessons.execute import ExecuteOptions, execute_lessons;"
        "p = Path(sys.argv[1]); ls = discover_lessons(p / 'docs' / 'lessons', p);"
        "r = execute_lessons(ls, ExecuteOptions(cache_root=p / '.cache' / 'tdl'), p);"
        "print(json.dumps([x.cache for x in r.runs]))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(project)], stdout=subprocess.PIPE, text=True, env=env
        )
        for _ in range(2)
    ]
    results = sorted(json.loads(proc.communicate(timeout=300)[0])[0] for proc in procs)
    assert results == ["hit", "miss"]
    store = project / ".cache" / "tdl" / "notebooks"
    entries = [p for p in store.iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1


def test_a_lesson_over_its_timeout_fails_naming_where_it_was(project):
    body = "# %%\nimport time\ntime.sleep(1)\n\n# %%\ntime.sleep(30)\n"
    write_lesson(project, "01-endless", body=body)
    failed = run(project, cell_timeout=60, lesson_timeout=3).runs[0]
    assert failed.status == "timeout"
    assert failed.failure.cell == 2 and "lesson timed out after 3 s" in failed.failure.exception


def test_a_dying_kernel_fails_the_lesson_with_a_message(project):
    write_lesson(project, "01-crash", body="# %%\nimport os\nos._exit(3)\n")
    failed = run(project).runs[0]
    assert failed.status == "failed"
    assert failed.failure.cell == 1 and "kernel died" in failed.failure.exception
