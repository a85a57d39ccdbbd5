# ---
# title: "Markov decision processes: planning when the rules are known"
# summary: A slippery gridworld written down as a Markov decision process and solved exactly in NumPy by policy evaluation, value iteration and policy iteration; the optimal plan is checked against simulated episodes and watched as the discount factor and the slipperiness change.
# stage: 5
# kind: lesson
# minutes: 45
# device: cpu
# resources: [sutton-barto-rl-book, silver-ucl-rl-course, weng-long-peek-into-rl]
# prerequisites: [stage-2/07-tensors-and-matmul]
# data: []
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Markov decision processes: planning when the rules are known
#
# Everything so far in this course learned from labelled examples: an image came with the
# digit it shows, a rating came with the user who gave it. Reinforcement learning drops the
# labels. An *agent* acts in a *world*, the world answers with a new situation and a number
# called the *reward*, and the agent has to work out which actions lead, sooner or later, to
# a lot of reward. Nobody tells it the right move.
#
# Before any learning, this lesson settles what such a problem *is* and what "the best
# behaviour" means. The standard answer is the **Markov decision process** (MDP): states,
# actions, transition probabilities, rewards and a discount factor. When all of these are
# known we do not need to learn at all; we can compute the best behaviour by **dynamic
# programming**, and that is what we do here, on a small slippery gridworld. The next
# lesson puts an agent in the very same world *without* telling it the rules, and it will
# have to find the same answer from experience. The methods later in this stage build on
# what we compute here in two different ways. Q-learning and deep Q-networks estimate the
# solution of the Bellman optimality equation, solved exactly below, from sampled moves
# instead of from the rules. Policy gradients (REINFORCE) solve no Bellman equation at all:
# they estimate returns by Monte Carlo, averaging what whole played episodes earned, which
# is the simulation check of this lesson.
#
# The plan: first the whole game, a plan computed from the rules against a random walker.
# Then we open it up: returns and discounting, evaluating a fixed policy (the Bellman
# expectation equation), finding the best one (the Bellman optimality equation, solved by
# value iteration and by policy iteration), checking the computed values against simulated
# episodes, and finally watching the plan change with the discount factor and with the
# slipperiness of the floor.
#
# **Runtime:** about 3 s on a laptop CPU. Everything is NumPy; the whole world fits in an
# array of 40 × 4 × 40 numbers, so no neural network and no GPU are needed.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

SEED = int(os.environ.get("TDL_SEED", "0"))  # any seed: the claims below hold for every one tried
np.set_printoptions(precision=3, suppress=True)

# %% [markdown]
# ## A world with known rules
#
# The world is a grid of squares. The agent starts on `S` and wants to reach the goal `G`.
# The squares marked `P` are pits, `#` are walls. Each turn the agent picks one of four
# moves (up, right, down, left) and then:
#
# * stepping into the goal pays **+1** and ends the episode;
# * stepping into a pit pays **−1** and ends the episode;
# * any other step costs **−0.04**, a small fee that makes dawdling expensive;
# * walking into a wall or off the edge leaves the agent where it was (and still costs the fee).
#
# The floor is **slippery**: with probability 0.8 the agent moves the way it meant to, and
# with probability 0.1 each it slides to one of the two sides instead. A plan that hugs the
# row of pits is short, but every step along it risks a slide into a pit.
#
# In the language of MDPs:
#
# * the **states** are the squares, numbered `row * n_cols + col` (40 of them, of which 31
#   are open floor; walls can never be occupied);
# * the **actions** are the four moves;
# * the **transition probabilities** $P(s' \mid s, a)$ say where action $a$ in state $s$
#   can lead; each row of three (intended move, slide left, slide right) sums to one;
# * the **reward** $r(s')$ is paid on arriving in $s'$;
# * the pits and the goal are **terminal**: nothing happens after them, so their value is 0.
#
# The word *Markov* names the assumption that makes all of this work: where the agent can
# go next depends only on the square it is on and the move it picks, not on how it got
# there. The current state is all the agent needs to know.
#
# The class below holds the rules and nothing else. In the next lesson the same class gets
# two more methods, `reset` and `step`, so that an agent can *play* in it instead of reading
# it. Here we read it: `mdp_arrays` turns the rules into an array `P[s, a, s']` of
# transition probabilities and an array `R[s, a]` of expected rewards for the next step.

# %%
LAYOUT = (
    "........",
    ".#.##.#.",
    "........",
    "........",
    "S.PPPP.G",
)


class GridWorld:
    """The rules of a small grid with walls, pits, one goal and a slippery floor."""

    MOVES = [(-1, 0), (0, 1), (1, 0), (0, -1)]  # up, right, down, left
    ARROWS = "↑→↓←"

    def __init__(self, layout, slip=0.2, step_reward=-0.04, goal_reward=1.0, pit_reward=-1.0):
        self.layout = layout
        self.n_rows, self.n_cols = len(layout), len(layout[0])
        self.n_states, self.n_actions = self.n_rows * self.n_cols, 4
        self.slip = slip
        self.step_reward, self.goal_reward, self.pit_reward = step_reward, goal_reward, pit_reward
        self.start = "".join(layout).index("S")

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


def mdp_arrays(world):
    """The MDP as arrays: P[s, a, s'] and the expected reward of the next step R[s, a].

    Rows of walls and terminal squares stay zero: no move leads out of them."""
    P = np.zeros((world.n_states, world.n_actions, world.n_states))
    for s in range(world.n_states):
        if world.cell(s) in "#PG":
            continue
        for a in range(world.n_actions):
            for prob, s_next in world.transitions(s, a):
                P[s, a, s_next] += prob
    arrival_reward = np.array([world.outcome(s)[0] for s in range(world.n_states)])
    return P, P @ arrival_reward


