"""The ntm model kind through the memsim command: every shipped ntm_*.yaml, results folders,
bit errors of the copy variants, and bad-input messages."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from cli_tools import invoke

ROOT = Path(__file__).resolve().parents[2]
NTM_SCENARIOS = sorted((ROOT / "scenarios").glob("ntm_*.yaml"))
RECALL_SCENARIOS = [p for p in NTM_SCENARIOS if "\ncapacity:" not in p.read_text()]
CAPACITY_SCENARIOS = [p for p in NTM_SCENARIOS if "\ncapacity:" in p.read_text()]


def _trials(folder: Path) -> list[dict]:
    with open(folder / "trials.csv") as f:
        return list(csv.DictReader(f))


def test_the_shipped_scenarios_are_there():
    names = {p.stem for p in NTM_SCENARIOS}
    for n in (
        "ntm_copy", "ntm_copy_blurred", "ntm_copy_wrap", "ntm_repeat_copy",
        "ntm_associative_recall", "ntm_priority_sort", "ntm_dnc_allocation",
        "ntm_dnc_link_traversal", "ntm_dnc_repeat_copy", "ntm_copy_capacity",
    ):  # fmt: skip
        assert n in names
    for p in NTM_SCENARIOS:
        head = p.read_text().splitlines()[0]
        assert head.startswith("#"), p.name
        assert "Graves" in p.read_text(), p.name
        assert "memsim " in p.read_text(), p.name


@pytest.mark.parametrize("path", NTM_SCENARIOS, ids=lambda p: p.stem)
def test_every_ntm_scenario_runs_recall(path, tmp_path):
    out = tmp_path / "out"
    r = invoke("recall", path, "--out", out, "--quiet", "--set", "run.trials=2")
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "results.json").read_text())
    assert doc["command"] == "recall" and doc["kind"] == "ntm"
    files = {p.name for p in out.iterdir()}
    assert {"trials.csv", "steps.csv", "arrays.npz"} <= files
    assert {"sequences.png", "weightings.png", "memory.png"} <= files
    rows = _trials(out)
    assert [int(r["trial"]) for r in rows] == [0, 1]
    s = doc["summary"]
    assert s["bit_errors_total"] == sum(int(r["bit_errors"]) for r in rows)
    dnc = doc["scenario"]["model"]["task"].startswith("dnc_")
    assert ("links.png" in files) == dnc
    with np.load(out / "arrays.npz") as z:
        n = z["memory_before"].shape[0]
        assert z["write_weightings"].shape[2] == n
        assert z["read_weightings"].shape[1] == z["inputs"].shape[0]
        assert ("link_matrix" in z.files) == dnc
    # per-step errors add up to the trial's bit errors
    with open(out / "steps.csv") as f:
        steps = list(csv.DictReader(f))
    for t in (0, 1):
        assert sum(int(r["errors"]) for r in steps if int(r["trial"]) == t) == int(
            rows[t]["bit_errors"]
        )


def _errors(name: str, tmp_path: Path, *sets: str) -> list[int]:
    out = tmp_path / name
    r = invoke("recall", ROOT / "scenarios" / f"{name}.yaml", "--out", out, "-q", *sets)
    assert r.exit_code == 0, r.output
    return [int(r["bit_errors"]) for r in _trials(out)]


def test_copy_one_hot_is_exact_blur_is_not_and_sharpening_repairs_it(tmp_path):
    assert _errors("ntm_copy", tmp_path) == [0] * 10
    blurred = _errors("ntm_copy_blurred", tmp_path)
    assert all(e > 0 for e in blurred)
    assert _errors("ntm_copy_blurred", tmp_path / "g", "--set", "model.gamma=2") == [0] * 10


def test_copy_longer_than_memory_wraps(tmp_path):
    assert all(e > 0 for e in _errors("ntm_copy_wrap", tmp_path))
    # the same sequences fit into 20 slots
    assert _errors("ntm_copy_wrap", tmp_path / "b", "--set", "model.memory_slots=20") == [0] * 10


@pytest.mark.parametrize(
    "name",
    [
        "ntm_repeat_copy",
        "ntm_associative_recall",
        "ntm_priority_sort",
        "ntm_dnc_allocation",
        "ntm_dnc_link_traversal",
        "ntm_dnc_repeat_copy",
    ],
)
def test_other_tasks_are_exact(name, tmp_path):
    assert _errors(name, tmp_path, "--set", "run.trials=3") == [0] * 3


def test_dnc_allocation_without_freeing_runs_out(tmp_path):
    errs = _errors("ntm_dnc_allocation", tmp_path, "--set", "model.free=false")
    assert all(e > 0 for e in errs)


def test_seed_reproducible(tmp_path):
    path = ROOT / "scenarios" / "ntm_copy_blurred.yaml"
    outs = []
    for k, seed in enumerate((5, 5, 6)):
        out = tmp_path / f"o{k}"
        assert invoke("recall", path, "--out", out, "-q", "--seed", seed).exit_code == 0
        outs.append((out / "trials.csv").read_text())
    assert outs[0] == outs[1]
    assert outs[0] != outs[2]


@pytest.mark.parametrize("path", CAPACITY_SCENARIOS, ids=lambda p: p.stem)
def test_capacity_scenario_sweeps(path, tmp_path):
    """The capacity sweep through the runner registry (memsim.experiments.run), shrunk."""
    from memsim.experiments import run
    from memsim.plotting import make_plots

    sets = [
        "run.trials=2",
        "capacity.lengths=[10,20]",
        "capacity.memory_slots=[16,128]",
        "capacity.shift_blurs=[0.0,0.1]",
        "capacity.gammas=[1.0,2.0]",
    ]
    res = run(path, "capacity", overrides=sets)
    tab = res.tables["capacity"]
    assert len(tab["trial"]) == 2 * 2 * 2 * 2 * 2
    assert set(make_plots(res, tmp_path)) == {"capacity_heatmap.png", "capacity_lines.png"}

    def errs(length, slots, blur, gamma):
        sel = (
            (tab["length"] == length)
            & (tab["memory_slots"] == slots)
            & (tab["shift_blur"] == blur)
            & (tab["gamma"] == gamma)
        )
        assert sel.sum() == 2
        return tab["bit_errors"][sel]

    assert np.all(errs(20, 128, 0.0, 1.0) == 0)  # fits, one-hot
    assert np.all(errs(20, 16, 0.0, 1.0) > 0)  # wraps
    assert np.all(errs(20, 128, 0.1, 1.0) > 0)  # blurred, not sharpened
    assert np.all(errs(20, 128, 0.1, 2.0) == 0)  # re-sharpened


# ------------------------------------------------------------------------------ bad input --
BAD = [
    ("model: {kind: ntm, task: sort}", "model.task", ["'copy'", "'dnc_repeat_copy'"]),
    (
        "model: {kind: ntm, task: copy, items: 3}",
        "model.items",
        ["task 'copy' has no parameter 'items'", "length", "memory_slots"],
    ),
    ("model: {kind: ntm, task: copy, shift_blur: 0.7}", "model.shift_blur", ["0.5"]),
    (
        "model: {kind: ntm, task: copy, memory_init: ones}",
        "model.memory_init",
        ["'constant'", "'uniform'", "'zero'"],
    ),
    (
        "model: {kind: ntm, task: associative_recall, memory_width: 10}",
        "model.memory_width",
        [">= 18"],
    ),
    (
        "model: {kind: ntm, task: priority_sort, n_vectors: 4, n_outputs: 6}",
        "model.n_outputs",
        ["n_vectors"],
    ),
    (
        "model: {kind: ntm, task: copy}\npatterns: {source: random}",
        "patterns",
        ["does not use"],
    ),
    (
        "model: {kind: ntm, task: priority_sort}\ncapacity: {lengths: [5]}",
        "model.task",
        ["'copy'", "'repeat_copy'"],
    ),
    (
        "model: {kind: ntm, task: copy}\noutput: {plots: [energy]}",
        "output.plots[0]",
        ["'weightings'", "'links'"],
    ),
    ("model: {kind: ntm, task: copy, lenght: 5}", "model.lenght", ["length", "shift_blur"]),
    (
        "model: {kind: ntm, task: copy}\ncapacity: {lengths: []}",
        "capacity.lengths",
        ["at least one"],
    ),
]


@pytest.mark.parametrize("text,field,words", BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
@pytest.mark.parametrize("command", ["validate", "recall"])
def test_bad_input_is_a_clear_error(text, field, words, command, tmp_path):
    p = tmp_path / "bad_ntm.yaml"
    p.write_text(text + "\n")
    args = [command, p] + (["--out", tmp_path / "o", "-q"] if command == "recall" else [])
    r = invoke(*args)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    msg = " ".join(r.output.split())
    assert "bad_ntm.yaml" in msg
    assert f"'{field}'" in msg, msg
    for w in words:
        assert w in msg, (w, msg)
    assert not (tmp_path / "o").exists()
