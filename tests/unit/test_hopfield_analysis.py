"""Classification of final states and order dependence."""

from __future__ import annotations

import numpy as np
import pytest

from memsim.errors import MemsimError
from memsim.hopfield import store
from memsim.hopfield.analysis import OUTCOMES, classify_states, order_dependence


def test_each_class_is_recognised():
    rng = np.random.default_rng(0)
    n = 400
    xi = rng.choice(np.array([-1, 1], np.int8), size=(10, n))
    mix3 = np.sign(xi[2].astype(int) - xi[5] + xi[7]).astype(np.int8)
    noise = rng.choice(np.array([-1, 1], np.int8), size=n)
    states = np.stack([xi[0], xi[1], -xi[3], mix3, noise, xi[4]])
    cued = np.array([0, 0, 3, 2, 1, 9])
    out = classify_states(xi, states, cued)
    assert out.label.tolist() == ["cued", "other", "reversed", "mixture", "spurious", "other"]
    assert out.pattern.tolist() == [0, 1, 3, -1, -1, 4]
    assert out.mixture[3] == "+2-5+7"
    assert out.overlap[3] == pytest.approx(1.0)
    # overlaps of a symmetric 3-mixture with its patterns are about 1/2 (AGS 1985)
    m = (xi[[2, 5, 7]].astype(float) @ mix3) / n
    np.testing.assert_allclose(np.abs(m), 0.5, atol=0.1)
    counts = out.counts()
    assert set(counts) == set(OUTCOMES) and sum(counts.values()) == 6


def test_threshold_and_errors():
    xi = np.array([[1, 1, 1, 1], [1, -1, 1, -1]], np.int8)
    s = np.array([[1, 1, 1, -1]], np.int8)  # overlap 0.5 with pattern 0
    assert classify_states(xi, s, [0], threshold=0.5).label[0] == "cued"
    assert classify_states(xi, s, [0], threshold=0.9).label[0] == "spurious"
    with pytest.raises(MemsimError):
        classify_states(xi, np.ones((1, 3), np.int8))


def test_order_dependence_detected_at_high_load():
    rng = np.random.default_rng(1)
    n = 100
    xi = rng.choice(np.array([-1, 1], np.int8), size=(30, n))  # load 0.3: rugged landscape
    cues = rng.choice(np.array([-1, 1], np.int8), size=(10, n))
    dep, distinct = order_dependence(store(xi), cues, repeats=4, seed=3)
    assert dep.any()
    assert (distinct >= 1).all() and (distinct <= 4).all()
    # a stored pattern at low load is reached whatever the order
    low = xi[:2]
    dep2, distinct2 = order_dependence(store(low), low, repeats=3)
    assert not dep2.any() and (distinct2 == 1).all()
