"""Scores and read-outs of memsim.attention against plain loop references."""

import math

import numpy as np
import pytest
import reference_attention as ref
from hypothesis import given
from hypothesis import strategies as st

import memsim.attention as A
from memsim.errors import MemsimError

_data = ref.random_qkv


def _score_opts(kind, d, rng, h=4):
    if kind == "general":
        return {"weight": rng.standard_normal((d, d))}
    if kind == "additive":
        return {
            "w_query": rng.standard_normal((h, d)),
            "w_key": rng.standard_normal((h, d)),
            "v": rng.standard_normal(h),
        }
    return {}


KINDS = ["dot", "scaled_dot", "cosine", "general", "additive", "neg_sq_distance"]

# ----------------------------------------------------------------- scores


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("beta", [1.0, 2.5])
def test_scores_against_reference(kind, beta):
    q, k, _, rng = _data(1)
    opts = _score_opts(kind, q.shape[1], rng)
    got = A.score(q, k, kind, beta=beta, **opts)
    want = ref.score_matrix(q, k, kind, beta=beta, **opts)
    assert got.shape == (4, 7) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    one = A.score(q[2], k, kind, beta=beta, **opts)
    assert one.shape == (7,)
    np.testing.assert_allclose(one, want[2], rtol=1e-12, atol=1e-12)


def test_additive_score_in_several_chunks(monkeypatch):
    q, k, _, rng = _data(3, b=9, k=5)
    opts = _score_opts("additive", q.shape[1], rng, h=4)
    monkeypatch.setattr(A.scores, "ADDITIVE_CHUNK_ENTRIES", 2 * 5 * 4)  # two queries per chunk
    np.testing.assert_allclose(
        A.score(q, k, "additive", **opts), ref.score_matrix(q, k, "additive", **opts), rtol=1e-12
    )


def test_general_score_with_different_query_and_key_dimensions():
    rng = np.random.default_rng(2)
    q, k, w = rng.standard_normal((3, 4)), rng.standard_normal((5, 6)), rng.standard_normal((4, 6))
    np.testing.assert_allclose(
        A.score(q, k, "general", weight=w), ref.score_matrix(q, k, "general", weight=w), rtol=1e-12
    )


def test_cosine_is_eps_safe_for_zero_vectors():
    q = np.array([[0.0, 0.0], [1.0, 0.0]])
    k = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, -3.0]])
    s = A.score(q, k, "cosine", beta=4.0)
    np.testing.assert_array_equal(s, [[0, 0, 0], [0, 4, 0]])
    w = A.attend(q, k, k, "cosine")
    assert np.isfinite(w).all()


def test_neg_sq_distance_is_zero_for_identical_vectors_and_never_positive():
    rng = np.random.default_rng(5)
    k = rng.standard_normal((6, 9)) * 1e3
    s = A.score(k, k, "neg_sq_distance")
    assert (s <= 0).all()
    np.testing.assert_allclose(np.diag(s), 0.0, atol=1e-9 * np.max(np.abs(s)))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: A.score(np.ones((2, 3)), np.ones((4, 2))), "same dimension"),
        (lambda: A.score(np.ones(3), np.ones((4, 3)), "bogus"), "unknown score"),
        (lambda: A.score(np.ones(3), np.ones((4, 3)), "general"), "needs"),
        (lambda: A.score(np.ones(3), np.ones((4, 3)), "dot", weight=np.eye(3)), "does not take"),
        (lambda: A.score(np.ones(3), np.ones((4, 3)), "general", weight=np.eye(2)), "weight"),
        (lambda: A.score(np.ones(3), np.ones(3)), "keys must be 2-D"),
        (lambda: A.score(np.ones(3), np.ones((0, 3))), "at least one key"),
        (lambda: A.score([np.nan, 1.0], np.ones((2, 2))), "finite"),
        (lambda: A.score(np.ones(2), np.ones((2, 2)), beta=math.inf), "beta"),
        (lambda: A.score(np.ones(2), np.ones((2, 2)), "cosine", eps=-1.0), "eps"),
        (
            lambda: A.score(
                np.ones(2),
                np.ones((2, 2)),
                "additive",
                w_query=np.ones((3, 2)),
                w_key=np.ones((2, 2)),
                v=np.ones(3),
            ),
            "w_key",
        ),
    ],
)
def test_score_errors(call, match):
    with pytest.raises(MemsimError, match=match):
        call()


# ----------------------------------------------------------------- attend


