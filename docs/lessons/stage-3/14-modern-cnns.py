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
# a small data set memorises it. Three ideas, all in use since about 2015, fix most of
# this:
#
# 1. **Residual connections** (He et al., 2015) let each block add a correction to its
#    input instead of replacing it, so signals and gradients pass through a deep stack.
# 2. **Batch normalization** (Ioffe and Szegedy, 2015) re-centres and re-scales the
#    activations inside the network at every step. You met it in the training-tricks
#    lesson on dense networks; here it goes into a CNN, with a closer look at its two
#    modes.
# 3. **Data augmentation** shows the network randomly rotated and shifted copies of the
#    training images, so it learns that such changes do not change the digit.
#
# Every claim below comes from an *ablation*: two training runs that differ in exactly
# one thing (the skip connection, the normalization, the augmentation) and share
# everything else: the data, the random seeds, the number of steps, the optimiser and
# its learning rate, and the width of the network. Each arm is trained with three seeds
# and we report the mean and the spread, because a difference smaller than the
# seed-to-seed spread is not a difference. The baseline is the three-layer CNN from the
# convolutions lesson, trained with the same recipe.
#
# **Runtime:** about 35 s on a laptop CPU (18 short training runs).

# %%
import copy
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

# %% [markdown]
# ## Data: a small training set
#
# The split is the one from the convolutions lesson: a quarter of the 1,797 digits is
# the test set (450 images). From the training part we keep only **20 images of each
# digit**, 200 in all. Small training sets are where augmentation earns its keep, and
# they keep every run short. The test set stays whole, so that every accuracy below is
# measured on the same 450 images.

# %%
digits = load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    digits.images / 16.0, digits.target, test_size=0.25, random_state=0, stratify=digits.target
)
PER_CLASS = 20
subset = np.concatenate(
    [rng.choice(np.flatnonzero(y_train == c), PER_CLASS, replace=False) for c in range(10)]
)
Xtr = torch.tensor(X_train[subset], dtype=torch.float32, device=DEVICE)[:, None]  # (200, 1, 8, 8)
ytr = torch.tensor(y_train[subset], device=DEVICE)
Xte = torch.tensor(X_test, dtype=torch.float32, device=DEVICE)[:, None]  # (450, 1, 8, 8)
yte = torch.tensor(y_test, device=DEVICE)
print("training", tuple(Xtr.shape), "test", tuple(Xte.shape))
assert len(digits.images) == 1797 and len(Xte) == 450 and len(Xtr) == 200

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
# test set, both in evaluation mode, and the loss of every training step for the plots.

# %%
STEPS, BATCH, PEAK_LR, SEEDS = 200, 64, 4e-3, (0, 1, 2)


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
    arm = {"train_loss": [], "test_acc": [], "curves": [], "models": []}
    for seed in SEEDS:
        torch.manual_seed(seed)
        model = make_model().to(DEVICE)
        arm["curves"].append(fit(model, seed, augment))
        arm["train_loss"].append(evaluate(model, Xtr, ytr)[0])
        arm["test_acc"].append(evaluate(model, Xte, yte)[1])
        arm["models"].append(model)
    for key in ("train_loss", "test_acc", "curves"):
        arm[key] = np.array(arm[key])
    return arm


