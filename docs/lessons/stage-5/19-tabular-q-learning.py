# ---
# title: "Q-learning on a slippery gridworld"
# summary: An agent learns to cross a small grid full of pits from reward alone, beats a random walker by a wide margin, and matches the plan dynamic programming computes from the rules.
# stage: 5
# kind: lesson
# minutes: 45
# device: auto
# resources: [sutton-barto-rl-book, silver-ucl-rl-course, weng-long-peek-into-rl, simonini-deep-rl-course]
# aliases: [stage-5/13-tabular-q-learning]
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Q-learning on a slippery gridworld
#
# Everything so far in this course learned from labelled examples: an image came with the
# digit it shows, a rating came with the user who gave it. Reinforcement learning drops the
# labels. An *agent* acts in a *world*, the world answers with a new situation and a number
# called the *reward*, and the agent has to work out for itself which actions lead, sooner
# or later, to a lot of reward. Nobody tells it the right move; it only finds out, often
# many steps later, whether things went well.
#
# We begin where every idea in the field can be seen with the naked eye: a world small
# enough to print, and an agent whose whole "brain" is a table with one number per
# situation and action. The method is **Q-learning**, and the deep methods of the next two
# lessons are this same idea with a neural network in place of the table.
#
# The plan follows the course's habit. First the whole game: a world, an agent trained on
# it, and a comparison with an agent that acts at random. Then we open it up: how the world
# moves, what one learning step does, how learning progresses, what the agent believes
# about each square, and whether that belief is right (we check it against dynamic
# programming, which cheats by reading the rules of the world).
#
# **Runtime:** about 5 s on a laptop CPU. The table lives in NumPy; only the dynamic
# programming check near the end uses PyTorch, on the GPU if there is one (for a problem
# this small the CPU is just as fast).

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

torch.manual_seed(0)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("device:", DEVICE)

# %% [markdown]
# ## A world to act in
#
# The world is a grid of squares. The agent starts on `S` and wants to reach the goal `G`.
# The squares marked `P` are pits, `#` are walls. Each turn the agent picks one of four
# moves (up, right, down, left) and then:
#
# * stepping into the goal pays **+1** and ends the episode;
# * stepping into a pit pays **−1** and ends the episode;
# * any other step costs **−0.04**, a small fee that makes dawdling expensive;
# * walking into a wall or off the edge leaves the agent where it was (and still costs the fee);
# * after 100 steps the episode is cut off.
#
# The twist is that the floor is **slippery**: with probability 0.8 the agent moves the way
# it meant to, and with probability 0.1 each it slides to one of the two sides instead. A
# plan that hugs the row of pits is short, but every step along it risks a slide into a pit.
#
# The class below follows the interface of Gymnasium, the library used in the next lessons:
# `reset()` returns the first observation and an info dict, `step(action)` returns the next
# observation, the reward, whether the episode *terminated* (goal or pit), whether it was
# *truncated* (the step limit ran out) and an info dict. A state is simply the index of a
# square, `row * n_cols + col`. One method, `transitions`, spells out where an action can
# lead and with what probability; `step` samples from exactly that list, and later the
# dynamic programming check reads it directly, so the two can never disagree.

# %%
LAYOUT = (
    "........",
    ".#.##.#.",
    "........",
    "........",
    "S.PPPP.G",
)


