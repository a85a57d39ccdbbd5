# ---
# title: "Gradient descent from scratch, then softmax and cross-entropy"
# summary: Fit a linear regression by gradient descent and match the exact solution, then build a numerically stable softmax classifier for iris flowers from scratch and check it against PyTorch and a template baseline.
# stage: 2
# kind: lesson
# minutes: 50
# device: auto
# resources: [matrix-calculus-for-deep-learning, cs229-linear-algebra-review, cs229-probability-review, deep-learning-book, fastai-computational-linear-algebra]
# prerequisites: [stage-2/07-tensors-and-matmul, stage-2/08-derivatives-and-chain-rule]
# data: []
# aliases: [stage-2/08-gradient-descent-softmax]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Gradient descent from scratch, then softmax and cross-entropy
#
# The previous two lessons gave us the two ingredients of learning: matrix products to
# compute a model's predictions for a whole batch at once, and derivatives to tell us
# which way to move each parameter. This lesson puts them together into the algorithm
# that trains essentially every neural network: **gradient descent**.
#
# We do it twice. First on a regression problem, where a textbook formula gives the
# exact answer, so we can watch gradient descent converge to it and learn what the
# learning rate really controls. Then on classification, where no formula exists: we
# build the softmax function and the cross-entropy loss from scratch, in the numerically
# stable form real libraries use, check them against PyTorch, and train a classifier of
# iris flowers that we compare with the template classifier of the tensors lesson.
#
# Both halves begin with the library version that works, and then replace it piece by
# piece with our own code.
#
# **Runtime:** about 5 s on a laptop CPU.

# %%
import math
import os

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # small tensors: one CPU thread is fastest and steadiest
torch.set_float32_matmul_precision("highest")
print("device:", DEVICE)

# %% [markdown]
# ## Part 1: the working result, a linear regression
#
# scikit-learn's *diabetes* data set records ten measurements (age, sex, body-mass
# index, blood pressure and six blood serum values) for 442 patients, together with a
# number that measures how far their disease progressed one year later. We predict that
# number with a linear model,
#
# $$\hat y = x \cdot w + b ,$$
#
# one weight per measurement plus a bias, and score it with the mean squared error
# (MSE) on patients the model has not seen. The baseline is the simplest prediction that
# uses no measurements at all: the mean of the training targets, for everyone.

# %%
X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=SEED)


def mse(pred, target):
    return float(((pred - target) ** 2).mean())


sk_model = LinearRegression().fit(X_train, y_train)
mse_baseline = mse(np.full_like(y_test, y_train.mean()), y_test)
mse_sklearn = mse(sk_model.predict(X_test), y_test)
print(f"baseline (predict the mean): test MSE {mse_baseline:7.1f}")
print(f"scikit-learn linear model:   test MSE {mse_sklearn:7.1f}")
gain_sklearn = 1 - mse_sklearn / mse_baseline
print(f"the model cuts the baseline's error by {100 * gain_sklearn:.0f}%")
assert 0.2 < gain_sklearn < 0.8  # "between about a third and three fifths"

# %% [markdown]
# The linear model removes a good part of the squared error that the baseline leaves:
# between about a third and three fifths of it, depending on which patients the seed puts
# in the test set (111 patients are a small sample, so the printed figure moves by several
# points from one split to the next). That is a modest but real result: disease progression is noisy, and ten numbers
# explain only part of it. Now let us find those same weights ourselves, in two ways.
#
# ## The exact answer: least squares
#
# Fold the bias into the weights by appending a column of ones to $X$ (then $b$ is just
# the weight of that column). The training MSE is
# $L(w) = \frac1N\lVert Xw - y\rVert^2$, a bowl-shaped quadratic, and its bottom is
# where the gradient vanishes:
#
# $$\nabla L = \tfrac{2}{N} X^\top (Xw - y) = 0
#   \quad\Longleftrightarrow\quad X^\top X\, w = X^\top y .$$
#
# These *normal equations* are a small 11×11 linear system. Numerical libraries prefer
# to solve the least-squares problem directly (`torch.linalg.lstsq`), which avoids
# forming $X^\top X$ and is more accurate, but the answer is the same, and it is what
# scikit-learn computed.

# %%
# Standardise each feature with the training statistics (the reason comes shortly).
mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
Xtr = torch.tensor((X_train - mu) / sd, device=DEVICE)  # float64, shape (331, 10)
Xte = torch.tensor((X_test - mu) / sd, device=DEVICE)
ytr = torch.tensor(y_train, device=DEVICE)
yte = torch.tensor(y_test, device=DEVICE)

ones = torch.ones(len(Xtr), 1, dtype=Xtr.dtype, device=DEVICE)
solution = torch.linalg.lstsq(torch.cat([Xtr, ones], dim=1).cpu(), ytr[:, None].cpu()).solution
w_exact, b_exact = solution[:-1, 0].to(DEVICE), solution[-1, 0].to(DEVICE)
loss_exact = mse(Xtr @ w_exact + b_exact, ytr)
mse_exact_test = mse(Xte @ w_exact + b_exact, yte)
print(f"least squares: training MSE {loss_exact:.2f}, test MSE {mse_exact_test:.2f}")
assert math.isclose(mse_exact_test, mse_sklearn, rel_tol=1e-9)

