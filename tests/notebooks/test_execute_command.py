"""``python -m build_tools execute``: exit codes, messages, annotations, shards, reports."""

from __future__ import annotations

import json

from tests.notebooks.conftest import execute, write_lesson


def report_of(project) -> dict:
    return json.loads((project / "site" / "_reports" / "execution.json").read_text())


def test_execute_prints_a_table_writes_reports_and_hits_the_cache(project):
    write_lesson(project, "01-alpha")
    done = execute(project, "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "docs/lessons/stage-1/01-alpha.py" in done.stdout and "miss" in done.stdout
    report = report_of(project)
    assert report["summary"] == {"lessons": 1, "executed": 1, "cached": 0, "failed": 0}
    lesson = report["lessons"][0]
    assert lesson["status"] == "ok" and lesson["device"] == "cpu" and lesson["seconds"] > 0
    assert lesson["peak_memory_mb"] > 0
    kept = json.loads((project / ".cache/tdl/reports/execution.json").read_text())
    assert kept["lessons"][0]["key"] == lesson["key"]

    again = execute(project)
    assert again.returncode == 0 and report_of(project)["summary"]["cached"] == 1
    forced = execute(project, "--force")
    assert forced.returncode == 0 and report_of(project)["summary"]["executed"] == 1


def test_a_failing_lesson_exits_1_naming_file_cell_line_and_exception(project):
    write_lesson(project, "01-good")
    write_lesson(project, "02-bad", body="# %%\nvalue = 1\nvalue / 0\n")  # line 18
    done = execute(project)
    assert done.returncode == 1
    assert "docs/lessons/stage-1/02-bad.py:18:1: cell 1: ZeroDivisionError: division by zero" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr
    assert report_of(project)["summary"]["failed"] == 1

    github = execute(project, "--format", "github", "--only", "*02-bad*")
    assert github.returncode == 1
    assert "::error file=docs/lessons/stage-1/02-bad.py,line=18,col=1::cell 1: " in github.stderr


def test_shards_split_the_lessons_disjointly_and_completely(project):
    for number in range(1, 6):
        write_lesson(project, f"0{number}-part", title=f"Part {number}")
    seen = []
    for shard in ("1/3", "2/3", "3/3"):
        done = execute(project, "--shard", shard)
        assert done.returncode == 0, done.stderr
        seen += [lesson["id"] for lesson in report_of(project)["lessons"]]
    assert sorted(seen) == [f"stage-1/0{n}-part" for n in range(1, 6)]


def test_only_selects_by_id_or_path(project):
    write_lesson(project, "01-alpha")
    write_lesson(project, "02-beta")
    assert execute(project, "--only", "stage-1/02-*").returncode == 0
    assert [x["id"] for x in report_of(project)["lessons"]] == ["stage-1/02-beta"]
    assert execute(project, "--only", "docs/lessons/stage-1/01-*").returncode == 0
    assert [x["id"] for x in report_of(project)["lessons"]] == ["stage-1/01-alpha"]
    nothing = execute(project, "--only", "nothing-like-this")
    assert nothing.returncode == 1 and "no lessons selected" in nothing.stderr


def test_bad_options_get_a_message_and_exit_2(project):
    write_lesson(project, "01-alpha")
    for args in (["--shard", "4/3"], ["--shard", "x"], ["--jobs", "0"]):
        done = execute(project, *args)
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr and done.stderr.strip()


def test_invalid_front_matter_is_reported_not_executed(project):
    path = write_lesson(project, "01-alpha")
    path.write_text(path.read_text().replace("# stage: 1", "# stage: nine"))
    done = execute(project)
    assert done.returncode == 1
    assert "docs/lessons/stage-1/01-alpha.py:" in done.stderr and "Traceback" not in done.stderr
