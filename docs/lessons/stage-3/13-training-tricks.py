# ---
# title: "Training tricks: initialization, normalization, schedules, regularization"
# summary: Why deep networks sometimes refuse to train and how the standard fixes work, shown with experiments on a generated ten-class data set - activation statistics, BatchNorm and LayerNorm, a learning-rate finder, one-cycle and cosine schedules, and weight decay, dropout and early stopping against overfitting, chosen on a validation split and reported on a test split.
# stage: 3
# kind: lesson
# minutes: 60
# device: auto
# resources: [deeplearning-ai-specialization, dive-into-deep-learning, fastai-practical-deep-learning, deep-learning-book, karpathy-recipe-for-training, pytorch-tutorials]
# prerequisites: [stage-3/11-training-loop-opened]
# data: []
# aliases: [stage-3/12-training-tricks]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Training tricks: initialization, normalization, schedules, regularization
#
# The networks in the previous lessons trained without fuss because they were shallow
# and the data was clean. Make the network deeper, the learning rate bolder, or the data
# smaller and noisier, and training starts to fail in characteristic ways: the loss sits
# at its starting value and never moves, or it explodes to `nan`, or it falls beautifully
# on the training set while the model gets *worse* on new data.
#
# This lesson collects the standard remedies and, more importantly, shows *why* each one
# works, with an experiment you can rerun and vary for each:
#
# 1. **Initialization**: how the scale of random starting weights decides whether signals
#    survive a deep network.
# 2. **Normalization**: BatchNorm and LayerNorm, which keep those signals in range during
#    training and make the learning rate far less delicate.
# 3. **Learning-rate schedules**: a learning-rate finder to pick the scale, and one-cycle
#    and cosine schedules to use a bold rate safely.
# 4. **Regularization**: weight decay, dropout and early stopping, against a network that
#    memorises a small, noisy training set, and how to report the result honestly.
#
# Each section starts from a network that fails (our baseline) and measures how much the
# fix improves on it. The tricks are general: they apply to any network. The lesson on
# modern CNNs puts BatchNorm inside a convolutional network and adds the other standard
# cure for deep networks that will not train, residual connections.
#
# **Runtime:** about 35 s on a laptop CPU.

# %%
import copy
import math
import os

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from torch import nn

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # small models: one CPU thread is fastest and steadiest
print("device:", DEVICE)

# %% [markdown]
# ## The data: ten classes, three splits
#
# We want a task that is quick to train, hard enough that a network has something to
# learn, and big enough to split three ways. scikit-learn's `make_classification`
# generates one: ten classes, each made of *two* Gaussian clusters placed at corners of a
# hypercube in a 12-dimensional space, plus 8 features that are linear mixtures of those
# 12 and 12 features of pure noise, 32 features in all. Because every class is two
# separate clouds at different corners, which need not be neighbours, no set of
# straight boundaries separates the classes well: a linear model should fall short
# where a network with hidden layers need not.
#
# The examples are split into three parts with different jobs:
#
# - **training** (1,603 examples): the weights learn from it;
# - **validation** (700): every choice we make, between variants, learning rates or the
#   epoch at which to stop, is made by looking at it;
# - **test** (700): not looked at until the end of section 4, where it reports how good
#   the chosen models are. Why a second held-out set is needed becomes clear there.
#
# Features are standardised with the mean and standard deviation of the training split
# only, so no information from the held-out splits leaks into training.

# %%
X, y = make_classification(
    n_samples=3003,
    n_features=32,
    n_informative=12,
    n_redundant=8,
    n_classes=10,
    n_clusters_per_class=2,
    class_sep=3.0,
    flip_y=0.0,  # no label noise of its own: section 4 adds it on purpose
    random_state=SEED,  # each seed draws a different data set, not only different weights
)
X_rest, X_test, y_rest, y_test = train_test_split(
    X, y, test_size=700, random_state=SEED, stratify=y
)
X_train, X_val, y_train, y_val = train_test_split(
    X_rest, y_rest, test_size=700, random_state=SEED, stratify=y_rest
)
mean, scale = X_train.mean(axis=0), X_train.std(axis=0)


def as_tensor(a):
    return torch.tensor((a - mean) / scale, dtype=torch.float32, device=DEVICE)


Xtr, Xva, Xte = as_tensor(X_train), as_tensor(X_val), as_tensor(X_test)
ytr, yva, yte = (torch.tensor(v, device=DEVICE) for v in (y_train, y_val, y_test))
N_FEATURES = Xtr.shape[1]
print("training", tuple(Xtr.shape), "validation", tuple(Xva.shape), "test", tuple(Xte.shape))

linear_model = LogisticRegression(max_iter=2000).fit((X_train - mean) / scale, y_train)
acc_linear = linear_model.score((X_val - mean) / scale, y_val)
print(f"guessing: 0.100   logistic regression, validation accuracy: {acc_linear:.3f}")
assert len(Xtr) == 1603 and len(Xva) == len(Xte) == 700
assert 0.78 < acc_linear < 0.97

# %% [markdown]
# Guessing is right one time in ten, and logistic regression, a linear model, about 85
# times in a hundred (each seed draws a new data set; the ones we tried gave 84% to 90%).
# Those are the reference points for the networks below.
#
# A few helpers shared by all experiments: mini-batches (dropping the incomplete last
# batch, for a reason we will meet under BatchNorm), a training loop that records the
# loss at every step, and an evaluation function that switches the model to evaluation
# mode, which matters for BatchNorm and dropout.


# %%
def batches(n, batch_size, epochs, seed, drop_last=True):
    generator = torch.Generator().manual_seed(seed)
    stop = n - batch_size + 1 if drop_last else n
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator).to(DEVICE)
        for i in range(0, stop, batch_size):
            yield order[i : i + batch_size]


