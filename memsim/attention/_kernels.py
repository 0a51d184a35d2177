"""Numba kernels for the attention library.

Private module: the public functions in :mod:`memsim.attention` validate and allocate; these
kernels compute and never validate (stumpy style).

Exponentials go through :func:`memsim.attention._exp.exp64` / ``exp32`` (branch-free, vectorised
by LLVM; Numba's own ``np.exp`` is a scalar libm call), which must not be compiled with
``reassoc``: the kernels that call them use at most :data:`memsim._jit.CONTRACT`. Row maxima and
sums use four partial results instead of reassociation, so they vectorise and give the same
numbers on every run and for any thread count.

* :func:`fused_softmax_read` -- ``softmax(q K^T) V`` for a batch of queries without the B x K
  score matrix and without BLAS: queries in blocks (parallel), keys in blocks, running maximum and
  running normaliser per query (online / streaming softmax, as in Milakov & Gimelshein 2018,
  "Online normalizer calculation for softmax", and the tiling of FlashAttention, Dao et al. 2022).
* :func:`entmax_rows` -- alpha-entmax of each row: sort, support size, then the threshold
  equation solved relative to the smallest support weight (no cancellation).
* row softmax (:func:`softmax_block`, :func:`softmax_rows_out`) and the tiled read-out
  (:func:`tiled_softmax_read_serial`, or its tasks shared between memsim's threads by
  :func:`tiled_tasks`) in float32 or float64; the row softmax has a serial twin for small work
  (same numbers; the twins share their loop body).
"""

from __future__ import annotations

import numpy as np
from numba import prange, types
from numba.extending import overload

from memsim._jit import CONTRACT, jit, pjit
from memsim.attention._exp import exp32, exp64

#: exponentials are computed and summed in segments of this many entries (the segment stays in
#: the L1 cache between the exponential loop and the sum)
_EXP_TILE = 1024

FLAG_BAD = 1  # NaN or +inf among the available entries
FLAG_DEAD = 4  # no entry above -inf
FLAG_OUT = 8  # a non-finite read-out (returned by the tiled read-out only)


# ------------------------------------------------------------------------------------------------
# vectorised exponentials of a row, maxima and sums
# ------------------------------------------------------------------------------------------------


def _exp_segment(x, m):
    """``x <- exp(x - m)`` in place, in x's precision (1-D float32 or float64, m a float).

    In place on one array: with a separate output LLVM must check at run time that the two do
    not overlap, and runs the scalar loop when they are the same array."""
    raise NotImplementedError("only inside Numba code")  # pragma: no cover


@overload(_exp_segment, jit_options={"cache": True, "fastmath": set(CONTRACT)})
def _exp_segment_impl(x, m):
    if x.dtype == types.float32:

        def impl32(x, m):
            m32 = np.float32(m)  # exact: a maximum of float32 numbers
            for j in range(x.shape[0]):
                x[j] = exp32(x[j] - m32)

        return impl32

    def impl64(x, m):
        m64 = np.float64(m)
        for j in range(x.shape[0]):
            x[j] = exp64(x[j] - m64)

    return impl64


@jit(fastmath=CONTRACT)
def exp_shift_sum(x, m):
    """``x <- exp(x - m)`` in place (1-D float32/float64, any length); returns the float64 sum.

    NaN entries stay NaN (so the sum is NaN), ``-inf`` entries become 0. The exponentials are
    taken segment by segment, each summed while it is in cache."""
    n = x.shape[0]
    total = 0.0
    for j0 in range(0, n, _EXP_TILE):
        seg = x[j0 : min(n, j0 + _EXP_TILE)]
        _exp_segment(seg, m)
        total += _sum64(seg)
    return total


@jit
def exp_into(x, out):
    """``out[j] = exp(x[j])`` (1-D float32 or float64, same dtype); ``out`` may be ``x``."""
    out[:] = x
    _exp_segment(out, 0.0)


