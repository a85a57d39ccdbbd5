# ---
# title: "Modern CNNs: residual blocks, batch norm and data augmentation"
# summary: Measure the three ideas behind modern convolutional networks one at a time on digits, each with an ablation over three seeds - skip connections that let a 14-layer network train at all, batch normalization and its train/eval modes, and augmentation with random rotations and shifts.
# stage: 3
# kind: lesson
# minutes: 60
# device: auto
# resources: [dive-into-deep-learning, he-deep-residual-learning, ioffe-batch-normalization, stanford-cs231n, fastai-practical-deep-learning]
# prerequisites: [stage-3/12-convolutions, stage-3/13-training-tricks]
# data: []
# aliases: []
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Modern CNNs: residual blocks, batch norm and data augmentation
#
# The CNN of the convolutions lesson had three convolution layers. The networks that
# win at image recognition today have dozens or hundreds. Simply stacking more layers
# does not get you there: a deep plain network is hard to *train*, and a big network on
# a small data set memorises it. Three ideas fix most of this, two of them from 2015
# and one much older:
#
# 1. **Residual connections** (He et al., 2015) let each block add a correction to its
#    input instead of replacing it, so signals and gradients pass through a deep stack.
# 2. **Batch normalization** (Ioffe and Szegedy, 2015) re-centres and re-scales the
#    activations inside the network at every step. You met it in the training-tricks
#    lesson on dense networks; here it goes into a CNN, with a closer look at its two
#    modes.
# 3. **Data augmentation** shows the network randomly rotated and shifted copies of the
#    training images, so it learns that such changes do not change the digit. LeCun and
#    colleagues trained their digit recognisers on distorted copies in the 1990s, and
#    AlexNet's random crops and flips (2012) made it standard for large image networks.
#
# Every claim below comes from an *ablation*: two training runs that differ in exactly
# one thing (the initialization, the skip connection, the normalization, the
# augmentation) and share everything else: the data, the random seeds, the number of
# steps, the optimiser and its learning rate, and the width of the network. Each arm is
# trained with three seeds and we report the mean and the spread, because a difference
# smaller than the seed-to-seed spread is not a difference. The arms are compared on a
# validation split; the test split is used once, at the end, to report the chosen
# recipe. The baseline is the three-layer CNN from the convolutions lesson, trained with
# the same recipe.
#
# **Runtime:** about 50 s on a laptop CPU (24 short training runs).

# %%
import copy
import math
import os

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
torch.set_num_threads(1)  # small models: one CPU thread is fastest and steadiest
print("device:", DEVICE)

# %% [markdown]
# ## Data: a small training set, a validation set, a test set
#
# As in the convolutions lesson, a quarter of the 1,797 digits is the test set (450
# images). From the training part we keep only **20 images of each digit**, 200 in all.
# Small training sets are where augmentation earns its keep, and they keep every run
# short. From the training images we do not use, we draw **30 of each digit** as a
# validation set (300 images): every comparison between arms below is made on it. The
# test set is not looked at until the very end, when it reports the recipe the
# comparisons chose.
#
# scikit-learn's digits were written by 13 people, and a random split puts the same
# writers in every part, so all three parts are easier than digits from new writers
# would be: the accuracies below are for familiar handwriting.

# %%
digits = load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    digits.images / 16.0, digits.target, test_size=0.25, random_state=SEED, stratify=digits.target
)
PER_CLASS, VAL_PER_CLASS = 20, 30
chosen = [
    rng.choice(np.flatnonzero(y_train == c), PER_CLASS + VAL_PER_CLASS, replace=False)
    for c in range(10)
]
subset = np.concatenate([c[:PER_CLASS] for c in chosen])
val_subset = np.concatenate([c[PER_CLASS:] for c in chosen])


def as_images(x):
    return torch.tensor(x, dtype=torch.float32, device=DEVICE)[:, None]  # (n, 1, 8, 8)


Xtr, ytr = as_images(X_train[subset]), torch.tensor(y_train[subset], device=DEVICE)
Xva, yva = as_images(X_train[val_subset]), torch.tensor(y_train[val_subset], device=DEVICE)
Xte, yte = as_images(X_test), torch.tensor(y_test, device=DEVICE)
print("training", tuple(Xtr.shape), "validation", tuple(Xva.shape), "test", tuple(Xte.shape))
assert len(digits.images) == 1797 and len(Xte) == 450 and len(Xtr) == 200 and len(Xva) == 300

# %% [markdown]
# ## One recipe for every run
#
# All models are trained by the same function: 200 steps of Adam on random mini-batches
# of 64 images, with the one-cycle learning-rate schedule from the training-tricks
# lesson (peak 0.004). The seed fixes both the initial weights and the order of the
# batches, so two arms run with the same seed see exactly the same images in the same
# order. `augment`, when given, transforms each batch before the model sees it; we
# define it in the last section.
#
# After training we record the loss on the whole training set and the accuracy on the
# validation set, both in evaluation mode, and the loss of every training step for the
# plots. The three seeds of every arm derive from the lesson's `SEED`.

# %%
STEPS, BATCH, PEAK_LR = 200, 64, 4e-3
SEEDS = (SEED, SEED + 1000, SEED + 2000)


