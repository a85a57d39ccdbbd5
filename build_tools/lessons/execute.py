"""Parallel, cached execution of lessons: jupytext source -> executed notebook -> report.

Each lesson runs in its own Jupyter kernel (a separate process) driven by nbclient. The
driving side only relays messages, so one asyncio loop runs up to ``jobs`` kernels at once;
each kernel gets ``cores // jobs`` BLAS/OpenMP threads so the machine is used without
oversubscription. Results go to :mod:`build_tools.lessons.cache`; a lesson whose key
is already cached is not executed again.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import Timeout

from build_tools.lessons.cache import CacheStore, Environment, KeyInputs, key_inputs
from build_tools.lessons.discovery import Lesson
from build_tools.lessons.processes import MARK, end_marked, new_mark
from build_tools.lessons.report import CellFailure, ExecutionReport, LessonRun, load_report
from build_tools.problems import display_path

if TYPE_CHECKING:  # jupytext, nbformat and nbclient load only when a lesson executes
    import nbformat

CACHE_ROOT = Path(".cache") / "tdl"
RAISES = "raises-exception"
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)
# Run in the kernel after the lesson: which device torch actually initialised, peak memory.
PROBE = """\
def _tdl_probe():
    import json, sys
    info = {"device": "cpu", "peak_memory_mb": None}
    try:
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        info["peak_memory_mb"] = peak / 2**20 if sys.platform == "darwin" else peak / 2**10
    except Exception:
        pass
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():
        info["device"] = "cuda"
    print("TDL-PROBE " + json.dumps(info))
_tdl_probe()
del _tdl_probe
"""
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_LINE = re.compile(r"Cell In\[\d*\], line (\d+)")


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


@dataclass(frozen=True)
class ExecuteOptions:
    """How lessons are executed; defaults match the ``execute`` section of mkdocs.yml."""

    jobs: int = 0
    cell_timeout: float = 120.0
    lesson_timeout: float = 600.0
    force: bool = False
    cache_root: Path = CACHE_ROOT

    @property
    def store(self) -> CacheStore:
        return CacheStore(self.cache_root / "notebooks")

    def job_count(self) -> int:
        return self.jobs if self.jobs > 0 else available_cores()

    @classmethod
    def from_settings(cls, settings, root: Path, jobs: int | None = None, force: bool = False):
        """Options from the ``execute`` section of mkdocs.yml; flags override it."""
        return cls(
            jobs=jobs if jobs is not None else settings.jobs,
            cell_timeout=float(settings.cell_timeout),
            lesson_timeout=float(settings.lesson_timeout),
            force=force,
            cache_root=root / settings.cache_dir,
        )


def last_report_path(options: ExecuteOptions) -> Path:
    """Where the most recent report is kept between runs."""
    return options.cache_root / "reports" / "execution.json"


class Progress:
    """Receives progress events; the command shows a bar, the build logs lines."""

    def start(self, total: int) -> None: ...

    def started(self, lesson: Lesson) -> None: ...

    def finished(self, run: LessonRun) -> None: ...

    def cached(self, run: LessonRun) -> None: ...

    def stop(self) -> None: ...


# -- conversion --------------------------------------------------------------------------


def lesson_notebook(lesson: Lesson) -> nbformat.NotebookNode:
    """The lesson as a notebook: front matter moved from the first raw cell into metadata."""
    import jupytext

    nb = jupytext.reads(lesson.path.read_text(encoding="utf-8"), fmt="py:percent")
    if nb.cells and nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("---"):
        nb.cells.pop(0)
    nb.metadata.pop("jupytext", None)
    meta = lesson.meta.model_dump(mode="json", exclude={"jupyter"})
    nb.metadata["tdl"] = {"id": lesson.id, **meta}
    for index, cell in enumerate(nb.cells):
        # Stable ids keep executed notebooks byte-identical across runs of the same source.
        cell["id"] = f"cell-{index + 1}"
    return nb


def cell_start_lines(source: str, cell_count: int) -> list[int] | None:
    """Line (1-based) in the ``.py`` file where each cell's content begins, if it can tell."""
    lines = source.splitlines()
    markers = [number for number, line in enumerate(lines, 1) if line.startswith("# %%")]
    if len(markers) == cell_count:
        return markers
    if len(markers) == cell_count - 1:
        # Code before the first marker (after the header) forms a cell of its own.
        header_end = next(
            (n for n, line in enumerate(lines, 1) if n > 1 and line.rstrip() == "# ---"), 0
        )
        first = next((n for n, line in enumerate(lines, 1) if n > header_end and line.strip()), 1)
        return [first - 1, *markers]
    return None