# %% [markdown]
# Identical test error to scikit-learn, to nine digits: standardising the inputs changes
# the weights' units but not the predictions. (We solve on the CPU because not every
# GPU backend implements `lstsq` for tall matrices; it is a tiny problem.)
#
# ## Gradient descent from scratch
#
# The exact formula exists only because the loss is quadratic in the weights. Put a
# non-linearity anywhere in the model and it is gone, and what remains is the general
# method: start somewhere, compute the gradient, take a step downhill, repeat.
#
# $$w \leftarrow w - \eta \,\nabla_w L, \qquad b \leftarrow b - \eta\, \frac{\partial L}{\partial b} .$$
#
# With residuals $r = Xw + b - y$, the chain rule from the last lesson gives
# $\nabla_w L = \frac{2}{N}X^\top r$ and $\partial L/\partial b = \frac{2}{N}\sum_i r_i$.
# Before trusting these formulas we check them against autograd at a random point,
# the habit that saves hours of debugging.


# %%
def gradients(w, b, Xb, yb):
    r = Xb @ w + b - yb
    return 2 / len(yb) * Xb.T @ r, 2 * r.mean()


w = torch.tensor(rng.standard_normal(10), device=DEVICE, requires_grad=True)
b = torch.tensor(3.0, dtype=torch.float64, device=DEVICE, requires_grad=True)
((Xtr @ w + b - ytr) ** 2).mean().backward()
gw, gb = gradients(w.detach(), b.detach(), Xtr, ytr)
assert torch.allclose(gw, w.grad, rtol=1e-10) and torch.allclose(gb, b.grad, rtol=1e-10)
print("hand-derived gradient matches autograd")


def gradient_descent(lr, steps):
    """Full-batch gradient descent from zero; returns the weights and the loss per step."""
    w = torch.zeros(10, dtype=torch.float64, device=DEVICE)
    b = torch.zeros((), dtype=torch.float64, device=DEVICE)
    losses = []
    for _ in range(steps):
        losses.append(mse(Xtr @ w + b, ytr))
        gw, gb = gradients(w, b, Xtr, ytr)
        w, b = w - lr * gw, b - lr * gb
    return w, b, np.array(losses)


w_gd, b_gd, losses_gd = gradient_descent(lr=0.2, steps=3000)
mse_gd_test = mse(Xte @ w_gd + b_gd, yte)
print(f"gradient descent: training MSE {losses_gd[-1]:.4f} (exact {loss_exact:.4f})")
print(
    f"                  test MSE {mse_gd_test:.2f} (exact {mse_exact_test:.2f}, baseline {mse_baseline:.1f})"
)
print("largest weight difference from the exact solution:", (w_gd - w_exact).abs().max().item())

assert abs(losses_gd[-1] - loss_exact) < 1e-6 * loss_exact
# How close the weights get in 3,000 steps depends on the split (from about 0.0002 to
# 0.004 over seeds 0-11): directions in which the loss is nearly flat converge slowly. The
# gap spans an order of magnitude, so it is compared on a log scale.
weight_gap = (w_gd - w_exact).abs().max().item()
assert np.log10(weight_gap) < np.log10(0.05), f"weights differ by {weight_gap:.3g}"
assert abs((1 - mse_gd_test / mse_baseline) - gain_sklearn) < 1e-3  # the same test error

# %% [markdown]
# Gradient descent found the exact solver's weights to within a few thousandths, without
# ever solving an equation, and therefore the same test error as scikit-learn's model. But it took
# 3,000 steps. To understand why, and how large the step may be, we run it with several
# learning rates and plot the *excess* loss, the gap to the best possible training MSE, on
# a logarithmic axis.

# %% alt="Training loss minus the exact optimum over 400 steps on a log scale for learning rates 0.01, 0.05, 0.2 and 0.3: the three smaller rates fall quickly and then decline along slow straight lines, the larger rate always lower, while at 0.3 the gap climbs steeply off the top of the plot"
curves = {lr: gradient_descent(lr, 400)[2] for lr in (0.01, 0.05, 0.2, 0.3)}

fig, ax = plt.subplots(figsize=(7.5, 4.5))
for lr, losses in curves.items():
    excess = np.clip(losses - loss_exact, 1e-6, 1e7)
    ax.semilogy(excess, label=f"learning rate {lr}")
ax.set_xlabel("step")
ax.set_ylabel("training MSE minus the exact optimum")
ax.set_title("Gradient descent on the diabetes regression")
ax.set_ylim(1e-3, 1e6)
ax.legend()
plt.show()

for lr, losses in curves.items():
    print(f"lr={lr:<5}: loss after 400 steps {losses[-1]:.6g}")
excess = {lr: losses[-1] - loss_exact for lr, losses in curves.items()}
print(
    f"excess loss after 400 steps: lr 0.05 leaves {excess[0.05] / excess[0.01]:.2f} of what lr "
    f"0.01 leaves, lr 0.2 leaves {excess[0.2] / excess[0.05]:.2f} of what lr 0.05 leaves"
)
growth = math.log10(curves[0.3][-1] / curves[0.3][0])
print(f"at lr 0.3 the loss grows by {growth:.0f} orders of magnitude in 400 steps")
assert excess[0.2] / excess[0.05] < 0.25 and excess[0.05] / excess[0.01] < 0.75
assert growth > 10  # too large: the loss grows instead of shrinking

