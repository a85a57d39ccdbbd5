# ---
# title: "Language: a character-level model of Python's own documentation"
# summary: Train a small recurrent network to predict the next character of the standard library's docstrings, beat unigram, bigram and trigram counts on perplexity, and let it write documentation of its own.
# stage: 1
# kind: lesson
# minutes: 45
# device: auto
# resources: [fastai-practical-deep-learning, dive-into-deep-learning, pytorch-tutorials, isikdogan-deep-learning-crash-course]
# prerequisites: [stage-1/01-digits, stage-1/04-collaborative-filtering]
# data: []
# aliases: [stage-1/04-char-language-model]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Language: a character-level model of Python's own documentation
#
# A *language model* answers one question over and over: given the text so far, what comes
# next? The large models behind today's chat assistants answer it for word fragments, with
# billions of parameters, trained on a good part of the internet. The idea fits in a
# lesson: we predict the next **character**, with a network of about fifty thousand
# parameters, trained for a few seconds on text that is already on your computer.
#
# That text is Python's own documentation. Every module, class and function of the standard
# library carries a *docstring* describing it, and Python lets us read them all at run time.
# The result is about a quarter of a million characters of fairly regular technical English,
# with code examples mixed in: enough to learn spelling, common words, and the habits of
# documentation writers ("Return the ...", "If *key* is given, ...").
#
# We follow the usual path. First a working model, which writes text of its own. Then the
# baselines: models that simply count how often characters follow each other. Then we
# open up the network, measure where it is surprised, and see why counting runs out of
# road where a neural network keeps going.
#
# **Runtime:** about 15 s on a laptop CPU; faster with a GPU. The exact numbers depend a
# little on your Python version, because its documentation changes between releases.

# %%
import importlib
import inspect
import math
import os

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_num_threads(1)  # a small recurrent net: one CPU thread is fastest and steadiest
print("device:", DEVICE)

# %% [markdown]
# ## The corpus: docstrings of the standard library
#
# We import a fixed list of standard-library modules and collect the docstring of each
# module and of every public class and function it defines. Every tenth docstring goes to a
# validation set that the model never trains on; splitting by docstring rather than at a
# single position means both parts mix all the modules.

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


docs = [doc for name in MODULES for doc in docstrings(name)]
train_text = "\n\n".join(doc for i, doc in enumerate(docs) if i % 10 != 0)
valid_text = "\n\n".join(doc for i, doc in enumerate(docs) if i % 10 == 0)

# Character vocabulary from the training text; id 0 stands for anything unseen in training.
vocab = ["?"] + sorted(set(train_text))
char_to_id = {c: i for i, c in enumerate(vocab) if i > 0}
V = len(vocab)


def encode(text):
    return np.array([char_to_id.get(c, 0) for c in text], dtype=np.int64)


train_ids, valid_ids = encode(train_text), encode(valid_text)
print(
    f"{len(docs)} docstrings: {len(train_ids):,} training and {len(valid_ids):,} validation characters"
)
print(f"vocabulary: {V} characters")
print("-" * 60)
print(train_text[:500])
assert 200_000 < len(train_ids) + len(valid_ids) < 300_000
assert 80 <= V <= 120

# %% [markdown]
# ## The working result
#
# The model reads characters one at a time. Each character is turned into a vector of 32
# numbers by an embedding table (the same device that represented users and films in the
# previous lesson). A **recurrent layer**, here a GRU (gated recurrent unit), keeps a
# *hidden state* of 96 numbers, a running summary of everything read so far, and updates
# it with each new character. A final linear layer turns the hidden state into one score
# per character of the vocabulary: the prediction for the next one.
#
# Training shows it random 32-character snippets of the training text, and at every
# position asks it to predict the following character, using the same cross-entropy loss
# as the digit classifier: the digits had 10 classes, this has about a hundred.


# %%
class CharGRU(nn.Module):
    def __init__(self, vocab_size, emb_dim=32, hidden=96):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, ids, state=None):
        outputs, state = self.rnn(self.emb(ids), state)
        return self.out(outputs), state


