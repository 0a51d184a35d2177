r"""
Lesson 4: Neural Turing Machine and DNC heads
=============================================

A Neural Turing Machine (NTM) couples a controller to a memory matrix :math:`M` (N slots of
width W) through **heads**. A head holds a weighting :math:`w` over the slots (non-negative,
summing to one); reading returns :math:`r = \sum_i w(i) M(i)` (Graves et al. 2014, eq. 2), the
attention read of lesson 1. What is new is how the weighting is produced -- first by content,
then by location -- and that heads also **write**:

1. content addressing, :math:`w^c(i) = \mathrm{softmax}_i(\beta\, K[k, M(i)])` with cosine
   similarity K and key strength :math:`\beta` (eqs. 5-6);
2. the **interpolation gate** :math:`g`: :math:`w^g = g\, w^c + (1 - g)\, w_{t-1}` (eq. 7);
3. a circular **shift** by a distribution s over offsets: :math:`\tilde w(i) = \sum_j w^g(j)\,
   s(i - j)` (eq. 8);
4. **sharpening** with :math:`\gamma \ge 1`: :math:`w(i) = \tilde w(i)^\gamma / \sum_j
   \tilde w(j)^\gamma` (eq. 9).

The Differentiable Neural Computer (DNC) replaces shifts by *dynamic allocation* (write to the
least-used slot) and *temporal links* (remember the order of writes).

Sources: Graves, Wayne & Danihelka (2014), "Neural Turing Machines", arXiv:1410.5401,
section 3; Graves et al. (2016), "Hybrid computing using a neural network with dynamic external
memory", Nature 538, 471-476, Methods.
"""

# %%
# Content addressing
# ------------------
# A memory of 10 slots, each a random +-1 vector of width 6. The key is slot 3 with one entry
# flipped. Cosine similarity ranks the slots; the key strength ``beta`` decides how sharply the
# softmax picks the best one.
import matplotlib.pyplot as plt
import numpy as np

from memsim import ntm

rng = np.random.default_rng(1)
slots, width = 10, 6
M = rng.choice([-1.0, 1.0], size=(slots, width))
key = M[3].copy()
key[0] *= -1

print("cosine similarity K[k, M(i)]:", np.round(ntm.cosine_similarity(M, key), 2))
fig, axes = plt.subplots(1, 3, figsize=(11, 2.8), sharey=True)
for ax, beta in zip(axes, [1.0, 5.0, 20.0], strict=False):
    w = ntm.content_weighting(M, key, beta)
    ax.bar(range(slots), w, color="tab:purple")
    ax.set_title(f"key strength beta = {beta:g}")
    ax.set_xlabel("memory slot i")
    ax.set_xticks(range(slots))
axes[0].set_ylabel("w_c(i)")
fig.suptitle("Content addressing: softmax(beta * cosine(key, M(i))) (Graves et al. 2014, eq. 5)")
fig.tight_layout()

# %%
# Location addressing, stage by stage
# -----------------------------------
# Suppose the head was focused on slot 7 at the previous step (``w_prev``). With interpolation
# gate ``g = 0.3`` the new weighting keeps mostly the old focus and takes a little of the content
# weighting. The shift range is R = 1 (offsets -1, 0, +1) and the shift distribution
# ``s = (0.1, 0.1, 0.8)`` moves the focus mostly one slot forward; it also blurs the weighting.
# Sharpening with ``gamma = 4`` focuses it again. :func:`memsim.ntm.address` runs all four
# stages at once and gives the same result as the stages one by one.
w_prev = np.zeros(slots)
w_prev[7] = 1.0
beta, g, s, gamma = 5.0, 0.3, np.array([0.1, 0.1, 0.8]), 4.0
w_c = ntm.content_weighting(M, key, beta)
w_g = ntm.interpolate(w_c, w_prev, g)
w_s = ntm.circular_shift(w_g, s)
w = ntm.sharpen(w_s, gamma)
assert np.allclose(w, ntm.address(M, key, beta, g, s, gamma, w_prev))

