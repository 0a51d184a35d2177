"""
Multi-hop attention over a story
================================

An end-to-end memory network reads the sentences of a story several times, updating its query
after each read (Sukhbaatar et al. 2015). For "where is the apple?" the first hop finds who
picked the apple up; the second hop follows that person to their last location. The heat map
shows the attention over the sentences at each hop for memsim's scripted reader
(:func:`memsim.kv.story_attention`, hand-written query updates, no training); the supporting
facts are starred.

Sources: Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", NeurIPS,
section 2.2 and figure 2; Weston et al. (2015), bAbI task 2. Scenario:
``scenarios/kv_stories.yaml``.
"""

import matplotlib.pyplot as plt

from memsim import kv

att = kv.story_attention("two_facts", index=3, hops=2, seed=1)
labels = [("* " if i in att.supporting else "  ") + s for i, s in enumerate(att.sentences)]

fig, ax = plt.subplots(figsize=(7.0, 4.6))
im = ax.imshow(att.weights.T, cmap="viridis", vmin=0, vmax=1, aspect="auto")
ax.set_yticks(range(len(labels)), labels)
ax.set_xticks(range(att.weights.shape[0]), [f"hop {h + 1}" for h in range(att.weights.shape[0])])
ax.set_title(f"Q: {att.question}?   predicted: {att.predicted}   (answer: {att.answer})")
fig.colorbar(im, ax=ax, label="attention weight over sentences")
fig.tight_layout()
