"""Willshaw memory against Willshaw et al. (1969) and Palm (1980)."""

from __future__ import annotations

import numpy as np
import pytest

from memsim.experiments.studies import willshaw as studies
from memsim.hopfield import willshaw as ws

pytestmark = pytest.mark.validation


def test_fraction_set_false_positives_and_information():
    n, k = 800, 8
    ms = np.array([2000, 6900])  # p1 about 0.18 and 0.50
    c = studies.capacity_curve(n, n, k, k, ms, trials=2, cues=300, seed=2)
    # p1: each synapse set independently-ish; binomial sampling error over N^2 synapses x trials
    se = np.sqrt(c.p1_theory * (1 - c.p1_theory) / (2 * n * n))
    assert (np.abs(c.p1 - c.p1_theory) < 5 * se + 2e-3).all(), (c.p1, c.p1_theory)
    assert (c.misses == 0).all()  # clean cues with theta = K_in never miss a stored unit
    # false positives about p1^K (slightly above: the synapses seen by one cue are correlated)
    assert 0.7 < c.false_positive[1] / c.false_positive_theory[1] < 2.0
    assert c.false_positive[0] < 1e-4
    # information near p1 = 1/2 close to the prediction, and below the ln 2 bound
    assert abs(c.info[1] - c.info_theory[1]) < 0.05
    assert c.info[1] < np.log(2)


def test_information_bound_approaches_ln2():
    best = []
    for n, k in ((10**3, 10), (10**5, 17), (10**8, 27)):
        ms = np.geomspace(10, 5 * n * n / k / k, 4000)
        i = ws.information_per_synapse(ms, k, k, n, n)
        best.append(i.max())
        assert 0.4 < ws.fraction_set(ms[i.argmax()], k, k, n, n) < 0.7  # optimum near p1 = 1/2
    assert best[0] < best[1] < best[2] < np.log(2)
    assert np.log(2) - best[2] < 0.05
