# ---
# title: "Training tricks: initialization, normalization, schedules, regularization"
# summary: Why deep networks sometimes refuse to train and how the standard fixes work, shown with experiments on digits - activation statistics, BatchNorm and LayerNorm, a learning-rate finder, one-cycle and cosine schedules, and weight decay, dropout and early stopping against overfitting.
# stage: 3
# kind: lesson
# minutes: 60
# device: auto
# resources: [deeplearning-ai-specialization, dive-into-deep-learning, fastai-practical-deep-learning, deep-learning-book, pytorch-tutorials]
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
#    memorises a small, noisy training set.
#
# Each section starts from a network that fails (our baseline) and measures how much the
# fix improves on it.
#
# **Runtime:** about 20 s on a laptop CPU.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)
rng = np.random.default_rng(0)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # small models: one CPU thread is fastest and steadiest
print("device:", DEVICE)

digits = load_digits()
X_train, X_val, y_train, y_val = train_test_split(
    digits.data, digits.target, test_size=0.25, random_state=0, stratify=digits.target
)
mean, scale = X_train.mean(axis=0), X_train.std(axis=0) + 1.0
Xtr = torch.tensor((X_train - mean) / scale, dtype=torch.float32, device=DEVICE)
Xva = torch.tensor((X_val - mean) / scale, dtype=torch.float32, device=DEVICE)
ytr = torch.tensor(y_train, device=DEVICE)
yva = torch.tensor(y_val, device=DEVICE)
print("training", tuple(Xtr.shape), "validation", tuple(Xva.shape))

# %% [markdown]
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
    seed=0,
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
# We measure the standard deviation of the activations after each of 12 layers of width
# 256 for four ways of drawing the weights, including PyTorch's default for `nn.Linear`.


# %%
def activation_stats(init, activation=torch.relu, depth=12, width=256):
    torch.manual_seed(0)
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
assert relu_stats["normal, std 1"][-1] > 1e8
assert relu_stats["normal, std 0.01"][-1] < 1e-8
assert relu_stats["PyTorch default"][-1] < 1e-3  # shrinks by ~2.5x per layer
assert 0.3 < relu_stats["Kaiming (std sqrt(2/n))"][-1] < 3
assert tanh_stats["tanh, normal std 1"].mean() > 0.5 > tanh_stats["tanh, Xavier"].mean()

# %% [markdown]
# After twelve layers the signal has grown by eleven orders of magnitude with unit-variance
# weights and shrunk by eleven with `std=0.01`. Kaiming initialization keeps it at the
# same scale all the way down. The surprise is PyTorch's default: it draws weights with
# variance $1/(3n)$, a sensible choice for shallow networks, but in a deep ReLU stack
# each layer shrinks the signal about 2.5-fold and after twelve layers almost nothing is
# left. With tanh, unit-variance weights leave most units pinned at $\pm 1$.
#
# Does this matter for *training*? Here is an 8-layer ReLU network of width 64 on the
# digits, trained with SGD and momentum, once with PyTorch's default initialization and
# once with Kaiming initialization. (The normalization variants in the same experiment
# are explained in the next section.)


# %%
def deep_mlp(norm=None, kaiming=False, depth=8, width=64):
    layers, n_in = [], 64
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


variants = {
    "default init": dict(),
    "Kaiming init": dict(kaiming=True),
    "BatchNorm": dict(norm="batch"),
    "LayerNorm": dict(norm="layer"),
}
norm_runs = {}
for lr, names in ((0.02, list(variants)), (0.1, ["Kaiming init", "BatchNorm"])):
    for name in names:
        torch.manual_seed(0)
        model = deep_mlp(**variants[name])
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        losses = train(model, optimizer, Xtr, ytr, epochs=6)
        norm_runs[(name, lr)] = (losses, evaluate(model, Xva, yva)[1])

fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
for ax, lr in zip(axes, (0.02, 0.1), strict=True):
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
assert final[("default init", 0.02)] > 2.0  # stuck at the know-nothing loss
assert final[("Kaiming init", 0.02)] < 0.5
assert acc[("Kaiming init", 0.02)] - acc[("default init", 0.02)] > 0.6

