# ---
# title: "Policy gradients: REINFORCE balances a pole"
# summary: A small policy network learns CartPole from its own episodes with REINFORCE and a value baseline, going from the random policy's 22 steps to hundreds, often the 500-step limit, and a one-change-at-a-time comparison over five seeds shows which part of the baseline does the work.
# stage: 5
# kind: lesson
# minutes: 50
# device: auto
# resources: [openai-spinning-up, karpathy-pong-from-pixels, sutton-barto-rl-book, weng-long-peek-into-rl, simonini-deep-rl-course, gymnasium]
# prerequisites: [stage-5/19-tabular-q-learning]
# aliases: [stage-5/14-reinforce-cartpole]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Policy gradients: REINFORCE balances a pole
#
# In the gridworld the agent learned a *value* for every square and action, and acted by
# picking the best one. That needed a table with a row per state. CartPole, the classic
# control task we use here, has no squares: its state is four real numbers (cart position,
# cart velocity, pole angle, pole angular velocity). So this time we skip values as the
# main object and learn the **policy** directly: a small neural network that reads the
# state and outputs the probability of pushing the cart left or right. Training nudges
# those probabilities so that actions followed by long, successful episodes become more
# likely. That is **REINFORCE**, the simplest policy-gradient method, and with a few
# refinements it is the ancestor of the methods used to train game-playing agents and
# to fine-tune language models from feedback.
#
# We start, as always, with the finished result: the whole algorithm in one cell, trained,
# plotted, and compared with a random policy. Then we open it up: the environment, the
# policy, the returns, the gradient, and the baseline, which we take apart one change at a
# time to see what it was doing.
#
# **Runtime:** under a minute on a laptop CPU, nearly all of it training: one run of 400
# episodes and fourteen short runs for the baseline comparison.
#
# A note on hardware. The networks here have a few hundred weights and see one state at a
# time while acting, so the cost is dominated by Python and by launching tiny operations,
# not by arithmetic. Such small reinforcement-learning models are usually *faster on a CPU*
# than on a GPU, where each step would also pay for a round trip to the device. The code
# still honours `DEVICE`, so it runs unchanged on a GPU machine; just do not expect a
# speed-up. For the same reason we ask PyTorch to use a single thread: splitting a 64-unit
# layer across cores costs more in coordination than it saves.

# %%
import os
import time

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
torch.set_num_threads(1)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("device:", DEVICE, "| gymnasium", gym.__version__, "| torch", torch.__version__)

# %% [markdown]
# ## The whole algorithm in one cell
#
# Read it once from top to bottom without worrying about every line; each part gets its
# own section below. In outline:
#
# 1. play a few episodes with the current policy, *sampling* each action from its
#    probabilities, and record states, actions and rewards;
# 2. for every step, compute the discounted **return-to-go**: the rewards collected from
#    that step to the end of its episode;
# 3. subtract a learned **baseline**, the value network's guess of that return, to get the
#    **advantage**: how much better than expected things went after this action;
# 4. make actions with positive advantage more likely and those with negative advantage
#    less likely, by gradient ascent on `log_prob(action) * advantage`;
# 5. fit the value network to the returns, and repeat.


# %%
def make_net(n_out, hidden=64):
    return nn.Sequential(nn.Linear(4, hidden), nn.Tanh(), nn.Linear(hidden, n_out)).to(DEVICE)


def returns_to_go(rewards, gamma):
    out = np.zeros(len(rewards), dtype=np.float32)
    running = 0.0
    for t in reversed(range(len(rewards))):
        running = rewards[t] + gamma * running
        out[t] = running
    return out


