"""Capacity study of Willshaw's sparse binary associative memory (:mod:`memsim.hopfield.willshaw`).

Store M random K-of-N associations, recall some of them from clean cues and compare the
fraction of set synapses, the false-positive rate and the information per synapse with the
formulas of the engine. The engine holds storage, recall and the formulas; this module only
calls them. Still importable from :mod:`memsim.hopfield.willshaw`.

References
----------
Willshaw, D. J., Buneman, O. P. & Longuet-Higgins, H. C. (1969). Non-holographic associative
memory. Nature 222, 960-962.
Palm, G. (1980). On associative memory. Biol. Cybern. 36, 19-31.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim import _checks as A
from memsim._rng import generator
from memsim.errors import MemsimError
from memsim.hopfield.willshaw import (
    false_positive_rate,
    fraction_set,
    information_per_synapse,
    recall,
    sparse_patterns,
    store,
)

__all__ = ["WillshawCapacity", "capacity_curve"]


@dataclass(frozen=True)
class WillshawCapacity:
    """Measured and predicted quantities against the number of stored associations M.

    All arrays (L,) float64 and read-only: ``m``; ``p1`` (measured fraction of set synapses)
    and ``p1_theory``; ``false_positive`` (measured, clean cues, theta = K_in) and
    ``false_positive_theory`` (p1^K_in); ``misses`` (must be 0 for clean cues); ``info``
    (bits per synapse with the measured false-positive rate) and ``info_theory``.
    """

    m: np.ndarray
    p1: np.ndarray
    p1_theory: np.ndarray
    false_positive: np.ndarray
    false_positive_theory: np.ndarray
    misses: np.ndarray
    info: np.ndarray
    info_theory: np.ndarray


def capacity_curve(
    n_in: int,
    n_out: int,
    k_in: int,
    k_out: int,
    m: Any,
    trials: int = 3,
    cues: int = 200,
    seed: int = 0,
) -> WillshawCapacity:
    """Store M random K-of-N associations (for each M) and recall ``cues`` of them cleanly.

    Parameters
    ----------
    n_in, n_out : int >= 1
        Layer sizes.
    k_in, k_out : int, 1 <= k <= n
        Active units per input / output pattern.
    m : array_like of int >= 1
        Numbers of stored associations.
    trials : int >= 1
        Independent memories per M (stream ``(seed, n_in, n_out, k_in, k_out, M, trial)``).
    cues : int >= 1
        Stored associations recalled per trial (the first ``min(cues, M)``).
    seed : int
        Seed (>= 0) of the pattern sets.

    Returns
    -------
    WillshawCapacity
        Read-only (L,) float64 arrays, one entry per M: ``m``, ``p1``, ``p1_theory``,
        ``false_positive``, ``false_positive_theory``, ``misses`` (fractions in [0, 1]),
        ``info`` and ``info_theory`` (bits per synapse).

    Raises
    ------
    MemsimError
        Sizes < 1, k outside [1, n], ``m`` empty, < 1 or not whole numbers, ``trials``/``cues``
        < 1, ``seed`` not an integer >= 0.

    References
    ----------
    Willshaw, D. J., Buneman, O. P. & Longuet-Higgins, H. C. (1969). Non-holographic
    associative memory. Nature 222, 960-962 (storage, recall and p1).
    Palm, G. (1980). On associative memory. Biol. Cybern. 36, 19-31 (information per synapse).
    """
    n_in = A.integer(n_in, "n_in", low=1)
    n_out = A.integer(n_out, "n_out", low=1)
    k_in = A.integer(k_in, "k_in", low=1, high=n_in)
    k_out = A.integer(k_out, "k_out", low=1, high=n_out)
    trials = A.integer(trials, "trials", low=1)
    cues = A.integer(cues, "cues", low=1)
    ms = A.array(m, "m").ravel()
    if ms.size == 0 or (ms < 1).any() or (ms != np.rint(ms)).any():
        raise MemsimError(f"m must be a non-empty list of integers >= 1, got {m!r}")
    ms = ms.astype(np.int64)
    p1, fpr, miss, info = [], [], [], []
    for mm in ms:
        a = b = c = 0.0
        for t in range(trials):
            g = generator(seed, n_in, n_out, k_in, k_out, int(mm), t)
            x = sparse_patterns(int(mm), n_in, k_in, g)
            y = sparse_patterns(int(mm), n_out, k_out, g)
            w = store(x, y)
            a += w.mean()
            r = recall(w, x[:cues], "active")
            yy = y[:cues]
            b += (r.output[yy == 0] == 1).mean()
            c += (r.output[yy == 1] == 0).mean()
        p1.append(a / trials)
        fpr.append(b / trials)
        miss.append(c / trials)
    p1 = np.asarray(p1)
    fpr = np.asarray(fpr)
    info = information_per_synapse(ms, k_in, k_out, n_in, n_out, fp=fpr)
    ro = A.readonly
    pth = fraction_set(ms, k_in, k_out, n_in, n_out)
    return WillshawCapacity(
        m=ro(ms.astype(np.float64)),
        p1=ro(p1),
        p1_theory=ro(pth),
        false_positive=ro(fpr),
        false_positive_theory=ro(false_positive_rate(pth, k_in)),
        misses=ro(np.asarray(miss)),
        info=ro(np.asarray(info, dtype=np.float64)),
        info_theory=ro(information_per_synapse(ms, k_in, k_out, n_in, n_out)),
    )
