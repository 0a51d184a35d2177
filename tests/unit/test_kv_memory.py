"""memsim.kv reads, key hashing and hops against the plain references in reference_kv.py."""

import numpy as np
import pytest
import reference_kv as ref
from hypothesis import given
from hypothesis import strategies as st
from reference_attention import random_qkv

import memsim.kv as kv
from memsim.errors import MemsimError
from memsim.kv import memory as M


def _data(seed, b=4, s=7, d=5, dv=3):
    """b queries, s slots of keys and values (the same draws as the attention tests' data)."""
    return random_qkv(seed, b, s, d, dv)


NORMALISERS = [
    ("softmax", {}),
    ("softmax", {"temperature": 0.3}),
    ("sparsemax", {}),
    ("entmax15", {}),
    ("hard", {}),
    ("topk", {"k": 3}),
]
SCORES = ["dot", "scaled_dot", "cosine", "neg_sq_distance", "general"]


# ----------------------------------------------------------------- one-hop read vs reference


@pytest.mark.parametrize("kind", SCORES)
@pytest.mark.parametrize("normaliser,opts", NORMALISERS)
def test_read_against_reference_with_mask(kind, normaliser, opts):
    q, k, v, rng = _data(1)
    extra = {"weight": rng.standard_normal((5, 5))} if kind == "general" else {}
    mask = rng.random((4, 7)) < 0.7
    mask[:, 2] = True
    got, w = kv.read(q, k, v, kind, normaliser, mask=mask, return_weights=True, **opts, **extra)
    want, want_w = ref.read(q, k, v, mask, kind, normaliser, **opts, **extra)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(w, want_w, rtol=1e-9, atol=1e-9)
    assert (w[~mask] == 0.0).all()


def test_read_single_query_and_vector_values():
    q, k, v, _ = _data(2)
    r, w = kv.read(q[1], k, v[:, 0], return_weights=True)
    want, want_w = ref.read(q[1:2], k, v[:, :1])
    assert r.shape == () or r.ndim == 0
    np.testing.assert_allclose(r, want[0, 0], rtol=1e-12)
    np.testing.assert_allclose(w, want_w[0], rtol=1e-12)
    assert kv.read(q, k, v[:, 0]).shape == (4,)


def test_read_per_query_memories_against_reference():
    rng = np.random.default_rng(3)
    q = rng.standard_normal((3, 4))
    k = rng.standard_normal((3, 6, 4))
    v = rng.standard_normal((3, 6, 2))
    mask = np.ones((3, 6), bool)
    mask[0, 4:] = False
    mask[2, :] = False  # a story with no sentence
    got, w = kv.read(q, k, v, mask=mask, return_weights=True, temperature=0.5)
    want, want_w = ref.read(q, k, v, mask, temperature=0.5)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(w, want_w, rtol=1e-12, atol=1e-12)
    assert (got[2] == 0).all() and (w[2] == 0).all()


