"""Exactness of the fast classical Hopfield recall paths (issue 18).

The initial overlaps and fields come from tiled float kernels (float32 while N P < 2**24),
asynchronous low-rank recall skips checks whose outcome a bound decides, and synchronous recall
updates the overlaps incrementally. None of this may change a number: every test compares with
integer (int64) numpy arithmetic written here or in ``tests/reference.py``, or with the dense
scheme, which uses none of these shortcuts.
"""

from __future__ import annotations

import numpy as np
import pytest
import reference as ref
from hopfield_data import noisy, rand_patterns

from memsim import _threads
from memsim.hopfield import classical as C
from memsim.hopfield import recall, store


def int_overlaps_fields(xi, s):
    """M = S Xi^T and H = M Xi - P S in int64 (the exact integers)."""
    m = s.astype(np.int64) @ xi.T.astype(np.int64)
    h = m @ xi.astype(np.int64) - xi.shape[0] * s.astype(np.int64)
    return m, h


def assert_same_result(a, b):
    for name in ("states", "sweeps", "stop", "energy", "flips"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    if a.overlap is None or b.overlap is None:
        assert a.overlap is None and b.overlap is None
    else:
        np.testing.assert_array_equal(a.overlap, b.overlap)


# ------------------------------------------------------------ initial overlaps and fields ---
@pytest.mark.parametrize(
    "n, p, b",
    [
        (37, 5, 3),  # P not a multiple of the 4-pattern tile, odd batch
        (4096, 1023, 5),  # float32 copy of the patterns (4 MB), N P = 2**22 - 2**12
        (262_143, 64, 3),  # N P = 2**24 - 64: the last float32 size, int8 patterns
        (262_145, 64, 2),  # N P = 2**24 + 64: float64
    ],
)
def test_initial_fields_equal_integer_products_at_the_worst_case(n, p, b):
    """Nearly equal patterns and states equal to them make every overlap about N and every
    field about N P: the largest partial sums the exactness bound allows."""
    rng = np.random.default_rng(n + p)
    base = rand_patterns(rng, 1, n)
    xi = np.repeat(base, p, axis=0)
    for mu in range(1, p):
        xi[mu, rng.integers(0, n, size=3)] *= -1
    s = np.repeat(base, b, axis=0)
    s[1:, : n // 7] *= -1  # one cue exactly a pattern, the others farther off
    M, H = store(xi)._overlaps_and_fields(s)
    assert H.dtype == (np.float32 if n * p < 2**24 else np.float64)
    m_ref, h_ref = int_overlaps_fields(xi, s)
    assert np.abs(h_ref).max() > 0.75 * n * p  # the bound is really approached
    np.testing.assert_array_equal(M.astype(np.int64), m_ref)
    np.testing.assert_array_equal(H.astype(np.int64), h_ref)
    # the field half alone, as synchronous recall uses it
    H2 = store(xi)._fields_from_overlaps(s, M)
    np.testing.assert_array_equal(H2.astype(np.int64), h_ref)


def test_fields_of_random_states_equal_integer_products():
    rng = np.random.default_rng(1)
    xi = rand_patterns(rng, 13, 301)
    s = rand_patterns(rng, 7, 301)
    M, H = store(xi)._overlaps_and_fields(s)
    m_ref, h_ref = int_overlaps_fields(xi, s)
    np.testing.assert_array_equal(M, m_ref)
    np.testing.assert_array_equal(H, h_ref)


# ---------------------------------------------------- asynchronous recall: skipped checks ---
def _ref_async(xi, cue, order, theta, max_sweeps=50):
    n = xi.shape[1]
    J = ref.hebbian_integer(xi).astype(np.int64)
    orders = (lambda sweep: range(n)) if order is None else order
    return ref.async_recall(J, cue, orders, max_sweeps, theta=theta, scale=n)


@pytest.mark.parametrize("with_theta", [False, True])
def test_low_rank_fixed_order_equals_plain_reference(with_theta):
    """Many flips and several sweeps: the refresh and the skipped checks are exercised; the
    thresholds (not multiples of 1/N) take the exact, non-zero-threshold branch of the bound."""
    rng = np.random.default_rng(2)
    n, p = 160, 12
    xi = rand_patterns(rng, p, n)
    cues = noisy(rng, xi[:4], 0.3)
    theta = rng.normal(0, 0.05, size=n) if with_theta else None
    w = store(xi)
    r = recall(w, cues, "async", "fixed", 50, theta=theta, fields="low_rank")
    assert r.extra["fields"] == "low_rank"
    assert r.sweeps.max() >= 3
    for b in range(len(cues)):
        s, sweeps, stop, energies, ovs = _ref_async(xi, cues[b], None, theta)
        np.testing.assert_array_equal(r.states[b], s)
        assert r.sweeps[b] == sweeps
        assert r.stop[b] == stop
        np.testing.assert_allclose(r.energy[b, : sweeps + 1], energies, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("order", ["fixed", "random"])
@pytest.mark.parametrize("with_theta", [False, True])
def test_low_rank_equals_dense_bit_for_bit(order, with_theta):
    """The dense scheme checks every neuron every sweep: the same bits, energies included."""
    rng = np.random.default_rng(3)
    n, p = 300, 30
    xi = rand_patterns(rng, p, n)
    cues = noisy(rng, xi[rng.integers(0, p, size=9)], 0.25)
    theta = rng.normal(0, 0.02, size=n) if with_theta else None
    kw = dict(order=order, seed=5, theta=theta, warn=False)
    low = recall(store(xi), cues, "async", fields="low_rank", **kw)
    dense = recall(store(xi), cues, "async", fields="dense", **kw)
    assert (low.extra["fields"], dense.extra["fields"]) == ("low_rank", "dense")
    assert_same_result(low, dense)


def test_low_rank_with_clamp_equals_dense():
    rng = np.random.default_rng(4)
    n, p = 200, 16
    xi = rand_patterns(rng, p, n)
    cues = noisy(rng, xi[:5], 0.3)
    clamp = np.zeros(n, bool)
    clamp[: n // 3] = True
    kw = dict(order="random", seed=2, clamp=clamp, warn=False)
    assert_same_result(
        recall(store(xi), cues, "async", fields="low_rank", **kw),
        recall(store(xi), cues, "async", fields="dense", **kw),
    )


def test_stable_until_is_a_valid_and_tight_bound():
    """The bound must never claim stability the exact test would deny, and stops at most one
    step short of the largest valid k."""
    rng = np.random.default_rng(6)
    step = 2.0 * 37
    inv = (1.0 - 2.0**-40) / step
    for _ in range(3000):
        hi = float(rng.integers(-3000, 3000))
        old = int(rng.choice([-1, 1]))
        th = 0.0 if rng.random() < 0.5 else float(rng.normal(0, 40))
        until = C.K._stable_until(hi, old, th, step, inv, 10)
        if old * (hi - th) < 0:
            assert until == -1
            continue
        k = until - 10
        assert k >= 0
        assert old * ((hi - old * step * k) - th) >= 0  # valid
        assert old * ((hi - old * step * (k + 2)) - th) < 0  # near the largest


# --------------------------------------------------------------- thread count, sync ---------
@pytest.mark.parametrize("dynamics", ["async", "sync"])
def test_parallel_and_serial_kernels_agree(monkeypatch, dynamics):
    rng = np.random.default_rng(7)
    xi = rand_patterns(rng, 20, 250)
    cues = noisy(rng, xi[rng.integers(0, 20, size=7)], 0.2)
    serial = recall(store(xi), cues, dynamics, seed=3, threads=1, warn=False)
    monkeypatch.setattr(_threads, "MIN_NS", 0.0)
    # one cue per chunk, so both threads take chunks (async recall and initial fields)
    sizes = []
    monkeypatch.setattr(
        _threads, "chunk_size", lambda *a, multiple=1, **k: sizes.append(a[0]) or multiple
    )
    parallel = recall(store(xi), cues, dynamics, seed=3, threads=2, warn=False)
    assert_same_result(serial, parallel)
    if dynamics == "async":
        assert sizes  # the chunked path ran


def test_sync_with_incremental_overlaps_equals_integer_couplings():
    """Synchronous recall keeps the overlaps and updates them by the changed neurons; a weight
    object without the low-rank form computes each step's fields as J s from the integer
    couplings. Both must give the same states, steps, stops and energies."""
    rng = np.random.default_rng(8)
    n, p = 240, 30
    xi = rand_patterns(rng, p, n)
    cues = noisy(rng, xi[rng.integers(0, p, size=11)], 0.3)
    w = store(xi)
    plain = C.Weights(integer=ref.hebbian_integer(xi).astype(np.int16), scale=n, rule="test")
    assert w._low_rank() and not plain._has_low_rank()
    a = recall(w, cues, "sync", max_sweeps=30, targets=False, warn=False)
    b = recall(plain, cues, "sync", max_sweeps=30, targets=False, warn=False)
    assert_same_result(a, b)
    assert a.sweeps.max() >= 3
    J = ref.hebbian_integer(xi).astype(np.int64)
    for k in range(len(cues)):
        s, steps, stop, _ = ref.sync_recall(J, cues[k], 30, scale=n)
        np.testing.assert_array_equal(a.states[k], s)
        assert (a.sweeps[k], a.stop[k]) == (steps, stop)


@pytest.mark.parametrize("force", ["int8_patterns", "float64"])
@pytest.mark.parametrize(
    "dynamics, order", [("async", "fixed"), ("async", "random"), ("sync", None)]
)
def test_int8_and_float64_paths_equal_float32_path(monkeypatch, force, dynamics, order):
    """Large pattern sets keep no float copy (int8 rows, converted in the loops) and N P >= 2**24
    computes in float64; both paths are forced here on a small network and must give the bits
    of the default float32 path."""
    rng = np.random.default_rng(9)
    n, p = 210, 21
    xi = rand_patterns(rng, p, n)
    cues = noisy(rng, xi[rng.integers(0, p, size=6)], 0.25)
    kw = dict(max_sweeps=40, seed=4, warn=False)
    if order is not None:
        kw["order"] = order
    default = recall(store(xi), cues, dynamics, **kw)
    if force == "int8_patterns":
        monkeypatch.setattr(C, "_FLOAT_PATTERNS_MAX_BYTES", 0)
    else:
        monkeypatch.setattr(C, "_F32_EXACT", 2**10)
    w = store(xi)
    forced = recall(w, cues, dynamics, **kw)
    assert_same_result(default, forced)
    M, H = w._overlaps_and_fields(cues)
    assert H.dtype == (np.float64 if force == "float64" else np.float32)
