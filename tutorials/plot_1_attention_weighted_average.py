r"""
Lesson 1: attention is a weighted average
=========================================

Attention reads a memory by *averaging* its contents. A query is compared with every stored
key; the comparison gives one **score** per key; a **normaliser** turns the scores into
**weights** that are non-negative and sum to one; the read-out is the weighted average of the
stored **values**:

.. math::

    s_i = \mathrm{score}(q, k_i), \qquad p = \mathrm{normalise}(s), \qquad
    r = \sum_i p_i \, v_i .

Everything that follows in this course -- key-value memories, memory networks, the heads of a
Neural Turing Machine and the modern Hopfield network -- is this one line with different
choices of score, normaliser and memory. This lesson looks at the normaliser: softmax with a
temperature (or its inverse, ``beta``), sparsemax, 1.5-entmax and hard attention.

Sources: Bahdanau, Cho & Bengio (2015), "Neural machine translation by jointly learning to align
and translate", section 3.1; Martins & Astudillo (2016), "From softmax to sparsemax", ICML;
Peters, Niculae & Martins (2019), "Sparse sequence-to-sequence models", ACL (entmax).
"""

# %%
# A small memory in the plane
# ---------------------------
# Six stored items, each a key in two dimensions. To keep the picture simple the values are the
# keys themselves (the memory is "auto-associative"), so the read-out is a point in the same
# plane. The query lies between items 0 and 1, a little closer to 0.
import matplotlib.pyplot as plt
import numpy as np

from memsim import attention

keys = np.array([[1.0, 0.2], [0.7, 0.8], [-0.2, 1.0], [-1.0, 0.1], [-0.4, -0.9], [0.6, -0.8]])
values = keys
query = np.array([1.3, 0.5])

scores = attention.score(query[None, :], keys, "dot")[0]
print("dot-product scores s_i = q . k_i:", np.round(scores, 2))

# %%
# Softmax and its temperature
# ---------------------------
# Softmax is the usual normaliser: ``p_i = exp(s_i / T) / sum_j exp(s_j / T)``. Writing
# ``beta = 1 / T`` (the inverse temperature, the name used for Hopfield networks in lesson 6),
# a large ``beta`` concentrates the weight on the best-matching key, a small ``beta`` spreads it
# evenly. Every weight stays strictly positive: softmax never ignores an item completely.
temperatures = [5.0, 1.0, 0.5, 0.1]


def weight_panels(weights, titles, colours, suptitle, width):
    """One bar chart of the weights p_i over the stored items per panel, side by side."""
    fig, axes = plt.subplots(1, len(weights), figsize=(width, 3.0), sharey=True)
    for ax, p, title, colour in zip(axes, weights, titles, colours, strict=True):
        ax.bar(np.arange(len(p)), p, color=colour)
        ax.set_title(title)
        ax.set_xlabel("stored item i")
        ax.set_xticks(np.arange(len(p)))
    axes[0].set_ylabel("weight p_i")
    axes[0].set_ylim(0, 1.05)
    fig.suptitle(suptitle)
    fig.tight_layout()


weight_panels(
    [attention.softmax(scores, temperature=T) for T in temperatures],
    [f"softmax, T = {T:g} (beta = {1 / T:g})" for T in temperatures],
    ["tab:blue"] * len(temperatures),
    "Lower temperature (higher beta): the weight concentrates on the best key",
    11,
)

# %%
# Sparse normalisers: sparsemax and entmax
# ----------------------------------------
# Sparsemax is the Euclidean projection of the scores onto the probability simplex (Martins &
# Astudillo 2016, eq. 2): keys whose score is far below the best get weight *exactly* zero.
# 1.5-entmax (Peters et al. 2019) lies between softmax (alpha = 1) and sparsemax (alpha = 2).
# Hard attention keeps only the best key (a one-hot weight); top-k keeps the k best and
# renormalises them with a softmax. :func:`memsim.attention.compare_normalisers` applies several
# normalisers to the same scores and reports each one's support (the keys with non-zero
# weight).
specs = ["softmax", "entmax15", "sparsemax", {"kind": "topk", "k": 2}, "hard"]
outcomes = attention.compare_normalisers(scores, specs)
ps = [np.asarray(out.weights) for out in outcomes.values()]
weight_panels(
    ps,
    [
        f"{name}\nsupport = {int(np.sum(p > 0))} of {len(p)} items"
        for name, p in zip(outcomes, ps, strict=True)
    ],
    [np.where(p > 0, "tab:green", "lightgrey") for p in ps],
    "The same scores through five normalisers",
    12,
)

