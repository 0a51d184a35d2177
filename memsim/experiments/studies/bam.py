"""Capacity study of the bidirectional associative memory (:mod:`memsim.hopfield.bam`).

Store P random pairs and measure, against P, the fraction of stable pairs, the exact recall of
y from noisy x cues and the one-step bit error (to compare with
:func:`memsim.hopfield.bam.crosstalk_bit_error`). The engine holds storage and recall; this
module only calls them. Still importable from :mod:`memsim.hopfield.bam`.

References
----------
Kosko, B. (1988). Bidirectional associative memories. IEEE Trans. Systems, Man, and
Cybernetics 18, 49-60.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim import _checks as A
from memsim._rng import generator
from memsim.errors import MemsimError
from memsim.hopfield.bam import recall, store

__all__ = ["BAMCapacity", "capacity_curve"]


@dataclass(frozen=True)
class BAMCapacity:
    """Recall of stored pairs against the load (arrays read-only).

    Attributes
    ----------
    pairs : (L,) int64
        Number of stored pairs P.
    stable : (L,) float64
        Fraction of stored pairs that are fixed points of the dynamics.
    recalled : (L,) float64
        Fraction of pairs whose y is recalled exactly from an x cue with ``flip`` bits flipped.
    bit_error : (L,) float64
        Fraction of wrong y bits after one half-step from the clean x (compare with the exact
        crosstalk probability in the validation tests).
    """

    pairs: np.ndarray
    stable: np.ndarray
    recalled: np.ndarray
    bit_error: np.ndarray


def _capacity_trial(
    nx: int, ny: int, p: int, trial: int, flip: float, seed: int, max_steps: int
) -> tuple[float, float, float]:
    """One trial of :func:`capacity_curve` (and of ``memsim capacity`` for model kind ``bam``),
    arguments already checked: P random pairs from the stream ``(seed, nx, ny, P, trial)`` (x,
    then y, then the flipped cue bits), recalled from x cues with ``round(flip nx)`` distinct
    bits flipped (the uncued side from the engine's stream ``(seed, P, trial)``).

    Returns the fractions (stable, recalled, bit_error): stored pairs unchanged by one full
    step, pairs whose y is recalled exactly from the noisy x, and wrong y bits after one
    half-step from the clean x (sgn(0) keeps the stored bit).
    """
    g = generator(seed, nx, ny, p, trial)
    xs = np.where(g.random((p, nx)) < 0.5, 1, -1).astype(np.int8)
    ys = np.where(g.random((p, ny)) < 0.5, 1, -1).astype(np.int8)
    w = store(xs, ys)
    h = xs.astype(np.int64) @ w.T.astype(np.int64)
    one = np.where(h > 0, 1, np.where(h < 0, -1, ys))
    r0 = recall(w, xs, ys, max_steps=1, warn=False)
    stable = ((r0.x == xs).all(1) & (r0.y == ys).all(1)).mean()
    cue = xs.copy()
    k = int(round(flip * nx))
    for mu in range(p):
        cue[mu, g.choice(nx, k, replace=False)] *= -1
    r = recall(w, cue, max_steps=max_steps, seed=seed, stream=(p, trial), warn=False)
    return float(stable), float((r.y == ys).all(1).mean()), float((one != ys).mean())


def capacity_curve(
    nx: int, ny: int, pairs: Any, trials: int = 5, flip: float = 0.1, seed: int = 0
) -> BAMCapacity:
    """Store P random pairs (for each P in ``pairs``) and recall them all from noisy x cues.

    Parameters
    ----------
    nx, ny : int >= 2
        Sizes of the two layers.
    pairs : array_like of int >= 1
        Numbers of stored pairs.
    trials : int >= 1
        Independent pair sets per P (stream ``(seed, nx, ny, P, trial)``).
    flip : float in [0, 0.5]
        Fraction of x bits flipped in each cue.
    seed : int
        Seed (>= 0) of the pair sets and of the recall streams.

    Returns
    -------
    BAMCapacity
        Arrays of shape (L,), one entry per P: ``pairs`` (int64), ``stable``, ``recalled``
        and ``bit_error`` (float64 fractions in [0, 1]).

    Raises
    ------
    MemsimError
        Sizes < 2, ``trials`` < 1, ``pairs`` empty, < 1 or not whole numbers, ``flip``
        outside [0, 0.5], ``seed`` not an integer >= 0.

    References
    ----------
    Kosko, B. (1988). Bidirectional associative memories. IEEE Trans. Systems, Man, and
    Cybernetics 18, 49-60 (storage eq. 4, recall eqs. 5-6).
    """
    nx = A.integer(nx, "nx", low=2)
    ny = A.integer(ny, "ny", low=2)
    trials = A.integer(trials, "trials", low=1)
    flip = A.real(flip, "flip", low=0.0, high=0.5)
    ps = A.array(pairs, "pairs").ravel()
    if ps.size == 0 or (ps < 1).any() or (ps != np.rint(ps)).any():
        raise MemsimError(f"pairs must be a non-empty list of integers >= 1, got {pairs!r}")
    stable, rec, err = [], [], []
    for p in ps.astype(int):
        st = rc = be = 0.0
        for t in range(trials):
            s, r, b = _capacity_trial(nx, ny, int(p), t, flip, seed, 50)
            st += s
            rc += r
            be += b
        stable.append(st / trials)
        rec.append(rc / trials)
        err.append(be / trials)
    return BAMCapacity(
        pairs=A.readonly(ps.astype(np.int64)),
        stable=A.readonly(np.asarray(stable)),
        recalled=A.readonly(np.asarray(rec)),
        bit_error=A.readonly(np.asarray(err)),
    )