NORMS = [
    ("softmax", {}),
    ("softmax", {"temperature": 0.5}),
    ("sparsemax", {}),
    ("entmax15", {}),
    ("entmax_bisect", {"alpha": 1.7}),
    ("hard", {}),
    ("topk", {"k": 3}),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("norm", "nopts"), NORMS)
def test_attend_against_reference(kind, norm, nopts):
    q, k, v, rng = _data(7)
    sopts = _score_opts(kind, q.shape[1], rng)
    mask = rng.random((4, 7)) < 0.7
    mask[:, 0] = True
    got_r, got_w = A.attend(q, k, v, kind, norm, return_weights=True, mask=mask, **sopts, **nopts)
    want_r, want_w = ref.attend(q, k, v, kind, norm, mask=mask, score_opts=sopts, norm_opts=nopts)
    np.testing.assert_allclose(got_w, want_w, atol=1e-10)
    np.testing.assert_allclose(got_r, want_r, atol=1e-10)
    assert (got_w[~mask] == 0).all()
    np.testing.assert_allclose(
        A.attend(q, k, v, kind, norm, mask=mask, **sopts, **nopts), got_r, rtol=0, atol=0
    )


def test_attend_single_query_vector_values_and_shared_mask():
    q, k, v, _ = _data(8)
    mask = np.array([True, False, True, True, False, True, True])
    r, w = A.attend(q[1], k, v[:, 0], "scaled_dot", return_weights=True, mask=mask)
    want_r, want_w = ref.attend(q[1:2], k, v[:, :1], "scaled_dot", mask=mask)
    assert np.ndim(r) == 0 and w.shape == (7,)
    np.testing.assert_allclose(w, want_w[0], atol=1e-14)
    np.testing.assert_allclose(r, want_r[0, 0], atol=1e-14)


@pytest.mark.parametrize("method", ["chunked", "fused"])
@pytest.mark.parametrize("kind", ["dot", "scaled_dot", "cosine"])
@given(seed=st.integers(0, 2**32 - 1), masked=st.booleans(), shared=st.booleans())
def test_streaming_readout_equals_matrix_path(method, kind, seed, masked, shared):
    rng = np.random.default_rng(seed)
    b, n, d = rng.integers(1, 40), rng.integers(1, 90), rng.integers(1, 9)
    q = rng.standard_normal((b, d)) * 3
    k = rng.standard_normal((n, d)) * 3
    v = rng.standard_normal((n, 2))
    if masked:
        mask = rng.random(n if shared else (b, n)) < 0.3
        if shared:
            mask[rng.integers(n)] = True
        else:
            mask[np.arange(b), rng.integers(0, n, b)] = True
    else:
        mask = None
    opts = {"beta": 1.7, "temperature": 0.8}
    want = A.attend(q, k, v, kind, mask=mask, method="matrix", **opts)
    # small tiles/chunks so the online rescaling and chunk borders are exercised
    got = A.softmax_readout(
        q,
        k,
        v,
        score=kind,
        mask=mask,
        method=method,
        block_q=3,
        block_k=7,
        chunk_entries=50,
        **opts,
    )
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        A.attend(q, k, v, kind, mask=mask, method=method, **opts), want, rtol=1e-12, atol=1e-12
    )


def test_fused_kernel_increasing_scores_across_blocks_and_huge_beta():
    # the maximum moves to a later key block for every query: the running rescaling must be exact
    k = np.linspace(-1, 1, 50)[:, None]
    q = np.array([[1.0], [30.0], [600.0]])
    v = np.arange(50.0)[:, None]
    want = ref.attend(q, k, v, "dot")[0]
    for method in ("fused", "chunked"):
        got = A.softmax_readout(q, k, v, method=method, block_k=8, block_q=2, chunk_entries=8)
        np.testing.assert_allclose(got, want, rtol=1e-12)
    assert abs(want[2, 0] - 49.0) < 1e-6  # beta*gap = 600*0.04: nearly all weight on key 49


