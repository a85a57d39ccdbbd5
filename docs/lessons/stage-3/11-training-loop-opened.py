# ---
# title: "The training loop, opened up: backpropagation by hand"
# summary: Train a small network on digits with nn.Module and an optimizer, then rewrite its forward pass, its backward pass and its update by hand and reproduce the same training run.
# stage: 3
# kind: lesson
# minutes: 60
# device: auto
# resources: [matrix-calculus-for-deep-learning, dive-into-deep-learning, pytorch-tutorials, deeplearning-ai-specialization, hinton-neural-networks-coursera]
# prerequisites: [stage-2/08-derivatives-and-chain-rule, stage-2/09-gradient-descent-softmax]
# data: []
# aliases: [stage-3/09-training-loop-opened]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The training loop, opened up: backpropagation by hand
#
# Every PyTorch training script you will ever read contains the same five lines: compute
# predictions, compute a loss, clear old gradients, call `backward()`, call
# `optimizer.step()`. They are so short that it is easy to treat them as an incantation.
# This lesson makes sure they are not.
#
# We begin with a complete, idiomatic training run: a two-layer network (a *multi-layer
# perceptron*, MLP) learning handwritten digits with `nn.Module`, a `DataLoader` and
# `torch.optim`, compared with the simple classifiers of stage 2. Then we remove the
# conveniences one at a time. The optimizer becomes one line of arithmetic. The model
# becomes four raw tensors. And `loss.backward()`, the most mysterious line, becomes a
# dozen lines of matrix calculus that we derive, check against autograd to at least
# twelve digits, and finally use to train the network with no autograd at all, reproducing the
# library's training run step for step.
#
# **Runtime:** about 15 s on a laptop CPU.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # small model: one CPU thread is fastest and steadiest
torch.set_float32_matmul_precision("highest")
print("device:", DEVICE)

# %% [markdown]
# ## Data
#
# The same 8×8 digits as before, with a quarter held out for testing. This time we
# *standardise* each pixel: subtract its training mean and divide by its training
# standard deviation plus one (the one keeps the always-blank corner pixels, whose
# deviation is zero, from causing a division by zero).
# The gradient descent lesson showed why: inputs on a common scale give the loss a
# rounder bowl, and gradient descent a larger safe step.

# %%
digits = load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    digits.data, digits.target, test_size=0.25, random_state=SEED, stratify=digits.target
)
mean, scale = X_train.mean(axis=0), X_train.std(axis=0) + 1.0
X_train, X_test = (X_train - mean) / scale, (X_test - mean) / scale

Xtr = torch.tensor(X_train, dtype=torch.float32)
Xte = torch.tensor(X_test, dtype=torch.float32, device=DEVICE)
ytr = torch.tensor(y_train)
yte = torch.tensor(y_test, device=DEVICE)
print("train", tuple(Xtr.shape), "test", tuple(Xte.shape))

# %% [markdown]
# ## The working result
#
# The model: 64 pixels in, a hidden layer of 128 units with a ReLU non-linearity, ten
# logits out. The loop is the standard one. A `DataLoader` deals the training set out in
# shuffled mini-batches of 32; for each batch we run the five lines; one pass over the
# data is an *epoch*.
#
# Quick check: how many weights and biases does this network hold in total?
#
# Answer: 9610
#
# Why: the first layer has 64 × 128 weights and 128 biases (8,320), the second
# 128 × 10 weights and 10 biases (1,290).

# %%
HIDDEN, LR, EPOCHS, BATCH = 128, 0.1, 40, 32


def make_mlp(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10)).to(DEVICE)


def accuracy(logits, labels):
    return (logits.argmax(dim=1) == labels).float().mean().item()


