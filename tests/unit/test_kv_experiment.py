"""The kv runners (memsim.experiments.kv) against direct calls of the memsim.kv library."""

from __future__ import annotations

import numpy as np
import pytest

from memsim.experiments import kv as ekv
from memsim.kv import (
    accuracy_vs_key_dim,
    accuracy_vs_normaliser,
    accuracy_vs_slots,
    answer_stories,
    generate_stories,
    hashing_study,
    hops_study,
    retrieval_trial,
    story_attention,
)
from memsim.scenario.schema import Scenario


def scenario(model: dict, run: dict | None = None, capacity: dict | None = None) -> Scenario:
    data = {"model": {"kind": "kv", **model}, "run": run or {}}
    if capacity is not None:
        data["capacity"] = capacity
    return Scenario.model_validate(data)


RETRIEVAL = {"slots": 200, "key_dim": 16, "key_noise": 1.0, "temperature": 0.05, "queries": 40}


def test_recall_retrieval_matches_library():
    sc = scenario(RETRIEVAL, {"trials": 3, "seed": 7})
    r = ekv.run_recall(sc)
    fixed = dict(
        slots=200,
        key_dim=16,
        key_noise=1.0,
        normaliser={"kind": "softmax", "temperature": 0.05},
        queries=40,
    )
    direct = [retrieval_trial(7, t, **fixed) for t in range(3)]
    np.testing.assert_array_equal(r.tables["trials"]["accuracy"], [d["accuracy"] for d in direct])
    np.testing.assert_allclose(
        r.tables["trials"]["mean_cosine"], [d["mean_cosine"] for d in direct], rtol=1e-12
    )
    q = r.tables["queries"]
    assert q["trial"].size == 3 * 40
    for t in range(3):
        sel = q["trial"] == t
        # per-query rows reproduce the library's trial numbers
        assert np.mean(q["correct"][sel]) == pytest.approx(direct[t]["accuracy"])
        assert np.mean(q["cosine"][sel]) == pytest.approx(direct[t]["mean_cosine"], rel=1e-9)
        assert len(set(q["target"][sel].tolist())) == 40
    assert r.summary["accuracy"] == pytest.approx(np.mean([d["accuracy"] for d in direct]))


def test_recall_retrieval_hashing_and_hard():
    sc = scenario({**RETRIEVAL, "slots": 2000, "hashing": True, "normaliser": "hard"}, {"seed": 3})
    r = ekv.run_recall(sc)
    d = retrieval_trial(
        3, 0, slots=2000, key_dim=16, key_noise=1.0, normaliser="hard", hashing=True, queries=40
    )
    assert r.tables["trials"]["accuracy"][0] == d["accuracy"]
    q = r.tables["queries"]
    assert np.mean(q["candidates"]) == pytest.approx(d["mean_candidates"])
    assert np.all(q["candidates"] < 2000)


def test_recall_stories_matches_library():
    sc = scenario(
        {"mode": "stories", "task": "two_facts", "stories": 25, "hops": 2, "dim": 180, "story": 3},
        {"trials": 2, "seed": 5},
    )
    r = ekv.run_recall(sc)
    hops = r.tables["hops"]
    for t in range(2):
        st = generate_stories("two_facts", 25, seed=5 + t, sentences=10)
        for h in (1, 2):
            res = answer_stories(st, hops=h, dim=180, seed=5 + t)
            sel = (hops["trial"] == t) & (hops["hops"] == h)
            assert hops["accuracy"][sel][0] == res.accuracy
            a = r.tables["answers"]
            asel = (a["trial"] == t) & (a["hops"] == h)
            assert list(a["predicted"][asel]) == list(res.predicted)
            assert list(a["answer"][asel]) == [s.answer for s in st]
    att = story_attention("two_facts", index=3, hops=2, seed=5, dim=180, sentences=10)
    np.testing.assert_array_equal(r.arrays["attention"], att.weights)
    assert r.meta["attention_sentences"] == list(att.sentences)
    assert r.summary["accuracy_2_hops"] > r.summary["accuracy_1_hop"]


@pytest.mark.parametrize(
    "study,values,fn,kw",
    [
        ("slots", [50, 500], accuracy_vs_slots, "slots"),
        ("key_dim", [4, 32], accuracy_vs_key_dim, "key_dim"),
    ],
)
def test_capacity_axis_matches_library(study, values, fn, kw):
    sc = scenario(RETRIEVAL, {"trials": 2, "seed": 11}, {"study": study, "values": values})
    r = ekv.run_capacity(sc)
    fixed = {k: v for k, v in RETRIEVAL.items() if k not in (kw, "temperature")}
    rows = fn(
        values, trials=2, seed=11, normaliser={"kind": "softmax", "temperature": 0.05}, **fixed
    )
    np.testing.assert_array_equal(r.tables["capacity"]["accuracy"], [x["accuracy"] for x in rows])
    means = [np.mean([x["accuracy"] for x in rows if x[kw] == v]) for v in values]
    np.testing.assert_allclose(r.tables["capacity_summary"]["accuracy_mean"], means)


