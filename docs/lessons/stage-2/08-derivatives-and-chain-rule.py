# ---
# title: "Derivatives and the chain rule, checked against autograd"
# summary: Use a derivative to find a minimum, then compute it three ways (finite differences, by hand with the chain rule, and by reverse mode) and check each against PyTorch autograd.
# stage: 2
# kind: lesson
# minutes: 45
# device: auto
# resources: [matrix-calculus-for-deep-learning, khan-academy-linear-algebra, deep-learning-book, cs229-linear-algebra-review]
# prerequisites: [stage-2/07-tensors-and-matmul]
# data: []
# aliases: [stage-2/07-derivatives-and-chain-rule]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Derivatives and the chain rule, checked against autograd
#
# Training a neural network means nudging millions of numbers so that a loss goes down.
# The only reason that is feasible is that we can ask, for every one of those numbers at
# once, "if I increase you a little, does the loss go up or down, and how fast?" The
# answer is the *derivative*, and the machinery that computes it for every parameter in
# one sweep is *automatic differentiation* (autograd), which in turn is nothing more
# than the *chain rule* applied systematically.
#
# As always we start with something that works: one call to PyTorch's autograd gives a
# slope, and following that slope downhill finds the minimum of a function far more
# precisely than a brute-force search. Then we open the box. We estimate the derivative
# numerically with finite differences and see why that is both useful and limited;
# derive it by hand with the chain rule; rewrite the chain rule as a backward pass,
# which is exactly what autograd records; and finally go from one input to many, where
# the backward pass wins by a factor equal to the number of parameters.
#
# **Runtime:** about 3 s on a laptop CPU. We compute in 64-bit floats throughout, which
# is what you want whenever you *check* derivatives (training itself is happy with 32).

# %%
import math
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # tiny tensors: one CPU thread is fastest and steadiest
F64 = dict(dtype=torch.float64, device=DEVICE)
print("device:", DEVICE)

# %% [markdown]
# ## The working result: follow the slope downhill
#
# Our running example is a single artificial neuron with a squared error attached. It
# takes an input $x$, multiplies by a weight $w$, adds a bias $b$, squashes the result
# with $\tanh$, and compares it with a target $t$:
#
# $$f(x) = \big(\tanh(w x + b) - t\big)^2, \qquad w = 2,\; b = -1,\; t = 0.5 .$$
#
# It is small enough to do by hand and has the same anatomy as a real network's loss:
# a linear step, a non-linearity, an error.
#
# We want the $x$ that makes $f$ smallest. Autograd works like this: mark a tensor with
# `requires_grad=True`, compute with it, call `.backward()` on the (scalar) result,
# and read the derivative from `.grad`. Gradient descent then repeats
# $x \leftarrow x - \eta\, f'(x)$ with a small step size $\eta$.

# %%
W, B, T = 2.0, -1.0, 0.5


def f(x):
    """The running example; works on floats, numpy arrays and torch tensors alike."""
    lib = torch if isinstance(x, torch.Tensor) else np
    return (lib.tanh(W * x + B) - T) ** 2


x = torch.tensor(-0.5, **F64, requires_grad=True)
path = [x.item()]
for _ in range(25):
    loss = f(x)
    loss.backward()  # fills x.grad with df/dx at the current x
    with torch.no_grad():  # the update itself is not part of the function
        x -= 0.2 * x.grad
    x.grad = None  # gradients accumulate unless cleared
    path.append(x.item())

x_exact = (math.atanh(T) - B) / W  # where tanh(w x + b) equals t exactly
gd_error = abs(path[-1] - x_exact)
print(f"gradient descent: x = {path[-1]:.15f} after 25 steps (25 derivative evaluations)")
print(f"exact minimiser:  x = {x_exact:.15f}")

# Baseline: no derivatives at all, just evaluate f on a fine grid and keep the best point.
grid = np.linspace(-2, 2, 1001)
x_grid = grid[np.argmin(f(grid))]
grid_error = abs(x_grid - x_exact)
print(f"grid search:      x = {x_grid:.15f} after {len(grid)} evaluations")
print(f"error: gradient descent {gd_error:.1e}, grid search {grid_error:.1e}")