def reinforce(
    episodes=400, episodes_per_update=4, baseline="value", gamma=0.99, lr=5e-3, seed=SEED
):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    env = gym.make("CartPole-v1")
    env.action_space.seed(seed)
    policy, value = make_net(2), make_net(1)
    policy_opt = torch.optim.Adam(policy.parameters(), lr=lr)
    value_opt = torch.optim.Adam(value.parameters(), lr=lr)

    episode_returns, batch = [], {"states": [], "actions": [], "returns": []}
    obs, _ = env.reset(seed=seed)
    for episode in range(episodes):
        if episode > 0:
            obs, _ = env.reset()
        states, actions, rewards, done = [], [], [], False
        while not done:  # 1. play an episode
            with torch.no_grad():
                logits = policy(torch.as_tensor(obs, device=DEVICE))
                p_right = torch.softmax(logits, dim=-1)[1].item()
            action = int(rng.random() < p_right)  #    sample, don't argmax
            states.append(obs)
            actions.append(action)
            obs, reward, terminated, truncated, _ = env.step(action)
            rewards.append(reward)
            done = terminated or truncated
        episode_returns.append(sum(rewards))
        batch["states"].append(np.array(states, dtype=np.float32))
        batch["actions"].append(np.array(actions))
        batch["returns"].append(returns_to_go(rewards, gamma))  # 2. returns-to-go

        if (episode + 1) % episodes_per_update == 0:
            s, a, g = (
                torch.as_tensor(np.concatenate(batch[k]), device=DEVICE)
                for k in ("states", "actions", "returns")
            )
            v = value(s).squeeze(-1)
            advantage = g - v.detach() if baseline == "value" else g  # 3. advantage
            if baseline != "none":
                advantage = advantage - advantage.mean()  #    centred on the batch,
            advantage = advantage / (advantage.std() + 1e-8)  #    and scaled
            value_loss = ((v - g) ** 2).mean()  # 5. fit the value network
            value_opt.zero_grad()
            value_loss.backward()
            value_opt.step()
            log_probs = torch.log_softmax(policy(s), dim=-1)
            log_prob_taken = log_probs.gather(1, a.unsqueeze(1)).squeeze(1)
            policy_loss = -(log_prob_taken * advantage).mean()  # 4. policy gradient step
            policy_opt.zero_grad()
            policy_loss.backward()
            policy_opt.step()
            batch = {k: [] for k in batch}
    env.close()
    return policy, value, np.array(episode_returns)


start = time.perf_counter()
policy, value, train_returns = reinforce()
train_seconds = time.perf_counter() - start
print(
    f"{len(train_returns)} episodes, {int(train_returns.sum())} environment steps, {train_seconds:.1f} s"
)
print(f"mean return of the last 20 training episodes: {train_returns[-20:].mean():.1f}")
assert 30_000 < train_returns.sum() < 170_000, "roughly 100,000 environment steps"

# %% [markdown]
# Now the two scores that matter: the trained policy and a policy that pushes left or right
# at random, on fresh episodes whose seeds were never used in training: 20 for the trained
# policy, 200 for the random one, which costs almost nothing to run (with only 20, its mean
# would wobble by a few steps from seed to seed). We score the trained policy twice:
# sampling actions as in training, and *greedily*, always taking the more likely action.


# %%
def run_policy(choose_action, episodes=20, seed=10_000 + 100 * SEED):
    env = gym.make("CartPole-v1")
    env.action_space.seed(seed)
    totals = []
    for i in range(episodes):
        obs, _ = env.reset(seed=seed + i)
        total, done = 0.0, False
        while not done:
            obs, reward, terminated, truncated, _ = env.step(choose_action(obs, env))
            total += reward
            done = terminated or truncated
        totals.append(total)
    env.close()
    return np.array(totals)


def p_right_of(net, obs):
    with torch.no_grad():
        return torch.softmax(net(torch.as_tensor(obs, device=DEVICE)), dim=-1)[1].item()


eval_rng = np.random.default_rng(SEED + 1)
random_scores = run_policy(lambda obs, env: int(env.action_space.sample()), episodes=200)
sampled_scores = run_policy(lambda obs, env: int(eval_rng.random() < p_right_of(policy, obs)))
greedy_scores = run_policy(lambda obs, env: int(p_right_of(policy, obs) > 0.5))

print(f"random policy          : {random_scores.mean():6.1f} ± {random_scores.std():5.1f}")
print(f"REINFORCE, sampled     : {sampled_scores.mean():6.1f} ± {sampled_scores.std():5.1f}")
print(f"REINFORCE, greedy      : {greedy_scores.mean():6.1f} ± {greedy_scores.std():5.1f}")
print(f"greedy beats random by : {greedy_scores.mean() / random_scores.mean():.0f}x")
print(f"greedy test episodes that reach the 500-step limit: {(greedy_scores == 500).sum()} of 20")
assert 15 < random_scores.mean() < 29, "a random policy lasts about 22 steps"
assert greedy_scores.mean() / random_scores.mean() > 10, "more than ten times longer"

