"""``python -m bench [NAME ...]``: run every benchmark script and print one table of ratios.

Each ``bench/<name>.py`` runs in its own process (its figures stream to the terminal as
usual) and ends with one line of JSON, its summary::

    {"bench": "build", "ratios": {"warm_vs_plain_build": 1.21, ...}}

A ratio compares two measurements taken in the same run (ours against a baseline), so it
means something on a noisy shared machine where seconds do not. Nothing here asserts: a
script that fails, or prints no summary line, is listed as such and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts(folder: Path, names: list[str]) -> list[Path]:
    found = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    if not names:
        return found
    by_name = {p.stem: p for p in found}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; have {', '.join(by_name)}")
    return [by_name[n] for n in names]


def summary_line(output: str) -> dict | None:
    """The last line of the output that is a JSON summary (``bench`` and ``ratios`` keys)."""
    for line in reversed(output.splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("ratios"), dict):
            return data
    return None


def run_script(path: Path) -> tuple[int, dict | None]:
    """Run one script, echoing its output, and return its exit status and summary."""
    print(f"== {path.stem} ==", flush=True)
    process = subprocess.Popen(
        [sys.executable, str(path)],
        cwd=HERE.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    captured = []
    assert process.stdout is not None
    for line in process.stdout:
        captured.append(line)
        sys.stdout.write(line)
        sys.stdout.flush()
    return process.wait(), summary_line("".join(captured))


def table(rows: list[tuple[str, str, str]]) -> str:
    header = ("bench", "ratio", "value")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--dir", type=Path, default=HERE, help="folder of benchmark scripts")
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str]] = []
    failed = False
    for path in scripts(args.dir, args.names):
        status, summary = run_script(path)
        if status != 0 or summary is None:
            failed = True
            why = f"exit status {status}" if status != 0 else "printed no summary line"
            rows.append((path.stem, "-", why))
            continue
        for name, value in summary["ratios"].items():
            shown = f"{value:.2f}" if isinstance(value, (int, float)) else str(value)
            rows.append((str(summary.get("bench", path.stem)), name, shown))
    print()
    print(table(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