# -- one lesson --------------------------------------------------------------------------


def kernel_environment(threads: int, device_setting: str) -> dict[str, str]:
    """Environment of a lesson's kernel: bounded threads, inline plots, the chosen device."""
    env = dict(os.environ)
    for var in THREAD_VARS:
        env.setdefault(var, str(threads))
    # Test runners export MPLBACKEND=Agg for plain scripts; notebooks need the inline
    # backend or plt.show() would produce no image.
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.setdefault("PYTHONHASHSEED", "0")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    if device_setting == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env


def _failure_from_cell(
    nb: nbformat.NotebookNode, index: int, starts: list[int] | None, exception: str
) -> CellFailure:
    cell = nb.cells[index]
    line = None
    detail = ""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            detail = _ANSI.sub("", "\n".join(output.get("traceback", [])))
            found = _CELL_LINE.search(detail)
            if found and starts:
                line = starts[index] + int(found.group(1))
    if line is None:
        return _failure_at(index, starts, exception, detail[-4000:])
    return CellFailure(cell=index + 1, line=line, exception=exception, detail=detail[-4000:])


def _failure_at(
    index: int | None, starts: list[int] | None, exception: str, detail: str = ""
) -> CellFailure:
    """A failure in cell ``index`` (0-based, None before any cell ran), located at the
    first line of that cell's code when the cell-to-line map is known."""
    if index is None:
        return CellFailure(None, None, exception, detail)
    return CellFailure(index + 1, starts[index] + 1 if starts else None, exception, detail)


def _first_line(text: str, limit: int = 300) -> str:
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


async def _execute_notebook(
    nb: nbformat.NotebookNode,
    lesson: Lesson,
    options: ExecuteOptions,
    env: dict[str, str],
    log_path: Path,
) -> tuple[dict, CellFailure | None]:
    """Run every cell, then the probe; return the probe's findings and the failure, if any."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    current = {"index": None}

    def on_cell_execute(cell, cell_index):
        current["index"] = cell_index

    nb.cells.append(nbformat.v4.new_code_cell(PROBE, id="tdl-probe"))
    client = NotebookClient(
        nb,
        timeout=int(options.cell_timeout),
        kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
        resources={"metadata": {"path": str(lesson.path.parent)}},
        allow_errors=False,
        record_timing=False,
        shutdown_kernel="immediate",
        on_cell_execute=on_cell_execute,
    )
    source = lesson.path.read_text(encoding="utf-8")
    starts = cell_start_lines(source, len(nb.cells) - 1)
    failure = None
    mark = new_mark()  # what the kernel and all it starts carry, to be found at the end
    env = {**env, MARK: mark}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        running = asyncio.ensure_future(client.async_execute(env=env, stdout=log, stderr=log))
        # Not asyncio.wait_for: nbclient turns the cancellation into DeadKernelError, which
        # would hide that the lesson ran out of time.
        finished, _ = await asyncio.wait({running}, timeout=options.lesson_timeout)
        try:
            if not finished:
                running.cancel()
                await asyncio.gather(running, return_exceptions=True)
                raise TimeoutError
            running.result()
        except CellExecutionError as exc:
            failure = _failure_from_cell(
                nb, current["index"], starts, f"{exc.ename}: {_first_line(exc.evalue)}"
            )
        except CellTimeoutError:
            failure = _failure_at(
                current["index"],
                starts,
                f"timed out after {options.cell_timeout:g} s (cell timeout)",
            )
        except TimeoutError:
            failure = _failure_at(
                current["index"], starts, f"lesson timed out after {options.lesson_timeout:g} s"
            )
        except DeadKernelError:
            failure = _failure_at(
                current["index"],
                starts,
                "the kernel died (out of memory, or a crash in native code)",
                detail=_log_tail(log_path),
            )
        except Exception as exc:  # kernel start-up problems, missing kernelspec, ...
            failure = CellFailure(None, None, f"{type(exc).__name__}: {_first_line(str(exc))}")
        # The kernel is gone; what the lesson started may not be (a new session escapes the
        # kernel's process group). Ended here, in a thread: the other lessons run on.
        ended = await asyncio.get_running_loop().run_in_executor(None, end_marked, mark)
        if ended:
            log.write(f"\nended processes the lesson left behind: {', '.join(ended)}\n".encode())
    probe_cell = nb.cells.pop()
    if failure is None:
        failure = _unexpected_success(nb, starts)
    probe = {}
    for output in probe_cell.get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith("TDL-PROBE "):
                probe = json.loads(line[len("TDL-PROBE ") :])
    return probe, failure


def _unexpected_success(nb, starts) -> CellFailure | None:
    """A cell tagged raises-exception that raised nothing teaches the wrong lesson."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or RAISES not in cell.metadata.get("tags", []):
            continue
        if not any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return _failure_at(index, starts, f"cell is tagged {RAISES} but raised no exception")
    return None


