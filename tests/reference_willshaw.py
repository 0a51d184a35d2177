"""Plain-numpy references for the Willshaw memory (loops over patterns, dense sums)."""

from __future__ import annotations

import numpy as np


def store(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    W = np.zeros((y.shape[1], x.shape[1]), dtype=np.uint8)
    for mu in range(x.shape[0]):
        for i in np.flatnonzero(y[mu]):
            for j in np.flatnonzero(x[mu]):
                W[i, j] = 1
    return W


def recall(W, X, threshold, k=None):
    """(output, sums, theta) for a batch, threshold rule spelled out."""
    sums = X.astype(np.int64) @ W.T.astype(np.int64)
    out, thetas = [], []
    for b in range(X.shape[0]):
        d = sums[b]
        if threshold == "active":
            t = X[b].sum()
        elif threshold == "max":
            t = max(d.max(), 1)
        elif threshold == "kwta":
            t = max(sorted(d)[::-1][k - 1], 1)
        else:
            t = threshold
        thetas.append(float(t))
        out.append((d >= t).astype(np.uint8))
    return np.array(out), sums, np.array(thetas)
