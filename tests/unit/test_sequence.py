"""memsim.hopfield.sequence against the plain-numpy reference (tests/reference_sequence.py)."""

from __future__ import annotations

import numba
import numpy as np
import pytest
import reference_sequence as ref

from memsim._rng import stream_states
from memsim.errors import MemsimError
from memsim.hopfield import sequence as sq


def _patterns(p, n, seed=0):
    rng = np.random.default_rng(seed)
    return np.where(rng.random((p, n)) < 0.5, 1, -1).astype(np.int8)


@pytest.mark.parametrize("cyclic", [False, True])
@pytest.mark.parametrize("lam", [0.0, 0.75])
def test_store_matches_reference(cyclic, lam):
    xi = _patterns(5, 17)
    w = sq.store(xi, cyclic=cyclic, lam=lam)
    fwd, sym = ref.store(xi, cyclic, lam)
    np.testing.assert_array_equal(w.forward * 17, fwd)
    np.testing.assert_array_equal(w.symmetric * 17, sym)
    np.testing.assert_allclose(np.asarray(w), (fwd + lam * sym) / 17)
    assert not w.forward.flags.writeable


@pytest.mark.parametrize("dynamics", ["sync", "async"])
@pytest.mark.parametrize("tau", [None, 4.0])
@pytest.mark.parametrize("lam", [0.0, 0.5])
@pytest.mark.parametrize("p", [4, 15])  # low-rank fields (2 P < N) and dense couplings
def test_recall_matches_reference(dynamics, tau, lam, p):
    n, steps = 24, 7
    xi = _patterns(p, n, 1)
    rng = np.random.default_rng(2)
    cues = xi[[0, 1, 2]].copy()
    cues[rng.random(cues.shape) < 0.15] *= -1
    w = sq.store(xi, cyclic=True, lam=lam)
    r = sq.recall(w, cues, steps, dynamics, tau=tau, seed=5)
    fwd, sym = ref.store(xi, True, lam)
    states = stream_states(5, (), 3)
    for b in range(3):
        want = ref.recall(fwd, sym, lam, cues[b], steps, dynamics, tau, states[b])
        np.testing.assert_array_equal(r.states[b], want)
        np.testing.assert_allclose(r.overlaps[b], want.astype(float) @ xi.T.astype(float) / n)
    assert r.states.shape == (3, steps + 1, n) and r.overlaps.shape == (3, steps + 1, p)


def test_sync_steps_through_sequence():
    xi = _patterns(8, 300, 3)
    r = sq.recall(sq.store(xi, cyclic=True), xi[0], 16)
    np.testing.assert_array_equal(r.recalled(), np.arange(17) % 8)
    assert (r.overlaps.max(axis=1) == 1.0).all()


def test_open_sequence_has_no_successor_for_last():
    xi = _patterns(4, 200, 4)
    r = sq.recall(sq.store(xi, cyclic=False), xi[0], 3)
    np.testing.assert_array_equal(r.recalled(), [0, 1, 2, 3])


def test_async_tau_dwells():
    xi = _patterns(6, 300, 5)
    r = sq.recall(sq.store(xi, cyclic=True, lam=0.5), xi[0], 60, "async", tau=8.0, seed=1)
    seq = r.recalled()
    changes = np.flatnonzero(np.diff(seq) != 0)
    # the order is the stored one, and patterns are held for several sweeps
    visited = seq[np.r_[0, changes + 1]]
    assert list(visited[:4]) == [0, 1, 2, 3]
    assert np.diff(changes).mean() > 3


def test_keep_state_at_zero_field():
    # two patterns equal up to sign on a pair of neurons give zero fields there
    xi = np.array([[1, 1, 1, 1], [1, -1, 1, -1]], dtype=np.int8)
    w = sq.store(xi, cyclic=False)
    # field from xi^1 alone: W s = xi^2 (xi^1 . s)/N; cue orthogonal to xi^1 gives h = 0
    cue = np.array([1, -1, -1, 1], dtype=np.int8)
    r = sq.recall(w, cue, 2)
    np.testing.assert_array_equal(r.states[-1], cue)


def test_thread_count_independent():
    xi = _patterns(10, 120, 6)
    cues = np.repeat(xi[:2], 4, axis=0)
    w = sq.store(xi, cyclic=True, lam=0.3)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = sq.recall(w, cues, 10, "async", tau=3.0, seed=9)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        b = sq.recall(w, cues, 10, "async", tau=3.0, seed=9)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(a.states, b.states)
    # a cue's result does not depend on the rest of the batch
    c = sq.recall(w, cues[:1], 10, "async", tau=3.0, seed=9)
    np.testing.assert_array_equal(c.states[0], a.states[0])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"patterns": np.zeros((2, 5))}, "patterns"),
        ({"patterns": [[1, -1, 1]], "lam": -1.0}, "lam"),
        ({"patterns": [[1, -1, 1]], "lam": float("nan")}, "lam"),
        ({"patterns": [1, -1, 1]}, "patterns"),
        ({"patterns": [[1, -1, np.nan]]}, "patterns"),
        ({"patterns": [[1, -1, 1]], "cyclic": "yes"}, "cyclic"),
    ],
)
def test_store_errors(kwargs, name):
    with pytest.raises(MemsimError, match=name):
        sq.store(**kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"cues": np.ones((2, 7))}, "cues"),
        ({"cues": np.zeros((2, 8))}, "cues"),
        ({"steps": 0}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"dynamics": "chaotic"}, "dynamics"),
        ({"tau": 0.5}, "tau"),
        ({"tau": float("inf")}, "tau"),
        ({"weights": np.eye(8)}, "weights"),
    ],
)
def test_recall_errors(kwargs, name):
    xi = _patterns(3, 8)
    args = {"weights": sq.store(xi), "cues": xi, "steps": 3}
    args.update(kwargs)
    with pytest.raises(MemsimError, match=name):
        sq.recall(**args)


def test_recall_unknown_keyword():
    xi = _patterns(3, 8)
    with pytest.raises(TypeError):
        sq.recall(sq.store(xi), xi, 3, bogus=1)


def test_njit_kernel_callable_from_user_njit():
    from memsim.hopfield import _sequence_kernels as K

    @numba.njit
    def run(m1, m2, rngs, s, frames):
        e = np.zeros((0, 16))
        K.run_batch(m1, m2, False, e, e, e, 0.0, False, 1.0, True, 2, rngs, s, frames)

    xi = _patterns(3, 16)
    m1 = np.rint(np.asarray(sq.store(xi, cyclic=True)) * 16)
    s = xi[:1].copy()
    frames = np.empty((1, 3, 16), np.int8)
    run(m1, np.zeros((0, 0)), stream_states(0, (), 1), s, frames)
    np.testing.assert_array_equal(frames[0, 1], xi[1])