# %% alt="Return of each of the 400 training episodes with its 20-episode average: near the random policy's level of about 22 steps at first, then climbing with large swings, single episodes reaching the 500-step limit in the second half of training and the average ending high, with dips along the way"
fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(train_returns, alpha=0.35, label="episode return")
ax.plot(
    np.arange(19, len(train_returns)),
    np.convolve(train_returns, np.ones(20) / 20, "valid"),
    label="20-episode average",
)
ax.axhline(random_scores.mean(), color="tab:red", ls="--", label="random policy")
ax.axhline(500, color="gray", ls=":", label="time limit (500)")
ax.set_xlabel("training episode")
ax.set_ylabel("return (steps balanced)")
ax.set_title("REINFORCE with a value baseline on CartPole-v1")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# A random policy keeps the pole up for about 22 steps. After 400 training episodes, roughly
# 100,000 environment steps (fewer on seeds where the agent learns late: every step balanced
# is a step simulated) and some seconds of CPU time, the greedy policy balances more than
# ten times as long, often up to the limit of 500 steps, where Gymnasium truncates the
# episode (how often is printed above; it changes from seed to seed). The sampled policy
# usually scores a little lower, because now and then it draws the less likely action at a
# bad moment. The curve is not a smooth staircase; policy gradients are noisy, and dips
# after reaching the top are normal. Where that noise comes from, and what the baseline does
# about it, is the rest of the lesson.
#
# ## Opening up the environment
#
# Gymnasium environments share one interface, the same one our gridworld imitated:
# `reset(seed=...)` starts an episode and returns the first observation, and `step(action)`
# returns `(observation, reward, terminated, truncated, info)`. CartPole pays **+1 for every
# step** the pole stays up. The episode *terminates* when the pole leans more than about 12
# degrees or the cart leaves the track, and is *truncated* after 500 steps. So the return
# is simply the number of steps survived, and 500 is the best possible score.
#
# Seeding matters twice: `env.reset(seed=...)` fixes the random starting state (and
# subsequent resets continue from that generator), and `env.action_space.seed(...)` fixes
# what `action_space.sample()` returns, which the random baseline relies on.

# %%
env = gym.make("CartPole-v1")
env.action_space.seed(SEED)
obs, info = env.reset(seed=SEED)
print("observation space:", env.observation_space)
print("action space     :", env.action_space, "(0 = push left, 1 = push right)")
print("first observation:", np.round(obs, 3), " (x, x_dot, theta, theta_dot)")
obs, reward, terminated, truncated, info = env.step(1)
print(f"after one push right: {np.round(obs, 3)}, reward {reward}, terminated {terminated}")
env.close()

# %% [markdown]
# ## Opening up the policy
#
# The policy network maps the four numbers to two scores (logits); a softmax turns them
# into probabilities of *left* and *right*. During training we **sample** the action from
# these probabilities rather than taking the larger one. Sampling is how a policy-gradient
# agent explores: an action that is currently thought slightly worse is still tried now and
# then, and if it turns out well its probability goes up. A freshly initialised network
# gives nearly 50/50 everywhere, which is why the first episodes look like the random
# baseline.
#
# What did training turn this into? The policy is a function of four numbers; we can look
# at a slice of it, with the cart centred and at rest, as a function of the pole's angle
# and angular velocity.

# %% alt="Heat map of the learned probability of pushing right over pole angle (across) and angular velocity (up), cart centred and at rest: red, push right, above a sharp, tilted boundary and blue, push left, below it; the boundary lies near zero angular velocity and shifts with the angle, so the direction of the swing decides almost everywhere"
angles = np.linspace(-0.21, 0.21, 61)
spins = np.linspace(-2.0, 2.0, 61)
grid = np.array([[0.0, 0.0, a, w] for w in spins for a in angles], dtype=np.float32)
with torch.no_grad():
    p_right_map = torch.softmax(policy(torch.as_tensor(grid, device=DEVICE)), dim=-1)[:, 1]
