# ---
# title: "Convolutions: from sliding loops to im2col to nn.Conv2d"
# summary: Train a small CNN on digits that survives shifted images where dense models fail, then build convolution from loops and from im2col, check it against F.conv2d, and look at what the filters learned.
# stage: 3
# kind: lesson
# minutes: 60
# device: auto
# resources: [dive-into-deep-learning, nyu-deep-learning, mit-6s191, pytorch-tutorials, deeplearning-ai-specialization]
# prerequisites: [stage-2/07-tensors-and-matmul, stage-3/11-training-loop-opened]
# data: []
# aliases: [stage-3/10-convolutions]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Convolutions: from sliding loops to im2col to `nn.Conv2d`
#
# The networks so far treated an image as a list of 64 unrelated numbers. Shuffle the
# pixels the same way in every image and a dense network would learn exactly as well: it
# has no idea that pixel 10 sits next to pixel 11. That is wasteful, because images have
# structure. Nearby pixels belong together, and a stroke means the same thing wherever it
# appears. A *convolution* builds both facts into the layer: it looks at small
# neighbourhoods, and it uses the same weights at every position.
#
# We start with the payoff: a small convolutional network (CNN) on the 8×8 digits,
# compared with a linear model and an MLP, first on the ordinary test set and then on the
# same test digits moved by a single pixel, which is where the difference shows. Then we
# open the layer up. We write a convolution as explicit loops, then as one matrix product
# over unfolded patches ("im2col", the trick most libraries use), check both against
# `F.conv2d`, verify the property that explains the shift result, and finally look at
# the filters and feature maps the network learned.
#
# **Runtime:** about 15 s on a laptop CPU.

# %%
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # small model: one CPU thread is fastest and steadiest
print("device:", DEVICE)

# %% [markdown]
# ## Data, and a harder test set
#
# This time we keep the images as images: a tensor of shape (N, 1, 8, 8), batch ×
# channels × height × width, the layout every PyTorch vision layer expects. Pixel values
# are scaled to [0, 1].
#
# Besides the usual held-out test set we build a *shifted* copy of it: every test image
# moved one pixel up, down, left or right (chosen at random), with blank pixels filling
# in. To a person these are the same digits. To a model that has memorised "pixel 27 is
# dark for a zero" they are not.

# %% alt="Eight test digits in the top row and the same digits each moved one pixel up, down, left or right in the bottom row: every shifted digit is still easy to read, with a blank row or column on one side"
digits = load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    digits.images / 16.0, digits.target, test_size=0.25, random_state=SEED, stratify=digits.target
)
Xtr = torch.tensor(X_train, dtype=torch.float32, device=DEVICE)[:, None]  # (1347, 1, 8, 8)
Xte = torch.tensor(X_test, dtype=torch.float32, device=DEVICE)[:, None]  # (450, 1, 8, 8)
ytr = torch.tensor(y_train, device=DEVICE)
yte = torch.tensor(y_test, device=DEVICE)


def shift(img, dy, dx):
    """Move an (..., H, W) image by (dy, dx) pixels, filling with zeros."""
    out = torch.zeros_like(img)
    H, W = img.shape[-2:]
    out[..., max(dy, 0) : H + min(dy, 0), max(dx, 0) : W + min(dx, 0)] = img[
        ..., max(-dy, 0) : H + min(-dy, 0), max(-dx, 0) : W + min(-dx, 0)
    ]
    return out


moves = [(1, 0), (-1, 0), (0, 1), (0, -1)]
Xte_shifted = torch.stack([shift(img, *moves[rng.integers(4)]) for img in Xte])
assert len(Xtr) == 1347 and len(Xte) == 450

fig, axes = plt.subplots(2, 8, figsize=(9, 2.6))
for i in range(8):
    axes[0, i].imshow(Xte[i, 0].cpu(), cmap="gray_r")
    axes[1, i].imshow(Xte_shifted[i, 0].cpu(), cmap="gray_r")
    axes[0, i].set_title(str(y_test[i]))
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("test")
axes[1, 0].set_ylabel("shifted")
plt.show()