# %% [markdown]
# Three lessons in one picture:
#
# - **Too small** a learning rate (0.01) is safe but slow: each step only shaves a
#   little off.
# - Larger is faster, **up to a threshold**. At 0.3 the loss explodes: each step
#   overshoots the bottom of the bowl by more than it started from.
# - Even the good rates show a fast initial drop and then a long, slow, straight-line
#   tail. On a log scale a straight line means the gap shrinks by a fixed factor per
#   step, and here that factor is close to one.
#
# Linear algebra explains all three. The curvature of this quadratic bowl along each
# direction is given by the eigenvalues of $\frac{2}{N}X^\top X$ (the Hessian, the
# matrix of second derivatives). Along a direction with curvature $\lambda$, one step
# multiplies the error by $(1 - \eta\lambda)$. That shrinks only if
# $\eta < 2/\lambda_{\max}$, and the slowest direction, the smallest eigenvalue, shrinks
# by $(1 - \eta\lambda_{\min})$ per step. The ratio $\lambda_{\max}/\lambda_{\min}$,
# the *condition number*, sets how many steps gradient descent needs.
#
# Quick check: if the largest curvature $\lambda_{\max}$ of a quadratic loss were 10,
# what is the largest learning rate at which gradient descent still converges?
#
# Answer: 0.2
#
# Why: along the steepest direction the error is multiplied by $1 - 10\eta$ each step,
# and that shrinks only while $|1 - 10\eta| < 1$, that is $\eta < 2/10$.

# %%
hessian = 2 / len(Xtr) * Xtr.T @ Xtr
eigenvalues = torch.linalg.eigvalsh(hessian.cpu())
lam_min, lam_max = eigenvalues[0].item(), eigenvalues[-1].item()
print(f"curvatures from {lam_min:.4f} to {lam_max:.3f}; condition number {lam_max / lam_min:.0f}")
print(f"largest stable learning rate 2/lambda_max = {2 / lam_max:.3f}")
print(f"slowest direction shrinks by {1 - 0.2 * lam_min:.4f} per step at lr=0.2")
print(f"steepest direction grows by {abs(1 - 0.3 * lam_max):.2f} per step at lr=0.3")
assert 0.2 < 2 / lam_max < 0.3  # "about 0.25", between the rate that works and the one that fails
assert abs(1 - 0.3 * lam_max) > 1.2  # "about 1.4"
assert 1 - 0.2 * lam_min > 0.99  # the slow tail: a factor close to one

# The flattest direction of the bowl, and the two features behind it.
names = load_diabetes().feature_names  # s1: total cholesterol, s2: LDL cholesterol
flattest = torch.linalg.eigh(hessian.cpu()).eigenvectors[:, 0]
top_two = sorted(names[i] for i in flattest.abs().argsort(descending=True)[:2].tolist())
corr_s1_s2 = np.corrcoef(X_train[:, 4], X_train[:, 5])[0, 1]
print(
    "flattest direction:", {n: round(v, 2) for n, v in zip(names, flattest.tolist(), strict=True)}
)
print(f"correlation of s1 and s2 on the training patients: {corr_s1_s2:.2f}")
assert top_two == ["s1", "s2"] and flattest[4] * flattest[5] < 0  # s1 against s2
assert 0.85 < corr_s1_s2 < 0.95  # "about 0.9"

# %% [markdown]
# The predicted threshold, about 0.25 (it moves a little with the patients the seed puts in
# the training set), sits between the rate that worked (0.2) and the one that blew up (0.3). The smallest curvature is tiny because some features
# are strongly correlated. Two of the blood-serum measurements, `s1` (total cholesterol)
# and `s2` (LDL cholesterol), have a correlation of about 0.9, and the flattest direction
# of the bowl mostly raises the weight of one while lowering the other: a change that
# barely alters the predictions, and hence the loss. That direction is the slow tail.
#
# This is also why we standardised the features. Raw features with wildly different
# scales stretch the bowl much further (the curvature along a feature grows with the
# square of its scale), forcing a tiny learning rate for the large features and an
# endless crawl for the small ones. Standardising is the cheapest fix for a bad
# condition number, and normalisation layers inside networks, which the training-tricks
# lesson of stage 3 covers, apply the same idea to hidden layers.
#
# ## Part 2: classification with softmax and cross-entropy
#
# Regression predicts one number. A classifier must score every class and turn the scores
# into something we can train on. Our data is scikit-learn's *iris* set: 150 flowers of
# three species (setosa, versicolor and virginica), each described by four measurements
# in centimetres, the length and width of its sepals and of its petals. We hold out a
# quarter of the flowers for testing and, as for the regression, standardise the four
# measurements with the training statistics.
#
# Again we start with the version that works, using PyTorch's building blocks: a linear
# layer produces three scores (*logits*) per flower, `F.cross_entropy` turns them into a
# loss, and an optimizer applies gradient descent. The baseline is the classifier that
# ignores the measurements and always answers the species most common in the training set.

