# ---
# title: "Tensors and matrix multiplication: from loops to @"
# summary: Classify digits with one matrix product, then rebuild that product from Python loops, broadcasting and BLAS, timing every step.
# stage: 2
# kind: lesson
# minutes: 40
# device: auto
# resources: [khan-academy-linear-algebra, 3blue1brown-linear-algebra, cs229-linear-algebra-review, fastai-computational-linear-algebra, deep-learning-book]
# prerequisites: [stage-1/01-digits]
# data: []
# aliases: [stage-2/06-tensors-and-matmul]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Tensors and matrix multiplication: from loops to `@`
#
# Almost everything a neural network does at run time is a matrix multiplication with
# a little decoration around it. A linear layer is one; a convolution is one in
# disguise (the convolutions lesson of stage 3 unmasks it); the attention in a
# transformer is two. If you understand what `A @ B` computes, why it is fast, and how a
# framework lines up the shapes for you, you understand the engine room of deep learning.
#
# We will follow the course's usual path and start with something that *works*: a
# handwritten-digit classifier whose only real computation is a single matrix
# product. Then we open it up. We write the product ourselves with three nested
# Python loops, remove the loops one at a time with element-wise operations and
# broadcasting, and end with the one-character operator `@`, on NumPy and on PyTorch.
# Every version is checked against the others, and every version is timed, so the
# speed-ups are numbers you measured rather than claims you were told.
#
# **Runtime:** about 5 s on a laptop CPU. Sizes are kept small on purpose so that the
# pure-Python loops finish quickly; the ratios you see grow with the size of the
# matrices. A GPU is used when one is present.

# %%
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
# Full float32 precision for matrix products, so results compare cleanly across devices.
torch.set_float32_matmul_precision("highest")
# One CPU thread: our matrices are small, and splitting tiny products across threads
# costs more in coordination than it saves (and makes timings erratic on a busy machine).
torch.set_num_threads(1)
print("device:", DEVICE)

# %% [markdown]
# ## The working result: one matrix product classifies digits
#
# scikit-learn ships a small data set of 1,797 handwritten digits, each an 8×8 image of
# grey levels from 0 to 16. We hold out a quarter of them for testing.
#
# The classifier is about as simple as a classifier can be: average all the training
# images of each digit to get ten "template" images, then label every test image with
# the digit whose template is closest. Closeness is the squared Euclidean distance,
# and here is the trick that turns it into a matrix product. For an image $x$ and a
# template $m$,
#
# $$\lVert x - m \rVert^2 = \lVert x \rVert^2 - 2\, x \cdot m + \lVert m \rVert^2 .$$
#
# The middle term is a dot product. Stack all test images as the rows of a matrix $X$
# (shape 450×64) and all templates as the rows of $M$ (shape 10×64): then *all*
# 4,500 dot products at once are the entries of $X M^\top$ (shape 450×10).

# %%
digits = load_digits()
X_all = digits.data.astype(np.float32)  # (1797, 64): each 8x8 image flattened
y_all = digits.target
X_train, X_test, y_train, y_test = train_test_split(
    X_all, y_all, test_size=0.25, random_state=SEED, stratify=y_all
)

Xtr = torch.tensor(X_train, device=DEVICE)
Xte = torch.tensor(X_test, device=DEVICE)
ytr = torch.tensor(y_train, device=DEVICE)
yte = torch.tensor(y_test, device=DEVICE)

templates = torch.stack([Xtr[ytr == c].mean(dim=0) for c in range(10)])  # (10, 64)
sq_dist = (
    (Xte**2).sum(dim=1, keepdim=True)  # (450, 1)
    - 2 * Xte @ templates.T  # (450, 10)  <- the matrix product
    + (templates**2).sum(dim=1)  # (10,)
)
pred = sq_dist.argmin(dim=1)
acc_templates = (pred == yte).float().mean().item()

