"""The sweep: every lesson under many configurations, with how close each claim came to failing.

A configuration is a seed (``TDL_SEED``) and where the lesson runs: a CPU kernel path
(``ATEN_CPU_CAPABILITY=default|avx2|avx512``, each rounding differently) or CUDA with TF32
matmuls off or on. Each run is its own process (:mod:`build_tools.lessons.claims`), which
records both sides of every asserted comparison. Over the runs of one lesson, each assert
site gets a spread: the mean and standard deviation of its margin, and ``z = mean / std``,
how many standard deviations the claim sits inside its threshold. A claim with ``z`` under
:data:`REQUIRED_Z` holds by luck rather than by a margin: a reader's other seed or CPU
would fail it now and then.

Results are cached per lesson and configuration on the execution cache's key (lesson
source, Python and package versions, device kind, data files), so an unchanged lesson is
not swept again. Kernel paths the CPU lacks are reported as skipped, never as passed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from build_tools.lessons.cache import Environment, atomic_write
from build_tools.lessons.discovery import Lesson
from build_tools.lessons.execute import THREAD_VARS, lesson_key_inputs
from build_tools.lessons.processes import MARK, end_marked, new_mark

SWEEP_FORMAT = 1
REPORT_VERSION = 1
KERNELS = ("default", "avx2", "avx512")
TF32 = ("off", "on")
REQUIRED_Z = 4.0
# Fewer runs than this give a standard deviation too rough to call a margin thin.
MIN_RUNS_FOR_Z = 5
RUN_TIMEOUT_S = 600.0
FAILED = ("failed", "error", "timeout")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Runs in progress, so that an interrupted sweep can end them (each has a session of its own).
_LIVE: set[subprocess.Popen] = set()


@dataclass(frozen=True, order=True)
class Configuration:
    """One way to run a lesson: a seed, and a CPU kernel path or CUDA with TF32 on or off."""

    seed: int
    device: str = "cpu"
    kernel: str | None = None
    tf32: str | None = None

    @property
    def family(self) -> str:
        """The configuration without its seed: ``avx2``, ``cuda tf32 off``."""
        if self.device == "cuda":
            return f"cuda tf32 {self.tf32}" if self.tf32 else "cuda"
        return self.kernel or "cpu"

    @property
    def label(self) -> str:
        return f"seed {self.seed} · {self.family}"

    def environment(self, threads: int) -> dict[str, str]:
        """The process environment of a run: seed, kernel path, device, bounded threads."""
        env = dict(os.environ)
        for var in THREAD_VARS:
            env[var] = str(threads)
        env.update(TDL_SEED=str(self.seed), MPLBACKEND="Agg", PYTHONHASHSEED="0")
        env.pop("ATEN_CPU_CAPABILITY", None)
        if self.device == "cpu":
            env["CUDA_VISIBLE_DEVICES"] = ""
            if self.kernel:
                env["ATEN_CPU_CAPABILITY"] = self.kernel
        # The runner is part of this package: let the lesson's process find it from anywhere.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(_PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
        )
        return env

    def to_json(self) -> dict:
        return {**asdict(self), "label": self.label}

    @classmethod
    def from_json(cls, data: dict) -> Configuration:
        return cls(
            seed=int(data["seed"]),
            device=data.get("device", "cpu"),
            kernel=data.get("kernel"),
            tf32=data.get("tf32"),
        )


def parse_seeds(text: str) -> list[int]:
    """``0-4`` or ``0,3,7-9``: the seeds, in order, without repeats; ValueError when malformed."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        low, dash, high = part.partition("-")
        try:
            first, last = int(low), int(high) if dash else int(low)
        except ValueError:
            raise ValueError(
                f"--seeds takes numbers and ranges like 0-4 or 0,2,5-7, not {text!r}"
            ) from None
        if first < 0 or last < first:
            raise ValueError(f"--seeds range {part!r} must run upwards from 0 or more")
        seeds.extend(seed for seed in range(first, last + 1) if seed not in seeds)
    return seeds


