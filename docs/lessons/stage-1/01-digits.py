# ---
# title: "Digits: the whole game in one lesson"
# summary: Train a small network to tell handwritten 3s from 7s, measure it against an "ideal digit" baseline, then scale the same recipe up to all ten digits.
# stage: 1
# kind: lesson
# minutes: 45
# device: auto
# resources: [fastai-practical-deep-learning, fastai-teaching-philosophy, google-tensorflow-without-phd, isikdogan-deep-learning-crash-course, scikit-learn-toy-datasets, mnist-database]
# prerequisites: []
# data: []
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Digits: the whole game in one lesson
#
# Most courses would begin here with a chapter on linear algebra, a chapter on
# probability and a careful derivation of backpropagation, and you would train your first
# model some weeks later. We do it the other way round. In the next few minutes you will
# train a neural network that reads handwritten digits, and only then will we take it
# apart to see what each piece does. Children learn baseball by playing a simplified game
# of baseball, not by spending a year on batting practice; this lesson is our simplified
# game of deep learning.
#
# The plan:
#
# 1. **A working result.** A dozen lines that teach a small network to tell a handwritten
#    3 from a handwritten 7.
# 2. **A baseline.** Is the network's accuracy good? We cannot know until we compare it
#    with something simple. We build the "ideal 3" and the "ideal 7" by averaging pixels
#    and classify each image by which ideal it resembles more.
# 3. **Opening the box.** The baseline turns out to be a tiny linear model in disguise,
#    which tells us what the network's layers are doing and how training finds their
#    weights.
# 4. **The full game.** The same recipe on all ten digits, where the gap between baseline
#    and network becomes large, with a confusion matrix to show where each one goes wrong.
#
# The images come from scikit-learn's bundled digits data set (1,797 images of 8×8 pixels),
# a small cousin of the famous MNIST collection, so nothing is downloaded.
#
# **Runtime:** about 15 s on a laptop CPU; a GPU is used when one is available, but it is
# not needed.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn import functional as F

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # the models are tiny: one CPU thread is fastest and steadiest
print("device:", DEVICE)

# %% [markdown]
# ## 1. The working result
#
# Here is the complete program. Read it once for its shape rather than its details: load
# images, keep the 3s and 7s, split them into a part to learn from and a part to test on,
# describe a model, adjust the model's numbers 100 times (each time after looking at all
# the training images at once) so that its answers on the training images improve, and
# finally count how often it is right on images it has never seen. Every line is explained
# later in the lesson.

# %%
digits = load_digits()
is_3_or_7 = (digits.target == 3) | (digits.target == 7)
images = digits.data[is_3_or_7].astype(np.float32) / 16.0  # grey levels 0..16 -> 0..1
labels = (digits.target[is_3_or_7] == 7).astype(np.int64)  # 0 means "3", 1 means "7"
X_train, X_test, y_train, y_test = train_test_split(
    images, labels, test_size=0.5, random_state=SEED, stratify=labels
)
xb, yb = torch.tensor(X_train, device=DEVICE), torch.tensor(y_train, device=DEVICE)
xt, yt = torch.tensor(X_test, device=DEVICE), torch.tensor(y_test, device=DEVICE)