def fit(model, epochs=EPOCHS, lr=LR, seed=SEED):
    """The standard PyTorch training loop; returns the mean training loss of each epoch."""
    loader = DataLoader(
        TensorDataset(Xtr, ytr),
        batch_size=BATCH,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    epoch_losses = []
    for _ in range(epochs):
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(DEVICE), yb.to(DEVICE)
            loss = F.cross_entropy(model(xb), yb)  # 1. predict, 2. score
            optimizer.zero_grad()  # 3. forget the previous batch's gradients
            loss.backward()  # 4. gradients of the loss for every parameter
            optimizer.step()  # 5. move every parameter against its gradient
            total += loss.item() * len(xb)
        epoch_losses.append(total / len(Xtr))
    return epoch_losses


def train_pair(seed):
    """The MLP and, trained by the same loop, a linear (softmax regression) model."""
    mlp = make_mlp(seed)
    mlp_losses = fit(mlp, seed=seed)
    torch.manual_seed(seed)
    linear = nn.Linear(64, 10).to(DEVICE)
    linear_losses = fit(linear, seed=seed)
    with torch.no_grad():
        accs = accuracy(mlp(Xte), yte), accuracy(linear(Xte), yte)
    return mlp, mlp_losses, linear_losses, *accs


assert sum(p.numel() for p in make_mlp(seed=0).parameters()) == 9610
mlp, mlp_losses, linear_losses, acc_mlp, acc_linear = train_pair(seed=100 * SEED)

# The two simple baselines of stage 2: the most frequent class, and the nearest class mean.
acc_majority = (yte == torch.bincount(ytr).argmax().to(DEVICE)).float().mean().item()
templates = torch.stack([Xtr[ytr == k].mean(dim=0) for k in range(10)]).to(DEVICE)
acc_templates = accuracy(-torch.cdist(Xte, templates), yte)

print(f"majority class      {acc_majority:.3f}")
print(f"nearest class mean  {acc_templates:.3f}")
print(f"linear model        {acc_linear:.3f}")
print(f"MLP, 128 hidden     {acc_mlp:.3f}")
print(f"final training loss: linear {linear_losses[-1]:.4f}, MLP {mlp_losses[-1]:.4f}")
error_ratio = (1 - acc_mlp) / (1 - acc_templates)
print(
    f"the MLP beats the majority baseline by {100 * (acc_mlp - acc_majority):.0f} points and "
    f"makes {error_ratio:.0%} as many errors as the nearest class mean"
)
assert 0.95 < acc_mlp < 0.995  # "about 97-98%"
assert 0.84 < acc_mlp - acc_majority < 0.90  # "almost 90 points"
assert error_ratio < 0.5  # removes most of the templates' errors

# One run cannot rank two close models: train the pair from two more seeds as well.
gaps = [acc_mlp - acc_linear]
for seed in (100 * SEED + 1, 100 * SEED + 2):
    *_, acc_m, acc_l = train_pair(seed)
    gaps.append(acc_m - acc_l)
gap_points = 100 * np.array(gaps)
print(
    f"MLP minus linear, in points of test accuracy, over 3 seeds: {np.round(gap_points, 1)}; "
    f"mean {gap_points.mean():.1f} ± {gap_points.std(ddof=1):.1f}"
)
assert gap_points.mean() < 3  # "about a point", never a large gain
crossing = next(e for e in range(EPOCHS) if mlp_losses[e] < linear_losses[e]) + 1
print(f"the MLP's training loss drops below the linear model's in epoch {crossing}")
print(f"and ends {linear_losses[-1] / mlp_losses[-1]:.1f} times lower")
assert mlp_losses[0] > linear_losses[0] and crossing <= 4  # starts higher, soon lower
assert 4 < linear_losses[-1] / mlp_losses[-1] < 7  # "about five times lower"

# %% [markdown]
# The network gets about 97–98% of the test digits right. Against the majority-class
# baseline that is a gain of almost 90 points; against the nearest-class-mean classifier,
# which uses no training at all, it removes most of the remaining errors. The honest
# comparison is with the linear model trained by the same loop: on this small and easy
# data set a hidden layer buys little. One run cannot show even that reliably, because
# the gap between two close models moves with the random start and the order of the
# batches, so we trained the pair from three seeds. The MLP comes out ahead by about a
# point on average; single runs differ by a fraction of a point to two points (a
# handful of the 450 test images), and every seed we tried for this lesson, five splits
# of the data with three trainings each, kept the average gap under three points. A baseline that is hard to
# beat is worth knowing about before you spend effort on a bigger model. Gains from depth need harder problems or better architectures, as
# the convolutions lesson will show; here our interest is in *how* the network is
# trained.
# The loss curves show what the hidden layer does buy: the MLP starts higher, drops below
# the linear model within a few epochs and ends about five times lower, a capacity to fit
# that pays off on harder tasks.

# %% alt="Mean training cross-entropy per epoch over 40 epochs on a log scale for the MLP and the linear model: the MLP starts higher, drops below the linear model within the first few epochs and keeps falling, ending about five times lower"
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(range(1, EPOCHS + 1), mlp_losses, label=f"MLP (test accuracy {acc_mlp:.3f})")
ax.plot(range(1, EPOCHS + 1), linear_losses, label=f"linear (test accuracy {acc_linear:.3f})")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("mean training cross-entropy")
ax.set_title("Training loss per epoch")
ax.legend()
plt.show()

# %% [markdown]
# Now let us open the loop. To compare versions exactly we need them to see the same
# batches in the same order, so we replace the `DataLoader` with the two lines it
# performs for us: shuffle the indices once per epoch, then slice them into batches.


# %%
def batches(epoch, seed=SEED):
    """Shuffled mini-batch index tensors for one epoch, reproducible from (seed, epoch)."""
    order = torch.randperm(len(Xtr), generator=torch.Generator().manual_seed(1000 * seed + epoch))
    return [order[i : i + BATCH] for i in range(0, len(Xtr), BATCH)]


print("first batch of epoch 0:", batches(0)[0][:8].tolist(), "...")
assert sorted(torch.cat(batches(0)).tolist()) == list(range(len(Xtr)))  # every example once

# %% [markdown]
# ## Layer 1: the optimizer is one line
#
# Plain stochastic gradient descent updates every parameter $\theta$ by
# $\theta \leftarrow \theta - \eta\, \nabla_\theta L$. That is all `optim.SGD` does
# (without momentum or weight decay, which are options for later). `model.parameters()`
# yields the weight and bias tensors, and after `backward()` each holds its gradient in
# `.grad`. The update must not itself be recorded by autograd, hence `torch.no_grad()`.
# We check it against `optim.SGD` over twenty steps from the same starting point.


# %%
def sgd_step(model, lr):
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
            p.grad = None  # the "zero_grad" part


model_a, model_b = make_mlp(seed=10 * SEED + 1), make_mlp(seed=10 * SEED + 1)
optimizer = torch.optim.SGD(model_a.parameters(), lr=LR)
for idx in batches(0)[:20]:
    xb, yb = Xtr[idx].to(DEVICE), ytr[idx].to(DEVICE)
    optimizer.zero_grad()
    F.cross_entropy(model_a(xb), yb).backward()
    optimizer.step()
    F.cross_entropy(model_b(xb), yb).backward()
    sgd_step(model_b, LR)

for pa, pb in zip(model_a.parameters(), model_b.parameters(), strict=True):
    assert torch.allclose(pa, pb, atol=1e-6)
print("20 steps of our one-line SGD match torch.optim.SGD")

# %% [markdown]
# ## Layer 2: the model is four tensors
#
# `nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))` owns four tensors:
# $W_1$ (128×64), $b_1$ (128), $W_2$ (10×128), $b_2$ (10). Note that PyTorch stores a
# linear layer's weight as *out × in*, so the layer computes $X W^\top + b$. For a batch
# $X$ of $B$ images the forward pass is
#
# $$Z_1 = X W_1^\top + b_1,\quad H = \max(Z_1, 0),\quad Z_2 = H W_2^\top + b_2,\quad
#   L = \text{cross-entropy}(Z_2, y).$$
#
# Written as a function of plain tensors, it must reproduce the module's output exactly.
# We keep the intermediates, because the backward pass will need them.


# %%
def raw_params(model, dtype=torch.float32):
    """Copies of the model's four tensors, detached from autograd."""
    return {
        "W1": model[0].weight.detach().to(dtype).clone(),
        "b1": model[0].bias.detach().to(dtype).clone(),
        "W2": model[2].weight.detach().to(dtype).clone(),
        "b2": model[2].bias.detach().to(dtype).clone(),
    }


def forward(params, X):
    Z1 = X @ params["W1"].T + params["b1"]  # (B, 128)
    H = Z1.clamp(min=0)  # ReLU
    Z2 = H @ params["W2"].T + params["b2"]  # (B, 10) logits
    return Z2, (X, Z1, H)


params = raw_params(mlp)
with torch.no_grad():
    logits_raw, _ = forward(params, Xte)
    assert torch.allclose(logits_raw, mlp(Xte), atol=1e-5)
print("raw-tensor forward pass reproduces the trained module; accuracy", accuracy(logits_raw, yte))

# %% [markdown]
# ## Layer 3: the backward pass by hand
#
# This is the heart of the lesson. We want $\partial L/\partial W_1$, $\partial L/\partial
# b_1$, $\partial L/\partial W_2$ and $\partial L/\partial b_2$. The chain rule tells us to
# walk backwards through the forward pass, turning the gradient with respect to each
# intermediate into the gradient with respect to the one before it. Write $dA$ for
# $\partial L/\partial A$; every $dA$ has exactly the shape of $A$.
#
# **Loss to logits.** From the gradient descent and softmax lesson, for mean
# cross-entropy over a batch of $B$: $\;dZ_2 = (\operatorname{softmax}(Z_2) - Y)/B$,
# with $Y$ the one-hot labels.
#
# **Through a linear layer.** For $Z = A W^\top + b$, entry $Z_{ij} = \sum_k A_{ik}W_{jk}
# + b_j$. Each $W_{jk}$ touches every row $i$ through $A_{ik}$, so its gradient sums
# $dZ_{ij} A_{ik}$ over the batch; each $A_{ik}$ touches every output $j$ through
# $W_{jk}$; each $b_j$ is added to every row. In matrix form:
#
# $$dW = dZ^\top A, \qquad db = \textstyle\sum_i dZ_{i,:}, \qquad dA = dZ\, W .$$
#
# A quick sanity check that needs no index juggling: $dW$ must be (out × in), $dZ^\top$ is
# (out × B) and $A$ is (B × in), and there is no other way to multiply the available
# matrices into that shape. This "make the shapes fit" reasoning, developed properly in
# *The Matrix Calculus You Need for Deep Learning*, gets you through most derivations.
#
# **Through the ReLU.** $H = \max(Z_1, 0)$ passes gradient unchanged where $Z_1 > 0$
# and blocks it where $Z_1 \le 0$: $\;dZ_1 = dH \odot [Z_1 > 0]$.
#
# Quick check: with a batch of $B$ images, $dZ_2$ has shape (B × 10) and $H$ has shape
# (B × 128). Which product gives $dW_2$, the gradient of the (10 × 128) weight?
#
# - [x] `dZ2.T @ H`
# - [ ] `H.T @ dZ2`
# - [ ] `dZ2 @ W2`
# - [ ] `H @ W2.T`
#
# Why: only `dZ2.T @ H`, (10 × B) times (B × 128), has the weight's shape, summing over
# the batch. `H.T @ dZ2` is its transpose, (128 × 10); `dZ2 @ W2` is $dH$, the gradient
# passed on to the hidden layer; `H @ W2.T` is part of the forward pass.
#
# Putting the pieces in reverse order:


# %%
def backward(params, cache, logits, y):
    """Gradients of the mean cross-entropy with respect to W1, b1, W2, b2."""
    X, Z1, H = cache
    B = len(y)
    dZ2 = (torch.softmax(logits, dim=1) - F.one_hot(y, 10).to(logits.dtype)) / B  # (B, 10)
    dW2 = dZ2.T @ H  # (10, 128)
    db2 = dZ2.sum(dim=0)  # (10,)
    dH = dZ2 @ params["W2"]  # (B, 128)
    dZ1 = dH * (Z1 > 0)  # (B, 128)
    dW1 = dZ1.T @ X  # (128, 64)
    db1 = dZ1.sum(dim=0)  # (128,)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


# %% [markdown]
# Now the check. We compare with autograd in **float64**, so that any disagreement beyond
# about $10^{-12}$ can only be a mistake in the formulas, not rounding. We use a freshly
# initialised network (large gradients everywhere) and a batch of 64 training images.

# %%
check_model = make_mlp(seed=10 * SEED + 2).double()
xb, yb = Xtr[:64].to(DEVICE, torch.float64), ytr[:64].to(DEVICE)
F.cross_entropy(check_model(xb), yb).backward()
autograd_grads = {
    "W1": check_model[0].weight.grad,
    "b1": check_model[0].bias.grad,
    "W2": check_model[2].weight.grad,
    "b2": check_model[2].bias.grad,
}

p64 = raw_params(check_model, torch.float64)
logits64, cache64 = forward(p64, xb)
hand_grads = backward(p64, cache64, logits64, yb)
for name in hand_grads:
    diff = (hand_grads[name] - autograd_grads[name]).abs().max().item()
    relative = diff / autograd_grads[name].abs().max().item()
    print(
        f"{name}: shape {tuple(hand_grads[name].shape)}, max |hand - autograd| = {diff:.1e}"
        f" ({relative:.0e} of the largest entry)"
    )
    assert hand_grads[name].shape == autograd_grads[name].shape
    assert diff < 1e-16 and relative < 1e-12  # "1e-17 or less", "at least twelve digits"

# %% [markdown]
# All four gradients agree with autograd to $10^{-17}$ or less, at least twelve digits of
# the largest entry, which is rounding error in float64. If you change one sign or forget
# the $1/B$, the check fails loudly; try it.
#
# Notice the cost structure too. The forward pass did one matrix product per linear
# layer; the backward pass does two ($dW$ and $dA$; the first layer skips $dX$ since we
# do not need gradients for the images). That is why a training step costs roughly three
# times a forward pass, and why inference is so much cheaper than training.
#
# ## Layer 4: training with no autograd at all
#
# We have every piece: batches, forward, backward, update. Assembled, they are a complete
# training loop that never calls `backward()` and never builds an autograd graph. We run
# it next to the library version from the same initial weights, on the same batches, and
# record both loss curves.
#
# Quick check: the 1,347 training images are dealt out in batches of 32 (the last batch
# smaller). How many parameter updates do 40 epochs make?
#
# Answer: 1720
#
# Why: 1,347 / 32 = 42.1, so each epoch has 43 batches, 42 full ones and one of 3 images;
# 43 × 40 = 1,720.


# %%
def train_by_hand(params, epochs=EPOCHS, lr=LR):
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for idx in batches(epoch):
            xb, yb = Xtr[idx].to(DEVICE), ytr[idx].to(DEVICE)
            logits, cache = forward(params, xb)
            total += F.cross_entropy(logits, yb).item() * len(idx)
            grads = backward(params, cache, logits, yb)
            for name in params:
                params[name] -= lr * grads[name]
        losses.append(total / len(Xtr))
    return losses


def train_with_library(model, epochs=EPOCHS, lr=LR):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for idx in batches(epoch):
            xb, yb = Xtr[idx].to(DEVICE), ytr[idx].to(DEVICE)
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / len(Xtr))
    return losses