def parse_choices(text: str, allowed: Sequence[str], option: str) -> list[str]:
    """A comma-separated list of choices from ``allowed``; ValueError naming the stranger."""
    chosen = [item.strip().lower() for item in text.split(",") if item.strip()]
    unknown = [item for item in chosen if item not in allowed]
    if unknown or not chosen:
        raise ValueError(f"{option} takes a comma-separated list of {', '.join(allowed)}")
    return list(dict.fromkeys(chosen))


def configurations(
    seeds: Iterable[int], device: str, kernels: Iterable[str], tf32: Iterable[str]
) -> list[Configuration]:
    """Every seed under every kernel path (CPU), or under every TF32 setting (CUDA)."""
    if device == "cuda":
        return [Configuration(s, "cuda", tf32=t) for t in tf32 for s in seeds]
    return [Configuration(s, "cpu", kernel=k) for k in kernels for s in seeds]


def _ask_torch(code: str, env: dict[str, str]) -> str:
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"error: {exc}"
    if done.returncode:
        return "error: " + (done.stderr.strip().splitlines() or ["torch did not start"])[-1]
    return done.stdout.strip()


def unavailable(configs: Iterable[Configuration]) -> dict[Configuration, str]:
    """The configurations this machine cannot run, each with the reason.

    torch does not check a forced kernel path against the CPU (a path the CPU lacks dies of
    an illegal instruction), so each requested path is compared with the best one torch
    picks on its own.
    """
    reasons: dict[str, str] = {}
    families = {config.family: config for config in configs}
    if any(config.device == "cuda" for config in families.values()):
        if _ask_torch("import torch; print(torch.cuda.is_available())", dict(os.environ)) != (
            "True"
        ):
            reasons.update(
                (family, "no CUDA device (torch.cuda.is_available() is False)")
                for family, config in families.items()
                if config.device == "cuda"
            )
    kernels = [config.kernel for config in families.values() if config.kernel]
    if kernels:
        env = dict(os.environ)
        env.pop("ATEN_CPU_CAPABILITY", None)
        best = _ask_torch("import torch; print(torch.backends.cpu.get_cpu_capability())", env)
        best = best.lower()
        rank = KERNELS.index(best) if best in KERNELS else 0
        for kernel in kernels:
            if best.startswith("error"):
                reasons[kernel] = best
            elif KERNELS.index(kernel) > rank:
                reasons[kernel] = f"this CPU runs {best} at most"
    return {config: reasons[config.family] for config in configs if config.family in reasons}


@dataclass
class Run:
    """One lesson under one configuration: outcome, time, and every claim's margin."""

    lesson: str
    path: str
    config: Configuration
    status: str
    seconds: float | None = None
    cache: str = "miss"
    capability: str | None = None
    cuda: bool = False
    failure: dict | None = None
    claims: list[dict] = field(default_factory=list)
    log_tail: str = ""

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    def to_json(self) -> dict:
        data = asdict(self)
        data["config"] = self.config.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict) -> Run:
        return cls(**{**data, "config": Configuration.from_json(data["config"])})

    def problem_line(self) -> str:
        """``docs/…/13-training-tricks.py:586: AssertionError: message (seed 1 · avx2)``."""
        failure = self.failure or {}
        where = f"{self.path}:{failure['line']}" if failure.get("line") else self.path
        what = failure.get("exception") or self.status
        message = failure.get("message")
        return f"{where}: {what}{': ' + message if message else ''} ({self.config.label})"


@dataclass
class Spread:
    """One assert site over the runs of a lesson: how far inside its threshold it stays."""

    line: int
    column: int
    index: int
    op: str
    runs: int
    mean: float
    std: float
    minimum: float

    @property
    def z(self) -> float:
        """Standard deviations inside the threshold; infinite for a margin that never varies."""
        if self.std > 0:
            return self.mean / self.std
        # The same value in every run: it holds by its whole margin, or by none.
        holds = self.mean > 0 or (self.mean == 0 and self.op in ("<=", ">="))
        return math.inf if holds else -math.inf

    @property
    def thin(self) -> bool:
        return self.runs >= MIN_RUNS_FOR_Z and self.z < REQUIRED_Z

    def to_json(self) -> dict:
        z = self.z
        return {**asdict(self), "z": round(z, 2) if math.isfinite(z) else None}