train_t = torch.tensor(train_ids, device=DEVICE)
valid_t = torch.tensor(valid_ids, device=DEVICE)
SEQ_LEN, BATCH, STEPS = 32, 64, 300
offsets = torch.arange(SEQ_LEN + 1, device=DEVICE)
batch_gen = torch.Generator(device=DEVICE).manual_seed(SEED)


def valid_perplexity(model, ids):
    """exp(mean cross-entropy) of predicting every character of `ids` from all before it."""
    with torch.no_grad():
        logits, _ = model(ids[None, :-1])
        return math.exp(F.cross_entropy(logits[0], ids[1:]).item())


torch.manual_seed(SEED)
model = CharGRU(V).to(DEVICE)
optimizer = torch.optim.Adam(model.parameters(), lr=6e-3)
losses, checkpoints = [], []
for step in range(1, STEPS + 1):
    starts = torch.randint(
        0, len(train_t) - SEQ_LEN - 1, (BATCH,), device=DEVICE, generator=batch_gen
    )
    chunk = train_t[starts[:, None] + offsets]  # (BATCH, SEQ_LEN + 1)
    logits, _ = model(chunk[:, :-1])  # predict from characters 0..31 ...
    loss = F.cross_entropy(logits.reshape(-1, V), chunk[:, 1:].reshape(-1))  # ... characters 1..32
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    losses.append(loss.item())
    if step % 100 == 0:
        checkpoints.append((step, valid_perplexity(model, valid_t[:5000])))
        print(f"step {step}: training loss {loss.item():.3f}")

gru_ppl = valid_perplexity(model, valid_t)
n_params = sum(p.numel() for p in model.parameters())
print(f"{n_params:,} parameters; validation perplexity {gru_ppl:.2f}")
print(f"{STEPS * BATCH * SEQ_LEN:,} character predictions made during training")
assert 45_000 < n_params < 55_000
assert 190_000 < len(train_ids) < 230_000 and 2.5 < STEPS * BATCH * SEQ_LEN / len(train_ids) < 3.5
assert gru_ppl < 8


# %%
def sample(model, prompt, length=400, temperature=0.8, seed=SEED):
    """Continue `prompt` one character at a time, feeding each choice back in."""
    gen = torch.Generator(device=DEVICE).manual_seed(seed)
    ids = torch.tensor(encode(prompt), device=DEVICE)[None]
    out = list(prompt)
    with torch.no_grad():
        logits, state = model(ids)  # read the whole prompt, keep the hidden state
        for _ in range(length):
            probs = F.softmax(logits[0, -1] / temperature, dim=0)
            next_id = torch.multinomial(probs, 1, generator=gen)
            out.append(vocab[next_id.item()])
            logits, state = model(next_id[None], state)  # one more character
    return "".join(out)


print(sample(model, "Return the "))

