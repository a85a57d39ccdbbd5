"""On a CUDA machine: every lesson uses the GPU, training matches the CPU, and the execution
cache keeps CPU and GPU results apart."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from build_tools.lessons.cache import Environment, detect_device, key_inputs
from build_tools.lessons.discovery import discover_lessons
from build_tools.lessons.execute import lesson_key_inputs
from tests.conftest import ROOT

pytestmark = pytest.mark.gpu

LESSONS = discover_lessons(ROOT / "docs" / "lessons", ROOT)
# Float32 sums run in a different order on the GPU; over a short run the losses agree to
# about 1e-6, and anything beyond 1e-4 would mean a real difference, not rounding.
LOSS_TOLERANCE = 1e-4
RUN_AND_REPORT = """\
import runpy, sys, torch
runpy.run_path(sys.argv[1], run_name="__main__")
print("TDL-CUDA-USED", torch.cuda.is_initialized())
"""


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
def test_lesson_runs_on_the_gpu(lesson, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    env.pop("CUDA_VISIBLE_DEVICES", None)
    result = subprocess.run(
        [sys.executable, "-c", RUN_AND_REPORT, str(lesson.path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{lesson.id} failed:\n{result.stderr[-3000:]}"
    used = "TDL-CUDA-USED True" in result.stdout
    assert used == (lesson.meta.device == "auto"), (
        f"{lesson.id}: device {lesson.meta.device}, CUDA used: {used}"
    )


def _train(device, steps: int = 60) -> list[float]:
    """A small MLP on the digits scikit-learn ships, full-batch SGD, fixed seed."""
    import torch
    from sklearn.datasets import load_digits

    torch.backends.cuda.matmul.allow_tf32 = False  # full float32, as on the CPU
    torch.backends.cudnn.allow_tf32 = False
    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32, device=device)
    y = torch.tensor(digits.target, device=device)
    torch.manual_seed(0)  # initial weights are drawn on the CPU: identical for both runs
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    model = model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = []
    for _ in range(steps):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def test_training_matches_between_cpu_and_gpu(cuda):
    import torch

    on_cpu, on_gpu = _train(torch.device("cpu")), _train(cuda)
    assert on_cpu[-1] < on_cpu[0] * 0.5, "the run must actually learn"
    worst = max(abs(a - b) for a, b in zip(on_cpu, on_gpu, strict=True))
    assert worst <= LOSS_TOLERANCE, f"CPU and GPU losses differ by up to {worst:.2e}"


def test_execution_cache_keys_cpu_and_gpu_apart():
    assert detect_device() == "cuda"
    environment = Environment.current()
    assert environment.device == "cuda"
    lesson = next(lesson for lesson in LESSONS if lesson.meta.device == "auto")
    on_gpu = lesson_key_inputs(lesson, environment)
    on_cpu = key_inputs(lesson.path.read_bytes(), [], Environment(environment.python, "cpu"))
    assert on_gpu.device == "cuda" and on_cpu.device == "cpu"
    assert on_gpu.key() != on_cpu.key()
    # A lesson pinned to the CPU gets the CPU key even here: it runs with CUDA hidden.
    pinned = key_inputs(lesson.path.read_bytes(), [], environment, device_setting="cpu")
    assert pinned.key() == on_cpu.key()
