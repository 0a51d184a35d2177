"""Dense associative memory (memsim.hopfield.dense) against the plain references."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import reference_modern as ref
from hypothesis import given
from hypothesis import strategies as st

from memsim._rng import stream_states
from memsim.errors import ConvergenceWarning, MemsimError
from memsim.hopfield import dense


def patterns(p, n, seed):
    rng = np.random.default_rng(seed)
    return (2 * rng.integers(0, 2, (p, n)) - 1).astype(np.int8)


def noisy(xi, flips, seed):
    rng = np.random.default_rng(seed + 1000)
    c = xi.copy()
    for b in range(c.shape[0]):
        c[b, rng.choice(c.shape[1], flips, replace=False)] *= -1
    return c


CASES = [
    ("polynomial", 2),
    ("polynomial", 3),
    ("polynomial", 4),
    ("rectified", 3),
    ("rectified", 2),
    ("exponential", 0),
]


@pytest.mark.parametrize("interaction,n", CASES)
@pytest.mark.parametrize("order", ["fixed", "random"])
def test_async_matches_reference(interaction, n, order):
    N, P, B = 24, 9 if n != 2 else 5, 5
    xi = patterns(P, N, 1)
    cues = noisy(xi[:B], 7, 2)
    cues[0] = patterns(1, N, 3)[0]  # a random cue: may end in a spurious state
    res = dense.dense_recall(
        xi, cues, interaction, max(n, 2), "async", 30, order, seed=11, stream=(4,)
    )
    F = ref.interaction(interaction, n)
    rngs = stream_states(11, (4,), B)
    for b in range(B):
        orders = ref.fixed_orders(N) if order == "fixed" else ref.shuffled_orders(N, rngs[b])
        s, sweeps, stop, energies = ref.dense_async(xi, cues[b], F, orders, 30)
        np.testing.assert_array_equal(res.states[b], s)
        assert res.sweeps[b] == sweeps
        assert res.stop[b] == stop
        np.testing.assert_allclose(res.energy_trace(b), energies, rtol=1e-12)
        assert np.isnan(res.energy[b, sweeps + 1 :]).all()
        np.testing.assert_allclose(res.overlaps[b], xi @ s / N)


@pytest.mark.parametrize(
    "interaction,n",
    [("polynomial", 5), ("polynomial", 6), ("polynomial", 7), ("rectified", 4), ("rectified", 6)],
)
def test_higher_orders_match_reference(interaction, n):
    # n = 5 is the last order with a fused kernel loop; n >= 6 and rectified use Horner passes;
    # odd N so that overlaps -1 and +1 occur (the rectified kind's special values)
    N, P, B = 21, 10, 4
    xi = patterns(P, N, 21)
    cues = noisy(xi[:B], 8, 22)
    cues[0] = patterns(1, N, 23)[0]
    F = ref.interaction(interaction, n)
    for dyn in ("async", "sync"):
        res = dense.dense_recall(xi, cues, interaction, n, dyn, 20, "fixed", warn=False)
        assert res.extra["arithmetic"] == "float64-exact"
        for b in range(B):
            if dyn == "async":
                s, sweeps, stop, _ = ref.dense_async(xi, cues[b], F, ref.fixed_orders(N), 20)
            else:
                s, sweeps, stop, _ = ref.dense_sync(xi, cues[b], F, 20)
            np.testing.assert_array_equal(res.states[b], s)
            assert (res.sweeps[b], res.stop[b]) == (sweeps, stop)


def test_exponential_many_flips_match_decimal_reference():
    # random cues far from every pattern: hundreds of flips per cue, so the multiplicative
    # drive updates are resynchronised from the exact table several times
    N, P, B = 700, 5, 2
    xi = patterns(P, N, 24)
    cues = patterns(B, N, 25)
    res = dense.dense_recall(xi, cues, "exponential", max_sweeps=10, order="fixed")
    F = ref.interaction("exponential", 0)
    for b in range(B):
        assert res.flips[b, 0] > 2 * 150
        s, sweeps, stop, energies = ref.dense_async(xi, cues[b], F, ref.fixed_orders(N), 10)
        np.testing.assert_array_equal(res.states[b], s)
        assert (res.sweeps[b], res.stop[b]) == (sweeps, stop)
        np.testing.assert_allclose(res.energy_trace(b), energies, rtol=1e-12)


@pytest.mark.parametrize(
    "interaction,n,big_n",
    [
        ("polynomial", 2, 31),
        ("polynomial", 3, 31),
        ("polynomial", 4, 30),
        ("polynomial", 5, 31),
        ("polynomial", 7, 31),
        ("rectified", 3, 31),
        ("rectified", 6, 30),
        ("polynomial", 9, 61),  # int64
        ("rectified", 9, 61),  # int64
        ("polynomial", 13, 61),  # scaled float64 tables
    ],
)
def test_drive_vector_is_the_energy_difference(interaction, n, big_n):
    # the kernels' drive vector g_mu = F(m+2) - F(m-2) and G = sum F(m+2) - 2F(m) + F(m-2),
    # checked value by value against F itself (exact integers) over every reachable overlap
    from memsim.hopfield import _dense_kernels as K

    kind = dense.INTERACTIONS[interaction]
    p = 2 * big_n + 1
    method, ta, tb, coef, label = dense._tables(kind, n, 12, big_n)
    m = np.arange(-big_n, big_n + 1, 2, dtype=np.int64)  # all overlaps of N's parity
    m = np.concatenate([m, m[::-1]])[:p]
    g = np.empty(m.size, dtype=coef.dtype)
    w = np.empty_like(g)
    big_g = K._refill(method, ta, tb, coef, big_n, m, g, w)
    F = ref.interaction(interaction, n)
    want_g = [F(int(x) + 2) - F(int(x) - 2) for x in m]
    want_big_g = sum(F(int(x) + 2) - 2 * F(int(x)) + F(int(x) - 2) for x in m)
    if label == "float64":
        scale = want_g[0] / g[0]  # a common power of two
        assert math.log2(scale) == int(math.log2(scale))
        np.testing.assert_allclose(g * scale, [float(v) for v in want_g], rtol=1e-15)
        assert big_g * scale == pytest.approx(float(want_big_g), rel=1e-14)
    else:
        assert [int(v) for v in g] == want_g
        assert int(big_g) == want_big_g


def test_exponential_drive_vector_and_multiplicative_updates():
    from memsim.hopfield import _dense_kernels as K

    N, P = 40, 6
    xi = patterns(P, N, 26)
    s = patterns(1, N, 27)[0]
    method, ta, tb, coef, _ = dense._tables(dense.INTERACTIONS["exponential"], 0, P, N)
    m = (xi.astype(np.int64) @ s.astype(np.int64)).astype(np.int64)
    g = np.empty(P)
    big_g = K._refill(method, ta, tb, coef, N, m, g, g.copy())
    np.testing.assert_allclose(g, np.exp(m - m.max()), rtol=1e-15)
    assert big_g == pytest.approx(np.tanh(1.0) * np.exp(m - m.max()).sum(), rel=1e-15)
    xiT = np.ascontiguousarray(xi.T)
    a0 = m.max()
    for i in range(N):  # flip every neuron once, updating g multiplicatively
        new = -s[i]
        s[i] = new
        big_g = K._exp_flip(tb, xiT[i], new, m, g)
        np.testing.assert_array_equal(m, xi.astype(np.int64) @ s.astype(np.int64))
        np.testing.assert_allclose(g, np.exp(m - a0), rtol=1e-13)
        assert big_g == pytest.approx(np.tanh(1.0) * np.exp(m - a0).sum(), rel=1e-13)


@pytest.mark.parametrize("interaction,n", CASES)
def test_sync_matches_reference(interaction, n):
    N, P, B = 20, 6, 5
    xi = patterns(P, N, 5)
    cues = noisy(xi[:B], 6, 6)
    cues[1] = patterns(1, N, 7)[0]
    res = dense.dense_recall(xi, cues, interaction, max(n, 2), "sync", 25, warn=False)
    F = ref.interaction(interaction, n)
    for b in range(B):
        s, sweeps, stop, energies = ref.dense_sync(xi, cues[b], F, 25)
        np.testing.assert_array_equal(res.states[b], s)
        assert (res.sweeps[b], res.stop[b]) == (sweeps, stop)
        np.testing.assert_allclose(res.energy_trace(b), energies, rtol=1e-12)


def test_sync_two_cycle_detected():
    # n = 2, pattern (1, 1), cue (1, -1): each neuron copies the other: (-1, 1), then (1, -1)
    xi = np.array([[1, 1]], dtype=np.int8)
    res = dense.dense_recall(xi, [1, -1], "polynomial", 2, "sync", 10)
    assert res.stop[0] == "cycle"
    assert res.sweeps[0] == 2
    np.testing.assert_array_equal(res.states, [1, -1])  # back at the cue after 2 steps


@pytest.mark.parametrize("order", ["fixed", "random"])
def test_n2_is_classical_hebbian(order):
    N, P, B = 40, 6, 8
    xi = patterns(P, N, 21)
    cues = noisy(xi[: B % P + 2], 12, 22)
    cues = np.vstack([cues, patterns(B - cues.shape[0], N, 23)])
    res = dense.dense_recall(xi, cues, "polynomial", 2, "async", 50, order, seed=5)
    rngs = stream_states(5, (), cues.shape[0])
    for b in range(cues.shape[0]):
        orders = ref.fixed_orders(N) if order == "fixed" else ref.shuffled_orders(N, rngs[b])
        s, sweeps = ref.hebbian_async(xi, cues[b], orders, 50)
        np.testing.assert_array_equal(res.states[b], s)
        assert res.sweeps[b] == sweeps


def test_n2_matches_classical_engine():
    from memsim.hopfield import classical

    N, P = 60, 8
    xi = patterns(P, N, 31)
    cues = np.vstack([noisy(xi, 20, 32), patterns(8, N, 33)])
    a = dense.dense_recall(xi, cues, "polynomial", 2, "async", 60, "random", seed=9, stream=(2,))
    b = classical.recall(classical.store(xi), cues, "async", "random", 60, seed=9, stream=(2,))
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.sweeps, b.sweeps)


@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 5),
    interaction=st.sampled_from(["polynomial", "rectified", "exponential"]),
    big_n=st.integers(8, 40),
    p=st.integers(1, 30),
)
def test_async_energy_never_increases(seed, n, interaction, big_n, p):
    xi = patterns(p, big_n, seed)
    cues = patterns(4, big_n, seed + 1)
    res = dense.dense_recall(xi, cues, interaction, n, "async", 200, seed=seed)
    for b in range(4):
        e = res.energy_trace(b)
        scale = np.abs(e).max()
        assert np.all(np.diff(e) <= 1e-12 * scale)
        lg = res.log_neg_energy[b, : res.sweeps[b] + 1]
        if interaction == "exponential":
            assert np.all(np.diff(lg) >= -1e-12 * np.abs(lg).max())
    assert (res.stop == "fixed_point").all()


def test_exponential_large_n_no_overflow():
    N, P = 3000, 20
    xi = patterns(P, N, 41)
    cues = noisy(xi[:4], 900, 42)  # 30 % of the bits flipped
    res = dense.dense_recall(xi, cues, "exponential", dynamics="async", max_sweeps=5)
    np.testing.assert_array_equal(res.states, xi[:4])
    assert (res.sweeps == 2).all()  # retrieval in one sweep (Demircigil et al. 2017)
    lg = res.log_neg_energy[:, :3]
    assert np.isfinite(lg).all()
    G = xi.astype(np.int64) @ xi[:4].T.astype(np.int64)  # overlaps with the retrieved patterns
    expected = [N + np.log(np.exp(G[:, b] - N).sum()) for b in range(4)]  # log-sum-exp by hand
    np.testing.assert_allclose(lg[:, -1], expected, rtol=1e-13)
    assert np.isneginf(res.energy[:, 2]).all()  # -exp(3000) overflows; log form does not
    assert dense.dense_energy(xi, xi[0], "exponential", log=True) == pytest.approx(lg[0, -1])


def test_exponential_against_decimal_reference_large_n():
    N, P = 800, 4  # exp(800) overflows float64; the reference uses 60-digit decimals
    xi = patterns(P, N, 51)
    cue = noisy(xi[:1], 300, 52)[0]
    res = dense.dense_recall(xi, cue, "exponential", max_sweeps=4, order="fixed")
    F = ref.interaction("exponential", 0)
    s, sweeps, stop, _ = ref.dense_async(xi, cue, F, ref.fixed_orders(N), 4)
    np.testing.assert_array_equal(res.states, s)
    assert res.sweeps[0] == sweeps


@pytest.mark.parametrize("interaction", ["polynomial", "rectified"])
def test_float64_arithmetic_path(interaction):
    # bound P (|A| + |B|) >= 2^62 -> scaled float64 tables; exact reference with Python integers
    N, P, n = 60, 12, 11
    xi = patterns(P, N, 61)
    cues = noisy(xi[:3], 20, 62)
    res = dense.dense_recall(xi, cues, interaction, n, "async", 20, "fixed")
    assert res.extra["arithmetic"] == "float64"
    F = ref.interaction(interaction, n)
    for b in range(3):
        s, sweeps, stop, _ = ref.dense_async(xi, cues[b], F, ref.fixed_orders(N), 20)
        np.testing.assert_array_equal(res.states[b], s)
    small = dense.dense_recall(xi, cues, interaction, 3, "async", 20, "fixed")
    assert small.extra["arithmetic"] == "float64-exact"
    mid = dense.dense_recall(xi, cues, interaction, 9, "async", 20, "fixed")  # 2^53 < bound
    assert mid.extra["arithmetic"] == "int64"
    F9 = ref.interaction(interaction, 9)
    for b in range(3):
        s, _, _, _ = ref.dense_async(xi, cues[b], F9, ref.fixed_orders(N), 20)
        np.testing.assert_array_equal(mid.states[b], s)


@pytest.mark.parametrize("interaction,n", CASES)
def test_energy_and_unstable_bits(interaction, n):
    N, P = 16, 7
    xi = patterns(P, N, 71)
    states = np.vstack([xi[:3], noisy(xi[:3], 4, 72), patterns(3, N, 73)])
    F = ref.interaction(interaction, n)
    e = dense.dense_energy(xi, states, interaction, max(n, 2))
    np.testing.assert_allclose(e, [float(ref.energy(xi, s, F)) for s in states], rtol=1e-13)
    u = dense.dense_unstable_bits(xi, states, interaction, max(n, 2))
    np.testing.assert_array_equal(u, [ref.unstable_bits(xi, s, F) for s in states])
    assert isinstance(dense.dense_unstable_bits(xi, states[0], interaction, max(n, 2)), int)


def test_thread_count_does_not_change_results():
    xi = patterns(30, 50, 81)
    cues = noisy(xi[:16], 15, 82)
    a = dense.dense_recall(xi, cues, "polynomial", 3, seed=3, threads=1)
    b = dense.dense_recall(xi, cues, "polynomial", 3, seed=3, threads=2)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.energy, b.energy)
    c1 = dense.dense_recall(xi, cues[:4], "polynomial", 3, seed=3)
    np.testing.assert_array_equal(c1.states, a.states[:4])


def test_result_is_read_only_and_warns_at_limit():
    xi = patterns(40, 30, 91)  # far above capacity for n = 2
    cues = patterns(6, 30, 92)
    with pytest.warns(ConvergenceWarning):
        res = dense.dense_recall(xi, cues, "polynomial", 2, "sync", 1)
    assert (res.stop != "fixed_point").any()
    with pytest.raises(ValueError):
        res.states[0, 0] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dense.dense_recall(xi, cues, "polynomial", 2, "sync", 1, warn=False)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"interaction": "cubic"}, "interaction"),
        ({"n": 1}, "n must be"),
        ({"n": 2.5}, "n must be"),
        ({"dynamics": "glauber"}, "dynamics"),
        ({"order": "sorted"}, "order"),
        ({"max_sweeps": 0}, "max_sweeps"),
    ],
)
def test_bad_arguments(kwargs, match):
    xi = patterns(3, 10, 1)
    with pytest.raises(MemsimError, match=match):
        dense.dense_recall(xi, xi, **kwargs)


def test_bad_arrays():
    xi = patterns(3, 10, 1)
    with pytest.raises(MemsimError, match="stored"):
        dense.dense_recall(xi[0], xi)
    with pytest.raises(MemsimError, match="-1 and \\+1"):
        dense.dense_recall(xi * 0, xi)
    with pytest.raises(MemsimError, match="cues must have shape"):
        dense.dense_recall(xi, xi[:, :5])
    with pytest.raises(MemsimError, match="cues must contain"):
        dense.dense_recall(xi, np.zeros((2, 10)))
    for bad in (127, -128, 3):  # int8 values whose square wraps to 1 must not pass
        c = xi.copy()
        c[0, 0] = bad
        with pytest.raises(MemsimError, match="-1 and \\+1"):
            dense.dense_recall(c, xi)
    with pytest.raises(MemsimError, match="cues must contain"):
        dense.dense_recall(xi, np.where(xi > 0, 1.0, -0.5))


def test_theory_formulas():
    # n = 2 reduces to the classical one-step error 1/2 erfc(sqrt(N / 2P)); alpha = 0.185 at 1 %
    assert dense.theory_bit_error(1000, 185, 2) == pytest.approx(0.01, rel=0.01)
    assert dense.theory_capacity(1000, 2, error_rate=0.01) == pytest.approx(184.8, rel=1e-3)
    # Krotov & Hopfield no-error capacity N^(n-1) / (2 (2n-3)!! ln N)
    assert dense.theory_capacity(100, 3) == pytest.approx(100**2 / (2 * 3 * math.log(100)))
    assert dense.double_factorial(5) == 15 and dense.double_factorial(-1) == 1
    assert dense.theory_capacity(50, 3, "rectified", 0.01) == pytest.approx(
        2 * dense.theory_capacity(50, 3, "polynomial", 0.01)
    )


def test_capacity_helpers_shape():
    t = dense.capacity_table([20, 30], orders=(2, 3), cues=20, seed=1)
    assert set(t) >= {"N", "n", "capacity", "theory", "ratio"}
    assert len(t["N"]) == 4
    r = dense.measure_capacity(12, interaction="exponential", cues=10, k_max=64)
    assert r["n"] is None and np.isnan(r["theory"]) and 1 <= r["capacity"] <= 64
    assert dense.retrieval_rate(40, 3, "polynomial", 3, flip_fraction=0.1, cues=3) == 1.0


def test_animation_frames_are_the_states_after_each_sweep():
    """The runner rebuilds per-sweep states by rerunning with max_sweeps = 1, 2, ...; that is
    only right if a shorter run is the prefix of a longer one: check it against the final
    states and against an independent stepwise rerun."""
    import memsim

    res = memsim.run("scenarios/dense_letters.yaml", overrides=["run.trials=1"])
    frames = res.arrays["frames_trial0"]
    b = frames.shape[0]
    np.testing.assert_array_equal(frames[:, 0], res.arrays["cues"][:b])
    np.testing.assert_array_equal(frames[:, -1], res.arrays["final_states"][:b])
    sweeps = res.tables["cues"]["sweeps"][:b]
    for i in range(b):  # after its stop a cue stays put
        for k in range(int(sweeps[i]), frames.shape[1]):
            np.testing.assert_array_equal(frames[i, k], frames[i, -1])