# %% [markdown]
# ## The working result: a small CNN against dense baselines
#
# The CNN has three convolution layers with 3×3 filters. `padding=1` adds a border of
# zeros so that each layer keeps the image size; `MaxPool2d(2)` halves the resolution by
# keeping the largest value in each 2×2 block; and at the end `AdaptiveMaxPool2d(1)`
# keeps, for each of the 64 feature channels, only its largest value *anywhere* in the
# image. That last step throws away where a feature was found and keeps only whether it
# was found, remember it for the shifted test.
#
# The baselines are trained with exactly the same loop (Adam, mini-batches of 64, 12
# epochs, each model with a learning rate that suits it): a linear model on the 64
# pixels, and an MLP with a hidden layer of 128 units. And, as always, the majority class.


# %%
def make_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3, padding=1),  # (N, 32, 8, 8)
        nn.ReLU(),
        nn.Conv2d(32, 32, kernel_size=3, padding=1),  # (N, 32, 8, 8)
        nn.ReLU(),
        nn.MaxPool2d(2),  # (N, 32, 4, 4)
        nn.Conv2d(32, 64, kernel_size=3, padding=1),  # (N, 64, 4, 4)
        nn.ReLU(),
        nn.AdaptiveMaxPool2d(1),  # (N, 64, 1, 1): strongest response anywhere
        nn.Flatten(),
        nn.Linear(64, 10),
    )


def make_linear():
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 10))


