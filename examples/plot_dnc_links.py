"""
DNC temporal links: the link matrix grows with every write
==========================================================

The Differentiable Neural Computer records the order of its writes in a link matrix: after a
write to slot i that follows a write to slot j, ``L[i, j]`` is close to 1 (Graves et al. 2016,
Methods, "temporal memory linkage"). Here 8 items are written by dynamic allocation into a
24-slot memory a third of which is already in use, so they land in scattered slots; the panels
show L after 2, 4 and 8 writes. The chain of bright cells is the order of writing, which read
heads can follow forwards (``L w``) or backwards (``L^T w``) whatever the slots.

Source: Graves et al. (2016), "Hybrid computing using a neural network with dynamic external
memory", Nature 538, 471-476, Methods. Scenario: ``scenarios/ntm_dnc_link_traversal.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import ntm

res = ntm.run_task(
    "dnc_link_traversal", length=8, memory_slots=24, occupied=1 / 3, record_links=True, seed=2
)
links = np.asarray(res.link_history)
order = np.argmax(np.asarray(res.write_weightings)[0][:8], axis=1)
print("slots written, in order:", order, "; bit errors:", res.bit_errors)

fig, axes = plt.subplots(1, 3, figsize=(12, 4.2), layout="constrained")
for ax, t in zip(axes, (1, 3, 7), strict=False):
    im = ax.imshow(links[t], cmap="viridis", vmin=0, vmax=1)
    ax.plot(order[:t], order[1 : t + 1], "r+", ms=8, label="(previous, next) slot")
    ax.set_title(f"link matrix L after {t + 1} writes")
    ax.set_xlabel("slot j (written earlier)")
    ax.set_ylabel("slot i (written next)")
axes[0].legend(loc="lower left", fontsize=7)
fig.colorbar(im, ax=axes, label="link strength L[i, j]", shrink=0.85)
