"""The FSRS scheduler the reader's script bundles (ts-fsrs) is the release package.json pins:
the exact version in package.json and package-lock.json, the same version inside the
committed file, and, once ``npm ci`` has run (always in CI), the same bytes and licence as
the package in node_modules."""

from __future__ import annotations

import json
import os
import re

import pytest

from build_tools.site import reader_assets
from tests.conftest import ROOT

VENDORED = ROOT / "build_tools" / "site" / "assets" / "ts-fsrs"
INSTALLED = ROOT / "node_modules" / "ts-fsrs"
PINNED = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"][
    "ts-fsrs"
]


def test_the_version_is_pinned_exactly_and_locked():
    assert re.fullmatch(r"\d+\.\d+\.\d+", PINNED), PINNED
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/ts-fsrs"]["version"] == PINNED
    assert lock["packages"]["node_modules/ts-fsrs"]["license"] == "MIT"


def test_the_committed_file_is_that_release_with_its_licence():
    source = (VENDORED / "ts-fsrs.umd.js").read_text(encoding="utf-8")
    assert re.search(r'\bconst version\s*=\s*"([^"]+)"', source).group(1) == PINNED
    assert "MIT License" in (VENDORED / "LICENSE").read_text(encoding="utf-8")
    # The scheduler reaches the page before the script that uses it.
    scripts = reader_assets.SCRIPTS
    assert scripts.index("ts-fsrs/ts-fsrs.umd.js") < scripts.index("schedule.js")


def test_the_committed_file_matches_the_installed_package():
    if not INSTALLED.is_dir():
        if os.environ.get("TDL_REQUIRE_BROWSER") == "1":
            pytest.fail("node_modules/ts-fsrs is missing: run npm ci", pytrace=False)
        pytest.skip("node_modules/ts-fsrs is missing (run npm ci)")
    installed = json.loads((INSTALLED / "package.json").read_text(encoding="utf-8"))
    assert installed["version"] == PINNED
    assert (VENDORED / "ts-fsrs.umd.js").read_bytes() == (
        INSTALLED / "dist" / "index.umd.js"
    ).read_bytes()
    assert (VENDORED / "LICENSE").read_bytes() == (INSTALLED / "LICENSE").read_bytes()
