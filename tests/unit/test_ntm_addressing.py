"""NTM addressing, read and write against the plain references (Graves et al. 2014, sec. 3)."""

from __future__ import annotations

import numpy as np
import pytest
import reference_ntm as ref
from hypothesis import given
from hypothesis import strategies as st

import memsim.ntm as ntm
from memsim.errors import MemsimError, MemsimWarning

# ---- strategies ------------------------------------------------------------------------------


@st.composite
def head_case(draw, zero_rows=False):
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 12))
    m = draw(st.integers(1, 6))
    r = draw(st.integers(0, 3))
    mem = rng.normal(size=(n, m))
    if zero_rows or draw(st.booleans()):
        mem[rng.random(n) < 0.4] = 0.0
    key = rng.normal(size=m)
    if draw(st.integers(0, 5)) == 0:
        key[:] = 0.0
    beta = draw(st.sampled_from([0.0, 0.5, 3.0, 50.0]))
    g = draw(st.sampled_from([0.0, 0.3, 1.0]))
    s = rng.random(2 * r + 1) ** 3
    s /= s.sum()
    gamma = draw(st.sampled_from([1.0, 1.7, 4.0]))
    w_prev = rng.random(n)
    w_prev /= w_prev.sum()
    return mem, key, beta, g, s, gamma, w_prev


def _random_dist(rng, n):
    w = rng.random(n) ** 2
    return w / w.sum()


# ---- stages vs reference ---------------------------------------------------------------------


@given(head_case())
def test_cosine_and_content_match_reference(case):
    mem, key, beta, *_ = case
    cos = ntm.cosine_similarity(mem, key)
    want = np.array([ref.cosine(key, row, 1e-6) for row in mem])
    np.testing.assert_allclose(cos, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        ntm.content_weighting(mem, key, beta), ref.content_weighting(mem, key, beta), rtol=1e-10
    )


@given(head_case())
def test_interpolate_shift_sharpen_match_reference(case):
    mem, key, beta, g, s, gamma, w_prev = case
    wc = ref.content_weighting(mem, key, beta)
    np.testing.assert_allclose(
        ntm.interpolate(wc, w_prev, g), ref.interpolate(wc, w_prev, g), rtol=1e-13, atol=1e-16
    )
    n = mem.shape[0]
    if len(s) > n:
        with pytest.warns(MemsimWarning):
            got = ntm.circular_shift(w_prev, s)
    else:
        got = ntm.circular_shift(w_prev, s)
    np.testing.assert_allclose(got, ref.shift(w_prev, s), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        ntm.sharpen(w_prev, gamma), ref.sharpen(w_prev, gamma), rtol=1e-11, atol=1e-300
    )


@given(head_case())
def test_address_matches_reference_and_is_a_distribution(case):
    mem, key, beta, g, s, gamma, w_prev = case
    if len(s) > mem.shape[0]:
        with pytest.warns(MemsimWarning):
            w = ntm.address(mem, key, beta, g, s, gamma, w_prev)
    else:
        w = ntm.address(mem, key, beta, g, s, gamma, w_prev)
    np.testing.assert_allclose(
        w, ref.address(mem, key, beta, g, s, gamma, w_prev), rtol=1e-10, atol=1e-15
    )
    assert np.all(np.isfinite(w))
    assert np.all(w >= 0)
    assert abs(w.sum() - 1.0) < 1e-12


@given(head_case(zero_rows=True))
def test_weightings_are_distributions_at_every_stage(case):
    mem, key, beta, g, s, gamma, w_prev = case
    for w in (
        ntm.content_weighting(mem, key, beta),
        ntm.interpolate(ntm.content_weighting(mem, key, beta), w_prev, g),
        ntm.sharpen(w_prev, gamma),
    ):
        assert np.all(np.isfinite(w)) and np.all(w >= 0)
        assert abs(w.sum() - 1.0) < 1e-12