p_right_map = p_right_map.cpu().numpy().reshape(len(spins), len(angles))

fig, ax = plt.subplots(figsize=(6, 4.5))
im = ax.imshow(
    p_right_map,
    origin="lower",
    aspect="auto",
    cmap="coolwarm",
    vmin=0,
    vmax=1,
    extent=[angles[0], angles[-1], spins[0], spins[-1]],
)
ax.set_xlabel("pole angle (rad, positive = leaning right)")
ax.set_ylabel("pole angular velocity (rad/s)")
ax.set_title("Learned P(push right), cart centred and at rest")
fig.colorbar(im, ax=ax)
plt.show()

leaning_right_and_falling = p_right_of(policy, np.array([0, 0, 0.1, 1.0], dtype=np.float32))
leaning_left_and_falling = p_right_of(policy, np.array([0, 0, -0.1, -1.0], dtype=np.float32))
leaning_left_swinging_right = p_right_of(policy, np.array([0, 0, -0.1, 1.0], dtype=np.float32))
print(f"P(right) when the pole falls right: {leaning_right_and_falling:.2f}")
print(f"P(right) when the pole falls left : {leaning_left_and_falling:.2f}")
print(f"P(right) when it leans left but swings right: {leaning_left_swinging_right:.2f}")
assert leaning_right_and_falling > 0.9 and leaning_left_and_falling < 0.1
assert leaning_left_swinging_right > 0.5, "the swing overrides the lean"

# %% [markdown]
# The network rediscovered the rule you would use to balance a broom on your hand: push
# the cart *towards* the side the pole is falling to, so the base moves back under it. The
# boundary is tilted: the angle matters, but so does the angular velocity, because it says
# where the pole will be a moment from now, and within the range plotted it can override the
# angle. A pole leaning left by 0.1 rad but already swinging right at 1 rad/s gets a push to
# the right.
#
# ## Opening up the returns
#
# An action deserves credit for what happens *after* it, not before. So the weight of each
# action is its **return-to-go**, $G_t = r_t + \gamma r_{t+1} + \gamma^2 r_{t+2} + \dots$,
# computed backwards in one pass. The discount $\gamma = 0.99$ makes rewards far in the
# future count less, which also lowers the variance of $G_t$; with $\gamma$ close to 1 the
# agent still cares about a horizon of roughly $1 / (1 - \gamma) = 100$ steps.

# %%
print("rewards     :", [1.0] * 5)
print("gamma = 1   :", returns_to_go([1.0] * 5, 1.0))
print("gamma = 0.9 :", np.round(returns_to_go([1.0] * 5, 0.9), 3))
assert np.allclose(returns_to_go([1.0] * 5, 1.0), [5, 4, 3, 2, 1])

# %% [markdown]
# In CartPole every reward is 1, so early steps of a long episode have large returns-to-go,
# and the last steps before the pole falls have small ones: the actions just before a fall
# get the least credit, which is exactly right.
#
# Quick check: an episode pays rewards 1, 1, 1 and ends. With $\gamma = 0.5$, what is the
# return-to-go of its first step?
#
# Answer: 1.75 ± 0.001
#
# Why: $1 + 0.5 \times 1 + 0.5^2 \times 1 = 1.75$; the second step's is 1.5, the last one's 1.
#
# ## Opening up the gradient
#
# We want to change the weights $\theta$ to increase the expected return
# $J(\theta) = \mathbb{E}[G]$. The difficulty is that the return depends on the weights only
# through which actions get *sampled*, and sampling has no derivative. The
# **log-derivative trick** gets around it:
#
# $$\nabla_\theta J = \mathbb{E}\Big[\sum_t \nabla_\theta \log \pi_\theta(a_t \mid s_t)\, G_t\Big].$$
#
# Every term is something we can compute from a recorded episode. In code we build a
# *surrogate loss*, `-(log_prob_taken * advantage).mean()`, whose gradient is exactly this
# estimate (with a minus sign because optimisers minimise). The surrogate's value means
# nothing by itself, so do not read it like a supervised loss; only its gradient matters.
#
# Quick check: in a training log the surrogate loss rises from one update to the next.
# What does that tell you about the policy?
#
# - [ ] it is getting worse
# - [ ] the learning rate is too high
# - [x] nothing on its own: the loss is computed on a new batch with new weights each time
#
# Why: every update samples fresh episodes and standardises their weights, so successive
# losses measure different things. Watch the episode returns instead.
#
# The effect of one step is easy to see on a single state: with a positive weight the
# taken action becomes more likely, with a negative weight less likely.

