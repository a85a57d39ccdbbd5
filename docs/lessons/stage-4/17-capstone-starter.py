# ---
# title: "Capstone I starter: a supervised project skeleton"
# summary: A runnable notebook with the skeleton every supervised capstone needs (split, baselines, a PyTorch model and training loop, evaluation with confidence intervals, a results table, error analysis), shown on a tumour-classification example and ready for your own data.
# stage: 4
# kind: template
# minutes: 30
# device: auto
# resources: [scikit-learn-toy-datasets, uci-ml-repository, pytorch-tutorials, dive-into-deep-learning]
# prerequisites: [stage-1/03-tabular-process, stage-3/11-training-loop-opened, stage-3/13-training-tricks]
# data: []
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
# placeholder problem, telling malignant from benign breast tumours with scikit-learn's
# bundled Wisconsin breast cancer data, with every part a real project needs, written with
# PyTorch's low-level pieces only: a data split, baselines, a model, a hand-written training
# loop, evaluation with an uncertainty estimate, a results table and a first error analysis.
#
# **How to use it.** Work from top to bottom. Cells whose heading says **REPLACE** are where
# your project takes over: your data, your problem statement, your model. Everything else
# is meant to keep working when you swap those parts, as long as your data arrives as a
# float feature matrix `X` and an integer label vector `y` (any number of classes). After
# each change, restart the kernel and run everything: a capstone notebook must run top to
# bottom from a fresh start.
#
# **Runtime:** about 10 s on a laptop CPU as it stands; it uses a GPU if one is available.
#
# Delete this introduction, the "how to use" notes and the study questions at the end when
# you write your own.

# %%
import os
import platform
import time

import matplotlib.pyplot as plt
import numpy as np
import sklearn
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from torch import nn

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
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
# > Each example is one breast mass, described by 30 measurements of the cell nuclei in a
# > digitised image of a fine-needle aspirate (radius, texture, concavity and so on, each as
# > a mean, a standard error and a worst value). Predict whether the mass is malignant or
# > benign. The metric is accuracy on a held-out test set, and because a missed malignant
# > tumour costs far more than a false alarm, the number of missed malignant tumours is
# > reported as well. Question: does a small neural network gain anything over logistic
# > regression on 30 carefully engineered features?

# %% [markdown]
# ## 2. Data (REPLACE the loader)
#
# `load_data` must return a float32 feature matrix `X` of shape (samples, features), an
# integer label vector `y` with values 0..n_classes−1, the class names and the feature
# names. If your inputs are images, flatten them here (or keep them as images and change
# the model in section 5). Look at the data before modelling it: sizes, class balance,
# value ranges, and how a few features differ between the classes.


# %%
def load_data():
    data = load_breast_cancer()
    X = data.data.astype(np.float32)  # 569 tumours, 30 measurements each
    y = data.target.astype(np.int64)  # 0 = malignant, 1 = benign
    return X, y, [str(c) for c in data.target_names], [str(f) for f in data.feature_names]


X, y, class_names, feature_names = load_data()
n_classes = len(class_names)
print(f"X: {X.shape}, y: {y.shape}, {n_classes} classes")
counts = np.bincount(y, minlength=n_classes)
print("examples per class:", dict(zip(class_names, counts.tolist(), strict=True)))
low, high = X.min(axis=0), X.max(axis=0)
print(f"smallest feature maximum {high.min():.3f}, largest {high.max():.0f}")
assert X.dtype == np.float32 and y.dtype == np.int64 and len(X) == len(y)
assert counts.tolist() == [212, 357]  # REPLACE (delete): facts of the placeholder data
assert high.max() > 1000 and high.min() < 1

# %% alt="Histograms of three measurements for malignant and benign tumours: mean radius and worst concave points separate the classes well, mean smoothness overlaps heavily"
shown = ["mean radius", "mean smoothness", "worst concave points"]  # REPLACE: your features
fig, axes = plt.subplots(1, len(shown), figsize=(11, 3))
for ax, name in zip(axes, shown, strict=True):
    column = X[:, feature_names.index(name)]
    for c, label in enumerate(class_names):
        ax.hist(column[y == c], bins=30, alpha=0.6, label=label)
    ax.set_title(name)
