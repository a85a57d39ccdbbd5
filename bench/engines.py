"""Benchmark: the same site built by MkDocs + Material and by Zensical, cold and warm.

Works on copies of the project in a temporary folder (the real caches, generated/ and
site/ are left alone) and prints, measured in one run, for each engine:

- a cold build: empty caches, so every lesson executes;
- a warm build: nothing changed, so no lesson executes (goal 0);
- a plain build of the same generated Markdown by the engine alone, no lessons executed
  and nothing prepared (MkDocs with only its search plugin, Zensical on generated/), and
  the ratio of the warm build to it: what the curriculum tooling costs on a rebuild.

Each engine gets its own project copy and cache, so its cold build is truly cold. Never
asserts; ratios compare measurements taken in the same run.

    .venv/bin/python bench/engines.py [--synthetic N --seed S] [--repeat R] [--no-cold]

``--synthetic N`` replaces the lessons by N generated ones whose sizes are drawn from
``--seed`` (see bench/build.py), to measure shapes of site other than this one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bench.build import SYNTHETIC, copy_project  # noqa: E402

ENGINES = ("mkdocs", "zensical")


def write_synthetic(project: Path, count: int, seed: int) -> None:
    """``count`` generated lessons; their work and stage drawn from ``seed``."""
    rng = random.Random(seed)
    for old in (project / "docs" / "lessons").glob("stage-*/*.py"):
        old.unlink()
    for n in range(1, count + 1):
        stage = rng.randint(1, 6)
        path = project / "docs" / "lessons" / f"stage-{stage}" / f"{n:02d}-synthetic-{n}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        steps = rng.randint(20, 200)
        path.write_text(SYNTHETIC.format(n=n, stage=stage, steps=steps), encoding="utf-8")


def run(project: Path, *args: str) -> float:
    """Wall seconds of one command in ``project``; stops the bench when it fails."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    done = subprocess.run(args, cwd=project, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"{' '.join(args)} failed in {project}; see above")
    return seconds


def build(project: Path, engine: str) -> tuple[float, int]:
    """One build with an engine; its wall time and how many lessons it executed."""
    seconds = run(
        project, sys.executable, "-m", "build_tools", "build", "--engine", engine, "--no-strict"
    )
    report = json.loads((project / "site" / "_reports" / "execution.json").read_text())
    return seconds, report["summary"]["executed"]


PLAIN_MKDOCS = """\
INHERIT: ../mkdocs.yml
docs_dir: docs
site_dir: {site}
plugins: [search]
"""


def plain_build(project: Path, engine: str, out: Path) -> float:
    """The engine alone on the generated tree: nothing validated, executed or rendered."""
    tree = project / "generated"
    if engine == "zensical":
        return run(tree, sys.executable, "-m", "zensical", "build")
    prepared = yaml.safe_load((tree / "mkdocs.yml").read_text(encoding="utf-8"))
    config = tree / "plain-mkdocs.yml"
    lines = [PLAIN_MKDOCS.format(site=out), f"nav: {json.dumps(prepared.get('nav'))}"]
    lines += [f"extra_css: {json.dumps(prepared['extra_css'])}"]
    lines += [f"extra_javascript: {json.dumps(prepared['extra_javascript'])}"]
    lines += ["theme: {name: material, custom_dir: overrides}"]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run(tree, sys.executable, "-m", "mkdocs", "build", "-q", "-f", config.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=0, help="use N generated lessons")
    parser.add_argument("--seed", type=int, default=0, help="draws the synthetic lessons")
    parser.add_argument("--repeat", type=int, default=3, help="warm and plain builds, median")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold builds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tdl-bench-engines-"))
    rows, ratios, executed = [], {}, {}
    load_before = os.getloadavg()[0]
    shared_cache = work / "shared-cache"
    for engine in ENGINES:
        project = work / engine
        project.mkdir()
        copy_project(project)
        if args.synthetic:
            write_synthetic(project, args.synthetic, args.seed)
        if args.no_cold and shared_cache.is_dir():
            shutil.copytree(shared_cache, project / ".cache", dirs_exist_ok=True)
        cold, cold_executed = build(project, engine)
        if args.no_cold and not shared_cache.is_dir():
            shutil.copytree(project / ".cache", shared_cache)
        warm_runs = [build(project, engine) for _ in range(args.repeat)]
        warm = statistics.median(seconds for seconds, _ in warm_runs)
        plain = statistics.median(
            plain_build(project, engine, work / f"plain-{engine}-{i}") for i in range(args.repeat)
        )
        pages = len(list((project / "site").rglob("*.html")))
        executed[engine] = max(count for _, count in warm_runs)
        ratios[f"{engine}_warm_vs_plain"] = round(warm / plain, 2)
        label = "cold build" if not args.no_cold or engine == ENGINES[0] else "first build"
        rows += [
            (f"{engine}: {label}", f"{cold:.1f} s", f"executed {cold_executed}"),
            (f"{engine}: warm build", f"{warm:.1f} s", f"executed {executed[engine]} (goal 0)"),
            (f"{engine}: plain build of the tree", f"{plain:.1f} s", "the engine alone"),
            (f"{engine}:   ratio warm / plain", f"{warm / plain:.2f}", f"{pages} HTML pages"),
        ]
    lessons = len(list((work / ENGINES[0] / "docs" / "lessons").glob("stage-*/*.py")))
    kind = f"synthetic, seed {args.seed}" if args.synthetic else "real"
    print(f"{lessons} lessons ({kind}); median of {args.repeat} warm and plain builds")
    rows.append(
        (
            "load average (1 min) before / after",
            f"{load_before:.1f} / {os.getloadavg()[0]:.1f}",
            f"{os.cpu_count()} cores",
        )
    )
    width = max(len(row[0]) for row in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>9}  {note}")
    if args.keep:
        print(f"projects kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"bench": "engines", "ratios": ratios, "executed_warm": executed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
