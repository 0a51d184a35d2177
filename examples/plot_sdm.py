"""
Sparse distributed memory, and why it looks like attention
==========================================================

Kanerva's sparse distributed memory (SDM) writes each item into the counters of all hard
locations within a Hamming radius of its address and reads by summing the counters of the
locations near the cue, then thresholding (:func:`memsim.sdm.write`, :func:`memsim.sdm.read`).
Left: autoassociative recall (address = data) with M = 2000 locations, n = 256 bits and radius
111 (about 2 % of the locations activated); one read corrects a noisy cue when few items are
stored. Right: the weight each stored item gets in a read is set by how many locations the cue
and the item's address share (:func:`memsim.sdm.intersection_weights`); Bricken & Pehlevan
(2021) showed that this is close to a softmax over cosine similarities
(:func:`memsim.sdm.attention_weights`) -- SDM approximates attention.

Sources: Kanerva (1988), *Sparse Distributed Memory*, MIT Press, ch. 7; Bricken & Pehlevan
(2021), "Attention approximates sparse distributed memory", NeurIPS. Scenarios:
``scenarios/sdm_recall.yaml``, ``scenarios/sdm_attention.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import sdm

n, M, radius = 256, 2000, 111
rng = np.random.default_rng(0)
locs = sdm.locations(M, n, seed=0)
cue_noise = np.arange(0, 81, 10)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.0))
for items in (10, 50, 150):
    data = rng.integers(0, 2, size=(items, n), dtype=np.uint8)
    counters = sdm.write(locs, data, data, radius, threads=1)
    correct = []
    for d in cue_noise:
        cues = data[:20].copy()
        for c in cues:
            c[rng.choice(n, d, replace=False)] ^= 1
        out = sdm.read(counters, locs, cues, radius, threads=1)
        correct.append(np.mean(out == data[:20]))
    axes[0].plot(cue_noise, correct, "o-", label=f"{items} items stored")
axes[0].plot(cue_noise, 1 - cue_noise / n, "k:", label="cue itself (no memory)")
axes[0].set_xlabel("bits flipped in the cue (of 256)")
axes[0].set_ylabel("fraction of bits correct after one read")
axes[0].set_title(f"SDM recall, M = {M}, radius = {radius}")
axes[0].legend(fontsize=8)

addresses = rng.integers(0, 2, size=(40, n), dtype=np.uint8)
cue = addresses[0].copy()
cue[rng.choice(n, 30, replace=False)] ^= 1
w_sdm = sdm.intersection_weights(cue, addresses, radius).ravel()
w_att = sdm.attention_weights(cue, addresses, radius).ravel()
dist = np.sum(addresses != cue, axis=1)
axes[1].semilogy(dist, w_sdm, "o", label="SDM: circle intersections")
axes[1].semilogy(
    dist, w_att, "x", label=f"softmax(beta cos), beta = {sdm.softmax_beta(n, radius):.1f}"
)
axes[1].set_xlabel("Hamming distance of the stored address to the cue")
axes[1].set_ylabel("read weight of the item")
axes[1].set_title("SDM read weights vs softmax attention (40 items)")
axes[1].legend(fontsize=8)
fig.tight_layout()
