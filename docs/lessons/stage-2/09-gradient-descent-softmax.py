# ---
# title: "Gradient descent from scratch, then softmax and cross-entropy"
# summary: Fit a linear regression by gradient descent and match the exact solution, then build a numerically stable softmax classifier for digits from scratch and check it against PyTorch.
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
# stable form real libraries use, check them against PyTorch, and train a digit
# classifier that we can compare with the template classifier of the tensors lesson.
#
# Both halves begin with the library version that works, and then replace it piece by
# piece with our own code.
#
# **Runtime:** about 10 s on a laptop CPU.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_diabetes, load_digits
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
rng = np.random.default_rng(0)
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
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)


def mse(pred, target):
    return float(((pred - target) ** 2).mean())


sk_model = LinearRegression().fit(X_train, y_train)
mse_baseline = mse(np.full_like(y_test, y_train.mean()), y_test)
mse_sklearn = mse(sk_model.predict(X_test), y_test)
print(f"baseline (predict the mean): test MSE {mse_baseline:7.1f}")
print(f"scikit-learn linear model:   test MSE {mse_sklearn:7.1f}")
print(f"the model cuts the baseline's error by {100 * (1 - mse_sklearn / mse_baseline):.0f}%")
assert mse_sklearn < 0.75 * mse_baseline

# %% [markdown]
# The linear model removes about a third of the squared error that the baseline leaves.
# That is a modest but real result: disease progression is noisy, and ten numbers
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
assert torch.allclose(w_gd, w_exact, atol=1e-3)
assert mse_gd_test < 0.75 * mse_baseline

# %% [markdown]
# Gradient descent found the same weights as the exact solver, without ever solving an
# equation, and therefore the same test error: about 36% below the baseline. But it took
# 3,000 steps. To understand why, and how large the step may be, we run it with several
# learning rates and plot the *excess* loss, the gap to the best possible training MSE, on
# a logarithmic axis.

# %%
curves = {lr: gradient_descent(lr, 400)[2] for lr in (0.01, 0.05, 0.2, 0.25)}

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
assert curves[0.2][-1] < curves[0.05][-1] < curves[0.01][-1]
assert curves[0.25][-1] > curves[0.25][0]  # too large: the loss grows instead of shrinking

# %% [markdown]
# Three lessons in one picture:
#
# - **Too small** a learning rate (0.01) is safe but slow: each step only shaves a
#   little off.
# - Larger is faster, **up to a threshold**. At 0.25 the loss explodes: each step
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

# %%
hessian = 2 / len(Xtr) * Xtr.T @ Xtr
eigenvalues = torch.linalg.eigvalsh(hessian.cpu())
lam_min, lam_max = eigenvalues[0].item(), eigenvalues[-1].item()
print(f"curvatures from {lam_min:.4f} to {lam_max:.3f}; condition number {lam_max / lam_min:.0f}")
print(f"largest stable learning rate 2/lambda_max = {2 / lam_max:.3f}")
print(f"slowest direction shrinks by {1 - 0.2 * lam_min:.4f} per step at lr=0.2")
assert 0.2 < 2 / lam_max < 0.25  # the threshold that separated our curves

# %% [markdown]
# The predicted threshold, about 0.24, sits exactly between the rate that worked (0.2)
# and the one that blew up (0.25). The smallest curvature is tiny because some features
# are strongly correlated (two of the blood-serum measurements, total cholesterol and
# LDL cholesterol, rise and fall together), so one combination of weights barely changes
# the predictions and hence the loss; that direction is the slow tail.
#
# This is also why we standardised the features. Raw features with wildly different
# scales stretch the bowl much further (the curvature along a feature grows with the
# square of its scale), forcing a tiny learning rate for the large features and an
# endless crawl for the small ones. Standardising is the cheapest fix for a bad
# condition number, and normalisation layers inside networks, which a later lesson
# covers, apply the same idea to hidden layers.
#
# ## Part 2: classification with softmax and cross-entropy
#
# Regression predicts one number. A digit classifier must score ten classes and turn
# the scores into something we can train on. Again we start with the version that works,
# using PyTorch's building blocks: a linear layer produces ten scores (*logits*) per image,
# `F.cross_entropy` turns them into a loss, and an optimizer applies gradient descent.

