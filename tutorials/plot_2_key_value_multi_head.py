r"""
Lesson 2: key-value, self- and multi-head attention
===================================================

Lesson 1 averaged the stored items themselves. Separating *what we match* from *what we read*
gives key-value attention: each memory slot holds a **key** :math:`k_i` (matched against the
query) and a **value** :math:`v_i` (returned). Transformers compute the queries, keys and values
of a sequence from the sequence itself (**self-attention**) through learned projections, and
run several such attentions side by side (**multi-head attention**). In matrix form, with the
scaled dot-product score (Vaswani et al. 2017, eq. 1):

.. math::

    \mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V,
    \qquad Q = X W^Q,\; K = X W^K,\; V = X W^V .

Sources: Vaswani et al. (2017), "Attention is all you need", NeurIPS, eq. 1 and sections 3.2.2
(multi-head), 3.2.3 (causal masking) and 3.5 (positional encoding); Miller et al. (2016),
"Key-value memory networks for directly reading documents", section 3.
"""

# %%
# A key-value memory: a look-up table that tolerates noise
# --------------------------------------------------------
# Eight slots. Keys are random unit vectors in 32 dimensions; each value is a one-hot label of
# its slot, so the read-out tells us directly "how much of each slot we read". The query is the
# key of slot 3 plus Gaussian noise. With the scaled dot-product score and a softmax at
# ``beta = 8`` (``temperature = 1/8``) the read is still almost entirely slot 3's value.
import matplotlib.pyplot as plt
import numpy as np

from memsim import attention

rng = np.random.default_rng(0)
slots, d = 8, 32
keys = rng.normal(size=(slots, d))
keys /= np.linalg.norm(keys, axis=1, keepdims=True)
values = np.eye(slots)  # value i = one-hot label of slot i

noise_levels = [0.0, 0.5, 1.0, 2.0]
queries = np.array([keys[3] + s * rng.normal(size=d) / np.sqrt(d) for s in noise_levels])
reads, weights = attention.attend(
    queries, keys, values, "dot", "softmax", temperature=1 / 8, return_weights=True
)

fig, axes = plt.subplots(1, len(noise_levels), figsize=(11, 2.9), sharey=True)
for ax, s, r in zip(axes, noise_levels, reads, strict=False):
    ax.bar(np.arange(slots), r, color=np.where(np.arange(slots) == 3, "tab:red", "tab:blue"))
    ax.set_title(f"query = key 3 + noise\n|noise| / |key| = {s:g}")
    ax.set_xlabel("slot i (value = one-hot label)")
    ax.set_xticks(np.arange(slots))
axes[0].set_ylabel("read-out component")
axes[0].set_ylim(0, 1.05)
fig.suptitle(
    "Key-value read, softmax(beta q.k) with beta = 8: the target slot (red) wins "
    "until the noise is as large as the key"
)
fig.tight_layout()

# %%
# Self-attention: a sequence attends to itself
# --------------------------------------------
# Take a toy sentence; each word gets a fixed random vector and each position adds a small
# sinusoidal position encoding (:func:`memsim.attention.sinusoidal_position_encoding`). With the
# identity for ``W^Q``, ``W^K`` and ``W^V`` (the default of
# :func:`memsim.attention.self_attention`), position i attends to positions whose vectors are
# similar to its own: every word to itself, and the two copies of "the" and of "cat" to each
# other. ``causal=True`` hides the future, as in a decoder: row i may only look at columns
# j <= i.
words = "the cat saw the dog and the cat ran".split()
vocab = sorted(set(words))
d_model = 16
word_vec = {w: v for w, v in zip(vocab, rng.normal(size=(len(vocab), d_model)), strict=False)}
X = np.array([word_vec[w] for w in words])
X = X + 0.3 * attention.sinusoidal_position_encoding(len(words), d_model)

_, w_full = attention.self_attention(X, return_weights=True)
_, w_causal = attention.self_attention(X, causal=True, return_weights=True)

