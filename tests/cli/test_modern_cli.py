"""dense and modern model kinds through the CLI: every shipped dense_*/modern_* scenario shrunk,
results folders, bad input (exit 1, one paragraph naming file, field and allowed values).

Capacity scenarios run through `memsim capacity` (one runner call per sweep for these kinds);
test_python_api_matches_cli checks that memsim.experiments.run gives the same numbers.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_tools import (
    DENSE,
    MODERN,
    SCEN,
    invoke,
    refused,
    shipped,
    shipped_scenario_tests,
    write,
)

from memsim.experiments import run
from memsim.results import load

SCENARIOS = shipped("dense", "modern")

SHRINK = {
    "dense_letters": ["run.trials=1", "patterns.letters=BDEF"],
    "dense_capacity": ["capacity.sizes=[20,30]", "capacity.degrees=[2,3]", "capacity.cues=50"],
    "dense_exponential": ["capacity.sizes=[10,14]", "capacity.cues=30"],
    "modern_letters": ["run.trials=1", "patterns.letters=BDEFH"],
    "modern_completion": ["run.trials=1", "patterns.letters=BDEFH"],
    "modern_beta_sweep": ["run.trials=1", "capacity.betas=[0.001,0.05,1.0]"],
    "modern_separation": ["run.trials=1", "capacity.biases=[0.0,0.5]"],
    "modern_capacity": ["capacity.dims=[16,20]", "capacity.k_max=128", "capacity.queries=20"],
}
PLOTS = {
    "dense_letters": {"energy.png", "overlap.png", "pictures.png"},
    "dense_capacity": {"capacity.png"},
    "dense_exponential": {"capacity.png"},
    "modern_letters": {"energy.png", "attention.png", "fixed_points.png", "pictures.png"},
    "modern_completion": {"energy.png", "attention.png", "fixed_points.png", "pictures.png"},
    "modern_beta_sweep": {"beta_sweep.png"},
    "modern_separation": {"separation.png"},
    "modern_capacity": {"capacity.png"},
}
TABLES = {
    "dense_letters": {"cues.csv", "trace.csv"},
    "dense_capacity": {"capacity.csv"},
    "dense_exponential": {"capacity.csv"},
    "modern_letters": {"cues.csv", "trace.csv"},
    "modern_completion": {"cues.csv", "trace.csv"},
    "modern_beta_sweep": {"beta_sweep.csv", "beta_summary.csv"},
    "modern_separation": {"separation.csv"},
    "modern_capacity": {"capacity.csv"},
}


test_every_scenario_has_shrink_settings, test_scenario_runs_small = shipped_scenario_tests(
    SCENARIOS, SHRINK, {k: TABLES[k] | PLOTS[k] for k in SHRINK}, lambda command, s: None,
    validate=True,
)  # fmt: skip


def test_letters_modern_beats_hebbian(tmp_path):
    out = tmp_path / "o"
    r = invoke("recall", SCEN / "modern_letters.yaml", "--out", out, "-q", "--set", "run.trials=1")
    assert r.exit_code == 0, r.output
    s = json.loads((out / "results.json").read_text())["summary"]
    assert s["fraction_retrieved"] == 1.0
    assert s["classical_fraction_retrieved"] < 0.5


def test_good_inline_scenarios_run(tmp_path):
    for i, text in enumerate((DENSE, MODERN)):
        r = invoke("recall", write(tmp_path, text, f"g{i}.yaml"), "--out", tmp_path / f"o{i}", "-q")
        assert r.exit_code == 0, r.output


BAD = [
    # (base, command, extra --set, fragments expected in the message)
    (
        DENSE,
        "recall",
        "model.interaction=cubic",
        ["model.interaction", "polynomial", "rectified", "exponential"],
    ),
    (DENSE, "recall", "model.n=1", ["model.n", "2"]),
    (DENSE, "recall", "model.dynamics=fast", ["model.dynamics", "async", "sync"]),
    (DENSE, "recall", "cue.pattern=7", ["cue.pattern", "0 to 4"]),
    (DENSE, "recall", "output.plots=[pictures]", ["output.plots", "letters"]),
    (MODERN, "recall", "model.normaliser=tanh", ["model.normaliser", "softmax", "sparsemax"]),
    (MODERN, "recall", "model.beta=-1", ["model.beta", "greater than 0"]),
    (MODERN, "recall", "output.plots=[nonsense]", ["output.plots", "attention", "energy"]),
    (MODERN, "recall", "capacity.study=magic", ["capacity.study", "beta_sweep", "separation"]),
    (MODERN, "recall", "capacity.study=beta_sweep", ["capacity", "betas"]),
    (DENSE, "recall", "capacity.degrees=[1]", ["capacity.degrees", "2"]),
]


@pytest.mark.parametrize("base,command,setting,fragments", BAD, ids=[b[2] for b in BAD])
def test_bad_input_one_paragraph(tmp_path, base, command, setting, fragments):
    p = write(tmp_path, base, "bad.yaml")
    if setting.startswith("capacity.degrees"):
        setting_list = ["capacity.sizes=[20]", setting]
    else:
        setting_list = [setting]
    args = [x for s in setting_list for x in ("--set", s)]
    refused(invoke(command, p, "--out", tmp_path / "out", "-q", *args), fragments, "bad.yaml",
            fold=False)  # fmt: skip


def test_capacity_needs_random_patterns(tmp_path):
    p = write(tmp_path, DENSE.replace("{source: random, count: 5, size: 60}", "{source: letters}"),
              "bad.yaml")  # fmt: skip
    r = invoke("capacity", p, "--out", tmp_path / "o", "-q", "--set", "capacity.sizes=[20]")
    refused(r, ("bad.yaml", "patterns.source", "random"), fold=False)


def test_modern_capacity_study_needs_softmax(tmp_path):
    r = invoke(
        "capacity",
        write(tmp_path, MODERN, "bad.yaml"),
        "--out",
        tmp_path / "o",
        "-q",
        "--set",
        "model.normaliser=sparsemax",
        "--set",
        "capacity.study=capacity",
        "--set",
        "capacity.dims=[16]",
    )
    assert r.exit_code == 1, r.output
    for f in ("bad.yaml", "model.normaliser", "softmax"):
        assert f in r.output


def test_python_api_matches_cli(tmp_path):
    path = SCEN / "modern_separation.yaml"
    sets = SHRINK[path.stem]
    out = tmp_path / "o"
    r = invoke("capacity", path, "--out", out, "-q", *[x for s in sets for x in ("--set", s)])
    assert r.exit_code == 0, r.output
    api = run(path, "capacity", overrides=sets)
    cli_res = load(out)
    for k in ("error", "bound", "separation"):
        # the CSV keeps 12 significant digits
        np.testing.assert_allclose(
            cli_res.tables["separation"][k], api.tables["separation"][k], rtol=1e-10
        )


def test_modern_completion_clamps_the_known_pixels_and_completes_every_letter(tmp_path):
    """cue.clamp: unmasked: the unmasked half of each cue is held fixed (final state equals the
    cue there), the hidden half is filled in, every shrunk letter is retrieved exactly and the
    energy never rises."""
    out = tmp_path / "out"
    path = SCEN / "modern_completion.yaml"
    args = [x for s in SHRINK["modern_completion"] for x in ("--set", s)]
    r = invoke("recall", path, "--out", out, "--quiet", *args)
    assert r.exit_code == 0, r.output
    res = load(out)
    cues = res.tables["cues"]
    assert all(bool(x) for x in cues["sign_exact"])
    cue, fin = res.arrays["cues"], res.arrays["final_states"]
    on = cue == 1  # mask_fill "off" hides as -1, so every +1 pixel of a cue is a known one
    assert on.any() and np.array_equal(fin[on], cue[on])  # held exactly, not just close
    trace = res.tables["trace"]
    e = np.asarray(trace["energy"], dtype=float)
    same = (np.diff(np.asarray(trace["cue"])) == 0) & (np.diff(np.asarray(trace["trial"])) == 0)
    rises = np.diff(e)[same & np.isfinite(np.diff(e))]
    assert np.all(rises <= 1e-9 * np.abs(e[1:][same & np.isfinite(np.diff(e))]) + 1e-12)
