"""
AGS capacity curve
==================

Start a Hebbian network exactly in each stored pattern and let asynchronous dynamics run to a
fixed point. The overlap of the final state with the pattern stays near 1 up to the critical
load ``alpha_c = 0.138`` and then drops. The line is the T = 0 replica-symmetric retrieval
overlap ``m(alpha)`` of Amit, Gutfreund & Sompolinsky, which exists only below alpha_c
(:func:`memsim.theory.ags_retrieval_overlap`); the dots are simulations at three network sizes.
Small networks smear the transition (finite-size effects), larger ones sharpen it.

Source: Amit, Gutfreund & Sompolinsky (1985), Phys. Rev. Lett. 55, 1530; (1987), Ann. Phys.
173, 30. Scenario with larger sizes: ``scenarios/hebbian_ags.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import hopfield, theory
from memsim.patterns import random_patterns

loads = np.array([0.06, 0.09, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.18, 0.20])
sizes = [200, 400, 800]
cues_per_load = 16

fig, ax = plt.subplots(figsize=(6.4, 4.2))
for n_i, N in enumerate(sizes):
    mean_m = []
    for k, alpha in enumerate(loads):
        P = int(round(alpha * N))
        xi = random_patterns(P, N, seed=1000 * n_i + k)
        start = xi[:cues_per_load]
        out = hopfield.recall(
            hopfield.store(xi), start, max_sweeps=40, seed=k, warn=False, threads=1
        )
        final = out.overlap[np.arange(len(start)), out.sweeps]  # overlap at the stop
        mean_m.append(final.mean())
    ax.plot(loads, mean_m, "o--", lw=0.8, label=f"simulation, N = {N}")

alpha_c, m_c = theory.ags_critical_load()
a = np.linspace(0.001, alpha_c, 300)
ax.plot(a, theory.ags_retrieval_overlap(a), "k-", lw=2, label="AGS theory, N -> infinity")
ax.plot([alpha_c, alpha_c], [0, m_c], "k:", lw=1)
ax.text(alpha_c + 0.002, 0.05, f"alpha_c = {alpha_c:.3f}", fontsize=8)
ax.set_xlabel("load alpha = P / N")
ax.set_ylabel("mean final overlap m with the starting pattern")
ax.set_ylim(0, 1.03)
ax.set_title("Hebbian retrieval against load (asynchronous dynamics, T = 0)")
ax.legend(loc="lower left")
fig.tight_layout()