def train(
    model,
    optimizer,
    X,
    y,
    epochs,
    batch_size=64,
    scheduler=None,
    seed=SEED,
    on_epoch=None,
    drop_last=True,
):
    """Mini-batch training; returns the loss of every step."""
    losses = []
    steps_per_epoch = len(X) // batch_size if drop_last else math.ceil(len(X) / batch_size)
    for step, idx in enumerate(batches(len(X), batch_size, epochs, seed, drop_last)):
        model.train()
        loss = F.cross_entropy(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
        if on_epoch is not None and (step + 1) % steps_per_epoch == 0:
            on_epoch(model)
    return np.array(losses)


def evaluate(model, X, y):
    model.eval()
    with torch.no_grad():
        logits = model(X)
        return F.cross_entropy(logits, y).item(), (logits.argmax(dim=1) == y).float().mean().item()


# %% [markdown]
# ## 1. Initialization: keeping signals alive
#
# Consider a deep stack of linear layers with ReLUs, and watch what happens to a batch of
# random inputs as it passes through, *before any training*. Each output of a layer with
# $n$ inputs is a sum of $n$ terms $w_i x_i$. If the weights are independent with
# variance $\sigma^2$, the variance of that sum is about $n \sigma^2$ times the mean
# square of the inputs, and a ReLU then zeroes half of it. So every layer multiplies the
# signal's mean square by roughly $n\sigma^2/2$:
#
# - if $n\sigma^2/2 > 1$ the activations grow geometrically with depth and explode;
# - if $n\sigma^2/2 < 1$ they shrink geometrically and vanish;
# - the choice $\sigma^2 = 2/n$, *Kaiming* (or He) initialization, keeps them steady.
#
# Gradients flow backwards through the same weights and obey the same arithmetic, so a
# network whose forward signal vanishes also receives vanishing gradients, and cannot
# learn. For tanh, which does not discard half the signal, the analogous choice is
# *Xavier* (Glorot) initialization with variance about $1/n$; a too-large scale instead
# pushes tanh units into saturation at $\pm 1$, where their gradient is almost zero.
#
# Quick check: a ReLU layer has $n = 256$ inputs. Which standard deviation of its weights
# keeps the scale of the activations steady from layer to layer?
#
# Answer: 0.088 ± 0.002
#
# Why: Kaiming initialization sets $\sigma^2 = 2/n = 2/256$, so
# $\sigma = \sqrt{0.0078} \approx 0.088$. Then $n\sigma^2/2 = 1$.
#
# We measure the standard deviation of the activations after each of 12 layers of width
# 256 for four ways of drawing the weights, including PyTorch's default for `nn.Linear`.


# %%
def activation_stats(init, activation=torch.relu, depth=12, width=256):
    torch.manual_seed(SEED)
    h = torch.randn(512, width, device=DEVICE)
    stds, saturated = [], []
    for _ in range(depth):
        weight = torch.empty(width, width, device=DEVICE)
        init(weight)
        h = activation(h @ weight.T)
        stds.append(h.std().item())
        saturated.append((h.abs() > 0.99).float().mean().item())
    return np.array(stds), np.array(saturated)


relu_inits = {
    "normal, std 1": lambda w: nn.init.normal_(w, std=1.0),
    "normal, std 0.01": lambda w: nn.init.normal_(w, std=0.01),
    "PyTorch default": lambda w: nn.init.kaiming_uniform_(w, a=math.sqrt(5)),
    "Kaiming (std sqrt(2/n))": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
}
relu_stats = {name: activation_stats(init)[0] for name, init in relu_inits.items()}
tanh_stats = {
    "tanh, normal std 1": activation_stats(lambda w: nn.init.normal_(w, std=1.0), torch.tanh)[1],
    "tanh, Xavier": activation_stats(lambda w: nn.init.xavier_normal_(w, gain=5 / 3), torch.tanh)[
        1
    ],
}

# %% alt=["Standard deviation of the activations after each of 12 ReLU layers, log scale: with unit-variance weights it climbs in a straight line to about 10 to the 12, with std 0.01 it falls in a straight line to about 10 to the minus 12, PyTorch's default falls more gently to about 10 to the minus 5, and Kaiming initialization stays roughly flat, between about 0.5 and 1", "Share of saturated tanh units per layer: with unit-variance weights most units sit at plus or minus 1 in every layer, with Xavier initialization almost none do"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
layers = np.arange(1, 13)
for name, stds in relu_stats.items():
    ax1.semilogy(layers, stds, marker="o", label=name)
ax1.set_xlabel("layer")
ax1.set_ylabel("std of activations")
ax1.set_title("ReLU network: activations explode, vanish, or stay put")
ax1.legend(fontsize=8)
for name, sat in tanh_stats.items():
    ax2.plot(layers, 100 * sat, marker="o", label=name)
ax2.set_xlabel("layer")
ax2.set_ylabel("% of units saturated (|a| > 0.99)")
ax2.set_title("tanh network: too-large weights saturate the units")
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

for name, stds in relu_stats.items():
    print(f"{name:>24}: std after layer 1 {stds[0]:.1e}, after layer 12 {stds[-1]:.1e}")
default_stds = relu_stats["PyTorch default"]
shrink_per_layer = (default_stds[0] / default_stds[-1]) ** (1 / 11)
print(f"PyTorch default: the signal shrinks {shrink_per_layer:.2f}-fold per layer")
assert 11 < math.log10(relu_stats["normal, std 1"][-1]) < 13  # orders of magnitude
assert -13 < math.log10(relu_stats["normal, std 0.01"][-1]) < -11
assert relu_stats["PyTorch default"][-1] < 1e-3
assert 2.2 < shrink_per_layer < 2.7  # sqrt(6) = 2.45 in theory
assert -1 < math.log10(relu_stats["Kaiming (std sqrt(2/n))"][-1]) < 1  # within 10x of 1
assert tanh_stats["tanh, normal std 1"].mean() > 0.5 > tanh_stats["tanh, Xavier"].mean()

# %% [markdown]
# After twelve layers the signal has grown about $10^{12}$-fold with unit-variance
# weights and shrunk as much with `std=0.01`. Kaiming initialization keeps it at about
# the same scale all the way down. The surprise is PyTorch's default: it draws weights with
# variance $1/(3n)$, a sensible choice for shallow networks, but then $n\sigma^2/2 = 1/6$,
# so in a deep ReLU stack each layer shrinks the signal about $\sqrt 6 \approx 2.5$-fold
# and after twelve layers almost nothing is left. With tanh, unit-variance weights leave
# most units pinned at $\pm 1$.
#
# Does this matter for *training*? Here is an 8-layer ReLU network of width 64 on our
# data, trained with SGD and momentum, once with PyTorch's default initialization and
# once with Kaiming initialization. (The normalization variants in the same experiment
# are explained in the next section.)


# %%
def deep_mlp(norm=None, kaiming=False, depth=8, width=64):
    layers, n_in = [], N_FEATURES
    for _ in range(depth):
        linear = nn.Linear(n_in, width)
        if kaiming:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
            nn.init.zeros_(linear.bias)
        layers.append(linear)
        if norm == "batch":
            layers.append(nn.BatchNorm1d(width))
        elif norm == "layer":
            layers.append(nn.LayerNorm(width))
        layers.append(nn.ReLU())
        n_in = width
    layers.append(nn.Linear(n_in, 10))
    return nn.Sequential(*layers).to(DEVICE)


GENTLE, BOLD = 0.02, 0.2
variants = {
    "default init": dict(),
    "Kaiming init": dict(kaiming=True),
    "BatchNorm": dict(norm="batch"),
    "LayerNorm": dict(norm="layer"),
}
norm_runs = {}
for lr, names in ((GENTLE, list(variants)), (BOLD, ["Kaiming init", "BatchNorm"])):
    for name in names:
        torch.manual_seed(SEED)
        model = deep_mlp(**variants[name])
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        losses = train(model, optimizer, Xtr, ytr, epochs=6)
        norm_runs[(name, lr)] = (losses, evaluate(model, Xva, yva)[1])

# %% alt=["Training loss of the 8-layer network at learning rate 0.02, log scale: with the default initialization the loss stays flat on the log 10 line for all 150 steps, while Kaiming initialization, BatchNorm and LayerNorm all fall well below it", "The same at learning rate 0.2: the Kaiming-initialized plain network hovers around the log 10 line (in runs where it diverges, it shoots up to the top of the plot), while the BatchNorm network falls almost as fast as at 0.02"]
fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
for ax, lr in zip(axes, (GENTLE, BOLD), strict=True):
    for (name, run_lr), (losses, acc) in norm_runs.items():
        if run_lr == lr:
            shown = np.nan_to_num(losses, nan=10.0).clip(max=10.0)  # diverged runs drawn at the top
            smooth = np.convolve(shown, np.ones(10) / 10, mode="valid")
            ax.plot(smooth, label=f"{name} (val. acc. {acc:.2f})")
    ax.axhline(math.log(10), color="gray", linestyle=":", label="log 10: knows nothing")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_title(f"8-layer ReLU network, learning rate {lr}")
    ax.legend(fontsize=8)
axes[0].set_ylabel("training loss (moving average)")
fig.tight_layout()
plt.show()

print(f"{'variant':>14} {'lr':>5} {'final loss':>11} {'val. accuracy':>14}")
for (name, lr), (losses, acc) in norm_runs.items():
    print(f"{name:>14} {lr:>5} {np.mean(losses[-20:]):>11.3f} {acc:>14.3f}")

final = {key: np.mean(losses[-20:]) for key, (losses, _) in norm_runs.items()}
acc = {key: a for key, (_, a) in norm_runs.items()}
assert final[("default init", GENTLE)] > 2.0  # stuck at the know-nothing loss
assert acc[("default init", GENTLE)] < 0.15
assert final[("Kaiming init", GENTLE)] < 0.5
assert acc[("Kaiming init", GENTLE)] - acc[("default init", GENTLE)] > 0.7

# %% [markdown]
# With the default initialization the deep network is stuck at a loss of $\log 10 \approx
# 2.30$, the loss of a model that knows nothing, and its validation accuracy is the 10%
# of guessing: the vanishing signal from the plot above, in practice. The *same
# architecture* with Kaiming initialization trains normally. That is the
# baseline-versus-fix comparison for initialization: some 80 points of accuracy from
# changing one line.
#
# ## 2. Normalization: BatchNorm and LayerNorm
#
# Good initialization gives a healthy start, but weights change during training, and the
# scale of the activations drifts with them. Normalization layers fix the scale at every
# step instead of only at the start. Both kinds compute, for each vector of activations,
#
# $$\hat a = \frac{a - \mu}{\sqrt{\sigma^2 + \epsilon}}, \qquad \text{out} = \gamma \hat a + \beta ,$$
#
# and differ in *what* the mean $\mu$ and variance $\sigma^2$ are taken over:
#
# - **BatchNorm** normalises each feature over the examples of the mini-batch. During
#   training it uses the batch's statistics and keeps running averages of them; in
#   evaluation mode (`model.eval()`) it uses those averages instead, so a single example
#   can be classified on its own.
# - **LayerNorm** normalises each example over its own features. It behaves identically in
#   training and evaluation and does not care about the batch size, which is why
#   transformers use it.
#
# The learned scale $\gamma$ and shift $\beta$ let the network undo the normalization
# where that helps, so nothing is lost in expressiveness.
#
# Quick check: which of these layers computes exactly the same output for an example in
# `model.train()` and in `model.eval()` mode, whatever else is in the batch?
#
# - [ ] `nn.BatchNorm1d`
# - [x] `nn.LayerNorm`
# - [ ] `nn.Dropout`
#
# Why: LayerNorm's mean and variance come from the example's own features. BatchNorm
# uses the batch's statistics in training and its running averages in evaluation, and
# dropout zeroes random units only in training.
#
# The left plot above compares them at learning rate 0.02: even with PyTorch's default
# initialization, which left the plain network stuck, both normalized networks train.
# The right plot raises the learning rate tenfold, to 0.2: the Kaiming-initialized plain
# network never gets going (its loss hovers around $\log 10$, and with some seeds it
# finally diverges to `nan`), while the BatchNorm network trains almost as well as
# before. Normalization makes training much less sensitive to both
# initialization and learning rate, which in practice means you can train faster with
# less tuning.

# %%
assert final[("BatchNorm", GENTLE)] < 0.5
assert final[("LayerNorm", GENTLE)] < 0.5
assert acc[("Kaiming init", BOLD)] < 0.3  # stuck near log 10, or diverged to nan
assert final[("BatchNorm", BOLD)] < 0.5
assert acc[("BatchNorm", BOLD)] - acc[("Kaiming init", BOLD)] > 0.5

# %% [markdown]
# One practical warning, which is why our `batches` helper drops the incomplete last
# batch: BatchNorm's statistics are only as good as the batch. Our 1,603 training
# examples in batches of 64 leave a final batch of just 3 in every epoch. Normalising
# over three examples is very noisy, and those noisy statistics also leak into the
# running averages that evaluation uses. The damage depends a lot on the luck of the
# draw, so we train the BatchNorm network at learning rate 0.02 with three seeds, each
# once dropping and once keeping that last batch.

# %%
tiny_batch = []
for seed in (SEED, SEED + 1000, SEED + 2000):  # three draws of weights and batch order
    accs = []
    for drop_last in (True, False):
        if seed == SEED and drop_last:  # this run was made above
            accs.append(acc[("BatchNorm", GENTLE)])
            continue
        torch.manual_seed(seed)
        model = deep_mlp(norm="batch")
        optimizer = torch.optim.SGD(model.parameters(), lr=GENTLE, momentum=0.9)
        train(model, optimizer, Xtr, ytr, epochs=6, seed=seed, drop_last=drop_last)
        accs.append(evaluate(model, Xva, yva)[1])
    tiny_batch.append(accs)
    print(
        f"seed {seed}: validation accuracy {accs[0]:.3f} dropping the batch of 3, {accs[1]:.3f} keeping it"
    )
tiny_batch = np.array(tiny_batch)
tiny_batch_cost = (tiny_batch[:, 0] - tiny_batch[:, 1]).mean()
print(f"keeping the batch of 3 costs {100 * tiny_batch_cost:.0f} points of accuracy on average")
assert len(Xtr) % 64 == 3
assert tiny_batch_cost > 0.03

# %% [markdown]
# Three examples out of 1,603 per epoch cost validation accuracy: on average at least
# several points, often far more, and the size of the damage swings widely from seed to
# seed (the three printed lines show how widely). Use reasonably
# large batches with BatchNorm and drop or pad tiny leftover batches, or use LayerNorm,
# which has no such problem.
#
# ## 3. Learning rates: a finder and schedules
#
# The learning rate is the most important single hyperparameter, and the last experiment
# showed its two failure modes: too small wastes time, too large diverges. The
# *learning-rate finder* popularised by fast.ai finds the scale in one short run: start
# with a tiny learning rate and multiply it by a constant factor after every mini-batch,
# recording the loss, until the loss blows up. Plotted against the learning rate on a log
# axis, the loss is flat at first (too small to matter), then falls (learning), then turns
# up sharply (too large). A good learning rate lies on the falling part, somewhat before the
# minimum; a common rule of thumb takes about a tenth of the rate at the minimum.
#
# We use a two-hidden-layer MLP and SGD with momentum for the rest of this section.


# %%
def mlp():
    return nn.Sequential(
        nn.Linear(N_FEATURES, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10)
    ).to(DEVICE)


def lr_finder(make_model, lr_min=1e-4, lr_max=10.0, steps=100, seed=SEED):
    torch.manual_seed(seed)
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr_min, momentum=0.9)
    lrs = np.geomspace(lr_min, lr_max, steps)
    smoothed, average = [], 0.0
    for step, idx in enumerate(batches(len(Xtr), 64, epochs=10, seed=seed)):
        if step == steps:
            break
        for group in optimizer.param_groups:
            group["lr"] = lrs[step]
        loss = F.cross_entropy(model(Xtr[idx]), ytr[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        average = 0.9 * average + 0.1 * loss.item()
        smoothed.append(average / (1 - 0.9 ** (step + 1)))  # bias-corrected moving average
        if not math.isfinite(smoothed[-1]) or smoothed[-1] > 4 * min(smoothed):
            break  # the loss has blown up: stop the sweep
    return lrs[: len(smoothed)], np.array(smoothed)


finder_lrs, finder_losses = lr_finder(mlp)
lr_at_min = finder_lrs[finder_losses.argmin()]
suggested = lr_at_min / 10

# %% alt="Learning-rate finder: the smoothed training loss against a learning rate growing from 0.0001 on a log axis; it stays near 2.3 up to about 0.01, falls steadily to its minimum near 0.4, marked in red, then shoots up past 4.5; a green line marks a tenth of the minimum, about 0.04, where the loss has just begun to fall"
fig, ax = plt.subplots(figsize=(7.5, 4.2))
ax.semilogx(finder_lrs, finder_losses)
ax.axvline(lr_at_min, color="tab:red", linestyle="--", label=f"minimum loss at {lr_at_min:.2f}")
ax.axvline(suggested, color="tab:green", linestyle="--", label=f"a tenth of it: {suggested:.3f}")
ax.set_xlabel("learning rate (log scale)")
ax.set_ylabel("smoothed training loss")
ax.set_title("Learning-rate finder: one short run with an exponentially growing rate")
ax.legend()
plt.show()
print(
    f"sweep stopped after {len(finder_lrs)} steps; minimum at lr={lr_at_min:.3f}, suggestion {suggested:.3f}"
)
assert 0.25 < lr_at_min < 0.7
assert len(finder_lrs) < 100  # it stopped early: the loss blew up past 4x its minimum

# %% [markdown]
# The finder puts the edge of stability at about 0.4 for this model and suggests about
# 0.04 as a safe constant rate. Now suppose we want to be bold and train at 0.4, right at
# the edge, because large steps make fast progress. A constant 0.4 is risky: the loss
# bounces around and can blow up. A *schedule* changes the rate during training, and the
# two most popular ones both end with a small rate:
#
# - **Cosine annealing** starts at the peak and decays it smoothly to zero along half a
#   cosine wave.
# - **One-cycle** (Leslie Smith's schedule, the default in fast.ai) warms up from a small
#   rate to the peak over the first part of training, then anneals to almost zero. The
#   warm-up lets the network settle into a reasonable region before taking large steps.
#
# Large steps early explore quickly; small steps late settle into the bottom of the valley
# instead of bouncing across it. We compare the finder's suggestion as a constant rate and
# a constant 0.4 with cosine and one-cycle schedules peaking at 0.4, for 8 epochs each,
# and record the training loss on the full training set at the end. A single run with a
# bold rate is at the mercy of its luck, so each schedule is trained with three seeds
# (three initial weights and batch orders) and we compare the means.

# %%
EPOCHS, PEAK = 8, 0.4
steps_total = EPOCHS * (len(Xtr) // 64)
schedules = {
    f"constant {suggested:.2f}": (suggested, lambda opt: None),
    f"constant {PEAK}": (PEAK, lambda opt: None),
    f"cosine, peak {PEAK}": (
        PEAK,
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps_total),
    ),
    f"one-cycle, peak {PEAK}": (
        PEAK,
        lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=PEAK, total_steps=steps_total),
    ),
}
SCHEDULE_SEEDS = (SEED, SEED + 1000, SEED + 2000)
schedule_runs = {}
for name, (lr, make_scheduler) in schedules.items():
    curves, train_losses, val_accs = [], [], []
    for seed in SCHEDULE_SEEDS:
        torch.manual_seed(seed)
        model = mlp()
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        scheduler = make_scheduler(optimizer)
        losses = train(model, optimizer, Xtr, ytr, EPOCHS, scheduler=scheduler, seed=seed)
        curves.append(np.nan_to_num(losses, nan=10.0).clip(max=10.0))  # diverged: drawn at 10
        train_losses.append(evaluate(model, Xtr, ytr)[0])
        val_accs.append(evaluate(model, Xva, yva)[1])
    lr_trace = [lr] * steps_total
    dummy = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=0.9)
    replay = make_scheduler(dummy)
    if replay is not None:  # replay the schedule on a dummy optimizer to draw it
        lr_trace = []
        for _ in range(steps_total):
            lr_trace.append(replay.get_last_lr()[0])
            dummy.step()
            replay.step()
    schedule_runs[name] = (lr_trace, np.mean(curves, axis=0), train_losses, val_accs)