# %%
iris = load_iris()
SPECIES, FEATURES = list(iris.target_names), [n.replace(" (cm)", "") for n in iris.feature_names]
Xi_train, Xi_test, yi_train, yi_test = train_test_split(
    iris.data, iris.target, test_size=0.25, random_state=SEED, stratify=iris.target
)
mu_i, sd_i = Xi_train.mean(axis=0), Xi_train.std(axis=0)
A_train = torch.tensor((Xi_train - mu_i) / sd_i, dtype=torch.float32, device=DEVICE)  # (112, 4)
A_test = torch.tensor((Xi_test - mu_i) / sd_i, dtype=torch.float32, device=DEVICE)  # (38, 4)
c_train = torch.tensor(yi_train, device=DEVICE)
c_test = torch.tensor(yi_test, device=DEVICE)
K = len(SPECIES)  # 3 classes

STEPS, LR = 500, 1.0


def accuracy(logits, labels):
    return (logits.argmax(dim=1) == labels).float().mean().item()


layer = torch.nn.Linear(4, K).to(DEVICE)
torch.nn.init.zeros_(layer.weight)  # start from zero so the scratch version can match exactly
torch.nn.init.zeros_(layer.bias)
optimizer = torch.optim.SGD(layer.parameters(), lr=LR)
for _ in range(STEPS):
    loss = F.cross_entropy(layer(A_train), c_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

with torch.no_grad():
    acc_torch = accuracy(layer(A_test), c_test)
acc_majority = (c_test == torch.bincount(c_train).argmax()).float().mean().item()
print(f"train {tuple(A_train.shape)}, test {tuple(A_test.shape)}")
print(f"majority-class baseline: {acc_majority:.3f}")
print(f"softmax regression (PyTorch building blocks): {acc_torch:.3f}")
assert 0.30 < acc_majority < 0.35  # "about a third"
assert len(c_test) == 38 and acc_torch > 0.8  # "nearly all": a few flowers wrong at most

# %% [markdown]
# A single linear layer trained this way names the species of nearly all the test flowers
# (95% or more on most splits), against about a third for the baseline. With 38 test
# flowers, each one is worth 2.6 percentage points, so the printed accuracy moves by a
# flower or two from one seed to the next and differences of a few points mean nothing
# here; we come back to this below. Let
# us rebuild `F.cross_entropy`, and then the whole training loop, ourselves.
#
# ## Softmax: from scores to probabilities
#
# The $K$ logits $z_1,\dots,z_K$ can be any real numbers. *Softmax* turns them into a
# probability distribution: exponentiate (everything becomes positive, and larger scores
# become disproportionately larger) and divide by the total (everything sums to one):
#
# $$\operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}} .$$
#
# Written literally, it has a flaw that matters in practice. `exp(1000)` does not fit in
# any floating-point format, so large logits give `inf / inf = nan`:


# %%
def softmax_naive(z):
    e = torch.exp(z)
    return e / e.sum(dim=-1, keepdim=True)


big = torch.tensor([[1000.0, 1001.0, 1002.0]], device=DEVICE)
print("naive softmax of [1000, 1001, 1002]:", softmax_naive(big).tolist())
assert torch.isnan(softmax_naive(big)).all()

# %% [markdown]
# The fix uses a property of softmax: adding the same constant to every logit changes
# nothing, because the factor $e^{c}$ cancels between numerator and denominator. So we
# subtract the largest logit first. Then the largest exponent is $e^0 = 1$, nothing can
# overflow, and at least one term of the sum is 1, so it cannot underflow to zero either.
#
# For the loss we need the *logarithm* of the probabilities, and there the same trick
# gives the **log-sum-exp** identity, with $m = \max_j z_j$:
#
# $$\log \operatorname{softmax}(z)_k = z_k - \log\sum_j e^{z_j}
#   = z_k - \Big(m + \log \sum_j e^{z_j - m}\Big).$$
#
# In code we subtract $m$ from the logits first and only then take the log of the sum;
# subtracting two nearby large numbers such as 1002 and 1000 is exact, so the result
# keeps its precision even for enormous logits.
#
# Computing the log-probabilities this way is better than taking `log(softmax(z))`:
# a probability like $10^{-50}$ underflows to 0 in float32 and its log becomes $-\infty$,
# but its log-probability, $-115$, is a perfectly ordinary number.
#
# Quick check: which logits give the same probabilities as $z = (2, 1, 0)$? (Select all
# that apply.)
#
# - [x] $(1002, 1001, 1000)$
# - [x] $(0, -1, -2)$
# - [ ] $(4, 2, 0)$
# - [ ] $(1, 0.5, 0)$
#
# Why: the first two add a constant (1000, and $-2$) to every logit, which cancels. The
# last two *multiply* the logits by 2 and by 0.5: the gaps between the logits change, so
# the probabilities become sharper or flatter.


# %%
def logsumexp(z):
    m = z.max(dim=-1, keepdim=True).values
    return m + torch.log(torch.exp(z - m).sum(dim=-1, keepdim=True))


def log_softmax(z):
    shifted = z - z.max(dim=-1, keepdim=True).values  # largest entry is now exactly 0
    return shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))


def softmax(z):
    e = torch.exp(z - z.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1, keepdim=True)


print("stable softmax of [1000, 1001, 1002]:", [round(p, 4) for p in softmax(big)[0].tolist()])

