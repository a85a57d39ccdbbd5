# ---
# title: "Deep Q-networks: Q-learning with a neural network"
# summary: The gridworld's Q-table becomes a neural network; with a replay memory, a target network and an exploration schedule, a DQN learns to balance CartPole within 7,000 environment steps, and we look at why it needs each of those parts.
# stage: 5
# kind: lesson
# minutes: 50
# device: auto
# resources: [ucl-deepmind-advanced-dl-rl, openai-spinning-up, silver-ucl-rl-course, sutton-barto-rl-book, weng-long-peek-into-rl, simonini-deep-rl-course, gymnasium]
# prerequisites: [stage-5/19-tabular-q-learning, stage-5/20-reinforce-cartpole]
# aliases: [stage-5/15-dqn-cartpole]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Deep Q-networks: Q-learning with a neural network
#
# In the Q-learning lesson an agent learned a table `Q[state, action]` for a 40-square
# gridworld by nudging each entry towards `reward + gamma * max Q[next_state]`. CartPole's
# state is four real numbers, so there is no table to fill; the REINFORCE lesson sidestepped
# the problem by learning a policy instead. Here we go back to Q-learning and replace the
# table with a neural network that takes the state and outputs one Q-value per action.
# That is a **deep Q-network** (DQN), the method with which DeepMind's agents learned to
# play Atari games from pixels.
#
# Swapping the table for a network sounds like a small change, and the update rule stays
# the same, but done naively it learns poorly or not at all. A DQN adds three supports:
# a **replay memory** of past transitions, a **target network** that changes slowly, and
# an **exploration schedule**. We start with the whole algorithm working, compared with a
# random policy; then we open it up and look at each support, at what the network believes,
# and at a weakness of DQN you will meet in practice: its performance is not monotone, and
# a good agent can get worse with more training.
#
# **Runtime:** about 20 s on a laptop CPU. As in the last lesson, the networks are tiny
# and act one state at a time, so a CPU is usually faster than a GPU here; the code honours
# `DEVICE` all the same, and we use a single CPU thread because the matrices are too small
# to share out.

# %%
import copy
import os
import time

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
torch.manual_seed(SEED)
torch.set_num_threads(1)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("device:", DEVICE, "| gymnasium", gym.__version__, "| torch", torch.__version__)

# %% [markdown]
# ## The whole algorithm
#
# Three pieces, then the loop that uses them.
#
# * `QNetwork`: four numbers in, two Q-values out (push left, push right). It first divides
#   each input by a rough scale (the cart's track half-width 2.4, the pole's failure angle
#   0.21 rad, about 3 for the velocities) so that all four arrive in a similar range.
# * `ReplayBuffer`: a fixed-size memory of transitions
#   `(state, action, reward, next state, terminated)`, from which training draws random
#   mini-batches.
# * `evaluate`: plays full episodes greedily (no exploration) and returns their lengths.
#
# The loop acts epsilon-greedily and stores every transition. After a short warm-up it
# takes one gradient step every second environment step, on a random mini-batch of 128
# transitions, pulling `Q(s, a)` towards the target `r + gamma * Q_target(s', a*)`.
# Every 1,000 steps it evaluates the greedy policy on five *validation* episodes and keeps
# a copy of the best network so far; the reason for that copy is one of the things we will
# open up. (Gymnasium records an official "solved" score for CartPole, 475; passing
# `stop_at=475` would stop training there.)


# %%
class QNetwork(nn.Module):
    def __init__(self, hidden=128):
        super().__init__()
        self.register_buffer("scale", torch.tensor([2.4, 3.0, 0.21, 3.0]))
        self.layers = nn.Sequential(
            nn.Linear(4, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 2),
        )

    def forward(self, obs):
        return self.layers(obs / self.scale)