x_min_claimed = 0.775  # quoted in the prose below
assert gd_error < 1e-13  # "to about fifteen digits"
assert abs(x_exact - x_min_claimed) < 5e-4
assert round(len(grid) / len(path[1:])) == 40  # "forty times as many evaluations"
assert 5e-4 < grid_error < 2e-3  # "off by about 0.001"

# %% [markdown]
# Twenty-five steps guided by the derivative land on the minimiser to about fifteen
# digits; the derivative-free baseline spends forty times as many evaluations and is
# still off by about 0.001, and in many dimensions a grid is hopeless (a grid of
# 1,000 points per axis over a million parameters is not a thing that can exist). The
# derivative is what makes learning tractable. Let us see where it comes from.
#
# ## What a derivative is, and how to estimate one
#
# The derivative $f'(x)$ is the slope of the graph of $f$ at $x$: the limit, as the step
# $h$ shrinks to zero, of the slope between two nearby points. Dropping the limit and
# simply choosing a small $h$ gives *finite differences*:
#
# $$\text{forward: } \frac{f(x+h)-f(x)}{h}, \qquad
#   \text{central: } \frac{f(x+h)-f(x-h)}{2h}.$$
#
# They need nothing but the ability to evaluate $f$, which makes them the universal
# checking tool. Let's compare both with autograd at one point.
#
# Quick check: the central difference of $f(x) = x^2$ at $x = 3$ with $h = 0.5$ is
# $(3.5^2 - 2.5^2)/1$. What is it?
#
# Answer: 6
#
# Why: $12.25 - 6.25 = 6$, exactly the derivative $2x$. For a quadratic the central
# difference has no truncation error at all, because the error term involves $f'''$,
# which is zero; the forward difference, $(12.25 - 9)/0.5 = 6.5$, is off by $h$.


# %%
def autograd_derivative(fn, x0):
    x = torch.tensor(x0, **F64, requires_grad=True)
    fn(x).backward()
    return x.grad.item()


def forward_diff(fn, x0, h):
    return (fn(x0 + h) - fn(x0)) / h


def central_diff(fn, x0, h):
    return (fn(x0 + h) - fn(x0 - h)) / (2 * h)


x0 = 0.3
exact = autograd_derivative(f, x0)
print(f"autograd:            {exact:.15f}")
print(f"forward,  h=1e-6:    {forward_diff(f, x0, 1e-6):.15f}")
print(f"central,  h=1e-6:    {central_diff(f, x0, 1e-6):.15f}")
assert math.isclose(central_diff(f, x0, 1e-6), exact, rel_tol=1e-8)

# %% [markdown]
# Both are close, central noticeably closer. How close depends on $h$ in an interesting
# way. A Taylor expansion shows the forward difference is off by about
# $\tfrac{h}{2}f''(x)$ (error proportional to $h$), while in the central difference
# that term cancels and the error is about $\tfrac{h^2}{6}f'''(x)$ (proportional to
# $h^2$). So smaller $h$ is better... until it is not: $f(x+h)$ and $f(x)$ agree in
# almost all their digits, and subtracting them throws those digits away. With machine
# precision $\varepsilon$ ($\approx 10^{-16}$ for float64, $10^{-7}$ for float32), this
# *rounding error* grows like $\varepsilon / h$. The sum of the two errors is a "V" on a
# log-log plot, and its bottom is the best a finite difference can do.

# %% alt="Log-log plot of the relative error of forward and central differences against the step h, in float64 (solid) and float32 (dashed). Each curve is a V: error falls as h shrinks until rounding takes over and it rises again. The central float64 curve reaches lowest, near 1e-11 at h of a few times 1e-6; both float32 curves bottom out near 1e-5"
hs = np.logspace(-14, -1, 40)
err = {}
for dtype in (np.float64, np.float32):
    xd = dtype(x0)
    for name, rule in (("forward", forward_diff), ("central", central_diff)):
        errs = [abs(float(rule(f, xd, dtype(h))) - exact) / abs(exact) for h in hs]
        err[f"{name}, {np.dtype(dtype).name}"] = np.maximum(errs, 1e-17)  # keep log plot finite

fig, ax = plt.subplots(figsize=(7, 4.5))
for label, e in err.items():
    ax.loglog(hs, e, marker=".", label=label, linestyle="--" if "32" in label else "-")
ax.set_xlabel("step h")
ax.set_ylabel("relative error against autograd")
ax.set_title("Finite differences: truncation error (right) vs rounding error (left)")
ax.legend()
plt.show()