def spreads(runs: Iterable[Run]) -> list[Spread]:
    """The margin spread of every assert site that recorded a number, closest first."""
    margins: dict[tuple[int, int, int], list[float]] = {}
    ops: dict[tuple[int, int, int], str] = {}
    for run in runs:
        for claim in run.claims:
            if claim.get("margin") is None:
                continue
            site = (claim["line"], claim.get("column", 0), claim.get("index", 0))
            margins.setdefault(site, []).append(claim["margin"])
            ops[site] = claim["op"]
    found = [
        Spread(
            *site,
            op=ops[site],
            runs=len(values),
            mean=statistics.fmean(values),
            std=statistics.stdev(values) if len(values) > 1 else 0.0,
            minimum=min(values),
        )
        for site, values in margins.items()
    ]
    return sorted(found, key=lambda spread: (spread.z, spread.line))


@dataclass
class LessonSweep:
    """All runs of one lesson, for one source version (its execution cache key)."""

    id: str
    path: str
    key: str
    runs: list[Run] = field(default_factory=list)

    @property
    def passed(self) -> list[Run]:
        return [run for run in self.runs if run.status == "passed"]

    @property
    def failures(self) -> list[Run]:
        return [run for run in self.runs if run.failed]

    def spreads(self) -> list[Spread]:
        return spreads(run for run in self.runs if not run.failed or run.claims)

    def closest(self) -> Spread | None:
        """The claim nearest its threshold, among those with runs enough to have a spread."""
        found = [spread for spread in self.spreads() if spread.runs >= MIN_RUNS_FOR_Z]
        return found[0] if found else None

    def checked_phrase(self) -> str | None:
        """How widely this lesson's claims were checked, e.g. ``15 runs: seeds 0-4 × 3 CPU
        kernel paths (default, avx2, avx512)``; None unless every run passed."""
        if not self.runs or len(self.passed) != len(self.runs):
            return None
        seeds = sorted({run.config.seed for run in self.runs})
        families = _families(run.config for run in self.runs)
        cpu = [f for f in families if f in KERNELS]
        other = [f for f in families if f not in KERNELS]
        parts = []
        if cpu:
            noun = "CPU kernel path" if len(cpu) == 1 else "CPU kernel paths"
            parts.append(f"{len(cpu)} {noun} ({', '.join(cpu)})")
        if other:
            parts.append(", ".join(other))
        runs = len(self.runs)
        return f"{runs} run{'s' if runs != 1 else ''}: seeds {seed_ranges(seeds)} × " + (
            " and ".join(parts)
        )

    def to_json(self) -> dict:
        closest = self.closest()
        return {
            "id": self.id,
            "path": self.path,
            "key": self.key,
            "closest": closest.to_json() if closest else None,
            "runs": [run.to_json() for run in sorted(self.runs, key=lambda r: _order(r.config))],
        }

    def outcome(self, family: str) -> tuple[int, int, Run | None]:
        """(runs passed, runs, the first failed run) of this lesson under ``family``."""
        runs = [run for run in self.runs if run.config.family == family]
        bad = [run for run in runs if run.failed]
        return len(runs) - len(bad), len(runs), bad[0] if bad else None


def _order(config: Configuration) -> tuple:
    kernel_rank = KERNELS.index(config.kernel) if config.kernel in KERNELS else len(KERNELS)
    return (config.device, kernel_rank, config.tf32 or "", config.seed)


def _families(configs: Iterable[Configuration]) -> list[str]:
    """The configurations' families (``default``, ``avx2``, ``cuda tf32 off``) in table order."""
    return list(dict.fromkeys(config.family for config in sorted(configs, key=_order)))


def seed_ranges(seeds: Sequence[int]) -> str:
    """``[0, 1, 2, 4]`` -> ``0-2, 4``."""
    parts, start = [], None
    for position, seed in enumerate(seeds):
        if start is None:
            start = seed
        if position + 1 == len(seeds) or seeds[position + 1] != seed + 1:
            parts.append(str(seed) if seed == start else f"{start}-{seed}")
            start = None
    return ", ".join(parts)