class ReplayBuffer:
    def __init__(self, capacity):
        self.obs = np.zeros((capacity, 4), dtype=np.float32)
        self.next_obs = np.zeros((capacity, 4), dtype=np.float32)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.terminated = np.zeros(capacity, dtype=np.float32)
        self.capacity, self.size, self.pos = capacity, 0, 0

    def add(self, obs, action, reward, next_obs, terminated):
        i = self.pos
        self.obs[i], self.actions[i], self.rewards[i] = obs, action, reward
        self.next_obs[i], self.terminated[i] = next_obs, terminated
        self.pos = (self.pos + 1) % self.capacity  # overwrite the oldest when full
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size, rng):
        idx = rng.integers(0, self.size, size=batch_size)
        return tuple(
            torch.as_tensor(x[idx], device=DEVICE)
            for x in (self.obs, self.actions, self.rewards, self.next_obs, self.terminated)
        )


def greedy_action(q_net, obs):
    with torch.no_grad():
        return int(q_net(torch.as_tensor(obs, device=DEVICE)).argmax())


def evaluate(q_net, seeds):
    env = gym.make("CartPole-v1")
    lengths = []
    for seed in seeds:
        obs, _ = env.reset(seed=seed)
        done, steps = False, 0
        while not done:
            obs, _, terminated, truncated, _ = env.step(greedy_action(q_net, obs))
            steps += 1
            done = terminated or truncated
        lengths.append(steps)
    env.close()
    return np.array(lengths)


VALIDATION_SEEDS = range(100_000 + 100 * SEED, 100_005 + 100 * SEED)  # to pick the best network
TEST_SEEDS = range(200_000 + 100 * SEED, 200_020 + 100 * SEED)  # used once, at the end


