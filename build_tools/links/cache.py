"""Cached external-link verdicts (``.cache/tdl/links.json``), read with a TTL, written atomically.

A run reuses a cached verdict younger than the TTL instead of sending a request. The catalog
page reads the same file, whatever the age of its entries, to show each resource's last
verdict and check date. Each URL keeps its history (time, verdict, status of its last
checks), from which a failure is confirmed and "failing since" and "last worked" are read.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from build_tools.links.model import HISTORY_KEPT, VERDICTS, LinkResult, Source, now

DEFAULT_CACHE = Path(".cache/tdl/links.json")
FORMAT_VERSION = 1
LOCK_TIMEOUT_S = 30


def _entry(result: LinkResult) -> dict:
    return {
        "url": result.url,
        "verdict": result.verdict,
        "status": result.status,
        "detail": result.detail,
        "final_url": result.final_url,
        "checked_at": result.checked_at,
        "fragment_checked": result.fragment_checked,
        "sources": [str(s) for s in result.sources],
        "confirmed": result.confirmed,
        "history": [list(step) for step in result.history],
    }


def _history(steps) -> list[tuple[float, str, int | None]]:
    """The history entries that are well formed; a damaged one is dropped, not an error."""
    kept = []
    for step in steps if isinstance(steps, list) else []:
        try:
            at, verdict, status = step
            if verdict in VERDICTS and (status is None or isinstance(status, int)):
                kept.append((float(at), verdict, status))
        except (TypeError, ValueError):
            continue
    return kept


def with_history(result: LinkResult, earlier: LinkResult | None) -> LinkResult:
    """``result`` with its history merged with that of ``earlier`` (the cached result) and
    itself as a step, at most the newest HISTORY_KEPT steps."""
    known = [*(earlier.history if earlier else []), *result.history]
    steps = {at: (at, v, s) for at, v, s in known}
    if result.checked_at is not None:
        steps[result.checked_at] = (result.checked_at, result.verdict, result.status)
    result.history = sorted(steps.values())[-HISTORY_KEPT:]
    return result


def _result(entry: dict) -> LinkResult | None:
    try:
        if entry["verdict"] not in VERDICTS:
            return None
        return LinkResult(
            url=str(entry["url"]),
            verdict=entry["verdict"],
            status=entry.get("status"),
            detail=str(entry.get("detail") or ""),
            final_url=entry.get("final_url"),
            checked_at=float(entry["checked_at"]),
            fragment_checked=bool(entry.get("fragment_checked")),
            sources=[Source.parse(str(s)) for s in entry.get("sources") or []],
            history=_history(entry.get("history")),
            confirmed=entry.get("confirmed") is not False,
        )
    except (KeyError, TypeError, ValueError):
        return None


def load_link_results(cache_path: str | Path = DEFAULT_CACHE) -> dict[str, LinkResult]:
    """Every cached result by URL, however old; empty when the cache is missing or unreadable.

    A damaged cache is never an error: it only costs the requests it would have saved.
    """
    try:
        data = json.loads(Path(cache_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        return {}
    results = {}
    for entry in data.get("results") or []:
        result = _result(entry) if isinstance(entry, dict) else None
        if result is not None:
            results[result.url] = result
    return results


def fresh_results(
    results: dict[str, LinkResult], ttl_hours: float, at: float | None = None
) -> dict[str, LinkResult]:
    """The results checked less than ``ttl_hours`` before ``at`` (default: now)."""
    limit = (at if at is not None else now()) - ttl_hours * 3600
    return {
        url: r for url, r in results.items() if r.checked_at is not None and r.checked_at > limit
    }


def save_link_results(cache_path: str | Path, results: Iterable[LinkResult]) -> None:
    """Merge ``results`` into the cache file; readers never see a half-written file."""
    path = Path(cache_path)
    path.parent.mkdir(parents=True, exist_ok=True)  # the lock file lives beside the cache
    # The lock keeps two concurrent runs from each dropping the other's new entries.
    with _exclusive(Path(str(path) + ".lock")):
        merged = load_link_results(path)
        for result in results:
            if result.checked_at is not None:
                # Another run may have recorded checks meanwhile: histories are merged.
                merged[result.url] = with_history(result, merged.get(result.url))
        payload = {"version": FORMAT_VERSION, "results": [_entry(r) for r in merged.values()]}
        write_atomically(path, json.dumps(payload, separators=(",", ":")))


@contextlib.contextmanager
def _exclusive(lock: Path):
    """Hold ``lock`` (a file beside the cache) against other runs, for at most a while."""
    try:
        import fcntl
    except ImportError:  # not POSIX: the portable lock, which costs a longer import
        from filelock import FileLock

        with FileLock(str(lock), timeout=LOCK_TIMEOUT_S):
            yield
        return
    with open(lock, "a") as handle:
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{lock}: held by another run for too long") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` so that readers see the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
