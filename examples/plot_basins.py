"""
Basins of attraction
====================

How corrupted may a cue be and still be recalled? Cue each stored pattern with a fraction of
its bits flipped (initial overlap ``m0 = 1 - 2 flip``) and count the cues whose final overlap is
at least 0.9. At low load the basin is wide: cues with a third of the bits wrong are still
recalled. Near the critical load the basin shrinks towards the pattern itself. The Storkey rule
(dashed) keeps wider basins than the Hebbian rule at the same load.

Sources: Hopfield (1982), PNAS 79, 2554; Storkey (1997), ICANN; Hertz, Krogh & Palmer (1991),
section 2.5. Scenario: ``scenarios/basins.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import hopfield
from memsim.patterns import corrupt, random_patterns

N = 300
flips = np.arange(0.0, 0.46, 0.05)
loads = [0.05, 0.10, 0.13]
fig, ax = plt.subplots(figsize=(6.4, 4.2))
for li, alpha in enumerate(loads):
    P = int(round(alpha * N))
    xi = random_patterns(P, N, seed=li)
    for rule, style in (("hebbian", "o-"), ("storkey", "s--")):
        W = hopfield.store(xi, rule)
        cued = np.repeat(xi[: min(P, 20)], 2, axis=0)
        frac = []
        for fi, f in enumerate(flips):
            cues = corrupt(cued, flip=f, seed=100 * li + fi)
            out = hopfield.recall(
                W, cues, targets=cued, max_sweeps=50, seed=fi, warn=False, threads=1
            )
            final = out.overlap[np.arange(len(cues)), out.sweeps]
            frac.append(np.mean(final >= 0.9))
        ax.plot(1 - 2 * flips, frac, style, color=f"C{li}", label=f"{rule}, alpha = {alpha:g}")
ax.set_xlabel("initial overlap of the cue, m0 = 1 - 2 x (fraction flipped)")
ax.set_ylabel("fraction of cues recalled (final m >= 0.9)")
ax.set_title(f"Basins of attraction, N = {N}")
ax.legend(fontsize=7, ncol=2, loc="lower right")
fig.tight_layout()