def test_capacity_noise_matches_library():
    sc = scenario(RETRIEVAL, {"trials": 2, "seed": 1}, {"study": "noise", "values": [0.0, 2.0]})
    r = ekv.run_capacity(sc)
    d = [
        retrieval_trial(
            1,
            t,
            slots=200,
            key_dim=16,
            key_noise=k,
            normaliser={"kind": "softmax", "temperature": 0.05},
            queries=40,
        )["accuracy"]
        for k in (0.0, 2.0)
        for t in range(2)
    ]
    np.testing.assert_array_equal(r.tables["capacity"]["accuracy"], d)
    assert d[0] == 1.0


def test_capacity_normaliser_matches_library():
    cap = {"study": "normaliser", "normalisers": [{"name": "softmax", "temperature": 1.0}, "hard"]}
    sc = scenario(RETRIEVAL, {"trials": 2, "seed": 2}, cap)
    r = ekv.run_capacity(sc)
    rows = accuracy_vs_normaliser(
        [{"kind": "softmax", "temperature": 1.0}, "hard"],
        trials=2,
        seed=2,
        slots=200,
        key_dim=16,
        key_noise=1.0,
        queries=40,
    )
    np.testing.assert_array_equal(r.tables["capacity"]["accuracy"], [x["accuracy"] for x in rows])
    assert list(r.tables["capacity_summary"]["normaliser"]) == ["softmax T=1", "hard"]


def test_capacity_hashing_matches_library():
    sc = scenario(RETRIEVAL, {"trials": 1, "seed": 4}, {"study": "hashing", "values": [300, 3000]})
    r = ekv.run_capacity(sc)
    rows = hashing_study(
        [300, 3000],
        trials=1,
        seed=4,
        key_dim=16,
        key_noise=1.0,
        normaliser={"kind": "softmax", "temperature": 0.05},
        queries=40,
    )
    tab = r.tables["capacity"]
    np.testing.assert_array_equal(tab["accuracy"], [x["accuracy"] for x in rows])
    np.testing.assert_array_equal(tab["hashing"], [x["hashing"] for x in rows])
    np.testing.assert_array_equal(tab["mean_candidates"], [x["mean_candidates"] for x in rows])


def test_capacity_hops_matches_library():
    sc = scenario(
        {"mode": "stories", "stories": 20, "dim": 180},
        {"trials": 2, "seed": 9},
        {"study": "hops", "values": [1, 2], "tasks": ["two_facts"]},
    )
    r = ekv.run_capacity(sc)
    tab = r.tables["capacity"]
    for t in range(2):
        rows = hops_study(["two_facts"], [1, 2], stories=20, seed=9 + t, dim=180)
        for x in rows:
            sel = (tab["trial"] == t) & (tab["hops"] == x["hops"])
            assert tab["accuracy"][sel][0] == x["accuracy"]
    assert r.summary["two_facts_2_hops_accuracy"] > r.summary["two_facts_1_hops_accuracy"]


def _numbers(r):
    return {
        name: {k: v for k, v in cols.items() if "seconds" not in k}
        for name, cols in r.tables.items()
    }


@pytest.mark.parametrize(
    "model,cap",
    [
        (RETRIEVAL, None),
        ({"mode": "stories", "stories": 15, "dim": 180}, None),
        (RETRIEVAL, {"study": "slots", "values": [50, 300]}),
    ],
)
def test_seed_reproducibility(model, cap):
    fn = ekv.run_capacity if cap else ekv.run_recall
    a = _numbers(fn(scenario(model, {"trials": 2, "seed": 21}, cap)))
    b = _numbers(fn(scenario(model, {"trials": 2, "seed": 21}, cap)))
    c = _numbers(fn(scenario(model, {"trials": 2, "seed": 22}, cap)))
    for name in a:
        for k in a[name]:
            np.testing.assert_array_equal(a[name][k], b[name][k])
    key = "capacity" if cap else ("trials" if model is RETRIEVAL else "answers")
    col = "mean_cosine" if key != "answers" else "answer"
    assert not np.array_equal(a[key][col], c[key][col])


def test_capacity_points():
    sc = scenario(RETRIEVAL, None, {"study": "hashing", "values": [100, 1000]})
    pts = ekv.capacity_points(sc)
    assert [(p["slots"], p["hashing"]) for p in pts] == [
        (100, False),
        (100, True),
        (1000, False),
        (1000, True),
    ]
    sc = scenario({"mode": "stories"}, None, {"study": "hops"})
    assert len(ekv.capacity_points(sc)) == 2 * 3  # default tasks x default hops
