"""
Letters: recall from noisy and from half-masked pictures
========================================================

The classroom demonstration of associative memory: five 14 x 10 letters are stored in a Hebbian
network (N = 140, :func:`memsim.hopfield.store`). Top rows: cues with 25 % of the pixels
flipped are cleaned up by asynchronous dynamics. Bottom rows: cues whose upper half is blanked;
the known lower half is *clamped* (held fixed, ``clamp=`` in :func:`memsim.hopfield.recall`)
and the network fills in the rest. Partial cues are harder: the H, whose lower half is shared
with other letters' strokes, ends in a state close to, but not exactly, the stored H.

Source: Hopfield (1982), PNAS 79, 2554; Hertz, Krogh & Palmer (1991), chapter 2. Scenario:
``scenarios/hebbian_letters.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import hopfield
from memsim.patterns import corrupt, letters

X, shape = letters("CHLTX")
W = hopfield.store(X)
noisy = corrupt(X, flip=0.25, seed=3)
out_noisy = hopfield.recall(W, noisy, seed=1)

half = X.shape[1] // 2
masked = X.copy()
masked[:, :half] = -1  # upper half blank (white)
known = np.zeros_like(X, dtype=bool)
known[:, half:] = True
out_masked = hopfield.recall(W, masked, clamp=known, seed=2)

rows = [
    ("noisy cue\n(25 % flipped)", noisy),
    ("recalled", out_noisy.states),
    ("half-masked\ncue", masked),
    ("recalled\n(lower half\nclamped)", out_masked.states),
]
fig, axes = plt.subplots(len(rows), len(X), figsize=(7.0, 7.6))
for r, (label, imgs) in enumerate(rows):
    for c in range(len(X)):
        axes[r, c].imshow(np.asarray(imgs[c]).reshape(shape), cmap="gray_r", vmin=-1, vmax=1)
        axes[r, c].set_xticks([])
        axes[r, c].set_yticks([])
    axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
fig.suptitle("Hebbian network, N = 140, five letters")
fig.tight_layout()