def fit(model, seed, augment=None):
    """Train `model` with the shared recipe; returns the training loss of every step."""
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=PEAK_LR)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=PEAK_LR, total_steps=STEPS)
    losses = []
    model.train()
    for _ in range(STEPS):
        idx = torch.randint(0, len(Xtr), (BATCH,), generator=generator).to(DEVICE)
        xb = Xtr[idx] if augment is None else augment(Xtr[idx], generator)
        loss = F.cross_entropy(model(xb), ytr[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
    return np.array(losses)


def evaluate(model, X, y):
    """Loss and accuracy in evaluation mode."""
    model.eval()
    with torch.no_grad():
        logits = model(X)
    return F.cross_entropy(logits, y).item(), (logits.argmax(dim=1) == y).float().mean().item()


def run_arm(make_model, augment=None):
    """Train one arm of an ablation once per seed; keep every number and the models."""
    arm = {"train_loss": [], "val_acc": [], "curves": [], "models": []}
    for seed in SEEDS:
        torch.manual_seed(seed)
        model = make_model().to(DEVICE)
        arm["curves"].append(fit(model, seed, augment))
        arm["train_loss"].append(evaluate(model, Xtr, ytr)[0])
        arm["val_acc"].append(evaluate(model, Xva, yva)[1])
        arm["models"].append(model)
    for key in ("train_loss", "val_acc", "curves"):
        arm[key] = np.array(arm[key])
    return arm


def describe(name, arm):
    acc, loss = 100 * arm["val_acc"], arm["train_loss"]
    print(
        f"{name:<34} val. accuracy {acc.mean():5.1f}% ± {acc.std():3.1f} "
        f"(seeds: {', '.join(f'{a:.1f}' for a in acc)})   training loss {loss.mean():.4f}"
    )


# %% [markdown]
# ## The baseline: three convolution layers
#
# The CNN of the convolutions lesson, unchanged: two 3×3 convolutions with 32 channels,
# a max pool, a third convolution with 64 channels, a global max pool and a linear layer.
# The majority class (every class has 20 training images, so "always predict 0") is the
# floor.


# %%
def make_baseline():
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.Conv2d(32, 32, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.AdaptiveMaxPool2d(1),
        nn.Flatten(),
        nn.Linear(64, 10),
    )


results = {"baseline (3 conv layers)": run_arm(make_baseline)}
acc_majority = (yva == 0).float().mean().item()
print(f"majority class: {100 * acc_majority:.1f}%")
describe("baseline (3 conv layers)", results["baseline (3 conv layers)"])
acc_baseline = results["baseline (3 conv layers)"]["val_acc"].mean()
assert acc_baseline > acc_majority + 0.7
assert acc_baseline > 0.86

# %% [markdown]
# From 200 images the small CNN already gets well over 90% of the validation digits
# right (the printout gives this seed's mean and spread; which 200 images the seed
# draws moves it by several points). That is the number to beat.
#
# ## 1. Going deeper, and the residual block
#
# Our deep network keeps the width fixed at 16 channels. A *stem* convolution turns the
# one-channel image into 16 channels; then come six **blocks** of two 3×3 convolutions
# each (a max pool after the first block halves the resolution to 4×4); then the same
# global max pool and linear layer as the baseline. That is 13 convolution layers and
# one linear layer: 14 layers with weights, against the baseline's four.
#
# A residual block and a plain block contain the same two convolutions. The only
# difference is one addition: the residual block adds its input $x$ to the output of
# its convolutions before the final ReLU,
#
# $$\text{plain: } y = \text{ReLU}(F(x)), \qquad \text{residual: } y = \text{ReLU}(x + F(x)),$$
#
# where $F$ is conv, ReLU, conv. The connection that carries $x$ around the convolutions
# is the *skip connection* or *identity shortcut*. Here is the block as a module, with
# a switch for the skip connection and one for batch normalization (used in the next
# section), so that every arm of every ablation is built from the same code.


# %%
class Block(nn.Module):
    """Two 3x3 convolutions, optionally with BatchNorm and an identity shortcut."""

    def __init__(self, channels, skip=True, batch_norm=False):
        super().__init__()
        self.skip = skip
        bias = not batch_norm  # BatchNorm's shift does the bias's job (see the questions)
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=bias)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=bias)
        self.norm1 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()
        self.norm2 = nn.BatchNorm2d(channels) if batch_norm else nn.Identity()

    def forward(self, x):
        out = self.norm2(self.conv2(F.relu(self.norm1(self.conv1(x)))))  # F(x)
        if self.skip:
            out = out + x  # the identity shortcut: one addition
        return F.relu(out)


def make_deep(skip, batch_norm, width=16, n_blocks=6, kaiming=False):
    norm = nn.BatchNorm2d(width) if batch_norm else nn.Identity()
    stem = nn.Conv2d(1, width, kernel_size=3, padding=1, bias=not batch_norm)
    layers = [stem, norm, nn.ReLU()]
    for i in range(n_blocks):
        layers.append(Block(width, skip, batch_norm))
        if i == 0:
            layers.append(nn.MaxPool2d(2))  # 8x8 -> 4x4 after the first block
    layers += [nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(width, 10)]
    model = nn.Sequential(*layers)
    if kaiming:  # variance 2 / fan-in instead of PyTorch's default 1 / (3 fan-in)
        for conv in (m for m in model.modules() if isinstance(m, nn.Conv2d)):
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
    return model