best = {label: e.min() for label, e in err.items()}
best_h = {label: hs[e.argmin()] for label, e in err.items()}
for label, e in err.items():
    print(f"{label:>17}: best relative error {e.min():.1e} at h = {best_h[label]:.0e}")
gain = best["forward, float64"] / best["central, float64"]
print(f"central beats forward at their best h by a factor of {gain:.0f}")

assert best["central, float64"] < 1e-10
assert 10 < gain < 1000  # "one to two orders of magnitude"
assert 1e-6 <= best_h["central, float64"] < 1e-5  # "a few times 1e-6"
assert 1e-9 < best_h["forward, float64"] < 1e-7  # "about 1e-8"
assert 1e-6 < min(best["central, float32"], best["forward, float32"]) < 1e-4  # ~5 digits

# %% [markdown]
# The picture explains three rules of thumb. Central differences beat the forward
# baseline by one to two orders of magnitude at their best $h$ (a few times $10^{-6}$
# for float64, close to the cube root of $\varepsilon$, against about $10^{-8}$, the
# square root, for forward differences), because their truncation error falls twice as
# fast. In float32 *no* step size gives more than about five correct digits, which is why
# derivative checks are always done in float64. And even at its best a finite difference
# is an approximation, while autograd computes the exact derivative up to ordinary
# rounding. Finite differences are the tool to *check* derivatives, never the tool to
# *train* with: we will see below that they are also far too expensive.
#
# ## By hand: the chain rule
#
# Our function is a chain of three simple steps:
#
# $$u = w x + b, \qquad v = \tanh u, \qquad f = (v - t)^2 .$$
#
# Each step has a derivative we know: $\frac{du}{dx} = w$, $\frac{dv}{du} = 1 -
# \tanh^2 u = 1 - v^2$, and $\frac{df}{dv} = 2(v - t)$. The chain rule says that the
# derivative of a composition is the product of the derivatives of its links, each
# evaluated at the point the computation actually passed through:
#
# $$\frac{df}{dx} = \frac{df}{dv}\cdot\frac{dv}{du}\cdot\frac{du}{dx}
#   = 2(v - t)\,(1 - v^2)\, w .$$
#
# One way to see why: if $x$ moves by a tiny $\delta$, then $u$ moves by $w\delta$, $v$
# by $(1-v^2)$ times that, and $f$ by $2(v-t)$ times *that*. Rates of change multiply.


# %%
def f_prime_by_hand(x):
    v = np.tanh(W * x + B)
    return 2 * (v - T) * (1 - v**2) * W


xs = np.linspace(-2, 2, 201)
x_t = torch.tensor(xs, **F64, requires_grad=True)
f(x_t).sum().backward()  # each f(x_i) depends only on x_i, so the sum's gradient is f'(x_i)
by_autograd = x_t.grad.cpu().numpy()
by_hand = f_prime_by_hand(xs)
by_central = central_diff(f, xs, 1e-5)

print("max |hand - autograd|:   ", np.abs(by_hand - by_autograd).max())
print("max |central - autograd|:", np.abs(by_central - by_autograd).max())
assert np.abs(by_hand - by_autograd).max() < 1e-14  # "a few units in the last place"
assert np.allclose(by_central, by_autograd, rtol=1e-7, atol=1e-9)

# %% [markdown]
# The hand-derived formula agrees with autograd on all 201 points to within a few units
# in the last place (differences of order $10^{-15}$ on values of order 1).
# (Note the trick of calling `.backward()` on a *sum*: autograd needs a scalar to start
# from, and because each output depends only on its own input, the gradient of the sum
# with respect to $x_i$ is just $f'(x_i)$.)
#
# Here is the function with its derivative underneath. Wherever $f'$ crosses zero, $f$
# has a flat spot: the minimum at $x \approx 0.775$ that gradient descent found, and the
# dots show the path it took, taking big steps on the steep part and creeping in as the
# slope flattens. The dashed lines are tangents, whose slopes are the values of $f'$.

