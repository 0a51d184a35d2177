"""memsim.hopfield.bam against the plain-numpy reference (tests/reference_bam.py)."""

from __future__ import annotations

import numba
import numpy as np
import pytest
import reference_bam as ref

from memsim.errors import ConvergenceWarning, MemsimError
from memsim.hopfield import bam


def _pm(shape, seed):
    rng = np.random.default_rng(seed)
    return np.where(rng.random(shape) < 0.5, 1, -1).astype(np.int8)


def test_store_matches_reference():
    X, Y = _pm((7, 13), 0), _pm((7, 9), 1)
    W = bam.store(X, Y)
    assert W.shape == (9, 13) and W.dtype == np.int32
    np.testing.assert_array_equal(W, ref.store(X, Y))


@pytest.mark.parametrize("side", ["x", "y", "both"])
@pytest.mark.parametrize("p", [3, 12, 30])
def test_recall_matches_reference(side, p):
    X, Y = _pm((p, 40), 2), _pm((p, 30), 3)
    W = bam.store(X, Y)
    cx, cy = X[np.arange(6) % p].copy(), Y[np.arange(6) % p].copy()
    cx[_pm(cx.shape, 4) < 0] *= -1  # heavily corrupted cues so runs take several steps
    cy[_pm(cy.shape, 5) < 0] *= -1
    kw = {"x": cx} if side == "x" else {"y": cy} if side == "y" else {"x": cx, "y": cy}
    r = bam.recall(W, max_steps=20, seed=3, warn=False, **kw)
    for b in range(6):
        # the uncued side's start is not specified by the reference: take the engine's by
        # replaying with both sides given and the same first half-step
        x0 = cx[b] if side != "y" else None
        y0 = cy[b] if side != "x" else None
        xs = x0 if x0 is not None else _start(W, b, side)
        ys = y0 if y0 is not None else _start(W, b, side)
        x, y, half, fixed, e = ref.recall(W, xs, ys, side != "y", 40)
        np.testing.assert_array_equal(r.x[b], x)
        np.testing.assert_array_equal(r.y[b], y)
        assert r.steps[b] == half
        assert (r.stop[b] == "fixed_point") == fixed
        np.testing.assert_array_equal(r.energy[b, : half + 1], e)
        assert np.isnan(r.energy[b, half + 1 :]).all()


def _start(W, b, side):
    """The engine's documented random start of the uncued side (stream (seed, 0xBA))."""
    from memsim._rng import generator

    ny, nx = W.shape
    g = generator(3, 0xBA)
    if side == "x":  # x cued: y random, drawn after nothing else
        return np.where(g.random((6, ny)) < 0.5, 1, -1).astype(np.int8)[b]
    return np.where(g.random((6, nx)) < 0.5, 1, -1).astype(np.int8)[b]


def test_energy_never_increases_and_pairs_fixed_at_low_load():
    X, Y = _pm((5, 200), 6), _pm((5, 150), 7)
    W = bam.store(X, Y)
    r = bam.recall(W, x=X, y=Y, max_steps=5)
    assert r.converged.all() and (r.steps == 2).all()
    np.testing.assert_array_equal(r.x, X)
    np.testing.assert_array_equal(r.y, Y)
    cue = X.copy()
    cue[:, :60] *= -1
    r = bam.recall(W, x=cue, max_steps=10)
    np.testing.assert_array_equal(r.y, Y)
    np.testing.assert_array_equal(r.x, X)
    e = r.energy
    d = np.diff(e, axis=1)
    assert (d[~np.isnan(d)] <= 0).all()


def test_real_weights_and_single_cue():
    X, Y = _pm((3, 20), 8), _pm((3, 10), 9)
    W = bam.store(X, Y) * 0.37
    r = bam.recall(W, x=X[1])
    assert r.x.shape == (20,) and r.y.shape == (10,)
    np.testing.assert_array_equal(r.y, Y[1])


def test_limit_warns():
    X, Y = _pm((40, 20), 10), _pm((40, 20), 11)
    W = bam.store(X, Y)
    with pytest.warns(ConvergenceWarning):
        r = bam.recall(W, x=_pm((30, 20), 12), max_steps=1)
    assert (r.stop == "limit").any()


def test_thread_count_independent():
    X, Y = _pm((30, 60), 13), _pm((30, 50), 14)
    W = bam.store(X, Y)
    cues = _pm((16, 60), 15)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = bam.recall(W, x=cues, seed=2, warn=False)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        b = bam.recall(W, x=cues, seed=2, warn=False)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(a.y, b.y)
    np.testing.assert_array_equal(a.energy, b.energy)


@pytest.mark.parametrize(
    "X, Y, name",
    [
        (np.zeros((2, 4)), np.ones((2, 3)), "X"),
        (np.ones((2, 4)), [[1, 2, 1]] * 2, "Y"),
        (np.ones((2, 4)), np.ones((3, 3)), "rows"),
        (np.ones(4), np.ones((1, 3)), "X"),
        ([[1, np.nan]], [[1, 1]], "X"),
    ],
)
def test_store_errors(X, Y, name):
    with pytest.raises(MemsimError, match=name):
        bam.store(X, Y)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({}, "cue"),
        ({"x": np.ones((2, 5))}, "x"),
        ({"y": np.zeros((2, 3))}, "y"),
        ({"x": np.ones((2, 4)), "y": np.ones((3, 3))}, "rows"),
        ({"x": np.ones(4), "max_steps": 0}, "max_steps"),
        ({"x": np.ones(4), "weights": np.ones(3)}, "weights"),
        ({"x": np.ones(4), "weights": np.full((3, 4), np.nan)}, "weights"),
    ],
)
def test_recall_errors(kwargs, name):
    args = {"weights": np.ones((3, 4))}
    args.update(kwargs)
    with pytest.raises(MemsimError, match=name):
        bam.recall(**args)
