"""``mkdocs serve``: editing one lesson re-executes that lesson only, editing the catalog
re-executes none, and the pages follow."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from tests.links.linkserver import free_port
from tests.notebooks.conftest import write_lesson

GUARD_S = 240  # a hung server fails the test instead of hanging it; nothing is timed


class ServeLog:
    """Lines of a running ``mkdocs serve``, read by a thread so waiting never blocks."""

    def __init__(self, process: subprocess.Popen):
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(process.stderr,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line.rstrip())

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + GUARD_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        pytest.fail(f"mkdocs serve never logged {text!r}; log:\n" + "\n".join(self.seen[-40:]))


def test_edits_during_serve_reexecute_only_the_lesson_edited(project):
    write_lesson(project, "01-one")
    two = write_lesson(project, "02-two")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        log = ServeLog(server)
        assert "2 executed, 0 cached" in log.wait_for("prepared")
        log.wait_for("Serving on")

        two.write_text(two.read_text().replace("range(10)", "range(12)"), encoding="utf-8")
        assert "1 executed, 1 cached" in log.wait_for("prepared")
        log.wait_for("Documentation built")
        url = f"http://127.0.0.1:{port}/lessons/stage-1/02-two/"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert "total 66" in response.read().decode()

        catalog = project / "resources.yml"
        catalog.write_text(catalog.read_text().replace("First course", "Renamed course"), "utf-8")
        assert "0 executed, 2 cached" in log.wait_for("prepared")
        log.wait_for("Documentation built")
        url = f"http://127.0.0.1:{port}/catalog/"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert "Renamed course" in response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=60)