torch.manual_seed(SEED)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2)).to(DEVICE)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for _ in range(100):
    loss = F.cross_entropy(model(xb), yb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

with torch.no_grad():
    net_pred = model(xt).argmax(dim=1)
net_acc = (net_pred == yt).float().mean().item()
print(f"training images: {len(X_train)}, test images: {len(X_test)}")
print(f"network accuracy on unseen 3s and 7s: {net_acc:.1%}")
assert digits.data.shape == (1797, 64) and len(X_train) == len(X_test) == 181
assert net_acc > 0.97

# %% [markdown]
# The network is right on about 99 of every 100 digits it has never seen, after 100 small
# adjustments of its weights (the exact count depends on which images the random split put
# in the test set: with 181 test images, each one is worth more than half a point). That
# is the whole game: data, a model, a loss that says how wrong the model is, and an
# optimiser that makes it less wrong.
#
# But is 99% *good*? That question has no answer yet. If 3s and 7s were so different that
# any rule of thumb could separate them, 99% would be unremarkable; if they were hard to
# tell apart, it would be impressive. The number means something only next to a simple
# alternative. So before admiring the network, let us look at the data and build the
# simplest classifier we can think of.

# %% [markdown]
# ## 2. Look at the data
#
# Always look at your data before modelling it. Each image is 8×8 pixels, stored as a row
# of 64 numbers; reshaping the row back into a square makes it an image again. These
# digits were scanned from forms filled in by just 13 people, then shrunk down, so they
# are blocky and much coarser than what you would see on a phone screen. Thirteen writers
# also means that our random split puts every writer's hand in both the training and the
# test images: the test accuracy measures how well a model reads people it has already
# seen, and it would be lower on a fourteenth writer. The data does not record who wrote
# each image, so we cannot keep whole writers out of training; the data ethics page of
# this stage comes back to this.

# %% alt="Two rows of eight blocky 8-by-8 grey images from the training set, 3s on top and 7s below: the digits are readable but coarse, and the 7s vary in slant and some carry a crossbar"
fig, axes = plt.subplots(2, 8, figsize=(8, 2.3))
for row, digit in enumerate([0, 1]):
    examples = X_train[y_train == digit][:8]
    for ax, image in zip(axes[row], examples, strict=True):
        ax.imshow(image.reshape(8, 8), cmap="gray_r")
        ax.axis("off")
    axes[row][0].set_title(["some 3s", "some 7s"][row], loc="left", fontsize=9)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 3. A baseline: the ideal 3 and the ideal 7
#
# A baseline is a model so simple that you are confident it works and could not have got
# it wrong. Here is one that needs no learning algorithm at all. Average every 3 in the
# training set pixel by pixel: the result is a blurry "ideal 3". Do the same for the 7s.
# Then, to classify a new image, ask which ideal it is closer to, measuring closeness as
# the squared difference summed over all 64 pixels.

# %% alt="Three 8-by-8 images: the blurry mean of all training 3s, the blurry mean of all training 7s, and their difference in red and blue, red where 7s have more ink (centre-left and the right of the top bar) and blue where 3s do (above all the lower right)"
ideal_3 = X_train[y_train == 0].mean(axis=0)
ideal_7 = X_train[y_train == 1].mean(axis=0)

fig, axes = plt.subplots(1, 3, figsize=(7, 2.6))
panels = [
    (ideal_3, "ideal 3 (mean image)", "gray_r"),
    (ideal_7, "ideal 7 (mean image)", "gray_r"),
    (ideal_7 - ideal_3, "ideal 7 minus ideal 3", "RdBu_r"),
]
for ax, (image, title, cmap) in zip(axes, panels, strict=True):
    limit = np.abs(image).max()
    ax.imshow(image.reshape(8, 8), cmap=cmap, vmin=-limit if cmap == "RdBu_r" else 0, vmax=limit)
    ax.set_title(title, fontsize=9)
    ax.axis("off")
plt.tight_layout()
plt.show()


# %%
def distance_to(ideal, X):
    """Squared pixel distance from every row of X to one ideal image."""
    return ((X - ideal) ** 2).sum(axis=1)


baseline_pred = (distance_to(ideal_7, X_test) < distance_to(ideal_3, X_test)).astype(np.int64)
baseline_acc = (baseline_pred == y_test).mean()
baseline_errors = int((baseline_pred != y_test).sum())
net_errors = int((net_pred.cpu().numpy() != y_test).sum())
print(f"baseline accuracy: {baseline_acc:.1%}  ({baseline_errors} mistakes in {len(y_test)})")
print(f"network accuracy:  {net_acc:.1%}  ({net_errors} mistakes in {len(y_test)})")
assert baseline_acc > 0.93  # the baseline is a real competitor, not a straw man

# %% [markdown]
# The baseline is right about 97% of the time. That is the first lesson of this lesson:
# **telling 3s from 7s is easy**, and most of our network's 99% comes from the problem
# rather than from the network. What the network adds is the last two percent or so.
#
# But look at the counts: a handful of mistakes for the baseline, one or two for the
# network. At that size, chance decides a lot. Another random split of the same images
# moves each count up or down by a few, and on some splits the two come out level. One
# split cannot tell us how the two *methods* compare; many splits can. So we repeat the
# whole experiment (split, ideal images, network trained from a fresh start) on 30
# different random splits, which takes a few seconds.


# %%
def three_vs_seven(seed):
    """One split: the mistakes of baseline and network, the network's mistakes among the
    baseline's, and how many of the baseline's mistakes were 7s."""
    X_tr, X_te, y_tr, y_te = train_test_split(
        images, labels, test_size=0.5, random_state=seed, stratify=labels
    )
    m3, m7 = X_tr[y_tr == 0].mean(axis=0), X_tr[y_tr == 1].mean(axis=0)
    base_wrong = (distance_to(m7, X_te) < distance_to(m3, X_te)).astype(np.int64) != y_te
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2)).to(DEVICE)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    x_tr, t_tr = torch.tensor(X_tr, device=DEVICE), torch.tensor(y_tr, device=DEVICE)
    for _ in range(100):
        loss = F.cross_entropy(net(x_tr), t_tr)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        net_wrong = net(torch.tensor(X_te, device=DEVICE)).argmax(dim=1).cpu().numpy() != y_te
    return base_wrong.sum(), net_wrong.sum(), net_wrong[base_wrong].sum(), y_te[base_wrong].sum()


