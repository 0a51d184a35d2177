"""
Glauber dynamics: the retrieval phase in (load, temperature)
============================================================

At temperature T > 0 neurons update stochastically (Glauber heat-bath dynamics,
``P(s_i = +1) = 1 / (1 + exp(-2 h_i / T))``). Started in a stored pattern, the network stays
near it only inside the retrieval phase of the Amit-Gutfreund-Sompolinsky phase diagram: below
the line ``T_M(alpha)`` (:func:`memsim.theory.ags_retrieval_boundary`; drawn here through its
inverse :func:`memsim.theory.ags_max_retrieval_load`), which runs from T = 1 at
zero load to the critical load 0.138 at T = 0. Colours: mean overlap after 20 sweeps, N = 300.

Source: Amit, Gutfreund & Sompolinsky (1987), Ann. Phys. 173, 30 (phase diagram); Glauber
(1963), J. Math. Phys. 4, 294. Scenario: ``scenarios/glauber_phase.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import hopfield, theory
from memsim.patterns import random_patterns

N = 300
loads = np.array([0.01, 0.03, 0.05, 0.07, 0.09, 0.11, 0.13, 0.15, 0.17])
temps = np.array([0.0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.05])
m = np.zeros((len(temps), len(loads)))
for j, alpha in enumerate(loads):
    P = max(1, int(round(alpha * N)))
    xi = random_patterns(P, N, seed=j)
    W = hopfield.store(xi)
    start = xi[: min(P, 6)]
    for i, T in enumerate(temps):
        out = hopfield.recall(W, start, max_sweeps=20, seed=i, temperature=T, warn=False, threads=1)
        m[i, j] = np.mean(np.abs(out.overlap[np.arange(len(start)), out.sweeps]))

t_line = np.linspace(0.0, 0.99, 12)
a_line = theory.ags_max_retrieval_load(t_line)  # the line alpha_M(T), i.e. T_M(alpha)

fig, ax = plt.subplots(figsize=(6.4, 4.4))
da, dt = loads[1] - loads[0], temps[1] - temps[0]
im = ax.imshow(
    m,
    origin="lower",
    aspect="auto",
    cmap="viridis",
    vmin=0,
    vmax=1,
    extent=[loads[0] - da / 2, loads[-1] + da / 2, temps[0] - dt / 2, temps[-1] + dt / 2],
)
ax.plot(a_line, t_line, "w-", lw=2.5, label="AGS retrieval line T_M(alpha)")
ax.set_xlabel("load alpha = P / N")
ax.set_ylabel("temperature T")
ax.set_title(f"Mean overlap after 20 Glauber sweeps from a stored pattern, N = {N}")
ax.legend(loc="upper right")
fig.colorbar(im, ax=ax, label="mean |overlap| m")
fig.tight_layout()
