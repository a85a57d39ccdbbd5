# ---
# title: "Recurrent networks three ways: library, module, from scratch"
# summary: Predict the next value of noisy waves with nn.GRU, beat two baselines, then rebuild the same network as a hand-written module and as a raw-tensor loop that give identical outputs.
# stage: 3
# kind: lesson
# minutes: 60
# device: auto
# resources: [dive-into-deep-learning, deeplearning-ai-specialization, hinton-neural-networks-coursera, mit-6s191, pytorch-tutorials]
# prerequisites: [stage-3/11-training-loop-opened]
# data: []
# aliases: [stage-3/11-recurrent-networks]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Recurrent networks three ways: library, module, from scratch
#
# Some data arrives in order: sound, text, sensor readings, prices. A model for such data
# must read a sequence of any length and carry what matters from earlier steps to later
# ones. A *recurrent neural network* (RNN) does this with a loop: at every step it
# combines the new input with a *hidden state*, a vector summarising everything it has
# read so far, and produces a new hidden state. The same weights are used at every step,
# just as a convolution uses the same filter at every position.
#
# This lesson follows the route that the fast.ai course takes for recurrent networks:
# first a few lines with the library's ready-made layer, then the same architecture
# written as our own `nn.Module`, then the whole thing from scratch with raw tensors, and
# at each level we check that the numbers agree exactly. The task is small enough to
# train in seconds: given the values of a noisy wave so far, predict the next one. Two
# baselines keep us honest: repeating the last value, and a linear model of the last
# eight values.
#
# **Runtime:** about 40 s on a laptop CPU.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # small model: one CPU thread is fastest and steadiest
# Full float32 precision everywhere (cuDNN may otherwise use TF32 on recent GPUs), so
# that our three implementations can be compared to float32 rounding.
torch.set_float32_matmul_precision("highest")
torch.backends.cudnn.allow_tf32 = False
print("device:", DEVICE)

# %% [markdown]
# ## The task: continue a noisy wave
#
# Each sequence is a sine wave with its own random frequency, amplitude and phase, plus
# Gaussian noise with standard deviation 0.1, observed for 41 steps. The model reads
# steps $0..t$ and predicts step $t+1$, at every $t$. Because the frequency differs from
# sequence to sequence, the model cannot memorise one wave: it has to *infer* the
# frequency and phase from what it has seen, and keep that estimate in its hidden state.
#
# The noise sets a floor. Even a model that knew the clean wave perfectly would be off by
# the noise in the target, a mean squared error of $0.1^2 = 0.01$. We score all
# models from step 8 onwards, so that each has seen a few values first (and the
# eight-value baseline below has a full window).
#
# Quick check: suppose the noise had standard deviation 0.2 instead of 0.1. What mean
# squared error would a model that knew every clean wave exactly score against the noisy
# next values?
#
# Answer: 0.04
#
# Why: its only error is the noise in the target, whose mean square is its variance,
# $0.2^2 = 0.04$. Doubling the noise quadruples the floor.

# %% alt="Three noisy test sequences over 41 steps: sine waves with different periods, amplitudes and phases, each point jittered a little by the noise"
T, SIGMA, K = 40, 0.1, 8
WARMUP = K  # score from the step where the 8-lag baseline has a full window