@jit
def _row_max(row):
    """Maximum of a 1-D array; NaN entries are skipped (they show up later as a NaN row sum,
    see :func:`exp_shift_sum`), -inf for an empty row. Eight partial maxima as
    compare-and-select (x86 ``maxpd``), which vectorises without fastmath."""
    n = row.shape[0]
    m0 = m1 = m2 = m3 = m4 = m5 = m6 = m7 = -np.inf
    j = 0
    while j + 8 <= n:
        a = row[j]
        m0 = a if a > m0 else m0
        a = row[j + 1]
        m1 = a if a > m1 else m1
        a = row[j + 2]
        m2 = a if a > m2 else m2
        a = row[j + 3]
        m3 = a if a > m3 else m3
        a = row[j + 4]
        m4 = a if a > m4 else m4
        a = row[j + 5]
        m5 = a if a > m5 else m5
        a = row[j + 6]
        m6 = a if a > m6 else m6
        a = row[j + 7]
        m7 = a if a > m7 else m7
        j += 8
    while j < n:
        a = row[j]
        m0 = a if a > m0 else m0
        j += 1
    m0 = m1 if m1 > m0 else m0
    m2 = m3 if m3 > m2 else m2
    m4 = m5 if m5 > m4 else m4
    m6 = m7 if m7 > m6 else m6
    m0 = m2 if m2 > m0 else m0
    m4 = m6 if m6 > m4 else m4
    return m4 if m4 > m0 else m0


@jit
def _has_nan(row):
    for j in range(row.shape[0]):
        if row[j] != row[j]:
            return True
    return False


@jit
def _sum64(x):
    """float64 sum of a 1-D array (float32 or float64) with eight partial sums (added pairwise
    at the end): vectorises without reassociation, the same numbers on every run."""
    n = x.shape[0]
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    j = 0
    while j + 8 <= n:
        s0 += np.float64(x[j])
        s1 += np.float64(x[j + 1])
        s2 += np.float64(x[j + 2])
        s3 += np.float64(x[j + 3])
        s4 += np.float64(x[j + 4])
        s5 += np.float64(x[j + 5])
        s6 += np.float64(x[j + 6])
        s7 += np.float64(x[j + 7])
        j += 8
    while j < n:
        s0 += np.float64(x[j])
        j += 1
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))


# ------------------------------------------------------------------------------------------------
# fused read-out without BLAS
# ------------------------------------------------------------------------------------------------


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
                run_sum[i] = run_sum[i] * scale + exp_shift_sum(si, new_max)
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


# ------------------------------------------------------------------------------------------------
# alpha-entmax
# ------------------------------------------------------------------------------------------------


@jit
def _entmax_support_mass(xs, m, c):
    """``sum_{i<m} (c (xs[i] - xs[m-1]))^(1/c)`` for xs sorted descending; stops once >= 1.

    The mass of the top m keys when the threshold sits exactly at the m-th largest score; it
    grows with m, and key m is in the support of alpha-entmax iff it is below 1.
    """
    zm = xs[m - 1]
    inv_c = 1.0 / c
    total = 0.0
    for i in range(m - 1):
        a = c * (xs[i] - zm)
        if a >= 1.0:
            return 2.0
        if a > 0.0:
            total += np.exp(np.log(a) * inv_c)
            if total >= 1.0:
                return total
    return total


@jit
def _entmax_log_weight(a, la, y, em1, c):
    """``ln p`` for ``p^c = e^y + a`` (``la = ln a``, may be -inf; ``em1 = expm1(y)``).

    Near ``p^c = 1`` (y > -1: alpha close to 1, or large weights) as
    ``log1p(expm1(y) + a) / c``, elsewhere as the log-sum-exp
    ``(max(y, la) + log1p(exp(-|y - la|))) / c``: either way no cancellation beyond a few
    ulp of ``|ln p| + z_i - z_k``.
    """
    if y > -1.0:
        return np.log1p(em1 + a) / c
    if la > y:
        return (la + np.log1p(np.exp(y - la))) / c
    return (y + np.log1p(np.exp(la - y))) / c