# %% alt=["The four learning-rate schedules over 200 steps: two flat lines at about 0.04 and 0.4, a cosine curve falling from 0.4 to zero, and the one-cycle curve rising to 0.4 over the first 30 percent of the steps, then falling to almost zero", "Training loss with each schedule, log scale: the constant 0.4 run falls at first, then climbs back to about 2.3 and stays there; cosine also climbs while its rate is high and comes down as the rate decays; the small constant rate and one-cycle fall furthest, to about the same low level"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
for name, (lr_trace, mean_curve, train_losses, _) in schedule_runs.items():
    ax1.plot(lr_trace, label=name)
    smooth = np.convolve(mean_curve, np.ones(10) / 10, mode="valid")
    ax2.plot(smooth, label=f"{name}: final loss {np.mean(train_losses):.3f}")
ax1.set_xlabel("step")
ax1.set_ylabel("learning rate")
ax1.set_title("Schedules")
ax1.legend(fontsize=8)
ax2.set_yscale("log")
ax2.set_xlabel("step")
ax2.set_ylabel("training loss (moving average, mean of 3 seeds)")
ax2.set_title("Training with each schedule")
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

print(f"{'schedule':>22} {'final training loss, 3 seeds':>36} {'val. accuracy, 3 seeds':>30}")
for name, (_, _, train_losses, val_accs) in schedule_runs.items():
    losses_text = " ".join(f"{v:.3f}" for v in train_losses)
    accs_text = " ".join(f"{v:.3f}" for v in val_accs)
    print(
        f"{name:>22} {np.mean(train_losses):7.3f} ({losses_text})"
        f" {np.mean(val_accs):7.3f} ({accs_text})"
    )

