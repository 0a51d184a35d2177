"""sdm model kind through the CLI: every shipped sdm_* scenario shrunk, results folders, runner
tables equal direct engine calls, bad input naming the field, seeds."""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_tools import SCEN, invoke, refused, shipped, shipped_scenario_tests

from memsim import sdm
from memsim._rng import generator
from memsim.experiments import run
from memsim.experiments.sdm import flip_cues

SCENARIOS = shipped("sdm")

SMALL = ["model.address_bits=64", "model.locations=2000", "model.radius=24"]
SHRINK = {
    "sdm_recall": [*SMALL, "model.items=40", "run.trials=2"],
    "sdm_attention": ["model.locations=3000", "model.items=60", "model.cues=10"],
    "sdm_capacity": [*SMALL, "capacity.items=[20,200]", "capacity.flips=[0.0,0.2]"],
}
FILES = {
    "sdm_recall": {"cues.csv", "attention.csv", "intersection.csv", "recall.png", "attention.png"},
    "sdm_attention": {"attention.csv", "attention.png", "recall.png"},
    "sdm_capacity": {"capacity.csv", "capacity_summary.csv", "capacity.png"},
}


def check_summary(command, s):
    # activated locations per read: Binomial(M, p) with p = P(Bin(n, 1/2) <= r)
    assert abs(s["mean_activated"] - s["expected_activated"]) < 0.15 * s["expected_activated"]
    if command == "recall":
        assert 0.5 < s["mean_accuracy"] <= 1.0
        assert s["attention_max_abs_difference"] < 0.2
    else:
        assert s["points"] == 4


test_every_scenario_has_shrink_settings, test_scenario_runs_small = shipped_scenario_tests(
    SCENARIOS, SHRINK, FILES, check_summary, validate=True
)


def test_recall_table_equals_engine_calls():
    res = run(SCEN / "sdm_recall.yaml", "recall", overrides=SHRINK["sdm_recall"])
    c = res.tables["cues"]
    locs = sdm.locations(2000, 64, seed=1)
    for t in range(2):
        g = generator(1, 1, t)
        addr = (g.random((40, 64)) < 0.5).astype(np.uint8)
        cues = flip_cues(addr, 0.1, generator(1, 2, t))
        counters = sdm.write(locs, addr, addr, 24)
        out, counts = sdm.read(counters, locs, cues, 24, return_counts=True)
        sel = c["trial"] == t
        np.testing.assert_array_equal(c["activated"][sel], counts)
        np.testing.assert_allclose(c["accuracy"][sel], (out == addr).mean(axis=1))
        np.testing.assert_array_equal(c["cue_distance"][sel], round(0.1 * 64))
    a = res.tables["attention"]
    g = generator(1, 1, 0)
    addr = (g.random((40, 64)) < 0.5).astype(np.uint8)
    cue = flip_cues(addr[:1], 0.1, generator(1, 2, 0))
    np.testing.assert_allclose(a["intersection_weight"], sdm.intersection_weights(cue, addr, 24)[0])
    np.testing.assert_allclose(a["softmax_weight"], sdm.attention_weights(cue, addr, 24)[0])


def test_capacity_noise_and_load_lower_accuracy():
    res = run(SCEN / "sdm_capacity.yaml", "capacity", overrides=SHRINK["sdm_capacity"])
    st = res.tables["capacity_summary"]
    acc = {
        (int(k), float(f)): a
        for k, f, a in zip(st["items"], st["flip"], st["accuracy"], strict=True)
    }
    assert acc[(20, 0.0)] > acc[(20, 0.2)]
    assert acc[(20, 0.2)] > acc[(200, 0.2)]


def test_seed_reproducible_and_matters():
    over = SHRINK["sdm_recall"]
    a = run(SCEN / "sdm_recall.yaml", "recall", overrides=over)
    b = run(SCEN / "sdm_recall.yaml", "recall", overrides=over)
    c = run(SCEN / "sdm_recall.yaml", "recall", overrides=[*over, "run.seed=5"])
    np.testing.assert_array_equal(a.tables["cues"]["accuracy"], b.tables["cues"]["accuracy"])
    assert not np.array_equal(a.tables["cues"]["activated"], c.tables["cues"]["activated"])


GOOD = """\
model: {kind: sdm, address_bits: 32, locations: 300, radius: 12, items: 10}
run: {trials: 1, seed: 1}
"""

BAD = [
    ("model.radius=40", ["model", "radius", "address_bits"]),
    ("model.data=ternary", ["model.data", "binary", "bipolar"]),
    ("model.data_bits=16", ["model", "data_bits", "auto"]),
    ("cue.mask=0.2", ["cue.mask", "cue.flip"]),
    ("capacity.items=[]", ["capacity.items", "at least one"]),
    ("capacity.flips=[1.5]", ["capacity.flips", "1"]),
]


@pytest.mark.parametrize("setting,fragments", BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_field(tmp_path, setting, fragments):
    p = tmp_path / "bad.yaml"
    p.write_text(GOOD)
    extra = ["--set", "capacity.items=[5]"] if setting.startswith("capacity.flips") else []
    refused(invoke("validate", p, "--set", setting, *extra), fragments, "bad.yaml")


def test_hetero_bipolar_inline(tmp_path):
    p = tmp_path / "g.yaml"
    p.write_text(GOOD)
    r = invoke(
        "recall",
        p,
        "--out",
        tmp_path / "o",
        "-q",
        "--set",
        "model.association=hetero",
        "--set",
        "model.data=bipolar",
        "--set",
        "model.data_bits=20",
    )
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "o" / "results.json").read_text())["summary"]
    assert s["data"] == "bipolar" and s["mean_accuracy"] > 0.5