@dataclass
class SweepReport:
    """A sweep's outcome: the configurations tried, those skipped, and each lesson's runs."""

    lessons: list[LessonSweep]
    configurations: list[Configuration]
    skipped: dict[str, str] = field(default_factory=dict)
    generated_at: str = ""

    @property
    def failures(self) -> list[Run]:
        return [run for lesson in self.lessons for run in lesson.failures]

    def thin(self) -> list[tuple[LessonSweep, Spread]]:
        return [
            (lesson, spread)
            for lesson in self.lessons
            for spread in lesson.spreads()
            if spread.thin
        ]

    def families(self) -> list[str]:
        return _families(self.configurations)

    def to_json(self) -> dict:
        return {
            "version": REPORT_VERSION,
            "generated_at": self.generated_at,
            "required_z": REQUIRED_Z,
            "configurations": [config.to_json() for config in sorted(self.configurations)],
            "skipped": [
                {"family": family, "reason": reason} for family, reason in self.skipped.items()
            ],
            "lessons": [lesson.to_json() for lesson in self.lessons],
        }

    def write(self, path: Path) -> None:
        atomic_write(path, (json.dumps(self.to_json(), indent=1) + "\n").encode())

    @classmethod
    def from_json(cls, data: dict) -> SweepReport:
        if not isinstance(data, dict) or data.get("version") != REPORT_VERSION:
            raise ValueError("not a sweep report of this version")
        lessons = [
            LessonSweep(
                id=entry["id"],
                path=entry["path"],
                key=entry.get("key", ""),
                runs=[Run.from_json(run) for run in entry.get("runs", [])],
            )
            for entry in data.get("lessons", [])
        ]
        return cls(
            lessons=lessons,
            configurations=[Configuration.from_json(c) for c in data.get("configurations", [])],
            skipped={item["family"]: item["reason"] for item in data.get("skipped", [])},
            generated_at=data.get("generated_at", ""),
        )


