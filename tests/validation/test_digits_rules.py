"""Correlated real patterns: ten handwritten digits (scikit-learn's bundled 8 x 8 digits,
Alpaydin & Kaynak 1998) in Hebbian and pseudo-inverse networks.

Theory: the pseudo-inverse (projection) rule W = X^T (X X^T)^-1 X of Personnaz, Guyon & Dreyfus
(1985) makes every linearly independent pattern an exact fixed point (W x = x), whatever the
correlations; the Hebbian rule's field h = x + crosstalk does not, and correlated digits (pattern
overlaps up to 0.8) have crosstalk large enough to destabilise stored digits at a load of only
10/64. The weights here are computed with plain numpy (a linear solve, not a pseudo-inverse
routine), and the dynamics with the loop reference of tests/reference.py; memsim's engine must
agree state for state (fixed update order), and its recall overlaps must show the effect.
"""

from __future__ import annotations

import numpy as np
import pytest
from reference import async_recall

from memsim.hopfield import recall, store
from memsim.patterns import corrupt, digits

pytestmark = pytest.mark.validation
pytest.importorskip("sklearn.datasets")


def projector_by_solve(x: np.ndarray) -> np.ndarray:
    """W = X^T (X X^T)^-1 X from the P x P Gram matrix (patterns independent)."""
    xf = x.astype(np.float64)
    return xf.T @ np.linalg.solve(xf @ xf.T, xf)


def hebbian_numpy(x: np.ndarray) -> np.ndarray:
    xf = x.astype(np.float64)
    w = xf.T @ xf / x.shape[1]
    np.fill_diagonal(w, 0.0)
    return w


@pytest.fixture(scope="module")
def ten_digits():
    return digits(range(10), per_class=1, scale=1).patterns  # (10, 64)


def test_digits_are_correlated_and_independent(ten_digits):
    x = ten_digits.astype(np.float64)
    m = x @ x.T / x.shape[1]
    np.fill_diagonal(m, 0.0)
    assert m.max() > 0.5  # far from random patterns (|m| ~ 1/sqrt(64) = 0.125)
    assert np.linalg.matrix_rank(x) == 10  # the projection rule applies


def test_projection_stores_every_digit_where_hebbian_does_not(ten_digits):
    x = ten_digits.astype(np.float64)
    w_pi = projector_by_solve(ten_digits)
    np.testing.assert_allclose(w_pi @ x.T, x.T, atol=1e-9)  # W x = x
    np.testing.assert_allclose(np.asarray(store(ten_digits, "pseudoinverse")), w_pi, atol=1e-9)
    np.testing.assert_allclose(np.asarray(store(ten_digits, "hebbian")), hebbian_numpy(x))
    h = hebbian_numpy(x) @ x.T  # fields at the stored digits
    unstable = int((np.sign(h) != x.T).any(axis=0).sum())
    assert unstable == 10  # not one stored digit is a fixed point of the Hebb rule


def test_recall_of_noisy_digits_hebbian_far_below_pseudoinverse(ten_digits):
    """Cues with 10% of pixels flipped, asynchronous dynamics in fixed order: memsim's final
    states equal the loop reference's for both rules; Hebbian ends far from the cued digits,
    the projection rule retrieves them."""
    cues = corrupt(ten_digits, flip=0.1, seed=5)
    n = ten_digits.shape[1]
    means = {}
    for rule, w_ref in (
        ("hebbian", hebbian_numpy(ten_digits)),
        ("pseudoinverse", projector_by_solve(ten_digits)),
    ):
        res = recall(store(ten_digits, rule), cues, "async", "fixed", 50, warn=False)
        for b in range(len(cues)):
            ref, *_ = async_recall(w_ref, cues[b], lambda s: range(n), 50)
            np.testing.assert_array_equal(res.states[b], ref)
        overlaps = np.einsum("bn,bn->b", res.states.astype(float), ten_digits) / n
        means[rule] = float(overlaps.mean())
    assert means["pseudoinverse"] > 0.97
    assert means["hebbian"] < 0.8
    assert means["pseudoinverse"] - means["hebbian"] > 0.2
