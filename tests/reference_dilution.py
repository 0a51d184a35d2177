"""Plain-numpy reference for Hopfield-Feinstein-Palmer unlearning (fields from scratch)."""

from __future__ import annotations

import numpy as np
from reference import Xoshiro


def unlearning(xi: np.ndarray, dreams: int, eps: float, max_sweeps: int, state) -> np.ndarray:
    """Hebbian W (1/N, zero diagonal), then ``dreams`` dreams: random start (P(+1) = 1/2 from
    the stream), async sweeps in a random order (the permutation carries over) to a fixed point,
    W -= (eps / N) s s^T off the diagonal. Returns W."""
    p, n = xi.shape
    W = np.zeros((n, n))
    for mu in range(p):
        W += np.outer(xi[mu], xi[mu]).astype(np.float64)
    np.fill_diagonal(W, 0.0)
    W /= n
    rng = Xoshiro(state)
    order = list(range(n))
    for _ in range(dreams):
        s = np.array([1 if rng.uniform() < 0.5 else -1 for _ in range(n)])
        for _sweep in range(max_sweeps):
            rng.shuffle(order)
            flips = 0
            for i in order:
                h = W[i] @ s
                new = 1 if h > 0 else (-1 if h < 0 else s[i])
                if new != s[i]:
                    s[i] = new
                    flips += 1
            if flips == 0:
                break
        d = np.outer(s, s) * (eps / n)
        np.fill_diagonal(d, 0.0)
        W -= d
    return W
