# ---
# title: "Policy gradients: REINFORCE balances a pole"
# summary: A small policy network learns CartPole from its own episodes with REINFORCE and a learned value baseline, going from the random policy's 22 steps to the 500-step limit, and we see why the baseline matters.
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
# policy, the returns, the gradient, and the baseline that gives this lesson its title,
# which we remove to see what it was doing.
#
# **Runtime:** about 10 s on a laptop CPU (most of it is the two training runs).
#
# A note on hardware. The networks here have a few hundred weights and see one state at a
# time while acting, so the cost is dominated by Python and by launching tiny operations,
# not by arithmetic. Such small reinforcement-learning models are usually *faster on a CPU*
# than on a GPU, where each step would also pay for a round trip to the device. The code
# still honours `DEVICE`, so it runs unchanged on a GPU machine; just do not expect a
# speed-up. For the same reason we ask PyTorch to use a single thread: splitting a 64-unit
# layer across cores costs more in coordination than it saves.

# %%
import time

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

SEED = 0
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
    episodes=400, episodes_per_update=4, use_baseline=True, gamma=0.99, lr=5e-3, seed=SEED
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
            if use_baseline:
                v = value(s).squeeze(-1)
                advantage = g - v.detach()  # 3. advantage
                advantage = (advantage - advantage.mean()) / (advantage.std() + 1e-8)
                value_loss = ((v - g) ** 2).mean()  # 5. fit the baseline
                value_opt.zero_grad()
                value_loss.backward()
                value_opt.step()
            else:
                advantage = g / (g.std() + 1e-8)  # rescaled, not centred
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

# %% [markdown]
# Now the two scores that matter: the trained policy and a policy that pushes left or right
# at random, each run for 20 fresh episodes whose seeds were never used in training. We
# score the trained policy twice: sampling actions as in training, and *greedily*, always
# taking the more likely action.


# %%
def run_policy(choose_action, episodes=20, seed=10_000):
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
random_scores = run_policy(lambda obs, env: int(env.action_space.sample()))
sampled_scores = run_policy(lambda obs, env: int(eval_rng.random() < p_right_of(policy, obs)))
greedy_scores = run_policy(lambda obs, env: int(p_right_of(policy, obs) > 0.5))

print(f"random policy          : {random_scores.mean():6.1f} ± {random_scores.std():5.1f}")
print(f"REINFORCE, sampled     : {sampled_scores.mean():6.1f} ± {sampled_scores.std():5.1f}")
print(f"REINFORCE, greedy      : {greedy_scores.mean():6.1f} ± {greedy_scores.std():5.1f}")
print(f"greedy beats random by : {greedy_scores.mean() / random_scores.mean():.0f}x")
assert random_scores.mean() < 40
assert sampled_scores.mean() > 200, "the trained policy should balance far longer than random"
assert greedy_scores.mean() > 300, "the greedy policy should balance far longer than random"

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
# A random policy keeps the pole up for about 22 steps. After 400 training episodes (a few
# seconds of CPU time) the greedy policy reaches the limit of 500 steps, where Gymnasium
# truncates the episode: more than twenty times the baseline. The sampled policy scores a
# little lower, because now and then it draws the less likely action at a bad moment. The curve is not a
# smooth staircase; policy gradients are noisy, and dips after reaching the top are normal.
# Where that noise comes from, and what the baseline does about it, is the rest of the
# lesson.
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

# %%
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
print(f"P(right) when the pole falls right: {leaning_right_and_falling:.2f}")
print(f"P(right) when the pole falls left : {leaning_left_and_falling:.2f}")
assert leaning_right_and_falling > 0.9 and leaning_left_and_falling < 0.1

# %% [markdown]
# The network rediscovered the rule you would use to balance a broom on your hand: push
# the cart *towards* the side the pole is falling to, so the base moves back under it. The
# boundary is tilted: the angle matters, but the angular velocity matters even more, because
# it says where the pole will be a moment from now. A pole leaning left but already swinging
# back to the right calls for a push to the right.
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
# zero only because 20,000 samples are finite), so adding a constant or any function of the state to the weights changes the
# gradient's noise, not its direction on average. The best simple baseline is the expected
# return from the state, $V(s)$, which is what the value network learns by regression on
# the observed returns-to-go. The difference $G_t - V(s_t)$ is the advantage, and we
# additionally standardise it within each batch so the step size does not depend on how
# long the episodes currently are.
#
# Now the experiment. The same algorithm and the same seed, but without the baseline: the
# weights are the raw returns-to-go, only rescaled (not centred, since subtracting the
# batch mean would itself be a crude baseline). To save time we run it for 200 episodes
# and compare with the first 200 episodes of the run above. Nothing in `reinforce` depends
# on the total number of episodes, so those are exactly the episodes a 200-episode run
# with the baseline would have produced.