# %% [markdown]
# With the default initialization the deep network is stuck at a loss of $\log 10 \approx
# 2.30$, the loss of a model that knows nothing, and its validation accuracy is at the
# 10% of guessing: the vanishing signal from the plot above, in practice. The *same
# architecture* with Kaiming initialization trains normally. That is the baseline-versus-fix
# comparison for initialization: some 80 points of accuracy from changing one line.
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
# The left plot above compares them at learning rate 0.02: even with PyTorch's default
# initialization, which left the plain network stuck, both normalized networks train.
# The right plot raises the learning rate to 0.1: the Kaiming-initialized plain network
# now diverges, while the BatchNorm network trains as well as before. Normalization makes
# training much less sensitive to both initialization and learning rate, which in
# practice means you can train faster with less tuning.
#
# One practical warning, which is why our `batches` helper drops the incomplete last
# batch: BatchNorm's statistics are only as good as the batch. Our 1,347 training images
# in batches of 64 leave a final batch of just 3 in every epoch. Normalising over three
# examples is very noisy, and those noisy statistics also leak into the running averages
# that evaluation uses. Here is the BatchNorm run at learning rate 0.1 again, this time
# keeping that last batch.

# %%
torch.manual_seed(0)
model = deep_mlp(norm="batch")
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
train(model, optimizer, Xtr, ytr, epochs=6, drop_last=False)
acc_tiny_batch = evaluate(model, Xva, yva)[1]
print(
    f"BatchNorm, lr 0.1: validation accuracy {acc[('BatchNorm', 0.1)]:.3f} dropping the batch of 3, "
    f"{acc_tiny_batch:.3f} keeping it"
)
assert final[("BatchNorm", 0.02)] < 0.5
assert final[("LayerNorm", 0.02)] < 0.5
assert not final[("Kaiming init", 0.1)] < 1.0  # diverged (nan counts as diverged too)
assert final[("BatchNorm", 0.1)] < 0.5
assert acc[("BatchNorm", 0.1)] - acc[("Kaiming init", 0.1)] > 0.6
assert acc_tiny_batch < acc[("BatchNorm", 0.1)] - 0.03

# %% [markdown]
# Three examples out of 1,347 per epoch cost a large slice of the accuracy (the exact
# damage varies with the seed and the learning rate, from a few points to more than
# half). Use
# reasonably large batches with BatchNorm and drop or pad tiny leftover batches, or use
# LayerNorm, which has no such problem.

# %% [markdown]
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
        nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10)
    ).to(DEVICE)


def lr_finder(make_model, lr_min=1e-4, lr_max=10.0, steps=100, seed=0):
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
assert 0.05 < lr_at_min < 3
assert finder_losses[-1] > 2 * finder_losses.min()  # it did find the blow-up

# %% [markdown]
# The finder puts the edge of stability somewhere around 0.3–0.5 for this model and
# suggests about 0.05 as a safe constant rate. Now suppose we want to be bold and train
# at 0.3, close to the edge, because large steps make fast progress. A constant 0.3 is
# risky: the loss bounces around and can blow up late in training. A *schedule* changes
# the rate during training, and the two most popular ones both end with a small rate:
#
# - **Cosine annealing** starts at the peak and decays it smoothly to zero along half a
#   cosine wave.
# - **One-cycle** (Leslie Smith's schedule, the default in fast.ai) warms up from a small
#   rate to the peak over the first part of training, then anneals to almost zero. The
#   warm-up lets the network settle into a reasonable region before taking large steps.
#
# Large steps early explore quickly; small steps late settle into the bottom of the valley
# instead of bouncing across it. We compare constant rates of 0.05 (the finder's
# suggestion) and 0.3 with cosine and one-cycle schedules peaking at 0.3, for 8 epochs
# each, and record the training loss on the full training set at the end.