async def _run_lesson(
    lesson: Lesson,
    inputs: KeyInputs,
    options: ExecuteOptions,
    threads: int,
    root: Path,
) -> LessonRun:
    """Execute one lesson (under its key's lock) and store the result; never raises."""
    key = inputs.key()
    store = options.store
    shown = display_path(lesson.path, root)
    base = {"id": lesson.id, "path": shown, "title": lesson.title, "key": key}
    lock = store.lock(key)
    waited = 0.0
    while True:
        try:
            lock.acquire(timeout=0)
            break
        except Timeout:
            # Another build is executing this very key; its result will serve us too.
            if waited > options.lesson_timeout + 60:
                failure = CellFailure(None, None, "waited too long for another build's run")
                return LessonRun(**base, status="error", cache="miss", failure=failure)
            await asyncio.sleep(0.25)
            waited += 0.25
    try:
        if not options.force or waited:
            record = store.lookup(key)
            if record is not None:
                return run_from_record(lesson, shown, record, store, "hit")
        started = time.monotonic()
        try:
            nb = lesson_notebook(lesson)
        except Exception as exc:  # jupytext rejects the file
            failure = CellFailure(None, 1, f"cannot read the lesson: {_first_line(str(exc))}")
            return LessonRun(**base, status="error", cache="miss", failure=failure)
        log_path = options.cache_root / "logs" / (lesson.id.replace("/", "__") + ".log")
        env = kernel_environment(threads, lesson.meta.device)
        probe, failure = await _execute_notebook(nb, lesson, options, env, log_path)
        seconds = time.monotonic() - started
        if failure is not None:
            status = "timeout" if "timed out" in failure.exception else "failed"
            return LessonRun(
                **base,
                status=status,
                cache="miss",
                seconds=round(seconds, 2),
                device_kind=inputs.device,
                failure=failure,
            )
        record = {
            "lesson": lesson.id,
            "key": key,
            "inputs": inputs.__dict__,
            "seconds": round(seconds, 2),
            "device": probe.get("device", "cpu"),
            "device_kind": inputs.device,
            "peak_memory_mb": _round(probe.get("peak_memory_mb")),
            "executed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "notebook": lesson.path.stem + ".ipynb",
        }
        import nbformat

        content = nbformat.writes(nb).encode("utf-8")
        store.store(key, {record["notebook"]: content}, record)
        return run_from_record(lesson, shown, record, store, "miss")
    finally:
        lock.release()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def run_from_record(lesson: Lesson, shown: str, record: dict, store: CacheStore, cache: str):
    return LessonRun(
        id=lesson.id,
        path=shown,
        title=lesson.title,
        status="ok",
        cache=cache,
        key=record["key"],
        seconds=record.get("seconds"),
        device=record.get("device"),
        device_kind=record.get("device_kind"),
        peak_memory_mb=record.get("peak_memory_mb"),
        executed_at=record.get("executed_at"),
        entry_dir=store.entry_dir(record["key"]),
        notebook=record.get("notebook"),
    )