def describe(name, arm):
    acc, loss = 100 * arm["test_acc"], arm["train_loss"]
    print(
        f"{name:<34} test accuracy {acc.mean():5.1f}% ± {acc.std():3.1f} "
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
acc_majority = (yte == 0).float().mean().item()
print(f"majority class: {100 * acc_majority:.1f}%")
describe("baseline (3 conv layers)", results["baseline (3 conv layers)"])
acc_baseline = results["baseline (3 conv layers)"]["test_acc"].mean()
assert acc_baseline > acc_majority + 0.8
assert 0.92 < acc_baseline < 0.98

# %% [markdown]
# From 200 images the small CNN already gets about 95% of the test digits right, with
# little spread between seeds. That is the number to beat.
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


def make_deep(skip, batch_norm, width=16, n_blocks=6):
    norm = nn.BatchNorm2d(width) if batch_norm else nn.Identity()
    stem = nn.Conv2d(1, width, kernel_size=3, padding=1, bias=not batch_norm)
    layers = [stem, norm, nn.ReLU()]
    for i in range(n_blocks):
        layers.append(Block(width, skip, batch_norm))
        if i == 0:
            layers.append(nn.MaxPool2d(2))  # 8x8 -> 4x4 after the first block
    layers += [nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(width, 10)]
    return nn.Sequential(*layers)


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
# Now the first ablation: the 14-layer network without and with skip connections.
# Neither uses batch normalization yet.

# %%
results["deep plain"] = run_arm(lambda: make_deep(skip=False, batch_norm=False))
results["deep residual"] = run_arm(lambda: make_deep(skip=True, batch_norm=False))
for name in ("deep plain", "deep residual"):
    describe(name, results[name])

# %% alt="Training loss over 200 steps, mean of three seeds with the range shaded: the baseline and the residual network fall close to zero, the deep plain network stays near log 10, the loss of guessing"
fig, ax = plt.subplots(figsize=(8, 4.2))
for name in ("baseline (3 conv layers)", "deep plain", "deep residual"):
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
ax.set_title("14 layers: the plain network barely trains, the residual one does")
ax.legend(fontsize=8)
plt.show()

# %%
plain_arm, res_arm = results["deep plain"], results["deep residual"]
print(
    f"training loss: plain {plain_arm['train_loss'].mean():.3f}, residual {res_arm['train_loss'].mean():.4f}"
)
gain_residual = res_arm["test_acc"].mean() - plain_arm["test_acc"].mean()
print(f"test accuracy: the skip connections add {100 * gain_residual:.0f} points")
assert plain_arm["train_loss"].mean() > 1.0  # hardly better than guessing (log 10 = 2.30)
assert plain_arm["test_acc"].mean() < 0.5
assert res_arm["train_loss"].max() < 0.05  # every seed fits its training set
assert plain_arm["train_loss"].min() > 10 * res_arm["train_loss"].max()
assert gain_residual > 0.4
assert res_arm["test_acc"].mean() < acc_baseline  # trainable, but not yet better

# %% [markdown]
# The plain 14-layer network hardly learns anything in 200 steps: its training loss,
# averaged over the seeds, ends above 1, not far from $\log 10 \approx 2.3$, the loss
# of a model that guesses, and its test accuracy averages well under 50%. Note which loss
# that is: the
# *training* loss. The deep plain network is worse than the three-layer baseline on
# the very images it trains on, so its problem is not overfitting but optimisation. He
# et al. called this the *degradation problem*: a deeper network could in principle
# copy the shallow one and set its extra layers to the identity, yet gradient descent
# does not find that solution. With one addition per block, the same 14 layers fit the
# training set in every seed, and test accuracy jumps by tens of points.
#
# The residual network still ends a little *below* the three-layer baseline on the test
# set. Depth has become trainable, not yet useful: 200 images are few for a network of
# this depth, which memorises them (its training loss is close to zero). The last
# section deals with that.
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
# We can see this directly. Take freshly initialized plain and residual networks, push
# one batch through, and measure the size of the gradient on each convolution's weights,
# from the stem (layer 1) to the last block (layer 13).


# %%
def gradient_norms(model):
    model.train()
    loss = F.cross_entropy(model(Xtr[:64]), ytr[:64])
    model.zero_grad()
    loss.backward()
    return np.array(
        [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, nn.Conv2d)]
    )


torch.manual_seed(0)
grads_plain = gradient_norms(make_deep(skip=False, batch_norm=False).to(DEVICE))
torch.manual_seed(0)
grads_res = gradient_norms(make_deep(skip=True, batch_norm=False).to(DEVICE))

