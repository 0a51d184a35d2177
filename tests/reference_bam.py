"""Plain-numpy references for the bidirectional associative memory (Kosko 1988)."""

from __future__ import annotations

import numpy as np


def store(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """W = sum_mu y^mu (x^mu)^T by an explicit loop over pairs (int64)."""
    W = np.zeros((Y.shape[1], X.shape[1]), dtype=np.int64)
    for mu in range(X.shape[0]):
        W += np.outer(Y[mu].astype(np.int64), X[mu].astype(np.int64))
    return W


def _sgn_keep(h, old):
    return np.where(h > 0, 1, np.where(h < 0, -1, old)).astype(np.int8)


def recall(W, x, y, y_first: bool, max_half: int):
    """One pair: alternate half-steps; stop at the first half-step after the first with no flip.

    Returns (x, y, half_steps, stopped_at_fixed_point, energies)."""
    W = np.asarray(W, dtype=np.float64)
    x = x.astype(np.int8).copy()
    y = y.astype(np.int8).copy()
    energies = [-(y @ W @ x)]
    for k in range(max_half):
        if (k % 2 == 0) == y_first:
            new = _sgn_keep(W @ x, y)
            flips = int((new != y).sum())
            y = new
        else:
            new = _sgn_keep(W.T @ y, x)
            flips = int((new != x).sum())
            x = new
        energies.append(-(y @ W @ x))
        if flips == 0 and k >= 1:
            return x, y, k + 1, True, np.array(energies)
    return x, y, max_half, False, np.array(energies)