class GridWorld:
    """A small grid with walls, pits, one goal and a slippery floor."""

    MOVES = [(-1, 0), (0, 1), (1, 0), (0, -1)]  # up, right, down, left
    ARROWS = "↑→↓←"

    def __init__(
        self, layout, slip=0.2, step_reward=-0.04, goal_reward=1.0, pit_reward=-1.0, max_steps=100
    ):
        self.layout = layout
        self.n_rows, self.n_cols = len(layout), len(layout[0])
        self.n_states, self.n_actions = self.n_rows * self.n_cols, 4
        self.slip, self.max_steps = slip, max_steps
        self.step_reward, self.goal_reward, self.pit_reward = step_reward, goal_reward, pit_reward
        self.start = "".join(layout).index("S")
        self.rng = np.random.default_rng()

    def cell(self, state):
        return self.layout[state // self.n_cols][state % self.n_cols]

    def move(self, state, direction):
        """Where a move in `direction` would take us if nothing slipped."""
        row, col = divmod(state, self.n_cols)
        d_row, d_col = self.MOVES[direction]
        row, col = row + d_row, col + d_col
        if not (0 <= row < self.n_rows and 0 <= col < self.n_cols) or self.layout[row][col] == "#":
            return state
        return row * self.n_cols + col

    def transitions(self, state, action):
        """Every (probability, next state) pair that `action` can lead to from `state`."""
        side = self.slip / 2
        return [
            (1 - self.slip, self.move(state, action)),
            (side, self.move(state, (action + 1) % 4)),
            (side, self.move(state, (action + 3) % 4)),
        ]

    def outcome(self, state):
        """Reward for arriving in `state`, and whether the episode ends there."""
        kind = self.cell(state)
        if kind == "G":
            return self.goal_reward, True
        if kind == "P":
            return self.pit_reward, True
        return self.step_reward, False

    def reset(self, seed=None):
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.state, self.t = self.start, 0
        return self.state, {}

    def step(self, action):
        probs, next_states = zip(*self.transitions(self.state, action), strict=True)
        self.state = next_states[self.rng.choice(3, p=probs)]
        self.t += 1
        reward, terminated = self.outcome(self.state)
        truncated = self.t >= self.max_steps and not terminated
        return self.state, reward, terminated, truncated, {}


env = GridWorld(LAYOUT)
print(f"{env.n_rows} x {env.n_cols} grid, {env.n_states} states, {env.n_actions} actions")
print("\n".join(LAYOUT))

# %% [markdown]
# ## The whole game: learn, then compare with random
#
# Here is the complete algorithm and its result in one cell. The agent keeps a table
# `Q[state, action]`, its estimate of the total (discounted) reward it will collect if it
# takes `action` in `state` and behaves well afterwards. It starts with all zeros. In each
# step it mostly takes the action its table rates best, but with probability `epsilon` it
# tries a random one instead, so that it keeps discovering things; `epsilon` shrinks from 1
# to 0.05 over the first half of training. After every step it nudges one entry of the
# table towards what it has just seen. We will take that nudge apart below.
#
# To judge the result we need a baseline, and the simplest possible agent is one that
# picks a move uniformly at random. Both agents are then scored the same way: the average
# undiscounted return (sum of rewards) over 2,000 fresh episodes, with exploration switched
# off for the learner.


# %%
def q_learning(env, episodes=3000, alpha=0.2, gamma=0.99, eps_start=1.0, eps_end=0.05, seed=0):
    rng = np.random.default_rng(seed)
    Q = np.zeros((env.n_states, env.n_actions))
    env.reset(seed=seed)
    returns = np.zeros(episodes)
    for episode in range(episodes):
        epsilon = max(eps_end, eps_start - (eps_start - eps_end) * episode / (episodes / 2))
        state, _ = env.reset()
        done = False
        while not done:
            if rng.random() < epsilon:
                action = int(rng.integers(env.n_actions))  # explore
            else:
                action = int(Q[state].argmax())  # exploit
            next_state, reward, terminated, truncated, _ = env.step(action)
            target = reward if terminated else reward + gamma * Q[next_state].max()
            Q[state, action] += alpha * (target - Q[state, action])
            state, done = next_state, terminated or truncated
            returns[episode] += reward
    return Q, returns


def evaluate(env, policy, episodes=2000, seed=1):
    """Average undiscounted return of `policy(state) -> action` over fresh episodes."""
    env.reset(seed=seed)
    returns = np.zeros(episodes)
    for episode in range(episodes):
        state, _ = env.reset()
        done = False
        while not done:
            state, reward, terminated, truncated, _ = env.step(policy(state))
            returns[episode] += reward
            done = terminated or truncated
    return returns


start = time.perf_counter()
Q, train_returns = q_learning(env)
train_seconds = time.perf_counter() - start

policy_rng = np.random.default_rng(0)
random_returns = evaluate(env, lambda s: int(policy_rng.integers(4)))
learned_returns = evaluate(env, lambda s: int(Q[s].argmax()))

print(f"trained on {len(train_returns)} episodes in {train_seconds:.1f} s")
print(f"random policy : mean return {random_returns.mean():+.3f}")
print(f"Q-learning    : mean return {learned_returns.mean():+.3f}")
print(f"improvement   : {learned_returns.mean() - random_returns.mean():+.3f} per episode")
assert learned_returns.mean() > random_returns.mean() + 1.5, (
    "Q-learning should beat random by a wide margin"
)
assert learned_returns.mean() > 0.3, "the learned policy should usually reach the goal"

# %% [markdown]
# The random walker loses about two points per episode, the trained agent wins a little
# over 0.4: a gain of roughly 2.4 points per episode, from nothing but trial, error and a
# table of 160 numbers. A return of 0.43 means the agent reaches the goal in about a dozen
# steps nearly every time (1 − 12 × 0.04 ≈ 0.5), with an occasional slide into a pit or a
# longer wander along the way. Now let us open the box, starting with the world itself.
#
# ## Opening up the world: what "slippery" means
#
# Reading the class is one way to check the world; watching it is another. From the square
# just right of the start, the agent asks to move *up* thousands of times and we count
# where it actually lands. The counts should match the probabilities `transitions` promises.

# %%
probe = GridWorld(LAYOUT)
probe.reset(seed=0)
from_state, action = probe.start + 1, 0  # the square right of S; action 0 = up
landings = {}
for _ in range(10_000):
    probe.state, probe.t = from_state, 0
    next_state, *_ = probe.step(action)
    landings[next_state] = landings.get(next_state, 0) + 1

for prob, next_state in probe.transitions(from_state, action):
    row, col = divmod(next_state, probe.n_cols)
    seen = landings[next_state] / 10_000
    print(f"to ({row},{col}) '{probe.cell(next_state)}': promised {prob:.2f}, observed {seen:.3f}")
    assert abs(seen - prob) < 0.02

# %% [markdown]
# One ask for "up" lands in a pit one time in ten. That single fact shapes the whole
# solution, as we will see on the policy map.
#
# ## The baseline, looked at closely
#
# A baseline earns its keep when we understand *why* it scores what it scores. The random
# walker's episodes end in one of three ways: in the goal, in a pit, or by running out of
# steps. Counting the endings explains its −2.


# %%
def endings(env, policy, episodes=2000, seed=2):
    env.reset(seed=seed)
    counts = {"goal": 0, "pit": 0, "timeout": 0}
    for _ in range(episodes):
        state, _ = env.reset()
        done = False
        while not done:
            state, _, terminated, truncated, _ = env.step(policy(state))
            done = terminated or truncated
        counts[
            "goal" if env.cell(state) == "G" else "pit" if env.cell(state) == "P" else "timeout"
        ] += 1
    return counts


random_endings = endings(env, lambda s: int(policy_rng.integers(4)))
learned_endings = endings(env, lambda s: int(Q[s].argmax()))
print("random :", random_endings)
print("learned:", learned_endings)
assert learned_endings["goal"] > 0.9 * sum(learned_endings.values())

# %% [markdown]
# The random walker mostly falls into a pit within a few steps of the start (the pits are
# right next to it), and when it avoids them it tends to time out after paying the step fee
# a hundred times. The goal is rare. The learner reaches the goal in well over nine episodes
# out of ten.
#
# ## Opening up the update
#
# The heart of Q-learning is one line:
#
# ```python
# target = reward if terminated else reward + gamma * Q[next_state].max()
# Q[state, action] += alpha * (target - Q[state, action])
# ```
#
# `Q[state, action]` is a guess of the discounted return
# $r_1 + \gamma r_2 + \gamma^2 r_3 + \dots$ after taking `action` in `state`. After one step
# we know the first term for real (`reward`) and we can estimate the rest with our own
# table: the best value available from the square we landed on, `Q[next_state].max()`. This
# one-step estimate is the **target**, and the difference `target - Q[state, action]` is the
# **temporal-difference error**: how surprised the table is by what just happened. The
# learning rate `alpha` decides how far to move towards the target; a small value averages
# over the randomness of the slippery floor instead of chasing the latest slide.
#
# Three details are worth noticing.
#
# * **Bootstrapping.** The target uses the table itself. The first time the agent reaches the
#   goal, only the square before it learns anything; the good news then travels backwards
#   one square per visit. That is why the early episodes look hopeless in the learning curve.
# * **Termination versus truncation.** Falling into a pit or reaching the goal really ends
#   the future, so the target is just the reward. Running out of steps does not make the
#   square worthless, so there we still bootstrap. Mixing the two up teaches the agent that
#   squares visited late in long episodes are bad, which is false.
# * **Off-policy learning.** The target uses `max`, the value of the *best* next action,
#   even though the agent sometimes acts at random. Q-learning therefore learns the value of
#   the greedy policy while following an exploring one. (Its cousin SARSA uses the action
#   actually taken next, and learns the value of the exploring policy instead.)
#
# Let us run one update by hand on an empty table, for the square just left of the goal.

# %%
gamma, alpha = 0.99, 0.2
demo_Q = np.zeros((env.n_states, env.n_actions))
state = env.start + env.n_cols - 2  # bottom row, just left of G
reward, next_state = env.goal_reward, state + 1  # suppose "right" worked and we reached G
target = reward  # terminated: nothing follows the goal
demo_Q[state, 1] += alpha * (target - demo_Q[state, 1])
print(f"after one success: Q[left of G, right] = {demo_Q[state, 1]:.2f}")
for _ in range(30):
    demo_Q[state, 1] += alpha * (target - demo_Q[state, 1])
print(f"after 31 successes: Q[left of G, right] = {demo_Q[state, 1]:.3f}")
print(f"what the trained table says: {Q[state, 1]:.3f}")

# %% [markdown]
# Repeated successes pull the entry towards 1. The trained table holds a little less,
# because in the real world "right" from that square sometimes slips up or down, which costs
# a step and postpones the prize.
#
# ## The learning curve
#
# Episode returns during training are noisy (the floor is random and the agent explores on
# purpose), so we plot a moving average over 100 episodes, with the random baseline and the
# final greedy score for reference. The dotted line marks where `epsilon` reaches its floor.


# %%
def moving_average(x, window=100):
    return np.convolve(x, np.ones(window) / window, mode="valid")


fig, ax = plt.subplots(figsize=(8, 4))
smooth = moving_average(train_returns)
ax.plot(np.arange(len(smooth)) + 100, smooth, label="Q-learning (training, 100-episode average)")
ax.axhline(random_returns.mean(), color="tab:red", ls="--", label="random policy")
ax.axhline(learned_returns.mean(), color="tab:green", ls="--", label="learned greedy policy")
ax.axvline(len(train_returns) / 2, color="gray", ls=":", lw=1)
ax.set_xlabel("episode")
ax.set_ylabel("return")
ax.set_title("Learning curve on the slippery gridworld")
ax.legend(loc="lower right")
plt.show()

assert train_returns[-500:].mean() > train_returns[:500].mean() + 1.0

# %% [markdown]
# The curve starts at the random walker's level (epsilon is 1 at first, so the agent *is* a
# random walker), climbs as the good news spreads backwards from the goal and exploration
# fades, and levels off once epsilon stops shrinking. The training curve stays a bit below
# the greedy score because 5% of the moves are still random.
#
# ## What the agent believes: the policy and value map
#
# The table is easier to read as a picture. For each square we colour the value
# $V(s) = \max_a Q(s, a)$, the return the agent expects from there, and draw an arrow for
# the greedy action $\arg\max_a Q(s, a)$.


# %%
def show_policy(ax, env, Q, title):
    values = Q.max(axis=1).reshape(env.n_rows, env.n_cols).copy()
    masked = np.ma.masked_array(values, mask=[[c in "#PG" for c in row] for row in env.layout])
    image = ax.imshow(masked, cmap="viridis", vmin=-0.5, vmax=1.0)
    for s in range(env.n_states):
        row, col = divmod(s, env.n_cols)
        kind = env.cell(s)
        if kind == "#":
            ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, color="dimgray"))
        elif kind in "PG":
            color = "tab:red" if kind == "P" else "tab:green"
            ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, color=color))
            ax.text(col, row, kind, ha="center", va="center", color="white", fontsize=14)
        else:
            label = env.ARROWS[int(Q[s].argmax())] + ("\nS" if kind == "S" else "")
            ax.text(col, row, label, ha="center", va="center", color="white", fontsize=13)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)
    return image


