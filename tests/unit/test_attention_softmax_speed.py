"""Issue 18: the fast softmax row kernel (integer maximum, exact fixed-point row sums).

The kernel behind :func:`memsim.attention.softmax` for float32/float64 arrays finds each row's
maximum on integer keys of the float bits and sums the exponentials in fixed point (integers).
These tests compare its numbers with plain numpy and ``math.fsum`` references, check that the
serial and the parallel kernels (and any thread count) give bit-identical rows, and that rows
with NaN, +inf or only -inf are refused as before. No test here measures time.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import memsim.attention as A
from memsim.attention import _kernels as K
from memsim.attention import normalisers
from memsim.attention._exp import exp32_scaled, exp64_scaled
from memsim.errors import MemsimError

EPS32 = float(np.finfo(np.float32).eps)
EPS64 = float(np.finfo(np.float64).eps)
LENGTHS = [1, 7, 8, 15, 17, 1023, 1025, 4097]  # 4097: more than one fixed-point segment


@numba.njit(cache=False)
def _scan_row(row):
    return K._scan_row(row)


@numba.njit(cache=False)
def _exp_fixed_sum(z, out, m):
    return K._exp_fixed_sum(z, out, m)


def _softmax64(z):
    """Plain numpy softmax of each row in float64 (the reference)."""
    z = np.asarray(z, np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _rows(n, dtype, seed=0, n_rows=6):
    """Scores with a wide spread (some weights underflow), some -inf and one all-but-one -inf
    row."""
    rng = np.random.default_rng(seed + n)
    z = rng.standard_normal((n_rows, n)) * np.array([[0.1], [3.0], [30.0], [3.0], [3.0], [1.0]])
    z[3, rng.random(n) < 0.3] = -np.inf
    z[3, rng.integers(n)] = 1.5  # at least one finite entry
    z[4, :] = -np.inf
    z[4, n // 2] = -2.0
    z[5] += 1e4  # large scores: only the differences matter
    return z.astype(dtype)


def _both_kernels(z):
    outs, flags = [], []
    for kern in (K.softmax_rows_out_serial, K.softmax_rows_out):
        out = np.full_like(z, 7.0)
        fl = np.full(z.shape[0], -1, np.int64)
        every = kern(z, out, fl)
        assert every == np.bitwise_or.reduce(fl)  # the OR of the row flags
        outs.append(out)
        flags.append(fl)
    return outs, flags


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_serial_and_parallel_bit_identical(n, dtype):
    z = _rows(n, dtype)
    (serial, parallel), (fs, fp) = _both_kernels(z)
    np.testing.assert_array_equal(fs, 0)
    np.testing.assert_array_equal(fp, 0)
    np.testing.assert_array_equal(serial, parallel)
    assert serial.dtype == dtype
    # and for any thread count, through the public function
    before = numba.get_num_threads()
    saved = normalisers.SOFTMAX_PARALLEL_MIN_ENTRIES
    try:
        normalisers.SOFTMAX_PARALLEL_MIN_ENTRIES = 1
        for threads in range(1, numba.config.NUMBA_NUM_THREADS + 1):
            numba.set_num_threads(threads)
            np.testing.assert_array_equal(A.softmax(z), serial)
        normalisers.SOFTMAX_PARALLEL_MIN_ENTRIES = None
        np.testing.assert_array_equal(A.softmax(z), serial)
    finally:
        numba.set_num_threads(before)
        normalisers.SOFTMAX_PARALLEL_MIN_ENTRIES = saved


@pytest.mark.parametrize("n", LENGTHS)
def test_float32_matches_float64_reference_to_float32_rounding(n):
    z = _rows(n, np.float32)
    got = A.softmax(z)
    assert got.dtype == np.float32
    want = _softmax64(z)  # the same float32 numbers, computed in float64
    m = z.max(axis=1, keepdims=True).astype(np.float64)
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isinf(z), 0.0, np.abs(z - m))
    # a few ulp (exp, the scaling, the float32 result) plus the rounding of z - max in float32
    rtol = EPS32 * (4.0 + gap)
    atol = 4.0 * float(np.finfo(np.float32).smallest_subnormal)  # subnormal weights
    err = np.abs(got.astype(np.float64) - want)
    assert np.all(err <= rtol * want + atol), float(np.max(err / (rtol * want + atol)))
    np.testing.assert_array_equal(got[np.isneginf(z)], 0.0)
    # each row sums to 1 up to float32 rounding of its n weights
    np.testing.assert_allclose(got.astype(np.float64).sum(axis=1), 1.0, rtol=n * EPS32)


@pytest.mark.parametrize("n", LENGTHS)
def test_float64_matches_reference_to_rounding(n):
    z = _rows(n, np.float64)
    got = A.softmax(z)
    want = _softmax64(z)
    gap = np.where(np.isinf(z), 0.0, np.abs(z - z.max(axis=1, keepdims=True)))
    rtol = EPS64 * (8.0 + gap)
    err = np.abs(got - want)
    assert np.all(err <= rtol * want + 1e-300), float(np.max(err / (rtol * want + 1e-300)))


@pytest.mark.parametrize("n", [1, 7, 17, 1025, 3 * 4096 + 5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fixed_point_sum_is_exact_to_its_unit(n, dtype):
    rng = np.random.default_rng(n)
    z = (rng.standard_normal(n) * 20.0).astype(dtype)
    z[::5] = -np.inf
    z[n // 2] = 4.0
    m = z.max()
    out = np.empty_like(z)
    total, unscale = _exp_fixed_sum(z, out, m)  # out = exp(z - m) 2^S
    assert unscale == 2.0 ** -(64 if dtype == np.float32 else 512)
    exact = math.fsum(out.astype(np.float64) * unscale)  # the sum of what was written
    # float32 terms: each rounded to a multiple of 2^-50; float64: residuals too (2^-100)
    tol = n * 2.0**-51 if dtype == np.float32 else 2 * EPS64 * exact
    assert abs(total - exact) <= tol
    # -inf: a tiny scaled value that is 0 once unscaled, in the row's precision
    np.testing.assert_array_equal((out[np.isneginf(z)] * unscale).astype(dtype), 0.0)
    # all entries at the maximum: every term is 1 (the largest integer sums)
    ones = np.full(n, 2.5, dtype)
    assert _exp_fixed_sum(ones, np.empty_like(ones), dtype(2.5))[0] == float(n)


def _nan(dtype, negative):
    """A NaN with the sign bit set or clear (both must be found)."""
    bits = {np.float32: (np.uint32, 0x7FC00001), np.float64: (np.uint64, 0x7FF8000000000001)}
    ut, b = bits[dtype]
    v = np.array([b], ut).view(dtype)
    return -v[0] if negative else v[0]


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_refused_rows_are_flagged(n, dtype):
    z = _rows(n, dtype, n_rows=6)
    j = n // 3
    bad = z.copy()
    bad[0, j] = _nan(dtype, negative=False)
    bad[1, j] = _nan(dtype, negative=True)
    bad[2, j] = np.inf
    bad[3, :] = -np.inf  # every key masked
    bad[4, :] = -np.inf
    bad[4, j] = _nan(dtype, negative=True)  # NaN among -inf
    (_, _), (fs, fp) = _both_kernels(bad)
    np.testing.assert_array_equal(fs, fp)
    assert list(fs) == [K.FLAG_BAD, K.FLAG_BAD, K.FLAG_BAD, K.FLAG_DEAD, K.FLAG_BAD, 0]
    for r, match in [(0, "NaN"), (1, "NaN"), (2, r"\+inf"), (3, r"z\[3, :\].*all keys masked")]:
        one = z.copy()
        one[r] = bad[r]
        with pytest.raises(MemsimError, match=match):
            A.softmax(one)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([np.float32, np.float64]),
    st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=0, max_size=40),
)
def test_row_max_skips_nan_like_the_scalar_loop(dtype, values):
    row = np.array(values, dtype)
    finite = row[~np.isnan(row)]
    want = float(finite.max()) if finite.size else -np.inf
    got = K._row_max(row)
    assert got == want and isinstance(got, float)
    m, has_nan = _scan_row(row)
    assert has_nan == bool(np.isnan(row).any())
    if not has_nan:
        assert m == want


def test_row_max_signed_zero_and_subnormals():
    tiny = float(np.finfo(np.float32).smallest_subnormal)
    for dtype in (np.float32, np.float64):
        assert K._row_max(np.array([-0.0, -1.0], dtype)) == 0.0
        assert K._row_max(np.array([-tiny, -0.0, -np.inf], dtype)) == 0.0
        assert K._row_max(np.array([-np.inf, tiny, 0.0], dtype)) == np.float64(dtype(tiny))
        assert K._row_max(np.array([-np.inf, -np.inf], dtype)) == -np.inf
        assert K._row_max(np.array([1.0, np.inf], dtype)) == np.inf


@numba.njit(cache=False)
def _scaled_exps32(x, out):
    for j in range(x.shape[0]):
        out[j] = exp32_scaled(x[j])


@numba.njit(cache=False)
def _scaled_exps64(x, out):
    for j in range(x.shape[0]):
        out[j] = exp64_scaled(x[j])


def _scaled_exps(x, out):
    (_scaled_exps32 if x.dtype == np.float32 else _scaled_exps64)(x, out)


@pytest.mark.parametrize(
    ("dtype", "power", "lo", "rtol"),
    [(np.float32, 64, -103.0, 4 * EPS32), (np.float64, 512, -744.0, 4 * EPS64)],
)
def test_scaled_exponentials_are_accurate_also_where_exp_is_subnormal(dtype, power, lo, rtol):
    x = np.concatenate([np.linspace(lo, 0.0, 20001), [-0.0, -1e-30, -5e-8]]).astype(dtype)
    got = np.empty_like(x)
    _scaled_exps(x, got)
    want = np.exp(x.astype(np.longdouble)) * np.longdouble(2.0) ** power
    np.testing.assert_allclose(got.astype(np.longdouble), want, rtol=rtol, atol=0)
    # arguments whose exp is 0 (and -inf) give 0 once unscaled, whatever the row sum >= 1
    far = np.array([-np.inf, -1e30, 2.0 * lo, -800.0 if dtype == np.float64 else -120.0], dtype)
    tiny = np.empty_like(far)
    _scaled_exps(far, tiny)
    assert np.all(tiny > 0)
    np.testing.assert_array_equal((tiny.astype(np.float64) * 2.0**-power).astype(dtype), 0.0)
    nan = np.array([np.nan], dtype)
    _scaled_exps(nan, nan)
    assert np.isnan(nan[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_subnormal_weights_rounded_once(dtype):
    # weights exp(-d) / (1 + ...) far in the subnormal range of the dtype
    d = np.arange(88.0, 104.0, 0.37) if dtype == np.float32 else np.arange(709.0, 745.0, 0.9)
    z = np.concatenate([[0.0, 0.0, 0.5], -d]).astype(dtype)  # row sum about 3.6
    got = A.softmax(z[None, :])[0]
    want = _softmax64(z[None, :])[0] if dtype == np.float32 else None
    if dtype == np.float32:
        step = float(np.finfo(np.float32).smallest_subnormal)
        np.testing.assert_allclose(got, want.astype(np.float32), rtol=0, atol=step)
    else:  # float64 reference in long double (the float64 exp is subnormal itself)
        e = np.exp(z.astype(np.longdouble))
        ref64 = (e / e.sum()).astype(np.float64)
        step = float(np.finfo(np.float64).smallest_subnormal)
        np.testing.assert_allclose(got, ref64, rtol=0, atol=step)
    assert got[3:].max() < float(np.finfo(dtype).tiny) and np.count_nonzero(got[3:]) > 5


@numba.njit(cache=False)
def _scale_row(x, inv):
    K._scale_row(x, inv)


def test_float32_scaling_is_the_rounded_float64_product():
    rng = np.random.default_rng(5)
    x = (rng.random(200_000) * 2.0 ** rng.integers(-40, 64, 200_000)).astype(np.float32)
    for inv in (1.0 / 3.0, 2.0**-64 / 7.123456789, 2.0**-64 / 1e6, 0.1):
        want = (x.astype(np.float64) * inv).astype(np.float32)  # one product, one rounding
        got = x.copy()
        _scale_row(got, inv)
        # fma(x, hi, x lo) with inv = hi + lo: correctly rounded except within ~2^-47 of a
        # rounding boundary, or below 2^-100 where x lo is subnormal; never more than one unit
        # in the last place off
        diff = np.abs(got.view(np.int32).astype(np.int64) - want.view(np.int32).astype(np.int64))
        assert diff.max() <= 1
        assert np.count_nonzero(diff[want >= 2.0**-100]) <= 2
    y = np.array([1.0, 3.0], np.float64)
    _scale_row(y, 0.1)
    np.testing.assert_array_equal(y, [0.1, 3.0 * 0.1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("shape", "axis"),
    [
        ((1000, 300), 0),  # columns
        ((5, 37, 9), 1),
        ((17, 2, 1025), 0),  # two column blocks
        ((3, 4, 5), 1),  # small: columns
        ((200, 4), 0),  # few columns: moved to rows
        ((5, 99, 1, 1), 1),  # only size-1 axes after it: rows as they lie
    ],
)
def test_middle_axis_same_numbers_as_rows(dtype, shape, axis):
    # the column kernel (no transposed copy) against the row kernel on the moved axis
    rng = np.random.default_rng(7)
    z = (rng.standard_normal(shape) * 5.0).astype(dtype)
    z[z < -4.0] = -np.inf
    first = [slice(None)] * len(shape)
    first[axis] = 0
    z[tuple(first)] = 1.0  # every slice has a finite entry
    got = A.softmax(z, axis=axis)
    rows = np.ascontiguousarray(np.moveaxis(z, axis, -1))
    want = np.moveaxis(A.softmax(rows, axis=-1), -1, axis)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == dtype
    saved = normalisers.SOFTMAX_PARALLEL_MIN_ENTRIES
    try:
        normalisers.SOFTMAX_PARALLEL_MIN_ENTRIES = 1
        np.testing.assert_array_equal(A.softmax(z, axis=axis), got)
    finally:
        normalisers.SOFTMAX_PARALLEL_MIN_ENTRIES = saved
    want64 = np.moveaxis(_softmax64(rows), -1, axis)
    np.testing.assert_allclose(got, want64, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-30)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_middle_axis_refused_slices_raise_as_before(dtype):
    z = np.random.default_rng(8).standard_normal((6, 40)).astype(dtype)
    for bad, match in [(np.nan, "NaN"), (np.inf, r"\+inf")]:
        y = z.copy()
        y[2, 33] = bad
        with pytest.raises(MemsimError, match=match):
            A.softmax(y, axis=0)
    y = z.copy()
    y[:, 33] = -np.inf
    with pytest.raises(MemsimError, match=r"z\[:, 33\].*all keys masked"):
        A.softmax(y, axis=0)
    y[:, 33] = 0.0
    y[:, 35] = _nan(dtype, negative=True)
    z2 = np.ascontiguousarray(y)
    flags = np.empty(40, np.int64)
    every = K.softmax_cols_out_serial(z2, np.empty_like(z2), 6, flags)
    assert every == K.FLAG_BAD and flags[35] == K.FLAG_BAD and flags[34] == 0
