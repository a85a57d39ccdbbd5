"""The real lessons: each has its teaching sections and catalog ids, and runs as a plain script.

Running every lesson takes minutes, so those tests carry the ``lessons`` marker; CI sets
TDL_REQUIRE_LESSONS=1 so that they can never be skipped there.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from build_tools.catalog.model import load_catalog
from build_tools.lessons.discovery import discover_lessons
from build_tools.lessons.teaching import (
    MIN_QUESTIONS,
    MIN_RESEARCH,
    figure_problems,
    lesson_sections,
)
from tests.conftest import ROOT

LESSONS_DIR = ROOT / "docs" / "lessons"
LESSONS = discover_lessons(LESSONS_DIR, ROOT)
TEACHING = [lesson for lesson in LESSONS if lesson.meta.kind == "lesson"]
SCRIPT_TIMEOUT_S = 120  # the budget is 60 s; the margin absorbs a loaded CI machine


def test_the_curriculum_covers_the_stages_numbered_in_reading_order():
    assert len(TEACHING) >= 19  # of 22: two capstone starters and one page of notes
    assert {lesson.stage for lesson in TEACHING} >= {1, 2, 3, 5}
    templates = {lesson.stage for lesson in LESSONS if lesson.meta.kind == "template"}
    assert templates >= {4, 6}
    # One number sequence through the whole path: stage by stage, no gaps, no repeats.
    ordered = sorted(LESSONS, key=lambda lesson: (lesson.stage, lesson.path.name))
    numbers = [int(lesson.path.name.split("-", 1)[0]) for lesson in ordered]
    assert numbers == list(range(1, len(LESSONS) + 1)), numbers


def test_at_most_six_lessons_use_the_8x8_digits():
    users = [lesson.id for lesson in LESSONS if "load_digits" in lesson.path.read_text("utf-8")]
    assert len(users) <= 6, users


@pytest.mark.parametrize("lesson", TEACHING, ids=[lesson.id for lesson in TEACHING])
def test_lesson_has_questions_research_and_known_resources(lesson):
    sections = lesson_sections(lesson.path)
    assert len(sections.questions) >= MIN_QUESTIONS, sections.questions
    assert len(sections.research) >= MIN_RESEARCH, sections.research
    known = load_catalog(ROOT / "resources.yml").resources_by_id
    assert lesson.meta.resources, "a lesson cites the resources it builds on"
    assert set(lesson.meta.resources) <= set(known)
    source = lesson.path.read_text(encoding="utf-8")
    assert "torch.cuda.is_available()" in source or lesson.meta.device == "cpu"
    assert "assert " in source, "key cells end with assertions on the lesson's outcome"
    assert "runs in" in source.lower() or "runtime" in source.lower(), (
        "the intro states its runtime"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
def test_every_question_has_an_answer_and_every_plot_a_description(lesson):
    sections = lesson_sections(lesson.path)
    assert sections.questions, "lessons and capstone starters end with questions"
    unanswered = [q.text for q in sections.questions if not (q.answer or q.hint)]
    assert not unanswered, f"questions without an answer or hint: {unanswered}"
    assert not sections.problems, sections.problems
    assert len(sections.research) >= MIN_RESEARCH
    assert sections.checks, "at least one quick check"
    assert not figure_problems(lesson.path, lesson.id), "plots need alt text"


# The build executes every lesson with the default seed (0) on the machine's best CPU
# kernel path; the scripts run with another seed on PyTorch's portable kernels, so each
# test run checks every lesson's claims in a second configuration at no extra cost.
SCRIPT_CONFIG = {"TDL_SEED": "1", "ATEN_CPU_CAPABILITY": "default"}
SCRIPT_CONFIG_ID = "seed1-kernel-default"


@pytest.mark.lessons
@pytest.mark.parametrize(
    "lesson", LESSONS, ids=[f"{lesson.id}-{SCRIPT_CONFIG_ID}" for lesson in LESSONS]
)
def test_lesson_runs_as_a_plain_script_on_cpu(lesson, tmp_path):
    """``python lesson.py`` on CPU with TDL_SEED=1 and ATEN_CPU_CAPABILITY=default: the
    lesson's assertions hold under a seed and kernel path other than the build's."""
    env = {
        **os.environ,
        **SCRIPT_CONFIG,
        "MPLBACKEND": "Agg",
        "CUDA_VISIBLE_DEVICES": "",
        "PYTHONHASHSEED": "0",
    }
    result = subprocess.run(
        [sys.executable, str(lesson.path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_S,
    )
    assert result.returncode == 0, (
        f"{lesson.id} failed with {SCRIPT_CONFIG}:\n{result.stderr[-3000:]}"
    )
