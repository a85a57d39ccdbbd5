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
import os
import sys
import traceback
import warnings

import numpy as np
import torch
from sklearn.datasets import load_wine
from torch import nn
from torch.nn import functional as F

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)
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
# Our running example is a small classifier for scikit-learn's bundled wine data: 178
# wines from three grape cultivars, each described by 13 chemical measurements (alcohol,
# malic acid, ash, and so on). The task is to name the cultivar, so the network takes 13
# numbers in and gives 3 scores out. Here is a batch of eight wines drawn at random.

# %%
wine = load_wine()
pick = rng.choice(len(wine.target), size=8, replace=False)
measurements = wine.data[pick]  # a NumPy array of shape (8, 13)
labels = wine.target[pick]
x = torch.tensor(measurements, dtype=torch.float32, device=DEVICE)
y = torch.tensor(labels, device=DEVICE)
print("x:", tuple(x.shape), x.dtype, x.device, "| y:", tuple(y.shape), y.dtype)
print("cultivars in the batch:", labels.tolist())
assert wine.data.shape == (178, 13) and len(wine.target_names) == 3
assert x.shape == (8, 13) and measurements.dtype == np.float64 and y.dtype == torch.int64

# %% [markdown]
# ## Mistake 1: a shape mismatch
#
# We decide to widen the hidden layer from 16 to 32 units, and edit the first layer, but
# forget the second one.

# %% tags=["raises-exception"]
torch.manual_seed(SEED)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(16, 3)).to(DEVICE)

with fails_on_purpose(RuntimeError) as shape_failure:
    logits = model(x)

# %% [markdown]
# **The last line:** `RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x32 and
# 16x3)`. A linear layer is a matrix multiplication, and the message gives us the shapes of
# both matrices. `mat1` is the input arriving at the layer: 8 rows (our batch) of 32
# numbers. `mat2` is the *transpose* of the layer's weight. PyTorch stores the weight of
# `nn.Linear(16, 3)` as a 3×16 matrix, one row of 16 input weights per output, and computes
# `input @ weight.T`, so the matrix it multiplies by is 16×3: 16 numbers expected in, 3
# out. A product of an (a×b) and a (c×d) matrix needs b = c, and here 32 ≠ 16.
#
# **Up to our code:** the frame from our cell is the line `logits = model(x)`. That tells
# us the problem is in `model`, but not which layer.
#
# **The route:** the frames in between pass through `module.py` (PyTorch's machinery for
# calling a module), `container.py` (the `Sequential`, calling its layers one by one) and
# finally `linear.py`. So a *linear* layer failed. There are two; the numbers decide: the
# one that expects 16 inputs and gives 3 outputs is the last one, and what arrives there
# has 32 features, the output of `Linear(13, 32)`.
#
# When the model is bigger and the route less obvious, make the shapes visible. A loop over
# the layers of a `Sequential` shows what flows into each one, and the weight of the
# failing layer confirms how `mat2` was made:

# %%
h = x
for layer in model:
    expected = getattr(layer, "in_features", None)
    marker = "  <-- mismatch" if expected is not None and expected != h.shape[-1] else ""
    print(f"{layer!s:45} receives {tuple(h.shape)}{marker}")
    if marker:
        break
    h = layer(h)
weight = model[2].weight
print("last layer: weight", tuple(weight.shape), "| weight.T", tuple(weight.T.shape))
message = str(shape_failure.error)
assert "cannot be multiplied (8x32 and 16x3)" in message
assert tuple(weight.shape) == (3, 16) and tuple(weight.T.shape) == (16, 3)

# %% [markdown]
# Quick check: a layer fails with `mat1 and mat2 shapes cannot be multiplied (8x32 and
# 16x3)`. What does `layer.weight.shape` print for that layer?
#
# - [ ] `torch.Size([16, 3])`
# - [x] `torch.Size([3, 16])`
# - [ ] `torch.Size([8, 32])`
# - [ ] `torch.Size([32, 16])`
#
# Why: `mat2` is the transpose of the weight. `nn.Linear(16, 3)` stores one row of 16
# weights per output, a (3, 16) tensor, and multiplies the input by its transpose, (16, 3).
#
# The fix is to make the layers agree. The output width of each layer must equal the input
# width of the next:

# %%
torch.manual_seed(SEED)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3)).to(DEVICE)
logits = model(x)
print("logits:", tuple(logits.shape))
assert logits.shape == (8, 3)

# %% [markdown]
# ## Mistake 2: a dtype mismatch
#
# A new session, a new batch. This time we convert the NumPy array the short way, with
# `torch.from_numpy`, which keeps the array's number type.

# %% tags=["raises-exception"]
x64 = torch.from_numpy(measurements).to(DEVICE)

with fails_on_purpose(RuntimeError) as dtype_failure:
    logits = model(x64)

