"""Numba kernels for the Willshaw memory (:mod:`memsim.hopfield.willshaw`).

Kernels compute and never validate. Cues are sparse, so the dendritic sums of a cue are built from
the columns of its active units only: ``WT`` (N_in x N_out) holds the columns of W as rows, and a
cue with K active units costs K N_out additions instead of N_in N_out.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from memsim._jit import jit, pjit

# threshold strategies (codes; names in willshaw.THRESHOLDS)
ACTIVE = 0
MAX = 1
KWTA = 2
FIXED = 3


@jit
def _kth_largest(v, k):
    s = np.sort(v)
    return s[v.shape[0] - k]


@pjit
def recall_batch(WT, X, strategy, value, sums, out, theta):
    """Dendritic sums, threshold and output for each cue, parallel over cues.

    ``strategy`` ACTIVE: theta = active cue units; MAX: theta = max sum (at least 1); KWTA: theta
    = the ``value``-th largest sum (at least 1; ties all fire); FIXED: theta = ``value``.
    """
    n_in = X.shape[1]
    n_out = WT.shape[1]
    for b in prange(X.shape[0]):
        s = sums[b]
        for i in range(n_out):
            s[i] = 0
        active = 0
        x = X[b]
        for j in range(n_in):
            if x[j]:
                active += 1
                col = WT[j]
                for i in range(n_out):
                    s[i] += np.int32(col[i])
        if strategy == ACTIVE:
            t = np.float64(active)
        elif strategy == MAX:
            t = np.float64(max(s.max(), 1))
        elif strategy == KWTA:
            t = np.float64(max(_kth_largest(s, np.int64(value)), 1))
        else:
            t = value
        theta[b] = t
        for i in range(n_out):
            out[b, i] = 1 if s[i] >= t else 0
