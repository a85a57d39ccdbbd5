"""GPU tests: skipped with the reason where torch sees no CUDA device, failed instead where
a GPU is promised (``TDL_REQUIRE_GPU=1``, set by the GPU workflow)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def cuda():
    """The CUDA device; imported lazily so collecting the suite never loads torch."""
    import torch

    if not torch.cuda.is_available():
        reason = "no CUDA device: torch.cuda.is_available() is False"
        if os.environ.get("TDL_REQUIRE_GPU") == "1":
            pytest.fail(f"{reason} (TDL_REQUIRE_GPU=1)", pytrace=False)
        pytest.skip(reason)
    return torch.device("cuda")
