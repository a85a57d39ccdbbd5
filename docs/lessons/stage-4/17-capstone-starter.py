# ---
# title: "Capstone I starter: a supervised project skeleton"
# summary: A runnable notebook with the skeleton every supervised capstone needs (split, baselines, a PyTorch model and training loop, evaluation with confidence intervals, a results table, error analysis), ready for your own data.
# stage: 4
# kind: template
# minutes: 30
# device: auto
# resources: [scikit-learn-toy-datasets, pytorch-tutorials, dive-into-deep-learning, mnist-database]
# aliases: [stage-4/16-capstone-starter]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Capstone I starter: a supervised project skeleton
#
# This notebook is a starting point for the first capstone (the *Capstone I guide* page
# of this stage has the rules, project ideas and the write-up checklist). It solves a
# placeholder problem, classifying scikit-learn's 8×8 handwritten digits, with every part a
# real project needs, written with PyTorch's low-level pieces only: a data split, baselines,
# a model, a hand-written training loop, evaluation with an uncertainty estimate, a results
# table and a first error analysis.
#
# **How to use it.** Work from top to bottom. Cells whose heading says **REPLACE** are where
# your project takes over: your data, your problem statement, your model. Everything else
# is meant to keep working when you swap those parts, as long as your data arrives as a
# float feature matrix `X` and an integer label vector `y`. After each change, restart the
# kernel and run everything: a capstone notebook must run top to bottom from a fresh start.
#
# **Runtime:** about 5 s on a laptop CPU as it stands; it uses a GPU if one is available.
#
# Delete this introduction and the "how to use" notes when you write your own.

# %%
import platform
import time

import matplotlib.pyplot as plt
import numpy as np
import sklearn
import torch
from sklearn.datasets import load_digits
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from torch import nn

SEED = 0
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
NOTEBOOK_START = time.perf_counter()


def set_seed(seed):
    """Seed every random number generator the notebook uses."""
    torch.manual_seed(seed)
    np.random.seed(seed)
    return np.random.default_rng(seed)


rng = set_seed(SEED)
# Small models train faster on one CPU thread: splitting tiny matrix products across cores
# costs more in coordination than it saves. REPLACE (delete) for a large model on a CPU.
torch.set_num_threads(1)
print("device:", DEVICE)

# %% [markdown]
# ## 1. The problem (REPLACE)
#
# State the task in a few sentences: what is predicted from what, why it matters, and how
# success is measured. For the placeholder:
#
# > Given an 8×8 grey-scale image of a handwritten digit, predict which digit (0–9) it
# > shows. The metric is accuracy on a held-out test set; every class matters equally.
# > Question: how much does a small neural network gain over a linear model on such tiny
# > images?

# %% [markdown]
# ## 2. Data (REPLACE the loader)
#
# `load_data` must return a float32 feature matrix `X` of shape (samples, features), an
# integer label vector `y` with values 0..n_classes−1, and the class names. If your inputs
# are images, flatten them here (or keep them as images and change the model in section 5).
# Look at the data before modelling it: sizes, class balance, value ranges, a few examples.


# %%
def load_data():
    digits = load_digits()
    X = digits.data.astype(np.float32)  # 1,797 images, 64 pixel values 0..16
    y = digits.target.astype(np.int64)
    class_names = [str(c) for c in digits.target_names]
    return X, y, class_names


X, y, class_names = load_data()
n_classes = len(class_names)
print(f"X: {X.shape}, y: {y.shape}, {n_classes} classes")
print(f"feature range: {X.min():.1f} .. {X.max():.1f}")
counts = np.bincount(y, minlength=n_classes)
print("examples per class:", dict(zip(class_names, counts.tolist(), strict=True)))
assert X.dtype == np.float32 and y.dtype == np.int64 and len(X) == len(y)

