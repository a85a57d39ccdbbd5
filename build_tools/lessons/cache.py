"""The execution cache: what a lesson's result depends on, and where executed notebooks live.

A cache key is a hash of :class:`KeyInputs`: the lesson source, the Python version, the
versions of the distributions the lesson imports or declares in ``requires:`` (a required
package may be used under another name, or only by another package), the device kind it
will run on and the contents of its declared data files. Nothing else goes in, so exactly
a change to one of those re-executes the lesson.

Entries live under ``.cache/tdl/notebooks/<key>/``. An entry directory is assembled
elsewhere and renamed into place, so readers see a complete entry or none; a per-key file
lock keeps two concurrent builds from executing the same lesson twice.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from build_tools.lessons.requirements import Pin

# Bump when the layout of an entry or the way lessons are executed changes meaning.
CACHE_FORMAT = 1
ENTRY_FILE = "entry.json"
KEEP_PER_LESSON = 3
PRUNE_AFTER_S = 3600.0
_IMPORT_LINE = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)


@dataclass(frozen=True)
class KeyInputs:
    """Everything a lesson's executed notebook depends on; nothing more."""

    source_sha256: str
    python: str
    packages: tuple[tuple[str, str], ...]
    device: str
    data: tuple[tuple[str, str], ...]

    def key(self) -> str:
        """The cache key: a stable hash of the inputs."""
        payload = json.dumps({"format": CACHE_FORMAT, **asdict(self)}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:32]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def imported_modules(source: str) -> set[str]:
    """Top-level names of the modules a lesson imports (absolute imports only)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        # A lesson with a syntax error still gets a key; its run will report the error.
        return set(_IMPORT_LINE.findall(source))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


_distributions: dict[str, tuple[str, ...]] | None = None


def _package_dirs_fingerprint() -> list[list]:
    # Installing, removing or upgrading a distribution adds or removes entries in its
    # site-packages folder, which changes the folder's modification time.
    return [
        [entry, os.stat(entry).st_mtime_ns]
        for entry in sys.path
        if entry.rstrip("/").endswith(("site-packages", "dist-packages")) and os.path.isdir(entry)
    ]


def module_distributions(cache_file: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Which installed distributions provide each top-level module.

    Scanning every installed distribution is a noticeable part of a warm build, so the
    answer is kept in ``cache_file`` together with a fingerprint of the package folders.
    """
    global _distributions
    if _distributions is not None:
        return _distributions
    fingerprint = _package_dirs_fingerprint()
    if cache_file is not None:
        try:
            saved = json.loads(cache_file.read_text(encoding="utf-8"))
            if saved["fingerprint"] == fingerprint:
                _distributions = {k: tuple(v) for k, v in saved["modules"].items()}
                return _distributions
        except (OSError, ValueError, KeyError, TypeError):
            pass
    found = importlib.metadata.packages_distributions()
    _distributions = {k: tuple(v) for k, v in found.items()}
    if cache_file is not None:
        payload = {"fingerprint": fingerprint, "modules": found}
        atomic_write(cache_file, json.dumps(payload).encode())
    return _distributions


def package_versions(modules: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(distribution, version) for each installed distribution providing one of ``modules``.

    Standard-library modules have no distribution; the Python version covers them.
    """
    found = {}
    mapping = module_distributions()
    for module in modules:
        for dist in mapping.get(module, ()):
            try:
                found[dist.lower()] = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                continue
    return tuple(sorted(found.items()))


def python_version() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def _torch_has_gpu_build() -> bool:
    """Read torch's version module without importing torch (importing costs seconds)."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.origin:
        return False
    version_file = Path(spec.origin).parent / "version.py"
    try:
        text = version_file.read_text(encoding="utf-8")
    except OSError:
        return True  # unknown layout: ask torch itself
    return bool(re.search(r"^(cuda|hip)\s*(?::[^=]*)?=\s*['\"]", text, re.MULTILINE))


@functools.lru_cache(maxsize=1)
def detect_device() -> str:
    """``cuda`` when torch in this environment sees a GPU, else ``cpu``.

    Kernels run on this same interpreter, so what this process sees is what lessons see.
    A CPU-only torch build answers without importing torch (which costs seconds); otherwise
    a short-lived subprocess asks torch, so the build process never loads it.
    """
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return "cpu"
    if not _torch_has_gpu_build():
        return "cpu"
    probe = "import torch; print('cuda' if torch.cuda.is_available() else 'cpu')"
    try:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired):
        return "cpu"
    return "cuda" if done.stdout.strip() == "cuda" else "cpu"


