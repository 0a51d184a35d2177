"""Issue 18: precision and determinism of the blocked softmax read-out and the softmax kernel.

float32 inputs stay float32 (results float32); the error against the float64 computation on the
same numbers is bounded by a tolerance derived from float32 epsilon and the problem size. Results
do not depend on the Numba thread count. No test here measures time.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

import memsim.attention as A
from memsim.attention import normalisers, readouts
from memsim.errors import MemsimError

EPS32 = float(np.finfo(np.float32).eps)


def _data(b, k, d, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((b, d)) / np.sqrt(d) * 2.0
    keys = rng.standard_normal((k, d))
    v = rng.standard_normal((k, 8))
    return q.astype(dtype), keys.astype(dtype), v.astype(dtype)


def _reference(q, k, v):
    s = q.astype(np.float64) @ k.astype(np.float64).T
    s -= s.max(axis=1, keepdims=True)
    e = np.exp(s)
    return (e @ v.astype(np.float64)) / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(("b", "k", "d"), [(1, 3000, 64), (37, 1000, 16), (300, 5000, 64)])
def test_float32_stays_float32_with_bounded_error(b, k, d):
    q, keys, v = _data(b, k, d, dtype=np.float32)
    got = A.attend(q, keys, v)
    assert got.dtype == np.float32
    want = _reference(q, keys, v)
    s = np.abs(q.astype(np.float64) @ keys.astype(np.float64).T)
    # float32 scores: |error| <= ~d eps32 |q||k| (worst case; typical sqrt(d)); the exponential
    # turns it into a relative weight error, plus a few ulp for exp, the sums and the products
    bound = EPS32 * (8.0 + 2.0 * np.sqrt(d) * s.max()) * np.abs(v).max()
    err = np.abs(got - want).max()
    assert err <= bound, (err, bound)
    # and it is really float32 arithmetic (not float64 rounded at the end)
    assert err > 0.0


def test_float64_matches_reference_to_rounding():
    q, keys, v = _data(50, 2000, 32)
    got = A.attend(q, keys, v, "scaled_dot", beta=3.0)
    s = 3.0 * (q @ keys.T) / np.sqrt(32)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    want = (e @ v) / e.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    assert got.dtype == np.float64


def test_mixed_precision_is_float64():
    q, keys, v = _data(5, 100, 8, dtype=np.float32)
    assert A.attend(q, keys, v.astype(np.float64)).dtype == np.float64
    assert A.attend(q, keys.astype(np.float64), v).dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bit_identical_for_any_thread_count(monkeypatch, dtype):
    q, keys, v = _data(200, 3000, 16, dtype=dtype)
    mask = np.random.default_rng(1).random((200, 3000)) < 0.9
    monkeypatch.setattr(readouts, "PARALLEL_MIN_ENTRIES", 1)  # force the parallel kernels
    monkeypatch.setattr(readouts, "PARALLEL_MIN_NS", 1)
    monkeypatch.setattr(normalisers, "SOFTMAX_PARALLEL_MIN_ENTRIES", 1)
    before = numba.get_num_threads()
    try:
        outs = []
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            outs.append(
                (A.attend(q, keys, v), A.attend(q, keys, v, mask=mask), A.softmax(q @ keys.T))
            )
        for a, b in zip(*outs, strict=True):
            np.testing.assert_array_equal(a, b)
    finally:
        numba.set_num_threads(before)
    # the tasks shared between threads give the same numbers as the serial kernel for the same
    # tiles, with BLAS held to one thread (large tiles) and without (small tiles)
    from memsim import _blas, _threads
    from memsim.attention import _kernels as K

    qc = np.ascontiguousarray(q)
    nb, nk, d, dv = q.shape[0], keys.shape[0], q.shape[1], v.shape[1]
    for tiles in (readouts.tile_sizes(nb, nk, d, dv), readouts.held_tile_sizes(nb, nk, d, dv)):
        bq, bk, ck = tiles
        serial = np.empty((nb, dv), dtype)
        with _blas.one_thread():  # as attend does for its large tiles
            K.tiled_softmax_read_serial(
                qc, keys, v, readouts._NO_MASK, False, serial, np.empty(nb, np.int64), *tiles
            )
        n, mx, lsum, acc, fl = K.tile_state(nb, nk, dv, bq, ck)
        assert n > 2  # several tasks

        def run(lo, hi, mx=mx, lsum=lsum, acc=acc, fl=fl, bq=bq, bk=bk, ck=ck):
            K.tiled_tasks(
                lo, hi, qc, keys, v, readouts._NO_MASK, False, bq, bk, ck, mx, lsum, acc, fl
            )

        with _blas.one_thread():
            _threads.run_chunks(run, n, 1, 2)  # one task per chunk, two threads
        shared = np.empty((nb, dv), dtype)
        K.tile_merge(shared, mx, lsum, acc, fl, np.empty(nb, np.int64))
        np.testing.assert_array_equal(serial, shared)
    bq, bk, ck = readouts.held_tile_sizes(nb, nk, d, dv)
    serial = np.empty((nb, dv), dtype)
    with _blas.one_thread():
        K.tiled_softmax_read_serial(
            qc, keys, v, readouts._NO_MASK, False, serial, np.empty(nb, np.int64), bq, bk, ck
        )
    np.testing.assert_array_equal(serial, outs[0][0])  # attend took the held tiles
    # small problems run serially with their own (larger) tiles: the same result to rounding
    monkeypatch.setattr(readouts, "PARALLEL_MIN_ENTRIES", None)
    monkeypatch.setattr(readouts, "PARALLEL_MIN_NS", None)
    monkeypatch.setattr(normalisers, "SOFTMAX_PARALLEL_MIN_ENTRIES", None)
    tol = 8 * EPS32 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(A.attend(q, keys, v), outs[0][0], rtol=tol, atol=tol)
    np.testing.assert_array_equal(A.softmax(q @ keys.T), outs[0][2])


def test_blocks_do_not_change_the_result():
    q, keys, v = _data(100, 500, 16)
    whole = A.softmax_readout(q, keys, v)
    for entries in (1, 500, 7 * 500 + 3):
        np.testing.assert_allclose(
            A.softmax_readout(q, keys, v, chunk_entries=entries), whole, rtol=1e-13, atol=1e-15
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("where", ["queries", "keys", "values"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_named_without_separate_scan(dtype, where, bad):
    q, keys, v = _data(4, 50, 8, dtype=dtype)
    arrays = {"queries": q, "keys": keys, "values": v}
    arrays[where][1, 3] = bad
    with pytest.raises(MemsimError, match=where):
        A.attend(arrays["queries"], arrays["keys"], arrays["values"])


def test_nan_value_behind_an_underflowed_weight_still_raises():
    # key 1's weight is exactly 0 (score 2000 below the maximum); its value must still be finite
    q = np.array([[1.0]])
    keys = np.array([[0.0], [-2000.0]])
    v = np.array([[1.0], [np.nan]])
    with pytest.raises(MemsimError, match="values"):
        A.attend(q, keys, v)


def test_masked_key_with_nan_still_raises_but_overflow_does_not():
    q = np.ones((2, 2))
    keys = np.array([[0.0, 0.0], [1e308, 1e308], [np.nan, 0.0]])
    v = np.ones((3, 1))
    with pytest.raises(MemsimError, match="keys"):
        A.attend(q, keys, v, mask=np.array([True, False, False]))
    r = A.attend(q, keys[:2], v[:2], mask=np.array([True, False]))
    np.testing.assert_array_equal(r, np.ones((2, 1)))


def test_softmax_float32_precision_and_dtype():
    rng = np.random.default_rng(3)
    z = (rng.standard_normal((300, 1000)) * 5).astype(np.float32)
    p = A.softmax(z)
    assert p.dtype == np.float32
    z64 = z.astype(np.float64)
    e = np.exp(z64 - z64.max(axis=1, keepdims=True))
    want = e / e.sum(axis=1, keepdims=True)
    # the documented bound: a few float32 ulp plus eps32 |z_i - max z| (rounding of the
    # float32 difference, which the exponential turns into a relative error)
    gap = z64.max(axis=1, keepdims=True) - z64
    rel = np.abs(p - want) / np.maximum(want, 1e-30)
    assert np.all(rel[want > 1e-30] <= (8.0 + gap[want > 1e-30]) * EPS32)
    np.testing.assert_allclose(A.softmax(z64), want, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(A.softmax(z, axis=0), A.softmax(z.T).T)


def test_tile_sizes_follow_the_shapes_only():
    shapes = [
        (1, 10_000, 64, 64),
        (64, 1000, 64, 64),
        (1000, 10_000, 64, 8),
        (5, 3, 700, 2),
        (1000, 100, 4, 4),
        (1, 40_000, 8, 8),
    ]
    for nb, nk, d, dv in shapes:
        bq, bk, ck = readouts.tile_sizes(nb, nk, d, dv)
        assert 1 <= bq <= nb and 1 <= bk <= nk and ck % bk == 0
        # each BLAS product of a tile stays below the single-thread size (or is the 8-key floor)
        # (one query: matrix-vector products, always serial, long tiles)
        assert bq * bk * max(d, dv) <= readouts.TILE_MULTIPLY_ADDS or bk == 8 or bq == 1
        n_qblocks, n_tiles, n_chunks = -(-nb // bq), -(-nk // bk), -(-nk // ck)
        if n_qblocks >= readouts.TILE_TASKS or n_tiles == 1:
            assert n_chunks == 1
        else:  # few query blocks: keys split so there are tasks for several threads
            assert n_chunks > 1
    bq, bk, _ = readouts.tile_sizes(1000, 10_000, 64, 64, entries=100)
    assert bq * bk <= 100


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_key_chunks_merge_like_one_pass(dtype):
    # two queries, 5000 keys: one query block, so the keys are split into chunks merged per query;
    # query 0 has every key of the first chunks masked, query 1 only the last key available
    q, keys, v = _data(2, 5000, 16, seed=4, dtype=dtype)
    mask = np.ones((2, 5000), bool)
    mask[0, :4500] = False
    mask[1, :-1] = False
    bq, bk, ck = readouts.tile_sizes(2, 5000, 16, 8)
    assert -(-5000 // ck) > 2  # really several chunks
    got = A.attend(q, keys, v, mask=mask)
    s = q.astype(np.float64) @ keys.astype(np.float64).T
    s[~mask] = -np.inf
    e = np.exp(s - s.max(axis=1, keepdims=True))
    want = (e @ v.astype(np.float64)) / e.sum(axis=1, keepdims=True)
    tol = 1e-13 if dtype == np.float64 else 50 * EPS32
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(v).max())
    np.testing.assert_array_equal(got[1], v[-1])  # one available key: its value exactly


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_wide_inputs_use_score_blocks_with_the_same_result(dtype):
    # d above TILE_MAX_DIM: blocks of scores between two BLAS products (several blocks here)
    q, keys, _ = _data(40, 300, readouts.TILE_MAX_DIM + 32, seed=5, dtype=dtype)
    v = keys[:, :10].copy()
    want = _reference(q, keys, v)
    tol = 1e-13 if dtype == np.float64 else 1e-5
    for entries in (None, 7 * 300):
        got = A.softmax_readout(q, keys, v, chunk_entries=entries)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(v).max())
    with pytest.raises(MemsimError, match="values"):
        bad = v.copy()
        bad[3, 2] = np.nan
        A.attend(q, keys, bad)


def test_one_query_over_several_long_tiles():
    q, keys, v = _data(1, 2 * readouts.TILE_MAX_KEYS_ONE_QUERY + 5, 4, seed=6)
    assert readouts.tile_sizes(1, keys.shape[0], 4, 8)[1] < keys.shape[0]  # several tiles
    np.testing.assert_allclose(A.attend(q[0], keys, v), _reference(q, keys, v)[0], rtol=1e-12)


def test_float32_softmax_with_temperature_stays_float32():
    z = np.random.default_rng(4).standard_normal((30, 200)).astype(np.float32) * 5
    got = A.softmax(z, temperature=0.7)
    assert got.dtype == np.float32
    # reference: z / T rounded to float32 (as documented), then the exact softmax in float64
    zt = (z / np.float32(0.7)).astype(np.float64)
    shift = zt - zt.max(axis=1, keepdims=True)
    e = np.exp(shift)
    want = e / e.sum(axis=1, keepdims=True)
    # a few float32 ulp plus the rounding of the float32 difference z_i - max z (documented)
    bound = EPS32 * (8.0 + np.abs(shift)) * want + 1e-44
    assert (np.abs(got - want) <= bound).all()
    # float64 input keeps the float64 path: (z - max) / T
    z64 = z.astype(np.float64)
    e64 = np.exp((z64 - z64.max(axis=1, keepdims=True)) / 0.7)
    np.testing.assert_allclose(
        A.softmax(z64, temperature=0.7), e64 / e64.sum(axis=1, keepdims=True), rtol=1e-14
    )
    # a float32 z / T beyond the float32 range falls back to the float64 computation
    big = np.float32([[3e38, 0.0, 1.0]])
    np.testing.assert_array_equal(A.softmax(big, temperature=0.1), [[1.0, 0.0, 0.0]])
    with pytest.raises(MemsimError, match="NaN"):
        A.softmax(np.float32([[1.0, np.nan]]), temperature=2.0)


def test_float32_cosine_rows_of_any_scale():
    """float32 rows whose squared norm overflows float32 are rescaled (no inf norms)."""
    x = np.float32([[1e20, 1e20, 0.0], [3e-25, 0.0, 4e-25], [1.0, 2.0, 2.0]])
    got = A.attend(x, x, x, "cosine")
    assert got.dtype == np.float32 and np.isfinite(got).all()
    x64 = x.astype(np.float64)
    u = x64 / np.maximum(np.linalg.norm(x64, axis=1, keepdims=True), 1e-8)  # eps = 1e-8
    s = u @ u.T
    e = np.exp(s - s.max(axis=1, keepdims=True))
    want = (e / e.sum(axis=1, keepdims=True)) @ x64
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_modern_retrieve_float32_end_to_end():
    from memsim.hopfield import modern

    rng = np.random.default_rng(5)
    for b, d in ((4, 16), (40, 16), (40, 200)):  # fused path, tiled path, wide (blocked) path
        x = rng.standard_normal((300, d)).astype(np.float32)
        q = (x[:b] + 0.1 * rng.standard_normal((b, d))).astype(np.float32)
        got = modern.retrieve(x, q, 0.5, steps=2)
        assert got.dtype == np.float32
        want = q.astype(np.float64)
        for _ in range(2):
            s = 0.5 * want @ x.astype(np.float64).T
            e = np.exp(s - s.max(axis=1, keepdims=True))
            want = (e / e.sum(axis=1, keepdims=True)) @ x.astype(np.float64)
        scale = 0.5 * np.abs(q).max() * np.abs(x).max() * d
        assert np.abs(got - want).max() <= EPS32 * (8 + 4 * scale) * np.abs(x).max()


def test_serial_tiles_cover_the_keys_and_stay_in_cache():
    for nb, nk, entries in ((1, 5, None), (64, 1000, None), (300, 70_000, None), (50, 999, 100)):
        bq, bk, ck = readouts.serial_tile_sizes(nb, nk, entries)
        assert 1 <= bq <= min(nb, readouts.SERIAL_TILE_Q) and 1 <= bk <= nk
        assert bq * bk <= (readouts.SERIAL_TILE_ENTRIES if entries is None else entries)
        assert ck >= nk and ck % bk == 0  # one key chunk holding every key
    # a serial read-out over several query blocks and key tiles matches the plain formula
    q, keys, v = _data(150, 2000, 16)
    assert readouts.readout_cost_ns(150, 2000, 16, 8) < readouts.PARALLEL_MIN_NS
    np.testing.assert_allclose(A.attend(q, keys, v), _reference(q, keys, v), rtol=1e-12, atol=1e-14)