# %%
for weight in (+1.0, -1.0):
    torch.manual_seed(SEED)
    net = make_net(2)
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    state = torch.tensor([0.0, 0.0, 0.05, 0.0], device=DEVICE)
    before = torch.softmax(net(state), dim=-1)[1].item()
    loss = -torch.log_softmax(net(state), dim=-1)[1] * weight  # action taken: right
    opt.zero_grad()
    loss.backward()
    opt.step()
    after = torch.softmax(net(state), dim=-1)[1].item()
    print(f"weight {weight:+.0f}: P(right) {before:.3f} -> {after:.3f}")
    assert (after > before) == (weight > 0)

# %% [markdown]
# ## Opening up the baseline
#
# Here is the catch. In CartPole all returns are positive, so the plain estimator pushes up
# the probability of *every* action taken, just some more than others. Whether an action
# was good can only be read from the *differences* between those pushes, and these are
# buried in noise from the random episodes. Subtracting a **baseline** $b(s_t)$ from the
# return fixes this: if the return was better than usual for this state the action is
# reinforced, if worse it is discouraged.
#
# Subtracting anything that does not depend on the action leaves the gradient unbiased,
# because on average $\nabla_\theta \log \pi_\theta(a \mid s)$ is zero: probabilities sum to
# one, so raising some must lower others. We can check that numerically: sample many actions
# in one state and average their score vectors.

# %%
state = torch.tensor([0.0, 0.3, 0.05, -0.2], device=DEVICE)
probs = torch.softmax(policy(state), dim=-1).detach()
sampled_actions = torch.multinomial(
    probs, 20_000, replacement=True, generator=torch.Generator(device=DEVICE).manual_seed(SEED)
)
scores = []  # the score vector of each action, flattened
for a in (0, 1):
    policy.zero_grad()
    torch.log_softmax(policy(state), dim=-1)[a].backward()
    scores.append(torch.cat([p.grad.flatten() for p in policy.parameters()]))
policy.zero_grad()
frequencies = torch.stack([(sampled_actions == a).float().mean() for a in (0, 1)])
mean_score = frequencies[0] * scores[0] + frequencies[1] * scores[1]
print(f"P(right) in this state: {probs[1]:.3f}")
print(f"size of one score vector: left {scores[0].norm():.3f}, right {scores[1].norm():.3f}")
print(f"size of their average over 20,000 sampled actions: {mean_score.norm():.4f}")
assert mean_score.norm() < 0.05 * min(scores[0].norm(), scores[1].norm())

# %% [markdown]
# Each score vector on its own is sizeable, yet their average is close to zero (not exactly
# zero only because 20,000 samples are finite), so subtracting a constant or any function
# of the state from the weights changes the gradient's noise, not its direction on average.
#
# Quick check: which of these, subtracted from the return-to-go, could bias the gradient?
#
# - [ ] a constant, such as the mean return of the batch
# - [ ] the value network's $V(s_t)$
# - [x] a number that depends on the action taken at step $t$
#
# Why: the argument above averages the score over the actions with the baseline held
# fixed. If the baseline changes with the action, it no longer factors out of that average.
#
# The usual choice of baseline is the expected return from the state, $V(s)$, which is what
# the value network learns by regression on the observed returns-to-go. The difference
# $G_t - V(s_t)$ is the advantage. Our algorithm then also centres and scales the advantages
# within each batch, so that the step size does not depend on how long the episodes
# currently are.
#
# That is two ways of subtracting something: the learned $V(s)$, and the batch mean. To see
# which does the work, we compare three variants, each differing from the next in one thing
# only:
#
# * `"none"`: the weights are the raw returns-to-go, only divided by their standard
#   deviation, so they stay positive;
# * `"mean"`: the same, after subtracting the batch mean of the returns-to-go, the crudest
#   baseline there is, one number for every state;
# * `"value"`: the lesson's algorithm, which subtracts the value network's $V(s_t)$ before
#   centring and scaling.
#
# The value network is trained in all three (the first two simply ignore it), so the only
# difference is the weights. One seed can tell almost any story in reinforcement learning,
# so each variant runs on five seeds, for 200 episodes each, and we report every seed, the
# mean, and its standard error (the standard deviation over seeds divided by the square
# root of their number: how far the mean itself would move with five other seeds). For the
# first seed of `"value"` we reuse the first 200 episodes of the run above: nothing in
# `reinforce` depends on the total number of episodes, so those are exactly the episodes a
# 200-episode run would have produced.