# %%
# Scaling the scores does the same for sparsemax
# ----------------------------------------------
# Multiplying the scores by ``beta`` before sparsemax plays the role of the temperature: at small
# ``beta`` every key is in the support, at large ``beta`` only the best one. The number of keys
# with non-zero weight falls step by step.
betas = np.geomspace(0.1, 30, 60)
support_sparse = [np.sum(attention.sparsemax(b * scores) > 0) for b in betas]
support_entmax = [np.sum(attention.entmax15(b * scores) > 0) for b in betas]
fig, ax = plt.subplots(figsize=(6.4, 3.6))
ax.step(betas, support_sparse, where="mid", label="sparsemax(beta s)")
ax.step(betas, support_entmax, where="mid", linestyle="--", label="1.5-entmax(beta s)")
ax.axhline(
    len(scores), color="grey", lw=1.0, linestyle=":", label="softmax(beta s): always all items"
)
ax.set_xscale("log")
ax.set_xlabel("beta (score scale)")
ax.set_ylabel("support size (items with p_i > 0)")
ax.set_title("Sparse normalisers drop items as beta grows")
ax.legend()
fig.tight_layout()

# %%
# The read-out moves from the mean to the nearest item
# ----------------------------------------------------
# The read-out ``r = sum_i p_i v_i`` is a point inside the convex hull of the stored values.
# With small ``beta`` it sits near the mean of all values; with large ``beta`` it snaps onto the
# value of the best-matching key. :func:`memsim.attention.attend` computes scores, weights and
# the read-out in one call.
betas_path = np.geomspace(0.05, 50, 40)
reads = np.array(
    [attention.attend(query, keys, values, "dot", "softmax", temperature=1 / b) for b in betas_path]
)
r_sparse = attention.attend(query, keys, values, "dot", "sparsemax")
r_hard = attention.attend(query, keys, values, "dot", "hard")

fig, ax = plt.subplots(figsize=(5.6, 5.6))
ax.scatter(*keys.T, s=80, color="lightgrey", edgecolor="k", zorder=2, label="stored items")
for i, k in enumerate(keys):
    ax.annotate(str(i), k, textcoords="offset points", xytext=(6, 4))
ax.scatter(*query, marker="*", s=200, color="tab:red", zorder=3, label="query q")
sc = ax.scatter(*reads.T, c=np.log10(betas_path), cmap="viridis", s=18, zorder=3)
ax.scatter(*r_sparse, marker="s", s=60, color="tab:green", zorder=4, label="sparsemax read-out")
ax.scatter(
    *r_hard, marker="D", s=50, facecolor="none", edgecolor="k", zorder=4, label="hard read-out"
)
fig.colorbar(sc, ax=ax, shrink=0.75, label="log10 beta (softmax read-out)")
ax.set_xlabel("dimension 1")
ax.set_ylabel("dimension 2")
ax.set_aspect("equal")
ax.set_title("Softmax read-out r(beta) = sum_i p_i v_i")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8)
fig.tight_layout()

# %%
# Which score?
# ------------
# The dot product favours long keys as much as well-aligned ones. The cosine score divides by the
# lengths; the scaled dot product of transformers divides by ``sqrt(d)`` so that the spread of the
# scores does not grow with the dimension; ``neg_sq_distance`` scores by closeness. All are in
# :data:`memsim.attention.SCORES`.
for kind in ["dot", "scaled_dot", "cosine", "neg_sq_distance"]:
    s = attention.score(query[None, :], keys, kind)[0]
    p = attention.softmax(s)
    print(f"{kind:>16}: scores {np.round(s, 2)}  softmax weights {np.round(p, 2)}")

# %%
# What to remember
# ----------------
# * Attention = scores, then a normaliser, then a weighted average of values.
# * ``beta = 1 / T`` sets how selective the average is: the same knob is the inverse
#   temperature of a Hopfield network (lesson 6).
# * Softmax keeps every item; sparsemax and entmax give exact zeros; hard attention picks one.
#
# Next: :doc:`plot_2_key_value_multi_head` separates keys from values and learns several
# attention patterns at once.