world = GridWorld(LAYOUT)
P, R = mdp_arrays(world)
OPEN = np.array([world.cell(s) not in "#PG" for s in range(world.n_states)])
open_states = np.flatnonzero(OPEN)
print("\n".join(LAYOUT))
print(f"P has shape {P.shape}, R has shape {R.shape}; {OPEN.sum()} open squares")
assert np.allclose(P[OPEN].sum(axis=2), 1.0), "from an open square every move lands somewhere"

right_of_start = world.start + 1
for s_next in np.flatnonzero(P[right_of_start, 0]):
    print(
        f"from (4,1), 'up' lands on {divmod(int(s_next), world.n_cols)} "
        f"'{world.cell(s_next)}' with probability {P[right_of_start, 0, s_next]:.1f}"
    )
print(f"expected reward of that move: R = {R[right_of_start, 0]:+.3f}")
assert abs(R[right_of_start, 0] - (-0.136)) < 1e-9

# %% [markdown]
# From the square right of the start, asking for "up" really goes up eight times in ten,
# and one time in ten it slides right, into a pit. The expected reward of that move is
# $0.8 \times (-0.04) + 0.1 \times (-0.04) + 0.1 \times (-1) = -0.136$: the pit dominates it.
#
# ## The whole game: a plan against a random walk
#
# Here is the complete method in one cell. A **policy** says what to do in each square; we
# write it as a table `policy[s, a]` of probabilities. Its **value** $V(s)$ is the expected
# discounted sum of rewards when starting in $s$ and following the policy, with discount
# factor $\gamma = 0.99$ (what that means is explained below).
#
# One function does both jobs. Starting from $V = 0$, it repeatedly replaces every square's
# value by what one step of the rules promises, $Q(s, a) = R(s, a) + \gamma \sum_{s'}
# P(s' \mid s, a) V(s')$, combined over the actions: *averaged* with the policy's
# probabilities to evaluate a given policy, or *maximised* to find the best one. The
# baseline is the simplest policy there is, a uniformly random one; the plan is whatever the
# maximising version settles on.

# %%
GAMMA = 0.99


def bellman_sweeps(P, R, policy=None, gamma=GAMMA, tol=1e-8):
    """Sweep V <- combine_a [R + gamma P V] over all squares until it stops changing.

    With `policy` (probabilities policy[s, a]) this evaluates that policy; without one it
    takes the best action everywhere, which is value iteration. Returns V, Q and the
    largest change of V in every sweep."""
    V, changes = np.zeros(len(R)), []
    while not changes or changes[-1] > tol:
        Q = R + gamma * (P @ V)  # (S, A, S) @ (S,) -> (S, A)
        V_new = Q.max(axis=1) if policy is None else (policy * Q).sum(axis=1)
        changes.append(np.abs(V_new - V).max())
        V = V_new
    return V, Q, changes


uniform = np.full((world.n_states, world.n_actions), 1 / world.n_actions)
V_random, _, random_changes = bellman_sweeps(P, R, policy=uniform)
V_star, Q_star, vi_changes = bellman_sweeps(P, R)
plan = np.eye(world.n_actions)[Q_star.argmax(axis=1)]  # one-hot: the best action per square

start = world.start
print(f"value of the start, random policy : {V_random[start]:+.3f}")
print(f"value of the start, computed plan : {V_star[start]:+.3f}")
print(f"the plan is better by {V_star[start] - V_random[start]:.2f}")
print(f"sweeps: {len(random_changes)} to evaluate the random policy, {len(vi_changes)} to plan")
assert -1.7 < V_random[start] < -1.5
assert 0.30 < V_star[start] < 0.38
assert V_star[start] - V_random[start] > 1.8
assert 450 < len(random_changes) < 520 and 50 <= len(vi_changes) <= 56
assert np.all(V_star[OPEN] >= V_random[OPEN]), "the plan is at least as good in every square"


# %% [markdown]
# Values are abstract, so we also play the game: 4,000 episodes from the start with each
# policy, all at once. `simulate` samples every move from the same `P`, pays the same
# rewards, and records how each episode ended. (Nothing stops a random walker from
# wandering for a long time, so episodes are cut off after 1,000 steps; none needs that
# many.)


# %%
def simulate(world, P, policy, starts, gamma=GAMMA, seed=SEED, max_steps=1_000):
    """Play one episode from each state in `starts`, all in parallel.

    Returns the discounted return, the number of steps and the final square of each."""
    rng = np.random.default_rng(seed)
    arrival_reward = np.array([world.outcome(s)[0] for s in range(world.n_states)])
    terminal = np.array([world.cell(s) in "PG" for s in range(world.n_states)])
    cum_P = P.cumsum(axis=2)
    cum_P /= np.where(cum_P[..., -1:] > 0, cum_P[..., -1:], 1.0)  # exact 1.0 at the end
    cum_pi = policy.cumsum(axis=1)
    cum_pi /= cum_pi[:, -1:]
    state = np.array(starts)
    returns, steps = np.zeros(len(state)), np.zeros(len(state), dtype=int)
    discount, running = np.ones(len(state)), np.ones(len(state), dtype=bool)
    for _ in range(max_steps):
        if not running.any():
            break
        s = state[running]
        action = (cum_pi[s] < rng.random((len(s), 1))).sum(axis=1)
        s_next = (cum_P[s, action] < rng.random((len(s), 1))).sum(axis=1)
        returns[running] += discount[running] * arrival_reward[s_next]
        discount[running] *= gamma
        steps[running] += 1
        state[running] = s_next
        running[running] = ~terminal[s_next]
    return returns, steps, state


