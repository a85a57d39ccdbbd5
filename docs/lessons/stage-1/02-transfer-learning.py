# ---
# title: "Transfer learning: pretrain on a big task, fine-tune on a small one"
# summary: Pretrain a small convolutional network on 80,000 generated letters and symbols, fine-tune it on five handwritten digits per class, and compare it with the same network trained from scratch, with a frozen body, with one learning rate for all layers and over a growing number of labels.
# stage: 1
# kind: lesson
# minutes: 50
# device: auto
# resources: [fastai-practical-deep-learning, fastai-fastbook, yosinski-transferable-features, howard-ruder-ulmfit, dive-into-deep-learning, pytorch-tutorials, scikit-learn-toy-datasets]
# prerequisites: [stage-1/01-digits]
# data: []
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Transfer learning: pretrain on a big task, fine-tune on a small one
#
# Hardly anyone trains an image or language model from random numbers. They start from a
# network that someone has already trained on a large data set (ImageNet's 1.2 million
# photographs, or a large share of the text on the web) and *fine-tune* it on their own
# task, which often has only a few hundred labelled examples. The first lesson of
# fast.ai's course does exactly this, and it is the main reason deep learning works on
# small data at all.
#
# We cannot download a pretrained network here, so we make one. The large task is
# generated: tens of thousands of tiny images of letters and symbols, drawn from the fonts
# that matplotlib ships with and distorted at random. The small task is the handwritten
# digits of the previous lesson, with only **five labelled images per digit**. The network
# never sees a digit during pretraining.
#
# The plan:
#
# 1. **Two tasks.** Render the glyphs and pretrain a small convolutional network on them.
# 2. **The working result.** Fine-tune it on 50 labelled digits, against the same network
#    trained from scratch on the same 50 labels and against two classical baselines.
# 3. **Frozen body or fine-tune everything?** Train only a new last layer, and check that
#    the pretrained weights, not the architecture, carry the gain.
# 4. **Discriminative learning rates.** Small steps for the early layers and large ones
#    for the new last layer, against one rate for all of them.
# 5. **More labels.** How the gain shrinks as the labels grow, and when transfer does not
#    help at all.
#
# Every comparison is repeated with three random seeds (each draws a different set of
# labelled images and a different initialisation), and every result shows the mean
# together with the value for each seed or the range across seeds. Watch how much they
# vary: with a few dozen labels, the luck of the draw is often as large as the difference
# between two methods, and telling the two apart is part of the lesson.
#
# **Runtime:** about 30 s on a laptop CPU, a quarter of it pretraining; a GPU is used
# when one is available, but it is not needed.

# %%
import os

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn import functional as F

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # small images and small batches: one CPU thread is steadiest
print("device:", DEVICE)

# %% [markdown]
# ## 1. Two tasks
#
# ### The small task: a few labelled digits
#
# The digits are split once into three parts. A **test set** of 800 images is locked away
# and opened once, at the very end. A **validation set** of 400 images measures every
# comparison on the way, so that our choices are made without the test set. The
# remaining 597 form a **pool**, and each experiment draws its few labelled images from
# it. Pixels are scaled from 0..16 to 0..1, as in the previous lesson.