# Baseline: always answer the most frequent digit of the training set.
majority = torch.bincount(ytr).argmax()
acc_majority = (yte == majority).float().mean().item()
print(f"majority-class baseline accuracy: {acc_majority:.3f}")
print(f"nearest-template accuracy:        {acc_templates:.3f}")
print(f"improvement: {100 * (acc_templates - acc_majority):.1f} percentage points")

assert 0.05 < acc_majority < 0.15  # "one in ten"
assert 0.8 < acc_templates < 0.99  # "about nine digits in ten"
assert 0.7 < acc_templates - acc_majority < 0.9  # "about 80 percentage points"

# %% [markdown]
# About nine digits in ten are right, against one in ten for the baseline that always
# says the most common digit. With ten balanced classes, guessing cannot do better than
# roughly 10 %, so the templates add about 80 percentage points. The exact figure depends
# on which 450 digits the seed puts in the test set: over the seeds we tried it ranged
# from about 86 % to 92 %, a reminder that one test set of a few hundred images measures
# accuracy to within a few points, not to the decimal printed. A trained network beats
# them in stage 3 (the training-loop lesson), and this number is the bar it has to clear.
#
# Let's look at the ten templates. They are the "average" of each digit, blurry where
# people write differently and sharp where they agree.

# %% alt="Ten small grey images, the average training image of each digit 0 to 9: each digit's shape is recognisable, sharp where writers agree and blurred where they differ"
fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
for c, ax in enumerate(axes):
    ax.imshow(templates[c].reshape(8, 8).cpu(), cmap="gray_r")
    ax.set_title(str(c))
    ax.axis("off")
fig.suptitle("Class templates: the mean training image of each digit", y=1.08)
plt.show()

# %% [markdown]
# That one `@` did almost all the work. The rest of the lesson takes it apart.
#
# ## What a tensor is
#
# A *tensor* is a rectangular block of numbers of one type, with a *shape*. A single
# number has shape `()` (rank 0), a vector has one axis, a matrix two, a batch of
# images three or four. Three properties travel with every PyTorch tensor and are
# worth printing whenever something surprises you:
#
# - `shape`: the size of each axis;
# - `dtype`: the number type (`float32` is the default for learning; `int64` for labels);
# - `device`: where the numbers live (`cpu` or `cuda`). Operations need their inputs on
#   the same device.
#
# The digits arrive as a rank-3 tensor of images; flattening each image gives the
# rank-2 matrix we used above. `reshape` does not copy data when it can avoid it: it
# gives a new *view* of the same memory, which is why it is cheap.

# %%
images = torch.tensor(digits.images, dtype=torch.float32, device=DEVICE)
print("images:", tuple(images.shape), images.dtype, images.device)
flat = images.reshape(len(images), -1)  # -1: "whatever size makes the count work"
print("flat:  ", tuple(flat.shape))
print("one pixel, row 3 col 4 of image 0:", images[0, 3, 4].item(), "=", flat[0, 3 * 8 + 4].item())
print("same memory?", flat.data_ptr() == images.data_ptr())

assert flat.shape == (1797, 64)
assert torch.equal(flat[0, 3 * 8 + 4], images[0, 3, 4])

# %% [markdown]
# ## Matrix multiplication with three loops
#
# The definition: if $A$ has shape $n \times k$ and $B$ has shape $k \times m$, then
# $C = AB$ has shape $n \times m$ and
#
# $$C_{ij} = \sum_{p=1}^{k} A_{ip} B_{pj}.$$
#
# Entry $(i, j)$ is the dot product of row $i$ of $A$ with column $j$ of $B$. The
# inner sizes must agree (both $k$) and they disappear from the result; the outer
# sizes survive. Written literally, that is three nested loops, $n \cdot m \cdot k$
# multiply-adds. We work on plain Python lists of floats so that nothing is hiding
# behind a library.
#
# Quick check: how many multiply-adds does the product of a 20×30 matrix and a 30×10
# matrix take?
#
# Answer: 6000
#
# Why: the result has 20 × 10 = 200 entries, and each is a sum of 30 products: 200 × 30.


