"""Benchmark: the catalog at 100, 1,000 and 10,000 resources.

For each size, a throwaway project (synthetic catalog, six lessons from the maintainers'
template citing it, a link check cache with a verdict for every URL) is checked and built
for real, then its catalog page is opened in headless Chromium. Printed, measured in one
run:

- ``check`` wall time (``python -m build_tools check``, interpreter start included);
- ``mkdocs build`` wall time;
- catalog page weight (raw and gzip), beside the search index and the largest stage page;
- in Chromium: the time from navigation to the first cards, and the time a filter change
  takes to update the page (event handled, DOM replaced, layout done), median and worst of
  a series of stage, kind, tag and text changes. Goal at 10,000: under 100 ms, page under
  2 MB;
- growth ratios between sizes (10x more resources: linear growth reads ~10x).

Before those, ``check`` alone (``--check-sizes``, default 3,000 and 30,000 resources with
prerequisites, written as ``fmt`` writes them) against the real catalog in the same run:
wall and CPU seconds, and the ratio. Goal at 30,000: under 5 s. ``--check-only`` stops there.

Never asserts. Wall-clock figures need an otherwise idle machine; the load average is printed.

    .venv/bin/python bench/catalog_scale.py [--sizes 100,1000,10000] [--keep]
        [--check-sizes 3000,30000] [--check-only]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_tools.catalog.format import Comments, emit  # noqa: E402
from build_tools.catalog.model import FREE, KINDS, LEVELS, load_catalog  # noqa: E402
from build_tools.catalog.yamlsource import MAX_BYTES  # noqa: E402
from build_tools.commands.new_lesson import render as lesson_source  # noqa: E402
from tests.browser.chromium import launch  # noqa: E402

MKDOCS_YML = """\
site_name: Catalog scale
site_url: http://127.0.0.1/
theme:
  name: material
  font: false
  features: [navigation.instant]
markdown_extensions: [attr_list, md_in_html, admonition, toc]
plugins:
  - search
  - tdl:
      execute:
        enabled: false
  - mkdocs-jupyter:
      include: ["lessons/stage-*/*.py"]
"""
WORDS = (
    "deep learning neural network vision language model training loop gradient descent "
    "probability linear algebra calculus reinforcement policy value agent practical "
    "introduction advanced foundations convolution recurrent attention transformer data "
    "ethics tabular embeddings optimisation regularisation generalisation statistics"
).split()
FIRST = "Ada Alan Grace Edsger Barbara Donald Frances John Katherine Claude Radia Tim".split()
LAST = "Lovelace Turing Hopper Dijkstra Liskov Knuth Allen Backus Johnson Shannon Perlman".split()
TAGS = [
    f"{a}-{b}"
    for a in ("vision", "text", "math", "rl", "code", "data")
    for b in (
        "basics",
        "theory",
        "practice",
        "tools",
        "papers",
        "course",
        "notes",
        "history",
        "ethics",
        "maths",
    )
]
HOSTS = [f"courses-{i}.example.org" for i in range(50)]


def synthetic_resources(
    count: int, seed: int = 0, summary_words: int = 28, prerequisites: bool = False
) -> list[dict]:
    """``count`` valid catalog entries, the same every run, with text fields as long on
    average as the real catalog's (``field_lengths`` prints both). With ``prerequisites``,
    half the entries name one to three earlier ones (so the graph has no cycle)."""
    rng = random.Random(seed)
    resources = []
    for i in range(count):
        words = rng.sample(WORDS, 4)
        slug = f"{words[0]}-{words[1]}-{i}"
        entry = {
            "id": slug,
            "title": " ".join(words[: rng.choice((3, 4))]).capitalize(),
            "url": f"https://{rng.choice(HOSTS)}/{words[2]}/{i}",
            "kind": rng.choice(KINDS),
            "stage": rng.randint(1, 6),
            "authors": [
                f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                for _ in range(rng.choice((1, 2, 2, 2, 3)))
            ],
            "free": rng.choice(FREE),
            "level": rng.choice(LEVELS),
            "tags": sorted(rng.sample(TAGS, rng.randint(1, 4))),
            "summary": " ".join(rng.choice(WORDS) for _ in range(summary_words)).capitalize() + ".",
        }
        if prerequisites and i and rng.random() < 0.5:
            earlier = (resources[rng.randrange(i)]["id"] for _ in range(rng.randint(1, 3)))
            entry["prerequisites"] = list(dict.fromkeys(earlier))
        if rng.random() < 0.7:
            entry["est_hours"] = rng.choice([2, 5, 10, 20, 40, 60, 1.5])
        if rng.random() < 0.03:
            entry["archived"] = True
        resources.append(entry)
    return resources


def field_lengths(resources: list[dict]) -> str:
    """Mean characters of the fields that weigh most on the catalog page."""

    def mean(values) -> float:
        return statistics.mean(values) if values else 0.0

    parts = [
        f"{key} {mean([len(r[key]) for r in resources]):.0f}" for key in ("id", "title", "url")
    ]
    parts.append(f"authors {mean([len(', '.join(r['authors'])) for r in resources]):.0f}")
    parts.append(f"tags {mean([len(r['tags']) for r in resources]):.1f}")
    return ", ".join(parts)


def write_project(target: Path, count: int) -> list[dict]:
    """mkdocs.yml, resources.yml, six lessons, a start page and a link-check cache."""
    stages = [s.model_dump() for s in load_catalog(ROOT / "resources.yml").stages]
    resources = synthetic_resources(count)
    (target / "docs").mkdir(parents=True)
    (target / "docs" / "start-here.md").write_text("# Start here\n\nWelcome.\n", "utf-8")
    (target / "mkdocs.yml").write_text(MKDOCS_YML, "utf-8")
    text = yaml.safe_dump(
        {"stages": stages, "resources": resources}, sort_keys=False, allow_unicode=True, width=100
    )
    (target / "resources.yml").write_text(text, "utf-8")
    for stage in range(1, 7):
        # The maintainers' lesson template, citing the stage's first resource.
        cited = next(r["id"] for r in resources if r["stage"] == stage)
        folder = target / "docs" / "lessons" / f"stage-{stage}"
        folder.mkdir(parents=True)
        lesson = lesson_source(f"Synthetic lesson {stage}", stage, cited)
        (folder / f"{stage:02d}-synthetic.py").write_text(lesson, "utf-8")
    now = time.time()
    verdicts = ["ok"] * 8 + ["redirect", "broken"]
    results = [
        {
            "url": r["url"],
            "verdict": verdicts[i % 10],
            "status": 200,
            "detail": "",
            "final_url": None,
            "checked_at": now,
            "fragment_checked": False,
            "sources": [],
        }
        for i, r in enumerate(resources)
    ]
    cache = target / ".cache" / "tdl" / "links.json"
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps({"version": 1, "results": results}), "utf-8")
    return resources


def timed(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return elapsed


def timed_check(catalog: Path, rounds: int = 3) -> tuple[float, float]:
    """Median wall and CPU seconds of ``check`` on ``catalog`` alone (interpreter start
    included); the CPU figure stays honest on a machine shared with other work."""
    walls, cpus = [], []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(
            timed(
                [
                    sys.executable,
                    "-m",
                    "build_tools",
                    "check",
                    "--no-lessons",
                    "--catalog",
                    str(catalog),
                ],
                ROOT,
            )
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def write_check_catalog(target: Path, count: int) -> Path:
    """``count`` resources with prerequisites, written as ``fmt`` writes a catalog; the
    summaries are shortened only as far as the loader's size cap requires."""
    stages = [s.model_dump(exclude_none=True) for s in load_catalog(ROOT / "resources.yml").stages]
    path = target / f"resources-{count}.yml"
    for words in (28, 24, 20, 16, 12):
        resources = synthetic_resources(count, summary_words=words, prerequisites=True)
        text = emit({"stages": stages, "resources": resources}, Comments())
        if len(text.encode()) <= MAX_BYTES:
            break
    path.write_text(text, "utf-8")
    return path