# %%
COMPARE, SEEDS = 200, [SEED + 1_000 * i for i in range(5)]  # the first is the run above
start = time.perf_counter()
curves = {"none": [], "mean": [], "value": []}
for variant, runs in curves.items():
    for seed in SEEDS:
        if variant == "value" and seed == SEED:
            runs.append(train_returns[:COMPARE])
        else:
            runs.append(reinforce(episodes=COMPARE, baseline=variant, seed=seed)[2])
curves = {variant: np.array(runs) for variant, runs in curves.items()}  # (seed, episode)
print(
    f"{sum(len(r) for r in curves.values()) - 1} short runs in {time.perf_counter() - start:.1f} s"
)


def standard_error(x):
    return np.std(x, ddof=1) / np.sqrt(len(x))


per_seed = {variant: runs.mean(axis=1) for variant, runs in curves.items()}
print("mean return over the first 200 episodes, by seed:")
for variant, scores in per_seed.items():
    print(
        f"  {variant:5s}: {np.round(scores, 1)}  mean {scores.mean():6.1f} "
        f"± {standard_error(scores):4.1f}"
    )
# both centred variants against the raw weights: ten runs against five
centred = np.concatenate([per_seed["mean"], per_seed["value"]])
centring_gain = centred.mean() - per_seed["none"].mean()
centring_se = np.hypot(standard_error(centred), standard_error(per_seed["none"]))
value_gain = per_seed["value"] - per_seed["mean"]  # same seed, one change
print(
    f"centring (either baseline) : {centring_gain:+.1f} ± {centring_se:.1f} steps per episode, "
    f"{centring_gain / centring_se:.1f} standard errors from zero"
)
print(
    f"V(s) instead of the mean   : {value_gain.mean():+.1f} ± {standard_error(value_gain):.1f} "
    f"steps per episode, from {value_gain.min():+.1f} to {value_gain.max():+.1f} across seeds"
)
print(
    f"V(s) moves the average by {abs(value_gain.mean()) / centred.mean():.0%} "
    f"of what the centred runs reach"
)
# No assert on the sign of the centring gain: over the sweep it sat only about two of its
# spreads above zero (see the prose below), too close to be a claim that holds for every
# reader's seed.
assert abs(value_gain.mean()) < 0.2 * centred.mean(), "V(s) moves the average by little"

# %% alt="Learning curves over the first 200 episodes, averaged over five seeds, for the three variants, all starting near the random policy's level: the raw returns-to-go climb slowest; the batch-mean baseline and the learned V(s) baseline climb faster, close together, and end well above it"
fig, ax = plt.subplots(figsize=(8, 4))
labels = {
    "none": "raw returns-to-go",
    "mean": "batch-mean baseline",
    "value": "learned V(s) baseline",
}
for variant, runs in curves.items():
    smooth = np.convolve(runs.mean(axis=0), np.ones(20) / 20, "valid")
    ax.plot(np.arange(19, COMPARE), smooth, label=labels[variant])
