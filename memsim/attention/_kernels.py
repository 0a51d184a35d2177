"""Numba kernels for the attention library.

Private module: the public functions in :mod:`memsim.attention` validate and allocate; these
kernels compute and never validate (stumpy style).

Exponentials go through :func:`memsim.attention._exp.exp64` / ``exp32`` (branch-free, vectorised
by LLVM; Numba's own ``np.exp`` is a scalar libm call), which must not be compiled with
``reassoc``: the kernels that call them use at most :data:`memsim._jit.CONTRACT`. Row maxima
are found on integer keys of the float bits and the softmax normaliser's row sums in fixed point
(integers), which LLVM vectorises without reassociation; the other sums use eight partial
results. All give the same numbers on every run and for any thread count.

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
from memsim.attention._exp import (
    SCALED32,
    SCALED64,
    _bits_from_f32,
    _bits_from_f64,
    _f32_from_bits,
    _f64_from_bits,
    _fma32,
    exp32,
    exp32_scaled,
    exp64,
    exp64_scaled,
)

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


# ------------------------------------------------------------------------------------------------
# row maximum and NaN check in one integer pass; exact fixed-point sums of exponentials
# ------------------------------------------------------------------------------------------------
#
# A floating-point maximum or sum is a reduction that LLVM vectorises only with reassociation,
# which the exponentials must not be compiled with and which would make a sum depend on the
# vector width the compiler picks. Both reductions are done in integers instead: LLVM vectorises
# integer max and + as written (they are associative), and the result is the same in any order.
#
# * Maximum: the IEEE-754 bits of a float read as a signed integer, with the low 31 (63) bits
#   flipped when the sign bit is set, are a key in the same order as the floats (-0 just below
#   +0); a NaN with the sign bit clear sorts above +inf, one with it set below -inf. The largest
#   absolute bit pattern tells whether there is a NaN (above the pattern of inf).
# * Sum: each exponential e (in [0, 1] after the shift by the maximum; computed as e 2^S, see
#   :func:`memsim.attention._exp.exp32_scaled`) is rounded to a multiple of 2^-50 by adding the
#   "magic number" 2^52 to e 2^50 (the sum's low mantissa bits are then that integer) and the
#   integers are added exactly. For float64 rows the rounding residual of
#   each term is added the same way in units of 2^-100, so the float64 sum is correct to about
#   one rounding; float32 terms lose at most 2^-51 each (1e-12 of a sum >= 1 for 10^3 entries,
#   far below float32 rounding). Segments of 4096 entries keep the integer sums below 2^62.

_KEY32 = np.int32(0x7FFFFFFF)
_KEY64 = np.int64(0x7FFFFFFFFFFFFFFF)
_INF32_BITS = np.int32(0x7F800000)
_INF64_BITS = np.int64(0x7FF0000000000000)
_NEG_INF32_KEY = np.int32(-2139095041)  # key of float32 -inf (0xff800000 ^ 0x7fffffff)
_NEG_INF64_KEY = np.int64(-9218868437227405313)  # key of float64 -inf
_SHIFT32 = np.int32(31)
_SHIFT64 = np.int64(63)

_FIX = 2.0**50  # fixed-point unit of the sums: 2^-50
_FIX_LO = 2.0**50  # the residuals' unit: 2^-50 of 2^-50
_FIX32 = 2.0 ** (50 - SCALED32)  # e 2^S -> e 2^50
_FIX64 = 2.0 ** (50 - SCALED64)
_UNSCALE32 = 2.0**-SCALED32
_UNSCALE64 = 2.0**-SCALED64
_MAGIC = 2.0**52  # y = v + 2^52 holds round(v) in its low mantissa bits for 0 <= v < 2^52
_MAGIC_BITS_U = np.uint64(0x4330000000000000)
_MAGIC_S = 1.5 * 2.0**52  # the same for -2^51 <= v < 2^51
_MAGIC_S_BITS_U = np.uint64(0x4338000000000000)
_FIX_SEG = 4096  # 4096 terms of at most 2^50 stay below 2^62


@jit
def _int64_from_bits(u):
    """The int64 with the bits of the uint64 ``u`` (two's complement)."""
    return np.int64(u) if u < np.uint64(2**63) else -np.int64(~u) - np.int64(1)


def _scan_row(row):
    """``(maximum, has_nan)`` of a 1-D float32/float64 row in one integer pass; the maximum is
    in the row's dtype, -inf for an empty row, and meaningless when ``has_nan``."""
    raise NotImplementedError("only inside Numba code")  # pragma: no cover


@overload(_scan_row, jit_options={"cache": True})
def _scan_row_impl(row):
    if row.dtype == types.float32:

        def impl32(row):
            km = _NEG_INF32_KEY
            am = np.int32(0)
            for j in range(row.shape[0]):
                v = _bits_from_f32(row[j])
                a = np.int32(v & _KEY32)
                k = np.int32(v ^ np.int32(np.int32(v >> _SHIFT32) & _KEY32))
                km = k if k > km else km
                am = a if a > am else am
            m = _f32_from_bits(np.int32(km ^ np.int32(np.int32(km >> _SHIFT32) & _KEY32)))
            return m, am > _INF32_BITS

        return impl32

    def impl64(row):
        km = _NEG_INF64_KEY
        am = np.int64(0)
        for j in range(row.shape[0]):
            v = _bits_from_f64(np.float64(row[j]))
            a = v & _KEY64
            k = v ^ ((v >> _SHIFT64) & _KEY64)
            km = k if k > km else km
            am = a if a > am else am
        m = _f64_from_bits(km ^ ((km >> _SHIFT64) & _KEY64))
        return m, am > _INF64_BITS

    return impl64


@jit
def _row_max_skipping_nan(row):
    m = -np.inf
    for j in range(row.shape[0]):
        a = row[j]
        m = a if a > m else m
    return m


@jit
def _row_max(row):
    """Maximum of a 1-D array as a float64; NaN entries are skipped (they show up later as a
    NaN row sum, see :func:`exp_shift_sum`), -inf for an empty row. One vectorised integer pass
    (:func:`_scan_row`); a row with NaN takes a second, scalar pass."""
    m, nan = _scan_row(row)
    if nan:
        return _row_max_skipping_nan(row)
    return np.float64(m)


@jit(fastmath=CONTRACT)
def _fix32_bits(e):
    """The bits of ``e 2^(50 - S) + 2^52`` for a scaled float32 exponential ``e`` (uint64): the
    constant bits of 2^52 plus ``round(exp 2^50)``."""
    return np.uint64(_bits_from_f64(np.float64(e) * _FIX32 + _MAGIC))


@jit
def _fix32_total(acc, count):
    """The float64 value of a wrapping sum ``acc`` of ``count`` :func:`_fix32_bits`."""
    return np.float64(acc - np.uint64(count) * _MAGIC_BITS_U) * (1.0 / _FIX)


@jit(fastmath=CONTRACT)
def _fix64_bits(e):
    """``(hi, lo)`` bits for a scaled float64 exponential ``e``: ``round(exp 2^50)`` as for
    float32, and the rounding residual (exact, in [-1/2, 1/2]) in units of 2^-50."""
    y = e * _FIX64 + _MAGIC
    r = e * _FIX64 - (y - _MAGIC)
    return np.uint64(_bits_from_f64(y)), np.uint64(_bits_from_f64(r * _FIX_LO + _MAGIC_S))


@jit
def _fix64_total(hi, lo, count):
    """The float64 value of wrapping sums ``hi``, ``lo`` of ``count`` :func:`_fix64_bits`."""
    c = np.uint64(count)
    lo_signed = _int64_from_bits(lo - c * _MAGIC_S_BITS_U)  # a signed sum
    return np.float64(hi - c * _MAGIC_BITS_U) * (1.0 / _FIX) + lo_signed * (1.0 / (_FIX * _FIX_LO))


def _exp_fixed_sum(z, out, m):
    """``out <- exp(z - m) 2^S`` (1-D float32 or float64, same dtype and length, ``out`` not
    ``z``; ``m >= max z`` finite, z without NaN; S = :data:`_exp.SCALED32` or ``SCALED64``, so
    every nonzero entry is a normal float); returns the sum of ``exp(z - m)`` as a float64,
    exact to a fixed-point unit of 2^-50 per term (float64: about one rounding for the whole
    sum), and ``2^-S``. The integer sums are unsigned: sums of bit patterns wrap around modulo
    2^64 (defined for unsigned integers), and so does the correction by their constant part."""
    raise NotImplementedError("only inside Numba code")  # pragma: no cover


@overload(_exp_fixed_sum, jit_options={"cache": True, "fastmath": set(CONTRACT)})
def _exp_fixed_sum_impl(z, out, m):
    if z.dtype == types.float32:

        def impl32(z, out, m):
            m32 = np.float32(m)
            n = z.shape[0]
            total = 0.0
            for j0 in range(0, n, _FIX_SEG):
                zs = z[j0 : min(n, j0 + _FIX_SEG)]  # slices: indices from 0 (no gathers)
                os = out[j0 : min(n, j0 + _FIX_SEG)]
                acc = np.uint64(0)
                for j in range(zs.shape[0]):
                    e = exp32_scaled(zs[j] - m32)
                    os[j] = e
                    acc += _fix32_bits(e)
                total += _fix32_total(acc, zs.shape[0])
            return total, _UNSCALE32

        return impl32

    def impl64(z, out, m):
        m64 = np.float64(m)
        n = z.shape[0]
        total = 0.0
        for j0 in range(0, n, _FIX_SEG):
            zs = z[j0 : min(n, j0 + _FIX_SEG)]
            os = out[j0 : min(n, j0 + _FIX_SEG)]
            hi = np.uint64(0)
            lo = np.uint64(0)
            for j in range(zs.shape[0]):
                e = exp64_scaled(zs[j] - m64)
                os[j] = e
                h, low = _fix64_bits(e)
                hi += h
                lo += low
            total += _fix64_total(hi, lo, zs.shape[0])
        return total, _UNSCALE64

    return impl64


def _scale_row(x, inv):
    """``x <- x * inv`` for a float64 ``inv``, rounded once to x's dtype (1-D float32/float64).

    float64: one product. float32: ``inv = hi + lo`` split into two float32 numbers and
    ``fma(x, hi, x lo)`` in float32, which is the correctly rounded ``x * inv`` except when it
    lies within about 2^-47 (relative) of a rounding boundary or below 2^-100 (``x lo`` then
    subnormal), and then one unit in the last place off; half the work of a float64 product
    with its two conversions."""
    raise NotImplementedError("only inside Numba code")  # pragma: no cover


@overload(_scale_row, jit_options={"cache": True})
def _scale_row_impl(x, inv):
    if x.dtype == types.float32:

        def impl32(x, inv):
            hi = np.float32(inv)
            lo = np.float32(inv - np.float64(hi))
            for j in range(x.shape[0]):
                e = x[j]
                x[j] = _fma32(e, hi, e * lo)

        return impl32

    def impl64(x, inv):
        for j in range(x.shape[0]):
            x[j] = x[j] * inv

    return impl64


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
    if not (m > -np.inf):  # every entry -inf or NaN (the maximum skips NaN)
        return 1.0, FLAG_BAD if _has_nan(row) else FLAG_DEAD
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
    """out = softmax(z) for one row: one integer pass for the maximum and the NaN/+inf check,
    one pass writing exp(z - max) with its exact fixed-point sum, one pass scaling; returns
    flags (FLAG_BAD, FLAG_DEAD; out unfinished then)."""
    m, nan = _scan_row(z)
    if nan or m == np.inf:
        return FLAG_BAD
    if not (m > -np.inf):
        return FLAG_DEAD
    total, unscale = _exp_fixed_sum(z, out, m)  # out = exp(z - m) 2^S
    _scale_row(out, unscale / total)  # one rounding per weight, also for subnormal weights
    return 0


@pjit
def softmax_rows_out(z, out, flags):
    """``out[i] = softmax(z[i])`` for each row, in parallel (z unchanged, same dtype as out).

    One pass reads a row for its maximum and a NaN/+inf count; the exponentials, their float64
    sum and the scaling work on the output row while it is in cache. ``flags[i]`` is FLAG_BAD
    or FLAG_DEAD for a refused row (its output is then left unfinished). Returns the OR of all
    flags."""
    for i in prange(z.shape[0]):
        flags[i] = _softmax_row_out(z[i], out[i])
    return _or_flags(flags)


@jit
def softmax_rows_out_serial(z, out, flags):
    """Serial twin of :func:`softmax_rows_out` (same numbers, same return value)."""
    for i in range(z.shape[0]):
        flags[i] = _softmax_row_out(z[i], out[i])
    return _or_flags(flags)


@jit
def _or_flags(flags):
    every = 0
    for i in range(flags.shape[0]):
        every |= flags[i]
    return every


# softmax along a middle axis: z seen as (A, n, C) with C > 1 trailing entries per step along the
# axis; each task takes one a and a block of columns and runs the same steps as a row, across the
# columns at once (contiguous, vectorised; the maximum and the sums are per column, in the same
# order), so no transposed copy is made and the numbers are those of the row kernel on the
# transposed array.

#: columns per task of the column softmax: wide, because each step along the axis costs a
#: few slices and loop set-ups per block (measured: 128 columns took 1.5x the time of 1024)
_COL_BLOCK = 1024


@jit
def _col_scan(z2, r0, n, c0, c1, m, bad):
    """Maximum and NaN presence of each column c0..c1 of rows r0..r0+n of z2 (the maximum is
    meaningless for a column with NaN). Four rows at a time: fewer loads and stores of the
    per-column results."""
    for c in range(c1 - c0):
        m[c] = -np.inf
        bad[c] = False
    j = 0
    while j + 4 <= n:
        z0 = z2[r0 + j, c0:c1]
        z1 = z2[r0 + j + 1, c0:c1]
        z2_ = z2[r0 + j + 2, c0:c1]
        z3 = z2[r0 + j + 3, c0:c1]
        for c in range(z0.shape[0]):
            a = z0[c] if z0[c] > z1[c] else z1[c]
            b = z2_[c] if z2_[c] > z3[c] else z3[c]
            a = a if a > b else b
            m[c] = a if a > m[c] else m[c]
        for c in range(z0.shape[0]):
            bad[c] |= (z0[c] != z0[c]) | (z1[c] != z1[c]) | (z2_[c] != z2_[c]) | (z3[c] != z3[c])
        j += 4
    while j < n:
        zr = z2[r0 + j, c0:c1]
        for c in range(zr.shape[0]):
            v = zr[c]
            m[c] = v if v > m[c] else m[c]
        for c in range(zr.shape[0]):
            bad[c] |= zr[c] != zr[c]
        j += 1


def _col_exp_fixed_sum(z2, out2, r0, n, c0, c1, m, total):
    """Column version of :func:`_exp_fixed_sum`: ``out2 <- exp(z2 - m) 2^S`` on the block,
    ``total[c]`` the exact fixed-point sum of column c; returns ``2^-S``."""
    raise NotImplementedError("only inside Numba code")  # pragma: no cover


@overload(_col_exp_fixed_sum, jit_options={"cache": True, "fastmath": set(CONTRACT)})
def _col_exp_fixed_sum_impl(z2, out2, r0, n, c0, c1, m, total):
    if z2.dtype == types.float32:

        def impl32(z2, out2, r0, n, c0, c1, m, total):
            w = c1 - c0
            acc = np.zeros(w, np.uint64)
            total[:] = 0.0
            for j0 in range(0, n, _FIX_SEG):
                j1 = min(n, j0 + _FIX_SEG)
                acc[:] = 0
                for j in range(j0, j1):
                    zr = z2[r0 + j, c0:c1]
                    orow = out2[r0 + j, c0:c1]
                    for c in range(zr.shape[0]):  # two simple loops vectorise; one does not
                        orow[c] = exp32_scaled(zr[c] - m[c])
                    for c in range(orow.shape[0]):
                        acc[c] += _fix32_bits(orow[c])
                for c in range(w):
                    total[c] += _fix32_total(acc[c], j1 - j0)
            return _UNSCALE32

        return impl32

    def impl64(z2, out2, r0, n, c0, c1, m, total):
        w = c1 - c0
        hi = np.zeros(w, np.uint64)
        lo = np.zeros(w, np.uint64)
        total[:] = 0.0
        for j0 in range(0, n, _FIX_SEG):
            j1 = min(n, j0 + _FIX_SEG)
            hi[:] = 0
            lo[:] = 0
            for j in range(j0, j1):
                zr = z2[r0 + j, c0:c1]
                orow = out2[r0 + j, c0:c1]
                for c in range(zr.shape[0]):
                    orow[c] = exp64_scaled(zr[c] - m[c])
                for c in range(orow.shape[0]):
                    h, low = _fix64_bits(orow[c])
                    hi[c] += h
                    lo[c] += low
            for c in range(w):
                total[c] += _fix64_total(hi[c], lo[c], j1 - j0)
        return _UNSCALE64

    return impl64


def _col_scale(out2, r0, n, c0, c1, inv):
    """Column version of :func:`_scale_row`: column c of the block times ``inv[c]``."""
    raise NotImplementedError("only inside Numba code")  # pragma: no cover


@overload(_col_scale, jit_options={"cache": True})
def _col_scale_impl(out2, r0, n, c0, c1, inv):
    if out2.dtype == types.float32:

        def impl32(out2, r0, n, c0, c1, inv):
            w = c1 - c0
            hi = np.empty(w, np.float32)
            lo = np.empty(w, np.float32)
            for c in range(w):
                hi[c] = np.float32(inv[c])
                lo[c] = np.float32(inv[c] - np.float64(hi[c]))
            for j in range(n):
                orow = out2[r0 + j, c0:c1]
                for c in range(orow.shape[0]):
                    e = orow[c]
                    orow[c] = _fma32(e, hi[c], e * lo[c])

        return impl32

    def impl64(out2, r0, n, c0, c1, inv):
        for j in range(n):
            orow = out2[r0 + j, c0:c1]
            for c in range(orow.shape[0]):
                orow[c] = orow[c] * inv[c]

    return impl64


@jit
def _softmax_cols_task(t, z2, out2, n, flags):
    """Task t of :func:`softmax_cols_out`: one a and one block of columns. Returns the OR of
    the columns' flags (the block is left unfinished when it is not 0)."""
    nc = z2.shape[1]
    blocks = (nc + _COL_BLOCK - 1) // _COL_BLOCK
    a = t // blocks
    c0 = (t - a * blocks) * _COL_BLOCK
    c1 = min(nc, c0 + _COL_BLOCK)
    w = c1 - c0
    r0 = a * n
    m = np.empty(w, z2.dtype)
    bad = np.empty(w, np.bool_)
    _col_scan(z2, r0, n, c0, c1, m, bad)
    every = 0
    for c in range(w):
        if bad[c] or m[c] == np.inf:
            f = FLAG_BAD
        elif not (m[c] > -np.inf):
            f = FLAG_DEAD
        else:
            f = 0
        flags[a * nc + c0 + c] = f
        every |= f
    if every:
        return every
    total = np.empty(w)
    unscale = _col_exp_fixed_sum(z2, out2, r0, n, c0, c1, m, total)
    for c in range(w):
        total[c] = unscale / total[c]
    _col_scale(out2, r0, n, c0, c1, total)
    return 0


@jit
def _cols_tasks(z2, n):
    return (z2.shape[0] // n) * ((z2.shape[1] + _COL_BLOCK - 1) // _COL_BLOCK)


@pjit
def softmax_cols_out(z2, out2, n, flags):
    """Softmax along the middle axis of z seen as (A, n, C), given as ``z2`` (A n, C),
    C-contiguous; ``out2`` like ``z2``; ``flags`` (A C,) int64 gets FLAG_BAD / FLAG_DEAD per
    column (a, c) of a refused slice (then the output of its block is left unfinished).
    Tasks in parallel; returns the OR of all flags."""
    nt = _cols_tasks(z2, n)
    res = np.zeros(nt, np.int64)
    for t in prange(nt):
        res[t] = _softmax_cols_task(t, z2, out2, n, flags)
    return _or_flags(res)


@jit
def softmax_cols_out_serial(z2, out2, n, flags):
    """Serial twin of :func:`softmax_cols_out` (same numbers, same return value)."""
    nt = _cols_tasks(z2, n)
    res = np.zeros(nt, np.int64)
    for t in range(nt):
        res[t] = _softmax_cols_task(t, z2, out2, n, flags)
    return _or_flags(res)


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
