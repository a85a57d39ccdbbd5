"""The sweep: tiny lessons run as real processes under several seeds and kernel paths.

Each lesson's asserts are recorded on both sides, so the report knows how close every claim
came to failing; the tests check the table, the JSON report, the cache, skipped kernel
paths, thin margins and merging.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time

import pytest

from build_tools.lessons.claims import Recorder, instrument
from build_tools.lessons.sweep import Spread, parse_seeds, seed_ranges
from tests.conftest import ROOT, run_cli
from tests.notebooks.conftest import write_lesson

pytestmark = pytest.mark.slow

# A claim far inside its threshold whatever the seed: a mean of 400 draws is about 0.5.
STEADY = """\
# %%
import os
import numpy as np
import torch

SEED = int(os.environ.get("TDL_SEED", "0"))
rng = np.random.default_rng(SEED)
mean = rng.random(400).mean()
print("mean", round(mean, 3), "kernel", torch.backends.cpu.get_cpu_capability())
assert 0.4 < mean < 0.6, mean
"""
# One seed in three fails, and the others pass by a margin of about one spread.
FLAKY = """\
# %%
import os
import numpy as np

SEED = int(os.environ.get("TDL_SEED", "0"))
value = float(np.random.default_rng(SEED).normal())
assert value < {threshold}, f"value {{value:.3f}} not below {threshold}"
"""


def sweep(project, *args):
    return run_cli("sweep", "--jobs", "2", "--json", "report.json", *args, cwd=project)


def report(project) -> dict:
    return json.loads((project / "report.json").read_text("utf-8"))


def best_kernel() -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.backends.cpu.get_cpu_capability())"],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "ATEN_CPU_CAPABILITY"},
    )
    return done.stdout.strip().lower()


def test_every_seed_and_kernel_runs_and_each_claim_gets_its_margin(project):
    write_lesson(project, "01-steady", "# %% [markdown]\n# # Steady\n\n" + STEADY)
    done = sweep(project, "--seeds", "0-4", "--kernels", "default,avx2")
    available = ["default"] + (["avx2"] if best_kernel() in ("avx2", "avx512") else [])
    assert done.returncode == 0, done.stdout + done.stderr
    runs = report(project)["lessons"][0]["runs"]
    assert sorted((r["config"]["kernel"], r["config"]["seed"]) for r in runs) == sorted(
        (k, s) for k in available for s in range(5)
    )
    assert all(run["status"] == "passed" for run in runs)
    # The kernel path asked for is the one torch used.
    assert {run["capability"].lower() for run in runs} == set(available)
    # Both sides of the chained comparison are recorded: 0.4 < mean and mean < 0.6.
    sites = {(c["index"], c["op"]) for c in runs[0]["claims"]}
    assert sites == {(0, "<"), (1, "<")}
    closest = report(project)["lessons"][0]["closest"]
    assert closest["runs"] == len(runs) and closest["z"] > 4
    assert "stage-1/01-steady" in done.stdout and "5/5" in done.stdout


def test_a_failing_seed_names_its_line_message_and_configuration(project):
    path = write_lesson(project, "01-flaky", FLAKY.format(threshold=1.0))
    # Seed 1's first normal draw is 0.3455; seed 3's is 2.0409, above the threshold.
    done = sweep(project, "--seeds", "1,3", "--kernels", "default")
    assert done.returncode == 1
    lines = path.read_text("utf-8").splitlines()
    line = 1 + next(i for i, text in enumerate(lines) if text.startswith("assert"))
    expected = f"{path.relative_to(project).as_posix()}:{line}: AssertionError: value 2.041"
    assert expected in done.stdout, done.stdout
    assert "(seed 3 · default)" in done.stdout
    statuses = {r["config"]["seed"]: r["status"] for r in report(project)["lessons"][0]["runs"]}
    assert statuses == {1: "passed", 3: "failed"}


def test_an_unchanged_lesson_is_not_swept_again_and_an_edit_is(project):
    path = write_lesson(project, "01-steady", "# %% [markdown]\n# # Steady\n\n" + STEADY)
    assert sweep(project, "--seeds", "0-1", "--kernels", "default").returncode == 0
    again = sweep(project, "--seeds", "0-1", "--kernels", "default")
    assert "2 runs from the cache" in again.stderr
    assert {r["cache"] for r in report(project)["lessons"][0]["runs"]} == {"hit"}
    path.write_text(path.read_text("utf-8") + "\nprint('edited')\n", "utf-8")
    edited = sweep(project, "--seeds", "0-1", "--kernels", "default")
    assert edited.returncode == 0
    assert {r["cache"] for r in report(project)["lessons"][0]["runs"]} == {"miss"}


def test_a_kernel_path_the_cpu_lacks_is_skipped_not_passed(project):
    write_lesson(project, "01-steady", "# %% [markdown]\n# # Steady\n\n" + STEADY)
    best = best_kernel()
    done = sweep(project, "--seeds", "0", "--kernels", "default,avx2,avx512")
    data = report(project)
    ran = {run["config"]["kernel"] for run in data["lessons"][0]["runs"]}
    order = ["default", "avx2", "avx512"]
    rank = order.index(best) if best in order else 0
    assert ran == set(order[: rank + 1])
    assert {item["family"] for item in data["skipped"]} == set(order[rank + 1 :])
    for kernel in order[rank + 1 :]:
        assert f"skipped {kernel}: this CPU runs {best} at most" in done.stdout
    assert done.returncode == 0


def test_a_claim_that_holds_by_luck_is_reported_as_thin(project):
    # Seeds 0-5 draw 0.126, 0.346, 0.189, 2.041, -0.652 and -0.802 first: all below 2.5,
    # but by about two spreads, not four.
    path = write_lesson(project, "01-lucky", FLAKY.format(threshold=2.5))
    done = sweep(project, "--seeds", "0-5", "--kernels", "default")
    assert done.returncode == 1, done.stdout
    assert f"{path.relative_to(project).as_posix()}:" in done.stdout
    assert "margin only" in done.stdout and "standard deviations (need 4)" in done.stdout
    closest = report(project)["lessons"][0]["closest"]
    assert closest["runs"] == 6 and 0 < closest["z"] < 4


def test_shard_reports_merge_into_one(project):
    write_lesson(project, "01-steady", "# %% [markdown]\n# # Steady\n\n" + STEADY)
    write_lesson(project, "02-flaky", FLAKY.format(threshold=5.0))
    for shard in ("1/2", "2/2"):
        done = run_cli(
            "sweep",
            "--seeds",
            "0-1",
            "--kernels",
            "default",
            "--shard",
            shard,
            "--json",
            f"shard-{shard[0]}.json",
            cwd=project,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    shards = [json.loads((project / f"shard-{i}.json").read_text("utf-8")) for i in (1, 2)]
    assert [len(s["lessons"]) for s in shards] == [1, 1]
    merged = run_cli(
        "sweep", "--merge", "shard-1.json", "shard-2.json", "--json", "all.json", cwd=project
    )
    assert merged.returncode == 0, merged.stdout + merged.stderr
    lessons = json.loads((project / "all.json").read_text("utf-8"))["lessons"]
    assert [lesson["id"] for lesson in lessons] == ["stage-1/01-steady", "stage-1/02-flaky"]
    assert all(len(lesson["runs"]) == 2 for lesson in lessons)


def test_bad_options_are_reported_without_a_traceback(project):
    write_lesson(project, "01-steady")
    for args, message in [
        (("--seeds", "4-1"), "--seeds range '4-1'"),
        (("--seeds", "a"), "--seeds takes numbers"),
        (("--kernels", "sse9"), "--kernels takes a comma-separated list"),
        (("--shard", "3/2"), "--shard must be I/N"),
    ]:
        done = sweep(project, *args)
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    missing = run_cli("sweep", "--merge", "nothing.json", cwd=project)
    assert missing.returncode == 2 and "not a readable sweep report" in missing.stderr


def test_the_recorder_returns_what_the_comparison_returns():
    recorder = Recorder()
    namespace = {"__tdl_claim__": recorder}
    source = "x = 3\nassert 1 < x <= 3 and x != 4\nok = 5 in [5]\nassert ok and x >= 2.5\n"
    exec(instrument(source, "<claims>"), namespace)
    claims = {(c["line"], c["op"]): c for c in recorder.claims()}
    assert claims[(2, "<")]["margin"] == 2 and claims[(2, "<=")]["margin"] == 0
    assert "margin" not in claims[(2, "!=")]
    assert claims[(4, ">=")]["margin"] == 0.5
    with pytest.raises(AssertionError):
        exec(instrument("assert 2 > 3", "<claims>"), {"__tdl_claim__": recorder})
    failing = next(claim for claim in recorder.claims() if claim["line"] == 1)
    assert failing["failed"] is True and failing["margin"] == -1


def test_a_margin_that_never_varies_is_steady_when_it_holds():
    at_the_bound = Spread(line=1, column=0, index=0, op="<=", runs=5, mean=0, std=0, minimum=0)
    strict = Spread(line=1, column=0, index=0, op="<", runs=5, mean=0, std=0, minimum=0)
    assert at_the_bound.z == math.inf and not at_the_bound.thin
    assert strict.z == -math.inf and strict.thin


def test_seed_lists_read_and_print_as_ranges():
    assert parse_seeds("0-2,5,7-8") == [0, 1, 2, 5, 7, 8]
    assert seed_ranges([0, 1, 2, 5, 7, 8]) == "0-2, 5, 7-8"


def test_lesson_pages_say_how_widely_their_claims_were_checked(project):
    from tests.notebooks.conftest import mkdocs_build

    path = write_lesson(project, "01-steady", "# %% [markdown]\n# # Steady\n\n" + STEADY)
    page = project / "site" / "lessons" / "stage-1" / "01-steady" / "index.html"
    report_page = project / "site" / "reports" / "execution" / "index.html"
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr
    assert "Claims checked" not in page.read_text("utf-8")  # no sweep report: nothing said
    assert "Claims across machines" not in report_page.read_text("utf-8")

    done = run_cli("sweep", "--seeds", "0-2", "--kernels", "default", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert mkdocs_build(project).returncode == 0
    sentence = "Claims checked in 3 runs: seeds 0-2 × 1 CPU kernel path (default)."
    assert sentence in page.read_text("utf-8")
    report = report_page.read_text("utf-8")
    assert "Claims across machines" in report and "3/3 passed" in report
    assert "stage-1/01-steady" in report and "(source changed since)" not in report
    assert (project / "site" / "_reports" / "sweep.json").is_file()

    # An edited lesson was not swept as it now reads: its page claims nothing.
    path.write_text(path.read_text("utf-8") + "\nprint('edited')\n", "utf-8")
    assert mkdocs_build(project).returncode == 0
    assert "Claims checked" not in page.read_text("utf-8")
    assert "(source changed since)" in report_page.read_text("utf-8")


def test_a_run_leaves_no_process_behind(project, tmp_path):
    import psutil

    pid_file = tmp_path / "child.pid"
    body = f"""\
