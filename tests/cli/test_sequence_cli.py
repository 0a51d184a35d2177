"""sequence model kind: shipped scenarios shrunk through the CLI, runner tables against direct
engine calls (memsim.hopfield.sequence), bad input naming the field, seed reproducibility."""

from __future__ import annotations

import numpy as np
import pytest
from cli_tools import SCEN, invoke, refused, shipped, shipped_scenario_tests
from click.testing import CliRunner
from memsim.cli.app import cli

from memsim import patterns as pat
from memsim._rng import generator
from memsim.experiments import run
from memsim.hopfield import sequence as seq
from memsim.scenario import load_scenario

SCENARIOS = shipped("sequence")

SHRINK = {
    "sequence_letters": ["run.trials=1", "model.steps=6"],
    "sequence_capacity": [
        "capacity.sizes=[100]",
        "capacity.loads=[0.1,0.4]",
        "run.trials=2",
        "capacity.steps=5",
    ],
}
FILES = {
    "sequence_letters": {"cues.csv", "steps.csv", "trace.csv", "overlaps.png", "pictures.png"},
    "sequence_capacity": {"capacity.csv", "capacity_summary.csv", "capacity.png"},
}


def check_summary(command, s):
    if command == "recall":
        # WALTZ, sync, lam 0.2: the word is followed to its end without a wrong transition
        assert s["mean_wrong_transitions"] == 0.0
        assert s["mean_correct_transitions"] == 2.0  # (4 + 3 + 2 + 1 + 0) / 5
        assert s["fraction_retrieved"] >= 0.6
    else:
        assert s["alpha_c_published"] == 0.269


test_every_scenario_has_shrink_settings, test_scenario_runs_small = shipped_scenario_tests(
    SCENARIOS, SHRINK, FILES, check_summary
)


def test_recall_tables_match_the_engine():
    sc = load_scenario(SCEN / "sequence_letters.yaml", ["run.trials=1", "model.steps=6"])
    res = run(sc, "recall")
    xi, _ = pat.letters("WALTZ", 3)
    cues = pat.corrupt(xi, 0.1, rng=generator(sc.run.seed, 2, 0))
    direct = seq.recall(seq.store(xi, cyclic=False, lam=0.2), cues, 6, "sync")
    np.testing.assert_array_equal(res.arrays["overlaps"], direct.overlaps)
    tr = res.tables["trace"]
    sel = (tr["cue"] == 1) & (tr["pattern"] == 2)
    np.testing.assert_array_equal(tr["overlap"][sel], direct.overlaps[1, :, 2])
    c = res.tables["cues"]
    np.testing.assert_array_equal(
        c["initial_overlap"], direct.overlaps[np.arange(5), 0, np.arange(5)]
    )
    st = res.tables["steps"]
    assert st["trial"].size == 5 * 7
    # without slow synapses the expected pattern steps once per step and stops at Z
    assert st["expected"][st["cue"] == 0].tolist() == [0, 1, 2, 3, 4, 4, 4]


def test_capacity_equals_engine_capacity_curve():
    text = (SCEN / "sequence_capacity.yaml").read_text()
    assert "flip: 0.0" in text
    sc = load_scenario(
        SCEN / "sequence_capacity.yaml",
        ["capacity.sizes=[60]", "capacity.loads=[0.1,0.3,0.5]", "run.trials=3", "capacity.steps=6"],
    )
    res = run(sc, "capacity")
    direct = seq.capacity_curve(60, [0.1, 0.3, 0.5], trials=3, steps=6, seed=sc.run.seed)
    tab = res.tables["capacity_summary"]
    np.testing.assert_allclose(tab["load"], direct.loads)
    np.testing.assert_array_equal(tab["mean_overlap"], direct.overlap)
    np.testing.assert_array_equal(tab["stderr"], direct.stderr)
    np.testing.assert_array_equal(tab["success"], direct.success)
    assert res.tables["critical_loads"]["critical_load"][0] == pytest.approx(
        direct.critical_load(0.5), nan_ok=True
    )


def test_capacity_cli_runs_are_identical(tmp_path):
    path = SCEN / "sequence_capacity.yaml"
    sets = ["capacity.sizes=[80]", "capacity.loads=[0.1,0.3]", "run.trials=2", "capacity.steps=4"]
    args = [x for s in sets for x in ("--set", s)]
    a, b = tmp_path / "a", tmp_path / "b"
    assert invoke("capacity", path, "--out", a, "-q", "--no-plots", *args).exit_code == 0
    assert invoke("capacity", path, "--out", b, "-q", "--no-plots", *args).exit_code == 0
    assert (a / "capacity.csv").read_text() == (b / "capacity.csv").read_text()


def test_seed_reproducible_and_async_with_tau(tmp_path):
    sets = ["run.trials=2", "model.dynamics=async", "model.tau=3", "model.steps=12"]
    sc = load_scenario(SCEN / "sequence_letters.yaml", sets)
    r1, r2 = run(sc, "recall"), run(sc, "recall")
    np.testing.assert_array_equal(r1.arrays["states"], r2.arrays["states"])
    assert r1.summary == r2.summary
    assert "expected_final_pattern" not in r1.tables["cues"]
    sc3 = load_scenario(SCEN / "sequence_letters.yaml", [*sets, "run.seed=4"])
    assert not np.array_equal(run(sc3, "recall").arrays["states"], r1.arrays["states"])


BAD = [
    ("recall", "model.dynamics=parallel", ["model.dynamics", "sync", "async"]),
    ("recall", "model.tau=0.5", ["model.tau", "1"]),
    ("recall", "model.lam=-1", ["model.lam"]),
    ("recall", "cue.pattern=9", ["cue.pattern", "5 patterns"]),
    ("recall", "output.plots=[capacity2]", ["output.plots[0]", "overlaps"]),
    ("capacity", "capacity.loads=[]", ["capacity.loads"]),
]


@pytest.mark.parametrize("command,setting,fragments", BAD, ids=[b[1] for b in BAD])
def test_bad_input_names_the_field(command, setting, fragments, tmp_path):
    path = SCEN / ("sequence_letters.yaml" if command == "recall" else "sequence_capacity.yaml")
    refused(invoke(command, path, "--out", tmp_path / "o", "--set", setting), fragments)


def test_capacity_refuses_letters_and_tau(tmp_path):
    r = CliRunner().invoke(
        cli,
        [
            "validate",
            str(SCEN / "sequence_capacity.yaml"),
            "--command",
            "capacity",
            "--set",
            "model.tau=2",
        ],
    )
    assert r.exit_code == 1 and "model.tau" in r.output