plain, residual = make_deep(skip=False, batch_norm=False), make_deep(skip=True, batch_norm=False)
n_conv = sum(isinstance(m, nn.Conv2d) for m in plain.modules())
n_params = [sum(p.numel() for p in m.parameters()) for m in (plain, residual, make_baseline())]
print(f"{n_conv} convolution layers; parameters: plain {n_params[0]:,}, residual {n_params[1]:,}")
print(f"baseline: {n_params[2]:,} parameters")
assert n_conv == 13 and n_params[0] == n_params[1]  # the shortcut adds no parameters

# %% [markdown]
# Quick check: the two convolutions of a residual block happen to output all zeros,
# $F(x) = 0$. What does the block compute? (Its input comes out of a ReLU.)
#
# - [ ] zero, like a plain block would
# - [x] its input, unchanged
# - [ ] the ReLU of a random projection of its input
#
# Why: the block returns $\text{ReLU}(x + 0) = \text{ReLU}(x)$, and $x$ is already
# non-negative because it came out of a ReLU, so the result is $x$ itself. A residual
# block starts close to "do nothing" and learns a correction; a plain block with the
# same weights would output zero and erase everything before it.
#
# Now the first ablation: the 14-layer network without and with skip connections, both
# with PyTorch's default initialization and without batch normalization. A third arm
# keeps the plain network and changes only its initialization, to Kaiming's (from the
# training-tricks lesson), so that we can tell what the skip connection repairs.

# %%
results["deep plain"] = run_arm(lambda: make_deep(skip=False, batch_norm=False))
results["deep plain, Kaiming init"] = run_arm(
    lambda: make_deep(skip=False, batch_norm=False, kaiming=True)
)
results["deep residual"] = run_arm(lambda: make_deep(skip=True, batch_norm=False))
for name in ("deep plain", "deep plain, Kaiming init", "deep residual"):
    describe(name, results[name])

# %% alt="Training loss over 200 steps, mean of three seeds with the range shaded: the baseline, the residual network and the Kaiming-initialized plain network fall close to zero, the deep plain network with the default initialization stays near log 10, the loss of guessing"
fig, ax = plt.subplots(figsize=(8, 4.2))
for name in ("baseline (3 conv layers)", "deep plain", "deep plain, Kaiming init", "deep residual"):
    curves = results[name]["curves"]
    smooth = np.array([np.convolve(c, np.ones(10) / 10, mode="valid") for c in curves])
    steps = np.arange(smooth.shape[1]) + 10
    (line,) = ax.plot(steps, smooth.mean(axis=0), label=name)
    ax.fill_between(
        steps, smooth.min(axis=0), smooth.max(axis=0), color=line.get_color(), alpha=0.2
    )
ax.axhline(math.log(10), color="gray", linestyle=":", label="log 10: guessing")
ax.set_yscale("log")
ax.set_xlabel("training step")
ax.set_ylabel("training loss (moving average of 10)")
ax.set_title("14 layers: the default-initialized plain network barely trains")
ax.legend(fontsize=8)
plt.show()

# %%
plain_arm, res_arm = results["deep plain"], results["deep residual"]
kaiming_arm = results["deep plain, Kaiming init"]
for name in ("deep plain", "deep plain, Kaiming init", "deep residual"):
    losses = ", ".join(f"{v:.4f}" for v in results[name]["train_loss"])
    print(f"training loss, {name}: {losses}")
gain_residual = res_arm["val_acc"].mean() - plain_arm["val_acc"].mean()
gain_kaiming = kaiming_arm["val_acc"].mean() - plain_arm["val_acc"].mean()
print(f"validation accuracy: the skip connections add {100 * gain_residual:.0f} points,")
print(f"Kaiming initialization alone adds {100 * gain_kaiming:.0f} points")
assert plain_arm["train_loss"].mean() > 0.5  # some seeds stay at log 10 = 2.30: guessing
assert plain_arm["val_acc"].mean() < 0.6
assert res_arm["train_loss"].mean() < 0.05
assert kaiming_arm["train_loss"].mean() < 0.05
assert gain_residual > 0.25 and gain_kaiming > 0.25
assert res_arm["val_acc"].mean() < acc_baseline + 0.04  # trainable, not clearly better