# %% alt="Two stacked panels over x from -2 to 2. Top: the curve f(x), high on the left and falling to a minimum of zero near x = 0.775, with three dashed tangent lines and red dots marking the gradient descent steps crowding in towards the minimum. Bottom: the derivative f'(x) by hand, by autograd and by central differences lying on one curve, which crosses zero at the minimum, marked by a red vertical line"
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 6.5), sharex=True)
ax1.plot(xs, f(xs), label="f(x)")
for xp in (-0.6, 0.3, 1.4):
    slope = f_prime_by_hand(xp)
    seg = np.linspace(xp - 0.4, xp + 0.4, 2)
    ax1.plot(seg, f(xp) + slope * (seg - xp), "--", color="gray")
ax1.plot(
    path, f(np.array(path)), "o", color="tab:red", markersize=4, label="gradient descent steps"
)
ax1.set_ylabel("f(x)")
ax1.legend()
ax1.set_title("f and its tangent lines")

ax2.plot(xs, by_hand, label="f'(x) by hand", linewidth=3, alpha=0.5)
ax2.plot(xs, by_autograd, "--", label="f'(x) by autograd")
ax2.plot(xs[::10], by_central[::10], "k.", label="central difference")
ax2.axhline(0, color="gray", linewidth=0.8)
ax2.axvline(x_exact, color="tab:red", linewidth=0.8)
ax2.set_xlabel("x")
ax2.set_ylabel("f'(x)")
ax2.legend()
ax2.set_title("The derivative: three methods, one curve")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The chain rule as a backward pass
#
# Look at the order in which we used the chain rule. To get the factors we first ran
# the function forward, keeping the intermediate values $u$ and $v$. Then we multiplied
# local derivatives starting from the *output*: $\frac{df}{df} = 1$, times
# $\frac{df}{dv}$, times $\frac{dv}{du}$, times $\frac{du}{dx}$. Written as code this is
# a forward pass that saves what it needs, followed by a backward pass that carries one
# number, "how much does $f$ change per unit change of this intermediate", back along
# the chain. That number is usually called the *gradient* of the intermediate, and it is
# what autograd stores in `.grad`.


# %%
def forward_and_backward(x):
    # forward pass: compute and remember every intermediate
    u = W * x + B
    v = math.tanh(u)
    out = (v - T) ** 2
    # backward pass: start from d out/d out = 1 and walk the chain in reverse
    g_out = 1.0
    g_v = g_out * 2 * (v - T)  # d out / dv
    g_u = g_v * (1 - v**2)  # d out / du
    g_x = g_u * W  # d out / dx
    return out, g_x


value, grad = forward_and_backward(x0)
print(f"f({x0}) = {value:.6f}, f'({x0}) = {grad:.15f} (autograd: {exact:.15f})")
assert math.isclose(grad, exact, rel_tol=1e-12)

# %% [markdown]
# Autograd does the same thing, automatically, for any composition of operations it
# knows. During the forward pass every operation on a tensor that requires a gradient
# records a node that knows its local derivative and remembers its inputs. Calling
# `.backward()` walks these nodes in reverse. You can see the chain PyTorch built for our
# function by following `grad_fn` from the output back to the input:

# %%
x = torch.tensor(x0, **F64, requires_grad=True)
out = f(x)
node, chain = out.grad_fn, []
while node is not None:
    chain.append(type(node).__name__)
    parents = [p for p, _ in node.next_functions if p is not None]
    node = parents[0] if parents else None
print(" <- ".join(chain))
assert chain[0].startswith("Pow") and any(name.startswith("Tanh") for name in chain)

# %% [markdown]
# `PowBackward` is our square, `SubBackward` the $-t$, `TanhBackward` the
# non-linearity, `AddBackward` and `MulBackward` the linear step, and
# `AccumulateGrad` the leaf that adds the result into `x.grad` ("accumulate" is why we
# had to reset `x.grad = None` in the descent loop).
#
# Quick check: you run `f(x).backward()` twice, each time with a fresh forward pass and
# without clearing `x.grad` in between. What does `x.grad` hold?
#
# - [ ] $f'(x)$, from the second call only
# - [x] $2 f'(x)$, the two results added together
# - [ ] $f''(x)$, the second derivative
# - [ ] an error, because the graph was freed
#
# Why: each backward pass ends in `AccumulateGrad`, which adds into `.grad` rather than
# overwriting it. The graph is freed only for a second backward through the *same*
# forward pass; a fresh forward builds a new graph.
#
# ## Reading two autograd errors
#
# Two mistakes everybody makes with autograd, and what PyTorch says about them. First,
# `.backward()` needs a scalar to start from; calling it on a vector is ambiguous.
# Second, to save memory the intermediate values are freed once the backward pass has
# used them, so a second backward through the same graph fails.

