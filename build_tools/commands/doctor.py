"""``doctor``: what this machine has for building the site, and what would re-execute.

Reports Python, torch and its CUDA device, the MkDocs stack, the Jupyter kernel, Chromium
and Node with axe-core (for the browser tests), the cache sizes, the packages each lesson
declares in ``requires:`` against the installed versions, and for every lesson whether its
executed notebook is cached for the current inputs or which input changed.
Exit status 1 when something required is missing (a lesson's package included; a different
installed version is a warning, since the lesson still runs, against other code). Chromium
and axe-core are required only where the browser tests must run (``TDL_REQUIRE_BROWSER=1``,
as in CI).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from build_tools.lessons.cache import Environment
from build_tools.lessons.discovery import Lesson, LessonError, discover_lessons
from build_tools.lessons.execute import ExecuteOptions
from build_tools.lessons.reexecution import directory_size, verdicts
from build_tools.lessons.requirements import Pin
from build_tools.problems import display_path, print_problems
from build_tools.settings import SettingsError, load_settings

HELP = "report the environment and what would re-execute"
MIN_PYTHON = (3, 10)
STACK = ("mkdocs", "mkdocs-material", "mkdocs-jupyter", "jupytext", "nbclient", "ipykernel")


@dataclass(frozen=True)
class Finding:
    """One line of the report: ``ok``, ``warn`` (optional part absent), ``missing``
    (required part absent) or, for a lesson, ``cached`` / ``stale`` (would re-execute)."""

    status: str
    name: str
    detail: str


def add_arguments(parser) -> None:
    parser.add_argument("--lessons", default="docs/lessons", help="lessons folder")
    parser.add_argument("--config", default="mkdocs.yml", help="mkdocs.yml with the settings")


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def python_finding() -> Finding:
    version = platform.python_version()
    if sys.version_info[:2] < MIN_PYTHON:
        wanted = ".".join(map(str, MIN_PYTHON))
        return Finding("missing", "python", f"{version}; {wanted} or newer is required")
    return Finding("ok", "python", f"{version} ({sys.executable})")


def torch_findings() -> list[Finding]:
    try:
        import torch
    except ImportError as exc:
        return [Finding("missing", "torch", f"cannot import torch: {exc}")]
    found = [Finding("ok", "torch", torch.__version__)]
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        found.append(Finding("ok", "cuda", f"{name} (CUDA {torch.version.cuda})"))
    else:
        built = f"built for CUDA {torch.version.cuda}" if torch.version.cuda else "a CPU-only build"
        found.append(
            Finding("ok", "cuda", f"no CUDA device; lessons run on the CPU (torch is {built})")
        )
    return found


def stack_findings() -> list[Finding]:
    found = []
    for distribution in STACK:
        version = _version(distribution)
        status = "ok" if version else "missing"
        found.append(Finding(status, distribution, version or "not installed"))
    return found


def kernel_finding() -> Finding:
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        specs = KernelSpecManager().find_kernel_specs()
    except Exception as exc:  # noqa: BLE001 - any failure here means lessons cannot execute
        return Finding("missing", "jupyter kernel", f"cannot list kernels: {exc}")
    if "python3" not in specs:
        hint = "run: python -m ipykernel install --sys-prefix --name python3"
        return Finding("missing", "jupyter kernel", f"no 'python3' kernel; {hint}")
    return Finding("ok", "jupyter kernel", f"python3 ({specs['python3']})")


def browser_findings(root: Path) -> list[Finding]:
    # Missing parts fail doctor only where browser tests must run, as they do in CI.
    absent = "missing" if os.environ.get("TDL_REQUIRE_BROWSER") == "1" else "warn"
    chromium = shutil.which("chromium")
    found = [
        Finding("ok", "chromium", chromium)
        if chromium
        else Finding(
            absent, "chromium", "not on PATH; browser tests are skipped (apt-get install chromium)"
        )
    ]
    node = shutil.which("node")
    found.append(
        Finding("ok", "node", node)
        if node
        else Finding(absent, "node", "not on PATH (needed for axe-core)")
    )
    axe = root / "node_modules" / "axe-core" / "package.json"
    try:
        version = json.loads(axe.read_text(encoding="utf-8"))["version"]
        found.append(Finding("ok", "axe-core", version))
    except (OSError, ValueError, KeyError):
        found.append(Finding(absent, "axe-core", "not installed (npm ci)"))
    return found


def _size(count: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return str(count)


def cache_findings(cache_root: Path) -> list[Finding]:
    if not cache_root.is_dir():
        return [
            Finding("ok", "cache", f"{display_path(cache_root)} is empty (nothing executed yet)")
        ]
    parts = sorted(p for p in cache_root.iterdir() if p.is_dir())
    total = directory_size(cache_root)
    detail = ", ".join(f"{p.name} {_size(directory_size(p))}" for p in parts)
    return [Finding("ok", "cache", f"{display_path(cache_root)}: {_size(total)} ({detail})")]


def _same_version(installed: str, pinned: str) -> bool:
    """Equal as versions (``1.0`` is ``1.0.0``), or as text where one is not a version."""
    try:
        return Version(installed) == Version(pinned)
    except InvalidVersion:
        return installed == pinned


def requirement_findings(lessons: list[Lesson]) -> list[Finding]:
    """Each lesson's declared pins against the installed versions."""
    found = []
    for lesson in lessons:
        for text in lesson.meta.requires:
            pin = Pin.parse(text)
            installed = pin.installed()
            name = f"{lesson.id}:{pin.name}"
            if installed is None:
                detail = f"pinned {pin.version}, not installed (make setup installs it)"
                found.append(Finding("missing", name, detail))
            elif not _same_version(installed, pin.version):
                detail = f"pinned {pin.version}, installed {installed}"
                found.append(Finding("warn", name, detail))
            else:
                found.append(Finding("ok", name, f"{installed} as pinned"))
    if not found:
        found.append(Finding("ok", "lessons", "no lesson needs packages beyond the base set"))
    return found