def make_mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def fit(model, lr, epochs=12, batch_size=64, seed=SEED):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(len(Xtr), generator=generator).to(DEVICE)
        for i in range(0, len(Xtr), batch_size):
            idx = order[i : i + batch_size]
            loss = F.cross_entropy(model(Xtr[idx]), ytr[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


def accuracy(model, X, y):
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


results = {}
models = {}
for name, make, lr in (
    ("linear", make_linear, 0.05),
    ("MLP", make_mlp, 0.01),
    ("CNN", make_cnn, 0.003),
):
    torch.manual_seed(SEED)
    models[name] = fit(make().to(DEVICE), lr=lr)
    n_params = sum(p.numel() for p in models[name].parameters())
    results[name] = (accuracy(models[name], Xte, yte), accuracy(models[name], Xte_shifted, yte))
    print(f"{name:>6}: {n_params:6d} parameters")

majority = torch.bincount(ytr).argmax()
acc_majority = (yte == majority).float().mean().item()
print(f"\n{'model':>8} {'test':>7} {'shifted':>8}")
print(f"{'majority':>8} {acc_majority:7.3f} {acc_majority:8.3f}")
for name, (clean, shifted) in results.items():
    print(f"{name:>8} {clean:7.3f} {shifted:8.3f}")

# %% [markdown]
# On the ordinary test set everything that learns does well, and the three models are
# within a few points of each other (the printout gives this run's spread; over the seeds
# we tried it never exceeded about three points, a dozen digits or so out of 450): too
# few to rank them reliably, and a different seed does change the order. The shifted test set separates
# them. Moving each digit by one pixel cuts the accuracy of the linear model and the MLP
# roughly in half, because every one of their weights is tied to one absolute pixel
# position. The CNN keeps about three quarters of its accuracy, although it never saw a
# shifted digit during training.

# %%
acc_cnn, acc_cnn_shifted = results["CNN"]
acc_lin, acc_lin_shifted = results["linear"]
acc_mlp, acc_mlp_shifted = results["MLP"]
clean = [acc_lin, acc_mlp, acc_cnn]
print(f"CNN vs majority baseline: +{100 * (acc_cnn - acc_majority):.0f} points")
print(f"spread of the three models on the test set: {100 * (max(clean) - min(clean)):.1f} points")
print(f"CNN vs MLP on shifted digits:  +{100 * (acc_cnn_shifted - acc_mlp_shifted):.0f} points")

assert acc_cnn - acc_majority > 0.8
assert min(clean) > 0.93 and max(clean) - min(clean) < 0.06  # all good, close together
assert acc_lin_shifted / acc_lin < 0.6 and acc_mlp_shifted / acc_mlp < 0.6  # about halved
assert 0.3 < acc_lin_shifted < 0.6 and 0.3 < acc_mlp_shifted < 0.6
assert acc_cnn_shifted > 0.65 * acc_cnn  # the CNN keeps about three quarters
assert acc_cnn_shifted > acc_mlp_shifted + 0.15
assert acc_cnn_shifted > acc_lin_shifted + 0.15

# %% alt="Bar chart of accuracy for the linear model, the MLP and the CNN: on the test set all three are between about 0.95 and 0.99; on digits shifted by one pixel the linear model and the MLP fall to between 0.4 and 0.5, while the CNN keeps about 0.75 to 0.8; a dashed majority baseline sits at 0.10"
fig, ax = plt.subplots(figsize=(6.5, 3.8))
names = list(results)
pos = np.arange(len(names))
ax.bar(pos - 0.2, [results[n][0] for n in names], width=0.4, label="test set")
ax.bar(pos + 0.2, [results[n][1] for n in names], width=0.4, label="shifted by one pixel")
ax.axhline(acc_majority, color="gray", linestyle="--", label="majority baseline")
ax.set_xticks(pos, names)
ax.set_ylabel("accuracy")
ax.set_ylim(0, 1)
ax.set_title("Dense models memorise positions; the CNN does much less so")
ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# Let's find out what the convolution layer does that makes this possible.
#
# ## What a convolution computes
#
# A convolution layer holds a small stack of filters. Each filter is a $C \times k
# \times k$ block of weights ($C$ input channels, $k = 3$ here). To produce output
# channel $o$ at position $(i, j)$, lay filter $o$ over the $k\times k$ neighbourhood of
# the input whose top-left corner is $(i, j)$, multiply the overlapping numbers, add them
# all up and add a bias:
#
# $$\text{out}[o, i, j] = b_o + \sum_{c=1}^{C}\sum_{u=0}^{k-1}\sum_{v=0}^{k-1}
#     x[c,\, i+u,\, j+v]\; w[o, c, u, v].$$
#
# Then slide to the next position and repeat. (Mathematicians would flip the filter and
# call this a cross-correlation; deep learning calls it convolution, and since the
# filters are learned the flip makes no difference.) With padding $p$ and stride $s$, an
# $H$-pixel input gives $\lfloor (H + 2p - k)/s \rfloor + 1$ output pixels.
#
# Quick check: an 8×8 image goes through a 3×3 convolution with no padding and stride 2.
# How many output pixels does each row have?
#
# Answer: 3
#
# Why: $\lfloor (8 + 0 - 3)/2 \rfloor + 1 = \lfloor 2.5 \rfloor + 1 = 3$: the filter fits
# at columns 0, 2 and 4, and a step to column 6 would run off the edge.
#
# The most literal code loops over images, output channels and positions, and does the
# sum over the neighbourhood with one element-wise product, exactly like the
# "element-wise" matrix product of the tensors lesson.


# %%
def conv2d_loops(x, w, b, padding=0):
    """Convolution straight from the definition. x: (N, C, H, W), w: (O, C, k, k), b: (O,)."""
    N, C, H, W = x.shape
    n_out, _, k, _ = w.shape
    xp = F.pad(x, (padding, padding, padding, padding))
    H_out, W_out = H + 2 * padding - k + 1, W + 2 * padding - k + 1
    out = torch.empty(N, n_out, H_out, W_out, dtype=x.dtype, device=x.device)
    for n in range(N):
        for o in range(n_out):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, o, i, j] = (xp[n, :, i : i + k, j : j + k] * w[o]).sum() + b[o]
    return out


# %% [markdown]
# Before any learning, we can design filters by hand to see what a convolution is good
# for. A filter with positive weights on its left column and negative ones on its right
# computes "ink on the left minus ink on the right": it is large where a stroke ends as
# you move rightwards, strongly negative where one begins, and zero on flat regions, both
# blank and solid. It is a vertical-edge detector (the classic Sobel filter). Its
# transpose finds horizontal edges. Here they are on a test digit.

# %% alt="A test digit and two 3 by 3 edge filters with their output maps in red and blue: the vertical-edge map is blue along the left side of each upright stroke and red along its right side; the horizontal-edge map is blue above the horizontal strokes and red below them"
vertical = torch.tensor([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
edge_filters = torch.stack([vertical, vertical.T])[:, None].to(DEVICE)  # (2, 1, 3, 3)
edge_maps = conv2d_loops(Xte[:1], edge_filters, torch.zeros(2, device=DEVICE), padding=1)
print("input", tuple(Xte[:1].shape), "-> output", tuple(edge_maps.shape))

fig, axes = plt.subplots(1, 5, figsize=(11, 2.6))
panels = [
    (Xte[0, 0], "input digit", "gray_r"),
    (edge_filters[0, 0], "vertical-edge filter", "RdBu_r"),
    (edge_maps[0, 0], "vertical edges", "RdBu_r"),
    (edge_filters[1, 0], "horizontal-edge filter", "RdBu_r"),
    (edge_maps[0, 1], "horizontal edges", "RdBu_r"),
]
for ax, (img, title, cmap) in zip(axes, panels, strict=True):
    limit = img.abs().max().item()
    ax.imshow(img.cpu(), cmap=cmap, vmin=-limit if cmap == "RdBu_r" else 0, vmax=limit)
    ax.set_title(title, fontsize=9)
    ax.axis("off")
plt.show()
assert edge_maps.shape == (1, 2, 8, 8)

# %% [markdown]
# In the vertical-edge map, blue runs along the left side of each vertical stroke (ink
# begins) and red along its right side (ink ends); the horizontal-edge map does the same
# for the top and bottom of horizontal strokes, with red below ink and blue above it.
# A CNN's first layer learns filters of this kind by itself, and later layers combine
# their outputs into detectors for larger shapes.
#
# ## im2col: a convolution is a matrix product
#
# The loops are slow for the same reason the triple-loop matrix product was: many tiny
# operations, each paying Python's overhead. The standard fix is to rearrange the input
# so that the whole convolution becomes *one* matrix product:
#
# 1. For every output position, cut out the $C\times k\times k$ patch it looks at and
#    flatten it into a column. With $L$ positions this gives a matrix of shape
#    $(C k^2) \times L$ per image: "image to columns", *im2col*.
# 2. Flatten each filter into a row, giving an $O \times (C k^2)$ matrix.
# 3. Multiply: $(O \times Ck^2)(Ck^2 \times L) = O \times L$, one row per output channel,
#    one column per position. Reshape to $O \times H_{out} \times W_{out}$.
#
# Cutting out patches position by position would bring the loops back. Instead we loop
# over the $k^2$ *offsets* inside the filter: for offset $(u, v)$, the pixels that all
# patches see at that offset form one shifted slice of the padded image. Nine slices, no
# loop over positions. PyTorch provides this operation as `F.unfold`; we build it
# ourselves and check that they agree.


# %%
def im2col(x, k, padding=0):
    """(N, C, H, W) -> (N, C*k*k, L) with one column per output position."""
    N, C, H, W = x.shape
    xp = F.pad(x, (padding, padding, padding, padding))
    H_out, W_out = H + 2 * padding - k + 1, W + 2 * padding - k + 1
    slices = [xp[:, :, u : u + H_out, v : v + W_out] for u in range(k) for v in range(k)]
    cols = torch.stack(slices, dim=2)  # (N, C, k*k, H_out, W_out), channel-major like F.unfold
    return cols.reshape(N, C * k * k, H_out * W_out)


def conv2d_im2col(x, w, b, padding=0):
    N, C, H, W = x.shape
    n_out, _, k, _ = w.shape
    H_out, W_out = H + 2 * padding - k + 1, W + 2 * padding - k + 1
    cols = im2col(x, k, padding)  # (N, C*k*k, L)
    out = w.reshape(n_out, -1) @ cols + b[:, None]  # (O, C*k*k) @ (N, C*k*k, L) -> (N, O, L)
    return out.reshape(N, n_out, H_out, W_out)


# Check everything in float64 on a random batch and random filters.
x = torch.randn(8, 3, 8, 8, dtype=torch.float64, device=DEVICE)
w = torch.randn(16, 3, 3, 3, dtype=torch.float64, device=DEVICE)
b = torch.randn(16, dtype=torch.float64, device=DEVICE)

assert torch.equal(im2col(x, 3, padding=1), F.unfold(x, kernel_size=3, padding=1))
reference = F.conv2d(x, w, b, padding=1)
for name, fn in (("loops", conv2d_loops), ("im2col", conv2d_im2col)):
    out = fn(x, w, b, padding=1)
    print(
        f"{name:>7}: shape {tuple(out.shape)}, max |diff| from F.conv2d {(out - reference).abs().max().item():.1e}"
    )
    assert torch.allclose(out, reference, rtol=1e-10, atol=1e-10)
assert torch.allclose(conv2d_im2col(x, w, b, padding=0), F.conv2d(x, w, b), rtol=1e-10, atol=1e-10)
print("our im2col equals F.unfold exactly; both convolutions match F.conv2d")
columns = im2col(x, 3, padding=1)
print(
    f"input {x.numel():,} numbers, im2col matrix {columns.numel():,}: {columns.numel() // x.numel()}x"
)
assert columns.numel() == 9 * x.numel()

# %% [markdown]
# The cost of im2col is memory: every pixel is copied into up to $k^2$ columns, nine
# times the input for 3×3 filters. In exchange the work lands in a matrix-multiplication
# routine that has been tuned for decades. Modern libraries (cuDNN on GPUs, oneDNN on
# CPUs) choose among im2col, direct methods, FFTs and Winograd transforms depending on
# the sizes, but the matrix-product view is the one to keep in mind. Here are the timings
# on this batch.


# %%
def best_time(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        if DEVICE.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        fn()
        if DEVICE.type == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t0)
    return best


timings = {
    "loops": best_time(lambda: conv2d_loops(x, w, b, padding=1), repeat=1),
    "im2col + @": best_time(lambda: conv2d_im2col(x, w, b, padding=1)),
    "F.conv2d": best_time(lambda: F.conv2d(x, w, b, padding=1)),
}
for name, seconds in timings.items():
    print(
        f"{name:>11}: {seconds * 1e3:9.3f} ms  ({timings['loops'] / seconds:8.0f}x faster than loops)"
    )
orders = np.log10(timings["loops"] / timings["im2col + @"])
print(f"im2col + @ is {orders:.1f} orders of magnitude faster than the loops")
assert orders > 2  # orders of magnitude, on any machine that is not badly overloaded

# %% [markdown]
# ## Why the CNN survived the shift: weight sharing and equivariance
#
# Two properties of the layer explain the result we started with.
#
# **Weight sharing.** A dense layer from an 8×8 image to 32 maps of 8×8 would need a
# separate weight for every (input pixel, output pixel, channel) triple: $64 \times 2048$
# weights. The convolution uses the same 3×3 filter everywhere: $32 \times 9$ weights plus
# 32 biases. Fewer parameters to learn from 1,347 images, and a built-in assumption that
# a pattern means the same thing wherever it appears.
#
# **Translation equivariance.** Because the same filter is applied at every position,
# shifting the input shifts the output by the same amount, and nothing else changes
# (except at the borders, where the padding zeros come in). In symbols,
# $\text{conv}(\text{shift}(x)) = \text{shift}(\text{conv}(x))$. The global max pool at
# the end of our CNN then discards the position altogether, so a shifted digit yields
# nearly the same features. Pooling layers in between and the borders make the invariance
# approximate, which is why the CNN still lost some accuracy. Let us verify equivariance
# on the trained network's first layer, away from the borders.

# %%
conv1 = models["CNN"][0]
dense_equivalent = (8 * 8) * (32 * 8 * 8) + 32 * 8 * 8
print(
    f"first conv layer: {sum(p.numel() for p in conv1.parameters())} parameters; "
    f"a dense layer with the same input and output sizes: {dense_equivalent:,}"
)

assert sum(p.numel() for p in conv1.parameters()) == 32 * 9 + 32
assert dense_equivalent == 64 * 2048 + 2048

with torch.no_grad():
    img = Xte[:16]
    a = conv1(shift(img, 1, 1))
    b_ = shift(conv1(img), 1, 1)
inner = (slice(None), slice(None), slice(2, 7), slice(2, 7))  # positions unaffected by the borders
print("max difference in the interior:", (a[inner] - b_[inner]).abs().max().item())
print("max difference over all positions:", (a - b_).abs().max().item())
assert torch.allclose(a[inner], b_[inner], rtol=1e-3, atol=1e-3)
assert (a - b_).abs().max() > 0.01  # at the borders the two differ

# %% [markdown]
# Quick check: you move an input image two pixels to the right. Away from the borders,
# what happens to the feature maps of the first convolution layer?
#
# - [ ] they stay the same
# - [x] they move two pixels to the right, otherwise unchanged
# - [ ] they change in a way that depends on the learned filters
#
# Why: the same filter is applied at every position, so every response moves with the
# pattern that caused it. That is equivariance; only the global max pool at the end
# turns it into (approximate) invariance.

# %% [markdown]
# ## What the network learned
#
# The 32 filters of the first layer are small enough to look at directly, each a 3×3
# patch of weights. After a short training run on tiny images they are rougher than
# textbook filters, but some show an oriented contrast, a positive side facing a negative
# side, like the edge filters we designed by hand, in various directions; others look
# like corners or spots.

# %% alt="The 32 learned 3 by 3 first-layer filters in a 4 by 8 grid, red positive and blue negative: rough patterns, several with a red side facing a blue side in different directions, others with a single strong corner or spot"
filters = conv1.weight.detach().cpu()[:, 0]  # (32, 3, 3)
fig, axes = plt.subplots(4, 8, figsize=(8, 4.4))
for ax, f in zip(axes.flat, filters, strict=True):
    limit = f.abs().max()
    ax.imshow(f, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.axis("off")
fig.suptitle("First-layer filters of the trained CNN (red positive, blue negative)")
plt.show()

# %% [markdown]
# The *feature maps* show what each filter finds in a particular image: the output of the
# first layer after the ReLU, one 8×8 map per filter. Bright regions are where the
# filter's pattern occurs. Every map is the same digit seen through a different detector;
# the next layers work on this stack instead of on raw pixels.

# %% alt="The first test digit and the 15 feature maps with the strongest responses, 8 by 8 each, bright where a filter responds: each map lights up a different part of the digit, some its left edges, some its right edges, some its horizontal strokes"
with torch.no_grad():
    maps = models["CNN"][1](conv1(Xte[:1]))[0].cpu()  # ReLU(conv1(x)): (32, 8, 8)
strongest = maps.amax(dim=(1, 2)).argsort(descending=True)[:15]
fig, axes = plt.subplots(2, 8, figsize=(10, 2.9))
axes[0, 0].imshow(Xte[0, 0].cpu(), cmap="gray_r")
axes[0, 0].set_title(f"input ({y_test[0]})", fontsize=8)
for ax, ch in zip(list(axes.flat)[1:], strongest.tolist(), strict=True):
    ax.imshow(maps[ch], cmap="magma")
    ax.set_title(f"filter {ch}", fontsize=8)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("Feature maps after the first convolution and ReLU (15 most active)")
plt.show()
assert maps.shape == (32, 8, 8) and (maps >= 0).all()

# %% [markdown]
# ## Summary
#
# - A convolution slides a small filter over the image, taking a weighted sum of each
#   neighbourhood; a layer has one filter per output channel, spanning all input
#   channels. Output size: $\lfloor (H + 2p - k)/s\rfloor + 1$.
# - Written as loops it is slow; im2col turns it into one matrix product. Both matched
#   `F.conv2d` to $10^{-10}$ in float64, and im2col was orders of magnitude faster than
#   the loops.
# - Weight sharing gives far fewer parameters and translation equivariance; with global
#   pooling, approximate invariance. On the test set our CNN, the linear model and the
#   MLP were within a few points of each other; on digits shifted by one pixel the CNN
#   kept about three quarters of its accuracy, the dense models about half.
# - Trained first-layer filters look like edge and stroke detectors.
#
# ## Questions
#
# 1. An input of shape (N, 3, 32, 32) goes through `nn.Conv2d(3, 16, kernel_size=5,
#    stride=1, padding=0)`. What is the output shape, and how many parameters does the
#    layer have?
#
#    Answer: (N, 16, 28, 28), since $\lfloor (32 + 0 - 5)/1 \rfloor + 1 = 28$. The layer
#    has 16 filters of 3 × 5 × 5 = 75 weights each plus 16 biases: 1,216 parameters.
#
# 2. Why did the linear model and the MLP lose over half their accuracy on digits shifted
#    by one pixel? Point to the weights responsible.
#
#    Answer: every weight of their first layer belongs to one absolute pixel position:
#    row $c$ of the linear model's weight matrix is a template of where class $c$'s ink
#    usually is. Moved by one pixel, the ink falls on pixels whose weights were tuned for
#    other strokes, often of other digits, so the evidence points the wrong way. The
#    linear model fell from about 0.96 to between 0.4 and 0.5, and the MLP likewise.
#
# 3. In im2col, what are the shapes of the column matrix and the filter matrix for our
#    second layer (32 input channels, 32 filters of 3×3, 8×8 input with padding 1)? How
#    much larger than the input is the column matrix?
#
#    Answer: each column holds one 32 × 3 × 3 patch, 288 numbers, and there are 64 output
#    positions, so the column matrix is 288 × 64 per image; the filter matrix is 32 × 288,
#    and their product is 32 × 64, reshaped to 32 × 8 × 8. The input has 32 × 64 = 2,048
#    numbers and the column matrix 18,432: nine times as many, one copy per filter offset.
#
# 4. What is the difference between translation *equivariance* and translation
#    *invariance*? Which parts of our CNN provide each?
#
#    Answer: equivariance means that shifting the input shifts the output by the same
#    amount, $f(\text{shift}(x)) = \text{shift}(f(x))$; invariance means the output does
#    not change at all, $f(\text{shift}(x)) = f(x)$. The convolutions and the ReLUs are
#    equivariant (away from the borders); `MaxPool2d(2)` is equivariant only for shifts
#    by an even number of pixels; the final `AdaptiveMaxPool2d(1)` keeps each channel's
#    largest response wherever it occurs, which makes the features it passes to the
#    linear layer approximately invariant.
#
# 5. Why did we check equivariance only away from the image borders?
#
#    Answer: at the borders the two orders of operations see different pixels. Shifting
#    first pushes a row and a column of the image out of the frame and brings zeros in,
#    and the filter then reads those zeros; convolving first uses the real pixels and
#    the padding, and the shift afterwards drops a row and a column of outputs and fills
#    zeros instead. With a 3 × 3 filter and a shift of (1, 1), rows and columns 2 to 6
#    are untouched by either effect, and there the maps agree exactly.
#
# 6. Why does it not matter that deep learning's "convolution" does not flip the filter?
#
#    Answer: a true convolution with filter $w$ equals a cross-correlation with $w$
#    flipped in both directions. The flip only rearranges the weights, and the weights
#    are learned: training would simply find the flipped filter. Both versions can
#    represent exactly the same functions.
#
# 7. Our hand-made vertical-edge filter gives positive and negative responses. What does
#    the ReLU after a learned filter do with the negative ones, and how can a network
#    still detect edges of both polarities?
#
#    Hint: think about what a second filter with all its weights negated would report.
#
#    Answer: the ReLU sets the negative responses to zero, so one filter reports only one
#    polarity, say "ink ends as you move right". A second filter with roughly the
#    opposite weights reports the other polarity, "ink begins", and later layers can
#    combine the two maps. With 32 filters the network has room to learn such pairs.
#
# ## Further research
#
# - Train the MLP with *data augmentation*: at every batch, shift each training image by
#   a random pixel offset. How close does it get to the CNN on the shifted test set, and
#   what does that tell you about what architecture and data each contribute? The lesson
#   on modern CNNs measures augmentation for a CNN, next to residual blocks and batch
#   normalization.
# - Implement the backward pass of a convolution with im2col: if $\text{out} =
#   W_{mat}\,\text{cols}$, the gradient with respect to the filters is
#   $d\text{out}\;\text{cols}^\top$, and the gradient with respect to the input needs the
#   inverse of im2col (`F.fold`). Check both against autograd in float64.
# - Replace the final `AdaptiveMaxPool2d(1)` by `Flatten` of the full 4×4 maps (adjusting
#   the linear layer). Measure accuracy on the test set and on shifted digits and explain
#   the difference. Then try shifts of two pixels.