# %%
digits = load_digits()
Xd_train, Xd_test, yd_train, yd_test = train_test_split(
    digits.data / 16.0, digits.target, test_size=0.25, random_state=0, stratify=digits.target
)
A_train = torch.tensor(Xd_train, dtype=torch.float32, device=DEVICE)  # (1347, 64), pixels in [0, 1]
A_test = torch.tensor(Xd_test, dtype=torch.float32, device=DEVICE)
c_train = torch.tensor(yd_train, device=DEVICE)
c_test = torch.tensor(yd_test, device=DEVICE)

STEPS, LR = 500, 1.0


def accuracy(logits, labels):
    return (logits.argmax(dim=1) == labels).float().mean().item()


layer = torch.nn.Linear(64, 10).to(DEVICE)
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
print(f"majority-class baseline: {acc_majority:.3f}")
print(f"softmax regression (PyTorch building blocks): {acc_torch:.3f}")
assert acc_torch > 0.93

# %% [markdown]
# A single linear layer trained this way recognises about 96% of the test digits. Let us
# rebuild `F.cross_entropy`, and then the whole training loop, ourselves.
#
# ## Softmax: from scores to probabilities
#
# The ten logits $z_1,\dots,z_{10}$ can be any real numbers. *Softmax* turns them into a
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

# %% [markdown]
# ## Cross-entropy: the loss for probabilities
#
# How should we score a predicted distribution $p$ when the true class is $c$? The
# standard answer is the negative log-probability of the truth, $-\log p_c$, averaged
# over the batch. It is called *cross-entropy* (it is the cross-entropy between the
# one-hot distribution of the label and the prediction), and it has the properties we
# want: zero when the model puts all its probability on the right class, large when it
# is confidently wrong, and, from the probabilistic point of view, minimising it is
# maximum-likelihood estimation. With our stable log-softmax it is one line.
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
# distribution over ten classes pays $\log 10 \approx 2.30$ on every example. Any loss
# above that means the model is doing worse than knowing nothing.
#
# ## Softmax regression from scratch
#
# Now the whole model with no `nn`, no `F`, no optimizer: logits $Z = XW + b$, our
# cross-entropy, and the gradients by the chain rule. From $\partial L/\partial Z =
# (p - Y)/N$ the matrix products of the forward pass tell us where the gradient goes:
# since $Z = XW + b$, we get $\nabla_W L = X^\top \frac{\partial L}{\partial Z}$ (shape
# 64×10, like $W$) and $\nabla_b L = $ the column sums of $\frac{\partial L}{\partial Z}$.
# A good habit: a parameter's gradient always has the parameter's shape, and there is
# usually only one way to multiply the available matrices to get it.
#
# We start from zeros and use the same learning rate and number of steps as the PyTorch
# version, so the two should produce the *same* weights, not merely similar accuracy.

# %%
W = torch.zeros(64, 10, device=DEVICE)
b = torch.zeros(10, device=DEVICE)
Y_train = F.one_hot(c_train, 10).float()
history = {"step": [], "train": [], "test": []}
for step in range(STEPS):
    logits = A_train @ W + b
    if step % 10 == 0 or step == STEPS - 1:
        history["step"].append(step)
        history["train"].append(cross_entropy(logits, c_train).item())
        history["test"].append(cross_entropy(A_test @ W + b, c_test).item())
    grad_logits = (softmax(logits) - Y_train) / len(A_train)
    W -= LR * (A_train.T @ grad_logits)
    b -= LR * grad_logits.sum(dim=0)

acc_scratch = accuracy(A_test @ W + b, c_test)
print(f"from scratch: test accuracy {acc_scratch:.3f} (PyTorch version {acc_torch:.3f})")
print(
    "largest weight difference from the PyTorch version:", (W.T - layer.weight).abs().max().item()
)
assert torch.allclose(W.T, layer.weight, rtol=1e-3, atol=1e-3)
assert abs(acc_scratch - acc_torch) < 0.005

# %% [markdown]
# Same weights, same accuracy: nothing in `nn.Linear`, `F.cross_entropy` or `optim.SGD`
# is magic any more. Here is how training went. The dashed line is the know-nothing loss,
# $\log 10$.

# %%
fig, ax = plt.subplots(figsize=(7.5, 4.5))
ax.plot(history["step"], history["train"], label="training loss")
ax.plot(history["step"], history["test"], label="test loss")
ax.axhline(math.log(10), color="gray", linestyle="--", label="uniform guess, log 10")
ax.set_xlabel("step")
ax.set_ylabel("cross-entropy")
ax.set_yscale("log")
ax.set_title("Softmax regression on digits, trained from scratch")
ax.legend()
plt.show()