@jit
def _entmax_mass_slope(a, la, k, y, c):
    """Neumaier-compensated ``sum_i p_i(y) - 1`` and ``d/dy sum_i p_i(y)``."""
    em1 = np.expm1(y)
    total = -1.0
    comp = 0.0
    slope = 0.0
    for i in range(k):
        p = np.exp(_entmax_log_weight(a[i], la[i], y, em1, c))
        if p == np.inf:
            return np.inf, np.inf  # far above the root
        t = total + p
        if abs(total) >= p:
            comp += (total - t) + p
        else:
            comp += (p - t) + total
        total = t
        # dp/dy = p (s/p)^c / c with (s/p)^c = e^y / (e^y + a) = 1 / (1 + e^(la - y))
        if la[i] - y < 700.0:
            slope += p / (c * (1.0 + np.exp(la[i] - y)))
    return total + comp, slope


@pjit
def entmax_rows(x, c, max_iter, out):
    """alpha-entmax of each row of ``x`` (rows max-shifted: max 0, masked entries -inf).

    ``c = alpha - 1 > 0``. Peters, Niculae & Martins (2019) write the solution as
    ``p_i = [c z_i - tau]_+^(1/c)``. Evaluating that form (or any form that subtracts a
    threshold from O(1) numbers) loses a small weight entirely once ``p_i^c`` falls below the
    rounding error of the threshold, about 1e-16: at alpha = 10 a weight of 0.0116 has
    ``p^c = 4e-18``. Here the threshold equation is rewritten relative to the *smallest*
    support key k instead: with ``a_i = c (z_i - z_k) >= 0`` every support weight is

        p_i^c = p_k^c + a_i = e^y + a_i,   y = ln p_k^c,

    a sum of non-negative terms, evaluated in the log domain (:func:`_entmax_log_weight`): no
    cancellation, relative error a few ulp for every weight, however small. Steps per row:

    1. sort the finite scores descending;
    2. support size k: the largest m with ``sum_{i<m} (c (z_(i) - z_(m)))^(1/c) < 1`` (this
       mass grows with m; binary search);
    3. solve ``sum_{i<=k} p_i(y) = 1`` for y by safeguarded Newton on ``ln sum p`` (bisection
       whenever a step leaves the bracket), with a compensated sum; ``|dp_i / dy| <= |df / dy|``
       so every weight is as accurate as the sum, about 1e-16 absolute;
    4. weights at the root, divided by their sum.

    y is the log of ``p_k^c``, so p_k may underflow (a weight below 1e-308 is 0) without
    losing the others; alpha -> 1 tends to softmax smoothly (``p_i -> p_k exp(z_i - z_k)``).
    """
    nr, n = x.shape
    for r in prange(nr):
        row = x[r]
        nf = 0
        for j in range(n):
            if row[j] > -np.inf:
                nf += 1
        xs = np.empty(nf)
        t = 0
        for j in range(n):
            if row[j] > -np.inf:
                xs[t] = -row[j]
                t += 1
        xs.sort()
        for j in range(nf):
            xs[j] = -xs[j]
        # 2. support size by binary search (the mass of m = 1 is 0 < 1)
        lo_m = 1
        hi_m = nf
        while lo_m < hi_m:
            mid_m = (lo_m + hi_m + 1) // 2
            if _entmax_support_mass(xs, mid_m, c) < 1.0:
                lo_m = mid_m
            else:
                hi_m = mid_m - 1
        k = lo_m
        zk = xs[k - 1]
        if k == 1:
            for j in range(n):
                out[r, j] = 1.0 if row[j] >= zk else 0.0
            continue
        aa = np.empty(k)
        la = np.empty(k)
        for i in range(k):
            aa[i] = c * (xs[i] - zk)
            la[i] = np.log(aa[i]) if aa[i] > 0.0 else -np.inf
        # 3. bracket: p_k <= 1/k gives f(y_hi) >= 0; step down until f < 0
        y_hi = -c * np.log(k)
        step = 1.0
        y_lo = y_hi - step
        f_lo, _ = _entmax_mass_slope(aa, la, k, y_lo, c)
        while f_lo >= 0.0 and step < 1e300:
            y_hi = y_lo
            step *= 4.0
            y_lo = y_hi - step
            f_lo, _ = _entmax_mass_slope(aa, la, k, y_lo, c)
        if f_lo >= 0.0:
            y = -np.inf  # p_k^c below exp(-1e300): p_k = 0 in float64
        else:
            y = y_hi
            for _ in range(max_iter):
                f, df = _entmax_mass_slope(aa, la, k, y, c)
                if f == 0.0:
                    break
                if f > 0.0:
                    y_hi = y
                else:
                    y_lo = y
                mid = 0.5 * (y_lo + y_hi)
                if mid <= y_lo or mid >= y_hi:
                    break  # bracket is two adjacent floats
                # Newton on ln(sum p) = log1p(f): one step for softmax-like (small c) rows,
                # quadratic near the root for every c
                if f < np.inf and 0.0 < df < np.inf:
                    y_new = y - np.log1p(f) * (1.0 + f) / df
                else:
                    y_new = mid  # a weight overflowed far above the root
                if not (y_lo < y_new < y_hi):
                    y_new = mid
                if y_new == y:
                    break
                y = y_new
        # 4. weights at the root
        total = 0.0
        em1 = np.expm1(y)
        for j in range(n):
            if row[j] >= zk:
                a = c * (row[j] - zk)
                la_j = np.log(a) if a > 0.0 else -np.inf
                if y == -np.inf:
                    p = np.exp(la_j / c)
                else:
                    p = np.exp(_entmax_log_weight(a, la_j, y, em1, c))
            else:
                p = 0.0
            out[r, j] = p
            total += p
        for j in range(n):
            out[r, j] /= total


