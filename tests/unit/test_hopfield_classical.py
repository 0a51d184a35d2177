"""Classical Hopfield engine against the plain references in tests/reference.py."""

from __future__ import annotations

import numpy as np
import pytest
import reference as ref
from hypothesis import given
from hypothesis import strategies as st

from memsim import _rng
from memsim.errors import ConvergenceWarning, MemsimError
from memsim.hopfield import energy, overlaps, recall, store


def rand_patterns(rng, p, n):
    return rng.choice(np.array([-1, 1], np.int8), size=(p, n))


def flip(rng, x, frac):
    c = x.copy()
    m = rng.random(c.shape) < frac
    c[m] *= -1
    return c


def fixed_order_reference(xi, cues, max_sweeps, **per_cue):
    """(b, reference asynchronous recall of cue b in fixed order) with the integer Hebbian
    weights of ``xi``; ``per_cue`` holds arrays (B, ...) of keyword options, row b for cue b."""
    W, n = ref.hebbian_integer(xi), xi.shape[1]
    for b in range(len(cues)):
        opts = {k: v[b] for k, v in per_cue.items()}
        yield b, ref.async_recall(W, cues[b], lambda k: range(n), max_sweeps, scale=n, **opts)


# ------------------------------------------------------------------------------- RNG ----------
def test_rng_streams_match_independent_xoshiro():
    states = _rng.stream_states(42, (3, 1), 5)
    base = int(np.random.SeedSequence(42, spawn_key=(3, 1)).generate_state(1, np.uint64)[0])
    np.testing.assert_array_equal(states, ref.splitmix_states(base, 5))
    st_fast = states[2].copy()
    st_ref = ref.Xoshiro(states[2])
    for _ in range(10):
        assert int(_rng.next_u64(st_fast)) == st_ref.next()
    arr = np.arange(17)
    lst = list(range(17))
    _rng.shuffle(st_fast, arr)
    st_ref.shuffle(lst)
    assert arr.tolist() == lst


def test_rng_stream_independent_of_count():
    a = _rng.stream_states(1, (2,), 3)
    b = _rng.stream_states(1, (2,), 10)
    np.testing.assert_array_equal(a, b[:3])
    assert not np.array_equal(a[0], a[1])


# ------------------------------------------------------------------------------ storage -------
@pytest.mark.parametrize("p,n", [(1, 7), (3, 12), (9, 16), (20, 10)])
def test_hebbian_matches_loop(p, n):
    xi = rand_patterns(np.random.default_rng(p * n), p, n)
    w = store(xi)
    np.testing.assert_array_equal(np.asarray(w), ref.hebbian_weights(xi))
    assert np.asarray(w).shape == (n, n)
    assert np.all(np.diag(np.asarray(w)) == 0)
    assert w.rule == "hebbian"


def test_store_rejects_bad_patterns():
    with pytest.raises(MemsimError, match="only -1 and \\+1"):
        store(np.array([[0, 1, 1]]))
    with pytest.raises(MemsimError, match="2-D"):
        store(np.array([1, -1, 1]))
    with pytest.raises(MemsimError, match="unknown storage rule"):
        store(np.ones((2, 4)), rule="oja")


