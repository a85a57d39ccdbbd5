"""Benchmark: building the site with executed lessons, cold, warm and after one edit.

Works on a copy of the project in a temporary folder (the real caches and site/ are left
alone) and prints, measured in one run:

- the sum of single-lesson execution times (each lesson alone, all cores to itself);
- a cold ``mkdocs build`` (empty caches) and its ratio to that sum / cores (goal <= 1.2);
- a warm rebuild: lessons executed (goal 0) and its time as a ratio to a ``mkdocs build``
  of the same site without lessons (goal <= 1.5);
- after editing one lesson: lessons executed (goal 1) and the time;
- lesson page HTML sizes (goal <= 60 KB) and the shared files that hold what
  mkdocs-jupyter inlines in every page.

Never asserts. Wall-clock ratios need an otherwise idle machine: the load average is
printed, and CPU seconds (lessons one by one against the cold build) show the work that
parallel execution adds whatever else runs beside it.

    .venv/bin/python bench/build.py [--synthetic N] [--keep]

``--synthetic N`` replaces the lessons by N generated ones (a few seconds of NumPy work
and a plot each), for when the real lessons are few or absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_tools.lessons.discovery import discover_lessons  # noqa: E402
from build_tools.lessons.execute import ExecuteOptions, available_cores, execute_lessons  # noqa: E402

SYNTHETIC = """\
# ---
# title: "Synthetic lesson {n}"
# summary: Generated for the build benchmark.
# stage: {stage}
# kind: notes
# minutes: 1
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Synthetic lesson {n}
#
# Matrix products and a plot, about as heavy as a small lesson.

# %%
import numpy as np
import matplotlib.pyplot as plt

rng = np.random.default_rng({n})
a = rng.standard_normal((400, 400))
norms = []
for step in range({steps}):
    a = np.tanh(a @ a.T / 400)
    norms.append(float(np.linalg.norm(a)))
print("final norm", norms[-1])

