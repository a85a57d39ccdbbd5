# ---
# title: "Attention and a small transformer"
# summary: Write scaled dot-product self-attention from tensors, with its causal mask and several heads, check it against PyTorch's fused version, then train a small transformer language model on the standard library's docstrings and compare it with a GRU on the same text, split and budget.
# stage: 3
# kind: lesson
# minutes: 60
# device: auto
# resources: [dive-into-deep-learning, vaswani-attention-is-all-you-need, alammar-illustrated-transformer, karpathy-zero-to-hero, udlbook]
# prerequisites: [stage-3/15-recurrent-networks, stage-1/05-char-language-model]
# data: []
# aliases: []
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Attention and a small transformer
#
# A recurrent network reads a sequence one step at a time and squeezes everything it
# has read into one hidden state. To use a character from fifty steps back, that
# information must survive fifty updates of the state, and the gradient that teaches it
# must travel back through all of them, as the recurrent-networks lesson measured.
# *Attention* takes a different route: at every position the model looks back at
# **all** earlier positions directly, and decides from their contents how much each one
# matters. A *transformer* is a stack of such attention layers, each followed by a small
# MLP, joined by residual connections. It is the architecture of today's large language
# models.
#
# The lesson has two parts.
#
# 1. **Attention from tensors.** Queries, keys and values; the scaling by
#    $\sqrt{d}$ and why it is there; the causal mask that stops a position from
#    seeing the future; several heads by reshaping. Each piece is checked against
#    PyTorch's own `F.scaled_dot_product_attention` and `nn.MultiheadAttention`.
# 2. **A small transformer language model** on the text of the character-level
#    language-model lesson, the standard library's docstrings, trained side by side
#    with a GRU language model: same text, same split, same batches, same number of
#    steps and a similar number of parameters. Both are scored in bits per character
#    against unigram and bigram counts.
#
# **Runtime:** about 50 s on a laptop CPU, almost all of it the two training runs. The
# exact numbers depend a little on your Python version, whose docstrings change between
# releases.

# %%
import importlib
import inspect
import math
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # small models: one CPU thread is fastest and steadiest
# Full float32 precision (no TF32 on recent GPUs), so comparisons hold to float32 rounding.
torch.set_float32_matmul_precision("highest")
print("device:", DEVICE)

# %% [markdown]
# ## Part 1: attention from tensors
#
# ### Queries, keys and values
#
# Start with a sequence of $T$ vectors $x_1, \dots, x_T$ of size $d$ (in a language
# model, one per character). Self-attention computes a new vector for each position as
# a weighted average of vectors from the sequence, with weights that depend on the
# contents. Three learned matrices turn every $x_i$ into three vectors:
#
# - a **query** $q_i = x_i W_Q$: what position $i$ is looking for;
# - a **key** $k_j = x_j W_K$: what position $j$ offers, as seen by the queries;
# - a **value** $v_j = x_j W_V$: what position $j$ hands over if it is chosen.
#
# Position $i$ scores every position $j$ by the dot product $q_i \cdot k_j$, turns the
# scores into weights with a softmax (positive, summing to 1), and returns the weighted
# average of the values. For all positions at once, with $Q, K, V$ the matrices whose
# rows are the queries, keys and values:
#
# $$\text{Attention}(Q, K, V) = \text{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}} + M\right) V,$$
#
# where $d_k$ is the length of a query and $M$ is the **causal mask**: 0 where $j \le i$
# and $-\infty$ where $j > i$. A language model predicts each character from the ones
# before it, so position $i$ must not see position $i + 1$, which holds the answer. A
# score of $-\infty$ becomes a weight of exactly 0 after the softmax. Written out:


# %%
def attention(q, k, v, causal=True):
    """Scaled dot-product attention. q, k, v: (..., T, d). Returns output and weights."""
    d_k = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)  # (..., T, T): query i against key j
    if causal:
        T = q.shape[-2]
        future = torch.triu(torch.ones(T, T, dtype=torch.bool, device=q.device), diagonal=1)
        scores = scores.masked_fill(future, float("-inf"))  # j > i is not allowed
    weights = torch.softmax(scores, dim=-1)  # each row sums to 1
    return weights @ v, weights


torch.manual_seed(SEED)
T_demo, d_demo = 6, 16
x = torch.randn(1, T_demo, d_demo, device=DEVICE)
W_Q, W_K, W_V = (torch.randn(d_demo, d_demo, device=DEVICE) / math.sqrt(d_demo) for _ in range(3))
Q, K, V = x @ W_Q, x @ W_K, x @ W_V
out, weights = attention(Q, K, V)

