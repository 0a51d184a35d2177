"""Continuous modern Hopfield network (memsim.hopfield.modern) against the plain references."""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference_modern as ref

from memsim.attention import readouts
from memsim.errors import MemsimError
from memsim.hopfield import _modern_kernels as K
from memsim.hopfield import modern


def gauss(p, d, seed):
    return np.random.default_rng(seed).standard_normal((p, d))


@pytest.mark.parametrize("batch", [1, 3, 4, 5, 8, 9, 10, 11, 17, 33])
@pytest.mark.parametrize("steps", [1, 3])
def test_softmax_retrieve_matches_reference(batch, steps):
    X = gauss(300, 24, 1)
    Q = gauss(batch, 24, 2)
    out = modern.retrieve(X, Q, 0.8, steps)
    want = Q
    for _ in range(steps):
        want = ref.modern_update(X, want, 0.8)
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-12)
    assert out.shape == Q.shape


def test_single_query_and_scale_beta():
    X = gauss(50, 16, 3)
    q = gauss(1, 16, 4)[0]
    out = modern.retrieve(X, q, 2.0, scale_beta=True)
    assert out.shape == (16,)
    np.testing.assert_allclose(out, ref.modern_update(X, q, 2.0 / 4.0)[0], rtol=1e-12)
    tr = modern.retrieve(X, q, 2.0, 2, trajectory=True, scale_beta=True)
    assert tr.beta == 0.5 and tr.beta_input == 2.0 and tr.scale_beta
    assert tr.states.shape == (3, 16) and tr.energy.shape == (3,) and tr.weights.shape == (3, 50)


def test_large_batch_uses_blocks(monkeypatch):
    monkeypatch.setattr(readouts, "TILE_MAX_KEYS", 24)  # several score tiles per query block
    X = gauss(64, 8, 5)
    Q = gauss(150, 8, 6)
    np.testing.assert_allclose(
        modern.retrieve(X, Q, 1.3), ref.modern_update(X, Q, 1.3), rtol=1e-12, atol=1e-13
    )


def test_equivalence_with_key_value_attention():
    """One update with beta = 1/sqrt(d) is attention with K = V = X and a scaled-dot score
    (Ramsauer et al. 2020, eq. 10)."""
    from memsim.attention import attend

    d = 32
    X = gauss(200, d, 7)
    Q = gauss(12, d, 8)
    hop = modern.retrieve(X, Q, 1.0 / math.sqrt(d))
    att = attend(Q, X, X, score="scaled_dot", normaliser="softmax", method="matrix")
    np.testing.assert_allclose(hop, att, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        modern.retrieve(X, Q, 1.0, scale_beta=True), att, rtol=1e-12, atol=1e-12
    )
    for kind in ("sparsemax", "entmax15"):
        hop = modern.retrieve(X, Q, 1.0, normaliser=kind, scale_beta=True)
        att = attend(Q, X, X, score="scaled_dot", normaliser=kind)
        np.testing.assert_allclose(hop, att, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "kind,alpha",
    [("softmax", None), ("sparsemax", None), ("entmax15", None), ("entmax_bisect", 1.3)],
)
def test_trajectory_and_energy_match_reference(kind, alpha):
    X = gauss(40, 10, 9)
    Q = gauss(3, 10, 10) * 0.5 + X[:3]
    opts = {} if alpha is None else {"alpha": alpha}
    tr = modern.retrieve(X, Q, 0.7, 4, kind, trajectory=True, **opts)
    a = alpha
    cur = Q.copy()
    for t in range(5):
        np.testing.assert_allclose(tr.states[:, t], cur, rtol=1e-9, atol=1e-10)
        w = ref.normalise(0.7 * cur @ X.T, kind, a)
        np.testing.assert_allclose(tr.weights[:, t], w, rtol=1e-8, atol=1e-10)
        e = [ref.modern_energy(X, c, 0.7, kind, a) for c in cur]
        np.testing.assert_allclose(tr.energy[:, t], e, rtol=1e-9, atol=1e-9)
        cur = w @ X
    np.testing.assert_allclose(
        modern.energy(X, tr.states[:, 2], 0.7, kind, **opts), tr.energy[:, 2], rtol=1e-12
    )
    assert (tr.steps == 4).all() and not tr.converged.any()
    with pytest.raises(ValueError):
        tr.states[0, 0, 0] = 1.0


def test_energy_bounds():
    # E >= 0 everywhere; Ramsauer et al. Lemma A1: E <= 2 M^2 on the convex hull of the patterns
    X = gauss(30, 8, 11)
    M2 = np.max(np.sum(X**2, axis=1))
    S = gauss(200, 8, 12) * 2
    for kind in ("softmax", "sparsemax", "entmax15"):
        e = modern.energy(X, S, 1.5, kind)
        assert (e >= 0).all()
    hull = modern.retrieve(X, S, 1.5)  # one update: convex combinations of the patterns
    e = modern.energy(X, hull, 1.5)
    assert (e >= 0).all() and (e <= 2 * M2).all()
    assert np.isnan(modern.energy(X, S[:2], 1.0, "hard")).all()