# %%
EPOCHS, PEAK = 8, 0.3
steps_total = EPOCHS * (len(Xtr) // 64)
schedules = {
    "constant 0.05": (0.05, lambda opt: None),
    "constant 0.3": (PEAK, lambda opt: None),
    "cosine, peak 0.3": (
        PEAK,
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps_total),
    ),
    "one-cycle, peak 0.3": (
        PEAK,
        lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=PEAK, total_steps=steps_total),
    ),
}
schedule_runs = {}
for name, (lr, make_scheduler) in schedules.items():
    torch.manual_seed(0)
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    scheduler = make_scheduler(optimizer)
    losses = train(model, optimizer, Xtr, ytr, EPOCHS, scheduler=scheduler)
    lr_trace = [lr] * steps_total
    if scheduler is not None:  # replay the schedule on a dummy optimizer to draw it
        dummy = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=0.9)
        replay = make_scheduler(dummy)
        lr_trace = []
        for _ in range(steps_total):
            lr_trace.append(replay.get_last_lr()[0])
            dummy.step()
            replay.step()
    train_loss, val_acc = evaluate(model, Xtr, ytr)[0], evaluate(model, Xva, yva)[1]
    schedule_runs[name] = (lr_trace, losses, train_loss, val_acc)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
for name, (lr_trace, losses, train_loss, _) in schedule_runs.items():
    ax1.plot(lr_trace, label=name)
    smooth = np.convolve(np.nan_to_num(losses, nan=10.0), np.ones(10) / 10, mode="valid")
    ax2.plot(smooth, label=f"{name}: final loss {train_loss:.3f}")
ax1.set_xlabel("step")
ax1.set_ylabel("learning rate")
ax1.set_title("Schedules")
ax1.legend(fontsize=8)
ax2.set_yscale("log")
ax2.set_xlabel("step")
ax2.set_ylabel("training loss (moving average)")
ax2.set_title("Training with each schedule")
ax2.legend(fontsize=8)
fig.tight_layout()
plt.show()

print(f"{'schedule':>20} {'final training loss':>20} {'val. accuracy':>14}")
for name, (_, _, train_loss, val_acc) in schedule_runs.items():
    print(f"{name:>20} {train_loss:>20.4f} {val_acc:>14.3f}")

loss_of = {name: run[2] for name, run in schedule_runs.items()}
peak_step = int(np.argmax(schedule_runs["one-cycle, peak 0.3"][0]))
assert abs(max(schedule_runs["one-cycle, peak 0.3"][0]) - PEAK) < 0.01 * PEAK
assert 0.2 * steps_total < peak_step < 0.4 * steps_total  # warm-up covers the first ~30%
assert loss_of["one-cycle, peak 0.3"] < 0.05 and loss_of["cosine, peak 0.3"] < 0.05
assert loss_of["constant 0.3"] > 5 * loss_of["one-cycle, peak 0.3"]

# %% [markdown]
# The constant rate of 0.3 is the baseline that fails: its loss jumps around and ends
# many times higher than with either schedule, which reach a training loss below 0.05
# from the very same peak rate. The finder's conservative constant rate also works well on
# this easy problem; the point of a schedule is that it makes the bold rate safe, and on
# larger problems the bold rate is what makes training fast. (The one-cycle warm-up is
# visible on the left: the rate climbs for the first 30% of the steps.)
#
# ## 4. Overfitting and regularization
#
# So far we have only asked whether the training loss goes down. The real goal is the
# loss on data the model has not seen, and a network with enough capacity can drive the
# training loss to zero by memorising its training set, including its mistakes. To
# provoke this we make the learning problem harder in two realistic ways: only 300
# training images, and 20% of their labels replaced by a wrong digit (real data sets
# contain label errors too, although rarely this many). The validation set, our held-out
# quarter of the data, keeps its correct labels.
#
# The baseline is an MLP with two hidden layers of 128 units trained with AdamW for 100
# epochs, recording training and validation loss after every epoch.

# %%
N_SMALL, NOISE = 300, 0.2
subset = torch.tensor(rng.choice(len(Xtr), N_SMALL, replace=False), device=DEVICE)
X_small, y_clean = Xtr[subset], ytr[subset]
flip = torch.tensor(rng.random(N_SMALL) < NOISE, device=DEVICE)
wrong = (
    y_clean + torch.tensor(rng.integers(1, 10, N_SMALL), device=DEVICE)
) % 10  # never the true digit
y_small = torch.where(flip, wrong, y_clean)
print(f"{flip.sum().item()} of {N_SMALL} training labels are wrong")


