"""Dilution and unlearning of the classical network (memsim.hopfield.dilution via store)."""

from __future__ import annotations

import numpy as np
import pytest
import reference as ref
import reference_dilution as refd

from memsim._rng import stream_states
from memsim.errors import MemsimError
from memsim.hopfield import dilution as D
from memsim.hopfield import recall, store


def _pm(shape, seed):
    return np.where(np.random.default_rng(seed).random(shape) < 0.5, 1, -1).astype(np.int8)


def test_no_dilution_unchanged():
    xi = _pm((5, 40), 0)
    w = store(xi)
    assert w.rule == "hebbian" and w._integer is not None
    np.testing.assert_array_equal(w._integer, ref.hebbian_integer(xi))


def test_asymmetric_mask_exactly_c_inputs():
    xi = _pm((4, 60), 1)
    w = store(xi, dilution=7, seed=3)
    J = w._integer
    keep = J != 0
    full = ref.hebbian_integer(xi)
    # every kept coupling equals the Hebbian one; every neuron keeps exactly 7 inputs (a kept
    # Hebbian coupling can be 0, so check through the mask)
    m = D.mask(60, 7, "asymmetric", 3)
    assert (m.sum(axis=1) == 7).all() and not m.diagonal().any()
    np.testing.assert_array_equal(J, np.where(m, full, 0))
    assert not (keep & ~m).any()
    assert not np.array_equal(m, m.T)
    np.testing.assert_allclose(np.asarray(w), np.where(m, full, 0) / 7)
    assert w.rule == "hebbian-diluted" and not w.symmetric and w.info["dilution"] == 7


def test_symmetric_mask():
    m = D.mask(400, 10, "symmetric", 0)
    assert np.array_equal(m, m.T) and not m.diagonal().any()
    assert abs(m.sum(axis=1).mean() - 10) < 1.0
    w = store(_pm((3, 400), 2), dilution=10, dilution_kind="symmetric")
    assert w.symmetric


def test_dilution_of_real_valued_rule():
    xi = _pm((3, 30), 4)
    full = np.asarray(store(xi, rule="storkey"))
    w = store(xi, rule="storkey", dilution=5, seed=1)
    np.testing.assert_array_equal(np.asarray(w), np.where(D.mask(30, 5, "asymmetric", 1), full, 0))


@pytest.mark.parametrize("dynamics", ["sync", "async"])
def test_diluted_recall_matches_reference(dynamics):
    n = 50
    xi = _pm((6, n), 5)
    w = store(xi, dilution=9, seed=2)
    J = np.where(D.mask(n, 9, "asymmetric", 2), ref.hebbian_integer(xi), 0)
    cues = xi[:4].copy()
    cues[_pm(cues.shape, 6) < 0] *= -1
    r = recall(w, cues, dynamics, "fixed", max_sweeps=30, warn=False)
    for b in range(4):
        if dynamics == "sync":
            s, steps, stop, _ = ref.sync_recall(J, cues[b], 30, scale=9)
        else:
            s, steps, stop, *_ = ref.async_recall(J, cues[b], lambda k: range(n), 30, scale=9)
        np.testing.assert_array_equal(r.states[b], s)
        assert r.sweeps[b] == steps and r.stop[b] == stop


def test_unlearning_matches_reference():
    xi = _pm((6, 32), 7)
    # eps / N = 1/64 and 1/N = 1/32: every coupling is dyadic, so both sides are exact
    w = store(xi, rule="unlearning", dreams=15, epsilon=0.5, seed=4)
    state = stream_states(4, (D.UNLEARNING_STREAM_KEY,), 1)[0]
    np.testing.assert_array_equal(np.asarray(w), refd.unlearning(xi, 15, 0.5, 100, state))
    assert w.rule == "unlearning" and w.info["dream_states"].shape == (15, 32)
    np.testing.assert_array_equal(
        np.asarray(store(xi, rule="unlearning", dreams=0)), np.asarray(store(xi))
    )


def test_unlearning_with_dilution_shares_seed():
    xi = _pm((4, 30), 8)
    w = store(xi, rule="unlearning", dreams=3, seed=5, dilution=6)
    assert w.rule == "unlearning-diluted" and w.info["dilution_seed"] == 5


def test_overlap_maps():
    # finite-C exact map tends to erf for many connections
    m = np.array([0.2, 0.5, 0.8])
    np.testing.assert_allclose(D.diluted_overlap_map(m, 2000, 800), D.erf_map(m, 0.4), atol=3e-3)
    assert abs(D.diluted_overlap_map(1.0, 10, 1) - 1.0) < 1e-12
    assert abs(D.diluted_overlap_map(0.0, 10, 3)) < 1e-12


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"dilution": 0}, "dilution"),
        ({"dilution": 30}, "dilution"),
        ({"dilution": 2.5}, "dilution"),
        ({"dilution": 5, "dilution_kind": "random"}, "dilution_kind"),
        ({"dilution_kind": "symmetric"}, "dilution"),
        ({"dilution": 5, "seed": -1}, "seed"),
        ({"rule": "unlearning", "dreams": -1}, "dreams"),
        ({"rule": "unlearning", "epsilon": 0.0}, "epsilon"),
        ({"rule": "unlearning", "epsilon": float("nan")}, "epsilon"),
        ({"rule": "unlearning", "max_sweeps": 0}, "max_sweeps"),
    ],
)
def test_errors(kwargs, name):
    with pytest.raises(MemsimError, match=name):
        store(_pm((3, 30), 9), **kwargs)
