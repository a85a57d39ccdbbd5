# ---
# title: "Recommendations: collaborative filtering with embeddings"
# summary: Predict how users would rate films they have not seen with a dot-product embedding model, beat the global-mean and film-mean baselines, find hidden genres in the learned embeddings, and face the cold-start problem.
# stage: 1
# kind: lesson
# minutes: 45
# device: auto
# resources: [fastai-practical-deep-learning, dive-into-deep-learning, pytorch-tutorials, fastai-data-ethics]
# prerequisites: [stage-1/01-digits]
# data: []
# aliases: [stage-1/03-collaborative-filtering]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Recommendations: collaborative filtering with embeddings
#
# Every streaming service, online shop and news site faces the same question millions of
# times a day: *of all the things this person has not seen yet, which would they like?*
# The data available is usually thin. We do not know why someone liked a film; we only
# know who rated what, and how highly. **Collaborative filtering** turns that thin data into
# predictions by letting users help each other: if you and I agreed about the films we
# both saw, your opinion of a film I have not seen is a good guess for mine.
#
# The model we train learns, for every user and every film, a short list of numbers called
# an **embedding**. Nobody tells it what those numbers mean; it invents them so that a
# user's numbers combined with a film's numbers predict the rating. Embeddings are one of
# the central ideas of deep learning. The same trick represents words in language models,
# products in shops and nodes in graphs, and we meet it again in the next lesson.
#
# Real rating data sets are large downloads, so we **simulate** one: users and films with
# hidden tastes, from which we draw ratings. This has a big advantage for learning: we know
# the truth, so we can check not only *whether* the model predicts well but also *what* it
# discovered.
#
# The plan: generate the ratings; train a working recommender and use it; compare it with
# two simple baselines; then open it up (embeddings, biases, weight decay), look at what it
# learned, and finish with its blind spot, the cold-start problem.
#
# **Runtime:** about 10 s on a laptop CPU; a GPU is used when one is available.

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
torch.set_num_threads(1)  # the model is small: one CPU thread is fastest and steadiest
print("device:", DEVICE)

# %% [markdown]
# ## A world of users and films
#
# Our simulated site has 600 users and 400 films. Each film belongs to one of three genres,
# and has a hidden position on a two-dimensional "taste map" near the centre of its genre.
# Each user has a hidden taste vector on the same map. How much a user enjoys a film is the
# dot product of the two: large when they point the same way, negative when they point in
# opposite directions. On top of taste, some films are simply better than others (a film
# *bias*) and some users rate everything generously (a user bias). Ratings are rounded to
# whole stars between 1 and 5, with some noise, because people are not consistent.
#
# Two features of real data are built in, because they matter later. Users differ wildly in
# how much they rate: most rate a few dozen films, a few rate very many, and some only two
# or three. And popular films are rated far more often than obscure ones.

# %%
n_users, n_films = 600, 400
genre_names = ["comedy", "drama", "documentary"]
angles = np.deg2rad([90, 210, 330])  # three genre centres, evenly spread on the map
genre_centres = np.stack([np.cos(angles), np.sin(angles)], axis=1)
genre = rng.integers(0, 3, n_films)
film_taste = genre_centres[genre] + 0.3 * rng.standard_normal((n_films, 2))
user_taste = 0.7 * rng.standard_normal((n_users, 2))
film_bias = rng.normal(0, 0.4, n_films)
user_bias = rng.normal(0, 0.3, n_users)

ratings_per_user = np.clip(rng.geometric(1 / 30, n_users), 2, 200)
popularity = np.exp(rng.normal(0, 1, n_films))
popularity /= popularity.sum()
users = np.concatenate([np.full(k, u) for u, k in enumerate(ratings_per_user)])
films = np.concatenate(
    [rng.choice(n_films, size=k, replace=False, p=popularity) for k in ratings_per_user]
)
enjoyment = (
    3.3
    + user_bias[users]
    + film_bias[films]
    + (user_taste[users] * film_taste[films]).sum(axis=1)
    + rng.normal(0, 0.4, len(users))
)
stars = np.clip(np.round(enjoyment), 1, 5).astype(np.float32)

