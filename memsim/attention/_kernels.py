"""Numba kernels for the attention library.

Private module: the public functions in :mod:`memsim.attention` validate and allocate; these
kernels compute and never validate (stumpy style).

No kernel here uses fastmath: Numba compiles a function called from a fastmath kernel with the
caller's flags and caches that version, which would let LLVM re-associate the Cody-Waite
reduction in :func:`exp_nonpositive` (it did: errors grew to 2e-14). Reductions use four
partial sums / maxima instead, which vectorise without fastmath.

* :func:`exp_nonpositive` -- ``exp(x)`` for ``x <= 0`` written so that LLVM vectorises it (numba's
  ``np.exp`` is a scalar libm call). Cody-Waite range reduction ``x = k ln 2 + r``,
  ``|r| <= ln(2) / 2``, degree-13 Taylor polynomial for ``exp(r)`` (truncation error below
  1e-17), and ``2**k`` built from its IEEE-754 bits. Relative error a few ulp. Inputs below
  ``-700`` give exactly 0 (the true value is below 1e-304; softmax weights are relative to the
  largest weight, which is exactly 1, so this flush changes no printed digit). ``-inf`` gives 0.
* :func:`fused_softmax_read` -- ``softmax(q K^T) V`` for a batch of queries without the B x K
  score matrix: queries in blocks (parallel), keys in blocks, running maximum and running
  normaliser per query (online / streaming softmax, as in Milakov & Gimelshein 2018,
  "Online normalizer calculation for softmax", and the tiling of FlashAttention, Dao et al. 2022).
* :func:`entmax_bisect_rows` -- alpha-entmax of each row by bisection on the threshold.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from memsim._jit import jit, pjit

# Cody-Waite split of ln 2: LN2_HI has 21 trailing zero bits, so k * LN2_HI is exact for |k| < 2^21.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_EXP_FLUSH = -700.0


@jit
def exp_nonpositive(x, out, ibuf):
    """``out[j] = exp(x[j])`` for ``x[j] <= 0`` (or -inf); ``ibuf`` int64 scratch, len(x).

    ``out`` may be ``x`` itself. Vectorisable: no libm call, no branch in the first loop.
    """
    n = x.shape[0]
    fbuf = ibuf.view(np.float64)
    for j in range(n):
        xj = max(x[j], _EXP_FLUSH)
        k = np.floor(xj * _INV_LN2 + 0.5)
        r = (xj - k * _LN2_HI) - k * _LN2_LO
        p = 1.0 / 6227020800.0
        p = p * r + 1.0 / 479001600.0
        p = p * r + 1.0 / 39916800.0
        p = p * r + 1.0 / 3628800.0
        p = p * r + 1.0 / 362880.0
        p = p * r + 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        ibuf[j] = (np.int64(k) + 1023) << 52
        out[j] = p
    for j in range(n):
        if x[j] >= _EXP_FLUSH:
            out[j] = out[j] * fbuf[j]
        else:
            out[j] = 0.0


@jit
def _axpy(a, x, y):
    """y += a * x (1-D, same length)."""
    for j in range(y.shape[0]):
        y[j] += a * x[j]


@jit
def _axpy4(a0, a1, a2, a3, x0, x1, x2, x3, y):
    """y += a0 x0 + a1 x1 + a2 x2 + a3 x3 (1-D, same length)."""
    for j in range(y.shape[0]):
        y[j] += (a0 * x0[j] + a1 * x1[j]) + (a2 * x2[j] + a3 * x3[j])


@jit
def _row_max(x):
    """max of a 1-D array (four partial maxima, so it vectorises without fastmath)."""
    n = x.shape[0]
    m0 = -np.inf
    m1 = -np.inf
    m2 = -np.inf
    m3 = -np.inf
    j = 0
    while j + 4 <= n:
        m0 = max(m0, x[j])
        m1 = max(m1, x[j + 1])
        m2 = max(m2, x[j + 2])
        m3 = max(m3, x[j + 3])
        j += 4
    while j < n:
        m0 = max(m0, x[j])
        j += 1
    return max(max(m0, m1), max(m2, m3))


@jit
def _row_sum(x):
    """sum of a 1-D array with four partial sums (pairs of them added at the end)."""
    n = x.shape[0]
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    j = 0
    while j + 4 <= n:
        s0 += x[j]
        s1 += x[j + 1]
        s2 += x[j + 2]
        s3 += x[j + 3]
        j += 4
    while j < n:
        s0 += x[j]
        j += 1
    return (s0 + s1) + (s2 + s3)


@pjit
def fused_softmax_read(q, keys_t, values, mask, out, block_q, block_k):
    """``out[b] = sum_k softmax_k(q[b] . keys[k]) values[k]`` without a B x K score matrix.

    Parameters
    ----------
    q : (B, d) float64, C-contiguous
        Queries, already multiplied by every scale (beta, 1/sqrt(d), 1/temperature, normalised
        for cosine).
    keys_t : (d, K) float64, C-contiguous
        Keys transposed (so a block of scores is a sum of contiguous axpy's).
    values : (K, d_v) float64, C-contiguous
    mask : (M, K) bool
        M = 0: no mask; M = 1: one mask for all queries; M = B: one row per query.
        False = key not available. Every query must have at least one available key.
    out : (B, d_v) float64
        Read-outs (written).
    block_q, block_k : int
        Tile sizes: queries per parallel task, keys per step.

    Notes
    -----
    Per query the kernel keeps the running maximum m, the running normaliser
    l = sum_k exp(s_k - m) and the running read-out a = sum_k exp(s_k - m) v_k; a new block of
    scores with maximum m' > m rescales l and a by exp(m - m') (online softmax). Memory per
    task: block_q x (block_k + d_v) floats.
    """
    nb, d = q.shape
    nk_total = keys_t.shape[1]
    dv = values.shape[1]
    n_mask = mask.shape[0]
    n_tasks = (nb + block_q - 1) // block_q
    for task in prange(n_tasks):
        q0 = task * block_q
        nq = min(nb, q0 + block_q) - q0
        run_max = np.full(nq, -np.inf)
        run_sum = np.zeros(nq)
        acc = np.zeros((nq, dv))
        s = np.empty((nq, block_k))
        ibuf = np.empty(block_k, np.int64)
        for k0 in range(0, nk_total, block_k):
            nk = min(nk_total, k0 + block_k) - k0
            # scores of the block: s[i, :] = sum_c q[i, c] keys_t[c, k0:k0+nk]
            for i in range(nq):
                si = s[i, :nk]
                si[:] = 0.0
                for c in range(d):
                    _axpy(q[q0 + i, c], keys_t[c, k0 : k0 + nk], si)
                if n_mask > 0:
                    mrow = mask[0] if n_mask == 1 else mask[q0 + i]
                    for j in range(nk):
                        if not mrow[k0 + j]:
                            si[j] = -np.inf
            for i in range(nq):
                si = s[i, :nk]
                new_max = max(run_max[i], _row_max(si))
                if new_max == -np.inf:
                    continue  # every key of this block is masked for this query
                scale = np.exp(run_max[i] - new_max)  # exp(-inf) = 0 on the first block
                run_max[i] = new_max
                for j in range(nk):
                    si[j] = si[j] - new_max
                exp_nonpositive(si, si, ibuf[:nk])
                run_sum[i] = run_sum[i] * scale + _row_sum(si)
                ai = acc[i]
                for c in range(dv):
                    ai[c] *= scale
                j = 0
                while j + 4 <= nk:
                    _axpy4(
                        si[j],
                        si[j + 1],
                        si[j + 2],
                        si[j + 3],
                        values[k0 + j],
                        values[k0 + j + 1],
                        values[k0 + j + 2],
                        values[k0 + j + 3],
                        ai,
                    )
                    j += 4
                while j < nk:
                    _axpy(si[j], values[k0 + j], ai)
                    j += 1
        for i in range(nq):
            inv = 1.0 / run_sum[i]
            for c in range(dv):
                out[q0 + i, c] = acc[i, c] * inv


@pjit
def softmax_rows_inplace(s, sums):
    """Replace each row of ``s`` by ``exp(s - max(row))``; ``sums[i]`` = the row's sum.

    Rows must have at least one finite entry (masked entries are -inf and become 0).
    """
    nr, n = s.shape
    for i in prange(nr):
        row = s[i]
        mx = _row_max(row)
        for j in range(n):
            row[j] = row[j] - mx
        ibuf = np.empty(n, np.int64)
        exp_nonpositive(row, row, ibuf)
        sums[i] = _row_sum(row)


@jit
def _entmax_mass(x, c, u):
    """sum_j [1 + c (x_j - u)]_+^(1/c), x_j <= 0, c > 0."""
    total = 0.0
    for j in range(x.shape[0]):
        a = c * (x[j] - u)
        if a > -1.0:
            total += np.exp(np.log1p(a) / c)
    return total


@pjit
def entmax_bisect_rows(x, c, u_hi, max_iter, out):
    """alpha-entmax of each row of ``x`` (rows max-shifted: max 0, masked entries -inf).

    With ``c = alpha - 1 > 0`` the solution is ``p_j = [1 + c (x_j - u)]_+^(1/c)`` where the
    threshold ``u >= 0`` (in score units) makes ``sum_j p_j = 1``; the mass is decreasing in u,
    ``mass(0) >= 1`` (the maximum contributes 1) and ``mass(u_hi) <= 1`` for
    ``u_hi = (1 - n^-c) / c``. Bisection runs until the midpoint equals an end point (machine
    precision) or ``max_iter`` halvings; the result is computed at the lower end and divided by
    its sum. This is the usual parametrisation ``p = [(alpha - 1) z - tau]_+^(1/(alpha-1))``
    with ``tau = (alpha - 1) (max z + u) - 1``, rewritten so that alpha -> 1 stays accurate
    (``log1p``): it tends to softmax, where u = log-sum-exp.
    """
    nr, n = x.shape
    for i in prange(nr):
        row = x[i]
        lo = 0.0
        hi = u_hi
        for _ in range(max_iter):
            mid = 0.5 * (lo + hi)
            if mid <= lo or mid >= hi:
                break
            if _entmax_mass(row, c, mid) >= 1.0:
                lo = mid
            else:
                hi = mid
        total = 0.0
        for j in range(n):
            a = c * (row[j] - lo)
            if a > -1.0:
                p = np.exp(np.log1p(a) / c)
            else:
                p = 0.0
            out[i, j] = p
            total += p
        for j in range(n):
            out[i, j] /= total
