"""Numba kernels for the bidirectional associative memory (:mod:`memsim.hopfield.bam`).

Kernels compute and never validate. Couplings are the exact integer Hebbian sums (int32), fields
are int64, so results do not depend on the summation order; sgn(0) keeps the current state.
"""

from __future__ import annotations

from numba import prange

from memsim._jit import jit, pjit
from memsim.hopfield._common_kernels import row_dot, sgn_keep

FIXED_POINT = 0
LIMIT = 1


@jit
def _half_step(M, src, dst):
    """dst <- sgn(M src) with keep-state at zero field.

    Returns (flips, dst . M src): the second is -E for the new pair (E = -y W x either way).
    """
    flips = 0
    dot = M[0, 0] * 0
    for i in range(M.shape[0]):
        row = M[i]
        acc = row_dot(row, src, row[0] * 0)  # int64 or float64, the couplings' type
        old = dst[i]
        new = sgn_keep(acc, old)
        if new != old:
            dst[i] = new
            flips += 1
        dot += new * acc
    return flips, dot


@jit
def _energy(W, x, y):
    e = W[0, 0] * 0
    for i in range(W.shape[0]):
        e += y[i] * row_dot(W[i], x, W[i, 0] * 0)
    return -e


@pjit
def recall_batch(W, WT, X, Y, y_first, max_half, energy, half_steps, stop):
    """Alternating BAM updates for a batch, parallel over cues.

    ``y_first``: the first half-step updates y from x (x was cued), else x from y. ``energy``
    (B, max_half + 1) int64 receives -y W x before and after each half-step (unused entries are
    left as they are). A run stops at the first half-step after the first that flips nothing.
    """
    for b in prange(X.shape[0]):
        x = X[b]
        y = Y[b]
        energy[b, 0] = _energy(W, x, y)
        code = LIMIT
        done = max_half
        for k in range(max_half):
            if (k % 2 == 0) == y_first:
                f, dot = _half_step(W, x, y)
            else:
                f, dot = _half_step(WT, y, x)
            energy[b, k + 1] = -dot
            if f == 0 and k >= 1:
                code = FIXED_POINT
                done = k + 1
                break
        half_steps[b] = done
        stop[b] = code
