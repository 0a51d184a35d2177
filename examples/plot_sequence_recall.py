"""
Sequence recall with asymmetric couplings
=========================================

Asymmetric couplings ``W = (1/N) sum_mu xi^(mu+1) (xi^mu)^T`` map each pattern to the next, so
synchronous updates step through a stored sequence (Amari 1972;
:func:`memsim.hopfield.sequence.store`). Left: overlaps of the state with each of 6 stored
patterns (N = 300, a cyclic sequence) after a cue at pattern 0 -- one pattern per step, round
and round. Right: the quality of sequence recall against the load P / N
(:func:`memsim.experiments.studies.sequence.capacity_curve`); at large N it drops near the
critical load ``alpha_c ~ 0.269`` of During, Coolen & Sherrington (1998).

Sources: Amari (1972), IEEE Trans. Computers C-21, 1197; During, Coolen & Sherrington (1998),
J. Phys. A 31, 8607. Scenarios: ``scenarios/sequence_letters.yaml``,
``scenarios/sequence_capacity.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim.experiments.studies.sequence import capacity_curve
from memsim.hopfield import sequence
from memsim.patterns import random_patterns

N, P, steps = 300, 6, 14
W = sequence.store(random_patterns(P, N, seed=0), cyclic=True)
run = sequence.recall(W, W.patterns[0], steps=steps)

loads = np.array([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4])
curve = capacity_curve(300, loads, trials=4, steps=20, seed=1)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.0), layout="constrained")
im = axes[0].imshow(np.asarray(run.overlaps).T, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
axes[0].set_xlabel("synchronous step t")
axes[0].set_ylabel("stored pattern mu")
axes[0].set_title(f"Overlap m^mu(t), N = {N}, P = {P} (cyclic)")
fig.colorbar(im, ax=axes[0], label="overlap m^mu")
axes[1].errorbar(curve.loads, curve.overlap, yerr=curve.stderr, fmt="o-", label="final overlap")
axes[1].plot(curve.loads, curve.success, "s--", label="fraction of trials with m > 0.9")
axes[1].axvline(0.269, color="k", ls=":", label="alpha_c ~ 0.269 (N -> infinity)")
axes[1].set_xlabel("load alpha = P / N")
axes[1].set_ylabel("overlap after 20 steps / fraction")
axes[1].set_title("Sequence recall against load, N = 300")
axes[1].legend(loc="lower left", fontsize=8)