tests = torch.cat(
    [
        torch.randn(64, 10, device=DEVICE),  # ordinary logits
        30 * torch.randn(64, 10, device=DEVICE),  # very confident ones
        1000 + torch.randn(4, 10, device=DEVICE),  # logits that overflow a naive exp
    ]
)
assert torch.allclose(softmax(tests), F.softmax(tests, dim=-1), atol=1e-6)
assert torch.allclose(log_softmax(tests), F.log_softmax(tests, dim=-1), rtol=1e-5, atol=1e-5)
assert torch.allclose(logsumexp(tests)[:, 0], torch.logsumexp(tests, dim=-1), rtol=1e-6)
assert torch.isfinite(log_softmax(tests)).all()
print("softmax, log_softmax and logsumexp match torch, including huge logits")

tiny = torch.tensor([[0.0, -200.0]], device=DEVICE)  # e^-200 is about 1e-87
print(
    "log(softmax):", torch.log(softmax(tiny)).tolist(), " log_softmax:", log_softmax(tiny).tolist()
)
assert torch.isinf(torch.log(softmax(tiny))[0, 1]) and log_softmax(tiny)[0, 1].item() == -200.0
assert math.isclose(math.log(1e-50), -115, abs_tol=0.5)  # the log-probability quoted above

# %% [markdown]
# ## Cross-entropy: the loss for probabilities
#
# How should we score a predicted distribution $p$ when the true class is $c$? The
# standard answer is the negative log-probability of the truth, $-\log p_c$, averaged
# over the batch. It is called *cross-entropy* (it is the cross-entropy between the
# one-hot distribution of the label and the prediction), and it has the properties we
# want: zero when the model puts all its probability on the right class, large when it
# is confidently wrong, and, from the probabilistic point of view, minimising it is
# maximum-likelihood estimation (the probability lesson that follows this one shows why).
# With our stable log-softmax it is one line.
#
# Its gradient with respect to the logits is strikingly simple. Writing $Y$ for the
# one-hot labels, for a batch of $N$ examples
#
# $$\frac{\partial L}{\partial z} = \frac{1}{N}\,(p - Y),$$
#
# predicted probabilities minus the truth: push the correct logit up by how much
# probability it is missing, push each wrong logit down by how much it wrongly got. We
# check the loss against `F.cross_entropy` and the formula against autograd.


# %%
def cross_entropy(z, labels):
    return -log_softmax(z)[torch.arange(len(labels), device=z.device), labels].mean()


z = torch.randn(32, 10, device=DEVICE, requires_grad=True)
labels = torch.randint(0, 10, (32,), device=DEVICE)
ours = cross_entropy(z, labels)
ours.backward()
onehot = F.one_hot(labels, 10).float()
grad_formula = (softmax(z.detach()) - onehot) / len(labels)
print(f"cross-entropy: ours {ours.item():.6f}, torch {F.cross_entropy(z, labels).item():.6f}")
assert torch.allclose(ours, F.cross_entropy(z, labels), atol=1e-6)
assert torch.allclose(z.grad, grad_formula, atol=1e-7)
print("gradient (p - Y) / N matches autograd")

# %% [markdown]
# A useful reference point: a model that knows nothing and predicts the uniform
# distribution over $K$ classes pays $\log K$ on every example. Any loss above that means
# the model is doing worse than knowing nothing.
#
# Quick check: what cross-entropy does the know-nothing model pay on our three species?
#
# Answer: 1.10 ± 0.01
#
# Why: it gives every species probability 1/3, so it pays $-\log(1/3) = \log 3 \approx
# 1.0986$ on every flower, whichever species is true. That is also the loss of our models
# before their first step: with all weights zero, every logit is 0 and softmax is uniform.
#
# ## Softmax regression from scratch
#
# Now the whole model with no `nn`, no `F`, no optimizer: logits $Z = XW + b$, our
# cross-entropy, and the gradients by the chain rule. From $\partial L/\partial Z =
# (p - Y)/N$ the matrix products of the forward pass tell us where the gradient goes:
# since $Z = XW + b$, we get $\nabla_W L = X^\top \frac{\partial L}{\partial Z}$ (shape
# 4×3, like $W$) and $\nabla_b L = $ the column sums of $\frac{\partial L}{\partial Z}$.
# A good habit: a parameter's gradient always has the parameter's shape, and there is
# usually only one way to multiply the available matrices to get it.
#
# We start from zeros and use the same learning rate and number of steps as the PyTorch
# version, so the two should produce the *same* weights, not merely similar accuracy.

# %%
W = torch.zeros(4, K, device=DEVICE)
b = torch.zeros(K, device=DEVICE)
Y_train = F.one_hot(c_train, K).float()
history = {"step": [], "train": [], "test": []}
for step in range(STEPS):
    logits = A_train @ W + b
    if step % 5 == 0 or step == STEPS - 1:
        history["step"].append(step)
        history["train"].append(cross_entropy(logits, c_train).item())
        history["test"].append(cross_entropy(A_test @ W + b, c_test).item())
    grad_logits = (softmax(logits) - Y_train) / len(A_train)
    W -= LR * (A_train.T @ grad_logits)
    b -= LR * grad_logits.sum(dim=0)

