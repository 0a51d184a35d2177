"""The attention recall runner (memsim.experiments.attention) against independent computations.

Keys, values and queries are taken from the runner's arrays (or regenerated from the documented
random streams); scores, weights, read-outs and every per-query number are recomputed here with
the plain loops of tests/reference_attention.py and with direct calls of memsim.attention.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference_attention as ref

from memsim import attention as att
from memsim._rng import generator
from memsim.experiments import attention as exp
from memsim.scenario import validate

COMPARE = [
    {"kind": "softmax", "temperature": 0.5},
    {"kind": "sparsemax"},
    {"kind": "entmax15"},
    {"kind": "entmax_bisect", "alpha": 1.25},
    {"kind": "topk", "k": 3},
    {"kind": "hard"},
]


def scenario(model=None, run=None, base_dir=None, **top):
    m = {
        "kind": "attention",
        "score": "scaled_dot",
        "keys": {"source": "random", "count": 15, "dim": 6},
        "values": {"source": "random", "dim": 4},
        "queries": {"source": "keys", "count": 7, "noise": 0.4},
        **(model or {}),
    }
    data = {"name": "t", "model": m, "run": {"seed": 11, **(run or {})}, **top}
    return validate(data, base_dir=base_dir)


def run(sc, base_dir=None):
    return exp.run_recall(sc, base_dir)


def _norm_opts(spec):
    return {k: v for k, v in spec.items() if k not in ("kind", "label")}


# ----------------------------------------------------------------------------- data --------
def test_random_data_follow_the_documented_streams():
    sc = scenario(run={"trials": 2})
    res = run(sc)
    for t in range(2):
        keys = generator(11, 1, t).standard_normal((15, 6))
        values = generator(11, 2, t).standard_normal((15, 4))
        np.testing.assert_array_equal(res.arrays["keys"][t], keys)
        np.testing.assert_array_equal(res.arrays["values"][t], values)
        rng = generator(11, 3, t)
        targets = np.sort(rng.choice(15, size=7, replace=False))
        queries = keys[targets] + 0.4 * rng.standard_normal((7, 6))
        rows = slice(7 * t, 7 * (t + 1))
        np.testing.assert_array_equal(res.arrays["targets"][rows], targets)
        np.testing.assert_array_equal(res.arrays["queries"][rows], queries)
        np.testing.assert_array_equal(res.arrays["target_values"][rows], values[targets])


def test_binary_keys_and_values_are_plus_minus_one():
    sc = scenario(
        model={
            "keys": {"source": "random", "count": 20, "dim": 9, "distribution": "binary"},
            "values": {"source": "random", "dim": 3, "distribution": "binary"},
            "queries": {"source": "keys", "count": 5},
        }
    )
    res = run(sc)
    assert set(np.unique(res.arrays["keys"])) == {-1.0, 1.0}
    assert set(np.unique(res.arrays["values"])) == {-1.0, 1.0}
    # no noise: each query is exactly its target key
    np.testing.assert_array_equal(
        res.arrays["queries"], res.arrays["keys"][0][res.arrays["targets"]]
    )


def test_values_default_to_the_keys_and_targets_are_distinct_and_sorted():
    sc = scenario(model={"values": {"source": "keys"}, "queries": {"count": 15, "noise": 0.1}})
    res = run(sc)
    np.testing.assert_array_equal(res.arrays["values"], res.arrays["keys"])
    t = res.arrays["targets"]
    assert list(t) == list(range(15))  # 15 of 15 keys without replacement, sorted


def test_more_queries_than_keys_draws_targets_with_replacement():
    sc = scenario(model={"queries": {"count": 40, "noise": 0.1}})
    res = run(sc)
    t = res.arrays["targets"]
    assert t.size == 40 and np.all(np.diff(t) >= 0) and t.max() < 15
    assert any("with replacement" in n for n in res.meta["notes"])


# ------------------------------------------------------------------ numbers vs references --
@pytest.mark.parametrize(
    "score,normaliser,opts",
    [
        ("scaled_dot", "softmax", {"temperature": 0.7}),
        ("dot", "sparsemax", {}),
        ("cosine", "entmax15", {}),
        ("neg_sq_distance", "entmax_bisect", {"alpha": 1.7}),
        ("scaled_dot", "topk", {"k": 4}),
        ("dot", "hard", {}),
    ],
)
def test_weights_and_readouts_match_plain_references(score, normaliser, opts):
    beta = 2.0 if score == "cosine" else 0.8
    sc = scenario(model={"score": score, "beta": beta, "normaliser": normaliser, **opts})
    res = run(sc)
    keys, values = res.arrays["keys"][0], res.arrays["values"][0]
    q = res.arrays["queries"]
    s_ref = ref.score_matrix(q, keys, score, beta=beta)
    np.testing.assert_allclose(res.arrays["scores"], s_ref, rtol=1e-12, atol=1e-12)
    w_ref = np.array([ref.normalise(row, normaliser, **opts) for row in s_ref])
    np.testing.assert_allclose(res.arrays["weights"], w_ref, atol=1e-9)
    r_ref = np.array(
        [[sum(w_ref[b, k] * values[k, j] for k in range(15)) for j in range(4)] for b in range(7)]
    )
    np.testing.assert_allclose(res.arrays["readouts"], r_ref, atol=1e-9)
    # the same through memsim.attention directly
    r_lib, w_lib = att.attend(
        q, keys, values, score, normaliser, return_weights=True, beta=beta, **opts
    )
    np.testing.assert_array_equal(res.arrays["weights"], w_lib)
    np.testing.assert_array_equal(res.arrays["readouts"], r_lib)


def test_per_query_table_by_loops():
    sc = scenario(model={"normaliser": "sparsemax", "beta": 3.0}, run={"trials": 2})
    res = run(sc)
    tab = res.tables["queries"]
    w, s = res.arrays["weights"], res.arrays["scores"]
    r, tv = res.arrays["readouts"], res.arrays["target_values"]
    targets = res.arrays["targets"]
    assert list(tab["trial"]) == [0] * 7 + [1] * 7
    assert list(tab["query"]) == list(range(7)) * 2
    for i in range(14):
        row = list(w[i])
        t = int(targets[i])
        best = max(range(15), key=lambda k: (row[k], -k))  # first maximum
        assert tab["target"][i] == t
        assert tab["argmax"][i] == best
        assert tab["correct"][i] == (best == t)
        assert tab["support"][i] == sum(1 for x in row if x > 0)
        ent = -sum(x * math.log(x) for x in row if x > 0)
        assert tab["entropy"][i] == pytest.approx(ent, abs=1e-12)
        assert tab["max_weight"][i] == max(row)
        assert tab["target_weight"][i] == row[t]
        assert tab["target_rank"][i] == 1 + sum(1 for x in s[i] if x > s[i][t])
        assert tab["max_score"][i] == max(s[i])
        assert tab["target_score"][i] == s[i][t]
        err = math.sqrt(sum((a - b) ** 2 for a, b in zip(r[i], tv[i], strict=True)))
        assert tab["readout_error"][i] == pytest.approx(err, rel=1e-12)
        norm = math.sqrt(sum(b * b for b in tv[i]))
        assert tab["relative_error"][i] == pytest.approx(err / norm, rel=1e-12)
    summ = res.summary
    assert summ["fraction_correct"] == pytest.approx(np.mean(tab["correct"]))
    assert summ["mean_support"] == pytest.approx(np.mean(tab["support"]))
    assert summ["mean_readout_error"] == pytest.approx(np.mean(tab["readout_error"]))
    assert summ["keys"] == 15 and summ["key_dim"] == 6 and summ["value_dim"] == 4


def test_weights_table_lists_every_pair_when_small():
    res = run(scenario())
    wt = res.tables["weights"]
    assert wt["query"].size == 7 * 15
    w, s = res.arrays["weights"], res.arrays["scores"]
    for i in range(wt["query"].size):
        b, k = int(wt["query"][i]), int(wt["key"][i])
        assert wt["weight"][i] == w[b, k] and wt["score"][i] == s[b, k]
        assert wt["is_target"][i] == (k == res.arrays["targets"][b])


def test_weights_table_keeps_the_top_keys_and_the_target_when_large(monkeypatch):
    monkeypatch.setattr(exp, "FULL_WEIGHTS_ROWS", 10)
    monkeypatch.setattr(exp, "TOP_KEYS", 4)
    res = run(scenario(model={"queries": {"count": 7, "noise": 3.0}}))
    wt = res.tables["weights"]
    s = res.arrays["scores"]
    targets = res.arrays["targets"]
    for b in range(7):
        keys_b = set(wt["key"][wt["query"] == b].tolist())
        top = set(np.argsort(-s[b], kind="stable")[:4].tolist())
        assert top <= keys_b
        assert int(targets[b]) in keys_b
        assert keys_b == top | {int(targets[b])}
    assert any("largest scores" in n for n in res.meta["notes"])


def test_compare_matches_reference_normalisers_on_the_same_scores():
    sc = scenario(model={"compare": COMPARE, "beta": 1.5}, run={"trials": 2})
    res = run(sc)
    s = res.arrays["scores"]
    labels = res.meta["compare_labels"]
    assert labels == [
        "softmax T=0.5",
        "sparsemax",
        "entmax15",
        "entmax alpha=1.25",
        "top-3",
        "hard",
    ]
    ct = res.tables["normalisers"]
    ns = res.tables["normaliser_summary"]
    for i, (lab, spec) in enumerate(zip(labels, COMPARE, strict=True)):
        w_ref = np.array([ref.normalise(row, spec["kind"], **_norm_opts(spec)) for row in s])
        cw = res.arrays["compare_weights"][i]
        np.testing.assert_allclose(cw, w_ref, atol=1e-9)
        sel = ct["normaliser"] == lab
        assert sel.sum() == 14
        # keys selected: weight > 0 (checked against the reference with a margin for weights
        # that sit at the threshold within rounding)
        np.testing.assert_array_equal(ct["support"][sel], (cw > 0).sum(axis=1))
        np.testing.assert_array_equal((cw > 1e-12).sum(axis=1), (w_ref > 1e-12).sum(axis=1))
        reads = np.concatenate([cw[7 * t : 7 * (t + 1)] @ res.arrays["values"][t] for t in (0, 1)])
        np.testing.assert_allclose(res.arrays["compare_readouts"][i], reads, atol=1e-12)
        err = np.linalg.norm(reads - res.arrays["target_values"], axis=1)
        np.testing.assert_allclose(ct["readout_error"][sel], err, rtol=1e-12)
        j = list(ns["normaliser"]).index(lab)
        assert ns["mean_support"][j] == pytest.approx(ct["support"][sel].mean())
        assert ns["min_support"][j] == ct["support"][sel].min()
        assert ns["max_support"][j] == ct["support"][sel].max()
        assert res.summary["support_by_normaliser"][lab] == pytest.approx(ns["mean_support"][j])
    # what the comparison is about: softmax selects every key, hard one, top-3 three
    sup = res.summary["support_by_normaliser"]
    assert sup["softmax T=0.5"] == 15
    assert sup["hard"] == 1
    assert sup["top-3"] == 3
    assert 1 <= sup["sparsemax"] <= sup["entmax15"] <= sup["entmax alpha=1.25"] <= 15


def test_compare_equals_compare_normalisers_called_directly():
    res = run(scenario(model={"compare": COMPARE}))
    direct = att.compare_normalisers(
        res.arrays["scores"],
        [{**c, "label": lab} for c, lab in zip(COMPARE, res.meta["compare_labels"], strict=True)],
    )
    for i, lab in enumerate(res.meta["compare_labels"]):
        np.testing.assert_array_equal(res.arrays["compare_weights"][i], direct[lab].weights)
        sel = res.tables["normalisers"]["normaliser"] == lab
        np.testing.assert_array_equal(
            res.tables["normalisers"]["support"][sel], direct[lab].support
        )


def test_sparsemax_support_shrinks_as_beta_grows():
    """Sparsemax is not scale-invariant: larger scores, fewer selected keys (Martins & Astudillo
    2016: p = [z - tau]_+ with sum p = 1)."""
    sups = []
    for beta in (0.05, 0.5, 5.0):
        res = run(scenario(model={"beta": beta, "compare": [{"kind": "sparsemax"}]}))
        sups.append(res.summary["support_by_normaliser"]["sparsemax"])
    assert sups[0] > sups[1] > sups[2] >= 1


def test_random_queries_have_no_targets():
    sc = scenario(model={"queries": {"source": "random", "count": 5}})
    res = run(sc)
    q = res.tables["queries"]
    assert "target" not in q and "correct" not in q
    assert "targets" not in res.arrays
    assert res.meta["has_targets"] is False
    np.testing.assert_array_equal(
        res.arrays["queries"], generator(11, 3, 0).standard_normal((5, 6))
    )
    assert "fraction_correct" not in res.summary


# --------------------------------------------------------------------------- files ---------
def test_keys_and_values_from_files(tmp_path):
    rng = np.random.default_rng(5)
    keys = rng.standard_normal((9, 4))
    vals = rng.standard_normal((9, 2))
    np.save(tmp_path / "k.npy", keys)
    np.savetxt(tmp_path / "v.csv", vals, delimiter=",", fmt="%.17g")
    sc = scenario(
        model={
            "keys": {"source": "file", "path": "k.npy"},
            "values": {"source": "file", "path": "v.csv"},
            "queries": {"count": 4, "noise": 0.2},
        },
        run={"trials": 2},
        base_dir=tmp_path,
    )
    res = run(sc, tmp_path)
    for t in range(2):  # the same keys and values in every trial, fresh queries
        np.testing.assert_array_equal(res.arrays["keys"][t], keys)
        np.testing.assert_array_equal(res.arrays["values"][t], vals)
    assert not np.array_equal(res.arrays["queries"][:4], res.arrays["queries"][4:])
    w_ref = np.array(
        [ref.softmax(ref.score_matrix([q], keys, "scaled_dot")[0]) for q in res.arrays["queries"]]
    )
    np.testing.assert_allclose(res.arrays["weights"], w_ref, atol=1e-12)


# ---------------------------------------------------------------------- reproducibility ----
def test_same_seed_same_numbers_other_seed_other_numbers():
    a = run(scenario(model={"compare": COMPARE}, run={"trials": 2}))
    b = run(scenario(model={"compare": COMPARE}, run={"trials": 2}))
    c = run(scenario(model={"compare": COMPARE}, run={"trials": 2, "seed": 12}))
    for name in a.arrays:
        np.testing.assert_array_equal(a.arrays[name], b.arrays[name])
    for name in a.tables:
        for col in a.tables[name]:
            np.testing.assert_array_equal(a.tables[name][col], b.tables[name][col])
    assert a.summary == b.summary
    assert not np.array_equal(a.arrays["keys"], c.arrays["keys"])


def test_a_trial_does_not_depend_on_the_number_of_trials_or_threads():
    one = run(scenario(run={"trials": 1}))
    three = run(scenario(run={"trials": 3, "threads": 1}))
    np.testing.assert_array_equal(one.arrays["weights"], three.arrays["weights"][:7])
    np.testing.assert_array_equal(one.arrays["keys"][0], three.arrays["keys"][0])


# ---------------------------------------------------------------------------- warnings -----
def test_warnings_for_settings_that_change_nothing():
    res = run(
        scenario(
            model={
                "normaliser": "topk",
                "k": 20,
                "compare": [{"kind": "entmax_bisect", "alpha": 1.0}],
            }
        )
    )
    text = " ".join(res.meta["warnings"])
    assert "keeps all 15 keys" in text and "alpha = 1 is softmax" in text
    assert run(scenario()).meta["warnings"] == []


def test_entropy_helper():
    w = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])
    np.testing.assert_allclose(exp.entropy(w), [math.log(2), 0.0])