# %% [markdown]
# The plain 14-layer network with PyTorch's default initialization hardly learns
# anything in 200 steps: its training loss, averaged over the seeds, ends above 0.5,
# thousands of times the others', and some seeds never leave $\log 10 \approx 2.3$,
# the loss of a model that guesses; its validation accuracy stays far below every other
# network's (under 60% on average in every run we tried, often near the 10% of
# guessing). Note which loss that is: the *training* loss. The
# deep plain network is worse than the three-layer baseline on the very images it trains
# on, so its problem is not overfitting but optimisation.
#
# The third arm shows what goes wrong. Changing nothing but the initialization, to
# Kaiming's, the same plain network fits its training set. The failure is the one the
# training-tricks lesson measured on dense layers: PyTorch's default initialization
# shrinks the signal at every layer, so after a dozen convolutions little of the input
# reaches the output, and little of the gradient reaches the first layers. The skip
# connection is a second cure for it: with one addition per block, the default-
# initialized network fits its training set too, and validation accuracy jumps by tens
# of points.
#
# This is not the *degradation problem* of He et al.'s ResNet paper, although it looks
# alike. Their plain networks were carefully initialized and used batch normalization,
# so the signal did not fade, and they argued that the trouble was unlikely to come from
# vanishing gradients. Yet their deeper plain networks still ended with a *higher
# training error* than shallower ones: a deeper network could copy the shallow one and
# set its extra layers to the identity, but gradient descent did not find that solution.
# Residual connections fixed that too, which is why they matter even in networks that
# start out healthy. Our 8×8 digits are too small a problem to show it.
#
# The residual network ends level with the three-layer baseline on the validation set
# or below it. Depth has become trainable, not yet useful: 200 images are few for a network of this
# depth, which memorises them (its training loss is close to zero).
#
# ### Why the shortcut helps gradients flow
#
# Backpropagation multiplies. The gradient reaching block $k$ is the gradient at the
# output times the Jacobian of every block after it. In a plain network that is a
# product of many matrices, and if each one shrinks vectors a little (PyTorch's default
# initialization shrinks the signal about 2.5-fold per layer, as the training-tricks
# lesson measured), the product vanishes geometrically with depth. A residual block has
# the Jacobian (leaving out the final ReLU, which only passes or blocks each unit)
#
# $$\frac{\partial (x + F(x))}{\partial x} = I + \frac{\partial F}{\partial x},$$
#
# so the product over blocks always contains the identity term: there is a path from the
# loss to every layer that passes through no weights at all. Multiplying out the
# product, the gradient is a sum over all subsets of blocks, and the short paths keep it
# from vanishing however deep the stack is.
#
# We can see this directly. Take freshly initialized plain and residual networks (and
# the Kaiming-initialized plain one), push one batch through, and measure the size of
# the gradient on each convolution's weights, from the stem (layer 1) to the last block
# (layer 13).


# %%
def gradient_norms(model):
    model.train()
    loss = F.cross_entropy(model(Xtr[:64]), ytr[:64])
    model.zero_grad()
    loss.backward()
    return np.array(
        [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, nn.Conv2d)]
    )


torch.manual_seed(SEED)
grads_plain = gradient_norms(make_deep(skip=False, batch_norm=False).to(DEVICE))
torch.manual_seed(SEED)
grads_res = gradient_norms(make_deep(skip=True, batch_norm=False).to(DEVICE))
torch.manual_seed(SEED)
grads_kaiming = gradient_norms(make_deep(skip=False, batch_norm=False, kaiming=True).to(DEVICE))

# %% alt="Gradient norm of each of the 13 convolution layers at initialization, on a log scale: for the default-initialized plain network it grows by orders of magnitude from the first layer to the last, for the residual network and the Kaiming-initialized plain network it stays within a small factor"
fig, ax = plt.subplots(figsize=(7.5, 3.8))
layer_axis = np.arange(1, n_conv + 1)
ax.semilogy(layer_axis, grads_plain, marker="o", label="plain")
ax.semilogy(layer_axis, grads_kaiming, marker="o", label="plain, Kaiming init")
ax.semilogy(layer_axis, grads_res, marker="o", label="residual")
ax.set_xlabel("convolution layer (1 = stem, next to the input)")
ax.set_ylabel("gradient norm of its weights")
ax.set_title("At initialization: gradients vanish towards the input without shortcuts")
ax.legend()
plt.show()
spread_plain = grads_plain.max() / grads_plain.min()
spread_res = grads_res.max() / grads_res.min()
spread_kaiming = grads_kaiming.max() / grads_kaiming.min()
print(
    f"largest / smallest gradient norm: plain {spread_plain:.0f}x, "
    f"plain with Kaiming init {spread_kaiming:.0f}x, residual {spread_res:.0f}x"
)
print(f"stem gradient: residual {grads_res[0] / grads_plain[0]:.0f}x larger than plain")
assert math.log10(spread_plain) > 3 and spread_res < 5 and spread_kaiming < 100
assert 4 < math.log10(grads_res[0] / grads_plain[0]) < 7  # orders of magnitude

# %% [markdown]
# In the default-initialized plain network the layers next to the input receive
# gradients thousands of times smaller than the last ones (tens of thousands in this
# run, see the printout), so they barely move,
# and they are the layers everything else is built on. In the residual network every
# layer gets a gradient of about the same size, within a factor of a few, and Kaiming
# initialization keeps the plain network's gradients within a much smaller range
# too. (Adam rescales each parameter's
# update, which is why the plain network learns anything at all; it cannot repair a
# signal that has been squashed to almost nothing on the way forward.)
#
# ## 2. Batch normalization in a CNN
#
# The training-tricks lesson introduced BatchNorm on dense layers. In a convolutional
# network, `nn.BatchNorm2d(C)` computes one mean and one variance *per channel*, over
# the batch and over all positions of the feature map, so that each channel of the
# output has mean 0 and variance 1 on the batch. Then a learned scale $\gamma_c$ and
# shift $\beta_c$ per channel let the network choose a different scale if that helps.
#
# Quick check: how many numbers does `nn.BatchNorm2d(16)` learn by gradient descent?
#
# Answer: 32
#
# Why: one scale $\gamma$ and one shift $\beta$ per channel, 2 × 16. The layer also
# keeps 16 running means and 16 running variances (plus a counter), but those are
# averages of batch statistics, not learned by gradient descent; they live in
# `buffers()`, not `parameters()`.
#
# The second ablation adds BatchNorm after every convolution of the plain and of the
# residual network, in the original ResNet's order (conv, BN, ReLU). The convolutions
# before a BatchNorm drop their bias, because the normalization subtracts the channel
# mean and would cancel it anyway; BatchNorm's shift $\beta$ takes its place. Nothing
# else changes.