loss_of = {name: np.mean(run[2]) for name, run in schedule_runs.items()}
val_acc_of = {name: np.mean(run[3]) for name, run in schedule_runs.items()}
one_cycle, cosine, bold = f"one-cycle, peak {PEAK}", f"cosine, peak {PEAK}", f"constant {PEAK}"
small = f"constant {suggested:.2f}"
peak_step = int(np.argmax(schedule_runs[one_cycle][0]))
assert abs(max(schedule_runs[one_cycle][0]) - PEAK) < 0.01 * PEAK
assert 0.2 * steps_total < peak_step < 0.4 * steps_total  # warm-up covers the first ~30%
assert loss_of[bold] > 1.5 and val_acc_of[bold] < 0.3  # knows nothing, or nearly
assert loss_of[one_cycle] < 0.1 and loss_of[small] < 0.1
assert loss_of[cosine] < 0.25
assert val_acc_of[cosine] > val_acc_of[bold] + 0.3
assert val_acc_of[one_cycle] > acc_linear
assert val_acc_of[cosine] > acc_linear

# %% [markdown]
# The constant rate of 0.4 is the baseline that fails: its loss ends up near $\log 10$,
# where it started, and its accuracy not far from guessing. Both schedules from the very
# same peak rate train well, on average over the three seeds: one-cycle to a training
# loss below 0.1, cosine below 0.25, and both beat logistic regression on the
# validation split. Cosine was the less steady of the two in our runs: it starts at the
# full peak rate, and those first large steps can set the network back, while
# one-cycle's warm-up keeps the first steps small. The finder's conservative
# constant rate also works well on this easy problem; the point of a schedule is that it
# makes the bold rate safe, and on larger problems the bold rate is what makes training
# fast. (The one-cycle warm-up is visible on the left: the rate climbs for the first 30%
# of the steps.)
#
# ## 4. Overfitting and regularization
#
# So far we have only asked whether the training loss goes down. The real goal is the
# loss on data the model has not seen, and a network with enough capacity can drive the
# training loss to zero by memorising its training set, including its mistakes. To
# provoke this we make the learning problem harder in two realistic ways: only 600
# training examples, and 30% of their labels replaced by a wrong class (real data sets
# contain label errors too, although rarely this many). The validation and test splits
# keep their correct labels.
#
# The baseline is an MLP with two hidden layers of 128 units trained with AdamW for 100
# epochs, recording training and validation loss after every epoch. Early stopping needs
# one more thing: whenever the validation loss reaches a new low, we keep a copy of the
# weights. We let every run go the full 100 epochs so that we can draw the curves; a real
# run would stop once the validation loss had not improved for a number of epochs (its
# *patience*) and return the copy.