# %% [markdown]
# How much does learning buy over the simpler methods? The baseline always answers the
# most common digit; the template classifier from the tensors lesson compares each image
# with the average image of each class. Both need no gradient at all.

# %%
templates = torch.stack([A_train[c_train == k].mean(dim=0) for k in range(10)])
acc_templates = accuracy(-torch.cdist(A_test, templates), c_test)
print(f"majority class:            {acc_majority:.3f}")
print(f"nearest template:          {acc_templates:.3f}")
print(f"softmax regression:        {acc_scratch:.3f}")
print(
    f"softmax regression beats the majority baseline by {100 * (acc_scratch - acc_majority):.0f} points "
    f"and the templates by {100 * (acc_scratch - acc_templates):.1f} points"
)
assert acc_scratch - acc_majority > 0.8
assert acc_scratch > acc_templates + 0.03
assert history["test"][-1] < 0.25 * math.log(10)

# %% [markdown]
# The trained linear classifier makes fewer than half as many mistakes as the templates. It
# has exactly the same form, one score per class computed as a weighted sum of pixels,
# so the difference lies entirely in *how the weights were chosen*: averaging versus
# minimising a loss. The learned weights show it. Red pixels vote for a digit, blue ones
# against it; unlike the blurry templates, they emphasise the strokes that *distinguish*
# a digit from the others.

# %%
fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
limit = W.abs().max().item()
for k, ax in enumerate(axes):
    ax.imshow(W[:, k].reshape(8, 8).cpu(), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(str(k))
    ax.axis("off")
fig.suptitle("Learned weights of the softmax regression (red: evidence for the digit)", y=1.08)
plt.show()

# %% [markdown]
# ## Summary
#
# - Gradient descent: compute the gradient, step against it, repeat. On the regression it
#   reached the exact least-squares weights and cut the baseline's error by a third.
# - The learning rate must stay below $2/\lambda_{\max}$ of the loss's curvature; the
#   condition number decides how slow the tail is; standardising inputs helps.
# - Softmax turns scores into probabilities; subtracting the maximum and working with
#   log-sum-exp keeps it finite for any logits.
# - Cross-entropy is $-\log p_{\text{true}}$; its gradient with respect to the logits is
#   $(p - Y)/N$.
# - A from-scratch softmax regression reproduced PyTorch's weights exactly and reached
#   about 96% on digits, against 10% for the majority baseline and about 91% for the
#   template classifier.
#
# ## Questions
#
# 1. Why does the diabetes baseline predict the *training* mean rather than the test
#    mean? What would be wrong with using the test mean?
# 2. Gradient descent diverged at a learning rate of 0.25 but not at 0.2. Explain the
#    threshold using the eigenvalues of the Hessian.
# 3. Show that $\operatorname{softmax}(z + c) = \operatorname{softmax}(z)$ for any
#    constant $c$. Why does that make the stable version possible?
# 4. Why is `log_softmax(z)` computed with log-sum-exp better than `torch.log(softmax(z))`?
#    Give logits for which the second one returns `-inf`.
# 5. What is the cross-entropy of a model that predicts the uniform distribution over ten
#    classes, and why is it a useful line on the loss plot?
# 6. The gradient of the loss with respect to the logits is $(p - Y)/N$. Using the shapes
#    of $X$ (N×64) and $W$ (64×10), explain why $\nabla_W L = X^\top (p - Y)/N$.
# 7. The template classifier and softmax regression compute scores of exactly the same
#    form. Why does the trained one do better?
#
# ## Further research
#
# - Replace full-batch gradient descent on digits with *mini-batch* stochastic gradient
#   descent (shuffle, batches of 32, several epochs). Plot loss against the number of
#   examples processed for both. Which reaches 95% test accuracy with less computation,
#   and why can it afford a noisier gradient?
# - Train the diabetes regression on the *raw* (unstandardised, or deliberately rescaled)
#   features. Find the largest stable learning rate experimentally, compute the condition
#   number of the Hessian, and measure how many steps it now takes to get within 1% of the
#   optimum.
# - Add L2 regularisation (weight decay) to the softmax regression: derive the extra
#   gradient term, implement it, and check it against `optim.SGD(weight_decay=...)`. How do
#   the weight images change?