fig, axes = plt.subplots(1, 8, figsize=(10, 1.6))
for ax, i in zip(axes, rng.choice(len(X), 8, replace=False), strict=True):
    ax.imshow(X[i].reshape(8, 8), cmap="gray_r")  # REPLACE: a view that suits your data
    ax.set_title(class_names[y[i]])
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 3. Split once, then put the test set away
#
# Three parts: **training** (fit the model), **validation** (choose between models and
# settings, decide when to stop) and **test** (report the final result, used once at the
# end). The split is stratified so that every class keeps its share, and seeded so that it
# is the same every run.
#
# Scaling is fitted on the training part only. Fitting it on all the data would let the
# test set leak into training, a small but real form of cheating. The scaled values are
# clipped to ±5: a feature that is almost constant in the training data (here, a pixel at
# the border that is nearly always blank) has a tiny spread, and one rare non-zero value in
# the validation or test data would otherwise become a number in the hundreds, far outside
# anything the model saw in training. Try removing the clip and watch the validation loss.

# %%
X_trainval, X_test, y_trainval, y_test = train_test_split(
    X, y, test_size=0.2, stratify=y, random_state=SEED
)
X_train, X_val, y_train, y_val = train_test_split(
    X_trainval, y_trainval, test_size=0.25, stratify=y_trainval, random_state=SEED
)

X_test_raw = X_test.copy()  # unscaled, for looking at mistakes later
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
std[std == 0] = 1.0  # constant features: leave them at zero


def scale(part):
    return np.clip((part - mean) / std, -5.0, 5.0)


X_train, X_val, X_test = scale(X_train), scale(X_val), scale(X_test)
print(f"train {len(X_train)}, validation {len(X_val)}, test {len(X_test)}")


def to_tensors(features, labels):
    return torch.as_tensor(features, device=DEVICE), torch.as_tensor(labels, device=DEVICE)


train_data, val_data, test_data = (
    to_tensors(*part) for part in ((X_train, y_train), (X_val, y_val), (X_test, y_test))
)

# %% [markdown]
# ## 4. Baselines
#
# Two baselines frame every result. **Guessing the most frequent class** is the floor: a
# model that does not beat it has learned nothing. **Logistic regression** is a strong,
# cheap linear model: a network has to beat it to justify its extra complexity. (The rules
# forbid high-level *deep learning* libraries; scikit-learn for baselines is fine.)
# Baselines are evaluated on the validation set now, and on the test set together with the
# model at the very end.

# %%
baselines = {
    "most frequent class": DummyClassifier(strategy="most_frequent"),
    "logistic regression": LogisticRegression(max_iter=2000),
}
for name, baseline in baselines.items():
    baseline.fit(X_train, y_train)
    print(f"{name:20s}: validation accuracy {baseline.score(X_val, y_val):.3f}")

# %% [markdown]
# ## 5. The model (REPLACE)
#
# A multilayer perceptron written as an `nn.Module`. Replace it with whatever your problem
# calls for (a convolutional network for images, an embedding and a recurrent layer for
# text), keeping the contract: a batch of inputs in, one score (logit) per class out.


# %%
class Model(nn.Module):
    def __init__(self, n_features, n_classes, hidden=128, dropout=0.2):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_features, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x):
        return self.layers(x)


CONFIG = {  # REPLACE: the settings you tune, all in one place so the results table can show them
    "hidden": 128,
    "dropout": 0.2,
    "lr": 1e-3,
    "weight_decay": 1e-4,
    "batch_size": 64,
    "max_epochs": 60,
    "patience": 10,
}
print(Model(X.shape[1], n_classes, CONFIG["hidden"], CONFIG["dropout"]))

# %% [markdown]
# ## 6. The training loop
#
# Written out by hand, as the rules require: shuffle, cut into mini-batches, forward,
# loss, backward, step. After each epoch the model is scored on the validation set, and the
# best weights so far are kept (**early stopping**: training stops when the validation loss
# has not improved for `patience` epochs).
#
# Before trusting the loop, one sanity check: a model that cannot drive the loss to almost
# zero on a single small batch has a bug somewhere, and tuning will not fix it.


# %%
def evaluate(model, data):
    """Loss, accuracy and predicted labels of `model` on `(inputs, labels)`."""
    inputs, labels = data
    model.eval()
    with torch.no_grad():
        logits = model(inputs)
        loss = nn.functional.cross_entropy(logits, labels).item()
        predictions = logits.argmax(dim=1)
    return loss, (predictions == labels).float().mean().item(), predictions.cpu().numpy()


