"""Numba helpers shared by the Hopfield-family kernels (dense, sequence, BAM, unlearning).

Private module: kernels compute and never validate. sgn(0) keeps the current state (memsim's
convention for a zero field).
"""

from __future__ import annotations

from memsim._jit import jit


@jit
def sgn_keep(x, old):
    """sgn(x) as +-1, or ``old`` when x == 0."""
    if x > 0:
        return 1
    if x < 0:
        return -1
    return old


@jit
def row_dot(row, s, zero):
    """``zero + sum_j row[j] s[j]``, summed in order j = 0, 1, ... in the type of ``zero``."""
    acc = zero
    for j in range(row.shape[0]):
        acc += row[j] * s[j]
    return acc


@jit
def fields(W, s, h):
    """``h[i] = sum_j W[i, j] s[j]`` (float64) for every row i."""
    for i in range(W.shape[0]):
        h[i] = row_dot(W[i], s, 0.0)


@jit
def add_flip(h, col, new):
    """Fields after a neuron flips to ``new`` (+-1): ``h += 2 new col``, ``col`` its column."""
    for j in range(h.shape[0]):
        h[j] += 2.0 * new * col[j]
