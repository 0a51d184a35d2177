"""`memsim recall` with model kind `attention`: shipped scenarios, results folders, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cli_tools import flat, invoke, write

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("attention_*.yaml"))

GOOD = """\
model:
  kind: attention
  score: scaled_dot
  keys: {source: random, count: 20, dim: 8}
  values: {source: random, dim: 3}
  queries: {source: keys, count: 5, noise: 0.3}
run: {seed: 4}
"""


# -------------------------------------------------------------------------- scenarios -------
def test_there_are_attention_scenarios():
    names = {p.stem for p in SCENARIOS}
    assert {"attention_map", "attention_normalisers"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_validates_and_runs(path, tmp_path):
    r = invoke("validate", path)
    assert r.exit_code == 0, r.output
    assert "model attention" in r.output
    out = tmp_path / "out"
    r = invoke("recall", path, "--out", out, "--quiet", "--set", "model.queries.count=6")
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "results.json").read_text())
    assert doc["command"] == "recall" and doc["kind"] == "attention"
    assert doc["scenario"]["model"]["queries"]["count"] == 6
    n_keys = doc["summary"]["keys"]
    files = {p.name for p in out.iterdir()}
    assert {
        "queries.csv",
        "weights.csv",
        "arrays.npz",
        "attention_map.png",
        "readouts.png",
    } <= files
    assert set(doc["files"]) <= files
    header = (out / "queries.csv").read_text().splitlines()[0].split(",")
    assert {"trial", "query", "target", "argmax", "correct", "support", "entropy"} <= set(header)
    assert len((out / "queries.csv").read_text().splitlines()) == 1 + 6 * doc["summary"]["trials"]
    with np.load(out / "arrays.npz") as z:
        assert z["weights"].shape == (6 * doc["summary"]["trials"], n_keys)
        np.testing.assert_allclose(z["weights"].sum(axis=1), 1.0)
    if doc["scenario"]["model"]["compare"]:
        n_spec = len(doc["scenario"]["model"]["compare"])
        assert {"normalisers.csv", "normaliser_summary.csv"} <= files
        assert {"support.png", "profiles.png", "compare_maps.png"} <= files
        rows = (out / "normaliser_summary.csv").read_text().splitlines()
        assert len(rows) == 1 + n_spec
        assert len(doc["summary"]["support_by_normaliser"]) == n_spec


def test_normalisers_scenario_support_sizes(tmp_path):
    """The comparison the scenario is about: softmax selects every key, sparse normalisers few."""
    path = ROOT / "scenarios" / "attention_normalisers.yaml"
    out = tmp_path / "n"
    r = invoke("recall", path, "--out", out, "--quiet", "--no-plots")
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "results.json").read_text())
    sup = doc["summary"]["support_by_normaliser"]
    n_keys = doc["summary"]["keys"]
    for lab, v in sup.items():
        if lab.startswith("softmax"):
            assert v == n_keys
    assert sup["hard"] == 1 and sup["top-3"] == 3
    assert 1 <= sup["sparsemax"] <= sup["entmax15"] <= sup["entmax alpha=1.25"] < n_keys
    assert not list(out.glob("*.png"))


def test_summary_is_printed(tmp_path):
    r = invoke("recall", write(tmp_path, GOOD), "--out", tmp_path / "o")
    assert r.exit_code == 0, r.output
    text = flat(r.output)
    assert "mean support" in text and "fraction correct" in text and "softmax T=1" in text


def test_same_seed_same_files_and_seed_option(tmp_path):
    scen = write(tmp_path, GOOD)
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert invoke("recall", scen, "--out", a, "-q", "--threads", "1").exit_code == 0
    assert invoke("recall", scen, "--out", b, "-q", "--threads", "2", "--no-plots").exit_code == 0
    assert invoke("recall", scen, "--out", c, "-q", "--seed", "5", "--no-plots").exit_code == 0
    for f in ("queries.csv", "weights.csv"):
        assert (a / f).read_text() == (b / f).read_text()
        assert (a / f).read_text() != (c / f).read_text()


def test_plots_from_a_reloaded_results_folder(tmp_path):
    from memsim.plotting import make_plots
    from memsim.results import load

    text = GOOD.replace(
        "run: {seed: 4}",
        "  compare: [sparsemax, {kind: softmax, temperature: 0.5}]\nrun: {seed: 4}",
    )
    scen = write(tmp_path, text)
    out = tmp_path / "o"
    assert invoke("recall", scen, "--out", out, "-q", "--no-plots").exit_code == 0
    back = load(out)
    pics = tmp_path / "pics"
    pics.mkdir()
    names = make_plots(back, pics)
    assert set(names) == {
        "attention_map.png",
        "readouts.png",
        "support.png",
        "profiles.png",
        "compare_maps.png",
    }


def test_keys_and_values_from_files_and_random_queries(tmp_path):
    rng = np.random.default_rng(1)
    np.save(tmp_path / "k.npy", rng.standard_normal((90, 5)))
    np.savetxt(tmp_path / "v.csv", rng.standard_normal((90, 2)), delimiter=",")
    scen = write(
        tmp_path,
        "model:\n  kind: attention\n  score: cosine\n  beta: 8\n  normaliser: entmax15\n"
        "  keys: {source: file, path: k.npy}\n  values: {source: file, path: v.csv}\n"
        "  queries: {source: random, count: 4}\n",
    )
    out = tmp_path / "o"
    r = invoke("recall", scen, "--out", out, "-q")
    assert r.exit_code == 0, r.output
    header = (out / "queries.csv").read_text().splitlines()[0].split(",")
    assert "target" not in header and "support" in header
    assert (out / "attention_map.png").exists() and (out / "readouts.png").exists()


def test_capacity_is_not_offered(tmp_path):
    r = invoke("capacity", write(tmp_path, GOOD), "--out", tmp_path / "o")
    assert r.exit_code == 1
    assert "does not support model kind 'attention'" in flat(r.output)


# --------------------------------------------------------------------------- bad input ------
M = "model: {kind: attention, %s}\n"

BAD = [
    # (scenario text, extra args, fragments of the message)
    (M % "score: general", [], ["model.score", "'general' is not allowed", "'scaled_dot'"]),
    (M % "normaliser: softermax", [], ["model.normaliser", "'sparsemax'", "'entmax_bisect'"]),
    (M % "temperature: 0", [], ["model.temperature", "greater than 0"]),
    (M % "alpha: 0.5", [], ["model.alpha", "greater than or equal to 1"]),
    (M % "beta: -2", [], ["model.beta", "greater than or equal to 0"]),
    (
        M % "normaliser: sparsemax, temperature: 0.5",
        [],
        ["model.temperature", "softmax and topk only", "'sparsemax'"],
    ),
    (M % "normaliser: softmax, k: 4", [], ["model.k", "topk only"]),
    (M % "keys: {source: web}", [], ["model.keys.source", "'random', 'file'"]),
    (M % "keys: {source: random, count: 0}", [], ["model.keys.count", "greater than or equal"]),
    (
        M % "keys: {source: random, distribution: uniform}",
        [],
        ["model.keys.distribution", "'gaussian'", "'binary'"],
    ),
    (M % "keys: {source: file, path: keys.txt}", [], ["model.keys.path", ".npy or .csv"]),
    (M % "keys: {source: file, path: none.npy}", [], ["model.keys.path", "does not exist"]),
    (M % "keys: {source: file, path: nan.npy}", [], ["model.keys.path", "NaN or inf"]),
    (
        M % "keys: {source: file, path: k5.npy}, values: {source: file, path: v4.npy}",
        [],
        ["model.values.path", "4 rows", "5 keys"],
    ),
    (M % "values: {source: noise}", [], ["model.values.source", "'keys', 'random', 'file'"]),
    (M % "values: {source: random, dim: 0}", [], ["model.values.dim", "greater than or equal"]),
    (M % "queries: {count: 0}", [], ["model.queries.count", "greater than or equal to 1"]),
    (M % "queries: {from: keys}", [], ["model.queries.from", "unknown key", "source, count"]),
    (
        M % "queries: {source: random, noise: 0.3}",
        [],
        ["model.queries.noise", "queries made from keys"],
    ),
    (M % "queries: {source: file}", [], ["model.queries.source", "'keys'", "'random'"]),
    (M % "compare: [softmax2]", [], ["model.compare[0].kind", "'sparsemax'", "'topk'"]),
    (
        M % "compare: [sparsemax, {kind: entmax_bisect}]",
        [],
        ["model.compare[1].alpha", "required field is missing"],
    ),
    (
        M % "compare: [{kind: sparsemax, temperature: 2}]",
        [],
        ["model.compare[0].temperature", "unknown key", "allowed keys here: kind, label"],
    ),
    (M % "compare: [{temperature: 2}]", [], ["model.compare", "needs a 'kind'", "'softmax'"]),
    (M % "compare: [{kind: topk, k: 0}]", [], ["model.compare[0].k", "greater than or equal"]),
    (
        M % "compare: [sparsemax, sparsemax]",
        [],
        ["model.compare[1].label", "both labelled 'sparsemax'"],
    ),
    (
        M % "score: dot" + "output: {plots: [support]}\n",
        [],
        ["output.plots[0]", "needs a model.compare"],
    ),
    (
        M % "score: dot" + "output: {plots: [energy]}\n",
        [],
        ["output.plots[0]", "'attention_map'", "'readouts'", "'support'"],
    ),
    (M % "score: dot" + "cue: {flip: 0.1}\n", [], ["field 'cue'", "model.queries.noise"]),
    (
        M % "score: dot" + "run: {retrieval_overlap: 0.9}\n",
        [],
        ["run.retrieval_overlap", "does not apply", "trials, seed, threads"],
    ),
    (
        M % "score: dot" + "patterns: {source: random}\n",
        [],
        ["field 'patterns'", "does not use a 'patterns' section"],
    ),
    (
        M % "keys: {source: random, count: 10000000, dim: 2000}",
        [],
        ["model.keys.count", "GiB of memory"],
    ),
    (GOOD, ["--set", "model.queries.noise=-1"], ["model.queries.noise", "greater than or equal"]),
    (GOOD, ["--set", "model.colour=red"], ["model.colour", "unknown key", "allowed keys here"]),
]


@pytest.mark.parametrize("text,extra,fragments", BAD)
def test_bad_attention_scenarios_give_one_paragraph_errors(tmp_path, text, extra, fragments):
    np.save(tmp_path / "nan.npy", np.array([[1.0, np.nan], [0.0, 1.0]]))
    np.save(tmp_path / "k5.npy", np.ones((5, 3)))
    np.save(tmp_path / "v4.npy", np.ones((4, 2)))
    scen = write(tmp_path, text)
    r = invoke("recall", scen, "--out", tmp_path / "out", *extra)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    msg = flat(r.output)
    assert "s.yaml" in msg
    for frag in fragments:
        assert frag in msg, (frag, r.output)
    assert not (tmp_path / "out").exists()  # nothing written