@pytest.mark.parametrize("kind", ["dot", "scaled_dot", "cosine"])
@pytest.mark.parametrize("mask_kind", [None, "shared", "rows"])
def test_blocked_path_matches_matrix_and_reference(kind, mask_kind):
    q, k, v, rng = _data(4, b=6, s=23, d=5, dv=3)
    mask = None
    if mask_kind == "shared":
        mask = rng.random(23) < 0.6
        mask[0] = True
    elif mask_kind == "rows":
        mask = rng.random((6, 23)) < 0.5
        mask[:, 5] = True
        mask[2] = False  # a query with nothing to read
        mask[3, :17] = False  # present slots only in the last block
    opts = {"temperature": 0.4, "beta": 1.7}
    blocked = kv.read(q, k, v, kind, mask=mask, method="blocked", key_block=4, **opts)
    matrix = kv.read(q, k, v, kind, mask=mask, method="matrix", **opts)
    want, _ = ref.read(q, k, v, mask, kind, "softmax", **opts)
    np.testing.assert_allclose(blocked, matrix, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(blocked, want, rtol=1e-10, atol=1e-12)


def test_auto_uses_blocked_path_for_large_problems(monkeypatch):
    q, k, v, _ = _data(5, b=3, s=50)
    calls = []
    orig = M._blocked_softmax_read

    def spy(*a):
        calls.append(1)
        return orig(*a)

    monkeypatch.setattr(M, "_blocked_softmax_read", spy)
    monkeypatch.setattr(M, "BLOCKED_MIN_PAIRS", 100)
    big = kv.read(q, k, v)
    assert calls == [1]
    kv.read(q, k, v, return_weights=True)  # weights need the matrix path
    kv.read(q, k, v, normaliser="sparsemax")
    assert calls == [1]
    np.testing.assert_allclose(big, ref.read(q, k, v)[0], rtol=1e-12)


# ----------------------------------------------------------------- properties


@given(
    st.integers(0, 10_000),
    st.sampled_from(NORMALISERS),
    st.sampled_from(["dot", "cosine", "neg_sq_distance"]),
    st.integers(1, 9),
)
def test_attention_over_slots_is_a_distribution(seed, norm, kind, slots):
    normaliser, opts = norm
    q, k, v, rng = _data(seed, b=3, s=slots)
    mask = rng.random((3, slots)) < 0.7
    _, w = kv.read(q, k, v, kind, normaliser, mask=mask, return_weights=True, **opts)
    assert np.isfinite(w).all() and (w >= 0).all()
    assert (w[~mask] == 0).all()
    live = mask.any(axis=1)
    np.testing.assert_allclose(w[live].sum(axis=1), 1.0, rtol=1e-12)
    assert (w[~live] == 0).all()


@given(st.integers(0, 10_000), st.sampled_from(["dot", "cosine", "scaled_dot"]))
def test_exact_keys_are_retrieved_exactly_at_low_temperature(seed, kind):
    mem = kv.random_memory(64, 32, 8, seed=seed)
    got, w = kv.read(mem.keys, mem.keys, mem.values, kind, return_weights=True, temperature=1e-3)
    np.testing.assert_allclose(got, mem.values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.diag(w), 1.0, atol=1e-12)
    blocked = kv.read(mem.keys, mem.keys, mem.values, kind, temperature=1e-3, method="blocked")
    np.testing.assert_allclose(blocked, mem.values, rtol=0, atol=1e-12)


def test_hard_and_sparsemax_retrieve_exact_keys():
    # sparsemax gives the best key all the weight once it leads the others by >= 1 (beta)
    mem = kv.random_memory(40, 16, 4, seed=9)
    for normaliser, beta in (("hard", 1.0), ("sparsemax", 10.0)):
        got = kv.read(mem.keys, mem.keys, mem.values, "dot", normaliser, beta=beta)
        np.testing.assert_allclose(got, mem.values, atol=1e-12)
    blurred = kv.read(mem.keys, mem.keys, mem.values, "dot", "sparsemax")
    assert np.abs(blurred - mem.values).max() > 0.1


# ----------------------------------------------------------------- empty and duplicate slots


@pytest.mark.parametrize("normaliser,opts", NORMALISERS)
@pytest.mark.parametrize("method", ["auto", "blocked"])
def test_no_nan_for_empty_memory_and_empty_rows(normaliser, opts, method):
    if method == "blocked" and normaliser != "softmax":
        return
    q, k, v, _ = _data(6)
    r = kv.read(q, np.zeros((0, 5)), np.zeros((0, 3)), normaliser=normaliser, method=method, **opts)
    assert r.shape == (4, 3) and (r == 0).all()
    mask = np.zeros((4, 7), bool)
    mask[1, 3] = True
    r = kv.read(q, k, v, normaliser=normaliser, mask=mask, method=method, **opts)
    assert np.isfinite(r).all()
    assert (r[[0, 2, 3]] == 0).all()
    np.testing.assert_allclose(r[1], v[3], rtol=1e-12)
    r, w = (
        kv.read(
            q[0], k, v, normaliser=normaliser, mask=np.zeros(7, bool), return_weights=True, **opts
        )
        if method == "auto"
        else (np.zeros(3), np.zeros(7))
    )
    assert (r == 0).all() and (w == 0).all()


@pytest.mark.parametrize("normaliser,opts", NORMALISERS)
def test_duplicate_slots_share_weight_without_nan(normaliser, opts):
    rng = np.random.default_rng(7)
    key = rng.standard_normal(4)
    k = np.stack([key, key, key, -key])
    v = np.stack([np.ones(2), np.ones(2), np.ones(2), -np.ones(2)])
    r, w = kv.read(key, k, v, normaliser=normaliser, return_weights=True, **opts)
    assert np.isfinite(r).all() and np.isfinite(w).all()
    np.testing.assert_allclose(w.sum(), 1.0)
    if normaliser == "hard":
        np.testing.assert_array_equal(w, [1.0, 0.0, 0.0, 0.0])  # first maximum
    elif normaliser == "topk":
        np.testing.assert_allclose(w[:3], w[:3].mean(), rtol=1e-12)
    else:
        np.testing.assert_allclose(w[:3], w[0], rtol=1e-12)
    zero = kv.read(np.zeros(4), np.zeros((3, 4)), v[:3], "cosine", normaliser, **opts)
    np.testing.assert_allclose(zero, np.ones(2))


def test_masked_slots_use_minus_infinity_not_a_large_constant():
    # present slots score about -1e12: a stand-in constant such as -1e9 for the masked slot
    # would win the softmax; -inf keeps it at weight 0.
    k = np.array([[1e6, 0.0], [1e6, 1.0], [0.0, 0.0]])
    v = np.array([[1.0], [2.0], [100.0]])
    q = np.array([-1e6, 0.0])
    mask = np.array([True, True, False])
    for method in ("matrix", "blocked"):
        r = kv.read(q, k, v, mask=mask, method=method)
        np.testing.assert_allclose(r, [1.5], rtol=1e-12)


# ----------------------------------------------------------------- errors


def test_query_size_mismatch_is_a_clear_error():
    q, k, v, _ = _data(8)
    for kind in ("dot", "scaled_dot", "cosine", "neg_sq_distance"):
        with pytest.raises(MemsimError, match="queries have size 4 but keys have size 5"):
            kv.read(q[:, :4], k, v, kind)
    with pytest.raises(MemsimError, match="size 6 but keys have size 5"):
        kv.read(np.ones(6), k, v)
    mem = kv.random_memory(10, 5, 5, features_per_slot=1)
    with pytest.raises(MemsimError, match="queries have size 3"):
        kv.kv_read(mem, np.ones((2, 3)), candidates=kv.hash_candidates(mem, [[0], [1]]))
    with pytest.raises(MemsimError, match="queries have size 3"):
        kv.kv_hops(mem, np.ones((2, 3)))


def test_other_input_errors():
    q, k, v, _ = _data(9)
    with pytest.raises(MemsimError, match="one value per slot"):
        kv.read(q, k, v[:5])
    with pytest.raises(MemsimError, match="boolean"):
        kv.read(q, k, v, mask=np.ones(7))
    with pytest.raises(MemsimError, match="mask must have shape"):
        kv.read(q, k, v, mask=np.ones(6, bool))
    with pytest.raises(MemsimError, match="unknown normaliser"):
        kv.read(q, k, v, normaliser="maxout")
    with pytest.raises(MemsimError, match="unknown score"):
        kv.read(q, k, v, "euclid")
    with pytest.raises(MemsimError, match="unknown option"):
        kv.read(q, k, v, temprature=0.1)
    with pytest.raises(MemsimError, match="temperature"):
        kv.read(q, k, v, temperature=0.0)
    with pytest.raises(MemsimError, match="needs option"):
        kv.read(q, k, v, normaliser="topk")
    with pytest.raises(MemsimError, match="finite"):
        kv.read(np.full((2, 5), np.nan), k, v)
    with pytest.raises(MemsimError, match="blocked"):
        kv.read(q, k, v, method="blocked", return_weights=True)
    with pytest.raises(MemsimError, match="one per query"):
        kv.read(q, np.ones((3, 7, 5)), np.ones((3, 7, 2)))
    with pytest.raises(MemsimError, match="not finite"):
        kv.read(q * 1e200, k * 1e200, v)


# ----------------------------------------------------------------- memory objects and hashing


def test_random_memory_is_seeded_and_unit_norm():
    a = kv.random_memory(50, 8, 3, seed=4, features_per_slot=3, n_features=20)
    b = kv.random_memory(50, 8, 3, seed=4, features_per_slot=3, n_features=20)
    c = kv.random_memory(50, 8, 3, seed=4, trial=1, features_per_slot=3, n_features=20)
    np.testing.assert_array_equal(a.keys, b.keys)
    np.testing.assert_array_equal(a.feature_ids, b.feature_ids)
    assert not np.array_equal(a.keys, c.keys)
    np.testing.assert_allclose(np.linalg.norm(a.keys, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(a.values, axis=1), 1.0)
    feats = a.feature_ids.reshape(50, 3)
    assert all(len(set(r)) == 3 for r in feats) and feats.max() < 20
    assert not a.keys.flags.writeable


def _slot_features(mem):
    p = mem.feature_indptr
    return [list(mem.feature_ids[p[i] : p[i + 1]]) for i in range(mem.slots)]


@pytest.mark.parametrize("max_frequency", [None, 3, 0])
def test_hash_candidates_against_set_reference(max_frequency):
    rng = np.random.default_rng(10)
    feats = [list(rng.choice(12, size=rng.integers(0, 4), replace=False)) for _ in range(30)]
    present = rng.random(30) < 0.8
    mem = kv.key_value_memory(
        rng.standard_normal((30, 4)),
        rng.standard_normal((30, 2)),
        present=present,
        features=feats,
        n_features=14,
    )
    queries = [[0, 1], [5], [], [13], [2, 2, 7], [99]]
    cand = kv.hash_candidates(mem, queries, max_frequency=max_frequency)
    want = ref.hash_candidates(feats, present, queries, max_frequency)
    for b, w in enumerate(want):
        assert list(cand.slots[cand.indptr[b] : cand.indptr[b + 1]]) == w
    m = cand.mask(30)
    assert m.sum() == sum(len(w) for w in want)
    padded = np.array(
        [[0, 1, -1], [5, -1, -1], [-1, -1, -1], [13, -1, -1], [2, 2, 7], [99, -1, -1]]
    )
    np.testing.assert_array_equal(
        kv.hash_candidates(mem, padded, max_frequency=max_frequency).slots, cand.slots
    )


@pytest.mark.parametrize("kind", ["dot", "scaled_dot", "cosine"])
def test_hashed_read_kernel_matches_generic_path_and_reference(kind):
    mem = kv.random_memory(200, 6, 6, seed=11, features_per_slot=2, n_features=12)
    rng = np.random.default_rng(11)
    q = rng.standard_normal((9, 6))
    qf = [list(rng.choice(12, size=2, replace=False)) for _ in range(8)] + [[]]
    cand = kv.hash_candidates(mem, qf)
    fast, wf = kv.kv_read(mem, q, kind, candidates=cand, return_weights=True, temperature=0.3)
    slow, ws = kv.kv_read(
        mem, q, kind, candidates=cand, return_weights=True, temperature=0.3, method="matrix"
    )
    want, want_w = ref.read(q, mem.keys, mem.values, cand.mask(200), kind, temperature=0.3)
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fast, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(wf, want_w, rtol=1e-10, atol=1e-14)
    assert (fast[8] == 0).all() and (wf[8] == 0).all()


def test_hashed_read_with_other_normalisers():
    mem = kv.random_memory(60, 5, 5, seed=12, features_per_slot=2, n_features=6)
    q = mem.keys[:5] + 0.1
    cand = kv.hash_candidates(mem, [[0], [1, 2], [3], [4, 5], [0, 5]])
    for normaliser, opts in NORMALISERS[2:]:
        got, w = kv.kv_read(mem, q, "dot", normaliser, candidates=cand, return_weights=True, **opts)
        want, want_w = ref.read(q, mem.keys, mem.values, cand.mask(60), "dot", normaliser, **opts)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(w, want_w, rtol=1e-9, atol=1e-9)


def test_absent_slots_are_never_read():
    mem = kv.key_value_memory(
        np.eye(3), np.arange(3.0), present=np.array([True, False, True]), features=[[0], [0], [1]]
    )
    r = kv.kv_read(mem, np.array([0.0, 100.0, 0.0]))
    np.testing.assert_allclose(r, [1.0])  # slots 0 and 2 equally (scores 0), slot 1 absent
    cand = kv.hash_candidates(mem, [[0]])
    assert list(cand.slots) == [0]
    assert list(mem.frequency) == [1, 1]


def test_hashing_errors():
    mem = kv.random_memory(10, 4)
    with pytest.raises(MemsimError, match="features"):
        kv.hash_candidates(mem, [[0]])
    mem = kv.random_memory(10, 4, features_per_slot=1)
    with pytest.raises(MemsimError, match="query_features"):
        kv.kv_hops(mem, np.ones((2, 4)), hashing=True)
    with pytest.raises(MemsimError, match="only used with hashing"):
        kv.kv_hops(mem, np.ones((2, 4)), query_features=[[0], [1]])
    with pytest.raises(MemsimError, match="rows"):
        kv.kv_hops(mem, np.ones((2, 4)), hashing=True, query_features=[[0]])
    with pytest.raises(MemsimError, match=">= 0"):
        kv.hash_candidates(mem, [[-3]])


# ----------------------------------------------------------------- hops and answers


def test_multi_hop_against_reference_with_hop_matrices():
    rng = np.random.default_rng(13)
    q = rng.standard_normal((3, 4))
    k = rng.standard_normal((8, 4))
    v = rng.standard_normal((8, 4))
    rs = [rng.standard_normal((4, 4)) * 0.5 for _ in range(3)]
    y = rng.standard_normal((5, 4))
    mask = np.ones(8, bool)
    mask[6] = False
    res = kv.multi_hop(
        q, k, v, hops=3, R=rs, answers=y, mask=mask, return_weights=True, temperature=0.7
    )
    qs, reads, ans = ref.hops(q, k, v, 3, rs, mask, y, temperature=0.7)
    np.testing.assert_allclose(res.queries, np.stack(qs), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res.reads, np.stack(reads), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(res.answers, ans)
    assert res.weights.shape == (3, 3, 8) and (res.weights[:, :, 6] == 0).all()
    np.testing.assert_array_equal(res.candidates, [7, 7, 7])
    same = kv.multi_hop(q, k, v, hops=3, R=np.stack(rs), answers=y, mask=mask, temperature=0.7)
    np.testing.assert_array_equal(same.queries, res.queries)
    ident = kv.multi_hop(q, k, v, hops=2)
    qs, _, _ = ref.hops(q, k, v, 2)
    np.testing.assert_allclose(ident.queries[-1], qs[-1], rtol=1e-12)


def test_kv_hops_with_hashing_equals_masked_reference():
    mem = kv.random_memory(300, 8, 8, seed=14, features_per_slot=2, n_features=15)
    rng = np.random.default_rng(14)
    idx = rng.choice(300, size=6, replace=False)
    q = mem.keys[idx] + 0.3 * rng.standard_normal((6, 8)) / np.sqrt(8)
    qf = [list(_slot_features(mem)[i]) for i in idx]
    r = rng.standard_normal((8, 8)) * 0.3
    res = kv.kv_hops(
        mem, q, hops=2, R=r, hashing=True, query_features=qf, return_weights=True, temperature=0.2
    )
    cand = kv.hash_candidates(mem, qf)
    qs, reads, _ = ref.hops(q, mem.keys, mem.values, 2, [r, r], cand.mask(300), temperature=0.2)
    np.testing.assert_allclose(res.queries, np.stack(qs), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(res.candidates, cand.counts)
    assert ((res.weights > 0) <= cand.mask(300)[None]).all()
    # retrieval: the answer is the best matching value, from the read-out
    ret = kv.kv_hops(mem, q, answer_from="read", temperature=0.01)
    np.testing.assert_array_equal(ret.answers, idx)


def test_hop_errors():
    q, k, v, _ = _data(15, d=4, dv=3)
    with pytest.raises(MemsimError, match="values must have the size of the queries"):
        kv.multi_hop(q, k, v, hops=2)
    v4 = np.ones((7, 4))
    with pytest.raises(MemsimError, match="R has 1 matrices but hops=2"):
        kv.multi_hop(q, k, v4, hops=2, R=[np.eye(4)])
    with pytest.raises(MemsimError, match="shape"):
        kv.multi_hop(q, k, v4, hops=1, R=np.eye(3))
    with pytest.raises(MemsimError, match="candidate answers have size"):
        kv.multi_hop(q, k, v4, answers=np.ones((2, 3)))
    with pytest.raises(MemsimError, match="hops must be an integer >= 1"):
        kv.multi_hop(q, k, v4, hops=0)


def test_results_are_read_only():
    q, k, _, _ = _data(16, d=4)
    res = kv.multi_hop(q, k, np.ones((7, 4)), answers=np.eye(4), return_weights=True)
    for arr in (res.queries, res.reads, res.weights, res.answers, res.answer_scores):
        assert not arr.flags.writeable


def test_fact_memory_encodes_facts_and_hashes_key_words():
    vec = kv.word_vectors(10, 8, seed=1)
    keys = np.array([[0, 5, -1], [1, 5, -1], [2, 6, 7]])
    vals = np.array([[3], [4], [8]])
    mem = kv.fact_memory(keys, vals, vec, value_encoding="bow")
    for i in range(3):
        np.testing.assert_allclose(mem.keys[i], ref.encode(keys[i], vec), rtol=1e-12)
        np.testing.assert_allclose(mem.values[i], vec[vals[i, 0]], rtol=1e-12)
    cand = kv.hash_candidates(mem, [[5], [7, 0], [9]])
    assert [list(cand.slots[cand.indptr[b] : cand.indptr[b + 1]]) for b in range(3)] == [
        [0, 1],
        [0, 2],
        [],
    ]
    # "word 5" is in two keys: with max_frequency=1 it is a stop word and selects nothing
    assert kv.hash_candidates(mem, [[5]], max_frequency=1).counts[0] == 0
    with pytest.raises(MemsimError, match="same S"):
        kv.fact_memory(keys, vals[:2], vec)
