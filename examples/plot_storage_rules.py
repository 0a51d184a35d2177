"""
Storage rules: Hebbian vs Storkey vs pseudo-inverse
===================================================

Three ways to set the couplings of the same network (:func:`memsim.hopfield.store`): the Hebbian
rule (capacity 0.138 N, with errors), the Storkey rule (local and incremental, about
``N / sqrt(2 ln N)`` patterns) and the pseudo-inverse or projection rule (non-local; every set of
up to N linearly independent patterns is stable). Each stored pattern is cued with 10 % of its
bits flipped; the plot shows the mean final overlap against the load at N = 200.

Sources: Hopfield (1982); Storkey (1997), ICANN, Lecture Notes in Computer Science 1327, 451;
Personnaz, Guyon & Dreyfus (1985), J. Physique Lett. 46, L359; capacities
:func:`memsim.theory.storkey_capacity`, :func:`memsim.theory.pseudoinverse_capacity`. Scenario:
``scenarios/rules_compare.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import hopfield, theory
from memsim.patterns import corrupt, random_patterns

N = 200
loads = np.array([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5])
fig, ax = plt.subplots(figsize=(6.4, 4.2))
for rule, marker in (("hebbian", "o"), ("storkey", "s"), ("pseudoinverse", "^")):
    m = []
    for k, alpha in enumerate(loads):
        P = int(round(alpha * N))
        xi = random_patterns(P, N, seed=k)
        cued = xi[:20]
        cues = corrupt(cued, flip=0.1, seed=50 + k)
        out = hopfield.recall(
            hopfield.store(xi, rule),
            cues,
            targets=cued,
            max_sweeps=30,
            seed=k,
            warn=False,
            threads=1,
        )
        m.append(out.overlap[np.arange(len(cues)), out.sweeps].mean())
    ax.plot(loads, m, marker + "-", label=rule)
ax.axvline(0.138, color="C0", ls=":", lw=1)
ax.axvline(theory.storkey_capacity(N) / N, color="C1", ls=":", lw=1)
ax.text(0.142, 0.55, "Hebbian alpha_c = 0.138", color="C0", fontsize=8, rotation=90)
ax.text(
    theory.storkey_capacity(N) / N + 0.005,
    0.55,
    "Storkey N / sqrt(2 ln N)",
    color="C1",
    fontsize=8,
    rotation=90,
)
ax.set_xlabel("load alpha = P / N")
ax.set_ylabel("mean final overlap (cues with 10 % flipped)")
ax.set_title(f"Storage rules compared, N = {N}")
ax.legend(loc="lower left")
fig.tight_layout()