# %% alt="Gradient norm of each of the 13 convolution layers at initialization, on a log scale: for the plain network it grows by orders of magnitude from the first layer to the last, for the residual network it stays within a small factor"
fig, ax = plt.subplots(figsize=(7.5, 3.8))
layer_axis = np.arange(1, n_conv + 1)
ax.semilogy(layer_axis, grads_plain, marker="o", label="plain")
ax.semilogy(layer_axis, grads_res, marker="o", label="residual")
ax.set_xlabel("convolution layer (1 = stem, next to the input)")
ax.set_ylabel("gradient norm of its weights")
ax.set_title("At initialization: gradients vanish towards the input without shortcuts")
ax.legend()
plt.show()
spread_plain = grads_plain.max() / grads_plain.min()
spread_res = grads_res.max() / grads_res.min()
print(f"largest / smallest gradient norm: plain {spread_plain:.0f}x, residual {spread_res:.0f}x")
print(f"stem gradient: residual {grads_res[0] / grads_plain[0]:.0f}x larger than plain")
assert spread_plain > 1e4 and spread_res < 5
assert 1e4 < grads_res[0] / grads_plain[0] < 1e7

# %% [markdown]
# In the plain network the layers next to the input receive gradients tens of thousands
# of times smaller than the last ones, so they barely move, and they are the layers
# everything else is built on. In the residual network every layer gets a gradient of
# about the same size, within a factor of a few. (Adam rescales each parameter's
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
        results[f"deep {kind}{' + BN' if bn else ''}"]["test_acc"] for kind in ("plain", "residual")
    ]
    cells = "".join(f"{100 * a.mean():8.1f} ± {100 * a.std():3.1f}" for a in row)
    print(f"{'with BatchNorm' if bn else 'no normalization':>20} {cells}")

plain_bn = results["deep plain + BN"]
res_bn = results["deep residual + BN"]
gain_bn = plain_bn["test_acc"].mean() - plain_arm["test_acc"].mean()
print(
    f"BatchNorm lowers the plain network's training loss from {plain_arm['train_loss'].mean():.2f}"
)
print(
    f"to {plain_bn['train_loss'].mean():.4f} and adds {100 * gain_bn:.0f} points of test accuracy"
)
assert plain_bn["train_loss"].max() < 0.05
assert gain_bn > 0.4
assert res_bn["train_loss"].max() < 0.05
normalised_or_residual = [
    results[n]["test_acc"].mean()
    for n in ("deep residual", "deep plain + BN", "deep residual + BN")
]
assert max(normalised_or_residual) - min(normalised_or_residual) < 0.05
assert max(normalised_or_residual) < acc_baseline

# %% [markdown]
# BatchNorm rescues the plain network on its own: with the activations re-scaled after
# every convolution, the signal cannot fade away on the way forward, and the gradients
# stay healthy on the way back. It is a different cure for the same illness. With both
# (bottom right) the network trains reliably too. On this small data set the three
# networks that train, residual, BatchNorm, or both, end within a few points of each
# other and all a few points below the baseline. Their training losses are all near
# zero: the remaining problem is the size of the training set.
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
# classify the test digits one at a time, once in each mode, with a copy of a trained
# network (a forward pass in train mode overwrites the running averages, so we keep the
# original safe).

# %%
acc_eval_mode, acc_train_mode = [], []
for trained in res_bn["models"]:
    careless = copy.deepcopy(trained).train()  # the mistake: still in training mode
    with torch.no_grad():
        one_by_one = torch.cat([careless(x[None]) for x in Xte]).argmax(dim=1)
    acc_train_mode.append((one_by_one == yte).float().mean().item())
    acc_eval_mode.append(evaluate(trained, Xte, yte)[1])