# %%
N_SMALL, NOISE = 600, 0.3
subset = torch.tensor(rng.choice(len(Xtr), N_SMALL, replace=False), device=DEVICE)
X_small, y_clean = Xtr[subset], ytr[subset]
flip = torch.tensor(rng.random(N_SMALL) < NOISE, device=DEVICE)
wrong = (
    y_clean + torch.tensor(rng.integers(1, 10, N_SMALL), device=DEVICE)
) % 10  # never the true class
y_small = torch.where(flip, wrong, y_clean)
n_wrong = int((y_small != y_clean).sum())
print(f"{n_wrong} of {N_SMALL} training labels are wrong")
assert 130 < n_wrong < 230  # 180 expected, give or take 11 (binomial)


def small_mlp(dropout=0.0):
    return nn.Sequential(
        nn.Linear(N_FEATURES, 128), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(128, 128), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(128, 10),
    ).to(DEVICE)  # fmt: skip


def run_regularization(dropout=0.0, weight_decay=0.0, epochs=100, seed=SEED):
    """Train on the small noisy set, record curves, keep the weights of the best epoch."""
    torch.manual_seed(seed)
    model = small_mlp(dropout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=weight_decay)
    history = {"train": [], "val": [], "val_acc": [], "val_correct": []}
    best = {"val": math.inf}

    def record(m):
        history["train"].append(evaluate(m, X_small, y_small)[0])
        m.eval()
        with torch.no_grad():
            logits = m(Xva)
        correct = (logits.argmax(dim=1) == yva).cpu().numpy()
        history["val"].append(F.cross_entropy(logits, yva).item())
        history["val_acc"].append(correct.mean())
        history["val_correct"].append(correct)  # kept for the last experiment of the lesson
        if history["val"][-1] < best["val"]:  # a new low: remember these weights
            best.update(val=history["val"][-1], epoch=len(history["val"]))
            best["state"] = copy.deepcopy(m.state_dict())

    train(model, optimizer, X_small, y_small, epochs, batch_size=100, seed=seed, on_epoch=record)
    stopped = small_mlp(dropout)
    stopped.load_state_dict(best["state"])
    run = {name: np.array(values) for name, values in history.items()}
    run.update(final=model, stopped=stopped, best_epoch=best["epoch"])
    return run