# %%
digits = load_digits()
X_digits = torch.tensor(digits.data / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
y_digits = torch.tensor(digits.target)
rest_idx, test_idx = train_test_split(
    np.arange(len(y_digits)), test_size=800, random_state=SEED, stratify=digits.target
)
pool_idx, val_idx = train_test_split(
    rest_idx, test_size=400, random_state=SEED, stratify=digits.target[rest_idx]
)
X_pool, y_pool = X_digits[pool_idx], y_digits[pool_idx]
EVAL = {  # the images each accuracy is measured on
    "validation": (X_digits[val_idx].to(DEVICE), y_digits[val_idx].to(DEVICE)),
    "test": (X_digits[test_idx].to(DEVICE), y_digits[test_idx].to(DEVICE)),
}
print(f"pool: {len(pool_idx)} images, validation: {len(val_idx)}, test: {len(test_idx)}")
assert len(pool_idx) == 597 and np.bincount(y_pool.numpy()).min() >= 25


def labelled_subset(per_class, seed):
    """Indices into the pool: `per_class` random images of every digit."""
    pick = np.random.default_rng(seed)
    labels = y_pool.numpy()
    return np.concatenate(
        [pick.choice(np.flatnonzero(labels == d), per_class, replace=False) for d in range(10)]
    )


# %% [markdown]
# ### The big task: letters and symbols in 21 fonts
#
# The 8×8 digits were made by scanning each handwritten digit into a 32×32 black-and-white
# bitmap and counting the inked pixels in each 4×4 block, which gives grey levels from 0
# to 16. We make our glyphs the same way, so that the two tasks share a format:
#
# 1. `TextPath` turns a character of a font into its outline, a set of closed polygons.
#    We scale the outline to fill a 32×32 box, as the digits were, and mark every pixel
#    whose centre lies inside. A pixel inside an odd number of polygons is ink: that keeps
#    the holes of letters such as `o`, `A` and `B` open.
# 2. Each glyph also gets two bolder versions, one and two pixels thicker all round,
#    because pens vary more than fonts do.
#
# The fonts are the DejaVu and STIX families and five TeX fonts that ship inside
# matplotlib; the TeX fonts put their symbols at unusual character codes, so they draw
# only letters. We use 52 letters and 19 symbols, and **no digits**.

# %%
FONT_DIR = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
UNICODE_FONTS = [
    name
    for name in sorted(os.listdir(FONT_DIR))
    if name.endswith(".ttf")
    and name.startswith(("DejaVu", "STIXGeneral"))
    and "Display" not in name  # the Display fonts hold only a few large characters
]
TEX_FONTS = ["cmb10.ttf", "cmr10.ttf", "cmss10.ttf", "cmti10.ttf", "cmtt10.ttf"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SYMBOLS = "+*/=%&@#$?!<>()[]{}"
CHARS = LETTERS + SYMBOLS
SIZE = 32
pixel_centres = np.stack(np.meshgrid(np.arange(SIZE), np.arange(SIZE)), axis=-1).reshape(-1, 2)
pixel_centres = pixel_centres + 0.5


def rasterise(char, font_file):
    """A 32x32 boolean bitmap of one character, scaled to fill the box."""
    outline = TextPath((0, 0), char, size=100, prop=FontProperties(fname=font_file))
    lo, hi = outline.vertices.min(axis=0), outline.vertices.max(axis=0)
    scale, centre = (SIZE - 1) / (hi - lo).max(), (lo + hi) / 2
    ink = np.zeros(SIZE * SIZE, dtype=bool)
    for polygon in outline.to_polygons():
        points = (polygon - centre) * scale * [1, -1] + SIZE / 2  # y grows downwards in images
        ink ^= Path(points).contains_points(pixel_centres)  # odd number of polygons = ink
    return ink.reshape(SIZE, SIZE)


bitmaps, glyph_labels = [], []
for font in UNICODE_FONTS + TEX_FONTS:
    for char in CHARS if font in UNICODE_FONTS else LETTERS:
        bitmaps.append(rasterise(char, os.path.join(FONT_DIR, font)))
        glyph_labels.append(CHARS.index(char))
glyphs_thin = torch.tensor(np.array(bitmaps), dtype=torch.float32)[:, None]
glyphs_bold = F.max_pool2d(glyphs_thin, 3, stride=1, padding=1)  # one pixel thicker all round
glyphs_bolder = F.max_pool2d(glyphs_bold, 3, stride=1, padding=1)
glyph_bank = torch.cat([glyphs_thin, glyphs_bold, glyphs_bolder])
bank_labels = torch.tensor(glyph_labels).repeat(3)
bank_weights = torch.tensor([0.15, 0.50, 0.35]).repeat_interleave(len(glyphs_thin))
N_FONTS, N_GLYPH_CLASSES = len(UNICODE_FONTS) + len(TEX_FONTS), len(CHARS)
print(f"{N_FONTS} fonts, {N_GLYPH_CLASSES} classes, {len(glyphs_thin)} distinct glyphs")
assert N_FONTS == 21 and N_GLYPH_CLASSES == 71 and 1300 < len(glyphs_thin) < 1500

# %% [markdown]
# About 1,400 glyphs are too few to pretrain on, and they are too neat: every `A` of a
# font is the same `A`. So whenever we need training images we draw new ones at random: a
# random glyph in one of its three weights, squeezed to between 55 % and 100 % of its
# width and 70 % to 105 % of its height, rotated by up to 23°, slanted, shifted a little,
# with 10 % of its ink pixels knocked out, and finally reduced to 8×8 grey levels exactly
# as the digits were.
#
# `F.grid_sample` does the geometry: for every pixel of the output it reads the input at a
# position given by a 2×3 matrix, `theta`, and `F.affine_grid` turns `theta` into those
# positions. The generators are seeded from `SEED`, so the "random" images are the same
# on every run with the same seed.


# %%
def make_glyphs(n, gen):
    """n random distorted glyphs as 8x8 grey images in 0..1, with their class labels."""
    idx = torch.multinomial(bank_weights, n, replacement=True, generator=gen)

    def uniform(lo, hi):
        return lo + (hi - lo) * torch.rand(n, generator=gen)

    angle, shear = uniform(-0.4, 0.4), uniform(-0.5, 0.5)
    width, height = uniform(0.55, 1.0), uniform(0.7, 1.05)
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.zeros(n, 2, 3)  # maps output pixel positions to input positions
    theta[:, 0, 0], theta[:, 0, 1] = cos / width, (shear - sin) / width
    theta[:, 1, 0], theta[:, 1, 1] = sin / height, cos / height
    theta[:, 0, 2], theta[:, 1, 2] = uniform(-0.15, 0.15), uniform(-0.1, 0.1)
    grid = F.affine_grid(theta, (n, 1, SIZE, SIZE), align_corners=False)
    ink = F.grid_sample(glyph_bank[idx], grid, align_corners=False) > 0.5
    ink &= torch.rand(ink.shape, generator=gen) > 0.1  # stroke noise
    return F.avg_pool2d(ink.float(), 4), bank_labels[idx]  # 4x4 blocks -> 8x8 grey levels


glyph_gen = torch.Generator().manual_seed(SEED)  # the training glyphs
X_glyph_val, y_glyph_val = make_glyphs(3000, torch.Generator().manual_seed(SEED + 1000))
ink_glyphs, ink_digits = X_glyph_val.mean().item(), X_pool.mean().item()
print(f"mean ink per pixel: glyphs {ink_glyphs:.2f}, digits {ink_digits:.2f}")
assert abs(ink_glyphs - ink_digits) < 0.06

# %% alt="Two rows of tiny 8x8 images: the top row shows twelve generated letters and symbols in different fonts, slants and thicknesses, the bottom row twelve real handwritten digits; both are blocky grey images of the same size and similar darkness"
fig, axes = plt.subplots(2, 12, figsize=(10, 2.2))
for ax, image, label in zip(axes[0], X_glyph_val[:12], y_glyph_val[:12], strict=True):
    ax.imshow(image[0], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(CHARS[label], fontsize=9)
for ax, image, label in zip(axes[1], X_pool[:12], y_pool[:12], strict=True):
    ax.imshow(image[0], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(str(label.item()), fontsize=9)
for ax in axes.ravel():
    ax.axis("off")
fig.suptitle("generated glyphs (top) and handwritten digits (bottom)", fontsize=10)
plt.show()

# %% [markdown]
# The glyphs carry about as much ink as the digits, which matters: a network that only
# ever saw faint images would respond oddly to dark ones. They are not handwriting,
# though, and the gap between printed and handwritten shapes is the gap that transfer has
# to bridge.
#
# ### The network and its pretraining
#
# The network is a small convolutional network. Convolutions are the subject of stage 3;
# for now it is enough to know that each `nn.Conv2d` slides small pattern detectors
# (3×3 pixels) over the image and `nn.MaxPool2d` halves its size. We split the network
# into a **body**, which turns an image into 128 numbers (its *features*), and a
# **head**, one linear layer from the features to one score per class. The head belongs
# to one task; the body is what we hope to reuse.


# %%
def make_body():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 8x8 -> 4x4
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 4x4 -> 2x2
        nn.Flatten(), nn.Linear(64 * 2 * 2, 128), nn.ReLU(),
    )  # fmt: skip


def make_net(n_classes):
    return nn.Sequential(make_body(), nn.Linear(128, n_classes)).to(DEVICE)


def accuracy(model, X, y):
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


n_body = sum(p.numel() for p in make_body().parameters())
print(f"weights and biases: body {n_body:,}, digit head {128 * 10 + 10:,}")
assert 57_000 < n_body + 128 * 10 + 10 < 58_000  # "over 57,000 weights" below

# %% [markdown]
# Pretraining draws 16,000 fresh glyphs for each of five passes, so the network learns
# from 80,000 images, each distorted in its own way. The learning rate rises and then
# falls over the run (the "one-cycle" schedule that fastai uses by default).

# %%
EPOCHS, PER_EPOCH, BATCH = 5, 16_000, 256
torch.manual_seed(SEED)
pretrained = make_net(N_GLYPH_CLASSES)
optimizer = torch.optim.Adam(pretrained.parameters(), lr=3e-3)
schedule = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr=3e-3, total_steps=EPOCHS * (PER_EPOCH // BATCH)
)
X_glyph_val, y_glyph_val = X_glyph_val.to(DEVICE), y_glyph_val.to(DEVICE)
for epoch in range(EPOCHS):
    X_glyph, y_glyph = make_glyphs(PER_EPOCH, glyph_gen)
    X_glyph, y_glyph = X_glyph.to(DEVICE), y_glyph.to(DEVICE)
    for start in range(0, PER_EPOCH - BATCH + 1, BATCH):
        batch = slice(start, start + BATCH)
        loss = F.cross_entropy(pretrained(X_glyph[batch]), y_glyph[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
    glyph_acc = accuracy(pretrained, X_glyph_val, y_glyph_val)
    print(f"pass {epoch + 1}: loss {loss.item():.2f}, accuracy on unseen glyphs {glyph_acc:.1%}")
assert 0.6 < glyph_acc < 0.8
pretrained_body = pretrained[0].state_dict()

# %% [markdown]
# About seven glyphs in ten are named correctly, out of 71 classes. That is less bad than
# it looks: several pairs are the same shape once scaled to fill the box (`c` and `C`,
# `o` and `O`, `s` and `S`, `x` and `X`, `l` and `I`), so no reader could get all of
# them right. We do not need a perfect glyph reader. We need a body whose features are
# useful for *other* small black-and-white shapes.
#
# ## 2. The working result: fine-tuning against training from scratch
#
# One function runs every experiment in this lesson. It builds a new network for the ten
# digits. For the transfer methods it copies the pretrained body into it; the head is
# always new, because the digit task has different classes. Then it trains on the
# labelled images with Adam for 80 steps of up to 64 images, and returns its accuracy on
# the validation images. It also measures the test images, but seals that number away
# until the very end.
#
# The methods differ only in the starting point and in the learning rate of each of four
# layer groups: the first two convolutions, the third convolution, the fully connected
# layer of the body, and the head. A rate of 0 means that group is not trained.
# `"fine-tune"` is the recipe fastai uses: every layer is trained, with rates rising from
# 1e-4 at the input to 1e-2 at the head. Sections 3 and 4 take that recipe apart.

# %%
STEPS, FT_BATCH = 80, 64
SEEDS = [SEED * 100 + i for i in range(3)]  # three runs per method, each its own draw
LEARNING_RATES = {  # first two convolutions, third convolution, fully connected, head
    "scratch": [3e-3, 3e-3, 3e-3, 3e-3],
    "fine-tune": [1e-4, 4.6e-4, 2.2e-3, 1e-2],
    "frozen": [0, 0, 0, 1e-2],
    "random frozen": [0, 0, 0, 1e-2],
    "fine-tune, one rate 3e-3": [3e-3, 3e-3, 3e-3, 3e-3],
    "fine-tune, one rate 1e-2": [1e-2, 1e-2, 1e-2, 1e-2],
}
PRETRAINED = {"fine-tune", "frozen", "fine-tune, one rate 3e-3", "fine-tune, one rate 1e-2"}


def layer_groups(model):
    body, head = model
    return [[body[0], body[2]], [body[5]], [body[9]], [head]]


SEALED = {}  # test accuracy of every run on unshuffled digits, unread until the end


def run(method, per_class, seed, pixel_order=None):
    """Train one network on `per_class` labelled digits per class; return its validation
    accuracy (and seal away its test accuracy)."""
    idx = labelled_subset(per_class, seed)
    X_train, y_train = X_pool[idx].to(DEVICE), y_pool[idx].to(DEVICE)
    X_eval, y_eval = EVAL["validation"]
    if pixel_order is not None:  # section 5: one fixed shuffle of the 64 pixels
        X_train, X_eval = (
            X.flatten(1)[:, pixel_order].reshape(-1, 1, 8, 8) for X in (X_train, X_eval)
        )
    torch.manual_seed(seed)
    model = make_net(10)
    if method in PRETRAINED:
        model[0].load_state_dict(pretrained_body)  # copy the pretrained body; the head stays new
    groups = []
    for layers, lr in zip(layer_groups(model), LEARNING_RATES[method], strict=True):
        params = [p for layer in layers for p in layer.parameters()]
        if lr > 0:
            groups.append({"params": params, "lr": lr})
        else:
            for p in params:
                p.requires_grad_(False)  # frozen: no gradient, no change
    optimizer = torch.optim.Adam(groups)
    batches = torch.Generator().manual_seed(seed)
    for _ in range(STEPS):
        batch = torch.randperm(len(X_train), generator=batches)[:FT_BATCH].to(DEVICE)
        loss = F.cross_entropy(model(X_train[batch]), y_train[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if pixel_order is None:
        SEALED[method, per_class, seed] = accuracy(model, *EVAL["test"])
    return accuracy(model, X_eval, y_eval)


def compare(methods, per_class):
    """Test accuracy of every method for every seed: an array of shape (methods, seeds)."""
    return np.array([[run(m, per_class, s) for s in SEEDS] for m in methods])


def show(names, results):
    for name, accs in zip(names, results, strict=True):
        seeds = ", ".join(f"{a:.1%}" for a in accs)
        print(f"{name:38s} {accs.mean():6.1%}   seeds: {seeds}")


# %% [markdown]
# The two classical baselines need no network: a nearest-centroid classifier (the "ideal
# digit" of the previous lesson) and a logistic regression on the 64 pixels, each fitted
# to the same labelled images.


# %%
def classical(method, per_class, seed, pixel_order=None, on="validation"):
    idx = labelled_subset(per_class, seed)
    X_train, y_train = X_pool[idx].flatten(1).numpy(), y_pool[idx].numpy()
    X_eval, y_eval = EVAL[on][0].flatten(1).cpu().numpy(), EVAL[on][1].cpu().numpy()
    if pixel_order is not None:  # section 5
        order = pixel_order.cpu().numpy()
        X_train, X_eval = X_train[:, order], X_eval[:, order]
    if method == "logistic":
        model = LogisticRegression(max_iter=2000).fit(X_train, y_train)
        return (model.predict(X_eval) == y_eval).mean()
    ideals = np.stack([X_train[y_train == d].mean(axis=0) for d in range(10)])  # (10, 64)
    distances = ((X_eval[:, None, :] - ideals[None]) ** 2).sum(axis=2)
    return (distances.argmin(axis=1) == y_eval).mean()


K = 5
centroid_acc = np.array([classical("centroid", K, s) for s in SEEDS])
logistic_acc = np.array([classical("logistic", K, s) for s in SEEDS])
scratch_acc, finetune_acc = compare(["scratch", "fine-tune"], K)
print(f"{K} labelled images per digit ({10 * K} in all); accuracy on the validation digits:")
show(
    ["nearest centroid", "logistic regression", "CNN from scratch", "CNN pretrained, fine-tuned"],
    [centroid_acc, logistic_acc, scratch_acc, finetune_acc],
)
gain = finetune_acc - scratch_acc
errors_removed = 1 - (1 - finetune_acc.mean()) / (1 - scratch_acc.mean())
print(f"fine-tuned minus scratch: {gain.mean():+.1%} on average, {gain.min():+.1%} at worst")
print(f"share of the scratch network's mistakes removed: {errors_removed:.0%}")
assert 0.7 < scratch_acc.mean() < 0.95 and 0.8 < finetune_acc.mean() < 0.95
assert scratch_acc.mean() < logistic_acc.mean() + 0.05  # not clearly better than logistic

# %% [markdown]
# With the same 50 labels, the same network and the same number of training steps,
# starting from the pretrained body usually lifts validation accuracy by a few points (in
# this run, by the gain printed above). Now rerun the lesson with another `TDL_SEED`,
# which draws another split of the digits, another pretraining run and other labelled
# images. The gain moves a lot: in the seeds we tried it went from almost nothing to
# about eight points. With 50 labelled images the luck of the draw is as large as the
# effect, and one comparison, or even three seeds on one split, can mislead in either
# direction. Section 5 shows where the gain is large enough to rely on: where labels are
# scarcest.
#
# The baselines put this in perspective. With 50 labels, the convolutional network
# trained from scratch is *not clearly better than logistic regression on raw pixels* (in
# our runs it was always a little worse): it has over 57,000 weights and 50 images cannot
# pin them down. The pretrained network does better
# than the network from scratch, but at this size it only draws level with the classical
# baselines, give or take a few points. That is the practical point of transfer learning:
# it lets a large model be used where the labels alone could support only a small one;
# here, the small one is already a strong competitor.
#
# Quick check: what did the pretrained network learn from before it was fine-tuned?
#
# - [ ] handwritten digits with their labels
# - [ ] handwritten digits without their labels
# - [x] generated letters and symbols with their labels
#
# Why: the pretraining set has 71 classes of letters and symbols and no digits; the
# digits, and their labels, appear only during fine-tuning.
#
# ## 3. Frozen body or fine-tune everything?
#
# Fine-tuning changed every weight of the network, the pretrained ones included. The
# cheaper alternative is to **freeze** the body, so that it works as a fixed feature
# extractor, and train only the new head: in effect a logistic regression on the 128
# pretrained features.
#
# Freezing also gives a control experiment. Perhaps the gain comes from the architecture
# rather than from pretraining? Then a frozen body with *random* weights would do as
# well. The `"random frozen"` method keeps the body at its random initialisation and
# trains only the head.

# %%
frozen_acc, random_frozen_acc = compare(["frozen", "random frozen"], K)
show(
    [
        "random body frozen, head trained",
        "pretrained body frozen, head trained",
        "fine-tuned, all layers",
    ],
    [random_frozen_acc, frozen_acc, finetune_acc],
)
assert frozen_acc.mean() > random_frozen_acc.mean()
assert random_frozen_acc.mean() < scratch_acc.mean()
assert finetune_acc.mean() - frozen_acc.mean() < 0.07

# %% [markdown]
# Two results:
#
# - The frozen random body is worse even than training from scratch, and far behind the
#   frozen pretrained body: the gain lives in the pretrained *weights*, not in the shape
#   of the network.
# - With five labels per class, training only the head comes within a few points of
#   fine-tuning every layer, at a fraction of the cost: no gradient flows through the
#   body, and one could even compute the 128 features of every image once and fit a plain
#   logistic regression to them. Fine-tuning every layer often adds a point or two on
#   top, because the features themselves can adapt a little from printed to handwritten
#   shapes. Section 5 shows how the two compare as the labels grow.
#
# Quick check: when the body is frozen, which weights does `optimizer.step()` change?
#
# - [ ] every weight in the network
# - [ ] the convolutional layers only
# - [x] the head's weights and biases only
#
# Why: the body's parameters have `requires_grad` switched off and were never handed to
# the optimiser, so only the head's parameters move.
#
# ## 4. Discriminative learning rates
#
# The layers of a pretrained network do not need the same amount of change. The head
# starts from random numbers and needs large steps. The first layers detect strokes,
# edges and corners, which look the same in letters and in digits, so they need little
# change. Later layers combine those into larger parts of shapes, which are more specific
# to the original task, so they sit in between. That is why the `"fine-tune"` recipe uses
# **discriminative learning rates**: a rate per layer group, rising from the input to the
# output, here by a factor of about 4.6 per group, from 1e-4 to 1e-2. The ULMFiT paper
# introduced this for language models, and fastai writes it as
# `lr_max=slice(1e-4, 1e-2)`: the first group gets the first number, the head the last,
# and the groups in between are spaced evenly on a log scale.
#
# What if we use one rate everywhere instead? We try the head's rate, 1e-2, and a more
# careful 3e-3.

# %%
one_large_acc, one_mid_acc = compare(["fine-tune, one rate 1e-2", "fine-tune, one rate 3e-3"], K)
show(
    [
        "CNN from scratch",
        "fine-tune, one rate 1e-2",
        "fine-tune, one rate 3e-3",
        "fine-tune, 1e-4 .. 1e-2",
    ],
    [scratch_acc, one_large_acc, one_mid_acc, finetune_acc],
)
recipe_spread = np.ptp([one_large_acc.mean(), one_mid_acc.mean(), finetune_acc.mean()])
print(f"the three ways of fine-tuning lie within {recipe_spread:.1%} of each other")
assert recipe_spread < 0.15

# %% [markdown]
# Here the three recipes end up close together, and their order changes from seed to
# seed: in some of our runs one large rate for every layer threw the whole gain away and
# ended about where the network from scratch did, in others it did as well as the
# discriminative rates. What can go wrong is clear. The first steps are driven by a
# random head, so the gradients reaching the body are large and point in arbitrary
# directions; with a large rate they can push the pretrained weights far from where
# pretraining left them before the head has learned anything. Whether that happens in a
# given run is partly luck. The virtue of discriminative rates is that the head can learn
# fast *without* putting the body at risk, so you need not search for the one rate that
# happens to suit every layer. It is a safeguard, not a guaranteed gain, and with 50
# labels no single run can show the difference.
#
# fastai's `fine_tune` adds one more safeguard: it first trains the head alone with the
# body frozen, so that the head is no longer random when the body starts to move.
#
# Quick check: in the discriminative recipe, which layer group gets the smallest learning
# rate?
#
# - [x] the first convolutional layers
# - [ ] the fully connected layer of the body
# - [ ] the new head
#
# Why: the first layers hold the most general features (strokes and edges) and need the
# least change; the new head starts from random weights and needs the most.
#
# ## 5. More labels: how the gain shrinks
#
# Five labels per class is very few. We repeat the comparison for 2 to 25 labels per
# class (20 to 250 images), with the frozen body and logistic regression alongside.

# %%
PER_CLASS = [2, 5, 10, 25]
METHODS = ["scratch", "frozen", "fine-tune"]
table = {K: dict(zip(METHODS, [scratch_acc, frozen_acc, finetune_acc], strict=True))}
for k in PER_CLASS:
    if k != K:
        table[k] = dict(zip(METHODS, compare(METHODS, k), strict=True))
    table[k]["logistic"] = np.array([classical("logistic", k, s) for s in SEEDS])

print("labels per digit   logistic  scratch  frozen  fine-tuned   gain  mistakes removed")
for k in PER_CLASS:
    lo, sc, fr, ft = (table[k][m].mean() for m in ["logistic", "scratch", "frozen", "fine-tune"])
    print(
        f"{k:9d}          {lo:6.1%}  {sc:6.1%}  {fr:6.1%}   {ft:6.1%}  {ft - sc:+6.1%}   {1 - (1 - ft) / (1 - sc):5.0%}"
    )
gains = {k: (table[k]["fine-tune"] - table[k]["scratch"]).mean() for k in PER_CLASS}
removed = {
    k: 1 - (1 - table[k]["fine-tune"].mean()) / (1 - table[k]["scratch"].mean()) for k in PER_CLASS
}
frozen_gain = {k: (table[k]["frozen"] - table[k]["scratch"]).mean() for k in PER_CLASS}
print(
    f"with 2 labels per digit: fine-tuned {gains[2]:+.1%}, frozen {frozen_gain[2]:+.1%} over scratch"
)

# %% alt="Test accuracy against labelled images per digit, 2 to 25 on a log scale, for logistic regression, the network trained from scratch, the frozen pretrained body and the fine-tuned pretrained network: all rise with more labels; the two pretrained curves lead the network from scratch most clearly at 2 labels per digit, and their lead shrinks as the labels grow"
fig, ax = plt.subplots(figsize=(6.5, 3.8))
for method, label, colour in [
    ("fine-tune", "pretrained, fine-tuned", "tab:blue"),
    ("frozen", "pretrained, frozen body", "tab:cyan"),
    ("scratch", "same CNN from scratch", "tab:orange"),
    ("logistic", "logistic regression", "tab:grey"),
]:
    accs = np.array([table[k][method] for k in PER_CLASS])
    mean = accs.mean(axis=1)
    spread = [mean - accs.min(axis=1), accs.max(axis=1) - mean]
    ax.errorbar(PER_CLASS, mean, yerr=spread, marker="o", capsize=3, label=label, color=colour)
ax.set_xscale("log")
ax.minorticks_off()
ax.set_xticks(PER_CLASS, [str(k) for k in PER_CLASS])
ax.set_xlabel("labelled images per digit")
ax.set_ylabel("validation accuracy")
ax.set_title(
    "Transfer helps most when labels are scarce (bars: lowest to highest seed)", fontsize=10
)
ax.legend()
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# With 2 labels per digit both pretrained networks were ahead of the same network from
# scratch in every one of the five seeds of our sweep, by about five to eight points on
# average (this run's lead is printed above); with 25 the lead tends to be smaller,
# because 250 labelled images already teach the network much of what pretraining gave it
# for free. But even at 2 labels the lead moves by a couple of points from seed to seed,
# and between the two ends the numbers jump about, as in section 2: a gain of a few points
# is the size of the noise here, and three seeds are not enough to pin it down. That is
# why this lesson asserts no figure for it. Measured as
# the share of the scratch network's mistakes it removes (last column) the gain shrinks
# less than in percentage points.
#
# The frozen body tells a second story. Its features are fixed, so more labels can only
# improve the head: with 2 labels per digit it is well ahead of the network from scratch,
# and by 25 its lead has usually shrunk, often to nothing. That is the usual rule of thumb: with
# very little data, freeze; with more, fine-tune everything.
#
# This is also why "how much data do I need?" has no fixed answer. With a good pretrained
# model a few dozen labelled examples per class can be enough; from scratch you may need
# thousands.
#
# ### When transfer does not help
#
# Transfer works when the two tasks share structure that the body has learned to detect:
# here, strokes and how they sit next to each other in the image. Remove that structure
# and the gain should go. A sharp test is to shuffle the pixels of every digit image with
# one fixed permutation, in training and validation images alike. Logistic regression
# gives each pixel its own weight, so it does not care about their order and scores
# exactly as before. The pretrained body, whose detectors look at neighbouring pixels,
# now meets patterns unlike anything it was trained on.

# %%
pixel_order = torch.from_numpy(rng.permutation(64)).to(DEVICE)
shuffled_frozen = np.array([run("frozen", K, s, pixel_order) for s in SEEDS])
shuffled_logistic = np.array([classical("logistic", K, s, pixel_order) for s in SEEDS])
show(
    [
        "frozen pretrained body, normal pixels",
        "frozen pretrained body, shuffled",
        "logistic regression, normal pixels",
        "logistic regression, shuffled",
    ],
    [frozen_acc, shuffled_frozen, logistic_acc, shuffled_logistic],
)
assert 0.03 < frozen_acc.mean() - shuffled_frozen.mean() < 0.5
assert np.abs(shuffled_logistic - logistic_acc).max() < 0.005
assert shuffled_frozen.mean() < shuffled_logistic.mean()

# %% [markdown]
# On shuffled pixels the pretrained features lose about fifteen to thirty points and fall
# far below logistic regression, which does not notice the shuffle at all. Unlike the
# small gains above, this loss is far larger than the noise, so every seed shows it. The
# same thing happens, less dramatically, whenever the new task differs from the
# pretraining task in what matters: a network pretrained on photographs helps less with
# X-rays or spectrograms than with other photographs, and a language model pretrained on
# news helps less with source code. Yosinski and colleagues measured this on ImageNet:
# features transfer worse as the two tasks grow apart, and the first layers are the most
# general while the last ones are the most specific to the original task.
#
# ### The test set, opened once
#
# Every comparison so far was measured on the 400 validation images, and they guided the
# recipe we would pick: fine-tune every layer, with discriminative rates. A score on the
# images that guided a choice flatters that choice a little, because among several
# candidates the one that looks best has usually also had some luck. So the final word
# goes to the 800 test images that nothing has touched: the chosen recipe and the network
# from scratch, the very runs of section 2, and logistic regression beside them.

# %%
final = {
    "logistic regression": np.array([classical("logistic", K, s, on="test") for s in SEEDS]),
    "CNN from scratch": np.array([SEALED["scratch", K, s] for s in SEEDS]),
    "CNN pretrained, fine-tuned": np.array([SEALED["fine-tune", K, s] for s in SEEDS]),
}
print(f"{K} labelled images per digit; accuracy on the {len(test_idx)} test digits:")
show(list(final), list(final.values()))
test_gain = final["CNN pretrained, fine-tuned"] - final["CNN from scratch"]
print(
    f"fine-tuned minus scratch: {test_gain.mean():+.1%} on the test set, "
    f"{gain.mean():+.1%} on the validation set"
)
assert abs(test_gain.mean() - gain.mean()) < 0.04

# %% [markdown]
# The test set agrees with the validation set to within a few points: whatever gain the
# pretrained start showed on the validation images in this run, large or small, it shows
# about the same on images that played no part in any decision. Here the two sets were
# drawn the same way, so they agree; the test set earns its keep when many choices have
# been tried on the validation set and the winner's luck needs checking.
#
# ### In practice
#
# The recipe of this lesson is the everyday recipe of deep learning, at a larger scale:
#
# - **Images.** Take a network pretrained on ImageNet (a ResNet, a ConvNeXt, a vision
#   transformer), replace its last layer with one for your classes, and fine-tune, either
#   the head alone or everything with discriminative rates. fastai's `vision_learner`
#   with `fine_tune`, and the PyTorch transfer-learning tutorial, do exactly this.
# - **Text.** A language model pretrained to predict the next word of a large corpus is
#   fine-tuned to classify reviews, answer questions or follow instructions. ULMFiT showed
#   this for text classification in 2018, with discriminative learning rates, and today's
#   large language models are adapted the same way.
# - **Check the baselines anyway.** As in section 2, compare with a simple model and with
#   the same network from scratch. Sometimes the pretrained model does not help, as with
#   the shuffled pixels, and you only find out by measuring.
#
# ## What we did
#
# - We pretrained a small convolutional network on 80,000 generated letters and symbols
#   from 21 fonts, and reused its body for handwritten digits it had never seen.
# - With five labels per digit, fine-tuning usually beat the same network trained from
#   scratch, by anything from almost nothing to about eight points depending on the draw:
#   at this size the noise of the draw is as large as the effect. The network from scratch
#   was not clearly better than logistic regression; the pretrained one drew about level
#   with it.
# - Freezing the body and training only the head came within a few points of fine-tuning;
#   a frozen *random* body did worse than no pretraining, so the gain comes from the
#   pretrained weights.
# - One large learning rate for all layers sometimes threw the gain away and sometimes did
#   not; discriminative rates, small for the first layers and large for the head, are the
#   safeguard against the bad case.
# - With two labels per digit the pretrained networks led in every seed we tried, and the
#   lead tended to shrink as the labels grew. When the pixels were shuffled, which destroys the structure the body
#   had learned to detect, the pretrained features fell far below logistic regression.
# - The test set, opened once at the end, agreed with the validation set on which all the
#   comparisons were made.
#
# ## Questions
#
# 1. Why does the digit network always get a new head, even when its body is copied from
#    the pretrained network?
#
#    Answer: The head maps the 128 features to one score per class, and the two tasks
#    have different classes: 71 letters and symbols against 10 digits. Its shape differs
#    (128 × 10 instead of 128 × 71) and its meaning belongs to the old task, so it starts
#    from random weights.
#
# 2. With five labels per digit, the network trained from scratch was not clearly better
#    than logistic regression on the pixels. Why is that not surprising?
#
#    Answer: The network has over 57,000 weights and only 50 labelled images to set them;
#    logistic regression has 650. With so few examples the larger model cannot use its
#    extra flexibility and partly fits the accidents of those 50 images. Pretraining sets
#    most of its weights from other data, which is why the pretrained network usually
#    pulled ahead of it.
#
# 3. What does the "random frozen" experiment rule out, and what did it show?
#
#    Answer: It rules out that the convolutional architecture alone, with a trained head,
#    explains the gain. A frozen body with random weights scored below even the network
#    trained from scratch, and far below the frozen pretrained body, so the useful
#    knowledge sits in the pretrained weights.
#
# 4. In some runs fine-tuning with one learning rate of 1e-2 for every layer ended about
#    where training from scratch did. What can go wrong, and how does the discriminative
#    recipe, with the same 1e-2 on the head, guard against it?
#
#    Answer: At the start of fine-tuning the head is random, so the gradients flowing
#    into the body are large and point in arbitrary directions. With a large rate the
#    body's weights can move far from their pretrained values in the first steps, and the
#    features are lost. Rates a hundred times smaller for the first layers let the head
#    learn quickly while the body changes only a little. Whether the large rate does harm
#    in a given run depends on the draw, which is why it takes several seeds to see it.
#
# 5. The gain from transfer was largest with two labels per digit and smaller with
#    twenty-five. Explain the trend. Would you expect the gain to reach zero
#    with 10,000 labels per digit?
#
#    Hint: think about what the labelled data can teach the network by itself as it grows.
#
#    Answer: The more labels there are, the more of what pretraining provided (stroke
#    detectors, tolerance to slant and thickness) the network can learn from the digits
#    alone, so the head start matters less. With very large labelled sets the gap usually
#    becomes small; pretraining may still speed up training and leave a small advantage,
#    or become a slight handicap if the source task is very different.
#
# 6. Why did shuffling the pixels ruin the pretrained features but leave logistic
#    regression exactly where it was?
#
#    Answer: Logistic regression gives each pixel its own weight, so a fixed permutation
#    of the pixels only permutes the weights it learns. The convolutional body looks at
#    small neighbourhoods and was trained on images in which neighbouring pixels belong to
#    the same stroke; after shuffling, neighbours are unrelated and its detectors respond
#    to meaningless patterns.
#
# 7. You want to classify chest X-rays into three conditions and have 300 labelled images.
#    Describe a sensible first experiment and the baselines you would compare it with.
#
#    Hint: reuse the structure of this lesson, and think about how close ImageNet
#    photographs are to X-rays.
#
#    Answer: Fine-tune an ImageNet-pretrained network (new head, discriminative rates or a
#    frozen-body warm-up) and compare it with the same network from scratch and with a
#    simple model such as logistic regression on downsized images, all on the same
#    held-out test images and over several seeds. Because X-rays differ a lot from
#    photographs the gain may be smaller than usual, which is exactly why it has to be
#    measured.
#
# ## Further research
#
# - Copy only part of the body: keep the pretrained convolutions but re-initialise the
#   fully connected layer, or keep only the first two convolutions. Which layers carry the
#   gain? Compare your answer with what Yosinski et al. (2014) found for ImageNet.
# - Add the ten digits, printed in the same fonts, to the pretraining classes. Does the
#   gain at five labels per digit grow? How accurate is the pretrained network on
#   handwritten digits with no fine-tuning at all, reading only its printed-digit scores?
# - Implement fastai's two-stage `fine_tune`: train the head alone with the body frozen
#   for some steps, then unfreeze and train everything with discriminative rates. Does it
#   beat the one-stage recipe at 2 and at 25 labels per digit?
# - Watch the first lesson of *Practical Deep Learning for Coders*, where a pretrained
#   ResNet is fine-tuned in a few lines, then find where `fine_tune` freezes, unfreezes
#   and sets its learning rates in the fastai source.
