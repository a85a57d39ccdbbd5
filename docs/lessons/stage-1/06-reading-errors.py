# ---
# title: "Reading errors: a traceback from the bottom up"
# summary: Three mistakes everyone makes in PyTorch (a shape mismatch, a dtype mismatch, a device mismatch), each made on purpose, its traceback read line by line, and the fix; then the worse kind of mistake, the one that raises nothing.
# stage: 1
# kind: notes
# minutes: 25
# device: auto
# resources: [fastai-practical-deep-learning, fastai-teaching-philosophy, pytorch-tutorials]
# prerequisites: [stage-1/01-digits]
# data: []
# aliases: [stage-1/05-reading-errors]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Reading errors: a traceback from the bottom up
#
# You will see far more error messages than working results while learning deep learning,
# and that is fine: every experienced practitioner does too. The difference experience
# makes is not fewer errors but faster ones. An error message is the most precise piece of
# information you will get all day about what your program actually did, and reading it
# well turns a lost afternoon into a two-minute fix.
#
# On this page we make three classic PyTorch mistakes on purpose, read each traceback, and
# fix the code. Then we look at the kind of mistake that is worse than any error: the one
# that runs without complaint and gives a wrong answer.
#
# **Runtime:** a few seconds on a laptop CPU.
#
# ## How to read a Python traceback
#
# Python prints a traceback when an exception escapes. It lists the chain of function calls
# that led to the failure, *oldest first*: the first frame is the line of your notebook you
# ran, the last frame is deep inside whatever library finally gave up. So read it from the
# **bottom up**:
#
# 1. **The last line first.** It names the exception type (`RuntimeError`, `TypeError`,
#    `ValueError`, ...) and a message. In PyTorch the message usually contains the exact
#    shapes, types or devices involved. Read it slowly, word by word.
# 2. **Then up to your own code.** Walk up the frames until you reach a file you wrote (in a
#    notebook, a cell). That line is where *your* decision met the failure, and where the
#    fix almost always goes.
# 3. **The frames in between are the route**, not the cause. Lines inside `torch/nn/...`
#    tell you which layer or function was running (useful), but the bug is very rarely in
#    PyTorch itself.
#
# ## How this page runs its failing cells
#
# This page has to work two ways: as a notebook, where a failing cell should show its real
# traceback, and as a plain script (`python 06-reading-errors.py`), which must run to the
# end. Each failing cell is therefore tagged `raises-exception` (Jupyter then carries on
# after it), and its failing code runs inside a small helper, `fails_on_purpose`. The code
# inside the helper really runs and really raises in both cases. In a notebook the helper
# lets the exception through untouched, so what you see is exactly what Python printed. In
# a script it prints the same traceback and lets the script continue. If the code
# unexpectedly *stops* failing, or fails with a different exception, the helper says so,
# so this page cannot silently go out of date.

# %%
import sys
import traceback

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

torch.manual_seed(0)
rng = np.random.default_rng(0)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("device:", DEVICE)

IN_NOTEBOOK = "ipykernel" in sys.modules


class fails_on_purpose:
    """Run a block that must raise `expected`; keep the error in `.error` for later checks.

    In a notebook the exception propagates, so Jupyter shows the genuine traceback. Run as
    a script, the traceback is printed and execution continues.
    """

    def __init__(self, expected):
        self.expected = expected
        self.error = None

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if kind is None:
            raise AssertionError(f"expected {self.expected.__name__}, but nothing was raised")
        if not issubclass(kind, self.expected):
            return False  # a different error is a real bug on this page: let it stop us
        self.error = error
        if IN_NOTEBOOK:
            return False  # let the notebook show the real traceback
        print("The following error was raised on purpose:")
        traceback.print_exception(kind, error, tb, file=sys.stdout)
        return True


# %% [markdown]
# Our running example is the digit classifier of the first lesson: 8×8 images flattened to
# 64 numbers, ten classes. Here is a small batch of eight images.

# %%
digits = load_digits()
images = digits.data[:8]  # a NumPy array of shape (8, 64)
labels = digits.target[:8]
x = torch.tensor(images, dtype=torch.float32, device=DEVICE)
y = torch.tensor(labels, device=DEVICE)
print("x:", tuple(x.shape), x.dtype, x.device, "| y:", tuple(y.shape), y.dtype)

# %% [markdown]
# ## Mistake 1: a shape mismatch
#
# We decide to widen the hidden layer from 16 to 32 units, and edit the first layer, but
# forget the second one.

# %% tags=["raises-exception"]
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(16, 10)).to(DEVICE)

with fails_on_purpose(RuntimeError) as shape_failure:
    logits = model(x)

