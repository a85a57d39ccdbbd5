# ---
# title: "Q-learning on a slippery gridworld"
# summary: An agent learns to cross the slippery gridworld of the MDP lesson from reward alone, without being told the rules, beats a random walker by a wide margin, and matches the plan that dynamic programming computed from the rules.
# stage: 5
# kind: lesson
# minutes: 45
# device: cpu
# resources: [sutton-barto-rl-book, silver-ucl-rl-course, weng-long-peek-into-rl, simonini-deep-rl-course]
# prerequisites: [stage-5/18-markov-decision-processes]
# data: []
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
# In the lesson on Markov decision processes we *planned*: we read the rules of a slippery
# gridworld, the transition probabilities `P[s, a, s']` and the rewards, and computed the
# best behaviour by dynamic programming. Real agents rarely get the rules. They act, the
# world answers with a new situation and a reward, and they have to work out from those
# answers alone which actions lead, sooner or later, to a lot of reward. That is
# reinforcement learning proper: nobody tells the agent the right move, and it often finds
# out only many steps later whether things went well.
#
# So we take the same world and hide its rules. The agent's whole "brain" is a table with
# one number per square and action, and the method is **Q-learning**. The deep methods of
# the next two lessons are this same idea with a neural network in place of the table.
#
# The plan follows the course's habit. First the whole game: the world, an agent trained in
# it, and a comparison with an agent that acts at random. Then we open it up: how the world
# moves, what one learning step does, how learning progresses, what the agent believes
# about each square, and whether that belief is right. For the last question we already
# have the answer key: the optimal plan from the MDP lesson.
#
# **Runtime:** about 10 s on a laptop CPU. Everything is NumPy: a table of 160 numbers needs
# no neural network and no GPU.

# %%
import os
import time

import matplotlib.pyplot as plt
import numpy as np

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried

# %% [markdown]
# ## A world to act in
#
# The world is the one from the MDP lesson. The agent starts on `S` and wants to reach the
# goal `G`. The squares marked `P` are pits, `#` are walls. Each turn the agent picks one of
# four moves (up, right, down, left) and then:
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
# The class is the MDP lesson's `GridWorld` with a step limit and two methods added, which
# follow the interface of Gymnasium, the library used in the next lessons: `reset()`
# returns the first observation and an info dict, `step(action)` returns the next
# observation, the reward, whether the episode *terminated* (goal or pit), whether it was
# *truncated* (the step limit ran out) and an info dict. A state is simply the index of a
# square, `row * n_cols + col`. `step` samples from exactly the list that `transitions`
# returns, so the agent plays in the world whose optimal plan we computed. The agent itself
# only ever calls `reset` and `step`.

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
# undiscounted return (sum of rewards) and the average number of steps over 2,000 fresh
# episodes, with exploration switched off for the learner.


# %%
def q_learning(env, episodes=3000, alpha=0.2, gamma=0.99, eps_start=1.0, eps_end=0.05, seed=SEED):
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


def evaluate(env, policy, episodes=2000, seed=SEED + 1):
    """Undiscounted return and length of each of `episodes` fresh episodes of `policy`."""
    env.reset(seed=seed)
    returns, lengths = np.zeros(episodes), np.zeros(episodes, dtype=int)
    for episode in range(episodes):
        state, _ = env.reset()
        done = False
        while not done:
            state, reward, terminated, truncated, _ = env.step(policy(state))
            returns[episode] += reward
            lengths[episode] += 1
            done = terminated or truncated
    return returns, lengths


start = time.perf_counter()
Q, train_returns = q_learning(env)
train_seconds = time.perf_counter() - start

policy_rng = np.random.default_rng(SEED + 3)
random_returns, random_lengths = evaluate(env, lambda s: int(policy_rng.integers(4)))
learned_returns, learned_lengths = evaluate(env, lambda s: int(Q[s].argmax()))

print(f"trained on {len(train_returns)} episodes in {train_seconds:.1f} s")
for name, returns, lengths in (
    ("random policy", random_returns, random_lengths),
    ("Q-learning   ", learned_returns, learned_lengths),
):
    print(f"{name}: mean return {returns.mean():+.3f}, {lengths.mean():4.1f} steps per episode")