# %%
print(
    "learned:",
    sum(p.numel() for p in nn.BatchNorm2d(16).parameters()),
    " buffers:",
    [name for name, _ in nn.BatchNorm2d(16).named_buffers()],
)
results["deep plain + BN"] = run_arm(lambda: make_deep(skip=False, batch_norm=True))
results["deep residual + BN"] = run_arm(lambda: make_deep(skip=True, batch_norm=True))
print(f"{'':>20} {'plain':>14} {'residual':>14}")
for bn in (False, True):
    row = [
        results[f"deep {kind}{' + BN' if bn else ''}"]["val_acc"] for kind in ("plain", "residual")
    ]
    cells = "".join(f"{100 * a.mean():8.1f} ± {100 * a.std():3.1f}" for a in row)
    print(f"{'with BatchNorm' if bn else 'no normalization':>20} {cells}")

plain_bn = results["deep plain + BN"]
res_bn = results["deep residual + BN"]
gain_bn = plain_bn["val_acc"].mean() - plain_arm["val_acc"].mean()
print(
    f"BatchNorm lowers the plain network's training loss from {plain_arm['train_loss'].mean():.2f}"
)
print(
    f"to {plain_bn['train_loss'].mean():.4f} and adds {100 * gain_bn:.0f} points of validation accuracy"
)
assert plain_bn["train_loss"].mean() < 0.05
assert gain_bn > 0.25
assert res_bn["train_loss"].mean() < 0.05
trainable = ("deep plain, Kaiming init", "deep residual", "deep plain + BN", "deep residual + BN")
trainable_acc = [results[n]["val_acc"].mean() for n in trainable]
print(
    f"the four deep networks that train: {100 * min(trainable_acc):.1f}% to "
    f"{100 * max(trainable_acc):.1f}%, baseline {100 * acc_baseline:.1f}%"
)
assert max(trainable_acc) - min(trainable_acc) < 0.12
assert max(trainable_acc) < acc_baseline + 0.05

# %% [markdown]
# BatchNorm rescues the default-initialized plain network on its own: with the
# activations re-scaled after every convolution, the signal cannot fade away on the way
# forward, and the gradients stay healthy on the way back. It is a third cure for the
# same illness, after Kaiming initialization and skip connections. With both BatchNorm
# and skips (bottom right) the network trains reliably too. On this small data set the
# four deep networks that train (Kaiming, residual, BatchNorm, or both) end within
# several points of each other, and none of them clearly beats the baseline. Their training
# losses are all near zero: the remaining problem is the size of the training set.
#
# ### Train mode and eval mode
#
# BatchNorm behaves differently in the two modes, and forgetting which one you are in
# is one of the most common bugs in deep learning code:
#
# - in `model.train()` mode it normalises with the statistics of the *current batch*,
#   and updates its running averages of them;
# - in `model.eval()` mode it normalises with those *running averages*, so each
#   prediction depends on its own image only.
#
# Our `evaluate` helper calls `model.eval()`. Here is what happens if you forget: we
# classify the validation digits one at a time, once in each mode, with a copy of a
# trained network (a forward pass in train mode overwrites the running averages, so we
# keep the original safe).

# %%
acc_eval_mode, acc_train_mode = [], []
for trained in res_bn["models"]:
    careless = copy.deepcopy(trained).train()  # the mistake: still in training mode
    with torch.no_grad():
        one_by_one = torch.cat([careless(x[None]) for x in Xva]).argmax(dim=1)
    acc_train_mode.append((one_by_one == yva).float().mean().item())
    acc_eval_mode.append(evaluate(trained, Xva, yva)[1])
acc_eval_mode, acc_train_mode = np.array(acc_eval_mode), np.array(acc_train_mode)
drop_train_mode = acc_eval_mode.mean() - acc_train_mode.mean()
print(f"one image at a time, eval mode:  {100 * acc_eval_mode.mean():.1f}% (mean of the 3 seeds)")
print(f"one image at a time, train mode: {100 * acc_train_mode.mean():.1f}%")
drops = ", ".join(f"{100 * d:.1f}" for d in acc_eval_mode - acc_train_mode)
print(f"forgetting model.eval() costs {100 * drop_train_mode:.0f} points (seeds: {drops})")
# Printed, not asserted: the drop was positive in every run of the sweep, but its size
# (about 5 to 12 points) varies so much between runs that "it drops" sits only about three
# of its spreads from failing, too close to promise for every reader's seed.

