"""The kv model kind through the memsim command: every shipped kv_*.yaml shrunk, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cli_tools import invoke

from memsim.experiments import run
from memsim.plotting import make_plots
from memsim.results import load, save

ROOT = Path(__file__).resolve().parents[2]
KV = sorted((ROOT / "scenarios").glob("kv_*.yaml"))

# shrinking overrides per shipped scenario (each run takes a few seconds)
SHRINK = {
    "kv_stories": ["model.stories=20", "run.trials=1"],
    "kv_hops": ["model.stories=20", "run.trials=1", "model.dim=180"],
    "kv_slots": ["capacity.values=[30,300,3000]", "run.trials=2", "model.queries=30"],
    "kv_noise": ["capacity.values=[0.0,1.0,3.0]", "run.trials=2", "model.queries=30"],
    "kv_normalisers": ["run.trials=2", "model.queries=30", "model.slots=300"],
    "kv_hashing": ["capacity.values=[500,5000]", "run.trials=1", "model.queries=30"],
    "kv_key_dim": ["capacity.values=[4,64]", "run.trials=2", "model.queries=30"],
}


def _sets(name: str) -> list[str]:
    out = []
    for s in SHRINK[name]:
        out += ["--set", s]
    return out


def _kind_of(path: Path) -> str:
    import yaml

    return yaml.safe_load(path.read_text())["model"]["kind"]


def test_every_kv_scenario_is_shrunk_here():
    assert KV, "no kv_*.yaml shipped"
    assert {p.stem for p in KV} == set(SHRINK)
    assert all(_kind_of(p) == "kv" for p in KV)
    for p in KV:
        text = p.read_text()
        assert text.startswith("#") and "Run:" in text
        assert "Sukhbaatar" in text or "Miller" in text


@pytest.mark.parametrize("path", KV, ids=lambda p: p.stem)
def test_kv_scenario_validates(path):
    r = invoke("validate", path)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("path", [p for p in KV if "capacity:" not in p.read_text()], ids=str)
def test_recall_scenarios_through_cli(path, tmp_path):
    out = tmp_path / "res"
    r = invoke("recall", path, "--out", out, "--quiet", *_sets(path.stem))
    assert r.exit_code == 0, r.output
    res = json.loads((out / "results.json").read_text())
    assert res["kind"] == "kv"
    for f in ("answers.csv", "hops.csv", "attention.csv", "attention.png", "hops.png"):
        assert (out / f).is_file(), f
    s = res["summary"]
    # two-fact stories need the second hop
    assert s["accuracy_2_hops"] > s["accuracy_1_hop"] + 0.3
    assert s["accuracy_2_hops"] >= 0.95
    back = load(out)
    att = back.arrays["attention"]
    assert att.shape[0] == 3  # hops of kv_stories.yaml
    np.testing.assert_allclose(att.sum(axis=1), 1.0, atol=1e-9)


def test_recall_retrieval_mode_through_cli(tmp_path):
    out = tmp_path / "res"
    path = ROOT / "scenarios" / "kv_slots.yaml"
    r = invoke("recall", path, "--out", out, "--set", "model.slots=200", "--set", "run.trials=2")
    assert r.exit_code == 0, r.output
    assert "accuracy" in r.output
    for f in ("results.json", "trials.csv", "queries.csv", "retrieval.png"):
        assert (out / f).is_file(), f
    back = load(out)
    q = back.tables["queries"]
    assert q["trial"].size == 2 * 100
    acc = json.loads((out / "results.json").read_text())["summary"]["accuracy"]
    assert acc == pytest.approx(np.mean(q["correct"]))


# `memsim capacity` of the CLI still drives the hopfield checkpointed sweep; these tests run the
# same runner, plots and results folder through the Python API (memsim.experiments.run).
@pytest.mark.parametrize("path", [p for p in KV if "capacity:" in p.read_text()], ids=str)
def test_capacity_scenarios(path, tmp_path):
    r = run(path, "capacity", overrides=SHRINK[path.stem])
    plots = make_plots(r, tmp_path)
    assert plots == ["capacity.png"]
    save(r, tmp_path, prepared=True)
    for f in ("results.json", "capacity.csv", "capacity_summary.csv", "capacity.png"):
        assert (tmp_path / f).is_file(), f
    s = r.summary
    tab = r.tables["capacity_summary"]
    acc = tab["accuracy_mean"]
    assert np.all((acc >= 0) & (acc <= 1))
    study = s["study"]
    if study == "hops":
        rows = list(zip(tab["task"], tab["hops"], acc, strict=True))
        two = {int(h): a for t, h, a in rows if t == "two_facts"}
        one = {int(h): a for t, h, a in rows if t == "one_fact"}
        assert two[2] > two[1] + 0.3
        assert one[1] >= 0.95
    elif study == "slots":
        assert acc[0] > acc[-1]  # more slots, more distractors
    elif study == "noise":
        assert acc[0] == 1.0 and acc[-1] < 0.5
    elif study == "key_dim":
        assert acc[-1] > acc[0] + 0.5
    elif study == "normaliser":
        labels = list(tab["normaliser"])
        assert acc[labels.index("hard")] > acc[labels.index("softmax T=1")] + 0.5
    elif study == "hashing":
        assert set(tab["hashing"].tolist()) == {False, True}
        assert np.all(tab["read_seconds_mean"] > 0)


# ------------------------------------------------------------------------------ bad input ---
BAD = [
    ("kv_slots", "model.mode=bogus", "model.mode", ["'retrieval'", "'stories'"]),
    ("kv_slots", "model.normaliser=entmax", "model.normaliser", ["'sparsemax'", "'hard'"]),
    ("kv_hops", "model.task=three_facts", "model.task", ["'one_fact'", "'two_facts'"]),
    ("kv_slots", "capacity.study=bogus", "capacity.study", ["'slots'", "'hashing'"]),
    ("kv_slots", "model.slots=0", "model.slots", ["greater than or equal to 1"]),
    ("kv_slots", "capacity.normalisers=[hard]", "capacity.normalisers", ["'normaliser' only"]),
    ("kv_slots", "capacity.values=[1.5]", "capacity.values", ["whole numbers"]),
    ("kv_hops", "capacity.tasks=[one_fact, four]", "capacity.tasks", ["'two_facts'"]),
    ("kv_slots", "model.foo=1", "model.foo", ["allowed keys", "key_dim"]),
    ("kv_stories", "model.hops=0", "model.hops", ["greater than or equal to 1"]),
]


@pytest.mark.parametrize("name,override,field,allowed", BAD, ids=[b[1] for b in BAD])
def test_bad_input(name, override, field, allowed, tmp_path):
    path = ROOT / "scenarios" / f"{name}.yaml"
    r = invoke("recall", path, "--out", tmp_path / "o", "--set", override)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    assert f"{name}.yaml" in r.output
    assert field in r.output
    for a in allowed:
        assert a in r.output
    assert not (tmp_path / "o").exists()


def test_bad_heatmap_story(tmp_path):
    path = ROOT / "scenarios" / "kv_stories.yaml"
    r = invoke(
        "recall",
        path,
        "--out",
        tmp_path / "o",
        "--set",
        "model.stories=5",
        "--set",
        "model.story=7",
    )
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "kv_stories.yaml" in r.output and "model.story" in r.output
    assert "allowed 0 to 4" in r.output