reference = F.scaled_dot_product_attention(Q, K, V, is_causal=True)
print("output", tuple(out.shape), "weights", tuple(weights.shape))
print("max |ours - F.scaled_dot_product_attention|:", (out - reference).abs().max().item())
assert torch.allclose(out, reference, atol=1e-5)
assert torch.allclose(
    attention(Q, K, V, causal=False)[0], F.scaled_dot_product_attention(Q, K, V), atol=1e-5
)
assert torch.allclose(weights.sum(dim=-1), torch.ones(1, T_demo, device=DEVICE))
assert (weights[0].triu(diagonal=1) == 0).all()  # no weight on the future

# %% alt="Causal attention weights of six positions as a 6 by 6 grid: everything above the diagonal is zero, the first row puts all its weight on position 0, and each later row spreads its weight over the positions up to itself"
fig, ax = plt.subplots(figsize=(4.2, 3.6))
im = ax.imshow(weights[0].cpu(), cmap="viridis", vmin=0, vmax=1)
for i in range(T_demo):
    for j in range(T_demo):
        ax.text(
            j, i, f"{weights[0, i, j].item():.2f}", ha="center", va="center", fontsize=7, color="w"
        )
ax.set_xlabel("key position j (attended to)")
ax.set_ylabel("query position i")
ax.set_title("Causal attention weights (random vectors)", fontsize=10)
fig.colorbar(im, ax=ax)
plt.show()

# %% [markdown]
# Our dozen lines agree with PyTorch's fused `F.scaled_dot_product_attention`, with and
# without the mask. The weights form a lower-triangular matrix: row $i$ is the
# distribution over positions $0..i$ that position $i$ averages over, and position 0 can
# only attend to itself.
#
# Quick check: in a sequence of $T = 5$ positions, how many of the 25 query-key scores
# survive the causal mask (are allowed a non-zero weight)?
#
# Answer: 15
#
# Why: position $i$ may attend to positions $0..i$, which is $i + 1$ of them, and
# $1 + 2 + 3 + 4 + 5 = 15$. In general $T(T+1)/2$: the diagonal and everything below it.
#
# ### Why divide by $\sqrt{d_k}$?
#
# If the components of a query and a key are independent with mean 0 and variance 1,
# their dot product is a sum of $d_k$ terms of variance 1, so its variance is $d_k$ and
# its typical size is $\sqrt{d_k}$. With $d_k = 64$ the raw scores spread over a range of
# about ±16, and the softmax of such scores is nearly one-hot: almost all the weight
# goes to the largest score. A saturated softmax has almost zero gradient with respect
# to the other scores, so the model cannot learn to shift its attention. Dividing by
# $\sqrt{d_k}$ brings the scores back to variance 1 whatever the size of the head. We
# measure both effects for one query against 64 keys.

# %%
torch.manual_seed(SEED)
print(f"{'d_k':>5} {'std of q.k':>11} {'max weight, raw':>16} {'max weight, scaled':>19}")
scaling = {}
for d_k in (4, 16, 64, 256):
    q = torch.randn(2000, 1, d_k, device=DEVICE)  # 2000 independent queries
    k = torch.randn(2000, 64, d_k, device=DEVICE)  # each against its own 64 keys
    scores = (q @ k.transpose(-2, -1))[:, 0]  # (2000, 64)
    raw = torch.softmax(scores, dim=-1).amax(dim=-1).mean().item()
    scaled = torch.softmax(scores / math.sqrt(d_k), dim=-1).amax(dim=-1).mean().item()
    scaling[d_k] = (scores.std().item(), raw, scaled)
    print(f"{d_k:>5} {scaling[d_k][0]:>11.2f} {raw:>16.2f} {scaled:>19.2f}")

for d_k, (std, _, scaled) in scaling.items():
    assert abs(std / math.sqrt(d_k) - 1) < 0.1  # the spread grows like sqrt(d_k)
    assert 0.08 < scaled < 0.14  # scaled: the same soft weights for every d_k
assert 0.7 < scaling[64][1] < 0.9 and 0.85 < scaling[256][1] < 0.95  # raw: close to one-hot

# %% [markdown]
# Without scaling, the largest of 64 weights takes on average about 80% of the total
# at $d_k = 64$ and 90% at $d_k = 256$; with scaling it stays near 11% for every head
# size, a soft average that gradients can reshape.
#
# Quick check: the queries and keys of a head have $d_k = 64$ independent components,
# each with mean 0 and variance 1. What is the standard deviation of the raw score
# $q \cdot k$?
#
# Answer: 8 ± 0.5
#
# Why: the variance of a sum of 64 independent terms of variance 1 is 64, and
# $\sqrt{64} = 8$; the measured value above was close to that.
#
# ### Several heads by reshaping
#
# One attention layer can only form one weighted average per position. *Multi-head*
# attention runs several smaller attentions side by side, each free to look for
# something different (the previous character, the start of the word, a matching
# bracket). It costs nothing extra: the $d$ columns of $Q$, $K$ and $V$ are cut into $h$
# groups of $d/h$, each group is one head, and the heads' outputs are put side by side
# again and mixed by one more matrix $W_O$. In code the cutting is a `view` and a
# `transpose`, which move the heads into a batch dimension so that one call to
# `attention` handles them all.


