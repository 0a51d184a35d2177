"""Lazy Hebbian weights and the two field schemes of asynchronous recall (issue 18)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import reference as ref
from hopfield_data import noisy, rand_patterns

from memsim.errors import MemsimError
from memsim.hopfield import classical as C
from memsim.hopfield import energy, recall, store


# ----------------------------------------------------------------------- lazy object --------
def test_store_keeps_patterns_and_forms_the_matrix_only_when_asked():
    rng = np.random.default_rng(0)
    xi = rand_patterns(rng, 7, 40)
    w = store(xi)
    assert not w.formed
    assert "lazy" in repr(w)
    np.testing.assert_array_equal(w.patterns, xi)
    m = np.asarray(w)
    assert w.formed
    np.testing.assert_array_equal(m, ref.hebbian_weights(xi))
    np.testing.assert_array_equal(w._integer, ref.hebbian_integer(xi))
    assert w._integer.dtype == np.int16


def test_matrix_through_other_entry_points_equals_reference():
    rng = np.random.default_rng(1)
    xi = rand_patterns(rng, 5, 30)
    np.testing.assert_array_equal(store(xi).matrix, ref.hebbian_weights(xi))
    np.testing.assert_array_equal(
        np.asarray(store(xi), dtype=np.float32), ref.hebbian_weights(xi).astype(np.float32)
    )
    # a rule that transforms the couplings forms them (dilution keeps C of the integer J)
    d = store(xi, dilution=10, seed=3)
    assert d.formed


def test_recall_with_few_cues_leaves_the_matrix_unformed():
    rng = np.random.default_rng(2)
    xi = rand_patterns(rng, 5, 300)
    w = store(xi)
    r = recall(w, noisy(rng, xi[:2], 0.1), "async", targets=False)
    assert r.extra["fields"] == "low_rank"
    assert not w.formed
    recall(w, noisy(rng, xi[:2], 0.1), "sync", targets=False)
    assert not w.formed


def test_large_network_store_and_recall_do_not_allocate_n_squared():
    """N = 100000: the int16 N x N couplings would take 20 GB; the lazy path stays near P N."""
    n, p = 100_000, 8
    rng = np.random.default_rng(3)
    xi = (rng.integers(0, 2, size=(p, n), dtype=np.int8) * 2 - 1).astype(np.int8)
    cue = xi[:1].copy()
    cue[0, :1000] *= -1
    tracemalloc.start()
    try:
        w = store(xi)
        r = recall(w, cue, "async", "fixed", max_sweeps=3, targets=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not w.formed
    assert r.extra["fields"] == "low_rank"
    assert peak < 64 * p * n  # a few copies of the P x N patterns, never N x N
    np.testing.assert_array_equal(r.states[0], xi[0])


# ------------------------------------------------------------------- cost model -------------
def test_cost_model_formula_and_choices():
    n, p, b, f, s = 1000, 100, 100, 100.0, 3
    c = C.field_scheme_costs(n, p, b, f, s, formed=True)
    assert c["dense"] == pytest.approx(b * (s * n * C.COST_DENSE_CHECK + f * n * C.COST_DENSE_FLIP))
    assert c["low_rank"] == pytest.approx(b * (s * n + f) * p * C.COST_LOW_RANK)
    unformed = C.field_scheme_costs(n, p, b, f, s, formed=False)
    assert unformed["dense"] - c["dense"] == pytest.approx(
        n * n * p * C.COST_FORM_MAC + n * n * C.COST_FORM_ELEMENT
    )
    assert unformed["low_rank"] == c["low_rank"]
    # P << N and few cues: low rank; many flips with J formed and P comparable to N: dense
    few = C.field_scheme_costs(10_000, 20, 4, 1000.0, 3, formed=False)
    assert few["low_rank"] < few["dense"]
    many = C.field_scheme_costs(500, 200, 200, 250.0, 3, formed=True)
    assert many["dense"] < many["low_rank"]


def test_auto_choice_follows_the_cost_model():
    rng = np.random.default_rng(4)
    # P comparable to N, the matrix formed, noisy cues: dense
    xi = rand_patterns(rng, 120, 240)
    w = store(xi)
    np.asarray(w)
    r = recall(w, noisy(rng, xi[:50], 0.3), "async", targets=False, warn=False)
    assert r.extra["fields"] == "dense"
    # P << N, nothing formed: low rank
    xi = rand_patterns(rng, 3, 2000)
    r = recall(store(xi), noisy(rng, xi, 0.1), "async", targets=False)
    assert r.extra["fields"] == "low_rank"
    # non-Hebbian rules have only the dense scheme
    r = recall(store(xi[:, :200], "storkey"), xi[:, :200], "async", targets=False)
    assert r.extra["fields"] == "dense"


# ------------------------------------------------------- both schemes, same bits -------------
@pytest.mark.parametrize("order", ["fixed", "random"])
@pytest.mark.parametrize("temperature", [0.0, 0.4])
def test_low_rank_and_dense_give_identical_recall(order, temperature):
    rng = np.random.default_rng(5)
    xi = rand_patterns(rng, 12, 90)
    cues = noisy(rng, xi[rng.integers(0, 12, 10)], 0.25)
    clamp = rng.random(90) < 0.1
    kw = dict(order=order, max_sweeps=15, seed=9, temperature=temperature, warn=False)
    runs = {}
    for fields in ("low_rank", "dense"):
        runs[fields] = recall(store(xi), cues, "async", fields=fields, clamp=clamp, **kw)
        assert runs[fields].extra["fields"] == fields
    a, b = runs["low_rank"], runs["dense"]
    for name in ("states", "sweeps", "stop", "energy", "overlap", "flips"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_low_rank_matches_plain_reference_dynamics():
    rng = np.random.default_rng(6)
    xi = rand_patterns(rng, 6, 70)
    cue = noisy(rng, xi[2], 0.2)
    r = recall(store(xi), cue, "async", "fixed", 30, targets=xi[2], fields="low_rank")
    J, sc = ref.hebbian_integer(xi), xi.shape[1]
    s, sweeps, stop, en, ov = ref.async_recall(
        J, cue, lambda _: range(70), 30, target=xi[2], scale=sc
    )
    np.testing.assert_array_equal(r.states, s)
    assert r.sweeps[0] == sweeps and r.stop[0] == stop
    np.testing.assert_allclose(r.energy[0, : sweeps + 1], en, rtol=0, atol=1e-9)
    np.testing.assert_allclose(r.overlap[0, : sweeps + 1], ov, rtol=0, atol=1e-12)


def test_fields_option_errors():
    rng = np.random.default_rng(7)
    xi = rand_patterns(rng, 3, 20)
    with pytest.raises(MemsimError, match="unknown fields 'fast'.*auto, low_rank, dense"):
        recall(store(xi), xi, fields="fast")
    with pytest.raises(MemsimError, match="low_rank.*storkey"):
        recall(store(xi, "storkey"), xi, fields="low_rank")
    with pytest.raises(MemsimError, match="low_rank.*user"):
        recall(ref.hebbian_weights(xi), xi, fields="low_rank")


# --------------------------------------------------- exactness beyond float32 ---------------
def test_overlap_fields_exact_when_n_p_exceeds_float32_integers():
    """N P >= 2**24: float64 arithmetic, still the exact integers J s."""
    n, p = 32_768, 513
    assert n * p >= 2**24
    rng = np.random.default_rng(8)
    xi = (rng.integers(0, 2, size=(p, n), dtype=np.int8) * 2 - 1).astype(np.int8)
    s = xi[:2].copy()
    s[:, : n // 3] *= -1
    M, H = store(xi)._overlaps_and_fields(s)
    assert H.dtype == np.float64
    m_ref = s.astype(np.int64) @ xi.T.astype(np.int64)
    h_ref = m_ref @ xi.astype(np.int64) - p * s.astype(np.int64)
    np.testing.assert_array_equal(M, m_ref)
    np.testing.assert_array_equal(H, h_ref)


def test_energy_from_overlaps_equals_matrix_energy(monkeypatch):
    rng = np.random.default_rng(9)
    xi = rand_patterns(rng, 4, 150)
    states = noisy(rng, xi[:3], 0.3)
    want = np.array([ref.energy(ref.hebbian_weights(xi), s) for s in states])
    monkeypatch.setattr(C, "_ENERGY_DENSE_MAX_N", 10)
    w = store(xi)
    np.testing.assert_allclose(energy(w, states), want, rtol=1e-12, atol=1e-12)
    assert not w.formed


def test_pattern_check_rejects_int8_wraparound_and_zero():
    x = np.ones((2, 10), dtype=np.int8)
    x[1, 3] = -128  # abs(-128) wraps to -128 in int8
    with pytest.raises(MemsimError, match="only -1 and \\+1"):
        store(x)
    x[1, 3] = 0
    with pytest.raises(MemsimError, match="only -1 and \\+1"):
        store(x)
