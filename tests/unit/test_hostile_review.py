"""Regressions from the hostile-input review: every case once failed (silent NaN or wrong value,
a raw Python exception, a misleading message). Expected values are derived independently."""

from __future__ import annotations

import math

import numpy as np
import pytest

import memsim
from memsim.errors import MemsimError


@pytest.mark.parametrize("tiny", [5e-324, 1e-310, 2.2e-308])
def test_cosine_of_subnormal_vectors(tiny):
    from memsim.ntm import content_weighting, cosine_similarity

    mem = np.full((2, 2), tiny)
    key = np.full(2, tiny)
    # equal directions: cosine 1 at any scale (eps = 0); with eps > 0 the formula's eps
    # dominates such tiny norms, so the similarity is 0 (the limit), never NaN
    np.testing.assert_allclose(cosine_similarity(mem, key, cosine_eps=0), [1.0, 1.0], rtol=1e-15)
    np.testing.assert_array_equal(cosine_similarity(mem, key), [0.0, 0.0])
    np.testing.assert_allclose(content_weighting(mem, key, 1.0), [0.5, 0.5])
    # one subnormal vector against a normal one: cos = 1 / sqrt(5) and 3 / sqrt(10)
    got = cosine_similarity(
        np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([tiny, 0.0]), cosine_eps=0
    )
    np.testing.assert_allclose(got, [1 / math.sqrt(5), 3 / math.sqrt(10)], rtol=1e-15)


@pytest.mark.parametrize("beta", [1e-8, 1e-16, 1e-20, 1e-100, 1e-300])
def test_modern_energy_at_small_beta(beta):
    """E = -(1/beta) log(mean_i exp(beta x_i.xi)) + xi.xi/2 + M^2/2 tends to
    -mean_i x_i.xi + xi.xi/2 + M^2/2 as beta -> 0 (first-order expansion of the log-mean-exp:
    the correction is beta var/2, below 1e-8 here)."""
    from memsim.hopfield import modern

    X = np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]])
    xi = np.array([[1.0, -1.0, 0.9]])
    s = X @ xi[0]
    m2 = max(float(x @ x) for x in X)
    expected = -s.mean() + 0.5 * float(xi[0] @ xi[0]) + 0.5 * m2  # = 2.005
    var = s.var()
    assert modern.energy(X, xi, beta)[0] == pytest.approx(expected - beta * var / 2, abs=1e-12)
    sp = modern.energy(X, xi, beta, normaliser="sparsemax")[0]
    assert sp == pytest.approx(expected, abs=1e-7)


def test_modern_beta_below_the_float_range_is_refused():
    from memsim.hopfield import modern

    with pytest.raises(MemsimError, match="beta must be at least"):
        modern.energy(np.eye(2), np.eye(2)[:1], 1e-320)


def test_overflowing_sparse_retrieval_names_the_scores(recwarn):
    from memsim.hopfield import modern

    X = np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]]) * 1e300
    with pytest.raises(MemsimError, match="on the scores beta"):
        modern.retrieve(X, X[:1], 1e300, normaliser="sparsemax")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_raw_exceptions_became_messages(tmp_path):
    from memsim.ntm import softmax

    with pytest.raises(MemsimError, match="must not be empty"):
        softmax(np.array([]))
    with pytest.raises(MemsimError, match="scenario must be a scenario file path"):
        memsim.run({"model": {"kind": "hopfield"}})
    res = memsim.run("scenarios/hebbian_random.yaml", overrides=["run.trials=1"])
    with pytest.raises(MemsimError, match="must be a folder path"):
        res.save(5)
    with pytest.raises(MemsimError, match="'bogus' is not a plot"):
        res.save(tmp_path / "a", plots=["bogus"])
    assert not (tmp_path / "a").exists()
    from memsim.hopfield import recall, store

    W = store(np.array([[1, -1, 1, 1], [1, 1, -1, -1]]))
    with pytest.raises(MemsimError, match="theta"):
        recall(W, np.array([[1, -1, 1, 1]]), theta=np.full(4, np.nan))
    with pytest.raises(MemsimError, match="max_sweeps"):
        recall(W, np.array([[1, -1, 1, 1]]), max_sweeps=10**13)


def test_yaml_merge_keys_may_be_overridden(tmp_path):
    from memsim.scenario import load_scenario

    p = tmp_path / "m.yaml"
    p.write_text(
        "model: &m {kind: hopfield, max_sweeps: 10}\n"
        "patterns: {source: random, count: 3, size: 30}\n"
    )
    assert load_scenario(p).model.max_sweeps == 10
    p.write_text(
        "model:\n  <<: {kind: hopfield, max_sweeps: 10}\n  max_sweeps: 20\n"
        "patterns: {source: random, count: 3, size: 30}\n"
    )
    assert load_scenario(p).model.max_sweeps == 20
    p.write_text(
        "model: {kind: hopfield, max_sweeps: 5, max_sweeps: 6}\npatterns: {source: random}\n"
    )
    with pytest.raises(MemsimError, match="defined twice"):
        load_scenario(p)


def test_pattern_file_messages(tmp_path):
    from memsim.scenario import load_scenario

    (tmp_path / "rag.csv").write_text("1,1\n1,-1,1\n")
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf1,-1,1\n-1,1,1\n")
    (tmp_path / "digits.yaml").write_text(
        "model: {kind: hopfield}\npatterns: {source: random, count: " + "9" * 5000 + "}\n"
    )
    for name, text in (("rag", "rag.csv"), ("bom", "bom.csv")):
        (tmp_path / f"{name}.yaml").write_text(
            f"model: {{kind: hopfield}}\npatterns: {{source: file, path: {text}}}\n"
        )
    with pytest.raises(MemsimError, match="same number of columns") as e:
        load_scenario(tmp_path / "rag.yaml")
    assert "usecols" not in str(e.value)
    assert load_scenario(tmp_path / "bom.yaml").patterns.path == "bom.csv"
    with pytest.raises(MemsimError, match="more than 4300 digits") as e:
        load_scenario(tmp_path / "digits.yaml")
    assert "set_int_max_str_digits" not in str(e.value)


@pytest.mark.parametrize("method", ["blocked", "matrix"])
@pytest.mark.parametrize("beta", ["x", float("nan"), float("inf")])
def test_kv_read_names_a_bad_beta_on_every_path(method, beta):
    import memsim.kv as kv

    q, k, v = np.ones((2, 3)), np.ones((4, 3)), np.ones((4, 2))
    with pytest.raises(MemsimError, match="beta"):
        kv.read(q, k, v, method=method, beta=beta)


def test_priority_code_refuses_priorities_outside_the_range():
    from memsim.ntm.tasks import priority_code

    assert np.all(np.diff(priority_code([-1.0, 0.0, 1.0], 8)) > 0)
    for bad in (1.2, -1.5, float("nan")):
        with pytest.raises(MemsimError, match="priority"):
            priority_code(bad, 8)


def test_order_dependence_names_an_option_it_sets_itself():
    from memsim.hopfield import store
    from memsim.hopfield.analysis import order_dependence
    from memsim.patterns import corrupt, random_patterns

    X = random_patterns(3, 40, seed=1)
    with pytest.raises(MemsimError, match="'dynamics' cannot be passed"):
        order_dependence(store(X), corrupt(X, flip=0.2, seed=2), dynamics="sync")
