"""memsim.hopfield.willshaw against the plain-numpy reference (tests/reference_willshaw.py)."""

from __future__ import annotations

import numba
import numpy as np
import pytest
import reference_willshaw as ref

from memsim.errors import MemsimError
from memsim.experiments.studies import willshaw as studies
from memsim.hopfield import willshaw as ws


def _sparse(m, n, k, seed):
    return ws.sparse_patterns(m, n, k, np.random.default_rng(seed))


def test_sparse_patterns_have_k_ones():
    x = _sparse(50, 30, 4, 0)
    assert x.dtype == np.uint8 and (x.sum(1) == 4).all()


@pytest.mark.parametrize("auto", [False, True])
def test_store_matches_reference(auto):
    x, y = _sparse(20, 25, 3, 1), _sparse(20, 15, 2, 2)
    W = ws.store(x) if auto else ws.store(x, y)
    np.testing.assert_array_equal(W, ref.store(x, x if auto else y))
    assert W.dtype == np.uint8


@pytest.mark.parametrize(
    "threshold, k", [("active", None), ("max", None), ("kwta", 3), ("kwta", 1), (2, None)]
)
def test_recall_matches_reference(threshold, k):
    x, y = _sparse(40, 30, 4, 3), _sparse(40, 20, 3, 4)
    W = ws.store(x, y)
    cues = x[:10].copy()
    cues[:5, :] = 0
    cues[:5, :3] = 1  # some arbitrary cues, and one empty cue
    cues[5] = 0
    r = ws.recall(W, cues, threshold, k=k)
    out, sums, theta = ref.recall(W, cues, threshold, k)
    np.testing.assert_array_equal(r.output, out)
    np.testing.assert_array_equal(r.sums, sums)
    np.testing.assert_array_equal(r.theta, theta)


def test_clean_cues_recalled_without_misses_single_cue():
    x, y = _sparse(30, 200, 5, 5), _sparse(30, 150, 4, 6)
    W = ws.store(x, y)
    r = ws.recall(W, x[3])
    assert r.output.shape == (150,) and r.theta == 5.0
    np.testing.assert_array_equal(r.output, y[3])  # low load: no false positives either


def test_thread_count_independent():
    x, y = _sparse(300, 200, 6, 7), _sparse(300, 200, 6, 8)
    W = ws.store(x, y)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = ws.recall(W, x, "max")
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        b = ws.recall(W, x, "max")
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(a.output, b.output)


def test_theory_formulas():
    # p1 at M = 0 is 0, at large M tends to 1; fp = p1^K
    assert ws.fraction_set(0, 2, 2, 10, 10) == 0.0
    np.testing.assert_allclose(ws.fraction_set(1, 2, 3, 10, 10), 0.06)
    np.testing.assert_allclose(ws.false_positive_rate(0.5, 3), 0.125)
    # no false positives: I = M h(q) / N_in (every stored output bit fully recovered)
    q = 0.1
    h = -q * np.log2(q) - (1 - q) * np.log2(1 - q)
    np.testing.assert_allclose(ws.information_per_synapse(7, 2, 3, 50, 30, fp=0.0), 7 * h / 50)


@pytest.mark.parametrize(
    "args, kwargs, name",
    [
        ((np.full((2, 3), 2),), {}, "X_in"),
        ((np.ones((2, 3)), np.ones((3, 3))), {}, "rows"),
        ((np.ones((2, 3)), np.full((2, 3), np.nan)), {}, "X_out"),
        ((np.ones(3),), {}, "X_in"),
    ],
)
def test_store_errors(args, kwargs, name):
    with pytest.raises(MemsimError, match=name):
        ws.store(*args, **kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"weights": np.full((3, 4), 3)}, "weights"),
        ({"cues": np.ones((2, 5))}, "cues"),
        ({"cues": -np.ones((2, 4))}, "cues"),
        ({"threshold": "median"}, "threshold"),
        ({"threshold": -1.0}, "threshold"),
        ({"threshold": float("nan")}, "threshold"),
        ({"threshold": "kwta"}, "k"),
        ({"threshold": "kwta", "k": 0}, "k"),
        ({"threshold": "kwta", "k": 4}, "k"),
        ({"k": 2}, "k"),
    ],
)
def test_recall_errors(kwargs, name):
    args = {"weights": np.ones((3, 4)), "cues": np.ones((2, 4))}
    args.update(kwargs)
    with pytest.raises(MemsimError, match=name):
        ws.recall(**args)


def test_capacity_curve_errors():
    with pytest.raises(MemsimError, match="k_in"):
        studies.capacity_curve(10, 10, 11, 2, [5])
    with pytest.raises(MemsimError, match="m must"):
        studies.capacity_curve(10, 10, 2, 2, [0])