def test_tolerance_stops_early_and_freezes_queries():
    X = gauss(20, 6, 13) * 3
    Q = X[:4] + 0.01 * gauss(4, 6, 14)
    tr = modern.retrieve(X, Q, 5.0, 200, tol=1e-12, trajectory=True)
    assert tr.converged.all()
    assert (tr.steps < 200).all()
    final = modern.retrieve(X, Q, 5.0, 200, tol=1e-12)
    np.testing.assert_allclose(final, tr.final, rtol=0, atol=1e-12)
    b = int(np.argmin(tr.steps))
    assert np.all(tr.states[b, tr.steps[b] :] == tr.states[b, tr.steps[b]])
    zero = modern.retrieve(X, Q, 5.0, 0)
    np.testing.assert_array_equal(zero, Q)


def test_softmax_rows_exp_is_accurate():
    rng = np.random.default_rng(15)
    S = rng.uniform(-800, 5, (4, 1001))
    S[0, 0] = 5.0
    S[1] = 0.0
    want = np.exp(S - S.max(axis=1, keepdims=True))
    got = S.copy()
    maxes, sums = np.empty(4), np.empty(4)
    K.softmax_rows_serial(got, maxes, sums)
    par = S.copy()
    K.softmax_rows(par, np.empty(4), np.empty(4))
    np.testing.assert_array_equal(par, got)
    big = want > 1e-300
    np.testing.assert_allclose(got[big], want[big], rtol=4e-16)
    assert (got[~big] <= 1e-300).all()  # subnormal or 0 below exp(-708), as libm
    np.testing.assert_allclose(sums, want.sum(axis=1), rtol=1e-14)
    np.testing.assert_array_equal(maxes, S.max(axis=1))


@pytest.mark.parametrize("batch", [3, 9])  # tail rows only; one 8-row tile plus a tail
def test_thread_count_does_not_change_fused_path(batch, monkeypatch):
    monkeypatch.setattr(readouts, "PARALLEL_MIN_NS", 1)  # the parallel fused kernel
    X = gauss(5000, 16, 16)
    Q = gauss(batch, 16, 17)
    a = modern.retrieve(X, Q, 0.4, threads=1)
    b = modern.retrieve(X, Q, 0.4, threads=2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a, ref.modern_update(X, Q, 0.4), rtol=1e-12, atol=1e-12)