def make_waves(n):
    freq = rng.uniform(0.15, 0.6, (n, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    amp = rng.uniform(0.5, 1.5, (n, 1))
    clean = amp * np.sin(freq * np.arange(T + 1) + phase)
    noisy = clean + SIGMA * rng.standard_normal(clean.shape)
    as_tensor = lambda a: torch.tensor(a, dtype=torch.float32, device=DEVICE)  # noqa: E731
    return as_tensor(noisy), as_tensor(clean)


train_waves, _ = make_waves(2048)
test_waves, test_clean = make_waves(512)
inputs, targets = test_waves[:, :-1], test_waves[:, 1:]  # predict step t+1 from steps 0..t


def score(pred):
    """Mean squared error against the noisy next values, from step WARMUP on."""
    return ((pred[:, WARMUP:] - targets[:, WARMUP:]) ** 2).mean().item()


fig, ax = plt.subplots(figsize=(8, 3.2))
for i in range(3):
    ax.plot(test_waves[i].cpu(), ".-", label=f"sequence {i}")
ax.set_xlabel("step")
ax.set_title("Three training-style sequences: random frequency, amplitude, phase, plus noise")
ax.legend()
plt.show()

# %% [markdown]
# ## Two baselines
#
# The naive forecast repeats the last observed value: "tomorrow will be like today". It
# is surprisingly hard to beat for many real series and costs nothing. The second
# baseline is a *linear autoregression*: predict the next value as a weighted sum of the
# last eight, with weights fitted by least squares on the training sequences. A clean
# sine wave obeys an exact linear recurrence, so this baseline is strong; what it cannot
# do is adapt its weights to each sequence's frequency or average the noise away over
# long stretches.

# %%
mse_repeat = score(inputs)

windows = train_waves.unfold(1, K + 1, 1).reshape(-1, K + 1)  # every run of K+1 steps
design = torch.cat([windows[:, :K], torch.ones(len(windows), 1, device=DEVICE)], dim=1)
ar_coef = torch.linalg.lstsq(design.cpu(), windows[:, K:].cpu()).solution.to(DEVICE)

test_windows = test_waves.unfold(1, K, 1)[
    :, :-1
]  # (512, T-K+1, K): the K values before each target
ar_pred = (
    torch.cat([test_windows, torch.ones(*test_windows.shape[:2], 1, device=DEVICE)], dim=2)
    @ ar_coef
)
pred_ar = inputs.clone()  # too little history before step K (unscored): repeat the last value
pred_ar[:, K - 1 :] = ar_pred[..., 0]
mse_ar = score(pred_ar)
print(f"noise floor                     {SIGMA**2:.4f}")
print(f"repeat the last value           {mse_repeat:.4f}")
print(f"linear autoregression, {K} lags   {mse_ar:.4f}")
assert mse_ar < mse_repeat
assert 0.09 < mse_repeat < 0.12  # ten times the noise floor

# %% [markdown]
# ## Level 1, the library: `nn.GRU`
#
# PyTorch ships recurrent layers ready to use. We take a *gated recurrent unit* (GRU)
# layer with a 32-dimensional hidden state, and a linear "head" that reads the next-value
# prediction off the hidden state at every step. `batch_first=True` means tensors are
# laid out as (batch, time, features); our one feature is the wave's value.
#
# Training is the loop from the training-loop lesson: random mini-batches of 64
# sequences, mean squared error on the next values, Adam.

# %%
HIDDEN, STEPS = 32, 400


class GRUForecaster(nn.Module):
    def __init__(self, hidden=HIDDEN):
        super().__init__()
        self.rnn = nn.GRU(input_size=1, hidden_size=hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, h=None):
        states, h = self.rnn(x[..., None], h)  # states: (batch, time, hidden)
        return self.head(states)[..., 0], h


def train(model, steps=STEPS, lr=1e-2, params=None, seed=SEED):
    """Adam on random mini-batches; `params` lets raw-tensor models join in later."""
    params = list(model.parameters()) if params is None else params
    optimizer = torch.optim.Adam(params, lr=lr)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        batch = train_waves[
            torch.randint(0, len(train_waves), (64,), generator=generator).to(DEVICE)
        ]
        pred, _ = model(batch[:, :-1])
        loss = ((pred[:, WARMUP:] - batch[:, 1 + WARMUP :]) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


torch.manual_seed(SEED)
gru = GRUForecaster().to(DEVICE)
gru_losses = train(gru)
with torch.no_grad():
    gru_pred, _ = gru(inputs)
mse_gru = score(gru_pred)
mse_gru_clean = ((gru_pred[:, WARMUP:] - test_clean[:, 1 + WARMUP :]) ** 2).mean().item()
mse_noisy_clean = ((targets[:, WARMUP:] - test_clean[:, 1 + WARMUP :]) ** 2).mean().item()
print(f"GRU                             {mse_gru:.4f}")
print(f"the GRU's error is {mse_repeat / mse_gru:.1f}x smaller than repeating the last value")
print(f"and {mse_ar / mse_gru:.1f}x smaller than the linear autoregression;")
print(f"it is {mse_gru / SIGMA**2:.2f}x the noise floor")
print(
    f"distance from the clean wave: GRU predictions {mse_gru_clean:.4f}, "
    f"noisy observations {mse_noisy_clean:.4f}"
)
assert 4.5 < mse_repeat / mse_gru < 7.5
assert mse_gru < 0.6 * mse_ar
assert mse_gru < 2 * SIGMA**2
assert mse_gru_clean < mse_noisy_clean

# %% [markdown]
# The GRU's error is about a sixth of the naive forecast's and half the linear
# autoregression's, and it is within a factor of two of the noise floor: it is
# extracting most of what can be known about the next value. Its predictions are even
# closer to the clean wave (which it never saw) than the noisy observations are, because
# from the history it has learned to average the noise away. The plot shows one test
# sequence.

# %% alt="One test sequence over 41 steps: black dots, the noisy observations, scatter around the grey clean wave; after the shaded first 8 steps the GRU's predictions follow the clean wave closely, while the dashed linear autoregression overshoots at several peaks and troughs"
i = 0
fig, ax = plt.subplots(figsize=(9, 3.6))
steps_axis = np.arange(1, T + 1)
ax.plot(np.arange(T + 1), test_clean[i].cpu(), color="gray", label="clean wave (never seen)")
ax.plot(np.arange(T + 1), test_waves[i].cpu(), "k.", label="noisy observations")
ax.plot(steps_axis, pred_ar[i].cpu(), "--", label="linear autoregression")
ax.plot(steps_axis, gru_pred[i].cpu(), label="GRU prediction")
ax.axvspan(0, WARMUP, color="0.92")
ax.set_xlabel("step")
ax.set_title("One-step-ahead predictions on a test sequence")
ax.legend(fontsize=8, ncol=2)
plt.show()

# %% [markdown]
# A recurrent model can also run on its own output. After reading the first 26 values
# (steps 0 to 25), we feed each prediction back in as the next input, so the model
# *generates* the rest of the wave with no further observations. Errors now accumulate,
# since every mistake becomes part of the next input, but the hidden state has captured
# the frequency well enough to continue the wave for a good while: over the 15 generated
# steps its error is more than ten times smaller than that of repeating the last value,
# although the error of the last five steps is several times that of the first five.


# %%
def generate(model, prefix, n_steps):
    """Read `prefix` (batch, time), then feed predictions back for n_steps."""
    with torch.no_grad():
        pred, h = model(prefix)
        value, out = pred[:, -1:], []
        for _ in range(n_steps):
            out.append(value)
            pred, h = model(value, h)
            value = pred[:, -1:]
    return torch.cat(out, dim=1)


SEEN = 25
generated = generate(gru, test_waves[:, : SEEN + 1], T - SEEN)  # predictions for steps SEEN+1..T
truth = test_clean[:, SEEN + 1 :]
error_by_horizon = ((generated - truth) ** 2).mean(dim=0).cpu().numpy()  # one value per step
mse_generated = error_by_horizon.mean()
mse_flat = ((test_waves[:, SEEN : SEEN + 1] - truth) ** 2).mean().item()  # repeat last, forever
print(f"free-running GRU, 15 steps against the clean wave: {mse_generated:.4f}")
print(f"repeating the last observed value for 15 steps:     {mse_flat:.4f}")
print(
    f"error of the GRU's 1st generated step {error_by_horizon[0]:.4f}, "
    f"of its 15th {error_by_horizon[-1]:.4f}"
)
assert mse_generated < 0.1 * mse_flat
assert error_by_horizon[-5:].mean() / error_by_horizon[:5].mean() > 2.5  # errors accumulate
assert error_by_horizon[0] < 0.012 and error_by_horizon[-1] / error_by_horizon[0] > 3

# %% alt="Three test sequences: black dots are the 26 observed values, a grey line the clean wave and a red line the GRU's generated continuation for steps 26 to 40; the red line follows the next cycle or more of each wave closely, drifting slightly away from the clean wave towards the end"
fig, axes = plt.subplots(1, 3, figsize=(12, 3.2), sharey=True)
for ax, i in zip(axes, (0, 1, 2), strict=True):
    ax.plot(test_clean[i].cpu(), color="gray", label="clean wave")
    ax.plot(np.arange(SEEN + 1), test_waves[i, : SEEN + 1].cpu(), "k.", label="seen")
    ax.plot(np.arange(SEEN + 1, T + 1), generated[i].cpu(), "r-", label="generated")
    ax.axvline(SEEN + 0.5, color="gray", linestyle=":")
    ax.set_xlabel("step")
axes[0].legend(fontsize=8)
fig.suptitle("The GRU continues waves from its own predictions")
plt.show()

# %% [markdown]
# ## Level 2, our own module: what is inside a GRU
#
# Start with the simplest recurrent cell, the one `nn.RNN` implements. With input $x_t$
# and previous state $h_{t-1}$,
#
# $$h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}).$$
#
# It works, but it has a weakness: to carry information across many steps, the state is
# multiplied by $W_{hh}$ and squashed by tanh again and again, and both the information
# and its gradient fade (or, less often, explode). The GRU adds two *gates*, numbers
# between 0 and 1 computed from the input and the state, that control how much of the
# state to keep and how much to overwrite. In PyTorch's formulation:
#
# $$\begin{aligned}
# r_t &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) && \text{reset gate}\\
# z_t &= \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) && \text{update gate}\\
# n_t &= \tanh\big(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})\big) && \text{candidate}\\
# h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
# \end{aligned}$$
#
# When $z_t$ is close to 1 the state is copied forward almost untouched, which gives both
# information and gradients a short path across time. The reset gate lets the cell
# ignore the old state when forming the candidate.
#
# `nn.GRU` stores the three input matrices stacked in one tensor `weight_ih_l0` of shape
# (3·hidden, input), in the order $r, z, n$, and likewise `weight_hh_l0`, `bias_ih_l0`,
# `bias_hh_l0`. Our module mirrors that layout with two `nn.Linear` layers, so we can load
# the trained weights into it and compare outputs.
#
# Quick check: how many numbers do the four tensors of `nn.GRU(input_size=1,
# hidden_size=32)` hold together?
#
# Answer: 3360
#
# Why: three gates of 32 units each give 96 rows: `weight_ih_l0` is 96 × 1,
# `weight_hh_l0` 96 × 32 = 3,072, and the two biases 96 each: 96 + 3,072 + 192 = 3,360.


# %%
class GRUCellByHand(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.ih = nn.Linear(input_size, 3 * hidden_size)  # W_ir, W_iz, W_in stacked
        self.hh = nn.Linear(hidden_size, 3 * hidden_size)  # W_hr, W_hz, W_hn stacked

    def forward(self, x, h):
        i_r, i_z, i_n = self.ih(x).chunk(3, dim=-1)
        h_r, h_z, h_n = self.hh(h).chunk(3, dim=-1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        return (1 - z) * n + z * h


class GRUByHand(nn.Module):
    """The same forecaster: our cell, a Python loop over time, the same head."""

    def __init__(self, hidden=HIDDEN):
        super().__init__()
        self.hidden = hidden
        self.cell = GRUCellByHand(1, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, h=None):
        h = torch.zeros(x.shape[0], self.hidden, device=x.device) if h is None else h[0]
        states = []
        for t in range(x.shape[1]):
            h = self.cell(x[:, t, None], h)
            states.append(h)
        states = torch.stack(states, dim=1)
        return self.head(states)[..., 0], h[None]


module_gru = GRUByHand().to(DEVICE)
with torch.no_grad():
    module_gru.cell.ih.weight.copy_(gru.rnn.weight_ih_l0)
    module_gru.cell.ih.bias.copy_(gru.rnn.bias_ih_l0)
    module_gru.cell.hh.weight.copy_(gru.rnn.weight_hh_l0)
    module_gru.cell.hh.bias.copy_(gru.rnn.bias_hh_l0)
    module_gru.head.load_state_dict(gru.head.state_dict())
    module_pred, _ = module_gru(inputs)

print(
    "max |module - nn.GRU| over all test predictions:", (module_pred - gru_pred).abs().max().item()
)
assert sum(p.numel() for p in gru.rnn.parameters()) == 3360
assert torch.allclose(module_pred, gru_pred, atol=1e-4)
assert abs(score(module_pred) - mse_gru) < 1e-5

# %% [markdown]
# Same weights, same predictions, to float32 rounding: our twenty lines are `nn.GRU`.
# The library version is faster because it runs the time loop in compiled code (and on
# a GPU, in a fused cuDNN kernel), but there is nothing in it that we have not written.
#
# ## Level 3, from scratch: raw tensors and a loop
#
# Finally, no `nn` at all. The parameters are plain tensors in a dictionary, the gates are
# matrix products and element-wise functions, and the sigmoid is written out as
# $1/(1+e^{-x})$. We load the same trained weights and check once more.


# %%
def gru_from_scratch(x, p):
    """x: (batch, time) values; p: dict of raw tensors. Returns (batch, time) predictions."""
    H = p["W_hh"].shape[1]
    h = torch.zeros(x.shape[0], H, device=x.device)
    sigmoid = lambda a: 1 / (1 + torch.exp(-a))  # noqa: E731
    outputs = []
    for t in range(x.shape[1]):
        gi = x[:, t, None] @ p["W_ih"].T + p["b_ih"]  # (batch, 3H)
        gh = h @ p["W_hh"].T + p["b_hh"]  # (batch, 3H)
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
        n = torch.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
        h = (1 - z) * n + z * h
        outputs.append(h @ p["W_out"].T + p["b_out"])
    return torch.cat(outputs, dim=1)


raw = {
    "W_ih": gru.rnn.weight_ih_l0.detach().clone(),
    "b_ih": gru.rnn.bias_ih_l0.detach().clone(),
    "W_hh": gru.rnn.weight_hh_l0.detach().clone(),
    "b_hh": gru.rnn.bias_hh_l0.detach().clone(),
    "W_out": gru.head.weight.detach().clone(),
    "b_out": gru.head.bias.detach().clone(),
}
with torch.no_grad():
    scratch_pred = gru_from_scratch(inputs, raw)
print("max |scratch - nn.GRU|:", (scratch_pred - gru_pred).abs().max().item())
print(
    f"test MSE: library {mse_gru:.5f}, module {score(module_pred):.5f}, scratch {score(scratch_pred):.5f}"
)
assert torch.allclose(scratch_pred, gru_pred, atol=1e-4)
assert torch.allclose(scratch_pred, module_pred, atol=1e-5)

# %% [markdown]
# ## Training from scratch: the plain RNN against the GRU
#
# The from-scratch version is not only for inference. Autograd works on raw tensors just
# as well as on modules, so we can train a recurrent network with nothing but a loop and
# a dictionary of tensors. We do it for the plain tanh RNN, the cell without gates, and
# first check our loop against `nn.RNN` with shared weights. Then we train it exactly
# like the GRU and compare.


# %%
def rnn_from_scratch(x, p):
    h = torch.zeros(x.shape[0], p["W_hh"].shape[0], device=x.device)
    outputs = []
    for t in range(x.shape[1]):
        h = torch.tanh(x[:, t, None] @ p["W_ih"].T + p["b_ih"] + h @ p["W_hh"].T + p["b_hh"])
        outputs.append(h @ p["W_out"].T + p["b_out"])
    return torch.cat(outputs, dim=1)


def init_rnn(hidden=HIDDEN, seed=SEED):
    g = torch.Generator().manual_seed(seed)
    bound = 1 / hidden**0.5  # the same uniform range nn.RNN uses

    def u(*shape):
        return ((torch.rand(*shape, generator=g) * 2 - 1) * bound).to(DEVICE).requires_grad_()

    return {
        "W_ih": u(hidden, 1),
        "b_ih": u(hidden),
        "W_hh": u(hidden, hidden),
        "b_hh": u(hidden),
        "W_out": u(1, hidden),
        "b_out": u(1),
    }


rnn_params = init_rnn()
reference = nn.RNN(1, HIDDEN, batch_first=True).to(DEVICE)
torch_names = {
    "W_ih": "weight_ih_l0",
    "b_ih": "bias_ih_l0",
    "W_hh": "weight_hh_l0",
    "b_hh": "bias_hh_l0",
}
with torch.no_grad():
    for name, torch_name in torch_names.items():
        getattr(reference, torch_name).copy_(rnn_params[name])
    states, _ = reference(inputs[..., None])
    ref_pred = (states @ rnn_params["W_out"].T + rnn_params["b_out"])[..., 0]
    ours = rnn_from_scratch(inputs, rnn_params)
assert torch.allclose(ours, ref_pred, atol=1e-5)
print("from-scratch RNN matches nn.RNN with the same weights")


class Scratch:
    """Lets the shared train() loop call a raw-tensor model like a module."""

    def __init__(self, fn, params):
        self.fn, self.params = fn, params

    def __call__(self, x, h=None):
        return self.fn(x, self.params), None


rnn_losses = train(Scratch(rnn_from_scratch, rnn_params), params=list(rnn_params.values()))
with torch.no_grad():
    mse_rnn = score(rnn_from_scratch(inputs, rnn_params))
print(f"plain RNN from scratch: {mse_rnn:.4f}   GRU: {mse_gru:.4f}   repeat last: {mse_repeat:.4f}")
assert mse_rnn < 0.5 * mse_repeat

# %% alt="Training MSE over 400 steps on a log scale, moving average of 20: both models drop below the repeat-last line within a few steps, reach the linear autoregression's level after about 50 steps and keep falling, ending close to each other between that level and the noise floor at 0.01"
fig, ax = plt.subplots(figsize=(7.5, 4))
smooth = lambda a: np.convolve(a, np.ones(20) / 20, mode="valid")  # noqa: E731
ax.plot(smooth(gru_losses), label="GRU (nn.GRU)")
ax.plot(smooth(rnn_losses), label="plain RNN (from scratch)")
ax.axhline(mse_repeat, color="tab:red", linestyle="--", label="repeat-last baseline (test)")
ax.axhline(mse_ar, color="tab:purple", linestyle="--", label="linear autoregression (test)")
ax.axhline(SIGMA**2, color="gray", linestyle=":", label="noise floor")
ax.set_yscale("log")
ax.set_xlabel("training step")
ax.set_ylabel("training MSE (moving average of 20)")
ax.set_title("Learning curves")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# The plain RNN also learns the task and beats the naive baseline handily. Is it behind
# the GRU? One training run of each cannot say: the two errors are close, and each moves
# with the random start and the order of the batches. So we train both architectures
# from three more seeds, on the same data, and compare the averages. For these extra runs
# the plain RNN runs in `nn.RNN`'s compiled loop, which we checked above computes what
# our from-scratch loop computes, only faster.


# %%
class RNNForecaster(nn.Module):
    """The plain RNN in nn.RNN, started from the weights init_rnn draws."""

    def __init__(self, seed, hidden=HIDDEN):
        super().__init__()
        self.rnn = nn.RNN(input_size=1, hidden_size=hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)
        start = init_rnn(hidden, seed)
        with torch.no_grad():
            for name, torch_name in torch_names.items():
                getattr(self.rnn, torch_name).copy_(start[name])
            self.head.weight.copy_(start["W_out"])
            self.head.bias.copy_(start["b_out"])

    def forward(self, x, h=None):
        states, h = self.rnn(x[..., None], h)
        return self.head(states)[..., 0], h


def train_both(seed):
    """A GRU and a plain RNN trained from the same seed on the same batches."""
    torch.manual_seed(seed)
    models = GRUForecaster().to(DEVICE), RNNForecaster(seed).to(DEVICE)
    for model in models:
        train(model, seed=seed)
    return [lambda x, m=model: m(x)[0] for model in models]


pairs = [((lambda x: gru(x)[0]), (lambda x: rnn_from_scratch(x, rnn_params)))]
pairs += [train_both(100 * SEED + k) for k in range(1, 4)]
with torch.no_grad():
    ratios = np.array([score(rnn(inputs)) / score(g(inputs)) for g, rnn in pairs])
print(f"plain RNN's test error divided by the GRU's, {len(pairs)} seeds: {np.round(ratios, 2)}")
print(f"mean {ratios.mean():.2f} ± {ratios.std(ddof=1):.2f}")
assert 1 < ratios.mean() < 2  # behind the GRU on average, but not far behind

# %% [markdown]
# On average the plain RNN's error is higher than the GRU's, by about a quarter in the
# runs we tried, while single seeds ranged from about a tenth to more than a half: one
# pair of runs would have been a weak basis for ranking the two. Where does the
# difference come from? One way to look is to ask how strongly the final prediction
# depends on each earlier input, measured by the gradient
# $\lvert\partial \hat y_T / \partial x_t\rvert$, averaged over test sequences. For a
# model to use old information, that gradient must not vanish; the same gradient is what
# carries the training signal back in time.


# %%
def input_sensitivity(predict):
    x = inputs[:128].clone().requires_grad_()
    predict(x)[:, -1].sum().backward()
    return x.grad.abs().mean(dim=0).cpu()


sensitivities = [(input_sensitivity(g), input_sensitivity(rnn)) for g, rnn in pairs]
sens_gru, sens_rnn = sensitivities[0]  # the models trained first, plotted below

# %% alt="Mean absolute gradient of the last prediction with respect to each of the 40 inputs, log scale: both curves rise roughly in a straight line from the oldest input to the newest, over two to three orders of magnitude, and the GRU's curve lies above the RNN's over most of the history"
fig, ax = plt.subplots(figsize=(7.5, 3.6))
ax.semilogy(sens_gru, marker=".", label="GRU")
ax.semilogy(sens_rnn, marker=".", label="plain RNN")
ax.set_xlabel("input step t")
ax.set_ylabel("mean |d prediction at last step / d x_t|")
ax.set_title("How far back does each model look?")
ax.legend()
plt.show()
print(f"sensitivity to the input 20 steps back: GRU {sens_gru[-21]:.2e}, RNN {sens_rnn[-21]:.2e}")
span = len(sens_gru) - 1  # steps from the newest input back to the oldest
fall = {"GRU": (sens_gru[-1] / sens_gru[0]).item(), "RNN": (sens_rnn[-1] / sens_rnn[0]).item()}
for name in fall:
    print(
        f"{name}: the newest input counts {fall[name]:,.0f} times as much as the oldest; "
        f"each step back divides the influence by {fall[name] ** (1 / span):.3f} on average"
    )
factors = np.array([[(g[-1] / g[0]).item(), (r[-1] / r[0]).item()] for g, r in sensitivities])
factors **= 1 / span  # per step, one row per seed: GRU, RNN
above = np.array([(g > r).float().mean().item() for g, r in sensitivities])
print(
    f"over {len(pairs)} seeds, each step back divides the influence by "
    f"{factors[:, 0].mean():.3f} ± {factors[:, 0].std(ddof=1):.3f} (GRU) and "
    f"{factors[:, 1].mean():.3f} ± {factors[:, 1].std(ddof=1):.3f} (RNN)"
)
print(f"the GRU's curve lies above the RNN's at {above.mean():.0%} of the steps on average")
assert 1.08 < factors.mean() < 1.3  # between about 1.1 and 1.2 per step
assert above.mean() > 0.5  # the GRU draws more on older inputs

# %% [markdown]
# Both curves fall as we go back in time, as they should: the most recent values matter
# most for the next one. An influence that shrinks by a constant factor per step is a
# straight line on this logarithmic plot, and that is roughly what we see. From the
# newest input back to the oldest, 39 steps, the influence falls by a factor of a hundred
# or more, up to a few thousand (the printout gives this run's numbers). On average each
# step back divides it by a factor between about 1.1 and 1.2, so each input counts a
# tenth to a fifth more than the one before it. The same factors multiply the gradients
# that carry the training signal backwards through time, which is why recurrent networks
# find long-range patterns hard to learn: forty steps back, the signal is hundreds to
# thousands of times weaker than one step back.
#
# Quick check: if each step back divides an input's influence by 1.2, how many times
# weaker is the input 10 steps back than the newest one?
#
# Answer: 6.2 ± 0.3
#
# Why: the factors multiply, $1.2^{10} \approx 6.2$; 40 steps back it would be
# $1.2^{40} \approx 1{,}500$.
#
# On this task the GRU's curve sits above the plain RNN's over most of the history (on
# average over the seeds, and in most single runs): it draws on older inputs more,
# which fits its lower error (averaging more of the past
# cancels more noise). The gates are the GRU's way of keeping its decay factor close to
# one when that helps. Here the recent steps carry most of the information, so the plain
# RNN is not far behind; on tasks that need genuinely long memory, such as the delayed
# copy in the research tasks, the difference becomes decisive.
#
# ## Summary
#
# - A recurrent network reads a sequence step by step, updating a hidden state with the
#   same weights at every step.
# - On noisy waves of random frequency the GRU cut the error of the repeat-last baseline
#   about sixfold, halved the error of a least-squares autoregression, and came within a
#   factor of two of the noise floor. It can also generate continuations from its own
#   predictions.
# - `nn.GRU`, our `GRUByHand` module and the raw-tensor loop produce the same outputs from
#   the same weights; `nn.RNN` and our plain RNN likewise.
# - The GRU's update gate lets it copy its state forward, so information and gradients
#   survive longer than in the plain RNN, whose influence decays step after step.
#
# The lesson on attention and transformers takes the next step: it drops the recurrence,
# lets every position look directly at every earlier one, and compares a transformer
# with a GRU language model.
#
# ## Questions
#
# 1. Why is repeating the last value a sensible baseline for a time series, and why is it
#    weak for this particular task?
#
#    Answer: most series change little from one step to the next, so "like the last
#    value" is often close, and it costs nothing: a model that cannot beat it is useless.
#    Here it is weak because the waves move a lot between steps (up to 0.6 radians of
#    phase per step) and the noise of the last observation is copied into the forecast in
#    full: its error, about 0.10, is ten times the noise floor.
#
# 2. The linear autoregression uses the last eight values. What can the GRU do that this
#    baseline cannot, given that each sequence has its own frequency?
#
#    Answer: the autoregression applies one fixed set of eight weights to every sequence,
#    a compromise over all frequencies, and sees only eight noisy values. The GRU reads
#    the whole history, can infer this sequence's frequency and phase and keep them in
#    its hidden state, and in effect adapts its prediction rule to each sequence while
#    averaging the noise over many steps. It halved the autoregression's error.
#
# 3. What are the shapes of `weight_ih_l0` and `weight_hh_l0` in `nn.GRU(1, 32)`, and
#    what do their three blocks hold?
#
#    Answer: `weight_ih_l0` is (96, 1) and `weight_hh_l0` is (96, 32). Each stacks three
#    blocks of 32 rows in the order reset gate, update gate, candidate: $W_{ir}, W_{iz},
#    W_{in}$ act on the input, $W_{hr}, W_{hz}, W_{hn}$ on the previous hidden state.
#
# 4. In the GRU update $h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$, what happens when
#    $z_t = 1$ for every step? When $z_t = 0$?
#
#    Answer: with $z_t = 1$ the state is copied forward unchanged and the inputs are
#    ignored, so $h_t$ stays at its starting value (zeros here) forever. With $z_t = 0$
#    the old state is replaced by the candidate $n_t$ at every step, so it survives only
#    through $n_t$'s dependence on $h_{t-1}$, much as in a plain tanh RNN.
#
# 5. Why does the free-running generation get worse the further it runs, while the
#    one-step-ahead predictions do not?
#
#    Answer: when generating, each prediction becomes the next input, so every error is
#    fed back and compounds, and the hidden state's idea of phase and frequency drifts.
#    One-step-ahead, the model always receives the true observation, so yesterday's
#    mistake does not enter today's input. In the lesson the generated error at the
#    fifteenth step was several times that at the first (about seven to eleven times in
#    the runs we tried; the printout gives this one).
#
# 6. Why do we score predictions only from step 8 onwards? What would happen to the
#    comparison if we scored from step 1?
#
#    Answer: before step 8 the models cannot do their job: the eight-lag autoregression
#    has no full window (we filled those steps with the repeat-last forecast), and the
#    GRU has seen too few values to know the frequency. Scoring from step 1 would mix in
#    these warm-up errors, charge the autoregression for our fill-in choice, and blur the
#    differences in forecasting skill that we want to measure.
#
# 7. Explain how the gradient $\partial \hat y_T / \partial x_t$ relates to the model's
#    ability to *learn* long-range patterns during training.
#
#    Answer: both that gradient and the gradient of the loss at step $T$ with respect to
#    the weights used at step $t$ pass backwards through the same chain of factors
#    $\partial h_{k+1} / \partial h_k$. If the chain divides the signal by about 1.2 per
#    step, as measured here, a pattern 40 steps back contributes a gradient hundreds to
#    thousands of times weaker than a recent one, so training barely adjusts the weights
#    to use it. Gates that keep the factor close to 1 let the gradient survive.
#
# ## Further research
#
# - Replace the task with one that needs long memory: the target at every step is the
#   value observed 15 steps earlier (a delayed copy). Compare the plain RNN, the GRU and
#   `nn.LSTM` as the delay grows from 5 to 30 steps, and plot the sensitivity curves again.
# - Write an LSTM cell by hand (input, forget and output gates plus a cell state), load
#   the weights of a trained `nn.LSTM` into it, and check that the outputs agree. PyTorch's
#   documentation gives the gate order used in `weight_ih_l0`.
# - Train the GRU on sequences of length 40 and test it on sequences of length 120. Does
#   the one-step error stay the same? Does generation remain stable? What does that say
#   about weight sharing across time?