# %%
def multi_head_attention(x, W_qkv, b_qkv, W_out, b_out, n_heads):
    """x: (B, T, d). W_qkv: (3d, d) stacks W_Q, W_K, W_V, as nn.MultiheadAttention does."""
    B, T, d = x.shape
    q, k, v = (x @ W_qkv.T + b_qkv).split(d, dim=-1)  # each (B, T, d)

    def split_heads(t):  # (B, T, d) -> (B, heads, T, d / heads)
        return t.view(B, T, n_heads, d // n_heads).transpose(1, 2)

    out, weights = attention(split_heads(q), split_heads(k), split_heads(v))
    out = out.transpose(1, 2).reshape(B, T, d)  # heads side by side again
    return out @ W_out.T + b_out, weights


torch.manual_seed(SEED)
mha = nn.MultiheadAttention(embed_dim=16, num_heads=4, batch_first=True).to(DEVICE)
x = torch.randn(2, 10, 16, device=DEVICE)
causal_mask = torch.triu(torch.ones(10, 10, dtype=torch.bool, device=DEVICE), diagonal=1)
with torch.no_grad():
    expected, _ = mha(x, x, x, attn_mask=causal_mask, need_weights=False)
    ours, head_weights = multi_head_attention(
        x, mha.in_proj_weight, mha.in_proj_bias, mha.out_proj.weight, mha.out_proj.bias, n_heads=4
    )
print("per-head weights:", tuple(head_weights.shape), "(batch, heads, query, key)")
print("max |ours - nn.MultiheadAttention|:", (ours - expected).abs().max().item())
assert torch.allclose(ours, expected, atol=1e-5)

# %% [markdown]
# Quick check: an attention layer with $d = 64$ uses one head of size 64, or four heads
# of size 16. How does the number of parameters change?
#
# - [ ] four times as many with four heads
# - [ ] a quarter as many with four heads
# - [x] not at all
#
# Why: the projections $W_Q, W_K, W_V, W_O$ are $d \times d$ matrices either way; the
# heads only decide how their columns are grouped when the scores are computed. What
# changes is that four heads produce four separate weight patterns per position instead
# of one.
#
# ## Part 2: a small transformer language model
#
# ### The text and the baselines
#
# The corpus is the one of the character-level language-model lesson: the docstrings of
# 38 standard-library modules and of the public objects they define, with every tenth
# docstring set aside for validation. Both models will see training snippets of
# $T = 64$ characters and predict each next character. To score them identically we cut
# the validation text into non-overlapping windows of 65 characters and ask every model
# for characters 2 to 65 of each window, each from the characters of the window before
# it.
#
# Losses are in **bits per character**: the cross-entropy with $\log_2$ instead of
# $\ln$, the average number of yes/no questions the model needs to pin down the next
# character. (Perplexity, used in the earlier lesson, is $2^{\text{bits}}$.) The
# baselines are the unigram and bigram count models of that lesson, scored on the same
# characters.

# %%
MODULES = [
    "argparse", "ast", "bisect", "calendar", "collections", "contextlib", "copy", "csv",
    "dataclasses", "datetime", "decimal", "difflib", "enum", "fractions", "functools",
    "heapq", "inspect", "itertools", "json", "logging", "operator", "os", "pathlib",
    "pickle", "pprint", "queue", "random", "re", "shutil", "statistics", "string",
    "tempfile", "textwrap", "threading", "typing", "unittest", "warnings", "zipfile",
]  # fmt: skip


def docstrings(module_name):
    """The module's docstring and those of the public objects it defines, in name order."""
    module = importlib.import_module(module_name)
    found = [inspect.cleandoc(module.__doc__)] if module.__doc__ else []
    for name, obj in sorted(vars(module).items()):
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        doc = inspect.getdoc(obj)
        if doc:
            found.append(doc)
    return found


assert len(MODULES) == 38
docs = [doc for name in MODULES for doc in docstrings(name)]
train_text = "\n\n".join(doc for i, doc in enumerate(docs) if i % 10 != 0)
valid_text = "\n\n".join(doc for i, doc in enumerate(docs) if i % 10 == 0)
vocab = ["?"] + sorted(set(train_text))  # id 0 stands for characters unseen in training
char_to_id = {c: i for i, c in enumerate(vocab) if i > 0}
V = len(vocab)


def encode(text):
    return torch.tensor([char_to_id.get(c, 0) for c in text], device=DEVICE)


train_ids, valid_ids = encode(train_text), encode(valid_text)
CONTEXT = 64
n_windows = (len(valid_ids) - 1) // CONTEXT
windows = valid_ids[: n_windows * CONTEXT + 1].unfold(0, CONTEXT + 1, CONTEXT)  # (n, 65)
inputs, targets = windows[:, :-1], windows[:, 1:]
print(f"{len(train_ids):,} training and {len(valid_ids):,} validation characters, {V} symbols")
print(f"validation: {n_windows} windows, {targets.numel():,} scored characters")

# Count models with add-0.1 smoothing, scored on exactly the same target characters.
unigram = torch.bincount(train_ids, minlength=V).float() + 0.1
unigram /= unigram.sum()
bigram = torch.full((V, V), 0.1, device=DEVICE)
bigram.index_put_(
    (train_ids[:-1], train_ids[1:]), torch.ones(len(train_ids) - 1, device=DEVICE), accumulate=True
)
bigram /= bigram.sum(dim=1, keepdim=True)
bits = {
    "uniform": math.log2(V),
    "unigram": -torch.log2(unigram[targets]).mean().item(),
    "bigram": -torch.log2(bigram[inputs, targets]).mean().item(),
}
for name, b in bits.items():
    print(f"{name:>8}: {b:.3f} bits per character")
assert bits["bigram"] < bits["unigram"] < bits["uniform"]

# %% [markdown]
# ### The transformer
#
# The model follows the GPT design, at toy size:
#
# - a **token embedding** turns each character into a vector of $d = 64$ numbers, and a
#   **position embedding**, one learned vector for each of the 64 positions, is added
#   to it. Attention by itself ignores order: without the mask, permuting the keys and
#   values together changes nothing. The causal mask gives some order back, because
#   position $i$ averages over exactly $i + 1$ inputs and a layer can use that to count
#   its predecessors; causal language models trained with no position embedding at all
#   still learn where each position is (Haviv et al., 2022). But they have to work it
#   out through the layers; a position embedding hands it to the first layer directly,
#   and it is what GPT uses;
# - two **blocks**, each `x = x + attention(LayerNorm(x))` followed by
#   `x = x + MLP(LayerNorm(x))`. The MLP (64 → 256 → 64 with a GELU) works on each
#   position separately: attention moves information between positions, the MLP
#   processes it. Both sit on residual connections, as in the modern-CNNs lesson, and
#   normalising *before* each sublayer ("pre-norm") keeps the residual path a clean
#   identity;
# - a final LayerNorm and a linear layer give one score per character.
#
# The attention module uses the reshaping of `multi_head_attention` and hands the
# per-head arithmetic to `F.scaled_dot_product_attention`, which we have just checked
# against our own `attention` and which is faster.


# %%
class CausalSelfAttention(nn.Module):
    def __init__(self, d, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d, 3 * d)  # W_Q, W_K, W_V in one matrix
        self.out = nn.Linear(d, d)  # W_O

    def split_heads(self, x):
        B, T, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)
        return [t.view(B, T, self.n_heads, d // self.n_heads).transpose(1, 2) for t in (q, k, v)]

    def forward(self, x):
        B, T, d = x.shape
        q, k, v = self.split_heads(x)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, heads, T, d/heads)
        return self.out(y.transpose(1, 2).reshape(B, T, d))


class Block(nn.Module):
    def __init__(self, d, n_heads):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = CausalSelfAttention(d, n_heads)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))  # positions exchange information
        return x + self.mlp(self.norm2(x))  # each position processes what it gathered