def clustered(seed=18):
    """Three tight clusters of 4 patterns (radius 0.05 around centres 3 apart) + 4 loners."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((3, 12))
    centres *= 3.0 / np.linalg.norm(centres, axis=1, keepdims=True)
    pats = [c + 0.05 * rng.standard_normal((4, 12)) for c in centres]
    loners = rng.standard_normal((4, 12))
    loners *= 3.0 / np.linalg.norm(loners, axis=1, keepdims=True)
    return np.vstack(pats + [loners])


def test_classify_fixed_points():
    X = clustered()
    # large beta, from a loner: a single-pattern fixed point
    fp = modern.retrieve(X, X[12:14], 50.0, 500, tol=1e-12)
    c = modern.classify_fixed_points(X, fp, 50.0)
    assert list(c.kind) == ["single", "single"] and list(c.nearest) == [12, 13]
    assert (c.residual < 1e-10).all() and (c.subset_size == 1).all()
    # moderate beta, from a cluster member: the metastable average of its 4 cluster patterns
    fp = modern.retrieve(X, X[[0, 5]], 3.0, 500, tol=1e-12)
    c = modern.classify_fixed_points(X, fp, 3.0)
    assert list(c.kind) == ["metastable", "metastable"]
    assert list(c.subset_size) == [4, 4]
    assert set(np.flatnonzero(c.subset[0])) == {0, 1, 2, 3}
    assert set(np.flatnonzero(c.subset[1])) == {4, 5, 6, 7}
    # tiny beta: the global average
    fp = modern.retrieve(X, X[:2], 1e-3, 500, tol=1e-12)
    c = modern.classify_fixed_points(X, fp, 1e-3)
    assert list(c.kind) == ["global", "global"]
    np.testing.assert_allclose(fp[0], X.mean(axis=0), atol=1e-2)
    assert (c.effective_number > 0.99 * X.shape[0]).all()


def test_beta_sweep_goes_global_metastable_single():
    X = clustered()
    t = modern.beta_sweep(X, X[[0]], [1e-3, 3.0, 100.0])
    assert list(t["kind"]) == ["global", "metastable", "single"]
    assert list(t["subset_size"])[1] == 4
    assert all(len(v) == 3 for v in t.values())
    assert t["converged"].all()


def test_separation_and_bound():
    X = gauss(25, 7, 19)
    np.testing.assert_allclose(modern.separation(X), ref.separation(X), rtol=1e-12)
    Q = X[[2, 5]] + 0.1
    b = modern.retrieval_error_bound(X, [2, 5], Q, 0.9)
    M = np.sqrt(np.max(np.sum(X**2, axis=1)))
    r = np.linalg.norm(Q - X[[2, 5]], axis=1)
    want = 2 * 24 * np.exp(-0.9 * (ref.separation(X)[[2, 5]] - 2 * r * M)) * M
    np.testing.assert_allclose(b, np.minimum(want, 2 * M), rtol=1e-12)
    t = modern.retrieval_error_table(X, [2, 5], Q, 0.9)
    assert set(t) >= {"separation", "error", "bound", "fixed_point_distance"}
    np.testing.assert_allclose(
        t["error"], np.linalg.norm(ref.modern_update(X, Q, 0.9) - X[[2, 5]], axis=1), rtol=1e-12
    )


def test_capacity_helpers():
    r = modern.measure_capacity(6, 4.0, pattern_kind="sphere", queries=20, k_max=256)
    assert 1 <= r["capacity"] <= 256 and r["evaluations"]
    t = modern.capacity_table([4, 6], 4.0, pattern_kind="sphere", queries=10, k_max=64)
    assert list(t["d"]) == [4, 6]
    assert modern.random_patterns(3, 5, "binary").shape == (3, 5)
    with pytest.raises(MemsimError, match="pattern kind"):
        modern.random_patterns(3, 5, "cauchy")


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda X, Q: modern.retrieve(X[0], Q, 1.0), "stored must be a 2-D"),
        (lambda X, Q: modern.retrieve(X, Q[:, :3], 1.0), "queries must have shape"),
        (lambda X, Q: modern.retrieve(X, Q * np.nan, 1.0), "NaN"),
        (lambda X, Q: modern.retrieve(np.where(X > 1.5, np.inf, X), Q, 1.0), "stored contains"),
        (lambda X, Q: modern.retrieve(np.where(X > 1.5, np.nan, X), Q[:1], 1.0), "stored"),
        (lambda X, Q: modern.retrieve(X * 1e200, Q * 1e200, 1.0, 2), "NaN or inf"),
        (lambda X, Q: modern.retrieve(X, Q, 0.0), "beta"),
        (lambda X, Q: modern.retrieve(X, Q, "hot"), "beta"),
        (lambda X, Q: modern.retrieve(X, Q, 1.0, -1), "steps"),
        (lambda X, Q: modern.retrieve(X, Q, 1.0, tol=-1.0), "tol"),
        (lambda X, Q: modern.retrieve(X, Q, 1.0, normaliser="entmax_bisect"), "alpha"),
        (lambda X, Q: modern.retrieve(X, Q, 1.0, normaliser="gumbel"), "normaliser"),
        (lambda X, Q: modern.classify_fixed_points(X, Q, 1.0, mass=1.5), "mass"),
        (lambda X, Q: modern.retrieval_error_bound(X, [99], Q[:1], 1.0), "targets"),
    ],
)
def test_bad_arguments(call, match):
    X = gauss(10, 5, 20)
    Q = gauss(2, 5, 21)
    with pytest.raises(MemsimError, match=match):
        call(X, Q)


def test_retrieve_float32_end_to_end_with_bounded_error():
    """Issue 18: float32 stored patterns and queries stay float32; error from eps32 and size."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((3000, 32)).astype(np.float32)
    eps32 = float(np.finfo(np.float32).eps)
    for b in (3, 200):  # the fused small-batch path and the blocked path
        Q = (X[:b] + 0.3 * rng.standard_normal((b, 32))).astype(np.float32)
        got = modern.retrieve(X, Q, 0.2)
        assert got.dtype == np.float32
        want = modern.retrieve(X.astype(np.float64), Q.astype(np.float64), 0.2)
        z = 0.2 * np.abs(Q.astype(np.float64) @ X.astype(np.float64).T).max()
        bound = eps32 * (8.0 + 2.0 * np.sqrt(32) * z) * np.abs(X).max()
        assert np.abs(got - want).max() <= bound
    assert modern.retrieve(X, Q.astype(np.float64), 0.2).dtype == np.float64


def test_retrieve_bit_identical_for_any_thread_count(monkeypatch):
    import numba

    rng = np.random.default_rng(6)
    X = rng.standard_normal((2000, 16))
    Q = rng.standard_normal((300, 16))
    monkeypatch.setattr(readouts, "PARALLEL_MIN_NS", 1)  # the parallel tiled kernel
    before = numba.get_num_threads()
    try:
        outs = []
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            outs.append(modern.retrieve(X, Q, 0.5, steps=2))
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(outs[0], outs[1])