splits = np.array([three_vs_seven(SEED * 100 + i) for i in range(30)])  # 30 fresh splits
base_counts, net_counts = splits[:, 0], splits[:, 1]
rescued = 1 - splits[:, 2].sum() / base_counts.sum()  # baseline mistakes the network got right
for name, c in [("baseline", base_counts), ("network", net_counts)]:
    print(
        f"{name:>8} mistakes per 181 test images: mean {c.mean():.1f} ± {c.std():.1f}, "
        f"from {c.min()} to {c.max()}"
    )
print(
    f"the network made fewer mistakes on {(net_counts < base_counts).sum()} of 30 splits, "
    f"as many on {(net_counts == base_counts).sum()}, more on {(net_counts > base_counts).sum()}"
)
print(f"of all the baseline's mistakes, the network got {rescued:.0%} right")
print(f"7s among the baseline's mistakes, over all 30 splits: {splits[:, 3].sum()}")
assert net_counts.mean() < base_counts.mean() / 2  # less than half the mistakes, on average
assert (net_counts > base_counts).sum() <= 3
assert rescued > 0.5 and splits[:, 3].sum() == 0

# %% [markdown]
# Over 30 splits the network makes, on average, well under half as many mistakes as the
# baseline (the means are printed above), and it hardly ever does worse; but on some
# splits the two tie, and each count wanders over several mistakes from split to split.
# That is why one test set of 181 images could not settle the comparison, and why careful
# comparisons repeat the experiment: variation between runs is part of every result.
# Either way, had we skipped the baseline, we could easily have believed the network did
# something remarkable, when on this task pixel averaging is already remarkable.
#
# The red-blue picture above explains why the baseline works. Red pixels are ink a 7 has
# and a 3 usually lacks: the centre-left, where the 7's stem passes (many of these 7s also
# carry a crossbar there, European style), and the right end of the top bar. Blue pixels
# are ink typical of a 3: above all the lower right, where its bottom bowl curves round.
# An image gets called a 7 when it has more ink in the red places than in the blue ones.
#
# Mistakes teach more than successes. Here are the test images the baseline gets wrong,
# with what the network said about them.

# %% alt="The test images the baseline gets wrong on this split, a handful, each titled with its true label, the baseline's answer and the network's answer: all are 3s with a heavy top bar, the baseline calls every one a 7, and the network gets most of them right"
wrong = np.flatnonzero(baseline_pred != y_test)[:8]  # a handful; rarely none at all
names = np.array(["3", "7"])
fig, axes = plt.subplots(
    1, max(len(wrong), 1), figsize=(1.4 * max(len(wrong), 1), 1.9), squeeze=False
)
axes[0][0].axis("off")  # stays blank on the rare split where the baseline makes no mistake
for ax, i in zip(axes[0], wrong, strict=True):
    ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(
        f"true {names[y_test[i]]}\nbaseline {names[baseline_pred[i]]}\n"
        f"network {names[net_pred[i].item()]}",
        fontsize=8,
    )
    ax.axis("off")
plt.tight_layout()
plt.show()
assert (y_test[wrong] == 0).all()  # every one is a 3 that the baseline called a 7

# %% [markdown]
# Every one of them is a 3, as every baseline mistake was on all 30 splits above, and they
# share a style: a long, heavy top bar and a lower half that is narrow or leans to the
# left. That is exactly where the ideal 7 has its ink, so the baseline is fooled. An
# average cannot cover every style of writing, because it blends all styles into one. A
# model that can keep *several* templates for each digit, and weigh parts of the image
# differently, has a chance with these, and indeed the network gets most of them right
# (over the 30 splits, the share printed above). The network's first layer is what
# provides those extra templates, as we are about to see.
#
# ## 4. Opening the box
#
# ### The baseline is a linear model in disguise
#
# Write an image as a vector $x$ of 64 pixels, and the two ideals as $m_3$ and $m_7$.
# The baseline says "7" when $\lVert x - m_7 \rVert^2 < \lVert x - m_3 \rVert^2$. Expand
# both squares and the $\lVert x \rVert^2$ terms cancel:
#
# $$\lVert x - m_3 \rVert^2 - \lVert x - m_7 \rVert^2
#   = 2\,x \cdot (m_7 - m_3) + \lVert m_3 \rVert^2 - \lVert m_7 \rVert^2 .$$
#
# So the rule is "say 7 when $w \cdot x + b > 0$", with weights $w = 2(m_7 - m_3)$ (the
# red-blue picture, doubled) and a bias $b = \lVert m_3 \rVert^2 - \lVert m_7 \rVert^2$.
# Multiply every pixel by a weight, add them up, add a bias, compare with zero: that is a
# *linear model*, the simplest building block of a neural network. Let us check the algebra
# with code rather than trust it.

# %%
w = 2 * (ideal_7 - ideal_3)
b = (ideal_3**2).sum() - (ideal_7**2).sum()
linear_pred = (X_test @ w + b > 0).astype(np.int64)
print(
    "linear form agrees with the distance form on every test image:",
    bool((linear_pred == baseline_pred).all()),
)
assert (linear_pred == baseline_pred).all()

