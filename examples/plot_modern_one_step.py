"""
Modern Hopfield network: one-step retrieval of exponentially many patterns
==========================================================================

Store P random +-1 patterns of dimension d in a modern (continuous) Hopfield network, flip 10 %
of the signs of a stored pattern and apply **one** update ``xi <- X^T softmax(beta X xi)``. The
query counts as retrieved when it lands within 10 % (relative distance) of the pattern
(:func:`memsim.experiments.studies.modern.retrieval_rate`). The number of patterns that can be
retrieved grows exponentially with d (Ramsauer et al. 2021, Theorem 3): doubling d moves the drop by
orders of magnitude, far beyond the classical network's ``0.138 d`` (dotted lines).

Source: Ramsauer et al. (2021), "Hopfield networks is all you need", ICLR, arXiv:2008.02217,
Theorems 3-5. Scenario: ``scenarios/modern_capacity.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim.hopfield import modern

Ps = np.unique(np.geomspace(2, 20000, 14).astype(int))
fig, ax = plt.subplots(figsize=(6.4, 4.2))
for d, colour in zip((12, 16, 24, 32), ("C0", "C1", "C2", "C3"), strict=False):
    rate = [
        modern.retrieval_rate(d, int(P), beta=1.0, noise=0.1, queries=40, steps=1, seed=d)
        for P in Ps
    ]
    ax.semilogx(Ps, rate, "o-", color=colour, label=f"modern, d = {d}")
    ax.axvline(0.138 * d, color=colour, ls=":", lw=1)
ax.text(0.138 * 32 * 1.1, 0.5, "classical capacity\n0.138 d (dotted)", fontsize=8)
ax.set_xlabel("number of stored patterns P")
ax.set_ylabel("fraction of queries retrieved in one update")
ax.set_title("One-step retrieval, beta = 1, 10 % of signs flipped")
ax.legend(loc="lower left")
fig.tight_layout()
