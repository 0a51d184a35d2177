"""End-to-end memory network forward pass and encodings against plain references."""

import math

import numpy as np
import pytest
import reference_kv as ref

import memsim.kv as kv
from memsim.errors import MemsimError

# ----------------------------------------------------------------- position encoding


def test_position_encoding_hand_computed():
    # J = 3, d = 2, paper: l_kj = (1 - j/J) - (k/d)(1 - 2j/J)
    # j=1: 2/3 - (k/2)(1/3) -> k=1: 2/3 - 1/6 = 1/2, k=2: 2/3 - 1/3 = 1/3
    # j=2: 1/3 - (k/2)(-1/3) -> k=1: 1/3 + 1/6 = 1/2, k=2: 1/3 + 1/3 = 2/3
    # j=3: 0 - (k/2)(-1) -> k=1: 1/2, k=2: 1
    want = np.array([[1 / 2, 1 / 3], [1 / 2, 2 / 3], [1 / 2, 1.0]])
    np.testing.assert_allclose(kv.position_encoding(3, 2), want, rtol=1e-15)
    # released code: 1 + 4 (j - (J+1)/2)(k - (d+1)/2) / (d J); J = 3, d = 2:
    # j=1: 1 + 4(-1)(k - 1.5)/6 -> k=1: 1 + 1/3, k=2: 1 - 1/3; j=2: 1; j=3: mirror of j=1
    want = np.array([[4 / 3, 2 / 3], [1.0, 1.0], [2 / 3, 4 / 3]])
    np.testing.assert_allclose(kv.position_encoding(3, 2, "memn2n_code"), want, rtol=1e-15)


@pytest.mark.parametrize("variant", ["paper", "memn2n_code"])
@pytest.mark.parametrize("J,d", [(1, 1), (1, 5), (4, 3), (7, 20)])
def test_position_encoding_against_loop(variant, J, d):
    got = kv.position_encoding(J, d, variant)
    assert got.shape == (J, d) and not got.flags.writeable
    np.testing.assert_allclose(got, ref.position_encoding(J, d, variant), rtol=1e-13, atol=1e-15)


def test_code_variant_is_twice_the_paper_centred_differently():
    # paper = 1/2 + 2 (j - J/2)(k - d/2)/(dJ); code = 1 + 4 (j - (J+1)/2)(k - (d+1)/2)/(dJ)
    J, d = 6, 10
    j = np.arange(1, J + 1)[:, None]
    k = np.arange(1, d + 1)[None, :]
    np.testing.assert_allclose(
        kv.position_encoding(J, d), 0.5 + 2 * (j - J / 2) * (k - d / 2) / (d * J), rtol=1e-13
    )


def test_position_encoding_errors():
    with pytest.raises(MemsimError, match="sentence_length"):
        kv.position_encoding(0, 3)
    with pytest.raises(MemsimError, match="variant"):
        kv.position_encoding(3, 3, "tf")


@pytest.mark.parametrize("encoding", ["position", "bow"])
@pytest.mark.parametrize("variant", ["paper", "memn2n_code"])
@pytest.mark.parametrize("fixed", [None, 6])
def test_encode_sentences_against_reference(encoding, variant, fixed):
    vec = kv.word_vectors(9, 7, seed=3)
    ids = np.array([[[0, 4, 2, -1, -1], [8, -1, -1, -1, -1]], [[1, 2, 3, 4, 5], [-1] * 5]])
    got = kv.encode_sentences(ids, vec, encoding=encoding, variant=variant, sentence_length=fixed)
    assert got.shape == (2, 2, 7)
    for a in range(2):
        for b in range(2):
            want = ref.encode(ids[a, b], vec, encoding, variant, fixed)
            np.testing.assert_allclose(got[a, b], want, rtol=1e-12, atol=1e-15)
    assert (got[1, 1] == 0).all()