class TinyTransformer(nn.Module):
    def __init__(self, vocab_size, d=64, n_heads=4, n_layers=2, context=CONTEXT):
        super().__init__()
        self.token = nn.Embedding(vocab_size, d)
        self.position = nn.Embedding(context, d)
        self.blocks = nn.Sequential(*[Block(d, n_heads) for _ in range(n_layers)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab_size)

    def forward(self, ids):
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.token(ids) + self.position(positions)  # (B, T, d)
        return self.head(self.norm(self.blocks(x)))  # (B, T, vocab)


class CharGRU(nn.Module):
    """The recurrent language model of the earlier lesson, with a larger hidden state."""

    def __init__(self, vocab_size, emb_dim=32, hidden=160):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, ids):
        return self.out(self.rnn(self.emb(ids))[0])


torch.manual_seed(SEED)
transformer = TinyTransformer(V).to(DEVICE)
torch.manual_seed(SEED)
gru = CharGRU(V).to(DEVICE)
n_params = {
    name: sum(p.numel() for p in m.parameters())
    for name, m in (("transformer", transformer), ("GRU", gru))
}
print(f"parameters: transformer {n_params['transformer']:,}, GRU {n_params['GRU']:,}")
assert 0.85 < n_params["transformer"] / n_params["GRU"] < 1.15  # a similar size

