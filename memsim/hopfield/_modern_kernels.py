"""Numba kernels for the continuous modern Hopfield network (Ramsauer et al. 2020).

Private module: :mod:`memsim.hopfield.modern` validates and allocates; these kernels compute.

Two hot paths for the softmax update ``xi_new = softmax(beta xi X^T) X`` (rows convention):

* ``softmax_rows``: in-place row softmax numerators ``exp(z - max z)`` and their row sums, for
  the trajectory path (the two matrix products go to BLAS). The row maximum, the vectorised
  exponential (:mod:`memsim.attention._exp`: Cody-Waite range reduction, Taylor polynomial,
  ``2^n`` from the exponent bits; a few ulp, underflow to subnormals and 0 as libm) and the
  float64 row sum are those of the attention kernels (:mod:`memsim.attention._kernels`).
* ``fused_partial``: one pass over the stored patterns for a few queries ("online softmax":
  running max, rescaled running sum and weighted sum), parallel over fixed chunks of the stored
  patterns; partial results are merged by the caller. Reads the P x d patterns once instead of
  twice, which wins for small batches. The chunking does not depend on the thread count.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from memsim._jit import jit, pjit
from memsim.attention._exp import exp64
from memsim.attention._kernels import _row_max, exp_shift_sum


@jit
def _softmax_row_at(b, S, maxes, sums):
    """Row b of :func:`softmax_rows` (the loop body of both twins)."""
    row = S[b]
    m = _row_max(row)
    maxes[b] = m
    sums[b] = exp_shift_sum(row, m)


@pjit
def softmax_rows(S, maxes, sums):
    """S[b] <- exp(S[b] - max S[b]) in place; maxes[b] = max S[b]; sums[b] = sum of the new row.

    Rows need a finite maximum (the caller refuses non-finite scores first)."""
    for b in prange(S.shape[0]):
        _softmax_row_at(b, S, maxes, sums)


@jit
def softmax_rows_serial(S, maxes, sums):
    """Serial twin of :func:`softmax_rows` (same numbers)."""
    for b in range(S.shape[0]):
        _softmax_row_at(b, S, maxes, sums)


@jit(fastmath=True)
def _raise_max(t, b, mx, s, a):
    """Online softmax: if score t exceeds query b's running max, rescale its sum and accumulator
    ``a`` by exp(old max - t) and make t the max. Returns the (new) max."""
    if t > mx[b]:
        sc = exp64(mx[b] - t)
        s[b] *= sc
        for k in range(a.shape[0]):
            a[k] *= sc
        mx[b] = t
    return mx[b]


@jit(fastmath=True)
def _fused_row(xj, q, b, mx, s, acc):
    """One stored pattern for one query: online-softmax step (see :func:`fused_partial`)."""
    d = xj.shape[0]
    z = 0.0
    for k in range(d):
        z += q[k] * xj[k]
    a = acc[b]
    w = exp64(z - _raise_max(z, b, mx, s, a))
    s[b] += w
    for k in range(d):
        a[k] += w * xj[k]


@jit(fastmath=True)
def _fused_chunk(X, Q, lo, hi, mx, s, acc):
    """Online softmax over rows lo..hi-1 of X for every query (see :func:`fused_partial`).

    Rows go in tiles of 8: the 8 scores of a query share each load of the query, and the 8
    weighted rows are added to the accumulator in one pass (register blocking; one load or
    store per multiply-add instead of two to three). The tail rows go one by one.
    """
    d = X.shape[1]
    b_count = Q.shape[0]
    for b in range(b_count):
        mx[b] = -np.inf
        s[b] = 0.0
        for k in range(d):
            acc[b, k] = 0.0
    j = lo
    while j + 8 <= hi:
        x0, x1, x2, x3 = X[j], X[j + 1], X[j + 2], X[j + 3]
        x4, x5, x6, x7 = X[j + 4], X[j + 5], X[j + 6], X[j + 7]
        for b in range(b_count):
            q = Q[b]
            z0 = z1 = z2 = z3 = z4 = z5 = z6 = z7 = 0.0
            for k in range(d):
                qk = q[k]
                z0 += qk * x0[k]
                z1 += qk * x1[k]
                z2 += qk * x2[k]
                z3 += qk * x3[k]
                z4 += qk * x4[k]
                z5 += qk * x5[k]
                z6 += qk * x6[k]
                z7 += qk * x7[k]
            t = max(max(max(z0, z1), max(z2, z3)), max(max(z4, z5), max(z6, z7)))
            a = acc[b]
            m = _raise_max(t, b, mx, s, a)
            w0, w1, w2, w3 = exp64(z0 - m), exp64(z1 - m), exp64(z2 - m), exp64(z3 - m)
            w4, w5, w6, w7 = exp64(z4 - m), exp64(z5 - m), exp64(z6 - m), exp64(z7 - m)
            s[b] += ((w0 + w1) + (w2 + w3)) + ((w4 + w5) + (w6 + w7))
            for k in range(d):
                a[k] += (
                    w0 * x0[k]
                    + w1 * x1[k]
                    + w2 * x2[k]
                    + w3 * x3[k]
                    + w4 * x4[k]
                    + w5 * x5[k]
                    + w6 * x6[k]
                    + w7 * x7[k]
                )
        j += 8
    while j < hi:
        xj = X[j]
        for b in range(b_count):
            _fused_row(xj, Q[b], b, mx, s, acc)
        j += 1


@pjit(fastmath=True)
def fused_partial(X, Q, nchunks, pmax, psum, pacc):
    """Online-softmax partials of ``softmax(Q X^T) X`` over ``nchunks`` chunks of the rows of X.

    ``Q`` is already multiplied by beta. For chunk c and query b: ``pmax[c, b]`` the largest
    score, ``psum[c, b] = sum_j exp(z_j - pmax)`` and ``pacc[c, b] = sum_j exp(z_j - pmax) x_j``.
    Parallel over chunks; the chunks do not depend on the thread count.
    """
    p = X.shape[0]
    for c in prange(nchunks):
        _fused_chunk(X, Q, c * p // nchunks, (c + 1) * p // nchunks, pmax[c], psum[c], pacc[c])


@jit(fastmath=True)
def fused_partial_serial(X, Q, nchunks, pmax, psum, pacc):
    """Serial twin of :func:`fused_partial` (same chunks, same numbers)."""
    p = X.shape[0]
    for c in range(nchunks):
        _fused_chunk(X, Q, c * p // nchunks, (c + 1) * p // nchunks, pmax[c], psum[c], pacc[c])


@jit
def merge_partials(pmax, psum, pacc, out, maxes, sums):
    """Combine chunk partials: out[b] = sum_c e^(m_c - M) acc_c / sum_c e^(m_c - M) s_c."""
    nchunks, b_count = pmax.shape
    d = pacc.shape[2]
    for b in range(b_count):
        m = pmax[0, b]
        for c in range(1, nchunks):
            if pmax[c, b] > m:
                m = pmax[c, b]
        tot = 0.0
        for k in range(d):
            out[b, k] = 0.0
        for c in range(nchunks):
            if psum[c, b] == 0.0:
                continue
            w = np.exp(pmax[c, b] - m)
            tot += w * psum[c, b]
            for k in range(d):
                out[b, k] += w * pacc[c, b, k]
        inv = 1.0 / tot
        for k in range(d):
            out[b, k] *= inv
        maxes[b] = m
        sums[b] = tot
