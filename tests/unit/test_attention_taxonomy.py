"""Position encoding, hierarchical, multi-dimensional and co-attention against references."""

import math

import numpy as np
import pytest
import reference_attention as ref

import memsim.attention as A
from memsim.errors import MemsimError


@pytest.mark.parametrize(("length", "d"), [(7, 6), (5, 5), (1, 1), (50, 16)])
def test_position_encoding_against_reference(length, d):
    pe = A.sinusoidal_position_encoding(length, d)
    assert pe.shape == (length, d)
    np.testing.assert_allclose(pe, ref.position_encoding(length, d), atol=1e-13)


def test_position_encoding_known_values_and_relative_shift():
    pe = A.sinusoidal_position_encoding(20, 8)
    np.testing.assert_array_equal(pe[0], [0, 1, 0, 1, 0, 1, 0, 1])
    assert pe[1, 0] == math.sin(1.0) and pe[1, 1] == math.cos(1.0)
    np.testing.assert_allclose(pe[3, 2], math.sin(3 / 10000 ** (2 / 8)), rtol=1e-15)
    # PE[pos + k] is a rotation of PE[pos] in each (sin, cos) pair (Vaswani et al. 2017, 3.5)
    k = 5
    for i in range(4):
        w = 1 / 10000 ** (2 * i / 8)
        rot = np.array([[math.cos(k * w), -math.sin(k * w)], [math.sin(k * w), math.cos(k * w)]])
        np.testing.assert_allclose(
            pe[3:15, 2 * i : 2 * i + 2] @ rot, pe[8:20, 2 * i : 2 * i + 2], atol=1e-12
        )


def _sentences(rng, lengths=(3, 1, 5), d=4):
    return [rng.standard_normal((t, d)) for t in lengths]


def test_hierarchical_pool_against_reference_with_projections():
    rng = np.random.default_rng(1)
    sents = _sentences(rng)
    uw, us = rng.standard_normal(3), rng.standard_normal(2)
    Ww, bw = rng.standard_normal((3, 4)), rng.standard_normal(3)
    Ws, bs = rng.standard_normal((2, 4)), rng.standard_normal(2)
    got = A.hierarchical_attention_pool(
        sents,
        uw,
        us,
        word_projection=Ww,
        word_bias=bw,
        sentence_projection=Ws,
        sentence_bias=bs,
    )
    doc, sv, sw, ww = ref.hierarchical(sents, uw, us, Ww, bw, Ws, bs)
    np.testing.assert_allclose(got.document, doc, atol=1e-13)
    np.testing.assert_allclose(got.sentence_vectors, sv, atol=1e-13)
    np.testing.assert_allclose(got.sentence_weights, sw, atol=1e-13)
    for g, w in zip(got.word_weights, ww, strict=True):
        np.testing.assert_allclose(g, w, atol=1e-13)
    assert not got.document.flags.writeable and not got.word_weights[0].flags.writeable
    np.testing.assert_array_equal(got.word_weights[1], [1.0])  # one-word sentence


def test_hierarchical_pool_without_projection_and_sparse_normaliser():
    rng = np.random.default_rng(2)
    sents = _sentences(rng)
    uw, us = rng.standard_normal(4), rng.standard_normal(4)
    got = A.hierarchical_attention_pool(sents, uw, us)
    doc, *_ = ref.hierarchical(sents, uw, us)
    np.testing.assert_allclose(got.document, doc, atol=1e-13)
    sp = A.hierarchical_attention_pool(sents, uw * 10, us * 10, normaliser="sparsemax")
    for s, w in zip(sents, sp.word_weights, strict=True):
        np.testing.assert_allclose(w, ref.simplex_projection(s @ (uw * 10)), atol=1e-12)
    with pytest.raises(MemsimError, match="word dimension"):
        A.hierarchical_attention_pool([np.ones((2, 4)), np.ones((2, 3))], uw, us)
    with pytest.raises(MemsimError, match="word_context"):
        A.hierarchical_attention_pool(sents, np.ones(3), us)
    with pytest.raises(MemsimError, match="no words"):
        A.hierarchical_attention_pool([np.ones((0, 4))], uw, us)