# %% [markdown]
# **The last line:** `mat1 and mat2 must have the same dtype, but got Double and Float`.
# Every tensor has a *dtype*, the kind of number it stores. "Float" is 32-bit floating
# point, PyTorch's default for parameters; "Double" is 64-bit floating point, **NumPy's
# default**. `load_wine` returns float64 measurements, `from_numpy` faithfully kept them,
# and the layer's float32 weights refuse to multiply with them. (On a GPU, or in another
# version of PyTorch, the wording can differ a little, but it names the same two types.
# PyTorch does not convert silently here because a silent conversion would either waste
# memory and time or lose precision, and it cannot know which you want.)
#
# **Up to our code:** the line `logits = model(x64)`; the route again ends in `linear.py`.
# The first layer is where the float64 data meets a float32 weight.
#
# The fix is to convert once, where data enters PyTorch, and to check dtypes when in doubt:

# %%
print(
    "NumPy array:",
    measurements.dtype,
    "| from_numpy:",
    x64.dtype,
    "| model weights:",
    model[0].weight.dtype,
)
x32 = torch.from_numpy(measurements).float().to(DEVICE)
logits = model(x32)
assert logits.dtype == torch.float32
assert "same dtype" in str(dtype_failure.error)
if DEVICE.type == "cpu":
    assert "mat1 and mat2 must have the same dtype, but got Double and Float" in str(
        dtype_failure.error
    )

# %% [markdown]
# The labels have a dtype rule of their own: `F.cross_entropy` wants class *indices* as
# integers (`torch.int64`, called Long). Passing them as floats fails too, or, if the float
# tensor happens to have the same shape as the logits, is read as class *probabilities*,
# which is a different loss altogether. Both halves of that sentence are easy to check:

# %%
float_labels_error = "(nothing was raised)"
try:
    F.cross_entropy(logits, y.float())  # float class numbers, shape (8,)
except RuntimeError as error:
    float_labels_error = str(error)
    print("float labels:", float_labels_error)
as_probabilities = F.cross_entropy(logits, F.one_hot(y, 3).float())  # shape (8, 3): accepted
print(f"one-hot float targets are read as probabilities: loss {as_probabilities.item():.2f}")
assert "Long" in float_labels_error
assert torch.isclose(as_probabilities, F.cross_entropy(logits, y))  # one-hot = the same classes

# %% [markdown]
# A one-hot float target happens to give the same loss as the class indices, because it
# puts all the probability on the right class. Any other float tensor of shape (8, 3) would
# be accepted just as quietly, and mean something else. When you build targets by hand,
# check `y.dtype` as well as `y.shape`.
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
x_cpu = torch.tensor(measurements, dtype=torch.float32)  # created on the CPU and never moved
model_elsewhere = nn.Linear(13, 3).to(elsewhere)

with fails_on_purpose(RuntimeError) as device_failure:
    logits = model_elsewhere(x_cpu)

# %% [markdown]
# **The last line**, on a machine with a GPU, reads in recent versions of PyTorch
# something like `Expected all tensors to be on the same device, but got mat1 is on cpu,
# different from other tensors on cuda:0 (when checking argument in method
# wrapper_CUDA_addmm)`: it even names the argument that disagreed, `mat1`, the input. Older versions say `... but found
# at least two devices, cuda:0 and cpu!`. With the meta device it reads `Tensor on device
# meta is not on the expected device cpu!`. Either way the words to look for are *device*
# and two device names.
#
# **Up to our code:** the call `model_elsewhere(x_cpu)`. The model's parameters are on one
# device, the input on another. If you ran this on the CPU, notice how long the route is:
# for the meta device PyTorch works out results with Python code, so more than a dozen
# frames from `torch/_decomp`, `torch/_prims`, `torch/_refs` and their helpers appear
# between `linear.py` and the last line (the code below counts them). None of them needs
# reading. The bottom line and your own line tell the whole story. In a real training
# loop, the line to look at is where the batch comes out of the data loader: that is where
# the `.to(DEVICE)` was forgotten.

# %%
frames = traceback.extract_tb(device_failure.error.__traceback__)
internal = [f for f in frames if "torch/_" in f.filename.replace("\\", "/")]
print(f"{len(frames)} frames in the traceback, {len(internal)} of them in torch/_* modules")
print("last line:", device_failure.error)
assert "device" in str(device_failure.error)
if elsewhere.type == "meta":
    assert "Tensor on device meta is not on the expected device cpu!" in str(device_failure.error)
    assert len(internal) > 12

# %% [markdown]
# The fix is to move the data to where the model is. A robust idiom asks the model itself
# where its parameters live, so the same code works on any machine:


# %%
def predict(model, batch):
    device_of_model = next(model.parameters()).device
    return model(batch.to(device_of_model))


