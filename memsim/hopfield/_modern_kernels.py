"""Numba kernels for the continuous modern Hopfield network (Ramsauer et al. 2020).

Private module: :mod:`memsim.hopfield.modern` validates and allocates; these kernels compute.

Two hot paths for the softmax update ``xi_new = softmax(beta xi X^T) X`` (rows convention):

* ``softmax_rows``: in-place row softmax numerators ``exp(z - max z)`` and their row sums, for
  the batched path (the two matrix products go to BLAS). ``exp`` is evaluated by a vectorisable
  Cody-Waite range reduction ``x = n ln 2 + r`` with a degree-13 Taylor polynomial on
  ``|r| <= ln(2)/2`` (truncation error < 5e-18 relative) and an exact ``2^n`` built from the
  exponent bits; accurate to about 1 ulp. Arguments below -708 are clamped to -708 (their
  weights, below 1e-307 of the largest, are kept as ~3e-308 instead of subnormals/zero).
  The exponential kernel is compiled *without* fastmath: reassociation would fold
  ``x - n ln2_hi - n ln2_lo`` and cost up to 1e-13 relative accuracy.
* ``fused_partial``: one pass over the stored patterns for a few queries ("online softmax":
  running max, rescaled running sum and weighted sum), parallel over fixed chunks of the stored
  patterns; partial results are merged by the caller. Reads the P x d patterns once instead of
  twice, which wins for small batches. The chunking does not depend on the thread count.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from memsim._jit import jit, pjit

_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01  # fdlibm split of ln 2: 32 significant bits
_LN2_LO = 1.90821492927058770002e-10
_C = tuple(1.0 / math.factorial(k) for k in range(14))
_C0, _C1, _C2, _C3, _C4, _C5, _C6, _C7, _C8, _C9, _C10, _C11, _C12, _C13 = _C


@jit(fastmath=True)
def _row_max(row):
    m = row[0]
    for j in range(1, row.shape[0]):
        m = max(m, row[j])
    return m


@jit(fastmath=True)
def _row_sum(row):
    s = 0.0
    for j in range(row.shape[0]):
        s += row[j]
    return s


@jit
def _exp_shift_row(row, shift, bits):
    """row[j] <- exp(row[j] - shift) in place (vectorisable; see module docstring)."""
    n_el = row.shape[0]
    for j in range(n_el):
        x = row[j] - shift
        if x < -708.0:
            x = -708.0
        n = np.floor(x * _LOG2E + 0.5)
        r = x - n * _LN2_HI
        r = r - n * _LN2_LO
        p = _C13
        p = p * r + _C12
        p = p * r + _C11
        p = p * r + _C10
        p = p * r + _C9
        p = p * r + _C8
        p = p * r + _C7
        p = p * r + _C6
        p = p * r + _C5
        p = p * r + _C4
        p = p * r + _C3
        p = p * r + _C2
        p = p * r + _C1
        p = p * r + _C0
        bits[j] = (np.int64(n) + 1023) << 52
        row[j] = p
    v = bits.view(np.float64)
    for j in range(n_el):
        row[j] = row[j] * v[j]


@pjit
def softmax_rows(S, maxes, sums):
    """S[b] <- exp(S[b] - max S[b]) in place; maxes[b] = max S[b]; sums[b] = sum of the new row."""
    b_count, p = S.shape
    for b in prange(b_count):
        row = S[b]
        m = _row_max(row)
        bits = np.empty(p, dtype=np.int64)
        _exp_shift_row(row, m, bits)
        maxes[b] = m
        sums[b] = _row_sum(row)


@jit
def softmax_rows_serial(S, maxes, sums):
    """Serial twin of :func:`softmax_rows`."""
    b_count, p = S.shape
    for b in range(b_count):
        row = S[b]
        m = _row_max(row)
        bits = np.empty(p, dtype=np.int64)
        _exp_shift_row(row, m, bits)
        maxes[b] = m
        sums[b] = _row_sum(row)


@jit(fastmath=True)
def _raise_max(t, b, mx, s, a):
    """Online softmax: if score t exceeds query b's running max, rescale its sum and accumulator
    ``a`` by exp(old max - t) and make t the max. Returns the (new) max."""
    if t > mx[b]:
        sc = np.exp(mx[b] - t)
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
    w = np.exp(z - _raise_max(z, b, mx, s, a))
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
            w0, w1, w2, w3 = np.exp(z0 - m), np.exp(z1 - m), np.exp(z2 - m), np.exp(z3 - m)
            w4, w5, w6, w7 = np.exp(z4 - m), np.exp(z5 - m), np.exp(z6 - m), np.exp(z7 - m)
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