# %%
x = torch.tensor([0.1, 0.2], **F64, requires_grad=True)
try:
    f(x).backward()
except RuntimeError as err:
    first = str(err)
    print("1:", first)

y = f(x).sum()
y.backward()
try:
    y.backward()
except RuntimeError as err:
    second = str(err)
    print("2:", second.split(".")[0] + ".")

assert "scalar" in first
assert "second time" in second

# %% [markdown]
# The first message tells you what to do: reduce to a scalar (a sum or a mean, as a loss
# is) or pass the vector of output gradients explicitly. The second message even
# suggests `retain_graph=True`, but the usual fix is to recompute the forward pass, as
# every training step does anyway.
#
# ## Many inputs: partial derivatives and the gradient
#
# A real loss depends on many parameters. Take our neuron and learn $w$ and $b$ from a
# batch of examples $(x_i, t_i)$:
#
# $$L(w, b) = \frac{1}{N}\sum_{i=1}^{N} \big(\tanh(w x_i + b) - t_i\big)^2 .$$
#
# A *partial derivative*, $\partial L / \partial w$, is the ordinary derivative with
# every other variable held fixed, and the *gradient* $\nabla L$ collects all of them in
# a vector: the direction of steepest increase. The chain rule carries over unchanged;
# with $v_i = \tanh(w x_i + b)$ and the shared factor
# $g_i = \frac{2}{N}(v_i - t_i)(1 - v_i^2)$,
#
# $$\frac{\partial L}{\partial w} = \sum_i g_i\, x_i, \qquad
#   \frac{\partial L}{\partial b} = \sum_i g_i .$$
#
# The $x_i$ appears in the first because $\partial(w x_i + b)/\partial w = x_i$; the
# bias gets a plain sum because $\partial(w x_i + b)/\partial b = 1$. Both are checked
# against autograd, against central differences, and with PyTorch's own checker
# `torch.autograd.gradcheck`, which perturbs every input and compares.

# %%
N = 50
xb = torch.tensor(rng.uniform(-2, 2, N), **F64)
tb = torch.tanh(1.5 * xb - 0.5) + 0.05 * torch.tensor(rng.standard_normal(N), **F64)


def batch_loss(w, b):
    return ((torch.tanh(w * xb + b) - tb) ** 2).mean()


w = torch.tensor(0.7, **F64, requires_grad=True)
b = torch.tensor(0.2, **F64, requires_grad=True)
batch_loss(w, b).backward()

with torch.no_grad():
    v = torch.tanh(w * xb + b)
    g = 2 / N * (v - tb) * (1 - v**2)
    hand = torch.stack([(g * xb).sum(), g.sum()])
    h = 1e-6
    numeric = torch.stack(
        [
            (batch_loss(w + h, b) - batch_loss(w - h, b)) / (2 * h),
            (batch_loss(w, b + h) - batch_loss(w, b - h)) / (2 * h),
        ]
    )
auto = torch.stack([w.grad, b.grad])
print("autograd:", auto.tolist())
print("by hand: ", hand.tolist())
print("central: ", numeric.tolist())
assert torch.allclose(hand, auto, rtol=1e-12, atol=1e-14)
assert torch.allclose(numeric, auto, rtol=1e-6, atol=1e-9)
assert torch.autograd.gradcheck(
    batch_loss, (w.detach().requires_grad_(), b.detach().requires_grad_())
)

# %% [markdown]
# ## Why the backward pass wins: counting evaluations
#
# With two parameters, finite differences cost four extra evaluations of the loss. With
# $n$ parameters they cost $2n$: one nudge up and one down per parameter. A backward pass
# costs roughly as much as one or two forward passes *regardless of $n$*, because it
# visits every operation of the forward pass once, in reverse, carrying gradients for all
# parameters together. That asymmetry is the reason deep learning is possible: a network
# with a million weights would need two million loss evaluations per finite-difference
# step.
#
# We can see it with a function of $n = 2{,}000$ parameters, a one-layer network with a
# tanh on a fixed batch. We compute its full gradient both ways, counting forward
# evaluations and timing them.