# %% [markdown]
# After a few seconds of training the network writes something that *looks* like Python
# documentation: a mix of real English words and plausible inventions, sensible spacing,
# punctuation and paragraph breaks, and the stock phrases of the genre ("return the",
# "the value"). It does not *mean* anything: a model that has made about 600,000
# predictions on a training text of about 210,000 characters (so it met each character
# about three times, on average), and that sees the past through 96 numbers of memory,
# learns the texture of the language, not the ideas. Still, nobody told it what a word, a
# space or a sentence is.
#
# ## How good is it? Perplexity, and three counting baselines
#
# Samples are fun but hard to compare. The standard measure of a language model is its
# **perplexity** on text it has not trained on. For every character of the validation
# text, take the probability the model gave to the character that actually came next; the
# cross-entropy is the average of $-\ln p$ over all characters, and the perplexity is
# $e^{\text{cross-entropy}}$. It reads as a number of choices: a perplexity of 6 means the
# model is, on average, as uncertain as if it had to pick uniformly among 6 characters. A
# model that knows nothing (uniform over the vocabulary) has a perplexity equal to the
# vocabulary size; a model that always knew the next character would score 1.
#
# Quick check: a model gives the correct next character a probability of exactly 1/4 at
# every position of the validation text. What is its perplexity?
#
# Answer: 4
#
# Why: its cross-entropy is $-\ln(1/4) = \ln 4$ at every position, and $e^{\ln 4} = 4$: it
# is as uncertain as a fair choice among 4 characters.
#
# The baselines are **n-gram count models**, the way language was modelled for decades
# before neural networks:
#
# - **unigram**: the probability of each character is its frequency in the training text,
#   ignoring context altogether (spaces and "e" are common, "Q" is rare);
# - **bigram**: a table of how often each character follows each other character, so the
#   prediction depends on the previous character ("q" is nearly always followed by "u");
# - **trigram**: the same with the previous two characters.
#
# Each table gets a small constant added to every count (*smoothing*): a combination never
# seen in training must still get a little probability, otherwise one surprise in the
# validation text would make the perplexity infinite.


# %%
def count_model_perplexity(order, k=0.1):
    """Perplexity of an n-gram count model (order 1, 2 or 3) with add-k smoothing."""
    shape = (V,) * order
    counts = np.full(shape, k)
    train_context = tuple(train_ids[i : len(train_ids) - order + 1 + i] for i in range(order))
    np.add.at(counts, train_context, 1)
    probs = counts / counts.sum(axis=-1, keepdims=True)
    # Score (nearly) the characters the network is scored on: every one from the third on,
    # since the trigram needs two characters before it.
    context = tuple(
        valid_ids[2 - (order - 1) + i : len(valid_ids) - (order - 1) + i] for i in range(order)
    )
    return math.exp(-np.log(probs[context]).mean())


baselines = {"uniform": float(V)}
baselines.update(
    {name: count_model_perplexity(n) for n, name in [(1, "unigram"), (2, "bigram"), (3, "trigram")]}
)
for name, ppl in baselines.items():
    print(f"{name:>8}: perplexity {ppl:6.2f}")
print(f"     GRU: perplexity {gru_ppl:6.2f}")
print(
    f"the GRU's perplexity is {baselines['bigram'] / gru_ppl:.1f}x lower than the bigram's "
    f"and {baselines['trigram'] / gru_ppl:.2f}x lower than the trigram's"
)
assert baselines["unigram"] < baselines["uniform"]
assert 20 < baselines["unigram"] < 30  # about 25 equally likely choices
assert 0.4 < baselines["bigram"] / baselines["unigram"] < 0.6  # one character roughly halves it
assert baselines["trigram"] < 0.7 * baselines["bigram"]
assert gru_ppl < 0.5 * baselines["bigram"]  # more than a factor of two
assert gru_ppl < 0.9 * baselines["trigram"]

# %% alt=["Bar chart of validation perplexity on a log scale: uniform 100, unigram about 26, bigram about 14, trigram about 7.4 and the GRU lowest, about 6", "Perplexity of the GRU during its 300 training steps, a smoothed curve on training batches with validation dots at steps 100, 200 and 300, against dashed lines for the three count models: the curve drops below the unigram line within a few dozen steps, below the bigram line before step 100 and below the trigram line around step 200"]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
names = list(baselines) + ["GRU"]
values = list(baselines.values()) + [gru_ppl]
axes[0].bar(names, values, color=["lightgrey"] * 4 + ["tab:blue"])
for i, v in enumerate(values):
    axes[0].text(i, v, f"{v:.1f}", ha="center", va="bottom", fontsize=9)
axes[0].set_yscale("log")
axes[0].set_ylabel("validation perplexity (log scale)")
axes[0].set_title("Lower is better", fontsize=10)