# %% [markdown]
# In train mode each image is normalised with its *own* statistics: every channel of
# every feature map is forced to mean 0 and variance 1 across that single image's
# positions, which throws away part of the information the network learned to use (how
# strongly is this feature present in this image, compared with others?). Accuracy
# dropped in every run we tried, by about five to twelve points on average over the three
# seeds (how much varies from seed to seed, as the printout shows; too much for this lesson
# to promise a figure), and nothing crashes or warns: the
# bug is silent. The fix is one line, `model.eval()`, and its partner `model.train()` before
# training resumes. With `BatchNorm1d` after a dense layer the same mistake is at least
# loud: a batch of one example has nothing to average over, and PyTorch refuses.

# %%
try:
    nn.BatchNorm1d(16).to(DEVICE).train()(torch.randn(1, 16, device=DEVICE))
    message = None
except ValueError as error:  # raised on purpose: one example per feature in train mode
    message = str(error)
print("ValueError:", message)
assert message is not None and "more than 1 value per channel" in message

# %% [markdown]
# ## 3. Data augmentation
#
# All the deep networks now fit their 200 training images almost perfectly, and do
# worse than that on new images. More data would help. *Augmentation* manufactures it:
# at every step, each training image is transformed by a small random change that a
# person would not notice, so the network never sees exactly the same image twice and
# has to learn what stays the same.
#
# For digits we use random rotations of up to 10° either way and random shifts of up to
# one pixel in each direction. Both are one affine transformation per image, done with
# two tensor operations: `F.affine_grid` turns a batch of 2×3 matrices into the
# sampling position of every output pixel, and `F.grid_sample` reads the input at those
# positions (with bilinear interpolation and zeros outside the image). The random
# numbers come from the training loop's generator, so runs are repeatable.


# %%
def augment(x, generator, max_degrees=10.0, max_shift=1.0):
    """Rotate each image by up to +-max_degrees and shift it by up to +-max_shift pixels."""
    n, _, height, _ = x.shape
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(max_degrees)
    shift = (
        (torch.rand(n, 2, generator=generator) * 2 - 1) * max_shift * 2 / height
    )  # in [-1, 1] units
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], dim=1), torch.stack([sin, cos, shift[:, 1]], dim=1)],
        dim=1,
    ).to(x.device)  # (n, 2, 3): one affine map per image
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


examples = augment(Xtr[:1].expand(7, -1, -1, -1), torch.Generator().manual_seed(SEED + 1))
assert examples.shape == (7, 1, 8, 8)
identity = augment(Xtr[:5], torch.Generator().manual_seed(0), max_degrees=0.0, max_shift=0.0)
assert torch.allclose(identity, Xtr[:5], atol=1e-5)  # no rotation, no shift: unchanged