print(f"improvement  : {learned_returns.mean() - random_returns.mean():+.3f} per episode")
assert -2.2 < random_returns.mean() < -1.8, "the random walker loses about two points"
assert 0.40 < learned_returns.mean() < 0.47, "the learner wins a little over 0.4"
assert 2.2 < learned_returns.mean() - random_returns.mean() < 2.6
assert 14.5 < learned_lengths.mean() < 16.0, "about 15 steps per episode"

# %% [markdown]
# The random walker loses about two points per episode, the trained agent wins a little
# over 0.4: a gain of roughly 2.4 points per episode, from nothing but trial, error and a
# table of 160 numbers. A return of 0.43 fits an agent that reaches the goal in about 15
# steps (1 − 14 × 0.04 ≈ 0.44), and 15 steps is what its episodes last on average: the
# route itself is eleven steps long, and slides on the slippery floor add about four. As
# we will count below, it does not fall into a single pit. Now let us open the box,
# starting with the world itself.
#
# ## Opening up the world: what "slippery" means
#
# Reading the class is one way to check the world; watching it is another. From the square
# just right of the start, the agent asks to move *up* thousands of times and we count
# where it actually lands. The counts should match the probabilities `transitions` promises.

# %%
probe = GridWorld(LAYOUT)
probe.reset(seed=SEED + 4)
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
# solution, as the MDP lesson showed and the policy map below will confirm.
#
# Quick check: on the same square, right of the start, the agent presses "left" instead,
# towards `S`. What is the chance, in percent, that it lands in a pit?
#
# Answer: 0 %
#
# Why: "left" goes left with probability 0.8 and slides up or down with 0.1 each. Up is an
# ordinary square and down is off the grid, where the agent stays put; no pit is among them.
#
# ## The baseline, looked at closely
#
# A baseline earns its keep when we understand *why* it scores what it scores. The random
# walker's episodes end in one of three ways: in the goal, in a pit, or by running out of
# steps. Counting the endings explains its −2. The same function also counts how often
# each square is visited, which we will need later.


# %%
def endings(env, policy, episodes=2000, seed=SEED + 2):
    env.reset(seed=seed)
    counts = {"goal": 0, "pit": 0, "timeout": 0}
    pit_lengths, visits = [], np.zeros(env.n_states, dtype=int)
    for _ in range(episodes):
        state, _ = env.reset()
        done, steps = False, 0
        while not done:
            visits[state] += 1
            state, _, terminated, truncated, _ = env.step(policy(state))
            steps += 1
            done = terminated or truncated
        kind = {"G": "goal", "P": "pit"}.get(env.cell(state), "timeout")
        counts[kind] += 1
        if kind == "pit":
            pit_lengths.append(steps)
    return counts, np.array(pit_lengths), visits


# the random walker's rarer endings (goal, timeout) need more episodes to be told apart
random_endings, random_pit_lengths, _ = endings(
    env, lambda s: int(policy_rng.integers(4)), episodes=4000
)
learned_endings, _, learned_visits = endings(env, lambda s: int(Q[s].argmax()))
print("random :", random_endings)
print(f"         half of its pit endings come within {np.median(random_pit_lengths):.0f} steps")
print("learned:", learned_endings)
n_random, n_learned = sum(random_endings.values()), sum(learned_endings.values())
assert random_endings["pit"] > 0.85 * n_random and random_endings["goal"] < 0.05 * n_random
assert random_endings["timeout"] > random_endings["goal"]
assert 10 <= np.median(random_pit_lengths) <= 19
assert learned_endings["goal"] == n_learned and learned_endings["pit"] == 0

# %% [markdown]
# The random walker falls into a pit in about nine episodes out of ten, half of the time
# within about 15 steps (the pits are right next to the start). When it avoids them it
# times out, after paying the step fee a hundred times, more often than it finds the goal
# (typically about twice as often), which it reaches in fewer than one episode in twenty.
# Rare endings need many episodes: with a few hundred, goals and timeouts would number a
# dozen or two each, and which one came out ahead would change from seed to seed. The
# learner reaches the goal in every one of
# the 2,000 episodes and never falls into a pit; the MDP lesson computed that the optimal
# plan's chance of a pit is exactly zero, and Q-learning has found a policy that shares it.
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
# Quick check: an entry holds `Q[s, a] = 0`. The agent takes `a`, pays the fee of −0.04 and
# lands on an ordinary square whose best entry is 0.5. With `alpha = 0.2` and
# `gamma = 0.99`, what does `Q[s, a]` hold after the update?
#
# Answer: 0.091 ± 0.001
#
# Why: the target is −0.04 + 0.99 × 0.5 = 0.455, the error is 0.455 − 0 and the entry
# moves a fifth of the way: 0.2 × 0.455 = 0.091.
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
assert abs(demo_Q[state, 1] - (1 - 0.8**31)) < 1e-12
assert abs(Q[state, 1] - 0.98) < 0.04