def small_mlp(dropout=0.0):
    return nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(128, 128), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(128, 10),
    ).to(DEVICE)  # fmt: skip


def run_regularization(dropout=0.0, weight_decay=0.0, epochs=100):
    torch.manual_seed(0)
    model = small_mlp(dropout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=weight_decay)
    history = {"train": [], "val": [], "val_acc": []}

    def record(m):
        history["train"].append(evaluate(m, X_small, y_small)[0])
        val_loss, val_acc = evaluate(m, Xva, yva)
        history["val"].append(val_loss)
        history["val_acc"].append(val_acc)

    train(model, optimizer, X_small, y_small, epochs, batch_size=100, on_epoch=record)
    return model, {k: np.array(v) for k, v in history.items()}


baseline_model, base = run_regularization()
best_epoch = int(base["val"].argmin())
_, train_acc_noisy = evaluate(baseline_model, X_small, y_small)
print(f"training accuracy on the (partly wrong) training labels: {train_acc_noisy:.3f}")
print(
    f"validation loss: best {base['val'][best_epoch]:.3f} at epoch {best_epoch + 1}, final {base['val'][-1]:.3f}"
)
print(
    f"validation accuracy: at best epoch {base['val_acc'][best_epoch]:.3f}, final {base['val_acc'][-1]:.3f}"
)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
epochs_axis = np.arange(1, len(base["train"]) + 1)
ax1.plot(epochs_axis, base["train"], label="training loss (noisy labels)")
ax1.plot(epochs_axis, base["val"], label="validation loss")
ax1.axvline(best_epoch + 1, color="gray", linestyle="--", label="early-stopping point")
ax1.set_yscale("log")
ax1.set_xlabel("epoch")
ax1.set_title("No regularization: the gap opens")
ax1.legend(fontsize=8)
ax2.plot(epochs_axis, base["val_acc"], color="tab:orange")
ax2.axvline(best_epoch + 1, color="gray", linestyle="--")
ax2.set_xlabel("epoch")
ax2.set_ylabel("validation accuracy")
ax2.set_title("Validation accuracy peaks early, then decays")
fig.tight_layout()
plt.show()

assert train_acc_noisy > 0.99  # it memorised every label, including the wrong ones
assert base["val"][-1] > 1.5 * base["val"][best_epoch]
assert base["val_acc"][best_epoch] - base["val_acc"][-1] > 0.05

# %% [markdown]
# This is overfitting in its textbook shape. The training loss heads to zero: the network
# reproduces every training label, including the sixty or so wrong ones, which it can
# only do by memorising them. The validation loss falls for the first dozen or so epochs,
# while the network learns what digits look like, then rises steadily as it bends itself
# around the noise, and validation accuracy drops by ten points or so from its peak.
#
# Three standard defences, each a small change:
#
# - **Early stopping**: keep the weights from the epoch with the lowest validation loss
#   (the dashed line) and stop once it has not improved for a while. It costs nothing and
#   is almost always worth doing; its only requirement is an honest validation set, which
#   must then not be used to report the final result (keep a separate test set for that).
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
regularized = {
    "weight decay 3": run_regularization(weight_decay=3.0)[1],
    "dropout 0.5": run_regularization(dropout=0.5)[1],
    "dropout + decay": run_regularization(dropout=0.5, weight_decay=3.0)[1],
}

fig, ax = plt.subplots(figsize=(8, 4.4))
ax.plot(epochs_axis, base["val"], label="no regularization", linewidth=2)
for name, hist in regularized.items():
    ax.plot(epochs_axis, hist["val"], label=name)
ax.axvline(best_epoch + 1, color="gray", linestyle="--", label="early stopping (no regularization)")
ax.set_xlabel("epoch")
ax.set_ylabel("validation loss")
ax.set_title("Validation loss with and without regularization")
ax.legend(fontsize=8)
plt.show()

