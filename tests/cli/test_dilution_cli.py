"""Dilution and unlearning options of the hopfield kind: shipped scenarios shrunk through the
CLI, runner equal to direct engine calls, existing scenarios unchanged, theory, bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from cli_tools import invoke

from memsim import theory
from memsim._rng import generator
from memsim.experiments import run
from memsim.experiments.hopfield import AXES, _store_options, capacity_points
from memsim.hopfield import classical
from memsim.hopfield.dilution import erf_map
from memsim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCEN = ROOT / "scenarios"

SHRINK = {
    "dilution_capacity": [
        "patterns.size=300",
        "model.dilution=10",
        "model.max_sweeps=10",
        "capacity.loads=[0.00667,0.02,0.0333]",
        "capacity.cues_per_trial=5",
        "run.trials=1",
    ],
    "unlearning": [
        "patterns.size=60",
        "capacity.loads=[0.1,0.3]",
        "capacity.dreams=[0,300]",
        "capacity.cues_per_trial=10",
        "run.trials=1",
    ],
}
PLOTS = {"dilution_capacity": {"dilution.png"}, "unlearning": {"unlearning.png", "capacity.png"}}


@pytest.mark.parametrize("stem", sorted(SHRINK))
def test_shipped_scenario_runs_small(stem, tmp_path):
    path = SCEN / f"{stem}.yaml"
    assert path.read_text().startswith("#")
    assert invoke("validate", path).exit_code == 0
    out = tmp_path / "o"
    args = [x for s in SHRINK[stem] for x in ("--set", s)]
    r = invoke("capacity", path, "--out", out, "-q", *args)
    assert r.exit_code == 0, r.output
    assert PLOTS[stem] | {"capacity.csv", "capacity_summary.csv"} <= {f.name for f in out.iterdir()}
    doc = json.loads((out / "results.json").read_text())
    st = doc["summary"]["axes"]
    if stem == "dilution_capacity":
        assert st["dilution"] == [10]
        res = run(path, "capacity", overrides=SHRINK[stem])
        tab = res.tables["capacity_summary"]
        np.testing.assert_allclose(tab["load_per_connection"], [0.2, 0.6, 1.0])
        m = tab["mean_final_overlap"]
        assert m[0] > 0.9 and m[-1] < 0.5  # retrieval below 2/pi, decay above
    else:
        assert st["dreams"] == [0, 300]


def _digest(res) -> str:
    h = hashlib.sha256()
    for tname in sorted(res.tables):
        for c in sorted(res.tables[tname]):
            v = np.asarray(res.tables[tname][c])
            h.update(f"{tname}.{c}".encode())
            h.update(np.round(v, 12).tobytes() if v.dtype.kind == "f" else str(v.tolist()).encode())
    return h.hexdigest()


def test_existing_scenarios_unchanged():
    """Tables of shipped hopfield scenarios at a fixed seed, as before dilution and unlearning
    were added (digests recorded on the commit before; same machine and numba build)."""
    a = run(
        SCEN / "hebbian_random.yaml",
        "recall",
        overrides=["patterns.size=200", "patterns.count=20", "run.trials=2"],
    )
    b = run(
        SCEN / "rules_compare.yaml",
        "capacity",
        overrides=[
            "capacity.loads=[0.05,0.2]",
            "capacity.cues_per_trial=10",
            "run.trials=2",
            "capacity.rules=[hebbian,storkey]",
        ],
    )
    assert _digest(a) == "dd2dfdbeb64b1bbb4491872dc1009a5abda1440123c8af3589cb17bbd08e6ec9"
    assert _digest(b) == "c95b9e238a81d45b366afb687ab5e228caf52813bdd93b3d6ce07f4e335a2f58"
    # and, independent of the platform: no new store options, no new sweep columns
    sc = load_scenario(SCEN / "rules_compare.yaml")
    assert _store_options(sc, "hebbian", keys=(1, 2)) == {}
    assert set(capacity_points(sc)[0]) == {*AXES, "patterns"}
    assert set(b.tables["capacity"]) >= set(AXES) and "dilution" not in b.tables["capacity"]


INLINE = """\
model: {kind: hopfield, rule: unlearning, dreams: 200, epsilon: 0.02, dilution: 30,
        dilution_kind: symmetric, dynamics: sync, max_sweeps: 20}
patterns: {source: random, count: 8, size: 80}
cue: {flip: 0.1}
run: {trials: 2, seed: 9}
"""


def test_recall_runner_equals_engine_calls(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(INLINE)
    res = run(p, "recall")
    assert res.summary["dilution"] == 30 and res.summary["dreams"] == 200
    from memsim import patterns as pat

    c = res.tables["cues"]
    for t in range(2):
        xi = pat.random_patterns(8, 80, 0.0, generator(9, 1, t))
        seed = int(generator(9, 5, t).integers(0, 2**62))
        W = classical.store(
            xi,
            "unlearning",
            dreams=200,
            epsilon=0.02,
            dilution=30,
            dilution_kind="symmetric",
            seed=seed,
        )
        cues = pat.corrupt(xi, 0.1, 0.0, "random", generator(9, 2, t))
        r = classical.recall(W, cues, "sync", "random", 20, 9, targets=xi, stream=(3, t))
        fin = r.overlap[np.arange(8), r.sweeps]
        np.testing.assert_allclose(c["final_overlap"][c["trial"] == t], fin)
    again = run(p, "recall")
    np.testing.assert_array_equal(again.tables["cues"]["final_overlap"], c["final_overlap"])


def test_diluted_theory():
    a = np.array([0.1, 0.3, 0.5, 0.6])
    m = theory.diluted_retrieval_overlap(a)
    for mm, aa in zip(m, a, strict=True):
        assert erf_map(mm, aa) == pytest.approx(mm, abs=1e-12)  # fixed points
    assert (np.diff(m) < 0).all() and m[0] > 0.99
    assert theory.diluted_retrieval_overlap(0.65) == 0.0
    assert theory.diluted_capacity() == pytest.approx(2 / np.pi)
    # the exact finite-C map tends to the erf map for many connections
    assert (
        abs(theory.diluted_finite_overlap(400, 120) - theory.diluted_retrieval_overlap(0.3)) < 0.02
    )


BASE = """\
model: {kind: hopfield, rule: hebbian}
patterns: {source: random, count: 5, size: 50}
"""
BAD = [
    (["model.dilution=60"], ["model.dilution", "49"]),
    (["capacity.loads=[0.1]", "capacity.dilutions=[10,50]"], ["capacity.dilutions", "49"]),
    (["model.dilution_kind=sparse"], ["model.dilution_kind", "asymmetric", "symmetric"]),
    (["model.rule=unlearning", "model.epsilon=0"], ["model.epsilon", "greater than 0"]),
    (["model.dreams=-1"], ["model.dreams", "0"]),
    (["capacity.loads=[0.1]", "capacity.dreams=[10]"], ["capacity.dreams", "unlearning"]),
]


@pytest.mark.parametrize("sets,fragments", BAD, ids=[b[0][-1] for b in BAD])
def test_bad_input_names_the_field(tmp_path, sets, fragments):
    p = tmp_path / "bad.yaml"
    p.write_text(BASE)
    r = invoke("validate", p, *[x for s in sets for x in ("--set", s)])
    assert r.exit_code == 1, r.output
    said = " ".join(r.output.split())
    assert "Traceback" not in said and "bad.yaml" in said
    for f in fragments:
        assert f in said, (f, said)