library_model = make_mlp(seed=10 * SEED + 3)
hand_params = raw_params(library_model)  # identical starting point
library_losses = train_with_library(library_model)
with torch.no_grad():
    hand_losses = train_by_hand(hand_params)
    acc_library = accuracy(library_model(Xte), yte)
    acc_hand = accuracy(forward(hand_params, Xte)[0], yte)

final = raw_params(library_model)
max_diff = max((final[k] - hand_params[k]).abs().max().item() for k in final)
flat_library = torch.cat([final[k].flatten() for k in final])
flat_hand = torch.cat([hand_params[k].flatten() for k in final])
relative_diff = ((flat_hand - flat_library).norm() / flat_library.norm()).item()
curve_diff = max(abs(a - b) / b for a, b in zip(hand_losses, library_losses, strict=True))
print(f"library: test accuracy {acc_library:.3f}, final training loss {library_losses[-1]:.5f}")
print(f"by hand: test accuracy {acc_hand:.3f}, final training loss {hand_losses[-1]:.5f}")
print(f"largest difference between the final weights: {max_diff:.1e}")
print(f"size of the whole difference relative to the weights: {relative_diff:.1e}")
print(f"largest relative difference between the two loss curves: {curve_diff:.1e}")

assert EPOCHS * len(batches(0)) == 1720  # the number of updates quoted below
assert relative_diff < 1e-3  # float32 rounding, accumulated over 1,720 updates
assert curve_diff < 1e-3  # the curves coincide
assert abs(acc_hand - acc_library) < 0.01
assert (1 - acc_hand) / (1 - acc_templates) < 0.5  # well above the nearest class mean