# %% [markdown]
# **The last line:** `RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x32 and
# 16x10)`. A linear layer is a matrix multiplication, and the message gives us both
# matrices. `mat1` is the input arriving at the layer: 8 rows (our batch) of 32 numbers.
# `mat2` is the layer's weight, arranged as (inputs × outputs): the layer expects 16 numbers
# in and gives 10 out. A product of an (a×b) and a (c×d) matrix needs b = c, and 32 ≠ 16.
#
# **Up to our code:** the frame from our cell is the line `logits = model(x)`. That tells
# us the problem is in `model`, but not which layer.
#
# **The route:** the frames in between pass through `module.py` (PyTorch's machinery for
# calling a module), `container.py` (the `Sequential`, calling its layers one by one) and
# finally `linear.py`. So a *linear* layer failed. There are two; the numbers decide: the
# one with 16 inputs and 10 outputs is the last one, and what arrives there has 32
# features, the output of `Linear(64, 32)`.
#
# When the model is bigger and the route less obvious, make the shapes visible. A loop over
# the layers of a `Sequential` shows what flows into each one:

# %%
h = x
for layer in model:
    expected = getattr(layer, "in_features", None)
    marker = "  <-- mismatch" if expected is not None and expected != h.shape[-1] else ""
    print(f"{layer!s:45} receives {tuple(h.shape)}{marker}")
    if marker:
        break
    h = layer(h)
assert "cannot be multiplied" in str(shape_failure.error)

# %% [markdown]
# The fix is to make the layers agree. The output width of each layer must equal the input
# width of the next:

# %%
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)).to(DEVICE)
logits = model(x)
print("logits:", tuple(logits.shape))
assert logits.shape == (8, 10)

# %% [markdown]
# ## Mistake 2: a dtype mismatch
#
# A new session, a new batch. This time we convert the NumPy array the short way, with
# `torch.from_numpy`, which keeps the array's number type.

# %% tags=["raises-exception"]
x64 = torch.from_numpy(images).to(DEVICE)

with fails_on_purpose(RuntimeError) as dtype_failure:
    logits = model(x64)

# %% [markdown]
# **The last line:** `mat1 and mat2 must have the same dtype, but got Double and Float`.
# Every tensor has a *dtype*, the kind of number it stores. "Float" is 32-bit floating point,
# PyTorch's default for parameters; "Double" is 64-bit floating point, **NumPy's default**.
# `load_digits` returns float64 pixels, `from_numpy` faithfully kept them, and the layer's
# float32 weights refuse to multiply with them. (On a GPU the wording is a little different,
# along the lines of `expected m1 and m2 to have the same dtype, but got: double != float`,
# but it names the same two types. PyTorch does not convert silently here
# because a silent conversion would either waste memory and time or lose precision, and it
# cannot know which you want.)
#
# **Up to our code:** the line `logits = model(x64)`; the route again ends in `linear.py`.
# The first layer is where the float64 data meets a float32 weight.
#
# The fix is to convert once, where data enters PyTorch, and to check dtypes when in doubt:

# %%
print(
    "NumPy array:",
    images.dtype,
    "| from_numpy:",
    x64.dtype,
    "| model weights:",
    model[0].weight.dtype,
)
x32 = torch.from_numpy(images).float().to(DEVICE)
logits = model(x32)
assert logits.dtype == torch.float32
assert "same dtype" in str(dtype_failure.error)

# %% [markdown]
# The labels have a dtype rule of their own: `F.cross_entropy` wants class *indices* as
# integers (`torch.int64`, called Long). Passing them as floats fails too, or, if the float
# tensor happens to have the same shape as the logits, is read as class *probabilities*,
# which is a different loss altogether. When you build targets by hand, check
# `y.dtype` as well as `y.shape`.
#
# ## Mistake 3: a device mismatch
#
# A tensor lives on a *device*: the CPU's memory, or a GPU's. Arithmetic needs all its
# operands on the same device, because a GPU cannot read the CPU's memory in the middle of a
# matrix product. The classic mistake is to move the model to the GPU with
# `model.to(DEVICE)` and forget to move the data.
#
# A GPU is not needed to see this error. If there is no CUDA device, we use PyTorch's
# `meta` device instead: a pretend device whose tensors have shapes and dtypes but no data,
# used inside PyTorch to work out shapes without computing anything. For the purpose of
# "model here, data there", it behaves like a second device.

# %% tags=["raises-exception"]
elsewhere = torch.device("cuda") if torch.cuda.is_available() else torch.device("meta")
x_cpu = torch.tensor(images, dtype=torch.float32)  # created on the CPU and never moved
model_elsewhere = nn.Linear(64, 10).to(elsewhere)

with fails_on_purpose(RuntimeError) as device_failure:
    logits = model_elsewhere(x_cpu)

# %% [markdown]
# **The last line**, on a machine with a GPU, reads `Expected all tensors to be on the same
# device, but found at least two devices, cuda:0 and cpu!`, often followed by the name of
# the argument that disagreed. With the meta device it reads `Tensor on device cpu is not
# on the expected device meta!` (or with the two devices the other way round). Either way
# the words to look for are *device* and two device names.
#
# **Up to our code:** the call `model_elsewhere(x_cpu)`. The model's parameters are on one
# device, the input on another. If you ran this on the CPU, notice how long the route is:
# for the meta device PyTorch works out results with Python code, so a dozen frames from
# `torch/_refs`, `torch/_prims` and `torch/_decomp` appear between your line and the last
# one. None of them needs reading. The bottom line and your own line tell the whole story. In a real training loop, the line to look at is where the
# batch comes out of the data loader: that is where the `.to(DEVICE)` was forgotten.
#
# The fix is to move the data to where the model is. A robust idiom asks the model itself
# where its parameters live, so the same code works on any machine:


# %%
def predict(model, batch):
    device_of_model = next(model.parameters()).device
    return model(batch.to(device_of_model))


for m in [model_elsewhere, model]:
    out = predict(m, x_cpu)
    print(f"model on {next(m.parameters()).device}: input moved there, output {tuple(out.shape)}")
    assert out.shape[0] == 8 and out.device == next(m.parameters()).device
assert "device" in str(device_failure.error)

# %% [markdown]
# (Without a GPU, the first line is the meta-device model: its output has the right shape
# but holds no values, which is all the meta device ever promises.)

# %% [markdown]
# ## The worst mistake raises nothing
#
# The three errors above were *helpful*: PyTorch refused to continue and told us why. The
# mistakes that cost days are the ones where the shapes happen to be compatible with a
# different meaning. The classic is **broadcasting** by accident. Suppose a regression
# model outputs one number per example with shape (8, 1), and the targets have shape (8,).
# Subtracting them does not fail: broadcasting stretches both to (8, 8) and subtracts every
# target from every prediction.

# %%
torch.manual_seed(0)
regressor = nn.Linear(64, 1).to(DEVICE)
prediction = regressor(x32)  # shape (8, 1)
target = y.float()  # shape (8,)

wrong_loss = ((prediction - target) ** 2).mean()  # (8, 1) - (8,) -> (8, 8): no error!
right_loss = ((prediction[:, 0] - target) ** 2).mean()  # (8,) - (8,) -> (8,)
print("shape of the difference:", tuple((prediction - target).shape))
print(
    f"loss with the silent bug: {wrong_loss.item():.3f}  |  correct loss: {right_loss.item():.3f}"
)
assert (prediction - target).shape == (8, 8)
assert not torch.isclose(wrong_loss, right_loss)

# %% [markdown]
# A model trained on the wrong loss would still train, and the loss would still go down,
# just towards a meaningless target (every prediction pulled towards the *average* of all
# targets). Nothing would crash; the results would simply be poor, and you might blame the
# architecture or the learning rate. PyTorch's own `F.mse_loss` notices this case and prints
# a warning about mismatched sizes, one more reason to read warnings as carefully as errors.
#
# The defence is cheap: state your assumptions about shapes in the code, so that a wrong
# shape becomes a loud error instead of a quiet one.


# %%
def mse(prediction, target):
    assert prediction.shape == target.shape, f"shapes differ: {prediction.shape} vs {target.shape}"
    return ((prediction - target) ** 2).mean()


print(f"checked loss: {mse(prediction[:, 0], target).item():.3f}")
assert torch.isclose(mse(prediction[:, 0], target), right_loss)

# %% [markdown]
# ## A checklist for the next error
#
# - **Read the last line, word by word.** Note the exception type and every number in the
#   message: shapes, dtypes, device names.
# - **Find your own line** by walking up the traceback; the fix is usually there or just
#   before it.
# - **Print what you assume**: `x.shape`, `x.dtype`, `x.device`, for every tensor on that
#   line. Most PyTorch errors are one of these three.
# - **Shrink the problem.** Reproduce the error in a fresh cell with a tiny tensor. If it
#   does not reproduce, the difference between the two is the bug.
# - **Search the message**, without your own numbers and names (search for "mat1 and mat2
#   shapes cannot be multiplied", not for "8x32 and 16x10"). Someone has almost certainly
#   met it before, and the course forums and issue trackers are full of worked answers.
# - **When you ask for help**, include the full traceback and the smallest code that
#   reproduces it. Writing that small example very often reveals the answer on its own.
#
# ## Questions
#
# 1. In which order does Python list the frames of a traceback, and why does that make the
#    last line the best place to start reading?
# 2. In `mat1 and mat2 shapes cannot be multiplied (8x32 and 16x10)`, what does each of
#    the four numbers refer to in our model?
# 3. Why did `torch.from_numpy(images)` produce a float64 tensor, and which two ways of
#    converting avoid the problem?
# 4. Why does PyTorch refuse to add a tensor on the GPU to a tensor on the CPU, instead of
#    moving one of them automatically?
# 5. Why is the broadcasting bug in the last section more dangerous than the three errors
#    before it? Describe what a model trained with that loss would learn.
# 6. What would you print first if a line `out = layer(batch)` failed with an error
#    mentioning "Long"?
#
# ## Further research
#
# - Make three more mistakes on purpose and read their tracebacks: call `F.cross_entropy`
#   with float labels; call it with labels of shape (8, 1); and call a `nn.Conv2d` on a
#   batch of flat 64-number images instead of (8, 1, 8, 8) images. For each, write one
#   sentence saying what the last line means.
# - Find the `register_forward_hook` method of `nn.Module` in the PyTorch documentation
#   and use it to print the output shape of every layer of a model automatically. Try it
#   on the ten-digit network from the first lesson.