# %% [markdown]
# The GRU's hidden state of 160 was chosen to give the two models about the same number
# of parameters. Before training, one test that catches the most damaging transformer
# bug, a leak from the future: change the *last* character of an input, and the
# predictions at every earlier position must not move at all. We also record how the
# untrained model attends, to compare with the trained one later.

# %%
probe = inputs[:1].clone()
changed = probe.clone()
changed[0, -1] = (changed[0, -1] + 1) % V
with torch.no_grad():
    before, after = transformer(probe), transformer(changed)
print(
    "largest change of an earlier prediction:", (before[0, :-1] - after[0, :-1]).abs().max().item()
)
print("change of the last prediction:          ", (before[0, -1] - after[0, -1]).abs().max().item())
assert torch.allclose(before[0, :-1], after[0, :-1], atol=1e-5)  # exactly 0.0 on a CPU
assert (before[0, -1] - after[0, -1]).abs().max() > 1e-3

# How does the untrained first layer spread its attention? Compare its weights with a
# plain average over the earlier positions (total variation distance: 0 if identical,
# 1 if they share nothing), averaged over all validation windows, heads and positions.
positions = torch.arange(CONTEXT, device=DEVICE)
uniform = torch.tril(torch.ones(CONTEXT, CONTEXT, device=DEVICE)) / (positions[:, None] + 1)
with torch.no_grad():
    block = transformer.blocks[0]
    h = block.norm1(transformer.token(inputs) + transformer.position(positions))
    _, w_init = attention(*block.attn.split_heads(h))
tv_init = 0.5 * (w_init - uniform).abs().sum(dim=-1).mean().item()
print(f"untrained first layer: distance from uniform attention {tv_init:.2f}")
assert tv_init < 0.25

# %% [markdown]
# ### One budget for both models
#
# Both models are trained by the same function, with the same batches: 300 steps of
# 32 random snippets of 64 characters (the generator is re-seeded for each model),
# AdamW with the one-cycle schedule peaking at a learning rate of 0.02, and gradient
# clipping at norm 1. In small sweeps (not shown) this peak rate was the best of 0.001
# to 0.03 for the transformer, and for the GRU it beat 0.006 and 0.012. Every 100 steps
# we measure the validation loss.

# %%
STEPS, BATCH = 300, 32
offsets = torch.arange(CONTEXT + 1, device=DEVICE)


def validation_bits(model):
    model.eval()
    with torch.no_grad():
        total = sum(
            F.cross_entropy(
                model(inputs[i : i + 128]).reshape(-1, V),
                targets[i : i + 128].reshape(-1),
                reduction="sum",
            ).item()
            for i in range(0, n_windows, 128)
        )
    model.train()
    return total / targets.numel() / math.log(2)


