"""Diluted network against Derrida, Gardner & Zippelius (1987); unlearning against Hopfield,
Feinstein & Palmer (1983)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from memsim.hopfield import dilution as D
from memsim.hopfield import recall, store

pytestmark = pytest.mark.validation


def _pm(shape, seed):
    return np.where(np.random.default_rng(seed).random(shape) < 0.5, 1, -1).astype(np.int8)


def _trace(n, c, p, m0, steps, seed):
    xi = _pm((p, n), seed)
    w = store(xi, dilution=c, seed=seed)
    cues = np.repeat(xi[:1], 6, axis=0)
    cues[np.random.default_rng(seed + 1).random(cues.shape) < (1 - m0) / 2] *= -1
    r = recall(w, cues, "sync", max_sweeps=steps, targets=xi[0], warn=False)
    return r.overlap.mean(axis=0)


@pytest.mark.parametrize("alpha", [0.3, 0.9])
def test_overlap_follows_the_diluted_map(alpha):
    n, c = 3000, 20
    p = int(round(alpha * c))
    m = _trace(n, c, p, 0.6, 5, seed=int(alpha * 10))
    th = [m[0]]
    for _ in range(5):
        th.append(D.diluted_overlap_map(th[-1], c, p))
    # the map is exact while the inputs of a neuron share no ancestors (C^t << N): the first step
    # always; at N = 3000, C = 20 the second already sees shared ancestors (C^4 / 2N ~ 27 pairs
    # per neuron), so later steps deviate by a few hundredths. Sampling error about 0.01.
    np.testing.assert_allclose(m[:2], th[:2], atol=0.02)
    assert np.sign(m[-1] - m[0]) == np.sign(th[-1] - th[0])
    np.testing.assert_allclose(m, th, atol=0.05)


def test_erf_map_capacity_two_over_pi():
    # slope of erf(m / sqrt(2 alpha)) at 0 is sqrt(2 / (pi alpha)): a retrieval fixed point
    # exists iff alpha < 2 / pi
    def fixed_point(alpha):
        m = 1.0
        for _ in range(5000):
            m = float(D.erf_map(m, alpha))
        return m

    ac = 2 / np.pi
    assert fixed_point(0.95 * ac) > 0.05 and fixed_point(1.05 * ac) < 1e-3
    assert fixed_point(0.3) > 0.85


def test_diluted_retrieval_below_and_above_capacity():
    n, c = 3000, 40
    lo = _trace(n, c, int(0.3 * c), 0.6, 12, seed=11)[-1]
    hi = _trace(n, c, int(1.2 * c), 0.6, 12, seed=12)[-1]
    assert lo > 0.9  # alpha = 0.3 < 2/pi: retrieval
    assert hi < 0.25  # alpha = 1.2 > 2/pi: the overlap decays


def test_unlearning_stabilises_patterns_above_hebbian_capacity():
    n, p = 200, 50  # alpha = 0.25, well above the Hebbian 0.138
    xi = _pm((p, n), 13)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = {}
        for dreams in (0, 3000):
            w = store(xi, rule="unlearning", dreams=dreams, epsilon=0.01, seed=1)
            W = np.asarray(w)
            stable = (np.sign(xi @ W.T) == xi).all(axis=1).mean()
            cues = xi.copy()
            cues[np.random.default_rng(14).random(cues.shape) < 0.1] *= -1
            r = recall(w, cues, "async", seed=2, warn=False)
            results[dreams] = (stable, (r.states == xi).all(axis=1).mean())
    assert results[0][0] < 0.1 and results[0][1] < 0.1
    assert results[3000][0] > 0.9 and results[3000][1] > 0.9