base = run_regularization()
best_epoch = base["best_epoch"]  # counted from 1
_, train_acc_noisy = evaluate(base["final"], X_small, y_small)
print(f"training accuracy on the (partly wrong) training labels: {train_acc_noisy:.3f}")
val_rise = base["val"][-1] / base["val"][best_epoch - 1]
print(
    f"validation loss: lowest {base['val'][best_epoch - 1]:.3f} at epoch {best_epoch}, "
    f"final {base['val'][-1]:.3f} ({val_rise:.2f} times the lowest)"
)
print(
    f"validation accuracy: at epoch {best_epoch} {base['val_acc'][best_epoch - 1]:.3f}, "
    f"final {base['val_acc'][-1]:.3f}"
)

# %% alt=["Training and validation loss of the unregularized network over 100 epochs, log scale: the training loss on the noisy labels falls towards zero, while the validation loss falls to its lowest point around epoch 20, marked by a dashed line, then climbs to between one and a half and two times that", "Validation accuracy over the same 100 epochs: it peaks within the first twenty or so epochs, near the dashed early-stopping line, then drifts down by several points"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
epochs_axis = np.arange(1, len(base["train"]) + 1)
ax1.plot(epochs_axis, base["train"], label="training loss (noisy labels)")
ax1.plot(epochs_axis, base["val"], label="validation loss")
ax1.axvline(best_epoch, color="gray", linestyle="--", label="early-stopping point")
ax1.set_yscale("log")
ax1.set_xlabel("epoch")
ax1.set_title("No regularization: the gap opens")
ax1.legend(fontsize=8)
ax2.plot(epochs_axis, base["val_acc"], color="tab:orange")
ax2.axvline(best_epoch, color="gray", linestyle="--")
ax2.set_xlabel("epoch")
ax2.set_ylabel("validation accuracy")
ax2.set_title("Validation accuracy peaks early, then decays")
fig.tight_layout()
plt.show()

n_params = sum(p.numel() for p in base["final"].parameters())
print(f"{n_params:,} parameters for {N_SMALL} training examples")
assert n_params == 22026
assert train_acc_noisy > 0.99  # it memorised every label, including the wrong ones
assert 10 <= best_epoch <= 30
assert 1.3 < val_rise < 2.2
assert base["val_acc"][best_epoch - 1] - base["val_acc"][-1] > 0.05

# %% [markdown]
# This is overfitting in its textbook shape. The training loss heads to zero: the network
# reproduces every training label, including the 180 or so wrong ones, which it can only
# do by memorising them. The validation loss falls for the first twenty epochs or so,
# while the network learns what the classes look like, then rises steadily as it bends
# itself around the noise, to one and a half to two times its lowest value, and
# validation accuracy drops by several points from its peak.
#
# Three standard defences, each a small change:
#
# - **Early stopping**: keep the weights from the epoch with the lowest validation loss
#   (the dashed line). It costs nothing and is almost always worth doing.
# - **Weight decay**: shrink every weight a little towards zero at every step. Memorising
#   noise requires large, finely tuned weights; the decay makes those expensive. (With
#   plain SGD this is the same as adding $\frac{\lambda}{2}\lVert w\rVert^2$ to the loss,
#   "L2 regularization"; AdamW applies it directly to the weights, which works better with
#   Adam.)
# - **Dropout**: during training, zero each hidden activation with probability $p$ (and
#   scale the survivors by $1/(1-p)$). No unit can rely on any particular other unit, which
#   discourages the intricate co-adaptations memorisation needs. `model.eval()` turns it
#   off for evaluation, which is why our `evaluate` helper calls it.
#
# We train the same network with weight decay, with dropout, and with both.

# %%
defences = {
    "weight decay 3": dict(weight_decay=3.0),
    "dropout 0.5": dict(dropout=0.5),
    "dropout + decay": dict(dropout=0.5, weight_decay=3.0),
}
regularized = {name: run_regularization(**settings) for name, settings in defences.items()}

# %% alt="Validation loss over 100 epochs for the four variants: the unregularized network's curve rises after its dip around epoch 20, while weight decay, dropout and the two together all end lower by epoch 100"
fig, ax = plt.subplots(figsize=(8, 4.4))
ax.plot(epochs_axis, base["val"], label="no regularization", linewidth=2)
for name, run in regularized.items():
    ax.plot(epochs_axis, run["val"], label=name)
ax.axvline(best_epoch, color="gray", linestyle="--", label="early stopping (no regularization)")
ax.set_xlabel("epoch")
ax.set_ylabel("validation loss")
ax.set_title("Validation loss with and without regularization")
ax.legend(fontsize=8)
plt.show()

for name, run in regularized.items():
    print(
        f"{name:>16}: final validation loss {run['val'][-1]:.3f}, accuracy {run['val_acc'][-1]:.3f}"
    )
    assert run["val"][-1] < base["val"][-1], name
    assert run["val_acc"][-1] > base["val_acc"][-1], name

