"""
Real data: handwritten digits in Hebbian, pseudo-inverse and modern networks
============================================================================

Random patterns are nearly orthogonal; real ones are not. The ten digits 0-9 from
scikit-learn's bundled 8 x 8 handwritten digits (:func:`memsim.patterns.digits`, binarised at
grey level 8, upscaled to 16 x 16, N = 256) overlap strongly, so the Hebbian rule's crosstalk
is large: every noisy cue falls into a mixture state, the sign of the sum of the digits. The
pseudo-inverse (projection) rule removes the correlations and makes every digit a fixed point;
the modern network (one softmax step) picks the closest stored digit.

Needs scikit-learn (``pip install ".[data]"``; nothing is downloaded).

Sources: Alpaydin & Kaynak (1998), UCI optical recognition of handwritten digits; Hopfield
(1982); Personnaz, Guyon & Dreyfus (1985), J. Physique Lett. 46, L359; Ramsauer et al. (2021),
ICLR, eq. 3. Scenarios: ``scenarios/digits_hebbian.yaml``, ``digits_pseudoinverse.yaml``,
``digits_modern.yaml``.
"""

import matplotlib.pyplot as plt
import numpy as np

from memsim import hopfield
from memsim.hopfield import modern
from memsim.patterns import corrupt, digits

pics = digits(range(10), per_class=1, scale=2)
X, shape = pics.patterns, pics.shape
cues = corrupt(X, flip=0.1, seed=1)

finals = {}
for rule in ("hebbian", "pseudoinverse"):
    out = hopfield.recall(hopfield.store(X, rule), cues, max_sweeps=30, seed=2, warn=False)
    finals[rule] = out.states
finals["modern"] = np.sign(modern.retrieve(X.astype(float), cues.astype(float), beta=0.1))

rows = [("stored", X), ("cue (10 % flipped)", cues)] + [(k, v) for k, v in finals.items()]
fig, axes = plt.subplots(len(rows), 10, figsize=(8.0, 4.6))
for r, (title, arr) in enumerate(rows):
    for c in range(10):
        ax = axes[r, c]
        ax.imshow(np.asarray(arr[c]).reshape(shape), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        if c == 0:
            ax.set_ylabel(title, rotation=0, ha="right", va="center", fontsize=8)
fig.suptitle("Ten digits (N = 256): Hebbian mixtures, pseudo-inverse and modern recall")
fig.tight_layout()

for name, s in finals.items():
    m = (np.asarray(s, float) * X).mean(axis=1)
    print(f"{name:>14}: mean final overlap {m.mean():.3f}, retrieved {np.mean(m > 0.95):.0%}")