# %%
def matmul_loops(a, b):
    """A @ B for lists of lists, straight from the definition."""
    n, k, m = len(a), len(b), len(b[0])
    assert len(a[0]) == k, "inner sizes must agree"
    c = [[0.0] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            total = 0.0
            for p in range(k):
                total += a[i][p] * b[p][j]
            c[i][j] = total
    return c


# A tiny example you can check by hand.
print(matmul_loops([[1, 2], [3, 4]], [[5, 6], [7, 8]]))  # [[19, 22], [43, 50]]
assert matmul_loops([[1, 2], [3, 4]], [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]

# %% [markdown]
# This is correct and painfully slow. Each `total += a[i][p] * b[p][j]` makes Python
# look up two lists, fetch two boxed float objects, create a new float object for the
# product and another for the sum. The arithmetic itself is a single machine
# instruction; everything around it is interpreter overhead. Our job from here on is to
# push the loops down into compiled code, one loop at a time.
#
# ## Removing the inner loop: element-wise operations
#
# NumPy and PyTorch arrays support *element-wise* arithmetic: `u * v` multiplies two
# arrays of the same shape entry by entry, in a loop written in C. The innermost loop
# above is exactly "multiply row $i$ by column $j$ entry by entry and add up", so it
# becomes `(a[i] * b[:, j]).sum()`.


# %%
def matmul_elementwise(a, b):
    n, m = a.shape[0], b.shape[1]
    c = np.zeros((n, m), dtype=a.dtype)
    for i in range(n):
        for j in range(m):
            c[i, j] = (a[i, :] * b[:, j]).sum()
    return c


# %% [markdown]
# ## Removing the middle loop: broadcasting
#
# The loop over `j` repeats the same operation for each column of `b`. *Broadcasting*
# lets us do all the columns at once. The rule, shared by NumPy and PyTorch:
#
# 1. Line the two shapes up from the **right**.
# 2. Two sizes are compatible if they are equal or one of them is 1.
# 3. A size-1 axis (or a missing axis on the left) is stretched to match the other,
#    without copying memory.
#
# Row `a[i]` has shape `(k,)`. Indexing it with `[:, None]` adds an axis and makes it a
# column of shape `(k, 1)`. Multiplying by `b`, shape `(k, m)`, stretches the column
# across all `m` columns: entry `(p, j)` of the product is `a[i, p] * b[p, j]`. Summing
# over axis 0 (the `p` axis) gives the whole row `i` of the result at once.

# %%
col = np.array([[1.0], [2.0], [3.0]])  # shape (3, 1)
row = np.array([10.0, 20.0])  # shape (2,) -> treated as (1, 2)
print("(3,1) * (2,) ->", (col * row).shape)
print(col * row)
assert (col * row).shape == (3, 2)


def matmul_broadcast_row(a, b):
    n, m = a.shape[0], b.shape[1]
    c = np.zeros((n, m), dtype=a.dtype)
    for i in range(n):
        c[i] = (a[i, :, None] * b).sum(axis=0)  # (k,1) * (k,m) -> (k,m) -> (m,)
    return c


# %% [markdown]
# Quick check: which pairs of shapes can be broadcast together? (Select all that apply.)
#
# - [ ] `(3, 4)` and `(3,)`
# - [x] `(3, 4)` and `(4,)`
# - [x] `(5, 1, 4)` and `(3, 1)`
# - [ ] `(2, 3)` and `(3, 2)`
#
# Why: line the shapes up from the right. `(4,)` meets the last axis, 4, and is
# stretched over the 3 rows. `(5, 1, 4)` against `(3, 1)` pairs 4 with 1 and 1 with 3,
# giving `(5, 3, 4)`. In the other two pairs the last axes are 4 against 3 and 3 against
# 2: neither equal nor 1.
#
# ## Removing the last loop
#
# We can push the same idea one step further: give `a` a trailing axis, `(n, k, 1)`, and
# `b` a leading one, `(1, k, m)`. Broadcasting produces an `(n, k, m)` block holding
# every product $A_{ip} B_{pj}$, and summing over the middle axis leaves $C$.
#
# No Python loop is left, but look at the cost: the intermediate block has
# $n \cdot k \cdot m$ entries. For two 1,000×1,000 matrices that is a billion floats,
# four gigabytes, just to throw them away after the sum. Broadcasting is the right tool
# for element-wise work; for matrix products there is something far better.


# %%
def matmul_broadcast_all(a, b):
    return (a[:, :, None] * b[None, :, :]).sum(axis=1)  # (n,k,1)*(1,k,m) -> (n,k,m) -> (n,m)


# %% [markdown]
# ## Reading a shape error
#
# Mistakes with shapes are the most common bug in deep learning code, and the error
# messages are precise once you know how to read them. Here we multiply a 3×4 matrix by
# another 3×4 matrix, forgetting to transpose the second one.

# %%
p = torch.ones(3, 4)
q = torch.ones(3, 4)
try:
    p @ q
except RuntimeError as err:
    message = str(err)
    print("RuntimeError:", message)
print("fixed with a transpose:", tuple((p @ q.T).shape))
assert "cannot be multiplied" in message

# %% [markdown]
# The message names both shapes (`3x4 and 3x4`): the inner sizes, 4 and 3, disagree.
# Whenever you see it, write the two shapes next to each other and ask which axis should
# be summed over; usually a `.T` or a `reshape` is missing.
#
# ## The real thing: `@`
#
# `a @ b` (NumPy) and `a @ b` (PyTorch) hand the whole product to a BLAS library such as
# OpenBLAS or MKL on the CPU, or to cuBLAS on a GPU. These libraries split the matrices
# into tiles that fit in the processor's caches, use vector instructions that do 8 or 16
# multiply-adds at once, and spread the work over cores. `torch.einsum` spells out the
# index formula of the definition ("`ik,kj->ij`": sum over the repeated index `k`) and
# usually dispatches to the same kernels.
#
# Before timing anything we check that all seven versions agree. The loops work in
# Python's 64-bit floats, the arrays in 32-bit ones, so we compare with a small
# tolerance rather than exact equality.


# %%
def as_lists(arr):
    return arr.astype(float).tolist()


def sync():
    """Wait for queued GPU work so that timings measure the computation itself."""
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def make_versions(a, b):
    """Each version of a @ b as a zero-argument function, inputs prepared in advance."""
    a_list, b_list = as_lists(a), as_lists(b)
    ta, tb = torch.tensor(a, device=DEVICE), torch.tensor(b, device=DEVICE)
    return {
        "python loops": lambda: matmul_loops(a_list, b_list),
        "element-wise": lambda: matmul_elementwise(a, b),
        "broadcast (1 loop)": lambda: matmul_broadcast_row(a, b),
        "broadcast (no loop)": lambda: matmul_broadcast_all(a, b),
        "numpy @": lambda: a @ b,
        "torch einsum": lambda: torch.einsum("ik,kj->ij", ta, tb),
        "torch @": lambda: ta @ tb,
    }


def to_numpy(result):
    if isinstance(result, torch.Tensor):
        return result.cpu().numpy()
    return np.asarray(result, dtype=np.float32)


a = rng.standard_normal((20, 30)).astype(np.float32)
b = rng.standard_normal((30, 10)).astype(np.float32)
reference = a @ b
assert len(make_versions(a, b)) == 7
for name, fn in make_versions(a, b).items():
    result = to_numpy(fn())
    assert result.shape == (20, 10), name
    assert np.allclose(result, reference, rtol=1e-4, atol=1e-4), name
    print(f"{name:>20}: matches numpy @ (max abs diff {np.abs(result - reference).max():.1e})")

# %% [markdown]
# ## Timing every version
#
# To time something reliably we run it several times and keep the *fastest* run: the
# slower runs were interrupted by something else on the machine, and the minimum is the
# best estimate of what the code itself costs. On the CPU we also read the processor time
# this program used (`time.process_time`) rather than the wall clock, so that time spent
# waiting while other programs run is not counted at all; on a busy machine that
# difference can be a factor of several. Very fast functions are run many times
# inside each measurement so the clock's resolution does not matter. On a GPU, work is
# queued asynchronously, so we must wait for it to finish (`torch.cuda.synchronize`)
# before reading the clock. At the top of the lesson we also limited PyTorch to one CPU
# thread: for products this small, waking a second thread and waiting for it costs more
# than it saves, and on a machine shared with other programs that wait can stretch to
# milliseconds. (For large matrices the opposite holds; try it in the research tasks.)
#
# We time square $n \times n$ products for a few sizes. Only small sizes are used so
# that the triple loop stays under a tenth of a second.


# %%
# Processor time of this program on the CPU; on a GPU the work runs elsewhere, so wall time.
clock = time.process_time if DEVICE.type == "cpu" else time.perf_counter


def best_time(fn, repeat=7, min_total=0.01):
    """Fastest time per call, in seconds, of fn() over `repeat` measurements."""
    sync()
    t0 = clock()
    fn()
    sync()
    once = clock() - t0
    number = max(1, int(min_total / max(once, 1e-7)))  # calls per measurement
    best = float("inf")
    for _ in range(repeat):
        sync()
        t0 = clock()
        for _ in range(number):
            fn()
        sync()
        best = min(best, (clock() - t0) / number)
    return best


sizes = [8, 16, 32, 64]
timings = {}  # name -> list of seconds, one per size
for n in sizes:
    a = rng.standard_normal((n, n)).astype(np.float32)
    b = rng.standard_normal((n, n)).astype(np.float32)
    for name, fn in make_versions(a, b).items():
        timings.setdefault(name, []).append(best_time(fn))

print(f"{'version':>20} " + " ".join(f"{f'n={n}':>10}" for n in sizes))
for name, ts in timings.items():
    print(f"{name:>20} " + " ".join(f"{t * 1e6:>8.1f}us" for t in ts))

# %% [markdown]
# Two plots tell the story. On the left, time against size on logarithmic axes. On such
# axes a cost that grows like $n^p$ is a straight line of slope $p$, so we fit a line to
# each version and print its slope. On the right, the speed-up of each version over the
# triple loop at the largest size.

# %% alt="Left: time per matrix product against matrix size on log-log axes for the seven versions; the Python triple loop is the steepest line and the highest, the element-wise and broadcast versions lie below it with shallower slopes, and numpy @ and torch @ are lowest and rise least. Right: horizontal bars of the speed-up over the triple loop at n = 64 on a log scale, from a few times for the element-wise version to a thousand or more for numpy @ and torch @"
speedup = {name: timings["python loops"][-1] / ts[-1] for name, ts in timings.items()}
slopes = {name: np.polyfit(np.log(sizes), np.log(ts), 1)[0] for name, ts in timings.items()}

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
for name, ts in timings.items():
    ax1.plot(sizes, ts, marker="o", label=name)
ax1.set_xscale("log", base=2)
ax1.set_yscale("log")
ax1.set_xlabel("matrix size n (n x n times n x n)")
ax1.set_ylabel("seconds per product")
ax1.set_title("Time per matrix product")
ax1.legend(fontsize=8)

names = list(speedup)
ax2.barh(names, [speedup[k] for k in names], color="tab:blue")
ax2.set_xscale("log")
ax2.set_xlabel(f"speed-up over python loops at n={sizes[-1]} (log scale)")
ax2.set_title("How much faster than three loops")
for i, k in enumerate(names):
    ax2.text(speedup[k], i, f" {speedup[k]:,.0f}x", va="center", fontsize=8)
ax2.invert_yaxis()
fig.tight_layout()
plt.show()

for name in names:
    print(
        f"{name:>20}: {speedup[name]:>9,.0f}x faster than python loops, "
        f"log-log slope {slopes[name]:.2f}"
    )
per_call = timings["element-wise"][0] / (2 * sizes[0] ** 2)  # two NumPy calls per entry
print(f"element-wise at n=8: {per_call * 1e6:.2f} us per call into NumPy")

# Timings move with whatever else the machine is doing: the bounds are wide on purpose,
# and still tell a cubic from a quadratic from a linear cost. Speed-ups and times are
# ratios, so they are compared on a log scale, where their spread between runs is even.
log_speedup = {name: np.log10(x) for name, x in speedup.items()}
torch_32_vs_8 = timings["torch @"][2] / timings["torch @"][0]
print(f"torch @: n=32 takes {torch_32_vs_8:.1f}x as long as n=8, for 64x the multiply-adds")
assert 2.2 < slopes["python loops"] < 3.8, slopes  # "close to 3"
assert 1.0 < slopes["element-wise"] < 3.0, slopes  # "about 2"
assert 0.4 < slopes["broadcast (1 loop)"] < 2.4, slopes  # "between 1 and 2"
assert log_speedup["numpy @"] > 2 and log_speedup["torch @"] > 2, speedup  # over 100x
assert speedup["broadcast (no loop)"] > 5, speedup
# BLAS stays ahead of broadcasting by a factor of three or more
assert log_speedup["numpy @"] - log_speedup["broadcast (no loop)"] > np.log10(3), speedup
assert speedup["element-wise"] < 5, speedup  # "barely beats"
assert log_speedup["broadcast (1 loop)"] > np.log10(5), speedup  # one loop less helps
assert np.log10(timings["element-wise"][0] / timings["python loops"][0]) > 0  # loses at n = 8
assert -7 < np.log10(per_call) < -5  # "roughly a microsecond": within ten times either way
assert max(slopes[k] for k in ("numpy @", "torch einsum", "torch @")) < 1.7, slopes
assert torch_32_vs_8 < 8  # 64x the work, a small fraction of the extra time

# %% [markdown]
# The fitted slopes say more than "loops are slow". The triple loop's slope is close to
# 3: all $n^3$ of its multiply-adds run in Python, so doubling $n$ multiplies its time by
# about eight. The element-wise version's slope is about 2: its Python loop runs $n^2$
# times, and at these sizes each iteration costs mostly the fixed price of two calls into
# NumPy (a multiply and a sum), hardly more for 64 numbers than for 8. The one-loop
# broadcast runs only $n$ Python iterations and its slope is lower still, between 1 and
# 2. The library products have the shallowest slopes, around 1 or below (a busy machine
# can push one a little higher): at these sizes
# they cost mostly the call itself, not the arithmetic. Make $n$ large enough and every
# version climbs towards slope 3, because the $n^3$ multiply-adds finally dominate.
#
# Exact times depend on your machine, but the ordering is robust, and we check only what
# holds anywhere: at $n = 64$ (a quarter of a million multiply-adds) handing the product
# to BLAS is at least a hundred times faster than the triple loop, and removing the loops
# with broadcasting already helps by a factor of more than five.
#
# The element-wise version deserves a second look: it barely beats the triple loop, and
# for the smallest matrices it loses. For every entry of the result it makes two calls
# into NumPy, a multiply and a sum, and each costs roughly a microsecond of bookkeeping:
# more, together, than the triple loop spends on an entry of an 8×8 product (eight
# multiply-adds in Python). Vectorising pays only when each call does a lot of work;
# that is what the broadcast versions achieve, and why their advantage grows with $n$.
#
# Notice also what happens at the smallest sizes: from $n = 32$ down to $n = 8$ the work
# shrinks 64-fold, yet `torch @` gets only a few times faster (the ratio is printed
# above). Every call to `torch` pays a
# fixed overhead of a microsecond or more (checking shapes, choosing a kernel, and on a
# GPU, launching it), which dwarfs an 8×8 product. This is why deep learning works in
# *batches*: one big product amortises the overhead that many small ones would pay again
# and again.
#
# Quick check: if the triple loop's slope were exactly 3, by what factor would its time
# grow from $n = 64$ to $n = 128$?
#
# Answer: 8
#
# Why: $(128/64)^3 = 2^3 = 8$: twice the rows, twice the columns and twice the terms in
# every sum.
#
# ## Back to the classifier: broadcasting versus the matrix product
#
# We can now read the classifier's distance computation with new eyes. The direct way
# to get all distances is broadcasting: `Xte[:, None, :] - templates[None, :, :]` has
# shape `(450, 10, 64)`: every test image minus every template. Squaring and summing the
# last axis gives the same `(450, 10)` distances as the expansion we used, which needs
# only the `(450, 10)` matrix product. Both must pick the same digit for every image.

# %%
direct = ((Xte[:, None, :] - templates[None, :, :]) ** 2).sum(dim=-1)  # (450, 10)
print("broadcast block shape:", tuple((Xte[:, None, :] - templates[None, :, :]).shape))
print("max relative difference:", ((direct - sq_dist).abs().max() / direct.abs().max()).item())
assert torch.equal(direct.argmin(dim=1), pred)
assert torch.allclose(direct, sq_dist, rtol=1e-4, atol=1e-1)

# %% [markdown]
# The two differ only by float rounding (the expansion subtracts large numbers, so it
# loses a few digits, which is harmless for picking the smallest).
#
# ## A neural network layer is a matrix product
#
# Here is the bridge to the rest of the course. PyTorch's `nn.Linear(64, 10)` holds a
# weight matrix $W$ of shape 10×64 and a bias vector $b$ of length 10, and for a batch
# $X$ of shape $N\times 64$ it computes $X W^\top + b$: one matrix product and one
# broadcast addition. Our template classifier is, in fact, a linear layer whose weights
# are $2M$ and whose biases are $-\lVert m \rVert^2$ (the $\lVert x \rVert^2$ term is
# the same for every class, so it cannot change the winner). Let's check that claim.

# %%
layer = torch.nn.Linear(64, 10).to(DEVICE)
with torch.no_grad():
    layer.weight.copy_(2 * templates)
    layer.bias.copy_(-(templates**2).sum(dim=1))
    scores = layer(Xte)
    assert torch.allclose(scores, Xte @ layer.weight.T + layer.bias, rtol=1e-5, atol=1e-3)

acc_layer = (scores.argmax(dim=1) == yte).float().mean().item()
print(f"linear layer with template weights: accuracy {acc_layer:.3f}")
assert acc_layer == acc_templates

# %% [markdown]
# Same accuracy, because it is the same computation. The only difference between this
# layer and a trained one is where the numbers in $W$ come from: here we set them by
# averaging; in the coming lessons gradient descent will *learn* them, and the learned
# ones do better.
#
# ## Summary
#
# - A tensor is numbers plus a shape, a dtype and a device; print all three when lost.
# - $C = AB$ sums over the shared inner axis; shapes $(n,k)(k,m)\to(n,m)$.
# - Broadcasting lines shapes up from the right and stretches size-1 axes; it removes
#   Python loops but can create large intermediate arrays.
# - `@` hands the work to a tuned library and beat our loops by orders of magnitude;
#   small products are dominated by fixed per-call overhead, which batching amortises.
# - A linear layer is `X @ W.T + b`.
#
# ## Questions
#
# 1. What are the shape, dtype and device of `digits.images` after we turned it into a
#    tensor, and what does `reshape(len(images), -1)` compute for the `-1`?
#
#    Answer: shape `(1797, 8, 8)`, dtype `torch.float32`, and device `cpu` (or `cuda`
#    when a GPU is present, since we passed `device=DEVICE`). The `-1` is inferred from
#    the element count: 1797 × 8 × 8 numbers split into 1797 rows leaves 64 per row.
#
# 2. If `A` has shape `(32, 784)` and `B` has shape `(784, 10)`, what is the shape of
#    `A @ B`, and how many multiply-adds does it take?
#
#    Answer: `(32, 10)`: the inner 784 is summed away. Each of the 320 entries sums 784
#    products, so 32 × 10 × 784 = 250,880 multiply-adds.
#
# 3. Using the broadcasting rule, what is the shape of `x + y` when `x` has shape
#    `(5, 1, 3)` and `y` has shape `(4, 1)`? Which pair of shapes would fail, and why?
#
#    Answer: aligned from the right, `(5, 1, 3)` meets `(4, 1)` as 3 against 1, 1 against
#    4, and 5 against a missing axis, so the result is `(5, 4, 3)`. A `y` of shape
#    `(4, 2)` would fail: its last axis, 2, is neither 3 nor 1.
#
# 4. Why does the fully broadcast version `(a[:, :, None] * b[None]).sum(1)` get slower
#    and hungrier for memory than `@` as the matrices grow, even though it has no Python
#    loop?
#
#    Answer: it writes every one of the $n \cdot k \cdot m$ products into an intermediate
#    array and reads them back to sum them, so its memory grows with the cube of the size
#    (4 GB for two 1,000×1,000 float32 matrices) and its speed is limited by memory
#    traffic. `@` never stores the products: BLAS accumulates them in registers, works
#    on tiles that stay in the caches and uses vector instructions, which is why it stayed
#    well ahead of the broadcast versions in the timing chart.
#
# 5. Why did we take the minimum of several timings rather than the mean, and why must
#    we call `torch.cuda.synchronize()` before reading the clock on a GPU?
#
#    Answer: other programs can only add time to a measurement, never remove it, so the
#    fastest run is the one least disturbed and the best estimate of the code's own cost;
#    a mean mixes in the interruptions. On a GPU, PyTorch queues kernels and returns at
#    once, so without synchronising we would time the queueing, not the product.
#
# 6. The template classifier ignores the term $\lVert x\rVert^2$. Explain why dropping
#    it cannot change any prediction.
#
#    Answer: for a given image $x$ it adds the same number to the distances to all ten
#    templates. Shifting all ten by the same amount leaves their order, and so the
#    `argmin`, unchanged; that is why the linear layer with weights $2M$ and biases
#    $-\lVert m \rVert^2$ matched the templates' accuracy exactly.
#
# 7. From $n = 32$ down to $n = 8$ the work of a product shrinks 64-fold, yet `torch @`
#    got hardly any faster. What fixed cost dominates there, and how does training in
#    batches avoid paying it often?
#
#    Answer: the cost of the call itself: crossing from Python into the library, checking
#    shapes, dtypes and devices, choosing a kernel, allocating the output and, on a GPU,
#    launching the kernel. A batch puts many examples into the rows of one matrix, so one
#    call (and one overhead) does the work of many, and the arithmetic dominates again.
#
# ## Further research
#
# - Extend the timing experiment to $n = 128, 256, 512$ for the vectorised versions only
#   (leave the triple loop out, or estimate it by extending its fitted line). At what
#   size does the GPU, if you have one, overtake the CPU? Plot GFLOP/s ($2n^3$
#   floating-point operations per product) instead of seconds.
# - Write a *blocked* matrix multiplication in NumPy: split both matrices into 16×16
#   tiles and multiply tile by tile with `@`. Check it against `a @ b`, then read about
#   why tiling helps caches in the matrix-multiplication lecture of the computational
#   linear algebra course.
# - Replace the mean templates with the first few principal components of each class
#   (a small subspace per digit) and classify by distance to the subspace. Does it beat
#   the mean templates, and which matrix products does it need?