def train(model, peak_lr=0.02):
    generator = torch.Generator().manual_seed(SEED)  # the same snippets for every model
    optimizer = torch.optim.AdamW(model.parameters(), lr=peak_lr, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=peak_lr, total_steps=STEPS, pct_start=0.1
    )
    losses, checkpoints = [], []
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for step in range(1, STEPS + 1):
        starts = torch.randint(0, len(train_ids) - CONTEXT - 1, (BATCH,), generator=generator).to(
            DEVICE
        )
        chunk = train_ids[starts[:, None] + offsets]  # (BATCH, 65)
        logits = model(chunk[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, V), chunk[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        losses.append(loss.item() / math.log(2))
        if step % 100 == 0:
            checkpoints.append((step, validation_bits(model)))
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()
    return np.array(losses), checkpoints, time.perf_counter() - start


runs = {"transformer": train(transformer), "GRU": train(gru)}
for name, (_, checkpoints, seconds) in runs.items():
    curve = ", ".join(f"step {s}: {b:.2f}" for s, b in checkpoints)
    print(
        f"{name:>11}: {n_params[name]:,} parameters, {seconds:5.1f} s wall time; validation bits: {curve}"
    )

# %% [markdown]
# ### The result
#
# The table collects the validation loss after 300 steps, the baselines, the size of
# each model and its training time on this machine.

# %%
final = {name: checkpoints[-1][1] for name, (_, checkpoints, _) in runs.items()}
print(f"{'model':>12} {'parameters':>11} {'train time':>11} {'bits/char':>10}")
for name in ("unigram", "bigram"):
    print(f"{name:>12} {'':>11} {'':>11} {bits[name]:>10.3f}")
for name, (_, _, seconds) in runs.items():
    print(f"{name:>12} {n_params[name]:>11,} {seconds:>10.1f}s {final[name]:>10.3f}")
gap = final["transformer"] - final["GRU"]
last_drop = {name: cps[-2][1] - cps[-1][1] for name, (_, cps, _) in runs.items()}
print(
    f"\nboth below the bigram: by {bits['bigram'] - final['transformer']:.2f} (transformer) and {bits['bigram'] - final['GRU']:.2f} bits (GRU)"
)
print(f"the GRU is {gap:.2f} bits per character ahead of the transformer")
print(
    f"improvement over the last 100 steps: transformer {last_drop['transformer']:.2f}, GRU {last_drop['GRU']:.2f} bits"
)
assert final["transformer"] < bits["bigram"] - 0.2
assert final["GRU"] < bits["bigram"] - 0.4
assert gap > 0.2  # at this budget the recurrent model is clearly ahead
assert (
    last_drop["transformer"] > last_drop["GRU"]
)  # ... but the transformer is still falling faster
first_check = {name: cps[0][1] for name, (_, cps, _) in runs.items()}
assert abs(first_check["transformer"] - bits["bigram"]) < 0.3  # a slow start
assert first_check["GRU"] < bits["bigram"] - 0.5

# %% alt="Training loss in bits per character over 300 steps for the transformer and the GRU, with validation losses every 100 steps and dashed lines for the unigram and bigram baselines: the GRU passes the bigram line early and stays below the transformer, which starts slowly, is still near the bigram line at step 100 and is still falling at the end"
fig, ax = plt.subplots(figsize=(8, 4.2))
for name, (losses, checkpoints, _) in runs.items():
    smooth = np.convolve(losses, np.ones(10) / 10, mode="valid")
    (line,) = ax.plot(np.arange(len(smooth)) + 10, smooth, label=f"{name}, training batches")
    steps, values = zip(*checkpoints, strict=True)
    ax.plot(steps, values, "o", color=line.get_color(), label=f"{name}, validation")
for name in ("unigram", "bigram"):
    ax.axhline(bits[name], color="gray", linestyle="--", linewidth=1)
    ax.text(STEPS, bits[name], name, ha="right", va="bottom", fontsize=8)
ax.set_ylim(2, 5.5)
ax.set_xlabel("training step")
ax.set_ylabel("bits per character")
ax.set_title("Same text, same batches, same number of steps")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Both models beat the bigram table, the GRU by more than a bit per character and the
# transformer by half a bit or more (the printout gives this run's margins), so both have
# learned to use more context than one character. But with this budget, 300 steps of 32
# snippets, the GRU is clearly ahead, and the transformer starts slowly: after 100 steps
# it is still close to the bigram table, which the GRU left behind early on. Two things
# explain this, and both are worth knowing.
#
# First, **the GRU has a head start built in**. It reads the characters in order, and
# its state is, from the very first step, dominated by the most recent characters, which
# are the most informative ones for predicting the next. The transformer has no such
# prior. At initialization every position attends almost uniformly to all earlier ones
# (we measured a distance of only about 0.1 from a plain average), and position is just
# another learned embedding. That the previous character matters
# most is something it must discover from the data, and the next section shows that it
# did.
#
# Second, **the transformer is not finished**. Its validation loss fell more over the
# last 100 steps than the GRU's did. Transformers are known to need more steps (and
# more data) before they pay off, and then to keep improving for longer as models and
# data grow. Their other advantage does not show on one CPU thread: in training, where
# the whole snippet is known in advance, a GRU must compute its 64 states one after
# another, while a transformer computes all 64 positions in one batch of matrix products,
# which a GPU runs in parallel. (Generation gets no such help: there both models produce
# one character after another, as the next section does.) That, and the
# direct path from every position to every earlier one, is why large language models are
# transformers. The honest summary of this experiment is narrower: **at a tiny budget,
# the recurrent model's built-in bias wins.**
#
# ### A sample
#
# Generation works as in the earlier lesson, one character at a time, with one
# difference: the transformer has no hidden state to carry forward, so at every step it
# reads the last (up to) 64 characters again.


# %%
def sample(model, prompt, length=300, temperature=0.8, seed=SEED):
    """Continue `prompt` one character at a time from the model's own predictions."""
    generator = torch.Generator(device=DEVICE).manual_seed(seed)
    ids = encode(prompt)[None]
    model.eval()
    with torch.no_grad():
        for _ in range(length):
            logits = model(ids[:, -CONTEXT:])[0, -1]  # the context window slides along
            probs = F.softmax(logits / temperature, dim=0)
            ids = torch.cat([ids, torch.multinomial(probs, 1, generator=generator)[None]], dim=1)
    return "".join(vocab[i] for i in ids[0].tolist())


text = sample(transformer, "Return the ", length=1000)
print(text[: len("Return the ") + 300])  # the first 300 characters are enough to read
known_words = set(train_text.split())
words = text.split()  # but all 1,000 are counted: a short sample's share moves a lot
real = sum(w in known_words for w in words) / len(words)
print(f"\n{real:.0%} of the {len(words)} words in 1,000 characters occur in the training text")
assert len(text) == len("Return the ") + 1000

# %% [markdown]
# The sample has the texture of the docstrings: common short words, spacing, line
# breaks, even something like a code example. A good share of its words occur in the
# training text (the printout counts them over 1,000 generated characters); the rest are
# inventions that merely look English. That share is a poor yardstick, though: it moved
# from under a quarter to about two fifths between the seeds we tried, with the quality
# of the trained model and the luck of the draw, so we only report it.
#
# ### Looking inside: what did the first layer learn?
#
# `F.scaled_dot_product_attention` does not return its weights, but our own `attention`
# from part 1 does. We recompute the first block's attention on every validation window
# with the trained weights, check that it reproduces the block's output, and measure for
# each head how much weight, on average, goes to the character immediately before the
# query, and how far its weights now are from the near-uniform ones it started with.

# %%
block = transformer.blocks[0]  # now trained
with torch.no_grad():
    h = block.norm1(transformer.token(inputs) + transformer.position(positions))
    q, k, v = block.attn.split_heads(h)
    mixed, w = attention(q, k, v)  # w: (windows, heads, query, key)
    B, T, d = h.shape
    ours = block.attn.out(mixed.transpose(1, 2).reshape(B, T, d))
    assert torch.allclose(ours, block.attn(h), atol=1e-4)  # the same computation
on_previous = torch.diagonal(w, offset=-1, dim1=-2, dim2=-1).mean(dim=(0, 2)).cpu()
tv_trained = 0.5 * (w - uniform).abs().sum(dim=-1).mean(dim=(0, 2)).cpu()
for head in range(len(on_previous)):
    print(
        f"layer 1, head {head}: {on_previous[head]:.0%} of its weight on the previous character, "
        f"distance from uniform {tv_trained[head]:.2f} (untrained: {tv_init:.2f})"
    )
assert on_previous.max() > 0.35  # one head gives the previous character a large share
assert tv_trained.min() > 0.3 > tv_init  # every head has learned where to look

# %% alt="Attention weights of the four heads of the first layer on a 24-character validation snippet, one heat map per head with the characters along both axes: one head puts much of its weight just below the diagonal, on the previous character, while the others spread their weight over several earlier characters"
snippet = 24
chars = [
    vocab[i] if vocab[i] not in " \n" else {" ": "␣", "\n": "⏎"}[vocab[i]]
    for i in inputs[0, :snippet].tolist()
]
fig, axes = plt.subplots(1, 4, figsize=(13, 3.6))
for head, ax in enumerate(axes):
    ax.imshow(w[0, head, :snippet, :snippet].cpu(), cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(snippet), chars, fontsize=6)
    ax.set_yticks(range(snippet), chars, fontsize=6)
    ax.set_title(f"head {head}: {on_previous[head]:.0%} on previous", fontsize=9)
axes[0].set_ylabel("query (predicting the next character)")
axes[0].set_xlabel("key (attended to)")
fig.suptitle("First-layer attention of the trained transformer", fontsize=10)
plt.tight_layout()
plt.show()

# %% [markdown]
# One head of the first layer has turned itself into a **previous-character head**: it
# sends much of its weight, in most runs most of it, to the position just before the
# query (the bright line under the diagonal). Together with the residual connection,
# which carries the current character forward, this gives every position the last two
# characters, the context a trigram model uses. The other heads spread their weight over
# several of the preceding characters, but they too have moved far from the near-uniform
# attention they started with. The previous-character head is the recency that the GRU
# has by construction, learned here from data in a few hundred steps; the second layer
# can then build on it.
#
# ## What we did
#
# - We wrote scaled dot-product attention from tensors, with the causal mask, and
#   matched `F.scaled_dot_product_attention`; we wrote multi-head attention with a
#   `view` and a `transpose` and matched `nn.MultiheadAttention`.
# - We measured why the scores are divided by $\sqrt{d_k}$: unscaled, the largest of 64
#   weights took about 80% of the total at $d_k = 64$; scaled, about 11% at every size.
# - We built a two-layer pre-norm transformer (token and position embeddings, attention
#   and MLP on residual connections) and checked that it cannot see the future.
# - On the same docstrings, split, batches and number of steps, with similar parameter
#   counts, both the transformer and a GRU beat the unigram and bigram baselines; at
#   this small budget the GRU was clearly ahead, while the
#   transformer's loss was still falling faster.
# - Inside the trained transformer we found a head that attends to the previous
#   character: the recency the GRU has built in, learned from data.
#
# ## Questions
#
# 1. Why are the attention scores divided by $\sqrt{d_k}$, and what went wrong in the
#    measurement without it?
#
#    Answer: With unit-variance components, $q \cdot k$ has variance $d_k$, so the raw
#    scores grow like $\sqrt{d_k}$ (a standard deviation of about 8 at $d_k = 64$). The
#    softmax of such large scores is nearly one-hot: the largest of 64 weights took
#    about 80% of the total at $d_k = 64$ and 90% at 256, and a saturated softmax passes
#    almost no gradient to the other scores. Scaled, the scores have variance 1 and the
#    largest weight stayed near 11% for every $d_k$.
#
# 2. What would happen if you trained the language model without the causal mask?
#
#    Answer: Each position could attend to the next one, which holds the very character
#    it is asked to predict. The model would learn to copy it, and the training loss
#    would fall close to zero. At generation time the next character does not exist yet,
#    so the model would be useless. The leak test in the lesson (change the last
#    character, nothing earlier may move) catches this bug.
#
# 3. Why does the transformer get a position embedding while the GRU does not?
#
#    Answer: Apart from the mask, attention treats its keys and values as a set:
#    permute them together and every output stays the same. The causal mask lets a
#    layer recover position indirectly (position $i$ averages over $i + 1$ inputs, so it
#    can count them, and Haviv et al., 2022, found that causal language models without
#    position embeddings still learn position this way), but that costs layers and
#    training. Adding a learned vector for each position to the input gives order to the
#    first layer directly. The GRU reads its input one step after another, so order is
#    part of the computation.
#
# 4. In our transformer a batch holds 32 snippets of 64 characters, $d = 64$ and there
#    are 4 heads. What are the shapes of the queries after `split_heads`, and of the
#    attention weights of one layer?
#
#    Answer: The queries have shape (32, 4, 64, 16): batch, heads, positions and
#    $64 / 4 = 16$ numbers per head. The weights have shape (32, 4, 64, 64), one
#    64 × 64 matrix per snippet and head, of which the upper triangle is zero.
#
# 5. The GRU ended well ahead of the transformer. What did the transformer have to learn
#    that the GRU has by construction, and where did we see it?
#
#    Answer: That recent characters matter most. The GRU's state is updated character
#    by character, so recent input dominates it from the start. The transformer starts
#    by attending almost uniformly over the past and has to learn from the data which
#    positions to look at. In the first layer one head learned to put much of its
#    weight on the previous character, a pattern the GRU never has to learn.
#
# 6. How do the computation and memory of attention grow with the context length $T$,
#    and how does that compare with the GRU?
#
#    Answer: Each layer computes a $T \times T$ matrix of scores per head, so the cost of
#    the scores grows like $T^2$ (the projections and the MLP grow like $T$). The GRU's
#    cost grows like $T$, but its $T$ steps must run one after another, while in
#    training (and whenever the whole text is known) all of attention's work for a
#    sequence can run in parallel. Generating text is sequential for both: each new
#    character needs the one before it. Long contexts are therefore expensive for
#    transformers in memory and arithmetic, and slow for recurrent networks in time.
#
# 7. Where are the residual connections in a transformer block, and why do they matter
#    for the same reason as in the modern-CNNs lesson?
#
#    Answer: Around the attention and around the MLP: `x = x + attn(norm(x))`, then
#    `x = x + mlp(norm(x))`. The input reaches the output through additions alone, so
#    gradients have an identity path through every block, which keeps deep stacks
#    trainable. With the normalization inside the branch (pre-norm), that path stays a
#    clean identity from the embeddings to the last layer.
#
# ## Further research
#
# - Train both models for 1,000 or 2,000 steps (on a GPU if you have one) and plot the
#   validation loss against steps and against wall time. Does the transformer catch up
#   with the GRU, and where do the curves cross?
# - Remove the position embedding and train the transformer again. The causal mask
#   still tells each position how many positions come before it; how much does the loss
#   suffer? Then try the fixed sinusoidal position encodings of Vaswani et al. (2017).
# - Look at the heads of the second layer on several windows. Can you find one that
#   attends to the start of the current word, to the last space, or to an opening
#   bracket or quotation mark?
# - Vary the number of heads (1, 2, 4, 8) at a fixed $d = 64$, and the number of
#   layers (1 to 4). Which change helps most within the same budget of steps?