@dataclass(frozen=True)
class Environment:
    """The parts of the executing environment that enter cache keys, measured once per run."""

    python: str
    device: str

    @classmethod
    def current(cls, cache_root: Path | None = None) -> Environment:
        """This interpreter's environment; ``cache_root`` keeps slow answers between runs."""
        module_distributions(cache_root / "distributions.json" if cache_root else None)
        return cls(python=python_version(), device=detect_device())


def required_versions(requires: Iterable[str]) -> dict[str, str]:
    """(distribution, installed version) of each declared pin, named as
    :func:`package_versions` names it; ``not installed`` when it is absent."""
    found = {}
    for text in requires:
        name = Pin.parse(text).name
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
            continue
        found[distribution.metadata["Name"].lower()] = distribution.version
    return found


def key_inputs(
    source: bytes,
    data_files: Iterable[tuple[str, Path]],
    environment: Environment,
    device_setting: str = "auto",
    requires: Iterable[str] = (),
) -> KeyInputs:
    """The key inputs of one lesson: its source bytes, declared data and requirements, and
    the environment.

    ``data_files`` pairs each declared name with its path; a missing file raises
    FileNotFoundError naming it.
    """
    text = source.decode("utf-8", errors="replace")
    data = []
    for name, path in data_files:
        if not path.is_file():
            raise FileNotFoundError(f"declared data file not found: {name}")
        data.append((name, sha256_file(path)))
    return KeyInputs(
        source_sha256=hashlib.sha256(source).hexdigest(),
        python=environment.python,
        packages=tuple(
            sorted(
                {
                    **dict(package_versions(imported_modules(text))),
                    **required_versions(requires),
                }.items()
            )
        ),
        device="cpu" if device_setting == "cpu" else environment.device,
        data=tuple(sorted(data)),
    )


class CacheStore:
    """Executed notebooks by cache key, safe to share between concurrent builds."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def entry_dir(self, key: str) -> Path:
        return self.root / key

    def lookup(self, key: str) -> dict | None:
        """The entry's record when the entry is complete, else None; marks it as used."""
        entry = self.entry_dir(key)
        try:
            record = json.loads((entry / ENTRY_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        try:
            os.utime(entry)
        except OSError:
            pass
        return record

    def lock(self, key: str) -> FileLock:
        locks = self.root / ".locks"
        locks.mkdir(parents=True, exist_ok=True)
        return FileLock(str(locks / f"{key}.lock"))

    def store(self, key: str, files: dict[str, bytes], record: dict) -> Path:
        """Write an entry atomically: build it in a scratch directory, then rename it in."""
        self.root.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".tmp-{key}-", dir=self.root))
        try:
            for name, content in files.items():
                (scratch / name).write_bytes(content)
            (scratch / ENTRY_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")
            scratch.chmod(0o755)  # mkdtemp makes it private; entries are ordinary cache files
            try:
                os.rename(scratch, self.entry_dir(key))
            except OSError:
                # Another build stored the same key first; its entry is equally valid.
                if not (self.entry_dir(key) / ENTRY_FILE).is_file():
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return self.entry_dir(key)

    def prune(self, keep: int = KEEP_PER_LESSON, min_age_s: float = PRUNE_AFTER_S) -> int:
        """Delete old entries beyond the newest ``keep`` per lesson; return how many.

        Entries used within ``min_age_s`` stay, so a concurrent build never loses the entry
        it is rendering; an entry whose lock is held is skipped for the same reason.
        """
        if not self.root.is_dir():
            return 0
        by_lesson: dict[str, list[tuple[float, Path]]] = {}
        for entry in self.root.iterdir():
            record_file = entry / ENTRY_FILE
            if not record_file.is_file():
                continue
            try:
                lesson = json.loads(record_file.read_text(encoding="utf-8"))["lesson"]
            except (OSError, ValueError, KeyError):
                lesson = ""
            by_lesson.setdefault(lesson, []).append((entry.stat().st_mtime, entry))
        removed = 0
        now = time.time()
        for entries in by_lesson.values():
            entries.sort(reverse=True)
            for mtime, entry in entries[keep:]:
                if now - mtime < min_age_s:
                    continue
                lock = self.lock(entry.name)
                try:
                    with lock.acquire(timeout=0):
                        shutil.rmtree(entry, ignore_errors=True)
                        removed += 1
                except Timeout:
                    continue
        return removed


def atomic_write(path: Path, content: bytes) -> bool:
    """Replace ``path`` with ``content`` atomically; skip (return False) when unchanged."""
    try:
        if path.read_bytes() == content:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(scratch, 0o644)  # mkstemp creates private files; these are published
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return True