def train_dqn(
    total_steps=7_000,
    batch_size=128,
    train_every=2,
    gamma=0.99,
    lr=1e-3,
    learning_starts=500,
    eps_start=1.0,
    eps_end=0.05,
    eps_steps=2_500,
    target_every=500,
    eval_every=1_000,
    stop_at=None,
    seed=SEED,
):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    env = gym.make("CartPole-v1")
    q_net = QNetwork().to(DEVICE)
    target_net = copy.deepcopy(q_net)
    optimizer = torch.optim.Adam(q_net.parameters(), lr=lr)
    buffer = ReplayBuffer(capacity=total_steps)
    log = {
        "episode_end": [],
        "episode_return": [],
        "eval_step": [],
        "eval_score": [],
        "loss": [],
        "best_step": 0,
    }
    best_score, best_net = -1.0, None

    obs, _ = env.reset(seed=seed)
    episode_return = 0.0
    for step in range(1, total_steps + 1):
        epsilon = max(eps_end, eps_start - (eps_start - eps_end) * step / eps_steps)
        if rng.random() < epsilon:
            action = int(rng.integers(2))  # explore
        else:
            action = greedy_action(q_net, obs)  # exploit
        next_obs, reward, terminated, truncated, _ = env.step(action)
        buffer.add(obs, action, reward, next_obs, terminated)
        obs, episode_return = next_obs, episode_return + reward
        if terminated or truncated:
            log["episode_end"].append(step)
            log["episode_return"].append(episode_return)
            obs, _ = env.reset()
            episode_return = 0.0

        if step >= learning_starts and step % train_every == 0:  # learn from replayed memories
            s, a, r, s_next, term = buffer.sample(batch_size, rng)
            with torch.no_grad():
                a_next = q_net(s_next).argmax(dim=1, keepdim=True)  # online net chooses,
                q_next = target_net(s_next).gather(1, a_next).squeeze(1)  # target net judges
                target = r + gamma * (1.0 - term) * q_next
            q_taken = q_net(s).gather(1, a.unsqueeze(1)).squeeze(1)
            loss = F.smooth_l1_loss(q_taken, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            log["loss"].append(loss.item())

        if step % target_every == 0:
            target_net.load_state_dict(q_net.state_dict())  # refresh the frozen copy
        if step % eval_every == 0:
            score = evaluate(q_net, VALIDATION_SEEDS).mean()
            log["eval_step"].append(step)
            log["eval_score"].append(score)
            if score > best_score:
                best_score, best_net = score, copy.deepcopy(q_net)
                log["best_step"] = step
            if stop_at is not None and score >= stop_at:
                break
    env.close()
    return best_net, q_net, buffer, log


start = time.perf_counter()
best_net, last_net, buffer, log = train_dqn()
train_seconds = time.perf_counter() - start
print(
    f"{log['eval_step'][-1]} environment steps, {len(log['episode_return'])} episodes, "
    f"{train_seconds:.1f} s"
)
print("validation score after every 1,000 steps:", [int(s) for s in log["eval_score"]])
print(f"best network kept from step {log['best_step']}")

# %% [markdown]
# Now the comparison, on 20 test episodes whose seeds played no part in training or in
# choosing the network: the best network against a policy that pushes at random.

# %% alt="Training episodes and validation scores against environment steps: training episodes stay near the random policy's 22 steps for the first couple of thousand steps, then jump to hundreds of steps; the validation score leaps from a few dozen to near the 500-step limit within a few thousand steps, where a vertical line marks the network that was kept, and moves up and down after that"
# A random policy costs almost nothing to run, so it gets 200 episodes: with only 20, its
# mean would wobble by a few steps from one seed to the next.
random_env = gym.make("CartPole-v1")
random_env.action_space.seed(SEED)
random_scores = []
for seed in range(300_000 + 1_000 * SEED, 300_200 + 1_000 * SEED):
    random_env.reset(seed=seed)
    done, steps = False, 0
    while not done:
        _, _, terminated, truncated, _ = random_env.step(random_env.action_space.sample())
        steps += 1
        done = terminated or truncated
    random_scores.append(steps)
random_scores = np.array(random_scores)
dqn_scores = evaluate(best_net, TEST_SEEDS)

print(f"random policy: {random_scores.mean():6.1f} ± {random_scores.std():5.1f} steps")
print(f"DQN (greedy) : {dqn_scores.mean():6.1f} ± {dqn_scores.std():5.1f} steps")
print(f"DQN balances {dqn_scores.mean() / random_scores.mean():.0f}x longer than random")
assert 18 < random_scores.mean() < 27, "a random policy lasts about 22 steps"
# Runs fall into two groups (about 20x on most seeds, about 10x where the cart drifts off
# the track), and a ratio multiplies: it is compared on a log scale, where the spread of
# the runs is even.
ratio = dqn_scores.mean() / random_scores.mean()
assert np.log(ratio) > np.log(4), f"only {ratio:.1f} times longer than random"

fig, ax = plt.subplots(figsize=(10, 4))
ax.plot(log["episode_end"], log["episode_return"], ".", alpha=0.5, label="training episode")
ax.plot(log["eval_step"], log["eval_score"], "o-", label="validation (greedy, 5 episodes)")
ax.axvline(log["best_step"], color="tab:green", ls="--", lw=1, label="best network kept")
ax.axhline(random_scores.mean(), color="tab:red", ls="--", label="random policy")
ax.axhline(475, color="gray", ls=":", label="solved (475)")
ax.set_xlabel("environment step")
ax.set_ylabel("return (steps balanced)")
ax.set_title("DQN on CartPole-v1")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
fig.tight_layout()
plt.show()

# %% [markdown]
# A random policy keeps the pole up for about 22 steps; the best DQN network balances at
# least four times longer (10 to 23 times over seeds 0-4 on two CPU kernel paths), on most
# seeds up to the 500-step limit, and all of it within a
# budget of 7,000 environment steps. REINFORCE in the last lesson used roughly 100,000
# environment steps for its 400 training episodes. That difference in *sample efficiency*
# is the main attraction of value-based methods with replay: every transition is used for
# many updates, not one.
#
# Run the lesson with a few values of `TDL_SEED` and the picture changes in its details:
# the best network turns up after a few thousand steps on one seed and near the end of the
# budget on another, and on some seeds it stops at a few hundred steps instead of 500.
# DQN is sensitive to its seed, which is why the claim above is "at least four times", one
# that holds with room to spare on every seed we tried, and not "every time to the limit".
#
# ## From a table to a network
#
# In the gridworld the update touched a single entry of the table and left all others
# alone. A network has no separate entries: one gradient step on one state changes the
# Q-values of *every* state a little. That is the point (a network generalises, so states
# it has never seen get sensible values) and also the danger. Two things go wrong when the
# tabular recipe is applied naively, one transition at a time, as it arrives.
#
# * **Consecutive transitions are nearly identical.** Training on a stream of them is like
#   fitting a model on a dataset sorted by one feature: each stretch of similar examples
#   drags the network towards itself and away from everything else.
# * **The target moves with every step.** The target `r + gamma * max Q(s')` is computed
#   by the very network being trained, so each update also shifts the thing it is chasing.
#   Feedback loops like this can blow the Q-values up.
#
# The replay memory answers the first problem, the target network the second.
#
# ## Opening up the replay memory
#
# The memory holds every transition seen so far (its capacity equals the training budget
# here; in longer runs the oldest transitions are overwritten). Training draws random
# mini-batches from it. How much does that decorrelate the data? Compare the pole angle of
# each transition with the next one in the order they were collected, and with a partner
# drawn at random.

# %%
angles = buffer.obs[: buffer.size, 2]
consecutive = np.corrcoef(angles[:-1], angles[1:])[0, 1]
shuffle_rng = np.random.default_rng(SEED)
pairs = shuffle_rng.integers(0, buffer.size, size=(2, 5_000))
random_pairs = np.corrcoef(angles[pairs[0]], angles[pairs[1]])[0, 1]
print(f"transitions in memory: {buffer.size}")
print(f"pole-angle correlation, consecutive steps: {consecutive:.3f}")
print(f"pole-angle correlation, random pairs     : {random_pairs:.3f}")
assert consecutive > 0.8 and abs(random_pairs) < 0.1
replays = len(log["loss"]) * 128 / buffer.size  # samples drawn / transitions stored
print(f"{len(log['loss'])} updates of 128: each transition replayed {replays:.0f} times on average")
assert 50 < replays < 70

# %% [markdown]
# Consecutive steps are almost copies of each other; random pairs are unrelated. Each
# mini-batch is therefore a little sample of everything the agent has experienced, which
# is much closer to the independent examples that gradient descent assumes. A second
# benefit is reuse: with one update of 128 samples every two steps, each stored transition
# was replayed about 60 times on average during training.
#
# Quick check: in a longer run the memory is full, holds the latest 10,000 transitions, and
# training still draws 128 of them every second step. How many times, on average, is a
# transition replayed before it is overwritten?
#
# Answer: 64 ± 1
#
# Why: a transition stays for 10,000 steps, during which there are 5,000 updates of 128
# draws from 10,000 transitions: 5,000 × 128 / 10,000 = 64. Our run comes out a little
# lower, at 59, only because nothing was learned during the first 500 steps of warm-up:
# 3,250 updates × 128 / 7,000 transitions.
#
# ## Opening up the target
#
# The target network is a frozen copy of the Q-network, refreshed every 500 steps. For 500
# steps the targets stay put, and fitting them is an ordinary regression problem; then the
# copy jumps forward and a new regression begins. (A popular alternative nudges the copy a
# little towards the online network at every step.)
#
# Our target also uses the **Double DQN** refinement. The plain DQN target
# `max_a Q_target(s', a)` lets the same network both choose the best next action and
# rate it. Because the estimates are noisy, the maximum tends to pick whichever action is
# overestimated, so the targets are biased upwards, and the bias feeds on itself. Double
# DQN lets the online network choose (`argmax`) and the target network rate the choice,
# which reduces that bias at no extra cost.
#
# Quick check: in our target, `q_net(s_next).argmax(...)` and `target_net(s_next).gather(...)`
# play two roles. Which network does what?
#
# - [x] the online network chooses the next action, the target network rates it
# - [ ] the target network chooses the next action, the online network rates it
# - [ ] both choose, and the target is the average of their ratings
#
# Why: the `argmax` is taken over the online network's outputs, and `gather` reads the
# target network's value of that action.
#
# Two more details in the target are the ones from the gridworld. `(1 - term)` stops
# bootstrapping when the pole really fell; when the 500-step limit cuts an episode short
# (truncation) we *do* bootstrap, because the pole was still up and would have stayed up.
# And the loss is the Huber loss (`smooth_l1_loss`): quadratic for small errors, linear
# for large ones, so a few wildly wrong targets early in training cannot produce huge
# gradients.
#
# ## What does the network believe?
#
# A Q-value is a prediction: the discounted number of future steps the pole will stay up.
# With a reward of 1 per step and `gamma = 0.99`, balancing forever is worth
# $1 + 0.99 + 0.99^2 + \dots = 1/(1 - 0.99) = 100$. So a network that balances perfectly
# "should" predict values near 100. Let us follow one test episode and record the
# predicted value $V(s) = \max_a Q(s, a)$ along the way, then ask about a state that is
# clearly lost.

# %% alt="One test episode of the kept network: the predicted value stays nearly flat, close to the dotted line of as many more steps' reward as there were target refreshes and far below 100, while the red dashed value of a state about to fall sits lower; the cart position (green, right axis) drifts along the track during the episode"
env = gym.make("CartPole-v1")
obs, _ = env.reset(seed=TEST_SEEDS[0])
values, positions, done = [], [], False
while not done:
    with torch.no_grad():
        values.append(best_net(torch.as_tensor(obs, device=DEVICE)).max().item())
    positions.append(obs[0])
    obs, _, terminated, truncated, _ = env.step(greedy_action(best_net, obs))
    done = terminated or truncated
env.close()

lost_state = np.array([0.0, 0.0, 0.2, 2.0], dtype=np.float32)  # leaning far right and falling
with torch.no_grad():
    lost_value = best_net(torch.as_tensor(lost_state, device=DEVICE)).max().item()

rounds = (log["best_step"] - 500) // 500  # (steps - learning_starts) // target_every
k_step_value = sum(0.99**i for i in range(rounds))
sweeps_to_95 = int(np.ceil(np.log(0.05) / np.log(0.99)))  # until 0.99**k < 5 %
print(
    f"episode length {len(values)}; median predicted V {np.median(values):.2f} "
    f"(range {min(values):.2f} to {max(values):.2f})"
)
print(
    f"target refreshes while learning: {rounds}; 1 + 0.99 + ... over {rounds} steps = {k_step_value:.2f}"
)
print(f"predicted V of a state that is about to fall: {lost_value:.2f}")
print(
    f"refreshes needed to come within 5 % of 100: {sweeps_to_95}, "
    f"or {sweeps_to_95 * 500:,} environment steps at one per 500"
)
print(f"cart position: from {min(positions):+.2f} to {max(positions):+.2f} (track ends at ±2.4)")
assert abs(np.median(values) - k_step_value) < 0.2 * k_step_value, "one step per refresh"
assert lost_value < np.median(values), "a falling pole should look worse than an ordinary state"
assert sweeps_to_95 * 500 > 100_000

fig, ax1 = plt.subplots(figsize=(10, 3.5))
ax1.plot(values, label="predicted V(s) along the episode")
ax1.axhline(k_step_value, color="gray", ls=":", label=f"value of {rounds} more steps")
ax1.axhline(lost_value, color="tab:red", ls="--", label="V of a state about to fall")
ax1.set_ylim(0, 1.4 * max(max(values), k_step_value))
ax1.set_xlabel("step of the test episode")
ax1.set_ylabel("predicted value")
ax2 = ax1.twinx()
ax2.plot(positions, color="tab:green", alpha=0.6, label="cart position (right axis)")
ax2.set_ylabel("cart position")
ax2.set_ylim(-2.4, 2.4)
fig.legend(loc="lower center", ncol=4, frameon=False)
ax1.set_title("What the DQN expects during a test episode")
fig.tight_layout(rect=(0, 0.08, 1, 1))
plt.show()

# %% [markdown]
# Surprise: the values are nowhere near 100. They sit close to $1 + 0.99 + \dots$ summed
# over as many steps as there were target refreshes. This is value iteration from the
# gridworld lesson in disguise. Starting from a network that predicts roughly zero, the
# first regression round teaches it "one more reward", about 1; the next round bootstraps
# from that copy and learns about 1.99; each refresh of the target lets the value look one
# step further ahead. Value iteration in the MDP lesson needed about fifty sweeps for a
# 40-square grid; here each sweep costs 500 environment steps (250 gradient steps), and
# with a horizon of about 100 steps the values would need about 300 sweeps, some 150,000
# environment steps, to come within 5 % of 100.
#
# Quick check: had training run for ten target refreshes, and each regression round fitted
# its target well, what value would you expect the network to predict for an ordinary
# upright state?
#
# Answer: 9.6 ± 0.2
#
# Why: ten refreshes give ten steps of look-ahead, $1 + 0.99 + \dots + 0.99^9 =
# (1 - 0.99^{10}) / 0.01 \approx 9.56$.
#
# And yet the agent balances well. Acting greedily only needs the *ranking* of the two
# actions to be right, and a look-ahead of a few steps is already enough to tell which push
# keeps the pole from tipping. The state that is about to fall gets a lower value, as it
# should. The lesson for reading a DQN: a good policy does not mean accurate values, and
# accurate-looking values do not mean a good policy. The cart position (green) shows what
# the agent actually does: it keeps the pole up while the cart drifts along the track. How
# far it drifts varies from run to run, and in some runs it comes close to the end of the
# track, which would also end the episode. Nothing in the reward asks the agent to stay near
# the centre, and with a look-ahead of a few steps it can hardly see the end coming.
#
# ## A weakness: more training is not always better
#
# Look again at the learning curve. The validation score need not climb and stay; after
# reaching the top it can fall back, sometimes a long way, while training carries on. That
# is why the loop keeps a copy of the best network. Compare that copy with the network as it
# stands at the end of training, on the same test episodes.

# %%
best_test = dqn_scores.mean()
last_test = evaluate(last_net, TEST_SEEDS).mean()
after_best = [
    s for t, s in zip(log["eval_step"], log["eval_score"], strict=True) if t > log["best_step"]
]
after_best = after_best or [best_test]  # the best network may come from the last evaluation
print(f"best network (from step {log['best_step']}) on the test seeds: {best_test:.1f}")
print(f"network at the end of training (step {log['eval_step'][-1]})   : {last_test:.1f}")
print(f"lowest validation score after the best one: {min(after_best):.0f}")

# %% [markdown]
# Depending on the run (try a few values of `TDL_SEED`), the final network may be as good as
# the best one, or far worse: DQN's performance on CartPole is famously unstable. A common
# explanation: once the agent balances well, the memory fills with easy, upright states; the
# network fits those and can lose what it knew about recovering from bad states, then it
# fails, collects bad states again, and relearns. This is why DQN practice keeps the best
# checkpoint according to a separate evaluation (exactly what we did, with validation seeds
# kept apart from the test seeds), and why so many refinements exist: larger memories,
# slower target updates, learning-rate decay, prioritised replay, and more.
#
# Keeping the best snapshot is a form of early stopping, and it carries the same caveat
# as in supervised learning: choosing the best of many validation scores flatters that
# score, so the number to report is the one on fresh test episodes.
#
# ## What we did
#
# * Replaced the Q-table with a network and kept the Q-learning target, with
#   Double DQN's choose-with-one-network, rate-with-the-other twist.
# * Added a replay memory (decorrelated, reusable data) and a target network (a target
#   that holds still), plus epsilon-greedy exploration that fades over 2,500 steps.
# * Beat the random policy (about 22 steps) by a factor of five or more, on most seeds up
#   to the 500-step limit, within 7,000 environment steps, and saw that a DQN's quality can
#   go down as well as up.
# * Found that a good greedy policy can rest on values that are far from converged.
#
# ## Questions
#
# 1. Why does a neural network need a replay memory when the Q-table in the gridworld did
#    not? What property of gradient descent is the memory protecting?
#
#    Answer: A table update changes one entry; a gradient step on a network changes the
#    values of every state. Fed consecutive transitions, which are nearly copies of each
#    other (a pole-angle correlation of about 0.9 between neighbours against about 0 for
#    random pairs), the network would be dragged towards whatever it saw last. Gradient
#    descent assumes mini-batches drawn roughly independently from one fixed distribution;
#    random draws from the memory restore that, and reuse each transition about 60 times.
#
# 2. What would go wrong if the target were computed with the online network itself,
#    `r + gamma * max_a Q(s', a)`, after every update? Relate your answer to regression
#    onto a moving target.
#
#    Answer: Each gradient step would also move the target, since the same weights compute
#    both sides. The regression never gets a fixed problem to solve, errors feed back into
#    the next targets, and the values can oscillate or grow without bound. The frozen copy
#    turns each 500-step stretch into an ordinary regression onto fixed numbers.
#
# 3. Explain in your own words why taking the maximum over noisy Q-estimates leads to
#    overestimation, and how Double DQN reduces it.
#
#    Answer: Even if every estimate is right on average, the largest of several noisy
#    estimates is usually one whose noise happens to be positive, so the expected maximum
#    exceeds the maximum of the true values. Double DQN picks the action with one network
#    and reads its value from the other; the second network's error on that action is not
#    the one that made it win the `argmax`, so it is not systematically inflated.
#
# 4. The network divides the observation by `[2.4, 3.0, 0.21, 3.0]`. What would go wrong
#    without it? (Think about how large the pole angle is compared with the velocities.)
#
#    Answer: The pole angle never exceeds about 0.21 rad while the velocities reach several
#    units, so unscaled, the most important input would move the first layer's
#    pre-activations about ten times less than the others. The network would start out nearly
#    blind to the angle and learn it slowly; with the scaling all four inputs arrive in a
#    similar range of about ±1.
#
# 5. DQN reached a good policy with far fewer environment steps than REINFORCE. Give two
#    reasons, and name something REINFORCE can do that this DQN cannot (hint: think about
#    the shape of the action space).
#
#    Answer: DQN reuses every transition many times from its memory (about 60 here), while
#    REINFORCE must discard its episodes after one update because its gradient is only valid
#    for the policy that collected them; and DQN bootstraps, learning from each step at once
#    instead of waiting for whole episodes. REINFORCE can handle continuous actions (a force
#    of any size): its network can output the parameters of a continuous distribution,
#    while DQN needs a maximum over a finite list of actions.
#
# 6. Why is the final score measured on test seeds that were not used for choosing the
#    best snapshot? What would happen to the reported number otherwise?
#
#    Answer: The snapshot was chosen because it scored highest on the validation seeds,
#    and the highest of several noisy scores is biased upwards, the same effect as the
#    maximum in question 3. Reporting it would flatter the agent; fresh test seeds give an
#    unbiased estimate of how the chosen network performs.
#
# 7. In CartPole the agent bootstraps on truncation but not on termination. What would the
#    Q-values near step 500 look like if it also stopped bootstrapping on truncation?
#
#    Answer: The transitions at step 500 would get a target of just 1, as if the pole had
#    fallen. The observation does not show the time, so the network cannot tell those
#    upright states from the same states earlier in an episode; the error would not stay
#    near step 500 but would pull down the values of ordinary upright states in general and
#    blur the difference between safe and dangerous states.
#
# 8. The predicted values were far below 100 even though the agent balanced perfectly.
#    Explain why, and predict how they would change with `target_every=100`.
#
#    Answer: Each refresh of the target adds one step of look-ahead, like one sweep of value
#    iteration: $k$ refreshes before the kept snapshot give values near
#    $1 + 0.99 + \dots + 0.99^{k-1} = (1 - 0.99^k) / 0.01$, the dotted line of the plot. With
#    `target_every=100` there would be five times as many refreshes by the same step: where
#    five refreshes give about 4.9, twenty-five would give about
#    $(1 - 0.99^{25}) / 0.01 \approx 22$, provided the 50 gradient steps per round are enough
#    to fit each target.
#
# ## Further research
#
# * Ablate the supports one at a time: train with the replay memory replaced by the most
#   recent 64 transitions, then with the target network refreshed every step, then with the
#   plain (not Double) target. Use at least five seeds per variant and plot the validation
#   curves with their spread. Which support matters most on CartPole?
# * Plot the Q-values predicted at the start state during training, with and without
#   Double DQN, against the value 100 of balancing forever. Can you see overestimation?
# * Make the agent more stable after it has learned: try learning-rate decay, a slower
#   target (soft updates with `tau = 0.005`), or a larger memory that is never overwritten,
#   and measure how often the final network is as good as the best snapshot.
# * Read DeepMind's Atari DQN paper (listed in the stage resources) and list what their
#   agent had that ours lacks (frame stacking, reward clipping, a convolutional network),
#   and why each was needed for games played from pixels.