# --------------------------------------------------------------------------- async recall -----
@pytest.mark.parametrize("p,n", [(3, 40), (30, 40)])  # low-rank and dense field paths
def test_async_fixed_order_matches_reference(p, n):
    rng = np.random.default_rng(5)
    xi = rand_patterns(rng, p, n)
    w = store(xi)
    cues = flip(rng, xi[:3], 0.25)
    res = recall(w, cues, "async", "fixed", max_sweeps=30, targets=xi[:3], warn=False)
    for b, (s, sw, stop, en, ov) in fixed_order_reference(xi, cues, 30, target=xi[:3]):
        np.testing.assert_array_equal(res.states[b], s)
        assert res.sweeps[b] == sw
        assert res.stop[b] == stop
        np.testing.assert_allclose(res.energy[b, : sw + 1], en, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(res.overlap[b, : sw + 1], ov, atol=1e-12)
        assert np.isnan(res.energy[b, sw + 1 :]).all()


def test_async_random_order_matches_reference_with_same_stream():
    rng = np.random.default_rng(9)
    n = 30
    xi = rand_patterns(rng, 4, n)
    cues = flip(rng, xi, 0.3)
    res = recall(store(xi), cues, "async", "random", max_sweeps=20, seed=11, stream=(7,))
    states = _rng.stream_states(11, (7,), len(cues))
    W, sc = ref.hebbian_integer(xi), xi.shape[1]
    for b in range(len(cues)):
        gen = ref.Xoshiro(states[b])
        perm = list(range(n))

        def orders(_sweep, gen=gen, perm=perm):
            gen.shuffle(perm)  # the permutation is shuffled in place, sweep after sweep
            return list(perm)

        s, sw, stop, en, _ = ref.async_recall(W, cues[b], orders, 20, scale=sc)
        np.testing.assert_array_equal(res.states[b], s)
        assert res.sweeps[b] == sw
        np.testing.assert_allclose(res.energy[b, : sw + 1], en, atol=1e-12)


def test_real_valued_weights_path_matches_reference():
    rng = np.random.default_rng(3)
    n = 25
    a = rng.normal(size=(n, n))
    W = (a + a.T) / 2
    np.fill_diagonal(W, 0)
    theta = rng.normal(scale=0.1, size=n)
    cues = rng.choice(np.array([-1, 1], np.int8), size=(4, n))
    res = recall(W, cues, "async", "fixed", max_sweeps=50, theta=theta)
    for b in range(4):
        s, sw, stop, en, _ = ref.async_recall(W, cues[b], lambda k: range(n), 50, theta=theta)
        np.testing.assert_array_equal(res.states[b], s)
        assert res.stop[b] == stop
        np.testing.assert_allclose(res.energy[b, : sw + 1], en, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dyn", ["async", "sync"])
def test_clamped_neurons_hold_their_cue_values(dyn):
    rng = np.random.default_rng(8)
    n = 50
    xi = rand_patterns(rng, 6, n)
    cues = flip(rng, xi, 0.4)
    clamp = np.zeros((6, n), dtype=bool)
    clamp[:, :20] = True
    res = recall(store(xi), cues, dyn, "fixed", 30, clamp=clamp, warn=False)
    np.testing.assert_array_equal(res.states[:, :20], cues[:, :20])
    if dyn == "async":
        for b, (s, sw, *_) in fixed_order_reference(xi, cues, 30, clamp=clamp):
            np.testing.assert_array_equal(res.states[b], s)
            assert res.sweeps[b] == sw


# ---------------------------------------------------------------------------- sync recall -----
@pytest.mark.parametrize("p,n", [(3, 40), (25, 40)])
def test_sync_matches_reference(p, n):
    rng = np.random.default_rng(p)
    xi = rand_patterns(rng, p, n)
    cues = flip(rng, xi[:5], 0.3)
    res = recall(store(xi), cues, "sync", max_sweeps=40, warn=False)
    W, sc = ref.hebbian_integer(xi), xi.shape[1]
    for b in range(len(cues)):
        s, steps, stop, en = ref.sync_recall(W, cues[b], 40, scale=sc)
        np.testing.assert_array_equal(res.states[b], s)
        assert res.sweeps[b] == steps
        assert res.stop[b] == stop
        np.testing.assert_allclose(res.energy[b, : steps + 1], en, atol=1e-10)


def test_sync_two_cycle_detected():
    W = np.array([[0.0, 1.0], [1.0, 0.0]])
    res = recall(W, np.array([[1, -1]]), "sync", max_sweeps=10)
    assert res.stop[0] == "cycle"
    assert res.sweeps[0] == 2
    np.testing.assert_array_equal(res.states[0], [1, -1])
    # async from the same state reaches a fixed point
    res2 = recall(W, np.array([[1, -1]]), "async", "fixed", max_sweeps=10)
    assert res2.stop[0] == "fixed_point"


def test_limit_reported_and_warned():
    W = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.warns(ConvergenceWarning, match="max_sweeps=1"):
        res = recall(W, np.array([[1, -1]]), "sync", max_sweeps=1)
    assert res.stop[0] == "limit"


def test_tie_keeps_state():
    # two patterns that cancel on neuron 0: h_0 = 0 exactly
    xi = np.array([[1, 1, 1], [-1, 1, 1]], np.int8)
    w = store(xi)
    cue = np.array([1, 1, 1], np.int8)
    h = np.asarray(w) @ cue
    assert h[0] == 0
    for start in (1, -1):
        c = cue.copy()
        c[0] = start
        r = recall(w, c, "sync", max_sweeps=1, warn=False)
        assert r.states[0] == start


# ------------------------------------------------------------------------------- properties ---
@given(
    n=st.integers(4, 40),
    p=st.integers(1, 12),
    seed=st.integers(0, 10_000),
    temperature=st.sampled_from([0.0, 0.5]),
)
def test_async_energy_never_increases_at_zero_temperature(n, p, seed, temperature):
    rng = np.random.default_rng(seed)
    xi = rand_patterns(rng, p, n)
    cues = rng.choice(np.array([-1, 1], np.int8), size=(3, n))
    res = recall(store(xi), cues, "async", "random", 25, seed, temperature=temperature, warn=False)
    for b in range(3):
        e = res.energy[b, : res.sweeps[b] + 1]
        np.testing.assert_allclose(e[-1], energy(store(xi), res.states[b]), atol=1e-9)
        if temperature == 0.0:
            assert np.all(np.diff(e) <= 1e-12)


@given(n=st.integers(4, 30), seed=st.integers(0, 10_000))
def test_energy_monotone_for_random_symmetric_weights(n, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    W = a + a.T
    np.fill_diagonal(W, 0.0)
    cues = rng.choice(np.array([-1, 1], np.int8), size=(2, n))
    res = recall(W, cues, "async", "random", 200, seed)
    for b in range(2):
        e = res.energy[b, : res.sweeps[b] + 1]
        assert np.all(np.diff(e) <= 1e-9)


@given(n=st.integers(10, 60), seed=st.integers(0, 10_000), dyn=st.sampled_from(["async", "sync"]))
def test_fixed_point_stays_put(n, seed, dyn):
    rng = np.random.default_rng(seed)
    xi = rand_patterns(rng, 3, n)
    w = store(xi)
    first = recall(w, xi, "async", "random", 100, seed, warn=False)
    fixed = first.states[first.converged]
    if len(fixed) == 0:
        return
    again = recall(w, fixed, dyn, "random", 5, seed + 1)
    np.testing.assert_array_equal(again.states, fixed)
    assert (again.sweeps == 1).all()
    assert (again.stop == "fixed_point").all()


@pytest.mark.parametrize("dyn,temp", [("async", 0.0), ("async", 0.3), ("sync", 0.3)])
def test_thread_count_does_not_change_results(dyn, temp):
    rng = np.random.default_rng(1)
    xi = rand_patterns(rng, 10, 120)
    cues = flip(rng, np.repeat(xi, 3, axis=0), 0.2)
    w = store(xi)
    a = recall(w, cues, dyn, "random", 10, 5, temperature=temp, threads=1, warn=False)
    b = recall(w, cues, dyn, "random", 10, 5, temperature=temp, threads=2, warn=False)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.energy, b.energy)
    # and a cue's result does not depend on which other cues share the batch
    c = recall(w, cues[5:9], dyn, "random", 10, 5, temperature=temp, warn=False)
    d = recall(w, cues[5:9], dyn, "random", 10, 5, temperature=temp, warn=False)
    np.testing.assert_array_equal(c.states, d.states)


def test_glauber_high_temperature_melts_pattern():
    rng = np.random.default_rng(2)
    xi = rand_patterns(rng, 2, 200)
    r = recall(store(xi), xi, "async", "random", 20, 1, temperature=5.0, targets=xi)
    assert abs(r.overlap[:, -1]).max() < 0.35  # T = 5 >> 1: no retrieval
    r0 = recall(store(xi), xi, "async", "random", 20, 1, temperature=0.1, targets=xi)
    assert r0.overlap[:, -1].min() > 0.9


# ---------------------------------------------------------------------------------- misc ------
def test_result_arrays_read_only_and_overlaps():
    xi = rand_patterns(np.random.default_rng(0), 2, 20)
    r = recall(store(xi), xi, warn=False)
    with pytest.raises(ValueError):
        r.states[0, 0] = 1
    np.testing.assert_allclose(overlaps(xi, xi), (xi @ xi.T) / 20)


def test_single_cue_returns_1d():
    xi = rand_patterns(np.random.default_rng(0), 2, 20)
    r = recall(store(xi), xi[0])
    assert r.states.shape == (20,)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"cues": np.ones((2, 5))}, "shape"),
        ({"cues": np.zeros((1, 20))}, "only -1 and \\+1"),
        ({"dynamics": "glauber"}, "unknown dynamics"),
        ({"order": "sorted"}, "unknown update order"),
        ({"max_sweeps": 0}, "max_sweeps"),
        ({"temperature": -1.0}, "temperature"),
    ],
)
def test_recall_errors(kwargs, match):
    xi = rand_patterns(np.random.default_rng(0), 2, 20)
    args = {"cues": xi, **kwargs}
    cues = args.pop("cues")
    with pytest.raises(MemsimError, match=match):
        recall(store(xi), cues, **args)