fig, ax = plt.subplots(figsize=(7, 4.5))
image = show_policy(ax, env, Q, "Q-learning: greedy action and value per square")
fig.colorbar(image, ax=ax, label="V(s) = max Q(s, a)")
plt.show()

# %% [markdown]
# Two things stand out. Values rise towards the goal, because squares closer to it collect
# the +1 sooner and pay fewer fees. And the route is not the shortest one. The shortest path
# runs right along the row of pits (nine steps); the agent instead climbs two rows, walks
# across, and comes back down (eleven steps). Every step beside the pits would carry a 10%
# chance of sliding into one, and two extra step fees (0.08) are far cheaper than that risk.
# Even on the start square the agent goes up, away from the pit next door.
#
# ## Checking the answer with dynamic programming
#
# Q-learning never looked at the rules: it only saw samples. Because we wrote the world
# ourselves we *can* read the rules, and with them compute the optimal values exactly by
# **value iteration**: repeat
# $Q(s, a) \leftarrow \sum_{s'} P(s' \mid s, a)\,[\,r(s') + \gamma \max_{a'} Q(s', a')\,]$
# over all squares at once until nothing changes. This is the Bellman optimality equation
# the Q-learning target was sampling from, and with the transition probabilities stored in a
# tensor `P[s, a, s']` one sweep is a single batched matrix product, run on `DEVICE`.


