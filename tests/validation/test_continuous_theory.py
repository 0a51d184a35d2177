"""Graded-response network against Hopfield (1984): Lyapunov energy, high-gain limit, and the
loss of stability of the origin at gain = 1 / lambda_max(W)."""

from __future__ import annotations

import numpy as np
import pytest

from memsim.experiments.studies import continuous as studies
from memsim.hopfield import continuous as ct
from memsim.hopfield import recall, store

pytestmark = pytest.mark.validation


def _hebbian(p, n, seed):
    rng = np.random.default_rng(seed)
    xi = np.where(rng.random((p, n)) < 0.5, 1, -1).astype(np.int8)
    return xi, np.asarray(store(xi))


def test_energy_non_increasing_along_trajectories():
    xi, W = _hebbian(12, 120, 0)
    rng = np.random.default_rng(1)
    u0 = rng.normal(size=(6, 120)) * 0.2  # random starts: long transients through mixtures
    for gain in (2.0, 20.0):
        r = ct.simulate(W, u0, 30.0, gain=gain, points=301, rtol=1e-9, atol=1e-11)
        d = np.diff(r.energy, axis=1)
        assert d.max() < 1e-7 * np.abs(r.energy).max(), d.max()
        assert d.min() < -1e-3  # it does descend


def test_high_gain_fixed_points_equal_discrete_ones():
    xi, W = _hebbian(6, 150, 2)
    rng = np.random.default_rng(3)
    cues = xi.copy()
    cues[rng.random(cues.shape) < 0.15] *= -1
    r = ct.simulate(W, 0.05 * cues, 40.0, gain=50.0, method="LSODA", rtol=1e-8, atol=1e-10)
    s = r.states()
    # corners: every neuron saturated, and the corner is a fixed point of s = sgn(W s)
    assert (np.abs(r.V[:, -1]) > 0.99).all()
    np.testing.assert_array_equal(np.sign(s @ W.T), s)
    discrete = recall(store(xi), cues, "async", seed=0).states
    np.testing.assert_array_equal(s, discrete)
    np.testing.assert_array_equal(s, xi)  # low load: both retrieve the stored patterns


def test_origin_loses_stability_at_inverse_top_eigenvalue():
    xi, W = _hebbian(5, 100, 4)
    lam = np.linalg.eigvalsh(W).max()
    g_c = 1.0 / lam
    s = studies.gain_sweep(W, 0.1 * xi, [0.7 * g_c, 0.9 * g_c, 1.3 * g_c, 20.0], 80.0, targets=xi)
    assert (s.amplitude[:2] < 1e-3).all()  # below g_c: decays to the origin
    assert (s.amplitude[2] > 0.05).all()  # above: graded memory states
    assert (s.overlap[3] > 0.99).all() and s.agrees[3].all()