# %% [markdown]
# Every defence ends the 100 epochs with a lower validation loss and a higher validation
# accuracy than the unregularized network.
#
# ## Choosing on validation, reporting on test
#
# We now have five candidate models: the unregularized network after 100 epochs, the
# same network stopped early, and the three regularized ones. How good is each on new
# data? It is tempting to quote the validation numbers, but for early stopping that
# would be cheating a little. Its epoch was *chosen* because its validation loss was the
# lowest of 100, and part of what made it lowest is luck: the particular 700 validation
# examples happened to suit it. A score that won a contest overstates the winner, on
# average, and the more candidates compete and the smaller the set, the more it
# overstates. The same is true when we pick the best of several methods by their
# validation scores.
#
# That is what the test split is for. No choice has looked at it, so a score measured on
# it is an honest estimate of the chosen model's performance. We look at it once, now,
# for every candidate. One run per method is one draw of the initial weights and of the
# batch order, so we also train every method with two more seeds and report the mean
# and the spread over the three.
#
# Quick check: in a project with training, validation and test splits, which split
# decides the epoch at which early stopping keeps the weights?
#
# - [ ] the training split
# - [x] the validation split
# - [ ] the test split
#
# Why: the training loss keeps falling while the model memorises, so it cannot show when
# to stop; the test split must stay unused by every choice, so that the final score it
# gives is not flattered by the choosing.

# %%
methods = {"no regularization": {}, **defences}
runs = {"no regularization": [base], **{name: [run] for name, run in regularized.items()}}
for seed in (SEED + 1000, SEED + 2000):  # the runs above were the first seed
    for name, settings in methods.items():
        runs[name].append(run_regularization(**settings, seed=seed))

scores = {}  # candidate -> (validation accuracy, test accuracy) of each seed's run
for name, method_runs in runs.items():
    scores[f"{name}, 100 epochs"] = [
        (run["val_acc"][-1], evaluate(run["final"], Xte, yte)[1]) for run in method_runs
    ]
    if name == "no regularization":
        scores["early stopping"] = [
            (run["val_acc"][run["best_epoch"] - 1], evaluate(run["stopped"], Xte, yte)[1])
            for run in method_runs
        ]
print("early stopping epochs:", [run["best_epoch"] for run in runs["no regularization"]])
print(f"{'candidate':>30} {'val. accuracy':>14} {'test accuracy, mean ± std (seeds)':>40}")
test_mean = {}
for name, pairs in scores.items():
    val, test = np.array(pairs).T
    test_mean[name] = test.mean()
    seeds_text = ", ".join(f"{a:.3f}" for a in test)
    print(f"{name:>30} {val.mean():>14.3f} {test.mean():>12.3f} ± {test.std():.3f} ({seeds_text})")

test_none = test_mean["no regularization, 100 epochs"]
gain = {name: test_mean[name] - test_none for name in scores if not name.startswith("no reg")}
print("gain over no regularization:", ", ".join(f"{n} {100 * g:+.1f}" for n, g in gain.items()))
defence_means = [test_mean[f"{name}, 100 epochs"] for name in defences]
print(
    f"the three defences' means lie within {100 * np.ptp(defence_means):.1f} points of each other"
)
for name, points in gain.items():
    assert points > 0.03, name
standard_error = math.sqrt(0.8 * 0.2 / len(Xte))
print(
    f"standard error of an 80% accuracy measured on {len(Xte)} examples: {100 * standard_error:.1f} points"
)
assert 0.014 < standard_error < 0.016
val_test_gap = max(abs(v - t) for pairs in scores.values() for v, t in pairs)
print(f"largest gap between a run's validation and test accuracy: {100 * val_test_gap:.1f} points")
assert val_test_gap < 0.08

# %% [markdown]
# On the test split, which none of our choices has seen, every defence beats the
# unregularized network by several points on average over the three seeds. Early
# stopping recovers a large part of the accuracy the network loses by memorising, and
# weight decay and dropout slow the memorisation down. How the defences rank among
# themselves is a finer question than whether they help. Their means differ by a few
# points, and with other seeds (each draws a new data set as well as new weights) the
# gaps between them change size; settling which is best would take many more data sets
# and seeds, so this lesson claims only that each one helps. None of them can undo the
# label noise entirely: the network still sees wrong labels, and with enough training it
# bends towards them. In practice one uses several defences at once, plus the most
# effective regularizer of all, more (and cleaner) data.
#
# The test accuracies lie within a few points of the validation ones. A
# single comparison like this cannot show the optimism of choosing, because it is mixed
# with the ordinary sampling noise of 700 examples: an accuracy near 80% measured on 700
# examples has a standard error of about 1.5 points. The optimism is a bias *on
# average*, and we can measure it without touching the test split: draw 100 examples at
# random from the validation split as a small "choosing set", pick the candidate with the
# best accuracy on them, and score that pick on the other 600 validation examples.
# Repeating this 500 times averages the luck away. We do it twice: choosing only the
# epoch of the unregularized run (100 candidates), and choosing both the method and the
# epoch (4 runs × 100 epochs = 400 candidates).

# %%
all_runs = [base, *regularized.values()]
choices = {
    "epoch only (100 candidates)": base["val_correct"],  # (epochs, 700) right or wrong
    "method and epoch (400 candidates)": np.concatenate([run["val_correct"] for run in all_runs]),
}
draw = np.random.default_rng(SEED + 1)  # a stream of its own, separate from `rng`
optimism = {}
for name, correct in choices.items():
    gaps = []
    for _ in range(500):
        order = draw.permutation(correct.shape[1])
        choose_on, fresh = order[:100], order[100:]
        pick = correct[:, choose_on].mean(axis=1).argmax()
        gaps.append(correct[pick, choose_on].mean() - correct[pick, fresh].mean())
    optimism[name] = np.mean(gaps)
    print(
        f"{name}: the winner's score overstates it by {100 * optimism[name]:.1f} points on average"
    )
assert 0.015 < optimism["epoch only (100 candidates)"] < 0.04
assert 0.025 < optimism["method and epoch (400 candidates)"] < 0.06