def test_auto_method_streams_large_problems():
    q, k, v, _ = _data(9, b=3, k=5)
    assert A.readouts.STREAM_MIN_PAIRS > 15
    np.testing.assert_allclose(
        A.attend(q, k, v, "dot"), A.attend(q, k, v, "dot", method="matrix"), rtol=1e-13
    )
    rng = np.random.default_rng(0)
    big_q = rng.standard_normal((1100, 4))
    big_k = rng.standard_normal((1000, 4))  # 1.1e6 pairs: streamed
    np.testing.assert_allclose(
        A.attend(big_q, big_k, big_k[:, :2]),
        A.attend(big_q, big_k, big_k[:, :2], method="matrix"),
        rtol=1e-12,
        atol=1e-14,
    )


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda q, k, v: A.attend(q, k, v[:3]), "values has 3 rows"),
        (lambda q, k, v: A.attend(q, k, v, mask=np.ones(7)), "boolean"),
        (lambda q, k, v: A.attend(q, k, v, mask=np.ones(6, bool)), "6 entries"),
        (lambda q, k, v: A.attend(q, k, v, mask=np.zeros(7, bool)), "no available key"),
        (lambda q, k, v: A.attend(q, k, v, mask=np.eye(4, 7, 9, bool)), "row 0"),
        (lambda q, k, v: A.attend(q, k, v, bogus=1), "unknown option"),
        (lambda q, k, v: A.attend(q, k, v, "dot", "sparsemax", temperature=2), "does not take"),
        (lambda q, k, v: A.attend(q, k, v, "general", method="fused", weight=np.eye(5)), "fused"),
        (lambda q, k, v: A.attend(q, k, v, method="fast"), "method"),
        (lambda q, k, v: A.attend(q * 1e200, k * 1e200, v), "overflow"),
        (lambda q, k, v: A.softmax_readout(q * 1e200, k * 1e200, v), "overflow"),
        (lambda q, k, v: A.softmax_readout(q, k, v, score="general"), "score"),
    ],
)
def test_attend_errors(call, match):
    q, k, v, _ = _data(10)
    with pytest.raises(MemsimError, match=match):
        call(q, k, v)


def test_soft_and_global_attention_are_attend():
    q, k, v, _ = _data(11)
    np.testing.assert_array_equal(
        A.soft_attention(q, k, "cosine", beta=3), A.attend(q, k, k, "cosine", beta=3)
    )
    np.testing.assert_array_equal(
        A.global_attention(q, k, v, "dot", "sparsemax"), A.attend(q, k, v, "dot", "sparsemax")
    )


# ----------------------------------------------------------------- multi-head, self, pointer


def test_multi_head_against_reference():
    q, k, v, rng = _data(12, b=3, k=6, d=8, dv=5)
    h = 3
    wq, wk = rng.standard_normal((h, 8, 4)), rng.standard_normal((h, 8, 4))
    wv, wo = rng.standard_normal((h, 5, 2)), rng.standard_normal((h * 2, 7))
    mask = np.array([True, True, False, True, False, True])
    out, w = A.multi_head_attention(q, k, v, wq, wk, wv, wo, mask=mask, return_weights=True)
    want_out, want_w = ref.multi_head(q, k, v, wq, wk, wv, wo, mask=mask)
    assert out.shape == (3, 7) and w.shape == (3, 3, 6)
    np.testing.assert_allclose(out, want_out, atol=1e-12)
    np.testing.assert_allclose(w, want_w, atol=1e-12)
    concat = A.multi_head_attention(q[0], k, v, wq, wk, wv, mask=mask)
    np.testing.assert_allclose(concat @ wo, want_out[0], atol=1e-12)


def test_random_multi_head_weights_are_reproducible_and_usable():
    w1 = A.random_multi_head_weights(8, 2, seed=3)
    w2 = A.random_multi_head_weights(8, 2, seed=3)
    assert w1["w_query"].shape == (2, 8, 4) and w1["w_out"].shape == (8, 8)
    for key in w1:
        np.testing.assert_array_equal(w1[key], w2[key])
    assert not np.array_equal(w1["w_key"], A.random_multi_head_weights(8, 2, seed=4)["w_key"])
    x = np.random.default_rng(0).standard_normal((5, 8))
    assert A.self_attention(x, **w1).shape == (5, 8)