def _md_params(rng, dk=3, dq=2, dv=4, h=5):
    return {
        "w_key": rng.standard_normal((h, dk)),
        "w_query": rng.standard_normal((h, dq)),
        "w_out": rng.standard_normal((h, dv)),
        "bias": rng.standard_normal(h),
        "out_bias": rng.standard_normal(dv),
    }


def test_multidimensional_attention_against_reference():
    rng = np.random.default_rng(3)
    q, k, v = rng.standard_normal((3, 2)), rng.standard_normal((6, 3)), rng.standard_normal((6, 4))
    p = _md_params(rng)
    got_r, got_w = A.multidimensional_attention(q, k, v, return_weights=True, **p)
    want_r, want_w = ref.multidimensional(
        q, k, v, p["w_key"], p["w_query"], p["w_out"], p["bias"], p["out_bias"]
    )
    assert got_w.shape == (3, 6, 4)
    np.testing.assert_allclose(got_w, want_w, atol=1e-13)
    np.testing.assert_allclose(got_r, want_r, atol=1e-13)
    np.testing.assert_allclose(got_w.sum(axis=1), 1.0, rtol=1e-14)  # per feature over keys
    # source2token: no query
    p.pop("w_query")
    r0, w0 = A.multidimensional_attention(None, k, v, return_weights=True, **p)
    want0 = ref.multidimensional(None, k, v, p["w_key"], None, p["w_out"], p["bias"], p["out_bias"])
    np.testing.assert_allclose(r0, want0[0][0], atol=1e-13)
    assert w0.shape == (6, 4)


def test_multidimensional_features_differ_but_equal_columns_reduce_to_vector_attention():
    rng = np.random.default_rng(4)
    k, v = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    wk = rng.standard_normal((2, 3))
    same = np.repeat(rng.standard_normal((2, 1)), 4, axis=1)  # every feature has the same score
    r, w = A.multidimensional_attention(
        None, k, v, w_key=wk, w_out=same, activation="tanh", return_weights=True
    )
    scalar = np.tanh(k @ wk.T) @ same[:, 0]
    np.testing.assert_allclose(w, np.repeat(ref.softmax(scalar)[:, None], 4, axis=1), atol=1e-14)
    np.testing.assert_allclose(r, ref.softmax(scalar) @ v, atol=1e-14)
    with pytest.raises(MemsimError, match="w_query is required"):
        A.multidimensional_attention(np.ones(2), k, v, w_key=wk, w_out=same)
    with pytest.raises(MemsimError, match="activation"):
        A.multidimensional_attention(None, k, v, w_key=wk, w_out=same, activation="gelu")


def test_co_attention_against_reference():
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
    got = A.co_attention(a, b)
    want = ref.coattention(a, b)
    for name, arr in want.items():
        np.testing.assert_allclose(getattr(got, name), arr, atol=1e-13, err_msg=name)
    assert got.a_coattention.shape == (5, 6)
    assert not got.affinity.flags.writeable


def test_co_attention_bilinear_weight_and_errors():
    rng = np.random.default_rng(6)
    a, b, w = rng.standard_normal((3, 2)), rng.standard_normal((4, 5)), rng.standard_normal((2, 5))
    got = A.co_attention(a, b, weight=w, normaliser="sparsemax")
    aff = a @ w @ b.T
    np.testing.assert_allclose(got.affinity, aff, atol=1e-14)
    np.testing.assert_allclose(got.a_weights, [ref.simplex_projection(r) for r in aff], atol=1e-12)
    np.testing.assert_allclose(
        got.b_weights, [ref.simplex_projection(c) for c in aff.T], atol=1e-12
    )
    with pytest.raises(MemsimError, match="give a weight"):
        A.co_attention(a, b)