smooth = np.convolve(losses, np.ones(20) / 20, mode="valid")
axes[1].plot(np.arange(len(smooth)) + 20, np.exp(smooth), label="GRU, training batches")
steps, ppls = zip(*checkpoints, strict=True)
axes[1].plot(steps, ppls, "o", color="tab:blue", label="GRU, validation")
for name in ["unigram", "bigram", "trigram"]:
    axes[1].axhline(baselines[name], linestyle="--", color="grey", linewidth=1)
    axes[1].text(STEPS, baselines[name], name, ha="right", va="bottom", fontsize=8)
axes[1].set_ylim(4, 30)
axes[1].set_xlabel("training step")
axes[1].set_ylabel("perplexity")
axes[1].set_title("The network passes each counting baseline in turn", fontsize=10)
axes[1].legend(fontsize=8, loc="upper center")
plt.tight_layout()
plt.show()

# First step at which the smoothed training curve is below each count model.
smooth_steps = np.arange(len(smooth)) + 20
passes = {
    name: int(smooth_steps[np.argmax(np.exp(smooth) < baselines[name])])
    for name in ["unigram", "bigram", "trigram"]
}
print("the smoothed training curve first passes:", passes)
end_train_ppl = math.exp(np.mean(losses[-20:]))
print(f"last 20 training batches: perplexity {end_train_ppl:.2f}; validation {gru_ppl:.2f}")
assert all(np.exp(smooth[-1]) < baselines[name] for name in passes)
assert passes["unigram"] < 50 and passes["bigram"] < 100 and 150 <= passes["trigram"] <= 260
# Training and validation agree to within about 15% (20 batches are a noisy sample).
assert abs(math.log(end_train_ppl / gru_ppl)) < 0.15

# %% [markdown]
# The ranking tells a story about **context**. The unigram model, which uses none, faces
# about 25 equally likely choices per character. One character of context (bigram) roughly
# halves that; two characters (trigram) help again. The GRU, whose hidden state can carry
# information from much further back, beats the bigram by more than a factor of two and the
# trigram by a clear margin, after training for a few seconds.
#
# The training curve shows the network moving through the same stages: within a few dozen
# steps it has learned the character frequencies (unigram level), before step 100 it has
# passed the bigram table, and around step 200 it overtakes the trigram, using more context
# than any of the tables. (The curve is measured on training batches and the dots on the
# validation text; they agree, so the model is not yet overfitting.)
# Training for longer, or with a bigger hidden state, would keep lowering its perplexity;
# we stop early to keep the lesson fast.
#
# ## Opening the box
#
# ### Why not just count longer contexts?
#
# If two characters of context beat one, why not count with five? Because the tables grow
# exponentially with context length, while the training text does not. A trigram table
# already has $V^3$, about a million, entries for a couple of hundred thousand training
# characters, so most entries are never observed; a table for four characters of context
# would need $V^5$, ten billion entries. Let us measure how quickly contexts become unseen.
#
# Quick check: with a vocabulary of 100 characters, how many entries does a count table
# with three characters of context need (one count for every context and next character)?
#
# Answer: 100000000
#
# Why: $100^3$ possible contexts, each with 100 possible next characters: $100^4 = 10^8$,
# about five hundred times more entries than there are characters in the training text.


# %%
def unseen_fraction(n):
    """Fraction of validation contexts of n characters that never occur in the training text."""
    seen = {train_text[i : i + n] for i in range(len(train_text) - n + 1)}
    contexts = [valid_text[i : i + n] for i in range(len(valid_text) - n + 1)]
    return sum(c not in seen for c in contexts) / len(contexts)


unseen = {n: unseen_fraction(n) for n in [1, 2, 3, 5, 8]}
for n, frac in unseen.items():
    print(f"contexts of {n} characters never seen in training: {frac:.1%}")
assert 0.5e6 < V**3 < 2e6  # the trigram table: about a million entries
assert 0.001 < unseen[2] < 0.01 and 0.015 < unseen[3] < 0.045
assert 0.1 < unseen[5] < 0.22 and 0.3 < unseen[8] < 0.5