def success_rate(world, final_states):
    return np.mean([world.cell(s) == "G" for s in final_states])


N_EPISODES = 4_000
starts = np.full(N_EPISODES, start)
random_g, random_steps, random_end = simulate(world, P, uniform, starts)
plan_g, plan_steps, plan_end = simulate(world, P, plan, starts)
for name, g, steps, end in (
    ("random policy", random_g, random_steps, random_end),
    ("computed plan", plan_g, plan_steps, plan_end),
):
    print(
        f"{name}: reaches the goal in {success_rate(world, end):6.1%} of episodes, "
        f"{steps.mean():5.1f} steps on average, mean discounted return {g.mean():+.3f}"
    )
assert 0.02 < success_rate(world, random_end) < 0.06
assert np.mean([world.cell(s) == "P" for s in random_end]) > 0.9
assert success_rate(world, plan_end) == 1.0
assert max(random_steps.max(), plan_steps.max()) < 1_000, "no episode reached the cut-off"

# %% [markdown]
# The random walker reaches the goal in about 4 % of its episodes; almost all the others
# end in a pit, and the value −1.61 says so. The computed plan reaches the goal every time,
# in about 15 steps on average, and its value at the start, +0.34, is almost two points
# better. The simulated returns also land close to the computed values; we will check that
# properly, square by square, once we know what the values mean.
#
# The map shows both value functions, and the plan's arrows.


# %% alt="Two maps of the grid coloured by value. Under the random policy every open square is negative, from -2.07 in the top-left corner to -0.18 just above the goal. Under the computed plan the values rise from about +0.3 near the start to +0.98 beside the goal, and the arrows lead up from the start, across row 2 and down to the goal, a row away from the pits"
def dry_route(world, policy, start=None):
    """The squares the policy visits when every move goes as intended."""
    s = world.start if start is None else start
    route = [s]
    while world.cell(s) not in "PG" and len(route) <= world.n_states:
        s = world.move(s, int(policy[s].argmax()))
        route.append(s)
    return route


def show_values(ax, world, V, title, policy=None, vmin=-2.0, vmax=1.0):
    grid = V.reshape(world.n_rows, world.n_cols)
    blocked = [[c in "#PG" for c in row] for row in world.layout]
    image = ax.imshow(np.ma.masked_array(grid, mask=blocked), cmap="viridis", vmin=vmin, vmax=vmax)
    for s in range(world.n_states):
        row, col = divmod(s, world.n_cols)
        kind = world.cell(s)
        if kind == "#":
            ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, color="dimgray"))
        elif kind in "PG":
            color = "tab:red" if kind == "P" else "tab:green"
            ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, color=color))
            ax.text(col, row, kind, ha="center", va="center", color="white", fontsize=13)
        else:
            if policy is not None:
                arrow = world.ARROWS[int(policy[s].argmax())]
                ax.text(
                    col, row - 0.15, arrow, ha="center", va="center", color="white", fontsize=13
                )
            y = row + (0.28 if policy is not None else 0)
            ax.text(col, y, f"{V[s]:+.2f}", ha="center", va="center", color="white", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)
    return image


fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
show_values(axes[0], world, V_random, "random policy: V(s)")
image = show_values(axes[1], world, V_star, "computed plan: best action and V*(s)", policy=plan)
fig.colorbar(image, ax=axes, label="value (discounted return)", shrink=0.8)
plt.show()

