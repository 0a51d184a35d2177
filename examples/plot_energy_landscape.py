"""
Energy landscape between two stored patterns
============================================

The Hopfield energy ``E(s) = -1/2 s^T W s`` (:func:`memsim.hopfield.energy`) has a minimum at
each stored pattern. Walk from pattern 1 to pattern 2 by flipping, one at a time and in random
order, the bits where they differ, and evaluate E at every step: the path climbs out of the
first minimum, crosses a barrier and falls into the second. At higher load the crosstalk makes
the landscape rougher and the minima shallower. N = 200; three random orders per load.

Source: Hopfield (1982), PNAS 79, 2554, eq. 7; Hertz, Krogh & Palmer (1991), section 2.2.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import hopfield
from memsim.patterns import random_patterns

N = 200
rng = np.random.default_rng(0)
fig, ax = plt.subplots(figsize=(6.4, 4.2))
for k, P in enumerate((4, 20)):
    xi = random_patterns(P, N, seed=k)
    W = hopfield.store(xi)
    differ = np.flatnonzero(xi[0] != xi[1])
    for r in range(3):
        path = [xi[0].copy()]
        for i in rng.permutation(differ):
            s = path[-1].copy()
            s[i] = -s[i]
            path.append(s)
        E = hopfield.energy(W, np.array(path)) / N
        ax.plot(
            np.arange(len(E)) / len(differ),
            E,
            color=f"C{k}",
            lw=1,
            label=f"P = {P} (alpha = {P / N:g})" if r == 0 else None,
        )
ax.set_xlabel("fraction of the differing bits flipped (pattern 1 -> pattern 2)")
ax.set_ylabel("energy per neuron E / N")
ax.set_title(f"Energy along random paths between two stored patterns, N = {N}")
ax.legend()
fig.tight_layout()