# %% [markdown]
# The difference between the baseline and the network is therefore not that one is linear
# and the other something mysterious. It is **who chooses the weights, and how many sets
# there are**:
#
# - the baseline has *one* weight image, chosen by hand (difference of averages);
# - the network's first layer, `nn.Linear(64, 32)`, has *32* weight images and 32 biases,
#   each producing one score per image; `nn.ReLU()` sets negative scores to zero, so each
#   of the 32 acts as a detector that either fires or stays silent; the second layer,
#   `nn.Linear(32, 2)`, weighs the 32 detector outputs into one score for "3" and one for
#   "7". Without the ReLU in between, the two layers would collapse into a single linear
#   model, no more expressive than the baseline.
#
# Quick check: how many weights and biases does the first layer, `nn.Linear(64, 32)`, hold?
#
# Answer: 2080
#
# Why: 32 weight images of 64 pixels each, 64 × 32 = 2048 weights, plus one bias for each
# of the 32 units.
#
# None of the network's weights were set by a person. They started as small random numbers
# and were moved by training. Training ran for exactly 100 steps, a number we fixed in
# advance; nothing checked whether the weights had settled, and nothing stopped it early.
# Long before the last step every training image was already classified correctly, the
# loss was close to zero, and so were its gradients, the push that moves the weights.
# Nothing in the loss asks for tidy pictures, so much of the random starting pattern is
# still there. We can measure that: re-create the starting weights with the same seed and
# correlate them with the final ones.

# %%
first_layer = model[0].weight.detach().cpu().numpy()  # shape (32, 64): one row per detector
torch.manual_seed(SEED)  # the seed used just before the working result: the same starting weights
start_layer = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2))[0]
start_weights = start_layer.weight.detach().numpy()
start_corr = np.corrcoef(first_layer.ravel(), start_weights.ravel())[0, 1]
with torch.no_grad():
    train_logits = model(xb)
    final_loss = F.cross_entropy(train_logits, yb).item()
    final_train_acc = (train_logits.argmax(dim=1) == yb).float().mean().item()
print(f"after 100 steps: training accuracy {final_train_acc:.1%}, training loss {final_loss:.4f}")
print(f"correlation between the final and the starting first-layer weights: {start_corr:.2f}")
assert final_train_acc == 1.0 and final_loss < 0.002
assert 0.35 < start_corr < 0.65

# %% [markdown]
# Every training image is right and the loss is a few ten-thousandths, yet the weights are
# still correlated, at around 0.5, with the random numbers they started from. Below are
# eight of the 32 learned weight images next to the baseline's hand-made one. Do not expect
# to read them like the baseline's picture: each unit only has to be useful in combination
# with the other 31, and the random start shows through. Learned weights are rarely as tidy
# as hand-made ones, and that is fine; what matters is that there are many of them and that
# they were chosen to reduce the loss.

# %% alt="Nine small red-blue weight images: the baseline's smooth difference of ideals on the left, then eight of the network's 32 learned first-layer units, which look speckled and noisy, with only faint traces of the 3-versus-7 strokes"
fig, axes = plt.subplots(1, 9, figsize=(10, 1.6))
limit = np.abs(w).max()
axes[0].imshow(w.reshape(8, 8), cmap="RdBu_r", vmin=-limit, vmax=limit)
axes[0].set_title("baseline", fontsize=8)
for k, ax in enumerate(axes[1:]):
    limit = np.abs(first_layer[k]).max()
    ax.imshow(first_layer[k].reshape(8, 8), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"unit {k}", fontsize=8)
for ax in axes:
    ax.axis("off")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### How training chose those weights
#
# The loop in the working result had four lines, and each one has a job:
#
# 1. `model(xb)` runs all training images through the network and returns two scores per
#    image, called *logits*. Bigger means "more likely this class".
# 2. `F.cross_entropy(logits, yb)` turns the scores into probabilities (with the softmax
#    function) and measures how little probability the model gave to the correct answers.
#    A confident right answer costs almost nothing; a confident wrong answer costs a lot.
#    This single number is the *loss*.
# 3. `loss.backward()` computes, for every weight in the network, in which direction and
#    how strongly a small change would increase the loss: the *gradient*. PyTorch records
#    every operation of step 1 and 2 and replays them backwards; stage 2 computes such
#    gradients by hand, and stage 3 rebuilds this machinery for a whole network.
# 4. `optimizer.step()` moves each weight a small step against its gradient, so the loss
#    drops. Adam is a popular variant of plain gradient descent that adapts the step size
#    for every weight. `optimizer.zero_grad()` clears the previous gradients first, because
#    PyTorch adds new gradients to old ones unless told otherwise.
#
# Why use the loss instead of accuracy to steer training? Accuracy only changes when an
# image flips from wrong to right, so a tiny weight change usually leaves it exactly the
# same: it gives the optimiser no direction. The loss changes smoothly with every weight,
# so it always says which way is downhill.
#
# Quick check: why is the network trained to lower the cross-entropy loss rather than to
# raise its accuracy directly?
#
# - [ ] accuracy cannot be computed on the training images
# - [x] a small change of a weight changes the loss, but usually leaves accuracy unchanged
# - [ ] cross-entropy is always higher for the network than for the baseline
#
# Why: the gradient of accuracy is zero almost everywhere, so it gives the optimiser no
# direction; the loss moves with every weight, so its gradient always points downhill.
#
# Let us wrap the loop into a function that also records the loss, so we can watch
# training happen and reuse it in a moment. The working result took one step on all the
# training images at a time. This function works in *epochs* instead, the way large data
# sets must be handled: each epoch shuffles the training images and walks through them in
# *mini-batches* of 64, taking one optimiser step per mini-batch. With 181 training images
# an epoch is three steps (64, 64 and the remaining 53 images), so 20 epochs make 60 steps.