route = dry_route(world, plan)
print("the plan's route if nothing slips:", [divmod(int(s), world.n_cols) for s in route])
assert len(route) - 1 == 11 and min(s // world.n_cols for s in route) == 2
assert world.ARROWS[int(plan[right_of_start].argmax())] == "←"
worst = int(open_states[V_random[open_states].argmin()])
best = int(open_states[V_random[open_states].argmax()])
print(
    f"random policy: worst square {divmod(worst, world.n_cols)}, best {divmod(best, world.n_cols)}"
)
assert worst // world.n_cols == 0 and worst % world.n_cols <= 1
assert world.cell(world.move(best, 2)) == "G", "the random walker's best square is above the goal"

# %% [markdown]
# For the random walker every square is bad. The worst is the top-left corner, not a square
# next to a pit: from there the walker pays the fee for a long time and then, usually,
# falls into a pit anyway. Its best square is the one just above the goal. For the plan the
# values rise towards the goal, and the arrows do not take the shortest route. The shortest
# path runs right along the row of pits (nine steps); the plan climbs two rows, walks
# across and comes back down (eleven steps). Even on the square right of the start it
# points *left*, back to the start, rather than up with a one-in-ten chance of a slide into
# the pit. Now let us take the method apart.
#
# ## Returns and discounting
#
# An episode produces a sequence of rewards $r_1, r_2, r_3, \dots$. Its **return** adds
# them up, with each reward weighted by one more factor of the **discount** $\gamma$ than
# the one before:
#
# $$G = r_1 + \gamma r_2 + \gamma^2 r_3 + \dots = \sum_{t \ge 0} \gamma^t r_{t+1}.$$
#
# With $\gamma < 1$ a reward $k$ steps away is worth only $\gamma^k$ of the same reward now.
# That is partly a modelling choice (sooner is better) and partly a mathematical
# convenience: the sum stays finite even if an episode could go on forever, since it is
# at most $\max|r| / (1 - \gamma)$. A handy reading of $\gamma$ is its **horizon**
# $1/(1-\gamma)$, the number of steps the agent effectively looks ahead: 100 for 0.99, 10
# for 0.9, 2 for 0.5.
#
# The plan's route, if nothing slips, is eleven steps: ten ordinary squares and then the goal.

# %%
route_rewards = [world.step_reward] * 10 + [world.goal_reward]


def discounted_return(rewards, gamma):
    return sum(gamma**t * r for t, r in enumerate(rewards))


for gamma in (1.0, 0.99, 0.9, 0.5):
    g = discounted_return(route_rewards, gamma)
    print(f"gamma = {gamma:4}: return of the dry eleven-step route {g:+.3f}")
assert abs(discounted_return(route_rewards, 1.0) - 0.60) < 1e-9

# %% [markdown]
# Quick check: without discounting ($\gamma = 1$), what is the return of the nine-step route
# along the pits, if nothing slips?
#
# Answer: 0.68 ± 0.005
#
# Why: eight ordinary steps cost 8 × 0.04 = 0.32, and the ninth step pays +1 for the goal.
#
# The value of a policy is the *expected* return, because the floor and possibly the
# policy are random: $V^\pi(s) = \mathbb{E}_\pi[\,G \mid \text{start in } s\,]$. Its close
# relative $Q^\pi(s, a)$ is the expected return when the first move is $a$ and the policy
# takes over afterwards. Two numbers per square, and everything below is about computing
# them.
#
# ## Evaluating a policy: the Bellman expectation equation
#
# The return has a recursive structure: $G = r_1 + \gamma\,(\text{the return from the next
# square on})$. Taking expectations turns this into an equation that every value function
# satisfies, the **Bellman expectation equation**:
#
# $$V^\pi(s) = \sum_a \pi(a \mid s) \sum_{s'} P(s' \mid s, a)\,\big[r(s') + \gamma V^\pi(s')\big],$$
#
# with $V^\pi = 0$ on the terminal squares. In arrays it reads `V = (policy * (R + gamma * P
# @ V)).sum(axis=1)`, exactly the update in `bellman_sweeps`. There are two ways to solve it.
#
# * **Iterate.** Start from any $V$ and apply the right-hand side over and over. Each sweep
#   shrinks the error by at least a factor $\gamma$, because the new values depend on the
#   old ones only through $\gamma V$. This is *iterative policy evaluation*.
# * **Solve.** The equation is linear in $V$: $V = r_\pi + \gamma P_\pi V$, where $P_\pi$
#   is the square-to-square transition matrix under the policy and $r_\pi$ its expected
#   reward. So $V = (I - \gamma P_\pi)^{-1} r_\pi$, one call to `np.linalg.solve`. With
#   40 states that is instant; with a million it would not be, which is why iteration
#   matters.


# %%
def evaluate_policy(P, R, policy, gamma=GAMMA):
    """The exact value of `policy`: solve the linear Bellman expectation equations."""
    P_pi = np.einsum("sa,sat->st", policy, P)  # probability of square -> square
    r_pi = (policy * R).sum(axis=1)
    return np.linalg.solve(np.eye(len(R)) - gamma * P_pi, r_pi)


V_random_exact = evaluate_policy(P, R, uniform)
print(
    f"iterated ({len(random_changes)} sweeps) vs solved: largest difference "
    f"{np.abs(V_random - V_random_exact).max():.1e}"
)
assert np.abs(V_random - V_random_exact).max() < 1e-6
ratios = np.array(random_changes[10:]) / np.array(random_changes[9:-1])
print(f"each sweep shrinks the change by a factor of {ratios.min():.3f} to {ratios.max():.3f}")
assert 0.94 < ratios.min() and ratios.max() < GAMMA

# %% [markdown]
# The two agree to six decimals, but iterating took 482 sweeps. The change per sweep
# shrinks by a factor between 0.95 and 0.98, barely better than the guaranteed
# $\gamma = 0.99$: a random walker that stays in the top rows can wander for a long time,
# so what happens many steps later still moves its value. The solve has no such problem.
#
# ## Checking the values by simulation
#
# A value is a claim about an average, and an average can be measured. From every open
# square we play 2,000 episodes with each policy, discount their rewards, and compare the
# mean with the computed value. The tolerance is six standard errors of each mean: a
# square that misses it would mean the computation and the world disagree. Why six and not
# the usual two? We make 62 comparisons (31 squares, two policies), and the largest of 62
# honest sampling errors is typically two to three standard errors, now and then close to
# four (try a few values of `TDL_SEED`). A tolerance of two would fail almost every time,
# and one of four now and then, by bad luck alone; a check that fails by luck teaches
# people to ignore it.

# %%
starts = np.repeat(open_states, 2_000)
for name, policy, V in (
    ("random policy", uniform, V_random_exact),
    ("computed plan", plan, V_star),
):
    g, steps, _ = simulate(world, P, policy, starts, seed=SEED + 1)
    assert steps.max() < 1_000
    g = g.reshape(len(open_states), -1)
    mc_mean, mc_se = g.mean(axis=1), g.std(axis=1) / np.sqrt(g.shape[1])
    gap = np.abs(mc_mean - V[open_states])
    print(
        f"{name}: largest |simulated - computed| over {len(open_states)} squares {gap.max():.3f}, "
        f"largest gap in standard errors {(gap / mc_se).max():.1f}"
    )
    assert (gap / mc_se).max() < 6, name

# %% [markdown]
# Every square agrees within its sampling error, for both policies. This check matters more
# than it looks: the computation read `P`, the simulation only *sampled* from it, and in the
# next lesson the agent will have nothing but samples. Averaging sampled returns is itself
# a way to evaluate a policy without knowing the rules, called **Monte Carlo** evaluation.
#
# Simulation also answered a question the values do not answer directly: how often does a
# policy reach the goal? That too is a value. Pay 1 for arriving in the goal, nothing for
# anything else, do not discount, and the value of a square is the probability of reaching
# the goal from it. The same trick with a reward of 1 per step gives the expected number of
# steps. Both come from `evaluate_policy` with different rewards.

# %%
goal_mask = np.array([world.cell(s) == "G" for s in range(world.n_states)], dtype=float)
pit_mask = np.array([world.cell(s) == "P" for s in range(world.n_states)], dtype=float)


def exact_outcomes(P, policy, start):
    """P(goal), P(pit) and the expected number of steps from `start` under `policy`."""
    reach_goal = evaluate_policy(P, P @ goal_mask, policy, gamma=1.0)
    reach_pit = evaluate_policy(P, P @ pit_mask, policy, gamma=1.0)
    steps = evaluate_policy(P, P.sum(axis=2), policy, gamma=1.0)
    return reach_goal[start], reach_pit[start], steps[start]


for name, policy, end, steps in (
    ("random policy", uniform, random_end, random_steps),
    ("computed plan", plan, plan_end, plan_steps),
):
    goal_p, pit_p, n_steps = exact_outcomes(P, policy, start)
    print(
        f"{name}: P(goal) {goal_p:.4f} (simulated {success_rate(world, end):.4f}), "
        f"P(pit) {pit_p:.4f}, expected steps {n_steps:.2f} (simulated {steps.mean():.2f})"
    )
goal_p, pit_p, plan_expected_steps = exact_outcomes(P, plan, start)
assert pit_p < 1e-9 and abs(goal_p - 1) < 1e-9, "the plan never falls into a pit"
assert 14.5 < plan_expected_steps < 15.5

# %% [markdown]
# The plan's chance of falling into a pit is exactly zero, not merely small: on every square
# the plan can reach, its arrow points so that neither a slide to the left nor one to the
# right lands in a pit. Its episodes last 15.1 steps on average, against eleven on a dry
# floor: slides cost about four steps.
#
# ## Finding the best policy: the Bellman optimality equation
#
# A policy is **optimal** if its value is at least as high as any other policy's in every
# square. Such a policy always exists for a finite MDP, and all optimal policies share one
# value function $V^*$, which satisfies the **Bellman optimality equation**:
#
# $$V^*(s) = \max_a \sum_{s'} P(s' \mid s, a)\,\big[r(s') + \gamma V^*(s')\big].$$
#
# In words: the best you can expect from here is the best, over your next move, of its
# reward plus the discounted best you can expect from wherever you land. Once $V^*$ is
# known, acting optimally is a one-step look-ahead: pick the action with the largest
# $Q^*(s, a) = R(s, a) + \gamma \sum_{s'} P(s' \mid s, a) V^*(s')$.
#
# The max makes the equation non-linear, so there is no single `solve`. Two classic
# algorithms get around it.
#
# **Value iteration** iterates the equation itself, which is what `bellman_sweeps` did
# without a policy. After $k$ sweeps from $V = 0$, $V_k(s)$ is the best expected discounted
# return obtainable in the next $k$ steps, so good news spreads outwards from the goal one
# square per sweep; the error then shrinks by a factor of at least $\gamma$ per sweep.
#
# Quick check: after exactly three sweeps of value iteration from $V = 0$, which squares
# hold a positive value?
#
# - [ ] only the squares next to the goal
# - [x] the squares from which the goal can be reached in at most three moves
# - [ ] every square from which the goal can ever be reached
# - [ ] none: values are negative until the fees are paid off
#
# Why: $V_3(s)$ counts rewards of the next three steps only, so the +1 is visible from at
# most three moves away; further squares see only fees (and pit risks) so far.
#
# We can check that claim: three sweeps by hand, and a breadth-first search for the number
# of moves each square needs to reach the goal on a dry floor.

# %%
goal = "".join(LAYOUT).index("G")
distance, frontier = {goal: 0}, [goal]
while frontier:
    reached = [
        s
        for s in open_states
        if s not in distance and any(world.move(s, a) in frontier for a in range(4))
    ]
    distance.update({s: distance[frontier[0]] + 1 for s in reached})
    frontier = reached

V_3 = np.zeros(world.n_states)
for _ in range(3):
    V_3 = (R + GAMMA * (P @ V_3)).max(axis=1)
positive = {int(s) for s in open_states if V_3[s] > 0}
within_three = {s for s, d in distance.items() if 1 <= d <= 3}
print("positive after three sweeps:", sorted(divmod(s, world.n_cols) for s in positive))
assert positive == within_three

# %% [markdown]
# **Policy iteration** alternates two steps: *evaluate* the current policy exactly (the
# linear solve above), then *improve* it by acting greedily with respect to its own
# values. The improvement step can only raise values (the policy improvement theorem), and
# when it changes nothing, the policy satisfies the optimality equation. Starting from the
# random policy:


# %%
def greedy(P, R, V, gamma=GAMMA):
    """The policy that takes, in every square, the best action under the values V."""
    Q = R + gamma * (P @ V)
    return np.eye(P.shape[1])[Q.argmax(axis=1)]


def policy_iteration(P, R, gamma=GAMMA, max_iterations=100):
    policy, history = np.full(R.shape, 1 / R.shape[1]), []
    for _ in range(max_iterations):
        V = evaluate_policy(P, R, policy, gamma)
        improved = greedy(P, R, V, gamma)
        changed = int((improved.argmax(axis=1) != policy.argmax(axis=1))[OPEN].sum())
        history.append((V, changed))
        if np.array_equal(improved, policy):
            break
        policy = improved
    return policy, V, history


pi_policy, pi_V, pi_history = policy_iteration(P, R)
for i, (V, changed) in enumerate(pi_history):
    print(f"iteration {i}: V(start) = {V[start]:+.4f}, actions changed by improving: {changed}")
print(f"value iteration: {len(vi_changes)} sweeps; policy iteration: {len(pi_history)} evaluations")

same_actions = np.array_equal(pi_policy.argmax(axis=1)[OPEN], plan.argmax(axis=1)[OPEN])
print(
    f"same action in all {OPEN.sum()} open squares: {same_actions}; "
    f"largest value difference {np.abs(pi_V - V_star).max():.1e}"
)
assert same_actions, "value iteration and policy iteration find the same optimal policy"
assert np.abs(pi_V - V_star).max() < 1e-6
assert 50 <= len(vi_changes) <= 56 and len(pi_history) <= 6
starts_values = [V[start] for V, _ in pi_history]
assert np.all(np.diff(starts_values) > -1e-12), "never worse than the step before"

# %% [markdown]
# Both algorithms reach the same policy and the same values. Value iteration needs 53
# cheap sweeps (one array product each, to the tolerance of $10^{-8}$); policy iteration
# needs five expensive iterations (a linear solve each), and its value at the start never
# goes down from one iteration to the next. Far fewer sweeps than the 482 it took to
# evaluate the random policy: once good news reaches a square, the plan's short, safe
# episodes make its value settle fast. Which is faster in practice depends
# on the size of the problem: a solve costs roughly the cube of the number of states, a
# sweep roughly its square times the number of actions.

# %% alt=["The largest change of the values per sweep, on a log scale, for evaluating the random policy and for value iteration: value iteration drops below the 1e-8 tolerance after about 50 sweeps, while the random policy's changes fall along a shallow straight line and take almost 500 sweeps", "The value of the start square after each of the five policy-iteration steps: -1.61 for the random policy, about -1.0 after the next two, then a jump to 0.32 and finally 0.34, on the dashed line of value iteration's answer"]
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
axes[0].semilogy(random_changes, label="evaluating the random policy")
axes[0].semilogy(vi_changes, label="value iteration")
axes[0].axhline(1e-8, color="gray", ls=":", label="tolerance")
axes[0].set_xlabel("sweep")
axes[0].set_ylabel("largest change of V")
axes[0].legend()
axes[1].plot(starts_values, "o-", label="policy iteration")
axes[1].axhline(V_star[start], color="tab:orange", ls="--", label="value iteration's V*(start)")
axes[1].set_xticks(range(len(starts_values)))
axes[1].set_xlabel("policy-iteration step")
axes[1].set_ylabel("V(start)")
axes[1].legend(loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# Quick check: why is policy iteration guaranteed to stop after finitely many iterations?
#
# - [ ] because the tolerance `tol` ends it
# - [x] there are finitely many deterministic policies, and each iteration either improves
#   the policy or stops
# - [ ] because the discount factor shrinks the error by $\gamma$ per iteration
#
# Why: a grid with 31 open squares and 4 actions has $4^{31}$ deterministic policies. No
# policy can come back once it has been improved on, so the sequence must end, and in
# practice it ends after a few steps.
#
# ## The discount factor changes the plan
#
# $\gamma$ is part of the problem, not a detail of the algorithm: a different $\gamma$
# defines a different "best". We solve the world for four discount factors and measure each
# plan in the same terms: its chance of falling into a pit and its expected number of steps.

# %%
plans, start_value, n_sweeps = {}, {}, {}
for gamma in (0.5, 0.9, 0.99, 1.0):
    V, Q, changes = bellman_sweeps(P, R, gamma=gamma)
    plans[gamma] = np.eye(world.n_actions)[Q.argmax(axis=1)]
    start_value[gamma], n_sweeps[gamma] = V[start], len(changes)
    goal_p, pit_p, n_steps = exact_outcomes(P, plans[gamma], start)
    differ = int((plans[gamma].argmax(axis=1) != plan.argmax(axis=1))[OPEN].sum())
    print(
        f"gamma {gamma:4}: {len(changes):3d} sweeps, V*(start) {V[start]:+.3f}, "
        f"P(pit) {pit_p:.4f}, expected steps {n_steps:5.2f}, "
        f"squares whose action differs from gamma = 0.99: {differ}"
    )
for gamma in (0.5, 0.9):
    _, pit_p, n_steps = exact_outcomes(P, plans[gamma], start)
    assert 0.01 < pit_p < 0.02, "a short-sighted plan trades safety..."
    assert 0.1 < plan_expected_steps - n_steps < 0.5, "...for a little speed"
assert exact_outcomes(P, plans[1.0], start)[1] < 1e-9
assert n_sweeps[0.5] < n_sweeps[0.9] < n_sweeps[0.99] <= n_sweeps[1.0]
goal_weight = 0.5 ** (distance[start] - 1)  # the +1 arrives on move distance[start] at best
print(
    f"gamma 0.5: the goal is at least {distance[start]} moves from the start, so its +1 "
    f"counts at most {goal_weight:.4f}; V*(start) {start_value[0.5]:+.4f} against "
    f"{-0.04 / (1 - 0.5):+.4f} for paying the fee forever"
)
assert distance[start] == 9 and goal_weight < 0.004
assert abs(start_value[0.5] - (-0.04 / (1 - 0.5))) < 0.002

# %% [markdown]
# With $\gamma = 0.99$ or 1 the plan never falls into a pit. With 0.9 or 0.5 it does, a
# little over 1 % of the time, in exchange for finishing a few tenths of a step sooner on
# average. The map shows where.

# %% alt="Two policy maps of the grid, for discount factors 0.9 and 0.99: the arrows agree everywhere except on the outlined square above the last pit, where the 0.9 plan points right, along the pits, and the 0.99 plan points up, away from them"
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
V_09, _, _ = bellman_sweeps(P, R, gamma=0.9)
show_values(axes[0], world, V_09, "gamma = 0.9", policy=plans[0.9], vmin=-1.0, vmax=1.0)
show_values(axes[1], world, V_star, "gamma = 0.99", policy=plan, vmin=-1.0, vmax=1.0)
differing = np.flatnonzero((plans[0.9].argmax(axis=1) != plan.argmax(axis=1)) & OPEN)
for ax in axes:
    for s in differing:
        row, col = divmod(s, world.n_cols)
        ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, ec="white", lw=3))