# ------------------------------------------------------------------------------------------------
# row softmax for the blocked read-out and the softmax normaliser, float64 and float32
# ------------------------------------------------------------------------------------------------
#
# One pass per row computes the maximum; a second pass writes
# exp(x - max) and sums it (float64 accumulator in both precisions). A NaN score is skipped by the
# maximum but kept NaN by the exponential, so the row sum is NaN; a +inf score makes the maximum
# +inf. Those give FLAG_BAD: the caller turns the per-row flags into errors, so the scores are
# checked for non-finite entries on the way and never scanned separately.


@jit
def _softmax_row(row, mrow, use_mask):
    """Row kernel: mask, scan, exp(x - max) in place; returns (float64 sum, flags)."""
    if use_mask:
        for j in range(row.shape[0]):
            if not mrow[j]:
                row[j] = -np.inf
    m = _row_max(row)
    if not (m > -np.inf):
        return 1.0, FLAG_DEAD  # every entry -inf (or NaN)
    if m == np.inf:
        return 1.0, FLAG_BAD
    total = exp_shift_sum(row, m)
    if total != total:
        return 1.0, FLAG_BAD  # a NaN score
    return total, 0


@jit
def _softmax_block_row(i, s, mask, use_mask, mask_row0, sums, flags):
    """Row i of :func:`softmax_block` (the loop body of both twins)."""
    mrow = mask[0] if mask.shape[0] == 1 else mask[mask_row0 + i]
    sums[i], flags[i] = _softmax_row(s[i], mrow, use_mask)


@pjit
def softmax_block(s, mask, use_mask, mask_row0, sums, flags):
    """Rows of ``s`` (scores, float32 or float64) -> ``exp(s - row max)`` in place, in parallel.

    ``mask`` (M, K) bool, M >= 1, used when ``use_mask``: M = 1 is shared, otherwise row
    ``mask_row0 + i`` belongs to row i (pass an empty (1, 0) array without a mask); masked
    entries are set to -inf first. ``sums[i]`` (float64) gets the row sum, ``flags[i]`` the OR
    of FLAG_BAD / FLAG_DEAD (a row with BAD or DEAD is left unfinished and its
    sum set to 1). Rows are independent: bit-identical for any thread count.
    """
    for i in prange(s.shape[0]):
        _softmax_block_row(i, s, mask, use_mask, mask_row0, sums, flags)