# %% [markdown]
# With two characters of context almost every validation context was seen during training;
# with eight, a large share never was. A count table has nothing to say about a context it
# never saw, and falls back on smoothing, which is a polite word for guessing. The network
# has no table. Its hidden state is a compressed summary of the past, and similar pasts
# (say "the value o" and "the number o") lead to similar states and similar predictions,
# so what it learned from one transfers to the other. Sharing statistical strength between
# similar situations is the central trick of neural networks, and the reason they keep
# improving with more context where counting stalls. It is the same trick as in the
# previous lesson: there, users with similar tastes got similar embeddings.
#
# ### Where is the model surprised?
#
# Perplexity averages over all characters. Looking at the surprise on each character of a
# validation sentence, measured in bits ($-\log_2 p$; one bit is a fair coin flip), shows
# *where* the model is uncertain. We compare the GRU with the bigram model.

# %% alt="Paired bars of surprise in bits, bigram in grey and GRU in blue, for each character of the validation line 'Return True for leap years, False for non-leap years.': both are highest at the first letter of each word; inside and at the end of common words such as 'Return' and 'for' the GRU's bars drop almost to zero while the bigram's stay at two to five bits; at the capital T of 'True' the GRU is more surprised than the bigram"
snippet = next(d for i, d in enumerate(docs) if i % 10 == 0 and d.startswith("Return"))
snippet = snippet.split("\n")[0][:60]
ids = torch.tensor(encode(snippet), device=DEVICE)
with torch.no_grad():
    logits, _ = model(ids[None, :-1])
gru_bits = (F.cross_entropy(logits[0], ids[1:], reduction="none") / math.log(2)).cpu().numpy()

bigram_counts = np.full((V, V), 0.1)
np.add.at(bigram_counts, (train_ids[:-1], train_ids[1:]), 1)
bigram_probs = bigram_counts / bigram_counts.sum(axis=1, keepdims=True)
snippet_ids = encode(snippet)
bigram_bits = -np.log2(bigram_probs[snippet_ids[:-1], snippet_ids[1:]])

x = np.arange(len(snippet) - 1)
plt.figure(figsize=(12, 3.2))
plt.bar(x - 0.2, bigram_bits, width=0.4, color="lightgrey", label="bigram")
plt.bar(x + 0.2, gru_bits, width=0.4, color="tab:blue", label="GRU")
plt.xticks(x, [c if c != " " else "␣" for c in snippet[1:]], fontsize=8)
plt.ylabel("surprise (bits)")
plt.title(f"Surprise at each character of: {snippet!r}", fontsize=10)
plt.legend(fontsize=8)
plt.tight_layout()
plt.show()
print(
    f"mean surprise on this line: bigram {bigram_bits.mean():.2f} bits, GRU {gru_bits.mean():.2f} bits"
)
assert gru_bits.mean() < bigram_bits.mean()

# Word starts: the characters that follow a space.
word_start = np.array([c == " " for c in snippet[:-1]])
for name, bits in [("bigram", bigram_bits), ("GRU", gru_bits)]:
    print(
        f"{name:>6}: {bits[word_start].mean():.2f} bits at word starts, "
        f"{bits[~word_start].mean():.2f} elsewhere"
    )
    assert bits[word_start].mean() > 1.5 * bits[~word_start].mean()
near_zero = int((gru_bits[~word_start] < 0.25).sum())
print(f"characters inside words that cost the GRU under a quarter of a bit: {near_zero}")
assert (gru_bits[word_start] > bigram_bits[word_start]).any()  # at some starts, the GRU is worse
assert near_zero >= 4  # and near zero inside some common words

with torch.no_grad():
    logits, _ = model(torch.tensor(encode("Return "), device=DEVICE)[None])
