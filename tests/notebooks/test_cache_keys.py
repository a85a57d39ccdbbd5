"""The cache key: each input changes it, nothing else does; shards split lessons exactly."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_tools.lessons.cache import (
    CacheStore,
    Environment,
    imported_modules,
    key_inputs,
    package_versions,
)
from build_tools.lessons.discovery import discover_lessons
from build_tools.lessons.execute import lesson_key_inputs, select_shard
from tests.notebooks.conftest import write_lesson

CPU = Environment(python="CPython 3.11.0", device="cpu")


def test_imports_are_read_from_code_only():
    source = (
        "# %% [markdown]\n# import pandas  (prose, not code)\n"
        "# %%\nimport numpy as np\nfrom sklearn.datasets import load_digits\n"
        "import os.path\nfrom . import sibling\n"
        "def f():\n    import torch.nn as nn\n"
    )
    assert imported_modules(source) == {"numpy", "sklearn", "os", "torch"}


def test_a_lesson_with_a_syntax_error_still_gets_its_imports():
    assert imported_modules("import numpy\nx = = 1\nfrom torch import nn\n") == {"numpy", "torch"}


def test_imports_map_to_the_installed_distributions():
    versions = dict(package_versions({"sklearn", "numpy", "json", "no_such_module_here"}))
    assert set(versions) == {"scikit-learn", "numpy"}
    assert versions["numpy"].count(".") >= 1


def _inputs(project: Path, environment=CPU):
    lesson = discover_lessons(project / "docs" / "lessons", project)[0]
    return lesson_key_inputs(lesson, environment)


def test_every_input_changes_the_key_and_nothing_else_does(project):
    path = write_lesson(project, "01-keys", data="[table.csv]")
    table = path.parent / "table.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    base = _inputs(project)
    assert _inputs(project) == base and _inputs(project).key() == base.key()

    # Unrelated files and timestamps do not matter.
    (path.parent / "notes.txt").write_text("unrelated", encoding="utf-8")
    path.touch()
    assert _inputs(project).key() == base.key()

    variants = {
        "source": dataclasses.replace(base, source_sha256="0" * 64),
        "python": dataclasses.replace(base, python="CPython 3.12.0"),
        "packages": dataclasses.replace(base, packages=(("numpy", "0.0.1"),)),
        "device": dataclasses.replace(base, device="cuda"),
        "data": dataclasses.replace(base, data=(("table.csv", "0" * 64),)),
    }
    keys = {name: inputs.key() for name, inputs in variants.items()}
    assert len(set(keys.values()) | {base.key()}) == len(variants) + 1

    table.write_text("a,b\n1,3\n", encoding="utf-8")
    assert _inputs(project).data != base.data and _inputs(project).key() != base.key()


def test_device_setting_cpu_pins_the_key_to_cpu(project):
    write_lesson(project, "01-device")
    gpu_machine = Environment(python=CPU.python, device="cuda")
    assert _inputs(project, gpu_machine).device == "cuda"
    path = project / "docs" / "lessons" / "stage-1" / "01-device.py"
    path.write_text(path.read_text().replace("# minutes: 1", "# minutes: 1\n# device: cpu"))
    assert _inputs(project, gpu_machine).device == "cpu"


def test_imports_enter_the_key_with_their_versions(project):
    write_lesson(project, "01-imports", body="# %%\nimport numpy\nimport sklearn\n")
    packages = dict(_inputs(project).packages)
    assert set(packages) == {"numpy", "scikit-learn"}


def test_a_missing_declared_data_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="declared data file not found: gone.csv"):
        key_inputs(b"x = 1\n", [("gone.csv", tmp_path / "gone.csv")], CPU)


def test_entries_appear_whole_and_old_ones_are_pruned(tmp_path):
    store = CacheStore(tmp_path / "notebooks")
    for number in range(5):
        record = {"lesson": "stage-1/01-x", "key": f"k{number}"}
        store.store(f"k{number}", {"x.ipynb": b"{}"}, record)
    assert store.lookup("k4")["key"] == "k4"
    assert not [p for p in store.root.iterdir() if p.name.startswith(".tmp-")]
    assert store.prune(keep=3, min_age_s=0) == 2
    assert sum(store.lookup(f"k{n}") is not None for n in range(5)) == 3


@dataclasses.dataclass(frozen=True)
class _Fake:
    id: str


@given(
    st.sets(st.from_regex(r"stage-[1-6]/[0-9]{2}-[a-z]{1,6}", fullmatch=True), max_size=40),
    st.integers(min_value=1, max_value=8),
)
def test_shards_are_disjoint_and_complete(ids, count):
    lessons = [_Fake(i) for i in ids]
    shards = [select_shard(lessons, index, count) for index in range(1, count + 1)]
    seen = [lesson.id for shard in shards for lesson in shard]
    assert sorted(seen) == sorted(ids)  # complete, and no lesson twice
    sizes = [len(shard) for shard in shards]
    assert max(sizes) - min(sizes) <= 1  # balanced by count