# %% alt="Training loss of the 3-versus-7 network over its 60 mini-batch steps on a log scale: it falls steeply from about 0.7 over the first 20 steps, then flattens out at a few thousandths with small step-to-step wobbles"
def train(model, X, y, epochs, batch_size=64, lr=1e-2):
    """Train with Adam on shuffled mini-batches; return the loss of every step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _epoch in range(epochs):
        order = torch.randperm(len(X), device=X.device)
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss = F.cross_entropy(model(X[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def accuracy(model, X, y):
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


torch.manual_seed(SEED)
model_37 = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2)).to(DEVICE)
losses_37 = train(model_37, xb, yb, epochs=20)
acc_37 = accuracy(model_37, xt, yt)
print(f"mini-batch training: {len(losses_37)} steps, test accuracy {acc_37:.1%}")
print(
    f"loss at the first step {losses_37[0]:.3f}, "
    f"median over steps 21 to 60 {np.median(losses_37[20:]):.4f}"
)
assert len(losses_37) == 20 * 3
assert acc_37 > 0.97
assert losses_37[0] > 0.5 and np.median(losses_37[20:]) < losses_37[0] / 30

plt.figure(figsize=(6, 2.8))
plt.plot(losses_37)
plt.xlabel("training step")
plt.ylabel("cross-entropy loss")
plt.title("3 versus 7: the loss falls fast, then flattens")
plt.yscale("log")
plt.show()

# %% [markdown]
# The loss falls more than thirtyfold within the first 20 steps (about seven epochs), then
# flattens and wobbles: each mini-batch is a different small sample, so each step's loss
# is a noisy measurement. Notice also that nothing we did was specific to 3s and 7s.
# That is the point of the next section.
#
# ## 5. The full game: all ten digits
#
# Now the task becomes one a postal sorting machine would actually need: name any digit
# from 0 to 9. The baseline generalises directly: ten ideal images, one per digit, and each
# test image gets the label of the closest one. The network changes only in its last layer,
# which now outputs ten scores instead of two.

# %% alt="The ten ideal digits, the mean training image of each digit from 0 to 9: every one is clearly recognisable, but blurred wherever writers differ"
X_all = digits.data.astype(np.float32) / 16.0
y_all = digits.target.astype(np.int64)
X10_train, X10_test, y10_train, y10_test = train_test_split(
    X_all, y_all, test_size=0.25, random_state=SEED, stratify=y_all
)
ideals = np.stack([X10_train[y10_train == d].mean(axis=0) for d in range(10)])  # (10, 64)

fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
for d, ax in enumerate(axes):
    ax.imshow(ideals[d].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"ideal {d}", fontsize=8)
    ax.axis("off")
plt.show()

# Squared distance from every test image to every ideal: shape (n_test, 10).
dist10 = ((X10_test[:, None, :] - ideals[None, :, :]) ** 2).sum(axis=2)
baseline10_pred = dist10.argmin(axis=1)
baseline10_acc = (baseline10_pred == y10_test).mean()
print(f"ten-digit baseline accuracy: {baseline10_acc:.1%} on {len(y10_test)} test images")
assert 0.8 < baseline10_acc < 0.98

# %% [markdown]
# The ideal images are clearly recognisable, yet classifying by distance to them is now
# right only about nine times in ten. With ten classes there are many more pairs of digits
# whose averages overlap (think of 1, 7 and 9, or 3, 5 and 8), and one blurry template per
# digit can no longer cover the variety of handwriting. Now the network has room to show
# what learned weights are worth. It is a little wider (64 hidden units) and trains for 30
# epochs with the same `train` function.
#
# Quick check: the 1,347 training images are cut into mini-batches of 64. How many
# optimiser steps do 30 epochs take?
#
# Answer: 660
#
# Why: 1,347 = 21 × 64 + 3, so each epoch has 22 mini-batches (the last one holds only 3
# images), and 30 × 22 = 660.

# %%
xb10 = torch.tensor(X10_train, device=DEVICE)
yb10 = torch.tensor(y10_train, device=DEVICE)
xt10 = torch.tensor(X10_test, device=DEVICE)
yt10 = torch.tensor(y10_test, device=DEVICE)

torch.manual_seed(SEED)
model10 = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(DEVICE)
losses10 = train(model10, xb10, yb10, epochs=30)
train10_acc = accuracy(model10, xb10, yb10)
net10_acc = accuracy(model10, xt10, yt10)
error_ratio = (1 - baseline10_acc) / (1 - net10_acc)
print(f"{len(losses10)} steps; network: train accuracy {train10_acc:.1%}, test {net10_acc:.1%}")
print(f"baseline test accuracy {baseline10_acc:.1%}")
print(
    f"the network makes {error_ratio:.1f} times fewer mistakes than the baseline "
    f"({net10_acc - baseline10_acc:+.1%} accuracy)"
)
assert len(X10_train) == 1347 and len(losses10) == 30 * 22
assert train10_acc > 0.95 and net10_acc > 0.9

# %% [markdown]
# Here the difference is substantial, several percentage points. The training accuracy is
# higher than the test accuracy, as it almost always is: the network has seen each
# training image 30 times, once per epoch, and part of what it learned is specific to
# them. The gap between the two numbers is the first sign of *overfitting*, a theme we will
# come back to in stage 3. (On one split the gap is a point or two and could be luck; the
# five splits below confirm it.)
#
# How large is the gain, really? The 3-versus-7 section showed that one split can mislead,
# so we measure on five: this one and four more, each with its own ideal images and its
# own network trained from a fresh start. We add up the results of all five.


# %%
def ten_digits(seed):
    """One split: both models' confusion matrices and the network's training accuracy."""
    X_tr, X_te, y_tr, y_te = train_test_split(
        X_all, y_all, test_size=0.25, random_state=seed, stratify=y_all
    )
    means = np.stack([X_tr[y_tr == d].mean(axis=0) for d in range(10)])
    base = ((X_te[:, None, :] - means[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(DEVICE)
    train(net, torch.tensor(X_tr, device=DEVICE), torch.tensor(y_tr, device=DEVICE), epochs=30)
    with torch.no_grad():
        pred = net(torch.tensor(X_te, device=DEVICE)).argmax(dim=1).cpu().numpy()
    train_acc = accuracy(net, torch.tensor(X_tr, device=DEVICE), torch.tensor(y_tr, device=DEVICE))
    return [confusion_matrix(y_te, p, labels=range(10)) for p in (base, pred)], train_acc


with torch.no_grad():
    net10_pred = model10(xt10).argmax(dim=1).cpu().numpy()
this_split = [
    confusion_matrix(y10_test, p, labels=range(10)) for p in (baseline10_pred, net10_pred)
]
others = [ten_digits(SEED * 100 + i) for i in range(1, 5)]
confusions = np.array([this_split] + [cms for cms, _ in others])  # (split, model, 10, 10)
train_accs = np.array([train10_acc] + [acc for _, acc in others])
split_accs = np.trace(confusions, axis1=2, axis2=3) / len(y10_test)  # (split, model)
base_cm, net_cm = confusions.sum(axis=0)  # summed over the five splits
base_wrong, net_wrong = (cm.sum() - np.trace(cm) for cm in (base_cm, net_cm))
gain10 = (base_wrong - net_wrong) / base_cm.sum()
for name, accs in zip(["baseline", "network"], split_accs.T, strict=True):
    print(
        f"{name:>8}: accuracy {accs.mean():.1%} over five splits, "
        f"from {accs.min():.1%} to {accs.max():.1%}"
    )
print(
    f"mistakes in all five: baseline {base_wrong}, network {net_wrong}, "
    f"{base_wrong / net_wrong:.1f} times fewer ({gain10:+.1%} accuracy)"
)
print(f"network on its own training images: {train_accs.mean():.1%} over the five splits")
assert base_wrong > 2 * net_wrong
assert train_accs.mean() > split_accs[:, 1].mean()  # better on the images it trained on
assert 0.035 < gain10 < 0.115

# %% [markdown]
# Over the five splits the network makes about a third to a quarter as many mistakes as
# the ten ideal images (the printed ratio), a gain of about seven percentage points; on
# single splits the gain varies by a few points either way, which is why we pooled them.
#
# A single accuracy figure hides *which* digits are confused with which. A **confusion
# matrix** shows it: row $i$, column $j$ counts the test images of digit $i$ that were
# labelled $j$. A perfect classifier puts everything on the diagonal. The matrices below
# add up the five splits.

# %% alt="Two ten-by-ten confusion matrices summed over five splits, true digit down and predicted digit across, mistakes shaded red: the baseline's has many red cells, the largest for 5s called 9s, 1s called 9s, 8s called 1s and 1s called 2s; the network's is much paler off the diagonal"
fig, axes = plt.subplots(1, 2, figsize=(10, 4.4))
for ax, cm, title in [
    (axes[0], base_cm, "baseline: ideal digits"),
    (axes[1], net_cm, "network"),
]:
    off_diagonal = cm - np.diag(np.diag(cm))  # colour the mistakes, not the successes
    ax.imshow(off_diagonal, cmap="Reds", vmin=0, vmax=max(1, off_diagonal.max()))
    for i in range(10):
        for j in range(10):
            if cm[i, j]:
                dark = i != j and off_diagonal[i, j] > off_diagonal.max() / 2
                ax.text(
                    j,
                    i,
                    cm[i, j],
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="tab:blue" if i == j else ("white" if dark else "black"),
                )
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(f"{title} ({np.trace(cm) / cm.sum():.1%} right)", fontsize=10)
plt.tight_layout()
plt.show()

base_off, net_off = (cm - np.diag(np.diag(cm)) for cm in (base_cm, net_cm))
four = [(5, 9), (1, 9), (8, 1), (1, 2)]  # (true digit, answer)
base_four, net_four = (sum(off[cell] for cell in four) for off in (base_off, net_off))
for name, off in [("baseline", base_off), ("network", net_off)]:
    largest = np.argsort(-off, axis=None, kind="stable")[:5]  # flat indices, largest first
    print(f"{name}'s largest confusions (count, true, said):", end=" ")
    print([(int(off.flat[k]), int(k // 10), int(k % 10)) for k in largest])
print(f"5->9, 1->9, 8->1 and 1->2: baseline {base_four} of {base_off.sum()}, network {net_four}")
assert 0.18 < base_four / base_off.sum() < 0.5  # about a third of the baseline's mistakes
assert net_four < base_four / 2

# %% [markdown]
# In the left matrix the red cells are the baseline's confusions, and they make sense when
# you look back at the ideal images. Four cells stand out, and together they hold about a
# third of its mistakes: 5s taken for 9s (the two share the top bar and the right-hand
# stroke), 8s for 1s (the ideal 1 is a thick vertical stroke down the middle, and a narrow
# 8 is mostly a thick vertical stroke down the middle), and 1s for 9s and for 2s (many 1s
# here carry a flag at the top or a foot at the bottom, ink that the ideal 9 and the ideal
# 2 have and the blurred ideal 1 mostly lacks). In the right matrix those cells have mostly
# emptied: the network makes less than half as many of those four confusions, though 8s
# called 1s are often among the ones that survive. The few errors left are worth looking
# at, because they show you the limit of what this data can support.

# %% alt="The test images the ten-digit network gets wrong on this split, each titled with its true digit and the network's answer: several look ambiguous even to a person at 8-by-8 pixels"
wrong10 = np.flatnonzero(net10_pred != y10_test)[:10]
fig, axes = plt.subplots(1, len(wrong10), figsize=(1.2 * len(wrong10), 1.7), squeeze=False)
for ax, i in zip(axes[0], wrong10, strict=True):
    ax.imshow(X10_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"true {y10_test[i]}\nsaid {net10_pred[i]}", fontsize=8)
    ax.axis("off")
plt.tight_layout()
plt.show()

# %% [markdown]
# Several of these would make a person hesitate too: at 8×8 pixels a thin, slanted 8 and a
# 1 with a serif can be the same handful of grey squares. When you see a model fail on
# images that are ambiguous even to you, more training will not help much; better data
# (higher resolution, more examples of the rare styles) would.
#
# ## What we did
#
# - We trained a network first and asked questions afterwards. A dozen lines of PyTorch
#   were enough, and that is true of far bigger models too: the loop is the same.
# - We judged the network against a baseline that takes two lines of NumPy. On 3 versus 7
#   the baseline was already very good, which told us the task was easy; on ten digits the
#   network cut the baseline's mistakes to well under half. Both comparisons needed
#   several random splits, because one test set of a few hundred images is noisy.
# - We saw that the baseline is a linear model with hand-picked weights, and that a
#   network is a stack of linear models with learned weights and a simple non-linearity
#   between them.
# - We used a loss rather than accuracy to steer training, because the loss changes
#   smoothly with the weights, and we saw what "training" meant in each case: 100 steps on
#   all the training images at once, or epochs of shuffled mini-batches.
#
# The next lesson, *Transfer learning*, starts from a network like this one, trained on a
# task with plenty of labels, and reuses it for a new task that has only a few. Later
# stages come back to each of the pieces here in more depth: the matrix products (stage 2),
# the gradients and the training loop written from scratch (stages 2 and 3), and better
# architectures for images (convolutions, stage 3).
#
# ## Questions
#
# 1. Why can an accuracy of 99% on its own not tell you whether a model is good? What did
#    the pixel-average baseline tell us about the 3-versus-7 task?
#
#    Answer: A number only means something next to an alternative: it says nothing about
#    how hard the task is. The ideal-image baseline, with no learning at all, was already
#    right about 97% of the time (a handful of mistakes in 181), so telling 3s from 7s is
#    easy and the network's contribution is the last two percent or so. Even that needed
#    30 splits to measure, because on one split of 181 images the two can tie.
#
# 2. Show, with the expansion of the two squared distances, why the "closest ideal image"
#    rule is a linear model. What are its weights and its bias?
#
#    Answer: $\lVert x - m_3 \rVert^2 - \lVert x - m_7 \rVert^2 = 2\,x \cdot (m_7 - m_3)
#    + \lVert m_3 \rVert^2 - \lVert m_7 \rVert^2$, because the $\lVert x \rVert^2$ terms
#    cancel. The rule "say 7 when this is positive" is $w \cdot x + b > 0$ with weights
#    $w = 2(m_7 - m_3)$ and bias $b = \lVert m_3 \rVert^2 - \lVert m_7 \rVert^2$; the code
#    confirmed that it makes the same prediction as the distance rule on every test image.
#
# 3. What would the network compute if we removed the `nn.ReLU()` between the two linear
#    layers? Could it then do better than a single linear model?
#
#    Hint: write the two layers as one expression, $(x W_1 + b_1) W_2 + b_2$, and multiply
#    it out.
#
#    Answer: it becomes $x (W_1 W_2) + (b_1 W_2 + b_2)$, a single linear model with weights
#    $W_1 W_2$. It could not express anything a single linear layer cannot; it could only
#    find different weights than the baseline, because they are learned rather than chosen
#    by hand.
#
# 4. Why is the network trained to reduce the cross-entropy loss rather than to increase
#    accuracy directly?
#
#    Answer: Accuracy changes only when an image flips from wrong to right, so for almost
#    every small weight change it stays the same and its gradient is zero: it gives the
#    optimiser no direction. Cross-entropy changes smoothly with every weight (a confident
#    right answer costs little, a confident wrong one a lot), so its gradient always says
#    which way is downhill.
#
# 5. What do `loss.backward()` and `optimizer.step()` each do, and why must
#    `optimizer.zero_grad()` come before `loss.backward()`?
#
#    Answer: `loss.backward()` computes the gradient of the loss with respect to every
#    weight, by replaying the recorded operations backwards. `optimizer.step()` moves each
#    weight a small step against its gradient (Adam adapts the step size per weight).
#    PyTorch adds new gradients to the ones already stored, so without `zero_grad()` each
#    step would use the sum of all previous gradients.
#
# 6. Why do we measure accuracy on test images the model was not trained on? What does the
#    gap between the training and test accuracy of the ten-digit network suggest?
#
#    Answer: We want to know how the model does on new images, and the training images are
#    the ones it has been fitted to, so they flatter it. The ten-digit network was right on
#    nearly all of its training images but about 97% of the test images: it has seen
#    each training image 30 times and learned some details specific to them, the first
#    sign of overfitting.
#
# 7. How do you read a confusion matrix? Which pairs of digits did the baseline confuse,
#    and why does that make sense given the ideal images?
#
#    Answer: Row $i$, column $j$ counts the test images of digit $i$ that the model called
#    $j$; the diagonal holds the correct answers and everything else is a mistake. The
#    baseline's largest cells were 5s called 9s (they share the top bar and the right-hand
#    stroke), 1s called 9s and 8s called 1s (a narrow 8 or a slanted 9 is mostly a vertical
#    stroke down the middle, like the ideal 1) and 1s called 2s.
#
# 8. In the mini-batch loss curve the loss wobbles from step to step. Where does that noise
#    come from?
#
#    Answer: Each step's loss is measured on a different mini-batch of at most 64 images
#    (three per epoch, the last one with only 53), so it is a noisy sample of the loss on
#    the whole training set. Once the loss is small, a single harder image in a batch is
#    enough to move it visibly, and on the log scale those changes look large.
#
# ## Further research
#
# - Improve the baseline before blaming it. Try the absolute difference instead of the
#   squared difference, or keep *several* ideal images per digit (for instance the mean of
#   each of three clusters found with `sklearn.cluster.KMeans`). How close can a better
#   baseline come to the network on ten digits?
# - Change the network and record test accuracy for each change: the hidden width (8, 32,
#   128), a second hidden layer, the learning rate (1e-3, 1e-1), the number of epochs. Which
#   change matters most? Keep your notes; stage 3 returns to exactly these choices.
# - Make the task harder on purpose: train on only 10 images per digit. Does the network
#   still beat the ten ideal images? At what training-set size does it start to win?
# - Watch the "Practical Deep Learning for Coders" lesson that works through the same
#   3-versus-7 idea on full-size MNIST images, and write down one thing it does differently.