ax.axhline(random_scores.mean(), color="tab:red", ls="--", label="random policy")
ax.set_xlabel("training episode")
ax.set_ylabel("return, mean of 5 seeds, 20-episode average")
ax.set_title("Which part of the baseline does the work?")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# Centring is what matters here, as far as five seeds can tell. Subtracting a baseline,
# either one, made the agent balance longer over the first 200 episodes on every run we
# tried: the gain printed above, with its standard error. But five seeds measure it only
# roughly: depending on which seeds you draw (try a few values of `TDL_SEED`), the gain
# comes out anywhere from about 20 to 50 steps per episode, between about 1.5 and 5
# standard errors from zero. That is why this lesson prints the gain and does not assert
# it: a claim that sits two spreads from failing would fail on some reader's seed. To pin
# it down you would need many more seeds; one seed could not even be trusted with its sign. Replacing the batch mean by the
# learned $V(s)$ changes the average by a few steps, less than a fifth of what the centred
# runs reach, and the per-seed differences scatter around zero, on both sides of it on most
# seeds. On a single seed it can look large: a comparison on the one seed where the two
# differ most would have credited the value network with an effect it does not have. And
# comparing the full algorithm with the raw returns, as a quick experiment might, changes
# both things at once and hands the centring's gain to the value network.
#
# Look also at how far apart the seeds of one variant land: the same code with the same
# settings gives runs that differ by dozens of steps per episode. That spread is why a
# comparison of methods in reinforcement learning needs several seeds and a standard
# error, and why a rerun with another `TDL_SEED` prints different numbers. The claims in
# this lesson are the ones that hold whichever seed you pick.
#
# Why does $V(s)$ add so little? There are two reasons. First, the network is trained
# with one small gradient step per batch while the returns keep growing, so it lags far
# behind them. Second, in CartPole the return-to-go depends mostly on how much time is left
# in the episode: for a policy that balances to the limit, $G_t = (1 - 0.99^{500 - t}) /
# 0.01$ depends on $t$ alone, and the state does not show $t$. So even a perfect $V(s)$
# could explain little beyond the average. We can measure the first reason, and how much
# of the variation of the returns-to-go the trained value network explains, on a few
# fresh episodes of the trained policy.

# %%
check_env = gym.make("CartPole-v1")
check_rng = np.random.default_rng(SEED + 2)
states, targets = [], []
for i in range(4):
    obs, _ = check_env.reset(seed=20_000 + 100 * SEED + i)
    rewards, done = [], False
    while not done:
        states.append(obs)
        action = int(check_rng.random() < p_right_of(policy, obs))
        obs, reward, terminated, truncated, _ = check_env.step(action)
        rewards.append(reward)
        done = terminated or truncated
    targets.append(returns_to_go(rewards, 0.99))
check_env.close()
targets = np.concatenate(targets)
with torch.no_grad():
    predicted = value(torch.as_tensor(np.array(states), device=DEVICE)).squeeze(-1).cpu().numpy()
explained = 1 - np.var(targets - predicted) / np.var(targets)
print(
    f"{len(targets)} steps: mean return-to-go {targets.mean():.1f}, mean V(s) {predicted.mean():.1f}"
)
print(f"share of the variance of the returns-to-go that V(s) explains: {explained:.0%}")
assert explained < 0.3 and predicted.mean() < 0.7 * targets.mean()

