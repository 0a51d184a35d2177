"""
Softmax, sparsemax and entmax: who gets exactly zero weight
===========================================================

Three items with scores ``(t, 0, -0.5)``. As the first score t grows, softmax moves its weight
smoothly and never reaches 0 or 1; sparsemax (the Euclidean projection onto the simplex) and
1.5-entmax give *exact* zeros: the third item leaves the support first, then the second, and
the first item gets weight exactly 1 for t large enough. This is the one-dimensional picture of
Martins & Astudillo (2016, figure 1) with entmax added.

Sources: Martins & Astudillo (2016), "From softmax to sparsemax", ICML, eq. 2 and figure 1;
Peters, Niculae & Martins (2019), "Sparse sequence-to-sequence models", ACL (entmax). Scenario:
``scenarios/attention_normalisers.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import attention

t = np.linspace(-2.5, 2.5, 301)
scores = np.stack([t, np.zeros_like(t), np.full_like(t, -0.5)], axis=1)
results = {
    "softmax": attention.softmax(scores),
    "1.5-entmax": attention.entmax15(scores),
    "sparsemax": attention.sparsemax(scores),
}
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), sharey=True)
for ax, (name, p) in zip(axes, results.items(), strict=False):
    for i, lab in enumerate(["item 1 (score t)", "item 2 (score 0)", "item 3 (score -0.5)"]):
        ax.plot(t, p[:, i], label=lab)
    support = (p > 0).sum(axis=1)
    ax.set_title(f"{name}: support from {support.min()} to {support.max()} items")
    ax.set_xlabel("score t of item 1")
axes[0].set_ylabel("weight p_i")
axes[0].legend(loc="center left")
fig.suptitle("Normalisers of the scores (t, 0, -0.5)")
fig.tight_layout()