plt.show()
print("squares where the two plans differ:", [divmod(int(s), world.n_cols) for s in differing])
assert [divmod(int(s), world.n_cols) for s in differing] == [(3, 5)]
risky_square = int(differing[0])
for gamma, policy in ((0.9, plans[0.9]), (0.99, plan)):
    moves = len(dry_route(world, policy, start=risky_square)) - 1
    print(f"gamma {gamma}: from (3, 5) the goal is {moves} moves away if nothing slips")
assert (
    len(dry_route(world, plan, start=risky_square))
    - len(dry_route(world, plans[0.9], start=risky_square))
    == 2
)

# %% [markdown]
# The only difference is the square at row 3, column 5, just above a pit. Going right gets
# there sooner but slides into the pit one time in ten; going up is safe but takes two
# steps longer. For the short-sighted agent a reward two steps
# later is worth only $0.9^2 = 0.81$ of the same reward now, so the detour costs a
# noticeable share of the goal's +1 and the risk is worth taking; at 0.99 the delay costs
# two percent and the detour wins. A lower $\gamma$ also converges in fewer sweeps, since
# the error shrinks by $\gamma$ per sweep. The values themselves change a lot: with
# $\gamma = 0.5$ the start is worth −0.08, almost exactly the $-0.04 / (1 - 0.5)$ of paying
# the fee forever, because the goal is at least nine moves away (the route along the pits),
# so its +1 arrives on the ninth move at the earliest and is worth at most
# $0.5^{8} \approx 0.004$ of its face value.
#
# ## Slipperiness changes the plan
#
# The detour exists because the floor is slippery. How slippery must it be? We solve the
# world for a range of slip probabilities and follow each plan from the start *as if
# nothing slipped*, to read off its route.

