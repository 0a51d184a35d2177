"""The vectorised exponential of the attention kernels (memsim/attention/_exp.py) against np.exp.

Reference: numpy's exp evaluated in float64 (for float32 inputs: the float64 exp of the float32
number, rounded once to float32, i.e. the correctly rounded result up to float64's own error).
Normal results within 2 ulp, subnormal results within one subnormal step, exact 0, inf and NaN
where the reference has them.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memsim._jit import CONTRACT, jit
from memsim.attention import _kernels
from memsim.attention._exp import exp32, exp64


@jit(fastmath=CONTRACT)
def _map64(x, out):
    for j in range(x.shape[0]):
        out[j] = exp64(x[j])


@jit(fastmath=CONTRACT)
def _map32(x, out):
    for j in range(x.shape[0]):
        out[j] = exp32(x[j])


def _exp(x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    (_map32 if x.dtype == np.float32 else _map64)(x, out)
    return out


def _reference(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.exp(x.astype(np.float64)).astype(x.dtype)


def _check(x: np.ndarray) -> None:
    got, want = _exp(x), _reference(x)
    assert got.dtype == x.dtype
    fi = np.finfo(x.dtype)
    nan = np.isnan(want)
    np.testing.assert_array_equal(np.isnan(got), nan)
    special = ~nan & ((want == 0) | np.isinf(want))
    np.testing.assert_array_equal(got[special], want[special])
    normal = ~nan & ~special & (want >= fi.tiny)
    ulp = np.abs(got[normal].astype(np.float64) - want[normal]) / np.spacing(want[normal])
    assert ulp.size == 0 or ulp.max() <= 2.0, ulp.max()
    sub = ~nan & ~special & ~normal
    step = float(fi.smallest_subnormal)
    diff = np.abs(got[sub].astype(np.float64) - want[sub].astype(np.float64))
    assert diff.size == 0 or diff.max() <= step * 1.0001


@pytest.mark.parametrize(
    ("dtype", "lo", "hi"), [(np.float64, -760.0, 720.0), (np.float32, -110, 95)]
)
def test_dense_grid_and_edges(dtype, lo, hi):
    rng = np.random.default_rng(0)
    fi = np.finfo(dtype)
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, fi.max, -fi.max, fi.tiny, -fi.tiny]
    edges += [np.log(fi.tiny), np.log(fi.max), np.log(float(fi.smallest_subnormal))]
    x = np.concatenate(
        [
            rng.uniform(lo, hi, 200_000),
            -np.geomspace(1e-30, -lo, 20_000),
            np.geomspace(1e-30, hi, 20_000),
            np.array(edges) * np.array([1.0]),
            np.nextafter(np.array(edges[-3:]), 0),
            np.nextafter(np.array(edges[-3:]), -np.inf),
        ]
    ).astype(dtype)
    _check(x)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=64))
def test_any_float64(values):
    _check(np.array(values, dtype=np.float64))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(width=32, allow_nan=True, allow_infinity=True), min_size=1, max_size=64))
def test_any_float32(values):
    _check(np.array(values, dtype=np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_kernel_shifts_sums_and_keeps_nan(dtype):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(3001) * 30).astype(dtype)  # several segments and a tail
    x[7] = -np.inf
    m = x.max()
    row = x.copy()
    total = _kernels.exp_shift_sum(row, m)
    # the shift x - m is rounded in x's precision (as documented for softmax), then exp
    want = np.exp((x - m).astype(np.float64))
    assert row.dtype == dtype and row[7] == 0.0
    tol = 4e-7 if dtype == np.float32 else 4e-16
    tiny = 2.0 * float(np.finfo(dtype).smallest_subnormal)  # subnormal results: one step
    np.testing.assert_allclose(row, want.astype(dtype), rtol=tol, atol=tiny)
    np.testing.assert_allclose(total, want.sum(), rtol=tol)
    x[100] = np.nan
    assert np.isnan(_kernels.exp_shift_sum(x.copy(), m))


def test_exp_loop_is_vectorised():
    """The loop compiles to SIMD code (packed double arithmetic), not to a call per element.
    Compiled here without the disk cache, so that its assembly can be inspected."""

    @numba.njit(fastmath={"contract"}, cache=False)
    def loop(x, out):
        for j in range(x.shape[0]):
            out[j] = exp64(x[j])

    x = np.linspace(-5.0, 0.0, 64)
    out = np.empty_like(x)
    loop(x, out)
    np.testing.assert_allclose(out, np.exp(x), rtol=4e-16)
    asm = loop.inspect_asm(loop.signatures[0])
    packed = ("vfmadd213pd", "vfmadd231pd", "vfmadd132pd", "vmulpd", "mulpd")
    assert any(op in asm for op in packed), "no packed double arithmetic in the exp loop"
    calls = [line for line in asm.splitlines() if "call" in line and "exp" in line]
    assert not calls, calls