def load_report(path: Path) -> SweepReport | None:
    """The sweep report at ``path``; None when there is none or it cannot be read."""
    try:
        return SweepReport.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def merge_reports(reports: Sequence[SweepReport]) -> SweepReport:
    """One report from several (shards, kernel paths, machines); later runs replace earlier
    runs of the same lesson version and configuration."""
    lessons: dict[tuple[str, str], LessonSweep] = {}
    configs: set[Configuration] = set()
    skipped: dict[str, str] = {}
    for report in reports:
        configs.update(report.configurations)
        skipped.update(report.skipped)
        for lesson in report.lessons:
            merged = lessons.setdefault(
                (lesson.id, lesson.key), LessonSweep(lesson.id, lesson.path, lesson.key)
            )
            by_config = {run.config: run for run in merged.runs}
            by_config.update({run.config: run for run in lesson.runs})
            merged.runs = list(by_config.values())
    ran = {run.config.family for lesson in lessons.values() for run in lesson.runs}
    return SweepReport(
        lessons=sorted(lessons.values(), key=lambda lesson: lesson.id),
        configurations=sorted(configs),
        skipped={family: why for family, why in skipped.items() if family not in ran},
        generated_at=_now(),
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- running -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepOptions:
    jobs: int = 1
    threads: int = 1
    force: bool = False
    cache_root: Path = Path(".cache") / "tdl"
    timeout: float = RUN_TIMEOUT_S

    @property
    def store(self) -> Path:
        return self.cache_root / "sweep"


def sweep_key(lesson: Lesson, environment: Environment) -> str:
    """The lesson's execution cache key with the device left out: the configuration says
    where a run went, so CPU and CUDA sweeps of one source join in one entry."""
    return lesson_key_inputs(lesson, Environment(environment.python, "any")).key()


def run_key(lesson_key: str, config: Configuration) -> str:
    payload = json.dumps({"format": SWEEP_FORMAT, "lesson": lesson_key, **config.to_json()})
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _unfinished(
    lesson: Lesson, config: Configuration, status: str, started: float, message: str, tail=""
) -> Run:
    """A run that left no record: timed out, or crashed before it could write one."""
    return Run(
        lesson.id,
        lesson.path.as_posix(),
        config,
        status,
        seconds=round(time.perf_counter() - started, 1),
        failure={"line": None, "exception": status, "message": message},
        log_tail=tail,
    )


def run_once(lesson: Lesson, config: Configuration, options: SweepOptions) -> Run:
    """Run ``lesson`` under ``config`` in a fresh process and folder; never raises for the
    lesson's own failures."""
    shown = lesson.path.as_posix()
    command = [sys.executable, "-m", "build_tools.lessons.claims", str(lesson.path.resolve())]
    if config.tf32:
        command += ["--tf32", config.tf32]
    started = time.perf_counter()
    mark = new_mark()  # carried by everything the run starts, found and ended afterwards
    env = {**config.environment(options.threads), MARK: mark}
    with tempfile.TemporaryDirectory(prefix="tdl-sweep-") as work:
        out = Path(work) / "claims.json"
        log = Path(work) / "output.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [*command, "--out", str(out)],
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: a timeout kills what it started too
            )
            _LIVE.add(process)
            try:
                process.wait(timeout=options.timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                end_marked(mark)
                return _unfinished(
                    lesson, config, "timeout", started, f"no result within {options.timeout:.0f} s"
                )
            finally:
                _LIVE.discard(process)
            _kill_group(process)  # anything the lesson left running in its group
            end_marked(mark)  # and anything that left the group
        tail = "\n".join(log.read_text("utf-8", "replace").splitlines()[-25:])
        try:
            record = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            message = f"the run ended (exit {process.returncode}) without a record"
            return _unfinished(lesson, config, "error", started, message, tail)
    return Run(
        lesson.id,
        shown,
        config,
        record["status"],
        seconds=record.get("seconds"),
        capability=record.get("capability"),
        cuda=bool(record.get("cuda")),
        failure=record.get("failure"),
        claims=record.get("claims", []),
        log_tail=tail if record["status"] != "passed" else "",
    )


def _cached(path: Path) -> Run | None:
    try:
        run = Run.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    run.cache = "hit"
    return run


def sweep(
    lessons: Sequence[Lesson],
    configs: Sequence[Configuration],
    options: SweepOptions,
    on_run: Callable[[Run], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> SweepReport:
    """Run every lesson under every configuration this machine can run (cached runs are
    taken from the cache); the report lists the rest as skipped."""
    skipped = unavailable(configs)
    runnable = [config for config in configs if config not in skipped]
    environment = Environment.current(options.cache_root)
    entries = {
        lesson.id: LessonSweep(lesson.id, lesson.path.as_posix(), sweep_key(lesson, environment))
        for lesson in lessons
    }
    pending = []
    for lesson in lessons:
        for config in runnable:
            where = options.store / f"{run_key(entries[lesson.id].key, config)}.json"
            hit = None if options.force else _cached(where)
            if hit is not None:
                hit.path = lesson.path.as_posix()
                entries[lesson.id].runs.append(hit)
                if on_run:
                    on_run(hit)
            else:
                pending.append((lesson, config, where))
    if on_start:
        on_start(len(pending))

    def one(item) -> Run:
        lesson, config, where = item
        run = run_once(lesson, config, options)
        if run.status in ("passed", "failed"):  # a crash or timeout is tried again next time
            atomic_write(where, json.dumps(run.to_json()).encode())
        return run

    pool = ThreadPoolExecutor(max_workers=max(1, options.jobs))
    try:
        for future in as_completed([pool.submit(one, item) for item in pending]):
            run = future.result()
            entries[run.lesson].runs.append(run)
            if on_run:
                on_run(run)
    except BaseException:  # interrupted: the runs live in sessions of their own, end them
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list(_LIVE):
            _kill_group(process)
        raise
    pool.shutdown()
    return SweepReport(
        lessons=[entries[lesson.id] for lesson in lessons],
        configurations=list(configs),
        skipped={config.family: why for config, why in skipped.items()},
        generated_at=_now(),
    )
