r"""
Lesson 5: Hopfield networks
===========================

The memories of lessons 1-4 keep each item in its own slot. A Hopfield network keeps them *in
the couplings* between N binary neurons :math:`s_i = \pm 1`. P patterns :math:`\xi^\mu` are
stored with the Hebbian rule, and recall is a descent of an energy (Hopfield 1982, eqs. 1-2, 7):

.. math::

    W_{ij} = \frac{1}{N} \sum_{\mu=1}^{P} \xi_i^\mu \xi_j^\mu \;(W_{ii} = 0), \qquad
    s_i \leftarrow \mathrm{sgn}\Big(\sum_j W_{ij} s_j\Big), \qquad
    E(s) = -\tfrac{1}{2} \sum_{ij} W_{ij} s_i s_j .

A **cue** (a corrupted pattern) rolls downhill to the nearest minimum. How well this works is
measured by the **overlap** :math:`m^\mu = \frac{1}{N}\sum_i \xi_i^\mu s_i` (1 = perfect
recall) and depends on the **load** :math:`\alpha = P / N`: above :math:`\alpha_c \approx
0.138` the stored patterns stop being attractors (Amit, Gutfreund & Sompolinsky 1985).

Sources: Hopfield (1982), PNAS 79, 2554; Amit, Gutfreund & Sompolinsky (1985), Phys. Rev. Lett.
55, 1530 and Phys. Rev. A 32, 1007; Hertz, Krogh & Palmer (1991), *Introduction to the Theory of
Neural Computation*, chapter 2.
"""

# %%
# Storing pictures, recalling from corrupted cues
# -----------------------------------------------
# Four 14 x 10 letters (N = 140 neurons) are stored with the Hebbian rule
# (:func:`memsim.hopfield.store`). Each cue has 20 % of its pixels flipped
# (:func:`memsim.patterns.corrupt`). Asynchronous dynamics (:func:`memsim.hopfield.recall`)
# update one neuron at a time in random order; ``record_states=True`` keeps the state after
# every sweep (one sweep = N single-neuron updates).
import matplotlib.pyplot as plt
import numpy as np

from memsim import hopfield, theory
from memsim.hopfield.analysis import classify_states
from memsim.patterns import corrupt, letters, random_patterns

X, shape = letters("CHTX")
W = hopfield.store(X, "hebbian")
cues = corrupt(X, flip=0.2, seed=1)
out = hopfield.recall(W, cues, max_sweeps=10, seed=2, record_states=True)
states = np.asarray(out.extra["states"])
print(
    "sweeps to a fixed point:",
    out.sweeps,
    " final overlaps:",
    np.round(out.overlap[np.arange(len(X)), out.sweeps], 3),
)