acc_scratch = accuracy(A_test @ W + b, c_test)
max_diff = (W.T - layer.weight).abs().max().item()
print(f"from scratch: test accuracy {acc_scratch:.3f} (PyTorch version {acc_torch:.3f})")
print(f"largest weight difference from the PyTorch version: {max_diff:.1e}")
print(f"cross-entropy at step 0: {history['train'][0]:.4f} (log 3 = {math.log(3):.4f})")
print(f"after {STEPS} steps: training {history['train'][-1]:.3f}, test {history['test'][-1]:.3f}")
assert max_diff < 1e-4  # the same weights, up to float32 rounding
assert acc_scratch == acc_torch
assert math.isclose(history["train"][0], math.log(3), rel_tol=1e-6)
assert history["step"][10] == 50 and history["train"][10] < 0.25  # the steep first 50 steps
assert history["train"][-1] < 0.1 * math.log(3) and history["test"][-1] < 0.25 * math.log(3)

# %% [markdown]
# Same weights, same accuracy: nothing in `nn.Linear`, `F.cross_entropy` or `optim.SGD`
# is magic any more. Here is how training went. The dashed line is the know-nothing loss,
# $\log 3$, where both curves start; after 500 steps the training loss is below a tenth of
# it and the test loss, measured on only 38 flowers, below a fifth.

# %% alt="Training and test cross-entropy of the softmax regression over 500 steps on a log scale: both start at the dashed know-nothing line, log 3, fall steeply in the first fifty steps and then keep falling slowly, the training loss ending below a tenth of the dashed line and the test loss below a fifth"
fig, ax = plt.subplots(figsize=(7.5, 4.5))
ax.plot(history["step"], history["train"], label="training loss")
ax.plot(history["step"], history["test"], label="test loss")
ax.axhline(math.log(3), color="gray", linestyle="--", label="uniform guess, log 3")
ax.set_xlabel("step")
ax.set_ylabel("cross-entropy")
ax.set_yscale("log")
ax.set_title("Softmax regression on iris, trained from scratch")
ax.legend()
plt.show()

# %% [markdown]
# How much does learning buy over the simpler methods? The baseline always answers the
# most common species; the template classifier from the tensors lesson compares each
# flower with the average flower of each species and answers the nearest. Neither needs a
# gradient. We build the templates twice: from the standardised measurements the softmax
# regression saw, and from the raw centimetres.


# %%
def template_accuracy(train, labels_train, test, labels_test):
    means = torch.stack([train[labels_train == k].mean(dim=0) for k in range(K)])
    return accuracy(-torch.cdist(test, means), labels_test)


raw_train = torch.tensor(Xi_train, dtype=torch.float32, device=DEVICE)
raw_test = torch.tensor(Xi_test, dtype=torch.float32, device=DEVICE)
acc_templates = template_accuracy(A_train, c_train, A_test, c_test)
acc_templates_raw = template_accuracy(raw_train, c_train, raw_test, c_test)
print("on this split of the flowers:")
print(f"majority class:                        {acc_majority:.3f}")
print(f"nearest template, standardised inputs: {acc_templates:.3f}")
print(f"nearest template, raw centimetres:     {acc_templates_raw:.3f}")
print(f"softmax regression:                    {acc_scratch:.3f}")

# %% [markdown]
# On one split of 38 test flowers these numbers are noisy: a single flower moves an
# accuracy by 2.6 points, and which flowers land in the test set is chance. Another seed
# can reorder the two template classifiers, or put them within a flower of the softmax
# regression. A claim about *methods* should not rest on one draw, so we repeat the whole
# comparison on 60 random splits (each one standardised with its own training statistics
# and trained from scratch, as above) and look at the average and the spread.


# %%
def fit_softmax_regression(inputs, labels, steps=STEPS, lr=LR):
    """The from-scratch training loop above, without the bookkeeping."""
    weights = torch.zeros(inputs.shape[1], K, device=DEVICE)
    bias = torch.zeros(K, device=DEVICE)
    targets = F.one_hot(labels, K).float()
    for _ in range(steps):
        grad_logits = (softmax(inputs @ weights + bias) - targets) / len(inputs)
        weights -= lr * (inputs.T @ grad_logits)
        bias -= lr * grad_logits.sum(dim=0)
    return weights, bias


def compare_on_split(split_seed):
    """Test accuracy of softmax regression and of both template classifiers on one split."""
    Xa, Xb, ya, yb = train_test_split(
        iris.data, iris.target, test_size=0.25, random_state=split_seed, stratify=iris.target
    )
    mu, sd = Xa.mean(axis=0), Xa.std(axis=0)
    ya, yb = torch.tensor(ya, device=DEVICE), torch.tensor(yb, device=DEVICE)
    std_a, std_b, raw_a, raw_b = (
        torch.tensor(v, dtype=torch.float32, device=DEVICE)
        for v in ((Xa - mu) / sd, (Xb - mu) / sd, Xa, Xb)
    )
    weights, bias = fit_softmax_regression(std_a, ya)
    return (
        accuracy(std_b @ weights + bias, yb),
        template_accuracy(std_a, ya, std_b, yb),
        template_accuracy(raw_a, ya, raw_b, yb),
    )


SPLITS = 60
results = np.array([compare_on_split(SEED * 100 + i) for i in range(SPLITS)])  # (SPLITS, 3)
acc_mean = dict(zip(["softmax", "templates", "templates raw"], results.mean(axis=0), strict=True))
print(f"test accuracy over {SPLITS} random splits: mean ± std (min to max)")
for name, column in zip(
    ["softmax regression", "template, standardised", "template, raw centimetres"],
    results.T,
    strict=True,
):
    print(
        f"{name:>26}: {column.mean():.3f} ± {column.std():.3f} "
        f"({column.min():.3f} to {column.max():.3f})"
    )