for m in [model_elsewhere, model]:
    out = predict(m, x_cpu)
    print(f"model on {next(m.parameters()).device}: input moved there, output {tuple(out.shape)}")
    assert out.shape == (8, 3) and out.device == next(m.parameters()).device

# %% [markdown]
# (Without a GPU, the first line is the meta-device model: its output has the right shape
# but holds no values, which is all the meta device ever promises.)
#
# Quick check: a model is on the GPU and `batch` is on the CPU. Which line fixes the call
# `model(batch)`?
#
# - [ ] `out = model(batch).to(DEVICE)`
# - [x] `out = model(batch.to(next(model.parameters()).device))`
# - [ ] `out = model(batch.float())`
#
# Why: the input has to be on the device of the model's parameters before the call;
# `next(...).device` asks the model where that is. Moving the output afterwards comes too
# late, since the call itself fails, and changing the dtype does not move anything.

# %% [markdown]
# ## The worst mistake raises nothing
#
# The three errors above were *helpful*: PyTorch refused to continue and told us why. The
# mistakes that cost days are the ones where the shapes happen to be compatible with a
# different meaning. The classic is **broadcasting** by accident. Suppose we predict each
# wine's alcohol content (in % by volume) from its 12 other measurements, with a linear
# model that outputs one number per wine, shape (8, 1), while the targets have shape (8,).
# Subtracting them does not fail: broadcasting stretches both to (8, 8) and subtracts every
# target from every prediction.

# %%
features = wine.data.astype(np.float32)
others = (features[:, 1:] - features[:, 1:].mean(axis=0)) / features[:, 1:].std(axis=0)
inputs = torch.tensor(others, device=DEVICE)  # 178 wines, 12 standardised measurements
alcohol = torch.tensor(features[:, 0], device=DEVICE)  # 178 alcohol contents

torch.manual_seed(SEED)
regressor = nn.Linear(12, 1).to(DEVICE)
prediction = regressor(inputs[pick])  # shape (8, 1)
target = alcohol[pick]  # shape (8,)

wrong_loss = ((prediction - target) ** 2).mean()  # (8, 1) - (8,) -> (8, 8): no error!
right_loss = ((prediction[:, 0] - target) ** 2).mean()  # (8,) - (8,) -> (8,)
print("shape of the difference:", tuple((prediction - target).shape))
print(
    f"loss with the silent bug: {wrong_loss.item():.3f}  |  correct loss: {right_loss.item():.3f}"
)
p = prediction[:, 0]
covariance = ((p - p.mean()) * (target - target.mean())).mean()
gap = (wrong_loss - right_loss).item()
print(f"gap {gap:.4f}; twice the covariance of predictions and targets {2 * covariance.item():.4f}")
assert (prediction - target).shape == (8, 8)
assert abs(gap - 2 * covariance.item()) < 1e-3
assert abs(gap) < 0.01 * right_loss.item()  # the two losses agree to within one percent

# %% [markdown]
# Nothing says which number is right, and they agree to within one percent. Multiply out the squares and the
# gap between them turns out to be exactly twice the covariance of the predictions with the
# targets: the correct loss rewards predictions that rise and fall with their own targets,
# the buggy one cannot tell whose target is whose. An untrained model's predictions have
# almost nothing to do with the targets, so the gap is tiny, and with another seed it may
# even change sign. What a model trained on the
# wrong loss learns is easy to work out: averaging $(p_i - t_j)^2$ over every pair of
# prediction $i$ and target $j$ is smallest when every prediction equals the *average* of
# all the targets, whatever the wine. Let us train the same linear model on all 178 wines
# twice, once with each loss, and see whether that really happens.


# %%
def fit(loss_fn, steps=200, lr=0.3):
    torch.manual_seed(SEED)
    model = nn.Linear(12, 1).to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = loss_fn(model(inputs), alcohol)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return model(inputs)[:, 0]


buggy = fit(lambda p, t: ((p - t) ** 2).mean())  # (178, 1) - (178,) -> (178, 178)
correct = fit(lambda p, t: ((p[:, 0] - t) ** 2).mean())
for name, pred in [("silent bug", buggy), ("correct loss", correct)]:
    rmse = ((pred - alcohol) ** 2).mean().sqrt().item()
    print(
        f"{name:>12}: predictions from {pred.min().item():.2f} to {pred.max().item():.2f} % vol, "
        f"RMSE {rmse:.2f}"
    )
rmse_buggy = ((buggy - alcohol) ** 2).mean().sqrt().item()
rmse_correct = ((correct - alcohol) ** 2).mean().sqrt().item()
print(f"average alcohol {alcohol.mean().item():.2f} % vol, spread (std) {alcohol.std().item():.2f}")
assert buggy.std().item() < 0.01 and abs(buggy.mean().item() - alcohol.mean().item()) < 0.05
assert abs(rmse_buggy - alcohol.std(correction=0).item()) < 0.01  # no better than the mean
assert round(alcohol.mean().item(), 1) == 13.0
assert rmse_correct < rmse_buggy * 2 / 3  # the correct loss cuts the error by over a third