def test_batched_heads_equal_single_heads():
    rng = np.random.default_rng(1)
    mem = rng.normal(size=(9, 4))
    keys = rng.normal(size=(3, 4))
    betas = np.array([0.0, 2.0, 30.0])
    gates = np.array([0.0, 0.5, 1.0])
    shifts = np.stack([_random_dist(rng, 3) for _ in range(3)])
    gammas = np.array([1.0, 2.0, 5.0])
    prev = np.stack([_random_dist(rng, 9) for _ in range(3)])
    got = ntm.address(mem, keys, betas, gates, shifts, gammas, prev)
    assert got.shape == (3, 9)
    for h in range(3):
        one = ntm.address(mem, keys[h], betas[h], gates[h], shifts[h], gammas[h], prev[h])
        np.testing.assert_array_equal(got[h], one)
    # scalars and one shared shift broadcast over the heads
    got2 = ntm.address(mem, keys, 2.0, 0.5, shifts[0], 2.0, prev)
    for h in range(3):
        np.testing.assert_array_equal(
            got2[h], ntm.address(mem, keys[h], 2.0, 0.5, shifts[0], 2.0, prev[h])
        )


# ---- conventions -----------------------------------------------------------------------------


def test_shift_orders_are_the_same_distribution_reordered():
    rng = np.random.default_rng(2)
    w = _random_dist(rng, 7)
    s = _random_dist(rng, 5)  # -R..R, R = 2
    base = ntm.circular_shift(w, s)
    np.testing.assert_allclose(ntm.circular_shift(w, s[::-1], shift_order="+R..-R"), base)
    s_roll = np.array([s[2], s[3], s[4], s[0], s[1]])  # 0, +1, +2, -2, -1
    np.testing.assert_allclose(ref.roll_to_canonical(s_roll), s)
    np.testing.assert_allclose(ntm.circular_shift(w, s_roll, shift_order="roll"), base)
    np.testing.assert_allclose(ntm.circular_shift(w, s_roll, shift_order="0,+1..,-R..-1"), base)
    np.testing.assert_allclose(ntm.shift_to_canonical(s_roll, "roll"), s)
    np.testing.assert_allclose(ntm.shift_from_canonical(s, "roll"), s_roll)