# %% [markdown]
# After 40 epochs and 1,720 updates the two sets of weights still agree: the difference
# between them is a tiny fraction of the weights themselves, and the loss curves lie on
# top of each other. Our dozen lines *are* the training loop that `loss.backward()` and
# `optimizer.step()` ran. They do not agree bit for bit, because the library's kernels
# multiply and add in a different order (and round differently on different CPUs and
# GPUs), and training amplifies such differences: a hidden unit whose input sits right
# at zero can be switched on in one run and off in the other. Over the seeds we tried
# the largest single difference ranged from below $10^{-6}$ to a few times $10^{-4}$,
# while the whole difference stayed below a thousandth of the weights.

# %% alt="Training loss per epoch over 40 epochs on a log scale for the library version, a thick pale line, and the hand-written version, a black dashed line: the dashed line runs exactly along the thick one from start to finish"
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(
    range(1, EPOCHS + 1),
    library_losses,
    linewidth=4,
    alpha=0.4,
    label="nn.Module + autograd + optim.SGD",
)
ax.plot(range(1, EPOCHS + 1), hand_losses, "k--", label="raw tensors + hand-written backward")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("mean training cross-entropy")
ax.set_title("Two implementations, one training run")
ax.legend()
plt.show()

# %% [markdown]
# ## What did the hidden units learn?
#
# Each hidden unit computes a weighted sum of the 64 pixels, so its row of $W_1$ can be
# drawn as an 8×8 image: red pixels excite the unit, blue ones inhibit it. A linear
# classifier has one such image per digit, a learned template for that digit; the hidden
# units are not tied to one digit each. They are *features*, stroke fragments and
# contrasts, which the second layer combines into digits. We show the twelve units with
# the largest outgoing weights.

