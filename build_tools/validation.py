"""Validate a project: the catalog, every lesson's front matter and teaching markup.

One function serves ``check`` and every build. Problems (catalog, front matter, lessons
against the catalog, malformed teaching markup, imports of packages a lesson does not
declare) stop both. What a finished lesson still
lacks (a question without an answer, too few questions, no quick check, a plot without
alt text) is ``incomplete``: ``check`` refuses it, a build warns about it, so a strict
build refuses it too while a preview of a lesson being written still shows the page.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.problems import Problem, display_path


@dataclass
class Validated:
    """What validation read (None/empty where it could not) and every problem found."""

    catalog: object | None = None
    lessons: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What a finished lesson still lacks: answers, questions, quick checks, alt text.
    # ``check`` refuses these; a build warns (so a strict build refuses them too).
    incomplete: list[Problem] = field(default_factory=list)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while a catalog loads: its located data is a
    million small containers and tuples (30,000 resources), none of them in a cycle, which
    the collector would otherwise traverse again and again as they pile up (a third of the
    time of ``check``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate_project(
    catalog_path: Path, lessons_dir: Path | None, root: Path, cache_root: Path | None = None
) -> Validated:
    """Read and check everything; all problems at once, sorted by file and line.

    ``cache_root`` (a build's cache folder) keeps the map of installed modules to their
    distributions between runs, which the import check needs and which takes half a second
    to scan.
    """
    from build_tools.catalog.model import CatalogError, load_catalog
    from build_tools.lessons.cache import module_distributions
    from build_tools.lessons.discovery import LessonError, cross_check, discover_lessons
    from build_tools.lessons.requirements import import_problems
    from build_tools.lessons.teaching import figure_problems, section_problems

    found = Validated()
    try:
        with _no_cycle_collection():
            found.catalog = load_catalog(catalog_path, display_path(catalog_path, root))
    except CatalogError as exc:
        found.problems += exc.problems
    if lessons_dir is None:
        return found
    try:
        found.lessons = discover_lessons(lessons_dir, root)
    except LessonError as exc:
        found.problems += exc.problems
        return found
    if found.catalog is not None:
        found.problems += cross_check(found.lessons, found.catalog, root)
    modules = module_distributions(cache_root / "distributions.json" if cache_root else None)
    for lesson in found.lessons:
        shown = display_path(lesson.path, root)
        malformed, missing = section_problems(lesson.path, shown)
        found.problems += malformed
        found.problems += import_problems(lesson.path, shown, lesson.meta.requires, modules)
        found.incomplete += missing + figure_problems(lesson.path, shown)
    found.problems.sort()
    found.incomplete.sort()
    return found
