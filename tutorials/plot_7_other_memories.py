r"""
Lesson 7: the textbooks' other memories
=======================================

The Hopfield network recalls a pattern from a part of itself. The classic texts add four more
associative memories that memsim simulates, each a small change to the same Hebbian idea:

* **sequences**: asymmetric couplings map each pattern to the next (Amari 1972);
* the **bidirectional associative memory** (BAM) links two different layers, x and y
  (Kosko 1988);
* the **Willshaw net** stores sparse 0/1 patterns in clipped, binary synapses (Willshaw,
  Buneman & Longuet-Higgins 1969);
* **sparse distributed memory** (SDM) writes into many random "hard locations" near an address
  and reads by pooling them (Kanerva 1988) -- a memory with slots, like lessons 1-4, addressed
  by similarity, like attention.

Sources: Amari (1972), IEEE Trans. Computers C-21, 1197; Kosko (1988), IEEE Trans. SMC 18, 49;
Willshaw, Buneman & Longuet-Higgins (1969), Nature 222, 960; Kanerva (1988), *Sparse
Distributed Memory*, MIT Press; Hertz, Krogh & Palmer (1991), chapters 2-3.
"""

# %%
# Sequences: asymmetric couplings
# -------------------------------
# With ``W = (1/N) sum_mu xi^(mu+1) (xi^mu)^T`` the field at pattern mu points to pattern
# mu + 1, so one synchronous update steps along the sequence
# (:func:`memsim.hopfield.sequence.store`, :func:`memsim.hopfield.sequence.recall`). Letter
# bitmaps are too correlated for this plain rule, so the sequence here is four random patterns
# (N = 200), followed through their overlaps with the state.
import matplotlib.pyplot as plt
import numpy as np

from memsim import sdm
from memsim.hopfield import bam, sequence, willshaw
from memsim.patterns import corrupt, letters, random_patterns

xi = random_patterns(4, 200, seed=0)
Wseq = sequence.store(xi, cyclic=True)
cue = corrupt(xi[:1], flip=0.2, seed=1)[0]
run = sequence.recall(Wseq, cue, steps=8)

fig, ax = plt.subplots(figsize=(6.4, 3.4))
for mu in range(4):
    ax.plot(np.asarray(run.overlaps)[:, mu], "o-", label=f"pattern {mu}")
ax.set_xlabel("synchronous step t")
ax.set_ylabel("overlap m^mu(t)")
ax.set_title("Sequence 0 -> 1 -> 2 -> 3 -> 0, cue: pattern 0 with 20 % flipped")
ax.legend(ncol=4, loc="lower center", bbox_to_anchor=(0.5, -0.45))
fig.tight_layout()

# %%
# BAM: recall a picture from its label
# ------------------------------------
# A BAM stores pairs (x, y) in ``W = sum_mu y^mu (x^mu)^T`` (:func:`memsim.hopfield.bam.store`)
# and bounces between the two layers, ``y <- sgn(W x)``, ``x <- sgn(W^T y)``, until the pair is
# stable (:func:`memsim.hopfield.bam.recall`). Here x is a letter picture and y a random 24-bit
# code; given only the code (with 3 bits wrong), the BAM produces the picture. Not always: the
# letter pictures are strongly correlated, which crowds a BAM as it crowds a Hopfield network,
# and the A ends in a mixture of letters.
X, shape = letters("BAMZ")
codes = random_patterns(len(X), 24, seed=2)
Wbam = bam.store(X, codes)
noisy_codes = corrupt(codes, flip=3 / 24, seed=3)
out = bam.recall(Wbam, y=noisy_codes, seed=4)
print("pictures recalled exactly:", np.all(np.asarray(out.x) == X, axis=1))

fig, axes = plt.subplots(3, len(X), figsize=(6.4, 5.6))
for c in range(len(X)):
    axes[0, c].imshow(noisy_codes[c].reshape(4, 6), cmap="gray_r", vmin=-1, vmax=1)
    axes[1, c].imshow(np.asarray(out.x[c]).reshape(shape), cmap="gray_r", vmin=-1, vmax=1)
    axes[2, c].imshow(X[c].reshape(shape), cmap="gray_r", vmin=-1, vmax=1)
    for r in range(3):
        axes[r, c].set_xticks([])
        axes[r, c].set_yticks([])