# %%
n = 2000
A = torch.tensor(rng.standard_normal((64, n)) / math.sqrt(n), **F64)
target = torch.tensor(rng.standard_normal(64), **F64)
calls = 0


def loss_fn(theta):
    global calls
    calls += 1
    return ((torch.tanh(A @ theta) - target) ** 2).mean()


theta = torch.tensor(rng.standard_normal(n), **F64, requires_grad=True)
eye = torch.eye(n, **F64)


def gradient_by_autograd():
    theta.grad = None
    loss_fn(theta).backward()
    return theta.grad.clone()


def gradient_by_central_differences(h=1e-6):
    with torch.no_grad():
        return torch.stack(
            [
                (loss_fn(theta + h * eye[i]) - loss_fn(theta - h * eye[i])) / (2 * h)
                for i in range(n)
            ]
        )


def timed(fn, repeat):
    """fn's result, its number of loss evaluations, and its least CPU time over `repeat` runs."""
    global calls
    times = []
    for _ in range(repeat):
        calls = 0
        # CPU time of this process only: the time other programs hold the processor, which
        # the wall clock would count, does not enter.
        t0 = time.process_time()
        result = fn()
        times.append(time.process_time() - t0)
    return result, calls, min(times)


grad_auto, calls_auto, time_auto = timed(gradient_by_autograd, repeat=20)
grad_fd, calls_fd, time_fd = timed(gradient_by_central_differences, repeat=3)

print(
    f"autograd:             {calls_auto} forward evaluation + 1 backward, {time_auto * 1e3:8.2f} ms CPU"
)
print(f"central differences:  {calls_fd} forward evaluations,         {time_fd * 1e3:8.2f} ms CPU")
print("max |difference| between the two gradients:", (grad_fd - grad_auto).abs().max().item())
print(f"time ratio {time_fd / time_auto:,.0f}; evaluation ratio {calls_fd // calls_auto:,}")
assert calls_auto == 1 and calls_fd == 2 * n == 4000  # "four thousand times fewer"
assert torch.allclose(grad_fd, grad_auto, rtol=1e-5, atol=1e-9)
assert time_fd / time_auto < calls_fd / calls_auto  # the time ratio is the smaller one

# %% [markdown]
# Same gradient, four thousand times fewer evaluations. (We measured processor time,
# `time.process_time`, rather than the wall clock: on a busy machine the wall clock also
# counts the time other programs hold the processor, which would make a long computation
# look slower than a short one measured in a quiet moment. Each way ran several times and
# the fastest run was kept. The time ratio printed above is smaller than the evaluation ratio
# because the backward pass costs a few forward passes of its own, and each tiny
# evaluation is dominated by fixed per-call overhead, as the tensors lesson found for
# small matrix products.)
#
# A cheaper way to *check* a large gradient, used in practice, is a *directional*
# derivative: pick a random direction $d$, and compare the central difference of
# $L(\theta + h d)$ with the dot product $\nabla L \cdot d$. One pair of evaluations
# tests all $n$ components at once, in a random mixture.

# %%
d = torch.tensor(rng.standard_normal(n), **F64)
with torch.no_grad():
    directional = (loss_fn(theta + 1e-6 * d) - loss_fn(theta - 1e-6 * d)) / 2e-6
print(f"central difference along d: {directional.item():.10f}")
print(f"gradient . d:               {(grad_auto @ d).item():.10f}")
# Relative to the largest value grad . d could take (both vectors aligned): grad . d itself
# can come out close to zero for an unlucky direction.
scale = (grad_auto.norm() * d.norm()).item()
assert abs(directional.item() - (grad_auto @ d).item()) < 1e-6 * scale

