"""Say whether a release of a package newer than the project's pin installs today.

    python .github/scripts/newer_release.py PACKAGE [--pyproject PATH]

Reads the pin (``PACKAGE==X``) from pyproject.toml, asks the package index for the latest
release (``pip index versions --json``) and, when that is not the pin, resolves it with
``pip install --dry-run`` (its dependencies included; nothing is installed). The answer is
a GitHub Actions notice, also appended to the job summary when ``GITHUB_STEP_SUMMARY`` is
set. News is never a failure: exit 0 whatever the index says, 2 when the pin is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path


def pinned_version(pyproject: Path, package: str) -> str | None:
    """The version pinned as ``"PACKAGE==X"`` anywhere in pyproject.toml."""
    pattern = rf'"{re.escape(package)}==([^";\s]+)'
    found = re.search(pattern, pyproject.read_text(encoding="utf-8"), re.IGNORECASE)
    return found.group(1) if found else None


def _pip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=600
    )


def latest_version(package: str) -> str | None:
    done = _pip("index", "versions", package, "--json")
    if done.returncode != 0:
        return None
    return json.loads(done.stdout).get("latest")


def why_not(package: str, version: str) -> str | None:
    """None when ``package==version`` resolves with its dependencies, else pip's reason."""
    done = _pip("install", "--dry-run", "--quiet", f"{package}=={version}")
    if done.returncode == 0:
        return None
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR:")]
    return (errors[0] if errors else done.stderr.strip()[-300:]).removeprefix("ERROR: ")


def verdict(package: str, pinned: str) -> tuple[str, str]:
    """The kind of annotation (notice or warning) and its text."""
    latest = latest_version(package)
    if latest is None:
        return "warning", f"the package index could not say which {package} releases exist"
    if latest == pinned:
        return "notice", f"{package} {pinned}, the pinned release, is the latest"
    reason = why_not(package, latest)
    if reason is None:
        return "notice", (
            f"{package} {latest} installs now (pinned: {pinned}): try it and move the pin "
            "in pyproject.toml"
        )
    return "notice", f"{package} {latest} does not install yet (pinned: {pinned}): {reason}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package")
    parser.add_argument("--pyproject", type=Path, default=Path("pyproject.toml"))
    args = parser.parse_args(argv)
    pinned = pinned_version(args.pyproject, args.package)
    if pinned is None:
        print(f"error: {args.pyproject}: no {args.package}==VERSION pin", file=sys.stderr)
        return 2
    kind, text = verdict(args.package, pinned)
    print(f"::{kind} title={args.package} releases::{text}")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(f"### {args.package} releases\n\n{text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