# %%
def value_iteration(env, gamma=0.99, tol=1e-8, max_sweeps=1000):
    P = torch.zeros(env.n_states, env.n_actions, env.n_states)
    R = torch.zeros(env.n_states, env.n_actions)  # expected reward of the next step
    alive = torch.ones(env.n_states)  # terminal squares and walls are worth 0
    for s in range(env.n_states):
        if env.cell(s) in "#PG":
            alive[s] = 0
            continue
        for a in range(env.n_actions):
            for prob, s_next in env.transitions(s, a):
                P[s, a, s_next] += prob
                R[s, a] += prob * env.outcome(s_next)[0]
    P, R, alive = P.to(DEVICE), R.to(DEVICE), alive.to(DEVICE)
    V = torch.zeros(env.n_states, device=DEVICE)
    sweeps, change = 0, float("inf")
    while change > tol and sweeps < max_sweeps:
        Q_dp = R + gamma * (P @ V)  # (S, A, S) @ (S,) -> (S, A)
        V_new = Q_dp.max(dim=1).values * alive
        change = (V_new - V).abs().max().item()
        V, sweeps = V_new, sweeps + 1
    return Q_dp.cpu().numpy(), sweeps


Q_opt, sweeps = value_iteration(env)
optimal_returns = evaluate(env, lambda s: int(Q_opt[s].argmax()))
open_squares = [s for s in range(env.n_states) if env.cell(s) not in "#PG"]
agree = np.mean([Q[s].argmax() == Q_opt[s].argmax() for s in open_squares])
print(f"value iteration converged after {sweeps} sweeps")
print(f"optimal policy: mean return {optimal_returns.mean():+.3f}")
print(f"Q-learning    : mean return {learned_returns.mean():+.3f}")
print(f"greedy actions agree on {agree:.0%} of the {len(open_squares)} open squares")
assert learned_returns.mean() > optimal_returns.mean() - 0.05, (
    "Q-learning should be close to optimal"
)