for r, lab in enumerate(["cue: code y\n(3 bits wrong)", "recalled x", "stored x"]):
    axes[r, 0].set_ylabel(lab, rotation=0, ha="right", va="center", fontsize=9)
fig.suptitle("BAM: from a 24-bit code to a 140-pixel picture")
fig.tight_layout()

# %%
# Willshaw net: sparse patterns, binary synapses
# ----------------------------------------------
# Patterns with K = 8 active units out of N = 256; a synapse is switched on when its two units
# are ever active together (:func:`memsim.hopfield.willshaw.store`). Recall is one step with the
# threshold "number of active cue units" (:func:`memsim.hopfield.willshaw.recall`): a clean or
# incomplete cue never misses a stored unit, but as synapses fill up, extra units fire. Cue with
# half of the active units (pattern completion) and count wrong output units against the number
# of stored associations M.
rng = np.random.default_rng(5)
N, K = 256, 8
Ms = [100, 300, 600, 1000, 1500, 2500]
extra = []
for M in Ms:
    pats = willshaw.sparse_patterns(M, N, K, rng)
    Ww = willshaw.store(pats)
    cues = pats[:100].copy()
    for c in cues:
        on = np.flatnonzero(c)
        c[on[: K // 2]] = 0  # keep half of the active units
    rec = willshaw.recall(Ww, cues)
    extra.append(np.mean(np.sum((rec.output == 1) & (pats[:100] == 0), axis=1)))
fig, ax = plt.subplots(figsize=(6.4, 3.6))
ax.plot(Ms, extra, "o-")
ax.set_xlabel("stored associations M")
ax.set_ylabel("wrongly active output units per recall")
ax.set_title(f"Willshaw auto-association, N = {N}, K = {K}, cue = half of the pattern")
fig.tight_layout()

# %%
# Sparse distributed memory: pooling many locations
# -------------------------------------------------
# SDM has M random hard locations in {0,1}^n, each with a counter per data bit. Writing an item
# adds it (as +-1) to the counters of every location within Hamming radius r of its address;
# reading sums the counters of the locations within r of the cue and thresholds
# (:func:`memsim.sdm.write`, :func:`memsim.sdm.read`). Stored auto-associatively (address =
# data), an item can be recovered from a noisy cue by reading repeatedly, each read's output
# being the next cue: the read converges to the stored item. Here: the bitmaps of five letters
# (n = 140 bits, 0/1), 3000 locations, radius 55.
L, shape = letters("SDMXO")
data = ((L + 1) // 2).astype(np.uint8)
n = data.shape[1]
locs = sdm.locations(3000, n, seed=6)
radius = 55
counters = sdm.write(locs, data, data, radius)
noisy = data.copy()
for row in noisy:
    row[rng.choice(n, 20, replace=False)] ^= 1
reads = [noisy]
for _ in range(3):
    reads.append(sdm.read(counters, locs, reads[-1], radius))

fig, axes = plt.subplots(len(reads), len(data), figsize=(7.0, 6.8))
for r, imgs in enumerate(reads):
    for c in range(len(data)):
        axes[r, c].imshow(imgs[c].reshape(shape), cmap="gray_r", vmin=0, vmax=1)
        axes[r, c].set_xticks([])
        axes[r, c].set_yticks([])
    axes[r, 0].set_ylabel(
        "cue (20 bits\nflipped)" if r == 0 else f"read {r}",
        rotation=0,
        ha="right",
        va="center",
        fontsize=9,
    )
fig.suptitle(f"SDM, 3000 locations, radius {radius} of {n} bits: iterated reads")
fig.tight_layout()

# %%
# What to remember
# ----------------
# * Change the Hebbian outer product and you change what is recalled: the next pattern
#   (sequences), the partner pattern (BAM), a sparse code in binary synapses (Willshaw).
# * SDM stores in many slots at once and reads by similarity: it approximates attention
#   (Bricken & Pehlevan 2021), closing the circle back to lesson 1. See the gallery example
#   :doc:`/auto_examples/plot_sdm`.
