r"""
Lesson 6: modern Hopfield networks are attention
================================================

The classical network of lesson 5 stores about 0.14 N patterns. Making the energy sharper --
an exponential of the overlaps instead of their square -- raises the capacity to exponential in
the dimension. Ramsauer et al. (2021) use continuous states :math:`\xi \in \mathbb{R}^d`, the
stored patterns as the rows of :math:`X` (P x d), and the energy and update

.. math::

    E(\xi) = -\beta^{-1} \ln \sum_{\mu} e^{\beta\, x_\mu \cdot \xi} + \tfrac12\, \xi\cdot\xi
    + \mathrm{const}, \qquad
    \xi^\mathrm{new} = X^\top \mathrm{softmax}(\beta X \xi)

(eqs. 2 and 3). The update is the attention of lesson 1 with the state as the query and the
stored patterns as both keys and values; with learned projections it is a transformer's attention
(eq. 10). Each update lowers the energy (Theorem 1), and a well-separated pattern is retrieved in
**one** update with an error exponentially small in the separation (Theorem 4-5). The inverse
temperature ``beta`` decides what the fixed points are: single patterns (large beta),
**metastable** averages over a few similar patterns, or one global average (small beta).

Sources: Ramsauer et al. (2021), "Hopfield networks is all you need", ICLR, arXiv:2008.02217;
Krotov & Hopfield (2016), "Dense associative memory for pattern recognition", NeurIPS;
Demircigil et al. (2017), "On a model of associative memory with huge storage capacity",
J. Stat. Phys. 168, 288.
"""

# %%
# The update is one attention step
# --------------------------------
# :func:`memsim.hopfield.modern.retrieve` applies the update; the same numbers come from
# :func:`memsim.attention.attend` with the state as query, X as keys and values, the dot-product
# score and a softmax at temperature ``1 / beta``.
import matplotlib.pyplot as plt
import numpy as np

from memsim import attention, hopfield
from memsim.experiments.studies.modern import beta_sweep
from memsim.hopfield import modern
from memsim.patterns import letters