# %% [markdown]
# Repeated successes pull the entry towards 1. The trained table holds less, about 0.98,
# because in the real world "right" from that square slips up or down one time in five,
# which costs a step and postpones the prize. The exact figure changes from run to run
# (other seeds give anything from about 0.97 to 0.99): with a fixed learning rate of 0.2
# the entry never settles, it keeps moving a fifth of the way towards whatever the latest
# step brought. The answer key at the end of the lesson gives the value it hovers around.
#
# ## The learning curve
#
# Episode returns during training are noisy (the floor is random and the agent explores on
# purpose), so we plot a moving average over 100 episodes, with the random baseline and the
# final greedy score for reference. The dotted line marks where `epsilon` reaches its floor.


# %% alt="Learning curve over 3,000 training episodes: the 100-episode average return starts near the random policy's -2, climbs steadily while epsilon shrinks, and levels off around +0.37 from episode 1,500 on, where epsilon reaches its floor, a little below the dashed line of the greedy policy's +0.43"
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

print(
    f"first 500 training episodes: {train_returns[:500].mean():+.2f}, "
    f"last 500: {train_returns[-500:].mean():+.2f}"
)
assert train_returns[-500:].mean() > train_returns[:500].mean() + 1.0
assert train_returns[-500:].mean() < learned_returns.mean(), "exploring costs a little"

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


# %% alt="Map of the grid: each open square coloured by the agent's value, rising from about +0.3 near the start to nearly +1 beside the goal, with the greedy action as an arrow; from the start the arrows lead up two rows, right along row 2 and back down to the goal, one row away from the pits"
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

route, s = [env.start], env.start  # follow the arrows from S as if nothing slipped
while env.cell(s) not in "PG" and len(route) <= env.n_states:
    s = env.move(s, int(Q[s].argmax()))
    route.append(s)
