"""
Dense associative memory: capacity grows like N^(n-1)
=====================================================

Krotov & Hopfield (2016) replace the quadratic energy of the Hopfield network by
``E = -sum_mu F(xi^mu . s)`` with ``F(x) = x^n``. The crosstalk of the other patterns is then
suppressed by a higher power of N, and the one-step bit error at a stored pattern becomes
``1/2 erfc( sqrt( N^(n-1) / (2 (2n-3)!! K) ) )`` for K stored patterns
(:func:`memsim.theory.dense_bit_error`; n = 2 is the classical network). The dots count the
neurons that the update would flip at each stored pattern
(:func:`memsim.hopfield.dense.dense_unstable_bits`), at N = 40.

Source: Krotov & Hopfield (2016), "Dense associative memory for pattern recognition", NeurIPS,
section 2 (capacity estimate). Scenario: ``scenarios/dense_capacity.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import theory
from memsim.hopfield import dense

N = 40
Ks = np.unique(np.geomspace(2, 3000, 16).astype(int))
fig, ax = plt.subplots(figsize=(6.4, 4.2))
for n, colour in zip((2, 3, 4), ("C0", "C1", "C2"), strict=False):
    measured = []
    for k, K in enumerate(Ks):
        xi = dense.random_patterns(int(K), N, seed=10 * n + k)
        probe = xi[:300]  # the bit error is the same at every stored pattern: test up to 300
        flips = dense.dense_unstable_bits(xi, probe, "polynomial", n)
        measured.append(flips.sum() / probe.size)
    measured = np.array(measured)
    shown = measured > 0
    ax.loglog(Ks[shown], measured[shown], "o", color=colour, label=f"simulation, n = {n}")
    K_line = np.geomspace(2, 3000, 200)
    ax.loglog(
        K_line,
        [theory.dense_bit_error(N, K, n) for K in K_line],
        "-",
        color=colour,
        label=f"theory, F(x) = x^{n}",
    )
ax.set_ylim(1e-4, 0.6)
ax.set_xlabel("number of stored patterns K")
ax.set_ylabel("one-step bit error at a stored pattern")
ax.set_title(f"Dense associative memory, N = {N}: higher n stores more")
ax.legend(ncol=2, fontsize=8, loc="lower right")
fig.tight_layout()