print(f"{'method':>24} {'final val. loss':>16} {'final val. accuracy':>20}")
print(f"{'none (baseline)':>24} {base['val'][-1]:>16.3f} {base['val_acc'][-1]:>20.3f}")
print(
    f"{'early stopping':>24} {base['val'][best_epoch]:>16.3f} {base['val_acc'][best_epoch]:>20.3f}"
)
for name, hist in regularized.items():
    print(f"{name:>24} {hist['val'][-1]:>16.3f} {hist['val_acc'][-1]:>20.3f}")

for name, hist in regularized.items():
    assert hist["val"][-1] < 0.8 * base["val"][-1], name
    assert hist["val_acc"][-1] > base["val_acc"][-1], name
assert base["val_acc"][best_epoch] > base["val_acc"][-1] + 0.05

# %% [markdown]
# Every defence beats the unregularized baseline after 100 epochs, on validation loss and
# on accuracy. Early stopping recovers most of the peak; weight decay and dropout slow
# the memorisation down so the validation loss rises far less; combining them helps
# further. None of them can undo the label noise entirely: the network still sees wrong
# labels, and with enough training it eventually bends towards them. In practice one uses
# several defences at once, plus the most effective regularizer of all, more (and
# cleaner) data.
#
# ## Summary
#
# - **Initialization**: each layer multiplies the signal's scale by about $n\sigma^2/2$
#   (ReLU). Kaiming initialization ($\sigma^2 = 2/n$) keeps it steady; PyTorch's default
#   left an 8-layer ReLU network stuck at the know-nothing loss, Kaiming trained it.
# - **Normalization**: BatchNorm (over the batch) and LayerNorm (over features) re-centre
#   and re-scale activations at every step; they trained networks that plain ones could
#   not, and let BatchNorm train at a learning rate where the plain network diverged.
#   Mind BatchNorm's batch size and `model.eval()`.
# - **Learning rates**: the finder sweeps the rate exponentially in one short run; cosine
#   and one-cycle schedules made a bold peak rate safe where a constant rate failed.
# - **Regularization**: on a small, noisy training set the network memorised everything
#   and got worse on validation data; early stopping, weight decay and dropout each cut
#   the damage.
#
# ## Questions
#
# 1. A ReLU layer has 512 inputs. What standard deviation should its weights have under
#    Kaiming initialization, and what happens to the activations after 20 such layers if
#    you use twice that standard deviation?
# 2. Why does a network whose *forward* activations vanish also fail to *learn*?
# 3. What does BatchNorm do differently in `model.train()` and `model.eval()` mode, and
#    what goes wrong if you forget to call `model.eval()` before evaluating one example?
# 4. Why is LayerNorm insensitive to the batch size while BatchNorm is not?
# 5. Describe the learning-rate finder's loss curve and explain each of its three parts.
#    Why do we not simply pick the learning rate at the minimum?
# 6. Why can a schedule that ends with a small learning rate reach a lower training loss
#    than a constant rate equal to its peak?
# 7. In the overfitting experiment, the training accuracy reached 100% even though 20% of
#    the labels were wrong. What does that tell you about the network's capacity, and why
#    does the validation loss rise?
# 8. Why must the validation set used for early stopping not be used to report the final
#    performance of a model?
#
# ## Further research
#
# - Put BatchNorm *before* versus *after* the ReLU, and try it with and without Kaiming
#   initialization; then train the 8-layer network at learning rates from 0.01 to 1. Plot
#   the final loss against the learning rate for each variant.
# - Implement the learning-rate finder's "steepest slope" rule (the learning rate where
#   the smoothed loss falls fastest) and compare its suggestion with "a tenth of the
#   minimum" by training with each.
# - Repeat the regularization experiment with 0%, 10%, 20% and 40% label noise and with
#   300, 600 and 1,200 training images. Which matters more, noise or size, and how does
#   the best weight decay change?
# - Read the initialization and normalization chapters of *Dive into Deep Learning* and
#   derive the Xavier variance $2/(n_{in} + n_{out})$ from the requirement that both the
#   forward signal and the backward gradient keep their scale.
