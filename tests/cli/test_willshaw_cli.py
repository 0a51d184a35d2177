"""willshaw model kind through the CLI: every shipped willshaw_* scenario shrunk, results
folders, runner tables equal direct engine calls, bad input naming the field, seeds."""

from __future__ import annotations

import numpy as np
import pytest
from cli_tools import SCEN, invoke, refused, shipped, shipped_scenario_tests

from memsim._rng import generator
from memsim.experiments import run
from memsim.hopfield import willshaw as ws

SCENARIOS = shipped("willshaw")

SHRINK = {
    "willshaw_capacity": [
        "model.n_in=200",
        "model.n_out=200",
        "model.k_in=5",
        "model.k_out=5",
        "model.cues=40",
        "capacity.memories=[50,400,1500]",
        "run.trials=2",
    ],
    "willshaw_recall": [
        "model.n_in=200",
        "model.n_out=200",
        "model.k_in=6",
        "model.k_out=6",
        "model.memories=400",
        "model.cues=30",
        "run.trials=2",
    ],
}
FILES = {
    "willshaw_capacity": {"capacity.csv", "capacity_summary.csv", "capacity.png"},
    "willshaw_recall": {"cues.csv", "recall.png"},
}


def check_summary(command, s):
    if command == "recall":
        assert abs(s["p1"] - s["p1_theory"]) < 0.02
        assert s["miss_rate"] == 0.0  # 'active' threshold, incomplete cues: no misses
        assert 0.0 < s["false_positive_rate"] < 0.5
    else:
        assert 0.0 < s["max_info"] < np.log(2.0)
        assert s["max_abs_p1_error"] < 0.02


test_every_scenario_has_shrink_settings, test_scenario_runs_small = shipped_scenario_tests(
    SCENARIOS, SHRINK, FILES, check_summary, validate=True
)


def test_capacity_table_equals_capacity_curve():
    """Clean cues, 'active' threshold: the task-split sweep gives capacity_curve's numbers."""
    res = run(SCEN / "willshaw_capacity.yaml", "capacity", overrides=SHRINK["willshaw_capacity"])
    st = res.tables["capacity_summary"]
    ref = ws.capacity_curve(200, 200, 5, 5, [50, 400, 1500], trials=2, cues=40, seed=1)
    np.testing.assert_array_equal(st["memories"], ref.m)
    for mine, theirs in (
        ("p1", ref.p1),
        ("p1_theory", ref.p1_theory),
        ("false_positive", ref.false_positive),
        ("false_positive_theory", ref.false_positive_theory),
        ("misses", ref.misses),
        ("info", ref.info),
        ("info_theory", ref.info_theory),
    ):
        np.testing.assert_allclose(st[mine], theirs, rtol=1e-12, err_msg=mine)


def test_recall_table_equals_engine_calls():
    res = run(SCEN / "willshaw_recall.yaml", "recall", overrides=SHRINK["willshaw_recall"])
    c = res.tables["cues"]
    from memsim.experiments.willshaw import sparse_cues

    for t in range(2):
        g = generator(1, 1, t)
        x = ws.sparse_patterns(400, 200, 6, g)
        y = ws.sparse_patterns(400, 200, 6, g)
        w = ws.store(x, y)
        cues = sparse_cues(x[:30], 0.25, 0.0, generator(1, 2, t))
        assert (cues.sum(axis=1) == 6 - 2).all()  # round(0.25 * 6) = 2 silenced
        r = ws.recall(w, cues, "active")
        sel = c["trial"] == t
        fp = ((r.output == 1) & (y[:30] == 0)).sum(axis=1)
        hits = ((r.output == 1) & (y[:30] == 1)).sum(axis=1)
        np.testing.assert_array_equal(c["false_positives"][sel], fp)
        np.testing.assert_array_equal(c["hits"][sel], hits)
        np.testing.assert_array_equal(c["theta"][sel], r.theta)


def test_seed_reproducible_and_matters():
    over = SHRINK["willshaw_recall"]
    a = run(SCEN / "willshaw_recall.yaml", "recall", overrides=over)
    b = run(SCEN / "willshaw_recall.yaml", "recall", overrides=over)
    c = run(SCEN / "willshaw_recall.yaml", "recall", overrides=[*over, "run.seed=2"])
    np.testing.assert_array_equal(
        a.tables["cues"]["false_positives"], b.tables["cues"]["false_positives"]
    )
    assert a.summary["p1"] != c.summary["p1"]


def test_kwta_and_auto_association():
    over = [*SHRINK["willshaw_recall"][:-1], "run.trials=1", "model.cue_missing=0"]
    r = run(SCEN / "willshaw_recall.yaml", "recall", overrides=[*over, "model.threshold=kwta"])
    assert (r.tables["cues"]["output_active"] >= 6).all()
    r = run(
        SCEN / "willshaw_recall.yaml",
        "recall",
        overrides=[
            "model.association=auto",
            "model.n_in=200",
            "model.k_in=6",
            "model.n_out=200",
            "model.k_out=6",
            "model.memories=200",
            "model.cues=20",
            "model.cue_missing=0.5",
        ],
    )
    assert r.summary["n_out"] == 200 and r.summary["miss_rate"] == 0.0


GOOD = """\
model: {kind: willshaw, n_in: 100, k_in: 4, memories: 50, cues: 10}
run: {trials: 1, seed: 1}
"""

BAD = [
    ("model.k_in=200", ["model", "k_in", "n_in"]),
    ("model.threshold=median", ["model.threshold", "active", "max", "kwta"]),
    ("model.cue_missing=1.5", ["model.cue_missing", "less than 1"]),
    ("cue.flip=0.2", ["cue.flip", "model.cue_missing", "model.cue_added"]),
    ("model.association=auto", None),  # fine alone
    ("capacity.memories=[]", ["capacity.memories", "at least one"]),
]


@pytest.mark.parametrize("setting,fragments", BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_field(tmp_path, setting, fragments):
    p = tmp_path / "bad.yaml"
    p.write_text(GOOD)
    r = invoke("validate", p, "--set", setting)
    if fragments is None:
        assert r.exit_code == 0, r.output
        return
    refused(r, fragments, "bad.yaml")


def test_auto_refuses_other_output_sizes(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(GOOD)
    r = invoke("validate", p, "--set", "model.association=auto", "--set", "model.n_out=50")
    assert r.exit_code == 1
    assert "n_out" in r.output and "auto" in r.output
