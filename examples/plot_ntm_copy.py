"""
NTM copy task: head weightings as a heat map
============================================

The copy task of Graves et al. (2014), run by a scripted controller
(:func:`memsim.ntm.run_task`): a sequence of random 6-bit vectors is written to memory, one slot
per step (location addressing with a one-hot shift), then the read head returns to the first
slot by content and walks the same slots, reproducing the sequence. Top: the inputs, targets
and outputs; bottom: the write and read weightings over time, the diagonal "walk" of the heads.

Source: Graves, Wayne & Danihelka (2014), "Neural Turing Machines", arXiv:1410.5401, section
4.1 and figure 6. Scenario: ``scenarios/ntm_copy.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import ntm

res = ntm.run_task("copy", length=10, bits=6, memory_slots=16, memory_width=10, seed=0)
print("bit errors:", res.bit_errors, "of", res.scored_bits)

fig, axes = plt.subplots(2, 3, figsize=(12, 6.0), layout="constrained")
for ax, data, title in zip(
    axes[0],
    [res.inputs, res.targets, res.outputs],
    ["inputs (bits + delimiter)", "targets", "outputs (read-outs)"],
    strict=False,
):
    ax.imshow(np.asarray(data).T, cmap="Greys", aspect="auto", vmin=0, vmax=1)
    ax.set_title(title)
    ax.set_xlabel("time step")
    ax.set_ylabel("channel")
ww = np.asarray(res.write_weightings)[0]
rw = np.asarray(res.read_weightings)[0]
for ax, w, title in zip(axes[1, :2], [ww, rw], ["write weighting", "read weighting"], strict=False):
    im = ax.imshow(w.T, cmap="magma", aspect="auto", origin="lower", vmin=0, vmax=1)
    ax.set_title(title)
    ax.set_xlabel("time step")
    ax.set_ylabel("memory slot")
fig.colorbar(im, ax=axes[1, :2], label="weighting w_t(i)", shrink=0.9)
im = axes[1, 2].imshow(np.asarray(res.memory_after), cmap="RdBu_r", aspect="auto")
axes[1, 2].set_title("memory after the task")
axes[1, 2].set_xlabel("memory column")
axes[1, 2].set_ylabel("memory slot")
fig.colorbar(im, ax=axes[1, 2], label="memory value")
fig.suptitle(f"NTM copy, 10 vectors of 6 bits: {res.bit_errors} bit errors")