fig, axes = plt.subplots(1, 2, figsize=(12, 4))
show_policy(axes[0], env, Q, "Q-learning (from samples)")
show_policy(axes[1], env, Q_opt, "value iteration (from the rules)")
plt.show()

# %% [markdown]
# The learned policy scores the same as the optimal one up to evaluation noise. Where the
# arrows differ, look at *where*: squares far from the route (in the top row, here) are
# rarely visited once the agent has found its way, so their entries got few updates, and a
# wrong arrow there costs nothing because the greedy agent never goes there. Sampling-based
# learning is precise where the agent spends its time and vague elsewhere, a pattern that
# returns with a vengeance in deep RL.
#
# Value iteration needed the full table `P` of size states × actions × states. For this
# grid that is 40 × 4 × 40 numbers; for a game of chess it could not be written down.
# Q-learning needs only the ability to *try* things, which is why it, and its deep
# descendants, are the tools of choice when the rules are unknown or too large.
#
# ## Why the detour? Turn the slip off
#
# If the detour is caused by the slippery floor, it should vanish on a dry one. Value
# iteration answers this in milliseconds: solve a copy of the world with `slip=0`, then use
# that "dry" plan in the real, slippery world.

# %%
dry = GridWorld(LAYOUT, slip=0.0)
Q_dry, _ = value_iteration(dry)
dry_plan_on_slippery = evaluate(env, lambda s: int(Q_dry[s].argmax()))
print(f"dry plan on the slippery floor: mean return {dry_plan_on_slippery.mean():+.3f}")
print(f"slippery-aware plan           : mean return {optimal_returns.mean():+.3f}")
assert dry_plan_on_slippery.mean() < optimal_returns.mean() - 0.1

