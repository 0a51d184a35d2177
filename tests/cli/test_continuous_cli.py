"""continuous model kind: shipped scenarios shrunk through the CLI, runner tables against direct
engine calls (memsim.hopfield.continuous), bad input naming the field, seed reproducibility."""

from __future__ import annotations

import numpy as np
import pytest
from cli_tools import SCEN, shipped, shipped_scenario_tests
from click.testing import CliRunner
from memsim.cli.app import cli

from memsim import patterns as pat
from memsim._rng import generator
from memsim.experiments import run
from memsim.hopfield import continuous as ct
from memsim.scenario import load_scenario

SCENARIOS = shipped("continuous")

SMALL = ["run.trials=1", "patterns.size=60", "patterns.count=3"]
SHRINK = {
    "continuous_recall": [*SMALL, "model.duration=8", "model.points=21"],
    "continuous_gain": [*SMALL, "capacity.gains=[0.3,4.0]", "model.duration=20"],
}
FILES = {
    "continuous_recall": {"cues.csv", "trace.csv", "trajectories.png", "energy.png"},
    "continuous_gain": {"gain_sweep.csv", "gain_summary.csv", "gain_sweep.png"},
}


def check_summary(command, s):
    if command == "recall":
        assert s["fraction_retrieved"] == 1.0
        assert s["largest_energy_increase"] <= 1e-6
    else:
        assert 0.3 < s["critical_gain"] < 4.0


test_every_scenario_has_shrink_settings, test_scenario_runs_small = shipped_scenario_tests(
    SCENARIOS, SHRINK, FILES, check_summary
)


def engine_inputs(sc):
    """The shrunk scenarios' patterns, Hebbian weights (zero diagonal) and cues, made directly."""
    xi = pat.random_patterns(3, 60, 0.0, generator(sc.run.seed, 1, 0))
    w = xi.T.astype(float) @ xi.astype(float) / 60
    np.fill_diagonal(w, 0.0)
    return xi, w, pat.corrupt(xi, 0.15, rng=generator(sc.run.seed, 2, 0))


def test_recall_tables_match_the_engine():
    sc = load_scenario(SCEN / "continuous_recall.yaml", SHRINK["continuous_recall"])
    res = run(sc, "recall")
    xi, w, cues = engine_inputs(sc)
    d = ct.simulate(w, 0.1 * cues, 8.0, gain=4.0, points=21)
    np.testing.assert_array_equal(res.arrays["V"], d.V)
    tr = res.tables["trace"]
    np.testing.assert_array_equal(tr["energy"][tr["cue"] == 2], d.energy[2])
    np.testing.assert_allclose(res.tables["cues"]["final_overlap"], (d.V[:, -1] * xi).mean(1))
    assert res.summary["critical_gain"] == pytest.approx(1 / np.linalg.eigvalsh(w)[-1])


def test_gain_sweep_matches_the_engine():
    sc = load_scenario(SCEN / "continuous_gain.yaml", SHRINK["continuous_gain"])
    res = run(sc, "capacity")
    xi, w, cues = engine_inputs(sc)
    d = ct.gain_sweep(w, 0.1 * cues, [0.3, 4.0], 20.0, targets=xi, points=11)
    tab = res.tables["gain_sweep"]
    np.testing.assert_array_equal(tab["overlap"], d.overlap.ravel())
    np.testing.assert_array_equal(tab["agrees"], d.agrees.ravel())
    st = res.tables["gain_summary"]
    assert st["mean_amplitude"][0] < 1e-3 < 0.9 < st["mean_amplitude"][1]


def test_seed_reproducible():
    sets = [*SHRINK["continuous_recall"], "run.trials=2"]
    a = run(load_scenario(SCEN / "continuous_recall.yaml", sets), "recall")
    b = run(load_scenario(SCEN / "continuous_recall.yaml", sets), "recall")
    np.testing.assert_array_equal(a.arrays["energy"], b.arrays["energy"])
    c = run(load_scenario(SCEN / "continuous_recall.yaml", [*sets, "run.seed=9"]), "recall")
    assert not np.array_equal(a.arrays["stored"], c.arrays["stored"])


BAD = [
    ("recall", "model.gain=0", ["model.gain"]),
    ("recall", "model.method=Euler", ["model.method", "RK45"]),
    ("recall", "model.points=1", ["model.points"]),
    ("recall", "cue.pattern=6", ["cue.pattern", "6 patterns"]),
    ("capacity", "capacity.gains=[]", ["capacity.gains"]),
]


@pytest.mark.parametrize("command,setting,fragments", BAD, ids=[b[1] for b in BAD])
def test_bad_input_names_the_field(command, setting, fragments, tmp_path):
    path = SCEN / ("continuous_recall.yaml" if command == "recall" else "continuous_gain.yaml")
    r = CliRunner().invoke(
        cli, [command, str(path), "--out", str(tmp_path / "o"), "--set", setting]
    )
    assert r.exit_code == 1
    said = " ".join(r.output.split())
    for f in fragments:
        assert f in said, said
    assert "Traceback" not in said