@pytest.mark.parametrize("dyn", ["async", "sync"])
def test_recorded_states(dyn):
    rng = np.random.default_rng(4)
    xi = rand_patterns(rng, 3, 64)
    cues = flip(rng, xi, 0.3)
    r = recall(store(xi), cues, dyn, "random", 12, 2, record_states=True, targets=xi, warn=False)
    fr = r.extra["states"]
    assert fr.shape == (3, 13, 64)
    np.testing.assert_array_equal(fr[:, 0], cues)
    np.testing.assert_array_equal(fr[:, -1], r.states)
    for b in range(3):
        for k in range(r.sweeps[b] + 1):
            assert (fr[b, k].astype(int) @ xi[b]) / 64 == pytest.approx(r.overlap[b, k])


def test_energy_trace_for_non_symmetric_weights():
    rng = np.random.default_rng(12)
    n = 30
    W = rng.normal(size=(n, n))
    np.fill_diagonal(W, 0.0)
    cues = rng.choice(np.array([-1, 1], np.int8), size=(3, n))
    for dyn in ("async", "sync"):
        res = recall(W, cues, dyn, "fixed", 15, warn=False, record_states=True)
        fr = res.extra["states"]
        for b in range(3):
            k = res.sweeps[b] + 1
            np.testing.assert_allclose(
                res.energy[b, :k], [ref.energy(W, s) for s in fr[b, :k]], atol=1e-9
            )