# %% [markdown]
# Choosing on 100 examples flatters the winner by about three points when we choose only
# the epoch, and by about four when we choose both the method and the epoch (the
# printout gives this run's figures; over the seeds we tried they ranged from 2.7 to 3.1
# and from 3.8 to 4.9 points). With a larger validation set the bias shrinks, but on
# average it is never negative. A real project makes many choices on its validation split (architecture,
# learning rate, regularization, the epoch), so its validation score is an optimistic
# estimate. Report the test score, measured once at the end; if you then go back and
# change the model because of it, the test split has become a second validation split
# and its score is no longer honest.
#
# ## Summary
#
# - **Initialization**: each layer multiplies the signal's scale by about $n\sigma^2/2$
#   (ReLU). Kaiming initialization ($\sigma^2 = 2/n$) keeps it steady; PyTorch's default
#   left an 8-layer ReLU network stuck at the know-nothing loss, Kaiming trained it.
# - **Normalization**: BatchNorm (over the batch) and LayerNorm (over features) re-centre
#   and re-scale activations at every step; they trained networks that plain ones could
#   not, and let BatchNorm train at a learning rate where the plain network did not.
#   Mind BatchNorm's batch size and `model.eval()`.
# - **Learning rates**: the finder sweeps the rate exponentially in one short run; cosine
#   and one-cycle schedules made a bold peak rate safe where a constant rate failed.
# - **Regularization**: on a small, noisy training set the network memorised everything
#   and got worse on validation data; early stopping, weight decay and dropout each cut
#   the damage, as the test split confirmed.
# - **Honest evaluation**: choose on the validation split, report on a test split that
#   no choice has seen; a score that won a contest overstates the winner.
#
# ## Questions
#
# 1. A ReLU layer has 512 inputs. What standard deviation should its weights have under
#    Kaiming initialization, and what happens to the activations after 20 such layers if
#    you use twice that standard deviation?
#
#    Answer: $\sqrt{2/512} = 0.0625$. With twice that, each layer multiplies the mean
#    square by $n(2\sigma)^2/2 = 4$, so the standard deviation doubles per layer and after
#    20 layers it is about $2^{20} \approx 10^6$ times larger: the activations explode.
#
# 2. Why does a network whose *forward* activations vanish also fail to *learn*?
#
#    Answer: the gradient of a weight is its layer's input times the gradient arriving
#    from above, and that backward gradient passes through the same small weights, so it
#    shrinks by the same factor per layer. Near-zero inputs and near-zero incoming
#    gradients give near-zero updates, which is why the default-initialized 8-layer
#    network sat at the loss of $\log 10$ for all six epochs.
#
# 3. What does BatchNorm do differently in `model.train()` and `model.eval()` mode, and
#    what goes wrong if you forget to call `model.eval()` before evaluating one example?
#
#    Answer: in training mode it normalises with the current batch's mean and variance
#    and updates its running averages; in evaluation mode it uses the running averages.
#    Left in training mode with a batch of one example, each feature's mean is the
#    example itself and its variance zero: there is nothing to normalise over, and
#    `BatchNorm1d` refuses with a `ValueError` ("Expected more than 1 value per channel
#    when training"), as the modern CNNs lesson shows. With a small batch of several
#    examples it runs silently, but each prediction then depends on the other examples in
#    the batch, and every such pass overwrites the running averages.
#
# 4. Why is LayerNorm insensitive to the batch size while BatchNorm is not?
#
#    Answer: LayerNorm's statistics are taken over one example's own features, so other
#    examples never enter. BatchNorm's are taken over the examples of the batch, and
#    with few examples they are noisy estimates, as the final batch of 3 showed: keeping
#    it cost validation accuracy on average, by very different amounts from seed to seed.
#
# 5. Describe the learning-rate finder's loss curve and explain each of its three parts.
#    Why do we not simply pick the learning rate at the minimum?
#
#    Answer: flat at first, because tiny steps barely change the weights; falling, where
#    the steps are large enough to learn; and shooting up, where the steps overshoot and
#    diverge. The minimum lies just before divergence, and the sweep measured it while
#    the rate was still growing on a barely trained network; as a constant rate for a
#    whole run it is at the edge of stability, as the constant 0.4 showed. A rate on the
#    falling part, such as a tenth of the minimum, is safe.
#
# 6. Why can a schedule that ends with a small learning rate reach a lower training loss
#    than a constant rate equal to its peak?
#
#    Answer: with a large constant rate each step overshoots the bottom of the valley, so
#    the loss bounces (or is thrown back to the know-nothing loss, as with the constant
#    0.4). Decaying the rate lets the late steps settle into the minimum, while the large
#    early steps still make fast progress; one-cycle's warm-up also keeps the first steps
#    small, while the network is still far from any good region.
#
# 7. In the overfitting experiment, the training accuracy reached 100% even though 30% of
#    the labels were wrong. What does that tell you about the network's capacity, and why
#    does the validation loss rise?
#
#    Answer: the network has enough parameters (22,026 for 600 examples) to
#    memorise arbitrary labels, so a perfect training score says nothing about whether
#    it learned the classes. To fit the wrong labels it must carve small regions of the
#    wrong class around those examples; validation examples nearby then get confident
#    wrong predictions, and the cross-entropy, which punishes confident mistakes heavily,
#    rises (from its low near epoch 20 to one and a half to two times that by epoch 100).
#
# 8. Why must the validation set used for early stopping not be used to report the final
#    performance of a model?
#
#    Answer: because the stopping epoch was chosen for having the best validation score,
#    which includes the luck of that particular sample; the chosen score is biased
#    upwards. Resampling showed the bias directly: picking the epoch on 100 validation
#    examples overstated the winner by about three points on average. An untouched test split
#    gives an unbiased estimate.
#
# ## Further research
#
# - Put BatchNorm *before* versus *after* the ReLU, and try it with and without Kaiming
#   initialization; then train the 8-layer network at learning rates from 0.01 to 1. Plot
#   the final loss against the learning rate for each variant.
# - Implement the learning-rate finder's "steepest slope" rule (the learning rate where
#   the smoothed loss falls fastest) and compare its suggestion with "a tenth of the
#   minimum" by training with each.
# - Repeat the regularization experiment with 0%, 10%, 30% and 50% label noise and with
#   300, 600 and 1,200 training examples. Which matters more, noise or size, and how does
#   the best weight decay change? Choose the weight decay on the validation split and
#   report the test accuracy only for the chosen value.
# - Read the initialization and normalization chapters of *Dive into Deep Learning* and
#   derive the Xavier variance $2/(n_{in} + n_{out})$ from the requirement that both the
#   forward signal and the backward gradient keep their scale; then read Karpathy's "A
#   Recipe for Training Neural Networks" and list which of its steps this lesson used.