def check_scale(sizes: list[int]) -> None:
    """``check`` on synthetic catalogs against the real catalog, measured in the same run."""
    work = Path(tempfile.mkdtemp(prefix="tdl-check-scale-"))
    try:
        catalogs = [(count, write_check_catalog(work, count)) for count in sizes]
        real = ROOT / "resources.yml"
        real_count = len(load_catalog(real).resources)
        base_wall, base_cpu = timed_check(real)
        print("\ncheck --no-lessons, median of 3 (the real catalog measured in the same run)")
        print(f"{'resources':>10} {'MiB':>6} {'wall s':>8} {'CPU s':>7} {'x real (wall)':>14}")
        print(
            f"{real_count:>10,} {real.stat().st_size / 2**20:>6.2f} {base_wall:>8.2f} "
            f"{base_cpu:>7.2f} {1:>13.2f}x"
        )
        for count, path in catalogs:
            wall, cpu = timed_check(path)
            print(
                f"{count:>10,} {path.stat().st_size / 2**20:>6.2f} {wall:>8.2f} {cpu:>7.2f} "
                f"{wall / base_wall:>13.2f}x"
            )
        print(f"at {sizes[-1]:,} resources: {wall:.2f} s (goal < 5 s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


# Installed before the page's own scripts: notes when the first card appears.
FIRST_CARDS = """
new MutationObserver((records, observer) => {
  if (document.querySelector('#tdl-catalog-results article')) {
    window.__firstCards = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""
# One filter change, timed in the page: the handlers run synchronously on the event, and
# reading offsetHeight makes the browser finish style and layout of the new cards.
CHANGE = """
([selector, value]) => {
  const root = document.getElementById('tdl-catalog');
  const control = root.querySelector(selector);
  const start = performance.now();
  if (control.type === 'checkbox') {
    control.checked = !control.checked;
    control.dispatchEvent(new Event('change', {bubbles: true}));
  } else {
    control.value = value;
    control.dispatchEvent(new Event('input', {bubbles: true}));
  }
  root.querySelector('#tdl-catalog-results').offsetHeight;
  return performance.now() - start;
}
"""
CHANGES = [
    ("input[name=stage][value='2']", None),
    ("input[name=kind][value='book']", None),
    ("input[name=stage][value='2']", None),
    ("input[name=level][value='advanced']", None),
    ("input[name=free][value='yes']", None),
    ("#tdl-catalog-q", "learn"),
    ("#tdl-catalog-q", "learning deep"),
    ("#tdl-catalog-q", ""),
    ("input[name=kind][value='book']", None),
    ("input[name=level][value='advanced']", None),
    ("input[name=free][value='yes']", None),
    ("input[name=tag][value='math-theory']", None),
    ("input[name=tag][value='math-theory']", None),
    ("#tdl-catalog-q", "ada"),
    ("#tdl-catalog-q", ""),
]


def browser_figures(site: Path, rounds: int = 3) -> dict:
    """First-cards time and filter-update times for the catalog page, in Chromium."""
    from playwright.sync_api import sync_playwright

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/catalog/"
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(FIRST_CARDS)
            first = []
            updates = []
            for _ in range(rounds):
                page.goto(url, wait_until="load")
                page.wait_for_function("window.__firstCards !== undefined")
                first.append(page.evaluate("window.__firstCards"))
                for selector, value in CHANGES:
                    updates.append(page.evaluate(CHANGE, [selector, value]))
            dom = page.evaluate("document.getElementsByTagName('*').length")
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return {
        "first_cards_ms": statistics.median(first),
        "update_median_ms": statistics.median(updates),
        "update_max_ms": max(updates),
        "dom_elements": dom,
    }


def measure(count: int, keep: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"tdl-catalog-{count}-"))
    try:
        write_project(work, count)
        figures = {"resources": count}
        figures["check_s"] = timed(
            [sys.executable, "-m", "build_tools", "check", "--catalog", "resources.yml"], work
        )
        figures["build_s"] = timed([sys.executable, "-m", "mkdocs", "build"], work)
        site = work / "site"
        page = (site / "catalog" / "index.html").read_bytes()
        figures["page_bytes"] = len(page)
        figures["page_gzip_bytes"] = len(gzip.compress(page, 6))
        figures["search_index_bytes"] = (site / "search" / "search_index.json").stat().st_size
        figures["largest_stage_bytes"] = max(
            (site / "lessons" / f"stage-{n}" / "index.html").stat().st_size for n in range(1, 7)
        )
        figures.update(browser_figures(site))
        return figures
    finally:
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


ROWS = [
    ("check (s)", "check_s", "{:.2f}"),
    ("mkdocs build (s)", "build_s", "{:.2f}"),
    ("catalog page (KB)", "page_bytes", "{:.0f}"),
    ("catalog page gzip (KB)", "page_gzip_bytes", "{:.0f}"),
    ("search index (KB)", "search_index_bytes", "{:.0f}"),
    ("largest stage page (KB)", "largest_stage_bytes", "{:.0f}"),
    ("first cards after load (ms)", "first_cards_ms", "{:.1f}"),
    ("filter update, median (ms)", "update_median_ms", "{:.1f}"),
    ("filter update, worst (ms)", "update_max_ms", "{:.1f}"),
    ("DOM elements on the page", "dom_elements", "{:.0f}"),
]


def report(results: list[dict]) -> None:
    sizes = [r["resources"] for r in results]
    width = max(len(label) for label, _k, _f in ROWS)
    head = "".join(f"{n:>12,}" for n in sizes)
    ratios = [f"{b:,}/{a:,}" for a, b in zip(sizes, sizes[1:], strict=False)]
    print(f"\n{'resources':<{width}}{head}" + "".join(f"{r:>16}" for r in ratios))
    for label, key, fmt in ROWS:
        values = [r[key] / (1024 if key.endswith("bytes") else 1) for r in results]
        cells = "".join(f"{fmt.format(v):>12}" for v in values)
        growth = "".join(
            f"{(b / a if a else float('nan')):>15.2f}x"
            for a, b in zip(values, values[1:], strict=False)
        )
        print(f"{label:<{width}}{cells}{growth}")
    last = results[-1]
    print(
        f"\nat {last['resources']:,} resources: page {last['page_bytes'] / 2**20:.2f} MB "
        f"(goal < 2 MB), filter update median {last['update_median_ms']:.1f} ms, "
        f"worst {last['update_max_ms']:.1f} ms (goal < 100 ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument(
        "--check-sizes", default="3000,30000", help="catalog sizes for the check-only figures"
    )
    parser.add_argument(
        "--check-only", action="store_true", help="only the check figures (no builds, no browser)"
    )
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    check_scale([int(n) for n in args.check_sizes.split(",")])
    if args.check_only:
        return 0
    real = [r.model_dump() for r in load_catalog(ROOT / "resources.yml").resources]
    print(f"mean lengths, real catalog ({len(real)}): {field_lengths(real)}")
    print(f"mean lengths, synthetic (1,000):    {field_lengths(synthetic_resources(1000))}")
    results = []
    for count in (int(n) for n in args.sizes.split(",")):
        print(f"{count:,} resources ...", flush=True)
        results.append(measure(count, args.keep))
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