def test_word_vectors_seeded():
    a = kv.word_vectors(5, 16, seed=2)
    np.testing.assert_array_equal(a, kv.word_vectors(5, 16, seed=2))
    assert not np.array_equal(a, kv.word_vectors(5, 16, seed=3))
    big = kv.word_vectors(2000, 64, seed=0)
    assert abs(np.mean(np.sum(big**2, axis=1)) - 1.0) < 0.02


def test_encode_errors():
    vec = np.ones((3, 2))
    with pytest.raises(MemsimError, match="ids must lie"):
        kv.encode_sentences(np.array([[3]]), vec)
    with pytest.raises(MemsimError, match="padding"):
        kv.encode_sentences(np.array([[-1, 1]]), vec)
    with pytest.raises(MemsimError, match="shorter"):
        kv.encode_sentences(np.array([[0, 1, 2]]), vec, sentence_length=2)


# ----------------------------------------------------------------- MemN2N


def _stories(seed, n=5, m=6, j=4, v=12):
    rng = np.random.default_rng(seed)
    x = np.full((n, m, j), -1)
    for b in range(n):
        for i in range(rng.integers(0, m + 1)):  # some stories shorter, one may be empty
            length = rng.integers(1, j + 1)
            x[b, i, :length] = rng.integers(0, v, size=length)
    x[0] = -1  # an empty story
    x[1, 2] = -1  # a gap in the middle of a story
    x[1, 3, :2] = [1, 2]
    q = np.full((n, 3), -1)
    for b in range(n):
        length = rng.integers(1, 4)
        q[b, :length] = rng.integers(0, v, size=length)
    return x, q