# Hold out a fifth of the ratings: the model must predict ratings it never saw. Five users
# drawn at random stand for people who joined after training: all their ratings are held out.
late_users = rng.choice(n_users, size=5, replace=False)
order = rng.permutation(len(stars))
n_train = int(0.8 * len(stars))
train_idx, valid_idx = order[:n_train], order[n_train:]
joined_late = np.isin(users[train_idx], late_users)
train_idx, valid_idx = train_idx[~joined_late], np.concatenate([valid_idx, train_idx[joined_late]])
print(f"{len(stars)} ratings: {len(train_idx)} for training, {len(valid_idx)} held out")
print(f"only {len(stars) / (n_users * n_films):.1%} of all user-film pairs are rated")
print("stars 1..5:", np.bincount(stars.astype(int), minlength=6)[1:])
print(
    f"ratings per user: median {np.median(ratings_per_user):.0f}, "
    f"{(ratings_per_user <= 3).sum()} users with 2 or 3, {(ratings_per_user >= 100).sum()} with 100+"
)
assert len(stars) / (n_users * n_films) < 0.1
assert 15 <= np.median(ratings_per_user) <= 35 and ratings_per_user.min() == 2
assert (ratings_per_user <= 3).sum() >= 30 and (ratings_per_user >= 100).sum() >= 3

# %% [markdown]
# Less than a tenth of the possible user-film pairs have a rating. The task is to fill in
# the rest of that mostly empty table, and we measure success on the held-out fifth with
# the **root mean squared error** (RMSE): the typical size of a prediction's error, in
# stars.
#
# ## The working result
#
# Here is the model. It keeps a table of 8 numbers per user and 8 per film. Its predicted
# rating is an overall average, plus the user's bias, plus the film's bias, plus the dot
# product of the user's and the film's 8 numbers. Training adjusts all those numbers by
# gradient descent, exactly like the digit network of the first lesson. One detail matters
# later: the weight-decay `penalty` (explained below) is computed over the training ratings,
# like the error, so it only charges the users and films that those ratings involve.


# %%
def to_tensor(array):
    return torch.tensor(array, device=DEVICE)


u_train, f_train, r_train = (to_tensor(a[train_idx]) for a in (users, films, stars))
u_valid, f_valid, r_valid = (to_tensor(a[valid_idx]) for a in (users, films, stars))


class DotProductBias(nn.Module):
    """rating = mean + user bias + film bias + user embedding · film embedding"""

    def __init__(self, n_users, n_films, dim=8, use_embeddings=True):
        super().__init__()
        self.user_emb = nn.Embedding(n_users, dim)
        self.film_emb = nn.Embedding(n_films, dim)
        self.user_bias = nn.Embedding(n_users, 1)
        self.film_bias = nn.Embedding(n_films, 1)
        self.mean = nn.Parameter(torch.tensor(3.0))
        self.use_embeddings = use_embeddings
        nn.init.normal_(self.user_emb.weight, std=0.1)
        nn.init.normal_(self.film_emb.weight, std=0.1)
        nn.init.zeros_(self.user_bias.weight)
        nn.init.zeros_(self.film_bias.weight)

    def forward(self, u, f):
        rating = self.mean + self.user_bias(u)[:, 0] + self.film_bias(f)[:, 0]
        if self.use_embeddings:
            rating = rating + (self.user_emb(u) * self.film_emb(f)).sum(dim=1)
        return rating

    def penalty(self, u, f):
        """Squared size of the parameters each rating touches (for weight decay)."""
        sizes = (
            self.user_emb(u).pow(2).sum(1)
            + self.film_emb(f).pow(2).sum(1)
            + self.user_bias(u)[:, 0] ** 2
            + self.film_bias(f)[:, 0] ** 2
        )
        return sizes.mean()


def rmse(prediction, target):
    return ((prediction - target) ** 2).mean().sqrt().item()


