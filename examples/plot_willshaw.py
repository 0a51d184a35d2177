"""
Willshaw network: clipped synapses and sparse patterns
======================================================

The Willshaw net stores M associations between sparse binary patterns (K active units of N) in
binary synapses: a synapse is switched on when its two units are ever active together
(Willshaw, Buneman & Longuet-Higgins 1969). Recall thresholds the dendritic sums at K_in. The
fraction of switched-on synapses is ``p1 = 1 - (1 - K_in K_out / (N_in N_out))^M``; a silent
output unit fires by mistake with probability ``p1^K_in``; the stored information peaks at
``ln 2 ~ 0.69`` bits per synapse for large nets when p1 = 1/2 (Palm 1980). Dots: simulation
(:func:`memsim.experiments.studies.willshaw.capacity_curve`) with N = 256 and K = 8; lines: theory.

Sources: Willshaw, Buneman & Longuet-Higgins (1969), Nature 222, 960; Palm (1980), Biol.
Cybern. 36, 19. Scenarios: ``scenarios/willshaw_recall.yaml``, ``scenarios/willshaw_capacity.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim.experiments.studies.willshaw import capacity_curve

M = np.unique(np.geomspace(50, 4000, 12).astype(int))
cap = capacity_curve(256, 256, 8, 8, M, trials=2, cues=100, seed=0)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.0))
axes[0].plot(cap.m, cap.p1, "o", color="C0", label="p1 (synapses on), simulation")
axes[0].plot(cap.m, cap.p1_theory, "-", color="C0", label="p1, theory")
axes[0].plot(cap.m, cap.false_positive, "s", color="C3", label="false positives, simulation")
axes[0].plot(cap.m, cap.false_positive_theory, "-", color="C3", label="false positives p1^K")
axes[0].set_xscale("log")
axes[0].set_xlabel("stored associations M")
axes[0].set_ylabel("fraction")
axes[0].set_title("Synapses switched on and false positives")
axes[0].legend(fontsize=8)
axes[1].plot(cap.m, cap.info, "o", label="simulation")
axes[1].plot(cap.m, cap.info_theory, "-", label="theory")
axes[1].axhline(np.log(2), color="k", ls=":", label="ln 2 (large-N limit)")
axes[1].set_xscale("log")
axes[1].set_xlabel("stored associations M")
axes[1].set_ylabel("information (bits per synapse)")
axes[1].set_title("Stored information, N = 256, K = 8")
axes[1].legend(fontsize=8)
fig.tight_layout()