top = torch.topk(F.softmax(logits[0, -1], dim=0), 3)
guesses = [
    f"{vocab[i]!r} {p:.0%}" for p, i in zip(top.values.tolist(), top.indices.tolist(), strict=True)
]
print("after 'Return ' the GRU expects:", ", ".join(guesses))
top_chars = [vocab[i] for i in top.indices.tolist()]
assert "t" in top_chars and all(c.islower() for c in top_chars)
if snippet.startswith("Return T"):  # a capital after "Return " costs the confident GRU dearly
    print(
        f"the 'T' of 'True' costs the GRU {gru_bits[6]:.1f} bits, the bigram {bigram_bits[6]:.1f}"
    )
    assert gru_bits[6] > 5  # it gave the "T" less than a 1-in-32 chance

# %% [markdown]
# The pattern is typical. Both models are most surprised at the **start of a word**, where
# many continuations are possible, and the bigram stays uncertain through the word, because
# one character says little about the next. The GRU, having read the first letters of a
# word, often knows how it ends: its bars collapse towards zero in the middle and at the
# end of common words. At some word starts the GRU is even *more* surprised than the
# bigram. After "Return " the GRU bets on lower-case letters, "t" among its favourites (as
# in "the"; its top guesses are printed under the chart, and their order changes with the
# seed), so a capital "T" costs it dearly: more than five bits, often more than the
# bigram pays there (both figures are printed under the chart). A model
# that is confident pays more when it is wrong, while the bigram, never confident, loses
# less. On average the GRU
# still wins clearly. What remains hard for both is choosing *which* word comes next.
# That takes knowledge of meaning, which is exactly where larger models trained on far more
# text pull ahead.
#
# ### Temperature: how adventurous the samples are
#
# Sampling drew each character from the model's probabilities after dividing the scores by
# a *temperature*. A low temperature sharpens the distribution towards the most likely
# characters; a high one flattens it. Compare:

# %%
for temperature in [0.3, 1.0, 1.5]:
    print(f"--- temperature {temperature} ---")
    print(sample(model, "If the ", length=200, temperature=temperature, seed=SEED + 1))
    print()