@jit
def softmax_block_serial(s, mask, use_mask, mask_row0, sums, flags):
    """Serial twin of :func:`softmax_block` (same numbers), for small blocks."""
    for i in range(s.shape[0]):
        _softmax_block_row(i, s, mask, use_mask, mask_row0, sums, flags)


@jit
def _softmax_row_out(z, out):
    """out = softmax(z) for one row (scan, exp into out, float64 sum, scale); returns flags."""
    m = _row_max(z)
    if not (m > -np.inf):
        return FLAG_DEAD
    if m == np.inf:
        return FLAG_BAD
    out[:] = z
    total = exp_shift_sum(out, m)
    if total != total:
        return FLAG_BAD
    inv = 1.0 / total
    for j in range(out.shape[0]):
        out[j] = out[j] * inv
    return 0


@pjit
def softmax_rows_out(z, out, flags):
    """``out[i] = softmax(z[i])`` for each row, in parallel (z unchanged, same dtype as out).

    One pass reads a row for its maximum and a NaN/+inf count; the exponentials, their float64
    sum and the scaling work on the output row while it is in cache. ``flags[i]`` is FLAG_BAD
    or FLAG_DEAD for a refused row (its output is then left unfinished)."""
    for i in prange(z.shape[0]):
        flags[i] = _softmax_row_out(z[i], out[i])


@jit
def softmax_rows_out_serial(z, out, flags):
    """Serial twin of :func:`softmax_rows_out` (same numbers)."""
    for i in range(z.shape[0]):
        flags[i] = _softmax_row_out(z[i], out[i])


# ------------------------------------------------------------------------------------------------
# tiled read-out: BLAS products on cache-sized tiles, tasks shared between threads
# ------------------------------------------------------------------------------------------------
#
# softmax(Q K^T) V for tiles of block_q queries x block_k keys: per tile one BLAS product for the
# scores (np.dot inside Numba calls the BLAS that scipy links), one pass per row (mask, maximum,
# exp(s - running max) with a float64 sum, online rescaling as in Milakov & Gimelshein 2018), one
# BLAS product of the weights with the values, added to a float64 accumulator. The tile stays in
# the core's cache between the three steps and the BLAS products run in the calling thread (the
# caller holds the BLAS library to one thread, memsim._blas, or sizes tiles below its own
# multithreading threshold), so no two thread pools compete for the cores.
#
# Work is split into fixed tasks (query blocks x key chunks) chosen from the shapes only; key
# chunks are merged per query in chunk order: the numbers do not depend on the thread count.


@jit
def _tile_rows(s, mask, use_mask, mrow0, k0, mx, lsum, acc, flags):
    """Online-softmax update of one score tile ``s`` (nq x nk, in place -> exp(s - new max)).

    ``mx``, ``lsum`` (float64), ``acc`` (nq x d_v float64) and ``flags`` are the running state of
    the tile's queries; ``acc`` is rescaled when a row's maximum grows. A row whose entries in this
    tile are all masked (or -inf) is zeroed and leaves the state unchanged.
    """
    nq, nk = s.shape
    nm = mask.shape[0]
    for i in range(nq):
        row = s[i]
        if use_mask:
            mrow = mask[0] if nm == 1 else mask[mrow0 + i]
            for j in range(nk):
                if not mrow[k0 + j]:
                    row[j] = -np.inf
        m = _row_max(row)
        if not (m > -np.inf) or m == np.inf:
            if m == np.inf or _has_nan(row):
                flags[i] |= FLAG_BAD  # +inf, or NaN entries (skipped by the maximum)
            row[:] = 0.0
            continue
        old = mx[i]
        new = m if m > old else old
        mx[i] = new
        total = exp_shift_sum(row, new)
        if total != total:
            flags[i] |= FLAG_BAD
            row[:] = 0.0
            continue
        if new > old and old > -np.inf:
            sc = np.exp(old - new)
            lsum[i] = lsum[i] * sc + total
            a = acc[i]
            for c in range(a.shape[0]):
                a[c] *= sc
        else:
            lsum[i] += total