# %% alt="One training digit and seven randomly augmented copies of it: each is rotated by a few degrees or moved by up to a pixel, and all are still clearly the same digit"
fig, axes = plt.subplots(1, 8, figsize=(9, 1.6))
for ax, img, title in zip(
    axes,
    [Xtr[0, 0]] + list(examples[:, 0]),
    ["original"] + [f"copy {i}" for i in range(1, 8)],
    strict=True,
):
    ax.imshow(img.cpu(), cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(title, fontsize=8)
    ax.axis("off")
plt.show()

# %% [markdown]
# Quick check: which of these would be harmful augmentations for digits?
#
# - [ ] shifting by one pixel
# - [ ] rotating by 5°
# - [x] flipping left to right
# - [x] rotating by 180°
#
# Why: an augmentation must not change the label. A mirrored 2 or 3 is no longer a
# digit anyone writes, and a 6 turned upside down is a 9. Which transformations are
# safe depends on the data: left-right flips are the standard augmentation for
# photographs, where a mirrored cat is still a cat.
#
# The last ablation trains two networks with and without augmentation: the residual
# network with BatchNorm, the best-behaved deep network so far, and the three-layer
# baseline. Same seeds, same 200 steps, same learning rate; the only difference is the
# `augment` argument. Evaluation is always on the untouched validation images.

# %%
results["baseline + augmentation"] = run_arm(make_baseline, augment=augment)
results["deep residual + BN + augmentation"] = run_arm(
    lambda: make_deep(skip=True, batch_norm=True), augment=augment
)
gains = {}
for plain_name, aug_name in (
    ("baseline (3 conv layers)", "baseline + augmentation"),
    ("deep residual + BN", "deep residual + BN + augmentation"),
):
    describe(plain_name, results[plain_name])
    describe(aug_name, results[aug_name])
    paired = results[aug_name]["val_acc"] - results[plain_name]["val_acc"]
    gains[plain_name] = paired.mean()
    print(
        f"  augmentation adds {100 * paired.mean():.1f} ± {100 * paired.std():.1f} points "
        f"(seeds: {', '.join(f'{100 * d:+.1f}' for d in paired)})"
    )
res_bn_aug = results["deep residual + BN + augmentation"]
gain_bn_residual = res_bn["val_acc"].mean() - res_arm["val_acc"].mean()
print(
    f"for comparison, BatchNorm added {100 * gain_bn_residual:.1f} points to the residual network"
)
loss_ratio = {
    name: results[aug_name]["train_loss"].mean() / results[name]["train_loss"].mean()
    for name, aug_name in (
        ("baseline (3 conv layers)", "baseline + augmentation"),
        ("deep residual + BN", "deep residual + BN + augmentation"),
    )
}
for name, ratio in loss_ratio.items():
    print(f"augmentation multiplies the final training loss of {name} by {ratio:.1f}")
assert -0.03 < gains["deep residual + BN"] < 0.08  # a few points at most, either way
assert -0.09 < gains["baseline (3 conv layers)"] < 0.07
assert min(math.log10(r) for r in loss_ratio.values()) > 0  # higher in both networks
assert math.log10(loss_ratio["baseline (3 conv layers)"]) > 0.5  # over 3 times higher

# %% [markdown]
# On 200 digits of 8×8 pixels, augmentation changes validation accuracy by a few points
# at most, and how much depends on which 200 images the seed draws. For the residual
# network with BatchNorm it helped in every run we tried, by one to four and a half
# points on average over the three seeds; for the three-layer baseline it made no
# consistent difference, from a cost of several points with one draw to a gain of about
# one with another. A gain that moves this much from one draw of the data to the next
# cannot be sized from one run, or from three seeds on one draw: variance between runs
# is part of the result, and the printout shows this run's share of it. A likely reason
# the small network gains little: on 8×8 images a rotation of 10° or a shift of one
# pixel is a large change, and bilinear resampling blurs strokes only a pixel or two
# wide, so in 200 steps the small network fits the changing images far less well than
# the fixed ones (its training loss ends many times higher). Augmentation's big wins
# come on larger images, where such changes leave far more of the picture intact.
#
# In both networks the training loss ends *higher* with augmentation, because a
# training set that keeps changing is harder to memorise, and that is the point: the
# network has to learn features that survive small rotations and shifts.
#
# ## Choosing on validation, reporting on test
#
# Every comparison so far was made on the validation set. We now pick the arm with the
# best mean validation accuracy, and the test set, untouched until now, reports it, next
# to the two contenders of the obvious headline comparison: the three-layer baseline and
# the full modern recipe (residual blocks, BatchNorm and augmentation).

# %% alt="Validation accuracy of every arm, mean of three seeds with error bars for the spread: the default-initialized deep plain network is far below the rest; every other arm, deep or shallow, with or without augmentation, lies within a few points of the three-layer baseline"
names = list(results)
means = [100 * results[n]["val_acc"].mean() for n in names]
spreads = [100 * results[n]["val_acc"].std() for n in names]
colors = ["gray" if n.startswith("baseline") else "tab:blue" for n in names]
fig, ax = plt.subplots(figsize=(8.5, 4.4))
bars = ax.barh(names, means, xerr=spreads, color=colors)
ax.bar_label(bars, labels=[f"{m:.1f}%" for m in means], padding=6, fontsize=8)
ax.axvline(100 * acc_baseline, color="gray", linestyle="--", linewidth=1)
ax.set_xlim(0, 110)
ax.invert_yaxis()
ax.set_xlabel("validation accuracy, mean ± std over 3 seeds (%)")
ax.set_title("Four ablations on 200 training digits")
plt.show()

chosen = names[int(np.argmax(means))]
print(f"best on validation: {chosen}")
test_acc = {}
for name in dict.fromkeys(
    [chosen, "baseline (3 conv layers)", "deep residual + BN + augmentation"]
):  # the chosen arm may be one of the two contenders
    test_acc[name] = np.array([evaluate(m, Xte, yte)[1] for m in results[name]["models"]])
    seeds_text = ", ".join(f"{100 * a:.1f}" for a in test_acc[name])
    print(
        f"{name:<34} test accuracy {100 * test_acc[name].mean():5.1f}% "
        f"± {100 * test_acc[name].std():.1f} (seeds: {seeds_text})"
    )
modern_gain = (
    test_acc["deep residual + BN + augmentation"].mean()
    - test_acc["baseline (3 conv layers)"].mean()
)
print(f"on the test set, the modern recipe minus the baseline: {100 * modern_gain:+.1f} points")
assert abs(modern_gain) < 0.035
assert len(results) * len(SEEDS) == 24  # the training runs of this lesson

# %% [markdown]
# Which arm wins on validation changes with the seed (the printout names this run's).
# On the test set the full modern recipe and the three-layer baseline end within a
# couple of points of each other: in our runs the modern recipe was level with the
# baseline or up to about a point and a half ahead. That headline comparison would have
# told us little anyway: it changes depth,
# skip connections, BatchNorm and augmentation at once. The ablations take it apart, and
# on 8×8 digits with 200 training images none of the four ideas turns depth into a clear
# gain over a small network. What they show is what each idea does, and that carries over to
# large images and data sets, where depth pays off:
#
# - with PyTorch's default initialization and without skip connections or
#   normalization, the 14-layer network could not even fit its training set;
# - Kaiming initialization, skip connections and BatchNorm each made it trainable, by
#   different means;
# - augmentation made memorising harder and, for the deep network, added one to a few
#   points of validation accuracy in our runs.
#
# ## What we did
#
# - We built a 14-layer CNN from one `Block` module with switches for the identity
#   shortcut and for BatchNorm, and trained every variant with one recipe: same data,
#   seeds, steps, optimiser, learning rate and width, compared on a validation split.
# - Initialization and skip connections: with PyTorch's default initialization the
#   plain deep network stayed near the guessing loss; Kaiming initialization alone, or
#   one addition per block, let it fit the training set, and at initialization the
#   residual network's first layer received a gradient tens of thousands of times
#   larger than the plain one's, or more.
# - BatchNorm: it rescued the plain network on its own. Evaluated one image at a time in
#   train mode by mistake, the same trained network lost several points of accuracy.
# - Augmentation with `affine_grid` and `grid_sample`: random rotations and shifts raised
#   the training loss and changed validation accuracy by a few points at most (up for
#   the residual network, not for the small baseline, in our runs); on the test set the
#   full recipe ended within a couple of points of the three-layer baseline.
#
# ## Questions
#
# 1. Why does the deep plain network's *training* loss show that its problem is
#    optimisation and not overfitting?
#
#    Answer: Overfitting means a low training loss and a high test loss. The plain
#    network's training loss stayed above 1, near the guessing value of 2.3, while the
#    three-layer baseline, the residual network and the Kaiming-initialized plain
#    network drove theirs almost to zero on the same images. It could not fit data that smaller networks fit easily, so gradient
#    descent, not capacity, was failing.
#
# 2. A residual block computes $\text{ReLU}(x + F(x))$. Why does its Jacobian make the
#    gradients of early layers harder to kill than in a plain block?
#
#    Answer: The Jacobian of $x + F(x)$ is $I + \partial F/\partial x$. Backpropagation
#    multiplies one such factor per block, and the product always contains the identity
#    path, which passes through no weights at all. In a plain block the factor is
#    $\partial F/\partial x$ alone, and a product of many factors that each shrink the
#    gradient vanishes geometrically; at initialization the stem's gradient was tens of
#    thousands of times smaller without shortcuts (the printout gives this seed's factor).
#
# 3. The skip connection here adds $x$ directly. What would you need if a block changed
#    the number of channels (say from 16 to 32) or halved the resolution?
#
#    Answer: $x$ and $F(x)$ would no longer have the same shape, so they cannot be
#    added. ResNets then put a *projection* on the shortcut: a 1×1 convolution to 32
#    channels, with stride 2 when the resolution halves (or pad the extra channels
#    with zeros). We avoided this by keeping the width at 16 and placing the max pool
#    between blocks.
#
# 4. What does BatchNorm compute in `model.train()` and in `model.eval()` mode, and why
#    did classifying one image at a time in train mode fail so badly?
#
#    Answer: In train mode it normalises each channel with the mean and variance of the
#    current batch (and updates its running averages); in eval mode it uses the running
#    averages. One image in train mode means each channel is normalised over that
#    image's own positions, which erases how strongly each feature is present compared
#    with other images, and the accuracy dropped by several points on average, with no
#    error or warning. The careless passes also overwrote the running averages,
#    which is why we worked on a copy.
#
# 5. The convolutions that feed a BatchNorm were built with `bias=False`. Why does that
#    not make the BatchNorm arm less expressive than the arm without it?
#
#    Answer: BatchNorm subtracts the batch mean of each channel, which removes any
#    constant added to the channel, so a bias before it would have no effect at all.
#    BatchNorm's own learned shift $\beta$ adds a constant per channel after the
#    normalization and plays the bias's role. Real ResNets use `bias=False` for the
#    same reason.
#
# 6. For the residual network, augmentation raised the training loss and the validation
#    accuracy at the same time. How can both be good news?
#
#    Answer: The training loss is measured on images the network has seen, so a higher
#    value means it memorised less: with every batch randomly rotated and shifted, it
#    cannot store each image exactly. What it learns instead are features that survive
#    those changes, and they work on new digits, which is what the validation accuracy
#    measures.
#
# 7. Why do we run each arm with three seeds and compare means, instead of one run
#    each?
#
#    Answer: Different seeds give different initial weights and batch orders, and the
#    validation accuracy of one arm varied between seeds: by a point or so for the
#    networks that train, by far more for the plain one that does not. A difference
#    between two single runs could be just that noise. Three seeds show the spread, but
#    three seeds agreeing in sign is weak evidence on its own: if an idea changed
#    nothing, each paired difference would come out positive or negative by chance, and
#    all three would agree one time in four (two of the eight sign patterns). What we
#    can trust is a mean difference that is large compared with the spread of the
#    per-seed differences, like augmentation's gain for the residual network; a small
#    difference needs many more seeds, or a larger validation set, before it means
#    anything.
#
# ## Further research
#
# - Make the networks deeper (12 or 24 blocks) and shallower (2 blocks), and plot the
#   final training loss of the plain and the residual network against depth. At what
#   depth does the plain network start to fail? Does the residual network ever fail?
# - Replace BatchNorm with `nn.GroupNorm` or LayerNorm over channels, which do not
#   depend on the batch, and repeat the one-image-at-a-time experiment in train mode.
#   Then train with batches of 4 and compare how each normalization copes.
# - Use the full training set (1,347 images) instead of 200. How do the three gains
#   change? Which ideas matter more with more data, and which less?
# - The follow-up paper by the same authors, "Identity Mappings in Deep Residual
#   Networks" (2016), moves BatchNorm and ReLU *before* each convolution, so that
#   nothing follows the addition and the shortcut is a pure identity from input to
#   output. Implement this "pre-activation" block and compare it with ours.