# %% [markdown]
# The value network predicts far less than the returns that actually follow, and explains
# only a small share of their variation; after the batch mean is subtracted, what remains
# of $V(s)$ is mostly noise. A baseline still matters, then, but on CartPole a single
# number does nearly all of its work. On tasks where some states are much better than
# others and the state shows it, a learned $V(s)$ earns its keep, and it becomes essential
# in actor-critic methods, which also use it to bootstrap.
#
# ## What we did, and what comes next
#
# * The policy is a network that outputs action probabilities; acting means sampling.
# * REINFORCE weights each action's log-probability gradient by what followed it, minus a
#   baseline; any baseline that does not depend on the action leaves the gradient unbiased.
# * A random policy balances for about 22 steps; after 400 episodes of REINFORCE (roughly
#   100,000 environment steps) the greedy policy balances more than ten times as long.
# * Changing one thing at a time over five seeds: centring the weights on a baseline adds
#   steps per episode early in training; the learned $V(s)$ adds nothing measurable on top
#   of the batch mean: its effect is lost in the noise between seeds.
#
# REINFORCE throws every episode away after one gradient step, and it must wait for an
# episode to finish before learning anything. The next lesson returns to value learning:
# a **deep Q-network** learns from a replay memory of old transitions and bootstraps like
# the tabular Q-learner did.
#
# ## Questions
#
# 1. Why does the agent sample its actions during training instead of always taking the
#    more likely one? What would happen to learning with greedy actions?
#
#    Answer: Sampling is its exploration: a slightly less likely action is still tried now
#    and then, and if it works out its probability rises. With greedy actions every episode
#    from similar states would repeat the same choices, the gradient would only ever push up
#    the action already preferred, and a poor early preference could never be corrected
#    (the estimator also assumes the actions were drawn from the policy).
#
# 2. The surrogate loss `-(log_prob_taken * advantage).mean()` can go up while the policy
#    gets better. Why is it not a useful progress measure, and what should you monitor
#    instead?
#
#    Answer: Each update computes it on a fresh batch of episodes, collected by a different
#    policy, with advantages that are standardised within the batch; its gradient is
#    meaningful, its level is not. Monitor the episode returns (as in the learning curve),
#    ideally also on evaluation episodes with fixed seeds.
#
# 3. Explain in your own words why subtracting a baseline that depends only on the state
#    does not bias the gradient. Why would a baseline that depended on the action break this?
#
#    Answer: The expected score $\sum_a \pi(a \mid s) \nabla \log \pi(a \mid s) =
#    \nabla \sum_a \pi(a \mid s) = \nabla 1 = 0$, so a term $b(s)$ multiplying it averages
#    out; we measured the average score vector as nearly zero. If $b$ depends on $a$, it
#    cannot be pulled out of the sum over actions, and the term no longer vanishes.
#
# 4. In CartPole every reward is +1. Without a baseline, every action taken gets its
#    probability pushed up. How can learning still work?
#
#    Answer: Actions followed by long episodes get larger returns-to-go and so larger
#    pushes than those followed by a quick fall; and since probabilities sum to one, pushing
#    one action up harder than the other is a net shift towards it. It works, only noisily:
#    the raw-returns variant still learned, but more slowly than the centred ones over the
#    first 200 episodes.
#
# 5. What does the discount factor `gamma` trade off in REINFORCE? Predict what `gamma = 0.9`
#    would do on CartPole.
#
#    Answer: A smaller `gamma` credits an action only with what happens soon after it, which
#    lowers the variance of the returns but ignores longer-term consequences (bias). With 0.9
#    the horizon is about 10 steps: the returns-to-go saturate near 10 and only the last ten
#    or so steps before a fall carry a clear signal, which may well be enough for CartPole,
#    where falls develop within a few dozen steps. Try it and compare the learning curves.
#
# 6. The greedy evaluation is often better than the sampled one. Why, and which of the two
#    is the "real" performance of the trained agent?
#
#    Answer: The sampled policy sometimes draws the less likely action at a delicate moment;
#    greedy never does (compare the two printed scores). Both are real, for different
#    agents: report the one you will deploy (usually the greedy one for a task like this),
#    and say which it is.
#
# 7. Why is this tiny network usually faster on a CPU than on a GPU, and at what point would
#    the GPU start to pay off?
#
#    Answer: Acting calls the network on one state at a time, and each call is a few tiny
#    matrix products; on a GPU every call also pays for launching kernels and copying data
#    between host and device, which costs far more than the arithmetic. A GPU pays off once
#    each call does a lot of work: large networks, image observations, or many environments
#    stepped in parallel so that states arrive in big batches.
#
# ## Further research
#
# * Give the value network the time that is left in the episode, `(500 - t) / 500`, as a
#   fifth input (the policy need not see it). Does the learned baseline then beat the batch
#   mean? Use the five seeds of the comparison above, and plot the spread as well as the mean.
# * Replace the Monte Carlo return in the advantage with a bootstrapped one,
#   $r_t + \gamma V(s_{t+1}) - V(s_t)$, updating after a fixed number of steps instead of
#   whole episodes. You have just built an actor-critic (A2C); compare its learning speed
#   with REINFORCE's.
# * Add an entropy bonus to the policy loss (reward the policy for keeping its probabilities
#   spread out) and study how its weight affects exploration, learning speed, and the
#   dips after reaching 500.
# * Read Karpathy's "Pong from Pixels" and identify each piece of this lesson in his code:
#   where are the returns-to-go, the baseline, and the surrogate loss?