# %% [markdown]
# ## Summary
#
# - A derivative is a local slope; following it downhill (gradient descent) found a
#   minimum to fifteen digits where a 1,001-point grid got two or three.
# - Finite differences need only function values. Central differences beat the forward
#   baseline, but rounding sets a floor; check in float64, never train with them.
# - The chain rule multiplies local derivatives along a composition. Doing the
#   multiplication from the output backwards is the backward pass, and that is what
#   autograd records in `grad_fn` and replays in `.backward()`.
# - For $n$ parameters finite differences cost $2n$ evaluations; one backward pass gives
#   the whole gradient for the cost of a couple of forward passes.
#
# In the next lesson we put gradients to work on real data: gradient descent on a linear
# regression, then a softmax classifier, all from scratch.
#
# ## Questions
#
# 1. Why is the central difference more accurate than the forward difference for the
#    same $h$? What happens to each when $h$ is made extremely small, and why?
#
#    Answer: in the Taylor expansions of $f(x+h)$ and $f(x-h)$ the $h^2 f''$ terms cancel
#    in the central difference, leaving an error of order $h^2$, against order $h$ for the
#    forward one. For very small $h$ both are ruined by rounding: $f(x+h)$ and $f(x)$
#    agree in almost all their digits, the subtraction cancels them, and the error grows
#    like $\varepsilon/h$. That is the left arm of each V in the plot.
#
# 2. Using the chain rule, write the derivative of $\sigma(a x^2 + c)$ where
#    $\sigma(z) = 1/(1+e^{-z})$ and $\sigma'(z) = \sigma(z)(1-\sigma(z))$.
#
#    Answer: with $z = a x^2 + c$, the derivative is
#    $\sigma(z)\,(1 - \sigma(z)) \cdot 2 a x$: the outer derivative at the inner value,
#    times the inner derivative $dz/dx = 2ax$.
#
# 3. In `forward_and_backward`, why must the forward pass keep $v$? What would the
#    backward pass have to do if it had thrown $v$ away?
#
#    Answer: two of the local derivatives are written in terms of it, $df/dv = 2(v - t)$
#    and $dv/du = 1 - v^2$. Without it the backward pass would have to recompute $v$
#    from $x$, running that part of the forward pass again: less memory for more
#    computation, the trade that "gradient checkpointing" makes on purpose.
#
# 4. Why did we set `x.grad = None` inside the gradient descent loop? What would go
#    wrong without it?
#
#    Answer: `backward()` adds into `.grad`. Without the reset, step $k$ would move by the
#    sum of all derivatives so far instead of the current one. The stale sum keeps
#    pushing in the old direction: here $x$ shoots past the minimum onto the flat
#    right-hand tail, where the current slope is almost zero and cannot undo the sum, and
#    it keeps drifting away. Try it: delete the line and print the path.
#
# 5. Why does calling `.backward()` on `f(x).sum()` give the element-wise derivatives
#    $f'(x_i)$? For which kinds of functions would that trick *not* work?
#
#    Answer: $\partial \big(\sum_j f(x_j)\big) / \partial x_i = f'(x_i)$ because every
#    other term $f(x_j)$ does not depend on $x_i$. The trick fails when outputs mix
#    inputs, for example a softmax, a matrix product or subtracting the batch mean: the
#    gradient of the sum is then a sum over a whole column of the Jacobian, not the one
#    derivative you wanted.
#
# 6. For a model with one million parameters, how many loss evaluations does a
#    central-difference gradient need, and how many forward/backward passes does
#    autograd need?
#
#    Answer: two per parameter, so two million evaluations. Autograd needs one forward
#    and one backward pass, whatever the number of parameters, just as our 2,000-parameter
#    example needed 4,000 evaluations against one.
#
# 7. In the two-parameter neuron, why does $\partial L/\partial w$ contain $x_i$ while
#    $\partial L/\partial b$ does not?
#
#    Answer: the chain rule multiplies the shared factor $g_i$ by the derivative of
#    $w x_i + b$ with respect to each parameter: $x_i$ for $w$ (a weight's effect is
#    scaled by its input) and $1$ for $b$.
#
# ## Further research
#
# - Implement a tiny reverse-mode autograd yourself: a `Value` class holding a number,
#   its gradient and a list of parents with local derivatives, supporting `+`, `*` and
#   `tanh`, and a `backward()` that visits nodes in reverse topological order. Check it
#   against PyTorch on the running example and on the two-parameter loss.
# - Read the sections on the vector chain rule and Jacobians in *The Matrix Calculus You
#   Need for Deep Learning*. Then use `torch.autograd.functional.jacobian` on a function
#   from $\mathbb{R}^3$ to $\mathbb{R}^2$ and check each entry with central differences.
# - Gradient descent with step size 0.2 converged on our $f$; find by experiment the step
#   size at which it starts to oscillate and then to diverge, and relate that threshold
#   to the second derivative $f''$ at the minimum (compute $f''$ with autograd by calling
#   `torch.autograd.grad` with `create_graph=True`).