acc_eval_mode, acc_train_mode = np.array(acc_eval_mode), np.array(acc_train_mode)
drop_train_mode = acc_eval_mode.mean() - acc_train_mode.mean()
print(f"one image at a time, eval mode:  {100 * acc_eval_mode.mean():.1f}% (mean of the 3 seeds)")
print(f"one image at a time, train mode: {100 * acc_train_mode.mean():.1f}%")
print(f"forgetting model.eval() costs {100 * drop_train_mode:.0f} points")
assert drop_train_mode > 0.04
assert (acc_train_mode < acc_eval_mode).all()  # for every seed

# %% [markdown]
# In train mode each test image is normalised with its *own* statistics: every channel
# of every feature map is forced to mean 0 and variance 1 across that single image's
# positions, which throws away part of the information the network learned to use (how
# strongly is this feature present in this image, compared with others?). Accuracy
# drops by several points for every seed, and nothing crashes or warns: the bug is
# silent. The fix is one line, `model.eval()`, and its partner `model.train()` before
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
#
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


examples = augment(Xtr[:1].expand(7, -1, -1, -1), torch.Generator().manual_seed(1))
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
# The third ablation trains the residual network with BatchNorm, the best-behaved deep
# network so far, with and without augmentation. Same seeds, same 200 steps, same
# learning rate; the only difference is the `augment` argument. Evaluation is always on
# the untouched test images.

# %%
results["deep residual + BN + augmentation"] = run_arm(
    lambda: make_deep(skip=True, batch_norm=True), augment=augment
)
res_bn_aug = results["deep residual + BN + augmentation"]
for name in ("deep residual + BN", "deep residual + BN + augmentation"):
    describe(name, results[name])
paired = 100 * (res_bn_aug["test_acc"] - res_bn["test_acc"])
gain_aug = res_bn_aug["test_acc"].mean() - res_bn["test_acc"].mean()
print(
    f"augmentation adds {100 * gain_aug:.1f} points; per seed: {', '.join(f'{d:+.1f}' for d in paired)}"
)
assert gain_aug > 0.025
assert paired.min() > 0  # better with every seed
assert (
    gain_aug > res_bn["test_acc"].mean() - res_arm["test_acc"].mean()
)  # more than BatchNorm added
assert res_bn_aug["train_loss"].mean() > res_bn["train_loss"].mean()  # harder to memorise

# %% [markdown]
# Augmentation is the largest single gain for the residual network, more than BatchNorm
# added to it: several points of test accuracy, with every seed. Its training loss ends
# *higher* than without augmentation, because a training set that keeps changing is
# harder to memorise, and that is the point. The network has to learn features that survive small rotations and
# shifts, and those transfer to new handwriting.
#
# ## All the arms together
#
# Finally, the modern network (residual blocks, BatchNorm and augmentation) against the
# three-layer baseline, and every arm side by side.

# %% alt="Test accuracy of every arm, mean of three seeds with error bars for the spread: the deep plain network is far below the rest, skip connections or BatchNorm bring the deep network close to the baseline, and with augmentation the residual network is the best of all"
names = list(results)
means = [100 * results[n]["test_acc"].mean() for n in names]
spreads = [100 * results[n]["test_acc"].std() for n in names]
fig, ax = plt.subplots(figsize=(8.5, 4))
bars = ax.barh(names, means, xerr=spreads, color=["gray"] + ["tab:blue"] * (len(names) - 1))
ax.bar_label(bars, labels=[f"{m:.1f}%" for m in means], padding=6, fontsize=8)
ax.axvline(100 * acc_baseline, color="gray", linestyle="--", linewidth=1)
ax.set_xlim(0, 110)
ax.invert_yaxis()
ax.set_xlabel("test accuracy, mean ± std over 3 seeds (%)")
ax.set_title("Three ablations on 200 training digits")
plt.show()

