"""bam model kind: shipped scenarios shrunk through the CLI, runner tables against direct engine
calls (memsim.hopfield.bam), bad input naming the field, seed reproducibility."""

from __future__ import annotations

import numpy as np
import pytest
from cli_tools import SCEN, invoke, refused, shipped, shipped_scenario_tests

from memsim import patterns as pat
from memsim._rng import generator
from memsim.experiments import run
from memsim.hopfield import bam
from memsim.scenario import load_scenario

SCENARIOS = shipped("bam")

SHRINK = {
    "bam_pairs": ["run.trials=1"],
    "bam_capacity": ["capacity.pairs=[2,30]", "run.trials=2", "patterns.size=60"],
}
FILES = {
    "bam_pairs": {"cues.csv", "trace.csv", "energy.png", "pictures.png"},
    "bam_capacity": {"capacity.csv", "capacity_summary.csv", "capacity.png"},
}


def check_summary(command, s):
    if command == "recall":
        assert s["fraction_exact"] == 1.0 and s["energy_never_increased"]
    else:
        assert s["nx"] == 60 and s["ny"] == 80


test_every_scenario_has_shrink_settings, test_scenario_runs_small = shipped_scenario_tests(
    SCENARIOS, SHRINK, FILES, check_summary
)


def test_recall_tables_match_the_engine():
    sc = load_scenario(SCEN / "bam_pairs.yaml", ["run.trials=1"])
    res = run(sc, "recall")
    X, _ = pat.letters("TWO", 2)
    Y, _ = pat.letters("SIX", 2)
    cues = pat.corrupt(X, 0.15, rng=generator(sc.run.seed, 2, 0))
    d = bam.recall(bam.store(X, Y), x=cues, max_steps=50, seed=sc.run.seed, stream=(3, 0))
    np.testing.assert_array_equal(res.arrays["final_y"], d.y)
    np.testing.assert_array_equal(res.arrays["final_x"], d.x)
    c = res.tables["cues"]
    np.testing.assert_array_equal(c["half_steps"], d.steps)
    tr = res.tables["trace"]
    for b in range(3):
        e = tr["energy"][tr["cue"] == b]
        np.testing.assert_array_equal(e, d.energy[b, : d.steps[b] + 1])
    # cueing with y instead gives the same pairs back
    y = run(load_scenario(SCEN / "bam_pairs.yaml", ["run.trials=1", "model.cue_side=y"]), "recall")
    assert y.summary["fraction_exact"] == 1.0


def test_capacity_equals_engine_capacity_curve():
    sets = ["capacity.pairs=[3,12,25]", "run.trials=3", "patterns.size=50", "model.y_size=40"]
    sc = load_scenario(SCEN / "bam_capacity.yaml", sets)
    res = run(sc, "capacity")
    d = bam.capacity_curve(50, 40, [3, 12, 25], trials=3, flip=0.1, seed=sc.run.seed)
    st = res.tables["capacity_summary"]
    np.testing.assert_allclose(st["stable"], d.stable, rtol=0, atol=1e-15)
    np.testing.assert_allclose(st["recalled"], d.recalled, rtol=0, atol=1e-15)
    np.testing.assert_allclose(st["bit_error"], d.bit_error, rtol=0, atol=1e-15)
    assert st["theory_bit_error"][1] == bam.crosstalk_bit_error(50, 12)


def test_seed_reproducible_random_y(tmp_path):
    text = "model: {kind: bam, y_size: 30}\npatterns: {source: random, count: 4, size: 40}\n"
    p = tmp_path / "r.yaml"
    p.write_text(text + "run: {trials: 2, seed: 5}\n")
    a, b = run(load_scenario(p), "recall"), run(load_scenario(p), "recall")
    np.testing.assert_array_equal(a.arrays["final_y"], b.arrays["final_y"])
    assert a.summary == b.summary
    c = run(load_scenario(p, ["run.seed=6"]), "recall")
    assert not np.array_equal(a.arrays["stored_y"], c.arrays["stored_y"])
    r = invoke("recall", p, "--out", tmp_path / "o", "-q")
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "o" / "pictures.png").exists()


BAD = [
    ("recall", "model.y_letters=SI", ["model.y_letters", "3 x patterns"]),
    ("recall", "model.cue_side=z", ["model.cue_side", "'x'", "'y'"]),
    ("recall", "model.y_size=1", ["model.y_size"]),
    ("recall", "cue.pattern=[0,7]", ["cue.pattern", "3 pairs"]),
    ("capacity", "capacity.pairs=[0]", ["capacity.pairs"]),
    ("capacity", "cue.flip=0.8", ["cue.flip", "0.5"]),
]


@pytest.mark.parametrize("command,setting,fragments", BAD, ids=[b[1] for b in BAD])
def test_bad_input_names_the_field(command, setting, fragments, tmp_path):
    path = SCEN / ("bam_pairs.yaml" if command == "recall" else "bam_capacity.yaml")
    refused(invoke(command, path, "--out", tmp_path / "o", "--set", setting), fragments)