show = [0, 1]
fig, axes = plt.subplots(len(X), len(show) + 2, figsize=(5.0, 7.0))
for p in range(len(X)):
    panels = [(X[p], "stored"), (cues[p], "cue (20 % flipped)")]
    panels += [(states[p, t], f"after sweep {t}") for t in show[1:]]
    panels += [(out.states[p], "final")]
    for ax, (img, title) in zip(axes[p], panels, strict=False):
        ax.imshow(np.asarray(img).reshape(shape), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        if p == 0:
            ax.set_title(title, fontsize=8)
fig.suptitle("Hebbian network, N = 140, P = 4: recall of four letters")
fig.tight_layout()

# %%
# Energy never increases
# ----------------------
# With symmetric couplings and zero diagonal each asynchronous flip lowers E (or leaves it
# unchanged), so the dynamics must stop in a local minimum (Hopfield 1982). ``out.energy`` holds
# E after every sweep; NaN after the stop. The overlap with the cued pattern climbs to 1 as the
# energy falls.
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for p in range(len(X)):
    axes[0].plot(out.energy[p], "o-", label=f"cue {p} ({'CHTX'[p]})")
    axes[1].plot(out.overlap[p], "o-", label=f"cue {p} ({'CHTX'[p]})")
axes[0].set_ylabel("energy E(s)")
axes[1].set_ylabel("overlap m with the cued pattern")
for ax in axes:
    ax.set_xlabel("sweep")
    ax.set_xticks(range(out.energy.shape[1]))
    ax.legend()
axes[0].set_title("Energy descends, then stops at a minimum")
axes[1].set_title("Overlap rises from 1 - 2 x 0.2 = 0.6 to 1")
fig.tight_layout()

# %%
# Capacity: the one-step error and the AGS critical load
# ------------------------------------------------------
# Start *exactly* in a stored pattern. The field on neuron i is the pattern's own signal (+1)
# plus crosstalk from the other P - 1 patterns, roughly Gaussian with variance alpha. So the
# probability that a bit is wrong after one update is (Hertz, Krogh & Palmer 1991, section 2.2)
#
# .. math:: P_\mathrm{err} = \tfrac12 \operatorname{erfc}\big(\sqrt{1/(2\alpha)}\big),
#
# :func:`memsim.theory.one_step_error` (at the lowest loads no bit flips among the few
# thousand we test, so those points are off the log scale). Those first errors create more
# crosstalk; the replica theory of Amit, Gutfreund & Sompolinsky gives the overlap of the
# state the dynamics finally settle in, :func:`memsim.theory.ags_retrieval_overlap`, which
# vanishes abruptly at
# ``alpha_c = 0.138`` (:func:`memsim.theory.ags_critical_load`). We measure both on random
# patterns at N = 400.
N = 400
loads = np.array([0.02, 0.05, 0.08, 0.10, 0.12, 0.13, 0.14, 0.15, 0.17, 0.20])
one_step, final_m = [], []
for k, alpha in enumerate(loads):
    P = int(round(alpha * N))
    xi = random_patterns(P, N, seed=100 + k)
    Wk = hopfield.store(xi)
    h = xi @ np.asarray(Wk).T  # fields at every stored pattern (W is symmetric)
    one_step.append(np.mean(np.sign(h) != xi))
    start = xi[: min(P, 20)]
    res = hopfield.recall(Wk, start, max_sweeps=50, seed=k, warn=False)
    final_m.append(np.mean(res.overlap[np.arange(len(start)), res.sweeps]))
alpha_c, m_c = theory.ags_critical_load()

a = np.linspace(0.005, 0.22, 200)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
axes[0].semilogy(a, theory.one_step_error(a), "k-", label="theory: 1/2 erfc(sqrt(1 / 2 alpha))")
axes[0].semilogy(loads, one_step, "o", color="tab:red", label=f"simulation, N = {N}")
axes[0].set_xlabel("load alpha = P / N")
axes[0].set_ylabel("fraction of bits flipped by one update")
axes[0].set_xlim(0.04, 0.22)
axes[0].set_ylim(1e-5, 0.1)
axes[0].set_title("One-step error at a stored pattern")
axes[0].legend()
a2 = np.linspace(0.001, alpha_c, 200)
axes[1].plot(a2, theory.ags_retrieval_overlap(a2), "k-", label="AGS theory (N -> infinity)")
axes[1].plot([alpha_c, alpha_c], [0, m_c], "k:", lw=1)
axes[1].plot(loads, final_m, "o", color="tab:red", label=f"simulation, N = {N}")
axes[1].annotate(
    f"alpha_c = {alpha_c:.3f}",
    (alpha_c, 0.3),
    xytext=(0.155, 0.45),
    arrowprops={"arrowstyle": "->"},
)
axes[1].set_xlabel("load alpha = P / N")
axes[1].set_ylabel("final overlap m (start at a pattern)")
axes[1].set_ylim(0, 1.05)
axes[1].set_title("Retrieval breaks down beyond alpha_c = 0.138\n(sharply only as N -> infinity)")
axes[1].legend(loc="lower left")
fig.tight_layout()

# %%
# At small N the collapse is smoothed and shifted (finite-size effects: some patterns survive a
# little above alpha_c, some are lost a little below); the gallery example
# :doc:`/auto_examples/plot_ags_capacity` shows it at several N.
#
# Spurious states: mixtures
# -------------------------
# The energy has minima that were never stored: the reversed patterns ``-xi`` (same energy) and
# **mixture states** such as ``sgn(xi^1 + xi^2 + xi^3)``, which overlap 1/2 with each of the
# three patterns (Amit, Gutfreund & Sompolinsky 1985). At low load they are stable: start there
# and the network stays. :func:`memsim.hopfield.analysis.classify_states` names the state a
# recall ended in.
N, P = 400, 8
xi = random_patterns(P, N, seed=7)
Wm = hopfield.store(xi)
mix = np.sign(xi[0] + xi[1] + xi[2]).astype(np.int8)
res = hopfield.recall(Wm, mix, seed=3, targets=False)
m = hopfield.overlaps(xi, res.states).ravel()
print("overlaps of the final state with the 8 patterns:", np.round(m, 2))
print(
    "classified as:",
    classify_states(xi, res.states[None, :]).label[0],
    classify_states(xi, res.states[None, :]).mixture[0],
)

# %%
# Where do random starting states end? Mostly in stored patterns or their reversals, but a good
# share land in mixtures or other spurious minima.
starts = random_patterns(300, N, seed=8)
ends = hopfield.recall(Wm, starts, seed=4, targets=False)
counts = classify_states(xi, ends.states).counts()
counts["stored"] = counts.pop("cued") + counts.pop("other")
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
axes[0].bar(range(P), m, color=["tab:red"] * 3 + ["tab:grey"] * (P - 3))
axes[0].axhline(0.5, color="k", ls=":", lw=1, label="m = 1/2")
axes[0].set_xlabel("stored pattern mu")
axes[0].set_ylabel("overlap m^mu of the final state")
axes[0].set_title("Start at sgn(xi^0 + xi^1 + xi^2): a stable mixture")
axes[0].legend(loc="center right")
names = ["stored", "reversed", "mixture", "spurious"]
axes[1].bar(names, [counts[k] for k in names], color="tab:blue")
axes[1].set_ylabel("number of final states (of 300)")
axes[1].set_title(f"Final states from 300 random starts, N = {N}, P = {P}")
fig.tight_layout()

# %%
# What to remember
# ----------------
# * Hebbian couplings turn patterns into energy minima; asynchronous updates descend the energy.
# * One-step error ``1/2 erfc(sqrt(1 / 2 alpha))``; retrieval collapses at ``alpha_c = 0.138``.
# * Mixtures and reversed patterns are minima too: spurious memories.
#
# Next: :doc:`plot_6_modern_hopfield` raises the capacity to exponential in N -- and finds
# attention inside.