stages = [
    (w_prev, "previous weighting w_{t-1}"),
    (w_c, f"1. content, beta = {beta:g}"),
    (w_g, f"2. interpolation gate g = {g:g}"),
    (w_s, "3. shift s = (0.1, 0.1, 0.8) over (-1, 0, +1)"),
    (w, f"4. sharpening, gamma = {gamma:g}"),
]
fig, axes = plt.subplots(len(stages), 1, figsize=(6.4, 7.0), sharex=True)
for ax, (wt, title) in zip(axes, stages, strict=False):
    ax.bar(range(slots), wt, color="tab:orange")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("weight")
    ax.set_title(title, loc="left", fontsize=9)
axes[-1].set_xlabel("memory slot i")
axes[-1].set_xticks(range(slots))
fig.suptitle("NTM addressing (Graves et al. 2014, eqs. 5-9)")
fig.tight_layout()

# %%
# Why sharpening is needed
# ------------------------
# A head that ignores content (``g = 0``) and shifts by one slot per step walks through memory:
# this is how the NTM writes and reads a sequence in the copy task. If the shift is slightly
# blurred, every step convolves the weighting with s again and the focus spreads like a
# diffusing particle. Sharpening (``gamma > 1``) undoes the blur at each step.
steps = 24
blurred = np.array([0.0, 0.0, 0.1, 0.8, 0.1])  # offsets -2..+2: mostly +1
big = 32
Mbig = rng.choice([-1.0, 1.0], size=(big, width))
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), sharey=True, layout="constrained")
for ax, (shift, gam, title) in zip(
    axes,
    [
        (ntm.one_hot_shift(1, shift_range=2), 1.0, "one-hot shift +1"),
        (blurred, 1.0, "shift (0.1, 0.8, 0.1) on (0, +1, +2), gamma = 1"),
        (blurred, 3.0, "same blurred shift, gamma = 3"),
    ],
    strict=False,
):
    wt = np.zeros(big)
    wt[0] = 1.0
    history = [wt]
    for _ in range(steps):
        wt = ntm.address(Mbig, Mbig[0], 1.0, 0.0, shift, gam, wt)
        history.append(wt)
    im = ax.imshow(np.array(history).T, aspect="auto", cmap="magma", origin="lower", vmin=0, vmax=1)
    ax.set_title(title)
    ax.set_xlabel("time step t")
axes[0].set_ylabel("memory slot i")
fig.colorbar(im, ax=axes, label="head weighting w_t(i)")
fig.suptitle("Location addressing with g = 0: the focus walks through memory")

# %%
# Writing: erase, then add
# ------------------------
# A write head with weighting w, erase vector e (entries in [0, 1]) and add vector a changes each
# slot as ``M(i) <- M(i) (1 - w(i) e) + w(i) a`` (eqs. 3-4). With a sharp weighting on slot 2,
# ``e = 1`` and ``a`` = a new pattern, slot 2 is replaced and the others are untouched; a
# blurred weighting would write a little into the neighbours too. Reading with the same
# weighting returns the new pattern.
w_write = ntm.content_weighting(M, M[2], 50.0)
a = np.array([1.0, 1.0, 1.0, -1.0, -1.0, -1.0])
M_new = ntm.write(M, w_write, np.ones(width), a)
print("read after write:", np.round(ntm.read(M_new, w_write), 2), " (added", a, ")")

fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), layout="constrained")
for ax, mat, title in zip(
    axes, [M, M_new, M_new - M], ["memory before", "after the write", "change"], strict=False
):
    im = ax.imshow(mat, cmap="RdBu_r", vmin=-2, vmax=2)
    ax.set_title(title)
    ax.set_xlabel("width (memory column)")
    ax.set_yticks(range(slots))