# %% [markdown]
# At a low temperature the model plays safe and tends to repeat its favourite phrases; at
# 1.0 it samples from what it actually learned, mistakes included; at a high temperature
# rare characters get picked often and the text dissolves into noise. The perplexity we
# measured does not depend on temperature: it judges the probabilities themselves, not one
# particular way of drawing from them.
#
# Quick check: which of these change when the sampling temperature is lowered from 1.0 to
# 0.3? (Select all that apply.)
#
# - [x] the text the model writes
# - [ ] the model's weights
# - [ ] the validation perplexity we measured
# - [x] how sharply the sampling probabilities favour the most likely characters
#
# Why: the temperature only divides the scores just before each character is drawn. The
# weights, and the probabilities that perplexity is computed from, stay exactly as they
# were; the sampled text and the sharpness of the distribution it is drawn from change.
#
# ## What we did
#
# - We built a corpus from text every Python installation ships, and held out a tenth of
#   the docstrings to measure generalisation.
# - We trained a recurrent network with about fifty thousand parameters to predict the
#   next character, and sampled documentation-like text from it.
# - We measured perplexity and compared it with unigram, bigram and trigram counts: the
#   network beat the bigram by more than a factor of two and the best count model clearly.
# - We saw why counting cannot simply use longer contexts (the longer they are, the more
#   of them were never seen in training), and how a network's hidden state shares what it
#   learned between similar contexts.
# - We looked at where the model is surprised, and how temperature changes samples without
#   changing the model.
#
# ## Questions
#
# 1. What exactly does the model predict at each position of a 32-character training
#    snippet, and why are the targets the input shifted by one character?
#
#    Answer: At every position it outputs one score per character of the vocabulary, a
#    prediction of the character that comes next, using everything it has read so far in
#    the snippet. The target at position $i$ is therefore character $i + 1$: feeding
#    characters 0..31 and scoring against characters 1..32 gives 32 predictions per
#    snippet, each of which only sees the past.
#
# 2. Define perplexity. What perplexity does a model that knows nothing score on a
#    vocabulary of 100 characters, and what would a perfect model score?
#
#    Answer: Perplexity is $e$ to the power of the average cross-entropy, the mean of
#    $-\ln p$ over the characters of held-out text, where $p$ is the probability the model
#    gave to the character that really came next; it reads as an effective number of
#    equally likely choices. A uniform model scores 100, the vocabulary size; a model that
#    always gave the right character probability 1 would score 1.
#
# 3. Why do the count models need smoothing? What would happen to the validation
#    perplexity without it?
#
#    Answer: A pair or triple never seen in training would get count zero and probability
#    zero. The validation text contains such combinations (about 0.4% of two-character and
#    3% of three-character strings never occur in the training text), and a
#    single probability of zero makes $-\ln p$ infinite, so the perplexity would be
#    infinite. Adding a small constant to every count gives them a little probability.
#
# 4. Why do count tables stop helping as the context grows longer, while the GRU can use
#    long contexts? Use the "never seen" measurements in your answer.
#
#    Answer: The number of possible contexts grows as $V^n$ while the training text stays
#    at about 210,000 characters, so longer contexts are more and more often unseen: about
#    0.4% of two-character validation contexts never occur in training, but about 16% of
#    five-character and 40% of eight-character ones. A table has nothing to say
#    about those. The GRU compresses the past into a 96-number state, and similar pasts
#    give similar states, so what it learned in one context carries over to similar
#    contexts it never saw.
#
# 5. What is the hidden state of the GRU, and how is it used when sampling text one
#    character at a time?
#
#    Answer: A vector of 96 numbers that the GRU updates with every character it reads, a
#    running summary of the text so far. When sampling, the model reads the prompt once,
#    keeps the final state, and then for each new character draws it from the predicted
#    probabilities, feeds that single character back in together with the state, and gets
#    the updated state and the next prediction; the past never has to be re-read.
#
# 6. Why are both models most surprised at the first letter of a word?
#
#    Answer: After a space, many words can follow, so the first letter is the hardest
#    choice: on the line we examined, both models spent far more bits on word starts than
#    on the other characters (the averages are printed under the chart). Once a word has
#    begun, its first letters
#    narrow the possibilities sharply, which the GRU exploits and the bigram, seeing only
#    one character, largely cannot.
#
# 7. How does the temperature change the samples, and why does it not change the
#    perplexity?
#
#    Answer: Dividing the scores by a temperature below 1 sharpens the distribution, so
#    samples stick to the likeliest characters and repeat favourite phrases; above 1 it
#    flattens the distribution, so rare characters appear and the text dissolves into
#    noise. Perplexity is computed from the model's own probabilities (temperature 1) on
#    the validation text, which sampling never touches.
#
# 8. We split the validation set by docstring rather than taking the last tenth of the
#    text. What could go wrong with the second approach?
#
#    Answer: The text is ordered by module, so the last tenth would be mostly the
#    documentation of `typing` (the last large module in the list) followed by `unittest`,
#    `warnings` and `zipfile`: a different mix of vocabulary and style than the training
#    text, which would hardly contain those modules at all. The measured perplexity would
#    then mix two things, how well the model generalises and how different those particular
#    modules are, and would say little about documentation in general.
#
# ## Further research
#
# - Train for longer and with a larger hidden state (256), and plot validation perplexity
#   against training steps. Where does the improvement slow down? Watch for the gap
#   between training and validation loss, the sign of overfitting.
# - Replace the GRU with an `nn.LSTM`, and then with a plain MLP that sees a fixed window of
#   the previous 8 characters (concatenate their embeddings). Compare perplexities and
#   training times; which one makes the best use of context?
# - Build a different corpus from text that ships with Python, for instance the source
#   code of the same modules (`inspect.getsource(module)`). Is code easier or harder to
#   predict than documentation? Sample from the model and see whether the indentation is
#   right.
# - Extend the count baselines: try different smoothing constants for the trigram, or a
#   4-gram stored in a dictionary rather than a dense array. How close can counting come to
#   the GRU?
