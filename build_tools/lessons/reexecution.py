"""Why a lesson would execute again: its key inputs now, against its last cached run.

The execution cache keeps, beside each executed notebook, the key inputs it was run with.
Comparing them with the inputs computed now names the input that changed (the source, the
Python or a package version, the device, a data file) instead of only saying "miss".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from build_tools.lessons.cache import ENTRY_FILE, CacheStore, Environment, KeyInputs
from build_tools.lessons.discovery import Lesson
from build_tools.lessons.execute import lesson_key_inputs


@dataclass(frozen=True)
class Verdict:
    """Whether a lesson's result is cached for the current inputs, and if not, why."""

    lesson_id: str
    cached: bool
    reasons: tuple[str, ...] = ()


def latest_records(store: CacheStore) -> dict[str, dict]:
    """The newest cache record of each lesson (by execution time), read without touching it."""
    newest: dict[str, dict] = {}
    if not store.root.is_dir():
        return newest
    for record_file in store.root.glob(f"*/{ENTRY_FILE}"):
        try:
            record = json.loads(record_file.read_text(encoding="utf-8"))
            lesson = record["lesson"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        stamp = record.get("executed_at") or ""
        if lesson not in newest or stamp > (newest[lesson].get("executed_at") or ""):
            newest[lesson] = record
    return newest


def _pairs(value) -> dict[str, str]:
    return {str(name): str(version) for name, version in value or ()}


def changed_inputs(now: KeyInputs, before: dict) -> list[str]:
    """Each key input that differs between the current inputs and a stored record's."""
    old = before.get("inputs") or {}
    reasons = []
    if old.get("source_sha256") != now.source_sha256:
        reasons.append("the lesson source changed")
    if old.get("python") != now.python:
        reasons.append(f"Python {old.get('python')} -> {now.python}")
    old_packages, new_packages = _pairs(old.get("packages")), _pairs(now.packages)
    for name in sorted(old_packages.keys() | new_packages.keys()):
        was, is_ = old_packages.get(name), new_packages.get(name)
        if was is None:
            reasons.append(f"{name} {is_} is now imported")
        elif is_ is None:
            reasons.append(f"{name} is no longer imported (was {was})")
        elif was != is_:
            reasons.append(f"{name} {was} -> {is_}")
    if old.get("device") != now.device:
        reasons.append(f"device {old.get('device')} -> {now.device}")
    old_data, new_data = _pairs(old.get("data")), _pairs(now.data)
    for name in sorted(old_data.keys() | new_data.keys()):
        if old_data.get(name) != new_data.get(name):
            reasons.append(f"data file {name} changed")
    # Same inputs, different key: the cache layout itself changed.
    return reasons or ["the cache format changed"]


def verdicts(
    lessons: Iterable[Lesson], store: CacheStore, environment: Environment
) -> list[Verdict]:
    """For every lesson: cached for the current inputs, or the reasons it would re-execute."""
    previous = latest_records(store)
    found = []
    for lesson in lessons:
        try:
            inputs = lesson_key_inputs(lesson, environment)
        except OSError as exc:
            found.append(Verdict(lesson.id, False, (str(exc),)))
            continue
        if (store.entry_dir(inputs.key()) / ENTRY_FILE).is_file():
            found.append(Verdict(lesson.id, True))
        elif lesson.id not in previous:
            found.append(Verdict(lesson.id, False, ("never executed with this cache",)))
        else:
            found.append(
                Verdict(lesson.id, False, tuple(changed_inputs(inputs, previous[lesson.id])))
            )
    return found


def directory_size(path: Path) -> int:
    """Total bytes of the files under ``path`` (0 when it does not exist)."""
    if not path.is_dir():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
