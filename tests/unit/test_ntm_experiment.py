"""The ntm runners (memsim.experiments.ntm) against direct memsim.ntm.run_task calls."""

from __future__ import annotations

import numpy as np
import pytest

from memsim.experiments import ntm as exp
from memsim.ntm import run_task
from memsim.scenario.load import validate


def scenario(model: dict, trials: int = 3, seed: int = 4, capacity: dict | None = None):
    data = {"model": {"kind": "ntm", **model}, "run": {"trials": trials, "seed": seed}}
    if capacity is not None:
        data["capacity"] = capacity
    return validate(data)


CASES = [
    ("copy", {"length": 6, "memory_slots": 8, "shift_blur": 0.1}),
    ("copy", {"length": 12, "memory_slots": 8}),
    ("repeat_copy", {"length": 4, "repeats": 2}),
    ("associative_recall", {"items": 3}),
    ("priority_sort", {"n_vectors": 6, "n_outputs": 4}),
    ("dnc_allocation", {"n_sequences": 2, "length": 3, "memory_slots": 4, "free": False}),
    ("dnc_link_traversal", {"length": 5}),
    ("dnc_repeat_copy", {"length": 4, "repeats": 2}),
]


@pytest.mark.parametrize("task,params", CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)])
def test_recall_matches_run_task(task, params):
    sc = scenario({"task": task, **params})
    res = exp.run_recall(sc)
    direct = [run_task(task, seed=4, trial=t, **params) for t in range(3)]
    tab = res.tables["trials"]
    assert tab["trial"].tolist() == [0, 1, 2]
    assert tab["bit_errors"].tolist() == [d.bit_errors for d in direct]
    assert tab["scored_bits"].tolist() == [d.scored_bits for d in direct]
    assert tab["exact"].tolist() == [d.bit_errors == 0 for d in direct]
    assert res.summary["bit_errors_total"] == sum(d.bit_errors for d in direct)
    assert res.summary["fraction_exact"] == np.mean([d.bit_errors == 0 for d in direct])
    # per-step errors of every trial
    st = res.tables["steps"]
    for t, d in enumerate(direct):
        sel = st["trial"] == t
        assert st["errors"][sel].tolist() == d.errors_per_step.tolist()
        assert st["phase"][sel].tolist() == list(d.step_labels)
    # arrays are trial 0's
    for k, v in direct[0].arrays().items():
        np.testing.assert_array_equal(res.arrays[k], v, err_msg=k)
    assert ("link_matrix" in res.arrays) == task.startswith("dnc_")


def test_defaults_are_the_task_defaults():
    sc = scenario({"task": "associative_recall"}, trials=1)
    res = exp.run_recall(sc)
    d = run_task("associative_recall", seed=4, trial=0)
    assert res.summary["bit_errors_total"] == d.bit_errors
    assert res.summary["steps"] == d.inputs.shape[0]
    assert res.meta["task_params"]["items"] == 6


def test_seed_reproducible_and_seed_matters():
    m = {"task": "copy", "length": 10, "memory_slots": 16, "shift_blur": 0.1}
    a = exp.run_recall(scenario(m, seed=1))
    b = exp.run_recall(scenario(m, seed=1))
    c = exp.run_recall(scenario(m, seed=2))
    assert a.tables["trials"]["bit_errors"].tolist() == b.tables["trials"]["bit_errors"].tolist()
    np.testing.assert_array_equal(a.arrays["inputs"], b.arrays["inputs"])
    assert not np.array_equal(a.arrays["inputs"], c.arrays["inputs"])


def test_notes_for_wrap_and_blur():
    res = exp.run_recall(scenario({"task": "copy", "length": 12, "memory_slots": 8}, trials=1))
    assert any("wraps" in n for n in res.meta["notes"])
    res = exp.run_recall(scenario({"task": "copy", "length": 5, "shift_blur": 0.1}, trials=1))
    assert any("gamma" in n for n in res.meta["notes"])


def test_capacity_matches_run_task_per_point_and_trial():
    cap = {"lengths": [4, 9], "memory_slots": [6, 12], "shift_blurs": [0.0, 0.1], "gammas": [1.0]}
    sc = scenario({"task": "copy", "bits": 4}, trials=2, seed=3, capacity=cap)
    res = exp.run_capacity(sc)
    tab = res.tables["capacity"]
    assert len(tab["trial"]) == 2 * 2 * 2 * 1 * 2
    i = 0
    for length in (4, 9):
        for n in (6, 12):
            for blur in (0.0, 0.1):
                for t in range(2):
                    d = run_task(
                        "copy", seed=3, trial=t, bits=4, length=length, memory_slots=n,
                        shift_blur=blur, gamma=1.0,
                    )  # fmt: skip
                    assert (tab["length"][i], tab["memory_slots"][i]) == (length, n)
                    assert (tab["shift_blur"][i], tab["trial"][i]) == (blur, t)
                    assert tab["bit_errors"][i] == d.bit_errors
                    # the per-task hook gives the same row
                    row = exp.capacity_task(
                        sc,
                        {"length": length, "memory_slots": n, "shift_blur": blur, "gamma": 1.0},
                        t,
                    )
                    assert row["bit_errors"] == d.bit_errors
                    i += 1
    s = res.tables["capacity_summary"]
    assert len(s["length"]) == 8
    k = np.flatnonzero((s["length"] == 9) & (s["memory_slots"] == 6) & (s["shift_blur"] == 0.0))
    sel = (tab["length"] == 9) & (tab["memory_slots"] == 6) & (tab["shift_blur"] == 0.0)
    assert s["mean_bit_errors"][k[0]] == pytest.approx(tab["bit_errors"][sel].mean())
    assert s["mean_bit_errors"][k[0]] > 0  # 9 vectors in 6 slots wrap


def test_capacity_axes_default_to_the_model():
    sc = scenario(
        {"task": "copy", "memory_slots": 10, "shift_blur": 0.05, "gamma": 3.0},
        trials=1,
        capacity={"lengths": [3]},
    )
    assert exp.capacity_points(sc) == [
        {"length": 3, "memory_slots": 10, "shift_blur": 0.05, "gamma": 3.0}
    ]