axes[0].set_ylabel("memory slot i")
fig.colorbar(im, ax=axes, label="memory value", shrink=0.8)
fig.suptitle("Write to slot 2: erase e = 1, add a = (1, 1, 1, -1, -1, -1)")

# %%
# DNC: usage and dynamic allocation
# ---------------------------------
# The DNC tracks how much each slot is in use (``usage``, between 0 and 1). The **allocation
# weighting** points at the least-used slot; a write gate and an allocation gate decide whether
# the write goes there or to a content-addressed slot. After reading, **free gates** release
# slots, which are reused later (Graves et al. 2016, Methods, "dynamic memory allocation").
# :func:`memsim.ntm.run_task` runs the ``dnc_allocation`` task with a scripted controller: four
# sequences of 6 vectors are written, read back and freed, one after the other, in a 16-slot
# memory.
res = ntm.run_task("dnc_allocation", n_sequences=4, length=6, memory_slots=16, seed=0)
print("bit errors:", res.bit_errors, "of", res.scored_bits)
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True, layout="constrained")
im0 = axes[0].imshow(
    np.asarray(res.usage).T, aspect="auto", cmap="viridis", origin="lower", vmin=0, vmax=1
)
axes[0].set_title("usage u_t(i)")
im1 = axes[1].imshow(
    np.asarray(res.write_weightings)[0].T,
    aspect="auto",
    cmap="magma",
    origin="lower",
    vmin=0,
    vmax=1,
)
axes[1].set_title("write weighting w^w_t(i)")
for ax in axes:
    ax.set_xlabel("time step t (write 6, delimiter, read 6; four times)")
axes[0].set_ylabel("memory slot i")
fig.colorbar(im1, ax=axes, label="value (0..1)", shrink=0.85)
fig.suptitle("DNC allocation: freed slots are reused by the next sequence")

# %%
# DNC: temporal links
# -------------------
# The **link matrix** ``L[i, j]`` records that slot i was written right after slot j. A read head
# that has found one item by content can then move *forward* (``f = L w^r``) or *backward*
# (``b = L^T w^r``) in the order of writing, whatever slots the items landed in. In the
# ``dnc_link_traversal`` task 9 items are written into a 32-slot memory a quarter full, so
# allocation scatters them; both read heads find the query item by content, then head 0 follows
# the forward links and head 1 the backward links.
res = ntm.run_task("dnc_link_traversal", length=9, memory_slots=32, seed=0)
print("bit errors:", res.bit_errors, "of", res.scored_bits)
written = np.argmax(np.asarray(res.write_weightings)[0][:9], axis=1)
print("slots the 9 items were written to, in order:", written)

fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained")
L = np.asarray(res.link_matrix)
im = axes[0].imshow(L, cmap="viridis", vmin=0, vmax=1)
axes[0].set_title("link matrix L[i, j] after the writes")
axes[0].set_xlabel("slot j (written first)")
axes[0].set_ylabel("slot i (written next)")
fig.colorbar(im, ax=axes[0], shrink=0.8, label="link strength")
for h, ax in enumerate(axes[1:]):
    rw = np.asarray(res.read_weightings)[h]
    ax.imshow(rw.T, aspect="auto", cmap="magma", origin="lower", vmin=0, vmax=1)
    ax.set_xticks(range(len(res.step_labels)), res.step_labels, rotation=90, fontsize=7)
    ax.set_xlabel("time step")
    ax.set_ylabel("memory slot i")
    ax.set_title(f"read head {h}: " + ("forward links" if h == 0 else "backward links"))

# %%
# What to remember
# ----------------
# * An NTM head is attention whose weighting is built in stages: content (key, ``beta``), then
#   the interpolation gate ``g``, the shift and the sharpening ``gamma``.
# * Writes erase then add, spread by the same weighting.
# * The DNC allocates free slots by usage and remembers the order of writes in a link matrix.
#
# Next: :doc:`plot_5_hopfield_networks` -- a memory without slots, where the patterns live in
# the couplings of a network.