def test_self_attention_causal_against_reference():
    rng = np.random.default_rng(13)
    x = rng.standard_normal((6, 4))
    wq, wk, wv = (rng.standard_normal((4, 3)) for _ in range(3))
    out, w = A.self_attention(x, wq, wk, wv, causal=True, return_weights=True)
    tri = np.tril(np.ones((6, 6), bool))
    want_out, want_w = ref.attend(x @ wq, x @ wk, x @ wv, "scaled_dot", mask=tri)
    np.testing.assert_allclose(out, want_out, atol=1e-12)
    np.testing.assert_allclose(w, want_w, atol=1e-12)
    assert (w[~tri] == 0).all() and w[0, 0] == 1.0
    # identity projections, not causal: plain softmax(X X^T / sqrt(d)) X
    plain = ref.attend(x, x, x, "scaled_dot")[0]
    np.testing.assert_allclose(A.self_attention(x), plain, atol=1e-12)
    # multi-head form with causal mask
    w3 = A.random_multi_head_weights(4, 2, seed=1)
    o3, m3 = A.self_attention(x, **w3, causal=True, return_weights=True)
    want3, _ = ref.multi_head(
        x, x, x, w3["w_query"], w3["w_key"], w3["w_value"], w3["w_out"], mask=tri
    )
    np.testing.assert_allclose(o3, want3, atol=1e-12)
    assert m3.shape == (2, 6, 6) and (m3[:, ~tri] == 0).all()


def test_pointer_attention():
    rng = np.random.default_rng(14)
    e = rng.standard_normal((6, 3))
    dq = rng.standard_normal((4, 3))
    opts = {
        "w_query": rng.standard_normal((5, 3)),
        "w_key": rng.standard_normal((5, 3)),
        "v": rng.standard_normal(5),
    }
    idx, w = A.pointer_attention(dq, e, "additive", return_weights=True, **opts)
    s = ref.score_matrix(dq, e, "additive", **opts)
    np.testing.assert_array_equal(idx, [ref.hard(r).argmax() for r in s])
    assert idx.dtype == np.int64
    np.testing.assert_allclose(w, [ref.softmax(r) for r in s], atol=1e-13)
    # masking the chosen input moves the pointer to the second best
    second = np.argsort(-s[0], kind="stable")[1]
    mask = np.ones(6, bool)
    mask[idx[0]] = False
    assert A.pointer_attention(dq[0], e, "additive", mask=mask, **opts) == second
    # ties: first maximum
    assert A.pointer_attention([1.0], np.array([[1.0], [2.0], [2.0]])) == 1


# ----------------------------------------------------------------- global / local


@pytest.mark.parametrize("gaussian", [False, True])
def test_local_attention_against_reference(gaussian):
    q, k, v, rng = _data(15, b=5, k=12)
    pos = np.array([0.0, 3.4, 6.5, 11.0, 8.0])
    got_r, got_w = A.local_attention(q, k, v, pos, window=2, gaussian=gaussian, return_weights=True)
    want_r, want_w = ref.local(q, k, v, pos, 2, gaussian, 1.0)
    np.testing.assert_allclose(got_w, want_w, atol=1e-13)
    np.testing.assert_allclose(got_r, want_r, atol=1e-13)
    if gaussian:
        assert (got_w.sum(axis=1) < 1).all()
        rn = A.local_attention(
            q, k, v, pos, window=2, gaussian=True, renormalise=True, return_weights=True
        )[1]
        np.testing.assert_allclose(rn.sum(axis=1), 1.0, rtol=1e-14)


def test_local_m_and_predicted_positions():
    q, k, v, rng = _data(16, b=4, k=9)
    got = A.local_attention(q, k, v, window=1)  # p_t = t
    want = ref.local(q, k, v, [0, 1, 2, 3], 1, False, 1.0)[0]
    np.testing.assert_allclose(got, want, atol=1e-13)
    wp, vp = rng.standard_normal((3, 5)), rng.standard_normal(3)
    p = A.predict_positions(q, wp, vp, 9)
    np.testing.assert_allclose(p, ref.predict_positions(q, wp, vp, 9), rtol=1e-13)
    assert ((p > 0) & (p < 9)).all()
    got_p = A.local_attention(q, k, v, p, window=2, gaussian=True)
    np.testing.assert_allclose(got_p, ref.local(q, k, v, p, 2, True, 1.0)[0], atol=1e-13)
    with pytest.raises(MemsimError, match="no source position"):
        A.local_attention(q, k, v, [0, 1, 2, 30.0], window=2)
    with pytest.raises(MemsimError, match="sigma"):
        A.local_attention(q, k, v, window=0, gaussian=True)


def test_fused_kernel_independent_of_thread_count():
    import numba

    q, k, v, _ = _data(17, b=37, k=50)
    before = numba.get_num_threads()
    try:
        outs = []
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            outs.append(A.softmax_readout(q, k, v, method="fused", block_q=4, block_k=16))
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(outs[0], outs[1])