@pytest.mark.parametrize("tying", ["adjacent", "layerwise"])
@pytest.mark.parametrize("encoding", ["position", "bow"])
@pytest.mark.parametrize("temporal", [True, False])
def test_memn2n_forward_against_reference(tying, encoding, temporal):
    x, q = _stories(1)
    w = kv.random_memn2n(
        12, 6, 3, memory_size=6 if temporal else None, tying=tying, std=0.5, seed=4
    )
    res = kv.memn2n_forward(w, x, q, encoding=encoding)
    ans, probs, att = ref.memn2n(
        list(w.A),
        list(w.C),
        w.B,
        w.W,
        None if w.T_A is None else list(w.T_A),
        None if w.T_C is None else list(w.T_C),
        w.H,
        x,
        q,
        encoding,
    )
    np.testing.assert_allclose(res.probabilities, probs, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(res.attention, att, rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(res.answers, ans)
    assert np.isfinite(res.queries).all()
    assert (res.attention[:, 0] == 0).all() and (res.reads[:, 0] == 0).all()  # empty story
    assert (res.attention[:, 1, 2] == 0).all()  # the gap


def test_adjacent_and_layerwise_tying():
    w = kv.random_memn2n(10, 4, 3, memory_size=5, seed=1)
    assert w.tying == "adjacent" and w.hops == 3 and w.memory_size == 5
    for k in range(2):
        np.testing.assert_array_equal(w.A[k + 1], w.C[k])
        np.testing.assert_array_equal(w.T_A[k + 1], w.T_C[k])
    np.testing.assert_array_equal(w.B, w.A[0])
    np.testing.assert_array_equal(w.W, w.C[-1])
    assert w.H is None
    lw = kv.random_memn2n(10, 4, 3, memory_size=5, tying="layerwise", answer_size=7, seed=1)
    for k in range(3):
        np.testing.assert_array_equal(lw.A[k], lw.A[0])
        np.testing.assert_array_equal(lw.C[k], lw.C[0])
        np.testing.assert_array_equal(lw.T_C[k], lw.T_C[0])
    assert lw.W.shape == (7, 4) and lw.H.shape == (4, 4)


def test_memn2n_hand_computed_one_hop():
    # V = 2 words, d = 2, bag of words. Story: one sentence "word 0"; question "word 1".
    a = np.array([[1.0, 0.0], [0.0, 1.0]])
    c = np.array([[2.0, 0.0], [0.0, 3.0]])
    b = np.array([[0.0, 0.0], [1.0, 1.0]])
    wmat = np.array([[1.0, 0.0], [0.0, 1.0]])
    w = kv.layerwise_weights(a, c, b, wmat, hops=1)
    x = np.array([[[0], [1]]])  # two sentences: "0" and "1"
    q = np.array([[1]])
    res = kv.memn2n_forward(w, x, q, encoding="bow")
    # u = (1, 1); m = (1,0), (0,1): scores 1, 1 -> p = (1/2, 1/2); o = (1, 1.5)
    np.testing.assert_allclose(res.attention[0, 0], [0.5, 0.5])
    np.testing.assert_allclose(res.reads[0, 0], [1.0, 1.5])
    u2 = np.array([2.0, 2.5])
    np.testing.assert_allclose(res.queries[1, 0], u2)
    e = np.exp(u2 - u2.max())
    np.testing.assert_allclose(res.probabilities[0], e / e.sum())
    assert res.answers[0] == 1
    # with H = 2 I the last hop gives H u + o = (3, 3.5)
    w2 = kv.layerwise_weights(a, c, b, wmat, hops=1, H=2 * np.eye(2))
    np.testing.assert_allclose(
        kv.memn2n_forward(w2, x, q, encoding="bow").queries[1, 0], [3.0, 3.5]
    )


def test_memn2n_temporal_index_counts_back_from_the_question():
    # one-dimensional, A = C = B = 0: only the temporal rows matter; T_A row r = -r so the
    # most recent sentence (r = 0) gets the largest score.
    zero = np.zeros((3, 1))
    ta = -np.arange(4.0)[:, None] * 50
    tc = np.arange(4.0)[:, None]
    w = kv.layerwise_weights(zero, zero, zero + 1, np.ones((1, 1)), hops=1, T_A=ta, T_C=tc)
    x = np.array([[[0], [1], [-1], [2]]])
    res = kv.memn2n_forward(w, x, np.array([[0]]), encoding="bow")
    # present slots 0, 1, 3 -> time rows 2, 1, 0; u = 1 -> scores -100, -50, 0
    np.testing.assert_allclose(res.attention[0, 0, 3], 1.0, atol=1e-20)
    assert res.attention[0, 0, 2] == 0.0


def test_memn2n_errors():
    w = kv.random_memn2n(5, 3, 2, memory_size=2)
    x = np.zeros((1, 3, 2), dtype=int)
    with pytest.raises(MemsimError, match="more than 2 sentences"):
        kv.memn2n_forward(w, x, np.zeros((1, 1), dtype=int))
    with pytest.raises(MemsimError, match="word ids"):
        kv.memn2n_forward(w, x[:, :2] + 7, np.zeros((1, 1), dtype=int))
    with pytest.raises(MemsimError, match="questions has 2 rows"):
        kv.memn2n_forward(w, x[:, :2], np.zeros((2, 1), dtype=int))
    with pytest.raises(MemsimError, match="K \\+ 1 >= 2"):
        kv.adjacent_weights(np.ones((1, 3, 2)))
    square = [np.ones((3, 2))] * 4  # A, C, B, W
    with pytest.raises(MemsimError, match="both T_A and T_C"):
        kv.layerwise_weights(*square, hops=1, T_A=np.ones((2, 2)))
    with pytest.raises(MemsimError, match="H must have shape"):
        kv.layerwise_weights(*square, hops=1, H=np.ones((3, 3)))


def test_memn2n_other_normalisers_are_distributions():
    x, q = _stories(2)
    w = kv.random_memn2n(12, 6, 2, seed=5, std=1.0)
    for normaliser in ("sparsemax", "hard"):
        res = kv.memn2n_forward(w, x, q, normaliser=normaliser)
        sums = res.attention.sum(axis=-1)
        live = (x >= 0).any(axis=2).any(axis=1)
        np.testing.assert_allclose(sums[:, live], 1.0)
        assert math.isclose(sums[:, ~live].sum(), 0.0)