# -- many lessons ------------------------------------------------------------------------


def execute_lessons(
    lessons: Sequence[Lesson],
    options: ExecuteOptions,
    root: Path,
    progress: Progress | None = None,
    environment: Environment | None = None,
    inputs_for: Callable[[Lesson, Environment], KeyInputs] | None = None,
) -> ExecutionReport:
    """Execute (or take from the cache) every lesson; the report lists them in order.

    ``inputs_for`` computes a lesson's key inputs (tests pass their own to vary one).
    """
    started = time.monotonic()
    progress = progress or Progress()
    environment = environment or Environment.current(options.cache_root)
    inputs_for = inputs_for or lesson_key_inputs
    store = options.store
    runs: dict[str, LessonRun] = {}
    pending: list[tuple[Lesson, KeyInputs]] = []
    for lesson in lessons:
        shown = display_path(lesson.path, root)
        try:
            inputs = inputs_for(lesson, environment)
        except (OSError, FileNotFoundError) as exc:
            failure = CellFailure(None, 1, str(exc))
            runs[lesson.id] = LessonRun(
                lesson.id, shown, lesson.title, status="error", cache="miss", failure=failure
            )
            continue
        record = None if options.force else store.lookup(inputs.key())
        if record is not None:
            runs[lesson.id] = run_from_record(lesson, shown, record, store, "hit")
        else:
            pending.append((lesson, inputs))
    jobs = options.job_count()
    previous = _previous_seconds(options)
    pending.sort(key=lambda item: -previous.get(item[0].id, float("inf")))
    for run in runs.values():
        if run.ok:
            progress.cached(run)
    progress.start(len(pending))
    try:
        if pending:
            threads = max(1, available_cores() // min(jobs, len(pending)))
            executed = asyncio.run(
                _execute_pending(pending, options, jobs, threads, root, progress)
            )
            runs.update((run.id, run) for run in executed)
    finally:
        progress.stop()
    store.prune()
    return ExecutionReport(
        runs=[runs[lesson.id] for lesson in lessons],
        jobs=jobs,
        wall_seconds=time.monotonic() - started,
        python=environment.python,
        device=environment.device,
    )


def _previous_seconds(options: ExecuteOptions) -> dict[str, float]:
    """Lesson run times from the last report: the longest lessons start first, so the
    parallel run ends with short ones filling the gaps (unknown lessons count as long)."""
    report = load_report(last_report_path(options))
    if report is None:
        return {}
    return {run.id: run.seconds for run in report.runs if run.seconds is not None}


async def _execute_pending(pending, options, jobs, threads, root, progress) -> list[LessonRun]:
    gate = asyncio.Semaphore(jobs)

    async def one(lesson: Lesson, inputs: KeyInputs) -> LessonRun:
        async with gate:
            progress.started(lesson)
            run = await _run_lesson(lesson, inputs, options, threads, root)
            progress.finished(run)
            return run

    return list(await asyncio.gather(*(one(lesson, inputs) for lesson, inputs in pending)))


def lesson_key_inputs(lesson: Lesson, environment: Environment) -> KeyInputs:
    """Key inputs read from the lesson file, its declared data and the environment."""
    pairs = [(name, lesson.path.parent / name) for name in lesson.meta.data]
    return key_inputs(
        lesson.path.read_bytes(), pairs, environment, lesson.meta.device, lesson.meta.requires
    )


def select_shard(lessons: Sequence[Lesson], index: int, count: int) -> list[Lesson]:
    """Shard ``index`` (1-based) of ``count``: every count-th lesson in id order.

    Shards are disjoint and together hold every lesson, whatever the order lessons come in.
    """
    ordered = sorted(lessons, key=lambda lesson: lesson.id)
    return [lesson for position, lesson in enumerate(ordered) if position % count == index - 1]