def lesson_findings(lessons: list[Lesson], options: ExecuteOptions) -> list[Finding]:
    environment = Environment.current(options.cache_root)
    found = []
    for verdict in verdicts(lessons, options.store, environment):
        if verdict.cached:
            found.append(Finding("cached", verdict.lesson_id, "up to date"))
        else:
            reasons = "; ".join(verdict.reasons)
            found.append(Finding("stale", verdict.lesson_id, f"would re-execute: {reasons}"))
    return found


def _print(title: str, findings: list[Finding]) -> None:
    print(title)
    width = max((len(f.name) for f in findings), default=0)
    for finding in findings:
        print(f"  {finding.status:7} {finding.name:{width}}  {finding.detail}")


def run(args) -> int:
    root = Path.cwd()
    try:
        settings = load_settings(args.config).execute
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    options = ExecuteOptions.from_settings(settings, root)
    sections = [
        ("Environment", [python_finding(), *torch_findings(), *stack_findings(), kernel_finding()]),
        ("Browser tests", browser_findings(root)),
        ("Caches", cache_findings(options.cache_root)),
    ]
    try:
        lessons = discover_lessons(Path(args.lessons), root)
    except LessonError as exc:
        print_problems(exc.problems)
        failed = [Finding("missing", "lessons", "front matter problems (listed above)")]
        sections.append(("Lessons", failed))
    else:
        sections.append(("Lesson packages (requires:)", requirement_findings(lessons)))
        sections.append(("Lessons (execution cache)", lesson_findings(lessons, options)))
    for number, (title, findings) in enumerate(sections):
        if number:
            print()
        _print(title, findings)
    missing = [f for _, findings in sections for f in findings if f.status == "missing"]
    if missing:
        names = ", ".join(f.name for f in missing)
        print(f"\nmissing: {names}", file=sys.stderr)
        return 1
    return 0