fig, axes = plt.subplots(1, 2, figsize=(11, 5.0), layout="constrained")
for ax, w, title in zip(
    axes, [w_full, w_causal], ["self-attention", "causal self-attention"], strict=False
):
    im = ax.imshow(w, cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(len(words)), words, rotation=45)
    ax.set_yticks(range(len(words)), words)
    ax.set_xlabel("key position j")
    ax.set_ylabel("query position i")
    ax.set_title(f"{title}\nsoftmax(Q K^T / sqrt(d)), W = identity")
fig.colorbar(im, ax=axes, label="weight p_ij (rows sum to 1)", shrink=0.8)

# %%
# Multi-head attention: several projections, several patterns
# -----------------------------------------------------------
# Each head projects X to a smaller space (``d_head = d_model / h``) with its own ``W^Q``,
# ``W^K``, ``W^V`` and attends there; the heads' outputs are concatenated and mixed by ``W^O``
# (Vaswani et al. 2017, section 3.2.2). Trained heads specialise (one follows the previous word,
# one the subject, ...); here the projections are random
# (:func:`memsim.attention.random_multi_head_weights`), which is enough to see that each head
# induces its own attention pattern on the same sentence.
heads = 4
W = attention.random_multi_head_weights(d_model, heads, seed=1)
out, w_heads = attention.self_attention(X, **W, return_weights=True)
print("multi-head output shape (T, d_model):", out.shape, "; weights (h, T, T):", w_heads.shape)

fig, axes = plt.subplots(1, heads, figsize=(13, 3.8), sharey=True, layout="constrained")
for h, ax in enumerate(axes):
    im = ax.imshow(w_heads[h], cmap="viridis", vmin=0, vmax=1)
    ax.set_title(f"head {h + 1}")
    ax.set_xticks(range(len(words)), words, rotation=60, fontsize=7)
    ax.set_xlabel("key position j")
axes[0].set_yticks(range(len(words)), words)
axes[0].set_ylabel("query position i")
fig.colorbar(im, ax=axes, label="weight p_ij", shrink=0.8)
fig.suptitle(f"{heads} heads with random projections (d_head = {d_model // heads}): four patterns")

# %%
# Why divide by sqrt(d)?
# ----------------------
# For random vectors the dot product ``q . k`` has a standard deviation that grows like
# ``sqrt(d)``: without scaling, the softmax of high-dimensional queries is almost one-hot (the
# entropy of the weights collapses). The scaled dot product keeps the spread of the scores, and
# therefore the entropy of the weights, independent of ``d`` (Vaswani et al. 2017, footnote 4).
dims = [4, 16, 64, 256, 1024]
ent = {"dot": [], "scaled_dot": []}
for dim in dims:
    Q = rng.normal(size=(64, dim))
    K = rng.normal(size=(32, dim))
    for kind in ent:
        p = attention.softmax(attention.score(Q, K, kind))
        ent[kind].append(np.mean(-np.sum(p * np.log(np.maximum(p, 1e-300)), axis=1)))
fig, ax = plt.subplots(figsize=(6.4, 3.6))
ax.plot(dims, ent["dot"], "o-", label="dot: softmax(q . k)")
ax.plot(dims, ent["scaled_dot"], "s-", label="scaled_dot: softmax(q . k / sqrt(d))")
ax.axhline(np.log(32), color="grey", ls=":", label="uniform over 32 keys (ln 32)")
ax.set_xscale("log", base=2)
ax.set_xlabel("dimension d of queries and keys")
ax.set_ylabel("entropy of the weights (nats)")
ax.set_title("Without the 1/sqrt(d) scale, attention turns hard as d grows")
ax.legend()
fig.tight_layout()

# %%
# What to remember
# ----------------
# * Keys decide *where* to read, values decide *what* is read.
# * Self-attention computes Q, K and V from the same sequence; a causal mask hides the future.
# * Multi-head attention runs h attentions in parallel on projections of size d/h.
#
# Next: :doc:`plot_3_memory_networks` reads a memory several times in a row.
