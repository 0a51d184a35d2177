"""Storage rules (memsim.hopfield.rules) against plain references and their defining properties."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import reference_rules as ref
from hypothesis import given
from hypothesis import strategies as st

from memsim import _jit
from memsim._rng import shuffle, stream_states
from memsim.errors import ConvergenceWarning, MemsimError, MemsimWarning
from memsim.hopfield import rules


def random_patterns(seed, p, n, activity=0.5):
    rng = np.random.default_rng(seed)
    return np.where(rng.random((p, n)) < activity, 1, -1).astype(np.int8)


def stable_fraction(W, xi, theta=None):
    """Fraction of patterns that are fixed points of s_i <- sgn(h_i - theta_i), sgn(0) keeping
    the state (a bit is stable iff xi_i (h_i - theta_i) >= 0)."""
    h = xi.astype(np.float64) @ np.asarray(W).T
    if theta is not None:
        h = h - theta
    return float(np.mean(np.all(xi * h >= 0, axis=1)))


def assert_rel_close(a, b, rtol=1e-6):
    scale = max(np.abs(b).max(), 1e-300)
    assert np.abs(a - b).max() <= rtol * scale


# --------------------------------------------------------------------------------------------
# Storkey
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("zero_diagonal", [True, False])
@pytest.mark.parametrize(("p", "n", "seed"), [(1, 12, 0), (4, 12, 1), (6, 17, 2), (5, 20, 3)])
def test_storkey_matches_triple_loop(p, n, seed, zero_diagonal):
    xi = random_patterns(seed, p, n)
    W = rules.storkey_weights(xi, zero_diagonal=zero_diagonal)
    R = ref.storkey(xi, zero_diagonal=zero_diagonal)
    assert W.dtype == np.float64 and W.shape == (n, n)
    assert_rel_close(W, R)
    assert np.array_equal(W, W.T)  # bitwise symmetric
    if zero_diagonal:
        assert np.all(np.diag(W) == 0)
    else:
        assert np.any(np.diag(W) != 0)


@given(
    seed=st.integers(0, 2**31),
    p=st.integers(1, 7),
    n=st.integers(2, 14),
    zero_diagonal=st.booleans(),
)
def test_storkey_property_matches_reference(seed, p, n, zero_diagonal):
    xi = random_patterns(seed, p, n)
    W = rules.storkey_weights(xi, zero_diagonal=zero_diagonal)
    R = ref.storkey(xi, zero_diagonal=zero_diagonal)
    np.testing.assert_allclose(W, R, rtol=1e-6, atol=1e-12)


def test_storkey_diagonal_choice_changes_only_the_diagonal():
    xi = random_patterns(5, 8, 30)
    W0 = rules.storkey_weights(xi, zero_diagonal=True)
    W1 = rules.storkey_weights(xi, zero_diagonal=False)
    off = ~np.eye(30, dtype=bool)
    assert np.array_equal(W0[off], W1[off])


def test_storkey_first_pattern_is_hebbian():
    xi = random_patterns(6, 1, 25)
    np.testing.assert_allclose(rules.storkey_weights(xi), ref.hebbian(xi), atol=1e-15)


@pytest.mark.parametrize("zero_diagonal", [True, False])
def test_storkey_parallel_path_bitwise_equal_and_thread_independent(monkeypatch, zero_diagonal):
    xi = random_patterns(7, 20, 64)
    serial = rules.storkey_weights(xi, zero_diagonal=zero_diagonal)  # N < parallel threshold
    monkeypatch.setattr(rules, "STORKEY_PARALLEL_MIN_N", 2)
    before = _jit.set_threads(None)
    try:
        _jit.set_threads(1)
        W1 = rules.storkey_weights(xi, zero_diagonal=zero_diagonal)
        _jit.set_threads(2)
        W2 = rules.storkey_weights(xi, zero_diagonal=zero_diagonal)
    finally:
        _jit.set_threads(before)
    assert np.array_equal(W1, W2)
    assert np.array_equal(W1, serial)


def test_storkey_stores_more_patterns_than_hebbian():
    n = 100  # Hebbian: about N / (2 ln N) = 11 exact fixed points; Storkey: N / sqrt(2 ln N) = 33
    for p in (20, 25, 30):
        frac_h = []
        frac_s = []
        for seed in range(6):
            xi = random_patterns(1000 + seed, p, n)
            X = xi.astype(np.float64)
            hebb = X.T @ X / n
            np.fill_diagonal(hebb, 0.0)
            frac_h.append(stable_fraction(hebb, xi))
            frac_s.append(stable_fraction(rules.storkey_weights(xi), xi))
        frac_h = np.mean(frac_h)
        frac_s = np.mean(frac_s)
        assert frac_s > frac_h + 0.4, (p, frac_h, frac_s)
        assert frac_s >= 0.9, (p, frac_s)


# --------------------------------------------------------------------------------------------
# Pseudo-inverse
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "n", "seed"), [(1, 10, 0), (5, 16, 1), (15, 16, 2), (23, 24, 3)])
def test_pseudoinverse_matches_gram_schmidt_projector(p, n, seed):
    xi = random_patterns(seed, p, n)
    assert np.linalg.matrix_rank(xi.astype(float)) == p
    with warnings.catch_warnings():
        warnings.simplefilter("error", MemsimWarning)
        W = rules.pseudoinverse_weights(xi)
    assert_rel_close(W, ref.projector(xi))
    assert np.array_equal(W, W.T)


@pytest.mark.parametrize("n", [12, 20, 31])
def test_pseudoinverse_every_pattern_is_exact_fixed_point_up_to_n_minus_1(n):
    for p in range(1, n):
        xi = random_patterns(100 * n + p, p, n)
        if np.linalg.matrix_rank(xi.astype(float)) < p:  # pragma: no cover - rare at these sizes
            continue
        W = rules.pseudoinverse_weights(xi)
        X = xi.astype(np.float64)
        np.testing.assert_allclose(X @ W.T, X, rtol=0, atol=1e-9)
        assert np.array_equal(np.sign(X @ W.T), X)


@given(seed=st.integers(0, 2**31), n=st.integers(3, 24), frac=st.floats(0.05, 0.95))
def test_pseudoinverse_property(seed, n, frac):
    p = max(1, min(n - 1, int(frac * n)))
    xi = random_patterns(seed, p, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MemsimWarning)  # small n: dependent sets happen
        W = rules.pseudoinverse_weights(xi)
    X = xi.astype(np.float64)
    np.testing.assert_allclose(X @ W.T, X, atol=1e-9)  # projector onto the span in any case
    np.testing.assert_allclose(W @ W, W, atol=1e-9)
    np.testing.assert_allclose(W, ref.projector(xi), atol=1e-9)


def test_pseudoinverse_zero_diagonal_breaks_exactness_but_keeps_signs():
    n, p = 30, 20
    xi = random_patterns(11, p, n)
    Wfull = rules.pseudoinverse_weights(xi)
    W = rules.pseudoinverse_weights(xi, zero_diagonal=True)
    assert np.all(np.diag(W) == 0)
    X = xi.astype(np.float64)
    H = X @ W.T
    assert np.abs(H - X).max() > 0.1  # W xi != xi
    np.testing.assert_allclose(H, X * (1.0 - np.diag(Wfull))[None, :], atol=1e-9)
    assert np.array_equal(np.sign(H), X)  # still fixed points of sgn dynamics


@pytest.mark.parametrize("case", ["duplicate", "too_many"])
def test_pseudoinverse_dependent_patterns_warn_and_still_project(case):
    n = 12
    if case == "duplicate":
        xi = random_patterns(21, 6, n)
        xi = np.vstack([xi, xi[2:3]])
    else:
        xi = random_patterns(22, n + 4, n)
    with pytest.warns(MemsimWarning, match="linearly dependent"):
        W = rules.pseudoinverse_weights(xi)
    X = xi.astype(np.float64)
    np.testing.assert_allclose(X @ W.T, X, atol=1e-9)
    np.testing.assert_allclose(W, ref.projector(xi), atol=1e-9)


# --------------------------------------------------------------------------------------------
# Covariance rule
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("activity", "given_a"), [(0.2, None), (0.35, 0.3), (0.8, None)])
def test_covariance_matches_zero_one_reference(activity, given_a):
    xi = random_patterns(31, 5, 14, activity=activity)
    W, theta = rules.covariance_weights(xi, activity=given_a)
    Wr, theta_r, J, U = ref.covariance(xi, activity=given_a)
    assert_rel_close(W, Wr)
    np.testing.assert_allclose(theta, theta_r, rtol=1e-6, atol=1e-12)
    assert np.array_equal(W, W.T) and np.all(np.diag(W) == 0)
    # the +-1 update equals the 0/1 update V_i <- Theta(sum_j J_ij V_j - U_i) on random states
    rng = np.random.default_rng(5)
    S = np.where(rng.random((200, 14)) < 0.5, 1, -1)
    V = (S + 1) / 2
    pm = S @ W.T - theta
    zo = V @ J.T - U
    ok = np.abs(zo) > 1e-9  # ignore exact ties
    assert np.array_equal((pm > 0)[ok], (zo > 0)[ok])


def test_covariance_unbiased_reduces_to_hebbian():
    xi = random_patterns(32, 6, 20)
    W, theta = rules.covariance_weights(xi, activity=0.5)
    np.testing.assert_allclose(W, ref.hebbian(xi), atol=1e-15)
    assert np.all(theta == 0)


def test_covariance_biased_patterns_fixed_points_need_the_threshold():
    n, p, a = 200, 10, 0.1  # load 0.05
    with_theta = []
    without = []
    for seed in range(4):
        xi = random_patterns(40 + seed, p, n, activity=a)
        W, theta = rules.covariance_weights(xi)
        with_theta.append(stable_fraction(W, xi, theta))
        without.append(stable_fraction(W, xi))
    assert np.mean(with_theta) == 1.0
    assert np.mean(without) <= 0.1


def test_covariance_errors():
    with pytest.raises(MemsimError, match="activity"):
        rules.covariance_weights(random_patterns(1, 3, 10), activity=1.0)
    with pytest.raises(MemsimError, match="activity"):
        rules.covariance_weights(np.ones((3, 10), dtype=np.int8))


# --------------------------------------------------------------------------------------------
# Perceptron
# --------------------------------------------------------------------------------------------


def _orders(seed, p, n):
    states = stream_states(seed, (rules.PERCEPTRON_STREAM_KEY,), n)

    def orders(i):
        order = np.arange(p)
        state = states[i]
        while True:
            shuffle(state, order)
            yield list(order)

    return orders


@pytest.mark.parametrize(
    ("p", "n", "kappa", "seed"),
    [(8, 10, 0.0, 0), (14, 10, 0.0, 1), (6, 12, 0.5, 2), (20, 9, 0.0, 3)],
)
def test_perceptron_matches_plain_loop(p, n, kappa, seed):
    xi = random_patterns(50 + seed, p, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MemsimWarning)
        W, info = rules.perceptron_weights(xi, kappa=kappa, max_epochs=60, seed=seed)
    Wr, epochs, unstable = ref.perceptron(xi, kappa, 60, _orders(seed, p, n))
    assert_rel_close(W, Wr / n)
    assert info["epochs"] == epochs.max()
    assert info["unstable"] == unstable.sum()
    assert info["converged"] == (unstable.sum() == 0)


@pytest.mark.parametrize("p", [10, 40, 60])
def test_perceptron_converges_below_2n_and_patterns_are_fixed_points(p):
    n = 40
    xi = random_patterns(60 + p, p, n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        W, info = rules.perceptron_weights(xi, max_epochs=5000)
    assert info["converged"] and info["unstable"] == 0
    assert np.all(np.diag(W) == 0)
    X = xi.astype(np.float64)
    assert np.all(X * (X @ W.T) > 0)  # strictly: fixed points under any sgn(0) convention


def test_perceptron_margin_is_reached():
    n, p, kappa = 50, 20, 0.5
    xi = random_patterns(70, p, n)
    W, info = rules.perceptron_weights(xi, kappa=kappa, max_epochs=5000)
    assert info["converged"]
    X = xi.astype(np.float64)
    stability = X * (X @ W.T) / np.linalg.norm(W, axis=1)[None, :]
    assert stability.min() > kappa


def test_perceptron_deterministic_and_thread_independent():
    xi = random_patterns(80, 30, 30)
    before = _jit.set_threads(None)
    try:
        _jit.set_threads(1)
        W1, i1 = rules.perceptron_weights(xi, seed=3)
        _jit.set_threads(2)
        W2, i2 = rules.perceptron_weights(xi, seed=3)
    finally:
        _jit.set_threads(before)
    assert np.array_equal(W1, W2) and i1 == i2
    W3, _ = rules.perceptron_weights(xi, seed=4)
    assert not np.array_equal(W1, W3)


def test_perceptron_learning_rate_only_scales():
    xi = random_patterns(81, 20, 16)
    W1, _ = rules.perceptron_weights(xi, learning_rate=1.0)
    W2, _ = rules.perceptron_weights(xi, learning_rate=0.25)
    np.testing.assert_allclose(W2, 0.25 * W1, rtol=1e-15)


def test_perceptron_above_capacity_warns_and_reports():
    n, p = 20, 50  # alpha = 2.5 > 2
    xi = random_patterns(90, p, n)
    with pytest.warns(MemsimWarning, match="Gardner capacity"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            W, info = rules.perceptron_weights(xi, max_epochs=20)
    assert not info["converged"] and info["unstable"] > 0 and info["epochs"] == 20


def test_perceptron_nonconvergence_is_a_convergence_warning():
    xi = random_patterns(91, 38, 20)  # below 2N but hard: 3 epochs are not enough
    with pytest.warns(ConvergenceWarning):
        _, info = rules.perceptron_weights(xi, max_epochs=3)
    assert not info["converged"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kappa": float("nan")}, "kappa"),
        ({"max_epochs": 0}, "max_epochs"),
        ({"max_epochs": 2.5}, "max_epochs"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"seed": -1}, "seed"),
    ],
)
def test_perceptron_bad_arguments(kwargs, match):
    with pytest.raises(MemsimError, match=match):
        rules.perceptron_weights(random_patterns(1, 3, 10), **kwargs)


# --------------------------------------------------------------------------------------------
# Input validation shared by all rules; dispatch through store()
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        rules.storkey_weights,
        rules.pseudoinverse_weights,
        rules.covariance_weights,
        rules.perceptron_weights,
    ],
)
@pytest.mark.parametrize(
    "bad",
    [np.ones(10), np.zeros((3, 10)), np.ones((0, 10)), np.ones((3, 1)), [[1, 2], [1, -1]]],
)
def test_bad_patterns_rejected(fn, bad):
    with pytest.raises(MemsimError, match="patterns"):
        fn(bad)


@pytest.mark.parametrize(
    ("rule", "fn"),
    [
        ("storkey", lambda xi: rules.storkey_weights(xi)),
        ("pseudoinverse", lambda xi: rules.pseudoinverse_weights(xi)),
        ("covariance", lambda xi: rules.covariance_weights(xi)[0]),
        ("perceptron", lambda xi: rules.perceptron_weights(xi)[0]),
    ],
)
def test_store_dispatches_to_rules(rule, fn):
    from memsim.hopfield import store

    xi = random_patterns(99, 6, 24)
    np.testing.assert_array_equal(np.asarray(store(xi, rule=rule)), fn(xi))
