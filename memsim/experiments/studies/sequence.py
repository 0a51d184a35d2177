"""Capacity study of sequence recall (:mod:`memsim.hopfield.sequence`).

Synchronous recall of a cyclic sequence of random patterns against the load alpha = P / N; the
engine holds the couplings and the dynamics, this module only calls them. Still importable from
:mod:`memsim.hopfield.sequence`.

References
----------
Amari, S.-I. (1972). Learning patterns and pattern sequences by self-organizing nets of
threshold elements. IEEE Trans. Computers C-21, 1197-1206.
During, A., Coolen, A. C. C. & Sherrington, D. (1998). Phase diagram and storage capacity of
sequence processing neural networks. J. Phys. A 31, 8607-8621 (alpha_c ~ 0.269, sync, T = 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim import _checks as A
from memsim._rng import generator
from memsim.hopfield.sequence import recall, store

__all__ = ["SequenceCapacity", "capacity_curve", "sequence_patterns"]


@dataclass(frozen=True)
class SequenceCapacity:
    """Sync sequence recall quality against the load (arrays read-only).

    Attributes
    ----------
    loads : (L,) float64
        alpha = P / N actually used (P rounded).
    overlap : (L,) float64
        Mean over trials of the overlap with the expected pattern after ``steps`` steps.
    stderr : (L,) float64
        Standard error of that mean over trials.
    success : (L,) float64
        Fraction of trials whose final overlap exceeds 0.9.
    """

    loads: np.ndarray
    overlap: np.ndarray
    stderr: np.ndarray
    success: np.ndarray

    def critical_load(self, level: float = 0.5) -> float:
        """Load at which the mean overlap first drops below ``level`` (linear interpolation)."""
        m = self.overlap
        for k in range(1, len(m)):
            if m[k - 1] >= level > m[k]:
                t = (m[k - 1] - level) / (m[k - 1] - m[k])
                return float(self.loads[k - 1] + t * (self.loads[k] - self.loads[k - 1]))
        return float("nan")


def sequence_patterns(n_neurons: int, n_patterns: int, seed: int = 0, trial: int = 0) -> np.ndarray:
    """The random sequence of one trial of :func:`capacity_curve` (and of ``memsim capacity``
    for model kind ``sequence``): fair -1/+1 entries from the stream
    ``(seed, n_neurons, n_patterns, trial)``.

    Parameters
    ----------
    n_neurons : int
        N (>= 1).
    n_patterns : int
        P, the length of the sequence (>= 1).
    seed, trial : int
        Seed and trial index (>= 0).

    Returns
    -------
    ndarray of int8, shape (P, N)
        The patterns xi^1 ... xi^P, one per row.

    Raises
    ------
    MemsimError
        If a stream key is not an integer >= 0.

    References
    ----------
    During, A., Coolen, A. C. C. & Sherrington, D. (1998). J. Phys. A 31, 8607-8621 (random
    unbiased patterns of the capacity analysis).
    """
    g = generator(seed, n_neurons, n_patterns, trial)
    return np.where(g.random((n_patterns, n_neurons)) < 0.5, 1, -1).astype(np.int8)


def capacity_curve(
    n: int, loads: Any, trials: int = 10, steps: int = 20, seed: int = 0
) -> SequenceCapacity:
    """Synchronous sequence recall of a cyclic sequence at each load alpha = P / N.

    Each trial stores ``P = round(alpha N)`` random patterns as a cyclic sequence (``lam = 0``),
    cues with xi^1 and measures the overlap with xi^(1 + steps mod P) after ``steps`` steps. At
    large N the final overlap drops sharply near alpha_c ~ 0.269 (During et al. 1998).

    Parameters
    ----------
    n : int >= 2
        Neurons.
    loads : array_like of float > 0
        Loads alpha.
    trials : int >= 1
        Independent pattern sets per load (stream ``(seed, n, P, trial)``,
        :func:`sequence_patterns`).
    steps : int >= 1
        Synchronous steps before the overlap is measured.
    seed : int
        Seed (>= 0) of the pattern sets.

    Returns
    -------
    SequenceCapacity
        Arrays of shape (L,) float64, one entry per load: ``loads`` (alpha = P / N actually
        used), ``overlap`` (mean final overlap in [-1, 1]), ``stderr`` (NaN for one trial) and
        ``success`` (fraction of trials with final overlap > 0.9).

    Raises
    ------
    MemsimError
        ``n`` < 2, ``trials`` or ``steps`` < 1, ``loads`` empty or not positive, ``seed`` not
        an integer >= 0.

    References
    ----------
    Amari, S.-I. (1972). IEEE Trans. Computers C-21, 1197 (asymmetric sequence couplings).
    During, A., Coolen, A. C. C. & Sherrington, D. (1998). Phase diagram and storage capacity
    of sequence processing neural networks. J. Phys. A 31, 8607-8621 (alpha_c ~ 0.269, sync,
    T = 0).
    """
    n = A.integer(n, "n", low=2)
    trials = A.integer(trials, "trials", low=1)
    steps = A.integer(steps, "steps", low=1)
    la = A.array(loads, "loads").astype(np.float64).ravel()
    if la.size == 0 or (la <= 0).any():
        raise A.MemsimError(f"loads must be a non-empty list of positive numbers, got {loads!r}")
    used, mean, err, succ = [], [], [], []
    for alpha in la:
        p = max(1, int(round(alpha * n)))
        finals = []
        for t in range(trials):
            xi = sequence_patterns(n, p, seed, t)
            w = store(xi, cyclic=True)
            r = recall(w, xi[0], steps, "sync")
            finals.append(r.overlaps[steps, steps % p])
        f = np.asarray(finals)
        used.append(p / n)
        mean.append(f.mean())
        err.append(f.std(ddof=1) / np.sqrt(trials) if trials > 1 else np.nan)
        succ.append((f > 0.9).mean())
    return SequenceCapacity(
        loads=A.readonly(np.asarray(used)),
        overlap=A.readonly(np.asarray(mean)),
        stderr=A.readonly(np.asarray(err)),
        success=A.readonly(np.asarray(succ)),
    )