# %% [markdown]
# With the bug, the loss went down and training raised nothing, yet every wine gets the
# same prediction, the average alcohol content of 13.0%: an error no better than always
# answering the average. The correct loss, with the same model, data and optimiser, cuts
# that error by more than a third. Nothing crashed; the results were simply poor, and you
# might have blamed the architecture or the learning rate. PyTorch's own `F.mse_loss`
# notices this case and prints a warning about mismatched sizes, one more reason to read
# warnings as carefully as errors:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    F.mse_loss(prediction, target)
print(caught[0].category.__name__, caught[0].message)
assert "different to the input size" in str(caught[0].message)

# %% [markdown]
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
#   shapes cannot be multiplied", not for "8x32 and 16x3"). Someone has almost certainly
#   met it before: the [PyTorch forums](https://discuss.pytorch.org/), the
#   [fast.ai forums](https://forums.fast.ai/) and the issue tracker of the library involved
#   are full of worked answers.
# - **When you ask for help**, include the full traceback and the smallest code that
#   reproduces it. Writing that small example very often reveals the answer on its own.
#
# ## Questions
#
# 1. In which order does Python list the frames of a traceback, and why does that make the
#    last line the best place to start reading?
#
#    Answer: Oldest call first: the first frame is the line you ran, the last one is the
#    code that finally raised. The last line therefore holds the exception type and the
#    message written at the point of failure, with the exact shapes, dtypes or devices
#    involved, which is the most specific information in the whole traceback.
#
# 2. In `mat1 and mat2 shapes cannot be multiplied (8x32 and 16x3)`, what does each of
#    the four numbers refer to in our model?
#
#    Answer: 8 is the batch size and 32 the number of features arriving at the last layer
#    (the output width of `Linear(13, 32)`): that is `mat1`, the input. 16 and 3 describe
#    `mat2`, the transpose of the last layer's weight: the layer `Linear(16, 3)` expects 16
#    inputs and produces 3 outputs, and its weight is stored as (3, 16). The product fails
#    because 32 ≠ 16.
#
# 3. Why did `torch.from_numpy(measurements)` produce a float64 tensor, and which two ways
#    of converting avoid the problem?
#
#    Answer: `load_wine` returns a float64 array, NumPy's default, and `from_numpy` keeps
#    the array's dtype (it even shares its memory). Either convert after it,
#    `torch.from_numpy(measurements).float()`, or build the tensor with the dtype stated,
#    `torch.tensor(measurements, dtype=torch.float32)` (converting the array first with
#    `.astype(np.float32)` works too).
#
# 4. Why does PyTorch refuse to add a tensor on the GPU to a tensor on the CPU, instead of
#    moving one of them automatically?
#
#    Answer: A GPU computes on its own memory and cannot read the CPU's in the middle of
#    an operation, so one tensor would have to be copied. Copies between devices are slow,
#    and PyTorch cannot know which direction you want or whether the copy is an accident;
#    a silent copy on every step would hide a bug and could slow training down badly. An
#    error makes you decide once, where the data enters.
#
# 5. Why is the broadcasting bug in the last section more dangerous than the three errors
#    before it? Describe what a model trained with that loss would learn.
#
#    Answer: Nothing fails: the shapes are compatible, the loss is a number and it goes
#    down, so the bug can survive for days and be blamed on something else. The loss
#    compares every prediction with every target, so it is smallest when every prediction
#    equals the average target; the model we trained with it predicted 13.0% alcohol for
#    every wine, no better than the average, while the correct loss cut the error by more
#    than a third.
#
# 6. What would you print first if a line `out = layer(batch)` failed with an error
#    mentioning "Long"?
#
#    Answer: `batch.dtype` (and `layer.weight.dtype` beside it). "Long" is `torch.int64`:
#    the batch is an integer tensor, for instance made with `torch.tensor` from an integer
#    array, or the labels were passed instead of the inputs. A linear layer then reports
#    `mat1 and mat2 must have the same dtype, but got Long and Float`; convert with
#    `.float()` where the data enters.
#
# ## Further research
#
# - Make three more mistakes on purpose and read their tracebacks: call `F.cross_entropy`
#   with labels of shape (8, 1); call `nn.Linear(13, 3)` on a batch of integer
#   measurements; and call `nn.Conv1d(1, 4, 3)` on the (8, 13) batch instead of an
#   (8, 1, 13) one. For each, write one sentence saying what the last line means.
# - Find the `register_forward_hook` method of `nn.Module` in the PyTorch documentation
#   and use it to print the output shape of every layer of a model automatically. Try it
#   on the wine classifier from this page.
