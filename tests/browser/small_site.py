"""A small project's site for the browser tests that write their own project: built by one
engine for a free loopback address and served there while the test runs."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

from tests.browser.conftest import LOCAL_HOST, _QuietHandler
from tests.conftest import ROOT


@contextmanager
def served_site(project: Path, engine: str) -> Iterator[tuple[str, Path]]:
    """(base URL, site folder) of ``project`` built with ``engine``; removed afterwards."""
    site_dir = project / f"site-{engine}"
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    httpd = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    base_url = f"http://{LOCAL_HOST}:{httpd.server_address[1]}/"
    command = ["-m", "build_tools", "build", "--engine", engine, "--site-dir", str(site_dir)]
    done = subprocess.run(
        [sys.executable, *command, "--site-url", base_url],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    try:
        assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield base_url, site_dir
        httpd.shutdown()
    finally:
        httpd.server_close()
        shutil.rmtree(site_dir, ignore_errors=True)