# %%
route_length, top_row, slip_value = {}, {}, {}
for slip in (0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.4):
    slippery_world = GridWorld(LAYOUT, slip=slip)
    P_slip, R_slip = mdp_arrays(slippery_world)
    V, Q, changes = bellman_sweeps(P_slip, R_slip)
    route = dry_route(slippery_world, np.eye(4)[Q.argmax(axis=1)])
    route_length[slip], top_row[slip] = len(route) - 1, min(s // world.n_cols for s in route)
    slip_value[slip] = V[start]
    print(
        f"slip {slip:4.2f}: V*(start) {V[start]:+.3f}, {len(changes):3d} sweeps, "
        f"route of {route_length[slip]} steps, highest row reached {top_row[slip]}"
    )
assert all(route_length[s] == 9 and top_row[s] == 3 for s in (0.0, 0.01, 0.02))
assert all(route_length[s] == 11 and top_row[s] == 2 for s in (0.03, 0.05, 0.1, 0.2, 0.4))
values_by_slip = list(slip_value.values())
assert np.all(np.diff(values_by_slip) < 0), "more slip, less value"

# %% [markdown]
# Up to a 2 % chance of slipping, the plan walks along the pits in nine steps; from 3 % on
# (at every slip we tried, up to 0.4) it takes the eleven-step detour through row 2. The value of the start falls steadily as
# the floor gets more slippery, even once the route stops changing, because slides waste
# steps. What does the dry plan cost on the real, slippery floor? Policy evaluation answers
# exactly.

# %%
dry_world = GridWorld(LAYOUT, slip=0.0)
P_dry, R_dry = mdp_arrays(dry_world)
_, Q_dry, _ = bellman_sweeps(P_dry, R_dry)
dry_plan = np.eye(4)[Q_dry.argmax(axis=1)]
V_dry_on_slippery = evaluate_policy(P, R, dry_plan)
dry_goal, dry_pit, _ = exact_outcomes(P, dry_plan, start)
print(
    f"dry plan on the slippery floor: V(start) {V_dry_on_slippery[start]:+.3f}, "
    f"P(pit) {dry_pit:.2f}"
)
print(f"slippery-aware plan           : V(start) {V_star[start]:+.3f}, P(pit) 0.00")
assert 0.25 < dry_pit < 0.35
assert V_dry_on_slippery[start] < V_star[start] - 0.2

# %% alt="Two policy maps: on a dry floor the best route from the start goes up one row and straight along the pits to the goal; on the slippery floor (slip 0.2) it climbs to row 2, crosses there and comes back down, keeping a row between itself and the pits. The dry route is drawn as a line on each map"
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
for ax, w, policy, title in (
    (axes[0], dry_world, dry_plan, "dry floor (slip 0)"),
    (axes[1], world, plan, "slippery floor (slip 0.2)"),
):
    show_values(ax, w, evaluate_policy(*mdp_arrays(w), policy), title, policy=policy, vmin=-1.0)
    rows, cols = np.divmod(dry_route(w, policy), w.n_cols)
    ax.plot(cols, rows, color="white", lw=2, alpha=0.6)
plt.show()

# %% [markdown]
# The dry plan falls into a pit in about three episodes out of ten on the slippery floor,
# and its value drops far below the slippery-aware plan's. A plan is optimal *for a
# particular world*, its randomness included; a plan made under wrong assumptions about
# that randomness can be much worse than a cautious one.
#
# ## What we did
#
# * Wrote a slippery gridworld as a Markov decision process: states, actions, transition
#   probabilities `P[s, a, s']`, rewards on arrival, terminal squares and a discount factor.
# * Evaluated the random policy (value −1.61 at the start, goal reached in 4 % of episodes)
#   by iterating the Bellman expectation equation and by solving it as a linear system.
# * Found the optimal plan (value +0.34, goal reached every time in about 15 steps) by value
#   iteration (53 sweeps) and by policy iteration (a handful of iterations), and checked that
#   both give the same policy.
# * Checked every computed value against simulated episodes, within six standard errors.
# * Saw the plan take a pit risk at $\gamma = 0.9$ that it refuses at 0.99, and switch
#   from the nine-step route along the pits to the eleven-step detour once the floor slips
#   3 % of the time.
#
# All of this read `P`. The next lesson takes `P` away: the agent only gets to *try* moves
# and see what happens, and it learns a table of Q-values from those samples alone. The
# optimal plan computed here is what it should find.
#
# ## Questions
#
# 1. The goal and the pits have value 0, yet reaching the goal is the whole point. Where
#    does the +1 appear in the equations, and why does that make the terminal value 0?
#
#    Answer: The reward is paid on arrival, so the +1 sits in $r(s')$ of the move *into*
#    the goal, inside $R(s, a)$ of the squares next to it. After the goal nothing happens,
#    so the return from there on is 0; in the arrays, the goal's row of `P` is all zeros.
#
# 2. Value iteration needed 53 sweeps, policy iteration only a handful of iterations. Why
#    is that not a fair comparison of their speed?
#
#    Answer: A sweep is one array product (about $S^2 A$ operations), while a policy
#    iteration step solves a linear system (about $S^3$) and then improves the policy. With
#    40 states both are instant; for large problems an exact solve is out of reach, and
#    policy evaluation is itself done by a few sweeps (modified policy iteration).
#
# 3. Explain why the plan for $\gamma = 0.9$ accepts a 1 % chance of a pit that the plan for
#    $\gamma = 0.99$ avoids.
#
#    Answer: At row 3, column 5, going right reaches the goal about two steps sooner but
#    slides into the pit one time in ten. Two steps of delay cost a factor $\gamma^2$ on the
#    goal's reward: 0.81 at $\gamma = 0.9$, a loss big enough to outweigh the risk; 0.98 at
#    $\gamma = 0.99$, which is not.
#
# 4. The simulation check used 2,000 episodes per square and a tolerance of six standard
#    errors. How many episodes would it take to halve the tolerance, and why?
#
#    Answer: Four times as many, 8,000. The standard error of a mean falls like
#    $1/\sqrt{n}$, so halving it needs $n$ four times larger.
#
# 5. Suppose the step fee were 0 and $\gamma = 1$. What would $V^*$ look like, and why
#    might the greedy policy never reach the goal?
#
#    Hint: what do two different pit-free routes, or walking into a wall forever, earn?
#
#    Answer: Every square from which the goal can be reached without risk would have value
#    1, whatever the route length, so many actions tie, including bumping into a wall,
#    which keeps the same value. A tie broken the wrong way can loop forever. A fee or a
#    discount breaks the ties in favour of arriving sooner.
#
# 6. The route stops changing once the slip is 3 % or more, but the value of the start keeps
#    falling as the slip grows. Why?
#
#    Answer: Slides waste moves: each one costs a fee and delays the discounted +1. With a
#    slip of 0.2 the plan needs 15.1 steps on average instead of eleven.
#
# 7. In the next lesson the agent does not know `P`. Which of this lesson's tools can it
#    still use, and which not?
#
#    Answer: It cannot sweep or solve the Bellman equations, since both read `P`. It can
#    play episodes and average their returns (Monte Carlo evaluation, as in our check), and
#    it can apply the optimality backup to single sampled transitions instead of to
#    expectations, which is what Q-learning does.
#
# ## Further research
#
# * Modified policy iteration: replace the exact solve in `policy_iteration` by $k$ sweeps of
#   iterative evaluation. Count the total number of sweeps for $k = 1, 2, 5, 20$; which $k$
#   is cheapest, and what does $k = 1$ turn into?
# * Update `V` in place, square by square, instead of computing a whole new array per sweep
#   (Gauss–Seidel value iteration). Does it converge in fewer sweeps, and does the order in
#   which you visit the squares matter?
# * Make the pit penalty a parameter and find the smallest penalty at which the optimal plan
#   on the slippery floor walks along the pits again. How does that threshold depend on
#   $\gamma$?
# * Give the world a clock: episodes end after 100 steps, and the state becomes (square,
#   steps left). Solve it by backward induction from the last step and compare the plan
#   near the deadline with the one computed here (Sutton and Barto's chapter 4 covers the
#   dynamic programming background).