# %%
COMPARE = 200
start = time.perf_counter()
_, _, plain_returns = reinforce(episodes=COMPARE, use_baseline=False)
print(f"without baseline: {COMPARE} episodes in {time.perf_counter() - start:.1f} s")

summary = {
    "with value baseline": train_returns[:COMPARE],
    "without baseline": plain_returns,
}
for name, returns in summary.items():
    print(
        f"{name:20s}: mean return over the first {COMPARE} episodes {returns.mean():6.1f}, "
        f"last 20 of them {returns[-20:].mean():6.1f}"
    )

fig, ax = plt.subplots(figsize=(8, 4))
for name, returns in summary.items():
    ax.plot(
        np.arange(19, len(returns)), np.convolve(returns, np.ones(20) / 20, "valid"), label=name
    )
ax.axhline(random_scores.mean(), color="tab:red", ls="--", label="random policy")
ax.set_xlabel("training episode")
ax.set_ylabel("return, 20-episode average")
ax.set_title("Same seed and budget, with and without a baseline")
ax.legend(loc="upper left")
plt.show()

gap = summary["with value baseline"].mean() - summary["without baseline"].mean()
print(f"the baseline adds {gap:.0f} steps per episode on average over the first {COMPARE} episodes")
assert gap > 0, "the baseline should speed up learning"

# %% [markdown]
# With the baseline the agent reaches long episodes sooner; without it, learning still
# happens (the estimator is unbiased, after all) but more slowly and erratically. Be careful
# with how much you read into one run, though. While preparing this lesson we repeated the
# comparison with eight seeds: the baseline came out ahead every time, but the gap ranged
# from a couple of steps to almost ninety. Reinforcement learning results are noisy enough
# that a single seed can tell almost any story, which is why serious comparisons report
# several seeds and their spread (one of the tasks below).
#
# ## What we did, and what comes next
#
# * The policy is a network that outputs action probabilities; acting means sampling.
# * REINFORCE weights each action's log-probability gradient by what followed it. With a
#   learned value baseline, that weight becomes an advantage, and the variance drops.
# * A random policy balances for about 22 steps; after 400 episodes of REINFORCE the greedy
#   policy reaches the 500-step limit.
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
# 2. The surrogate loss `-(log_prob_taken * advantage).mean()` can go up while the policy
#    gets better. Why is it not a useful progress measure, and what should you monitor
#    instead?
# 3. Explain in your own words why subtracting a baseline that depends only on the state
#    does not bias the gradient. Why would a baseline that depended on the action break this?
# 4. In CartPole every reward is +1. Without a baseline, every action taken gets its
#    probability pushed up. How can learning still work?
# 5. What does the discount factor `gamma` trade off in REINFORCE? Predict what `gamma = 0.9`
#    would do on CartPole.
# 6. The greedy evaluation is often better than the sampled one. Why, and which of the two
#    is the "real" performance of the trained agent?
# 7. Why is this tiny network usually faster on a CPU than on a GPU, and at what point would
#    the GPU start to pay off?
#
# ## Further research
#
# * Run both variants (with and without the baseline) for five seeds each and plot the mean
#   learning curve with a band for the spread. Is the gap as large as in the single run
#   above? How many seeds would you need to be confident about it?
# * Replace the Monte Carlo return in the advantage with a bootstrapped one,
#   $r_t + \gamma V(s_{t+1}) - V(s_t)$, updating after a fixed number of steps instead of
#   whole episodes. You have just built an actor-critic (A2C); compare its learning speed
#   with REINFORCE's.
# * Add an entropy bonus to the policy loss (reward the policy for keeping its probabilities
#   spread out) and study how its weight affects exploration, learning speed, and the
#   dips after reaching 500.
# * Read Karpathy's "Pong from Pixels" and identify each piece of this lesson in his code:
#   where are the returns-to-go, the baseline, and the surrogate loss?