print("the greedy route if nothing slips:", [divmod(s, env.n_cols) for s in route])
assert env.cell(route[-1]) == "G" and len(route) - 1 == 11
assert min(s // env.n_cols for s in route) == 2 and int(Q[env.start].argmax()) == 0

# %% [markdown]
# Two things stand out. Values rise towards the goal, because squares closer to it collect
# the +1 sooner and pay fewer fees. And the route is not the shortest one. The shortest path
# runs right along the row of pits (nine steps); the agent instead climbs two rows, walks
# across, and comes back down (eleven steps). Every step beside the pits would carry a 10%
# chance of sliding into one, and two extra step fees (0.08) are far cheaper than that risk.
# Even on the start square the agent goes up, away from the pit next door. This is the
# detour the MDP lesson computed from the rules; the agent found it from experience alone.
#
# ## Checking the answer with dynamic programming
#
# Q-learning never looked at the rules: it only saw samples. The MDP lesson did read them,
# and computed the optimal values by **value iteration**, repeating
# $Q(s, a) \leftarrow \sum_{s'} P(s' \mid s, a)\,[\,r(s') + \gamma \max_{a'} Q(s', a')\,]$
# over all squares at once until nothing changes. That is the Bellman optimality equation,
# and the Q-learning target is a one-sample estimate of its right-hand side: one observed
# `next_state` in place of the sum over all of them. Below is the same computation in a
# few lines, as the answer key for the learned table.


# %%
def value_iteration(env, gamma=0.99, tol=1e-8):
    """Optimal Q-values from the rules, as in the MDP lesson."""
    P = np.zeros((env.n_states, env.n_actions, env.n_states))
    for s in range(env.n_states):
        if env.cell(s) not in "#PG":  # no moves out of walls and finished episodes
            for a in range(env.n_actions):
                for prob, s_next in env.transitions(s, a):
                    P[s, a, s_next] += prob
    R = P @ np.array([env.outcome(s)[0] for s in range(env.n_states)])
    V, change = np.zeros(env.n_states), np.inf
    while change > tol:
        Q_dp = R + gamma * (P @ V)  # (S, A, S) @ (S,) -> (S, A)
        change, V = np.abs(Q_dp.max(axis=1) - V).max(), Q_dp.max(axis=1)
    return Q_dp


Q_opt = value_iteration(env)
optimal_returns, _ = evaluate(env, lambda s: int(Q_opt[s].argmax()))
open_squares = [s for s in range(env.n_states) if env.cell(s) not in "#PG"]
differ = [s for s in open_squares if Q[s].argmax() != Q_opt[s].argmax()]
print(f"optimal policy: mean return {optimal_returns.mean():+.3f}")
print(f"Q-learning    : mean return {learned_returns.mean():+.3f}")
print(
    f"greedy actions agree on {1 - len(differ) / len(open_squares):.0%} of the "
    f"{len(open_squares)} open squares"
)
# what the learned move gives up against the best one, valued by the rules
regret = Q_opt.max(axis=1) - Q_opt[np.arange(env.n_states), Q.argmax(axis=1)]
visits_per_episode = learned_visits / n_learned
for s in differ:
    print(
        f"  differ at {divmod(s, env.n_cols)}: the greedy agent stands there "
        f"{visits_per_episode[s]:.2f} times per episode, its move gives up {regret[s]:.4f}"
    )
cost = float((visits_per_episode * regret)[differ].sum())
worst_visited = max((regret[s] for s in differ if learned_visits[s] > 0), default=0.0)
print(f"what the disagreements cost together: {cost:.4f} per episode")
left_of_goal = env.start + env.n_cols - 2
print(
    f"Q[left of G, right]: trained {Q[left_of_goal, 1]:.3f}, "
    f"from the rules {Q_opt[left_of_goal, 1]:.3f}"
)
assert abs(learned_returns.mean() - optimal_returns.mean()) < 0.03, "as good as the optimum"
assert cost < 0.02, "the disagreements cost almost nothing"
assert worst_visited < 0.01, "where the agent goes, it differs only between near-equal moves"
assert abs(Q_opt[left_of_goal, 1] - 0.980) < 0.001

# %% alt=["Map of the Q-learning agent's greedy actions and values, the same as the map above: up from the start, across row 2 and down to the goal", "The same map for the optimal plan computed by value iteration: the colours are almost identical, and the arrows agree along the route and on all but a few squares of the top row"]
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
show_policy(axes[0], env, Q, "Q-learning (from samples)")
show_policy(axes[1], env, Q_opt, "value iteration (from the rules)")
plt.show()

# %% [markdown]
# The learned policy scores the same as the optimal one up to evaluation noise. Where the
# arrows differ, look at *where*, and at what each difference costs. Which squares differ
# changes from seed to seed, but they come in two kinds. Squares of the top row, far from
# the route: rarely visited once the agent has found its way, so their entries got few
# updates, and a wrong arrow there costs nothing because the greedy agent never goes there.
# And, on some seeds, a square on the route where two moves are worth almost the same by
# the rules: at (3, 0), going up first or right first differs by about 0.003, far less
# than the noise in the learned entries, so the learner cannot rank them reliably, and it
# does not need to. Weighted by how often the agent stands on them, the disagreements cost
# less than 0.02 per episode. Sampling-based learning is precise where the agent spends
# its time and where the choice matters, and vague elsewhere, a pattern that returns with
# a vengeance in deep RL. (The entry left of the goal, 0.98 from the rules, is the value
# the trained entry was hovering around earlier.)
#
# Value iteration needed the full table `P` of size states × actions × states. For this
# grid that is 40 × 4 × 40 numbers; for a game of chess it could not be written down.
# Q-learning needs only the ability to *try* things, which is why it, and its deep
# descendants, are the tools of choice when the rules are unknown or too large.
#
# The MDP lesson also asked *why* the route takes the detour, by solving the world again
# with the slip turned off: on a dry floor the best route walks straight along the pits,
# and that dry plan, used on this slippery floor, falls into a pit in about three episodes
# out of ten. Q-learning needed no such analysis; it simply learned in the world it was
# in, slipperiness included. The flip side is that an agent trained in a simulator inherits
# every assumption the simulator makes.
#
# ## What we did
#
# * Put an agent in the MDP lesson's gridworld behind a Gymnasium-style `reset`/`step`
#   interface, so that it could only try moves, never read `P`.
# * A random baseline (about −2 per episode, nine episodes in ten ending in a pit), and a
#   tabular Q-learner that scores about +0.43 in about 15 steps and never falls into a pit:
#   the optimum computed by value iteration, up to evaluation noise.
# * The update rule: move `Q[s, a]` towards `reward + gamma * max Q[next]`, stop
#   bootstrapping at true terminations, explore with a shrinking epsilon.
# * The learned route takes the same pit-avoiding detour as the computed plan; the two
#   disagree only where it costs almost nothing: on squares the agent never visits, or
#   between moves that are worth almost the same.
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
#
#    Answer: With the `max`, the table learns the values of the greedy policy, the one we
#    deploy, even while the agent explores (off-policy learning). SARSA learns the values of
#    the exploring policy itself. Beside the pits an exploratory move can end in a pit, so
#    SARSA rates those squares lower than Q-learning does; in Sutton and Barto's
#    cliff-walking example this makes SARSA choose a safer route while it explores.
#
# 2. The update stops bootstrapping when `terminated` is true but not when `truncated` is
#    true. Explain why, and predict what the value map would look like if truncation were
#    treated as termination.
#
#    Answer: Termination (goal or pit) really ends the future, so nothing follows the
#    reward. Truncation is only our 100-step time limit; the square is as good as ever. If
#    it were treated as termination, the squares on which wandering early episodes happen
#    to be cut off would be pulled towards a target of just −0.04 and look worse than they
#    are. Here the effect would be small, because only about 6 % of random episodes time
#    out and the trained agent never does.
#
# 3. With all entries of `Q` starting at zero and a step reward of −0.04, untried actions look
#    *better* than tried ones for a while. How does this "optimism" help exploration?
#
#    Answer: Until good news from the goal arrives, each action tried from a square gets a
#    target of about −0.04 and its entry drops below zero, so the greedy choice moves to an
#    action that has not been tried yet. Even
#    without epsilon the agent would work through the actions of a square before it
#    settles, a systematic kind of exploration.
#
# 4. What happens to the learned route if the step fee is raised to −0.2? Argue first, then
#    check with `value_iteration`.
#
#    Hint: on the slippery floor the safe route takes about 15 steps. Compare its fees with
#    what walking into the pit next to the start costs.
#
#    Answer: Fourteen fees of 0.2 cost 2.8, so reaching the goal would return about
#    1 − 2.8 = −1.8, while one step and then the pit beside the start cost 0.2 + 1 = 1.2.
#    Ending the episode at once is better than walking home: the optimal plan heads from the
#    start straight for the nearest pit and ends in one in about 87 % of episodes. A reward
#    that makes living too expensive teaches an agent to quit.
#
# 5. Why are the arrows in rarely visited squares less trustworthy than those along the
#    route, and why does it not hurt the greedy agent's score?
#
#    Answer: An entry only changes when its square is visited, so the top-row squares far
#    from the route received few updates after exploration faded, and their values are
#    rough. The greedy agent never goes there (zero visits in 2,000 test episodes), so their
#    arrows never decide anything.
#
# 6. The discount factor `gamma` is 0.99. What would a value of 0.5 do to the values far from
#    the goal, and to the agent's willingness to take the longer, safer route?
#
#    Answer: With a horizon of about two steps, a goal ten or more moves away is worth
#    almost nothing, so the values far from it flatten to about −0.04 / (1 − 0.5) = −0.08.
#    The MDP lesson found that the optimal plan then accepts a pit risk of about 1 % that
#    the plan for 0.99 refuses, to finish a little sooner. A learning agent would also
#    struggle to notice the distant goal at all, since its signal is tiny next to the fees.
#
# 7. Value iteration needed `P[s, a, s']`. Give two reasons why that table is unavailable in
#    most real problems.
#
#    Answer: Nobody knows it: the rules of a robot's physics, a market or a user are not
#    written down. And even where they are, the table is far too large to store or sweep:
#    with states × actions × states entries, a board game or a continuous state like
#    CartPole's has no such table at all.
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