def test_default_shift_order_plus_one_moves_forward():
    # entries are offsets -1, 0, +1: mass on +1 moves slot 1 -> slot 2 (Graves et al. eq. 8)
    w = np.array([0.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(ntm.circular_shift(w, [0.0, 0.0, 1.0]), [0, 0, 1, 0])
    np.testing.assert_array_equal(ntm.circular_shift(w, [1.0, 0.0, 0.0]), [1, 0, 0, 0])
    # wrap-around: the last slot moves to slot 0
    np.testing.assert_array_equal(ntm.circular_shift([0, 0, 0, 1.0], [0, 0, 1.0]), [1, 0, 0, 0])
    np.testing.assert_array_equal(ntm.one_hot_shift(1, 2), [0, 0, 0, 1, 0])
    np.testing.assert_array_equal(ntm.one_hot_shift(1, 1, "roll"), [0, 1, 0])


@given(st.integers(1, 40), st.integers(0, 39), st.integers(-3, 3), st.sampled_from([1.0, 3.0]))
def test_one_hot_shift_moves_one_hot_weighting_exactly(n, pos, offset, gamma):
    pos %= n
    w = np.zeros(n)
    w[pos] = 1.0
    s = ntm.one_hot_shift(offset, 3)
    mem = np.ones((n, 2))
    if len(s) > n:
        with pytest.warns(MemsimWarning):
            out = ntm.address(mem, [1.0, 0.0], 5.0, 0.0, s, gamma, w)
    else:
        out = ntm.address(mem, [1.0, 0.0], 5.0, 0.0, s, gamma, w)
    want = np.zeros(n)
    want[(pos + offset) % n] = 1.0
    np.testing.assert_array_equal(out, want)


def test_cosine_eps_option_and_zero_rows_give_no_nan():
    mem = np.zeros((4, 3))
    mem[1] = [1.0, 2.0, 2.0]
    key = np.array([2.0, 4.0, 4.0])
    for eps in (0.0, 1e-6, 1e-2):
        cos = ntm.cosine_similarity(mem, key, cosine_eps=eps)
        assert np.all(np.isfinite(cos))
        assert cos[0] == 0.0 and cos[2] == 0.0
        np.testing.assert_allclose(cos[1], 18.0 / (3.0 * 6.0 + eps))
    np.testing.assert_array_equal(ntm.content_weighting(mem, key, 0.0), np.full(4, 0.25))
    zero_key = ntm.content_weighting(mem, np.zeros(3), 10.0, cosine_eps=0.0)
    np.testing.assert_allclose(zero_key, 0.25)
    w = ntm.address(np.zeros((5, 3)), np.zeros(3), 100.0, 1.0, [0.2, 0.6, 0.2], 3.0, np.zeros(5))
    np.testing.assert_allclose(w, 0.2)


def test_sharpen_is_finite_for_huge_gamma_and_keeps_zero_weighting_zero():
    w = np.array([0.4, 0.35, 0.25])
    out = ntm.sharpen(w, 5000.0)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, [1.0, 0.0, 0.0], atol=1e-250)
    np.testing.assert_array_equal(ntm.sharpen(np.zeros(3), 2.0), np.zeros(3))


def test_gate_zero_and_one_select_previous_and_content_exactly():
    rng = np.random.default_rng(3)
    mem = rng.normal(size=(6, 3))
    key = rng.normal(size=3)
    prev = _random_dist(rng, 6)
    ident = [0.0, 1.0, 0.0]
    wc = ntm.content_weighting(mem, key, 4.0)
    np.testing.assert_array_equal(
        ntm.address(mem, key, 4.0, 0.0, ident, 1.0, prev), ntm.sharpen(prev, 1.0)
    )
    np.testing.assert_array_equal(
        ntm.address(mem, key, 4.0, 1.0, ident, 1.0, prev), ntm.sharpen(wc, 1.0)
    )


# ---- read / write ----------------------------------------------------------------------------


@given(st.integers(0, 2**31 - 1), st.integers(1, 3))
def test_read_and_multihead_write_match_reference(seed, heads):
    rng = np.random.default_rng(seed)
    n, m = 7, 4
    mem = rng.normal(size=(n, m))
    ws = np.stack([_random_dist(rng, n) for _ in range(heads)])
    erase = rng.random((heads, m))
    add = rng.normal(size=(heads, m))
    np.testing.assert_allclose(ntm.read(mem, ws[0]), ref.read(mem, ws[0]), rtol=1e-12)
    np.testing.assert_allclose(ntm.read(mem, ws), [ref.read(mem, w) for w in ws], rtol=1e-12)
    before = mem.copy()
    got = ntm.write(mem, ws, erase, add)
    np.testing.assert_array_equal(mem, before)  # input not modified
    np.testing.assert_allclose(got, ref.write(mem, ws, erase, add), rtol=1e-12, atol=1e-15)
    # the order of the heads does not matter (erases commute, adds commute)
    perm = rng.permutation(heads)
    np.testing.assert_allclose(ntm.write(mem, ws[perm], erase[perm], add[perm]), got, rtol=1e-12)
    np.testing.assert_array_equal(ntm.write(mem, ws[0], erase[0], add[0]).shape, (n, m))


@given(st.integers(0, 2**31 - 1), st.integers(1, 20), st.integers(1, 8))
def test_erase_one_with_one_hot_weighting_clears_exactly_one_slot(seed, n, m):
    rng = np.random.default_rng(seed)
    mem = rng.normal(size=(n, m))
    slot = int(rng.integers(n))
    w = np.zeros(n)
    w[slot] = 1.0
    out = ntm.write(mem, w, np.ones(m), np.zeros(m))
    assert np.all(out[slot] == 0.0)
    keep = np.arange(n) != slot
    np.testing.assert_array_equal(out[keep], mem[keep])
    # erase then add replaces the slot exactly; a one-hot read returns it bit for bit
    a = rng.normal(size=m)
    out2 = ntm.write(mem, w, np.ones(m), a)
    np.testing.assert_array_equal(out2[slot], a)
    np.testing.assert_array_equal(ntm.read(out2, w), a)


def test_init_memory_options():
    c = ntm.init_memory(5, 3)
    np.testing.assert_array_equal(c, np.full((5, 3), 1e-6))
    np.testing.assert_array_equal(ntm.init_memory(5, 3, "zero"), np.zeros((5, 3)))
    u = ntm.init_memory(50, 14, "uniform", seed=3)
    bound = 1 / np.sqrt(64)
    assert np.all(np.abs(u) <= bound) and u.std() > bound / 3
    np.testing.assert_array_equal(u, ntm.init_memory(50, 14, "uniform", seed=3))
    assert not np.array_equal(u, ntm.init_memory(50, 14, "uniform", seed=4))


# ---- raw controller maps ---------------------------------------------------------------------


def test_raw_output_maps():
    x = np.array([-800.0, -3.0, 0.0, 2.5, 800.0])
    np.testing.assert_allclose(ntm.softplus(x[1:4]), np.log1p(np.exp(x[1:4])))
    assert ntm.softplus(800.0) == 800.0 and ntm.softplus(-800.0) >= 0.0
    np.testing.assert_allclose(ntm.sigmoid(x[1:4]), 1 / (1 + np.exp(-x[1:4])))
    assert ntm.sigmoid(800.0) == 1.0 and ntm.sigmoid(-800.0) == 0.0
    np.testing.assert_allclose(ntm.oneplus(0.0), 1 + np.log(2.0))
    sm = ntm.softmax([1.0, 2.0, 1000.0])
    assert np.all(np.isfinite(sm)) and abs(sm.sum() - 1) < 1e-15
    raw = np.arange(4 + 3 + 3 + 8, dtype=float) / 10 - 0.5  # M = 4, R = 1, write head
    p = ntm.ntm_head_params(raw, 4, 1, write=True)
    np.testing.assert_array_equal(p["key"], raw[:4])
    np.testing.assert_allclose(p["beta"], np.log1p(np.exp(raw[4])))
    np.testing.assert_allclose(p["gate"], 1 / (1 + np.exp(-raw[5])))
    np.testing.assert_allclose(p["shift"], np.exp(raw[6:9]) / np.exp(raw[6:9]).sum())
    np.testing.assert_allclose(p["gamma"], 1 + np.log1p(np.exp(raw[9])))
    np.testing.assert_allclose(p["erase"], 1 / (1 + np.exp(-raw[10:14])))
    np.testing.assert_array_equal(p["add"], raw[14:18])
    w = ntm.address(np.eye(5, 4), p["key"], p["beta"], p["gate"], p["shift"], p["gamma"],
                    np.full(5, 0.2))  # fmt: skip
    assert abs(w.sum() - 1) < 1e-12
    d = ntm.dnc_interface(np.zeros(2 * 4 + 3 * 4 + 5 * 2 + 3), 4, 2)
    assert d["read_keys"].shape == (2, 4) and d["read_modes"].shape == (2, 3)
    np.testing.assert_allclose(d["read_betas"], 1 + np.log(2.0))
    np.testing.assert_allclose(d["read_modes"], 1 / 3)
    np.testing.assert_allclose([d["alloc_gate"], d["write_gate"]], 0.5)


# ---- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"gamma": 0.5}, "gamma"),
        ({"gate": 1.5}, "gate"),
        ({"beta": -1.0}, "beta"),
        ({"shift": [0.5, 0.6, 0.1]}, "shift"),
        ({"shift": [0.5, 0.5]}, "odd"),
        ({"key": [1.0, 2.0]}, "key"),
        ({"w_prev": np.full(4, np.nan)}, "finite"),
    ],
)
def test_address_rejects_bad_input(kwargs, match):
    args = {
        "memory": np.ones((4, 3)),
        "key": np.ones(3),
        "beta": 1.0,
        "gate": 0.5,
        "shift": [0.0, 1.0, 0.0],
        "gamma": 1.0,
        "w_prev": np.full(4, 0.25),
    }
    args.update(kwargs)
    with pytest.raises(MemsimError, match=match):
        ntm.address(**args)


def test_other_bad_inputs():
    with pytest.raises(MemsimError, match="shift_order"):
        ntm.circular_shift(np.ones(3) / 3, [0, 1.0, 0], shift_order="left")
    with pytest.raises(MemsimError, match="erase"):
        ntm.write(np.ones((3, 2)), np.ones(3) / 3, [1.5, 0], [0, 0])
    with pytest.raises(MemsimError, match="method"):
        ntm.init_memory(3, 2, "gaussian")
    with pytest.raises(MemsimError, match="w must have 3"):
        ntm.read(np.ones((3, 2)), np.ones(4) / 4)