# %% alt="Twelve 8 by 8 weight images of hidden units in red and blue: each is a patchy mix of exciting and inhibiting pixels, often a few strong neighbouring pixels forming a short stroke or a contrast between two regions, and none looks like a whole digit"
W1 = hand_params["W1"].cpu()
importance = hand_params["W2"].abs().sum(dim=0).cpu()
top = importance.argsort(descending=True)[:12]
fig, axes = plt.subplots(2, 6, figsize=(9, 3.4))
for ax, unit in zip(axes.flat, top.tolist(), strict=True):
    limit = W1[unit].abs().max()
    ax.imshow(W1[unit].reshape(8, 8), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"unit {unit}", fontsize=8)
    ax.axis("off")
fig.suptitle("Input weights of the most used hidden units")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Summary
#
# - The standard loop is: forward, loss, `zero_grad`, `backward`, `step`. Its MLP reached
#   about 97–98% on digits, almost 90 points above the majority baseline and well above
#   the untrained nearest-class-mean classifier; a linear model trained by the same loop
#   came within about a point of it on average over three seeds.
# - `optim.SGD` is `p -= lr * p.grad` under `no_grad`; a `DataLoader` shuffles and slices.
# - Backpropagation through a linear layer $Z = AW^\top + b$ is $dW = dZ^\top A$,
#   $db = \sum dZ$, $dA = dZ\,W$; through ReLU it is a mask; cross-entropy gives
#   $dZ = (p - Y)/B$. Gradients have the shapes of what they are gradients of.
# - Checked in float64 against autograd, the hand-written gradients agree to rounding, and
#   a training loop built on them reproduces the library's weights.
#
# ## Questions
#
# 1. Which of the five lines of the training loop would you remove to make the gradients
#    of successive batches add up, and when might you want that on purpose?
#
#    Answer: `optimizer.zero_grad()`: `backward()` adds into `.grad`, so without it each
#    step would use the sum of all gradients so far. On purpose, that is *gradient
#    accumulation*: when a large batch does not fit in memory, run `backward()` on
#    several small batches (each loss divided by their number), then call `step()` and
#    `zero_grad()` once, which gives the gradient of the large batch.
#
# 2. Why does the update `p -= lr * p.grad` need to run under `torch.no_grad()`?
#
#    Answer: the update is not part of the function whose gradient we want. Outside
#    `no_grad`, autograd would try to record it, and an in-place change of a leaf tensor
#    that requires a gradient is refused with a `RuntimeError`; even written out of place
#    it would chain every step onto one ever-growing graph.
#
# 3. PyTorch stores `nn.Linear(64, 128).weight` with shape (128, 64). Write the forward
#    formula and the gradient $dW$ with shapes annotated.
#
#    Answer: $Z = X W^\top + b$ with $X$ (B × 64), $W^\top$ (64 × 128), $b$ (128),
#    giving $Z$ (B × 128). Then $dW = dZ^\top X$: (128 × B) times (B × 64) is
#    (128 × 64), the shape of $W$.
#
# 4. What is the gradient of the ReLU at $z = 0$ in our code, and does the choice matter
#    in practice? Why?
#
#    Answer: zero, because the mask `Z1 > 0` is false there (PyTorch's own ReLU makes the
#    same choice, which is why our gradients matched autograd). It hardly matters: with
#    real-valued inputs and weights a pre-activation is almost never exactly 0, and any
#    value between 0 and 1 is a valid slope (a subgradient) at the kink.
#
# 5. Why do we compare hand-written gradients with autograd in float64 rather than
#    float32?
#
#    Answer: so that rounding cannot hide a mistake. Float32 keeps about 7 significant
#    digits, so two correct computations in a different order can already disagree in
#    the sixth or seventh. Float64 keeps about 16, so the $10^{-17}$ agreement we saw
#    leaves no room for a wrong formula, while a small error such as a missing term
#    would stand far above the rounding.
#
# 6. Why is the factor $1/B$ in $dZ_2$, and what would happen to training if you forgot it
#    while keeping the learning rate at 0.1?
#
#    Answer: the loss is the *mean* over the batch, and the derivative of a mean carries
#    the $1/B$. Without it every gradient is 32 times too large, which is the same as
#    training with a learning rate of 3.2. Try it: on this network the loss blows up
#    within the first epoch or two and ends as `nan`.
#
# 7. Count the matrix products in one training step of our MLP (forward and backward).
#    Why is training roughly three times as expensive as inference?
#
#    Answer: two in the forward pass ($X W_1^\top$, $H W_2^\top$) and three in the
#    backward pass ($dW_2$, $dH$, $dW_1$; $dX$ is skipped), five in all. In general a
#    linear layer needs one product forward and two backward ($dW$ and $dA$), so a
#    training step costs about three forward passes, while inference runs only the
#    forward pass.
#
# ## Further research
#
# - Add a second hidden layer to the hand-written version (forward, backward and the
#   float64 check). Then replace ReLU with tanh, whose derivative is $1 - \tanh^2$. Does
#   the deeper network beat the one-hidden-layer one on digits?
# - Implement SGD with momentum by hand ($v \leftarrow \mu v + g$,
#   $\theta \leftarrow \theta - \eta v$) and check it step for step against
#   `optim.SGD(momentum=0.9)`. Then compare the loss curves with and without momentum.
# - Write your own `torch.autograd.Function` for the linear layer, with a `forward` and
#   the `backward` derived here, and verify it with `torch.autograd.gradcheck`.