@jit
def _tile_task(q, k, v, mask, use_mask, q0, nq, k0, k1, block_k, mx, lsum, acc, flags):
    """One task: queries q0..q0+nq against keys k0..k1 in tiles of block_k keys."""
    dt = q.dtype
    qb = q[q0 : q0 + nq]
    s = np.empty((nq, block_k), dt)
    tmp = np.empty((nq, v.shape[1]), dt)
    for t0 in range(k0, k1, block_k):
        nk = min(k1, t0 + block_k) - t0
        st = s if nk == block_k else np.empty((nq, nk), dt)
        if nq == 1:  # matrix-vector products (BLAS gemv)
            np.dot(k[t0 : t0 + nk], qb[0], st[0])
        else:
            np.dot(qb, k[t0 : t0 + nk].T, st)
        _tile_rows(st, mask, use_mask, q0, t0, mx, lsum, acc, flags)
        if nq == 1:
            np.dot(st[0], v[t0 : t0 + nk], tmp[0])
        else:
            np.dot(st, v[t0 : t0 + nk], tmp)
        for i in range(nq):
            for c in range(tmp.shape[1]):
                acc[i, c] += tmp[i, c]


@jit
def _tile_merge(out, mx, lsum, acc, flags, fl_out):
    """Merge the key chunks of each query in chunk order and write ``out = acc / lsum``.

    Returns the OR of all flags, with FLAG_OUT when a read-out is not finite (a NaN or inf
    value, also one at weight 0, gives a NaN read-out: IEEE ``0 * inf = NaN``)."""
    nc, nb = mx.shape
    dv = out.shape[1]
    every = 0
    w = np.zeros(nc)  # rescaling factor of each chunk (one exponential per chunk and query)
    for b in range(nb):
        m = -np.inf
        f = 0
        for c in range(nc):
            m = max(m, mx[c, b])
            f |= flags[c, b]
        if not (m > -np.inf):
            fl_out[b] = f | FLAG_DEAD
            every |= f | FLAG_DEAD
            for j in range(dv):
                out[b, j] = 0.0
            continue
        fl_out[b] = f
        every |= f
        tot = 0.0
        for c in range(nc):
            if mx[c, b] > -np.inf:
                w[c] = np.exp(mx[c, b] - m)
                tot += lsum[c, b] * w[c]
        inv = 1.0 / tot
        for j in range(dv):
            a = 0.0
            for c in range(nc):
                if mx[c, b] > -np.inf:
                    a += acc[c, b, j] * w[c]
            out[b, j] = a * inv
            if not (abs(out[b, j]) < np.inf):
                every |= FLAG_OUT  # NaN or inf (also after rounding to float32)
    return every


@jit
def _tile_state(n_chunks, nb, dv):
    mx = np.full((n_chunks, nb), -np.inf)
    lsum = np.zeros((n_chunks, nb))
    acc = np.zeros((n_chunks, nb, dv))
    flags = np.zeros((n_chunks, nb), np.int64)
    return mx, lsum, acc, flags


@jit
def _tile_task_at(t, q, k, v, mask, use_mask, block_q, block_k, chunk_k, mx, lsum, acc, flags):
    """Task t of the tiled read-out (query block t // chunks, key chunk t % chunks): the loop
    body of :func:`tiled_softmax_read_serial` and :func:`tiled_tasks`."""
    nb = q.shape[0]
    nkc = mx.shape[0]
    qi = t // nkc
    c = t - qi * nkc
    q0 = qi * block_q
    nq = min(nb, q0 + block_q) - q0
    k0 = c * chunk_k
    k1 = min(k.shape[0], k0 + chunk_k)
    _tile_task(
        q,
        k,
        v,
        mask,
        use_mask,
        q0,
        nq,
        k0,
        k1,
        block_k,
        mx[c, q0 : q0 + nq],
        lsum[c, q0 : q0 + nq],
        acc[c, q0 : q0 + nq],
        flags[c, q0 : q0 + nq],
    )


@jit
def _tile_counts(nb, nk, block_q, chunk_k):
    """(query blocks, key chunks) of the tiled read-out."""
    return (nb + block_q - 1) // block_q, (nk + chunk_k - 1) // chunk_k