wins = int((results[:, 0] > results[:, 2]).sum())
ties = int((results[:, 0] == results[:, 2]).sum())
print(f"softmax regression beats the raw templates on {wins} splits and ties on {ties}")
print(
    f"on average it beats the majority baseline by {100 * (acc_mean['softmax'] - acc_majority):.0f}"
    f" points and the standardised templates by "
    f"{100 * (acc_mean['softmax'] - acc_mean['templates']):.0f}"
)
assert acc_mean["softmax"] - acc_majority > 0.6  # "more than 60 points"
assert acc_mean["softmax"] - acc_mean["templates"] > 0.05  # "about ten points"
assert acc_mean["templates raw"] - acc_mean["templates"] > 0.01  # raw units help the templates
assert acc_mean["softmax"] > acc_mean["templates raw"]  # ... but not enough
assert 0.93 < acc_mean["softmax"] < 0.99  # "about 96%"
assert 0.78 < acc_mean["templates"] < 0.92 and 0.87 < acc_mean["templates raw"] < 0.97  # 85%, 92%

spread = Xi_train.std(axis=0)  # in centimetres
print(
    "spread of each raw measurement (cm):",
    {n: round(float(v), 2) for n, v in zip(FEATURES, spread, strict=True)},
)
assert spread.argmax() == 2 and spread[2] > 1.8 * np.delete(spread, 2).max()  # petal length

# How well does each measurement alone separate the species? The spread of the three
# species means divided by the typical spread within a species (larger: better).
means = torch.stack([A_train[c_train == k].mean(dim=0) for k in range(K)])
within = torch.stack([A_train[c_train == k].var(dim=0) for k in range(K)]).mean(dim=0)
separation = (means.var(dim=0) / within).cpu()
print("separation:", {n: round(v, 1) for n, v in zip(FEATURES, separation.tolist(), strict=True)})
petal_advantage = (separation[2:].min() / separation[:2].max()).item()
print(
    f"the weaker petal measurement separates {petal_advantage:.1f}x better than the better sepal one"
)
# At least twice as well. Compared on a log scale, where this ratio's spread between seeds
# is even: it ranges from about 5 to 10.
assert math.log2(petal_advantage) > 1

# %% [markdown]
# Averaged over the splits, softmax regression is right about 96% of the time: more than
# 60 points above the majority baseline and about ten above the templates built on the
# same standardised inputs (about 85%). On a single split these gaps can shrink to a
# flower or vanish (the minimum and maximum above show how far one split strays from the
# average), which is why we averaged. Computed from the raw centimetres instead, the
# templates do better (about 92%), though still worse than the trained model on average.
# That difference is the lesson. A nearest-template rule gives every input the same say
# in the distance, so its accuracy depends on the units you happened to measure in.
# In centimetres, petal length has about twice the spread of any other measurement,
# so it dominates the distance, and it happens to be one of the measurements that tell
# the species apart. Standardised, the two sepal measurements get as much say as the
# petals, although, as the separation scores printed above show, they tell the species
# apart far less well. Softmax regression computes scores of
# exactly the same form, one weighted sum of the inputs per class, but it *chooses* the
# weights by minimising a loss, so it learns how much each measurement counts. The
# learned weights show it: red cells vote for a species, blue ones against it.

# %% alt="Heat map of the learned weights, three species by four measurements, red for positive and blue for negative, each cell labelled with its value: the strongest colours are in the petal length and petal width columns, deep blue for setosa and deep red for virginica, while the sepal columns and the versicolor row are paler"
W_cpu = W.cpu()
fig, ax = plt.subplots(figsize=(6.5, 3))
limit = W_cpu.abs().max().item()
image = ax.imshow(W_cpu.T, cmap="RdBu_r", vmin=-limit, vmax=limit)
ax.set_xticks(range(len(FEATURES)), FEATURES)
ax.set_yticks(range(K), SPECIES)
for k in range(K):
    for j in range(len(FEATURES)):
        ax.text(j, k, f"{W_cpu[j, k]:.1f}", ha="center", va="center", fontsize=9)
fig.colorbar(image, ax=ax, label="weight")
ax.set_title("Learned weights of the softmax regression (red: evidence for the species)")
plt.show()

petal_share = W_cpu[2:].abs().sum() / W_cpu.abs().sum()
print(f"share of the total weight magnitude on the two petal measurements: {petal_share:.2f}")
assert 0.6 < petal_share < 0.8  # "about 70%"
assert all(W_cpu[:, k].abs().argmax().item() in (2, 3) for k in (0, 2))  # a petal feature leads

