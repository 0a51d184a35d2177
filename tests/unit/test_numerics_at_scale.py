"""Issue 15: numbers that hold at every scale.

Regression tests for the public bug reports re-created with memsim (each with a value derived
independently: closed forms, high-precision bisection in ``decimal``/``fractions``), hypothesis
properties over scales from 1e-300 to 1e300, float32 variants, and a walk over the public API
with a bogus keyword option.
"""

from __future__ import annotations

import inspect
import math
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import memsim.attention as A
import memsim.kv as KV
import memsim.ntm as N
from memsim.errors import MemsimError
from memsim.hopfield import modern
from tests.reference_attention import entmax_exact

# ------------------------------------------------------------------------------ references


def entmax_two_keys(x: float, alpha: float, digits: int = 60) -> tuple[float, float]:
    """Closed form for scores [x, 0], x <= 0: with p1 + p2 = 1 the threshold form gives
    ``p2^c - p1^c = c (0 - x)`` (c = alpha - 1); solved for p1 in [0, 1/2] by Decimal
    bisection (the left side falls as p1 grows). p1 = 0 when ``c (0 - x) >= 1``."""
    c = Fraction(alpha) - 1
    gap = c * (Fraction(0.0) - Fraction(x))
    if gap >= 1:
        return 0.0, 1.0
    with localcontext() as ctx:
        ctx.prec = digits
        cd = Decimal(c.numerator) / Decimal(c.denominator)
        g = Decimal(gap.numerator) / Decimal(gap.denominator)
        lo, hi = Decimal(0), Decimal(1) / 2
        for _ in range(digits * 4):
            mid = (lo + hi) / 2
            if (1 - mid) ** cd - mid**cd > g:
                lo = mid
            else:
                hi = mid
        p1 = float((lo + hi) / 2)
    return p1, 1.0 - p1


# ------------------------------------------------------------------------------ regressions