@jit
def tile_state(nb, nk, dv, block_q, chunk_k):
    """Running state of a tiled read-out of ``nb`` queries over ``nk`` keys: the task count
    (query blocks x key chunks) and per chunk and query the maximum, the float64 sum, the
    (d_v) float64 accumulator and the flags."""
    nqb, nkc = _tile_counts(nb, nk, block_q, chunk_k)
    mx, lsum, acc, flags = _tile_state(nkc, nb, dv)
    return nqb * nkc, mx, lsum, acc, flags


@jit
def tiled_tasks(lo, hi, q, k, v, mask, use_mask, block_q, block_k, chunk_k, mx, lsum, acc, flags):
    """Tasks ``lo..hi-1`` of a tiled read-out (state from :func:`tile_state`), in the calling
    thread without the GIL: memsim's thread pool runs disjoint task ranges at once
    (:func:`memsim._threads.run_chunks`), each task writing only its own rows of the state."""
    for t in range(lo, hi):
        _tile_task_at(t, q, k, v, mask, use_mask, block_q, block_k, chunk_k, mx, lsum, acc, flags)


@jit
def tile_merge(out, mx, lsum, acc, flags, flags_out):
    """Merge the key chunks of a finished tiled read-out into ``out`` (:func:`_tile_merge`)."""
    return _tile_merge(out, mx, lsum, acc, flags, flags_out)


@jit
def tiled_softmax_read_serial(q, k, v, mask, use_mask, out, flags_out, block_q, block_k, chunk_k):
    """``out = softmax(q k^T) v`` (scores already scaled), every task in the calling thread.

    Parameters
    ----------
    q : (B, d), k : (K, d), v : (K, d_v)
        C-contiguous, all float32 or all float64.
    mask : (M, K) bool; used when ``use_mask`` (M = 1 shared, M = B one row per query).
    out : (B, d_v), same dtype as q (written).
    flags_out : (B,) int64 (written): FLAG_BAD / FLAG_DEAD per query.
    block_q, block_k : tile size; chunk_k : keys per task (a multiple of block_k).

    Returns the OR of all flags (FLAG_OUT added when a read-out is not finite). The same tasks
    shared between threads (:func:`tile_state`, :func:`tiled_tasks`, :func:`tile_merge`) give
    the same numbers.
    """
    nqb, nkc = _tile_counts(q.shape[0], k.shape[0], block_q, chunk_k)
    mx, lsum, acc, flags = _tile_state(nkc, q.shape[0], v.shape[1])
    for t in range(nqb * nkc):
        _tile_task_at(t, q, k, v, mask, use_mask, block_q, block_k, chunk_k, mx, lsum, acc, flags)
    return _tile_merge(out, mx, lsum, acc, flags, flags_out)


@jit
def one_query_read(q, k, v, mrow, use_mask, out):
    """``out = softmax(k q) v`` for one query in one call (scores already scaled): a BLAS
    matrix-vector product for the K scores, one pass over them (:func:`_softmax_row`: mask,
    maximum, ``exp(s - max)`` with a float64 sum), a BLAS matrix-vector product with the values,
    the scaling. q (d,), k (K, d), v (K, d_v), out (d_v,), C-contiguous, one dtype; ``mrow``
    (K,) bool used when ``use_mask``. Returns the flags (FLAG_BAD / FLAG_DEAD, FLAG_OUT for a
    non-finite read-out); ``out`` is unspecified when FLAG_BAD or FLAG_DEAD is set."""
    s = np.empty(k.shape[0], q.dtype)
    np.dot(k, q, s)
    total, f = _softmax_row(s, mrow, use_mask)
    if f:
        return f
    np.dot(s, v, out)
    return scale_checked(out, 1.0 / total)


@jit
def scale_checked(out, inv):
    """``out *= inv`` (in out's precision) for a 1-D array; FLAG_OUT if an entry is then not
    finite, else 0."""
    c = out.dtype.type(inv)
    bad = False
    for j in range(out.shape[0]):
        x = out[j] * c
        out[j] = x
        bad |= not (abs(x) < np.inf)
    return FLAG_OUT if bad else 0
