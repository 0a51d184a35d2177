"""
Bidirectional associative memory
================================

A BAM stores pairs (x, y) in one correlation matrix ``W = sum_mu y^mu (x^mu)^T`` and recalls by
bouncing between the layers, ``y <- sgn(W x)``, ``x <- sgn(W^T y)``, until the pair is stable
(Kosko 1988; :mod:`memsim.hopfield.bam`). With more pairs the crosstalk grows and recall fails.
The dots are simulations with x cues that have 10 % of their bits flipped
(:func:`memsim.experiments.studies.bam.capacity_curve`), N_x = 100 and N_y = 80. Right: the
fraction of wrong y bits after one half-step from a *clean* x beside its exact probability
(:func:`memsim.hopfield.bam.crosstalk_bit_error`).

Source: Kosko, B. (1988), "Bidirectional associative memories", IEEE Trans. Systems, Man, and
Cybernetics 18, 49-60. Scenarios: ``scenarios/bam_pairs.yaml``, ``scenarios/bam_capacity.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim.experiments.studies.bam import capacity_curve
from memsim.hopfield import bam

nx, ny = 100, 80
pairs = np.array([1, 2, 4, 6, 8, 10, 14, 18, 24, 30, 40])
cap = capacity_curve(nx, ny, pairs, trials=6, flip=0.1, seed=0)
theory_err = [bam.crosstalk_bit_error(nx, int(p)) for p in pairs]

fig, axes = plt.subplots(1, 2, figsize=(11, 4.0))
axes[0].plot(cap.pairs, cap.recalled, "o-", label="y recalled exactly from a 10 % noisy x")
axes[0].plot(cap.pairs, cap.stable, "s-", label="stored pair is a fixed point")
axes[0].set_xlabel("number of stored pairs P")
axes[0].set_ylabel("fraction of stored pairs")
axes[0].set_title(f"BAM recall, N_x = {nx}, N_y = {ny}")
axes[0].legend(fontsize=8)
shown = cap.bit_error > 0
axes[1].semilogy(cap.pairs[shown], cap.bit_error[shown], "o", label="simulation")
axes[1].semilogy(pairs, theory_err, "k-", label="exact crosstalk probability")
axes[1].set_xlabel("number of stored pairs P")
axes[1].set_ylabel("y bit error after one half-step from a clean x")
axes[1].set_ylim(1e-4, 0.2)
axes[1].set_title("Crosstalk: measured vs exact")
axes[1].legend(fontsize=8)
fig.tight_layout()