fig, ax = plt.subplots(figsize=(6, 4))
show_policy(ax, dry, Q_dry, "optimal plan when nothing slips")
plt.show()

# %% [markdown]
# On a dry floor the best plan walks straight along the pits. Carried over to the slippery
# floor, that same plan loses a good share of episodes to slides. The lesson generalises: a
# policy is optimal *for a particular world*, including its randomness, and an agent
# trained in simulation inherits every assumption the simulation makes.
#
# ## What we did
#
# * A world with states, actions, rewards and random transitions, with a Gymnasium-style
#   `reset`/`step` interface.
# * A random baseline (about −2 per episode), and a tabular Q-learner that scores about
#   +0.43, essentially the optimum computed by value iteration.
# * The update rule: move `Q[s, a]` towards `reward + gamma * max Q[next]`, stop
#   bootstrapping at true terminations, explore with a shrinking epsilon.
# * The learned route avoids the pits because the floor is slippery; without the slip the
#   optimal route changes.
#
# The table worked because there were only 40 squares. CartPole, in the next lesson, has a
# continuous state: four real numbers. No table can list them all, so a neural network
# takes the table's place.
#
# ## Questions
#
# 1. Why does Q-learning's target use `Q[next_state].max()` rather than the value of the
#    action the exploring agent will actually take next? What would change if it used the
#    latter (SARSA), especially near the pits?
# 2. The update stops bootstrapping when `terminated` is true but not when `truncated` is
#    true. Explain why, and predict what the value map would look like if truncation were
#    treated as termination.
# 3. With all entries of `Q` starting at zero and a step reward of −0.04, untried actions look
#    *better* than tried ones for a while. How does this "optimism" help exploration?
# 4. What happens to the learned route if the step fee is raised to −0.2? Argue first, then
#    check with `value_iteration`.
# 5. Why are the arrows in rarely visited squares less trustworthy than those along the
#    route, and why does it not hurt the greedy agent's score?
# 6. The discount factor `gamma` is 0.99. What would a value of 0.5 do to the values far from
#    the goal, and to the agent's willingness to take the longer, safer route?
# 7. Value iteration needed `P[s, a, s']`. Give two reasons why that table is unavailable in
#    most real problems.
#
# ## Further research
#
# * Implement SARSA (replace the `max` in the target with the value of the next action the
#   agent actually chooses) and compare its route and its training returns with
#   Q-learning's. Sutton and Barto's "cliff walking" example is the classic version of this
#   comparison.
# * Measure how the number of training episodes needed to get within 0.05 of the optimal
#   return depends on `alpha` and on the epsilon schedule. Use at least five seeds per
#   setting and plot the mean with its spread.
# * Design a larger grid (say 15 × 15 with a maze of walls) and find out where tabular
#   Q-learning starts to struggle. What would you change: exploration, the learning rate,
#   or the representation?