axes[0].set_ylabel("tumours")
axes[0].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The features live on very different scales (the largest maximum is in the thousands, the
# smallest well below one), and some separate the classes far better than others. Both
# observations shape what follows: the features are standardised before training, and a
# linear model on well-chosen features is likely to be a strong baseline.
#
# ## 3. Split once, then put the test set away
#
# Three parts: **training** (fit the model), **validation** (choose between models and
# settings, decide when to stop) and **test** (report the final result, used once at the
# end). The split is stratified so that every class keeps its share, and seeded from
# `SEED` so that it is the same every time the notebook runs with that seed.
#
# Scaling is fitted on the training part only. Fitting it on all the data would let the
# test set leak into training, a small but real form of cheating. The scaled values are
# then clipped to ±5: several measurements (the areas and the "error" columns) have long
# right tails, and some tumours lie far beyond five standard deviations from the training
# mean (the printout gives the largest value; it was between 10 and 15 for every seed we
# tried). Without the clip, one such value in the validation or test data becomes an
# input far outside anything the model met in training. Try removing the clip and compare
# the validation loss.

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


largest = max(np.abs((part - mean) / std).max() for part in (X_train, X_val, X_test))
X_train, X_val, X_test = scale(X_train), scale(X_val), scale(X_test)
print(f"train {len(X_train)}, validation {len(X_val)}, test {len(X_test)}")
print(f"largest standardised value before clipping: {largest:.1f}")
assert largest > 5  # REPLACE (delete): the long tails described above


def to_tensors(features, labels):
    return torch.as_tensor(features, device=DEVICE), torch.as_tensor(labels, device=DEVICE)


train_data, val_data, test_data = (
    to_tensors(*part) for part in ((X_train, y_train), (X_val, y_val), (X_test, y_test))
)

# %% [markdown]
# Quick check: the mean and standard deviation used to scale the test set were computed
# from which data?
#
# - [x] the training part only
# - [ ] the training and validation parts
# - [ ] all 569 tumours
#
# Why: anything fitted to data, a scaler included, is part of the model. Fitting it on the
# validation or test parts would let them influence training, and their scores would no
# longer measure performance on unseen data.
#
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
# Quick check: 357 of the 569 tumours are benign. About what accuracy, in percent, does
# "always say benign" reach on a stratified test set?
#
# Answer: 63 ± 1 %
#
# Why: stratification keeps the class shares in every part, and 357 / 569 ≈ 0.627. Any
# model has to be judged against that 63 %, not against 50 % or 0 %.
#
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
    "max_epochs": 100,
    "patience": 15,
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
assert tiny_loss < 0.01

# %% alt=["Training and validation cross-entropy falling over the epochs, with a dotted line at the epoch whose weights are kept", "Validation accuracy per epoch rising within the first epochs to about the level of the dashed logistic-regression line and staying close to it"]
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
fig.tight_layout()
plt.show()

# %% [markdown]
# Quick check: training stopped early, and the model now holds the weights of the epoch
# with the lowest validation loss. Which data decided that epoch?
#
# - [ ] the training set
# - [x] the validation set
# - [ ] the test set
#
# Why: early stopping is a choice made with the validation set, like any other setting.
# The test set has still not been touched, so it can give an honest final score.
#
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
    evaluate(train(CONFIG, train_data, val_data, seed=s)[0], test_data)[1]
    for s in (SEED + 1000, SEED + 2000)
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
network_low, network_high = rows[2][2], rows[2][3]
print(
    f"\nthe network beats the majority baseline by {test_acc - majority_acc:+.3f} "
    f"and logistic regression by {test_acc - logistic_acc:+.3f}"
)
assert 0.60 < majority_acc < 0.66, "guessing 'benign' should give about 63 %"
assert test_acc > majority_acc + 0.25, "the network should be far better than guessing"
assert abs(test_acc - logistic_acc) < 0.04, "the network and logistic regression should tie"
assert abs(test_acc - logistic_acc) < (network_high - network_low) / 2, "a gap inside the noise"

# %% [markdown]
# Read the table honestly. The network beats guessing by a wide margin (more than 25
# percentage points). Whether it beats logistic regression depends on whether the gap is
# larger than the intervals. Here the two test accuracies lie within a few points of each
# other, whichever is ahead (with 114 test tumours, each one is almost a point), and the
# gap is smaller than half the width of the network's interval: it could well come from
# which tumours happened to land in the test set. The fair summary is "about as good",
# and with a tie the simpler model is the better choice. That is a legitimate finding: with 30 measurements that experts chose
# because they separate the classes, a linear model is already strong, and a network has
# little left to find.
#
# ## 8. Error analysis
#
# Where does the model go wrong? A confusion matrix shows which classes are mixed up, and
# here which *kind* of error dominates: a missed malignant tumour or a false alarm. The
# confidence of the mistakes matters too: a model that is unsure when it is wrong can hand
# those cases to a person, one that is confidently wrong cannot.

# %% alt=["Confusion matrix of the network on the test set: almost all tumours lie on the diagonal; the few mistakes include malignant tumours called benign", "Histogram of the network's confidence on a log scale: correct predictions pile up near 1, and some of the few mistakes were made with a confidence above 0.9 too"]
confusion = np.zeros((n_classes, n_classes), dtype=int)
np.add.at(confusion, (y_test, test_pred), 1)

model.eval()
with torch.no_grad():
    probs = torch.softmax(model(test_data[0]), dim=1).cpu().numpy()
confidence = probs.max(axis=1)
wrong = np.flatnonzero(~correct)

fig, (ax_cm, ax_conf) = plt.subplots(1, 2, figsize=(10, 4))
ax_cm.imshow(confusion, cmap="Blues")
for i in range(n_classes):
    for j in range(n_classes):
        ax_cm.text(
            j,
            i,
            confusion[i, j],
            ha="center",
            va="center",
            color="white" if confusion[i, j] > confusion.max() / 2 else "black",
        )
ax_cm.set_xticks(range(n_classes), class_names)
ax_cm.set_yticks(range(n_classes), class_names)
ax_cm.set_xlabel("predicted")
ax_cm.set_ylabel("true")
ax_cm.set_title("Confusion matrix (test set)")
bins = np.linspace(1 / n_classes, 1.0, 21)
ax_conf.hist(confidence[correct], bins=bins, alpha=0.7, label="correct")
ax_conf.hist(confidence[~correct], bins=bins, alpha=0.9, label="wrong")
ax_conf.set_xlabel("probability of the predicted class")
ax_conf.set_yscale("log")  # a few mistakes next to a hundred correct answers
ax_conf.set_ylabel("test tumours (log scale)")
ax_conf.set_title("How sure was the model?")
ax_conf.legend()
fig.tight_layout()
plt.show()

print(f"{len(wrong)} mistakes out of {len(y_test)} test examples")
malignant = class_names.index("malignant")  # REPLACE: the class whose misses cost most
missed = int(confusion[malignant].sum() - confusion[malignant, malignant])
print(f"missed malignant tumours: {missed} of {confusion[malignant].sum()}")
print(
    f"median confidence: correct {np.median(confidence[correct]):.2f}, "
    f"wrong {np.median(confidence[~correct]):.2f}"
)
confident_misses = int(((y_test == malignant) & ~correct & (confidence > 0.9)).sum())
print(f"missed malignant tumours called benign with p > 0.9: {confident_misses}")
assert len(wrong) <= 10  # a handful of mistakes

# %% [markdown]
# Two things to look for. Do the mistakes include misses, malignant tumours called
# benign, the costly kind? The printout counts them; with every seed we tried there was
# at least one. And is the model unsure when it is wrong? Not reliably: with every seed we
# tried, at least one missed malignant tumour was called benign with a probability above
# 0.9 (the printout counts them for this run). With a few mistakes in 114 tumours these
# counts move from seed to seed, so read them as warnings, not measurements. A network
# trained with cross-entropy to near-zero training loss is often over-confident, so its
# probabilities cannot be used as a safety net (for example "send everything below 0.9 to
# a doctor") without first checking that they are calibrated.
#
# Then look at the mistakes one by one. For tabular data, a useful view is the features in
# which each misclassified example is most unusual, measured in training standard
# deviations. (For images, show the images; for text, print the text.)

# %%
for i in wrong[np.argsort(-confidence[wrong])]:  # REPLACE: a view that suits your data
    z = (X_test_raw[i] - mean) / std
    top = np.argsort(-np.abs(z))[:3]
    unusual = ", ".join(f"{feature_names[k]} {z[k]:+.1f} sd" for k in top)
    print(
        f"test example {i:3d}: true {class_names[y_test[i]]:9s} said "
        f"{class_names[test_pred[i]]:9s} (p={confidence[i]:.2f}); {unusual}"
    )

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
# For the placeholder problem, natural next steps would be to move the decision threshold
# so that fewer malignant tumours are missed (at the price of more false alarms), to
# replace the single split by repeated cross-validation, since 114 test tumours give wide
# intervals, and to check whether the predicted probabilities are calibrated.
#
# ## Questions
#
# These questions are for studying the skeleton; delete them from your own notebook.
#
# 1. Why does the plan fix the problem statement, the metric and the baselines before any
#    model is written?
#
#    Answer: Because they decide what "good" means. Chosen afterwards, they tend to be
#    chosen to flatter the model you already have. Written first, they also tell you when
#    to stop: here the 63 % of "always benign" and the logistic regression's score were
#    known before the network was trained.
#
# 2. The network and logistic regression reach test accuracies within a few points of each
#    other, a gap smaller than half the width of the network's bootstrap interval. Why is
#    "the network is better" (or "worse") the wrong summary?
#
#    Answer: With 114 test tumours, one example is almost a percentage point, and the
#    bootstrap interval is several points wide. A difference smaller than that could come
#    from which tumours happened to land in the test set; the honest summary is that the
#    two are about as good, and the simpler model is the better choice.
#
# 3. The bootstrap interval and the spread over three seeds measure different things.
#    What does each one capture, and which is missing from a single training run?
#
#    Answer: The bootstrap resamples the test set, so it measures how much the score
#    depends on which examples were tested. The seeds retrain the model, so they measure
#    how much it depends on initialisation and shuffling. A single run reports neither.
#
# 4. Why does the skeleton check that the model can memorise 32 examples before training
#    it properly, and what would you suspect if it could not?
#
#    Answer: A network with thousands of weights should fit 32 examples perfectly; if it
#    cannot, the fault lies in the code (labels misaligned with inputs, a missing
#    `zero_grad`, a wrong loss or learning rate, inputs not scaled) rather than in the
#    amount of data or the architecture. Finding that on a tiny batch takes seconds;
#    finding it after a day of tuning costs the day.
#
# 5. Accuracy treats a missed malignant tumour and a false alarm as equally bad. How would
#    you report and choose a model when they are not?
#
#    Hint: the network outputs a probability; "malignant" need not mean "probability above
#    one half".
#
#    Answer: Report the two kinds of error separately (the confusion matrix, or
#    sensitivity and specificity), and choose the decision threshold on the validation set
#    so that misses are rare enough, accepting more false alarms. Then report the test set
#    at that fixed threshold.
#
# 6. You try ten settings and keep the one with the best validation accuracy. Why is the
#    validation score of that setting an optimistic estimate, and what protects you?
#
#    Answer: The winner was picked partly because of luck on those particular validation
#    examples, so its score is biased upwards. The untouched test set, used once at the
#    end, gives an unbiased estimate of the chosen setting.
#
# 7. Your own data replaces the placeholder and the validation loss now rises from the
#    first epoch while the training loss falls. Name two likely causes and how to check
#    each.
#
#    Hint: think about what differs between training and validation data, and about how
#    fast the model can memorise.
#
#    Answer: A rise from the very first epoch is rarely plain overfitting (early epochs
#    usually help both losses), so suspect the pipeline first. An evaluation bug: the
#    model left in training mode (dropout active) or the validation data scaled
#    differently from the training data; check by running the validation code on a slice
#    of the *training* data, which must give about the training loss. A mismatch between
#    the splits: a shift (for example, all of one group, site or period in validation)
#    or a leak inside the training set (duplicates or the same subjects in many rows,
#    which the model memorises); check by comparing feature and label statistics of the
#    splits, looking for duplicates, and retraining on a fresh random split. Only when
#    these pass, treat it as overfitting: shrink the model, add weight decay or lower
#    the learning rate, and watch whether the rise starts later.
#
# ## Further research
#
# - Replace the single split by repeated stratified cross-validation (for example five
#   folds, repeated three times) for both the network and logistic regression, and report
#   the mean and spread of each. Does the conclusion "about as good" survive?
# - Choose the decision threshold on the validation set so that at most one malignant
#   tumour in the validation set is missed, then report the test confusion matrix at that
#   threshold. How many false alarms does each avoided miss cost?
# - Check calibration: group the test tumours by predicted probability (0–0.1, 0.1–0.2,
#   …) and compare each group's mean prediction with its share of malignant tumours. Is
#   the network or logistic regression better calibrated?
# - Swap in another bundled dataset (`load_wine`, three classes and 178 samples) by
#   changing only `load_data` and the lines marked REPLACE. What breaks, what keeps
#   working, and how wide are the intervals with 36 test samples?