modern = res_bn_aug["test_acc"]
margin = modern.mean() - acc_baseline
errors_cut = 1 - (1 - modern.mean()) / (1 - acc_baseline)
print(
    f"modern CNN {100 * modern.mean():.1f}% vs baseline {100 * acc_baseline:.1f}%: +{100 * margin:.1f} points"
)
print(f"that is {100 * errors_cut:.0f}% fewer test errors")
assert margin > 0.005
assert errors_cut > 0
assert len(results) * len(SEEDS) == 18  # the training runs of this lesson

# %% [markdown]
# The full recipe ends above the baseline, by more than half a point (the printout gives
# the exact margin and the share of test errors it removes). The margin is modest, of
# the order of the seed-to-seed spread of a single run, and it is worth being clear
# about why: 8×8 digits are a small problem, and a three-layer network already does
# well on them. What the ablations show is what each idea does, and that carries over
# to large images, where depth pays off much more:
#
# - without skip connections or normalization, the 14-layer network could not even fit
#   its training set;
# - skip connections and BatchNorm each made it trainable, by different means;
# - augmentation then turned a network that memorised 200 images into one that
#   generalised best.
#
# ## What we did
#
# - We built a 14-layer CNN from one `Block` module with switches for the identity
#   shortcut and for BatchNorm, and trained every variant with one recipe: same data,
#   seeds, steps, optimiser, learning rate and width.
# - Skip connections: the plain deep network stayed near the guessing loss; with one
#   addition per block it fit the training set, and at initialization its first layer
#   received a gradient some $10^5$ times larger.
# - BatchNorm: it rescued the plain network on its own. Evaluated one image at a time in
#   train mode by mistake, the same trained network lost several points of accuracy.
# - Augmentation with `affine_grid` and `grid_sample`: random rotations and shifts added
#   several points of test accuracy with every seed, and the full recipe beat the
#   three-layer baseline.
#
# ## Questions
#
# 1. Why does the deep plain network's *training* loss show that its problem is
#    optimisation and not overfitting?
#
#    Answer: Overfitting means a low training loss and a high test loss. The plain
#    network's training loss stayed above 1, near the guessing value of 2.3, while the
#    three-layer baseline and the residual network drove theirs almost to zero on the
#    same images. It could not fit data that smaller networks fit easily, so gradient
#    descent, not capacity, was failing.
#
# 2. A residual block computes $\text{ReLU}(x + F(x))$. Why does its Jacobian make the
#    gradients of early layers harder to kill than in a plain block?
#
#    Answer: The Jacobian of $x + F(x)$ is $I + \partial F/\partial x$. Backpropagation
#    multiplies one such factor per block, and the product always contains the identity
#    path, which passes through no weights at all. In a plain block the factor is
#    $\partial F/\partial x$ alone, and a product of many factors that each shrink the
#    gradient vanishes geometrically; at initialization the stem's gradient was about
#    $10^5$ times smaller without shortcuts.
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
#    did classifying one test image at a time in train mode fail so badly?
#
#    Answer: In train mode it normalises each channel with the mean and variance of the
#    current batch (and updates its running averages); in eval mode it uses the running
#    averages. One image in train mode means each channel is normalised over that
#    image's own positions, which erases how strongly each feature is present compared
#    with other images, and the accuracy fell by several points for every seed, with
#    no error or warning. The careless passes also overwrote the running averages,
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
# 6. Augmentation raised the training loss and the test accuracy at the same time. How
#    can both be good news?
#
#    Answer: The training loss is measured on images the network has seen, so a higher
#    value means it memorised less: with every batch randomly rotated and shifted, it
#    cannot store each image exactly. What it learns instead are features that survive
#    those changes, and they work on new digits, which is what the test accuracy
#    measures.
#
# 7. Why do we run each arm with three seeds and compare means, instead of one run
#    each?
#
#    Answer: Different seeds give different initial weights and batch orders, and the
#    test accuracy of one arm varied by a point or two between seeds. A difference
#    between two single runs could be just that noise. Three seeds show the spread, and
#    a difference that is larger than the spread and has the same sign for every seed
#    (as for augmentation here) is one we can trust.
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