# %%
import subprocess, sys

child = subprocess.Popen(
    [sys.executable, "-c", "import os, time; os.setsid(); time.sleep(600)"],
    start_new_session=True,
)
open({str(pid_file)!r}, "w").write(str(child.pid))
assert child.pid > 0
"""
    write_lesson(project, "01-spawner", body)
    done = sweep(project, "--seeds", "0", "--kernels", "default")
    assert done.returncode == 0, done.stdout + done.stderr
    pid = int(pid_file.read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_a_stopped_sweep_ends_its_runs(project):
    import psutil

    path = write_lesson(project, "01-sleeper", "# %%\nimport time\n\ntime.sleep(300)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    sweeper = subprocess.Popen(
        [sys.executable, "-m", "build_tools", "sweep", "--seeds", "0", "--kernels", "default"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def runs() -> list:
        found = []
        for process in psutil.process_iter(["cmdline"]):
            if str(path.resolve()) in " ".join(process.info["cmdline"] or []):
                found.append(process)
        return found

    for _ in range(600):  # the run starts after torch was asked about the CPU
        if runs() or sweeper.poll() is not None:
            break
        time.sleep(0.1)
    started = runs()
    assert started, sweeper.communicate()[0]
    sweeper.terminate()
    output = sweeper.communicate(timeout=60)[0]
    assert sweeper.returncode == 130 and "interrupted" in output
    psutil.wait_procs(started, timeout=10)
    assert not runs()