def train(model, weight_decay=0.1, epochs=150, lr=0.03):
    """Full-batch Adam on the training ratings; RMSE history on training and held-out data."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        prediction = model(u_train, f_train)
        mse = ((prediction - r_train) ** 2).mean()
        loss = mse + weight_decay * model.penalty(u_train, f_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            history.append((mse.sqrt().item(), rmse(model(u_valid, f_valid), r_valid)))
    return np.array(history)


torch.manual_seed(SEED)
model = DotProductBias(n_users, n_films).to(DEVICE)
history = train(model)
model_rmse = history[-1, 1]
print(f"held-out RMSE: {model_rmse:.3f} stars")
assert 0.45 < model_rmse < 0.8

# %% [markdown]
# The model's predictions on ratings it never saw are off by about 0.6 stars on average
# (in the root-mean-square sense). A recommender does not need more than that to be useful:
# for any user, score every film they have not rated and show the best. Let us do it for
# one user, and compare with what we secretly know about their taste.


# %%
def recommend(model, user, k=5):
    seen = films[users == user]
    candidates = np.setdiff1d(np.arange(n_films), seen)
    with torch.no_grad():
        scores = (
            model(torch.full((len(candidates),), user, device=DEVICE), to_tensor(candidates))
            .cpu()
            .numpy()
        )
    best = np.argsort(-scores)[:k]
    return candidates[best], scores[best]


user = int(np.argmax(ratings_per_user >= 40))  # someone with a decent history
true_affinity = genre_centres @ user_taste[user]  # how much they like each genre centre
print(f"user {user} rated {ratings_per_user[user]} films; hidden genre affinities:")
for name, value in zip(genre_names, true_affinity, strict=True):
    print(f"  {name:>12}: {value:+.2f}")
print("top recommendations:")
top_films, top_scores = recommend(model, user)
for film, score in zip(top_films, top_scores, strict=True):
    print(f"  film {film:3d} ({genre_names[genre[film]]}), predicted {score:.2f} stars")

# The same check for every user with 40 or more ratings: how many of their five
# recommendations come from the genre their hidden taste favours most?
favourite = np.argmax(user_taste @ genre_centres.T, axis=1)
regulars = np.flatnonzero(ratings_per_user >= 40)
on_taste = np.mean([(genre[recommend(model, u)[0]] == favourite[u]).mean() for u in regulars])
print(f"{len(regulars)} users with 40+ ratings: {on_taste:.0%} of their top five from their genre")
assert on_taste > 0.6  # (by chance it would be about a third)

# %% [markdown]
# The model has never been told the genres, yet its suggestions mostly come from the genre
# the user's hidden taste favours: for most users with a decent history, most or all of
# the top five (chance would give a third). It worked that out from ratings alone, by
# noticing which films tend to be liked by the same people. The exceptions are mostly users
# whose taste is mild, near the centre of the map, or who like two genres almost equally.
#
# ## Is 0.6 stars good? Two baselines
#
# As in every lesson, a number means little without a baseline. Two simple predictions
# come to mind:
#
# - the **global mean**: predict the average rating of the whole training set, for
#   everyone and everything;
# - the **film mean**: predict a film's average training rating, whoever asks (a
#   "most-liked films" list). Films with no training rating fall back to the global mean.

# %%
global_mean = stars[train_idx].mean()
sums = np.bincount(films[train_idx], weights=stars[train_idx], minlength=n_films)
counts = np.bincount(films[train_idx], minlength=n_films)
film_mean = np.where(counts > 0, sums / np.maximum(counts, 1), global_mean)

target = stars[valid_idx]
global_rmse = np.sqrt(((global_mean - target) ** 2).mean())
film_mean_rmse = np.sqrt(((film_mean[films[valid_idx]] - target) ** 2).mean())
print(f"global mean   RMSE {global_rmse:.3f}")
print(f"film mean     RMSE {film_mean_rmse:.3f}")
print(
    f"our model     RMSE {model_rmse:.3f}  "
    f"({1 - model_rmse / film_mean_rmse:.0%} lower than the film mean)"
)
assert film_mean_rmse < global_rmse < film_mean_rmse + 0.1  # only a little better
assert 0.75 < global_rmse < 1.2 and 0.7 < film_mean_rmse < 1.05
assert 0.2 < 1 - model_rmse / film_mean_rmse < 0.5

# %% [markdown]
# The film mean improves on the global mean only a little: knowing which films are good
# helps, but people disagree about films much more than films differ in overall quality.
# Our model cuts the error of the film mean by about a third, because it is the only
# one of the three that *personalises*: it predicts different ratings of the same film for
# different people.
#
# How much better could anyone do? We generated the data, so we know there is noise of
# 0.4 stars on every rating, plus the rounding to whole stars. We can even compute the
# floor: predict each held-out rating from the hidden tastes and biases themselves, without
# the noise.

# %%
noise_free = np.clip(
    3.3 + user_bias[users] + film_bias[films] + (user_taste[users] * film_taste[films]).sum(axis=1),
    1,
    5,
)
oracle_rmse = np.sqrt(((noise_free[valid_idx] - target) ** 2).mean())
gap_closed = (film_mean_rmse - model_rmse) / (film_mean_rmse - oracle_rmse)
print(f"a model that knew every hidden taste: RMSE {oracle_rmse:.3f}")
print(f"our model closes {gap_closed:.0%} of the gap between the film mean and that floor")
assert 0.3 < oracle_rmse < 0.75
assert gap_closed > 0.5

# %% [markdown]
# Even a model that knew every hidden taste perfectly would have an RMSE of roughly 0.5.
# Our model closes most of the gap between the film mean and that floor.
#
# ## Opening the box
#
# ### An embedding is a lookup table
#
# `nn.Embedding(600, 8)` is nothing more than a 600×8 matrix of parameters; calling it with
# user ids returns the corresponding rows. The name comes from the view that each user is
# *embedded* as a point in an 8-dimensional space. Looking up a row is the same as
# multiplying a one-hot vector (all zeros except a 1 at the user's position) by the matrix,
# which is why it fits into a network like any other layer and receives gradients like any
# other weight. The lookup is just much faster than the multiplication. A two-line check:

# %%
one_hot = torch.zeros(1, n_users, device=DEVICE)
one_hot[0, user] = 1.0
via_matmul = one_hot @ model.user_emb.weight
via_lookup = model.user_emb(torch.tensor([user], device=DEVICE))
print("lookup equals one-hot matrix product:", torch.allclose(via_matmul, via_lookup))
assert torch.allclose(via_matmul, via_lookup)

# %% [markdown]
# Quick check: how many trainable numbers does `nn.Embedding(600, 8)`, the table of user
# embeddings, hold?
#
# Answer: 4800
#
# Why: one row of 8 numbers for each of the 600 users, 600 × 8.

# %% [markdown]
# ### What do the embeddings and the biases each contribute?
#
# The model has two parts: the biases (a general rating level for each user and each film)
# and the dot product of embeddings (the personal match between a user and a film). We can
# switch off the embeddings and train the biases alone. That is a stronger baseline than
# the film mean (it also knows each user's generosity), and it tells us how much of the
# gain comes from personalisation.
#
# At the same time we look at **weight decay**, the `penalty` term added to the loss. It
# charges the model for large embedding and bias values, so it cannot give a user or a film
# an extreme value on the strength of two or three ratings. Without it, the model can
# memorise the training ratings. Plotting both errors during training shows what happens.

# %% alt="Training error (dotted) and held-out error (solid) in stars over 150 epochs for three models, with a dashed line for the film-mean baseline a little above 0.9: biases only ends just below the baseline with its two curves close together; embeddings without weight decay reach their best held-out error around epoch 40 and then climb while their training error keeps falling towards 0.3; embeddings with weight decay settle lowest, near 0.6"
torch.manual_seed(SEED)
biases_only = DotProductBias(n_users, n_films, use_embeddings=False).to(DEVICE)
history_biases = train(biases_only)
torch.manual_seed(SEED)
no_decay = DotProductBias(n_users, n_films).to(DEVICE)
history_no_decay = train(no_decay, weight_decay=0.0)

print(f"biases only              RMSE {history_biases[-1, 1]:.3f}")
print(
    f"embeddings, no decay     RMSE {history_no_decay[-1, 1]:.3f}  "
    f"(training RMSE {history_no_decay[-1, 0]:.3f})"
)
print(f"embeddings, decay 0.1    RMSE {model_rmse:.3f}  (training RMSE {history[-1, 0]:.3f})")
best_epoch = int(np.argmin(history_no_decay[:, 1]))
print(f"without decay the held-out error is lowest at epoch {best_epoch + 1} of {len(history)}")
assert film_mean_rmse - 0.15 < history_biases[-1, 1] < film_mean_rmse  # a little below
assert history_biases[-1, 1] - history_biases[-1, 0] < 0.2  # its two errors stay close
assert model_rmse < history_biases[-1, 1] - 0.15
assert 25 <= best_epoch + 1 <= 60  # its best held-out error comes after about 40 epochs
assert history_no_decay[-1, 1] > history_no_decay[best_epoch, 1] + 0.1
assert history_no_decay[-1, 0] < 0.35 and 0.6 < history_no_decay[-1, 1] < 1.1
assert 0.78 < history_biases[-1, 1] < 1.0
assert history_no_decay[-1, 0] < history_no_decay[best_epoch, 0] - 0.05  # training keeps falling
assert history_no_decay[-1, 1] > model_rmse + 0.1
assert history[19, 1] < history_no_decay[19, 1]  # with decay it is no slower at the start

fig, ax = plt.subplots(figsize=(7, 3.6))
for hist, label, colour in [
    (history, "embeddings + weight decay", "tab:blue"),
    (history_no_decay, "embeddings, no weight decay", "tab:red"),
    (history_biases, "biases only", "tab:green"),
]:
    ax.plot(hist[:, 0], color=colour, linestyle=":", linewidth=1)
    ax.plot(hist[:, 1], color=colour, label=label)
ax.axhline(film_mean_rmse, color="grey", linestyle="--", label="film-mean baseline")
ax.set_ylim(0.25, 1.1)
ax.set_xlabel("epoch")
ax.set_ylabel("RMSE (stars)")
ax.set_title("Held-out error (solid) and training error (dotted)", fontsize=10)
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# Three stories in one picture:
#
# - **Biases only** (green) ends a little below the film-mean baseline: knowing which users
#   are generous helps a bit. Its training and held-out errors stay close, because a model
#   this simple cannot memorise much.
# - **Embeddings without weight decay** (red) is the classic picture of *overfitting*. Its
#   training error keeps falling, while the held-out error reaches its best early and then
#   climbs: the model is fitting the noise in the training ratings, and users with only a
#   handful of ratings get embeddings tuned to exactly those ratings.
# - **Embeddings with weight decay** (blue) improves at least as fast in the first epochs
#   and settles at the lowest held-out error. The penalty is the difference between a model
#   that memorises and one that generalises.
#
# ### What did the model discover?
#
# The model was never given genres or taste maps, only user ids, film ids and stars. If its
# embeddings are meaningful, films of the same genre should lie close together in the
# 8-dimensional embedding space. We cannot plot 8 dimensions, so we project the film
# embeddings onto their two main directions (a principal component analysis, computed with
# a singular value decomposition) and colour each film by its secret genre. We also compare
# the learned film biases with the true ones.

# %% alt=["Film embeddings projected onto their two main directions, coloured by hidden genre: comedy, drama and documentary form three separate clusters, and the grey films with fewer than five ratings sit mostly nearer the centre, between the clusters", "Scatter of learned film bias against the true hidden film bias for films with at least five ratings: the points lie close to a rising line, correlation above 0.9"]
film_vectors = model.film_emb.weight.detach().cpu().numpy()
centred = film_vectors - film_vectors.mean(axis=0)
_, singular_values, directions = np.linalg.svd(centred, full_matrices=False)
projected = centred @ directions[:2].T
learned_bias = model.film_bias.weight.detach().cpu().numpy()[:, 0]
well_rated = counts >= 5  # films with enough ratings to have learned something
bias_corr = np.corrcoef(learned_bias[well_rated], film_bias[well_rated])[0, 1]

print("singular values of the film embeddings:", np.round(singular_values, 1))
print(f"correlation of learned and true film biases: {bias_corr:.2f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4.3))
for g, name in enumerate(genre_names):
    chosen = well_rated & (genre == g)
    axes[0].scatter(*projected[chosen].T, s=12, label=name, alpha=0.8)
axes[0].scatter(*projected[~well_rated].T, s=8, c="lightgrey", label="fewer than 5 ratings")
axes[0].set_title("Film embeddings, projected to 2-D, coloured by hidden genre", fontsize=10)
axes[0].legend(fontsize=8)
axes[1].scatter(film_bias[well_rated], learned_bias[well_rated], s=10)
axes[1].set_xlabel("true film bias (hidden)")
axes[1].set_ylabel("learned film bias")
axes[1].set_title(f"Film biases: correlation {bias_corr:.2f}", fontsize=10)
plt.tight_layout()
plt.show()

# Do the embeddings know the genres? Label each film like its nearest neighbours.
distances = ((centred[:, None, :] - centred[None, :, :]) ** 2).sum(axis=2)
np.fill_diagonal(distances, np.inf)
neighbours = np.argsort(distances, axis=1)[:, :5]
same_genre = (genre[neighbours] == genre[:, None]).mean(axis=1)  # share of the 5 neighbours
genre_acc, grey_acc = same_genre[well_rated].mean(), same_genre[~well_rated].mean()
radius = np.linalg.norm(projected, axis=1)  # distance from the centre of the map
radius_ratio = np.median(radius[~well_rated]) / np.median(radius[well_rated])
print(f"of a film's 5 nearest films in embedding space, {genre_acc:.0%} share its genre")
print(f"the same for the {(~well_rated).sum()} films with fewer than 5 ratings: {grey_acc:.0%}")
print(f"their median distance from the centre, relative to the other films: {radius_ratio:.2f}")
assert genre_acc > 0.85
assert 0.2 < radius_ratio  # a real position, if a cramped one
assert 0.85 < bias_corr < 0.97
assert singular_values[1] > 1.5 * singular_values[2]  # two dimensions dominate

# %% [markdown]
# The left panel is the payoff. Three clusters appear, one per genre, with no genre labels
# anywhere in the training data. Two of the singular values are much larger than the rest,
# which says the model's 8 dimensions mostly live in a 2-dimensional plane, just like the
# hidden taste map we generated (the other 6 dimensions hold small, mostly noisy values,
# kept in check by weight decay). The model recovered the *structure* of the world from
# behaviour alone. Rotations and reflections of the map are arbitrary, so do not expect
# "comedy" to appear at the top: only the relative positions carry meaning.
#
# The grey points are the films with fewer than five training ratings. Their positions
# rest on a handful of ratings each, and it shows: they tend to lie nearer the centre (the
# printed ratio of median distances was below one in every seed we tried, but it varies
# too much from seed to seed to assert), often between the clusters rather than in one,
# and fewer of their five nearest films tend to share their genre (the printed shares:
# more than nine in ten for the other films, usually less for the grey ones, which are so
# few that their share moves a lot from seed to seed). The right panel shows the same for
# quality: films the simulation made better get higher learned biases.
#
# This is what makes embeddings useful beyond prediction. A film's embedding can find
# similar films ("people who liked this also liked"), cluster a catalogue, or feed another
# model as a compact description of the film.
#
# ## The cold-start problem
#
# The embeddings are learned from ratings, so a user or a film without ratings has no
# embedding worth the name. Our split holds five such users on purpose, the ones who
# "joined after training" (and now and then the random split adds one more whose few
# ratings all landed in the held-out part): training never saw them. What happens to
# their parameters? Both the error and the weight-decay penalty are computed over the
# training ratings only, so for these users every gradient is exactly zero. Adam then leaves
# their rows alone, and weight decay does not shrink them either, because it only charges
# parameters that some training rating uses. A new user's embedding is therefore exactly its
# random starting point, and its bias is still zero. Let us check, by re-creating the
# starting parameters with the same seed.

# %%
train_count = np.bincount(users[train_idx], minlength=n_users)
new_users = np.flatnonzero(train_count == 0)
torch.manual_seed(SEED)  # the seed used before training `model`: the same starting parameters
untrained = DotProductBias(n_users, n_films).to(DEVICE)
new_ids = torch.tensor(new_users, device=DEVICE)
unchanged = torch.equal(model.user_emb(new_ids), untrained.user_emb(new_ids))
print(f"users with no training ratings: {new_users.tolist()}")
print("their embeddings are exactly the random starting values:", unchanged)
print("their biases:", model.user_bias(new_ids)[:, 0].tolist())

user_norm = model.user_emb.weight.detach().norm(dim=1).cpu().numpy()
with torch.no_grad():
    # The personal part of every prediction for the new users: the dot product alone.
    personal = model.user_emb(new_ids) @ model.film_emb.weight.T
print(
    f"median embedding length: new users {np.median(user_norm[new_users]):.2f}, "
    f"users with 41+ training ratings {np.median(user_norm[train_count >= 41]):.2f}"
)
print(f"typical size of their personal term: {personal.abs().mean().item():.2f} stars")
assert set(late_users) <= set(new_users) and unchanged
assert (model.user_bias(new_ids) == 0).all()
assert np.median(user_norm[new_users]) < 0.5 * np.median(user_norm[train_count >= 41])
assert 0.01 < personal.abs().mean().item() < 0.2

# %% [markdown]
# Quick check: which parameters does the weight-decay penalty charge in a training step?
#
# - [ ] every user and film embedding, whether rated or not
# - [x] only the embeddings and biases of users and films that appear in the training
#   ratings
# - [ ] only the films' parameters, never the users'
#
# Why: `penalty(u_train, f_train)` looks up exactly the rows that the training ratings
# use, like the error does, so a row that no training rating uses gets no gradient from
# either. Decay applied to every parameter at every step (the `weight_decay` option of
# `torch.optim.AdamW`, for instance) would instead shrink unused rows towards zero.
#
# The new users' embeddings are short random vectors, so the personal term of their
# predictions is typically about a tenth of a star, and their predicted rating is
# essentially the mean plus the film's learned bias: a film-mean baseline with a little
# random noise added. The same holds, less severely, for users with only a handful of
# ratings. We can measure this by splitting the held-out ratings by how many training
# ratings their user has.

# %% alt="Bar chart of held-out RMSE for four groups of users by number of training ratings, 1-5, 6-15, 16-40 and 41+, film-mean baseline in grey next to the embedding model in blue: the model is better in every group, but its advantage is smallest for users with 1 to 5 ratings, where its error is highest, and largest for users with 16 or more"
valid_users = users[valid_idx]
with torch.no_grad():
    model_pred = model(u_valid, f_valid).cpu().numpy()
baseline_pred = film_mean[films[valid_idx]]

groups = [(1, 5), (6, 15), (16, 40), (41, 10_000)]
labels, model_err, baseline_err = [], [], []
for low, high in groups:
    mask = (train_count[valid_users] >= low) & (train_count[valid_users] <= high)
    labels.append(f"{low}-{high}" if high < 10_000 else f"{low}+")
    model_err.append(np.sqrt(((model_pred[mask] - target[mask]) ** 2).mean()))
    baseline_err.append(np.sqrt(((baseline_pred[mask] - target[mask]) ** 2).mean()))
    print(
        f"users with {labels[-1]:>6} training ratings: {mask.sum():4d} held-out ratings, "
        f"model {model_err[-1]:.3f}, film mean {baseline_err[-1]:.3f}"
    )

x = np.arange(len(groups))
plt.figure(figsize=(7, 3.4))
plt.bar(x - 0.2, baseline_err, width=0.4, label="film-mean baseline", color="grey")
plt.bar(x + 0.2, model_err, width=0.4, label="embedding model", color="tab:blue")
plt.xticks(x, labels)
plt.xlabel("number of training ratings of the user")
plt.ylabel("held-out RMSE (stars)")
plt.title("The less we know about a user, the smaller the model's advantage", fontsize=10)
plt.ylim(0, 1.25)
plt.legend(fontsize=8, loc="upper center", ncol=2)
plt.tight_layout()
plt.show()
gain = 1 - np.array(model_err) / np.array(baseline_err)  # fraction of baseline error removed
print("error removed relative to the film mean:", [f"{g:.0%}" for g in gain])
assert all(m < b for m, b in zip(model_err, baseline_err, strict=True))
assert model_err[0] > model_err[-1]  # a higher error for the least-known users
assert 0.25 < gain[2] < 0.55 and 0.25 < gain[3] < 0.55  # over a third with dozens of ratings
assert 0 < gain[0] < gain[3]  # less than that with five or fewer

# %% [markdown]
# For users with dozens of ratings, the model removes about a third or more of the film
# mean's error. For users with five or fewer training ratings, it has to place them on the
# taste map from a few numbers, its own error is higher, and its advantage is smaller. For
# the users with no training ratings at all, as we saw, there is nothing left to
# personalise: the model can only fall back on the films' biases.
#
# What do real systems do about it? Some common answers, each with its own trade-offs:
#
# - **Ask.** Many services ask new users to rate or pick a few items during sign-up. A few
#   well-chosen items (ones that divide opinion, not ones everybody likes) place a user on
#   the taste map quickly.
# - **Fall back to a baseline.** Show popular, well-rated items until enough ratings arrive.
#   That is exactly the film-mean baseline, which is why it is worth building well.
# - **Use side information.** A new film has a genre, a director, a description; a new user
#   may have a country or a device. A model can map those features to a starting embedding.
#   Be careful what you use: features such as age or gender can make recommendations
#   stereotyped or discriminatory, and the data ethics page of this stage discusses why.
# - **Explore.** Show some items *because* the model is unsure about them, to learn more.
#   This is a trade-off between showing what is probably good now and learning what is good
#   later, the same exploration dilemma that reinforcement learning studies in stage 5.
#
# There is also a subtler problem here. In our simulation, which films a user rated was
# random apart from popularity. In a real service, users mostly rate what the recommender
# showed them. A model trained on those ratings learns more about the items it already
# recommends, recommends them more, and so on: a **feedback loop** that can narrow what
# people see and make popular items ever more popular. Holding out random test data, as we
# did, cannot reveal it, because the bias is in what gets collected.
#
# ## What we did
#
# - We simulated ratings from hidden tastes, so we could check not only the accuracy of
#   the model but what it learned.
# - We trained a dot-product model with biases, used it to recommend films, and measured it
#   against the global mean and the film mean: it cut the film mean's RMSE by about a
#   third.
# - We saw that an embedding is a lookup table trained by gradient descent, that the
#   biases alone barely beat the film mean, and that weight decay is what stops the
#   embeddings from memorising the training ratings.
# - We found the hidden genres and film qualities in the learned parameters, without ever
#   giving them to the model.
# - We measured the cold-start problem and discussed how real systems work around it, and
#   the feedback loops that recommendations create.
#
# ## Questions
#
# 1. Why is the film mean only slightly better than the global mean here, while the
#    embedding model is much better than both?
#
#    Answer: Films differ less in overall quality than people differ in taste, so knowing
#    a film's average rating helps only a little (RMSE from about 1.0 to about 0.93).
#    Neither baseline personalises; the embedding model predicts different ratings of the
#    same film for different users, which is where most of the variation lies, and cuts
#    the film mean's error by about a third (to about 0.6).
#
# 2. What is stored in `nn.Embedding(600, 8)`, and why is looking up a row equivalent to
#    multiplying a one-hot vector by a matrix?
#
#    Answer: A 600 × 8 matrix of trainable numbers, one row per user. A one-hot vector has
#    a single 1 at the user's position, so multiplying it by the matrix adds up zero times
#    every row except that user's row, which it returns unchanged; the code checked this.
#    The lookup gives the same result without the multiplications, and receives gradients
#    in the same way.
#
# 3. What would the model predict for a user who has no ratings at all? Which baseline does
#    that prediction resemble?
#
#    Answer: The overall mean plus the film's learned bias, plus a small random dot
#    product: training never touches the user's parameters, so the embedding keeps its
#    random starting values (the personal term averaged about a tenth of a star for our
#    late-joining users) and the bias stays at zero. That is essentially the film-mean
#    baseline, with a little noise.
#
# 4. In the training curves, why does the held-out error of the model without weight decay
#    rise while its training error keeps falling? Which users are most affected?
#
#    Answer: Without a penalty the embeddings can grow as large as they like, so after
#    about 40 epochs the model starts fitting the noise in individual training ratings:
#    training error keeps falling towards 0.3 while held-out error climbs back to 0.8 or
#    more. Users (and films) with only a handful of ratings are hit hardest, because a few
#    numbers can be fitted exactly by their own embedding, which then says little about
#    their other ratings.
#
# 5. Why did the biases-only model need embeddings to do much better? What can a dot
#    product of embeddings express that two biases cannot?
#
#    Answer: Biases add a level per user and per film, so every user ranks the films in
#    the same order; they cannot express that one person prefers comedies and another
#    documentaries. The dot product is large when a user's and a film's vectors point the
#    same way and negative when they point apart, so it captures interactions between
#    taste and film: held-out RMSE fell from about 0.9 with biases only to about 0.6.
#
# 6. The film embeddings form three clusters even though no genres were given. Where did
#    the information about genres come from?
#
#    Answer: From who rated what, and how highly. Films of the same genre tend to be liked
#    by the same users and disliked by the same users, so fitting the ratings pushes their
#    embeddings in similar directions. The genre was hidden in the ratings' pattern of
#    agreement, and the model recovered it because it helps predict ratings.
#
# 7. Why is it impossible to say which learned dimension means "comedy"? What stays the
#    same under a rotation of all user and film embeddings?
#
#    Hint: write the prediction's dot product $u \cdot f$ for rotated vectors $Ru$ and
#    $Rf$.
#
#    Answer: Rotating every user and film vector by the same rotation $R$ leaves every dot
#    product unchanged, $(Ru) \cdot (Rf) = u \cdot f$, so all predictions and the loss are
#    the same; training has no reason to prefer one orientation, and the axes carry no
#    fixed meaning. What stays the same are the dot products, hence the lengths of the
#    vectors and the angles and distances between them, which is why clusters and
#    neighbours are meaningful.
#
# 8. Why can a held-out test set drawn from the collected ratings not reveal a feedback
#    loop between a recommender and the data it is trained on?
#
#    Answer: The held-out ratings were collected in the same way as the training ratings,
#    so they share the same bias: if users mostly rate what the recommender showed them,
#    both sets over-represent those items, and the model looks good on exactly the items
#    it already pushes. The films it never shows are missing from both sets, so no random
#    split can measure what it gets wrong about them; that needs experiments such as
#    showing some items at random.
#
# ## Further research
#
# - Change the embedding size (1, 2, 4, 32) and the weight decay (0.01 to 1). Plot the
#   held-out RMSE against each. Does the best embedding size match the 2 dimensions the
#   simulation used? Look at the singular values in each case.
# - Implement one cold-start remedy: give a new user a short "onboarding" of five films to
#   rate, chosen by you, then fit only that user's embedding and bias with the film
#   embeddings frozen. How much do five well-chosen films help compared with five popular
#   ones?
# - Replace the dot product with a small neural network that takes the concatenated user
#   and film embeddings and outputs a rating. Is it better than the dot product on this
#   data? Why might it be, or not be, given how the ratings were generated?
# - Simulate a feedback loop: for several rounds, let each user rate only the films the
#   current model ranks highest for them, retrain, and track how many different films get
#   rated at all. What happens to the less popular films?
