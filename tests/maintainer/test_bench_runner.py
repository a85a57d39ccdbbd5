"""``python -m bench``: runs each script, collects its summary line, prints one table."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

GOOD = """\
import json
print("cold build  12.0 s")
print(json.dumps({"bench": "demo", "ratios": {"warm_vs_plain": 1.234, "cold_vs_ideal": 0.9}}))
"""
SILENT = 'print("figures but no summary")\n'


def _bench(folder, *names):
    return subprocess.run(
        [sys.executable, "-m", "bench", "--dir", str(folder), *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bench_collects_ratios_into_one_table(tmp_path):
    (tmp_path / "demo.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "quiet.py").write_text(SILENT, encoding="utf-8")
    (tmp_path / "_helper.py").write_text("raise SystemExit(3)\n", encoding="utf-8")

    result = _bench(tmp_path)
    assert result.returncode == 1  # one script printed no summary
    assert "cold build  12.0 s" in result.stdout  # the script's own figures stream through
    table = result.stdout.split("\n\n")[-1].splitlines()
    assert table[0].split() == ["bench", "ratio", "value"]
    rows = [line.split(maxsplit=2) for line in table[2:]]
    assert rows == [
        ["demo", "warm_vs_plain", "1.23"],
        ["demo", "cold_vs_ideal", "0.90"],
        ["quiet", "-", "printed no summary line"],
    ]

    only = _bench(tmp_path, "demo")
    assert only.returncode == 0
    assert "quiet" not in only.stdout


def test_bench_rejects_an_unknown_name(tmp_path):
    (tmp_path / "demo.py").write_text(GOOD, encoding="utf-8")
    result = _bench(tmp_path, "nosuch")
    assert result.returncode == 1
    assert "unknown benchmark(s): nosuch; have demo" in result.stderr