def test_entmax_alpha_10_two_keys_is_exact():
    p = A.entmax_bisect([-0.1, 0.0], alpha=10)
    want = entmax_two_keys(-0.1, 10.0)
    assert abs(want[0] - 0.011638) < 1e-6  # the value quoted in the issue
    np.testing.assert_allclose(p, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("x", np.linspace(-0.115, -0.09, 26))
def test_entmax_alpha_10_small_weight_follows_the_closed_form(x):
    """The small weight used to stick near 0.018 on [-0.111, -0.095] and then jump to 0."""
    p = A.entmax_bisect([x, 0.0], alpha=10)
    want = entmax_two_keys(float(x), 10.0)
    np.testing.assert_allclose(p, want, rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize("alpha", [1.0001, 1.3, 2.5, 5.0, 10.0, 25.0, 50.0])
@pytest.mark.parametrize("x", [-1e-8, -1e-3, -0.02, -0.3])
def test_entmax_two_keys_every_alpha(alpha, x):
    np.testing.assert_allclose(
        A.entmax_bisect([x, 0.0], alpha), entmax_two_keys(x, alpha), rtol=1e-9, atol=1e-13
    )


def test_sharpen_subnormal_weights():
    np.testing.assert_array_equal(N.sharpen([1e-310], 1.0), [1.0])
    np.testing.assert_array_equal(N.sharpen([1e-310, 0.0], 2.0), [1.0, 0.0])
    np.testing.assert_allclose(N.sharpen([1e-310, 3e-310], 2.0), [0.1, 0.9], rtol=1e-12)


@pytest.mark.parametrize("method", ["matrix", "chunked", "fused"])
def test_masked_overflowing_key_never_matters(method):
    r = A.attend([1, 1], [[0, 0], [1e308, 1e308]], [1, 2], "dot", mask=[True, False], method=method)
    assert r == 1.0


def test_masked_overflowing_slot_in_kv_read():
    keys = [[0.0, 0.0], [1e308, 1e308]]
    for method in ("matrix", "blocked"):
        r = KV.read([1.0, 1.0], keys, [1.0, 2.0], mask=[True, False], method=method)
        assert r == 1.0


def test_visible_overflow_still_raises():
    with pytest.raises(MemsimError, match="not finite"):
        A.attend([1, 1], [[0, 0], [1e308, 1e308]], [1, 2], "dot")
    with pytest.raises(MemsimError, match="beta"):
        A.score([10.0], [[10.0]], beta=1e308)


def test_cosine_of_equal_tiny_vectors_is_one():
    got = N.cosine_similarity([[1e-170, 1e-170]], [1e-170, 1e-170], cosine_eps=0)
    np.testing.assert_allclose(got, [1.0], rtol=5e-16)  # sqrt(2) sqrt(2) rounds up: 1 - ulps
    s = A.score([1e-170, 1e-170], [[1e-170, 1e-170]], "cosine", eps=0.0)
    np.testing.assert_allclose(s, [1.0], rtol=1e-15)


def _cos(u, v):  # plain reference with exact rational arithmetic, then one rounding
    fu = [Fraction(x) for x in u]
    fv = [Fraction(x) for x in v]
    dot = sum(a * b for a, b in zip(fu, fv, strict=True))
    nn = sum(a * a for a in fu) * sum(b * b for b in fv)
    return float(dot) / math.sqrt(float(nn)) if nn else 0.0


def test_content_addressing_with_memories_scaled_by_1e155():
    rng = np.random.default_rng(0)
    mem = rng.standard_normal((5, 4))
    key = mem[2] + 0.1 * rng.standard_normal(4)
    want_cos = np.array([_cos(key, row) for row in mem])
    for scale in (1e155, 1e-155, 1e300, 1e-300):
        cos = N.cosine_similarity(mem * scale, key * scale, cosine_eps=0)
        np.testing.assert_allclose(cos, want_cos, rtol=1e-12, atol=1e-15)
        wc = N.content_weighting(mem * scale, key * scale, 7.0, cosine_eps=0)
        e = np.exp(7.0 * (want_cos - want_cos.max()))
        np.testing.assert_allclose(wc, e / e.sum(), rtol=1e-11)
        w = N.address(mem * scale, key * scale, 7.0, 1.0, [0, 1, 0], 2.0, np.ones(5) / 5)
        assert np.isfinite(w).all() and abs(w.sum() - 1.0) < 1e-12


@pytest.mark.parametrize("x", [[-np.inf, -np.inf], [np.inf, 1.0], [np.nan, 1.0]])
def test_ntm_softmax_refuses_non_finite(x):
    with pytest.raises(MemsimError, match="x "):
        N.softmax(x)


def test_ntm_softmax_masks_minus_inf():
    np.testing.assert_array_equal(N.softmax([-np.inf, 0.0, 0.0]), [0.0, 0.5, 0.5])
    for f in (N.softplus, N.sigmoid, N.oneplus):
        with pytest.raises(MemsimError, match="finite"):
            f([np.nan])


def test_modern_refuses_unknown_option_by_name():
    X = np.eye(3)
    with pytest.raises(MemsimError, match="foo"):
        modern.retrieve(X, X[0], 0.5, foo=1)
    with pytest.raises(MemsimError, match="foo"):
        modern.energy(X, X[0], 0.5, foo=1)
    with pytest.raises(MemsimError, match="temperature"):
        modern.retrieve(X, X[0], 0.5, temperature=2.0)
    np.testing.assert_allclose(
        modern.retrieve(X, X[0], 0.5, 1, "entmax_bisect", alpha=1.5),
        modern.retrieve(X, X[0], 0.5, 1, "entmax15"),
        atol=1e-12,
    )


# ------------------------------------------------------------------------------ clamp


def test_modern_clamp_holds_components_and_energy_never_rises():
    rng = np.random.default_rng(3)
    X = np.sign(rng.standard_normal((6, 48)))
    Q = np.sign(rng.standard_normal((4, 48)))
    C = rng.random((4, 48)) < 0.5
    Q[C] = X[:4][C]  # the known half is the stored letter; the rest is noise
    for normaliser, opts in (("softmax", {}), ("sparsemax", {}), ("entmax_bisect", {"alpha": 3})):
        tr = modern.retrieve(X, Q, 0.2, 15, normaliser, trajectory=True, clamp=C, **opts)
        for t in range(tr.states.shape[1]):
            np.testing.assert_array_equal(tr.states[:, t][C], Q[C])
        rise = np.diff(tr.energy, axis=1)
        assert np.all(rise <= 1e-12 * np.abs(tr.energy[:, 1:]) + 1e-12), normaliser
        fin = modern.retrieve(X, Q, 0.2, 15, normaliser, clamp=C, **opts)
        np.testing.assert_allclose(fin, tr.final, atol=1e-12)
        np.testing.assert_array_equal(fin[C], Q[C])
    # a clamp of nothing is the plain update; a 1-D clamp applies to every query
    np.testing.assert_array_equal(
        modern.retrieve(X, Q, 0.2, 3, clamp=np.zeros(48, bool)), modern.retrieve(X, Q, 0.2, 3)
    )
    assert modern.retrieve(X, Q, 0.2, 3, clamp=C[0])[:, C[0]].tolist() == Q[:, C[0]].tolist()
    with pytest.raises(MemsimError, match="clamp"):
        modern.retrieve(X, Q, 0.2, 3, clamp=np.ones(5, bool))
    with pytest.raises(MemsimError, match="clamp"):
        modern.retrieve(X, Q, 0.2, 3, clamp=np.ones(48))


# ------------------------------------------------------------------------------ properties

SCALES = st.integers(-996, 996)  # powers of two: 1e-300 .. 1e300, exact scalings and shifts
INTS = st.lists(st.integers(-(2**20), 2**20), min_size=2, max_size=7)
NORM_SPECS = [
    ("softmax", {}),
    ("sparsemax", {}),
    ("entmax15", {}),
    ("entmax_bisect", {"alpha": 1.2}),
    ("entmax_bisect", {"alpha": 7.0}),
    ("entmax_bisect", {"alpha": 50.0}),
    ("hard", {}),
    ("topk", {"k": 2}),
]


@settings(max_examples=60, deadline=None)
@given(
    ints=INTS,
    # |ints + shift| < 2^31, so the largest score 2^31 * 2^990 = 2^1021 stays below the float64 max
    e=st.integers(-996, 990),
    shift=st.integers(-(2**30), 2**30),
    spec=st.sampled_from(NORM_SPECS),
)
def test_every_normaliser_ignores_a_constant_and_sums_to_one(ints, e, shift, spec):
    kind, opts = spec
    z = np.ldexp(np.array(ints, dtype=np.float64), e)
    zc = z + math.ldexp(shift, e)  # exact: integers below 2^31 times the same power of two
    p = A.normalise(z, kind, **opts)
    assert np.isfinite(p).all() and (p >= 0).all()
    assert abs(p.sum() - 1.0) < 1e-12
    np.testing.assert_allclose(A.normalise(zc, kind, **opts), p, rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    z=st.lists(st.floats(-1.0, 1.0), min_size=2, max_size=6),
    log_scale=st.floats(-300, 300),
    alpha=st.floats(1.0001, 50.0),
)
def test_entmax_matches_exact_reference_at_every_scale(z, log_scale, alpha):
    zz = np.array(z) * 10.0**log_scale
    p = A.entmax_bisect(zz, alpha)
    # entmax is shift-invariant; the exact reference is taken at the float64-rounded shift
    # zz - max(zz), an input within half an ulp of zz. No float64 algorithm can do better on
    # ill-conditioned inputs: hypothesis found z = [0, 2^-5, 1.2e-38] at alpha = 18, where the
    # small weights satisfy p^17 ~ 3e-30, so a change of 1e-38 in z moves them by 4e-11.
    zs = zz - zz.max()
    ref = np.array([float(x) for x in entmax_exact(zs, alpha, 40)])
    np.testing.assert_allclose(p, ref, rtol=0, atol=1e-12)
    big = ref > 1e-6
    assert np.all(np.abs(p - ref)[big] <= 1e-9 * ref[big])
    # the threshold equation on the support: p_i^c - p_j^c = c (z_i - z_j)
    c = alpha - 1.0
    sup = np.flatnonzero(p > 0)
    pc = p[sup] ** c
    lhs = pc[:, None] - pc[None, :]
    rhs = c * (zs[sup][:, None] - zs[sup][None, :])
    np.testing.assert_allclose(lhs, rhs, rtol=0, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    mem=st.lists(st.lists(st.integers(-9, 9), min_size=3, max_size=3), min_size=2, max_size=5),
    key=st.lists(st.integers(-9, 9), min_size=3, max_size=3),
    log_scale=st.floats(-300, 300),
    gamma=st.floats(1.0, 40.0),
)
def test_cosine_and_sharpen_are_scale_invariant(mem, key, log_scale, gamma):
    M = np.array(mem, dtype=np.float64)
    k = np.array(key, dtype=np.float64)
    s = 10.0**log_scale
    want = np.array([_cos(k, row) for row in M])
    np.testing.assert_allclose(N.cosine_similarity(M * s, k * s, cosine_eps=0), want, atol=1e-14)
    got = A.score(k * s, M * s, "cosine", eps=0.0)
    np.testing.assert_allclose(got, want, atol=1e-14)
    w = np.abs(M[:, 0]) + 1.0
    np.testing.assert_allclose(N.sharpen(w * s, gamma), N.sharpen(w, gamma), rtol=1e-12)
    wsum = N.sharpen(w * s, gamma).sum()
    assert abs(wsum - 1.0) < 1e-12


@settings(max_examples=40, deadline=None)
@given(
    n_keys=st.integers(2, 6),
    junk=st.floats(-1e308, 1e308),
    log_scale=st.floats(-200, 150),
    seed=st.integers(0, 1000),
    spec=st.sampled_from([("softmax", {}), ("sparsemax", {}), ("entmax_bisect", {"alpha": 4.0})]),
)
def test_outputs_do_not_depend_on_masked_keys(n_keys, junk, log_scale, seed, spec):
    rng = np.random.default_rng(seed)
    s = 10.0**log_scale
    q = rng.standard_normal(3)
    keys = rng.standard_normal((n_keys, 3)) * s
    vals = rng.standard_normal((n_keys, 2))
    mask = rng.random(n_keys) < 0.6
    mask[0] = True
    junk_keys = keys.copy()
    junk_keys[~mask] = junk  # anything finite in a masked key, overflowing or not
    kind, opts = spec
    want = A.attend(q, keys[mask], vals[mask], "dot", kind, **opts)
    got = A.attend(q, junk_keys, vals, "dot", kind, mask=mask, **opts)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    if kind == "softmax":
        for method in ("chunked", "fused"):
            got = A.attend(q, junk_keys, vals, "dot", mask=mask, method=method)
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    got = KV.read(q, junk_keys, vals, "dot", kind, mask=mask, **opts)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------ float32


def test_float32_inputs():
    z32 = np.array([-0.1, 0.0, -0.05, -3.0], dtype=np.float32)
    ref = np.array([float(x) for x in entmax_exact(z32.astype(np.float64), 10.0, 40)])
    np.testing.assert_allclose(A.entmax_bisect(z32, 10.0), ref, atol=1e-13)
    m32 = np.array([[1e-30, 1e-30], [1e-30, -1e-30]], dtype=np.float32)
    np.testing.assert_allclose(
        N.cosine_similarity(m32, m32[0], cosine_eps=0), [1.0, 0.0], atol=1e-15
    )
    np.testing.assert_array_equal(N.sharpen(np.array([1e-40, 0.0], np.float32), 2.0), [1, 0])
    big32 = np.array([3e38, 2e38], dtype=np.float32)
    np.testing.assert_allclose(A.softmax(big32 - np.float32(3e38)), A.softmax([0.0, -1e38]))
    r = A.attend(
        np.ones(2, np.float32),
        np.array([[0, 0], [3e38, 3e38]], np.float32),
        [1.0, 2.0],
        mask=[True, False],
    )
    assert r == 1.0


# ------------------------------------------------------------------------------ API walk

MODULES = {"attention": A, "ntm": N, "kv": KV, "hopfield.modern": modern}


def _public_callables():
    for name, mod in MODULES.items():
        names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
        for attr in names:
            obj = getattr(mod, attr)
            if inspect.isfunction(obj) and obj.__module__.startswith("memsim"):
                yield f"{name}.{attr}", obj


X3 = np.eye(3)

#: a minimal valid call for every public function that takes **options
VALID_CALLS = {
    "attention.attend": lambda **kw: A.attend([1.0, 0.0], X3[:, :2], X3, **kw),
    "attention.soft_attention": lambda **kw: A.soft_attention([1.0, 0.0], X3[:, :2], **kw),
    "attention.global_attention": lambda **kw: A.global_attention([1.0, 0.0], X3[:, :2], X3, **kw),
    "attention.local_attention": lambda **kw: A.local_attention(
        [[1.0, 0.0]], X3[:, :2], X3, window=1, **kw
    ),
    "attention.multi_head_attention": lambda **kw: A.multi_head_attention(
        X3, X3, X3, np.ones((1, 3, 2)), np.ones((1, 3, 2)), np.ones((1, 3, 2)), **kw
    ),
    "attention.self_attention": lambda **kw: A.self_attention(X3, **kw),
    "attention.pointer_attention": lambda **kw: A.pointer_attention([1.0, 0.0], X3[:, :2], **kw),
    "attention.normalise": lambda **kw: A.normalise([1.0, 2.0], **kw),
    "kv.read": lambda **kw: KV.read([1.0, 0.0, 0.0], X3, X3, **kw),
    "kv.kv_read": lambda **kw: KV.kv_read(KV.key_value_memory(X3, X3), X3, **kw),
    "kv.multi_hop": lambda **kw: KV.multi_hop(X3, X3, X3, hops=1, **kw),
    "kv.kv_hops": lambda **kw: KV.kv_hops(KV.key_value_memory(X3, X3), X3, hops=1, **kw),
    "hopfield.modern.retrieve": lambda **kw: modern.retrieve(X3, X3[0], 0.5, **kw),
    "hopfield.modern.energy": lambda **kw: modern.energy(X3, X3[0], 0.5, **kw),
    "hopfield.modern.association": lambda **kw: modern.association(X3, X3[0], 0.5, **kw),
    "hopfield.modern.classify_fixed_points": lambda **kw: modern.classify_fixed_points(
        X3, X3[0], 0.5, **kw
    ),
    "hopfield.modern.beta_sweep": lambda **kw: modern.beta_sweep(X3, X3, [0.5], steps=2, **kw),
    "hopfield.modern.measure_capacity": lambda **kw: modern.measure_capacity(4, k_max=2, **kw),
    "hopfield.modern.capacity_table": lambda **kw: modern.capacity_table([4], k_max=2, **kw),
    "attention.co_attention": lambda **kw: A.co_attention(X3, X3, **kw),
    "attention.hierarchical_attention_pool": lambda **kw: A.hierarchical_attention_pool(
        [X3, X3], np.ones(3), np.ones(3), **kw
    ),
    "attention.multidimensional_attention": lambda **kw: A.multidimensional_attention(
        X3, X3, X3, w_key=np.eye(3), w_out=np.eye(3), w_query=np.eye(3), **kw
    ),
    "ntm.run_task": lambda **kw: N.run_task("copy", length=2, **kw),
    "ntm.run_trials": lambda **kw: N.run_trials("copy", length=2, trials=1, **kw),
    "ntm.sweep": lambda **kw: N.sweep("copy", {"length": [2]}, trials=1, **kw),
    "ntm.capacity_sweep": lambda **kw: N.capacity_sweep(
        "copy", lengths=(2,), memory_slots=(8,), shift_blurs=(0.0,), gammas=(1.0,), trials=1, **kw
    ),
    "kv.retrieval_trial": lambda **kw: KV.retrieval_trial(slots=10, **kw),
    "kv.retrieval_sweep": lambda **kw: KV.retrieval_sweep({"slots": [10]}, trials=1, **kw),
    "kv.accuracy_vs_slots": lambda **kw: KV.accuracy_vs_slots((10,), trials=1, **kw),
    "kv.accuracy_vs_key_dim": lambda **kw: KV.accuracy_vs_key_dim((4,), trials=1, slots=10, **kw),
    "kv.accuracy_vs_noise": lambda **kw: KV.accuracy_vs_noise((0.0,), trials=1, slots=10, **kw),
    "kv.accuracy_vs_normaliser": lambda **kw: KV.accuracy_vs_normaliser(
        ("softmax",), trials=1, slots=10, **kw
    ),
    "kv.hashing_study": lambda **kw: KV.hashing_study((100,), trials=1, **kw),
    "kv.hops_study": lambda **kw: KV.hops_study(("one_fact",), (1,), stories=3, dim=20, **kw),
    "kv.story_attention": lambda **kw: KV.story_attention("one_fact", dim=20, **kw),
    "kv.answer_stories": lambda **kw: KV.answer_stories(
        KV.generate_stories("one_fact", 2, seed=0), dim=20, **kw
    ),
    "kv.memn2n_forward": lambda **kw: KV.memn2n_forward(
        KV.random_memn2n(6, 4, 1), [[[1, 2], [3, 4]]], [[1, 5]], **kw
    ),
}


_CALLABLES = list(_public_callables())


@pytest.mark.parametrize("name,func", _CALLABLES, ids=[name for name, _ in _CALLABLES])
def test_public_api_refuses_a_bogus_option_by_name(name, func):
    sig = inspect.signature(func)
    takes_any = any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
    if not takes_any:  # Python itself refuses it, naming the option
        with pytest.raises(TypeError, match="bogus_option"):
            sig.bind_partial(bogus_option=1)
        return
    assert name in VALID_CALLS, f"{name} takes **options: add a valid call to VALID_CALLS"
    VALID_CALLS[name]()  # the call itself is valid
    with pytest.raises(MemsimError, match="bogus_option"):
        VALID_CALLS[name](bogus_option=1)