# %%
plt.plot(norms)
plt.show()
"""


def copy_project(target: Path) -> None:
    for name in ("mkdocs.yml", "resources.yml"):
        shutil.copy(ROOT / name, target / name)
    shutil.copytree(ROOT / "docs", target / "docs")


def write_synthetic(project: Path, count: int) -> None:
    for old in (project / "docs" / "lessons").glob("stage-*/*.py"):
        old.unlink()
    for n in range(1, count + 1):
        stage = 1 + (n - 1) % 6
        path = project / "docs" / "lessons" / f"stage-{stage}" / f"{n:02d}-synthetic-{n}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SYNTHETIC.format(n=n, stage=stage, steps=150), encoding="utf-8")


def cpu_seconds() -> float:
    """CPU time of this process and every finished descendant (kernels included)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build(project: Path) -> tuple[float, dict | None, float]:
    """Wall time of ``mkdocs build``, the execution report it wrote, and its CPU time."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started, cpu = time.perf_counter(), cpu_seconds()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu
    report_file = project / "site" / "_reports" / "execution.json"
    report = json.loads(report_file.read_text()) if report_file.is_file() else None
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
        raise SystemExit("mkdocs build failed; see above")
    return seconds, report, cpu


def executed(report: dict | None) -> int:
    return report["summary"]["executed"] if report else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=0, help="use N generated lessons")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project")
    args = parser.parse_args()

    cores = available_cores()
    work = Path(tempfile.mkdtemp(prefix="tdl-bench-build-"))
    project, bare = work / "project", work / "bare"
    for folder in (project, bare):
        folder.mkdir()
        copy_project(folder)
    if args.synthetic:
        write_synthetic(project, args.synthetic)
    for lesson in (bare / "docs" / "lessons").glob("stage-*/*.py"):
        lesson.unlink()
    lessons = discover_lessons(project / "docs" / "lessons", project)
    print(f"{len(lessons)} lessons ({'synthetic' if args.synthetic else 'real'}), {cores} cores")

    # 1. Each lesson alone (one kernel, every core's threads), into a throwaway cache.
    load_before = os.getloadavg()[0]
    singles_cpu = cpu_seconds()
    singles = execute_lessons(
        lessons, ExecuteOptions(jobs=1, force=True, cache_root=work / "singles-cache"), project
    )
    singles_cpu = cpu_seconds() - singles_cpu
    failed = [run.id for run in singles.runs if not run.ok]
    if failed:
        raise SystemExit(f"lessons failed when run alone: {', '.join(failed)}")
    total = sum(run.seconds for run in singles.runs)

    # 2. Cold build (no caches at all), 3. warm rebuild, 4. one lesson edited.
    cold, cold_report, cold_cpu = build(project)
    warm, warm_report, warm_cpu = build(project)
    edited = lessons[len(lessons) // 2].path
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited by bench/build.py\n")
    touched, touched_report, _ = build(project)
    # 5. The same site without lessons.
    baseline, _, baseline_cpu = build(bare)

    pages = [
        (project / "site" / "lessons" / lesson.id / "index.html").stat().st_size / 1024
        for lesson in lessons
    ]
    assets = project / "site" / "assets" / "tdl"
    css_kb, js_kb = ((assets / name).stat().st_size / 1024 for name in ("reader.css", "reader.js"))

    rows = [
        ("sum of single-lesson execution times", f"{total:.1f} s", ""),
        ("  same / cores", f"{total / cores:.1f} s", ""),
        ("cold mkdocs build", f"{cold:.1f} s", f"executed {executed(cold_report)}"),
        ("  of which executing lessons", f"{cold_report['wall_seconds']:.1f} s", ""),
        ("  ratio cold / (sum / cores)", f"{cold / (total / cores):.2f}", "goal <= 1.2"),
        ("CPU time, lessons one by one", f"{singles_cpu:.1f} s", ""),
        (
            "CPU time, cold build",
            f"{cold_cpu:.1f} s",
            f"ratio {cold_cpu / singles_cpu:.2f}: the work parallel execution adds",
        ),
        ("warm rebuild", f"{warm:.1f} s", f"executed {executed(warm_report)} (goal 0)"),
        ("mkdocs build without lessons", f"{baseline:.1f} s", ""),
        ("  ratio warm / no-lessons build", f"{warm / baseline:.2f}", "goal <= 1.5"),
        (
            "  same in CPU seconds",
            f"{warm_cpu / baseline_cpu:.2f}",
            f"{warm_cpu:.1f} s against {baseline_cpu:.1f} s",
        ),
        (
            "rebuild after editing one lesson",
            f"{touched:.1f} s",
            f"executed {executed(touched_report)} (goal 1)",
        ),
        ("lesson page HTML, largest", f"{max(pages):.1f} KB", "goal <= 60 KB"),
        ("lesson page HTML, median", f"{statistics.median(pages):.1f} KB", ""),
        (
            "shared reader.css / reader.js",
            f"{css_kb:.0f} / {js_kb:.0f} KB",
            "every page's styles and scripts, cached once (mkdocs-jupyter inlines ~590 KB)",
        ),
    ]
    rows.append(
        (
            "load average (1 min) before / after",
            f"{load_before:.1f} / {os.getloadavg()[0]:.1f}",
            f"{cores} cores; above that, others compete",
        )
    )
    width = max(len(row[0]) for row in rows)
    print()
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>10}  {note}")
    print()
    print("per lesson, alone:")
    for run in singles.runs:
        print(f"  {run.id:<45} {run.seconds:6.1f} s  {run.peak_memory_mb or 0:6.0f} MB")
    summary = {
        "bench": "build",
        "ratios": {
            "cold_vs_ideal": round(cold / (total / cores), 2),
            "cold_cpu_vs_serial_cpu": round(cold_cpu / singles_cpu, 2),
            "warm_vs_no_lessons": round(warm / baseline, 2),
            "warm_cpu_vs_no_lessons_cpu": round(warm_cpu / baseline_cpu, 2),
            "largest_page_vs_60kb": round(max(pages) / 60, 2),
        },
        "executed": {"warm": executed(warm_report), "one_edit": executed(touched_report)},
    }
    if args.keep:
        print(f"\nproject kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