X, shape = letters("ABCDEFGH")
X = X.astype(np.float64)  # 8 letters, d = 140, pixel values -1/+1
beta = 0.3
query = X[2].copy()
query[: X.shape[1] // 2] = 0.0  # top half of the "C" unknown (0 = no information)
one_step = modern.retrieve(X, query, beta)
as_attention = attention.attend(query, X, X, "dot", "softmax", temperature=1 / beta)
print("max |retrieve - attend| =", np.max(np.abs(one_step - as_attention)))

# %%
# One-step retrieval of correlated pictures
# -----------------------------------------
# Eight letters overlap strongly (mostly white background), far too many and too correlated for
# the Hebbian network at N = 140: cued with the bottom half of each letter, the classical network
# falls into mixtures. The modern network retrieves most letters in a single update. Where two
# letters share the visible half (the bottom halves of A and H are almost the same), the update
# returns their average: a metastable state, exactly what the association weights predict.
queries = X.copy()
queries[:, : X.shape[1] // 2] = 0.0
modern_out = modern.retrieve(X, queries, beta)
weights = modern.association(X, queries, beta)

cues_pm1 = queries.astype(np.int8).copy()  # the classical network needs +-1: unknown = -1
cues_pm1[:, : X.shape[1] // 2] = -1
classical = hopfield.recall(hopfield.store(X.astype(np.int8)), cues_pm1, seed=0, warn=False)

rows = [
    ("stored", X),
    ("cue:\nbottom half", queries),
    ("classical\nHebbian", classical.states),
    (f"modern,\n1 update,\nbeta = {beta}", modern_out),
]
fig, axes = plt.subplots(len(rows), len(X), figsize=(10, 6.2))
for r, (label, imgs) in enumerate(rows):
    for c in range(len(X)):
        ax = axes[r, c]
        ax.imshow(np.asarray(imgs[c]).reshape(shape), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[r, 0].set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
fig.suptitle("Half-masked letters: classical Hebbian recall vs one modern Hopfield update")
fig.tight_layout()

# %%
# The association weights ``softmax(beta X xi)`` of each cue show which stored letters the update
# averages: almost one-hot for most letters, split between A and H.
fig, ax = plt.subplots(figsize=(5.6, 4.6))
im = ax.imshow(weights, cmap="viridis", vmin=0, vmax=1)
ax.set_xticks(range(len(X)), list("ABCDEFGH"))
ax.set_yticks(range(len(X)), [f"cue {ch}" for ch in "ABCDEFGH"])
ax.set_xlabel("stored pattern mu")
ax.set_title(f"Association weights softmax(beta X xi), beta = {beta}")
fig.colorbar(im, ax=ax, label="weight p_mu")
fig.tight_layout()

# %%
# Energy descent
# --------------
# With ``trajectory=True`` :func:`~memsim.hopfield.modern.retrieve` keeps the states, energies
# and weights after every update. The energy (eq. 2) falls at every step (the update is a
# concave-convex procedure, Theorem 1); almost all of the fall happens in the first update.
traj = modern.retrieve(X, queries, beta, steps=6, trajectory=True)
fig, ax = plt.subplots(figsize=(6.4, 3.6))
for c in range(len(X)):
    ax.plot(traj.energy[c], "o-", label=f"cue {'ABCDEFGH'[c]}")
ax.set_xlabel("update step")
ax.set_ylabel("energy E(xi) (Ramsauer et al. eq. 2)")
ax.set_title("Each update lowers the energy; one update does most of the work")
ax.legend(ncol=2, fontsize=7)
fig.tight_layout()

# %%
# beta decides the fixed points: single, metastable, global
# ---------------------------------------------------------
# Fifteen random +-1 patterns in d = 64, in three clusters of five (each a prototype with 10 % of
# its bits flipped). Start at each prototype and iterate to a fixed point for a range of beta
# (:func:`memsim.experiments.studies.modern.beta_sweep`). The fixed point is classified by how
# many patterns carry 90 % of the association weight (Ramsauer et al. 2021, section 2): at small
# beta one **global** fixed point averages all 15 patterns; at intermediate beta the state is a
# **metastable** average of its cluster; at large beta it is a **single** pattern.
rng = np.random.default_rng(0)
d = 64
prototypes = rng.choice([-1.0, 1.0], size=(3, d))
stored = np.vstack([np.where(rng.random((5, d)) < 0.1, -c, c) for c in prototypes])
betas = np.geomspace(0.01, 2.0, 40)
table = beta_sweep(stored, prototypes, betas)

fig, ax = plt.subplots(figsize=(6.8, 3.8))
colours = {"global": "tab:grey", "metastable": "tab:orange", "single": "tab:green"}
for q in range(len(prototypes)):
    sel = table["query"] == q
    ax.plot(table["beta"][sel], table["subset_size"][sel], "-", color="k", lw=0.6, alpha=0.5)
    for kind, col in colours.items():
        s = sel & (table["kind"] == kind)
        ax.scatter(
            table["beta"][s],
            table["subset_size"][s] + 0.15 * (q - 1),
            color=col,
            s=18,
            label=kind if q == 0 else None,
        )
ax.axhline(5, color="tab:orange", ls=":", lw=1)
ax.text(0.011, 5.4, "cluster size 5", color="tab:orange", fontsize=8)
ax.set_xscale("log")
ax.set_xlabel("inverse temperature beta")
ax.set_ylabel("patterns carrying 90 % of the weight")
ax.set_title("Fixed points from three cluster prototypes, P = 15, d = 64")
ax.legend(title="fixed point")
fig.tight_layout()

# %%
# What to remember
# ----------------
# * The modern Hopfield update ``X^T softmax(beta X xi)`` *is* attention: query = state,
#   keys = values = stored patterns.
# * One update retrieves a well-separated pattern; the energy never increases.
# * beta selects single patterns, metastable averages of similar patterns, or the global mean.
#
# The gallery continues with the classic results: :doc:`/auto_examples/plot_modern_one_step`
# (retrieval against load), :doc:`/auto_examples/plot_dense_capacity` (Krotov-Hopfield
# capacity N^(n-1)) and more.