def train(config, train_data, val_data, seed=SEED, verbose=False):
    set_seed(seed)
    model = Model(train_data[0].shape[1], n_classes, config["hidden"], config["dropout"]).to(DEVICE)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config["lr"], weight_decay=config["weight_decay"]
    )
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    inputs, labels = train_data
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    best = (float("inf"), None, 0)  # (val loss, weights, epoch)
    for epoch in range(config["max_epochs"]):
        model.train()
        order = torch.randperm(len(inputs), generator=generator).to(DEVICE)
        total = 0.0
        for start in range(0, len(inputs), config["batch_size"]):
            batch = order[start : start + config["batch_size"]]
            loss = loss_fn(model(inputs[batch]), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        val_loss, val_acc, _ = evaluate(model, val_data)
        history["train_loss"].append(total / len(inputs))
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
        if val_loss < best[0]:
            best = (val_loss, {k: v.clone() for k, v in model.state_dict().items()}, epoch)
        elif epoch - best[2] >= config["patience"]:
            break
        if verbose and epoch % 10 == 0:
            print(
                f"epoch {epoch:3d}: train loss {history['train_loss'][-1]:.3f}, "
                f"val loss {val_loss:.3f}, val acc {val_acc:.3f}"
            )
    model.load_state_dict(best[1])
    return model, history, best[2]


# Sanity check: memorise 32 examples (no dropout, no weight decay, many steps).
tiny = (train_data[0][:32], train_data[1][:32])
check_config = {**CONFIG, "dropout": 0.0, "weight_decay": 0.0, "max_epochs": 200, "patience": 200}
overfit_model, _, _ = train(check_config, tiny, tiny)
tiny_loss, tiny_acc, _ = evaluate(overfit_model, tiny)
print(f"one small batch: loss {tiny_loss:.4f}, accuracy {tiny_acc:.2f}")
assert tiny_acc == 1.0, "the model cannot even memorise 32 examples: look for a bug"

# %%
start = time.perf_counter()
model, history, best_epoch = train(CONFIG, train_data, val_data, verbose=True)
print(f"trained in {time.perf_counter() - start:.1f} s; best epoch {best_epoch}")

fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
ax_loss.plot(history["train_loss"], label="training")
ax_loss.plot(history["val_loss"], label="validation")
ax_loss.axvline(best_epoch, color="gray", ls=":", label="kept weights")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("cross-entropy")
ax_loss.legend()
ax_acc.plot(history["val_acc"], color="tab:orange")
ax_acc.axhline(
    baselines["logistic regression"].score(X_val, y_val),
    color="tab:red",
    ls="--",
    label="logistic regression",
)
ax_acc.set_xlabel("epoch")
ax_acc.set_ylabel("validation accuracy")
ax_acc.legend()
plt.show()

# %% [markdown]
# While you improve the model, compare settings on the **validation** set only, change one
# thing at a time, and write down what you tried. The test set stays untouched until the
# next section.
#
# ## 7. Final evaluation: test once, with uncertainty
#
# One number is not a result; it needs an error bar. Two sources of uncertainty matter:
#
# * **the test set is a sample**: a bootstrap (resampling the test examples with
#   replacement many times) gives a 95% confidence interval for each score;
# * **training is random**: retraining with a few different seeds shows how much the score
#   moves from run to run.
#
# The table puts the baselines and the model side by side, evaluated the same way.


# %%
def bootstrap_interval(correct, rng, n_boot=2000):
    """95% bootstrap confidence interval of the mean of a 0/1 vector."""
    samples = rng.integers(0, len(correct), size=(n_boot, len(correct)))
    means = correct[samples].mean(axis=1)
    return np.percentile(means, [2.5, 97.5])


boot_rng = np.random.default_rng(SEED)
rows = []
for name, baseline in baselines.items():
    correct = baseline.predict(X_test) == y_test
    rows.append((name, correct.mean(), *bootstrap_interval(correct, boot_rng), "-"))

_, test_acc, test_pred = evaluate(model, test_data)
correct = test_pred == y_test
seed_scores = [test_acc] + [
    evaluate(train(CONFIG, train_data, val_data, seed=s)[0], test_data)[1] for s in (1, 2)
]
rows.append(
    (
        "neural network",
        test_acc,
        *bootstrap_interval(correct, boot_rng),
        f"{np.mean(seed_scores):.3f} ± {np.std(seed_scores):.3f}",
    )
)

print("| model | test accuracy | 95% bootstrap interval | mean ± sd over 3 seeds |")
print("|---|---|---|---|")
for name, acc, low, high, seeds in rows:
    print(f"| {name} | {acc:.3f} | {low:.3f} – {high:.3f} | {seeds} |")

majority_acc, logistic_acc = rows[0][1], rows[1][1]
print(
    f"\nthe network beats the majority baseline by {test_acc - majority_acc:+.3f} "
    f"and logistic regression by {test_acc - logistic_acc:+.3f}"
)
assert test_acc > majority_acc + 0.5, "the network should be far better than guessing"
assert test_acc > 0.9

# %% [markdown]
# Read the table honestly. The network clearly beats guessing. Whether it beats logistic
# regression depends on whether the gap is larger than the intervals: when the intervals
# overlap heavily, as they do for the placeholder problem, the fair summary is "about as
# good", and that is a legitimate finding: on 8×8 digits a linear model is already strong.
#
# ## 8. Error analysis
#
# Where does the model go wrong? A confusion matrix shows which classes are mixed up; the
# most confident mistakes show *what* the model gets wrong, and sometimes reveal labels
# that are themselves wrong.

# %%
confusion = np.zeros((n_classes, n_classes), dtype=int)
np.add.at(confusion, (y_test, test_pred), 1)

model.eval()
with torch.no_grad():
    probs = torch.softmax(model(test_data[0]), dim=1).cpu().numpy()
wrong = np.flatnonzero(~correct)
worst = wrong[np.argsort(-probs[wrong, test_pred[wrong]])][:6]

fig = plt.figure(figsize=(11, 4))
ax = fig.add_subplot(1, 2, 1)
ax.imshow(confusion, cmap="Blues")
for i in range(n_classes):
    for j in range(n_classes):
        if confusion[i, j]:
            ax.text(
                j,
                i,
                confusion[i, j],
                ha="center",
                va="center",
                fontsize=8,
                color="white" if confusion[i, j] > confusion.max() / 2 else "black",
            )
ax.set_xticks(range(n_classes), class_names)
ax.set_yticks(range(n_classes), class_names)
ax.set_xlabel("predicted")
ax.set_ylabel("true")
ax.set_title("Confusion matrix (test set)")
for k, i in enumerate(worst):
    ax = fig.add_subplot(2, 6, 4 + k + (k // 3) * 3)
    ax.imshow(X_test_raw[i].reshape(8, 8), cmap="gray_r")  # REPLACE: a view that suits your data
    ax.set_title(
        f"true {class_names[y_test[i]]}, said {class_names[test_pred[i]]}\n"
        f"p={probs[i, test_pred[i]]:.2f}",
        fontsize=8,
    )
    ax.axis("off")
plt.show()
print(f"{len(wrong)} mistakes out of {len(y_test)} test examples")

# %% [markdown]
# ## 9. Reproducibility
#
# The information a reader needs to rerun the notebook and expect the same numbers.

# %%
print(
    f"python {platform.python_version()}, torch {torch.__version__}, "
    f"scikit-learn {sklearn.__version__}, numpy {np.__version__}"
)
print(f"device {DEVICE}, seed {SEED}, config {CONFIG}")
print(f"notebook runtime {time.perf_counter() - NOTEBOOK_START:.1f} s")

# %% [markdown]
# ## 10. Write-up (REPLACE)
#
# Finish with the parts of the portfolio checklist (in the *Capstone I guide*) that the
# code cannot say for you:
#
# * **Results in words.** What the table shows, including how sure you are.
# * **Error analysis in words.** Which mistakes, and your best guess at why.
# * **What you would do next**, and what you tried that did not help.
#
# For the placeholder problem, natural next steps would be a small convolutional network
# that uses the 8×8 layout instead of a flat vector of 64 numbers, and data augmentation
# with one-pixel shifts.
