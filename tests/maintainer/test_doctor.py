"""``doctor``: a missing Chromium and a changed package version are reported as they are."""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import asdict
from pathlib import Path

from build_tools.lessons.cache import ENTRY_FILE, Environment
from build_tools.lessons.discovery import discover_lessons
from build_tools.lessons.execute import lesson_key_inputs
from tests.conftest import run_cli

LESSON = """\
# ---
# title: {title}
# summary: A lesson for the doctor to look at.
# stage: 1
# minutes: 5
# ---

# %%
import numpy as np

print(np.zeros({n}))
"""


def _project(tmp_path: Path) -> Path:
    folder = tmp_path / "docs" / "lessons" / "stage-1"
    folder.mkdir(parents=True)
    for n, name in enumerate(("01-cached", "02-numpy-changed", "03-never-run"), start=1):
        (folder / f"{name}.py").write_text(LESSON.format(title=name, n=n), encoding="utf-8")
    return tmp_path


def _store_entry(project: Path, lesson_id: str, inputs: dict, key: str) -> None:
    """A cache entry as the executor writes it: the record carries the key inputs."""
    entry = project / ".cache" / "tdl" / "notebooks" / key
    entry.mkdir(parents=True)
    record = {
        "lesson": lesson_id,
        "key": key,
        "inputs": inputs,
        "executed_at": "2026-01-01T00:00:00+00:00",
    }
    (entry / ENTRY_FILE).write_text(json.dumps(record), encoding="utf-8")


def test_doctor_names_the_input_that_changed(tmp_path):
    project = _project(tmp_path)
    lessons = {
        lesson.id: lesson for lesson in discover_lessons(project / "docs" / "lessons", project)
    }
    # The same interpreter runs doctor below, so these are exactly the inputs it computes.
    environment = Environment.current()
    cached = lesson_key_inputs(lessons["stage-1/01-cached"], environment)
    _store_entry(project, "stage-1/01-cached", asdict(cached), cached.key())
    current = lesson_key_inputs(lessons["stage-1/02-numpy-changed"], environment)
    numpy_now = dict(current.packages)["numpy"]
    older = asdict(current) | {
        "packages": [[name, "0.0.1" if name == "numpy" else v] for name, v in current.packages]
    }
    _store_entry(project, "stage-1/02-numpy-changed", older, "0" * 32)

    result = run_cli("doctor", cwd=project)
    lines = result.stdout.splitlines()
    assert _row(lines, "stage-1/01-cached") == ["cached", "up", "to", "date"]
    assert " ".join(_row(lines, "stage-1/02-numpy-changed")) == (
        f"stale would re-execute: numpy 0.0.1 -> {numpy_now}"
    )
    assert " ".join(_row(lines, "stage-1/03-never-run")) == (
        "stale would re-execute: never executed with this cache"
    )
    assert "Traceback" not in result.stderr


def test_doctor_reports_a_missing_chromium(tmp_path):
    project = _project(tmp_path)
    empty_path = {"PATH": str(tmp_path / "no-tools-here")}

    relaxed = run_cli("doctor", cwd=project, env={**empty_path, "TDL_REQUIRE_BROWSER": "0"})
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert _row(relaxed.stdout.splitlines(), "chromium")[0] == "warn"
    assert "not on PATH" in relaxed.stdout

    required = run_cli("doctor", cwd=project, env={**empty_path, "TDL_REQUIRE_BROWSER": "1"})
    assert required.returncode == 1
    assert _row(required.stdout.splitlines(), "chromium")[0] == "missing"
    assert "missing: chromium" in required.stderr
    assert "Traceback" not in required.stderr


def _row(lines: list[str], name: str) -> list[str]:
    """The words of the report row for ``name``, without the name itself."""
    for line in lines:
        words = line.split()
        if len(words) > 1 and words[1] == name:
            return [words[0], *words[2:]]
    raise AssertionError(f"no row for {name} in:\n" + "\n".join(lines))


def test_doctor_compares_each_lessons_packages_with_the_installed_ones(tmp_path):
    project = _project(tmp_path)
    folder = project / "docs" / "lessons" / "stage-1"
    installed = importlib.metadata.version("peft")
    pins = {
        "01-cached": f'["peft=={installed}"]',
        "02-numpy-changed": '["peft==0.0.1"]',
        "03-never-run": '["no-such-distribution-here==1.0"]',
    }
    for name, requires in pins.items():
        path = folder / f"{name}.py"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("# minutes: 5\n", f"# minutes: 5\n# requires: {requires}\n"))

    result = run_cli("doctor", cwd=project)
    lines = result.stdout.splitlines()
    assert " ".join(_row(lines, "stage-1/01-cached:peft")) == f"ok {installed} as pinned"
    assert " ".join(_row(lines, "stage-1/02-numpy-changed:peft")) == (
        f"warn pinned 0.0.1, installed {installed}"
    )
    assert " ".join(_row(lines, "stage-1/03-never-run:no-such-distribution-here")) == (
        "missing pinned 1.0, not installed (make setup installs it)"
    )
    assert result.returncode == 1
    # Other parts may be missing too (axe-core where TDL_REQUIRE_BROWSER=1 asks for it).
    missing = result.stderr.split("missing:", 1)[1].strip().split(", ")
    assert "stage-1/03-never-run:no-such-distribution-here" in missing
    assert "Traceback" not in result.stderr