# %% [markdown]
# The two petal columns carry about 70% of the total weight, and the strongest weights of
# setosa and virginica are on petal measurements (versicolor, the species in between,
# leans on a sepal measurement on some splits): the trained model has found by itself
# what the raw-centimetre templates got by luck of the units.
#
# ## Summary
#
# - Gradient descent: compute the gradient, step against it, repeat. On the regression it
#   reached the exact least-squares weights and cut the baseline's error by a third to
#   three fifths, depending on the split.
# - The learning rate must stay below $2/\lambda_{\max}$ of the loss's curvature; the
#   condition number decides how slow the tail is; standardising inputs helps.
# - Softmax turns scores into probabilities; subtracting the maximum and working with
#   log-sum-exp keeps it finite for any logits.
# - Cross-entropy is $-\log p_{\text{true}}$; its gradient with respect to the logits is
#   $(p - Y)/N$. A model that knows nothing pays $\log K$.
# - A from-scratch softmax regression reproduced PyTorch's weights and reached about 96%
#   on iris, averaged over 60 random splits, against about a third for the majority
#   baseline and about 85% for nearest templates on the same inputs; on a single split of
#   38 flowers such numbers move by several points. The next lesson looks at what its probabilities mean.
#
# ## Questions
#
# 1. Why does the diabetes baseline predict the *training* mean rather than the test
#    mean? What would be wrong with using the test mean?
#
#    Answer: a baseline must be a model we could really have built before seeing the test
#    set. The test mean uses the test targets, the very answers we are scoring, so it
#    would leak them into the prediction and make the baseline look better than anything
#    we could deploy; the comparison with the linear model would no longer be fair.
#
# 2. Gradient descent diverged at a learning rate of 0.3 but not at 0.2. Explain the
#    threshold using the eigenvalues of the Hessian.
#
#    Answer: along an eigenvector with curvature $\lambda$ one step multiplies the error
#    by $1 - \eta\lambda$, which shrinks it only while $|1 - \eta\lambda| < 1$, that is
#    $\eta < 2/\lambda$. The largest eigenvalue of $\frac{2}{N}X^\top X$ was about 8
#    (between 7.8 and 8.3 on the splits we tried), so the threshold is about
#    $2/8 = 0.25$: 0.2 is below it, and at 0.3 the error along the steepest direction
#    grows by a factor $|1 - 0.3 \cdot 8| \approx 1.4$ per step.
#
# 3. Show that $\operatorname{softmax}(z + c) = \operatorname{softmax}(z)$ for any
#    constant $c$. Why does that make the stable version possible?
#
#    Answer: $e^{z_k + c} / \sum_j e^{z_j + c} = e^c e^{z_k} / (e^c \sum_j e^{z_j})$, and
#    the $e^c$ cancels. So we may choose $c = -\max_j z_j$: the largest exponent becomes
#    $e^0 = 1$, nothing can overflow, and the sum is at least 1, so it cannot underflow
#    to zero either.
#
# 4. Why is `log_softmax(z)` computed with log-sum-exp better than `torch.log(softmax(z))`?
#    Give logits for which the second one returns `-inf`.
#
#    Answer: a tiny probability underflows to exactly 0 before the logarithm is taken,
#    and $\log 0 = -\infty$, while log-sum-exp never forms the tiny number at all. In
#    float32, `z = torch.tensor([0.0, -200.0])`: the second probability, $e^{-200}
#    \approx 10^{-87}$, is below the smallest float32, so `torch.log(softmax(z))` gives
#    `-inf` where `log_softmax(z)` gives $-200$.
#
# 5. What is the cross-entropy of a model that predicts the uniform distribution over
#    $K$ classes, and why is it a useful line on the loss plot?
#
#    Answer: $\log K$, about 1.10 for our three species (2.30 for ten classes). It is the
#    loss of knowing nothing, and where our zero-initialised models start; a loss above it
#    means the model does worse than guessing uniformly, for example because of a bug or
#    a learning rate that is too large.
#
# 6. The gradient of the loss with respect to the logits is $(p - Y)/N$. Using the shapes
#    of $X$ (N×4) and $W$ (4×3), explain why $\nabla_W L = X^\top (p - Y)/N$.
#
#    Answer: $\nabla_W L$ must have the shape of $W$, 4×3. The available pieces are $X$
#    (N×4) and $(p - Y)/N$ (N×3), and the only product of them with that shape sums over
#    the batch: $X^\top$ (4×N) times (N×3). Entry $(j, k)$ is $\sum_i x_{ij}(p_{ik} -
#    Y_{ik})/N$, exactly what the chain rule gives for $Z_{ik} = \sum_j x_{ij} W_{jk} +
#    b_k$.
#
# 7. The template classifier and softmax regression compute scores of exactly the same
#    form. Why does the trained one do better?
#
#    Answer: the templates' weights are fixed by averaging, which gives every input an
#    equal say in the distance, so their accuracy depends on the units: about 85% on the
#    standardised measurements, about 92% in centimetres, averaged over 60 splits.
#    Softmax regression chooses the weights to minimise a loss on the training data, so it
#    learns how much each measurement matters (mostly the petals) and reached about 96% on
#    the same standardised inputs.
#
# ## Further research
#
# - Replace full-batch gradient descent with *mini-batch* stochastic gradient descent
#   (shuffle, batches of 16, several epochs) on the wine data set (`load_wine`: 178
#   wines, 13 measurements, 3 cultivars; standardise it). Plot the loss against the
#   number of examples processed for both methods. Which needs less computation to reach
#   a given loss, and why can it afford a noisier gradient?
# - Train the diabetes regression on the *raw* (unstandardised, or deliberately rescaled)
#   features. Find the largest stable learning rate experimentally, compute the condition
#   number of the Hessian, and measure how many steps it now takes to get within 1% of the
#   optimum.
# - Add L2 regularisation (weight decay) to the softmax regression: derive the extra
#   gradient term, implement it, and check it against `optim.SGD(weight_decay=...)`. How do
#   the weights in the heat map change as the decay grows?
